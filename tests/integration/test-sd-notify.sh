#!/bin/bash
# SPDX-License-Identifier: MIT
# systemd notifications (core/sd-notify.c) seen on a NOTIFY_SOCKET the test
# binds itself (python3, AF_UNIX SOCK_DGRAM), as systemd would: READY=1
# with STATUS= once the node listens, STATUS= updated when a tunnel and a
# session come up, RELOADING=1 (with MONOTONIC_USEC=) then READY=1 on
# SIGHUP, WATCHDOG=1 every WATCHDOG_USEC/2 from the main loop, STOPPING=1 on
# SIGTERM; a stuck loop (SIGSTOP) stops WATCHDOG=1 and a supervisor acting
# as systemd (Restart=on-watchdog) restarts the node. Then the unit file:
# systemd-analyze verify, and its hardening
# keeps the TUN device, pty lines, the state and runtime directories.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-testcarrier.sh"

tc_require
command -v python3 >/dev/null || skip "python3 not installed"
PORT=$(free_port 127.0.0.1 127.0.0.2)
[ -n "$PORT" ] || skip "no free UDP port"

start_bus

# The listener: one line per datagram, its newlines shown as '|'.
SOCK=$T/notify.sock
NLOG=$T/notify.txt
spawn notify python3 -u -c '
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
open(sys.argv[2], "w").close()
while True:
    d = s.recv(4096).decode(errors="replace")
    with open(sys.argv[2], "a") as f:
        f.write(d.replace("\n", "|") + "\n")
' "$SOCK" "$NLOG"
wait_until 5 test -S "$SOCK" || { _fail "notify socket bound"; finish; }

write_config lac.conf <<CONF
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
CONF
write_config lns.conf <<CONF
hostname = "LNS"
modules = {"l2tp", "testcarrier"}
vpdn { enable = true }
vpdn-group "1" {
  accept-dialin { protocol = "l2tp"  virtual-template = 1 }
  terminate-from = "LAC"
  local-name = "LNS"
  tunnel-password = "l2tptunnel"
  source-ip = "127.0.0.2"
}
l2tp { listen = {"127.0.0.2"}  port = $PORT }
CONF

nlines() { grep -c -- "$1" "$NLOG" 2>/dev/null || true; }
has() { grep -q -- "$1" "$NLOG"; }

# Only the LNS gets NOTIFY_SOCKET; WATCHDOG_PID unset means "this process".
NOTIFY_SOCKET=$SOCK WATCHDOG_USEC=400000 start_node LNS "$T/lns.conf" \
	|| { _fail "LNS starts"; finish; }
LNS_PID=$NODE_PID
start_node LAC "$T/lac.conf" || { _fail "LAC starts"; finish; }

wait_until 5 has "READY=1"
check "READY=1 once the node listens" has "^READY=1|STATUS="
check "first STATUS: nothing established" has "STATUS=0 tunnels, 0 sessions established"
check "READY=1 came after the node was on the bus" name_on_bus org.vpdnd.Node.LNS
sleep 1
W=$(nlines "^WATCHDOG=1$")
check "WATCHDOG=1 about every 200 ms ($W in ~1 s)" [ "$W" -ge 2 ]

ok "DialIn remote1@cisco.com" tc LAC DialIn sss remote1@cisco.com 6122 211
wait_until 10 state_is LAC 1 up
check "session up" state_is LAC 1 up
wait_until 5 has "^STATUS=1 tunnel, 1 session established$"
check "STATUS= updated when the counts changed" has "^STATUS=1 tunnel, 1 session established$"
S=$(nlines "^STATUS=1 tunnel, 1 session established$")
sleep 1.5
check "STATUS= not repeated while the counts stay ($S)" \
	[ "$(nlines "^STATUS=1 tunnel, 1 session established$")" -eq "$S" ]

R0=$(nlines "^READY=1")
kill -HUP "$LNS_PID"
wait_until 5 [ "$(nlines "^READY=1")" -gt "$R0" ]
check "RELOADING=1 with MONOTONIC_USEC on SIGHUP" has "^RELOADING=1|MONOTONIC_USEC=[0-9][0-9]*|"
check "then READY=1 again" [ "$(nlines "^READY=1")" -gt "$R0" ]
check "RELOADING=1 before the second READY=1" python3 -c '
import sys
l = open(sys.argv[1]).read().splitlines()
r = [i for i, x in enumerate(l) if x.startswith("RELOADING=1")]
y = [i for i, x in enumerate(l) if x.startswith("READY=1")]
assert r and len(y) >= 2 and y[0] < r[0] < y[1], (r, y)' "$NLOG"
check "the session survived the reload" state_is LAC 1 up

# A refused reload still ends with READY=1 (systemd waits for it).
echo "this is not a config {" >>"$T/lns.conf"
R1=$(nlines "^READY=1")
kill -HUP "$LNS_PID"
wait_until 5 [ "$(nlines "^READY=1")" -gt "$R1" ]
check "READY=1 after a refused reload, STATUS says so" has "^READY=1|STATUS=.*(last reload refused)"

stop_node LNS
# The node sent STOPPING=1 before it exited; the listener may not have
# written it yet (it reads the socket on its own time).
wait_until 2 has "^STOPPING=1"
check "STOPPING=1 on SIGTERM" has "^STOPPING=1"
W1=$(nlines "^WATCHDOG=1$")
sleep 0.6
check "no WATCHDOG=1 once stopped" [ "$(nlines "^WATCHDOG=1$")" -eq "$W1" ]

# A node without l2tp, WATCHDOG_PID naming another process: READY=1 with
# a plain STATUS=, and no WATCHDOG=1 (the watchdog is not ours).
: >"$NLOG"
write_config plain.conf <<CONF
hostname = "PLAIN"
CONF
NOTIFY_SOCKET=$SOCK WATCHDOG_USEC=200000 WATCHDOG_PID=1 spawn plain "$VPDND" -c "$T/plain.conf" --no-bus
wait_until 5 has "^READY=1"
check "READY=1 without modules, STATUS=running" has "^READY=1|STATUS=running$"
sleep 0.5
check "no WATCHDOG=1 when WATCHDOG_PID is another process" [ "$(nlines "^WATCHDOG=1$")" -eq 0 ]
stop_node plain
wait_until 2 has "^STOPPING=1"
check "STOPPING=1 there too" has "^STOPPING=1"

# --- a stuck main loop ----------------------------------------------------
# WATCHDOG=1 is sent from the main loop, so a loop that stops turning stops
# it. A small supervisor plays systemd's part (WatchdogSec=, Restart=
# on-watchdog): it starts the node, and when WATCHDOG_USEC passes without
# WATCHDOG=1 it sends SIGABRT (systemd's WatchdogSignal), SIGKILL after
# 1 s, and starts it again. The test freezes the first node with SIGSTOP,
# which is what a stuck loop looks like from outside.
ulimit -c 0
SUP_LOG=$T/supervisor.txt
cat >"$T/supervisor.py" <<'PY'
import os, signal, socket, subprocess, sys, time
sock_path, log_path, argv = sys.argv[1], sys.argv[2], sys.argv[3:]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sock_path)
log = open(log_path, "a", buffering=1)
usec = 1000000
p = None
def stop(*_):
    # Stopping the supervisor stops its node, as systemctl stop would.
    if p is not None and p.poll() is None:
        p.terminate()
        p.wait()
    sys.exit(0)
signal.signal(signal.SIGTERM, stop)
for run in (1, 2):
    env = dict(os.environ, NOTIFY_SOCKET=sock_path, WATCHDOG_USEC=str(usec))
    p = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    log.write("start %d pid %d\n" % (run, p.pid))
    ready = False
    last = time.monotonic()
    while True:
        s.settimeout(0.05)
        try:
            d = s.recv(4096).decode(errors="replace")
            if "READY=1" in d and not ready:
                ready = True
                log.write("ready %d pid %d\n" % (run, p.pid))
            if "WATCHDOG=1" in d:
                last = time.monotonic()
        except socket.timeout:
            pass
        if p.poll() is not None:
            log.write("exited %d\n" % run)
            break
        if ready and time.monotonic() - last > usec / 1e6:
            log.write("watchdog timeout %d pid %d\n" % (run, p.pid))
            p.send_signal(signal.SIGABRT)
            try:
                p.wait(1)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
            log.write("killed %d\n" % run)
            break
PY
spawn supervisor python3 -u "$T/supervisor.py" "$T/sup.sock" "$SUP_LOG" "$VPDND" -c "$T/plain.conf" --no-bus
sup_has() { grep -q -- "$1" "$SUP_LOG" 2>/dev/null; }
wait_until 5 sup_has "^ready 1 "
check "supervised node READY=1" sup_has "^ready 1 "
P1=$(sed -n 's/^ready 1 pid //p' "$SUP_LOG")
sleep 2
check "no watchdog timeout while the loop turns (2 s, timeout 1 s)" ! sup_has "watchdog timeout"
kill -STOP "$P1"
wait_until 10 sup_has "^killed 1"
check "the stuck node missed its watchdog and was killed" sup_has "^watchdog timeout 1 pid $P1"
wait_until 5 sup_has "^ready 2 "
P2=$(sed -n 's/^ready 2 pid //p' "$SUP_LOG")
check "restarted: a new process is READY=1" [ -n "$P2" ] && [ "$P2" != "$P1" ]
check "the stuck process is gone" sh -c "[ -n '$P1' ] && ! kill -0 '$P1' 2>/dev/null"
sleep 2
check "the new node keeps its watchdog" sh -c "[ -n '$P2' ] && ! grep -q 'watchdog timeout 2' '$SUP_LOG'"
stop_node supervisor
check "the supervisor's node stopped with it" sh -c "[ -n '$P2' ] && ! kill -0 '$P2' 2>/dev/null"

# --- the unit file ---------------------------------------------------------
UNIT_IN=$VPDND_SOURCE_ROOT/systemd/vpdnd.service.in
U=$(cat "$UNIT_IN")
contains "Type=notify" "$U" "Type=notify"
contains "NotifyAccess=main" "$U" "NotifyAccess=main"
contains "WatchdogSec= set" "$U" "WatchdogSec="
contains "reload is SIGHUP" "$U" 'ExecReload=/bin/kill -HUP $MAINPID'
contains "hardening kept: ProtectSystem=strict" "$U" "ProtectSystem=strict"
contains "TUN device allowed" "$U" "DeviceAllow=/dev/net/tun rw"
contains "pty lines allowed" "$U" "DeviceAllow=/dev/ptmx rw"
contains "a writable state directory (captures)" "$U" "StateDirectory=vpdnd"
contains "the runtime directory (ISDN socket)" "$U" "RuntimeDirectory=vpdnd"
contains "netlink for routes and TUN" "$U" "AF_NETLINK"
# systemctl restart keeps the sessions through the fd store (docs/RESTART.md)
contains "an fd store for systemctl restart" "$U" "FileDescriptorStoreMax=16384"
contains "exit 75 (vpdnctl restart fdstore) restarts" "$U" "RestartForceExitStatus=75"

if ! command -v systemd-analyze >/dev/null; then
	echo "SKIP: systemd-analyze verify: systemd-analyze not installed"
else
	mkdir -p "$T/unit/man/man5" "$T/unit/man/man8"
	cp "$VPDND_SOURCE_ROOT"/man/*.8 "$T/unit/man/man8/"
	cp "$VPDND_SOURCE_ROOT"/man/*.5 "$T/unit/man/man5/"
	sed -e "s|@sbindir@|$(dirname "$VPDND")|g" -e "s|@sysconfdir@|$T/unit|g" \
		"$UNIT_IN" >"$T/unit/vpdnd.service"
	if (cd "$T/unit" && MANPATH=$T/unit/man systemd-analyze verify ./vpdnd.service) \
		>"$T/verify.out" 2>&1; then
		if grep -q "vpdnd.service" "$T/verify.out"; then
			_fail "systemd-analyze verify: complaints about vpdnd.service"
			sed 's/^/#   /' "$T/verify.out"
		else
			_pass "systemd-analyze verify vpdnd.service"
		fi
	elif grep -qi "not booted\|Failed to connect\|System has not been booted" "$T/verify.out"; then
		echo "SKIP: systemd-analyze verify cannot run here: $(head -n1 "$T/verify.out")"
	else
		_fail "systemd-analyze verify vpdnd.service"
		sed 's/^/#   /' "$T/verify.out"
	fi
	# The check itself can fail: an unknown key is reported.
	sed 's/^Type=notify$/Type=notify\nBogusKey=1/' "$T/unit/vpdnd.service" >"$T/unit/bad.service"
	(cd "$T/unit" && MANPATH=$T/unit/man systemd-analyze verify ./bad.service) >"$T/verify-bad.out" 2>&1
	check "systemd-analyze verify reports a bad key" grep -q "BogusKey" "$T/verify-bad.out"
fi

finish
