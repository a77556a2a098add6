#!/bin/bash
# SPDX-License-Identifier: MIT
# `meson install --destdir` into a temporary directory, then run what was
# installed from there: vpdnd --check on an installed example config,
# vpdnctl --help; check that the man pages (and that they format without
# warnings), the D-Bus policy and interface, the systemd unit, the SDK
# headers and pkg-config file, the modules and libvpdnd are installed.
. "$(dirname "$0")/lib.sh"

command -v meson >/dev/null || skip "meson not installed"
[ -f "$VPDND_BUILD_ROOT/build.ninja" ] || skip "not a meson build directory: $VPDND_BUILD_ROOT"

D="$T/destdir"
ok "meson install --destdir" meson install -C "$VPDND_BUILD_ROOT" --destdir "$D" --no-rebuild --quiet
PREFIX=$(meson introspect "$VPDND_BUILD_ROOT" --buildoptions |
	python3 -c 'import json,sys; print(next(o["value"] for o in json.load(sys.stdin) if o["name"] == "prefix"))')
R="$D$PREFIX"
check "the prefix exists ($PREFIX)" [ -d "$R" ]

VPDND_I=$(find "$R" -type f -name vpdnd -perm -u+x | head -n1)
VPDNCTL_I=$(find "$R" -type f -name vpdnctl -perm -u+x | head -n1)
LIB_I=$(find "$R" -name 'libvpdnd.so*' | head -n1)
MODDIR=$(dirname "$(find "$R" -name l2tp.so | head -n1)")
check "vpdnd installed" [ -n "$VPDND_I" ]
check "vpdnctl installed" [ -n "$VPDNCTL_I" ]
check "libvpdnd installed" [ -n "$LIB_I" ]
for m in l2tp ppp auth-local auth-radius isdn isdn-switch line dialer ip pppoe; do
	check "module $m.so installed" [ -f "$MODDIR/$m.so" ]
done
check "the test-only testcarrier module is not installed" [ -z "$(find "$R" -name testcarrier.so)" ]
check "the test-only isdn-testpeer module is not installed" [ -z "$(find "$R" -name isdn-testpeer.so)" ]
check "installed binaries do not point into the build tree" \
	! grep -q "RUNPATH.*$VPDND_BUILD_ROOT" <(readelf -d "$VPDND_I" "$VPDNCTL_I" 2>/dev/null)

export LD_LIBRARY_PATH
LD_LIBRARY_PATH=$(dirname "$LIB_I")

# --- run what was installed -------------------------------------------------
EX=$(find "$R" -path '*examples*' -name lns.conf | head -n1)
check "example configs installed" [ -n "$EX" ]
if [ -n "$EX" ] && [ -n "$VPDND_I" ]; then
	ok "installed vpdnd --check on the installed lns.conf" \
		env VPDND_MODULE_PATH="$MODDIR" "$VPDND_I" -c "$EX" --check
	contains "it lists the l2tp module" "$OUT$ERR" "l2tp"
	LAC_EX="$(dirname "$EX")/lac.conf"
	ok "installed vpdnd --check on the installed lac.conf" \
		env VPDND_MODULE_PATH="$MODDIR" "$VPDND_I" -c "$LAC_EX" --check
	printf 'modules = {"l2tp"}\nvpdn-group "1" {\n  hello = "x"\n}\n' >"$T/bad.conf"
	ko "installed vpdnd --check refuses a bad config with 78" 78 \
		env VPDND_MODULE_PATH="$MODDIR" "$VPDND_I" -c "$T/bad.conf" --check
	contains "naming file:line" "$ERR" "bad.conf:3"
	ok "installed vpdnd --version" "$VPDND_I" --version
fi
if [ -n "$VPDNCTL_I" ]; then
	ok "installed vpdnctl --help" "$VPDNCTL_I" --help
	contains "lists metrics" "$OUT" "metrics"
	contains "lists capture" "$OUT" "capture FILE"
fi

# --- data files -----------------------------------------------------------------
MAN="$R/share/man"
for p in man8/vpdnd.8 man8/vpdnctl.8 man5/vpdnd.conf.5 man5/vpdnd-radius.5; do
	check "man page $p installed" [ -f "$MAN/$p" ]
	if [ -f "$MAN/$p" ] && command -v groff >/dev/null; then
		W=$(groff -man -Tutf8 -ww "$MAN/$p" 2>&1 >/dev/null)
		check "$p formats without warnings" [ -z "$W" ]
		[ -z "$W" ] || printf '%s\n' "$W" | sed 's/^/#   /'
	fi
done
if command -v man >/dev/null && [ -f "$MAN/man5/vpdnd.conf.5" ]; then
	TXT=$(MANWIDTH=100 man -l "$MAN/man5/vpdnd.conf.5" 2>/dev/null)
	for opt in hostname modules vpdn-group initiate-to tunnel-password hello listen \
		ppp-chap-hostname dialer-pool ip-unnumbered username; do
		contains "vpdnd.conf(5) documents $opt" "$TXT" "$opt"
	done
fi
check "D-Bus policy installed" [ -f "$R/share/dbus-1/system.d/org.vpdnd.conf" ]
check "D-Bus interface XML installed" [ -f "$R/share/dbus-1/interfaces/org.vpdnd.Node1.xml" ]
check "the installed policy is well-formed XML" python3 -c \
	'import sys, xml.etree.ElementTree as E; E.parse(sys.argv[1])' "$R/share/dbus-1/system.d/org.vpdnd.conf"
UNIT=$(find "$D" -name vpdnd.service | head -n1)
check "systemd unit installed" [ -n "$UNIT" ]
[ -n "$UNIT" ] && contains "the unit runs the installed vpdnd" "$(cat "$UNIT")" "$PREFIX/"
for h in bus.h core.h dbus.h events.h interface.h link.h log.h module.h timer.h vpdnd.h; do
	check "SDK header vpdnd/$h installed" [ -f "$R/include/vpdnd/$h" ]
done
PC=$(find "$R" -name 'vpdnd*.pc' | head -n1)
if [ -n "$PC" ]; then
	_pass "pkg-config file installed ($(basename "$PC"))"
	if command -v cc >/dev/null; then
		printf '#include <vpdnd/vpdnd.h>\nconst struct vpdn_module *p;\nint main(void) { return 0; }\n' >"$T/sdk.c"
		ok "a program compiles against the installed headers" \
			cc -fsyntax-only -I"$R/include" $(pkg-config --cflags glib-2.0 libsystemd libconfuse 2>/dev/null) "$T/sdk.c"
	fi
fi

finish
