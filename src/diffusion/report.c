/* The comparison report of task "sample": stdout and HDF5 /comparison, plus /samples and the flow.
 *   O(N) (-model on) the statistics are those of the radius |phi| (moments <phi^2>, <(phi^2)^2>, W1, KS), the
 *                   exact vertices at phi = 0; no Tweedie/Moreau checks, density route or OT map (1D only);
 *   exact           moments and vertices of p_0 = e^{-S}/Z by quadrature (src/diffusion/metrics.c); the
 *                   vertices at the mean from the cumulants k_n of phi (Legendre transform of W(j) = ln Z(j)):
 *                   Gamma2 = 1/k2, Gamma3 = -k3/k2^3, Gamma4 = -k4/k2^4 + 3 k3^2/k2^5;
 *   FRG             Gamma2..4 at the IR minimum of Gamma (u = 0) from a degree-6 polynomial whose cell
 *                   averages match the 7 cells around it (src/diffusion/vertices.c);
 *   samples         moments with standard errors sqrt(var(phi^k)/n); W1 and KS to the exact target beside
 *                   the i.i.d. floor: the mean (and spread) over -sample_floor_replicas sets of n exact
 *                   samples drawn by inverse CDF with the same Philox generator (another stream), the
 *                   replicas spread over the ranks (src/diffusion/floor.c);
 *                   mode weight P(phi < phi_b), phi_b the lowest interior minimum of p_0 (the mean if
 *                   p_0 is unimodal), with its binomial standard error;
 *   score           p_s-weighted error of the table's score against the exact Tweedie score at
 *                   -score_check_s, and the Moreau-envelope identity (src/diffusion/checks.c);
 *   OT map (pf samplers) the probability-flow map x(s_max) -> x(s_min) against the exact monotone map
 *                   F_0^{-1}(F_{s_max}(x)) for the first 1000 particles.
 * The floor replicas, the score checks and the exact map are dealt out over the ranks (FrgReportOwns in
 * report.h); the statistics of the samples are computed on rank 0 from the samples gathered in global
 * particle order. Either way they are identical on any number of ranks. */
#include "report.h"

static void FrgSampleMoments(const FrgSampleTask *st, const PetscReal *x, FrgComparison *c)
{
  double s1 = 0, s2 = 0, s4 = 0, s8 = 0, below = 0;
  const double n = (double)st->count;

  for (PetscInt i = 0; i < st->count; i++) {
    const double p2 = x[i] * x[i];
    s1 += x[i];
    s2 += p2;
    s4 += p2 * p2;
    s8 += p2 * p2 * p2 * p2;
    below += x[i] < c->mode_split;
  }
  c->sample_mean        = s1 / n;
  c->sample_mean_se     = PetscSqrtReal(PetscMax(s2 / n - c->sample_mean * c->sample_mean, 0) / n);
  c->sample_phi2        = s2 / n;
  c->sample_phi2_se     = PetscSqrtReal(PetscMax(s4 / n - c->sample_phi2 * c->sample_phi2, 0) / n);
  c->sample_phi4        = s4 / n;
  c->sample_phi4_se     = PetscSqrtReal(PetscMax(s8 / n - c->sample_phi4 * c->sample_phi4, 0) / n);
  c->mode_weight_sample = below / n;
  c->mode_weight_se     = PetscSqrtReal(c->mode_weight_exact * (1 - c->mode_weight_exact) / n);
}

/* phi_b: the interior minimum of p_0 with the largest mass on its smaller side; the mean if none. */
static void FrgTargetModeSplit(const FrgTarget *t, double mean, double *split, double *weight)
{
  double best = -1;

  *split = mean;
  for (int i = 1; i < t->n - 1; i++) {
    if (t->p[i] < t->p[i - 1] && t->p[i] <= t->p[i + 1] && t->p[i] > 1e-12) {
      const double mass = PetscMin(t->cdf[i], 1 - t->cdf[i]);
      if (mass > best) best = mass, *split = t->phi[i];
    }
  }
  *weight = FrgTargetCDF(t, *split);
}

static void FrgExactVertices(const FrgTarget *t, FrgComparison *c)
{
  const double m = FrgTargetMoment(t, 0, 1), k2 = FrgTargetMoment(t, m, 2), k3 = FrgTargetMoment(t, m, 3), k4 = FrgTargetMoment(t, m, 4) - 3 * k2 * k2;

  c->exact_mean   = m;
  c->exact_phi2   = FrgTargetMoment(t, 0, 2);
  c->exact_phi4   = FrgTargetMoment(t, 0, 4);
  c->exact_gamma2 = 1 / k2;
  c->exact_gamma3 = -k3 / (k2 * k2 * k2);
  c->exact_gamma4 = -k4 / (k2 * k2 * k2 * k2) + 3 * k3 * k3 / (k2 * k2 * k2 * k2 * k2);
}

/* O(N) (Koenigstein et al. 2022): Gamma2 = N/<phi^2>, Gamma4 = 3N^2/<phi^2>^2 [1 - N <(phi^2)^2>/((N+2) <phi^2>^2)] at
 * phi = 0; the target here is the density of the radius, so <phi^2> = <sigma^2>. */
static void FrgExactVerticesON(const FrgTarget *t, double N, FrgComparison *c)
{
  const double p2 = FrgTargetMoment(t, 0, 2), p4 = FrgTargetMoment(t, 0, 4);

  c->exact_mean   = FrgTargetMoment(t, 0, 1);
  c->exact_phi2   = p2;
  c->exact_phi4   = p4;
  c->exact_gamma2 = N / p2;
  c->exact_gamma3 = 0.0;
  c->exact_gamma4 = 3 * N * N / (p2 * p2) * (1 - N * p4 / ((N + 2) * p2 * p2));
}

/* Collective: the exact monotone map F_0^{-1}(F_{s_max}(x)) of the first min(n, 1000) starting points
 * (x_start of rank 0, broadcast: the first particles all live there), dealt out over the ranks. */
PetscErrorCode FrgSampleTransportExact(FrgSampleTask *st, const PetscReal *start, FrgReportArrays *a)
{
  PetscReal x0[FRG_OT_PARTICLES];
  PetscMPIInt rank, size;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(st->comm, &rank));
  PetscCallMPI(MPI_Comm_size(st->comm, &size));
  a->ot_count = PetscMin(st->count, FRG_OT_PARTICLES);
  if (!rank) PetscCall(PetscArraycpy(x0, start, a->ot_count));
  PetscCallMPI(MPI_Bcast(x0, (PetscMPIInt)a->ot_count, MPIU_REAL, 0, st->comm));
  for (PetscInt i = 0; i < a->ot_count; i++) {
    if (!FrgReportOwns(i, rank, size)) continue;
    const double F = FrgTargetSmoothedCDF(&st->target, x0[i], st->s_max);
    a->ot_exact[i] = FrgTargetQuantile(&st->target, PetscMin(PetscMax(F, 1e-300), 1 - 1e-16));
  }
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, a->ot_exact, (PetscMPIInt)a->ot_count, MPIU_REAL, MPI_SUM, st->comm));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Rank 0: the probability-flow map against the exact one, in particle order. */
static void FrgSampleTransportMap(const PetscReal *end, const FrgReportArrays *a, FrgComparison *c)
{
  double sum = 0, worst = 0;

  for (PetscInt i = 0; i < a->ot_count; i++) {
    sum += (end[i] - a->ot_exact[i]) * (end[i] - a->ot_exact[i]);
    worst = PetscMax(worst, PetscAbsReal(end[i] - a->ot_exact[i]));
  }
  c->ot_rms = PetscSqrtReal(sum / a->ot_count);
  c->ot_max = worst;
}

/* Rank 0: every statistic from the gathered samples. */
static PetscErrorCode FrgSampleCompare(FrgSampleTask *st, PetscReal *all, FrgComparison *c, FrgReportArrays *arrays)
{
  PetscReal *sorted;
  uint64_t *work;

  PetscFunctionBeginUser;
  if (st->flow.radial)
    FrgExactVerticesON(&st->target, (double)st->flow.components, c);
  else
    FrgExactVertices(&st->target, c);
  FrgTargetModeSplit(&st->target, c->exact_mean, &c->mode_split, &c->mode_weight_exact);
  FrgSampleMoments(st, all, c);
  if (arrays->ot_count) FrgSampleTransportMap(all, arrays, c);
  PetscCall(PetscMalloc2(st->count, &sorted, 2 * st->count, &work));
  PetscCall(PetscArraycpy(sorted, all, st->count));
  PetscCall(PetscLogEventBegin(FRG_EVENT_SAMPLE_SORT, 0, 0, 0, 0));
  FrgSortReals((long)st->count, sorted, work);
  FrgTargetDistances(&st->target, sorted, st->count, &c->w1, &c->ks);
  PetscCall(PetscLogEventEnd(FRG_EVENT_SAMPLE_SORT, 0, 0, 0, 0));
  PetscCall(PetscFree2(sorted, work));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Collective: the expensive checks that need no gathered samples, spread over the ranks. */
static PetscErrorCode FrgSampleCollective(FrgSampleTask *st, const PetscReal *start, FrgComparison *c, FrgReportArrays *arrays)
{
  PetscFunctionBeginUser;
  PetscCall(PetscLogEventBegin(FRG_EVENT_SAMPLE_FLOOR, 0, 0, 0, 0));
  PetscCall(FrgSampleFloor(st, c));
  PetscCall(PetscLogEventEnd(FRG_EVENT_SAMPLE_FLOOR, 0, 0, 0, 0));
  PetscCall(PetscLogEventBegin(FRG_EVENT_SAMPLE_CHECKS, 0, 0, 0, 0));
  PetscCall(FrgSampleScoreChecks(st, arrays));
  PetscCall(PetscLogEventEnd(FRG_EVENT_SAMPLE_CHECKS, 0, 0, 0, 0));
  PetscCall(PetscLogEventBegin(FRG_EVENT_SAMPLE_MAP, 0, 0, 0, 0));
  if (st->sampler != FRG_SAMPLER_EM && !st->flow.radial) PetscCall(FrgSampleTransportExact(st, start, arrays));
  PetscCall(PetscLogEventEnd(FRG_EVENT_SAMPLE_MAP, 0, 0, 0, 0));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode FrgSampleReport(FrgSampleTask *st)
{
  PetscMPIInt rank, size, *counts = NULL, *displs = NULL;
  PetscReal *all = NULL, *start = NULL;
  FrgComparison c;
  FrgReportArrays arrays;

  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(&c, sizeof(c)));
  PetscCall(PetscMemzero(&arrays, sizeof(arrays)));
  PetscCallMPI(MPI_Comm_rank(st->comm, &rank));
  PetscCallMPI(MPI_Comm_size(st->comm, &size));
  PetscCall(PetscMalloc2(size, &counts, size, &displs));
  for (PetscMPIInt r = 0; r < size; r++) {
    counts[r] = (PetscMPIInt)(st->count / size + (r < st->count % size ? 1 : 0));
    displs[r] = (PetscMPIInt)(r * (st->count / size) + PetscMin(r, st->count % size));
  }
  if (!rank) PetscCall(PetscMalloc2(st->count, &all, st->count, &start));
  PetscCallMPI(MPI_Gatherv(st->radius, (PetscMPIInt)st->local, MPIU_REAL, all, counts, displs, MPIU_REAL, 0, st->comm));
  if (!st->flow.radial) PetscCallMPI(MPI_Gatherv(st->x_start, (PetscMPIInt)st->local, MPIU_REAL, start, counts, displs, MPIU_REAL, 0, st->comm));
  PetscCall(FrgScoreFlowVertices(&st->flow, &c));
  PetscCall(FrgSampleCollective(st, start, &c, &arrays));
  if (!rank) PetscCall(FrgSampleCompare(st, all, &c, &arrays));
  PetscCallMPI(MPI_Bcast(&c, sizeof(c), MPI_BYTE, 0, st->comm));
  PetscCallMPI(MPI_Bcast(&arrays, sizeof(arrays), MPI_BYTE, 0, st->comm));
  PetscCall(FrgSampleTiming(st, &c));
  PetscCall(FrgSamplePrint(st, &c, &arrays));
  PetscCall(FrgSampleWrite(st, &c, &arrays, start, all));
  PetscCall(PetscFree2(counts, displs));
  if (!rank) PetscCall(PetscFree2(all, start));
  PetscFunctionReturn(PETSC_SUCCESS);
}
