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
libconfuse-dev
libsystemd-dev
libmicrohttpd-dev
libcunit1-dev
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
prometheus
curl
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
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
echo "deps: done"
