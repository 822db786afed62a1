/* Private PETSc-side declarations of src/fixedpoint (the plain-C kernels are in include/frg/fixedpoint.h). */
#ifndef FRG_FIXEDPOINT_IMPL_H
#define FRG_FIXEDPOINT_IMPL_H

#include <frg/impl.h>
#include <frg/fixedpoint.h>

#define FRG_FIXEDPOINT_MAX_THETA 8

/* A fixed point and its exponents. theta_i are the eigenvalues of minus the stability matrix
 * (d_t delta = -theta delta, t = ln k), sorted by decreasing real part: theta_1 = 1/nu, theta_2 = -omega. */
typedef struct {
  PetscReal nu, omega, eta;
  PetscReal kappa, lambda;         /* minimum and u''(kappa) in DESIGN.md 2.2 units (rho-tilde) */
  PetscReal kappa_hat, lambda_hat; /* the same in hat units (rho-hat = rho-tilde / c_d) */
  PetscReal theta[FRG_FIXEDPOINT_MAX_THETA], theta_imag[FRG_FIXEDPOINT_MAX_THETA];
  PetscInt  ntheta;
  PetscReal residual; /* max norm of the discrete fixed-point equation at the solution */
  PetscInt  iterations;
  PetscInt  points;   /* grid points, or Taylor order */
  PetscReal rho_max;  /* hat units */
  PetscReal *rho, *v; /* grid solution (hat units), owned by the solver */
} FrgFixedPointResult;

/* The Chebyshev-collocation LPA solver (lpa.c); collective only through the caller's broadcast. */
typedef struct _n_FrgLpaSolver *FrgLpaSolver;
PETSC_INTERN PetscErrorCode FrgLpaSolverCreate(MPI_Comm, FrgLpaSolver *);
PETSC_INTERN PetscErrorCode FrgLpaSolverSetFromOptions(FrgLpaSolver);
PETSC_INTERN PetscErrorCode FrgLpaSolverSolve(FrgLpaSolver, const FrgFixedPointParams *, FrgFixedPointResult *);
PETSC_INTERN PetscErrorCode FrgLpaSolverDestroy(FrgLpaSolver *);
PETSC_INTERN PetscErrorCode FrgLpaSolverSetAnomalous(FrgLpaSolver, PetscBool);
PETSC_INTERN int            FrgLpaSolverRightHandSide(FrgLpaSolver, const PetscReal v[], PetscReal f[], PetscReal J[]);

/* The dimensionless flow away from the fixed point (flow.c): v(0) = v* + delta, integrated toward the
 * infrared t = 0 -> -T by CVODE BDF; columns t, |v - v*|_max, v(rho = 0) at count output times. */
typedef struct {
  PetscInt   count;
  PetscReal *t, *deviation, *v0, growth; /* growth: d ln|v - v*| / d(-t) over the last half */
} FrgDimensionlessFlow;
PETSC_INTERN PetscErrorCode FrgLpaFlow(MPI_Comm, FrgLpaSolver, const FrgFixedPointResult *, PetscReal T, PetscReal delta, FrgDimensionlessFlow *);

PETSC_INTERN PetscErrorCode FrgFixedPointEigenvalues(MPI_Comm, PetscInt n, const PetscReal J[], FrgFixedPointResult *);
PETSC_INTERN PetscReal      FrgFixedPointCd(PetscReal d);

#endif
