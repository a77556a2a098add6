#!/bin/sh
# Install exactly the Debian packages vpdnd needs to build, test, demo and
# benchmark. Idempotent; silent when everything is present.
set -eu

PKGS="
build-essential
meson
ninja-build
pkg-config
python3
libglib2.0-dev
libglib2.0-bin
libconfuse-dev
libsystemd-dev
libmicrohttpd-dev
libjson-glib-dev
libmnl-dev
debhelper
dpkg-dev
libcunit1-dev
libpcap-dev
dbus
iproute2
iputils-ping
procps
psmisc
binutils
xl2tpd
tshark
clang
libclang-rt-14-dev
valgrind
gnuplot-nox
qemu-system-x86
busybox-static
ppp
pppoe
l2tpns
freeradius
freeradius-utils
prometheus
curl
isc-dhcp-client
iperf3
"

missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

echo "deps: installing:$missing"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
	if command -v sudo >/dev/null 2>&1; then SUDO=sudo; else
		echo "deps: need root (or sudo) to install:$missing" >&2; exit 1
	fi
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# tshark asks whether non-root users may capture; answer no, unattended.
echo "wireshark-common wireshark-common/install-setuid boolean false" | $SUDO debconf-set-selections
# Some packages (freeradius, l2tpns) start a system service from their
# postinst. The tests start their own instances in namespaces, never the
# system's: forbid starting services during the install (policy-rc.d, exit
# 101 = "action forbidden"), unless one is in place already (containers).
POLICY=/usr/sbin/policy-rc.d
OWN_POLICY=""
if [ ! -e "$POLICY" ]; then
	trap '[ -z "$OWN_POLICY" ] || $SUDO rm -f "$POLICY"' EXIT
	trap 'exit 130' INT TERM
	printf '#!/bin/sh\n# vpdnd scripts/deps.sh: no service starts during the install\nexit 101\n' |
		$SUDO tee "$POLICY" >/dev/null
	$SUDO chmod 755 "$POLICY"
	OWN_POLICY=1
fi
rc=0
$SUDO apt-get install -y -qq -o DPkg::Lock::Timeout=300 --no-install-recommends $missing >/dev/null || rc=$?
[ -z "$OWN_POLICY" ] || { $SUDO rm -f "$POLICY"; OWN_POLICY=""; }
[ "$rc" -eq 0 ] || { echo "deps: apt-get install failed ($rc)" >&2; exit "$rc"; }
# Belt and braces: where systemd runs, keep those services stopped and
# disabled (the tests never use them); without systemd, kill what a
# postinst may have started regardless of policy-rc.d.
for svc in freeradius l2tpns; do
	case " $missing " in *" $svc "*) ;; *) continue ;; esac
	if [ -d /run/systemd/system ]; then
		$SUDO systemctl disable --now "$svc" >/dev/null 2>&1 || :
	elif command -v pidof >/dev/null && pids=$(pidof "$svc"); then
		$SUDO kill $pids 2>/dev/null || :
	fi
done
echo "deps: done"
