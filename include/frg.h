/* frg: public API.
 *
 * frg integrates functional renormalization group (FRG) flows of the effective potential on a
 * field grid decomposed across MPI ranks (PETSc DMDA), with SUNDIALS time steppers.
 * Every object follows the PETSc lifecycle: Create, SetFromOptions, SetUp, apply, View, Destroy.
 * Unless stated otherwise, every function is collective on the communicator of its object.
 */
#ifndef FRG_H
#define FRG_H

#include <petscdmda.h>
#include <petscsnes.h>
#include <frg/kernel.h>

#define FRG_VERSION "0.1.0"

/* PETSc 3.18 (Debian 12) predates PETSC_SUCCESS; later versions define it. */
#if !defined(PETSC_SUCCESS)
  #define PETSC_SUCCESS 0
#endif

/* Exit code of a run that stopped on SIGTERM/SIGUSR1 after writing a checkpoint. */
#define FRG_EXIT_CHECKPOINTED 85

typedef struct _p_FrgGrid       *FrgGrid;
typedef struct _p_FrgModel      *FrgModel;
typedef struct _p_FrgOperator   *FrgOperator;
typedef struct _p_FrgIntegrator *FrgIntegrator;
typedef struct _p_FrgOutput     *FrgOutput;

/* Boundary rule at one end of one direction of the field grid. The first two are those of the 1D
 * grids, whose unknown is u = U'; the last two those of the 2D grids, whose unknown is U itself (the
 * same rules one derivative up: an even U has an odd U', and a quadratic extrapolation of U is a
 * linear one of U'). */
typedef enum {
  FRG_BOUNDARY_ODD,         /* u is odd about phi = 0: first cell centred at 0, u_0 = 0, u_{-j} = -u_j */
  FRG_BOUNDARY_EXTRAPOLATE, /* linear extrapolation of the last two cells into the ghost cells */
  FRG_BOUNDARY_EVEN,        /* U is even about phi = 0, the edge of the first cell: U_{-1-j} = U_j */
  FRG_BOUNDARY_QUADRATIC    /* quadratic extrapolation of the last three cells (third difference 0) */
} FrgBoundary;

/* ---- grid/ -------------------------------------------------------------------------------- */
PETSC_EXTERN PetscErrorCode FrgGridCreate(MPI_Comm, FrgGrid *);
PETSC_EXTERN PetscErrorCode FrgGridCreateFromModel(MPI_Comm, FrgModel, FrgGrid *);
PETSC_EXTERN PetscErrorCode FrgGridSetBoundaries(FrgGrid, FrgBoundary left, FrgBoundary right);
PETSC_EXTERN PetscErrorCode FrgGridSetSize(FrgGrid, PetscInt cells, PetscReal phi_max);
/* 2D grids (two-field models): dimension and unknowns per cell, and the rules and size of one direction
 * (0: phi1, the direction of the 1D calls above; 1: phi2). Not collective. */
PETSC_EXTERN PetscErrorCode FrgGridSetDimension(FrgGrid, PetscInt dim, PetscInt dof);
PETSC_EXTERN PetscErrorCode FrgGridGetDimension(FrgGrid, PetscInt *dim, PetscInt *dof);
PETSC_EXTERN PetscErrorCode FrgGridSetDirection(FrgGrid, PetscInt direction, PetscInt cells, PetscReal phi_max, FrgBoundary lower, FrgBoundary upper);
PETSC_EXTERN PetscErrorCode FrgGridGetDirection(FrgGrid, PetscInt direction, PetscInt *cells, PetscReal *phi_first, PetscReal *spacing);
PETSC_EXTERN PetscErrorCode FrgGridSetFromOptions(FrgGrid);
PETSC_EXTERN PetscErrorCode FrgGridSetUp(FrgGrid);
PETSC_EXTERN PetscErrorCode FrgGridGetDM(FrgGrid, DM *);
PETSC_EXTERN PetscErrorCode FrgGridGetInfo(FrgGrid, PetscInt *cells, PetscReal *phi_first, PetscReal *spacing);
PETSC_EXTERN PetscErrorCode FrgGridFillGhosts(FrgGrid, Vec local);
PETSC_EXTERN PetscErrorCode FrgGridCreateCoordinates(FrgGrid, Vec *phi);
PETSC_EXTERN PetscErrorCode FrgGridView(FrgGrid, PetscViewer);
PETSC_EXTERN PetscErrorCode FrgGridDestroy(FrgGrid *);

/* ---- physics/ ----------------------------------------------------------------------------- */
/* The kernels of a model and their parameters at one RG time: include/frg/kernel.h. */

PETSC_EXTERN PetscErrorCode FrgModelCreate(MPI_Comm, FrgModel *);
PETSC_EXTERN PetscErrorCode FrgModelSetType(FrgModel, const char type[]);
PETSC_EXTERN PetscErrorCode FrgModelSetFromOptions(FrgModel);
PETSC_EXTERN PetscErrorCode FrgModelSetUp(FrgModel);
PETSC_EXTERN PetscErrorCode FrgModelGetKernelParams(FrgModel, PetscReal t, FrgKernelParams *); /* not collective */
PETSC_EXTERN PetscErrorCode FrgModelGetScale(FrgModel, PetscReal t, PetscReal *k);
PETSC_EXTERN PetscErrorCode FrgModelGetBoundaries(FrgModel, FrgBoundary *left, FrgBoundary *right);
PETSC_EXTERN PetscErrorCode FrgModelGetParameters(FrgModel, PetscReal *N, PetscReal *d, PetscReal *Lambda, PetscReal *t_ir);
PETSC_EXTERN PetscErrorCode FrgModelPotential(FrgModel, PetscReal phi, PetscReal *U); /* not collective */
PETSC_EXTERN PetscErrorCode FrgModelPotentialAt(FrgModel, const PetscReal phi[], PetscReal *U); /* one value per field; not collective */
PETSC_EXTERN PetscErrorCode FrgModelGetDimension(FrgModel, PetscInt *dim); /* fields of the grid: 1 or 2; not collective */
PETSC_EXTERN PetscErrorCode FrgModelInitialCondition(FrgModel, FrgGrid, Vec u);
PETSC_EXTERN PetscErrorCode FrgModelView(FrgModel, PetscViewer);
PETSC_EXTERN PetscErrorCode FrgModelDestroy(FrgModel *);
PETSC_EXTERN PetscErrorCode FrgModelRegister(const char name[], PetscErrorCode (*create)(FrgModel));
PETSC_EXTERN PetscErrorCode FrgModelDuplicate(FrgModel, FrgModel *);

/* ---- discretization/ ---------------------------------------------------------------------- */
PETSC_EXTERN PetscErrorCode FrgOperatorCreate(FrgGrid, FrgModel, FrgOperator *);
PETSC_EXTERN PetscErrorCode FrgOperatorSetFromOptions(FrgOperator);
PETSC_EXTERN PetscErrorCode FrgOperatorSetUp(FrgOperator);
PETSC_EXTERN PetscErrorCode FrgOperatorApply(FrgOperator, PetscReal t, Vec u, Vec f);
PETSC_EXTERN PetscErrorCode FrgOperatorCreateJacobian(FrgOperator, Mat *);
PETSC_EXTERN PetscErrorCode FrgOperatorJacobian(FrgOperator, PetscReal t, Vec u, Mat J);
PETSC_EXTERN PetscErrorCode FrgOperatorJacobianBand(FrgOperator, PetscReal t, Vec u, PetscReal band[]); /* local rows x 5, columns i-2..i+2 */
PETSC_EXTERN PetscErrorCode FrgOperatorIsPhysical(FrgOperator, PetscBool *);
PETSC_EXTERN PetscErrorCode FrgOperatorPoleStatus(FrgOperator, PetscBool *physical, PetscBool *near);
PETSC_EXTERN PetscErrorCode FrgOperatorPoleCheck(FrgOperator, PetscReal t, Vec U);
PETSC_EXTERN PetscErrorCode FrgOperatorGetCounts(FrgOperator, PetscInt *rhs_evals, PetscInt *jac_evals);
PETSC_EXTERN PetscErrorCode FrgOperatorOriginFlux(FrgOperator, PetscReal t, Vec u, PetscReal *G); /* d_t U at the face h/2 (rank 0; 0 elsewhere) */
PETSC_EXTERN PetscErrorCode FrgOperatorDestroy(FrgOperator *);
/* The variable the integrator evolves (src/discretization/variable.c): u itself, or
 * y = ln(1 + u/(m2 phi)), the log of the Goldstone propagator denominator relative to m2. */
typedef enum { FRG_VARIABLE_U, FRG_VARIABLE_LOG } FrgVariable;
PETSC_EXTERN const char *const FrgVariableTypes[];
PETSC_EXTERN PetscErrorCode FrgOperatorSetVariable(FrgOperator, FrgVariable);
PETSC_EXTERN PetscErrorCode FrgOperatorGetVariable(FrgOperator, FrgVariable *);
PETSC_EXTERN PetscErrorCode FrgOperatorStateFromU(FrgOperator, PetscReal t, Vec u, Vec state);
PETSC_EXTERN PetscErrorCode FrgOperatorStateToU(FrgOperator, PetscReal t, Vec state, Vec u); /* not collective */
PETSC_EXTERN PetscErrorCode FrgOperatorApplyState(FrgOperator, PetscReal t, Vec state, Vec f);
PETSC_EXTERN PetscErrorCode FrgOperatorPoleCheckState(FrgOperator, PetscReal t, Vec state);
PETSC_EXTERN PetscErrorCode FrgOperatorJacobianBandState(FrgOperator, PetscReal t, Vec state, Vec f, PetscReal band[]);
PETSC_EXTERN PetscErrorCode FrgOperatorJacobianState(FrgOperator, PetscReal t, Vec state, Mat J);
PETSC_EXTERN PetscErrorCode FrgOperatorTolerance(FrgOperator, PetscReal t, Vec state, PetscReal rtol, PetscReal atol, PetscReal log_tol, Vec tol_u); /* not collective */
PETSC_EXTERN PetscErrorCode FrgOperatorErrorWeights(FrgOperator, PetscReal t, Vec state, PetscReal rtol, PetscReal atol, PetscReal log_tol, Vec w); /* not collective */

/* ---- integrate/ --------------------------------------------------------------------------- */
typedef struct {
  long steps, rhs_evals, jac_evals, linear_setups, newton_iters, linear_iters, nonlinear_fails, error_test_fails;
  int  order;      /* last method order */
  double last_step; /* last step size */
  double newton_switch_t; /* RG time from which the SNES route replaced the modified Newton iteration, -1 if never */
  double log_switch_t;    /* RG time from which the integrator evolved the log variable, -1 if never (0: from the start) */
  long   warnings;        /* SUNDIALS warnings (the first: FrgIntegratorGetWarning) */
  long   pole_rejections; /* trial states beyond the propagator pole, rejected and retried */
} FrgIntegratorStats;

PETSC_EXTERN PetscErrorCode FrgIntegratorCreate(FrgOperator, FrgIntegrator *);
PETSC_EXTERN PetscErrorCode FrgIntegratorSetFromOptions(FrgIntegrator);
PETSC_EXTERN PetscErrorCode FrgIntegratorSetUp(FrgIntegrator, PetscReal t0, Vec u0);
PETSC_EXTERN PetscErrorCode FrgIntegratorAdvance(FrgIntegrator, PetscReal tout, Vec u);
PETSC_EXTERN PetscErrorCode FrgIntegratorSetStopTime(FrgIntegrator, PetscReal t_stop);
PETSC_EXTERN PetscErrorCode FrgIntegratorSetInterrupt(FrgIntegrator, PetscErrorCode (*)(MPI_Comm, PetscBool *));
PETSC_EXTERN PetscErrorCode FrgIntegratorGetTime(FrgIntegrator, PetscReal *);
PETSC_EXTERN PetscErrorCode FrgIntegratorGetDerivative(FrgIntegrator, PetscReal t, PetscInt order, Vec dky);
PETSC_EXTERN PetscErrorCode FrgIntegratorGetStats(FrgIntegrator, FrgIntegratorStats *);
PETSC_EXTERN PetscErrorCode FrgIntegratorGetType(FrgIntegrator, const char **);
PETSC_EXTERN PetscErrorCode FrgIntegratorGetWarning(FrgIntegrator, const char **);
PETSC_EXTERN PetscErrorCode FrgIntegratorAccumulateErrors(FrgIntegrator);
PETSC_EXTERN PetscErrorCode FrgIntegratorGetErrorSum(FrgIntegrator, Vec error);
PETSC_EXTERN PetscErrorCode FrgIntegratorGetErrorUnits(FrgIntegrator, Vec *);
PETSC_EXTERN PetscErrorCode FrgIntegratorDuplicate(FrgIntegrator, FrgOperator, PetscReal tolerance_factor, FrgIntegrator *);
/* The integral over t of rate(t, u(t)) along the solution, by Simpson's rule on every accepted step with
 * the midpoint from the integrator's interpolant (src/integrate/quadrature.c). rate is collective and
 * may return its value on one rank only (0 on the others): the integral is summed over ranks. */
PETSC_EXTERN PetscErrorCode FrgIntegratorSetQuadrature(FrgIntegrator, PetscErrorCode (*rate)(void *, PetscReal t, Vec u, PetscReal *rate), void *ctx);
PETSC_EXTERN PetscErrorCode FrgIntegratorSetQuadratureValue(FrgIntegrator, PetscReal q, PetscReal q_abs);
PETSC_EXTERN PetscErrorCode FrgIntegratorGetQuadrature(FrgIntegrator, PetscReal *q, PetscReal *q_abs);
PETSC_EXTERN PetscErrorCode FrgIntegratorDestroy(FrgIntegrator *);

/* ---- analysis/ ---------------------------------------------------------------------------- */
/* The observables of one state: t, k and the model's own (names: FrgModelGetObservableNames), each
 * with its estimated numerical error when the flow ran with an error estimate (src/driver/estimate.c). */
#define FRG_OBSERVABLE_MAX 16
#define FRG_CONVERGED      1e-2 /* an estimated error above this times max(|value|, scale) is reported as unconverged */
typedef struct {
  PetscReal t, k;
  PetscInt  count;
  PetscReal value[FRG_OBSERVABLE_MAX];
  PetscReal error[FRG_OBSERVABLE_MAX];
  PetscReal scale[FRG_OBSERVABLE_MAX]; /* the size an error is judged against where the value itself may be 0
                                          (a minimum on an axis, an off-diagonal vertex): max(|value|, scale) */
  PetscBool estimated;
} FrgObservables;
PETSC_EXTERN PetscErrorCode FrgObservablesCompute(FrgGrid, FrgModel, PetscReal t, Vec u, FrgObservables *);
PETSC_EXTERN PetscErrorCode FrgObservablesEstimate(FrgGrid, FrgModel, Vec u, Vec error_sum, FrgObservables *fine, const FrgObservables *coarse);
PETSC_EXTERN PetscBool      FrgObservablesConverged(const FrgObservables *, PetscInt c);
PETSC_EXTERN PetscErrorCode FrgObservablesPrint(MPI_Comm, const FrgObservables *, const char *const names[]); /* the summary's "observables" lines */
PETSC_EXTERN void           FrgObservablesFormat(const FrgObservables *, PetscInt c, const char name[], int digits, char *text, size_t len); /* "name = v ± e" */
PETSC_EXTERN PetscErrorCode FrgModelGetObservableNames(FrgModel, PetscInt *count, const char *const **names);
PETSC_EXTERN PetscErrorCode FrgModelGetObservable(FrgModel, const FrgObservables *, const char name[], PetscReal *value, PetscReal *error);

/* ---- io/ ---------------------------------------------------------------------------------- */
PETSC_EXTERN PetscErrorCode FrgOutputCreate(MPI_Comm, FrgOutput *);
PETSC_EXTERN PetscErrorCode FrgOutputSetFromOptions(FrgOutput);
PETSC_EXTERN PetscErrorCode FrgOutputOpen(FrgOutput);
PETSC_EXTERN PetscErrorCode FrgOutputGetName(FrgOutput, const char **);
PETSC_EXTERN PetscErrorCode FrgOutputGetTimes(FrgOutput, PetscReal t0, PetscReal t_end, PetscInt *count, PetscReal **times);
PETSC_EXTERN PetscErrorCode FrgOutputWriteGrid(FrgOutput, FrgGrid);
PETSC_EXTERN PetscErrorCode FrgOutputSetObservables(FrgOutput, PetscInt count, const char *const names[], PetscBool estimated);
PETSC_EXTERN PetscErrorCode FrgOutputAppendState(FrgOutput, PetscReal t, Vec u, const FrgObservables *);
PETSC_EXTERN PetscErrorCode FrgOutputWriteAttributes(FrgOutput, const char group[], const char *names[], const PetscReal values[], PetscInt count);
PETSC_EXTERN PetscErrorCode FrgOutputWriteIntAttributes(FrgOutput, const char group[], const char *names[], const PetscInt values[], PetscInt count);
PETSC_EXTERN PetscErrorCode FrgOutputWriteStringAttribute(FrgOutput, const char group[], const char name[], const char value[]);
PETSC_EXTERN PetscErrorCode FrgOutputWriteSummary(FrgOutput, const char *names[], const PetscReal values[], PetscInt count);
PETSC_EXTERN PetscErrorCode FrgOutputWriteScalars(FrgOutput, const char group[], const char *names[], const PetscReal *columns[], PetscInt columns_count, PetscInt rows);
PETSC_EXTERN PetscErrorCode FrgOutputFinish(FrgOutput);
PETSC_EXTERN PetscErrorCode FrgOutputClose(FrgOutput, PetscBool success);
PETSC_EXTERN PetscErrorCode FrgOutputWriteObservables(FrgOutput, const char path[], const char *const names[], const FrgObservables *); /* NAME and NAME_error */
PETSC_EXTERN PetscErrorCode FrgOutputWriteXDMF(FrgOutput, FrgGrid); /* NAME.xmf beside a closed 2D flow file, for ParaView */
PETSC_EXTERN PetscErrorCode FrgOutputDestroy(FrgOutput *);
PETSC_EXTERN PetscErrorCode FrgOutputCheckWritable(MPI_Comm, const char path[], const char option[]);

/* ---- driver/ ------------------------------------------------------------------------------ */
PETSC_EXTERN PetscErrorCode FrgInitialize(int *argc, char ***argv, const char help[]);
PETSC_EXTERN PetscErrorCode FrgFinalize(void);
PETSC_EXTERN PetscErrorCode FrgTaskRegister(const char name[], PetscErrorCode (*run)(MPI_Comm));
PETSC_EXTERN PetscErrorCode FrgTaskRegisterAll(void);
PETSC_EXTERN PetscErrorCode FrgTaskRun(MPI_Comm, const char name[]);
PETSC_EXTERN PetscErrorCode FrgTaskGetList(PetscFunctionList *);
PETSC_EXTERN PetscErrorCode FrgCheckUnusedOptions(MPI_Comm);
PETSC_EXTERN PetscErrorCode FrgHelpRequested(PetscBool *);
PETSC_EXTERN const char    *FrgDeckText(void);

/* The flow task: d-dimensional O(N) LPA flow of u = dU/dphi from the deck (src/driver/flow.c). */
PETSC_EXTERN PetscErrorCode FrgTaskFlow(MPI_Comm);
/* The fixedpoint task: Wilson-Fisher fixed point and critical exponents (src/fixedpoint/task.c). */
PETSC_EXTERN PetscErrorCode FrgTaskFixedPoint(MPI_Comm);
/* -task flow -flow_dimensionless: the fixed point, then the dimensionless flow approaching and leaving it. */
PETSC_EXTERN PetscErrorCode FrgTaskFlowDimensionless(MPI_Comm);

#endif
