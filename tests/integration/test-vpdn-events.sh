#!/bin/bash
# SPDX-License-Identifier: MIT
# Session events and the failure history (issue #20), LAC and LNS on
# loopback with the testcarrier module (tests/integration/testcarrier):
#  - the Node1 signals SessionUp/SessionDown and TunnelUp/TunnelDown, seen
#    by `vpdnctl monitor --events --json` (each line valid JSON, with the
#    user, IDs, which side ended it and the cause) and by `busctl monitor`;
#  - `show vpdn history failure` (text and --json) after the caller hangs
#    up, after `clear vpdn tunnel l2tp`, and its bound (vpdn-history-size 3
#    with more sessions ended keeps 3);
#  - sessions_ended_total{cause=...} and tunnels_ended_total{cause=...};
#  - an LNS running ppp and auth-local that refuses the forwarded CHAP
#    response (testcarrier's is random: a wrong password): its history
#    says ppp-auth-failed with the RFC 3145 cause, the LAC's says the
#    peer ended it, with the cause its CDN carried (AVP 46: the LNS's
#    "at peer", the LAC's caller, is "at local" for the LAC).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-testcarrier.sh"

tc_require
command -v python3 >/dev/null || skip "python3 not installed"
for m in ppp auth-local; do
	[ -f "$VPDND_BUILD_ROOT/modules/$m/$m.so" ] || skip "$m module not built"
done
export VPDND_MODULE_PATH="$VPDND_MODULE_PATH:$VPDND_BUILD_ROOT/modules/ppp:$VPDND_BUILD_ROOT/modules/auth-local"
PORT=$(free_port 127.0.0.1 127.0.0.2 127.0.0.3 127.0.0.4)
[ -n "$PORT" ] || skip "no free UDP port"

start_bus

lac_conf() { # NAME SRC DST PEER
	write_config "$1.conf" <<CONF
hostname = "$1"
modules = {"l2tp", "testcarrier"}
vpdn { enable = true  search-order = {"domain"} }
vpdn-group "1" {
  request-dialin { protocol = "l2tp"  domain = {"cisco.com"} }
  terminate-from = "$4"
  initiate-to = {"$3"}
  local-name = "$1"
  tunnel-password = "l2tptunnel"
  source-ip = "$2"
}
l2tp { listen = {"$2"}  port = $PORT }
CONF
}
lac_conf LAC 127.0.0.1 127.0.0.2 LNS
write_config LNS.conf <<CONF
hostname = "LNS"
modules = {"l2tp", "testcarrier"}
vpdn-history-size = 3
vpdn { enable = true }
vpdn-group "1" {
  accept-dialin { protocol = "l2tp"  virtual-template = 1 }
  terminate-from = "LAC"
  local-name = "LNS"
  tunnel-password = "l2tptunnel"
  source-ip = "127.0.0.2"
}
l2tp { listen = {"127.0.0.2"}  port = $PORT }
CONF

start_node LNS "$T/LNS.conf" -d "vpdn events" || { _fail "LNS starts"; finish; }
start_node LAC "$T/LAC.conf" || { _fail "LAC starts"; finish; }

# Followers, started as the real processes (their pids are theirs).
"$VPDNCTL" -n LNS monitor --events --json >"$T/ev.json" 2>"$T/ev.err" &
NODE_PIDS[evmon]=$!
"$VPDNCTL" -n LAC monitor --events >"$T/lac-ev.txt" 2>"$T/lac-ev.err" &
NODE_PIDS[lacmon]=$!
busctl --address="$BUS" monitor --match \
	"type='signal',interface='org.vpdnd.Node1',member='SessionDown'" >"$T/busctl.txt" 2>&1 &
NODE_PIDS[busctl]=$!
wait_until 5 grep -q "Following the events" "$T/ev.err"
check "vpdnctl monitor --events follows the LNS" grep -q "Following the events of LNS" "$T/ev.err"
wait_until 5 grep -q "Following the events" "$T/lac-ev.err"
sleep 0.3 # busctl monitor has no "ready" line

# Every line of the follower is one valid JSON object; ev EVENT KEY=VALUE...
# finds one whose fields match.
ev() {
	python3 - "$T/ev.json" "$@" <<'PY'
import json, sys
path, event, conds = sys.argv[1], sys.argv[2], sys.argv[3:]
for line in open(path):
    o = json.loads(line)
    if o.get("event") != event:
        continue
    if all(str(o.get(k)) == v for k, v in (c.split("=", 1) for c in conds)):
        sys.exit(0)
sys.exit(1)
PY
}
json_lines_valid() {
	python3 -c '
import json, sys
n = 0
for line in open(sys.argv[1]):
    json.loads(line); n += 1
assert n > 0' "$1"
}

# --- a session up, the caller hangs up --------------------------------------
ok "DialIn remote1@cisco.com" tc LAC DialIn sss remote1@cisco.com 6122 211
wait_until 10 state_is LAC 1 up
check "session up" state_is LAC 1 up
wait_until 5 ev SessionUp user=remote1@cisco.com
check "TunnelUp with the peer's name and address" ev TunnelUp peer_name=LAC peer_address=127.0.0.1 group=1
check "SessionUp with user, direction, peer" \
	ev SessionUp user=remote1@cisco.com direction=in peer_name=LAC peer_address=127.0.0.1
TID=$(python3 -c '
import json, sys
for l in open(sys.argv[1]):
    o = json.loads(l)
    if o["event"] == "TunnelUp": print(o["tunnel_id"]); break' "$T/ev.json")
check "the LNS tunnel id is known ($TID)" [ -n "$TID" ]

sleep 1.1
ok "the caller hangs up" tc LAC HangUp u 1
wait_until 5 ev SessionDown user=remote1@cisco.com
check "SessionDown: the LAC ended it (lost carrier, result 1), it lived >= 1 s" python3 - "$T/ev.json" <<'PY'
import json, sys
d = [json.loads(l) for l in open(sys.argv[1])]
s = [o for o in d if o["event"] == "SessionDown"][0]
assert s["ended_by"] == "peer" and s["result"] == 1 and s["cause"] == "l2tp-lost-carrier", s
assert s["duration"] >= 1 and s["user"] == "remote1@cisco.com", s
assert s["ppp_disconnect_code"] is None and "lost carrier" in s["reason"], s
PY
check "monitor --events --json: every line valid JSON" json_lines_valid "$T/ev.json"
wait_until 5 grep -q "SessionDown session" "$T/lac-ev.txt"
check "the LAC's text line: it ended the session itself" \
	grep -q "^SessionDown session .* user remote1@cisco.com, interface Se0:17, peer LNS 127.0.0.2, after 00:00:0[1-9], ended by local: l2tp-lost-carrier" "$T/lac-ev.txt"
wait_until 3 grep -q "remote1@cisco.com" "$T/busctl.txt"
check "busctl monitor saw SessionDown with the user" grep -q "remote1@cisco.com" "$T/busctl.txt"
contains "... and the member" "$(cat "$T/busctl.txt")" "Member=SessionDown"

ok "show vpdn history failure" "$VPDNCTL" -n LNS show vpdn history failure
contains "the table's size and count" "$OUT" "% VPDN user failure table: size 3, 1 sessions ended since the node started"
contains "the user and the session" "$OUT" "User: remote1@cisco.com, session $TID/"
contains "the peer" "$OUT" "  Peer: LAC, IP address 127.0.0.1"
contains "who ended it" "$OUT" "ended by peer"
contains "failure type" "$OUT" "  Failure type: l2tp-lost-carrier"
contains "failure reason" "$OUT" "  Failure reason: L2TP result 1 (lost carrier)"

# --- clear vpdn tunnel l2tp with a session up -------------------------------
ok "DialIn remote2@cisco.com" tc LAC DialIn sss remote2@cisco.com 6123 211
wait_until 10 state_is LAC 2 up
wait_until 5 ev SessionUp user=remote2@cisco.com
TID=$(python3 -c '
import json, sys
t = [json.loads(l)["tunnel_id"] for l in open(sys.argv[1]) if json.loads(l)["event"] == "SessionUp"]
print(t[-1])' "$T/ev.json")
ok "clear vpdn tunnel l2tp $TID" "$VPDNCTL" -n LNS clear vpdn tunnel l2tp "$TID"
wait_until 5 ev TunnelDown tunnel_id="$TID"
check "TunnelDown: cleared by us, StopCCN 1" ev TunnelDown tunnel_id="$TID" ended_by=local result=1 cause=l2tp-clear
check "its session: ended by us, no control connection" \
	ev SessionDown user=remote2@cisco.com ended_by=local result=2 error=1 cause=l2tp-no-control-connection
ok "show vpdn history failure --json" "$VPDNCTL" -n LNS show vpdn history failure --json
check "history JSON: newest first, both sessions" python3 -c '
import json, sys
d = json.loads(sys.argv[1])
assert d["size"] == 3 and d["total"] == 2, d
e = d["entries"]
assert [x["user"] for x in e] == ["remote2@cisco.com", "remote1@cisco.com"], e
assert e[0]["ended_by"] == "local" and e[0]["cause"] == "l2tp-no-control-connection", e[0]
assert e[0]["peer_name"] == "LAC" and e[0]["peer_address"] == "127.0.0.1", e[0]
assert e[0]["ended"] > 1700000000 and e[1]["ended_by"] == "peer", e
' "$OUT"
wait_until 5 grep -q "TunnelDown" "$T/lac-ev.txt"
check "the LAC: the peer ended the tunnel" grep -q "^TunnelDown tunnel .* ended by peer: l2tp-clear" "$T/lac-ev.txt"
check "the LAC: its session went with the tunnel, ended by the peer" \
	grep -q "^SessionDown .*remote2@cisco.com.*ended by peer: l2tp-no-control-connection" "$T/lac-ev.txt"

# --- the bound: five more sessions, the table keeps 3 -----------------------
for i in 3 4 5 6 7; do
	tc LAC DialIn sss "user$i@cisco.com" 6123 211 >/dev/null
	wait_until 10 state_is LAC "$i" up
	tc LAC HangUp u "$i" >/dev/null
	wait_until 5 ev SessionDown user="user$i@cisco.com"
done
check "all seven sessions ended" ev SessionDown user=user7@cisco.com
ok "show vpdn history failure --json after 7 ended sessions" "$VPDNCTL" -n LNS show vpdn history failure --json
check "vpdn-history-size 3: 3 kept, the newest, total 7" python3 -c '
import json, sys
d = json.loads(sys.argv[1])
assert d["size"] == 3 and d["total"] == 7, d
assert [x["user"] for x in d["entries"]] == ["user7@cisco.com", "user6@cisco.com", "user5@cisco.com"], d
' "$OUT"

ok "metrics" "$VPDNCTL" -n LNS metrics
contains "sessions ended by cause" "$OUT" 'vpdnd_sessions_ended_total{node="LNS",cause="l2tp-lost-carrier"} 6'
contains "... one with its tunnel" "$OUT" 'vpdnd_sessions_ended_total{node="LNS",cause="l2tp-no-control-connection"} 1'
contains "tunnels ended by cause" "$OUT" 'vpdnd_tunnels_ended_total{node="LNS",cause="l2tp-clear"} 1'
contains "a counter" "$OUT" "# TYPE vpdnd_sessions_ended_total counter"
if command -v promtool >/dev/null; then
	check "promtool check metrics accepts the families by cause" \
		sh -c 'printf "%s\n" "$1" | promtool check metrics' _ "$OUT"
else
	echo "SKIP: promtool check metrics: promtool not installed"
fi

# Reload shrinks the table.
sed -i 's/^vpdn-history-size = 3$/vpdn-history-size = 1/' "$T/LNS.conf"
ok "reload with vpdn-history-size = 1" "$VPDNCTL" -n LNS reload
ok "show vpdn history failure --json after the reload" "$VPDNCTL" -n LNS show vpdn history failure --json
check "one entry left, the newest" python3 -c '
import json, sys
d = json.loads(sys.argv[1])
assert d["size"] == 1 and [x["user"] for x in d["entries"]] == ["user7@cisco.com"], d
' "$OUT"
sed -i 's/^vpdn-history-size = 1$/vpdn-history-size = 100001/' "$T/LNS.conf"
ko "a history size out of range is refused" 1 "$VPDNCTL" -n LNS reload
contains "with file:line" "$ERR" "LNS.conf:3: vpdn-history-size must be 0 to 10000, not 100001"
write_config bad.conf <<CONF
hostname = "BAD"

vpdn-history-size = -5
CONF
ko "at start-up: exit 78" 78 "$VPDND" -c "$T/bad.conf" --check
contains "file:line: message" "$ERR" "bad.conf:3: vpdn-history-size must be 0 to 10000, not -5"

# --- a refused CHAP ---------------------------------------------------------
lac_conf LAC2 127.0.0.3 127.0.0.4 LNS2
# A second group whose tunnel secret the LNS does not share: its sessions
# fail before they come up (tunnel authentication).
cat >>"$T/LAC2.conf" <<CONF
vpdn-group "2" {
  request-dialin { protocol = "l2tp"  domain = {"wrong.com"} }
  terminate-from = "LNS2"
  initiate-to = {"127.0.0.4"}
  local-name = "LAC2"
  tunnel-password = "not-the-secret"
  source-ip = "127.0.0.3"
}
CONF
write_config LNS2.conf <<CONF
hostname = "LNS2"
modules = {"l2tp", "ppp", "auth-local"}
vpdn { enable = true }
vpdn-group "1" {
  accept-dialin { protocol = "l2tp"  virtual-template = 1 }
  terminate-from = "LAC2"
  local-name = "LNS2"
  tunnel-password = "l2tptunnel"
  source-ip = "127.0.0.4"
}
interface "Virtual-Template1" {
  ppp-authentication = {"chap"}
  ip-address = "18.18.18.2"
}
username "remote1@cisco.com" { password = "secret1"  ip-address = "17.17.17.1" }
l2tp { listen = {"127.0.0.4"}  port = $PORT }
CONF
start_node LNS2 "$T/LNS2.conf" -d "ppp authentication" || { _fail "LNS2 starts"; finish; }
start_node LAC2 "$T/LAC2.conf" || { _fail "LAC2 starts"; finish; }
ok "DialIn remote1@cisco.com with a wrong CHAP response" tc LAC2 DialIn sss remote1@cisco.com 6122 211
hist_has() { "$VPDNCTL" -n "$1" show vpdn history failure 2>/dev/null | grep -q -- "$2"; }
wait_until 10 hist_has LNS2 "Failure type"
ok "show vpdn history failure on LNS2" "$VPDNCTL" -n LNS2 show vpdn history failure
contains "the refused user" "$OUT" "User: remote1@cisco.com"
contains "ended by the LNS" "$OUT" "ended by local"
contains "failure type: CHAP refused" "$OUT" "  Failure type: ppp-auth-failed"
contains "the RFC 3145 cause, CHAP, at the peer (the caller)" "$OUT" "PPP: authentication failed (code 16, protocol 0xC223, at peer)"
wait_until 5 hist_has LAC2 "Failure type"
ok "show vpdn history failure --json on LAC2" "$VPDNCTL" -n LAC2 show vpdn history failure --json
check "the LAC: the LNS ended it, with its CDN" python3 -c '
import json, sys
d = json.loads(sys.argv[1])
e = d["entries"][0]
assert d["total"] == 1 and e["user"] == "remote1@cisco.com" and e["ended_by"] == "peer", e
assert e["interface"] == "Se0:17" and e["peer_name"] == "LNS2" and e["result"] != 0, e
# The LNS'"'"'s RFC 3145 cause (AVP 46 of its CDN): CHAP failed "at peer"
# (its PPP peer: our caller), so "local" as the LAC sees it.
assert e["cause"] == "ppp-auth-failed" and e["ppp_disconnect_code"] == 16, e
assert e["ppp_protocol"] == 0xC223 and e["ppp_direction"] == "local", e
' "$OUT"
# A session that never comes up (its tunnel's authentication fails) is in
# the history too, as IOS's show vpdn history failure has it.
ok "DialIn user@wrong.com (a tunnel secret the LNS does not share)" tc LAC2 DialIn sss user@wrong.com 6122 212
wait_until 20 hist_has LAC2 "user@wrong.com"
ok "show vpdn history failure --json on LAC2 after the failed set-up" \
	"$VPDNCTL" -n LAC2 show vpdn history failure --json
check "the failed set-up: newest entry, user@wrong.com, a cause, lived 0 s" python3 -c '
import json, sys
d = json.loads(sys.argv[1])
e = d["entries"][0]
assert d["total"] == 2 and e["user"] == "user@wrong.com", d
assert e["cause"] and e["duration"] == 0 and e["result"] != 0, e
' "$OUT"
ok "LAC2 metrics" "$VPDNCTL" -n LAC2 metrics
contains "counted as a failed session, not an ended one" "$OUT" 'vpdnd_sessions_failed_total{node="LAC2",cause='
check "no SessionDown for a session that never came up" sh -c "! grep -q 'wrong.com' '$T/busctl.txt'"
ok "LNS2 metrics" "$VPDNCTL" -n LNS2 metrics
contains "the refusal is counted" "$OUT" 'vpdnd_sessions_ended_total{node="LNS2",cause="ppp-auth-failed"} 1'

stop_node evmon
stop_node lacmon
stop_node busctl
finish
