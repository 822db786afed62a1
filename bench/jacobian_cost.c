/* bench/jacobian_cost: cost of one evaluation of the analytic Jacobian band of the Kurganov-Tadmor
 * right-hand side (FrgOperatorJacobianBand, src/discretization/kt_jacobian.c; the scheme and its
 * derivative in include/frg/kt.h), per cell, and how far its values are from the scalar reference.
 *
 *   jacobian  FrgOperatorJacobianBand in a loop on a realistic state: the 0D O(N) flow advanced
 *             with the production integrator to -state_t (default 5, mid-flow: the double well is
 *             still resolving, minmod takes all its branches). Includes the ghost scatter and fill.
 *   localize  the ghost scatter (DMGlobalToLocal) and boundary fill that FrgOperatorApply starts
 *             with (FrgOperatorLocalize; on one rank the Jacobian copies instead, see kt_jacobian.c).
 *   derivatives  FrgKTFluxJacobians alone (the vectorized flux derivatives) on the ghosted state:
 *             the rest of the Jacobian is the assembly of the rows and the localization.
 *   dG_vs_kt_h  the largest |dG - FrgKTFluxJacobian| over the interfaces, dG from
 *             FrgKTFluxJacobians: 0 when the loop reproduces the scalar kernel bit for bit.
 *   band_vs_kt_h  the largest |band - reference| over the interior rows, the reference built here
 *             from FrgKTFluxJacobian (kt.h) per interface and row i = (dG_{i+1/2} - dG_{i-1/2}) / h:
 *             0 when the band is that scheme's derivative bit for bit.
 *   vs_kt_h_entries_bits_differ  the entries of dG and of those rows whose bits differ from the
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
PETSC_INTERN PetscErrorCode FrgOperatorKernelParams(FrgOperator, PetscReal, FrgFluxKernelParams *);

static const char help[] = "bench/jacobian_cost: cost per cell of the analytic Jacobian band and its difference from kt.h.\n";



static int BenchCompare(const void *a, const void *b)
{
  const double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* FrgKTFluxJacobians on the ghosted state in s->op->local (as the Jacobian calls it). */
static PetscErrorCode BenchDerivatives(BenchState *s)
{
  FrgFluxKernelParams kp;
  const PetscScalar  *u;
  PetscInt            xs, xm;
  const PetscInt      first = s->grid->left == FRG_BOUNDARY_ODD ? 1 : 0;
  double             *dG[4];

  PetscFunctionBeginUser;
  PetscCall(FrgOperatorKernelParams(s->op, s->t, &kp));
  PetscCall(DMDAGetCorners(s->grid->da, &xs, NULL, NULL, &xm, NULL, NULL));
  for (int c = 0; c < 4; c++) dG[c] = s->op->dflux + c * (xm + 1);
  PetscCall(DMDAVecGetArrayRead(s->grid->da, s->op->local, &u));
  PetscCall(FrgKTFluxJacobians(&kp, s->grid->phi_first, s->grid->spacing, u, xs, first, xm, dG));
  PetscCall(DMDAVecRestoreArrayRead(s->grid->da, s->op->local, &u));
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

/* Largest |band - reference| over the interior rows 2..n-3, the reference from FrgKTFluxJacobian,
 * and largest |dG - FrgKTFluxJacobian| over the interfaces, dG from FrgKTFluxJacobians; *differ
 * counts the entries of either whose bits differ (a signed zero counts). */
static PetscErrorCode BenchCheckKTh(BenchState *s, double *maxdiff, double *maxdiff_dG, long *differ)
{
  FrgFluxKernelParams kp;
  const PetscScalar  *u;
  const PetscInt      n = s->grid->cells;
  const double        h = s->grid->spacing, x0 = s->grid->phi_first, inv_h = 1.0 / h;
  double             *dG;

  PetscFunctionBeginUser;
  PetscCall(FrgOperatorJacobianBand(s->op, s->t, s->u, s->band));
  PetscCall(FrgOperatorKernelParams(s->op, s->t, &kp));
  PetscCall(PetscMalloc1(4 * (n + 1), &dG));
  PetscCall(FrgOperatorLocalize(s->op, s->u));
  PetscCall(DMDAVecGetArrayRead(s->grid->da, s->op->local, &u));
  for (PetscInt m = 1; m <= n; m++) { /* dG[4 m ..] at the interface m - 1/2 */
    const PetscInt j = m - 1;
    (void)FrgKTFluxJacobian(&kp, x0 + (j + 0.5) * h, h, u[j - 1], u[j], u[j + 1], u[j + 2], &dG[4 * m]);
  }
  PetscCall(DMDAVecRestoreArrayRead(s->grid->da, s->op->local, &u));
  PetscCall(BenchDerivatives(s)); /* into op->dflux, four arrays of n + 1 */
  *maxdiff_dG = 0;
  *differ     = 0;
  for (PetscInt m = s->grid->left == FRG_BOUNDARY_ODD ? 1 : 0; m <= n; m++)
    for (int c = 0; c < 4; c++) {
      *maxdiff_dG = PetscMax(*maxdiff_dG, PetscAbsReal(s->op->dflux[c * (n + 1) + m] - dG[4 * m + c]));
      *differ += memcmp(&s->op->dflux[c * (n + 1) + m], &dG[4 * m + c], sizeof(double)) != 0;
    }
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
  PetscCall(PetscFree(dG));
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
  double      jacobian = 0, localize = 0, derivatives = 0, kt_h = 0, kt_h_dG = 0, assembled = 0;
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
  PetscCall(BenchCheckKTh(&s, &kt_h, &kt_h_dG, &differ));
  PetscCall(BenchCheckAssembled(&s, &assembled));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "cells %" PetscInt_FMT "\n", cells));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "state_t %g\n", (double)t));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "jacobian_ns_per_call %.1f\n", jacobian * 1e9));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "jacobian_ns_per_cell %.2f\n", jacobian * 1e9 / cells));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "localize_ns_per_cell %.2f\n", localize * 1e9 / cells));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "derivatives_ns_per_cell %.2f\n", derivatives * 1e9 / cells));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "dG_vs_kt_h_max_abs_diff %.3g\n", kt_h_dG));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "band_vs_kt_h_max_abs_diff %.3g\n", kt_h));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "vs_kt_h_entries_bits_differ %ld\n", differ));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "band_vs_assembled_max_rel_diff %.3g\n", assembled));
  PetscCall(BenchStateDestroy(&s));
  PetscFunctionReturn(PETSC_SUCCESS);
}

int main(int argc, char **argv) { return BenchMain(argc, argv, help, BenchRun); }
