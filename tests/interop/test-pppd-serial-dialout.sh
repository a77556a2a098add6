#!/bin/bash
# SPDX-License-Identifier: MIT
# Interop scenario 4: our LNS dials out through our LAC to a real pppd that
# answers on a serial line (the scenario's dial-out flow with a real callee):
#  - the LAC has two async lines on the VM's serial ports: tty0 on ttyS1 (a
#    QEMU pty, a device line) takes calls in (unused here); tty1 is a
#    dial-out line (`calls = "out"`, a direct-connect line) that connects to
#    ttyS2's QEMU socket (`-chardev socket,server=on`) only when it dials,
#    in Dialer1's rotary group (interface Serial1, dialer-rotary-group 1);
#  - pppd in the VM answers on ttyS2 (`silent`: it waits for our LCP) as
#    remote2@cisco.com and challenges the caller by CHAP;
#  - traffic for 17.17.17.2 at the LNS (ip route to Dialer2) dials: OCRQ
#    to the LAC, whose Dialer1 hunts its rotary group and places the call on
#    tty1 (the number 6121 is logged, kept with the call, not dialled), OCRP,
#    OCCN; LCP from the LNS (callout: it does not ask for authentication),
#    remote2's CHAP challenge answered as LNS, IPCP (17.17.17.2 / 18.18.18.2);
#  - ping LNS -> 17.17.17.2 and VM -> LNS; show vpdn --json at both, show
#    isdn active at the LAC (an Out call on tty1 to 6121);
#  - teardown: pppd stopped in the VM sends LCP Terminate-Request (through
#    the LAC), the LNS acks, closes the session and sends CDN, the LAC
#    clears tty1's call and closes its connection, idle for the next dial;
#  - a new pppd answers, a new ping dials again: a second call on tty1.
#  - the capture of L2TP decodes.
. "$VPDND_SOURCE_ROOT/tests/integration/lib.sh"
. "$VPDND_SOURCE_ROOT/tests/interop/lib-vm.sh"
export VPDND_MODULE_PATH="$VPDND_BUILD_ROOT/modules/isdn"
vm_init s4

write_config lac.conf <<EOF
hostname = "LAC"
modules = {"isdn", "line", "dialer", "ppp", "l2tp"}
vpdn { enable = true  search-order = {"domain"} }
vpdn-group "1" {
  request-dialin { protocol = "l2tp"  domain = {"cisco.com"} }
  accept-dialout { protocol = "l2tp"  dialer = 1 }
  terminate-from = "LNS"
  initiate-to = {"18.18.18.2"}
  local-name = "LAC"
  tunnel-password = "l2tptunnel"
  source-ip = "18.18.18.1"
}
l2tp { listen = {"18.18.18.1"} }
# remote1's dial-in line (ttyS1) and the dial-out line to remote2 (ttyS2)
line "tty0" { device = "$T/ttyS1" speed = 115200 number = "6122" called = "211" interface = "Serial0:15" }
line "tty1" { connect = "unix:$T/ttyS2.sock" calls = "out" interface = "Serial1" }
interface "Serial0:15" {
  dialer-vpdn-forward = true
  ppp-authentication = {"chap"}
  ppp-chap-hostname = "LAC"
}
interface "Serial1" { dialer-rotary-group = 1 }
dialer-list "1" { protocol = "ip"  permit = true }
interface "Dialer1" {
  dialer-in-band = true
  dialer-aaa = true
  dialer-group = 1
  ppp-authentication = {"chap"}
  ppp-chap-hostname = "LAC"
}
EOF

write_config lns.conf <<EOF
hostname = "LNS"
modules = {"auth-local", "dialer", "ppp", "l2tp", "ip"}
username "remote2@cisco.com" { password = "cisco" }
vpdn { enable = true }
vpdn-group "1" {
  request-dialout { protocol = "l2tp"  pool-member = 1 }
  terminate-from = "LAC"
  initiate-to = {"18.18.18.1"}
  local-name = "LNS"
  tunnel-password = "l2tptunnel"
  source-ip = "18.18.18.2"
}
l2tp { listen = {"18.18.18.2"} }
interface "Loopback0" { ip-address = "18.18.18.2/32" }
dialer-list "1" { protocol = "ip"  permit = true }
interface "Dialer2" {
  ip-unnumbered = "Loopback0"
  ppp-peer-default-ip-address = "17.17.17.2"
  dialer-pool = 1
  dialer-remote-name = "remote2@cisco.com"
  dialer-string = "6121"
  dialer-vpdn = true
  dialer-group = 1
  dialer-enable-timeout = 2
  ppp-authentication = {"chap", "callin"}
  ppp-chap-hostname = "LNS"
}
ip-route "17.17.17.2/32" { interface = "Dialer2" }
EOF
# vpdn_counts HOST "T S": tunnels and sessions (the dial-out session's user
# name is the LNS's own view of it, not asserted here)
vpdn_counts() { [ "$(vpdn_json "$1" 2>/dev/null | cut -d' ' -f1,2)" = "$2" ]; }
in_ns ip addr add 18.18.18.1/32 dev lo
in_ns ip addr add 18.18.18.2/32 dev lo

# The VM's side: pppd answers on ttyS2 (silent: waits for the caller's LCP)
# and challenges the caller (auth, CHAP): the LNS must answer as "LNS".
cat >"$SHARE/run.sh" <<'EOF'
. /mnt/vm-lib.sh
echo '"LNS" "remote2@cisco.com" "cisco" *' >/etc/ppp/chap-secrets; chmod 600 /etc/ppp/chap-secrets
for n in 1 2; do
	pppd /dev/ttyS2 115200 nodetach local nocrtscts silent name remote2@cisco.com \
		auth require-chap 17.17.17.2: noccp novj nodeflate nobsdcomp asyncmap 0 noipv6 \
		lcp-echo-interval 0 maxfail 1 debug logfile /mnt/pppd$n.log >/mnt/pppd$n.out 2>&1 &
	PID=$!
	touch /mnt/listening$n
	if ppp_up 'inet 17.17.17.2'; then
		touch /mnt/up$n
		ping -c 3 -W 2 18.18.18.2 >/mnt/ping$n.txt 2>&1 && touch /mnt/ping$n-ok
	fi
	w stop$n
	kill $PID
	i=0; while kill -0 $PID 2>/dev/null && [ $i -lt 200 ]; do sleep 0.1; i=$((i+1)); done
	kill -0 $PID 2>/dev/null || touch /mnt/down$n
done
# Stay up (QEMU's serial ports open) until the host has seen the call cleared.
w quit
exit 0
EOF

lac_lns_start "$T/s4.pcap"
# shellcheck disable=SC2046
vm_start $(vm_pty s1) $(vm_serial s2 "$T/ttyS2.sock") || { _fail "the VM boots and mounts the share"; finish; }
check "QEMU made ttyS1's pty; linked for tty0" vm_pty_link s1 "$T/ttyS1"
check "LAC: tty1 is a dial-out line, unconnected while idle" \
	log_has LAC "ISDN tty1: dial-out line to $T/ttyS2.sock, connects when it dials"
check "pppd waits on ttyS2" vm_wait_file listening1 60
ok "LAC show isdn status, idle" "$VPDNCTL" --bus "$BUS" -n LAC show isdn status
TTY1=$(printf '%s\n' "$OUT" | sed -n '/ISDN tty1 interface/,$p')
contains "idle tty1: unconnected (layer 1 deactivated)" "$TTY1" "DEACTIVATED"
contains "idle tty1: free to dial (1 channel available)" "$TTY1" "Number of available B-channels = 1"
sleep 1

# Traffic for remote2 at the LNS dials Dialer2 (the first packets may be
# dropped while the call comes up).
in_ns ping -c 1 -W 1 -I 18.18.18.2 17.17.17.2 >/dev/null 2>&1
check "pppd is up (ppp0 17.17.17.2)" vm_wait_file up1 90
check "LNS: Dialer2 dials 6121" log_has LNS "Di2 DDR: Attempting to dial 6121"
check "LNS: O OCRQ, I OCRP, I OCCN" sh -c "grep -q 'O OCRQ' '$T/LNS.log' && grep -q 'I OCRP' '$T/LNS.log' && grep -q 'I OCCN' '$T/LNS.log'"
check "LAC: Dialer1's rotary dial-out on Serial1" log_has LAC "Se1 DDR: Attempting to dial 6121"
check "LAC: outgoing call on tty1, number logged, not dialled" \
	log_has LAC "ISDN tty1: Event: Call to 6121 at 115200 b/s, async: number 6121 not dialled, direct-connect line"
check "LAC: tty1 connected to 6121" log_has LAC "%ISDN-6-CONNECT: Interface tty1 is now connected to 6121"
check "LAC: dial-out session established" log_has LAC "wait-cs-answer to established"
check "LNS: CHAP challenge from remote2 answered as LNS" log_has LNS 'CHAP: I CHALLENGE .*from "remote2@cisco.com"'
check "LNS: route to 17.17.17.2 on Dialer2" log_has LNS "Di2 IPCP: Install route to 17.17.17.2"
check "pppd: the LNS (callout) does not ask it to authenticate" ! vm_log_has pppd1.log 'rcvd \[LCP ConfReq .*<auth'
check "pppd: the LNS answered its challenge as LNS" vm_log_has pppd1.log 'rcvd \[CHAP Response id=0x[0-9a-f]+ <[0-9a-f]+>, name = "LNS"\]'
check "pppd: CHAP Success sent to the LNS" vm_log_has pppd1.log 'sent \[CHAP Success'
check "pppd: remote IP address 18.18.18.2" vm_log_has pppd1.log "remote IP address 18.18.18.2"
check "ping VM -> LNS over PPP" vm_wait_file ping1-ok 20
check "ping LNS -> remote2 (17.17.17.2)" in_ns ping -c 3 -W 2 -I 18.18.18.2 17.17.17.2
check "LAC show vpdn --json: 1 tunnel, 1 session" wait_until 5 vpdn_counts LAC "1 1"
check "LNS show vpdn --json: 1 tunnel, 1 session" vpdn_counts LNS "1 1"
ok "LAC show isdn active" "$VPDNCTL" --bus "$BUS" -n LAC show isdn active
contains "an Out call" "$OUT" "Out"
contains "to 6121" "$OUT" "6121"
contains "on tty1" "$OUT" "tty1"
ok "LAC show isdn active --json" "$VPDNCTL" --bus "$BUS" -n LAC --json show isdn active
contains "json: call on tty1" "$OUT" '"port":"tty1"'
contains "json: called 6121" "$OUT" '"called":"6121"'
contains "json: outgoing" "$OUT" '"type":"Out"'
ok "LAC show dialer" "$VPDNCTL" --bus "$BUS" -n LAC show dialer
check "LAC show dialer: Dialer1 (rotary) placed 1 call" \
	[ "$(printf '%s\n' "$OUT" | awk '$1 == "Dialer1" && $2 == "rotary" { print $NF }')" = 1 ]
ok "LAC show isdn status" "$VPDNCTL" --bus "$BUS" -n LAC show isdn status
contains "LAC show isdn status: tty1 owned by Serial1" "$OUT" "ISDN tty1 interface (serial line, owned by Serial1)"
contains "LAC show isdn status: the call's CCB on tty1" "$OUT" "B-chan=tty1, calltype=DATA"
ok "LNS show dialer" "$VPDNCTL" --bus "$BUS" -n LNS show dialer
contains "LNS show dialer: Dialer2 connected" "$OUT" "connected"

# Teardown from the callee: pppd stops (LCP Terminate end to end, CDN).
vm_say stop1
check "pppd exited" vm_wait_file down1 30
check "pppd: Connection terminated" wait_until 10 vm_log_has pppd1.log "Connection terminated"
check "LNS: pppd's LCP Terminate-Request came through the tunnel" log_has LNS "LCP: I TERMREQ"
check "LNS: session closed, CDN to the LAC" wait_until 15 log_has LNS "O CDN to LAC"
check "LAC: I CDN from the LNS" wait_until 15 log_has LAC "I CDN from LNS"
check "LAC: tty1's call cleared, cause 16" wait_until 15 log_has LAC \
	"ISDN tty1: Event: call id 0x[0-9A-F]+ cleared, cause 16"
check "LAC show vpdn --json: the session is gone" wait_until 15 vpdn_is LAC "1 0 "
check "LNS show vpdn --json: the session is gone" wait_until 15 vpdn_is LNS "1 0 "
ok "LAC show isdn active --json after" "$VPDNCTL" --bus "$BUS" -n LAC --json show isdn active
check "no active call left" [ "$OUT" = '{"calls":[]}' ]

check "LAC: tty1 idle again (unconnected), ready to dial" wait_until 10 sh -c \
	"grep 'ISDN tty1: line state' '$T/LAC.log' | tail -n1 | grep -q 'down -> idle'"

# A second call: a new pppd answers, new traffic dials again.
check "a new pppd waits on ttyS2" vm_wait_file listening2 30
sleep 1
in_ns ping -c 1 -W 1 -I 18.18.18.2 17.17.17.2 >/dev/null 2>&1
check "second call: pppd is up" vm_wait_file up2 90
check "second call: ping VM -> LNS" vm_wait_file ping2-ok 20
check "second call: ping LNS -> remote2" in_ns ping -c 3 -W 2 -I 18.18.18.2 17.17.17.2
check "LAC: two outgoing calls on tty1" [ "$(grep -c 'ISDN tty1: Outgoing call id' "$T/LAC.log")" -eq 2 ]
ok "LAC show dialer" "$VPDNCTL" --bus "$BUS" -n LAC show dialer
check "LAC show dialer: Dialer1 placed 2 calls" \
	[ "$(printf '%s\n' "$OUT" | awk '$1 == "Dialer1" && $2 == "rotary" { print $NF }')" = 2 ]
vm_say stop2
check "second pppd exited" vm_wait_file down2 30
check "LAC: the second call cleared" wait_until 15 sh -c \
	"[ \$(grep -c 'ISDN tty1: Event: call id 0x[0-9A-F]* cleared, cause 16' '$T/LAC.log') -eq 2 ]"
check "LNS show vpdn --json: no session left" wait_until 15 vpdn_is LNS "1 0 "
vm_say quit
check "the VM powers off" vm_wait_done 60
check "run.sh succeeded" [ "$VM_RC" = 0 ]
capture_stop
check "L2TP capture decodes in tshark, nothing malformed" capture_check "$T/s4.pcap"
check "L2TP capture: OCRQ, OCRP, OCCN, CDN" sh -c \
	"grep -q 'OCRQ' '$T/tshark-read.txt' && grep -q 'OCRP' '$T/tshark-read.txt' && grep -q 'OCCN' '$T/tshark-read.txt' && grep -q 'CDN' '$T/tshark-read.txt'"
check "LAC still runs" kill -0 "${NODE_PIDS[LAC]}"
check "LNS still runs" kill -0 "${NODE_PIDS[LNS]}"
finish
