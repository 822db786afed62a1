/* The right-hand side of two-field flows on the 2D grid (src/grid/grid2d.c): at each cell the model's
 * pointwise kernel (FrgKernelTwoField, include/frg/kernel.h) of the Hessian of U by central second
 * differences,
 *     H11 = (U_{i+1,j} - 2 U_ij + U_{i-1,j}) / h1^2,   H22 likewise in j,
 *     H12 = (U_{i+1,j+1} - U_{i+1,j-1} - U_{i-1,j+1} + U_{i-1,j-1}) / (4 h1 h2),
 * second order where U is smooth. The flow of U is a fully nonlinear parabolic equation with no
 * conservative form in 2D (the 1D scheme is conservative in u = U'), so the unknown is U at the cell
 * centres rather than a cell average. The Newton matrix comes from PETSc's coloured finite differences
 * on the DMDA (MatFDColoring, box stencil of width 2: every column a ghost rule reaches is coloured),
 * solved by the integrator's SNES route: the 1D band LU of the modified route does not apply. */
#include <frg/impl.h>

PETSC_INTERN PetscErrorCode FrgOperatorSetUp2D(FrgOperator op)
{
  PetscFunctionBeginUser;
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
  int crossed = 0;

  PetscFunctionBeginUser;
  PetscCall(DMGlobalToLocalBegin(op->grid->da, U, INSERT_VALUES, op->local));
  PetscCall(DMGlobalToLocalEnd(op->grid->da, U, INSERT_VALUES, op->local));
  PetscCall(FrgGridFillGhosts(op->grid, op->local));
  PetscCall(FrgModelGetKernelParams(op->model, t, &kp));
  PetscCall(DMDAGetCorners(op->grid->da, &xs, &ys, NULL, &xm, &ym, NULL));
  PetscCall(DMDAVecGetArrayRead(op->grid->da, op->local, &u));
  if (F) PetscCall(DMDAVecGetArray(op->grid->da, F, &f));
  for (PetscInt j = ys; j < ys + ym; j++)
    for (PetscInt i = xs; i < xs + xm; i++) {
      const PetscReal h11  = (u[j][i + 1] - 2.0 * u[j][i] + u[j][i - 1]) * c11;
      const PetscReal h22  = (u[j + 1][i] - 2.0 * u[j][i] + u[j - 1][i]) * c22;
      const PetscReal h12  = (u[j + 1][i + 1] - u[j - 1][i + 1] - u[j + 1][i - 1] + u[j - 1][i - 1]) * c12;
      const PetscReal rate = FrgKernelTwoField(&kp, h11, h22, h12, &crossed);
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

/* The Newton matrix's layout (the DMDA's box stencil) and, once per operator, its colouring. Collective. */
PETSC_INTERN PetscErrorCode FrgOperatorCreateJacobian2D(FrgOperator op, Mat *J)
{
  ISColoring coloring;

  PetscFunctionBeginUser;
  PetscCall(DMSetMatType(op->grid->da, MATAIJ));
  PetscCall(DMCreateMatrix(op->grid->da, J));
  if (op->fd_coloring) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(DMCreateColoring(op->grid->da, IS_COLORING_GLOBAL, &coloring));
  PetscCall(MatFDColoringCreate(*J, coloring, &op->fd_coloring));
  PetscCall(MatFDColoringSetFunction(op->fd_coloring, (PetscErrorCode(*)(void))(void (*)(void))FrgOperatorColoredFunction, op));
  PetscCall(MatFDColoringSetFromOptions(op->fd_coloring));
  PetscCall(MatFDColoringSetUp(*J, coloring, op->fd_coloring));
  PetscCall(ISColoringDestroy(&coloring));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* dF/dU at (t, U) by coloured differences. Collective. */
PETSC_INTERN PetscErrorCode FrgOperatorJacobian2D(FrgOperator op, PetscReal t, Vec U, Mat J)
{
  PetscFunctionBeginUser;
  PetscCall(PetscLogEventBegin(FRG_EVENT_JACOBIAN, 0, 0, 0, 0));
  op->fd_t = t;
  PetscCall(MatFDColoringApply(J, op->fd_coloring, U, NULL));
  op->jac_evals++;
  PetscCall(PetscLogEventEnd(FRG_EVENT_JACOBIAN, 0, 0, 0, 0));
  PetscFunctionReturn(PETSC_SUCCESS);
}
