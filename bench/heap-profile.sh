#!/bin/bash
# Bytes per session at the LNS, by owner (docs/PERFORMANCE.md "Bytes per
# session, by owner"): bench.sh's one_lns run (its lns.conf: proxy LCP and
# CHAP accepted, shared TUN; loadgen as the LAC and users, 2 tunnels), made
# three times in a namespace created here:
#   1. N sessions, vpdnd alone: VmRSS per session as bench.sh computes it
#      ((held - before any tunnel) / N);
#   2. and 3. N and N/2 sessions under heaptrack (Debian package heaptrack);
#      bench/heap-owners.py charges each allocation site to its owner.
#
#   bench/heap-profile.sh BUILD [N]      (N: 20000; run as root)
#   HEAP_SIDE=lac: the LAC of bench.sh's end-to-end run instead (isdngen
#   as the ISDN network and its users, the LAC forwarding each call to an
#   LNS run beside it, not profiled); the LAC is the one measured.
#   HEAP_KEEP=DIR: keep heaptrack_print's peaks files there (peaksN.txt)
#   HEAP_RSS_ONLY=1: step 1 alone (bench.sh's 100 000 in under a minute)
set -u
BUILD=$(cd "${1:-build}" && pwd)
N=${2:-20000}
N0=$((N / 2))
SRC=$(cd "$(dirname "$0")/.." && pwd)
T=$(mktemp -d /tmp/vpdnd-heap.XXXXXX)
. "$SRC/bench/bench-conf.sh"
NS=vpdnheap-$$
PIDS=()
cleanup() {
	local p
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null && wait "$p" 2>/dev/null; done
	ip netns del "$NS" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
[ "$(id -u)" = 0 ] || { echo "heap-profile: needs root" >&2; exit 77; }
command -v heaptrack >/dev/null || { echo "heap-profile: apt-get install heaptrack" >&2; exit 77; }
ip netns add "$NS" || exit 1
NSE=(nsenter --net=/run/netns/"$NS")
"${NSE[@]}" ip link set lo up
export VPDND_MODULE_PATH=$BUILD/modules/l2tp
cat >"$T/lns.conf" <<EOC
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
  ppp-ipcp-accept-peer-address = true
}
EOC
chmod 600 "$T/lns.conf"

SIDE=${HEAP_SIDE:-lns}
if [ "$SIDE" = lac ]; then
	# the LNS knows the users isdngen calls as (bench0..bench19@cisco.com)
	awk 'BEGIN { for (i = 0; i < 20; i++) printf "username \"bench%d@cisco.com\" { password = \"bench\" }\n", i }' \
		>>"$T/lns.conf"
	lac_isdn_conf "$T/lac.conf" $(( (N + 29) / 30 + 1 ))
fi

# start NAME CONF [heaptrack-output]: prints the daemon's pid (found by its
# command line under heaptrack: $! is heaptrack's shell)
start() {
	local name=$1 conf=$2 out=${3:-} i
	rm -f "$T/$name.log"
	if [ -n "$out" ]; then
		"${NSE[@]}" heaptrack -o "$out" "$BUILD/core/vpdnd" --no-bus -c "$conf" \
			>"$T/$name.log" 2>&1 &
	else
		"${NSE[@]}" "$BUILD/core/vpdnd" --no-bus -c "$conf" >"$T/$name.log" 2>&1 &
	fi
	PIDS+=($!)
	for i in $(seq 600); do grep -qs "started as" "$T/$name.log" && break; sleep 0.1; done
	if [ -n "$out" ]; then
		pgrep -n -f "^$BUILD/core/vpdnd --no-bus -c $conf"
	else
		echo $!
	fi
}
stop() {
	local i
	kill "$1" 2>/dev/null
	for i in $(seq 300); do kill -0 "$1" 2>/dev/null || break; sleep 0.1; done
}

# run_lac N [heaptrack-output]: LNS, then the LAC (profiled), N calls held
# 2 s; prints the LAC's rss_kib lines as loadgen's ("rss_kib none|held").
run_lac() {
	local n=$1 out=${2:-} lns lac
	rm -f "$T/isdn.sock"
	lns=$(start lns "$T/lns.conf")
	lac=$(start lac "$T/lac.conf" "$out")
	"${NSE[@]}" "$BUILD/bench/isdngen" --listen "$T/isdn.sock" --users 20 --phase "$n" \
		--watch "$lac" --hold 2 --timeout 300 >"$T/gen.out" 2>"$T/gen.err"
	awk '$1 == "rss_kib" && $3 == 0 { print "rss_kib " $2 " 0 " $4 }' "$T/gen.out"
	stop "$lac"
	stop "$lns"
	wait 2>/dev/null
	"${NSE[@]}" ip link del vpdn0 2>/dev/null
	return 0
}

# run N [heaptrack-output]: one LNS, N sessions held 2 s; prints loadgen's
# rss_kib lines. Under heaptrack, $! is heaptrack's shell: the daemon's pid
# is found by its command line (this run's own config path).
run() {
	local n=$1 out=${2:-} pid i
	rm -f "$T/lns.log"
	if [ -n "$out" ]; then
		"${NSE[@]}" heaptrack -o "$out" "$BUILD/core/vpdnd" --no-bus -c "$T/lns.conf" \
			>"$T/lns.log" 2>&1 &
	else
		"${NSE[@]}" "$BUILD/core/vpdnd" --no-bus -c "$T/lns.conf" >"$T/lns.log" 2>&1 &
	fi
	PIDS+=($!)
	pid=$!
	for i in $(seq 600); do grep -qs "started as" "$T/lns.log" && break; sleep 0.1; done
	[ -n "$out" ] && pid=$(pgrep -n -f "^$BUILD/core/vpdnd --no-bus -c $T/lns.conf")
	"${NSE[@]}" "$BUILD/bench/loadgen" --peer 127.0.0.2:1701 --ppp --tunnels 2 --phase "$n" \
		--watch "$pid" --hold 2 --timeout 300 >"$T/gen.out" 2>"$T/gen.err"
	grep rss_kib "$T/gen.out"
	kill "$pid" 2>/dev/null
	for i in $(seq 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
	wait 2>/dev/null
	"${NSE[@]}" ip link del vpdn0 2>/dev/null
	return 0
}

RUN=run
[ "$SIDE" = lac ] && RUN=run_lac
$RUN "$N" | awk -v n="$N" '{ r[$2] = $4 } END { if (("none" in r) && ("held" in r))
	printf "VmRSS per session (%d sessions): %d bytes\n\n", n, (r["held"] - r["none"]) * 1024 / n }'
# HEAP_RSS_ONLY=1: the VmRSS run alone (no heaptrack: large N in seconds)
[ -n "${HEAP_RSS_ONLY:-}" ] && exit 0
for n in "$N" "$N0"; do
	$RUN "$n" "$T/heap$n" >/dev/null
	heaptrack_print -f "$T/heap$n".zst -m 0 --print-peaks 1 --print-allocators 0 \
		--print-temporary 0 --print-leaks 0 -n 100000 \
		>"$T/peaks$n.txt" 2>/dev/null
done
python3 "$SRC/bench/heap-owners.py" "$T/peaks$N.txt" "$N" "$T/peaks$N0.txt" "$N0"
if [ -n "${HEAP_KEEP:-}" ]; then mkdir -p "$HEAP_KEEP" && cp "$T"/peaks*.txt "$HEAP_KEEP"/; fi
