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

/* Lanes of four doubles and of four 64-bit integers (GCC/Clang vector extensions), two of each per
 * pass. GCC does not vectorize a max or a sum reduction over doubles by itself without -ffast-math (it
 * keeps the scalar order), although both are exact here in any order; explicit lanes make each pass a
 * few instructions per element instead of a latency-bound scalar chain (16 instructions per element
 * before). Four lanes, not eight: GCC splits an 8-wide double comparison into scalar code on AVX2. */
typedef double    FrgLanes __attribute__((vector_size(32)));
typedef long long FrgMask __attribute__((vector_size(32)));
#define FRG_LANES 4

/* lanes = max(lanes, (x w)^2) lane by lane, for the terms at a and b (unaligned); by pointer, since a
 * vector return value would change the ABI between the clones */
static inline void FrgLanesMax(FrgLanes *lanes, const PetscScalar *a, const PetscScalar *b)
{
  FrgLanes x, w, t;
  FrgMask  up;

  memcpy(&x, a, sizeof(x));
  memcpy(&w, b, sizeof(w));
  t  = (x * w) * (x * w);
  up     = t > *lanes; /* a NaN term compares false and is skipped */
  *lanes = (FrgLanes)((up & (FrgMask)t) | (~up & (FrgMask)*lanes));
}

/* The largest local term t_i = (x_i w_i)^2, or the largest where mask_i > 0. NaN terms are skipped
 * here; the sum pass propagates them. */
FRG_CLONES static PetscReal FrgTermsMax(PetscInt n, const PetscScalar *a, const PetscScalar *b, const PetscScalar *m)
{
  FrgLanes  lanes0 = {0}, lanes1 = {0};
  PetscReal max    = 0;
  PetscInt  i      = 0;

  if (!m)
    for (; i + 2 * FRG_LANES <= n; i += 2 * FRG_LANES) {
      FrgLanesMax(&lanes0, a + i, b + i);
      FrgLanesMax(&lanes1, a + i + FRG_LANES, b + i + FRG_LANES);
    }
  for (; i < n; i++) {
    const PetscReal t = (!m || m[i] > 0) ? (a[i] * b[i]) * (a[i] * b[i]) : 0.0;
    max               = t > max ? t : max;
  }
  for (int l = 0; l < FRG_LANES; l++) {
    max = lanes0[l] > max ? lanes0[l] : max;
    max = lanes1[l] > max ? lanes1[l] : max;
  }
  return max;
}

/* lanes + round((x w)^2 scale) lane by lane */
static inline void FrgLanesSum(FrgLanes *lanes, const PetscScalar *a, const PetscScalar *b, PetscReal scale)
{
  const PetscReal magic = 4503599627370496.0; /* 2^52 */
  FrgLanes        x, w, v;

  memcpy(&x, a, sizeof(x));
  memcpy(&w, b, sizeof(w));
  v = ((x * w) * (x * w)) * scale;
  *lanes += (v + magic) - magic;
}

/* Every scaled term v = t 2^(bits - exponent) lies in [0, 2^bits], where (v + 2^52) - 2^52 is v
 * rounded to the nearest integer (ties to even, the default rounding mode), exactly as nearbyint(v);
 * the scaling by a power of two is exact. With bits <= 53 - ceil(log2(N + 1)) every partial sum of the
 * rounded terms is an integer below 2^53, so the double sum is exact in any order (here in lanes) and
 * the result is an exact integer; a NaN term makes it NaN. */
FRG_CLONES static double FrgTermsSum(PetscInt n, const PetscScalar *a, const PetscScalar *b, const PetscScalar *m, PetscReal scale)
{
  const PetscReal magic  = 4503599627370496.0; /* 2^52 */
  FrgLanes        lanes0 = {0}, lanes1 = {0};
  double          sum    = 0;
  PetscInt        i      = 0;

  if (!m)
    for (; i + 2 * FRG_LANES <= n; i += 2 * FRG_LANES) {
      FrgLanesSum(&lanes0, a + i, b + i, scale);
      FrgLanesSum(&lanes1, a + i + FRG_LANES, b + i + FRG_LANES, scale);
    }
  for (; i < n; i++) {
    const PetscReal v = (!m || m[i] > 0) ? ((a[i] * b[i]) * (a[i] * b[i])) * scale : 0.0;
    sum += (v + magic) - magic;
  }
  for (int l = 0; l < FRG_LANES; l++) sum += lanes0[l] + lanes1[l];
  return sum;
}

/* The local integer sum of the rounded terms and a NaN flag, as two exact integers. */
static void FrgTermsSumExact(PetscInt n, const PetscScalar *a, const PetscScalar *b, const PetscScalar *m, int bits, int exponent, long long local[2])
{
  local[0] = 0;
  local[1] = 0;
  if (bits - exponent <= 1000) {
    const double sum = FrgTermsSum(n, a, b, m, ldexp(1.0, bits - exponent));
    if (sum != sum) local[1] = 1;
    else local[0] = (long long)sum;
  } else { /* max so small that 2^(bits - exponent) would overflow */
    for (PetscInt i = 0; i < n; i++) {
      const PetscReal t = (a[i] * b[i]) * (a[i] * b[i]);
      if (t != t) local[1] = 1;
      else if (!m || m[i] > 0) local[0] += llrint(ldexp(t, bits - exponent));
    }
  }
}

static PetscErrorCode FrgReproducibleSumSquares(Vec x, Vec w, Vec mask, PetscReal *sum)
{
  const PetscScalar *a, *b, *m = NULL;
  PetscInt           n, N;
  PetscReal          max;
  long long          local[2], total[2];
  int                exponent, bits;
  MPI_Comm           comm;
  PetscMPIInt        size;

  PetscFunctionBeginUser;
  PetscCall(PetscObjectGetComm((PetscObject)x, &comm));
  PetscCallMPI(MPI_Comm_size(comm, &size));
  PetscCall(VecGetLocalSize(x, &n));
  PetscCall(VecGetSize(x, &N));
  PetscCall(VecGetArrayRead(x, &a));
  PetscCall(VecGetArrayRead(w, &b));
  if (mask) PetscCall(VecGetArrayRead(mask, &m));
  max = FrgTermsMax(n, a, b, m);
  if (size > 1) PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &max, 1, MPIU_REAL, MPI_MAX, comm));
  if (!(max <= PETSC_MAX_REAL)) *sum = (PetscReal)INFINITY; /* an infinite term (IEEE, not PETSC_INFINITY) */
  else {
    /* max = 0 still runs the sum pass: all terms are 0, or NaN */
    (void)frexp(max, &exponent); /* max < 2^exponent */
    bits = 53 - (int)PetscCeilReal(PetscLog2Real((PetscReal)N + 1));
    FrgTermsSumExact(n, a, b, m, bits, exponent, local);
    total[0] = local[0];
    total[1] = local[1];
    if (size > 1) PetscCallMPI(MPI_Allreduce(local, total, 2, MPI_LONG_LONG, MPI_SUM, comm));
    *sum = total[1] ? (PetscReal)NAN : ldexp((double)total[0], exponent - bits);
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
