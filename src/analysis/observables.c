/* FrgObservables: what a user reads off u = U' at one RG time.
 *   phi0            outermost minimum of U: the last cell pair with u_i <= 0 < u_{i+1}, linearly
 *                   interpolated (0 in the symmetric phase);
 *   m2_radial       U''(phi0) from outside the flat region: in the broken phase U'' jumps at phi0 in the
 *                   IR (the inner side is flat, U'' -> -k^2), so the slopes of cells i+1..i+4 outside
 *                   are extrapolated linearly back to phi0 (first order in h at the kink);
 *   m2_goldstone    U'(phi0)/phi0 = 0 (both are U''(0) in the symmetric phase);
 *   gamma2/4/6      d^n U/d phi^n at phi = 0, from the odd polynomial a1 phi + a3 phi^3 + a5 phi^5 + a7 phi^7
 *                   whose cell averages fit cells 1..M by least squares (-vertex_fit_cells M, default 5% of
 *                   the grid; the unknowns are cell averages, so the fit adds no O(h^2) error of its
 *                   own): gamma2 = a1, gamma4 = 3! a3, gamma6 = 5! a5. */
#include <frg/impl.h>

const char *const FrgObservableNames[FRG_OBSERVABLE_COUNT] = {"t", "k", "phi0", "m2_radial", "m2_goldstone", "gamma2", "gamma4", "gamma6"};

#define FRG_FIT_TERMS 4 /* a1, a3, a5, a7 */

/* Householder QR of an m x FRG_FIT_TERMS matrix (row-major), in place: R on and above the diagonal,
 * the reflectors v_c below it, with their first entries in qr[m n + c] and |v_c|^2 in
 * qr[m n + n + c] (qr holds m n + 2 n numbers). */
static void FrgLeastSquaresFactor(int m, double *qr)
{
  const int n = FRG_FIT_TERMS;
  double   *A = qr, *vfirst = qr + m * n, *vnorm2 = qr + m * n + n;

  for (int c = 0; c < n; c++) {
    double norm = 0, alpha;
    for (int r = c; r < m; r++) norm += A[r * n + c] * A[r * n + c];
    norm  = sqrt(norm);
    alpha = A[c * n + c] > 0 ? -norm : norm;
    A[c * n + c] -= alpha; /* v = column - alpha e_c, stored in place */
    vnorm2[c] = 0;
    for (int r = c; r < m; r++) vnorm2[c] += A[r * n + c] * A[r * n + c];
    vfirst[c] = A[c * n + c];
    if (vnorm2[c] != 0)
      for (int k = c + 1; k < n; k++) { /* apply I - 2 v v^T/|v|^2 to column k */
        double dot = 0;
        for (int r = c; r < m; r++) dot += A[r * n + c] * A[r * n + k];
        for (int r = c; r < m; r++) A[r * n + k] -= 2 * dot / vnorm2[c] * A[r * n + c];
      }
    A[c * n + c] = alpha; /* R's diagonal */
  }
}

/* min |A c - b| with the factors of FrgLeastSquaresFactor; b is overwritten, c = its first
 * FRG_FIT_TERMS entries on return. The same operations as a QR that transforms b alongside A. */
static void FrgLeastSquaresSolve(int m, const double *qr, double *b)
{
  const int     n = FRG_FIT_TERMS;
  const double *A = qr, *vfirst = qr + m * n, *vnorm2 = qr + m * n + n;

  for (int c = 0; c < n; c++) {
    double dot = vfirst[c] * b[c];
    if (vnorm2[c] == 0) continue;
    for (int r = c + 1; r < m; r++) dot += A[r * n + c] * b[r];
    b[c] -= 2 * dot / vnorm2[c] * vfirst[c];
    for (int r = c + 1; r < m; r++) b[r] -= 2 * dot / vnorm2[c] * A[r * n + c];
  }
  for (int r = n - 1; r >= 0; r--) {
    for (int k = r + 1; k < n; k++) b[r] -= A[r * n + k] * b[k];
    b[r] /= A[r * n + r];
  }
}

/* The factored fit matrix of the grid: the cell averages of (phi/phi_w)^p, p = 1, 3, 5, 7, over cells
 * 1..cells. It depends on the grid alone, so it is built once: its 320 pow calls were most of the
 * cost of the observables at each output time. */
static PetscErrorCode FrgObservablesFitMatrix(FrgGrid grid, PetscInt cells, const double **qr)
{
  const double h = grid->spacing, width = (cells + 0.5) * h;
  double      *A;

  PetscFunctionBeginUser;
  if (!grid->fit_qr) {
    PetscCall(PetscMalloc1(cells * FRG_FIT_TERMS + 2 * FRG_FIT_TERMS, &grid->fit_qr));
    A = grid->fit_qr;
    for (PetscInt r = 0; r < cells; r++) {
      const double lo = (r + 0.5) * h / width, hi = (r + 1.5) * h / width;
      for (int m = 0; m < FRG_FIT_TERMS; m++) {
        const int p              = 2 * m + 1; /* average of (phi/width)^p over the cell */
        A[r * FRG_FIT_TERMS + m] = (pow(hi, p + 1) - pow(lo, p + 1)) / ((p + 1) * (h / width));
      }
    }
    FrgLeastSquaresFactor((int)cells, A);
  }
  *qr = grid->fit_qr;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Vertices at phi = 0 (odd left end only) from the first fit cells, all[0..cells]: least squares of the
 * cell averages of sum_m a_{2m+1} phi^{2m+1} over cells 1..cells, in the scaled variable phi/phi_w. A
 * window of many cells averages out the cell-to-cell integration error that an interpolation through
 * few cells would amplify by 1/h^(n-1). */
static PetscErrorCode FrgObservablesVertices(FrgGrid grid, PetscInt cells, const PetscReal all[], FrgObservables *obs)
{
  const double  h = grid->spacing, width = (cells + 0.5) * h;
  const double *qr = NULL;
  double       *b;

  PetscFunctionBeginUser;
  PetscCall(FrgObservablesFitMatrix(grid, cells, &qr));
  PetscCall(PetscMalloc1(cells, &b));
  for (PetscInt r = 0; r < cells; r++) b[r] = all[r + 1];
  FrgLeastSquaresSolve((int)cells, qr, b);
  obs->gamma2 = b[0] / width;
  obs->gamma4 = 6.0 * b[1] / (width * width * width);
  obs->gamma6 = 120.0 * b[2] / pow(width, 5);
  PetscCall(PetscFree(b));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Outermost sign change u_i <= 0 < u_{i+1} over all ranks; the global index of i, or -1. */
static PetscErrorCode FrgObservablesCrossing(FrgGrid grid, Vec U, PetscInt *crossing)
{
  Vec                local;
  const PetscScalar *u;
  PetscInt           xs, xm, mine = -1, lowest = grid->left == FRG_BOUNDARY_ODD ? 1 : 0;

  PetscFunctionBeginUser;
  PetscCall(DMGetLocalVector(grid->da, &local));
  PetscCall(DMGlobalToLocalBegin(grid->da, U, INSERT_VALUES, local));
  PetscCall(DMGlobalToLocalEnd(grid->da, U, INSERT_VALUES, local));
  PetscCall(DMDAGetCorners(grid->da, &xs, NULL, NULL, &xm, NULL, NULL));
  PetscCall(DMDAVecGetArrayRead(grid->da, local, &u));
  for (PetscInt i = PetscMin(xs + xm, grid->cells - 1) - 1; i >= PetscMax(xs, lowest); i--) {
    if (u[i] <= 0 && u[i + 1] > 0) {
      mine = i;
      break;
    }
  }
  PetscCall(DMDAVecRestoreArrayRead(grid->da, local, &u));
  PetscCall(DMRestoreLocalVector(grid->da, &local));
  PetscCall(MPIU_Allreduce(&mine, crossing, 1, MPIU_INT, MPI_MAX, grid->comm));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The cells first .. first+count-1 on every rank. */
static PetscErrorCode FrgObservablesGather(FrgGrid grid, Vec U, PetscInt first, PetscInt count, PetscReal values[])
{
  const PetscScalar *u;
  PetscReal         *mine;
  PetscInt           lo, hi;

  PetscFunctionBeginUser;
  PetscCall(PetscCalloc1(count, &mine));
  PetscCall(VecGetOwnershipRange(U, &lo, &hi));
  PetscCall(VecGetArrayRead(U, &u));
  for (PetscInt c = 0; c < count; c++)
    if (first + c >= lo && first + c < hi) mine[c] = u[first + c - lo];
  PetscCall(VecRestoreArrayRead(U, &u));
  PetscCall(MPIU_Allreduce(mine, values, (PetscMPIInt)count, MPIU_REAL, MPI_SUM, grid->comm));
  PetscCall(PetscFree(mine));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode FrgObservablesCompute(FrgGrid grid, FrgModel model, PetscReal t, Vec U, FrgObservables *obs)
{
  PetscInt        i;
  PetscReal       v[5], *first;
  const PetscReal h = grid->spacing, x0 = grid->phi_first;

  PetscFunctionBeginUser;
  PetscCall(PetscLogEventBegin(FRG_EVENT_OBSERVABLES, 0, 0, 0, 0));
  PetscCall(PetscMemzero(obs, sizeof(*obs)));
  obs->t = t;
  PetscCall(FrgModelGetScale(model, t, &obs->k));
  if (grid->left == FRG_BOUNDARY_ODD) {
    PetscCall(PetscMalloc1(grid->fit_cells + 1, &first));
    PetscCall(FrgObservablesGather(grid, U, 0, grid->fit_cells + 1, first));
    PetscCall(FrgObservablesVertices(grid, grid->fit_cells, first, obs));
    PetscCall(PetscFree(first));
  }
  PetscCall(FrgObservablesCrossing(grid, U, &i));
  if (i >= 0) {
    PetscCall(FrgObservablesGather(grid, U, i, 5, v));
    obs->phi0 = x0 + i * h - h * v[0] / (v[1] - v[0]);
    if (i + 4 < grid->cells) { /* slopes at phi_{i+1.5}, phi_{i+3.5}, extrapolated back to phi0 */
      const PetscReal near = (v[2] - v[1]) / h, far = (v[4] - v[3]) / h, x_near = x0 + (i + 1.5) * h;
      obs->m2_radial = near - (far - near) * (x_near - obs->phi0) / (2 * h);
    } else obs->m2_radial = (v[1] - v[0]) / h;
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
