/* Private interfaces of the batch features: one flow without an output file (FrgFlowSolve, reused
 * by scans and bisections), checkpoints of long flows, signal handling and the process exit status,
 * and the scan task (src/scan). Users include only <frg.h>. */
#ifndef FRG_SCAN_H
#define FRG_SCAN_H

#include <frg/impl.h>

/* ---- one flow (src/driver/flow.c) --------------------------------------------------------- */
typedef struct {
  FrgObservables     obs;    /* at t_IR, with their errors */
  FrgObservables     coarse; /* the error estimate's coarse flow at t_IR (valid if obs.estimated) */
  const char *const *names; /* of the model's observables (static) */
  PetscInt           count;
  FrgIntegratorStats stats;
  double             wall_seconds;
  PetscInt           warnings;
  char               warning_text[512];
} FrgFlowResult;

/* Collective on comm (src/driver/solve.c). One flow from the options to t_IR with its error
 * estimate, no output file; with integrate = PETSC_FALSE only the objects are built (validated). */
PETSC_EXTERN PetscErrorCode FrgFlowSolve(MPI_Comm comm, PetscBool integrate, FrgFlowResult *result);

/* ---- exit status and signals (src/io/checkpoint.c) --------------------------------------- */
/* SIGTERM and SIGUSR1 set a flag; the flow and scan loops poll it between output/checkpoint times
 * (flow) or points (scan), save their state and stop with FRG_EXIT_CHECKPOINTED. */
PETSC_EXTERN PetscErrorCode FrgSignalInstall(void);
PETSC_EXTERN int            FrgSignalInstallEarly(void); /* before PETSc starts: 0 on success */
PETSC_EXTERN void           FrgSignalSetPolled(PetscBool);
PETSC_EXTERN PetscErrorCode FrgSignalPending(MPI_Comm, PetscBool *); /* collective: true if any rank got one */
PETSC_EXTERN PetscBool      FrgSignalPendingLocal(void);             /* not collective */
PETSC_EXTERN void           FrgSetExitStatus(int);
PETSC_EXTERN int            FrgExitStatus(void);

/* ---- checkpoints (src/io/checkpoint.c; the files: include/frg/checkpoint.h) ------------------ */
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

/* ---- scan (src/scan) ---------------------------------------------------------------------- */
PETSC_EXTERN PetscErrorCode FrgTaskScan(MPI_Comm);

#endif
