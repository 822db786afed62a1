/* FrgBandLU: the Newton matrix M = I - gamma J of the modified-Newton route and its LU, for the
 * pentadiagonal band of the KT operator on the 1D grid (row i couples cells i-2..i+2).
 *
 * Gaussian elimination with partial pivoting restricted to the band (Golub & Van Loan, Matrix
 * Computations, 4th ed., section 4.3.5; the layout of LAPACK's dgbtf2): at step k the pivot is the
 * largest of rows k..k+2 in column k, so the factor U gets upper bandwidth 4 and L two multipliers
 * per column. It costs about 30 flops per row, against PETSc's general sparse LU which spent ~340
 * instructions per row of this band (callgrind, 0D benchmark), and its triangular solves ~10 flops
 * per row.
 *
 * Both are recurrences along the rows, at their latency floor (about 12 ns per row of the
 * factorization, 4 per row of the solves), so for n > (FRG_BAND_MIN_BLOCK_ROWS - 1) P the rows are split
 * into P blocks that are factored and solved in lockstep (the SPIKE algorithm, band_spike.c). This file
 * keeps the sequential LU as the fallback when the partitioned one refuses the matrix (a singular
 * diagonal block, large spikes), so that *singular still means a zero pivot column of the LU of M
 * itself.
 *
 * On several ranks every rank gathers the whole band and factors it redundantly (as PCREDUNDANT did):
 * a 1D band is cheap to factor, and the arithmetic, hence the step sequence of the integrator, is
 * bitwise that of one rank. */
#include <frg/integrator.h>

/* Rows per block from which the partitioned LU is used. bench/band_cost (medians, one rank): at n = 48
 * (blocks of 6 rows) both LUs factor in 0.4 us and solve in 0.19 us; at n = 64 (blocks of 8) the
 * partitioned one takes 0.35 and 0.18 us, the sequential one 0.58 and 0.26 us. */
#define FRG_BAND_MIN_BLOCK_ROWS 8

struct _p_FrgBandLU {
  MPI_Comm     comm;
  PetscInt     n, nlocal, rstart;
  PetscMPIInt  size, *counts, *displs; /* Allgatherv layout of rows (x 1) */
  PetscMPIInt *counts5, *displs5;      /* ... and of band rows (x 5) */
  PetscReal   *J;                      /* local rows x 5: the saved df/du, FRG_BAND_PADDING zero rows after */
  PetscReal   *J_all;                  /* (n + FRG_BAND_PADDING) x 5: J gathered for the partitioned LU (several ranks) */
  PetscReal   *M;                      /* (n + 2) x 5: I - gamma J, gathered; two zero rows after the last */
  PetscReal   *U;                      /* n x 5: row k of U over the columns k..k+4 divided by U_kk, 1/U_kk in place of 1 */
  PetscReal   *L;                      /* n x 2: multipliers of rows k+1, k+2 at step k */
  PetscInt    *piv;                    /* n: the row exchanged with row k at step k */
  PetscReal   *b;                      /* n + FRG_BAND_PADDING: the gathered right-hand side, then the solution */
  FrgBandSpike spike;                  /* the partitioned LU, NULL for small n */
  PetscBool    partitioned;            /* the last factorization is the partitioned one */
};

PETSC_INTERN PetscErrorCode FrgBandLUCreate(MPI_Comm comm, PetscInt n, PetscInt nlocal, FrgBandLU *lu)
{
  FrgBandLU   b;
  PetscMPIInt rank, local;

  PetscFunctionBeginUser;
  PetscCall(PetscNew(&b));
  b->comm   = comm;
  b->n      = n;
  b->nlocal = nlocal;
  PetscCallMPI(MPI_Comm_size(comm, &b->size));
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
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
  PetscCall(PetscMalloc6(5 * (nlocal + FRG_BAND_PADDING), &b->J, 5 * (n + 2), &b->M, 5 * n, &b->U, 2 * n, &b->L, n, &b->piv, n + FRG_BAND_PADDING, &b->b));
  PetscCall(PetscArrayzero(b->J, 5 * (nlocal + FRG_BAND_PADDING)));
  PetscCall(PetscArrayzero(b->M, 5 * (n + 2)));
  PetscCall(PetscArrayzero(b->b, n + FRG_BAND_PADDING));
  if (b->size > 1) PetscCall(PetscCalloc1(5 * (n + FRG_BAND_PADDING), &b->J_all));
  PetscCall(FrgBandSpikeCreate(n, FRG_BAND_MIN_BLOCK_ROWS, NULL, &b->spike));
  *lu = b;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PETSC_INTERN PetscErrorCode FrgBandLUDestroy(FrgBandLU *lu)
{
  PetscFunctionBeginUser;
  if (!*lu) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(PetscFree4((*lu)->counts, (*lu)->displs, (*lu)->counts5, (*lu)->displs5));
  PetscCall(PetscFree6((*lu)->J, (*lu)->M, (*lu)->U, (*lu)->L, (*lu)->piv, (*lu)->b));
  PetscCall(PetscFree((*lu)->J_all));
  PetscCall(FrgBandSpikeDestroy(&(*lu)->spike));
  PetscCall(PetscFree(*lu));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The saved Jacobian, local rows x 5, for FrgOperatorJacobianBand to fill. */
PETSC_INTERN PetscErrorCode FrgBandLUGetJacobian(FrgBandLU lu, PetscReal **J)
{
  PetscFunctionBeginUser;
  *J = lu->J;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* For the tests and benchmarks: the partitioned LU from blocks of min_block_rows rows on (at least 4,
 * so that it can be forced on small n), with the kernels of isa ("avx512f", "avx2", "scalar"; NULL:
 * the widest this CPU runs). *available false: this CPU cannot run them, and the LU is left as it was.
 * Takes effect at the next factorization. Not collective. */
PETSC_INTERN PetscErrorCode FrgBandLUSetPartition(FrgBandLU lu, PetscInt min_block_rows, const char *isa, PetscBool *available)
{
  PetscFunctionBeginUser;
  *available = FrgBandSpikeAvailable(isa);
  if (!*available) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(FrgBandSpikeDestroy(&lu->spike));
  lu->partitioned = PETSC_FALSE;
  PetscCall(FrgBandSpikeCreate(lu->n, min_block_rows, isa, &lu->spike));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The blocks of the partitioned LU (1 and n without it), and whether the last factorization used it.
 * Not collective. */
PETSC_INTERN PetscErrorCode FrgBandLUGetPartition(FrgBandLU lu, PetscInt *blocks, PetscInt *block_rows, PetscBool *partitioned, const char **isa)
{
  PetscFunctionBeginUser;
  if (lu->spike) PetscCall(FrgBandSpikeGetInfo(lu->spike, blocks, block_rows, isa));
  else {
    *blocks     = 1;
    *block_rows = lu->n;
    if (isa) *isa = "sequential";
  }
  *partitioned = lu->partitioned;
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

/* M = I - gamma J, factored on every rank: by the partitioned LU from the gathered J, or, when it
 * refuses M or n is small, by the sequential LU from the gathered M. */
PETSC_INTERN PetscErrorCode FrgBandLUFactor(FrgBandLU lu, PetscReal gamma, PetscBool *singular)
{
  PetscReal *Mloc = lu->M + 5 * lu->rstart;

  PetscFunctionBeginUser;
  PetscCall(PetscLogEventBegin(FRG_EVENT_BAND_FACTOR, 0, 0, 0, 0));
  lu->partitioned = PETSC_FALSE;
  *singular       = PETSC_FALSE;
  if (lu->spike) {
    if (lu->size > 1) {
      PetscCall(PetscArraycpy(lu->J_all + 5 * lu->rstart, lu->J, 5 * lu->nlocal));
      PetscCallMPI(MPI_Allgatherv(MPI_IN_PLACE, 0, MPI_DATATYPE_NULL, lu->J_all, lu->counts5, lu->displs5, MPIU_REAL, lu->comm));
    }
    PetscCall(FrgBandSpikeFactor(lu->spike, gamma, lu->size > 1 ? lu->J_all : lu->J, &lu->partitioned));
  }
  if (!lu->partitioned) {
    for (PetscInt i = 0; i < 5 * lu->nlocal; i++) Mloc[i] = -gamma * lu->J[i];
    for (PetscInt i = 0; i < lu->nlocal; i++) Mloc[5 * i + 2] += 1.0;
    if (lu->size > 1) PetscCallMPI(MPI_Allgatherv(MPI_IN_PLACE, 0, MPI_DATATYPE_NULL, lu->M, lu->counts5, lu->displs5, MPIU_REAL, lu->comm));
    FrgBandFactor(lu, singular);
  }
  PetscCall(PetscLogEventEnd(FRG_EVENT_BAND_FACTOR, 0, 0, 0, 0));
  PetscFunctionReturn(PETSC_SUCCESS);
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

/* x = M^-1 b, with the factors of FrgBandLUFactor. b and x may be the same vector. */
PETSC_INTERN PetscErrorCode FrgBandLUSolve(FrgBandLU lu, Vec b, Vec x)
{
  const PetscScalar *bl;
  PetscScalar       *xl;
  PetscReal         *y = lu->b;

  PetscFunctionBeginUser;
  PetscCall(PetscLogEventBegin(FRG_EVENT_BAND_SOLVE, 0, 0, 0, 0));
  PetscCall(VecGetArrayRead(b, &bl));
  PetscCall(PetscArraycpy(y + lu->rstart, bl, lu->nlocal));
  PetscCall(VecRestoreArrayRead(b, &bl));
  if (lu->size > 1) PetscCallMPI(MPI_Allgatherv(MPI_IN_PLACE, 0, MPI_DATATYPE_NULL, y, lu->counts, lu->displs, MPIU_REAL, lu->comm));
  PetscCall(VecGetArray(x, &xl));
  if (lu->partitioned) PetscCall(FrgBandSpikeSolve(lu->spike, y, lu->rstart, lu->nlocal, xl));
  else {
    FrgBandSolve(lu, y);
    PetscCall(PetscArraycpy(xl, y + lu->rstart, lu->nlocal));
  }
  PetscCall(VecRestoreArray(x, &xl));
  PetscCall(PetscLogEventEnd(FRG_EVENT_BAND_SOLVE, 0, 0, 0, 0));
  PetscFunctionReturn(PETSC_SUCCESS);
}
