#!/bin/bash
# SPDX-License-Identifier: MIT
# Restart in place as issue #21 words it (docs/RESTART.md "Tests"), in
# the scenario's namespaces (scripts/netns.sh): remote1 dials the LAC over
# ISDN, remote3 comes in over PPPoE, the LAC forwards both to the LNS;
# meanwhile the bench's loadgen, in the LAC's namespace, plays a second LAC
# with 1 000 PPP users (proxy LCP and CHAP, IPCP) over its own tunnel to
# the same LNS and sends IP traffic through them in turn (--hold-pps: each
# packet to the user's own address, the LNS routes it back). The LNS runs
# in shared TUN mode (vpdn0: 1 002 TUNs per session would cost more than
# the whole test), the LNS and the LAC each from a copy of the binary
# (and its library, found by RUNPATH $ORIGIN) at a path of their own.
# Restarted in place, in turn:
#   LNS (a) `vpdnctl restart` with the same binary;
#   LNS (b) after a rebuilt binary of the same version was installed over
#       the one it runs (objcopy adds a section: another file, the same
#       VPDND_VERSION; installed by rename, as a package does): the state
#       is accepted and /proc/PID/exe's SHA-256 shows the new file runs;
#   LAC (a) and (b) the same way.
# After each: the same pid; the same tunnel and session IDs (and
# interfaces) in `show vpdn` at both ends (1 002 sessions at the LNS);
# the same vpdn0 (ifindex: the TUN was handed over), B channel and PPPoE
# session; pings from remote1 and remote3 through the restart, at most a
# few lost; no session lost (counters); no CHAP and no LCP Terminate in
# the LNS's log after it. At the end: loadgen ran its hold to the end (it
# exits 1 at the first CDN or StopCCN, counts PPP downs) and got its
# traffic back but for a few packets; one capture in the LAC's namespace
# (the LAC's tunnel, every control message of loadgen's, PPPoE
# discovery; one tshark pass) shows no StopCCN, CDN, LCP Terminate or
# PADT, and LCP echoes through the restarts. No HELLO check: data counts
# as life for the HELLO timer, so whether one shows is timing; HELLO
# across a restart and a state from another version refused are checked
# by restart-l2tp.
#
# Replaces restart-ppp, restart-lac and restart-scale (their checks; the
# per-interface vi1 hand-over of restart-ppp is in ip-data step 1b, as
# this LNS runs in shared mode).
if [ "$(id -u)" -ne 0 ]; then echo "SKIP: needs root (network namespaces)"; exit 77; fi
[ -c /dev/net/tun ] || { echo "SKIP: no /dev/net/tun"; exit 77; }
command -v dbus-daemon >/dev/null || { echo "SKIP: no dbus-daemon"; exit 77; }
command -v objcopy >/dev/null || { echo "SKIP: no objcopy (binutils) for the rebuilt binary"; exit 77; }

. "$VPDND_SOURCE_ROOT/tests/integration/lib.sh"
. "$VPDND_SOURCE_ROOT/scripts/netns.sh"
LOADGEN=$VPDND_BUILD_ROOT/bench/loadgen
[ -x "$LOADGEN" ] || skip "bench/loadgen not built"
# The LNS and LAC run copies of the binary outside the build tree: every
# module directory by name.
MP=""
for d in "$VPDND_BUILD_ROOT"/modules/*/; do MP="$MP${MP:+:}${d%/}"; done
export VPDND_MODULE_PATH="$MP"
export VPDND_ISDN_SOCKET="$T/isdn.sock"
ETC="$VPDND_SOURCE_ROOT/etc"
P=vrs$$
N=${VPDND_RESTART_SESSIONS:-1000}
NS=$((N + 2))
# loadgen's hold outlasts the four restarts (14 to 24 s after it starts
# here, debug build or ASan, 2 shared cores, loaded): the test ends it
# with SIGUSR1 once the capture is stopped
HOLD=${VPDND_RESTART_HOLD:-90}
CAP_PID=""
PING_PIDS=()

rs_cleanup() {
	trap - EXIT INT TERM
	[ -n "$CAP_PID" ] && kill "$CAP_PID" 2>/dev/null
	for p in "${PING_PIDS[@]}"; do kill "$p" 2>/dev/null; done
	_lib_cleanup
	scenario_net_down "$P"
}
trap rs_cleanup EXIT
trap 'exit 130' INT TERM

# after NODE PATTERN: the pattern in the node's log since the last mark
after() { tail -n +"${MARK[$1]}" "$T/$1.log" | grep -q -E -- "$2"; }
declare -A MARK=()
mark() { MARK[$1]=$(($(wc -l <"$T/$1.log") + 1)); }
bus_of() { local v="BUS_$1"; printf '%s' "${!v}"; }
ctl() { local node=$1; shift; in_ns "$P" "$node" "$VPDNCTL" --bus "$(bus_of "$node")" -n "$node" "$@"; }
pings() { # pings NODE ARGS...: at least one reply out of 2
	in_ns "$P" "$1" ping -c 2 -i 0.2 -W 2 "${@:2}" >"$T/ping.txt" 2>&1
	grep -qE ' [1-9][0-9]* received' "$T/ping.txt"
}
start_node_bus() {
	netns_bus "$P" "$1" "$T/bus-$1" || return 1
	NODE_PIDS[bus-$1]=$NETNS_BUS_PID
}
DBG_LNS=(-d "ppp negotiation" -d "ppp authentication" -d "vpdn events" -d "ip events")
DBG_LAC=(-d "dialer events" -d "ppp negotiation" -d "vpdn events" -d "vpdn l2x-events" -d "isdn events"
	-d "pppoe events")
DBG_remote=(-d "dialer events" -d "ppp negotiation")
launch() { # NODE BINARY CONF DEBUG...: vpdnd in the background
	local node=$1 bin=$2 conf=$3
	shift 3
	ip netns exec "$P-$node" "$bin" -c "$conf" --bus "$(bus_of "$node")" "$@" >>"$T/$node.log" 2>&1 &
	NODE_PIDS[$node]=$!
	wait_s 10 ctl "$node" show version
}

for f in isdn-network lac remote1 remote3; do
	install -m 600 "$ETC/$f.conf" "$T/$f.conf"
done
mkdir -p "$T/state-LNS" "$T/state-LAC"
sed -i 's/^\(  source-ip = .*\)$/\1\n  hello = 2/' "$T/lac.conf"
sed -i "s|^hostname = \"LAC\"\$|hostname = \"LAC\"\nstate-directory = \"$T/state-LAC\"|" "$T/lac.conf"
sed -i 's/^\(  dialer-idle-timeout = 300\)$/\1\n  dialer-enable-timeout = 1/' "$T/remote1.conf"
cat >"$T/lns.conf" <<EOC
hostname = "LNS"
modules = {"auth-local", "ppp", "l2tp", "ip"}
state-directory = "$T/state-LNS"
username "remote1@cisco.com" { password = "cisco"  ip-address = "17.17.17.1" }
username "remote3@cisco.com" { password = "cisco"  ip-address = "17.17.17.4" }
username "bench@cisco.com" { password = "bench" }
vpdn { enable = true }
vpdn-group "1" {
  accept-dialin { protocol = "l2tp"  virtual-template = 1 }
  terminate-from = "LAC"
  local-name = "LNS"
  tunnel-password = "l2tptunnel"
  source-ip = "18.18.18.2"
  hello = 2
}
vpdn-group "2" {
  accept-dialin { protocol = "l2tp"  virtual-template = 2 }
  terminate-from = "BENCHLAC"
  local-name = "LNS"
  tunnel-password = "benchtunnel"
  source-ip = "18.18.18.2"
  receive-window = 1024
}
l2tp { listen = {"18.18.18.2"} }
ip { mode = "shared"  shared-device = "vpdn0" }
interface "Loopback0" { ip-address = "18.18.18.2/32" }
interface "Virtual-Template1" {
  ip-unnumbered = "Loopback0"
  ppp-authentication = {"chap"}
  ppp-chap-hostname = "LNS"
  ppp-keepalive = 2
  ppp-mru = 1492
}
interface "Virtual-Template2" {
  ip-unnumbered = "Loopback0"
  ppp-authentication = {"chap"}
  ppp-chap-hostname = "LNS"
  # the generator's users choose their own addresses (17.0.0.1 up)
  ppp-ipcp-accept-peer-address = true
}
EOC
chmod 600 "$T"/*.conf
for f in isdn-network lac lns remote1 remote3; do
	ok "$f.conf passes --check" "$VPDND" -c "$T/$f.conf" --check
done
# The LNS and the LAC run copies: (b) installs a rebuilt one over each.
for node in LNS LAC; do
	mkdir -p "$T/bin-$node"
	cp "$VPDND" "$VPDND_BUILD_ROOT/core/libvpdnd.so.0" "$T/bin-$node/"
done

check "namespaces up" scenario_net_up "$P"
# loadgen's packets to its users' own addresses go out of vpdn0 again
in_ns "$P" LNS sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0 \
	net.ipv4.conf.all.send_redirects=0 net.ipv4.conf.default.send_redirects=0
# One capture in the LAC's namespace for the whole run, started in
# parallel with the set-up: the LAC's tunnel (18.18.18.1), loadgen's
# control messages (the L2TP T bit; not its 2 000 data packets a
# second) and PPPoE discovery.
if command -v tshark >/dev/null; then
	ip netns exec "$P-LAC" tshark -q -n -i any \
		-f "(udp port 1701 and (host 18.18.18.1 or udp[8] & 0x80 != 0)) or pppoed" \
		-w "$T/lac.pcap" >"$T/tshark.log" 2>&1 &
	CAP_PID=$!
fi
for node in LNS LAC remote1 remote3; do
	start_node_bus "$node" || { _fail "dbus-daemon for $node"; finish; }
done
ip netns exec "$P-isdn" "$VPDND" -c "$T/isdn-network.conf" --no-bus >"$T/isdn-network.log" 2>&1 &
NODE_PIDS[isdn-network]=$!
check "ISDN network listens" wait_s 10 test -S "$VPDND_ISDN_SOCKET"
check "LNS starts" launch LNS "$T/bin-LNS/vpdnd" "$T/lns.conf" "${DBG_LNS[@]}" || true
check "LAC starts" launch LAC "$T/bin-LAC/vpdnd" "$T/lac.conf" "${DBG_LAC[@]}" || true
for node in remote1 remote3; do
	check "$node starts" launch "$node" "$VPDND" "$T/$node.conf" "${DBG_remote[@]}" || true
done
check "LAC's E1 0 registered" wait_s 10 in_log LAC "E1 0: registered"
check "dial-in: remote1 pings local1 (ISDN)" wait_s 30 pings remote1 -I 17.17.17.1 17.17.17.3
check "PPPoE: remote3 pings local1" wait_s 30 pings remote3 -I 17.17.17.4 17.17.17.3
# loadgen's 1 000 sessions come up in ~0.2 s: its hold starts about now
ip netns exec "$P-LAC" "$LOADGEN" --peer 18.18.18.2:1701 --ppp --tunnels 1 --phase "$N" --hold "$HOLD" \
	--hold-pps 2000 --timeout 60 >"$T/gen.log" 2>&1 &
NODE_PIDS[gen]=$!
GEN_T0=$SECONDS
check "loadgen sets up $N PPP sessions" wait_s 60 grep -q "^phase 0 sessions" "$T/gen.log"
grep "^phase 0 sessions" "$T/gen.log" | sed 's/^/# /'
check "LAC: two sessions" sessions_are LAC 2
check "LNS: $NS sessions" sessions_are LNS "$NS"

ids() { # ids NODE: tunnel and session IDs and interfaces in show vpdn, one line each
	ctl "$1" --json show vpdn | python3 -c '
import json, sys
d = json.load(sys.stdin)
for t in sorted((t.get("local_id"), t.get("remote_id"), t.get("state")) for t in d["tunnels"]):
    print("T", *t)
for s in sorted((s.get("tunnel_id"), s.get("local_id"), s.get("remote_id"), s.get("interface")) for s in d["sessions"]):
    print("S", *s)'
}
isdn_calls() { # the LAC's ISDN calls: id, channel, numbers (not the duration)
	ctl LAC --json show isdn active | python3 -c '
import json, sys
print(sorted((c["call_id"], c["interface"], c["calling"], c["called"]) for c in json.load(sys.stdin)["calls"]))'
}
pppoe_sessions() { # the LAC's PPPoE sessions: interface, name, ID, peer, state
	ctl LAC --json show pppoe sessions | python3 -c '
import json, sys
print(sorted((s["interface"], s["name"], s["session_id"], s["peer"], s["state"]) for s in json.load(sys.stdin)))'
}
ifindex() { in_ns "$P" LNS cat /sys/class/net/vpdn0/ifindex; }
nsess() { grep -c '^S' "$1"; }
ids LNS >"$T/lns-ids0"
ids LAC >"$T/lac-ids0"
check "LNS: 2 tunnels established ($(grep -c '^T .* est' "$T/lns-ids0"))" [ "$(grep -c '^T .* est' "$T/lns-ids0")" = 2 ]
ISDN_BEFORE=$(isdn_calls)
PPPOE_BEFORE=$(pppoe_sessions)
IDX_BEFORE=$(ifindex)
echo "# before: LAC $(tr '\n' ' ' <"$T/lac-ids0"), B channels $ISDN_BEFORE, PPPoE $PPPOE_BEFORE, vpdn0 ifindex $IDX_BEFORE"
declare -A PID_OF=([LNS]=${NODE_PIDS[LNS]} [LAC]=${NODE_PIDS[LAC]}) RESTARTS=([LNS]=0 [LAC]=0)
[ -n "$CAP_PID" ] && wait_s 10 grep -q "Capturing on" "$T/tshark.log"

# rebuild NODE: a rebuilt binary of the same version installed over the
# one NODE runs (by rename); sets NEWSUM
rebuild() {
	local b=$T/bin-$1 old
	echo "rebuilt $1 $(date +%s%N)" >"$T/rebuilt.txt"
	ok "$1: a rebuilt binary (objcopy adds a section)" \
		objcopy --add-section .vpdnd.rebuilt="$T/rebuilt.txt" "$b/vpdnd" "$b/vpdnd.new"
	ok "$1: the old binary's version" "$b/vpdnd" --version
	old=$OUT
	ok "$1: the rebuilt binary's version" "$b/vpdnd.new" --version
	check "$1: the same version ($OUT)" [ "$OUT" = "$old" ]
	ok "$1: installed over the running one (rename)" mv -f "$b/vpdnd.new" "$b/vpdnd"
	NEWSUM=$(sha256sum <"$b/vpdnd")
	check "$1: the running binary differs from the installed one" \
		[ "$(sha256sum </proc/"${PID_OF[$1]}"/exe)" != "$NEWSUM" ]
}

# restart NODE a|b: restarted in place through pings from both remotes
restart() {
	local node=$1 v=$2 pid=${PID_OF[$1]} t0 r recv k
	[ "$v" = b ] && rebuild "$node"
	k=$((RESTARTS[$node] + 1))
	RESTARTS[$node]=$k
	echo "# --- $node ($v): restart $k, $((SECONDS - GEN_T0)) s into loadgen's hold"
	mark "$node"
	# pings running through the restart: 20 at 0.1 s from each remote
	ip netns exec "$P-remote1" ping -c 20 -i 0.1 -W 1 -I 17.17.17.1 17.17.17.3 >"$T/ping-r1.txt" 2>&1 &
	PING_PIDS+=($!)
	ip netns exec "$P-remote3" ping -c 20 -i 0.1 -W 1 -I 17.17.17.4 17.17.17.3 >"$T/ping-r3.txt" 2>&1 &
	PING_PIDS+=($!)
	sleep 0.5
	t0=$(date +%s%N)
	ok "vpdnctl restart ($node, $v)" ctl "$node" restart
	echo "# vpdnctl restart returned after $((($(date +%s%N) - t0) / 1000000)) ms"
	contains "$node: restart $k" "$OUT" "Restarted in place (restart $k)"
	check "$node: the same process (pid $pid)" pid_alive "$pid"
	if [ "$v" = b ]; then
		check "$node: it runs the rebuilt binary now" [ "$(sha256sum </proc/"$pid"/exe)" = "$NEWSUM" ]
		check "$node: the state was accepted" after "$node" "restarting in place \(restart $k"
		check "$node: no state refused" bash -c "! tail -n +${MARK[$node]} '$T/$node.log' | grep -q '%SYS-4-RESTART'"
	fi
	if [ "$node" = LNS ]; then
		check "LNS: l2tp restored 2 tunnels, $NS sessions" wait_s 10 \
			after LNS "L2TP: restart: restored 2 tunnels, $NS sessions \(0 tunnels, 0 sessions could not be\)"
		check "LNS: ppp restored $NS sessions in place, none lost" wait_s 5 \
			after LNS "ppp: restart: $NS session\(s\) restored in place, 0 lost"
		check "LNS: vpdn0 adopted" after LNS "IP: restart: TUN vpdn0 adopted"
	else
		check "LAC: l2tp restored 1 tunnel, 2 sessions" wait_s 10 \
			after LAC "L2TP: restart: restored 1 tunnel, 2 sessions"
		check "LAC: the ISDN call restored" \
			after LAC "ISDN: restart: the ISDN network connection adopted, 1 call restored, 0 lost"
		check "LAC: the PPPoE session restored" after LAC "PPPoE: restart: 1 session restored, 0 lost"
	fi
	for p in "${PING_PIDS[@]}"; do wait "$p"; done
	PING_PIDS=()
	for r in r1 r3; do
		recv=$(grep -oE '[0-9]+ received' "$T/ping-$r.txt" | grep -oE '[0-9]+')
		check "pings from remote${r#r} through the restart: ${recv:-0} of 20 answered (at most 4 lost)" \
			[ "${recv:-0}" -ge 16 ]
	done
	ids LNS >"$T/lns-ids"
	ids LAC >"$T/lac-ids"
	check "LNS: the same tunnel and session IDs ($(nsess "$T/lns-ids") sessions)" cmp -s "$T/lns-ids0" "$T/lns-ids"
	check "LAC: the same tunnel and session IDs ($(nsess "$T/lac-ids") sessions)" cmp -s "$T/lac-ids0" "$T/lac-ids"
	check "LNS: vpdn0 is the same device (ifindex $IDX_BEFORE)" [ "$(ifindex)" = "$IDX_BEFORE" ]
	check "LAC: the same ISDN call and B channel" [ "$(isdn_calls)" = "$ISDN_BEFORE" ]
	check "LAC: the same PPPoE session" [ "$(pppoe_sessions)" = "$PPPOE_BEFORE" ]
	check "$node: no session lost (counter)" [ "$(metric "$node" l2tp_restart_sessions_lost_total)" = 0 ]
}

restart LNS a
restart LNS b
restart LAC a
restart LAC b
# the LNS's log since its first restart
sed -n '/restarting in place (restart 1/,$p' "$T/LNS.log" >"$T/LNS-after.log"
check "LNS: no CHAP after the restarts" bash -c "! grep -q 'CHAP' '$T/LNS-after.log'"
check "LNS: no LCP Terminate after the restarts" bash -c "! grep -qE 'TERMREQ|TermReq' '$T/LNS-after.log'"
sleep 1   # with the pings' 2 s: an LCP echo (2 s) after the last restart
check "pings from remote1 after the restarts" pings remote1 -I 17.17.17.1 17.17.17.3
check "pings from remote3 after the restarts" pings remote3 -I 17.17.17.4 17.17.17.3
check "LAC: still two sessions" sessions_are LAC 2
check "LNS: still $NS sessions" sessions_are LNS "$NS"
ids LNS >"$T/lns-ids"
check "LNS: the same IDs at the end" cmp -s "$T/lns-ids0" "$T/lns-ids"
# the hold must outlast the restarts (else they ran without its traffic)
echo "# the restarts done $((SECONDS - GEN_T0)) s after loadgen started (hold $HOLD s)"
check "loadgen still holds its sessions" pid_alive "${NODE_PIDS[gen]}"
if [ -n "$CAP_PID" ]; then
	sleep 0.5
	kill "$CAP_PID" 2>/dev/null
	wait "$CAP_PID" 2>/dev/null
	CAP_PID=""
	read -r nf n1 n2 n3 n4 < <(tcount "$T/lac.pcap" -n -- \
		"l2tp.avp.message_type == 14 || l2tp.avp.message_type == 4" \
		"lcp && (ppp.code == 5 || ppp.code == 6)" "pppoed && pppoe.code == 0xa7" "lcp && ppp.code == 9")
	echo "# capture: $nf frames"
	check "capture: no CDN, no StopCCN ($n1)" [ "$n1" -eq 0 ]
	check "capture: no LCP Terminate ($n2)" [ "$n2" -eq 0 ]
	check "capture: no PADT ($n3)" [ "$n3" -eq 0 ]
	check "capture: LCP echo requests through the tunnel ($n4)" [ "$n4" -ge 1 ]
else
	echo "# tshark not installed: the capture checks are skipped"
fi

# --- what loadgen saw ---------------------------------------------------------------
kill -USR1 "${NODE_PIDS[gen]}"   # the end of its hold: it prints its counters and exits
wait_node_exit gen 20
GEN_RC=$?
sed 's/^/# loadgen: /' "$T/gen.log" | grep -v "^# loadgen: rss\|^# loadgen: watch" >&2
check "loadgen ran to its end (exit 0: no CDN, no StopCCN)" [ "$GEN_RC" = 0 ]
check "loadgen: no CDN" ! grep -q "CDN\|cdn_received" "$T/gen.log"
check "loadgen: no StopCCN" ! grep -q "StopCCN" "$T/gen.log"
check "loadgen: no PPP session went down (Terminate)" ! grep -q "ppp_ipcp_downs" "$T/gen.log"
read -r SENT BACK GAP <<<"$(sed -n 's/^hold_ip_sent \([0-9]*\) back \([0-9]*\) max_gap_ms \([0-9.]*\).*/\1 \2 \3/p' "$T/gen.log")"
few_lost() { [ "${SENT:-0}" -gt 1000 ] && [ "$((BACK * 100))" -ge "$((SENT * 95))" ]; }
check "loadgen: traffic through the sessions ($BACK of $SENT back)" few_lost
echo "# longest gap without a packet back: ${GAP:-?} ms (four restarts in place, $N + 2 sessions)"
check "LNS: still $NS sessions after the hold" sessions_are LNS "$NS"
finish
