#!/bin/bash
# SPDX-License-Identifier: MIT
# Interop scenario 5: refusals seen from the real peer (xl2tpd + pppd as
# LAC in the VM, our LNS in a namespace), one VM boot, two dials:
#  a) xl2tpd with a wrong tunnel secret (it does not challenge us, we
#     challenge it): our LNS refuses its SCCCN with StopCCN result 4 (not
#     authorized) and xl2tpd logs "Tunnel authentication failed"; no call,
#     no tunnel left.
#  b) the right secret, pppd with a wrong CHAP password: auth-local refuses
#     it (CHAP Failure, seen in pppd's log), our LNS clears the session
#     with CDN result 3 (administrative), seen in xl2tpd's log.
. "$VPDND_SOURCE_ROOT/tests/integration/lib.sh"
. "$VPDND_SOURCE_ROOT/tests/interop/lib-vm.sh"
vm_init s5

lns_conf XLAC 192.0.2.1 "  tunnel-authentication = true"
in_ns ip addr add 18.18.18.2/32 dev lo

cat >"$SHARE/run.sh" <<'EOF'
. /mnt/vm-lib.sh
eth0_up
echo '"remote1@cisco.com" * "wrong-secret" *' >/etc/ppp/chap-secrets; chmod 600 /etc/ppp/chap-secrets
xl2tpd_conf <<CONF
[lac ourlns]
lns = 192.0.2.1
hostname = XLAC
challenge = no
autodial = yes
redial = no
require authentication = no
length bit = yes
pppoptfile = /etc/ppp/options.xlac
CONF
cat >/etc/ppp/options.xlac <<CONF
name remote1@cisco.com
17.17.17.1:
noauth
refuse-pap
noccp
novj
lcp-echo-interval 0
debug
logfile /mnt/pppd.log
CONF
# a) wrong tunnel secret
echo "* * wrong-secret" >/etc/xl2tpd/l2tp-secrets; chmod 600 /etc/xl2tpd/l2tp-secrets
xl2tpd -D >/mnt/xl2tpd-a.log 2>&1 &
XPID=$!
w next-a
kill $XPID; wait $XPID
# b) right secret, wrong CHAP password
echo "* * l2tptunnel" >/etc/xl2tpd/l2tp-secrets
xl2tpd -D >/mnt/xl2tpd-b.log 2>&1 &
XPID=$!
w next-b
kill $XPID; wait $XPID
exit 0
EOF

DBG=("${INTEROP_DBG[@]}")
node_start LNS "$T/lns.conf" "${DBG[@]}" || { _fail "our LNS starts in the namespace"; finish; }
capture_start "$T/s5.pcap"
check "capture on the VM's Ethernet" [ -n "$CAP_PID" ]
vm_start || { _fail "the VM boots and mounts the share"; finish; }

# a) wrong tunnel secret
check "LNS: tunnel authentication failed" wait_until 60 log_has LNS "Tunnel Authentication fail"
check "LNS: O StopCCN result 4" wait_until 10 log_has LNS "O StopCCN.*result 4"
check "xl2tpd: got the StopCCN" wait_until 10 vm_log_has xl2tpd-a.log "Stop-Control-Connection-Notification"
check "xl2tpd: closed, tunnel authentication failed" vm_log_has xl2tpd-a.log "Connection closed to 192.0.2.1.*Tunnel authentication failed"
check "xl2tpd: no call was made" ! vm_log_has xl2tpd-a.log "Call established"
check "show vpdn --json: no tunnel" wait_until 15 vpdn_is LNS "0 0 "
vm_say next-a

# b) wrong CHAP password
check "LNS: auth-local refuses remote1@cisco.com" \
	wait_until 60 log_has LNS 'CHAP authentication of user "remote1@cisco.com" failed'
check "pppd: CHAP authentication failed" wait_until 15 vm_log_has pppd.log "CHAP authentication failed"
check "pppd: told us it failed to authenticate" wait_until 15 vm_log_has pppd.log "Failed to authenticate ourselves to peer"
check "LNS: O CDN result 3 (administrative)" wait_until 10 log_has LNS "O CDN to XLAC .*result 3"
check "xl2tpd: our CDN closed the call (Administrative)" \
	wait_until 15 vm_log_has xl2tpd-b.log "Connection closed to 192.0.2.1, serial [0-9]+ \\(Administrative\\)"
check "show vpdn --json: no session left" wait_until 15 sh -c "$(declare -f vpdn_json); vpdn_json LNS | grep -q '^[01] 0 '"
check "no route to 17.17.17.1 left" ! sh -c "ip netns exec $NS ip route | grep -q 17.17.17.1"
vm_say next-b
check "the VM powers off" vm_wait_done 60
check "run.sh succeeded" [ "$VM_RC" = 0 ]
capture_stop
check "capture decodes in tshark, nothing malformed" capture_check "$T/s5.pcap"
check "capture holds the StopCCN and the CHAP Failure" sh -c \
	"grep -q 'StopCCN' '$T/tshark-read.txt' && grep -q 'Failure' '$T/tshark-read.txt'"
check "LNS still runs" kill -0 "${NODE_PIDS[LNS]}"
finish
