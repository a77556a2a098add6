#!/bin/sh
# Build the libFuzzer targets with meson (clang, ASan + UBSan) and run each.
#   tests/fuzz/run.sh short [BUILD_DIR]   a few seconds each (make check)
#   tests/fuzz/run.sh long  [BUILD_DIR]   FUZZ_SECONDS each (make fuzz, default 300)
# The targets are the ones tests/fuzz/meson.build defines; they are built
# in BUILD_DIR/fuzz, a build directory of their own (CC=clang, -Dfuzz=true),
# and run from the list meson writes there (tests/fuzz/fuzz-targets.txt):
# this script keeps no list of targets or sources.
# New inputs go to a scratch directory; the committed seed corpora in
# tests/fuzz/corpus/<target>/ stay small. A crash leaves crash-* in the
# scratch directory and fails the run. Prints "N passed, M failed".
set -u
mode=${1:-short}
top=$(cd "$(dirname "$0")/../.." && pwd)
build=${2:-$top/build}
case $mode in
short) secs=${FUZZ_SECONDS:-8} ;;
long) secs=${FUZZ_SECONDS:-300} ;;
*) echo "usage: $0 short|long [BUILD_DIR]" >&2; exit 2 ;;
esac

if ! command -v clang >/dev/null 2>&1; then
	echo "SKIP: clang is not installed (make deps installs it)"
	exit 77
fi
mkdir -p "$build/fuzz" || exit 1
out=$(cd "$build/fuzz" && pwd)

# Configure once; later runs only rebuild (ninja re-runs meson when a
# meson.build changed). A directory left by the old script (binaries, no
# meson-private) is set up in place.
if [ ! -f "$out/meson-private/coredata.dat" ]; then
	if ! CC=clang meson setup "$out" "$top" -Dfuzz=true -Dtests=false \
		-Db_sanitize=address,undefined -Db_lundef=false \
		-Dc_args=-fno-sanitize-recover=undefined \
		-Doptimization=1 -Ddebug=true >"$out/setup.log" 2>&1; then
		echo "FAIL - fuzz: meson setup failed:"
		tail -20 "$out/setup.log" | sed 's/^/    /'
		echo "0 passed, 1 failed"
		exit 1
	fi
fi
if ! meson compile -C "$out" fuzzers >"$out/build.log" 2>&1; then
	echo "FAIL - fuzz: build failed:"
	grep -E -A5 'error|FAILED' "$out/build.log" | head -30 | sed 's/^/    /'
	echo "0 passed, 1 failed"
	exit 1
fi

passed=0
failed=0
for name in $(cat "$out/tests/fuzz/fuzz-targets.txt"); do
	bin="$out/tests/fuzz/fuzz_$name"
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
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
