/* Property test of the distributed partitioned band LU (src/integrate/band.c, band_spike.c,
 * band_reduced.c, band_partition.c) against the sequential LU of band.c; run by
 * tests/cases/core_unit.sh on 1, 2 and 3 ranks.
 *
 * Cases from a seeded generator, the same on every rank (FRG_TEST_QUICK=1: a quarter of them):
 *   n            in [9, 700];
 *   partition    blocks of min_rows in [4, 8] to about max_rows in [min_rows, 48] rows: from one lane
 *                set to 22, so that ranks own from one block to many lane sets;
 *   ownership    the grid's (FrgBandPartitionOwnership: whole blocks, evenly), whole blocks cut at
 *                random (ranks own different block counts), or PETSc's split (not whole blocks: the
 *                band is gathered and every rank factors all blocks);
 *   matrix       M = I - gamma J, pentadiagonal, of three kinds: diagonally dominant (|M_ii| = the
 *                off-diagonal sum + [0.1, 1.1), either sign); not dominant (entries of gamma J in
 *                [-4, 4]); stiff diffusion (J an M-matrix shaped like the KT Jacobian, gamma in
 *                [1, 1e8]: I - gamma J tends to a discrete Laplacian, as on fine grids).
 * Checks of each case:
 *   1. the backward error |M x - b|_inf / (|M|_inf |x|_inf) of the distributed solve is below 1e-14
 *      (and the sequential one's below 1e-15; measured: at most 2e-16 for both);
 *   2. the forward difference from the sequential LU, |x - x_seq|_inf / |x_seq|_inf, is below
 *      kappa 1e-14, kappa = |M|_inf |M^-1|_inf computed exactly (n sequential solves; measured: at
 *      most kappa 1e-17);
 *   3. x is bitwise the same as on one rank with the same partition (the ranks never change the
 *      arithmetic), and bitwise the sequential LU's x when the partitioned LU refused M;
 *   4. the partitioned LU is taken for every diagonally dominant matrix (its spikes and reduced factors
 *      are then bounded), and for at least 90% of the stiff ones.
 * One line per check and matrix kind with the worst case; exits nonzero if any check fails. */
#include <frg/integrator.h>
#include <frg/leakcheck.h>
#include "check.h"

typedef enum { KIND_DOMINANT, KIND_RANDOM, KIND_STIFF, KIND_COUNT } Kind;
typedef enum { LAYOUT_GRID, LAYOUT_RANDOM_BLOCKS, LAYOUT_PETSC, LAYOUT_COUNT } Layout;
static const char *const kind_names[]   = {"diagonally dominant", "not dominant", "stiff diffusion"};

/* M = I - gamma J as the band of J (n x 5) and gamma. */
static void FillBand(Kind kind, PetscInt n, unsigned long *seed, PetscReal *J, PetscReal *gamma)
{
  *gamma = kind == KIND_STIFF ? PetscPowReal(10.0, 4.0 * (Random(seed) + 1.0)) : 0.5;
  for (PetscInt i = 0; i < n; i++) {
    PetscReal off = 0;
    for (int c = 0; c < 5; c++) {
      const PetscInt col = i - 2 + c;
      J[5 * i + c]       = (col < 0 || col >= n) ? 0.0 : Random(seed);
      if (kind == KIND_RANDOM) J[5 * i + c] *= 8.0;
      if (kind == KIND_STIFF && c != 2) J[5 * i + c] = 0.5 * (J[5 * i + c] + 1.0) * (c == 1 || c == 3 ? 1.0 : 0.25); /* couplings >= 0 */
      if (c != 2) off += PetscAbsReal(*gamma * J[5 * i + c]);
    }
    if (kind == KIND_DOMINANT) J[5 * i + 2] = (1.0 - PetscSign(Random(seed)) * (off + 0.6 + 0.5 * Random(seed))) / *gamma;
    if (kind == KIND_STIFF) J[5 * i + 2] = -off / *gamma - 1e-3 * (Random(seed) + 1.0); /* weakly dominant: M tends to a singular M-matrix */
  }
}

/* The local rows of this rank for a layout; *used is LAYOUT_PETSC where the layout does not exist
 * (fewer blocks than ranks). */
static PetscErrorCode LocalRows(MPI_Comm comm, const FrgBandPartition *part, Layout layout, unsigned long *seed, PetscInt *nlocal, Layout *used)
{
  PetscMPIInt size, rank;
  PetscInt   *lx, cut = 0, next;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_size(comm, &size));
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCall(PetscMalloc1(size, &lx));
  *used = layout;
  if (layout == LAYOUT_GRID && !FrgBandPartitionOwnership(part, size, 1, lx)) *used = LAYOUT_PETSC;
  if (layout == LAYOUT_RANDOM_BLOCKS && part->blocks >= size)
    for (PetscMPIInt r = 0; r < size; r++, cut = next) { /* blocks cut .. next - 1, at least one each */
      const PetscInt room = part->blocks - cut - (size - r);
      next                = r == size - 1 ? part->blocks : cut + 1 + (PetscInt)(0.5 * (Random(seed) + 1.0) * room * 0.999);
      lx[r]               = PetscMin(part->n, next * part->rows) - cut * part->rows;
    }
  else if (layout == LAYOUT_RANDOM_BLOCKS) *used = LAYOUT_PETSC;
  *nlocal = PETSC_DECIDE;
  if (*used == LAYOUT_PETSC) {
    PetscInt n = part->n;
    PetscCall(PetscSplitOwnership(comm, nlocal, &n));
  }
  else *nlocal = lx[rank];
  PetscCall(PetscFree(lx));
  PetscFunctionReturn(PETSC_SUCCESS);
}

typedef struct {
  PetscInt  min_rows, max_rows; /* min_rows 0: no partition (the sequential LU) */
  PetscBool singular, partitioned, distributed;
} Solver;

/* Factors and solves with nlocal rows on this rank; x: the whole solution, on every rank. */
static PetscErrorCode Solve(MPI_Comm comm, PetscInt n, PetscInt nlocal, PetscReal gamma, const PetscReal *J, const PetscReal *b, PetscReal *x, Solver *s)
{
  FrgBandLU     lu;
  FrgBandLUInfo info;
  Vec           v;
  PetscReal    *Jl;
  PetscScalar  *a;
  PetscInt      rstart;
  PetscMPIInt   size, *counts, *displs, local;
  PetscBool     available;

  PetscFunctionBeginUser;
  PetscCall(VecCreateMPI(comm, nlocal, n, &v));
  PetscCall(VecGetOwnershipRange(v, &rstart, NULL));
  PetscCall(FrgBandLUCreate(comm, n, nlocal, &lu));
  if (s->min_rows) PetscCall(FrgBandLUSetPartition(lu, s->min_rows, s->max_rows, NULL, &available));
  else PetscCall(FrgBandLUSetPartition(lu, n, n, NULL, &available)); /* blocks of n rows do not exist */
  PetscCall(FrgBandLUGetJacobian(lu, &Jl));
  PetscCall(PetscArraycpy(Jl, J + 5 * rstart, 5 * nlocal));
  PetscCall(FrgBandLUFactor(lu, gamma, &s->singular));
  PetscCall(FrgBandLUGetInfo(lu, &info));
  s->partitioned = info.partitioned;
  s->distributed = info.distributed;
  if (!s->singular) {
    PetscCall(VecGetArray(v, &a));
    for (PetscInt i = 0; i < nlocal; i++) a[i] = b[rstart + i];
    PetscCall(VecRestoreArray(v, &a));
    PetscCall(FrgBandLUSolve(lu, v, v));
    PetscCallMPI(MPI_Comm_size(comm, &size));
    PetscCall(PetscMalloc2(size, &counts, size, &displs));
    PetscCall(PetscMPIIntCast(nlocal, &local));
    PetscCallMPI(MPI_Allgather(&local, 1, MPI_INT, counts, 1, MPI_INT, comm));
    for (PetscMPIInt r = 0; r < size; r++) displs[r] = r ? displs[r - 1] + counts[r - 1] : 0;
    PetscCall(VecGetArray(v, &a));
    PetscCallMPI(MPI_Allgatherv(a, local, MPIU_REAL, x, counts, displs, MPIU_REAL, comm));
    PetscCall(VecRestoreArray(v, &a));
    PetscCall(PetscFree2(counts, displs));
  }
  PetscCall(FrgBandLUDestroy(&lu));
  PetscCall(VecDestroy(&v));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* |M x - b|_inf / (|M|_inf |x|_inf), and |M|_inf */
static PetscReal Residual(PetscInt n, PetscReal gamma, const PetscReal *J, const PetscReal *b, const PetscReal *x, PetscReal *mnorm)
{
  PetscReal res = 0, xnorm = 0;

  *mnorm = 0;
  for (PetscInt i = 0; i < n; i++) {
    PetscReal r = -b[i], row = 0;
    for (int c = 0; c < 5; c++) {
      const PetscInt  col = i - 2 + c;
      const PetscReal m   = (c == 2 ? 1.0 : 0.0) - gamma * J[5 * i + c];
      if (col < 0 || col >= n) continue;
      r += m * x[col];
      row += PetscAbsReal(m);
    }
    res    = PetscMax(res, PetscAbsReal(r));
    *mnorm = PetscMax(*mnorm, row);
    xnorm  = PetscMax(xnorm, PetscAbsReal(x[i]));
  }
  return res / (*mnorm * xnorm);
}

/* |M^-1|_inf, the largest row sum of |M^-1|, from the columns M^-1 e_j by the sequential LU */
static PetscErrorCode InverseNorm(PetscInt n, PetscReal gamma, const PetscReal *J, PetscReal *norm)
{
  FrgBandLU lu;
  Vec       v;
  PetscReal *Jl, *rows;
  PetscScalar *a;
  PetscBool singular, available;

  PetscFunctionBeginUser;
  PetscCall(FrgBandLUCreate(PETSC_COMM_SELF, n, n, &lu));
  PetscCall(FrgBandLUSetPartition(lu, n, n, NULL, &available));
  PetscCall(FrgBandLUGetJacobian(lu, &Jl));
  PetscCall(PetscArraycpy(Jl, J, 5 * n));
  PetscCall(FrgBandLUFactor(lu, gamma, &singular));
  PetscCall(VecCreateSeq(PETSC_COMM_SELF, n, &v));
  PetscCall(PetscCalloc1(n, &rows));
  for (PetscInt j = 0; j < n && !singular; j++) {
    PetscCall(VecZeroEntries(v));
    PetscCall(VecSetValue(v, j, 1.0, INSERT_VALUES));
    PetscCall(FrgBandLUSolve(lu, v, v));
    PetscCall(VecGetArray(v, &a));
    for (PetscInt i = 0; i < n; i++) rows[i] += PetscAbsReal(a[i]);
    PetscCall(VecRestoreArray(v, &a));
  }
  *norm = singular ? PETSC_INFINITY : 0.0;
  for (PetscInt i = 0; i < n; i++) *norm = PetscMax(*norm, rows[i]);
  PetscCall(PetscFree(rows));
  PetscCall(VecDestroy(&v));
  PetscCall(FrgBandLUDestroy(&lu));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscReal Difference(PetscInt n, const PetscReal *x, const PetscReal *y)
{
  PetscReal d = 0, norm = 0;

  for (PetscInt i = 0; i < n; i++) d = PetscMax(d, PetscAbsReal(x[i] - y[i])), norm = PetscMax(norm, PetscAbsReal(y[i]));
  return d / norm;
}

static PetscInt Bits(PetscInt n, const PetscReal *x, const PetscReal *y)
{
  PetscInt count = 0;

  for (PetscInt i = 0; i < n; i++) count += memcmp(&x[i], &y[i], sizeof(PetscReal)) != 0;
  return count;
}

/* The worst case of each kind over the sweep */
typedef struct {
  PetscReal backward, backward_seq, forward; /* forward in units of kappa 1e-14 */
  PetscInt  cases, with_blocks, partitioned, distributed, bits_ranks, bits_fallback, singular;
  PetscInt  layouts[LAYOUT_COUNT], max_sets;
} Worst;

/* Case number c on comm, drawn from its own seed (so that the cases do not depend on the ranks). */
static PetscErrorCode TestCase(MPI_Comm comm, PetscInt c, Worst worst[])
{
  unsigned long    case_seed = 20261202 + 7919 * (unsigned long)c, layout_seed = case_seed ^ 0x5bd1e995UL, *seed = &case_seed;
  const Kind       kind     = (Kind)((PetscInt)(0.5 * (Random(seed) + 1.0) * KIND_COUNT * 0.9999));
  const Layout     layout   = (Layout)((PetscInt)(0.5 * (Random(seed) + 1.0) * LAYOUT_COUNT * 0.9999));
  const PetscInt   n        = 9 + (PetscInt)(0.5 * (Random(seed) + 1.0) * 691);
  const PetscInt   min_rows = 4 + (PetscInt)(0.5 * (Random(seed) + 1.0) * 4.999);
  Solver           part     = {.min_rows = min_rows, .max_rows = min_rows + (PetscInt)(0.5 * (Random(seed) + 1.0) * (48.999 - min_rows))}, one = part, seq = {0};
  FrgBandPartition partition;
  PetscReal       *J, *b, *x, *x1, *xs, gamma, mnorm, inverse = 0, kappa;
  PetscInt         nlocal;
  Layout           used = LAYOUT_PETSC;
  Worst           *w = &worst[kind];

  PetscFunctionBeginUser;
  PetscCall(PetscMalloc5(5 * n, &J, n, &b, n, &x, n, &x1, n, &xs));
  FillBand(kind, n, seed, J, &gamma);
  for (PetscInt i = 0; i < n; i++) b[i] = Random(seed);
  PetscCall(FrgBandPartitionCreate(n, part.min_rows, part.max_rows, &partition));
  PetscCall(LocalRows(comm, &partition, layout, &layout_seed, &nlocal, &used));
  PetscCall(Solve(comm, n, nlocal, gamma, J, b, x, &part));
  PetscCall(Solve(PETSC_COMM_SELF, n, n, gamma, J, b, x1, &one));
  PetscCall(Solve(PETSC_COMM_SELF, n, n, gamma, J, b, xs, &seq));
  w->cases++;
  w->layouts[used]++;
  w->max_sets = PetscMax(w->max_sets, partition.blocks ? (partition.blocks + FRG_SPIKE_BLOCKS - 1) / FRG_SPIKE_BLOCKS : 0);
  if (part.singular || seq.singular || one.singular) {
    w->singular++;
    PetscCall(PetscFree5(J, b, x, x1, xs));
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  PetscCall(InverseNorm(n, gamma, J, &inverse));
  w->backward     = PetscMax(w->backward, Residual(n, gamma, J, b, x, &mnorm));
  w->backward_seq = PetscMax(w->backward_seq, Residual(n, gamma, J, b, xs, &mnorm));
  kappa           = mnorm * inverse;
  w->forward      = PetscMax(w->forward, Difference(n, x, xs) / (kappa * 1e-14));
  w->with_blocks += partition.blocks > 0;
  w->partitioned += part.partitioned;
  w->distributed += part.distributed;
  w->bits_ranks += Bits(n, x, x1) != 0 || part.partitioned != one.partitioned;
  w->bits_fallback += !part.partitioned && Bits(n, x, xs) != 0;
  PetscCall(PetscFree5(J, b, x, x1, xs));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode ReportKind(MPI_Comm comm, Kind kind, const Worst *w)
{
  char           what[200];
  PetscMPIInt    size;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_size(comm, &size));
  PetscCall(PetscPrintf(comm, "     %s: %" PetscInt_FMT " cases (layouts: %" PetscInt_FMT " grid, %" PetscInt_FMT " random blocks, %" PetscInt_FMT " PETSc), up to %" PetscInt_FMT " lane sets, %" PetscInt_FMT " singular, %" PetscInt_FMT " with blocks, %" PetscInt_FMT " partitioned, %" PetscInt_FMT " distributed\n",
                        kind_names[kind], w->cases, w->layouts[LAYOUT_GRID], w->layouts[LAYOUT_RANDOM_BLOCKS], w->layouts[LAYOUT_PETSC], w->max_sets, w->singular, w->with_blocks, w->partitioned, w->distributed));
  PetscCall(PetscSNPrintf(what, sizeof(what), "backward error of the distributed solve, %s, %d rank(s)", kind_names[kind], size));
  PetscCall(Report(comm, (PetscBool)(w->backward < 1e-14), what, w->backward, 1e-14));
  PetscCall(PetscSNPrintf(what, sizeof(what), "backward error of the sequential LU, %s", kind_names[kind]));
  PetscCall(Report(comm, (PetscBool)(w->backward_seq < 1e-15), what, w->backward_seq, 1e-15));
  PetscCall(PetscSNPrintf(what, sizeof(what), "|x - x_seq| / |x_seq| in units of kappa 1e-14, %s", kind_names[kind]));
  PetscCall(Report(comm, (PetscBool)(w->forward <= 1.0), what, w->forward, 1.0));
  PetscCall(PetscSNPrintf(what, sizeof(what), "cases whose x differs in any bit from one rank's, %s, %d rank(s)", kind_names[kind], size));
  PetscCall(Report(comm, (PetscBool)(w->bits_ranks == 0), what, (PetscReal)w->bits_ranks, 0.0));
  PetscCall(PetscSNPrintf(what, sizeof(what), "fallbacks whose x differs in any bit from the sequential LU's, %s", kind_names[kind]));
  PetscCall(Report(comm, (PetscBool)(w->bits_fallback == 0), what, (PetscReal)w->bits_fallback, 0.0));
  if (kind != KIND_RANDOM) {
    const PetscReal refused = w->with_blocks ? 1.0 - (PetscReal)w->partitioned / w->with_blocks : 1.0, allowed = kind == KIND_DOMINANT ? 0.0 : 0.1;
    PetscCall(PetscSNPrintf(what, sizeof(what), "share of the cases refused by the partitioned LU, %s", kind_names[kind]));
    PetscCall(Report(comm, (PetscBool)(refused <= allowed), what, refused, allowed));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

int main(int argc, char **argv)
{
  Worst         worst[KIND_COUNT] = {{0}};
  const char   *quick             = getenv("FRG_TEST_QUICK");
  const PetscInt cases            = quick && quick[0] == '1' ? 75 : 300;

  PetscFunctionBeginUser;
  FrgCallLeakUnchecked(PetscInitialize(&argc, &argv, NULL, NULL));
  for (PetscInt c = 0; c < cases; c++) PetscCall(TestCase(PETSC_COMM_WORLD, c, worst));
  for (int k = 0; k < KIND_COUNT; k++) PetscCall(ReportKind(PETSC_COMM_WORLD, (Kind)k, &worst[k]));
  FrgFinalizeLeakChecked();
  return failures ? 1 : 0;
}
