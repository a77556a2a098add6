#!/bin/bash
# SPDX-License-Identifier: MIT
# Interop (issue #17): our PPPoE client (remote3's config) dials rp-pppoe's
# pppoe-server in the VM, over the VM's Ethernet (the tap vm0 in our
# namespace). pppoe-server answers discovery and runs pppd (user-mode
# PPPoE through a pty) for the session; pppd asks CHAP, gives us
# 10.9.5.2 by IPCP; we ping its 10.9.5.1. The host's kernel has no PPP
# (CONFIG_PPP unset), so pppd cannot run there: the VM is where it runs.
. "$VPDND_SOURCE_ROOT/tests/integration/lib.sh"
. "$VPDND_SOURCE_ROOT/tests/interop/lib-vm.sh"
command -v pppoe-server >/dev/null || { echo "SKIP: no pppoe-server (apt-get install pppoe)"; exit 77; }
vm_init ps

write_config remote3.conf <<EOF
hostname = "remote3"
modules = {"pppoe", "dialer", "ppp", "ip"}
interface "vm0" { pppoe-client = true  dialer-pool-member = {1} }
interface "Loopback0" { ip-address = "10.9.5.2/32" }
interface "Dialer1" {
  ip-unnumbered = "Loopback0"
  dialer-pool = 1
  dialer-string = "1"
  dialer-idle-timeout = 0
  ppp-mru = 1492
  ppp-chap-hostname = "remote3@cisco.com"
  ppp-chap-password = "pppoe-server-interop"
}
ip-route "10.9.5.1/32" { interface = "Dialer1" }
EOF

cat >"$SHARE/run.sh" <<'EOF'
. /mnt/vm-lib.sh
ip link set eth0 up
echo '"remote3@cisco.com" * "pppoe-server-interop" 10.9.5.2' >/etc/ppp/chap-secrets
chmod 600 /etc/ppp/chap-secrets
cat >/etc/ppp/pppoe-server-options <<'OPT'
require-chap
name rp-server
lcp-echo-interval 0
noccp
novj
nodeflate
nobsdcomp
debug
logfile /mnt/pppd.log
OPT
command -v pppoe-server >/dev/null || { echo "no pppoe-server in the VM" >/mnt/server.out; exit 3; }
pppoe-server -I eth0 -C rp-ac -S isp -L 10.9.5.1 -R 10.9.5.2 -N 1 \
	-O /etc/ppp/pppoe-server-options -X /tmp/pppoe-server.pid >/mnt/server.out 2>&1
touch /mnt/server-up
if ppp_up 'inet 10.9.5.1' 600; then
	touch /mnt/up
	ping -c 3 -W 2 10.9.5.2 >/mnt/ping.txt 2>&1 && touch /mnt/ping-ok
fi
w stop
kill $(cat /tmp/pppoe-server.pid) 2>/dev/null
killall pppd 2>/dev/null
ppp_gone 100 && touch /mnt/down
w quit
exit 0
EOF

check "remote3 starts on vm0" node_start remote3 "$T/remote3.conf" -d "pppoe events" \
	-d "ppp negotiation" -d "ppp authentication" -d "dialer events" || finish
capture_start "$T/pppoe.pcap"
vm_start || { _fail "the VM boots and mounts the share"; finish; }
check "pppoe-server runs in the VM" vm_wait_file server-up 90
ok "remote3: Dial(Dialer1)" busctl --address="$BUS" call "$(node_name remote3)" \
	/org/vpdnd/module/dialer org.vpdnd.Dialer1 Dial s Dialer1
check "remote3: PPPoE session up (PADO from rp-ac)" wait_until 30 log_has remote3 "vm0 PPPoE: PPPoE[0-9]+ up"
check "remote3: CHAP to rp-server succeeded" wait_until 30 log_has remote3 "CHAP: I SUCCESS"
check "remote3: IPCP Open" wait_until 30 log_has remote3 "IPCP: State is Open"
check "the VM's pppd: ppp0 10.9.5.1" vm_wait_file up 60
grep -i -e chap -e auth "$SHARE/pppd.log" 2>/dev/null | head -5 | sed 's/^/# pppd.log: /'
check "pppd: CHAP peer authenticated (sent CHAP Success)" vm_log_has pppd.log "sent \\[CHAP Success"
check "ping remote3 -> pppoe-server's pppd (10.9.5.1)" wait_until 20 in_ns ping -c 2 -W 2 -I 10.9.5.2 10.9.5.1
check "ping the VM -> remote3" vm_wait_file ping-ok 20
vm_say stop
check "remote3: the session ended (LCP Terminate or PADT)" \
	wait_until 20 log_has remote3 "vm0 PPPoE: PPPoE[0-9]+ ended|LCP: State is (Closed|Stopped|Initial)"
vm_say quit
check "the VM powers off" vm_wait_done 60
check "run.sh succeeded" [ "$VM_RC" = 0 ]
capture_stop
check "PPPoE capture decodes in tshark, nothing malformed" capture_check "$T/pppoe.pcap"
check "capture: PADI, PADO, PADS, CHAP, IPCP" sh -c "grep -q PADI '$T/tshark-read.txt' && \
	grep -q PADO '$T/tshark-read.txt' && grep -q PADS '$T/tshark-read.txt' && \
	grep -q CHAP '$T/tshark-read.txt' && grep -q IPCP '$T/tshark-read.txt'"
check "no secret in the logs" sh -c "! grep -q pppoe-server-interop '$T'/*.log"
finish
