#!/bin/bash
# SPDX-License-Identifier: MIT
# Interop: a real xl2tpd + pppd (the kernel's PPPoL2TP) as LAC in the VM,
# dialling our LNS (auth-radius, ppp, l2tp, ip) in a namespace, which
# asks a real FreeRADIUS (freeradius -X in the same namespace, its own
# raddb, never the system's) for remote1@cisco.com (issue #16):
#  - a wrong CHAP secret: Access-Reject; pppd logs FreeRADIUS's
#    Reply-Message from our CHAP Failure;
#  - the right one: Access-Accept, the address is the Framed-IP-Address
#    (17.17.17.1; the LNS has no local user), the Framed-Route
#    10.88.0.0/16 is installed through the Virtual-Access; pings both ways;
#  - pppd stopped: CDN, the route and the session gone.
. "$VPDND_SOURCE_ROOT/tests/integration/lib.sh"
. "$VPDND_SOURCE_ROOT/tests/interop/lib-vm.sh"
. "$VPDND_SOURCE_ROOT/scripts/raddb.sh"
command -v freeradius >/dev/null || skip "freeradius not installed (scripts/deps.sh)"
vm_init sr

# Our LNS: lns_conf with auth-radius for auth-local, no local user.
lns_conf XLAC 192.0.2.1 "  tunnel-authentication = true"
sed -i -e 's/modules = {"auth-local", /modules = {"auth-radius", /' -e '/^username /d' "$T/lns.conf"
cat >>"$T/lns.conf" <<'CONF'
radius {
  server "127.0.0.1" { secret = "radsecret" }
  timeout = 2
  retries = 2
  nas-identifier = "LNS"
  nas-ip-address = "192.0.2.1"
}
CONF
chmod 600 "$T/lns.conf"
in_ns ip addr add 18.18.18.2/32 dev lo
ok "lns.conf passes --check" "$VPDND" -c "$T/lns.conf" --check

RADDB=$T/raddb
raddb_write "$RADDB" radsecret 2 "Login refused, call 555-0100"
cat >"$RADDB/users" <<'USERS'
"remote1@cisco.com" Cleartext-Password := "cisco"
	Service-Type = Framed-User,
	Framed-Protocol = PPP,
	Framed-IP-Address = 17.17.17.1,
	Framed-Route = "10.88.0.0/16 0.0.0.0 3"
USERS
# -X repeats passwords: .txt, out of the secrets scan of the logs
ip netns exec "$NS" freeradius -d "$RADDB" -X >"$T/freeradius.txt" 2>&1 &
NODE_PIDS[freeradius]=$!
check "freeradius -X ready in the namespace" wait_until 20 grep -q "Ready to process requests" "$T/freeradius.txt"

cat >"$SHARE/run.sh" <<'VM'
. /mnt/vm-lib.sh
eth0_up
echo "* * l2tptunnel" >/etc/xl2tpd/l2tp-secrets; chmod 600 /etc/xl2tpd/l2tp-secrets
xl2tpd_conf <<CONF
[lac ourlns]
lns = 192.0.2.1
hostname = XLAC
challenge = yes
autodial = yes
redial = no
require authentication = no
length bit = yes
pppoptfile = /etc/ppp/options.xlac
CONF
cat >/etc/ppp/options.xlac <<CONF
name remote1@cisco.com
noauth
refuse-pap
noipdefault
noccp
novj
nodeflate
nobsdcomp
lcp-echo-interval 0
debug
logfile /mnt/pppd.log
CONF
# 1. a wrong secret
echo '"remote1@cisco.com" * "wrong-secret" *' >/etc/ppp/chap-secrets; chmod 600 /etc/ppp/chap-secrets
xl2tpd -D >/mnt/xl2tpd-1.log 2>&1 &
XPID=$!
i=0; while ! grep -q "CHAP authentication failed" /mnt/pppd.log 2>/dev/null && [ $i -lt 600 ]; do sleep 0.1; i=$((i+1)); done
ppp_gone 150
kill $XPID; wait $XPID
# the first pppd's log under its own name before the host is told (it
# reads pppd-1.log at once)
mv /mnt/pppd.log /mnt/pppd-1.log
touch /mnt/refused
# 2. the right one
echo '"remote1@cisco.com" * "cisco" *' >/etc/ppp/chap-secrets
xl2tpd -D >/mnt/xl2tpd.log 2>&1 &
XPID=$!
if ppp_up 'inet 17.17.17.1' 600; then
	touch /mnt/up
	ping -c 3 -W 2 18.18.18.2 >/mnt/ping.txt 2>&1 && touch /mnt/ping-ok
fi
w stop && killall pppd
ppp_gone 100 && touch /mnt/down
w stop2
kill $XPID
wait $XPID
exit 0
VM

node_start LNS "$T/lns.conf" "${INTEROP_DBG[@]}" || { _fail "our LNS starts in the namespace"; finish; }
check "LNS: auth-radius configured" log_has LNS "AUTH-RADIUS: 1 server"
vm_start || { _fail "the VM boots and mounts the share"; finish; }

# 1. refused
check "pppd (wrong secret) refused" vm_wait_file refused 120
check "LNS: rejected by RADIUS" log_has LNS 'CHAP authentication of user "remote1@cisco.com" failed: rejected by RADIUS'
check "FreeRADIUS: Login incorrect" grep -q 'Login incorrect' "$T/freeradius.txt"
check "pppd logs FreeRADIUS's Reply-Message from our CHAP Failure" \
	vm_log_has pppd-1.log 'CHAP authentication failed: Login refused, call 555-0100'
check "LNS: no Virtual-Access route left from the refused session" \
	sh -c "! ip netns exec '$NS' ip route show 10.88.0.0/16 | grep -q dev"

# 2. accepted
check "pppd (right secret) is up: ppp0 17.17.17.1 (Framed-IP-Address)" vm_wait_file up 120
check "LNS: FreeRADIUS accepted remote1 (CHAP)" \
	log_has LNS 'AUTH-RADIUS: CHAP user "remote1@cisco.com" accepted, address from Framed-IP-Address'
check "FreeRADIUS: Login OK" grep -q 'Login OK: \[remote1@cisco.com' "$T/freeradius.txt"
check "pppd: CHAP authentication succeeded" vm_log_has pppd.log "CHAP authentication succeeded"
check "pppd: remote IP address 18.18.18.2" vm_log_has pppd.log "remote IP address 18.18.18.2"
check "LNS: Framed-Route 10.88.0.0/16 through the Vi, metric 3" \
	sh -c "ip netns exec '$NS' ip route show 10.88.0.0/16 | grep -qE 'dev vi[0-9]+ .*metric 3'"
check "ping VM -> LNS over PPP" vm_wait_file ping-ok 20
check "ping LNS -> VM (17.17.17.1)" in_ns ping -c 3 -W 2 -I 18.18.18.2 17.17.17.1
# the first xl2tpd's tunnel may still be in its StopCCN hold: sessions only
one_session() { local v; v=$(vpdn_json LNS 2>/dev/null) || return 1; [ "${v#* }" = "1 remote1@cisco.com" ]; }
check "show vpdn --json: remote1's one session" one_session

# 3. the peer hangs up
vm_say stop
check "pppd stopped" vm_wait_file down 20
check "LNS: I CDN from XLAC" wait_until 15 log_has LNS "I CDN from XLAC"
check "LNS: the Framed-Route went with the session" \
	wait_until 10 sh -c "! ip netns exec '$NS' ip route show 10.88.0.0/16 | grep -q dev"
vm_say stop2
check "the VM powers off" vm_wait_done 60
check "run.sh succeeded" [ "$VM_RC" = 0 ]
check "LNS log holds no secret" sh -c "! grep -qE 'radsecret|l2tptunnel|wrong-secret|\"cisco\"' '$T/LNS.log'"
check "LNS still runs" kill -0 "${NODE_PIDS[LNS]}"
finish
