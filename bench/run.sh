#!/bin/sh
# make bench: the core's micro-benchmarks (timers with 100 000 armed, bus
# dispatch, spliced frames; median of 5 runs), then the system benchmarks of
# issue 8 (bench/bench.sh: data plane against a bare forwarder, L2TP-only
# set-up rate against xl2tpd, PPP set-up rate, sessions held, RSS per
# session, growth, end to end through a LAC over ISDN and PPPoE, RADIUS,
# and side by side with l2tpns + FreeRADIUS), summarised by bench/report.py
# into bench/results.json (with the targets of issue 19 met or missed), a
# table and bench/results/growth.png. docs/PERFORMANCE.md has the method.
#
#   sh bench/run.sh BUILD            the full run (about 10 minutes)
#   sh bench/run.sh --smoke BUILD    tiny numbers, seconds; writes
#                                    bench/results/smoke.json only
set -eu
smoke=""
if [ "${1:-}" = "--smoke" ]; then smoke=--smoke; shift; fi
build=${1:-build}
here=$(dirname "$0")
mkdir -p "$here/results"
echo "== vpdnd micro-benchmarks ($(nproc) cores, $(uname -m), $(date -u +%Y-%m-%dT%H:%MZ))"
if [ -z "$smoke" ]; then
	"$build/bench/microbench" -j "$here/results/microbench.json"
	echo "results: $here/results/microbench.json"
fi
rc=0
bash "$here/bench.sh" "$build" $smoke || rc=$?
if [ "$rc" = 77 ]; then exit 77; fi
if [ -n "$smoke" ]; then
	python3 "$here/report.py" "$here/results/smoke.json"
else
	python3 "$here/report.py"
fi
exit "$rc"
