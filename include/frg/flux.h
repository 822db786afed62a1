/* Pointwise flux kernels of the conservative LPA flow, plain C on plain numbers.
 *
 * The O(N) Wetterich flow in LPA (DESIGN.md 2.1; Koenigstein et al., PRD 106, 065012 (2022)) for
 * u = dU/dphi reads d_t u = d_phi Q with
 *     Q = -A_d k^{d+2} [ (N-1)/(k^2 + u/phi) + 1/(k^2 + d_phi u) ]          (Litim regulator)
 * or, for a general mass-like regulator r(t) in d = 0,
 *     Q = 1/2 d_t r [ (N-1)/(r + u/phi) + 1/(r + d_phi u) ].
 * A spatially constant part of Q does not change u, so we subtract Q at u = 0, d_phi u = 0. What is
 * left has no cancellation at huge k (the large-k advice of DESIGN.md 3) and no 1/phi:
 *     G = c [ g u/(m2 phi + u) + w/(m2 + w) ],   w = d_phi u,
 * with c = A_d k^d, m2 = k^2 (Litim), or c = -(d_t r)/(2 r), m2 = r (general), and g = N - 1.
 * In the language of conservation laws d_t u + d_phi F(u) = d_phi P(w):
 *     advection  F(u)  = -c g u/(m2 phi + u),   F'(u) = -c g m2 phi/(m2 phi + u)^2
 *     diffusion  P(w)  =  c w/(m2 + w),         P'(w) =  c m2/(m2 + w)^2
 */
#ifndef FRG_FLUX_H
#define FRG_FLUX_H

#include <math.h>

typedef struct {
  double c, m2, goldstone, radial;
} FrgFluxKernelParams;

/* A relative propagator denominator (k^2 + U'/phi over k^2, or k^2 + U'' over k^2) below this counts
 * as near the pole: the flat inner region of a broken phase in the IR. */
#define FRG_POLE_NEAR 0.5

/* Advection flux F(u) at phi and its derivatives dF/du and d2F/du2 (for the Jacobian). */
static inline double FrgFluxAdvection(const FrgFluxKernelParams *p, double phi, double u, double *dF, double *d2F)
{
  const double m2phi = p->m2 * phi, inv = 1.0 / (m2phi + u), cg = p->c * p->goldstone;
  if (dF) *dF = -cg * m2phi * inv * inv;
  if (d2F) *d2F = 2.0 * cg * m2phi * inv * inv * inv;
  return -cg * u * inv;
}

/* Diffusion flux P(w) and its derivative dP/dw. */
static inline double FrgFluxDiffusion(const FrgFluxKernelParams *p, double w, double *dP)
{
  const double inv = 1.0 / (p->m2 + w), cr = p->c * p->radial;
  if (dP) *dP = cr * p->m2 * inv * inv;
  return cr * w * inv;
}

/* minmod of two slopes; *which = -1 (left picked), +1 (right picked), 0 (extremum: slope 0). */
static inline double FrgMinmod(double left, double right, int *which)
{
  if (left * right <= 0.0) {
    *which = 0;
    return 0.0;
  }
  if (fabs(left) <= fabs(right)) {
    *which = -1;
    return left;
  }
  *which = 1;
  return right;
}

#endif
