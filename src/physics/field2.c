/* Model "field2": two real fields (phi1, phi2) without any symmetry, the potential U(phi1, phi2) a
 * muparser expression in phi1 and phi2, in the LPA with the Litim regulator in d dimensions
 * (doc/physics.md 2.4), k = Lambda e^{-t}:
 *     d_t U = -A_d k^{d+2} tr[(k^2 + H)^{-1}],   H = the field-space Hessian of U,
 * and with the field-independent -2 A_d k^d of the UV subtracted (doc/physics.md 3, "large k"; it moves U
 * by a constant only), with c = A_d k^d and r = k^2:
 *     d_t U = c tr[H (r + H)^{-1}] = c (r tr H + 2 det H) / det(r + H),   det(r + H) = r^2 + r tr H + det H,
 * written so that nothing cancels at r >> |H| (kernel.h: FrgKernelTwoField). In d = 0 (the default;
 * A_0 = 1) this is the exact flow with the mass-like regulator R = r 1, and read with s = 1/r it is the 2D
 * heat equation d_s p = 1/2 Laplacian p for the smoothed density p_s = e^{-S} * N(0, s 1) seen through
 * the Legendre transform: Gamma_IR is the Legendre transform of W(J) = ln int e^{-S + J.phi}, so its
 * minimum is <phi> and its Hessian there the inverse covariance (the d = 0 check of doc/physics.md 2.4).
 * The grid is 2D with the unknown U at the cell centres and quadratic extrapolation at all four ends
 * (cells tile [-phi_max, phi_max]^2). -N, when given, must be 2. Unless given, -d 0, and in d = 0
 * -Lambda 1e4 and -t_ir 25 (r from 1e8 down to 2e-14). */
#include <frg/impl.h>

/* The kernel parameters of the two-field models (field2, onom): c = A_d k^d, r = k^2, and the
 * Goldstone prefactors c (N - 1) and c (M - 1) given as the counts n1 = N - 1 and n2 = M - 1. */
PETSC_INTERN PetscErrorCode FrgModelKernelParamsTwoField(FrgModel model, PetscReal t, PetscReal n1, PetscReal n2, FrgKernelParams *p)
{
  const PetscReal k = model->Lambda * PetscExpReal(-t), c = model->Ad * PetscPowReal(k, model->d);

  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(p, sizeof(*p)));
  p->cr      = c;
  p->cg      = c * n1;
  p->cg2     = c * n2;
  p->m2      = k * k;
  p->m2_rate = 2.0;
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode FrgModelKernelParams_Field2(FrgModel model, PetscReal t, FrgKernelParams *p)
{
  PetscFunctionBeginUser;
  PetscCall(FrgModelKernelParamsTwoField(model, t, 0.0, 0.0, p));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode FrgModelSetFromOptions_Field2(FrgModel model)
{
  PetscBool set_d, set_N, set_Lambda, set_t_ir, set_potential;

  PetscFunctionBeginUser;
  PetscCall(PetscOptionsHasName(NULL, NULL, "-d", &set_d));
  PetscCall(PetscOptionsHasName(NULL, NULL, "-N", &set_N));
  PetscCall(PetscOptionsHasName(NULL, NULL, "-Lambda", &set_Lambda));
  PetscCall(PetscOptionsHasName(NULL, NULL, "-t_ir", &set_t_ir));
  PetscCall(PetscOptionsHasName(NULL, NULL, "-potential", &set_potential));
  if (!set_d) model->d = 0.0;
  if (!set_Lambda && model->d == 0.0) model->Lambda = 1e4;
  if (!set_t_ir && model->d == 0.0) model->t_ir = 25.0;
  if (!set_potential) PetscCall(PetscStrncpy(model->potential, "(phi1^2 + phi2^2)/2 + phi1*phi2/4 + (phi1^4 + phi2^4)/24", sizeof(model->potential)));
  PetscCheck(!set_N || model->N == 2.0, model->comm, PETSC_ERR_USER_INPUT, "-N must be 2 for -model field2 (two real fields), got %g", (double)model->N);
  model->N = 2.0;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PETSC_INTERN PetscErrorCode FrgModelCreate_Field2(FrgModel model)
{
  PetscFunctionBeginUser;
  model->ops.kernelparams   = FrgModelKernelParams_Field2;
  model->ops.setfromoptions = FrgModelSetFromOptions_Field2;
  model->kt                 = NULL; /* no one-field scheme: the 2D operator (src/discretization/operator2d.c) */
  model->dim                = 2;
  model->left               = FRG_BOUNDARY_QUADRATIC;
  model->right              = FRG_BOUNDARY_QUADRATIC;
  model->bottom             = FRG_BOUNDARY_QUADRATIC;
  model->top                = FRG_BOUNDARY_QUADRATIC;
  PetscFunctionReturn(PETSC_SUCCESS);
}
