/* bench/jacobian_cost: cost of one evaluation of the analytic Jacobian band of the Kurganov-Tadmor
 * right-hand side (FrgOperatorJacobianBand, src/discretization/kt_jacobian.c; the scheme and its
 * derivative in include/frg/kt.h), per cell, and how far its values are from the scalar reference.
 *
 *   jacobian  FrgOperatorJacobianBand in a loop on a realistic state: the 0D O(N) flow advanced
 *             with the production integrator to -state_t (default 5, mid-flow: the double well is
 *             still resolving, minmod takes all its branches). Includes the ghost scatter and fill.
 *   localize  the ghost scatter (DMGlobalToLocal) and boundary fill that FrgOperatorApply starts
 *             with (FrgOperatorLocalize; on one rank the Jacobian copies instead, see kt_jacobian.c).
 *   derivatives  the model's Jacobian loop alone (the vectorized flux derivatives of
 *             include/frg/kt_loops.h) on the ghosted state: the rest of the Jacobian is the assembly
 *             of the rows and the localization.
 *   dG_vs_single  the largest |dG - dG of the same loop called for that one interface| (the vector
 *             body against its scalar remainder): 0 when the loop is the same arithmetic in both.
 *   band_vs_single  the largest |band - reference| over the interior rows, the reference built here
 *             from those single-interface derivatives and row i = (dG_{i+1/2} - dG_{i-1/2}) / h.
 *   vs_single_entries_bits_differ  the entries of dG and of those rows whose bits differ from the
 *             reference (the absolute differences do not see the sign of a zero).
 *   band_vs_assembled  the largest |band - FrgOperatorJacobian| over all rows (the boundary rows
 *             with the ghost folding too), relative to the largest entry: the assembled matrix adds
 *             the two interface terms one by one, so a few ulps apart.
 * Each time is the median over -reps batches of at least 0.02 s each (after a warm-up batch), on the
 * process CPU clock (-cpu_time 0: the wall clock): on a machine shared with other jobs the CPU time
 * excludes the time slices given to them.
 *
 *   build/bench/jacobian_cost -N 4 -d 0 -Lambda 1e12 -t_ir 60 -potential "-phi^2/2 + phi^4/24" \
 *       -grid_cells 800 -grid_phi_max 10 [-state_t 5] [-reps 21]
 * Prints "key value" lines. One rank. */
#define _POSIX_C_SOURCE 200809L /* clock_gettime under -std=c11 */
#include "bench_state.h"
#include <frg/kt.h>

/* libfrg-internal (static library: linkable here) */
PETSC_INTERN PetscErrorCode FrgOperatorLocalize(FrgOperator, Vec);

static const char help[] = "bench/jacobian_cost: cost per cell of the analytic Jacobian band, and its values against the loop at single interfaces.\n";



static int BenchCompare(const void *a, const void *b)
{
  const double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* The model's Jacobian loop over the interfaces first..last on the ghosted state in s->op->local (as
 * the Jacobian calls it), into dG[c] = out + c (xm + 1). */
static PetscErrorCode BenchDerivativesRange(BenchState *s, PetscInt first, PetscInt last, double *out)
{
  FrgKernelParams    kp;
  const PetscScalar *u;
  PetscInt           xs, xm;
  double            *dG[4];

  PetscFunctionBeginUser;
  PetscCall(FrgModelGetKernelParams(s->model, s->t, &kp));
  PetscCall(DMDAGetCorners(s->grid->da, &xs, NULL, NULL, &xm, NULL, NULL));
  for (int c = 0; c < 4; c++) dG[c] = out + c * (xm + 1);
  PetscCall(DMDAVecGetArrayRead(s->grid->da, s->op->local, &u));
  s->model->kt->jacobians(&kp, &s->op->faces, u, xs, first, last, dG);
  PetscCall(DMDAVecRestoreArrayRead(s->grid->da, s->op->local, &u));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode BenchDerivatives(BenchState *s)
{
  PetscFunctionBeginUser;
  PetscCall(BenchDerivativesRange(s, s->grid->left == FRG_BOUNDARY_ODD ? 1 : 0, s->grid->cells, s->op->dflux));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Seconds per call of what (0: the Jacobian band, 1: the localization, 2: the flux derivatives),
 * median over reps batches. */
static PetscErrorCode BenchTime(BenchState *s, int what, PetscInt reps, double *median)
{
  long    calls = 1;
  double *times;

  PetscFunctionBeginUser;
  PetscCall(FrgOperatorLocalize(s->op, s->u));
  PetscCall(PetscMalloc1(reps, &times));
  for (PetscInt r = -1; r < reps; r++) { /* r = -1 calibrates a batch of >= 0.02 s (and warms up) */
    double start, dt;
    for (;;) {
      start = BenchNow();
      for (long c = 0; c < calls; c++) {
        if (what == 0) PetscCall(FrgOperatorJacobianBand(s->op, s->t, s->u, s->band));
        else if (what == 1) PetscCall(FrgOperatorLocalize(s->op, s->u));
        else PetscCall(BenchDerivatives(s));
      }
      dt = BenchNow() - start;
      if (r >= 0 || dt >= 0.02) break;
      calls *= 2;
    }
    if (r >= 0) times[r] = dt / calls;
  }
  qsort(times, reps, sizeof(double), BenchCompare);
  *median = times[reps / 2];
  PetscCall(PetscFree(times));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Largest |band - reference| over the interior rows 2..n-3, the reference from the Jacobian loop
 * called for one interface at a time, and largest |dG - that| over the interfaces, dG from the loop
 * over all of them; *differ counts the entries of either whose bits differ (a signed zero counts). */
static PetscErrorCode BenchCheckSingle(BenchState *s, double *maxdiff, double *maxdiff_dG, long *differ)
{
  const PetscInt n = s->grid->cells;
  const double   inv_h = s->op->faces.inv_h;
  double        *single, *dG;

  PetscFunctionBeginUser;
  PetscCall(FrgOperatorJacobianBand(s->op, s->t, s->u, s->band));
  PetscCall(PetscMalloc2(4 * (n + 1), &single, 4 * (n + 1), &dG));
  PetscCall(FrgOperatorLocalize(s->op, s->u));
  for (PetscInt m = s->grid->left == FRG_BOUNDARY_ODD ? 1 : 0; m <= n; m++) PetscCall(BenchDerivativesRange(s, m, m, single));
  PetscCall(BenchDerivatives(s)); /* into op->dflux, four arrays of n + 1 */
  *maxdiff_dG = 0;
  *differ     = 0;
  for (PetscInt m = s->grid->left == FRG_BOUNDARY_ODD ? 1 : 0; m <= n; m++)
    for (int c = 0; c < 4; c++) {
      *maxdiff_dG = PetscMax(*maxdiff_dG, PetscAbsReal(s->op->dflux[c * (n + 1) + m] - single[c * (n + 1) + m]));
      *differ += memcmp(&s->op->dflux[c * (n + 1) + m], &single[c * (n + 1) + m], sizeof(double)) != 0;
    }
  for (PetscInt m = 0; m <= n; m++) /* dG[4 m ..] at the interface m - 1/2, as rows */
    for (int c = 0; c < 4; c++) dG[4 * m + c] = single[c * (n + 1) + m];
  *maxdiff = 0;
  for (PetscInt i = 2; i < n - 2; i++) {
    const double *l = &dG[4 * i], *r = &dG[4 * (i + 1)], *b = &s->band[5 * i];
    double        ref[5];
    ref[0] = -l[0] * inv_h;
    for (int c = 1; c < 4; c++) ref[c] = (r[c - 1] - l[c]) * inv_h;
    ref[4] = r[3] * inv_h;
    for (int c = 0; c < 5; c++) {
      *maxdiff = PetscMax(*maxdiff, PetscAbsReal(b[c] - ref[c]));
      *differ += memcmp(&b[c], &ref[c], sizeof(double)) != 0;
    }
  }
  PetscCall(PetscFree2(single, dG));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Largest |band - FrgOperatorJacobian| over all rows, relative to the largest entry. */
static PetscErrorCode BenchCheckAssembled(BenchState *s, double *relative)
{
  Mat                J;
  PetscInt           ncols;
  const PetscInt    *cols;
  const PetscScalar *vals;
  double             worst = 0, scale = 0;

  PetscFunctionBeginUser;
  PetscCall(FrgOperatorCreateJacobian(s->op, &J));
  PetscCall(FrgOperatorJacobian(s->op, s->t, s->u, J));
  PetscCall(FrgOperatorJacobianBand(s->op, s->t, s->u, s->band));
  for (PetscInt i = 0; i < s->grid->cells; i++) {
    PetscCall(MatGetRow(J, i, &ncols, &cols, &vals));
    for (PetscInt k = 0; k < ncols; k++) {
      scale = PetscMax(scale, PetscAbsReal(vals[k]));
      worst = PetscMax(worst, PetscAbsReal(s->band[5 * i + cols[k] - i + 2] - vals[k]));
    }
    PetscCall(MatRestoreRow(J, i, &ncols, &cols, &vals));
  }
  *relative = worst / scale;
  PetscCall(MatDestroy(&J));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode BenchRun(void)
{
  BenchState  s;
  PetscReal   t    = 5.0;
  PetscInt    reps = 21, cells;
  double      jacobian = 0, localize = 0, derivatives = 0, single = 0, single_dG = 0, assembled = 0;
  long        differ = 0;
  PetscMPIInt size;

  PetscFunctionBeginUser;
  bench_cpu_clock = PETSC_TRUE; /* this program's default */
  PetscCallMPI(MPI_Comm_size(PETSC_COMM_WORLD, &size));
  PetscCheck(size == 1, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "bench/jacobian_cost runs on one rank, got %d", size);
  PetscOptionsBegin(PETSC_COMM_WORLD, NULL, "jacobian_cost benchmark", "");
  PetscCall(PetscOptionsReal("-state_t", "RG time of the state the Jacobian is timed on", "", t, &t, NULL));
  PetscCall(PetscOptionsInt("-reps", "Timed batches (the median is reported)", "", reps, &reps, NULL));
  PetscCall(PetscOptionsBool("-cpu_time", "Time with the process CPU clock instead of the wall clock", "", bench_cpu_clock, &bench_cpu_clock, NULL));
  PetscOptionsEnd();
  PetscCheck(reps >= 1, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "-reps must be >= 1, got %" PetscInt_FMT, reps);
  PetscCall(BenchStateCreate(PETSC_COMM_WORLD, t, &s));
  cells = s.grid->cells;
  PetscCall(BenchTime(&s, 0, reps, &jacobian));
  PetscCall(BenchTime(&s, 1, reps, &localize));
  PetscCall(BenchTime(&s, 2, reps, &derivatives));
  PetscCall(BenchCheckSingle(&s, &single, &single_dG, &differ));
  PetscCall(BenchCheckAssembled(&s, &assembled));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "cells %" PetscInt_FMT "\n", cells));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "state_t %g\n", (double)t));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "jacobian_ns_per_call %.1f\n", jacobian * 1e9));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "jacobian_ns_per_cell %.2f\n", jacobian * 1e9 / cells));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "localize_ns_per_cell %.2f\n", localize * 1e9 / cells));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "derivatives_ns_per_cell %.2f\n", derivatives * 1e9 / cells));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "dG_vs_single_max_abs_diff %.3g\n", single_dG));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "band_vs_single_max_abs_diff %.3g\n", single));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "vs_single_entries_bits_differ %ld\n", differ));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "band_vs_assembled_max_rel_diff %.3g\n", assembled));
  PetscCall(BenchStateDestroy(&s));
  PetscFunctionReturn(PETSC_SUCCESS);
}

int main(int argc, char **argv) { return BenchMain(argc, argv, help, BenchRun); }
