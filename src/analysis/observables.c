/* FrgObservables: what a user reads off u = U' at one RG time.
 *   phi0            outermost minimum of U: the last cell pair with u_i <= 0 < u_{i+1}, linearly
 *                   interpolated (0 in the symmetric phase);
 *   m2_radial       U''(phi0), m2_goldstone = U'(phi0)/phi0 (both U''(0) in the symmetric phase);
 *   gamma2/4/6      d^n U/d phi^n at phi = 0, from the odd polynomial a1 phi + a3 phi^3 + a5 phi^5 + a7 phi^7
 *                   whose cell averages match cells 1..4 (the unknowns are cell averages, so the fit
 *                   adds no O(h^2) error of its own): gamma2 = a1, gamma4 = 3! a3, gamma6 = 5! a5. */
#include <frg/impl.h>

const char *const FrgObservableNames[FRG_OBSERVABLE_COUNT] = {"t", "k", "phi0", "m2_radial", "m2_goldstone", "gamma2", "gamma4", "gamma6"};

#define FRG_FIT_CELLS 4

/* Solves the small dense system A x = b by Gaussian elimination with partial pivoting. */
static void FrgSolveDense(int n, double A[][FRG_FIT_CELLS], double b[])
{
  for (int c = 0; c < n; c++) {
    int p = c;
    for (int r = c + 1; r < n; r++)
      if (fabs(A[r][c]) > fabs(A[p][c])) p = r;
    for (int k = 0; k < n; k++) {
      double s = A[c][k];
      A[c][k]  = A[p][k];
      A[p][k]  = s;
    }
    double s = b[c];
    b[c]     = b[p];
    b[p]     = s;
    for (int r = c + 1; r < n; r++) {
      double f = A[r][c] / A[c][c];
      for (int k = c; k < n; k++) A[r][k] -= f * A[c][k];
      b[r] -= f * b[c];
    }
  }
  for (int r = n - 1; r >= 0; r--) {
    for (int k = r + 1; k < n; k++) b[r] -= A[r][k] * b[k];
    b[r] /= A[r][r];
  }
}

/* Vertices at phi = 0 from the first cells (odd left end only). */
static PetscErrorCode FrgObservablesVertices(FrgGrid grid, const PetscScalar *u, PetscInt xs, PetscInt xm, FrgObservables *obs)
{
  PetscReal first[FRG_FIT_CELLS + 1] = {0}, all[FRG_FIT_CELLS + 1];
  double    A[FRG_FIT_CELLS][FRG_FIT_CELLS], b[FRG_FIT_CELLS];
  const double h = grid->spacing;

  PetscFunctionBeginUser;
  for (PetscInt i = xs; i < xs + xm && i <= FRG_FIT_CELLS; i++) first[i] = u[i];
  PetscCall(MPIU_Allreduce(first, all, FRG_FIT_CELLS + 1, MPIU_REAL, MPI_SUM, grid->comm));
  for (int r = 0; r < FRG_FIT_CELLS; r++) {
    const double a = (r + 0.5) * h, c = (r + 1.5) * h;
    for (int m = 0; m < FRG_FIT_CELLS; m++) {
      const int p = 2 * m + 1; /* average of phi^p over the cell */
      A[r][m]     = (pow(c, p + 1) - pow(a, p + 1)) / ((p + 1) * h);
    }
    b[r] = all[r + 1];
  }
  FrgSolveDense(FRG_FIT_CELLS, A, b);
  obs->gamma2 = b[0];
  obs->gamma4 = 6.0 * b[1];
  obs->gamma6 = 120.0 * b[2];
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode FrgObservablesCompute(FrgGrid grid, FrgModel model, PetscReal t, Vec U, FrgObservables *obs)
{
  Vec                local;
  const PetscScalar *u;
  PetscInt           xs, xm, n = grid->cells, lowest;
  const PetscReal    h = grid->spacing, x0 = grid->phi_first;
  struct {
    double phi;
    int    rank;
  } mine = {-PETSC_MAX_REAL, 0}, best;
  PetscReal   m2 = 0, values[2];
  PetscMPIInt rank;

  PetscFunctionBeginUser;
  PetscCall(PetscLogEventBegin(FRG_EVENT_OBSERVABLES, 0, 0, 0, 0));
  PetscCallMPI(MPI_Comm_rank(grid->comm, &rank));
  PetscCall(PetscMemzero(obs, sizeof(*obs)));
  obs->t = t;
  PetscCall(FrgModelGetScale(model, t, &obs->k));
  PetscCall(DMGetLocalVector(grid->da, &local));
  PetscCall(DMGlobalToLocalBegin(grid->da, U, INSERT_VALUES, local));
  PetscCall(DMGlobalToLocalEnd(grid->da, U, INSERT_VALUES, local));
  PetscCall(DMDAGetCorners(grid->da, &xs, NULL, NULL, &xm, NULL, NULL));
  PetscCall(DMDAVecGetArrayRead(grid->da, local, &u));
  if (grid->left == FRG_BOUNDARY_ODD) PetscCall(FrgObservablesVertices(grid, u, xs, xm, obs));
  /* outermost sign change u_i <= 0 < u_{i+1}; the pair may straddle two ranks (ghost on the right) */
  lowest = grid->left == FRG_BOUNDARY_ODD ? 1 : 0;
  for (PetscInt i = PetscMin(xs + xm, n - 1) - 1; i >= PetscMax(xs, lowest); i--) {
    if (u[i] <= 0 && u[i + 1] > 0) {
      mine.phi = x0 + i * h - h * u[i] / (u[i + 1] - u[i]);
      m2       = (u[i + 1] - u[i]) / h;
      break;
    }
  }
  PetscCall(DMDAVecRestoreArrayRead(grid->da, local, &u));
  PetscCall(DMRestoreLocalVector(grid->da, &local));
  mine.rank = rank;
  PetscCallMPI(MPI_Allreduce(&mine, &best, 1, MPI_DOUBLE_INT, MPI_MAXLOC, grid->comm));
  values[0] = m2;
  PetscCallMPI(MPI_Bcast(values, 1, MPIU_REAL, (PetscMPIInt)best.rank, grid->comm));
  if (best.phi > -PETSC_MAX_REAL) {
    obs->phi0         = best.phi;
    obs->m2_radial    = values[0];
    obs->m2_goldstone = 0.0;
  } else {
    obs->phi0         = 0.0;
    obs->m2_radial    = obs->gamma2;
    obs->m2_goldstone = obs->gamma2;
  }
  PetscCall(PetscLogEventEnd(FRG_EVENT_OBSERVABLES, 0, 0, 0, 0));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode FrgObservablesToArray(const FrgObservables *obs, PetscReal v[])
{
  PetscFunctionBeginUser;
  v[0] = obs->t;
  v[1] = obs->k;
  v[2] = obs->phi0;
  v[3] = obs->m2_radial;
  v[4] = obs->m2_goldstone;
  v[5] = obs->gamma2;
  v[6] = obs->gamma4;
  v[7] = obs->gamma6;
  PetscFunctionReturn(PETSC_SUCCESS);
}
