/* The exact target p_0 = e^{-S}/Z by quadrature, and distances of samples to it (plain C, no PETSc).
 *
 *   moments, Tweedie score  composite Simpson on a uniform grid; the Tweedie score of p_s = p_0 * N(0, s)
 *                           E[phi | x] = int phi p_0(phi) N(x - phi; s) dphi / p_s(x),  score = (E - x)/s
 *                           (Efron 2011; the denoiser of doc/physics.md 2.3), with a log-sum-exp shift so that
 *                           nothing underflows far from the support;
 *   CDF F                   trapezoid with the Euler-Maclaurin end correction h^2/12 (p'_i - p'_{i+1}) per
 *                           cell (fourth order), cubic Hermite between nodes (F' = p);
 *   Wasserstein-1           W1 = int |F_n(x) - F(x)| dx, exact in 1D (Vallender 1973), split at the samples and
 *                           the nodes, F linear on each piece;
 *   Kolmogorov-Smirnov      KS = max_k max((k+1)/n - F(y_k), F(y_k) - k/n) on sorted samples y_k;
 *   sorting                 radix sort of the samples (both distances need them in order).
 */
#include <frg/diffusion.h>
#include <stdlib.h>
#include <string.h>

void FrgTargetNormalize(FrgTarget *t, const double *S)
{
  double Smin = S[0], total = 0.0;

  for (int i = 1; i < t->n; i++) Smin = fmin(Smin, S[i]);
  for (int i = 0; i < t->n; i++) t->p[i] = exp(-(S[i] - Smin));
  t->cdf[0] = 0.0;
  for (int i = 0; i < t->n - 1; i++) {
    const double d0 = i > 0 ? (t->p[i + 1] - t->p[i - 1]) / (2 * t->h) : (t->p[1] - t->p[0]) / t->h;
    const double d1 = i + 2 < t->n ? (t->p[i + 2] - t->p[i]) / (2 * t->h) : (t->p[i + 1] - t->p[i]) / t->h;
    t->cdf[i + 1]   = t->cdf[i] + 0.5 * t->h * (t->p[i] + t->p[i + 1]) + t->h * t->h / 12.0 * (d0 - d1);
  }
  total = t->cdf[t->n - 1];
  for (int i = 0; i < t->n; i++) {
    t->p[i] /= total;
    t->cdf[i] /= total;
    t->logp[i] = -(S[i] - Smin) - log(total);
  }
}

static inline double FrgSimpsonWeight(int i, int n)
{
  return (i == 0 || i == n - 1) ? 1.0 / 3.0 : (i % 2 ? 4.0 / 3.0 : 2.0 / 3.0);
}

double FrgTargetMoment(const FrgTarget *t, double center, int power)
{
  double sum = 0.0;

  for (int i = 0; i < t->n; i++) sum += FrgSimpsonWeight(i, t->n) * t->p[i] * pow(t->phi[i] - center, power);
  return sum * t->h;
}

double FrgTargetCDF(const FrgTarget *t, double x)
{
  const double p = (x - t->a) / t->h;
  int i          = (int)floor(p);
  double q, q2, q3;

  if (i < 0) return 0.0;
  if (i >= t->n - 1) return 1.0;
  q  = p - i;
  q2 = q * q;
  q3 = q2 * q;
  return (2 * q3 - 3 * q2 + 1) * t->cdf[i] + (q3 - 2 * q2 + q) * t->h * t->p[i] + (-2 * q3 + 3 * q2) * t->cdf[i + 1] + (q3 - q2) * t->h * t->p[i + 1];
}

/* F^{-1}(q) inside the cell [phi_lo, phi_lo+1] that brackets q: Newton on the cubic Hermite CDF
 * (F' = p), kept inside the bracket by bisection steps. */
static double FrgTargetQuantileInCell(const FrgTarget *t, int lo, double q)
{
  const int hi = lo + 1;
  double a = t->phi[lo], b = t->phi[hi], x;

  x = t->cdf[hi] > t->cdf[lo] ? a + (b - a) * (q - t->cdf[lo]) / (t->cdf[hi] - t->cdf[lo]) : 0.5 * (a + b);
  for (int it = 0; it < 100 && b - a > 1e-15 * (1.0 + fabs(a)); it++) {
    const double F = FrgTargetCDF(t, x) - q, p = (t->p[lo] + (t->p[hi] - t->p[lo]) * (x - t->phi[lo]) / t->h);
    double next;
    if (F < 0)
      a = x;
    else
      b = x;
    if (fabs(F) < 1e-16) break;
    next = p > 0 ? x - F / p : 0.5 * (a + b);
    x    = (next > a && next < b) ? next : 0.5 * (a + b);
  }
  return x;
}

/* F^{-1}(q): the cell by bisection on the nodes (cdf[lo] < q <= cdf[lo + 1]), then Newton in it. */
double FrgTargetQuantile(const FrgTarget *t, double q)
{
  int lo = 0, hi = t->n - 1;

  while (hi - lo > 1) {
    const int mid = (lo + hi) / 2;
    if (t->cdf[mid] < q)
      lo = mid;
    else
      hi = mid;
  }
  return FrgTargetQuantileInCell(t, lo, q);
}

/* The root r in [0, 1] of G(r) = r (c1 + r (c2 + r c3)) = g: Newton on the exact derivative, bisection
 * whenever a step leaves the bracket. Newton's error after a step delta is G''/(2 G') delta^2 (quadratic
 * convergence), so the loop stops as soon as that is below tol instead of taking one more step to see
 * it: 1.5 steps on average from the secant guess instead of 2.5. */
static double FrgCubicRoot(const double c[3], double g, double secant, double tol)
{
  double lo = 0, hi = 1, r = secant;

  for (int it = 0; it < 60; it++) {
    const double G = r * (c[0] + r * (c[1] + r * c[2])) - g, d = c[0] + r * (2 * c[1] + 3 * r * c[2]);
    double next;
    if (G < 0)
      lo = r;
    else
      hi = r;
    next = d > 0 ? r - G / d : 0.5 * (lo + hi);
    /* before the bracket test: at the root next may equal r */
    if (d > 0 && next >= lo && next <= hi && fabs(c[1] + 3 * r * c[2]) * (next - r) * (next - r) <= tol * d) return next;
    if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
    if (hi - lo <= tol) return next;
    r = next;
  }
  return r;
}

/* F^{-1} of increasing q[0..m), in place allowed: O(m + n) instead of m bisections. The cell by a
 * forward sweep (the first cell with cdf[lo + 1] >= q, the bisection's cell); in it F is the cubic
 * Hermite F(phi_lo + h r) = cdf_lo + r (c1 + r (c2 + r c3)), set up once per cell and solved relative
 * to cdf_lo, so the tails keep their relative accuracy; x to FrgTargetQuantile's 1e-15 (1 + |x|). */
void FrgTargetQuantileSorted(const FrgTarget *t, const double *q, long m, double *x)
{
  int lo      = -1;
  double c[3] = {0, 0, 0}, f0 = 0, df = 0, tol = 0;

  for (long k = 0; k < m; k++) {
    int cell = lo < 0 ? 0 : lo;
    while (cell < t->n - 2 && t->cdf[cell + 1] < q[k]) cell++;
    if (cell != lo) {
      const double d = t->cdf[cell + 1] - t->cdf[cell], s0 = t->h * t->p[cell], s1 = t->h * t->p[cell + 1];
      lo = cell, f0 = t->cdf[cell], df = d;
      c[0] = s0, c[1] = 3 * d - 2 * s0 - s1, c[2] = s0 + s1 - 2 * d;
      tol = 1e-15 * (1.0 + fabs(t->phi[cell])) / t->h;
    }
    x[k] = t->phi[lo] + t->h * FrgCubicRoot(c, q[k] - f0, df > 0 ? (q[k] - f0) / df : 0.5, tol);
  }
}

double FrgTargetTweedieScore(const FrgTarget *t, double x, double s, double *density)
{
  double top = -INFINITY, num = 0.0, den = 0.0;

  for (int i = 0; i < t->n; i++) { /* not fmax: a libm call per node */
    const double e = t->logp[i] - (x - t->phi[i]) * (x - t->phi[i]) / (2 * s);
    top            = e > top ? e : top;
  }
  for (int i = 0; i < t->n; i++) {
    const double e = t->logp[i] - (x - t->phi[i]) * (x - t->phi[i]) / (2 * s) - top, g = e > -745 ? FrgSimpsonWeight(i, t->n) * exp(e) : 0.0;
    num += g * t->phi[i];
    den += g;
  }
  if (density) *density = exp(top) * den * t->h / sqrt(2 * 3.141592653589793 * s);
  return (num / den - x) / s;
}

/* The nodes where p underflowed to 0 (a quarter of them for a quartic S) add exactly 0: skipped. */
double FrgTargetSmoothedCDF(const FrgTarget *t, double x, double s)
{
  const double width = sqrt(2 * s);
  double sum         = 0.0;
  int lo = 0, hi = t->n - 1;

  while (lo < hi && t->p[lo] == 0) lo++;
  while (hi > lo && t->p[hi] == 0) hi--;
  for (int i = lo; i <= hi; i++) sum += FrgSimpsonWeight(i, t->n) * t->p[i] * 0.5 * erfc(-(x - t->phi[i]) / width);
  return sum * t->h;
}

/* int_{x0}^{x1} |c - F(x)| dx with F linear between the values at the ends. */
static double FrgAbsLinear(double x0, double x1, double c, double f0, double f1)
{
  const double d0 = f0 - c, d1 = f1 - c;

  if (x1 <= x0) return 0.0;
  if (d0 * d1 >= 0) return (x1 - x0) * fabs(d0 + d1) / 2;
  return (x1 - x0) * (d0 * d0 + d1 * d1) / (2 * (fabs(d0) + fabs(d1)));
}

/* int_{x0}^{x1} |c - F| dx, split at the quadrature nodes; f0, f1 = F(x0), F(x1). */
static double FrgAbsPiece(const FrgTarget *t, double x0, double x1, double c, double f0, double f1)
{
  double sum = 0.0, left = x0, fl = f0;
  int k = (int)floor((x0 - t->a) / t->h) + 1;

  if (k < 0) k = 0;
  for (; k < t->n && t->a + k * t->h < x1; k++) {
    const double node = t->a + k * t->h, fn = t->cdf[k];
    sum += FrgAbsLinear(left, node, c, fl, fn);
    left = node;
    fl   = fn;
  }
  return sum + FrgAbsLinear(left, x1, c, fl, f1);
}

/* One CDF evaluation per sample: F(y_k) serves the KS term and both pieces that end at y_k. */
void FrgTargetDistances(const FrgTarget *t, const double *y, long n, double *w1, double *ks)
{
  const double lo = fmin(t->a, y[0]), hi = fmax(t->a + (t->n - 1) * t->h, y[n - 1]);
  double prev = lo, fprev = FrgTargetCDF(t, lo), sum = 0.0, sup = 0.0;

  for (long k = 0; k < n; k++) {
    const double F = FrgTargetCDF(t, y[k]);
    sum += FrgAbsPiece(t, prev, y[k], (double)k / n, fprev, F);
    prev               = y[k];
    fprev              = F;
    const double above = (double)(k + 1) / n - F, below = F - (double)k / n; /* not fmax: a libm call here */
    sup = above > sup ? above : sup;
    sup = below > sup ? below : sup;
  }
  sum += FrgAbsPiece(t, prev, hi, 1.0, fprev, FrgTargetCDF(t, hi));
  *w1 = sum;
  *ks = sup;
}

/* Sorts x[0..n) ascending in O(n): LSD radix sort (Knuth, TAOCP vol. 3, 5.2.5) on the IEEE-754 bits,
 * six passes of 11-bit digits into work[2n]. With the sign bit flipped for x >= 0 and all bits flipped
 * for x < 0, the bits order as unsigned integers the way the doubles do (-0 before +0, which compare
 * equal anyway). A pass whose digit is the same for every key moves nothing and is skipped: samples on
 * a bounded range share their top bits. */
void FrgSortReals(long n, double *x, uint64_t *work)
{
  enum { BITS = 11, DIGITS = 6, RADIX = 1 << BITS };
  long count[DIGITS][RADIX]; /* 96 kB: stays in L2 while the keys stream through */
  uint64_t *a = work, *b = work + n, *tmp;

  memset(count, 0, sizeof(count));
  for (long i = 0; i < n; i++) {
    uint64_t k;
    memcpy(&k, &x[i], sizeof(k));
    a[i] = k ^ (-(k >> 63) | 0x8000000000000000ull);
    for (int d = 0; d < DIGITS; d++) count[d][(a[i] >> (BITS * d)) & (RADIX - 1)]++;
  }
  for (int d = 0; d < DIGITS; d++) {
    long sum = 0;
    if (n == 0 || count[d][(a[0] >> (BITS * d)) & (RADIX - 1)] == n) continue;
    for (int j = 0; j < RADIX; j++) {
      const long c = count[d][j];
      count[d][j]  = sum;
      sum += c;
    }
    for (long i = 0; i < n; i++) b[count[d][(a[i] >> (BITS * d)) & (RADIX - 1)]++] = a[i];
    tmp = a, a = b, b = tmp;
  }
  for (long i = 0; i < n; i++) {
    const uint64_t k = a[i] ^ (((a[i] >> 63) - 1) | 0x8000000000000000ull);
    memcpy(&x[i], &k, sizeof(k));
  }
}
