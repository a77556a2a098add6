#!/bin/bash
# SPDX-License-Identifier: MIT
# Interop: a real pppd with its pppoe.so plugin (the Linux kernel's PPPoE,
# AF_PPPOX) in the VM dials our access concentrator over the VM's Ethernet
# (the tap vm0 in our namespace):
#  - discovery PADI/PADO/PADR/PADS with our AC-Cookie, the kernel's session;
#  - our bras terminates PPP: CHAP (auth-local), IPCP gives 10.9.0.2, the
#    ip module's TUN; ping VM -> our loopback 10.9.0.1 and back;
#  - show pppoe sessions lists it; tshark decodes the capture on vm0;
#  - teardown: pppd stops (LCP Terminate, PADT), our session ends.
. "$VPDND_SOURCE_ROOT/tests/integration/lib.sh"
. "$VPDND_SOURCE_ROOT/tests/interop/lib-vm.sh"
vm_init pe

write_config bras.conf <<EOF
hostname = "bras"
modules = {"pppoe", "dialer", "ppp", "auth-local", "ip"}
bba-group "global" { virtual-template = 1  ac-name = "vpdnd-bras" }
interface "vm0" { pppoe-enable = "global" }
interface "Loopback0" { ip-address = "10.9.0.1/32" }
interface "Virtual-Template1" {
  ip-unnumbered = "Loopback0"
  ppp-authentication = {"chap"}
  ppp-chap-hostname = "bras"
  ppp-mru = 1492
}
username "user1@isp" { password = "pppoe-interop-1"  ip-address = "10.9.0.2" }
EOF

cat >"$SHARE/run.sh" <<'EOF'
. /mnt/vm-lib.sh
ip link set eth0 up
echo '"user1@isp" * "pppoe-interop-1" *' >/etc/ppp/chap-secrets; chmod 600 /etc/ppp/chap-secrets
grep -q '^pppoe ' /proc/modules || { echo "no pppoe kernel module" >/mnt/pppd.out; exit 3; }
w go 300 || exit 2
P=$(ls -d /usr/lib/pppd/*/ | head -n1)
pppd plugin "$P/pppoe.so" eth0 nodetach name user1@isp user user1@isp noauth refuse-pap \
	noipdefault noccp novj nodeflate nobsdcomp lcp-echo-interval 0 maxfail 1 \
	debug logfile /mnt/pppd.log >/mnt/pppd.out 2>&1 &
PID=$!
if ppp_up 'inet 10.9.0.2' 600; then
	touch /mnt/up
	ip addr show dev ppp0 >/mnt/ppp0.txt
	ping -c 3 -W 2 10.9.0.1 >/mnt/ping.txt 2>&1 && touch /mnt/ping-ok
fi
w stop
kill $PID
i=0; while kill -0 $PID 2>/dev/null && [ $i -lt 200 ]; do sleep 0.1; i=$((i+1)); done
kill -0 $PID 2>/dev/null || touch /mnt/down
w quit
exit 0
EOF

check "bras starts on vm0" node_start bras "$T/bras.conf" -d "pppoe events" -d "pppoe packets" \
	-d "ppp negotiation" -d "ppp authentication" -d "ip events" || finish
capture_start "$T/pppoe.pcap"
vm_start || { _fail "the VM boots and mounts the share"; finish; }
vm_say go
check "pppd is up (ppp0 10.9.0.2)" vm_wait_file up 90
check "bras: PADI from the VM answered" log_has bras "vm0 PPPoE: O PADO sid 0 .*AC-Name \"vpdnd-bras\""
check "bras: the kernel's PADR had our cookie, session open" \
	log_has bras "PPPoE[0-9]+ from IDLE to OPEN \\(PADR with a valid cookie"
check "bras: CHAP user1@isp authenticated" log_has bras 'AUTH-LOCAL: CHAP user "user1@isp" authenticated'
check "pppd: PPPoE session established" vm_log_has pppd.log "PPP session is [0-9]+"
check "pppd: CHAP authentication succeeded" vm_log_has pppd.log "CHAP authentication succeeded"
check "pppd: local IP address 10.9.0.2" vm_log_has pppd.log "local  IP address 10.9.0.2"
check "ping VM -> bras over PPPoE" vm_wait_file ping-ok 20
check "ping bras -> VM (10.9.0.2)" in_ns ping -c 3 -W 2 -I 10.9.0.1 10.9.0.2
run "$VPDNCTL" --bus "$BUS" -n bras show pppoe sessions
contains "show pppoe sessions: the VM's session on vm0" "$OUT" "52:54:00:12:34:56 server OPEN"

vm_say stop
check "pppd exited" vm_wait_file down 30
check "bras: the session ended" wait_until 15 log_has bras "vm0 PPPoE: PPPoE[0-9]+ ended"
run "$VPDNCTL" --bus "$BUS" -n bras show pppoe sessions
contains "show pppoe sessions: none left" "$OUT" "0 sessions"
vm_say quit
check "the VM powers off" vm_wait_done 60
check "run.sh succeeded" [ "$VM_RC" = 0 ]
capture_stop
check "PPPoE capture decodes in tshark, nothing malformed" capture_check "$T/pppoe.pcap"
check "capture: PADI, PADS, LCP, CHAP, IPCP" sh -c "grep -q PADI '$T/tshark-read.txt' && \
	grep -q PADS '$T/tshark-read.txt' && grep -q CHAP '$T/tshark-read.txt' && \
	grep -q IPCP '$T/tshark-read.txt'"
check "no secret in the logs" sh -c "! grep -rq pppoe-interop-1 '$T'/*.log"
finish
