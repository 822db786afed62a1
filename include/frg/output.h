/* Private structure of FrgOutput and HDF5 helpers shared by the files of src/io. */
#ifndef FRG_OUTPUT_IMPL_H
#define FRG_OUTPUT_IMPL_H

#include <frg/impl.h>
#include <hdf5.h>

struct _p_FrgOutput {
  MPI_Comm  comm;
  char      name[PETSC_MAX_PATH_LEN];
  char      partial[PETSC_MAX_PATH_LEN + 16];
  hid_t     file;
  PetscReal every;
  PetscReal times[1024];
  PetscInt  ntimes;
  PetscInt  records;                 /* states appended so far */
  PetscInt  capacity;                /* of the observable columns */
  PetscReal *columns[FRG_OBSERVABLE_COUNT];
  PetscInt  cells;
  PetscInt  xs, xm;                  /* this rank's cells */
  PetscScalar *rows;                 /* the stored records of u, [record][local cell] */
  PetscBool open;
  PetscBool finished; /* FrgOutputFinish wrote the records */
};

#define FrgCallHDF5(comm, call) \
  do { \
    if ((call) < 0) SETERRQ(comm, PETSC_ERR_FILE_WRITE, "HDF5 call %s failed", #call); \
  } while (0)

PETSC_INTERN PetscErrorCode FrgH5WriteAttributeReal(MPI_Comm, hid_t loc, const char name[], PetscReal value);
PETSC_INTERN PetscErrorCode FrgH5WriteAttributeInt(MPI_Comm, hid_t loc, const char name[], PetscInt value);
PETSC_INTERN PetscErrorCode FrgH5WriteAttributeString(MPI_Comm, hid_t loc, const char name[], const char value[]);
PETSC_INTERN PetscErrorCode FrgH5WriteColumnOfType(MPI_Comm, hid_t loc, const char name[], hid_t type, const void *data, PetscInt count);
PETSC_INTERN PetscErrorCode FrgH5WriteColumn(MPI_Comm, hid_t loc, const char name[], const PetscReal *values, PetscInt count);
PETSC_INTERN PetscErrorCode FrgH5FileAccess(MPI_Comm, hid_t *fapl);
PETSC_INTERN PetscErrorCode FrgH5TransferCollective(MPI_Comm, hid_t *dxpl);
PETSC_INTERN PetscErrorCode FrgH5OpenGroup(MPI_Comm, hid_t file, const char path[], hid_t *group);
PETSC_INTERN PetscErrorCode FrgOutputWriteProvenance(FrgOutput);
PETSC_INTERN PetscErrorCode FrgRegisterPartialFile(const char path[]);
PETSC_INTERN PetscErrorCode FrgUnregisterPartialFile(const char path[]);

#endif
