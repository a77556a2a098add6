#!/bin/bash
# SPDX-License-Identifier: MIT
# Issue #18, IPv6CP interop: a real xl2tpd + pppd (kernel PPPoL2TP) as LAC
# in the VM, pppd with +ipv6 (ipv6cp-use-ipaddr off: a random interface
# identifier), dialling our LNS whose Virtual-Template1 has ipv6-enable:
#  - IPCP and IPv6CP both open on the one session (dual stack), IPv4 ping
#    both ways as before;
#  - our log shows IPv6CP as IOS does and Open; pppd's link-local
#    addresses are the Interface-Identifiers we negotiated (show vpdn
#    session all --json: local_link_local / peer_link_local);
#  - teardown from the peer (pppd stopped: CDN);
#  - the capture decodes in tshark, nothing malformed, IPv6CP in it.
#  - ping -6 both ways over link-local (the ip module's IPv6 side, merged
#    from v6ip: fe80::1 on the LNS's vi1);
#  - the VM's kernel takes its global address from our Router
#    Advertisement (SLAAC on ppp0: the /64 from ipv6-pool, pppd's
#    identifier) and its default route; ping -6 both ways over it, to the
#    LNS's 2001:db8:18::2 on lo.
. "$VPDND_SOURCE_ROOT/tests/integration/lib.sh"
. "$VPDND_SOURCE_ROOT/tests/interop/lib-vm.sh"
vm_init v6

write_config lns.conf <<'EOF'
hostname = "LNS"
modules = {"auth-local", "ppp", "l2tp", "ip"}
username "remote1@cisco.com" { password = "cisco"  ip-address = "17.17.17.1" }
vpdn { enable = true }
vpdn-group "1" {
  accept-dialin { protocol = "l2tp"  virtual-template = 1 }
  terminate-from = "XLAC"
  local-name = "LNS"
  tunnel-password = "l2tptunnel"
  source-ip = "192.0.2.1"
  tunnel-authentication = true
}
l2tp { listen = {"192.0.2.1"} }
interface "Loopback0" { ip-address = "18.18.18.2/32" }
interface "Virtual-Template1" {
  ip-unnumbered = "Loopback0"
  ppp-authentication = {"chap"}
  ppp-chap-hostname = "LNS"
  ipv6-enable = true
  ipv6-interface-id = "::1"
  ipv6-pool = "2001:db8:17::/48"
}
EOF
in_ns ip addr add 18.18.18.2/32 dev lo
in_ns ip -6 addr add 2001:db8:18::2/128 dev lo nodad

cat >"$SHARE/run.sh" <<'EOF'
. /mnt/vm-lib.sh
eth0_up
echo "* * l2tptunnel" >/etc/xl2tpd/l2tp-secrets; chmod 600 /etc/xl2tpd/l2tp-secrets
echo '"remote1@cisco.com" * "cisco" *' >/etc/ppp/chap-secrets; chmod 600 /etc/ppp/chap-secrets
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
17.17.17.1:
+ipv6
noauth
refuse-pap
noccp
novj
nodeflate
nobsdcomp
lcp-echo-interval 0
debug
logfile /mnt/pppd.log
CONF
xl2tpd -D >/mnt/xl2tpd.log 2>&1 &
XPID=$!
if ppp_up 'inet 17.17.17.1' 300; then
	touch /mnt/up1
	ping -c 3 -W 2 18.18.18.2 >/mnt/ping1.txt 2>&1 && touch /mnt/ping1-ok
	i=0; while ! ip -6 addr show dev ppp0 | grep -q 'inet6 fe80' && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done
	ip -6 addr show dev ppp0 >/mnt/ppp0-6.txt 2>&1
	ping -6 -c 2 -W 2 fe80::1%ppp0 >/mnt/ping6.txt 2>&1 && touch /mnt/ping6-ok
	touch /mnt/v6-done
	# SLAAC from our RA: the first goes at IPv6CP up, the next 16 s later
	sysctl -qw net.ipv6.conf.ppp0.accept_ra=2
	i=0; while ! ip -6 addr show dev ppp0 scope global | grep -q 'inet6 2001:db8:17:' && [ $i -lt 400 ]; do sleep 0.1; i=$((i+1)); done
	{ ip -6 addr show dev ppp0; ip -6 route; } >/mnt/ppp0-6g.txt 2>&1
	ip -6 addr show dev ppp0 scope global | sed -n 's/.*inet6 \(2001:db8:17:[0-9a-f:]*\)\/64.*/\1/p' | head -n1 >/mnt/slaac.txt
	[ -s /mnt/slaac.txt ] && ping -6 -c 2 -W 2 2001:db8:18::2 >/mnt/ping6g.txt 2>&1 && touch /mnt/ping6g-ok
	touch /mnt/v6g-done
	w ping6g-back
fi
w stop1 && killall pppd
i=0; while pidof pppd >/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done
pidof pppd >/dev/null || touch /mnt/down1
kill $XPID
wait $XPID
exit 0
EOF

node_start LNS "$T/lns.conf" "${INTEROP_DBG[@]}" || { _fail "our LNS starts in the namespace"; finish; }
capture_start "$T/v6.pcap"
check "capture on the VM's Ethernet" [ -n "$CAP_PID" ]
vm_start || { _fail "the VM boots and mounts the share"; finish; }
check "xl2tpd's pppd is up (ppp0 17.17.17.1)" vm_wait_file up1 60
check "LNS: route to 17.17.17.1 installed (IPCP as before)" log_has LNS "IPCP: Install route to 17.17.17.1"
check "ping VM -> LNS over PPP (IPv4)" vm_wait_file ping1-ok 15
check "ping LNS -> VM (IPv4)" in_ns ping -c 3 -W 2 -I 18.18.18.2 17.17.17.1
check "LNS: IPv6CP as IOS prints it" log_has LNS \
	"Vi[0-9]+ IPV6CP: O CONFREQ \[Not negotiated\] id 1 len 14"
check "LNS: our Interface-Id ::1" log_has LNS \
	"Vi[0-9]+ IPV6CP: Interface-Id 0000:0000:0000:0001 \(0x010A0000000000000001\)"
check "LNS: IPv6CP is Open" wait_until 10 log_has LNS "Vi[0-9]+ IPV6CP: State is Open"
check "VM: the IPv6 steps ran" vm_wait_file v6-done 20
check "pppd: IPv6CP up (local LL address)" vm_log_has pppd.log "local +LL address fe80::"
# pppd writes fe80::%x:%x:%x:%x ("fe80::0:0:0:1"): compared canonical.
canon() { python3 -c 'import ipaddress, sys; print(ipaddress.IPv6Address(sys.argv[1]))' "$1" 2>/dev/null; }
pppd_remote=$(canon "$(sed -n 's/.*remote  *LL address \(fe80::[0-9a-f:]*\).*/\1/p' "$SHARE/pppd.log" | tail -n1)")
check "pppd: our link-local fe80::1 is its remote" [ "$pppd_remote" = "fe80::1" ]
# pppd's own identifier is the one we acked and show.
pppd_ll=$(canon "$(sed -n 's/.*local  *LL address \(fe80::[0-9a-f:]*\).*/\1/p' "$SHARE/pppd.log" | tail -n1)")
json=$("$VPDNCTL" --bus "$BUS" -n LNS --json show vpdn session all 2>&1)
ours=$(printf '%s' "$json" | python3 -c '
import json, sys
s = json.load(sys.stdin)["sessions"][0]["ppp"]
print(s["ipv6cp_state"], s["local_link_local"], s["peer_link_local"])' 2>&1)
echo "# pppd's link-local: $pppd_ll; ours (state, local, peer): $ours"
check "show vpdn session all --json: IPv6CP Opened, fe80::1, pppd's identifier" \
	[ -n "$pppd_ll" -a "$ours" = "Opened fe80::1 $pppd_ll" ]
run "$VPDNCTL" --bus "$BUS" -n LNS show vpdn session all
contains "show vpdn session all: the IPV6CP block" "$OUT" "IPV6CP Opened"
check "ping -6 VM -> LNS over link-local (fe80::1%ppp0)" [ -e "$SHARE/ping6-ok" ] ||
	sed 's/^/#   /' "$SHARE/ping6.txt" 2>/dev/null
check "ping -6 LNS -> VM over link-local ($pppd_ll%vi1)" in_ns ping -6 -c 2 -W 2 "$pppd_ll%vi1"
check "VM: the global-address steps ran" vm_wait_file v6g-done 60
slaac=$(cat "$SHARE/slaac.txt" 2>/dev/null)
echo "# the VM's address from our RA: ${slaac:-none}"
check "VM kernel: a 2001:db8:17::/64 address on ppp0 from our RA (SLAAC)" [ -n "$slaac" ] ||
	sed 's/^/#   /' "$SHARE/ppp0-6g.txt" 2>/dev/null
check "the SLAAC address ends in pppd's identifier" \
	[ -n "$slaac" -a "${slaac##*:}" = "${pppd_ll##*:}" ]
check "ping -6 VM -> LNS over the global address (default route from the RA)" \
	[ -e "$SHARE/ping6g-ok" ] || sed 's/^/#   /' "$SHARE/ping6g.txt" 2>/dev/null
check "ping -6 LNS -> VM's global address" in_ns ping -6 -c 2 -W 2 "$slaac"
vm_say ping6g-back
vm_say stop1
check "pppd stopped" vm_wait_file down1 20
check "LNS: I CDN from XLAC" wait_until 15 log_has LNS "I CDN from XLAC"
check "show vpdn --json: the session is gone" wait_until 10 vpdn_is LNS "1 0 "
check "the VM powers off" vm_wait_done 60
check "run.sh succeeded" [ "$VM_RC" = 0 ]
capture_stop
check "capture decodes in tshark, nothing malformed" capture_check "$T/v6.pcap"
check "capture holds PPP IPCP and IPv6CP" sh -c \
	"grep -q 'IPCP' '$T/tshark-read.txt' && grep -q 'IPV6CP' '$T/tshark-read.txt'"
check "LNS still runs" kill -0 "${NODE_PIDS[LNS]}"
finish
