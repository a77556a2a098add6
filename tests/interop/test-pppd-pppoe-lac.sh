#!/bin/bash
# SPDX-License-Identifier: MIT
# Interop: PPPoE in, L2TP out with a real client. pppd with pppoe.so (the
# kernel's PPPoE) in the VM dials our LAC on the tap vm0; the LAC answers
# LCP and CHAP as "LAC", forwards remote1@cisco.com by domain over L2TP to
# our LNS (same namespace, 18.18.18.1 <-> 18.18.18.2) with proxy LCP and
# proxy authentication; the LNS verifies the user (auth-local) and runs
# IPCP (17.17.17.1 / 18.18.18.2); ping VM -> LNS and back; pppd stopping
# ends it all (CDN); both captures decode.
. "$VPDND_SOURCE_ROOT/tests/integration/lib.sh"
. "$VPDND_SOURCE_ROOT/tests/interop/lib-vm.sh"
vm_init pl

write_config lac.conf <<EOF
hostname = "LAC"
modules = {"pppoe", "dialer", "ppp", "l2tp"}
vpdn { enable = true  search-order = {"domain"} }
vpdn-group "1" {
  request-dialin { protocol = "l2tp"  domain = {"cisco.com"} }
  terminate-from = "LNS"
  initiate-to = {"18.18.18.2"}
  local-name = "LAC"
  tunnel-password = "l2tptunnel"
  source-ip = "18.18.18.1"
}
l2tp { listen = {"18.18.18.1"} }
bba-group "global" { virtual-template = 1 }
interface "vm0" { pppoe-enable = "global" }
interface "Virtual-Template1" {
  dialer-vpdn-forward = true
  ppp-authentication = {"chap"}
  ppp-chap-hostname = "LAC"
  ppp-mru = 1492
}
EOF
lns_conf LAC 18.18.18.2
in_ns ip addr add 18.18.18.1/32 dev lo
in_ns ip addr add 18.18.18.2/32 dev lo

cat >"$SHARE/run.sh" <<'EOF'
. /mnt/vm-lib.sh
ip link set eth0 up
echo '"remote1@cisco.com" * "cisco" *' >/etc/ppp/chap-secrets; chmod 600 /etc/ppp/chap-secrets
grep -q '^pppoe ' /proc/modules || { echo "no pppoe kernel module" >/mnt/pppd.out; exit 3; }
w go 300 || exit 2
P=$(ls -d /usr/lib/pppd/*/ | head -n1)
pppd plugin "$P/pppoe.so" eth0 nodetach name remote1@cisco.com user remote1@cisco.com noauth \
	refuse-pap noipdefault noccp novj nodeflate nobsdcomp lcp-echo-interval 0 maxfail 1 \
	debug logfile /mnt/pppd.log >/mnt/pppd.out 2>&1 &
PID=$!
if ppp_up 'inet 17.17.17.1' 600; then
	touch /mnt/up
	ping -c 3 -W 2 18.18.18.2 >/mnt/ping.txt 2>&1 && touch /mnt/ping-ok
fi
w stop
kill $PID
i=0; while kill -0 $PID 2>/dev/null && [ $i -lt 200 ]; do sleep 0.1; i=$((i+1)); done
kill -0 $PID 2>/dev/null || touch /mnt/down
w quit
exit 0
EOF

INTEROP_DBG+=(-d "pppoe events")
lac_lns_start "$T/l2tp.pcap"
ip netns exec "$NS" tshark -i vm0 -w "$T/pppoe.pcap" -q >"$T/tshark-vm0.log" 2>&1 &
NODE_PIDS[tshark-vm0]=$!
check "capture on vm0" wait_until 10 grep -q "Capturing on" "$T/tshark-vm0.log"
vm_start || { _fail "the VM boots and mounts the share"; finish; }
vm_say go
check "pppd is up (ppp0 17.17.17.1)" vm_wait_file up 90
check "LAC: PPPoE session answered, LAC forwarding" \
	log_has LAC "PPPoE[0-9]+ DDR: Incoming call from 52:54:00:12:34:56 on Virtual-Template1, PPP LAC forwarding"
check "LAC: phase FORWARDING" log_has LAC "PPPoE[0-9]+ PPP: Phase is FORWARDING"
check "LAC: tunnel to the LNS authenticated" log_has LAC "Tunnel Authentication success"
check "LNS: accepted the LAC's proxy CHAP authentication" log_has LNS "VPDN: Using proxy authentication \\(CHAP\\)"
check "LNS: auth-local verified remote1@cisco.com" log_has LNS 'AUTH-LOCAL: CHAP user "remote1@cisco.com" authenticated'
check "pppd: CHAP authentication succeeded" vm_log_has pppd.log "CHAP authentication succeeded"
check "pppd: remote IP address 18.18.18.2" vm_log_has pppd.log "remote IP address 18.18.18.2"
check "ping VM -> LNS over PPPoE and L2TP" vm_wait_file ping-ok 20
check "ping LNS -> VM (17.17.17.1)" in_ns ping -c 3 -W 2 -I 18.18.18.2 17.17.17.1
run "$VPDNCTL" --bus "$BUS" -n LAC show vpdn
contains "LAC show vpdn: the session on PPPoE" "$OUT" "PPPoE"

vm_say stop
check "pppd exited" vm_wait_file down 30
check "LNS: session closed (CDN)" wait_until 15 log_has LNS "CDN"
check "LAC: the PPPoE session ended" wait_until 15 log_has LAC "vm0 PPPoE: PPPoE[0-9]+ ended"
vm_say quit
check "the VM powers off" vm_wait_done 60
check "run.sh succeeded" [ "$VM_RC" = 0 ]
capture_stop
stop_node tshark-vm0
check "L2TP capture decodes in tshark, nothing malformed" capture_check "$T/l2tp.pcap"
check "L2TP capture: SCCRQ, ICRQ, CDN" sh -c \
	"grep -q 'SCCRQ' '$T/tshark-read.txt' && grep -q 'ICRQ' '$T/tshark-read.txt' && grep -q 'CDN' '$T/tshark-read.txt'"
check "PPPoE capture decodes in tshark, nothing malformed" capture_check "$T/pppoe.pcap"
check "PPPoE capture: PADI, PADS, CHAP" sh -c "grep -q PADI '$T/tshark-read.txt' && \
	grep -q PADS '$T/tshark-read.txt' && grep -q CHAP '$T/tshark-read.txt'"
finish
