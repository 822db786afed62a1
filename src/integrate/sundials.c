/* Creation of the CVODE and ARKODE integrators on the N_Vector_Petsc state (FrgIntegratorSetUp). */
#include <frg/integrator.h>
#include <cvode/cvode.h>
#include <arkode/arkode_arkstep.h>
#include <arkode/arkode_erkstep.h>
#include <nvector/nvector_petsc.h>
#include <sunnonlinsol/sunnonlinsol_petscsnes.h>

/* Error weights of the log variable (FrgOperatorErrorWeights, src/discretization/variable.c), at the
 * integrator's current time: SUNDIALS calls this at the start of every step. */
static int FrgErrorWeights(N_Vector y, N_Vector ewt, void *ctx)
{
  FrgIntegrator in = (FrgIntegrator)ctx;
  double        t;
  int           flag;

  switch (in->type) {
  case FRG_INTEGRATOR_CVODE_BDF: flag = CVodeGetCurrentTime(in->mem, &t); break;
  case FRG_INTEGRATOR_ARKODE_ERK: flag = ERKStepGetCurrentTime(in->mem, &t); break;
  default: flag = ARKStepGetCurrentTime(in->mem, &t); break;
  }
  if (flag < 0) return -1;
  return FrgOperatorErrorWeights(in->op, t, N_VGetVector_Petsc(y), in->rtol, in->atol, in->log_tol, N_VGetVector_Petsc(ewt)) ? -1 : 0;
}

/* The local error test: rtol |u| + atol for the u variable (SUNDIALS' own), the weights of
 * FrgErrorWeights for the log variable; and the largest step. */
static PetscErrorCode FrgIntegratorTolerances(FrgIntegrator in)
{
  FrgVariable variable;

  PetscFunctionBeginUser;
  PetscCall(FrgOperatorGetVariable(in->op, &variable));
  switch (in->type) {
  case FRG_INTEGRATOR_CVODE_BDF:
    if (variable == FRG_VARIABLE_U) FrgCallSUNDIALS(in->comm, CVodeSStolerances(in->mem, in->rtol, in->atol));
    else FrgCallSUNDIALS(in->comm, CVodeWFtolerances(in->mem, FrgErrorWeights));
    if (in->max_dt > 0) FrgCallSUNDIALS(in->comm, CVodeSetMaxStep(in->mem, in->max_dt));
    break;
  case FRG_INTEGRATOR_ARKODE_ERK:
    if (variable == FRG_VARIABLE_U) FrgCallSUNDIALS(in->comm, ERKStepSStolerances(in->mem, in->rtol, in->atol));
    else FrgCallSUNDIALS(in->comm, ERKStepWFtolerances(in->mem, FrgErrorWeights));
    if (in->max_dt > 0) FrgCallSUNDIALS(in->comm, ERKStepSetMaxStep(in->mem, in->max_dt));
    break;
  case FRG_INTEGRATOR_ARKODE_ARK:
    if (variable == FRG_VARIABLE_U) FrgCallSUNDIALS(in->comm, ARKStepSStolerances(in->mem, in->rtol, in->atol));
    else FrgCallSUNDIALS(in->comm, ARKStepWFtolerances(in->mem, FrgErrorWeights));
    if (in->max_dt > 0) FrgCallSUNDIALS(in->comm, ARKStepSetMaxStep(in->mem, in->max_dt));
    break;
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

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

/* Keeps the counters of the integrator's run so far: SUNDIALS' own restart at zero after a ReInit. */
static PetscErrorCode FrgIntegratorKeepCounters(FrgIntegrator in)
{
  FrgIntegratorStats s;

  PetscFunctionBeginUser;
  PetscCall(FrgIntegratorGetStats(in, &s));
  in->offset.steps            = s.steps;
  in->offset.newton_iters     = s.newton_iters;
  in->offset.nonlinear_fails  = s.nonlinear_fails;
  in->offset.error_test_fails = s.error_test_fails;
  in->offset.linear_setups    = s.linear_setups;
  in->linear_setups           = 0;
  in->newton_iters            = 0;
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode FrgIntegratorReInit(FrgIntegrator in, PetscReal t)
{
  PetscFunctionBeginUser;
  if (in->type == FRG_INTEGRATOR_CVODE_BDF) FrgCallSUNDIALS(in->comm, CVodeReInit(in->mem, t, in->y));
  else if (in->type == FRG_INTEGRATOR_ARKODE_ERK) FrgCallSUNDIALS(in->comm, ERKStepReInit(in->mem, FrgSundialsRHS, t, in->y));
  else FrgCallSUNDIALS(in->comm, ARKStepReInit(in->mem, NULL, FrgSundialsRHS, t, in->y));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The modified Newton iteration failed for good at t (in->y holds the state of the last accepted
 * step): restart the integrator there with the SNES route, whose Newton re-evaluates the Jacobian at
 * every iterate. The counters of the first part are kept. */
PETSC_INTERN PetscErrorCode FrgIntegratorSwitchToSNES(FrgIntegrator in, PetscReal t)
{
  PetscFunctionBeginUser;
  PetscCall(FrgIntegratorKeepCounters(in));
  in->newton = FRG_NEWTON_SNES;
  PetscCall(FrgIntegratorReInit(in, t));
  PetscCall(FrgIntegratorSNESAttach(in));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The flow reached the first state near the propagator pole at t (in->y holds it, in the variable u):
 * restart the integrator there in the log variable (src/discretization/variable.c), with its error
 * weights. The counters of the first part are kept. */
PETSC_INTERN PetscErrorCode FrgIntegratorSwitchToLog(FrgIntegrator in, PetscReal t)
{
  PetscFunctionBeginUser;
  PetscCall(FrgIntegratorKeepCounters(in));
  PetscCall(FrgOperatorSetVariable(in->op, FRG_VARIABLE_LOG));
  PetscCall(FrgOperatorStateFromU(in->op, t, in->state, in->state));
  PetscCall(FrgIntegratorTolerances(in));
  PetscCall(FrgIntegratorReInit(in, t));
  in->log_switch_t = t;
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
  PetscCall(FrgIntegratorTolerances(in));
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
    PetscCall(FrgIntegratorTolerances(in));
    FrgCallSUNDIALS(in->comm, ERKStepSetMaxNumSteps(in->mem, in->max_steps));
    if (in->order) FrgCallSUNDIALS(in->comm, ERKStepSetOrder(in->mem, (int)in->order));
  } else {
    in->mem = ARKStepCreate(NULL, FrgSundialsRHS, t0, in->y, in->sunctx);
    PetscCheck(in->mem, in->comm, PETSC_ERR_LIB, "ARKStepCreate failed");
    FrgCallSUNDIALS(in->comm, ARKStepSetUserData(in->mem, in));
    FrgCallSUNDIALS(in->comm, ARKStepSetErrHandlerFn(in->mem, FrgSundialsMessage, in));
    PetscCall(FrgIntegratorTolerances(in));
    FrgCallSUNDIALS(in->comm, ARKStepSetMaxNumSteps(in->mem, in->max_steps));
    if (in->order) FrgCallSUNDIALS(in->comm, ARKStepSetOrder(in->mem, (int)in->order));
    PetscCall(FrgIntegratorNewtonAttach(in));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}
