/* Task "sample": draws samples of the target e^{-S} of -model field with the exact score from the flow
 * (doc/physics.md 2.3) by reverse-time diffusion, and compares them with the exact answer.
 *   1. one flow over the whole noise range gives the O(1) score table (src/diffusion/score.c);
 *   2. particles are spread over all ranks (contiguous blocks of the global index); their random
 *      numbers come from Philox keyed by (-sample_seed, particle index, step), so the samples do not
 *      depend on the number of ranks;
 *   3. the start at s_max is the Laplace approximation of p_{s_max} read off the flow's own score
 *      there: mean m where S(m, s_max) = 0 and variance -1/S'(m) (p_{s_max} is Gaussian up to
 *      O(kappa_4/s_max^2)); then -sampler em|heun|pf_ode down to s_min (include/frg/diffusion.h);
 *   4. the comparison report (src/diffusion/report.c) and /samples in HDF5. */
#include "sampler.h"
#include <frg/options.h>
#include <time.h>

#define FRG_SAMPLE_BLOCK 1024

const char *const FrgSamplerTypes[]  = {"em", "heun", "pf_ode", "FrgSampler", "FRG_SAMPLER_", NULL};
const char *const FrgScheduleTypes[] = {"geometric", "edm", "FrgSchedule", "FRG_SCHEDULE_", NULL};

static PetscErrorCode FrgSampleSetFromOptions(FrgSampleTask *st)
{
  PetscEnum sampler = (PetscEnum)st->sampler, schedule = (PetscEnum)st->schedule;
  PetscInt n = (PetscInt)PETSC_STATIC_ARRAY_LENGTH(st->check_s);
  PetscBool set;

  PetscFunctionBeginUser;
  PetscOptionsBegin(st->comm, NULL, "Sampling with the score from the flow", "FrgSample");
  PetscCall(FrgOptionsInt("-sample_count", "Number of samples (spread over all ranks)", st->count, &st->count, NULL, 1, FRG_COUNT_MAX));
  PetscCall(FrgOptionsEnum("-sampler", "Sampler: reverse SDE (em), probability-flow ODE by Heun (heun) or adaptive RK3(2) (pf_ode)", FrgSamplerTypes,
                             sampler, &sampler, NULL));
  PetscCall(FrgOptionsInt("-sample_steps", "Steps of the em and heun samplers", st->steps, &st->steps, NULL, 1, FRG_COUNT_MAX));
  PetscCall(FrgOptionsEnum("-sample_schedule", "Noise schedule of the em and heun samplers", FrgScheduleTypes, schedule, &schedule, NULL));
  PetscCall(FrgOptionsRealAbove("-sample_s_max", "Largest noise variance s (start of sampling)", st->s_max, &st->s_max, NULL, 0, FRG_REAL_MAX));
  PetscCall(FrgOptionsRealAbove("-sample_s_min", "Smallest noise variance s (end of sampling)", st->s_min, &st->s_min, NULL, 0, FRG_REAL_MAX));
  PetscCall(FrgOptionsInt("-sample_seed", "Seed of the counter-based random numbers (Philox-4x32-10)", st->seed, &st->seed, NULL, 0, PETSC_MAX_INT));
  PetscCall(FrgOptionsRealAbove("-sample_rtol", "Relative tolerance of the adaptive pf_ode sampler", st->rtol, &st->rtol, NULL, 0, 1));
  PetscCall(FrgOptionsInt("-sample_floor_replicas", "Replicas of exact i.i.d. samples (inverse CDF) that estimate the W1/KS floor", st->floor_replicas,
                            &st->floor_replicas, NULL, 1, 10000));
  PetscCall(FrgOptionsInt("-target_quadrature_nodes", "Simpson nodes of the exact target on [-grid_phi_max, grid_phi_max]", st->nodes, &st->nodes, NULL, 101, FRG_COUNT_MAX));
  PetscCall(FrgOptionsRealArray("-score_check_s", "Noise levels at which the score is compared with the exact Tweedie score", st->check_s, &n, &set, 0, FRG_REAL_MAX));
  PetscOptionsEnd();
  if (set) st->ncheck = n;
  st->sampler  = (FrgSampler)sampler;
  st->schedule = (FrgSchedule)schedule;
  PetscCheck(st->count > 0, st->comm, PETSC_ERR_USER_INPUT, "-sample_count must be positive, got %" PetscInt_FMT, st->count);
  PetscCheck(st->steps > 0, st->comm, PETSC_ERR_USER_INPUT, "-sample_steps must be positive, got %" PetscInt_FMT, st->steps);
  PetscCheck(st->rtol > 0 && st->rtol < 1, st->comm, PETSC_ERR_USER_INPUT, "-sample_rtol must lie in (0, 1), got %g", (double)st->rtol);
  PetscCheck(st->seed >= 0, st->comm, PETSC_ERR_USER_INPUT, "-sample_seed must be >= 0, got %" PetscInt_FMT, st->seed);
  PetscCheck(st->floor_replicas >= 1, st->comm, PETSC_ERR_USER_INPUT, "-sample_floor_replicas must be >= 1, got %" PetscInt_FMT, st->floor_replicas);
  for (PetscInt i = 0; i < st->ncheck; i++)
    PetscCheck(st->check_s[i] >= st->s_min && st->check_s[i] <= st->s_max && (i == 0 || st->check_s[i] > st->check_s[i - 1]), st->comm, PETSC_ERR_USER_INPUT,
               "-score_check_s must increase and lie in [-sample_s_min, -sample_s_max] = [%g, %g], got %g", (double)st->s_min, (double)st->s_max,
               (double)st->check_s[i]);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Defaults of the flow options from the sampler's: a zero-dimensional flow (-d 0) whose noise range
 * s = 1/k^2 in [1/Lambda^2, exp(2 t_IR)/Lambda^2] holds [-sample_s_min, -sample_s_max] with a factor 4
 * to spare at each end, unless the user set -d, -Lambda or -t_ir. Written into the options database,
 * so /provenance and -help show them. Collective (every rank sees the same database). */
static PetscErrorCode FrgSampleFlowDefaults(MPI_Comm comm, PetscReal s_min, PetscReal s_max)
{
  PetscBool set;
  PetscReal Lambda = 1.0;
  char      value[64], model[64] = "on";

  PetscFunctionBeginUser;
  PetscCall(PetscOptionsGetString(NULL, NULL, "-model", model, sizeof(model), NULL));
  PetscCall(PetscOptionsHasName(NULL, NULL, "-d", &set));
  /* only the models the sampler takes (others are refused by name in FrgScoreFlowCreate) */
  if (!set && (!strcmp(model, "on") || !strcmp(model, "field"))) PetscCall(PetscOptionsSetValue(NULL, "-d", "0"));
  PetscCall(PetscOptionsGetReal(NULL, NULL, "-sample_s_min", &s_min, NULL));
  PetscCall(PetscOptionsGetReal(NULL, NULL, "-sample_s_max", &s_max, NULL));
  if (!(s_min > 0 && s_max > s_min && s_max <= FRG_REAL_MAX)) PetscFunctionReturn(PETSC_SUCCESS); /* reported later, by name */
  PetscCall(PetscOptionsHasName(NULL, NULL, "-Lambda", &set)); /* "-Lambda" without a value: refused by name later */
  if (set) PetscCall(PetscOptionsGetReal(NULL, NULL, "-Lambda", &Lambda, NULL));
  else {
    Lambda = 2.0 / PetscSqrtReal(s_min);
    PetscCall(PetscSNPrintf(value, sizeof(value), "%.17g", (double)Lambda));
    PetscCall(PetscOptionsSetValue(NULL, "-Lambda", value));
  }
  PetscCall(PetscOptionsHasName(NULL, NULL, "-t_ir", &set));
  if (!set && Lambda > 0) {
    PetscCall(PetscSNPrintf(value, sizeof(value), "%.17g", 0.5 * PetscLogReal(4.0 * Lambda * Lambda * s_max)));
    PetscCall(PetscOptionsSetValue(NULL, "-t_ir", value));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode FrgSampleCreate(MPI_Comm comm, FrgSampleTask *st)
{
  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(st, sizeof(*st)));
  st->comm           = comm;
  st->count          = 10000;
  st->steps          = 64;
  st->sampler        = FRG_SAMPLER_HEUN;
  st->schedule       = FRG_SCHEDULE_EDM;
  st->s_max          = 1e3;
  st->s_min          = 1e-4;
  st->seed           = 1;
  st->rtol           = 1e-6;
  st->floor_replicas = 16;
  st->nodes          = 20001;
  PetscCall(FrgSampleFlowDefaults(comm, st->s_min, st->s_max));
  PetscCall(FrgScoreFlowCreate(comm, &st->flow));
  PetscCall(FrgOutputCreate(comm, &st->output));
  PetscCall(FrgOutputSetFromOptions(st->output));
  PetscCall(FrgSampleSetFromOptions(st));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* After -help and the unused-option check: what depends on the noise range, and the particles. */
static PetscErrorCode FrgSampleSetUp(FrgSampleTask *st)
{
  PetscMPIInt rank, size;
  PetscInt ncheck = 0;
  MPI_Comm comm   = st->comm;

  PetscFunctionBeginUser;
  if (st->flow.radial) {
    PetscCheck(!st->flow.density, comm, PETSC_ERR_USER_INPUT, "-score_source density is implemented for -model field only");
    st->ncheck = 0; /* the exact Tweedie score of an N-component target is not implemented */
  } else if (!st->ncheck)
    for (PetscReal s = 1e-2; s <= 1e2 * (1 + 1e-9); s *= 10)
      if (s >= st->s_min && s <= st->s_max) st->check_s[ncheck++] = s, st->ncheck = ncheck;
  PetscCall(FrgScoreFlowSetRange(&st->flow, st->s_min, st->s_max, "-sample_s_min", "-sample_s_max"));
  PetscCall(FrgScoreFlowSetSnapshots(&st->flow, st->ncheck, st->check_s));
  if (st->sampler != FRG_SAMPLER_PF_ODE) {
    PetscReal *s;
    PetscCall(PetscMalloc1(st->steps + 1, &s));
    for (PetscInt k = 0; k <= st->steps; k++) s[k] = FrgScheduleVariance(st->schedule, st->s_max, st->s_min, (int)st->steps, (int)k);
    PetscCall(FrgScoreFlowSetSteps(&st->flow, st->steps + 1, s));
    PetscCall(PetscFree(s));
  }
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCallMPI(MPI_Comm_size(comm, &size));
  st->local = st->count / size + (rank < st->count % size ? 1 : 0);
  st->first = rank * (st->count / size) + PetscMin(rank, st->count % size);
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode FrgSampleDestroy(FrgSampleTask *st)
{
  PetscFunctionBeginUser;
  PetscCall(FrgScoreFlowDestroy(&st->flow));
  PetscCall(FrgOutputDestroy(&st->output));
  PetscCall(FrgTargetDestroy(&st->target));
  PetscCall(PetscFree3(st->x, st->x_start, st->radius));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Laplace approximation of p_{s_max} from the flow's score: Newton on S(m) = 0 with a centred
 * difference for S'. Identical on every rank (the table is). Not collective. */
static PetscErrorCode FrgSamplePrior(FrgSampleTask *st)
{
  const FrgScoreTable *t = st->flow.sampling;
  const PetscReal s = st->s_max, delta = 1e-3 * PetscSqrtReal(s);
  PetscReal m = 0.0, slope = -1.0 / s;

  PetscFunctionBeginUser;
  for (int it = 0; it < 50; it++) {
    const PetscReal S = FrgScoreTableLookup(t, m, s), step = -S / slope;
    slope = (FrgScoreTableLookup(t, m + delta, s) - FrgScoreTableLookup(t, m - delta, s)) / (2 * delta);
    PetscCheck(slope < 0, st->comm, PETSC_ERR_NOT_CONVERGED, "the score at -sample_s_max = %g is not decreasing near x = %g: raise -sample_s_max", (double)s,
               (double)m);
    m += -S / slope;
    if (PetscAbsReal(step) < 1e-14 * (1 + PetscAbsReal(m))) break;
  }
  st->prior_mean     = m;
  st->prior_variance = -1.0 / slope;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* O(N): the score S(r) x/r is radial, so the probability flow keeps each particle's direction and moves
 * its radius r by the 1D odd score (exactly the 1D steps on r); the reverse SDE adds N-component noise. */
static void FrgSampleLoopRadial(FrgSampleTask *st, long *evaluations)
{
  const FrgScoreTable *t = st->flow.sampling, *steps = &st->flow.steps;
  const int K = (int)st->steps, N = (int)st->flow.components;
  PetscReal *x = st->x;

  for (PetscInt b = 0; b < st->local; b += FRG_SAMPLE_BLOCK) {
    const PetscInt end = PetscMin(b + FRG_SAMPLE_BLOCK, st->local);
    for (int k = 0; k < (st->sampler == FRG_SAMPLER_PF_ODE ? 1 : K); k++) {
      const double s0 = FrgScheduleVariance(st->schedule, st->s_max, st->s_min, K, k), s1 = FrgScheduleVariance(st->schedule, st->s_max, st->s_min, K, k + 1);
      for (PetscInt i = b; i < end; i++) {
        double *xi = x + (size_t)i * N, r = 0, rnew;
        for (int c = 0; c < N; c++) r += xi[c] * xi[c];
        r = sqrt(r);
        if (st->sampler == FRG_SAMPLER_EM) {
          const double g = r > 0 ? (s0 - s1) * FrgScoreTableValue(steps, k, r) / r : 0.0;
          for (int c = 0; c < N; c += 2) {
            double z[2];
            FrgRandomNormal2((uint64_t)st->seed, (uint64_t)(st->first + i), (uint32_t)(k + 1), (uint32_t)(1 + c / 2), z);
            xi[c] += g * xi[c] + sqrt(s0 - s1) * z[0];
            if (c + 1 < N) xi[c + 1] += g * xi[c + 1] + sqrt(s0 - s1) * z[1];
          }
          continue;
        }
        rnew = r;
        if (st->sampler == FRG_SAMPLER_HEUN)
          rnew = FrgStepHeun(steps, k, sqrt(s0), sqrt(s1), r);
        else {
          const int n = FrgIntegratePFODE(t, sqrt(st->s_max), sqrt(st->s_min), st->rtol, 1e-3 * st->rtol, 100000, &rnew);
          *evaluations += 3 * (n < 0 ? -n : n) + 1;
          if (n < 0) st->pf_failures++;
        }
        for (int c = 0; c < N && r > 0; c++) xi[c] *= rnew / r;
      }
    }
  }
  if (st->sampler != FRG_SAMPLER_PF_ODE) *evaluations = (long)st->local * K * (st->sampler == FRG_SAMPLER_HEUN ? 2 : 1);
}

static void FrgSampleLoop(FrgSampleTask *st, long *evaluations)
{
  const FrgScoreTable *t = st->flow.sampling, *steps = &st->flow.steps;
  const uint64_t seed = (uint64_t)st->seed;
  const int K         = (int)st->steps;
  PetscReal *x        = st->x;

  *evaluations = 0;
  if (st->flow.radial) {
    FrgSampleLoopRadial(st, evaluations);
    return;
  }
  if (st->sampler == FRG_SAMPLER_PF_ODE) {
    for (PetscInt i = 0; i < st->local; i++) {
      const int n = FrgIntegratePFODE(t, PetscSqrtReal(st->s_max), PetscSqrtReal(st->s_min), st->rtol, 1e-3 * st->rtol, 100000, &x[i]);
      *evaluations += 3 * (n < 0 ? -n : n) + 1;
      if (n < 0) st->pf_failures++;
    }
    return;
  }
  /* blocks of particles stay in L1 while every step's table level (48 kB) stays in L2 */
  for (PetscInt b = 0; b < st->local; b += FRG_SAMPLE_BLOCK) {
    const PetscInt end = PetscMin(b + FRG_SAMPLE_BLOCK, st->local);
    for (int k = 0; k < K; k++) {
      const double s0 = FrgScheduleVariance(st->schedule, st->s_max, st->s_min, K, k), s1 = FrgScheduleVariance(st->schedule, st->s_max, st->s_min, K, k + 1);
      if (st->sampler == FRG_SAMPLER_EM) {
        for (PetscInt i = b; i < end; i++) {
          double z[2];
          FrgRandomNormal2(seed, (uint64_t)(st->first + i), (uint32_t)(k + 1), 1u, z);
          x[i] = FrgStepEM(steps, k, s0, s1, x[i], z[0]);
        }
      } else {
        const double sigma0 = sqrt(s0), sigma1 = sqrt(s1);
        for (PetscInt i = b; i < end; i++) x[i] = FrgStepHeun(steps, k, sigma0, sigma1, x[i]);
      }
    }
  }
  *evaluations = (long)st->local * K * (st->sampler == FRG_SAMPLER_HEUN ? 2 : 1);
}

static PetscErrorCode FrgSampleDraw(FrgSampleTask *st)
{
  const PetscInt N = st->flow.components;
  double start;
  clock_t cpu;
  long evaluations;

  PetscFunctionBeginUser;
  PetscCall(FrgSamplePrior(st));
  PetscCall(PetscMalloc3(PetscMax(N * st->local, 1), &st->x, PetscMax(N * st->local, 1), &st->x_start, PetscMax(st->local, 1), &st->radius));
  for (PetscInt i = 0; i < st->local; i++)
    for (PetscInt c = 0; c < N; c += 2) {
      double z[2];
      FrgRandomNormal2((uint64_t)st->seed, (uint64_t)(st->first + i), 0u, (uint32_t)(c / 2), z);
      for (PetscInt d = c; d < PetscMin(c + 2, N); d++)
        st->x[i * N + d] = st->x_start[i * N + d] = st->prior_mean + PetscSqrtReal(st->prior_variance) * z[d - c];
    }
  PetscCallMPI(MPI_Barrier(st->comm));
  start = MPI_Wtime();
  cpu   = clock();
  FrgSampleLoop(st, &evaluations);
  st->seconds_local = MPI_Wtime() - start;
  st->cpu_seconds   = (double)(clock() - cpu) / CLOCKS_PER_SEC;
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &st->cpu_seconds, 1, MPI_DOUBLE, MPI_MAX, st->comm));
  st->evaluations = evaluations;
  PetscCallMPI(MPI_Allreduce(&st->seconds_local, &st->seconds, 1, MPI_DOUBLE, MPI_MAX, st->comm));
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &st->pf_failures, 1, MPIU_INT, MPI_SUM, st->comm));
  PetscCheck(!st->pf_failures, st->comm, PETSC_ERR_NOT_CONVERGED,
             "-sampler pf_ode: %" PetscInt_FMT " particles needed more than 100000 steps: loosen -sample_rtol", st->pf_failures);
  /* what the statistics see: the sample itself (one field) or its radius |phi| (O(N)) */
  for (PetscInt i = 0; i < st->local; i++) {
    PetscReal r2 = 0;
    for (PetscInt c = 0; c < N; c++) r2 += st->x[i * N + c] * st->x[i * N + c];
    st->radius[i] = st->flow.radial ? PetscSqrtReal(r2) : st->x[i];
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode FrgTaskSample(MPI_Comm comm)
{
  FrgSampleTask st;
  PetscBool help;

  PetscFunctionBeginUser;
  PetscCall(FrgStagePush(FRG_STAGE_SETUP));
  PetscCall(FrgSampleCreate(comm, &st));
  PetscCall(FrgStagePop());
  PetscCall(FrgHelpRequested(&help));
  if (!help) {
    PetscCall(FrgCheckUnusedOptions(comm));
    PetscCall(FrgSampleSetUp(&st));
    PetscCall(FrgTargetCreate(st.flow.model, st.flow.phi_max, st.nodes, st.flow.radial, st.flow.components, &st.target));
    PetscCall(FrgStagePush(FRG_STAGE_INTEGRATE));
    PetscCall(FrgScoreFlowSolve(&st.flow));
    PetscCall(FrgSampleDraw(&st));
    PetscCall(FrgStagePop());
    PetscCall(FrgStagePush(FRG_STAGE_REPORT));
    PetscCall(FrgSampleReport(&st));
    PetscCall(FrgStagePop());
  }
  PetscCall(FrgSampleDestroy(&st));
  PetscFunctionReturn(PETSC_SUCCESS);
}
