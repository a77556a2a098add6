#!/bin/bash
# SPDX-License-Identifier: MIT
# The reference scenario (docs/SCENARIO.md) end to end, with the real
# modules and etc/'s configs, in network namespaces (scripts/netns.sh):
#
#  1. dial-in: remote1 pings local1; remote1 dials 8211, the LAC forwards
#     remote1@cisco.com to the LNS, replies arrive.
#  2. dial-out: local1 pings remote2; the LNS dials 6121 through the LAC
#     over the same tunnel, remote2 answers, replies arrive; both nodes'
#     `vpdnctl --json show vpdn`: one tunnel, two sessions.
#  3. a wrong CHAP secret (remote1's extra profile Dialer2): refused by the
#     LNS, CDN to the LAC, the ISDN call cleared with a cause; the tunnel
#     and the other sessions stay.
#  4. the LNS killed with SIGKILL: the LAC declares the peer dead within
#     its (shortened) retransmit budget, clears the sessions and the ISDN
#     calls; the LNS restarts and a new dial-in works.
#  5. a wrong tunnel password on the LAC: the tunnel is refused (StopCCN
#     result 4) and the ISDN call is cleared.
#  6. every B channel of the LAC's rotary group busy (a PRI with one
#     timeslot, taken by remote1's dial-in): the LNS's dial-out is answered
#     with CDN result 4 (temporary lack of facilities); the dial-in stays.
#
# The test's copies of the configs differ from etc/ only where it says so:
# the ISDN network's socket (VPDND_ISDN_SOCKET), short L2TP timers, short
# dialer enable-timeouts, remote1's Dialer2 and (5) the LAC's password.
if [ "$(id -u)" -ne 0 ]; then echo "SKIP: needs root (network namespaces)"; exit 77; fi
[ -c /dev/net/tun ] || { echo "SKIP: no /dev/net/tun"; exit 77; }
command -v dbus-daemon >/dev/null || { echo "SKIP: no dbus-daemon"; exit 77; }

. "$VPDND_SOURCE_ROOT/tests/integration/lib.sh"
. "$VPDND_SOURCE_ROOT/scripts/netns.sh"
export VPDND_MODULE_PATH="$VPDND_BUILD_ROOT/modules/isdn-switch"
export VPDND_ISDN_SOCKET="$T/isdn.sock"
ETC="$VPDND_SOURCE_ROOT/etc"
P=vscn$$

scenario_cleanup() {
	trap - EXIT INT TERM
	_lib_cleanup
	scenario_net_down "$P"
}
trap scenario_cleanup EXIT
trap 'exit 130' INT TERM

count_log() { grep -c -E -- "$2" "$T/$1.log"; }
bus_of() { local v="BUS_$1"; printf '%s' "${!v}"; }
ctl() { local node=$1; shift; in_ns "$P" "$node" "$VPDNCTL" --bus "$(bus_of "$node")" -n "$node" "$@"; }
# vpdn NODE: "tunnels sessions user,user" from vpdnctl --json show vpdn
vpdn() {
	ctl "$1" --json show vpdn | python3 -c '
import json, sys
d = json.load(sys.stdin)
print(len(d["tunnels"]), len(d["sessions"]),
      ",".join(sorted(s.get("username") or "-" for s in d["sessions"])))'
}
# intfs NODE: the sessions' interfaces, sorted ("Vi1,Vi2")
intfs() {
	ctl "$1" --json show vpdn | python3 -c '
import json, sys
print(",".join(sorted(s.get("interface") or "-" for s in json.load(sys.stdin)["sessions"])))'
}
no_call() { ctl "$1" show dialer >"$T/dialer.txt" 2>&1 && ! grep -q connected "$T/dialer.txt"; }
vpdn_is() { [ "$(vpdn "$1" 2>/dev/null)" = "$2" ]; }
pings() { # pings NODE ARGS...: a reply within 6 s (one request a second), at once if there is one
	in_ns "$P" "$1" ping -c 1 -w 6 "${@:2}" >"$T/ping.txt" 2>&1
	grep -qE ' [1-9][0-9]* received' "$T/ping.txt"
}
no_reply() { # no_reply NODE ARGS...: not one reply out of 5 (the whole 6 s)
	in_ns "$P" "$1" ping -c 5 -W 2 "${@:2}" >"$T/ping.txt" 2>&1
	! grep -qE ' [1-9][0-9]* received' "$T/ping.txt"
}

start_node_bus() { # NODE: a private dbus-daemon in the node's namespace
	netns_bus "$P" "$1" "$T/bus-$1" || return 1
	NODE_PIDS[bus-$1]=$NETNS_BUS_PID
}

DBG=(-d "isdn events" -d "dialer events" -d "ppp negotiation" -d "ppp authentication"
	-d "vpdn events" -d "vpdn l2x-events" -d "vpdn l2x-errors" -d "vtemplate" -d "ip events")
launch() { # NODE CONF: vpdnd in the node's namespace on its bus, log appended
	local node=$1 conf=$2
	# ip netns exec execs vpdnd: $! is vpdnd itself (a function in the
	# background would be a subshell).
	ip netns exec "$P-$node" "$VPDND" -c "$conf" --bus "$(bus_of "$node")" "${DBG[@]}" >>"$T/$node.log" 2>&1 &
	NODE_PIDS[$node]=$!
	wait_s 10 ctl "$node" show version
}

# --- the test's copies of etc/ -----------------------------------------------
for f in isdn-network lac lns remote1 remote2; do
	install -m 600 "$ETC/$f.conf" "$T/$f.conf"
done
# Short L2TP timers: HELLO every 2 s, retransmissions 1 s, 2 retries (the
# peer is dead about 5 s after it stopped answering, not 31 s).
for f in lac lns; do
	sed -i 's/^\(  source-ip = .*\)$/\1\n  hello = 2\n  retransmit-retries = 2\n  retransmit-timeout-min = 1\n  retransmit-timeout-max = 1/' "$T/$f.conf"
done
# remote1: redial quickly after a failed call; a second profile with a
# wrong CHAP secret.
sed -i 's/^\(  dialer-idle-timeout = 300\)$/\1\n  dialer-enable-timeout = 1/' "$T/remote1.conf"
cat >>"$T/remote1.conf" <<'EOF'
interface "Dialer2" {
  ip-unnumbered = "Loopback0"
  dialer-pool = 1
  dialer-string = "8211"
  dialer-enable-timeout = 1
  ppp-chap-hostname = "remote1@cisco.com"
  ppp-chap-password = "wrong-secret"
}
EOF
sed 's/tunnel-password = "l2tptunnel"/tunnel-password = "wrong-secret"/' "$T/lac.conf" >"$T/lac-badpw.conf"
sed 's/pri-group-timeslots = "1-31"/pri-group-timeslots = "1"/' "$T/lac.conf" >"$T/lac-1ch.conf"
chmod 600 "$T"/*.conf
check "LAC copy has short timers" grep -q "hello = 2" "$T/lac.conf"
check "LAC copy with a wrong password differs" ! cmp -s "$T/lac.conf" "$T/lac-badpw.conf"
check "LAC copy with one B channel differs" grep -q 'timeslots = "1"' "$T/lac-1ch.conf"
for f in isdn-network lac lns remote1 remote2 lac-badpw lac-1ch; do
	ok "$f.conf passes --check" "$VPDND" -c "$T/$f.conf" --check
done

# --- network and nodes ---------------------------------------------------------
check "namespaces up, wired as in the scenario" scenario_net_up "$P"
check "LAC reaches the LNS over Serial0" in_ns "$P" LAC ping -q -c1 -W2 -I 18.18.18.1 18.18.18.2
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

# --- 1. dial-in ----------------------------------------------------------------
check "dial-in: remote1 17.17.17.1 pings local1 17.17.17.3" pings remote1 -I 17.17.17.1 17.17.17.3
check "remote1 dialled 8211 on demand" in_log remote1 "DDR: Attempting to dial 8211"
check "remote1: IPCP Open" in_log remote1 "IPCP: State is Open"
check "LAC: incoming call from 6122" in_log LAC "Received a DATA call from 6122"
check "LAC: CHAP challenge as LAC" in_log LAC 'CHAP: O CHALLENGE id [0-9]+ len [0-9]+ from "LAC"'
check "LAC: PPP phase FORWARDING" in_log LAC "Se0:[0-9]+ PPP: Phase is FORWARDING"
check "LAC: O SCCRQ" in_log LAC "Tnl [0-9]+ L2TP: O SCCRQ"
check "LAC: tunnel authentication success" in_log LAC "Tnl [0-9]+ L2TP: Tunnel Authentication success"
check "LAC: session wait-reply -> established" \
	in_log LAC "Tnl/Cl [0-9]+/[0-9]+ L2TP: Session state change from wait-reply to established"
check "LAC: tunnel password masked" in_log LAC "xxxxxx"
check "LNS: Virtual-Access cloned from Virtual-Template1" in_log LNS "Vi[0-9]+ VTEMPLATE: Clone from Virtual-Template1"
check "LNS: proxy LCP forced" in_log LNS "Vi[0-9]+ LCP: I FORCED CONFREQ"
check "LNS: auth-local verified remote1@cisco.com" in_log LNS 'AUTH-LOCAL: CHAP user "remote1@cisco.com" authenticated'
check "LNS: route to 17.17.17.1 installed" in_log LNS "Vi[0-9]+ IPCP: Install route to 17.17.17.1"
# etc/'s Virtual-Template1 and remote1's Dialer1 have ipv6-enable (issue #18)
check "dual stack: LNS IPv6CP Open beside IPCP" in_log LNS "Vi[0-9]+ IPV6CP: State is Open"
check "dual stack: remote1 IPv6CP Open" in_log remote1 "IPV6CP: State is Open"

# --- 2. dial-out ---------------------------------------------------------------
check "dial-out: local1 pings remote2 17.17.17.2" pings local1 17.17.17.2
check "LNS: Dialer2 dials 6121" in_log LNS "Di2 DDR: Attempting to dial 6121"
check "LNS: O OCRQ, I OCRP, I OCCN" sh -c "grep -q 'O OCRQ' '$T/LNS.log' && grep -q 'I OCRP' '$T/LNS.log' && grep -q 'I OCCN' '$T/LNS.log'"
check "LNS: no remote authentication for call-out" in_log LNS "PPP: No remote authentication for call-out"
check "LNS: answers remote2's challenge as LNS" in_log LNS 'CHAP: O RESPONSE id [0-9]+ len [0-9]+ from "LNS"'
check "LNS: route to 17.17.17.2 on Dialer2" in_log LNS "Di2 IPCP: Install route to 17.17.17.2"
check "LAC: rotary dial-out of 6121" in_log LAC "Se0:15 DDR: Attempting to dial 6121"
check "LAC: dial-out session wait-cs-answer -> established" in_log LAC "wait-cs-answer to established"
check "remote2: challenged the caller, bound it to Dialer1" in_log remote2 "Interface BR0:[12] bound to profile Di1"
check "LAC show vpdn: 1 tunnel, 2 sessions" vpdn_is LAC "1 2 -,remote1@cisco.com"
check "LNS show vpdn: 1 tunnel, 2 sessions" vpdn_is LNS "1 2 -,remote1@cisco.com"
check "LNS show vpdn: both sessions on Virtual-Access interfaces (dial-out included)" \
	[ "$(intfs LNS)" = "Vi1,Vi2" ]
run ctl LAC show vpdn
contains "LAC show vpdn names the LNS" "$OUT" "LNS"
contains "LAC show vpdn lists remote1@cisco.com" "$OUT" "remote1@cisco.com"
run ctl LNS show vpdn
contains "LNS show vpdn lists a Virtual-Access" "$OUT" " Vi"

# --- 3. a wrong CHAP secret ----------------------------------------------------
ok "remote1 dials Dialer2 (wrong secret)" ctl remote1 dial Dialer2
check "LNS: auth-local refuses remote1@cisco.com" \
	wait_s 15 in_log LNS 'CHAP authentication of user "remote1@cisco.com" failed'
check "LNS: CDN to the LAC" wait_s 10 in_log LNS "O CDN to LAC"
check "LAC: the session is gone" wait_s 10 in_log LAC "(I|O) CDN"
check "remote1: Dialer2's call failed" wait_s 10 in_log remote1 "Di2 DDR: Dialer call failed"
check "remote1: the ISDN call cleared with a cause" \
	wait_s 10 in_log remote1 "ISDN BR0: Event: call id 0x[0-9A-F]+ cleared, cause [0-9]+"
check "LAC: tunnel and both sessions unaffected" wait_s 5 vpdn_is LAC "1 2 -,remote1@cisco.com"
check "LNS: tunnel and both sessions unaffected" vpdn_is LNS "1 2 -,remote1@cisco.com"
check "remote1 still reaches local1" pings remote1 -I 17.17.17.1 17.17.17.3

# --- 4. the LNS killed ---------------------------------------------------------
kill -KILL "${NODE_PIDS[LNS]}"
wait "${NODE_PIDS[LNS]}" 2>/dev/null
unset "NODE_PIDS[LNS]"
t0=$SECONDS
check "LAC: the tunnel is gone within its retransmit budget (15 s)" wait_s 15 vpdn_is LAC "0 0 "
echo "# LAC noticed in $((SECONDS - t0)) s"
check "LAC logged the dead peer" in_log LAC "Tnl [0-9]+ L2TP: .*(retransmi|dead|no answer|Tunnel state change from established to)"
check "remote1: the dial-in call was cleared" \
	wait_s 10 sh -c "grep -E 'cleared, cause|disconnected from' '$T/remote1.log' | grep -vq 'Di2'"
check "remote1: no call connected any more" wait_s 10 no_call remote1
check "remote2: the dial-out call was cleared" wait_s 10 in_log remote2 "cleared, cause|disconnected from"
check "LNS restarts" launch LNS "$T/lns.conf"
check "dial-in again after the restart" pings remote1 -I 17.17.17.1 17.17.17.3
check "LNS: 1 tunnel, remote1's session" wait_s 5 vpdn_is LNS "1 1 remote1@cisco.com"

# --- 5. a wrong tunnel password ------------------------------------------------
ok "LAC shuts down" ctl LAC shutdown
wait "${NODE_PIDS[LAC]}" 2>/dev/null
unset "NODE_PIDS[LAC]"
check "remote1: its call cleared when the LAC left" wait_s 15 no_call remote1
check "LAC restarts with a wrong tunnel password" launch LAC "$T/lac-badpw.conf"
check "LAC's E1 0 registered again" wait_s 15 sh -c "[ \$(grep -c 'E1 0: registered' '$T/LAC.log') -ge 2 ]"
stop_before=$(count_log LNS "StopCCN")
check "dial-in fails" no_reply remote1 -I 17.17.17.1 17.17.17.3
check "tunnel refused: StopCCN result 4" \
	wait_s 10 sh -c "grep -E 'StopCCN.*result 4|result 4.*StopCCN' '$T/LAC.log' '$T/LNS.log'"
check "tunnel authentication failed" sh -c "grep -qiE 'Tunnel Authentication fail' '$T/LAC.log' '$T/LNS.log'"
check "remote1: the ISDN call cleared with a cause" wait_s 10 sh -c \
	"[ \$(grep -cE 'ISDN BR0: Event: call id 0x[0-9A-F]+ cleared, cause [0-9]+' '$T/remote1.log') -ge 3 ]"
check "LAC: no tunnel left" wait_s 10 vpdn_is LAC "0 0 "

# --- 6. every B channel of the rotary group busy ----------------------------------
ok "LAC shuts down again" ctl LAC shutdown
wait "${NODE_PIDS[LAC]}" 2>/dev/null
unset "NODE_PIDS[LAC]"
check "LAC restarts with one B channel" launch LAC "$T/lac-1ch.conf"
check "LAC's E1 0 registered a third time" wait_s 15 sh -c "[ \$(grep -c 'E1 0: registered' '$T/LAC.log') -ge 3 ]"
check "dial-in takes the only B channel" pings remote1 -I 17.17.17.1 17.17.17.3
cdn_before=$(count_log LNS "I CDN from LAC.*result 4")
check "dial-out finds no free B channel" no_reply local1 17.17.17.2
check "LAC: the rotary group has no free channel" \
	wait_s 10 in_log LAC "Se0:15 DDR: rotor dialout"
check "LNS: the dial-out is answered with CDN result 4" \
	wait_s 10 sh -c "[ \$(grep -cE 'I CDN from LAC.*result 4' '$T/LNS.log') -gt $cdn_before ]"
check "the dial-in session stays" wait_s 5 vpdn_is LAC "1 1 remote1@cisco.com"
check "remote1 still reaches local1" pings remote1 -I 17.17.17.1 17.17.17.3

check "no secret in any log" sh -c "! grep -qE '(^|[^@[:alnum:]_.])cisco([^.@[:alnum:]_]|$)|l2tptunnel|wrong-secret' '$T'/*.log"
for node in remote1 remote2 LAC LNS; do
	check "$node still runs" kill -0 "${NODE_PIDS[$node]}"
done
finish
