# The O(N)+O(M) model (-model onom, src/physics/onom.c, doc/physics.md 2.4): U(|phi_a|, |phi_b|) on the
# quadrant of the two radii with even axes and the Goldstone terms of both multiplets.
#   zero_d        d = 0 is exact: seeded real N, M in [1, 4] and potentials (radial double wells allowed)
#                 against 2D quadrature of the radial measure (tests/py/onom_check.py): Gamma2 within 1e-3
#                 relative and 3 error estimates, the minimum at the origin
#   convergence   the d = 0 Gamma2 error falls at second order (24, 48, 96 cells)
#   decoupled     U = V(phi1) + W(phi2) in d = 3 flows as the two -model on flows of N and M: the minima
#                 and radial masses agree (one multiplet broken, one not; then N = 1 and real M = 2.5)
#   d3_order      the same in d = 3 against -model on at 3200 cells as the cells double (32, 64, 128)
#   ranks         1, 2 and 3 ranks agree to 1e-10
#   bad input     -M without onom, N or M below 1, a potential in phi
ONOM_CHECK="$TESTS/py/onom_check.py"

test_onom_zero_d() {
  local seed N M potential
  for seed in $(seq 1 "$(quick 2 5)"); do
    read -r N M potential < <($PY "$ONOM_CHECK" potential "$seed")
    echo "seed $seed: N = $N, M = $M, U = $potential"
    frg -model onom -d 0 -N "$N" -M "$M" -grid_cells 48 -grid_phi_max 6 -potential "$potential" -output s$seed.h5 >s$seed.log 2>&1 || { cat s$seed.log; fail "seed $seed: frg failed"; }
    $PY "$ONOM_CHECK" check s$seed.h5 "$N" "$M" "$potential" 1e-3 || fail "seed $seed: Gamma2 disagrees with quadrature"
  done
}

test_onom_convergence() {
  local N M potential n exact errors=()
  read -r N M potential < <($PY "$ONOM_CHECK" potential 1)
  exact=$($PY "$ONOM_CHECK" exact "$N" "$M" "$potential")
  for n in 24 48 96; do
    frg -model onom -d 0 -N "$N" -M "$M" -grid_cells $n -grid_phi_max 6 -potential "$potential" -error_estimate false -output n$n.h5 >n$n.log 2>&1 || { cat n$n.log; fail "$n cells: frg failed"; }
    errors+=("$($PY -c "
import sys, h5py
s = h5py.File(sys.argv[1], 'r')['summary'].attrs
g11, g22 = (float(x) for x in sys.argv[2].split())
print(max(abs(s['gamma2_11'] / g11 - 1), abs(s['gamma2_22'] / g22 - 1)))" n$n.h5 "$exact")")
  done
  echo "N = $N, M = $M: Gamma2 relative errors at 24, 48, 96 cells: ${errors[*]}"
  falls_at_order 3 1.8 "${errors[@]}" || fail "the error does not fall at second order"
}

# onom_decoupled_case N M V W: -model onom with U = V(phi1) + W(phi2) at 64 cells against -model on with N
# and V, and with M and W, at 1600 cells (d = 3, t_IR = 1, before the flat inner region of the broken phase
# makes the radial mass jump at the minimum): phi1_min = phi0(N), gamma2_11 = m2_radial(N), likewise for
# phi2 and M, each within 3 times the summed error estimates and 3e-3 of max(|value|, 1); gamma2_12 = 0.
onom_decoupled_case() {
  local N=$1 M=$2 V=$3 W=$4 common=(-d 3 -t_ir 1 -grid_phi_max 5)
  frg -model onom -N "$N" -M "$M" "${common[@]}" -grid_cells 64 -potential "$V + $W" -output two.h5 >two.log 2>&1 || { cat two.log; fail "onom failed"; }
  frg -model on -N "$N" "${common[@]}" -grid_cells 1600 -potential "${V//phi1/phi}" -output a.h5 >a.log 2>&1 || { cat a.log; fail "on -N $N failed"; }
  frg -model on -N "$M" "${common[@]}" -grid_cells 1600 -potential "${W//phi2/phi}" -output b.h5 >b.log 2>&1 || { cat b.log; fail "on -N $M failed"; }
  echo "N = $N, M = $M, V = $V, W = $W"
  $PY - two.h5 a.h5 b.h5 <<'PYEOF' || fail "N = $N, M = $M: the decoupled O(N)+O(M) flow is not the two O(N) flows"
import sys, h5py
two, a, b = (h5py.File(p, "r")["summary"].attrs for p in sys.argv[1:])
ok = True
for mine, one, name in (("phi1_min", a, "phi0"), ("gamma2_11", a, "m2_radial"), ("phi2_min", b, "phi0"), ("gamma2_22", b, "m2_radial")):
    d = abs(two[mine] - one[name])
    tol = min(3 * (two[mine + "_error"] + one[name + "_error"]), 3e-3 * max(abs(one[name]), 1.0))
    print(f"  {mine:10s} onom {two[mine]:+.8f} +- {two[mine + '_error']:.1e}   on {name} {one[name]:+.8f} +- {one[name + '_error']:.1e}   |difference| {d:.1e} (tolerance {tol:.1e})")
    ok &= d <= tol
print(f"  gamma2_12  {two['gamma2_12']:+.2e} (exactly 0: tolerance 1e-10)")
ok &= abs(two["gamma2_12"]) <= 1e-10
sys.exit(0 if ok else 1)
PYEOF
}

test_onom_decoupled() {
  onom_decoupled_case 4 2 "-phi1^2/2 + phi1^4/24" "phi2^2/2 + phi2^4/24" || return 1
  onom_decoupled_case 1 2.5 "-phi1^2/4 + phi1^4/24" "-phi2^2/2 + phi2^4/20"
}

# The decoupled case N = 4, M = 2 of onom_decoupled without error estimates at 32, 64 and 128 cells: the
# errors of phi1_min (the broken O(4) multiplet) and of gamma2_22 (the unbroken O(2) one) against -model on
# at 3200 cells fall at second order or faster (measured: phi1_min 4.0e-3, 1.5e-4, 2.3e-5).
test_onom_d3_order() {
  local n common=(-d 3 -t_ir 1 -grid_phi_max 5)
  frg -model on -N 4 "${common[@]}" -grid_cells 3200 -potential "-phi^2/2 + phi^4/24" -output a.h5 >a.log 2>&1 || { cat a.log; fail "on -N 4 failed"; }
  frg -model on -N 2 "${common[@]}" -grid_cells 3200 -potential "phi^2/2 + phi^4/24" -output b.h5 >b.log 2>&1 || { cat b.log; fail "on -N 2 failed"; }
  for n in 32 64 128; do
    frg -model onom -N 4 -M 2 "${common[@]}" -grid_cells $n -potential "-phi1^2/2 + phi1^4/24 + phi2^2/2 + phi2^4/24" -error_estimate false -output n$n.h5 >n$n.log 2>&1 || { cat n$n.log; fail "$n cells: onom failed"; }
  done
  $PY - a.h5 b.h5 n32.h5 n64.h5 n128.h5 <<'PYEOF' || fail "the onom error does not fall at second order"
import math, sys, h5py
a, b, *runs = (h5py.File(p, "r")["summary"].attrs for p in sys.argv[1:])
ok = True
for mine, ref in (("phi1_min", a["phi0"]), ("gamma2_22", b["m2_radial"])):
    e = [abs(r[mine] - ref) for r in runs]
    ratios = [e[i] / e[i + 1] for i in range(len(e) - 1)]
    order = math.log2(e[0] / e[-1]) / (len(e) - 1)
    print(f"  {mine}: errors at 32, 64, 128 cells {[f'{x:.2e}' for x in e]}, ratios {[f'{x:.1f}' for x in ratios]}, mean order {order:.2f} (required: each ratio >= 3, order >= 1.8)")
    ok &= min(ratios) >= 3 and order >= 1.8
sys.exit(0 if ok else 1)
PYEOF
}

test_onom_ranks() {
  field2_ranks_agree -model onom -N 3 -M 1.5 -d 3 -grid_cells 24 -grid_cells_y 20 -grid_phi_max 5 -grid_phi_max_y 4
}

test_onom_bad_input() {
  expect_error "-M (the second multiplet's components) is an option of -model onom only, not of -model field2" "" "$FRG" -model field2 -M 2 || return 1
  expect_error "-M .* -model onom only, not of -model on" "" "$FRG" -M 2 || return 1
  expect_error "-N must be >= 1 for -model onom" x.h5 "$FRG" -model onom -N 0.5 -output x.h5 || return 1
  expect_error "-M must be a finite number in \[1, 1e+06\], got 0.5" x.h5 "$FRG" -model onom -M 0.5 -output x.h5 || return 1
  expect_error "-model onom takes an expression in phi1 and phi2" x.h5 "$FRG" -model onom -potential "phi^2" -output x.h5 || return 1
  expect_error "-checkpoint: two-field flows (-model field2, onom) take no checkpoint" x.h5 "$FRG" -model onom -output x.h5 -checkpoint c.h5
}

# The example deck runs as its header says, and its Gamma2 is exact against quadrature of the radial measure.
test_onom_deck() {
  local deck="$INPUTS/twofield/onom.yaml" potential
  potential=$(sed -n 's/^potential: "\(.*\)"$/\1/p' "$deck")
  frg -options_file "$deck" >deck.log 2>&1 || { cat deck.log; fail "the deck failed"; }
  [ -s onom.h5 ] && [ -s onom.xmf ] || fail "the deck wrote no onom.h5 and onom.xmf"
  $PY "$ONOM_CHECK" check onom.h5 2 3 "$potential" 1e-3 || fail "the deck's Gamma2 disagrees with quadrature"
}
