/* FrgOperator: the semi-discrete Kurganov-Tadmor right-hand side of the conservative LPA flow
 * d_t u = d_phi G on the distributed field grid (include/frg/kt.h for the scheme, include/frg/flux.h
 * for the flux). Ghost cells come from the DMDA (between ranks) and from FrgGridFillGhosts (at the
 * two ends). Work arrays are allocated once in SetUp: the right-hand side allocates nothing. */
#include <frg/impl.h>
#include <frg/kt.h>

PetscErrorCode FrgOperatorCreate(FrgGrid grid, FrgModel model, FrgOperator *op)
{
  FrgOperator o;

  PetscFunctionBeginUser;
  PetscCall(PetscNew(&o));
  o->grid  = grid;
  o->model = model;
  *op      = o;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode FrgOperatorSetFromOptions(FrgOperator op)
{
  PetscFunctionBeginUser;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode FrgOperatorSetUp(FrgOperator op)
{
  PetscInt xm;

  PetscFunctionBeginUser;
  if (op->setup) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(FrgGridSetUp(op->grid));
  PetscCall(FrgModelSetUp(op->model));
  PetscCall(DMCreateLocalVector(op->grid->da, &op->local));
  PetscCall(DMDAGetCorners(op->grid->da, NULL, NULL, NULL, &xm, NULL, NULL));
  PetscCall(PetscMalloc2(xm + 1, &op->flux, 4 * (xm + 1), &op->dflux));
  op->setup = PETSC_TRUE;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PETSC_INTERN PetscErrorCode FrgOperatorKernelParams(FrgOperator op, PetscReal t, FrgFluxKernelParams *kp)
{
  FrgFluxParams p;

  PetscFunctionBeginUser;
  PetscCall(FrgModelGetFluxParams(op->model, t, &p));
  kp->c         = p.c;
  kp->m2        = p.m2;
  kp->goldstone = p.goldstone;
  kp->radial    = p.radial;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Scatters u into the ghosted work vector and fills the physical ghosts. */
PETSC_INTERN PetscErrorCode FrgOperatorLocalize(FrgOperator op, Vec u)
{
  PetscFunctionBeginUser;
  PetscCall(DMGlobalToLocalBegin(op->grid->da, u, INSERT_VALUES, op->local));
  PetscCall(DMGlobalToLocalEnd(op->grid->da, u, INSERT_VALUES, op->local));
  PetscCall(FrgGridFillGhosts(op->grid, op->local));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode FrgOperatorApply(FrgOperator op, PetscReal t, Vec U, Vec F)
{
  FrgFluxKernelParams kp = {0, 0, 0, 0};
  const PetscScalar  *u;
  PetscScalar        *f;
  PetscInt            xs, xm, first;
  const PetscReal     h = op->grid->spacing, x0 = op->grid->phi_first, inv_h = 1.0 / h;
  PetscReal          *G = op->flux;
  double              denominator = 1.0;

  PetscFunctionBeginUser;
  PetscCall(PetscLogEventBegin(FRG_EVENT_RHS, 0, 0, 0, 0));
  PetscCall(FrgOperatorLocalize(op, U));
  PetscCall(FrgOperatorKernelParams(op, t, &kp));
  PetscCall(DMDAGetCorners(op->grid->da, &xs, NULL, NULL, &xm, NULL, NULL));
  PetscCall(DMDAVecGetArrayRead(op->grid->da, op->local, &u));
  PetscCall(DMDAVecGetArray(op->grid->da, F, &f));
  /* G[m] is the flux at interface j + 1/2 with j = xs - 1 + m. With an odd left end the interface
   * at -1/2 is never needed: f_0 = 0 by symmetry. */
  first = (xs == 0 && op->grid->left == FRG_BOUNDARY_ODD) ? 1 : 0;
  for (PetscInt m = first; m <= xm; m++) {
    const PetscInt j = xs - 1 + m;
    G[m]             = FrgKTFlux(&kp, x0 + (j + 0.5) * h, h, u[j - 1], u[j], u[j + 1], u[j + 2], &denominator);
  }
  for (PetscInt m = 0; m < xm; m++) f[xs + m] = (G[m + 1] - G[m]) * inv_h;
  if (first) f[0] = 0.0;
  op->local_physical = (PetscBool)(denominator > 0);
  PetscCall(DMDAVecRestoreArray(op->grid->da, F, &f));
  PetscCall(DMDAVecRestoreArrayRead(op->grid->da, op->local, &u));
  op->rhs_evals++;
  PetscCall(PetscLogFlops(40.0 * xm));
  PetscCall(PetscLogEventEnd(FRG_EVENT_RHS, 0, 0, 0, 0));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Whether the last FrgOperatorApply met only positive propagator denominators on every rank:
 * SUNDIALS then retries a step that crossed the pole with a smaller one. Collective. */
PetscErrorCode FrgOperatorIsPhysical(FrgOperator op, PetscBool *physical)
{
  PetscMPIInt size;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_size(op->grid->comm, &size));
  if (size > 1) PetscCall(MPIU_Allreduce(&op->local_physical, physical, 1, MPIU_BOOL, MPI_LAND, op->grid->comm));
  else *physical = op->local_physical;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode FrgOperatorGetCounts(FrgOperator op, PetscInt *rhs_evals, PetscInt *jac_evals)
{
  PetscFunctionBeginUser;
  if (rhs_evals) *rhs_evals = op->rhs_evals;
  if (jac_evals) *jac_evals = op->jac_evals;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode FrgOperatorDestroy(FrgOperator *op)
{
  PetscFunctionBeginUser;
  if (!*op) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(VecDestroy(&(*op)->local));
  PetscCall(PetscFree2((*op)->flux, (*op)->dflux));
  PetscCall(PetscFree(*op));
  PetscFunctionReturn(PETSC_SUCCESS);
}
