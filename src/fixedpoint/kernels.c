/* Plain-C kernels of the dimensionless LPA fixed-point problem (see include/frg/fixedpoint.h):
 * the pointwise flow of v = u'(rho) and its partial derivatives, Chebyshev differentiation, and the
 * order-2 Taylor seed.
 *
 * Order-2 seed: with v = lambda (rho - kappa) and m = W(kappa) = 2 kappa lambda, d_t v(kappa) = 0 and
 * d_t v'(kappa) = 0 give
 *   kappa(m) = -[(N - 1) l'(0) + 3 l'(m)] / (d - 2 + eta),
 *   0 = (d - 4 + 2 eta) + lambda [(N - 1) l''(0) + 9 l''(m)],   lambda = m / (2 kappa(m)),
 * one equation in m, solved by bracketing and bisection (no initial guess needed). For Litim, N = 1,
 * d = 3 it gives kappa = 4/3, lambda = 3/16 (hat units) and nu = 1/2. */
#include <frg/fixedpoint.h>
#include <math.h>

static const double FrgPi = 3.14159265358979323846;

int FrgFixedPointFlow(const FrgFixedPointParams *p, double rho, double v, double v1, double v2, double *flow, double dflow[3])
{
  double lv[3], lw[3];
  double W = v + 2 * rho * v1, radial = 3 * v1 + 2 * rho * v2;

  if (FrgThresholdEvalEta(p->threshold, p->eta, v, 2, lv) || FrgThresholdEvalEta(p->threshold, p->eta, W, 2, lw)) return 1;
  *flow    = -(2 - p->eta) * v + (p->d - 2 + p->eta) * rho * v1 + (p->N - 1) * lv[1] * v1 + lw[1] * radial;
  dflow[0] = -(2 - p->eta) + (p->N - 1) * lv[2] * v1 + lw[2] * radial;
  dflow[1] = (p->d - 2 + p->eta) * rho + (p->N - 1) * lv[1] + 2 * rho * lw[2] * radial + 3 * lw[1];
  dflow[2] = 2 * rho * lw[1];
  return 0;
}

void FrgChebyshevPoints(int n, double rho_max, double rho[], double D1[])
{
  double x[n + 1], c[n + 1];

  for (int i = 0; i <= n; i++) {
    x[i]   = cos(FrgPi * i / n);
    rho[i] = 0.5 * rho_max * (1 - x[i]);
    c[i]   = ((i == 0 || i == n) ? 2.0 : 1.0) * ((i % 2) ? -1.0 : 1.0);
  }
  for (int i = 0; i <= n; i++) {
    double sum = 0;
    for (int j = 0; j <= n; j++) {
      if (i == j) continue;
      /* d/drho = -(2/rho_max) d/dx */
      D1[i * (n + 1) + j] = -2.0 / rho_max * (c[i] / c[j]) / (x[i] - x[j]);
      sum += D1[i * (n + 1) + j];
    }
    D1[i * (n + 1) + i] = -sum; /* rows of a differentiation matrix sum to zero */
  }
}

/* Returns the order-2 residual at m, or NAN when kappa(m) <= 0 or m is outside the thresholds' domain. */
static double FrgOrder2Residual(const FrgFixedPointParams *p, double m, double *kappa, double *lambda)
{
  double l0[3], lm[3];

  if (FrgThresholdEvalEta(p->threshold, p->eta, 0.0, 2, l0) || FrgThresholdEvalEta(p->threshold, p->eta, m, 2, lm)) return NAN;
  *kappa = -((p->N - 1) * l0[1] + 3 * lm[1]) / (p->d - 2 + p->eta);
  if (!(*kappa > 0)) return NAN;
  *lambda = m / (2 * *kappa);
  return (p->d - 4 + 2 * p->eta) + *lambda * ((p->N - 1) * l0[2] + 9 * lm[2]);
}

int FrgFixedPointOrder2Seed(const FrgFixedPointParams *p, double *kappa, double *lambda)
{
  double lo = 1e-8, flo, hi, fhi = NAN;

  flo = FrgOrder2Residual(p, lo, kappa, lambda);
  if (!(flo < 0)) return 1;
  /* the first sign change on a logarithmic scan of m brackets the Wilson-Fisher root */
  for (hi = lo * 1.25; hi < 1e8; lo = hi, hi *= 1.25) {
    fhi = FrgOrder2Residual(p, hi, kappa, lambda);
    if (isnan(fhi)) return 1;
    if (fhi > 0) break;
  }
  if (!(fhi > 0)) return 1;
  for (int it = 0; it < 200 && hi - lo > 1e-15 * hi; it++) {
    double mid = 0.5 * (lo + hi), f = FrgOrder2Residual(p, mid, kappa, lambda);
    if (isnan(f)) return 1;
    if (f < 0) lo = mid;
    else hi = mid;
  }
  return isnan(FrgOrder2Residual(p, 0.5 * (lo + hi), kappa, lambda));
}
