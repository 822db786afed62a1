/* Model "on": the O(N) model in the local potential approximation (doc/physics.md 2.1):
 *     d_t U = -A_d k^d [ (N-1) l(U'/(phi k^2)) + l(U''/k^2) ],   k = Lambda e^{-t},
 *     A_d = 1/((4 pi)^{d/2} Gamma(d/2 + 1)),
 * with the threshold function l of the regulator (include/frg/threshold.h, -regulator): Litim's
 * R_k(q) = (k^2 - q^2) theta(k^2 - q^2) gives l(w) = 1/(1 + w), the flow
 *     d_t U = -A_d k^{d+2} [ (N-1)/(k^2 + U'/phi) + 1/(k^2 + U'') ];
 * the exponential and mass-exponential regulators use the tables of src/physics/threshold.c. In the
 * kernel form of include/frg/kernel.h: cg = A_d k^d (N - 1), cr = A_d k^d, m2 = pole k^2 (the
 * denominators k^2 pole + U'/phi and k^2 pole + U'' vanish at the regulator's pole), and the kernel
 * g(x) = l(0) - l(pole x) for both terms (Litim: x/(1 + x), pole 1).
 * In d = 0 this is the exact flow of Koenigstein et al. (PRD 106, 065012 (2022)) with their mass-like
 * regulator r = k^2: their (Lambda_K, t_K) correspond to our (sqrt(Lambda_K), t_K/2); in d = 0 there is
 * no momentum integral, so the regulator's shape does not enter and only -regulator litim is allowed. */
#include <frg/impl.h>
#include <frg/options.h>
#include <frg/threshold.h>
#include <frg/signature.h>

#define FRG_KT_NAME                   ON
#define FRG_KT_GOLDSTONE(p, x, E, dE) FrgKernelLitim(p, x, E, dE)
#define FRG_KT_RADIAL(p, x, E, dE)    FrgKernelLitim(p, x, E, dE)
#include <frg/kt_loops.h>

#define FRG_KT_NAME                   ONTable
#define FRG_KT_GOLDSTONE(p, x, E, dE) FrgThresholdKernel((const FrgThreshold *)(p)->table, x, E, dE)
#define FRG_KT_RADIAL(p, x, E, dE)    FrgThresholdKernel((const FrgThreshold *)(p)->table, x, E, dE)
#include <frg/kt_loops.h>

/* The regulator's kernel table, shared by the copies of a model (the coarse solve of the error
 * estimate) since tabulating it costs 0.4 s. */
typedef struct {
  PetscInt     references;
  FrgThreshold threshold;
} FrgONTable;

typedef struct {
  FrgRegulatorType regulator;
  PetscReal        alpha;
  FrgONTable      *table; /* NULL for Litim */
} FrgModel_ON;

static PetscErrorCode FrgModelKernelParams_ON(FrgModel model, PetscReal t, FrgKernelParams *p)
{
  const FrgModel_ON *on = (const FrgModel_ON *)model->data;
  const PetscReal    k = model->Lambda * PetscExpReal(-t), c = model->Ad * (model->d == 0.0 ? 1.0 : PetscPowReal(k, model->d));

  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(p, sizeof(*p)));
  p->cg      = c * (model->N - 1.0);
  p->cr      = c;
  p->m2      = k * k * (on->table ? on->table->threshold.pole : 1.0);
  p->m2_rate = 2.0;
  p->table   = on->table ? &on->table->threshold : NULL;
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode FrgModelSetFromOptions_ON(FrgModel model)
{
  FrgModel_ON *on = (FrgModel_ON *)model->data;

  PetscFunctionBeginUser;
  PetscOptionsBegin(model->comm, NULL, "O(N) model", "FrgModel");
  PetscCall(FrgOptionsEnum("-regulator", "Regulator shape (threshold functions of src/physics/threshold.c)", FrgRegulatorTypes, (PetscEnum)on->regulator, (PetscEnum *)&on->regulator, NULL));
  PetscCall(FrgOptionsRealAbove("-regulator_alpha", "Amplitude alpha of the mass_exponential regulator R = alpha k^2 exp(-q^2/k^2)", on->alpha, &on->alpha, NULL, 0, 1e6));
  PetscOptionsEnd();
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode FrgModelSetUp_ON(FrgModel model)
{
  FrgModel_ON *on = (FrgModel_ON *)model->data;

  PetscFunctionBeginUser;
  PetscCheck(on->alpha > 0 && PetscIsNormalReal(on->alpha), model->comm, PETSC_ERR_USER_INPUT, "-regulator_alpha must be a positive number, got %g", (double)on->alpha);
  PetscCheck(on->regulator == FRG_REGULATOR_LITIM || model->d > 0, model->comm, PETSC_ERR_USER_INPUT,
             "-regulator %s needs -d > 0 (in d = 0 there is no momentum integral for its shape to enter; the 0D flow is exact with -regulator litim), got -d %g",
             FrgRegulatorTypes[on->regulator], (double)model->d);
  if (on->regulator != FRG_REGULATOR_LITIM && !on->table) {
    PetscCall(PetscNew(&on->table));
    on->table->references = 1;
    PetscCheck(!FrgThresholdInitKernel(&on->table->threshold, on->regulator, model->d, on->alpha), model->comm, PETSC_ERR_LIB,
               "tabulating the threshold functions of -regulator %s failed", FrgRegulatorTypes[on->regulator]);
  }
  model->kt = on->table ? &FrgKTONTable : &FrgKTON;
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode FrgModelDuplicate_ON(FrgModel model, FrgModel copy)
{
  const FrgModel_ON *on = (const FrgModel_ON *)model->data;
  FrgModel_ON       *to = (FrgModel_ON *)copy->data;

  PetscFunctionBeginUser;
  to->regulator = on->regulator;
  to->alpha     = on->alpha;
  to->table     = on->table;
  if (to->table) to->table->references++;
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode FrgModelSignature_ON(FrgModel model, FrgSignature *sig)
{
  const FrgModel_ON *on = (const FrgModel_ON *)model->data;

  PetscFunctionBeginUser;
  PetscCall(FrgSignatureAdd(sig, "regulator", "%s", FrgRegulatorTypes[on->regulator]));
  if (on->regulator == FRG_REGULATOR_MASS_EXPONENTIAL) PetscCall(FrgSignatureAdd(sig, "regulator_alpha", "%.17g", (double)on->alpha));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode FrgModelView_ON(FrgModel model, PetscViewer viewer)
{
  const FrgModel_ON *on = (const FrgModel_ON *)model->data;

  PetscFunctionBeginUser;
  if (on->regulator == FRG_REGULATOR_MASS_EXPONENTIAL) PetscCall(PetscViewerASCIIPrintf(viewer, "  regulator %s, alpha = %g\n", FrgRegulatorTypes[on->regulator], (double)on->alpha));
  else PetscCall(PetscViewerASCIIPrintf(viewer, "  regulator %s\n", FrgRegulatorTypes[on->regulator]));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode FrgModelDestroy_ON(FrgModel model)
{
  FrgModel_ON *on = (FrgModel_ON *)model->data;

  PetscFunctionBeginUser;
  if (on->table && --on->table->references == 0) {
    FrgThresholdFree(&on->table->threshold);
    PetscCall(PetscFree(on->table));
  }
  PetscCall(PetscFree(model->data));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The regulator of an "on" model (the fixed-point task reads it from the same options). Not collective. */
PETSC_INTERN PetscErrorCode FrgModelGetRegulator_ON(FrgModel model, FrgRegulatorType *regulator, PetscReal *alpha)
{
  const FrgModel_ON *on = (const FrgModel_ON *)model->data;

  PetscFunctionBeginUser;
  PetscCheck(!strcmp(model->type, "on"), model->comm, PETSC_ERR_USER_INPUT, "-model %s has no regulator of the O(N) model", model->type);
  if (regulator) *regulator = on->regulator;
  if (alpha) *alpha = on->alpha;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PETSC_INTERN PetscErrorCode FrgModelCreate_ON(FrgModel model)
{
  FrgModel_ON *on;

  PetscFunctionBeginUser;
  PetscCall(PetscNew(&on));
  on->regulator             = FRG_REGULATOR_LITIM;
  on->alpha                 = 1.0;
  model->data               = on;
  model->ops.kernelparams   = FrgModelKernelParams_ON;
  model->ops.setfromoptions = FrgModelSetFromOptions_ON;
  model->ops.setup          = FrgModelSetUp_ON;
  model->ops.duplicate      = FrgModelDuplicate_ON;
  model->ops.signature      = FrgModelSignature_ON;
  model->ops.view           = FrgModelView_ON;
  model->ops.destroy        = FrgModelDestroy_ON;
  model->kt                 = &FrgKTON;
  model->left               = FRG_BOUNDARY_ODD;
  model->right              = FRG_BOUNDARY_EXTRAPOLATE;
  PetscCall(FrgObservablesSetModel(model, PETSC_TRUE));
  PetscFunctionReturn(PETSC_SUCCESS);
}
