#!/bin/bash
# SPDX-License-Identifier: MIT
# loadgen against l2tpns (Debian's user-space LNS) with FreeRADIUS: the
# bench's PPP user as a peer of another implementation than ours (issue 19:
# l2tpns renegotiates LCP with MRRU and Endpoint Discriminator, which the
# user rejects, challenges by CHAP again, and Naks the user's own address
# with one of its pool). Everything runs in one network namespace made here
# (l2tpns and FreeRADIUS in the foreground, their config under a temporary
# directory, l2tpns in a mount namespace where that directory is its
# /etc/l2tpns); all is removed on exit.
#
#   bash bench/l2tpns-peer.sh BUILD [SESSIONS]
#
# Prints loadgen's lines (phase ... rate R) and exits 0 when all SESSIONS
# (default 10) reached IPCP Opened; 77 when l2tpns or freeradius is missing.
# INFLIGHT=K: set-ups in flight (loadgen --inflight, default 256).
set -u
BUILD=$(cd "${1:-build}" && pwd)
N=${2:-10}
LOADGEN=$BUILD/bench/loadgen
skip() { echo "l2tpns-peer: SKIP: $*"; exit 77; }
[ "$(id -u)" = 0 ] || skip "needs root"
[ -c /dev/net/tun ] || skip "no /dev/net/tun"
command -v l2tpns >/dev/null || skip "l2tpns not installed (scripts/deps.sh)"
command -v freeradius >/dev/null || skip "freeradius not installed (scripts/deps.sh)"
[ -x "$LOADGEN" ] || skip "loadgen not built"
T=$(mktemp -d /tmp/vpdnd-l2tpns.XXXXXX)
NS=vpdnl2tpns-$$
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
wait_until() { # SECONDS CMD...
	local end=$((SECONDS + $1))
	shift
	until "$@" >/dev/null 2>&1; do
		[ "$SECONDS" -ge "$end" ] && return 1
		sleep 0.1
	done
}
ip netns add "$NS" || skip "cannot create a network namespace"
ip -n "$NS" link set lo up

# FreeRADIUS: files + chap, the bench's user
. "$(dirname "$0")/../scripts/raddb.sh"
RADDB=$T/raddb
raddb_write "$RADDB" radsecret 2 "" client=127.0.0.0/8:radsecret:l2tpns ma=optional
cat >"$RADDB/users" <<RAD
"bench@cisco.com" Cleartext-Password := "bench"
	Service-Type = Framed-User,
	Framed-Protocol = PPP
RAD
chmod -R go-rwx "$RADDB"
ip netns exec "$NS" freeradius -d "$RADDB" -f >"$T/freeradius.log" 2>&1 &
PIDS+=($!)

# l2tpns: its pool is where the addresses come from (it Naks the user's)
LNSETC=$T/l2tpns-etc
mkdir -p "$LNSETC"
echo "10.99.0.0/16" >"$LNSETC/ip_pool"
: >"$LNSETC/users"
cat >"$LNSETC/startup-config" <<CFG
set debug 1
set log_file "$T/l2tpns-log.txt"
set pid_file "$T/l2tpns.pid"
set hostname "l2tpns"
set l2tp_secret "benchtunnel"
set bind_address 127.0.0.2
set iftun_address 10.20.0.1
set peer_address 10.20.0.1
set primary_dns 0.0.0.0
set secondary_dns 0.0.0.0
set primary_radius 127.0.0.1
set radius_secret "radsecret"
set radius_authtypes "chap"
set radius_accounting no
set allow_duplicate_users yes
set cli_bind_address 127.0.0.1
set send_garp no
set cluster_interface lo
set cluster_hb_timeout 31
set echo_timeout 10
CFG
chmod -R go-rwx "$LNSETC"
# setsid: l2tpns signals its process group when it stops; ip netns exec,
# setsid, unshare and sh exec the next, so $! is l2tpns itself
ip netns exec "$NS" setsid unshare -m --propagation private \
	sh -c 'mount --bind "$0" /etc/l2tpns && exec l2tpns -c /etc/l2tpns/startup-config' "$LNSETC" \
	>"$T/l2tpns-out.txt" 2>&1 &
PIDS+=($!)
if ! wait_until 20 grep -q "I am declaring myself the master" "$T/l2tpns-log.txt"; then
	echo "l2tpns-peer: l2tpns did not start:" >&2
	tail -5 "$T/l2tpns-out.txt" >&2
	exit 1
fi
wait_until 10 grep -q "Ready to process requests" "$T/freeradius.log" ||
	{ echo "l2tpns-peer: freeradius did not start" >&2; tail -5 "$T/freeradius.log" >&2; exit 1; }
sleep 2   # its cluster election done, it answers SCCRQ only now

rc=0
ip netns exec "$NS" "$LOADGEN" --peer 127.0.0.2:1701 --ppp --phase "$N" --inflight "${INFLIGHT:-256}" \
	--timeout 60 >"$T/gen.out" 2>"$T/gen.err" || rc=$?
cat "$T/gen.out"
[ -s "$T/gen.err" ] && sed 's/^/loadgen: /' "$T/gen.err" >&2
if [ "$rc" != 0 ] || ! grep -q "^phase 0 sessions $N " "$T/gen.out"; then
	echo "l2tpns-peer: FAIL ($rc); l2tpns's log:" >&2
	grep -v -i secret "$T/l2tpns-log.txt" | tail -40 >&2
	exit 1
fi
echo "l2tpns-peer: $N sessions up at l2tpns"
