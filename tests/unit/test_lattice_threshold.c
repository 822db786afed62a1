/* Unit test of the lattice threshold function (src/lattice/threshold.c), d = 2:
 *   1. the table against the closed form of the square-lattice Green's function at the origin,
 *          I(m^2) = (2/(pi m^2)) K(k),   dI/dm^2 = -(2/pi) E(k)/((1 - k^2) m^4),   k = 8 kappa/m^2,
 *          d^2I/(dm^2)^2 = 2 (E - K + 2 E/(1 - k^2))/(pi m^6 (1 - k^2))   (dK/dk = E/(k k'^2) - K/k, dE/dk = (E - K)/k)
 *      (K, E complete elliptic integrals, GSL; the q_2 integral is 1/sqrt(A^2 - B^2) and the remaining one is
 *      Legendre's form of K), at 3000 points spread in ln(m^2 - 8|kappa|) from 1e-15 to 1e7 (times 8|kappa|),
 *      for kappa > 0, kappa < 0 and several |kappa|: relative error <= 1e-12. K and E come from the
 *      arithmetic-geometric mean started at the complementary modulus k' = sqrt((1 - k)(1 + k)), 1 - k taken
 *      from m^2 - 8|kappa| without cancellation (near the pole, k itself no longer carries the digits of 1 - k,
 *      and GSL's K(k) loses them: 3e-5 at 1 - k = 1e-13); the AGM is checked against GSL where k is safe;
 *   2. the large-m^2 limit: m^2 I -> 1, with m^4 (m^2 I - 1) -> <K^2> = 16 kappa^2;
 *   3. no hopping: I = 1/m^2 exactly; at and beyond the pole the evaluation refuses (returns 1).
 * Exits nonzero on failure. */
#include <frg/lattice.h>
#include <gsl/gsl_sf_ellint.h>
#include <math.h>
#include <stdio.h>

static int failures = 0;

/* K(k) and E(k) from the complementary modulus kc by the AGM (Abramowitz & Stegun 17.6):
 * K = pi/(2 a_N), E = K (1 - sum_n 2^(n-1) c_n^2), c_0 = k. */
static void elliptic_agm(double k, double kc, double *K, double *E)
{
  const double pi = 3.14159265358979323846;
  double       a = 1, b = kc, c = k, sum = 0.5 * k * k, power = 0.5;

  for (int n = 1; n < 40 && fabs(c) > 1e-300; n++) {
    const double an = 0.5 * (a + b);
    c = 0.5 * (a - b), b = sqrt(a * b), a = an;
    power *= 2;
    sum += power * c * c;
  }
  *K = pi / (2 * a);
  *E = *K * (1 - sum);
}

static void check(const char *what, double error, double tolerance)
{
  const int ok = error <= tolerance;
  if (!ok) failures++;
  printf("%s %-78s %.2e (tolerance %.3g)\n", ok ? "ok  " : "BAD ", what, error, tolerance);
}

int main(void)
{
  FrgLatticeThreshold t;
  const double        kappas[4] = {0.25, -0.13, 1.7, 1e-3}, pi = 3.14159265358979323846;
  double              worst_I = 0, worst_dI = 0, worst_ddI = 0, worst_agm = 0, I, dI, three[3];
  char                what[160];

  if (FrgLatticeThresholdInit(&t, 2)) {
    printf("BAD  tabulation failed\nFAILED\n");
    return 1;
  }
  for (int c = 0; c < 4; c++)
    for (int i = 0; i < 750; i++) {
      const double kappa = kappas[c], a = 8 * fabs(kappa), z = -34.5 + (34.5 + 16.1) * (i + 0.37) / 750, m2 = a * (1 + exp(z)), k = a / m2;
      /* the reference at the m2 the table sees: m2 - a is exact (Sterbenz) where it matters, near the pole */
      double       K, E, Iref, dIref, rm1 = (m2 - a) / a, kc = sqrt(rm1 * (2 + rm1)) / (1 + rm1);
      if (FrgLatticeThresholdEval(&t, kappa, m2, &I, &dI)) {
        failures++;
        printf("BAD  evaluation refused at m2 = %.17g, kappa = %g\n", m2, kappa);
        continue;
      }
      elliptic_agm(k, kc, &K, &E);
      if (z > -8) worst_agm = fmax(worst_agm, fabs(K / gsl_sf_ellint_Kcomp(k, GSL_PREC_DOUBLE) - 1) + fabs(E / gsl_sf_ellint_Ecomp(k, GSL_PREC_DOUBLE) - 1));
      Iref     = 2 / (pi * m2) * K;
      dIref    = -2 / pi * E / (kc * kc * m2 * m2);
      worst_I  = fmax(worst_I, fabs(I - Iref) / Iref);
      worst_dI = fmax(worst_dI, fabs(dI - dIref) / fabs(dIref));
      FrgLatticeThresholdEvalDistance(&t, kappa, m2 - a, three);
      worst_ddI = fmax(worst_ddI, fabs(three[2] / (2 * (E - K + 2 * E / (kc * kc)) / (pi * m2 * m2 * m2 * kc * kc)) - 1) + fabs(three[0] - I) / I);
    }
  check("reference: AGM K and E vs GSL's where 1 - k > 3e-4", worst_agm, 1e-13);
  check("I(m^2) vs (2/(pi m^2)) K(8 kappa/m^2), 3000 points, max relative error", worst_I, 1e-12);
  check("dI/dm^2 vs -(2/pi) E/((1-k^2) m^4), max relative error", worst_dI, 1e-12);
  check("d^2I/(dm^2)^2 vs its closed form (evaluated from the pole distance), max relative error", worst_ddI, 1e-11);
  for (int i = 0; i < 3; i++) { /* the next term, <K^4>/m^8 = 576 kappa^4/m^8, is (9/4) (8 kappa/m^2)^2 relative to this one */
    const double kappa = 0.2, m2 = 8 * kappa * pow(10.0, 2 + i), k = 8 * kappa / m2;
    FrgLatticeThresholdEval(&t, kappa, m2, &I, &dI);
    snprintf(what, sizeof(what), "m^4 (m^2 I - 1)/(16 kappa^2) -> 1 at m^2 = 8 kappa x 1e%d", 2 + i);
    check(what, fabs((m2 * I - 1) * m2 * m2 / (16 * kappa * kappa) - 1), 3 * k * k + 1e-15 / (k * k / 4));
  }
  FrgLatticeThresholdEval(&t, 0.0, 3.7, &I, &dI);
  check("kappa = 0: I = 1/m^2, dI = -1/m^4", fabs(I * 3.7 - 1) + fabs(dI * 3.7 * 3.7 + 1), 4e-16);
  FrgLatticeThresholdEvalDistance(&t, 0.0, 3.7, three);
  check("kappa = 0: d^2I/(dm^2)^2 = 2/m^6", fabs(three[2] * 3.7 * 3.7 * 3.7 / 2 - 1), 4e-16);
  check("refuses at the pole m^2 = 8 |kappa|", FrgLatticeThresholdEval(&t, -0.3, 2.4, &I, &dI) ? 0 : 1, 0);
  check("refuses beyond the pole", FrgLatticeThresholdEval(&t, 0.3, 1.0, &I, &dI) ? 0 : 1, 0);
  FrgLatticeThresholdFree(&t);
  printf("%s\n", failures ? "FAILED" : "ok");
  return failures != 0;
}
