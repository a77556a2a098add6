#!/bin/bash
# SPDX-License-Identifier: MIT
# The node's D-Bus API: the running daemon's introspection of
# org.vpdnd.Node1 matches dbus/org.vpdnd.Node1.xml; properties have their
# types; the ObjectManager at /org/vpdnd lists the node; the system bus
# policy dbus/org.vpdnd.conf lets everyone read but only root call; the
# daemon itself refuses unprivileged callers; PropertiesChanged is emitted
# for DebugCategories.
. "$(dirname "$0")/lib.sh"

command -v dbus-daemon >/dev/null || skip "dbus-daemon not installed"
command -v busctl >/dev/null || skip "busctl not installed"
: "${VPDND_NODE1_XML:=$VPDND_SOURCE_ROOT/dbus/org.vpdnd.Node1.xml}"
: "${VPDND_DBUS_POLICY:=$VPDND_SOURCE_ROOT/dbus/org.vpdnd.conf}"

NAME=org.vpdnd.Node.test-node_1
B() { busctl --address="$BUS" "$@"; }

start_bus "$VPDND_DBUS_POLICY"
write_config node.conf <<EOF
hostname = "test-node.1"
modules = {}
EOF
start_node test-node.1 "$T/node.conf" || { _fail "vpdnd starts"; finish; }
_pass "vpdnd starts and owns $NAME (hostname mangled)"
check "node_name matches the daemon's mangling" [ "$(node_name test-node.1)" = "$NAME" ]

# --- introspection ----------------------------------------------------------
ok "Introspect /org/vpdnd/node" B call "$NAME" /org/vpdnd/node \
	org.freedesktop.DBus.Introspectable Introspect
printf '%s\n' "$OUT" >"$T/introspect.busctl"
# busctl prints: s "<xml...>" with escapes; let python unquote and compare.
compare_xml() {
	python3 - "$VPDND_NODE1_XML" "$T/introspect.busctl" <<'PY'
import ast, sys, xml.etree.ElementTree as ET

def members(root):
    iface = root.find("./interface[@name='org.vpdnd.Node1']")
    if iface is None:
        raise SystemExit("org.vpdnd.Node1 missing")
    out = set()
    for m in iface.findall('method'):
        args = tuple((a.get('direction', 'in'), a.get('type')) for a in m.findall('arg'))
        out.add(('method', m.get('name'), args))
    for p in iface.findall('property'):
        out.add(('property', p.get('name'), p.get('type'), p.get('access')))
    for s in iface.findall('signal'):
        out.add(('signal', s.get('name'), tuple(a.get('type') for a in s.findall('arg'))))
    return out

want = members(ET.parse(sys.argv[1]).getroot())
raw = open(sys.argv[2]).read().strip()
assert raw.startswith('s '), raw[:40]
text = ast.literal_eval(raw[2:])
got = members(ET.fromstring(text.encode()))
if want != got:
    print('only in dbus/org.vpdnd.Node1.xml:', sorted(want - got, key=str))
    print('only in the daemon:', sorted(got - want, key=str))
    raise SystemExit(1)
PY
}
ok "introspection matches dbus/org.vpdnd.Node1.xml" compare_xml

# --- properties -------------------------------------------------------------
ok "Version" B get-property "$NAME" /org/vpdnd/node org.vpdnd.Node1 Version
check "Version is s \"0.1.0\"" [ "$OUT" = 's "0.1.0"' ]
ok "Hostname" B get-property "$NAME" /org/vpdnd/node org.vpdnd.Node1 Hostname
check "Hostname is the configured one" [ "$OUT" = 's "test-node.1"' ]
ok "Uptime" B get-property "$NAME" /org/vpdnd/node org.vpdnd.Node1 Uptime
contains "Uptime is a t" "$OUT" "t "
ok "Modules" B get-property "$NAME" /org/vpdnd/node org.vpdnd.Node1 Modules
check "Modules is an empty a(sss)" [ "$OUT" = "a(sss) 0" ]

# --- object manager ---------------------------------------------------------
ok "GetManagedObjects at /org/vpdnd" B call "$NAME" /org/vpdnd \
	org.freedesktop.DBus.ObjectManager GetManagedObjects
contains "the node object is listed" "$OUT" '"/org/vpdnd/node"'
contains "with its interface" "$OUT" '"org.vpdnd.Node1"'

# --- change signal ----------------------------------------------------------
busctl --address="$BUS" monitor --match="type='signal',interface='org.freedesktop.DBus.Properties',path='/org/vpdnd/node'" \
	>"$T/monitor.out" 2>&1 &
MON=$!
sleep 0.3
ok "SetDebug as root" B call "$NAME" /org/vpdnd/node org.vpdnd.Node1 SetDebug sb "vpdn events" true
wait_until 5 grep -q DebugCategories "$T/monitor.out"
check "PropertiesChanged for DebugCategories" [ $? -eq 0 ]
kill "$MON" 2>/dev/null
wait "$MON" 2>/dev/null
ok "DebugCategories after SetDebug" B get-property "$NAME" /org/vpdnd/node org.vpdnd.Node1 DebugCategories
check "DebugCategories = [vpdn events]" [ "$OUT" = 'as 1 "vpdn events"' ]

# --- policy and privilege ---------------------------------------------------
AS_NOBODY=(setpriv --reuid=65534 --regid=65534 --clear-groups)
if "${AS_NOBODY[@]}" true 2>/dev/null; then
	ok "nobody may read properties" "${AS_NOBODY[@]}" busctl --address="$BUS" \
		get-property "$NAME" /org/vpdnd/node org.vpdnd.Node1 Hostname
	ok "nobody may introspect" "${AS_NOBODY[@]}" busctl --address="$BUS" \
		call "$NAME" /org/vpdnd/node org.freedesktop.DBus.Introspectable Introspect
	ok "nobody may enumerate objects" "${AS_NOBODY[@]}" busctl --address="$BUS" \
		call "$NAME" /org/vpdnd org.freedesktop.DBus.ObjectManager GetManagedObjects
	# (No l2tp module here: the node answers UnknownObject, the policy let it through.)
	"${AS_NOBODY[@]}" busctl --address="$BUS" call "$NAME" /org/vpdnd/module/l2tp \
		org.vpdnd.L2tp1 ListSessions uu 0 0 >/dev/null 2>"$T/list.err"
	check "the bus policy lets nobody list L2TP sessions" sh -c "! grep -qi denied '$T/list.err' && grep -qi 'unknown object' '$T/list.err'"
	"${AS_NOBODY[@]}" busctl --address="$BUS" call "$NAME" /org/vpdnd/module/l2tp \
		org.vpdnd.L2tp1 ListTunnels uu 0 0 >/dev/null 2>"$T/list.err"
	check "and tunnels" sh -c "! grep -qi denied '$T/list.err'"
	"${AS_NOBODY[@]}" busctl --address="$BUS" call "$NAME" /org/vpdnd/module/l2tp \
		org.vpdnd.L2tp1 FindSessions q 7 >/dev/null 2>"$T/list.err"
	check "and find a session by ID (show vpdn session ID)" sh -c "! grep -qi denied '$T/list.err' && grep -qi 'unknown object' '$T/list.err'"
	"${AS_NOBODY[@]}" busctl --address="$BUS" call "$NAME" /org/vpdnd/module/ip \
		org.vpdnd.Ip1 ListInterfaces uu 0 0 >/dev/null 2>"$T/list.err"
	check "and IP interfaces" sh -c "! grep -qi denied '$T/list.err' && grep -qi 'unknown object' '$T/list.err'"
	ko "the bus policy stops nobody calling SetDebug" "${AS_NOBODY[@]}" busctl \
		--address="$BUS" call "$NAME" /org/vpdnd/node org.vpdnd.Node1 SetDebug sb all true
	contains "refused by the bus policy" "$ERR" "denied"
	ko "the bus policy stops nobody calling Shutdown" "${AS_NOBODY[@]}" busctl \
		--address="$BUS" call "$NAME" /org/vpdnd/node org.vpdnd.Node1 Shutdown
	ko "nobody may not own org.vpdnd.Node.*" "${AS_NOBODY[@]}" busctl --address="$BUS" \
		call org.freedesktop.DBus /org/freedesktop/DBus org.freedesktop.DBus \
		RequestName su org.vpdnd.Node.fake 4
	check "the node is still running" name_on_bus "$NAME"

	# Without the policy, the daemon checks the caller itself.
	OLD_BUS=$BUS OLD_BUS_PID=$BUS_PID
	stop_node test-node.1
	start_bus
	start_node test-node.1 "$T/node.conf" || _fail "vpdnd restarts on a permissive bus"
	ko "the daemon refuses SetDebug from nobody" "${AS_NOBODY[@]}" busctl \
		--address="$BUS" call "$NAME" /org/vpdnd/node org.vpdnd.Node1 SetDebug sb all true
	contains "with AccessDenied" "$ERR" "Access denied"
	ko "vpdnctl as nobody: the daemon's reason" 1 "${AS_NOBODY[@]}" "$VPDNCTL" debug all
	contains "the reason names the uid" "$ERR" "uid 65534 may not change this node"
	ko "the daemon refuses Reload from nobody" "${AS_NOBODY[@]}" busctl \
		--address="$BUS" call "$NAME" /org/vpdnd/node org.vpdnd.Node1 Reload
	ko "the daemon refuses Shutdown from nobody" "${AS_NOBODY[@]}" busctl \
		--address="$BUS" call "$NAME" /org/vpdnd/node org.vpdnd.Node1 Shutdown
	ko "the daemon refuses Restart from nobody" "${AS_NOBODY[@]}" busctl \
		--address="$BUS" call "$NAME" /org/vpdnd/node org.vpdnd.Node1 Restart
	contains "Restart: AccessDenied" "$ERR" "Access denied"
	check "the node survived" name_on_bus "$NAME"
	ok "DebugCategories unchanged" B get-property "$NAME" /org/vpdnd/node org.vpdnd.Node1 DebugCategories
	check "nothing switched on by nobody" [ "$OUT" = "as 0" ]
	kill "$OLD_BUS_PID" 2>/dev/null
else
	echo "# cannot run as nobody here: policy checks skipped"
fi

ok "Shutdown as root" B call "$NAME" /org/vpdnd/node org.vpdnd.Node1 Shutdown
wait_node_exit test-node.1 10
check "vpdnd exits 0" [ $? -eq 0 ]

# --- the main loop integration ----------------------------------------------
# CPU ticks (user+system, 100 per second) a process has used. A main loop
# that spins burns about 100 a second; an idle one next to none. The bound
# (half a CPU over 2 s, after start-up settled) catches a spin without
# depending on the machine's speed or load (sanitizer builds included).
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
idle_ticks() { sleep 0.5; local t0; t0=$(cpu_ticks "$1"); sleep 2; echo $(($(cpu_ticks "$1") - t0)); }

start_node test-node.1 "$T/node.conf" || _fail "vpdnd starts again"
TICKS=$(idle_ticks "$NODE_PID")
check "an idle node does not spin ($TICKS ticks in 2 s)" [ "$TICKS" -lt 100 ]
for i in $(seq 20); do B get-property "$NAME" /org/vpdnd/node org.vpdnd.Node1 Uptime >/dev/null; done
ok "still answers after 20 calls" B get-property "$NAME" /org/vpdnd/node org.vpdnd.Node1 Hostname

kill "$BUS_PID"
BUS_PID=""
wait_until 5 grep -q "D-Bus: connection lost" "$NODE_LOG"
check "losing the bus is logged" [ $? -eq 0 ]
check "the node keeps running without the bus" kill -0 "$NODE_PID"
TICKS=$(idle_ticks "$NODE_PID")
check "and does not spin on the dead connection ($TICKS ticks in 2 s)" [ "$TICKS" -lt 100 ]
stop_node test-node.1
check "SIGTERM still stops it cleanly (exit 0)" [ $? -eq 0 ]

finish
