#!/bin/bash
# SPDX-License-Identifier: MIT
# Who may have which IPv4 address (issue #14, items 1 and 7), in the
# scenario's namespaces with the real modules and etc/'s configs:
#
#  1. remote1 is up (17.17.17.1, given by its username's ip-address).
#  2. An authenticated attacker (mallory@cisco.com, a user without an
#     address; its node dials from remote2's namespace) asks for
#     remote1's address, the LAC's, 255.255.255.255, 127.0.0.1,
#     224.0.0.1, the LNS's own two, and local1's (a host on the LNS's
#     Ethernet):
#     a. with the shipped LNS config (peer-chosen addresses off): the
#        session is closed, nothing routed;
#     b. with ppp-ipcp-accept-peer-address on Virtual-Template1: each one
#        is refused (the log names why) and the session closed; a good
#        address is acked (positive control).
#     remote1's traffic flows all along and after.
#  3. The LAC killed with SIGKILL and restarted at once: remote1 redials,
#     its new session takes 17.17.17.1 from the dead one at once (ping
#     within seconds), and clearing the dead tunnel later does not take
#     the route away.
if [ "$(id -u)" -ne 0 ]; then echo "SKIP: needs root (network namespaces)"; exit 77; fi
[ -c /dev/net/tun ] || { echo "SKIP: no /dev/net/tun"; exit 77; }
command -v dbus-daemon >/dev/null || { echo "SKIP: no dbus-daemon"; exit 77; }

. "$VPDND_SOURCE_ROOT/tests/integration/lib.sh"
. "$VPDND_SOURCE_ROOT/scripts/netns.sh"
export VPDND_MODULE_PATH="$VPDND_BUILD_ROOT/modules/isdn-switch"
export VPDND_ISDN_SOCKET="$T/isdn.sock"
ETC="$VPDND_SOURCE_ROOT/etc"
P=vadr$$

addr_cleanup() {
	trap - EXIT INT TERM
	_lib_cleanup
	scenario_net_down "$P"
}
trap addr_cleanup EXIT
trap 'exit 130' INT TERM

count_log() { grep -c -E -- "$2" "$T/$1.log"; }
bus_of() { local v="BUS_$1"; printf '%s' "${!v}"; }
ctl() { local node=$1 ns=${NS_OF[$1]:-$1}; shift; in_ns "$P" "$ns" "$VPDNCTL" --bus "$(bus_of "$ns")" -n "$node" "$@"; }
vpdn() {
	ctl "$1" --json show vpdn | python3 -c '
import json, sys
d = json.load(sys.stdin)
print(len(d["tunnels"]), len(d["sessions"]),
      ",".join(sorted(s.get("username") or "-" for s in d["sessions"])))'
}
vpdn_is() { [ "$(vpdn "$1" 2>/dev/null)" = "$2" ]; }
tunnel_id() { ctl "$1" --json show vpdn | python3 -c '
import json, sys
print(json.load(sys.stdin)["tunnels"][0]["local_id"])'; }
pings() { # pings NODE ARGS...: at least one reply; requests 0.2 s apart until 3 replies, within 3 s
	in_ns "$P" "$1" ping -c 3 -i 0.2 -w 3 "${@:2}" >"$T/ping.txt" 2>&1
	grep -qE ' [1-9][0-9]* received' "$T/ping.txt"
}
ping1() { in_ns "$P" remote1 ping -c 1 -W 1 -I 17.17.17.1 17.17.17.3 >/dev/null 2>&1; }
# the LNS's kernel route to A: the device ("vi2"), or "" if none via a vi
route_dev() { in_ns "$P" LNS ip -4 route show "$1/32" | awk '/dev vi/ { for (i = 1; i < NF; i++) if ($i == "dev") print $(i + 1) }' | head -n1; }
routed() { [ -n "$(route_dev "$1")" ]; }
unrouted() { [ -z "$(route_dev "$1")" ]; }

declare -A NS_OF=([mallory]=remote2)
start_node_bus() {
	netns_bus "$P" "$1" "$T/bus-$1" || return 1
	NODE_PIDS[bus-$1]=$NETNS_BUS_PID
}
DBG=(-d "isdn events" -d "dialer events" -d "ppp negotiation" -d "ppp authentication"
	-d "vpdn events" -d "vpdn l2x-events" -d "vpdn l2x-errors" -d "ip events")
launch() { # NODE CONF [NS]: vpdnd in a namespace, log appended; $! is vpdnd
	local node=$1 conf=$2 ns=${3:-$1}
	ip netns exec "$P-$ns" "$VPDND" -c "$conf" --bus "$(bus_of "$ns")" "${DBG[@]}" >>"$T/$node.log" 2>&1 &
	NODE_PIDS[$node]=$!
	wait_s 10 ctl "$node" show version
}
stop() { # NODE
	kill -TERM "${NODE_PIDS[$1]}" 2>/dev/null
	wait "${NODE_PIDS[$1]}" 2>/dev/null
	unset "NODE_PIDS[$1]"
}

# --- configs ---------------------------------------------------------------------
for f in isdn-network lac lns remote1; do
	install -m 600 "$ETC/$f.conf" "$T/$f.conf"
done
cat >>"$T/lns.conf" <<'EOF'
username "mallory@cisco.com" { password = "mallorypw" }
EOF
# (b): the permissive LNS: peer-chosen addresses, validated
sed 's/^\(  ppp-chap-hostname = "LNS"\)$/\1\n  ppp-ipcp-accept-peer-address = true/' \
	"$T/lns.conf" >"$T/lns-peer.conf"
# remote1 redials quickly
sed -i 's/^\(  dialer-idle-timeout = 300\)$/\1\n  dialer-enable-timeout = 1/' "$T/remote1.conf"
mallory_conf() { # ADDRESS: a dial-up user that asks for ADDRESS (no ip module)
	cat >"$T/mallory.conf" <<EOF
hostname = "mallory"
modules = {"isdn", "dialer", "ppp"}
isdn { switch-type = "basic-net3"  network = "unix:$VPDND_ISDN_SOCKET" }
controller "BRI 0" { number = {"6166"} }
interface "BRI0" { dialer-pool-member = {1} }
interface "Dialer1" {
  dialer-pool = 1
  dialer-string = "8211"
  dialer-idle-timeout = 0
  ppp-chap-hostname = "mallory@cisco.com"
  ppp-chap-password = "mallorypw"
  ip-address = "$1"
}
EOF
	chmod 600 "$T/mallory.conf"
}
chmod 600 "$T"/*.conf
check "the permissive LNS copy differs" grep -q "ppp-ipcp-accept-peer-address = true" "$T/lns-peer.conf"
mallory_conf 17.17.17.1
for f in isdn-network lac lns lns-peer remote1 mallory; do
	ok "$f.conf passes --check" "$VPDND" -c "$T/$f.conf" --check
done

# --- network and nodes -----------------------------------------------------------
check "namespaces up" scenario_net_up "$P"
for node in LNS LAC remote1 remote2; do
	start_node_bus "$node" || { _fail "dbus-daemon for $node"; finish; }
done
ip netns exec "$P-isdn" "$VPDND" -c "$T/isdn-network.conf" --no-bus >"$T/isdn-network.log" 2>&1 &
NODE_PIDS[isdn-network]=$!
check "ISDN network listens" wait_s 10 test -S "$VPDND_ISDN_SOCKET"
check "LNS starts" launch LNS "$T/lns.conf"
check "LAC starts" launch LAC "$T/lac.conf"
check "remote1 starts" launch remote1 "$T/remote1.conf"
check "LAC's E1 0 registered" wait_s 10 in_log LAC "E1 0: registered"
check "remote1's BRI 0 registered" wait_s 10 in_log remote1 "BRI 0: registered"

# --- 1. the victim -----------------------------------------------------------------
check "remote1 (17.17.17.1) reaches local1" pings remote1 -I 17.17.17.1 17.17.17.3
check "LNS: 17.17.17.1 routed on a Virtual-Access" wait_s 5 routed 17.17.17.1
VICTIM_DEV=$(route_dev 17.17.17.1)
echo "# remote1's route: dev $VICTIM_DEV"

# attack ADDRESS LOGRE: mallory asks for ADDRESS; the LNS logs LOGRE,
# closes mallory's session, and remote1's route and traffic stay.
attack() {
	local a=$1 re=$2 closed
	mallory_conf "$a"
	closed=$(count_log LNS 'PPP: closing: IPCP')
	launch mallory "$T/mallory.conf" remote2 || return 1
	wait_s 10 in_log mallory "BRI 0: registered" || return 1
	ctl mallory dial Dialer1 >/dev/null 2>&1
	wait_s 20 sh -c "[ \$(grep -cE 'PPP: closing: IPCP' '$T/LNS.log') -gt $closed ]"
	local rc=$?
	stop mallory
	[ $rc -eq 0 ] && in_log LNS "$re"
}
victim_ok() {
	[ "$(route_dev 17.17.17.1)" = "$VICTIM_DEV" ] && pings remote1 -I 17.17.17.1 17.17.17.3
}

# ADDR_ONLY_RECONNECT=1: section 3 alone (to run it against older code).
if [ -z "${ADDR_ONLY_RECONNECT:-}" ]; then
# 2a. the shipped config: a user without an address gets none
check "shipped LNS: mallory asking 17.17.17.1 is closed (no address allowed)" \
	attack 17.17.17.1 "IPCP: no address allowed for the peer \(the peer asked 17.17.17.1: authorization gave none"
check "LAC: the LNS's CDN says why" wait_s 5 in_log LAC "I CDN .*no IP address allowed for the user"
check "the victim's route and traffic are unaffected" victim_ok

# 2b. the permissive config: each bad address refused by a check
stop LNS
lac_no_session() { [ "$(vpdn LAC | cut -d' ' -f2)" = 0 ]; }
check "LAC: the LNS left, no session" wait_s 15 lac_no_session
# (if it cannot start, the shipped config again, so that 3. still runs)
check "LNS restarts with ppp-ipcp-accept-peer-address" launch LNS "$T/lns-peer.conf" ||
	launch LNS "$T/lns.conf"
check "remote1 back up" wait_s 30 pings remote1 -I 17.17.17.1 17.17.17.3
VICTIM_DEV=$(route_dev 17.17.17.1)
check "remote1's route on $VICTIM_DEV" test -n "$VICTIM_DEV"
LNS_LINES0=$(count_log LNS 'IPCP: address .* refused for mallory@cisco.com')
for spec in \
	"17.17.17.1|in use by another session \(Vi[0-9]+\)" \
	"18.18.18.1|a tunnel endpoint" \
	"255.255.255.255|a broadcast address" \
	"127.0.0.1|a loopback address" \
	"224.0.0.1|a multicast address" \
	"18.18.18.2|our own address" \
	"10.200.20.24|one of our addresses" \
	"10.200.20.32|routed to a connected network"; do
	a=${spec%%|*}
	why=${spec#*|}
	check "mallory asking $a: refused ($why), session closed" \
		attack "$a" "IPCP: address ${a//./\\.} refused for mallory@cisco.com: $why"
	if [ "$a" = 17.17.17.1 ]; then
		check "  and 17.17.17.1 still routed to remote1 ($VICTIM_DEV)" \
			[ "$(route_dev 17.17.17.1)" = "$VICTIM_DEV" ]
	else
		check "  and no route to $a on a Virtual-Access" test -z "$(route_dev "$a")"
	fi
done
check "the refusals were counted" [ "$(count_log LNS 'IPCP: address .* refused for mallory@cisco.com')" -ge $((LNS_LINES0 + 8)) ]
check "the victim's route and traffic are unaffected" victim_ok
check "LNS: remote1's session only" wait_s 10 vpdn_is LNS "1 1 remote1@cisco.com"
# positive control: an address nobody has is acked
mallory_conf 17.17.17.77
launch mallory "$T/mallory.conf" remote2
wait_s 10 in_log mallory "BRI 0: registered"
ctl mallory dial Dialer1 >/dev/null 2>&1
check "mallory asking a free 17.17.17.77: acked, routed" wait_s 20 routed 17.17.17.77
check "LNS: both sessions" wait_s 5 vpdn_is LNS "1 2 mallory@cisco.com,remote1@cisco.com"
stop mallory
check "mallory's route goes with it" wait_s 15 unrouted 17.17.17.77
check "the victim still flows" victim_ok
fi

# --- 3. the LAC killed, the user reconnects at once (item 7) ------------------------
STALE=$(tunnel_id LNS)
check "the LNS's tunnel is $STALE" test -n "$STALE"
kill -KILL "${NODE_PIDS[LAC]}"
wait "${NODE_PIDS[LAC]}" 2>/dev/null
unset "NODE_PIDS[LAC]"
check "LAC restarts at once" launch LAC "$T/lac.conf"
t0=$SECONDS
check "LNS still holds the dead session (default timers)" vpdn_is LNS "1 1 remote1@cisco.com"
check "remote1 redials and its traffic flows within 20 s" wait_s 20 ping1
echo "# traffic again $((SECONDS - t0)) s after the LAC restarted"
check "LNS: the new session took 17.17.17.1 from the dead one" \
	wait_s 5 in_log LNS "IP: 17\.17\.17\.1 taken over by a newer session of its owner on Vi[0-9]+"
check "LNS: the route is on the new session's device, not the dead one's ($VICTIM_DEV)" \
	sh -c "[ -n '$(route_dev 17.17.17.1)' ] && [ '$(route_dev 17.17.17.1)' != '$VICTIM_DEV' ]"
check "LNS: no route refused" ! in_log LNS "Failed to install route to 17\.17\.17\.1"
NEWDEV=$(route_dev 17.17.17.1)
# the dead tunnel cleared later (as its HELLO timeout would): the route stays
ok "clear the dead tunnel $STALE on the LNS" ctl LNS clear vpdn tunnel l2tp "$STALE"
sleep 2
check "after the dead tunnel is cleared the route stays ($NEWDEV)" [ "$(route_dev 17.17.17.1)" = "$NEWDEV" ]
check "and remote1's traffic still flows" pings remote1 -I 17.17.17.1 17.17.17.3

check "no secret in any log" sh -c "! grep -qE 'mallorypw|l2tptunnel' '$T'/*.log"
for node in remote1 LAC LNS; do
	check "$node still runs" kill -0 "${NODE_PIDS[$node]}"
done
finish
