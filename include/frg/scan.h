/* Private interfaces of the batch features: one flow without an output file (FrgFlowSolve, reused
 * by scans and bisections), checkpoints of long flows, signal handling and the process exit status,
 * and the scan task (src/scan). Users include only <frg.h>. */
#ifndef FRG_SCAN_H
#define FRG_SCAN_H

#include <frg/impl.h>

/* ---- one flow (src/driver/flow.c) --------------------------------------------------------- */
typedef struct {
  FrgObservables     obs;   /* at t_IR */
  FrgIntegratorStats stats;
  double             wall_seconds;
} FrgFlowResult;

/* Collective on comm. Builds the model, grid, operator and integrator from the options database,
 * integrates from 0 to t_IR on comm (grid decomposed across comm) and returns the IR observables.
 * Writes no file. With integrate = PETSC_FALSE it only builds (and so validates) the objects. */
PETSC_EXTERN PetscErrorCode FrgFlowSolve(MPI_Comm comm, PetscBool integrate, FrgFlowResult *result);

/* ---- exit status and signals (src/io/checkpoint.c) --------------------------------------- */
/* SIGTERM and SIGUSR1 set a flag; the flow and scan loops poll it between output/checkpoint times
 * (flow) or points (scan), save their state and stop with FRG_EXIT_CHECKPOINTED. */
PETSC_EXTERN PetscErrorCode FrgSignalInstall(void);
PETSC_EXTERN PetscErrorCode FrgSignalPending(MPI_Comm, PetscBool *); /* collective: true if any rank got one */
PETSC_EXTERN PetscBool      FrgSignalPendingLocal(void);             /* not collective */
PETSC_EXTERN void           FrgSetExitStatus(int);
PETSC_EXTERN int            FrgExitStatus(void);

/* ---- checkpoints (src/io/checkpoint.c) ---------------------------------------------------- */
/* The records a flow has stored so far, so that a restarted run carries them into its output. */
typedef struct {
  PetscInt        cells, records, capacity;
  PetscReal      *rows;   /* [records, cells] u at the output times: rank 0 only */
  FrgObservables *obs;    /* [records] on every rank */
  VecScatter      gather; /* to rank 0 */
  Vec             zero;
} FrgHistory;

PETSC_EXTERN PetscErrorCode FrgHistoryPush(FrgHistory *, Vec u, const FrgObservables *);
PETSC_EXTERN PetscErrorCode FrgHistoryReplay(FrgHistory *, FrgOutput, Vec work);
PETSC_EXTERN PetscErrorCode FrgHistoryDestroy(FrgHistory *);
PETSC_EXTERN PetscErrorCode FrgCheckpointSave(MPI_Comm, const char path[], PetscReal t, Vec u, FrgHistory *);
PETSC_EXTERN PetscErrorCode FrgCheckpointLoad(MPI_Comm, const char path[], PetscReal *t, Vec u, FrgHistory *);

/* ---- scan (src/scan) ---------------------------------------------------------------------- */
PETSC_EXTERN PetscErrorCode FrgTaskScan(MPI_Comm);

#endif
