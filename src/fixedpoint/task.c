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
  PetscReal        flow_time, flow_perturbation, flow_irrelevant;
  PetscBool        flow_time_set, dimensionless_flow; /* dimensionless_flow: run by -task flow -flow_dimensionless */
  FrgLpaSolver     lpa;
  FrgOutput        output;
} FrgFixedPointTask;

static PetscErrorCode FrgFixedPointTaskCreate(MPI_Comm comm, PetscBool dimensionless_flow, FrgFixedPointTask *task)
{
  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(task, sizeof(*task)));
  task->comm = comm, task->N = 1, task->d = 3, task->alpha = 1, task->taylor_order = 6, task->flow_perturbation = 1e-8;
  /* -task flow -flow_dimensionless: approach along e_2 first, then leave along e_1 (flow.c) */
  task->dimensionless_flow = dimensionless_flow;
  if (dimensionless_flow) task->flow_perturbation = 1e-9, task->flow_irrelevant = 1e-4;
  PetscOptionsBegin(comm, NULL, "Fixed point and critical exponents", "FrgFixedPoint");
  PetscCall(PetscOptionsReal("-N", "Number of field components N (real, >= 0)", "", task->N, &task->N, NULL));
  PetscCall(PetscOptionsReal("-d", "Dimension d (real, 2 < d < 4 for the Wilson-Fisher fixed point)", "", task->d, &task->d, NULL));
  PetscCall(PetscOptionsEnum("-truncation", "Truncation of the effective action", "", FrgTruncationNames, (PetscEnum)task->truncation, (PetscEnum *)&task->truncation, NULL));
  PetscCall(PetscOptionsInt("-taylor_order", "Order n of the Taylor truncation in (rho - kappa), 2..12", "", task->taylor_order, &task->taylor_order, NULL));
  PetscCall(PetscOptionsEnum("-regulator", "Regulator shape", "", FrgRegulatorTypeNames, (PetscEnum)task->regulator, (PetscEnum *)&task->regulator, NULL));
  PetscCall(PetscOptionsReal("-regulator_alpha", "Amplitude alpha of the mass_exponential regulator R = alpha k^2 exp(-q^2/k^2)", "", task->alpha, &task->alpha, NULL));
  PetscCall(PetscOptionsReal("-fixedpoint_flow_time", "Then flow the dimensionless potential from v* + perturbation toward the IR for this RG time (0: no flow; -task flow -flow_dimensionless: 2 ln(irrelevant/perturbation)/(theta_1 + omega))", "", task->flow_time, &task->flow_time, &task->flow_time_set));
  PetscCall(PetscOptionsReal("-fixedpoint_flow_perturbation", "Start of the dimensionless flow: component along the relevant eigenvector (grid without -fixedpoint_flow_irrelevant: constant shift of u'(rho))", "", task->flow_perturbation, &task->flow_perturbation, NULL));
  PetscCall(PetscOptionsReal("-fixedpoint_flow_irrelevant", "Start of the dimensionless flow: component along the first irrelevant eigenvector (approach at rate omega before leaving at 1/nu)", "", task->flow_irrelevant, &task->flow_irrelevant, NULL));
  PetscOptionsEnd();
  PetscCheck(task->flow_time >= 0 && task->flow_time <= 100, comm, PETSC_ERR_USER_INPUT, "-fixedpoint_flow_time must be in [0, 100], got %g", (double)task->flow_time);
  PetscCheck(task->flow_perturbation != 0 && PetscAbsReal(task->flow_perturbation) < 1e-2, comm, PETSC_ERR_USER_INPUT, "-fixedpoint_flow_perturbation must be nonzero and below 1e-2 in size (linear regime), got %g", (double)task->flow_perturbation);
  PetscCheck(task->flow_irrelevant == 0 || (PetscAbsReal(task->flow_irrelevant) > PetscAbsReal(task->flow_perturbation) && PetscAbsReal(task->flow_irrelevant) < 1e-2), comm, PETSC_ERR_USER_INPUT,
             "-fixedpoint_flow_irrelevant must be 0, or larger than -fixedpoint_flow_perturbation and below 1e-2 in size, got %g", (double)task->flow_irrelevant);
  PetscCheck(!task->dimensionless_flow || task->flow_time > 0 || !task->flow_time_set, comm, PETSC_ERR_USER_INPUT, "-flow_dimensionless needs -fixedpoint_flow_time > 0, got %g", (double)task->flow_time);
  if (task->dimensionless_flow && !task->flow_time_set) task->flow_time = -1; /* set from the exponents */
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
  PetscBool taylor = (PetscBool)(task->truncation == FRG_TRUNCATION_TAYLOR);

  if (taylor || task->flow_irrelevant != 0)
    PetscCall(PetscPrintf(task->comm, "  dimensionless flow from the fixed point + %g e_1 + %g e_2 (eigenvectors of theta_1, theta_2)", (double)task->flow_perturbation, (double)task->flow_irrelevant));
  else PetscCall(PetscPrintf(task->comm, "  dimensionless flow from u'* + %g", (double)task->flow_perturbation));
  PetscCall(PetscPrintf(task->comm, " toward the IR (CVODE BDF, %g units of RG time):\n      t          |%s|_max     %s\n", (double)task->flow_time, taylor ? "y - y*" : "u' - u'*", taylor ? "kappa-hat" : "u'(0)"));
  for (PetscInt k = 0; k < flow->count; k += PetscMax(1, flow->count / 8))
    PetscCall(PetscPrintf(task->comm, "    %8.4f   %.6e   %+.10f\n", (double)flow->t[k], (double)flow->deviation[k], (double)flow->v0[k]));
  if (flow->approach != 0) PetscCall(PetscPrintf(task->comm, "  approach rate  %.10g (omega = %.10g), closest at t = %.4f\n", (double)flow->approach, (double)res->omega, (double)flow->closest));
  PetscCall(PetscPrintf(task->comm, "  growth rate    %.10g (theta_1 = 1/nu = %.10g)\n", (double)flow->growth, (double)res->theta[0]));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Taylor flow: /flow_dimensionless_taylor/{t, kappa_hat, lambda_2_hat..lambda_n_hat}, lambda_{j+1} = j! a_j */
static PetscErrorCode FrgFixedPointWriteCouplings(FrgFixedPointTask *task, const FrgDimensionlessFlow *flow)
{
  char             names[17][32];
  const char      *pointers[17];
  const PetscReal *columns[17];
  PetscReal       *lambda, factorial = 1;
  PetscInt         m = flow->dimension, count = flow->count;

  PetscFunctionBeginUser;
  PetscCheck(m < 17, task->comm, PETSC_ERR_SUP, "at most 16 couplings, got %" PetscInt_FMT, m);
  PetscCall(PetscMalloc1(m * count, &lambda));
  for (PetscInt j = 0; j < m; j++) {
    if (j > 1) factorial *= j;
    for (PetscInt k = 0; k < count; k++) lambda[j * count + k] = (j ? factorial : 1) * flow->state[j * count + k];
    if (j) PetscCall(PetscSNPrintf(names[j + 1], sizeof(names[j + 1]), "lambda_%" PetscInt_FMT "_hat", j + 1));
    columns[j + 1] = lambda + j * count, pointers[j + 1] = names[j + 1];
  }
  pointers[0] = "t", columns[0] = flow->t, pointers[1] = "kappa_hat";
  PetscCall(FrgOutputWriteScalars(task->output, "/flow_dimensionless_taylor", pointers, columns, m + 1, count));
  PetscCall(PetscFree(lambda));
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
    const char      *gnames[] = {"flow_growth_rate", "flow_approach_rate", "flow_closest_t", "flow_time"};
    PetscReal        gvalues[4] = {flow->growth, flow->approach, flow->closest, task->flow_time};
    PetscCall(FrgOutputWriteScalars(task->output, "/flow_dimensionless", fnames, fcolumns, 3, flow->count));
    PetscCall(FrgOutputWriteAttributes(task->output, "/summary", gnames, gvalues, 4));
    if (flow->state) PetscCall(FrgFixedPointWriteCouplings(task, flow));
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
  PetscCall(PetscFree2(res->rho, res->v));
  PetscCall(PetscMalloc2(order, &res->rho, order, &res->v)); /* v: the couplings y*, start of the flow */
  PetscCall(PetscArrayzero(res->rho, order));
  PetscCall(PetscArraycpy(res->v, y, order));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The dimensionless flow from the fixed point; default time (-task flow -flow_dimensionless): as long
 * to the closest approach, ln(irrelevant/relevant)/(theta_1 + omega), as after it. */
static PetscErrorCode FrgFixedPointTaskFlow(FrgFixedPointTask *task, const FrgFixedPointParams *params, const FrgFixedPointResult *res, FrgDimensionlessFlow *flow)
{
  FrgDimensionlessFlowSettings settings = {task->flow_time, task->flow_perturbation, task->flow_irrelevant};

  PetscFunctionBeginUser;
  if (settings.time < 0) {
    PetscCheck(task->flow_irrelevant != 0 && res->ntheta > 1 && res->theta[1] < 0, task->comm, PETSC_ERR_USER_INPUT, "-flow_dimensionless without -fixedpoint_flow_time needs -fixedpoint_flow_irrelevant != 0 and an irrelevant eigenvalue");
    settings.time = 2 * PetscLogReal(PetscAbsReal(task->flow_irrelevant / task->flow_perturbation)) / (res->theta[0] - res->theta[1]);
    task->flow_time = settings.time;
  }
  if (task->truncation == FRG_TRUNCATION_TAYLOR) PetscCall(FrgTaylorFlow(task->comm, params, res, &settings, flow));
  else PetscCall(FrgLpaFlow(task->comm, task->lpa, res, &settings, flow));
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
  if (task->flow_time != 0) PetscCall(FrgFixedPointTaskFlow(task, &params, &res, &flow));
  FrgThresholdFree(&threshold);
  PetscCall(FrgFixedPointBroadcast(task->comm, &res));
  res.kappa  = res.kappa_hat * FrgFixedPointCd(task->d);
  res.lambda = res.lambda_hat / FrgFixedPointCd(task->d);
  wall       = MPI_Wtime() - start;
  PetscCall(FrgFixedPointPrint(task, &res, wall));
  if (task->flow_time != 0) PetscCall(FrgFixedPointFlowReport(task, &res, &flow));
  PetscCall(FrgFixedPointWrite(task, &res, &flow, wall));
  PetscCall(FrgDimensionlessFlowDestroy(&flow));
  PetscCall(PetscFree2(res.rho, res.v));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode FrgFixedPointTaskMain(MPI_Comm comm, PetscBool dimensionless_flow)
{
  FrgFixedPointTask task;
  PetscBool         help;

  PetscFunctionBeginUser;
  PetscCall(FrgFixedPointTaskCreate(comm, dimensionless_flow, &task));
  PetscCall(FrgHelpRequested(&help));
  if (!help) {
    PetscCall(FrgCheckUnusedOptions(comm));
    PetscCall(FrgFixedPointTaskRun(&task));
  }
  PetscCall(FrgFixedPointTaskDestroy(&task));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Collective. -task fixedpoint: the fixed point and its exponents (and, with -fixedpoint_flow_time, the
 * dimensionless flow away from it). */
PetscErrorCode FrgTaskFixedPoint(MPI_Comm comm)
{
  PetscFunctionBeginUser;
  PetscCall(FrgFixedPointTaskMain(comm, PETSC_FALSE));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Collective. -task flow -flow_dimensionless: the same, always with the dimensionless flow, started with a
 * small relevant and a larger irrelevant component so the trajectory first approaches the fixed point
 * (rate omega) and then leaves it (rate 1/nu). */
PetscErrorCode FrgTaskFlowDimensionless(MPI_Comm comm)
{
  PetscFunctionBeginUser;
  PetscCall(FrgFixedPointTaskMain(comm, PETSC_TRUE));
  PetscFunctionReturn(PETSC_SUCCESS);
}
