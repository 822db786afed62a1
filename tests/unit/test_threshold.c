/* Unit test of the threshold functions (src/fixedpoint/threshold.c):
 *  1. Litim: the analytic l^(j)(w) = (-1)^j j!/(1+w)^(j+1) against GSL quadrature of the same integral
 *     written for a general regulator (checks the quadrature and the normalization (d/2) int ...).
 *  2. exponential and mass_exponential: the tabulated interpolant against direct quadrature at 200
 *     random points per derivative, relative error <= 1e-12 (scaled by max(|l|, |l(0)|)).
 *  3. an exact value: the exponential regulator in d = 4 has
 *     l_flow(0) = 2 int_0^inf dy y (y^2 e^y/(e^y-1)^2) / (y e^y/(e^y-1)) = 2 int y^2/(e^y - 1) dy = 4 zeta(3). */
#include <frg/fixedpoint.h>
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
  printf("%s\n", failures ? "test_threshold: FAILED" : "test_threshold: passed");
  return failures ? 1 : 0;
}
