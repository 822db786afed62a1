/* Thermal threshold functions of the spatial Litim regulator R_k(p) = (k^2 - p^2) theta(k^2 - p^2)
 * (regulating the spatial momenta only, so that the Matsubara sums are analytic): plain C on plain
 * numbers, no PETSc, the kernels of the Yukawa models (src/physics/gny.c, qm.c).
 *
 * With e = E/k the energy of a mode at the regulated momentum (E^2 = k^2 + m^2, so e = sqrt(1 + x)
 * for a mass m^2 = x k^2), tau = T/k and m_mu = mu/k:
 *     boson    l_B(x) = coth(e/(2 tau)) / e                     coth(E/2T) = 1 + 2 n_B(E)
 *     fermion  l_F(y) = [tanh((e - m_mu)/(2 tau)) + tanh((e + m_mu)/(2 tau))] / (2 e)
 *                                                                (= (1 - n_F(E - mu) - n_F(E + mu))/e)
 * (Schaefer & Wambach, Nucl. Phys. A 757, 479 (2005), eq. (17); Stoll et al., arXiv 2108.10616, for
 * 1+1 dimensions). At T = 0: l_B = 1/e and l_F = theta(e - m_mu)/e (1/(2e) on the Fermi surface).
 *
 * A flow needs the loops relative to their value at zero mass, g(x) = l(0) - l(x) (kernel.h: the
 * constant part of d_t U does not move u, and subtracting it keeps huge Lambda from cancelling
 * digits). Both are written without any subtraction of nearly equal numbers:
 *   - e - 1 = x/(1 + e);
 *   - coth A - coth B and tanh B - tanh A as differences of exponentials e^{-2A} - e^{-2B}
 *     = e^{-2A} (-expm1(-2 (B - A))), so that a difference of two nearby arguments keeps its digits;
 *   - every exponential is e^{-2|z|} <= 1: nothing overflows at T = 0 or T -> infinity, and T = 0
 *     itself takes the closed forms (no 0/0 at e = m_mu).
 * The boson kernel returns D = g/x (a sum of two positive terms for every x > -1) with g' and g''
 * (each a sum of positive terms); the fermion kernel returns g_F itself (the source of the flow
 * needs no derivative). tests/unit/test_thermal.c checks them against direct evaluation in 50-digit
 * arithmetic (tests/py/thermal_check.py). */
#ifndef FRG_THERMAL_H
#define FRG_THERMAL_H

#include <math.h>

/* (1 - e^{-2s})/s for s >= 0, smooth through s = 0 (the limit 2). */
static inline double FrgThermalExpRatio(double s)
{
  const double small = s < 1e-8;
  return small ? 2.0 - 2.0 * s : -expm1(-2.0 * s) / (s + small);
}

/* The bosonic kernel: D(x) = g_B(x)/x and, when E, dE are not NULL, g_B'(x), g_B''(x), for x > -1
 * and tau = T/k >= 0. With a = e/(2 tau), a0 = 1/(2 tau), delta = a - a0 = x/(2 tau (1 + e)):
 *     g_B = [ x/(1 + e) coth a0 + (coth a0 - coth a) ] / e,   coth a0 - coth a = sinh(delta)/(sinh a0 sinh a),
 *     D   = [ coth a0 + e^{-2 min(a, a0)} q(|delta|) / (tau (1 - e^{-2 a0}) (1 - e^{-2 a})) ] / (e (1 + e)),
 *           q(s) = (1 - e^{-2 s})/s,
 *     g_B'  = H/(2 e^3),                        H = coth a + a csch^2 a,
 *     g_B'' = -(3 H + 2 a^2 csch^2 a coth a)/(4 e^5). */
static inline double FrgThermalBoson(double x, double tau, double *E, double *dE)
{
  const double e = sqrt(1.0 + x), cold = tau <= 0.0, warm = 1.0 - cold;
  const double inv_2tau = 0.5 / (tau + cold);            /* 1/(2 tau), unused at T = 0 */
  const double a0 = inv_2tau, a = e * inv_2tau, delta = x * inv_2tau / (1.0 + e);
  const double em0 = exp(-2.0 * a0), em = exp(-2.0 * a), one_em0 = -expm1(-2.0 * a0), one_em = -expm1(-2.0 * a);
  const double coth0 = cold ? 1.0 : (1.0 + em0) / one_em0;
  const double near  = exp(-2.0 * (a < a0 ? a : a0)) * FrgThermalExpRatio(fabs(delta)) / ((tau + cold) * one_em0 * one_em);
  const double D     = (coth0 + warm * near) / (e * (1.0 + e));

  if (E || dE) {
    const double coth = cold ? 1.0 : (1.0 + em) / one_em;
    const double csch2 = cold ? 0.0 : 4.0 * em / (one_em * one_em); /* a csch^2 a -> 0 at T = 0 */
    const double ac = cold ? 0.0 : a * csch2, H = coth + ac;
    if (E) *E = H / (2.0 * e * e * e);
    if (dE) *dE = -(3.0 * H + 2.0 * a * ac * coth) / (4.0 * e * e * e * e * e);
  }
  return D;
}

/* tanh(z/(2 tau)) at T = 0: the sign of z (0 at z = 0). */
static inline double FrgThermalSign(double z)
{
  return (double)(z > 0) - (double)(z < 0);
}

/* tanh((A + gap)/(2 tau)) - tanh(A/(2 tau)) for gap >= 0, without cancellation when gap is small: the
 * gap is passed, not recovered from two rounded arguments (e - m_mu and 1 - m_mu differ by e - 1, which
 * next to m_mu = 25 would keep only 10 of its digits). Of one sign (|A + gap| and |A| = p, r with
 * r - p = +-s, s = gap/(2 tau)): tanh r - tanh p = 2 e^{-2 min}(1 - e^{-2s})/((1 + e^{-2p})(1 + e^{-2r})).
 * Of opposite signs (a Fermi surface between them) both tanh add in magnitude: direct. */
static inline double FrgThermalTanhShift(double A, double gap, double tau)
{
  const double B = A + gap;

  if (tau <= 0.0) return FrgThermalSign(B) - FrgThermalSign(A);
  if (A < 0 && B > 0) return tanh(B / (2.0 * tau)) - tanh(A / (2.0 * tau));
  {
    const double near = (A >= 0 ? A : -B) / (2.0 * tau), far = near + gap / (2.0 * tau); /* the magnitudes */
    return 2.0 * exp(-2.0 * near) * -expm1(-gap / tau) / ((1.0 + exp(-2.0 * near)) * (1.0 + exp(-2.0 * far)));
  }
}

/* tanh(a) + tanh(b) = sinh(a + b)/(cosh a cosh b) = 2 (1 - e^{-2(a + b)}) e^{a + b - |a| - |b|}/((1 + e^{-2|a|})(1 + e^{-2|b|}))
 * for a = (1 - m_mu)/(2 tau), b = (1 + m_mu)/(2 tau) >= |a| (m_mu >= 0), a + b = 1/tau: no cancellation
 * between the two at large m_mu, and the exponent a + b - |a| - |b| is 0 or 2a <= 0, taken in that
 * form (formed from the rounded a, b it is a difference of numbers as large as 1/tau). */
static inline double FrgThermalTanhPair(double m_mu, double tau)
{
  if (tau <= 0.0) return FrgThermalSign(1.0 - m_mu) + FrgThermalSign(1.0 + m_mu);
  {
    const double a = (1.0 - m_mu) / (2.0 * tau), b = (1.0 + m_mu) / (2.0 * tau), sum = 1.0 / tau;
    return 2.0 * -expm1(-2.0 * sum) * (a < 0 ? exp(2.0 * a) : 1.0) / ((1.0 + exp(-2.0 * fabs(a))) * (1.0 + exp(-2.0 * b)));
  }
}

/* The fermionic loop relative to zero mass, g_F(y) = l_F(0) - l_F(y), y = h^2 sigma^2/k^2 >= 0, tau = T/k,
 * m_mu = |mu|/k (the loop is even in mu). With e = sqrt(1 + y), t(z) = tanh(z/(2 tau)):
 *     2 e g_F = (e - 1) [t(1 - m_mu) + t(1 + m_mu)] - [t(e - m_mu) - t(1 - m_mu)] - [t(e + m_mu) - t(1 + m_mu)],
 * e - 1 = y/(1 + e). Unlike g_B it changes sign (a Fermi surface makes l_F jump up at e = m_mu), so no
 * split into positive terms exists; each bracket is O(y) and computed without cancellation (at
 * tau >> 1 the three cancel to O(y/tau^3): the fermions decouple, and the absolute error stays at the
 * round-off of each bracket, O(eps y/tau)). */
static inline double FrgThermalFermion(double y, double tau, double m_mu)
{
  const double e = sqrt(1.0 + y), gap = y / (1.0 + e), m = fabs(m_mu);
  const double sum = gap * FrgThermalTanhPair(m, tau) - FrgThermalTanhShift(1.0 - m, gap, tau) - FrgThermalTanhShift(1.0 + m, gap, tau);

  return sum / (2.0 * e);
}

#endif
