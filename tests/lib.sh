# Helpers for the test cases in tests/cases/*.sh (sourced by tests/run.sh).
# A test is a shell function named test_<name>; it runs in a fresh temporary folder, and fails by
# returning nonzero (use `fail "why"`). Everything it prints goes to its log, shown on failure.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
export OMPI_MCA_btl_vader_single_copy_mechanism=none
# When a rank exits nonzero (every error on several ranks, and 85), mpirun signals the others and then
# waits this many seconds (default 1, 2.2 s a run measured) before SIGKILL, even when all have exited.
# The tests end many runs that way; a test that signals mpirun itself sets its own value.
export OMPI_MCA_odls_base_sigkill_timeout=${OMPI_MCA_odls_base_sigkill_timeout:-0}
# quick SMALL FULL: SMALL under FRG_TEST_QUICK=1 (the sanitizer pass of CI, 4-10x slower: its
# property sweeps draw fewer cases, the memory checks are the same), else FULL.
quick() { if [ "${FRG_TEST_QUICK:-0}" = 1 ]; then echo "$1"; else echo "$2"; fi; }

# every test runs on this one machine: shared-memory transports only (mpirun start-up 0.40 -> 0.20 s)
export OMPI_MCA_pml=${OMPI_MCA_pml:-ob1} OMPI_MCA_btl=${OMPI_MCA_btl:-self,vader}
PY=/usr/bin/python3

# A failed check ends the test (exit leaves the subshell tests/run.sh runs it in), wherever it stands.
fail() {
  echo "FAILED: $*"
  exit 1
}

# frg_np N [args]: run the frg driver on N ranks.
frg_np() {
  local n=$1; shift
  if [ "$n" -eq 1 ]; then "$FRG" "$@"; else mpirun -n "$n" --oversubscribe "$FRG" "$@"; fi
}
frg() { frg_np 1 "$@"; }

# h5attr FILE GROUP NAME: print an attribute of an HDF5 file.
h5attr() {
  $PY -c 'import h5py,sys; v=h5py.File(sys.argv[1],"r")[sys.argv[2]].attrs[sys.argv[3]]; print(v.decode() if isinstance(v,bytes) else repr(float(v)) if not isinstance(v,str) else v)' "$1" "$2" "$3"
}

# close_to NAME VALUE REFERENCE RELTOL: relative comparison with an explicit tolerance.
close_to() {
  $PY - "$@" <<'PYEOF'
import sys
name, v, ref, tol = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
err = abs(v - ref) / max(abs(ref), 1e-300)
print(f"{name}: {v:.15g} reference {ref:.15g} relative error {err:.3e} (tolerance {tol:.1e})")
sys.exit(0 if err <= tol else 1)
PYEOF
}

# expect_error PATTERN OUTPUT_FILE CMD...: the command must fail (nonzero exit), print PATTERN on
# stderr in one line, finish within 60 s (no hang) and leave neither OUTPUT_FILE nor OUTPUT_FILE.partial.
expect_error() {
  local pattern=$1 out=$2; shift 2
  local rc=0
  timeout 60 "$@" >stdout.log 2>stderr.log || rc=$?
  cat stderr.log
  [ "$rc" -ne 0 ] || { fail "exit code 0"; return 1; }
  [ "$rc" -ne 124 ] || { fail "timed out (hang)"; return 1; }
  grep -q -- "$pattern" stderr.log || { fail "stderr does not mention '$pattern'"; return 1; }
  [ "$(grep -c 'frg: error' stderr.log)" -ge 1 ] || { fail "no 'frg: error' line"; return 1; }
  if [ -n "$out" ]; then
    [ ! -e "$out" ] || { fail "$out was written"; return 1; }
    [ ! -e "$out.partial" ] || { fail "$out.partial was left behind"; return 1; }
  fi
  return 0
}

# falls_at_order MIN_RATIO MIN_ORDER E1 E2 ...: errors on grids that double; true when each ratio
# E_i/E_{i+1} >= MIN_RATIO and the mean observed order log2(E_1/E_n)/(n-1) >= MIN_ORDER (second order: 4, 2).
falls_at_order() {
  $PY - "$@" <<'PYEOF'
import math, sys
min_ratio, min_order = float(sys.argv[1]), float(sys.argv[2])
e = [float(x) for x in sys.argv[3:]]
ratios = [e[i] / e[i + 1] for i in range(len(e) - 1)]
order = math.log2(e[0] / e[-1]) / (len(e) - 1)
print(f"ratios {ratios}, mean observed order {order:.2f} (second order: ratios 4, order 2; required: each ratio >= {min_ratio:g}, order >= {min_order:g})")
sys.exit(0 if min(ratios) >= min_ratio and order >= min_order else 1)
PYEOF
}
