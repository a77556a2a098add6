#!/bin/bash
# SPDX-License-Identifier: MIT
# Peer faults between a LAC and an LNS (through the relay, which can cut
# the network): HELLO-driven detection of a silent peer, a cut shorter and
# one longer than the retransmission budget, the LNS killed (SIGKILL) and
# restarted, the LAC killed and restarted. Each ends with the survivor
# clean (no tunnel, no session, every B channel / virtual interface of the
# testcarrier hung up) and a new call succeeding.
# Timers: hello 2 s, 3 retransmissions 1 s apart: a silent peer is declared
# dead about 6 s after the last datagram.
. "$(dirname "$0")/../integration/lib.sh"
. "$(dirname "$0")/rel-lib.sh"

start_bus
start_relay --seed 3 || { _fail "relay starts"; finish; }
TIMERS="hello = 2  retransmit-retries = 3  retransmit-timeout-min = 1  retransmit-timeout-max = 1"
lac_config 127.0.0.3 "$TIMERS"
lns_config "$TIMERS"
start_node LNS "$T/lns.conf" "${DBG[@]}" || { _fail "LNS starts"; finish; }
start_node LAC "$T/lac.conf" "${DBG[@]}" || { _fail "LAC starts"; finish; }
_pass "relay and both nodes run"
NEXT=1

# up N: N new DialIns, all up at the LAC and agreed by both nodes
calls_up() { [ "$(count_calls LAC up)" -eq "$1" ] && [ "$(count_calls LNS up)" -eq "$1" ]; }
dial_up() {
	local n=$1 want=$2
	dial_many "$n" "$NEXT" || return 1
	NEXT=$((NEXT + n))
	wait_until 15 calls_up "$want"
}
# clean NODE: nothing left at NODE: no tunnel, no session, no live call,
# the state gauges at zero
clean() {
	no_vpdn "$1" && [ "$(count_calls "$1" up)" -eq 0 ] &&
		[ "$(metric "$1" l2tp_tunnels 'state="est"')" -eq 0 ] &&
		[ "$(metric "$1" l2tp_sessions 'role="lac",state="est"')" -eq 0 ] &&
		[ "$(metric "$1" l2tp_sessions 'role="lns",state="est"')" -eq 0 ]
}
cut() { kill -USR1 "$RELAY_PID"; }
uncut() { kill -USR2 "$RELAY_PID"; }

# --- 1. a silent peer, found by HELLO ---------------------------------------
check "3 calls up" dial_up 3 3
check "both nodes agree" agree 3
cut
t0=$SECONDS
wait_until 20 clean LAC
check "LAC: HELLO unanswered, the tunnel is cleared ($((SECONDS - t0)) s)" clean LAC
wait_until 10 clean LNS
check "LNS: cleared too" clean LNS
check "LAC: cleared by the retransmission limit" grep -q "retransmit limit reached" "$T/LAC.log"
check "it took at least the HELLO time" [ $((SECONDS - t0)) -ge 2 ]
uncut
wait_until 5 test -s "$T/relay.json"
check "the HELLO and its retransmissions were lost in the cut ($(relay_stat cut))" [ "$(relay_stat cut)" -ge 4 ]
check "after the cut: a new call comes up" dial_up 1 1
check "both nodes agree" agree 1

# --- 2. a cut shorter than the budget --------------------------------------
UP0=$(metric LAC l2tp_tunnels_up_total)
cut
tc LAC DialIn sss "user$NEXT@cisco.com" "6$NEXT" 211 >/dev/null
NEXT=$((NEXT + 1))
sleep 1.5
uncut
wait_until 10 calls_up 2
check "short cut: the call placed during it comes up" calls_up 2
check "short cut: the tunnel survived (no new tunnel)" \
	[ "$(metric LAC l2tp_tunnels_up_total)" -eq "$UP0" ]
check "short cut: both nodes agree" agree 2

# --- 3. a cut longer than the budget, with a call in flight -----------------
cut
tc LAC DialIn sss "user$NEXT@cisco.com" "6$NEXT" 211 >/dev/null
NEXT=$((NEXT + 1))
wait_until 15 clean LAC
check "long cut: the LAC gives up and is clean" clean LAC
check "long cut: the pending call failed (not left hanging)" grep -q "call $((NEXT - 1)) (dialin) failed" "$T/LAC.log"
wait_until 10 clean LNS
check "long cut: the LNS is clean" clean LNS
uncut
check "after the long cut: a new call comes up" dial_up 2 2
check "both nodes agree" agree 2

# --- 4. the LNS killed and restarted ----------------------------------------
kill -KILL "${NODE_PIDS[LNS]}"
wait "${NODE_PIDS[LNS]}" 2>/dev/null
unset "NODE_PIDS[LNS]"
mv "$T/LNS.log" "$T/LNS-killed.log"
wait_until 15 clean LAC
check "LNS killed: the LAC clears tunnel, sessions and B channels" clean LAC
start_node LNS "$T/lns.conf" "${DBG[@]}" || _fail "LNS restarts"
check "LNS restarted: new calls come up" dial_up 2 2
check "both nodes agree" agree 2

# --- 5. the LAC killed and restarted at once -------------------------------
kill -KILL "${NODE_PIDS[LAC]}"
wait "${NODE_PIDS[LAC]}" 2>/dev/null
unset "NODE_PIDS[LAC]"
mv "$T/LAC.log" "$T/LAC-killed.log"
start_node LAC "$T/lac.conf" "${DBG[@]}" || _fail "LAC restarts"
check "LAC restarted: new calls come up (a new tunnel beside the dead one)" dial_up 2 2
wait_until 15 agree 2
check "LNS: the dead LAC's tunnel and sessions are gone, the new ones agree" agree 2
check "LNS: the dead LAC's virtual interfaces are down" [ "$(count_calls LNS down incoming)" -eq 2 ]
check "no crash: LAC alive" kill -0 "${NODE_PIDS[LAC]}"
check "no crash: LNS alive" kill -0 "${NODE_PIDS[LNS]}"
finish
