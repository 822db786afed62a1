/* The loops of the Kurganov-Tadmor scheme (include/frg/kt.h) over the interfaces of one rank,
 * instantiated from the pointwise kernels of one model (include/frg/kernel.h). A model file defines
 *     FRG_KT_NAME                 a suffix for the generated functions and the FrgKTKernels table
 *     FRG_KT_RADIAL(p, x, E, dE)  the radial kernel (D, and g', g'' through E, dE)
 *     FRG_KT_GOLDSTONE(p, x, E, dE)  the Goldstone kernel (optional: models without Goldstone modes)
 *     FRG_KT_SOURCE(p, phi)       the source flux S(phi) (optional)
 * and includes this file, which defines the static table FrgKT<FRG_KT_NAME> and undefines the macros.
 *
 * Each loop is one branch-free body per interface (selects, no early exits) that GCC vectorizes in
 * every clone of FRG_CLONES: the kernels are inlined into it, so a model's formulas are written once
 * and reach the fluxes, the pole check and the Jacobian alike. The Goldstone term is switched by a
 * constant argument of an always-inlined body, so the N = 1 instance carries no reconstruction.
 *
 * Flux per interface, with x = q/(m2 phi) - 1 relative to the pole (q = m2 phi + u):
 *     F(u) = -cg x D(x),  F'(u) = -cg g'(x)/(m2 phi),  F''(u) = -cg g''(x)/(m2 phi)^2,
 *     P(w) = cr x_r D_r(x_r), x_r = w/m2,  P'(w) = cr g_r'(x_r)/m2.
 * A model without a radial loop (cr = 0: a mean-field flow, a source alone) has no radial pole: its
 * potential may turn non-convex, so neither the check nor the flux looks at x_r then. */
#include <frg/kt.h>

#if !defined(FRG_KT_NAME) || !defined(FRG_KT_RADIAL)
  #error "define FRG_KT_NAME and FRG_KT_RADIAL before including kt_loops.h"
#endif

#define FRG_KT_JOIN_(a, b) a##b
#define FRG_KT_JOIN(a, b)  FRG_KT_JOIN_(a, b)
#define FRG_KT(x)          FRG_KT_JOIN(x, FRG_KT_NAME)

#if defined(FRG_KT_GOLDSTONE)
  #define FRG_KT_GOLDSTONE_KERNEL(p, x, E, dE) FRG_KT_GOLDSTONE(p, x, E, dE)
#else
  #define FRG_KT_GOLDSTONE_KERNEL(p, x, E, dE) FRG_KT_RADIAL(p, x, E, dE) /* never reached: goldstone = 0 */
#endif

/* The fluxes (check = 0) or the pole status alone (check = 1) at the interfaces first..last. */
static inline __attribute__((always_inline)) int FRG_KT(FrgKTFluxesBody)(const FrgKernelParams *p, const FrgKTFaces *f, const double *u, int64_t xs, int64_t first,
                                                                            int64_t last, const int goldstone, const int check, double *restrict G)
{
  const double  shift = p->m2 * f->h, inv_m2 = 1.0 / p->m2, inv_h = f->inv_h, cg = p->cg, cr = p->cr;
  const double *uj = u + xs - 1; /* uj[m] = u_j */
  const int     radial = cr != 0.0; /* without a radial loop (mean field) there is no radial pole */
  int           bad = 0, near = 0;

  for (int64_t m = first; m <= last; m++) {
    const double um1 = uj[m - 1], u0 = uj[m], up1 = uj[m + 1], up2 = uj[m + 2];
    const double dc = up1 - u0, xr = (dc * inv_h) * inv_m2;
    double       flux = 0.0;

    bad |= radial & (int)!(1.0 + xr > 0.0);
    if (check) near |= radial & (int)(1.0 + xr < FRG_POLE_NEAR);
    else {
      const double xk = radial ? xr : 0.0; /* without a radial loop x_r may lie beyond -1: no sqrt(< 0) under -fp_trap */
      flux = radial ? cr * (xr * FRG_KT_RADIAL(p, xk, NULL, NULL)) : 0.0;
    }
    if (goldstone) {
      _Bool        pl, pr;
      const double sl = FrgMinmodShifted(u0 - um1, dc, shift, &pl, &pr), sr = FrgMinmodShifted(dc, up2 - up1, shift, &pl, &pr);
      const double uminus = u0 + 0.5 * sl, uplus = up1 - 0.5 * sr;
      const double inv_m2phi = inv_m2 * f->inv_phi[m], xm = uminus * inv_m2phi, xp = uplus * inv_m2phi;

      bad |= (int)!(1.0 + xm > 0.0) | (int)!(1.0 + xp > 0.0);
      if (check) near |= (int)(1.0 + xm < FRG_POLE_NEAR) | (int)(1.0 + xp < FRG_POLE_NEAR);
      else {
        double       Em, Ep;
        const double Dm = FRG_KT_GOLDSTONE_KERNEL(p, xm, &Em, NULL), Dp = FRG_KT_GOLDSTONE_KERNEL(p, xp, &Ep, NULL);
        const double Fm = -cg * (xm * Dm), Fp = -cg * (xp * Dp);
        const double am = fabs(cg * Em * inv_m2phi), ap = fabs(cg * Ep * inv_m2phi), a = am >= ap ? am : ap;
        flux -= 0.5 * (Fp + Fm) - 0.5 * a * (uplus - uminus);
      }
    }
#if defined(FRG_KT_SOURCE)
    if (!check) flux += FRG_KT_SOURCE(p, f->phi[m]);
#endif
    if (!check) G[m] = flux;
  }
  return (bad ? FRG_POLE_CROSSED : 0) | (near ? FRG_POLE_NEAR_FLAG : 0);
}

/* The derivatives dG/du_{j-1..j+2} at the interfaces first..last, as selects (the branch minmod and
 * max took; products with the zero derivatives are kept, so an infinite dH gives NaN as it should). */
static inline __attribute__((always_inline)) void FRG_KT(FrgKTJacobiansBody)(const FrgKernelParams *p, const FrgKTFaces *f, const double *u, int64_t xs, int64_t first,
                                                                                int64_t last, const int goldstone, double *restrict dG0, double *restrict dG1,
                                                                                double *restrict dG2, double *restrict dG3)
{
  const double  shift = p->m2 * f->h, inv_m2 = 1.0 / p->m2, inv_h = f->inv_h, cg = p->cg, crh = p->cr * inv_m2 * f->inv_h;
  const double *uj = u + xs - 1;

  for (int64_t m = first; m <= last; m++) {
    const double um1 = uj[m - 1], u0 = uj[m], up1 = uj[m + 1], up2 = uj[m + 2];
    const double dc = up1 - u0, xr = (dc * inv_h) * inv_m2;
    double       Er;
    (void)FRG_KT_RADIAL(p, p->cr != 0.0 ? xr : 0.0, &Er, NULL);
    const double dPh = p->cr != 0.0 ? crh * Er : 0.0; /* P'(w)/h; none without a radial loop */

    if (goldstone) {
      _Bool        l_left, l_right, r_left, r_right;
      const double sl = FrgMinmodShifted(u0 - um1, dc, shift, &l_left, &l_right), sr = FrgMinmodShifted(dc, up2 - up1, shift, &r_left, &r_right);
      const double uminus = u0 + 0.5 * sl, uplus = up1 - 0.5 * sr;
      /* d u-/du_{j-1..j+1} and d u+/du_{j..j+2} */
      const double dum0 = l_left ? -0.5 : 0.0, dum2 = l_right ? 0.5 : 0.0, dum1 = (1.0 - dum0) - dum2;
      const double dup1 = r_left ? 0.5 : 0.0, dup3 = r_right ? -0.5 : 0.0, dup2 = (1.0 - dup1) - dup3;
      const double inv_m2phi = inv_m2 * f->inv_phi[m], xm = uminus * inv_m2phi, xp = uplus * inv_m2phi;
      double       Em, Ep, dEm, dEp;
      (void)FRG_KT_GOLDSTONE_KERNEL(p, xm, &Em, &dEm);
      (void)FRG_KT_GOLDSTONE_KERNEL(p, xp, &Ep, &dEp);
      const double dFm = -cg * Em * inv_m2phi, dFp = -cg * Ep * inv_m2phi;
      const double d2Fm = -cg * dEm * (inv_m2phi * inv_m2phi), d2Fp = -cg * dEp * (inv_m2phi * inv_m2phi);
      /* a = max(|dFm|, |dFp|), ties to the minus side, and its derivative on the side taken */
      const double am = fabs(dFm), ap = fabs(dFp);
      const _Bool  minus_side = am >= ap;
      const double a = minus_side ? am : ap, sam = (dFm >= 0 ? 1.0 : -1.0) * d2Fm, sap = (dFp >= 0 ? 1.0 : -1.0) * d2Fp;
      const double dam = minus_side ? sam : 0.0, dap = minus_side ? 0.0 : sap;
      const double dHm = 0.5 * dFm + 0.5 * a - 0.5 * (uplus - uminus) * dam;
      const double dHp = 0.5 * dFp - 0.5 * a - 0.5 * (uplus - uminus) * dap;

      dG0[m] = -(dHm * dum0 + dHp * 0.0);
      dG1[m] = -(dHm * dum1 + dHp * dup1) - dPh;
      dG2[m] = -(dHm * dum2 + dHp * dup2) + dPh;
      dG3[m] = -(dHm * 0.0 + dHp * dup3);
    } else {
      dG0[m] = -0.0;
      dG1[m] = -0.0 - dPh;
      dG2[m] = -0.0 + dPh;
      dG3[m] = -0.0;
    }
  }
}

FRG_CLONES static int FRG_KT(FrgKTFluxesRadial)(const FrgKernelParams *p, const FrgKTFaces *f, const double *u, int64_t xs, int64_t first, int64_t last, double *G)
{
  return FRG_KT(FrgKTFluxesBody)(p, f, u, xs, first, last, 0, 0, G);
}

FRG_CLONES static int FRG_KT(FrgKTPoleRadial)(const FrgKernelParams *p, const FrgKTFaces *f, const double *u, int64_t xs, int64_t first, int64_t last)
{
  return FRG_KT(FrgKTFluxesBody)(p, f, u, xs, first, last, 0, 1, NULL);
}

FRG_CLONES static void FRG_KT(FrgKTJacobiansRadial)(const FrgKernelParams *p, const FrgKTFaces *f, const double *u, int64_t xs, int64_t first, int64_t last, double *const dG[4])
{
  FRG_KT(FrgKTJacobiansBody)(p, f, u, xs, first, last, 0, dG[0], dG[1], dG[2], dG[3]);
}

#if defined(FRG_KT_GOLDSTONE)
FRG_CLONES static int FRG_KT(FrgKTFluxesGoldstone)(const FrgKernelParams *p, const FrgKTFaces *f, const double *u, int64_t xs, int64_t first, int64_t last, double *G)
{
  return FRG_KT(FrgKTFluxesBody)(p, f, u, xs, first, last, 1, 0, G);
}

FRG_CLONES static int FRG_KT(FrgKTPoleGoldstone)(const FrgKernelParams *p, const FrgKTFaces *f, const double *u, int64_t xs, int64_t first, int64_t last)
{
  return FRG_KT(FrgKTFluxesBody)(p, f, u, xs, first, last, 1, 1, NULL);
}

FRG_CLONES static void FRG_KT(FrgKTJacobiansGoldstone)(const FrgKernelParams *p, const FrgKTFaces *f, const double *u, int64_t xs, int64_t first, int64_t last, double *const dG[4])
{
  FRG_KT(FrgKTJacobiansBody)(p, f, u, xs, first, last, 1, dG[0], dG[1], dG[2], dG[3]);
}
#endif

/* The entry points: with or without the Goldstone term, by the prefactor of this time. */
static int FRG_KT(FrgKTFluxes)(const FrgKernelParams *p, const FrgKTFaces *f, const double *u, int64_t xs, int64_t first, int64_t last, double *G)
{
#if defined(FRG_KT_GOLDSTONE)
  if (p->cg != 0.0) return FRG_KT(FrgKTFluxesGoldstone)(p, f, u, xs, first, last, G);
#endif
  return FRG_KT(FrgKTFluxesRadial)(p, f, u, xs, first, last, G);
}

static int FRG_KT(FrgKTPole)(const FrgKernelParams *p, const FrgKTFaces *f, const double *u, int64_t xs, int64_t first, int64_t last)
{
#if defined(FRG_KT_GOLDSTONE)
  if (p->cg != 0.0) return FRG_KT(FrgKTPoleGoldstone)(p, f, u, xs, first, last);
#endif
  return FRG_KT(FrgKTPoleRadial)(p, f, u, xs, first, last);
}

static void FRG_KT(FrgKTJacobians)(const FrgKernelParams *p, const FrgKTFaces *f, const double *u, int64_t xs, int64_t first, int64_t last, double *const dG[4])
{
#if defined(FRG_KT_GOLDSTONE)
  if (p->cg != 0.0) {
    FRG_KT(FrgKTJacobiansGoldstone)(p, f, u, xs, first, last, dG);
    return;
  }
#endif
  FRG_KT(FrgKTJacobiansRadial)(p, f, u, xs, first, last, dG);
}

#define FRG_KT_STRING_(x) #x
#define FRG_KT_STRING(x)  FRG_KT_STRING_(x)
static const FrgKTKernels FRG_KT(FrgKT) = {FRG_KT_STRING(FRG_KT_NAME), FRG_KT(FrgKTFluxes), FRG_KT(FrgKTPole), FRG_KT(FrgKTJacobians)};

#undef FRG_KT_GOLDSTONE_KERNEL
#undef FRG_KT_STRING
#undef FRG_KT_STRING_
#undef FRG_KT
#undef FRG_KT_JOIN
#undef FRG_KT_JOIN_
#undef FRG_KT_NAME
#undef FRG_KT_RADIAL
#undef FRG_KT_GOLDSTONE
#undef FRG_KT_SOURCE
