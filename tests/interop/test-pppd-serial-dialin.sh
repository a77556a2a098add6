#!/bin/bash
# SPDX-License-Identifier: MIT
# Interop scenario 3: a real pppd in the VM dials our LAC over a serial line
# (the scenario's dial-in flow with a real client), forwarded to our LNS:
#  - the VM's /dev/ttyS1 is a QEMU pty; our LAC's line "tty0" is a `device`
#    line on it (a direct-connect async line: the call starts on the first
#    octets pppd sends);
#  - pppd as remote1@cisco.com, CHAP from its chap-secrets, async HDLC with a
#    real ACCM negotiation (asyncmap 0);
#  - the LAC answers, proposes CHAP, challenges as LAC, forwards by domain
#    cisco.com over L2TP to the LNS (same namespace, 18.18.18.1 <->
#    18.18.18.2), which authenticates remote1 by CHAP against auth-local and
#    runs IPCP (client 17.17.17.1, LNS 18.18.18.2);
#  - ping VM -> LNS loopback and LNS -> VM;
#  - show vpdn --json at LAC and LNS, show isdn active at the LAC, the line's
#    PPP frames captured by the LAC (vpdnctl capture ... port tty0), the L2TP
#    capture on lo decodes;
#  - teardown: pppd stopped in the VM sends LCP Terminate-Request, which the
#    LAC forwards; the LNS acks, closes the session and sends CDN; the LAC
#    clears the line's call (cause 16) and reopens the pty for the next
#    caller. (A QEMU pty carries no modem signals: pppd closing ttyS1 is not
#    seen as a carrier loss; the VM powering off is, as end of file.)
. "$VPDND_SOURCE_ROOT/tests/integration/lib.sh"
. "$VPDND_SOURCE_ROOT/tests/interop/lib-vm.sh"
export VPDND_MODULE_PATH="$VPDND_BUILD_ROOT/modules/isdn"
vm_init s3

write_config lac.conf <<EOF
hostname = "LAC"
modules = {"isdn", "line", "dialer", "ppp", "l2tp"}
capture-directory = "$T"
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
# remote1's async line: the VM's ttyS1 (a QEMU pty, linked by the test)
line "tty0" { device = "$T/ttyS1" speed = 115200 number = "6122" called = "211" interface = "Serial0:15" }
interface "Serial0:15" {
  dialer-vpdn-forward = true
  ppp-authentication = {"chap"}
  ppp-chap-hostname = "LAC"
}
EOF

lns_conf LAC 18.18.18.2
in_ns ip addr add 18.18.18.1/32 dev lo
in_ns ip addr add 18.18.18.2/32 dev lo

# The VM's side: pppd on ttyS1 dials (a direct-connect line: no chat).
cat >"$SHARE/run.sh" <<'EOF'
. /mnt/vm-lib.sh
echo '"remote1@cisco.com" * "cisco" *' >/etc/ppp/chap-secrets; chmod 600 /etc/ppp/chap-secrets
w go 300 || exit 2
pppd /dev/ttyS1 115200 nodetach local nocrtscts name remote1@cisco.com user remote1@cisco.com \
	17.17.17.1: noauth refuse-pap noccp novj nodeflate nobsdcomp asyncmap 0 \
	lcp-echo-interval 0 maxfail 1 debug logfile /mnt/pppd.log >/mnt/pppd.out 2>&1 &
PID=$!
if ppp_up 'inet 17.17.17.1' 600; then
	touch /mnt/up
	ip addr show dev ppp0 >/mnt/ppp0.txt
	ping -c 3 -W 2 18.18.18.2 >/mnt/ping.txt 2>&1 && touch /mnt/ping-ok
fi
w stop
kill $PID
i=0; while kill -0 $PID 2>/dev/null && [ $i -lt 200 ]; do sleep 0.1; i=$((i+1)); done
kill -0 $PID 2>/dev/null || touch /mnt/down
# Stay up (QEMU's ptys open) until the host has seen the call cleared.
w quit
exit 0
EOF

lac_lns_start "$T/s3.pcap"
# shellcheck disable=SC2046
vm_start $(vm_pty s1) || { _fail "the VM boots and mounts the share"; finish; }
check "QEMU made ttyS1's pty; linked for the LAC's line" vm_pty_link s1 "$T/ttyS1"
check "LAC: tty0 opened the pty (line idle)" wait_until 10 log_has LAC "ISDN tty0: line state down -> idle"
spawn linecap "$VPDNCTL" --bus "$BUS" -n LAC capture "$T/tty0.pcap" port tty0
check "capture of the line's PPP frames runs" wait_until 10 grep -q "Capturing tty0" "$T/linecap.log"
vm_say go

check "pppd is up (ppp0 17.17.17.1)" vm_wait_file up 90
check "LAC: incoming call on tty0 from 6122" log_has LAC "ISDN tty0: Event: Received a DATA call from 6122"
check "LAC: challenged remote1 as LAC, phase FORWARDING" log_has LAC "tty0 PPP: Phase is FORWARDING"
check "LAC: tunnel to the LNS authenticated" log_has LAC "Tunnel Authentication success"
check "LNS: session established" log_has LNS "Session state change from wait-connect to established"
check "LNS: accepted the LAC's proxy CHAP authentication" log_has LNS "VPDN: Using proxy authentication \\(CHAP\\)"
check "LNS: cloned a Virtual-Access" log_has LNS "Vi[0-9]+ VTEMPLATE: Clone from Virtual-Template1"
check "LNS: auth-local verified remote1@cisco.com" log_has LNS 'AUTH-LOCAL: CHAP user "remote1@cisco.com" authenticated'
check "LNS: route to 17.17.17.1 installed" log_has LNS "IPCP: Install route to 17.17.17.1"
check "pppd: async line, ACCM negotiated (asyncmap 0)" vm_log_has pppd.log "asyncmap 0x0"
check "pppd: CHAP authentication succeeded" vm_log_has pppd.log "CHAP authentication succeeded"
check "pppd: remote IP address 18.18.18.2" vm_log_has pppd.log "remote IP address 18.18.18.2"
check "LAC: ACCM set on the line from LCP" log_has LAC "ISDN tty0: ACCM send 0x00000000"
check "ping VM -> LNS over PPP" vm_wait_file ping-ok 20
check "ping LNS -> VM (17.17.17.1)" in_ns ping -c 3 -W 2 -I 18.18.18.2 17.17.17.1
check "LAC show vpdn --json: 1 tunnel, remote1's session" vpdn_is LAC "1 1 remote1@cisco.com"
check "LNS show vpdn --json: 1 tunnel, remote1's session" vpdn_is LNS "1 1 remote1@cisco.com"
run "$VPDNCTL" --bus "$BUS" -n LAC show vpdn
contains "LAC show vpdn: the session on tty0" "$OUT" "tty0"
ok "LAC show isdn active" "$VPDNCTL" --bus "$BUS" -n LAC show isdn active
contains "the line's call: In from 6122" "$OUT" "6122"
contains "the line's call on tty0" "$OUT" "tty0"
ok "LAC show isdn active --json" "$VPDNCTL" --bus "$BUS" -n LAC --json show isdn active
contains "json: call on tty0" "$OUT" '"port":"tty0"'
contains "json: calling 6122" "$OUT" '"calling":"6122"'
contains "json: remote1 named" "$OUT" 'remote1@cisco.com'

# Teardown: pppd stops; LCP Terminate end to end, CDN, the call clears.
vm_say stop
check "pppd exited" vm_wait_file down 30
check "pppd: Connection terminated" wait_until 10 vm_log_has pppd.log "Connection terminated"
check "LNS: pppd's LCP Terminate-Request came through the tunnel" log_has LNS "LCP: I TERMREQ"
check "LNS: session closed, CDN to the LAC" wait_until 15 log_has LNS "O CDN to LAC"
check "LAC: I CDN from the LNS" wait_until 15 log_has LAC "I CDN from LNS"
check "LAC: the line's call cleared (cause 16)" wait_until 15 log_has LAC \
	"ISDN tty0: Event: call id 0x[0-9A-F]+ cleared, cause 16 \\(Normal call clearing\\)$"
check "LAC: tty0 reopened the pty, idle for the next caller" wait_until 10 sh -c \
	"grep 'ISDN tty0: line state' '$T/LAC.log' | tail -n1 | grep -q 'down -> idle'"
check "LNS show vpdn --json: the session is gone" wait_until 15 vpdn_is LNS "1 0 "
check "LAC show vpdn --json: the session is gone" wait_until 15 vpdn_is LAC "1 0 "
ok "LAC show isdn active --json after" "$VPDNCTL" --bus "$BUS" -n LAC --json show isdn active
check "no active call left" [ "$OUT" = '{"calls":[]}' ]
kill -INT "${NODE_PIDS[linecap]}"
wait_node_exit linecap 10
check "vpdnctl capture stopped, counted packets" grep -q "packets captured to" "$T/linecap.log"
vm_say quit
check "the VM powers off" vm_wait_done 60
check "run.sh succeeded" [ "$VM_RC" = 0 ]
capture_stop
check "L2TP capture decodes in tshark, nothing malformed" capture_check "$T/s3.pcap"
check "L2TP capture: SCCRQ, ICRQ, CDN" sh -c \
	"grep -q 'SCCRQ' '$T/tshark-read.txt' && grep -q 'ICRQ' '$T/tshark-read.txt' && grep -q 'CDN' '$T/tshark-read.txt'"
check "line capture decodes in tshark, nothing malformed" capture_check "$T/tty0.pcap"
cp "$T/tshark-read.txt" "$T/tshark-tty0.txt"
check "line capture: LCP, CHAP, IPCP from the real pppd" sh -c \
	"grep -q 'LCP' '$T/tshark-tty0.txt' && grep -q 'CHAP' '$T/tshark-tty0.txt' && grep -q 'IPCP' '$T/tshark-tty0.txt'"
check "LAC still runs" kill -0 "${NODE_PIDS[LAC]}"
check "LNS still runs" kill -0 "${NODE_PIDS[LNS]}"
finish
