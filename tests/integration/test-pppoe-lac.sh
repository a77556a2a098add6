#!/bin/bash
# SPDX-License-Identifier: MIT
# PPPoE in, L2TP out: "client" dials "lac" over PPPoE (veth pair); the LAC
# answers LCP and CHAP, forwards user2@isp.example by domain to "lns" over
# L2TP (second veth pair, proxy LCP and authentication), which terminates
# PPP on a Virtual-Access; a ping from the client reaches the LNS. The
# client stopping sends a PADT: the LAC ends the L2TP session (CDN). The
# LAC's access interface going down ends its sessions (CDN to the LNS).
if [ "$(id -u)" -ne 0 ]; then echo "SKIP: needs root (network namespaces)"; exit 77; fi
[ -c /dev/net/tun ] || { echo "SKIP: no /dev/net/tun"; exit 77; }
command -v dbus-daemon >/dev/null || { echo "SKIP: no dbus-daemon"; exit 77; }
command -v busctl >/dev/null || { echo "SKIP: no busctl"; exit 77; }

. "$(dirname "$0")/lib.sh"
P=vpl$$

lac_cleanup() {
	trap - EXIT INT TERM
	_lib_cleanup
	for n in cl lac lns; do ip netns del "$P-$n" 2>/dev/null; done
}
trap lac_cleanup EXIT
trap 'exit 130' INT TERM

net_up() {
	local n
	for n in cl lac lns; do
		ip netns add "$P-$n" && ip -n "$P-$n" link set lo up || return 1
	done
	ip link add "$P-c" netns "$P-cl" type veth peer name "$P-a" netns "$P-lac" || return 1
	ip -n "$P-cl" link set "$P-c" name eth0 && ip -n "$P-lac" link set "$P-a" name eth0 || return 1
	ip link add "$P-l" netns "$P-lac" type veth peer name "$P-n" netns "$P-lns" || return 1
	ip -n "$P-lac" link set "$P-l" name eth1 && ip -n "$P-lns" link set "$P-n" name eth1 || return 1
	ip -n "$P-lac" addr add 10.8.0.1/30 dev eth1 && ip -n "$P-lns" addr add 10.8.0.2/30 dev eth1 &&
	for n in cl lac; do ip -n "$P-$n" link set eth0 up || return 1; done &&
	for n in lac lns; do ip -n "$P-$n" link set eth1 up || return 1; done
}
check "namespaces and veth pairs up" net_up || finish

check "carrier on both ends of eth0" wait_until 10 sh -c "ip -n $P-cl link show eth0 | grep -q LOWER_UP && ip -n $P-lac link show eth0 | grep -q LOWER_UP"
start_bus
DBG=(-d "pppoe events" -d "dialer events" -d "ppp negotiation" -d "vpdn events" -d "vpdn l2x-events")
launch() { # NS HOST CONF
	NODE_LOG="$T/$2.log"
	ip netns exec "$P-$1" "$VPDND" -c "$3" --bus "$BUS" "${DBG[@]}" >>"$NODE_LOG" 2>&1 &
	NODE_PIDS[$2]=$!
	wait_until 10 name_on_bus "$(node_name "$2")"
}
in_log() { grep -q -E -- "$2" "$T/$1.log"; }

write_config lns.conf <<EOF
hostname = "lns"
modules = {"auth-local", "dialer", "ppp", "l2tp", "ip"}
username "user2@isp.example" { password = "pppoe-lac-secret"  ip-address = "10.9.1.2" }
vpdn { enable = true }
vpdn-group "1" {
  accept-dialin { protocol = "l2tp"  virtual-template = 1 }
  terminate-from = "lac"
  local-name = "lns"
  tunnel-password = "pppoe-tunnel-secret"
  source-ip = "10.8.0.2"
}
l2tp { listen = {"10.8.0.2"} }
interface "Loopback0" { ip-address = "10.9.1.1/32" }
interface "Virtual-Template1" {
  ip-unnumbered = "Loopback0"
  ppp-authentication = {"chap"}
  ppp-chap-hostname = "lns"
  ppp-mru = 1492
}
EOF
write_config lac.conf <<EOF
hostname = "lac"
modules = {"pppoe", "dialer", "ppp", "l2tp"}
vpdn { enable = true  search-order = {"domain"} }
vpdn-group "1" {
  request-dialin { protocol = "l2tp"  domain = {"isp.example"} }
  initiate-to = {"10.8.0.2"}
  local-name = "lac"
  tunnel-password = "pppoe-tunnel-secret"
  source-ip = "10.8.0.1"
}
l2tp { listen = {"10.8.0.1"} }
bba-group "global" { virtual-template = 1 }
interface "eth0" { pppoe-enable = "global" }
interface "Virtual-Template1" {
  dialer-vpdn-forward = true
  ppp-authentication = {"chap"}
  ppp-chap-hostname = "lac"
  ppp-mru = 1492
}
EOF
write_config client.conf <<EOF
hostname = "client"
modules = {"pppoe", "dialer", "ppp", "ip"}
interface "eth0" { pppoe-client = true  dialer-pool-member = {1} }
interface "Loopback0" { ip-address = "10.9.1.2/32" }
interface "Dialer1" {
  ip-unnumbered = "Loopback0"
  dialer-pool = 1
  dialer-string = "1"
  dialer-idle-timeout = 0
  ppp-chap-hostname = "user2@isp.example"
  ppp-chap-password = "pppoe-lac-secret"
  ppp-mru = 1492
}
ip-route "10.9.1.1/32" { interface = "Dialer1" }
EOF

check "lns starts" launch lns lns "$T/lns.conf" || finish
check "lac starts" launch lac lac "$T/lac.conf" || finish
check "client starts" launch cl client "$T/client.conf" || finish
ok "client: Dial(Dialer1)" busctl --address="$BUS" call "$(node_name client)" \
	/org/vpdnd/module/dialer org.vpdnd.Dialer1 Dial s Dialer1
check "client: PPPoE session up" wait_until 10 in_log client "eth0 PPPoE: PPPoE[0-9]+ up"
check "lac: PPPoE session answered by Virtual-Template1" \
	wait_until 10 in_log lac "session [0-9]+ from .*answered by Virtual-Template1"
check "lac: forwards user2@isp.example over L2TP" wait_until 15 in_log lac "isp.example"
check "lns: IPCP Open" wait_until 20 in_log lns "IPCP: State is Open"
check "client: IPCP Open" wait_until 20 in_log client "IPCP: State is Open"
pings() { # at least one reply; 3 requests 0.2 s apart until 3 replies, within 4 s (as -c 3 -W 2)
	ip netns exec "$P-cl" ping -c 3 -i 0.2 -w 4 -I 10.9.1.2 10.9.1.1 >"$T/ping.txt" 2>&1
	grep -qE ' [1-9][0-9]* received' "$T/ping.txt"
}
check "ping client -> LNS through PPPoE and L2TP" wait_until 20 pings
df_ping() { # SIZE: a DF ping of SIZE octets of data answered?
	ip netns exec "$P-cl" ping -c 1 -W 2 -M do -s "$1" -I 10.9.1.2 10.9.1.1 >"$T/ping.txt" 2>&1
	grep -qE ' 1 received' "$T/ping.txt"
}
check "a 1492-octet packet (DF) goes through (MTU 1492)" df_ping 1464
df_refused() { ! df_ping "$1"; }
check "a 1493-octet packet (DF) does not: nothing over the session's payload" df_refused 1465
ok "client stops (PADT)" stop_node client
check "lac: the PADT ended the PPPoE session" wait_until 10 in_log lac "ended: PADT received"
check "lns: the session is gone (CDN)" wait_until 10 in_log lns "CDN"

# --- the access interface goes down ----------------------------------------
count() { grep -c -E -- "$2" "$T/$1.log"; }
N_CDN=$(count lns "I CDN")
N_OPEN=$(count lns "IPCP: State is Open")
more() { [ "$(count "$1" "$2")" -gt "$3" ]; }
mv "$T/client.log" "$T/client-1.log"
check "client restarts" launch cl client "$T/client.conf"
ok "client: Dial(Dialer1) again" busctl --address="$BUS" call "$(node_name client)" \
	/org/vpdnd/module/dialer org.vpdnd.Dialer1 Dial s Dialer1
check "lns: IPCP Open for the second session" wait_until 20 more lns "IPCP: State is Open" "$N_OPEN"
check "ping through the second session" wait_until 20 pings
ok "lac: eth0 down" ip -n "$P-lac" link set eth0 down
check "lac: interface down ends the session" \
	wait_until 10 in_log lac "eth0 PPPoE: interface down, 1 session ended"
check "lns: the LAC sent CDN for it" wait_until 10 more lns "I CDN" "$N_CDN"
check "client: its eth0 lost carrier, the session ended" \
	wait_until 10 in_log client "eth0 PPPoE: PPPoE[0-9]+ ended: interface down"
ok "lac: eth0 up again" ip -n "$P-lac" link set eth0 up
check "lac: interface up" wait_until 10 in_log lac "eth0 PPPoE: interface up"
check "lac still runs" kill -0 "${NODE_PIDS[lac]}"
check "lns still runs" kill -0 "${NODE_PIDS[lns]}"
check "no secret in the logs" sh -c "! grep -q -e pppoe-lac-secret -e pppoe-tunnel-secret '$T/lac.log' '$T/lns.log' '$T/client.log'"
finish
