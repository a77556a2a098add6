# SPDX-License-Identifier: MIT
# shellcheck shell=bash
#
# The interop harness: real pppd, xl2tpd and the Linux kernel's PPP/L2TP in
# a QEMU virtual machine (TCG, no KVM), our vpdnd in a network namespace
# next to it. Source after tests/integration/lib.sh:
#
#   vm_init NAME         skip (exit 77) unless root, QEMU and the VM image
#                        (prepare.sh) can be had; creates the namespace $NS
#                        and the VM's share directory $SHARE (under $T)
#   node_start HOST CONF start vpdnd in $NS on the test's bus (log $T/HOST.log)
#   lns_conf PEER SRC [GROUP-LINES]  $T/lns.conf: our LNS (auth-local, ppp,
#                        l2tp, ip) on SRC accepting dial-ins from PEER,
#                        remote1@cisco.com/cisco (address 17.17.17.1),
#                        Virtual-Template1 with CHAP
#   INTEROP_DBG          the debug categories the tests turn on
#   lac_lns_start PCAP   start $T/lns.conf and $T/lac.conf, capture L2TP on lo
#   vm_start [QEMU-ARGS] boot the VM: its eth0 (192.0.2.2/24) is the tap
#                        "vm0" in $NS (192.0.2.1/24, made by vm_init); the VM runs $SHARE/run.sh,
#                        its output in $SHARE/vm.log (kept as $T/vm.log);
#                        run.sh starts with `. /mnt/vm-lib.sh` (helpers for
#                        the VM's side, written by vm_init: see there)
#   vm_serial ID PATH    QEMU args: a serial port (ttyS1, ttyS2, ... in the
#                        order given) as a UNIX socket server at PATH
#   vm_pty ID            QEMU args: a serial port on a pseudo-tty made by QEMU
#   vm_pty_link ID LINK  after vm_start: symlink LINK to that pty's slave (our
#                        `device` line opens LINK, retrying until it exists)
#   vm_wait_file F [S]   wait up to S seconds (default 60) for $SHARE/F
#   vm_say WORD          create $SHARE/WORD (run.sh polls for it)
#   vm_wait_done [S]     wait for the VM to power off; sets VM_RC
#   capture_start/capture_stop  tcpdump-like capture (tshark) on vm0 in $NS
#
# Everything started is stopped by the EXIT trap: QEMU, vpdnd, the bus,
# the capture, and the namespace (which takes the tap with it).

INTEROP_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
NS=""
SHARE=""
VM_DIR=""
VM_PID=""
VM_RC=""
CAP_PID=""

_vm_cleanup() {
	trap - EXIT INT TERM
	if [ -n "$VM_PID" ] && kill -0 "$VM_PID" 2>/dev/null; then
		kill -TERM "$VM_PID" 2>/dev/null
		sleep 0.5
		kill -KILL "$VM_PID" 2>/dev/null
		wait "$VM_PID" 2>/dev/null
	fi
	if [ -n "$CAP_PID" ]; then
		kill -TERM "$CAP_PID" 2>/dev/null
		wait "$CAP_PID" 2>/dev/null
	fi
	# The VM's own logs are kept with the nodes' (secrets scan).
	if [ -n "$SHARE" ]; then
		local f
		for f in "$SHARE"/*.log; do
			[ -f "$f" ] && cp "$f" "$T/vm-$(basename "$f")"
		done
	fi
	_lib_cleanup
	[ -n "$NS" ] && ip netns del "$NS" 2>/dev/null
	return 0
}

vm_init() {
	local name=$1
	[ "$(id -u)" -eq 0 ] || skip "needs root (network namespaces, tap devices)"
	command -v qemu-system-x86_64 >/dev/null || skip "qemu-system-x86_64 not installed (apt-get install qemu-system-x86)"
	[ -c /dev/net/tun ] || skip "no /dev/net/tun"
	command -v dbus-daemon >/dev/null || skip "no dbus-daemon"
	[ -x "$VPDND" ] || skip "vpdnd not built"
	local out
	out=$(bash "$INTEROP_DIR/prepare.sh")
	case $? in
	0) VM_DIR=$out ;;
	77) skip "${out#SKIP: }" ;;
	*) skip "prepare.sh failed: $out" ;;
	esac
	[ -f "$VM_DIR/vmlinuz" ] || skip "no VM image in $VM_DIR"
	echo "# VM image: $VM_DIR"
	sed 's/^/#   /' "$VM_DIR/versions"
	NS=vpi$$-$name
	trap _vm_cleanup EXIT
	trap 'exit 130' INT TERM
	ip netns add "$NS" || { _fail "create namespace $NS"; finish; }
	ip -n "$NS" link set lo up
	# The VM's Ethernet: a persistent tap that QEMU attaches to, so that
	# our nodes can bind 192.0.2.1 before the VM boots.
	ip -n "$NS" tuntap add dev vm0 mode tap || { _fail "create tap vm0"; finish; }
	ip -n "$NS" addr add 192.0.2.1/24 dev vm0
	ip -n "$NS" link set vm0 up
	SHARE=$T/share
	mkdir -p "$SHARE"
	chmod 755 "$T" "$SHARE"
	_vm_lib >"$SHARE/vm-lib.sh"
	start_bus
}

# The helpers of the VM's side (busybox sh), /mnt/vm-lib.sh in the VM
# (sourcing it also makes /etc/xl2tpd and /var/run/xl2tpd):
#   w FILE [TICKS]      wait for the host's marker /mnt/FILE (0.1 s ticks,
#                       default 900)
#   ppp_up TEXT [TICKS] wait until `ip -4 addr` shows TEXT (default 900)
#   ppp_gone [TICKS]    wait until no pppd runs (default 150)
#   eth0_up             192.0.2.2/24 on eth0 (the tap to our namespace)
#   xl2tpd_conf         /etc/xl2tpd/xl2tpd.conf: the common [global]
#                       (192.0.2.2, /etc/xl2tpd/l2tp-secrets, debug on),
#                       then the sections read from stdin
_vm_lib() {
	cat <<'VMLIB'
mkdir -p /etc/xl2tpd /var/run/xl2tpd
w() { i=0; while [ ! -e "/mnt/$1" ] && [ $i -lt ${2:-900} ]; do sleep 0.1; i=$((i+1)); done; [ -e "/mnt/$1" ]; }
ppp_up() { i=0; while [ $i -lt ${2:-900} ]; do ip -4 addr 2>/dev/null | grep -q "$1" && return 0; sleep 0.1; i=$((i+1)); done; return 1; }
ppp_gone() { i=0; while pidof pppd >/dev/null && [ $i -lt ${1:-150} ]; do sleep 0.1; i=$((i+1)); done; ! pidof pppd >/dev/null; }
eth0_up() { ip addr add 192.0.2.2/24 dev eth0 && ip link set eth0 up; }
xl2tpd_conf() {
	{
		printf '[global]\nlisten-addr = 192.0.2.2\nauth file = /etc/xl2tpd/l2tp-secrets\n'
		printf 'access control = no\ndebug tunnel = yes\ndebug state = yes\n'
		cat
	} >/etc/xl2tpd/xl2tpd.conf
}
VMLIB
}

INTEROP_DBG=(-d "isdn events" -d "dialer events" -d "ppp negotiation" -d "ppp authentication"
	-d "vpdn events" -d "vpdn l2x-events" -d "vpdn l2x-errors" -d "vtemplate" -d "ip events")

# lac_lns_start PCAP: our LNS ($T/lns.conf) and LAC ($T/lac.conf) in $NS
# with INTEROP_DBG, and a capture of the L2TP between them (on the
# namespace's lo) into PCAP; a failed start ends the test.
lac_lns_start() {
	node_start LNS "$T/lns.conf" "${INTEROP_DBG[@]}" || { _fail "our LNS starts in the namespace"; finish; }
	node_start LAC "$T/lac.conf" "${INTEROP_DBG[@]}" || { _fail "our LAC starts in the namespace"; finish; }
	ip netns exec "$NS" tshark -i lo -f "udp port 1701" -w "$1" -q >"$T/tshark.log" 2>&1 &
	CAP_PID=$!
	check "capture of L2TP on the namespace's lo" wait_until 10 grep -q "Capturing on" "$T/tshark.log"
}

# lns_conf PEER SRC [GROUP-LINES]: $T/lns.conf (see the header)
lns_conf() {
	write_config lns.conf <<EOF
hostname = "LNS"
modules = {"auth-local", "ppp", "l2tp", "ip"}
username "remote1@cisco.com" { password = "cisco"  ip-address = "17.17.17.1" }
vpdn { enable = true }
vpdn-group "1" {
  accept-dialin { protocol = "l2tp"  virtual-template = 1 }
  terminate-from = "$1"
  local-name = "LNS"
  tunnel-password = "l2tptunnel"
  source-ip = "$2"
${3:-}
}
l2tp { listen = {"$2"} }
interface "Loopback0" { ip-address = "18.18.18.2/32" }
interface "Virtual-Template1" {
  ip-unnumbered = "Loopback0"
  ppp-authentication = {"chap"}
  ppp-chap-hostname = "LNS"
}
EOF
}

in_ns() { ip netns exec "$NS" "$@"; }

# node_start HOST CONF [ARGS]: vpdnd in $NS on $BUS; waits for its name.
node_start() {
	local host=$1 conf=$2 i
	shift 2
	# ip netns exec execs the command: $! is vpdnd itself.
	ip netns exec "$NS" "$VPDND" -c "$conf" --bus "$BUS" "$@" >>"$T/$host.log" 2>&1 &
	NODE_PIDS[$host]=$!
	for ((i = 0; i < 200; i++)); do
		name_on_bus "$(node_name "$host")" && return 0
		kill -0 "${NODE_PIDS[$host]}" 2>/dev/null || break
		sleep 0.05
	done
	sed 's/^/#   /' "$T/$host.log"
	return 1
}

vm_serial() { # ID PATH: a serial port of the VM as a UNIX socket server
	echo "-chardev socket,id=$1,path=$2,server=on,wait=off -serial chardev:$1"
}

vm_pty() { # ID: a serial port of the VM on a pty (QEMU prints its name)
	echo "-chardev pty,id=$1 -serial chardev:$1"
}
vm_pty_link() { # ID LINK: QEMU logs "char device redirected to /dev/pts/N (label ID)"
	local pts
	wait_until 10 grep -q "redirected to .* (label $1)" "$T/qemu.log" || return 1
	pts=$(sed -n "s|.*redirected to \(/dev/pts/[0-9]*\) (label $1).*|\1|p" "$T/qemu.log" | head -n1)
	[ -c "$pts" ] && ln -sfn "$pts" "$2"
}

# vm_start [QEMU-ARGS...]: boot; returns when run.sh starts (VM-READY), or 1.
vm_start() {
	rm -f "$SHARE/vm.log"
	# shellcheck disable=SC2068
	ip netns exec "$NS" qemu-system-x86_64 -machine q35 -m 256 -nographic -no-reboot -nodefaults \
		-kernel "$VM_DIR/vmlinuz" -initrd "$VM_DIR/initramfs.gz" \
		-append "console=ttyS0 quiet panic=-1" \
		-serial "file:$T/console.log" \
		-virtfs "local,path=$SHARE,mount_tag=share,security_model=none,id=fs0" \
		-netdev tap,id=n0,ifname=vm0,script=no,downscript=no \
		-device virtio-net-pci,netdev=n0,mac=52:54:00:12:34:56 \
		$@ >"$T/qemu.log" 2>&1 &
	VM_PID=$!
	wait_until 60 grep -q VM-READY "$T/console.log" || { sed 's/^/#   console: /' "$T/console.log"; return 1; }
}

vm_wait_file() { wait_until "${2:-60}" test -e "$SHARE/$1"; }
vm_say() { touch "$SHARE/$1"; }

vm_wait_done() {
	local s=${1:-60}
	if wait_until "$s" grep -q VM-DONE "$T/console.log"; then
		VM_RC=$(sed -n 's/.*VM-DONE rc=\([0-9]*\).*/\1/p' "$T/console.log" | head -n1)
		wait_until 10 sh -c "! kill -0 $VM_PID" && { wait "$VM_PID" 2>/dev/null; VM_PID=""; }
		return 0
	fi
	VM_RC=timeout
	return 1
}

# vm_file F: the content of $SHARE/F (empty if none)
vm_file() { cat "$SHARE/$1" 2>/dev/null; }
vm_log_has() { grep -qE -- "$2" "$SHARE/$1" 2>/dev/null; }
log_has() { grep -qE -- "$2" "$T/$1.log"; }

# capture_start FILE: capture every packet on vm0 into FILE (pcap).
capture_start() {
	command -v tshark >/dev/null || return 1
	ip netns exec "$NS" tshark -i vm0 -w "$1" -q >"$T/tshark.log" 2>&1 &
	CAP_PID=$!
	wait_until 10 grep -q "Capturing on" "$T/tshark.log"
}
capture_stop() {
	[ -n "$CAP_PID" ] || return 0
	sleep 0.5
	kill -TERM "$CAP_PID" 2>/dev/null
	wait "$CAP_PID" 2>/dev/null
	CAP_PID=""
}
# capture_check FILE: decodes in tshark with no malformed packet. Sets
# CAP_SUMMARY (the protocols seen).
capture_check() {
	local f=$1
	[ -s "$f" ] || return 1
	tshark -r "$f" >"$T/tshark-read.txt" 2>&1 || return 1
	! grep -qiE 'malformed|\[Exception' "$T/tshark-read.txt"
}

# vpdn_json HOST: "tunnels sessions users" from vpdnctl --json show vpdn.
vpdn_json() {
	"$VPDNCTL" --bus "$BUS" -n "$1" --json show vpdn | python3 -c '
import json, sys
d = json.load(sys.stdin)
print(len(d["tunnels"]), len(d["sessions"]),
      ",".join(sorted(s.get("username") or "-" for s in d["sessions"])))'
}
vpdn_is() { [ "$(vpdn_json "$1" 2>/dev/null)" = "$2" ]; }
