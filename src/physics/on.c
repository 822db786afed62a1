/* Model "on": the O(N) model in the local potential approximation with the Litim regulator
 * R_k(q) = (k^2 - q^2) theta(k^2 - q^2) (DESIGN.md 2.1):
 *     d_t U = -A_d k^{d+2} [ (N-1)/(k^2 + U'/phi) + 1/(k^2 + U'') ],   k = Lambda e^{-t},
 *     A_d = 1/((4 pi)^{d/2} Gamma(d/2 + 1)).
 * In the kernel form of include/frg/kernel.h: cg = A_d k^d (N - 1), cr = A_d k^d, m2 = k^2 and the
 * Litim kernel g(x) = x/(1 + x) for both terms.
 * In d = 0 this is the exact flow of Koenigstein et al. (PRD 106, 065012 (2022)) with their mass-like
 * regulator r = k^2: their (Lambda_K, t_K) correspond to our (sqrt(Lambda_K), t_K/2). */
#include <frg/impl.h>

#define FRG_KT_NAME                   ON
#define FRG_KT_GOLDSTONE(p, x, E, dE) FrgKernelLitim(p, x, E, dE)
#define FRG_KT_RADIAL(p, x, E, dE)    FrgKernelLitim(p, x, E, dE)
#include <frg/kt_loops.h>

static PetscErrorCode FrgModelKernelParams_ON(FrgModel model, PetscReal t, FrgKernelParams *p)
{
  const PetscReal k = model->Lambda * PetscExpReal(-t), c = model->Ad * (model->d == 0.0 ? 1.0 : PetscPowReal(k, model->d));

  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(p, sizeof(*p)));
  p->cg      = c * (model->N - 1.0);
  p->cr      = c;
  p->m2      = k * k;
  p->m2_rate = 2.0;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PETSC_INTERN PetscErrorCode FrgModelCreate_ON(FrgModel model)
{
  PetscFunctionBeginUser;
  model->ops.kernelparams = FrgModelKernelParams_ON;
  model->kt               = &FrgKTON;
  model->left             = FRG_BOUNDARY_ODD;
  model->right            = FRG_BOUNDARY_EXTRAPOLATE;
  PetscCall(FrgObservablesSetModel(model, PETSC_TRUE));
  PetscFunctionReturn(PETSC_SUCCESS);
}
