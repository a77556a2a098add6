#!/bin/bash
# SPDX-License-Identifier: MIT
# Interoperability with xl2tpd, both directions, challenge authentication:
#  1. xl2tpd as LNS (127.0.0.3), our LAC (127.0.0.1) forwards a dial-in
#     user: tunnel established, ICRQ/ICRP/ICCN complete.
#  2. xl2tpd as LAC (127.0.0.4, autodial), our LNS (127.0.0.2): tunnel
#     established and the incoming call reaches our PPP stand-in.
# xl2tpd then starts pppd, which may fail here (no /dev/ppp, no kernel
# L2TP): the checks stop at the L2TP exchange, which completes before.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-testcarrier.sh"

command -v xl2tpd >/dev/null || skip "xl2tpd not installed"
tc_require

PORT=$(free_port 127.0.0.1 127.0.0.2 127.0.0.3 127.0.0.4)
[ -n "$PORT" ] || skip "no free UDP port"
have_vpdnctl=false
[ -x "$VPDNCTL" ] && have_vpdnctl=true

start_bus

# xl2tpd CONF NAME: run xl2tpd in the foreground with its files in $T/NAME.*
xl2tpd_start() {
	local name=$1
	echo "* * l2tptunnel" >"$T/$name.secrets"
	chmod 600 "$T/$name.secrets"
	printf 'noauth\nnodetach\n' >"$T/$name.options"
	spawn "$name" xl2tpd -D -c "$T/$name.conf" -s "$T/$name.secrets" \
		-p "$T/$name.pid" -C "$T/$name.control"
	wait_until 10 grep -q "Listening on IP address" "$T/$name.log"
}

# --- 1. our LAC -> xl2tpd LNS ------------------------------------------------
cat >"$T/xlns.conf" <<EOF
[global]
listen-addr = 127.0.0.3
port = $PORT
auth file = $T/xlns.secrets
access control = no
debug avp = yes
debug network = yes
debug state = yes
debug tunnel = yes

[lns default]
ip range = 10.99.0.2-10.99.0.20
local ip = 10.99.0.1
require authentication = no
hostname = XLNS
challenge = yes
length bit = yes
pppoptfile = $T/xlns.options
EOF
xl2tpd_start xlns
check "xl2tpd (LNS) listens" [ $? -eq 0 ]

write_config lac.conf <<EOF
hostname = "LAC"
modules = {"l2tp", "testcarrier"}
vpdn { enable = true  search-order = {"domain"} }
vpdn-group "1" {
  request-dialin { protocol = "l2tp"  domain = {"cisco.com"} }
  terminate-from = "XLNS"
  initiate-to = {"127.0.0.3:$PORT"}
  local-name = "LAC"
  tunnel-password = "l2tptunnel"
  source-ip = "127.0.0.1"
  tunnel-authentication = true
}
l2tp { listen = {"127.0.0.1"}  port = $PORT }
EOF
DBG=(-d "vpdn l2x-events" -d "vpdn l2x-errors" -d "vpdn events")
if start_node LAC "$T/lac.conf" "${DBG[@]}"; then
	_pass "our LAC starts"
	LAC_LOG=$NODE_LOG
	ok "DialIn at our LAC" busctl --address="$BUS" call org.vpdnd.Node.LAC "$TC_PATH" "$TC_IFACE" \
		DialIn sss remote1@cisco.com 6122 211
	wait_until 15 log_has "$LAC_LOG" "testcarrier: call 1 (dialin) up"
	check "the dial-in was forwarded to xl2tpd" log_has "$LAC_LOG" "testcarrier: call 1 (dialin) up"
	check "LAC: I SCCRP from XLNS" log_has "$LAC_LOG" "I SCCRP from XLNS"
	check "LAC: xl2tpd answered our challenge" log_has "$LAC_LOG" "Got a response from remote peer, XLNS"
	check "LAC: tunnel authentication success" log_has "$LAC_LOG" "Tunnel Authentication success"
	check "LAC: O ICRQ" log_has "$LAC_LOG" "O ICRQ to XLNS"
	check "LAC: O ICCN" log_has "$LAC_LOG" "O ICCN to XLNS"
	check "LAC: session established" log_has "$LAC_LOG" "Session state change from wait-reply to established"
	check "LAC: authentication never failed" ! log_has "$LAC_LOG" "Tunnel Authentication failed"
	# xl2tpd's pppd cannot run here: it clears the call with a CDN.
	wait_until 10 log_has "$LAC_LOG" "I CDN from XLNS"
	check "LAC: xl2tpd's CDN handled" log_has "$LAC_LOG" "I CDN from XLNS"
	check "LAC: the B channel was hung up" state_is LAC 1 down
	if $have_vpdnctl; then
		ok "show vpdn (LAC)" "$VPDNCTL" -n LAC show vpdn
		contains "LAC: tunnel to XLNS" "$OUT" "XLNS"
		contains "LAC: remote address" "$OUT" "127.0.0.3"
	fi
	stop_node LAC
else
	_fail "our LAC starts"
fi
stop_node xlns

# --- 2. xl2tpd LAC -> our LNS ------------------------------------------------
cat >"$T/xlac.conf" <<EOF
[global]
listen-addr = 127.0.0.4
port = $PORT
auth file = $T/xlac.secrets
access control = no
debug avp = yes
debug network = yes
debug state = yes
debug tunnel = yes

[lac ourlns]
lns = 127.0.0.2:$PORT
hostname = XLAC
challenge = yes
autodial = yes
redial = no
length bit = yes
require authentication = no
pppoptfile = $T/xlac.options
EOF
write_config lns.conf <<EOF
hostname = "LNS"
modules = {"l2tp", "testcarrier"}
vpdn { enable = true }
vpdn-group "1" {
  accept-dialin { protocol = "l2tp"  virtual-template = 1 }
  terminate-from = "XLAC"
  local-name = "LNS"
  tunnel-password = "l2tptunnel"
  source-ip = "127.0.0.2"
  tunnel-authentication = true
}
l2tp { listen = {"127.0.0.2"}  port = $PORT }
EOF
if start_node LNS "$T/lns.conf" "${DBG[@]}"; then
	_pass "our LNS starts"
	LNS_LOG=$NODE_LOG
	xl2tpd_start xlac
	check "xl2tpd (LAC) runs" [ $? -eq 0 ]
	wait_until 15 log_has "$LNS_LOG" "I ICCN from XLAC"
	check "LNS: I SCCRQ from XLAC" log_has "$LNS_LOG" "I SCCRQ from XLAC"
	check "LNS: xl2tpd challenged us" log_has "$LNS_LOG" "Got a challenge in SCCRQ, XLAC"
	check "LNS: xl2tpd answered our challenge" log_has "$LNS_LOG" "Got a Challenge Response in SCCCN from XLAC"
	check "LNS: tunnel established" log_has "$LNS_LOG" "Tunnel state change from wait-ctl-conn to established"
	check "LNS: I ICRQ" log_has "$LNS_LOG" "I ICRQ from XLAC"
	check "LNS: I ICCN" log_has "$LNS_LOG" "I ICCN from XLAC"
	check "LNS: session established" log_has "$LNS_LOG" "Session state change from wait-connect to established"
	check "LNS: the call reached our PPP stand-in" log_has "$LNS_LOG" "testcarrier: call 1 (incoming) up"
	if $have_vpdnctl; then
		ok "show vpdn (LNS)" "$VPDNCTL" -n LNS show vpdn
		contains "LNS: tunnel from XLAC" "$OUT" "XLAC"
		contains "LNS: remote address" "$OUT" "127.0.0.4"
	fi
	stop_node xlac
	stop_node LNS
else
	_fail "our LNS starts"
fi

# --- 3. our hidden AVPs: xl2tpd 1.3 cannot unhide them ---------------------
# It refuses our SCCRP with a StopCCN whose Tunnel ID is 0 (it could not
# read our hidden Assigned Tunnel ID): that StopCCN must still reach and
# clear our tunnel. (xl2tpd's own "hidden bit" hides nothing, so our
# unhiding is checked by the unit tests and the loopback test instead.)
sed -e 's/^  tunnel-authentication = true$/  tunnel-authentication = true\n  hidden-avps = true/' \
	-e 's/^hostname = "LNS"$/hostname = "LNSH"/' "$T/lns.conf" >"$T/lnsh.conf"
chmod 600 "$T/lnsh.conf"
if start_node LNSH "$T/lnsh.conf" "${DBG[@]}"; then
	LNS_LOG=$NODE_LOG
	xl2tpd_start xlac
	wait_until 15 log_has "$LNS_LOG" "I StopCCN from XLAC"
	check "hidden: our SCCRP went out" log_has "$LNS_LOG" "O SCCRP to XLAC"
	check "hidden: xl2tpd's StopCCN for Tunnel ID 0 reached our tunnel" \
		log_has "$LNS_LOG" "I StopCCN from XLAC"
	check "hidden: the tunnel is closing" log_has "$LNS_LOG" "Tunnel state change from wait-ctl-conn to closing"
	check "hidden: xl2tpd said why" grep -q "Invalid Hidden AVP\|hidden" "$T/xlac.log"
	stop_node xlac
	stop_node LNSH
else
	_fail "our LNS (hidden AVPs) starts"
fi

finish
