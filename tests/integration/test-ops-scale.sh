#!/bin/bash
# SPDX-License-Identifier: MIT
# `vpdnctl show vpdn` at 100 000 sessions. The bench's loadgen plays a LAC
# (4 tunnels, 25 000 L2TP sessions each, L2TP only: the test-only
# testcarrier module stands in for PPP at the LNS) against one LNS on a
# private bus. Before the fix the ObjectManager reply held every session
# (about 60 MiB here), dbus-daemon dropped the node for passing its 32 MiB
# message limit, and the node stayed off the bus for good. Now: show vpdn
# (text and --json) lists all 100 000 through the paged ListSessions, every
# page well under the limit, GetManagedObjects stays small (sessions are
# found by path, not enumerated), a session answers by its path, and the
# node never loses its connection.
#
# Scale: 100 000 (the brief's figure; above one tunnel's 65 535) takes ~10 s
# of set-up on 2 cores and ~300 MB at the LNS; show vpdn a few seconds.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-testcarrier.sh"

tc_require
[ -x "$VPDNCTL" ] || skip "vpdnctl not built"
LOADGEN=$VPDND_BUILD_ROOT/bench/loadgen
[ -x "$LOADGEN" ] || skip "bench/loadgen not built"
N=${VPDND_SCALE_SESSIONS:-100000}
NT=4
PORT=$(free_port 127.0.0.2)
[ -n "$PORT" ] || skip "no free UDP port"

start_bus
write_config lns.conf <<EOF
hostname = "LNS"
modules = {"l2tp", "testcarrier"}
vpdn { enable = true }
vpdn-group "1" {
  accept-dialin { protocol = "l2tp"  virtual-template = 1 }
  local-name = "LNS"
  tunnel-password = "benchtunnel"
  source-ip = "127.0.0.2"
  receive-window = 1024
}
l2tp { listen = {"127.0.0.2"}  port = $PORT }
EOF
start_node LNS "$T/lns.conf" || { _fail "LNS starts"; finish; }
LNS_PID=$NODE_PID

lns_sessions() {
	busctl --address="$BUS" get-property org.vpdnd.Node.LNS /org/vpdnd/module/l2tp \
		org.vpdnd.L2tp1 Sessions | awk '{print $2}'
}
all_up() { [ "$(lns_sessions)" = "$N" ]; }
t0=$(date +%s)
spawn gen "$LOADGEN" --peer "127.0.0.2:$PORT" --tunnels "$NT" --phase "$N" \
	--hold 300 --timeout 150
check "loadgen sets up $N sessions at the LNS" wait_until 150 all_up
echo "# $(lns_sessions) sessions up after $(($(date +%s) - t0)) s"
check "loadgen holds them" kill -0 "${NODE_PIDS[gen]}"

# --- show vpdn ----------------------------------------------------------------
t0=$(date +%s%N)
ok "show vpdn --json at $N sessions" "$VPDNCTL" -n LNS --json show vpdn
echo "# show vpdn --json: $((($(date +%s%N) - t0) / 1000000)) ms, ${#OUT} octets"
printf '%s' "$OUT" >"$T/vpdn.json"
COUNTS=$(python3 - "$T/vpdn.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
s = d["sessions"]
keys = {(x["tunnel_id"], x["local_id"]) for x in s}
print(len(d["tunnels"]), len(s), len(keys), sum(1 for x in s if x["state"] == "est"),
      sum(t["sessions"] for t in d["tunnels"]))
PY
)
read -r NTUN NSESS NUNIQ NEST NSUM <<<"$COUNTS"
check "$NT tunnels listed ($NTUN)" [ "$NTUN" = "$NT" ]
check "$N sessions listed ($NSESS)" [ "$NSESS" = "$N" ]
check "each once ($NUNIQ distinct)" [ "$NUNIQ" = "$N" ]
check "all established ($NEST)" [ "$NEST" = "$N" ]
check "the tunnels' Sessions add up ($NSUM)" [ "$NSUM" = "$N" ]
t0=$(date +%s%N)
ok "show vpdn (text)" "$VPDNCTL" -n LNS show vpdn
echo "# show vpdn: $((($(date +%s%N) - t0) / 1000000)) ms"
contains "the title counts them" "$OUT" "Total tunnels $NT sessions $N"
LINES=$(printf '%s\n' "$OUT" | grep -c ' est ')
check "a line per session and tunnel ($LINES)" [ "$LINES" -ge "$N" ]

# --- every message bounded ------------------------------------------------------
# The largest page a client can ask for (the cap), as busctl prints it
# (JSON text, larger than the wire format).
busctl --address="$BUS" --json=short call org.vpdnd.Node.LNS /org/vpdnd/module/l2tp \
	org.vpdnd.L2tp1 ListSessions uu 0 4294967295 >"$T/page.json"
SZ=$(stat -c %s "$T/page.json")
ROWS=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))["data"]; print(len(d[0]), d[1])' "$T/page.json")
echo "# a full page: $ROWS (rows, next), $SZ octets of JSON"
check "a page asking for everything is capped at 1000 rows" [ "${ROWS%% *}" = 1000 ]
check "and is under 2 MiB even as JSON ($SZ)" [ "$SZ" -lt 2097152 ]
busctl --address="$BUS" --json=short call org.vpdnd.Node.LNS /org/vpdnd \
	org.freedesktop.DBus.ObjectManager GetManagedObjects >"$T/gmo.json"
check "GetManagedObjects answers" [ -s "$T/gmo.json" ]
# (Without the test-only testcarrier module, whose Calls property lists
# every call it plays.)
read -r GSZ GSESS <<<"$(python3 - "$T/gmo.json" <<'PY'
import json, sys
objs = json.load(open(sys.argv[1]))["data"][0]
real = {p: {i: v for i, v in ifs.items() if i != "org.vpdnd.TestCarrier1"} for p, ifs in objs.items()}
print(len(json.dumps(real)), sum(1 for p in objs if p.startswith(("/org/vpdnd/session/", "/org/vpdnd/tunnel/"))))
PY
)"
check "it lists no tunnel or session ($GSESS)" [ "$GSESS" = 0 ]
check "and stays small ($GSZ octets)" [ "$GSZ" -lt 65536 ]
SPATH=$(python3 -c 'import json,sys; s=json.load(open(sys.argv[1]))["sessions"][-1]; print("/org/vpdnd/session/%d_%d" % (s["tunnel_id"], s["local_id"]))' "$T/vpdn.json")
ok "a session answers by its path ($SPATH)" busctl --address="$BUS" get-property \
	org.vpdnd.Node.LNS "$SPATH" org.vpdnd.Session1 State
contains "est" "$OUT" '"est"'
ko "a path that is no session is unknown" busctl --address="$BUS" get-property \
	org.vpdnd.Node.LNS /org/vpdnd/session/1_0 org.vpdnd.Session1 State

# --- the node stayed on the bus --------------------------------------------------
ok "the node still answers" "$VPDNCTL" -n LNS show version
check "it never lost its connection" ! grep -q "connection lost" "$T/LNS.log"
check "the LNS runs" kill -0 "$LNS_PID"
stop_node gen
finish
