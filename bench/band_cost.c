/* bench/band_cost: cost of one factorization and one solve of the modified-Newton route's band LU
 * (FrgBandLU, src/integrate/band.c) on one rank, for n = 800 (the 0D benchmark's grid) and n = 1e5.
 *
 * The matrix is M = I - gamma J with a random pentadiagonal J shaped like the KT Jacobian of a
 * conservative scheme: couplings to the neighbours J_i,i+c >= 0 (diffusion and upwinding) and a
 * diagonal J_ii = -(sum of the couplings) - [0, 1), so that M is an M-matrix, weakly diagonally
 * dominant at the default gamma 10. The factorization includes forming M from J, as in the
 * integrator. The timings do not depend on the values, except where the LU takes another path (the
 * partitioned LU falls back to the sequential one when a diagonal block is singular or its spikes are
 * large): "partitioned" says which path the last factorization took.
 *
 * Each sample times a batch of calls on the process CPU clock (robust against other jobs' time
 * slices on the shared machine); the figure is the median over -reps samples per call, after a
 * warm-up batch. "residual" is |M x - b|_inf / (|M|_inf |x|_inf) of the last solve.
 *
 *   build/bench/band_cost [-reps 101] [-sizes 800,100000] [-gamma 10] [-batch_us 200] [-calls 0] [-min_block_rows 0] [-kernels avx2]
 * -min_block_rows r: the partitioned LU from blocks of r rows on (0: the library's default);
 * -kernels avx512f|avx2|scalar: its kernels (default: the widest this CPU runs).
 * -calls N fixes the batch at N calls and -reps 1 times a single batch: for counting instructions,
 *   valgrind --tool=callgrind build/bench/band_cost -reps 1 -calls 100 -sizes 800
 * Prints "key value" lines: n, factor_us, solve_us, partitioned, residual, once per size. */
#define _POSIX_C_SOURCE 200809L /* clock_gettime under -std=c11 */
#include <frg/integrator.h>
#include <time.h>

static const char help[] = "bench/band_cost: band LU factorization and solve, microseconds per call.\n";

static double BenchNow(void)
{
  struct timespec ts;

  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Uniform in [-1, 1): the LCG of tests/unit/check.h. */
static double Random(unsigned long *state)
{
  *state = *state * 6364136223846793005UL + 1442695040888963407UL;
  return 2.0 * (double)(*state >> 11) / 9007199254740992.0 - 1.0;
}

static int CompareDouble(const void *a, const void *b)
{
  const double x = *(const double *)a, y = *(const double *)b;

  return (x > y) - (x < y);
}

/* The band of J (n x 5): couplings in [0, 1), diagonal minus their sum minus [0, 1). */
static void FillBand(PetscInt n, PetscReal *J)
{
  unsigned long seed = 3;

  for (PetscInt i = 0; i < n; i++) {
    PetscReal sum = 0;
    for (int c = 0; c < 5; c++) {
      const PetscInt col = i - 2 + c;
      J[5 * i + c]       = (c == 2 || col < 0 || col >= n) ? 0.0 : 0.5 * (Random(&seed) + 1.0);
      sum += J[5 * i + c];
    }
    J[5 * i + 2] = -sum - 0.5 * (Random(&seed) + 1.0);
  }
}

typedef struct {
  FrgBandLU lu;
  Vec       b, x;
  PetscReal gamma;
  PetscBool solve; /* time the solve, not the factorization */
} BenchCall;

static PetscErrorCode BenchRun(BenchCall *c, long calls)
{
  PetscBool singular;

  PetscFunctionBeginUser;
  for (long k = 0; k < calls; k++) {
    if (c->solve) PetscCall(FrgBandLUSolve(c->lu, c->b, c->x));
    else PetscCall(FrgBandLUFactor(c->lu, c->gamma, &singular));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Median over reps samples of the seconds per call. calls > 0 fixes the batch, else it is calibrated
 * to at least batch_us microseconds. */
static PetscErrorCode BenchMedian(BenchCall *c, PetscInt reps, long calls, double batch_us, double *median)
{
  double *sample;

  PetscFunctionBeginUser;
  if (calls <= 0)
    for (calls = 1;; calls *= 2) { /* calibration, also the warm-up */
      double start = BenchNow();
      PetscCall(BenchRun(c, calls));
      if (BenchNow() - start >= 1e-6 * batch_us) break;
    }
  PetscCall(PetscMalloc1(reps, &sample));
  for (PetscInt r = 0; r < reps; r++) {
    double start = BenchNow();
    PetscCall(BenchRun(c, calls));
    sample[r] = (BenchNow() - start) / calls;
  }
  qsort(sample, (size_t)reps, sizeof(double), CompareDouble);
  *median = sample[reps / 2];
  PetscCall(PetscFree(sample));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* |M x - b|_inf / (|M|_inf |x|_inf) */
static PetscErrorCode BenchResidual(PetscInt n, PetscReal gamma, const PetscReal *J, Vec b, Vec x, double *residual)
{
  const PetscScalar *bb, *xx;
  PetscReal          res = 0, mnorm = 0, xnorm = 0;

  PetscFunctionBeginUser;
  PetscCall(VecGetArrayRead(b, &bb));
  PetscCall(VecGetArrayRead(x, &xx));
  for (PetscInt i = 0; i < n; i++) {
    PetscReal r = -bb[i], row = 0;
    for (int c = 0; c < 5; c++) {
      const PetscInt  col = i - 2 + c;
      const PetscReal m   = (c == 2 ? 1.0 : 0.0) - gamma * J[5 * i + c];
      if (col < 0 || col >= n) continue;
      r += m * xx[col];
      row += PetscAbsReal(m);
    }
    res   = PetscMax(res, PetscAbsReal(r));
    mnorm = PetscMax(mnorm, row);
    xnorm = PetscMax(xnorm, PetscAbsReal(xx[i]));
  }
  PetscCall(VecRestoreArrayRead(x, &xx));
  PetscCall(VecRestoreArrayRead(b, &bb));
  *residual = res / (mnorm * xnorm);
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode BenchSize(PetscInt n, PetscReal gamma, PetscInt reps, long calls, double batch_us, PetscInt min_block_rows, const char *isa_name)
{
  BenchCall    c = {.gamma = gamma};
  PetscReal   *J;
  PetscScalar *bb;
  PetscBool    singular;
  FrgBandLUInfo info;
  double       factor = 0, solve = 0, residual = 0;
  unsigned long seed = 7;

  PetscFunctionBeginUser;
  PetscCall(FrgBandLUCreate(PETSC_COMM_SELF, n, n, &c.lu));
  if (min_block_rows > 0 || isa_name[0]) {
    PetscBool available;
    PetscCall(FrgBandLUSetPartition(c.lu, min_block_rows > 0 ? min_block_rows : FRG_BAND_MIN_BLOCK_ROWS, FRG_BAND_MAX_BLOCK_ROWS, isa_name[0] ? isa_name : NULL, &available));
    PetscCheck(available, PETSC_COMM_SELF, PETSC_ERR_SUP, "-kernels %s: this CPU cannot run them", isa_name);
  }
  PetscCall(FrgBandLUGetJacobian(c.lu, &J));
  FillBand(n, J);
  PetscCall(VecCreateSeq(PETSC_COMM_SELF, n, &c.b));
  PetscCall(VecDuplicate(c.b, &c.x));
  PetscCall(VecGetArray(c.b, &bb));
  for (PetscInt i = 0; i < n; i++) bb[i] = Random(&seed);
  PetscCall(VecRestoreArray(c.b, &bb));
  PetscCall(FrgBandLUFactor(c.lu, gamma, &singular));
  PetscCheck(!singular, PETSC_COMM_SELF, PETSC_ERR_PLIB, "band_cost: the test matrix is singular");
  PetscCall(BenchMedian(&c, reps, calls, batch_us, &factor));
  c.solve = PETSC_TRUE;
  PetscCall(BenchMedian(&c, reps, calls, batch_us, &solve));
  PetscCall(BenchResidual(n, gamma, J, c.b, c.x, &residual));
  PetscCall(FrgBandLUGetInfo(c.lu, &info));
  PetscCall(PetscPrintf(PETSC_COMM_SELF, "n %" PetscInt_FMT "\nfactor_us %.3f\nsolve_us %.3f\n", n, factor * 1e6, solve * 1e6));
  PetscCall(PetscPrintf(PETSC_COMM_SELF, "partitioned %d\nblocks %" PetscInt_FMT "\nblock_rows %" PetscInt_FMT "\nkernels %s\nresidual %.2e\n", (int)info.partitioned, info.blocks, info.block_rows, info.isa, residual));
  PetscCall(VecDestroy(&c.b));
  PetscCall(VecDestroy(&c.x));
  PetscCall(FrgBandLUDestroy(&c.lu));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode BenchMain(void)
{
  PetscInt  sizes[8] = {800, 100000}, count = 8, reps = 101, calls = 0, min_block_rows = 0;
  char      isa_name[32] = "";
  PetscReal gamma = 10, batch_us = 200;
  PetscBool set;

  PetscFunctionBeginUser;
  PetscOptionsBegin(PETSC_COMM_WORLD, NULL, "band_cost benchmark", "");
  PetscCall(PetscOptionsIntArray("-sizes", "Matrix sizes n", "", sizes, &count, &set));
  PetscCall(PetscOptionsInt("-reps", "Timed samples (the median is reported)", "", reps, &reps, NULL));
  PetscCall(PetscOptionsInt("-calls", "Calls per sample (0: calibrated to -batch_us)", "", calls, &calls, NULL));
  PetscCall(PetscOptionsReal("-batch_us", "Least CPU time of a calibrated sample", "", batch_us, &batch_us, NULL));
  PetscCall(PetscOptionsInt("-min_block_rows", "Partitioned LU from blocks of this many rows on (0: default)", "", min_block_rows, &min_block_rows, NULL));
  PetscCall(PetscOptionsString("-kernels", "Kernels of the partitioned LU: avx512f, avx2, scalar (default: the widest)", "", isa_name, isa_name, sizeof(isa_name), NULL));
  PetscCall(PetscOptionsReal("-gamma", "gamma of M = I - gamma J", "", gamma, &gamma, NULL));
  PetscOptionsEnd();
  if (!set) count = 2;
  for (PetscInt s = 0; s < count; s++) PetscCall(BenchSize(sizes[s], gamma, reps, calls, batch_us, min_block_rows, isa_name));
  PetscFunctionReturn(PETSC_SUCCESS);
}

int main(int argc, char **argv)
{
  PetscErrorCode ierr = FrgInitialize(&argc, &argv, help);

  if (!ierr) ierr = BenchMain();
  if (!ierr) ierr = FrgFinalize();
  return ierr ? 1 : 0;
}
