#!/bin/sh
# Build the libFuzzer targets with clang (ASan + UBSan) and run each one.
#   tests/fuzz/run.sh short [BUILD_DIR]   a few seconds each (make check)
#   tests/fuzz/run.sh long  [BUILD_DIR]   FUZZ_SECONDS each (make fuzz, default 300)
# New inputs go to a scratch directory; the committed seed corpora in
# tests/fuzz/corpus/<target>/ stay small. A crash leaves crash-* in the
# scratch directory and fails the run. Prints "N passed, M failed".
set -u
mode=${1:-short}
top=$(cd "$(dirname "$0")/../.." && pwd)
out=${2:-$top/build}/fuzz
mkdir -p "$out"
case $mode in
short) secs=${FUZZ_SECONDS:-8} ;;
long) secs=${FUZZ_SECONDS:-300} ;;
*) echo "usage: $0 short|long [BUILD_DIR]" >&2; exit 2 ;;
esac

if ! command -v clang >/dev/null 2>&1; then
	echo "SKIP: clang is not installed (make deps installs it)"
	exit 77
fi

glib=$(pkg-config --cflags --libs glib-2.0 libconfuse libsystemd)
cflags="-g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -D_GNU_SOURCE -I$top/include"

# name | include dirs | sources (relative to the top of the tree)
targets="
l2tp_codec|modules/l2tp/codec|tests/fuzz/fuzz_l2tp_codec.c modules/l2tp/codec/auth.c modules/l2tp/codec/avp.c modules/l2tp/codec/header.c modules/l2tp/codec/msg.c modules/l2tp/codec/names.c modules/l2tp/codec/format.c
hdlc|lib/hdlc|tests/fuzz/fuzz_hdlc.c lib/hdlc/hdlc.c
isdn_wire|modules/isdn|tests/fuzz/fuzz_isdn_wire.c modules/isdn/wire.c
ppp_auth|modules/ppp/auth modules/auth-local|tests/fuzz/fuzz_ppp_auth.c modules/ppp/auth/chap.c modules/ppp/auth/pap.c modules/auth-local/users.c core/log.c
config|core modules/l2tp modules/l2tp/codec|tests/fuzz/fuzz_config.c core/config-source.c core/config-lex.c core/config.c core/metrics-listen.c core/capture.c core/log.c modules/l2tp/config.c
ppp|core modules/ppp modules/ppp/auth|tests/fuzz/fuzz_ppp.c modules/ppp/fsm.c modules/ppp/lcp.c modules/ppp/ipcp.c modules/ppp/chap-state.c modules/ppp/pap-state.c modules/ppp/ppp.c modules/ppp/manager.c modules/ppp/packet.c modules/ppp/auth/chap.c modules/ppp/auth/pap.c core/bus.c core/bus-reply.c core/core.c core/link.c core/log.c core/timer.c core/events.c core/util.c core/dbus-util.c
"

passed=0
failed=0
echo "$targets" | while IFS='|' read -r name incs srcs; do
	[ -n "$name" ] || continue
	echo "$name" >> "$out/.list"
done
rm -f "$out/.results"
for name in $(cat "$out/.list"); do
	line=$(echo "$targets" | grep "^$name|")
	incs=$(echo "$line" | cut -d'|' -f2)
	srcs=$(echo "$line" | cut -d'|' -f3)
	iflags=""
	for i in $incs; do iflags="$iflags -I$top/$i"; done
	files=""
	for s in $srcs; do files="$files $top/$s"; done
	bin="$out/fuzz_$name"
	# shellcheck disable=SC2086
	if ! clang $cflags $iflags $files $glib -o "$bin" 2>"$out/$name.build.log"; then
		echo "FAIL - fuzz_$name: build failed:"
		sed 's/^/    /' "$out/$name.build.log" | head -20
		failed=$((failed + 1))
		continue
	fi
	work="$out/work_$name"
	mkdir -p "$work"
	corpus="$top/tests/fuzz/corpus/$name"
	# Replay the seeds first, then explore for $secs seconds.
	if (cd "$work" && "$bin" -runs=0 "$corpus" >"$out/$name.replay.log" 2>&1 &&
	    "$bin" "$work" "$corpus" -max_total_time="$secs" -max_len=4096 \
		-timeout=10 -rss_limit_mb=2048 >"$out/$name.log" 2>&1); then
		echo "ok   - fuzz_$name: $(grep -o 'Done [0-9]* runs in [0-9]* second(s)' "$out/$name.log" | tail -1)"
		passed=$((passed + 1))
	else
		echo "FAIL - fuzz_$name: crash or sanitizer report, see $out/$name.log and $work/crash-*"
		tail -30 "$out/$name.log" | sed 's/^/    /'
		failed=$((failed + 1))
	fi
done
rm -f "$out/.list"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
