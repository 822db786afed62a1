# Diffusion view (issue 5; doc/physics.md 2.3): the 0D flow with R = 1/s is the forward noising process, its
# solution u is the exact score on the warped grid x = phi + s u. Reference values come from quadrature
# of the target exp(-S) in tests/py/diffusion_check.py (scipy/numpy, independent of frg's own exact code).
#   score        flow states vs the exact Tweedie score, p_s-weighted relative error <= 1e-4 at s = 1e-2..1e2,
#                800 cells (Python check of the flow, frg's check of the O(1) lookup table)
#   Moreau       V_s(x) = min_phi [Gamma_R + (x - phi)^2/(2s)] + const, p_s-weighted rms <= 1e-4 (the
#                discretization error: 3e-5 measured at h = 0.025)
#   samples      1e5 samples with 100 Heun steps: <phi>, <phi^2>, <phi^4> within 3 standard errors,
#                W1 <= 2 x the i.i.d. floor (Brownian-bridge asymptotics, recomputed in Python)
#   two routes   the smoothed log-density equation dV/ds = (V'' - V'^2)/2 gives the same score (1e-4), and
#                sampling with it (-score_source density) reproduces the target
#   ranks        the same seed gives bitwise identical samples on 1, 2 and 3 ranks
DW="phi^4/4 - phi^2"
ADW="phi^4/4 - phi^2 + phi/2"

test_diffusion_unit_rng() { "$BUILD/tests/unit/test_rng"; }
test_diffusion_unit_table() { "$BUILD/tests/unit/test_diffusion_table"; }
test_diffusion_unit_density() { "$BUILD/tests/unit/test_density"; }


# score_checks POTENTIAL: flow + table against Tweedie and Moreau; FRG IR vertices against the exact ones.
score_checks() {
  frg -options_file "$INPUTS/diffusion/double_well.yaml" -potential "$1" -sample_count 2000 -output s.h5 >run.log || { cat run.log; fail "frg failed"; return 1; }
  grep -E "Tweedie|vertices" run.log
  $PY "$TESTS/py/diffusion_check.py" score s.h5 1e-4 || { fail "flow states are not the Tweedie score"; return 1; }
  $PY - s.h5 <<'PYEOF' || { fail "table score or Moreau identity off"; return 1; }
import h5py, sys
g = h5py.File(sys.argv[1], "r")["comparison/score"]
for s, rel, m, d, r in zip(g["s"][:], g["error_rel"][:], g["moreau_rms"][:], g["density_error_rel"][:], g["route_difference_rel"][:]):
    print(f"s = {s:g}: table score relative error {rel:.2e}, Moreau rms {m:.2e}, density route {d:.2e}, routes differ {r:.2e} (tolerances 1e-4)")
    assert rel <= 1e-4 and m <= 1e-4 and d <= 1e-4 and r <= 1e-4
assert len(g["s"][:]) == 5
PYEOF
  $PY "$TESTS/py/diffusion_check.py" vertices s.h5 1e-4 1e-3 1e-3 || fail "FRG IR vertices are off"
}
test_diffusion_score_double_well() { score_checks "$DW"; }
test_diffusion_score_asymmetric() { score_checks "$ADW"; }

test_diffusion_samples_double_well_heun() {
  frg -options_file "$INPUTS/diffusion/double_well.yaml" -score_compare_routes 0 -output dw.h5 >run.log || { cat run.log; fail "frg failed"; return 1; }
  grep -E "sampler|speed|<phi|W1|KS|mode" run.log
  $PY "$TESTS/py/diffusion_check.py" samples dw.h5 2 || fail "samples do not match the target"
}

test_diffusion_samples_asymmetric_heun() {
  frg -options_file "$INPUTS/diffusion/asymmetric_well.yaml" -score_compare_routes 0 -output adw.h5 >run.log || { cat run.log; fail "frg failed"; return 1; }
  grep -E "sampler|speed|<phi|W1|KS|mode" run.log
  $PY "$TESTS/py/diffusion_check.py" samples adw.h5 2 || { fail "samples do not match the target"; return 1; }
  $PY - adw.h5 <<'PYEOF' || fail "mode weight off"
import h5py, sys
c = h5py.File(sys.argv[1], "r")["comparison"].attrs
z = (c["mode_weight_sample"] - c["mode_weight_exact"]) / c["mode_weight_se"]
print(f"mode weight: {c['mode_weight_sample']:.5f} vs exact {c['mode_weight_exact']:.5f}: {z:+.2f} standard errors")
assert abs(z) <= 3 and abs(c["mode_weight_exact"] - 0.789703) < 1e-5
PYEOF
}

# The adaptive probability-flow ODE: samples as above, and its map against the exact monotone (OT) map.
test_diffusion_pf_ode_transport_map() {
  frg -options_file "$INPUTS/diffusion/asymmetric_well.yaml" -sampler pf_ode -sample_count 20000 -score_compare_routes 0 -output pf.h5 >run.log || { cat run.log; fail "frg failed"; return 1; }
  grep -E "sampler|W1|map" run.log
  $PY "$TESTS/py/diffusion_check.py" samples pf.h5 2 || { fail "samples do not match the target"; return 1; }
  # x(s_min) vs F_0^{-1}(F_{s_max}(x(s_max))): the gap left is the O(s_min score) of stopping at s_min = 1e-4
  $PY -c 'import h5py,sys; c=h5py.File(sys.argv[1],"r")["comparison"].attrs; sys.exit(0 if c["ot_rms"] <= 3e-4 and c["ot_max"] <= 2e-3 else 1)' pf.h5 || fail "probability-flow map is not the OT map"
}

test_diffusion_samples_density_route() {
  frg -options_file "$INPUTS/diffusion/asymmetric_well.yaml" -score_source density -sample_count 20000 -output d.h5 >run.log || { cat run.log; fail "frg failed"; return 1; }
  grep -E "density route|sampler|W1|<phi" run.log
  grep -q "the samplers use the density-route score" run.log || { fail "-score_source density not used"; return 1; }
  $PY "$TESTS/py/diffusion_check.py" samples d.h5 2 || fail "samples with the density-route score do not match the target"
}

# Euler-Maruyama on the reverse SDE is first order: it needs more steps than Heun for the same W1.
test_diffusion_em_reverse_sde() {
  frg -options_file "$INPUTS/diffusion/double_well.yaml" -sampler em -sample_steps 300 -sample_count 20000 -score_compare_routes 0 -output em.h5 >run.log || { cat run.log; fail "frg failed"; return 1; }
  grep -E "sampler|W1|<phi" run.log
  $PY "$TESTS/py/diffusion_check.py" samples em.h5 2 || fail "EM samples do not match the target"
}

# em draws Philox noise at every step and at the start, so it covers every use of the generator.
test_diffusion_rank_invariance() {
  local np sampler ranks files
  for sampler in em; do
    ranks="1 2 3"
    files=""
    for np in $ranks; do
      frg_np $np -options_file "$INPUTS/diffusion/asymmetric_well.yaml" -sampler $sampler -sample_steps 20 -sample_count 3001 -grid_cells 200 \
        -sample_floor_replicas 1 -score_compare_routes 0 -output r$np.h5 >r$np.log || { cat r$np.log; fail "frg failed on $np ranks"; return 1; }
      files="$files r$np.h5"
    done
    # shellcheck disable=SC2086
    $PY - $files <<'PYEOF' || { fail "$sampler samples depend on the number of ranks"; return 1; }
import h5py, sys, numpy as np
ref, *others = (h5py.File(p, "r")["samples"][:] for p in sys.argv[1:])
print("samples", ref.shape, "max difference to 1 rank:", [float(np.abs(ref - o).max()) for o in others], "for", sys.argv[2:])
assert len(ref) == 3001 and all(np.array_equal(ref, o) for o in others)
PYEOF
  done
}

test_diffusion_bad_input() {
  local deck=$INPUTS/diffusion/double_well.yaml
  expect_error "-potential .* is not normalizable" out.h5 "$FRG" -options_file "$deck" -potential "-phi^2" -output out.h5 || return 1
  expect_error "-sample_s_max .*got 1e20" out.h5 mpirun -n 2 --oversubscribe "$FRG" -options_file "$deck" -sample_s_max 1e20 -output out.h5 || return 1
  expect_error "-sample_count .*got -5" out.h5 "$FRG" -options_file "$deck" -sample_count -5 -output out.h5 || return 1
  expect_error "-sample_steps .*got 0" out.h5 "$FRG" -options_file "$deck" -sample_steps 0 -output out.h5 || return 1
  expect_error "-grid_phi_max = 2.5 is too small for the target" out.h5 "$FRG" -options_file "$deck" -grid_phi_max 2.5 -output out.h5 || return 1
  expect_error "-task sample needs a zero-dimensional flow: -d must be 0" out.h5 "$FRG" -options_file "$deck" -model on -d 3 -output out.h5 || return 1
  expect_error "-d must be 0 for -model field" out.h5 "$FRG" -options_file "$deck" -d 3 -output out.h5 || return 1
}

# O(N) (-model on, d = 0): the radial score S(r) x/r from the odd flow; N-component samples whose radius
# must follow sigma^{N-1} exp(-U(sigma)): moments within 3 s.e., W1 of |phi| <= 2 x floor, IR vertices at
# phi = 0; the N-component reverse SDE gives the same samples on 1 and 3 ranks.
test_diffusion_on_samples() {
  local on="-task sample -model on -d 0 -Lambda 1e5 -t_ir 30 -grid_cells 400 -sample_steps 100"
  frg $on -N 4 -potential "-phi^2/2 + phi^4/24" -sample_count 20000 -output on4.h5 >run.log || { cat run.log; fail "frg failed"; return 1; }
  grep -E "target|<phi|W1|vertices" run.log
  $PY "$TESTS/py/diffusion_check.py" samples on4.h5 2 || { fail "O(4) samples do not match the target"; return 1; }
  $PY "$TESTS/py/diffusion_check.py" vertices on4.h5 1e-4 1e-6 1e-3 || { fail "O(4) IR vertices off"; return 1; }
  for np in 1 3; do
    frg_np $np $on -N 3 -potential "phi^2/2 + phi^4/24" -sampler em -sample_steps 20 -sample_count 1001 -grid_cells 100 -sample_floor_replicas 1 \
      -output e$np.h5 >e$np.log || { cat e$np.log; fail "frg failed on $np ranks"; return 1; }
  done
  $PY -c 'import h5py,sys,numpy as np; a,b=(h5py.File(p,"r")["samples"][:] for p in sys.argv[1:]); print("O(3) samples", a.shape, "max difference 1-3 ranks", np.abs(a-b).max()); sys.exit(0 if a.shape == (1001, 3) and np.array_equal(a, b) else 1)' e1.h5 e3.h5 ||
    fail "O(3) samples depend on the number of ranks"
}
