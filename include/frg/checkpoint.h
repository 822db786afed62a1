/* Private interface of the checkpoint files (src/io/checkpoint.c, checkpoint_read.c). */
#ifndef FRG_CHECKPOINT_H
#define FRG_CHECKPOINT_H

#include <frg/output.h>
#include <frg/scan.h>
#include <frg/signature.h>

#define FRG_CHECKPOINT_FORMAT  "frg checkpoint"
#define FRG_CHECKPOINT_VERSION 4 /* 3: attribute checksum; 4: origin_flow (U0) */
#define FRG_CHECKPOINT_MAX_RECORDS 10000000 /* more output records than anyone stores: a corrupt count */

/* What a checkpoint holds besides the records, and what a restart expects of it. */
typedef struct {
  PetscReal           t;
  Vec                 u;            /* the flow's state */
  Vec                 u_coarse;     /* the error estimate's state, NULL without */
  Vec                 error_sum;    /* the flow's summed local errors (the estimate's time part), NULL without */
  PetscInt            coarse_cells; /* 0 without an estimate */
  PetscInt            observables;  /* the model's count */
  const char *const  *names;        /* and names (for the columns attribute of /history/observables) */
  const FrgSignature *signature;    /* the physics of the run */
  PetscReal           origin[4];    /* int d_t U(h/2) dt and int |d_t U(h/2)| dt of the flow, then of the estimate (U0; 0 without) */
} FrgCheckpointState;

/* The checksum of a checkpoint's content (FNV-1a, 64 bits, as 16 hex digits): header numbers and arrays. */
typedef struct {
  double        t;
  long long     cells, coarse_cells, records, observables;
  const double *u, *u_coarse, *error_sum, *rows, *obs;
  const double *origin; /* 4 numbers */
} FrgCheckpointContent;
PETSC_INTERN void           FrgCheckpointChecksum(const FrgCheckpointContent *, char hex[17]);
#define FRG_CHECKPOINT_USERBLOCK 512
PETSC_INTERN int            FrgCheckpointFileChecksum(int fd, char line[FRG_CHECKPOINT_USERBLOCK]);
PETSC_INTERN PetscErrorCode FrgHistoryReserve(FrgHistory *, PetscInt records);
PETSC_INTERN PetscErrorCode FrgCheckpointSave(MPI_Comm, const char path[], const FrgCheckpointState *, FrgHistory *);
PETSC_INTERN PetscErrorCode FrgCheckpointLoad(MPI_Comm, const char path[], PetscReal t_max, FrgCheckpointState *, FrgHistory *);
PETSC_INTERN PetscErrorCode FrgCheckpointCheckTarget(MPI_Comm, const char path[], const FrgSignature *);

#endif
