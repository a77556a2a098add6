#!/bin/bash
# SPDX-License-Identifier: MIT
# Interop: the peer's MRU. A real pppd with "mru 1200" dials our LNS
# through xl2tpd (the kernel's PPPoL2TP) in the VM, as in
# test-xl2tpd-lac.sh. The LNS's Virtual-Access takes MTU 1200; from the
# LNS's side a DF ping of 1428 octets is refused with MTU 1200
# (fragmentation needed) and a ping without DF is answered in fragments;
# tshark on the VM's Ethernet finds no PPP frame to the VM carrying more
# than 1200 octets (before: 1429-octet frames, the 1428-octet packet
# whole, were sent to a peer that takes 1200).
. "$VPDND_SOURCE_ROOT/tests/integration/lib.sh"
. "$VPDND_SOURCE_ROOT/tests/interop/lib-vm.sh"
vm_init mru

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
mru 1200
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
	ip link show ppp0 >/mnt/ppp0.txt
	touch /mnt/up
fi
w done
killall pppd
ppp_gone 100
kill $XPID
wait $XPID
exit 0
EOF

DBG=("${INTEROP_DBG[@]}" -d "ip events")
node_start LNS "$T/lns.conf" "${DBG[@]}" || { _fail "our LNS starts in the namespace"; finish; }
capture_start "$T/mru.pcap"
check "capture on the VM's Ethernet" [ -n "$CAP_PID" ]
vm_start || { _fail "the VM boots and mounts the share"; finish; }
check "pppd (mru 1200) is up through xl2tpd" vm_wait_file up 60
check "pppd asked for MRU 1200" vm_log_has pppd.log "sent \[LCP ConfReq .*<mru 1200>"
check "LNS: the Virtual-Access takes the peer's MRU" \
	log_has LNS "Vi[0-9]+ IP: MTU 1200 \(the peer's MRU\) on vi[0-9]+"
vi=$(in_ns ip -o link show | awk -F': ' '$2 ~ /^vi[0-9]+/ { print $2; exit }')
run in_ns ip link show "$vi"
contains "LNS: $vi has MTU 1200" "$OUT" "mtu 1200"
run in_ns ping -c 2 -W 2 -M do -s 1400 -I 18.18.18.2 17.17.17.1
check "LNS: DF ping of 1428 octets refused, fragmentation needed with MTU 1200" \
	grep -qE "mtu ?= ?1200" <<<"$OUT$ERR"
check "LNS: ping of 1428 octets without DF answered (fragments)" \
	in_ns ping -c 3 -W 2 -M dont -s 1400 -I 18.18.18.2 17.17.17.1
check "LNS: ping of 1172 octets with DF answered whole" \
	in_ns ping -c 2 -W 2 -M do -s 1172 -I 18.18.18.2 17.17.17.1
vm_say done
check "the VM powers off" vm_wait_done 60
check "run.sh succeeded" [ "$VM_RC" = 0 ]
capture_stop
check "capture decodes in tshark, nothing malformed" capture_check "$T/mru.pcap"
# The IP packets carried to the VM in PPP over L2TP: the inner ip.len.
tshark -n -r "$T/mru.pcap" -Y "l2tp && ip.dst == 17.17.17.1" -T fields -e ip.len \
	2>/dev/null | awk -F, '{ print $NF }' | sort -n >"$T/inner-len.txt"
max=$(tail -1 "$T/inner-len.txt")
echo "# IP packets to the VM: $(wc -l <"$T/inner-len.txt"), longest ${max:-none}"
check "capture: IP packets to the VM seen" [ -n "$max" ]
check "capture: none over the peer's MRU 1200 (longest ${max:-none})" [ "${max:-9999}" -le 1200 ]
nfrag=$(tshark -n -r "$T/mru.pcap" -Y "l2tp && ip.dst == 17.17.17.1 && ip.flags.mf == 1" 2>/dev/null | wc -l)
check "capture: the 1428-octet pings went as fragments ($nfrag with MF)" [ "$nfrag" -ge 3 ]
check "LNS still runs" kill -0 "${NODE_PIDS[LNS]}"
finish
