# d = 3 O(N) LPA flows with the Litim regulator (issue 2): a symmetric and a broken phase, told apart
# by physics that fails if the flow is wrong, and N = 100, where the Goldstone term makes the flow an
# advection (shock) problem. The physics and the expected numbers are in the deck headers
# (inputs/tests/d3_*.yaml); the checks are in tests/py/d3_checks.py.
#
# Why the condensate bound holds: with W = dU/drho, rho = phi^2/2, the minimum rho0 (W = 0) moves as
#   d rho0/dt = -A_3 k [ (N-1) + k^4 (3 + 2 rho0 W''/W') / (k^2 + 2 rho0 W')^2 ]:
# the N-1 Goldstone modes shift rho0 by exactly (N-1) A_3 (Lambda - k); the radial mode adds between
# 0 and 3 A_3 (Lambda - k) as long as W'' is small (true for these couplings).

d3_run() {
  local deck=$1 check=$2
  frg -options_file "$INPUTS/tests/$deck" -output run.h5 -progress 0 >run.log 2>&1 || { cat run.log; fail "frg failed on $deck"; return 1; }
  grep -E "condensate|masses|integrator|wall" run.log
  $PY "$TESTS/py/d3_checks.py" "$check" run.h5
}

test_core_d3_symmetric_phase() { d3_run d3_symmetric.yaml symmetric; }
test_core_d3_broken_phase() { d3_run d3_broken.yaml broken; }
test_core_d3_large_n_shock() { d3_run d3_large_n_shock.yaml shock; }
test_core_d3_large_n_condensate() { d3_run d3_large_n_condensate.yaml condensate; }
