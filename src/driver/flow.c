/* Task "flow": integrates the LPA flow of u = dU/dphi from the UV potential at t = 0 to t_IR,
 * stores u and the observables at the output times, and prints a summary. */
#include <frg/integrator.h>

typedef struct {
  FrgModel      model;
  FrgGrid       grid;
  FrgOperator   op;
  FrgIntegrator integrator;
  FrgOutput     output;
  PetscBool     progress;
} FrgFlow;

static PetscErrorCode FrgFlowCreate(MPI_Comm comm, FrgFlow *flow)
{
  FrgBoundary left, right;

  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(flow, sizeof(*flow)));
  flow->progress = PETSC_TRUE;
  PetscCall(FrgModelCreate(comm, &flow->model));
  PetscCall(FrgModelSetFromOptions(flow->model));
  PetscCall(FrgGridCreate(comm, &flow->grid));
  PetscCall(FrgModelGetBoundaries(flow->model, &left, &right));
  PetscCall(FrgGridSetBoundaries(flow->grid, left, right));
  PetscCall(FrgGridSetFromOptions(flow->grid));
  PetscCall(FrgOperatorCreate(flow->grid, flow->model, &flow->op));
  PetscCall(FrgOperatorSetFromOptions(flow->op));
  PetscCall(FrgOutputCreate(comm, &flow->output));
  PetscCall(FrgOutputSetFromOptions(flow->output));
  PetscOptionsBegin(comm, NULL, "Flow task", "");
  PetscCall(PetscOptionsBool("-progress", "Print a progress line at every output time", "", flow->progress, &flow->progress, NULL));
  PetscOptionsEnd();
  /* validates the model and grid before the (option-reading) integrator builds its Jacobian */
  PetscCall(FrgOperatorSetUp(flow->op));
  PetscCall(FrgIntegratorCreate(flow->op, &flow->integrator));
  PetscCall(FrgIntegratorSetFromOptions(flow->integrator));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode FrgFlowDestroy(FrgFlow *flow)
{
  PetscFunctionBeginUser;
  PetscCall(FrgIntegratorDestroy(&flow->integrator));
  PetscCall(FrgOutputDestroy(&flow->output));
  PetscCall(FrgOperatorDestroy(&flow->op));
  PetscCall(FrgGridDestroy(&flow->grid));
  PetscCall(FrgModelDestroy(&flow->model));
  PetscFunctionReturn(PETSC_SUCCESS);
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
  const char        *names[] = {"t", "k", "phi0", "m2_radial", "m2_goldstone", "gamma2", "gamma4", "gamma6", "steps", "rhs_evals", "jac_evals", "newton_iters", "error_test_fails", "wall_seconds", "ranks"};
  PetscReal          values[15];
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
  PetscCall(FrgOutputWriteSummary(flow->output, names, values, 15));
  PetscCall(FrgOutputGetName(flow->output, &name));
  PetscCall(PetscPrintf(comm, "\nfrg flow summary (%s)\n", name));
  PetscCall(PetscPrintf(comm, "  IR scale            t = %.6g, k = %.6e\n", (double)obs->t, (double)obs->k));
  PetscCall(PetscPrintf(comm, "  condensate          phi0 = %.12g\n", (double)obs->phi0));
  PetscCall(PetscPrintf(comm, "  masses              m2_radial = %.12g, m2_goldstone = %.12g\n", (double)obs->m2_radial, (double)obs->m2_goldstone));
  PetscCall(PetscPrintf(comm, "  vertices at phi=0   Gamma2 = %.12g, Gamma4 = %.12g, Gamma6 = %.10g\n", (double)obs->gamma2, (double)obs->gamma4, (double)obs->gamma6));
  PetscCall(PetscPrintf(comm, "  integrator          %ld steps, %ld RHS, %ld Jacobians, %ld Newton iterations, %ld error-test failures\n", s.steps, s.rhs_evals, s.jac_evals,
                        s.newton_iters, s.error_test_fails));
  PetscCall(PetscPrintf(comm, "  wall time           %.3f s on %d rank%s\n", wall, size, size > 1 ? "s" : ""));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode FrgFlowRun(FrgFlow *flow)
{
  Vec            u;
  FrgObservables obs;
  PetscReal      t_ir, *times;
  PetscInt       ntimes;
  double         start = MPI_Wtime();
  DM             da;
  MPI_Comm       comm = flow->grid->comm;

  PetscFunctionBeginUser;
  PetscCall(FrgModelGetParameters(flow->model, NULL, NULL, NULL, &t_ir));
  PetscCall(FrgOutputGetTimes(flow->output, 0.0, t_ir, &ntimes, &times));
  PetscCall(FrgOutputOpen(flow->output));
  PetscCall(FrgOutputWriteGrid(flow->output, flow->grid));
  PetscCall(FrgGridGetDM(flow->grid, &da));
  PetscCall(DMCreateGlobalVector(da, &u));
  PetscCall(FrgModelInitialCondition(flow->model, flow->grid, u));
  PetscCall(FrgObservablesCompute(flow->grid, flow->model, 0.0, u, &obs));
  PetscCall(FrgOutputAppendState(flow->output, 0.0, u, &obs));
  PetscCall(FrgIntegratorSetUp(flow->integrator, 0.0, u));
  PetscCall(PetscLogStagePush(FRG_STAGE_INTEGRATE));
  for (PetscInt i = 0; i < ntimes; i++) {
    PetscCall(FrgIntegratorAdvance(flow->integrator, times[i], u));
    PetscCall(FrgObservablesCompute(flow->grid, flow->model, times[i], u, &obs));
    PetscCall(FrgOutputAppendState(flow->output, times[i], u, &obs));
    if (flow->progress) {
      FrgIntegratorStats s;
      PetscCall(FrgIntegratorGetStats(flow->integrator, &s));
      PetscCall(PetscPrintf(comm, "[frg] t = %-9.4g k = %-11.4e steps = %-6ld phi0 = %-12.6g m2_radial = %-12.6g Gamma2 = %.6g\n", (double)obs.t, (double)obs.k, s.steps,
                            (double)obs.phi0, (double)obs.m2_radial, (double)obs.gamma2));
    }
  }
  PetscCall(PetscLogStagePop());
  PetscCall(PetscLogStagePush(FRG_STAGE_OUTPUT));
  PetscCall(FrgFlowWriteParameters(flow));
  PetscCall(FrgFlowSummary(flow, &obs, MPI_Wtime() - start));
  PetscCall(FrgOutputClose(flow->output, PETSC_TRUE));
  PetscCall(PetscLogStagePop());
  PetscCall(VecDestroy(&u));
  PetscCall(PetscFree(times));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode FrgTaskFlow(MPI_Comm comm)
{
  FrgFlow   flow;
  PetscBool help;

  PetscFunctionBeginUser;
  PetscCall(PetscLogStagePush(FRG_STAGE_SETUP));
  PetscCall(FrgFlowCreate(comm, &flow));
  PetscCall(PetscLogStagePop());
  PetscCall(FrgHelpRequested(&help));
  if (!help) {
    PetscCall(FrgCheckUnusedOptions(comm));
    PetscCall(FrgFlowRun(&flow));
  }
  PetscCall(FrgFlowDestroy(&flow));
  PetscFunctionReturn(PETSC_SUCCESS);
}
