/* Task "lattice_sample": the FRG-driven sampler of lattice phi^4 in two dimensions (doc/physics.md 2.3, 2.6).
 *   1. The potential table U_s', U_s'' at -sample_levels noise variances s, geometric from -sample_s_max down to
 *      -sample_s_min: from the LPA flow of -model lattice (src/lattice/flow.c; -sample_table flow, the default), or
 *      the action's own site potential at every level (-sample_table bare: exact only at lambda = 0).
 *   2. -sample_count independent samples, spread over the ranks in contiguous blocks; sample i draws its random
 *      numbers from Philox keyed by -sample_seed at counter i, so the samples are bitwise the same on any number of
 *      ranks. Each runs the reverse process (-sample_sampler ode: probability-flow Euler steps with the exact
 *      density; sde: Euler-Maruyama with the exact path weight; src/lattice/frg_sampler.c).
 *   3. Estimates of |M|, chi = V (<M^2> - <|M|>^2) and the Binder cumulant 1 - <M^4>/(3 <M^2>^2):
 *        weighted  self-normalized importance sampling with w = e^{-S}/q, exact for e^{-S} as the count grows,
 *                  errors by the delta method (the samples are independent);
 *        raw       the sampler's own distribution, unweighted (what the discretized reverse process draws).
 *      ln Z = ln mean(w) estimates the normalization int e^{-S} (unbiased in Z), and the effective sample size
 *      (sum w)^2/sum w^2 measures how close q is to e^{-S}. At lambda = 0 the exact values are printed.
 * Output: /samples/magnetization, /samples/log_weight [count], /samples/configurations [first -sample_save_max, L, L],
 * /table/s, /table/slope, /table/curvature, /summary, /parameters. */
#include "lattice_impl.h"
#include <frg/options.h>
#include <math.h>

typedef enum { FRG_LATTICE_TABLE_FLOW, FRG_LATTICE_TABLE_BARE } FrgLatticeTableType;
static const char *const FrgLatticeTableTypes[]   = {"flow", "bare", "FrgLatticeTableType", "FRG_LATTICE_TABLE_", NULL};
static const char *const FrgLatticeSamplerTypes[] = {"ode", "sde", "FrgLatticeSamplerType", "FRG_LATTICE_SAMPLER_", NULL};

typedef struct {
  MPI_Comm comm;
  FrgLattice lattice;
  FrgOutput output;
  FrgLatticeFlow flow;
  FrgLatticeTableType table_type;
  FrgLatticeSamplerType sampler_type;
  FrgLatticePotentialTable table;
  PetscInt count, seed, levels, save_max, saves, first, local;
  PetscReal s_max, s_min;
  PetscReal *magnetization, *log_weight, *saved; /* [local], [local], [local saves][V] */
  FrgLatticeProxStats stats;
  double seconds;
} FrgLatticeSampleTask;

typedef struct {
  double value[3], error[3];      /* weighted: |M|, chi, Binder */
  double raw[3], raw_error[3];    /* unweighted */
  double log_z, log_z_error, ess; /* ln mean(w) and its error; effective sample size */
  double exact[3], exact_log_z;   /* lambda = 0, else NaN */
  long failures;
} FrgLatticeSampleResults;

static PetscErrorCode FrgLatticeSampleCreate(MPI_Comm comm, FrgLatticeSampleTask *t)
{
  PetscEnum table = (PetscEnum)FRG_LATTICE_TABLE_FLOW, sampler = (PetscEnum)FRG_LATTICE_SAMPLER_ODE;

  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(t, sizeof(*t)));
  t->comm     = comm;
  t->count    = 10000;
  t->seed     = 1;
  t->levels   = 40;
  t->s_max    = 100;
  t->s_min    = 1e-4;
  t->save_max = 100;
  PetscCall(FrgLatticeSetFromOptions(comm, &t->lattice));
  PetscCall(FrgOutputCreate(comm, &t->output));
  PetscCall(FrgOutputSetFromOptions(t->output));
  PetscOptionsBegin(comm, NULL, "FRG-driven sampler of lattice phi^4 (-task lattice_sample)", "FrgLatticeSample");
  PetscCall(FrgOptionsInt("-sample_count", "Independent samples (spread over the ranks)", t->count, &t->count, NULL, 2, 1000000000));
  PetscCall(FrgOptionsInt("-sample_seed", "Seed of the counter-based random numbers (Philox-4x32-10)", t->seed, &t->seed, NULL, 0, PETSC_MAX_INT));
  PetscCall(FrgOptionsInt("-sample_levels", "Noise levels s of the reverse process (geometric from -sample_s_max to -sample_s_min, then s = 0)",
                            t->levels, &t->levels, NULL, 1, 100000));
  PetscCall(FrgOptionsRealAbove("-sample_s_max", "Largest noise variance (the start is N(0, s_max))", t->s_max, &t->s_max, NULL, 0, FRG_REAL_MAX));
  PetscCall(FrgOptionsRealAbove("-sample_s_min", "Smallest positive noise variance (the last step denoises from it)", t->s_min, &t->s_min, NULL, 0, FRG_REAL_MAX));
  PetscCall(FrgOptionsEnum("-sample_sampler", "Reverse process: probability-flow ODE (exact density) or SDE (exact path weight)", FrgLatticeSamplerTypes,
                             sampler, &sampler, NULL));
  PetscCall(FrgOptionsEnum("-sample_table", "Potential U_s: the LPA flow of -model lattice, or the bare site potential at every s (exact at lambda = 0 only)", FrgLatticeTableTypes, table, &table, NULL));
  PetscCall(FrgOptionsInt("-sample_save_max", "Configurations stored in /samples/configurations (the first ones)", t->save_max, &t->save_max, NULL, 0, 1000000000));
  PetscOptionsEnd();
  t->table_type   = (FrgLatticeTableType)table;
  t->sampler_type = (FrgLatticeSamplerType)sampler;
  PetscCheck(t->count >= 2 && t->count <= 1000000000, comm, PETSC_ERR_USER_INPUT, "-sample_count must lie in [2, 1e9], got %" PetscInt_FMT, t->count);
  PetscCheck(t->seed >= 0, comm, PETSC_ERR_USER_INPUT, "-sample_seed must be >= 0, got %" PetscInt_FMT, t->seed);
  PetscCheck(t->levels >= 1 && t->levels <= 100000, comm, PETSC_ERR_USER_INPUT, "-sample_levels must lie in [1, 100000], got %" PetscInt_FMT, t->levels);
  PetscCheck(t->s_min > 0 && PetscIsNormalReal(t->s_min), comm, PETSC_ERR_USER_INPUT, "-sample_s_min must be a positive number, got %g", (double)t->s_min);
  PetscCheck(t->s_max > 0 && PetscIsNormalReal(t->s_max), comm, PETSC_ERR_USER_INPUT, "-sample_s_max must be a positive number, got %g", (double)t->s_max);
  PetscCheck(t->levels == 1 ? t->s_max == t->s_min || t->s_max >= t->s_min : t->s_max > t->s_min, comm, PETSC_ERR_USER_INPUT,
             "-sample_s_max %g must exceed -sample_s_min %g", (double)t->s_max, (double)t->s_min);
  PetscCheck(t->save_max >= 0, comm, PETSC_ERR_USER_INPUT, "-sample_save_max must be >= 0, got %" PetscInt_FMT, t->save_max);
  if (t->table_type == FRG_LATTICE_TABLE_FLOW) PetscCall(FrgLatticeFlowCreate(comm, &t->flow));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The table: levels s_0 = s_max > ... > s_{K-1} = s_min, geometric. */
static PetscErrorCode FrgLatticeSampleTable(FrgLatticeSampleTask *t)
{
  FrgLatticePotentialTable *tab = &t->table;
  const PetscInt K              = t->levels;

  PetscFunctionBeginUser;
  tab->levels = (int)K;
  PetscCall(PetscMalloc1(K, &tab->s));
  for (PetscInt k = 0; k < K; k++) tab->s[k] = K == 1 ? t->s_max : t->s_max * PetscPowReal(t->s_min / t->s_max, (PetscReal)k / (K - 1));
  if (K > 1) tab->s[K - 1] = t->s_min;
  if (t->table_type == FRG_LATTICE_TABLE_FLOW) {
    PetscCall(FrgLatticeFlowSetUp(&t->flow));
    PetscCall(PetscMalloc2((size_t)K * (2 * t->flow.cells - 1), &tab->slope, (size_t)K * (2 * t->flow.cells - 1), &tab->curvature));
    PetscCall(FrgLatticeFlowSolve(&t->flow, &t->lattice, tab));
  } else { /* the bare potential on [-phi_max, phi_max], beyond it continued linearly as any table is */
    tab->points = 801, tab->h = 0.01, tab->phi0 = -4;
    PetscCall(PetscMalloc2((size_t)K * tab->points, &tab->slope, (size_t)K * tab->points, &tab->curvature));
    FrgLatticePotentialFillBare(tab, &t->lattice);
    for (PetscInt k = 0; k < K; k++) {
      const double margin = FrgLatticePotentialMargin(tab, &t->lattice, (int)k);
      PetscCheck(
          margin > 0, t->comm, PETSC_ERR_USER_INPUT,
          "-sample_table bare: the proximal problem at s = %g is not convex (min of U'' + 1/s - 8|kappa| = %g): lower -sample_s_max or use -sample_table flow",
          (double)tab->s[k], margin);
    }
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode FrgLatticeSampleDraw(FrgLatticeSampleTask *t)
{
  const long V = t->lattice.volume;
  FrgLatticeSampler sp;
  FrgLatticeBand band;
  PetscReal *x, *work;
  double start;

  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(&sp, sizeof(sp)));
  sp.lattice = &t->lattice, sp.table = &t->table, sp.type = t->sampler_type, sp.seed = (uint64_t)t->seed;
  PetscCheck(!FrgLatticeBandInit(&band, &t->lattice), PETSC_COMM_SELF, PETSC_ERR_MEM, "band Cholesky allocation failed");
  PetscCall(PetscMalloc2(V, &x, FrgLatticeSamplerWorkSize(&t->lattice), &work));
  PetscCallMPI(MPI_Barrier(t->comm));
  start = MPI_Wtime();
  for (PetscInt i = 0; i < t->local; i++) {
    const PetscInt index = t->first + i;
    double lw;
    (void)FrgLatticeSamplerDraw(&sp, &band, (uint64_t)index, x, &lw, work, &t->stats); /* failures: lw = -inf, counted */
    t->log_weight[i]    = lw;
    t->magnetization[i] = FrgLatticeMagnetization(&t->lattice, x);
    if (index < t->saves) PetscCall(PetscArraycpy(t->saved + i * V, x, V));
  }
  t->seconds = MPI_Wtime() - start;
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &t->seconds, 1, MPI_DOUBLE, MPI_MAX, t->comm));
  FrgLatticeBandFree(&band);
  PetscCall(PetscFree2(x, work));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Means of (|M|, M^2, M^4) with weights w and the three derived observables with delta-method errors:
 * the influence of sample i on a ratio mean is w_i (f_i - mean)/sum w. */
static void FrgLatticeWeightedEstimates(PetscInt n, const double *w, const double *m, double volume, double value[3], double error[3])
{
  FrgGammaFunction f[3]              = {FrgLatticeAbsMagnetization, FrgLatticeSusceptibility, FrgLatticeBinder};
  double mean[FRG_LATTICE_PRIMARIES] = {0}, total = 0, p[FRG_LATTICE_PRIMARIES];

  for (PetscInt i = 0; i < n; i++) {
    FrgLatticePrimaries(m[i], p);
    total += w[i];
    for (int a = 0; a < FRG_LATTICE_PRIMARIES; a++) mean[a] += w[i] * p[a];
  }
  for (int a = 0; a < FRG_LATTICE_PRIMARIES; a++) mean[a] /= total;
  for (int q = 0; q < 3; q++) {
    double g[FRG_LATTICE_PRIMARIES], var = 0;
    value[q] = f[q](mean, &volume, g);
    for (PetscInt i = 0; i < n; i++) {
      double psi = 0;
      FrgLatticePrimaries(m[i], p);
      for (int a = 0; a < FRG_LATTICE_PRIMARIES; a++) psi += g[a] * (p[a] - mean[a]);
      psi *= w[i] / total;
      var += psi * psi;
    }
    error[q] = sqrt(var * n / (n - 1.0));
  }
}

/* ln Z at lambda = 0: V/2 ln(2 pi) - 1/2 sum_q ln(2 - 4 kappa sum_mu cos q_mu). */
static double FrgLatticeGaussianLogZ(const FrgLattice *lat)
{
  const double two_pi = 6.283185307179586;
  double sum          = 0;

  for (int a = 0; a < lat->L; a++)
    for (int b = 0; b < lat->L; b++) sum += log(2 - 4 * lat->kappa * (cos(two_pi * a / lat->L) + cos(two_pi * b / lat->L)));
  return 0.5 * lat->volume * log(two_pi) - 0.5 * sum;
}

static PetscErrorCode FrgLatticeSampleAnalyze(FrgLatticeSampleTask *t, FrgLatticeSampleResults *r)
{
  const PetscInt n = t->count;
  PetscMPIInt rank;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(t->comm, &rank));
  PetscCall(PetscMemzero(r, sizeof(*r)));
  if (!rank) {
    PetscReal *m, *lw, *w, *ones;
    double top = -INFINITY, sum = 0, sum2 = 0;
    PetscCall(PetscMalloc4(n, &m, n, &lw, n, &w, n, &ones));
    PetscCall(FrgLatticeGatherRows(t->comm, n, 1, t->magnetization, m));
    PetscCall(FrgLatticeGatherRows(t->comm, n, 1, t->log_weight, lw));
    for (PetscInt i = 0; i < n; i++) top = fmax(top, lw[i]), r->failures += !(lw[i] > -INFINITY);
    for (PetscInt i = 0; i < n; i++) w[i] = exp(lw[i] - top), ones[i] = 1, sum += w[i], sum2 += w[i] * w[i];
    FrgLatticeWeightedEstimates(n, w, m, (double)t->lattice.volume, r->value, r->error);
    FrgLatticeWeightedEstimates(n, ones, m, (double)t->lattice.volume, r->raw, r->raw_error);
    r->ess         = sum * sum / sum2;
    r->log_z       = top + log(sum / n);
    r->log_z_error = sqrt(fmax(sum2 / n - (sum / n) * (sum / n), 0) / (n - 1.0)) / (sum / n);
    PetscCall(PetscFree4(m, lw, w, ones));
  } else {
    PetscCall(FrgLatticeGatherRows(t->comm, n, 1, t->magnetization, NULL));
    PetscCall(FrgLatticeGatherRows(t->comm, n, 1, t->log_weight, NULL));
  }
  PetscCallMPI(MPI_Bcast(r, sizeof(*r), MPI_BYTE, 0, t->comm));
  if (t->lattice.lambda == 0) {
    FrgLatticeGaussianExact(&t->lattice, &r->exact[0], &r->exact[1], &r->exact[2]);
    r->exact_log_z = FrgLatticeGaussianLogZ(&t->lattice);
  } else
    r->exact[0] = r->exact[1] = r->exact[2] = r->exact_log_z = NAN;
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode FrgLatticeSamplePrintLine(MPI_Comm comm, const char *name, double value, double error, double raw, double raw_error, double exact)
{
  PetscFunctionBeginUser;
  PetscCall(PetscPrintf(comm, "  %-8s weighted %.8g +- %.2e   raw %.8g +- %.2e", name, value, error, raw, raw_error));
  if (exact == exact) PetscCall(PetscPrintf(comm, "   exact %.8g (weighted %+.2f s.e.)", exact, error > 0 ? (value - exact) / error : 0.0));
  PetscCall(PetscPrintf(comm, "\n"));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode FrgLatticeSamplePrint(FrgLatticeSampleTask *t, const FrgLatticeSampleResults *r)
{
  MPI_Comm comm = t->comm;
  const char *name;
  PetscMPIInt size;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_size(comm, &size));
  PetscCall(FrgOutputGetName(t->output, &name));
  PetscCall(PetscPrintf(comm, "\nfrg lattice_sample summary (%s)\n", name));
  PetscCall(PetscPrintf(comm, "  lattice  %d x %d periodic, kappa = %g, lambda = %g%s\n", t->lattice.L, t->lattice.L, t->lattice.kappa, t->lattice.lambda,
                        t->lattice.lambda == 0 ? " (Gaussian: exact values below)" : ""));
  PetscCall(PetscPrintf(comm, "  table    %s, %" PetscInt_FMT " levels s = %g .. %g, %d points of h = %g", FrgLatticeTableTypes[t->table_type], t->levels,
                        (double)t->s_max, (double)t->s_min, t->table.points, t->table.h));
  if (t->table_type == FRG_LATTICE_TABLE_FLOW)
    PetscCall(PetscPrintf(comm, "; LPA flow of %" PetscInt_FMT " cells from s = %g: %ld steps, %.3f s", t->flow.cells, (double)t->flow.s_uv,
                          t->flow.stats.steps, t->flow.seconds));
  PetscCall(PetscPrintf(comm, "\n  sampler  %s, %" PetscInt_FMT " samples on %d rank%s, seed %" PetscInt_FMT "; %ld failed proximal solves\n",
                        FrgLatticeSamplerTypes[t->sampler_type], t->count, size, size > 1 ? "s" : "", t->seed, r->failures));
  PetscCall(PetscPrintf(comm, "  weights  effective sample size %.1f of %" PetscInt_FMT " (%.3f); ln Z = %.8g +- %.2e", r->ess, t->count, r->ess / t->count,
                        r->log_z, r->log_z_error));
  if (r->exact_log_z == r->exact_log_z)
    PetscCall(PetscPrintf(comm, "   exact %.8g (%+.2f s.e.)", r->exact_log_z, (r->log_z - r->exact_log_z) / r->log_z_error));
  PetscCall(PetscPrintf(comm, "\n"));
  PetscCall(FrgLatticeSamplePrintLine(comm, "<|M|>", r->value[0], r->error[0], r->raw[0], r->raw_error[0], r->exact[0]));
  PetscCall(FrgLatticeSamplePrintLine(comm, "chi", r->value[1], r->error[1], r->raw[1], r->raw_error[1], r->exact[1]));
  PetscCall(FrgLatticeSamplePrintLine(comm, "Binder", r->value[2], r->error[2], r->raw[2], r->raw_error[2], r->exact[2]));
  PetscCall(PetscPrintf(comm, "  cost     %.3f s sampling; %.3g s per sample; %.3g CPU s per effective sample\n", t->seconds, t->seconds * size / t->count,
                        t->seconds * size / r->ess));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode FrgLatticeSampleWrite(FrgLatticeSampleTask *t, const FrgLatticeSampleResults *r)
{
  const hsize_t L = (hsize_t)t->lattice.L, one[1] = {(hsize_t)t->count}, conf[3] = {(hsize_t)t->saves, L, L};
  hid_t group, file = t->output->file;
  PetscMPIInt size;
  const char *snames[] = {"abs_magnetization",
                          "abs_magnetization_error",
                          "susceptibility",
                          "susceptibility_error",
                          "binder",
                          "binder_error",
                          "raw_abs_magnetization",
                          "raw_abs_magnetization_error",
                          "raw_susceptibility",
                          "raw_susceptibility_error",
                          "raw_binder",
                          "raw_binder_error",
                          "log_z",
                          "log_z_error",
                          "effective_samples",
                          "failures",
                          "newton_iterations",
                          "wall_seconds",
                          "exact_abs_magnetization",
                          "exact_susceptibility",
                          "exact_binder",
                          "exact_log_z"};
  const char *pnames[] = {"lattice_L",   "lattice_kappa", "lattice_lambda", "volume",       "sample_count",
                          "sample_seed", "sample_levels", "sample_s_max",   "sample_s_min", "ranks"};
  PetscReal v[22], p[10];
  long newton = t->stats.newton_iterations;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_size(t->comm, &size));
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &newton, 1, MPI_LONG, MPI_SUM, t->comm));
  PetscCall(FrgH5OpenGroup(t->comm, file, "/samples", &group));
  FrgCallHDF5(t->comm, H5Gclose(group));
  PetscCall(FrgLatticeWriteRows(t->comm, file, "/samples/magnetization", 1, one, t->first, t->local, t->magnetization, "M = V^-1 sum_x phi_x of each sample"));
  PetscCall(
      FrgLatticeWriteRows(t->comm, file, "/samples/log_weight", 1, one, t->first, t->local, t->log_weight,
                          "ln(e^{-S}/q) of each sample (q: the sampler's exact density, or the path ratio for the SDE); -inf if a proximal solve failed"));
  PetscCall(FrgLatticeWriteRows(t->comm, file, "/samples/configurations", 3, conf, PetscMin(t->first, t->saves),
                                PetscMax(0, PetscMin(t->local, t->saves - t->first)), t->saved, "the first configurations phi[x1][x0] (site x0 + L x1)"));
  for (int q = 0; q < 3; q++) {
    v[2 * q] = r->value[q], v[2 * q + 1] = r->error[q], v[6 + 2 * q] = r->raw[q], v[7 + 2 * q] = r->raw_error[q];
    v[18 + q] = r->exact[q];
  }
  v[12] = r->log_z, v[13] = r->log_z_error, v[14] = r->ess, v[15] = (PetscReal)r->failures, v[16] = (PetscReal)newton, v[17] = t->seconds,
  v[21] = r->exact_log_z;
  PetscCall(FrgOutputWriteAttributes(t->output, "/summary", snames, v, t->lattice.lambda == 0 ? 22 : 18));
  p[0] = t->lattice.L, p[1] = t->lattice.kappa, p[2] = t->lattice.lambda, p[3] = (PetscReal)t->lattice.volume, p[4] = (PetscReal)t->count,
  p[5] = (PetscReal)t->seed;
  p[6] = (PetscReal)t->levels, p[7] = t->s_max, p[8] = t->s_min, p[9] = size;
  PetscCall(FrgOutputWriteAttributes(t->output, "/parameters", pnames, p, 10));
  PetscCall(FrgOutputWriteStringAttribute(t->output, "/parameters", "task", "lattice_sample"));
  PetscCall(FrgOutputWriteStringAttribute(t->output, "/parameters", "sample_sampler", FrgLatticeSamplerTypes[t->sampler_type]));
  PetscCall(FrgOutputWriteStringAttribute(t->output, "/parameters", "sample_table", FrgLatticeTableTypes[t->table_type]));
  { /* the table (every rank holds the same: rank 0's block is the whole) */
    PetscMPIInt rank;
    const hsize_t ds[1] = {(hsize_t)t->levels}, dt[2] = {(hsize_t)t->levels, (hsize_t)t->table.points};
    PetscCallMPI(MPI_Comm_rank(t->comm, &rank));
    PetscCall(FrgH5OpenGroup(t->comm, file, "/table", &group));
    FrgCallHDF5(t->comm, H5Gclose(group));
    PetscCall(FrgLatticeWriteRows(t->comm, file, "/table/s", 1, ds, 0, rank ? 0 : t->levels, t->table.s, "noise variances s of the levels"));
    PetscCall(FrgLatticeWriteRows(t->comm, file, "/table/slope", 2, dt, 0, rank ? 0 : t->levels, t->table.slope, "U_s'(phi0 + j h) per level"));
    PetscCall(FrgLatticeWriteRows(t->comm, file, "/table/curvature", 2, dt, 0, rank ? 0 : t->levels, t->table.curvature, "U_s''(phi0 + j h) per level"));
    PetscCall(FrgOutputWriteAttributes(t->output, "/table", (const char *[]){"phi0", "h"}, (PetscReal[]){t->table.phi0, t->table.h}, 2));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode FrgLatticeSampleDestroy(FrgLatticeSampleTask *t)
{
  PetscFunctionBeginUser;
  if (t->table_type == FRG_LATTICE_TABLE_FLOW) PetscCall(FrgLatticeFlowDestroy(&t->flow));
  PetscCall(FrgOutputDestroy(&t->output));
  PetscCall(PetscFree(t->table.s));
  PetscCall(PetscFree2(t->table.slope, t->table.curvature));
  PetscCall(PetscFree3(t->magnetization, t->log_weight, t->saved));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PETSC_EXTERN PetscErrorCode FrgTaskLatticeSample(MPI_Comm comm)
{
  FrgLatticeSampleTask t;
  FrgLatticeSampleResults r;
  PetscBool help;

  PetscFunctionBeginUser;
  PetscCall(FrgStagePush(FRG_STAGE_SETUP));
  PetscCall(FrgLatticeSampleCreate(comm, &t));
  PetscCall(FrgStagePop());
  PetscCall(FrgHelpRequested(&help));
  if (!help) {
    PetscCall(FrgCheckUnusedOptions(comm));
    PetscCall(FrgLatticeDistribute(comm, t.count, &t.first, &t.local));
    t.saves = PetscMin(t.save_max, t.count);
    PetscCall(PetscMalloc3(PetscMax(t.local, 1), &t.magnetization, PetscMax(t.local, 1), &t.log_weight, PetscMax(t.local * t.lattice.volume, 1), &t.saved));
    PetscCall(FrgOutputOpen(t.output));
    PetscCall(FrgStagePush(FRG_STAGE_INTEGRATE));
    PetscCall(FrgLatticeSampleTable(&t));
    PetscCall(FrgLatticeSampleDraw(&t));
    PetscCall(FrgStagePop());
    PetscCall(FrgStagePush(FRG_STAGE_REPORT));
    PetscCall(FrgLatticeSampleAnalyze(&t, &r));
    PetscCall(FrgLatticeSamplePrint(&t, &r));
    PetscCall(FrgLatticeSampleWrite(&t, &r));
    PetscCall(FrgOutputClose(t.output, PETSC_TRUE));
    PetscCall(FrgStagePop());
  }
  PetscCall(FrgLatticeSampleDestroy(&t));
  PetscFunctionReturn(PETSC_SUCCESS);
}
