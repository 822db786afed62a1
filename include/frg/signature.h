/* The options that decide a flow's physics and grid (src/io/signature.c). */
#ifndef FRG_SIGNATURE_H
#define FRG_SIGNATURE_H

#include <frg/impl.h>

#define FRG_SIGNATURE_MAX 32
struct _n_FrgSignature {
  PetscInt count;
  char    *name[FRG_SIGNATURE_MAX];
  char    *value[FRG_SIGNATURE_MAX];
};

PETSC_INTERN PetscErrorCode FrgSignatureAdd(FrgSignature *, const char name[], const char format[], ...) PETSC_ATTRIBUTE_FORMAT(3, 4);
PETSC_INTERN PetscErrorCode FrgSignatureDestroy(FrgSignature *);
PETSC_INTERN PetscErrorCode FrgSignatureOfFlow(FrgModel, FrgGrid, PetscBool estimate, FrgSignature *);
PETSC_INTERN PetscErrorCode FrgSignatureCompare(MPI_Comm, const char path[], const FrgSignature *stored, const FrgSignature *current);

#endif
