#!/bin/bash
# SPDX-License-Identifier: MIT
# Issue #18: DHCPv6 prefix delegation in the reference scenario, dual
# stack (tests/scenario/test-ipv6.sh's set-up), in the scenario's network
# namespaces plus host1, a LAN behind remote1 (veth lan0 <-> eth0).
# The LNS runs the dhcpv6 module with pool 2001:db8:100::/40 handing out
# /56s on Virtual-Template1; remote1's Dialer1 asks for one
# (dhcpv6-client-pd, IOS `ipv6 dhcp client pd PD`) and numbers lan0 with
# ::1/64 of its first /64 (IOS `ipv6 address PD ::1/64`).
#
#  1. remote1 dials (IPv4 interesting traffic); IPv6CP, the RA, then
#     DHCPv6: the LNS delegates 2001:db8:100::/56 and routes it to vi1;
#     remote1 puts 2001:db8:100::1/64 on lan0.
#  2. remote1 advertises the /64 on lan0 (RA): host1 configures an
#     address in it by SLAAC with remote1 as default router, pings local1
#     (2001:db8:1020::32) with ping -6 from it, and local1 pings host1
#     back; 2001:db8:100::2/64 is added by hand for step 5.
#  3. The session ends (clear vpdn tunnel at the LNS): the delegated
#     prefix's route is gone at the LNS, lan0's address at remote1, and the
#     LNS's lease was ended (dhcpv6_leases_ended_total).
#  4. tshark decodes the DHCPv6 exchange captured on remote1's dialer1
#     (Solicit with Rapid Commit, Reply) with no malformed packet.
#  5. Shared-TUN mode at the LNS (`ip { mode = "shared" }`): every session
#     behind vpdn0, told apart by its peer's link-local address; the
#     prefix is delegated and routed on vpdn0, host1 pings local1 again.
if [ "$(id -u)" -ne 0 ]; then echo "SKIP: needs root (network namespaces)"; exit 77; fi
[ -c /dev/net/tun ] || { echo "SKIP: no /dev/net/tun"; exit 77; }
command -v dbus-daemon >/dev/null || { echo "SKIP: no dbus-daemon"; exit 77; }

. "$VPDND_SOURCE_ROOT/tests/integration/lib.sh"
. "$VPDND_SOURCE_ROOT/scripts/netns.sh"
export VPDND_MODULE_PATH="$VPDND_BUILD_ROOT/modules/isdn-switch"
export VPDND_ISDN_SOCKET="$T/isdn.sock"
ETC="$VPDND_SOURCE_ROOT/etc"
P=v6pd$$

pd_cleanup() {
	trap - EXIT INT TERM
	[ -n "${CAP_PID:-}" ] && kill "$CAP_PID" 2>/dev/null
	_lib_cleanup
	ip netns del "$P-host1" 2>/dev/null || true
	scenario_net_down "$P"
}
trap pd_cleanup EXIT
trap 'exit 130' INT TERM

bus_of() { local v="BUS_$1"; printf '%s' "${!v}"; }
ctl() { local node=$1; shift; in_ns "$P" "$node" "$VPDNCTL" --bus "$(bus_of "$node")" -n "$node" "$@"; }
pings() { # pings NODE ARGS...: at least one reply; requests 0.2 s apart until 3 replies, within 4 s
	in_ns "$P" "$1" ping -c 3 -i 0.2 -w 4 "${@:2}" >"$T/ping.txt" 2>&1
	local r=$?
	sed 's/^/#   /' "$T/ping.txt" | tail -n 2
	grep -qE ' [1-9][0-9]* received' "$T/ping.txt" || return 1
	return $r
}
lan_has() { in_ns "$P" remote1 ip -6 -o addr show dev lan0 scope global | grep -q "$1"; }
lns_routes() { in_ns "$P" LNS ip -6 route show | grep -q "$1"; }

start_node_bus() {
	netns_bus "$P" "$1" "$T/bus-$1" || return 1
	NODE_PIDS[bus-$1]=$NETNS_BUS_PID
}
DBG=(-d "dialer events" -d "ppp negotiation" -d "vpdn events" -d "ip events")
launch() { # NODE CONF: vpdnd itself in the background ($! is vpdnd)
	ip netns exec "$P-$1" "$VPDND" -c "$2" --bus "$(bus_of "$1")" "${DBG[@]}" >>"$T/$1.log" 2>&1 &
	NODE_PIDS[$1]=$!
	wait_s 10 ctl "$1" show version
}

# --- configs: etc/'s, with dhcpv6 added at the LNS and remote1 ---------------
for f in isdn-network lac lns remote1; do
	install -m 600 "$ETC/$f.conf" "$T/$f.conf"
done
sed -i 's/^\(modules = {.*\)"ip"/\1"dhcpv6", "ip"/' "$T/lns.conf" "$T/remote1.conf"
cat >>"$T/lns.conf" <<'EOF2'
# ipv6 dhcp pool SUBS / prefix-delegation pool: /56s out of a /40
dhcpv6-pool "subs" {
  prefix = "2001:db8:100::/40"
  assign-length = 56
  dns = {"2001:db8:1020::53"}
}
EOF2
sed -i 's/^\(interface "Virtual-Template1" {\)$/\1\n  dhcpv6-server = "subs"/' "$T/lns.conf"
sed -i 's/^\(interface "Dialer1" {\)$/\1\n  dhcpv6-client-pd = "PD"\n  dhcpv6-client-pd-interface = "lan0"\n  dhcpv6-client-pd-address = "::1\/64"/' "$T/remote1.conf"
{ cat "$T/lns.conf"; echo 'ip { mode = "shared" }'; } >"$T/lns-shared.conf"
chmod 600 "$T/lns-shared.conf"
check "lns.conf: dhcpv6 loaded, Virtual-Template1 serves pool subs" \
	grep -q 'dhcpv6-server = "subs"' "$T/lns.conf"
check "remote1.conf: dhcpv6 before ip" grep -q '"dhcpv6", "ip"}' "$T/remote1.conf"
check "remote1.conf: Dialer1 asks for a prefix" grep -q 'dhcpv6-client-pd = "PD"' "$T/remote1.conf"
for f in isdn-network lac lns lns-shared remote1; do
	ok "$f.conf passes --check" "$VPDND" -c "$T/$f.conf" --check
done

check "namespaces up" scenario_net_up "$P"
# host1: a LAN behind remote1
ok "host1's namespace" ip netns add "$P-host1"
in_ns "$P" host1 ip link set lo up
ip link add "$P-l0" netns "$P-remote1" type veth peer name "$P-h0" netns "$P-host1"
in_ns "$P" remote1 ip link set "$P-l0" name lan0
in_ns "$P" host1 ip link set "$P-h0" name eth0
in_ns "$P" remote1 sysctl -qw net.ipv6.conf.lan0.accept_dad=0
in_ns "$P" host1 sysctl -qw net.ipv6.conf.eth0.accept_dad=0
in_ns "$P" remote1 ip link set lan0 up
in_ns "$P" host1 ip link set eth0 up
in_ns "$P" remote1 sysctl -qw net.ipv6.conf.all.forwarding=1

for node in LNS LAC remote1; do
	start_node_bus "$node" || { _fail "dbus-daemon for $node"; finish; }
done
ip netns exec "$P-isdn" "$VPDND" -c "$T/isdn-network.conf" --no-bus >"$T/isdn-network.log" 2>&1 &
NODE_PIDS[isdn-network]=$!
check "ISDN network listens" wait_s 10 test -S "$VPDND_ISDN_SOCKET"
for node in LNS LAC remote1; do
	conf=$(echo "$node" | tr A-Z a-z)
	check "$node starts" launch "$node" "$T/$conf.conf" || true
done
check "LAC's E1 0 registered" wait_s 10 in_log LAC "E1 0: registered"
check "remote1's BRI 0 registered" wait_s 10 in_log remote1 "BRI 0: registered"

# capture the dial on remote1's dialer1 (its TUN exists before the call)
CAP_PID=""
if command -v tshark >/dev/null; then
	ip netns exec "$P-remote1" tshark -q -n -i dialer1 -w "$T/remote1.pcap" >"$T/tshark.log" 2>&1 &
	CAP_PID=$!
	wait_s 10 grep -q "Capturing on" "$T/tshark.log"
fi

# --- 1. dial, IPv6CP, DHCPv6 ---------------------------------------------------
check "dial-in: remote1 pings local1 (IPv4)" wait_s 30 pings remote1 -I 17.17.17.1 17.17.17.3
check "LNS: prefix delegated to remote1" \
	wait_s 30 in_log LNS "DHCPv6: delegated 2001:db8:100::/56 to remote1@cisco.com"
check "LNS: 2001:db8:100::/56 routed to vi1" wait_s 10 lns_routes "2001:db8:100::/56.* dev vi1"
check "remote1: got the prefix" in_log remote1 "DHCPv6: got prefix 2001:db8:100::/56"
check "remote1: 2001:db8:100::1/64 on lan0" wait_s 10 lan_has "2001:db8:100::1/64"
lacks "remote1: the kernel's MLD on idle dialer1 did not ask to dial" "$(cat "$T/remote1.log")" "interesting traffic to ff02::"
check "LNS: dhcpv6_leases_bound_total 1" [ "$(metric LNS dhcpv6_leases_bound_total)" = 1 ]
check "LNS: nothing dropped" [ "$(metric LNS dhcpv6_unknown_source_total)" = 0 ] &&
	[ "$(metric LNS dhcpv6_malformed_total)" = 0 ]
run ctl LNS show users
contains "LNS show users: the delegated prefix" "$OUT" "delegated 2001:db8:100::/56"
run ctl LNS --json show users
check "LNS show users --json: ipv6_delegated" python3 -c '
import json, sys
u = [r for r in json.loads(sys.argv[1]) if r.get("ipv6_delegated") == "2001:db8:100::/56"]
assert u and u[0]["user"] == "remote1@cisco.com", sys.argv[1]
' "$OUT"
run ctl LNS show ipv6 dhcp binding
contains "LNS show ipv6 dhcp binding: the prefix" "$OUT" "Prefix: 2001:db8:100::/56"
contains "LNS show ipv6 dhcp binding: remote1's session" "$OUT" "Client: remote1@cisco.com (Vi"
run ctl LNS --json show ipv6 dhcp binding
check "LNS show ipv6 dhcp binding --json: BOUND, lifetimes" python3 -c '
import json, sys
b = json.loads(sys.argv[1])
assert len(b) == 1 and b[0]["prefix"] == "2001:db8:100::/56", b
assert b[0]["state"] == "BOUND" and b[0]["valid_lifetime"] > 0, b
assert 0 < b[0]["expires_in"] <= b[0]["valid_lifetime"], b
' "$OUT"

# --- 2. a host in the delegated prefix reaches local1 -------------------------
# remote1's RAs on lan0 for the /64: host1 configures itself (SLAAC) and
# takes remote1 (its link-local address) as default router
check "host1: a SLAAC address in 2001:db8:100::/64 from remote1's RA" wait_s 20 bash -c \
	"ip netns exec $P-host1 ip -6 -o addr show dev eth0 scope global dynamic | grep -q 'inet6 2001:db8:100:'"
H1=$(ip netns exec "$P-host1" ip -6 -o addr show dev eth0 scope global dynamic |
	sed -n 's/.*inet6 \(2001:db8:100:[0-9a-f:]*\)\/64.*/\1/p' | head -1)
check "host1: default route via remote1's link-local (RA)" bash -c \
	"ip netns exec $P-host1 ip -6 route show default | grep -q 'via fe80::.* dev eth0 proto ra'"
check "ping -6 host1 ($H1, SLAAC) -> local1 (2001:db8:1020::32)" \
	wait_s 15 pings host1 -6 -I "$H1" 2001:db8:1020::32
check "ping -6 local1 -> host1 ($H1, SLAAC)" pings local1 -6 "$H1"
ok "host1: 2001:db8:100::2/64" in_ns "$P" host1 ip -6 addr add 2001:db8:100::2/64 dev eth0
check "ping -6 host1 (2001:db8:100::2) -> local1 (2001:db8:1020::32)" \
	wait_s 15 pings host1 -6 -I 2001:db8:100::2 2001:db8:1020::32
check "ping -6 local1 -> host1 (2001:db8:100::2)" pings local1 -6 2001:db8:100::2

# --- 3. the session ends: route, lease and LAN address go ---------------------
TID=$(ctl LNS --json show vpdn | python3 -c '
import json, sys; print(json.load(sys.stdin)["tunnels"][0]["local_id"])' 2>/dev/null)
ok "LNS: clear vpdn tunnel l2tp $TID (the session ends)" ctl LNS clear vpdn tunnel l2tp "$TID"
check "LNS: the delegated prefix's route is gone" wait_s 20 bash -c \
	"! ip netns exec $P-LNS ip -6 route show | grep -q 2001:db8:100::/56"
check "LNS: the lease's end is logged" wait_s 10 in_log LNS "2001:db8:100::/56 no longer delegated: session down"
check "LNS: dhcpv6_leases_ended_total 1" [ "$(metric LNS dhcpv6_leases_ended_total)" = 1 ]
run ctl LNS --json show ipv6 dhcp binding
check "LNS show ipv6 dhcp binding: none left" [ "$OUT" = "[]" ]
check "host1: the RA default route is gone (router lifetime 0)" wait_s 10 bash -c \
	"! ip netns exec $P-host1 ip -6 route show default | grep -q 'proto ra'"
check "remote1: lan0's address is gone" wait_s 10 bash -c "! ip netns exec $P-remote1 ip -6 -o addr show dev lan0 scope global | grep -q 2001:db8:100::1"
check "LNS still runs" kill -0 "${NODE_PIDS[LNS]}"
check "remote1 still runs" kill -0 "${NODE_PIDS[remote1]}"

# --- 4. tshark decodes the exchange --------------------------------------------
if [ -n "$CAP_PID" ]; then
	kill "$CAP_PID" 2>/dev/null
	wait "$CAP_PID" 2>/dev/null
	CAP_PID=""
	run tshark -n -r "$T/remote1.pcap" -Y dhcpv6 -T fields -e dhcpv6.msgtype
	echo "# DHCPv6 message types on dialer1: $(echo $OUT)"
	check "tshark: a Solicit (1) and a Reply (7)" bash -c '[[ "$1" == *1* && "$1" == *7* ]]' _ "$OUT"
	run tshark -n -r "$T/remote1.pcap" -Y "dhcpv6.option.type == 14"
	check "tshark: Rapid Commit in Solicit and Reply" [ "$(printf '%s\n' "$OUT" | grep -c .)" -ge 2 ]
	run tshark -n -r "$T/remote1.pcap" -Y "dhcpv6.iaprefix.pref_addr == 2001:db8:100::"
	check "tshark: the IAPREFIX 2001:db8:100::/56" [ -n "$OUT" ]
	run tshark -n -r "$T/remote1.pcap" -Y "_ws.malformed || _ws.expert.severity == error"
	check "tshark: no malformed packet" [ -z "$OUT" ]
else
	echo "# tshark not installed: the decode checks are skipped"
fi

# --- 5. shared-TUN mode at the LNS -------------------------------------------
kill -TERM "${NODE_PIDS[LNS]}"
wait "${NODE_PIDS[LNS]}" 2>/dev/null
unset "NODE_PIDS[LNS]"
check "LNS (shared mode) starts" launch LNS "$T/lns-shared.conf"
check "remote1's call is down" wait_s 15 bash -c "! ip netns exec $P-remote1 ip -6 -o addr show dev lan0 scope global | grep -q 2001:db8:100::1"
check "dial-in again: remote1 pings local1 (IPv4)" wait_s 30 pings remote1 -I 17.17.17.1 17.17.17.3
check "LNS (shared): prefix delegated again" \
	wait_s 30 bash -c "[ \$(grep -c 'DHCPv6: delegated 2001:db8:100::/56 to remote1@cisco.com' $T/LNS.log) -ge 2 ]"
check "LNS (shared): 2001:db8:100::/56 routed to vpdn0" wait_s 10 lns_routes "2001:db8:100::/56.* dev vpdn0"
check "remote1: 2001:db8:100::1/64 on lan0 again" wait_s 10 lan_has "2001:db8:100::1/64"
check "ping -6 host1 -> local1 (shared)" wait_s 15 pings host1 -6 -I 2001:db8:100::2 2001:db8:1020::32
check "LNS (shared): nothing dropped" [ "$(metric LNS dhcpv6_unknown_source_total)" = 0 ]
finish
