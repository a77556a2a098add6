#!/bin/bash
# SPDX-License-Identifier: MIT
# Restart in place at scale (issue #21, docs/RESTART.md): the bench's
# loadgen plays a LAC with 1 000 PPP users (proxy LCP and CHAP, IPCP) over
# two tunnels to one LNS (auth-local, ppp, l2tp, ip in shared TUN mode),
# in a private network namespace (this script re-runs itself under
# `unshare -n`), and sends IP traffic through the sessions in turn
# (--hold-pps: each packet to the user's own address, the LNS's TUN
# routes it back). Meanwhile the LNS is restarted in place twice:
#   (a) `vpdnctl restart` with the same binary;
#   (b) after a rebuilt binary of the same version was installed over
#       the one it runs (objcopy adds a section: another file, other
#       bytes, the same VPDND_VERSION; installed by rename, as a package
#       does): the version check accepts it and the new file runs.
# Every session survives: the same pid, the same tunnel and session IDs
# in `show vpdn`, and loadgen sees no CDN, StopCCN or LCP/IPCP Terminate
# (it exits 1 at the first CDN or StopCCN, counts PPP downs) and gets
# its traffic back but for a few packets; it prints the longest gap
# without a packet back (the switch time at 1 000 sessions). A state
# from another version is refused in restart-l2tp.
#
# Cost: ~15 s (the hold is 12 s).
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
# The users' packets to themselves go out of the TUN again: forwarding.
sysctl -qw net.ipv4.ip_forward=1 net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0 \
	net.ipv4.conf.all.send_redirects=0 net.ipv4.conf.default.send_redirects=0
[ -x "$VPDNCTL" ] || skip "vpdnctl not built"
command -v objcopy >/dev/null || skip "no objcopy (binutils) for the rebuilt binary"
LOADGEN=$VPDND_BUILD_ROOT/bench/loadgen
[ -x "$LOADGEN" ] || skip "bench/loadgen not built"
M=$VPDND_BUILD_ROOT/modules
export VPDND_MODULE_PATH="$M/auth-local:$M/ppp:$M/l2tp:$M/ip"
N=${VPDND_RESTART_SESSIONS:-1000}
HOLD=${VPDND_RESTART_HOLD:-12}

# The LNS runs a copy of the binary (and its library, found by RUNPATH
# $ORIGIN) at a path of its own: (b) installs the rebuilt one over it.
mkdir -p "$T/bin" "$T/state"
cp "$VPDND" "$VPDND_BUILD_ROOT/core/libvpdnd.so.0" "$T/bin/"
VPDND=$T/bin/vpdnd

start_bus
write_config lns.conf <<EOF
hostname = "LNS"
modules = {"auth-local", "ppp", "l2tp", "ip"}
state-directory = "$T/state"
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
  # the generator's users choose their own addresses (17.0.0.1 up)
  ppp-ipcp-accept-peer-address = true
}
EOF
start_node LNS "$T/lns.conf" || { _fail "LNS starts"; finish; }
LNS_PID=$NODE_PID
LNS_LOG=$T/LNS.log

# The IDs of every tunnel and session, sorted: one line each.
ids() {
	"$VPDNCTL" -n LNS --json show vpdn | python3 -c '
import json, sys
d = json.load(sys.stdin)
for t in sorted((t["local_id"], t["remote_id"], t["state"]) for t in d["tunnels"]):
    print("T", *t)
for s in sorted((s["tunnel_id"], s["local_id"], s["remote_id"]) for s in d["sessions"]):
    print("S", *s)'
}
nsess() { grep -c '^S' "$1"; }
log_has() { grep -qF -- "$2" "$1"; }

spawn gen "$LOADGEN" --peer 127.0.0.2:1701 --ppp --tunnels 2 --phase "$N" --hold "$HOLD" \
	--hold-pps 2000 --timeout 60
check "loadgen sets up $N PPP sessions" wait_until 60 grep -q "^phase 0 sessions" "$T/gen.log"
grep "^phase 0 sessions" "$T/gen.log" | sed 's/^/# /'
ids >"$T/ids0"
all_there() { [ "$(nsess "$1")" = "$N" ] && [ "$(grep -c '^T .* est$' "$1")" = 2 ]; }
check "show vpdn: $N sessions over 2 tunnels ($(nsess "$T/ids0"))" all_there "$T/ids0"

# --- (a) the same binary --------------------------------------------------------
t0=$(date +%s%N)
ok "vpdnctl restart (same binary)" "$VPDNCTL" -n LNS restart
echo "# vpdnctl restart returned after $((($(date +%s%N) - t0) / 1000000)) ms"
check "the same process" kill -0 "$LNS_PID"
check "l2tp restored 2 tunnels, $N sessions" \
	log_has "$LNS_LOG" "L2TP: restart: restored 2 tunnels, $N sessions (0 tunnels, 0 sessions could not be)"
check "ppp restored $N sessions, none lost" \
	log_has "$LNS_LOG" "ppp: restart: $N session(s) restored in place, 0 lost"
ids >"$T/ids1"
check "the same tunnel and session IDs ($(nsess "$T/ids1") sessions)" cmp -s "$T/ids0" "$T/ids1"

# --- (b) a rebuilt binary of the same version installed over it --------------------
echo "rebuilt $(date +%s%N)" >"$T/rebuilt.txt"
ok "a rebuilt binary (objcopy adds a section)" \
	objcopy --add-section .vpdnd.rebuilt="$T/rebuilt.txt" "$T/bin/vpdnd" "$T/bin/vpdnd.new"
ok "same version" "$T/bin/vpdnd.new" --version
NEWVER=$OUT
ok "installed over the running one (rename)" mv -f "$T/bin/vpdnd.new" "$T/bin/vpdnd"
ok "old version" "$VPDND_BUILD_ROOT/core/vpdnd" --version
check "the rebuilt binary's version is the same ($NEWVER)" [ "$NEWVER" = "$OUT" ]
OLDSUM=$(sha256sum </proc/"$LNS_PID"/exe)
NEWSUM=$(sha256sum <"$T/bin/vpdnd")
check "the running binary differs from the installed one" [ "$OLDSUM" != "$NEWSUM" ]
ok "vpdnctl restart (rebuilt binary)" "$VPDNCTL" -n LNS restart
contains "restart 2" "$OUT" "Restarted in place (restart 2)"
check "the same process" kill -0 "$LNS_PID"
check "it runs the rebuilt binary now" [ "$(sha256sum </proc/"$LNS_PID"/exe)" = "$NEWSUM" ]
check "the state was accepted" [ "$(grep -c "restarting in place (restart 2)" "$LNS_LOG")" = 1 ]
check "no state refused" ! log_has "$LNS_LOG" "%SYS-4-RESTART"
ids >"$T/ids2"
check "the same tunnel and session IDs again ($(nsess "$T/ids2") sessions)" cmp -s "$T/ids0" "$T/ids2"

# --- what loadgen saw ---------------------------------------------------------------
wait_node_exit gen $((HOLD + 20))
GEN_RC=$?
sed 's/^/# loadgen: /' "$T/gen.log" | grep -v "^# loadgen: rss\|^# loadgen: watch" >&2
check "loadgen ran to its end (exit 0: no CDN, no StopCCN)" [ "$GEN_RC" = 0 ]
check "no CDN" ! grep -q "CDN\|cdn_received" "$T/gen.log"
check "no StopCCN" ! grep -q "StopCCN" "$T/gen.log"
check "no PPP session went down (Terminate)" ! grep -q "ppp_ipcp_downs" "$T/gen.log"
read -r SENT BACK GAP <<<"$(sed -n 's/^hold_ip_sent \([0-9]*\) back \([0-9]*\) max_gap_ms \([0-9.]*\).*/\1 \2 \3/p' "$T/gen.log")"
few_lost() { [ "${SENT:-0}" -gt 1000 ] && [ "$((BACK * 100))" -ge "$((SENT * 95))" ]; }
check "traffic through the sessions ($BACK of $SENT back)" few_lost
echo "# longest gap without a packet back: ${GAP:-?} ms (two restarts in place, $N sessions)"
ids >"$T/ids3"
check "the sessions are still up after the hold" cmp -s "$T/ids0" "$T/ids3"
check "the LNS runs" kill -0 "$LNS_PID"
finish
