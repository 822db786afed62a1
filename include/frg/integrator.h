/* Private structure of FrgIntegrator, shared by the files of src/integrate. */
#ifndef FRG_INTEGRATOR_IMPL_H
#define FRG_INTEGRATOR_IMPL_H

#include <frg/impl.h>
#include <sundials/sundials_context.h>
#include <sundials/sundials_nvector.h>
#include <sundials/sundials_nonlinearsolver.h>
#include <sundials/sundials_linearsolver.h>
#include <sundials/sundials_matrix.h>

typedef struct _p_FrgBandLU *FrgBandLU;
typedef struct _p_FrgBandSpike *FrgBandSpike; /* the partitioned LU behind FrgBandLU (band_spike.c) */
/* retries of one step beyond the propagator pole, from a state far from it, before the modified
 * route hands over (FrgSundialsRHS) */
#define FRG_POLE_RETRIES 4
typedef enum { FRG_INTEGRATOR_CVODE_BDF, FRG_INTEGRATOR_ARKODE_ERK, FRG_INTEGRATOR_ARKODE_ARK } FrgIntegratorType;
PETSC_EXTERN const char *const FrgIntegratorTypes[];
/* Newton iteration of the implicit integrators: SUNDIALS' modified Newton (matrix and LU reused over
 * steps, linear.c) or a PETSc SNES with a fresh Jacobian at every iteration (newton.c). */
typedef enum { FRG_NEWTON_MODIFIED, FRG_NEWTON_SNES } FrgNewtonType;
/* -integrator_variable: the policy; the operator's FrgVariable is what the state is now */
typedef enum { FRG_VARIABLE_CHOICE_AUTO, FRG_VARIABLE_CHOICE_U, FRG_VARIABLE_CHOICE_LOG } FrgVariableChoice;
PETSC_EXTERN const char *const FrgVariableChoices[];
PETSC_EXTERN const char *const FrgNewtonTypes[];

struct _p_FrgIntegrator {
  MPI_Comm           comm;
  FrgOperator        op;
  FrgIntegratorType  type;
  PetscReal          rtol, atol, newton_tol, t_stop, t;
  PetscReal          max_dt;   /* largest step in RG time (0: none) */
  PetscReal          log_tol;  /* absolute tolerance of the log variable where u's test is blind (variable.c) */
  PetscInt           max_steps, order;
  FrgNewtonType      newton;
  PetscInt           jac_every, setup_every; /* modified Newton: msbj and msbp of SUNDIALS (0: its default) */
  SUNContext         sunctx;
  void              *mem;  /* CVODE or ARKODE memory */
  N_Vector           y;    /* wraps the state Vec */
  N_Vector           ewt;  /* error weights, wraps a Vec */
  Vec                state, work;
  SNES               snes; /* Newton solver of the implicit methods */
  SUNNonlinearSolver nls;       /* modified route: SUNDIALS' Newton with the pole check (nls.c) */
  SUNNonlinearSolver nls_snes;  /* SNES route */
  FrgIntegratorStats offset;    /* counters before a switch to the SNES route */
  PetscBool          pole_reached; /* the modified route met the propagator pole for good */
  PetscInt           pole_retries; /* retries of the current step that met the pole (reset by a converged step) */
  PetscBool          near_pole;    /* the last converged state lies near the pole (FrgOperatorPoleStatus) */
  PetscReal          switch_t;     /* RG time of the hand-over to the SNES route, -1 if none */
  FrgVariableChoice  variable;     /* the state variable: auto (u, then log from the first state near the pole), u, log */
  PetscBool          want_log;     /* auto: the last step met the pole's neighbourhood in u; switch to log */
  PetscReal          log_switch_t; /* RG time from which the state is the log variable, -1 if never */
  SUNNonlinearSolver nls_inner; /* modified route: SUNDIALS' Newton, wrapped by nls */
  Mat                A;    /* SNES route: Newton matrix I - gamma df/du */
  FrgBandLU          band;  /* modified route: saved df/du, M = I - gamma df/du and its LU */
  PetscReal          gamma; /* modified route: gamma of the last linear-system call */
  SUNMatrix          M;     /* modified route: a token for SUNDIALS (the band is in band) */
  SUNLinearSolver    LS;    /* modified route: factors and solves with band */
  long               linear_setups;   /* LU factorizations of the modified route */
  PetscReal          crate, del_prev; /* Newton convergence rate estimate (as CVODE's) */
  long               newton_iters;    /* counted here: the SNES wrapper's count is unreliable */
  char               last_message[512]; /* last error message of SUNDIALS, for our own error */
  long               warnings;          /* SUNDIALS warnings (e.g. "t + h = t") */
  char               first_warning[512];
  long               pole_rejections;   /* states beyond the pole rejected (the step retried) */
  PetscErrorCode (*interrupt)(MPI_Comm, PetscBool *); /* asked after every step, if set */
  Vec                error_sum;  /* sum over the steps of |local error| in tolerance units (FrgIntegratorAccumulateErrors) */
  N_Vector           local_error, local_weight;
  struct {                            /* the integral of a rate along the solution (quadrature.c) */
    PetscErrorCode (*rate)(void *, PetscReal t, Vec u, PetscReal *rate);
    void     *ctx;
    PetscReal t_prev, t_done; /* the start and the end of the last accepted step */
    PetscReal q_prev, q_done; /* the integral up to t_prev and to t_done */
    PetscReal a_prev, a_done; /* the same of |rate| */
    Vec       state, u;       /* work: a state from the interpolant, and its u */
    N_Vector  nstate;         /* wraps state */
  } quad;
  PetscBool          setup;

};

/* SUNDIALS returns negative values for errors, positive ones for some successes. */
#define FrgCallSUNDIALS(comm, call) \
  do { \
    int frg_flag_ = (call); \
    PetscCheck(frg_flag_ >= 0, comm, PETSC_ERR_LIB, "SUNDIALS call %s failed with flag %d", #call, frg_flag_); \
  } while (0)

PETSC_INTERN PetscErrorCode FrgNVectorUseReproducibleNorms(N_Vector);
PETSC_INTERN PetscErrorCode FrgNVectorUseLocalOps(N_Vector);
PETSC_INTERN PetscErrorCode FrgNVectorSerialOps(N_Vector); /* nvector_serial.c: for SUNDIALS serial vectors */
PETSC_INTERN int            FrgNVScaleAddMultiBySums(int nvec, double *c, N_Vector x, N_Vector *Y, N_Vector *Z);
PETSC_INTERN int            FrgNVLinearCombinationBySums(int nvec, double *c, N_Vector *X, N_Vector z);
PETSC_INTERN PetscErrorCode FrgReproducibleWrmsNorm(Vec x, Vec w, PetscReal *norm);
PETSC_INTERN void           FrgSundialsMessage(int code, const char *module, const char *function, char *message, void *ctx);
PETSC_INTERN int            FrgSundialsRHS(double t, N_Vector y, N_Vector ydot, void *ctx);
PETSC_INTERN PetscErrorCode FrgIntegratorInterpolate(FrgIntegrator, PetscReal t, N_Vector out);
PETSC_INTERN PetscErrorCode FrgIntegratorQuadratureStart(FrgIntegrator, PetscReal t0, Vec u0);
PETSC_INTERN PetscErrorCode FrgIntegratorQuadratureStep(FrgIntegrator, PetscReal t);
PETSC_INTERN PetscErrorCode FrgIntegratorQuadratureDestroy(FrgIntegrator);
PETSC_INTERN PetscBool      FrgIntegratorPoleGiveUp(FrgIntegrator);
PETSC_INTERN PetscErrorCode FrgIntegratorNewtonCreate(FrgIntegrator);
PETSC_INTERN PetscErrorCode FrgBandLUCreate(MPI_Comm, PetscInt n, PetscInt nlocal, FrgBandLU *);
PETSC_INTERN PetscErrorCode FrgBandLUGetJacobian(FrgBandLU, PetscReal **);
PETSC_INTERN PetscErrorCode FrgBandLUFactor(FrgBandLU, PetscReal gamma, PetscBool *singular);
PETSC_INTERN PetscErrorCode FrgBandLUSolve(FrgBandLU, Vec b, Vec x);
PETSC_INTERN PetscErrorCode FrgBandLUDestroy(FrgBandLU *);
PETSC_INTERN PetscErrorCode FrgBandLUSetPartition(FrgBandLU, PetscInt min_block_rows, PetscInt max_block_rows, const char *isa, PetscBool *available);
/* how the last factorization was done (FrgBandLUGetInfo) */
typedef struct {
  PetscInt    blocks, block_rows; /* the partition (1 and n without one) */
  PetscInt    lane_sets;          /* this rank's lane sets */
  PetscBool   distributed;        /* every rank factors its own blocks (else every rank factors all of them) */
  PetscBool   partitioned;        /* the last factorization was the partitioned one (else the sequential fallback) */
  const char *isa;                /* the lane kernels, or "sequential" */
} FrgBandLUInfo;
PETSC_INTERN PetscErrorCode FrgBandLUGetInfo(FrgBandLU, FrgBandLUInfo *);
/* zero rows after the band and right-hand side of a lane set: its tiles read past the last block */
#define FRG_BAND_PADDING 16
/* the partition of the rows into blocks (band_partition.c): it depends on n only */
#define FRG_SPIKE_BLOCKS        8    /* P: blocks per lane set, one per vector lane */
#define FRG_SPIKE_MIN_ROWS      4    /* the top and bottom pairs of a block must differ */
#define FRG_SPIKE_MAX_GROWTH    16.0 /* largest spike row sum and reduced-system factor entry accepted */
/* Rows per block from which the partitioned LU is used. bench/band_cost (medians, one rank): at n = 48
 * (blocks of 6 rows) both LUs factor in 0.4 us and solve in 0.19 us; at n = 64 (blocks of 8) the
 * partitioned one takes 0.35 and 0.18 us, the sequential one 0.58 and 0.26 us. */
#define FRG_BAND_MIN_BLOCK_ROWS 8
#define FRG_BAND_MAX_BLOCK_ROWS 1024 /* above: more lane sets (band_partition.c, bench/README.md) */
typedef struct {
  PetscInt n, rows, blocks; /* blocks of rows rows (the last one shorter); blocks = 0: no partition */
  PetscInt min_rows, max_rows;
} FrgBandPartition;
PETSC_INTERN PetscErrorCode FrgBandPartitionCreate(PetscInt n, PetscInt min_rows, PetscInt max_rows, FrgBandPartition *);
PETSC_INTERN PetscBool      FrgBandPartitionLocalBlocks(const FrgBandPartition *, PetscInt rstart, PetscInt nlocal, PetscInt *first, PetscInt *count);
PETSC_INTERN PetscBool      FrgBandPartitionOwnership(const FrgBandPartition *, PetscMPIInt size, PetscInt min_local, PetscInt lx[]);
PETSC_INTERN PetscErrorCode FrgBandOwnership(MPI_Comm, PetscInt n, PetscInt min_local, PetscInt **lx);
/* the spike tips of a block in the reduced system's input (band_reduced.c): 2 x 2 each, row-major */
#define FRG_SPIKE_TIP_V_TOP    0
#define FRG_SPIKE_TIP_V_BOTTOM 4
#define FRG_SPIKE_TIP_W_TOP    8
#define FRG_SPIKE_TIP_W_BOTTOM 12
#define FRG_SPIKE_TIP_STATUS   16 /* nonzero: the block refused (zero pivot, spike growth) */
#define FRG_SPIKE_TIP_SIZE     17
typedef struct _p_FrgBandReduced *FrgBandReduced;
PETSC_INTERN PetscErrorCode FrgBandReducedCreate(PetscInt blocks, FrgBandReduced *);
PETSC_INTERN PetscErrorCode FrgBandReducedFactor(FrgBandReduced, const PetscReal *tips, PetscBool *accepted);
PETSC_INTERN PetscErrorCode FrgBandReducedSolve(FrgBandReduced, const PetscReal *g_tips, PetscReal *interface);
PETSC_INTERN PetscErrorCode FrgBandReducedDestroy(FrgBandReduced *);
PETSC_INTERN PetscBool      FrgBandSpikeAvailable(const char *isa);
PETSC_INTERN PetscErrorCode FrgBandSpikeCreate(MPI_Comm, const FrgBandPartition *, PetscInt first, PetscInt count, const char *isa, FrgBandSpike *);
PETSC_INTERN PetscErrorCode FrgBandSpikeFactor(FrgBandSpike, PetscReal gamma, const PetscReal *J, PetscBool *factored);
PETSC_INTERN PetscErrorCode FrgBandSpikeSolve(FrgBandSpike, const PetscReal *b, PetscInt row_first, PetscInt row_last, PetscReal *x);
PETSC_INTERN PetscErrorCode FrgBandSpikeGetInfo(FrgBandSpike, PetscInt *sets, const char **isa);
PETSC_INTERN PetscErrorCode FrgBandSpikeDestroy(FrgBandSpike *);
PETSC_INTERN PetscErrorCode FrgIntegratorLinearAttach(FrgIntegrator);
PETSC_INTERN PetscErrorCode FrgIntegratorCheckedNewtonCreate(FrgIntegrator);
PETSC_INTERN PetscErrorCode FrgIntegratorSwitchToSNES(FrgIntegrator, PetscReal t);
PETSC_INTERN PetscErrorCode FrgIntegratorSwitchToLog(FrgIntegrator, PetscReal t);
PETSC_INTERN PetscBool      FrgIntegratorWantsLog(FrgIntegrator, PetscBool crossed, PetscBool near);
PETSC_INTERN PetscErrorCode FrgNewtonSystemData(FrgIntegrator, PetscReal *t, Vec *ypred, PetscReal *gamma);
PETSC_INTERN PetscErrorCode FrgIntegratorCreateCVODE(FrgIntegrator, PetscReal t0);
PETSC_INTERN PetscErrorCode FrgIntegratorCreateARKODE(FrgIntegrator, PetscReal t0);

#endif
