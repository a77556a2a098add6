#!/bin/bash
# SPDX-License-Identifier: MIT
# Two vpdnd nodes, LAC (127.0.0.1) and LNS (127.0.0.2), each with the l2tp
# module and the test-only testcarrier module, on a private D-Bus: a tunnel
# with challenge authentication both ways and hidden AVPs, a dial-in
# session and a dial-out session sharing it, data both ways, a busy
# dial-out (CDN 8), hang-ups, `vpdnctl show vpdn` on both nodes, clearing
# the tunnel; tshark captures the run and must find nothing malformed.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-testcarrier.sh"

tc_require

PORT=$(free_port 127.0.0.1 127.0.0.2)
[ -n "$PORT" ] || skip "no free UDP port"

have_vpdnctl=false
[ -x "$VPDNCTL" ] && have_vpdnctl=true

start_bus

# --- capture -------------------------------------------------------------
CAP="$T/l2tp.pcapng"
capturing=false
if command -v tshark >/dev/null; then
	spawn tshark tshark -i lo -f "udp port $PORT" -w "$CAP"
	if wait_until 10 grep -q "Capturing on" "$T/tshark.log"; then
		capturing=true
	else
		echo "# tshark cannot capture here:" >&2
		sed 's/^/#   /' "$T/tshark.log" >&2
	fi
fi

# --- nodes ---------------------------------------------------------------
write_config lac.conf <<EOF
hostname = "LAC"
modules = {"l2tp", "testcarrier"}
vpdn { enable = true  search-order = {"domain"} }
vpdn-group "1" {
  request-dialin { protocol = "l2tp"  domain = {"cisco.com"} }
  accept-dialout { protocol = "l2tp"  dialer = 1 }
  terminate-from = "LNS"
  initiate-to = {"127.0.0.2"}
  local-name = "LAC"
  tunnel-password = "l2tptunnel"
  source-ip = "127.0.0.1"
  hidden-avps = true
  tunnel-authentication = true
}
l2tp { listen = {"127.0.0.1"}  port = $PORT }
EOF
write_config lns.conf <<EOF
hostname = "LNS"
modules = {"l2tp", "testcarrier"}
vpdn { enable = true }
vpdn-group "1" {
  accept-dialin { protocol = "l2tp"  virtual-template = 1 }
  request-dialout { protocol = "l2tp"  pool-member = 1 }
  terminate-from = "LAC"
  initiate-to = {"127.0.0.1"}
  local-name = "LNS"
  tunnel-password = "l2tptunnel"
  source-ip = "127.0.0.2"
  hidden-avps = true
}
l2tp { listen = {"127.0.0.2"}  port = $PORT }
EOF

ok "config check (LAC)" "$VPDND" -c "$T/lac.conf" --check
ok "config check (LNS)" "$VPDND" -c "$T/lns.conf" --check
DBG=(-d "vpdn l2x-events" -d "vpdn l2x-errors" -d "vpdn events")
start_node LNS "$T/lns.conf" "${DBG[@]}" || { _fail "LNS starts"; finish; }
LNS_LOG=$NODE_LOG
start_node LAC "$T/lac.conf" "${DBG[@]}" || { _fail "LAC starts"; finish; }
LAC_LOG=$NODE_LOG
_pass "both nodes run"


# --- dial-in -------------------------------------------------------------
ok "DialIn remote1@cisco.com at the LAC" tc LAC DialIn sss remote1@cisco.com 6122 211
check "dial-in call id 1" [ "$OUT" = "u 1" ]
wait_until 10 state_is LAC 1 up
check "dial-in forwarded: tunnel and session up" state_is LAC 1 up
check "LAC: O SCCRQ" log_has "$LAC_LOG" "L2TP: O SCCRQ"
check "LAC: idle -> wait-ctl-reply" log_has "$LAC_LOG" "Tunnel state change from idle to wait-ctl-reply"
check "LAC: I SCCRP from LNS" log_has "$LAC_LOG" "L2TP: I SCCRP from LNS"
check "LAC: got a challenge from LNS" log_has "$LAC_LOG" "Got a challenge from remote peer, LNS"
check "LAC: got a response from LNS" log_has "$LAC_LOG" "Got a response from remote peer, LNS"
check "LAC: tunnel authentication success" log_has "$LAC_LOG" "Tunnel Authentication success"
check "LAC: O SCCCN to LNS" log_has "$LAC_LOG" "O SCCCN to LNS tnlid"
check "LAC: session wait-reply -> established" \
	log_has "$LAC_LOG" "Session state change from wait-reply to established"
check "LAC: password masked" log_has "$LAC_LOG" "l2tp-tunnel-password xxxxxx"
check "LAC: secret never logged" ! grep -q l2tptunnel "$LAC_LOG" "$LNS_LOG"
check "LNS: I SCCRQ from LAC" log_has "$LNS_LOG" "L2TP: I SCCRQ from LAC tnl"
check "LNS: got a challenge in SCCRQ" log_has "$LNS_LOG" "Got a challenge in SCCRQ, LAC"
check "LNS: challenge response in SCCCN" log_has "$LNS_LOG" "Got a Challenge Response in SCCCN from LAC"
check "LNS: I ICCN" log_has "$LNS_LOG" "I ICCN from LAC tnl"
check "LNS: session wait-connect -> established" \
	log_has "$LNS_LOG" "Session state change from wait-connect to established"
wait_until 5 state_is LNS 1 up
check "LNS: the session reached its PPP (testcarrier)" state_is LNS 1 up

ok "a frame from the caller" tc LAC SendFrame uay 1 12 255 3 192 33 9 1 0 8 0 0 0 0
wait_until 5 frames_in_at_least LAC 1 1
check "the LNS PPP echoed it back through the tunnel" frames_in_at_least LAC 1 1
check "the LNS PPP saw it" frames_in_at_least LNS 1 1

if $have_vpdnctl; then
	ok "show vpdn (LAC)" "$VPDNCTL" -n LAC show vpdn
	contains "LAC: one tunnel, one session" "$OUT" "Total tunnels 1 sessions 1"
	contains "LAC: tunnel to LNS established" "$OUT" "LNS"
	contains "LAC: tunnel state est" "$OUT" " est "
	contains "LAC: remote address" "$OUT" "127.0.0.2"
	contains "LAC: port" "$OUT" "$PORT"
	contains "LAC: session row with user" "$OUT" "remote1@cisco.com"
	contains "LAC: B channel interface" "$OUT" "Se0:17"
	ok "show vpdn (LNS)" "$VPDNCTL" -n LNS show vpdn
	contains "LNS: one tunnel, one session" "$OUT" "Total tunnels 1 sessions 1"
	contains "LNS: tunnel from LAC" "$OUT" "LAC"
	contains "LNS: Vi interface" "$OUT" "Vi1"
	contains "LNS: username from PPP" "$OUT" "remote1@cisco.com"
fi

# --- dial-out over the same tunnel ----------------------------------------
ok "DialOut 6121 at the LNS" tc LNS DialOut is 1 6121
check "dial-out call id 2" [ "$OUT" = "u 2" ]
wait_until 10 state_is LNS 2 up
check "dial-out established" state_is LNS 2 up
check "LNS: O OCRQ" log_has "$LNS_LOG" "L2TP: O OCRQ"
check "LNS: wait-reply -> wait-connect" log_has "$LNS_LOG" "Session state change from wait-reply to wait-connect"
check "LNS: I OCCN" log_has "$LNS_LOG" "I OCCN from LAC tnl"
check "LAC: I OCRQ" log_has "$LAC_LOG" "I OCRQ from LNS tnl"
check "LAC: wait-cs-answer -> established" \
	log_has "$LAC_LOG" "Session state change from wait-cs-answer to established"
check "LAC: the dialer placed the call" state_is LAC 2 up
check "one SCCRQ only: the tunnel was reused" [ "$(grep -c "O SCCRQ" "$LAC_LOG" "$LNS_LOG" | awk -F: '{ s += $2 } END { print s }')" -eq 1 ]
ok "a frame from the LNS dialer's PPP" tc LNS SendFrame uay 2 12 255 3 192 33 9 2 0 8 0 0 0 0
wait_until 5 frames_in_at_least LAC 2 1
check "the frame reached the LAC's B channel" frames_in_at_least LAC 2 1
if $have_vpdnctl; then
	ok "show vpdn (LAC, two sessions)" "$VPDNCTL" -n LAC show vpdn
	contains "LAC: one tunnel, two sessions" "$OUT" "Total tunnels 1 sessions 2"
	ok "show vpdn (LNS, two sessions)" "$VPDNCTL" -n LNS show vpdn
	contains "LNS: one tunnel, two sessions" "$OUT" "Total tunnels 1 sessions 2"
fi

# --- a busy dial-out: CDN 8 -----------------------------------------------
ok "DialOut to a busy number" tc LNS DialOut is 1 busy
wait_until 10 state_is LNS 3 failed
check "busy dial-out fails at the LNS" state_is LNS 3 failed
check "LAC: CDN result 8 (busy)" log_has "$LAC_LOG" "result 8"

# --- hang-ups --------------------------------------------------------------
ok "the caller hangs up" tc LAC HangUp u 1
wait_until 10 state_is LNS 1 down
check "LNS: the dial-in session went down" state_is LNS 1 down
check "LAC: CDN lost carrier" log_has "$LAC_LOG" "result 1"
ok "the LNS dialer hangs up" tc LNS HangUp u 2
wait_until 10 state_is LAC 2 down
check "LAC: the dial-out B channel was hung up" state_is LAC 2 down
if $have_vpdnctl; then
	ok "show vpdn (LAC, no sessions)" "$VPDNCTL" -n LAC show vpdn
	contains "LAC: tunnel kept, no sessions" "$OUT" "Total tunnels 1 sessions 0"
	TID=$("$VPDNCTL" -n LAC --json show vpdn | python3 -c 'import json,sys; print(json.load(sys.stdin)["tunnels"][0]["local_id"])')
	ok "clear vpdn tunnel l2tp $TID (LAC)" "$VPDNCTL" -n LAC clear vpdn tunnel l2tp "$TID"
	no_tunnel_lac() { "$VPDNCTL" -n LAC show vpdn | grep -q "No active L2TP tunnels"; }
	wait_until 10 no_tunnel_lac
	check "LAC: the tunnel is gone once the StopCCN is acked" no_tunnel_lac
	check "LNS: I StopCCN" log_has "$LNS_LOG" "I StopCCN from LAC"
fi

# --- a new tunnel, then the LAC stops: StopCCN 6 -----------------------------
ok "DialIn again" tc LAC DialIn sss remote3@cisco.com 6123 211
NEW=${OUT#u }
wait_until 10 state_is LAC "$NEW" up
check "a new tunnel and session come up" state_is LAC "$NEW" up
stop_node LAC
wait_until 5 log_has "$LNS_LOG" "result 6"
check "LNS: StopCCN 6 (shutting down) from the stopping LAC" log_has "$LNS_LOG" "result 6 (Requester is being shut down)"
stop_node LNS

# --- the capture -----------------------------------------------------------
if $capturing; then
	sleep 0.5
	stop_node tshark
	DECODE=(-d "udp.port==$PORT,l2tp")
	N=$(tshark -r "$CAP" "${DECODE[@]}" -Y l2tp 2>/dev/null | wc -l)
	check "tshark saw the L2TP exchange ($N packets)" [ "$N" -ge 10 ]
	MAL=$(tshark -r "$CAP" "${DECODE[@]}" -Y _ws.malformed 2>/dev/null | wc -l)
	check "no malformed packet" [ "$MAL" -eq 0 ]
	EXP=$(tshark -r "$CAP" "${DECODE[@]}" -q -z expert,error 2>/dev/null)
	lacks "no expert errors" "$EXP" "Malformed"
	CTRL=$(tshark -r "$CAP" "${DECODE[@]}" -Y l2tp -T fields -e l2tp.avp.message_type 2>/dev/null |
		tr ',' '\n' | sort -n | uniq | tr '\n' ' ')
	contains "SCCRQ/SCCRP/SCCCN/ICRQ/ICRP/ICCN/OCRQ/OCRP/OCCN/CDN/StopCCN on the wire" \
		"$CTRL" "1 2 3 4 7 8 9 10 11 12 14"
else
	echo "# no capture: tshark checks skipped" >&2
fi

finish
