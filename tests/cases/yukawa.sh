# Yukawa models at finite temperature and density (issue 13, DESIGN.md 2.5).
#   thermal kernels  the bosonic and fermionic loops of include/frg/thermal.h (T = 0 exactly, T -> infinity,
#                    Fermi surfaces) against 50-digit evaluation of coth/tanh (tests/py/thermal_check.py)

test_yukawa_thermal_kernels() {
  "$BUILD/tests/unit/test_thermal" "$(quick 100 400)" | $PY "$TESTS/py/thermal_check.py"
}

# -model gny -mean_field true is a source alone: its IR potential at any (T, mu) is known in closed form
# up to one quadrature (tests/py/gny_check.py exact). U_Lambda = A sigma^2/2 with A from the T = 0 gap
# equation (sigma_0 = 1 at Lambda = 100). Points: the vacuum (closed form), T > 0, T and mu, T = 0 exactly
# with a Fermi surface inside the grid (step functions), T = 1e-3 next to it, and mu > T_c-scale
# (symmetric phase). 1e-7 of max|u| at -rtol 1e-10 (the default 1e-8 gives 2.4e-6 in the vacuum).
gny_mean_field() {
  local T=$1 mu=$2 A
  A=$($PY "$TESTS/py/gny_check.py" gap 100 1)
  frg -model gny -mean_field true -T "$T" -mu "$mu" -Lambda 100 -t_ir 14 -potential "$A*phi^2/2" -grid_cells 200 -grid_phi_max 2 \
    -rtol 1e-10 -atol 1e-12 -output run.h5 -progress 0 >run.log 2>&1 || { cat run.log; fail "frg failed at T = $T, mu = $mu"; }
  grep -E "phi0 =|integrator  " run.log
  $PY -W ignore "$TESTS/py/gny_check.py" exact 1e-7 run.h5 "$T" "$mu" 1 100 "$A" || fail "mean-field potential at T = $T, mu = $mu"
}
test_yukawa_gny_mean_field_exact() {
  local point
  for point in "0 0" "0.3 0" "0.2 0.5" "0 0.8" "0.001 0.8" "0.5 2"; do
    # shellcheck disable=SC2086 # T and mu
    (gny_mean_field $point) || fail "at (T, mu) = ($point)"
  done
}

# The vacuum gap: sigma_0 = 1 by the closed-form A (phi0 to 1e-6), and the mean-field T_c at mu = 0 between
# 0.565 (broken) and 0.5685 (symmetric): e^gamma_E/pi = 0.566933 (Wolff 1985; the Lambda = 100 shift is O(1/Lambda^2)).
test_yukawa_gny_mean_field_gap_tc() {
  local A phi0
  A=$($PY "$TESTS/py/gny_check.py" gap 100 1)
  frg -model gny -mean_field true -Lambda 100 -t_ir 14 -potential "$A*phi^2/2" -grid_cells 400 -grid_phi_max 2 -rtol 1e-10 -atol 1e-12 -output vac.h5 -progress 0 >vac.log 2>&1 || { cat vac.log; fail "vacuum"; }
  close_to phi0 "$(h5attr vac.h5 summary phi0)" 1 1e-6 || fail "sigma_0"
  frg -model gny -mean_field true -T 0.565 -Lambda 100 -t_ir 14 -potential "$A*phi^2/2" -grid_cells 400 -grid_phi_max 1 -output lo.h5 -progress 0 >lo.log 2>&1 || { cat lo.log; fail "T = 0.565"; }
  frg -model gny -mean_field true -T 0.5685 -Lambda 100 -t_ir 14 -potential "$A*phi^2/2" -grid_cells 400 -grid_phi_max 1 -output hi.h5 -progress 0 >hi.log 2>&1 || { cat hi.log; fail "T = 0.5685"; }
  phi0=$(h5attr lo.h5 summary phi0); echo "T = 0.565: phi0 = $phi0"
  $PY -c "import sys; sys.exit(0 if float('$phi0') > 0.02 else 1)" || fail "broken below T_c"
  phi0=$(h5attr hi.h5 summary phi0); echo "T = 0.5685: phi0 = $phi0"
  $PY -c "import sys; sys.exit(0 if float('$phi0') == 0 else 1)" || fail "symmetric above T_c"
}

# Finite N (boson loop 1/N, N = 4) at T = 0.1, mu = 0.3: the KT scheme's order from three grids of spacing
# h, h/2, h/4 (200, 400, 800 cells; measured 2.02), and the same u on 1, 2, 3 ranks (bitwise).
gny_finite_n() {
  local np=$1 cells=$2 out=$3
  shift 3
  frg_np "$np" -model gny -N 4 -T 0.1 -mu 0.3 -Lambda 100 -t_ir 6 -potential "1.3682207834772186*phi^2/2" -grid_cells "$cells" \
    -output "$out" -progress 0 "$@" >"$out.log" 2>&1 || { cat "$out.log"; fail "frg on $np ranks, $cells cells"; }
}
test_yukawa_gny_convergence() {
  local n
  for n in 200 400 800; do
    gny_finite_n 1 $n c$n.h5 -grid_phi_max "$($PY -c "print(($n - 0.5) * 2 / $n)")" -rtol 1e-11 -atol 1e-13 -error_estimate false
  done
  $PY "$TESTS/py/gny_check.py" order c800.h5 c400.h5 c200.h5 1.8 1.5
}
test_yukawa_gny_ranks() {
  local np
  for np in 1 2 3; do gny_finite_n $np 200 r$np.h5 -grid_phi_max 2; done
  grep -h "phi0 =" r1.h5.log | tail -1
  $PY "$TESTS/py/compare_u.py" 0 r1.h5 r2.h5 r3.h5
}

# T -> 0 is smooth: at T = 1e-6 the thermal terms are e^{-|E - mu|/T}, below round-off except within 1e-6
# of the Fermi surface, so the flow equals the T = 0 one (step functions) to the integrator's tolerance
# (-rtol 1e-8; measured 8e-10 of max|u|; the steps differ, 1768 vs the T = 0 count, at the smoothed step).
test_yukawa_gny_zero_temperature_limit() {
  gny_finite_n 1 200 t0.h5 -grid_phi_max 2 -T 0
  gny_finite_n 1 200 t1.h5 -grid_phi_max 2 -T 1e-6
  $PY "$TESTS/py/compare_u.py" 1e-8 t0.h5 t1.h5
}

test_yukawa_gny_bad_input() {
  expect_error "-T must be a finite number >= 0" out.h5 "$FRG" -model gny -T -0.1 -output out.h5 || fail "-T < 0"
  expect_error "-gny_h must be a positive number" out.h5 "$FRG" -model gny -gny_h 0 -output out.h5 || fail "-gny_h 0"
  expect_error "-mu must be a finite number" out.h5 "$FRG" -model gny -mu inf -output out.h5 || fail "-mu inf"
  expect_error "-d must be 2 for -model gny" out.h5 "$FRG" -model gny -d 3 -output out.h5 || fail "-d 3"
  expect_error "-N (the number of fermion flavours) must be > 0" out.h5 "$FRG" -model gny -N 0 -output out.h5 || fail "-N 0"
}
