# SPDX-License-Identifier: MIT
# shellcheck shell=bash
#
# Helpers for process-level tests. Source it from a bash test script:
#
#   . "$(dirname "$0")/lib.sh"
#   start_bus                               # private dbus-daemon, $BUS
#   write_config lac.conf <<EOF ... EOF      # into $T
#   start_node LAC "$T/lac.conf"            # vpdnd on $BUS, waits for its name
#   ok "show version works" "$VPDNCTL" -n LAC show version
#   finish                                  # "N passed, M failed", exit code
#
# Environment (set by tests/meson.build; defaults for running by hand from a
# build directory): VPDND, VPDNCTL, VPDND_BUILD_ROOT, VPDND_SOURCE_ROOT.
#
# Everything a test starts (bus, nodes) is stopped and its temporary
# directory removed on exit, whatever the outcome. Each test gets its own
# bus, so tests run in parallel. Process-level tests may poll, always with
# a bounded timeout (wait_until).
#
# Variables set for the test:
#   T          the test's temporary directory
#   BUS        the private bus address; also exported as VPDND_BUS, so
#              vpdnctl talks to it without --bus
#   NODE_PID   pid of the last node started (also NODE_PIDS[<hostname>])
#   NODE_LOG   its stderr+stdout log ($T/<hostname>.log)

set -u

: "${VPDND_BUILD_ROOT:=$PWD}"
: "${VPDND_SOURCE_ROOT:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
: "${VPDND:=$VPDND_BUILD_ROOT/core/vpdnd}"
: "${VPDNCTL:=$VPDND_BUILD_ROOT/tools/vpdnctl/vpdnctl}"
# Node logs are kept here at exit (make check greps them for secrets).
: "${VPDND_TEST_LOGDIR:=$VPDND_BUILD_ROOT/test-logs}"
export VPDND VPDNCTL VPDND_BUILD_ROOT VPDND_SOURCE_ROOT VPDND_TEST_LOGDIR

TESTS_PASSED=0
TESTS_FAILED=0
BUS=""
BUS_PID=""
NODE_PID=""
NODE_LOG=""
declare -A NODE_PIDS=()
T=$(mktemp -d "${TMPDIR:-/tmp}/vpdnd-test.XXXXXX") || exit 1

_lib_cleanup() {
	local pid
	for pid in "${NODE_PIDS[@]}"; do
		_stop_pid "$pid"
	done
	if [ -n "$BUS_PID" ]; then
		kill "$BUS_PID" 2>/dev/null
	fi
	# Keep the node logs for make check's scan for secrets.
	if [ -n "${VPDND_TEST_LOGDIR:-}" ] && ls "$T"/*.log >/dev/null 2>&1; then
		local keep="$VPDND_TEST_LOGDIR/$(basename "$0" .sh)-$$"
		mkdir -p "$keep" && cp "$T"/*.log "$keep"/ 2>/dev/null
	fi
	if [ -n "${KEEP_TMP:-}" ]; then
		echo "# kept $T" >&2
	else
		rm -rf "$T"
	fi
}
trap _lib_cleanup EXIT
trap 'exit 130' INT TERM

# pid_alive PID: the process exists and is not a zombie. A daemon that
# forked itself (dbus-daemon --fork, freeradius) is not our child: once it
# exits it stays a zombie until init reaps it, which can take seconds
# (kill -0 still succeeds on a zombie).
pid_alive() {
	local stat
	kill -0 "$1" 2>/dev/null || return 1
	read -r stat <"/proc/$1/stat" 2>/dev/null || return 1
	stat=${stat##*) }
	[ "${stat%% *}" != Z ]
}

# Send SIGTERM, wait up to 5 s, then SIGKILL. Returns the exit status of
# the process if it was our child, else 0.
_stop_pid() {
	local pid=$1 i
	pid_alive "$pid" || { wait "$pid" 2>/dev/null; return $?; }
	kill -TERM "$pid" 2>/dev/null
	for ((i = 0; i < 100; i++)); do
		pid_alive "$pid" || break
		sleep 0.05
	done
	kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
}

# --- reporting ------------------------------------------------------------

_pass() { TESTS_PASSED=$((TESTS_PASSED + 1)); echo "ok $((TESTS_PASSED + TESTS_FAILED)) - $1"; }
_fail() { TESTS_FAILED=$((TESTS_FAILED + 1)); echo "not ok $((TESTS_PASSED + TESTS_FAILED)) - $1"; }

# ok DESCRIPTION COMMAND...: the command must succeed. Its output is kept
# in $OUT (stdout) and $ERR (stderr) for further checks, and shown on failure.
ok() {
	local desc=$1 rc
	shift
	run "$@"
	rc=$RC
	if [ "$rc" -eq 0 ]; then
		_pass "$desc"
	else
		_fail "$desc (exit $rc: $*)"
		_show_output
	fi
	return 0
}

# ko DESCRIPTION [EXPECTED_EXIT] COMMAND...: the command must fail; with a
# numeric EXPECTED_EXIT, with exactly that status.
ko() {
	local desc=$1 want=""
	shift
	case "$1" in
	[0-9] | [0-9][0-9] | [0-9][0-9][0-9]) want=$1; shift ;;
	esac
	run "$@"
	if [ "$RC" -ne 0 ] && { [ -z "$want" ] || [ "$RC" -eq "$want" ]; }; then
		_pass "$desc"
	else
		_fail "$desc (exit $RC, expected ${want:-non-zero}: $*)"
		_show_output
	fi
	return 0
}

# run COMMAND...: run it, keeping $OUT, $ERR and $RC; never fails.
run() {
	local o="$T/.out" e="$T/.err"
	"$@" >"$o" 2>"$e"
	RC=$?
	OUT=$(cat "$o")
	ERR=$(cat "$e")
}

# check DESCRIPTION [!] COMMAND...: like ok, for a shell test or function,
# without keeping output (check "two modules" [ "$n" -eq 2 ]); with "!",
# the command must fail.
check() {
	local desc=$1 negate=false rc
	shift
	if [ "$1" = "!" ]; then
		negate=true
		shift
	fi
	"$@"
	rc=$?
	if { [ $rc -eq 0 ] && ! $negate; } || { [ $rc -ne 0 ] && $negate; }; then
		_pass "$desc"
	else
		_fail "$desc ($*)"
	fi
	return 0
}

# contains DESCRIPTION HAYSTACK NEEDLE: the string contains the substring.
contains() {
	case "$2" in
	*"$3"*) _pass "$1" ;;
	*) _fail "$1: '$3' not in:"; printf '%s\n' "$2" | sed 's/^/#   /' ;;
	esac
	return 0
}

# lacks DESCRIPTION HAYSTACK NEEDLE: the string does not contain it.
lacks() {
	case "$2" in
	*"$3"*) _fail "$1: '$3' unexpectedly in:"; printf '%s\n' "$2" | sed 's/^/#   /' ;;
	*) _pass "$1" ;;
	esac
	return 0
}

_show_output() {
	[ -n "$OUT" ] && printf '%s\n' "$OUT" | sed 's/^/#   out: /'
	[ -n "$ERR" ] && printf '%s\n' "$ERR" | sed 's/^/#   err: /'
	return 0
}

# finish: print the count line (last line of stdout) and exit with status 1
# if anything failed.
finish() {
	echo "$TESTS_PASSED passed, $TESTS_FAILED failed"
	[ "$TESTS_FAILED" -eq 0 ] && exit 0
	exit 1
}

# skip REASON: the test cannot run here (exit 77, counted as skipped).
skip() {
	echo "SKIP: $*"
	exit 77
}

# --- waiting --------------------------------------------------------------

# wait_until TIMEOUT_SECONDS COMMAND...: poll every 50 ms until the command
# succeeds. Returns 1 on timeout.
wait_until() {
	local timeout=$1 i n
	shift
	n=$((timeout * 20))
	for ((i = 0; i < n; i++)); do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.05
	done
	return 1
}

# --- captures -------------------------------------------------------------

# tcount FILE [TSHARK-OPTION...] -- FILTER...: the number of frames in FILE,
# then of the frames matching each display filter (what tshark -r FILE
# [OPTION...] -Y FILTER | wc -l counts), from one tshark pass: tshark takes
# a second or more to start, so one run rather than one per filter. A
# filter must not contain a comma (io,stat's separator). Prints the
# numbers on one line (all 0 if tshark reads nothing).
tcount() {
	local f=$1 z="io,stat,0,frame" n=1
	shift
	local opts=()
	while [ $# -gt 0 ] && [ "$1" != "--" ]; do opts+=("$1"); shift; done
	shift
	for x in "$@"; do z="$z,$x"; n=$((n + 1)); done
	tshark -r "$f" "${opts[@]}" -q -z "$z" 2>/dev/null | awk -F'|' -v n="$n" '
		/<>/ && !done { for (i = 3; i < NF; i += 2) printf "%d ", $i; print ""; done = 1 }
		END { if (!done) { for (i = 0; i < n; i++) printf "0 "; print "" } }'
}

# --- D-Bus ----------------------------------------------------------------

# start_bus: a private, session-like dbus-daemon (everyone may own and call
# anything; the daemon's own uid check still applies). Extra policy files
# (e.g. dbus/org.vpdnd.conf) may be passed as arguments: they are included
# after the permissive default, as the system bus includes system.d/.
# Sets and exports BUS and VPDND_BUS.
start_bus() {
	local conf="$T/bus.conf" f
	chmod 755 "$T"
	{
		cat <<EOF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:dir=$T</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
    <allow user="*"/>
  </policy>
EOF
		for f in "$@"; do
			echo "  <include>$f</include>"
		done
		echo "</busconfig>"
	} >"$conf"
	dbus-daemon --config-file="$conf" --fork --print-address=3 --print-pid=4 \
		3>"$T/bus.address" 4>"$T/bus.pid" || { _fail "start dbus-daemon"; finish; }
	BUS=$(head -n1 "$T/bus.address")
	BUS_PID=$(head -n1 "$T/bus.pid")
	[ -n "$BUS" ] || { _fail "dbus-daemon printed no address"; finish; }
	VPDND_BUS=$BUS
	export BUS VPDND_BUS
}

# node_name HOSTNAME: the node's well-known name (as vpdn_dbus_node_name()).
node_name() {
	local h
	h=$(printf '%s' "$1" | sed 's/[^A-Za-z0-9_-]/_/g')
	case "$h" in
	"" | [0-9]*) h="_$h" ;;
	esac
	echo "org.vpdnd.Node.$h"
}

# name_on_bus NAME: is NAME owned on $BUS?
name_on_bus() {
	busctl --address="$BUS" call org.freedesktop.DBus /org/freedesktop/DBus \
		org.freedesktop.DBus NameHasOwner s "$1" 2>/dev/null | grep -q '^b true$'
}

# --- nodes ----------------------------------------------------------------

# write_config FILE: stdin to $T/FILE (mode 600, as vpdnd prefers).
write_config() {
	cat >"$T/$1"
	chmod 600 "$T/$1"
}

# start_node HOSTNAME CONFIG [VPDND-ARGS...]: run vpdnd on $BUS in the
# background (log in $T/HOSTNAME.log) and wait up to 10 s for its name.
# HOSTNAME must be what the config sets. Returns 1 (log shown) if the node
# died or never appeared.
start_node() {
	local host=$1 config=$2 name
	shift 2
	name=$(node_name "$host")
	NODE_LOG="$T/$host.log"
	"$VPDND" -c "$config" --bus "$BUS" "$@" >"$NODE_LOG" 2>&1 &
	NODE_PID=$!
	NODE_PIDS[$host]=$NODE_PID
	local i
	for ((i = 0; i < 200; i++)); do
		name_on_bus "$name" && return 0
		if ! kill -0 "$NODE_PID" 2>/dev/null; then
			echo "# vpdnd ($host) exited before joining the bus:" >&2
			sed 's/^/#   /' "$NODE_LOG" >&2
			unset "NODE_PIDS[$host]"
			return 1
		fi
		sleep 0.05
	done
	echo "# vpdnd ($host) did not appear on the bus within 10 s:" >&2
	sed 's/^/#   /' "$NODE_LOG" >&2
	return 1
}

# spawn KEY COMMAND...: run any helper process in the background (output
# in $T/KEY.log), stopped on exit like the nodes; stop_node KEY stops it.
# Sets SPAWN_PID.
spawn() {
	local key=$1
	shift
	"$@" >"$T/$key.log" 2>&1 &
	SPAWN_PID=$!
	NODE_PIDS[$key]=$SPAWN_PID
}

# stop_node HOSTNAME: SIGTERM it and wait; returns its exit status.
stop_node() {
	local pid=${NODE_PIDS[$1]:-}
	[ -n "$pid" ] || return 0
	unset "NODE_PIDS[$1]"
	_stop_pid "$pid"
}

# wait_node_exit HOSTNAME [TIMEOUT]: wait for the node to exit by itself;
# returns its exit status, or 124 on timeout (the node is then killed).
wait_node_exit() {
	local host=$1 timeout=${2:-10} pid i
	pid=${NODE_PIDS[$host]:-}
	[ -n "$pid" ] || return 0
	for ((i = 0; i < timeout * 20; i++)); do
		if ! kill -0 "$pid" 2>/dev/null; then
			unset "NODE_PIDS[$host]"
			wait "$pid"
			return $?
		fi
		sleep 0.05
	done
	return 124
}

# wait_s SECONDS CMD...: poll (0.1 s) until CMD succeeds, bounded by wall
# time (wait_until counts iterations; vpdnctl calls are slow).
wait_s() {
	local end=$((SECONDS + $1))
	shift
	until "$@" >/dev/null 2>&1; do
		[ "$SECONDS" -ge "$end" ] && return 1
		sleep 0.1
	done
}

# in_log NODE ERE: the pattern is in the node's log, $T/NODE.log
in_log() { grep -q -E -- "$2" "$T/$1.log"; }

# With the caller's ctl NODE ARGS... (vpdnctl on that node's bus):
# sessions NODE: the number of sessions in show vpdn
sessions() {
	ctl "$1" --json show vpdn | python3 -c 'import json, sys; print(len(json.load(sys.stdin)["sessions"]))'
}
sessions_are() { [ "$(sessions "$1" 2>/dev/null)" = "$2" ]; }
metric() { # metric NODE NAME: a counter's value (0 when absent)
	ctl "$1" --json metrics | python3 -c '
import json, sys
v = [m["value"] for m in json.load(sys.stdin)["metrics"]
     if m["name"] in (sys.argv[1], "vpdnd_" + sys.argv[1]) and not m.get("labels")]
print(v[0] if v else 0)' "$2"
}
