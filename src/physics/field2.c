/* Model "field2": two real fields (phi1, phi2) in zero dimensions without any symmetry, the potential
 * U(phi1, phi2) a muparser expression in phi1 and phi2, with the mass-like regulator R = r 1, r = k^2,
 * k = Lambda e^{-t}. The exact 0D Wetterich flow (doc/physics.md 2.4 with d = 0; the two-field analogue of
 * -model field, src/physics/field.c) is
 *     d_t U = 1/2 tr[ d_t R (r + H)^{-1} ] = -r tr[(r + H)^{-1}],   H = the field-space Hessian of U,
 * and with the field-independent -2 of the UV subtracted (doc/physics.md 3, "large k"; it moves U by a
 * constant only):
 *     d_t U = tr[H (r + H)^{-1}] = (r tr H + 2 det H) / det(r + H),   det(r + H) = r^2 + r tr H + det H,
 * written so that nothing cancels at r >> |H| (kernel.h: FrgKernelTwoField). Read with s = 1/r, it is
 * the 2D heat equation d_s p = 1/2 Laplacian p for the smoothed density p_s = e^{-S} * N(0, s 1) seen
 * through the Legendre transform: Gamma_IR is the Legendre transform of W(J) = ln int e^{-S + J.phi},
 * so its minimum is <phi> and its Hessian there the inverse covariance (the d = 0 check of doc/physics.md 2.4).
 * The grid is 2D with the unknown U at the cell centres and quadratic extrapolation at all four ends
 * (cells tile [-phi_max, phi_max]^2). -d and -N, when given, must be 0 and 2. Unless given,
 * -Lambda 1e4 and -t_ir 25 (r from 1e8 down to 2e-14). */
#include <frg/impl.h>

PETSC_INTERN PetscErrorCode FrgModelKernelParams_Field(FrgModel, PetscReal, FrgKernelParams *); /* src/physics/field.c: R = k^2 */

static PetscErrorCode FrgModelSetFromOptions_Field2(FrgModel model)
{
  PetscBool set_d, set_N, set_Lambda, set_t_ir, set_potential;

  PetscFunctionBeginUser;
  PetscCall(PetscOptionsHasName(NULL, NULL, "-d", &set_d));
  PetscCall(PetscOptionsHasName(NULL, NULL, "-N", &set_N));
  PetscCall(PetscOptionsHasName(NULL, NULL, "-Lambda", &set_Lambda));
  PetscCall(PetscOptionsHasName(NULL, NULL, "-t_ir", &set_t_ir));
  PetscCall(PetscOptionsHasName(NULL, NULL, "-potential", &set_potential));
  if (!set_Lambda) model->Lambda = 1e4;
  if (!set_t_ir) model->t_ir = 25.0;
  if (!set_potential) PetscCall(PetscStrncpy(model->potential, "(phi1^2 + phi2^2)/2 + phi1*phi2/4 + (phi1^4 + phi2^4)/24", sizeof(model->potential)));
  PetscCheck(!set_d || model->d == 0.0, model->comm, PETSC_ERR_USER_INPUT, "-d must be 0 for -model field2 (two zero-dimensional fields), got %g",
             (double)model->d);
  PetscCheck(!set_N || model->N == 2.0, model->comm, PETSC_ERR_USER_INPUT, "-N must be 2 for -model field2 (two real fields), got %g", (double)model->N);
  model->d = 0.0;
  model->N = 2.0;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PETSC_INTERN PetscErrorCode FrgModelCreate_Field2(FrgModel model)
{
  PetscFunctionBeginUser;
  model->ops.kernelparams   = FrgModelKernelParams_Field;
  model->ops.setfromoptions = FrgModelSetFromOptions_Field2;
  model->kt                 = NULL; /* no one-field scheme: the 2D operator (src/discretization/operator2d.c) */
  model->dim                = 2;
  model->left               = FRG_BOUNDARY_QUADRATIC;
  model->right              = FRG_BOUNDARY_QUADRATIC;
  model->bottom             = FRG_BOUNDARY_QUADRATIC;
  model->top                = FRG_BOUNDARY_QUADRATIC;
  PetscFunctionReturn(PETSC_SUCCESS);
}
