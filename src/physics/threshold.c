/* Threshold functions of the LPA flows and fixed points (include/frg/threshold.h):
 *   l_flow^(j)(w) = (d/2) int_0^inf dy y^(d/2-1) (p - y p') (-1)^j j! / (y + p + w)^(j+1),
 *   l_eta^(j)(w)  = (d/2) int_0^inf dy y^(d/2-1) p          (-1)^j j! / (y + p + w)^(j+1),
 *   (l(0) - l(w))/w = (d/2) int_0^inf dy y^(d/2-1) (p - y p') / ((y + p)(y + p + w))   (the quotient),
 * for R_k(q) = Z k^2 p(q^2/k^2) (Berges, Tetradis, Wetterich, Phys. Rep. 363 (2002) 223, sec. 4.1,
 * normalized here so that Litim's p = (1 - y) theta(1 - y) gives l_flow = 1/(1 + w), Litim,
 * Phys. Rev. D 64 (2001) 105007). Regulators: exponential p = y/(e^y - 1), mass-exponential
 * p = alpha e^(-y).
 * Litim is analytic. The others are integrated once by GSL adaptive quadrature (relative tolerance
 * 1e-13) at Chebyshev points of panels in s = ln(w + pole) and evaluated by Clenshaw summation: l is
 * analytic in w for w > -pole, and the logarithmic variable resolves both the (branch-point or pole)
 * behaviour near w = -pole and the w^-(j+1) decay at large w with uniform panels. The denominator is
 * formed as (y + p - pole) + (w + pole) with both parts accurate, so that w + pole = e^s down to 1e-13
 * keeps its digits (y + p + w itself would lose them to the cancellation of p(0) against w). */
#include <frg/threshold.h>
#include <gsl/gsl_integration.h>
#include <gsl/gsl_errno.h>
#include <stdlib.h>

/* the fixed-point tables */
#define FRG_TABLE_S_LO   (-4.0)  /* w + pole >= e^-4 ~ 0.018 */
#define FRG_TABLE_S_HI   (10.0)  /* w + pole <= e^10 ~ 2.2e4 */
#define FRG_TABLE_PANELS 56
#define FRG_TABLE_DEGREE 22
/* the flow kernels' tables: w + pole from 1e-13 (the deep IR of a flat region) to 3.5e19 (k^2 << m^2);
 * the functions are entire in s there, so panels of width 1 at degree 22 interpolate to round-off */
#define FRG_KERNEL_S_LO   (-30.0)
#define FRG_KERNEL_S_HI   (45.0)
#define FRG_KERNEL_PANELS 75

const char *const FrgRegulatorTypes[] = {"litim", "exponential", "mass_exponential", "FrgRegulatorType", "FRG_REGULATOR_", NULL};

typedef struct {
  const FrgThreshold *threshold;
  FrgThresholdKind    kind;
  double              wp; /* w + pole */
  int                 derivative;
  double              centre; /* the integration variable is z = y - centre */
} FrgIntegrand;

/* z + e^-z - 1 >= 0 without cancellation (a series below |z| = 0.1) */
static double FrgShiftedExp(double z)
{
  if (fabs(z) < 0.1) return z * z * (1.0 / 2 - z * (1.0 / 6 - z * (1.0 / 24 - z * (1.0 / 120 - z * (1.0 / 720 - z / 5040)))));
  return z + expm1(-z);
}

/* p(y), p(y) - y p'(y) and y + p(y) - pole of the regulator shape at y = centre + z, each without
 * cancellation (an interior minimum of y + p, at centre = ln alpha, is approached in z itself) */
static void FrgRegulatorShape(const FrgThreshold *t, double centre, double z, double *p, double *flow, double *shifted)
{
  const double y = centre + z;

  if (t->type == FRG_REGULATOR_EXPONENTIAL) {
    const double e = exp(-y), em1 = -expm1(-y); /* 1 - e^-y */
    *p    = y > 1e-300 ? y * e / em1 : 1.0;
    *flow = y > 1e-300 ? y * y * e / (em1 * em1) : 1.0;
    /* y/(1 - e^-y) - 1 = y/2 + y^2/12 - y^4/720 + y^6/30240 - y^8/1209600 (Bernoulli numbers) */
    if (y < 0.1) *shifted = y * (0.5 + y * (1.0 / 12 - y * y * (1.0 / 720 - y * y * (1.0 / 30240 - y * y / 1209600))));
    else *shifted = y / em1 - 1.0;
  } else {
    *p    = t->alpha * exp(-y);
    *flow = t->alpha * (1 + y) * exp(-y);
    /* alpha <= 1: y + alpha (e^-y - 1) = (1 - alpha) y + alpha (y + e^-y - 1); above: z + e^-z - 1, z = y - ln alpha */
    *shifted = t->alpha <= 1 ? (1 - t->alpha) * y + t->alpha * FrgShiftedExp(y) : FrgShiftedExp(centre > 0 ? z : y - log(t->alpha));
  }
}

static double FrgIntegrandEval(double z, void *ctx)
{
  const FrgIntegrand *c = (const FrgIntegrand *)ctx;
  const double        y = c->centre + z;
  double              p, flow, shifted, denominator, value;

  FrgRegulatorShape(c->threshold, c->centre, z, &p, &flow, &shifted);
  denominator = shifted + c->wp;
  value       = 0.5 * c->threshold->d * pow(y, 0.5 * c->threshold->d - 1) * (c->kind == FRG_THRESHOLD_ETA ? p : flow);
  if (c->kind == FRG_THRESHOLD_QUOTIENT) return value / ((shifted + c->threshold->pole) * denominator);
  for (int j = 0; j <= c->derivative; j++) value *= (j ? -(double)j : 1.0) / denominator;
  return value;
}

/* The integral at w + pole = wp > 0, by qags on finite pieces (the endpoint singularity y^(d/2-1) at
 * 0 is extrapolated away) and qagiu above. Near the pole the integrand peaks where y + p(y) is
 * smallest: at y = 0 with width ~ wp (exponential, mass-exponential with alpha <= 1), or at
 * y = ln alpha with width ~ sqrt(2 wp) (alpha > 1, a quadratic minimum); it falls like a power of the
 * distance from there, so the pieces end at that point plus and minus width x 10^k: each piece is
 * smooth on its own scale. */
static int FrgThresholdIntegral(const FrgThreshold *t, FrgThresholdKind kind, double wp, int derivative, double *value)
{
  const int                  interior = t->type == FRG_REGULATOR_MASS_EXPONENTIAL && t->alpha > 1;
  const double               centre = interior ? log(t->alpha) : 0.0, width = interior ? sqrt(2 * wp) : wp;
  FrgIntegrand               ctx = {t, kind, wp, derivative, centre};
  gsl_function               f   = {FrgIntegrandEval, &ctx};
  gsl_integration_workspace *ws;
  gsl_error_handler_t       *old;
  double                     points[64], error = 0, v, e;
  int                        count = 0, status = 0;

  /* the pieces in z = y - centre */
  points[count++] = -centre;
  for (double offset = width * 1e3; interior && offset > width / 2; offset /= 10) /* below the centre, outward in */
    if (offset < centre) points[count++] = -offset;
  if (centre > 0) points[count++] = 0.0;
  for (double offset = width; offset < 1.0 && count < 60; offset *= 10) points[count++] = offset;
  points[count++] = 1.0;
  ws     = gsl_integration_workspace_alloc(1000);
  old    = gsl_set_error_handler_off();
  *value = 0;
  for (int i = 0; i + 1 < count; i++) {
    status |= gsl_integration_qags(&f, points[i], points[i + 1], 0.0, 1e-13, 1000, ws, &v, &e);
    *value += v, error += e;
  }
  status |= gsl_integration_qagiu(&f, points[count - 1], 0.0, 1e-13, 1000, ws, &v, &e);
  *value += v, error += e;
  status = status && !(error <= 1e-13 * fabs(*value)); /* round-off limited at the tolerance asked: accept */
  gsl_set_error_handler(old);
  gsl_integration_workspace_free(ws);
  return status ? 1 : 0;
}

int FrgThresholdQuadrature(const FrgThreshold *t, FrgThresholdKind kind, double w, int derivative, double *value)
{
  if (!t->tabulated) {
    double l[FRG_THRESHOLD_MAX_DERIVATIVE + 1];
    if (FrgThresholdEval(t, kind, w, derivative, l)) return 1;
    *value = l[derivative];
    return 0;
  }
  if (!(w > -t->pole)) return 1;
  return FrgThresholdIntegral(t, kind, w + t->pole, derivative, value);
}

int FrgThresholdQuadraturePole(const FrgThreshold *t, FrgThresholdKind kind, double wp, int derivative, double *value)
{
  if (!t->tabulated) return FrgThresholdQuadrature(t, kind, wp - t->pole, derivative, value);
  if (!(wp > 0)) return 1;
  return FrgThresholdIntegral(t, kind, wp, derivative, value);
}

static double *FrgTableCoefficients(const FrgThreshold *t, FrgThresholdKind kind, int j, int panel)
{
  return t->coefficients + (((size_t)kind * (t->derivatives + 1) + j) * t->panels + panel) * (t->degree + 1);
}

/* Chebyshev coefficients of one panel from values at the Chebyshev-Gauss-Lobatto points */
static int FrgTablePanel(FrgThreshold *t, FrgThresholdKind kind, int j, int panel)
{
  int          n = t->degree;
  double       h = (t->s_hi - t->s_lo) / t->panels, values[FRG_TABLE_DEGREE + 1], *a = FrgTableCoefficients(t, kind, j, panel);
  const double pi = 3.14159265358979323846;

  for (int i = 0; i <= n; i++) {
    double x = cos(pi * i / n), s = t->s_lo + h * (panel + 0.5 * (x + 1));
    if (FrgThresholdIntegral(t, kind, exp(s), j, &values[i])) return 1;
  }
  for (int k = 0; k <= n; k++) {
    double sum = 0;
    for (int i = 0; i <= n; i++) sum += ((i == 0 || i == n) ? 0.5 : 1.0) * values[i] * cos(pi * k * i / n);
    a[k] = 2.0 / n * sum * ((k == 0 || k == n) ? 0.5 : 1.0);
  }
  return 0;
}

/* The regulator's constants; 1 for Litim (analytic, no table). */
static int FrgThresholdSetType(FrgThreshold *t, FrgRegulatorType type, double d, double alpha)
{
  t->type = type, t->d = d, t->alpha = alpha, t->coefficients = NULL, t->tabulated = 0, t->kinds = 0;
  t->pole = type == FRG_REGULATOR_MASS_EXPONENTIAL ? (alpha <= 1 ? alpha : 1 + log(alpha)) : 1.0;
  t->log_pole = log(t->pole);
  return type == FRG_REGULATOR_LITIM;
}

/* Tables of derivatives 0..derivatives of the kinds flagged in kinds (bit per kind) on panels over
 * [s_lo, s_hi]. */
static int FrgThresholdTabulate(FrgThreshold *t, int derivatives, int kinds, double s_lo, double s_hi, int panels)
{
  t->tabulated = 1, t->derivatives = derivatives, t->kinds = kinds, t->panels = panels, t->degree = FRG_TABLE_DEGREE, t->s_lo = s_lo, t->s_hi = s_hi;
  t->coefficients = (double *)malloc(sizeof(double) * 3 * (derivatives + 1) * t->panels * (t->degree + 1));
  if (!t->coefficients) return 1;
  for (int kind = 0; kind < 3; kind++)
    for (int j = 0; j <= (kind == FRG_THRESHOLD_QUOTIENT ? 0 : derivatives); j++)
      for (int panel = 0; panel < t->panels && (kinds >> kind & 1); panel++)
        if (FrgTablePanel(t, (FrgThresholdKind)kind, j, panel)) {
          FrgThresholdFree(t);
          return 1;
        }
  return 0;
}

int FrgThresholdInit(FrgThreshold *t, FrgRegulatorType type, double d, double alpha, int derivatives, int with_eta)
{
  t->derivatives = derivatives, t->with_eta = with_eta;
  if (FrgThresholdSetType(t, type, d, alpha)) return 0;
  /* the eta tables only for LPA' */
  return FrgThresholdTabulate(t, derivatives, 1 << FRG_THRESHOLD_FLOW | (with_eta ? 1 << FRG_THRESHOLD_ETA : 0), FRG_TABLE_S_LO, FRG_TABLE_S_HI, FRG_TABLE_PANELS);
}

int FrgThresholdInitKernel(FrgThreshold *t, FrgRegulatorType type, double d, double alpha)
{
  t->derivatives = 2, t->with_eta = 0;
  if (FrgThresholdSetType(t, type, d, alpha)) return 0;
  return FrgThresholdTabulate(t, 2, 1 << FRG_THRESHOLD_FLOW | 1 << FRG_THRESHOLD_QUOTIENT, FRG_KERNEL_S_LO, FRG_KERNEL_S_HI, FRG_KERNEL_PANELS);
}

void FrgThresholdFree(FrgThreshold *t)
{
  free(t->coefficients);
  t->coefficients = NULL;
}

/* Clenshaw summation of derivatives 0..nder of one kind at s, inside the table. */
static void FrgTableEval(const FrgThreshold *t, FrgThresholdKind kind, double s, int nder, double out[])
{
  const double h     = (t->s_hi - t->s_lo) / t->panels;
  int          panel = (int)((s - t->s_lo) / h);
  double       x;

  if (panel >= t->panels) panel = t->panels - 1;
  if (panel < 0) panel = 0;
  x = 2 * (s - t->s_lo - panel * h) / h - 1;
  for (int j = 0; j <= nder; j++) {
    const double *a = FrgTableCoefficients(t, kind, j, panel);
    double        b1 = 0, b2 = 0;
    for (int k = t->degree; k >= 1; k--) {
      double b0 = a[k] + 2 * x * b1 - b2;
      b2 = b1, b1 = b0;
    }
    out[j] = a[0] + x * b1 - b2;
  }
}

int FrgThresholdEval(const FrgThreshold *t, FrgThresholdKind kind, double w, int nder, double out[])
{
  double s;

  if (!(w > -t->pole)) return 1;
  if (!t->tabulated) {
    if (kind == FRG_THRESHOLD_QUOTIENT) {
      if (nder > 0) return 1;
      out[0] = 1.0 / (1 + w);
      return 0;
    }
    double c = kind == FRG_THRESHOLD_FLOW ? 1.0 : 2.0 / (t->d + 2), inv = 1.0 / (1 + w), f = c * inv;
    for (int j = 0; j <= nder; j++) out[j] = f, f *= -(j + 1) * inv;
    return 0;
  }
  if (nder > (kind == FRG_THRESHOLD_QUOTIENT ? 0 : t->derivatives) || !(t->kinds >> kind & 1)) return 1;
  s = log(w + t->pole);
  if (s < t->s_lo || s > t->s_hi) return 1;
  FrgTableEval(t, kind, s, nder, out);
  return 0;
}

/* x = w/pole: D = pole (l(0) - l(w))/w, g' = -pole l'(w), g'' = -pole^2 l''(w) (include/frg/kernel.h).
 * Beyond the table the power laws l^(j) ~ w^-(j+1) continue it from its end; within e^-30 of the
 * pole it is held at its first value. NaN for x <= -1 (beyond the pole). */
double FrgThresholdKernel(const FrgThreshold *t, double x, double *E, double *dE)
{
  const double pole = t->pole;
  double       s, scale = 1.0, q, l[3];

  if (!t->tabulated) {
    const double D = 1.0 / (1.0 + x);
    if (E) *E = D * D;
    if (dE) *dE = -2.0 * D * D * D;
    return D;
  }
  if (!(x > -1.0)) return NAN;
  s = log1p(x) + t->log_pole; /* ln(w + pole) */
  if (s > t->s_hi) scale = exp(t->s_hi - s), s = t->s_hi;
  if (s < t->s_lo) s = t->s_lo;
  FrgTableEval(t, FRG_THRESHOLD_QUOTIENT, s, 0, &q);
  if (E || dE) FrgTableEval(t, FRG_THRESHOLD_FLOW, s, 2, l);
  if (E) *E = -pole * l[1] * scale * scale;
  if (dE) *dE = -pole * pole * l[2] * scale * scale * scale;
  return pole * q * scale;
}

int FrgThresholdEvalEta(const FrgThreshold *t, double eta, double w, int nder, double out[])
{
  double le[FRG_THRESHOLD_MAX_DERIVATIVE + 1];

  if (FrgThresholdEval(t, FRG_THRESHOLD_FLOW, w, nder, out)) return 1;
  if (eta == 0) return 0;
  if (FrgThresholdEval(t, FRG_THRESHOLD_ETA, w, nder, le)) return 1;
  for (int j = 0; j <= nder; j++) out[j] -= 0.5 * eta * le[j];
  return 0;
}
