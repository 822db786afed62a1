/* Task "fixedpoint": the Wilson-Fisher fixed point of the dimensionless O(N) flow (DESIGN.md 2.2) for
 * the deck's N, d, truncation and regulator, and its critical exponents nu = 1/theta_1 and
 * omega = -theta_2 from the eigenvalues theta_i of minus the stability matrix. Prints a table and
 * writes HDF5 /summary attributes (nu, omega, eta, kappa, lambda, theta_1..), /parameters and, for the
 * grid, /fixedpoint/rho and /fixedpoint/v (v = u'(rho-tilde) at the fixed point).
 * Every rank computes the small dense problem; rank 0's result is broadcast, so the output does not
 * depend on the number of ranks. */
#include "fixedpoint_impl.h"

static const char *const FrgTruncationNames[]    = {"lpa", "taylor", "lpa_prime", "FrgTruncation", "FRG_TRUNCATION_", NULL};
static const char *const FrgRegulatorTypeNames[] = {"litim", "exponential", "mass_exponential", "FrgRegulatorType", "FRG_REGULATOR_", NULL};
typedef enum { FRG_TRUNCATION_LPA, FRG_TRUNCATION_TAYLOR, FRG_TRUNCATION_LPA_PRIME } FrgTruncation;

typedef struct {
  MPI_Comm         comm;
  PetscReal        N, d, alpha;
  FrgTruncation    truncation;
  FrgRegulatorType regulator;
  PetscInt         taylor_order;
  PetscReal        flow_time, flow_perturbation;
  FrgLpaSolver     lpa;
  FrgOutput        output;
} FrgFixedPointTask;

static PetscErrorCode FrgFixedPointTaskCreate(MPI_Comm comm, FrgFixedPointTask *task)
{
  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(task, sizeof(*task)));
  task->comm = comm, task->N = 1, task->d = 3, task->alpha = 1, task->taylor_order = 6, task->flow_perturbation = 1e-8;
  PetscOptionsBegin(comm, NULL, "Fixed point and critical exponents", "FrgFixedPoint");
  PetscCall(PetscOptionsReal("-N", "Number of field components N (real, >= 0)", "", task->N, &task->N, NULL));
  PetscCall(PetscOptionsReal("-d", "Dimension d (real, 2 < d < 4 for the Wilson-Fisher fixed point)", "", task->d, &task->d, NULL));
  PetscCall(PetscOptionsEnum("-truncation", "Truncation of the effective action", "", FrgTruncationNames, (PetscEnum)task->truncation, (PetscEnum *)&task->truncation, NULL));
  PetscCall(PetscOptionsInt("-taylor_order", "Order n of the Taylor truncation in (rho - kappa), 2..12", "", task->taylor_order, &task->taylor_order, NULL));
  PetscCall(PetscOptionsEnum("-regulator", "Regulator shape", "", FrgRegulatorTypeNames, (PetscEnum)task->regulator, (PetscEnum *)&task->regulator, NULL));
  PetscCall(PetscOptionsReal("-regulator_alpha", "Amplitude alpha of the mass_exponential regulator R = alpha k^2 exp(-q^2/k^2)", "", task->alpha, &task->alpha, NULL));
  PetscCall(PetscOptionsReal("-fixedpoint_flow_time", "Then flow the dimensionless potential from v* + perturbation toward the IR for this RG time (0: no flow)", "", task->flow_time, &task->flow_time, NULL));
  PetscCall(PetscOptionsReal("-fixedpoint_flow_perturbation", "Constant shift of u'(rho) at the start of the dimensionless flow", "", task->flow_perturbation, &task->flow_perturbation, NULL));
  PetscOptionsEnd();
  PetscCheck(task->flow_time >= 0 && task->flow_time <= 100, comm, PETSC_ERR_USER_INPUT, "-fixedpoint_flow_time must be in [0, 100], got %g", (double)task->flow_time);
  PetscCheck(task->flow_time == 0 || task->truncation != FRG_TRUNCATION_TAYLOR, comm, PETSC_ERR_USER_INPUT, "-fixedpoint_flow_time needs a grid truncation (lpa or lpa_prime at fixed eta), got -truncation taylor");
  PetscCheck(task->N >= 0, comm, PETSC_ERR_USER_INPUT, "-N must be >= 0, got %g", (double)task->N);
  PetscCheck(task->d > 2 && task->d < 4, comm, PETSC_ERR_USER_INPUT,
             "-d must lie in (2, 4) for the Wilson-Fisher fixed point, got %g (no fixed point there: it merges with the Gaussian one at d = 4, and d = 2 is the lower critical dimension)",
             (double)task->d);
  PetscCheck(task->taylor_order >= 2 && task->taylor_order <= 12, comm, PETSC_ERR_USER_INPUT, "-taylor_order must be in [2, 12], got %" PetscInt_FMT, task->taylor_order);
  PetscCheck(task->alpha > 0, comm, PETSC_ERR_USER_INPUT, "-regulator_alpha must be > 0, got %g", (double)task->alpha);
  PetscCall(FrgLpaSolverCreate(comm, &task->lpa));
  PetscCall(FrgLpaSolverSetFromOptions(task->lpa));
  PetscCheck(task->truncation != FRG_TRUNCATION_LPA_PRIME || task->regulator == FRG_REGULATOR_LITIM, comm, PETSC_ERR_USER_INPUT,
             "-truncation lpa_prime is implemented for -regulator litim only, got -regulator %s", FrgRegulatorTypeNames[task->regulator]);
  PetscCall(FrgLpaSolverSetAnomalous(task->lpa, (PetscBool)(task->truncation == FRG_TRUNCATION_LPA_PRIME)));
  PetscCall(FrgOutputCreate(comm, &task->output));
  PetscCall(FrgOutputSetFromOptions(task->output));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode FrgFixedPointTaskDestroy(FrgFixedPointTask *task)
{
  PetscFunctionBeginUser;
  PetscCall(FrgLpaSolverDestroy(&task->lpa));
  PetscCall(FrgOutputDestroy(&task->output));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Rank 0's numbers to every rank (the grid arrays stay rank-local; only rank 0's are written). */
static PetscErrorCode FrgFixedPointBroadcast(MPI_Comm comm, FrgFixedPointResult *res)
{
  PetscReal buffer[9 + 2 * FRG_FIXEDPOINT_MAX_THETA];

  PetscFunctionBeginUser;
  buffer[0] = res->nu, buffer[1] = res->omega, buffer[2] = res->eta, buffer[3] = res->kappa_hat, buffer[4] = res->lambda_hat;
  buffer[5] = res->residual, buffer[6] = (PetscReal)res->iterations, buffer[7] = (PetscReal)res->ntheta, buffer[8] = res->rho_max;
  for (PetscInt i = 0; i < FRG_FIXEDPOINT_MAX_THETA; i++) buffer[9 + i] = res->theta[i], buffer[9 + FRG_FIXEDPOINT_MAX_THETA + i] = res->theta_imag[i];
  PetscCallMPI(MPI_Bcast(buffer, 9 + 2 * FRG_FIXEDPOINT_MAX_THETA, MPIU_REAL, 0, comm));
  res->nu = buffer[0], res->omega = buffer[1], res->eta = buffer[2], res->kappa_hat = buffer[3], res->lambda_hat = buffer[4];
  res->residual = buffer[5], res->iterations = (PetscInt)buffer[6], res->ntheta = (PetscInt)buffer[7], res->rho_max = buffer[8];
  for (PetscInt i = 0; i < FRG_FIXEDPOINT_MAX_THETA; i++) res->theta[i] = buffer[9 + i], res->theta_imag[i] = buffer[9 + FRG_FIXEDPOINT_MAX_THETA + i];
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode FrgFixedPointPrint(FrgFixedPointTask *task, const FrgFixedPointResult *res, double wall)
{
  PetscMPIInt size;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_size(task->comm, &size));
  PetscCall(PetscPrintf(task->comm, "\nfrg fixed point: O(N) model, N = %g, d = %g, truncation %s", (double)task->N, (double)task->d, FrgTruncationNames[task->truncation]));
  if (task->truncation == FRG_TRUNCATION_TAYLOR) PetscCall(PetscPrintf(task->comm, " (order %" PetscInt_FMT ")", task->taylor_order));
  PetscCall(PetscPrintf(task->comm, ", regulator %s\n", FrgRegulatorTypeNames[task->regulator]));
  PetscCall(PetscPrintf(task->comm, "  %-14s %.15g\n", "nu", (double)res->nu));
  PetscCall(PetscPrintf(task->comm, "  %-14s %.15g\n", "omega", (double)res->omega));
  PetscCall(PetscPrintf(task->comm, "  %-14s %.15g\n", "eta", (double)res->eta));
  PetscCall(PetscPrintf(task->comm, "  %-14s %.15g   (rho-tilde; %.15g in rho-hat = rho-tilde/c_d)\n", "kappa", (double)res->kappa, (double)res->kappa_hat));
  PetscCall(PetscPrintf(task->comm, "  %-14s %.15g   (u''(kappa); %.15g in hat units)\n", "lambda", (double)res->lambda, (double)res->lambda_hat));
  PetscCall(PetscPrintf(task->comm, "  eigenvalues theta_i of -(stability matrix), theta_1 = 1/nu, theta_2 = -omega:\n"));
  for (PetscInt i = 0; i < PetscMin(res->ntheta, 6); i++) PetscCall(PetscPrintf(task->comm, "    theta_%-2" PetscInt_FMT "  %+.15g%s%.3g i\n", i + 1, (double)res->theta[i], res->theta_imag[i] < 0 ? " - " : " + ", PetscAbsReal(res->theta_imag[i])));
  if (task->truncation != FRG_TRUNCATION_TAYLOR)
    PetscCall(PetscPrintf(task->comm, "  grid           %" PetscInt_FMT " Chebyshev points on rho-hat in [0, %.6g]\n", res->points + 1, (double)res->rho_max));
  PetscCall(PetscPrintf(task->comm, "  Newton         %" PetscInt_FMT " iterations, residual %.3e (max norm)\n", res->iterations, (double)res->residual));
  PetscCall(PetscPrintf(task->comm, "  wall time      %.3f s on %d rank%s\n", wall, size, size > 1 ? "s" : ""));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The dimensionless trajectory: deviation from v* and its growth rate against theta_1 = 1/nu. */
static PetscErrorCode FrgFixedPointFlowReport(FrgFixedPointTask *task, const FrgFixedPointResult *res, const FrgDimensionlessFlow *flow)
{
  PetscFunctionBeginUser;
  PetscCall(PetscPrintf(task->comm, "  dimensionless flow from u'* + %g toward the IR (CVODE BDF):\n      t          |u' - u'*|_max     u'(0)\n", (double)task->flow_perturbation));
  for (PetscInt k = 0; k < flow->count; k += PetscMax(1, flow->count / 8))
    PetscCall(PetscPrintf(task->comm, "    %8.4f   %.6e   %+.10f\n", (double)flow->t[k], (double)flow->deviation[k], (double)flow->v0[k]));
  PetscCall(PetscPrintf(task->comm, "  growth rate    %.10g (theta_1 = 1/nu = %.10g)\n", (double)flow->growth, (double)res->theta[0]));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode FrgFixedPointWrite(FrgFixedPointTask *task, const FrgFixedPointResult *res, const FrgDimensionlessFlow *flow, double wall)
{
  const char *names[] = {"nu", "omega", "eta", "kappa", "lambda", "kappa_hat", "lambda_hat", "residual", "iterations", "wall_seconds", "theta_1", "theta_2", "theta_3", "theta_4", "theta_5", "theta_6"};
  const char *pnames[] = {"N", "d", "regulator_alpha", "taylor_order", "fixedpoint_points", "fixedpoint_rho_max_hat"};
  PetscReal   values[16], pvalues[6];
  PetscInt    count = 10;

  PetscFunctionBeginUser;
  values[0] = res->nu, values[1] = res->omega, values[2] = res->eta, values[3] = res->kappa, values[4] = res->lambda;
  values[5] = res->kappa_hat, values[6] = res->lambda_hat, values[7] = res->residual, values[8] = (PetscReal)res->iterations, values[9] = wall;
  for (PetscInt i = 0; i < PetscMin(res->ntheta, 6); i++) values[count++] = res->theta[i];
  pvalues[0] = task->N, pvalues[1] = task->d, pvalues[2] = task->alpha, pvalues[3] = (PetscReal)task->taylor_order;
  pvalues[4] = (PetscReal)res->points, pvalues[5] = res->rho_max;
  PetscCall(FrgOutputOpen(task->output));
  PetscCall(FrgOutputWriteSummary(task->output, names, values, count));
  PetscCall(FrgOutputWriteAttributes(task->output, "/parameters", pnames, pvalues, 6));
  PetscCall(FrgOutputWriteStringAttribute(task->output, "/parameters", "truncation", FrgTruncationNames[task->truncation]));
  PetscCall(FrgOutputWriteStringAttribute(task->output, "/parameters", "regulator", FrgRegulatorTypeNames[task->regulator]));
  if (task->truncation != FRG_TRUNCATION_TAYLOR) {
    const char      *cnames[] = {"rho", "v"};
    const PetscReal *columns[2];
    PetscReal       *rho;
    PetscMPIInt      rank;
    PetscInt         m = res->points + 1;
    PetscCallMPI(MPI_Comm_rank(task->comm, &rank));
    PetscCall(PetscMalloc1(m, &rho));
    for (PetscInt i = 0; i < m; i++) rho[i] = res->rho[i] * FrgFixedPointCd(task->d);
    columns[0] = rho, columns[1] = res->v;
    PetscCall(FrgOutputWriteScalars(task->output, "/fixedpoint", cnames, columns, 2, m));
    PetscCall(PetscFree(rho));
  }
  if (flow->count) {
    const char      *fnames[] = {"t", "deviation", "v0"};
    const PetscReal *fcolumns[3] = {flow->t, flow->deviation, flow->v0};
    const char      *gname[] = {"flow_growth_rate"};
    PetscCall(FrgOutputWriteScalars(task->output, "/flow_dimensionless", fnames, fcolumns, 3, flow->count));
    PetscCall(FrgOutputWriteAttributes(task->output, "/summary", gname, &flow->growth, 1));
  }
  PetscCall(FrgOutputClose(task->output, PETSC_TRUE));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Taylor truncation: fixed point of the beta functions and the eigenvalues of their Jacobian. */
static PetscErrorCode FrgTaylorSolve(FrgFixedPointTask *task, const FrgFixedPointParams *params, FrgFixedPointResult *res)
{
  int       order = (int)task->taylor_order, iterations;
  double    y[16], J[256], residual;

  PetscFunctionBeginUser;
  PetscCheck(!FrgTaylorFixedPoint(params, order, y, &residual, &iterations), task->comm, PETSC_ERR_NOT_CONVERGED,
             "no Wilson-Fisher fixed point found in the Taylor truncation of order %d for N = %g, d = %g (residual reached %.3e): try a lower -taylor_order, or -truncation lpa", order,
             (double)params->N, (double)params->d, residual);
  PetscCheck(!FrgTaylorJacobian(params, order, y, J), task->comm, PETSC_ERR_NOT_CONVERGED, "the stability matrix of the Taylor truncation of order %d could not be formed", order);
  PetscCall(FrgFixedPointEigenvalues(task->comm, order, J, res));
  res->kappa_hat = y[0], res->lambda_hat = y[1], res->residual = residual, res->iterations = iterations, res->points = order;
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode FrgFixedPointTaskRun(FrgFixedPointTask *task)
{
  FrgFixedPointResult res;
  FrgThreshold        threshold;
  FrgFixedPointParams params;
  FrgDimensionlessFlow flow = {0};
  double              start = MPI_Wtime(), wall;
  int                 derivatives = task->truncation == FRG_TRUNCATION_TAYLOR ? (int)task->taylor_order + 2 : 2;

  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(&res, sizeof(res)));
  PetscCheck(!FrgThresholdInit(&threshold, task->regulator, task->d, task->alpha, derivatives, task->truncation == FRG_TRUNCATION_LPA_PRIME), task->comm, PETSC_ERR_LIB, "tabulating the %s threshold functions failed",
             FrgRegulatorTypeNames[task->regulator]);
  params.N = task->N, params.d = task->d, params.eta = 0, params.threshold = &threshold;
  if (task->truncation == FRG_TRUNCATION_TAYLOR) PetscCall(FrgTaylorSolve(task, &params, &res));
  else PetscCall(FrgLpaSolverSolve(task->lpa, &params, &res));
  if (task->flow_time > 0) PetscCall(FrgLpaFlow(task->comm, task->lpa, &res, task->flow_time, task->flow_perturbation, &flow));
  FrgThresholdFree(&threshold);
  PetscCall(FrgFixedPointBroadcast(task->comm, &res));
  res.kappa  = res.kappa_hat * FrgFixedPointCd(task->d);
  res.lambda = res.lambda_hat / FrgFixedPointCd(task->d);
  wall       = MPI_Wtime() - start;
  PetscCall(FrgFixedPointPrint(task, &res, wall));
  if (task->flow_time > 0) PetscCall(FrgFixedPointFlowReport(task, &res, &flow));
  PetscCall(FrgFixedPointWrite(task, &res, &flow, wall));
  PetscCall(PetscFree3(flow.t, flow.deviation, flow.v0));
  PetscCall(PetscFree2(res.rho, res.v));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode FrgTaskFixedPoint(MPI_Comm comm)
{
  FrgFixedPointTask task;
  PetscBool         help;

  PetscFunctionBeginUser;
  PetscCall(FrgFixedPointTaskCreate(comm, &task));
  PetscCall(FrgHelpRequested(&help));
  if (!help) {
    PetscCall(FrgCheckUnusedOptions(comm));
    PetscCall(FrgFixedPointTaskRun(&task));
  }
  PetscCall(FrgFixedPointTaskDestroy(&task));
  PetscFunctionReturn(PETSC_SUCCESS);
}
