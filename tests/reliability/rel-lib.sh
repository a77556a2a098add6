# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# Shared by the reliability tests: a LAC (127.0.0.1) and an LNS (127.0.0.2)
# with the l2tp and testcarrier modules, optionally with the fault-injecting
# relay between them (the LAC sends to 127.0.0.3, the relay forwards from
# 127.0.0.4 to the LNS). Source after tests/integration/lib.sh.

. "$VPDND_SOURCE_ROOT/tests/integration/lib-testcarrier.sh"
tc_require
[ -x "$VPDNCTL" ] || skip "vpdnctl not built"
REL_DIR=$VPDND_SOURCE_ROOT/tests/reliability

# A UDP port free on 127.0.0.1 .. 127.0.0.4.
PORT=$(free_port 127.0.0.1 127.0.0.2 127.0.0.3 127.0.0.4)
[ -n "$PORT" ] || skip "no free UDP port"

# lac_config [INITIATE_TO] [EXTRA GROUP LINES] [GROUPS]: $T/lac.conf; with
# GROUPS > 1, groups 2.. serve domains d2.com .. (one tunnel each)
lac_config() {
	local to=${1:-127.0.0.2} g
	{
		cat <<EOF
hostname = "LAC"
modules = {"l2tp", "testcarrier"}
vpdn { enable = true  search-order = {"domain"} }
l2tp { listen = {"127.0.0.1"}  port = $PORT }
EOF
		for ((g = 1; g <= ${3:-1}; g++)); do
			cat <<EOF
vpdn-group "$g" {
  request-dialin { protocol = "l2tp"  domain = {"$([ "$g" -eq 1 ] && echo cisco.com || echo "d$g.com")"} }
  terminate-from = "LNS"
  initiate-to = {"$to"}
  local-name = "LAC"
  tunnel-password = "l2tptunnel"
  source-ip = "127.0.0.1"
  ${2:-}
}
EOF
		done
	} | write_config lac.conf
}

# lns_config [EXTRA GROUP LINES] [EXTRA L2TP LINES]: $T/lns.conf
lns_config() {
	write_config lns.conf <<EOF
hostname = "LNS"
modules = {"l2tp", "testcarrier"}
vpdn { enable = true }
vpdn-group "1" {
  accept-dialin { protocol = "l2tp"  virtual-template = 1 }
  terminate-from = "LAC"
  local-name = "LNS"
  tunnel-password = "l2tptunnel"
  source-ip = "127.0.0.2"
  ${1:-}
}
l2tp { listen = {"127.0.0.2"}  port = $PORT  ${2:-} }
EOF
}

DBG=(-d "vpdn l2x-errors" -d "vpdn events")

# count_calls NODE STATE [KIND]: testcarrier calls in STATE
count_calls() {
	busctl --address="$BUS" --json=short get-property "org.vpdnd.Node.$1" "$TC_PATH" \
		"$TC_IFACE" Calls | python3 -c '
import json, sys
st, kind = sys.argv[1], (sys.argv[2] if len(sys.argv) > 2 and sys.argv[2] else None)
print(sum(1 for c in json.load(sys.stdin)["data"] if c[2] == st and (kind is None or c[1] == kind)))' "${@:2}"
}
# calls_are NODE STATE N [KIND]
calls_are() { [ "$(count_calls "$1" "$2" "${4:-}")" -eq "$3" ] 2>/dev/null; }
# dial_many N [FIRST] [GROUPS]: N DialIns at the LAC, spread round-robin
# over the domains of GROUPS groups (see lac_config)
dial_many() {
	local n=$1 first=${2:-1} groups=${3:-1} i g dom
	for ((i = first; i < first + n; i++)); do
		g=$((i % groups + 1))
		dom=cisco.com
		[ "$g" -eq 1 ] || dom=d$g.com
		tc LAC DialIn sss "user$i@$dom" "6$i" 211 >/dev/null || return 1
	done
}
# vpdn_json NODE FILE
vpdn_json() { "$VPDNCTL" -n "$1" --json show vpdn >"$2"; }
# metric NODE NAME [LABELS]: value of a counter (0 when absent); LABELS as
# vpdnctl --json prints them, e.g. 'state="est"'
metric() {
	"$VPDNCTL" -n "$1" --json metrics | python3 -c '
import json, sys
v = [m["value"] for m in json.load(sys.stdin)["metrics"]
     if m["name"] in (sys.argv[1], "vpdnd_" + sys.argv[1]) and m.get("labels", "") == sys.argv[2]]
print(v[0] if v else 0)' "$2" "${3:-}"
}
# no_vpdn NODE: no tunnel and no session at all
no_vpdn() {
	vpdn_json "$1" "$T/.nv.json" && python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
sys.exit(0 if not d.get("tunnels") and not d.get("sessions") else 1)' "$T/.nv.json"
}
# agree [N_SESSIONS]: the two nodes' show vpdn --json describe the same
# tunnels and sessions, all established (prints what differs)
agree() {
	vpdn_json LAC "$T/lac.json" && vpdn_json LNS "$T/lns.json" &&
		python3 "$REL_DIR/compare-vpdn.py" "$T/lac.json" "$T/lns.json" "${1:-}"
}
# start_relay [RELAY ARGS...]: the relay on 127.0.0.3 <-> 127.0.0.4 -> LNS
start_relay() {
	spawn relay python3 "$REL_DIR/lossy-relay.py" --a "127.0.0.3:$PORT" --b "127.0.0.4:$PORT" \
		--to "127.0.0.2:$PORT" --stats "$T/relay.json" "$@"
	RELAY_PID=$SPAWN_PID
	wait_until 10 grep -q ready "$T/relay.log"
}
# relay_stat KEY: a counter from the relay's last dump
relay_stat() {
	python3 -c 'import json, sys; print(json.load(open(sys.argv[1])).get(sys.argv[2], 0))' \
		"$T/relay.json" "$1"
}
