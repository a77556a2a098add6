#!/bin/bash
# SPDX-License-Identifier: MIT
# Interop scenario 1: a real xl2tpd + pppd (the kernel's PPPoL2TP) as LAC in
# the VM, dialling our LNS (auth-local, ppp, l2tp, ip) in a namespace:
#  - tunnel with challenge authentication both ways (shared secret);
#  - remote1@cisco.com authenticated by CHAP against auth-local;
#  - IPCP: client 17.17.17.1, LNS 18.18.18.2; ping both ways;
#  - teardown from our side (clear vpdn tunnel: StopCCN, pppd goes down),
#    a new xl2tpd dials again, then teardown from the peer (pppd stopped:
#    CDN; xl2tpd stopped: StopCCN);
#  - an in-place restart of our LNS (`vpdnctl restart`, issue #21) with
#    the session up: the same LNS process, the same pppd process in the
#    VM, the same tunnel and session IDs in our `show vpdn`, a ping from
#    the LNS through the restart loses at most a few, and the capture
#    holds no StopCCN, CDN or LCP Terminate while it happens;
#  - vpdnctl --json show vpdn at each step; the capture decodes in tshark.
. "$VPDND_SOURCE_ROOT/tests/integration/lib.sh"
. "$VPDND_SOURCE_ROOT/tests/interop/lib-vm.sh"
vm_init s1

lns_conf XLAC 192.0.2.1 "  tunnel-authentication = true"
in_ns ip addr add 18.18.18.2/32 dev lo

# The VM's side: xl2tpd as LAC (autodial), pppd through pppol2tp.so.
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
	ip addr show dev ppp0 >/mnt/ppp0.txt
	ping -c 3 -W 2 18.18.18.2 >/mnt/ping1.txt 2>&1 && touch /mnt/ping1-ok
	pidof pppd >/mnt/pppd-pid1
fi
# The host restarts its LNS in place: the same pppd, still up, pings.
w restarted
pidof pppd >/mnt/pppd-pid2
ip -4 addr show dev ppp0 | grep -q 'inet 17.17.17.1' &&
	ping -c 3 -W 2 18.18.18.2 >/mnt/ping-r.txt 2>&1 && touch /mnt/ping-r-ok
touch /mnt/restart-checked
# Host clears the tunnel (teardown from our side): pppd must go away.
w clear1
i=0; while pidof pppd >/dev/null && [ $i -lt 150 ]; do sleep 0.1; i=$((i+1)); done
pidof pppd >/dev/null || touch /mnt/down1
# A new xl2tpd dials again.
kill $XPID; wait $XPID
mv /mnt/xl2tpd.log /mnt/xl2tpd-1.log
xl2tpd -D >/mnt/xl2tpd.log 2>&1 &
XPID=$!
if ppp_up 'inet 17.17.17.1' 300; then
	touch /mnt/up2
	ping -c 3 -W 2 18.18.18.2 >/mnt/ping2.txt 2>&1 && touch /mnt/ping2-ok
fi
# Teardown from the peer: pppd stopped (CDN), then xl2tpd (StopCCN).
w stop2 && killall pppd
i=0; while pidof pppd >/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done
pidof pppd >/dev/null || touch /mnt/down2
w stop3
kill $XPID
wait $XPID
exit 0
EOF

DBG=("${INTEROP_DBG[@]}")
node_start LNS "$T/lns.conf" "${DBG[@]}" || { _fail "our LNS starts in the namespace"; finish; }
capture_start "$T/s1.pcap"
check "capture on the VM's Ethernet" [ -n "$CAP_PID" ]
vm_start || { _fail "the VM boots and mounts the share"; finish; }
check "xl2tpd's pppd is up (ppp0 17.17.17.1)" vm_wait_file up1 60
check "xl2tpd uses the kernel's L2TP" vm_log_has xl2tpd.log "Using l2tp kernel support"
check "xl2tpd: connection established (our SCCRP answered its challenge)" \
	vm_log_has xl2tpd.log "Connection established to 192.0.2.1"
check "LNS: I SCCRQ from XLAC" log_has LNS "I SCCRQ from XLAC"
check "LNS: xl2tpd answered our challenge" log_has LNS "Tunnel Authentication success"
check "LNS: session established" log_has LNS "Session state change from wait-connect to established"
check "LNS: cloned a Virtual-Access" log_has LNS "Vi[0-9]+ VTEMPLATE: Clone from Virtual-Template1"
check "LNS: auth-local verified remote1@cisco.com" log_has LNS 'AUTH-LOCAL: CHAP user "remote1@cisco.com" authenticated'
check "LNS: route to 17.17.17.1 installed" log_has LNS "IPCP: Install route to 17.17.17.1"
check "pppd: CHAP authentication succeeded" vm_log_has pppd.log "CHAP authentication succeeded"
check "pppd: remote IP address 18.18.18.2" vm_log_has pppd.log "remote IP address 18.18.18.2"
check "ping VM -> LNS over PPP" vm_wait_file ping1-ok 15
check "ping LNS -> VM (17.17.17.1)" in_ns ping -c 3 -W 2 -I 18.18.18.2 17.17.17.1
check "show vpdn --json: 1 tunnel, remote1's session" vpdn_is LNS "1 1 remote1@cisco.com"
run "$VPDNCTL" --bus "$BUS" -n LNS show vpdn
contains "show vpdn names XLAC" "$OUT" "XLAC"
contains "show vpdn: remote address 192.0.2.2" "$OUT" "192.0.2.2"

# In-place restart of our LNS (issue #21, docs/RESTART.md) with the
# session up: a ping (40 at 0.1 s) runs from the LNS through it.
lns_ids() { # tunnel and session IDs (local, remote) and interfaces
	"$VPDNCTL" --bus "$BUS" -n LNS --json show vpdn | python3 -c '
import json, sys
d = json.load(sys.stdin)
print(sorted((t.get("local_id"), t.get("remote_id")) for t in d["tunnels"]),
      sorted((s.get("local_id"), s.get("remote_id"), s.get("interface")) for s in d["sessions"]))'
}
IDS_BEFORE=$(lns_ids)
echo "# before the restart: $IDS_BEFORE"
LNS_PID=${NODE_PIDS[LNS]}
ip netns exec "$NS" ping -c 40 -i 0.1 -W 1 -I 18.18.18.2 17.17.17.1 >"$T/ping-restart.txt" 2>&1 &
PING_PID=$!
sleep 1
T0=$(date +%s.%N)
ok "vpdnctl restart (LNS)" "$VPDNCTL" --bus "$BUS" -n LNS restart
check "LNS: the same process (pid $LNS_PID)" kill -0 "$LNS_PID"
check "LNS: the tunnel and session restored" \
	wait_until 10 log_has LNS "L2TP: restart: restored 1 tunnel, 1 session"
check "LNS: ppp restored the session in place" \
	wait_until 5 log_has LNS "ppp: restart: 1 session\(s\) restored in place, 0 lost"
wait "$PING_PID"
tail -n 2 "$T/ping-restart.txt"
recv=$(grep -oE '[0-9]+ received' "$T/ping-restart.txt" | grep -oE '[0-9]+')
check "ping LNS -> VM through the restart: ${recv:-0} of 40 answered (at most 5 lost)" \
	[ "${recv:-0}" -ge 35 ]
IDS_AFTER=$(lns_ids)
echo "# after the restart: $IDS_AFTER"
check "show vpdn: the same tunnel and session IDs after the restart" [ "$IDS_AFTER" = "$IDS_BEFORE" ]
vm_say restarted
check "VM: pppd still up after the restart" vm_wait_file restart-checked 20
check "VM: the same pppd process ($(cat "$SHARE/pppd-pid1" 2>/dev/null))" sh -c \
	"[ -s '$SHARE/pppd-pid1' ] && [ \"\$(cat '$SHARE/pppd-pid1')\" = \"\$(cat '$SHARE/pppd-pid2')\" ]"
check "ping VM -> LNS after the restart" [ -e "$SHARE/ping-r-ok" ]
T1=$(date +%s.%N)
check "LNS: no CHAP, no LCP Terminate after the restart" sh -c \
	"! sed -n '/restart: restored/,\$p' '$T/LNS.log' | grep -qE 'CHAP|TERMREQ|TERMACK'"
check "xl2tpd logged no StopCCN/CDN at the restart" \
	sh -c "! grep -qE 'Stop-Control-Connection-Notification|Call-Disconnect-Notify' '$SHARE/xl2tpd.log'"
check "pppd logged no LCP TermReq at the restart" ! vm_log_has pppd.log "LCP TermReq"

# Teardown from our side: clear vpdn tunnel -> StopCCN; pppd goes down.
tid=$("$VPDNCTL" --bus "$BUS" -n LNS --json show vpdn | python3 -c '
import json, sys; print(json.load(sys.stdin)["tunnels"][0]["local_id"])' 2>/dev/null)
ok "clear vpdn tunnel l2tp $tid" "$VPDNCTL" --bus "$BUS" -n LNS clear vpdn tunnel l2tp "$tid"
vm_say clear1
check "LNS: tunnel cleared by administrator" wait_until 10 log_has LNS "Cleared by administrator"
check "show vpdn --json: no tunnel" wait_until 15 vpdn_is LNS "0 0 "
check "pppd went down with the tunnel" vm_wait_file down1 30
check "xl2tpd got our StopCCN (Administratively cleared)" wait_until 10 sh -c \
	"grep -qs 'Stop-Control-Connection-Notification' '$SHARE/xl2tpd.log' '$SHARE/xl2tpd-1.log' &&
	 grep -qs 'Administratively cleared' '$SHARE/xl2tpd.log' '$SHARE/xl2tpd-1.log'"

# A new xl2tpd dials again; teardown from the peer this time.
check "a new xl2tpd dials: ppp0 up again" vm_wait_file up2 60
check "ping VM -> LNS again" vm_wait_file ping2-ok 15
check "show vpdn --json: remote1's session again" wait_until 10 vpdn_is LNS "1 1 remote1@cisco.com"
vm_say stop2
check "pppd stopped" vm_wait_file down2 20
check "LNS: I CDN from XLAC" wait_until 15 log_has LNS "I CDN from XLAC"
check "show vpdn --json: the session is gone" wait_until 10 vpdn_is LNS "1 0 "
check "pppd: terminated cleanly" wait_until 15 vm_log_has pppd.log "Connection terminated"
vm_say stop3
check "LNS: I StopCCN from XLAC" wait_until 15 log_has LNS "I StopCCN from XLAC"
# After a StopCCN the tunnel stays in "closing" for one retransmission
# cycle, to re-ack a retransmitted StopCCN (RFC 2661 5.7; 31 s with the
# default timers): wait past it. (wait_until N waits at least N seconds.)
check "show vpdn --json: no tunnel left after the StopCCN hold" wait_until 45 vpdn_is LNS "0 0 "
check "the VM powers off" vm_wait_done 60
check "run.sh succeeded" [ "$VM_RC" = 0 ]
capture_stop
check "capture decodes in tshark, nothing malformed" capture_check "$T/s1.pcap"
# the restart's window: no StopCCN (4), CDN (14), LCP Terminate-Request
# or -Ack (5, 6) on the wire; L2TP still flowing (the pings)
restart_window() { tshark -r "$T/s1.pcap" -Y "frame.time_epoch >= $T0 && frame.time_epoch <= $T1 && ($1)" 2>/dev/null | wc -l; }
check "capture: no StopCCN, CDN or LCP Terminate during the restart" \
	[ "$(restart_window 'l2tp.avp.message_type == 4 || l2tp.avp.message_type == 14 || (lcp && (ppp.code == 5 || ppp.code == 6))')" -eq 0 ]
check "capture: the pings' ICMP inside L2TP during the restart" [ "$(restart_window 'l2tp && icmp')" -ge 60 ]
check "capture holds L2TP control and PPP CHAP/IPCP" sh -c \
	"grep -q 'SCCRQ' '$T/tshark-read.txt' && grep -q 'CHAP' '$T/tshark-read.txt' && grep -q 'IPCP' '$T/tshark-read.txt'"
check "LNS still runs" kill -0 "${NODE_PIDS[LNS]}"
finish
