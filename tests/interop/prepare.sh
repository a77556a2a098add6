#!/bin/bash
# SPDX-License-Identifier: MIT
# Assemble the interop VM from Debian packages, into a cache outside the
# repository (nothing binary is committed):
#
#   $CACHE/linux-image-*.deb         fetched with `apt-get download`
#   $CACHE/kernel-<ver>/             dpkg-deb -x of it (vmlinuz, modules)
#   $CACHE/vm-<key>/vmlinuz          the kernel to boot
#   $CACHE/vm-<key>/initramfs.gz     busybox-static, the host's pppd (and its
#                                    plugins), xl2tpd, ip, their libraries
#                                    (ldd), the kernel modules and tests/interop/init
#
# <key> hashes the kernel version, the host packages' versions and the init
# script, so a change of any rebuilds. Prints the vm directory on stdout.
# On failure prints "SKIP: <why>" on stdout and exits 77.
#
# Environment: VPDND_INTEROP_CACHE (default /var/cache/vpdnd-interop when
# writable, else ${XDG_CACHE_HOME:-~/.cache}/vpdnd-interop).
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
skip() { echo "SKIP: $*"; exit 77; }
log() { echo "# prepare: $*" >&2; }

if [ -n "${VPDND_INTEROP_CACHE:-}" ]; then
	CACHE=$VPDND_INTEROP_CACHE
elif mkdir -p /var/cache/vpdnd-interop 2>/dev/null && [ -w /var/cache/vpdnd-interop ]; then
	CACHE=/var/cache/vpdnd-interop
else
	CACHE=${XDG_CACHE_HOME:-$HOME/.cache}/vpdnd-interop
fi
mkdir -p "$CACHE" || skip "cannot create the cache $CACHE"

for tool in busybox pppd xl2tpd ip gzip ldd dpkg-deb python3; do
	command -v "$tool" >/dev/null 2>&1 || skip "$tool not installed (scripts/deps.sh installs the interop packages)"
done
busybox --list 2>/dev/null | grep -qx insmod || skip "busybox has no insmod"
file_is_static() { ! ldd "$1" >/dev/null 2>&1; }
BUSYBOX=$(command -v busybox)
file_is_static "$BUSYBOX" || skip "$BUSYBOX is not static (install busybox-static)"
PPPD_PLUGINS=$(ls -d /usr/lib/pppd/*/ 2>/dev/null | head -n1)
[ -n "$PPPD_PLUGINS" ] && [ -f "$PPPD_PLUGINS/pppol2tp.so" ] || skip "pppd's pppol2tp.so plugin not found"

# --- the kernel ----------------------------------------------------------------
# The full flavour (linux-image-amd64, not -cloud-): PPP and L2TP as modules.
kdeb=$(ls -t "$CACHE"/linux-image-[0-9]*-amd64_*.deb 2>/dev/null | head -n1)
if [ -z "$kdeb" ] || [ -n "${VPDND_INTEROP_REFRESH:-}" ]; then
	kpkg=$(apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/ { print $2; exit }')
	[ -n "$kpkg" ] || skip "apt-cache does not know linux-image-amd64 (run apt-get update)"
	log "apt-get download $kpkg"
	(cd "$CACHE" && apt-get download "$kpkg" >/dev/null 2>"$CACHE/download.err") ||
		skip "apt-get download $kpkg failed: $(tail -n1 "$CACHE/download.err")"
	kdeb=$(ls -t "$CACHE"/"$kpkg"_*.deb 2>/dev/null | head -n1)
fi
[ -n "$kdeb" ] || skip "no linux-image package in $CACHE"
kname=$(basename "$kdeb" .deb)
KDIR=$CACHE/kernel-$kname
if [ ! -f "$KDIR/.done" ]; then
	log "extract $kname"
	rm -rf "$KDIR" && mkdir -p "$KDIR" && dpkg-deb -x "$kdeb" "$KDIR" || skip "dpkg-deb -x $kdeb failed"
	touch "$KDIR/.done"
fi
VMLINUZ=$(ls "$KDIR"/boot/vmlinuz-* 2>/dev/null | head -n1)
[ -n "$VMLINUZ" ] || skip "no vmlinuz in $kdeb"
KVER=${VMLINUZ##*/vmlinuz-}
MODDIR=$KDIR/lib/modules/$KVER

# --- the key ---------------------------------------------------------------------
versions=$(dpkg-query -W -f='${Package}=${Version}\n' busybox-static ppp xl2tpd iproute2 pppoe 2>/dev/null)
key=$( { echo "$kname"; echo "$versions"; cat "$HERE/init" "$0"; } | sha256sum | cut -c1-16)
VM=$CACHE/vm-$key
if [ -f "$VM/.done" ]; then
	echo "$VM"
	exit 0
fi

log "assemble the initramfs in $VM"
rm -rf "$VM" && mkdir -p "$VM/root" || skip "cannot write $VM"
R=$VM/root
mkdir -p "$R"/{bin,sbin,usr/bin,usr/sbin,etc/ppp,lib,lib64,proc,sys,dev,mnt,tmp,run,var/run/xl2tpd,lib/modules}
cp "$BUSYBOX" "$R/bin/busybox"
cp "$HERE/init" "$R/init" && chmod 755 "$R/init"

# Binaries and their libraries, at the paths the dynamic loader expects.
copy_with_libs() {
	local f lib
	for f in "$@"; do
		mkdir -p "$R$(dirname "$f")"
		cp -L "$f" "$R$f"
		for lib in $(ldd "$f" 2>/dev/null | grep -oE '/[^ ]+'); do
			[ -e "$R$lib" ] && continue
			mkdir -p "$R$(dirname "$lib")"
			cp -L "$lib" "$R$lib"
		done
	done
}
copy_with_libs "$(command -v pppd)" "$(command -v xl2tpd)" "$(command -v ip)" \
	"$(command -v xl2tpd-control 2>/dev/null || echo /usr/sbin/xl2tpd)" "$PPPD_PLUGINS"/*.so
# rp-pppoe's pppoe-server (and the pppoe it runs under pppd), when the
# `pppoe` package is installed: our PPPoE client dials it.
for f in /usr/sbin/pppoe-server /usr/sbin/pppoe; do
	[ -x "$f" ] && copy_with_libs "$f"
done
# xl2tpd runs pppd by this path.
[ -e "$R/usr/sbin/pppd" ] || { mkdir -p "$R/usr/sbin"; cp "$(command -v pppd)" "$R/usr/sbin/pppd"; }
printf 'root:x:0:0:root:/:/bin/sh\n' >"$R/etc/passwd"
printf 'root:x:0:\n' >"$R/etc/group"
: >"$R/etc/ppp/options"

# Kernel modules, in load order (dependencies first, from .modinfo).
python3 - "$MODDIR" "$R/lib/modules" >"$R/modules.order" <<'EOF' || skip "kernel modules missing"
import os, shutil, sys
moddir, dest = sys.argv[1], sys.argv[2]
want = ["virtio_pci", "virtio_net", "9pnet_virtio", "9p", "ppp_async", "ppp_generic",
        "pppox", "l2tp_core", "l2tp_ppp", "l2tp_netlink", "l2tp_ip", "tun", "pppoe"]
paths = {}
for root, _, files in os.walk(os.path.join(moddir, "kernel")):
    for f in files:
        if f.endswith(".ko"):
            paths[f[:-3].replace("-", "_")] = os.path.join(root, f)
def deps(name):
    data = open(paths[name], "rb").read()
    i = data.find(b"\0depends=")
    if i < 0:
        return []
    s = data[i + 9:data.index(b"\0", i + 9)].decode()
    return [d.replace("-", "_") for d in s.split(",") if d]
order, seen = [], set()
def visit(n):
    if n in seen:
        return
    seen.add(n)
    if n not in paths:
        sys.exit("module %s not found" % n)
    for d in deps(n):
        visit(d)
    order.append(n)
for n in want:
    if n in paths:
        visit(n)
    elif n in ("virtio_pci", "virtio_net", "9pnet_virtio", "9p", "tun", "l2tp_ip", "pppoe"):
        continue  # built in, or optional
    else:
        sys.exit("module %s not found" % n)
for n in order:
    shutil.copy(paths[n], os.path.join(dest, n + ".ko"))
    print(n)
EOF
for m in ppp_generic pppox l2tp_ppp; do
	grep -qx "$m" "$R/modules.order" || skip "the kernel package has no $m module"
done

(cd "$R" && find . | "$BUSYBOX" cpio -o -H newc 2>/dev/null | gzip -1 >"$VM/initramfs.gz") || skip "cpio failed"
cp "$VMLINUZ" "$VM/vmlinuz"
{ echo "kernel $kname"; echo "$versions"; } >"$VM/versions"
rm -rf "$R"
touch "$VM/.done"
echo "$VM"
