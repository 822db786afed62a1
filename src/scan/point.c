/* One scan point on one group of ranks: its options are set in the options database of the group's
 * processes, then a flow (FrgFlowSolve, the flow task's own code) or a bisection of flows runs on the
 * group's communicator. Errors of a point are caught and recorded (status 1 and the error message):
 * the scan goes on.
 *
 * Bisection (-scan_bisect NAME -scan_bisect_range a,b): NAME is an option or a ${NAME} placeholder
 * of -potential (e.g. -potential "${m2}*phi^2/2 + phi^4/24"). The IR phase of a flow is "broken"
 * when phi0(t_IR) > -scan_bisect_phi0 (default 0) and "symmetric" otherwise; a and b must give
 * different phases, and the interval is halved until it is shorter than -scan_bisect_tol.
 *
 * Other tasks (-scan_task fixedpoint): each point runs that task's own code (FrgTaskRun) on the
 * group with -output OUTPUT.points/point-NNNNNN.h5 (kept), and the results are the /summary
 * attributes named by -scan_results (default nu,omega); a missing attribute gives NaN. */
#include <frg/output.h>
#include <frg/scan_impl.h>

/* The columns of a flow point after the model's observables and their errors, and of a bisection. */
const char *const FrgScanFlowResults[]   = {"warnings", "k_ir", "steps", "rhs_evals", "wall_seconds"};
const char *const FrgScanBisectResults[] = {"critical", "critical_error", "critical_low", "critical_high", "flows", "steps", "warnings", "wall_seconds"};
const PetscInt    FrgScanFlowResultCount = 5, FrgScanBisectResultCount = 8;

static char frg_scan_error[FRG_SCAN_MESSAGE_LEN];

/* Records the first error message of a point instead of printing it. */
static PetscErrorCode FrgScanErrorHandler(MPI_Comm comm, int line, const char *fun, const char *file, PetscErrorCode n, PetscErrorType p, const char *mess, void *ctx)
{
  if (p == PETSC_ERROR_INITIAL && !frg_scan_error[0]) snprintf(frg_scan_error, sizeof(frg_scan_error), "%s", mess && mess[0] ? mess : "error in a flow");
  return n;
}

/* Replaces every ${name} of text by (value). Not collective. */
PetscErrorCode FrgScanSubstitute(char *text, size_t size, const char name[], const char value[])
{
  char  key[80], *at, *buffer;
  size_t klen;

  PetscFunctionBeginUser;
  PetscCall(PetscSNPrintf(key, sizeof(key), "${%s}", name));
  klen = strlen(key);
  PetscCall(PetscMalloc1(size, &buffer));
  while ((at = strstr(text, key))) {
    PetscCall(PetscSNPrintf(buffer, size, "%.*s(%s)%s", (int)(at - text), text, value, at + klen));
    PetscCall(PetscStrncpy(text, buffer, size));
  }
  PetscCall(PetscFree(buffer));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscBool FrgScanIsPlaceholder(const FrgScan *scan, const char name[])
{
  char key[80];

  snprintf(key, sizeof(key), "${%s}", name);
  return strstr(scan->potential, key) ? PETSC_TRUE : PETSC_FALSE;
}

static PetscErrorCode FrgScanSetValue(const FrgScan *scan, char *potential, const char name[], const char value[])
{
  char option[80];

  PetscFunctionBeginUser;
  if (FrgScanIsPlaceholder(scan, name)) PetscCall(FrgScanSubstitute(potential, FRG_EXPR_LEN, name, value));
  else {
    PetscCall(PetscSNPrintf(option, sizeof(option), "-%s", name));
    PetscCall(PetscOptionsSetValue(NULL, option, value));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Not collective: the options of point p (and of the bisected value, if any) in this process. */
PetscErrorCode FrgScanSetPoint(const FrgScan *scan, PetscInt p, const char bisect_value[])
{
  char potential[FRG_EXPR_LEN];

  PetscFunctionBeginUser;
  PetscCall(PetscStrncpy(potential, scan->potential, sizeof(potential)));
  for (PetscInt a = 0; a < scan->spec.naxes; a++) PetscCall(FrgScanSetValue(scan, potential, scan->spec.axes[a].name, FrgScanSpecValue(&scan->spec, p, a)));
  if (bisect_value) PetscCall(FrgScanSetValue(scan, potential, scan->bisect, bisect_value));
  if (strstr(scan->potential, "${")) PetscCall(PetscOptionsSetValue(NULL, "-potential", potential));
  if (scan->task[0]) {
    char path[PETSC_MAX_PATH_LEN + 64];
    PetscCall(PetscSNPrintf(path, sizeof(path), "%s.points/point-%06lld.h5", scan->output, (long long)p));
    PetscCall(PetscOptionsSetValue(NULL, "-output", path));
    if (!strcmp(scan->task, "fixedpoint")) PetscCall(PetscOptionsSetValue(NULL, "-fixedpoint_report", "false")); /* the scan prints one line */
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Collective on the group: one flow; *ok false (and message set) if it failed on any rank. */
PetscErrorCode FrgScanFlow(const FrgScan *scan, MPI_Comm comm, PetscBool integrate, FrgFlowResult *result, PetscBool *ok, char message[])
{
  PetscErrorCode ierr;
  int            bad;

  PetscFunctionBeginUser;
  frg_scan_error[0] = 0;
  PetscCall(PetscPushErrorHandler(FrgScanErrorHandler, NULL));
  if (scan->task[0]) {
    ierr = FrgTaskRun(comm, scan->task); /* the task's own code, with its own output file */
    PetscCall(PetscMemzero(result, sizeof(*result)));
  } else ierr = FrgFlowSolve(comm, integrate, result);
  PetscCall(PetscPopErrorHandler());
  bad = ierr ? 1 : 0;
  if (!bad && integrate && !scan->task[0] && result->count && !PetscIsNormalReal(result->obs.value[0] + 1.0)) {
    bad = 1;
    PetscCall(PetscSNPrintf(frg_scan_error, sizeof(frg_scan_error), "non-finite result: %s = %g", result->names[0], (double)result->obs.value[0]));
  }
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &bad, 1, MPI_INT, MPI_MAX, comm));
  *ok = bad ? PETSC_FALSE : PETSC_TRUE;
  if (bad && !frg_scan_error[0]) PetscCall(PetscStrncpy(frg_scan_error, "the flow failed on another rank", sizeof(frg_scan_error)));
  PetscCallMPI(MPI_Bcast(frg_scan_error, sizeof(frg_scan_error), MPI_CHAR, 0, comm));
  PetscCall(PetscStrncpy(message, bad ? frg_scan_error : "", FRG_SCAN_MESSAGE_LEN));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode FrgScanFlowPoint(const FrgScan *scan, PetscInt p, PetscReal values[], PetscBool *ok, char message[])
{
  FrgFlowResult r;

  PetscFunctionBeginUser;
  PetscCall(FrgScanSetPoint(scan, p, NULL));
  PetscCall(FrgScanFlow(scan, scan->group, PETSC_TRUE, &r, ok, message));
  if (!*ok) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCheck(2 * r.count + FrgScanFlowResultCount == scan->nresults, scan->group, PETSC_ERR_USER_INPUT, "scan point %" PetscInt_FMT " has %" PetscInt_FMT " observables, point 0 had %" PetscInt_FMT ": a scan may not change the model",
             p, r.count, (scan->nresults - FrgScanFlowResultCount) / 2);
  for (PetscInt c = 0; c < r.count; c++) values[c] = r.obs.value[c], values[r.count + c] = r.obs.estimated ? r.obs.error[c] : NAN;
  values += 2 * r.count;
  values[0] = (PetscReal)r.warnings;
  values[1] = r.obs.k;
  values[2] = (PetscReal)r.stats.steps;
  values[3] = (PetscReal)r.stats.rhs_evals;
  values[4] = r.wall_seconds;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The IR phase at one value x of the bisected parameter, of the flow and of its error estimate's
 * coarse flow (*estimated false without one), and the flow's warnings. */
static PetscErrorCode FrgScanPhase(const FrgScan *scan, PetscInt p, PetscReal x, PetscBool broken[2], PetscBool *estimated, PetscReal *steps, PetscReal *warnings, PetscBool *ok, char message[])
{
  char          value[64];
  FrgFlowResult r;
  PetscInt      c = 0;

  PetscFunctionBeginUser;
  PetscCall(PetscSNPrintf(value, sizeof(value), "%.17g", (double)x));
  PetscCall(FrgScanSetPoint(scan, p, value));
  PetscCall(FrgScanFlow(scan, scan->group, PETSC_TRUE, &r, ok, message));
  if (!*ok) PetscFunctionReturn(PETSC_SUCCESS);
  while (c < r.count && strcmp(r.names[c], "phi0")) c++;
  PetscCheck(c < r.count, scan->group, PETSC_ERR_USER_INPUT, "-scan_bisect decides the phase by phi0, which this model does not define");
  broken[0]  = (PetscBool)(r.obs.value[c] > scan->bisect_phi0);
  broken[1]  = (PetscBool)(r.obs.estimated && r.coarse.value[c] > scan->bisect_phi0);
  *estimated = r.obs.estimated && PetscIsNormalReal(r.obs.error[c] + 1);
  *steps += (PetscReal)r.stats.steps;
  *warnings += (PetscReal)r.warnings;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Bisection to the phase boundary, of the flow and of its error estimate's coarse flow at once. Every
 * flow gives both phases, so one evaluation narrows both brackets; the next point is the middle of
 * the wider one. The numerical error of the boundary is estimated as the distance of the two
 * boundaries (the coarse flow has half the cells and 3x the tolerances, src/driver/estimate.c) plus
 * the half-widths of the brackets; the bisection stops once both brackets are below half that distance
 * (halving further would not change the estimate), or below -scan_bisect_tol. Without an estimate (or
 * when the coarse flow finds no boundary in the range) the error is infinite and the bracket goes to
 * -scan_bisect_tol. Result columns: critical (the flow's boundary), critical_error, critical_low,
 * critical_high (the flow's bracket), flows, steps, warnings. */
static PetscErrorCode FrgScanBisectPoint(const FrgScan *scan, PetscInt p, PetscReal values[], PetscBool *ok, char message[])
{
  PetscReal lo[2], hi[2], steps = 0, warnings = 0, flows = 2;
  PetscBool end_lo[2], end_hi[2], mid[2], estimated[2], coarse;

  PetscFunctionBeginUser;
  lo[0] = lo[1] = scan->bisect_range[0];
  hi[0] = hi[1] = scan->bisect_range[1];
  PetscCall(FrgScanPhase(scan, p, lo[0], end_lo, &estimated[0], &steps, &warnings, ok, message));
  if (*ok) PetscCall(FrgScanPhase(scan, p, hi[0], end_hi, &estimated[1], &steps, &warnings, ok, message));
  if (*ok && end_lo[0] == end_hi[0]) {
    *ok = PETSC_FALSE;
    PetscCall(PetscSNPrintf(message, FRG_SCAN_MESSAGE_LEN, "-scan_bisect_range %g,%g: both ends are in the %s phase", (double)lo[0], (double)hi[0], end_lo[0] ? "broken" : "symmetric"));
  }
  coarse = (PetscBool)(*ok && estimated[0] && estimated[1] && end_lo[1] != end_hi[1]);
  for (PetscInt i = 0; *ok && i < 400; i++, flows++) {
    const PetscReal width[2] = {hi[0] - lo[0], coarse ? hi[1] - lo[1] : 0}, apart = coarse ? PetscAbsReal(lo[0] + hi[0] - lo[1] - hi[1]) / 2 : 0;
    const PetscInt  k = width[1] > width[0] ? 1 : 0;
    const PetscReal x = 0.5 * (lo[k] + hi[k]);
    if (PetscMax(width[0], width[1]) <= PetscMax(scan->bisect_tol, 0.5 * apart) || x <= lo[k] || x >= hi[k]) break;
    PetscCall(FrgScanPhase(scan, p, x, mid, &estimated[0], &steps, &warnings, ok, message));
    for (int j = 0; j < 2; j++) { /* x narrows each bracket it falls into */
      if (j == 1 && (!coarse || !estimated[0])) continue;
      if (x > lo[j] && x < hi[j]) {
        if (mid[j] == (j ? end_lo[1] : end_lo[0])) lo[j] = x;
        else hi[j] = x;
      }
    }
  }
  values[0] = 0.5 * (lo[0] + hi[0]);
  values[1] = coarse ? PetscAbsReal(lo[0] + hi[0] - lo[1] - hi[1]) / 2 + (hi[0] - lo[0] + hi[1] - lo[1]) / 2 : PETSC_INFINITY;
  values[2] = lo[0];
  values[3] = hi[0];
  values[4] = flows;
  values[5] = steps;
  values[6] = warnings;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Group rank 0: the /summary attributes of a task's output file (NaN when missing). */
static PetscErrorCode FrgScanReadSummary(const FrgScan *scan, const char path[], PetscReal values[])
{
  hid_t file, attr;

  PetscFunctionBeginUser;
  for (PetscInt r = 0; r < scan->nresults - 1; r++) values[r] = NAN;
  H5E_BEGIN_TRY { file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT); }
  H5E_END_TRY;
  for (PetscInt r = 0; file >= 0 && r < scan->nresults - 1; r++) {
    double v;
    H5E_BEGIN_TRY { attr = H5Aopen_by_name(file, "/summary", scan->result_names[r], H5P_DEFAULT, H5P_DEFAULT); }
    H5E_END_TRY;
    if (attr >= 0 && H5Aread(attr, H5T_NATIVE_DOUBLE, &v) >= 0) values[r] = v;
    if (attr >= 0) H5Aclose(attr);
  }
  if (file >= 0) H5Fclose(file);
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode FrgScanTaskPoint(const FrgScan *scan, PetscInt p, PetscReal values[], PetscBool *ok, char message[])
{
  FrgFlowResult r;
  char          path[PETSC_MAX_PATH_LEN + 64];

  PetscFunctionBeginUser;
  PetscCall(FrgScanSetPoint(scan, p, NULL));
  PetscCall(FrgScanFlow(scan, scan->group, PETSC_TRUE, &r, ok, message));
  PetscCall(PetscOptionsGetString(NULL, NULL, "-output", path, sizeof(path), NULL));
  if (*ok && !scan->group_rank) PetscCall(FrgScanReadSummary(scan, path, values));
  PetscCallMPI(MPI_Bcast(values, (PetscMPIInt)scan->nresults, MPIU_REAL, 0, scan->group));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Collective on the group: runs point p; values are NaN for a failed point. */
PetscErrorCode FrgScanRunPoint(const FrgScan *scan, PetscInt p, PetscReal values[], PetscBool *ok, char message[])
{
  double start = MPI_Wtime();

  PetscFunctionBeginUser;
  if (scan->bisect[0]) PetscCall(FrgScanBisectPoint(scan, p, values, ok, message));
  else if (scan->task[0]) PetscCall(FrgScanTaskPoint(scan, p, values, ok, message));
  else PetscCall(FrgScanFlowPoint(scan, p, values, ok, message));
  values[scan->nresults - 1] = MPI_Wtime() - start;
  if (!*ok)
    for (PetscInt r = 0; r < scan->nresults - 1; r++) values[r] = NAN;
  PetscFunctionReturn(PETSC_SUCCESS);
}
