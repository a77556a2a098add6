#!/bin/bash
# SPDX-License-Identifier: MIT
# Issue #14 item 2: a stranger who guesses a live session's Tunnel and
# Session ID sends it an LCP Terminate-Request in an L2TP data message,
# from a foreign host and from the peer's host on another port, plus
# HELLOs to the tunnel. Nothing reaches the LNS's PPP, the session stays
# up, every datagram is counted in l2tp_foreign_source_total and logged
# under vpdn l2x-errors; the real peer's frames still pass.
. "$(dirname "$0")/../integration/lib.sh"
. "$(dirname "$0")/rel-lib.sh"

start_bus
lac_config
lns_config
start_node LNS "$T/lns.conf" "${DBG[@]}" -d "vpdn l2x-events" || { _fail "LNS starts"; finish; }
LNS_PID=$NODE_PID
start_node LAC "$T/lac.conf" "${DBG[@]}" || { _fail "LAC starts"; finish; }
_pass "both nodes run"

# frames_in of the LNS's calls (its PPP side, testcarrier)
frames_in() {
	busctl --address="$BUS" --json=short get-property org.vpdnd.Node.LNS "$TC_PATH" \
		"$TC_IFACE" Calls | python3 -c 'import json,sys; print(sum(c[4] for c in json.load(sys.stdin)["data"]))'
}

ok "a call at the LAC" dial_many 1
wait_until 10 calls_are LNS up 1
check "the call is up, both agree" agree 1
vpdn_json LNS "$T/ids.json"
read -r TID SID < <(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
print(d["sessions"][0]["tunnel_id"], d["sessions"][0]["local_id"])' "$T/ids.json")
check "the LNS's tunnel and session IDs ($TID/$SID)" [ "${TID:-0}" -gt 0 -a "${SID:-0}" -gt 0 ]
F0=$(frames_in)

ok "5 Terminate-Requests + 5 HELLOs from a foreign host" python3 "$REL_DIR/l2tp-spoof.py" \
	127.0.0.2 "$PORT" --src 127.0.0.6 --tunnel "$TID" --session "$SID" --count 5 --hello
ok "5 + 5 from the LAC's host, another port" python3 "$REL_DIR/l2tp-spoof.py" \
	127.0.0.2 "$PORT" --src 127.0.0.1 --tunnel "$TID" --session "$SID" --count 5 --hello
wait_until 5 [ "$(metric LNS l2tp_foreign_source_total)" -ge 20 ]
N=$(metric LNS l2tp_foreign_source_total)
check "all 20 counted in l2tp_foreign_source_total ($N)" [ "$N" -eq 20 ]
check "dropped and logged (l2x-errors)" grep -q "Data message from 127.0.0.6 port .* dropped" "$T/LNS.log"
check "control from another port logged" grep -q "Control message from 127.0.0.1 port .* dropped" "$T/LNS.log"
sleep 1
check "nothing reached the LNS's PPP ($F0 -> $(frames_in) frames)" [ "$(frames_in)" -eq "$F0" ]
check "the session is still up, both agree" agree 1
check "the LNS logs its messages (ICRP seen)" grep -q "O ICRP" "$T/LNS.log"
check "no CDN, no StopCCN" sh -c "! grep -qE 'O (CDN|StopCCN)' '$T/LNS.log'"
for _ in 1 2 3; do tc LAC SendFrame uay 1 6 255 3 192 33 9 1 >/dev/null; done
wait_until 5 [ "$(frames_in)" -ge $((F0 + 3)) ]
check "the real peer's frames still pass" [ "$(frames_in)" -ge $((F0 + 3)) ]
check "no crash: LNS alive" kill -0 "$LNS_PID"
finish
