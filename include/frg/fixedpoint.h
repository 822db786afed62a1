/* Fixed points of the dimensionless LPA flow and their critical exponents: plain-C kernels.
 *
 * With rho-hat = rho-tilde / c_d and u = c_d u-hat (c_d = A_d of DESIGN.md 2.2), the flow of
 * v = du/drho (the prefactor c_d drops out) reads, for a regulator R = Z k^2 p(q^2/k^2),
 *   d_t v = -(2 - eta) v + (d - 2 + eta) rho v' + (N - 1) l'(v) v' + l'(W) (3 v' + 2 rho v''),
 *   W = v + 2 rho v',   l(w) = (d/2) int_0^inf dy y^(d/2-1) [p - y p' - eta p/2] / (y + p + w),
 * the derivative in rho of DESIGN.md 2.2 (Wetterich, Phys. Lett. B 301 (1993) 90; Berges, Tetradis,
 * Wetterich, Phys. Rep. 363 (2002) 223, eq. (4.4)). The Litim regulator p = (1 - y) theta(1 - y)
 * gives l(w) = (1 - eta/(d+2)) / (1 + w) (Litim, Phys. Rev. D 64 (2001) 105007).
 * Everything here is plain C on plain numbers, independent of PETSc, so it is unit-testable. */
#ifndef FRG_FIXEDPOINT_H
#define FRG_FIXEDPOINT_H

#define FRG_THRESHOLD_MAX_DERIVATIVE 16

typedef enum {
  FRG_REGULATOR_LITIM,
  FRG_REGULATOR_EXPONENTIAL,     /* p(y) = y / (e^y - 1) */
  FRG_REGULATOR_MASS_EXPONENTIAL /* p(y) = alpha e^(-y) */
} FrgRegulatorType;

/* The threshold function l(w) and its derivatives in w, for one regulator and dimension. */
typedef struct {
  FrgRegulatorType type;
  double           d, alpha;
  double           pole;      /* l is analytic for w > -pole: pole = min_y (y + p(y)) */
  int              tabulated; /* 0: analytic (Litim) */
  int              panels, degree, derivatives, with_eta;
  double           s_lo, s_hi; /* tables in s = ln(w + pole) */
  double          *coefficients; /* [kind][derivative][panel][degree + 1], Chebyshev coefficients */
} FrgThreshold;

/* Threshold kinds: the regulator's own scale derivative, and the eta part (LPA'). */
typedef enum { FRG_THRESHOLD_FLOW = 0, FRG_THRESHOLD_ETA = 1 } FrgThresholdKind;

/* Tabulates l^(j), j = 0..derivatives (and the eta kind when with_eta); 0 on success */
int    FrgThresholdInit(FrgThreshold *, FrgRegulatorType, double d, double alpha, int derivatives, int with_eta);
void   FrgThresholdFree(FrgThreshold *);
/* l_kind^(j)(w), j = 0..nder, into out[]; returns 0, or 1 when w is outside the tabulated range. */
int    FrgThresholdEval(const FrgThreshold *, FrgThresholdKind, double w, int nder, double out[]);
/* The same by direct adaptive quadrature (GSL), for tests and for building tables. */
int    FrgThresholdQuadrature(const FrgThreshold *, FrgThresholdKind, double w, int derivative, double *value);
/* The combination l(w) = l_flow(w) - (eta/2) l_eta(w) and its derivatives. */
int    FrgThresholdEvalEta(const FrgThreshold *, double eta, double w, int nder, double out[]);

/* Parameters of the dimensionless LPA fixed-point problem. */
typedef struct {
  double              N, d, eta;
  const FrgThreshold *threshold;
} FrgFixedPointParams;

/* Pointwise flow d_t v at rho from v, v', v'' and its partial derivatives (dflow[0..2] with respect
 * to v, v', v''); returns 1 outside the domain of the threshold functions (W or v below -pole). */
int FrgFixedPointFlow(const FrgFixedPointParams *, double rho, double v, double v1, double v2, double *flow, double dflow[3]);

/* Chebyshev-Gauss-Lobatto points on [0, rho_max] (ascending) and the first-derivative matrix
 * D1 (row major, (n+1) x (n+1)). */
void FrgChebyshevPoints(int n, double rho_max, double rho[], double D1[]);

/* The order-2 Taylor fixed point (kappa, lambda) in hat units, by bisection in m = 2 kappa lambda;
 * returns 0 on success, 1 when the order-2 truncation has no Wilson-Fisher fixed point. */
int FrgFixedPointOrder2Seed(const FrgFixedPointParams *, double *kappa, double *lambda);

/* Taylor truncation of order n (src/fixedpoint/taylor.c): y = (kappa, a_1, ..., a_{n-1}) in hat units,
 * v = sum_j a_j (rho - kappa)^j. Beta functions, their Jacobian (column major, n x n), and the fixed
 * point found from the order-2 seed by continuation in the order. All return 0 on success. */
int FrgTaylorBeta(const FrgFixedPointParams *, int order, const double y[], double beta[]);
int FrgTaylorJacobian(const FrgFixedPointParams *, int order, const double y[], double J[]);
int FrgTaylorFixedPoint(const FrgFixedPointParams *, int order, double y[], double *residual, int *iterations);
/* For the error estimate: the Jacobian with difference steps scaled by scale, and one full Newton step
 * from y into refined. */
int FrgTaylorJacobianScaled(const FrgFixedPointParams *, int order, const double y[], double scale, double J[]);
int FrgTaylorRefine(const FrgFixedPointParams *, int order, const double y[], double refined[]);

#endif
