#!/bin/bash
# SPDX-License-Identifier: MIT
# Packaging (issue #20): the debian/ directory builds a .deb with
# dpkg-buildpackage from a copy of the source tree; the package holds what
# `meson install` puts where Debian expects it (binaries, modules, the
# SDK, man pages, the unit, the D-Bus policy, example configs); it installs
# with dpkg into a scratch root (its own dpkg database), and the installed
# vpdnd, loading only the installed modules, accepts every installed
# example config with --check.
. "$(dirname "$0")/lib.sh"

for c in dpkg-buildpackage dh dpkg-deb git; do
	command -v "$c" >/dev/null || skip "$c not installed (make deps installs it)"
done

SRC=$T/src
mkdir -p "$SRC"
# The tracked files only: no build directory, no capture, no local state.
if git -C "$VPDND_SOURCE_ROOT" rev-parse --git-dir >/dev/null 2>&1; then
	git -C "$VPDND_SOURCE_ROOT" ls-files -z | (cd "$VPDND_SOURCE_ROOT" && tar --null -T - -cf -) |
		tar -xf - -C "$SRC"
else
	tar -C "$VPDND_SOURCE_ROOT" --exclude='./build*' -cf - . | tar -xf - -C "$SRC"
fi
check "the source tree has debian/control and debian/rules" test -f "$SRC/debian/control" -a -x "$SRC/debian/rules"
ok "build dependencies installed (dpkg-checkbuilddeps)" sh -c "cd '$SRC' && dpkg-checkbuilddeps"

# The .deb lands beside the source directory.
if (cd "$SRC" && dpkg-buildpackage -b -us -uc >"$T/build.txt" 2>&1); then
	_pass "dpkg-buildpackage -b builds"
else
	_fail "dpkg-buildpackage -b builds"
	tail -30 "$T/build.txt"
	finish
fi
DEB=$(ls "$T"/vpdnd_*_*.deb 2>/dev/null | head -1)
check "one vpdnd .deb" test -n "$DEB" -a -f "$DEB"

dpkg-deb -c "$DEB" | awk '{print $6}' | sed 's|^\./|/|' >"$T/contents.txt"
MA=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
for f in /usr/sbin/vpdnd /usr/bin/vpdnctl \
	/usr/lib/$MA/libvpdnd.so.0 /usr/lib/$MA/pkgconfig/vpdnd.pc /usr/include/vpdnd/module.h \
	/usr/lib/$MA/vpdnd/modules/l2tp.so /usr/lib/$MA/vpdnd/modules/ppp.so \
	/usr/lib/$MA/vpdnd/modules/ip.so /usr/lib/$MA/vpdnd/modules/auth-local.so \
	/usr/lib/systemd/system/vpdnd.service /usr/share/dbus-1/system.d/org.vpdnd.conf \
	/usr/share/man/man5/vpdnd.conf.5.gz /usr/share/man/man8/vpdnd.8.gz /usr/share/man/man8/vpdnctl.8.gz \
	/usr/share/doc/vpdnd/examples/lns.conf /usr/share/doc/vpdnd/examples/lac.conf \
	/usr/share/doc/vpdnd/copyright; do
	check "the package holds $f" grep -qx "$f" "$T/contents.txt"
done
check "nothing under /usr/local or a build path" ! grep -qE '^/usr/local|/build|obj-' "$T/contents.txt"
check "no test module in the package" ! grep -qE 'testcarrier|testpeer' "$T/contents.txt"
# Its dependencies come from the libraries it links (dh_shlibdeps).
DEPS=$(dpkg-deb -f "$DEB" Depends)
check "Depends names libglib2.0-0 and libconfuse2 (shlibs)" sh -c "echo '$DEPS' | grep -q libglib2.0-0 && echo '$DEPS' | grep -q libconfuse2"

# Install into a scratch root with its own dpkg database. The libraries it
# depends on are this machine's, so dependencies are forced there.
R=$T/root
mkdir -p "$R/var/lib/dpkg/info" "$R/var/lib/dpkg/updates" "$R/var/lib/dpkg/triggers"
: >"$R/var/lib/dpkg/status"
: >"$R/var/lib/dpkg/available"
ok "dpkg --root installs it" dpkg --root="$R" --log=/dev/null --force-depends -i "$DEB"
check "dpkg says: install ok installed" sh -c "dpkg --root='$R' -s vpdnd | grep -qx 'Status: install ok installed'"
check "the unit is not enabled by the package" test ! -e "$R/etc/systemd/system/multi-user.target.wants/vpdnd.service"

L=$R/usr/lib/$MA
for c in lns lac remote1 remote2 isdn-network; do
	# As an operator would: copy the example, keep it private.
	install -m 600 "$R/usr/share/doc/vpdnd/examples/$c.conf" "$T/$c.conf"
	ok "installed vpdnd --check accepts the example $c.conf" \
		env LD_LIBRARY_PATH="$L" VPDND_MODULE_PATH="$L/vpdnd/modules" "$R/usr/sbin/vpdnd" --check -c "$T/$c.conf"
done
# The modules were the scratch root's: with the module path elsewhere,
# nothing else on this machine provides them.
mkdir -p "$T/empty"
check "without the scratch root's module path, no l2tp module is found" ! \
	env LD_LIBRARY_PATH="$L" VPDND_MODULE_PATH="$T/empty" "$R/usr/sbin/vpdnd" --check -c "$T/lns.conf"
# The installed binary finds its own libvpdnd, not the build tree's.
check "vpdnd links the installed libvpdnd" sh -c \
	"LD_LIBRARY_PATH='$L' ldd '$R/usr/sbin/vpdnd' | grep -q '$L/libvpdnd.so.0'"
ok "installed vpdnctl runs" env LD_LIBRARY_PATH="$L" "$R/usr/bin/vpdnctl" --help
finish
