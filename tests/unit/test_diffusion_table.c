/* Unit test of the plain-C diffusion kernels (include/frg/diffusion.h) on a Gaussian target
 * p_0 = N(0, a), for which everything is known in closed form: Gamma_R = S = phi^2/(2a) for every R,
 * u = phi/a, and the score of p_s = N(0, a + s) is -x/(a + s).
 *   1. score table levels built from u = phi/a (FrgScoreLevelBuild) give -x/(a + s) at random (x, s),
 *      between stored levels too, to 1e-6 relative (Hermite in ln s: O(dtau^4), dtau = 0.115 here);
 *   2. a level resampled at a schedule noise (FrgScoreTableResample) reproduces the two-level lookup;
 *   3. quadrature of the target: moments a, 3a^2; Tweedie score -x/(a+s); smoothed CDF Phi(x/sqrt(a+s));
 *      quantile inverts the CDF; KS of the n mid-quantile points is 1/(2n); their W1 matches a brute-force
 *      midpoint integral of |F_n - Phi| against the closed-form CDF;
 *   4. the sweep quantile of increasing arguments agrees with the bisection one to 1e-14 (1 + |x|) (plus
 *      the bisection's own 1e-16/p in the tails), and the radix sort orders signed doubles as qsort does. */
#include <frg/diffusion.h>
#include <stdio.h>
#include <stdlib.h>

#define CELLS 400
#define LEVELS 121
#define POINTS 1024

static int FrgCheck(const char *what, double value, double reference, double tolerance)
{
  const double err = fabs(value - reference) / fmax(fabs(reference), 1e-300);
  if (err > tolerance) {
    printf("%s: %.15g, expected %.15g (relative error %.2e > %.1e)\n", what, value, reference, err, tolerance);
    return 1;
  }
  return 0;
}

static int FrgTestTable(double a)
{
  static double ubar[CELLS], ut[CELLS], work[6 * CELLS], x0[LEVELS], dx[LEVELS], inv_dx[LEVELS], node[3 * LEVELS * POINTS];
  static double sx0[1], sdx[1], sinv[1], snode[3 * POINTS];
  const double h = 20.0 / CELLS, phi_first = -10 + h / 2;
  FrgScoreTable t   = {LEVELS, POINTS, log(1e-3), log(1e6) / (LEVELS - 1), (LEVELS - 1) / log(1e6), x0, dx, inv_dx, node};
  FrgScoreTable one = {1, POINTS, 0, 1, 1, sx0, sdx, sinv, snode};
  int bad           = 0;
  double worst      = 0;

  for (int i = 0; i < CELLS; i++) ubar[i] = (phi_first + i * h) / a, ut[i] = 0.0;
  for (int l = 0; l < LEVELS; l++) {
    const double s = exp(t.tau0 + l * t.dtau), clip = 10 + 12 * sqrt(s);
    bad += FrgScoreLevelBuild(CELLS, phi_first, h, ubar, ut, s, -clip, clip, POINTS, work, &x0[l], &dx[l], node + 3 * l * POINTS) != 0;
    inv_dx[l] = 1 / dx[l];
  }
  srand(1);
  for (int k = 0; k < 20000; k++) {
    const double s = exp(log(1e-3) + log(1e6) * rand() / (double)RAND_MAX), x = (2.0 * rand() / RAND_MAX - 1) * 4 * sqrt(a + s);
    worst = fmax(worst, fabs(FrgScoreTableLookup(&t, x, s) + x / (a + s)) / (fabs(x) / (a + s) + 1 / sqrt(a + s)));
  }
  printf("table: worst relative score error %.2e over 20000 random (x, s)\n", worst);
  bad += worst > 1e-6;
  FrgScoreTableResample(&t, 0.37, POINTS, sx0, sdx, snode);
  sinv[0] = 1 / sdx[0];
  for (int k = 0; k < 100; k++) {
    const double x = -3 + 0.06 * k;
    if (fabs(FrgScoreTableValue(&one, 0, x) - FrgScoreTableLookup(&t, x, 0.37)) > 1e-9 / (a + 0.37)) bad++, printf("resampled level differs at x = %g\n", x);
  }
  return bad;
}

static int FrgTestTarget(double a)
{
  enum { N = 4001, M = 1000 };
  static double phi[N], p[N], logp[N], cdf[N], S[N], y[M];
  FrgTarget t = {N, -12 * sqrt(a), 24 * sqrt(a) / (N - 1), phi, p, logp, cdf};
  int bad     = 0;
  double w1, ks, density;

  for (int i = 0; i < N; i++) phi[i] = t.a + i * t.h, S[i] = phi[i] * phi[i] / (2 * a);
  FrgTargetNormalize(&t, S);
  bad += FrgCheck("<phi^2>", FrgTargetMoment(&t, 0, 2), a, 1e-10);
  bad += FrgCheck("<phi^4>", FrgTargetMoment(&t, 0, 4), 3 * a * a, 1e-10);
  for (double s = 1e-2; s < 2e2; s *= 10) {
    bad += FrgCheck("Tweedie score", FrgTargetTweedieScore(&t, 0.7, s, &density), -0.7 / (a + s), 1e-9);
    bad += FrgCheck("p_s", density, exp(-0.49 / (2 * (a + s))) / sqrt(2 * 3.141592653589793 * (a + s)), 1e-9);
    bad += FrgCheck("smoothed CDF", FrgTargetSmoothedCDF(&t, 0.7, s), 0.5 * erfc(-0.7 / sqrt(2 * (a + s))), 1e-9);
  }
  bad += FrgCheck("CDF", FrgTargetCDF(&t, 0.3), 0.5 * erfc(-0.3 / sqrt(2 * a)), 1e-9);
  bad += fabs(FrgTargetCDF(&t, FrgTargetQuantile(&t, 0.8)) - 0.8) > 1e-12;
  for (int k = 0; k < M; k++) y[k] = FrgTargetQuantile(&t, (k + 0.5) / M);
  FrgTargetDistances(&t, y, M, &w1, &ks);
  printf("target: KS of mid-quantiles %.6e (exact %.6e), W1 %.3e\n", ks, 0.5 / M, w1);
  bad += FrgCheck("KS of mid-quantiles", ks, 0.5 / M, 1e-6);
  { /* W1 by brute force: midpoint rule of |F_n - Phi| on 2.4e6 points, exact Gaussian CDF */
    const int K     = 2400000;
    const double lo = -12 * sqrt(a), dxk = 24 * sqrt(a) / K;
    double sum = 0;
    int k      = 0;
    for (int j = 0; j < K; j++) {
      const double x = lo + (j + 0.5) * dxk;
      while (k < M && y[k] <= x) k++;
      sum += fabs((double)k / M - 0.5 * erfc(-x / sqrt(2 * a))) * dxk;
    }
    bad += FrgCheck("W1 of mid-quantiles", w1, sum, 1e-4);
  }
  return bad;
}

static int FrgCompareReal(const void *a, const void *b)
{
  const double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* Sweep quantile against bisection at sorted arguments down to 1e-12 in the tails; radix sort against qsort. */
static int FrgTestSortedKernels(double a)
{
  enum { N = 4001, M = 20000 };
  static double phi[N], p[N], logp[N], cdf[N], S[N], q[M], x[M], r[M], ref[M];
  static uint64_t work[2 * M];
  FrgTarget t = {N, -12 * sqrt(a), 24 * sqrt(a) / (N - 1), phi, p, logp, cdf};
  int bad     = 0;

  for (int i = 0; i < N; i++) phi[i] = t.a + i * t.h, S[i] = phi[i] * phi[i] / (2 * a);
  FrgTargetNormalize(&t, S);
  for (int k = 0; k < M; k++) q[k] = 1e-12 + (1 - 2e-12) * k / (M - 1.0);
  FrgTargetQuantileSorted(&t, q, M, x);
  for (int k = 0; k < M; k++) { /* the bisection stops at |F - q| < 1e-16: dx = 1e-16/p in the tails */
    const double y = FrgTargetQuantile(&t, q[k]), density = exp(-x[k] * x[k] / (2 * a)) / sqrt(2 * 3.141592653589793 * a);
    if (fabs(x[k] - y) > 1e-14 * (1 + fabs(x[k])) + 2e-16 / density) bad++, printf("q = %.17g: sweep %.17g bisection %.17g\n", q[k], x[k], y);
  }
  srand(2);
  for (int k = 0; k < M; k++) r[k] = ref[k] = (2.0 * rand() / RAND_MAX - 1) * pow(10, rand() % 40 - 20);
  r[0] = ref[0] = 0.0, r[1] = ref[1] = -INFINITY, r[2] = ref[2] = 5.0, r[3] = ref[3] = 5.0;
  qsort(ref, M, sizeof(double), FrgCompareReal);
  FrgSortReals(M, r, work);
  for (int k = 0; k < M; k++) bad += r[k] != ref[k];
  printf("sorted kernels: %d mismatches (sweep quantile vs bisection, radix sort vs qsort)\n", bad);
  return bad;
}

int main(void)
{
  const int bad = FrgTestTable(1.7) + FrgTestTarget(1.7) + FrgTestSortedKernels(1.7);
  printf("%s\n", bad ? "FAILED" : "ok");
  return bad != 0;
}
