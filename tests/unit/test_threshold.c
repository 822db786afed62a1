/* Unit test of the threshold functions (src/physics/threshold.c):
 *  1. Litim: the analytic l^(j)(w) = (-1)^j j!/(1+w)^(j+1) against GSL quadrature of the same integral
 *     written for a general regulator (checks the quadrature and the normalization (d/2) int ...).
 *  2. exponential and mass_exponential: the tabulated interpolant against direct quadrature at 200
 *     random points per derivative, relative error <= 1e-12 (scaled by max(|l|, |l(0)|)).
 *  4. the flow kernel (include/frg/kernel.h) of a tabulated regulator, D = g/x, g', g'' with
 *     g(x) = l(0) - l(pole x): against direct quadrature of the quotient and of l', l'' at 300 random
 *     points over the whole range w + pole in [e^-29, e^44] (relative 1e-12), against l(0) - l(w) from
 *     two quadratures where that difference has no cancellation (|w| > 0.1), D, g', g'' consistent with
 *     each other by central differences, and the continuation beyond the table.
 *  3. an exact value: the exponential regulator in d = 4 has
 *     l_flow(0) = 2 int_0^inf dy y (y^2 e^y/(e^y-1)^2) / (y e^y/(e^y-1)) = 2 int y^2/(e^y - 1) dy = 4 zeta(3). */
#include <frg/threshold.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

static int failures = 0;

static void check(const char *what, double value, double reference, double tolerance)
{
  double error = fabs(value - reference) / fmax(fabs(reference), 1e-300);
  if (!(error <= tolerance)) {
    failures++;
    printf("FAIL %s: %.16g reference %.16g relative error %.2e > %.1e\n", what, value, reference, error, tolerance);
  }
}

static void check_table(FrgRegulatorType type, double d, double alpha, int derivatives)
{
  FrgThreshold t;
  double       worst = 0;
  if (FrgThresholdInit(&t, type, d, alpha, derivatives, 1)) {
    printf("FAIL: tabulation of regulator %d failed\n", (int)type);
    failures++;
    return;
  }
  srand(7);
  for (int kind = 0; kind < 2; kind++)
    for (int j = 0; j <= derivatives; j++) {
      double scale, l0[FRG_THRESHOLD_MAX_DERIVATIVE + 1];
      FrgThresholdEval(&t, (FrgThresholdKind)kind, 0.0, j, l0);
      scale = fabs(l0[j]);
      for (int k = 0; k < 200; k++) {
        double s = -3.9 + 13.8 * rand() / (double)RAND_MAX, w = exp(s) - t.pole, table[FRG_THRESHOLD_MAX_DERIVATIVE + 1], direct;
        if (FrgThresholdEval(&t, (FrgThresholdKind)kind, w, j, table) || FrgThresholdQuadrature(&t, (FrgThresholdKind)kind, w, j, &direct)) {
          printf("FAIL: evaluation at w = %g\n", w);
          failures++;
          continue;
        }
        worst = fmax(worst, fabs(table[j] - direct) / fmax(fabs(direct), scale));
      }
    }
  printf("regulator %d d %g alpha %g: worst table error relative to direct quadrature %.2e (tolerance 1e-12)\n", (int)type, d, alpha, worst);
  if (!(worst <= 1e-12)) failures++;
  FrgThresholdFree(&t);
}

static void check_kernel(FrgRegulatorType type, double d, double alpha)
{
  FrgThreshold t;
  double       worst = 0, worst_diff = 0, worst_fd = 0, l0;
  if (FrgThresholdInitKernel(&t, type, d, alpha) || FrgThresholdQuadrature(&t, FRG_THRESHOLD_FLOW, 0.0, 0, &l0)) {
    printf("FAIL: kernel tabulation of regulator %d failed\n", (int)type);
    failures++;
    return;
  }
  srand(11);
  for (int k = 0; k < 300; k++) {
    /* x first, then w + pole = pole (1 + x) with 1 + x exact: kernel and quadrature see the same point */
    const double s = -29 + 73.0 * rand() / (double)RAND_MAX, x = exp(s) / t.pole - 1.0, wp = t.pole * (1.0 + x);
    double       E, dE, q, l1, l2;
    const double D = FrgThresholdKernel(&t, x, &E, &dE);
    if (FrgThresholdQuadraturePole(&t, FRG_THRESHOLD_QUOTIENT, wp, 0, &q) || FrgThresholdQuadraturePole(&t, FRG_THRESHOLD_FLOW, wp, 1, &l1) ||
        FrgThresholdQuadraturePole(&t, FRG_THRESHOLD_FLOW, wp, 2, &l2)) {
      printf("FAIL: quadrature at w + pole = %g\n", wp);
      failures++;
      continue;
    }
    worst = fmax(worst, fmax(fabs(D / (t.pole * q) - 1), fmax(fabs(E / (-t.pole * l1) - 1), fabs(dE / (-t.pole * t.pole * l2) - 1))));
    if (fabs(wp - t.pole) > 0.1 && s < 10) { /* g = x D against l(0) - l(w) */
      double l;
      if (!FrgThresholdQuadraturePole(&t, FRG_THRESHOLD_FLOW, wp, 0, &l)) worst_diff = fmax(worst_diff, fabs(x * D - (l0 - l)) / fabs(l0 - l));
    }
    if (s > -12 && s < 6) { /* g' and g'' by central differences of g = x D and of g' (outside, x or g = l(0) - O(1/x) leave no digits to difference) */
      const double hx = 1e-5 * (1 + x), gp = (x + hx) * FrgThresholdKernel(&t, x + hx, NULL, NULL), gm = (x - hx) * FrgThresholdKernel(&t, x - hx, NULL, NULL);
      double       Ep, Em;
      (void)FrgThresholdKernel(&t, x + hx, &Ep, NULL);
      (void)FrgThresholdKernel(&t, x - hx, &Em, NULL);
      worst_fd = fmax(worst_fd, fmax(fabs((gp - gm) / (2 * hx) / E - 1), fabs((Ep - Em) / (2 * hx) / dE - 1)));
    }
  }
  printf("kernel of regulator %d d %g alpha %g: table vs quadrature %.2e (tolerance 1e-12), x D vs l(0) - l(w) %.2e (1e-12), derivatives vs central differences %.2e (1e-5)\n",
         (int)type, d, alpha, worst, worst_diff, worst_fd);
  if (!(worst <= 1e-12) || !(worst_diff <= 1e-12) || !(worst_fd <= 1e-5)) failures++;
  { /* beyond the table: l^(j) ~ w^-(j+1), so D x, E x^2, dE x^3 tend to constants */
    double E1, dE1, E2, dE2;
    const double D1 = FrgThresholdKernel(&t, 1e21, &E1, &dE1), D2 = FrgThresholdKernel(&t, 1e23, &E2, &dE2);
    check("kernel beyond the table: x D constant", D2 * 1e23, D1 * 1e21, 1e-6);
    check("kernel beyond the table: x^2 g' constant", E2 * 1e46, E1 * 1e42, 1e-6);
    check("kernel beyond the table: x^3 g'' constant", dE2 * 1e69, dE1 * 1e63, 1e-6);
    if (!isnan(FrgThresholdKernel(&t, -1.0, NULL, NULL))) {
      printf("FAIL: the kernel at the pole x = -1 is not NaN\n");
      failures++;
    }
  }
  FrgThresholdFree(&t);
}

int main(void)
{
  FrgThreshold litim, e4;
  double       l[FRG_THRESHOLD_MAX_DERIVATIVE + 1], value;

  FrgThresholdInit(&litim, FRG_REGULATOR_LITIM, 3, 1, 4, 1);
  FrgThresholdEval(&litim, FRG_THRESHOLD_FLOW, 0.5, 3, l);
  check("Litim l(0.5)", l[0], 1 / 1.5, 1e-15);
  check("Litim l'''(0.5)", l[3], -6 / pow(1.5, 4), 1e-15);
  FrgThresholdEval(&litim, FRG_THRESHOLD_ETA, 0.5, 0, l);
  check("Litim l_eta(0.5) = (2/(d+2))/(1+w)", l[0], 0.4 / 1.5, 1e-15);

  FrgThresholdInit(&e4, FRG_REGULATOR_EXPONENTIAL, 4, 1, 0, 0);
  if (FrgThresholdQuadrature(&e4, FRG_THRESHOLD_FLOW, 0.0, 0, &value)) failures++;
  check("exponential d=4 l(0) = 4 zeta(3)", value, 4 * 1.2020569031595942854, 1e-13);
  FrgThresholdFree(&e4);

  check_table(FRG_REGULATOR_EXPONENTIAL, 3, 1, 4);
  check_table(FRG_REGULATOR_MASS_EXPONENTIAL, 3, 2, 3);
  check_table(FRG_REGULATOR_MASS_EXPONENTIAL, 2.5, 0.5, 2);
  check_kernel(FRG_REGULATOR_EXPONENTIAL, 3, 1);
  check_kernel(FRG_REGULATOR_MASS_EXPONENTIAL, 3, 2);
  check_kernel(FRG_REGULATOR_MASS_EXPONENTIAL, 2.5, 0.5);
  { /* Litim: the analytic kernel */
    FrgThreshold litim_kernel;
    double       E, dE;
    FrgThresholdInitKernel(&litim_kernel, FRG_REGULATOR_LITIM, 3, 1);
    check("Litim kernel D(0.5) = 1/(1 + x)", FrgThresholdKernel(&litim_kernel, 0.5, &E, &dE), 1 / 1.5, 1e-15);
    check("Litim kernel g'(0.5) = 1/(1 + x)^2", E, 1 / 2.25, 1e-15);
    check("Litim kernel g''(0.5) = -2/(1 + x)^3", dE, -2 / 3.375, 1e-15);
  }
  printf("%s\n", failures ? "test_threshold: FAILED" : "test_threshold: passed");
  return failures ? 1 : 0;
}
