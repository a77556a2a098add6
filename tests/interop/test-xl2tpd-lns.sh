#!/bin/bash
# SPDX-License-Identifier: MIT
# Interop scenario 2: our LAC tunnels an ISDN user to a real xl2tpd + pppd
# (the kernel's PPPoL2TP) as LNS in the VM.
#
#   remote1 (own namespace: TUN, routes) --ISDN (isdn-switch node)--> LAC
#   (namespace $NS with the VM's tap vm0, 192.0.2.1) --L2TP--> xl2tpd
#   [lns default] "XLNS" (192.0.2.2) --pppol2tp--> pppd (name XLNS,
#   require-chap, 10.20.0.1, gives 17.17.17.1)
#
#  - a ping from remote1 to 10.20.0.1 brings the ISDN call up; our LAC does
#    LCP + CHAP with remote1, sees the domain cisco.com, opens a tunnel to
#    xl2tpd (challenge authentication both ways), ICRQ/ICRP/ICCN (with the
#    proxy LCP/authentication AVPs, which xl2tpd ignores);
#  - pppd renegotiates LCP with remote1 through our LAC and authenticates
#    it by CHAP (chap-secrets); IPCP; ping both ways;
#  - teardown from our side (clear vpdn tunnel at the LAC: xl2tpd logs the
#    StopCCN, pppd exits, remote1's call goes down); remote1 dials again;
#    teardown from the peer (pppd killed: xl2tpd sends CDN, our LAC clears
#    the ISDN call, remote1 sees it go down; xl2tpd stopped: StopCCN);
#  - vpdnctl --json show vpdn at the LAC at each step; the capture decodes.
. "$VPDND_SOURCE_ROOT/tests/integration/lib.sh"
. "$VPDND_SOURCE_ROOT/tests/interop/lib-vm.sh"
vm_init s2

# remote1 has its own namespace (its TUN, its routes); cleaned up after
# the nodes are stopped (lib-vm.sh's cleanup stops them).
R1NS=$NS-r1
s2_cleanup() {
	_vm_cleanup
	ip netns del "$R1NS" 2>/dev/null
	return 0
}
trap s2_cleanup EXIT
ip netns add "$R1NS" || { _fail "create namespace $R1NS"; finish; }
ip -n "$R1NS" link set lo up
ip -n "$R1NS" addr add 17.17.17.1/32 dev lo
in_r1() { ip netns exec "$R1NS" "$@"; }

export VPDND_ISDN_SOCKET="$T/isdn.sock"
write_config isdn-network.conf <<'EOF'
hostname = "isdn-network"
modules = {"isdn-switch"}
isdn-switch { listen = "unix:${VPDND_ISDN_SOCKET}" }
EOF

# The LAC of etc/lac.conf, its tunnel pointed at the VM (no dial-out).
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
  terminate-from = "XLNS"
  initiate-to = {"192.0.2.2"}
  local-name = "LAC"
  tunnel-password = "l2tptunnel"
  source-ip = "192.0.2.1"
  tunnel-authentication = true
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

# remote1 of etc/remote1.conf, with a route to the pppd server's address.
write_config remote1.conf <<'EOF'
hostname = "remote1"
modules = {"isdn", "dialer", "ppp", "ip"}
isdn {
  switch-type = "basic-net3"
  network = "unix:${VPDND_ISDN_SOCKET}"
}
controller "BRI 0" { number = {"6122"} }
interface "Loopback0" { ip-address = "17.17.17.1/32" }
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
  ppp-chap-hostname = "remote1@cisco.com"
  ppp-chap-password = "cisco"
}
ip-route "10.20.0.1/32" { interface = "Dialer1" }
EOF
for f in isdn-network lac remote1; do
	ok "$f.conf passes --check" "$VPDND" -c "$T/$f.conf" --check
done

# The VM's side: xl2tpd as LNS, pppd as the PPP server through pppol2tp.so.
cat >"$SHARE/run.sh" <<'EOF'
. /mnt/vm-lib.sh
eth0_up
echo "* * l2tptunnel" >/etc/xl2tpd/l2tp-secrets; chmod 600 /etc/xl2tpd/l2tp-secrets
echo '"remote1@cisco.com" XLNS "cisco" *' >/etc/ppp/chap-secrets; chmod 600 /etc/ppp/chap-secrets
xl2tpd_conf <<CONF
[lns default]
ip range = 17.17.17.1-17.17.17.1
local ip = 10.20.0.1
hostname = XLNS
challenge = yes
require authentication = yes
require chap = yes
refuse pap = yes
length bit = yes
pppoptfile = /etc/ppp/options.xlns
CONF
cat >/etc/ppp/options.xlns <<CONF
name XLNS
auth
require-chap
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
touch /mnt/lns-ready
# 1) remote1 dials; pppd comes up; ping remote1 from the server's side.
if ppp_up 'inet 10.20.0.1 peer 17.17.17.1'; then
	touch /mnt/up1
	ip addr >/mnt/ppp-1.txt
	ping -c 3 -W 2 17.17.17.1 >/mnt/ping1.txt 2>&1 && touch /mnt/ping1-ok
fi
# Our LAC clears the tunnel: pppd must go away.
w clear1
ppp_gone 300 && touch /mnt/down1
mv /mnt/pppd.log /mnt/pppd-1.log
# 2) remote1 dials again (same xl2tpd); then pppd is killed here.
if ppp_up 'inet 10.20.0.1 peer 17.17.17.1'; then
	touch /mnt/up2
	ping -c 3 -W 2 17.17.17.1 >/mnt/ping2.txt 2>&1 && touch /mnt/ping2-ok
fi
w stop2 && killall pppd
ppp_gone 150 && touch /mnt/down2
w stop3
kill $XPID
wait $XPID
exit 0
EOF

DBG=("${INTEROP_DBG[@]}")
ip netns exec "$NS" "$VPDND" -c "$T/isdn-network.conf" --no-bus >"$T/isdn-network.log" 2>&1 &
NODE_PIDS[isdn-network]=$!
check "ISDN network listens" wait_until 10 test -S "$VPDND_ISDN_SOCKET"
node_start LAC "$T/lac.conf" "${DBG[@]}" || { _fail "our LAC starts in the namespace"; finish; }
# remote1 in its own namespace, on the same bus (a socket path). Not
# through in_r1: a function run with & is a subshell, $! its pid, and
# stopping it would leave vpdnd running; ip netns exec execs vpdnd.
ip netns exec "$R1NS" "$VPDND" -c "$T/remote1.conf" --bus "$BUS" "${DBG[@]}" >>"$T/remote1.log" 2>&1 &
NODE_PIDS[remote1]=$!
check "remote1 starts in its namespace" wait_until 10 name_on_bus "$(node_name remote1)"
check "LAC's E1 0 registered" wait_until 10 log_has LAC "E1 0: registered"
check "remote1's BRI 0 registered" wait_until 10 log_has remote1 "BRI 0: registered"

# wait_s SECONDS CMD...: poll until CMD succeeds, bounded by wall time
# (wait_until counts iterations; pings and vpdnctl calls take a while).
ctl() { local n=$1; shift; "$VPDNCTL" --bus "$BUS" -n "$n" "$@"; }
# r1_ping: one reply of 3 from 10.20.0.1 (the first ping dials)
r1_ping() { in_r1 ping -c 3 -W 2 -I 17.17.17.1 10.20.0.1 >"$T/ping.txt" 2>&1 && grep -qE ' [1-9][0-9]* received' "$T/ping.txt"; }
r1_no_call() { ctl remote1 show dialer >"$T/dialer.txt" 2>&1 && ! grep -q connected "$T/dialer.txt"; }
count() { grep -cE -- "$2" "$T/$1.log"; }

capture_start "$T/s2.pcap"
check "capture on the VM's Ethernet" [ -n "$CAP_PID" ]
vm_start || { _fail "the VM boots and mounts the share"; finish; }
check "xl2tpd started as LNS" vm_wait_file lns-ready 30

# --- 1. remote1 dials; our LAC forwards; pppd authenticates it -------------
check "remote1 pings 10.20.0.1 (the call comes up on demand)" wait_s 90 r1_ping
check "remote1 dialled 8211 on demand" log_has remote1 "DDR: Attempting to dial 8211"
check "LAC: incoming call from 6122" log_has LAC "Received a DATA call from 6122"
check "LAC: CHAP challenge as LAC" log_has LAC 'CHAP: O CHALLENGE id [0-9]+ len [0-9]+ from "LAC"'
check "LAC: PPP phase FORWARDING" log_has LAC "Se0:[0-9]+ PPP: Phase is FORWARDING"
check "LAC: O SCCRQ" log_has LAC "Tnl [0-9]+ L2TP: O SCCRQ"
check "LAC: I SCCRP from XLNS" log_has LAC "I SCCRP from XLNS"
check "LAC: xl2tpd answered our challenge" log_has LAC "Tunnel Authentication success"
check "LAC: session wait-reply -> established" log_has LAC "Session state change from wait-reply to established"
check "xl2tpd: tunnel established with our LAC" vm_log_has xl2tpd.log "Connection established to 192.0.2.1"
check "xl2tpd: call established" vm_log_has xl2tpd.log "Call established with 192.0.2.1"
check "xl2tpd uses the kernel's L2TP" vm_log_has xl2tpd.log "Using l2tp kernel support"
check "xl2tpd ignored our proxy LCP AVPs (26-28: no handler)" sh -c \
	"grep -q 'no handler for attribute 26 (Initial Received LCP Confreq)' '$SHARE/xl2tpd.log' &&
	 grep -q 'no handler for attribute 28 (Last Received LCP Confreq)' '$SHARE/xl2tpd.log'"
check "pppd: kernel mode, LNS side (pppol2tp plugin)" vm_log_has pppd.log "PPPoL2TP options: lnsmode"
check "pppd renegotiated LCP: sent its own CONFREQ" vm_log_has pppd.log "sent \\[LCP ConfReq"
check "pppd: remote1 acked its LCP options" vm_log_has pppd.log "rcvd \\[LCP ConfAck"
check "pppd: CHAP challenge as XLNS" vm_log_has pppd.log 'sent \[CHAP Challenge id=0x[0-9a-f]+ <[0-9a-f]+>, name = "XLNS"\]'
check "pppd: remote1@cisco.com answered" vm_log_has pppd.log 'rcvd \[CHAP Response id=0x[0-9a-f]+ <[0-9a-f]+>, name = "remote1@cisco.com"\]'
check "pppd: remote1 authenticated (CHAP Success)" vm_log_has pppd.log 'sent \[CHAP Success id=0x[0-9a-f]+ "Access granted"\]'
check "pppd: remote IP address 17.17.17.1" vm_log_has pppd.log "remote IP address 17.17.17.1"
check "remote1: LCP renegotiated (second CONFREQ from the peer)" \
	sh -c "[ \$(grep -cE 'LCP: I CONFREQ' '$T/remote1.log') -ge 2 ]"
check "remote1: CHAP challenge from XLNS answered" log_has remote1 'CHAP: I CHALLENGE id [0-9]+ len [0-9]+ from "XLNS"'
check "remote1: CHAP success" log_has remote1 "CHAP: I SUCCESS"
check "remote1: IPCP Open" log_has remote1 "IPCP: State is Open"
check "remote1: no illegal PPP event on the renegotiation" ! log_has remote1 "illegal event"
check "ping pppd server -> remote1 (17.17.17.1)" vm_wait_file ping1-ok 20
check "LAC show vpdn --json: 1 tunnel, remote1's session" vpdn_is LAC "1 1 remote1@cisco.com"
run ctl LAC show vpdn
contains "LAC show vpdn names XLNS" "$OUT" "XLNS"
contains "LAC show vpdn: remote address 192.0.2.2" "$OUT" "192.0.2.2"

# --- teardown from our side: clear vpdn tunnel at the LAC -------------------
tid=$(ctl LAC --json show vpdn | python3 -c '
import json, sys; print(json.load(sys.stdin)["tunnels"][0]["local_id"])' 2>/dev/null)
r1_clears=$(count remote1 "cleared, cause|disconnected from")
lac_clears=$(count LAC "ISDN Se0:15: Event: call id 0x[0-9A-F]+ cleared")
ok "clear vpdn tunnel l2tp $tid" ctl LAC clear vpdn tunnel l2tp "$tid"
vm_say clear1
check "LAC: tunnel cleared by administrator" wait_until 10 log_has LAC "Cleared by administrator"
check "xl2tpd got our StopCCN (Administratively cleared)" wait_until 15 sh -c \
	"grep -q 'Stop-Control-Connection-Notification' '$SHARE/xl2tpd.log' &&
	 grep -q 'Administratively cleared' '$SHARE/xl2tpd.log'"
check "LAC: O StopCCN to XLNS" wait_until 10 log_has LAC "O StopCCN to XLNS"
check "LAC: cleared remote1's ISDN call" wait_until 10 sh -c \
	"[ \$(grep -cE 'ISDN Se0:15: Event: call id 0x[0-9A-F]+ cleared' '$T/LAC.log') -gt $lac_clears ]"
check "pppd went down with the tunnel" vm_wait_file down1 40
check "pppd-1: terminated" wait_until 10 sh -c "grep -qsE 'Connection terminated|Exit' '$SHARE/pppd-1.log'"
check "remote1: its ISDN call went down" wait_until 20 sh -c \
	"[ \$(grep -cE 'cleared, cause|disconnected from' '$T/remote1.log') -gt $r1_clears ]"
check "remote1: no call connected any more" wait_until 10 r1_no_call
check "LAC show vpdn --json: no session" wait_until 15 sh -c "$(declare -f vpdn_json); vpdn_json LAC | grep -q '^[01] 0 '"

# --- 2. dial again; teardown from the peer (pppd killed) --------------------
check "remote1 pings 10.20.0.1 again (a new call, a new tunnel)" wait_s 90 r1_ping
check "ping pppd server -> remote1 again" vm_wait_file ping2-ok 30
check "LAC show vpdn --json: remote1's session again" wait_until 10 vpdn_is LAC "1 1 remote1@cisco.com"
r1_clears=$(count remote1 "cleared, cause|disconnected from")
lac_clears=$(count LAC "ISDN Se0:15: Event: call id 0x[0-9A-F]+ cleared")
vm_say stop2
check "pppd killed in the VM" vm_wait_file down2 30
check "xl2tpd: pppd exited, call closed" wait_until 15 sh -c \
	"grep -qE 'pppd exited for call [0-9]+' '$SHARE/xl2tpd.log' &&
	 grep -qE 'call_close: Call [0-9]+ to 192.0.2.1 disconnected' '$SHARE/xl2tpd.log'"
check "LAC: I CDN from XLNS" wait_until 20 log_has LAC "I CDN from XLNS"
check "LAC: cleared remote1's ISDN call on the CDN" wait_until 10 sh -c \
	"[ \$(grep -cE 'ISDN Se0:15: Event: call id 0x[0-9A-F]+ cleared' '$T/LAC.log') -gt $lac_clears ]"
check "LAC show vpdn --json: the session is gone" wait_until 15 sh -c "$(declare -f vpdn_json); vpdn_json LAC | grep -q '^1 0 '"
check "remote1: its ISDN call went down" wait_until 20 sh -c \
	"[ \$(grep -cE 'cleared, cause|disconnected from' '$T/remote1.log') -gt $r1_clears ]"
check "remote1: no call connected any more" wait_until 10 r1_no_call
check "pppd: terminated" wait_until 15 vm_log_has pppd.log "Connection terminated|Exit"
vm_say stop3
check "LAC: I StopCCN from XLNS" wait_until 20 log_has LAC "I StopCCN from XLNS"
check "the VM powers off" vm_wait_done 60
check "run.sh succeeded" [ "$VM_RC" = 0 ]
# After the StopCCN the tunnel stays "closing" for one retransmission
# cycle (RFC 2661 5.7; 31 s with the default timers).
check "LAC show vpdn --json: no tunnel left after the StopCCN hold" wait_until 45 vpdn_is LAC "0 0 "
capture_stop
check "capture decodes in tshark, nothing malformed" capture_check "$T/s2.pcap"
check "capture holds L2TP control (SCCRQ, ICRQ, ICCN, CDN, StopCCN)" sh -c \
	"for m in SCCRQ ICRQ ICCN CDN StopCCN; do grep -q \"\$m\" '$T/tshark-read.txt' || exit 1; done"
check "capture: our ICCNs carry proxy LCP and proxy authentication AVPs" sh -c \
	"[ \$(tshark -r '$T/s2.pcap' -Y 'l2tp.avp.type == 26 && l2tp.avp.type == 29 && l2tp.avp.type == 33' 2>/dev/null | wc -l) -ge 2 ]"
check "capture holds PPP LCP, CHAP and IPCP" sh -c \
	"grep -q 'LCP' '$T/tshark-read.txt' && grep -q 'CHAP' '$T/tshark-read.txt' && grep -q 'IPCP' '$T/tshark-read.txt'"
check "no secret in any log (ours or the VM's)" sh -c \
	"! grep -qE '(^|[^@[:alnum:]_.])cisco([^.@[:alnum:]_]|$)|l2tptunnel' '$T'/*.log '$SHARE'/*.log"
for n in LAC remote1 isdn-network; do
	check "$n still runs" kill -0 "${NODE_PIDS[$n]}"
done
finish
