/* Threshold functions of the dimensionless LPA flow (include/frg/fixedpoint.h):
 *   l_flow^(j)(w) = (d/2) int_0^inf dy y^(d/2-1) (p - y p') (-1)^j j! / (y + p + w)^(j+1),
 *   l_eta^(j)(w)  = (d/2) int_0^inf dy y^(d/2-1) p          (-1)^j j! / (y + p + w)^(j+1),
 * for R_k(q) = Z k^2 p(q^2/k^2) (Berges, Tetradis, Wetterich, Phys. Rep. 363 (2002) 223, sec. 4.1,
 * normalized here so that Litim's p = (1 - y) theta(1 - y) gives l_flow = 1/(1 + w), Litim,
 * Phys. Rev. D 64 (2001) 105007). Regulators: exponential p = y/(e^y - 1), mass-exponential
 * p = alpha e^(-y).
 * Litim is analytic. The others are integrated once by GSL adaptive quadrature (qagiu, relative
 * tolerance 1e-13) at Chebyshev points of panels in s = ln(w + pole) and evaluated by Clenshaw
 * summation: l is analytic in w for w > -pole, and the logarithmic variable resolves both the
 * (branch-point or pole) behaviour near w = -pole and the 1/w decay at large w with uniform panels. */
#include <frg/fixedpoint.h>
#include <gsl/gsl_integration.h>
#include <gsl/gsl_errno.h>
#include <math.h>
#include <stdlib.h>

#define FRG_TABLE_S_LO   (-4.0)  /* w + pole >= e^-4 ~ 0.018 */
#define FRG_TABLE_S_HI   (10.0)  /* w + pole <= e^10 ~ 2.2e4 */
#define FRG_TABLE_PANELS 56
#define FRG_TABLE_DEGREE 22

typedef struct {
  const FrgThreshold *threshold;
  FrgThresholdKind    kind;
  double              w;
  int                 derivative;
} FrgIntegrand;

/* p(y) and p(y) - y p'(y) of the regulator shape */
static void FrgRegulatorShape(const FrgThreshold *t, double y, double *p, double *flow)
{
  if (t->type == FRG_REGULATOR_EXPONENTIAL) {
    double e = exp(-y), em1 = -expm1(-y); /* 1 - e^-y */
    *p    = y > 1e-300 ? y * e / em1 : 1.0;
    *flow = y > 1e-300 ? y * y * e / (em1 * em1) : 1.0;
  } else {
    *p    = t->alpha * exp(-y);
    *flow = t->alpha * (1 + y) * exp(-y);
  }
}

static double FrgIntegrandEval(double y, void *ctx)
{
  const FrgIntegrand *c = (const FrgIntegrand *)ctx;
  double              p, flow, denominator, value;

  FrgRegulatorShape(c->threshold, y, &p, &flow);
  denominator = y + p + c->w;
  value       = 0.5 * c->threshold->d * pow(y, 0.5 * c->threshold->d - 1) * (c->kind == FRG_THRESHOLD_FLOW ? flow : p);
  for (int j = 0; j <= c->derivative; j++) value *= (j ? -(double)j : 1.0) / denominator;
  return value;
}

int FrgThresholdQuadrature(const FrgThreshold *t, FrgThresholdKind kind, double w, int derivative, double *value)
{
  FrgIntegrand               ctx = {t, kind, w, derivative};
  gsl_function               f   = {FrgIntegrandEval, &ctx};
  gsl_integration_workspace *ws;
  gsl_error_handler_t       *old;
  double                     error;
  int                        status;

  if (!t->tabulated) {
    double l[FRG_THRESHOLD_MAX_DERIVATIVE + 1];
    if (FrgThresholdEval(t, kind, w, derivative, l)) return 1;
    *value = l[derivative];
    return 0;
  }
  if (!(w > -t->pole)) return 1;
  /* [0, 1] by qags (the endpoint singularity y^(d/2-1) is extrapolated away), [1, inf) by qagiu */
  ws  = gsl_integration_workspace_alloc(1000);
  old = gsl_set_error_handler_off();
  {
    double v1, e1, v2, e2;
    int    s1 = gsl_integration_qags(&f, 0.0, 1.0, 0.0, 1e-13, 1000, ws, &v1, &e1);
    int    s2 = gsl_integration_qagiu(&f, 1.0, 0.0, 1e-13, 1000, ws, &v2, &e2);
    *value    = v1 + v2;
    error     = e1 + e2;
    status    = (s1 || s2) && !(error <= 1e-13 * fabs(*value)); /* round-off limited at the tolerance asked: accept */
  }
  gsl_set_error_handler(old);
  gsl_integration_workspace_free(ws);
  return status ? 1 : 0;
}

static double *FrgTableCoefficients(const FrgThreshold *t, FrgThresholdKind kind, int j, int panel)
{
  return t->coefficients + (((size_t)kind * (t->derivatives + 1) + j) * t->panels + panel) * (t->degree + 1);
}

/* Chebyshev coefficients of one panel from values at the Chebyshev-Gauss-Lobatto points */
static int FrgTablePanel(FrgThreshold *t, FrgThresholdKind kind, int j, int panel)
{
  int     n = t->degree;
  double  h = (t->s_hi - t->s_lo) / t->panels, values[FRG_TABLE_DEGREE + 1], *a = FrgTableCoefficients(t, kind, j, panel);
  const double pi = 3.14159265358979323846;

  for (int i = 0; i <= n; i++) {
    double x = cos(pi * i / n), s = t->s_lo + h * (panel + 0.5 * (x + 1));
    if (FrgThresholdQuadrature(t, kind, exp(s) - t->pole, j, &values[i])) return 1;
  }
  for (int k = 0; k <= n; k++) {
    double sum = 0;
    for (int i = 0; i <= n; i++) sum += ((i == 0 || i == n) ? 0.5 : 1.0) * values[i] * cos(pi * k * i / n);
    a[k] = 2.0 / n * sum * ((k == 0 || k == n) ? 0.5 : 1.0);
  }
  return 0;
}

int FrgThresholdInit(FrgThreshold *t, FrgRegulatorType type, double d, double alpha, int derivatives, int with_eta)
{
  t->type = type, t->d = d, t->alpha = alpha, t->coefficients = NULL, t->tabulated = 0;
  t->derivatives = derivatives, t->with_eta = with_eta;
  if (type == FRG_REGULATOR_LITIM) {
    t->pole = 1;
    return 0;
  }
  if (type == FRG_REGULATOR_EXPONENTIAL) t->pole = 1;
  else t->pole = alpha <= 1 ? alpha : 1 + log(alpha);
  t->tabulated = 1, t->panels = FRG_TABLE_PANELS, t->degree = FRG_TABLE_DEGREE, t->s_lo = FRG_TABLE_S_LO, t->s_hi = FRG_TABLE_S_HI;
  t->coefficients = (double *)malloc(sizeof(double) * 2 * (derivatives + 1) * t->panels * (t->degree + 1));
  if (!t->coefficients) return 1;
  for (int kind = 0; kind < (with_eta ? 2 : 1); kind++) /* the eta tables only for LPA' */
    for (int j = 0; j <= derivatives; j++)
      for (int panel = 0; panel < t->panels; panel++)
        if (FrgTablePanel(t, (FrgThresholdKind)kind, j, panel)) {
          FrgThresholdFree(t);
          return 1;
        }
  return 0;
}

void FrgThresholdFree(FrgThreshold *t)
{
  free(t->coefficients);
  t->coefficients = NULL;
}

int FrgThresholdEval(const FrgThreshold *t, FrgThresholdKind kind, double w, int nder, double out[])
{
  double s, h, x;
  int    panel;

  if (!(w > -t->pole)) return 1;
  if (!t->tabulated) {
    double c = kind == FRG_THRESHOLD_FLOW ? 1.0 : 2.0 / (t->d + 2), inv = 1.0 / (1 + w), f = c * inv;
    for (int j = 0; j <= nder; j++) out[j] = f, f *= -(j + 1) * inv;
    return 0;
  }
  if (nder > t->derivatives || (kind == FRG_THRESHOLD_ETA && !t->with_eta)) return 1;
  s = log(w + t->pole);
  if (s < t->s_lo || s > t->s_hi) return 1;
  h     = (t->s_hi - t->s_lo) / t->panels;
  panel = (int)((s - t->s_lo) / h);
  if (panel >= t->panels) panel = t->panels - 1;
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
  return 0;
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
