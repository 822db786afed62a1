/* FrgBandLU: the Newton matrix M = I - gamma J of the modified-Newton route and its LU, for the
 * pentadiagonal band of the KT operator on the 1D grid (row i couples cells i-2..i+2), distributed over
 * the ranks of the grid.
 *
 * The solve is the partitioned LU of band_spike.c over the blocks of band_partition.c, which depend on
 * the number of rows alone: where every rank's rows are whole blocks (the grid's ownership,
 * FrgBandOwnership), each rank factors its own blocks and the ranks exchange only their tips; otherwise
 * (another ownership, or fewer blocks than ranks) every rank gathers the band and factors all blocks.
 * Either way every block sees the same arithmetic, so the solution, and the integrator's steps, are
 * bitwise the same on any number of ranks.
 *
 * This file keeps the sequential LU, for bands too short to partition and as the fallback when the
 * partitioned one refuses M (a singular diagonal block, large spikes or reduced-system factors), so that
 * *singular still means a zero pivot column of the LU of M itself. It gathers M on every rank, which
 * holds the whole band only then: Gaussian elimination with partial pivoting restricted to the band
 * (Golub & Van Loan, Matrix Computations, 4th ed., section 4.3.5; the layout of LAPACK's dgbtf2): at
 * step k the pivot is the largest of rows k..k+2 in column k, so the factor U gets upper bandwidth 4
 * and L two multipliers per column. It costs about 30 flops per row, against PETSc's general sparse LU
 * which spent ~340 instructions per row of this band (callgrind, 0D benchmark), and its triangular
 * solves ~10 flops per row. Both are recurrences along the rows, at their latency floor (about 12 ns
 * per row of the factorization, 4 per row of the solves), which is why the blocks are partitioned at
 * all. */
#include <frg/integrator.h>

struct _p_FrgBandLU {
  MPI_Comm         comm;
  PetscInt         n, nlocal, rstart;
  PetscMPIInt      size, *counts, *displs; /* Allgatherv layout of rows (x 1) */
  PetscMPIInt     *counts5, *displs5;      /* ... and of band rows (x 5) */
  FrgBandPartition part;
  PetscBool        distributed; /* every rank's rows are whole blocks: each factors its own */
  PetscReal       *J;           /* local rows x 5: the saved df/du; zero rows after, through the lane sets (distributed) */
  PetscReal       *J_all;       /* J gathered for the partitioned LU (not distributed, several ranks) */
  PetscReal       *b;           /* the right-hand side: local rows (distributed) or gathered, zero rows after */
  PetscReal       *b_all;       /* distributed: the gathered right-hand side of the sequential fallback */
  PetscReal       *M;           /* (n + 2) x 5: I - gamma J, gathered; two zero rows after the last */
  PetscReal       *U;           /* n x 5: row k of U over the columns k..k+4 divided by U_kk, 1/U_kk in place of 1 */
  PetscReal       *L;           /* n x 2: multipliers of rows k+1, k+2 at step k */
  PetscInt        *piv;         /* n: the row exchanged with row k at step k */
  FrgBandSpike     spike;       /* the partitioned LU, NULL without a partition */
  PetscBool        partitioned; /* the last factorization is the partitioned one */
};

/* The sequential LU's arrays, at its first use: a partitioned band that never falls back never holds
 * the whole band. Not collective. */
static PetscErrorCode FrgBandSequentialAllocate(FrgBandLU lu)
{
  PetscFunctionBeginUser;
  if (lu->M) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(PetscCalloc4(5 * (lu->n + 2), &lu->M, 5 * lu->n, &lu->U, 2 * lu->n, &lu->L, lu->n, &lu->piv));
  if (lu->distributed && lu->size > 1) PetscCall(PetscCalloc1(lu->n + FRG_BAND_PADDING, &lu->b_all));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode FrgBandFree(FrgBandLU lu)
{
  PetscFunctionBeginUser;
  PetscCall(FrgBandSpikeDestroy(&lu->spike));
  PetscCall(PetscFree4(lu->M, lu->U, lu->L, lu->piv));
  PetscCall(PetscFree(lu->J));
  PetscCall(PetscFree(lu->J_all));
  PetscCall(PetscFree(lu->b));
  PetscCall(PetscFree(lu->b_all));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The partition with blocks of min_rows to about max_rows rows, whether the ranks own whole blocks, the
 * partitioned LU over them and the buffers: the lane sets read their band and right-hand side whole,
 * zero beyond the rows. Collective. */
static PetscErrorCode FrgBandSetUp(FrgBandLU lu, PetscInt min_rows, PetscInt max_rows, const char *isa)
{
  PetscInt  first = 0, count = 0, rows;
  PetscBool aligned;

  PetscFunctionBeginUser;
  PetscCall(FrgBandFree(lu));
  PetscCall(FrgBandPartitionCreate(lu->n, min_rows, max_rows, &lu->part));
  aligned = FrgBandPartitionLocalBlocks(&lu->part, lu->rstart, lu->nlocal, &first, &count);
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &aligned, 1, MPIU_BOOL, MPI_LAND, lu->comm));
  lu->distributed = aligned;
  if (!aligned) first = 0, count = lu->part.blocks;
  PetscCall(FrgBandSpikeCreate(aligned ? lu->comm : PETSC_COMM_SELF, &lu->part, first, count, isa, &lu->spike));
  /* the rows of the lane sets: whole sets of P blocks */
  rows = lu->spike ? (count + FRG_SPIKE_BLOCKS - 1) / FRG_SPIKE_BLOCKS * FRG_SPIKE_BLOCKS * lu->part.rows : 0;
  if (aligned) {
    rows = PetscMax(rows, lu->nlocal) + FRG_BAND_PADDING;
    PetscCall(PetscCalloc1(5 * rows, &lu->J));
  } else {
    rows = PetscMax(rows, lu->n) + FRG_BAND_PADDING;
    PetscCall(PetscCalloc1(5 * (lu->nlocal + FRG_BAND_PADDING), &lu->J));
    if (lu->size > 1) PetscCall(PetscCalloc1(5 * rows, &lu->J_all));
  }
  PetscCall(PetscCalloc1(rows, &lu->b));
  if (!lu->spike) PetscCall(FrgBandSequentialAllocate(lu));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The LU of the band of n rows, nlocal of them on this rank (the ranks' rows in rank order). Collective. */
PETSC_INTERN PetscErrorCode FrgBandLUCreate(MPI_Comm comm, PetscInt n, PetscInt nlocal, FrgBandLU *lu)
{
  FrgBandLU   b;
  PetscMPIInt local;

  PetscFunctionBeginUser;
  PetscCall(PetscNew(&b));
  b->comm   = comm;
  b->n      = n;
  b->nlocal = nlocal;
  PetscCallMPI(MPI_Comm_size(comm, &b->size));
  PetscCallMPI(MPI_Scan(&nlocal, &b->rstart, 1, MPIU_INT, MPI_SUM, comm));
  b->rstart -= nlocal;
  PetscCall(PetscMalloc4(b->size, &b->counts, b->size, &b->displs, b->size, &b->counts5, b->size, &b->displs5));
  PetscCall(PetscMPIIntCast(nlocal, &local));
  PetscCallMPI(MPI_Allgather(&local, 1, MPI_INT, b->counts, 1, MPI_INT, comm));
  for (PetscMPIInt r = 0; r < b->size; r++) {
    b->displs[r]  = r ? b->displs[r - 1] + b->counts[r - 1] : 0;
    b->counts5[r] = 5 * b->counts[r];
    b->displs5[r] = 5 * b->displs[r];
  }
  PetscCall(FrgBandSetUp(b, FRG_BAND_MIN_BLOCK_ROWS, FRG_BAND_MAX_BLOCK_ROWS, NULL));
  *lu = b;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PETSC_INTERN PetscErrorCode FrgBandLUDestroy(FrgBandLU *lu)
{
  PetscFunctionBeginUser;
  if (!*lu) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(FrgBandFree(*lu));
  PetscCall(PetscFree4((*lu)->counts, (*lu)->displs, (*lu)->counts5, (*lu)->displs5));
  PetscCall(PetscFree(*lu));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The saved Jacobian, local rows x 5, for FrgOperatorJacobianBand to fill. Valid until the next
 * FrgBandLUSetPartition. */
PETSC_INTERN PetscErrorCode FrgBandLUGetJacobian(FrgBandLU lu, PetscReal **J)
{
  PetscFunctionBeginUser;
  *J = lu->J;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* For the tests and benchmarks: the partition with blocks of min_block_rows (at least 4, so that it can
 * be forced on small n) to about max_block_rows rows, with the kernels of isa ("avx512f", "avx2",
 * "scalar"; NULL: the widest this CPU runs). *available false: this CPU cannot run them, and the LU is
 * left as it was. The Jacobian is to be filled again (FrgBandLUGetJacobian). Collective. */
PETSC_INTERN PetscErrorCode FrgBandLUSetPartition(FrgBandLU lu, PetscInt min_block_rows, PetscInt max_block_rows, const char *isa, PetscBool *available)
{
  PetscFunctionBeginUser;
  *available = FrgBandSpikeAvailable(isa);
  if (!*available) PetscFunctionReturn(PETSC_SUCCESS);
  lu->partitioned = PETSC_FALSE;
  PetscCall(FrgBandSetUp(lu, min_block_rows, max_block_rows, isa));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The partition, this rank's share of it, and whether the last factorization used it. Not collective. */
PETSC_INTERN PetscErrorCode FrgBandLUGetInfo(FrgBandLU lu, FrgBandLUInfo *info)
{
  PetscFunctionBeginUser;
  info->blocks      = lu->spike ? lu->part.blocks : 1;
  info->block_rows  = lu->spike ? lu->part.rows : lu->n;
  info->lane_sets   = 0;
  info->isa         = "sequential";
  info->distributed = (PetscBool)(lu->spike && lu->distributed);
  info->partitioned = lu->partitioned;
  if (lu->spike) PetscCall(FrgBandSpikeGetInfo(lu->spike, &info->lane_sets, &info->isa));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* LU with partial pivoting of the gathered M. *singular when a pivot column is exactly zero. The
 * columns beyond the grid are zero in M, hence in U and L, which lets the solves run without bounds
 * checks over the zero padding. */
static void FrgBandFactor(FrgBandLU lu, PetscBool *singular)
{
  const PetscInt            n = lu->n;
  const PetscReal *restrict M = lu->M;
  PetscReal *restrict       U = lu->U, *restrict L = lu->L;
  PetscInt *restrict        piv = lu->piv;
  /* rows k and k+1 over the columns k..k+4, eliminated up to column k; rows 0 and 1 start at the
   * columns -2 and -1, whose entries are zero */
  PetscReal a0 = M[2], a1 = M[3], a2 = M[4], a3 = 0, a4 = 0;
  PetscReal b0 = M[6], b1 = M[7], b2 = M[8], b3 = M[9], b4 = 0;

  *singular = PETSC_FALSE;
  for (PetscInt k = 0; k < n; k++) {
    const PetscReal *c = &M[5 * (k + 2)]; /* row k+2: a zero row beyond the grid */
    const PetscReal  c0 = c[0], c1 = c[1], c2 = c[2], c3 = c[3], c4 = c[4];
    /* the first largest of |a0|, |b0|, |c0| is the pivot; its row and row k trade places (selects,
     * not branches, so that the window stays in registers) */
    const PetscReal aa = PetscAbsReal(a0), ab = PetscAbsReal(b0), ac = PetscAbsReal(c0);
    const int       p1 = ab > aa, p2 = ac > (p1 ? ab : aa), one = p1 && !p2;
    const PetscReal u0 = p2 ? c0 : (p1 ? b0 : a0), u1 = p2 ? c1 : (p1 ? b1 : a1), u2 = p2 ? c2 : (p1 ? b2 : a2);
    const PetscReal u3 = p2 ? c3 : (p1 ? b3 : a3), u4 = p2 ? c4 : (p1 ? b4 : a4);
    const PetscReal r0 = one ? a0 : b0, r1 = one ? a1 : b1, r2 = one ? a2 : b2, r3 = one ? a3 : b3, r4 = one ? a4 : b4;
    const PetscReal s0 = p2 ? a0 : c0, s1 = p2 ? a1 : c1, s2 = p2 ? a2 : c2, s3 = p2 ? a3 : c3, s4 = p2 ? a4 : c4;
    PetscReal       inv, l1, l2;

    if (u0 == 0.0) {
      *singular = PETSC_TRUE;
      return;
    }
    piv[k]       = k + (p2 ? 2 : p1);
    inv          = 1.0 / u0;
    l1           = r0 * inv;
    l2           = s0 * inv;
    U[5 * k]     = inv;
    U[5 * k + 1] = u1 * inv;
    U[5 * k + 2] = u2 * inv;
    U[5 * k + 3] = u3 * inv;
    U[5 * k + 4] = u4 * inv;
    L[2 * k]     = l1;
    L[2 * k + 1] = l2;
    /* eliminate column k from rows k+1, k+2 and shift the window one column to the right */
    a0 = r1 - l1 * u1;
    a1 = r2 - l1 * u2;
    a2 = r3 - l1 * u3;
    a3 = r4 - l1 * u4;
    a4 = 0;
    b0 = s1 - l2 * u1;
    b1 = s2 - l2 * u2;
    b2 = s3 - l2 * u3;
    b3 = s4 - l2 * u4;
    b4 = 0;
  }
}

/* y = M^-1 y in place, with the factors of FrgBandFactor. */
static void FrgBandSolve(FrgBandLU lu, PetscReal *y)
{
  const PetscInt n = lu->n;

  { /* L y = P b, with y[k..k+2] in registers; a row beyond the grid has L = 0 and stays 0 */
    PetscReal y0 = y[0], y1 = y[1];
    for (PetscInt k = 0; k < n; k++) {
      const PetscInt  p  = lu->piv[k] - k;
      const PetscReal y2 = y[k + 2], s = p == 2 ? y2 : (p == 1 ? y1 : y0);
      const PetscReal n1 = p == 1 ? y0 : y1, n2 = p == 2 ? y0 : y2;
      y[k] = s;
      y0   = n1 - lu->L[2 * k] * s;
      y1   = n2 - lu->L[2 * k + 1] * s;
    }
  }
  { /* U x = y, with x[k+1..k+4] in registers (zero beyond the grid) */
    PetscReal x1 = 0, x2 = 0, x3 = 0, x4 = 0;
    for (PetscInt k = n - 1; k >= 0; k--) {
      /* x_k = y_k / U_kk - sum_c (U_k,k+c / U_kk) x_{k+c}, ordered so that only the last product and
       * subtraction wait for x_{k+1}: the recurrence is latency-bound, and this shortens its chain from
       * six dependent operations per row to two */
      const PetscReal *u = &lu->U[5 * k], t = y[k] * u[0] - (u[2] * x2 + u[3] * x3 + u[4] * x4), x0 = t - u[1] * x1;
      y[k]               = x0;
      x4                 = x3;
      x3                 = x2;
      x2                 = x1;
      x1                 = x0;
    }
  }
}

/* M = I - gamma J, factored by the partitioned LU on the blocks of each rank (or on the gathered band),
 * or, when it refuses M (on every rank alike) or n is too short, by the sequential LU from the gathered
 * M on every rank. Collective. */
PETSC_INTERN PetscErrorCode FrgBandLUFactor(FrgBandLU lu, PetscReal gamma, PetscBool *singular)
{
  PetscFunctionBeginUser;
  PetscCall(PetscLogEventBegin(FRG_EVENT_BAND_FACTOR, 0, 0, 0, 0));
  lu->partitioned = PETSC_FALSE;
  *singular       = PETSC_FALSE;
  if (lu->spike) {
    const PetscReal *J = lu->J;
    if (!lu->distributed && lu->size > 1) {
      PetscCall(PetscArraycpy(lu->J_all + 5 * lu->rstart, lu->J, 5 * lu->nlocal));
      PetscCallMPI(MPI_Allgatherv(MPI_IN_PLACE, 0, MPI_DATATYPE_NULL, lu->J_all, lu->counts5, lu->displs5, MPIU_REAL, lu->comm));
      J = lu->J_all;
    }
    PetscCall(FrgBandSpikeFactor(lu->spike, gamma, J, &lu->partitioned));
  }
  if (!lu->partitioned) {
    PetscReal *Mloc;
    PetscCall(FrgBandSequentialAllocate(lu));
    Mloc = lu->M + 5 * lu->rstart;
    for (PetscInt i = 0; i < 5 * lu->nlocal; i++) Mloc[i] = -gamma * lu->J[i];
    for (PetscInt i = 0; i < lu->nlocal; i++) Mloc[5 * i + 2] += 1.0;
    if (lu->size > 1) PetscCallMPI(MPI_Allgatherv(MPI_IN_PLACE, 0, MPI_DATATYPE_NULL, lu->M, lu->counts5, lu->displs5, MPIU_REAL, lu->comm));
    FrgBandFactor(lu, singular);
  }
  PetscCall(PetscLogEventEnd(FRG_EVENT_BAND_FACTOR, 0, 0, 0, 0));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* x = M^-1 b, with the factors of FrgBandLUFactor. b and x may be the same vector. Collective. */
PETSC_INTERN PetscErrorCode FrgBandLUSolve(FrgBandLU lu, Vec b, Vec x)
{
  const PetscScalar *bl;
  PetscScalar       *xl;
  const PetscBool    local = (PetscBool)(lu->partitioned && lu->distributed); /* only this rank's rows */
  PetscReal         *y     = local ? lu->b : (lu->b_all ? lu->b_all : lu->b);
  const PetscInt     first = local ? 0 : lu->rstart; /* the row of y that is this rank's first */

  PetscFunctionBeginUser;
  PetscCall(PetscLogEventBegin(FRG_EVENT_BAND_SOLVE, 0, 0, 0, 0));
  PetscCall(VecGetArrayRead(b, &bl));
  PetscCall(PetscArraycpy(y + first, bl, lu->nlocal));
  PetscCall(VecRestoreArrayRead(b, &bl));
  if (!local && lu->size > 1) PetscCallMPI(MPI_Allgatherv(MPI_IN_PLACE, 0, MPI_DATATYPE_NULL, y, lu->counts, lu->displs, MPIU_REAL, lu->comm));
  PetscCall(VecGetArray(x, &xl));
  if (lu->partitioned) PetscCall(FrgBandSpikeSolve(lu->spike, y, first, first + lu->nlocal, xl));
  else {
    FrgBandSolve(lu, y);
    PetscCall(PetscArraycpy(xl, y + first, lu->nlocal));
  }
  PetscCall(VecRestoreArray(x, &xl));
  PetscCall(PetscLogEventEnd(FRG_EVENT_BAND_SOLVE, 0, 0, 0, 0));
  PetscFunctionReturn(PETSC_SUCCESS);
}
