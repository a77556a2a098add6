#!/bin/bash
# SPDX-License-Identifier: MIT
# auth-radius against a real FreeRADIUS (issue #16): the reference
# scenario (docs/SCENARIO.md) in network namespaces with the LNS
# authenticating, authorizing and accounting through `freeradius -X`,
# which runs in the LNS's namespace on its loopback with its own raddb
# directory under $T (never as a system service).
#
#  1. remote1 pings local1: the LAC forwards remote1@cisco.com, the LNS
#     (no auth-local loaded, no local address for the user) asks
#     FreeRADIUS: CHAP accepted, the address is the Framed-IP-Address,
#     pings go through; Accounting Start lands in the detail file with
#     the Class FreeRADIUS gave, an Interim-Update follows
#     (Acct-Interim-Interval 10 s). The Framed-Route 10.77.0.0/16 is
#     installed through the session's Vi (a default route and a third
#     party's gateway refused), Framed-IP-Address wins over Framed-Pool.
#  2. radclient's CoA-Request shortens the Session-Timeout (25 s from
#     FreeRADIUS) to 20 s, which then ends the session: the Stop says
#     Session-Timeout and carries the session's octets.
#  3. remote1's profile with a wrong CHAP secret: Access-Reject, the
#     session is refused (CDN); remote1 sees FreeRADIUS's Reply-Message
#     in the CHAP Failure.
#  3b. remote1 again; FreeRADIUS stopped: the session stays, its
#     Interim-Update and Stop queue and are delivered in order, nothing
#     lost, once FreeRADIUS is started again. radclient's
#     Disconnect-Request (while FreeRADIUS is away) with a wrong secret
#     is ignored, one naming another session is NAKed (Error-Cause 503),
#     the right one is ACKed and ends the session (CDN, Stop with
#     Admin-Reset).
#  4. the LNS reloaded with a wrong shared secret: FreeRADIUS drops our
#     requests (their Message-Authenticator does not verify), the user is
#     refused with "no RADIUS server answered" and nothing else breaks.
#  5. a fake server answering with the wrong secret / without a
#     Message-Authenticator: every answer dropped and counted
#     (radius_bad_answers_total), the user refused; `vpdnctl show
#     radius` (and --json) shows the server, its counters and queues.
#  7. acct-spool: a Stop queued while FreeRADIUS is away survives a
#     restart of the LNS and arrives when FreeRADIUS is back.
#  8. restart in place (vpdnctl restart) with a session up: one Start,
#     one Stop with the same Acct-Session-Id, a session time spanning
#     the restart, Class and the octets of before it kept.
P=vrad$$
. "$VPDND_SOURCE_ROOT/tests/scenario/lib-radius.sh"
DBG=(-d "isdn events" -d "ppp negotiation" -d "ppp authentication" -d "vpdn events"
	-d "vpdn l2x-events" -d "vtemplate" -d "ip events")

# --- configs -------------------------------------------------------------------
for f in isdn-network lac remote1; do
	install -m 600 "$ETC/$f.conf" "$T/$f.conf"
done
sed -i 's/^\(  dialer-idle-timeout = 300\)$/\1\n  dialer-enable-timeout = 1/' "$T/remote1.conf"
cat >>"$T/remote1.conf" <<'EOF'
interface "Dialer2" {
  ip-unnumbered = "Loopback0"
  dialer-pool = 1
  dialer-string = "8211"
  dialer-enable-timeout = 1
  ppp-chap-hostname = "remote1@cisco.com"
  ppp-chap-password = "wrong-secret"
}
EOF
# The LNS: auth-radius instead of auth-local, no username sections (the
# address can only come from RADIUS: the template gives none).
# Dual stack as the example: the Stop's counters are compared with the
# interface's, which count the RAs and RSs the ip module exchanges with
# the user itself as the PPP link's do.
sed -e 's/modules = {"auth-local", /modules = {"auth-radius", /' \
    -e '/^username /d' "$ETC/lns.conf" >"$T/lns.conf"
cat >>"$T/lns.conf" <<'EOF'
radius {
  server "127.0.0.1" { secret = "radsecret" }
  timeout = 1
  retries = 2
  dead-time = 5
  nas-identifier = "LNS"
  nas-ip-address = "18.18.18.2"
  dynamic-authorization {
    listen = "127.0.0.1"
    client "127.0.0.1" { secret = "daesecret" }
  }
}
EOF
# every copy keeps its accounting queue on disk too (section 7)
sed -i "s|^  nas-identifier = \"LNS\"\$|&\n  acct-spool = \"$T/spool\"|" "$T/lns.conf"
# section 8's restart in place writes its state here, not in /run/vpdnd
sed -i "1i state-directory = \"$T/state\"" "$T/lns.conf"
sed 's/secret = "radsecret"/secret = "wrong-secret"/' "$T/lns.conf" >"$T/lns-badsecret.conf"
cp "$T/lns.conf" "$T/lns-good.conf"
# two servers, the first (127.0.0.2: nothing listens) dead
sed 's/^  server "127.0.0.1" { secret = "radsecret" }$/  server "127.0.0.2" { secret = "radsecret" }\n&/' "$T/lns.conf" >"$T/lns-two.conf"
chmod 600 "$T"/*.conf
check "LNS copy loads auth-radius, not auth-local" grep -q '"auth-radius", "dialer"' "$T/lns.conf"
check "LNS copy has no local users" sh -c "! grep -q '^username' '$T/lns.conf'"
check "the two-server copy lists 127.0.0.2 first" sh -c "grep -n 'server \"127.0.0' '$T/lns-two.conf' | head -1 | grep -q 127.0.0.2"
for f in isdn-network lac remote1 lns lns-badsecret lns-two; do
	ok "$f.conf passes --check" "$VPDND" -c "$T/$f.conf" --check
done

# --- FreeRADIUS: its own raddb (files, chap, pap, detail) ------------------------
RADDB=$T/raddb
raddb_write "$RADDB" radsecret 2 'Login refused\tcall 555-0100'
cat >"$RADDB/users" <<'EOF'
"remote1@cisco.com" Cleartext-Password := "cisco"
	Service-Type = Framed-User,
	Framed-Protocol = PPP,
	Framed-IP-Address = 17.17.17.1,
	Session-Timeout = 25,
	Acct-Interim-Interval = 10,
	Class = "gold-subscriber",
	Framed-Route = "10.77.0.0/16 0.0.0.0 5",
	Framed-Route = "0.0.0.0/0 0.0.0.0 1",
	Framed-Route = "17.17.17.0/24 10.9.9.9 1",
	Framed-Pool = "gold"

DEFAULT Auth-Type := Reject
	Reply-Message = "unknown user"
EOF
chmod -R go-rwx "$RADDB"

# --- network and nodes -------------------------------------------------------------
check "namespaces up, wired as in the scenario" scenario_net_up "$P"
# FreeRADIUS's -X output repeats passwords: kept as .txt, out of make
# check's scan of the nodes' logs (ours must be clean).
ip netns exec "$P-LNS" freeradius -d "$RADDB" -X >"$T/freeradius.txt" 2>&1 &
NODE_PIDS[freeradius]=$!
if wait_s 20 grep -q "Ready to process requests" "$T/freeradius.txt"; then
	_pass "freeradius -X ready in the LNS's namespace"
else
	_fail "freeradius -X ready"; sed 's/^/#   /' "$T/freeradius.txt" | tail -20; finish
fi
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
check "LNS: auth-radius configured" in_log LNS "AUTH-RADIUS: 1 server, timeout 1000 ms x 2 tries"

# --- 1. dial-in authenticated by FreeRADIUS --------------------------------------
check "remote1 17.17.17.1 pings local1 17.17.17.3 through the LNS" pings remote1 -I 17.17.17.1 17.17.17.3
check "LNS: Access-Request starts with a Message-Authenticator, masked" \
	in_log LNS "RADIUS:  Message-Authenticator = <16 octets masked>"
check "LNS: CHAP-Password sent masked" in_log LNS "RADIUS:  CHAP-Password = <17 octets masked>"
check "LNS: FreeRADIUS accepted remote1 (CHAP), address from Framed-IP-Address" \
	in_log LNS 'AUTH-RADIUS: CHAP user "remote1@cisco.com" accepted, address from Framed-IP-Address'
check "LNS: the answer's Message-Authenticator verified (no answer dropped)" \
	sh -c "! grep -q 'RADIUS: .* dropped' '$T/LNS.log'"
check "LNS: route to 17.17.17.1 (the Framed-IP-Address) installed" \
	in_log LNS "Vi[0-9]+ IPCP: Install route to 17.17.17.1"
check "FreeRADIUS: CHAP login OK for remote1@cisco.com" \
	grep -q 'Login OK: \[remote1@cisco.com' "$T/freeradius.txt"
# framed_route PREFIX: the LNS's kernel route to PREFIX through a Vi
framed_route() { in_ns "$P" LNS ip route show "$1" 2>/dev/null | grep -E 'dev vi[0-9]+'; }
no_framed_route() { ! framed_route "$1" >/dev/null; }
check "LNS: Framed-Route 10.77.0.0/16 installed through the session's Vi, metric 5" \
	sh -c "echo '$(framed_route 10.77.0.0/16)' | grep -q 'metric 5'"
check "LNS: the default route and the third-party gateway refused (line, count)" \
	in_log LNS 'AUTH-RADIUS: user "remote1@cisco.com": 2 routes refused, first: Framed-Route "0.0.0.0/0 0.0.0.0 1": a default route'
check "LNS: no default route through a Vi" no_framed_route default
check "LNS: Framed-IP-Address wins over Framed-Pool \"gold\"" \
	in_log LNS 'CHAP user "remote1@cisco.com" accepted, address from Framed-IP-Address$'
check "local1 pings remote1 back" pings local1 17.17.17.1
check "detail file: Accounting Start" wait_s 10 detail_has Start 1
START=$(detail_last Start)
contains "Start: User-Name" "$START" 'User-Name = "remote1@cisco.com"'
contains "Start: Class echoed" "$START" 'Class = 0x676f6c642d73756273637269626572'
contains "Start: Framed-IP-Address" "$START" "Framed-IP-Address = 17.17.17.1"
contains "Start: NAS-Identifier" "$START" 'NAS-Identifier = "LNS"'
contains "Start: NAS-IP-Address" "$START" "NAS-IP-Address = 18.18.18.2"
contains "Start: NAS-Port-Type Virtual" "$START" "NAS-Port-Type = Virtual"
contains "Start: NAS-Port-Id names the Virtual-Access" "$START" 'NAS-Port-Id = "Vi'
contains "Start: Acct-Session-Id" "$START" "Acct-Session-Id = "
check "detail file: an Interim-Update (Acct-Interim-Interval 10 s)" wait_s 15 detail_has Interim-Update 1

# --- 2. CoA, then Session-Timeout -------------------------------------------------------
SID_START=$(echo "$START" | sed -n 's/.*Acct-Session-Id = "\(.*\)"/\1/p')
dae() { # CODE SECRET ATTRS...: radclient from the LNS's namespace to our port 3799
	local code=$1 secret=$2
	shift 2
	printf '%s\n' "$@" | in_ns "$P" LNS radclient -x -r 1 -t 2 127.0.0.1:3799 "$code" "$secret" >"$T/radclient.txt" 2>&1
}
check "CoA-Request Session-Timeout 20 ACKed" dae coa daesecret "Acct-Session-Id = \"$SID_START\"" "Session-Timeout = 20"
check "radclient got a CoA-ACK" grep -q "Received CoA-ACK" "$T/radclient.txt"
check "LNS: the CoA logged" in_log LNS "AUTH-RADIUS: CoA-Request: Session-Timeout 20$"
check "LNS: Session-Timeout (now 20 s) ends the session" wait_s 20 in_log LNS "AUTH-RADIUS: Session-Timeout expired"
check "detail file: Accounting Stop" wait_s 10 detail_has Stop 1
STOP=$(detail_last Stop)
contains "Stop: Acct-Terminate-Cause Session-Timeout" "$STOP" "Acct-Terminate-Cause = Session-Timeout"
contains "Stop: Class echoed" "$STOP" 'Class = 0x676f6c642d73756273637269626572'
check "Stop: input octets counted" sh -c "echo '$STOP' | grep -qE 'Acct-Input-Octets = [1-9]'"
check "Stop: output packets counted" sh -c "echo '$STOP' | grep -qE 'Acct-Output-Packets = [1-9]'"
check "Stop: Acct-Session-Time 20 s (the CoA's, not FreeRADIUS's 25)" \
	sh -c "echo '$STOP' | grep -qE 'Acct-Session-Time = (19|20|21)$'"
contains "Stop: same Acct-Session-Id as the Start" "$STOP" "Acct-Session-Id = \"$SID_START\""
check "LNS: the session is gone (CDN)" wait_s 10 in_log LNS "O CDN to LAC"
check "LNS: the Framed-Route went with the session" \
	wait_s 10 no_framed_route 10.77.0.0/16
check "detail file: one Start, one Stop so far (nothing lost, nothing twice)" \
	sh -c "[ $(detail_count Start) -eq 1 ] && [ $(detail_count Stop) -eq 1 ]"

# --- 3. a wrong CHAP secret: Access-Reject ---------------------------------------------
ok "debug ppp authentication on remote1 (to see the CHAP Failure)" ctl remote1 debug ppp authentication
ok "remote1 dials Dialer2 (wrong CHAP secret)" ctl remote1 dial Dialer2
check "LNS: rejected by RADIUS" \
	wait_s 15 in_log LNS 'CHAP authentication of user "remote1@cisco.com" failed: rejected by RADIUS'
check "FreeRADIUS: Login incorrect" grep -q 'Login incorrect' "$T/freeradius.txt"
check "remote1 sees FreeRADIUS's Reply-Message (tab made '?') in the CHAP Failure" \
	wait_s 10 in_log remote1 'CHAP: I FAILURE id [0-9]+ len 31 msg is "Login refused\?call 555-0100"'
check "LNS: the Reply-Message sent, not the local reason" \
	sh -c "! grep -q 'msg is \"rejected by RADIUS' '$T/LNS.log'"
ok "debug ppp authentication off on remote1" ctl remote1 undebug ppp authentication
check "LNS: CDN to the LAC after the reject" wait_s 10 sh -c "[ \$(grep -c 'O CDN to LAC' '$T/LNS.log') -ge 2 ]"
check "no accounting for a rejected user" sh -c "[ $(detail_count Start) -eq 1 ]"

# --- 3b. Disconnect-Request ---------------------------------------------------------------
wait_s 10 sh -c "! ctl remote1 show dialer | grep -q connected" || true
check "remote1 dials Dialer1 (the right secret)" wait_s 20 ctl remote1 dial Dialer1
check "LNS: remote1 accepted again" \
	wait_s 20 sh -c "[ \$(grep -c 'AUTH-RADIUS: CHAP user \"remote1@cisco.com\" accepted' '$T/LNS.log') -eq 2 ]"
check "detail file: the second Start" wait_s 10 detail_has Start 2
SID2=$(detail_last Start | sed -n 's/.*Acct-Session-Id = "\(.*\)"/\1/p')
check "remote1 pings local1 over the second session" pings remote1 -I 17.17.17.1 17.17.17.3
# dual stack: IPv6 traffic too, for the ERX-IPv6-Acct-* counters (#18)
has_global6() { in_ns "$P" remote1 ip -6 -o addr show dev dialer1 scope global | grep -q inet6; }
check "remote1: a global IPv6 address from the LNS's RA" wait_s 20 has_global6
check "remote1 pings local1 over IPv6 (2001:db8:1020::32), 5 at 0.2 s" \
	in_ns "$P" remote1 ping -6 -c 5 -i 0.2 -W 2 2001:db8:1020::32
check "a new Acct-Session-Id" sh -c "[ -n '$SID2' ] && [ '$SID2' != '$SID_START' ]"
# FreeRADIUS stopped: the session stays up, its records queue (an
# Interim-Update, then the Stop of the Disconnect below) and arrive in
# order once it is back.
_stop_pid "${NODE_PIDS[freeradius]}"
unset "NODE_PIDS[freeradius]"
check "LNS: accounting server declared dead while FreeRADIUS is away" \
	wait_s 20 sh -c "[ \$(grep -c 'RADIUS: server 127.0.0.1 from alive to dead' '$T/LNS.log') -ge 1 ]"
acct_queued() { # N: at least N records queued
	[ "$(ctl LNS --json show radius | python3 -c 'import json, sys; print(json.load(sys.stdin)["acct_queued"])')" -ge "$1" ]
}
check "an Interim-Update queues while no server answers" wait_s 15 acct_queued 1
check "the session is still up" vpdn_has LNS 1
# the Virtual-Access's counters, the session idle from here on
IFC=$(ctl LNS --json show interfaces | python3 -c '
import json, sys
d = json.load(sys.stdin)
rows = d if isinstance(d, list) else d.get("interfaces", [])
for r in rows:
    if r.get("user") == "remote1@cisco.com":
        print(r["bytes_in"], r["bytes_out"], r["packets_in"], r["packets_out"],
              r["ipv6_bytes_in"], r["ipv6_bytes_out"], r["ipv6_packets_in"], r["ipv6_packets_out"])
        break')
check "the Virtual-Access's counters read (in out pkts-in pkts-out, the same IPv6: $IFC)" [ -n "$IFC" ]
run ctl LNS show interfaces
contains "show interfaces: the IPv6 counters" "$OUT" "IPv6: "
check "the Interim-Update carries the IPv6 counters (ERX, vendor 4874)" \
	sh -c "echo '$(detail_last Interim-Update)' | grep -qE 'ERX-IPv6-Acct-Input-Octets = [0-9]'"
ko "Disconnect-Request with a wrong secret: no answer" dae disconnect wrong-secret "Acct-Session-Id = \"$SID2\""
check "LNS: it was dropped (authenticator)" in_log LNS "RADIUS DAE: datagram from 127.0.0.1:[0-9]+ dropped: authenticator does not verify"
ko "Disconnect-Request for another session: NAK" dae disconnect daesecret 'Acct-Session-Id = "no-such-session"'
check "radclient got a Disconnect-NAK with Error-Cause 503" \
	sh -c "grep -q 'Received Disconnect-NAK' '$T/radclient.txt' && grep -qE 'Error-Cause = (Session-Context-Not-Found|503)' '$T/radclient.txt'"
check "the session survived both" vpdn_has LNS 1
ok "Disconnect-Request by Acct-Session-Id and User-Name: ACK" dae disconnect daesecret \
	"Acct-Session-Id = \"$SID2\"" 'User-Name = "remote1@cisco.com"'
check "radclient got a Disconnect-ACK" grep -q "Received Disconnect-ACK" "$T/radclient.txt"
check "LNS: CDN to the LAC for the disconnected session" \
	wait_s 10 sh -c "[ \$(grep -c 'O CDN to LAC' '$T/LNS.log') -ge 3 ]"
check "LNS: no session left" wait_s 10 vpdn_has LNS 0
check "the Stop queues behind the Interim-Update" acct_queued 2
# The server cycles dead -> tried again after dead-time (5 s) -> dead
# while FreeRADIUS is away; on a loaded machine the steps above can take
# longer than the dead-time, so wait for a dead phase.
radius_dead() { ctl LNS show radius | grep -q dead; }
wait_s 15 radius_dead
run ctl LNS show radius
contains "show radius: the server dead" "$OUT" "dead"
ip netns exec "$P-LNS" freeradius -d "$RADDB" -X >>"$T/freeradius.txt" 2>&1 &
NODE_PIDS[freeradius]=$!
check "freeradius -X back" wait_s 20 sh -c "[ \$(grep -c 'Ready to process requests' '$T/freeradius.txt') -ge 2 ]"
check "the queue drains once it answers" wait_s 20 acct_queued_zero
check "detail file: the second Stop" wait_s 10 detail_has Stop 2
# the second session's records, in the order FreeRADIUS wrote them
SEQ2=$(awk -v sid="Acct-Session-Id = \"$SID2\"" '/^[A-Z][a-z][a-z] /{r=""; t=""} /Acct-Status-Type/{t=$3} {r=r $0 "\n"} /^$/{if (index(r, sid)) printf "%s ", t}' "$RADDB/detail")
check "second session: Start, Interim-Update(s), Stop, in order, nothing lost" \
	sh -c "echo '$SEQ2' | grep -qE '^Start (Interim-Update )+Stop \$'"
stop_matches_interface() { # the Stop's octets and packets vs the interface, within one packet
	detail_last Stop | python3 -c '
import re, sys
rec = sys.stdin.read()
v = {k: int(n) for k, n in re.findall(r"((?:ERX-IPv6-)?Acct-(?:In|Out)put-(?:Octets|Packets)) = (\d+)", rec)}
bi, bo, pi, po, bi6, bo6, pi6, po6 = map(int, sys.argv[1].split())
print("stop", v, "interface", bi, bo, pi, po, "IPv6", bi6, bo6, pi6, po6)
ok = (abs(v["Acct-Input-Octets"] - bi) <= 1500 and abs(v["Acct-Output-Octets"] - bo) <= 1500 and
      abs(v["Acct-Input-Packets"] - pi) <= 1 and abs(v["Acct-Output-Packets"] - po) <= 1 and
      v["Acct-Input-Packets"] >= 5)
# IPv6 (ERX-IPv6-Acct-*): within two packets (an RA may leave between the two reads)
ok6 = (abs(v["ERX-IPv6-Acct-Input-Octets"] - bi6) <= 3000 and
       abs(v["ERX-IPv6-Acct-Output-Octets"] - bo6) <= 3000 and
       abs(v["ERX-IPv6-Acct-Input-Packets"] - pi6) <= 2 and
       abs(v["ERX-IPv6-Acct-Output-Packets"] - po6) <= 2 and
       v["ERX-IPv6-Acct-Input-Packets"] >= 5 and v["ERX-IPv6-Acct-Output-Packets"] >= 5 and
       v["ERX-IPv6-Acct-Input-Octets"] < v["Acct-Input-Octets"])
print("totals", ok, "IPv6", ok6)
sys.exit(0 if ok and ok6 else 1)' "$IFC"
}
check "the Stop's octets and packets match the interface counters (IPv6 too, ERX-IPv6-Acct-*)" stop_matches_interface
check "the Interim-Update that waited carries its Acct-Delay-Time" \
	sh -c "echo '$(detail_last Interim-Update)' | grep -qE 'Acct-Delay-Time = [1-9]'"
contains "Stop: Acct-Terminate-Cause Admin-Reset" "$(detail_last Stop)" "Acct-Terminate-Cause = Admin-Reset"

# --- 4. the wrong shared secret -----------------------------------------------------------
wait_s 10 sh -c "! ctl remote1 show dialer | grep -q connected" || true
cp "$T/lns-badsecret.conf" "$T/lns.conf"
ok "LNS reloads with a wrong shared secret" ctl LNS reload
check "remote1 dials Dialer1 again" ctl remote1 dial Dialer1
check "FreeRADIUS drops our requests: their Message-Authenticator does not verify" \
	wait_s 20 grep -qiE 'Message-Authenticator|Shared secret is incorrect' "$T/freeradius.txt"
check "LNS: the user refused, no server answered" \
	wait_s 20 in_log LNS 'CHAP authentication of user "remote1@cisco.com" failed: no RADIUS server answered'
check "LNS: the server declared dead after its tries" in_log LNS "RADIUS: server 127.0.0.1 from alive to dead"

# --- 5. answers with the wrong secret or no Message-Authenticator ----------------------------
# A fake server on another port answers every Access-Request (and each
# retransmission) with an Access-Accept, alternately signed with a wrong
# secret, and with the right Response Authenticator but no
# Message-Authenticator.
cat >"$T/fake-radius.py" <<'EOF'
import hashlib, hmac, socket, struct, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 18120))
n = 0
while True:
    d, a = s.recvfrom(4096)
    if len(d) < 20:
        continue
    n += 1
    # odd: signed with a wrong secret; even: the right secret (a
    # BlastRADIUS forger's Response Authenticator) but no
    # Message-Authenticator
    secret = b"not-the-secret" if n % 2 else b"radsecret"
    attrs = bytes([6, 6, 0, 0, 0, 2])
    if n % 2:
        attrs += bytes([80, 18]) + bytes(16)
    pkt = bytearray(bytes([2, d[1]]) + struct.pack(">H", 20 + len(attrs)) + d[4:20] + attrs)
    if n % 2:
        pkt[28:44] = hmac.new(secret, bytes(pkt), hashlib.md5).digest()
    pkt[4:20] = hashlib.md5(bytes(pkt) + secret).digest()
    s.sendto(bytes(pkt), a)
EOF
ip netns exec "$P-LNS" python3 "$T/fake-radius.py" >"$T/fake-radius.txt" 2>&1 &
NODE_PIDS[fake-radius]=$!
# Listening before the first Access-Request: otherwise that one is lost
# and only its retransmission (signed with the wrong secret) is answered.
fake_up() { ip netns exec "$P-LNS" ss -Hlun 'sport = :18120' | grep -q .; }
check "the fake server listens" wait_s 10 fake_up
sed 's/server "127.0.0.1" { secret = "wrong-secret" }/server "127.0.0.1" { secret = "radsecret" auth-port = 18120 }/' \
	"$T/lns-badsecret.conf" >"$T/lns.conf"
check "LNS copy points at the fake server" grep -q "auth-port = 18120" "$T/lns.conf"
wait_s 10 sh -c "! ctl remote1 show dialer | grep -q connected" || true
ok "LNS reloads toward the fake server" ctl LNS reload
# (Dialer1 may still be in its enable-timeout after the last refusal)
check "remote1 dials Dialer1 again" wait_s 20 ctl remote1 dial Dialer1
check "LNS: an answer signed with the wrong secret dropped" \
	wait_s 40 in_log LNS "Access-Accept id [0-9]+ from 127.0.0.1 dropped: authenticator does not verify"
check "LNS: an answer without Message-Authenticator dropped" \
	wait_s 40 in_log LNS "Access-Accept id [0-9]+ from 127.0.0.1 dropped: no Message-Authenticator"
check "LNS: the forged accepts never authenticate the user" \
	wait_s 20 sh -c "[ \$(grep -c 'failed: no RADIUS server answered' '$T/LNS.log') -ge 2 ]"
check "LNS: no forged acceptance (2 accepts, both FreeRADIUS's)" sh -c "[ \$(grep -c 'AUTH-RADIUS: CHAP user \"remote1@cisco.com\" accepted' '$T/LNS.log') -eq 2 ]"

# --- 6. two servers, the first dead -----------------------------------------------------------
wait_s 10 sh -c "! ctl remote1 show dialer | grep -q connected" || true
cp "$T/lns-two.conf" "$T/lns.conf"
ok "LNS reloads with two servers, the first dead" ctl LNS reload
accepts() { grep -c 'AUTH-RADIUS: CHAP user "remote1@cisco.com" accepted' "$T/LNS.log"; }
t6=$SECONDS
check "remote1 dials Dialer1" wait_s 20 ctl remote1 dial Dialer1
check "LNS: 127.0.0.2 given up after its 2 tries, declared dead" \
	wait_s 15 in_log LNS "RADIUS: server 127.0.0.2 from alive to dead \(2 tries unanswered\)"
check "LNS: failed over to 127.0.0.1, remote1 accepted" wait_s 15 sh -c "[ \$(grep -c 'AUTH-RADIUS: CHAP user \"remote1@cisco.com\" accepted' '$T/LNS.log') -eq 3 ]"
check "failover within the tries' budget (2 x 1 s, plus the dial)" [ $((SECONDS - t6)) -le 10 ]
# tries to 127.0.0.2: the first send and each "no answer, try N" resend
sends2() { grep -cE "RADIUS: (send Access-Request id [0-9]+|auth id [0-9]+) to 127.0.0.2" "$T/LNS.log"; }
N2=$(sends2)
check "exactly 2 tries went to 127.0.0.2" [ "$N2" -eq 2 ]
check "its accounting went to 127.0.0.1 (the Start in the detail file)" wait_s 10 detail_has Start 3
ok "Disconnect-Request ends it" dae disconnect daesecret 'User-Name = "remote1@cisco.com"'
check "LNS: no session left" wait_s 10 vpdn_has LNS 0
wait_s 10 sh -c "! ctl remote1 show dialer | grep -q connected" || true
check "remote1 dials again within the dead-time" wait_s 20 ctl remote1 dial Dialer1
check "LNS: accepted again" wait_s 15 sh -c "[ \$(grep -c 'AUTH-RADIUS: CHAP user \"remote1@cisco.com\" accepted' '$T/LNS.log') -eq 4 ]"
if [ $((SECONDS - t6)) -lt 9 ]; then
	check "dead-time respected: no request to 127.0.0.2 this time" [ "$(sends2)" -eq "$N2" ]
else
	_pass "dead-time respected: (skipped, the dial took longer than the 5 s dead-time)"
fi
ok "Disconnect-Request ends it" dae disconnect daesecret 'User-Name = "remote1@cisco.com"'
check "LNS: no session left" wait_s 10 vpdn_has LNS 0

# --- vpdnctl show radius --------------------------------------------------------------------
run ctl LNS show radius
contains "show radius lists the server" "$OUT" "127.0.0.1"
contains "show radius shows the queues" "$OUT" "Accounting: 0 queued, 0 dropped"
lacks "show radius shows no secret" "$OUT" "radsecret"
radius_json_ok() {
	ctl LNS --json show radius | python3 -c '
import json, sys
d = json.load(sys.stdin)
dead, live = d["servers"]
assert dead["address"] == "127.0.0.2" and live["address"] == "127.0.0.1", d
assert dead["access_requests"] >= 1 and dead["retransmissions"] >= 1 and dead["timeouts"] >= 1, dead
assert dead["answers"] == 0, dead
assert live["answers"] >= 2 and live["dropped_answers"] == 0, live
assert d["acct_queued"] == 0 and d["sessions"] == 0, d
'
}
check "show radius --json: the dead server's tries and timeouts, the live one's answers" radius_json_ok
radius_introspect() { # the running object matches dbus/org.vpdnd.Radius1.xml
	busctl --address="$(bus_of LNS)" call org.vpdnd.Node.LNS /org/vpdnd/module/auth_2dradius \
		org.freedesktop.DBus.Introspectable Introspect >"$T/intro-radius.busctl" &&
	python3 "$VPDND_SOURCE_ROOT/tests/integration/introspect-compare.py" \
		"$VPDND_SOURCE_ROOT/dbus/org.vpdnd.Radius1.xml" "$T/intro-radius.busctl"
}
check "org.vpdnd.Radius1 introspection matches dbus/org.vpdnd.Radius1.xml" radius_introspect

# --- 7. the accounting queue survives a restart of the node (acct-spool) ----------------------
# A session up, FreeRADIUS stopped, the session ended (its Stop queues),
# the LNS stopped and started again, FreeRADIUS back: the Stop arrives.
spooled() { ls "$T/spool"/*.acct 2>/dev/null | wc -l; }
check "LNS config keeps the queue in $T/spool" grep -q "acct-spool = \"$T/spool\"" "$T/lns.conf"
wait_s 10 sh -c "! ctl remote1 show dialer | grep -q connected" || true
STOPS=$(detail_count Stop)
check "remote1 dials Dialer1" wait_s 20 ctl remote1 dial Dialer1
check "LNS: accepted" wait_s 15 sh -c "[ \$(grep -c 'AUTH-RADIUS: CHAP user \"remote1@cisco.com\" accepted' '$T/LNS.log') -eq 5 ]"
check "detail file: its Start" wait_s 10 detail_has Start 5
SID7=$(detail_last Start | sed -n 's/.*Acct-Session-Id = "\(.*\)"/\1/p')
check "the spool empties once the Start is acknowledged" wait_s 10 sh -c "[ \$(ls '$T/spool' | grep -c '\.acct\$') -eq 0 ]"
_stop_pid "${NODE_PIDS[freeradius]}"
unset "NODE_PIDS[freeradius]"
ok "Disconnect-Request ends it" dae disconnect daesecret "Acct-Session-Id = \"$SID7\""
check "LNS: no session left" wait_s 10 vpdn_has LNS 0
check "its Stop is queued, on disk" wait_s 10 sh -c "[ \$(ls '$T/spool' | grep -c '\.acct\$') -ge 1 ]"
_stop_pid "${NODE_PIDS[LNS]}"
check "LNS at stop: the records kept in the spool" in_log LNS "accounting records undelivered at stop, kept in $T/spool"
check "the Stop's file is still there after the stop ($(spooled))" [ "$(spooled)" -ge 1 ]
check "LNS starts again" launch LNS "$T/lns.conf"
check "LNS: the previous run's records queued first" \
	wait_s 10 in_log LNS "acct-spool $T/spool: [1-9][0-9]* records from the previous run queued"
ip netns exec "$P-LNS" freeradius -d "$RADDB" -X >>"$T/freeradius.txt" 2>&1 &
NODE_PIDS[freeradius]=$!
check "freeradius -X back" wait_s 20 sh -c "[ \$(grep -c 'Ready to process requests' '$T/freeradius.txt') -ge 3 ]"
check "detail file: the Stop from before the restart arrives" wait_s 30 detail_has Stop $((STOPS + 1))
contains "it is the ended session's Stop" "$(detail_last Stop)" "Acct-Session-Id = \"$SID7\""
check "its Acct-Delay-Time counts the time it waited" \
	sh -c "echo '$(detail_last Stop)' | grep -qE 'Acct-Delay-Time = [1-9]'"
check "the spool is empty" wait_s 10 sh -c "[ \$(ls '$T/spool' | grep -c '\.acct\$') -eq 0 ]"

# --- 8. restart in place: the accounting goes on (issue #21) ------------------------------
# A session up (its Start in the detail file), `vpdnctl restart` of the
# LNS, then the session ended: FreeRADIUS has one Start and one Stop with
# the same Acct-Session-Id, and a session time that spans the restart.
STARTS=$(detail_count Start)
STOPS=$(detail_count Stop)
wait_s 10 sh -c "! ctl remote1 show dialer | grep -q connected" || true
check "remote1 dials Dialer1 again" wait_s 20 ctl remote1 dial Dialer1
check "detail file: its Start" wait_s 15 detail_has Start $((STARTS + 1))
SID8=$(detail_last Start | sed -n 's/.*Acct-Session-Id = "\(.*\)"/\1/p')
T8=$(date +%s)
sleep 3
ok "vpdnctl restart (LNS)" ctl LNS restart
check "LNS: auth-radius saved the session" in_log LNS "AUTH-RADIUS: restart: 1 accounted session saved"
check "LNS: and restored it" in_log LNS "AUTH-RADIUS: restart: 1 accounted session restored"
check "LNS: ppp took the session back" wait_s 5 in_log LNS "ppp: restart: 1 session\(s\) restored in place, 0 lost"
check "remote1 still pings through the LNS" pings remote1 -I 17.17.17.1 17.17.17.3
sleep 2
ok "Disconnect-Request by the Acct-Session-Id of before the restart" \
	dae disconnect daesecret "Acct-Session-Id = \"$SID8\""
check "radclient got a Disconnect-ACK (the restored session is known)" grep -q "Received Disconnect-ACK" "$T/radclient.txt"
E8=$(($(date +%s) - T8))
check "detail file: its Stop" wait_s 15 detail_has Stop $((STOPS + 1))
STOP8=$(detail_last Stop)
contains "the Stop has the Start's Acct-Session-Id" "$STOP8" "Acct-Session-Id = \"$SID8\""
ST8=$(echo "$STOP8" | sed -n 's/.*Acct-Session-Time = \([0-9]*\)$/\1/p')
# (whole seconds both: the Start was seen after the session began, date
# +%s may round the other way by one)
check "Acct-Session-Time spans the restart (${ST8:-?} s, $E8 s since the Start was seen)" \
	[ "${ST8:-0}" -ge $((E8 - 1)) ]
contains "Stop: Class still echoed" "$STOP8" 'Class = 0x676f6c642d73756273637269626572'
check "Stop: the octets of before the restart counted" sh -c "echo '$STOP8' | grep -qE 'Acct-Input-Octets = [1-9]'"
check "no second Start for it ($(detail_count Start) Starts)" [ "$(detail_count Start)" -eq $((STARTS + 1)) ]
SEQ8=$(awk -v sid="Acct-Session-Id = \"$SID8\"" '/^[A-Z][a-z][a-z] /{r=""; t=""} /Acct-Status-Type/{t=$3} {r=r $0 "\n"} /^$/{if (index(r, sid)) printf "%s ", t}' "$RADDB/detail")
echo "# records of $SID8: $SEQ8" >&2
check "its records: one Start, one Stop ($SEQ8)" sh -c "[ \$(echo '$SEQ8' | tr ' ' '\n' | grep -c '^Start$') -eq 1 ] && [ \$(echo '$SEQ8' | tr ' ' '\n' | grep -c '^Stop$') -eq 1 ]"

# --- the nodes survived -----------------------------------------------------------------------
for node in LNS LAC remote1; do
	check "$node still runs" kill -0 "${NODE_PIDS[$node]}"
done
check "LNS log has no secret" sh -c "! grep -qE 'radsecret|daesecret|wrong-secret|not-the-secret' '$T/LNS.log'"
finish
