/* Task "flow": integrates the flow of u = dU/dphi from the UV potential at t = 0 to t_IR, stores u and
 * the observables, each with its estimated numerical error (estimate.c), at the output times, and
 * prints a summary that says what it can vouch for: values, errors, unconverged values and warnings.
 * Long flows survive batch time limits: -checkpoint_every T saves the state every T of RG time,
 * SIGTERM/SIGUSR1 save it after the integrator's current step and stop with FRG_EXIT_CHECKPOINTED
 * (85), and -restart FILE (or -restart auto: the -checkpoint file if it exists) continues from it,
 * carrying the records stored before the checkpoint into the new output file. */
#include <frg/signature.h>
#include <frg/options.h>
#include <frg/checkpoint.h>
#include <frg/flow.h>
#include <frg/integrator.h>
#include <frg/tune.h>
#include <unistd.h>

typedef struct {
  FrgFlowLevel    level;
  FrgFlowEstimate estimate;
  FrgOutput       output;
  PetscBool       progress, warnings_as_errors;
  PetscReal       checkpoint_every, stop_at;
  PetscBool       stop_at_set;
  char            checkpoint[PETSC_MAX_PATH_LEN];
  char            restart[PETSC_MAX_PATH_LEN];
  FrgHistory      history;
  FrgSignature    signature;
  FrgWarnings     warnings;
  PetscReal       t0; /* where the run started: 0, or the checkpoint's t */
} FrgFlow;

static PetscErrorCode FrgFlowCreateOutput(MPI_Comm comm, FrgFlow *flow)
{
  const char *name;

  PetscFunctionBeginUser;
  flow->progress = PETSC_TRUE;
  PetscOptionsBegin(comm, NULL, "Flow task", "");
  PetscCall(PetscOptionsBool("-progress", "Print a progress line at every output time", "", flow->progress, &flow->progress, NULL));
  PetscCall(PetscOptionsBool("-warnings_as_errors", "Fail (exit 1, no output file) if the run had warnings (integrator warnings, hand-overs, rejected pole crossings, a failed error estimate)", "",
                             flow->warnings_as_errors, &flow->warnings_as_errors, NULL));
  PetscOptionsEnd();
  PetscCall(FrgOutputCreate(comm, &flow->output));
  PetscCall(FrgOutputSetFromOptions(flow->output));
  PetscCall(FrgOutputGetName(flow->output, &name));
  PetscCall(PetscSNPrintf(flow->checkpoint, sizeof(flow->checkpoint), "%s.checkpoint.h5", name));
  PetscOptionsBegin(comm, NULL, "Checkpoint and restart", "");
  PetscCall(FrgOptionsReal("-checkpoint_every", "Save a checkpoint every this much RG time (0: only on SIGTERM/SIGUSR1)", flow->checkpoint_every, &flow->checkpoint_every, NULL, 0, FRG_RG_TIME_MAX));
  PetscCall(FrgOptionsString("-checkpoint", "Checkpoint file (default: OUTPUT.checkpoint.h5)", flow->checkpoint, flow->checkpoint, sizeof(flow->checkpoint), NULL));
  PetscCall(FrgOptionsString("-restart", "Continue from this checkpoint file; 'auto': from the -checkpoint file if it exists", flow->restart, flow->restart, sizeof(flow->restart), NULL));
  PetscCall(FrgOptionsRealAbove("-stop_at", "Stop at this RG time with a checkpoint, as on SIGTERM (exit code 85; continue with -restart)", flow->stop_at, &flow->stop_at, &flow->stop_at_set, 0, FRG_RG_TIME_MAX));
  PetscOptionsEnd();
  PetscCheck(!flow->stop_at_set || (flow->stop_at > 0 && PetscIsNormalReal(flow->stop_at)), comm, PETSC_ERR_USER_INPUT, "-stop_at must be a positive RG time, got %g", (double)flow->stop_at);
  PetscCheck(flow->checkpoint_every >= 0 && PetscIsNormalReal(flow->checkpoint_every + 1), comm, PETSC_ERR_USER_INPUT, "-checkpoint_every must be a number >= 0, got %g", (double)flow->checkpoint_every);
  PetscCheck(flow->checkpoint[0], comm, PETSC_ERR_USER_INPUT, "-checkpoint must name a file");
  if (!strcmp(flow->restart, "auto")) {
    PetscBool exists;
    PetscCall(PetscTestFile(flow->checkpoint, 'r', &exists));
    PetscCall(PetscStrncpy(flow->restart, exists ? flow->checkpoint : "", sizeof(flow->restart)));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode FrgFlowDestroy(FrgFlow *flow)
{
  PetscFunctionBeginUser;
  PetscCall(FrgHistoryDestroy(&flow->history));
  PetscCall(FrgSignatureDestroy(&flow->signature));
  PetscCall(FrgOutputDestroy(&flow->output));
  PetscCall(FrgFlowEstimateDestroy(&flow->estimate));
  PetscCall(FrgFlowLevelDestroy(&flow->level));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The checkpoint state of the run at t: both states and what a restart must match. */
static void FrgFlowCheckpointState(FrgFlow *flow, PetscReal t, FrgCheckpointState *st)
{
  const PetscBool estimate = (PetscBool)(flow->estimate.enabled && !flow->estimate.failed);

  st->t            = t;
  st->u            = flow->level.u;
  st->u_coarse     = estimate ? flow->estimate.coarse.u : NULL;
  st->error_sum    = NULL;
  if (estimate) (void)FrgIntegratorGetErrorUnits(flow->level.integrator, &st->error_sum);
  st->coarse_cells = flow->estimate.enabled && flow->estimate.coarse.grid ? flow->estimate.coarse.grid->cells : 0;
  st->observables  = flow->level.model->observable_count;
  st->names        = flow->level.model->observable_names;
  st->signature    = &flow->signature;
  for (int i = 0; i < 4; i++) st->origin[i] = 0;
}

static PetscErrorCode FrgFlowSave(FrgFlow *flow, PetscReal t)
{
  FrgCheckpointState st;

  PetscFunctionBeginUser;
  FrgFlowCheckpointState(flow, t, &st);
  PetscCall(FrgFlowLevelGetOriginFlow(&flow->level, &st.origin[0], &st.origin[1]));
  if (st.u_coarse) PetscCall(FrgFlowLevelGetOriginFlow(&flow->estimate.coarse, &st.origin[2], &st.origin[3]));
  PetscCall(FrgCheckpointSave(flow->level.grid->comm, flow->checkpoint, &st, &flow->history));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The initial state, or the checkpointed one with its records replayed into the output. */
static PetscErrorCode FrgFlowStart(FrgFlow *flow, PetscReal t_ir, PetscReal *t0)
{
  MPI_Comm       comm = flow->level.grid->comm;
  FrgObservables obs;
  DM             da;

  PetscFunctionBeginUser;
  *t0 = 0.0;
  PetscCall(FrgGridGetDM(flow->level.grid, &da));
  PetscCall(DMCreateGlobalVector(da, &flow->level.u));
  if (flow->estimate.enabled && !flow->estimate.failed) PetscCall(DMCreateGlobalVector(flow->estimate.coarse.grid->da, &flow->estimate.coarse.u));
  if (flow->restart[0]) {
    FrgCheckpointState st;
    Vec                work, error_sum = NULL;
    FrgFlowCheckpointState(flow, 0.0, &st);
    if (st.u_coarse) PetscCall(VecDuplicate(flow->level.u, &error_sum));
    st.error_sum = error_sum;
    {
      PetscErrorCode ierr = FrgCheckpointLoad(comm, flow->restart, t_ir, &st, &flow->history);
      if (ierr) PetscCall(VecDestroy(&error_sum)); /* a refused checkpoint: it held the grid's DM alive (all leaked) */
      PetscCall(ierr);
    }
    *t0 = st.t;
    PetscCall(VecDuplicate(flow->level.u, &work));
    PetscCall(FrgHistoryReplay(&flow->history, flow->output, work));
    PetscCall(VecDestroy(&work));
    PetscCall(PetscPrintf(comm, "[frg] restarted from %s at t = %.6g with %" PetscInt_FMT " stored records\n", flow->restart, (double)*t0, flow->history.records));
    PetscCall(FrgFlowLevelStart(&flow->level, *t0, flow->level.u));
    PetscCall(FrgFlowEstimateStart(&flow->estimate, *t0, flow->estimate.coarse.u));
    PetscCall(FrgFlowLevelSetOriginFlow(&flow->level, st.origin[0], st.origin[1]));
    if (st.u_coarse) PetscCall(FrgFlowLevelSetOriginFlow(&flow->estimate.coarse, st.origin[2], st.origin[3]));
    if (error_sum) { /* the time part of the estimate goes on from the checkpoint's */
      Vec sum;
      PetscCall(FrgIntegratorGetErrorUnits(flow->level.integrator, &sum));
      if (sum) PetscCall(VecCopy(error_sum, sum));
      PetscCall(VecDestroy(&error_sum));
    }
  } else {
    PetscCall(FrgFlowLevelStart(&flow->level, 0.0, NULL));
    PetscCall(FrgFlowEstimateStart(&flow->estimate, 0.0, NULL));
    PetscCall(FrgFlowLevelObservables(&flow->level, 0.0, &obs));
    PetscCall(FrgFlowEstimateAdvance(&flow->estimate, 0.0, &obs));
    PetscCall(FrgOutputAppendState(flow->output, 0.0, flow->level.u, &obs));
    PetscCall(FrgHistoryPush(&flow->history, flow->level.u, &obs));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode FrgFlowProgress(FrgFlow *flow, const FrgObservables *obs)
{
  FrgIntegratorStats s;
  char               line[1024], item[160];
  size_t             len;
  FrgModel           model = flow->level.model;

  PetscFunctionBeginUser;
  PetscCall(FrgIntegratorGetStats(flow->level.integrator, &s));
  len = (size_t)snprintf(line, sizeof(line), "[frg] t = %-9.4g k = %-11.4e steps = %-6ld", (double)obs->t, (double)obs->k, s.steps);
  for (PetscInt c = 0; c < model->observable_count && c < 6; c++) {
    if (!strcmp(model->observable_names[c], "m2_goldstone") || !strcmp(model->observable_names[c], "gamma6")) continue; /* the summary has them */
    FrgObservablesFormat(obs, c, model->observable_names[c], 6, item, sizeof(item));
    if (len + strlen(item) + 3 < sizeof(line)) len += (size_t)snprintf(line + len, sizeof(line) - len, " %s", item);
  }
  PetscCall(PetscPrintf(flow->level.grid->comm, "%s\n", line));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode FrgFlowRecord(FrgFlow *flow, PetscReal t, FrgObservables *obs)
{
  PetscFunctionBeginUser;
  PetscCall(FrgFlowLevelObservables(&flow->level, t, obs));
  PetscCall(FrgFlowEstimateAdvance(&flow->estimate, t, obs));
  PetscCall(FrgOutputAppendState(flow->output, t, flow->level.u, obs));
  PetscCall(FrgHistoryPush(&flow->history, flow->level.u, obs));
  if (flow->progress) PetscCall(FrgFlowProgress(flow, obs));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The times the integrator stops at: the output times and the checkpoint times, merged; flags say
 * which (FRG_STOP_OUTPUT, FRG_STOP_CHECKPOINT or both). */
#define FRG_STOP_OUTPUT     1
#define FRG_STOP_CHECKPOINT 2
#define FRG_STOP_HALT       4 /* -stop_at */
static PetscErrorCode FrgFlowTargets(FrgFlow *flow, PetscReal t_ir, PetscInt *count, PetscReal **targets, PetscInt **flags)
{
  PetscReal *times;
  PetscInt   n, m = 0, c = 0, i = 0, j = 1;
  PetscReal  every = flow->checkpoint_every;

  PetscFunctionBeginUser;
  PetscCall(FrgOutputGetTimes(flow->output, 0.0, t_ir, &n, &times));
  if (every > 0) {
    PetscCheck(t_ir / every <= 1000000, flow->level.grid->comm, PETSC_ERR_USER_INPUT, "-checkpoint_every %g gives more than 1e6 checkpoints", (double)every);
    m = (PetscInt)PetscFloorReal(t_ir / every * (1 + 1e-12));
  }
  PetscCall(PetscMalloc1(n + m, targets));
  PetscCall(PetscMalloc1(n + m, flags));
  while (i < n || j <= m) {
    const PetscReal tc = j <= m ? j * every : PETSC_MAX_REAL, to = i < n ? times[i] : PETSC_MAX_REAL;
    if (PetscAbsReal(to - tc) <= 1e-12 * t_ir) {
      (*targets)[c] = to;
      (*flags)[c++] = FRG_STOP_OUTPUT | FRG_STOP_CHECKPOINT;
      i++, j++;
    } else if (to < tc) {
      (*targets)[c] = to;
      (*flags)[c++] = FRG_STOP_OUTPUT;
      i++;
    } else {
      (*targets)[c] = tc;
      (*flags)[c++] = FRG_STOP_CHECKPOINT;
      j++;
    }
  }
  *count = c;
  PetscCall(PetscFree(times));
  if (flow->stop_at_set && flow->stop_at < t_ir) { /* the halt: at a target of its time, or a target of its own */
    PetscInt k = 0;
    while (k < c && (*targets)[k] < flow->stop_at * (1 - 1e-12)) k++;
    if (k == c || PetscAbsReal((*targets)[k] - flow->stop_at) > 1e-12 * t_ir) {
      PetscCall(PetscRealloc(sizeof(PetscReal) * (c + 1), targets));
      PetscCall(PetscRealloc(sizeof(PetscInt) * (c + 1), flags));
      for (PetscInt j = c; j > k; j--) (*targets)[j] = (*targets)[j - 1], (*flags)[j] = (*flags)[j - 1];
      (*targets)[k] = flow->stop_at, (*flags)[k] = 0;
      (*count)++;
    }
    (*flags)[k] |= FRG_STOP_HALT;
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode FrgFlowStopped(FrgFlow *flow, PetscReal t)
{
  PetscFunctionBeginUser;
  PetscCall(FrgFlowSave(flow, t));
  PetscCall(PetscPrintf(flow->level.grid->comm, "[frg] %s: checkpoint %s written at t = %.6g; continue with -restart %s (exit code %d)\n",
                        flow->stop_at_set && t == flow->stop_at ? "-stop_at" : "signal received", flow->checkpoint, (double)t, flow->checkpoint, FRG_EXIT_CHECKPOINTED));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Integrates through the targets after t0; *stopped when a signal asked to stop (checkpoint saved).
 * The flow goes first to each target (interruptible by a signal), then the estimate's coarse flow;
 * if a signal stops the flow at t before the target, the coarse flow goes to t as well. */
static PetscErrorCode FrgFlowLoop(FrgFlow *flow, PetscReal t0, PetscReal t_ir, FrgObservables *obs, PetscBool *stopped)
{
  PetscReal     *targets, t = 0;
  PetscInt      *flags, count = 0;
  PetscBool      signal;
  MPI_Comm       comm = flow->level.grid->comm;

  PetscFunctionBeginUser;
  *stopped = PETSC_FALSE;
  PetscCall(FrgFlowTargets(flow, t_ir, &count, &targets, &flags));
  PetscCall(FrgIntegratorSetStopTime(flow->level.integrator, t_ir)); /* output and checkpoint times by interpolation */
  if (flow->estimate.enabled && !flow->estimate.failed) PetscCall(FrgIntegratorSetStopTime(flow->estimate.coarse.integrator, t_ir));
  for (PetscInt i = 0; i < count && !*stopped; i++) {
    if (targets[i] <= t0 * (1 + 1e-12)) continue;
    PetscCall(FrgIntegratorAdvance(flow->level.integrator, targets[i], flow->level.u));
    PetscCall(FrgIntegratorGetTime(flow->level.integrator, &t));
    if (t < targets[i]) { /* a signal stopped the flow between two targets */
      PetscCall(FrgFlowEstimateAdvance(&flow->estimate, t, NULL));
      PetscCall(FrgFlowStopped(flow, t));
      *stopped = PETSC_TRUE;
      break;
    }
    if (flags[i] & FRG_STOP_OUTPUT) PetscCall(FrgFlowRecord(flow, targets[i], obs));
    else PetscCall(FrgFlowEstimateAdvance(&flow->estimate, targets[i], NULL));
    PetscCall(FrgSignalPending(comm, &signal));
    if ((signal && i < count - 1) || (flags[i] & FRG_STOP_HALT)) {
      PetscCall(FrgFlowStopped(flow, targets[i]));
      *stopped = PETSC_TRUE;
    } else if (flags[i] & FRG_STOP_CHECKPOINT) PetscCall(FrgFlowSave(flow, targets[i]));
  }
  PetscCall(PetscFree(targets));
  PetscCall(PetscFree(flags));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode FrgFlowWriteParameters(FrgFlow *flow)
{
  const char   *type, *names[] = {"N", "d", "Lambda", "t_ir", "grid_cells", "grid_phi_max", "grid_spacing", "rtol", "atol", "error_estimate"};
  PetscReal     values[10];
  FrgFlowLevel *level = &flow->level;

  PetscFunctionBeginUser;
  PetscCall(FrgModelGetParameters(level->model, &values[0], &values[1], &values[2], &values[3]));
  values[4] = (PetscReal)level->grid->cells;
  values[5] = level->grid->phi_max;
  values[6] = level->grid->spacing;
  values[7] = level->integrator->rtol;
  values[8] = level->integrator->atol;
  values[9] = flow->estimate.enabled ? 1.0 : 0.0;
  PetscCall(FrgOutputWriteAttributes(flow->output, "/parameters", names, values, 10));
  PetscCall(FrgOutputWriteStringAttribute(flow->output, "/parameters", "model", level->model->type));
  PetscCall(FrgOutputWriteStringAttribute(flow->output, "/parameters", "potential", level->model->potential));
  PetscCall(FrgIntegratorGetType(level->integrator, &type));
  PetscCall(FrgOutputWriteStringAttribute(flow->output, "/parameters", "integrator", type));
  if (level->model->ops.signature) { /* the model's own physics options (e.g. -regulator), as strings */
    FrgSignature sig = {0};

    PetscCall(level->model->ops.signature(level->model, &sig));
    for (PetscInt i = 0; i < sig.count; i++) PetscCall(FrgOutputWriteStringAttribute(flow->output, "/parameters", sig.name[i], sig.value[i]));
    PetscCall(FrgSignatureDestroy(&sig));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* /summary: the IR observables with their errors, what is unconverged, the warnings, the statistics. */
/* -tune: tuned_NAME, tuned_NAME_error and the flows the tuning took (src/tune/tune.c). */
static PetscErrorCode FrgFlowWriteTuned(FrgFlow *flow)
{
  char        names[2][80];
  const char *pointers[2] = {names[0], names[1]}, *flows = "tuned_flows";
  PetscReal   values[2];
  PetscInt    count;
  PetscBool   done;

  PetscFunctionBeginUser;
  PetscCall(FrgTuneGetAttributes(&done, names, values, &count));
  if (!done) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(FrgOutputWriteAttributes(flow->output, "/summary", pointers, values, 2));
  PetscCall(FrgOutputWriteIntAttributes(flow->output, "/summary", &flows, &count, 1));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode FrgFlowWriteSummary(FrgFlow *flow, const FrgObservables *obs, double wall, PetscInt unconverged)
{
  FrgIntegratorStats s;
  PetscMPIInt        size;
  FrgModel           model = flow->level.model;
  const char        *names[] = {"t", "k", "wall_seconds", "newton_switch_t", "log_switch_t", "restarted_from_t"};
  const char        *counters[] = {"steps", "rhs_evals", "jac_evals", "newton_iters", "error_test_fails", "ranks", "linear_setups", "newton_fails", "warnings", "unconverged"};
  PetscReal          values[6];
  PetscInt           counts[10];

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_size(flow->level.grid->comm, &size));
  PetscCall(FrgIntegratorGetStats(flow->level.integrator, &s));
  values[0] = obs->t, values[1] = obs->k, values[2] = wall, values[3] = s.newton_switch_t, values[4] = s.log_switch_t, values[5] = flow->t0;
  counts[0] = s.steps, counts[1] = s.rhs_evals, counts[2] = s.jac_evals, counts[3] = s.newton_iters, counts[4] = s.error_test_fails, counts[5] = size;
  counts[6] = s.linear_setups, counts[7] = s.nonlinear_fails, counts[8] = flow->warnings.count, counts[9] = unconverged;
  PetscCall(FrgOutputWriteSummary(flow->output, names, values, 6));
  PetscCall(FrgOutputWriteIntAttributes(flow->output, "/summary", counters, counts, 10)); /* counters as integers */
  PetscCall(FrgOutputWriteObservables(flow->output, "/summary", model->observable_names, obs));
  PetscCall(FrgOutputWriteStringAttribute(flow->output, "/summary", "warning_text", flow->warnings.text));
  PetscCall(FrgFlowWriteTuned(flow));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode FrgFlowPrintSummary(FrgFlow *flow, const FrgObservables *obs, double wall, PetscInt unconverged)
{
  FrgIntegratorStats s;
  PetscMPIInt        size;
  const char        *name;
  FrgModel           model = flow->level.model;
  MPI_Comm           comm  = flow->level.grid->comm;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_size(comm, &size));
  PetscCall(FrgIntegratorGetStats(flow->level.integrator, &s));
  PetscCall(FrgOutputGetName(flow->output, &name));
  PetscCall(PetscPrintf(comm, "\nfrg flow summary (%s)\n", name));
  PetscCall(PetscPrintf(comm, "  IR scale            t = %.6g, k = %.6e\n", (double)obs->t, (double)obs->k));
  PetscCall(FrgObservablesPrint(comm, obs, model->observable_names));
  if (flow->estimate.enabled)
    PetscCall(PetscPrintf(comm, "  error estimate      space: a second flow on %" PetscInt_FMT " cells; time: the summed local errors; %" PetscInt_FMT " value%s unconverged (error > %g relative)\n",
                          flow->estimate.coarse.grid ? flow->estimate.coarse.grid->cells : 0, unconverged, unconverged == 1 ? "" : "s", FRG_CONVERGED));
  else PetscCall(PetscPrintf(comm, "  error estimate      none (-error_estimate false): these values carry no error bar\n"));
  PetscCall(PetscPrintf(comm, "  integrator          %ld steps, %ld RHS, %ld Jacobians, %ld LU factorizations, %ld Newton iterations, %ld Newton failures, %ld error-test failures\n", s.steps,
                        s.rhs_evals, s.jac_evals, s.linear_setups, s.newton_iters, s.nonlinear_fails, s.error_test_fails));
  if (s.log_switch_t > 0) PetscCall(PetscPrintf(comm, "  state variable      u up to t = %.6g, then log (near the propagator pole)\n", s.log_switch_t));
  else if (s.log_switch_t == 0) PetscCall(PetscPrintf(comm, "  state variable      log\n"));
  if (s.newton_switch_t >= 0) PetscCall(PetscPrintf(comm, "  Newton iteration    modified up to t = %.6g, then snes (full Newton near the propagator pole)\n", s.newton_switch_t));
  PetscCall(PetscPrintf(comm, "  warnings            %" PetscInt_FMT "%s%s\n", flow->warnings.count, flow->warnings.count ? ": " : "", flow->warnings.text));
  PetscCall(PetscPrintf(comm, "  wall time           %.3f s on %d rank%s\n", wall, size, size > 1 ? "s" : ""));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* After the last output time: warnings, the summary, the file closed (renamed), the checkpoint removed. */
static PetscErrorCode FrgFlowFinish(FrgFlow *flow, const FrgObservables *obs, double start)
{
  PetscInt    unconverged = 0;
  PetscMPIInt rank;
  MPI_Comm    comm = flow->level.grid->comm;

  PetscFunctionBeginUser;
  PetscCall(FrgWarningsOfLevel(&flow->warnings, &flow->level, "flow"));
  PetscCall(FrgWarningsOfEstimate(&flow->warnings, &flow->estimate));
  for (PetscInt c = 0; c < obs->count; c++) unconverged += !FrgObservablesConverged(obs, c);
  PetscCall(FrgStagePush(FRG_STAGE_OUTPUT));
  PetscCall(FrgFlowWriteParameters(flow));
  PetscCall(FrgOutputFinish(flow->output)); /* inside the wall time: only the close and the rename are not */
  PetscCall(FrgFlowWriteSummary(flow, obs, MPI_Wtime() - start, unconverged));
  PetscCall(FrgFlowPrintSummary(flow, obs, MPI_Wtime() - start, unconverged));
  PetscCheck(!flow->warnings_as_errors || !flow->warnings.count, comm, PETSC_ERR_NOT_CONVERGED, "-warnings_as_errors: the run had %" PetscInt_FMT " warning%s: %s", flow->warnings.count,
             flow->warnings.count > 1 ? "s" : "", flow->warnings.text);
  PetscCall(FrgOutputClose(flow->output, PETSC_TRUE));
  PetscCall(FrgStagePop());
  /* the run is complete: a later -restart auto must start afresh */
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  if (!rank) (void)unlink(flow->checkpoint);
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode FrgFlowRun(FrgFlow *flow)
{
  FrgObservables obs;
  PetscReal      t0, t_ir;
  PetscBool      stopped, signal;
  double         start = MPI_Wtime();
  MPI_Comm       comm  = flow->level.grid->comm;
  FrgModel       model = flow->level.model;

  PetscFunctionBeginUser;
  /* a signal during the start-up: stop before anything is written (a restart starts afresh) */
  PetscCall(FrgSignalPending(comm, &signal));
  if (signal) {
    PetscCall(PetscPrintf(comm, "[frg] signal received during the start-up: nothing written (exit code %d)\n", FRG_EXIT_CHECKPOINTED));
    FrgSetExitStatus(FRG_EXIT_CHECKPOINTED);
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  PetscCall(FrgModelGetParameters(model, NULL, NULL, NULL, &t_ir));
  PetscCall(FrgSignatureOfFlow(model, flow->level.grid, flow->estimate.enabled, &flow->signature));
  {
    const char *paths[2] = {NULL, flow->checkpoint}, *options[2] = {"-output", "-checkpoint"};
    PetscCall(FrgOutputGetName(flow->output, &paths[0]));
    PetscCall(FrgCheckOutputRoles(comm, 2, paths, options)); /* before any work: the removal of the checkpoint would delete the output */
  }
  if (strcmp(flow->restart, flow->checkpoint)) PetscCall(FrgCheckpointCheckTarget(comm, flow->checkpoint, &flow->signature));
  PetscCall(FrgOutputSetObservables(flow->output, model->observable_count, model->observable_names, flow->estimate.enabled));
  PetscCall(FrgOutputOpen(flow->output));
  PetscCall(FrgOutputWriteGrid(flow->output, flow->level.grid));
  PetscCall(FrgFlowStart(flow, t_ir, &t0));
  flow->t0 = t0;
  obs = flow->history.obs[flow->history.records - 1];
  PetscCall(FrgIntegratorSetInterrupt(flow->level.integrator, FrgSignalPending));
  PetscCall(FrgStagePush(FRG_STAGE_INTEGRATE));
  PetscCall(FrgFlowLoop(flow, t0, t_ir, &obs, &stopped));
  PetscCall(FrgStagePop());
  if (stopped) {
    PetscCall(FrgOutputClose(flow->output, PETSC_FALSE));
    FrgSetExitStatus(FRG_EXIT_CHECKPOINTED);
  } else PetscCall(FrgFlowFinish(flow, &obs, start));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode FrgTaskFlow(MPI_Comm comm)
{
  FrgFlow        flow;
  PetscBool      help, dimensionless = PETSC_FALSE;
  PetscErrorCode ierr;

  PetscFunctionBeginUser;
  PetscOptionsBegin(comm, NULL, "Flow of the dimensionless potential", "FrgFlow");
  PetscCall(PetscOptionsBool("-flow_dimensionless", "Flow the dimensionless potential near the Wilson-Fisher fixed point instead (options of -task fixedpoint)", "", dimensionless, &dimensionless, NULL));
  PetscOptionsEnd();
  if (dimensionless) {
    PetscCall(FrgTaskFlowDimensionless(comm));
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  PetscCall(PetscMemzero(&flow, sizeof(flow)));
  PetscCall(FrgStagePush(FRG_STAGE_SETUP));
  ierr = FrgFlowLevelCreate(comm, &flow.level);
  if (!ierr && flow.level.model->dim == 2) { /* two-field models: flow2d.c */
    PetscCall(FrgStagePop());
    ierr = FrgHelpRequested(&help);
    if (!ierr) ierr = FrgFlowRun2D(&flow.level, help);
    PetscCall(FrgFlowDestroy(&flow));
    PetscFunctionReturn(ierr);
  }
  if (!ierr) ierr = FrgFlowEstimateCreate(&flow.level, &flow.estimate);
  if (!ierr) ierr = FrgFlowCreateOutput(comm, &flow);
  PetscCall(FrgStagePop());
  if (!ierr) ierr = FrgHelpRequested(&help);
  if (!ierr && !help) ierr = FrgCheckUnusedOptions(comm);
  if (!ierr && !help) ierr = FrgFlowRun(&flow);
  PetscCall(FrgFlowDestroy(&flow));
  PetscFunctionReturn(ierr);
}
