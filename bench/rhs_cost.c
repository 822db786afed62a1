/* bench/rhs_cost: cost of one evaluation of the Kurganov-Tadmor right-hand side (FrgOperatorApply,
 * include/frg/kt.h) per cell, against the roofline bounds of the same machine, measured in this run.
 *
 *   rhs      FrgOperatorApply in a loop on a realistic state: the 0D O(N) flow advanced with the
 *            production integrator to -state_t (default 5, mid-flow: the double well is still
 *            resolving, minmod takes all its branches). Includes the ghost scatter and the boundary fill.
 *   localize the ghost scatter (DMGlobalToLocal) and boundary fill that FrgOperatorApply starts with:
 *            the per-call overhead around the flux arithmetic.
 *   compute  a bare loop with the arithmetic one cell of the RHS needs, 40 additions/multiplications
 *            and 3 divisions per cell (counted from the O(N) flux loop: slopes and 2 minmods, 2 advection
 *            fluxes F and F' with one division each, the diffusion flux with its division, the
 *            gradient as a product with 1/h, the local speed, the difference of fluxes), independent
 *            across cells so that it vectorizes: the compute bound.
 *   triad    a[i] = b[i] + s c[i] on arrays far larger than the last-level cache (STREAM triad,
 *            McCalpin): bandwidth; the memory bound of the RHS is the BYTES per cell it must move
 *            (read u, write f) over that bandwidth.
 * Each figure is the minimum over -reps batches of at least 0.05 s each (after a warm-up batch), on
 * the wall clock or, with -cpu_time, on the process CPU clock.
 *
 *   build-bench/bench/rhs_cost -N 4 -d 0 -Lambda 1e12 -t_ir 60 -potential "-phi^2/2 + phi^4/24" \
 *       -grid_cells 800 -grid_phi_max 10 [-state_t 5] [-reps 5] [-triad_mb 64]
 * Prints "key value" lines that bench/run.sh reads. */
#define _POSIX_C_SOURCE 200809L /* clock_gettime under -std=c11 */
#include "bench_state.h"
#include <frg/kt.h>

/* libfrg-internal (static library: linkable here), the first half of FrgOperatorApply */
PETSC_INTERN PetscErrorCode FrgOperatorLocalize(FrgOperator, Vec);

#define BENCH_FLOPS_PER_CELL 40
#define BENCH_DIVS_PER_CELL 3
#define BENCH_BYTES_PER_CELL 16

static const char help[] = "bench/rhs_cost: RHS cost per cell against the roofline bounds.\n";



/* Seconds per call of the RHS: minimum over reps batches. */
static PetscErrorCode BenchRHS(BenchState *s, PetscInt reps, double *best)
{
  long calls = 1;

  PetscFunctionBeginUser;
  for (;;) { /* calibrate a batch of >= 0.05 s (also the warm-up) */
    double start = BenchNow();
    for (long c = 0; c < calls; c++) PetscCall(FrgOperatorApply(s->op, s->t, s->u, s->f));
    if (BenchNow() - start >= 0.05) break;
    calls *= 2;
  }
  *best = 1e30;
  for (PetscInt r = 0; r < reps; r++) {
    double start = BenchNow(), dt;
    for (long c = 0; c < calls; c++) PetscCall(FrgOperatorApply(s->op, s->t, s->u, s->f));
    dt    = (BenchNow() - start) / calls;
    *best = PetscMin(*best, dt);
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Largest |f - f_ref| over the cells, f from FrgOperatorApply and f_ref from the model's flux loop
 * called for one interface at a time (the vector body against its scalar remainder), one rank: 0 when
 * the loop is the same arithmetic in both. */
static PetscErrorCode BenchCheckFlux(BenchState *s, double *maxdiff)
{
  FrgKernelParams    kp;
  const PetscScalar *u, *f;
  PetscInt           n = s->grid->cells;
  double            *G;

  PetscFunctionBeginUser;
  PetscCall(FrgOperatorApply(s->op, s->t, s->u, s->f));
  PetscCall(FrgModelGetKernelParams(s->model, s->t, &kp));
  PetscCall(PetscMalloc1(n + 1, &G));
  PetscCall(DMDAVecGetArrayRead(s->grid->da, s->op->local, &u)); /* ghosted state of the last apply */
  PetscCall(VecGetArrayRead(s->f, &f));
  for (PetscInt m = 1; m <= n; m++) (void)s->model->kt->fluxes(&kp, &s->op->faces, u, 0, m, m, G);
  *maxdiff = 0;
  for (PetscInt i = 1; i < n; i++) *maxdiff = PetscMax(*maxdiff, PetscAbsReal(f[i] - (G[i + 1] - G[i]) * s->op->faces.inv_h));
  PetscCall(VecRestoreArrayRead(s->f, &f));
  PetscCall(DMDAVecRestoreArrayRead(s->grid->da, s->op->local, &u));
  PetscCall(PetscFree(G));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The part of FrgOperatorApply that is not arithmetic: ghost scatter and boundary fill. */
static PetscErrorCode BenchLocalize(BenchState *s, PetscInt reps, double *best)
{
  long calls = 1;

  PetscFunctionBeginUser;
  for (;;) {
    double start = BenchNow();
    for (long c = 0; c < calls; c++) PetscCall(FrgOperatorLocalize(s->op, s->u));
    if (BenchNow() - start >= 0.05) break;
    calls *= 2;
  }
  *best = 1e30;
  for (PetscInt r = 0; r < reps; r++) {
    double start = BenchNow();
    for (long c = 0; c < calls; c++) PetscCall(FrgOperatorLocalize(s->op, s->u));
    *best = PetscMin(*best, (BenchNow() - start) / calls);
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The arithmetic one cell needs: 3 divisions (two advection fluxes, one diffusion flux) and 40
 * additions/multiplications, on independent data. */
FRG_CLONES static void BenchComputeOnce(const double *restrict a, const double *restrict b, double *restrict out, long n)
{
  for (long i = 0; i < n; i++) {
    const double x = a[i], y = b[i];
    const double d1 = 1.0 / (x + 1.5), d2 = 1.0 / (y + 2.5), d3 = 1.0 / (x + y + 3.5), d4 = (y - x) * 1.25; /* 3 div, 5 add/mul */
    const double s1 = x * d1 + y * d2, s2 = x * d2 - y * d1, s3 = d3 * (x - y), s4 = d4 * d4 + s3;          /* 11 */
    const double s5 = 0.5 * (s1 + s2) - 0.25 * s3 * (s4 - s1), s6 = s5 * x + s4 * y - s2 * d3;              /* 11 */
    out[i]          = (s6 - s5) * 0.75 + (s1 * s2 - s3 * s4) * 1.5 + d4 * 0.5 + s6 * 0.125;                    /* 13 */
  }
}

static PetscErrorCode BenchCompute(PetscInt n, PetscInt reps, double *best)
{
  double *a, *b, *out, sink = 0;
  long    calls = 1;

  PetscFunctionBeginUser;
  PetscCall(PetscMalloc3(n, &a, n, &b, n, &out));
  for (PetscInt i = 0; i < n; i++) {
    a[i] = 1.0 + 1e-3 * i;
    b[i] = 2.0 - 1e-4 * i;
  }
  for (;;) {
    double start = BenchNow();
    for (long c = 0; c < calls; c++) {
      BenchComputeOnce(a, b, out, n);
      sink += out[c % n];
    }
    if (BenchNow() - start >= 0.05) break;
    calls *= 2;
  }
  *best = 1e30;
  for (PetscInt r = 0; r < reps; r++) {
    double start = BenchNow();
    for (long c = 0; c < calls; c++) {
      BenchComputeOnce(a, b, out, n);
      sink += out[c % n];
    }
    *best = PetscMin(*best, (BenchNow() - start) / calls / n);
  }
  if (sink == 42.4242) PetscCall(PetscPrintf(PETSC_COMM_SELF, "#\n"));
  PetscCall(PetscFree3(a, b, out));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* STREAM triad bandwidth in bytes/s (24 bytes per element: 2 reads and 1 write, no write-allocate counted). */
static PetscErrorCode BenchTriad(PetscInt megabytes, PetscInt reps, double *bandwidth)
{
  const long n = (long)megabytes * 1024 * 1024 / 8;
  double    *a, *b, *c, best = 1e30;

  PetscFunctionBeginUser;
  PetscCall(PetscMalloc3(n, &a, n, &b, n, &c));
  for (long i = 0; i < n; i++) {
    a[i] = 0;
    b[i] = 1.0;
    c[i] = 2.0;
  }
  for (PetscInt r = 0; r <= reps; r++) {
    const double s = 3.0 + r, start = BenchNow();
    for (long i = 0; i < n; i++) a[i] = b[i] + s * c[i];
    if (r) best = PetscMin(best, BenchNow() - start); /* r = 0 is the warm-up */
  }
  if (a[n / 3] == 42.4242) PetscCall(PetscPrintf(PETSC_COMM_SELF, "#\n"));
  *bandwidth = 24.0 * n / best;
  PetscCall(PetscFree3(a, b, c));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode BenchRun(void)
{
  BenchState s;
  PetscReal  t = 5.0;
  PetscInt   reps = 5, triad_mb = 64, cells;
  double     rhs = 0, localize = 0, compute = 0, bandwidth = 0, memory, bound;

  PetscFunctionBeginUser;
  PetscOptionsBegin(PETSC_COMM_WORLD, NULL, "rhs_cost benchmark", "");
  PetscCall(PetscOptionsReal("-state_t", "RG time of the state the RHS is timed on", "", t, &t, NULL));
  PetscCall(PetscOptionsInt("-reps", "Timed batches (the minimum is reported)", "", reps, &reps, NULL));
  PetscCall(PetscOptionsInt("-triad_mb", "Size of each triad array in MiB", "", triad_mb, &triad_mb, NULL));
  PetscCall(PetscOptionsBool("-cpu_time", "Time with the process CPU clock instead of the wall clock", "", bench_cpu_clock, &bench_cpu_clock, NULL));
  PetscOptionsEnd();
  PetscCall(BenchStateCreate(PETSC_COMM_WORLD, t, &s));
  cells = s.grid->cells;
  PetscCall(BenchRHS(&s, reps, &rhs));
  PetscCall(BenchLocalize(&s, reps, &localize));
  {
    PetscMPIInt size;
    PetscCallMPI(MPI_Comm_size(PETSC_COMM_WORLD, &size));
    if (size == 1) {
      double diff = 0;
      PetscCall(BenchCheckFlux(&s, &diff));
      PetscCall(PetscPrintf(PETSC_COMM_WORLD, "rhs_vs_single_max_abs_diff %.3g\n", diff));
    }
  }
  PetscCall(BenchCompute(cells, reps, &compute));
  PetscCall(BenchTriad(triad_mb, reps, &bandwidth));
  memory = BENCH_BYTES_PER_CELL / bandwidth;
  bound  = PetscMax(compute, memory);
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "cells %" PetscInt_FMT "\n", cells));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "state_t %g\n", (double)t));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "rhs_ns_per_call %.1f\n", rhs * 1e9));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "rhs_ns_per_cell %.2f\n", rhs * 1e9 / cells));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "localize_ns_per_cell %.2f\n", localize * 1e9 / cells));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "compute_bound_ns_per_cell %.2f\n", compute * 1e9));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "flops_per_cell %d\n", BENCH_FLOPS_PER_CELL));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "divs_per_cell %d\n", BENCH_DIVS_PER_CELL));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "triad_GB_per_s %.2f\n", bandwidth * 1e-9));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "bytes_per_cell %d\n", BENCH_BYTES_PER_CELL));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "memory_bound_ns_per_cell %.3f\n", memory * 1e9));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "roofline_ns_per_cell %.2f\n", bound * 1e9));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "rhs_over_roofline %.2f\n", rhs / cells / bound));
  PetscCall(BenchStateDestroy(&s));
  PetscFunctionReturn(PETSC_SUCCESS);
}

int main(int argc, char **argv) { return BenchMain(argc, argv, help, BenchRun); }
