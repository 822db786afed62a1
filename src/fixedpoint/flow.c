/* The dimensionless flow near the fixed point, so users can watch a trajectory approach and leave it:
 *   d_t y = F(y)  (include/frg/fixedpoint.h, hat units, t = ln(k/Lambda) decreasing toward the IR),
 * for y = u'(rho) on the Chebyshev grid of the fixed-point solver, or y = (kappa, a_1, ..., a_{n-1}) of
 * the Taylor truncation (the beta functions FrgTaylorBeta of the fixed-point solver). Both are
 * integrated by SUNDIALS CVODE (BDF, dense direct linear solver; the collocation operator is stiff, its
 * irrelevant eigenvalues reach -theta ~ -n^2). Start: y* + delta with delta = epsilon_1 e_1 + epsilon_2 e_2
 * along the relevant (theta_1 = 1/nu) and first irrelevant (theta_2 = -omega) eigenvectors of the
 * stability matrix, or, on the grid without an irrelevant part, a constant shift of u'. Linearized,
 * |y - y*| ~ epsilon_2 exp(-omega |t|) + epsilon_1 exp(|t|/nu): with epsilon_2 >> epsilon_1 the trajectory
 * first approaches y* at rate omega, then leaves it at rate 1/nu: both exponents measured by flowing. */
#include "fixedpoint_impl.h"
#include <cvode/cvode.h>
#include <nvector/nvector_serial.h>
#include <sunlinsol/sunlinsol_dense.h>
#include <sunmatrix/sunmatrix_dense.h>

/* One right-hand side for CVODE: f = F(y) and/or J = dF/dy (column major); nonzero outside the domain. */
typedef struct {
  int (*function)(void *, const double y[], double f[], double J[]);
  void *context;
} FrgDimensionlessRhs;

typedef struct {
  const FrgFixedPointParams *params;
  int order;
} FrgTaylorContext;

static int FrgGridFunction(void *ctx, const double y[], double f[], double J[])
{
  return FrgLpaSolverRightHandSide((FrgLpaSolver)ctx, y, f, J);
}

static int FrgTaylorFunction(void *ctx, const double y[], double f[], double J[])
{
  FrgTaylorContext *taylor = (FrgTaylorContext *)ctx;

  if (f && FrgTaylorBeta(taylor->params, taylor->order, y, f)) return 1;
  return J ? FrgTaylorJacobian(taylor->params, taylor->order, y, J) : 0;
}

static int FrgFlowRhs(sunrealtype t, N_Vector y, N_Vector ydot, void *ctx)
{
  FrgDimensionlessRhs *rhs = (FrgDimensionlessRhs *)ctx;
  return rhs->function(rhs->context, N_VGetArrayPointer(y), N_VGetArrayPointer(ydot), NULL) ? 1 : 0; /* 1: recoverable, CVODE retries smaller */
}

static int FrgFlowJacobian(sunrealtype t, N_Vector y, N_Vector fy, SUNMatrix J, void *ctx, N_Vector t1, N_Vector t2, N_Vector t3)
{
  FrgDimensionlessRhs *rhs = (FrgDimensionlessRhs *)ctx;
  return rhs->function(rhs->context, N_VGetArrayPointer(y), NULL, SUNDenseMatrix_Data(J)) ? 1 : 0; /* both column major */
}

#define FrgCallCVODE(comm, call)                                                                                                                               \
  do {                                                                                                                                                         \
    int flag_ = (call);                                                                                                                                        \
    PetscCheck(flag_ >= 0, comm, PETSC_ERR_LIB, "CVODE call %s failed: %s", #call, CVodeGetReturnFlagName(flag_));                                             \
  } while (0)

/* Right eigenvector of J for the eigenvalue -theta (real part), by inverse iteration with a dense LU of
 * J + theta (1 + 1e-10) I; normalized to max norm 1 with a positive largest entry. */
static PetscErrorCode FrgFixedPointEigenvector(PetscInt n, const PetscReal J[], PetscReal theta, PetscReal vector[])
{
  Mat A;
  Vec x, b;
  PetscScalar *a;
  const PetscScalar *xa;
  PetscReal norm;
  PetscInt imax = 0;

  PetscFunctionBeginUser;
  PetscCall(MatCreateSeqDense(PETSC_COMM_SELF, n, n, NULL, &A));
  PetscCall(MatDenseGetArray(A, &a));
  PetscCall(PetscArraycpy(a, J, n * n));
  for (PetscInt i = 0; i < n; i++) a[i + i * n] += theta * (1 + 1e-10) + 1e-14;
  PetscCall(MatDenseRestoreArray(A, &a));
  PetscCall(MatAssemblyBegin(A, MAT_FINAL_ASSEMBLY));
  PetscCall(MatAssemblyEnd(A, MAT_FINAL_ASSEMBLY));
  PetscCall(MatLUFactor(A, NULL, NULL, NULL));
  PetscCall(MatCreateVecs(A, &x, &b));
  PetscCall(VecSet(b, 1));
  for (PetscInt it = 0; it < 3; it++) {
    PetscCall(MatSolve(A, b, x));
    PetscCall(VecNorm(x, NORM_INFINITY, &norm));
    PetscCall(VecScale(x, 1 / norm));
    PetscCall(VecCopy(x, b));
  }
  PetscCall(VecGetArrayRead(x, &xa));
  for (PetscInt i = 0; i < n; i++)
    if (PetscAbsReal(xa[i]) > PetscAbsReal(xa[imax])) imax = i;
  for (PetscInt i = 0; i < n; i++) vector[i] = xa[imax] > 0 ? xa[i] : -xa[i];
  PetscCall(VecRestoreArrayRead(x, &xa));
  PetscCall(VecDestroy(&x));
  PetscCall(VecDestroy(&b));
  PetscCall(MatDestroy(&A));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Rates from the stored deviation: leaving, over the second half of the stretch after the closest
 * approach (or the last half of the run); approaching, over the first half of the stretch before it. */
static void FrgDimensionlessFlowRates(FrgDimensionlessFlow *flow)
{
  PetscInt count = flow->count, closest = 0, start;

  for (PetscInt k = 1; k < count; k++)
    if (flow->deviation[k] < flow->deviation[closest]) closest = k;
  start          = PetscMax(count / 2 - 1, (closest + count - 1) / 2);
  flow->growth   = (PetscLogReal(flow->deviation[count - 1]) - PetscLogReal(flow->deviation[start])) / (flow->t[start] - flow->t[count - 1]);
  flow->closest  = flow->t[closest];
  flow->approach = 0;
  if (closest >= 2) flow->approach = (PetscLogReal(flow->deviation[0]) - PetscLogReal(flow->deviation[closest / 2])) / (flow->t[0] - flow->t[closest / 2]);
}

/* CVODE BDF from y0 to t = -T, count outputs of |y - y*|_max, y[0] and (if flow->state) all of y. */
static PetscErrorCode FrgDimensionlessFlowIntegrate(MPI_Comm comm, FrgDimensionlessRhs *rhs, PetscInt m, const PetscReal ystar[], const PetscReal y0[],
                                                    PetscReal T, FrgDimensionlessFlow *flow)
{
  SUNContext sunctx;
  N_Vector y;
  SUNMatrix A;
  SUNLinearSolver ls;
  void *cvode;
  sunrealtype t = 0;

  PetscFunctionBeginUser;
  PetscCheck(!SUNContext_Create(NULL, &sunctx), comm, PETSC_ERR_LIB, "SUNContext_Create failed");
  y = N_VNew_Serial((sunindextype)m, sunctx);
  for (PetscInt i = 0; i < m; i++) NV_Ith_S(y, i) = y0[i];
  A     = SUNDenseMatrix((sunindextype)m, (sunindextype)m, sunctx);
  ls    = SUNLinSol_Dense(y, A, sunctx);
  cvode = CVodeCreate(CV_BDF, sunctx);
  FrgCallCVODE(comm, CVodeInit(cvode, FrgFlowRhs, 0.0, y));
  FrgCallCVODE(comm, CVodeSStolerances(cvode, 1e-11, 1e-13));
  FrgCallCVODE(comm, CVodeSetUserData(cvode, rhs));
  FrgCallCVODE(comm, CVodeSetLinearSolver(cvode, ls, A));
  FrgCallCVODE(comm, CVodeSetJacFn(cvode, FrgFlowJacobian));
  FrgCallCVODE(comm, CVodeSetMaxNumSteps(cvode, 100000));
  /* the perturbation grows or decays like e^{theta t} with |theta| of order 1: a longer step can pass
   * over its growth while it is still below the tolerance (the flows' bound, include/frg/impl.h) */
  FrgCallCVODE(comm, CVodeSetMaxStep(cvode, FRG_RG_STEP_MAX));
  for (PetscInt k = 0; k < flow->count; k++) {
    PetscReal dev = 0;
    FrgCallCVODE(comm, CVode(cvode, -T * (k + 1) / flow->count, y, &t, CV_NORMAL));
    for (PetscInt i = 0; i < m; i++) dev = PetscMax(dev, PetscAbsReal(NV_Ith_S(y, i) - ystar[i]));
    flow->t[k] = t, flow->deviation[k] = dev, flow->v0[k] = NV_Ith_S(y, 0);
    if (flow->state)
      for (PetscInt i = 0; i < m; i++) flow->state[i * flow->count + k] = NV_Ith_S(y, i);
  }
  FrgDimensionlessFlowRates(flow);
  CVodeFree(&cvode);
  SUNLinSolFree(ls);
  SUNMatDestroy(A);
  N_VDestroy(y);
  SUNContext_Free(&sunctx);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* y0 = y* + relevant e_1 + irrelevant e_2 (eigenvectors of the stability matrix at y*); with
 * shift = PETSC_TRUE and no irrelevant part, y* + relevant in every component instead. */
static PetscErrorCode FrgDimensionlessFlowStart(MPI_Comm comm, FrgDimensionlessRhs *rhs, PetscInt m, const FrgFixedPointResult *fp, const PetscReal ystar[],
                                                PetscBool shift, PetscReal relevant, PetscReal irrelevant, PetscReal y0[])
{
  PetscReal *J, *e;

  PetscFunctionBeginUser;
  for (PetscInt i = 0; i < m; i++) y0[i] = ystar[i] + (shift && irrelevant == 0 ? relevant : 0);
  if (shift && irrelevant == 0) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCheck(irrelevant == 0 || (fp->ntheta > 1 && fp->theta[1] < 0), comm, PETSC_ERR_USER_INPUT,
             "-fixedpoint_flow_irrelevant needs an irrelevant eigenvalue theta_2 < 0, got %g", fp->ntheta > 1 ? (double)fp->theta[1] : 0.0);
  PetscCall(PetscMalloc2(m * m, &J, m, &e));
  PetscCheck(!rhs->function(rhs->context, ystar, NULL, J), comm, PETSC_ERR_LIB, "the stability matrix at the fixed point could not be formed");
  PetscCall(FrgFixedPointEigenvector(m, J, fp->theta[0], e));
  for (PetscInt i = 0; i < m; i++) y0[i] += relevant * e[i];
  if (irrelevant != 0) {
    PetscCall(FrgFixedPointEigenvector(m, J, fp->theta[1], e));
    for (PetscInt i = 0; i < m; i++) y0[i] += irrelevant * e[i];
  }
  PetscCall(PetscFree2(J, e));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode FrgDimensionlessFlowRun(MPI_Comm comm, FrgDimensionlessRhs *rhs, PetscInt m, const FrgFixedPointResult *fp, PetscBool shift,
                                              const FrgDimensionlessFlowSettings *settings, FrgDimensionlessFlow *flow)
{
  PetscReal *y0;

  PetscFunctionBeginUser;
  flow->count = 40, flow->dimension = m;
  PetscCall(PetscMalloc3(flow->count, &flow->t, flow->count, &flow->deviation, flow->count, &flow->v0));
  if (!shift) PetscCall(PetscMalloc1(m * flow->count, &flow->state));
  PetscCall(PetscMalloc1(m, &y0));
  PetscCall(FrgDimensionlessFlowStart(comm, rhs, m, fp, fp->v, shift, settings->relevant, settings->irrelevant, y0));
  PetscCall(FrgDimensionlessFlowIntegrate(comm, rhs, m, fp->v, y0, settings->time, flow));
  PetscCall(PetscFree(y0));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode FrgLpaFlow(MPI_Comm comm, FrgLpaSolver s, const FrgFixedPointResult *fp, const FrgDimensionlessFlowSettings *settings,
                          FrgDimensionlessFlow *flow)
{
  FrgDimensionlessRhs rhs = {FrgGridFunction, s};

  PetscFunctionBeginUser;
  PetscCall(FrgDimensionlessFlowRun(comm, &rhs, fp->points + 1, fp, PETSC_TRUE, settings, flow));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode FrgTaylorFlow(MPI_Comm comm, const FrgFixedPointParams *params, const FrgFixedPointResult *fp, const FrgDimensionlessFlowSettings *settings,
                             FrgDimensionlessFlow *flow)
{
  FrgTaylorContext taylor = {params, (int)fp->points};
  FrgDimensionlessRhs rhs = {FrgTaylorFunction, &taylor};

  PetscFunctionBeginUser;
  PetscCall(FrgDimensionlessFlowRun(comm, &rhs, fp->points, fp, PETSC_FALSE, settings, flow));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode FrgDimensionlessFlowDestroy(FrgDimensionlessFlow *flow)
{
  PetscFunctionBeginUser;
  PetscCall(PetscFree3(flow->t, flow->deviation, flow->v0));
  PetscCall(PetscFree(flow->state));
  PetscFunctionReturn(PETSC_SUCCESS);
}
