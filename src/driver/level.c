/* FrgFlowLevel: one discretized flow (model, grid, KT operator, integrator and its state), built from
 * the options database, or as the coarser copy of another for the error estimate (estimate.c). */
#include <frg/flow.h>

/* d_t U at phi = h/2, integrated along the flow for U0 (src/analysis/observables.c). */
static PetscErrorCode FrgFlowLevelOriginRate(void *op, PetscReal t, Vec u, PetscReal *rate)
{
  PetscFunctionBeginUser;
  PetscCall(FrgOperatorOriginFlux((FrgOperator)op, t, u, rate));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* A one-field flow with an odd left end (the O(N), GNY and QM models) integrates d_t U at h/2 for U0.
 * Before FrgFlowLevelStart. Collective. */
PetscErrorCode FrgFlowLevelWatchOrigin(FrgFlowLevel *level)
{
  PetscFunctionBeginUser;
  level->origin = (PetscBool)(level->grid->dim == 1 && level->grid->left == FRG_BOUNDARY_ODD);
  if (level->origin) PetscCall(FrgIntegratorSetQuadrature(level->integrator, FrgFlowLevelOriginRate, level->op));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Builds the objects from the options; on error the caller still destroys what was built. Collective. */
PetscErrorCode FrgFlowLevelCreate(MPI_Comm comm, FrgFlowLevel *level)
{
  PetscFunctionBeginUser;
  PetscCall(FrgModelCreate(comm, &level->model));
  PetscCall(FrgModelSetFromOptions(level->model));
  PetscCall(FrgGridCreateFromModel(comm, level->model, &level->grid));
  PetscCall(FrgOperatorCreate(level->grid, level->model, &level->op));
  PetscCall(FrgOperatorSetFromOptions(level->op));
  /* validates the model and grid before the (option-reading) integrator builds its Jacobian */
  PetscCall(FrgOperatorSetUp(level->op));
  PetscCall(FrgIntegratorCreate(level->op, &level->integrator));
  PetscCall(FrgIntegratorSetFromOptions(level->integrator));
  PetscCall(FrgFlowLevelWatchOrigin(level));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The state at t0: u0, or the model's initial condition when u0 is NULL; then the integrator. */
PetscErrorCode FrgFlowLevelStart(FrgFlowLevel *level, PetscReal t0, Vec u0)
{
  DM da;

  PetscFunctionBeginUser;
  PetscCall(FrgGridGetDM(level->grid, &da));
  if (!level->u) PetscCall(DMCreateGlobalVector(da, &level->u));
  if (u0) PetscCall(VecCopy(u0, level->u));
  else PetscCall(FrgModelInitialCondition(level->model, level->grid, level->u));
  PetscCall(FrgIntegratorSetUp(level->integrator, t0, level->u));
  level->model->origin_flow = level->model->origin_flow_abs = 0;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The integrals of d_t U at h/2 and of its modulus up to the last FrgIntegratorAdvance (0 without), for
 * a checkpoint. Collective. */
PetscErrorCode FrgFlowLevelGetOriginFlow(FrgFlowLevel *level, PetscReal *q, PetscReal *q_abs)
{
  PetscFunctionBeginUser;
  *q = *q_abs = 0;
  if (level->origin) PetscCall(FrgIntegratorGetQuadrature(level->integrator, q, q_abs));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* A restarted flow's integral of d_t U at h/2 so far (from its checkpoint). After FrgFlowLevelStart. */
PetscErrorCode FrgFlowLevelSetOriginFlow(FrgFlowLevel *level, PetscReal q, PetscReal q_abs)
{
  PetscFunctionBeginUser;
  if (!level->origin) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(FrgIntegratorSetQuadratureValue(level->integrator, q, q_abs));
  level->model->origin_flow = q, level->model->origin_flow_abs = q_abs;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The observables of the state in level->u, reached at t by the last FrgIntegratorAdvance. Collective. */
PetscErrorCode FrgFlowLevelObservables(FrgFlowLevel *level, PetscReal t, FrgObservables *obs)
{
  PetscFunctionBeginUser;
  if (level->origin) PetscCall(FrgIntegratorGetQuadrature(level->integrator, &level->model->origin_flow, &level->model->origin_flow_abs));
  PetscCall(FrgObservablesCompute(level->grid, level->model, t, level->u, obs));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Integrates to t (the state there in level->u) and computes its observables. Collective. */
PetscErrorCode FrgFlowLevelAdvance(FrgFlowLevel *level, PetscReal t, FrgObservables *obs)
{
  PetscFunctionBeginUser;
  PetscCall(FrgIntegratorAdvance(level->integrator, t, level->u));
  PetscCall(FrgFlowLevelObservables(level, t, obs));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode FrgFlowLevelDestroy(FrgFlowLevel *level)
{
  PetscFunctionBeginUser;
  PetscCall(VecDestroy(&level->u));
  PetscCall(FrgIntegratorDestroy(&level->integrator));
  PetscCall(FrgOperatorDestroy(&level->op));
  PetscCall(FrgGridDestroy(&level->grid));
  PetscCall(FrgModelDestroy(&level->model));
  PetscFunctionReturn(PETSC_SUCCESS);
}
