/* Derivatives dG/du_{j-1..j+2} of the Kurganov-Tadmor interface flux (include/frg/kt.h) at many
 * interfaces, as branch-free loops the compiler vectorizes: the loop form of FrgKTFluxJacobian, with
 * bit for bit its values.
 *
 * FrgKTFluxJacobian branches on which slope minmod picks (twice) and on which local speed |F'(u-)|,
 * |F'(u+)| is the larger, at about 170 instructions per interface. Here every branch becomes a select
 * between values computed on both sides, and every arithmetic operation is the one FrgKTFluxJacobian
 * performs, in the same order and on the same operands: IEEE arithmetic (no FMA contraction, no
 * -ffast-math, in every clone of FRG_CLONES) then rounds each the same way. In particular the
 * products with the zero entries of d u-/du and d u+/du (dHp * 0 in dG/du_{j-1}) are kept: they
 * decide the sign of a zero and would turn an infinite dH into NaN, as in the scalar code. The
 * derivatives of u- and u+ (0, +-1/2, 1, 3/2) are exact in both forms. The outputs are four arrays
 * (structure of arrays) so that the stores are contiguous.
 *
 * Written for GCC's vectorizer: every select is on one mask built from comparisons with & and |
 * (a ?: on truth values is a branch to it), and the loop carries no 32-bit integer, which would
 * make the AVX2 clone run 8 interfaces per iteration in pairs of registers and spill (48 instead of
 * 34 instructions per interface). */
#include <frg/impl.h>
#include <frg/kt.h>
#include <stdint.h>

/* FrgMinmodShifted(left, right, shift) as selects. *pick_left and *pick_right are its which < 0
 * and which > 0, with the same tie rules (left <= right when both shifted slopes are positive, left
 * >= right when both are negative). left + shift > 0 is tested as left > -shift: the rounded sum
 * has the sign of the exact one, which is 0 only when left = -shift. */
static inline double FrgMinmodShiftedSelect(double left, double right, double shift, _Bool *pick_left, _Bool *pick_right)
{
  const _Bool  up = (left > -shift) & (right > -shift), down = (left < -shift) & (right < -shift), any = up | down;
  const _Bool  pl     = (up & (left <= right)) | (down & (left >= right));
  const double picked = pl ? left : right;

  *pick_left  = pl;
  *pick_right = any & !pl;
  return any ? picked : -shift;
}

/* Constants of the loop, each formed as FrgFluxAdvection and FrgFluxDiffusion form them. */
typedef struct {
  double shift, m2, h, cgn, cg2, crm2;
} FrgKTJacobianConstants;

/* FrgKTFluxJacobian with a Goldstone term at one interface, as selects. */
static inline void FrgKTFluxJacobianSelect(const FrgKTJacobianConstants *k, double phi, double um1, double u0, double up1, double up2, double dG[4])
{
  _Bool        l_left, l_right, r_left, r_right;
  const double dl = u0 - um1, dc = up1 - u0, dr = up2 - up1;
  const double sl = FrgMinmodShiftedSelect(dl, dc, k->shift, &l_left, &l_right), sr = FrgMinmodShiftedSelect(dc, dr, k->shift, &r_left, &r_right);
  const double uminus = u0 + 0.5 * sl, uplus = up1 - 0.5 * sr;
  /* d u-/du_{j-1..j+1} and d u+/du_{j..j+2}; FrgKTFluxJacobian's 1 + 1/2 - 0 etc. are exact */
  const double dum0 = l_left ? -0.5 : 0.0, dum2 = l_right ? 0.5 : 0.0, dum1 = (1.0 - dum0) - dum2;
  const double dup1 = r_left ? 0.5 : 0.0, dup3 = r_right ? -0.5 : 0.0, dup2 = (1.0 - dup1) - dup3;
  /* FrgFluxDiffusion's dP at w = dc / h */
  const double w = dc / k->h, inv = 1.0 / (k->m2 + w), dP = k->crm2 * inv * inv, dPh = dP / k->h;
  /* FrgFluxAdvection's dF and d2F at u- and u+ */
  const double m2phi = k->m2 * phi, invm = 1.0 / (m2phi + uminus), invp = 1.0 / (m2phi + uplus);
  const double dFm = k->cgn * m2phi * invm * invm, dFp = k->cgn * m2phi * invp * invp;
  const double d2Fm = k->cg2 * m2phi * invm * invm * invm, d2Fp = k->cg2 * m2phi * invp * invp * invp;
  /* a = max(|dFm|, |dFp|), ties to the minus side, and its derivative on the side taken */
  const double am = fabs(dFm), ap = fabs(dFp);
  const _Bool  minus_side = am >= ap;
  const double a = minus_side ? am : ap, sam = (dFm >= 0 ? 1.0 : -1.0) * d2Fm, sap = (dFp >= 0 ? 1.0 : -1.0) * d2Fp;
  const double dam = minus_side ? sam : 0.0, dap = minus_side ? 0.0 : sap;
  const double dHm = 0.5 * dFm + 0.5 * a - 0.5 * (uplus - uminus) * dam;
  const double dHp = 0.5 * dFp - 0.5 * a - 0.5 * (uplus - uminus) * dap;

  dG[0] = -(dHm * dum0 + dHp * 0.0);
  dG[1] = -(dHm * dum1 + dHp * dup1) - dPh;
  dG[2] = -(dHm * dum2 + dHp * dup2) + dPh;
  dG[3] = -(dHm * 0.0 + dHp * dup3);
}

/* j + 1/2 from the bits 0x4328000000000000 + 2 j + 1 (the double 1.5 * 2^51 + j + 1/2, whose ulp
 * is 1/2) minus 1.5 * 2^51: exactly (double)j + 0.5 for |j| < 2^50, without an integer conversion. */
#define FRG_HALF_INDEX_BITS UINT64_C(0x4328000000000000)
static inline double FrgHalfIndex(uint64_t bits)
{
  union {
    uint64_t bits;
    double   value;
  } v = {bits};
  return v.value - 3377699720527872.0;
}

/* The interfaces j + 1/2, j = xs - 1 + m, m = first..last, of a flow with a Goldstone term. */
FRG_CLONES static void FrgKTFluxJacobiansGoldstone(const FrgKTJacobianConstants *k, double x0, const double *u, int64_t xs, int64_t first, int64_t last, double *restrict dG0,
                                                   double *restrict dG1, double *restrict dG2, double *restrict dG3)
{
  const FrgKTJacobianConstants c    = *k;
  const double                *uj   = u + xs - 1; /* uj[m] = u_j */
  uint64_t                     bits = FRG_HALF_INDEX_BITS + (uint64_t)(2 * (xs - 1 + first) + 1);

  for (int64_t m = first; m <= last; m++, bits += 2) {
    double       dG[4];
    const double phi = x0 + FrgHalfIndex(bits) * c.h; /* FrgKTFluxJacobian's x0 + (j + 0.5) h */

    FrgKTFluxJacobianSelect(&c, phi, uj[m - 1], uj[m], uj[m + 1], uj[m + 2], dG);
    dG0[m] = dG[0];
    dG1[m] = dG[1];
    dG2[m] = dG[2];
    dG3[m] = dG[3];
  }
}

/* Without a Goldstone term dH = 0 and FrgKTFluxJacobian's dG is -(0 * du-/du + 0 * du+/du) = -0
 * plus -+ dP/h on u_j, u_{j+1}: the minmod branches do not enter. (-0 - x and -0 + x are -x and x
 * exactly, signed zeros included.) */
FRG_CLONES static void FrgKTFluxJacobiansRadial(const FrgKTJacobianConstants *k, const double *u, int64_t xs, int64_t first, int64_t last, double *restrict dG0,
                                                double *restrict dG1, double *restrict dG2, double *restrict dG3)
{
  const FrgKTJacobianConstants c  = *k;
  const double                *uj = u + xs - 1;

  for (int64_t m = first; m <= last; m++) {
    const double w = (uj[m + 1] - uj[m]) / c.h, inv = 1.0 / (c.m2 + w), dPh = c.crm2 * inv * inv / c.h;
    dG0[m] = -0.0;
    dG1[m] = -0.0 - dPh;
    dG2[m] = -0.0 + dPh;
    dG3[m] = -0.0;
  }
}

PetscErrorCode FrgKTFluxJacobians(const FrgFluxKernelParams *p, double x0, double h, const double *u, PetscInt xs, PetscInt first, PetscInt last, double *const dG[4])
{
  const double           cg = p->c * p->goldstone, cr = p->c * p->radial;
  FrgKTJacobianConstants k  = {p->m2 * h, p->m2, h, -cg, 2.0 * cg, cr * p->m2};

  PetscFunctionBeginUser;
  PetscCheck((double)PetscAbsInt(xs) + (double)PetscAbsInt(last) < 1e15, PETSC_COMM_SELF, PETSC_ERR_SUP, "cell index %" PetscInt_FMT " beyond the range of FrgHalfIndex", xs + last);
  if (p->goldstone != 0.0) FrgKTFluxJacobiansGoldstone(&k, x0, u, xs, first, last, dG[0], dG[1], dG[2], dG[3]);
  else FrgKTFluxJacobiansRadial(&k, u, xs, first, last, dG[0], dG[1], dG[2], dG[3]);
  PetscFunctionReturn(PETSC_SUCCESS);
}
