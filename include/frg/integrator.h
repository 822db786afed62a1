/* Private structure of FrgIntegrator, shared by the files of src/integrate. */
#ifndef FRG_INTEGRATOR_IMPL_H
#define FRG_INTEGRATOR_IMPL_H

#include <frg/impl.h>
#include <sundials/sundials_context.h>
#include <sundials/sundials_nvector.h>
#include <sundials/sundials_nonlinearsolver.h>

typedef enum { FRG_INTEGRATOR_CVODE_BDF, FRG_INTEGRATOR_ARKODE_ERK, FRG_INTEGRATOR_ARKODE_ARK } FrgIntegratorType;
PETSC_EXTERN const char *const FrgIntegratorTypes[];

struct _p_FrgIntegrator {
  MPI_Comm           comm;
  FrgOperator        op;
  FrgIntegratorType  type;
  PetscReal          rtol, atol, newton_tol, t_stop, t;
  PetscInt           max_steps, order;
  SUNContext         sunctx;
  void              *mem;  /* CVODE or ARKODE memory */
  N_Vector           y;    /* wraps the state Vec */
  N_Vector           ewt;  /* error weights, wraps a Vec */
  Vec                state, work;
  SNES               snes; /* Newton solver of the implicit methods */
  SUNNonlinearSolver nls;
  Mat                A;    /* Newton matrix I - gamma df/du */
  PetscReal          crate, del_prev; /* Newton convergence rate estimate (as CVODE's) */
  long               newton_iters;    /* counted here: the SNES wrapper's count is unreliable */
  char               last_message[512]; /* last error message of SUNDIALS, for our own error */
  PetscErrorCode (*interrupt)(MPI_Comm, PetscBool *); /* asked after every step, if set */
  PetscBool          setup;
};

/* SUNDIALS returns negative values for errors, positive ones for some successes. */
#define FrgCallSUNDIALS(comm, call) \
  do { \
    int frg_flag_ = (call); \
    PetscCheck(frg_flag_ >= 0, comm, PETSC_ERR_LIB, "SUNDIALS call %s failed with flag %d", #call, frg_flag_); \
  } while (0)

PETSC_INTERN PetscErrorCode FrgNVectorUseReproducibleNorms(N_Vector);
PETSC_INTERN PetscErrorCode FrgReproducibleWrmsNorm(Vec x, Vec w, PetscReal *norm);
PETSC_INTERN void           FrgSundialsMessage(int code, const char *module, const char *function, char *message, void *ctx);
PETSC_INTERN int            FrgSundialsRHS(double t, N_Vector y, N_Vector ydot, void *ctx);
PETSC_INTERN PetscErrorCode FrgIntegratorNewtonCreate(FrgIntegrator);
PETSC_INTERN PetscErrorCode FrgIntegratorCreateCVODE(FrgIntegrator, PetscReal t0);
PETSC_INTERN PetscErrorCode FrgIntegratorCreateARKODE(FrgIntegrator, PetscReal t0);

#endif
