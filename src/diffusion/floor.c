/* The i.i.d. floor of the report of task "sample": W1 and KS of -sample_floor_replicas sets of n exact
 * samples of the target, their mean and standard deviation over the replicas. What a perfect sampler
 * would score with the same n, so the sampler's W1 and KS are read against it.
 *   exact samples   F^{-1}(U_(1)) <= ... <= F^{-1}(U_(n)) with U_(k) the order statistics of n uniforms,
 *                   drawn already in order: U_(k) = S_k / S_{n+1}, S_k = E_1 + ... + E_k the partial sums
 *                   of n + 1 standard exponentials E_j = -ln V_j (normalized exponential spacings; Devroye,
 *                   Non-Uniform Random Variate Generation, 1986, ch. V). No sort, and F^{-1} of increasing
 *                   arguments is one sweep over the quadrature nodes (FrgTargetQuantileSorted); the
 *                   partial sums carry a relative rounding error of at most k 2^-53 (1e-10 at n = 1e6);
 *   random numbers  V_j from Philox keyed by (-sample_seed, j / 2, replica, stream 2), both uniforms of
 *                   each call: replica r is the same sequence on whichever rank computes it;
 *   ranks           the replicas are dealt out over the ranks (FrgReportOwns), the statistics taken in
 *                   replica order: the floor is bitwise the same on any number of ranks. */
#include "report.h"

/* n exact samples of the target in increasing order into y[0..n). */
static void FrgExactSortedSamples(const FrgSampleTask *st, int replica, PetscInt n, double *y)
{
  double sum = 0, v[2] = {0, 0};

  for (PetscInt j = 0; j <= n; j++) {
    if (j % 2 == 0) FrgRandomUniform2((uint64_t)st->seed, (uint64_t)(j / 2), (uint32_t)replica, 2u, v);
    sum -= log(v[j % 2]);
    if (j < n) y[j] = sum;
  }
  for (PetscInt k = 0; k < n; k++) y[k] /= sum; /* division by one positive number keeps the order */
  FrgTargetQuantileSorted(&st->target, y, (long)n, y);
}

/* Collective. c->w1_floor, ks_floor and their spreads over the replicas, identical on every rank. */
PetscErrorCode FrgSampleFloor(FrgSampleTask *st, FrgComparison *c)
{
  double w1[64] = {0}, ks[64] = {0}, sw = 0, sk = 0, qw = 0, qk = 0, *y;
  const int R = (int)PetscMin(st->floor_replicas, 64);
  PetscMPIInt rank, size;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(st->comm, &rank));
  PetscCallMPI(MPI_Comm_size(st->comm, &size));
  PetscCall(PetscMalloc1(st->count, &y));
  for (int r = 0; r < R; r++) {
    if (!FrgReportOwns(r, rank, size)) continue;
    FrgExactSortedSamples(st, r, st->count, y);
    FrgTargetDistances(&st->target, y, st->count, &w1[r], &ks[r]);
  }
  PetscCall(PetscFree(y));
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, w1, R, MPI_DOUBLE, MPI_SUM, st->comm));
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, ks, R, MPI_DOUBLE, MPI_SUM, st->comm));
  for (int r = 0; r < R; r++) sw += w1[r], sk += ks[r];
  sw /= R;
  sk /= R;
  for (int r = 0; r < R; r++) {
    qw += (w1[r] - sw) * (w1[r] - sw);
    qk += (ks[r] - sk) * (ks[r] - sk);
  }
  c->w1_floor    = sw;
  c->ks_floor    = sk;
  c->w1_floor_sd = R > 1 ? PetscSqrtReal(qw / (R - 1)) : 0;
  c->ks_floor_sd = R > 1 ? PetscSqrtReal(qk / (R - 1)) : 0;
  PetscFunctionReturn(PETSC_SUCCESS);
}
