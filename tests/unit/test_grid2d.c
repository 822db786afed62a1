/* The ghost rules of the 2D field grid (src/grid/grid2d.c): filled with a product p(phi1) q(phi2) of
 * polynomials each rule reproduces (even: an even quadratic; quadratic extrapolation: any quadratic),
 * every ghost of the local array, corners included, must equal the polynomial at its cell centre, on
 * any number of ranks (1e-12 relative), for even and quadratic lower ends and 1 and 3 unknowns per cell. */
#include <frg/impl.h>
#include <frg/leakcheck.h>
#include "check.h"

static double Poly(PetscBool even, PetscInt c, double x)
{
  return even ? 1.0 + (c + 1) * 0.3 * x * x : 0.7 - 0.2 * (c + 1) * x + 0.15 * x * x;
}

static PetscErrorCode CheckGhosts(MPI_Comm comm, FrgBoundary lower_x, FrgBoundary lower_y, PetscInt dof)
{
  FrgGrid grid;
  DM da;
  Vec global, local;
  PetscScalar *g;
  const PetscScalar *l;
  PetscInt xs, ys, xm, ym, gxs, gys, gxm, gym, nx = 13, ny = 11;
  PetscReal x0, hx, y0, hy, worst = 0;
  const PetscBool ex = (PetscBool)(lower_x == FRG_BOUNDARY_EVEN), ey = (PetscBool)(lower_y == FRG_BOUNDARY_EVEN);
  char what[128];

  PetscFunctionBeginUser;
  PetscCall(FrgGridCreate(comm, &grid));
  PetscCall(FrgGridSetDimension(grid, 2, dof));
  PetscCall(FrgGridSetDirection(grid, 0, nx, 3.0, lower_x, FRG_BOUNDARY_QUADRATIC));
  PetscCall(FrgGridSetDirection(grid, 1, ny, 2.0, lower_y, FRG_BOUNDARY_QUADRATIC));
  PetscCall(FrgGridSetUp(grid));
  PetscCall(FrgGridGetDM(grid, &da));
  PetscCall(FrgGridGetDirection(grid, 0, NULL, &x0, &hx));
  PetscCall(FrgGridGetDirection(grid, 1, NULL, &y0, &hy));
  PetscCall(DMCreateGlobalVector(da, &global));
  PetscCall(DMCreateLocalVector(da, &local));
  PetscCall(DMDAGetCorners(da, &xs, &ys, NULL, &xm, &ym, NULL));
  PetscCall(DMDAGetGhostCorners(da, &gxs, &gys, NULL, &gxm, &gym, NULL));
  PetscCall(VecGetArray(global, &g));
  for (PetscInt j = ys; j < ys + ym; j++)
    for (PetscInt i = xs; i < xs + xm; i++)
      for (PetscInt c = 0; c < dof; c++) g[((j - ys) * xm + (i - xs)) * dof + c] = Poly(ex, c, x0 + i * hx) * Poly(ey, c, y0 + j * hy);
  PetscCall(VecRestoreArray(global, &g));
  PetscCall(DMGlobalToLocalBegin(da, global, INSERT_VALUES, local));
  PetscCall(DMGlobalToLocalEnd(da, global, INSERT_VALUES, local));
  PetscCall(FrgGridFillGhosts(grid, local));
  PetscCall(VecGetArrayRead(local, &l));
  for (PetscInt j = gys; j < gys + gym; j++)
    for (PetscInt i = gxs; i < gxs + gxm; i++)
      for (PetscInt c = 0; c < dof; c++) {
        const double exact = Poly(ex, c, x0 + i * hx) * Poly(ey, c, y0 + j * hy);
        worst              = PetscMax(worst, PetscAbsReal(l[((j - gys) * gxm + (i - gxs)) * dof + c] - exact) / PetscAbsReal(exact));
      }
  PetscCall(VecRestoreArrayRead(local, &l));
  PetscCall(MPIU_Allreduce(MPI_IN_PLACE, &worst, 1, MPIU_REAL, MPIU_MAX, comm));
  PetscCall(PetscSNPrintf(what, sizeof(what), "2D ghosts, lower ends %s/%s, dof %" PetscInt_FMT, ex ? "even" : "quadratic", ey ? "even" : "quadratic", dof));
  PetscCall(Report(comm, (PetscBool)(worst <= 1e-12), what, worst, 1e-12));
  PetscCall(VecDestroy(&local));
  PetscCall(VecDestroy(&global));
  PetscCall(FrgGridDestroy(&grid));
  PetscFunctionReturn(PETSC_SUCCESS);
}

int main(int argc, char **argv)
{
  const FrgBoundary rules[2] = {FRG_BOUNDARY_EVEN, FRG_BOUNDARY_QUADRATIC};

  FrgCallLeakUnchecked(PetscInitialize(&argc, &argv, NULL, NULL));
  for (PetscInt a = 0; a < 2; a++)
    for (PetscInt b = 0; b < 2; b++)
      for (PetscInt dof = 1; dof <= 3; dof += 2) PetscCall(CheckGhosts(PETSC_COMM_WORLD, rules[a], rules[b], dof));
  FrgFinalizeLeakChecked();
  return failures ? 1 : 0;
}
