/* Model "onom": the O(N)+O(M) model, two multiplets phi_a (N components) and phi_b (M components), in
 * the LPA with the Litim regulator in d dimensions (doc/physics.md 2.4). The potential depends on the two
 * radii phi1 = |phi_a| >= 0 and phi2 = |phi_b| >= 0 only, so the grid is the quadrant of the radii with U
 * even across both axes, and the trace over the N + M modes is the 2 x 2 radial Hessian H plus the
 * N - 1 and M - 1 Goldstone modes of masses U_phi1/phi1 and U_phi2/phi2:
 *     d_t U = -A_d k^{d+2} { tr[(k^2 + H)^{-1}] + (N - 1)/(k^2 + U_phi1/phi1) + (M - 1)/(k^2 + U_phi2/phi2) },
 * with the field-independent -A_d k^d (N + M) of the UV subtracted, i.e. c = A_d k^d times
 * tr[H (k^2 + H)^{-1}] + (N - 1) y1/(k^2 + y1) + (M - 1) y2/(k^2 + y2), y_i = U_phi_i/phi_i
 * (include/frg/kernel.h: FrgKernelTwoField, FrgKernelGoldstone; the 2D operator,
 * src/discretization/operator2d.c). N and M are real and >= 1 (-N, -M). With U = V(phi1) + W(phi2) the
 * two multiplets decouple and each flows as -model on with its own N (tests/cases/field2.sh, onom_*).
 * A state beyond a pole (k^2 + H not positive definite, or a Goldstone denominator <= 0) is a
 * recoverable failure of the step, as in 1D. Defaults: -d 3, -N 4, -M 1, -Lambda 1, -t_ir 1, and a
 * potential in which the O(N) multiplet condenses and the O(M) one does not; in d = 0, -Lambda 1e4 and
 * -t_ir 25. The d > 0 default stops at k = Lambda/e because the vertices are read off U at its minimum
 * by central differences (src/analysis/vertices2d.c), and as k -> 0 a broken phase grows a flat inner
 * region that ends at the minimum with a kink; the 1D models read the outer side, the two-field
 * read-out does not yet and refuses such a state with an error naming -t_ir (by t = 1.5 here).
 * In d = 0 the flow is exact: Gamma_IR is O(N) x O(M) symmetric and convex, its minimum at the origin,
 * and its Hessian there diag(N/<phi1^2>, M/<phi2^2>) with the moments of the radii under
 * phi1^(N-1) phi2^(M-1) exp(-U) (tests/py/onom_check.py). */
#include <frg/impl.h>
#include <frg/options.h>
#include <frg/signature.h>

PETSC_INTERN PetscErrorCode FrgModelKernelParamsTwoField(FrgModel, PetscReal, PetscReal, PetscReal, FrgKernelParams *); /* src/physics/field2.c */

typedef struct {
  PetscReal M;
} FrgModel_ONOM;

static PetscErrorCode FrgModelKernelParams_ONOM(FrgModel model, PetscReal t, FrgKernelParams *p)
{
  const FrgModel_ONOM *onom = (const FrgModel_ONOM *)model->data;

  PetscFunctionBeginUser;
  PetscCall(FrgModelKernelParamsTwoField(model, t, model->N - 1.0, onom->M - 1.0, p));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode FrgModelSetFromOptions_ONOM(FrgModel model)
{
  FrgModel_ONOM *onom = (FrgModel_ONOM *)model->data;
  PetscBool set_potential, set_Lambda, set_t_ir;

  PetscFunctionBeginUser;
  PetscCall(PetscOptionsHasName(NULL, NULL, "-potential", &set_potential));
  PetscCall(PetscOptionsHasName(NULL, NULL, "-Lambda", &set_Lambda));
  PetscCall(PetscOptionsHasName(NULL, NULL, "-t_ir", &set_t_ir));
  if (!set_Lambda && model->d == 0.0) model->Lambda = 1e4;   /* d = 0: the exact flow, from Gamma = S ... */
  if (!set_t_ir) model->t_ir = model->d == 0.0 ? 25.0 : 1.0; /* ... to the IR, as -model field2; d > 0: see the banner */
  if (!set_potential) PetscCall(PetscStrncpy(model->potential, "-phi1^2/2 + phi2^2/4 + (phi1^4 + phi2^4)/24 + phi1^2*phi2^2/12", sizeof(model->potential)));
  PetscOptionsBegin(model->comm, NULL, "O(N)+O(M) model", "FrgModel");
  PetscCall(FrgOptionsReal("-M", "Number of components M of the second multiplet of -model onom (real, >= 1)", onom->M, &onom->M, NULL, 1, 1e6));
  PetscOptionsEnd();
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode FrgModelSetUp_ONOM(FrgModel model)
{
  const FrgModel_ONOM *onom = (const FrgModel_ONOM *)model->data;

  PetscFunctionBeginUser;
  PetscCheck(model->N >= 1, model->comm, PETSC_ERR_USER_INPUT, "-N must be >= 1 for -model onom (the first multiplet has N components), got %g",
             (double)model->N);
  PetscCheck(onom->M >= 1 && PetscIsNormalReal(onom->M), model->comm, PETSC_ERR_USER_INPUT, "-M must be a real number >= 1 for -model onom, got %g",
             (double)onom->M);
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode FrgModelDuplicate_ONOM(FrgModel model, FrgModel copy)
{
  PetscFunctionBeginUser;
  ((FrgModel_ONOM *)copy->data)->M = ((const FrgModel_ONOM *)model->data)->M;
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode FrgModelSignature_ONOM(FrgModel model, FrgSignature *sig)
{
  PetscFunctionBeginUser;
  PetscCall(FrgSignatureAdd(sig, "M", "%.17g", (double)((const FrgModel_ONOM *)model->data)->M));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode FrgModelView_ONOM(FrgModel model, PetscViewer viewer)
{
  PetscFunctionBeginUser;
  PetscCall(PetscViewerASCIIPrintf(viewer, "  O(N)+O(M): N = %g, M = %g (phi1 = |phi_a|, phi2 = |phi_b|)\n", (double)model->N,
                                   (double)((const FrgModel_ONOM *)model->data)->M));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode FrgModelDestroy_ONOM(FrgModel model)
{
  PetscFunctionBeginUser;
  PetscCall(PetscFree(model->data));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PETSC_INTERN PetscErrorCode FrgModelCreate_ONOM(FrgModel model)
{
  FrgModel_ONOM *onom;

  PetscFunctionBeginUser;
  PetscCall(PetscNew(&onom));
  onom->M                   = 1.0;
  model->data               = onom;
  model->ops.kernelparams   = FrgModelKernelParams_ONOM;
  model->ops.setfromoptions = FrgModelSetFromOptions_ONOM;
  model->ops.setup          = FrgModelSetUp_ONOM;
  model->ops.duplicate      = FrgModelDuplicate_ONOM;
  model->ops.signature      = FrgModelSignature_ONOM;
  model->ops.view           = FrgModelView_ONOM;
  model->ops.destroy        = FrgModelDestroy_ONOM;
  model->kt                 = NULL; /* the 2D operator */
  model->dim                = 2;
  model->left               = FRG_BOUNDARY_EVEN;
  model->right              = FRG_BOUNDARY_QUADRATIC;
  model->bottom             = FRG_BOUNDARY_EVEN;
  model->top                = FRG_BOUNDARY_QUADRATIC;
  PetscFunctionReturn(PETSC_SUCCESS);
}
