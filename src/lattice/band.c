/* Sparse symmetric positive definite solves on the periodic lattice (include/frg/lattice.h), plain C.
 *
 * The matrices are A = t (K + diag(D)) + 1 (K: hopping, t > 0): the Newton matrix of the proximal problem and
 * the Jacobians of the sampler steps (doc/physics.md 2.6). Periodic wrap puts neighbours at distance L - 1 in each
 * direction; the folded order 0, L-1, 1, L-2, 2, ... of each coordinate puts every neighbour within 2 positions,
 * so with site (i, j) at fold(i) + L fold(j) the half-bandwidth is 2L and a band Cholesky factorization costs
 * about V (2L)^2/2 = 2 L^4 multiply-adds (L = 8: 8e3, L = 32: 2e6), giving the solve and log det A = 2 sum ln L_pp
 * exactly (to round-off), which the sampler's log-likelihood needs. */
#include <frg/lattice.h>
#include <math.h>
#include <stdlib.h>

static int FrgFold(int L, int i)
{
  return i < (L + 1) / 2 ? 2 * i : 2 * (L - 1 - i) + 1;
}

int FrgLatticeBandInit(FrgLatticeBand *band, const FrgLattice *lat)
{
  const int L = lat->L;

  band->volume    = lat->volume;
  band->bandwidth = (int)(2 * L < lat->volume - 1 ? 2 * L : lat->volume - 1);
  band->order     = (int *)malloc(sizeof(int) * (size_t)lat->volume);
  band->factor    = (double *)malloc(sizeof(double) * (size_t)lat->volume * (size_t)(band->bandwidth + 1));
  if (!band->order || !band->factor) {
    FrgLatticeBandFree(band);
    return 1;
  }
  for (int j = 0; j < L; j++)
    for (int i = 0; i < L; i++) band->order[i + L * j] = FrgFold(L, i) + L * FrgFold(L, j);
  return 0;
}

void FrgLatticeBandFree(FrgLatticeBand *band)
{
  free(band->order);
  free(band->factor);
  band->order  = NULL;
  band->factor = NULL;
}

/* A(p, p - k) of the lower band, k = 0 .. bandwidth. */
static inline double *FrgBandEntry(const FrgLatticeBand *band, long p, long k)
{
  return band->factor + p * (band->bandwidth + 1) + k;
}

/* Assembles t (K + diag(D)) + 1 in the folded order (each of the four neighbour directions adds its -2 kappa t:
 * on L = 2 the two directions of an axis reach the same site, as in the action). */
static void FrgBandAssemble(FrgLatticeBand *band, const FrgLattice *lat, double t, const double *D)
{
  const int L = lat->L, b = band->bandwidth;

  for (long k = 0; k < band->volume * (b + 1); k++) band->factor[k] = 0;
  for (int j = 0; j < L; j++)
    for (int i = 0; i < L; i++) {
      const int x = i + L * j, p = band->order[x];
      const int neighbour[4] = {(i + 1) % L + L * j, (i + L - 1) % L + L * j, i + L * ((j + 1) % L), i + L * ((j + L - 1) % L)};
      *FrgBandEntry(band, p, 0) += t * D[x] + 1;
      for (int n = 0; n < 4; n++) {
        const int q = band->order[neighbour[n]];
        if (q < p) *FrgBandEntry(band, p, p - q) += -2 * lat->kappa * t;
      }
    }
}

int FrgLatticeBandFactor(FrgLatticeBand *band, const FrgLattice *lat, double t, const double *D, double *logdet)
{
  const long V = band->volume, b = band->bandwidth;
  double     sum_log = 0;

  FrgBandAssemble(band, lat, t, D);
  for (long p = 0; p < V; p++) {
    const long first = p - b > 0 ? p - b : 0;
    for (long j = first; j <= p; j++) {
      double       sum = *FrgBandEntry(band, p, p - j);
      const double *rp = FrgBandEntry(band, p, 0), *rj = FrgBandEntry(band, j, 0);
      for (long i = first > j - b ? first : j - b; i < j; i++) sum -= rp[p - i] * rj[j - i];
      if (j < p) *FrgBandEntry(band, p, p - j) = sum / *FrgBandEntry(band, j, 0);
      else {
        if (!(sum > 0)) return 1; /* not positive definite */
        *FrgBandEntry(band, p, 0) = sqrt(sum);
        sum_log += log(sum);
      }
    }
  }
  if (logdet) *logdet = sum_log;
  return 0;
}

void FrgLatticeBandSolve(const FrgLatticeBand *band, const double *rhs, double *solution, double *work)
{
  const long V = band->volume, b = band->bandwidth;

  for (long x = 0; x < V; x++) work[band->order[x]] = rhs[x];
  for (long p = 0; p < V; p++) { /* L y = rhs */
    double sum = work[p];
    for (long i = p - b > 0 ? p - b : 0; i < p; i++) sum -= *FrgBandEntry(band, p, p - i) * work[i];
    work[p] = sum / *FrgBandEntry(band, p, 0);
  }
  for (long p = V - 1; p >= 0; p--) { /* L^T x = y */
    double sum = work[p];
    for (long i = p + 1; i <= p + b && i < V; i++) sum -= *FrgBandEntry(band, i, i - p) * work[i];
    work[p] = sum / *FrgBandEntry(band, p, 0);
  }
  for (long x = 0; x < V; x++) solution[x] = work[band->order[x]];
}
