/* Creation of the CVODE and ARKODE integrators on the N_Vector_Petsc state (FrgIntegratorSetUp). */
#include <frg/integrator.h>
#include <cvode/cvode.h>
#include <arkode/arkode_arkstep.h>
#include <arkode/arkode_erkstep.h>
#include <nvector/nvector_petsc.h>
#include <sunnonlinsol/sunnonlinsol_petscsnes.h>

/* The SNES route: SUNNonlinSol_PetscSNES around our SNES (newton.c), created on first use. */
static PetscErrorCode FrgIntegratorSNESAttach(FrgIntegrator in)
{
  Vec weights;

  PetscFunctionBeginUser;
  if (!in->nls_snes) {
    PetscCall(FrgIntegratorNewtonCreate(in));
    in->nls_snes = SUNNonlinSol_PetscSNES(in->y, in->snes, in->sunctx);
    PetscCheck(in->nls_snes, in->comm, PETSC_ERR_LIB, "SUNNonlinSol_PetscSNES failed");
    PetscCall(VecDuplicate(in->state, &weights));
    in->ewt = N_VMake_Petsc(weights, in->sunctx);
  }
  if (in->type == FRG_INTEGRATOR_CVODE_BDF) FrgCallSUNDIALS(in->comm, CVodeSetNonlinearSolver(in->mem, in->nls_snes));
  else FrgCallSUNDIALS(in->comm, ARKStepSetNonlinearSolver(in->mem, in->nls_snes));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode FrgIntegratorNewtonAttach(FrgIntegrator in)
{
  PetscFunctionBeginUser;
  if (in->newton == FRG_NEWTON_SNES) {
    PetscCall(FrgIntegratorSNESAttach(in));
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  /* the nonlinear solver first: attaching one resets the linear solver's hooks */
  PetscCall(FrgIntegratorCheckedNewtonCreate(in));
  if (in->type == FRG_INTEGRATOR_CVODE_BDF) FrgCallSUNDIALS(in->comm, CVodeSetNonlinearSolver(in->mem, in->nls));
  else FrgCallSUNDIALS(in->comm, ARKStepSetNonlinearSolver(in->mem, in->nls));
  PetscCall(FrgIntegratorLinearAttach(in));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The modified Newton iteration failed for good at t (in->y holds the state of the last accepted
 * step): restart the integrator there with the SNES route, whose Newton re-evaluates the Jacobian at
 * every iterate. The counters of the first part are kept. */
PETSC_INTERN PetscErrorCode FrgIntegratorSwitchToSNES(FrgIntegrator in, PetscReal t)
{
  FrgIntegratorStats s;

  PetscFunctionBeginUser;
  PetscCall(FrgIntegratorGetStats(in, &s));
  in->offset.steps            = s.steps;
  in->offset.newton_iters     = s.newton_iters;
  in->offset.nonlinear_fails  = s.nonlinear_fails;
  in->offset.error_test_fails = s.error_test_fails;
  in->offset.linear_setups    = s.linear_setups;
  in->newton                  = FRG_NEWTON_SNES;
  if (in->type == FRG_INTEGRATOR_CVODE_BDF) FrgCallSUNDIALS(in->comm, CVodeReInit(in->mem, t, in->y));
  else FrgCallSUNDIALS(in->comm, ARKStepReInit(in->mem, NULL, FrgSundialsRHS, t, in->y));
  PetscCall(FrgIntegratorSNESAttach(in));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PETSC_INTERN PetscErrorCode FrgIntegratorCreateCVODE(FrgIntegrator in, PetscReal t0)
{
  PetscFunctionBeginUser;
  in->mem = CVodeCreate(CV_BDF, in->sunctx);
  PetscCheck(in->mem, in->comm, PETSC_ERR_LIB, "CVodeCreate failed");
  FrgCallSUNDIALS(in->comm, CVodeInit(in->mem, FrgSundialsRHS, t0, in->y));
  FrgCallSUNDIALS(in->comm, CVodeSetUserData(in->mem, in));
  FrgCallSUNDIALS(in->comm, CVodeSetErrHandlerFn(in->mem, FrgSundialsMessage, in));
  FrgCallSUNDIALS(in->comm, CVodeSStolerances(in->mem, in->rtol, in->atol));
  FrgCallSUNDIALS(in->comm, CVodeSetMaxNumSteps(in->mem, in->max_steps));
  if (in->order) FrgCallSUNDIALS(in->comm, CVodeSetMaxOrd(in->mem, (int)in->order));
  PetscCall(FrgIntegratorNewtonAttach(in));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PETSC_INTERN PetscErrorCode FrgIntegratorCreateARKODE(FrgIntegrator in, PetscReal t0)
{
  PetscFunctionBeginUser;
  if (in->type == FRG_INTEGRATOR_ARKODE_ERK) {
    in->mem = ERKStepCreate(FrgSundialsRHS, t0, in->y, in->sunctx);
    PetscCheck(in->mem, in->comm, PETSC_ERR_LIB, "ERKStepCreate failed");
    FrgCallSUNDIALS(in->comm, ERKStepSetUserData(in->mem, in));
    FrgCallSUNDIALS(in->comm, ERKStepSetErrHandlerFn(in->mem, FrgSundialsMessage, in));
    FrgCallSUNDIALS(in->comm, ERKStepSStolerances(in->mem, in->rtol, in->atol));
    FrgCallSUNDIALS(in->comm, ERKStepSetMaxNumSteps(in->mem, in->max_steps));
    if (in->order) FrgCallSUNDIALS(in->comm, ERKStepSetOrder(in->mem, (int)in->order));
  } else {
    in->mem = ARKStepCreate(NULL, FrgSundialsRHS, t0, in->y, in->sunctx);
    PetscCheck(in->mem, in->comm, PETSC_ERR_LIB, "ARKStepCreate failed");
    FrgCallSUNDIALS(in->comm, ARKStepSetUserData(in->mem, in));
    FrgCallSUNDIALS(in->comm, ARKStepSetErrHandlerFn(in->mem, FrgSundialsMessage, in));
    FrgCallSUNDIALS(in->comm, ARKStepSStolerances(in->mem, in->rtol, in->atol));
    FrgCallSUNDIALS(in->comm, ARKStepSetMaxNumSteps(in->mem, in->max_steps));
    if (in->order) FrgCallSUNDIALS(in->comm, ARKStepSetOrder(in->mem, (int)in->order));
    PetscCall(FrgIntegratorNewtonAttach(in));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}
