#!/bin/bash
# SPDX-License-Identifier: MIT
# Interop, issue #14 item 7: a real xl2tpd + pppd as LAC in the VM dials
# our LNS (default L2TP timers: a dead peer is noticed only after its
# HELLO goes unanswered, a minute and more); then the LAC dies without a
# word (xl2tpd and pppd killed with SIGKILL) and a new xl2tpd redials at
# once. The user's new session must own 17.17.17.1 at once: its route
# replaces the dead session's, traffic flows within a few seconds both
# ways, and clearing the dead tunnel later does not take the route away.
. "$VPDND_SOURCE_ROOT/tests/integration/lib.sh"
. "$VPDND_SOURCE_ROOT/tests/interop/lib-vm.sh"
vm_init s7

lns_conf XLAC 192.0.2.1
in_ns ip addr add 18.18.18.2/32 dev lo

cat >"$SHARE/run.sh" <<'EOF'
. /mnt/vm-lib.sh
eth0_up
echo "* * l2tptunnel" >/etc/xl2tpd/l2tp-secrets; chmod 600 /etc/xl2tpd/l2tp-secrets
echo '"remote1@cisco.com" * "cisco" *' >/etc/ppp/chap-secrets; chmod 600 /etc/ppp/chap-secrets
xl2tpd_conf <<CONF
[lac ourlns]
lns = 192.0.2.1
hostname = XLAC
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
nodeflate
nobsdcomp
lcp-echo-interval 0
debug
logfile /mnt/pppd.log
CONF
xl2tpd -D >/mnt/xl2tpd-1.log 2>&1 &
XPID=$!
ppp_up 'inet 17.17.17.1' 300 && touch /mnt/up1
ping -c 2 -W 2 18.18.18.2 >/mnt/ping1.txt 2>&1 && touch /mnt/ping1-ok
# The LAC crashes: no StopCCN, no CDN, no LCP Terminate.
w crash
kill -9 $XPID
killall -9 pppd 2>/dev/null
i=0; while pidof pppd >/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i+1)); done
ip link del ppp0 2>/dev/null
touch /mnt/crashed
# ... and comes back at once, once the host has seen the LNS still
# holding the dead tunnel (before, the new SCCRQ could arrive first and
# the host's check saw two tunnels).
w restart 300
xl2tpd -D >/mnt/xl2tpd-2.log 2>&1 &
XPID=$!
T0=$(date +%s)
if ppp_up 'inet 17.17.17.1' 300; then
	touch /mnt/up2
	# traffic within a few seconds of the new PPP link
	i=0; while [ $i -lt 10 ]; do
		ping -c 1 -W 1 18.18.18.2 >/mnt/ping2.txt 2>&1 && { echo $(( $(date +%s) - T0 )) >/mnt/ping2-ok; break; }
		i=$((i+1))
	done
fi
w stop
kill $XPID
wait $XPID
exit 0
EOF

DBG=("${INTEROP_DBG[@]}")
node_start LNS "$T/lns.conf" "${DBG[@]}" || { _fail "our LNS starts in the namespace"; finish; }
vm_start || { _fail "the VM boots and mounts the share"; finish; }
check "xl2tpd's pppd is up (ppp0 17.17.17.1)" vm_wait_file up1 90
check "ping VM -> LNS" vm_wait_file ping1-ok 15
check "LNS: 1 tunnel, remote1's session" wait_until 10 vpdn_is LNS "1 1 remote1@cisco.com"
STALE=$("$VPDNCTL" --bus "$BUS" -n LNS --json show vpdn | python3 -c '
import json, sys; print(json.load(sys.stdin)["tunnels"][0]["local_id"])' 2>/dev/null)
OLDDEV=$(in_ns ip -4 route show 17.17.17.1/32 | awk '{ for (i = 1; i < NF; i++) if ($i == "dev") print $(i + 1) }' | head -n1)
check "LNS: 17.17.17.1 routed on $OLDDEV" [ -n "$OLDDEV" ]

vpdn_sessions_are() { [ "$(vpdn_json "$1" 2>/dev/null | cut -d" " -f2-)" = "$2" ]; }
vm_say crash
check "the LAC crashed (xl2tpd and pppd killed -9)" vm_wait_file crashed 20
check "the LNS still holds the dead tunnel and session" vpdn_is LNS "1 1 remote1@cisco.com"
vm_say restart
check "the new xl2tpd's pppd is up" vm_wait_file up2 90
check "ping VM -> LNS within a few seconds of the new link" vm_wait_file ping2-ok 20
echo "# traffic $(cat "$SHARE/ping2-ok" 2>/dev/null) s after the new xl2tpd started"
check "LNS: the new session took 17.17.17.1 from the dead one" \
	wait_until 5 log_has LNS "IP: 17\.17\.17\.1 taken over by a newer session of its owner on Vi[0-9]+"
check "LNS: no route refused" ! log_has LNS "Failed to install route to 17\.17\.17\.1"
NEWDEV=$(in_ns ip -4 route show 17.17.17.1/32 | awk '{ for (i = 1; i < NF; i++) if ($i == "dev") print $(i + 1) }' | head -n1)
check "LNS: the route moved to the new session ($OLDDEV -> $NEWDEV)" \
	sh -c "[ -n '$NEWDEV' ] && [ '$NEWDEV' != '$OLDDEV' ]"
check "ping LNS -> VM (17.17.17.1)" in_ns ping -c 3 -W 2 -I 18.18.18.2 17.17.17.1
ok "clear the dead tunnel $STALE" "$VPDNCTL" --bus "$BUS" -n LNS clear vpdn tunnel l2tp "$STALE"
sleep 2
check "the route stays after the dead tunnel is cleared" \
	[ "$(in_ns ip -4 route show 17.17.17.1/32 | grep -c "dev $NEWDEV")" -ge 1 ]
check "ping LNS -> VM still" in_ns ping -c 3 -W 2 -I 18.18.18.2 17.17.17.1
# The dead LAC never acknowledges the StopCCN of the cleared tunnel, so it
# stays in closing for one retransmission cycle (1+2+4+8+8+8 = 31 s with
# the default timers, RFC 2661 5.7) before it is freed.
check "LNS: remote1's one session, the live tunnel" wait_until 5 vpdn_sessions_are LNS "1 remote1@cisco.com"
check "LNS: the cleared tunnel freed after its StopCCN's retransmissions" \
	wait_until 45 vpdn_is LNS "1 1 remote1@cisco.com"
vm_say stop
check "the VM powers off" vm_wait_done 60
check "run.sh succeeded" [ "$VM_RC" = 0 ]
check "LNS still runs" kill -0 "${NODE_PIDS[LNS]}"
finish
