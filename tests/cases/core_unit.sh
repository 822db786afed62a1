# Unit tests of the core kernels (tests/unit/test_kt.c): flux kernels against doc/physics.md 2.1, the KT
# flux against its documented formula, the analytic Jacobian against finite differences of the
# operator (N = 1, 4; odd and extrapolated left ends; smooth and rough states) and the operator on
# several ranks against one rank; run on 1 and 2 ranks.
# The band LU of the modified-Newton route (tests/unit/test_band.c): residual with forced row
# exchanges, singular detection, and bitwise the same solution on 1, 2 and 3 ranks, with each rank
# factoring its own blocks and with the band gathered.
test_core_unit_band() {
  "$BUILD/tests/unit/test_band" || { fail "test_band on 1 rank"; return 1; }
  mpirun -n 2 --oversubscribe "$BUILD/tests/unit/test_band" || { fail "test_band on 2 ranks"; return 1; }
  mpirun -n 3 --oversubscribe "$BUILD/tests/unit/test_band" || fail "test_band on 3 ranks"
}

# The distributed partitioned LU against the sequential one on 300 seeded random pentadiagonal
# matrices (diagonally dominant, not dominant, stiff diffusion), partitions from one lane set to 22,
# ranks owning different block counts (tests/unit/test_band_distributed.c); on 1, 2 and 3 ranks.
test_core_unit_band_distributed() {
  "$BUILD/tests/unit/test_band_distributed" || { fail "test_band_distributed on 1 rank"; return 1; }
  mpirun -n 2 --oversubscribe "$BUILD/tests/unit/test_band_distributed" || { fail "test_band_distributed on 2 ranks"; return 1; }
  mpirun -n 3 --oversubscribe "$BUILD/tests/unit/test_band_distributed" || fail "test_band_distributed on 3 ranks"
}

test_core_unit_kt() {
  "$BUILD/tests/unit/test_kt" || { fail "test_kt on 1 rank"; return 1; }
  mpirun -n 2 --oversubscribe "$BUILD/tests/unit/test_kt" || fail "test_kt on 2 ranks"
}

# The integrators' vector operations (tests/unit/test_nvector.c): the exact weighted RMS norm against a
# long-double sum and bitwise against one rank, NaN/Inf propagation, element-wise operations bitwise
# against their formulas; on 1, 2 and 3 ranks.
test_core_unit_nvector() {
  "$BUILD/tests/unit/test_nvector" || { fail "test_nvector on 1 rank"; return 1; }
  mpirun -n 2 --oversubscribe "$BUILD/tests/unit/test_nvector" || fail "test_nvector on 2 ranks"
  mpirun -n 3 --oversubscribe "$BUILD/tests/unit/test_nvector" || fail "test_nvector on 3 ranks"
}
