/* Fixed points of the dimensionless LPA flow and their critical exponents: plain-C kernels.
 *
 * With rho-hat = rho-tilde / c_d and u = c_d u-hat (c_d = A_d of doc/physics.md 2.2), the flow of
 * v = du/drho (the prefactor c_d drops out) reads, for a regulator R = Z k^2 p(q^2/k^2),
 *   d_t v = -(2 - eta) v + (d - 2 + eta) rho v' + (N - 1) l'(v) v' + l'(W) (3 v' + 2 rho v''),
 *   W = v + 2 rho v',   l(w) = (d/2) int_0^inf dy y^(d/2-1) [p - y p' - eta p/2] / (y + p + w),
 * the derivative in rho of doc/physics.md 2.2 (Wetterich, Phys. Lett. B 301 (1993) 90; Berges, Tetradis,
 * Wetterich, Phys. Rep. 363 (2002) 223, eq. (4.4)). The Litim regulator p = (1 - y) theta(1 - y)
 * gives l(w) = (1 - eta/(d+2)) / (1 + w) (Litim, Phys. Rev. D 64 (2001) 105007).
 * Everything here is plain C on plain numbers, independent of PETSc, so it is unit-testable. */
#ifndef FRG_FIXEDPOINT_H
#define FRG_FIXEDPOINT_H

#include <frg/threshold.h>

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
