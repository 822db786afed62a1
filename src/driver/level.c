/* FrgFlowLevel: one discretized flow (model, grid, KT operator, integrator and its state), built from
 * the options database, or as the coarser copy of another for the error estimate (estimate.c). */
#include <frg/flow.h>

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
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Integrates to t (the state there in level->u) and computes its observables. Collective. */
PetscErrorCode FrgFlowLevelAdvance(FrgFlowLevel *level, PetscReal t, FrgObservables *obs)
{
  PetscFunctionBeginUser;
  PetscCall(FrgIntegratorAdvance(level->integrator, t, level->u));
  PetscCall(FrgObservablesCompute(level->grid, level->model, t, level->u, obs));
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
