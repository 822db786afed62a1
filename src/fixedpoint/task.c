/* Task "fixedpoint": the Wilson-Fisher fixed point of the dimensionless O(N) flow (doc/physics.md 2.2) for
 * the deck's N, d, truncation and regulator, and its critical exponents nu = 1/theta_1 and
 * omega = -theta_2 from the eigenvalues theta_i of minus the stability matrix. Prints a table and
 * writes HDF5 /summary attributes (nu, omega, eta, kappa, lambda, theta_1.., each with <name>_error from
 * estimate.c unless -error_estimate false), /parameters and, for the grid, /fixedpoint/rho and
 * /fixedpoint/v (v = u'(rho-tilde) at the fixed point).
 * Every rank computes the small dense problem; rank 0's result is broadcast, so the output does not
 * depend on the number of ranks. */
#include "fixedpoint_impl.h"
#include <frg/options.h>

static const char *const FrgTruncationNames[]    = {"lpa", "taylor", "lpa_prime", "FrgTruncation", "FRG_TRUNCATION_", NULL};
typedef enum { FRG_TRUNCATION_LPA, FRG_TRUNCATION_TAYLOR, FRG_TRUNCATION_LPA_PRIME } FrgTruncation;

typedef struct {
  MPI_Comm         comm;
  PetscReal        N, d, alpha;
  FrgTruncation    truncation;
  FrgRegulatorType regulator;
  PetscInt         taylor_order;
  PetscReal        flow_time, flow_perturbation, flow_irrelevant;
  PetscBool        flow_time_set, dimensionless_flow; /* dimensionless_flow: run by -task flow -flow_dimensionless */
  PetscBool        error_estimate;
  PetscBool        report; /* the full report on stdout (false: a scan point, which prints one line) */
  PetscReal        estimate_seconds;
  FrgLpaSolver     lpa;
  FrgOutput        output;
} FrgFixedPointTask;

PETSC_INTERN PetscErrorCode FrgModelGetRegulator_ON(FrgModel, FrgRegulatorType *, PetscReal *);

/* N, d and the regulator from the O(N) model's options (src/physics/on.c): one model definition and one
 * set of defaults for flows and fixed points. The options of a flow's UV potential have no meaning at
 * a fixed point and are refused rather than ignored. */
static PetscErrorCode FrgFixedPointTaskModel(FrgFixedPointTask *task)
{
  FrgModel          model;
  const char *const flow_only[] = {"-potential", "-Lambda", "-t_ir"};

  PetscFunctionBeginUser;
  PetscCall(FrgModelCreate(task->comm, &model));
  PetscCall(FrgModelSetFromOptions(model));
  PetscCheck(!strcmp(model->type, "on"), task->comm, PETSC_ERR_USER_INPUT, "the fixed point is that of the O(N) model: -model must be on, got -model %s", model->type);
  for (size_t i = 0; i < PETSC_STATIC_ARRAY_LENGTH(flow_only); i++) {
    PetscBool set;
    PetscCall(PetscOptionsHasName(NULL, NULL, flow_only[i], &set));
    PetscCheck(!set, task->comm, PETSC_ERR_USER_INPUT, "%s sets up a flow from the UV and has no meaning at a fixed point: remove it (or run -task flow)", flow_only[i]);
  }
  PetscCall(FrgModelGetParameters(model, &task->N, &task->d, NULL, NULL));
  PetscCall(FrgModelGetRegulator_ON(model, &task->regulator, &task->alpha));
  PetscCall(FrgModelDestroy(&model));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode FrgFixedPointTaskCreate(MPI_Comm comm, PetscBool dimensionless_flow, FrgFixedPointTask *task)
{
  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(task, sizeof(*task)));
  task->comm = comm, task->taylor_order = 6, task->flow_perturbation = 1e-8, task->error_estimate = PETSC_TRUE, task->report = PETSC_TRUE;
  PetscCall(FrgFixedPointTaskModel(task));
  /* -task flow -flow_dimensionless: approach along e_2 first, then leave along e_1 (flow.c) */
  task->dimensionless_flow = dimensionless_flow;
  if (dimensionless_flow) task->flow_perturbation = 1e-9, task->flow_irrelevant = 1e-4;
  PetscOptionsBegin(comm, NULL, "Fixed point and critical exponents", "FrgFixedPoint");
  PetscCall(PetscOptionsBool("-fixedpoint_report", "Print the full report (a scan's points set false: one line each)", "", task->report, &task->report, NULL));
  PetscCall(FrgOptionsEnum("-truncation", "Truncation of the effective action", FrgTruncationNames, (PetscEnum)task->truncation, (PetscEnum *)&task->truncation, NULL));
  PetscCall(FrgOptionsInt("-taylor_order", "Order n of the Taylor truncation in (rho - kappa), 2..12", task->taylor_order, &task->taylor_order, NULL, 2, 12));
  PetscCall(PetscOptionsBool("-error_estimate", "Estimate the error of every number from extra solves (grid: finer, and on a larger domain; Taylor: refined Newton step, halved difference steps)", "", task->error_estimate, &task->error_estimate, NULL));
  PetscCall(FrgOptionsReal("-fixedpoint_flow_time", "Then flow the dimensionless potential from v* + perturbation toward the IR for this RG time (0: no flow; -task flow -flow_dimensionless: 2 ln(irrelevant/perturbation)/(theta_1 + omega))", task->flow_time, &task->flow_time, &task->flow_time_set, 0, 100));
  PetscCall(FrgOptionsReal("-fixedpoint_flow_perturbation", "Start of the dimensionless flow: component along the relevant eigenvector (grid without -fixedpoint_flow_irrelevant: constant shift of u'(rho))", task->flow_perturbation, &task->flow_perturbation, NULL, -1e-2, 1e-2));
  PetscCall(FrgOptionsReal("-fixedpoint_flow_irrelevant", "Start of the dimensionless flow: component along the first irrelevant eigenvector (approach at rate omega before leaving at 1/nu)", task->flow_irrelevant, &task->flow_irrelevant, NULL, -1e-2, 1e-2));
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
             "-truncation lpa_prime is implemented for -regulator litim only, got -regulator %s", FrgRegulatorTypes[task->regulator]);
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

#define FRG_FIXEDPOINT_BUFFER (16 + 4 * FRG_FIXEDPOINT_MAX_THETA)

/* The error estimates into (pack) or out of a broadcast buffer. */
static void FrgFixedPointPackErrors(FrgFixedPointResult *res, PetscReal buffer[], PetscBool pack)
{
  PetscReal *fields[5] = {&res->error.nu, &res->error.omega, &res->error.eta, &res->error.kappa_hat, &res->error.lambda_hat};

  for (PetscInt i = 0; i < 5; i++) {
    if (pack) buffer[i] = *fields[i];
    else *fields[i] = buffer[i];
  }
  for (PetscInt i = 0; i < FRG_FIXEDPOINT_MAX_THETA; i++) {
    if (pack) buffer[5 + i] = res->error.theta[i], buffer[5 + FRG_FIXEDPOINT_MAX_THETA + i] = res->error.theta_imag[i];
    else res->error.theta[i] = buffer[5 + i], res->error.theta_imag[i] = buffer[5 + FRG_FIXEDPOINT_MAX_THETA + i];
  }
}

/* Rank 0's numbers and error estimates to every rank (the grid arrays stay rank-local; only rank 0's are written). */
static PetscErrorCode FrgFixedPointBroadcast(MPI_Comm comm, FrgFixedPointResult *res)
{
  PetscReal buffer[FRG_FIXEDPOINT_BUFFER];

  PetscFunctionBeginUser;
  buffer[0] = res->nu, buffer[1] = res->omega, buffer[2] = res->eta, buffer[3] = res->kappa_hat, buffer[4] = res->lambda_hat;
  buffer[5] = res->residual, buffer[6] = (PetscReal)res->iterations, buffer[7] = (PetscReal)res->ntheta, buffer[8] = res->rho_max;
  buffer[9] = (PetscReal)res->estimated, buffer[10] = (PetscReal)res->failures;
  for (PetscInt i = 0; i < FRG_FIXEDPOINT_MAX_THETA; i++) buffer[11 + i] = res->theta[i], buffer[11 + FRG_FIXEDPOINT_MAX_THETA + i] = res->theta_imag[i];
  FrgFixedPointPackErrors(res, buffer + 11 + 2 * FRG_FIXEDPOINT_MAX_THETA, PETSC_TRUE);
  PetscCallMPI(MPI_Bcast(buffer, FRG_FIXEDPOINT_BUFFER, MPIU_REAL, 0, comm));
  res->nu = buffer[0], res->omega = buffer[1], res->eta = buffer[2], res->kappa_hat = buffer[3], res->lambda_hat = buffer[4];
  res->residual = buffer[5], res->iterations = (PetscInt)buffer[6], res->ntheta = (PetscInt)buffer[7], res->rho_max = buffer[8];
  res->estimated = (PetscBool)(buffer[9] != 0), res->failures = (PetscInt)buffer[10];
  for (PetscInt i = 0; i < FRG_FIXEDPOINT_MAX_THETA; i++) res->theta[i] = buffer[11 + i], res->theta_imag[i] = buffer[11 + FRG_FIXEDPOINT_MAX_THETA + i];
  FrgFixedPointPackErrors(res, buffer + 11 + 2 * FRG_FIXEDPOINT_MAX_THETA, PETSC_FALSE);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* An estimated relative error above 1e-2 (or an unknown one) marks a number as unconverged. */
static PetscBool FrgFixedPointUnconverged(PetscReal value, PetscReal error)
{
  return (PetscBool)!(error <= 1e-2 * PetscAbsReal(value));
}

/* "value ± error" with the mark, or the value alone without an estimate. */
static PetscErrorCode FrgFixedPointFormat(const FrgFixedPointResult *res, PetscReal value, PetscReal error, char text[], size_t size)
{
  PetscFunctionBeginUser;
  if (res->estimated) PetscCall(PetscSNPrintf(text, size, "%.15g ± %.2g%s", (double)value, (double)error, FrgFixedPointUnconverged(value, error) ? " (unconverged)" : ""));
  else PetscCall(PetscSNPrintf(text, size, "%.15g", (double)value));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* theta_i: real, or a + b i with the errors of both parts; marked by the error of the complex number. */
static PetscErrorCode FrgFixedPointPrintTheta(MPI_Comm comm, const FrgFixedPointResult *res, PetscInt i)
{
  PetscReal re = res->theta[i], im = res->theta_imag[i], ere = res->error.theta[i], eim = res->error.theta_imag[i];
  PetscBool paired = (PetscBool)(im != 0), unconverged = (PetscBool)(res->estimated && FrgFixedPointUnconverged(PetscSqrtReal(re * re + im * im), PetscSqrtReal(ere * ere + eim * eim)));
  char      real[64] = "", imag[80] = "";

  PetscFunctionBeginUser;
  PetscCall(PetscSNPrintf(real, sizeof(real), "%+.15g", (double)re));
  if (res->estimated) PetscCall(PetscSNPrintf(real + strlen(real), sizeof(real) - strlen(real), " ± %.2g", (double)ere));
  if (paired) PetscCall(PetscSNPrintf(imag, sizeof(imag), " %c %.15g", im < 0 ? '-' : '+', (double)PetscAbsReal(im)));
  if (paired && res->estimated) PetscCall(PetscSNPrintf(imag + strlen(imag), sizeof(imag) - strlen(imag), " ± %.2g", (double)eim));
  PetscCall(PetscPrintf(comm, "    theta_%-2" PetscInt_FMT "  %s%s%s%s\n", i + 1, real, imag, paired ? " i" : "", unconverged ? " (unconverged)" : ""));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode FrgFixedPointPrint(FrgFixedPointTask *task, const FrgFixedPointResult *res, double wall)
{
  PetscMPIInt size;
  PetscReal   cd = FrgAngularFactor(task->d);
  char        text[5][96];

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_size(task->comm, &size));
  PetscCall(FrgFixedPointFormat(res, res->nu, res->error.nu, text[0], sizeof(text[0])));
  PetscCall(FrgFixedPointFormat(res, res->omega, res->error.omega, text[1], sizeof(text[1])));
  PetscCall(FrgFixedPointFormat(res, res->eta, res->error.eta, text[2], sizeof(text[2])));
  PetscCall(FrgFixedPointFormat(res, res->kappa, res->error.kappa_hat * cd, text[3], sizeof(text[3])));
  PetscCall(FrgFixedPointFormat(res, res->lambda, res->error.lambda_hat / cd, text[4], sizeof(text[4])));
  PetscCall(PetscPrintf(task->comm, "\nfrg fixed point: O(N) model, N = %g, d = %g, truncation %s", (double)task->N, (double)task->d, FrgTruncationNames[task->truncation]));
  if (task->truncation == FRG_TRUNCATION_TAYLOR) PetscCall(PetscPrintf(task->comm, " (order %" PetscInt_FMT ")", task->taylor_order));
  PetscCall(PetscPrintf(task->comm, ", regulator %s\n", FrgRegulatorTypes[task->regulator]));
  PetscCall(PetscPrintf(task->comm, "  %-14s %s\n  %-14s %s\n  %-14s %s\n", "nu", text[0], "omega", text[1], "eta", text[2]));
  PetscCall(PetscPrintf(task->comm, "  %-14s %s   (rho-tilde; %.15g in rho-hat = rho-tilde/c_d)\n", "kappa", text[3], (double)res->kappa_hat));
  PetscCall(PetscPrintf(task->comm, "  %-14s %s   (u''(kappa); %.15g in hat units)\n", "lambda", text[4], (double)res->lambda_hat));
  PetscCall(PetscPrintf(task->comm, "  eigenvalues theta_i of -(stability matrix), theta_1 = 1/nu, theta_2 = -omega:\n"));
  for (PetscInt i = 0; i < FrgFixedPointReportedThetas(res); i++) PetscCall(FrgFixedPointPrintTheta(task->comm, res, i));
  if (res->estimated && task->truncation == FRG_TRUNCATION_TAYLOR) PetscCall(PetscPrintf(task->comm, "  errors         numerical only (solve and stability matrix); the truncation at order %" PetscInt_FMT " is not included\n", task->taylor_order));
  else if (res->estimated) PetscCall(PetscPrintf(task->comm, "  errors         from two finer solves (more points; a larger domain)\n"));
  if (res->failures) PetscCall(PetscPrintf(task->comm, "  errors         inf: %" PetscInt_FMT " extra solve%s of the estimate did not converge (try fewer -fixedpoint_points)\n", res->failures, res->failures > 1 ? "s" : ""));
  if (task->truncation != FRG_TRUNCATION_TAYLOR)
    PetscCall(PetscPrintf(task->comm, "  grid           %" PetscInt_FMT " Chebyshev points on rho-hat in [0, %.6g]\n", res->points + 1, (double)res->rho_max));
  PetscCall(PetscPrintf(task->comm, "  Newton         %" PetscInt_FMT " iterations, residual %.3e (max norm)\n", res->iterations, (double)res->residual));
  PetscCall(PetscPrintf(task->comm, "  wall time      %.3f s on %d rank%s", wall, size, size > 1 ? "s" : ""));
  if (res->estimated) PetscCall(PetscPrintf(task->comm, " (error estimate %.3f s)", (double)task->estimate_seconds));
  PetscCall(PetscPrintf(task->comm, "\n"));
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

/* /summary theta_i (= the real part, as before), theta_i_real, theta_i_imag and, with an estimate, their _error. */
static PetscErrorCode FrgFixedPointWriteThetas(FrgFixedPointTask *task, const FrgFixedPointResult *res)
{
  const char *suffix[] = {"", "_real", "_imag", "_real_error", "_imag_error"};
  char        names[5][32];
  const char *pointers[5];
  PetscReal   values[5];

  PetscFunctionBeginUser;
  for (PetscInt i = 0; i < FrgFixedPointReportedThetas(res); i++) {
    values[0] = values[1] = res->theta[i], values[2] = res->theta_imag[i], values[3] = res->error.theta[i], values[4] = res->error.theta_imag[i];
    for (PetscInt k = 0; k < 5; k++) {
      PetscCall(PetscSNPrintf(names[k], sizeof(names[k]), "theta_%" PetscInt_FMT "%s", i + 1, suffix[k]));
      pointers[k] = names[k];
    }
    PetscCall(FrgOutputWriteAttributes(task->output, "/summary", pointers, values, res->estimated ? 5 : 3));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* /summary: the numbers, their errors (with an estimate), the eigenvalues; /parameters. */
static PetscErrorCode FrgFixedPointWriteSummary(FrgFixedPointTask *task, const FrgFixedPointResult *res, double wall)
{
  const char *names[] = {"nu", "omega", "eta", "kappa", "lambda", "kappa_hat", "lambda_hat", "residual", "iterations", "wall_seconds"};
  const char *enames[] = {"nu_error", "omega_error", "eta_error", "kappa_error", "lambda_error", "kappa_hat_error", "lambda_hat_error", "error_estimate_seconds", "error_estimate_failures"};
  const char *pnames[] = {"N", "d", "regulator_alpha", "taylor_order", "fixedpoint_points", "fixedpoint_rho_max_hat", "error_estimate"};
  PetscReal   cd = FrgAngularFactor(task->d), values[10], evalues[9], pvalues[7];

  PetscFunctionBeginUser;
  values[0] = res->nu, values[1] = res->omega, values[2] = res->eta, values[3] = res->kappa, values[4] = res->lambda;
  values[5] = res->kappa_hat, values[6] = res->lambda_hat, values[7] = res->residual, values[8] = (PetscReal)res->iterations, values[9] = wall;
  evalues[0] = res->error.nu, evalues[1] = res->error.omega, evalues[2] = res->error.eta, evalues[3] = res->error.kappa_hat * cd, evalues[4] = res->error.lambda_hat / cd;
  evalues[5] = res->error.kappa_hat, evalues[6] = res->error.lambda_hat, evalues[7] = task->estimate_seconds, evalues[8] = (PetscReal)res->failures;
  pvalues[0] = task->N, pvalues[1] = task->d, pvalues[2] = task->alpha, pvalues[3] = (PetscReal)task->taylor_order;
  pvalues[4] = (PetscReal)res->points, pvalues[5] = res->rho_max, pvalues[6] = (PetscReal)res->estimated;
  PetscCall(FrgOutputWriteSummary(task->output, names, values, 10));
  if (res->estimated) PetscCall(FrgOutputWriteSummary(task->output, enames, evalues, 9));
  PetscCall(FrgFixedPointWriteThetas(task, res));
  PetscCall(FrgOutputWriteAttributes(task->output, "/parameters", pnames, pvalues, 7));
  PetscCall(FrgOutputWriteStringAttribute(task->output, "/parameters", "truncation", FrgTruncationNames[task->truncation]));
  PetscCall(FrgOutputWriteStringAttribute(task->output, "/parameters", "regulator", FrgRegulatorTypes[task->regulator]));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode FrgFixedPointWrite(FrgFixedPointTask *task, const FrgFixedPointResult *res, const FrgDimensionlessFlow *flow, double wall)
{
  PetscFunctionBeginUser;
  PetscCall(FrgOutputOpen(task->output));
  PetscCall(FrgFixedPointWriteSummary(task, res, wall));
  if (task->truncation != FRG_TRUNCATION_TAYLOR) {
    const char      *cnames[] = {"rho", "v"};
    const PetscReal *columns[2];
    PetscReal       *rho;
    PetscInt         m = res->points + 1;
    PetscCall(PetscMalloc1(m, &rho));
    for (PetscInt i = 0; i < m; i++) rho[i] = res->rho[i] * FrgAngularFactor(task->d);
    columns[0] = rho, columns[1] = res->v;
    PetscCall(FrgOutputWriteScalars(task->output, "/fixedpoint", cnames, columns, 2, m));
    PetscCall(PetscFree(rho));
    /* which rho: rho-tilde = c_d rho-hat (doc/physics.md 2.2); the report prints both */
    PetscCall(FrgOutputWriteStringAttribute(task->output, "/fixedpoint", "rho_kind", "rho-tilde"));
    PetscCall(FrgOutputWriteStringAttribute(task->output, "/fixedpoint", "rho_definition", "rho-tilde = Z_k k^(2-d) phi^2/2 (doc/physics.md 2.2) = c_d rho-hat with c_d = A_d (attribute c_d); v = du/d(rho-tilde) at the fixed point, the same number as du-hat/d(rho-hat)"));
    PetscCall(FrgOutputWriteAttributes(task->output, "/fixedpoint", (const char *[]){"c_d"}, (const PetscReal[]){FrgAngularFactor(task->d)}, 1));
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
  PetscCall(FrgStagePush(FRG_STAGE_INTEGRATE)); /* the fixed point, its errors and the dimensionless flow */
  PetscCheck(!FrgThresholdInit(&threshold, task->regulator, task->d, task->alpha, derivatives, task->truncation == FRG_TRUNCATION_LPA_PRIME), task->comm, PETSC_ERR_LIB, "tabulating the %s threshold functions failed",
             FrgRegulatorTypes[task->regulator]);
  params.N = task->N, params.d = task->d, params.eta = 0, params.threshold = &threshold;
  if (task->truncation == FRG_TRUNCATION_TAYLOR) PetscCall(FrgTaylorSolve(task, &params, &res));
  else PetscCall(FrgLpaSolverSolve(task->lpa, &params, &res));
  if (task->error_estimate) {
    double estimate_start = MPI_Wtime();
    if (task->truncation == FRG_TRUNCATION_TAYLOR) PetscCall(FrgTaylorEstimateErrors(task->comm, &params, &res));
    else PetscCall(FrgLpaEstimateErrors(task->lpa, &params, &res));
    task->estimate_seconds = MPI_Wtime() - estimate_start;
  }
  if (task->flow_time != 0) PetscCall(FrgFixedPointTaskFlow(task, &params, &res, &flow));
  FrgThresholdFree(&threshold);
  PetscCall(FrgFixedPointBroadcast(task->comm, &res));
  PetscCall(FrgStagePop());
  res.kappa  = res.kappa_hat * FrgAngularFactor(task->d);
  res.lambda = res.lambda_hat / FrgAngularFactor(task->d);
  wall       = MPI_Wtime() - start;
  if (task->report) PetscCall(FrgFixedPointPrint(task, &res, wall));
  if (task->flow_time != 0 && task->report) PetscCall(FrgFixedPointFlowReport(task, &res, &flow));
  PetscCall(FrgStagePush(FRG_STAGE_OUTPUT));
  PetscCall(FrgFixedPointWrite(task, &res, &flow, wall));
  PetscCall(FrgStagePop());
  PetscCall(FrgDimensionlessFlowDestroy(&flow));
  PetscCall(PetscFree2(res.rho, res.v));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode FrgFixedPointTaskMain(MPI_Comm comm, PetscBool dimensionless_flow)
{
  FrgFixedPointTask task;
  PetscBool         help;
  PetscErrorCode    ierr;

  PetscFunctionBeginUser;
  PetscCall(FrgStagePush(FRG_STAGE_SETUP));
  ierr = FrgFixedPointTaskCreate(comm, dimensionless_flow, &task);
  PetscCall(FrgStagePop());
  PetscCall(ierr);
  PetscCall(FrgHelpRequested(&help));
  ierr = help ? PETSC_SUCCESS : FrgCheckUnusedOptions(comm);
  if (!ierr && !help) ierr = FrgFixedPointTaskRun(&task);
  /* also after a failure: the output file must be closed before MPI_Finalize (a full disk: an open
   * file was closed by HDF5 inside MPI_Finalize and crashed there) */
  PetscCall(FrgFixedPointTaskDestroy(&task));
  PetscCall(ierr);
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
