/* FrgModel: a registry entry selected with -model, giving the flux parameters of the conservative
 * flow at RG time t, the scale k(t), the boundary rules of the field grid and the UV potential.
 * Common options live here; each type adds its own in ops.setfromoptions. */
#include <frg/impl.h>
#include <frg/options.h>
#include <frg/threshold.h>

PETSC_INTERN PetscErrorCode FrgPotentialParse(FrgModel);
PETSC_INTERN PetscErrorCode FrgPotentialDestroy(FrgModel);
PETSC_INTERN PetscErrorCode FrgModelCreate_ON(FrgModel);
PETSC_INTERN PetscErrorCode FrgModelCreate_Field(FrgModel);
PETSC_INTERN PetscErrorCode FrgModelCreate_Lattice(FrgModel); /* src/lattice/model.c */
PETSC_INTERN PetscErrorCode FrgModelCreate_Field2(FrgModel);
PETSC_INTERN PetscErrorCode FrgModelCreate_ONOM(FrgModel);
PETSC_INTERN PetscErrorCode FrgModelCreate_GNY(FrgModel);
PETSC_INTERN PetscErrorCode FrgModelCreate_QM(FrgModel);

static PetscFunctionList FrgModelList = NULL;

PetscErrorCode FrgModelRegister(const char name[], PetscErrorCode (*create)(FrgModel))
{
  PetscFunctionBeginUser;
  PetscCall(PetscFunctionListAdd(&FrgModelList, name, create));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode FrgModelRegisterAll(void)
{
  static PetscBool done = PETSC_FALSE;

  PetscFunctionBeginUser;
  if (done) PetscFunctionReturn(PETSC_SUCCESS);
  done = PETSC_TRUE;
  PetscCall(FrgModelRegister("on", FrgModelCreate_ON));
  PetscCall(FrgModelRegister("field", FrgModelCreate_Field));
  PetscCall(FrgModelRegister("lattice", FrgModelCreate_Lattice));
  PetscCall(FrgModelRegister("field2", FrgModelCreate_Field2));
  PetscCall(FrgModelRegister("onom", FrgModelCreate_ONOM));
  PetscCall(FrgModelRegister("gny", FrgModelCreate_GNY));
  PetscCall(FrgModelRegister("qm", FrgModelCreate_QM));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode FrgModelCreate(MPI_Comm comm, FrgModel *model)
{
  FrgModel m;

  PetscFunctionBeginUser;
  PetscCall(FrgModelRegisterAll());
  PetscCall(PetscNew(&m));
  m->comm   = comm;
  m->N      = 4.0;
  m->d      = 3.0;
  m->Lambda = 1.0;
  m->t_ir   = 5.0;
  m->dim    = 1;
  m->left   = FRG_BOUNDARY_ODD;
  m->right  = FRG_BOUNDARY_EXTRAPOLATE;
  PetscCall(PetscStrncpy(m->potential, "-phi^2/2 + phi^4/24", sizeof(m->potential)));
  *model = m;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode FrgModelSetType(FrgModel model, const char type[])
{
  PetscErrorCode (*create)(FrgModel) = NULL;

  PetscFunctionBeginUser;
  PetscCall(PetscFunctionListFind(FrgModelList, type, &create));
  PetscCheck(create, model->comm, PETSC_ERR_USER_INPUT, "-model %s is not a known model; known: on, field, field2, onom, lattice, gny, qm", type);
  if (model->ops.destroy) PetscCall(model->ops.destroy(model));
  PetscCall(PetscMemzero(&model->ops, sizeof(model->ops)));
  model->dim = 1;
  PetscCall(PetscStrncpy(model->type, type, sizeof(model->type)));
  PetscCall(create(model));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode FrgModelSetFromOptions(FrgModel model)
{
  char      type[FRG_NAME_LEN];
  PetscBool set;

  PetscFunctionBeginUser;
  PetscCall(PetscStrncpy(type, model->type[0] ? model->type : "on", sizeof(type)));
  PetscOptionsBegin(model->comm, NULL, "Model (physics of the flow)", "FrgModel");
  PetscCall(FrgOptionsRequireValue("-model"));
  PetscCall(PetscOptionsFList("-model", "Model", "FrgModelSetType", FrgModelList, type, type, sizeof(type), &set));
  PetscCall(FrgOptionsReal("-N", "Number of field components N of the O(N) model (real, >= 0); -model gny: the number of fermion flavours", model->N, &model->N, NULL, 0, 1e6));
  PetscCall(FrgOptionsReal("-d", "Space-time dimension d (real, in [0, 4])", model->d, &model->d, NULL, 0, 4));
  PetscCall(FrgOptionsRealAbove("-Lambda", "UV cutoff Lambda: k = Lambda exp(-t)", model->Lambda, &model->Lambda, NULL, 0, FRG_REAL_MAX));
  PetscCall(FrgOptionsRealAbove("-t_ir", "Final RG time t_IR = -ln(k_IR/Lambda)", model->t_ir, &model->t_ir, NULL, 0, FRG_RG_TIME_MAX));
  PetscCall(FrgOptionsString("-potential", "UV potential U_Lambda(phi), a muparser expression in phi (piecewise with ?:)", model->potential, model->potential,
                               sizeof(model->potential), NULL));
  PetscOptionsEnd();
  if (!model->type[0] || set) PetscCall(FrgModelSetType(model, type));
  PetscCall(PetscOptionsHasName(NULL, NULL, "-M", &set));
  PetscCheck(!set || !strcmp(model->type, "onom"), model->comm, PETSC_ERR_USER_INPUT,
             "-M (the second multiplet's components) is an option of -model onom only, not of -model %s", model->type);
  if (model->ops.setfromoptions) PetscCall(model->ops.setfromoptions(model));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode FrgModelSetUp(FrgModel model)
{
  PetscFunctionBeginUser;
  if (model->setup) PetscFunctionReturn(PETSC_SUCCESS);
  if (!model->type[0]) PetscCall(FrgModelSetType(model, "on"));
  PetscCheck(model->N >= 0 && PetscIsNormalReal(model->N + 1), model->comm, PETSC_ERR_USER_INPUT, "-N must be a real number >= 0, got %g", (double)model->N);
  PetscCheck(model->d >= 0 && model->d <= 4, model->comm, PETSC_ERR_USER_INPUT, "-d must lie in [0, 4], got %g", (double)model->d);
  PetscCheck(model->Lambda > 0 && PetscIsNormalReal(model->Lambda), model->comm, PETSC_ERR_USER_INPUT, "-Lambda must be a positive number, got %g", (double)model->Lambda);
  PetscCheck(model->t_ir > 0 && PetscIsNormalReal(model->t_ir), model->comm, PETSC_ERR_USER_INPUT, "-t_ir must be a positive number, got %g", (double)model->t_ir);
  model->Ad = FrgAngularFactor(model->d);
  PetscCall(FrgPotentialParse(model));
  if (model->ops.setup) PetscCall(model->ops.setup(model));
  model->setup = PETSC_TRUE;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Not collective. */
PetscErrorCode FrgModelGetKernelParams(FrgModel model, PetscReal t, FrgKernelParams *p)
{
  PetscFunctionBeginUser;
  PetscCall(model->ops.kernelparams(model, t, p));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Not collective. */
PetscErrorCode FrgModelGetScale(FrgModel model, PetscReal t, PetscReal *k)
{
  PetscFunctionBeginUser;
  if (model->ops.scale) PetscCall(model->ops.scale(model, t, k));
  else *k = model->Lambda * PetscExpReal(-t);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode FrgModelGetBoundaries(FrgModel model, FrgBoundary *left, FrgBoundary *right)
{
  PetscFunctionBeginUser;
  if (left) *left = model->left;
  if (right) *right = model->right;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode FrgModelGetParameters(FrgModel model, PetscReal *N, PetscReal *d, PetscReal *Lambda, PetscReal *t_ir)
{
  PetscFunctionBeginUser;
  if (N) *N = model->N;
  if (d) *d = model->d;
  if (Lambda) *Lambda = model->Lambda;
  if (t_ir) *t_ir = model->t_ir;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The first cell (global index, PETSC_MAX_INT if none) whose initial value is not finite, over every
 * rank: a potential that overflows on one rank's part of the grid is an error on all of them, named
 * once at the same place (a rank-local error would leave the others waiting). Collective. */
static PetscErrorCode FrgModelFirstNonFinite(FrgGrid grid, PetscInt local_first, PetscInt *first)
{
  PetscFunctionBeginUser;
  PetscCallMPI(MPIU_Allreduce(&local_first, first, 1, MPIU_INT, MPI_MIN, PetscObjectComm((PetscObject)grid->da)));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscBool FrgFiniteOrZero(PetscReal x)
{
  return (PetscBool)(PetscIsNormalReal(x) || x == 0.0);
}

/* 2D grids: U itself at the cell centres (the scheme is second order in point values). Collective. */
static PetscErrorCode FrgModelInitialCondition2D(FrgModel model, FrgGrid grid, Vec u)
{
  PetscScalar **x;
  PetscInt      xs, ys, xm, ym, mx, bad = PETSC_MAX_INT;

  PetscFunctionBeginUser;
  PetscCall(DMDAGetInfo(grid->da, NULL, &mx, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL));
  PetscCall(DMDAGetCorners(grid->da, &xs, &ys, NULL, &xm, &ym, NULL));
  PetscCall(DMDAVecGetArray(grid->da, u, &x));
  for (PetscInt j = ys; j < ys + ym; j++)
    for (PetscInt i = xs; i < xs + xm; i++) {
      const PetscReal phi[2] = {grid->phi_first + i * grid->spacing, grid->phi_first_y + j * grid->spacing_y};
      PetscCall(FrgModelPotentialAt(model, phi, &x[j][i]));
      if (!FrgFiniteOrZero(x[j][i])) bad = PetscMin(bad, j * mx + i);
    }
  PetscCall(DMDAVecRestoreArray(grid->da, u, &x));
  PetscCall(FrgModelFirstNonFinite(grid, bad, &bad));
  PetscCheck(bad == PETSC_MAX_INT, PetscObjectComm((PetscObject)grid->da), PETSC_ERR_USER_INPUT, "-potential \"%s\" is not finite at (phi1, phi2) = (%g, %g)", model->potential,
             (double)(grid->phi_first + (bad % mx) * grid->spacing), (double)(grid->phi_first_y + (bad / mx) * grid->spacing_y));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Cell averages of u = U': (U(phi + h/2) - U(phi - h/2))/h is exact for any U, smooth or piecewise,
 * and needs no derivative of the parsed expression. With an odd left end U is even, so it is
 * evaluated at |phi|, and u_0 = 0. */
PetscErrorCode FrgModelInitialCondition(FrgModel model, FrgGrid grid, Vec u)
{
  PetscScalar *x;
  PetscInt     xs, xm;
  PetscReal    phi_first, h, Uleft, Uright;
  PetscBool    odd = (PetscBool)(grid->left == FRG_BOUNDARY_ODD);
  PetscInt     bad = PETSC_MAX_INT;

  PetscFunctionBeginUser;
  if (grid->dim == 2) {
    PetscCall(FrgModelInitialCondition2D(model, grid, u));
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  PetscCall(FrgGridGetInfo(grid, NULL, &phi_first, &h));
  PetscCall(DMDAGetCorners(grid->da, &xs, NULL, NULL, &xm, NULL, NULL));
  PetscCall(DMDAVecGetArray(grid->da, u, &x));
  for (PetscInt i = xs; i < xs + xm; i++) {
    const PetscReal a = phi_first + (i - 0.5) * h, b = phi_first + (i + 0.5) * h;
    if (odd && i == 0) {
      x[i] = 0.0;
      continue;
    }
    PetscCall(FrgModelPotential(model, odd ? PetscAbsReal(a) : a, &Uleft));
    PetscCall(FrgModelPotential(model, b, &Uright));
    x[i] = (Uright - Uleft) / h;
    if (!FrgFiniteOrZero(x[i])) bad = PetscMin(bad, i);
  }
  PetscCall(DMDAVecRestoreArray(grid->da, u, &x));
  PetscCall(FrgModelFirstNonFinite(grid, bad, &bad));
  PetscCheck(bad == PETSC_MAX_INT, PetscObjectComm((PetscObject)grid->da), PETSC_ERR_USER_INPUT, "-potential \"%s\" is not finite near phi = %g", model->potential, (double)(phi_first + bad * h));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Not collective. */
PetscErrorCode FrgModelGetDimension(FrgModel model, PetscInt *dim)
{
  PetscFunctionBeginUser;
  *dim = model->dim;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Not collective. */
PetscErrorCode FrgModelGetObservableNames(FrgModel model, PetscInt *count, const char *const **names)
{
  PetscFunctionBeginUser;
  if (!model->type[0]) PetscCall(FrgModelSetType(model, "on"));
  if (count) *count = model->observable_count;
  if (names) *names = model->observable_names;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The value and error of the observable called name. Not collective. */
PetscErrorCode FrgModelGetObservable(FrgModel model, const FrgObservables *obs, const char name[], PetscReal *value, PetscReal *error)
{
  PetscFunctionBeginUser;
  for (PetscInt c = 0; c < model->observable_count; c++) {
    if (strcmp(model->observable_names[c], name)) continue;
    if (value) *value = obs->value[c];
    if (error) *error = obs->error[c];
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  SETERRQ(model->comm, PETSC_ERR_ARG_WRONG, "-model %s has no observable %s", model->type, name);
}

/* A model of the same type and parameters, set up, without reading options (the coarse solve of the
 * error estimate). Collective. */
PetscErrorCode FrgModelDuplicate(FrgModel model, FrgModel *copy)
{
  FrgModel m;

  PetscFunctionBeginUser;
  PetscCall(FrgModelCreate(model->comm, &m));
  PetscCall(FrgModelSetType(m, model->type));
  m->N = model->N, m->d = model->d, m->Lambda = model->Lambda, m->t_ir = model->t_ir;
  PetscCall(PetscStrncpy(m->potential, model->potential, sizeof(m->potential)));
  if (model->ops.duplicate) PetscCall(model->ops.duplicate(model, m));
  PetscCall(FrgModelSetUp(m));
  *copy = m;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode FrgModelView(FrgModel model, PetscViewer viewer)
{
  PetscFunctionBeginUser;
  PetscCall(PetscViewerASCIIPrintf(viewer, "model: %s, N = %g, d = %g, Lambda = %g, t_IR = %g\n  U_Lambda(phi) = %s\n", model->type, (double)model->N, (double)model->d,
                                   (double)model->Lambda, (double)model->t_ir, model->potential));
  if (model->ops.view) PetscCall(model->ops.view(model, viewer));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode FrgModelDestroy(FrgModel *model)
{
  PetscFunctionBeginUser;
  if (!*model) PetscFunctionReturn(PETSC_SUCCESS);
  if ((*model)->ops.destroy) PetscCall((*model)->ops.destroy(*model));
  PetscCall(FrgPotentialDestroy(*model));
  PetscCall(PetscFree(*model));
  PetscFunctionReturn(PETSC_SUCCESS);
}
