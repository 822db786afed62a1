/* SUNDIALS' Newton iteration (SUNNonlinSol_Newton) with one addition: the accepted state must lie on
 * the physical side of the propagator pole.
 *
 * The right-hand side rejects a state beyond the pole (a recoverable failure, FrgSundialsRHS), but
 * SUNDIALS' Newton iteration evaluates it only at the iterates before the last update: a converged
 * correction can still carry the state across the pole (seen in the deep IR of the d = 3 broken phase,
 * where the flat region approaches the pole as k -> 0), and from such a state every retry fails. So the
 * propagator denominators of the accepted state are checked (FrgOperatorPoleCheck: the reconstruction
 * of the right-hand side without its fluxes); beyond the pole the solve reports a recoverable
 * convergence failure and the integrator retries with a smaller step. The SNES route
 * (newton.c) gets the same check from the residual SNES evaluates after its last update. */
#include <frg/integrator.h>
#include <nvector/nvector_petsc.h>
#include <sunnonlinsol/sunnonlinsol_newton.h>

static inline SUNNonlinearSolver FrgNLSInner(SUNNonlinearSolver S) { return ((FrgIntegrator)S->content)->nls_inner; }

static SUNNonlinearSolver_Type FrgNLSGetType(SUNNonlinearSolver S) { return SUNNONLINEARSOLVER_ROOTFIND; }
static int FrgNLSInitialize(SUNNonlinearSolver S) { return SUNNonlinSolInitialize(FrgNLSInner(S)); }
static int FrgNLSSetSysFn(SUNNonlinearSolver S, SUNNonlinSolSysFn f) { return SUNNonlinSolSetSysFn(FrgNLSInner(S), f); }
static int FrgNLSSetLSetupFn(SUNNonlinearSolver S, SUNNonlinSolLSetupFn f) { return SUNNonlinSolSetLSetupFn(FrgNLSInner(S), f); }
static int FrgNLSSetLSolveFn(SUNNonlinearSolver S, SUNNonlinSolLSolveFn f) { return SUNNonlinSolSetLSolveFn(FrgNLSInner(S), f); }
static int FrgNLSSetConvTestFn(SUNNonlinearSolver S, SUNNonlinSolConvTestFn f, void *ctx) { return SUNNonlinSolSetConvTestFn(FrgNLSInner(S), f, ctx); }
static int FrgNLSSetMaxIters(SUNNonlinearSolver S, int maxiters) { return SUNNonlinSolSetMaxIters(FrgNLSInner(S), maxiters); }
static int FrgNLSGetNumIters(SUNNonlinearSolver S, long *n) { return SUNNonlinSolGetNumIters(FrgNLSInner(S), n); }
static int FrgNLSGetCurIter(SUNNonlinearSolver S, int *n) { return SUNNonlinSolGetCurIter(FrgNLSInner(S), n); }
static int FrgNLSGetNumConvFails(SUNNonlinearSolver S, long *n) { return SUNNonlinSolGetNumConvFails(FrgNLSInner(S), n); }

static int FrgNLSFree(SUNNonlinearSolver S)
{
  FrgIntegrator in = (FrgIntegrator)S->content;

  if (in->nls_inner) SUNNonlinSolFree(in->nls_inner);
  in->nls_inner = NULL;
  SUNNonlinSolFreeEmpty(S);
  return 0;
}

static int FrgNLSSolve(SUNNonlinearSolver S, N_Vector y0, N_Vector ycor, N_Vector w, double tol, int call_setup, void *mem)
{
  FrgIntegrator in   = (FrgIntegrator)S->content;
  int           flag = SUNNonlinSolSolve(in->nls_inner, y0, ycor, w, tol, call_setup, mem);
  PetscReal     t, gamma;
  Vec           ypred;
  PetscBool     physical, near;

  if (flag != SUN_NLS_SUCCESS) return flag;
  if (FrgNewtonSystemData(in, &t, &ypred, &gamma)) return SUN_NLS_EXT_FAIL;
  if (VecWAXPY(in->work, 1.0, ypred, N_VGetVector_Petsc(ycor))) return SUN_NLS_EXT_FAIL;
  if (FrgOperatorPoleCheckState(in->op, t, in->work) || FrgOperatorPoleStatus(in->op, &physical, &near)) return SUN_NLS_EXT_FAIL;
  if (FrgIntegratorWantsLog(in, (PetscBool)!physical, near)) return SUN_NLS_EXT_FAIL; /* FrgIntegratorAdvance switches */
  if (!physical && FrgIntegratorPoleGiveUp(in)) {
    in->pole_reached = PETSC_TRUE; /* FrgIntegratorAdvance goes on with the SNES route */
    return SUN_NLS_EXT_FAIL;
  }
  if (!physical) {
    in->pole_rejections++;
    return SUN_NLS_CONV_RECVR;
  }
  in->pole_retries = 0;
  in->near_pole    = near; /* of the state this step will accept if its error test passes */
  return SUN_NLS_SUCCESS;
}

/* SUNDIALS' Newton solver on the state's vectors, wrapped with the check. */
PETSC_INTERN PetscErrorCode FrgIntegratorCheckedNewtonCreate(FrgIntegrator in)
{
  SUNNonlinearSolver S;

  PetscFunctionBeginUser;
  in->nls_inner = SUNNonlinSol_Newton(in->y, in->sunctx);
  PetscCheck(in->nls_inner, in->comm, PETSC_ERR_LIB, "SUNNonlinSol_Newton failed");
  S = SUNNonlinSolNewEmpty(in->sunctx);
  PetscCheck(S, in->comm, PETSC_ERR_LIB, "SUNNonlinSolNewEmpty failed");
  S->content              = in;
  S->ops->gettype         = FrgNLSGetType;
  S->ops->initialize      = FrgNLSInitialize;
  S->ops->solve           = FrgNLSSolve;
  S->ops->free            = FrgNLSFree;
  S->ops->setsysfn        = FrgNLSSetSysFn;
  S->ops->setlsetupfn     = FrgNLSSetLSetupFn;
  S->ops->setlsolvefn     = FrgNLSSetLSolveFn;
  S->ops->setctestfn      = FrgNLSSetConvTestFn;
  S->ops->setmaxiters     = FrgNLSSetMaxIters;
  S->ops->getnumiters     = FrgNLSGetNumIters;
  S->ops->getcuriter      = FrgNLSGetCurIter;
  S->ops->getnumconvfails = FrgNLSGetNumConvFails;
  in->nls                 = S;
  PetscFunctionReturn(PETSC_SUCCESS);
}
