/* Regulators and their threshold functions, shared by the flows (the kernels of include/frg/kernel.h)
 * and the fixed points (include/frg/fixedpoint.h): plain C on plain numbers (src/physics/threshold.c).
 *
 * For a regulator R_k(q) = Z k^2 p(q^2/k^2) the one-loop flow of the potential in d dimensions is
 *     d_t U = -A_d k^d [ sum over modes of l(m^2/k^2) ],   t = -ln(k/Lambda),
 *     l(w) = (d/2) int_0^inf dy y^(d/2-1) (p - y p') / (y + p + w)
 * (Berges, Tetradis, Wetterich, Phys. Rep. 363 (2002) 223, sec. 4.1, normalized so that Litim's
 * p = (1 - y) theta(1 - y) gives l = 1/(1 + w): Litim, Phys. Rev. D 64 (2001) 105007), and the
 * derivatives l^(j) = (d/2) int y^(d/2-1) (p - y p') (-1)^j j!/(y + p + w)^(j+1); the eta part of LPA'
 * replaces p - y p' by p. l is analytic for w > -pole, pole = min_y (y + p(y)).
 * Regulators: exponential p = y/(e^y - 1) (pole 1), mass-exponential p = alpha e^(-y) (pole alpha
 * for alpha <= 1, 1 + ln alpha above). */
#ifndef FRG_THRESHOLD_H
#define FRG_THRESHOLD_H

#include <math.h>

#define FRG_THRESHOLD_MAX_DERIVATIVE 16

typedef enum {
  FRG_REGULATOR_LITIM,
  FRG_REGULATOR_EXPONENTIAL,     /* p(y) = y / (e^y - 1) */
  FRG_REGULATOR_MASS_EXPONENTIAL /* p(y) = alpha e^(-y) */
} FrgRegulatorType;

/* "litim", "exponential", "mass_exponential", then the PetscOptionsEnum tail */
extern const char *const FrgRegulatorTypes[];

/* The angular factor A_d = 1/((4 pi)^(d/2) Gamma(d/2 + 1)) of the loop integral (1/(6 pi^2) in d = 3,
 * 1 in d = 0), the c_d of doc/physics.md 2.2. */
static inline double FrgAngularFactor(double d)
{
  return 1.0 / (pow(4.0 * 3.14159265358979323846, 0.5 * d) * exp(lgamma(0.5 * d + 1.0)));
}

/* The threshold function l(w) and its derivatives in w, for one regulator and dimension, tabulated in
 * s = ln(w + pole) (Litim: analytic). */
typedef struct {
  FrgRegulatorType type;
  double           d, alpha;
  double           pole;      /* l is analytic for w > -pole: pole = min_y (y + p(y)) */
  double           log_pole;  /* ln(pole), once: the kernel's s = ln(1 + x) + ln(pole) */
  int              tabulated; /* 0: analytic (Litim) */
  int              panels, degree, derivatives, with_eta, kinds;
  double           s_lo, s_hi; /* tables in s = ln(w + pole) */
  double          *coefficients; /* [kind][derivative][panel][degree + 1], Chebyshev coefficients */
} FrgThreshold;

/* Threshold kinds: the regulator's own scale derivative, the eta part (LPA'), and the difference
 * quotient (l(0) - l(w))/w of the flow kernels (no cancellation at small w). */
typedef enum { FRG_THRESHOLD_FLOW = 0, FRG_THRESHOLD_ETA = 1, FRG_THRESHOLD_QUOTIENT = 2 } FrgThresholdKind;

/* Tabulates l^(j), j = 0..derivatives (and the eta kind when with_eta); 0 on success */
int    FrgThresholdInit(FrgThreshold *, FrgRegulatorType, double d, double alpha, int derivatives, int with_eta);
void   FrgThresholdFree(FrgThreshold *);
/* l_kind^(j)(w), j = 0..nder, into out[]; returns 0, or 1 when w is outside the tabulated range. */
int    FrgThresholdEval(const FrgThreshold *, FrgThresholdKind, double w, int nder, double out[]);
/* The same by direct adaptive quadrature (GSL), for tests and for building tables. */
int    FrgThresholdQuadrature(const FrgThreshold *, FrgThresholdKind, double w, int derivative, double *value);
/* The same at w = wp - pole given by its distance wp > 0 from the pole (all digits kept near it). */
int    FrgThresholdQuadraturePole(const FrgThreshold *, FrgThresholdKind, double wp, int derivative, double *value);
/* The combination l(w) = l_flow(w) - (eta/2) l_eta(w) and its derivatives. */
int    FrgThresholdEvalEta(const FrgThreshold *, double eta, double w, int nder, double out[]);

/* The flow kernel of include/frg/kernel.h for a regulator, in x = w/pole (the pole at x = -1):
 * D = g(x)/x, g' and g'' of g(x) = l(0) - l(pole x). FrgThresholdInitKernel tabulates the quotient and
 * l', l'' over the whole range a flow meets, w + pole from e^-30 to e^45 (beyond: the asymptotic
 * power laws l^(j) ~ w^-(j+1); below: the values at e^-30, within 1e-13 of the pole, where double
 * precision ends anyway); Litim is analytic. */
int    FrgThresholdInitKernel(FrgThreshold *, FrgRegulatorType, double d, double alpha);
double FrgThresholdKernel(const FrgThreshold *, double x, double *E, double *dE);

#endif
