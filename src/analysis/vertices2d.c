/* The IR vertices of a two-field flow (-model field2), read off U on the 2D grid:
 *   the minimum phi* of Gamma_IR (= <phi> in d = 0), by Newton's method from the lowest cell,
 *   Gamma^(2) = the Hessian there (= the inverse covariance in d = 0), interpolated to phi*.
 * The field is gathered onto every rank for this (the read-out takes a 5 x 5 patch, possibly across
 * ranks), so every rank computes the same numbers. */
#include <frg/flow.h>

/* U of cell (i, j) of the gathered natural-order field */
#define FRG_U(i, j) (u[(j)*nx + (i)])

/* The jet of U at a cell by fourth-order central differences: gradient (1, 2) and Hessian (11, 22, 12).
 * (Second-order differences add h^2/12 times the fourth derivative to the Hessian.) */
#define FRG_JET 5
static PetscReal FrgD1(const PetscScalar *u, PetscInt nx, PetscInt i, PetscInt j, PetscInt di, PetscInt dj, PetscReal h)
{
  return (-FRG_U(i + 2 * di, j + 2 * dj) + 8 * FRG_U(i + di, j + dj) - 8 * FRG_U(i - di, j - dj) + FRG_U(i - 2 * di, j - 2 * dj)) / (12 * h);
}

static void FrgJetAt(const PetscScalar *u, PetscInt nx, PetscInt i, PetscInt j, PetscReal h1, PetscReal h2, PetscReal jet[FRG_JET])
{
  jet[0] = FrgD1(u, nx, i, j, 1, 0, h1);
  jet[1] = FrgD1(u, nx, i, j, 0, 1, h2);
  jet[2] = (-FRG_U(i + 2, j) + 16 * FRG_U(i + 1, j) - 30 * FRG_U(i, j) + 16 * FRG_U(i - 1, j) - FRG_U(i - 2, j)) / (12 * h1 * h1);
  jet[3] = (-FRG_U(i, j + 2) + 16 * FRG_U(i, j + 1) - 30 * FRG_U(i, j) + 16 * FRG_U(i, j - 1) - FRG_U(i, j - 2)) / (12 * h2 * h2);
  jet[4] = (-FrgD1(u, nx, i, j + 2, 1, 0, h1) + 8 * FrgD1(u, nx, i, j + 1, 1, 0, h1) - 8 * FrgD1(u, nx, i, j - 1, 1, 0, h1) + FrgD1(u, nx, i, j - 2, 1, 0, h1)) / (12 * h2);
}

/* The jets of the 3 x 3 cells around (i, j), J[a + 1][b + 1] at (i + a, j + b), interpolated to the
 * offset (d1, d2) from the centre by the quadratic through them (the mixed term from the corners). */
static void FrgJetInterpolate(PetscReal J[3][3][FRG_JET], PetscReal h1, PetscReal h2, PetscReal d1, PetscReal d2, PetscReal out[FRG_JET])
{
  for (int k = 0; k < FRG_JET; k++) {
    const PetscReal c = J[1][1][k], x1 = (J[2][1][k] - J[0][1][k]) / (2 * h1), y1 = (J[1][2][k] - J[1][0][k]) / (2 * h2);
    const PetscReal x2 = (J[2][1][k] - 2 * c + J[0][1][k]) / (h1 * h1), y2 = (J[1][2][k] - 2 * c + J[1][0][k]) / (h2 * h2);
    const PetscReal xy = (J[2][2][k] - J[2][0][k] - J[0][2][k] + J[0][0][k]) / (4 * h1 * h2);
    out[k]             = c + d1 * x1 + d2 * y1 + 0.5 * d1 * d1 * x2 + 0.5 * d2 * d2 * y2 + d1 * d2 * xy;
  }
}

/* The minimum and the Hessian there from the gathered field: from the lowest cell, Newton's method on
 * the interpolated gradient, with the interpolated Hessian, to the zero of the gradient; Gamma^(2) is
 * the interpolated Hessian there. The interpolation is quadratic in the offset, so the read-out adds
 * an error of third order in the offset to the scheme's smooth O(h^2). (The linear interpolation and
 * the single Newton step of earlier versions added up to h^2/8 times third and fourth derivatives of U
 * that depended on where phi* fell within its cell: the two grids of the error estimate could then
 * agree by chance.) Not collective. */
static PetscErrorCode FrgFlow2DVertices(MPI_Comm comm, FrgGrid grid, const PetscScalar *u, PetscReal phi[2], PetscReal gamma2[3])
{
  const PetscInt  nx = grid->cells, ny = grid->cells_y;
  const PetscReal h1 = grid->spacing, h2 = grid->spacing_y;
  PetscInt        imin = 0, jmin = 0;
  PetscReal       J[3][3][FRG_JET], q[FRG_JET], det, d1 = 0, d2 = 0;

  PetscFunctionBeginUser;
  for (PetscInt j = 0; j < ny; j++)
    for (PetscInt i = 0; i < nx; i++)
      if (FRG_U(i, j) < FRG_U(imin, jmin)) imin = i, jmin = j;
  PetscCheck(imin >= 3 && imin < nx - 3 && jmin >= 3 && jmin < ny - 3, comm, PETSC_ERR_USER_INPUT,
             "the minimum of U_IR lies at the edge of the grid (cell %" PetscInt_FMT ", %" PetscInt_FMT "): raise -grid_phi_max", imin, jmin);
  for (int a = 0; a < 3; a++)
    for (int b = 0; b < 3; b++) FrgJetAt(u, nx, imin + a - 1, jmin + b - 1, h1, h2, J[a][b]);
  for (int it = 0; it < 8; it++) {
    FrgJetInterpolate(J, h1, h2, d1, d2, q);
    det = q[2] * q[3] - q[4] * q[4];
    PetscCheck(q[2] > 0 && det > 0, comm, PETSC_ERR_NOT_CONVERGED, "U_IR is not convex at its lowest cell: Gamma^(2) is not positive definite (det %g)", (double)det);
    d1 -= (q[3] * q[0] - q[4] * q[1]) / det; /* Newton step -H^{-1} g */
    d2 -= (q[2] * q[1] - q[4] * q[0]) / det;
  }
  PetscCheck(PetscAbsReal(d1) <= 1.5 * h1 && PetscAbsReal(d2) <= 1.5 * h2, comm, PETSC_ERR_NOT_CONVERGED,
             "the minimum of U_IR is not within a cell of its lowest cell (offset %g, %g cells)", (double)(d1 / h1), (double)(d2 / h2));
  FrgJetInterpolate(J, h1, h2, d1, d2, q);
  gamma2[0] = q[2], gamma2[1] = q[3], gamma2[2] = q[4];
  phi[0] = grid->phi_first + imin * h1 + d1;
  phi[1] = grid->phi_first_y + jmin * h2 + d2;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The whole field on every rank, in natural order (j nx + i). Collective. */
static PetscErrorCode FrgFlow2DGather(FrgGrid grid, Vec U, Vec *all)
{
  Vec natural;
  VecScatter scatter;

  PetscFunctionBeginUser;
  PetscCall(DMDACreateNaturalVector(grid->da, &natural));
  PetscCall(DMDAGlobalToNaturalBegin(grid->da, U, INSERT_VALUES, natural));
  PetscCall(DMDAGlobalToNaturalEnd(grid->da, U, INSERT_VALUES, natural));
  PetscCall(VecScatterCreateToAll(natural, &scatter, all));
  PetscCall(VecScatterBegin(scatter, natural, *all, INSERT_VALUES, SCATTER_FORWARD));
  PetscCall(VecScatterEnd(scatter, natural, *all, INSERT_VALUES, SCATTER_FORWARD));
  PetscCall(VecScatterDestroy(&scatter));
  PetscCall(VecDestroy(&natural));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* phi* and Gamma^(2) (11, 22, 12) of the state U of grid, the same on every rank. Collective. */
PetscErrorCode FrgFlow2DRead(FrgGrid grid, Vec U, PetscReal phi[2], PetscReal gamma2[3])
{
  Vec                all;
  const PetscScalar *u;
  PetscErrorCode     ierr;

  PetscFunctionBeginUser;
  PetscCall(FrgFlow2DGather(grid, U, &all));
  PetscCall(VecGetArrayRead(all, &u));
  ierr = FrgFlow2DVertices(grid->comm, grid, u, phi, gamma2);
  PetscCall(VecRestoreArrayRead(all, &u));
  PetscCall(VecDestroy(&all));
  PetscCall(ierr);
  PetscFunctionReturn(PETSC_SUCCESS);
}
