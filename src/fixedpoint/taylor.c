/* Taylor (polynomial) truncation of the dimensionless LPA around the running minimum kappa:
 *   v(rho) = u'(rho) = sum_{j=1}^{n-1} a_j (rho - kappa)^j,   a_j = lambda_{j+1} / j!,
 * i.e. u to order n in (rho - kappa) (Tetradis, Wetterich, Nucl. Phys. B 422 (1994) 541; Litim,
 * Nucl. Phys. B 631 (2002) 128, sec. 5). The flow F(x) = d_t v(kappa + x) of include/frg/fixedpoint.h is
 * expanded in x by truncated power-series arithmetic, with l'(v) and l'(W) expanded about v = 0 and
 * W = 2 kappa a_1 from the threshold derivatives l^(k)(w) (so every order n uses the same code).
 * Matching d_t v(rho) = sum (da_i/dt) x^i - (dkappa/dt) sum i a_i x^(i-1) with F gives the beta functions
 *   dkappa/dt = -F_0 / a_1,   da_i/dt = F_i + (dkappa/dt) (i + 1) a_{i+1}   (a_n = 0), i = 1..n-1.
 * Fixed point: Newton (dense, partial pivoting) started from the order-2 seed and continued order by
 * order, each order seeded by the previous one with a_{n-1} = 0. The stability matrix d beta/d y is
 * formed by Richardson-extrapolated central differences (error ~ h^4 + eps/h ~ 1e-12). */
#include "fixedpoint_impl.h"
#include <math.h>
#include <string.h>

#define FRG_TAYLOR_MAX 16

static void FrgSeriesMultiply(int K, const double a[], const double b[], double c[])
{
  for (int k = 0; k < K; k++) {
    double s = 0;
    for (int i = 0; i <= k; i++) s += a[i] * b[k - i];
    c[k] = s;
  }
}

/* sum_k l^(k+1)(w0)/k! (z - z0)^k for a series z with constant term z0 */
static int FrgSeriesThreshold(const FrgFixedPointParams *p, int K, const double z[], double out[])
{
  double l[FRG_THRESHOLD_MAX_DERIVATIVE + 1], dz[FRG_TAYLOR_MAX], power[FRG_TAYLOR_MAX], next[FRG_TAYLOR_MAX], factorial = 1;

  if (FrgThresholdEvalEta(p->threshold, p->eta, z[0], K, l)) return 1;
  memcpy(dz, z, sizeof(double) * K);
  dz[0] = 0;
  memset(power, 0, sizeof(double) * K);
  power[0] = 1;
  memset(out, 0, sizeof(double) * K);
  for (int k = 0; k < K; k++) {
    if (k) factorial *= k;
    for (int i = 0; i < K; i++) out[i] += l[k + 1] / factorial * power[i];
    FrgSeriesMultiply(K, power, dz, next);
    memcpy(power, next, sizeof(double) * K);
  }
  return 0;
}

int FrgTaylorBeta(const FrgFixedPointParams *p, int order, const double y[], double beta[])
{
  const int K = order; /* series degrees 0..order-1 */
  double    kappa = y[0], v[FRG_TAYLOR_MAX] = {0}, v1[FRG_TAYLOR_MAX] = {0}, v2[FRG_TAYLOR_MAX] = {0}, W[FRG_TAYLOR_MAX], Lv[FRG_TAYLOR_MAX], LW[FRG_TAYLOR_MAX];
  double    t1[FRG_TAYLOR_MAX], t2[FRG_TAYLOR_MAX], radial[FRG_TAYLOR_MAX], F[FRG_TAYLOR_MAX] = {0}, a[FRG_TAYLOR_MAX + 1] = {0}, kdot;

  for (int j = 1; j < order; j++) a[j] = y[j];
  for (int j = 1; j < K; j++) v[j] = a[j];
  for (int j = 0; j < K; j++) v1[j] = (j + 1) * a[j + 1];
  for (int j = 0; j < K; j++) v2[j] = (j + 2 < order) ? (j + 2) * (j + 1) * a[j + 2] : 0;
  for (int j = 0; j < K; j++) { /* W = v + 2 (kappa + x) v1, radial = 3 v1 + 2 (kappa + x) v2 */
    W[j]      = v[j] + 2 * kappa * v1[j] + (j ? 2 * v1[j - 1] : 0);
    radial[j] = 3 * v1[j] + 2 * kappa * v2[j] + (j ? 2 * v2[j - 1] : 0);
  }
  if (FrgSeriesThreshold(p, K, v, Lv) || FrgSeriesThreshold(p, K, W, LW)) return 1;
  FrgSeriesMultiply(K, Lv, v1, t1);
  FrgSeriesMultiply(K, LW, radial, t2);
  for (int j = 0; j < K; j++) F[j] = -(2 - p->eta) * v[j] + (p->d - 2 + p->eta) * (kappa * v1[j] + (j ? v1[j - 1] : 0)) + (p->N - 1) * t1[j] + t2[j];
  if (a[1] == 0) return 1;
  kdot    = -F[0] / a[1];
  beta[0] = kdot;
  for (int i = 1; i < order; i++) beta[i] = F[i] + kdot * (i + 1) * a[i + 1];
  return 0;
}

/* Stability matrix J[i + j n] = d beta_i / d y_j (column major), Richardson-extrapolated central
 * differences with steps scale * h and scale * h / 2, h = 1e-3 max(|y_j|, 1e-3). */
int FrgTaylorJacobianScaled(const FrgFixedPointParams *p, int order, const double y[], double scale, double J[])
{
  double yp[FRG_TAYLOR_MAX], bp[FRG_TAYLOR_MAX], bm[FRG_TAYLOR_MAX], d1[FRG_TAYLOR_MAX];

  for (int j = 0; j < order; j++) {
    double h = scale * 1e-3 * (fabs(y[j]) > 1e-3 ? fabs(y[j]) : 1e-3);
    for (int pass = 0; pass < 2; pass++, h *= 0.5) {
      memcpy(yp, y, sizeof(double) * order);
      yp[j] = y[j] + h;
      if (FrgTaylorBeta(p, order, yp, bp)) return 1;
      yp[j] = y[j] - h;
      if (FrgTaylorBeta(p, order, yp, bm)) return 1;
      for (int i = 0; i < order; i++) {
        double central = (bp[i] - bm[i]) / (2 * h);
        if (!pass) d1[i] = central;
        else J[i + j * order] = (4 * central - d1[i]) / 3; /* Richardson */
      }
    }
  }
  return 0;
}

int FrgTaylorJacobian(const FrgFixedPointParams *p, int order, const double y[], double J[])
{
  return FrgTaylorJacobianScaled(p, order, y, 1, J);
}

/* Dense solve A x = b (column major, partial pivoting); returns 1 if singular */
static int FrgDenseSolve(int n, double A[], double b[])
{
  for (int k = 0; k < n; k++) {
    int piv = k;
    for (int i = k + 1; i < n; i++)
      if (fabs(A[i + k * n]) > fabs(A[piv + k * n])) piv = i;
    if (A[piv + k * n] == 0) return 1;
    for (int j = 0; j < n; j++) {
      double t = A[k + j * n];
      A[k + j * n] = A[piv + j * n], A[piv + j * n] = t;
    }
    { double t = b[k]; b[k] = b[piv], b[piv] = t; }
    for (int i = k + 1; i < n; i++) {
      double f = A[i + k * n] / A[k + k * n];
      for (int j = k; j < n; j++) A[i + j * n] -= f * A[k + j * n];
      b[i] -= f * b[k];
    }
  }
  for (int k = n - 1; k >= 0; k--) {
    for (int j = k + 1; j < n; j++) b[k] -= A[k + j * n] * b[j];
    b[k] /= A[k + k * n];
  }
  return 0;
}

static double FrgMaxNorm(int n, const double x[])
{
  double m = 0;
  for (int i = 0; i < n; i++) m = fmax(m, fabs(x[i]));
  return m;
}

/* Damped Newton at one order from y; returns 0 when the max-norm residual falls below 1e-13 */
static int FrgTaylorNewton(const FrgFixedPointParams *p, int order, double y[], double *residual, int *iterations)
{
  double beta[FRG_TAYLOR_MAX], J[FRG_TAYLOR_MAX * FRG_TAYLOR_MAX], trial[FRG_TAYLOR_MAX], bt[FRG_TAYLOR_MAX];

  if (FrgTaylorBeta(p, order, y, beta)) return 1;
  *residual = FrgMaxNorm(order, beta);
  for (int it = 0; it < 100 && *residual > 1e-13; it++, (*iterations)++) {
    double step = 1;
    if (FrgTaylorJacobian(p, order, y, J)) return 1;
    for (int i = 0; i < order; i++) beta[i] = -beta[i];
    if (FrgDenseSolve(order, J, beta)) return 1;
    for (; step > 1e-6; step *= 0.5) {
      for (int i = 0; i < order; i++) trial[i] = y[i] + step * beta[i];
      if (!FrgTaylorBeta(p, order, trial, bt) && FrgMaxNorm(order, bt) < (1 - 1e-4 * step) * *residual) break;
    }
    if (step <= 1e-6) return 1;
    memcpy(y, trial, sizeof(double) * order);
    memcpy(beta, bt, sizeof(double) * order);
    *residual = FrgMaxNorm(order, beta);
  }
  return *residual > 1e-13;
}

/* One full Newton step from y (its Jacobian with the default differences) into refined: the solve's
 * error is the length of this step, since Newton converges quadratically. */
int FrgTaylorRefine(const FrgFixedPointParams *p, int order, const double y[], double refined[])
{
  double beta[FRG_TAYLOR_MAX], J[FRG_TAYLOR_MAX * FRG_TAYLOR_MAX];

  if (order < 1 || order >= FRG_TAYLOR_MAX || FrgTaylorBeta(p, order, y, beta) || FrgTaylorJacobian(p, order, y, J)) return 1;
  for (int i = 0; i < order; i++) beta[i] = -beta[i];
  if (FrgDenseSolve(order, J, beta)) return 1;
  for (int i = 0; i < order; i++) refined[i] = y[i] + beta[i];
  return 0;
}

int FrgTaylorFixedPoint(const FrgFixedPointParams *p, int order, double y[], double *residual, int *iterations)
{
  double kappa, lambda;

  *iterations = 0;
  *residual   = INFINITY;
  if (order < 2 || order >= FRG_TAYLOR_MAX || FrgFixedPointOrder2Seed(p, &kappa, &lambda)) return 1;
  y[0] = kappa, y[1] = lambda;
  for (int n = 2; n <= order; n++) {
    if (n > 2) y[n - 1] = 0;
    if (FrgTaylorNewton(p, n, y, residual, iterations)) return 1;
  }
  return 0;
}
