/* The flow task of two-field models (-model field2, onom): integrates U(phi1, phi2) from the UV to t_IR on
 * the 2D grid with the common integrator, stores U at the output times, and reads the IR vertices off
 * U (src/analysis/vertices2d.c): the minimum phi* of Gamma_IR and the Hessian Gamma^(2) there, and its
 * inverse, the connected two-point function.
 *
 * Error estimate (-error_estimate, on by default): the same flow on 3/4 and on 1/2 of the cells in
 * each direction (same edges and tolerances), and the error of each vertex
 *     e = max(2 |q_h - q_{4h/3}|, |q_h - q_{2h}|),
 * which is 1.6 and 3 times the spatial error where it falls at second order. On the grids users run
 * (32 to 64 cells per direction) the error is not yet in that regime (at 32 cells, from 16 to 24
 * cells the error of <phi> even grows): either difference alone fell below a third of the true error
 * for 3 to 5 of 20 seeded d = 0 potentials at 32 x 32 cells, the larger of the two for none (smallest
 * ratio estimate/true error 0.55, largest 86; tests/cases/field2.sh, field2_error_honesty). The time
 * integration's error is not part of it (the SNES route of the 2D grid does not sum its local
 * errors); at the default tolerances it is far below the spatial one. Cost: about 1.8 flows.
 *
 * Output (-output, default frg.h5): /grid/phi1, /grid/phi2, /flow/t, /flow/k, /flow/U [time, cell of
 * phi1, cell of phi2], /parameters, /summary (phi1_min, phi2_min, gamma2_11, gamma2_22, gamma2_12 with
 * their _error; the integrator's counters) and /provenance, as FILE.partial renamed on success; then
 * the XDMF companion for ParaView (src/io/xdmf.c). No checkpoints yet: their options are refused. */
#include <frg/flow.h>
#include <frg/integrator.h>
#include <frg/scan.h> /* FrgSignalPending */

#define FRG_FLOW2D_VERTICES 5
static const char *const frg_flow2d_names[FRG_FLOW2D_VERTICES] = {"phi1_min", "phi2_min", "gamma2_11", "gamma2_22", "gamma2_12"};

#define FRG_FLOW2D_COARSE 2
static const PetscInt  frg_flow2d_fraction[FRG_FLOW2D_COARSE][2] = {{3, 4}, {1, 2}}; /* cells of the coarse flows, per direction */
static const PetscReal frg_flow2d_factor[FRG_FLOW2D_COARSE]      = {2.0, 1.0};        /* e >= factor |q_h - q_coarse| */

typedef struct {
  FrgFlowLevel fine, coarse[FRG_FLOW2D_COARSE];
  PetscBool    estimate; /* -error_estimate */
  PetscBool    failed;   /* a coarse flow or its read-out failed: every error is infinite */
  FrgOutput    output;
} FrgFlow2D;

/* The options of one-field flows that two-field flows do not take yet: a clear error rather than
 * the unused-option check's. Not collective (every rank sees the same options). */
PETSC_INTERN PetscErrorCode FrgFlow2DCheckOptions(MPI_Comm comm)
{
  static const char *const refused[] = {"-checkpoint", "-restart", "-checkpoint_every", "-stop_at"};
  PetscBool                set;

  PetscFunctionBeginUser;
  for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
    PetscCall(PetscOptionsHasName(NULL, NULL, refused[i], &set));
    PetscCheck(!set, comm, PETSC_ERR_USER_INPUT, "%s: two-field flows (-model field2, onom) take no checkpoint yet", refused[i]);
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* A coarse flow of the estimate: the fraction num/den of the cells in each direction (at least 8),
 * the same edges. */
static PetscErrorCode FrgFlow2DCoarseCreate(FrgFlowLevel *fine, PetscInt num, PetscInt den, FrgFlowLevel *coarse)
{
  FrgGrid g = fine->grid, c;

  PetscFunctionBeginUser;
  PetscCall(FrgModelDuplicate(fine->model, &coarse->model));
  PetscCall(FrgGridCreate(g->comm, &coarse->grid));
  c = coarse->grid;
  PetscCall(FrgGridSetDimension(c, 2, g->dof));
  PetscCall(FrgGridSetDirection(c, 0, PetscMax(num * g->cells / den, 8), g->phi_max, g->left, g->right));
  PetscCall(FrgGridSetDirection(c, 1, PetscMax(num * g->cells_y / den, 8), g->phi_max_y > 0 ? g->phi_max_y : g->phi_max, g->bottom, g->top));
  PetscCall(FrgGridSetUp(c));
  PetscCall(FrgOperatorCreate(c, coarse->model, &coarse->op));
  PetscCall(FrgOperatorSetUp(coarse->op));
  PetscCall(FrgIntegratorDuplicate(fine->integrator, coarse->op, 1.0, &coarse->integrator));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Calls one step of the coarse flow with errors returned, not printed: a failure marks the estimate
 * failed (every error infinite, reported), and the flow goes on. Collective. */
#define FrgFlow2DCoarseTry(flow, call) \
  do { \
    if (!(flow)->failed) { \
      PetscErrorCode frg_ierr_; \
      PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL)); \
      frg_ierr_ = (call); \
      PetscCall(PetscPopErrorHandler()); \
      if (frg_ierr_) (flow)->failed = PETSC_TRUE; \
    } \
  } while (0)

/* The vertices of the flow and their errors (from the coarse flow) at t. Collective. */
static PetscErrorCode FrgFlow2DObservables(FrgFlow2D *flow, PetscReal t, FrgObservables *obs)
{
  PetscReal fine[FRG_FLOW2D_VERTICES], coarse[FRG_FLOW2D_COARSE][FRG_FLOW2D_VERTICES];

  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(obs, sizeof(*obs)));
  obs->t = t;
  PetscCall(FrgModelGetScale(flow->fine.model, t, &obs->k));
  PetscCall(FrgFlow2DRead(flow->fine.grid, flow->fine.u, obs->k * obs->k, fine, fine + 2));
  for (PetscInt l = 0; flow->estimate && l < FRG_FLOW2D_COARSE; l++) FrgFlow2DCoarseTry(flow, FrgFlow2DRead(flow->coarse[l].grid, flow->coarse[l].u, obs->k * obs->k, coarse[l], coarse[l] + 2));
  obs->count     = FRG_FLOW2D_VERTICES;
  obs->estimated = flow->estimate;
  for (PetscInt c = 0; c < FRG_FLOW2D_VERTICES; c++) {
    obs->value[c] = fine[c];
    obs->error[c] = 0;
    for (PetscInt l = 0; flow->estimate && l < FRG_FLOW2D_COARSE; l++) obs->error[c] = PetscMax(obs->error[c], frg_flow2d_factor[l] * PetscAbsReal(fine[c] - coarse[l][c]));
    if (flow->failed) obs->error[c] = PETSC_INFINITY;
  }
  /* the scales of values that may be 0: a position against the larger of the two and the width of the
   * fluctuations, 1/sqrt(largest Gamma2 diagonal); Gamma2_12 against sqrt(Gamma2_11 Gamma2_22), its bound */
  {
    const PetscReal g11 = PetscAbsReal(fine[2]), g22 = PetscAbsReal(fine[3]), width = 1.0 / PetscSqrtReal(PetscMax(PetscMax(g11, g22), PETSC_SMALL));
    obs->scale[0] = obs->scale[1] = PetscMax(PetscMax(PetscAbsReal(fine[0]), PetscAbsReal(fine[1])), width);
    obs->scale[4] = PetscSqrtReal(g11 * g22);
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Integrates both flows through the output times, storing U (and t, k) at each. Collective. */
static PetscErrorCode FrgFlow2DIntegrate(FrgFlow2D *flow, PetscReal t_ir)
{
  PetscInt       n;
  PetscReal     *times;
  FrgObservables rec;

  PetscFunctionBeginUser;
  PetscCall(FrgOutputGetTimes(flow->output, 0.0, t_ir, &n, &times));
  /* steps that do not depend on the output times: the states there are interpolated */
  PetscCall(FrgIntegratorSetStopTime(flow->fine.integrator, t_ir));
  for (PetscInt l = 0; flow->estimate && l < FRG_FLOW2D_COARSE; l++) FrgFlow2DCoarseTry(flow, FrgIntegratorSetStopTime(flow->coarse[l].integrator, t_ir));
  PetscCall(PetscMemzero(&rec, sizeof(rec)));
  PetscCall(FrgModelGetScale(flow->fine.model, 0.0, &rec.k));
  PetscCall(FrgOutputAppendState(flow->output, 0.0, flow->fine.u, &rec));
  /* a SIGTERM/SIGUSR1 (a scheduler's time limit) stops the flow within a step: it has no checkpoint to
   * write, so it ends as a failure, its partial output removed (before, the 2D flow never asked and ran
   * on to t_IR; the scheduler's SIGKILL then came first) */
  PetscCall(FrgIntegratorSetInterrupt(flow->fine.integrator, FrgSignalPending));
  for (PetscInt l = 0; flow->estimate && l < FRG_FLOW2D_COARSE; l++) PetscCall(FrgIntegratorSetInterrupt(flow->coarse[l].integrator, FrgSignalPending));
  for (PetscInt i = 0; i < n; i++) {
    PetscReal reached;

    PetscCall(FrgIntegratorAdvance(flow->fine.integrator, times[i], flow->fine.u));
    PetscCall(FrgIntegratorGetTime(flow->fine.integrator, &reached));
    PetscCheck(reached >= times[i], flow->fine.grid->comm, PETSC_ERR_SIG, "stopped by a signal at t = %g, before t_IR = %g: two-field flows take no checkpoint, so nothing is written",
               (double)reached, (double)t_ir);
    for (PetscInt l = 0; flow->estimate && l < FRG_FLOW2D_COARSE; l++) FrgFlow2DCoarseTry(flow, FrgIntegratorAdvance(flow->coarse[l].integrator, times[i], flow->coarse[l].u));
    rec.t = times[i];
    PetscCall(FrgModelGetScale(flow->fine.model, times[i], &rec.k));
    PetscCall(FrgOutputAppendState(flow->output, times[i], flow->fine.u, &rec));
  }
  PetscCall(PetscFree(times));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode FrgFlow2DWriteResults(FrgFlow2D *flow, const FrgObservables *obs, double wall, PetscInt unconverged)
{
  FrgIntegratorStats s;
  PetscMPIInt        size;
  const char        *type;
  const char        *pnames[] = {"d", "Lambda", "t_ir", "grid_cells", "grid_cells_y", "grid_phi_max", "grid_phi_max_y", "rtol", "atol", "error_estimate"};
  const char        *snames[] = {"t", "k", "wall_seconds"};
  const char        *counters[] = {"steps", "rhs_evals", "jac_evals", "newton_iters", "error_test_fails", "ranks", "unconverged"};
  PetscReal          p[10], sv[3] = {obs->t, obs->k, wall};
  PetscInt           counts[7];
  FrgFlowLevel      *f = &flow->fine;

  PetscFunctionBeginUser;
  PetscCall(FrgModelGetParameters(f->model, NULL, &p[0], &p[1], &p[2]));
  p[3] = f->grid->cells, p[4] = f->grid->cells_y, p[5] = f->grid->phi_max, p[6] = f->grid->phi_max_y > 0 ? f->grid->phi_max_y : f->grid->phi_max;
  p[7] = f->integrator->rtol, p[8] = f->integrator->atol, p[9] = flow->estimate ? 1.0 : 0.0;
  PetscCall(FrgOutputWriteAttributes(flow->output, "/parameters", pnames, p, 10));
  PetscCall(FrgOutputWriteStringAttribute(flow->output, "/parameters", "model", f->model->type));
  PetscCall(FrgOutputWriteStringAttribute(flow->output, "/parameters", "potential", f->model->potential));
  PetscCall(FrgIntegratorGetType(f->integrator, &type));
  PetscCall(FrgOutputWriteStringAttribute(flow->output, "/parameters", "integrator", type));
  PetscCall(FrgOutputFinish(flow->output));
  PetscCallMPI(MPI_Comm_size(f->grid->comm, &size));
  PetscCall(FrgIntegratorGetStats(f->integrator, &s));
  counts[0] = s.steps, counts[1] = s.rhs_evals, counts[2] = s.jac_evals, counts[3] = s.newton_iters, counts[4] = s.error_test_fails, counts[5] = size, counts[6] = unconverged;
  PetscCall(FrgOutputWriteSummary(flow->output, snames, sv, 3));
  PetscCall(FrgOutputWriteIntAttributes(flow->output, "/summary", counters, counts, 7));
  PetscCall(FrgOutputWriteObservables(flow->output, "/summary", frg_flow2d_names, obs));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode FrgFlow2DPrint(FrgFlow2D *flow, const FrgObservables *obs, double wall, PetscInt unconverged)
{
  MPI_Comm           comm = flow->fine.grid->comm;
  const PetscReal   *g2   = obs->value + 2, det = g2[0] * g2[1] - g2[2] * g2[2];
  FrgIntegratorStats stats;
  const char        *name;

  PetscFunctionBeginUser;
  PetscCall(FrgIntegratorGetStats(flow->fine.integrator, &stats));
  PetscCall(FrgOutputGetName(flow->output, &name));
  /* the lines of earlier versions, full precision, for scripts that read the log */
  PetscCall(PetscPrintf(comm, "[frg] IR (t = %g, k = %.3e): minimum phi1 = %.15e phi2 = %.15e\n", (double)obs->t, (double)obs->k, (double)obs->value[0], (double)obs->value[1]));
  PetscCall(PetscPrintf(comm, "[frg] IR Gamma2: 11 = %.15e 22 = %.15e 12 = %.15e\n", (double)g2[0], (double)g2[1], (double)g2[2]));
  PetscCall(PetscPrintf(comm, "[frg] IR connected <phi phi>: 11 = %.15e 22 = %.15e 12 = %.15e\n", (double)(g2[1] / det), (double)(g2[0] / det), (double)(-g2[2] / det)));
  PetscCall(PetscPrintf(comm, "\nfrg flow summary (%s)\n", name));
  PetscCall(FrgObservablesPrint(comm, obs, frg_flow2d_names));
  if (!flow->estimate) PetscCall(PetscPrintf(comm, "  error estimate      none (-error_estimate false): these values carry no error bar\n"));
  else if (flow->failed) PetscCall(PetscPrintf(comm, "  error estimate      FAILED: a coarse flow or its read-out failed; every error is infinite\n"));
  else
    PetscCall(PetscPrintf(comm, "  error estimate      space: the same flow on %" PetscInt_FMT " x %" PetscInt_FMT " and %" PetscInt_FMT " x %" PetscInt_FMT " cells; %" PetscInt_FMT " value%s unconverged (error > %g relative)\n",
                          flow->coarse[0].grid->cells, flow->coarse[0].grid->cells_y, flow->coarse[1].grid->cells, flow->coarse[1].grid->cells_y, unconverged, unconverged == 1 ? "" : "s", FRG_CONVERGED));
  PetscCall(PetscPrintf(comm, "[frg] steps %ld, rhs %ld, jacobians %ld, newton %ld, error-test fails %ld, wall %.3f s\n", stats.steps, stats.rhs_evals, stats.jac_evals, stats.newton_iters,
                        stats.error_test_fails, wall));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode FrgFlow2DRun(FrgFlow2D *flow)
{
  MPI_Comm       comm = flow->fine.grid->comm;
  PetscReal      t_ir;
  FrgObservables obs;
  PetscInt       unconverged = 0;
  double         start       = MPI_Wtime(), wall;

  PetscFunctionBeginUser;
  PetscCall(FrgModelView(flow->fine.model, PETSC_VIEWER_STDOUT_(comm)));
  PetscCall(FrgGridView(flow->fine.grid, PETSC_VIEWER_STDOUT_(comm)));
  PetscCall(FrgModelGetParameters(flow->fine.model, NULL, NULL, NULL, &t_ir));
  PetscCall(FrgOutputSetObservables(flow->output, 0, NULL, PETSC_FALSE));
  PetscCall(FrgOutputOpen(flow->output));
  PetscCall(FrgOutputWriteGrid(flow->output, flow->fine.grid));
  PetscCall(FrgFlowLevelStart(&flow->fine, 0.0, NULL));
  for (PetscInt l = 0; flow->estimate && l < FRG_FLOW2D_COARSE; l++) FrgFlow2DCoarseTry(flow, FrgFlowLevelStart(&flow->coarse[l], 0.0, NULL));
  PetscCall(FrgStagePush(FRG_STAGE_INTEGRATE));
  PetscCall(FrgFlow2DIntegrate(flow, t_ir));
  PetscCall(FrgStagePop());
  PetscCall(FrgStagePush(FRG_STAGE_OUTPUT));
  PetscCall(FrgFlow2DObservables(flow, t_ir, &obs));
  for (PetscInt c = 0; c < obs.count; c++) unconverged += !FrgObservablesConverged(&obs, c);
  wall = MPI_Wtime() - start;
  PetscCall(FrgFlow2DWriteResults(flow, &obs, wall, unconverged));
  PetscCall(FrgFlow2DPrint(flow, &obs, wall, unconverged));
  PetscCall(FrgOutputClose(flow->output, PETSC_TRUE));
  PetscCall(FrgOutputWriteXDMF(flow->output, flow->fine.grid));
  PetscCall(FrgStagePop());
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The flow task of a two-field model whose level (model, grid, operator, integrator) is built.
 * Reads the output and estimate options, then runs unless -help. Collective. */
PETSC_INTERN PetscErrorCode FrgFlowRun2D(FrgFlowLevel *level, PetscBool help)
{
  FrgFlow2D      flow;
  MPI_Comm       comm = level->grid->comm;
  PetscErrorCode ierr;

  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(&flow, sizeof(flow)));
  flow.fine     = *level; /* borrowed: the caller destroys it */
  flow.estimate = PETSC_TRUE;
  PetscOptionsBegin(comm, NULL, "Error estimate of two-field flows", "FrgFlow2D");
  PetscCall(PetscOptionsBool("-error_estimate", "Estimate the numerical error of every IR vertex: the same flow on 3/4 and on 1/2 of the cells in each direction (about 1.8 times the cost)", "", flow.estimate, &flow.estimate, NULL));
  PetscOptionsEnd();
  PetscCall(FrgOutputCreate(comm, &flow.output));
  ierr = FrgOutputSetFromOptions(flow.output);
  if (!ierr) ierr = FrgFlow2DCheckOptions(comm);
  if (!ierr && !help) ierr = FrgCheckUnusedOptions(comm);
  for (PetscInt l = 0; l < FRG_FLOW2D_COARSE && !ierr && flow.estimate && !help; l++) ierr = FrgFlow2DCoarseCreate(level, frg_flow2d_fraction[l][0], frg_flow2d_fraction[l][1], &flow.coarse[l]);
  if (!ierr && !help) ierr = FrgFlow2DRun(&flow);
  level->u = flow.fine.u; /* the state the run created, for the caller to destroy */
  PetscCall(FrgOutputDestroy(&flow.output));
  for (PetscInt l = 0; l < FRG_FLOW2D_COARSE; l++)
    if (flow.coarse[l].model) PetscCall(FrgFlowLevelDestroy(&flow.coarse[l]));
  PetscFunctionReturn(ierr);
}
