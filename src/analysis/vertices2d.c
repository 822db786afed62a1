/* The IR vertices of a two-field flow (-model field2, onom), read off U on the 2D grid:
 *   the minimum phi* of Gamma_IR (= <phi> in d = 0), by Newton's method from the lowest cell,
 *   Gamma^(2) = the Hessian there (= the inverse covariance in d = 0), interpolated to phi*.
 * The field is gathered onto every rank for this (the read-out takes a 7 x 7 patch, possibly across
 * ranks), so every rank computes the same numbers; across an even end (the axes of O(N)+O(M)) the
 * patch reads the mirror image, so a minimum on the axis (an unbroken multiplet) is read like any other. */
#include <frg/flow.h>

/* U of cell (i, j) of the padded field (FrgFlow2DPad): nx is its row stride, u points at cell (0, 0) */
#define FRG_U(i, j) (u[(j)*nx + (i)])

/* Cells beyond each end in the padded field: the read-out reaches 3 cells from the lowest one. */
#define FRG_PAD 3

/* A cell whose k^2 + Gamma^(2) has an eigenvalue below this times k^2 (a propagator enhanced 20 times)
 * belongs to the flat inner region of a broken phase. (At half of k^2, the scheme's FRG_POLE_NEAR, the
 * default O(4)+O(1) flow is flagged at t = 1 where its vertices are good to 2%; at t = 1.5 the eigenvalue
 * is 0.01 k^2 and the errors 20%.) */
#define FRG_FLAT_NEAR 0.05

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

/* Whether a cell within FRG_PAD of (i0, j0) is in a flat region: the smaller eigenvalue of m2 + H
 * (central second differences) below FRG_FLAT_NEAR m2; *worst is the smallest such eigenvalue over m2.
 * Cells whose differences read the padding beyond a quadratic end (NaN) are skipped. Not collective. */
static PetscBool FrgFlow2DNearPole(const PetscScalar *u, PetscInt nx, PetscInt i0, PetscInt j0, PetscReal h1, PetscReal h2, PetscReal m2, PetscReal *worst)
{
  PetscBool near = PETSC_FALSE;

  *worst = PETSC_INFINITY;
  for (PetscInt j = j0 - FRG_PAD + 1; j < j0 + FRG_PAD; j++)
    for (PetscInt i = i0 - FRG_PAD + 1; i < i0 + FRG_PAD; i++) {
      const PetscReal a   = m2 + (FRG_U(i + 1, j) - 2 * FRG_U(i, j) + FRG_U(i - 1, j)) / (h1 * h1);
      const PetscReal b   = m2 + (FRG_U(i, j + 1) - 2 * FRG_U(i, j) + FRG_U(i, j - 1)) / (h2 * h2);
      const PetscReal c   = (FRG_U(i + 1, j + 1) - FRG_U(i + 1, j - 1) - FRG_U(i - 1, j + 1) + FRG_U(i - 1, j - 1)) / (4 * h1 * h2);
      const PetscReal low = 0.5 * (a + b) - PetscSqrtReal(0.25 * (a - b) * (a - b) + c * c);
      if (PetscIsNanReal(low)) continue;
      *worst = PetscMin(*worst, low / m2);
      if (low < FRG_FLAT_NEAR * m2) near = PETSC_TRUE;
    }
  return near;
}

/* The minimum and the Hessian there from the gathered field: from the lowest cell, Newton's method on
 * the interpolated gradient, with the interpolated Hessian, to the zero of the gradient; Gamma^(2) is
 * the interpolated Hessian there. The interpolation is quadratic in the offset, so the read-out adds
 * an error of third order in the offset to the scheme's smooth O(h^2). (The linear interpolation and
 * the single Newton step of earlier versions added up to h^2/8 times third and fourth derivatives of U
 * that depended on where phi* fell within its cell: the two grids of the error estimate could then
 * agree by chance.) Not collective. */
static PetscErrorCode FrgFlow2DVertices(MPI_Comm comm, FrgGrid grid, const PetscScalar *u, PetscReal m2, PetscReal phi[2], PetscReal gamma2[3])
{
  const PetscInt  nx = grid->cells + 2 * FRG_PAD, cells = grid->cells, cells_y = grid->cells_y; /* nx: the padded stride */
  const PetscInt  lo1 = grid->left == FRG_BOUNDARY_EVEN ? 0 : FRG_PAD, lo2 = grid->bottom == FRG_BOUNDARY_EVEN ? 0 : FRG_PAD;
  const PetscReal h1 = grid->spacing, h2 = grid->spacing_y;
  PetscInt        imin = 0, jmin = 0;
  PetscReal       J[3][3][FRG_JET], q[FRG_JET], det, d1 = 0, d2 = 0;

  PetscFunctionBeginUser;
  for (PetscInt j = 0; j < cells_y; j++)
    for (PetscInt i = 0; i < cells; i++)
      if (FRG_U(i, j) < FRG_U(imin, jmin)) imin = i, jmin = j;
  /* an even end (U mirrored across the axis) may hold the minimum: its padding is the mirror image */
  PetscCheck(imin >= lo1 && imin < cells - FRG_PAD && jmin >= lo2 && jmin < cells_y - FRG_PAD, comm, PETSC_ERR_USER_INPUT,
             "the minimum of U_IR lies at the edge of the grid (cell %" PetscInt_FMT ", %" PetscInt_FMT "): raise -grid_phi_max", imin, jmin);
  /* the flat inner region of a broken phase (k^2 + H -> 0 as k -> 0) ends at the minimum with a kink:
   * central differences across it mix the two sides */
  PetscCheck(!FrgFlow2DNearPole(u, nx, imin, jmin, h1, h2, m2, &det), comm, PETSC_ERR_NOT_CONVERGED,
             "the minimum of U_IR at (%g, %g) borders the flat inner region of a broken phase (the smallest eigenvalue of k^2 + Gamma^(2) near it is %.2g k^2): "
             "the vertices there are those of the outer side, which the two-field read-out does not take; read them at a smaller -t_ir, where U is smooth at its minimum",
             (double)(grid->phi_first + imin * h1), (double)(grid->phi_first_y + jmin * h2), (double)det);
  for (int a = 0; a < 3; a++)
    for (int b = 0; b < 3; b++) FrgJetAt(u, nx, imin + a - 1, jmin + b - 1, h1, h2, J[a][b]);
  for (int it = 0; it < 8; it++) {
    FrgJetInterpolate(J, h1, h2, d1, d2, q);
    det = q[2] * q[3] - q[4] * q[4];
    PetscCheck(q[2] > 0 && det > 0, comm, PETSC_ERR_NOT_CONVERGED,
               "U_IR is not convex at its lowest cell: Gamma^(2) is not positive definite (det %g). Its minima are not isolated: a valley, as of a broken continuous symmetry (-model onom takes O(N) x O(M)-symmetric potentials in the radii)", (double)det);
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

/* The cell a padded index i of a direction of n cells reads: i itself inside, the mirror image -1 - i
 * below an even end, -1 (none: NaN, which no read-out survives) elsewhere. */
static PetscInt FrgPadSource(PetscInt i, PetscInt n, FrgBoundary lower)
{
  if (i >= 0 && i < n) return i;
  if (i < 0 && lower == FRG_BOUNDARY_EVEN) return -1 - i;
  return -1;
}

/* The gathered natural-order field all, padded by FRG_PAD cells on each side ((cells + 2 FRG_PAD)^2
 * values, row stride cells + 2 FRG_PAD). Not collective. */
static PetscErrorCode FrgFlow2DPad(FrgGrid grid, const PetscScalar *all, PetscScalar **padded)
{
  const PetscInt sx = grid->cells + 2 * FRG_PAD, sy = grid->cells_y + 2 * FRG_PAD;

  PetscFunctionBeginUser;
  PetscCall(PetscMalloc1(sx * sy, padded));
  for (PetscInt b = 0; b < sy; b++)
    for (PetscInt a = 0; a < sx; a++) {
      const PetscInt i = FrgPadSource(a - FRG_PAD, grid->cells, grid->left), j = FrgPadSource(b - FRG_PAD, grid->cells_y, grid->bottom);
      (*padded)[b * sx + a] = (i < 0 || j < 0) ? (PetscScalar)NAN : all[j * grid->cells + i];
    }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* phi* and Gamma^(2) (11, 22, 12) of the state U of grid at the regulator scale m2 = k^2, the same on
 * every rank. Collective. */
PetscErrorCode FrgFlow2DRead(FrgGrid grid, Vec U, PetscReal m2, PetscReal phi[2], PetscReal gamma2[3])
{
  Vec                all;
  const PetscScalar *u;
  PetscScalar       *padded;
  PetscErrorCode     ierr;

  PetscFunctionBeginUser;
  PetscCall(FrgFlow2DGather(grid, U, &all));
  PetscCall(VecGetArrayRead(all, &u));
  PetscCall(FrgFlow2DPad(grid, u, &padded));
  PetscCall(VecRestoreArrayRead(all, &u));
  PetscCall(VecDestroy(&all));
  ierr = FrgFlow2DVertices(grid->comm, grid, padded + FRG_PAD * (grid->cells + 2 * FRG_PAD) + FRG_PAD, m2, phi, gamma2);
  PetscCall(PetscFree(padded));
  PetscCall(ierr);
  PetscFunctionReturn(PETSC_SUCCESS);
}
