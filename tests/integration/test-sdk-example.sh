#!/bin/bash
# SPDX-License-Identifier: MIT
# The SDK: install the build into a temporary DESTDIR, build
# examples/hello-module out of tree with its own Makefile and pkg-config,
# run the installed vpdnd with it, read its D-Bus property with busctl and
# see it receive events (config reload, its own event type).
. "$(dirname "$0")/lib.sh"

command -v dbus-daemon >/dev/null || skip "dbus-daemon not installed"
command -v busctl >/dev/null || skip "busctl not installed"
command -v make >/dev/null || skip "make not installed"
command -v pkg-config >/dev/null || skip "pkg-config not installed"

DEST=$T/dest
# Not --no-rebuild: meson test builds only what the selected tests depend
# on, and an install needs every target (modules included).
ok "meson install into a DESTDIR" env DESTDIR="$DEST" \
	meson install -C "$VPDND_BUILD_ROOT" --quiet
[ "$RC" -eq 0 ] || finish

# The prefix the build was configured with, as installed under $DEST.
PREFIX=$(python3 - "$VPDND_BUILD_ROOT" <<'PY'
import json, subprocess, sys
opts = json.loads(subprocess.check_output(
    ['meson', 'introspect', '--buildoptions', sys.argv[1]]))
print(next(o['value'] for o in opts if o['name'] == 'prefix'))
PY
)
ROOT=$DEST$PREFIX
PC=$(find "$ROOT" -name vpdnd.pc -path '*/pkgconfig/*' | head -n1)
check "vpdnd.pc is installed" [ -n "$PC" ]
check "SDK headers are installed" [ -f "$ROOT/include/vpdnd/vpdnd.h" ]
check "the module map is installed" [ -f "$ROOT/share/vpdnd/module.map" ]
check "vpdnd is installed" [ -x "$ROOT/sbin/vpdnd" ]
check "vpdnctl is installed" [ -x "$ROOT/bin/vpdnctl" ]
check "the D-Bus policy is installed" [ -f "$ROOT/share/dbus-1/system.d/org.vpdnd.conf" ]
check "the systemd unit is installed" [ -f "$ROOT/lib/systemd/system/vpdnd.service" ]
grep -q "^ExecStart=$PREFIX/sbin/vpdnd " "$ROOT/lib/systemd/system/vpdnd.service"
check "the unit runs the installed vpdnd" [ $? -eq 0 ]
[ -n "$PC" ] || finish

export PKG_CONFIG_PATH
PKG_CONFIG_PATH=$(dirname "$PC")
PKGCONF="pkg-config --define-variable=prefix=$ROOT"
LIBDIR=$($PKGCONF --variable=libdir vpdnd)
check "pkg-config: libdir inside the DESTDIR" [ -f "$LIBDIR/libvpdnd.so" ]
check "pkg-config: moduledir variable" [ "$($PKGCONF --variable=moduledir vpdnd)" = "$LIBDIR/vpdnd/modules" ]
check "pkg-config: modulemap variable" [ -f "$($PKGCONF --variable=modulemap vpdnd)" ]

# Out of tree: a copy of the example, nothing from the source tree.
cp -r "$VPDND_SOURCE_ROOT/examples/hello-module" "$T/hello"
rm -f "$T/hello/hello.so"
ok "make builds the example against the installed SDK" make -C "$T/hello" PKG_CONFIG="$PKGCONF"
check "hello.so built" [ -f "$T/hello/hello.so" ]
EXPORTS=$(nm -D --defined-only "$T/hello/hello.so" 2>/dev/null | awk '$2 ~ /^[A-Z]$/ && $2 != "A" {print $3}')
check "hello.so exports only vpdn_module" [ "$EXPORTS" = "vpdn_module" ]
ok "make install puts it into the moduledir" make -C "$T/hello" PKG_CONFIG="$PKGCONF" install
check "installed into the moduledir" [ -f "$LIBDIR/vpdnd/modules/hello.so" ]

# Module ABI 2: the descriptor carries its size; a module built for
# another ABI is refused by the installed vpdnd with one line.
check "hello is an ABI 2 descriptor with its size" grep -q '\.size = sizeof(struct vpdn_module)' "$T/hello/hello.c"
cp -r "$T/hello" "$T/old"
sed -i 's/\.abi = VPDN_MODULE_ABI,/.abi = 1,/' "$T/old/hello.c"
rm -f "$T/old/hello.so"
ok "an ABI 1 descriptor still builds" make -C "$T/old" PKG_CONFIG="$PKGCONF"
printf 'modules = {"hello"}\n' > "$T/old.conf"
chmod 600 "$T/old.conf"
OLD_OUT=$(LD_LIBRARY_PATH="$LIBDIR${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" VPDND_MODULE_PATH="$T/old" \
	"$ROOT/sbin/vpdnd" --check -c "$T/old.conf" 2>&1); OLD_RC=$?
check "the installed vpdnd refuses it (exit 78)" [ "$OLD_RC" -eq 78 ]
check "with one clear line" sh -c '[ "$(printf "%s\n" "$1" | wc -l)" -eq 1 ] && printf "%s" "$1" | grep -qF "wrong ABI version 1 (this vpdnd loads ABI 2 only): rebuild it against this SDK"' _ "$OLD_OUT"

start_bus
write_config hello.conf <<EOF
hostname = "SDK"
modules = {"hello"}
hello-greeting = "Hello from an out-of-tree module"
EOF
export LD_LIBRARY_PATH="$LIBDIR${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
VPDND="$ROOT/sbin/vpdnd"
VPDND_MODULE_PATH="$T/hello" start_node SDK "$T/hello.conf" || { _fail "installed vpdnd starts with hello"; finish; }
_pass "installed vpdnd runs with the hello module"

NAME=$(node_name SDK)
H=(/org/vpdnd/module/hello org.vpdnd.Hello1)
ok "busctl reads Greeting" busctl --address="$BUS" get-property "$NAME" "${H[@]}" Greeting
check "Greeting is the configured one" [ "$OUT" = 's "Hello from an out-of-tree module"' ]
ok "busctl reads EventsSeen" busctl --address="$BUS" get-property "$NAME" "${H[@]}" EventsSeen
check "no events yet" [ "$OUT" = "u 0" ]
ok "Module1.Name" busctl --address="$BUS" get-property "$NAME" /org/vpdnd/module/hello \
	org.vpdnd.Module1 Name
check "Module1.Name is hello" [ "$OUT" = 's "hello"' ]
ok "vpdnctl (installed) lists the module" "$ROOT/bin/vpdnctl" show modules
contains "hello in show modules" "$OUT" "hello"
contains "with its description" "$OUT" "Example out-of-tree module"

ok "Ping publishes the module's own event" busctl --address="$BUS" call "$NAME" "${H[@]}" Ping
check "the handler saw it" [ "$OUT" = "u 1" ]

sed -i 's/Hello from an out-of-tree module/Hello again/' "$T/hello.conf"
ok "reload" "$ROOT/bin/vpdnctl" reload
ok "EventsSeen after reload" busctl --address="$BUS" get-property "$NAME" "${H[@]}" EventsSeen
check "CONFIG_RELOADED reached the module" [ "$OUT" = "u 2" ]
ok "Greeting after reload" busctl --address="$BUS" get-property "$NAME" "${H[@]}" Greeting
check "the new greeting is in force" [ "$OUT" = 's "Hello again"' ]

ok "shutdown" "$ROOT/bin/vpdnctl" shutdown
wait_node_exit SDK 10
check "vpdnd exits 0 (hello finalised)" [ $? -eq 0 ]

finish
