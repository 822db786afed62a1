/* bench/integrator_floor: what one BDF step of CVODE costs by itself on frg's vectors, with a
 * right-hand side and a linear solve that cost next to nothing. This is the part of a step that no
 * right-hand side, Jacobian or LU can remove: the Nordsieck predictor (q(q+1)/2 linear sums), the
 * Newton bookkeeping, the error weights, the error test and the step completion (q + 1 scale-adds),
 * the order selection, over vectors of -cells elements with frg's element-wise operations and exact
 * norms (src/integrate/nvector.c, reproducible.c), as in the production integrator.
 *
 * The problem is y_i' = -lambda (y_i - (1 + i/n) sin t), i < n, on [0, -t_end], at rtol 1e-8 and
 * atol 1e-10: smooth and moderately stiff, so CVODE runs at order 5 with its modified Newton
 * iteration (Jacobian and matrix at least every 2 steps, as frg's default); the "linear solver"
 * divides by 1 + gamma lambda.
 *
 * With -vector serial the vectors are plain arrays (SUNDIALS' serial N_Vector) with frg's lean loops
 * for them (src/integrate/nvector_serial.c, a plain norm in fixed lanes): the bound for any
 * CVODE-based solver of this size, whatever its vector layer.
 *
 *   build/bench/integrator_floor [-cells 800] [-t_end 10] [-reps 5] [-cpu_time] [-vector frg|serial]
 * Prints "key value" lines (per-step cost in us, minimum over -reps runs) that bench/bench.py reads. */
#define _POSIX_C_SOURCE 200809L /* clock_gettime under -std=c11 */
#include <frg/integrator.h>
#include <cvode/cvode.h>
#include <cvode/cvode_ls.h>
#include <nvector/nvector_petsc.h>
#include <nvector/nvector_serial.h>
#include <time.h>

static const char help[] = "bench/integrator_floor: CVODE's own cost per BDF step on frg's vectors.\n";

#define FLOOR_LAMBDA 50.0

typedef struct {
  PetscInt  n;
  PetscReal gamma;
  PetscBool cpu_clock, serial;
} Floor;

static double FloorNow(const Floor *f)
{
  struct timespec ts;

  if (!f->cpu_clock) return MPI_Wtime();
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int FloorRHS(double t, N_Vector y, N_Vector ydot, void *ctx)
{
  const Floor       *f = (const Floor *)ctx;
  const PetscScalar *a;
  PetscScalar       *b;
  const double       s = sin(t);

  if (f->serial) {
    a = N_VGetArrayPointer(y);
    b = N_VGetArrayPointer(ydot);
  } else if (VecGetArrayRead(N_VGetVector_Petsc(y), &a) || VecGetArray(N_VGetVector_Petsc(ydot), &b)) return -1;
  for (PetscInt i = 0; i < f->n; i++) b[i] = -FLOOR_LAMBDA * (a[i] - (1.0 + (double)i / (double)f->n) * s);
  if (!f->serial && (VecRestoreArray(N_VGetVector_Petsc(ydot), &b) || VecRestoreArrayRead(N_VGetVector_Petsc(y), &a))) return -1;
  return 0;
}

static int FloorLinSys(double t, N_Vector y, N_Vector fy, SUNMatrix A, int jok, int *jcur, double gamma, void *ctx, N_Vector t1, N_Vector t2, N_Vector t3)
{
  ((Floor *)ctx)->gamma = gamma;
  *jcur                 = !jok;
  return 0;
}

static SUNLinearSolver_Type FloorLSType(SUNLinearSolver S) { return SUNLINEARSOLVER_DIRECT; }
static int                  FloorLSSetup(SUNLinearSolver S, SUNMatrix A) { return 0; }
static int                  FloorLSFree(SUNLinearSolver S)
{
  SUNLinSolFreeEmpty(S);
  return 0;
}

/* x = b / (1 + gamma lambda): the Newton matrix of the diagonal problem */
static int FloorLSSolve(SUNLinearSolver S, SUNMatrix A, N_Vector x, N_Vector b, double tol)
{
  const Floor *f = (const Floor *)S->content;

  N_VScale(1.0 / (1.0 + f->gamma * FLOOR_LAMBDA), b, x);
  return 0;
}

static SUNMatrix_ID FloorMatID(SUNMatrix A) { return SUNMATRIX_CUSTOM; }
static void         FloorMatDestroy(SUNMatrix A) { SUNMatFreeEmpty(A); }
static SUNMatrix    FloorMatClone(SUNMatrix A)
{
  SUNMatrix B = SUNMatNewEmpty(A->sunctx);

  if (B) {
    B->ops->getid   = FloorMatID;
    B->ops->clone   = FloorMatClone;
    B->ops->destroy = FloorMatDestroy;
  }
  return B;
}

/* One integration over [0, t_end]; its wall (or CPU) seconds and CVODE's counters. */
static PetscErrorCode FloorRun(Floor *f, SUNContext sunctx, PetscReal t_end, double *seconds, long *steps, long *rhs, long *iters, int *order)
{
  Vec             v;
  N_Vector        y;
  void           *mem;
  SUNMatrix       A;
  SUNLinearSolver LS;
  double          t, start;

  PetscFunctionBeginUser;
  PetscCall(VecCreateMPI(PETSC_COMM_SELF, f->n, f->n, &v));
  PetscCall(VecSet(v, 0.0));
  if (f->serial) {
    y = N_VNew_Serial(f->n, sunctx);
    PetscCheck(y, PETSC_COMM_SELF, PETSC_ERR_LIB, "N_VNew_Serial failed");
    PetscCall(FrgNVectorSerialOps(y));
    N_VConst(0.0, y);
  } else {
    y = N_VMake_Petsc(v, sunctx);
    PetscCall(FrgNVectorUseReproducibleNorms(y));
    PetscCall(FrgNVectorUseLocalOps(y));
  }
  A               = SUNMatNewEmpty(sunctx);
  A->ops->getid   = FloorMatID;
  A->ops->clone   = FloorMatClone;
  A->ops->destroy = FloorMatDestroy;
  LS              = SUNLinSolNewEmpty(sunctx);
  LS->content     = f;
  LS->ops->gettype = FloorLSType;
  LS->ops->setup   = FloorLSSetup;
  LS->ops->solve   = FloorLSSolve;
  LS->ops->free    = FloorLSFree;
  mem              = CVodeCreate(CV_BDF, sunctx);
  PetscCheck(mem && A && LS, PETSC_COMM_SELF, PETSC_ERR_LIB, "SUNDIALS objects could not be created");
  FrgCallSUNDIALS(PETSC_COMM_SELF, CVodeInit(mem, FloorRHS, 0.0, y));
  FrgCallSUNDIALS(PETSC_COMM_SELF, CVodeSetUserData(mem, f));
  FrgCallSUNDIALS(PETSC_COMM_SELF, CVodeSStolerances(mem, 1e-8, 1e-10));
  FrgCallSUNDIALS(PETSC_COMM_SELF, CVodeSetMaxNumSteps(mem, 1000000));
  FrgCallSUNDIALS(PETSC_COMM_SELF, CVodeSetLinearSolver(mem, LS, A));
  FrgCallSUNDIALS(PETSC_COMM_SELF, CVodeSetLinSysFn(mem, FloorLinSys));
  FrgCallSUNDIALS(PETSC_COMM_SELF, CVodeSetJacEvalFrequency(mem, 2));
  FrgCallSUNDIALS(PETSC_COMM_SELF, CVodeSetLSetupFrequency(mem, 2));
  FrgCallSUNDIALS(PETSC_COMM_SELF, CVodeSetStopTime(mem, t_end));
  start = FloorNow(f);
  FrgCallSUNDIALS(PETSC_COMM_SELF, CVode(mem, t_end, y, &t, CV_NORMAL));
  *seconds = FloorNow(f) - start;
  FrgCallSUNDIALS(PETSC_COMM_SELF, CVodeGetNumSteps(mem, steps));
  FrgCallSUNDIALS(PETSC_COMM_SELF, CVodeGetNumRhsEvals(mem, rhs));
  FrgCallSUNDIALS(PETSC_COMM_SELF, CVodeGetNumNonlinSolvIters(mem, iters));
  FrgCallSUNDIALS(PETSC_COMM_SELF, CVodeGetLastOrder(mem, order));
  CVodeFree(&mem);
  SUNLinSolFree(LS);
  SUNMatDestroy(A);
  N_VDestroy(y);
  PetscCall(VecDestroy(&v));
  PetscFunctionReturn(PETSC_SUCCESS);
}

int main(int argc, char **argv)
{
  Floor      f     = {800, 0, PETSC_FALSE, PETSC_FALSE};
  char       vector[16] = "frg";
  PetscReal  t_end = 10;
  PetscInt   reps  = 5;
  double     best  = PETSC_MAX_REAL, seconds = 0;
  long       steps = 0, rhs = 0, iters = 0;
  int        order = 0;
  SUNContext sunctx;
  MPI_Comm   comm;

  PetscCall(PetscInitialize(&argc, &argv, NULL, help));
  PetscOptionsBegin(PETSC_COMM_WORLD, NULL, "CVODE's own cost per step", "");
  PetscCall(PetscOptionsInt("-cells", "Vector length", "", f.n, &f.n, NULL));
  PetscCall(PetscOptionsReal("-t_end", "Final time of the test problem", "", t_end, &t_end, NULL));
  PetscCall(PetscOptionsInt("-reps", "Timed runs after a warm-up (minimum reported)", "", reps, &reps, NULL));
  PetscCall(PetscOptionsBool("-cpu_time", "Time on the process CPU clock instead of the wall clock", "", f.cpu_clock, &f.cpu_clock, NULL));
  PetscCall(PetscOptionsString("-vector", "frg (frg's vectors: PETSc Vecs with its operations and exact norms) or serial (plain arrays, the leanest loops)", "", vector, vector, sizeof(vector), NULL));
  PetscOptionsEnd();
  PetscCheck(!strcmp(vector, "frg") || !strcmp(vector, "serial"), PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "-vector must be frg or serial, got %s", vector);
  f.serial = (PetscBool)!strcmp(vector, "serial");
  PetscCheck(f.n >= 8, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "-cells must be >= 8, got %" PetscInt_FMT, f.n);
  PetscCheck(t_end > 0, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "-t_end must be positive, got %g", (double)t_end);
  PetscCheck(reps >= 1, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "-reps must be >= 1, got %" PetscInt_FMT, reps);
  comm = PETSC_COMM_SELF;
  PetscCallExternal(SUNContext_Create, (void *)&comm, &sunctx);
  for (PetscInt r = 0; r <= reps; r++) {
    PetscCall(FloorRun(&f, sunctx, t_end, &seconds, &steps, &rhs, &iters, &order));
    if (r) best = PetscMin(best, seconds);
  }
  SUNContext_Free(&sunctx);
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "vector %s\ncells %" PetscInt_FMT "\nsteps %ld\nrhs_per_step %.3f\nnewton_per_step %.3f\nlast_order %d\nseconds %.6g\nus_per_step %.4g\n", vector, f.n, steps,
                        (double)rhs / (double)steps, (double)iters / (double)steps, order, best, 1e6 * best / (double)steps));
  PetscCall(PetscFinalize());
  return 0;
}
