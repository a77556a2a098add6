#!/bin/bash
# SPDX-License-Identifier: MIT
# Operating commands against the reference scenario's running nodes (in
# network namespaces, as tests/scenario/test-scenario.sh): after dial-in and
# dial-out, on the LNS `show interfaces virtual-access N` (IOS-like, JSON),
# `show users` (text, JSON; the LAC's forwarded user too), the IP
# interface objects (org.vpdnd.Interface1); `monitor` receives the log
# lines while a debug category is on (text and --json) and the node stops
# sending them once the monitor left. The failure history (show vpdn
# history failure) of the sessions ended on the way, with IPCP's addresses.
if [ "$(id -u)" -ne 0 ]; then echo "SKIP: needs root (network namespaces)"; exit 77; fi
[ -c /dev/net/tun ] || { echo "SKIP: no /dev/net/tun"; exit 77; }
command -v dbus-daemon >/dev/null || { echo "SKIP: no dbus-daemon"; exit 77; }

. "$VPDND_SOURCE_ROOT/tests/integration/lib.sh"
. "$VPDND_SOURCE_ROOT/scripts/netns.sh"
export VPDND_MODULE_PATH="$VPDND_BUILD_ROOT/modules/isdn-switch"
export VPDND_ISDN_SOCKET="$T/isdn.sock"
ETC="$VPDND_SOURCE_ROOT/etc"
P=vop2$$

ops_cleanup() {
	trap - EXIT INT TERM
	[ -n "${MON_PID:-}" ] && kill "$MON_PID" 2>/dev/null
	_lib_cleanup
	scenario_net_down "$P"
}
trap ops_cleanup EXIT
trap 'exit 130' INT TERM

bus_of() { local v="BUS_$1"; printf '%s' "${!v}"; }
ctl() { local node=$1; shift; in_ns "$P" "$node" "$VPDNCTL" --bus "$(bus_of "$node")" -n "$node" "$@"; }
pings() { # pings NODE ARGS...: at least one reply; requests 0.2 s apart until 5 replies (the counters below want 5), within 6 s
	in_ns "$P" "$1" ping -c 5 -i 0.2 -w 6 "${@:2}" >"$T/ping.txt" 2>&1
	grep -qE ' [1-9][0-9]* received' "$T/ping.txt"
}
start_node_bus() {
	netns_bus "$P" "$1" "$T/bus-$1" || return 1
	NODE_PIDS[bus-$1]=$NETNS_BUS_PID
}
DBG=(-d "isdn events" -d "dialer events" -d "ppp negotiation" -d "vpdn events" -d "ip events")
launch() {
	local node=$1 conf=$2
	ip netns exec "$P-$node" "$VPDND" -c "$conf" --bus "$(bus_of "$node")" "${DBG[@]}" >>"$T/$node.log" 2>&1 &
	NODE_PIDS[$node]=$!
	wait_s 10 ctl "$node" show version
}

for f in isdn-network lac lns remote1 remote2; do
	install -m 600 "$ETC/$f.conf" "$T/$f.conf"
done
# remote1: an extra idle profile, Dialer8, that the reload removes.
cat >>"$T/remote1.conf" <<'EOF'
interface "Dialer8" {
  dialer-pool = 1
  dialer-string = "8288"
}
EOF

check "namespaces up" scenario_net_up "$P"
for node in LNS LAC remote1 remote2; do
	start_node_bus "$node" || { _fail "dbus-daemon for $node"; finish; }
done
ip netns exec "$P-isdn" "$VPDND" -c "$T/isdn-network.conf" --no-bus >"$T/isdn-network.log" 2>&1 &
NODE_PIDS[isdn-network]=$!
check "ISDN network listens" wait_s 10 test -S "$VPDND_ISDN_SOCKET"
for node in LNS LAC remote1 remote2; do
	conf=$(echo "$node" | tr A-Z a-z)
	check "$node starts" launch "$node" "$T/$conf.conf" || true
done
check "LAC's E1 0 registered" wait_s 10 in_log LAC "E1 0: registered"
check "remote1's BRI 0 registered" wait_s 10 in_log remote1 "BRI 0: registered"
check "remote2's BRI 0 registered" wait_s 10 in_log remote2 "BRI 0: registered"

# --- interfaces and users before any call -------------------------------------
run ctl LNS show interfaces
contains "LNS: Loopback0 listed with its address" "$OUT" "Loopback0 is up"
contains "LNS: Dialer2 idle (spoofing)" "$OUT" "Dialer2 is up (spoofing)"
run ctl LNS show users
check "LNS: show users works with nobody logged in" [ "$RC" -eq 0 ]
lacks "LNS: nobody logged in yet" "$OUT" "cisco.com"
run ctl LNS show interfaces virtual-access 2
check "show interfaces virtual-access 2 before the call fails (exit 1)" [ "$RC" -eq 1 ]
run ctl LNS show interfaces virtual-access two
check "virtual-access wants a number (exit 2)" [ "$RC" -eq 2 ]

# --- dial-in and dial-out ----------------------------------------------------------
check "dial-in: remote1 pings local1" pings remote1 -I 17.17.17.1 17.17.17.3
check "dial-out: local1 pings remote2" pings local1 17.17.17.2
va_of() { # the Vi carrying USER on the LNS, from show vpdn --json
	ctl LNS --json show vpdn | python3 -c '
import json, sys
for s in json.load(sys.stdin)["sessions"]:
    if (s.get("username") or "") == sys.argv[1]: print(s["interface"]); break' "$1"
}
VA=$(va_of remote1@cisco.com)
N=${VA#Vi}
check "LNS: remote1 is on a Virtual-Access ($VA)" [ -n "$N" ] && [ "$N" != "$VA" ]

run ctl LNS show interfaces virtual-access "$N"
check "show interfaces virtual-access $N: exit 0" [ "$RC" -eq 0 ]
contains "...is up, line protocol is up" "$OUT" "Virtual-Access$N is up, line protocol is up"
contains "...Hardware is Virtual Access interface" "$OUT" "Hardware is Virtual Access interface"
contains "...unnumbered, using Loopback0's address" "$OUT" "Interface is unnumbered. Using address of Loopback0 (18.18.18.2)"
contains "...MTU 1500 bytes" "$OUT" "MTU 1500 bytes"
contains "...bound to its L2TP session" "$OUT" "Bound to Tnl/Cl "
contains "...peer 17.17.17.1" "$OUT" "Peer address is 17.17.17.1"
contains "...user remote1@cisco.com" "$OUT" "User remote1@cisco.com"
pin=$(printf '%s\n' "$OUT" | sed -n 's/^ *\([0-9]*\) packets input.*/\1/p')
check "...packets input counted (the pings: $pin)" [ "${pin:-0}" -ge 1 ]

run ctl LNS --json show interfaces virtual-access "$N"
check "--json show interfaces virtual-access $N: one object with the session" python3 -c '
import json, sys
d = json.loads(sys.argv[1]); i = d[0]
assert len(d) == 1, d
assert i["name"] == sys.argv[2] and i["kind"] == "virtual-access" and i["state"] == "up", i
assert i["user"] == "remote1@cisco.com" and i["peeraddress"] == "17.17.17.1", i
assert i["localaddress"] == "18.18.18.2" and i["unnumbered"] == "Loopback0", i
assert i["packets_in"] >= 1 and i["bytes_in"] >= 84 and i["tunnel_id"] > 0, i
' "$OUT" "$VA"

busctl --address="$(bus_of LNS)" get-property org.vpdnd.Node.LNS /org/vpdnd/interface/Dialer2 \
	org.vpdnd.Interface1 State >"$T/d2.txt" 2>&1
check "Dialer2's object is up (dial-out)" grep -q '"up"' "$T/d2.txt"

run ctl LNS show users
contains "LNS show users: remote1 with its peer address" "$OUT" "remote1@cisco.com"
contains "LNS show users: 17.17.17.1" "$OUT" "17.17.17.1"
contains "LNS show users: over L2TP" "$OUT" "PPP (L2TP "
contains "LNS show users: header" "$OUT" "Peer Address"
run ctl LNS --json show users
check "LNS --json show users: remote1 on $VA" python3 -c '
import json, sys
d = json.loads(sys.argv[1])
u = [x for x in d if x["user"] == "remote1@cisco.com"]
assert u and u[0]["interface"] == sys.argv[2] and u[0]["peer_address"] == "17.17.17.1", d
' "$OUT" "$VA"
run ctl LAC show users
contains "LAC show users: the forwarded user" "$OUT" "remote1@cisco.com"
contains "LAC show users: VPDN mode" "$OUT" "VPDN (L2TP "

# --- introspection of every interface vs dbus/<interface>.xml ----------------------
# (node, object, interface); OPS2_WRITE_XML=1 regenerates the files instead.
intro() { # NODE PATH IFACE
	local f="$T/intro-$3.busctl" x="$VPDND_SOURCE_ROOT/dbus/$3.xml"
	busctl --address="$(bus_of "$1")" call "org.vpdnd.Node.$1" "$2" \
		org.freedesktop.DBus.Introspectable Introspect >"$f" || return 1
	if [ -n "${OPS2_WRITE_XML:-}" ]; then
		python3 "$VPDND_SOURCE_ROOT/tests/integration/introspect-compare.py" "$x" "$f" --write "$3"
	fi
	python3 "$VPDND_SOURCE_ROOT/tests/integration/introspect-compare.py" "$x" "$f"
}
TID=$(ctl LNS --json show vpdn | python3 -c 'import json,sys; print(json.load(sys.stdin)["tunnels"][0]["local_id"])')
# Sessions are found by path, not enumerated (L2tp1.ListSessions lists them).
SPATH=$(ctl LNS --json show vpdn | python3 -c 'import json,sys; s=json.load(sys.stdin)["sessions"][0]; print("/org/vpdnd/session/%d_%d" % (s["tunnel_id"], s["local_id"]))')
for spec in "LNS /org/vpdnd/node org.vpdnd.Node1" \
	"LNS /org/vpdnd/module/l2tp org.vpdnd.Module1" \
	"LNS /org/vpdnd/module/l2tp org.vpdnd.L2tp1" \
	"LNS /org/vpdnd/tunnel/$TID org.vpdnd.Tunnel1" \
	"LNS $SPATH org.vpdnd.Session1" \
	"LNS /org/vpdnd/interface/$VA org.vpdnd.Interface1" \
	"LNS /org/vpdnd/interface/Loopback0 org.vpdnd.Interface1" \
	"LNS /org/vpdnd/module/ip org.vpdnd.Ip1" \
	"LNS /org/vpdnd/module/dialer org.vpdnd.Dialer1" \
	"LAC /org/vpdnd/module/isdn org.vpdnd.Isdn1" \
	"LAC /org/vpdnd/isdn/E1_0 org.vpdnd.IsdnPort1" \
	"LNS /org/vpdnd/ppp/$VA org.vpdnd.PppSession1" \
	"LNS /org/vpdnd/module/ppp org.vpdnd.Ppp1"; do
	set -- $spec
	check "introspection of $3 at $2 matches dbus/$3.xml" intro "$@"
done

# --- show vpdn session ID: the LNS's PPP against what remote1 negotiated -------------
# remote1 runs the other end of the LCP and IPCP the LNS took over (proxy
# LCP from the LAC): its own PppSession1 object says what it asked for
# and what it acked, which is the LNS's "peer" and "local" side.
LSID=$(ctl LNS --json show vpdn | python3 -c '
import json, sys
for s in json.load(sys.stdin)["sessions"]:
    if s["username"] == "remote1@cisco.com": print(s["local_id"]); break')
ok "LNS show vpdn session $LSID --json (remote1)" ctl LNS --json show vpdn session "$LSID"
printf '%s\n' "$OUT" >"$T/sess.json"
R1IF=$(grep -o '[^ ]* PPP: Phase is UP' "$T/remote1.log" | tail -1 | cut -d' ' -f1)
R1PATH=/org/vpdnd/ppp/$(python3 -c 'import sys; print("".join(c if c.isalnum() else "_%02x" % ord(c) for c in sys.argv[1]))' "$R1IF")
busctl --address="$(bus_of remote1)" --json=short call org.vpdnd.Node.remote1 "$R1PATH" \
	org.freedesktop.DBus.Properties GetAll s org.vpdnd.PppSession1 >"$T/r1ppp.json" 2>&1
check "remote1's PPP engine ($R1IF) has its PppSession1 object" python3 -m json.tool "$T/r1ppp.json"
check "the LNS shows what was negotiated: LCP both ways, IPCP addresses, as remote1 sees it" \
	python3 - "$T/sess.json" "$T/r1ppp.json" "$VA" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))["sessions"]
assert len(d) == 1, d
s = d[0]
p = s["ppp"]
r1 = {k: v["data"] for k, v in json.load(open(sys.argv[2]))["data"][0].items()}
assert s["interface"] == sys.argv[3] and s["username"] == "remote1@cisco.com", s
assert s["type"] == "lns-ic" and s["state"] == "est" and s["setup_timer_ms"] == 0, s
assert s["tunnel"]["remote_name"] == "LAC" and s["tunnel"]["hello_interval"] == 60, s["tunnel"]
assert s["packets_in"] >= 5 and s["packets_out"] >= 5, s       # the pings
assert p is not None, s
assert p["role"] == "server" and p["phase"] == "UP" and p["user"] == "remote1@cisco.com", p
assert p["lcp_state"] == "Opened" and p["ipcp_state"] == "Opened", p
# IPCP: unnumbered Loopback0 here, 17.17.17.1 for remote1 (its view reversed)
assert p["local_address"] == "18.18.18.2" and p["peer_address"] == "17.17.17.1", p
assert r1["LocalAddress"] == "17.17.17.1" and r1["PeerAddress"] == "18.18.18.2", r1
# LCP: remote1's own magic is the LNS's peer's; both not zero
assert p["lcp_peer"]["magic"] == r1["LocalMagic"] != 0, (p, r1)
assert p["lcp_local"]["magic"] == r1["PeerMagic"] != 0, (p, r1)
assert p["lcp_local"]["magic"] != p["lcp_peer"]["magic"], p
assert p["lcp_peer"]["mru"] == r1["LocalMru"] == 1500, (p, r1)
assert p["lcp_local"]["mru"] == r1["PeerMru"] == 1500, (p, r1)
# CHAP: the LNS (Virtual-Template1) asks for it, remote1 is asked
assert p["lcp_local"]["auth"] == "chap" and r1["PeerAuth"] == "chap", (p, r1)
assert p["lcp_peer"]["auth"] == "none", p
PY
ok "LNS show vpdn session $LSID (text)" ctl LNS show vpdn session "$LSID"
printf '%s\n' "$OUT" | sed 's/^/#   /'
contains "text: PPP on the Virtual-Access" "$OUT" "PPP $VA: phase UP, role server, user remote1@cisco.com"
contains "text: LCP open" "$OUT" "LCP Opened"
contains "text: IPCP addresses" "$OUT" "Local address 18.18.18.2, peer address 17.17.17.1"
R1MAGIC=$(python3 -c 'import json,sys; print("0x%08x" % json.load(open(sys.argv[1]))["data"][0]["LocalMagic"]["data"])' "$T/r1ppp.json")
contains "text: the peer's magic is remote1's ($R1MAGIC)" "$OUT" "Peer:  MRU 1500, ACCM"
contains "text: remote1's magic number" "$OUT" "magic $R1MAGIC"
run ctl LNS show vpdn session 65535
check "LNS show vpdn session 65535: exit 1" [ "$RC" -eq 1 ]
contains "...with the node's reason" "$ERR" "No session 65535"
for bad in nosuch Vi1_zz "$VA/extra" "_2f$VA"; do
	run busctl --address="$(bus_of LNS)" get-property org.vpdnd.Node.LNS "/org/vpdnd/ppp/$bad" \
		org.vpdnd.PppSession1 Phase
	check "no PPP object at /org/vpdnd/ppp/$bad" [ "$RC" -ne 0 ]
	contains "...unknown object" "$ERR" "nknown object"
done
run busctl --address="$(bus_of LNS)" get-property org.vpdnd.Node.LNS "/org/vpdnd/ppp/$VA" \
	org.vpdnd.PppSession1 PeerAddress
contains "the PPP object of $VA still answers" "$OUT" '"17.17.17.1"'

# --- reload of dialer and ip settings while the call is up ---------------------------
dialer_json() { ctl remote1 --json show dialer; }
run dialer_json
check "remote1 before the reload: Dialer1 connected, Dialer8 idle" python3 -c '
import json, sys
d = {x["name"]: x for x in json.loads(sys.argv[1])}
assert d["Dialer1"]["state"] == "connected" and d["Dialer8"]["state"] == "idle", d
assert "Dialer9" not in d, d' "$OUT"
sed -i -e 's/^  dialer-idle-timeout = 300$/  dialer-idle-timeout = 250/' \
	-e '/^interface "Dialer8" {$/,/^}$/d' \
	-e 's|^ip-route "10.200.20.0/24" { interface = "Dialer1" }$|ip-route "17.17.17.9/32" { interface = "Dialer1" }|' \
	"$T/remote1.conf"
cat >>"$T/remote1.conf" <<'EOF'
interface "Dialer9" {
  dialer-pool = 1
  dialer-string = "8299"
  dialer-idle-timeout = 77
}
EOF
check "the edited remote1 config passes --check" "$VPDND" -c "$T/remote1.conf" --check
ok "reload remote1 (Dialer1 idle-timeout 250, Dialer8 removed, Dialer9 added, routes)" ctl remote1 reload
check "remote1 logged the dialer reload" wait_s 5 in_log remote1 "dialer: reloaded: 1 profiles updated, 1 added, 1 removed"
run dialer_json
check "after the reload: Dialer1 still connected, Dialer8 gone, Dialer9 idle with its number" python3 -c '
import json, sys
d = {x["name"]: x for x in json.loads(sys.argv[1])}
assert d["Dialer1"]["state"] == "connected", d
assert "Dialer8" not in d, d
assert d["Dialer9"]["state"] == "idle" and d["Dialer9"]["number"] == "8299", d' "$OUT"
idle_left() { ctl remote1 --json show dialer | python3 -c '
import json, sys
print([x for x in json.load(sys.stdin) if x["name"] == "Dialer1"][0]["idle_left"])'; }
left=$(idle_left)
check "Dialer1's new idle timeout applies (idle left $left <= 250)" [ "${left:-999}" -le 250 ]
check "the call stayed up: remote1 still reaches local1" pings remote1 -I 17.17.17.1 17.17.17.3
run in_ns "$P" remote1 ip -4 route show 17.17.17.9/32
contains "ip reload: the new static route is on dialer1" "$OUT" "dev dialer1"
run in_ns "$P" remote1 ip -4 route show 10.200.20.0/24
lacks "ip reload: the removed static route is gone" "$OUT" "dialer1"
run ctl LAC show users
contains "LAC still forwards remote1 after its reload" "$OUT" "remote1@cisco.com"

# --- monitor -----------------------------------------------------------------------
# Not through ctl (a function): a function run with & is a subshell, and
# $! would be the subshell's pid, not vpdnctl's (ip netns exec execs).
ip netns exec "$P-LNS" "$VPDNCTL" --bus "$(bus_of LNS)" -n LNS monitor --seconds 20 >"$T/mon.txt" 2>"$T/mon.err" &
MON_PID=$!
monitors() { busctl --address="$(bus_of LNS)" get-property org.vpdnd.Node.LNS /org/vpdnd/node org.vpdnd.Node1 Monitors; }
check "the node counts one monitor" wait_s 10 sh -c "busctl --address='$(bus_of LNS)' get-property org.vpdnd.Node.LNS /org/vpdnd/node org.vpdnd.Node1 Monitors | grep -qx 'u 1'"
ok "debug vpdn l2x-events on the LNS" ctl LNS debug vpdn l2x-events
check "monitor prints the debug switch" wait_s 10 grep -q "Debugging vpdn l2x-events on" "$T/mon.txt"
ip netns exec "$P-LNS" "$VPDNCTL" --bus "$(bus_of LNS)" -n LNS --json monitor --seconds 20 >"$T/monj.txt" 2>"$T/monj.err" &
MONJ_PID=$!
check "two monitors" wait_s 10 sh -c "busctl --address='$(bus_of LNS)' get-property org.vpdnd.Node.LNS /org/vpdnd/node org.vpdnd.Node1 Monitors | grep -qx 'u 2'"
# An L2TP event while the category is on: clear the dial-out session
# (no username on the LNS), then dial out again.
SID=$(ctl LNS --json show vpdn | python3 -c '
import json, sys
for s in json.load(sys.stdin)["sessions"]:
    if not s.get("username"): print(s["local_id"]); break')
ok "LNS show vpdn session $SID (the dial-out)" ctl LNS --json show vpdn session "$SID"
check "the dial-out session: lns-oc to 6121, PPP with remote2 (17.17.17.2), CHAP asked by remote2 (callin)" python3 -c '
import json, sys
s = json.loads(sys.argv[1])["sessions"][0]
p = s["ppp"]
assert s["type"] == "lns-oc" and s["called"] == "6121" and s["state"] == "est", s
assert p["phase"] == "UP" and p["lcp_state"] == "Opened" and p["ipcp_state"] == "Opened", p
assert p["peer_address"] == "17.17.17.2" and p["local_address"] == "18.18.18.2", p
assert p["lcp_local"]["auth"] == "none" and p["lcp_peer"]["auth"] == "chap", p
assert p["lcp_local"]["magic"] != 0 and p["lcp_peer"]["magic"] != 0, p
' "$OUT"
ok "clear the dial-out session ($SID)" ctl LNS clear vpdn session "$SID"
check "L2TP debug lines reach the monitor" wait_s 15 grep -q "L2TP: " "$T/mon.txt"
check "--json monitor: objects with level, category, line" wait_s 15 python3 -c '
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
assert any(r["category"] == "vpdn l2x-events" and "L2TP" in r["line"] and r["level"] == "debug" for r in rows), rows
' "$T/monj.txt"
check "Dialer2's object went down with its call" wait_s 15 sh -c "busctl --address='$(bus_of LNS)' get-property org.vpdnd.Node.LNS /org/vpdnd/interface/Dialer2 org.vpdnd.Interface1 State | grep -q '\"down\"'"
check "dial-out again: local1 pings remote2" pings local1 17.17.17.2
ok "undebug all" ctl LNS undebug all
kill -INT "$MON_PID"
wait "$MON_PID"
check "monitor exits 0 on Ctrl-C" [ $? -eq 0 ]
MON_PID=""
kill -INT "$MONJ_PID"
wait "$MONJ_PID"
check "json monitor exits 0 on Ctrl-C" [ $? -eq 0 ]
check "no monitor left: the node stops sending" wait_s 10 sh -c "busctl --address='$(bus_of LNS)' get-property org.vpdnd.Node.LNS /org/vpdnd/node org.vpdnd.Node1 Monitors | grep -qx 'u 0'"
check "no secret in the monitor's output" sh -c "! grep -qE 'l2tptunnel|secret' '$T/mon.txt' '$T/monj.txt'"

# --- hang up an ISDN call; PropertiesChanged of ports and dialers -----------------
R1BUS=$(bus_of remote1)
ip netns exec "$P-remote1" timeout 20 busctl --address="$R1BUS" monitor \
	--match="type='signal',interface='org.freedesktop.DBus.Properties',member='PropertiesChanged'" \
	>"$T/r1-signals.txt" 2>&1 &
SIGMON=$!
sleep 1
CALLID=$(busctl --address="$R1BUS" get-property org.vpdnd.Node.remote1 /org/vpdnd/isdn/BRI_0 \
	org.vpdnd.IsdnPort1 Calls | grep -oE '"0x[0-9A-Fa-f]+"' | head -n1 | tr -d '"')
check "remote1 has a call on BRI 0 ($CALLID)" [ -n "$CALLID" ]
run ctl remote1 clear isdn call 0x7777
check "clear isdn call of an unknown call: exit 1" [ "$RC" -eq 1 ]
contains "...with a readable error" "$ERR" "No call 0x7777"
ok "clear isdn call $CALLID on remote1" ctl remote1 clear isdn call "$CALLID"
check "remote1: Dialer1 idle after the hang-up" wait_s 15 sh -c "'$VPDNCTL' --bus '$R1BUS' -n remote1 show dialer | grep -E '^Dialer1 ' | grep -q ' idle '"
check "remote1 logged the hang-up" in_log remote1 "call $CALLID hung up over D-Bus"
check "LAC: the forwarded user is gone" wait_s 15 sh -c "! '$VPDNCTL' --bus '$(bus_of LAC)' -n LAC show users | grep -q remote1@cisco.com"
kill "$SIGMON" 2>/dev/null; wait "$SIGMON" 2>/dev/null
check "PropertiesChanged for remote1's BRI 0 port" grep -q "Path=/org/vpdnd/isdn/BRI_0" "$T/r1-signals.txt"
check "PropertiesChanged for remote1's dialers" grep -q "Path=/org/vpdnd/module/dialer" "$T/r1-signals.txt"

# --- the failure history of the sessions ended above (real PPP and IPCP) ---------
hist_user() { # NODE USER: the node's newest history entry for USER, as JSON
	ctl "$1" --json show vpdn history failure | python3 -c '
import json, sys
e = [x for x in json.load(sys.stdin)["entries"] if x["user"] == sys.argv[1]]
assert e
print(json.dumps(e[0]))' "$2"
}
check "LNS history: remote1's session" wait_s 15 hist_user LNS remote1@cisco.com
check "... ended by the LAC, with the addresses IPCP gave" python3 -c '
import json, sys
e = json.loads(sys.argv[1])
assert e["ended_by"] == "peer" and e["remote_address"] == "17.17.17.1", e
assert e["local_address"] == "18.18.18.2" and e["interface"].startswith("Vi"), e
assert e["peer_name"] == "LAC" and e["duration"] > 0, e' "$(hist_user LNS remote1@cisco.com)"
check "LAC history: remote1's call ended by the LAC itself" python3 -c '
import json, sys
e = json.loads(sys.argv[1])
assert e["ended_by"] == "local" and e["peer_name"] == "LNS", e' "$(hist_user LAC remote1@cisco.com)"
ok "LNS: show vpdn history failure" ctl LNS show vpdn history failure
contains "the cleared dial-out session, ended by the LNS" "$OUT" "Failure type: l2tp-admin"

for node in remote1 remote2 LAC LNS; do
	check "$node still runs" kill -0 "${NODE_PIDS[$node]}"
done
finish
