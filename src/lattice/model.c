/* Model "lattice": the LPA flow of lattice phi^4 in two dimensions with the momentum-independent regulator
 * R = k^2 = 1/s (doc/physics.md 2.6), on frg's one PDE core (the KT operator and the integrators).
 *     Gamma_s = phi K phi/2 + sum_x U_s(phi_x),   d_t U_s = (1/2) d_t R I(U_s'' + R),   d_t R = -2 R,
 *     I(m^2) = int_BZ d^2q/(2 pi)^2 1/(K(q) + m^2),  K(q) = -4 kappa sum_mu cos q_mu   (src/lattice/threshold.c).
 * The propagator K(q) + R + U'' has its pole where R + U'' = a = 4 d |kappa| (q = 0 for kappa > 0), so the flow's
 * variable is u = U_s' - a phi (U_s less the hopping energy of a constant field, a phi^2/2): then w = u' gives the pole
 * distance R + w, x = w/R reaches the pole at x = -1 as include/frg/kernel.h expects, and for kappa > 0 the flow's
 * potential U_s - a phi^2/2 is Gamma_s per site at constant phi (its minimum is the magnetization, its curvature
 * there the inverse susceptibility). In the kernel form, with m2 = R, cr = 1 and the constant d_t U at w = 0 removed,
 *     G = l(0) - l(x),   l(x) = R I(a + R (1 + x)),   g'(x) = -R^2 I'(a + R(1 + x)),   g''(x) = -R^3 I''(...),
 * and D = g/x as the mean of g' over [0, x] by 6-point Gauss-Legendre where |x| < 1/4 (the difference would cancel
 * there: x ~ 1e-10 in the UV), as (l(0) - l(x))/x elsewhere. kappa = 0 gives l = 1/(1 + x): the 0D flow of every
 * site alone (-model on -N 1 -d 0). The UV potential is the action's own site term less a phi^2/2:
 *     U_Lambda - a phi^2/2 = (1 - 2 lambda - a/2) phi^2 + lambda phi^4;
 * the field grid is [0, phi_max] with u odd at phi = 0 (the action is even). */
#include "lattice_impl.h"
#include <frg/signature.h>

typedef struct {
  FrgLatticeThreshold threshold;
  PetscReal kappa, lambda;
  PetscBool tabulated;
} FrgModelLattice;

/* (l(0) - l(x))/x and, if asked, g'(x), g''(x): the radial kernel of the lattice LPA flow. */
static inline double FrgKernelLattice(const FrgKernelParams *p, double x, double *E, double *dE)
{
  static const double node[3]   = {0.2386191860831969, 0.6612093864662645, 0.9324695142031521};
  static const double weight[3] = {0.4679139345726910, 0.3607615730481386, 0.1713244923791704};
  const FrgLatticeThreshold *t  = (const FrgLatticeThreshold *)p->table;
  const double R = p->m2, kappa = p->constant[0];
  double prop[3], zero[3], D = 0;

  if (FrgLatticeThresholdEvalDistance(t, kappa, R * (1 + x), prop)) {
    if (E) *E = NAN;
    if (dE) *dE = NAN;
    return NAN;
  }
  if (E) *E = -R * R * prop[1];
  if (dE) *dE = -R * R * R * prop[2];
  if (fabs(x) >= 0.25) {
    (void)FrgLatticeThresholdEvalDistance(t, kappa, R, zero);
    return R * (zero[0] - prop[0]) / x;
  }
  for (int i = 0; i < 6; i++) { /* int_0^1 g'(x tau) dtau, tau = (1 +- node)/2 */
    const double tau = 0.5 * (1 + (i < 3 ? -node[i] : node[i - 3]));
    (void)FrgLatticeThresholdEvalDistance(t, kappa, R * (1 + x * tau), zero);
    D += 0.5 * weight[i % 3] * (-R * R * zero[1]);
  }
  return D;
}

#define FRG_KT_NAME Lattice
#define FRG_KT_RADIAL(p, x, E, dE) FrgKernelLattice(p, x, E, dE)
#include <frg/kt_loops.h>

static PetscErrorCode FrgModelKernelParams_Lattice(FrgModel model, PetscReal t, FrgKernelParams *p)
{
  const FrgModelLattice *data = (const FrgModelLattice *)model->data;
  const PetscReal k           = model->Lambda * PetscExpReal(-t);

  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(p, sizeof(*p)));
  p->cr          = 1.0;
  p->m2          = k * k;
  p->m2_rate     = 2.0;
  p->constant[0] = data->kappa;
  p->table       = &data->threshold;
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode FrgModelLatticePotential(FrgModel model)
{
  const FrgModelLattice *data = (const FrgModelLattice *)model->data;
  const PetscReal a           = 4.0 * FRG_LATTICE_DIMENSION * PetscAbsReal(data->kappa);

  PetscFunctionBeginUser;
  PetscCall(PetscSNPrintf(model->potential, sizeof(model->potential), "(%.17g)*phi^2 + (%.17g)*phi^4", (double)(1 - 2 * data->lambda - 0.5 * a),
                          (double)data->lambda));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode FrgModelSetFromOptions_Lattice(FrgModel model)
{
  FrgModelLattice *data = (FrgModelLattice *)model->data;
  PetscBool set_d, set_N, set_Lambda, set_t_ir, set_potential;

  PetscFunctionBeginUser;
  PetscCall(PetscOptionsHasName(NULL, NULL, "-d", &set_d));
  PetscCall(PetscOptionsHasName(NULL, NULL, "-N", &set_N));
  PetscCall(PetscOptionsHasName(NULL, NULL, "-Lambda", &set_Lambda));
  PetscCall(PetscOptionsHasName(NULL, NULL, "-t_ir", &set_t_ir));
  PetscCall(PetscOptionsHasName(NULL, NULL, "-potential", &set_potential));
  PetscCheck(!set_potential, model->comm, PETSC_ERR_USER_INPUT,
             "-model lattice takes its site potential from -lattice_kappa and -lattice_lambda: -potential is not used");
  PetscCheck(!set_d || model->d == 2.0, model->comm, PETSC_ERR_USER_INPUT, "-d must be 2 for -model lattice (a square lattice), got %g", (double)model->d);
  PetscCheck(!set_N || model->N == 1.0, model->comm, PETSC_ERR_USER_INPUT, "-N must be 1 for -model lattice (one real field), got %g", (double)model->N);
  if (!set_Lambda) model->Lambda = 1e3; /* s from 1e-6, where Gamma_s = S up to O(s) ... */
  if (!set_t_ir) model->t_ir = 13.0;    /* ... to e^26/1e6 = 2e5 */
  model->d = 2.0, model->N = 1.0;
  PetscCall(FrgLatticeCouplingsFromOptions(model->comm, &data->kappa, &data->lambda));
  PetscCall(FrgModelLatticePotential(model));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode FrgModelSetUp_Lattice(FrgModel model)
{
  FrgModelLattice *data = (FrgModelLattice *)model->data;

  PetscFunctionBeginUser;
  if (!data->tabulated) {
    PetscCheck(!FrgLatticeThresholdInit(&data->threshold, FRG_LATTICE_DIMENSION), model->comm, PETSC_ERR_LIB,
               "the lattice threshold function could not be tabulated");
    data->tabulated = PETSC_TRUE;
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode FrgModelDuplicate_Lattice(FrgModel model, FrgModel copy)
{
  const FrgModelLattice *data = (const FrgModelLattice *)model->data;
  FrgModelLattice *to         = (FrgModelLattice *)copy->data;

  PetscFunctionBeginUser;
  to->kappa  = data->kappa;
  to->lambda = data->lambda;
  PetscCall(FrgModelLatticePotential(copy));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode FrgModelSignature_Lattice(FrgModel model, FrgSignature *sig)
{
  const FrgModelLattice *data = (const FrgModelLattice *)model->data;

  PetscFunctionBeginUser;
  PetscCall(FrgSignatureAdd(sig, "lattice_kappa", "%.17g", (double)data->kappa));
  PetscCall(FrgSignatureAdd(sig, "lattice_lambda", "%.17g", (double)data->lambda));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode FrgModelView_Lattice(FrgModel model, PetscViewer viewer)
{
  const FrgModelLattice *data = (const FrgModelLattice *)model->data;

  PetscFunctionBeginUser;
  PetscCall(PetscViewerASCIIPrintf(viewer, "  lattice phi^4, d = 2: kappa = %g, lambda = %g; the flow's u is U_s' - %g phi\n", (double)data->kappa,
                                   (double)data->lambda, (double)(4.0 * FRG_LATTICE_DIMENSION * PetscAbsReal(data->kappa))));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode FrgModelDestroy_Lattice(FrgModel model)
{
  FrgModelLattice *data = (FrgModelLattice *)model->data;

  PetscFunctionBeginUser;
  if (data && data->tabulated) FrgLatticeThresholdFree(&data->threshold);
  PetscCall(PetscFree(model->data));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PETSC_INTERN PetscErrorCode FrgModelCreate_Lattice(FrgModel model)
{
  FrgModelLattice *data;

  PetscFunctionBeginUser;
  PetscCall(PetscNew(&data));
  data->kappa               = 0.2;
  model->data               = data;
  model->ops.kernelparams   = FrgModelKernelParams_Lattice;
  model->ops.setfromoptions = FrgModelSetFromOptions_Lattice;
  model->ops.setup          = FrgModelSetUp_Lattice;
  model->ops.duplicate      = FrgModelDuplicate_Lattice;
  model->ops.signature      = FrgModelSignature_Lattice;
  model->ops.view           = FrgModelView_Lattice;
  model->ops.destroy        = FrgModelDestroy_Lattice;
  model->kt                 = &FrgKTLattice;
  model->left               = FRG_BOUNDARY_ODD;
  model->right              = FRG_BOUNDARY_EXTRAPOLATE;
  PetscCall(FrgModelLatticePotential(model));
  PetscCall(FrgObservablesSetModel(model, PETSC_TRUE));
  PetscFunctionReturn(PETSC_SUCCESS);
}
