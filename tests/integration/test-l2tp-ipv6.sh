#!/bin/bash
# SPDX-License-Identifier: MIT
# L2TP over IPv6 (issue #18): "client" dials "lac" over PPPoE; the LAC
# forwards user2@isp.example over an L2TP tunnel on UDP/IPv6
# (initiate-to "[fd00:8::2]:1701", source-ip "fd00:8::1") to "lns", which
# has no listen address (the IPv4 and IPv6 wildcards). A ping goes
# through; show vpdn names the IPv6 peer; a capture of the tunnel holds
# IPv6/UDP datagrams that tshark decodes as L2TP without a malformed one;
# a datagram with the live tunnel and session IDs from another IPv6
# address (fd00:8::3) is dropped and counted (l2tp_foreign_source_total)
# and the session lives on.
if [ "$(id -u)" -ne 0 ]; then echo "SKIP: needs root (network namespaces)"; exit 77; fi
[ -c /dev/net/tun ] || { echo "SKIP: no /dev/net/tun"; exit 77; }
command -v dbus-daemon >/dev/null || { echo "SKIP: no dbus-daemon"; exit 77; }
command -v busctl >/dev/null || { echo "SKIP: no busctl"; exit 77; }
command -v python3 >/dev/null || { echo "SKIP: no python3"; exit 77; }
[ -e /proc/sys/net/ipv6 ] || { echo "SKIP: no IPv6 in this kernel"; exit 77; }

. "$(dirname "$0")/lib.sh"
P=vp6$$

v6_cleanup() {
	trap - EXIT INT TERM
	_lib_cleanup
	for n in cl lac lns; do ip netns del "$P-$n" 2>/dev/null; done
}
trap v6_cleanup EXIT
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
	ip -n "$P-lac" addr add fd00:8::1/64 dev eth1 nodad &&
	ip -n "$P-lac" addr add fd00:8::3/64 dev eth1 nodad &&
	ip -n "$P-lns" addr add fd00:8::2/64 dev eth1 nodad &&
	for n in cl lac; do ip -n "$P-$n" link set eth0 up || return 1; done &&
	for n in lac lns; do ip -n "$P-$n" link set eth1 up || return 1; done
}
check "namespaces and veth pairs up (tunnel link IPv6 only)" net_up || finish
check "LAC reaches the LNS over IPv6" wait_until 10 ip netns exec "$P-lac" ping -6 -c 1 -W 1 fd00:8::2

start_bus
DBG=(-d "pppoe events" -d "ppp negotiation" -d "vpdn events" -d "vpdn l2x-events" -d "vpdn l2x-errors")
launch() { # NS HOST CONF
	NODE_LOG="$T/$2.log"
	ip netns exec "$P-$1" "$VPDND" -c "$3" --bus "$BUS" "${DBG[@]}" >>"$NODE_LOG" 2>&1 &
	NODE_PIDS[$2]=$!
	wait_until 10 name_on_bus "$(node_name "$2")"
}
in_log() { grep -q -E -- "$2" "$T/$1.log"; }
metric() { # HOST NAME: the counter's value (vpdnd_NAME)
	"$VPDNCTL" -n "$1" metrics 2>/dev/null | awk -v n="vpdnd_$2" '{ k = $1; sub(/{.*/, "", k) } k == n { print $2 }'
}
metric_ge() { local v; v=$(metric "$1" "$2"); [ -n "$v" ] && [ "${v%.*}" -ge "$3" ]; }

CAPS="$T/caps"; mkdir -p "$CAPS"
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
}
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
capture-directory = "$CAPS"
modules = {"pppoe", "dialer", "ppp", "l2tp"}
vpdn { enable = true  search-order = {"domain"} }
vpdn-group "1" {
  request-dialin { protocol = "l2tp"  domain = {"isp.example"} }
  initiate-to = {"[fd00:8::2]:1701"}
  local-name = "lac"
  tunnel-password = "pppoe-tunnel-secret"
  source-ip = "fd00:8::1"
}
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
check "lns: listens on the IPv6 wildcard too" in_log lns "listening on :: port 1701"
check "lac starts" launch lac lac "$T/lac.conf" || finish
check "lac: listens on fd00:8::1" in_log lac "listening on fd00:8::1 port 1701"
check "client starts" launch cl client "$T/client.conf" || finish
ok "client: Dial(Dialer1)" busctl --address="$BUS" call "$(node_name client)" \
	/org/vpdnd/module/dialer org.vpdnd.Dialer1 Dial s Dialer1
check "lns: IPCP Open" wait_until 20 in_log lns "IPCP: State is Open"
check "client: IPCP Open" wait_until 20 in_log client "IPCP: State is Open"
pings() { # at least one reply; 3 requests 0.2 s apart until 3 replies, within 4 s (as -c 3 -W 2)
	ip netns exec "$P-cl" ping -c 3 -i 0.2 -w 4 -I 10.9.1.2 10.9.1.1 >"$T/ping.txt" 2>&1
	grep -qE ' [1-9][0-9]* received' "$T/ping.txt"
}
check "ping client -> LNS through PPPoE and L2TP over IPv6" wait_until 20 pings
df_ping() { # SIZE: a DF ping of SIZE octets of data answered?
	ip netns exec "$P-cl" ping -c 1 -W 2 -M do -s "$1" -I 10.9.1.2 10.9.1.1 >"$T/ping.txt" 2>&1
	grep -qE ' 1 received' "$T/ping.txt"
}
check "a 1492-octet packet (DF) goes through the IPv6 tunnel" df_ping 1464

# --- show vpdn and D-Bus ----------------------------------------------------
SV=$("$VPDNCTL" -n lns show vpdn 2>&1)
contains "lns: show vpdn lists the IPv6 peer" "$SV" "fd00:8::1"
SJ=$("$VPDNCTL" -n lns show vpdn --json 2>&1)
contains "lns: show vpdn --json: remote_address" "$SJ" '"remote_address":"fd00:8::1"'
contains "lns: show vpdn --json: remote_port" "$SJ" '"remote_port":1701'
SL=$("$VPDNCTL" -n lac show vpdn 2>&1)
contains "lac: show vpdn lists the IPv6 peer" "$SL" "fd00:8::2"
TID=$(printf '%s' "$SJ" | python3 -c 'import json,sys; print(json.load(sys.stdin)["tunnels"][0]["local_id"])')
SID=$(printf '%s' "$SJ" | python3 -c 'import json,sys; print(json.load(sys.stdin)["sessions"][0]["local_id"])')
check "lns: tunnel $TID, session $SID" [ -n "$TID" ] && [ -n "$SID" ]

# --- capture of the tunnel: IPv6 datagrams ---------------------------------
spawn cap "$VPDNCTL" -n lac capture tun6.pcap --seconds 4
CAP_PID=$SPAWN_PID
sleep 1
check "ping while capturing" pings
wait "$CAP_PID" 2>/dev/null
unset "NODE_PIDS[cap]"
check "capture ended" wait_until 10 grep -q "packets captured" "$T/cap.log"
CAP="$CAPS/tun6.pcap"
check "the capture exists" [ -s "$CAP" ]
if command -v tshark >/dev/null; then
	DECODE=(-d udp.port==1701,l2tp)
	read -r TOTAL V6 OUT IN MAL ICMP < <(tcount "$CAP" "${DECODE[@]}" -- "ipv6 && udp.port == 1701 && l2tp" \
		"ipv6.src == fd00:8::1 && ipv6.dst == fd00:8::2 && l2tp.type == 0" \
		"ipv6.src == fd00:8::2 && ipv6.dst == fd00:8::1 && l2tp.type == 0" _ws.malformed icmp)
	check "every packet is IPv6/UDP/L2TP ($V6 of $TOTAL)" [ "$TOTAL" -gt 0 ] && [ "$V6" = "$TOTAL" ]
	check "data both ways (out $OUT, in $IN)" [ "$OUT" -ge 3 ] && [ "$IN" -ge 3 ]
	check "no malformed packet" [ "$MAL" -eq 0 ]
	BADSUM=$(tshark -r "$CAP" "${DECODE[@]}" -o udp.check_checksum:TRUE \
		-Y "udp.checksum.status == 0" 2>/dev/null | wc -l)
	check "UDP checksums over IPv6 are right" [ "$BADSUM" -eq 0 ]
	check "the pings inside decode ($ICMP)" [ "$ICMP" -ge 6 ]
else
	echo "# tshark missing: capture decode not checked"
fi

# --- attack: the right IDs from another IPv6 address ------------------------
F0=$(metric lns l2tp_foreign_source_total); F0=${F0%.*}; F0=${F0:-0}
attack() { # an LCP Terminate-Request in an L2TP data message from fd00:8::3
	ip netns exec "$P-lac" python3 - "$TID" "$SID" <<'PY'
import socket, struct, sys
tid, sid = int(sys.argv[1]), int(sys.argv[2])
ppp = bytes([0xff, 0x03, 0xc0, 0x21, 0x05, 0x01, 0x00, 0x04])
msg = struct.pack("!HHH", 0x0002, tid, sid) + ppp
s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
s.bind(("fd00:8::3", 1701))
for _ in range(5):
    s.sendto(msg, ("fd00:8::2", 1701))
PY
}
ok "5 datagrams with the live IDs from fd00:8::3" attack
check "lns counted them (l2tp_foreign_source_total >= $((F0 + 5)))" \
	wait_until 5 metric_ge lns l2tp_foreign_source_total $((F0 + 5))
check "lns logged the drop" wait_until 5 in_log lns "from fd00:8::3 port 1701 dropped: the peer is fd00:8::1"
sleep 1
check "the session is still up: ping" pings
check "lns: no LCP Terminate from the attack" sh -c "! grep -q 'TERMREQ\|Terminate-Request' '$T/lns.log'"
check "lac still runs" kill -0 "${NODE_PIDS[lac]}"
check "lns still runs" kill -0 "${NODE_PIDS[lns]}"
ok "client stops (PADT)" stop_node client
check "lns: the session is gone (CDN)" wait_until 10 in_log lns "CDN"
check "no secret in the logs" sh -c "! grep -q -e pppoe-lac-secret -e pppoe-tunnel-secret '$T/lac.log' '$T/lns.log' '$T/client.log'"
finish
