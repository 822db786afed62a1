/* Private PETSc-side declarations of src/fixedpoint (the plain-C kernels are in include/frg/fixedpoint.h). */
#ifndef FRG_FIXEDPOINT_IMPL_H
#define FRG_FIXEDPOINT_IMPL_H

#include <frg/impl.h>
#include <frg/fixedpoint.h>

#define FRG_FIXEDPOINT_MAX_THETA 8

/* Estimated absolute errors of the numbers of a result (estimate.c); +inf where the spectra of the
 * solves could not be matched or an extra solve failed. */
typedef struct {
  PetscReal nu, omega, eta, kappa_hat, lambda_hat;
  PetscReal theta[FRG_FIXEDPOINT_MAX_THETA], theta_imag[FRG_FIXEDPOINT_MAX_THETA];
} FrgFixedPointError;

/* A fixed point and its exponents. theta_i are the eigenvalues of minus the stability matrix
 * (d_t delta = -theta delta, t = ln k), sorted by decreasing real part: theta_1 = 1/nu, theta_2 = -omega. */
typedef struct {
  PetscReal nu, omega, eta;
  PetscReal kappa, lambda;         /* minimum and u''(kappa) in doc/physics.md 2.2 units (rho-tilde) */
  PetscReal kappa_hat, lambda_hat; /* the same in hat units (rho-hat = rho-tilde / c_d) */
  PetscReal theta[FRG_FIXEDPOINT_MAX_THETA], theta_imag[FRG_FIXEDPOINT_MAX_THETA];
  PetscInt  ntheta;
  PetscReal residual; /* max norm of the discrete fixed-point equation at the solution */
  PetscInt  iterations;
  PetscInt  points;   /* grid points, or Taylor order */
  PetscReal rho_max;  /* hat units */
  PetscReal *rho, *v; /* grid solution (hat units), owned by the solver */
  PetscBool  estimated; /* error holds an estimate (-error_estimate) */
  PetscInt   failures;  /* extra solves of the estimate that did not converge (their differences count as inf) */
  FrgFixedPointError error;
} FrgFixedPointResult;

/* The Chebyshev-collocation LPA solver (lpa.c); collective only through the caller's broadcast. */
typedef struct _n_FrgLpaSolver *FrgLpaSolver;
PETSC_INTERN PetscErrorCode FrgLpaSolverCreate(MPI_Comm, FrgLpaSolver *);
PETSC_INTERN PetscErrorCode FrgLpaSolverSetFromOptions(FrgLpaSolver);
PETSC_INTERN PetscErrorCode FrgLpaSolverSolve(FrgLpaSolver, const FrgFixedPointParams *, FrgFixedPointResult *);
PETSC_INTERN PetscErrorCode FrgLpaSolverDestroy(FrgLpaSolver *);
PETSC_INTERN PetscErrorCode FrgLpaSolverSetAnomalous(FrgLpaSolver, PetscBool);
PETSC_INTERN PetscErrorCode FrgLpaSolverTrySolve(FrgLpaSolver, const FrgFixedPointParams *, FrgFixedPointResult *, PetscBool *converged);
PETSC_INTERN PetscErrorCode FrgLpaSolverCreateLike(FrgLpaSolver, PetscInt points, PetscReal domain, FrgLpaSolver *);
PETSC_INTERN PetscErrorCode FrgLpaSolverGetGrid(FrgLpaSolver, PetscInt *points, PetscReal *domain);
PETSC_INTERN PetscErrorCode FrgLpaSolverGetStabilityMatrix(FrgLpaSolver, PetscInt *m, const PetscReal **J);
PETSC_INTERN int            FrgLpaSolverRightHandSide(FrgLpaSolver, const PetscReal v[], PetscReal f[], PetscReal J[]);

/* The dimensionless flow near the fixed point (flow.c): y(0) = y* + delta, integrated toward the infrared
 * t = 0 -> -T by CVODE BDF; columns t, |y - y*|_max, y[0] (u'(0) on the grid, kappa-hat for Taylor) at
 * count output times, and for Taylor all couplings (state[i * count + k]). delta = relevant e_1 +
 * irrelevant e_2 along the eigenvectors (grid with irrelevant = 0: a constant shift of u' by relevant). */
typedef struct {
  PetscReal time, relevant, irrelevant;
} FrgDimensionlessFlowSettings;
typedef struct {
  PetscInt   count, dimension;
  PetscReal *t, *deviation, *v0, *state;
  PetscReal  growth;   /* d ln|y - y*| / d(-t) late in the run (-> theta_1 = 1/nu) */
  PetscReal  approach; /* -d ln|y - y*| / d(-t) before the closest approach (-> omega), 0 if none */
  PetscReal  closest;  /* t of the closest approach */
} FrgDimensionlessFlow;
PETSC_INTERN PetscErrorCode FrgLpaFlow(MPI_Comm, FrgLpaSolver, const FrgFixedPointResult *, const FrgDimensionlessFlowSettings *, FrgDimensionlessFlow *);
PETSC_INTERN PetscErrorCode FrgTaylorFlow(MPI_Comm, const FrgFixedPointParams *, const FrgFixedPointResult *, const FrgDimensionlessFlowSettings *, FrgDimensionlessFlow *);
PETSC_INTERN PetscErrorCode FrgDimensionlessFlowDestroy(FrgDimensionlessFlow *);

/* Error estimates (estimate.c): fill res->error from extra solves; not collective (the caller broadcasts). */
PETSC_INTERN PetscErrorCode FrgLpaEstimateErrors(FrgLpaSolver, const FrgFixedPointParams *, FrgFixedPointResult *);
PETSC_INTERN PetscErrorCode FrgTaylorEstimateErrors(MPI_Comm, const FrgFixedPointParams *, FrgFixedPointResult *);
PETSC_INTERN PetscInt       FrgFixedPointReportedThetas(const FrgFixedPointResult *);

PETSC_INTERN PetscErrorCode FrgFixedPointEigenvalues(MPI_Comm, PetscInt n, const PetscReal J[], FrgFixedPointResult *);

#endif
