/* Model "field": one real field phi on [-phi_max, phi_max] without any symmetry, in zero dimensions,
 * with the mass-like regulator r = k^2, k = Lambda e^{-t}. The exact 0D Wetterich flow (doc/physics.md 2.1
 * with N = 1, no Goldstone term; Koenigstein et al., PRD 106, 065012 (2022)) for u = Gamma':
 *     d_t u = d_phi [ 1/2 d_t r / (r + d_phi u) ],   d_t r = -2 r,
 * i.e. the radial kernel of include/frg/kernel.h, g(x) = x/(1 + x), with cr = -(d_t r)/(2 r) = 1 and
 * m2 = r, and no Goldstone term.
 * Read with the noise variance s = 1/r = e^{2t}/Lambda^2, this is the forward noising process of a
 * variance-exploding diffusion (doc/physics.md 2.3): u(phi) is the score -d ln p_s at x = phi + s u(phi).
 * Both ends of the grid extrapolate linearly, so the cells tile [-phi_max, phi_max] and any potential
 * (e.g. an asymmetric double well) is allowed. The model is zero-dimensional: -d and -N, when given,
 * must be 0 and 1. Unless given, -Lambda 1e5 and -t_ir 30: the flow runs from s = 1e-10 (Gamma = S up to
 * O(s)) to s = 1.1e16 (R = 1e-16: the IR vertices). */
#include <frg/impl.h>

#define FRG_KT_NAME                Field
#define FRG_KT_RADIAL(p, x, E, dE) FrgKernelLitim(p, x, E, dE)
#include <frg/kt_loops.h>

/* The 0D mass-like regulator R = k^2 (also of -model field2, src/physics/field2.c). */
PETSC_INTERN PetscErrorCode FrgModelKernelParams_Field(FrgModel model, PetscReal t, FrgKernelParams *p)
{
  const PetscReal k = model->Lambda * PetscExpReal(-t);

  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(p, sizeof(*p)));
  p->cr      = 1.0;
  p->m2      = k * k;
  p->m2_rate = 2.0;
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode FrgModelSetFromOptions_Field(FrgModel model)
{
  PetscBool set_d, set_N, set_Lambda, set_t_ir;

  PetscFunctionBeginUser;
  PetscCall(PetscOptionsHasName(NULL, NULL, "-d", &set_d));
  PetscCall(PetscOptionsHasName(NULL, NULL, "-N", &set_N));
  PetscCall(PetscOptionsHasName(NULL, NULL, "-Lambda", &set_Lambda));
  PetscCall(PetscOptionsHasName(NULL, NULL, "-t_ir", &set_t_ir));
  if (!set_Lambda) model->Lambda = 1e5; /* s from 1e-10 ... */
  if (!set_t_ir) model->t_ir = 30.0;    /* ... to 1.1e16 */
  PetscCheck(!set_d || model->d == 0.0, model->comm, PETSC_ERR_USER_INPUT, "-d must be 0 for -model field (a zero-dimensional field), got %g",
             (double)model->d);
  PetscCheck(!set_N || model->N == 1.0, model->comm, PETSC_ERR_USER_INPUT, "-N must be 1 for -model field (one real field), got %g", (double)model->N);
  model->d = 0.0;
  model->N = 1.0;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PETSC_INTERN PetscErrorCode FrgModelCreate_Field(FrgModel model)
{
  PetscFunctionBeginUser;
  model->ops.kernelparams   = FrgModelKernelParams_Field;
  model->kt                 = &FrgKTField;
  model->ops.setfromoptions = FrgModelSetFromOptions_Field;
  model->left               = FRG_BOUNDARY_EXTRAPOLATE;
  model->right              = FRG_BOUNDARY_EXTRAPOLATE;
  PetscCall(FrgObservablesSetModel(model, PETSC_FALSE));
  PetscFunctionReturn(PETSC_SUCCESS);
}
