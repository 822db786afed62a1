/* Unit test of the smoothed log-density route's kernels (src/diffusion/density_kernels.c): the exact
 * Jacobian band of FrgDensityRate against central differences of the rate, row by row, including
 * the rows whose stencil reaches the ghost cells at both ends, on a smooth state and a rough one.
 * Central differences with step 1e-6 (relative) are accurate to about 1e-9 here; the tolerance is
 * 1e-7 relative to the largest entry of the row. Prints one line per check; exits nonzero if any fails. */
#include <frg/diffusion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

static int failures = 0;

static void Report(int ok, const char *what, double err, double tol)
{
  if (!ok) failures++;
  printf("%s %-70s error %.2e (tolerance %.0e)\n", ok ? "ok  " : "BAD ", what, err, tol);
}

/* Uniform in [-1, 1] (Knuth's MMIX linear congruential step). */
static double Random(unsigned long *state)
{
  *state = *state * 6364136223846793005UL + 1442695040888963407UL;
  return 2.0 * (double)(*state >> 11) / 9007199254740992.0 - 1.0;
}

#define N 40

static double Check(const double *v0, double h, double tau)
{
  double v[N], fp[N], fm[N], band[5 * N], worst = 0;

  FrgDensityJacobianBand(N, h, tau, v0, band);
  for (int j = 0; j < N; j++) { /* column j by central differences */
    const double eps = 1e-6 * (1 + fabs(v0[j]));
    for (int i = 0; i < N; i++) v[i] = v0[i];
    v[j] = v0[j] + eps;
    FrgDensityRate(N, h, tau, v, fp);
    v[j] = v0[j] - eps;
    FrgDensityRate(N, h, tau, v, fm);
    for (int i = 0; i < N; i++) {
      const double fd = (fp[i] - fm[i]) / (2 * eps), exact = (j - i >= -2 && j - i <= 2) ? band[5 * i + j - i + 2] : 0.0;
      double       rowmax = 0;
      for (int c = 0; c < 5; c++) rowmax = fmax(rowmax, fabs(band[5 * i + c]));
      worst = fmax(worst, fabs(fd - exact) / rowmax);
    }
  }
  return worst;
}

int main(void)
{
  double        v[N], err;
  const double  h     = 0.05;
  unsigned long state = 3;

  for (int i = 0; i < N; i++) v[i] = tanh((i - N / 2) * h) + 0.3 * (i * h) * (i * h);
  err = Check(v, h, log(0.5));
  Report(err < 1e-7, "density route: Jacobian band vs central differences, smooth v", err, 1e-7);
  for (int i = 0; i < N; i++) v[i] += 0.2 * Random(&state);
  err = Check(v, h, log(3.0));
  Report(err < 1e-7, "density route: Jacobian band vs central differences, rough v", err, 1e-7);
  return failures ? 1 : 0;
}
