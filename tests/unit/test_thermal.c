/* The thermal threshold kernels (include/frg/thermal.h) at seeded random points, for the 50-digit
 * comparison of tests/py/thermal_check.py. One line per point:
 *     B x tau D E dE         the bosonic kernel D = g_B/x, g_B', g_B''
 *     F y tau m_mu gF        the fermionic g_F = l_F(0) - l_F(y)
 * with x from 1e-14 to 1e6 (both signs, x > -1), y from 1e-14 to 1e6, tau = T/k from 1e-4 to 1e4, and
 * exactly 0, 1e-300 and 1e12 (T = 0, deep cold, dimensional reduction), m_mu = mu/k from 0 to 30,
 * some of them next to the Fermi surface e = m_mu. With a second argument "grid": both kernels on a grid of
 * moderate x, y, tau, m_mu instead (for the direct Matsubara sums of tests/py/matsubara_check.py). */
#include <frg.h>
#include <frg/thermal.h>
#include <stdio.h>
#include <string.h>
#include "check.h"

/* 10^(lo + (hi - lo) u), u uniform in [0, 1]. */
static double LogUniform(unsigned long *state, double lo, double hi)
{
  return pow(10.0, lo + (hi - lo) * 0.5 * (Random(state) + 1.0));
}

static double Temperature(unsigned long *state, int i)
{
  static const double special[] = {0.0, 1e-300, 1e12};
  return i % 7 < 3 ? special[i % 7] : LogUniform(state, -4, 4);
}

int main(int argc, char **argv)
{
  unsigned long state = 20261203UL;
  const int     points = argc > 1 ? atoi(argv[1]) : 400;

  if (argc > 2 && !strcmp(argv[2], "grid")) {
    static const double mass[] = {-0.5, 0.01, 0.5, 3.0, 10.0}, temperature[] = {0.05, 0.3, 2.0}, chemical[] = {0.0, 0.5, 1.2, 2.5};
    for (int i = 0; i < 5; i++)
      for (int j = 0; j < 3; j++) {
        double       E, dE;
        const double D = FrgThermalBoson(mass[i], temperature[j], &E, &dE);
        printf("B %.17g %.17g %.17g %.17g %.17g\n", mass[i], temperature[j], D, E, dE);
        for (int c = 0; c < 4 && mass[i] > 0; c++) printf("F %.17g %.17g %.17g %.17g\n", mass[i], temperature[j], chemical[c], FrgThermalFermion(mass[i], temperature[j], chemical[c]));
      }
    return 0;
  }

  for (int i = 0; i < points; i++) {
    const double tau = Temperature(&state, i), magnitude = LogUniform(&state, -14, 6);
    const double x = Random(&state) < 0 ? -magnitude / (1.0 + magnitude) : magnitude; /* (-1, 0) or (0, 1e6) */
    double       E, dE;
    const double D = FrgThermalBoson(x, tau, &E, &dE);
    printf("B %.17g %.17g %.17g %.17g %.17g\n", x, tau, D, E, dE);
  }
  for (int i = 0; i < points; i++) {
    const double tau = Temperature(&state, i), y = LogUniform(&state, -14, 6);
    double       m_mu = 30.0 * 0.5 * (Random(&state) + 1.0);
    if (i % 5 == 0) m_mu = sqrt(1.0 + y) * (1.0 + 1e-6 * Random(&state)); /* next to the Fermi surface */
    if (i % 11 == 0) m_mu = 0.0;
    printf("F %.17g %.17g %.17g %.17g\n", y, tau, m_mu, FrgThermalFermion(y, tau, m_mu));
  }
  (void)failures;
  return 0;
}
