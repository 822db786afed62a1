/* Task "flow": integrates the LPA flow of u = dU/dphi from the UV potential at t = 0 to t_IR,
 * stores u and the observables at the output times, and prints a summary.
 * Long flows survive batch time limits: -checkpoint_every T saves the state every T of RG time,
 * SIGTERM/SIGUSR1 save it after the integrator's current step and stop with FRG_EXIT_CHECKPOINTED
 * (85), and -restart FILE (or -restart auto: the -checkpoint file if it exists) continues from it,
 * carrying the records stored before the checkpoint into the new output file.
 * FrgFlowSolve runs the same flow without an output file (used by scans and bisections). */
#include <frg/integrator.h>
#include <frg/scan.h>
#include <unistd.h>

typedef struct {
  FrgModel      model;
  FrgGrid       grid;
  FrgOperator   op;
  FrgIntegrator integrator;
  FrgOutput     output;
  PetscBool     progress;
  PetscReal     checkpoint_every;
  char          checkpoint[PETSC_MAX_PATH_LEN];
  char          restart[PETSC_MAX_PATH_LEN];
  FrgHistory    history;
} FrgFlow;

/* Builds the solver objects from the options; on error the caller still destroys what was built. */
static PetscErrorCode FrgFlowCreateSolver(MPI_Comm comm, FrgFlow *flow)
{

  PetscFunctionBeginUser;
  flow->progress = PETSC_TRUE;
  PetscCall(FrgModelCreate(comm, &flow->model));
  PetscCall(FrgModelSetFromOptions(flow->model));
  PetscCall(FrgGridCreateFromModel(comm, flow->model, &flow->grid));
  PetscCall(FrgOperatorCreate(flow->grid, flow->model, &flow->op));
  PetscCall(FrgOperatorSetFromOptions(flow->op));
  PetscOptionsBegin(comm, NULL, "Flow task", "");
  PetscCall(PetscOptionsBool("-progress", "Print a progress line at every output time", "", flow->progress, &flow->progress, NULL));
  PetscOptionsEnd();
  /* validates the model and grid before the (option-reading) integrator builds its Jacobian */
  PetscCall(FrgOperatorSetUp(flow->op));
  PetscCall(FrgIntegratorCreate(flow->op, &flow->integrator));
  PetscCall(FrgIntegratorSetFromOptions(flow->integrator));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode FrgFlowCreateOutput(MPI_Comm comm, FrgFlow *flow)
{
  const char *name;

  PetscFunctionBeginUser;
  PetscCall(FrgOutputCreate(comm, &flow->output));
  PetscCall(FrgOutputSetFromOptions(flow->output));
  PetscCall(FrgOutputGetName(flow->output, &name));
  PetscCall(PetscSNPrintf(flow->checkpoint, sizeof(flow->checkpoint), "%s.checkpoint.h5", name));
  PetscOptionsBegin(comm, NULL, "Checkpoint and restart", "");
  PetscCall(PetscOptionsReal("-checkpoint_every", "Save a checkpoint every this much RG time (0: only on SIGTERM/SIGUSR1)", "", flow->checkpoint_every, &flow->checkpoint_every, NULL));
  PetscCall(PetscOptionsString("-checkpoint", "Checkpoint file (default: OUTPUT.checkpoint.h5)", "", flow->checkpoint, flow->checkpoint, sizeof(flow->checkpoint), NULL));
  PetscCall(PetscOptionsString("-restart", "Continue from this checkpoint file; 'auto': from the -checkpoint file if it exists", "", flow->restart, flow->restart, sizeof(flow->restart), NULL));
  PetscOptionsEnd();
  PetscCheck(flow->checkpoint_every >= 0, comm, PETSC_ERR_USER_INPUT, "-checkpoint_every must be >= 0, got %g", (double)flow->checkpoint_every);
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
  PetscCall(FrgIntegratorDestroy(&flow->integrator));
  PetscCall(FrgOutputDestroy(&flow->output));
  PetscCall(FrgOperatorDestroy(&flow->op));
  PetscCall(FrgGridDestroy(&flow->grid));
  PetscCall(FrgModelDestroy(&flow->model));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode FrgFlowIntegrateState(FrgFlow *flow, Vec u, FrgFlowResult *result)
{
  PetscReal t_ir;

  PetscFunctionBeginUser;
  PetscCall(FrgModelGetParameters(flow->model, NULL, NULL, NULL, &t_ir));
  PetscCall(FrgModelInitialCondition(flow->model, flow->grid, u));
  PetscCall(FrgIntegratorSetUp(flow->integrator, 0.0, u));
  PetscCall(FrgIntegratorAdvance(flow->integrator, t_ir, u));
  PetscCall(FrgObservablesCompute(flow->grid, flow->model, t_ir, u, &result->obs));
  PetscCall(FrgIntegratorGetStats(flow->integrator, &result->stats));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode FrgFlowIntegrate(FrgFlow *flow, PetscBool integrate, FrgFlowResult *result)
{
  Vec            u;
  DM             da;
  double         start = MPI_Wtime();
  PetscErrorCode ierr;

  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(result, sizeof(*result)));
  if (!integrate) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(FrgGridGetDM(flow->grid, &da));
  PetscCall(DMCreateGlobalVector(da, &u));
  ierr = FrgFlowIntegrateState(flow, u, result); /* a failed flow must not leak u (and with it the DM) */
  PetscCall(VecDestroy(&u));
  result->wall_seconds = MPI_Wtime() - start;
  PetscFunctionReturn(ierr);
}

PetscErrorCode FrgFlowSolve(MPI_Comm comm, PetscBool integrate, FrgFlowResult *result)
{
  FrgFlow        flow;
  PetscErrorCode ierr;

  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(&flow, sizeof(flow)));
  /* a failed point of a scan must not leak its objects: clean up before passing the error on */
  ierr = FrgFlowCreateSolver(comm, &flow);
  if (!ierr) ierr = FrgFlowIntegrate(&flow, integrate, result);
  PetscCall(FrgFlowDestroy(&flow));
  PetscFunctionReturn(ierr);
}

static PetscErrorCode FrgFlowWriteParameters(FrgFlow *flow)
{
  const char *type, *names[] = {"N", "d", "Lambda", "t_ir", "grid_cells", "grid_phi_max", "grid_spacing", "rtol", "atol"};
  PetscReal   values[9];
  PetscInt    cells;
  PetscReal   spacing;

  PetscFunctionBeginUser;
  PetscCall(FrgModelGetParameters(flow->model, &values[0], &values[1], &values[2], &values[3]));
  PetscCall(FrgGridGetInfo(flow->grid, &cells, NULL, &spacing));
  values[4] = (PetscReal)cells;
  values[5] = flow->grid->phi_max;
  values[6] = spacing;
  values[7] = flow->integrator->rtol;
  values[8] = flow->integrator->atol;
  PetscCall(FrgOutputWriteAttributes(flow->output, "/parameters", names, values, 9));
  PetscCall(FrgOutputWriteStringAttribute(flow->output, "/parameters", "model", flow->model->type));
  PetscCall(FrgOutputWriteStringAttribute(flow->output, "/parameters", "potential", flow->model->potential));
  PetscCall(FrgIntegratorGetType(flow->integrator, &type));
  PetscCall(FrgOutputWriteStringAttribute(flow->output, "/parameters", "integrator", type));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode FrgFlowSummary(FrgFlow *flow, const FrgObservables *obs, double wall)
{
  FrgIntegratorStats s;
  PetscMPIInt        size;
  const char        *names[] = {"t", "k", "phi0", "m2_radial", "m2_goldstone", "gamma2", "gamma4", "gamma6", "steps", "rhs_evals", "jac_evals", "newton_iters", "error_test_fails", "wall_seconds", "ranks", "linear_setups", "newton_fails", "newton_switch_t", "log_switch_t"};
  PetscReal          values[19];
  const char        *name;
  MPI_Comm           comm = flow->grid->comm;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_size(comm, &size));
  PetscCall(FrgIntegratorGetStats(flow->integrator, &s));
  PetscCall(FrgObservablesToArray(obs, values));
  values[8]  = (PetscReal)s.steps;
  values[9]  = (PetscReal)s.rhs_evals;
  values[10] = (PetscReal)s.jac_evals;
  values[11] = (PetscReal)s.newton_iters;
  values[12] = (PetscReal)s.error_test_fails;
  values[13] = wall;
  values[14] = (PetscReal)size;
  values[15] = (PetscReal)s.linear_setups;
  values[16] = (PetscReal)s.nonlinear_fails;
  values[17] = (PetscReal)s.newton_switch_t;
  values[18] = (PetscReal)s.log_switch_t;
  PetscCall(FrgOutputWriteSummary(flow->output, names, values, 19));
  PetscCall(FrgOutputGetName(flow->output, &name));
  PetscCall(PetscPrintf(comm, "\nfrg flow summary (%s)\n", name));
  PetscCall(PetscPrintf(comm, "  IR scale            t = %.6g, k = %.6e\n", (double)obs->t, (double)obs->k));
  PetscCall(PetscPrintf(comm, "  condensate          phi0 = %.12g\n", (double)obs->phi0));
  PetscCall(PetscPrintf(comm, "  masses              m2_radial = %.12g, m2_goldstone = %.12g\n", (double)obs->m2_radial, (double)obs->m2_goldstone));
  PetscCall(PetscPrintf(comm, "  vertices at phi=0   Gamma2 = %.12g, Gamma4 = %.12g, Gamma6 = %.10g\n", (double)obs->gamma2, (double)obs->gamma4, (double)obs->gamma6));
  PetscCall(PetscPrintf(comm, "  integrator          %ld steps, %ld RHS, %ld Jacobians, %ld LU factorizations, %ld Newton iterations, %ld Newton failures, %ld error-test failures\n",
                        s.steps, s.rhs_evals, s.jac_evals, s.linear_setups, s.newton_iters, s.nonlinear_fails, s.error_test_fails));
  if (s.log_switch_t > 0) PetscCall(PetscPrintf(comm, "  state variable      u up to t = %.6g, then log (near the propagator pole)\n", s.log_switch_t));
  else if (s.log_switch_t == 0) PetscCall(PetscPrintf(comm, "  state variable      log\n"));
  if (s.newton_switch_t >= 0)
    PetscCall(PetscPrintf(comm, "  Newton iteration    modified up to t = %.6g, then snes (full Newton near the propagator pole)\n", s.newton_switch_t));
  PetscCall(PetscPrintf(comm, "  wall time           %.3f s on %d rank%s\n", wall, size, size > 1 ? "s" : ""));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The times the integrator stops at: the output times and the checkpoint times, merged; flags say
 * which (FRG_STOP_OUTPUT, FRG_STOP_CHECKPOINT or both). */
#define FRG_STOP_OUTPUT     1
#define FRG_STOP_CHECKPOINT 2
static PetscErrorCode FrgFlowTargets(FrgFlow *flow, PetscReal t_ir, PetscInt *count, PetscReal **targets, PetscInt **flags)
{
  PetscReal *times;
  PetscInt   n, m = 0, c = 0, i = 0, j = 1;
  PetscReal  every = flow->checkpoint_every;

  PetscFunctionBeginUser;
  PetscCall(FrgOutputGetTimes(flow->output, 0.0, t_ir, &n, &times));
  if (every > 0) m = (PetscInt)PetscFloorReal(t_ir / every * (1 + 1e-12));
  PetscCheck(m <= 1000000, flow->grid->comm, PETSC_ERR_USER_INPUT, "-checkpoint_every %g gives too many checkpoints", (double)every);
  PetscCall(PetscMalloc2(n + m, targets, n + m, flags));
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
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The initial state, or the checkpointed one with its records replayed into the output. */
static PetscErrorCode FrgFlowStart(FrgFlow *flow, Vec u, PetscReal *t0)
{
  FrgObservables obs;
  MPI_Comm       comm = flow->grid->comm;

  PetscFunctionBeginUser;
  *t0 = 0.0;
  PetscCall(FrgModelInitialCondition(flow->model, flow->grid, u));
  if (flow->restart[0]) {
    Vec work;
    PetscCall(FrgCheckpointLoad(comm, flow->restart, t0, u, &flow->history));
    PetscCall(VecDuplicate(u, &work));
    PetscCall(FrgHistoryReplay(&flow->history, flow->output, work));
    PetscCall(VecDestroy(&work));
    PetscCall(PetscPrintf(comm, "[frg] restarted from %s at t = %.6g with %" PetscInt_FMT " stored records\n", flow->restart, (double)*t0, flow->history.records));
  } else {
    PetscCall(FrgObservablesCompute(flow->grid, flow->model, 0.0, u, &obs));
    PetscCall(FrgOutputAppendState(flow->output, 0.0, u, &obs));
    PetscCall(FrgHistoryPush(&flow->history, u, &obs));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode FrgFlowRecord(FrgFlow *flow, PetscReal t, Vec u, FrgObservables *obs)
{
  PetscFunctionBeginUser;
  PetscCall(FrgObservablesCompute(flow->grid, flow->model, t, u, obs));
  PetscCall(FrgOutputAppendState(flow->output, t, u, obs));
  PetscCall(FrgHistoryPush(&flow->history, u, obs));
  if (flow->progress) {
    FrgIntegratorStats s;
    PetscCall(FrgIntegratorGetStats(flow->integrator, &s));
    PetscCall(PetscPrintf(flow->grid->comm, "[frg] t = %-9.4g k = %-11.4e steps = %-6ld phi0 = %-12.6g m2_radial = %-12.6g Gamma2 = %.6g\n", (double)obs->t, (double)obs->k, s.steps,
                          (double)obs->phi0, (double)obs->m2_radial, (double)obs->gamma2));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Integrates through the targets after t0; *stopped when a signal asked to stop (checkpoint saved). */
static PetscErrorCode FrgFlowLoop(FrgFlow *flow, Vec u, PetscReal t0, FrgObservables *obs, PetscBool *stopped)
{
  PetscReal *targets, t_ir, t;
  PetscInt  *flags;
  PetscBool  signal;
  PetscInt   count;
  MPI_Comm   comm = flow->grid->comm;

  PetscFunctionBeginUser;
  *stopped = PETSC_FALSE;
  PetscCall(FrgModelGetParameters(flow->model, NULL, NULL, NULL, &t_ir));
  PetscCheck(t0 < t_ir, comm, PETSC_ERR_USER_INPUT, "-restart %s: the checkpoint is at t = %g, not before -t_ir %g", flow->restart, (double)t0, (double)t_ir);
  PetscCall(FrgFlowTargets(flow, t_ir, &count, &targets, &flags));
  PetscCall(FrgIntegratorSetStopTime(flow->integrator, t_ir)); /* output and checkpoint times by interpolation */
  for (PetscInt i = 0; i < count; i++) {
    if (targets[i] <= t0 * (1 + 1e-12)) continue;
    PetscCall(FrgIntegratorAdvance(flow->integrator, targets[i], u));
    PetscCall(FrgIntegratorGetTime(flow->integrator, &t));
    if (t < targets[i]) { /* a signal stopped the integrator between two targets */
      PetscCall(FrgCheckpointSave(comm, flow->checkpoint, t, u, &flow->history));
      PetscCall(PetscPrintf(comm, "[frg] signal received: checkpoint %s written at t = %.6g; continue with -restart %s (exit code %d)\n", flow->checkpoint, (double)t,
                            flow->checkpoint, FRG_EXIT_CHECKPOINTED));
      *stopped = PETSC_TRUE;
      break;
    }
    if (flags[i] & FRG_STOP_OUTPUT) PetscCall(FrgFlowRecord(flow, targets[i], u, obs));
    PetscCall(FrgSignalPending(comm, &signal));
    if ((flags[i] & FRG_STOP_CHECKPOINT) || signal) PetscCall(FrgCheckpointSave(comm, flow->checkpoint, targets[i], u, &flow->history));
    if (signal && i < count - 1) {
      PetscCall(PetscPrintf(comm, "[frg] signal received: checkpoint %s written at t = %.6g; continue with -restart %s (exit code %d)\n", flow->checkpoint, (double)targets[i],
                            flow->checkpoint, FRG_EXIT_CHECKPOINTED));
      *stopped = PETSC_TRUE;
      break;
    }
  }
  PetscCall(PetscFree2(targets, flags));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode FrgFlowRun(FrgFlow *flow)
{
  Vec            u;
  FrgObservables obs;
  PetscReal      t0;
  PetscBool      stopped;
  double         start = MPI_Wtime();
  DM             da;
  MPI_Comm       comm = flow->grid->comm;
  PetscMPIInt    rank;

  PetscFunctionBeginUser;
  PetscCall(FrgSignalInstall());
  PetscCall(FrgOutputOpen(flow->output));
  PetscCall(FrgOutputWriteGrid(flow->output, flow->grid));
  PetscCall(FrgGridGetDM(flow->grid, &da));
  PetscCall(DMCreateGlobalVector(da, &u));
  PetscCall(FrgFlowStart(flow, u, &t0));
  obs = flow->history.obs[flow->history.records - 1];
  PetscCall(FrgIntegratorSetUp(flow->integrator, t0, u));
  PetscCall(FrgIntegratorSetInterrupt(flow->integrator, FrgSignalPending));
  PetscCall(PetscLogStagePush(FRG_STAGE_INTEGRATE));
  PetscCall(FrgFlowLoop(flow, u, t0, &obs, &stopped));
  PetscCall(PetscLogStagePop());
  if (stopped) {
    PetscCall(FrgOutputClose(flow->output, PETSC_FALSE));
    FrgSetExitStatus(FRG_EXIT_CHECKPOINTED);
  } else {
    PetscCall(PetscLogStagePush(FRG_STAGE_OUTPUT));
    PetscCall(FrgFlowWriteParameters(flow));
    PetscCall(FrgOutputWriteAttributes(flow->output, "/summary", (const char *[]){"restarted_from_t"}, &t0, 1));
    PetscCall(FrgOutputFinish(flow->output)); /* inside the wall time: only the close and the rename are not */
    PetscCall(FrgFlowSummary(flow, &obs, MPI_Wtime() - start));
    PetscCall(FrgOutputClose(flow->output, PETSC_TRUE));
    PetscCall(PetscLogStagePop());
    /* the run is complete: a later -restart auto must start afresh */
    PetscCallMPI(MPI_Comm_rank(comm, &rank));
    if (!rank) (void)unlink(flow->checkpoint);
  }
  PetscCall(VecDestroy(&u));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode FrgTaskFlow(MPI_Comm comm)
{
  FrgFlow   flow;
  PetscBool help, dimensionless = PETSC_FALSE;

  PetscFunctionBeginUser;
  PetscOptionsBegin(comm, NULL, "Flow of the dimensionless potential", "FrgFlow");
  PetscCall(PetscOptionsBool("-flow_dimensionless", "Flow the dimensionless potential near the Wilson-Fisher fixed point instead (options of -task fixedpoint)", "", dimensionless, &dimensionless, NULL));
  PetscOptionsEnd();
  if (dimensionless) {
    PetscCall(FrgTaskFlowDimensionless(comm));
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  PetscCall(PetscMemzero(&flow, sizeof(flow)));
  PetscCall(PetscLogStagePush(FRG_STAGE_SETUP));
  PetscCall(FrgFlowCreateSolver(comm, &flow));
  PetscCall(FrgFlowCreateOutput(comm, &flow));
  PetscCall(PetscLogStagePop());
  PetscCall(FrgHelpRequested(&help));
  if (!help) {
    PetscCall(FrgCheckUnusedOptions(comm));
    PetscCall(FrgFlowRun(&flow));
  }
  PetscCall(FrgFlowDestroy(&flow));
  PetscFunctionReturn(PETSC_SUCCESS);
}
