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

const char *const FrgScanFlowResults[]   = {"phi0", "m2_radial", "m2_goldstone", "gamma2", "gamma4", "gamma6", "k_ir", "steps", "rhs_evals", "wall_seconds"};
const char *const FrgScanBisectResults[] = {"critical", "critical_low", "critical_high", "flows", "steps", "wall_seconds"};
const PetscInt    FrgScanFlowResultCount = 10, FrgScanBisectResultCount = 6;

static char frg_scan_error[FRG_SCAN_MESSAGE_LEN];

/* Records the first error message of a point instead of printing it. */
static PetscErrorCode FrgScanErrorHandler(MPI_Comm comm, int line, const char *fun, const char *file, PetscErrorCode n, PetscErrorType p, const char *mess, void *ctx)
{
  if (p == PETSC_ERROR_INITIAL && !frg_scan_error[0]) snprintf(frg_scan_error, sizeof(frg_scan_error), "%s", mess && mess[0] ? mess : "error in a flow");
  return n;
}

/* Replaces every ${name} of text by (value). Not collective. */
static PetscErrorCode FrgScanSubstitute(char *text, size_t size, const char name[], const char value[])
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
  if (!bad && integrate && !scan->task[0] && !PetscIsNormalReal(result->obs.phi0 + 1.0)) {
    bad = 1;
    PetscCall(PetscSNPrintf(frg_scan_error, sizeof(frg_scan_error), "non-finite result: phi0 = %g", (double)result->obs.phi0));
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
  values[0] = r.obs.phi0;
  values[1] = r.obs.m2_radial;
  values[2] = r.obs.m2_goldstone;
  values[3] = r.obs.gamma2;
  values[4] = r.obs.gamma4;
  values[5] = r.obs.gamma6;
  values[6] = r.obs.k;
  values[7] = (PetscReal)r.stats.steps;
  values[8] = (PetscReal)r.stats.rhs_evals;
  values[9] = r.wall_seconds;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The IR phase at one value of the bisected parameter. */
static PetscErrorCode FrgScanPhase(const FrgScan *scan, PetscInt p, PetscReal x, PetscBool *broken, PetscReal *steps, PetscBool *ok, char message[])
{
  char          value[64];
  FrgFlowResult r;

  PetscFunctionBeginUser;
  PetscCall(PetscSNPrintf(value, sizeof(value), "%.17g", (double)x));
  PetscCall(FrgScanSetPoint(scan, p, value));
  PetscCall(FrgScanFlow(scan, scan->group, PETSC_TRUE, &r, ok, message));
  *broken = (PetscBool)(r.obs.phi0 > scan->bisect_phi0);
  *steps += (PetscReal)r.stats.steps;
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode FrgScanBisectPoint(const FrgScan *scan, PetscInt p, PetscReal values[], PetscBool *ok, char message[])
{
  PetscReal lo = scan->bisect_range[0], hi = scan->bisect_range[1], steps = 0, flows = 2;
  PetscBool phase_lo = PETSC_FALSE, phase_hi = PETSC_FALSE, phase_mid = PETSC_FALSE;

  PetscFunctionBeginUser;
  PetscCall(FrgScanPhase(scan, p, lo, &phase_lo, &steps, ok, message));
  if (*ok) PetscCall(FrgScanPhase(scan, p, hi, &phase_hi, &steps, ok, message));
  if (*ok && phase_lo == phase_hi) {
    *ok = PETSC_FALSE;
    PetscCall(PetscSNPrintf(message, FRG_SCAN_MESSAGE_LEN, "-scan_bisect_range %g,%g: both ends are in the %s phase", (double)lo, (double)hi, phase_lo ? "broken" : "symmetric"));
  }
  /* the bracket shrinks by halves; 200 halvings exhaust any double interval */
  for (PetscInt i = 0; *ok && hi - lo > scan->bisect_tol && i < 200; i++, flows++) {
    const PetscReal mid = 0.5 * (lo + hi);
    if (mid <= lo || mid >= hi) break;
    PetscCall(FrgScanPhase(scan, p, mid, &phase_mid, &steps, ok, message));
    if (phase_mid == phase_lo) lo = mid;
    else hi = mid;
  }
  values[0] = 0.5 * (lo + hi);
  values[1] = lo;
  values[2] = hi;
  values[3] = flows;
  values[4] = steps;
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
