# Yukawa models at finite temperature and density (issue 13, doc/physics.md 2.5; README "Yukawa models").
#   thermal kernels  the bosonic and fermionic loops of include/frg/thermal.h (T = 0 exactly, T -> infinity,
#                    Fermi surfaces) against 50-digit evaluation of coth/tanh (tests/py/thermal_check.py)
#   gny              mean field against its closed form, gap and T_c, order, ranks, T -> 0, finite-N restoration
#   qm               mean field against its closed form, h = 0 against -model on (dimensional reduction),
#                    the Tripolt et al. vacuum, ranks, order

test_yukawa_thermal_kernels() {
  "$BUILD/tests/unit/test_thermal" "$(quick 100 400)" | $PY "$TESTS/py/thermal_check.py"
}

# The same kernels against direct Matsubara sums T sum_n 1/(w_n^2 + E^2) (bosonic w_n = 2 pi n T; fermionic
# (2n + 1) pi T + i mu), an independent check of the analytic summation and its normalization: 15 bosonic and
# 40 fermionic points with mu/k up to 2.5, worst 8e-11 (tolerance 1e-9, the tail extrapolation's accuracy).
test_yukawa_thermal_matsubara() {
  "$BUILD/tests/unit/test_thermal" 0 grid | $PY "$TESTS/py/matsubara_check.py"
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

# The vacuum gap: sigma_0 = 1 by the closed-form A (phi0 to 1e-6); sigma_0(T = 0.55) against the root of the
# closed form (measured 8e-6, tolerance 1e-4); and the mean-field T_c at mu = 0 to 1e-3 as issue 13 asks: the
# closed form puts it at 0.566890 for Lambda = 100, k_IR = Lambda e^-14 (e^gamma_E/pi = 0.566933 as Lambda ->
# infinity; Wolff 1985), and the flow is broken at T_c (1 - 1e-3) and symmetric at T_c (1 + 1e-3).
gny_mf_run() {
  local T=$1 out=$2
  frg -model gny -mean_field true -T "$T" -Lambda 100 -t_ir 14 -potential "1.3682207834772186*phi^2/2" -grid_cells 400 -grid_phi_max "$3" \
    -rtol 1e-10 -atol 1e-12 -output "$out" -progress 0 >"$out.log" 2>&1 || { cat "$out.log"; fail "frg at T = $T"; }
}
test_yukawa_gny_mean_field_gap_tc() {
  local A=1.3682207834772186 k reference Tc sigma0 phi0
  k=$($PY -c "import math; print(repr(100 * math.exp(-14)))")
  gny_mf_run 0 vac.h5 2
  close_to "sigma_0 (T = 0)" "$(h5attr vac.h5 summary phi0)" 1 1e-6 || fail "sigma_0"
  reference=$($PY -W ignore "$TESTS/py/gny_check.py" tc 100 $A "$k" 0.55)
  Tc=${reference% *} sigma0=${reference#* }
  echo "closed form: T_c = $Tc, sigma_0(0.55) = $sigma0"
  close_to "T_c (Lambda = 100)" "$Tc" 0.566933 1e-3 || fail "T_c of the closed form"
  gny_mf_run 0.55 mid.h5 1
  close_to "sigma_0 (T = 0.55)" "$(h5attr mid.h5 summary phi0)" "$sigma0" 1e-4 || fail "sigma_0(T)"
  gny_mf_run "$($PY -c "print($Tc * (1 - 1e-3))")" lo.h5 0.5
  gny_mf_run "$($PY -c "print($Tc * (1 + 1e-3))")" hi.h5 0.5
  phi0=$(h5attr lo.h5 summary phi0); echo "T = T_c (1 - 1e-3): phi0 = $phi0"
  $PY -c "import sys; sys.exit(0 if float('$phi0') > 0.01 else 1)" || fail "broken below T_c"
  phi0=$(h5attr hi.h5 summary phi0); echo "T = T_c (1 + 1e-3): phi0 = $phi0"
  $PY -c "import sys; sys.exit(0 if float('$phi0') == 0 else 1)" || fail "symmetric above T_c"
}

# The first-order transition of the mean-field GNY at T = 0: the closed form puts it at mu_c = 0.707080 for
# Lambda = 100 (1/sqrt(2) = 0.707107 as Lambda -> infinity; Schnetz, Thies & Urlichs 2004), where U(1) = U(0)
# (Silver Blaze: below mu = 1 the broken minimum stays at sigma = 1 and only U(0) falls by the Fermi sea). At
# mu_c (1 -+ 1e-3) the flow's global minimum (the running sum of h u over the cells, exact for cell averages)
# lies at sigma = 1 (depth -1.6e-4) and at sigma = 0; phi0, the outermost local minimum, stays 1 on both sides
# (the metastable branch above mu_c).
test_yukawa_gny_mean_field_first_order() {
  local k muc mu result
  k=$($PY -c "import math; print(repr(100 * math.exp(-14)))")
  muc=$($PY -W ignore "$TESTS/py/gny_check.py" muc 100 1.3682207834772186 "$k")
  close_to "mu_c (Lambda = 100)" "$muc" 0.7071067811865476 1e-3 || fail "mu_c of the closed form"
  for side in -1 1; do
    mu=$($PY -c "print($muc * (1 + $side * 1e-3))")
    frg -model gny -mean_field true -T 0 -mu "$mu" -Lambda 100 -t_ir 14 -potential "1.3682207834772186*phi^2/2" -grid_cells 400 -grid_phi_max 1.5 \
      -rtol 1e-10 -atol 1e-12 -output m.h5 -progress 0 >m.log 2>&1 || { cat m.log; fail "frg at mu = $mu"; }
    result=$($PY "$TESTS/py/gny_check.py" depth m.h5)
    echo "mu = $mu: min (U - U(0)) = ${result% *} at sigma = ${result#* }; phi0 = $(h5attr m.h5 summary phi0)"
    $PY -c "import sys; d, s = map(float, '$result'.split()); ok = (d < -1e-5 and abs(s - 1) < 0.01) if $side < 0 else d > 0; sys.exit(0 if ok else 1)" ||
      fail "global minimum on the wrong side at mu = $mu"
  done
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
  expect_error "-T must be a finite number in \[0, .*got -0.1" out.h5 "$FRG" -model gny -T -0.1 -output out.h5 || fail "-T < 0"
  expect_error "-gny_h must be a finite number in (0, .*got 0" out.h5 "$FRG" -model gny -gny_h 0 -output out.h5 || fail "-gny_h 0"
  expect_error "-mu must be a finite number" out.h5 "$FRG" -model gny -mu inf -output out.h5 || fail "-mu inf"
  expect_error "-d must be 2 for -model gny" out.h5 "$FRG" -model gny -d 3 -output out.h5 || fail "-d 3"
  expect_error "-N (the number of fermion flavours) must be > 0" out.h5 "$FRG" -model gny -N 0 -output out.h5 || fail "-N 0"
}

# -model qm -mean_field true: the quark loop alone integrates in closed form (tests/py/qm_check.py), with
# the UV potential of Tripolt et al. (arXiv 1311.0630: Lambda = 1000 MeV, m_Lambda = 794 MeV, lambda = 2,
# h = 3.2, c = 1.75e6 MeV^3) at (T, mu) = (0, 0), (100, 0), (10, 300) MeV (issue 13) and T = 0 exactly with
# mu = 300 MeV (step functions; the Fermi surface crosses the cells with h sigma < mu). Measured 4e-10, 4e-9,
# 3e-9, 1.1e-7 of max|u| (tolerance 1e-6 as in the issue); sigma_0 (root of u = c) and m_pi^2 = c/sigma_0 to 2e-8.
test_yukawa_qm_mean_field_exact() {
  local point
  for point in "0 0" "100 0" "10 300" "0 300"; do
    set -- $point
    frg -model qm -mean_field true -T "$1" -mu "$2" -Lambda 1000 -t_ir 8 -potential "794^2*phi^2/2 + 2*phi^4/4" -qm_c 1.75e6 -grid_cells 400 \
      -grid_phi_max 150 -rtol 1e-10 -atol 1e-6 -progress 0 -output q.h5 >q.log 2>&1 || { cat q.log; fail "frg at T = $1, mu = $2"; }
    $PY -W ignore "$TESTS/py/qm_check.py" exact 1e-6 q.h5 "$1" "$2" 3.2 1000 630436 2 1.75e6 || fail "mean-field QM at T = $1, mu = $2"
  done
}

# Dimensional reduction: at h = 0 and T >> Lambda, coth(e/2tau)/e = 2 tau/e^2 + const + O(tau^-3), so the
# qm flow is T times the d = 3 O(4) flow of -model on: U_qm(sigma) = T V_on(sigma/sqrt(T)). With T = 1e4
# (corrections 1e-19), the UV potential and grid scaled by sqrt(T) = 100 and -atol by 100 (the same error
# weights), the integrators take the same steps and u_qm/100 = u_on to round-off (measured 7.4e-14).
test_yukawa_qm_bosonic_equals_on() {
  frg -model on -N 4 -d 3 -Lambda 1 -t_ir 8 -potential "-phi^2/20 + phi^4/24" -grid_cells 400 -grid_phi_max 4 -progress 0 -output on.h5 >on.log 2>&1 || { cat on.log; fail "on"; }
  frg -model qm -qm_h 0 -T 1e4 -Lambda 1 -t_ir 8 -potential "-phi^2/20 + phi^4/240000" -grid_cells 400 -grid_phi_max 400 -atol 1e-8 -progress 0 -output qm.h5 >qm.log 2>&1 ||
    { cat qm.log; fail "qm"; }
  $PY - <<'PYEOF' || fail "qm at h = 0 differs from T x on"
import h5py, numpy as np, sys
a, b = h5py.File("on.h5"), h5py.File("qm.h5")
ua, ub = a["flow/u"][-1], b["flow/u"][-1] / 100
sa, sb = int(a["summary"].attrs["steps"]), int(b["summary"].attrs["steps"])
d = np.abs(ua - ub).max() / np.abs(ua).max()
print(f"max|u_qm/100 - u_on|/max|u_on| = {d:.2e} (tolerance 1e-12); steps {sb} and {sa}")
sys.exit(0 if d <= 1e-12 and sa == sb else 1)
PYEOF
}

# The QM vacuum with the Tripolt et al. parameters (full O(4) flow, k_IR = 2.5 MeV): f_pi = sigma_0, m_pi, m_sigma
# near their 93, 138, 512 MeV (measured at 800 cells: 93.384 +- 0.0006, 136.89, 508.9 +- 0.07 MeV), and the same u
# on 1, 2, 3 ranks (bitwise).
test_yukawa_qm_vacuum_ranks() {
  local np
  for np in 1 2 3; do
    frg_np $np -model qm -Lambda 1000 -t_ir 6 -potential "794^2*phi^2/2 + 2*phi^4/4" -qm_c 1.75e6 -grid_cells 400 -grid_phi_max 200 -progress 0 \
      -output r$np.h5 >r$np.log 2>&1 || { cat r$np.log; fail "frg on $np ranks"; }
  done
  grep -E "phi0 =|m2_radial|m2_goldstone" r1.log
  $PY "$TESTS/py/compare_u.py" 0 r1.h5 r2.h5 r3.h5
  $PY - <<'PYEOF' || fail "vacuum observables"
import h5py, math, sys
s = h5py.File("r1.h5")["summary"].attrs
f_pi, m_pi, m_sigma = float(s["phi0"]), math.sqrt(float(s["m2_goldstone"])), math.sqrt(float(s["m2_radial"]))
print(f"f_pi = {f_pi:.3f} MeV, m_pi = {m_pi:.2f} MeV, m_sigma = {m_sigma:.1f} MeV (Tripolt et al.: 93, 138, 512)")
sys.exit(0 if abs(f_pi - 93) < 2 and abs(m_pi - 138) < 4 and abs(m_sigma - 512) < 15 else 1)
PYEOF
}

test_yukawa_qm_bad_input() {
  expect_error "-T must be a finite number in \[0, .*got -1" out.h5 "$FRG" -model qm -T -1 -output out.h5 || fail "-T < 0"
  expect_error "-qm_c must be a finite number in \[0, .*got -1" out.h5 "$FRG" -model qm -qm_c -1 -output out.h5 || fail "-qm_c < 0"
  expect_error "-qm_h must be a finite number in \[0, .*got nan" out.h5 "$FRG" -model qm -qm_h nan -output out.h5 || fail "-qm_h nan"
  expect_error "-N must be 4 for -model qm" out.h5 "$FRG" -model qm -N 3 -output out.h5 || fail "-N 3"
  expect_error "-d must be 4 for -model qm" out.h5 "$FRG" -model qm -d 3 -output out.h5 || fail "-d 3"
}

# QM at T = 150 MeV (Tripolt parameters): the KT scheme's order from grids of spacing 1, 1/2, 1/4 MeV (400, 800,
# 1600 cells), compared on sigma <= 150 MeV, far from the extrapolated end at 400 MeV (with the end at 200 MeV the
# outer cells converge at first order: the end moves by h/4 between the nested grids). Measured 2.00.
test_yukawa_qm_convergence() {
  local n
  for n in 400 800 1600; do
    frg -model qm -T 150 -Lambda 1000 -t_ir 3 -potential "794^2*phi^2/2 + 2*phi^4/4" -qm_c 1.75e6 -grid_cells $n -grid_phi_max "$($PY -c "print(($n - 0.5) * 400 / $n)")" \
      -rtol 1e-11 -atol 1e-6 -error_estimate false -progress 0 -output c$n.h5 >c$n.log 2>&1 || { cat c$n.log; fail "frg on $n cells"; }
  done
  $PY "$TESTS/py/gny_check.py" order c1600.h5 c800.h5 c400.h5 1.8 150
}

# Finite N in 1+1 D at T > 0: the boson loop restores the Z2 symmetry (Stoll et al., arXiv 2108.10616: no
# condensate at any T > 0 for finite N). N = 2, T = 0.1: the condensate forms (phi0 = 0.93 at k = 0.09) and
# then melts (phi0 = 0 from k ~ 0.01 on; U''(0) = 4.5e-4 > 0 at k = 1e-11).
test_yukawa_gny_finite_n_restoration() {
  local A=1.3682207834772186 phi0
  frg -model gny -N 2 -T 0.1 -Lambda 100 -t_ir 7 -potential "$A*phi^2/2" -grid_cells 400 -grid_phi_max 2 -progress 0 -output mid.h5 >mid.log 2>&1 || { cat mid.log; fail "t_ir 7"; }
  frg -model gny -N 2 -T 0.1 -Lambda 100 -t_ir 30 -potential "$A*phi^2/2" -grid_cells 400 -grid_phi_max 2 -progress 0 -output ir.h5 >ir.log 2>&1 || { cat ir.log; fail "t_ir 30"; }
  phi0=$(h5attr mid.h5 summary phi0); echo "k = 0.09: phi0 = $phi0"
  $PY -c "import sys; sys.exit(0 if float('$phi0') > 0.5 else 1)" || fail "no condensate at k = 0.09"
  phi0=$(h5attr ir.h5 summary phi0); echo "k = 1e-11: phi0 = $phi0, U''(0) = $(h5attr ir.h5 summary gamma2)"
  $PY -c "import sys; sys.exit(0 if float('$phi0') == 0 and float('$(h5attr ir.h5 summary gamma2)') > 0 else 1)" || fail "the condensate survives at finite N, T > 0"
}

# The decks inputs/yukawa/*.yaml give the numbers their headers promise.
test_yukawa_decks() {
  frg -options_file "$INPUTS/yukawa/gny_mean_field.yaml" -progress 0 -output g.h5 >g.log 2>&1 || { cat g.log; fail "gny deck"; }
  close_to "gny sigma_0" "$(h5attr g.h5 summary phi0)" 1 1e-6 || fail "gny deck sigma_0"
  frg -options_file "$INPUTS/yukawa/qm_vacuum.yaml" -progress 0 -output q.h5 >q.log 2>&1 || { cat q.log; fail "qm deck"; }
  close_to "qm f_pi" "$(h5attr q.h5 summary phi0)" 93.384 1e-4 || fail "qm deck f_pi"
  close_to "qm m_pi^2" "$(h5attr q.h5 summary m2_goldstone)" 18739.8 1e-4 || fail "qm deck m_pi"
  close_to "qm m_sigma^2" "$(h5attr q.h5 summary m2_radial)" 258957 1e-3 || fail "qm deck m_sigma"
}

# No invalid floating-point operation anywhere (-fp_trap): a mean-field flow has no radial loop and its potential
# turns non-convex (x_r < -1), where the unused radial kernel took sqrt(< 0) before kt_loops.h passed it 0 instead
# (the gny run below trapped); T = 0 with a Fermi surface and a full qm flow at T, mu > 0 likewise.
test_yukawa_fp_trap() {
  frg -model gny -mean_field true -Lambda 100 -t_ir 14 -potential "1.3682207834772186*phi^2/2" -grid_cells 100 -grid_phi_max 2 -fp_trap -progress 0 \
    -output a.h5 >a.log 2>&1 || { cat a.log; fail "gny mean field under -fp_trap"; }
  frg -model gny -N 2 -T 0 -mu 0.3 -Lambda 100 -t_ir 14 -potential "1.3682207834772186*phi^2/2" -grid_cells 100 -grid_phi_max 2 -fp_trap -progress 0 \
    -output b.h5 >b.log 2>&1 || { cat b.log; fail "gny at T = 0 under -fp_trap"; }
  frg -model qm -T 10 -mu 330 -Lambda 1000 -t_ir 5 -potential "794^2*phi^2/2 + 2*phi^4/4" -qm_c 1.75e6 -grid_cells 100 -grid_phi_max 200 -fp_trap -progress 0 \
    -output c.h5 >c.log 2>&1 || { cat c.log; fail "qm under -fp_trap"; }
}

# The scan task runs the new models over (T, mu) like any option: a mean-field gny scan over T at mu = 0 gives
# sigma_0(T) of the closed form below T_c (measured 8e-9 at T = 0.1 to 1.3e-7 at 0.55; tolerance 1e-6) and 0 above.
test_yukawa_gny_scan_temperature() {
  frg -task scan -model gny -mean_field true -Lambda 100 -t_ir 14 -potential "1.3682207834772186*phi^2/2" -grid_cells 400 -grid_phi_max 1.5 \
    -rtol 1e-10 -atol 1e-12 -scan_vary "T=0.1,0.3,0.45,0.55,0.6" -output scan.h5 >scan.log 2>&1 || { cat scan.log; fail "scan"; }
  $PY -W ignore - "$TESTS/py" <<'PYEOF' || fail "sigma_0(T) of the scan"
import csv, math, sys
sys.path.insert(0, sys.argv[1])
from gny_check import u_over_sigma
from scipy.optimize import brentq
A, Lam = 1.3682207834772186, 100.0
k = Lam * math.exp(-14)
ok = True
for row in csv.DictReader(open("scan.csv")):
    T, phi0 = float(row["T"]), float(row["phi0"])
    broken = u_over_sigma(0.0, T, A, Lam, k) < 0
    ref = brentq(lambda s: u_over_sigma(s, T, A, Lam, k), 1e-9, 10.0, xtol=1e-15) if broken else 0.0
    err = abs(phi0 - ref) / max(ref, 1e-300) if broken else phi0
    good = err <= 1e-6 if broken else phi0 == 0
    ok &= good
    print(f"T = {T:g}: phi0 = {phi0:.9f}, closed form {ref:.9f} ({'relative error %.1e' % err if broken else 'symmetric'}) {'ok' if good else 'BAD'}")
sys.exit(0 if ok else 1)
PYEOF
}
