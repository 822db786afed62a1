/* The potential table of the lattice sampler from the LPA flow of -model lattice (src/lattice/model.c) on frg's
 * PDE core: one flow from the UV (s = 1/Lambda^2, U_s = the action's site potential) through the sampler's noise
 * levels, stopping exactly at each (the integrator's stop time and dense output). With R = k^2 = Lambda^2 e^{-2t},
 * s = 1/R, so level s sits at t = ln(Lambda^2 s)/2. The flow's cell averages of u = U_s' - a phi become point values
 * and fourth-order slopes (src/diffusion/score_table.c), U_s' = u + a phi and U_s'' = u' + a, on the grid mirrored to
 * phi < 0 (u is odd). Every rank integrates the same flow on PETSC_COMM_SELF, so every rank holds the same table
 * bitwise (the samples, not the few hundred cells, are what is worth distributing). */
#include "lattice_impl.h"
#include <frg/diffusion.h>

PetscErrorCode FrgLatticeFlowCreate(MPI_Comm comm, FrgLatticeFlow *lf)
{
  char type[FRG_NAME_LEN] = "lattice";
  PetscBool set;

  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(lf, sizeof(*lf)));
  lf->comm = comm;
  PetscCall(PetscOptionsGetString(NULL, NULL, "-model", type, sizeof(type), &set));
  PetscCheck(!set || !strcmp(type, "lattice"), comm, PETSC_ERR_USER_INPUT,
             "-task lattice_sample needs -model lattice (the LPA flow of the lattice), got -model %s", type);
  PetscCall(FrgModelCreate(PETSC_COMM_SELF, &lf->model));
  PetscCall(FrgModelSetType(lf->model, "lattice"));
  PetscCall(FrgModelSetFromOptions(lf->model));
  PetscCall(FrgGridCreateFromModel(PETSC_COMM_SELF, lf->model, &lf->grid));
  PetscCall(FrgOperatorCreate(lf->grid, lf->model, &lf->op));
  PetscCall(FrgOperatorSetFromOptions(lf->op));
  PetscCall(FrgIntegratorCreate(lf->op, &lf->integrator));
  PetscCall(FrgIntegratorSetFromOptions(lf->integrator));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* After the unused-option check: the objects' setup (and the threshold table). */
PetscErrorCode FrgLatticeFlowSetUp(FrgLatticeFlow *lf)
{
  PetscFunctionBeginUser;
  PetscCall(FrgModelSetUp(lf->model));
  PetscCall(FrgGridSetUp(lf->grid));
  PetscCall(FrgOperatorSetUp(lf->op));
  PetscCall(FrgGridGetInfo(lf->grid, &lf->cells, NULL, &lf->h));
  PetscCall(FrgModelGetParameters(lf->model, NULL, NULL, &lf->Lambda, &lf->t_ir));
  lf->s_uv = 1.0 / (lf->Lambda * lf->Lambda);
  lf->s_ir = PetscExpReal(2 * lf->t_ir) * lf->s_uv;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* One table level from the flow's cell averages (cells of width h centred at i h, u odd). work: 4 n doubles. */
static void FrgLatticeFlowLevel(PetscInt n, PetscReal h, PetscReal a, const PetscScalar *u, PetscReal *work, PetscReal *slope, PetscReal *curvature)
{
  const PetscInt full = 2 * n - 1;
  PetscReal *bar = work, *point = work + full, *w = work + 2 * full;

  for (PetscInt i = 0; i < n; i++) bar[n - 1 + i] = u[i], bar[n - 1 - i] = -u[i];
  FrgPointValues((int)full, bar, point);
  FrgSlopes((int)full, h, point, w);
  for (PetscInt j = 0; j < full; j++) {
    slope[j]     = point[j] + a * (j - (n - 1)) * h;
    curvature[j] = w[j] + a;
  }
}

/* Fills table (allocated by the caller with table->levels, table->s[] decreasing) from the flow. Collective on
 * lf->comm only through the error checks (each rank integrates alone, and all reach the same verdicts). */
PetscErrorCode FrgLatticeFlowSolve(FrgLatticeFlow *lf, const FrgLattice *lat, FrgLatticePotentialTable *table)
{
  const PetscReal a = 4.0 * FRG_LATTICE_DIMENSION * PetscAbsReal(lat->kappa);
  const PetscInt n  = lf->cells;
  Vec u;
  DM da;
  PetscReal *work;
  double start = MPI_Wtime();

  PetscFunctionBeginUser;
  PetscCheck(table->s[table->levels - 1] >= lf->s_uv * (1 + 1e-12), lf->comm, PETSC_ERR_USER_INPUT,
             "-sample_s_min = %g lies outside the flow, which starts at s = 1/Lambda^2 = %g: raise -sample_s_min or -Lambda",
             (double)table->s[table->levels - 1], (double)lf->s_uv);
  PetscCheck(table->s[0] <= lf->s_ir * (1 - 1e-12), lf->comm, PETSC_ERR_USER_INPUT,
             "-sample_s_max = %g lies outside the flow, which ends at s = exp(2 t_IR)/Lambda^2 = %g: lower -sample_s_max or raise -t_ir", (double)table->s[0],
             (double)lf->s_ir);
  table->points = (int)(2 * n - 1);
  table->h      = lf->h;
  table->phi0   = -(n - 1) * lf->h;
  PetscCall(PetscMalloc1(4 * (2 * n - 1), &work));
  PetscCall(FrgGridGetDM(lf->grid, &da));
  PetscCall(DMCreateGlobalVector(da, &u));
  PetscCall(FrgModelInitialCondition(lf->model, lf->grid, u));
  PetscCall(FrgIntegratorSetUp(lf->integrator, 0.0, u));
  PetscCall(FrgIntegratorSetStopTime(lf->integrator, lf->t_ir));
  for (PetscInt k = table->levels - 1; k >= 0; k--) { /* increasing s: increasing RG time */
    const PetscReal t = 0.5 * PetscLogReal(table->s[k] / lf->s_uv);
    const PetscScalar *ua;
    PetscReal margin;
    PetscCall(FrgIntegratorAdvance(lf->integrator, t, u));
    PetscCall(VecGetArrayRead(u, &ua));
    FrgLatticeFlowLevel(n, lf->h, a, ua, work, table->slope + (size_t)k * table->points, table->curvature + (size_t)k * table->points);
    PetscCall(VecRestoreArrayRead(u, &ua));
    margin = FrgLatticePotentialMargin(table, lat, (int)k);
    PetscCheck(
        margin > 0, lf->comm, PETSC_ERR_NOT_CONVERGED,
        "the flow's potential at s = %g is not convex enough for the proximal map (min of U_s'' + 1/s - 8|kappa| = %g): refine -grid_cells or tighten -rtol",
        (double)table->s[k], (double)margin);
  }
  PetscCall(FrgIntegratorGetStats(lf->integrator, &lf->stats));
  PetscCall(VecDestroy(&u));
  PetscCall(PetscFree(work));
  lf->seconds = MPI_Wtime() - start;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode FrgLatticeFlowDestroy(FrgLatticeFlow *lf)
{
  PetscFunctionBeginUser;
  PetscCall(FrgIntegratorDestroy(&lf->integrator));
  PetscCall(FrgOperatorDestroy(&lf->op));
  PetscCall(FrgGridDestroy(&lf->grid));
  PetscCall(FrgModelDestroy(&lf->model));
  PetscFunctionReturn(PETSC_SUCCESS);
}
