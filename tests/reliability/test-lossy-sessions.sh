#!/bin/bash
# SPDX-License-Identifier: MIT
# 500 dial-in sessions between a LAC and an LNS through the fault-injecting
# relay: control and data each lose 20 %, reorder 10 %, duplicate 5 %,
# delayed up to 20 ms (seeded). Every call must come up, nothing may stay
# in a transient state, both nodes' `show vpdn --json` must agree on every
# tunnel and session, and the counters must add up (sessions up on both
# sides = calls; the relay really dropped, duplicated and reordered; the
# LAC retransmitted).
. "$(dirname "$0")/../integration/lib.sh"
. "$(dirname "$0")/rel-lib.sh"

N=${LOSSY_SESSIONS:-500}
SEED=${LOSSY_SEED:-9}
# Sessions are spread over G vpdn-groups, one tunnel each: with no fast
# retransmit in RFC 2661, every lost control message stalls its tunnel for
# a retransmission timeout (1 s), so one tunnel alone would need minutes.
G=${LOSSY_GROUPS:-50}
start_bus
FAULTS=()
for c in ctrl data; do
	FAULTS+=(--$c-drop 0.2 --$c-reorder 0.1 --$c-dup 0.05 --$c-delay 20)
done
start_relay --seed "$SEED" "${FAULTS[@]}" || { _fail "relay starts"; finish; }
_pass "relay runs (seed $SEED)"
# The retry budget is raised so that 20 % loss each way does not declare
# the peer dead; the window lets the 1500 session messages flow.
lac_config 127.0.0.3 "receive-window = 64  retransmit-retries = 15  retransmit-timeout-max = 1" "$G"
lns_config "receive-window = 64  retransmit-retries = 15  retransmit-timeout-max = 1"
start_node LNS "$T/lns.conf" "${DBG[@]}" || { _fail "LNS starts"; finish; }
start_node LAC "$T/lac.conf" "${DBG[@]}" || { _fail "LAC starts"; finish; }
_pass "both nodes run"

t0=$SECONDS
ok "$N DialIns at the LAC" dial_many "$N" 1 "$G"
echo "# dialing took $((SECONDS - t0)) s"
wait_until 45 calls_are LAC up "$N"
check "all $N calls up at the LAC ($((SECONDS - t0)) s)" calls_are LAC up "$N"
check "no call failed at the LAC" calls_are LAC failed 0
# Anything still in flight settles (acks of the last ICCNs).
wait_until 15 agree "$N"
run agree "$N"
check "both nodes agree on every tunnel and session, all established" [ "$RC" -eq 0 ]
check "all $N calls reached the LNS's PPP ($(count_calls LNS up incoming) up, $(count_calls LNS down incoming) down)" calls_are LNS up "$N" incoming
[ "$RC" -eq 0 ] || printf '%s\n' "$OUT" | sed 's/^/#   /'
check "$G tunnels each side" [ "$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["tunnels"]))' "$T/lac.json")" -eq "$G" ]

check "LAC: l2tp_sessions_up_total = $N" [ "$(metric LAC l2tp_sessions_up_total)" -eq "$N" ]
check "LNS: l2tp_sessions_up_total = $N" [ "$(metric LNS l2tp_sessions_up_total)" -eq "$N" ]
check "LAC: session gauge est = $N" [ "$(metric LAC l2tp_sessions 'role="lac",state="est"')" -eq "$N" ]
check "LNS: session gauge est = $N" [ "$(metric LNS l2tp_sessions 'role="lns",state="est"')" -eq "$N" ]
check "LAC: l2tp_tunnels_up_total = $G" [ "$(metric LAC l2tp_tunnels_up_total)" -eq "$G" ]
check "LNS: l2tp_tunnels_up_total = $G" [ "$(metric LNS l2tp_tunnels_up_total)" -eq "$G" ]
check "LAC: tunnel gauge est = $G" [ "$(metric LAC l2tp_tunnels 'state="est"')" -eq "$G" ]
RTX=$(( $(metric LAC l2tp_retransmits_total) + $(metric LNS l2tp_retransmits_total) ))
check "the nodes retransmitted ($RTX)" [ "$RTX" -gt 0 ]

kill -USR2 "$RELAY_PID" # dump the relay's counters
wait_until 5 test -s "$T/relay.json"
for k in a2b_ctrl_drop b2a_ctrl_drop a2b_ctrl_dup a2b_ctrl_reorder b2a_ctrl_reorder; do
	v=$(relay_stat "$k")
	check "relay: $k = $v > 0" [ "$v" -gt 0 ]
done
IN=$(relay_stat a2b_ctrl_in)
DROP=$(relay_stat a2b_ctrl_drop)
check "relay dropped about 20 % of the LAC's control ($DROP of $IN)" \
	[ $((DROP * 100)) -ge $((IN * 12)) ] && [ $((DROP * 100)) -le $((IN * 28)) ]
# Every control datagram the LNS received came through the relay: what it
# counts in order can not exceed what the relay delivered.
OUT_A2B=$(relay_stat a2b_ctrl_out)
check "LNS in-order control ($(metric LNS l2tp_control_rx_total)) <= relay delivered ($OUT_A2B)" \
	[ "$(metric LNS l2tp_control_rx_total)" -le "$OUT_A2B" ]

# A frame through the lossy data path still reaches the LNS's PPP (some may
# be lost: send 20, expect at least one echo back).
for i in $(seq 20); do tc LAC SendFrame uay 1 6 255 3 192 33 9 1 >/dev/null; done
sleep 1
check "data crosses the lossy relay both ways" [ "$(busctl --address="$BUS" --json=short get-property org.vpdnd.Node.LAC "$TC_PATH" "$TC_IFACE" Calls | python3 -c 'import json,sys; print([c for c in json.load(sys.stdin)["data"] if c[0] == 1][0][4])')" -gt 0 ]
check "no crash: LAC alive" kill -0 "${NODE_PIDS[LAC]}"
check "no crash: LNS alive" kill -0 "${NODE_PIDS[LNS]}"
finish
