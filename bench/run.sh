#!/bin/sh
# make bench: what can be measured so far. The core's hot paths (timers
# with 100 000 armed, bus dispatch, spliced frames) as a median of 5 runs.
# The end-to-end figures of issue 8 (set-up rate, sessions held, data
# plane, xl2tpd baseline) need the isdn, dialer and ip modules and are not
# measured yet: this script says so rather than inventing numbers.
set -eu
build=${1:-build}
mkdir -p bench/results
echo "== vpdnd micro-benchmarks ($(nproc) cores, $(uname -m), $(date -u +%Y-%m-%dT%H:%MZ))"
"$build/bench/microbench" -j bench/results/microbench.json
echo "results: bench/results/microbench.json"
echo "not measured yet: end-to-end set-up rate, sessions held, data plane, xl2tpd baseline (issue 8)"
