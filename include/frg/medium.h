/* The thermal medium of the Yukawa models (-model gny, -model qm): temperature T >= 0 (T = 0 exactly
 * allowed) and chemical potential mu, checked and put in the checkpoint signature by one piece of
 * code (src/physics/medium.c). */
#ifndef FRG_MEDIUM_H
#define FRG_MEDIUM_H

#include <frg/signature.h>

PETSC_INTERN PetscErrorCode FrgMediumCheck(MPI_Comm, PetscReal T, PetscReal mu);
PETSC_INTERN PetscErrorCode FrgMediumSignature(FrgSignature *, PetscReal T, PetscReal mu, PetscBool mean_field);

#endif
