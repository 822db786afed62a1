/* Unit test of FrgBandLU (src/integrate/band.c, band_spike.c), the LU of the modified-Newton route;
 * run by tests/cases/core_unit.sh on 1, 2 and 3 ranks. For each matrix M = I - gamma J:
 *  1. the residual |M x - b|_inf / (|M|_inf |x|_inf) of the solve is below 1e-14;
 *  2. the solution on this communicator and on one rank are bitwise the same (the blocks depend on n
 *     alone, so the step sequence of the integrator cannot depend on the ranks), with the rows of each
 *     rank whole blocks (each rank factors its own) and with PETSc's split (the band gathered);
 *  3. the LU took the expected path: the partitioned LU (band_spike.c) for the diagonally dominant
 *     matrices of every size it runs on (n = 800, 801, 803, 1000 in one lane set, 8193 and 20011 in 2
 *     and 3, and forced on small n down to blocks of 4 rows, with identity padding rows), the sequential fallback when a
 *     diagonal block is exactly singular while M is not (solved, not reported singular) and at
 *     n = 40, 41 (too small), and either for the random matrices without diagonal dominance;
 *  4. with the partitioned LU, the AVX-512, AVX2 and scalar kernels give bitwise the same solution
 *     (those this CPU runs);
 *  5. a matrix with an exactly zero column is reported singular, through the fallback.
 * Matrices: zero or tiny diagonals in every third and fifth row (row exchanges needed), random
 * diagonally dominant, random non-dominant. Prints one line per check; exits nonzero if any fails. */
#include <frg/integrator.h>
#include <frg/leakcheck.h>
#include "check.h"

typedef enum { BAND_ZERO_TINY, BAND_DOMINANT, BAND_RANDOM, BAND_SINGULAR_BLOCK, BAND_ZERO_COLUMN } BandKind;
static const char *const band_kinds[] = {"zero and tiny diagonals", "diagonally dominant", "random, not dominant", "a singular diagonal block", "a zero column"};

static const PetscReal test_gamma = 0.5; /* a power of two: gamma (1/gamma) = 1 exactly, so the zeros are exact */

/* The global band of J (n x 5, same on every rank). block_rows: the rows of the partitioned LU's
 * blocks, for BAND_SINGULAR_BLOCK (the first column of block 3, or of the last, is zero inside the
 * block but not in the rows of the block above, so M stays regular). */
static void FillBand(BandKind kind, PetscInt n, PetscInt block_rows, PetscReal *J)
{
  const PetscInt singular_column = PetscMin(3, n / block_rows - 1) * block_rows;
  unsigned long  seed            = 5 + (unsigned long)kind;

  for (PetscInt i = 0; i < n; i++) {
    PetscReal off = 0;
    for (int c = 0; c < 5; c++) {
      const PetscInt col = i - 2 + c;
      J[5 * i + c]       = (col < 0 || col >= n) ? 0.0 : Random(&seed);
      if (kind == BAND_RANDOM) J[5 * i + c] *= 8.0; /* M = I - gamma J: off-diagonals up to 4, diagonals in [-3, 5] */
      if (c != 2) off += PetscAbsReal(test_gamma * J[5 * i + c]);
      if (kind == BAND_ZERO_TINY && c == 2 && i % 3 == 0) J[5 * i + c] = 1.0 / test_gamma;
      if (kind == BAND_ZERO_TINY && c == 2 && i % 5 == 1) J[5 * i + c] = (1.0 - 1e-12) / test_gamma;
      if (kind == BAND_ZERO_COLUMN && col == n / 2) J[5 * i + c] = (c == 2) ? 1.0 / test_gamma : 0.0;
      if (kind == BAND_SINGULAR_BLOCK && col == singular_column && i >= col) J[5 * i + c] = (c == 2) ? 1.0 / test_gamma : 0.0;
    }
    /* |M_ii| = off-diagonal sum + [0.1, 1.1), either sign */
    if (kind == BAND_DOMINANT || kind == BAND_SINGULAR_BLOCK) J[5 * i + 2] = (1.0 - PetscSign(Random(&seed)) * (off + 0.6 + 0.5 * Random(&seed))) / test_gamma;
    if (kind == BAND_SINGULAR_BLOCK && i == singular_column) J[5 * i + 2] = 1.0 / test_gamma;
  }
}

typedef struct {
  PetscBool   grid_layout;    /* the rows of each rank are whole blocks (FrgBandPartitionOwnership), else PETSc's split */
  PetscInt    min_block_rows; /* 0: the library's default */
  const char *isa;            /* NULL: the widest kernels */
  PetscBool   singular, partitioned, available;
  PetscInt    block_rows;
} SolveInfo;

/* Factors and solves with the band on comm; returns the whole solution (every rank) in x. */
static PetscErrorCode Solve(MPI_Comm comm, PetscInt n, const PetscReal *Jglobal, const PetscReal *bglobal, PetscReal *x, SolveInfo *info)
{
  FrgBandLU    lu;
  Vec          b, xall;
  PetscReal   *J;
  PetscInt     rstart, nlocal;
  PetscScalar *a;
  VecScatter   scatter;

  PetscFunctionBeginUser;
  nlocal = PETSC_DECIDE;
  if (info->grid_layout) {
    FrgBandPartition part;
    PetscMPIInt      size, rank;
    PetscInt        *lx;
    PetscCallMPI(MPI_Comm_size(comm, &size));
    PetscCallMPI(MPI_Comm_rank(comm, &rank));
    PetscCall(PetscMalloc1(size, &lx));
    PetscCall(FrgBandPartitionCreate(n, info->min_block_rows ? info->min_block_rows : FRG_BAND_MIN_BLOCK_ROWS, FRG_BAND_MAX_BLOCK_ROWS, &part));
    if (FrgBandPartitionOwnership(&part, size, 1, lx)) nlocal = lx[rank];
    PetscCall(PetscFree(lx));
  }
  PetscCall(VecCreateMPI(comm, nlocal, n, &b));
  PetscCall(VecGetOwnershipRange(b, &rstart, NULL));
  PetscCall(VecGetLocalSize(b, &nlocal));
  PetscCall(FrgBandLUCreate(comm, n, nlocal, &lu));
  info->available = PETSC_TRUE;
  if (info->min_block_rows || info->isa) PetscCall(FrgBandLUSetPartition(lu, info->min_block_rows ? info->min_block_rows : FRG_BAND_MIN_BLOCK_ROWS, FRG_BAND_MAX_BLOCK_ROWS, info->isa, &info->available));
  PetscCall(FrgBandLUGetJacobian(lu, &J));
  PetscCall(PetscArraycpy(J, Jglobal + 5 * rstart, 5 * nlocal));
  PetscCall(FrgBandLUFactor(lu, test_gamma, &info->singular));
  {
    FrgBandLUInfo lu_info;
    PetscCall(FrgBandLUGetInfo(lu, &lu_info));
    info->block_rows  = lu_info.block_rows;
    info->partitioned = lu_info.partitioned;
  }
  if (!info->singular) {
    PetscCall(VecGetArray(b, &a));
    for (PetscInt i = 0; i < nlocal; i++) a[i] = bglobal[rstart + i];
    PetscCall(VecRestoreArray(b, &a));
    PetscCall(FrgBandLUSolve(lu, b, b));
    PetscCall(VecScatterCreateToAll(b, &scatter, &xall));
    PetscCall(VecScatterBegin(scatter, b, xall, INSERT_VALUES, SCATTER_FORWARD));
    PetscCall(VecScatterEnd(scatter, b, xall, INSERT_VALUES, SCATTER_FORWARD));
    PetscCall(VecGetArray(xall, &a));
    for (PetscInt i = 0; i < n; i++) x[i] = a[i];
    PetscCall(VecRestoreArray(xall, &a));
    PetscCall(VecScatterDestroy(&scatter));
    PetscCall(VecDestroy(&xall));
  }
  PetscCall(FrgBandLUDestroy(&lu));
  PetscCall(VecDestroy(&b));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* |M x - b|_inf / (|M|_inf |x|_inf) */
static PetscReal Residual(PetscInt n, const PetscReal *J, const PetscReal *b, const PetscReal *x)
{
  PetscReal res = 0, mnorm = 0, xnorm = 0;

  for (PetscInt i = 0; i < n; i++) {
    PetscReal r = -b[i], row = 0;
    for (int c = 0; c < 5; c++) {
      const PetscInt  col = i - 2 + c;
      const PetscReal m   = (c == 2 ? 1.0 : 0.0) - test_gamma * J[5 * i + c];
      if (col < 0 || col >= n) continue;
      r += m * x[col];
      row += PetscAbsReal(m);
    }
    res   = PetscMax(res, PetscAbsReal(r));
    mnorm = PetscMax(mnorm, row);
    xnorm = PetscMax(xnorm, PetscAbsReal(x[i]));
  }
  return res / (mnorm * xnorm);
}

/* The number of entries of x and y that differ in any bit */
static PetscReal Differences(PetscInt n, const PetscReal *x, const PetscReal *y)
{
  PetscInt count = 0;

  for (PetscInt i = 0; i < n; i++) count += memcmp(&x[i], &y[i], sizeof(PetscReal)) != 0;
  return (PetscReal)count;
}

/* The rows of the blocks of the partitioned LU for n (n if it does not partition) */
static PetscErrorCode BlockRows(PetscInt n, PetscInt min_block_rows, PetscInt *rows)
{
  FrgBandLU lu;
  PetscBool available;

  PetscFunctionBeginUser;
  PetscCall(FrgBandLUCreate(PETSC_COMM_SELF, n, n, &lu));
  if (min_block_rows) PetscCall(FrgBandLUSetPartition(lu, min_block_rows, FRG_BAND_MAX_BLOCK_ROWS, NULL, &available));
  {
    FrgBandLUInfo info;
    PetscCall(FrgBandLUGetInfo(lu, &info));
    *rows = info.block_rows;
  }
  PetscCall(FrgBandLUDestroy(&lu));
  PetscFunctionReturn(PETSC_SUCCESS);
}

typedef enum { EXPECT_PARTITIONED, EXPECT_SEQUENTIAL, EXPECT_EITHER, EXPECT_SINGULAR } Expect;

/* The checks 1-5 of the banner for one matrix. */
static PetscErrorCode TestCase(MPI_Comm comm, PetscBool grid_layout, PetscInt n, BandKind kind, PetscInt min_block_rows, Expect expect)
{
  const char *const isas[] = {"avx512f", "avx2", "scalar"};
  SolveInfo         info = {.grid_layout = grid_layout, .min_block_rows = min_block_rows}, one = info;
  unsigned long     seed = 9;
  PetscReal        *J, *b, *x, *xs, res;
  PetscInt          rows;
  PetscMPIInt       size;
  char              what[160], where[64];

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_size(comm, &size));
  PetscCall(PetscMalloc4(5 * n, &J, n, &b, n, &x, n, &xs));
  PetscCall(BlockRows(n, min_block_rows, &rows));
  FillBand(kind, n, rows, J);
  for (PetscInt i = 0; i < n; i++) b[i] = Random(&seed);
  PetscCall(Solve(comm, n, J, b, x, &info));
  PetscCall(Solve(PETSC_COMM_SELF, n, J, b, xs, &one));
  PetscCall(PetscSNPrintf(where, sizeof(where), "n = %" PetscInt_FMT "%s, %d rank(s)%s", n, min_block_rows ? " forced" : "", size, grid_layout ? ", whole blocks" : ""));
  if (expect == EXPECT_SINGULAR) {
    PetscCall(PetscSNPrintf(what, sizeof(what), "band LU reports %s as singular, %s", band_kinds[kind], where));
    PetscCall(Report(comm, (PetscBool)(info.singular && one.singular), what, info.singular ? 0.0 : 1.0, 0.0));
    PetscCall(PetscFree4(J, b, x, xs));
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  res = info.singular ? 1.0 : Residual(n, J, b, x);
  PetscCall(PetscSNPrintf(what, sizeof(what), "residual, %s, %s, %s", band_kinds[kind], info.partitioned ? "partitioned" : "sequential", where));
  PetscCall(Report(comm, (PetscBool)(!info.singular && res < 1e-14), what, res, 1e-14));
  PetscCall(PetscSNPrintf(what, sizeof(what), "the same x on %d rank(s) and one (bitwise), %s, n = %" PetscInt_FMT, size, band_kinds[kind], n));
  PetscCall(Report(comm, (PetscBool)(!one.singular && Differences(n, x, xs) == 0), what, Differences(n, x, xs), 0.0));
  if (expect != EXPECT_EITHER) {
    const PetscBool want = (PetscBool)(expect == EXPECT_PARTITIONED);
    PetscCall(PetscSNPrintf(what, sizeof(what), "%s LU taken, %s, %s", want ? "partitioned" : "sequential", band_kinds[kind], where));
    PetscCall(Report(comm, (PetscBool)(info.partitioned == want && one.partitioned == want), what, info.partitioned == want ? 0.0 : 1.0, 0.0));
  }
  for (int k = 0; info.partitioned && k < 3; k++) {
    SolveInfo other = {.grid_layout = grid_layout, .min_block_rows = min_block_rows, .isa = isas[k]};
    PetscCall(Solve(comm, n, J, b, xs, &other));
    if (!other.available) continue; /* this CPU does not run them */
    PetscCall(PetscSNPrintf(what, sizeof(what), "%s kernels give the same x (bitwise), %s, %s", isas[k], band_kinds[kind], where));
    PetscCall(Report(comm, (PetscBool)(other.partitioned && Differences(n, x, xs) == 0), what, Differences(n, x, xs), 0.0));
  }
  PetscCall(PetscFree4(J, b, x, xs));
  PetscFunctionReturn(PETSC_SUCCESS);
}

int main(int argc, char **argv)
{
  const PetscInt small[] = {40, 41}, forced[] = {41, 40, 32, 25}, large[] = {800, 801, 803, 1000, 8193, 20011};

  PetscFunctionBeginUser;
  FrgCallLeakUnchecked(PetscInitialize(&argc, &argv, NULL, NULL));
  for (int layout = 0; layout < 2; layout++) { /* PETSc's split (the band gathered), whole blocks per rank */
    const PetscBool grid = (PetscBool)layout;
    for (int i = 0; i < 2; i++) { /* too small for the partitioned LU */
      PetscCall(TestCase(PETSC_COMM_WORLD, grid, small[i], BAND_ZERO_TINY, 0, EXPECT_SEQUENTIAL));
      PetscCall(TestCase(PETSC_COMM_WORLD, grid, small[i], BAND_DOMINANT, 0, EXPECT_SEQUENTIAL));
      PetscCall(TestCase(PETSC_COMM_WORLD, grid, small[i], BAND_ZERO_COLUMN, 0, EXPECT_SINGULAR));
    }
    for (int i = 0; i < 4; i++) { /* blocks of 4 to 6 rows, padding rows and padding blocks */
      PetscCall(TestCase(PETSC_COMM_WORLD, grid, forced[i], BAND_ZERO_TINY, 4, EXPECT_EITHER));
      PetscCall(TestCase(PETSC_COMM_WORLD, grid, forced[i], BAND_DOMINANT, 4, EXPECT_PARTITIONED));
      PetscCall(TestCase(PETSC_COMM_WORLD, grid, forced[i], BAND_RANDOM, 4, EXPECT_EITHER));
      PetscCall(TestCase(PETSC_COMM_WORLD, grid, forced[i], BAND_SINGULAR_BLOCK, 4, EXPECT_SEQUENTIAL));
      PetscCall(TestCase(PETSC_COMM_WORLD, grid, forced[i], BAND_ZERO_COLUMN, 4, EXPECT_SINGULAR));
    }
    for (int i = 0; i < 6; i++) { /* one lane set of 8 blocks, then 2 and 3 lane sets (n > 8 x 1024) */
      PetscCall(TestCase(PETSC_COMM_WORLD, grid, large[i], BAND_ZERO_TINY, 0, EXPECT_EITHER));
      PetscCall(TestCase(PETSC_COMM_WORLD, grid, large[i], BAND_DOMINANT, 0, EXPECT_PARTITIONED));
      PetscCall(TestCase(PETSC_COMM_WORLD, grid, large[i], BAND_RANDOM, 0, EXPECT_EITHER));
      PetscCall(TestCase(PETSC_COMM_WORLD, grid, large[i], BAND_SINGULAR_BLOCK, 0, EXPECT_SEQUENTIAL));
      PetscCall(TestCase(PETSC_COMM_WORLD, grid, large[i], BAND_ZERO_COLUMN, 0, EXPECT_SINGULAR));
    }
  }
  FrgFinalizeLeakChecked();
  return failures ? 1 : 0;
}
