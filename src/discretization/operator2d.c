/* The right-hand side of two-field flows on the 2D grid (src/grid/grid2d.c): at each cell the model's
 * pointwise kernel (FrgKernelTwoField, include/frg/kernel.h) of the Hessian of U by central second
 * differences,
 *     H11 = (U_{i+1,j} - 2 U_ij + U_{i-1,j}) / h1^2,   H22 likewise in j,
 *     H12 = (U_{i+1,j+1} - U_{i+1,j-1} - U_{i-1,j+1} + U_{i-1,j-1}) / (4 h1 h2),
 * second order where U is smooth; models with Goldstone modes (O(N)+O(M) on the quadrant of the two radii)
 * add FrgKernelGoldstone of U_phi1/phi1 and U_phi2/phi2, with the central first differences
 *     U_phi1 = (U_{i+1,j} - U_{i-1,j}) / (2 h1)
 * at the cell centres phi1 = (i + 1/2) h1 > 0 (at i = 0 the even ghost makes the ratio (U_1 - U_0)/h1^2,
 * the second difference across the axis: U_phi/phi -> U_phiphi there, as it should). The flow of U is a fully nonlinear parabolic equation with no
 * conservative form in 2D (the 1D scheme is conservative in u = U'), so the unknown is U at the cell
 * centres rather than a cell average. The Newton matrix is the exact derivative of this right-hand side
 * (FrgOperatorJacobian2D: the kernel's derivatives in H and y chained through the differences and the
 * ghost rules), solved by the integrator's SNES route: the 1D band LU of the modified route does not
 * apply. PETSc's coloured finite differences (-jacobian_fd, for checks) are wrong near the pole: their
 * perturbation of U, ~1e-8 |U|, moves H by 2e-8 |U|/h^2, more than the distance k^2 + H left to the
 * pole in the flat region of a broken phase in d = 3, and the steps then stall (t = 2.2 of 5 with
 * -model onom, N = 4, 32 x 32 cells, at any -rtol). */
#include <frg/impl.h>

PETSC_INTERN PetscErrorCode FrgOperatorSetUp2D(FrgOperator op)
{
  PetscFunctionBeginUser;
  PetscOptionsBegin(op->grid->comm, NULL, "Two-field operator", "FrgOperator");
  PetscCall(PetscOptionsBool(
      "-jacobian_fd",
      "Two-field flows: build the Newton matrix by coloured finite differences instead of the exact derivative (for checks: wrong near the propagator pole)",
      "", op->fd_jacobian, &op->fd_jacobian, NULL));
  PetscOptionsEnd();
  PetscCheck(op->grid->dim == 2 && op->model->dim == 2, op->grid->comm, PETSC_ERR_ARG_WRONG, "-model %s on a %" PetscInt_FMT "D grid", op->model->type,
             op->grid->dim);
  PetscCheck(op->grid->dof == 1, op->grid->comm, PETSC_ERR_SUP, "two-field flows take one unknown per cell, got %" PetscInt_FMT, op->grid->dof);
  PetscCall(DMCreateLocalVector(op->grid->da, &op->local));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* F = d_t U at t (F NULL: only the pole status, op->local_pole). Collective (the ghost exchange). */
static PetscErrorCode FrgOperatorLoop2D(FrgOperator op, PetscReal t, Vec U, Vec F)
{
  FrgKernelParams kp;
  const PetscScalar **u;
  PetscScalar **f = NULL;
  PetscInt xs, ys, xm, ym;
  const PetscReal inv_h1 = 1.0 / op->grid->spacing, inv_h2 = 1.0 / op->grid->spacing_y;
  const PetscReal c11 = inv_h1 * inv_h1, c22 = inv_h2 * inv_h2, c12 = 0.25 * inv_h1 * inv_h2;
  const PetscReal phi1_first = op->grid->phi_first, phi2_first = op->grid->phi_first_y, h1 = op->grid->spacing, h2 = op->grid->spacing_y;
  PetscBool goldstone;
  int crossed = 0;

  PetscFunctionBeginUser;
  PetscCall(DMGlobalToLocalBegin(op->grid->da, U, INSERT_VALUES, op->local));
  PetscCall(DMGlobalToLocalEnd(op->grid->da, U, INSERT_VALUES, op->local));
  PetscCall(FrgGridFillGhosts(op->grid, op->local));
  PetscCall(FrgModelGetKernelParams(op->model, t, &kp));
  goldstone = (PetscBool)(kp.cg != 0.0 || kp.cg2 != 0.0);
  PetscCall(DMDAGetCorners(op->grid->da, &xs, &ys, NULL, &xm, &ym, NULL));
  PetscCall(DMDAVecGetArrayRead(op->grid->da, op->local, &u));
  if (F) PetscCall(DMDAVecGetArray(op->grid->da, F, &f));
  for (PetscInt j = ys; j < ys + ym; j++)
    for (PetscInt i = xs; i < xs + xm; i++) {
      const PetscReal h11 = (u[j][i + 1] - 2.0 * u[j][i] + u[j][i - 1]) * c11;
      const PetscReal h22 = (u[j + 1][i] - 2.0 * u[j][i] + u[j - 1][i]) * c22;
      const PetscReal h12 = (u[j + 1][i + 1] - u[j - 1][i + 1] - u[j + 1][i - 1] + u[j - 1][i - 1]) * c12;
      PetscReal rate      = FrgKernelTwoField(&kp, h11, h22, h12, &crossed);
      if (goldstone) {
        const PetscReal y1 = 0.5 * (u[j][i + 1] - u[j][i - 1]) * inv_h1 / (phi1_first + i * h1);
        const PetscReal y2 = 0.5 * (u[j + 1][i] - u[j - 1][i]) * inv_h2 / (phi2_first + j * h2);
        rate += FrgKernelGoldstone(kp.cg, kp.m2, y1, &crossed) + FrgKernelGoldstone(kp.cg2, kp.m2, y2, &crossed);
      }
      if (f) f[j][i] = rate;
    }
  if (F) PetscCall(DMDAVecRestoreArray(op->grid->da, F, &f));
  PetscCall(DMDAVecRestoreArrayRead(op->grid->da, op->local, &u));
  op->local_pole = crossed ? FRG_POLE_CROSSED : 0;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PETSC_INTERN PetscErrorCode FrgOperatorApply2D(FrgOperator op, PetscReal t, Vec U, Vec F)
{
  PetscInt n;

  PetscFunctionBeginUser;
  PetscCall(PetscLogEventBegin(FRG_EVENT_RHS, 0, 0, 0, 0));
  PetscCall(FrgOperatorLoop2D(op, t, U, F));
  op->rhs_evals++;
  PetscCall(VecGetLocalSize(U, &n));
  PetscCall(PetscLogFlops(30.0 * n));
  PetscCall(PetscLogEventEnd(FRG_EVENT_RHS, 0, 0, 0, 0));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PETSC_INTERN PetscErrorCode FrgOperatorPoleCheck2D(FrgOperator op, PetscReal t, Vec U)
{
  PetscFunctionBeginUser;
  PetscCall(FrgOperatorLoop2D(op, t, U, NULL));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* MatFDColoring's function: F(U) at the time of the Jacobian being built. */
static PetscErrorCode FrgOperatorColoredFunction(void *unused, Vec U, Vec F, void *ctx)
{
  FrgOperator op = (FrgOperator)ctx;

  PetscFunctionBeginUser;
  PetscCall(FrgOperatorLoop2D(op, op->fd_t, U, F));
  op->rhs_evals++;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The weights w[0..*count) of the real cells idx[] that the value at index i of a direction of n cells
 * is (grid2d.c's rules): the cell itself, its mirror image below an even end, or the quadratic
 * extrapolation from the three cells inward. The operator's stencil reaches one cell beyond an end. */
static PetscInt FrgGhostWeights(FrgBoundary lower, PetscInt n, PetscInt i, PetscInt idx[3], PetscReal w[3])
{
  if (i >= 0 && i < n) {
    idx[0] = i, w[0] = 1.0;
    return 1;
  }
  if (i < 0 && lower == FRG_BOUNDARY_EVEN) {
    idx[0] = -1 - i, w[0] = 1.0;
    return 1;
  }
  if (i < 0)
    idx[0] = 0, idx[1] = 1, idx[2] = 2;
  else
    idx[0] = n - 1, idx[1] = n - 2, idx[2] = n - 3;
  w[0] = 3.0, w[1] = -3.0, w[2] = 1.0;
  return 3;
}

/* Row (i, j) of dF/dU: a[b][c] = dF_ij/dU_{i+c-1, j+b-1} (the 3 x 3 box of the differences, ghosts
 * included) folded through the ghost rules onto the real cells, and set by local (ghosted) indices,
 * g = {gxs, gys, gxm} the ghosted corner and width (MatSetValuesStencil cost 40% more per Jacobian).
 * Not collective. */
static PetscErrorCode FrgOperatorSetRow2D(FrgOperator op, Mat J, const PetscInt g[3], PetscInt i, PetscInt j, PetscReal a[3][3])
{
  const FrgGrid grid = op->grid;
  const PetscInt row = (j - g[1]) * g[2] + (i - g[0]);
  PetscInt cols[25], ix[3], iy[3], n = 0;
  PetscScalar vals[25], patch[5][5];
  PetscBool   used[5][5];
  PetscReal wx[3], wy[3];

  PetscFunctionBeginUser;
  if (i > 0 && i < grid->cells - 1 && j > 0 && j < grid->cells_y - 1) { /* an interior row: the box itself */
    for (PetscInt b = 0; b < 3; b++)
      for (PetscInt c = 0; c < 3; c++) cols[n] = row + (b - 1) * g[2] + (c - 1), vals[n++] = a[b][c];
    PetscCall(MatSetValuesLocal(J, 1, &row, n, cols, vals, INSERT_VALUES));
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  PetscCall(PetscMemzero(patch, sizeof(patch)));
  PetscCall(PetscMemzero(used, sizeof(used)));
  for (PetscInt b = 0; b < 3; b++)
    for (PetscInt c = 0; c < 3; c++) {
      const PetscInt nx = FrgGhostWeights(grid->left, grid->cells, i + c - 1, ix, wx), ny = FrgGhostWeights(grid->bottom, grid->cells_y, j + b - 1, iy, wy);
      for (PetscInt q = 0; q < ny; q++)
        for (PetscInt p = 0; p < nx; p++) patch[iy[q] - j + 2][ix[p] - i + 2] += wy[q] * wx[p] * a[b][c], used[iy[q] - j + 2][ix[p] - i + 2] = PETSC_TRUE;
    }
  for (PetscInt b = 0; b < 5; b++) /* every entry the rules reach, zero or not: the same pattern at every call */
    for (PetscInt c = 0; c < 5; c++)
      if (used[b][c]) cols[n] = row + (b - 2) * g[2] + (c - 2), vals[n++] = patch[b][c];
  PetscCall(MatSetValuesLocal(J, 1, &row, n, cols, vals, INSERT_VALUES));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The Newton matrix's layout (the DMDA's box stencil) and, with -jacobian_fd, once per operator, its
 * colouring. Collective. */
PETSC_INTERN PetscErrorCode FrgOperatorCreateJacobian2D(FrgOperator op, Mat *J)
{
  ISColoring coloring;

  PetscFunctionBeginUser;
  PetscCall(DMSetMatType(op->grid->da, MATAIJ));
  /* the exact Jacobian's pattern is its own (9 entries in an interior row), not the DMDA's 25-point box
   * filled with zeros, which every product, factorization and solve would carry */
  PetscCall(DMSetMatrixPreallocateOnly(op->grid->da, (PetscBool)!op->fd_jacobian));
  PetscCall(DMCreateMatrix(op->grid->da, J));
  PetscCall(MatSetOption(*J, MAT_NEW_NONZERO_ALLOCATION_ERR, PETSC_TRUE));
  if (!op->fd_jacobian) { /* that pattern, assembled with zeros: the integrator may copy or shift J before its first evaluation */
    PetscInt  xs, ys, xm, ym, ghost[3];
    PetscReal zero[3][3] = {{0}};

    PetscCall(DMDAGetCorners(op->grid->da, &xs, &ys, NULL, &xm, &ym, NULL));
    PetscCall(DMDAGetGhostCorners(op->grid->da, &ghost[0], &ghost[1], NULL, &ghost[2], NULL, NULL));
    for (PetscInt j = ys; j < ys + ym; j++)
      for (PetscInt i = xs; i < xs + xm; i++) PetscCall(FrgOperatorSetRow2D(op, *J, ghost, i, j, zero));
    PetscCall(MatAssemblyBegin(*J, MAT_FINAL_ASSEMBLY));
    PetscCall(MatAssemblyEnd(*J, MAT_FINAL_ASSEMBLY));
  }
  if (op->fd_coloring || !op->fd_jacobian) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(DMCreateColoring(op->grid->da, IS_COLORING_GLOBAL, &coloring));
  PetscCall(MatFDColoringCreate(*J, coloring, &op->fd_coloring));
  PetscCall(MatFDColoringSetFunction(op->fd_coloring, (PetscErrorCode(*)(void))(void (*)(void))FrgOperatorColoredFunction, op));
  PetscCall(MatFDColoringSetFromOptions(op->fd_coloring));
  PetscCall(MatFDColoringSetUp(*J, coloring, op->fd_coloring));
  PetscCall(ISColoringDestroy(&coloring));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* dF/dU at (t, U), exactly: with A = r + H11, B = r + H22, det = A B - H12^2, the radial kernel
 * c (r tr H + 2 det H)/det = c (2 - r (A + B)/det) has
 *     d/dH11 = c r (B^2 + H12^2)/det^2,  d/dH22 = c r (A^2 + H12^2)/det^2,  d/dH12 = -2 c r (A + B) H12/det^2,
 * and a Goldstone term cg y/(m2 + y) has d/dy = cg m2/(m2 + y)^2. Collective. */
static PetscErrorCode FrgOperatorJacobianExact2D(FrgOperator op, PetscReal t, Vec U, Mat J)
{
  FrgKernelParams kp;
  const PetscScalar **u;
  PetscInt xs, ys, xm, ym, ghost[3];
  const PetscReal inv_h1 = 1.0 / op->grid->spacing, inv_h2 = 1.0 / op->grid->spacing_y;
  const PetscReal c11 = inv_h1 * inv_h1, c22 = inv_h2 * inv_h2, c12 = 0.25 * inv_h1 * inv_h2;
  const PetscReal phi1_first = op->grid->phi_first, phi2_first = op->grid->phi_first_y, h1 = op->grid->spacing, h2 = op->grid->spacing_y;

  PetscFunctionBeginUser;
  PetscCall(DMGlobalToLocalBegin(op->grid->da, U, INSERT_VALUES, op->local));
  PetscCall(DMGlobalToLocalEnd(op->grid->da, U, INSERT_VALUES, op->local));
  PetscCall(FrgGridFillGhosts(op->grid, op->local));
  PetscCall(FrgModelGetKernelParams(op->model, t, &kp));
  PetscCall(DMDAGetCorners(op->grid->da, &xs, &ys, NULL, &xm, &ym, NULL));
  PetscCall(DMDAGetGhostCorners(op->grid->da, &ghost[0], &ghost[1], NULL, &ghost[2], NULL, NULL));
  PetscCall(DMDAVecGetArrayRead(op->grid->da, op->local, &u));
  PetscCall(MatZeroEntries(J));
  for (PetscInt j = ys; j < ys + ym; j++)
    for (PetscInt i = xs; i < xs + xm; i++) {
      const PetscReal h11 = (u[j][i + 1] - 2.0 * u[j][i] + u[j][i - 1]) * c11, h22 = (u[j + 1][i] - 2.0 * u[j][i] + u[j - 1][i]) * c22;
      const PetscReal h12 = (u[j + 1][i + 1] - u[j - 1][i + 1] - u[j + 1][i - 1] + u[j - 1][i - 1]) * c12;
      const PetscReal r = kp.m2, A = r + h11, B = r + h22, det = A * B - h12 * h12, s = kp.cr * r / (det * det);
      const PetscReal f11 = s * (B * B + h12 * h12), f22 = s * (A * A + h12 * h12), f12 = -2.0 * s * (A + B) * h12;
      PetscReal a[3][3] = {{0}}, g1 = 0, g2 = 0;

      if (kp.cg != 0.0) {
        const PetscReal y = 0.5 * (u[j][i + 1] - u[j][i - 1]) * inv_h1 / (phi1_first + i * h1);
        g1                = kp.cg * kp.m2 / ((kp.m2 + y) * (kp.m2 + y)) * 0.5 * inv_h1 / (phi1_first + i * h1);
      }
      if (kp.cg2 != 0.0) {
        const PetscReal y = 0.5 * (u[j + 1][i] - u[j - 1][i]) * inv_h2 / (phi2_first + j * h2);
        g2                = kp.cg2 * kp.m2 / ((kp.m2 + y) * (kp.m2 + y)) * 0.5 * inv_h2 / (phi2_first + j * h2);
      }
      a[1][1] = -2.0 * (f11 * c11 + f22 * c22);
      a[1][2] = f11 * c11 + g1, a[1][0] = f11 * c11 - g1;
      a[2][1] = f22 * c22 + g2, a[0][1] = f22 * c22 - g2;
      a[2][2] = a[0][0] = f12 * c12;
      a[0][2] = a[2][0] = -f12 * c12;
      PetscCall(FrgOperatorSetRow2D(op, J, ghost, i, j, a));
    }
  PetscCall(DMDAVecRestoreArrayRead(op->grid->da, op->local, &u));
  PetscCall(MatAssemblyBegin(J, MAT_FINAL_ASSEMBLY));
  PetscCall(MatAssemblyEnd(J, MAT_FINAL_ASSEMBLY));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* dF/dU at (t, U): exact, or by coloured differences (-jacobian_fd). Collective. */
PETSC_INTERN PetscErrorCode FrgOperatorJacobian2D(FrgOperator op, PetscReal t, Vec U, Mat J)
{
  PetscFunctionBeginUser;
  PetscCall(PetscLogEventBegin(FRG_EVENT_JACOBIAN, 0, 0, 0, 0));
  op->fd_t = t;
  if (op->fd_jacobian)
    PetscCall(MatFDColoringApply(J, op->fd_coloring, U, NULL));
  else
    PetscCall(FrgOperatorJacobianExact2D(op, t, U, J));
  op->jac_evals++;
  PetscCall(PetscLogEventEnd(FRG_EVENT_JACOBIAN, 0, 0, 0, 0));
  PetscFunctionReturn(PETSC_SUCCESS);
}
