#!/bin/bash
# SPDX-License-Identifier: MIT
# Floods and limits at the LNS (l2tp { max-half-open = 16  sccrq-rate = 20 }):
# 3000 SCCRQs naming a known host, each from a new source port, and 1000
# from 200 unknown hosts (not matching terminate-from), while an
# established tunnel carries calls. The half-open tunnels stay under the
# cap, memory stays bounded, refusals are counted and logged (at most one
# line a second), the established tunnel's new calls and data still flow,
# and once the flood's tunnels time out a new tunnel comes up. Then the
# group's session-limit: the call beyond it is refused with CDN 4
# (temporary lack of facilities).
. "$(dirname "$0")/../integration/lib.sh"
. "$(dirname "$0")/rel-lib.sh"

HALF=16
LIMIT=6
start_bus
lac_config 127.0.0.2 "" 2
lns_config "session-limit = $LIMIT  retransmit-retries = 2  retransmit-timeout-max = 1" \
	"max-half-open = $HALF  sccrq-rate = 20"
start_node LNS "$T/lns.conf" "${DBG[@]}" || { _fail "LNS starts"; finish; }
LNS_PID=$NODE_PID
start_node LAC "$T/lac.conf" "${DBG[@]}" -d "vpdn l2x-events" || { _fail "LAC starts"; finish; }
_pass "both nodes run"

tunnels() {
	busctl --address="$BUS" get-property org.vpdnd.Node.LNS /org/vpdnd/module/l2tp \
		org.vpdnd.L2tp1 Tunnels | awk '{ print $2 }'
}
rss_kb() { awk '/^VmRSS/ { print $2 }' "/proc/$1/status"; }

ok "2 calls (cisco.com) at the LAC" dial_many 2 1 1
wait_until 10 calls_are LNS up 2
check "2 calls up on one tunnel" agree 2
RSS0=$(rss_kb "$LNS_PID")

# --- an unknown host ----------------------------------------------------------
ok "3 SCCRQs from an unknown host" python3 "$REL_DIR/sccrq-flood.py" 127.0.0.2 "$PORT" \
	--src 127.0.0.6 --count 3 --name intruder --seed 3
wait_until 5 grep -q "No vpdn-group accepts tunnels from intruder" "$T/LNS.log"
check "the unknown host is refused (StopCCN 4, logged)" \
	grep -q "No vpdn-group accepts tunnels from intruder" "$T/LNS.log"
wait_until 10 [ "$(tunnels)" -eq 1 ]
check "its refused tunnels are forgotten within seconds" [ "$(tunnels)" -eq 1 ]

# --- the flood ---------------------------------------------------------------
UNKNOWN=$(for i in $(seq 1 200); do printf '127.0.1.%d,' "$i"; done)
spawn flood1 python3 "$REL_DIR/sccrq-flood.py" 127.0.0.2 "$PORT" --src 127.0.0.5 \
	--count 3000 --name LAC --seed 1
F1=$SPAWN_PID
spawn flood2 python3 "$REL_DIR/sccrq-flood.py" 127.0.0.2 "$PORT" --src "${UNKNOWN%,}" \
	--count 1000 --name intruder --seed 2
F2=$SPAWN_PID
# Meanwhile, on the established tunnel: new calls and data.
MAXT=0
during() {
	local n
	n=$(tunnels)
	[ "${n:-0}" -gt "$MAXT" ] && MAXT=$n
	kill -0 "$F1" 2>/dev/null || kill -0 "$F2" 2>/dev/null
}
ok "2 more calls during the flood" dial_many 2 3 1
for _ in $(seq 200); do during || break; sleep 0.05; done
wait "$F1" "$F2" 2>/dev/null
check "flood: sent 3000 + 1000 SCCRQs" [ "$(cat "$T/flood1.log")" -eq 3000 -a "$(cat "$T/flood2.log")" -eq 1000 ]
during
wait_until 10 calls_are LNS up 4
check "the calls placed during the flood came up" calls_are LNS up 4
check "at most $HALF half-open + 1 established tunnels at any time (max $MAXT)" [ "$MAXT" -le $((HALF + 1)) ]
check "the cap was reached" [ "$MAXT" -ge "$HALF" ]
RL=$(metric LNS l2tp_sccrq_rate_limited_total)
HO=$(metric LNS l2tp_sccrq_half_open_full_total)
check "refusals counted: $RL by rate, $HO by the half-open cap" [ "$RL" -gt 1000 -a "$HO" -gt 0 ]
NLOG=$(grep -c "SCCRQ from .* dropped" "$T/LNS.log")
check "refusals logged, at most one line a second ($NLOG)" [ "$NLOG" -ge 1 -a "$NLOG" -le 30 ]
RSS1=$(rss_kb "$LNS_PID")
check "LNS memory bounded: RSS $RSS0 -> $RSS1 kB (< +16 MB)" [ $((RSS1 - RSS0)) -lt 16384 ]
for i in $(seq 5); do tc LAC SendFrame uay 1 6 255 3 192 33 9 1 >/dev/null; done
wait_until 5 [ "$(busctl --address="$BUS" --json=short get-property org.vpdnd.Node.LNS "$TC_PATH" "$TC_IFACE" Calls | python3 -c 'import json,sys; print(sum(c[4] for c in json.load(sys.stdin)["data"]))')" -ge 5 ]
check "data on the established tunnel still flows" [ "$(busctl --address="$BUS" --json=short get-property org.vpdnd.Node.LNS "$TC_PATH" "$TC_IFACE" Calls | python3 -c 'import json,sys; print(sum(c[4] for c in json.load(sys.stdin)["data"]))')" -ge 5 ]

# The flood's half-open tunnels time out (3 s here: the LAC-named ones
# after 2 retransmissions, the refused ones after their StopCCN's second
# try): a new tunnel is welcome again.
wait_until 20 [ "$(tunnels)" -eq 1 ]
check "the flood's tunnels are gone (1 left)" [ "$(tunnels)" -eq 1 ]
ok "a call on a second group (new tunnel) after the flood" dial_many 1 6 2
wait_until 10 calls_are LNS up 5
check "the new tunnel and its call came up" calls_are LNS up 5
check "both nodes agree: 2 tunnels, 5 sessions" agree 5

# --- session-limit -------------------------------------------------------------
ok "a 6th call" dial_many 1 8 1
wait_until 10 calls_are LNS up 6
check "6 calls up (the limit)" calls_are LNS up 6
ok "a 7th call, beyond session-limit $LIMIT" dial_many 1 9 1
wait_until 10 grep -q "call 7 (dialin) failed" "$T/LAC.log"
check "the 7th call fails at the LAC" grep -q "call 7 (dialin) failed" "$T/LAC.log"
check "LAC: CDN result 4 (temporary lack of facilities)" grep -q "result 4" "$T/LAC.log"
check "LAC: the CDN says 'Session limit reached'" grep -q "Session limit reached" "$T/LAC.log"
check "still 6 sessions, both sides agree" agree 6
ok "hang up call 1" tc LAC HangUp u 1
wait_until 10 calls_are LNS up 5
ok "then a new call" dial_many 1 10 1
wait_until 10 calls_are LNS up 6
check "fits again under the limit" agree 6
check "no crash: LNS alive" kill -0 "$LNS_PID"
finish
