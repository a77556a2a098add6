#!/bin/bash
# SPDX-License-Identifier: MIT
# A node outlives its bus: the private dbus-daemon under a running LAC and
# LNS (l2tp + testcarrier, one dial-in session up) is killed and started
# again at the same address. Each node logs the loss, keeps its tunnel and
# session (data still flows), retries with backoff (1 s, doubling to 60 s)
# and is reachable through vpdnctl again within a bounded time, with its
# name, its node object and every module's objects (L2tp1, the testcarrier
# object, the tunnel and session classes) back; the loss and the
# reconnect are counted in the metrics; the session signals (SessionUp,
# SessionDown) go out on the new connection. A second loss right after
# reconnects at the first backoff again.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-testcarrier.sh"

tc_require
[ -x "$VPDNCTL" ] || skip "vpdnctl not built"
PORT=$(free_port 127.0.0.1 127.0.0.2)
[ -n "$PORT" ] || skip "no free UDP port"

# A bus at a fixed path (lib.sh's start_bus picks a new name each start).
# The LNS gets the address as the daemon prints it, with its guid (which a
# restarted daemon does not share), the LAC without, as the system bus's.
SOCK="$T/bus.sock"
bus_up() {
	rm -f "$SOCK"
	chmod 755 "$T"
	cat >"$T/bus.conf" <<EOF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path=$SOCK</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
    <allow user="*"/>
  </policy>
</busconfig>
EOF
	dbus-daemon --config-file="$T/bus.conf" --fork --print-pid=4 --print-address=3 \
		4>"$T/bus.pid" 3>"$T/bus.address" || return 1
	BUS_PID=$(head -n1 "$T/bus.pid")
	[ -n "$BUS_PID" ]
}
bus_down() {
	kill -9 "$BUS_PID" 2>/dev/null
	while pid_alive "$BUS_PID"; do sleep 0.05; done
	BUS_PID=""
}
BUS="unix:path=$SOCK"
VPDND_BUS=$BUS
export BUS VPDND_BUS
bus_up || { _fail "dbus-daemon starts"; finish; }

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
l2tp { listen = {"127.0.0.1"}  port = $PORT }
EOF
write_config lns.conf <<EOF
hostname = "LNS"
modules = {"l2tp", "testcarrier"}
dbus-max-objects = 1
vpdn { enable = true }
vpdn-group "1" {
  accept-dialin { protocol = "l2tp"  virtual-template = 1 }
  terminate-from = "LAC"
  local-name = "LNS"
  tunnel-password = "l2tptunnel"
  source-ip = "127.0.0.2"
}
l2tp { listen = {"127.0.0.2"}  port = $PORT }
EOF
GUID_BUS=$(head -n1 "$T/bus.address")
contains "the daemon's address has a guid" "$GUID_BUS" "guid="
BUS=$GUID_BUS start_node LNS "$T/lns.conf" || { _fail "LNS starts"; finish; }
start_node LAC "$T/lac.conf" || { _fail "LAC starts"; finish; }
_pass "both nodes run"

frame() { tc "$1" SendFrame uay "$2" 12 255 3 192 33 9 1 0 8 0 0 0 0; }
sessions_est() { # NODE: the number of est sessions vpdnctl lists
	"$VPDNCTL" -n "$1" --json show vpdn | python3 -c '
import json, sys
print(sum(1 for s in json.load(sys.stdin)["sessions"] if s["state"] == "est"))'
}
metric() { "$VPDNCTL" -n "$1" metrics | awk -v m="$2" '$1 == m || index($1, m "{") == 1 { print $2 }'; }
reachable() { [ "$(sessions_est "$1" 2>/dev/null)" = 1 ]; }

ok "DialIn remote1@cisco.com" tc LAC DialIn sss remote1@cisco.com 6122 211
wait_until 10 state_is LAC 1 up
check "dial-in session up" state_is LAC 1 up
check "LNS lists the session" reachable LNS

# --- GetManagedObjects past dbus-max-objects (the LNS: 1; it has 2 module
# objects) is refused instead of risking the bus's message size limit -----
ko "LNS: GetManagedObjects refused" busctl --address="$BUS" call org.vpdnd.Node.LNS /org/vpdnd \
	org.freedesktop.DBus.ObjectManager GetManagedObjects
check "the refusal is logged" grep -q "GetManagedObjects refused: 2 objects, more than dbus-max-objects 1" "$T/LNS.log"
check "and counted" [ "$(metric LNS vpdnd_dbus_managed_objects_refused_total)" = 1 ]
check "the LNS stays on the bus" reachable LNS
ok "LAC (default 4096): GetManagedObjects answers" busctl --address="$BUS" call \
	org.vpdnd.Node.LAC /org/vpdnd org.freedesktop.DBus.ObjectManager GetManagedObjects
VPDNCTL_ERR=$("$VPDNCTL" -n LNS show isdn status 2>&1 >/dev/null)
contains "vpdnctl passes the reason on" "$VPDNCTL_ERR" "dbus-max-objects 1"
# (show interfaces pages through Ip1.ListInterfaces: no GetManagedObjects)
ok "show interfaces still works" "$VPDNCTL" -n LNS show interfaces

# --- the bus goes away and comes back -------------------------------------------
bus_down
check "LAC logs the loss" wait_until 5 grep -q "D-Bus: connection lost" "$T/LAC.log"
check "LNS logs the loss" wait_until 5 grep -q "D-Bus: connection lost" "$T/LNS.log"
sleep 2 # the first retry (after 1 s) fails: no bus
check "a failed retry is logged with the next delay" grep -q "reconnect 1 failed.*next try in 2 s" "$T/LAC.log"
check "the nodes keep running" kill -0 "${NODE_PIDS[LAC]}" && kill -0 "${NODE_PIDS[LNS]}"
bus_up || { _fail "dbus-daemon starts again"; finish; }
T0=$(date +%s%N)
# Retries at 1, 1+2, 1+2+4 s after the loss: the bus is back after ~2-3 s,
# so the try at 3 s or at 7 s finds it.
check "LAC reachable through vpdnctl again within 10 s" wait_until 10 reachable LAC
DT=$((($(date +%s%N) - T0) / 1000000))
check "LNS reachable again" wait_until 10 reachable LNS
echo "# reachable again $DT ms after the bus came back"
check "within the backoff bound ($DT ms < 8000)" [ "$DT" -lt 8000 ]
check "the reconnect is logged" grep -q "D-Bus: connection re-established" "$T/LAC.log"
ok "show modules" "$VPDNCTL" -n LAC show modules
contains "the modules' list is back" "$OUT" "testcarrier"
for i in 1 2 3; do frame LAC 1 >/dev/null; done
check "the testcarrier object is back and the session still carries data" \
	wait_until 5 frames_in_at_least LAC 1 3
TID=$("$VPDNCTL" -n LAC --json show vpdn | python3 -c 'import json,sys; print(json.load(sys.stdin)["tunnels"][0]["local_id"])')
ok "the tunnel object answers by path" busctl --address="$BUS" get-property org.vpdnd.Node.LAC \
	"/org/vpdnd/tunnel/$TID" org.vpdnd.Tunnel1 State
contains "est" "$OUT" '"est"'
check "vpdnd_dbus_connection_lost_total 1" [ "$(metric LAC vpdnd_dbus_connection_lost_total)" = 1 ]
check "dbus_reconnects_total 1" [ "$(metric LAC vpdnd_dbus_reconnects_total)" = 1 ]
check "dbus_reconnect_failures_total >= 1" [ "$(metric LAC vpdnd_dbus_reconnect_failures_total)" -ge 1 ]
# The session signals go out on the new connection (node-events.c emits
# on the node's current one).
"$VPDNCTL" -n LAC monitor --events --json >"$T/ev.json" 2>"$T/ev.err" &
NODE_PIDS[evmon]=$!
wait_until 5 grep -q "Following the events" "$T/ev.err"
ok "a second DialIn after the reconnect" tc LAC DialIn sss remote2@cisco.com 6123 211
wait_until 10 state_is LAC 2 up
ok "... and its HangUp" tc LAC HangUp u 2
check "SessionDown seen on the new connection" \
	wait_until 5 grep -q '"event":"SessionDown".*"user":"remote2@cisco.com"' "$T/ev.json"
check "SessionUp too" grep -q '"event":"SessionUp".*"user":"remote2@cisco.com"' "$T/ev.json"
stop_node evmon

# --- again at once: the backoff started over ----------------------------------
bus_down
bus_up || { _fail "dbus-daemon starts a third time"; finish; }
T0=$(date +%s%N)
check "after a second loss, reachable again" wait_until 10 reachable LAC
DT=$((($(date +%s%N) - T0) / 1000000))
echo "# second time: $DT ms"
# The backoff started over: the tries at 1 s or 3 s after the loss.
check "at the first backoffs again ($DT ms < 5000)" [ "$DT" -lt 5000 ]
check "dbus_reconnects_total 2" [ "$(metric LAC vpdnd_dbus_reconnects_total)" = 2 ]
check "LNS back too" wait_until 10 reachable LNS
ok "Shutdown over the new connection" "$VPDNCTL" -n LNS shutdown
wait_node_exit LNS 10
check "LNS exits 0" [ $? -eq 0 ]

finish
