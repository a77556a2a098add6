#!/bin/bash
# SPDX-License-Identifier: MIT
# Interop: our LAC tunnels ISDN users to l2tpns (Debian's, a user-space LNS
# on one TUN device) authenticating them through FreeRADIUS. No VM: every
# node runs on the host, in network namespaces.
#
#   remote1, remote2, remote3 (one namespace each: TUN, routes, 17.17.17.N)
#     --ISDN (isdn-switch node, a UNIX socket)--> our LAC ($P-lac, lac0
#     192.0.2.1) ==L2TP over a veth==> l2tpns ($P-lns, lns0 192.0.2.2,
#     tun0 10.20.0.1) --RADIUS on lo--> freeradius -X (same namespace)
#
#  1. remote1 pings 10.20.0.1: the ISDN call comes up on demand; our LAC
#     does LCP + CHAP as "LAC", opens a tunnel (l2tpns answers our
#     challenge), ICRQ/ICRP/ICCN with proxy LCP and proxy authentication;
#     l2tpns renegotiates LCP (MRRU, Endpoint Discriminator: remote1
#     rejects them through our splice), challenges by CHAP again,
#     FreeRADIUS accepts, IPCP, pings both ways. remote2 and remote3
#     dial: three sessions in the one tunnel.
#  2. remote1 hangs up: our CDN must not carry the Q.931 Cause Code AVP
#     (type 12, M bit): l2tpns does not know it and would answer StopCCN
#     "Invalid mandatory AVP", dropping every session of the tunnel
#     (vpdn-group option cdn-q931-cause = false). remote2, remote3 stay.
#  3. nsctl kill remote3's session on l2tpns: CDN, our LAC clears the ISDN
#     call; remote2 stays. 4. clear vpdn tunnel at our LAC: StopCCN,
#     remote2's call goes down.
#  5. two users again; l2tpns stopped with SIGTERM (it sends nothing): our
#     LAC finds the peer dead by HELLO and clears the tunnel and both ISDN
#     calls. 6. a user again; l2tpns stopped and restarted at once, while
#     our LAC still holds the tunnel it no longer knows: our LAC clears the
#     dead tunnel by HELLO and the next call gets a new tunnel.
#  The capture of the L2TP between them decodes with 0 malformed packets.
#
# l2tpns and FreeRADIUS run in the foreground with their own config
# directories under $T, never as system services. l2tpns reads its IP
# pool from /etc/l2tpns/ip_pool (built in): it runs in a private mount
# namespace where $T/l2tpns-etc is bound onto /etc/l2tpns.
. "$VPDND_SOURCE_ROOT/tests/integration/lib.sh"

[ "$(id -u)" -eq 0 ] || skip "needs root (network namespaces, TUN)"
[ -c /dev/net/tun ] || skip "no /dev/net/tun"
command -v l2tpns >/dev/null || skip "l2tpns not installed (apt-get install l2tpns; scripts/deps.sh)"
command -v nsctl >/dev/null || skip "nsctl not installed (package l2tpns)"
command -v freeradius >/dev/null || skip "freeradius not installed (apt-get install freeradius; scripts/deps.sh)"
command -v tshark >/dev/null || skip "tshark not installed"
command -v dbus-daemon >/dev/null || skip "no dbus-daemon"
command -v unshare >/dev/null || skip "no unshare (util-linux)"
[ -x "$VPDND" ] || skip "vpdnd not built"
echo "# l2tpns $(dpkg-query -W -f='${Version}' l2tpns 2>/dev/null), freeradius $(dpkg-query -W -f='${Version}' freeradius 2>/dev/null)"

P=vln$$
CAP_PID=""
l2tpns_cleanup() {
	trap - EXIT INT TERM
	if [ -n "$CAP_PID" ]; then
		kill -TERM "$CAP_PID" 2>/dev/null
		wait "$CAP_PID" 2>/dev/null
	fi
	_lib_cleanup
	local n
	for n in lac lns r1 r2 r3; do
		ip netns del "$P-$n" 2>/dev/null
	done
	return 0
}
trap l2tpns_cleanup EXIT
trap 'exit 130' INT TERM

# wait_s SECONDS CMD...: poll until CMD succeeds, bounded by wall time.
log_has() { grep -qE -- "$2" "$T/$1.log"; }
count() { grep -cE -- "$2" "$T/$1.log"; }
ctl() { local n=$1; shift; "$VPDNCTL" --bus "$BUS" -n "$n" "$@"; }
# r_ping N: one reply of 3 from 10.20.0.1, from remoteN (the first dials)
r_ping() { ip netns exec "$P-r$1" ping -c 3 -W 2 -I "17.17.17.$1" 10.20.0.1 >"$T/ping-r$1.txt" 2>&1 && grep -qE ' [1-9][0-9]* received' "$T/ping-r$1.txt"; }
# lns_ping N: from l2tpns's side to remoteN
lns_ping() { ip netns exec "$P-lns" ping -c 3 -W 2 -I 10.20.0.1 "17.17.17.$1" >"$T/ping-lns.txt" 2>&1 && grep -qE ' [1-9][0-9]* received' "$T/ping-lns.txt"; }
r_no_call() { ctl "remote$1" show dialer >"$T/dialer.txt" 2>&1 && ! grep -q connected "$T/dialer.txt"; }
r_cleared() { [ "$(count "remote$1" 'cleared, cause|disconnected from')" -gt "$2" ]; }
# vpdn_json HOST: "tunnels sessions users" from vpdnctl --json show vpdn.
vpdn_json() {
	ctl "$1" --json show vpdn | python3 -c '
import json, sys
d = json.load(sys.stdin)
print(len(d["tunnels"]), len(d["sessions"]),
      ",".join(sorted(s.get("username") or "-" for s in d["sessions"])))'
}
vpdn_is() { [ "$(vpdn_json "$1" 2>/dev/null)" = "$2" ]; }
# isdn_call N: remoteN's call id (show isdn active --json)
isdn_call() {
	ctl "remote$1" --json show isdn active | python3 -c '
import json, sys
def walk(o):
    if isinstance(o, dict):
        if o.get("call_id"): print(o["call_id"]); sys.exit(0)
        for v in o.values(): walk(v)
    elif isinstance(o, list):
        for v in o: walk(v)
walk(json.load(sys.stdin))
sys.exit(1)'
}
tunnel_id() {
	ctl LAC --json show vpdn | python3 -c '
import json, sys; print(json.load(sys.stdin)["tunnels"][0]["local_id"])' 2>/dev/null
}
# rej_has N REGEX: an option of remoteN's LCP CONFREJ (options are logged
# on the lines after the packet's)
rej_has() { grep -A3 'LCP: O CONFREJ' "$T/remote$1.log" | grep -qE -- "$2"; }
# more NODE REGEX N: the node's log has more than N lines matching REGEX
more() { [ "$(count "$1" "$2")" -gt "$3" ]; }
no_session() { vpdn_json LAC | grep -q '^[01] 0 '; }
# tunnel_gone TID: our LAC lists no tunnel TID
tunnel_gone() {
	ctl LAC --json show vpdn | python3 -c '
import json, sys
sys.exit(any(str(t["local_id"]) == sys.argv[1] for t in json.load(sys.stdin)["tunnels"]))' "$1"
}
# stopccn_from_lns: StopCCNs l2tpns sent so far (our LAC's log)
stopccn_from_lns() { count LAC "I StopCCN from l2tpns"; }

# --- network -------------------------------------------------------------------
for n in lac lns r1 r2 r3; do
	ip netns add "$P-$n" || { _fail "create namespace $P-$n"; finish; }
	ip -n "$P-$n" link set lo up
done
ip link add lac0 netns "$P-lac" type veth peer name lns0 netns "$P-lns" ||
	{ _fail "veth between LAC and l2tpns"; finish; }
ip -n "$P-lac" addr add 192.0.2.1/24 dev lac0
ip -n "$P-lns" addr add 192.0.2.2/24 dev lns0
ip -n "$P-lac" link set lac0 up
ip -n "$P-lns" link set lns0 up
for i in 1 2 3; do
	ip -n "$P-r$i" addr add "17.17.17.$i/32" dev lo
done
check "LAC reaches l2tpns's address" ip netns exec "$P-lac" ping -q -c1 -W2 192.0.2.2

# --- FreeRADIUS: a minimal raddb (files, chap, pap) -----------------------------
. "$VPDND_SOURCE_ROOT/scripts/raddb.sh"
RADDB=$T/raddb
raddb_write "$RADDB" radsecret 2 "" ma=optional
: >"$RADDB/users"
for i in 1 2 3; do
	cat >>"$RADDB/users" <<EOF
"remote$i@cisco.com" Cleartext-Password := "cisco"
	Service-Type = Framed-User,
	Framed-Protocol = PPP,
	Framed-IP-Address = 17.17.17.$i

EOF
done
chmod -R go-rwx "$RADDB"
ip netns exec "$P-lns" freeradius -d "$RADDB" -X >"$T/freeradius.log" 2>&1 &
NODE_PIDS[freeradius]=$!
if wait_until 20 grep -q "Ready to process requests" "$T/freeradius.log"; then
	_pass "freeradius -X ready"
else
	_fail "freeradius -X ready"; sed 's/^/#   /' "$T/freeradius.log" | tail -20; finish
fi

# --- l2tpns --------------------------------------------------------------------
LNSETC=$T/l2tpns-etc
mkdir -p "$LNSETC"
echo "10.99.0.0/24" >"$LNSETC/ip_pool"   # unused: RADIUS gives the addresses
: >"$LNSETC/users"
# Its log repeats its config, secrets included: it is kept as .txt, out of
# make check's scan of the nodes' logs (ours must be clean).
cat >"$LNSETC/startup-config" <<EOF
set debug 4
set log_file "$T/l2tpns-log.txt"
set pid_file "$T/l2tpns.pid"
set hostname "l2tpns"
set l2tp_secret "l2tptunnel"
set bind_address 192.0.2.2
set iftun_address 10.20.0.1
set peer_address 10.20.0.1
set primary_dns 0.0.0.0
set secondary_dns 0.0.0.0
set primary_radius 127.0.0.1
set radius_secret "radsecret"
set radius_authtypes "chap"
set radius_accounting no
set allow_duplicate_users yes
set cli_bind_address 127.0.0.1
set send_garp no
set cluster_interface lo
set cluster_hb_timeout 31
set echo_timeout 10
load plugin "sessionctl"
EOF
chmod -R go-rwx "$LNSETC"
LNS_STARTS=0
# l2tpns_start: in $P-lns, in a session of its own (stopping, l2tpns
# signals its whole process group: that would be this script) and a
# mount namespace of its own; ip netns exec, setsid, unshare and sh all
# exec the next: $! is l2tpns. Waits for its cluster election (it answers
# nothing before) and a second more.
l2tpns_start() {
	LNS_STARTS=$((LNS_STARTS + 1))
	ip netns exec "$P-lns" setsid unshare -m --propagation private \
		sh -c 'mount --bind "$0" /etc/l2tpns && exec l2tpns -c /etc/l2tpns/startup-config' "$LNSETC" \
		>>"$T/l2tpns-out.txt" 2>&1 &
	NODE_PIDS[l2tpns]=$!
	wait_until 15 sh -c "[ \$(grep -c 'I am declaring myself the master' '$T/l2tpns-log.txt' 2>/dev/null) -ge $LNS_STARTS ]" || return 1
	sleep 1
	kill -0 "${NODE_PIDS[l2tpns]}"
}
lns_log() { grep -qE -- "$1" "$T/l2tpns-log.txt"; }
lns_count() { grep -cE -- "$1" "$T/l2tpns-log.txt"; }
nsctl_() { ip netns exec "$P-lns" nsctl -h 127.0.0.1 "$@"; }
if l2tpns_start; then
	_pass "l2tpns starts and becomes its cluster's master"
else
	_fail "l2tpns starts and becomes its cluster's master"
	sed 's/^/#   /' "$T/l2tpns-out.txt" | grep -v secret | tail -5; finish
fi
check "l2tpns set up tun0 (10.20.0.1)" sh -c "ip -n '$P-lns' addr show tun0 | grep -q 10.20.0.1"

# --- our nodes -----------------------------------------------------------------
start_bus
export VPDND_ISDN_SOCKET="$T/isdn.sock"
write_config isdn-network.conf <<'EOF'
hostname = "isdn-network"
modules = {"isdn-switch"}
isdn-switch { listen = "unix:${VPDND_ISDN_SOCKET}" }
EOF
# The LAC of etc/lac.conf, its tunnel pointed at l2tpns; HELLO every 5 s
# and a short retransmission budget (dead peer found in about 12 s).
# l2tpns refuses the Q.931 Cause Code AVP: no AVP 12 in our CDNs.
write_config lac.conf <<'EOF'
hostname = "LAC"
modules = {"isdn", "dialer", "ppp", "l2tp", "ip"}
vpdn {
  enable = true
  search-order = {"domain"}
}
vpdn-group "1" {
  request-dialin {
    protocol = "l2tp"
    domain = {"cisco.com"}
  }
  terminate-from = "l2tpns"
  initiate-to = {"192.0.2.2"}
  local-name = "LAC"
  tunnel-password = "l2tptunnel"
  source-ip = "192.0.2.1"
  tunnel-authentication = true
  hello = 5
  retransmit-retries = 3
  retransmit-timeout-min = 1
  retransmit-timeout-max = 2
  cdn-q931-cause = false
}
l2tp { listen = {"192.0.2.1"} }
isdn {
  switch-type = "primary-net5"
  network = "unix:${VPDND_ISDN_SOCKET}"
}
controller "E1 0" {
  pri-group-timeslots = "1-31"
  number = {"8211"}
  dnis-digits = 3
}
interface "Serial0:15" {
  dialer-vpdn-forward = true
  ppp-authentication = {"chap"}
  ppp-chap-hostname = "LAC"
}
EOF
# remoteN of etc/remote1.conf: its own BRI number, user remoteN@cisco.com,
# a route to l2tpns's address over Dialer1.
NUM=(- 6122 6121 6123)
for i in 1 2 3; do
	write_config "remote$i.conf" <<EOF
hostname = "remote$i"
modules = {"isdn", "dialer", "ppp", "ip"}
isdn {
  switch-type = "basic-net3"
  network = "unix:\${VPDND_ISDN_SOCKET}"
}
controller "BRI 0" { number = {"${NUM[$i]}"} }
interface "Loopback0" { ip-address = "17.17.17.$i/32" }
interface "BRI0" { dialer-pool-member = {1} }
dialer-list "1" {
  protocol = "ip"
  permit = true
}
interface "Dialer1" {
  ip-unnumbered = "Loopback0"
  ip-dialer = true
  dialer-pool = 1
  dialer-string = "8211"
  dialer-group = 1
  dialer-idle-timeout = 300
  dialer-enable-timeout = 1
  ppp-chap-hostname = "remote$i@cisco.com"
  ppp-chap-password = "cisco"
}
ip-route "10.20.0.1/32" { interface = "Dialer1" }
EOF
done
for f in isdn-network lac remote1 remote2 remote3; do
	ok "$f.conf passes --check" "$VPDND" -c "$T/$f.conf" --check
done

DBG=(-d "isdn events" -d "dialer events" -d "ppp negotiation" -d "ppp authentication"
	-d "vpdn events" -d "vpdn l2x-events" -d "vpdn l2x-errors" -d "ip events")
# node NAME NS CONF: vpdnd in namespace NS on the test's bus (ip netns exec
# execs vpdnd: $! is vpdnd itself, not a subshell).
node() {
	local host=$1 ns=$2 conf=$3 i
	ip netns exec "$ns" "$VPDND" -c "$conf" --bus "$BUS" "${DBG[@]}" >>"$T/$host.log" 2>&1 &
	NODE_PIDS[$host]=$!
	for ((i = 0; i < 200; i++)); do
		name_on_bus "$(node_name "$host")" && return 0
		kill -0 "${NODE_PIDS[$host]}" 2>/dev/null || break
		sleep 0.05
	done
	sed 's/^/#   /' "$T/$host.log"
	return 1
}
ip netns exec "$P-lac" "$VPDND" -c "$T/isdn-network.conf" --no-bus >"$T/isdn-network.log" 2>&1 &
NODE_PIDS[isdn-network]=$!
check "ISDN network listens" wait_until 10 test -S "$VPDND_ISDN_SOCKET"
node LAC "$P-lac" "$T/lac.conf" || { _fail "our LAC starts"; finish; }
for i in 1 2 3; do
	check "remote$i starts in its namespace" node "remote$i" "$P-r$i" "$T/remote$i.conf"
done
check "LAC's E1 0 registered" wait_until 10 log_has LAC "E1 0: registered"
for i in 1 2 3; do
	check "remote$i's BRI 0 registered" wait_until 10 log_has "remote$i" "BRI 0: registered"
done

ip netns exec "$P-lac" tshark -i lac0 -f "udp port 1701" -w "$T/l2tpns.pcap" -q >"$T/tshark.log" 2>&1 &
CAP_PID=$!
check "capture of L2TP on lac0" wait_until 10 grep -q "Capturing on" "$T/tshark.log"

# --- 1. remote1 dials; our LAC forwards; l2tpns + FreeRADIUS authenticate -----------
check "remote1 pings 10.20.0.1 (the call comes up on demand)" wait_s 60 r_ping 1
check "remote1 dialled 8211 on demand" log_has remote1 "DDR: Attempting to dial 8211"
check "LAC: incoming call from 6122" log_has LAC "Received a DATA call from 6122"
check "LAC: CHAP challenge as LAC" log_has LAC 'CHAP: O CHALLENGE id [0-9]+ len [0-9]+ from "LAC"'
check "LAC: PPP phase FORWARDING" log_has LAC "Se0:[0-9]+ PPP: Phase is FORWARDING"
check "LAC: O SCCRQ" log_has LAC "Tnl [0-9]+ L2TP: O SCCRQ"
check "LAC: I SCCRP from l2tpns" log_has LAC "I SCCRP from l2tpns"
check "LAC: l2tpns answered our challenge" log_has LAC "Tunnel Authentication success"
check "LAC: session wait-reply -> established" log_has LAC "Session state change from wait-reply to established"
check "l2tpns: got our SCCRQ" lns_log "SCCRQ"
check "l2tpns: got our ICRQ and ICCN" sh -c "grep -q 'ICRQ' '$T/l2tpns-log.txt' && grep -q 'ICCN' '$T/l2tpns-log.txt'"
check "remote1: LCP renegotiated by l2tpns (a second CONFREQ)" \
	sh -c "[ \$(grep -cE 'LCP: I CONFREQ' '$T/remote1.log') -ge 2 ]"
check "remote1: rejected l2tpns's MRRU through our splice" rej_has 1 "LCP: MRRU [0-9]+"
check "remote1: rejected l2tpns's Endpoint Discriminator" rej_has 1 "LCP: EndpointDisc"
check "remote1: CHAP challenge from l2tpns answered" log_has remote1 'CHAP: I CHALLENGE id [0-9]+ len [0-9]+ from "l2tpns"'
check "FreeRADIUS: Access-Accept for remote1@cisco.com" \
	sh -c "grep -q 'Login OK: \[remote1@cisco.com\]' '$T/freeradius.log' && grep -q 'Sent Access-Accept' '$T/freeradius.log'"
check "remote1: CHAP success" log_has remote1 "CHAP: I SUCCESS"
check "remote1: IPCP Open" log_has remote1 "IPCP: State is Open"
check "remote1: no illegal PPP event on the renegotiation" ! log_has remote1 "illegal event"
check "ping l2tpns's side -> remote1 (17.17.17.1)" wait_s 15 lns_ping 1
check "LAC show vpdn --json: 1 tunnel, remote1's session" vpdn_is LAC "1 1 remote1@cisco.com"
run ctl LAC show vpdn
contains "LAC show vpdn names l2tpns" "$OUT" "l2tpns"
contains "LAC show vpdn: remote address 192.0.2.2" "$OUT" "192.0.2.2"

check "remote2 pings 10.20.0.1" wait_s 60 r_ping 2
check "remote3 pings 10.20.0.1" wait_s 60 r_ping 3
check "FreeRADIUS accepted remote2 and remote3" \
	sh -c "grep -q 'Login OK: \[remote2@cisco.com\]' '$T/freeradius.log' && grep -q 'Login OK: \[remote3@cisco.com\]' '$T/freeradius.log'"
check "LAC show vpdn --json: 1 tunnel, 3 sessions" \
	wait_s 10 vpdn_is LAC "1 3 remote1@cisco.com,remote2@cisco.com,remote3@cisco.com"
check "ping l2tpns's side -> remote2" wait_s 15 lns_ping 2
check "ping l2tpns's side -> remote3" wait_s 15 lns_ping 3

# --- 2. remote1 hangs up; remote2 and remote3 stay -----------------------------------
stops=$(stopccn_from_lns)
lac_cdns=$(count LAC "O CDN to l2tpns")
r1_clears=$(count remote1 "cleared, cause|disconnected from")
r2_clears=$(count remote2 "cleared, cause|disconnected from")
r3_clears=$(count remote3 "cleared, cause|disconnected from")
CALL=$(isdn_call 1)
check "remote1 has an ISDN call ($CALL)" [ -n "$CALL" ]
ok "remote1 hangs up (clear isdn call $CALL)" ctl remote1 clear isdn call "$CALL"
check "remote1: its call went down" wait_s 10 r_cleared 1 "$r1_clears"
check "LAC: O CDN to l2tpns" wait_s 10 more LAC "O CDN to l2tpns" "$lac_cdns"
check "LAC show vpdn --json: the tunnel and the two other sessions stay" \
	wait_s 10 vpdn_is LAC "1 2 remote2@cisco.com,remote3@cisco.com"
sleep 2 # a StopCCN, if l2tpns refused our CDN, comes within one round trip
check "l2tpns sent no StopCCN (our CDN holds no AVP it refuses)" [ "$(stopccn_from_lns)" -eq "$stops" ]
check "l2tpns did not log an invalid mandatory AVP" ! lns_log "[Ii]nvalid mandatory AVP"
check "LAC show vpdn --json: still 1 tunnel, 2 sessions" vpdn_is LAC "1 2 remote2@cisco.com,remote3@cisco.com"
check "remote2's call stayed up (not cleared, not redialled)" ! r_cleared 2 "$r2_clears"
check "remote3's call stayed up" ! r_cleared 3 "$r3_clears"
check "remote2 still reaches 10.20.0.1" r_ping 2
check "remote3 still reaches 10.20.0.1" r_ping 3

# --- 3. nsctl kill remote3's session at l2tpns ----------------------------------------
r3_clears=$(count remote3 "cleared, cause|disconnected from")
ok "nsctl kill remote3@cisco.com" nsctl_ kill remote3@cisco.com
check "LAC: I CDN from l2tpns" wait_s 10 log_has LAC "I CDN from l2tpns"
check "remote3: its ISDN call went down" wait_s 15 r_cleared 3 "$r3_clears"
check "remote3: no call connected any more" wait_s 10 r_no_call 3
check "LAC show vpdn --json: remote2's session stays" wait_s 10 vpdn_is LAC "1 1 remote2@cisco.com"
check "remote2 still reaches 10.20.0.1" r_ping 2

# --- 4. clear vpdn tunnel at our LAC ----------------------------------------------------
r2_clears=$(count remote2 "cleared, cause|disconnected from")
TID=$(tunnel_id)
lns_stops=$(lns_count "Message type = 4 \(StopCCN\)")
ok "clear vpdn tunnel l2tp $TID" ctl LAC clear vpdn tunnel l2tp "$TID"
check "LAC: O StopCCN to l2tpns" wait_s 10 log_has LAC "O StopCCN to l2tpns"
check "l2tpns: got our StopCCN" wait_s 10 sh -c "[ \$(grep -cE 'Message type = 4 \(StopCCN\)' '$T/l2tpns-log.txt') -gt $lns_stops ]"
check "remote2: its ISDN call went down" wait_s 15 r_cleared 2 "$r2_clears"
check "LAC show vpdn --json: no session" wait_s 15 no_session

# --- 5. l2tpns stopped: our LAC finds it dead by HELLO ----------------------------------
# After the StopCCN, wait for the closing tunnel to go (its hold is one
# retransmission cycle), so the new calls open a new tunnel.
check "LAC: the cleared tunnel is gone" wait_s 30 vpdn_is LAC "0 0 "
check "remote1 dials again" wait_s 60 r_ping 1
check "remote2 dials again" wait_s 60 r_ping 2
check "LAC show vpdn --json: 1 tunnel, 2 sessions" wait_s 10 vpdn_is LAC "1 2 remote1@cisco.com,remote2@cisco.com"
stops=$(stopccn_from_lns)
r1_clears=$(count remote1 "cleared, cause|disconnected from")
r2_clears=$(count remote2 "cleared, cause|disconnected from")
hellos=$(count LAC "O HELLO")
stop_node l2tpns
check "l2tpns stopped (SIGTERM: it keeps its tunnels, sends nothing)" [ "$(stopccn_from_lns)" -eq "$stops" ]
check "LAC: HELLO sent to the silent peer" wait_s 15 more LAC "O HELLO" "$hellos"
check "LAC: the tunnel is gone (dead peer, HELLO unanswered)" wait_s 30 vpdn_is LAC "0 0 "
check "LAC: no StopCCN came from l2tpns" [ "$(stopccn_from_lns)" -eq "$stops" ]
check "remote1: its ISDN call went down" wait_s 15 r_cleared 1 "$r1_clears"
check "remote2: its ISDN call went down" wait_s 15 r_cleared 2 "$r2_clears"
check "remote1: no call connected any more" wait_s 10 r_no_call 1
check "remote2: no call connected any more" wait_s 10 r_no_call 2

# --- 6. l2tpns restarted while our LAC holds the dead tunnel ----------------------------
check "l2tpns starts again" l2tpns_start
check "remote1 dials through the new l2tpns" wait_s 60 r_ping 1
check "LAC show vpdn --json: 1 tunnel, remote1's session" wait_s 10 vpdn_is LAC "1 1 remote1@cisco.com"
r1_clears=$(count remote1 "cleared, cause|disconnected from")
OLD_TID=$(tunnel_id)
hellos=$(count LAC "O HELLO")
stop_node l2tpns
check "l2tpns restarts at once" l2tpns_start
check "LAC still holds the tunnel the new l2tpns does not know" vpdn_is LAC "1 1 remote1@cisco.com"
check "LAC: HELLO sent into the dead tunnel" wait_s 15 more LAC "O HELLO" "$hellos"
check "LAC: the dead tunnel is cleared" wait_s 30 tunnel_gone "$OLD_TID"
check "remote1: its ISDN call went down with it" wait_s 15 r_cleared 1 "$r1_clears"
check "remote1 dials again: a new tunnel" wait_s 60 r_ping 1
check "LAC show vpdn --json: 1 tunnel, remote1's session" wait_s 10 vpdn_is LAC "1 1 remote1@cisco.com"
check "the new tunnel is not the dead one" [ "$(tunnel_id)" != "$OLD_TID" ]
check "ping l2tpns's side -> remote1" wait_s 15 lns_ping 1

# --- the capture ----------------------------------------------------------------------
sleep 0.5
kill -TERM "$CAP_PID" 2>/dev/null
wait "$CAP_PID" 2>/dev/null
CAP_PID=""
check "capture decodes in tshark" sh -c "tshark -r '$T/l2tpns.pcap' >'$T/tshark-read.txt' 2>&1"
check "capture: 0 malformed packets" ! grep -qiE 'malformed|\[Exception' "$T/tshark-read.txt"
check "capture holds SCCRQ, SCCRP, SCCCN, ICRQ, ICRP, ICCN, CDN, StopCCN, Hello" sh -c \
	"for m in SCCRQ SCCRP SCCCN ICRQ ICRP ICCN CDN StopCCN Hello; do grep -q \"\$m\" '$T/tshark-read.txt' || exit 1; done"
check "capture: our ICCNs carry proxy LCP and proxy authentication AVPs" sh -c \
	"[ \$(tshark -r '$T/l2tpns.pcap' -Y 'l2tp.avp.type == 26 && l2tp.avp.type == 29 && l2tp.avp.type == 33' 2>/dev/null | wc -l) -ge 3 ]"
check "capture: no CDN from us carries the Q.931 Cause Code AVP (12)" sh -c \
	"[ \$(tshark -r '$T/l2tpns.pcap' -Y 'ip.src == 192.0.2.1 && l2tp.avp.type == 12' 2>/dev/null | wc -l) -eq 0 ]"
check "capture holds PPP LCP, CHAP and IPCP" sh -c \
	"grep -q 'LCP' '$T/tshark-read.txt' && grep -q 'CHAP' '$T/tshark-read.txt' && grep -q 'IPCP' '$T/tshark-read.txt'"
check "no secret in our nodes' logs nor FreeRADIUS's" sh -c \
	"! grep -qE '(^|[^@[:alnum:]_.])cisco([^.@[:alnum:]_]|$)|l2tptunnel|radsecret' '$T'/*.log"
for n in LAC remote1 remote2 remote3 isdn-network freeradius; do
	check "$n still runs" kill -0 "${NODE_PIDS[$n]}"
done
finish
