/* FrgFlowEstimate: the numerical error of every observable of a flow, by default (-error_estimate).
 *
 * Two parts, added:
 *   space  a second, independent solve of the same flow on half the cells (spacing about 2h) at the same
 *          tolerances, advanced to the same output times: e_space = |q_h - q_2h| for each observable q.
 *          For a scheme of order p this is (2^p - 1) times the spatial error of q_h: 3 times where the
 *          KT scheme is second order, 1 time where the minmod limiter or a kink drops it to first order
 *          (the usual Richardson estimate (q_h - q_2h)/3 would fall below the true error there). At the
 *          same tolerances the two solves make nearly the same time error (it depends on the
 *          tolerance and the smooth dynamics, not on the grid), which therefore cancels in the
 *          difference instead of hiding the spatial one.
 *   time   the flow's integrator sums its local error estimates over the steps in units of their
 *          tolerance and returns them at the tolerance of the solution now (FrgIntegratorGetErrorSum):
 *          a bound on the time-integration error of u that ignores how errors decay and follows the
 *          solution's size; the model maps it to each observable (src/analysis/observables.c). One coarse solve cannot tell the time part:
 *          at a tighter tolerance it cancels a time error 3 times the spatial one, at a looser one
 *          the time errors, which are not proportional to the tolerance (2.5x to 19x per decade,
 *          measured), cancel as well; both left 1-5% of the zero-dimensional flows with a true error
 *          above 3 estimates.
 * Measured on 360 seeded zero-dimensional flows against exact quadrature (tests/py/sweep0d.py, seeds
 * 20261202, 7, 99): the true error of Gamma2 and Gamma4 was never above 3 estimates, and the estimate
 * never above 100 true errors where those exceed 10 rtol (below that, the true error is at the noise
 * level of the integration and can vanish by a chance cancellation of its spatial and time parts).
 * The median estimate is 3.4 true errors. An estimate cannot see what both grids miss alike: structure
 * finer than 2h everywhere, or a grid edge phi_max that cuts the potential's structure.
 *
 * The coarse flow is built from the flow's own objects (no options are read twice); if it cannot be
 * built or fails on the way, the flow goes on and every error from then on is infinite (reported as
 * unconverged, and as a warning). */
#include <frg/flow.h>

#define FRG_ESTIMATE_TOLERANCE_FACTOR 1.0 /* the coarse solve's tolerances, relative to the flow's */

/* The grid of the estimate: half the cells (at least 8), the same edge, the same physical width of the
 * vertex fit. */
static PetscErrorCode FrgFlowEstimateGrid(FrgGrid fine, FrgModel model, FrgGrid *coarse)
{
  PetscInt cells;

  PetscFunctionBeginUser;
  PetscCall(FrgGridCreate(fine->comm, coarse));
  PetscCall(FrgGridSetBoundaries(*coarse, fine->left, fine->right));
  cells = fine->cells / 2;
  if (fine->left != FRG_BOUNDARY_ODD && fine->cells % 2 && cells % 2 == 0) cells++; /* keep an odd two-sided grid odd */
  PetscCall(FrgGridSetSize(*coarse, cells, fine->phi_max));
  (*coarse)->fit_cells     = PetscMax(fine->fit_cells / 2, 4);
  (*coarse)->fit_cells_set = fine->fit_cells_set;
  PetscCall(FrgGridSetUp(*coarse));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode FrgFlowEstimateBuild(FrgFlowLevel *fine, FrgFlowLevel *coarse)
{
  PetscFunctionBeginUser;
  PetscCall(FrgModelDuplicate(fine->model, &coarse->model));
  PetscCall(FrgFlowEstimateGrid(fine->grid, coarse->model, &coarse->grid));
  PetscCall(FrgOperatorCreate(coarse->grid, coarse->model, &coarse->op));
  PetscCall(FrgOperatorSetUp(coarse->op));
  PetscCall(FrgIntegratorDuplicate(fine->integrator, coarse->op, FRG_ESTIMATE_TOLERANCE_FACTOR, &coarse->integrator));
  PetscCall(FrgFlowLevelWatchOrigin(coarse));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Keeps the first message of an error of the coarse flow instead of printing it. */
static PetscErrorCode FrgFlowEstimateErrorHandler(MPI_Comm comm, int line, const char *fun, const char *file, PetscErrorCode n, PetscErrorType p, const char *mess, void *ctx)
{
  FrgFlowEstimate *e = (FrgFlowEstimate *)ctx;

  if (p == PETSC_ERROR_INITIAL && !e->reason[0]) (void)PetscSNPrintf(e->reason, sizeof(e->reason), "%s", mess && mess[0] ? mess : "error in the coarse flow");
  return n;
}

/* Runs call with PETSc's errors kept, not printed; on an error the estimate is off from t on. The
 * coarse flow's decisions are collective (as the flow's), so every rank fails alike. */
#define FrgFlowEstimateTry(e, t, call) \
  do { \
    PetscErrorCode frg_ierr_; \
    (e)->reason[0] = 0; \
    PetscCall(PetscPushErrorHandler(FrgFlowEstimateErrorHandler, (e))); \
    frg_ierr_ = (call); \
    PetscCall(PetscPopErrorHandler()); \
    if (frg_ierr_) { \
      (e)->failed   = PETSC_TRUE; \
      (e)->failed_t = (t); \
    } \
  } while (0)

/* Reads -error_estimate and builds the coarse flow of fine. Collective. */
PetscErrorCode FrgFlowEstimateCreate(FrgFlowLevel *fine, FrgFlowEstimate *e)
{
  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(e, sizeof(*e)));
  e->enabled = PETSC_TRUE;
  PetscOptionsBegin(fine->grid->comm, NULL, "Error estimate", "FrgFlowEstimate");
  PetscCall(PetscOptionsBool("-error_estimate", "Estimate the numerical error of every observable: a second flow on half the cells (space) and the summed local errors of the steps (time)", "",
                             e->enabled, &e->enabled, NULL));
  PetscOptionsEnd();
  e->fine = fine;
  if (!e->enabled) PetscFunctionReturn(PETSC_SUCCESS);
  FrgFlowEstimateTry(e, 0.0, FrgFlowEstimateBuild(fine, &e->coarse));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Starts the coarse flow at t0 from u0 (a state of the coarse grid), or from the initial condition,
 * and the summation of the flow's local errors (its integrator must be set up). */
PetscErrorCode FrgFlowEstimateStart(FrgFlowEstimate *e, PetscReal t0, Vec u0)
{
  PetscFunctionBeginUser;
  if (!e->enabled) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(FrgIntegratorAccumulateErrors(e->fine->integrator));
  if (e->failed) PetscFunctionReturn(PETSC_SUCCESS);
  FrgFlowEstimateTry(e, t0, FrgFlowLevelStart(&e->coarse, t0, u0));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Advances the coarse flow to t and sets the errors of fine's observables at t (fine may be NULL):
 * infinite once the coarse flow has failed. Collective. */
PetscErrorCode FrgFlowEstimateAdvance(FrgFlowEstimate *e, PetscReal t, FrgObservables *fine)
{
  FrgObservables coarse;

  PetscFunctionBeginUser;
  if (!e->enabled) PetscFunctionReturn(PETSC_SUCCESS);
  if (!e->failed) FrgFlowEstimateTry(e, t, FrgFlowLevelAdvance(&e->coarse, t, &coarse));
  if (!e->failed) e->last = coarse;
  if (!fine) PetscFunctionReturn(PETSC_SUCCESS);
  if (e->failed) {
    for (PetscInt c = 0; c < fine->count; c++) fine->error[c] = PETSC_INFINITY;
    fine->estimated = PETSC_TRUE;
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  if (!e->sum) PetscCall(VecDuplicate(e->fine->u, &e->sum));
  PetscCall(FrgIntegratorGetErrorSum(e->fine->integrator, e->sum));
  PetscCall(FrgObservablesEstimate(e->fine->grid, e->fine->model, e->fine->u, e->sum, fine, &coarse));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode FrgFlowEstimateDestroy(FrgFlowEstimate *e)
{
  PetscFunctionBeginUser;
  PetscCall(VecDestroy(&e->sum));
  PetscCall(FrgFlowLevelDestroy(&e->coarse));
  PetscFunctionReturn(PETSC_SUCCESS);
}
