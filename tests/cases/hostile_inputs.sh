# Hostile inputs (issue "Hostile inputs and faults"): values, decks and options that used to be
# silently ignored, changed or reported unclearly. Each must end, on 1 and 2 ranks, with exactly one
# line "frg: error: ..." naming the option (or deck key) and the value, exit code 1, no hang and no
# output file (neither FILE nor FILE.partial).

HOSTILE_DECK=$INPUTS/tests/zero_d_convex.yaml

# hostile_once NP PATTERN ARGS...: frg on NP ranks with ARGS must be refused as above.
hostile_once() {
  local np=$1 pattern=$2 rc=0; shift 2
  local launch=("$FRG")
  [ "$np" -eq 1 ] || launch=(mpirun -n "$np" --oversubscribe "$FRG")
  echo "== $np rank(s): frg $*"
  timeout 60 "${launch[@]}" "$@" >stdout.log 2>stderr.log || rc=$?
  cat stderr.log
  [ "$rc" -ne 124 ] || fail "timed out (hang)"
  [ "$rc" -eq 1 ] || fail "exit code $rc, not 1"
  grep -q -- "$pattern" stderr.log || fail "stderr does not mention '$pattern'"
  [ "$(grep -c 'frg: error' stderr.log)" -eq 1 ] || fail "expected exactly one 'frg: error' line on $np ranks"
  [ ! -e out.h5 ] && [ ! -e out.h5.partial ] || fail "out.h5 or out.h5.partial was written"
}

# The rank counts of refuses*: 1 and 2; the sanitizer pass (FRG_TEST_QUICK=1) only 1, where an
# Open MPI start-up under the sanitizers costs 5-10 s a run (the plain pass covers both).
HOSTILE_RANKS=$(quick "1" "1 2")

# refuses PATTERN ARGS...: on 1 and 2 ranks, with a good 0D deck underneath.
refuses() {
  local pattern=$1 np; shift
  for np in $HOSTILE_RANKS; do hostile_once "$np" "$pattern" -options_file "$HOSTILE_DECK" -output out.h5 -progress 0 "$@" || return 1; done
}

# refuses_plain PATTERN ARGS...: the same without a deck (the arguments say everything).
refuses_plain() {
  local pattern=$1 np; shift
  for np in $HOSTILE_RANKS; do hostile_once "$np" "$pattern" -output out.h5 "$@" || return 1; done
}

# refuses_deck PATTERN FILE [ARGS...]: the deck FILE (written by the test) must be refused.
refuses_deck() {
  local pattern=$1 deck=$2 np; shift 2
  for np in $HOSTILE_RANKS; do hostile_once "$np" "$pattern" -options_file "$deck" -output out.h5 -progress 0 "$@" || return 1; done
}

# --- 1. ranges of numeric options
test_hostile_inputs_atol_inf() { refuses '-atol .*got inf' -atol inf; }
test_hostile_inputs_atol_huge() { refuses '-atol .*got 1e308' -atol 1e308; }
test_hostile_inputs_t_ir_huge() { refuses '-t_ir .*1000.*got 1e308' -t_ir 1e308; }
test_hostile_inputs_regulator_alpha_inf() { refuses '-regulator_alpha .*got inf' -regulator mass_exponential -regulator_alpha inf; }
test_hostile_inputs_score_phi_max_huge() { refuses_plain '-score_density_phi_max .*got 1e308' -task sample -model field -score_density_phi_max 1e308; }
test_hostile_inputs_int_overflow() { refuses '-grid_cells .*got 99999999999999999999' -grid_cells 99999999999999999999; }
test_hostile_inputs_int_overflow_seed() { refuses_plain '-sample_seed .*got 99999999999999999999' -task hmc -sample_seed 99999999999999999999; }

# hostile_numeric_options TASK: the numeric options that frg -task TASK -help lists (PETSc's own
# solver options, with their object prefixes, left out).
hostile_numeric_options() {
  "$FRG" -task "$1" -help 2>/dev/null | sed -nE 's/^  (-[A-Za-z_0-9]+) <(now )?([^ :>]*).*/\1 \3/p' |
    awk '$2 ~ /^-?[0-9.]+(e[-+]?[0-9]+)?$/ { print $1 }' |
    grep -vE '^-fixedpoint_(snes|ksp|pc)_'
}

# Property: every numeric option of every task refuses each hostile value, naming the option and
# the value, on one rank; a few on two ranks.
test_hostile_inputs_numeric_sweep() {
  local task opt value seen=" " count=0 rc
  local values=(nan inf -inf 1e308 -1e308 99999999999999999999 abc "")
  for task in flow sample fixedpoint hmc lattice_sample scan; do
    for opt in $(hostile_numeric_options "$task"); do
      case "$seen" in *" $opt "*) continue ;; esac
      seen="$seen$opt "
      count=$((count + 1))
      local picks=(0 1 2 3 4 5 6 7) pick
      # the sanitizer pass (FRG_TEST_QUICK=1): one of the eight values per option, rotating, so that
      # every value is still tried on an eighth of the options (the plain pass tries all)
      [ "${FRG_TEST_QUICK:-0}" = 1 ] && picks=($((count % 8)))
      for pick in "${picks[@]}"; do
        value=${values[$pick]}
        rc=0
        timeout 60 "$FRG" -task "$task" -output out.h5 "$opt" "$value" >stdout.log 2>stderr.log || rc=$?
        [ "$rc" -eq 1 ] || { cat stderr.log; fail "-task $task $opt '$value': exit code $rc"; }
        [ "$(grep -c 'frg: error' stderr.log)" -eq 1 ] || { cat stderr.log; fail "-task $task $opt '$value': not one error line"; }
        grep -q -- "frg: error: .*$opt\b.*${value:-value}" stderr.log || { cat stderr.log; fail "-task $task $opt '$value': the error does not name the option and the value"; }
        [ ! -e out.h5 ] && [ ! -e out.h5.partial ] || fail "-task $task $opt '$value': out.h5 written"
      done
    done
  done
  echo "$count numeric options, $([ "${FRG_TEST_QUICK:-0}" = 1 ] && echo 1 || echo ${#values[@]}) of the ${#values[@]} values each"
  [ "$count" -ge 40 ] || fail "only $count numeric options found in -help"
  refuses '-output_times .*got 1,2,inf' -output_times 1,2,inf
  for opt in -rtol -grid_phi_max -Lambda; do
    for value in nan -1e308 abc; do hostile_once 2 "$opt.*$value" -options_file "$HOSTILE_DECK" -output out.h5 "$opt" "$value" || return 1; done
  done
}

# Property: every option that takes a value (numbers, strings, names from a list), given alone on
# the command line, is refused by name (it used to be ignored: the default ran).
test_hostile_inputs_option_without_value() {
  local task opt seen=" " count=0 rc
  for task in flow sample fixedpoint hmc lattice_sample; do
    for opt in $("$FRG" -task "$task" -help 2>/dev/null | sed -nE 's/^  (-[A-Za-z_0-9]+) <.*/\1/p' | grep -vE '^-(output|sf_type|fixedpoint_(snes|ksp|pc)_.*)$'); do
      case "$seen" in *" $opt "*) continue ;; esac
      seen="$seen$opt "
      count=$((count + 1))
      # the sanitizer pass: every third option (the plain pass: all)
      [ "${FRG_TEST_QUICK:-0}" = 1 ] && [ $((count % 3)) -ne 0 ] && continue
      rc=0
      timeout 60 "$FRG" -task "$task" -output out.h5 "$opt" >stdout.log 2>stderr.log || rc=$?
      [ "$rc" -eq 1 ] || { cat stderr.log; fail "-task $task $opt alone: exit code $rc"; }
      [ "$(grep -c 'frg: error' stderr.log)" -eq 1 ] || { cat stderr.log; fail "-task $task $opt alone: not one error line"; }
      grep -q -- "frg: error: $opt needs a value" stderr.log || { cat stderr.log; fail "-task $task $opt alone: the error does not say it needs a value"; }
    done
  done
  echo "$count options that take a value"
  [ "$count" -ge 45 ] || fail "only $count options found in -help"
  refuses '-N needs a value' -N
  refuses '-grid_cells needs a value' -grid_cells
  refuses '-potential needs a value' -grid_cells 100 -potential
}

# --- 3. decks
HOSTILE_GOOD='model: on
N: 4
d: 0
potential: "phi^2/2 + phi^4/24"
Lambda: 1e6
t_ir: 30
grid_cells: 100'

test_hostile_inputs_deck_key_without_value() { printf '%s\nt_ir:\n' "${HOSTILE_GOOD/t_ir: 30/}" >deck.yaml; refuses_deck 'key t_ir has no value' deck.yaml; }
test_hostile_inputs_deck_duplicate_key() { printf '%s\nN: 2\n' "$HOSTILE_GOOD" >deck.yaml; refuses_deck 'key N is given twice' deck.yaml; }
test_hostile_inputs_deck_duplicate_nested_key() { printf '%s\ngrid:\n  phi_max: 6\ngrid_phi_max: 7\n' "$HOSTILE_GOOD" >deck.yaml; refuses_deck 'key grid_phi_max is given twice' deck.yaml; }
test_hostile_inputs_deck_second_document() { printf '%s\n---\nN: 2\n' "$HOSTILE_GOOD" >deck.yaml; refuses_deck 'second YAML document' deck.yaml; }
test_hostile_inputs_deck_nul_byte() { printf '%s\n\0t_ir: 3\n' "$HOSTILE_GOOD" >deck.yaml; refuses_deck 'NUL byte' deck.yaml; }
test_hostile_inputs_deck_options_file_key() { printf '%s\noptions_file: other.yaml\n' "$HOSTILE_GOOD" >deck.yaml; refuses_deck 'key options_file' deck.yaml; }
test_hostile_inputs_deck_fifo() { mkfifo deck.yaml; refuses_deck 'deck.yaml is not a regular file' deck.yaml; }
test_hostile_inputs_deck_directory() { mkdir deck.yaml; refuses_deck 'deck.yaml is not a regular file' deck.yaml; }
# a syntax error in a PETSc-format deck: rank 0 alone found it and the other ranks waited forever
test_hostile_inputs_deck_plain_syntax() { printf -- '-N 4\ngrid_cells 100\n' >d.txt; refuses_deck 'd.txt line 2: "grid_cells 100"' d.txt; }
test_hostile_inputs_deck_plain_duplicate() { printf -- '-N 4\n-N 2\n' >d.txt; refuses_deck 'key N is given twice' d.txt; }
test_hostile_inputs_deck_plain_good() {
  printf -- '-model on\n-N 4  # components\n-d 0\n-potential "phi^2/2 + phi^4/24"\n-Lambda 1e6\n-t_ir 30\n-grid_cells 100\n' >d.txt
  frg_np 2 -options_file d.txt -output out.h5 -progress 0 >run.log 2>&1 || { cat run.log; fail "a good PETSc-format deck was refused"; }
  [ -e out.h5 ] || fail "no out.h5"
}
test_hostile_inputs_two_decks() { refuses_plain '-options_file is given twice' -options_file "$HOSTILE_DECK" -options_file "$HOSTILE_DECK"; }
test_hostile_inputs_bare_options_file() { refuses_plain '-options_file needs a value' -options_file; }
test_hostile_inputs_positional_deck() { refuses_plain "argument $HOSTILE_DECK is not an option" "$HOSTILE_DECK"; }
test_hostile_inputs_positional_after_value() { refuses 'argument extra is not an option' -grid_cells 100 extra; }

# --- 4. typos with a PETSc-like prefix are unknown options like any other
test_hostile_inputs_petsc_prefixed_typos() {
  local o
  for o in -log_vieww -info_level -mpi_foo -N_view -helpme; do refuses "unknown option $o" "$o" || return 1; done
  # the PETSc options frg allows still run
  frg -options_file "$HOSTILE_DECK" -output ok.h5 -progress 0 -log_view :log.txt -malloc_dump -options_left 0 >run.log 2>&1 || { cat run.log; fail "allowed PETSc options were refused"; }
  [ -s log.txt ] || fail "-log_view :log.txt wrote nothing"
}

# --- 6. errors that named the wrong option, or were printed once per rank
test_hostile_inputs_scan_task_named() {
  local np
  for np in 1 2; do hostile_once "$np" '-scan_task nosuch is not a known task' -task scan -scan_vary "N=1,2" -d 0 -grid_cells 50 -t_ir 3 -scan_task nosuch -output out.h5 || return 1; done
  [ ! -e out.h5.journal ] || fail "out.h5.journal was left"
}
# an enum option read by the per-rank objects of -task sample printed its error once per rank
test_hostile_inputs_error_once_per_run() {
  local args last
  for args in "-task flow -integrator abc" "-task flow -regulator abc" "-task sample -model field -atol abc" "-task sample -model field -integrator_newton abc" \
    "-task fixedpoint -truncation abc" "-task hmc -hmc_integrator abc" "-task lattice_sample -grid_cells abc" \
    "-task sample -model field -score_source abc" "-task lattice_sample -N 3" "-task lattice_sample -d 3"; do
    # shellcheck disable=SC2086
    last=${args##* -}
    hostile_once 2 "-${last% *}.*${last#* }" $args -output out.h5 || return 1
  done
}

# --- 2. a potential is one expression in the model's fields, of any length frg takes or refused
test_hostile_inputs_potential_assignment() { refuses '-potential "phi=3" assigns' -grid_cells 100 -potential "phi=3"; }
test_hostile_inputs_potential_list() { refuses '-potential "phi^2, phi^4" is a list' -grid_cells 100 -potential "phi^2, phi^4"; }
test_hostile_inputs_potential_too_long() {
  local long
  long="phi^2/2$($PY -c 'print(" + 0*phi" * 820, end="")') + phi^4/24"
  [ "${#long}" -gt 4096 ] || fail "the test potential has only ${#long} characters"
  refuses "-potential is too long: ${#long} characters" -grid_cells 100 -potential "$long"
}
# string options that are cut at a fixed length must refuse a longer value, by name
test_hostile_inputs_long_strings() {
  local long
  long=$($PY -c 'print("x" * 5000, end="")')
  refuses '-output is too long' -output "$long.h5"
  refuses '-checkpoint is too long' -checkpoint "$long.h5"
  refuses_plain '-options_file .* is too long' -options_file "$long.yaml"
}

# --- 5. a deck writes viewers only to stdout or below the working folder
test_hostile_inputs_deck_viewer_parent() { printf '%s\ngrid_dm_view: "ascii:../x"\n' "$HOSTILE_GOOD" >deck.yaml; refuses_deck 'key grid_dm_view writes to ../x' deck.yaml; [ ! -e ../x ] || fail "../x was written"; }
test_hostile_inputs_deck_log_view_absolute() { printf '%s\nlog_view: ":%s/x"\n' "$HOSTILE_GOOD" "$PWD" >deck.yaml; refuses_deck "key log_view writes to $PWD/x" deck.yaml; }
test_hostile_inputs_deck_log_view_parent() { printf '%s\nlog_view: ":../x"\n' "$HOSTILE_GOOD" >deck.yaml; refuses_deck 'key log_view writes to ../x' deck.yaml; }
test_hostile_inputs_deck_viewer_draw() { printf '%s\ngrid_dm_view: draw\n' "$HOSTILE_GOOD" >deck.yaml; refuses_deck 'viewer type draw is not allowed' deck.yaml; }
test_hostile_inputs_deck_viewers_allowed() {
  printf '%s\nlog_view: ":log.txt"\ngrid_dm_view: "ascii:grid.txt"\n' "$HOSTILE_GOOD" >deck.yaml
  frg_np 2 -options_file deck.yaml -output out.h5 -progress 0 >run.log 2>&1 || { cat run.log; fail "a deck with viewers into the working folder was refused"; }
  grep -q FrgRHS log.txt || fail "log_view from the deck wrote no event log"
  [ -s grid.txt ] || fail "grid_dm_view from the deck wrote nothing"
}
