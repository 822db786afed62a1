/* Shared by the benchmark programs of bench/: the clock, and a realistic state of the flow of the
 * options (the production integrator advanced to t) with its model, grid and operator. Header-only,
 * static: each program compiles its own copy. */
#ifndef FRG_BENCH_STATE_H
#define FRG_BENCH_STATE_H

#include <frg/integrator.h>
#include <time.h>

/* Wall clock, or with cpu_clock the CPU time of this process: on a machine shared with other jobs the
 * CPU time excludes the time slices given to them (not their cache and memory traffic). */
static PetscBool bench_cpu_clock;

static inline double BenchNow(void)
{
  struct timespec ts;

  if (!bench_cpu_clock) return MPI_Wtime();
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

typedef struct {
  FrgModel    model;
  FrgGrid     grid;
  FrgOperator op;
  Vec         u, f;
  PetscReal   t;
  PetscReal  *band; /* room for the Jacobian band, cells x 5 */
} BenchState;

/* The flow of the options advanced with the production integrator from 0 to t. */
static PetscErrorCode BenchStateCreate(MPI_Comm comm, PetscReal t, BenchState *s)
{
  FrgIntegrator in;

  PetscFunctionBeginUser;
  PetscCall(FrgModelCreate(comm, &s->model));
  PetscCall(FrgModelSetFromOptions(s->model));
  PetscCall(FrgGridCreateFromModel(comm, s->model, &s->grid));
  PetscCall(FrgOperatorCreate(s->grid, s->model, &s->op));
  PetscCall(FrgOperatorSetUp(s->op));
  PetscCall(DMCreateGlobalVector(s->grid->da, &s->u));
  PetscCall(VecDuplicate(s->u, &s->f));
  PetscCall(FrgModelInitialCondition(s->model, s->grid, s->u));
  PetscCall(FrgIntegratorCreate(s->op, &in));
  PetscCall(FrgIntegratorSetFromOptions(in));
  PetscCall(FrgIntegratorSetUp(in, 0.0, s->u));
  if (t > 0) PetscCall(FrgIntegratorAdvance(in, t, s->u));
  PetscCall(FrgIntegratorDestroy(&in));
  PetscCall(PetscMalloc1(5 * s->grid->cells, &s->band));
  s->t = t;
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode BenchStateDestroy(BenchState *s)
{
  PetscFunctionBeginUser;
  PetscCall(PetscFree(s->band));
  PetscCall(VecDestroy(&s->u));
  PetscCall(VecDestroy(&s->f));
  PetscCall(FrgOperatorDestroy(&s->op));
  PetscCall(FrgGridDestroy(&s->grid));
  PetscCall(FrgModelDestroy(&s->model));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The driver of a benchmark program: frg's start-up (decks, options, errors), then main_body. */
static inline int BenchMain(int argc, char **argv, const char help[], PetscErrorCode (*main_body)(void))
{
  PetscErrorCode ierr = FrgInitialize(&argc, &argv, help);

  if (!ierr) ierr = main_body();
  if (!ierr) ierr = FrgFinalize();
  return ierr ? 1 : 0;
}

#endif
