/* The second route to the score (doc/physics.md 2.3): the smoothed log-density V_s = -ln p_s solves the 0D
 * Polchinski equation  dV/ds = (V'' - V'^2)/2; its slope v = V' = -score obeys the viscous Burgers law
 *     dv/ds = d_x [ (v_x - v^2)/2 ],
 * solved here on cells of the flow's spacing (x = phi, no warping) over [-X, X], X = -score_density_phi_max
 * (default: the flow's -grid_phi_max + 4 sqrt(largest checked s), since p_s widens with s and the flow's
 * warped grid x = phi + s u reaches that far while a fixed grid does not), in tau = ln s (dv/dtau = s dv/ds),
 * from v = S' (exact cell averages) at s = 1/Lambda^2, by the same method as the flow: CVODE BDF with
 * the same -rtol/-atol and modified Newton, the exact Jacobian band (density_kernels.c) factored by
 * frg's band LU (src/integrate/band.c), frg's serial vector operations (Debian's SUNDIALS band solver,
 * difference-quotient Jacobian and serial vectors, compiled without optimization, had taken 1 s of a
 * sample run). Finite volumes: the update
 * of a cell average is exact given the point flux G = (v_x - v^2)/2 at the interfaces, which we take
 * to fourth order from four cell averages,
 *     v_{i+1/2} = (-v_{i-1} + 7 v_i + 7 v_{i+1} - v_{i+2})/12,  v_x = (v_{i-1} - 15 v_i + 15 v_{i+1} - v_{i+2})/(12 h),
 * central (no limiter clips the score at its extrema; the viscosity 1/2 keeps it smooth). Ghost cells
 * extrapolate linearly: in the tails p_s is
 * Gaussian-like and v linear in x, and the characteristics dx/ds = v leave the domain (outflow).
 * The score table of this route has one node per cell: S = -v, dS/dx = -v_x, dS/dtau = -dv/dtau at the
 * point values (fourth-order deconvolution of the cell averages). */
#include "sampler.h"
#include <cvode/cvode.h>
#include <cvode/cvode_ls.h>
#include <nvector/nvector_serial.h>

/* The integration's context: the grid, and the Newton matrix's band LU with Vec views of CVODE's
 * serial arrays for its solves. */
typedef struct {
  int       n;
  double    h, gamma;
  FrgBandLU lu;
  Vec       b, x;
} FrgDensityContext;

static int FrgDensityRHS(double tau, N_Vector y, N_Vector ydot, void *ctx)
{
  const FrgDensityContext *c = (const FrgDensityContext *)ctx;

  FrgDensityRate(c->n, c->h, tau, N_VGetArrayPointer(y), N_VGetArrayPointer(ydot));
  return 0;
}

/* ---- the Newton matrix I - gamma J on frg's band LU ----------------------------------------- */
/* CVODE's linear-system callback: the exact Jacobian when the saved one is stale (jok false); the
 * solver's setup that CVODE calls next forms and factors I - gamma J. */
static int FrgDensityLinSys(double tau, N_Vector y, N_Vector fy, SUNMatrix A, int jok, int *jcur, double gamma, void *ctx, N_Vector t1, N_Vector t2, N_Vector t3)
{
  FrgDensityContext *c = (FrgDensityContext *)ctx;
  PetscReal         *J;

  *jcur    = !jok;
  c->gamma = gamma;
  if (jok) return 0;
  if (FrgBandLUGetJacobian(c->lu, &J)) return -1;
  FrgDensityJacobianBand(c->n, c->h, tau, N_VGetArrayPointer(y), J);
  return 0;
}

static SUNLinearSolver_Type FrgDensityLSType(SUNLinearSolver S) { return SUNLINEARSOLVER_DIRECT; }
static SUNLinearSolver_ID   FrgDensityLSID(SUNLinearSolver S) { return SUNLINEARSOLVER_CUSTOM; }

static int FrgDensityLSSetup(SUNLinearSolver S, SUNMatrix A)
{
  FrgDensityContext *c = (FrgDensityContext *)S->content;
  PetscBool          singular;

  if (FrgBandLUFactor(c->lu, c->gamma, &singular)) return SUNLS_PACKAGE_FAIL_UNREC;
  return singular ? SUNLS_PACKAGE_FAIL_REC : SUNLS_SUCCESS;
}

static int FrgDensityLSSolve(SUNLinearSolver S, SUNMatrix A, N_Vector x, N_Vector b, double tol)
{
  FrgDensityContext *c = (FrgDensityContext *)S->content;
  int                err;

  if (VecPlaceArray(c->b, N_VGetArrayPointer(b)) || VecPlaceArray(c->x, N_VGetArrayPointer(x))) return SUNLS_PACKAGE_FAIL_UNREC;
  err = (int)FrgBandLUSolve(c->lu, c->b, c->x);
  if (VecResetArray(c->b) || VecResetArray(c->x) || err) return SUNLS_PACKAGE_FAIL_UNREC;
  return SUNLS_SUCCESS;
}

static int FrgDensityLSFree(SUNLinearSolver S)
{
  SUNLinSolFreeEmpty(S);
  return 0;
}

static SUNMatrix_ID FrgDensityMatID(SUNMatrix A) { return SUNMATRIX_CUSTOM; }
static void         FrgDensityMatDestroy(SUNMatrix A) { SUNMatFreeEmpty(A); }
static SUNMatrix    FrgDensityMatClone(SUNMatrix A);

/* A token matrix for CVODE (the band lives in the FrgBandLU) */
static SUNMatrix FrgDensityMatToken(SUNContext sun)
{
  SUNMatrix A = SUNMatNewEmpty(sun);

  if (A) {
    A->ops->getid   = FrgDensityMatID;
    A->ops->clone   = FrgDensityMatClone;
    A->ops->destroy = FrgDensityMatDestroy;
  }
  return A;
}

static SUNMatrix FrgDensityMatClone(SUNMatrix A) { return FrgDensityMatToken(A->sunctx); }

/* The solver objects on CVODE, and the band LU with its Vec views. */
static PetscErrorCode FrgDensityLinearCreate(FrgDensityContext *c, SUNContext sun, SUNMatrix *A, SUNLinearSolver *LS)
{
  PetscFunctionBeginUser;
  PetscCall(FrgBandLUCreate(PETSC_COMM_SELF, c->n, c->n, &c->lu));
  PetscCall(VecCreateSeqWithArray(PETSC_COMM_SELF, 1, c->n, NULL, &c->b));
  PetscCall(VecCreateSeqWithArray(PETSC_COMM_SELF, 1, c->n, NULL, &c->x));
  *A  = FrgDensityMatToken(sun);
  *LS = SUNLinSolNewEmpty(sun);
  PetscCheck(*A && *LS, PETSC_COMM_SELF, PETSC_ERR_LIB, "SUNDIALS matrix or linear solver could not be created");
  (*LS)->content         = c;
  (*LS)->ops->gettype    = FrgDensityLSType;
  (*LS)->ops->getid      = FrgDensityLSID;
  (*LS)->ops->setup      = FrgDensityLSSetup;
  (*LS)->ops->solve      = FrgDensityLSSolve;
  (*LS)->ops->free       = FrgDensityLSFree;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* One level of the density table at the current state (rate = dv/dtau). */
static void FrgDensityStoreLevel(FrgScoreFlow *sf, FrgScoreTable *t, int l, const double *v, const double *rate, double *work)
{
  const int n = (int)sf->density_cells;
  double *vp = work, *w = work + n, *rp = work + 2 * n, *node = t->node + 3 * (size_t)l * t->points;

  FrgPointValues(n, v, vp);
  FrgSlopes(n, sf->density_h, vp, w);
  FrgPointValues(n, rate, rp);
  for (int i = 0; i < n; i++) {
    node[3 * i]     = -vp[i];
    node[3 * i + 1] = -w[i];
    node[3 * i + 2] = -rp[i];
  }
  t->x0[l]     = -sf->density_phi_max + 0.5 * sf->density_h;
  t->dx[l]     = sf->density_h;
  t->inv_dx[l] = 1.0 / sf->density_h;
}

/* v = S' as exact cell averages where S - min S <= 40; beyond, v continues linearly with unit slope
 * (a Gaussian tail): that changes p_0 only where it is below e^{-40} of its maximum, and keeps the steep
 * S' of the far tails (phi^3 ~ 1e5 at phi = 50) from making the equation stiff for nothing. */
static PetscErrorCode FrgDensityInitial(FrgScoreFlow *sf, double *v)
{
  const PetscInt n = sf->density_cells;
  PetscReal *S, Smin = PETSC_MAX_REAL;
  PetscInt first = -1, last = -1;

  PetscFunctionBeginUser;
  PetscCall(PetscMalloc1(n + 1, &S));
  for (PetscInt i = 0; i <= n; i++) {
    PetscCall(FrgModelPotential(sf->model, -sf->density_phi_max + i * sf->density_h, &S[i]));
    Smin = PetscMin(Smin, S[i]);
  }
  for (PetscInt i = 0; i <= n; i++)
    if (S[i] - Smin <= 40) last = i, first = first < 0 ? i : first;
  for (PetscInt i = first; i < last; i++) v[i] = (S[i + 1] - S[i]) / sf->density_h;
  for (PetscInt i = first - 1; i >= 0; i--) v[i] = v[i + 1] - sf->density_h;
  for (PetscInt i = last; i < n; i++) v[i] = v[i - 1] + sf->density_h;
  PetscCall(PetscFree(S));
  PetscFunctionReturn(PETSC_SUCCESS);
}

#define FrgCallCVODE(call)                                                                                                                                     \
  do {                                                                                                                                                         \
    int frg_flag_ = (call);                                                                                                                                    \
    PetscCheck(frg_flag_ >= 0, sf->comm, PETSC_ERR_NOT_CONVERGED, "smoothed log-density route: %s failed with flag %d (%s)", #call, frg_flag_,                 \
               CVodeGetReturnFlagName(frg_flag_));                                                                                                             \
  } while (0)

/* Integrates the density route over the table levels and fills sf->density_table. Not collective
 * (every rank computes the same). */
PetscErrorCode FrgScoreFlowSolveDensity(FrgScoreFlow *sf)
{
  FrgDensityContext ctx = {(int)sf->density_cells, sf->density_h, 0, NULL, NULL, NULL};
  FrgScoreTable *t      = &sf->density_table;
  SUNContext sun;
  N_Vector y;
  SUNMatrix A = NULL;
  SUNLinearSolver LS = NULL;
  void *mem;
  double *rate, *work, tau;
  const double start = MPI_Wtime();
  MPI_Comm self      = PETSC_COMM_SELF;

  PetscFunctionBeginUser;
  *t        = sf->table;
  t->points = (int)sf->density_cells;
  PetscCall(PetscMalloc4(sf->levels, &t->x0, sf->levels, &t->dx, sf->levels, &t->inv_dx, 3 * sf->levels * sf->density_cells, &t->node));
  PetscCall(PetscMalloc2(sf->density_cells, &rate, 3 * sf->density_cells, &work));
  PetscCallExternal(SUNContext_Create, (void *)&self, &sun);
  y = N_VNew_Serial(sf->density_cells, sun);
  PetscCheck(y, PETSC_COMM_SELF, PETSC_ERR_LIB, "N_VNew_Serial failed");
  PetscCall(FrgNVectorSerialOps(y));
  PetscCall(FrgDensityInitial(sf, N_VGetArrayPointer(y)));
  mem = CVodeCreate(CV_BDF, sun);
  FrgCallCVODE(CVodeInit(mem, FrgDensityRHS, PetscLogReal(sf->s_uv), y));
  FrgCallCVODE(CVodeSStolerances(mem, sf->integrator->rtol, sf->integrator->atol));
  FrgCallCVODE(CVodeSetUserData(mem, &ctx));
  FrgCallCVODE(CVodeSetMaxNumSteps(mem, (long)sf->integrator->max_steps));
  /* tau = ln s = 2 t - 2 ln Lambda: the flow's bound on RG-time steps (-integrator_max_dt) */
  if (sf->integrator->max_dt > 0) FrgCallCVODE(CVodeSetMaxStep(mem, 2 * sf->integrator->max_dt));
  PetscCall(FrgDensityLinearCreate(&ctx, sun, &A, &LS));
  FrgCallCVODE(CVodeSetLinearSolver(mem, LS, A));
  FrgCallCVODE(CVodeSetLinSysFn(mem, FrgDensityLinSys));
  /* the flow's reuse (FrgIntegratorCreate): Jacobian and matrix at least every 2 steps */
  FrgCallCVODE(CVodeSetJacEvalFrequency(mem, 2));
  FrgCallCVODE(CVodeSetLSetupFrequency(mem, 2));
  /* the levels in between are interpolated (CV_NORMAL): stopping at each of them cut the steps */
  FrgCallCVODE(CVodeSetStopTime(mem, t->tau0 + (t->levels - 1) * t->dtau));
  for (int l = 0; l < t->levels; l++) {
    const double tau_l = t->tau0 + l * t->dtau;
    FrgCallCVODE(CVode(mem, tau_l, y, &tau, CV_NORMAL));
    FrgDensityRate(ctx.n, ctx.h, tau_l, N_VGetArrayPointer(y), rate);
    FrgDensityStoreLevel(sf, t, l, N_VGetArrayPointer(y), rate, work);
  }
  FrgCallCVODE(CVodeGetNumSteps(mem, &sf->density_steps));
  CVodeFree(&mem);
  SUNLinSolFree(LS);
  SUNMatDestroy(A);
  N_VDestroy(y);
  PetscCall(FrgBandLUDestroy(&ctx.lu));
  PetscCall(VecDestroy(&ctx.b));
  PetscCall(VecDestroy(&ctx.x));
  SUNContext_Free(&sun);
  PetscCall(PetscFree2(rate, work));
  sf->density_seconds = MPI_Wtime() - start;
  PetscFunctionReturn(PETSC_SUCCESS);
}
