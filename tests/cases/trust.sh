# Trust (issue 11): every number frg prints is right, or says how wrong it may be.

# Property test of the step control: 120 zero-dimensional flows drawn by a seeded generator
# (tests/py/sweep0d.py: N = 1..5, Lambda = 1e4..1e12, t_IR = 30 or 60, five potential families with
# random coefficients, with and without output stops and progress lines, 1 and 2 ranks), each against
# exact quadrature at its final regulator mass: Gamma2 within 1e-5 and Gamma4 within 1e-3 relative at
# 800 cells. Before the RG-time step bound, 8 of these 120 flows returned their UV couplings after 4-6
# steps with exit 0 (the BDF step grew tenfold in the UV and passed over the window k^2 ~ U'').
test_trust_sweep0d() {
  $PY "$TESTS/py/sweep0d.py" --frg "$FRG" --exact "$BUILD/tests/tools/exact0d" --cases 120 --seed 20261202 --ranks 1,2 >sweep.log
  local rc=$?
  grep -v "^ok" sweep.log
  [ $rc -eq 0 ] || fail "a zero-dimensional flow missed its exact vertices (sweep.log above)"
}

# The result does not depend on where the integrator is asked for output: no stops, 50 stops with
# progress lines, and clustered stops take the same steps and give the same IR vertices (dense output:
# the integrator steps toward t_IR and interpolates at the output times; before, CVODE estimated its
# first step from the first output time, and Gamma2 moved by 1.2e-7 with -output_every 1.2).
test_trust_output_times_do_not_matter() {
  local deck="-model on -d 0 -N 3 -Lambda 1e10 -t_ir 60 -potential -0.8*phi^2/2+phi^4/24 -grid_cells 800 -grid_phi_max 6"
  frg $deck -output_times 60 -progress 0 -output a.h5 >a.log || fail "run without stops failed"
  frg $deck -output_every 1.2 -progress 1 -output b.h5 >b.log || fail "run with 50 stops failed"
  frg $deck -output_times 0.5,1,2,27.6,27.7,27.8 -t_ir 60 -progress 0 -output c.h5 >c.log || fail "run with clustered stops failed"
  for f in b c; do
    [ "$(h5attr $f.h5 summary steps)" = "$(h5attr a.h5 summary steps)" ] || fail "the steps depend on the output times ($f)"
    close_to "Gamma2 ($f vs no stops)" "$(h5attr $f.h5 summary gamma2)" "$(h5attr a.h5 summary gamma2)" 1e-13 || fail "Gamma2 depends on the output times"
    close_to "Gamma4 ($f vs no stops)" "$(h5attr $f.h5 summary gamma4)" "$(h5attr a.h5 summary gamma4)" 1e-13 || fail "Gamma4 depends on the output times"
  done
}

# The deep IR of the broken phase in d = 3 (issue 11, item 9). In u the flat inner region approaches the
# propagator pole like k^d, far below the integrator's tolerance on u: the default deck took 2763 steps
# and handed over to full Newton at t = 5.79, N = 1 took 5419. In the log variable the pole cannot be
# crossed (src/discretization/variable.c): the default deck must finish without hand-over, switching
# to the log variable at the first state near the pole, with phi0 equal to the log route's from t = 0
# and to a run at 100x tighter tolerances, to 1e-7.
test_trust_deep_ir_default_deck() {
  frg -options_file "$INPUTS/default.yaml" -progress 0 -output a.h5 >a.log || { cat a.log; fail "default deck failed"; }
  frg -options_file "$INPUTS/default.yaml" -progress 0 -integrator_variable log -output b.h5 >b.log || fail "log route failed"
  frg -options_file "$INPUTS/default.yaml" -progress 0 -rtol 1e-10 -atol 1e-12 -output c.h5 >c.log || fail "tight run failed"
  tail -4 a.log
  [ "$(h5attr a.h5 summary newton_switch_t)" = "-1.0" ] || fail "the default deck handed over to the SNES route at t = $(h5attr a.h5 summary newton_switch_t)"
  $PY -c "import h5py,sys; t=h5py.File('a.h5')['summary'].attrs['log_switch_t']; print('log variable from t =', t); sys.exit(0 if 0 < t < 3 else 1)" ||
    fail "the default deck did not switch to the log variable near the pole"
  close_to "phi0 (auto vs log from t = 0)" "$(h5attr a.h5 summary phi0)" "$(h5attr b.h5 summary phi0)" 1e-7 || fail "phi0 depends on the state variable"
  close_to "phi0 (rtol 1e-8 vs 1e-10)" "$(h5attr a.h5 summary phi0)" "$(h5attr c.h5 summary phi0)" 1e-7 || fail "phi0 is not converged in time"
}

# The physical IR: a d = 3 broken-phase flow to t_IR = 20 (k = 2e-9 Lambda), which failed at t = 19.56
# after 100000 steps and "t + h = t" warnings in u, finishes for N = 1 and 4 without hand-over; its phi0
# agrees with the log route from t = 0 to 1e-7.
test_trust_deep_ir_to_t20() {
  local N deck="-model on -d 3 -potential -0.2*phi^2+0.5*phi^4 -Lambda 1 -t_ir 20 -grid_phi_max 2 -progress 0"
  for N in 1 4; do
    frg $deck -N $N -output a$N.h5 >a$N.log 2>&1 || { cat a$N.log; fail "N = $N did not reach t = 20"; }
    frg $deck -N $N -integrator_variable log -output b$N.h5 >b$N.log 2>&1 || { cat b$N.log; fail "N = $N in log from t = 0 did not reach t = 20"; }
    grep -E "IR scale|condensate|integrator " a$N.log
    [ "$(h5attr a$N.h5 summary newton_switch_t)" = "-1.0" ] || fail "N = $N handed over to the SNES route"
    close_to "phi0 N = $N (auto vs log)" "$(h5attr a$N.h5 summary phi0)" "$(h5attr b$N.h5 summary phi0)" 1e-7 || fail "phi0 depends on the state variable"
  done
}

# The log variable keeps the arithmetic independent of the number of ranks: the default deck on 1, 2
# and 3 ranks takes the same steps, switches at the same t and gives bitwise the same u.
test_trust_log_variable_rank_invariance() {
  local np
  for np in 1 2 3; do
    frg_np $np -options_file "$INPUTS/default.yaml" -progress 0 -output r$np.h5 >r$np.log 2>&1 || { cat r$np.log; fail "default deck failed on $np ranks"; }
  done
  for np in 2 3; do
    [ "$(h5attr r$np.h5 summary steps)" = "$(h5attr r1.h5 summary steps)" ] || fail "$np ranks took other steps"
    [ "$(h5attr r$np.h5 summary log_switch_t)" = "$(h5attr r1.h5 summary log_switch_t)" ] || fail "$np ranks switched at another t"
  done
  $PY "$TESTS/py/compare_u.py" 0 r1.h5 r2.h5 r3.h5 || fail "u differs between 1, 2 and 3 ranks"
}
