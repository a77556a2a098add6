#!/bin/bash
# SPDX-License-Identifier: MIT
# The ip module in a running vpdnd, inside a private network namespace
# (this script re-runs itself under `unshare -n`; the host is never
# touched): Loopback0's address on lo, the idle Dialer2 TUN with its static
# route, a real packet to 17.17.17.2 taken as interesting traffic (no dialer
# module: dropped and logged), and nothing left after SIGTERM.
if [ -z "${VPDND_IP_IN_NETNS:-}" ]; then
	[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root"; exit 77; }
	[ -c /dev/net/tun ] || { echo "SKIP: no /dev/net/tun"; exit 77; }
	command -v unshare >/dev/null && command -v ip >/dev/null ||
		{ echo "SKIP: needs unshare and ip"; exit 77; }
	unshare -n true 2>/dev/null || { echo "SKIP: cannot unshare the network namespace"; exit 77; }
	VPDND_IP_IN_NETNS=1 exec unshare -n bash "$0" "$@"
fi

. "$(dirname "$0")/lib.sh"

ip link set lo up || skip "cannot bring lo up"

cat >"$T/lns.conf" <<CONF
modules = {"ppp", "ip"}
hostname = "LNS"
interface "Loopback0" { ip-address = "18.18.18.2/32" }
interface "Virtual-Template1" { ip-unnumbered = "Loopback0" }
interface "Dialer2" { ip-dialer = true }
ip-route "17.17.17.2/32" { interface = "Dialer2" }
ip { dod-queue = 4 dod-timeout = 2000 }
CONF
chmod 600 "$T/lns.conf"

ok "config checks" "$VPDND" -c "$T/lns.conf" --check
"$VPDND" -c "$T/lns.conf" --no-bus -d "ip events" -d "dialer events" >"$T/lns.log" 2>&1 &
PID=$!
has_dialer() { ip link show dialer2; }
check "dialer2 appears" wait_until 10 has_dialer
run ip -4 route show 17.17.17.2/32
contains "static route on dialer2" "$OUT" "dev dialer2"
run ip -4 addr show dev lo
contains "Loopback0 address on lo" "$OUT" "18.18.18.2/32"
run ip link show dialer2
contains "dialer2 is up" "$OUT" ",UP"

# A real packet routed to the idle dialer.
echo probe >/dev/udp/17.17.17.2/9 2>/dev/null
logged() { grep -q "interesting traffic to 17.17.17.2" "$T/lns.log"; }
check "interesting traffic seen" wait_until 10 logged
contains "unclaimed traffic dropped" "$(cat "$T/lns.log")" "nobody dials"

kill -TERM "$PID"
wait "$PID"
check "vpdnd exits cleanly" [ $? -eq 0 ]
check "dialer2 removed" ! ip link show dialer2
run ip -4 addr show dev lo
lacks "Loopback0 address removed" "$OUT" "18.18.18.2"
run ip -4 route show 17.17.17.2/32
check "no route left" [ -z "$OUT" ]
finish
