# Options and output layout (issue 2, items 2 and 6): -help lists every contract option, the command
# line overrides the deck, and the HDF5 file has the documented layout with consistent contents.

test_core_help_lists_options() {
  local rc=0 name missing=""
  timeout 60 "$FRG" -help >help.txt 2>&1 || rc=$?
  [ $rc -eq 0 ] || { tail help.txt; fail "frg -help exited with $rc"; return 1; }
  for name in model N d potential Lambda t_ir grid_cells grid_phi_max integrator rtol atol output output_times output_every; do
    # "-name <default>: meaning" as PETSc prints it: the default and a description on the same line
    grep -qE "^ +-$name <[^>]*>:? *[A-Za-z]" help.txt || missing="$missing -$name"
  done
  [ -z "$missing" ] || { fail "frg -help does not list (with default and meaning):$missing"; return 1; }
}

test_core_command_line_overrides_deck() {
  local deck=$INPUTS/tests/zero_d_convex.yaml
  frg -options_file "$deck" -grid_cells 64 -N 2 -potential "-phi^2/2 + phi^4/24" -t_ir 3 -output o.h5 -progress 0 >run.log || { cat run.log; fail "frg failed"; return 1; }
  [ "$(h5attr o.h5 grid cells)" = "64" ] || [ "$(h5attr o.h5 grid cells)" = "64.0" ] || { fail "grid cells $(h5attr o.h5 grid cells), not 64"; return 1; }
  close_to "N" "$(h5attr o.h5 parameters N)" 2 0 || return 1
  close_to "t_ir" "$(h5attr o.h5 parameters t_ir)" 3 0 || return 1
  [ "$(h5attr o.h5 parameters potential)" = "-phi^2/2 + phi^4/24" ] || { fail "potential '$(h5attr o.h5 parameters potential)' is not the command line's"; return 1; }
  close_to "grid_phi_max (from the deck)" "$(h5attr o.h5 parameters grid_phi_max)" 6 0
}

test_core_output_layout() {
  local deck=$INPUTS/tests/zero_d_convex.yaml
  frg -options_file "$deck" -grid_cells 64 -output o.h5 -output_every 10 -progress 0 >run.log || { cat run.log; fail "frg failed"; return 1; }
  [ ! -e o.h5.partial ] || { fail "o.h5.partial left behind"; return 1; }
  $PY "$TESTS/py/check_layout.py" o.h5 "$deck" 64 6 1e6 30 1 "phi**2/2 + phi**4/24" 0,10,20,30 || { fail "layout (-output_every)"; return 1; }
  mpirun -n 2 --oversubscribe "$FRG" -options_file "$deck" -grid_cells 64 -output p.h5 -output_times 0.5,2,30 -progress 0 >run.log || { cat run.log; fail "frg failed on 2 ranks"; return 1; }
  $PY "$TESTS/py/check_layout.py" p.h5 "$deck" 64 6 1e6 30 2 "phi**2/2 + phi**4/24" 0,0.5,2,30 || fail "layout (-output_times, 2 ranks)"
}
