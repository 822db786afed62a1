# The free energy: U0 = U_k(0), the flow's potential at phi = 0 (src/analysis/observables.c), integrated
# along the solution (src/integrate/quadrature.c). Every test compares with a closed form or quadrature.

# Property test (tests/py/free_energy.py): seeded zero-dimensional O(N) flows, N = 1..4, three potential
# families, Lambda = 1e4..1e8, IR k^2 = 1e-8..1e-1, on 1 and 2 ranks, each against
# -ln[(k^2/2 pi)^(N/2) int d^N chi exp(-S - k^2 chi^2/2)] by adaptive quadrature: within 5e-5 of
# max(1, |exact|) (800 cells; the scheme's O(h^2) error is 1e-5..3e-5) and within 3 of its own error
# estimates.
test_free_energy_zero_d_exact() {
  $PY "$TESTS/py/free_energy.py" --frg "$FRG" --cases "$(quick 8 24)" --seed 20261203 --ranks 1,2 >fe.log
  local rc=$?
  cat fe.log
  [ $rc -eq 0 ] || fail "U0 missed the exact free energy (above)"
}

# A Gaussian potential m phi^2/2 never changes in the LPA (u = m phi is a fixed point of the scheme too),
# and d_t U(0) = A_d k^d N m/(k^2 + m) (Litim) integrates in closed form:
#   d = 3: U0 = A_3 N m [(Lambda - k) - sqrt(m) (atan(Lambda/sqrt m) - atan(k/sqrt m))],  A_3 = 1/(6 pi^2)
#   d = 1: U0 = A_1 N sqrt(m) [atan(Lambda/sqrt m) - atan(k/sqrt m)],                     A_1 = 1/pi
# Only the time quadrature is tested here: to 1e-10 relative. The integrator's steps grow to the RG-step
# bound (u stands still) while the rate moves with k: Simpson's rule on whole steps missed by 2e-5, the
# three-point Gauss rule on whole steps by 8e-9.
test_free_energy_gaussian_closed_form() {
  local d n
  for d in 3 1; do
    for n in 4 1; do
      frg -model on -d $d -N $n -potential "0.7*phi^2/2" -Lambda 10 -t_ir 6 -grid_cells 400 -grid_phi_max 4 -rtol 1e-8 -atol 1e-10 \
        -progress 0 -output g$d$n.h5 >g.log || { cat g.log; fail "Gaussian flow d = $d, N = $n failed"; }
      $PY - g$d$n.h5 $d $n <<'PYEOF' || fail "U0 of the Gaussian, d = $d, N = $n"
import math, sys, h5py
path, d, N = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
s = h5py.File(path, "r")["summary"].attrs
k, u0, m, L = float(s["k"]), float(s["U0"]), 0.7, 10.0
r = math.sqrt(m)
exact = N * m / (6 * math.pi**2) * ((L - k) - r * (math.atan(L / r) - math.atan(k / r))) if d == 3 else N * r / math.pi * (math.atan(L / r) - math.atan(k / r))
error = abs(u0 - exact) / exact
print(f"d = {d}, N = {N}: U0 = {u0:.15g}, closed form {exact:.15g}, relative error {error:.2e} (tolerance 1e-10)")
sys.exit(0 if error <= 1e-10 else 1)
PYEOF
    done
  done
}

# The error of U0 falls at the scheme's second order: a 0D double well (N = 1) on 100, 200, 400 and 800
# cells against quadrature; each halving of h must divide the error by 2^p with p in [1.8, 2.2], and
# each flow's error estimate must cover its true error.
test_free_energy_second_order() {
  local n
  for n in 100 200 400 800; do
    frg -model on -d 0 -N 1 -potential "-0.5*phi^2/2 + phi^4/24" -Lambda 1e6 -t_ir 16 -grid_cells $n -grid_phi_max 6 -rtol 1e-10 -atol 1e-12 \
      -progress 0 -output c$n.h5 >c.log || { cat c.log; fail "flow on $n cells failed"; }
  done
  PYTHONPATH="$TESTS/py" $PY - <<'PYEOF' || fail "U0 does not converge at second order"
import math, sys, h5py
from free_energy import exact_u0
S = lambda x: -0.5 * x * x / 2 + x**4 / 24
prev, ok = None, True
for n in (100, 200, 400, 800):
    s = h5py.File(f"c{n}.h5", "r")["summary"].attrs
    error = abs(float(s["U0"]) - exact_u0(S, 1, float(s["k"]) ** 2))
    order = math.log2(prev / error) if prev else float("nan")
    print(f"{n} cells: U0 = {float(s['U0']):.12g} ± {float(s['U0_error']):.2g}, true error {error:.3e}, order {order:.3f}")
    ok &= error <= 3 * float(s["U0_error"]) and (prev is None or 1.8 <= order <= 2.2)
    prev = error
sys.exit(0 if ok else 1)
PYEOF
}

# U0 is the same on 1, 2 and 3 ranks, and on 4 ranks of 2 cells each (to 1e-12), after a checkpoint restart (to the integrator's
# tolerance: the restart begins a fresh integrator; the checkpoint carries the integral, format 4), and a
# scan has its column.
test_free_energy_ranks_restart_scan() {
  local deck="-options_file $INPUTS/tests/zero_d_double_well.yaml -progress 0" n
  for n in 1 2 3; do frg_np $n $deck -output r$n.h5 >r$n.log || { cat r$n.log; fail "flow on $n ranks failed"; }; done
  for n in 2 3; do close_to "U0 on $n ranks" "$(h5attr r$n.h5 summary U0)" "$(h5attr r1.h5 summary U0)" 1e-12 || fail "U0 depends on the ranks"; done
  # 8 cells on 4 ranks: rank 0 holds 2 of the cells the flux at h/2 reads, rank 1 the third (the
  # interpolation combined rank 0's cells only: U0 3.109 against 2.491 on one rank)
  for n in 1 4; do
    frg_np $n -model on -d 0 -N 2 -potential "phi^2/2+phi^4/24" -Lambda 1e3 -t_ir 8 -grid_cells 8 -grid_phi_max 4 -error_estimate false -progress 0 -output small$n.h5 >small.log ||
      { cat small.log; fail "8-cell flow on $n ranks failed"; }
  done
  close_to "U0, 8 cells on 4 ranks" "$(h5attr small4.h5 summary U0)" "$(h5attr small1.h5 summary U0)" 1e-12 || fail "U0 depends on the ranks when rank 0 holds few cells"
  frg $deck -output s.h5 -stop_at 12 >s.log; [ -s s.h5.checkpoint.h5 ] || { cat s.log; fail "no checkpoint at t = 12"; }
  frg_np 2 $deck -output s.h5 -restart s.h5.checkpoint.h5 >s2.log || { cat s2.log; fail "restart failed"; }
  close_to "U0 after a restart" "$(h5attr s.h5 summary U0)" "$(h5attr r1.h5 summary U0)" 1e-8 || fail "U0 after a restart differs"
  frg -options_file "$INPUTS/scan/zero_d.yaml" -scan_vary "N=1,2;g=1" -scan_progress 0 -output scan.h5 >scan.log || { cat scan.log; fail "scan failed"; }
  head -1 scan.csv | grep -q "U0" || { head -2 scan.csv; fail "the scan table has no U0 column"; }
}
