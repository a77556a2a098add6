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

for case in "bad-abi:wrong ABI" "abi1:wrong ABI version 1 (this vpdnd loads ABI 2 only)" "needs-missing:requires module 'radius'" "nosuch:unknown module 'nosuch'"; do
	mod=${case%%:*}; text=${case#*:}
	printf 'modules = {"%s"}\n' "$mod" > "$tmp/$mod.conf"
	out=$("$VPDND" -c "$tmp/$mod.conf" --check 2>&1); rc=$?
	check "$mod refused with non-zero exit" [ "$rc" -ne 0 ]
	check "$mod refused with one clear line" sh -c '[ "$(printf "%s\n" "$1" | wc -l)" -eq 1 ] && printf "%s" "$1" | grep -qF "$2" && printf "%s" "$1" | grep -qF "$3:1:"' _ "$out" "$text" "$tmp/$mod.conf"
done
# ABI 2: a request a module needs and nobody answers is a config error
# at the modules line; one it only uses is a warning of --check.
printf 'modules = {"asker"}\n' > "$tmp/asker.conf"
chmod 600 "$tmp/asker.conf"
out=$("$VPDND" -c "$tmp/asker.conf" --check 2>&1); rc=$?
check "unanswered need exits 78" [ "$rc" -eq 78 ]
check "unanswered need named at the modules line" sh -c 'printf "%s\n" "$1" | grep -qxF "vpdnd: $2:1: AUTH_REQUEST: no module loaded answers it (needed by asker)"' _ "$out" "$tmp/asker.conf"
check "unanswered use is a warning" sh -c 'printf "%s\n" "$1" | grep -qxF "vpdnd: warning: SECRET_REQUEST: no module loaded answers it (asked by asker: those requests fail)"' _ "$out"
printf 'modules = {"asker", "answerer"}\n' > "$tmp/answered.conf"
chmod 600 "$tmp/answered.conf"
out=$("$VPDND" -c "$tmp/answered.conf" --check 2>&1); rc=$?
check "answered requests: --check succeeds quietly" sh -c '[ "$1" -eq 0 ] && ! printf "%s" "$2" | grep -q "answers it"' _ "$rc" "$out"
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

# Exact file:line on the shipped configs themselves (libconfuse 3.3 counts
# each # or // comment line three times, each C comment one line too many):
# a bad option goes before every line where a statement may start, in each
# shipped config as shipped, with its comments rewritten as // and as
# C comments, with its second half in an included file, with a section's
# body in an included file, with and without the ${ENV} the configs use.
awk_lines="$VPDND_SOURCE_ROOT/tests/integration/config-lines.awk"
tried=0
wrong=0
inject() { # IN LINE OUT TEXT: OUT is IN with the line TEXT before line LINE
	awk -v at="$2" -v text="$4" 'NR == at { print text } { print } END { if (at > NR) print text }' "$1" > "$3"
}
expect_at() { # CONF FILE LINE NAME: --check of CONF refuses NAME at FILE:LINE
	tried=$((tried + 1))
	out=$("$VPDND" -c "$1" --check 2>&1); rc=$?
	case $out in
	*"$2:$3: no such option '$4'"*) [ "$rc" -eq 78 ] && return 0 ;;
	esac
	wrong=$((wrong + 1))
	[ "$wrong" -le 5 ] && echo "  want $2:$3 ($4), got rc $rc: $(printf '%s' "$out" | head -2)"
	return 1
}
sweep() { # FILE CONF: a bad option before every insertion point of FILE (a part of CONF)
	n=$(wc -l < "$1")
	cp "$1" "$1.orig"
	for at in $(awk -v mode=points -f "$awk_lines" "$1.orig" 2>/dev/null) $((n + 1)); do
		name="vpdnd-bogus-$at"
		inject "$1.orig" "$at" "$1" "$name = \"\${HOME}-\${NO_SUCH_VAR:-x}\""
		expect_at "$2" "$1" "$at" "$name"
	done
	mv "$1.orig" "$1"
}
shipped=""
for f in "$VPDND_SOURCE_ROOT"/etc/*.conf "$VPDND_SOURCE_ROOT"/modules/*/*.conf "$VPDND_SOURCE_ROOT"/examples/*/*.conf; do
	[ -f "$f" ] && shipped="$shipped $f"
done
sweep_config() { # F: the sweeps of one shipped config, every style
	f=$1
	base=$(basename "$f" .conf)
	for style in as-shipped slash block; do
		d="$tmp/$style"; mkdir -p "$d"
		c="$d/$base.conf"
		if [ $style = as-shipped ]; then cp "$f" "$c"; else awk -v mode=$style -f "$awk_lines" "$f" > "$c"; fi
		"$VPDND" -c "$c" --check >/dev/null 2>&1 || { echo "  $style $base.conf does not pass --check"; wrong=$((wrong + 1)); }
		sweep "$c" "$c"
		[ $style = as-shipped ] && VPDND_ISDN_SOCKET=/tmp/elsewhere.sock sweep "$c" "$c"
		# the second half in an included file
		tops=$(awk -v mode=top -f "$awk_lines" "$c" 2>/dev/null)
		mid=$(echo $tops | tr ' ' '\n' | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
		m="$d/$base-main.conf"; t="$d/$base-tail.conf"
		head -n $((mid - 1)) "$c" > "$m"; echo 'include("'"$base"'-tail.conf")  # the rest' >> "$m"
		tail -n +"$mid" "$c" > "$t"
		"$VPDND" -c "$m" --check >/dev/null 2>&1 || { echo "  $style $base-main.conf does not pass --check"; wrong=$((wrong + 1)); }
		sweep "$t" "$m"
		sweep "$m" "$m"
		# a section's body in an included file
		sec=$(awk -v mode=sections -f "$awk_lines" "$c" 2>&1 >/dev/null | tail -n 1)
		if [ -n "$sec" ]; then
			o=${sec% *}; e=${sec#* }
			m="$d/$base-sec.conf"; b="$d/$base-body.conf"
			{ head -n "$o" "$c"; echo '  include("'"$base"'-body.conf")'; tail -n +"$e" "$c"; } > "$m"
			sed -n "$((o + 1)),$((e - 1))p" "$c" > "$b"
			"$VPDND" -c "$m" --check >/dev/null 2>&1 || { echo "  $style $base-sec.conf does not pass --check"; wrong=$((wrong + 1)); }
			sweep "$b" "$m"
			sweep "$m" "$m"
		fi
	done
}
# The sweep is CPU-bound (one vpdnd --check per placement, 3900 of them):
# two workers, each with its own files (every path above is per config
# and style) and counters; the configs go to the less loaded one, largest
# first (lines as the measure). The second worker's counts come back in a
# file.
w1=""; w2=""; n1=0; n2=0
for f in $(for f in $shipped; do echo "$(wc -l < "$f") $f"; done | sort -rn | cut -d' ' -f2); do
	if [ "$n1" -le "$n2" ]; then w1="$w1 $f"; n1=$((n1 + $(wc -l < "$f")))
	else w2="$w2 $f"; n2=$((n2 + $(wc -l < "$f"))); fi
done
(
	for f in $w2; do sweep_config "$f"; done
	echo "$tried $wrong" > "$tmp/worker2.counts"
) &
worker2=$!
for f in $w1; do sweep_config "$f"; done
wait "$worker2"
read -r t2 x2 < "$tmp/worker2.counts" || { t2=0; x2=1; echo "  worker 2 left no counts"; }
tried=$((tried + t2)); wrong=$((wrong + x2))
echo "  $tried placements in $(echo "$shipped" | wc -w | tr -d ' ') shipped configs, $wrong wrong"
check "shipped configs: every injected error names its exact file and line" \
	sh -c '[ "$1" -gt 2000 ] && [ "$2" -eq 0 ]' _ "$tried" "$wrong"

# A section left open at the end of the file (libconfuse accepts it).
printf 'modules = {"l2tp"}\n# c\nvpdn-group "1" {\n  local-name = "LAC"\n' > "$tmp/open.conf"
out=$("$VPDND" -c "$tmp/open.conf" --check 2>&1); rc=$?
check "unterminated section exits 78" [ "$rc" -eq 78 ]
check "unterminated section names file and opening line" expr "$out" : ".*$tmp/open.conf:3: section vpdn-group \"1\" is not closed"
printf '# c\n/* c\n */ modules = {"l2tp"} // c\nl2tp { hello = 60 }\n/* not closed\n' > "$tmp/opencomment.conf"
out=$("$VPDND" -c "$tmp/opencomment.conf" --check 2>&1); rc=$?
check "unterminated comment exits 78 naming its line" sh -c '[ "$1" -eq 78 ] && expr "$2" : ".*opencomment.conf:5: unterminated comment"' _ "$rc" "$out"
printf 'modules = {"l2tp"}\nl2tp {\n  hello = 60\n}\n' > "$tmp/part.conf"
printf 'include("part.conf")\ninclude("missing.conf")\n' > "$tmp/inc-missing.conf"
out=$("$VPDND" -c "$tmp/inc-missing.conf" --check 2>&1); rc=$?
check "include of a missing file names the include line" sh -c '[ "$1" -eq 78 ] && expr "$2" : ".*inc-missing.conf:2: include(\"missing.conf\"): cannot read"' _ "$rc" "$out"
printf 'include("self.conf")\n' > "$tmp/self.conf"
out=$("$VPDND" -c "$tmp/self.conf" --check 2>&1); rc=$?
check "an include cycle is refused" sh -c '[ "$1" -eq 78 ] && expr "$2" : ".*self.conf:1: .*includes itself"' _ "$rc" "$out"
# libconfuse's include stack was never unwound after an error in an
# included file: after ten failed parses every include failed.
printf 'bogus-in-include = 1\n' > "$tmp/bad-part.conf"
printf 'modules = {"l2tp"}\ninclude("bad-part.conf")\n' > "$tmp/inc-bad.conf"
out=$("$VPDND" -c "$tmp/inc-bad.conf" --check 2>&1)
check "an error in an included file names that file" expr "$out" : ".*$tmp/bad-part.conf:1: no such option 'bogus-in-include'"

# --check catches what used to pass and fail later, silently.
mkdir -p "$tmp/cs-dir"
printf 'remote1 * secret *\n' > "$tmp/chap-secrets"
for cs in "$tmp/no-such-chap-secrets:No such file" "$tmp/cs-dir:is a directory"; do
	path=${cs%%:*}; why=${cs#*:}
	printf 'modules = {"auth-local"}\n# c\nauth-local {\n  chap-secrets = {"%s", "%s"}\n}\n' "$tmp/chap-secrets" "$path" > "$tmp/cs.conf"
	out=$("$VPDND" -c "$tmp/cs.conf" --check 2>&1); rc=$?
	check "chap-secrets $why: refused at --check" sh -c '[ "$1" -eq 78 ] && printf "%s" "$2" | grep -qF "$3:4: auth-local: chap-secrets \"$4\": $5"' _ "$rc" "$out" "$tmp/cs.conf" "$path" "$why"
done
printf 'modules = {"auth-local"}\nauth-local { chap-secrets = {"%s"} }\n' "$tmp/chap-secrets" > "$tmp/cs.conf"
check "a readable chap-secrets file passes" "$VPDND" -c "$tmp/cs.conf" --check
cat > "$tmp/vt.conf" <<'CONF'
modules = {"ppp", "l2tp"}
# an LNS whose template is missing
vpdn-group "1" {
  accept-dialin { protocol = "l2tp"  virtual-template = 7 }
  terminate-from = "LAC"
}
interface "Virtual-Template1" { }
CONF
out=$("$VPDND" -c "$tmp/vt.conf" --check 2>&1); rc=$?
check "virtual-template 7 without Virtual-Template7 refused" sh -c '[ "$1" -eq 78 ] && printf "%s" "$2" | grep -qF "$3:3: vpdn-group 1: virtual-template = 7 but no interface \"Virtual-Template7\""' _ "$rc" "$out" "$tmp/vt.conf"
sed -i 's/Virtual-Template1/virtual-template 7/' "$tmp/vt.conf"
check "with it (any case or spacing) it passes" "$VPDND" -c "$tmp/vt.conf" --check
cat > "$tmp/pw.conf" <<'CONF'
modules = {"l2tp"}
vpdn-group "1" {
  accept-dialin { protocol = "l2tp"  virtual-template = 1 }
  tunnel-password = "${VPDND_TEST_UNSET_SECRET}"
}
CONF
out=$(env -u VPDND_TEST_UNSET_SECRET "$VPDND" -c "$tmp/pw.conf" --check 2>&1); rc=$?
check "an empty tunnel-password is refused" sh -c '[ "$1" -eq 78 ] && printf "%s" "$2" | grep -qF "$3:4: vpdn-group 1: tunnel-password is empty"' _ "$rc" "$out" "$tmp/pw.conf"
out=$(VPDND_TEST_UNSET_SECRET=s3cret "$VPDND" -c "$tmp/pw.conf" --check 2>&1); rc=$?
check "a set one passes" [ "$rc" -eq 0 ]

# 40 000 username sections: libconfuse compared each title with every
# earlier one (n*n/2 strcmp, 43 s here); a smoke run within the test's
# timeout (the unit test counts the comparisons: none).
awk 'BEGIN { print "modules = {\"auth-local\"}"; for (i = 0; i < 40000; i++) printf "username \"u%d@example.com\" { password = \"p%d\" }\n", i, i }' > "$tmp/users.conf"
echo 'username "u17@example.com" { password = "again" }' >> "$tmp/users.conf"
out=$("$VPDND" -c "$tmp/users.conf" --check 2>&1); rc=$?
check "40 000 users: a duplicate found at its line" sh -c '[ "$1" -eq 78 ] && printf "%s" "$2" | grep -qF "$3:40002: found duplicate title"' _ "$rc" "$out" "$tmp/users.conf"
sed -i '$d' "$tmp/users.conf"
check "40 000 users pass --check" "$VPDND" -c "$tmp/users.conf" --check
finish
