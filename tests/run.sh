#!/usr/bin/env bash
# The frg test suite: runs every test_* function of tests/cases/*.sh, one line per test, and ends
# with "N passed, N failed"; exits nonzero on any failure.
#   tests/run.sh [PREFIX]      only tests whose name starts with PREFIX (core, core_bad, fixedpoint, scan, ...)
#   FRG_TEST_EXCLUDE="slurm ..." tests/run.sh    skip tests whose name starts with one of these prefixes
#   BUILD=build-asan tests/run.sh
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-build}
case "$BUILD" in /*) ;; *) BUILD="$ROOT/$BUILD" ;; esac
export ROOT BUILD FRG="$BUILD/bin/frg" INPUTS="$ROOT/inputs" TESTS="$ROOT/tests"
[ -x "$FRG" ] || { echo "tests: $FRG is missing: run make first" >&2; exit 2; }
# shellcheck source=tests/lib.sh
. "$ROOT/tests/lib.sh"
for f in "$ROOT"/tests/cases/*.sh; do . "$f"; done
filter=${1:-}
logdir=$(mktemp -d /tmp/frg-tests.XXXXXX)
passed=0 failed=0 failures=""
for t in $(declare -F | awk '{print $3}' | grep '^test_' ); do
  name=${t#test_}
  [ -n "$filter" ] && [[ "$name" != "$filter"* ]] && continue
  skip=0
  for x in ${FRG_TEST_EXCLUDE:-}; do [[ "$name" == "$x"* ]] && skip=1; done
  [ $skip -eq 1 ] && { printf 'skip  %-48s (FRG_TEST_EXCLUDE)\n' "$name"; continue; }
  dir=$(mktemp -d "$logdir/$name.XXXX")
  start=$(date +%s.%N)
  ( cd "$dir" && "$t" ) >"$dir/log" 2>&1
  rc=$?
  secs=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}')
  if [ $rc -eq 0 ]; then
    passed=$((passed+1)); printf 'ok    %-48s %6ss\n' "$name" "$secs"
  else
    failed=$((failed+1)); failures="$failures $name"
    printf 'FAIL  %-48s %6ss\n' "$name" "$secs"
    sed 's/^/      | /' "$dir/log" | tail -n 25
  fi
done
[ $failed -gt 0 ] && echo "failed:$failures (logs in $logdir)"
[ $failed -eq 0 ] && rm -rf "$logdir"
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
