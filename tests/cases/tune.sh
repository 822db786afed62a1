# UV tuning (issue 13, "UV tuning"): -tune NAME -tune_range a,b -tune_target OBS=VALUE finds the UV
# coupling whose flow gives the IR target, against the exact 0D answer (GSL quadrature of the partition
# function, tests/tools/exact0d, root by SciPy's brentq), on 1, 2 and 3 ranks.

TUNE_DECK_ARGS=(-potential '${m2}*phi^2/2 + phi^4/24' -tune m2 -tune_range -2,2 -progress 0)

# exact_tuned_m2 N TARGET: the m2 at which the exact Gamma2 of U = m2 phi^2/2 + phi^4/24 is TARGET.
exact_tuned_m2() {
  $PY - "$BUILD/tests/tools/exact0d" "$1" "$2" <<'PYEOF'
import subprocess, sys
from scipy.optimize import brentq
exact, N, target = sys.argv[1], sys.argv[2], float(sys.argv[3])
def gamma2(m2):
    out = subprocess.run([exact, "-N", N, "-potential", "%.17g*phi^2/2 + phi^4/24" % m2], capture_output=True, text=True, check=True).stdout
    return float(next(l.split()[1] for l in out.splitlines() if l.startswith("gamma2")))
print("%.15g" % brentq(lambda m: gamma2(m) - target, -2, 2, xtol=1e-14))
PYEOF
}

# Seeded targets for N = 1, 2, 4: the tuned m2 agrees with the exact root within its own error bar
# (three times it), the bar is small (< 1e-4), and the run's IR gamma2 is the target.
test_tune_zero_d_against_exact() {
  local cases
  cases=$($PY -c "import random; r = random.Random(20261203); print(' '.join(f'{N}:{r.uniform(0.6, 2.2):.6f}' for N in (1, 2, 4) for _ in range(1)))")
  for c in $cases; do
    local N=${c%%:*} target=${c#*:} exact tuned error
    exact=$(exact_tuned_m2 "$N" "$target")
    frg -options_file "$INPUTS/tests/zero_d_convex.yaml" -N "$N" "${TUNE_DECK_ARGS[@]}" -tune_target "gamma2=$target" -output out.h5 >out.log 2>&1 || { cat out.log; fail "tuning N=$N to gamma2 = $target failed"; }
    head -1 out.log
    tuned=$(h5attr out.h5 /summary tuned_m2)
    error=$(h5attr out.h5 /summary tuned_m2_error)
    $PY - "$tuned" "$error" "$exact" <<'PYEOF' || fail "N=$N gamma2=$target: tuned m2 $tuned ± $error, exact $exact"
import sys
tuned, error, exact = map(float, sys.argv[1:])
print(f"tuned {tuned:.12g} ± {error:.2g}, exact {exact:.12g}, difference {abs(tuned - exact):.2g}")
sys.exit(0 if abs(tuned - exact) <= 3 * error + 1e-12 and error < 1e-4 else 1)
PYEOF
    close_to "gamma2 of the tuned run" "$(h5attr out.h5 /summary gamma2)" "$target" 1e-4 || fail "the run after the tuning does not give the target"
  done
}

# The same tuned value on 1, 2 and 3 ranks (the flows agree to rounding across rank counts).
test_tune_ranks() {
  local np values=()
  for np in 1 2 3; do
    frg_np $np -options_file "$INPUTS/tests/zero_d_convex.yaml" "${TUNE_DECK_ARGS[@]}" -tune_target gamma2=1.2 -output out$np.h5 >out.log 2>&1 || { cat out.log; fail "tuning on $np ranks failed"; }
    values+=("$(h5attr out$np.h5 /summary tuned_m2)")
  done
  echo "tuned m2 on 1, 2, 3 ranks: ${values[*]}"
  for np in 1 2; do close_to "tuned m2, $((np + 1)) ranks" "${values[$np]}" "${values[0]}" 1e-10 || fail "the tuned value depends on the number of ranks"; done
}

# -tune_at sets options for the tuning flows only: tuned at N = 4, the run itself keeps its own N = 1,
# and a scan uses the tuned coupling at every point.
test_tune_at_and_scan() {
  local m2 exact_n1
  frg -options_file "$INPUTS/tests/zero_d_convex.yaml" -N 1 "${TUNE_DECK_ARGS[@]}" -tune_at "N=4" -tune_target gamma2=1 -output out.h5 >out.log 2>&1 || { cat out.log; fail "-tune_at run failed"; }
  m2=$(h5attr out.h5 /summary tuned_m2)
  close_to "m2 tuned at N = 4" "$m2" "$(exact_tuned_m2 4 1)" 1e-4 || fail "-tune_at N=4 did not tune at N = 4"
  [ "$(h5attr out.h5 parameters N)" = 1.0 ] || fail "the run after -tune_at N=4 did not go back to N = 1"
  exact_n1=$("$BUILD/tests/tools/exact0d" -N 1 -potential "$m2*phi^2/2 + phi^4/24" | awk '$1 == "gamma2" {print $2}')
  close_to "N = 1 gamma2 at the tuned m2" "$(h5attr out.h5 /summary gamma2)" "$exact_n1" 1e-4 || fail "the N = 1 run did not use the tuned m2"
  grep -v -e '^output_every' "$INPUTS/tests/zero_d_convex.yaml" >deck.yaml
  frg -task scan -options_file deck.yaml -potential '${m2}*phi^2/2 + phi^4/24' -tune m2 -tune_range -2,2 -tune_at "N=4" -tune_target gamma2=1 -scan_vary "N=4,1" -output scan.h5 >scan.log 2>&1 || { cat scan.log; fail "tuned scan failed"; }
  cat scan.log
  $PY - "$exact_n1" "$m2" <<'PYEOF' || fail "the scan's points did not use the tuned coupling, or its table does not say which"
import h5py, sys
s = h5py.File("scan.h5", "r")["scan"]
g, tuned = s["gamma2"][:], {k: s.attrs[k] for k in s.attrs if k.startswith("tuned_")}
print("scan gamma2 at N = 4, 1:", g, "; /scan attributes", tuned)
# the table says which coupling its points used: the same m2 as the flow run's (same tuning)
ok = abs(g[0] - 1) < 1e-4 and abs(g[1] - float(sys.argv[1])) < 1e-4
ok &= abs(float(tuned.get("tuned_m2", "nan")) - float(sys.argv[2])) <= 1e-12 * abs(float(sys.argv[2])) and tuned.get("tuned_flows", 0) > 0
sys.exit(0 if ok else 1)
PYEOF
}

# A target the range cannot reach: exit 1, the error names -tune and what the range gives, no output;
# -tune on a task without flows is refused by name.
test_tune_unreachable() {
  expect_error "-tune m2: no value in -tune_range" out.h5 "$FRG" -options_file "$INPUTS/tests/zero_d_convex.yaml" "${TUNE_DECK_ARGS[@]}" -tune_target gamma2=5 -output out.h5 || return 1
  expect_error "-tune_target gamma9: the model has no observable" out.h5 "$FRG" -options_file "$INPUTS/tests/zero_d_convex.yaml" "${TUNE_DECK_ARGS[@]}" -tune_target gamma9=1 -output out.h5 || return 1
  expect_error "-tune works with -task flow and -task scan" out.h5 "$FRG" -task fixedpoint -tune m2 -output out.h5 || return 1
}
