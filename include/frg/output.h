/* Private structure of FrgOutput and HDF5 helpers shared by the files of src/io. */
#ifndef FRG_OUTPUT_IMPL_H
#define FRG_OUTPUT_IMPL_H

#include <frg/impl.h>
#include <hdf5.h>

/* A result file's path claimed for a run (src/io/claim.c). */
typedef struct {
  MPI_Comm  comm;
  char      name[PETSC_MAX_PATH_LEN];
  char      partial[PETSC_MAX_PATH_LEN + 16];
  char      lock_path[PETSC_MAX_PATH_LEN + 16];
  int       lock;    /* rank 0: the locked file descriptor of NAME.lock */
  PetscBool created; /* rank 0: NAME.partial was created */
  PetscBool held;
} FrgClaim;

PETSC_INTERN PetscErrorCode FrgClaimAcquire(MPI_Comm, const char name[], const char option[], PetscBool overwrite, FrgClaim *);
PETSC_INTERN PetscErrorCode FrgClaimRelease(FrgClaim *, PetscBool success);
PETSC_INTERN PetscBool      FrgFileWrittenByFrg(const char path[]);
PETSC_INTERN PetscBool      FrgPathsSame(const char a[], const char b[]);
PETSC_INTERN PetscErrorCode FrgCheckOutputRoles(MPI_Comm, PetscInt count, const char *const paths[], const char *const options[]);
PETSC_INTERN int            FrgCreateExclusive(const char path[]);

struct _p_FrgOutput {
  MPI_Comm  comm;
  char      name[PETSC_MAX_PATH_LEN];
  char      partial[PETSC_MAX_PATH_LEN + 16];
  FrgClaim  claim;
  PetscBool overwrite; /* -output_overwrite */
  hid_t     file;
  PetscReal every;
  PetscReal times[1024];
  PetscInt  ntimes;
  PetscInt  records;                 /* states appended so far */
  PetscInt  capacity;                /* of the observable columns */
  PetscReal *columns[2 + 2 * FRG_OBSERVABLE_MAX]; /* t, k, the observables, their errors */
  PetscInt  observables;             /* the model's count */
  const char *const *names;          /* the model's observable names */
  PetscBool estimated;               /* write the errors too */
  PetscInt  cells;                   /* of the grid's first direction; 0: no grid (no /flow state) */
  PetscInt  cells_y;                 /* of its second direction; 0: a 1D grid */
  PetscInt  xs, xm, ys, ym;          /* this rank's cells (ys = 0, ym = 1 on a 1D grid) */
  PetscScalar *rows;                 /* the stored records of the state, [record][local cell] (2D: [i][j], j fastest) */
  PetscBool open;
  PetscBool finished; /* FrgOutputFinish wrote the records */
};

#define FrgCallHDF5(comm, call) \
  do { \
    if ((call) < 0) SETERRQ(comm, PETSC_ERR_FILE_WRITE, "HDF5 call %s failed", #call); \
  } while (0)

/* A collective HDF5 call whose failure on any rank (a full disk fails the write of one rank's part)
 * fails it on every rank: a rank that went on alone waited for the others in its next collective. */
#define FrgCallHDF5Collective(comm, call) \
  do { \
    int frg_h5_ok_ = (call) >= 0, frg_h5_all_; \
    PetscCallMPI(MPI_Allreduce(&frg_h5_ok_, &frg_h5_all_, 1, MPI_INT, MPI_MIN, comm)); \
    if (!frg_h5_all_) SETERRQ(comm, PETSC_ERR_FILE_WRITE, "HDF5 call %s failed%s (is the disk full?)", #call, frg_h5_ok_ ? " on another rank" : ""); \
  } while (0)

/* What this binary is (src/io/buildinfo.c) */
PETSC_EXTERN const char *FrgBuildGitHash(void);
PETSC_EXTERN int         FrgBuildGitDirty(void); /* 1 dirty, 0 clean, -1 not a git checkout */
PETSC_EXTERN const char *FrgBuildCompiler(void);
PETSC_EXTERN const char *FrgBuildFlags(void);
PETSC_EXTERN void        FrgBuildMPILibrary(char *, size_t);
PETSC_EXTERN void        FrgBuildPrintVersion(FILE *);
PETSC_INTERN PetscErrorCode FrgH5WriteAttributeReal(MPI_Comm, hid_t loc, const char name[], PetscReal value);
PETSC_INTERN PetscErrorCode FrgH5WriteAttributeInt(MPI_Comm, hid_t loc, const char name[], PetscInt value);
PETSC_INTERN PetscErrorCode FrgH5WriteAttributeString(MPI_Comm, hid_t loc, const char name[], const char value[]);
PETSC_INTERN PetscErrorCode FrgH5WriteText(MPI_Comm, hid_t loc, const char name[], const char value[]);
PETSC_INTERN PetscErrorCode FrgH5WriteColumnOfType(MPI_Comm, hid_t loc, const char name[], hid_t type, const void *data, PetscInt count);
PETSC_INTERN PetscErrorCode FrgH5WriteColumn(MPI_Comm, hid_t loc, const char name[], const PetscReal *values, PetscInt count);
PETSC_INTERN PetscErrorCode FrgH5FileAccess(MPI_Comm, hid_t *fapl);
PETSC_INTERN PetscErrorCode FrgH5TransferCollective(MPI_Comm, hid_t *dxpl);
PETSC_INTERN PetscErrorCode FrgH5OpenGroup(MPI_Comm, hid_t file, const char path[], hid_t *group);
PETSC_INTERN PetscErrorCode FrgOutputWriteProvenance(FrgOutput);
PETSC_INTERN PetscErrorCode FrgRegisterPartialFile(const char path[]);
PETSC_INTERN PetscErrorCode FrgUnregisterPartialFile(const char path[]);
PETSC_INTERN void           FrgNoteUnclosedFile(MPI_Comm); /* HDF5 could not close a file of comm (provenance.c) */

#endif
