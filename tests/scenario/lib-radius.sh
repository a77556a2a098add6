# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# The set-up the radius scenario tests share (test-radius.sh,
# test-radius-lac.sh): the skips, the libraries (tests/integration/lib.sh,
# scripts/netns.sh, scripts/raddb.sh), the cleanup trap and the helpers.
# The caller sets P (its namespaces' prefix) before sourcing this, and
# DBG (launch's debug flags) and RADDB (FreeRADIUS's directory) after.
if [ "$(id -u)" -ne 0 ]; then echo "SKIP: needs root (network namespaces)"; exit 77; fi
[ -c /dev/net/tun ] || { echo "SKIP: no /dev/net/tun"; exit 77; }
command -v dbus-daemon >/dev/null || { echo "SKIP: no dbus-daemon"; exit 77; }
command -v freeradius >/dev/null || { echo "SKIP: freeradius not installed (scripts/deps.sh)"; exit 77; }

. "$VPDND_SOURCE_ROOT/tests/integration/lib.sh"
. "$VPDND_SOURCE_ROOT/scripts/netns.sh"
. "$VPDND_SOURCE_ROOT/scripts/raddb.sh"
export VPDND_MODULE_PATH="$VPDND_BUILD_ROOT/modules/isdn"
export VPDND_ISDN_SOCKET="$T/isdn.sock"
ETC="$VPDND_SOURCE_ROOT/etc"

radius_cleanup() {
	trap - EXIT INT TERM
	_lib_cleanup
	scenario_net_down "$P"
}
trap radius_cleanup EXIT
trap 'exit 130' INT TERM

bus_of() { local v="BUS_$1"; printf '%s' "${!v}"; }
ctl() { local node=$1; shift; in_ns "$P" "$node" "$VPDNCTL" --bus "$(bus_of "$node")" -n "$node" "$@"; }
pings() { # pings NODE ARGS...: at least one reply; requests 0.2 s apart until 5 replies (the counters below want 5), within 6 s
	in_ns "$P" "$1" ping -c 5 -i 0.2 -w 6 "${@:2}" >"$T/ping.txt" 2>&1
	grep -qE ' [1-9][0-9]* received' "$T/ping.txt"
}
# detail_count STATUS: records of that Acct-Status-Type in the detail file
detail_count() { grep -c "Acct-Status-Type = $1" "$RADDB/detail" 2>/dev/null || echo 0; }
detail_has() { [ "$(detail_count "$1")" -ge "$2" ]; }
# the last record of a type, as text
detail_last() { awk -v t="Acct-Status-Type = $1" '/^[A-Z][a-z][a-z] /{r=""} {r=r $0 "\n"} /^$/{if (index(r, t)) last=r} END{printf "%s", last}' "$RADDB/detail"; }
acct_queued_zero() {
	[ "$(ctl LNS --json show radius | python3 -c 'import json, sys; print(json.load(sys.stdin)["acct_queued"])')" = 0 ]
}
# vpdn_has NODE N: N sessions in `show vpdn`
vpdn_has() {
	[ "$(ctl "$1" --json show vpdn | python3 -c 'import json, sys; print(len(json.load(sys.stdin)["sessions"]))')" = "$2" ]
}

start_node_bus() {
	netns_bus "$P" "$1" "$T/bus-$1" || return 1
	NODE_PIDS[bus-$1]=$NETNS_BUS_PID
}
launch() {
	local node=$1 conf=$2
	ip netns exec "$P-$node" "$VPDND" -c "$conf" --bus "$(bus_of "$node")" "${DBG[@]}" >>"$T/$node.log" 2>&1 &
	NODE_PIDS[$node]=$!
	wait_s 10 ctl "$node" show version
}
