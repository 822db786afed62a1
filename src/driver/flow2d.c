/* The flow task of two-field models (-model field2): integrates U(phi1, phi2) from the UV to t_IR on
 * the 2D grid with the common integrator, then reads the IR vertices off U:
 *   the minimum phi* of Gamma_IR (= <phi> in d = 0), by one Newton step from the lowest cell,
 *   Gamma^(2) = the Hessian there (= the inverse covariance in d = 0), interpolated to phi* to second order,
 *   and its inverse, the connected two-point function <phi_i phi_j> - <phi_i><phi_j>.
 * The field is gathered onto every rank for this (the analysis reads a 5 x 5 patch, possibly across
 * ranks), so every rank computes the same numbers. Output files, checkpoints and the error estimate of
 * the one-field flows do not take two-field models yet: their options are refused by the unused-option
 * check. */
#include <frg/flow.h>

/* U of cell (i, j) of the gathered natural-order field */
#define FRG_U(i, j) (u[(j)*nx + (i)])

typedef struct {
  PetscReal g[2], h[3]; /* gradient, Hessian (11, 22, 12) */
} FrgJet2D;

static FrgJet2D FrgJetAt(const PetscScalar *u, PetscInt nx, PetscInt i, PetscInt j, PetscReal h1, PetscReal h2)
{
  FrgJet2D jet;

  jet.g[0] = (FRG_U(i + 1, j) - FRG_U(i - 1, j)) / (2 * h1);
  jet.g[1] = (FRG_U(i, j + 1) - FRG_U(i, j - 1)) / (2 * h2);
  jet.h[0] = (FRG_U(i + 1, j) - 2 * FRG_U(i, j) + FRG_U(i - 1, j)) / (h1 * h1);
  jet.h[1] = (FRG_U(i, j + 1) - 2 * FRG_U(i, j) + FRG_U(i, j - 1)) / (h2 * h2);
  jet.h[2] = (FRG_U(i + 1, j + 1) - FRG_U(i + 1, j - 1) - FRG_U(i - 1, j + 1) + FRG_U(i - 1, j - 1)) / (4 * h1 * h2);
  return jet;
}

/* The minimum and the Hessian there from the gathered field. Not collective. */
static PetscErrorCode FrgFlow2DVertices(MPI_Comm comm, FrgGrid grid, const PetscScalar *u, PetscReal phi[2], PetscReal gamma2[3])
{
  const PetscInt nx = grid->cells, ny = grid->cells_y;
  const PetscReal h1 = grid->spacing, h2 = grid->spacing_y;
  PetscInt imin = 0, jmin = 0;
  FrgJet2D c, xp, xm, yp, ym;
  PetscReal det, d1, d2;

  PetscFunctionBeginUser;
  for (PetscInt j = 0; j < ny; j++)
    for (PetscInt i = 0; i < nx; i++)
      if (FRG_U(i, j) < FRG_U(imin, jmin)) imin = i, jmin = j;
  PetscCheck(imin >= 2 && imin < nx - 2 && jmin >= 2 && jmin < ny - 2, comm, PETSC_ERR_USER_INPUT,
             "the minimum of U_IR lies at the edge of the grid (cell %" PetscInt_FMT ", %" PetscInt_FMT "): raise -grid_phi_max", imin, jmin);
  c   = FrgJetAt(u, nx, imin, jmin, h1, h2);
  det = c.h[0] * c.h[1] - c.h[2] * c.h[2];
  PetscCheck(c.h[0] > 0 && det > 0, comm, PETSC_ERR_NOT_CONVERGED, "U_IR is not convex at its lowest cell: Gamma^(2) is not positive definite (det %g)",
             (double)det);
  d1 = -(c.h[1] * c.g[0] - c.h[2] * c.g[1]) / det; /* Newton step -H^{-1} g */
  d2 = -(c.h[0] * c.g[1] - c.h[2] * c.g[0]) / det;
  xp = FrgJetAt(u, nx, imin + 1, jmin, h1, h2), xm = FrgJetAt(u, nx, imin - 1, jmin, h1, h2);
  yp = FrgJetAt(u, nx, imin, jmin + 1, h1, h2), ym = FrgJetAt(u, nx, imin, jmin - 1, h1, h2);
  for (PetscInt a = 0; a < 3; a++) gamma2[a] = c.h[a] + d1 * (xp.h[a] - xm.h[a]) / (2 * h1) + d2 * (yp.h[a] - ym.h[a]) / (2 * h2);
  phi[0] = grid->phi_first + imin * h1 + d1;
  phi[1] = grid->phi_first_y + jmin * h2 + d2;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The whole field on every rank, in natural order (j nx + i). Collective. */
static PetscErrorCode FrgFlow2DGather(FrgGrid grid, Vec U, Vec *all)
{
  Vec natural;
  VecScatter scatter;

  PetscFunctionBeginUser;
  PetscCall(DMDACreateNaturalVector(grid->da, &natural));
  PetscCall(DMDAGlobalToNaturalBegin(grid->da, U, INSERT_VALUES, natural));
  PetscCall(DMDAGlobalToNaturalEnd(grid->da, U, INSERT_VALUES, natural));
  PetscCall(VecScatterCreateToAll(natural, &scatter, all));
  PetscCall(VecScatterBegin(scatter, natural, *all, INSERT_VALUES, SCATTER_FORWARD));
  PetscCall(VecScatterEnd(scatter, natural, *all, INSERT_VALUES, SCATTER_FORWARD));
  PetscCall(VecScatterDestroy(&scatter));
  PetscCall(VecDestroy(&natural));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The options of one-field flows that two-field flows do not take yet: a clear error rather than
 * the unused-option check's. Not collective (every rank sees the same options). */
PETSC_INTERN PetscErrorCode FrgFlow2DCheckOptions(MPI_Comm comm)
{
  static const char *const refused[] = {"-output", "-checkpoint", "-restart", "-checkpoint_every", "-error_estimate", "-stop_at"};
  PetscBool set;

  PetscFunctionBeginUser;
  for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
    PetscCall(PetscOptionsHasName(NULL, NULL, refused[i], &set));
    PetscCheck(!set, comm, PETSC_ERR_USER_INPUT,
               "%s: two-field flows (-model field2) write no file and take no checkpoint or error estimate yet; the IR vertices are printed", refused[i]);
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PETSC_INTERN PetscErrorCode FrgFlowRun2D(FrgFlowLevel *level)
{
  MPI_Comm comm = level->grid->comm;
  PetscReal t_ir, phi[2], g2[3], det, k;
  Vec all;
  const PetscScalar *u;
  FrgIntegratorStats stats;
  double start = MPI_Wtime(), wall;

  PetscFunctionBeginUser;
  PetscCall(FrgModelView(level->model, PETSC_VIEWER_STDOUT_(comm)));
  PetscCall(FrgGridView(level->grid, PETSC_VIEWER_STDOUT_(comm)));
  PetscCall(FrgModelGetParameters(level->model, NULL, NULL, NULL, &t_ir));
  PetscCall(FrgFlowLevelStart(level, 0.0, NULL));
  PetscCall(FrgStagePush(FRG_STAGE_INTEGRATE));
  PetscCall(FrgIntegratorAdvance(level->integrator, t_ir, level->u));
  PetscCall(FrgStagePop());
  wall = MPI_Wtime() - start;
  PetscCall(FrgFlow2DGather(level->grid, level->u, &all));
  PetscCall(VecGetArrayRead(all, &u));
  PetscCall(FrgFlow2DVertices(comm, level->grid, u, phi, g2));
  PetscCall(VecRestoreArrayRead(all, &u));
  PetscCall(VecDestroy(&all));
  PetscCall(FrgIntegratorGetStats(level->integrator, &stats));
  PetscCall(FrgModelGetScale(level->model, t_ir, &k));
  det = g2[0] * g2[1] - g2[2] * g2[2];
  PetscCall(PetscPrintf(comm, "[frg] IR (t = %g, k = %.3e): minimum phi1 = %.15e phi2 = %.15e\n", (double)t_ir, (double)k, (double)phi[0], (double)phi[1]));
  PetscCall(PetscPrintf(comm, "[frg] IR Gamma2: 11 = %.15e 22 = %.15e 12 = %.15e\n", (double)g2[0], (double)g2[1], (double)g2[2]));
  PetscCall(PetscPrintf(comm, "[frg] IR connected <phi phi>: 11 = %.15e 22 = %.15e 12 = %.15e\n", (double)(g2[1] / det), (double)(g2[0] / det),
                        (double)(-g2[2] / det)));
  PetscCall(PetscPrintf(comm, "[frg] steps %ld, rhs %ld, jacobians %ld, newton %ld, error-test fails %ld, wall %.3f s\n", stats.steps, stats.rhs_evals,
                        stats.jac_evals, stats.newton_iters, stats.error_test_fails, wall));
  PetscFunctionReturn(PETSC_SUCCESS);
}
