/* Analytic Jacobian df/du of the Kurganov-Tadmor right-hand side (include/frg/kt.h), a band of width
 * 2 on the DMDA matrix. Row i is (dG_{i+1/2} - dG_{i-1/2})/h over the columns i-2..i+2; columns
 * that fall on physical ghost cells are folded back onto the cells the ghost rule reads
 * (FrgGridFillGhosts), which stay inside the band. The flux derivatives dG come from the model's
 * Jacobian loop (include/frg/kt_loops.h) into op->dflux as four arrays of xm + 1 (c = 0..3: the
 * derivative by u_{j-1+c}). Checked against finite differences in tests/unit/test_kt.c. Two forms:
 * FrgOperatorJacobian assembles a PETSc matrix (the SNES route); FrgOperatorJacobianBand, called every
 * other step of the modified-Newton route, writes the dense band. */
#include <frg/impl.h>

PETSC_INTERN PetscErrorCode FrgOperatorLocalize(FrgOperator, Vec);
PETSC_INTERN PetscErrorCode FrgOperatorCreateJacobian2D(FrgOperator, Mat *);
PETSC_INTERN PetscErrorCode FrgOperatorJacobian2D(FrgOperator, PetscReal, Vec, Mat);

PetscErrorCode FrgOperatorCreateJacobian(FrgOperator op, Mat *J)
{
  PetscFunctionBeginUser;
  PetscCall(FrgOperatorSetUp(op));
  if (op->grid->dim == 2) {
    PetscCall(FrgOperatorCreateJacobian2D(op, J));
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  PetscCall(DMSetMatType(op->grid->da, MATAIJ));
  PetscCall(DMCreateMatrix(op->grid->da, J));
  PetscCall(MatSetOption(*J, MAT_NEW_NONZERO_ALLOCATION_ERR, PETSC_TRUE));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Adds value v of column c (a cell index, possibly a ghost) of a row whose band starts at column
 * i - 2 into band[0..4], applying the ghost rule of the grid end. */
static inline void FrgFoldColumn(const struct _p_FrgGrid *g, PetscInt i, PetscInt c, PetscReal v, PetscReal band[5])
{
  const PetscInt n = g->cells;

  if (c < 0) {
    if (g->left == FRG_BOUNDARY_ODD) band[-c - i + 2] -= v; /* u_{-j} = -u_j */
    else { /* u_{-j} = (1+j) u_0 - j u_1 */
      band[0 - i + 2] += (1 - c) * v;
      band[1 - i + 2] += c * v;
    }
  } else if (c >= n) { /* u_{n-1+j} = (1+j) u_{n-1} - j u_{n-2} */
    const PetscInt j = c - (n - 1);
    band[n - 1 - i + 2] += (1 + j) * v;
    band[n - 2 - i + 2] -= j * v;
  } else band[c - i + 2] += v;
}

/* Row i of df/du over the columns i-2..i+2, ghost columns folded back, from dG_{i-1/2}/du_{i-2..i+1}
 * at l[0], l[stride], l[2 stride], l[3 stride] and dG_{i+1/2}/du_{i-1..i+2} at r[...] likewise. */
static inline void FrgJacobianBand(const struct _p_FrgGrid *g, PetscInt i, PetscInt first, PetscReal inv_h, const PetscReal *l, const PetscReal *r, PetscInt stride,
                                   PetscReal band[5])
{
  for (PetscInt c = 0; c < 5; c++) band[c] = 0.0;
  if (first && i == 0) return;
  for (PetscInt c = 0; c < 4; c++) {
    FrgFoldColumn(g, i, i - 1 + c, r[c * stride] * inv_h, band);  /* + dG_{i+1/2}/du_{i-1..i+2} */
    FrgFoldColumn(g, i, i - 2 + c, -l[c * stride] * inv_h, band); /* - dG_{i-1/2}/du_{i-2..i+1} */
  }
}

/* One rank: writes the band straight into the values of the sequential AIJ matrix, whose pattern
 * (from DMCreateMatrix) is exactly the columns i-2..i+2 inside the grid, in order. This replaces
 * MatSetValuesStencil's per-row index translation and search (most of the Jacobian time in
 * -log_view) with a store; the values are the same. *fast = PETSC_FALSE if the matrix is of another
 * type or its pattern is not the band (then the caller inserts row by row). */
static PetscErrorCode FrgJacobianInsert(FrgOperator op, Mat J, PetscInt xs, PetscInt xm, PetscInt first, PetscReal inv_h, PetscBool *fast)
{
  const PetscInt *ia, *ja;
  PetscInt        rows;
  PetscBool       seq, done;
  PetscScalar    *a;
  const PetscInt  n = op->grid->cells;

  PetscFunctionBeginUser;
  *fast = PETSC_FALSE;
  PetscCall(PetscObjectTypeCompare((PetscObject)J, MATSEQAIJ, &seq));
  if (!seq || xs != 0 || xm != n) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(MatGetRowIJ(J, 0, PETSC_FALSE, PETSC_FALSE, &rows, &ia, &ja, &done));
  if (!done) PetscFunctionReturn(PETSC_SUCCESS);
  *fast = (PetscBool)(rows == n);
  for (PetscInt i = 0; i < n && *fast; i++) {
    const PetscInt lo = PetscMax(i - 2, 0), hi = PetscMin(i + 2, n - 1);
    if (ia[i + 1] - ia[i] != hi - lo + 1 || ja[ia[i]] != lo) *fast = PETSC_FALSE;
  }
  if (*fast) {
    PetscCall(MatSeqAIJGetArray(J, &a));
    for (PetscInt i = 0; i < n; i++) {
      PetscReal      band[5];
      PetscScalar   *row = a + ia[i];
      const PetscInt lo  = PetscMax(i - 2, 0), hi = PetscMin(i + 2, n - 1);

      FrgJacobianBand(op->grid, i, first, inv_h, &op->dflux[i], &op->dflux[i + 1], n + 1, band);
      for (PetscInt c = lo; c <= hi; c++) row[c - lo] = band[c - i + 2];
    }
    PetscCall(MatSeqAIJRestoreArray(J, &a));
  }
  PetscCall(MatRestoreRowIJ(J, 0, PETSC_FALSE, PETSC_FALSE, &rows, &ia, &ja, &done));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The derivatives of the interface fluxes at state U into op->dflux (dG[c] = op->dflux + c (xm + 1));
 * the local cells are xs..xs+xm-1 and first = 1 when cell 0 is the odd centre (its interface at
 * phi = 0 carries no flux). Collective (ghost exchange). */
static PetscErrorCode FrgJacobianFluxes(FrgOperator op, PetscReal t, Vec U, PetscInt *xs, PetscInt *xm, PetscInt *first, PetscReal *dG[4])
{
  FrgKernelParams    kp;
  const PetscScalar *local;
  PetscInt           gxs;

  PetscFunctionBeginUser;
  PetscCall(FrgOperatorLocalize(op, U));
  PetscCall(FrgModelGetKernelParams(op->model, t, &kp));
  PetscCall(DMDAGetCorners(op->grid->da, xs, NULL, NULL, xm, NULL, NULL));
  PetscCall(DMDAGetGhostCorners(op->grid->da, &gxs, NULL, NULL, NULL, NULL, NULL));
  *first = (*xs == 0 && op->grid->left == FRG_BOUNDARY_ODD) ? 1 : 0;
  for (int c = 0; c < 4; c++) dG[c] = op->dflux + c * (*xm + 1);
  /* local - gxs is indexed by cell, as DMDAVecGetArrayRead's array (which costs 4x the call) */
  PetscCall(VecGetArrayRead(op->local, &local));
  op->model->kt->jacobians(&kp, &op->faces, local - gxs, *xs, *first, *xm, dG);
  PetscCall(VecRestoreArrayRead(op->local, &local));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Row m of the band from dG_{i-1/2} = dG[.][m] and dG_{i+1/2} = dG[.][m + 1] (no ghost column). */
static inline void FrgJacobianBandRow(const double *dG0, const double *dG1, const double *dG2, const double *dG3, PetscInt m, double inv_h, double *band)
{
  band[5 * m + 0] = -dG0[m] * inv_h;
  band[5 * m + 1] = (dG0[m + 1] - dG1[m]) * inv_h;
  band[5 * m + 2] = (dG1[m + 1] - dG2[m]) * inv_h;
  band[5 * m + 3] = (dG2[m + 1] - dG3[m]) * inv_h;
  band[5 * m + 4] = dG3[m + 1] * inv_h;
}

#if defined(__GNUC__) && defined(__has_builtin)
  #if __has_builtin(__builtin_shufflevector)
    #define FRG_HAVE_SHUFFLEVECTOR 1
  #endif
#endif

/* Rows m = lo..hi-1, which have no ghost column: row m is (dG_{i+1/2} - dG_{i-1/2}) / h, each entry
 * with the operations of FrgJacobianBandRow. The band is row-major with 5 entries per row, which GCC
 * does not vectorize (a group of 5 stores; scalar, 19 instructions per row), so four rows at a time
 * are formed as 5 vectors over the rows and transposed into four rows of 4 entries plus the fifth
 * (8 instructions per row with AVX2). */
FRG_CLONES static void FrgJacobianBandInterior(const double *restrict dG0, const double *restrict dG1, const double *restrict dG2, const double *restrict dG3,
                                               PetscInt lo, PetscInt hi, double inv_h, double *restrict band)
{
  PetscInt m = lo;

#if defined(FRG_HAVE_SHUFFLEVECTOR)
  typedef double FrgVec4 __attribute__((vector_size(32)));
  for (; m + 4 <= hi; m += 4) {
    FrgVec4 l0, l1, l2, l3, r0, r1, r2, r3;
    memcpy(&l0, dG0 + m, sizeof(l0)); /* unaligned loads */
    memcpy(&l1, dG1 + m, sizeof(l1));
    memcpy(&l2, dG2 + m, sizeof(l2));
    memcpy(&l3, dG3 + m, sizeof(l3));
    memcpy(&r0, dG0 + m + 1, sizeof(r0));
    memcpy(&r1, dG1 + m + 1, sizeof(r1));
    memcpy(&r2, dG2 + m + 1, sizeof(r2));
    memcpy(&r3, dG3 + m + 1, sizeof(r3));
    const FrgVec4 b0 = -l0 * inv_h, b1 = (r0 - l1) * inv_h, b2 = (r1 - l2) * inv_h, b3 = (r2 - l3) * inv_h, b4 = r3 * inv_h;
    const FrgVec4 t0 = __builtin_shufflevector(b0, b1, 0, 4, 2, 6), t1 = __builtin_shufflevector(b0, b1, 1, 5, 3, 7);
    const FrgVec4 t2 = __builtin_shufflevector(b2, b3, 0, 4, 2, 6), t3 = __builtin_shufflevector(b2, b3, 1, 5, 3, 7);
    const FrgVec4 row0 = __builtin_shufflevector(t0, t2, 0, 1, 4, 5), row1 = __builtin_shufflevector(t1, t3, 0, 1, 4, 5);
    const FrgVec4 row2 = __builtin_shufflevector(t0, t2, 2, 3, 6, 7), row3 = __builtin_shufflevector(t1, t3, 2, 3, 6, 7);
    double       *b = band + 5 * m;
    memcpy(b, &row0, sizeof(row0));
    b[4] = b4[0];
    memcpy(b + 5, &row1, sizeof(row1));
    b[9] = b4[1];
    memcpy(b + 10, &row2, sizeof(row2));
    b[14] = b4[2];
    memcpy(b + 15, &row3, sizeof(row3));
    b[19] = b4[3];
  }
#endif
  for (; m < hi; m++) FrgJacobianBandRow(dG0, dG1, dG2, dG3, m, inv_h, band);
}

/* df/du of the local rows as a dense band: band[5 m + c] is the derivative of row xs + m with
 * respect to cell xs + m - 2 + c (zero where that column lies outside the grid). Collective (ghost
 * exchange). The modified-Newton route factors this band itself (src/integrate/band.c); the rows at
 * the two grid ends fold their ghost columns as FrgOperatorJacobian does. */
PetscErrorCode FrgOperatorJacobianBand(FrgOperator op, PetscReal t, Vec U, PetscReal band[])
{
  PetscInt        xs, xm, first, lo, hi;
  const PetscInt  n     = op->grid->cells;
  const PetscReal inv_h = op->faces.inv_h;
  PetscReal      *dG[4];

  PetscFunctionBeginUser;
  PetscCall(PetscLogEventBegin(FRG_EVENT_JACOBIAN, 0, 0, 0, 0));
  PetscCall(FrgJacobianFluxes(op, t, U, &xs, &xm, &first, dG));
  /* local rows lo..hi-1 are the cells 2..n-3 (no ghost column) */
  lo = PetscMin(PetscMax(2 - xs, 0), xm);
  hi = PetscMax(PetscMin(n - 2 - xs, xm), lo);
  FrgJacobianBandInterior(dG[0], dG[1], dG[2], dG[3], lo, hi, inv_h, band);
  for (PetscInt m = 0; m < lo; m++) FrgJacobianBand(op->grid, xs + m, first, inv_h, &dG[0][m], &dG[0][m + 1], xm + 1, &band[5 * m]);
  for (PetscInt m = hi; m < xm; m++) FrgJacobianBand(op->grid, xs + m, first, inv_h, &dG[0][m], &dG[0][m + 1], xm + 1, &band[5 * m]);
  op->jac_evals++;
  PetscCall(PetscLogEventEnd(FRG_EVENT_JACOBIAN, 0, 0, 0, 0));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode FrgOperatorJacobian(FrgOperator op, PetscReal t, Vec U, Mat J)
{
  PetscInt        xs = 0, xm = 0, first = 0;
  const PetscReal inv_h = op->faces.inv_h;
  PetscBool       fast;
  PetscReal      *dG[4];

  PetscFunctionBeginUser;
  if (op->grid->dim == 2) {
    PetscCall(FrgOperatorJacobian2D(op, t, U, J));
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  PetscCall(PetscLogEventBegin(FRG_EVENT_JACOBIAN, 0, 0, 0, 0));
  PetscCall(FrgJacobianFluxes(op, t, U, &xs, &xm, &first, dG));
  PetscCall(FrgJacobianInsert(op, J, xs, xm, first, inv_h, &fast));
  if (!fast) {
    PetscCall(MatZeroEntries(J));
    for (PetscInt m = 0; m < xm; m++) {
      const PetscInt i = xs + m;
      PetscReal      band[5];
      MatStencil     row = {0}, cols[5];
      PetscInt       ncols = 0;
      PetscScalar    vals[5];

      FrgJacobianBand(op->grid, i, first, inv_h, &dG[0][m], &dG[0][m + 1], xm + 1, band);
      row.i = i;
      for (PetscInt c = 0; c < 5; c++) {
        if (i - 2 + c < 0 || i - 2 + c >= op->grid->cells) continue;
        cols[ncols].i = i - 2 + c;
        vals[ncols++] = band[c];
      }
      PetscCall(MatSetValuesStencil(J, 1, &row, ncols, cols, vals, INSERT_VALUES));
    }
  }
  PetscCall(MatAssemblyBegin(J, MAT_FINAL_ASSEMBLY));
  PetscCall(MatAssemblyEnd(J, MAT_FINAL_ASSEMBLY));
  op->jac_evals++;
  PetscCall(PetscLogEventEnd(FRG_EVENT_JACOBIAN, 0, 0, 0, 0));
  PetscFunctionReturn(PETSC_SUCCESS);
}
