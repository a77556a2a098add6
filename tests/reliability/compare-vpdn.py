#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""compare-vpdn.py LAC.json LNS.json [N]: both nodes' `vpdnctl --json show
vpdn` describe the same tunnels and sessions (each tunnel's and session's
local ID is the other side's remote ID), every one established, every
tunnel's session count right; with N, exactly N sessions. Exit 1 and a
line per difference otherwise."""
import json
import sys

a = json.load(open(sys.argv[1]))
b = json.load(open(sys.argv[2]))
want = int(sys.argv[3]) if len(sys.argv) > 3 and sys.argv[3] else None
errs = []


def index(d, name):
    tun = {}
    for t in d.get("tunnels", []):
        if t["state"] != "est":
            errs.append("%s: tunnel %u in state %s" % (name, t["local_id"], t["state"]))
        tun[(t["local_id"], t["remote_id"])] = t
    ses = {}
    per = {}
    for s in d.get("sessions", []):
        if s["state"] != "est":
            errs.append("%s: session %u/%u in state %s" % (name, s["tunnel_id"], s["local_id"], s["state"]))
        ses[(s["tunnel_id"], s["local_id"])] = s
        per[s["tunnel_id"]] = per.get(s["tunnel_id"], 0) + 1
    for (l, r), t in tun.items():
        if t["sessions"] != per.get(l, 0):
            errs.append("%s: tunnel %u says %u sessions, %u listed" % (name, l, t["sessions"], per.get(l, 0)))
    return tun, ses


ta, sa = index(a, "LAC")
tb, sb = index(b, "LNS")
peer_tid = {}
for (l, r) in ta:
    if (r, l) not in tb:
        errs.append("LAC tunnel %u/%u has no LNS counterpart" % (l, r))
    peer_tid[l] = r
for (l, r) in tb:
    if (r, l) not in ta:
        errs.append("LNS tunnel %u/%u has no LAC counterpart" % (l, r))
for (tid, sid), s in sa.items():
    o = sb.get((peer_tid.get(tid, -1), s["remote_id"]))
    if not o or o["remote_id"] != sid:
        errs.append("LAC session %u/%u (remote %u) has no LNS counterpart" % (tid, sid, s["remote_id"]))
if len(sa) != len(sb):
    errs.append("LAC has %u sessions, LNS %u" % (len(sa), len(sb)))
if want is not None and len(sa) != want:
    errs.append("%u sessions, expected %u" % (len(sa), want))
for e in errs[:20]:
    print(e)
if len(errs) > 20:
    print("... %u more" % (len(errs) - 20))
sys.exit(1 if errs else 0)
