/* The thermal medium of the Yukawa models (include/frg/medium.h). */
#include <frg/medium.h>

PetscErrorCode FrgMediumCheck(MPI_Comm comm, PetscReal T, PetscReal mu)
{
  PetscFunctionBeginUser;
  PetscCheck(T >= 0 && PetscIsNormalReal(T + 1), comm, PETSC_ERR_USER_INPUT, "-T must be a finite number >= 0, got %g", (double)T);
  PetscCheck(PetscIsNormalReal(mu) || mu == 0.0, comm, PETSC_ERR_USER_INPUT, "-mu must be a finite number, got %g", (double)mu);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode FrgMediumSignature(FrgSignature *sig, PetscReal T, PetscReal mu, PetscBool mean_field)
{
  PetscFunctionBeginUser;
  PetscCall(FrgSignatureAdd(sig, "T", "%.17g", (double)T));
  PetscCall(FrgSignatureAdd(sig, "mu", "%.17g", (double)mu));
  PetscCall(FrgSignatureAdd(sig, "mean_field", "%s", mean_field ? "true" : "false"));
  PetscFunctionReturn(PETSC_SUCCESS);
}
