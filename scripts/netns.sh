# The reference network of docs/SCENARIO.md in network namespaces.
# Sourced by scripts/demo.sh and the scenario tests.
#   scenario_net_up PREFIX     create PREFIX-remote1 ... PREFIX-local1 and
#                              PREFIX-isdn (the ISDN network's node), wired
#   scenario_net_down PREFIX   delete them (safe to call twice)
#   in_ns PREFIX NODE CMD...   run CMD in a node's namespace
#   netns_bus PREFIX NODE DIR  a private dbus-daemon in that namespace
#
# LAC and LNS share a point-to-point link (Serial0: 18.18.18.6/30 and
# 18.18.18.5/30, a veth pair); LNS and local1 share an Ethernet
# (10.200.20.24/24 and 10.200.20.32/24). Loopbacks carry the scenario's
# addresses. remote1 and remote2 have only their loopbacks: they reach the
# others through ISDN calls and PPP. remote3 and the LAC share an Ethernet
# with no IP address on it (ethernet0 and ethernet1, a veth pair): remote3
# reaches the LAC over PPPoE. The ISDN network node has only lo:
# nodes reach it on a UNIX socket (paths are shared across namespaces).

scenario_nodes="remote1 remote2 remote3 LAC LNS local1 isdn"

in_ns() {
	_p=$1; _n=$2; shift 2
	ip netns exec "$_p-$_n" "$@"
}

scenario_net_down() {
	for _n in $scenario_nodes; do
		ip netns del "$1-$_n" 2>/dev/null || true
	done
}

scenario_net_up() {
	_p=$1
	scenario_net_down "$_p"
	for _n in $scenario_nodes; do
		ip netns add "$_p-$_n" || return 1
		in_ns "$_p" "$_n" ip link set lo up || return 1
	done
	in_ns "$_p" remote1 ip addr add 17.17.17.1/32 dev lo
	in_ns "$_p" remote2 ip addr add 17.17.17.2/32 dev lo
	in_ns "$_p" remote3 ip addr add 17.17.17.4/32 dev lo
	in_ns "$_p" LAC ip addr add 18.18.18.1/32 dev lo
	in_ns "$_p" LNS ip addr add 18.18.18.2/32 dev lo
	in_ns "$_p" local1 ip addr add 17.17.17.3/32 dev lo

	# LAC Serial0 <-> LNS Serial0
	ip link add "$_p-s0a" netns "$_p-LAC" type veth peer name "$_p-s0b" netns "$_p-LNS" || return 1
	in_ns "$_p" LAC ip link set "$_p-s0a" name serial0
	in_ns "$_p" LNS ip link set "$_p-s0b" name serial0
	in_ns "$_p" LAC ip addr add 18.18.18.6/30 dev serial0
	in_ns "$_p" LNS ip addr add 18.18.18.5/30 dev serial0
	in_ns "$_p" LAC ip link set serial0 up
	in_ns "$_p" LNS ip link set serial0 up
	# remote3 Ethernet0 <-> LAC Ethernet1: PPPoE only
	ip link add "$_p-e1a" netns "$_p-LAC" type veth peer name "$_p-e1b" netns "$_p-remote3" || return 1
	in_ns "$_p" LAC ip link set "$_p-e1a" name ethernet1
	in_ns "$_p" remote3 ip link set "$_p-e1b" name ethernet0
	in_ns "$_p" LAC ip link set ethernet1 up
	in_ns "$_p" remote3 ip link set ethernet0 up
	# LNS Ethernet0 <-> local1 Ethernet0
	ip link add "$_p-e0a" netns "$_p-LNS" type veth peer name "$_p-e0b" netns "$_p-local1" || return 1
	in_ns "$_p" LNS ip link set "$_p-e0a" name ethernet0
	in_ns "$_p" local1 ip link set "$_p-e0b" name ethernet0
	in_ns "$_p" LNS ip addr add 10.200.20.24/24 dev ethernet0
	in_ns "$_p" local1 ip addr add 10.200.20.32/24 dev ethernet0
	in_ns "$_p" LNS ip link set ethernet0 up
	in_ns "$_p" local1 ip link set ethernet0 up

	# Static routes of the seed's configs.
	in_ns "$_p" LAC ip route add 18.18.18.2/32 via 18.18.18.5
	in_ns "$_p" LNS ip route add 18.18.18.1/32 via 18.18.18.6
	in_ns "$_p" LNS ip route add 17.17.17.3/32 via 10.200.20.32
	in_ns "$_p" local1 ip route add default via 10.200.20.24 src 17.17.17.3
	# IPv6 (dual stack): LNS Ethernet0 2001:db8:1020::24/64, local1
	# 2001:db8:1020::32/64 (nodad: usable at once), local1's default via
	# the LNS; the sessions' /64s are the LNS's ipv6-pool 2001:db8:17::/48.
	in_ns "$_p" LNS ip -6 addr add 2001:db8:1020::24/64 dev ethernet0 nodad
	in_ns "$_p" local1 ip -6 addr add 2001:db8:1020::32/64 dev ethernet0 nodad
	in_ns "$_p" local1 ip -6 route add default via 2001:db8:1020::24
	# LNS forwards between its interfaces.
	in_ns "$_p" LNS sysctl -qw net.ipv4.ip_forward=1
	in_ns "$_p" LNS sysctl -qw net.ipv6.conf.all.forwarding=1
	return 0
}

# netns_bus PREFIX NODE DIR: a private dbus-daemon for NODE inside its
# namespace, listening in DIR (created). Sets BUS_<NODE> to its address and
# NETNS_BUS_PID to its pid (the caller stops it).
netns_bus() {
	_p=$1; _n=$2; _d=$3
	mkdir -p "$_d" && chmod 755 "$_d"
	cat >"$_d/bus.conf" <<CONF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:dir=$_d</listen>
  <auth>EXTERNAL</auth>
  <policy context="default"><allow send_destination="*"/><allow receive_sender="*"/><allow own="*"/><allow user="*"/></policy>
</busconfig>
CONF
	in_ns "$_p" "$_n" dbus-daemon --config-file="$_d/bus.conf" --fork --print-address=3 \
		--print-pid=4 3>"$_d/address" 4>"$_d/pid" || return 1
	NETNS_BUS_PID=$(cat "$_d/pid")
	eval "BUS_$_n=\$(head -n1 \"\$_d/address\")"
}
