# Two-field flows (-model field2, doc/physics.md 2.4): U(phi1, phi2) on the 2D grid in d = 0, where the exact
# answer is known: the minimum of Gamma_IR is <phi> and its Hessian the inverse connected covariance, both by
# 2D quadrature of exp(-U) (tests/py/field2_check.py).
#   grid         ghost rules of the 2D grid (even, quadratic; 1 and 3 unknowns per cell) exact on
#                polynomials they reproduce, on 1, 2 and 3 ranks (tests/unit/test_grid2d.c)
#   quadrature   seeded random confining potentials (masses, mixing, linear, cubic and quartic terms):
#                Gamma2 within 1e-2 of its largest entry, <phi> within 1e-2, on 32 x 32 cells
#   convergence  the Gamma2 error falls at second order as the cells double (16, 32, 64)
#   ranks        the same numbers on 1, 2 and 3 ranks to 1e-10
#   o2           an O(2)-symmetric U gives the exact N = 2 gamma2 of the one-field -model on tests
#   bad input    clear one-line errors naming the option
FIELD2_CHECK="$TESTS/py/field2_check.py"
FIELD2_GRID=(-model field2 -d 0 -grid_phi_max 5)

test_field2_grid() {
  "$BUILD/tests/unit/test_grid2d" || { fail "test_grid2d on 1 rank"; return 1; }
  mpirun -n 2 --oversubscribe "$BUILD/tests/unit/test_grid2d" || fail "test_grid2d on 2 ranks"
  mpirun -n 3 --oversubscribe "$BUILD/tests/unit/test_grid2d" || fail "test_grid2d on 3 ranks"
}

test_field2_quadrature() {
  local seed potential
  for seed in $(seq 1 "$(quick 2 5)"); do
    potential=$($PY "$FIELD2_CHECK" potential "$seed")
    frg "${FIELD2_GRID[@]}" -grid_cells 32 -potential "$potential" >"seed$seed.log" 2>&1 || { cat "seed$seed.log"; fail "seed $seed: frg failed"; }
    $PY "$FIELD2_CHECK" check "seed$seed.log" "$potential" 1e-2 || fail "seed $seed: IR vertices disagree with quadrature"
  done
}

test_field2_convergence() {
  local potential n errors=()
  potential=$($PY "$FIELD2_CHECK" potential 1)
  for n in 16 32 64; do
    frg "${FIELD2_GRID[@]}" -grid_cells $n -potential "$potential" >"n$n.log" 2>&1 || { cat "n$n.log"; fail "$n cells: frg failed"; }
    errors+=("$($PY "$FIELD2_CHECK" errors "n$n.log" "$potential" | cut -d' ' -f1)")
  done
  echo "Gamma2 relative errors at 16, 32, 64 cells: ${errors[*]}"
  $PY - "${errors[@]}" <<'PYEOF' || fail "the error does not fall at second order"
import math, sys
e = [float(x) for x in sys.argv[1:]]
ratios = [e[i] / e[i + 1] for i in range(len(e) - 1)]
order = math.log2(e[0] / e[-1]) / (len(e) - 1)
print(f"ratios {ratios}, mean observed order {order:.2f} (second order: ratios 4, order 2; required: each ratio >= 2.5, order >= 1.7)")
sys.exit(0 if min(ratios) >= 2.5 and order >= 1.7 else 1)
PYEOF
}

test_field2_ranks() {
  local potential np
  potential=$($PY "$FIELD2_CHECK" potential 2)
  for np in 1 2 3; do
    frg_np $np "${FIELD2_GRID[@]}" -grid_cells 24 -potential "$potential" >"np$np.log" 2>&1 || { cat "np$np.log"; fail "$np ranks: frg failed"; }
  done
  $PY - np1.log np2.log np3.log <<'PYEOF' || fail "ranks disagree"
import re, sys
def numbers(path):
    lines = [l for l in open(path) if l.startswith("[frg] IR")]
    return [float(x) for l in lines for x in re.findall(r"(?:phi1|phi2|11|22|12) = ([-+0-9.eE]+)", l)]
ref = numbers(sys.argv[1])
assert len(ref) == 8, ref
for path in sys.argv[2:]:
    other = numbers(path)
    worst = max(abs(a - b) / max(abs(a), 1e-300) if abs(a) > 1e-3 else abs(a - b) for a, b in zip(ref, other))
    print(f"{path}: largest difference from one rank {worst:.2e} (tolerance 1e-10)")
    if worst > 1e-10: sys.exit(1)
PYEOF
}

test_field2_bad_input() {
  expect_error "-d must be 0 for -model field2" "" "$FRG" -model field2 -d 3 || return 1
  expect_error "-N must be 2 for -model field2" "" "$FRG" -model field2 -N 1 || return 1
  expect_error "expression in phi1 and phi2" "" "$FRG" -model field2 -potential "phi^2" || return 1
  expect_error "-grid_cells .*got 4" "" "$FRG" -model field2 -grid_cells 4 || return 1
  expect_error "-grid_cells_y .*got 5" "" "$FRG" -model field2 -grid_cells_y 5 || return 1
  expect_error "-grid_phi_max_y .*got -1" "" "$FRG" -model field2 -grid_phi_max_y -1 || return 1
  expect_error "-integrator_newton modified needs a 1D grid" "" "$FRG" -model field2 -integrator_newton modified || return 1
  expect_error "minimum of U_IR lies at the edge of the grid" "" "$FRG" -model field2 -grid_cells 16 -grid_phi_max 5 -potential "(phi1 - 4.8)^2 + phi2^2" || return 1
  expect_error "-output: two-field flows (-model field2) write no file" "" "$FRG" -model field2 -output x.h5 || return 1
  expect_error "-grid_cells_y" "" "$FRG" -model field -grid_cells_y 16 || return 1 # a 2D option on a 1D grid: unused
}

# The tie to the one-field core: an O(2)-symmetric U in Cartesian form has the IR vertices of -model on with
# N = 2, here the exact gamma2 of inputs/tests/zero_d_convex.yaml (tests/tools/exact0d, GSL quadrature of the
# radial integral): Gamma2_11 = Gamma2_22 = 1.4216941421254936 and Gamma2_12 = 0, within 1e-2 on 32 x 32 cells.
test_field2_o2() {
  local g11 g22 g12
  frg "${FIELD2_GRID[@]}" -grid_cells 32 -potential "(phi1^2 + phi2^2)/2 + (phi1^2 + phi2^2)^2/24" >o2.log 2>&1 || { cat o2.log; fail "frg failed"; }
  read -r g11 g22 g12 < <(sed -n 's/.*IR Gamma2: 11 = \([^ ]*\) 22 = \([^ ]*\) 12 = \([^ ]*\)$/\1 \2 \3/p' o2.log)
  close_to Gamma2_11 "$g11" 1.4216941421254936 1e-2 || fail "Gamma2_11 is not the O(2) value"
  close_to Gamma2_22 "$g22" 1.4216941421254936 1e-2 || fail "Gamma2_22 is not the O(2) value"
  $PY -c "import sys; g = abs(float(sys.argv[1])); print(f'|Gamma2_12| = {g:.3e} (tolerance 1e-2)'); sys.exit(g > 1e-2)" "$g12" || fail "Gamma2_12 is not 0"
}
