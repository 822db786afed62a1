/* FrgGrid: the field-space grid, a PETSc DMDA of finite-volume cells decomposed across the
 * communicator, and the ghost-cell rules at its ends. A 1D grid (one field, the unknown u = U') has
 * the rules of doc/physics.md 3 (Koenigstein et al. 2022):
 *   odd         the first cell is centred at phi = 0; u is odd, so u_0 = 0 and u_{-j} = -u_j;
 *   extrapolate linear extrapolation of the two outermost cells: u_{n+j} = (1+j) u_{n-1} - j u_{n-2}.
 * With an odd left end the cells are centred at phi_i = i h, h = phi_max/(n - 1/2), so the last cell
 * ends at phi_max; with two extrapolated ends they tile [-phi_max, phi_max].
 * A 2D grid (two fields, the unknown U at the cell centres) has per direction the rules one derivative
 * up (grid2d.c): even about phi = 0 (cells tile [0, phi_max]) or quadratic extrapolation (cells tile
 * [-phi_max, phi_max]). -grid_cells and -grid_phi_max apply to both directions, -grid_cells_y and
 * -grid_phi_max_y override the second.
 */
#include <frg/impl.h>
#include <frg/options.h>
#include <frg/integrator.h> /* FrgBandOwnership */

#define FRG_STENCIL_WIDTH 2

PETSC_INTERN PetscErrorCode FrgGridSetUp2D(FrgGrid);
PETSC_INTERN PetscErrorCode FrgGridFillGhosts2D(FrgGrid, Vec local);

PetscErrorCode FrgGridCreate(MPI_Comm comm, FrgGrid *grid)
{
  FrgGrid g;

  PetscFunctionBeginUser;
  PetscCall(PetscNew(&g));
  g->comm    = comm;
  g->dim     = 1;
  g->dof     = 1;
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
  if (model->dim == 2) {
    PetscCall(FrgGridSetDimension(*grid, 2, 1));
    PetscCall(FrgGridSetSize(*grid, 48, 5.0)); /* 2D defaults: 48^2 cells (a 1D grid's 800 would be 640 000) */
    PetscCall(FrgGridSetDirection(*grid, 1, 0, 0.0, model->bottom, model->top));
  }
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

PetscErrorCode FrgGridSetDimension(FrgGrid grid, PetscInt dim, PetscInt dof)
{
  PetscFunctionBeginUser;
  PetscCheck(dim == 1 || dim == 2, grid->comm, PETSC_ERR_ARG_OUTOFRANGE, "a field grid has 1 or 2 directions, not %" PetscInt_FMT, dim);
  PetscCheck(dof >= 1, grid->comm, PETSC_ERR_ARG_OUTOFRANGE, "a field grid needs at least one unknown per cell, not %" PetscInt_FMT, dof);
  grid->dim = dim;
  grid->dof = dof;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode FrgGridGetDimension(FrgGrid grid, PetscInt *dim, PetscInt *dof)
{
  PetscFunctionBeginUser;
  if (dim) *dim = grid->dim;
  if (dof) *dof = grid->dof;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The size and end rules of one direction (0: the one of FrgGridSetSize and FrgGridSetBoundaries);
 * cells = 0 and phi_max = 0 in the second direction: those of the first. */
PetscErrorCode FrgGridSetDirection(FrgGrid grid, PetscInt direction, PetscInt cells, PetscReal phi_max, FrgBoundary lower, FrgBoundary upper)
{
  PetscFunctionBeginUser;
  PetscCheck(direction == 0 || direction == 1, grid->comm, PETSC_ERR_ARG_OUTOFRANGE, "direction %" PetscInt_FMT " of a field grid", direction);
  if (direction == 0) {
    PetscCall(FrgGridSetSize(grid, cells, phi_max));
    PetscCall(FrgGridSetBoundaries(grid, lower, upper));
  } else {
    grid->cells_y   = cells;
    grid->phi_max_y = phi_max;
    grid->bottom    = lower;
    grid->top       = upper;
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Not collective. */
PetscErrorCode FrgGridGetDirection(FrgGrid grid, PetscInt direction, PetscInt *cells, PetscReal *phi_first, PetscReal *spacing)
{
  PetscFunctionBeginUser;
  if (direction == 0) PetscCall(FrgGridGetInfo(grid, cells, phi_first, spacing));
  else {
    if (cells) *cells = grid->cells_y;
    if (phi_first) *phi_first = grid->phi_first_y;
    if (spacing) *spacing = grid->spacing_y;
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode FrgGridSetFromOptions(FrgGrid grid)
{
  PetscFunctionBeginUser;
  PetscOptionsBegin(grid->comm, NULL, "Field grid (finite-volume cells in phi)", "FrgGrid");
  PetscCall(FrgOptionsInt("-grid_cells", "Number of finite-volume cells in the field direction (2D grids: in each direction)", grid->cells, &grid->cells, NULL, 8, FRG_COUNT_MAX));
  PetscCall(FrgOptionsRealAbove("-grid_phi_max", "Outer edge of the field grid (phi_max; 2D grids: in each direction)", grid->phi_max, &grid->phi_max, NULL, 0, FRG_REAL_MAX));
  if (grid->dim == 2) { /* asked only of 2D grids: on a 1D grid they are unused options, an error */
    PetscCall(FrgOptionsInt("-grid_cells_y", "2D grids: cells in the second direction phi2 (default: -grid_cells)", grid->cells_y, &grid->cells_y, NULL, 8, FRG_COUNT_MAX));
    PetscCall(FrgOptionsRealAbove("-grid_phi_max_y", "2D grids: outer edge in the second direction phi2 (default: -grid_phi_max)", grid->phi_max_y, &grid->phi_max_y, NULL, 0, FRG_REAL_MAX));
  }
  PetscCall(FrgOptionsInt("-vertex_fit_cells", "Cells of the least-squares fit of the vertices: at phi = 0 (-model on; 0: 5% of the grid, at least 8), or on either side of the minimum (-model field; 0: 8)",
                            grid->fit_cells, &grid->fit_cells, &grid->fit_cells_set, 0, FRG_COUNT_MAX));
  PetscOptionsEnd();
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode FrgGridSetUp(FrgGrid grid)
{
  PetscMPIInt size;
  PetscInt   *lx;

  PetscFunctionBeginUser;
  if (grid->setup) PetscFunctionReturn(PETSC_SUCCESS);
  if (grid->dim == 2) {
    PetscCall(FrgGridSetUp2D(grid));
    grid->setup = PETSC_TRUE;
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  PetscCheck(grid->left <= FRG_BOUNDARY_EXTRAPOLATE && grid->right == FRG_BOUNDARY_EXTRAPOLATE, grid->comm, PETSC_ERR_ARG_WRONG,
             "a 1D grid takes odd or extrapolated ends (even and quadratic are the rules of 2D grids)");
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
  if (grid->dim == 2) {
    PetscCall(FrgGridFillGhosts2D(grid, local));
    PetscFunctionReturn(PETSC_SUCCESS);
  }
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
  PetscCheck(grid->dim == 1, grid->comm, PETSC_ERR_SUP, "the coordinate vector of a 2D grid is not implemented (FrgGridGetDirection gives its cells)");
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
  static const char *names[] = {"odd", "extrapolate", "even", "quadratic"};

  PetscFunctionBeginUser;
  if (grid->dim == 2)
    PetscCall(PetscViewerASCIIPrintf(viewer, "grid: %" PetscInt_FMT " x %" PetscInt_FMT " cells, spacing %.6g x %.6g, phi1 in [%g, %g] (%s/%s), phi2 in [%g, %g] (%s/%s)\n", grid->cells,
                                     grid->cells_y, (double)grid->spacing, (double)grid->spacing_y, (double)(grid->phi_first - 0.5 * grid->spacing), (double)grid->phi_max, names[grid->left],
                                     names[grid->right], (double)(grid->phi_first_y - 0.5 * grid->spacing_y), (double)grid->phi_max_y, names[grid->bottom], names[grid->top]));
  if (grid->dim == 2) PetscFunctionReturn(PETSC_SUCCESS);
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
