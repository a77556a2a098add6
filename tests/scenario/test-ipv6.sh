#!/bin/bash
# SPDX-License-Identifier: MIT
# Issue #18: the reference scenario dual stack, in the scenario's network
# namespaces (scripts/netns.sh) with etc/'s configs (Virtual-Template1
# and remote1's Dialer1 have ipv6-enable; Virtual-Template1 ipv6-pool
# 2001:db8:17::/48). remote1 dials the LAC over ISDN (an IPv4 ping: the
# interesting traffic), the LAC forwards it to the LNS (Vi1); IPCP and
# IPv6CP open on one link.
#
#  1. The LNS: vi1 has fe80::<our id>, a route to the peer's link-local
#     and the session's /64 from the pool; its RA reaches remote1.
#  2. remote1 (the client role): prefix::<its id>/64 on dialer1 from the
#     RA, and the default IPv6 route through dialer1.
#  3. ping -6 both ways over global addresses: remote1 -> local1's
#     2001:db8:1020::32, local1 -> remote1's learned address.
#  4. show interfaces and show users (text and --json) on the LNS show IPv6: link-local,
#     peer, prefix; the counters move (ip_ra_sent_total).
#  5. The session ends (clear vpdn tunnel at the LNS): the LNS's /64
#     route and vi1 are gone, and remote1's learned address.
#  6. The LNS again in shared mode (`ip { mode = "shared" }`): the /64 and
#     our fe80::/128 on vpdn0, ping -6 both ways (demux by destination).
if [ "$(id -u)" -ne 0 ]; then echo "SKIP: needs root (network namespaces)"; exit 77; fi
[ -c /dev/net/tun ] || { echo "SKIP: no /dev/net/tun"; exit 77; }
command -v dbus-daemon >/dev/null || { echo "SKIP: no dbus-daemon"; exit 77; }

. "$VPDND_SOURCE_ROOT/tests/integration/lib.sh"
. "$VPDND_SOURCE_ROOT/scripts/netns.sh"
export VPDND_MODULE_PATH="$VPDND_BUILD_ROOT/modules/isdn-switch"
export VPDND_ISDN_SOCKET="$T/isdn.sock"
ETC="$VPDND_SOURCE_ROOT/etc"
P=v6s$$

ipv6_cleanup() {
	trap - EXIT INT TERM
	_lib_cleanup
	scenario_net_down "$P"
}
trap ipv6_cleanup EXIT
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
global_of_remote1() { # remote1's global address on dialer1 (from the RA)
	in_ns "$P" remote1 ip -6 -o addr show dev dialer1 scope global 2>/dev/null |
		awk '{ sub("/.*", "", $4); print $4; exit }'
}
has_global() { [ -n "$(global_of_remote1)" ]; }

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

# --- configs: etc/'s as they are --------------------------------------------
for f in isdn-network lac lns remote1; do
	install -m 600 "$ETC/$f.conf" "$T/$f.conf"
done
check "etc/lns.conf: Virtual-Template1 runs IPv6 with a pool" \
	grep -qE '^  ipv6-pool = "2001:db8:17::/48"' "$T/lns.conf"
check "etc/remote1.conf: Dialer1 runs IPv6CP" grep -q "ipv6-enable = true" "$T/remote1.conf"
for f in isdn-network lac lns remote1; do
	ok "$f.conf passes --check" "$VPDND" -c "$T/$f.conf" --check
done

check "namespaces up" scenario_net_up "$P"
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

# --- dial (IPv4 interesting traffic), IPv6CP beside IPCP --------------------
check "dial-in: remote1 pings local1 (IPv4)" wait_s 30 pings remote1 -I 17.17.17.1 17.17.17.3
check "LNS: IPv6 up on Vi1 with a /64 from the pool" \
	wait_s 10 in_log LNS "Vi1 IPv6: prefix 2001:db8:17::/64 from the pool"

# --- 1. the LNS side ----------------------------------------------------------
run in_ns "$P" LNS ip -6 addr show dev vi1
contains "LNS: vi1 has its link-local address" "$OUT" "inet6 fe80::"
run in_ns "$P" LNS ip -6 route show dev vi1
contains "LNS: the session's /64 routed to vi1" "$OUT" "2001:db8:17::/64"
check "LNS: a route to the peer's link-local address" grep -qE "^fe80::[0-9a-f:]+ " <<<"$OUT"
check "LNS: RAs sent" [ "$(metric LNS ip_ra_sent_total)" -ge 1 ]

# --- 2. remote1 learns its address from the RA -----------------------------
check "remote1: a global address on dialer1 from the RA" wait_s 20 has_global
G=$(global_of_remote1)
echo "# remote1's global address: $G"
check "remote1: it is in the LNS's /64 (2001:db8:17::/64)" grep -qE "^2001:db8:17:(0:|:)" <<<"$G"
run in_ns "$P" remote1 ip -6 route show default
contains "remote1: default IPv6 route through dialer1" "$OUT" "dev dialer1"
run in_ns "$P" remote1 ip -6 route show 2001:db8:1020::/64
contains "remote1: its ipv6-route to local1's LAN through dialer1" "$OUT" "dev dialer1"
check "remote1: the RA was counted" [ "$(metric remote1 ip_ra_received_total)" -ge 1 ]

# --- 3. ping -6 both ways -----------------------------------------------------
check "ping -6 remote1 -> local1 (2001:db8:1020::32)" pings remote1 -6 2001:db8:1020::32
check "ping -6 local1 -> remote1 ($G)" pings local1 -6 "$G"

# --- 4. show interfaces --------------------------------------------------------
run ctl LNS show interfaces Virtual-Access1
contains "show interfaces: IPv6 link-local" "$OUT" "IPv6 is enabled, link-local address is fe80::"
contains "show interfaces: the peer's link-local" "$OUT" "IPv6 peer link-local address is fe80::"
contains "show interfaces: the prefix" "$OUT" "IPv6 prefix advertised 2001:db8:17::/64"
run ctl LNS --json show interfaces
check "show interfaces --json: ipv6prefix, ipv6state" python3 -c '
import json, sys
rows = json.loads(sys.argv[1])
rows = rows["interfaces"] if isinstance(rows, dict) else rows
vi = [r for r in rows if r.get("ipv6prefix") == "2001:db8:17::/64"]
assert vi and vi[0]["ipv6state"] in ("initial", "advertising"), rows
assert vi[0]["ipv6linklocal"].startswith("fe80::"), vi[0]
' "$OUT"
run ctl LNS show users
contains "show users: the user's IPv6 line with its prefix" "$OUT" "prefix 2001:db8:17::/64"
run ctl LNS --json show users
check "show users --json: ipv6_prefix, ipv6_link_local" python3 -c '
import json, sys
rows = json.loads(sys.argv[1])
u = [r for r in rows if r.get("ipv6_prefix") == "2001:db8:17::/64"]
assert u and u[0]["ipv6_link_local"].startswith("fe80::"), rows
assert u[0]["ipv6_state"] in ("initial", "advertising"), u[0]
' "$OUT"
run ctl remote1 show interfaces Dialer1
contains "remote1: show interfaces Dialer1 has the global address" "$OUT" "IPv6 global address $G/64"

# --- 5. the session ends: IPv6 state goes with it -----------------------------
TID=$(ctl LNS --json show vpdn | python3 -c '
import json, sys; print(json.load(sys.stdin)["tunnels"][0]["local_id"])' 2>/dev/null)
ok "LNS: clear vpdn tunnel l2tp $TID (the session ends)" ctl LNS clear vpdn tunnel l2tp "$TID"
check "LNS: the /64 route is gone" wait_s 20 bash -c \
	"! ip netns exec $P-LNS ip -6 route show | grep -q 2001:db8:17::/64"
check "LNS: vi1 is gone" wait_s 10 bash -c "! ip netns exec $P-LNS ip link show vi1"
check "remote1: its global address is gone" wait_s 10 bash -c \
	"[ -z \"\$(ip netns exec $P-remote1 ip -6 -o addr show dev dialer1 scope global)\" ]"
check "LNS still runs" kill -0 "${NODE_PIDS[LNS]}"

# --- 6. shared mode: one vpdn0 for every session, demux by destination -------
LNS_PID=${NODE_PIDS[LNS]}
kill -TERM "$LNS_PID"
wait "$LNS_PID" 2>/dev/null
unset "NODE_PIDS[LNS]"
{ cat "$T/lns.conf"; echo 'ip { mode = "shared" }'; } >"$T/lns-shared.conf"
chmod 600 "$T/lns-shared.conf"
check "LNS (shared mode) starts" launch LNS "$T/lns-shared.conf"
check "shared: dial-in again (IPv4)" wait_s 40 pings remote1 -I 17.17.17.1 17.17.17.3
check "shared: remote1 learns its address again" wait_s 20 has_global
G=$(global_of_remote1)
run in_ns "$P" LNS ip -6 route show dev vpdn0
contains "shared: the /64 routed to vpdn0" "$OUT" "2001:db8:17::/64"
run in_ns "$P" LNS ip -6 addr show dev vpdn0
contains "shared: our link-local /128 on vpdn0" "$OUT" "/128 scope link"
check "shared: ping -6 remote1 -> local1" pings remote1 -6 2001:db8:1020::32
check "shared: ping -6 local1 -> remote1 ($G)" pings local1 -6 "$G"
check "LNS still runs" kill -0 "${NODE_PIDS[LNS]}"
finish
