#!/bin/bash
# SPDX-License-Identifier: MIT
# vpdnctl against a real vpdnd on a private bus: show commands (text and
# JSON), debug toggles, reload (good and broken config), several nodes on
# one bus, shutdown, and the exit codes (0 ok, 1 failed, 2 usage, 3 no node).
. "$(dirname "$0")/lib.sh"

command -v dbus-daemon >/dev/null || skip "dbus-daemon not installed"
command -v busctl >/dev/null || skip "busctl not installed"

json_ok() { printf '%s\n' "$OUT" | python3 -m json.tool >/dev/null; }
json_get() { printf '%s\n' "$OUT" | python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

# --- without any node -----------------------------------------------------
ok "help" "$VPDNCTL" help
contains "help lists show vpdn" "$OUT" "show vpdn tunnel"
ko "no command is a usage error" 2 "$VPDNCTL"
ko "unknown command is a usage error" 2 "$VPDNCTL" frobnicate the node
contains "unknown command is named" "$ERR" "frobnicate"
ko "show vpdn takes no argument" 2 "$VPDNCTL" show vpdn please
ko "an incomplete command is a usage error" 2 "$VPDNCTL" show
contains "and lists what may follow" "$ERR" "show vpdn tunnel"
ko "unreachable bus: exit 3" 3 "$VPDNCTL" --bus "unix:path=$T/nonexistent" show version

start_bus
ko "no node on the bus: exit 3" 3 "$VPDNCTL" show version
contains "no node: says so" "$ERR" "no vpdnd node is running"

# --- one node -------------------------------------------------------------
write_config lac.conf <<EOF
hostname = "LAC"
modules = {}
EOF
start_node LAC "$T/lac.conf" || { _fail "vpdnd LAC starts"; finish; }
_pass "vpdnd LAC starts and owns $(node_name LAC)"

ok "show version" "$VPDNCTL" show version
contains "show version: version" "$OUT" "vpdnd version 0.1.0"
contains "show version: hostname and uptime" "$OUT" "LAC uptime is 0 days, 00:00:"
ok "show version with -n and an abbreviation" "$VPDNCTL" -n LAC sh ver
contains "abbreviated show version" "$OUT" "vpdnd version"
ok "show version --json" "$VPDNCTL" --json show version
check "show version --json parses" json_ok
check "show version --json hostname" [ "$(json_get 'd["hostname"]')" = "LAC" ]
check "show version --json bus name" [ "$(json_get 'd["bus_name"]')" = "org.vpdnd.Node.LAC" ]
ko "unknown node: exit 3" 3 "$VPDNCTL" -n GHOST show version
contains "unknown node named" "$ERR" "GHOST"
ko "'sh' alone is not shutdown" 2 "$VPDNCTL" sh
check "node still running after 'sh'" name_on_bus org.vpdnd.Node.LAC

ok "show modules" "$VPDNCTL" show modules
contains "show modules: none" "$OUT" "% No modules loaded"
ok "show modules --json" "$VPDNCTL" show modules --json
check "show modules --json parses to an empty list" [ "$(json_get 'len(d["modules"])')" = 0 ]

# --- debugging ------------------------------------------------------------
ok "show debugging, nothing on" "$VPDNCTL" show debugging
contains "nothing on" "$OUT" "No debugging is on"
ok "debug vpdn l2x-events" "$VPDNCTL" debug vpdn l2x-events
contains "debug acknowledges" "$OUT" "vpdn l2x-events debugging is on"
ok "show debugging" "$VPDNCTL" show debugging
contains "l2x-events is on" "$OUT" "vpdn l2x-events debugging is on"
ok "busctl reads DebugCategories" busctl --address="$BUS" get-property \
	org.vpdnd.Node.LAC /org/vpdnd/node org.vpdnd.Node1 DebugCategories
contains "Node1.DebugCategories has it" "$OUT" '"vpdn l2x-events"'
ok "debug two categories at once" "$VPDNCTL" debug ppp negotiation isdn-q931
ok "show debugging --json" "$VPDNCTL" --json show debugging
check "show debugging --json parses" json_ok
check "three categories on" [ "$(json_get 'sorted(d["debugging"])')" = \
	"['isdn q931', 'ppp negotiation', 'vpdn l2x-events']" ]
ok "no debug vpdn l2x-events" "$VPDNCTL" no debug vpdn l2x-events
ok "show debugging after no debug" "$VPDNCTL" show debugging
lacks "l2x-events is off" "$OUT" "l2x-events"
contains "others stay on" "$OUT" "ppp negotiation debugging is on"
ko "debug of an unknown category: usage" 2 "$VPDNCTL" debug vpdn bogus-events
contains "unknown category named" "$ERR" "unknown debug category"
run busctl --address="$BUS" call org.vpdnd.Node.LAC /org/vpdnd/node org.vpdnd.Node1 \
	SetDebug sb "no such thing" true
check "SetDebug with an unknown category fails" [ "$RC" -ne 0 ]
contains "SetDebug: InvalidArgs names it" "$ERR" "Unknown debug category 'no such thing'"
ok "debug all" "$VPDNCTL" debug all
ok "show debugging after debug all" "$VPDNCTL" --json show debugging
check "debug all switches every category on" [ "$(json_get 'len(d["debugging"]) > 10')" = True ]
ok "undebug all" "$VPDNCTL" undebug all
contains "undebug all acknowledged" "$OUT" "All possible debugging has been turned off"
ok "show debugging after undebug all" "$VPDNCTL" show debugging
contains "all off" "$OUT" "No debugging is on"

# --- vpdn without the l2tp module -------------------------------------------
ok "show vpdn" "$VPDNCTL" show vpdn
contains "show vpdn: no tunnels" "$OUT" "% No active L2TP tunnels"
contains "show vpdn: no L2F" "$OUT" "% No active L2F tunnels"
ok "show vpdn --json" "$VPDNCTL" --json show vpdn
check "show vpdn --json is empty" [ "$(json_get 'd')" = "{'tunnels': [], 'sessions': []}" ]
ok "show vpdn session --json" "$VPDNCTL" --json show vpdn session
check "show vpdn session --json parses" json_ok
ko "clear vpdn session without l2tp fails" 1 "$VPDNCTL" clear vpdn session 5
ko "clear vpdn tunnel l2tp 0 is a usage error" 2 "$VPDNCTL" clear vpdn tunnel l2tp 0
ko "clear vpdn tunnel l2tp x is a usage error" 2 "$VPDNCTL" clear vpdn tunnel l2tp x

# --- unprivileged callers -------------------------------------------------
if setpriv --reuid=65534 --regid=65534 --clear-groups true 2>/dev/null &&
	setpriv --reuid=65534 --regid=65534 --clear-groups test -x "$VPDNCTL"; then
	ko "nobody may not switch debugging" 1 setpriv --reuid=65534 --regid=65534 \
		--clear-groups "$VPDNCTL" debug vpdn events
	contains "refusal says why" "$ERR" "Permission denied"
	ok "nobody may read" setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$VPDNCTL" show debugging
	contains "and nothing was switched on" "$OUT" "No debugging is on"
else
	echo "# cannot run as nobody here: unprivileged checks skipped"
fi

# --- reload ---------------------------------------------------------------
ok "reload" "$VPDNCTL" reload
grep -q "configuration reloaded" "$NODE_LOG"
check "reload logged" [ $? -eq 0 ]
cp "$T/lac.conf" "$T/lac.conf.good"
write_config lac.conf <<EOF
hostname = "LAC"
modules = {}
log-level = "info"
this is not { valid
EOF
ko "reload with a syntax error is refused" 1 "$VPDNCTL" reload
contains "refusal names file:line" "$ERR" "lac.conf:4"
check "node keeps running after a bad reload" name_on_bus org.vpdnd.Node.LAC
ok "node still answers" "$VPDNCTL" show version
cp "$T/lac.conf.good" "$T/lac.conf"
ok "reload of the fixed config" "$VPDNCTL" reload

# --- several nodes on one bus ---------------------------------------------
write_config lns.conf <<EOF
hostname = "LNS"
modules = {}
EOF
start_node LNS "$T/lns.conf" || _fail "vpdnd LNS starts"
ko "two nodes, no --node: usage error" 2 "$VPDNCTL" show version
contains "both nodes listed" "$ERR" "LAC, LNS"
ok "--node picks LNS" "$VPDNCTL" --node LNS show version
contains "it is LNS" "$OUT" "LNS uptime"
write_config lac2.conf <<EOF
hostname = "LAC"
modules = {}
EOF
run "$VPDND" -c "$T/lac2.conf" --bus "$BUS"
check "a second LAC on the same bus is refused" [ "$RC" -ne 0 ]
contains "refusal says the name is taken" "$ERR" "already owns"
ok "shutdown LNS" "$VPDNCTL" -n LNS shutdown
wait_node_exit LNS 10
check "LNS exits 0 after shutdown" [ $? -eq 0 ]

# --- shutdown -------------------------------------------------------------
ok "shutdown" "$VPDNCTL" shutdown
check "name gone once vpdnctl returns" ! name_on_bus org.vpdnd.Node.LAC
wait_node_exit LAC 10
check "vpdnd exits 0 after shutdown" [ $? -eq 0 ]
ko "after shutdown: exit 3" 3 "$VPDNCTL" show version
ko "after shutdown, -n LAC: exit 3" 3 "$VPDNCTL" -n LAC show vpdn

finish
