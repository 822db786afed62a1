# Lattice phi^4 in two dimensions (doc/physics.md 2.6): the HMC baseline (-task hmc) and the FRG-driven sampler.
#   unit          force and Hessian against differences of the action; leapfrog and Omelyan reversible and
#                 symplectic to round-off (M^T J M = J, det M = 1 for the tangent map of the very operations the
#                 sampler runs); energy violation dH(eps)/dH(eps/2) -> 4; the Gamma method on AR(1) series with
#                 known tau_int (tests/unit/test_lattice.c); the BZ threshold function of the lattice LPA flow
#                 against the elliptic-integral closed form (tests/unit/test_lattice_threshold.c)
#   gaussian      lambda = 0: M is normal with <M^2> = 1/(V (2 - 8 kappa)), so <|M|>, chi and the Binder
#                 cumulant are closed-form: HMC within 3 standard errors for three (kappa, L) and both
#                 integrators; Creutz's <exp(-dH)> = 1 within 3 errors
#   quadrature    lambda > 0 on 2 x 2: the exact answer by 4-dimensional quadrature (tests/py/lattice_check.py),
#                 symmetric and broken couplings
#   ranks         the same seed and chain count give bitwise identical files on 1, 2 and 3 ranks
#   bad input     clear one-line errors naming option and value, exit 1, no output file
LATTICE_CHECK="$TESTS/py/lattice_check.py"

test_lattice_unit() { "$BUILD/tests/unit/test_lattice"; }
# The BZ threshold function I(m^2) of the lattice LPA flow: table vs the elliptic-integral closed form (1e-12),
# its large-m^2 limit 1/m^2 + 16 kappa^2/m^6, kappa = 0, and refusal at the pole (tests/unit/test_lattice_threshold.c)
test_lattice_unit_threshold() { "$BUILD/tests/unit/test_lattice_threshold"; }
# The sampler's pieces: band Cholesky (folded order) vs dense, the proximal map and its Jacobian A^-1, and the exact
# density of the probability-flow sampler (ln|det| of the whole map by differences) (tests/unit/test_lattice_sampler.c)
test_lattice_unit_sampler() { "$BUILD/tests/unit/test_lattice_sampler"; }

# hmc_exact NAME ARGS...: one HMC run against the exact answer and the /samples consistency check.
hmc_exact() {
  local name=$1; shift
  frg -task hmc -progress 0 -output "$name.h5" "$@" >"$name.log" || { cat "$name.log"; fail "frg -task hmc $* failed"; }
  grep -E "integrator|acceptance|<\|M\|>|chi|Binder" "$name.log"
  $PY "$LATTICE_CHECK" exact "$name.h5" 3 || fail "$name: HMC disagrees with the exact answer ($*)"
  $PY "$LATTICE_CHECK" samples "$name.h5" || fail "$name: /samples inconsistent"
}

test_lattice_hmc_gaussian() {
  local n
  n=$(quick 4000 20000)
  hmc_exact k010_L4 -lattice_L 4 -lattice_kappa 0.10 -lattice_lambda 0 -hmc_trajectories "$n" -sample_seed 1
  hmc_exact k020_L8 -lattice_L 8 -lattice_kappa 0.20 -lattice_lambda 0 -hmc_trajectories "$n" -sample_seed 2
  hmc_exact k024_L6 -lattice_L 6 -lattice_kappa 0.24 -lattice_lambda 0 -hmc_trajectories "$n" -sample_seed 3 -hmc_chains 6
  hmc_exact neg_L5 -lattice_L 5 -lattice_kappa -0.15 -lattice_lambda 0 -hmc_trajectories "$n" -sample_seed 4
}

test_lattice_hmc_gaussian_leapfrog() {
  hmc_exact lf -lattice_L 8 -lattice_kappa 0.2 -lattice_lambda 0 -hmc_integrator leapfrog -hmc_trajectories "$(quick 4000 20000)" -hmc_target_acceptance 0.7
  grep -q "leapfrog" lf.log || fail "the leapfrog integrator was not used"
}

test_lattice_hmc_quadrature() {
  local n
  n=$(quick 5000 40000)
  hmc_exact sym -lattice_L 2 -lattice_kappa 0.15 -lattice_lambda 0.3 -hmc_trajectories "$n"
  hmc_exact broken -lattice_L 2 -lattice_kappa 0.4 -lattice_lambda 0.5 -hmc_trajectories "$n"
}

# Tuning, chains and stored samples: 5 chains over 1, 2, 3 ranks (uneven blocks), every dataset bitwise equal.
test_lattice_hmc_ranks() {
  local np
  for np in 1 2 3; do
    frg_np $np -task hmc -lattice_L 6 -lattice_kappa 0.3 -lattice_lambda 0.2 -hmc_chains 5 -hmc_trajectories 400 -hmc_thermalize 200 \
      -hmc_save_every 40 -progress 0 -output r$np.h5 >r$np.log || { cat r$np.log; fail "frg failed on $np ranks"; }
  done
  grep -E "integrator|<\|M\|>" r3.log
  $PY "$LATTICE_CHECK" same r1.h5 r2.h5 r3.h5 || fail "HMC results depend on the number of ranks"
}

test_lattice_bad_input() {
  local hmc="-task hmc -lattice_kappa 0.1 -hmc_trajectories 10 -hmc_thermalize 0 -output out.h5"
  # shellcheck disable=SC2086
  {
    expect_error "-lattice_L .*\[2, 4096\], got 1" out.h5 "$FRG" $hmc -lattice_L 1 || return 1
    expect_error "-lattice_kappa 0.3 with -lattice_lambda 0: the Gaussian action is not normalizable" out.h5 "$FRG" $hmc -lattice_kappa 0.3 -lattice_lambda 0 || return 1
    expect_error "-lattice_kappa -0.25 with -lattice_lambda 0" out.h5 mpirun -n 2 --oversubscribe "$FRG" $hmc -lattice_kappa -0.25 || return 1
    expect_error "-lattice_lambda .*got -0.1" out.h5 "$FRG" $hmc -lattice_lambda -0.1 || return 1
    expect_error "-hmc_trajectories .*\[2, .*got -5" out.h5 "$FRG" $hmc -hmc_trajectories -5 || return 1
    expect_error "-hmc_thermalize .*\[0, .*got -1" out.h5 "$FRG" $hmc -hmc_thermalize -1 || return 1
    expect_error "-hmc_chains .*\[1, .*got 0" out.h5 "$FRG" $hmc -hmc_chains 0 || return 1
    expect_error "-hmc_target_acceptance .*(0, 1\], got 1.5" out.h5 "$FRG" $hmc -hmc_target_acceptance 1.5 || return 1
    expect_error "-hmc_length .*(0, .*got 0" out.h5 "$FRG" $hmc -hmc_length 0 || return 1
    expect_error "-hmc_save_every 1 stores 40 configurations, more than -hmc_save_max 10" out.h5 "$FRG" $hmc -hmc_save_every 1 -hmc_save_max 10 || return 1
    expect_error "-hmc_integrator" out.h5 "$FRG" $hmc -hmc_integrator verlet || return 1
    expect_error "unknown option -hmc_trajectorys 5" out.h5 "$FRG" $hmc -hmc_trajectorys 5 || return 1
    expect_error "-lattice_kappa nan: not a valid value\|-lattice_kappa must be a finite number" out.h5 "$FRG" $hmc -lattice_kappa nan || return 1
  }
  "$FRG" -task hmc -help | grep -q -- "-hmc_integrator" || fail "-help does not list -hmc_integrator"
  for o in -lattice_L -lattice_kappa -lattice_lambda -hmc_trajectories -hmc_thermalize -hmc_chains -sample_seed -hmc_length -hmc_steps -hmc_tune \
    -hmc_target_acceptance -hmc_save_every -hmc_save_max -progress -output; do
    "$FRG" -task hmc -help | grep -q -- "$o" || fail "-help does not list $o"
  done
}

# ---- -task lattice_sample: the FRG-driven sampler (src/lattice/sample.c) ---------------------------------------
#   gaussian      lambda = 0, where the LPA is exact and the flow leaves the potential bare: the weighted |M|, chi,
#                 Binder and ln Z = ln int e^-S (determinant) within 3 errors, and the raw (unweighted) samples
#                 against the exact law of the discretized reverse process with the exact score (each step is
#                 linear per Fourier mode; tests/py/lattice_check.py) - this fails if the table is not the exact
#                 Gaussian potential or a step is wrong; probability-flow ODE and reverse SDE
#   quadrature    lambda > 0 on 2 x 2: the samples reweighted by their exact densities against 4-dimensional
#                 quadrature (|M|, chi, Binder and ln Z), symmetric, intermediate and kappa = 0 double well (where
#                 the LPA is the exact 0D flow of each site)
#   ranks         bitwise identical samples, weights and table on 1, 2, 3 ranks
#   bad input     clear errors
sample_exact() {
  local name=$1 min_ess=$2; shift 2
  frg -task lattice_sample -output "$name.h5" "$@" >"$name.log" || { cat "$name.log"; fail "frg -task lattice_sample $* failed"; }
  grep -E "table|weights|<\|M\|>|chi|Binder" "$name.log"
  $PY "$LATTICE_CHECK" sampler "$name.h5" 3 "$min_ess" || fail "$name: the FRG sampler disagrees with the exact answer ($*)"
}

test_lattice_sample_gaussian() {
  local n
  n=$(quick 2000 8000)
  sample_exact g_L4 0.5 -lattice_L 4 -lattice_kappa 0.2 -lattice_lambda 0 -sample_count "$n" -sample_seed 2
  sample_exact g_L6_neg 0.3 -lattice_L 6 -lattice_kappa -0.15 -lattice_lambda 0 -sample_count "$n" -sample_seed 6 -sample_levels 20
  sample_exact g_L3_sde 0.03 -lattice_L 3 -lattice_kappa 0.2 -lattice_lambda 0 -sample_count "$n" -sample_seed 3 -sample_sampler sde -sample_levels 100
}

test_lattice_sample_quadrature() {
  local n
  n=$(quick 2000 8000)
  sample_exact q_sym 0.5 -lattice_L 2 -lattice_kappa 0.15 -lattice_lambda 0.3 -sample_count "$n"
  sample_exact q_mid 0.5 -lattice_L 2 -lattice_kappa 0.3 -lattice_lambda 0.5 -sample_count "$n" -sample_seed 4
  sample_exact q_k0 0.5 -lattice_L 2 -lattice_kappa 0 -lattice_lambda 3 -sample_count "$n" -sample_seed 5
}

test_lattice_sample_ranks() {
  local np
  for np in 1 2 3; do
    frg_np $np -task lattice_sample -lattice_L 4 -lattice_kappa 0.2 -lattice_lambda 0.3 -sample_count 301 -sample_save_max 50 -output s$np.h5 >s$np.log ||
      { cat s$np.log; fail "frg failed on $np ranks"; }
  done
  grep -E "weights|<\|M\|>" s3.log
  $PY "$LATTICE_CHECK" same s1.h5 s2.h5 s3.h5 || fail "FRG sampler results depend on the number of ranks"
}

test_lattice_sample_bad_input() {
  local s="-task lattice_sample -lattice_kappa 0.1 -sample_count 10 -output out.h5"
  # shellcheck disable=SC2086
  {
    expect_error "-sample_count .*\[2, 1000000000\], got 1" out.h5 "$FRG" $s -sample_count 1 || return 1
    expect_error "-sample_levels .*\[1, 100000\], got 0" out.h5 "$FRG" $s -sample_levels 0 || return 1
    expect_error "-sample_s_min .*got -1" out.h5 "$FRG" $s -sample_s_min -1 || return 1
    expect_error "-sample_s_max 0.001 must exceed -sample_s_min 0.01" out.h5 "$FRG" $s -sample_s_max 1e-3 -sample_s_min 1e-2 || return 1
    expect_error "-sample_s_min = 1e-08 lies outside the flow, which starts at s = 1/Lambda^2 = 1e-06" out.h5 "$FRG" $s -sample_s_min 1e-8 || return 1
    expect_error "-sample_s_max = 1e+07 lies outside the flow" out.h5 "$FRG" $s -sample_s_max 1e7 || return 1
    expect_error "-sample_table bare: the proximal problem at s = 100" out.h5 "$FRG" $s -lattice_kappa 0.3 -lattice_lambda 0.5 -sample_table bare || return 1
    expect_error "-sample_sampler" out.h5 "$FRG" $s -sample_sampler langevin || return 1
    expect_error "-task lattice_sample needs -model lattice" out.h5 "$FRG" $s -model on || return 1
    expect_error "-lattice_kappa 0.3 with -lattice_lambda 0: the Gaussian action is not normalizable" out.h5 mpirun -n 2 --oversubscribe "$FRG" $s -lattice_kappa 0.3 -lattice_lambda 0 || return 1
    expect_error "unknown option -sample_cont 5" out.h5 "$FRG" $s -sample_cont 5 || return 1
  }
  for o in -lattice_L -sample_count -sample_seed -sample_levels -sample_s_max -sample_s_min -sample_sampler -sample_table -sample_save_max -grid_cells; do
    "$FRG" -task lattice_sample -help | grep -q -- "$o" || fail "-help does not list $o"
  done
}

# The flow's table converges at the KT scheme's second order in the cell width: U_s' on 50, 100, 200 cells against
# 800 cells (tight integrator tolerances, so that the field discretization dominates), 2 x 2, kappa 0.15, lambda 0.3.
test_lattice_sample_table_convergence() {
  local n
  for n in 50 100 200 800; do
    frg -task lattice_sample -lattice_L 2 -lattice_kappa 0.15 -lattice_lambda 0.3 -sample_count 2 -sample_levels 7 -grid_cells $n -rtol 1e-10 -atol 1e-12 \
      -output t$n.h5 >t$n.log || { cat t$n.log; fail "frg failed with -grid_cells $n"; }
  done
  $PY "$LATTICE_CHECK" table-order 1.8 2.3 t50.h5 t100.h5 t200.h5 t800.h5 || fail "the flow's table does not converge at second order"
}

# Beyond 2 x 2 there is no exact answer at lambda > 0: the reweighted FRG sampler against HMC on 4 x 4 (symmetric
# side near the transition, kappa 0.25, lambda 0.2), |M|, chi, Binder within 3 combined errors.
test_lattice_sample_vs_hmc() {
  local n
  n=$(quick 2000 6000)
  frg -task lattice_sample -lattice_L 4 -lattice_kappa 0.25 -lattice_lambda 0.2 -sample_count "$n" -sample_seed 7 -output frg4.h5 >frg4.log ||
    { cat frg4.log; fail "frg -task lattice_sample failed"; }
  frg -task hmc -lattice_L 4 -lattice_kappa 0.25 -lattice_lambda 0.2 -hmc_trajectories "$n" -sample_seed 7 -progress 0 -output hmc4.h5 >hmc4.log ||
    { cat hmc4.log; fail "frg -task hmc failed"; }
  grep -E "weights" frg4.log
  $PY "$LATTICE_CHECK" compare frg4.h5 hmc4.h5 3 || fail "the FRG sampler and HMC disagree on 4 x 4"
}

# The LPA flow is the exact 0D flow at kappa = 0 (independent sites), so its denoiser phi*(x) must converge to Tweedie's
# E[phi | x] of the smoothed site density, computed by quadrature, at every level: here a double well (lambda 1.5,
# site term -2 phi^2 + 1.5 phi^4), 100, 200, 400 cells, second order.
test_lattice_sample_denoiser_kappa0() {
  local n
  for n in 100 200 400; do
    frg -task lattice_sample -lattice_L 2 -lattice_kappa 0 -lattice_lambda 1.5 -sample_count 2 -sample_levels 7 -grid_cells $n -rtol 1e-10 -atol 1e-12 \
      -output d$n.h5 >d$n.log || { cat d$n.log; fail "frg failed with -grid_cells $n"; }
  done
  $PY "$LATTICE_CHECK" denoiser 1.8 2.3 d100.h5 d200.h5 d400.h5 || fail "the flow's denoiser does not converge to the exact one at second order"
}
