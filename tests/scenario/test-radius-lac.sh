#!/bin/bash
# SPDX-License-Identifier: MIT
# The LAC asks RADIUS where a user goes (issue #16, RFC 2868), and
# accounts the forwarded session (RFC 2866/2867), against a real
# FreeRADIUS (`freeradius -X` in the LNS's namespace, its own raddb,
# listening on 127.0.0.1 for the LNS and on 18.18.18.2 for the LAC).
#
#  1. The LAC's config has no vpdn-group for cisco.com: vpdn {
#     search-order = {"domain", "authorize"} } sends remote1@cisco.com's
#     CHAP response to FreeRADIUS, whose users file answers two Tunnel-*
#     sets: tag 1 (Tunnel-Preference 1) 18.18.18.5, where no LNS
#     listens, tag 2 (preference 2) 18.18.18.2, the LNS, both with the
#     salt-encrypted Tunnel-Password. The LAC tries 18.18.18.5 first,
#     marks it dead after the authorize-group's retransmissions and
#     fails over to 18.18.18.2: the session comes up, the LNS
#     authenticates remote1 through FreeRADIUS too, pings go through.
#  2. The LAC's accounting Start and (after the tunnel is cleared) Stop
#     land in the detail file: NAS-Identifier LAC, NAS-Port-Type
#     ISDN-Sync, Calling/Called-Station-Id, Tunnel-Server-Endpoint,
#     Tunnel-Client/Server-Auth-Id, Acct-Tunnel-Connection; with
#     tunnel-accounting (both nodes) Tunnel-Start/-Stop and
#     Tunnel-Link-Start/-Stop from the LAC and from the LNS.
#  3. The tunnel secret from RADIUS is never in the LAC's log.
P=vrl$$
. "$VPDND_SOURCE_ROOT/tests/scenario/lib-radius.sh"
# detail_nas_count NAS STATUS: records of one NAS with that Acct-Status-Type
detail_nas() { awk -v n="NAS-Identifier = \"$1\"" '/^[A-Z][a-z][a-z] /{r=""} {r=r $0 "\n"} /^$/{if (index(r, n)) printf "%s", r}' "$RADDB/detail" 2>/dev/null; }
detail_nas_count() { detail_nas "$1" | grep -c "Acct-Status-Type = $2$" || true; }
detail_nas_has() { [ "$(detail_nas_count "$1" "$2")" -ge "$3" ]; }
detail_nas_last() { detail_nas "$1" | awk -v t="Acct-Status-Type = $2" '/^[A-Z][a-z][a-z] /{r=""} {r=r $0 "\n"} /^$/{if (index(r, t "\n")) last=r} END{printf "%s", last}'; }
DBG=(-d "isdn events" -d "ppp negotiation" -d "ppp authentication" -d "vpdn events"
	-d "vpdn errors" -d "vpdn l2x-events" -d "vtemplate" -d "ip events")

# --- configs -------------------------------------------------------------------
for f in isdn-network lac remote1; do
	install -m 600 "$ETC/$f.conf" "$T/$f.conf"
done
# The LNS: auth-radius instead of auth-local (as in test-radius.sh).
sed -e 's/modules = {"auth-local", /modules = {"auth-radius", /' \
    -e '/^username /d' "$ETC/lns.conf" >"$T/lns.conf"
cat >>"$T/lns.conf" <<'EOF2'
radius {
  server "127.0.0.1" { secret = "radsecret" }
  timeout = 1
  retries = 2
  nas-identifier = "LNS"
  nas-ip-address = "18.18.18.2"
  tunnel-accounting = true
}
EOF2
# The LAC: auth-radius loaded, cisco.com in no vpdn-group (group 1 keeps
# only the LNS's dial-outs), RADIUS asked after the domains; tunnels to
# LNSs RADIUS names take vpdn-group "radius"'s settings.
sed -e 's/^modules = {"isdn", /modules = {"auth-radius", "isdn", /' \
    -e 's/domain = {"cisco.com"}/domain = {"example.net"}/' \
    -e 's/search-order = {"domain"}/search-order = {"domain", "authorize"}\n  authorize-group = "radius"/' \
    "$ETC/lac.conf" >"$T/lac.conf"
cat >>"$T/lac.conf" <<'EOF2'
vpdn-group "radius" {
  source-ip = "18.18.18.1"
  retransmit-retries = 2
  retransmit-timeout-max = 1
  lns-dead-time = 60
}
radius {
  server "18.18.18.2" { secret = "lacsecret" }
  timeout = 1
  retries = 2
  nas-identifier = "LAC"
  nas-ip-address = "18.18.18.1"
  tunnel-accounting = true
}
EOF2
chmod 600 "$T"/*.conf
check "LAC copy: no vpdn-group domain cisco.com" sh -c "! grep -q 'domain = {\"cisco.com\"}' '$T/lac.conf'"
check "LAC copy: search-order domain, authorize" grep -q 'search-order = {"domain", "authorize"}' "$T/lac.conf"
check "LAC copy loads auth-radius" grep -q '^modules = {"auth-radius", "isdn"' "$T/lac.conf"
for f in isdn-network lac remote1 lns; do
	ok "$f.conf passes --check" "$VPDND" -c "$T/$f.conf" --check
done

# --- FreeRADIUS -------------------------------------------------------------------
RADDB=$T/raddb
raddb_write "$RADDB" radsecret 2 "" client=18.18.18.0/24:lacsecret:lac listen=18.18.18.2
cat >"$RADDB/users" <<'EOF2'
"remote1@cisco.com" Cleartext-Password := "cisco", NAS-Identifier == "LAC"
	Service-Type = Framed-User,
	Framed-Protocol = PPP,
	Tunnel-Type:1 = L2TP,
	Tunnel-Medium-Type:1 = IPv4,
	Tunnel-Server-Endpoint:1 = "18.18.18.5",
	Tunnel-Preference:1 = 1,
	Tunnel-Password:1 = "l2tptunnel",
	Tunnel-Client-Auth-Id:1 = "LAC",
	Tunnel-Server-Auth-Id:1 = "LNS",
	Tunnel-Assignment-Id:1 = "lns-pool",
	Tunnel-Type:2 = L2TP,
	Tunnel-Medium-Type:2 = IPv4,
	Tunnel-Server-Endpoint:2 = "18.18.18.2",
	Tunnel-Preference:2 = 2,
	Tunnel-Password:2 = "l2tptunnel",
	Tunnel-Client-Auth-Id:2 = "LAC",
	Tunnel-Server-Auth-Id:2 = "LNS",
	Tunnel-Assignment-Id:2 = "lns-pool"

"remote1@cisco.com" Cleartext-Password := "cisco"
	Service-Type = Framed-User,
	Framed-Protocol = PPP,
	Framed-IP-Address = 17.17.17.1

DEFAULT Auth-Type := Reject
	Reply-Message = "unknown user"
EOF2
chmod -R go-rwx "$RADDB"

# --- network and nodes -------------------------------------------------------------
check "namespaces up, wired as in the scenario" scenario_net_up "$P"
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

# --- 1. the tunnel from RADIUS, failover by preference -------------------------------
check "remote1 17.17.17.1 pings local1 17.17.17.3 through the LNS RADIUS named" \
	wait_s 40 pings remote1 -I 17.17.17.1 17.17.17.3
check "LAC: RADIUS asked (search-order reached authorize)" \
	in_log LAC "VPDN: Looking for tunnel -- authorize --"
check "FreeRADIUS: CHAP login OK for remote1@cisco.com from the LAC" \
	sh -c "grep -q 'Login OK: \[remote1@cisco.com.*from client lac' '$T/freeradius.txt'"
check "LAC: two endpoints, the dead one (preference 1) first" \
	in_log LAC "VPDN/authorize: remote1@cisco.com: tag 1 IP 18.18.18.5 preference 1, tunnel-password xxxxxx"
check "LAC: the second endpoint (preference 2)" \
	in_log LAC "VPDN/authorize: remote1@cisco.com: tag 2 IP 18.18.18.2 preference 2"
check "LAC: the group RADIUS made is named by the assignment id" in_log LAC "VPDN/LAC/radius:lns-pool: LAC LAC"
check "LAC: 18.18.18.5 tried first" in_log LAC "Select non-active address 18.18.18.5, priority 1"
check "LAC: 18.18.18.5 marked dead" in_log LAC "VPDN/radius:lns-pool: 18.18.18.5 failed tunnel set-up, marked dead for 60 s"
check "LAC: failover to 18.18.18.2" in_log LAC "did not answer, fail over to 18.18.18.2"
check "LNS: FreeRADIUS accepted remote1 (its own Access-Request)" \
	in_log LNS 'AUTH-RADIUS: CHAP user "remote1@cisco.com" accepted'
check "local1 pings remote1 back" pings local1 17.17.17.1
run ctl LAC show vpdn group
contains "show vpdn group lists the RADIUS-made group" "$OUT" "radius:lns-pool"
contains "show vpdn group: the dead endpoint" "$OUT" "18.18.18.5"
run ctl LAC metrics
contains "LAC metrics: l2tp_authorize_used_total 1" "$OUT" "vpdnd_l2tp_authorize_used_total{node=\"LAC\"} 1"
contains "LAC metrics: radius_tunnel_authorized_total 1" "$OUT" "vpdnd_radius_tunnel_authorized_total{node=\"LAC\"} 1"

# --- 2. accounting at the LAC ----------------------------------------------------------
check "detail file: the LAC's Start" wait_s 10 detail_nas_has LAC Start 1
START=$(detail_nas_last LAC Start)
contains "LAC Start: User-Name" "$START" 'User-Name = "remote1@cisco.com"'
contains "LAC Start: NAS-IP-Address" "$START" "NAS-IP-Address = 18.18.18.1"
contains "LAC Start: NAS-Port-Type ISDN-Sync (FreeRADIUS calls 2 \"ISDN\")" "$START" "NAS-Port-Type = ISDN"$'\n'
contains "LAC Start: NAS-Port-Id the B channel" "$START" 'NAS-Port-Id = "Se0:'
contains "LAC Start: Calling-Station-Id" "$START" 'Calling-Station-Id = "'
contains "LAC Start: Called-Station-Id" "$START" 'Called-Station-Id = "'
contains "LAC Start: Tunnel-Type L2TP" "$START" "Tunnel-Type:0 = L2TP"
contains "LAC Start: Tunnel-Server-Endpoint the LNS" "$START" 'Tunnel-Server-Endpoint:0 = "18.18.18.2"'
contains "LAC Start: Tunnel-Client-Auth-Id" "$START" 'Tunnel-Client-Auth-Id:0 = "LAC"'
contains "LAC Start: Tunnel-Server-Auth-Id" "$START" 'Tunnel-Server-Auth-Id:0 = "LNS"'
contains "LAC Start: Acct-Tunnel-Connection" "$START" 'Acct-Tunnel-Connection = "'
check "detail file: the LAC's Tunnel-Start" wait_s 10 detail_nas_has LAC Tunnel-Start 1
check "detail file: the LAC's Tunnel-Link-Start" wait_s 10 detail_nas_has LAC Tunnel-Link-Start 1
check "detail file: the LNS's Tunnel-Start (tunnel accounting at the other end)" \
	wait_s 10 detail_nas_has LNS Tunnel-Start 1
LNS_TSTART=$(detail_nas_last LNS Tunnel-Start)
contains "LNS Tunnel-Start: the LAC is the tunnel's client" "$LNS_TSTART" 'Tunnel-Client-Endpoint:0 = "18.18.18.1"'
contains "LNS Tunnel-Start: the LNS its server" "$LNS_TSTART" 'Tunnel-Server-Endpoint:0 = "18.18.18.2"'
contains "LNS Tunnel-Start: the LAC's Host Name" "$LNS_TSTART" 'Tunnel-Client-Auth-Id:0 = "LAC"'
check "detail file: the LNS's Tunnel-Link-Start" wait_s 10 detail_nas_has LNS Tunnel-Link-Start 1
TID=$(ctl LAC --json show vpdn | python3 -c 'import json, sys; print(json.load(sys.stdin)["tunnels"][0]["local_id"])' 2>/dev/null)
check "LAC has a tunnel ($TID)" [ -n "$TID" ]
ok "clear vpdn tunnel l2tp $TID at the LAC" ctl LAC clear vpdn tunnel l2tp "$TID"
check "detail file: the LAC's Stop" wait_s 15 detail_nas_has LAC Stop 1
STOP=$(detail_nas_last LAC Stop)
contains "LAC Stop: Acct-Session-Id of the Start" "$STOP" \
	"$(echo "$START" | grep -o 'Acct-Session-Id = "[^"]*"')"
contains "LAC Stop: Acct-Terminate-Cause" "$STOP" "Acct-Terminate-Cause = "
check "LAC Stop: input octets counted" sh -c "echo '$STOP' | grep -qE 'Acct-Input-Octets = [1-9]'"
check "LAC Stop: output octets counted" sh -c "echo '$STOP' | grep -qE 'Acct-Output-Octets = [1-9]'"
check "detail file: Tunnel-Stop" wait_s 15 detail_nas_has LAC Tunnel-Stop 1
check "detail file: Tunnel-Link-Stop" wait_s 15 detail_nas_has LAC Tunnel-Link-Stop 1
check "detail file: the LNS's Tunnel-Link-Stop and Tunnel-Stop" \
	wait_s 15 sh -c "grep -c 'Acct-Status-Type = Tunnel-Stop' '$RADDB/detail' | grep -qx 2"
check "detail file: one LAC Start, one LAC Stop" \
	[ "$(detail_nas_count LAC Start)" -eq 1 -a "$(detail_nas_count LAC Stop)" -eq 1 ]

# --- the nodes survived, no secret ----------------------------------------------------------
for node in LNS LAC remote1; do
	check "$node still runs" kill -0 "${NODE_PIDS[$node]}"
done
check "LAC log has no secret (RADIUS's Tunnel-Password nor the shared secret)" \
	sh -c "! grep -qE 'l2tptunnel|lacsecret' '$T/LAC.log'"
finish
