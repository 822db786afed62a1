/* FrgGrid: the field-space grid, a 1D PETSc DMDA of finite-volume cells decomposed across the
 * communicator, and the ghost-cell rules at its two ends (DESIGN.md 3; Koenigstein et al. 2022):
 *   odd         the first cell is centred at phi = 0; u is odd, so u_0 = 0 and u_{-j} = -u_j;
 *   extrapolate linear extrapolation of the two outermost cells: u_{n+j} = (1+j) u_{n-1} - j u_{n-2}.
 * With an odd left end the cells are centred at phi_i = i h, h = phi_max/(n - 1/2), so the last cell
 * ends at phi_max; with two extrapolated ends they tile [-phi_max, phi_max].
 */
#include <frg/impl.h>
#include <frg/integrator.h> /* FrgBandOwnership */

#define FRG_STENCIL_WIDTH 2

PetscErrorCode FrgGridCreate(MPI_Comm comm, FrgGrid *grid)
{
  FrgGrid g;

  PetscFunctionBeginUser;
  PetscCall(PetscNew(&g));
  g->comm    = comm;
  g->cells   = 800;
  g->phi_max = 10.0;
  g->left    = FRG_BOUNDARY_ODD;
  g->right   = FRG_BOUNDARY_EXTRAPOLATE;
  *grid      = g;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* A grid with the boundary rules of the model, then its options (-grid_*): what every task builds. */
PetscErrorCode FrgGridCreateFromModel(MPI_Comm comm, FrgModel model, FrgGrid *grid)
{
  FrgBoundary left, right;

  PetscFunctionBeginUser;
  PetscCall(FrgGridCreate(comm, grid));
  PetscCall(FrgModelGetBoundaries(model, &left, &right));
  PetscCall(FrgGridSetBoundaries(*grid, left, right));
  PetscCall(FrgGridSetFromOptions(*grid));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode FrgGridSetBoundaries(FrgGrid grid, FrgBoundary left, FrgBoundary right)
{
  PetscFunctionBeginUser;
  grid->left  = left;
  grid->right = right;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode FrgGridSetSize(FrgGrid grid, PetscInt cells, PetscReal phi_max)
{
  PetscFunctionBeginUser;
  grid->cells   = cells;
  grid->phi_max = phi_max;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode FrgGridSetFromOptions(FrgGrid grid)
{
  PetscFunctionBeginUser;
  PetscOptionsBegin(grid->comm, NULL, "Field grid (finite-volume cells in phi)", "FrgGrid");
  PetscCall(PetscOptionsInt("-grid_cells", "Number of finite-volume cells in the field direction", "FrgGridSetSize", grid->cells, &grid->cells, NULL));
  PetscCall(PetscOptionsReal("-grid_phi_max", "Outer edge of the field grid (phi_max)", "FrgGridSetSize", grid->phi_max, &grid->phi_max, NULL));
  PetscCall(PetscOptionsInt("-vertex_fit_cells", "Cells of the least-squares fit of the vertices: at phi = 0 (-model on; 0: 5% of the grid, at least 8), or on either side of the minimum (-model field; 0: 8)", "",
                            grid->fit_cells, &grid->fit_cells, &grid->fit_cells_set));
  PetscOptionsEnd();
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode FrgGridSetUp(FrgGrid grid)
{
  PetscMPIInt size;
  PetscInt   *lx;

  PetscFunctionBeginUser;
  if (grid->setup) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCallMPI(MPI_Comm_size(grid->comm, &size));
  PetscCheck(grid->cells >= 8, grid->comm, PETSC_ERR_USER_INPUT, "-grid_cells must be >= 8, got %" PetscInt_FMT, grid->cells);
  PetscCheck(grid->cells >= FRG_STENCIL_WIDTH * size, grid->comm, PETSC_ERR_USER_INPUT,
             "-grid_cells %" PetscInt_FMT " is too small for %d ranks: each rank needs at least %d cells", grid->cells, size, FRG_STENCIL_WIDTH);
  PetscCheck(grid->phi_max > 0 && PetscIsNormalReal(grid->phi_max), grid->comm, PETSC_ERR_USER_INPUT, "-grid_phi_max must be a positive number, got %g",
             (double)grid->phi_max);
  PetscCheck(grid->fit_cells >= 0 && grid->fit_cells < grid->cells, grid->comm, PETSC_ERR_USER_INPUT, "-vertex_fit_cells must lie in [0, %" PetscInt_FMT "), got %" PetscInt_FMT,
             grid->cells, grid->fit_cells);
  PetscCheck(grid->fit_cells == 0 || grid->fit_cells >= 4, grid->comm, PETSC_ERR_USER_INPUT, "-vertex_fit_cells must be >= 4 (four coefficients), got %" PetscInt_FMT,
             grid->fit_cells);
  if (!grid->fit_cells) grid->fit_cells = PetscMin(grid->cells - 1, PetscMax(8, grid->cells / 20));
  if (grid->left == FRG_BOUNDARY_ODD) {
    grid->spacing   = grid->phi_max / (grid->cells - 0.5);
    grid->phi_first = 0.0;
  } else {
    grid->spacing   = 2.0 * grid->phi_max / grid->cells;
    grid->phi_first = -grid->phi_max + 0.5 * grid->spacing;
  }
  /* each rank owns whole blocks of the Newton band's partitioned LU, which then factors them where they
   * are (src/integrate/band_partition.c); NULL, PETSc's split, where no such ownership exists */
  PetscCall(FrgBandOwnership(grid->comm, grid->cells, FRG_STENCIL_WIDTH, &lx));
  PetscCall(DMDACreate1d(grid->comm, DM_BOUNDARY_GHOSTED, grid->cells, 1, FRG_STENCIL_WIDTH, lx, &grid->da));
  PetscCall(PetscFree(lx));
  PetscCall(DMSetOptionsPrefix(grid->da, "grid_"));
  PetscCall(DMSetUp(grid->da));
  PetscCall(DMDASetUniformCoordinates(grid->da, grid->phi_first, grid->phi_first + (grid->cells - 1) * grid->spacing, 0, 0, 0, 0));
  PetscCall(DMDASetFieldName(grid->da, 0, "u"));
  grid->setup = PETSC_TRUE;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode FrgGridGetDM(FrgGrid grid, DM *da)
{
  PetscFunctionBeginUser;
  *da = grid->da;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Not collective. */
PetscErrorCode FrgGridGetInfo(FrgGrid grid, PetscInt *cells, PetscReal *phi_first, PetscReal *spacing)
{
  PetscFunctionBeginUser;
  if (cells) *cells = grid->cells;
  if (phi_first) *phi_first = grid->phi_first;
  if (spacing) *spacing = grid->spacing;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Fills the physical ghost cells of a local (ghosted) vector whose interior and inter-rank ghosts
 * are already current (DMGlobalToLocal). Not collective: only the end ranks have work. */
PetscErrorCode FrgGridFillGhosts(FrgGrid grid, Vec local)
{
  PetscScalar *u;
  PetscInt     xs, xm, n = grid->cells;

  PetscFunctionBeginUser;
  PetscCall(DMDAGetCorners(grid->da, &xs, NULL, NULL, &xm, NULL, NULL));
  if (xs > 0 && xs + xm < n) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(DMDAVecGetArray(grid->da, local, &u));
  if (xs == 0) {
    if (grid->left == FRG_BOUNDARY_ODD) {
      u[-1] = -u[1];
      u[-2] = -u[2];
    } else {
      u[-1] = 2.0 * u[0] - u[1];
      u[-2] = 3.0 * u[0] - 2.0 * u[1];
    }
  }
  if (xs + xm == n) {
    u[n]     = 2.0 * u[n - 1] - u[n - 2];
    u[n + 1] = 3.0 * u[n - 1] - 2.0 * u[n - 2];
  }
  PetscCall(DMDAVecRestoreArray(grid->da, local, &u));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode FrgGridCreateCoordinates(FrgGrid grid, Vec *phi)
{
  PetscScalar *x;
  PetscInt     xs, xm;

  PetscFunctionBeginUser;
  PetscCall(DMCreateGlobalVector(grid->da, phi));
  PetscCall(PetscObjectSetName((PetscObject)*phi, "phi"));
  PetscCall(DMDAGetCorners(grid->da, &xs, NULL, NULL, &xm, NULL, NULL));
  PetscCall(DMDAVecGetArray(grid->da, *phi, &x));
  for (PetscInt i = xs; i < xs + xm; i++) x[i] = grid->phi_first + i * grid->spacing;
  PetscCall(DMDAVecRestoreArray(grid->da, *phi, &x));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode FrgGridView(FrgGrid grid, PetscViewer viewer)
{
  static const char *names[] = {"odd", "extrapolate"};

  PetscFunctionBeginUser;
  PetscCall(PetscViewerASCIIPrintf(viewer, "grid: %" PetscInt_FMT " cells, spacing %.6g, phi in [%g, %g], boundaries %s/%s\n", grid->cells, (double)grid->spacing,
                                   (double)(grid->phi_first - 0.5 * grid->spacing), (double)grid->phi_max, names[grid->left], names[grid->right]));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode FrgGridDestroy(FrgGrid *grid)
{
  PetscFunctionBeginUser;
  if (!*grid) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(DMDestroy(&(*grid)->da));
  PetscCall(PetscFree((*grid)->fit_qr));
  PetscCall(PetscFree(*grid));
  PetscFunctionReturn(PETSC_SUCCESS);
}
