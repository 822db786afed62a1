/* The lattice options shared by the lattice tasks (-lattice_L, -lattice_kappa, -lattice_lambda) and their
 * validation. The action (doc/physics.md 2.6) is bounded below for lambda > 0 at any kappa; at lambda = 0 it is
 * Gaussian with the lowest mode 2 - 4 d |kappa| (q = 0 for kappa > 0, q = (pi, pi) for kappa < 0), which must
 * be positive; lambda < 0 is unbounded below. */
#include "lattice_impl.h"
#include <frg/options.h>

#define FRG_LATTICE_L_MAX 4096

/* -lattice_kappa and -lattice_lambda, validated (shared by the lattice tasks and -model lattice). */
PetscErrorCode FrgLatticeCouplingsFromOptions(MPI_Comm comm, PetscReal *kappa_out, PetscReal *lambda_out)
{
  PetscReal kappa = 0.2, lambda = 0.0;

  PetscFunctionBeginUser;
  PetscOptionsBegin(comm, NULL, "Lattice phi^4 in two dimensions: S = sum_x [-2 kappa sum_mu phi_x phi_x+mu + (1 - 2 lambda) phi_x^2 + lambda phi_x^4]", "FrgLattice");
  PetscCall(FrgOptionsReal("-lattice_kappa", "Hopping parameter kappa", kappa, &kappa, NULL, -FRG_REAL_MAX, FRG_REAL_MAX));
  PetscCall(FrgOptionsReal("-lattice_lambda", "Quartic coupling lambda (>= 0)", lambda, &lambda, NULL, 0, FRG_REAL_MAX));
  PetscOptionsEnd();
  PetscCheck(!PetscIsInfOrNanReal(kappa), comm, PETSC_ERR_USER_INPUT, "-lattice_kappa must be a finite number, got %g", (double)kappa);
  PetscCheck(!PetscIsInfOrNanReal(lambda), comm, PETSC_ERR_USER_INPUT, "-lattice_lambda must be a finite number, got %g", (double)lambda);
  PetscCheck(lambda >= 0, comm, PETSC_ERR_USER_INPUT, "-lattice_lambda must be >= 0 (the action is unbounded below otherwise), got %g", (double)lambda);
  PetscCheck(lambda > 0 || 2 - 4 * FRG_LATTICE_DIMENSION * PetscAbsReal(kappa) > 0, comm, PETSC_ERR_USER_INPUT,
             "-lattice_kappa %g with -lattice_lambda 0: the Gaussian action is not normalizable (its lowest mode 2 - 8 |kappa| = %g is not positive; |kappa| < 0.25 needed)",
             (double)kappa, (double)(2 - 4 * FRG_LATTICE_DIMENSION * PetscAbsReal(kappa)));
  *kappa_out  = kappa;
  *lambda_out = lambda;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode FrgLatticeSetFromOptions(MPI_Comm comm, FrgLattice *lat)
{
  PetscInt  L = 8;
  PetscReal kappa, lambda;

  PetscFunctionBeginUser;
  PetscCall(FrgLatticeCouplingsFromOptions(comm, &kappa, &lambda));
  PetscOptionsBegin(comm, NULL, "Lattice phi^4 in two dimensions", "FrgLattice");
  PetscCall(FrgOptionsInt("-lattice_L", "Sites per direction of the periodic L x L lattice (>= 2)", L, &L, NULL, 2, FRG_LATTICE_L_MAX));
  PetscOptionsEnd();
  PetscCheck(L >= 2 && L <= FRG_LATTICE_L_MAX, comm, PETSC_ERR_USER_INPUT, "-lattice_L must lie in [2, %d], got %" PetscInt_FMT, FRG_LATTICE_L_MAX, L);
  FrgLatticeInit(lat, (int)L, kappa, lambda);
  PetscFunctionReturn(PETSC_SUCCESS);
}
