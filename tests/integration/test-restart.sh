#!/bin/bash
# SPDX-License-Identifier: MIT
# Restart in place (docs/RESTART.md, issue #21): LAC and LNS (l2tp and
# the test-only testcarrier module) in two namespaces over a veth pair, a
# tunnel and a dial-in session up; `vpdnctl restart` on the LNS: the same
# process (pid), the same tunnel IDs at both ends in `show vpdn`, HELLO
# goes on, a new call reuses the tunnel (no second SCCRQ); the same for
# the LAC restarting; the session
# whose PPP cannot be restored yet is cleared with CDN 3 (the tunnel
# stays), `show version` counts the restarts, and the capture holds no
# StopCCN. No state file is written unless a restart is asked; a state of
# another vpdnd version is refused with one line and the node starts
# clean. Under stand-ins for systemd (fake-fdstore.py, fake-systemd1: PID
# 1 is not systemd here) the LNS restarts through the fd store, by
# `vpdnctl restart fdstore` and by a SIGTERM whose unit job is a restart
# (systemctl restart): a new pid, the same tunnel IDs; a SIGTERM of a
# stop job stops it cleanly (StopCCN).
if [ "$(id -u)" -ne 0 ]; then echo "SKIP: needs root (network namespaces)"; exit 77; fi
command -v dbus-daemon >/dev/null || { echo "SKIP: no dbus-daemon"; exit 77; }

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-testcarrier.sh"
tc_require
[ -x "$VPDNCTL" ] || skip "vpdnctl not built"
[ -x "${RESTART_FORGE:-}" ] || skip "restart-forge not built"
P=vrs$$

restart_cleanup() {
	trap - EXIT INT TERM
	_lib_cleanup
	for n in lac lns; do ip netns del "$P-$n" 2>/dev/null; done
}
trap restart_cleanup EXIT
trap 'exit 130' INT TERM

net_up() {
	local n
	for n in lac lns; do
		ip netns add "$P-$n" && ip -n "$P-$n" link set lo up || return 1
	done
	ip link add "$P-l" netns "$P-lac" type veth peer name "$P-n" netns "$P-lns" || return 1
	ip -n "$P-lac" link set "$P-l" name eth1 && ip -n "$P-lns" link set "$P-n" name eth1 || return 1
	ip -n "$P-lac" addr add 10.8.0.1/30 dev eth1 && ip -n "$P-lns" addr add 10.8.0.2/30 dev eth1 &&
	ip -n "$P-lac" link set eth1 up && ip -n "$P-lns" link set eth1 up
}
check "namespaces and veth pair up" net_up || finish
start_bus

STATE="$T/state"
mkdir -p "$STATE"
CAP="$T/lns.pcap"
capturing=false
if command -v tshark >/dev/null; then
	ip netns exec "$P-lns" tshark -i eth1 -f "udp port 1701" -w "$CAP" >"$T/tshark.log" 2>&1 &
	NODE_PIDS[tshark]=$!
	if wait_until 100 grep -q "Capturing on" "$T/tshark.log"; then
		capturing=true
	else
		echo "# tshark cannot capture here" >&2
	fi
fi

DBG=(-d "vpdn l2x-events" -d "vpdn l2x-errors" -d "vpdn events")
launch() { # NS HOST CONF [ENV=VALUE...]: the node's own pid in NODE_PIDS
	local ns=$1 host=$2 conf=$3
	shift 3
	NODE_LOG="$T/$host.log"
	ip netns exec "$P-$ns" env "$@" "$VPDND" -c "$conf" --bus "$BUS" "${DBG[@]}" >>"$NODE_LOG" 2>&1 &
	NODE_PIDS[$host]=$!
	wait_until 200 name_on_bus "$(node_name "$host")"
}
ctl() { "$VPDNCTL" --bus "$BUS" -n "$@"; }
# tunnel NODE: "local_id remote_id state" of its only tunnel
tunnel() {
	ctl "$1" --json show vpdn | python3 -c '
import json, sys
t = json.load(sys.stdin)["tunnels"]
print(" ".join(str(t[0][k]) for k in ("local_id", "remote_id", "state")) if len(t) == 1 else "none")'
}
sessions() { ctl "$1" --json show vpdn | python3 -c 'import json, sys; print(len(json.load(sys.stdin)["sessions"]))'; }

write_config lns.conf <<EOF
hostname = "LNS"
modules = {"l2tp", "testcarrier"}
state-directory = "$STATE"
vpdn { enable = true }
vpdn-group "1" {
  accept-dialin { protocol = "l2tp"  virtual-template = 1 }
  terminate-from = "LAC"
  local-name = "LNS"
  tunnel-password = "restart-tunnel-secret"
  source-ip = "10.8.0.2"
  hello = 2
}
l2tp { listen = {"10.8.0.2"} }
EOF
write_config lac.conf <<EOF
hostname = "LAC"
modules = {"l2tp", "testcarrier"}
state-directory = "$STATE"
vpdn { enable = true  search-order = {"domain"} }
vpdn-group "1" {
  request-dialin { protocol = "l2tp"  domain = {"cisco.com"} }
  initiate-to = {"10.8.0.2"}
  terminate-from = "LNS"
  local-name = "LAC"
  tunnel-password = "restart-tunnel-secret"
  source-ip = "10.8.0.1"
  hello = 2
}
l2tp { listen = {"10.8.0.1"} }
EOF
ok "config check (LNS)" "$VPDND" -c "$T/lns.conf" --check
check "LNS starts" launch lns LNS "$T/lns.conf" || finish
LNS_PID=${NODE_PIDS[LNS]}
LNS_LOG=$T/LNS.log
check "LAC starts" launch lac LAC "$T/lac.conf" || finish
LAC_LOG=$T/LAC.log

# --- a tunnel and a session ------------------------------------------------
ok "DialIn remote1@cisco.com at the LAC" tc LAC DialIn sss remote1@cisco.com 6122 211
wait_until 100 state_is LAC 1 up
check "tunnel and session up" state_is LAC 1 up
wait_until 50 state_is LNS 1 up
LNS_T=$(tunnel LNS)
LAC_T=$(tunnel LAC)
check "LNS: one tunnel established ($LNS_T)" [ "${LNS_T##* }" = est ]
check "LAC: one tunnel established ($LAC_T)" [ "${LAC_T##* }" = est ]
check "one session at the LNS" [ "$(sessions LNS)" = 1 ]
check "no state written without a restart" [ -z "$(ls -A "$STATE")" ]
ok "show version before" ctl LNS show version
lacks "no restart yet" "$OUT" "Restarted in place"

# --- restart in place --------------------------------------------------------
ok "vpdnctl restart (LNS)" ctl LNS restart
contains "vpdnctl says restart 1" "$OUT" "Restarted in place (restart 1)"
check "the same process (pid $LNS_PID)" kill -0 "$LNS_PID"
check "LNS: restarting in place" log_has "$LNS_LOG" "%SYS-5-RESTART: restarting in place: state of 1 module"
check "LNS: the UDP socket adopted" log_has "$LNS_LOG" "Restart: l2tp/udp/10.8.0.2/1701 adopted"
check "LNS: the tunnel restored" log_has "$LNS_LOG" "L2TP: restart: restored 1 tunnel, 1 session"
check "the state file was consumed" [ -z "$(ls -A "$STATE")" ]
check "LNS: the same tunnel IDs after ($(tunnel LNS))" [ "$(tunnel LNS)" = "$LNS_T" ]
check "LAC: the same tunnel after ($(tunnel LAC))" [ "$(tunnel LAC)" = "$LAC_T" ]
ok "show version after" ctl LNS show version
contains "show version: one restart" "$OUT" "Restarted in place 1 time, last at"
ok "show version --json" ctl LNS --json show version
contains "json: restarts 1" "$OUT" '"restarts":1'

# The session: no PPP hooks yet, so CDN 3 from the LNS, the tunnel stays.
wait_until 100 log_has "$LAC_LOG" "result 3 (Call disconnected for administrative reasons)"
check "LAC: CDN 3 for the session PPP cannot take back" \
	log_has "$LAC_LOG" "result 3 (Call disconnected for administrative reasons)"
check "LNS: the session cleared, not the tunnel" log_has "$LNS_LOG" "session link not taken back by any module"
wait_until 50 state_is LAC 1 down
check "LAC: the dial-in call hung up" state_is LAC 1 down

# HELLO (every 2 s) goes on both ways, acknowledged: the tunnel lives.
N0=$(grep -c "I HELLO from LNS" "$LAC_LOG")
sleep 5
N1=$(grep -c "I HELLO from LNS" "$LAC_LOG")
check "LAC: HELLO from the restarted LNS ($N0 -> $N1)" [ "$N1" -gt "$N0" ]
check "LAC: tunnel still established ($(tunnel LAC))" [ "$(tunnel LAC)" = "$LAC_T" ]
check "LAC: no retransmission limit reached" ! log_has "$LAC_LOG" "retransmit limit reached"

# A new call uses the restored tunnel: group and secret are back.
ok "DialIn again" tc LAC DialIn sss remote2@cisco.com 6123 211
NEW=${OUT#u }
wait_until 100 state_is LAC "$NEW" up
check "the new session comes up" state_is LAC "$NEW" up
check "over the restored tunnel: one SCCRQ ever" [ "$(grep -c "O SCCRQ" "$LAC_LOG")" -eq 1 ]

# A second restart counts.
ok "vpdnctl restart (LNS) again" ctl LNS restart
contains "restart 2" "$OUT" "Restarted in place (restart 2)"
check "still the same process" kill -0 "$LNS_PID"
check "LNS: the same tunnel IDs after the second" [ "$(tunnel LNS)" = "$LNS_T" ]
ok "show version" ctl LNS show version
contains "show version: two restarts" "$OUT" "Restarted in place 2 times"

# The LAC (the tunnel's initiator) restarts in place too: the LNS keeps
# the tunnel, the LAC's session (its carrier, the testcarrier module,
# has no restart hooks) is cleared with a CDN the LNS hears, logged and
# counted.
ok "DialIn before the LAC's restart" tc LAC DialIn sss remote3@cisco.com 6124 211
NEW=${OUT#u }
wait_until 100 state_is LAC "$NEW" up
check "a session up before the LAC's restart" state_is LAC "$NEW" up
CDN0=$(grep -c "I CDN from LAC" "$LNS_LOG")
ok "vpdnctl restart (LAC)" ctl LAC restart
contains "LAC: restart 1" "$OUT" "Restarted in place (restart 1)"
check "LAC: the same tunnel IDs after ($(tunnel LAC))" [ "$(tunnel LAC)" = "$LAC_T" ]
check "LNS: the tunnel kept ($(tunnel LNS))" [ "$(tunnel LNS)" = "$LNS_T" ]
cdn_from_lac() { [ "$(grep -c "I CDN from LAC" "$LNS_LOG")" -gt "$CDN0" ]; }
wait_until 100 cdn_from_lac
check "LNS: CDN for the LAC's session" cdn_from_lac
check "LAC: its session's carrier not restored" log_has "$LAC_LOG" "not restored, clearing the session"
N0=$(grep -c "I HELLO from LAC" "$LNS_LOG")
sleep 5
N1=$(grep -c "I HELLO from LAC" "$LNS_LOG")
check "LNS: HELLO from the restarted LAC ($N0 -> $N1)" [ "$N1" -gt "$N0" ]
check "LNS: tunnel still established" [ "$(tunnel LNS)" = "$LNS_T" ]
ok "DialIn after the LAC's restart" tc LAC DialIn sss remote4@cisco.com 6125 211
NEW=${OUT#u }
wait_until 100 state_is LAC "$NEW" up
check "a session over the restored tunnel" state_is LAC "$NEW" up
check "still one SCCRQ ever" [ "$(grep -c "O SCCRQ" "$LAC_LOG")" -eq 1 ]

# Refused cleanly when the state cannot be written: nothing changes.
ok "state-directory made a file" sh -c "rmdir '$STATE' && touch '$STATE'"
ko "restart refused: state-directory not usable" ctl LNS restart
contains "the refusal names the directory" "$ERR" "state-directory"
check "the node still runs the tunnel" [ "$(tunnel LNS)" = "$LNS_T" ]
ok "state-directory back" sh -c "rm -f '$STATE' && mkdir '$STATE'"

# --- the capture ---------------------------------------------------------------
if $capturing; then
	sleep 0.5
	stop_node tshark
	DEC=(-d "udp.port==1701,l2tp")
	N=$(tshark -r "$CAP" "${DEC[@]}" -Y l2tp 2>/dev/null | wc -l)
	check "tshark saw the L2TP exchange ($N packets)" [ "$N" -ge 10 ]
	TYPES=$(tshark -r "$CAP" "${DEC[@]}" -Y l2tp -T fields -e l2tp.avp.message_type 2>/dev/null |
		tr ',' '\n' | sort -n | uniq | tr '\n' ' ')
	check "HELLOs on the wire ($TYPES)" grep -qw 6 <<<"$TYPES"
	check "no StopCCN on the wire" ! grep -qw 4 <<<"$TYPES"
	MAL=$(tshark -r "$CAP" "${DEC[@]}" -Y _ws.malformed 2>/dev/null | wc -l)
	check "no malformed packet" [ "$MAL" -eq 0 ]
else
	echo "# no capture: tshark checks skipped" >&2
fi

# --- through systemd's fd store ---------------------------------------------------
# No systemd as PID 1 here: fake-fdstore.py plays its part of the protocol
# (FDSTORE=1/FDNAME= kept, FDSTOREREMOVE=1, the store passed back as
# LISTEN_FDS/LISTEN_FDNAMES to the process it starts when the node exits
# with 75, as the unit's RestartForceExitStatus=75 does).
stop_node LNS
FAKE="$(dirname "$0")/fake-fdstore.py"
STORE_LOG=$T/fdstore.log
launch_sd() {
	NODE_LOG="$T/LNS.log"
	ip netns exec "$P-lns" env DBUS_SYSTEM_BUS_ADDRESS="$BUS" python3 "$FAKE" "$T/notify" \
		"$STORE_LOG" --restart-job "$T/jobtype" -- \
		"$VPDND" -c "$T/lns.conf" --bus "$BUS" "${DBG[@]}" >>"$NODE_LOG" 2>&1 &
	NODE_PIDS[LNS]=$!
	wait_until 200 name_on_bus "$(node_name LNS)"
}
# systemd's D-Bus side: the unit's job, as the node asks at SIGTERM (on
# the "system" bus, here the test's: DBUS_SYSTEM_BUS_ADDRESS)
: >"$T/jobtype"
[ -x "${FAKE_SYSTEMD1:-}" ] || skip "fake-systemd1 not built"
"$FAKE_SYSTEMD1" "$BUS" "$T/jobtype" >"$T/systemd1.log" 2>&1 &
NODE_PIDS[systemd1]=$!
check "fake systemd1 on the bus" wait_until 50 grep -q ready "$T/systemd1.log"
check "LNS starts under the fake service manager" launch_sd || finish
wait_until 100 grep -q READY "$STORE_LOG"
check "READY=1 to the service manager" grep -q READY "$STORE_LOG"
ok "DialIn (a tunnel to the LNS under systemd)" tc LAC DialIn sss remote5@cisco.com 6126 211
NEW=${OUT#u }
wait_until 100 state_is LAC "$NEW" up
check "a session up" state_is LAC "$NEW" up
LNS_T=$(tunnel LNS)
# The LAC may still list the tunnel the stop cleared: the one to this LNS.
lac_tunnel() {
	ctl LAC --json show vpdn | python3 -c '
import json, sys
t = [x for x in json.load(sys.stdin)["tunnels"] if str(x["remote_id"]) == sys.argv[1]]
print(" ".join(str(t[0][k]) for k in ("local_id", "remote_id", "state")) if t else "none")' "${LNS_T%% *}"
}
LAC_T=$(lac_tunnel)
check "LNS: a tunnel ($LNS_T)" [ "${LNS_T##* }" = est ]
check "LAC: its end ($LAC_T)" [ "${LAC_T##* }" = est ]
pid_of_lns() { sed -n 's/^start \([0-9]*\) .*/\1/p' "$STORE_LOG" | tail -1; }
PID1=$(pid_of_lns)
ko "vpdnctl restart fdstore refused outside systemd (LAC)" ctl LAC restart fdstore
contains "the refusal says why" "$ERR" "NOTIFY_SOCKET"
ok "vpdnctl restart fdstore (LNS)" ctl LNS restart fdstore
contains "restart 1 through the fd store" "$OUT" "Restarted in place (restart 1)"
PID2=$(pid_of_lns)
check "a new process ($PID1 -> $PID2)" [ -n "$PID2" ] && [ "$PID2" != "$PID1" ]
check "LNS: handed to systemd" log_has "$LNS_LOG" "%SYS-5-RESTART: restarting through the fd store: state of 1 module"
check "the store got the UDP socket" grep -qx "stored l2tp/udp/10.8.0.2/1701" "$STORE_LOG"
check "the store got the state, last" [ "$(grep '^stored' "$STORE_LOG" | tail -1)" = "stored vpdnd-state" ]
check "the node exited 75 (RestartForceExitStatus)" grep -qx "exit 75" "$STORE_LOG"
check "the successor got 2 descriptors" grep -q "^start $PID2 with 2 descriptors" "$STORE_LOG"
check "LNS: from the fd store" log_has "$LNS_LOG" "restarting in place (restart 1, from the fd store): state of 1 module, 1 descriptor"
check "LNS: the tunnel restored" [ "$(grep -c "L2TP: restart: restored 1 tunnel" "$LNS_LOG")" -ge 3 ]
check "the store emptied by the successor" grep -qx "removed vpdnd-state" "$STORE_LOG"
check "LNS: the same tunnel IDs ($(tunnel LNS))" [ "$(tunnel LNS)" = "$LNS_T" ]
check "LAC: the same tunnel ($(lac_tunnel))" [ "$(lac_tunnel)" = "$LAC_T" ]
N0=$(grep -c "I HELLO from LNS" "$LAC_LOG")
wait_until 60 sh -c "[ \$(grep -c 'I HELLO from LNS' '$LAC_LOG') -gt $N0 ]"
check "LAC: HELLO from the new process" [ "$(grep -c "I HELLO from LNS" "$LAC_LOG")" -gt "$N0" ]
# systemctl restart: SIGTERM while the unit's job is "restart": the node
# hands everything to the store and exits 0, the job starts it again.
echo restart >"$T/jobtype"
STOP0=$(grep -c "I StopCCN" "$LAC_LOG")
ok "SIGTERM, the unit's job a restart (systemctl restart)" kill -TERM "$PID2"
new_start() { [ "$(grep -c '^start ' "$STORE_LOG")" -ge 3 ]; }
check "the restart job started a new process" wait_until 100 new_start
PID3=$(pid_of_lns)
check "LNS: asked systemd, a restart job" log_has "$LNS_LOG" "%SYS-5-RESTART: systemd restarts the unit: handing over through the fd store"
check "it exited 0, the job restarted it" grep -qx "restart job" "$STORE_LOG"
check "a new process ($PID2 -> $PID3)" [ -n "$PID3" ] && [ "$PID3" != "$PID2" ]
wait_until 200 name_on_bus "$(node_name LNS)"
check "LNS: from the fd store again" log_has "$LNS_LOG" "restarting in place (restart 2, from the fd store)"
check "LNS: the same tunnel IDs after systemctl restart ($(tunnel LNS))" [ "$(tunnel LNS)" = "$LNS_T" ]
check "LAC: the same tunnel ($(lac_tunnel))" [ "$(lac_tunnel)" = "$LAC_T" ]
check "no StopCCN at the LAC" [ "$(grep -c "I StopCCN" "$LAC_LOG")" = "$STOP0" ]
# systemctl stop: the job is "stop": a clean stop, StopCCN to the LAC,
# nothing left in the store.
echo stop >"$T/jobtype"
stop_node LNS
check "SIGTERM of a stop job: a clean stop" log_has "$LNS_LOG" "SIGTERM, not a restart (the unit's job is stop)"
grep -o "SIGTERM, not a restart.*" "$LNS_LOG" | sed 's/^/# /' >&2
check "the fake saw exit 0" grep -qx "exit 0" "$STORE_LOG"
stop_node systemd1
check "nothing left in the store" grep -qx "store at the end: 0" "$STORE_LOG"
wait_until 60 sh -c "[ \$(grep -c 'I StopCCN' '$LAC_LOG') -gt $STOP0 ]"
check "LAC: StopCCN at the stop" [ "$(grep -c "I StopCCN" "$LAC_LOG")" -gt "$STOP0" ]

# --- a state from another version: refused, clean start --------------------------
stop_node LAC
check "no state left by a normal stop" [ -z "$(ls -A "$STATE")" ]
ok "forge a state of vpdnd 9.9.9" "$RESTART_FORGE" "$STATE/LNS.restart" 9.9.9 LNS
check "LNS starts with the foreign state" \
	launch lns LNS "$T/lns.conf" VPDND_RESTART_STATE="$STATE/LNS.restart" || finish
check "one line: refused, clean start" \
	log_has "$LNS_LOG" "refused (written by vpdnd 9.9.9, this is "
check "exactly one refusal line" [ "$(grep -c "%SYS-4-RESTART" "$LNS_LOG")" -eq 1 ]
check "the foreign state was removed" [ ! -e "$STATE/LNS.restart" ]
check "a clean start: no tunnel" [ "$(tunnel LNS)" = none ]
ok "show version (clean start)" ctl LNS show version
lacks "no restart counted" "$OUT" "Restarted in place"
check "secret never logged" ! grep -q restart-tunnel-secret "$LAC_LOG" "$LNS_LOG"
stop_node LNS
finish
