/* FrgFlowSolve: one flow from the options database to t_IR without an output file, with its error
 * estimate: what a scan point or a bisection step runs (the flow task's own objects, src/driver). */
#include <frg/flow.h>

static PetscErrorCode FrgFlowSolveCheckStopped(MPI_Comm comm, FrgIntegrator integrator, PetscReal t_ir)
{
  PetscReal t;

  PetscFunctionBeginUser;
  PetscCall(FrgIntegratorGetTime(integrator, &t));
  PetscCheck(t >= t_ir, comm, PETSC_ERR_SIG, "stopped by a signal at t = %g, before t_IR = %g", (double)t, (double)t_ir);
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode FrgFlowSolveIntegrate(FrgFlowLevel *level, FrgFlowEstimate *estimate, FrgFlowResult *result)
{
  PetscReal   t_ir;
  FrgWarnings warnings;

  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(&warnings, sizeof(warnings)));
  PetscCall(FrgModelGetParameters(level->model, NULL, NULL, NULL, &t_ir));
  PetscCall(FrgFlowLevelStart(level, 0.0, NULL));
  PetscCall(FrgFlowEstimateStart(estimate, 0.0, NULL));
  /* a long flow inside a scan stops within one step of a SIGTERM/SIGUSR1 (the scan reruns the point
   * when it resumes), not only after it reached t_IR */
  PetscCall(FrgIntegratorSetInterrupt(level->integrator, FrgSignalPending));
  if (estimate->enabled) PetscCall(FrgIntegratorSetInterrupt(estimate->coarse.integrator, FrgSignalPending));
  PetscCall(FrgFlowLevelAdvance(level, t_ir, &result->obs));
  PetscCall(FrgFlowSolveCheckStopped(level->grid->comm, level->integrator, t_ir));
  PetscCall(FrgFlowEstimateAdvance(estimate, t_ir, &result->obs));
  if (estimate->enabled && !estimate->failed) PetscCall(FrgFlowSolveCheckStopped(level->grid->comm, estimate->coarse.integrator, t_ir));
  result->coarse = estimate->last;
  PetscCall(FrgIntegratorGetStats(level->integrator, &result->stats));
  PetscCall(FrgWarningsOfLevel(&warnings, level, "flow"));
  PetscCall(FrgWarningsOfEstimate(&warnings, estimate));
  result->warnings = warnings.count;
  PetscCall(PetscStrncpy(result->warning_text, warnings.text, sizeof(result->warning_text)));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Collective on comm. Builds the model, grid, operator and integrator (and the estimate's coarse flow)
 * from the options database, integrates from 0 to t_IR on comm (grid decomposed across comm) and
 * returns the IR observables with their errors and the model's observable names. Writes no file.
 * With integrate = PETSC_FALSE it only builds (and so validates) the objects. A failed flow does not
 * leak its objects: the error is passed on after the clean-up (a scan goes on with its next point). */
PetscErrorCode FrgFlowSolve(MPI_Comm comm, PetscBool integrate, FrgFlowResult *result)
{
  FrgFlowLevel    level;
  FrgFlowEstimate estimate;
  PetscErrorCode  ierr;
  double          start = MPI_Wtime();

  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(result, sizeof(*result)));
  PetscCall(PetscMemzero(&level, sizeof(level)));
  PetscCall(PetscMemzero(&estimate, sizeof(estimate)));
  ierr = FrgFlowLevelCreate(comm, &level);
  if (!ierr) ierr = FrgFlowEstimateCreate(&level, &estimate);
  if (!ierr) ierr = FrgModelGetObservableNames(level.model, &result->count, &result->names);
  if (!ierr && integrate) ierr = FrgFlowSolveIntegrate(&level, &estimate, result);
  result->wall_seconds = MPI_Wtime() - start;
  PetscCall(FrgFlowEstimateDestroy(&estimate));
  PetscCall(FrgFlowLevelDestroy(&level));
  PetscFunctionReturn(ierr);
}
