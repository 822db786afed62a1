/* The pointwise kernels of a model: plain C on plain numbers, no PETSc.
 *
 * A one-field model (an entry of the model registry, src/physics/) evolves u = dU/dphi by the
 * conservative LPA flow d_t u = d_phi G with
 *     G = cg g(u/(m2 phi)) ... Goldstone (advection) part, read as -F(u)
 *       + cr g_r(w/m2)     ... radial (diffusion) part P(w), w = d_phi u
 *       + S(phi)           ... a source independent of u (e.g. the fermion loop of a Yukawa model)
 * where g(x) = l(0) - l(x) is the threshold function of the loop, minus its value at zero mass (the
 * large-k advice of doc/physics.md 3: a constant part of d_t U does not move u, and subtracting it in the
 * kernel keeps huge Lambda from cancelling digits), and x is the mass relative to the pole scale m2:
 * the propagator denominators m2 phi + u (Goldstone) and m2 + w (radial) reach zero, the pole, at
 * x = -1. For the Litim regulator g(x) = x/(1 + x) with m2 = k^2 (doc/physics.md 2.1).
 *
 * A model supplies g in the form the scheme needs without cancellation, as a kernel
 *     double kernel(const FrgKernelParams *p, double x, double *E, double *dE)
 * returning D(x) = g(x)/x (smooth through x = 0) and, when the pointers are not NULL,
 * E = g'(x) and dE = g''(x), each computed directly (E is small where x D and x D' are large and
 * nearly cancel, deep in the infrared). It names its kernels and includes the loop header
 * include/frg/kt_loops.h, which instantiates the Kurganov-Tadmor fluxes, the pole check and
 * the flux Jacobian from them, as branch-free loops the compiler vectorizes: every loop of the scheme
 * derives from the one kernel source, for every model.
 */
#ifndef FRG_KERNEL_H
#define FRG_KERNEL_H

#include <stdint.h>

#define FRG_KERNEL_CONSTANTS 8

/* The parameters of the kernels at one RG time, filled by the model (FrgModelGetKernelParams). */
typedef struct {
  double cg;      /* prefactor of the Goldstone term: c (N - 1) for O(N) with c = A_d k^d (Litim) */
  double cr;      /* prefactor of the radial term */
  double m2;      /* pole scale of the propagator denominators m2 phi + u and m2 + w */
  double m2_rate; /* -d ln m2/dt (2 for m2 = k^2 = Lambda^2 e^-2t) */
  double cg2;     /* 2D grids: prefactor of the Goldstone term of the second field, c (M - 1) for O(N)+O(M) */
  double constant[FRG_KERNEL_CONSTANTS]; /* the model's own numbers at this time (T/k, mu/k, ...) */
  const void *table;                     /* the model's tables (tabulated thresholds), or NULL */
} FrgKernelParams;

/* A relative propagator denominator (m2 phi + u over m2 phi, m2 + w over m2) below this counts as
 * near the pole: the flat inner region of a broken phase in the IR. */
#define FRG_POLE_NEAR 0.5

/* Pole status of a loop over interfaces: some denominator <= 0 or not a number (crossed), or below
 * FRG_POLE_NEAR (near; reported by the check loop only). */
#define FRG_POLE_CROSSED   1
#define FRG_POLE_NEAR_FLAG 2

/* The interfaces j + 1/2 of the local cells: positions and their inverses (Goldstone term). */
typedef struct {
  const double *phi, *inv_phi; /* at index m, the interface j + 1/2 with j = xs - 1 + m */
  double        h, inv_h;
} FrgKTFaces;

/* The loops a model's kernels instantiate (include/frg/kt_loops.h). u is the ghosted local
 * array indexed by cell (u[j-1..j+2] are read for the interface j + 1/2); the interfaces are
 * m = first..last with j = xs - 1 + m. Not collective. */
typedef struct {
  const char *name;
  /* G[m], the interface fluxes; returns the pole status (crossed only) */
  int (*fluxes)(const FrgKernelParams *, const FrgKTFaces *, const double *u, int64_t xs, int64_t first, int64_t last, double *G);
  /* the pole status (crossed, near) of the same reconstruction, without the fluxes */
  int (*pole)(const FrgKernelParams *, const FrgKTFaces *, const double *u, int64_t xs, int64_t first, int64_t last);
  /* dG[c][m] = dG_{j+1/2}/du_{j-1+c}, c = 0..3 */
  void (*jacobians)(const FrgKernelParams *, const FrgKTFaces *, const double *u, int64_t xs, int64_t first, int64_t last, double *const dG[4]);
} FrgKTKernels;

/* The Litim regulator (and the 0D mass-like regulator r = k^2): l(x) = 1/(1 + x), so
 * g = x/(1 + x), D = 1/(1 + x), g' = 1/(1 + x)^2, g'' = -2/(1 + x)^3 (Litim, PRD 64, 105007 (2001)). */
static inline double FrgKernelLitim(const FrgKernelParams *p, double x, double *E, double *dE)
{
  const double D = 1.0 / (1.0 + x);

  (void)p;
  if (E) *E = D * D;
  if (dE) *dE = -2.0 * D * D * D;
  return D;
}

/* Two-field models (2D grid, the unknown U): the mass-like regulator's flow with the UV constant
 * subtracted, d_t U = cr tr[H (m2 + H)^{-1}] (src/physics/field2.c), as
 *     (m2 tr H + 2 det H) / det(m2 + H),   det(m2 + H) = m2^2 + m2 tr H + det H,
 * from the Hessian (h11, h22, h12) of U; nothing cancels at m2 >> |H|. *crossed is set when m2 + H is
 * not positive definite (or not a number): beyond the propagator pole. */
static inline double FrgKernelTwoField(const FrgKernelParams *p, double h11, double h22, double h12, int *crossed)
{
  const double r = p->m2, trace = h11 + h22, det_h = h11 * h22 - h12 * h12;
  const double det = r * r + r * trace + det_h;

  if (!(r + h11 > 0.0) || !(det > 0.0)) *crossed = 1;
  return p->cr * (r * trace + 2.0 * det_h) / det;
}

/* The Goldstone term of one radial field of a two-field model (O(N)+O(M), src/physics/onom.c) with the
 * same UV constant subtracted: cg tr over its N - 1 Goldstone modes of y (m2 + y)^{-1}, y = U_phi/phi the
 * Goldstone mass (cg = c (N - 1); zero for one component, whose denominator is then not a propagator).
 * *crossed is set when m2 + y is not positive (or not a number): the Goldstone pole. */
static inline double FrgKernelGoldstone(double cg, double m2, double y, int *crossed)
{
  if (cg == 0.0) return 0.0;
  if (!(m2 + y > 0.0)) *crossed = 1;
  return cg * y / (m2 + y);
}

#endif
