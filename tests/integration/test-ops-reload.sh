#!/bin/bash
# SPDX-License-Identifier: MIT
# Live reload and metrics on two nodes (LAC 127.0.0.1, LNS 127.0.0.2) with
# the l2tp and testcarrier modules: a session stays established across
# `vpdnctl reload` on both nodes and keeps counting packets; a vpdn-group
# added by a reload serves new calls; a reload that would close a socket a
# tunnel uses, and one with a syntax error, are refused and the running
# config stays in force. `vpdnctl metrics` shows the counters and the l2tp
# gauges in Prometheus text format and as JSON.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-testcarrier.sh"

tc_require

PORT=$(free_port 127.0.0.1 127.0.0.2)
[ -n "$PORT" ] || skip "no free UDP port"

[ -x "$VPDNCTL" ] || skip "vpdnctl not built"

start_bus

lac_conf() { # lac_conf [EXTRA-GROUP]
	write_config lac.conf <<EOF
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
}
${1:-}
l2tp { listen = {"127.0.0.1"}  port = $PORT }
EOF
}
lns_conf() { # lns_conf HELLO LISTEN SOURCE [EXTRA]
	write_config lns.conf <<EOF
hostname = "LNS"
modules = {"l2tp", "testcarrier"}
vpdn { enable = true }
vpdn-group "1" {
  accept-dialin { protocol = "l2tp"  virtual-template = 1 }
  terminate-from = "LAC"
  local-name = "LNS"
  tunnel-password = "l2tptunnel"
  source-ip = "$3"
  hello = $1
}
${4:-}
l2tp { listen = {$2}  port = $PORT }
EOF
}
lac_conf
lns_conf 60 '"127.0.0.2"' 127.0.0.2

DBG=(-d "vpdn l2x-events" -d "vpdn l2x-errors" -d "vpdn events")
start_node LNS "$T/lns.conf" "${DBG[@]}" || { _fail "LNS starts"; finish; }
LNS_LOG=$NODE_LOG
start_node LAC "$T/lac.conf" "${DBG[@]}" || { _fail "LAC starts"; finish; }
LAC_LOG=$NODE_LOG
_pass "both nodes run"

# Sum of PacketsIn over the node's L2TP sessions (L2tp1.ListSessions: one
# page holds them all here).
packets_in() {
	busctl --address="$BUS" --json=short call "org.vpdnd.Node.$1" /org/vpdnd/module/l2tp \
		org.vpdnd.L2tp1 ListSessions uu 0 0 | python3 -c '
import json, sys
rows = json.load(sys.stdin)["data"][0]
print(sum(props["PacketsIn"]["data"] for path, props in rows))'
}
frame() { tc "$1" SendFrame uay "$2" 12 255 3 192 33 9 1 0 8 0 0 0 0; }

# --- a session ------------------------------------------------------------
ok "DialIn remote1@cisco.com" tc LAC DialIn sss remote1@cisco.com 6122 211
wait_until 10 state_is LAC 1 up
check "dial-in session up" state_is LAC 1 up
wait_until 5 state_is LNS 1 up
ok "a frame before the reloads" frame LAC 1
wait_until 5 frames_in_at_least LAC 1 1
check "echoed back through the tunnel" frames_in_at_least LAC 1 1
P0=$(packets_in LNS)
check "LNS session counted the frame ($P0)" [ "${P0:-0}" -ge 1 ]

# --- metrics ----------------------------------------------------------------
ok "vpdnctl metrics (LAC)" "$VPDNCTL" -n LAC metrics
M=$OUT
contains "HELP line" "$M" "# HELP vpdnd_l2tp_control_rx_total L2TP control messages received in order"
contains "TYPE counter" "$M" "# TYPE vpdnd_l2tp_control_rx_total counter"
contains "node label on a counter" "$M" 'vpdnd_l2tp_sessions_up_total{node="LAC"} 1'
contains "TYPE gauge for tunnels by state" "$M" "# TYPE vpdnd_l2tp_tunnels gauge"
contains "one established tunnel" "$M" 'vpdnd_l2tp_tunnels{node="LAC",state="est"} 1'
contains "no tunnel closing" "$M" 'vpdnd_l2tp_tunnels{node="LAC",state="closing"} 0'
contains "one established session" "$M" 'vpdnd_l2tp_sessions{node="LAC",role="lac",state="est"} 1'
check "every sample line is NAME{LABELS} VALUE" python3 -c '
import re, sys
for l in sys.argv[1].splitlines():
    if l.startswith("#"):
        assert re.fullmatch(r"# (HELP|TYPE) vpdnd_[A-Za-z0-9_:]+ .*", l), l
    else:
        assert re.fullmatch(r"vpdnd_[A-Za-z0-9_:]+\{node=\"LAC\"(,[a-z]+=\"[^\"]*\")*\} [0-9]+", l), l
' "$M"
check "one TYPE line per family" [ "$(grep -c "^# TYPE vpdnd_l2tp_tunnels " <<<"$M")" -eq 1 ]
# promtool comes with scripts/deps.sh (Debian's prometheus): no silent skip.
if command -v promtool >/dev/null; then
	check "promtool accepts it" promtool check metrics <<<"$M"
	check "promtool has no lint complaints" [ -z "$(promtool check metrics <<<"$M" 2>&1)" ]
else
	_fail "promtool installed (prometheus, scripts/deps.sh)"
fi
ok "vpdnctl --json metrics (LNS)" "$VPDNCTL" -n LNS --json metrics
check "JSON: node LNS, an established session gauge" python3 -c '
import json, sys
d = json.loads(sys.argv[1])
assert d["node"] == "LNS"
m = {(x["name"], x["labels"]): x for x in d["metrics"]}
assert m[("vpdnd_l2tp_sessions", "role=\"lns\",state=\"est\"")]["value"] == 1
assert m[("vpdnd_l2tp_sessions", "role=\"lns\",state=\"est\"")]["type"] == "gauge"
assert m[("vpdnd_l2tp_sessions", "role=\"lac\",state=\"est\"")]["value"] == 0
assert m[("vpdnd_l2tp_control_rx_total", "")]["type"] == "counter"
' "$OUT"
ok "GetMetrics over D-Bus" busctl --address="$BUS" call org.vpdnd.Node.LNS /org/vpdnd/node \
	org.vpdnd.Node1 GetMetrics
contains "a(sst) reply" "$OUT" "a(sst)"

# --- reload the LNS: hello changed, a group and a listen address added --------
lns_conf 30 '"127.0.0.2", "127.0.0.3"' 127.0.0.2 'vpdn-group "2" {
  accept-dialin { protocol = "l2tp"  virtual-template = 2 }
  terminate-from = "OTHER-LAC"
  tunnel-password = "other"
}'
ok "vpdnctl reload (LNS)" "$VPDNCTL" -n LNS reload
check "LNS: reloaded" log_has "$LNS_LOG" "configuration reloaded from"
check "LNS: 2 groups, the tunnel kept" log_has "$LNS_LOG" "L2TP: configuration reloaded: 2 vpdn-groups"
check "LNS: the new listen address is open" log_has "$LNS_LOG" "listening on 127.0.0.3 port $PORT"
check "LNS session still up" state_is LNS 1 up
check "LAC session still up" state_is LAC 1 up
ok "a frame after the LNS reload" frame LAC 1
wait_until 5 frames_in_at_least LAC 1 2
check "the session still carries frames" frames_in_at_least LAC 1 2
P1=$(packets_in LNS)
check "LNS packet counter kept counting ($P0 -> $P1)" [ "${P1:-0}" -gt "${P0:-0}" ]

# --- reload the LAC: a new vpdn-group serves a new domain ----------------------
ok "example.com is not forwarded before the reload" tc LAC DialIn sss bob@example.com 6124 211
BOB=${OUT#u }
wait_until 5 state_is LAC "$BOB" failed
check "bob@example.com refused" state_is LAC "$BOB" failed
lac_conf 'vpdn-group "2" {
  request-dialin { protocol = "l2tp"  domain = {"example.com"} }
  terminate-from = "LNS"
  initiate-to = {"127.0.0.2"}
  local-name = "LAC"
  tunnel-password = "l2tptunnel"
  source-ip = "127.0.0.1"
  hello = 20
}'
ok "vpdnctl reload (LAC)" "$VPDNCTL" -n LAC reload
check "LAC session still up" state_is LAC 1 up
ok "DialIn bob@example.com after the reload" tc LAC DialIn sss bob@example.com 6124 211
BOB=${OUT#u }
wait_until 10 state_is LAC "$BOB" up
check "the new group forwarded it" state_is LAC "$BOB" up
check "LAC: VPDN group 2 picked" log_has "$LAC_LOG" "VPDN/LAC/2: Got tunnel info for example.com"
ok "a frame on the first session after both reloads" frame LAC 1
wait_until 5 frames_in_at_least LAC 1 3
check "first session still carries frames" frames_in_at_least LAC 1 3

# --- refused reloads --------------------------------------------------------------
cp "$T/lns.conf" "$T/lns.good"
lns_conf 30 '"127.0.0.3"' 127.0.0.3
ko "a reload closing the tunnel's socket is refused" 1 "$VPDNCTL" -n LNS reload
check "LNS log says why" log_has "$LNS_LOG" "cannot stop listening on 127.0.0.2 port $PORT: tunnel"
check "the session survived" state_is LNS 1 up
cp "$T/lns.good" "$T/lns.conf"
printf 'vpdn-group "3" {\n  hello = \n}\n' >>"$T/lns.conf"
ko "a reload with a syntax error is refused" 1 "$VPDNCTL" -n LNS reload
contains "refusal names file:line" "$ERR" "lns.conf:"
check "LNS log: running config stays" log_has "$LNS_LOG" "running config stays in force"
check "the session survived the bad reload" state_is LNS 1 up
ok "a frame after the refused reloads" frame LAC 1
wait_until 5 frames_in_at_least LAC 1 4
check "the session still carries frames" frames_in_at_least LAC 1 4
ok "a new call after the refused reloads" tc LAC DialIn sss remote2@cisco.com 6125 211
NEW=${OUT#u }
wait_until 10 state_is LAC "$NEW" up
check "the running config still serves new calls" state_is LAC "$NEW" up
ok "metrics after all that (LAC)" "$VPDNCTL" -n LAC metrics
contains "three established sessions" "$OUT" 'vpdnd_l2tp_sessions{node="LAC",role="lac",state="est"} 3'
contains "two established tunnels (group 1 and group 2)" "$OUT" 'vpdnd_l2tp_tunnels{node="LAC",state="est"} 2'

finish
