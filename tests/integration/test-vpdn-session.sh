#!/bin/bash
# SPDX-License-Identifier: MIT
# `vpdnctl show vpdn session ID` (issue #20): everything about one session,
# LAC and LNS on loopback with the testcarrier module
# (tests/integration/testcarrier) standing in for PPP at both ends:
#  - the IDs both ways (the LAC's local session/tunnel IDs are the LNS's
#    remote ones), the tunnel's peer, names and addresses, its control
#    channel (Ns/Nr agree across the nodes once idle, the receive windows
#    configured on each side and seen by the other, the HELLO interval);
#  - the calling and called numbers, at the LAC too once the session is
#    established (its setup data is freed then), the setup timer stopped,
#    the counters after frames went through, the uptime;
#  - `--json` parses and has the same values; no PPP on a testcarrier node
#    ("ppp": null, "PPP is not terminated on this node");
#  - an unknown ID: exit 1 with the node's "No session N"; a bad ID: exit 2;
#  - `show vpdn session all` shows the session in the same detail.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-testcarrier.sh"

tc_require
command -v python3 >/dev/null || skip "python3 not installed"
PORT=$(free_port 127.0.0.1 127.0.0.2)
[ -n "$PORT" ] || skip "no free UDP port"

start_bus

write_config LAC.conf <<CONF
hostname = "LAC"
modules = {"l2tp", "testcarrier"}
vpdn { enable = true  search-order = {"domain"} }
vpdn-group "1" {
  request-dialin { protocol = "l2tp"  domain = {"cisco.com"} }
  terminate-from = "LNS"
  initiate-to = {"127.0.0.2"}
  local-name = "LAC"
  tunnel-password = "l2tptunnel"
  source-ip = "127.0.0.1"
  receive-window = 6
  hello = 45
  retransmit-timeout-min = 2
}
l2tp { listen = {"127.0.0.1"}  port = $PORT }
CONF
write_config LNS.conf <<CONF
hostname = "LNS"
modules = {"l2tp", "testcarrier"}
vpdn { enable = true }
vpdn-group "1" {
  accept-dialin { protocol = "l2tp"  virtual-template = 1 }
  terminate-from = "LAC"
  local-name = "LNS"
  tunnel-password = "l2tptunnel"
  source-ip = "127.0.0.2"
  receive-window = 9
  hello = 30
}
l2tp { listen = {"127.0.0.2"}  port = $PORT }
CONF

start_node LNS "$T/LNS.conf" || { _fail "LNS starts"; finish; }
start_node LAC "$T/LAC.conf" || { _fail "LAC starts"; finish; }

ok "DialIn remote1@cisco.com from 6122 to 211" tc LAC DialIn sss remote1@cisco.com 6122 211
wait_until 10 state_is LAC 1 up
check "session up" state_is LAC 1 up
LNS_CALL=$(calls LNS | awk '$3 == "up" { print $1; exit }')
check "the LNS side's call is up ($LNS_CALL)" [ -n "$LNS_CALL" ]

# Three frames each way through the session.
for i in 1 2 3; do
	tc LAC SendFrame uay 1 10 0xff 0x03 0xc0 0x21 9 9 9 9 9 9 >/dev/null
	tc LNS SendFrame uay "$LNS_CALL" 10 0xff 0x03 0xc0 0x21 8 8 8 8 8 8 >/dev/null
done
wait_until 5 frames_in_at_least LNS "$LNS_CALL" 3
wait_until 5 frames_in_at_least LAC 1 3
sleep 1.1 # the uptime counts whole seconds; the delayed acks go out

# The session IDs from the list.
run "$VPDNCTL" -n LAC --json show vpdn session
LAC_SID=$(printf '%s\n' "$OUT" | python3 -c 'import json,sys; print(json.load(sys.stdin)["sessions"][0]["local_id"])')
run "$VPDNCTL" -n LNS --json show vpdn session
LNS_SID=$(printf '%s\n' "$OUT" | python3 -c 'import json,sys; print(json.load(sys.stdin)["sessions"][0]["local_id"])')
check "both session IDs known ($LAC_SID, $LNS_SID)" test -n "$LAC_SID" -a -n "$LNS_SID"

ok "LAC show vpdn session $LAC_SID --json" "$VPDNCTL" -n LAC --json show vpdn session "$LAC_SID"
printf '%s\n' "$OUT" >"$T/lac.json"
ok "LNS show vpdn session $LNS_SID --json" "$VPDNCTL" -n LNS --json show vpdn session "$LNS_SID"
printf '%s\n' "$OUT" >"$T/lns.json"

check "the JSON of both nodes agrees with the other node and the config" python3 - \
	"$T/lac.json" "$T/lns.json" <<'PY'
import json, sys
lac = json.load(open(sys.argv[1]))["sessions"]
lns = json.load(open(sys.argv[2]))["sessions"]
assert len(lac) == 1 and len(lns) == 1, (lac, lns)
a, b = lac[0], lns[0]
ta, tb = a["tunnel"], b["tunnel"]
# IDs both ways
assert a["remote_id"] == b["local_id"] and b["remote_id"] == a["local_id"], (a, b)
assert ta["remote_id"] == tb["local_id"] and tb["remote_id"] == ta["local_id"], (ta, tb)
assert a["tunnel_id"] == ta["local_id"] and b["tunnel_id"] == tb["local_id"]
# the tunnel's peer, names, addresses
assert ta["remote_name"] == "LNS" and ta["local_name"] == "LAC", ta
assert tb["remote_name"] == "LAC" and tb["local_name"] == "LNS", tb
assert ta["remote_address"] == "127.0.0.2" and ta["local_address"] == "127.0.0.1", ta
assert tb["remote_address"] == "127.0.0.1" and tb["local_address"] == "127.0.0.2", tb
assert ta["state"] == "est" and tb["state"] == "est"
assert ta["group"] == "1" and ta["sessions"] == 1
# control channel: idle, every message acknowledged, so each side's Nr
# is the other's Ns; windows as configured and as announced
assert ta["ns"] == tb["nr"] and tb["ns"] == ta["nr"], (ta, tb)
assert ta["ns"] >= 2 and tb["ns"] >= 2, (ta, tb)          # SCCRQ/SCCCN, ICRQ/ICCN
assert ta["unacked"] == 0 and tb["unacked"] == 0 and ta["queued"] == 0
assert ta["receive_window"] == 6 and tb["peer_receive_window"] == 6, (ta, tb)
assert tb["receive_window"] == 9 and ta["peer_receive_window"] == 9, (ta, tb)
assert ta["hello_interval"] == 45 and tb["hello_interval"] == 30, (ta, tb)
# retransmit-timeout-min 2 s at the LAC, the default 1 s at the LNS; none retransmitted
assert ta["retransmit_timeout_ms"] == 2000 and tb["retransmit_timeout_ms"] == 1000, (ta, tb)
assert ta["uptime"] >= 1 and tb["uptime"] >= 1
# the session
for s in (a, b):
    assert s["state"] == "est" and s["uptime"] >= 1, s
    assert s["setup_timer_ms"] == 0, s
    assert s["calling"] == "6122" and s["called"] == "211", s
    assert s["ppp"] is None, s
assert a["type"] == "lac-ic" and b["type"] == "lns-ic", (a["type"], b["type"])
assert a["username"] == "remote1@cisco.com", a
# counters: three frames each way
assert a["packets_out"] >= 3 and a["packets_in"] >= 3, a
assert b["packets_out"] >= 3 and b["packets_in"] >= 3, b
assert a["packets_out"] == b["packets_in"] and b["packets_out"] == a["packets_in"], (a, b)
assert a["bytes_out"] == b["bytes_in"] and a["bytes_out"] >= 30, (a, b)
PY

ok "LAC show vpdn session $LAC_SID (text)" "$VPDNCTL" -n LAC show vpdn session "$LAC_SID"
printf '%s\n' "$OUT" | sed 's/^/#   /'
contains "text: the session line" "$OUT" "Session id $LAC_SID is up, tunnel id"
contains "text: the peer" "$OUT" "Remote tunnel name is LNS"
contains "text: the peer's address" "$OUT" "Internet address is 127.0.0.2, port $PORT"
contains "text: windows" "$OUT" "receive window 6, peer's 9"
contains "text: hello" "$OUT" "hello interval 45 seconds"
contains "text: numbers" "$OUT" "Calling number 6122, called number 211"
contains "text: user" "$OUT" "Session username is remote1@cisco.com"
contains "text: setup timer" "$OUT" "Setup timer is not running"
contains "text: no PPP here" "$OUT" "PPP is not terminated on this node"
TA_NS=$(python3 -c 'import json,sys; t=json.load(open(sys.argv[1]))["sessions"][0]["tunnel"]; print("Ns %d, Nr %d" % (t["ns"], t["nr"]))' "$T/lac.json")
contains "text: Ns/Nr as in the JSON ($TA_NS)" "$OUT" "Control channel $TA_NS,"

ok "LNS show vpdn session all" "$VPDNCTL" -n LNS show vpdn session all
contains "all: the session in detail" "$OUT" "Session id $LNS_SID is up"
contains "all: the peer" "$OUT" "Remote tunnel name is LAC"
ok "LNS --json show vpdn session all" "$VPDNCTL" -n LNS --json show vpdn session all
check "all --json: one session, as by its ID" python3 -c '
import json, sys
d = json.loads(sys.argv[1])["sessions"]
assert len(d) == 1 and d[0]["local_id"] == int(sys.argv[2]) and d[0]["tunnel"]["remote_name"] == "LAC", d
' "$OUT" "$LNS_SID"

# Bash completion: `show vpdn session <TAB>` offers "all" and the IDs.
comp() { # WORDS...: COMPREPLY for the last word
	bash -c '
		. "$1"; shift
		COMP_WORDS=("$VPDNCTL" "$@"); COMP_CWORD=$#
		_vpdnctl
		printf "%s\n" "${COMPREPLY[@]}"' _ "$VPDND_SOURCE_ROOT/tools/vpdnctl/vpdnctl.bash-completion" "$@"
}
run comp -n LNS show vpdn session ""
check "completion: 'show vpdn session <TAB>' -> all and the LNS's session $LNS_SID" \
	[ "$(printf '%s\n' "$OUT" | sort | tr '\n' ' ')" = "$(printf '%s\n' all "$LNS_SID" | sort | tr '\n' ' ')" ]
run comp -n LAC sh vpdn sess "${LAC_SID:0:2}"
check "completion: abbreviated, a prefix -> the LAC's session $LAC_SID" [ "$OUT" = "$LAC_SID" ]

# Unknown and bad IDs.
ko "show vpdn session 4242: unknown" 1 "$VPDNCTL" -n LNS show vpdn session 4242
contains "the node's reason" "$ERR" "No session 4242"
ko "show vpdn session 0: not an ID" 2 "$VPDNCTL" -n LNS show vpdn session 0
contains "the reason" "$ERR" "is not a valid ID"
ko "show vpdn session 70000: not an ID" 2 "$VPDNCTL" -n LNS show vpdn session 70000
ko "show vpdn session two: not an ID" 2 "$VPDNCTL" -n LNS show vpdn session two

ok "the caller hangs up" tc LAC HangUp u 1
wait_until 5 eval '! "$VPDNCTL" -n LNS show vpdn session "$LNS_SID" >/dev/null 2>&1'
ko "after the hang-up the session is unknown" 1 "$VPDNCTL" -n LNS show vpdn session "$LNS_SID"
contains "after the hang-up: No session" "$ERR" "No session $LNS_SID"

finish
