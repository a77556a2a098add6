#!/bin/bash
# SPDX-License-Identifier: MIT
# PPPoE (modules/pppoe) between two network namespaces over a veth pair:
# "bras" is an access concentrator terminating PPP (bba-group, Virtual-
# Template1, CHAP by auth-local, IPCP, the ip module's TUN); "client" dials
# it from a dialer profile over its pppoe-client interface. Checked: a ping
# through the session; a PADR with a wrong AC-Cookie gets no PADS (the right
# one does); a PADT from a spoofed MAC leaves the session up; a PADI flood
# is answered at most at padi-rate; PADT both ways (the client's idle
# timeout ends the session with a PADT the bras sees; the bras stopping
# sends one the client sees).
if [ "$(id -u)" -ne 0 ]; then echo "SKIP: needs root (network namespaces)"; exit 77; fi
[ -c /dev/net/tun ] || { echo "SKIP: no /dev/net/tun"; exit 77; }
command -v dbus-daemon >/dev/null || { echo "SKIP: no dbus-daemon"; exit 77; }
command -v busctl >/dev/null || { echo "SKIP: no busctl"; exit 77; }

. "$(dirname "$0")/lib.sh"
PROBE="$VPDND_SOURCE_ROOT/tests/integration/pppoe-probe.py"
P=vpo$$

pppoe_cleanup() {
	trap - EXIT INT TERM
	_lib_cleanup
	ip netns del "$P-bras" 2>/dev/null
	ip netns del "$P-cl" 2>/dev/null
}
trap pppoe_cleanup EXIT
trap 'exit 130' INT TERM

net_up() {
	ip netns add "$P-bras" && ip netns add "$P-cl" || return 1
	ip -n "$P-bras" link set lo up && ip -n "$P-cl" link set lo up || return 1
	ip link add "$P-a" netns "$P-bras" type veth peer name "$P-c" netns "$P-cl" || return 1
	ip -n "$P-bras" link set "$P-a" name eth0 && ip -n "$P-cl" link set "$P-c" name eth0 &&
	# baby jumbo frames: RFC 4638 gives the session a 1500-octet payload
	ip -n "$P-bras" link set eth0 mtu 1508 && ip -n "$P-cl" link set eth0 mtu 1508 &&
		ip -n "$P-bras" link set eth0 up && ip -n "$P-cl" link set eth0 up
}
check "namespaces and veth pair up" net_up || finish

check "carrier on both ends of eth0" wait_until 10 sh -c "ip -n $P-bras link show eth0 | grep -q LOWER_UP && ip -n $P-cl link show eth0 | grep -q LOWER_UP"
start_bus
DBG=(-d "pppoe events" -d "dialer events" -d "ppp negotiation" -d "ppp authentication" -d "ip events")
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
write_config bras.conf <<EOF
hostname = "bras"
capture-directory = "$CAPS"
modules = {"pppoe", "dialer", "ppp", "auth-local", "ip"}
bba-group "global" {
  virtual-template = 1
  ac-name = "bras"
  sessions-per-mac = 2
  padi-rate = 20
  pppoe-max-payload = 1500
}
interface "eth0" { pppoe-enable = "global" }
interface "eth0.100" { pppoe-enable = "global" }   # a VLAN made after the start (below)
interface "Loopback0" { ip-address = "10.9.0.1/32" }
interface "Virtual-Template1" {
  ip-unnumbered = "Loopback0"
  ppp-authentication = {"chap"}
  ppp-chap-hostname = "bras"
  ppp-mru = 1500
  ppp-keepalive = 1          # a client gone without PADT is found in ~4 s
  ppp-keepalive-count = 3
}
username "user1@isp" { password = "pppoe-secret-1"  ip-address = "10.9.0.2" }
EOF
write_config client.conf <<EOF
hostname = "client"
modules = {"pppoe", "dialer", "ppp", "ip"}
interface "eth0" { pppoe-client = true  dialer-pool-member = {1}  pppoe-max-payload = 1500 }
interface "Loopback0" { ip-address = "10.9.0.2/32" }
dialer-list "1" { protocol = "ip"  permit = true }
interface "Dialer1" {
  ip-unnumbered = "Loopback0"
  ip-dialer = true
  dialer-group = 1                 # ip traffic dials on demand
  dialer-pool = 1
  dialer-string = "1"              # not dialled: PPPoE discovers its AC
  dialer-idle-timeout = 0
  ppp-chap-hostname = "user1@isp"
  ppp-chap-password = "pppoe-secret-1"
}
ip-route "10.9.0.1/32" { interface = "Dialer1" }
EOF

# --- config errors: file:line, exit 78 ------------------------------------
conf_err() { # NAME TEXT EXPECTED-MESSAGE
	write_config "$1" <<<"$2"
	"$VPDND" -c "$T/$1" --check >"$T/$1.out" 2>&1
	local rc=$?
	[ $rc -eq 78 ] && grep -q -- "$T/$1:[0-9]*: .*$3" "$T/$1.out"
}
check "config: pppoe-enable names no bba-group" conf_err bad1.conf \
	'modules = {"pppoe"}
interface "eth0" { pppoe-enable = "nope" }' 'no bba-group "nope"'
check "config: bba-group without its Virtual-Template" conf_err bad2.conf \
	'modules = {"pppoe"}
bba-group "g" { virtual-template = 3 }' 'no interface "Virtual-Template3"'
check "config: template ppp-mru over what PPPoE carries" conf_err bad3.conf \
	'modules = {"pppoe", "ppp"}
bba-group "g" { virtual-template = 1 }
interface "Virtual-Template1" { ppp-mru = 1500 }' 'set ppp-mru = 1492'
check "config: pppoe-max-payload out of range" conf_err bad4.conf \
	'modules = {"pppoe"}
interface "eth0" { pppoe-client = true  pppoe-max-payload = 100 }' 'pppoe-max-payload must be'

# --- capture on the bras's Ethernet (tshark decodes it at the end) ------
CAP="$T/pppoe.pcap"
if command -v tshark >/dev/null; then
	spawn tshark ip netns exec "$P-bras" tshark -q -i eth0 -w "$CAP"
	wait_until 5 test -s "$T/tshark.log"
fi

check "bras starts (access concentrator on eth0)" launch bras bras "$T/bras.conf" || finish
check "bras: eth0 is an access concentrator" in_log bras "eth0 PPPoE: access concentrator, bba-group global"
check "bras: eth0.100 does not exist yet, the node waits for it" \
	in_log bras "eth0.100 PPPoE: no such interface yet; waiting for it"
check "client starts" launch cl client "$T/client.conf" || finish

dial() {
	busctl --address="$BUS" call "$(node_name client)" /org/vpdnd/module/dialer \
		org.vpdnd.Dialer1 Dial s Dialer1
}
ok "client: Dial(Dialer1)" dial
check "client: PPPoE session up" wait_until 10 in_log client "eth0 PPPoE: PPPoE[0-9]+ up, session [0-9]+"
check "bras: session answered by Virtual-Template1" \
	wait_until 10 in_log bras "PPPoE[0-9]+ session [0-9]+ from .*answered by Virtual-Template1"
check "bras: CHAP user1@isp authenticated" \
	wait_until 15 in_log bras 'AUTH-LOCAL: CHAP user "user1@isp" authenticated'
check "client: IPCP Open" wait_until 15 in_log client "IPCP: State is Open"
check "bras: IPCP Open" wait_until 15 in_log bras "IPCP: State is Open"
pings() { # at least one reply; 3 requests 0.2 s apart until 3 replies, within 4 s (as -c 3 -W 2)
	ip netns exec "$P-cl" ping -c 3 -i 0.2 -w 4 -I 10.9.0.2 10.9.0.1 >"$T/ping.txt" 2>&1
	grep -qE ' [1-9][0-9]* received' "$T/ping.txt"
}
check "ping client -> bras through the PPPoE session" wait_until 20 pings
check "client: PPP-Max-Payload 1500 granted" in_log client "eth0 PPPoE: PPPoE[0-9]+ up, .*payload 1500"
big_ping() {
	ip netns exec "$P-cl" ping -c 2 -i 0.2 -w 3 -M do -s 1472 -I 10.9.0.2 10.9.0.1 >"$T/ping.txt" 2>&1
	grep -qE ' [1-9][0-9]* received' "$T/ping.txt"
}
check "a 1500-octet packet (DF) goes through the RFC 4638 session" big_ping
check "bras counted session packets" metric_ge bras pppoe_session_packets_received_total 3
SID=$(grep -oE 'PPPoE[0-9]+ session [0-9]+ from' "$T/bras.log" | tail -1 | awk '{print $3}')
BRAS_MAC=$(ip -n "$P-bras" link show eth0 | awk '/link\/ether/ {print $2}')
CL_MAC=$(ip -n "$P-cl" link show eth0 | awk '/link\/ether/ {print $2}')

# --- show pppoe ---------------------------------------------------------
run "$VPDNCTL" -n bras show pppoe sessions
check "bras: show pppoe sessions lists the session" sh -c "echo \"\$0\" | grep -qE \"^eth0 +PPPoE[0-9]+ +$SID $CL_MAC server OPEN +1500 \"" "$OUT"
contains "bras: show pppoe sessions counts it" "$OUT" "1 session"
run "$VPDNCTL" -n client --json show pppoe sessions
contains "client: show pppoe sessions --json" "$OUT" "\"session_id\":$SID,\"peer\":\"$BRAS_MAC\",\"role\":\"client\",\"state\":\"OPEN\""
run "$VPDNCTL" -n bras show pppoe summary
check "bras: show pppoe summary" sh -c "echo \"\$0\" | grep -qE \"^eth0 .* server +global +1 +0\$\"" "$OUT"
intro() { # introspection of org.vpdnd.Pppoe1 vs dbus/org.vpdnd.Pppoe1.xml
	local f="$T/intro-pppoe.busctl" x="$VPDND_SOURCE_ROOT/dbus/org.vpdnd.Pppoe1.xml"
	busctl --address="$BUS" call "$(node_name bras)" /org/vpdnd/module/pppoe \
		org.freedesktop.DBus.Introspectable Introspect >"$f" || return 1
	if [ -n "${PPPOE_WRITE_XML:-}" ]; then
		python3 "$VPDND_SOURCE_ROOT/tests/integration/introspect-compare.py" "$x" "$f" \
			--write org.vpdnd.Pppoe1
	fi
	python3 "$VPDND_SOURCE_ROOT/tests/integration/introspect-compare.py" "$x" "$f"
}
check "org.vpdnd.Pppoe1 matches dbus/org.vpdnd.Pppoe1.xml" intro
run "$VPDNCTL" -n bras --json show pppoe summary
contains "bras: show pppoe summary --json" "$OUT" '"sessions":1,"interfaces":[{"interface":"eth0"'

# --- one session's PPP frames: vpdnctl capture FILE port PPPoEn --------
SNAME=$(grep -oE 'PPPoE[0-9]+ session [0-9]+ from' "$T/bras.log" | tail -1 | awk '{print $1}')
PPPOE=(/org/vpdnd/module/pppoe org.vpdnd.Pppoe1)
AS_NOBODY=(setpriv --reuid=65534 --regid=65534 --clear-groups)
pcapturing() { busctl --address="$BUS" get-property "$(node_name bras)" "${PPPOE[@]}" Capturing | grep -q "b true"; }
ko "capture of an unknown session is refused" "$VPDNCTL" -n bras capture nosuch.pcap port PPPoE999 --seconds 1
contains "it says which" "$ERR" 'No PPPoE session "PPPoE999"'
if "${AS_NOBODY[@]}" true 2>/dev/null; then
	ko "nobody may not start a PPPoE capture" "${AS_NOBODY[@]}" busctl --address="$BUS" call \
		"$(node_name bras)" "${PPPOE[@]}" StartCapture ss nobody.pcap "$SNAME"
fi
SCAP="$CAPS/session.pcap"
spawn scap "$VPDNCTL" -n bras capture "$SCAP" port "$SNAME" --seconds 4
check "the capture of $SNAME runs (Pppoe1.Capturing)" wait_until 5 pcapturing
ko "a second capture is refused" "$VPDNCTL" -n bras capture second.pcap port "$SNAME" --seconds 1
check "ping through the captured session" pings
wait_node_exit scap 10
check "vpdnctl capture exits 0" [ $? -eq 0 ]
N=$(sed -n 's/^\([0-9]*\) packets captured.*/\1/p' "$T/scap.log")
check "capture stopped (Capturing false)" ! pcapturing
check "the file is mode 0600" [ "$(stat -c %a "$SCAP" 2>/dev/null)" = 600 ]
if command -v tshark >/dev/null; then
	read -r TOTAL PPPN ICMPN ICMPR LCPN MAL < <(tcount "$SCAP" -- ppp "icmp.type == 8" "icmp.type == 0" lcp _ws.malformed)
	check "tshark reads as many packets as StopCapture reported ($TOTAL = $N)" [ "${TOTAL:-0}" = "${N:-none}" ]
	check "every packet is PPP ($PPPN of $TOTAL)" [ "${TOTAL:-0}" -gt 0 ] && [ "$PPPN" = "$TOTAL" ]
	check "the pings both ways are in it ($ICMPN requests, $ICMPR replies)" \
		[ "${ICMPN:-0}" -ge 3 ] && [ "${ICMPR:-0}" -ge 3 ]
	check "LCP (the 1 s keepalive's echoes) is in it ($LCPN)" [ "${LCPN:-0}" -ge 1 ]
	echo "# session capture: $(tshark -r "$SCAP" -T fields -e frame.protocols 2>/dev/null | sort | uniq -c | tr '\n' ' ')"
	check "tshark: no malformed packet in the session capture" [ "${MAL:-1}" -eq 0 ]
fi

# --- reload: new discoveries use the new bba-group, the session stays ----
run ip netns exec "$P-cl" python3 "$PROBE" offer eth0
contains "before the reload: PADO from AC bras, any service" "$OUT" "ac-name bras services - pads 1"
cp "$T/bras.conf" "$T/bras-before.conf"
sed -i 's/^  ac-name = "bras"$/  ac-name = "bras-reloaded"\n  service-name = {"gold", "silver"}/' "$T/bras.conf"
check "the new config differs (ac-name, service-name)" grep -q 'service-name = {"gold", "silver"}' "$T/bras.conf"
ok "vpdnctl reload" "$VPDNCTL" -n bras reload
check "bras: pppoe reloaded" wait_until 5 in_log bras "PPPoE: reloaded: 1 bba-group, 2 interfaces \(0 new\)"
run ip netns exec "$P-cl" python3 "$PROBE" offer eth0
contains "after the reload: PADO from AC bras-reloaded offering gold and silver" "$OUT" \
	"ac-name bras-reloaded services gold,silver pads 1"
check "the established session still carries pings" pings
run "$VPDNCTL" -n bras show pppoe sessions
check "it keeps its session ID and its 1500 payload" sh -c "echo \"\$0\" | grep -qE \"^eth0 +PPPoE[0-9]+ +$SID $CL_MAC server OPEN +1500 \"" "$OUT"
cp "$T/bras.conf" "$T/bras-good.conf"
sed -i 's/^interface "eth0" { pppoe-enable = "global" }$/interface "eth0" { }/' "$T/bras.conf"
check "a config without PPPoE on eth0" grep -q '^interface "eth0" { }' "$T/bras.conf"
ko "a reload turning PPPoE off on eth0 is refused" "$VPDNCTL" -n bras reload
contains "it says why, with file:line" "$ERR" "bras.conf:"
contains "and what" "$ERR" "pppoe-enable cannot be removed by a reload"
check "the session survived the refused reload" pings
run ip netns exec "$P-cl" python3 "$PROBE" offer eth0
contains "the refused reload changed nothing" "$OUT" "ac-name bras-reloaded services gold,silver pads 1"
cp "$T/bras-good.conf" "$T/bras.conf"

# --- hostile discovery --------------------------------------------------
run ip netns exec "$P-cl" python3 "$PROBE" cookie eth0
contains "wrong AC-Cookie: no PADS; the right cookie: a PADS" "$OUT" "wrong-cookie-pads 0 good-pads 1"
check "bras counted the wrong cookie" metric_ge bras pppoe_bad_cookie_total 1
check "bras: the probe's own PADT ended its session" wait_until 5 metric_ge bras pppoe_padt_received_total 1

ok "spoofed PADT for the live session sent" ip netns exec "$P-cl" python3 "$PROBE" padt eth0 "$SID" "$BRAS_MAC"
check "bras ignored the spoofed PADT" wait_until 5 metric_ge bras pppoe_padt_ignored_total 1
check "ping still goes through after the spoofed PADT" pings

run ip netns exec "$P-cl" python3 "$PROBE" flood eth0 3000
PADOS=$(echo "$OUT" | awk '{print $4}')
check "PADI flood: some PADOs ($PADOS)" test "${PADOS:-0}" -ge 1
check "PADI flood: at most padi-rate per second ($PADOS <= 60)" test "${PADOS:-999}" -le 60
# (the kernel may drop some of the 3000 at the socket: that is fine)
check "bras counted rate-limited PADIs ($(metric bras pppoe_padi_rate_limited_total) of $(metric bras pppoe_padi_total))" \
	metric_ge bras pppoe_padi_rate_limited_total 100
check "ping still goes through after the flood" pings

# --- a VLAN sub-interface made after the start, then deleted ----------
# (a kernel without 802.1Q, as here: a second veth pair named eth0.100)
vlan_up() {
	if ip -n "$P-bras" link add link eth0 name eth0.100 type vlan id 100 2>/dev/null; then
		ip -n "$P-cl" link add link eth0 name eth0.100 type vlan id 100 || return 1
		KIND="VLAN 100"
	else
		ip link add "$P-a1" netns "$P-bras" type veth peer name "$P-c1" netns "$P-cl" &&
		ip -n "$P-bras" link set "$P-a1" name eth0.100 &&
		ip -n "$P-cl" link set "$P-c1" name eth0.100 || return 1
		KIND="a veth pair (no 802.1Q in this kernel)"
	fi
	ip -n "$P-bras" link set eth0.100 up && ip -n "$P-cl" link set eth0.100 up
}
KIND=""
check "eth0.100 made on both ends" vlan_up
echo "# eth0.100 is $KIND"
check "bras: eth0.100 appeared, access concentrator on it" \
	wait_until 10 in_log bras "eth0.100 PPPoE: access concentrator, bba-group global"
wait_until 10 sh -c "ip -n $P-cl link show eth0.100 | grep -q LOWER_UP"
N_EPADO=$(metric bras pppoe_discovery_sent_total)
run ip netns exec "$P-cl" python3 "$PROBE" cookie eth0.100
contains "eth0.100: PADO, and PADS for the right cookie only" "$OUT" "wrong-cookie-pads 0 good-pads 1"
# PADO + PADS (+ PADT, none: the probe ends it) from eth0.100 only, not eth0 too
check "bras answered on eth0.100 only (2 discovery packets sent)" \
	test "$(( $(metric bras pppoe_discovery_sent_total) - N_EPADO ))" -eq 2
ok "eth0.100 deleted" ip -n "$P-bras" link del eth0.100
check "bras: eth0.100 removed, waiting for it again" \
	wait_until 10 in_log bras "eth0.100 PPPoE: interface removed, 0 sessions ended; waiting for it"
check "ping on eth0 unaffected" pings

# --- PADT both ways -----------------------------------------------------
ok "client stops (sends PADT)" stop_node client
check "bras: the client's PADT ended the session" \
	wait_until 10 in_log bras "eth0 PPPoE: PPPoE[0-9]+ ended: PADT received"
mv "$T/client.log" "$T/client-1.log"
check "client restarts" launch cl client "$T/client.conf"
ok "client: Dial(Dialer1) again" dial
check "client: IPCP Open again" wait_until 15 in_log client "IPCP: State is Open"
N_PADT=$(metric bras pppoe_padt_sent_total)
N_HUNG=$(grep -c "ended: PPP hung up" "$T/bras.log")
hung_more() { [ "$(grep -c "ended: PPP hung up" "$T/bras.log")" -gt "$N_HUNG" ]; }
ok "client killed without a PADT (SIGKILL)" kill -KILL "${NODE_PIDS[client]}"
wait "${NODE_PIDS[client]}" 2>/dev/null; unset "NODE_PIDS[client]"
check "bras: LCP echo finds the client dead, PPP ends the session" \
	wait_until 15 hung_more
check "bras sent a PADT for it" metric_ge bras pppoe_padt_sent_total $((${N_PADT:-0} + 1))
mv "$T/client.log" "$T/client-2.log"
check "client restarts" launch cl client "$T/client.conf"
# the third session on demand: a ping for the bras dials Dialer1
ip netns exec "$P-cl" ping -c 1 -W 1 -I 10.9.0.2 10.9.0.1 >/dev/null 2>&1 &
check "client: traffic for 10.9.0.1 dials Dialer1 (dial on demand)" \
	wait_until 10 in_log client "Dialing cause ip"
check "client: third PPPoE session up" \
	wait_until 10 in_log client "eth0 PPPoE: PPPoE[0-9]+ up, session [0-9]+"
check "client: IPCP Open a third time" wait_until 15 in_log client "IPCP: State is Open"
if [ -n "${NODE_PIDS[tshark]:-}" ]; then
	stop_node tshark
	# one pass for the three filters: each text below is only printed for
	# frames of its own filter ((PADI), (PADS): pppoed; Configuration
	# Request: LCP, IPCP's are not selected; Echo (ping) request: ICMP)
	run tshark -r "$CAP" -Y "pppoed || (pppoes && lcp) || (pppoes && icmp)"
	contains "tshark: PADI decoded" "$OUT" "(PADI)"
	contains "tshark: PADS decoded" "$OUT" "(PADS)"
	contains "tshark: LCP over PPPoE sessions decoded" "$OUT" "Configuration Request"
	contains "tshark: the ping inside the PPPoE session" "$OUT" "Echo (ping) request"
	run tshark -r "$CAP" -Y _ws.malformed
	check "tshark: no malformed packet in the capture" test -z "$OUT"
fi
ok "bras stops (sends PADT)" stop_node bras
check "client: the bras's PADT ended the session" \
	wait_until 10 in_log client "eth0 PPPoE: PPPoE[0-9]+ ended: PADT received"
check "client still runs" kill -0 "${NODE_PIDS[client]}"
check "no secret in the logs" sh -c "! grep -q pppoe-secret-1 '$T'/*.log"
finish
