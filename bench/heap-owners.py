#!/usr/bin/env python3
"""Bytes per session by owner, from two heaptrack profiles of the LNS.

    heap-owners.py PEAKS_N N PEAKS_N0 N0

PEAKS_*: `heaptrack_print -m 0 --print-peaks 1 -n 100000` of a run that
held N (N0) sessions (bench/heap-profile.sh makes them). Each allocation
site is charged to the first frame in the project's sources (file and
function); the table is (peak(N) - peak(N0)) / (N - N0), so what does not
grow with the sessions (buffers, configuration) cancels. The owner column
groups the sites as docs/PERFORMANCE.md "Bytes per session, by owner".
"""
import collections
import re
import sys

OWNERS = [  # (prefix of "file function", owner), first match wins
    ("modules/ppp/", "ppp engine"),
    ("modules/ip/", "ip session"),
    ("core/interface.c", "ip session"),      # vpdn_ifname_key: ip's table key
    ("modules/l2tp/", "l2tp session"),
    ("core/link.c", "links"),
    ("modules/isdn/", "isdn call"),
    ("modules/dialer/", "dialer"),
    ("core/node-events.c", "node-events record"),
    ("core/session-cause.c", "node-events record"),
    ("core/timer.c", "timer heap"),
    ("core/dbus", "D-Bus"),
    ("core/bus", "event bus"),
]


def size(text):
    m = re.match(r"([\d.]+)([KMG]?)", text)
    return float(m.group(1)) * {"": 1, "K": 1e3, "M": 1e6, "G": 1e9}[m.group(2)]


def parse(path):
    total, calls = collections.Counter(), collections.Counter()
    lines = open(path).read().splitlines()
    i = 0
    while i < len(lines):
        m = re.match(r"^([\d.]+[KMG]?)B? peak memory consumed over (\d+) calls from", lines[i])
        i += 1
        if not m:
            continue
        frames = []
        while i < len(lines) and lines[i].startswith("  "):
            t = lines[i].strip()
            if t.startswith("at "):
                frames[-1][1] = t[3:]
            elif not t.startswith("in "):
                frames.append([t, None])
            i += 1
        key = "other (libraries)"
        for name, at in frames[1:]:
            if at and at.startswith("../"):
                key = "%s %s" % (at.rsplit(":", 1)[0][3:], name)
                break
        total[key] += size(m.group(1))
        calls[key] += int(m.group(2))
    return total, calls


def owner(key):
    for prefix, o in OWNERS:
        if key.startswith(prefix):
            return o
    return "other"


def main():
    a, ca = parse(sys.argv[1])
    n = int(sys.argv[2])
    b, cb = parse(sys.argv[3])
    n0 = int(sys.argv[4])
    rows = []
    for k in set(a) | set(b):
        per = (a[k] - b[k]) / (n - n0)
        if abs(per) >= 1:
            rows.append((owner(k), per, (ca[k] - cb[k]) / (n - n0), k))
    by_owner = collections.Counter()
    allocs = collections.Counter()
    for o, per, c, _ in rows:
        by_owner[o] += per
        allocs[o] += c
    print("| owner | bytes | allocations |")
    print("|---|---:|---:|")
    for o, per in by_owner.most_common():
        print("| %s | %.0f | %.1f |" % (o, per, allocs[o]))
    print("| **heap, requested** | **%.0f** | **%.1f** |" % (sum(by_owner.values()),
                                                           sum(allocs.values())))
    print()
    print("| site (first frame in our code) | bytes | allocations |")
    print("|---|---:|---:|")
    for o, per, c, k in sorted(rows, key=lambda r: -r[1]):
        print("| %s | %.1f | %.2f |" % (k, per, c))


if __name__ == "__main__":
    main()
