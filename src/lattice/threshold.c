/* The lattice threshold function of the LPA flow with a momentum-independent regulator (doc/physics.md 2.6):
 *     I(m^2) = int_BZ d^dq/(2 pi)^d 1/(K(q) + m^2),   K(q) = -4 kappa sum_mu cos q_mu,
 * defined for m^2 > 4 d |kappa| (the propagator pole: K(q) + m^2 > 0 on the whole zone). With a = 4 d |kappa| and
 * r = m^2/a, I = J(r)/a for the universal function (kappa < 0 shifts q by pi)
 *     J(r) = int_BZ 1/(r - d^-1 sum_mu cos q_mu) = int_0^inf dt e^{-(r-1) t} [e^{-t/d} I_0(t/d)]^d,
 * the Schwinger (heat-kernel) form: each direction's zone average of e^{(t/d) cos q} is the Bessel function I_0
 * (Abramowitz & Stegun 9.6.19). It is integrated by GSL adaptive quadrature in ln t (the integrand is a smooth
 * bump there, in d = 2 with a plateau that reaches out to t ~ 1/(r - 1)), together with J'(r) and J''(r) (the
 * moments t e^{...} and t^2 e^{...}), and tabulated once as Chebyshev series on unit panels of z = ln(r - 1) in
 * [-36, 10] of
 *     y1(z) = r J(r),   y2(z) = -r (r - 1) J'(r),   y3(z) = r (r - 1)^2 J''(r),
 * all bounded: y1, y2 -> 1 and y3 -> 2 as r -> infinity (J ~ 1/r), and in d = 2 y1 grows linearly in -z while
 * y2 and y3 tend to constants at the pole (the logarithmic divergence of I, J' ~ 1/(r - 1)). Beyond the panels:
 *     z > 10:  J = r^-1 (1 + c2/r^2), J' = -r^-2 (1 + 3 c2/r^2), J'' = 2 r^-3 (1 + 6 c2/r^2), c2 = <(d^-1 sum cos)^2>
 *              = 1/(2d) (the next terms are below 1e-17 relative);
 *     z < -36: y1 continued linearly with dy1/dz = (r - 1) J - y2 ~ -y2, y2 and y3 constant (r - 1 < 2.4e-16 is at
 *              the last digits of r anyway).
 * The evaluation takes the distance from the pole, m^2 - 4 d |kappa|, so that a caller who knows it (the flow's
 * variable, src/lattice/model.c) loses no digits near the pole.
 * d = 2 has the closed form J(r) = (2/(pi r)) K(1/r) (complete elliptic integral; the lattice Green's function
 * at the origin), which the unit test uses (tests/unit/test_lattice_threshold.c). */
#include <frg/lattice.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_integration.h>
#include <gsl/gsl_sf_bessel.h>
#include <math.h>
#include <stdlib.h>

#define FRG_LT_Z_LO   (-36.0)
#define FRG_LT_Z_HI   (10.0)
#define FRG_LT_PANELS 46
#define FRG_LT_DEGREE 18

typedef struct {
  int    d, power; /* integrand t^power e^{-(r-1) t} [I_0 scaled]^d, in the variable v = ln t */
  double rm1;
} FrgLTIntegrand;

static double FrgLTIntegrandEval(double v, void *ctx)
{
  const FrgLTIntegrand *c = (const FrgLTIntegrand *)ctx;
  const double          t = exp(v);
  return pow(t, c->power) * exp(-c->rm1 * t) * pow(gsl_sf_bessel_I0_scaled(t / c->d), c->d);
}

int FrgLatticeThresholdQuadrature(int d, double rm1, double J[3])
{
  FrgLTIntegrand             ctx = {d, 1, rm1};
  gsl_function               f   = {FrgLTIntegrandEval, &ctx};
  gsl_integration_workspace *ws  = gsl_integration_workspace_alloc(2000);
  gsl_error_handler_t       *old = gsl_set_error_handler_off();
  /* below t = e^-45 the integral is < 3e-20; beyond (r - 1) t = 50 the exponential ends it; 2e-14 is
   * about GSL's smallest relative tolerance (50 DBL_EPSILON) */
  const double lo = -45.0, hi = log(50.0 / rm1), mid = fmin(0.0, hi - 1), cut = fmax(mid, hi - 5);
  double       v[9] = {0}, e[9] = {0};
  int          status = 0;

  if (!(rm1 > 0) || !ws) {
    gsl_integration_workspace_free(ws);
    gsl_set_error_handler(old);
    return 1;
  }
  for (int k = 0; k < 3; k++) { /* J^(k) = (-1)^k int t^k ...; the pieces: the rise, the plateau, the cut-off */
    ctx.power = k + 1;
    status |= gsl_integration_qag(&f, lo, mid, 0, 2e-14, 2000, GSL_INTEG_GAUSS41, ws, &v[3 * k], &e[3 * k]) && !(e[3 * k] <= 1e-13 * fabs(v[3 * k]));
    status |= gsl_integration_qag(&f, mid, cut, 0, 2e-14, 2000, GSL_INTEG_GAUSS41, ws, &v[3 * k + 1], &e[3 * k + 1]) && !(e[3 * k + 1] <= 1e-13 * fabs(v[3 * k + 1]));
    v[3 * k + 2] = 0, e[3 * k + 2] = 0;
    if (hi > cut) status |= gsl_integration_qag(&f, cut, hi, 0, 2e-14, 2000, GSL_INTEG_GAUSS41, ws, &v[3 * k + 2], &e[3 * k + 2]) && !(e[3 * k + 2] <= 1e-13 * fabs(v[3 * k + 2]));
  }
  for (int k = 0; k < 3; k++) J[k] = (k % 2 ? -1 : 1) * (v[3 * k] + v[3 * k + 1] + v[3 * k + 2]);
  gsl_set_error_handler(old);
  gsl_integration_workspace_free(ws);
  return status ? 1 : 0;
}

/* Chebyshev coefficients of (y1, y2, y3) on one panel from values at the Chebyshev-Gauss-Lobatto points. */
static int FrgLTPanel(FrgLatticeThreshold *t, int panel)
{
  const int    n = FRG_LT_DEGREE;
  const double pi = 3.14159265358979323846, width = (FRG_LT_Z_HI - FRG_LT_Z_LO) / FRG_LT_PANELS;
  double       values[3][FRG_LT_DEGREE + 1];

  for (int i = 0; i <= n; i++) {
    const double z = FRG_LT_Z_LO + width * (panel + 0.5 * (cos(pi * i / n) + 1)), rm1 = exp(z), r = 1 + rm1;
    double       J[3];
    if (FrgLatticeThresholdQuadrature(t->d, rm1, J)) return 1;
    values[0][i] = r * J[0];
    values[1][i] = -r * rm1 * J[1];
    values[2][i] = r * rm1 * rm1 * J[2];
  }
  for (int c = 0; c < 3; c++)
    for (int k = 0; k <= n; k++) {
      double sum = 0;
      for (int i = 0; i <= n; i++) sum += ((i == 0 || i == n) ? 0.5 : 1.0) * values[c][i] * cos(pi * k * i / n);
      t->coefficients[((size_t)panel * 3 + c) * (n + 1) + k] = 2.0 / n * sum * ((k == 0 || k == n) ? 0.5 : 1.0);
    }
  return 0;
}

int FrgLatticeThresholdInit(FrgLatticeThreshold *t, int d)
{
  t->d            = d;
  t->coefficients = (double *)malloc(sizeof(double) * FRG_LT_PANELS * 3 * (FRG_LT_DEGREE + 1));
  if (!t->coefficients) return 1;
  for (int panel = 0; panel < FRG_LT_PANELS; panel++)
    if (FrgLTPanel(t, panel)) {
      FrgLatticeThresholdFree(t);
      return 1;
    }
  return 0;
}

void FrgLatticeThresholdFree(FrgLatticeThreshold *t)
{
  free(t->coefficients);
  t->coefficients = NULL;
}

/* (y1, y2, y3) at z inside the panels by Clenshaw summation. */
static void FrgLTSeries(const FrgLatticeThreshold *t, double z, double y[3])
{
  const double width = (FRG_LT_Z_HI - FRG_LT_Z_LO) / FRG_LT_PANELS;
  int          panel = (int)((z - FRG_LT_Z_LO) / width);
  double       x;

  if (panel >= FRG_LT_PANELS) panel = FRG_LT_PANELS - 1;
  if (panel < 0) panel = 0;
  x = 2 * (z - FRG_LT_Z_LO - panel * width) / width - 1;
  for (int c = 0; c < 3; c++) {
    const double *a  = t->coefficients + ((size_t)panel * 3 + c) * (FRG_LT_DEGREE + 1);
    double        b1 = 0, b2 = 0;
    for (int k = FRG_LT_DEGREE; k >= 1; k--) {
      const double b0 = a[k] + 2 * x * b1 - b2;
      b2 = b1, b1 = b0;
    }
    y[c] = a[0] + x * b1 - b2;
  }
}

int FrgLatticeThresholdEvalDistance(const FrgLatticeThreshold *t, double kappa, double distance, double I[3])
{
  const double a = 4.0 * t->d * fabs(kappa);
  double       rm1, r, z, y[3], J[3];

  if (!(distance > 0)) return 1;
  if (kappa == 0) { /* no hopping: the propagator is 1/m^2 */
    I[0] = 1 / distance, I[1] = -I[0] * I[0], I[2] = -2 * I[0] * I[1];
    return 0;
  }
  rm1 = distance / a, r = 1 + rm1, z = log(rm1);
  if (z > FRG_LT_Z_HI) {
    const double c2 = 0.5 / t->d, q = 1 / (r * r);
    J[0] = (1 + c2 * q) / r;
    J[1] = -q * (1 + 3 * c2 * q);
    J[2] = 2 * q / r * (1 + 6 * c2 * q);
  } else {
    FrgLTSeries(t, fmax(z, FRG_LT_Z_LO), y);
    if (z < FRG_LT_Z_LO) y[0] -= y[1] * (z - FRG_LT_Z_LO);
    J[0] = y[0] / r;
    J[1] = -y[1] / (r * rm1);
    J[2] = y[2] / (r * rm1 * rm1);
  }
  I[0] = J[0] / a, I[1] = J[1] / (a * a), I[2] = J[2] / (a * a * a);
  return 0;
}

int FrgLatticeThresholdEval(const FrgLatticeThreshold *t, double kappa, double m2, double *value, double *slope)
{
  double I[3];

  if (FrgLatticeThresholdEvalDistance(t, kappa, m2 - 4.0 * t->d * fabs(kappa), I)) return 1;
  *value = I[0], *slope = I[1];
  return 0;
}
