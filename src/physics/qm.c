/* Model "qm": the two-flavour quark-meson model in 3+1 dimensions, O(4) LPA (sigma and three pions,
 * N_c = 3, N_f = 2), at temperature -T and quark chemical potential -mu, Yukawa coupling -qm_h
 * (doc/physics.md 2.5; Schaefer & Wambach, Nucl. Phys. A 757, 479 (2005), eq. (17), with the 3D spatial Litim
 * regulator instead of their proper-time one). With the Matsubara sums done analytically
 * (include/frg/thermal.h), for u = dU/dsigma:
 *     d_t U = -k^4/(12 pi^2) [ 3 l_B(U'/(sigma k^2)) + l_B(U''/k^2) - 4 N_c N_f l_F(h^2 sigma^2/k^2) ],
 *     l_B(x) = coth(e/(2T/k))/e,  l_F(y) = [tanh((e - mu/k)/(2T/k)) + tanh((e + mu/k)/(2T/k))]/(2e),
 * e = sqrt(1 + x) or sqrt(1 + y), k = Lambda e^{-t}: the form of issue 13, with coth(E/2T)/E = l_B/k and
 * (tanh + tanh)/E = 2 l_F/k. In the kernel form of include/frg/kernel.h, with c = k^4/(12 pi^2):
 *     cg = 3 c (pions), cr = c (sigma), m2 = k^2, kernel g_B for both; source S = -4 N_c N_f c g_F.
 * -mean_field true keeps the quark term alone (cg = cr = 0); the flow then integrates in closed form:
 *     U_k(sigma) = U_Lambda + (6/pi^2) [ Lambda^3 F(E_Lambda)/3 - k^3 F(E_k)/3 - int_k^Lambda dp p^2 F(E_p) ],
 *     F(E) = E + T ln(1 + e^{-(E - mu)/T}) + T ln(1 + e^{-(E + mu)/T}),  E_p = sqrt(p^2 + h^2 sigma^2)
 * (the mean-field grand potential -2 N_c N_f int d^3p/(2 pi)^3 F with a sharp cutoff, plus the boundary
 * term of the Litim-regulated energies; tests/py/qm_check.py).
 * Explicit breaking -qm_c: the term -c sigma is added to the IR potential only (it does not enter the
 * flow of u, and adding it in the UV would put c/sigma into the pion mass), so the observables read
 * u - c: phi0 = sigma_0 = f_pi solves u(sigma_0) = c, m2_radial = U''(sigma_0) = m_sigma^2 and
 * m2_goldstone = c/sigma_0 = m_pi^2. At h = 0 and T >> k, coth(e/2tau)/e = 2 tau/e^2 + const + O(tau^-3)
 * and the flow is T times the d = 3 O(4) flow of -model on (dimensional reduction; tests/cases/yukawa.sh). */
#include <frg/impl.h>
#include <frg/options.h>
#include <frg/thermal.h>
#include <frg/medium.h>

/* constant[]: 0 tau = T/k, 1 mu/k, 2 the source prefactor -4 N_c N_f c, 3 h^2/k^2 */
#define FRG_KT_NAME                   QM
#define FRG_KT_GOLDSTONE(p, x, E, dE) FrgThermalBoson(x, (p)->constant[0], E, dE)
#define FRG_KT_RADIAL(p, x, E, dE)    FrgThermalBoson(x, (p)->constant[0], E, dE)
#define FRG_KT_SOURCE(p, phi)         ((p)->constant[2] * FrgThermalFermion((p)->constant[3] * (phi) * (phi), (p)->constant[0], (p)->constant[1]))
#include <frg/kt_loops.h>

#define FRG_QM_COLOURS 3.0
#define FRG_QM_FLAVOURS 2.0

PETSC_INTERN PetscErrorCode FrgObservablesON(FrgModel, FrgGrid, Vec, Vec, PetscReal[], PetscReal[]);

typedef struct {
  PetscReal h, c, T, mu;
  PetscBool mean_field;
} FrgModel_QM;

static PetscErrorCode FrgModelKernelParams_QM(FrgModel model, PetscReal t, FrgKernelParams *p)
{
  const FrgModel_QM *qm = (const FrgModel_QM *)model->data;
  const PetscReal    k = model->Lambda * PetscExpReal(-t), k2 = k * k, c = k2 * k2 / (12.0 * PETSC_PI * PETSC_PI);

  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(p, sizeof(*p)));
  p->cg          = qm->mean_field ? 0.0 : 3.0 * c;
  p->cr          = qm->mean_field ? 0.0 : c;
  p->m2          = k2;
  p->m2_rate     = 2.0;
  p->constant[0] = qm->T / k;
  p->constant[1] = qm->mu / k;
  p->constant[2] = -4.0 * FRG_QM_COLOURS * FRG_QM_FLAVOURS * c;
  p->constant[3] = qm->h * qm->h / k2;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The O(4) observables of u - c (see the banner): phi0 and m2_radial of the shifted u, m2_goldstone =
 * c/phi0, the vertices at sigma = 0 of u itself. Collective. */
static PetscErrorCode FrgObservablesQM(FrgModel model, FrgGrid grid, Vec U, Vec E, PetscReal values[], PetscReal time[])
{
  const FrgModel_QM *qm = (const FrgModel_QM *)model->data;
  PetscReal          shifted[FRG_OBSERVABLE_MAX], shifted_time[FRG_OBSERVABLE_MAX]; /* all of the O(N) observables, U0 too */
  Vec                V;

  PetscFunctionBeginUser;
  PetscCall(FrgObservablesON(model, grid, U, E, values, time));
  if (qm->c == 0.0) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(VecDuplicate(U, &V));
  PetscCall(VecCopy(U, V));
  PetscCall(VecShift(V, -qm->c));
  PetscCall(FrgObservablesON(model, grid, V, E, shifted, time ? shifted_time : NULL));
  PetscCall(VecDestroy(&V));
  values[0] = shifted[0];
  values[1] = shifted[1];
  values[2] = shifted[0] > 0 ? qm->c / shifted[0] : 0.0;
  if (time) {
    time[0] = shifted_time[0];
    time[1] = shifted_time[1];
    time[2] = shifted[0] > 0 ? values[2] * shifted_time[0] / shifted[0] : 0.0;
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode FrgModelSetFromOptions_QM(FrgModel model)
{
  FrgModel_QM *qm = (FrgModel_QM *)model->data;
  PetscBool    set_d, set_N;
  PetscReal    d = 4.0, N = 4.0;

  PetscFunctionBeginUser;
  PetscOptionsBegin(model->comm, NULL, "Quark-meson model (2 flavours, 3+1 dimensions)", "FrgModel");
  PetscCall(FrgOptionsReal("-qm_h", "Yukawa coupling h (quark mass h sigma)", qm->h, &qm->h, NULL, 0, FRG_REAL_MAX));
  PetscCall(FrgOptionsReal("-qm_c", "Explicit breaking c: the term -c sigma added to the IR potential", qm->c, &qm->c, NULL, 0, FRG_REAL_MAX));
  PetscCall(FrgOptionsReal("-T", "Temperature T (>= 0; T = 0 exactly is allowed)", qm->T, &qm->T, NULL, 0, FRG_REAL_MAX));
  PetscCall(FrgOptionsReal("-mu", "Quark chemical potential mu", qm->mu, &qm->mu, NULL, -FRG_REAL_MAX, FRG_REAL_MAX));
  PetscCall(PetscOptionsBool("-mean_field", "Keep the quark loop alone (no meson loops)", "", qm->mean_field, &qm->mean_field, NULL));
  PetscOptionsEnd();
  /* read -d and -N themselves: the type set d = 4, N = 4 over what the common options parsed */
  PetscCall(PetscOptionsGetReal(NULL, NULL, "-d", &d, &set_d));
  PetscCall(PetscOptionsGetReal(NULL, NULL, "-N", &N, &set_N));
  PetscCheck(!set_d || d == 4.0, model->comm, PETSC_ERR_USER_INPUT, "-d must be 4 for -model qm (3+1 dimensions), got %g", (double)d);
  PetscCheck(!set_N || N == 4.0, model->comm, PETSC_ERR_USER_INPUT, "-N must be 4 for -model qm (sigma and three pions), got %g", (double)N);
  model->d = 4.0;
  model->N = 4.0;
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode FrgModelSetUp_QM(FrgModel model)
{
  const FrgModel_QM *qm = (const FrgModel_QM *)model->data;

  PetscFunctionBeginUser;
  PetscCall(FrgMediumCheck(model->comm, qm->T, qm->mu));
  PetscCheck(qm->h >= 0 && PetscIsNormalReal(qm->h + 1), model->comm, PETSC_ERR_USER_INPUT, "-qm_h must be a finite number >= 0, got %g", (double)qm->h);
  PetscCheck(qm->c >= 0 && PetscIsNormalReal(qm->c + 1), model->comm, PETSC_ERR_USER_INPUT, "-qm_c must be a finite number >= 0, got %g", (double)qm->c);
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode FrgModelDuplicate_QM(FrgModel model, FrgModel copy)
{
  PetscFunctionBeginUser;
  *(FrgModel_QM *)copy->data = *(const FrgModel_QM *)model->data;
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode FrgModelSignature_QM(FrgModel model, FrgSignature *sig)
{
  const FrgModel_QM *qm = (const FrgModel_QM *)model->data;

  PetscFunctionBeginUser;
  PetscCall(FrgSignatureAdd(sig, "qm_h", "%.17g", (double)qm->h));
  PetscCall(FrgSignatureAdd(sig, "qm_c", "%.17g", (double)qm->c));
  PetscCall(FrgMediumSignature(sig, qm->T, qm->mu, qm->mean_field));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode FrgModelView_QM(FrgModel model, PetscViewer viewer)
{
  const FrgModel_QM *qm = (const FrgModel_QM *)model->data;

  PetscFunctionBeginUser;
  PetscCall(PetscViewerASCIIPrintf(viewer, "  quark-meson 3+1 D, N_c = 3, N_f = 2: h = %g, c = %g, T = %g, mu = %g, %s\n", (double)qm->h, (double)qm->c, (double)qm->T,
                                   (double)qm->mu, qm->mean_field ? "mean field (quark loop alone)" : "O(4) meson loops"));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode FrgModelDestroy_QM(FrgModel model)
{
  PetscFunctionBeginUser;
  PetscCall(PetscFree(model->data));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PETSC_INTERN PetscErrorCode FrgModelCreate_QM(FrgModel model)
{
  FrgModel_QM *qm;

  PetscFunctionBeginUser;
  PetscCall(PetscNew(&qm));
  qm->h                     = 3.2;
  model->d                  = 4.0;
  model->N                  = 4.0;
  model->data               = qm;
  model->ops.kernelparams   = FrgModelKernelParams_QM;
  model->ops.setfromoptions = FrgModelSetFromOptions_QM;
  model->ops.setup          = FrgModelSetUp_QM;
  model->ops.duplicate      = FrgModelDuplicate_QM;
  model->ops.signature      = FrgModelSignature_QM;
  model->ops.view           = FrgModelView_QM;
  model->ops.destroy        = FrgModelDestroy_QM;
  model->kt                 = &FrgKTQM;
  model->left               = FRG_BOUNDARY_ODD;
  model->right              = FRG_BOUNDARY_EXTRAPOLATE;
  PetscCall(FrgObservablesSetModel(model, PETSC_TRUE));
  model->observables = FrgObservablesQM;
  PetscFunctionReturn(PETSC_SUCCESS);
}
