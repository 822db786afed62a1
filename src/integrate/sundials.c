/* Creation of the CVODE and ARKODE integrators on the N_Vector_Petsc state (FrgIntegratorSetUp). */
#include <frg/integrator.h>
#include <cvode/cvode.h>
#include <arkode/arkode_arkstep.h>
#include <arkode/arkode_erkstep.h>
#include <nvector/nvector_petsc.h>
#include <sunnonlinsol/sunnonlinsol_petscsnes.h>

static PetscErrorCode FrgIntegratorNewtonAttach(FrgIntegrator in)
{
  Vec weights;

  PetscFunctionBeginUser;
  PetscCall(FrgIntegratorNewtonCreate(in));
  in->nls = SUNNonlinSol_PetscSNES(in->y, in->snes, in->sunctx);
  PetscCheck(in->nls, in->comm, PETSC_ERR_LIB, "SUNNonlinSol_PetscSNES failed");
  PetscCall(VecDuplicate(in->state, &weights));
  in->ewt = N_VMake_Petsc(weights, in->sunctx);
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
  FrgCallSUNDIALS(in->comm, CVodeSetNonlinearSolver(in->mem, in->nls));
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
    FrgCallSUNDIALS(in->comm, ARKStepSetNonlinearSolver(in->mem, in->nls));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}
