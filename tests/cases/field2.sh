# Two-field flows (-model field2, doc/physics.md 2.4): U(phi1, phi2) on the 2D grid in d = 0, where the exact
# answer is known: the minimum of Gamma_IR is <phi> and its Hessian the inverse connected covariance, both by
# 2D quadrature of exp(-U) (tests/py/field2_check.py).
#   grid         ghost rules of the 2D grid (even, quadratic; 1 and 3 unknowns per cell) exact on
#                polynomials they reproduce, on 1, 2 and 3 ranks (tests/unit/test_grid2d.c)
#   quadrature   seeded random confining potentials (masses, mixing, linear, cubic and quartic terms):
#                Gamma2 within 1e-2 of its largest entry, <phi> within 1e-2, on 32 x 32 cells
#   convergence  the Gamma2 error falls at second order as the cells double (16, 32, 64)
#   ranks        the same numbers, /summary and /flow/U on 1, 2 and 3 ranks to 1e-10
#   file         the result file: /summary as printed, /flow/U [time, phi1, phi2] on a grid with
#                different directions (U at t = 0 is the UV potential), the XDMF companion, and
#                results independent of the output times
#   honesty      the error estimate against the true errors of seeded potentials: true <= 3 estimates,
#                estimate <= 100 true errors
#   o2           an O(2)-symmetric U gives the exact N = 2 gamma2 of the one-field -model on tests
#   separable    U1(phi1) + U2(phi2) gives the vertices of the two one-field flows (-model field)
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
  falls_at_order 2.5 1.7 "${errors[@]}" || fail "the error does not fall at second order"
}

test_field2_ranks() {
  local potential
  potential=$($PY "$FIELD2_CHECK" potential 2)
  field2_ranks_agree "${FIELD2_GRID[@]}" -grid_cells 24 -grid_cells_y 20 -potential "$potential"
}

# field2_ranks_agree ARGS...: the two-field flow of ARGS on 1, 2 and 3 ranks gives the same printed vertices,
# /flow/U and /summary to 1e-10.
field2_ranks_agree() {
  local np
  for np in 1 2 3; do
    frg_np $np "$@" -output np$np.h5 >"np$np.log" 2>&1 || { cat "np$np.log"; fail "$np ranks: frg failed"; }
  done
  $PY - np1 np2 np3 <<'PYEOF' || fail "ranks disagree"
import re, sys, h5py, numpy as np
def numbers(path):
    lines = [l for l in open(path + ".log") if l.startswith("[frg] IR")]
    return [float(x) for l in lines for x in re.findall(r"(?:phi1|phi2|11|22|12) = ([-+0-9.eE]+)", l)]
def close(a, b):
    a, b = np.asarray(a, float), np.asarray(b, float)
    return float(np.max(np.where(np.abs(b) > 1e-3, np.abs(a - b) / np.maximum(np.abs(b), 1e-300), np.abs(a - b))))
ref = numbers(sys.argv[1])
assert len(ref) == 8, ref
with h5py.File(sys.argv[1] + ".h5") as f:
    U1, s1 = f["flow/U"][()], dict(f["summary"].attrs)
for run in sys.argv[2:]:
    with h5py.File(run + ".h5") as f:
        U, s = f["flow/U"][()], dict(f["summary"].attrs)
    keys = [k for k in s1 if k.startswith(("phi1_min", "phi2_min", "gamma2_"))]
    worst = max(close(numbers(run), ref), close(U, U1), close([s[k] for k in keys], [s1[k] for k in keys]))
    print(f"{run}: largest difference from one rank (printed vertices, /flow/U {U.shape}, /summary) {worst:.2e} (tolerance 1e-10)")
    if U.shape != U1.shape or worst > 1e-10: sys.exit(1)
PYEOF
}

# The result file of a two-field flow on a grid whose directions differ (24 x 20 cells, phi_max 5 and
# 4.5): /summary holds what the summary printed; /flow/U is [time, cell of phi1, cell of phi2] on the
# cell centres of /grid (at t = 0 the UV potential up to a constant); /flow/t ends at t_IR; the XDMF
# companion names every record at its time, with the grid's origin and spacing. A second run with
# other output times gives the same IR vertices to 1e-10 (the steps do not stop at the output times;
# they did in the first version, 1.5e-6 apart on 2 ranks).
test_field2_file() {
  local potential="(phi1 - 0.3)^2/2 + phi2^2 + phi1*phi2/4 + phi1^4/24 + phi2^4/12"
  frg "${FIELD2_GRID[@]}" -grid_cells 24 -grid_cells_y 20 -grid_phi_max_y 4.5 -potential "$potential" -output out.h5 >out.log 2>&1 || { cat out.log; fail "frg failed"; }
  frg "${FIELD2_GRID[@]}" -grid_cells 24 -grid_cells_y 20 -grid_phi_max_y 4.5 -potential "$potential" -output few.h5 -output_times 1,25 >few.log 2>&1 || { cat few.log; fail "frg with -output_times failed"; }
  [ -e out.xmf ] && [ ! -e out.h5.partial ] || fail "out.xmf is missing or out.h5.partial was left"
  $PY - out.h5 out.log out.xmf few.h5 "$potential" <<'PYEOF' || fail "the result file is wrong"
import re, sys, h5py, numpy as np, xml.etree.ElementTree as ET
h5, log, xmf, few, expr = sys.argv[1:]
f = h5py.File(h5, "r")
s, U, t, phi1, phi2 = f["summary"].attrs, f["flow/U"][()], f["flow/t"][()], f["grid/phi1"][()], f["grid/phi2"][()]
text = open(log).read()
ok = True
def check(what, good):
    global ok
    print(("ok   " if good else "FAIL ") + what)
    ok &= bool(good)
printed = {m.group(1): float(m.group(2)) for m in re.finditer(r"^\s+(?:observables)?\s*(\w+) = ([-+0-9.eE]+) ±", text, re.M)}
names = ("phi1_min", "phi2_min", "gamma2_11", "gamma2_22", "gamma2_12")
check(f"/summary = printed summary for {names}", all(n in printed and abs(printed[n] - s[n]) <= 1e-10 * max(1, abs(s[n])) for n in names))
check("every vertex has an _error > 0", all(s[n + "_error"] > 0 for n in names))
check(f"/flow/U shape {U.shape} = (records {len(t)}, 24, 20)", U.shape == (len(t), 24, 20))
check(f"/flow/t from 0 to 25 ({t[0]}, {t[-1]})", t[0] == 0 and abs(t[-1] - 25) < 1e-12)
check("/grid/phi1: 24 centres on [-5, 5]", len(phi1) == 24 and abs(phi1[0] + 5 - 5 / 24) < 1e-12 and abs(phi1[-1] - 5 + 5 / 24) < 1e-12)
check("/grid/phi2: 20 centres on [-4.5, 4.5]", len(phi2) == 20 and abs(phi2[0] + 4.5 - 4.5 / 20) < 1e-12 and abs(phi2[-1] - 4.5 + 4.5 / 20) < 1e-12)
p1, p2 = np.meshgrid(phi1, phi2, indexing="ij")
V = eval(expr.replace("^", "**"), {"phi1": p1, "phi2": p2})
d = U[0] - V
check(f"U at t = 0 is the UV potential up to a constant (spread {np.ptp(d):.1e})", np.ptp(d) < 1e-10 * np.abs(V).max())
i, j = np.unravel_index(np.argmin(U[-1]), U[-1].shape)
check(f"the lowest cell of U_IR ({phi1[i]:.3f}, {phi2[j]:.3f}) is within a cell of the minimum", abs(phi1[i] - s["phi1_min"]) <= 10 / 24 and abs(phi2[j] - s["phi2_min"]) <= 9 / 20)
g = f["summary"].attrs
s2 = h5py.File(few, "r")["summary"].attrs
check("-output_times 1,25 gives the same vertices to 1e-10", all(abs(s2[n] - g[n]) <= 1e-10 * max(1, abs(g[n])) for n in names))
root = ET.parse(xmf).getroot()
grids = root.findall("./Domain/Grid/Grid")
check(f"XDMF: {len(grids)} grids = {len(t)} records", len(grids) == len(t))
times = [float(gr.find("Time").get("Value")) for gr in grids]
check("XDMF: their times are /flow/t", np.allclose(times, t, rtol=0, atol=1e-15))
topo = grids[-1].find("Topology")
check("XDMF: 2DCoRectMesh 24 x 20", topo.get("TopologyType") == "2DCoRectMesh" and topo.get("Dimensions") == "24 20")
origin, spacing = [[float(x) for x in item.text.split()] for item in grids[-1].find("Geometry").findall("DataItem")]
check("XDMF: origin and spacing of the cell centres", np.allclose(origin, [phi1[0], phi2[0]]) and np.allclose(spacing, [10 / 24, 9 / 20]))
slab = grids[-1].find("Attribute/DataItem").findall("DataItem")
check("XDMF: the last grid reads record %d of out.h5:/flow/U" % (len(t) - 1), slab[0].text.split()[0] == str(len(t) - 1) and slab[1].text.strip() == "out.h5:/flow/U")
sys.exit(0 if ok else 1)
PYEOF
}

# The error estimate of the IR vertices (a second and third flow on 3/4 and 1/2 of the cells) against
# the true errors from 2D quadrature, for seeded random potentials on 32 x 32 cells: each true error at
# most 3 estimates, each estimate at most 100 true errors (where the true error is above 1e-7).
# Measured over 20 seeds: estimate/true from 0.55 to 86.
test_field2_error_honesty() {
  local seed potential
  for seed in $(seq 1 "$(quick 4 20)"); do
    potential=$($PY "$FIELD2_CHECK" potential "$seed")
    frg "${FIELD2_GRID[@]}" -grid_cells 32 -potential "$potential" -output s$seed.h5 >"s$seed.log" 2>&1 || { cat "s$seed.log"; fail "seed $seed: frg failed"; }
    echo "seed $seed: $potential"
    $PY "$FIELD2_CHECK" honesty s$seed.h5 "$potential" || fail "seed $seed: an error estimate is dishonest"
  done
}

# The tie to the one-field flows: a separable U = V1(phi1) + V2(phi2) has the IR vertices of the two
# one-field flows (-model field) of V1 and V2, and Gamma2_12 = 0 (d = 0: the density factorizes). Three
# seeded asymmetric quartics; each vertex of -model field2 within 3 times the sum of the two error
# estimates of the -model field value, and Gamma2_12 within 3 of its own estimate of 0.
test_field2_separable() {
  local seed v1 v2 common=(-d 0 -Lambda 1e4 -t_ir 25 -grid_phi_max 5)
  for seed in 1 2 3; do
    read -r v1 v2 < <($PY -c "
import random, sys
r = random.Random(int(sys.argv[1]))
def v(x): return f'{r.uniform(0.05, 0.3):.5f}*{x}^4 + ({r.uniform(-0.3, 0.3):.5f})*{x}^3 + ({r.uniform(-0.5, 1.0):.5f})*{x}^2 + ({r.uniform(-0.5, 0.5):.5f})*{x}'
print(v('phi1').replace(' ', ''), v('phi2').replace(' ', ''))" "$seed")
    frg -model field2 "${common[@]}" -grid_cells 48 -potential "$v1 + $v2" -output two$seed.h5 >two$seed.log 2>&1 || { cat two$seed.log; fail "seed $seed: field2 failed"; }
    frg -model field "${common[@]}" -grid_cells 801 -potential "${v1//phi1/phi}" -output a$seed.h5 >a$seed.log 2>&1 || { cat a$seed.log; fail "seed $seed: field (V1) failed"; }
    frg -model field "${common[@]}" -grid_cells 801 -potential "${v2//phi2/phi}" -output b$seed.h5 >b$seed.log 2>&1 || { cat b$seed.log; fail "seed $seed: field (V2) failed"; }
    echo "seed $seed: V1 = $v1, V2 = $v2"
    $PY - two$seed.h5 a$seed.h5 b$seed.h5 <<'PYEOF' || fail "seed $seed: the separable two-field flow is not the two one-field flows"
import sys, h5py
two, a, b = (h5py.File(p, "r")["summary"].attrs for p in sys.argv[1:])
ok = True
for mine, one, name in (("phi1_min", a, "phi0"), ("gamma2_11", a, "gamma2"), ("phi2_min", b, "phi0"), ("gamma2_22", b, "gamma2")):
    d, tol = abs(two[mine] - one[name]), 3 * (two[mine + "_error"] + one[name + "_error"])
    print(f"  {mine:10s} field2 {two[mine]:+.8f} +- {two[mine + '_error']:.1e}   field {one[name]:+.8f} +- {one[name + '_error']:.1e}   |difference| {d:.1e} (tolerance {tol:.1e})")
    ok &= d <= tol
d = abs(two["gamma2_12"])
print(f"  gamma2_12  {two['gamma2_12']:+.2e} +- {two['gamma2_12_error']:.1e} (exactly 0: tolerance {3 * two['gamma2_12_error']:.1e})")
ok &= d <= 3 * two["gamma2_12_error"]
sys.exit(0 if ok else 1)
PYEOF
  done
}

# The example deck runs as the README says, and its vertices and error bars are honest against quadrature.
test_field2_deck() {
  local deck="$INPUTS/twofield/asymmetric.yaml" potential
  potential=$(sed -n 's/^potential: "\(.*\)"$/\1/p' "$deck")
  frg -options_file "$deck" >deck.log 2>&1 || { cat deck.log; fail "the deck failed"; }
  [ -s twofield.h5 ] && [ -s twofield.xmf ] || fail "the deck wrote no twofield.h5 and twofield.xmf"
  $PY "$FIELD2_CHECK" honesty twofield.h5 "$potential" || fail "the deck's vertices or error bars disagree with quadrature"
}

# The exact Newton matrix of the two-field operator against central differences of the right-hand side
# (field2 in d = 0 and 3, onom with its Goldstone terms and even axes; smooth and rough states), on 1, 2
# and 3 ranks (tests/unit/test_operator2d.c).
test_field2_jacobian() {
  local np
  for np in 1 2 3; do
    if [ "$np" -eq 1 ]; then "$BUILD/tests/unit/test_operator2d"; else mpirun -n $np --oversubscribe "$BUILD/tests/unit/test_operator2d"; fi || fail "test_operator2d on $np ranks"
  done
}

# field2 in d = 3: an O(2)-symmetric U in the symmetric phase has at the origin the mass of -model on with
# N = 2 (the Cartesian Hessian carries the radial and the Goldstone mode): Gamma2_11 = Gamma2_22 =
# m2_radial of the 1D flow within 3 times the two error estimates and 1e-3 relative, Gamma2_12 and the
# minimum 0 within 3 estimates. (In the broken phase the minima of field2 form a circle: no isolated
# minimum to read; -model onom is the O(N)-symmetric form.)
test_field2_d3_o2() {
  local common=(-d 3 -t_ir 2 -grid_phi_max 5)
  frg -model field2 "${common[@]}" -grid_cells 64 -potential "0.1*(phi1^2 + phi2^2) + (phi1^2 + phi2^2)^2/24" -output two.h5 >two.log 2>&1 || { cat two.log; fail "field2 failed"; }
  frg -model on -N 2 "${common[@]}" -grid_cells 1600 -potential "0.1*phi^2 + phi^4/24" -output one.h5 >one.log 2>&1 || { cat one.log; fail "on -N 2 failed"; }
  $PY - two.h5 one.h5 <<'PYEOF' || fail "the O(2)-symmetric field2 flow in d = 3 is not -model on -N 2"
import sys, h5py
two, one = (h5py.File(p, "r")["summary"].attrs for p in sys.argv[1:])
ok = True
ref, ref_err = one["m2_radial"], one["m2_radial_error"]
for name in ("gamma2_11", "gamma2_22"):
    d, tol = abs(two[name] - ref), min(3 * (two[name + "_error"] + ref_err), 1e-3 * ref)
    print(f"  {name} field2 {two[name]:.8f} +- {two[name + '_error']:.1e}   on -N 2 m2_radial {ref:.8f} +- {ref_err:.1e}   |difference| {d:.1e} (tolerance {tol:.1e})")
    ok &= d <= tol
for name in ("gamma2_12", "phi1_min", "phi2_min"):
    print(f"  {name} {two[name]:+.2e} +- {two[name + '_error']:.1e} (exactly 0)")
    ok &= abs(two[name]) <= 3 * two[name + "_error"]
sys.exit(0 if ok else 1)
PYEOF
}

test_field2_bad_input() {
  expect_error "-N must be 2 for -model field2" "" "$FRG" -model field2 -N 1 || return 1
  expect_error "expression in phi1 and phi2" "" "$FRG" -model field2 -potential "phi^2" || return 1
  expect_error "-grid_cells .*got 4" "" "$FRG" -model field2 -grid_cells 4 || return 1
  expect_error "-grid_cells_y .*got 5" "" "$FRG" -model field2 -grid_cells_y 5 || return 1
  expect_error "-grid_phi_max_y .*got -1" "" "$FRG" -model field2 -grid_phi_max_y -1 || return 1
  expect_error "-integrator_newton modified needs a 1D grid" "" "$FRG" -model field2 -integrator_newton modified || return 1
  expect_error "minimum of U_IR lies at the edge of the grid" "" "$FRG" -model field2 -grid_cells 16 -grid_phi_max 5 -potential "(phi1 - 4.8)^2 + phi2^2" || return 1
  expect_error "-checkpoint: two-field flows (-model field2, onom) take no checkpoint" x.h5 "$FRG" -model field2 -output x.h5 -checkpoint c.h5 || return 1
  expect_error "minimum of U_IR lies at the edge" edge.h5 "$FRG" -model field2 -grid_cells 16 -grid_phi_max 5 -potential "(phi1 - 4.8)^2 + phi2^2" -output edge.h5 || return 1
  [ ! -e edge.xmf ] || fail "a failed run wrote edge.xmf"
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
