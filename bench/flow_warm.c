/* bench/flow_warm: the flow of frg's own options (-N, -d, -potential, -grid_cells, -rtol, ...) solved
 * -reps times in one process after one warm-up solve, the way the SciPy peer is timed (solve_ivp
 * repeated inside one Python process after a warm-up). A cold frg process also pays its start-up:
 * on the development VM every first touch of a page of code or data is a fault of about 12 us, and
 * the 0D flow meets about 490 of them (6 ms) before and after its integration. Each solve is
 * FrgFlowSolve, what a scan runs per point: the objects built from the options, the integration from
 * the UV potential to t_IR and the IR observables, without an output file (the peer writes none).
 *
 *   build/bench/flow_warm -N 4 -d 0 -potential "-phi^2/2 + phi^4/24" -grid_cells 800 \
 *       -grid_phi_max 10 -Lambda 1e12 -t_ir 60 [-reps 5]
 * Prints "key value" lines: the median, minimum and maximum seconds of the timed solves, the IR
 * vertices and the integrator's work of the last one. */
#include <frg/scan.h>

static const char help[] = "bench/flow_warm: one flow solved repeatedly in one process (warm), frg's flow options.\n";

static int BenchCompare(const void *a, const void *b)
{
  const double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static PetscErrorCode BenchRun(PetscInt reps)
{
  FrgFlowResult r;
  double       *seconds;

  PetscFunctionBeginUser;
  PetscCall(PetscMalloc1(reps, &seconds));
  PetscCall(FrgFlowSolve(PETSC_COMM_WORLD, PETSC_TRUE, &r)); /* warm-up */
  PetscCall(FrgCheckUnusedOptions(PETSC_COMM_WORLD));
  for (PetscInt i = 0; i < reps; i++) {
    double start;
    PetscCallMPI(MPI_Barrier(PETSC_COMM_WORLD));
    start = MPI_Wtime();
    PetscCall(FrgFlowSolve(PETSC_COMM_WORLD, PETSC_TRUE, &r));
    seconds[i] = MPI_Wtime() - start;
  }
  qsort(seconds, (size_t)reps, sizeof(double), BenchCompare);
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "reps %" PetscInt_FMT "\nseconds_median %.6g\nseconds_min %.6g\nseconds_max %.6g\n", reps, seconds[reps / 2], seconds[0], seconds[reps - 1]));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "gamma2 %.15g\ngamma4 %.15g\nsteps %ld\nrhs %ld\njacobians %ld\nlu %ld\nnewton %ld\n", (double)r.obs.value[3], (double)r.obs.value[4], /* gamma2, gamma4 of the O(N) model */ r.stats.steps,
                        r.stats.rhs_evals, r.stats.jac_evals, r.stats.linear_setups, r.stats.newton_iters));
  PetscCall(PetscFree(seconds));
  PetscFunctionReturn(PETSC_SUCCESS);
}

int main(int argc, char **argv)
{
  PetscInt reps = 5;

  PetscCall(FrgInitialize(&argc, &argv, help));
  PetscOptionsBegin(PETSC_COMM_WORLD, NULL, "Warm flow benchmark", "");
  PetscCall(PetscOptionsInt("-reps", "Timed solves after the warm-up", "", reps, &reps, NULL));
  PetscOptionsEnd();
  PetscCheck(reps >= 1, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "-reps must be >= 1, got %" PetscInt_FMT, reps);
  PetscCall(BenchRun(reps));
  PetscCall(FrgFinalize());
  return 0;
}
