/* Kurganov-Tadmor interface flux, plain C on plain numbers (Kurganov & Tadmor, J. Comput. Phys.
 * 160, 241 (2000), eq. (4.2)-(4.4), semi-discrete form; minmod-limited linear reconstruction).
 * For d_t u + d_phi F(u) = d_phi P(d_phi u) the semi-discrete scheme is
 *     du_i/dt = (G_{i+1/2} - G_{i-1/2}) / h,    G = P(w) - H,  w = (u_{j+1} - u_j)/h,
 *     H = [F(u+) + F(u-)]/2 - a (u+ - u-)/2,   a = max(|F'(u-)|, |F'(u+)|),
 *     u- = u_j + s_j/2,  u+ = u_{j+1} - s_{j+1}/2.
 * The reconstructed quantity is the Goldstone propagator denominator q = m2 phi + u (the pole
 * distance) rather than u: they differ by a linear function, so the scheme stays second order, and
 * minmod keeps q+- between neighbouring cell averages, so the interface denominators stay positive
 * whenever the cells are (with u itself, an interface could cross the pole k^2 + u/phi = 0 in the
 * broken phase while no cell does). In terms of u the slope is
 *     s_j = minmod(u_j - u_{j-1} + m2 h, u_{j+1} - u_j + m2 h) - m2 h,
 * evaluated without cancellation (FrgMinmodShifted); without a Goldstone term the shift is 0.
 * The Jacobian variant returns dG/du_{j-1}, ..., dG/du_{j+2}: minmod and max are piecewise linear,
 * so the derivative of the branch taken is exact almost everywhere. */
#ifndef FRG_KT_H
#define FRG_KT_H

#include <frg/flux.h>
#include <petscsystypes.h> /* PetscInt and PetscErrorCode, for the loop form below */

/* minmod(left + shift, right + shift) - shift, computed without forming left + shift (shift = m2 h
 * is 1e22 at Lambda = 1e12): when both shifted slopes are positive the smaller is left or right
 * itself, when both are negative the larger, otherwise the q-slope is 0. *which as in FrgMinmod. */
static inline double FrgMinmodShifted(double left, double right, double shift, int *which)
{
  const double ql = left + shift, qr = right + shift; /* signs only */

  if ((ql > 0 && qr > 0) || (ql < 0 && qr < 0)) {
    const int pick_left = ql > 0 ? left <= right : left >= right;
    *which              = pick_left ? -1 : 1;
    return pick_left ? left : right;
  }
  *which = 0;
  return -shift;
}

/* Flux G_{j+1/2} at the interface at phi from the four cell values um1 = u_{j-1} .. up2 = u_{j+2}.
 * *denominator receives the smallest propagator denominator met (m2 phi + u for the Goldstone term,
 * m2 + w for the radial one, both scaled to 1/m2): it must stay positive, since the exact flow never
 * crosses the pole k^2 + U'' = 0 (convexity is restored from above). */
static inline double FrgKTFlux(const FrgFluxKernelParams *p, double phi, double h, double um1, double u0, double up1, double up2, double *denominator)
{
  int          which;
  const double shift = p->goldstone != 0.0 ? p->m2 * h : 0.0;
  const double sl = FrgMinmodShifted(u0 - um1, up1 - u0, shift, &which), sr = FrgMinmodShifted(up1 - u0, up2 - up1, shift, &which);
  const double uminus = u0 + 0.5 * sl, uplus = up1 - 0.5 * sr;
  double       H = 0.0;

  if (p->goldstone != 0.0) {
    double       dFm, dFp;
    const double Fm = FrgFluxAdvection(p, phi, uminus, &dFm, NULL), Fp = FrgFluxAdvection(p, phi, uplus, &dFp, NULL);
    const double a = fmax(fabs(dFm), fabs(dFp));
    H              = 0.5 * (Fp + Fm) - 0.5 * a * (uplus - uminus);
    *denominator   = fmin(*denominator, fmin(p->m2 * phi + uminus, p->m2 * phi + uplus) / (p->m2 * phi));
  }
  *denominator = fmin(*denominator, 1.0 + (up1 - u0) / (h * p->m2));
  return FrgFluxDiffusion(p, (up1 - u0) / h, NULL) - H;
}

/* The same flux and its derivatives dG[0..3] with respect to u_{j-1}, u_j, u_{j+1}, u_{j+2}. */
static inline double FrgKTFluxJacobian(const FrgFluxKernelParams *p, double phi, double h, double um1, double u0, double up1, double up2, double dG[4])
{
  int          wl, wr;
  const double shift = p->goldstone != 0.0 ? p->m2 * h : 0.0;
  const double sl = FrgMinmodShifted(u0 - um1, up1 - u0, shift, &wl), sr = FrgMinmodShifted(up1 - u0, up2 - up1, shift, &wr);
  const double uminus = u0 + 0.5 * sl, uplus = up1 - 0.5 * sr;
  /* d u-/d u_{j-1..j+2} and d u+/d u_{j-1..j+2} through the branch minmod took */
  const double dum[4] = {wl < 0 ? -0.5 : 0.0, 1.0 + (wl < 0 ? 0.5 : 0.0) - (wl > 0 ? 0.5 : 0.0), wl > 0 ? 0.5 : 0.0, 0.0};
  const double dup[4] = {0.0, wr < 0 ? 0.5 : 0.0, 1.0 - (wr < 0 ? 0.5 : 0.0) + (wr > 0 ? 0.5 : 0.0), wr > 0 ? -0.5 : 0.0};
  double       dP, H = 0.0, dHm = 0.0, dHp = 0.0;
  const double P = FrgFluxDiffusion(p, (up1 - u0) / h, &dP);

  if (p->goldstone != 0.0) {
    double       dFm, dFp, d2Fm, d2Fp, a, dam = 0.0, dap = 0.0;
    const double Fm = FrgFluxAdvection(p, phi, uminus, &dFm, &d2Fm), Fp = FrgFluxAdvection(p, phi, uplus, &dFp, &d2Fp);
    if (fabs(dFm) >= fabs(dFp)) {
      a   = fabs(dFm);
      dam = (dFm >= 0 ? 1.0 : -1.0) * d2Fm;
    } else {
      a   = fabs(dFp);
      dap = (dFp >= 0 ? 1.0 : -1.0) * d2Fp;
    }
    H   = 0.5 * (Fp + Fm) - 0.5 * a * (uplus - uminus);
    dHm = 0.5 * dFm + 0.5 * a - 0.5 * (uplus - uminus) * dam;
    dHp = 0.5 * dFp - 0.5 * a - 0.5 * (uplus - uminus) * dap;
  }
  for (int c = 0; c < 4; c++) dG[c] = -(dHm * dum[c] + dHp * dup[c]);
  dG[1] -= dP / h;
  dG[2] += dP / h;
  return P - H;
}

/* FrgKTFluxJacobian at the interfaces j + 1/2, j = xs - 1 + m, m = first..last, at phi = x0 + (j +
 * 1/2) h (cell j centred at x0 + j h), as branch-free loops that vectorize, bit for bit the same
 * values: dG[c][m] = dG/du_{j-1+c}. u is indexed by cell (u[j-1..j+2] are read), as the ghosted
 * DMDA array. Not collective. (src/discretization/kt_jacobian_simd.c) */
PetscErrorCode FrgKTFluxJacobians(const FrgFluxKernelParams *p, double x0, double h, const double *u, PetscInt xs, PetscInt first, PetscInt last, double *const dG[4]);

#endif
