#!/bin/bash
# Process-level ISDN test: the isdn-switch node and four nodes with the isdn
# module plus the isdn-testpeer stand-in (answers, dials, echoes), all over
# one UNIX socket, no D-Bus. Dial-in (remote1 -> LAC 8211, DNIS 211), dial-out
# (LAC -> remote2 6121 twice on Serial0:30 and Serial0:29), busy (third call:
# remote2 has 2 B channels), unallocated number, a refused call (21), data
# both ways, and remote2 killed mid-call clearing the LAC's calls (27).
set -u
. "$(dirname "$0")/check.sh"

: "${VPDND:?}" "${ISDN_MODULE_DIR:?}"
export VPDND_MODULE_PATH="$ISDN_MODULE_DIR"
tmp=$(mktemp -d)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

sock="$tmp/isdn.sock"

wait_for() { # file pattern [tries]
	local i
	for i in $(seq 1 "${3:-100}"); do
		grep -q -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

node() { # name conf-body [debug...]
	local name=$1 body=$2
	shift 2
	printf 'hostname = "%s"\n%s\n' "$name" "$body" > "$tmp/$name.conf"
	"$VPDND" -c "$tmp/$name.conf" --no-bus "$@" > "$tmp/$name.log" 2>&1 &
	pids+=($!)
	eval "pid_$name=$!"
}

node isdnnet "modules = {\"isdn-switch\"}
isdn-switch { listen = \"unix:$sock\" }"
check "switch listens" wait_for "$tmp/isdnnet.log" "listening on $sock"

peer_mods='modules = {"isdn", "isdn-testpeer"}'
node remote2 "$peer_mods
isdn { switch-type = \"basic-net3\" network = \"unix:$sock\" }
controller \"BRI 0\" { number = {\"6121\"} }"
node remote3 "$peer_mods
isdn { network = \"unix:$sock\" }
controller \"BRI 0\" { number = {\"6123\"} }
isdn-testpeer { answer-cause = 21 }"
check "remote2 registered" wait_for "$tmp/remote2.log" "BRI 0: registered"
check "remote3 registered" wait_for "$tmp/remote3.log" "BRI 0: registered"

node LAC "$peer_mods
isdn { switch-type = \"primary-net5\" network = \"unix:$sock\" }
controller \"E1 0\" { pri-group-timeslots = \"1-31\" number = {\"8211\"} dnis-digits = 3 }
isdn-testpeer { dial = {\"6121\", \"6121\", \"6121\", \"9999\"} dial-port = \"E1 0\" dial-interval = 500 }" \
	-d "isdn events" -d "isdn q931"
check "LAC registered" wait_for "$tmp/LAC.log" "E1 0: registered"
node remote1 "$peer_mods
isdn { network = \"unix:$sock\" }
controller \"BRI 0\" { number = {\"6122\"} }
isdn-testpeer { dial = {\"8211\", \"6123\"} dial-interval = 700 }"

L="$tmp/LAC.log"
check "dial-out connects on Serial0:30" wait_for "$L" "dial connected on Serial0:30"
check "second call on Serial0:29" wait_for "$L" "dial connected on Serial0:29"
check "third call: user busy (17)" wait_for "$L" "dial failed cause 17"
check "9999: unallocated number (1)" wait_for "$L" "dial failed cause 1\$"
check "data: the LAC hears its probe echoed" wait_for "$L" "echo received"
check "remote2 answered a call from 8211" wait_for "$tmp/remote2.log" "incoming from 8211 to 6121 on BRI0:1"
check "LAC logs the connect" wait_for "$L" "%ISDN-6-CONNECT: Interface Serial0:30 is now connected to 6121"
check "LAC logs the outgoing call" grep -q "ISDN Se0:15: Outgoing call id = 0x80[0-9A-F]*, dsl 0" "$L"
check "LAC logs Q.931" grep -q "ISDN Se0:15 Q931: TX -> SETUP pd = 8  callref = 0x0001" "$L"

check "dial-in reaches the LAC with DNIS 211" wait_for "$L" "incoming from 6122 to 211 on Serial0:"
check "LAC logs the incoming call" grep -q "ISDN Se0:15: Incoming call id = 0x011B, dsl 0" "$L"
check "LAC logs the DATA call" grep -q "ISDN Se0:15: Event: Received a DATA call from 6122 on B[0-9]* at 64 Kb/s" "$L"
check "remote1 connected" wait_for "$tmp/remote1.log" "dial connected on BRI0:2"
check "remote1 hears the echo" wait_for "$tmp/remote1.log" "echo received"
check "remote3 refuses: cause 21" wait_for "$tmp/remote1.log" "dial failed cause 21"

kill -9 "$pid_remote2"
check "remote2 killed: LAC call cleared with 27" wait_for "$L" "cleared Serial0:30 cause 27"
check "remote2 killed: the consumer hears 27" grep -q "Se0:30 hangup cause 27" "$L"
check "and the other one" wait_for "$L" "cleared Serial0:29 cause 27"
check "LAC logs the disconnect" grep -q "%ISDN-6-DISCONNECT: Interface Serial0:30 disconnected from 6121" "$L"
check "the dial-in call is untouched" sh -c "! grep -q 'cleared Serial0:0 ' '$L'"

kill "$pid_isdnnet"
check "network gone: dial-in call cleared with 38" wait_for "$L" "cause 38"
check "no node crashed" sh -c "kill -0 $pid_LAC && kill -0 $pid_remote1 && kill -0 $pid_remote3"
if [ "$_failed" -ne 0 ]; then
	for f in "$tmp"/*.log; do echo "== $f"; tail -40 "$f"; done
fi
finish
