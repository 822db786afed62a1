/* The exact Newton matrix of two-field flows (src/discretization/operator2d.c, FrgOperatorJacobian2D)
 * against central differences of the right-hand side FrgOperatorApply, column by column, on a small 2D
 * grid, for -model field2 (quadratic ends, d = 0 and d = 3) and -model onom (even lower ends with the
 * Goldstone terms, N = 4, M = 3, d = 3), at smooth and at rough states (U convex plus noise of 1e-3, so
 * that every ghost rule and every difference is exercised with unrelated values). Tolerance 1e-6 of
 * the largest column. Run on 1, 2 and 3 ranks (tests/cases/field2.sh). */
#include <frg/impl.h>
#include <frg/leakcheck.h>
#include "check.h"
#include "jacobian_fd.h"

typedef struct {
  FrgModel model;
  FrgGrid grid;
  FrgOperator op;
} Setup;

static PetscErrorCode SetupCreate(MPI_Comm comm, const char *model, const char *d, Setup *s)
{
  PetscFunctionBeginUser;
  PetscCall(PetscOptionsSetValue(NULL, "-model", model));
  PetscCall(PetscOptionsSetValue(NULL, "-d", d));
  PetscCall(PetscOptionsSetValue(NULL, "-Lambda", "1"));
  PetscCall(PetscOptionsSetValue(NULL, "-potential", "phi1^2 + phi2^2"));
  if (!strcmp(model, "onom")) {
    PetscCall(PetscOptionsSetValue(NULL, "-N", "4"));
    PetscCall(PetscOptionsSetValue(NULL, "-M", "3"));
  }
  PetscCall(FrgModelCreate(comm, &s->model));
  PetscCall(FrgModelSetFromOptions(s->model));
  PetscCall(FrgModelSetUp(s->model));
  PetscCall(PetscOptionsClear(NULL));
  PetscCall(FrgGridCreate(comm, &s->grid));
  PetscCall(FrgGridSetDimension(s->grid, 2, 1));
  PetscCall(FrgGridSetDirection(s->grid, 0, 11, 2.0, s->model->left, s->model->right));
  PetscCall(FrgGridSetDirection(s->grid, 1, 9, 1.5, s->model->bottom, s->model->top));
  PetscCall(FrgGridSetUp(s->grid));
  PetscCall(FrgOperatorCreate(s->grid, s->model, &s->op));
  PetscCall(FrgOperatorSetUp(s->op));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode SetupDestroy(Setup *s)
{
  PetscFunctionBeginUser;
  PetscCall(FrgOperatorDestroy(&s->op));
  PetscCall(FrgGridDestroy(&s->grid));
  PetscCall(FrgModelDestroy(&s->model));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* U = 0.6 phi1^2 + 0.4 phi2^2 + 0.1 phi1 phi2 + (phi1^4 + phi2^4)/24 (+ noise 1e-3), the same values on
 * every rank whatever the decomposition (the noise is drawn for every cell in natural order). */
static PetscErrorCode FillState(Setup *s, PetscBool rough, Vec u)
{
  unsigned long seed = 7;
  PetscInt xs, ys, xm, ym;
  PetscScalar **a;
  const FrgGrid g = s->grid;

  PetscFunctionBeginUser;
  PetscCall(DMDAGetCorners(g->da, &xs, &ys, NULL, &xm, &ym, NULL));
  PetscCall(DMDAVecGetArray(g->da, u, &a));
  for (PetscInt j = 0; j < g->cells_y; j++)
    for (PetscInt i = 0; i < g->cells; i++) {
      const double x = g->phi_first + i * g->spacing, y = g->phi_first_y + j * g->spacing_y, noise = Random(&seed);
      if (i >= xs && i < xs + xm && j >= ys && j < ys + ym)
        a[j][i] = 0.6 * x * x + 0.4 * y * y + 0.1 * x * y + (x * x * x * x + y * y * y * y) / 24 + (rough ? 1e-3 * noise : 0.0);
    }
  PetscCall(DMDAVecRestoreArray(g->da, u, &a));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode TestJacobian(MPI_Comm comm, const char *model, const char *d, PetscBool rough)
{
  Setup s;
  Vec u;
  double err = PETSC_INFINITY;
  PetscMPIInt size;
  char what[128];

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_size(comm, &size));
  PetscCall(SetupCreate(comm, model, d, &s));
  PetscCall(DMCreateGlobalVector(s.grid->da, &u));
  PetscCall(FillState(&s, rough, u));
  PetscCall(OperatorJacobianError(s.op, 0.5, u, 1e-6, &err));
  PetscCall(PetscSNPrintf(what, sizeof(what), "2D Jacobian vs FD of Apply: -model %s -d %s, %s state, %d rank(s)", model, d, rough ? "rough" : "smooth", size));
  PetscCall(Report(comm, (PetscBool)(err < 1e-6), what, err, 1e-6));
  PetscCall(VecDestroy(&u));
  PetscCall(SetupDestroy(&s));
  PetscFunctionReturn(PETSC_SUCCESS);
}

int main(int argc, char **argv)
{
  FrgCallLeakUnchecked(PetscInitialize(&argc, &argv, NULL, "Unit test of the exact Jacobian of the two-field operator"));
  for (int r = 0; r < 2; r++) {
    PetscCall(TestJacobian(PETSC_COMM_WORLD, "field2", "0", (PetscBool)r));
    PetscCall(TestJacobian(PETSC_COMM_WORLD, "field2", "3", (PetscBool)r));
    PetscCall(TestJacobian(PETSC_COMM_WORLD, "onom", "3", (PetscBool)r));
  }
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "%d failure(s)\n", failures));
  FrgFinalizeLeakChecked();
  return failures ? 1 : 0;
}
