/* SUNDIALS' own Newton iteration with our band LU of the Newton matrix (-integrator_newton modified,
 * the default of the implicit integrators).
 *
 * CVODE and ARKODE run a *modified* Newton iteration: the matrix M = I - gamma df/du and its
 * factorization are kept over several steps, the Jacobian is re-evaluated only every msbj steps or
 * after a convergence failure, M is re-formed when gamma moved by more than dgmax or every msbp
 * steps, and the stale gamma is corrected by scaling the solution with 2/(1 + gamma/gamma_M)
 * (Hindmarsh et al., ACM TOMS 31, 363 (2005), sections 2.1-2.2; the CVODE user guide). Their Newton
 * test uses the order-dependent tolerance of the BDF method, and there is no extra residual
 * evaluation after the last update. The SNES route (-integrator_newton snes, newton.c) forms a fresh
 * Jacobian and a PETSc LU at every iteration instead.
 *
 * SUNDIALS' linear-solver interface wants a SUNMatrix and a SUNLinearSolver. Here the matrix is a
 * token (the band lives in FrgBandLU, band.c), our linear-system callback evaluates the analytic KT
 * Jacobian band only when SUNDIALS says the saved one is stale (jok false), the solver's setup forms
 * and factors M, and its solve runs the triangular solves. */
#include <frg/integrator.h>
#include <cvode/cvode.h>
#include <cvode/cvode_ls.h>
#include <arkode/arkode_arkstep.h>
#include <nvector/nvector_petsc.h>

/* ---- SUNMatrix token: the integrator, whose FrgBandLU holds the band ------------------------------ */
static SUNMatrix_ID FrgSUNMatGetID(SUNMatrix A) { return SUNMATRIX_CUSTOM; }

static SUNMatrix FrgSUNMatToken(void *in, SUNContext sunctx);

/* SUNDIALS clones the matrix for its own saved Jacobian, unused with a linear-system callback */
static SUNMatrix FrgSUNMatClone(SUNMatrix A) { return FrgSUNMatToken(A->content, A->sunctx); }

static void FrgSUNMatDestroy(SUNMatrix A) { SUNMatFreeEmpty(A); }

static SUNMatrix FrgSUNMatToken(void *in, SUNContext sunctx)
{
  SUNMatrix A = SUNMatNewEmpty(sunctx);

  if (!A) return NULL;
  A->content      = in;
  A->ops->getid   = FrgSUNMatGetID;
  A->ops->clone   = FrgSUNMatClone;
  A->ops->destroy = FrgSUNMatDestroy;
  return A;
}

/* ---- direct SUNLinearSolver on the band LU --------------------------------------------------- */
static SUNLinearSolver_Type FrgSUNLinSolGetType(SUNLinearSolver LS) { return SUNLINEARSOLVER_DIRECT; }
static SUNLinearSolver_ID   FrgSUNLinSolGetID(SUNLinearSolver LS) { return SUNLINEARSOLVER_CUSTOM; }
static int                  FrgSUNLinSolInitialize(SUNLinearSolver LS) { return 0; }

/* Forms and factors M. A zero pivot (M singular for this gamma) is recoverable: the integrator retries
 * with a smaller step. */
static int FrgSUNLinSolSetup(SUNLinearSolver LS, SUNMatrix A)
{
  FrgIntegrator in = (FrgIntegrator)LS->content;
  PetscBool     singular;

  if (FrgBandLUFactor(in->band, in->gamma, &singular)) return SUNLS_PACKAGE_FAIL_UNREC;
  in->linear_setups++;
  return singular ? SUNLS_PACKAGE_FAIL_REC : SUNLS_SUCCESS;
}

static int FrgSUNLinSolSolve(SUNLinearSolver LS, SUNMatrix A, N_Vector x, N_Vector b, double tol)
{
  FrgIntegrator in = (FrgIntegrator)LS->content;

  return FrgBandLUSolve(in->band, N_VGetVector_Petsc(b), N_VGetVector_Petsc(x)) ? SUNLS_PACKAGE_FAIL_UNREC : SUNLS_SUCCESS;
}

static int FrgSUNLinSolFree(SUNLinearSolver LS)
{
  SUNLinSolFreeEmpty(LS);
  return 0;
}

/* ---- the linear system M = I - gamma df/du ---------------------------------------------------- */
/* Re-evaluates the saved Jacobian when SUNDIALS says it is stale; M itself is formed and factored by
 * the solver's setup, which SUNDIALS calls next. */
static int FrgFormNewtonMatrix(FrgIntegrator in, double t, N_Vector y, N_Vector fy, int jok, int *jcur, double gamma)
{
  PetscReal *J;

  *jcur     = !jok;
  in->gamma = gamma;
  if (jok) return 0;
  if (FrgBandLUGetJacobian(in->band, &J)) return -1;
  return FrgOperatorJacobianBandState(in->op, t, N_VGetVector_Petsc(y), N_VGetVector_Petsc(fy), J) ? -1 : 0;
}

static int FrgLinSysCVODE(double t, N_Vector y, N_Vector fy, SUNMatrix A, int jok, int *jcur, double gamma, void *ctx, N_Vector t1, N_Vector t2, N_Vector t3)
{
  return FrgFormNewtonMatrix((FrgIntegrator)ctx, t, y, fy, jok, jcur, gamma);
}

static int FrgLinSysARKODE(double t, N_Vector y, N_Vector fy, SUNMatrix A, SUNMatrix M, int jok, int *jcur, double gamma, void *ctx, N_Vector t1, N_Vector t2,
                           N_Vector t3)
{
  return FrgFormNewtonMatrix((FrgIntegrator)ctx, t, y, fy, jok, jcur, gamma);
}

/* The band LU and the SUNDIALS objects, handed to CVODE or ARKODE. */
PETSC_INTERN PetscErrorCode FrgIntegratorLinearAttach(FrgIntegrator in)
{
  PetscInt n, nlocal;

  PetscFunctionBeginUser;
  PetscCall(VecGetSize(in->state, &n));
  PetscCall(VecGetLocalSize(in->state, &nlocal));
  PetscCall(FrgBandLUCreate(in->comm, n, nlocal, &in->band));
  in->M = FrgSUNMatToken(in, in->sunctx);
  PetscCheck(in->M, in->comm, PETSC_ERR_LIB, "SUNMatNewEmpty failed");
  in->LS = SUNLinSolNewEmpty(in->sunctx);
  PetscCheck(in->LS, in->comm, PETSC_ERR_LIB, "SUNLinSolNewEmpty failed");
  in->LS->content         = in;
  in->LS->ops->gettype    = FrgSUNLinSolGetType;
  in->LS->ops->getid      = FrgSUNLinSolGetID;
  in->LS->ops->initialize = FrgSUNLinSolInitialize;
  in->LS->ops->setup      = FrgSUNLinSolSetup;
  in->LS->ops->solve      = FrgSUNLinSolSolve;
  in->LS->ops->free       = FrgSUNLinSolFree;
  if (in->type == FRG_INTEGRATOR_CVODE_BDF) {
    FrgCallSUNDIALS(in->comm, CVodeSetLinearSolver(in->mem, in->LS, in->M));
    FrgCallSUNDIALS(in->comm, CVodeSetLinSysFn(in->mem, FrgLinSysCVODE));
    FrgCallSUNDIALS(in->comm, CVodeSetNonlinConvCoef(in->mem, in->newton_tol));
    if (in->jac_every) FrgCallSUNDIALS(in->comm, CVodeSetJacEvalFrequency(in->mem, in->jac_every));
    if (in->setup_every) FrgCallSUNDIALS(in->comm, CVodeSetLSetupFrequency(in->mem, in->setup_every));
  } else {
    FrgCallSUNDIALS(in->comm, ARKStepSetLinearSolver(in->mem, in->LS, in->M));
    FrgCallSUNDIALS(in->comm, ARKStepSetLinSysFn(in->mem, FrgLinSysARKODE));
    FrgCallSUNDIALS(in->comm, ARKStepSetNonlinConvCoef(in->mem, in->newton_tol));
    if (in->jac_every) FrgCallSUNDIALS(in->comm, ARKStepSetJacEvalFrequency(in->mem, in->jac_every));
    if (in->setup_every) FrgCallSUNDIALS(in->comm, ARKStepSetLSetupFrequency(in->mem, (int)in->setup_every));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}
