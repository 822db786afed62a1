/* FrgOperator: the semi-discrete Kurganov-Tadmor right-hand side of the conservative LPA flow
 * d_t u = d_phi G on the distributed field grid (include/frg/kt.h for the scheme; the model's kernels,
 * include/frg/kernel.h, instantiate its loops, include/frg/kt_loops.h). Ghost cells come from the DMDA (between ranks) and from FrgGridFillGhosts (at the
 * two ends). Work arrays are allocated once in SetUp: the right-hand side allocates nothing. */
#include <frg/impl.h>

PETSC_INTERN PetscErrorCode FrgOperatorSetUp2D(FrgOperator);
PETSC_INTERN PetscErrorCode FrgOperatorApply2D(FrgOperator, PetscReal, Vec, Vec);
PETSC_INTERN PetscErrorCode FrgOperatorPoleCheck2D(FrgOperator, PetscReal, Vec);

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
  if (op->grid->dim == 2 || op->model->dim == 2) { /* two-field models: operator2d.c */
    PetscCall(FrgOperatorSetUp2D(op));
    op->setup = PETSC_TRUE;
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  PetscCheck(op->model->kt, op->grid->comm, PETSC_ERR_SUP, "-model %s has no kernels of the one-field scheme", op->model->type);
  {
    FrgKernelParams p;
    PetscCall(FrgModelGetKernelParams(op->model, 0.0, &p));
    /* the Goldstone flux, a function of u/(m2 phi), is 0/0 at an interface at phi = 0: a two-sided
     * grid with an even number of cells has one */
    PetscCheck(p.cg == 0.0 || op->grid->left == FRG_BOUNDARY_ODD || op->grid->cells % 2, op->grid->comm, PETSC_ERR_USER_INPUT,
               "-model %s with N != 1 has a Goldstone term, 0/0 at phi = 0: on a two-sided grid -grid_cells must be odd, got %" PetscInt_FMT, op->model->type,
               op->grid->cells);
  }
  PetscCall(DMCreateLocalVector(op->grid->da, &op->local));
  PetscCall(DMDAGetCorners(op->grid->da, NULL, NULL, NULL, &xm, NULL, NULL));
  PetscCall(PetscMalloc4(xm + 1, &op->flux, 4 * (xm + 1), &op->dflux, xm + 1, &op->phi_face, xm + 1, &op->inv_phi_face));
  { /* the interface positions of the fluxes, G[m] at phi_{j + 1/2}, j = xs - 1 + m */
    PetscInt xs;
    PetscCall(DMDAGetCorners(op->grid->da, &xs, NULL, NULL, NULL, NULL, NULL));
    for (PetscInt m = 0; m <= xm; m++) {
      op->phi_face[m]     = op->grid->phi_first + ((double)(xs - 1 + m) + 0.5) * op->grid->spacing;
      op->inv_phi_face[m] = op->phi_face[m] != 0.0 ? 1.0 / op->phi_face[m] : 0.0;
    }
    op->faces.phi     = op->phi_face;
    op->faces.inv_phi = op->inv_phi_face;
    op->faces.h       = op->grid->spacing;
    op->faces.inv_h   = 1.0 / op->grid->spacing;
  }
  op->setup = PETSC_TRUE;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Copies the first count local cells of u into the ghosted work vector and fills the physical ghosts
 * (one rank: the other cells keep what they held). Not collective. */
static PetscErrorCode FrgOperatorLocalizeCells(FrgOperator op, Vec u, PetscInt count)
{
  const PetscScalar *global;
  PetscScalar       *local;
  PetscInt           xs, gxs;

  PetscFunctionBeginUser;
  PetscCall(DMDAGetCorners(op->grid->da, &xs, NULL, NULL, NULL, NULL, NULL));
  PetscCall(DMDAGetGhostCorners(op->grid->da, &gxs, NULL, NULL, NULL, NULL, NULL));
  PetscCall(VecGetArrayRead(u, &global));
  PetscCall(VecGetArray(op->local, &local));
  PetscCall(PetscArraycpy(local + (xs - gxs), global, count));
  PetscCall(VecRestoreArray(op->local, &local));
  PetscCall(VecRestoreArrayRead(u, &global));
  PetscCall(FrgGridFillGhosts(op->grid, op->local));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Copies u into the ghosted work vector and fills the physical ghosts. On several ranks the DMDA
 * scatter brings the neighbours' cells; on one rank there are none, and a copy replaces the scatter
 * and its set-up (2.2 k of 3.3 k instructions per call). Collective. */
PETSC_INTERN PetscErrorCode FrgOperatorLocalize(FrgOperator op, Vec u)
{
  PetscMPIInt size;
  PetscInt    xm;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_size(op->grid->comm, &size));
  if (size > 1) {
    PetscCall(DMGlobalToLocalBegin(op->grid->da, u, INSERT_VALUES, op->local));
    PetscCall(DMGlobalToLocalEnd(op->grid->da, u, INSERT_VALUES, op->local));
    PetscCall(FrgGridFillGhosts(op->grid, op->local));
  } else {
    PetscCall(VecGetLocalSize(u, &xm));
    PetscCall(FrgOperatorLocalizeCells(op, u, xm));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Whether U lies beyond the propagator pole or near it (FrgOperatorPoleStatus then tells), without
 * evaluating the right-hand side. Collective (the ghost exchange). */
PetscErrorCode FrgOperatorPoleCheck(FrgOperator op, PetscReal t, Vec U)
{
  FrgKernelParams    kp;
  const PetscScalar *u;
  PetscInt           xs, xm, first;

  PetscFunctionBeginUser;
  if (op->grid->dim == 2) {
    PetscCall(FrgOperatorPoleCheck2D(op, t, U));
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  PetscCall(FrgOperatorLocalize(op, U));
  PetscCall(FrgModelGetKernelParams(op->model, t, &kp));
  PetscCall(DMDAGetCorners(op->grid->da, &xs, NULL, NULL, &xm, NULL, NULL));
  PetscCall(DMDAVecGetArrayRead(op->grid->da, op->local, &u));
  first          = (xs == 0 && op->grid->left == FRG_BOUNDARY_ODD) ? 1 : 0;
  op->local_pole = op->model->kt->pole(&kp, &op->faces, u, xs, first, xm);
  PetscCall(DMDAVecRestoreArrayRead(op->grid->da, op->local, &u));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode FrgOperatorApply(FrgOperator op, PetscReal t, Vec U, Vec F)
{
  FrgKernelParams    kp;
  const PetscScalar *u;
  PetscScalar       *f;
  PetscInt           xs, xm, first;
  const PetscReal    inv_h = op->faces.inv_h;
  PetscReal         *G     = op->flux;

  PetscFunctionBeginUser;
  if (op->grid->dim == 2) {
    PetscCall(FrgOperatorApply2D(op, t, U, F));
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  PetscCall(PetscLogEventBegin(FRG_EVENT_RHS, 0, 0, 0, 0));
  PetscCall(FrgOperatorLocalize(op, U));
  PetscCall(FrgModelGetKernelParams(op->model, t, &kp));
  PetscCall(DMDAGetCorners(op->grid->da, &xs, NULL, NULL, &xm, NULL, NULL));
  PetscCall(DMDAVecGetArrayRead(op->grid->da, op->local, &u));
  PetscCall(DMDAVecGetArray(op->grid->da, F, &f));
  /* G[m] is the flux at interface j + 1/2 with j = xs - 1 + m. With an odd left end the interface
   * at -1/2 is never needed: f_0 = 0 by symmetry. */
  first          = (xs == 0 && op->grid->left == FRG_BOUNDARY_ODD) ? 1 : 0;
  op->local_pole = op->model->kt->fluxes(&kp, &op->faces, u, xs, first, xm, G);
  for (PetscInt m = 0; m < xm; m++) f[xs + m] = (G[m + 1] - G[m]) * inv_h;
  if (first) f[0] = 0.0;
  PetscCall(DMDAVecRestoreArray(op->grid->da, F, &f));
  PetscCall(DMDAVecRestoreArrayRead(op->grid->da, op->local, &u));
  op->rhs_evals++;
  PetscCall(PetscLogFlops(40.0 * xm));
  PetscCall(PetscLogEventEnd(FRG_EVENT_RHS, 0, 0, 0, 0));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* G_{1/2}, the flux through the face h/2 of a grid whose left end is odd (cell 0 centred at phi = 0):
 * the scheme's d_t U there (d_t u_j = (G_{j+1/2} - G_{j-1/2})/h and u = U'), with the constant the
 * kernels subtract (include/frg/kernel.h). On the rank of cell 0; 0 on the others. Collective (the
 * ghost exchange). */
PetscErrorCode FrgOperatorOriginFlux(FrgOperator op, PetscReal t, Vec U, PetscReal *G)
{
  FrgKernelParams    kp;
  const PetscScalar *u;
  PetscInt           xs, xm;
  PetscMPIInt        size;

  PetscFunctionBeginUser;
  PetscCheck(op->grid->dim == 1 && op->grid->left == FRG_BOUNDARY_ODD, op->grid->comm, PETSC_ERR_SUP, "the flux at phi = h/2 needs a one-field grid with an odd left end");
  *G = 0;
  PetscCall(DMDAGetCorners(op->grid->da, &xs, NULL, NULL, &xm, NULL, NULL));
  PetscCallMPI(MPI_Comm_size(op->grid->comm, &size));
  if (size > 1) PetscCall(FrgOperatorLocalize(op, U));
  else PetscCall(FrgOperatorLocalizeCells(op, U, PetscMin(xm, 4))); /* one rank: the cells the flux reads (0..2) are all it needs */
  if (xs != 0) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(FrgModelGetKernelParams(op->model, t, &kp));
  PetscCall(DMDAVecGetArrayRead(op->grid->da, op->local, &u));
  (void)op->model->kt->fluxes(&kp, &op->faces, u, xs, 1, 1, op->flux);
  PetscCall(DMDAVecRestoreArrayRead(op->grid->da, op->local, &u));
  *G = op->flux[1];
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Whether the last right-hand side met only positive propagator denominators on every rank
 * (physical; SUNDIALS then retries a step that crossed the pole with a smaller one), and whether some
 * denominator was below half its value at u = 0 (near the pole; only after FrgOperatorPoleCheck,
 * false after FrgOperatorApply). Collective. */
PetscErrorCode FrgOperatorPoleStatus(FrgOperator op, PetscBool *physical, PetscBool *near)
{
  PetscMPIInt size;
  int         status = op->local_pole;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_size(op->grid->comm, &size));
  if (size > 1) PetscCallMPI(MPI_Allreduce(&op->local_pole, &status, 1, MPI_INT, MPI_BOR, op->grid->comm));
  if (physical) *physical = (PetscBool)!(status & FRG_POLE_CROSSED);
  if (near) *near = (PetscBool)!!(status & FRG_POLE_NEAR_FLAG);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Whether the last right-hand side met only positive propagator denominators on every rank.
 * Collective. */
PetscErrorCode FrgOperatorIsPhysical(FrgOperator op, PetscBool *physical)
{
  PetscFunctionBeginUser;
  PetscCall(FrgOperatorPoleStatus(op, physical, NULL));
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
  PetscCall(MatFDColoringDestroy(&(*op)->fd_coloring));
  PetscCall(VecDestroy(&(*op)->u_state));
  PetscCall(VecDestroy(&(*op)->q_global));
  PetscCall(VecDestroy(&(*op)->q_local));
  PetscCall(PetscFree((*op)->q));
  PetscCall(PetscFree4((*op)->flux, (*op)->dflux, (*op)->phi_face, (*op)->inv_phi_face));
  PetscCall(PetscFree(*op));
  PetscFunctionReturn(PETSC_SUCCESS);
}
