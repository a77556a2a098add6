#!/bin/bash
# make demo: the reference scenario of ../shared/SCENARIO.md, as far as the
# modules that exist today carry it.
#
# What runs for real: the five nodes' network namespaces wired as in the
# scenario (LAC-LNS serial link, LNS-local1 Ethernet, loopbacks), vpdnd as
# LAC and LNS from etc/'s vpdn-group settings on a private D-Bus, the L2TP
# tunnel with challenge authentication both ways, the dial-in session for
# remote1@cisco.com and the dial-out session to 6121 sharing that tunnel,
# and `vpdnctl show vpdn` on both nodes.
# What stands in: the test-only `testcarrier` module plays the ISDN calls
# and the users' PPP (it publishes the LAC's forward request with proxy
# LCP/auth data and answers the LAC's dial request). The isdn switch, the
# dialer and end-to-end pings join as those issues land.
#
# Exit status 0 only if every step passed. Everything it creates
# (namespaces, processes, files) is removed on exit, Ctrl-C included.
set -u
BUILD=${1:-build}
TOP=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$(cd "$BUILD" && pwd)
VPDND="$BUILD/core/vpdnd"
VPDNCTL="$BUILD/tools/vpdnctl/vpdnctl"
export VPDND_MODULE_PATH="$BUILD/modules/l2tp:$BUILD/modules/auth-local"
. "$TOP/scripts/netns.sh"

if [ "$(id -u)" -ne 0 ]; then
	echo "demo: needs root (network namespaces); run: sudo make demo" >&2
	exit 1
fi

P=vdemo$$
T=$(mktemp -d /tmp/vpdnd-demo.XXXXXX)
chmod 755 "$T"
PIDS=()
steps_ok=0
steps_failed=0

cleanup() {
	trap - EXIT INT TERM
	for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null; done
	for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null; done
	scenario_net_down "$P"
	rm -rf "$T"
	left=$(ip netns list | grep -c "^$P-" || true)
	[ "$left" -eq 0 ] || echo "demo: warning: $left namespaces left behind" >&2
}
trap cleanup EXIT
trap 'echo; echo "demo: interrupted"; exit 130' INT TERM

say() { printf '\n== %s\n' "$*"; }
pass() { steps_ok=$((steps_ok + 1)); printf '   ok: %s\n' "$*"; }
fail() { steps_failed=$((steps_failed + 1)); printf '   FAILED: %s\n' "$*"; }
wait_for() { # wait_for SECONDS CMD...
	local end=$((SECONDS + $1)); shift
	until "$@" >/dev/null 2>&1; do
		[ $SECONDS -ge $end ] && return 1
		sleep 0.1
	done
}
bus_of() { local v="BUS_$1"; printf '%s' "${!v}"; }
ctl() { # ctl NODE ARGS...: vpdnctl in the node's namespace, on its bus
	local node=$1; shift
	in_ns "$P" "$node" "$VPDNCTL" --bus "$(bus_of "$node")" -n "$node" "$@"
}
tc() { in_ns "$P" "$1" busctl --address="$(bus_of "$1")" call "org.vpdnd.Node.$1" \
	/org/vpdnd/module/testcarrier org.vpdnd.TestCarrier1 "${@:2}"; }
sessions_est() { # sessions_est NODE N: N sessions established
	[ "$(ctl "$1" --json show vpdn session | python3 -c '
import json, sys
print(sum(1 for s in json.load(sys.stdin)["sessions"] if s["state"] == "est"))')" = "$2" ]
}

say "Network: remote1, remote2, LAC, LNS, local1 in namespaces $P-*"
if scenario_net_up "$P" && in_ns "$P" LAC ping -q -c1 -W2 -I 18.18.18.1 18.18.18.2 >/dev/null; then
	pass "LAC Serial0 18.18.18.6/30 <-> LNS Serial0 18.18.18.5/30; LAC 18.18.18.1 reaches LNS 18.18.18.2"
else
	fail "network set-up"; exit 1
fi
in_ns "$P" local1 ping -q -c1 -W2 18.18.18.2 >/dev/null && pass "local1 10.200.20.32 reaches the LNS over Ethernet0" ||
	fail "local1 -> LNS"

# Each node gets its own D-Bus inside its namespace, and vpdnctl runs
# there too, as an operator logs into each router.
start_bus() { # start_bus NODE: sets BUS_<NODE>
	local node=$1 d="$T/bus-$1"
	mkdir -p "$d" && chmod 755 "$d"
	cat >"$d/bus.conf" <<CONF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:dir=$d</listen>
  <auth>EXTERNAL</auth>
  <policy context="default"><allow send_destination="*"/><allow receive_sender="*"/><allow own="*"/><allow user="*"/></policy>
</busconfig>
CONF
	in_ns "$P" "$node" dbus-daemon --config-file="$d/bus.conf" --fork --print-address=3 \
		--print-pid=4 3>"$d/address" 4>"$d/pid" || return 1
	PIDS+=("$(cat "$d/pid")")
	printf -v "BUS_$node" '%s' "$(head -n1 "$d/address")"
}
say "D-Bus: a private bus in each node's namespace"
for node in LAC LNS; do
	start_bus "$node" && pass "$node's bus" || { fail "dbus-daemon for $node"; exit 1; }
done

# The scenario's vpdn-group settings (etc/lac.conf, etc/lns.conf), with the
# testcarrier standing in for ISDN and the users' PPP.
cat >"$T/lac.conf" <<CONF
hostname = "LAC"
modules = {"l2tp", "testcarrier"}
vpdn { enable = true  search-order = {"domain"} }
vpdn-group "1" {
  request-dialin { protocol = "l2tp"  domain = {"cisco.com"} }
  accept-dialout { protocol = "l2tp"  dialer = 1 }
  terminate-from = "LNS"
  initiate-to = {"18.18.18.2"}
  local-name = "LAC"
  tunnel-password = "l2tptunnel"
  source-ip = "18.18.18.1"
}
l2tp { listen = {"18.18.18.1"} }
CONF
cat >"$T/lns.conf" <<CONF
hostname = "LNS"
modules = {"l2tp", "testcarrier"}
vpdn { enable = true }
vpdn-group "1" {
  accept-dialin { protocol = "l2tp"  virtual-template = 1 }
  request-dialout { protocol = "l2tp"  pool-member = 1 }
  terminate-from = "LAC"
  initiate-to = {"18.18.18.1"}
  local-name = "LNS"
  tunnel-password = "l2tptunnel"
  source-ip = "18.18.18.2"
}
l2tp { listen = {"18.18.18.2"} }
CONF
chmod 600 "$T"/*.conf

say "Nodes: vpdnd as LNS and as LAC"
DBG=(-d "vpdn l2x-events" -d "vpdn l2x-errors" -d "vpdn events")
for node in LNS LAC; do
	lower=$(echo "$node" | tr A-Z a-z)
	in_ns "$P" "$node" "$VPDND" -c "$T/$lower.conf" --bus "$(bus_of "$node")" "${DBG[@]}" >"$T/$node.log" 2>&1 &
	PIDS+=("$!")
	if wait_for 10 ctl "$node" show version; then
		pass "$node up as org.vpdnd.Node.$node"
	else
		fail "$node did not start:"; sed 's/^/     /' "$T/$node.log"; exit 1
	fi
done

say "Dial-in: remote1@cisco.com calls 8211 (DNIS 211); the LAC forwards it to the LNS"
if tc LAC DialIn sss remote1@cisco.com 6122 211 >/dev/null && wait_for 10 sessions_est LAC 1; then
	pass "tunnel LAC<->LNS authenticated both ways, session established"
else
	fail "dial-in session"
fi
grep -E "O SCCRQ|Tunnel Authentication success|O ICRQ|O ICCN|Session state change from wait-reply to established|tunnel-password" "$T/LAC.log" |
	sed 's/^/     LAC| /' | head -8

say "Dial-out: local1 wants 17.17.17.2; the LNS dials 6121 through the LAC over the same tunnel"
if tc LNS DialOut is 1 6121 >/dev/null && wait_for 15 sessions_est LNS 2; then
	pass "dial-out session established (OCRQ, OCRP, OCCN)"
else
	fail "dial-out session"
fi
grep -E "O OCRQ|I OCRP|I OCCN|wait-connect to established" "$T/LNS.log" | sed 's/^/     LNS| /' | head -6

say "LAC# show vpdn"
ctl LAC show vpdn | sed 's/^/   /'
say "LNS# show vpdn"
ctl LNS show vpdn | sed 's/^/   /'
for node in LAC LNS; do
	n=$(ctl "$node" --json show vpdn | python3 -c '
import json, sys
d = json.load(sys.stdin); print(len(d["tunnels"]), len(d["sessions"]))')
	[ "$n" = "1 2" ] && pass "$node: one tunnel, two sessions" || fail "$node: expected 1 tunnel 2 sessions, got $n"
done
grep -q l2tptunnel "$T/LAC.log" "$T/LNS.log" && fail "a secret appeared in a log" || pass "no secret in any log"

say "Not yet in this demo: ISDN calls through the simulated network, PPP to the users, TUN interfaces and the pings (they arrive with the isdn, dialer and ip integration)"
say "Teardown"
ctl LAC shutdown >/dev/null 2>&1 && ctl LNS shutdown >/dev/null 2>&1 && pass "both nodes shut down cleanly" ||
	fail "shutdown"
printf '\n%d passed, %d failed\n' "$steps_ok" "$steps_failed"
[ "$steps_failed" -eq 0 ]
