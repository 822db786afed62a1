/* Task "scan": many flows (or bisections of flows) over a grid of options, into one results table.
 *
 *   frg -task scan -options_file deck.yaml -scan_vary "N=1,2,3,4; d=linspace(2.5,3.5,11)" -output scan.h5
 *
 * MPI_COMM_WORLD is split into groups of -scan_group_size ranks; each point runs on one group with
 * the grid decomposed across it. Points are handed out dynamically: every group leader takes the next
 * unfinished point from a shared counter (MPI_Fetch_and_op on a window of rank 0), so long points near
 * a critical surface do not stall the others and no master rank sits idle.
 *
 * Finished points go to the journal OUTPUT.journal (src/scan/journal.c) at once; the table
 * (src/scan/table.c) is written from the journal when every point is finished. Running the same scan
 * again (after a crash, kill -9, a time limit or SIGTERM/SIGUSR1, which stop it with exit code 85)
 * runs only the points missing from the journal. -scan_shard i -scan_shards n lets n independent jobs
 * (a job array) share one scan: job i runs the missing points with index = i mod n; the job that
 * finishes the last point writes the table.
 *
 * What a point runs: a flow (default; FrgFlowSolve, the flow task's code, no file per point), a
 * bisection of flows (-scan_bisect, src/scan/point.c), or another task (-scan_task fixedpoint: its
 * own file per point, /summary attributes -scan_results tabulated). The scan's identity (hash) covers
 * the deck text, the command-line options except run-control ones (-scan_group_size, -scan_shard(s),
 * -scan_progress, -scan_fsync_interval, logging), the scan specification and -potential: resume
 * with the same deck and options; a journal or table of another scan is refused, never modified. */
#define _DEFAULT_SOURCE /* strtok_r */
#include <frg/scan_impl.h>
#include <frg/options.h>
#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>

PETSC_INTERN const char *const FrgScanFlowResults[], *const FrgScanBisectResults[];
PETSC_INTERN const PetscInt    FrgScanFlowResultCount, FrgScanBisectResultCount;
PETSC_INTERN PetscErrorCode    FrgScanSetPoint(const FrgScan *, PetscInt, const char[]);
PETSC_INTERN PetscErrorCode    FrgScanFlow(const FrgScan *, MPI_Comm, PetscBool, FrgFlowResult *, PetscBool *, char[]);
PETSC_INTERN PetscErrorCode    FrgScanRunPoint(const FrgScan *, PetscInt, PetscReal[], PetscBool *, char[]);
PETSC_INTERN PetscBool         FrgScanIsPlaceholder(const FrgScan *, const char[]);

static unsigned long long FrgHashAdd(unsigned long long h, const char text[])
{
  for (const unsigned char *c = (const unsigned char *)text; *c; c++) h = (h ^ *c) * 1099511628211ULL;
  return (h ^ 0xff) * 1099511628211ULL; /* separator, so that "ab","c" differs from "a","bc" */
}

/* Command-line options that do not change the results of a scan: a resumed run may change them. */
static PetscBool FrgScanOptionIsRunControl(const char arg[])
{
  static const char *names[] = {"-scan_group_size", "-scan_shard", "-scan_shards", "-scan_progress", "-scan_fsync_interval", "-log_view", "-frg_traceback", "-malloc_debug", "-options_left"};

  for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
    if (!strcmp(arg, names[i])) return PETSC_TRUE;
  return PETSC_FALSE;
}

/* The identity of a scan: FNV-1a of the deck, the command-line options that affect results, the
 * scan specification and -potential. */
static PetscErrorCode FrgScanHash(FrgScan *scan)
{
  int                argc;
  char             **args;
  unsigned long long h = 14695981039346656037ULL;
  char               range[128];

  PetscFunctionBeginUser;
  h = FrgHashAdd(h, "frg scan v1");
  h = FrgHashAdd(h, FrgDeckText());
  PetscCall(PetscGetArgs(&argc, &args));
  for (int i = 1; i < argc; i++) {
    if (FrgScanOptionIsRunControl(args[i])) {
      if (i + 1 < argc && args[i + 1][0] != '-') i++;
      continue;
    }
    h = FrgHashAdd(h, args[i]);
  }
  PetscCall(PetscSNPrintf(range, sizeof(range), "%.17g,%.17g,%.17g,%.17g", (double)scan->bisect_range[0], (double)scan->bisect_range[1], (double)scan->bisect_tol, (double)scan->bisect_phi0));
  h = FrgHashAdd(h, scan->vary);
  h = FrgHashAdd(h, scan->zip);
  h = FrgHashAdd(h, scan->bisect);
  h = FrgHashAdd(h, range);
  h = FrgHashAdd(h, scan->potential);
  scan->hash = h;
  PetscCall(PetscSNPrintf(scan->hash_text, sizeof(scan->hash_text), "%016llx", h));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode FrgScanReadOptions(FrgScan *scan, PetscInt *group_size)
{
  PetscInt  n = 2;
  PetscBool set_range = PETSC_FALSE;

  PetscFunctionBeginUser;
  PetscCall(PetscStrncpy(scan->output, "scan.h5", sizeof(scan->output)));
  scan->bisect_tol = 1e-10;
  scan->shards     = 1;
  scan->progress   = PETSC_TRUE;
  scan->fsync_interval = 1.0;
  PetscCall(PetscStrncpy(scan->task, "flow", sizeof(scan->task)));
  PetscCall(PetscStrncpy(scan->results_text, "nu,omega", sizeof(scan->results_text)));
  PetscOptionsBegin(scan->world, NULL, "Scan task", "FrgScan");
  PetscCall(FrgOptionsString("-scan_vary", "Cartesian product of axes \"NAME=v1,v2,...; NAME=linspace(a,b,n); NAME=logspace(a,b,n)\"", scan->vary, scan->vary, sizeof(scan->vary), NULL));
  PetscCall(FrgOptionsStringOrNone("-scan_zip", "Lists of equal length taken together \"NAME=v1,v2; NAME=w1,w2\" (combined with -scan_vary)", scan->zip, scan->zip, sizeof(scan->zip), NULL));
  PetscCall(FrgOptionsInt("-scan_group_size", "Ranks per scan point (must divide the number of ranks)", *group_size, group_size, NULL, 1, 1048576));
  PetscCall(FrgOptionsString("-output", "HDF5 results table (/scan/<column>); its journal is OUTPUT.journal", scan->output, scan->output, sizeof(scan->output), NULL));
  PetscCall(FrgOptionsString("-scan_csv", "CSV copy of the table (default: OUTPUT with .csv for .h5)", scan->csv, scan->csv, sizeof(scan->csv), NULL));
  PetscCall(PetscOptionsBool("-output_overwrite", "Replace an existing -scan_csv file also if frg did not write it", "", scan->overwrite, &scan->overwrite, NULL));
  PetscCall(FrgOptionsStringOrNone("-scan_bisect", "Per point, bisect this option (or ${NAME} placeholder of -potential) to the IR phase boundary", scan->bisect, scan->bisect, sizeof(scan->bisect), NULL));
  PetscCall(FrgOptionsRealArray("-scan_bisect_range", "Bracket a,b of the bisected value (different IR phases at a and b)", scan->bisect_range, &n, &set_range, -FRG_REAL_MAX, FRG_REAL_MAX));
  PetscCall(FrgOptionsRealAbove("-scan_bisect_tol", "Bisect until the brackets are below half the estimated error of the phase boundary, or below this", scan->bisect_tol, &scan->bisect_tol, NULL, 0, FRG_REAL_MAX));
  PetscCall(FrgOptionsReal("-scan_bisect_phi0", "Broken phase: phi0(t_IR) above this", scan->bisect_phi0, &scan->bisect_phi0, NULL, 0, FRG_REAL_MAX));
  PetscCall(FrgOptionsInt("-scan_shard", "This job runs the points with index = shard mod shards (job arrays)", scan->shard, &scan->shard, NULL, 0, 1000000));
  PetscCall(FrgOptionsInt("-scan_shards", "Number of jobs sharing this scan", scan->shards, &scan->shards, NULL, 1, 1000000));
  PetscCall(FrgOptionsReal("-scan_fsync_interval", "fsync the journal at most every this many seconds (0: after every point); rows survive a kill -9 regardless", scan->fsync_interval, &scan->fsync_interval, NULL, 0, 1e6));
  PetscCall(FrgOptionsString("-scan_task", "What each point runs: flow (FrgFlowSolve, no file per point) or another task, e.g. fixedpoint", scan->task, scan->task, sizeof(scan->task), NULL));
  PetscCall(FrgOptionsString("-scan_results", "With -scan_task other than flow: the /summary attributes of each point's file to tabulate", scan->results_text, scan->results_text, sizeof(scan->results_text), NULL));
  PetscCall(PetscOptionsBool("-scan_progress", "Print one line per finished point", "", scan->progress, &scan->progress, NULL));
  PetscOptionsEnd();
  PetscCall(PetscOptionsGetString(NULL, NULL, "-potential", scan->potential, sizeof(scan->potential), NULL));
  if (scan->bisect[0] == '-') PetscCall(PetscStrncpy(scan->bisect, scan->bisect + 1, sizeof(scan->bisect)));
  PetscCheck(!scan->bisect[0] || (set_range && n == 2 && scan->bisect_range[0] < scan->bisect_range[1]), scan->world, PETSC_ERR_USER_INPUT,
             "-scan_bisect %s needs -scan_bisect_range a,b with a < b", scan->bisect);
  PetscCheck(scan->bisect_tol > 0, scan->world, PETSC_ERR_USER_INPUT, "-scan_bisect_tol must be positive, got %g", (double)scan->bisect_tol);
  PetscCheck(scan->shards >= 1 && scan->shard >= 0 && scan->shard < scan->shards, scan->world, PETSC_ERR_USER_INPUT, "-scan_shard must lie in [0, -scan_shards), got %" PetscInt_FMT " of %" PetscInt_FMT,
             scan->shard, scan->shards);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Result column r named text (kept in the scan). */
static PetscErrorCode FrgScanResultName(FrgScan *scan, const char text[], const char suffix[])
{
  PetscFunctionBeginUser;
  PetscCheck(scan->nresults < FRG_SCAN_MAX_RESULTS, scan->world, PETSC_ERR_USER_INPUT, "a scan has at most %d result columns", FRG_SCAN_MAX_RESULTS);
  PetscCall(PetscSNPrintf(scan->result_text[scan->nresults], sizeof(scan->result_text[0]), "%s%s", text, suffix));
  scan->task_results[scan->nresults] = scan->result_text[scan->nresults];
  scan->nresults++;
  scan->result_names = scan->task_results;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* -scan_results "nu,omega" -> result names, each with its <name>_error, then wall_seconds. */
static PetscErrorCode FrgScanTaskResults(FrgScan *scan)
{
  char    *token, *rest = scan->results_text;
  PetscInt count = 0;

  PetscFunctionBeginUser;
  scan->nresults = 0;
  while ((token = strtok_r(rest, ", ", &rest))) {
    PetscCheck(strlen(token) < 48, scan->world, PETSC_ERR_USER_INPUT, "-scan_results: the name %s is too long", token);
    PetscCall(FrgScanResultName(scan, token, ""));
    PetscCall(FrgScanResultName(scan, token, "_error"));
    count++;
  }
  PetscCheck(count > 0, scan->world, PETSC_ERR_USER_INPUT, "-scan_results must name at least one /summary attribute of -scan_task %s", scan->task);
  PetscCall(FrgScanResultName(scan, "wall_seconds", ""));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The flow's results: the model's observables (from point 0), their errors, then the run's figures. */
static PetscErrorCode FrgScanFlowResults_(FrgScan *scan, const FrgFlowResult *r)
{
  PetscFunctionBeginUser;
  scan->nresults = 0;
  for (PetscInt c = 0; c < r->count; c++) PetscCall(FrgScanResultName(scan, r->names[c], ""));
  for (PetscInt c = 0; c < r->count; c++) PetscCall(FrgScanResultName(scan, r->names[c], "_error"));
  for (PetscInt c = 0; c < FrgScanFlowResultCount; c++) PetscCall(FrgScanResultName(scan, FrgScanFlowResults[c], ""));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* -scan_task names a task of frg's list other than scan itself: a scan of scans would run each point
 * in OUTPUT.points/, whose points would run in OUTPUT.points/check-0.h5.points/, and so on. */
static PetscErrorCode FrgScanCheckTask(FrgScan *scan)
{
  PetscFunctionList tasks;
  PetscErrorCode (*run)(MPI_Comm) = NULL;

  PetscFunctionBeginUser;
  PetscCall(FrgTaskGetList(&tasks));
  PetscCall(PetscFunctionListFind(tasks, scan->task, &run));
  PetscCheck(run, scan->world, PETSC_ERR_USER_INPUT, "-scan_task %s is not a known task (flow, fixedpoint, sample, hmc, lattice_sample)", scan->task);
  PetscCheck(strcmp(scan->task, "scan"), scan->world, PETSC_ERR_USER_INPUT, "-scan_task scan: a scan cannot run scans as its points (vary more options in one -scan_vary instead)");
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode FrgScanCreate(MPI_Comm world, FrgScan *scan)
{
  PetscInt group_size = 1;
  size_t   len;

  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(scan, sizeof(*scan)));
  scan->world      = world;
  scan->group      = MPI_COMM_NULL;
  scan->journal_fd = -1;
  PetscCallMPI(MPI_Comm_rank(world, &scan->world_rank));
  PetscCallMPI(MPI_Comm_size(world, &scan->world_size));
  PetscCall(FrgScanReadOptions(scan, &group_size));
  PetscCheck(group_size >= 1 && scan->world_size % group_size == 0, world, PETSC_ERR_USER_INPUT, "-scan_group_size must divide the number of ranks %d, got %" PetscInt_FMT, scan->world_size, group_size);
  scan->group_id = scan->world_rank / (PetscMPIInt)group_size;
  PetscCallMPI(MPI_Comm_split(world, scan->group_id, scan->world_rank, &scan->group));
  PetscCallMPI(MPI_Comm_rank(scan->group, &scan->group_rank));
  PetscCallMPI(MPI_Comm_size(scan->group, &scan->group_size));
  PetscCall(FrgScanSpecParse(world, scan->vary, scan->zip, (PetscBool)(scan->bisect[0] != 0), &scan->spec));
  scan->result_names = scan->bisect[0] ? FrgScanBisectResults : FrgScanFlowResults;
  scan->nresults     = scan->bisect[0] ? FrgScanBisectResultCount : FrgScanFlowResultCount;
  if (!strcmp(scan->task, "flow")) scan->task[0] = 0;
  PetscCheck(!scan->task[0] || !scan->bisect[0], world, PETSC_ERR_USER_INPUT, "-scan_bisect works with flows only, got -scan_task %s", scan->task);
  if (scan->task[0]) PetscCall(FrgScanCheckTask(scan));
  if (scan->task[0]) PetscCall(FrgScanTaskResults(scan));
  PetscCheck(scan->output[0], world, PETSC_ERR_USER_INPUT, "-output must name a file (the scan's table)");
  PetscCall(PetscSNPrintf(scan->journal, sizeof(scan->journal), "%s.journal", scan->output));
  if (!scan->csv[0]) {
    PetscCall(PetscStrncpy(scan->csv, scan->output, sizeof(scan->csv)));
    PetscCall(PetscStrlen(scan->csv, &len));
    if (len > 3 && !strcmp(scan->csv + len - 3, ".h5")) scan->csv[len - 3] = 0;
    PetscCall(PetscStrlcat(scan->csv, ".csv", sizeof(scan->csv)));
  }
  PetscCall(PetscSNPrintf(scan->bisect_low, sizeof(scan->bisect_low), "%.17g", (double)scan->bisect_range[0]));
  PetscCall(FrgScanHash(scan));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* -scan_task other than flow: each point writes OUTPUT.points/point-NNNNNN.h5. */
static PetscErrorCode FrgScanMakePointsFolder(const FrgScan *scan)
{
  char folder[PETSC_MAX_PATH_LEN + 16];
  int  err = 0;

  PetscFunctionBeginUser;
  PetscCall(PetscSNPrintf(folder, sizeof(folder), "%s.points", scan->output));
  if (!scan->world_rank && mkdir(folder, 0755) && errno != EEXIST) err = errno;
  PetscCallMPI(MPI_Bcast(&err, 1, MPI_INT, 0, scan->world));
  PetscCheck(!err, scan->world, PETSC_ERR_FILE_OPEN, "-output %s: cannot create the folder %s: %s", scan->output, folder, strerror(err));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Every ${NAME} of -potential must be set by an axis or by -scan_bisect. */
static PetscErrorCode FrgScanCheckPlaceholders(const FrgScan *scan)
{
  const char *at = scan->potential;

  PetscFunctionBeginUser;
  while ((at = strstr(at, "${"))) {
    const char *end = strchr(at, '}');
    char        name[64];
    PetscBool   found;
    PetscCheck(end && end - at - 2 > 0 && end - at - 2 < (int)sizeof(name), scan->world, PETSC_ERR_USER_INPUT, "-potential \"%s\": malformed placeholder at \"%s\"", scan->potential, at);
    memcpy(name, at + 2, (size_t)(end - at - 2));
    name[end - at - 2] = 0;
    found = (PetscBool)!strcmp(name, scan->bisect);
    for (PetscInt a = 0; a < scan->spec.naxes && !found; a++) found = (PetscBool)!strcmp(name, scan->spec.axes[a].name);
    PetscCheck(found, scan->world, PETSC_ERR_USER_INPUT, "-potential \"%s\": no -scan_vary, -scan_zip or -scan_bisect sets the placeholder ${%s}", scan->potential, name);
    at = end;
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Collective on world: builds the flow of point 0 on each group (without integrating) so that bad
 * options fail before any point runs, checks that every scanned name is an option the flow reads
 * or a ${NAME} placeholder, and that no option of the deck goes unused. */
static PetscErrorCode FrgScanValidate(FrgScan *scan)
{
  FrgFlowResult r;
  PetscBool     ok, used;
  char          message[FRG_SCAN_MESSAGE_LEN], check[PETSC_MAX_PATH_LEN + 64];

  PetscFunctionBeginUser;
  PetscCall(FrgScanCheckPlaceholders(scan));
  if (scan->task[0]) PetscCall(FrgScanMakePointsFolder(scan));
  PetscCall(FrgScanSetPoint(scan, 0, scan->bisect[0] ? scan->bisect_low : NULL));
  if (scan->task[0]) { /* another task runs point 0 in full, into a file of its own per group */
    PetscCall(PetscSNPrintf(check, sizeof(check), "%s.points/check-%d.h5", scan->output, scan->group_id));
    PetscCall(PetscOptionsSetValue(NULL, "-output", check));
  }
  PetscCall(FrgScanFlow(scan, scan->group, PETSC_FALSE, &r, &ok, message));
  if (scan->task[0] && !scan->group_rank) (void)unlink(check);
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &ok, 1, MPIU_BOOL, MPI_LAND, scan->world));
  PetscCallMPI(MPI_Bcast(message, sizeof(message), MPI_CHAR, 0, scan->world));
  PetscCheck(ok, scan->world, PETSC_ERR_USER_INPUT, "%s (with the options of scan point 0)", message);
  if (!scan->task[0] && !scan->bisect[0]) PetscCall(FrgScanFlowResults_(scan, &r));
  for (PetscInt a = 0; a <= scan->spec.naxes; a++) {
    const char *name = a < scan->spec.naxes ? scan->spec.axes[a].name : scan->bisect;
    if (!name[0] || FrgScanIsPlaceholder(scan, name)) continue;
    PetscCall(PetscOptionsUsed(NULL, name, &used)); /* the database stores names without the dash */
    PetscCheck(used, scan->world, PETSC_ERR_USER_INPUT, "%s: %s is neither an option of the flow nor a placeholder ${%s} in -potential", a < scan->spec.naxes ? (a < scan->spec.nvary ? "-scan_vary" : "-scan_zip") : "-scan_bisect", name, name);
  }
  PetscCall(FrgCheckUnusedOptions(scan->world));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The points this job still has to run (every rank computes the same list). */
static PetscErrorCode FrgScanTodo(FrgScan *scan, const FrgScanRows *rows, PetscInt *count, PetscInt **todo)
{
  char *done;

  PetscFunctionBeginUser;
  PetscCall(PetscCalloc1(scan->spec.points, &done));
  PetscCall(PetscMalloc1(PetscMax(scan->spec.points, 1), todo));
  for (PetscInt r = 0; r < rows->count; r++) done[rows->point[r]] = 1;
  *count = 0;
  for (PetscInt p = 0; p < scan->spec.points; p++)
    if (!done[p] && p % scan->shards == scan->shard) (*todo)[(*count)++] = p;
  PetscCall(PetscFree(done));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode FrgScanReport(const FrgScan *scan, PetscInt p, PetscBool ok, const PetscReal values[], const char message[])
{
  char line[1024];
  int  len;

  PetscFunctionBeginUser;
  if (!scan->progress || scan->group_rank) PetscFunctionReturn(PETSC_SUCCESS);
  len = snprintf(line, sizeof(line), "[frg scan] point %lld/%lld", (long long)p, (long long)scan->spec.points);
  for (PetscInt a = 0; a < scan->spec.naxes && len < (int)sizeof(line); a++) len += snprintf(line + len, sizeof(line) - (size_t)len, " %s=%s", scan->spec.axes[a].name, FrgScanSpecValue(&scan->spec, p, a));
  if (len < (int)sizeof(line)) {
    if (ok) snprintf(line + len, sizeof(line) - (size_t)len, ": %s = %.12g (%.3f s)\n", scan->result_names[0], (double)values[0], (double)values[scan->nresults - 1]);
    else snprintf(line + len, sizeof(line) - (size_t)len, ": failed: %s\n", message);
  }
  fputs(line, stdout);
  fflush(stdout);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Group leaders: the next point this group runs, from the job's shared counter (index into todo),
 * skipping points that another process holds or has finished (journal_claim.c). claim[0]: index
 * (>= count: none left), claim[1]: stop on a signal, claim[2]: errno of a failed claim. */
static PetscErrorCode FrgScanNextPoint(FrgScan *scan, MPI_Win win, PetscInt count, const PetscInt todo[], long claim[3])
{
  const long one  = 1;
  PetscBool  mine = PETSC_FALSE;

  PetscFunctionBeginUser;
  claim[2] = 0;
  while (!mine) {
    claim[1] = FrgSignalPendingLocal() ? 1 : 0;
    if (claim[1]) break;
    PetscCallMPI(MPI_Win_lock(MPI_LOCK_SHARED, 0, 0, win));
    PetscCallMPI(MPI_Fetch_and_op(&one, &claim[0], MPI_LONG, 0, 0, MPI_SUM, win));
    PetscCallMPI(MPI_Win_unlock(0, win));
    if (claim[0] >= count) break;
    if ((claim[2] = FrgScanJournalClaim(scan, todo[claim[0]], &mine))) break;
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Collective on world: runs the todo points; *stopped if a signal asked to stop. */
static PetscErrorCode FrgScanSchedule(FrgScan *scan, PetscInt count, const PetscInt todo[], PetscBool *stopped)
{
  MPI_Win   win;
  long     *counter, claim[3];
  PetscReal values[FRG_SCAN_MAX_RESULTS];
  PetscBool ok, signal = PETSC_FALSE;
  char      message[FRG_SCAN_MESSAGE_LEN];

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Win_allocate(scan->world_rank ? 0 : (MPI_Aint)sizeof(long), sizeof(long), MPI_INFO_NULL, scan->world, &counter, &win));
  if (!scan->world_rank) *counter = 0;
  PetscCallMPI(MPI_Barrier(scan->world));
  *stopped = PETSC_FALSE;
  for (;;) {
    if (!scan->group_rank) PetscCall(FrgScanNextPoint(scan, win, count, todo, claim));
    PetscCallMPI(MPI_Bcast(claim, 3, MPI_LONG, 0, scan->group));
    PetscCheck(!claim[2], scan->group, PETSC_ERR_FILE_UNEXPECTED, "-output %s: cannot claim a point in the scan journal %s: %s", scan->output, scan->journal, strerror((int)claim[2]));
    if (claim[1]) *stopped = PETSC_TRUE;
    if (claim[1] || claim[0] >= count) break;
    PetscCall(FrgScanRunPoint(scan, todo[claim[0]], values, &ok, message));
    if (!ok) PetscCall(FrgSignalPending(scan->group, &signal));
    if (!ok && signal) { /* stopped inside the point: it runs again when the scan resumes */
      if (!scan->group_rank) (void)FrgScanJournalRelease(scan, todo[claim[0]]);
      *stopped = PETSC_TRUE;
      break;
    }
    if (!scan->group_rank) {
      PetscCall(FrgScanJournalAppend(scan, todo[claim[0]], ok ? 0 : 1, values, message));
      PetscCheck(!FrgScanJournalRelease(scan, todo[claim[0]]), PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "-output %s: cannot release a point of the scan journal %s: %s", scan->output, scan->journal, strerror(errno));
    }
    PetscCall(FrgScanReport(scan, todo[claim[0]], ok, values, message));
  }
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, stopped, 1, MPIU_BOOL, MPI_LOR, scan->world));
  PetscCallMPI(MPI_Win_free(&win));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode FrgScanRun(FrgScan *scan)
{
  FrgScanRows rows;
  PetscInt   *todo, count = 0;
  PetscBool   stopped;
  double      start = MPI_Wtime();

  PetscFunctionBeginUser;
  PetscCall(FrgSignalInstall());
  PetscCall(FrgScanCheckOutputs(scan));
  PetscCall(FrgScanJournalOpen(scan));
  PetscCall(FrgScanJournalRead(scan, &rows));
  PetscCall(FrgScanTodo(scan, &rows, &count, &todo));
  PetscCall(PetscPrintf(scan->world, "[frg scan] %" PetscInt_FMT " points (hash %s), %" PetscInt_FMT " finished before, %" PetscInt_FMT " to run here on %d group%s of %d rank%s\n", scan->spec.points,
                        scan->hash_text, rows.count, count, scan->world_size / scan->group_size, scan->world_size / scan->group_size > 1 ? "s" : "", scan->group_size, scan->group_size > 1 ? "s" : ""));
  PetscCall(FrgScanRowsDestroy(&rows));
  PetscCall(FrgStagePush(FRG_STAGE_INTEGRATE));
  PetscCall(FrgScanSchedule(scan, count, todo, &stopped));
  PetscCall(FrgStagePop());
  PetscCall(PetscFree(todo));
  PetscCall(FrgScanJournalRead(scan, &rows));
  if (stopped) {
    PetscCall(PetscPrintf(scan->world, "[frg scan] signal received: stopped with %" PetscInt_FMT " of %" PetscInt_FMT " points in %s; run the same command again to resume (exit code %d)\n", rows.count,
                          scan->spec.points, scan->journal, FRG_EXIT_CHECKPOINTED));
    FrgSetExitStatus(FRG_EXIT_CHECKPOINTED);
  } else if (rows.count < scan->spec.points) {
    PetscCall(PetscPrintf(scan->world, "[frg scan] shard %" PetscInt_FMT " of %" PetscInt_FMT " done; %" PetscInt_FMT " of %" PetscInt_FMT " points finished (the others by other jobs, or still running in them): the job that finishes the last one writes %s\n", scan->shard,
                          scan->shards, rows.count, scan->spec.points, scan->output));
  } else {
    PetscInt failed = 0;
    for (PetscInt r = 0; r < rows.count; r++) failed += rows.status[r] != 0;
    PetscCall(FrgStagePush(FRG_STAGE_OUTPUT));
    PetscCall(FrgScanWriteTable(scan, &rows));
    PetscCall(FrgStagePop());
    PetscCall(PetscPrintf(scan->world, "[frg scan] %" PetscInt_FMT " points (%" PetscInt_FMT " failed) in %s and %s; %.3f s\n", rows.count, failed, scan->output, scan->csv, MPI_Wtime() - start));
    /* a scan with no result is a failed run (exit 1), its table kept for the points' messages */
    if (rows.count > 0 && failed == rows.count) {
      PetscCall(PetscFPrintf(scan->world, PETSC_STDERR, "frg: error: every one of the %" PetscInt_FMT " scan points failed (their messages are in %s, column message); the first: %s\n", rows.count, scan->csv,
                             rows.message ? rows.message[0] : "?"));
      FrgSetExitStatus(1);
    }
  }
  PetscCall(FrgScanRowsDestroy(&rows));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode FrgScanDestroy(FrgScan *scan)
{
  PetscFunctionBeginUser;
  PetscCall(FrgScanJournalClose(scan));
  PetscCall(FrgScanSpecDestroy(&scan->spec));
  if (scan->group != MPI_COMM_NULL) PetscCallMPI(MPI_Comm_free(&scan->group));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Collective on world. */
PetscErrorCode FrgTaskScan(MPI_Comm world)
{
  FrgScan        scan;
  PetscBool      help;
  PetscErrorCode ierr;

  PetscFunctionBeginUser;
  PetscCall(FrgHelpRequested(&help));
  if (help) {
    /* list the scan's options and the flow's (those of point 0) */
    FrgFlowResult r;
    PetscCall(PetscMemzero(&scan, sizeof(scan)));
    scan.world = world;
    PetscCall(FrgScanReadOptions(&scan, &(PetscInt){1}));
    PetscCall(FrgFlowSolve(world, PETSC_FALSE, &r));
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  PetscCall(FrgScanCreate(world, &scan));
  ierr = FrgScanValidate(&scan);
  if (!ierr) ierr = FrgScanRun(&scan);
  PetscCall(FrgScanDestroy(&scan)); /* also after a refusal (a journal of another scan): nothing leaks */
  PetscCall(ierr);
  PetscFunctionReturn(PETSC_SUCCESS);
}
