/* Element-wise operations for SUNDIALS' serial N_Vector, for integrations that every rank runs in
 * full by itself (the smoothed log-density route of task sample, bench/integrator_floor). Debian's
 * SUNDIALS is compiled without optimization, so its own serial operations cost about 15 instructions
 * per element; these loops have load-time clones for wide vectors (FRG_CLONES). The weighted norm
 * sums in four fixed lanes: the same bits on every rank, which runs the same problem. */
#include <frg/integrator.h>
#include <nvector/nvector_serial.h>

#define FRG_NVS(v)   N_VGetArrayPointer_Serial(v)
#define FRG_NVS_N(v) N_VGetLength_Serial(v) /* a call: hoisted out of the loops */

FRG_CLONES static void FrgNVSLinearSum(double a, N_Vector x, double b, N_Vector y, N_Vector z)
{
  const double *xa = FRG_NVS(x), *ya = FRG_NVS(y);
  double       *za = FRG_NVS(z);

  for (sunindextype i = 0, n = FRG_NVS_N(z); i < n; i++) za[i] = a * xa[i] + b * ya[i];
}

FRG_CLONES static void FrgNVSScale(double c, N_Vector x, N_Vector z)
{
  const double *xa = FRG_NVS(x);
  double       *za = FRG_NVS(z);

  for (sunindextype i = 0, n = FRG_NVS_N(z); i < n; i++) za[i] = c * xa[i];
}

FRG_CLONES static void FrgNVSConst(double c, N_Vector z)
{
  double *za = FRG_NVS(z);

  for (sunindextype i = 0, n = FRG_NVS_N(z); i < n; i++) za[i] = c;
}

FRG_CLONES static void FrgNVSAbs(N_Vector x, N_Vector z)
{
  const double *xa = FRG_NVS(x);
  double       *za = FRG_NVS(z);

  for (sunindextype i = 0, n = FRG_NVS_N(z); i < n; i++) za[i] = fabs(xa[i]);
}

FRG_CLONES static void FrgNVSInv(N_Vector x, N_Vector z)
{
  const double *xa = FRG_NVS(x);
  double       *za = FRG_NVS(z);

  for (sunindextype i = 0, n = FRG_NVS_N(z); i < n; i++) za[i] = 1.0 / xa[i];
}

FRG_CLONES static void FrgNVSAddConst(N_Vector x, double b, N_Vector z)
{
  const double *xa = FRG_NVS(x);
  double       *za = FRG_NVS(z);

  for (sunindextype i = 0, n = FRG_NVS_N(z); i < n; i++) za[i] = xa[i] + b;
}

FRG_CLONES static void FrgNVSProd(N_Vector x, N_Vector y, N_Vector z)
{
  const double *xa = FRG_NVS(x), *ya = FRG_NVS(y);
  double       *za = FRG_NVS(z);

  for (sunindextype i = 0, n = FRG_NVS_N(z); i < n; i++) za[i] = xa[i] * ya[i];
}

/* sqrt(sum (x_i w_i)^2 / n) in four lanes, in a fixed order */
FRG_CLONES static double FrgNVSWrmsNorm(N_Vector x, N_Vector w)
{
  const double      *xa = FRG_NVS(x), *wa = FRG_NVS(w);
  const sunindextype n  = FRG_NVS_N(x);
  double             s[4] = {0, 0, 0, 0};
  sunindextype       i    = 0;

  for (; i + 4 <= n; i += 4)
    for (int l = 0; l < 4; l++) s[l] += (xa[i + l] * wa[i + l]) * (xa[i + l] * wa[i + l]);
  for (; i < n; i++) s[0] += (xa[i] * wa[i]) * (xa[i] * wa[i]);
  return sqrt(((s[0] + s[1]) + (s[2] + s[3])) / (double)n);
}

static double FrgNVSMin(N_Vector x)
{
  const double *xa  = FRG_NVS(x);
  double        min = xa[0];

  for (sunindextype i = 1, n = FRG_NVS_N(x); i < n; i++) min = xa[i] < min ? xa[i] : min;
  return min;
}

/* Installs the operations on a serial vector; its clones inherit them. Not collective. */
PETSC_INTERN PetscErrorCode FrgNVectorSerialOps(N_Vector v)
{
  PetscFunctionBeginUser;
  v->ops->nvlinearsum         = FrgNVSLinearSum;
  v->ops->nvscale             = FrgNVSScale;
  v->ops->nvconst             = FrgNVSConst;
  v->ops->nvabs               = FrgNVSAbs;
  v->ops->nvinv               = FrgNVSInv;
  v->ops->nvaddconst          = FrgNVSAddConst;
  v->ops->nvprod              = FrgNVSProd;
  v->ops->nvwrmsnorm          = FrgNVSWrmsNorm;
  v->ops->nvmin               = FrgNVSMin;
  v->ops->nvscaleaddmulti     = FrgNVScaleAddMultiBySums; /* nvector.c */
  v->ops->nvlinearcombination = FrgNVLinearCombinationBySums;
  PetscFunctionReturn(PETSC_SUCCESS);
}
