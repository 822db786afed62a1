# Bad input (issue 2, "Bad input"): every malformed deck, unknown option, out-of-range value,
# unparsable potential, missing deck file and unwritable output path must end, on 1 and on 3 ranks,
# with exactly one line "frg: error: ..." that names the option and the value, a nonzero exit code,
# no hang (60 s) and no output file (neither FILE nor FILE.partial); a failing run must leave an
# existing output file byte for byte unchanged.
# FRG_TEST_BAD_INPUT_RANKS (default "1 3") lists the rank counts; a sanitizer pass may set it to "1"
# to save the slow multi-rank start-ups (each ~15 s under ASan on 2 loaded cores).
BAD_INPUT_RANKS=${FRG_TEST_BAD_INPUT_RANKS:-1 3}

# launcher NP: sets the array LAUNCH to the command that starts frg on NP ranks (timeout needs a
# program, not the shell function frg_np).
launcher() {
  if [ "$1" -eq 1 ]; then LAUNCH=("$FRG"); else LAUNCH=(mpirun -n "$1" --oversubscribe "$FRG"); fi
}

# rejects PATTERN ARGS...: runs frg on 1 and 3 ranks with a good 0D deck plus ARGS; both must fail.
rejects() {
  local pattern=$1; shift
  local np
  for np in $BAD_INPUT_RANKS; do
    echo "== $np rank(s): frg $*"
    launcher $np; expect_error "$pattern" out.h5 "${LAUNCH[@]}" -options_file "$INPUTS/tests/zero_d_convex.yaml" -output out.h5 -progress 0 "$@" || return 1
    [ "$(grep -c 'frg: error' stderr.log)" -eq 1 ] || { fail "expected exactly one 'frg: error' line on $np ranks"; return 1; }
  done
}

# rejects_deck PATTERN DECK_TEXT: the same with a deck of our own (no good deck underneath).
rejects_deck() {
  local pattern=$1 np
  printf '%s\n' "$2" >deck.yaml
  for np in $BAD_INPUT_RANKS; do
    echo "== $np rank(s): deck.yaml = $(tr '\n' ';' <deck.yaml)"
    launcher $np; expect_error "$pattern" out.h5 "${LAUNCH[@]}" -options_file deck.yaml -output out.h5 -progress 0 || return 1
    [ "$(grep -c 'frg: error' stderr.log)" -eq 1 ] || { fail "expected exactly one 'frg: error' line on $np ranks"; return 1; }
  done
}

GOOD_DECK='model: on
N: 4
d: 0
potential: "phi^2/2 + phi^4/24"
Lambda: 1e6
t_ir: 30
grid_cells: 100'

test_core_bad_yaml_syntax() { rejects_deck 'deck.yaml' "$GOOD_DECK
grid_phi_max: [6"; }
test_core_bad_deck_value() { rejects_deck 'grid_cells.*abc' "${GOOD_DECK/grid_cells: 100/grid_cells: abc}"; }
test_core_bad_deck_unknown_key() { rejects_deck 'grid_cell .*100' "${GOOD_DECK/grid_cells: 100/grid_cell: 100}"; }
test_core_bad_unknown_option() { rejects '-grid_cell 100' -grid_cell 100; }
test_core_bad_negative_cells() { rejects '-grid_cells.*-5' -grid_cells -5; }
test_core_bad_zero_cells() { rejects '-grid_cells.*got 0' -grid_cells 0; }
test_core_bad_d_above_4() { rejects '-d .*got 5' -d 5; }
test_core_bad_d_negative() { rejects '-d .*got -1' -d -1; }
test_core_bad_negative_N() { rejects '-N .*got -2' -N -2; }
test_core_bad_zero_t_ir() { rejects '-t_ir .*got 0' -t_ir 0; }
test_core_bad_negative_t_ir() { rejects '-t_ir .*got -3' -t_ir -3; }
test_core_bad_potential() { rejects '-potential "phi^2 +\* 3"' -potential "phi^2 +* 3"; }
test_core_bad_missing_deck() {
  local np
  for np in $BAD_INPUT_RANKS; do
    launcher $np; expect_error '-options_file /nonexistent/deck.yaml' out.h5 "${LAUNCH[@]}" -options_file /nonexistent/deck.yaml -output out.h5 || return 1
    [ "$(grep -c 'frg: error' stderr.log)" -eq 1 ] || { fail "expected exactly one 'frg: error' line on $np ranks"; return 1; }
  done
}
test_core_bad_unwritable_output() {
  local np
  for np in $BAD_INPUT_RANKS; do
    launcher $np; expect_error '-output /nonexistent/dir/x.h5' /nonexistent/dir/x.h5 "${LAUNCH[@]}" -options_file "$INPUTS/tests/zero_d_convex.yaml" -output /nonexistent/dir/x.h5 || return 1
    [ "$(grep -c 'frg: error' stderr.log)" -eq 1 ] || { fail "expected exactly one 'frg: error' line on $np ranks"; return 1; }
  done
}

# A run that fails after it opened its output (too few steps allowed) and one that fails on input
# must both leave an earlier result with the same name untouched.
test_core_bad_run_keeps_existing_output() {
  local deck=$INPUTS/tests/zero_d_convex.yaml before np rc
  frg -options_file "$deck" -grid_cells 100 -output keep.h5 -progress 0 >/dev/null || { fail "the first run failed"; return 1; }
  before=$(sha256sum <keep.h5)
  for np in $BAD_INPUT_RANKS; do
    launcher $np
    rc=0; timeout 60 "${LAUNCH[@]}" -options_file "$deck" -grid_cells 100 -output keep.h5 -progress 0 -integrator_max_steps 5 >run.log 2>&1 || rc=$?
    grep "frg: error" run.log || { cat run.log; fail "the step-limited run gave no 'frg: error' (exit code $rc)"; return 1; }
    [ $rc -ne 0 ] && [ $rc -ne 124 ] || { fail "the step-limited run exited with $rc"; return 1; }
    [ "$(sha256sum <keep.h5)" = "$before" ] || { fail "keep.h5 changed after a run that failed mid-way on $np ranks"; return 1; }
    [ ! -e keep.h5.partial ] || { fail "keep.h5.partial left behind on $np ranks"; return 1; }
    rc=0; timeout 60 "${LAUNCH[@]}" -options_file "$deck" -output keep.h5 -d 7 >run.log 2>&1 || rc=$?
    grep -q "frg: error: -d " run.log && [ $rc -ne 0 ] && [ $rc -ne 124 ] || { cat run.log; fail "-d 7 did not fail cleanly (exit code $rc)"; return 1; }
    [ "$(sha256sum <keep.h5)" = "$before" ] || { fail "keep.h5 changed after a run with bad input on $np ranks"; return 1; }
  done
  echo "keep.h5 unchanged: $before"
}
