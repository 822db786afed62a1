/* Analytic Jacobian df/du of the Kurganov-Tadmor right-hand side (include/frg/kt.h), a band of width
 * 2 on the DMDA matrix. Row i is (dG_{i+1/2} - dG_{i-1/2})/h over the columns i-2..i+2; columns
 * that fall on physical ghost cells are folded back onto the cells the ghost rule reads
 * (FrgGridFillGhosts), which stay inside the band. Checked against finite differences in
 * tests/unit/test_kt.c. */
#include <frg/impl.h>
#include <frg/kt.h>

PETSC_INTERN PetscErrorCode FrgOperatorKernelParams(FrgOperator, PetscReal, FrgFluxKernelParams *);
PETSC_INTERN PetscErrorCode FrgOperatorLocalize(FrgOperator, Vec);

PetscErrorCode FrgOperatorCreateJacobian(FrgOperator op, Mat *J)
{
  PetscFunctionBeginUser;
  PetscCall(FrgOperatorSetUp(op));
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

/* Row i (local index m) of df/du over the columns i-2..i+2, ghost columns folded back. */
static inline void FrgJacobianBand(FrgOperator op, PetscInt i, PetscInt m, PetscInt first, PetscReal inv_h, PetscReal band[5])
{
  const PetscReal *dG = op->dflux;

  for (PetscInt c = 0; c < 5; c++) band[c] = 0.0;
  if (first && i == 0) return;
  for (PetscInt c = 0; c < 4; c++) {
    FrgFoldColumn(op->grid, i, i - 1 + c, dG[4 * (m + 1) + c] * inv_h, band); /* + dG_{i+1/2}/du_{i-1..i+2} */
    FrgFoldColumn(op->grid, i, i - 2 + c, -dG[4 * m + c] * inv_h, band);     /* - dG_{i-1/2}/du_{i-2..i+1} */
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

      FrgJacobianBand(op, i, i, first, inv_h, band);
      for (PetscInt c = lo; c <= hi; c++) row[c - lo] = band[c - i + 2];
    }
    PetscCall(MatSeqAIJRestoreArray(J, &a));
  }
  PetscCall(MatRestoreRowIJ(J, 0, PETSC_FALSE, PETSC_FALSE, &rows, &ia, &ja, &done));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The derivatives of the interface fluxes (op->dflux) at state U; the local cells are xs..xs+xm-1
 * and first = 1 when cell 0 is the odd centre (its interface at phi = 0 carries no flux). */
static PetscErrorCode FrgJacobianFluxes(FrgOperator op, PetscReal t, Vec U, PetscInt *xs, PetscInt *xm, PetscInt *first)
{
  FrgFluxKernelParams kp = {0, 0, 0, 0};
  const PetscScalar  *u;
  const PetscReal     h = op->grid->spacing, x0 = op->grid->phi_first;
  PetscReal          *dG = op->dflux;

  PetscFunctionBeginUser;
  PetscCall(FrgOperatorLocalize(op, U));
  PetscCall(FrgOperatorKernelParams(op, t, &kp));
  PetscCall(DMDAGetCorners(op->grid->da, xs, NULL, NULL, xm, NULL, NULL));
  PetscCall(DMDAVecGetArrayRead(op->grid->da, op->local, &u));
  *first = (*xs == 0 && op->grid->left == FRG_BOUNDARY_ODD) ? 1 : 0;
  for (PetscInt m = *first; m <= *xm; m++) {
    const PetscInt j = *xs - 1 + m;
    (void)FrgKTFluxJacobian(&kp, x0 + (j + 0.5) * h, h, u[j - 1], u[j], u[j + 1], u[j + 2], &dG[4 * m]);
  }
  PetscCall(DMDAVecRestoreArrayRead(op->grid->da, op->local, &u));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* df/du of the local rows as a dense band: band[5 m + c] is the derivative of row xs + m with
 * respect to cell xs + m - 2 + c (zero where that column lies outside the grid). Collective (ghost
 * exchange). The modified-Newton route factors this band itself (src/integrate/band.c). */
PetscErrorCode FrgOperatorJacobianBand(FrgOperator op, PetscReal t, Vec U, PetscReal band[])
{
  PetscInt        xs, xm, first;
  const PetscReal inv_h = 1.0 / op->grid->spacing;

  PetscFunctionBeginUser;
  PetscCall(PetscLogEventBegin(FRG_EVENT_JACOBIAN, 0, 0, 0, 0));
  PetscCall(FrgJacobianFluxes(op, t, U, &xs, &xm, &first));
  for (PetscInt m = 0; m < xm; m++) {
    const PetscInt i = xs + m;
    if (i >= 2 && i < op->grid->cells - 2) { /* no ghost column: row i is (dG_{i+1/2} - dG_{i-1/2}) / h */
      const PetscReal *r = &op->dflux[4 * (m + 1)], *l = &op->dflux[4 * m];
      PetscReal       *b = &band[5 * m];
      b[0]               = -l[0] * inv_h;
      for (int c = 1; c < 4; c++) b[c] = (r[c - 1] - l[c]) * inv_h;
      b[4] = r[3] * inv_h;
    } else FrgJacobianBand(op, i, m, first, inv_h, &band[5 * m]);
  }
  op->jac_evals++;
  PetscCall(PetscLogEventEnd(FRG_EVENT_JACOBIAN, 0, 0, 0, 0));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode FrgOperatorJacobian(FrgOperator op, PetscReal t, Vec U, Mat J)
{
  PetscInt        xs, xm, first;
  const PetscReal inv_h = 1.0 / op->grid->spacing;
  PetscBool       fast;

  PetscFunctionBeginUser;
  PetscCall(PetscLogEventBegin(FRG_EVENT_JACOBIAN, 0, 0, 0, 0));
  PetscCall(FrgJacobianFluxes(op, t, U, &xs, &xm, &first));
  PetscCall(FrgJacobianInsert(op, J, xs, xm, first, inv_h, &fast));
  if (!fast) {
    PetscCall(MatZeroEntries(J));
    for (PetscInt m = 0; m < xm; m++) {
      const PetscInt i = xs + m;
      PetscReal      band[5];
      MatStencil     row = {0}, cols[5];
      PetscInt       ncols = 0;
      PetscScalar    vals[5];

      FrgJacobianBand(op, i, m, first, inv_h, band);
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
