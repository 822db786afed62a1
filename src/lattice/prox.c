/* The score of the Gaussian-smoothed lattice target from the LPA potential (doc/physics.md 2.6), plain C.
 *
 * With per-site noise of variance s the smoothed log-density's gradient (the score) at x is (phi* - x)/s, where
 * phi* minimizes Gamma_s(phi) + |x - phi|^2/(2 s) (the Moreau envelope of 2.3 on V fields; Morris 1994). In the
 * LPA, Gamma_s = phi K phi/2 + sum_x U_s(phi_x), and phi* solves
 *     G(phi) = s (K phi + U_s'(phi)) + phi - x = 0,   dG/dphi = A = s (K + diag U_s''(phi)) + 1,
 * by Newton's method with the band Cholesky of A (src/lattice/band.c). A is positive definite whenever
 * U_s'' + 1/s > 4 d |kappa| everywhere, which the LPA flow keeps (its propagator pole); the step is damped by
 * halving until |G| decreases (the problem is strictly convex, so full steps are taken near the solution and
 * the convergence is quadratic). d phi* / dx = A^-1 at phi*, so the Jacobian of the score is (A^-1 - 1)/s. */
#include <frg/lattice.h>
#include <math.h>

/* The cubic Hermite interpolant of U' (values u, slopes w) on the cell [phi_j, phi_j + h], q in [0, 1]:
 * its value and its derivative in phi. The one place the interpolant is written. */
static inline void FrgHermiteCell(double q, double h, double u0, double w0, double u1, double w1, double *value, double *derivative)
{
  const double q2 = q * q, q3 = q2 * q;
  *value      = (2 * q3 - 3 * q2 + 1) * u0 + (q3 - 2 * q2 + q) * h * w0 + (-2 * q3 + 3 * q2) * u1 + (q3 - q2) * h * w1;
  *derivative = ((6 * q2 - 6 * q) * u0 + (3 * q2 - 4 * q + 1) * h * w0 + (-6 * q2 + 6 * q) * u1 + (3 * q2 - 2 * q) * h * w1) / h;
}

void FrgLatticePotentialEval(const FrgLatticePotentialTable *t, int level, double phi, double *slope, double *curvature)
{
  const double *u = t->slope + (size_t)level * t->points, *w = t->curvature + (size_t)level * t->points;
  const double  p = (phi - t->phi0) / t->h;
  int           j = (int)floor(p);

  if (j < 0 || j > t->points - 2) {
    const int e = j < 0 ? 0 : t->points - 1;
    *slope      = u[e] + w[e] * (phi - (t->phi0 + e * t->h));
    *curvature  = w[e];
    return;
  }
  FrgHermiteCell(p - j, t->h, u[j], w[j], u[j + 1], w[j + 1], slope, curvature);
}

void FrgLatticePotentialFillBare(FrgLatticePotentialTable *t, const FrgLattice *lat)
{
  for (int l = 0; l < t->levels; l++)
    for (int j = 0; j < t->points; j++) {
      const double p = t->phi0 + j * t->h;
      t->slope[(size_t)l * t->points + j]     = p * (2 * (1 - 2 * lat->lambda) + 4 * lat->lambda * p * p);
      t->curvature[(size_t)l * t->points + j] = 2 * (1 - 2 * lat->lambda) + 12 * lat->lambda * p * p;
    }
}

double FrgLatticePotentialMargin(const FrgLatticePotentialTable *t, const FrgLattice *lat, int level)
{
  const double *u = t->slope + (size_t)level * t->points, *w = t->curvature + (size_t)level * t->points, h = t->h;
  double        lowest = INFINITY;

  for (int j = 0; j + 1 < t->points; j++) { /* the interpolant's derivative a q^2 + b q + c: ends and vertex */
    const double a = (6 * u[j] + 3 * h * w[j] - 6 * u[j + 1] + 3 * h * w[j + 1]) / h, b = (-6 * u[j] - 4 * h * w[j] + 6 * u[j + 1] - 2 * h * w[j + 1]) / h;
    lowest = fmin(lowest, fmin(w[j], w[j + 1]));
    if (a > 0 && -b < 2 * a && b < 0) lowest = fmin(lowest, w[j] - b * b / (4 * a));
  }
  return lowest + 1 / t->s[level] - 4.0 * FRG_LATTICE_DIMENSION * fabs(lat->kappa);
}

/* G = s (K phi + U'(phi)) + phi - x and D = U''(phi); returns |G|_2. */
static double FrgProxResidual(const FrgLattice *lat, const FrgLatticePotentialTable *t, int level, const double *x, const double *phi, double *G, double *D)
{
  const double s    = t->s[level];
  double       norm = 0;

  FrgLatticeHopping(lat, phi, G);
  for (long k = 0; k < lat->volume; k++) {
    double slope;
    FrgLatticePotentialEval(t, level, phi[k], &slope, &D[k]);
    G[k] = s * (G[k] + slope) + phi[k] - x[k];
    norm += G[k] * G[k];
  }
  return sqrt(norm);
}

int FrgLatticeProx(const FrgLattice *lat, const FrgLatticePotentialTable *t, int level, FrgLatticeBand *band, const double *x, double *phi, double *logdet_A, double *work,
                   FrgLatticeProxStats *stats)
{
  const long V = lat->volume;
  const double s = t->s[level];
  double    *G = work, *D = work + V, *delta = work + 2 * V, *trial = work + 3 * V, *scratch = work + 4 * V;
  double     norm = FrgProxResidual(lat, t, level, x, phi, G, D);

  for (int it = 0; it < 50; it++) {
    double step = 0, size = 0, alpha = 1, trial_norm;
    stats->factorizations++;
    if (FrgLatticeBandFactor(band, lat, s, D, NULL)) break;
    FrgLatticeBandSolve(band, G, delta, scratch);
    for (long k = 0; k < V; k++) step = fmax(step, fabs(delta[k])), size = fmax(size, fabs(phi[k]));
    stats->newton_iterations++;
    for (int cut = 0;; cut++) { /* damped: |G| must decrease (the full step near the solution) */
      for (long k = 0; k < V; k++) trial[k] = phi[k] - alpha * delta[k];
      trial_norm = FrgProxResidual(lat, t, level, x, trial, scratch, D);
      if (trial_norm <= (1 - 1e-4 * alpha) * norm || cut == 30 || alpha * step <= 1e-13 * (1 + size)) break;
      alpha *= 0.5, stats->line_search_cuts++;
    }
    for (long k = 0; k < V; k++) phi[k] = trial[k], G[k] = scratch[k];
    norm = trial_norm;
    if (alpha * step <= 1e-11 * (1 + size)) { /* converged: the factorization at phi* itself */
      stats->factorizations++;
      if (FrgLatticeBandFactor(band, lat, s, D, logdet_A)) break;
      return 0;
    }
  }
  stats->failures++;
  return 1;
}
