/* The dimensionless LPA flow near the fixed point, so users can watch a trajectory leave it:
 *   d_t v = F[v]  (include/frg/fixedpoint.h, hat units, t = ln(k/Lambda) decreasing toward the IR),
 * on the Chebyshev grid of the fixed-point solver, integrated by SUNDIALS CVODE (BDF, dense direct
 * linear solver with the analytic collocation Jacobian; the collocation operator is stiff, its
 * irrelevant eigenvalues reach -theta ~ -n^2). Start: v* + delta (a mass shift, which has a component
 * along the relevant direction). Toward the IR the deviation grows like exp(theta_1 |t|) = exp(|t|/nu)
 * once the irrelevant components have decayed (rate >= omega): a check of the exponent by flowing. */
#include "fixedpoint_impl.h"
#include <cvode/cvode.h>
#include <nvector/nvector_serial.h>
#include <sunlinsol/sunlinsol_dense.h>
#include <sunmatrix/sunmatrix_dense.h>

static int FrgFlowRhs(sunrealtype t, N_Vector y, N_Vector ydot, void *ctx)
{
  return FrgLpaSolverRightHandSide((FrgLpaSolver)ctx, N_VGetArrayPointer(y), N_VGetArrayPointer(ydot), NULL) ? 1 : 0; /* 1: recoverable, CVODE retries smaller */
}

static int FrgFlowJacobian(sunrealtype t, N_Vector y, N_Vector fy, SUNMatrix J, void *ctx, N_Vector t1, N_Vector t2, N_Vector t3)
{
  return FrgLpaSolverRightHandSide((FrgLpaSolver)ctx, N_VGetArrayPointer(y), NULL, SUNDenseMatrix_Data(J)) ? 1 : 0; /* both column major */
}

#define FrgCallCVODE(comm, call) \
  do { \
    int flag_ = (call); \
    PetscCheck(flag_ >= 0, comm, PETSC_ERR_LIB, "CVODE call %s failed: %s", #call, CVodeGetReturnFlagName(flag_)); \
  } while (0)

PetscErrorCode FrgLpaFlow(MPI_Comm comm, FrgLpaSolver s, const FrgFixedPointResult *fp, PetscReal T, PetscReal delta, FrgDimensionlessFlow *flow)
{
  SUNContext         sunctx;
  N_Vector           y;
  SUNMatrix          A;
  SUNLinearSolver    ls;
  void              *cvode;
  PetscInt           m = fp->points + 1, count = 40;
  sunrealtype        t = 0;

  PetscFunctionBeginUser;
  PetscCheck(!SUNContext_Create(NULL, &sunctx), comm, PETSC_ERR_LIB, "SUNContext_Create failed");
  y = N_VNew_Serial((sunindextype)m, sunctx);
  for (PetscInt i = 0; i < m; i++) NV_Ith_S(y, i) = fp->v[i] + delta;
  A     = SUNDenseMatrix((sunindextype)m, (sunindextype)m, sunctx);
  ls    = SUNLinSol_Dense(y, A, sunctx);
  cvode = CVodeCreate(CV_BDF, sunctx);
  FrgCallCVODE(comm, CVodeInit(cvode, FrgFlowRhs, 0.0, y));
  FrgCallCVODE(comm, CVodeSStolerances(cvode, 1e-11, 1e-13));
  FrgCallCVODE(comm, CVodeSetUserData(cvode, s));
  FrgCallCVODE(comm, CVodeSetLinearSolver(cvode, ls, A));
  FrgCallCVODE(comm, CVodeSetJacFn(cvode, FrgFlowJacobian));
  FrgCallCVODE(comm, CVodeSetMaxNumSteps(cvode, 100000));
  flow->count = count;
  PetscCall(PetscMalloc3(count, &flow->t, count, &flow->deviation, count, &flow->v0));
  for (PetscInt k = 0; k < count; k++) {
    PetscReal dev = 0;
    FrgCallCVODE(comm, CVode(cvode, -T * (k + 1) / count, y, &t, CV_NORMAL));
    for (PetscInt i = 0; i < m; i++) dev = PetscMax(dev, PetscAbsReal(NV_Ith_S(y, i) - fp->v[i]));
    flow->t[k] = t, flow->deviation[k] = dev, flow->v0[k] = NV_Ith_S(y, 0);
  }
  flow->growth = (PetscLogReal(flow->deviation[count - 1]) - PetscLogReal(flow->deviation[count / 2 - 1])) / (flow->t[count / 2 - 1] - flow->t[count - 1]);
  CVodeFree(&cvode);
  SUNLinSolFree(ls);
  SUNMatDestroy(A);
  N_VDestroy(y);
  SUNContext_Free(&sunctx);
  PetscFunctionReturn(PETSC_SUCCESS);
}
