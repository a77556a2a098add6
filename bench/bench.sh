#!/bin/bash
# The system benchmarks of issue 8 (called by bench/run.sh; docs/PERFORMANCE.md
# explains the method). Everything runs in a network namespace created here
# and removed on exit; every process started here is stopped on exit.
#
#   bench/bench.sh BUILD [--smoke]
#
# Writes bench/results/system.txt ("key value" lines, raw), bench/results.json
# (via bench/report.py), the chart bench/results/growth.png and a table on
# stdout.
set -u
BUILD=$(cd "${1:-build}" && pwd)
SMOKE=false
[ "${2:-}" = "--smoke" ] && SMOKE=true
SRC=$(cd "$(dirname "$0")/.." && pwd)
OUTDIR=$SRC/bench/results
mkdir -p "$OUTDIR"
VPDND=$BUILD/core/vpdnd
LOADGEN=$BUILD/bench/loadgen
ISDNGEN=$BUILD/bench/isdngen
PPPOEGEN=$BUILD/bench/pppoegen
UDPTUN=$BUILD/bench/udptun
RAW=$OUTDIR/system.txt
[ "${2:-}" = "--smoke" ] && RAW=$OUTDIR/system-smoke.txt
T=$(mktemp -d /tmp/vpdnd-bench.XXXXXX)
NS=vpdnbench-$$
PIDS=()

cleanup() {
	local p
	for p in "${PIDS[@]}"; do
		kill "$p" 2>/dev/null && wait "$p" 2>/dev/null
	done
	ip netns del "$NS" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

skip() { echo "bench: SKIP: $*"; echo "skipped $*" >>"$RAW"; exit 77; }
[ "$(id -u)" = 0 ] || skip "needs root (network namespace, TUN)"
[ -x "$LOADGEN" ] && [ -x "$ISDNGEN" ] && [ -x "$VPDND" ] || skip "not built"
[ -c /dev/net/tun ] || skip "no /dev/net/tun"
ip netns add "$NS" || skip "cannot create a network namespace"
# nsenter execs (ip netns exec forks): $! is then the program's own pid.
# Background jobs use "${NSE[@]}" directly: a function run with & would
# be a subshell, and $! its pid.
NSE=(nsenter --net=/run/netns/"$NS")
nsx() { "${NSE[@]}" "$@"; }
nsx ip link set lo up
nsx sysctl -qw net.ipv4.ip_forward=1
nsx sysctl -qw net.ipv4.conf.all.send_redirects=0 net.ipv4.conf.default.send_redirects=0
nsx sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0
export VPDND_MODULE_PATH=$BUILD/modules/l2tp

# Two cores: the node under test on CPU 1, the generator on CPU 0.
NCPU=$(nproc)
if [ "$NCPU" -ge 2 ]; then CPU_DUT=1; CPU_GEN=0; else CPU_DUT=0; CPU_GEN=0; fi

: >"$RAW"
rec() { echo "$*" >>"$RAW"; }
# BENCH_ONLY="e2e lns": run only those sections (dataplane l2tp lns e2e
# pppoe pppoedp radius; lnsrate: of lns, only the set-up rates of both PPP paths);
# for working on one of them. Unset: all. BENCH_RUNS=N: N runs where there are 3.
only() { [ -z "${BENCH_ONLY:-}" ] || [[ " $BENCH_ONLY " == *" $1 "* ]]; }

# E2E*: the end-to-end section (isdngen + LAC + LNS): sessions per run at
# 1k, controllers (E1s, 30 B channels each) at the LAC, users at the LNS.
if $SMOKE; then
	RUNS=1 BLAST=0.5 N1K=50 N60K=0 HOLD=0 NTUN1=200 NBIG=300 NTUNBIG=2 L2N=100 XL2N=100
	E2E1K=60 E2ENCTL=4 E2EUSERS=20 E2EHOLD=1 PO1K=50 POBIG=200 PODP=10
else
	RUNS=${BENCH_RUNS:-3} BLAST=3 N1K=1000 N60K=60000 HOLD=60 NTUN1=65535 NBIG=100000 NTUNBIG=2 L2N=2000 XL2N=2000
	E2E1K=1000 E2ENCTL=2100 E2EUSERS=1000 E2EHOLD=10 PO1K=1000 POBIG=20000 PODP=100
fi

lns_ppp_conf() { # FILE [EXTRA]: EXTRA, a line added to Virtual-Template1
	cat >"$1" <<EOF
hostname = "LNS"
modules = {"auth-local", "ppp", "l2tp", "ip"}
username "bench@cisco.com" { password = "bench" }
vpdn { enable = true }
vpdn-group "1" {
  accept-dialin { protocol = "l2tp"  virtual-template = 1 }
  local-name = "LNS"
  tunnel-password = "benchtunnel"
  source-ip = "127.0.0.2"
  receive-window = 1024
}
l2tp { listen = {"127.0.0.2"}  port = 1701 }
ip { mode = "shared"  shared-device = "vpdn0" }
interface "Loopback0" { ip-address = "18.18.18.2/32" }
interface "Virtual-Template1" {
  ip-unnumbered = "Loopback0"
  ppp-authentication = {"chap"}
  ppp-chap-hostname = "LNS"
  # the generators' users choose their own addresses (17.0.0.1 up)
  ppp-ipcp-accept-peer-address = true
${2:-}
}
EOF
	chmod 600 "$1"
}

lns_e2e_conf() { # FILE USERS (sections 4 and 5): the PPP LNS with users bench0..bench(USERS-1)@cisco.com
	lns_ppp_conf "$1"
	awk -v n="$2" 'BEGIN { for (i = 0; i < n; i++) printf "username \"bench%d@cisco.com\" { password = \"bench\" }\n", i }' >>"$1"
}

lac_pppoe_conf() { # FILE (sections 5 and 5b): the PPPoE LAC forwarding by domain to 127.0.0.2
	cat >"$1" <<EOF
hostname = "LAC"
modules = {"pppoe", "dialer", "ppp", "l2tp"}
vpdn { enable = true  search-order = {"domain"} }
vpdn-group "1" {
  request-dialin { protocol = "l2tp"  domain = {"cisco.com"} }
  initiate-to = {"127.0.0.2"}
  local-name = "LAC"
  tunnel-password = "benchtunnel"
  source-ip = "127.0.0.1"
  receive-window = 1024
}
l2tp { listen = {"127.0.0.1"}  port = 1701 }
bba-group "bench" { virtual-template = 1  ac-name = "LAC" }
interface "pl0" { pppoe-enable = "bench" }
interface "Virtual-Template1" {
  dialer-vpdn-forward = true
  ppp-authentication = {"chap"}
  ppp-chap-hostname = "LAC"
  ppp-mru = 1492
}
EOF
	chmod 600 "$1"
}

lns_l2tp_conf() { # FILE: L2TP only, the test-only testcarrier module stands in for PPP
	cat >"$1" <<EOF
hostname = "LNS"
modules = {"l2tp", "testcarrier"}
vpdn { enable = true }
vpdn-group "1" {
  accept-dialin { protocol = "l2tp"  virtual-template = 1 }
  local-name = "LNS"
  tunnel-password = "benchtunnel"
  source-ip = "127.0.0.2"
  receive-window = 1024
}
l2tp { listen = {"127.0.0.2"}  port = 1701 }
EOF
	chmod 600 "$1"
}

# start_node NAME CONF CPU: vpdnd in the namespace, pinned; NODE_PID is its
# pid once it logged that it started (30 s at most).
NODE_PID=""
start_node() {
	# the previous run's "started as" must not be read before the new
	# process truncates the log
	rm -f "$T/$1.log"
	"${NSE[@]}" taskset -c "$3" "$VPDND" --no-bus -c "$2" >"$T/$1.log" 2>&1 &
	NODE_PID=$!
	PIDS+=("$NODE_PID")
	local i
	for i in $(seq 300); do
		grep -qs "started as" "$T/$1.log" && return 0
		sleep 0.1
	done
	echo "bench: $1 did not start:" >&2
	cat "$T/$1.log" >&2
	return 1
}
LNS_PID=""
start_lns() { # CONF [CPU]
	start_node lns "$1" "${2:-$CPU_DUT}" || return 1
	LNS_PID=$NODE_PID
}
stop_pid() {
	kill "$1" 2>/dev/null
	wait "$1" 2>/dev/null
	# the ip module's shared TUN outlives the node: remove it with its routes
	nsx ip link del vpdn0 2>/dev/null
	return 0
}
gen() { # loadgen args...
	nsx taskset -c "$CPU_GEN" "$LOADGEN" "$@"
}

echo "== system benchmarks: $(nproc) cores, $(uname -r), namespace $NS"

if only dataplane; then
# --- 1. data plane: ours, then the bare forwarder ------------------------
lns_ppp_conf "$T/lns.conf"
for r in $(seq "$RUNS"); do
	start_lns "$T/lns.conf" || exit 1
	gen --peer 127.0.0.2:1701 --ppp --phase 1 --blast "$BLAST" --size 64 --size 1400 \
		--timeout 60 >"$T/dp.out" 2>>"$T/gen.err"
	awk -v r="$r" '/^blast_size/{s=$2} /^blast_back_pps/{print "dataplane_pps", s, r, $2} /^blast_back_bps/{print "dataplane_bps", s, r, $2}' "$T/dp.out" >>"$RAW"
	stop_pid "$LNS_PID"
done
for r in $(seq "$RUNS"); do
	rm -f "$T/fwd.out" # else the last run's "ready" may be read
	"${NSE[@]}" taskset -c "$CPU_DUT" "$UDPTUN" bfwd0 127.0.0.3:9000 $(awk -v b="$BLAST" 'BEGIN{print 2*(b+0.5)+3}') \
		>"$T/fwd.out" 2>&1 &
	FP=$!
	PIDS+=("$FP")
	for i in $(seq 50); do grep -qs ready "$T/fwd.out" && break; sleep 0.1; done
	nsx ip link set bfwd0 up
	nsx ip route replace 17.0.0.1/32 dev bfwd0
	gen --peer 127.0.0.3:9000 --raw --blast "$BLAST" --size 64 --size 1400 >"$T/fw.out" 2>>"$T/gen.err"
	awk -v r="$r" '/^blast_size/{s=$2} /^blast_back_pps/{print "forwarder_pps", s, r, $2} /^blast_back_bps/{print "forwarder_bps", s, r, $2}' "$T/fw.out" >>"$RAW"
	stop_pid "$FP"
done
echo "data plane done"
fi

if only l2tp; then
# --- 2. L2TP-only set-up rate: our LNS and xl2tpd's ----------------------
lns_l2tp_conf "$T/lns2.conf"
for r in $(seq "$RUNS"); do
	start_lns "$T/lns2.conf" || exit 1
	gen --peer 127.0.0.2:1701 --tunnels 4 --phase "$L2N" --timeout 60 >"$T/l2.out" 2>>"$T/gen.err"
	awk -v r="$r" '/^phase 0 sessions/{print "l2tp_only_sps", r, $10}' "$T/l2.out" >>"$RAW"
	stop_pid "$LNS_PID"
done
if command -v xl2tpd >/dev/null; then
	cat >"$T/xl2tpd.conf" <<EOF
[global]
listen-addr = 127.0.0.3
port = 1701
auth file = $T/xl2tpd.secrets
access control = no
max retries = 5

[lns default]
ip range = 10.99.0.2-10.99.255.250
local ip = 10.99.0.1
require authentication = no
hostname = XLNS
challenge = yes
length bit = yes
pppoptfile = $T/xl2tpd.options
EOF
	echo "* * benchtunnel" >"$T/xl2tpd.secrets"
	chmod 600 "$T/xl2tpd.secrets"
	echo "noauth" >"$T/xl2tpd.options"
	for r in $(seq "$RUNS"); do
		"${NSE[@]}" taskset -c "$CPU_DUT" xl2tpd -D -c "$T/xl2tpd.conf" -s "$T/xl2tpd.secrets" \
			-p "$T/xl2tpd.pid" -C "$T/xl2tpd.control" >"$T/xl2tpd.log" 2>&1 &
		XP=$!
		PIDS+=("$XP")
		for i in $(seq 50); do grep -q "Listening on IP" "$T/xl2tpd.log" && break; sleep 0.1; done
		gen --peer 127.0.0.3:1701 --tunnels 4 --phase "$XL2N" --timeout 120 --ignore-cdn \
			>"$T/xl.out" 2>>"$T/gen.err"
		awk -v r="$r" '/^phase 0 sessions/{print "xl2tpd_l2tp_only_sps", r, $10}' "$T/xl.out" >>"$RAW"
		pkill -P "$XP" 2>/dev/null # its pppd children, if any
		stop_pid "$XP"
	done
fi
echo "L2TP-only set-up done"
fi

if only lns || only lnsrate; then
# --- 3. PPP set-up rate at the LNS (1k), growth, sessions held ------------
# Both paths, alternating: proxy LCP + CHAP accepted (lns.conf), and LCP +
# CHAP renegotiated by the LNS (ppp-lcp-renegotiation "always": one more
# LCP exchange and a CHAP round trip per session, loadgen's user answering
# as RFC 1661 says).
lns_ppp_conf "$T/lns.conf"
lns_ppp_conf "$T/lns-reneg.conf" '  ppp-lcp-renegotiation = "always"'
for r in $(seq "$RUNS"); do
	for path in proxy reneg; do
		conf=$T/lns.conf key=lns_setup_sps_1k
		[ "$path" = reneg ] && conf=$T/lns-reneg.conf key=lns_setup_sps_1k_reneg
		start_lns "$conf" || exit 1
		gen --peer 127.0.0.2:1701 --ppp --phase "$N1K" --timeout 60 >"$T/s1.out" 2>>"$T/gen.err"
		awk -v r="$r" -v k="$key" '/^phase 0 sessions/{print k, r, $10}' "$T/s1.out" >>"$RAW"
		grep -q '^phase 0 sessions' "$T/s1.out" || echo "bench: $path path: no set-up" >&2
		stop_pid "$LNS_PID"
	done
done
echo "LNS set-up rates done"
fi

if only lns; then

# One tunnel: 65 535 sessions in steps (the chart), rate at 0..1k and at
# 59k..60k (growth), held for HOLD seconds.
steps=()
if $SMOKE; then
	steps=(--phase 50 --phase 150)
else
	steps=(--phase 1000 --phase 9000 --phase 10000 --phase 10000 --phase 10000 --phase 10000
		--phase 9000 --phase 1000 --phase 5535)
fi
start_lns "$T/lns.conf" || exit 1
gen --peer 127.0.0.2:1701 --ppp --tunnels 1 "${steps[@]}" --watch "$LNS_PID" --hold "$HOLD" \
	--timeout 300 >"$T/big1.out" 2>>"$T/gen.err"
sed 's/^/one_tunnel /' "$T/big1.out" >>"$RAW"
stop_pid "$LNS_PID"

start_lns "$T/lns.conf" || exit 1
gen --peer 127.0.0.2:1701 --ppp --tunnels "$NTUNBIG" --phase "$NBIG" --watch "$LNS_PID" --hold "$HOLD" \
	--timeout 300 >"$T/big2.out" 2>>"$T/gen.err"
sed 's/^/one_lns /' "$T/big2.out" >>"$RAW"
stop_pid "$LNS_PID"
echo "sessions held done"
fi

if only e2e; then
# --- 4. end to end: ISDN call at the LAC -> IPCP Opened at the LNS --------
# isdngen is the ISDN network (the isdn-switch of modules/isdn/PROTOCOL.txt)
# and its users; the LAC (isdn, dialer, ppp, l2tp) answers the calls, runs
# LCP and its CHAP challenge and forwards each user over L2TP to the LNS
# (auth-local, ppp, l2tp, ip), which accepts the proxy LCP, verifies the
# CHAP response and runs IPCP with the user. Pinning: the LAC alone on the
# DUT CPU (it does the most per call); the LNS and isdngen share the other.
lac_isdn_conf() { # FILE CONTROLLERS
	{
		cat <<EOF
hostname = "LAC"
modules = {"isdn", "dialer", "ppp", "l2tp"}
vpdn { enable = true  search-order = {"domain"} }
vpdn-group "1" {
  request-dialin { protocol = "l2tp"  domain = {"cisco.com"} }
  initiate-to = {"127.0.0.2"}
  local-name = "LAC"
  tunnel-password = "benchtunnel"
  source-ip = "127.0.0.1"
  receive-window = 1024
}
l2tp { listen = {"127.0.0.1"}  port = 1701 }
isdn { switch-type = "primary-net5"  network = "unix:$T/isdn.sock" }
EOF
		awk -v n="$2" 'BEGIN { for (i = 0; i < n; i++) {
			printf "controller \"E1 %d\" { pri-group-timeslots = \"1-31\"  number = {\"8%04d\"} }\n", i, i
			printf "interface \"Serial%d:15\" { dialer-vpdn-forward = true  ppp-authentication = {\"chap\"}  ppp-chap-hostname = \"LAC\" }\n", i
		} }'
	} >"$1"
	chmod 600 "$1"
}
LAC_PID=""
start_lac() { # CONF
	start_node lac "$1" "$CPU_DUT" || return 1
	LAC_PID=$NODE_PID
}
# e2e TAG HOLD PHASES...: one run with a fresh LAC and LNS, sessions held
# HOLD seconds at the end (idle CPU); isdngen's lines go to RAW after TAG.
e2e() {
	local tag=$1 hold=$2 ph=() n t0
	shift 2
	for n in "$@"; do ph+=(--phase "$n"); done
	rm -f "$T/isdn.sock"
	start_lns "$T/lns-e2e.conf" "$CPU_GEN" || return 1
	t0=$(date +%s%N)
	start_lac "$T/lac-e2e.conf" || return 1
	rec "$tag lac_start_ms $(( ($(date +%s%N) - t0) / 1000000 ))"
	# BENCH_PERF=DIR: perf record -g the LAC and the LNS during the big run
	local perfs=()
	if [ -n "${BENCH_PERF:-}" ] && [ "$tag" = e2e_big ] && command -v perf >/dev/null; then
		perf record -q -g -p "$LAC_PID" -o "$BENCH_PERF/lac.perf.data" 2>/dev/null &
		perfs+=($!)
		perf record -q -g -p "$LNS_PID" -o "$BENCH_PERF/lns.perf.data" 2>/dev/null &
		perfs+=($!)
	fi
	nsx taskset -c "$CPU_GEN" "$ISDNGEN" --listen "$T/isdn.sock" --users "$E2EUSERS" "${ph[@]}" \
		--watch "$LAC_PID" --watch "$LNS_PID" --hold "$hold" --timeout 300 >"$T/e2e.out" 2>>"$T/gen.err"
	sed "s/^/$tag /" "$T/e2e.out" >>"$RAW"
	for n in "${perfs[@]}"; do kill -INT "$n"; wait "$n"; done
	stop_pid "$LAC_PID"
	stop_pid "$LNS_PID"
}
lac_isdn_conf "$T/lac-e2e.conf" "$E2ENCTL"
lns_e2e_conf "$T/lns-e2e.conf" "$E2EUSERS"
for r in $(seq "$RUNS"); do
	e2e "e2e_1k $r" 0 "$E2E1K"
done
if $SMOKE; then
	e2e e2e_big "$E2EHOLD" 20 40
else
	# 0 -> 1k, up to 57k in steps (the chart), then three steps of 1k to
	# 60k (the rate at 60k is their median)
	e2e e2e_big "$E2EHOLD" 1000 9000 10000 10000 10000 10000 7000 1000 1000 1000
fi
echo "end-to-end set-up done"
fi

if only pppoe; then
# --- 5. end to end over PPPoE: PADI at the LAC -> IPCP Opened at the LNS --
# pppoegen is a crowd of PPPoE clients (one MAC each) on pg0, a veth end
# whose peer pl0 is the LAC's access interface (bba-group, Virtual-
# Template1 forwarding by domain, as Serial0:15 in the ISDN case); the LNS
# is the one of section 4. Pinning as there: the LAC alone on the DUT
# CPU, the LNS and pppoegen on the other.
if [ -x "$PPPOEGEN" ] && nsx ip link add pg0 type veth peer name pl0 2>/dev/null; then
	nsx ip link set pg0 up
	nsx ip link set pl0 up
	lac_pppoe_conf "$T/lac-pppoe.conf"
	[ -s "$T/lns-e2e.conf" ] || lns_e2e_conf "$T/lns-e2e.conf" "$E2EUSERS"
	# pppoe_run TAG HOLD PHASES...: a fresh LAC and LNS, pppoegen's lines to RAW
	pppoe_run() {
		local tag=$1 hold=$2 ph=() n lac
		shift 2
		for n in "$@"; do ph+=(--phase "$n"); done
		start_lns "$T/lns-e2e.conf" "$CPU_GEN" || return 1
		start_node lac "$T/lac-pppoe.conf" "$CPU_DUT" || return 1
		lac=$NODE_PID
		for n in $(seq 50); do grep -qs "pl0 PPPoE: access concentrator" "$T/lac.log" && break; sleep 0.1; done
		nsx taskset -c "$CPU_GEN" "$PPPOEGEN" --if pg0 --users "$E2EUSERS" "${ph[@]}" \
			--watch "$lac" --watch "$LNS_PID" --hold "$hold" --timeout 300 --no-padt \
			>"$T/po.out" 2>>"$T/gen.err"
		sed "s/^/$tag /" "$T/po.out" >>"$RAW"
		stop_pid "$lac"
		stop_pid "$LNS_PID"
	}
	for r in $(seq "$RUNS"); do
		pppoe_run "pppoe_1k $r" 0 "$PO1K"
	done
	pppoe_run pppoe_big "$E2EHOLD" "$POBIG"
	nsx ip link del pg0 2>/dev/null
	echo "PPPoE end-to-end set-up done"
else
	rec "skipped pppoe (no pppoegen or no veth)"
fi
fi

if only pppoedp; then
# --- 5b. PPPoE <-> L2TP data plane at the LAC ------------------------------
# pppoegen sets up PODP sessions through the LAC (section 5's configs) and
# sends, round robin over them, IP packets to each session's own address:
# PPPoE -> LAC -> L2TP -> LNS -> TUN, routed back by the kernel -> L2TP ->
# LAC -> PPPoE; counted when back (the LAC forwards every packet twice).
# The LAC alone on the DUT CPU; the LNS and pppoegen share the other one,
# so the LAC's CPU per packet (pppoe_dataplane_lac_cpu_us_*) says what the
# LAC would do with a core to itself.
if [ -x "$PPPOEGEN" ] && nsx ip link add pg0 type veth peer name pl0 2>/dev/null; then
	nsx ip link set pg0 up
	nsx ip link set pl0 up
	lac_pppoe_conf "$T/lac-pppoe.conf"
	[ -s "$T/lns-e2e.conf" ] || lns_e2e_conf "$T/lns-e2e.conf" "$E2EUSERS"
	for r in $(seq "$RUNS"); do
		start_lns "$T/lns-e2e.conf" "$CPU_GEN" || break
		start_node lac "$T/lac-pppoe.conf" "$CPU_DUT" || break
		lac=$NODE_PID
		for n in $(seq 50); do grep -qs "pl0 PPPoE: access concentrator" "$T/lac.log" && break; sleep 0.1; done
		nsx taskset -c "$CPU_GEN" "$PPPOEGEN" --if pg0 --users "$E2EUSERS" --phase "$PODP" \
			--watch "$lac" --blast "$BLAST" --size 64 --size 1400 --timeout 120 --no-padt \
			>"$T/pd.out" 2>>"$T/gen.err"
		awk -v r="$r" '/^blast_size/{s=$2} /^blast_sessions/{print "pppoe_dataplane_sessions", s, r, $2}
			/^blast_back_pps/{print "pppoe_dataplane_pps", s, r, $2}
			/^blast_cpu_us_per_pkt/{print "pppoe_dataplane_lac_cpu_us", s, r, $2}' "$T/pd.out" >>"$RAW"
		stop_pid "$lac"
		stop_pid "$LNS_PID"
	done
	nsx ip link del pg0 2>/dev/null
	echo "PPPoE data plane done"
else
	rec "skipped pppoedp (no pppoegen or no veth)"
fi
fi

if only radius; then
# --- 6. PPP set-up rate at the LNS with auth-radius against FreeRADIUS ----
# The same run measures (a) FreeRADIUS's own Access-Request rate alone
# (radclient, CHAP, signed, 64 in parallel, from the DUT's CPU, FreeRADIUS
# on the generator's), (b) the LNS set-up rate with auth-local, and (c)
# with auth-radius asking that FreeRADIUS (accounting off: the figure is
# authentication's). Target: (c) >= 80 % of (a).
if command -v freeradius >/dev/null && command -v radclient >/dev/null; then
	. "$SRC/scripts/raddb.sh"
	RADDB=$T/raddb
	raddb_write "$RADDB" benchsecret 2
	echo '"bench@cisco.com" Cleartext-Password := "bench"' >"$RADDB/users"
	printf '\tService-Type = Framed-User,\n\tFramed-Protocol = PPP\n' >>"$RADDB/users"
	"${NSE[@]}" taskset -c "$CPU_GEN" freeradius -d "$RADDB" -f -l stdout >"$T/freeradius.log" 2>&1 &
	RP=$!
	PIDS+=("$RP")
	for i in $(seq 100); do grep -q "Ready to process requests" "$T/freeradius.log" && break; sleep 0.1; done
	# (a) FreeRADIUS alone: RADN requests, 64 different packets in flight
	RADN=$((N1K * 4))
	: >"$T/rad.req"
	for i in $(seq 64); do
		printf 'User-Name = "bench@cisco.com"\nCHAP-Password = "bench"\nMessage-Authenticator = 0x00\n\n' >>"$T/rad.req"
	done
	for r in $(seq "$RUNS"); do
		t0=$(date +%s.%N)
		nsx taskset -c "$CPU_DUT" radclient -q -s -p 64 -c $(( (RADN + 63) / 64 )) -r 3 -t 2 \
			-f "$T/rad.req" 127.0.0.1:1812 auth benchsecret >"$T/radclient.out" 2>&1
		t1=$(date +%s.%N)
		acc=$(sed -n 's/.*Accepted *: *\([0-9]*\).*/\1/p' "$T/radclient.out" | head -1)
		awk -v r="$r" -v a="${acc:-0}" -v t0="$t0" -v t1="$t1" \
			'BEGIN { printf "freeradius_rps %s %.1f %s\n", r, a / (t1 - t0), a }' >>"$RAW"
	done
	# (b) auth-local and (c) auth-radius, alternated, same loadgen
	lns_ppp_conf "$T/lns-local.conf"
	sed -e 's/modules = {"auth-local", /modules = {"auth-radius", /' -e '/^username /d' \
		"$T/lns-local.conf" >"$T/lns-radius.conf"
	cat >>"$T/lns-radius.conf" <<RADCONF
radius {
  server "127.0.0.1" { secret = "benchsecret" }
  timeout = 2
  retries = 3
  accounting = false
  max-in-flight = 256
  max-queued = 65536
}
RADCONF
	chmod 600 "$T/lns-radius.conf"
	for r in $(seq "$RUNS"); do
		for kind in local radius; do
			start_lns "$T/lns-$kind.conf" || exit 1
			gen --peer 127.0.0.2:1701 --ppp --phase "$N1K" --timeout 60 >"$T/sr.out" 2>>"$T/gen.err"
			awk -v r="$r" -v k="$kind" \
				'/^phase 0 sessions/{print "lns_setup_sps_radrun_" k, r, $10}' "$T/sr.out" >>"$RAW"
			stop_pid "$LNS_PID"
		done
	done
	stop_pid "$RP"
	echo "RADIUS set-up done"
else
	echo "skipped radius: freeradius or radclient not installed" >>"$RAW"
fi
fi

if [ -s "$T/gen.err" ]; then
	echo "bench: generator messages:" >&2
	sort "$T/gen.err" | uniq -c | head -20 >&2
fi
exit 0
