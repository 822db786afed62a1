/* Model "gny": the Gross-Neveu-Yukawa model in 1+1 dimensions, LPA, per flavour (doc/physics.md 2.5;
 * Stoll, Zorbach, Koenigstein, Steil, Rechenberger, arXiv 2108.10616). A Z2 field sigma, N flavours of
 * two-component fermions with Yukawa coupling h (-gny_h), temperature -T and chemical potential -mu.
 * With the spatial Litim regulator R_k(p) = (k^2 - p^2) theta(k^2 - p^2) the Matsubara sums are
 * analytic (include/frg/thermal.h), and for u = dU/dsigma of the potential per flavour U:
 *     d_t U = (k^2/pi) l_F(h^2 sigma^2/k^2) - (1/N) (k^2/(2 pi)) l_B(U''/k^2),   k = Lambda e^{-t},
 *     l_F(y) = [tanh((e - mu/k)/(2T/k)) + tanh((e + mu/k)/(2T/k))]/(2e),  e = sqrt(1 + y),
 *     l_B(x) = coth(sqrt(1 + x)/(2T/k))/sqrt(1 + x),
 * from the Wetterich equation with the momentum volume int_{|p|<k} dp/(2 pi) = k/pi: a two-component
 * fermion loop gives +2 (k/pi) k^2 (1 - n_F(E - mu) - n_F(E + mu))/(2E), the boson loop
 * -(k/pi) k^2 coth(E/2T)/(2E) (the 3+1 D forms of Schaefer & Wambach, NPA 757, 479 (2005), with the
 * 1D volume). In the kernel form of include/frg/kernel.h, with g = l(0) - l:
 *     radial  cr = k^2/(2 pi N), m2 = k^2, kernel g_B (boson loop; none under -mean_field),
 *     source  S(sigma) = -(k^2/pi) g_F(h^2 sigma^2/k^2).
 * -mean_field true drops the boson loop (the exact N -> infinity limit); the flow is then a source
 * alone and integrates in closed form (the exact check of tests/py/gny_check.py):
 *     U_IR(sigma) = U_Lambda(sigma) + (1/pi) [ Lambda F(E_Lambda) - int_0^Lambda dp F(E_p) ],
 *     F(E) = E + T ln(1 + e^{-(E - mu)/T}) + T ln(1 + e^{-(E + mu)/T}),  E_p = sqrt(p^2 + h^2 sigma^2),
 * the mean-field grand potential with a sharp spatial cutoff plus the UV boundary term Lambda F(E_Lambda). */
#include <frg/impl.h>
#include <frg/options.h>
#include <frg/thermal.h>
#include <frg/medium.h>

/* constant[]: 0 tau = T/k, 1 mu/k, 2 the source prefactor -k^2/pi, 3 h^2/k^2 */
#define FRG_KT_NAME                GNY
#define FRG_KT_RADIAL(p, x, E, dE) FrgThermalBoson(x, (p)->constant[0], E, dE)
#define FRG_KT_SOURCE(p, phi)      ((p)->constant[2] * FrgThermalFermion((p)->constant[3] * (phi) * (phi), (p)->constant[0], (p)->constant[1]))
#include <frg/kt_loops.h>

typedef struct {
  PetscReal h, T, mu;
  PetscBool mean_field;
} FrgModel_GNY;

static PetscErrorCode FrgModelKernelParams_GNY(FrgModel model, PetscReal t, FrgKernelParams *p)
{
  const FrgModel_GNY *gny = (const FrgModel_GNY *)model->data;
  const PetscReal     k = model->Lambda * PetscExpReal(-t), k2 = k * k;

  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(p, sizeof(*p)));
  p->cr          = gny->mean_field ? 0.0 : k2 / (2.0 * PETSC_PI * model->N);
  p->m2          = k2;
  p->m2_rate     = 2.0;
  p->constant[0] = gny->T / k;
  p->constant[1] = gny->mu / k;
  p->constant[2] = -k2 / PETSC_PI;
  p->constant[3] = gny->h * gny->h / k2;
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode FrgModelSetFromOptions_GNY(FrgModel model)
{
  FrgModel_GNY *gny = (FrgModel_GNY *)model->data;
  PetscBool     set_d;

  PetscFunctionBeginUser;
  PetscOptionsBegin(model->comm, NULL, "Gross-Neveu-Yukawa model in 1+1 dimensions", "FrgModel");
  PetscCall(FrgOptionsRealAbove("-gny_h", "Yukawa coupling h (fermion mass h sigma)", gny->h, &gny->h, NULL, 0, FRG_REAL_MAX));
  PetscCall(FrgOptionsReal("-T", "Temperature T (>= 0; T = 0 exactly is allowed)", gny->T, &gny->T, NULL, 0, FRG_REAL_MAX));
  PetscCall(FrgOptionsReal("-mu", "Chemical potential mu", gny->mu, &gny->mu, NULL, -FRG_REAL_MAX, FRG_REAL_MAX));
  PetscCall(PetscOptionsBool("-mean_field", "Drop the boson loop (the exact large-N limit)", "", gny->mean_field, &gny->mean_field, NULL));
  PetscOptionsEnd();
  { /* read -d itself: the type set d = 2 over what the common options parsed */
    PetscReal d = 2.0;
    PetscCall(PetscOptionsGetReal(NULL, NULL, "-d", &d, &set_d));
    model->d = d;
  }
  PetscCheck(!set_d || model->d == 2.0, model->comm, PETSC_ERR_USER_INPUT, "-d must be 2 for -model gny (1+1 dimensions), got %g", (double)model->d);
  model->d = 2.0;
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode FrgModelSetUp_GNY(FrgModel model)
{
  const FrgModel_GNY *gny = (const FrgModel_GNY *)model->data;

  PetscFunctionBeginUser;
  PetscCall(FrgMediumCheck(model->comm, gny->T, gny->mu));
  PetscCheck(gny->h > 0 && PetscIsNormalReal(gny->h), model->comm, PETSC_ERR_USER_INPUT, "-gny_h must be a positive number, got %g", (double)gny->h);
  PetscCheck(gny->mean_field || model->N > 0, model->comm, PETSC_ERR_USER_INPUT, "-N (the number of fermion flavours) must be > 0 for -model gny without -mean_field, got %g",
             (double)model->N);
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode FrgModelDuplicate_GNY(FrgModel model, FrgModel copy)
{
  PetscFunctionBeginUser;
  *(FrgModel_GNY *)copy->data = *(const FrgModel_GNY *)model->data;
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode FrgModelSignature_GNY(FrgModel model, FrgSignature *sig)
{
  const FrgModel_GNY *gny = (const FrgModel_GNY *)model->data;

  PetscFunctionBeginUser;
  PetscCall(FrgSignatureAdd(sig, "gny_h", "%.17g", (double)gny->h));
  PetscCall(FrgMediumSignature(sig, gny->T, gny->mu, gny->mean_field));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode FrgModelView_GNY(FrgModel model, PetscViewer viewer)
{
  const FrgModel_GNY *gny = (const FrgModel_GNY *)model->data;

  PetscFunctionBeginUser;
  PetscCall(PetscViewerASCIIPrintf(viewer, "  Gross-Neveu-Yukawa 1+1 D: h = %g, T = %g, mu = %g, %s\n", (double)gny->h, (double)gny->T, (double)gny->mu,
                                   gny->mean_field ? "mean field (no boson loop)" : "boson loop weighted 1/N"));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode FrgModelDestroy_GNY(FrgModel model)
{
  PetscFunctionBeginUser;
  PetscCall(PetscFree(model->data));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PETSC_INTERN PetscErrorCode FrgModelCreate_GNY(FrgModel model)
{
  FrgModel_GNY *gny;

  PetscFunctionBeginUser;
  PetscCall(PetscNew(&gny));
  gny->h                    = 1.0;
  model->d                  = 2.0;
  model->data               = gny;
  model->ops.kernelparams   = FrgModelKernelParams_GNY;
  model->ops.setfromoptions = FrgModelSetFromOptions_GNY;
  model->ops.setup          = FrgModelSetUp_GNY;
  model->ops.duplicate      = FrgModelDuplicate_GNY;
  model->ops.signature      = FrgModelSignature_GNY;
  model->ops.view           = FrgModelView_GNY;
  model->ops.destroy        = FrgModelDestroy_GNY;
  model->kt                 = &FrgKTGNY;
  model->left               = FRG_BOUNDARY_ODD;
  model->right              = FRG_BOUNDARY_EXTRAPOLATE;
  PetscCall(FrgObservablesSetModel(model, PETSC_TRUE));
  PetscFunctionReturn(PETSC_SUCCESS);
}
