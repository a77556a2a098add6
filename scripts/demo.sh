#!/bin/bash
# make demo: the reference scenario of docs/SCENARIO.md, end to end,
# with the real modules and the configs in etc/.
#
#   remote1 --ISDN-----\
#   remote2 --ISDN------ LAC ==L2TP== LNS --Ethernet-- local1
#   remote3 --PPPoE----/
#
# Seven network namespaces (scripts/netns.sh): the six routers and the
# simulated ISDN network. vpdnd runs as isdn-network (etc/isdn-network.conf),
# remote1, remote2, remote3, LAC and LNS (etc/<node>.conf), each on a private D-Bus
# in its own namespace; vpdnctl runs there too, as an operator logs into
# each router. The only thing changed in the configs is where the ISDN
# network's socket is (VPDND_ISDN_SOCKET, a temporary directory).
#
# Dial-in: remote1 pings local1's loopback; the first packet dials 8211,
# the LAC forwards remote1@cisco.com to the LNS, replies come back.
# PPPoE: remote3 pings local1's loopback; the first packet dials Dialer1
# over PPPoE on its Ethernet (PADI ... PADS with the LAC's bba-group), the
# LAC forwards remote3@cisco.com over the same tunnel, replies come back.
# Dial-out: local1 pings remote2; the LNS dials 6121 through the LAC over
# the same tunnel, remote2 answers, replies come back.
#
# Exit status 0 only if every step passed. Everything it creates
# (namespaces, processes, TUN devices, files) is removed on exit, Ctrl-C
# included.
set -u
BUILD=${1:-build}
TOP=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$(cd "$BUILD" && pwd)
VPDND="$BUILD/core/vpdnd"
VPDNCTL="$BUILD/tools/vpdnctl/vpdnctl"
# isdn-switch.so (modules/isdn-switch) and the other modules are found in
# the build tree; the isdn-switch first, as before.
export VPDND_MODULE_PATH="$BUILD/modules/isdn-switch"
. "$TOP/scripts/netns.sh"

if [ "$(id -u)" -ne 0 ]; then
	echo "demo: needs root (network namespaces, TUN); run: sudo make demo" >&2
	exit 1
fi

P=vdemo$$
T=$(mktemp -d /tmp/vpdnd-demo.XXXXXX)
chmod 755 "$T"
export VPDND_ISDN_SOCKET="$T/isdn.sock"
PIDS=()
steps_ok=0
steps_failed=0

cleanup() {
	trap - EXIT INT TERM
	local pid
	for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null; done
	for pid in "${PIDS[@]}"; do
		for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
		kill -KILL "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	done
	scenario_net_down "$P"
	[ -n "${KEEP_TMP:-}" ] && echo "demo: kept $T" || rm -rf "$T"
	left=$(ip netns list | grep -c "^$P-" || true)
	[ "$left" -eq 0 ] || echo "demo: warning: $left namespaces left behind" >&2
}
trap cleanup EXIT
trap 'echo; echo "demo: interrupted"; exit 130' INT TERM

say() { printf '\n== %s\n' "$*"; }
note() { printf '   %s\n' "$*"; }
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
logs() { # logs NODE REGEX [MAX]: the interesting debug lines of a node
	grep -E -- "$2" "$T/$1.log" | sed "s/^/     $1| /" | head -n "${3:-12}"
}
in_log() { grep -q -E -- "$2" "$T/$1.log"; }
vpdn_counts() { # NODE -> "tunnels sessions usernames"
	ctl "$1" --json show vpdn | python3 -c '
import json, sys
d = json.load(sys.stdin)
print(len(d["tunnels"]), len(d["sessions"]),
      ",".join(sorted(s.get("username") or "-" for s in d["sessions"])))'
}

say "Network: remote1, remote2, remote3, LAC, LNS, local1 and the ISDN network in namespaces $P-*"
if scenario_net_up "$P" && in_ns "$P" LAC ping -q -c1 -W2 -I 18.18.18.1 18.18.18.2 >/dev/null; then
	pass "LAC Serial0 18.18.18.6/30 <-> LNS Serial0 18.18.18.5/30; LAC 18.18.18.1 reaches LNS 18.18.18.2"
else
	fail "network set-up"; exit 1
fi
in_ns "$P" local1 ping -q -c1 -W2 18.18.18.2 >/dev/null && pass "local1 10.200.20.32 reaches the LNS over Ethernet0" ||
	fail "local1 -> LNS"

# Each node gets its own D-Bus inside its namespace.
start_bus() { # start_bus NODE: sets BUS_<NODE>
	netns_bus "$P" "$1" "$T/bus-$1" || return 1
	PIDS+=("$NETNS_BUS_PID")
}

NODES="LNS LAC remote1 remote2 remote3"
say "D-Bus: a private bus in each router's namespace"
for node in $NODES; do
	start_bus "$node" && pass "$node's bus" || { fail "dbus-daemon for $node"; exit 1; }
done

# The configs are etc/'s; copies so they are private (mode 600).
for f in isdn-network lac lns remote1 remote2 remote3; do
	install -m 600 "$TOP/etc/$f.conf" "$T/$f.conf"
done
DBG=(-d "isdn events" -d "dialer events" -d "ppp negotiation" -d "ppp authentication"
	-d "vpdn events" -d "vpdn l2x-events" -d "vpdn l2x-errors" -d "vtemplate" -d "ip events"
	-d "pppoe events")

say "Nodes: the ISDN network, then vpdnd as LNS, LAC, remote1, remote2 and remote3 (etc/*.conf)"
# ip netns exec execs vpdnd, so $! is vpdnd itself.
ip netns exec "$P-isdn" "$VPDND" -c "$T/isdn-network.conf" --no-bus >"$T/isdn-network.log" 2>&1 &
PIDS+=("$!")
if wait_for 10 test -S "$VPDND_ISDN_SOCKET"; then
	pass "ISDN network listening on $VPDND_ISDN_SOCKET"
else
	fail "ISDN network did not start:"; sed 's/^/     /' "$T/isdn-network.log"; exit 1
fi
for node in $NODES; do
	conf=$(echo "$node" | tr A-Z a-z)
	ip netns exec "$P-$node" "$VPDND" -c "$T/$conf.conf" --bus "$(bus_of "$node")" "${DBG[@]}" \
		>"$T/$node.log" 2>&1 &
	PIDS+=("$!")
	if wait_for 10 ctl "$node" show version; then
		pass "$node up as org.vpdnd.Node.$node"
	else
		fail "$node did not start:"; sed 's/^/     /' "$T/$node.log"; exit 1
	fi
done
for n in "LAC:E1 0" "remote1:BRI 0" "remote2:BRI 0"; do
	node=${n%%:*} port=${n#*:}
	wait_for 10 in_log "$node" "$port: registered" && pass "$node's $port registered with the ISDN network" ||
		fail "$node's $port did not register"
done

say "Dial-in: remote1# ping 17.17.17.3 source 17.17.17.1 (local1's loopback)"
note "The first packet is interesting traffic on remote1's Dialer1: it dials 8211;"
note "the LAC answers on the PRI, challenges as LAC, forwards remote1@cisco.com"
note "(domain cisco.com -> vpdn-group 1) to the LNS, which authenticates it and runs IPCP."
in_ns "$P" remote1 ping -c 5 -W 2 -I 17.17.17.1 17.17.17.3 >"$T/ping-in.txt" 2>&1
sed 's/^/     remote1| /' "$T/ping-in.txt" | tail -n 3
if grep -qE ' [1-9][0-9]* received' "$T/ping-in.txt"; then
	pass "remote1 17.17.17.1 reaches local1 17.17.17.3 over ISDN + L2TP"
else
	fail "dial-in ping"
fi
logs remote1 "DDR: (Dialing cause|Attempting to dial)|IPCP: State is Open|dialer protocol up" 4
logs LAC "Incoming call|Phase is FORWARDING|O SCCRQ|Tunnel Authentication success|O ICRQ|O ICCN|wait-reply to established|tunnel-password" 10
logs LNS "I SCCRQ|Tunnel Authentication success|I ICCN|VTEMPLATE: Clone|FORCED CONFREQ|AUTH-LOCAL|CHAP: O SUCCESS|IPCP: State is Open|Install route" 10

say "Dual stack: remote1# ping 2001:db8:1020::32, local1# ping remote1's IPv6 address"
note "IPv6CP opened beside IPCP on the same call; the LNS's Vi1 got fe80::<its id> and"
note "the /64 2001:db8:17::/64 from Virtual-Template1's ipv6-pool, and advertised it (RA);"
note "remote1 took 2001:db8:17::<its id> and the default route from the RA."
g6=""
for _ in $(seq 1 50); do
	g6=$(in_ns "$P" remote1 ip -6 -o addr show dev dialer1 scope global 2>/dev/null |
		awk '{ sub("/.*", "", $4); print $4; exit }')
	[ -n "$g6" ] && break
	sleep 0.2
done
if [ -n "$g6" ]; then
	pass "remote1 learned $g6/64 on Dialer1 from the LNS's Router Advertisement"
else
	fail "remote1 has no IPv6 address from the RA"
fi
in_ns "$P" remote1 ping -6 -c 3 -W 2 2001:db8:1020::32 >"$T/ping6-in.txt" 2>&1
sed 's/^/     remote1| /' "$T/ping6-in.txt" | tail -n 3
if grep -qE ' [1-9][0-9]* received' "$T/ping6-in.txt"; then
	pass "remote1 ${g6:-?} reaches local1 2001:db8:1020::32 over IPv6"
else
	fail "IPv6 ping remote1 -> local1"
fi
in_ns "$P" local1 ping -6 -c 3 -W 2 "${g6:-2001:db8:17::1}" >"$T/ping6-out.txt" 2>&1
sed 's/^/     local1| /' "$T/ping6-out.txt" | tail -n 3
if grep -qE ' [1-9][0-9]* received' "$T/ping6-out.txt"; then
	pass "local1 2001:db8:1020::32 reaches remote1 ${g6:-?} over IPv6"
else
	fail "IPv6 ping local1 -> remote1"
fi
logs LNS "IPV6CP: State is Open|Vi1 IPv6: prefix|Vi1 IPv6: Router Advertisement sent" 4
logs remote1 "IPV6CP: State is Open|IPv6: address .* from the Router Advertisement" 3
say "LNS# show interfaces Virtual-Access1 (IPv6)"
ctl LNS show interfaces Virtual-Access1 | grep -E "IPv6|is up" | sed 's/^/   /'

say "Dial-out: local1# ping 17.17.17.2 (remote2's loopback)"
note "The LNS routes 17.17.17.2 to Dialer2 (dialer vpdn, pool 1): it sends OCRQ for 6121"
note "over the existing tunnel; the LAC dials 6121 through rotary group 1, remote2 answers,"
note "challenges the LNS by CHAP (the LNS answers as LNS), IPCP runs."
in_ns "$P" local1 ping -c 5 -W 2 17.17.17.2 >"$T/ping-out.txt" 2>&1
sed 's/^/     local1| /' "$T/ping-out.txt" | tail -n 3
if grep -qE ' [1-9][0-9]* received' "$T/ping-out.txt"; then
	pass "local1 17.17.17.3 reaches remote2 17.17.17.2 through a dial-out call"
else
	fail "dial-out ping"
fi
logs LNS "Dialing cause|Attempting to dial|O OCRQ|I OCRP|I OCCN|No remote authentication|CHAP: I CHALLENGE|CHAP: O RESPONSE|Di2 .*Install route|dialer protocol up" 10
logs LAC "I OCRQ|rotor dialout|Attempting to dial 6121|wait-cs-answer to established|O OCCN" 6
logs remote2 "Incoming call|CHAP: O CHALLENGE|AUTH-LOCAL|BIND|IPCP: State is Open" 6

say "PPPoE: remote3# ping 17.17.17.3 source 17.17.17.4 (local1's loopback)"
note "remote3's Dialer1 dials over PPPoE on its Ethernet0: PADI, PADO from the LAC's"
note "bba-group (with an AC-Cookie), PADR, PADS; the session is a call on the LAC's"
note "Virtual-Template1, which challenges as LAC and forwards remote3@cisco.com to the"
note "LNS over the tunnel remote1's call opened, as for an ISDN call."
wait_for 10 in_log LAC "ethernet1 PPPoE: access concentrator" ||
	note "(the LAC's ethernet1 is not up yet)"
in_ns "$P" remote3 ping -c 5 -W 2 -I 17.17.17.4 17.17.17.3 >"$T/ping-pppoe.txt" 2>&1
sed 's/^/     remote3| /' "$T/ping-pppoe.txt" | tail -n 3
if grep -qE ' [1-9][0-9]* received' "$T/ping-pppoe.txt"; then
	pass "remote3 17.17.17.4 reaches local1 17.17.17.3 over PPPoE + L2TP"
else
	fail "PPPoE ping"
fi
logs remote3 "DDR: (Dialing cause|Attempting to dial)|PPPoE: PPPoE[0-9]+ (dialing|up)|IPCP: State is Open" 4
logs LAC "PPPoE: PPPoE[0-9]+ session|Phase is FORWARDING|O ICRQ|O ICCN" 6
logs LNS "I ICCN|VTEMPLATE: Clone|AUTH-LOCAL: .*remote3|IPCP: State is Open" 6
say "LAC# show pppoe sessions"
ctl LAC show pppoe sessions | sed 's/^/   /'

say "LAC# show vpdn"
ctl LAC show vpdn | sed 's/^/   /'
say "LNS# show vpdn"
ctl LNS show vpdn | sed 's/^/   /'
for node in LAC LNS; do
	n=$(vpdn_counts "$node")
	case "$n" in
	"1 3 "*remote1@cisco.com*remote3@cisco.com*)
		pass "$node: one tunnel, three sessions (remote1@cisco.com, remote3@cisco.com over PPPoE, the dial-out)" ;;
	*) fail "$node: expected 1 tunnel, 3 sessions with remote1@cisco.com and remote3@cisco.com; got '$n'" ;;
	esac
done
if grep -qE '(^|[^@\w.])cisco([^.@\w]|$)|l2tptunnel' "$T"/*.log; then
	fail "a secret appeared in a log"
else
	pass "no secret in any log (tunnel password shown as xxxxxx)"
fi

say "Teardown"
down_ok=true
for node in remote1 remote2 remote3 LAC LNS; do
	ctl "$node" shutdown >/dev/null 2>&1 || down_ok=false
done
$down_ok && pass "every node shut down cleanly" || fail "shutdown"
printf '\n%d passed, %d failed\n' "$steps_ok" "$steps_failed"
[ "$steps_failed" -eq 0 ]
