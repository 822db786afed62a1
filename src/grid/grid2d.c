/* The 2D field grid of two-field models: a 2D PETSc DMDA (box stencil of width 2, dof unknowns per
 * cell) whose unknown is U itself at the cell centres, with per direction the ghost rules one derivative
 * up from the 1D grid (grid.c):
 *   even       U is even about phi = 0, the lower edge of cell 0: U_{-1-j} = U_j (cells tile [0, phi_max]);
 *   quadratic  the third difference vanishes across the end: U_{n-1+g} = 3 U_{n-2+g} - 3 U_{n-3+g} + U_{n-4+g}
 *              (and mirrored at the lower end; cells tile [-phi_max, phi_max]).
 * The ghosts of the first direction are filled on every real row of the local range (including rows
 * owned by a neighbour), then those of the second on every column including the new ghost columns, so
 * the corner ghosts are the second rule applied to the first: both are linear, and every value depends
 * on global cells only, hence not on the decomposition. Width 2 keeps the three cells a quadratic
 * extrapolation reads inside the range of the rank that owns the last one. */
#include <frg/impl.h>

#define FRG_STENCIL_WIDTH_2D 2

static PetscErrorCode FrgGridDirectionSetUp(MPI_Comm comm, const char *option, PetscInt cells, PetscReal phi_max, FrgBoundary lower, FrgBoundary upper,
                                            PetscReal *first, PetscReal *spacing)
{
  PetscFunctionBeginUser;
  PetscCheck(cells >= 8, comm, PETSC_ERR_USER_INPUT, "-grid_cells%s must be >= 8 on a 2D grid, got %" PetscInt_FMT, option, cells);
  PetscCheck(phi_max > 0 && PetscIsNormalReal(phi_max), comm, PETSC_ERR_USER_INPUT, "-grid_phi_max%s must be a positive number, got %g", option,
             (double)phi_max);
  PetscCheck(lower == FRG_BOUNDARY_EVEN || lower == FRG_BOUNDARY_QUADRATIC, comm, PETSC_ERR_ARG_WRONG, "a 2D grid takes even or quadratic lower ends");
  PetscCheck(upper == FRG_BOUNDARY_QUADRATIC, comm, PETSC_ERR_ARG_WRONG, "a 2D grid takes a quadratic upper end");
  if (lower == FRG_BOUNDARY_EVEN) {
    *spacing = phi_max / cells;
    *first   = 0.5 * *spacing;
  } else {
    *spacing = 2.0 * phi_max / cells;
    *first   = -phi_max + 0.5 * *spacing;
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PETSC_INTERN PetscErrorCode FrgGridSetUp2D(FrgGrid grid)
{
  PetscInt px, py;

  PetscFunctionBeginUser;
  if (!grid->cells_y) grid->cells_y = grid->cells;
  if (grid->phi_max_y == 0.0) grid->phi_max_y = grid->phi_max;
  PetscCall(FrgGridDirectionSetUp(grid->comm, "", grid->cells, grid->phi_max, grid->left, grid->right, &grid->phi_first, &grid->spacing));
  PetscCall(FrgGridDirectionSetUp(grid->comm, "_y", grid->cells_y, grid->phi_max_y, grid->bottom, grid->top, &grid->phi_first_y, &grid->spacing_y));
  PetscCall(DMDACreate2d(grid->comm, DM_BOUNDARY_GHOSTED, DM_BOUNDARY_GHOSTED, DMDA_STENCIL_BOX, grid->cells, grid->cells_y, PETSC_DECIDE, PETSC_DECIDE,
                         grid->dof, FRG_STENCIL_WIDTH_2D, NULL, NULL, &grid->da));
  PetscCall(DMSetOptionsPrefix(grid->da, "grid_"));
  PetscCall(DMSetUp(grid->da));
  PetscCall(DMDAGetInfo(grid->da, NULL, NULL, NULL, NULL, &px, &py, NULL, NULL, NULL, NULL, NULL, NULL, NULL));
  PetscCheck(grid->cells >= FRG_STENCIL_WIDTH_2D * px && grid->cells_y >= FRG_STENCIL_WIDTH_2D * py, grid->comm, PETSC_ERR_USER_INPUT,
             "a %" PetscInt_FMT " x %" PetscInt_FMT " grid is too small for %" PetscInt_FMT " x %" PetscInt_FMT " ranks: each needs %d cells per direction",
             grid->cells, grid->cells_y, px, py, FRG_STENCIL_WIDTH_2D);
  PetscCall(DMDASetUniformCoordinates(grid->da, grid->phi_first, grid->phi_first + (grid->cells - 1) * grid->spacing, grid->phi_first_y,
                                      grid->phi_first_y + (grid->cells_y - 1) * grid->spacing_y, 0, 0));
  for (PetscInt c = 0; c < grid->dof; c++) PetscCall(DMDASetFieldName(grid->da, c, grid->dof == 1 ? "U" : "U_c"));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The ghost value g = 1, 2 beyond the end whose cells inward are a[0] (the last), a[s], a[2 s], ... */
static inline PetscScalar FrgGhost2D(FrgBoundary rule, const PetscScalar *edge, PetscInt s, PetscInt g)
{
  /* edge points at the last real cell; inward neighbours at edge - s k, ghosts at edge + s g */
  if (rule == FRG_BOUNDARY_EVEN) return edge[-s * (g - 1)];
  return 3.0 * edge[s * (g - 1)] - 3.0 * edge[s * (g - 2)] + edge[s * (g - 3)];
}

PETSC_INTERN PetscErrorCode FrgGridFillGhosts2D(FrgGrid grid, Vec local)
{
  PetscScalar *u;
  PetscInt xs, ys, xm, ym, gxs, gys, gxm, gym, dof = grid->dof;
  const PetscInt nx = grid->cells, ny = grid->cells_y;

  PetscFunctionBeginUser;
  PetscCall(DMDAGetCorners(grid->da, &xs, &ys, NULL, &xm, &ym, NULL));
  PetscCall(DMDAGetGhostCorners(grid->da, &gxs, &gys, NULL, &gxm, &gym, NULL));
  PetscCall(VecGetArray(local, &u));
  /* u[((j - gys) gxm + (i - gxs)) dof + c]: a step in i is dof, in j is gxm dof */
#define FRG_AT(i, j, c) (u + (((j)-gys) * gxm + ((i)-gxs)) * dof + (c))
  for (PetscInt j = PetscMax(gys, 0); j < PetscMin(gys + gym, ny); j++)
    for (PetscInt c = 0; c < dof; c++)
      for (PetscInt g = 1; g <= FRG_STENCIL_WIDTH_2D; g++) {
        if (xs == 0) *FRG_AT(-g, j, c) = FrgGhost2D(grid->left, FRG_AT(0, j, c), -dof, g);
        if (xs + xm == nx) *FRG_AT(nx - 1 + g, j, c) = FrgGhost2D(grid->right, FRG_AT(nx - 1, j, c), dof, g);
      }
  for (PetscInt i = gxs; i < gxs + gxm; i++)
    for (PetscInt c = 0; c < dof; c++)
      for (PetscInt g = 1; g <= FRG_STENCIL_WIDTH_2D; g++) {
        if (ys == 0) *FRG_AT(i, -g, c) = FrgGhost2D(grid->bottom, FRG_AT(i, 0, c), -gxm * dof, g);
        if (ys + ym == ny) *FRG_AT(i, ny - 1 + g, c) = FrgGhost2D(grid->top, FRG_AT(i, ny - 1, c), gxm * dof, g);
      }
#undef FRG_AT
  PetscCall(VecRestoreArray(local, &u));
  PetscFunctionReturn(PETSC_SUCCESS);
}
