#!/usr/bin/env bash
# make bench: every benchmark workload of frg (issue 6) with one warm-up and BENCH_REPS (default 5)
# timed repetitions; prints the table and writes bench/results/<UTC date>.csv. See bench/README.md.
#   BUILD=build bench/run.sh        BENCH_REPS=5        BENCH_QUICK=1 (skips the slowest peer rung)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
export BUILD=${BUILD:-build}
exec /usr/bin/python3 "$ROOT/bench/bench.py"
