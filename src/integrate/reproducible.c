/* Rank-independent norms for the adaptive integrators.
 *
 * CVODE and ARKODE decide step sizes, orders and acceptance from weighted RMS norms. With the stock
 * N_Vector_Petsc these are MPI sums whose rounding depends on the decomposition, so a run on 2 ranks
 * takes a different step sequence than on 1 rank and ends up different at the tolerance level.
 * Here the sum is exact: every term t_i = (x_i w_i)^2 is rounded to an integer multiple of a
 * power-of-two quantum q set by the global maximum M (a MAX reduction, exact), so that the integer
 * sum stays below 2^53 (exact in double, in any order, so the local pass vectorizes) and cannot
 * overflow int64; integer addition is associative, so the int64 MPI sum is the same for any number of
 * ranks and any order. The terms keep 53 - ceil(log2(N + 1)) bits relative to M (1e-13 for 800 cells,
 * 1e-10 for a million): far more than step control needs. (The idea of summing pre-rounded terms
 * exactly is that of reproducible summation, Demmel & Nguyen, ARITH 2013.) */
#include <frg/integrator.h>
#include <nvector/nvector_petsc.h>

/* The two passes over the local terms t_i = (x_i w_i)^2 (only where mask_i > 0, if a mask is given):
 * their maximum (and whether one is NaN), and the sum of the terms scaled and rounded to integers.
 * Branch-free, so that they vectorize, with an AVX2 clone (FRG_CLONES). */
FRG_CLONES static PetscReal FrgTermsMax(PetscInt n, const PetscScalar *a, const PetscScalar *b, const PetscScalar *m, PetscBool *nan)
{
  PetscReal max = 0;
  PetscBool isnan = PETSC_FALSE;

  if (m) {
    for (PetscInt i = 0; i < n; i++) {
      const PetscReal v = m[i] > 0 ? (a[i] * b[i]) * (a[i] * b[i]) : 0.0;
      isnan |= (PetscBool)(v != v);
      max = v > max ? v : max;
    }
  } else {
    for (PetscInt i = 0; i < n; i++) {
      const PetscReal v = (a[i] * b[i]) * (a[i] * b[i]);
      isnan |= (PetscBool)(v != v);
      max = v > max ? v : max;
    }
  }
  *nan = isnan;
  return max;
}

/* Every scaled term v = t 2^(bits - exponent) lies in [0, 2^bits], where (v + 2^52) - 2^52 is v
 * rounded to the nearest integer (ties to even, the default rounding mode), exactly as nearbyint(v);
 * the scaling by a power of two is exact. With bits <= 53 - ceil(log2(N + 1)) every partial sum of the
 * rounded terms is an integer below 2^53, so the double sum is exact in any order: the loop vectorizes
 * without conversions, and the result is an exact integer. */
FRG_CLONES static double FrgTermsSum(PetscInt n, const PetscScalar *a, const PetscScalar *b, const PetscScalar *m, PetscReal scale)
{
  const PetscReal magic = 4503599627370496.0; /* 2^52 */
  double          sum   = 0;

  if (m) {
    for (PetscInt i = 0; i < n; i++) {
      const PetscReal v = m[i] > 0 ? ((a[i] * b[i]) * (a[i] * b[i])) * scale : 0.0;
      sum += (v + magic) - magic;
    }
  } else {
    for (PetscInt i = 0; i < n; i++) {
      const PetscReal v = ((a[i] * b[i]) * (a[i] * b[i])) * scale;
      sum += (v + magic) - magic;
    }
  }
  return sum;
}

static PetscErrorCode FrgReproducibleSumSquares(Vec x, Vec w, Vec mask, PetscReal *sum)
{
  const PetscScalar *a, *b, *m = NULL;
  PetscInt           n, N;
  PetscReal          local_max = 0, max;
  long long          local_sum = 0, total;
  int                exponent, bits;
  MPI_Comm           comm;

  PetscFunctionBeginUser;
  PetscCall(PetscObjectGetComm((PetscObject)x, &comm));
  PetscCall(VecGetLocalSize(x, &n));
  PetscCall(VecGetSize(x, &N));
  PetscCall(VecGetArrayRead(x, &a));
  PetscCall(VecGetArrayRead(w, &b));
  if (mask) PetscCall(VecGetArrayRead(mask, &m));
  {
    PetscBool nan;
    local_max = FrgTermsMax(n, a, b, m, &nan);
    if (nan) local_max = PETSC_INFINITY;
  }
  PetscCall(MPIU_Allreduce(&local_max, &max, 1, MPIU_REAL, MPI_MAX, comm));
  if (max == 0 || !PetscIsNormalReal(max)) {
    *sum = max == 0 ? 0.0 : PETSC_INFINITY;
  } else {
    (void)frexp(max, &exponent); /* max < 2^exponent */
    bits = 53 - (int)PetscCeilReal(PetscLog2Real((PetscReal)N + 1));
    if (bits - exponent <= 1000) {
      local_sum = (long long)FrgTermsSum(n, a, b, m, ldexp(1.0, bits - exponent));
    } else { /* max so small that 2^(bits - exponent) would overflow */
      for (PetscInt i = 0; i < n; i++) {
        const PetscReal t = (a[i] * b[i]) * (a[i] * b[i]);
        if (!m || m[i] > 0) local_sum += llrint(ldexp(t, bits - exponent));
      }
    }
    PetscCallMPI(MPI_Allreduce(&local_sum, &total, 1, MPI_LONG_LONG, MPI_SUM, comm));
    *sum = ldexp((double)total, exponent - bits);
  }
  if (mask) PetscCall(VecRestoreArrayRead(mask, &m));
  PetscCall(VecRestoreArrayRead(w, &b));
  PetscCall(VecRestoreArrayRead(x, &a));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* sqrt( sum_i (x_i w_i)^2 / N ), the same bits on any number of ranks. Collective. */
PetscErrorCode FrgReproducibleWrmsNorm(Vec x, Vec w, PetscReal *norm)
{
  PetscInt N;

  PetscFunctionBeginUser;
  PetscCall(VecGetSize(x, &N));
  PetscCall(FrgReproducibleSumSquares(x, w, NULL, norm));
  *norm = PetscSqrtReal(*norm / (PetscReal)N);
  PetscFunctionReturn(PETSC_SUCCESS);
}

static double FrgNVWrmsNorm(N_Vector x, N_Vector w)
{
  PetscReal norm;

  if (FrgReproducibleWrmsNorm(N_VGetVector_Petsc(x), N_VGetVector_Petsc(w), &norm)) return NAN;
  return norm;
}

static double FrgNVWrmsNormMask(N_Vector x, N_Vector w, N_Vector id)
{
  PetscReal sum;
  PetscInt  N;

  if (FrgReproducibleSumSquares(N_VGetVector_Petsc(x), N_VGetVector_Petsc(w), N_VGetVector_Petsc(id), &sum)) return NAN;
  if (VecGetSize(N_VGetVector_Petsc(x), &N)) return NAN;
  return PetscSqrtReal(sum / (PetscReal)N);
}

/* Installs the reproducible norms on a vector; SUNDIALS' clones inherit them. Not collective. */
PETSC_INTERN PetscErrorCode FrgNVectorUseReproducibleNorms(N_Vector v)
{
  PetscFunctionBeginUser;
  v->ops->nvwrmsnorm     = FrgNVWrmsNorm;
  v->ops->nvwrmsnormmask = FrgNVWrmsNormMask;
  PetscFunctionReturn(PETSC_SUCCESS);
}
