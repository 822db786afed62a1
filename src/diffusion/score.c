/* The score from the flow (doc/physics.md 2.3): integrates the zero-dimensional Wetterich flow of -model
 * field once, from the UV (s = 1/Lambda^2, Gamma = S) through the whole noise range of the sampler to
 * t_IR, stops exactly at table levels uniform in tau = ln s (the integrator's stop time: no
 * re-integration), and turns each stored state into one level of the O(1) score table
 * (src/diffusion/score_table.c). With r = k^2, k = Lambda e^{-t}: s = 1/r = e^{2t}/Lambda^2, so
 * tau = 2t - 2 ln Lambda and du/dtau = (du/dt)/2, du/dt from the FrgOperator itself. */
#include "sampler.h"
#include <frg/options.h>
#include <stdlib.h>

PetscReal FrgScoreFlowNoise(const FrgScoreFlow *sf, PetscReal t)
{
  return PetscExpReal(2.0 * t) / (sf->Lambda * sf->Lambda);
}

static PetscReal FrgScoreFlowTime(const FrgScoreFlow *sf, PetscReal s)
{
  return 0.5 * PetscLogReal(s) + PetscLogReal(sf->Lambda);
}

static const char *const FrgScoreSources[] = {"frg", "density"};

PetscErrorCode FrgScoreFlowCreate(MPI_Comm comm, FrgScoreFlow *sf)
{
  PetscInt  source = 0;
  PetscBool help;

  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(sf, sizeof(*sf)));
  sf->comm    = comm;
  sf->levels  = 241;
  sf->compare = PETSC_TRUE;
  sf->points  = 2048;
  PetscCall(FrgModelCreate(comm, &sf->model));
  PetscCall(FrgModelSetFromOptions(sf->model));
  PetscCall(FrgGridCreateFromModel(PETSC_COMM_SELF, sf->model, &sf->grid));
  PetscOptionsBegin(comm, NULL, "Score from the flow (diffusion view)", "FrgScoreFlow");
  PetscCall(FrgOptionsInt("-score_levels", "Stored noise levels of the score table, uniform in ln s over [-sample_s_min, -sample_s_max]", sf->levels,
                            &sf->levels, NULL, 2, 1000000));
  PetscCall(PetscOptionsBool("-score_compare_routes", "Also solve the smoothed log-density route and report how its score differs from the flow's", "",
                             sf->compare, &sf->compare, NULL));
  PetscCall(FrgOptionsEList("-score_source", "Score used by the samplers: the flow (frg) or the smoothed log-density equation (density)", FrgScoreSources,
                              2, FrgScoreSources[sf->density], &source, NULL));
  PetscCall(FrgOptionsReal(
      "-score_density_phi_max",
      "Half-width of the grid of the smoothed log-density route, spacing as the flow's (default: -grid_phi_max + 4 sqrt(min(-sample_s_max, 100)))",
      sf->density_phi_max, &sf->density_phi_max, NULL, 0, FRG_REAL_MAX));
  PetscCall(FrgOptionsInt("-score_table_points", "Points of the uniform x-grid of the score table per noise level", sf->points, &sf->points, NULL, 4, FRG_COUNT_MAX));
  PetscOptionsEnd();
  sf->density = (PetscBool)(source == 1);
  PetscCheck(sf->levels >= 2, comm, PETSC_ERR_USER_INPUT, "-score_levels must be >= 2, got %" PetscInt_FMT, sf->levels);
  PetscCheck(sf->points >= 4, comm, PETSC_ERR_USER_INPUT, "-score_table_points must be >= 4, got %" PetscInt_FMT, sf->points);
  PetscCall(FrgHelpRequested(&help));
  /* -help lists the options of every object below; it never fails on their values */
  PetscCheck(help || !strcmp(sf->model->type, "field") || !strcmp(sf->model->type, "on"), comm, PETSC_ERR_USER_INPUT,
             "-task sample needs -model field (one real field) or -model on (O(N), radial score), got -model %s", sf->model->type);
  PetscCheck(help || sf->model->d == 0, comm, PETSC_ERR_USER_INPUT, "-task sample needs a zero-dimensional flow: -d must be 0, got %g", (double)sf->model->d);
  PetscCall(FrgOperatorCreate(sf->grid, sf->model, &sf->op));
  PetscCall(FrgOperatorSetFromOptions(sf->op));
  PetscCall(FrgModelSetUp(sf->model));
  PetscCall(FrgGridSetUp(sf->grid));
  PetscCall(FrgOperatorSetUp(sf->op));
  PetscCall(FrgIntegratorCreate(sf->op, &sf->integrator));
  PetscCall(FrgIntegratorSetFromOptions(sf->integrator));
  PetscCall(FrgGridGetInfo(sf->grid, &sf->cells, &sf->phi_first, &sf->h));
  PetscCall(FrgModelGetParameters(sf->model, NULL, NULL, &sf->Lambda, &sf->t_ir));
  sf->phi_max = sf->grid->phi_max;
  /* O(N): u is odd in the signed radius; the tables and stored states use the mirrored grid */
  sf->radial     = (PetscBool)(sf->grid->left == FRG_BOUNDARY_ODD);
  sf->full_cells = sf->radial ? 2 * sf->cells - 1 : sf->cells;
  sf->full_first = sf->radial ? -(sf->cells - 1) * sf->h : sf->phi_first;
  sf->components = sf->radial ? (PetscInt)sf->model->N : 1;
  PetscCheck(!sf->radial || ((PetscReal)sf->components == sf->model->N && sf->components >= 1), comm, PETSC_ERR_USER_INPUT,
             "-task sample with -model on needs an integer -N >= 1, got %g", (double)sf->model->N);
  sf->s_uv = FrgScoreFlowNoise(sf, 0.0);
  sf->s_ir = FrgScoreFlowNoise(sf, sf->t_ir);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The table covers [s_lo, s_hi], which must lie inside the flow's noise range. */
PetscErrorCode FrgScoreFlowSetRange(FrgScoreFlow *sf, PetscReal s_lo, PetscReal s_hi, const char option_lo[], const char option_hi[])
{
  PetscFunctionBeginUser;
  PetscCheck(s_lo > 0 && PetscIsNormalReal(s_lo), sf->comm, PETSC_ERR_USER_INPUT, "%s must be a positive number, got %g", option_lo, (double)s_lo);
  PetscCheck(s_hi > s_lo && PetscIsNormalReal(s_hi), sf->comm, PETSC_ERR_USER_INPUT, "%s must be larger than %s = %g, got %g", option_hi, option_lo,
             (double)s_lo, (double)s_hi);
  PetscCheck(s_lo >= sf->s_uv * (1 + 1e-12), sf->comm, PETSC_ERR_USER_INPUT,
             "%s = %g lies outside the computed flow, which starts at s = 1/Lambda^2 = %g: raise %s or -Lambda", option_lo, (double)s_lo, (double)sf->s_uv,
             option_lo);
  PetscCheck(s_hi <= sf->s_ir * (1 - 1e-12), sf->comm, PETSC_ERR_USER_INPUT,
             "%s = %g lies outside the computed flow, which ends at s = exp(2 t_IR)/Lambda^2 = %g: lower %s or raise -t_ir", option_hi, (double)s_hi,
             (double)sf->s_ir, option_hi);
  sf->s_lo = s_lo;
  sf->s_hi = s_hi;
  if (sf->density_phi_max <= 0) sf->density_phi_max = sf->phi_max + 4.0 * PetscSqrtReal(PetscMin(s_hi, 100.0));
  PetscCheck(sf->density_phi_max >= sf->phi_max, sf->comm, PETSC_ERR_USER_INPUT, "-score_density_phi_max must be >= -grid_phi_max = %g, got %g",
             (double)sf->phi_max, (double)sf->density_phi_max);
  sf->density_cells = (PetscInt)PetscCeilReal(2.0 * sf->density_phi_max / sf->h - 1e-9);
  sf->density_h     = 2.0 * sf->density_phi_max / sf->density_cells;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* States at these noise levels (increasing, inside the flow) are kept in u_snap. Not collective. */
PetscErrorCode FrgScoreFlowSetSnapshots(FrgScoreFlow *sf, PetscInt n, const PetscReal s[])
{
  PetscFunctionBeginUser;
  PetscCheck(n <= 16, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "at most 16 snapshots");
  for (PetscInt i = 0; i < n; i++) sf->snap_s[i] = s[i];
  sf->nsnap = n;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* A second table with one level at each noise level of the sampler's schedule, resampled from the
 * main table after the flow, so that a fixed-step sampler looks the score up on one level (half the
 * work of a two-level lookup). Not collective. */
PetscErrorCode FrgScoreFlowSetSteps(FrgScoreFlow *sf, PetscInt n, const PetscReal s[])
{
  FrgScoreTable *t = &sf->steps;

  PetscFunctionBeginUser;
  t->levels = (int)n;
  t->points = (int)sf->points;
  PetscCall(PetscMalloc5(n, &sf->steps_s, n, &t->x0, n, &t->dx, n, &t->inv_dx, 3 * n * sf->points, &t->node));
  for (PetscInt i = 0; i < n; i++) sf->steps_s[i] = s[i];
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode FrgScoreFlowAllocate(FrgScoreFlow *sf)
{
  FrgScoreTable *t = &sf->table;

  PetscFunctionBeginUser;
  t->levels   = (int)sf->levels;
  t->points   = (int)sf->points;
  t->tau0     = PetscLogReal(sf->s_lo);
  t->dtau     = (PetscLogReal(sf->s_hi) - t->tau0) / (sf->levels - 1);
  t->inv_dtau = 1.0 / t->dtau;
  PetscCall(PetscMalloc4(sf->levels, &t->x0, sf->levels, &t->dx, sf->levels, &t->inv_dx, 3 * sf->levels * sf->points, &t->node));
  PetscCall(PetscMalloc3(sf->levels * sf->full_cells, &sf->u_levels, sf->full_cells, &sf->u_ir, PetscMax(sf->nsnap, 1) * sf->full_cells, &sf->u_snap));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The cell averages of a state on the full grid: mirrored (u odd) for the O(N) model. Not collective. */
static void FrgScoreFlowMirror(const FrgScoreFlow *sf, const PetscScalar *u, PetscReal scale, PetscReal *full)
{
  const PetscInt n = sf->cells;

  for (PetscInt i = 0; i < n; i++) {
    if (sf->radial) {
      full[n - 1 + i] = scale * u[i];
      full[n - 1 - i] = -scale * u[i];
    } else
      full[i] = scale * u[i];
  }
}

static PetscErrorCode FrgScoreFlowCopy(const FrgScoreFlow *sf, Vec u, PetscReal *copy)
{
  const PetscScalar *ua;

  PetscFunctionBeginUser;
  PetscCall(VecGetArrayRead(u, &ua));
  FrgScoreFlowMirror(sf, ua, 1.0, copy);
  PetscCall(VecRestoreArrayRead(u, &ua));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* One table level from the state u at RG time t (f is work space for du/dt; du/dtau = (du/dt)/2). */
static PetscErrorCode FrgScoreFlowStoreLevel(FrgScoreFlow *sf, FrgScoreTable *tb, PetscInt l, PetscReal t, Vec u, Vec f, PetscReal *work)
{
  const PetscInt nf = sf->full_cells;
  const PetscScalar *fa;
  PetscReal *uf = work + 6 * nf, *ut = work + 7 * nf, s = FrgScoreFlowNoise(sf, t), clip = sf->phi_max + 12.0 * PetscSqrtReal(s);
  int bad;

  PetscFunctionBeginUser;
  PetscCall(FrgOperatorApply(sf->op, t, u, f));
  PetscCall(FrgScoreFlowCopy(sf, u, uf));
  PetscCall(VecGetArrayRead(f, &fa));
  FrgScoreFlowMirror(sf, fa, 0.5, ut);
  PetscCall(VecRestoreArrayRead(f, &fa));
  if (tb == &sf->table) PetscCall(PetscArraycpy(sf->u_levels + l * nf, uf, nf));
  bad = FrgScoreLevelBuild((int)nf, sf->full_first, sf->h, uf, ut, s, -clip, clip, tb->points, work, &tb->x0[l], &tb->dx[l], tb->node + 3 * l * tb->points);
  PetscCheck(!bad, sf->comm, PETSC_ERR_NOT_CONVERGED,
             "the flow lost monotonicity of x(phi) = phi + s u at s = %g, phi = %g: refine -grid_cells or tighten -rtol", (double)s,
             (double)(sf->full_first + (bad - 1) * sf->h));
  tb->inv_dx[l] = 1.0 / tb->dx[l];
  PetscFunctionReturn(PETSC_SUCCESS);
}

typedef struct {
  PetscReal t;
  int kind; /* 0: table level, 2: snapshot */
  PetscInt index;
} FrgEvent;

static int FrgEventCompare(const void *a, const void *b)
{
  const PetscReal x = ((const FrgEvent *)a)->t, y = ((const FrgEvent *)b)->t;
  return (x > y) - (x < y);
}

/* Every RG time at which the flow must stop, in increasing order. */
static PetscErrorCode FrgScoreFlowEvents(FrgScoreFlow *sf, FrgEvent **events, PetscInt *count)
{
  PetscInt n = 0;

  PetscFunctionBeginUser;
  PetscCall(PetscMalloc1(sf->levels + sf->nsnap, events));
  for (PetscInt l = 0; l < sf->levels; l++)
    (*events)[n].t = FrgScoreFlowTime(sf, PetscExpReal(sf->table.tau0 + l * sf->table.dtau)), (*events)[n].kind = 0, (*events)[n++].index = l;
  for (PetscInt l = 0; l < sf->nsnap; l++) (*events)[n].t = FrgScoreFlowTime(sf, sf->snap_s[l]), (*events)[n].kind = 2, (*events)[n++].index = l;
  qsort(*events, (size_t)n, sizeof(FrgEvent), FrgEventCompare);
  *count = n;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Collective on sf->comm only through the final consistency check: the flow itself is per rank. */
PetscErrorCode FrgScoreFlowSolve(FrgScoreFlow *sf)
{
  Vec u, f;
  DM da;
  PetscReal *work;
  double start     = MPI_Wtime();
  FrgEvent *events = NULL;
  PetscInt nevents = 0;

  PetscFunctionBeginUser;
  PetscCall(FrgScoreFlowAllocate(sf));
  PetscCall(PetscMalloc1(8 * sf->full_cells, &work));
  PetscCall(FrgGridGetDM(sf->grid, &da));
  PetscCall(DMCreateGlobalVector(da, &u));
  PetscCall(VecDuplicate(u, &f));
  PetscCall(FrgModelInitialCondition(sf->model, sf->grid, u));
  PetscCall(FrgIntegratorSetUp(sf->integrator, 0.0, u));
  PetscCall(FrgIntegratorSetStopTime(sf->integrator, sf->t_ir)); /* the levels are interpolated */
  PetscCall(FrgScoreFlowEvents(sf, &events, &nevents));
  for (PetscInt e = 0; e < nevents; e++) {
    PetscCall(FrgIntegratorAdvance(sf->integrator, events[e].t, u));
    if (events[e].kind == 0)
      PetscCall(FrgScoreFlowStoreLevel(sf, &sf->table, events[e].index, events[e].t, u, f, work));
    else
      PetscCall(FrgScoreFlowCopy(sf, u, sf->u_snap + events[e].index * sf->full_cells));
  }
  PetscCall(PetscFree(events));
  PetscCall(FrgIntegratorAdvance(sf->integrator, sf->t_ir, u));
  PetscCall(FrgScoreFlowCopy(sf, u, sf->u_ir));
  PetscCall(FrgIntegratorGetStats(sf->integrator, &sf->stats));
  sf->seconds = MPI_Wtime() - start;
  if (!sf->radial && (sf->compare || sf->density)) PetscCall(FrgScoreFlowSolveDensity(sf));
  sf->sampling = sf->density ? &sf->density_table : &sf->table;
  for (int l = 0; l < sf->steps.levels; l++) {
    FrgScoreTable *t = &sf->steps;
    FrgScoreTableResample(sf->sampling, sf->steps_s[l], t->points, &t->x0[l], &t->dx[l], t->node + 3 * (size_t)l * t->points);
    t->inv_dx[l] = 1.0 / t->dx[l];
  }
  PetscCall(VecDestroy(&u));
  PetscCall(VecDestroy(&f));
  PetscCall(PetscFree(work));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode FrgScoreFlowDestroy(FrgScoreFlow *sf)
{
  PetscFunctionBeginUser;
  PetscCall(FrgIntegratorDestroy(&sf->integrator));
  PetscCall(FrgOperatorDestroy(&sf->op));
  PetscCall(FrgGridDestroy(&sf->grid));
  PetscCall(FrgModelDestroy(&sf->model));
  PetscCall(PetscFree4(sf->table.x0, sf->table.dx, sf->table.inv_dx, sf->table.node));
  PetscCall(PetscFree3(sf->u_levels, sf->u_ir, sf->u_snap));
  PetscCall(PetscFree4(sf->density_table.x0, sf->density_table.dx, sf->density_table.inv_dx, sf->density_table.node));
  PetscCall(PetscFree5(sf->steps_s, sf->steps.x0, sf->steps.dx, sf->steps.inv_dx, sf->steps.node));
  PetscFunctionReturn(PETSC_SUCCESS);
}
