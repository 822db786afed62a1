/* The estimates of the lattice samplers from Markov chains: |M|, chi = V (<M^2> - <|M|>^2) and the Binder
 * cumulant 1 - <M^4>/(3 <M^2>^2), each with its error and integrated autocorrelation time by the Gamma method
 * (src/lattice/gamma.c; Wolff 2004), the chains being the replicas. Rank 0 computes, every rank receives the
 * same bytes, so printed and written numbers do not depend on the number of ranks. */
#include "lattice_impl.h"

#define FRG_GAMMA_S 1.5 /* Wolff's S: tau_exp/tau_int ~ 1..2 for most observables */

PetscErrorCode FrgLatticeAnalyzeChains(MPI_Comm comm, const FrgLattice *lat, PetscInt chains, PetscInt length, const PetscReal *magnetization,
                                       FrgLatticeEstimates *estimates)
{
  PetscMPIInt      rank;
  const size_t     n      = (size_t)chains * (size_t)length;
  double           volume = (double)lat->volume;
  FrgGammaFunction f[3]   = {FrgLatticeAbsMagnetization, FrgLatticeSusceptibility, FrgLatticeBinder};
  FrgGammaResult  *out[3] = {&estimates->abs_magnetization, &estimates->susceptibility, &estimates->binder};

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCall(PetscMemzero(estimates, sizeof(*estimates)));
  if (!rank) {
    PetscReal *data, *work;
    PetscCall(PetscMalloc2(FRG_LATTICE_PRIMARIES * n, &data, n, &work));
    for (size_t k = 0; k < n; k++) FrgLatticePrimaries(magnetization[k], data + FRG_LATTICE_PRIMARIES * k);
    for (int q = 0; q < 3; q++)
      PetscCheck(!FrgGammaAnalysis(FRG_LATTICE_PRIMARIES, (int)chains, (long)length, data, f[q], &volume, FRG_GAMMA_S, work, out[q]), PETSC_COMM_SELF,
                 PETSC_ERR_ARG_OUTOFRANGE, "the Gamma method needs at least 2 measurements");
    PetscCall(PetscFree2(data, work));
  }
  PetscCallMPI(MPI_Bcast(estimates, sizeof(*estimates), MPI_BYTE, 0, comm));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static double FrgIdentity(const double *mean, void *ctx, double *gradient)
{
  gradient[0] = 1;
  return mean[0];
}

PetscErrorCode FrgLatticeAnalyzeScalar(MPI_Comm comm, PetscInt chains, PetscInt length, const PetscReal *series, FrgGammaResult *result)
{
  PetscMPIInt rank;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCall(PetscMemzero(result, sizeof(*result)));
  if (!rank) {
    PetscReal *work;
    PetscCall(PetscMalloc1((size_t)chains * (size_t)length, &work));
    PetscCheck(!FrgGammaAnalysis(1, (int)chains, (long)length, series, FrgIdentity, NULL, FRG_GAMMA_S, work, result), PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE,
               "the Gamma method needs at least 2 measurements");
    PetscCall(PetscFree(work));
  }
  PetscCallMPI(MPI_Bcast(result, sizeof(*result), MPI_BYTE, 0, comm));
  PetscFunctionReturn(PETSC_SUCCESS);
}
