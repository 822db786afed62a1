/* The Kurganov-Tadmor scheme of the conservative flows (Kurganov & Tadmor, J. Comput. Phys. 160, 241
 * (2000), eq. (4.2)-(4.4), semi-discrete form; minmod-limited linear reconstruction). For
 * d_t u + d_phi F(u) = d_phi P(d_phi u) + d_phi S(phi) the semi-discrete scheme is
 *     du_i/dt = (G_{i+1/2} - G_{i-1/2}) / h,    G = P(w) - H + S,  w = (u_{j+1} - u_j)/h,
 *     H = [F(u+) + F(u-)]/2 - a (u+ - u-)/2,   a = max(|F'(u-)|, |F'(u+)|),
 *     u- = u_j + s_j/2,  u+ = u_{j+1} - s_{j+1}/2.
 * The reconstructed quantity is the Goldstone propagator denominator q = m2 phi + u (the pole
 * distance) rather than u: they differ by a linear function, so the scheme stays second order, and
 * minmod keeps q+- between neighbouring cell averages, so the interface denominators stay positive
 * whenever the cells are (with u itself, an interface could cross the pole k^2 + u/phi = 0 in the
 * broken phase while no cell does). In terms of u the slope is
 *     s_j = minmod(u_j - u_{j-1} + m2 h, u_{j+1} - u_j + m2 h) - m2 h,
 * evaluated without cancellation (FrgMinmodShifted); without a Goldstone term there is no F and no
 * reconstruction. The kernels F, P, S of a model are include/frg/kernel.h; the loops over interfaces
 * that apply this scheme to them are include/frg/kt_loops.h. The Jacobian loop returns
 * dG/du_{j-1}, ..., dG/du_{j+2}: minmod and max are piecewise linear, so the derivative of the
 * branch taken is exact almost everywhere. */
#ifndef FRG_KT_H
#define FRG_KT_H

#include <frg/kernel.h>
#include <math.h>

/* minmod(left + shift, right + shift) - shift, computed without forming left + shift (shift = m2 h
 * is 1e22 at Lambda = 1e12), as selects that vectorize: when both shifted slopes are positive the
 * smaller is left or right itself, when both are negative the larger, otherwise the q-slope is 0.
 * *pick_left and *pick_right tell which slope was taken (neither: the extremum, slope 0 in q). The
 * ties: left <= right when both are positive, left >= right when both are negative. left + shift > 0
 * is tested as left > -shift: the rounded sum has the sign of the exact one, which is 0 only when
 * left = -shift. */
static inline double FrgMinmodShifted(double left, double right, double shift, _Bool *pick_left, _Bool *pick_right)
{
  const _Bool  up = (left > -shift) & (right > -shift), down = (left < -shift) & (right < -shift), any = up | down;
  const _Bool  pl     = (up & (left <= right)) | (down & (left >= right));
  const double picked = pl ? left : right;

  *pick_left  = pl;
  *pick_right = any & !pl;
  return any ? picked : -shift;
}

#endif
