#!/bin/bash
# SPDX-License-Identifier: MIT
# vpdnctl show vpdn / clear vpdn against a stand-in node (fake-l2tp-node)
# that exports the L2TP module's D-Bus contract with the scenario's LAC:
# the exact aligned layout, --json, clearing a session and a tunnel.
. "$(dirname "$0")/lib.sh"

command -v dbus-daemon >/dev/null || skip "dbus-daemon not installed"
: "${FAKE_L2TP_NODE:=$VPDND_BUILD_ROOT/tests/integration/fake-l2tp-node}"
[ -x "$FAKE_L2TP_NODE" ] || skip "fake-l2tp-node not built"

start_bus
spawn fake "$FAKE_L2TP_NODE" "$BUS" LAC
wait_until 10 name_on_bus org.vpdnd.Node.LAC
check "the stand-in node is on the bus" [ $? -eq 0 ]

ok "show vpdn" "$VPDNCTL" show vpdn
EXPECTED='L2TP Tunnel and Session Information Total tunnels 1 sessions 2

LocID RemID Remote Name   State  Remote Address  Port  Sessions
45029 11407 LNS           est    18.18.18.2      1701  2

LocID RemID TunID Intf    Username           State  Last Chg Fastswitch
291   303   45029 Se0:17  remote1@cisco.com  est    00:00:57 enabled
292   304   45029 Se0:30                     est    00:00:20 enabled

% No active L2F tunnels'
check "show vpdn prints the scenario's table, aligned" [ "$OUT" = "$EXPECTED" ]
[ "$OUT" = "$EXPECTED" ] || diff <(echo "$EXPECTED") <(echo "$OUT") | sed 's/^/#   /'

ok "show vpdn tunnel" "$VPDNCTL" show vpdn tunnel
contains "tunnel title" "$OUT" "L2TP Tunnel Information Total tunnels 1 sessions 2"
lacks "no session table" "$OUT" "Username"
ok "show vpdn session" "$VPDNCTL" -n LAC show vpdn session
contains "session title" "$OUT" "L2TP Session Information Total tunnels 1 sessions 2"
contains "session row" "$OUT" "291   303   45029 Se0:17  remote1@cisco.com  est    00:00:57 enabled"

ok "show vpdn --json" "$VPDNCTL" show vpdn --json
check "show vpdn --json parses" eval 'printf "%s\n" "$OUT" | python3 -m json.tool >/dev/null'
SUMMARY=$(printf '%s\n' "$OUT" | python3 -c '
import json, sys
d = json.load(sys.stdin)
t = d["tunnels"][0]
print(t["local_id"], t["remote_id"], t["remote_name"], t["remote_address"], t["remote_port"],
      t["sessions"], t["group"], [(s["local_id"], s["username"], s["last_change"], s["fastswitch"])
                                  for s in d["sessions"]])')
check "show vpdn --json values" [ "$SUMMARY" = "45029 11407 LNS 18.18.18.2 1701 2 1 [(291, 'remote1@cisco.com', 57, True), (292, '', 20, True)]" ]

ok "clear vpdn session 292" "$VPDNCTL" clear vpdn session 292
ok "show vpdn after clearing a session" "$VPDNCTL" show vpdn
contains "one session left" "$OUT" "Total tunnels 1 sessions 1"
lacks "292 is gone" "$OUT" "Se0:30"
ko "clear vpdn session 292 again fails" 1 "$VPDNCTL" clear vpdn session 292
contains "the node's reason is shown" "$ERR" "No session 292"

ok "clear vpdn tunnel l2tp 45029" "$VPDNCTL" clear vpdn tunnel l2tp 45029
ok "show vpdn after clearing the tunnel" "$VPDNCTL" show vpdn
check "nothing active" [ "$OUT" = "% No active L2TP tunnels
% No active L2F tunnels" ]
grep -q "cleared tunnel 45029" "$T/fake.log"
check "ClearTunnel received the tunnel id as q" [ $? -eq 0 ]

# --- the real l2tp module, when built: same contract, nothing active ---------
if [ -f "$VPDND_BUILD_ROOT/modules/l2tp/l2tp.so" ]; then
	PORT=$(python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	write_config real.conf <<EOF
hostname = "REAL"
modules = {"l2tp"}
l2tp { listen = {"127.0.0.1"} port = $PORT }
EOF
	if start_node REAL "$T/real.conf"; then
		_pass "vpdnd with the l2tp module starts"
		ok "show modules lists l2tp" "$VPDNCTL" -n REAL show modules
		contains "l2tp is loaded" "$OUT" "l2tp"
		ok "show vpdn on an idle l2tp node" "$VPDNCTL" -n REAL show vpdn
		check "no tunnels" [ "$OUT" = "% No active L2TP tunnels
% No active L2F tunnels" ]
		ok "show vpdn --json on an idle l2tp node" "$VPDNCTL" -n REAL --json show vpdn
		check "empty lists" [ "$OUT" = '{"tunnels":[],"sessions":[]}' ]
		ko "clear vpdn tunnel l2tp of an unknown tunnel" 1 "$VPDNCTL" -n REAL clear vpdn tunnel l2tp 7
		contains "the module's reason" "$ERR" "No tunnel 7"
		ko "clear vpdn session of an unknown session" 1 "$VPDNCTL" -n REAL clear vpdn session 9
		contains "the module's reason" "$ERR" "No session 9"
		ok "the module object is listed by the ObjectManager" busctl --address="$BUS" call \
			org.vpdnd.Node.REAL /org/vpdnd org.freedesktop.DBus.ObjectManager GetManagedObjects
		contains "/org/vpdnd/module/l2tp with org.vpdnd.L2tp1" "$OUT" '"org.vpdnd.L2tp1"'
		ok "shutdown of the l2tp node" "$VPDNCTL" -n REAL shutdown
		wait_node_exit REAL 10
		check "the l2tp node exits 0" [ $? -eq 0 ]
	else
		_fail "vpdnd with the l2tp module starts"
	fi
else
	echo "# l2tp module not built: real-module checks not run"
fi

finish
