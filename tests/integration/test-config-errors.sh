#!/bin/sh
# Process-level config checks: a typo exits 78 naming file and line, loader
# refusals exit non-zero with one clear line, --check lists the modules.
set -u
. "$(dirname "$0")/check.sh"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export VPDND_MODULE_PATH="$VPDND_BUILD_ROOT/tests/unit"

cat > "$tmp/typo.conf" <<'CONF'
hostname = "LAC"
modules = {"good"}

good-greting = "hello"
CONF
out=$("$VPDND" -c "$tmp/typo.conf" --check 2>&1); rc=$?
check "typo exits 78" [ "$rc" -eq 78 ]
check "typo names file and line" expr "$out" : ".*$tmp/typo.conf:4:.*good-greting" 
check "typo is one line" [ "$(printf '%s\n' "$out" | wc -l)" -eq 1 ]

cat > "$tmp/capdir.conf" <<'CONF'
hostname = "LAC"
modules = {"good"}
capture-directory = "captures"
CONF
out=$("$VPDND" -c "$tmp/capdir.conf" --check 2>&1); rc=$?
check "a relative capture-directory exits 78" [ "$rc" -eq 78 ]
check "naming file and line" expr "$out" : ".*$tmp/capdir.conf:3:.*capture-directory must be an absolute path"

printf 'modules = {"good"}\ndbus-max-objects = 0\n' > "$tmp/maxobj.conf"
out=$("$VPDND" -c "$tmp/maxobj.conf" --check 2>&1); rc=$?
check "dbus-max-objects = 0 exits 78" [ "$rc" -eq 78 ]
check "naming file and line" expr "$out" : ".*$tmp/maxobj.conf:2:.*dbus-max-objects must be 1 to 1000000"

printf 'modules = {"good"\n' > "$tmp/syntax.conf"
out=$("$VPDND" -c "$tmp/syntax.conf" --check 2>&1); rc=$?
check "syntax error exits 78" [ "$rc" -eq 78 ]
check "syntax error names the file" expr "$out" : ".*$tmp/syntax.conf:[0-9]*:"

cat > "$tmp/good.conf" <<'CONF'
hostname = "LAC"
modules = {"needs-good", "good"}
good-greeting = "bonjour"
CONF
out=$("$VPDND" -c "$tmp/good.conf" --check 2>/dev/null); rc=$?
check "--check succeeds" [ "$rc" -eq 0 ]
check "--check lists modules in init order, name first" \
	[ "$(printf '%s\n' "$out" | cut -d' ' -f1 | tr '\n' ' ')" = "good needs-good " ]

for case in "bad-abi:wrong ABI" "needs-missing:requires module 'radius'" "nosuch:unknown module 'nosuch'"; do
	mod=${case%%:*}; text=${case#*:}
	printf 'modules = {"%s"}\n' "$mod" > "$tmp/$mod.conf"
	out=$("$VPDND" -c "$tmp/$mod.conf" --check 2>&1); rc=$?
	check "$mod refused with non-zero exit" [ "$rc" -ne 0 ]
	check "$mod refused with one clear line" sh -c '[ "$(printf "%s\n" "$1" | wc -l)" -eq 1 ] && printf "%s" "$1" | grep -qF "$2" && printf "%s" "$1" | grep -qF "$3:1:"' _ "$out" "$text" "$tmp/$mod.conf"
done
printf 'modules = {"good", "good"}\n' > "$tmp/dup.conf"
out=$("$VPDND" -c "$tmp/dup.conf" --check 2>&1); rc=$?
check "duplicate refused" sh -c '[ "$1" -ne 0 ] && printf "%s" "$2" | grep -q "duplicate module .good."' _ "$rc" "$out"

out=$("$VPDND" -c "$tmp/missing.conf" --check 2>&1); rc=$?
check "missing file exits 78" [ "$rc" -eq 78 ]

out=$("$VPDND" --bogus 2>&1); rc=$?
check "bad option is a usage error" [ "$rc" -eq 2 ]
check "--version" sh -c '"$1" --version | grep -q "^vpdnd "' _ "$VPDND"

# The scenario's configs validate with whatever modules exist.
unset VPDND_MODULE_PATH
for node in lac lns remote1 remote2 isdn-network; do
	f="$VPDND_SOURCE_ROOT/etc/$node.conf"
	[ -f "$f" ] || continue
	check "etc/$node.conf --check" "$VPDND" -c "$f" --check
done
finish
