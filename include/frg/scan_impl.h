/* Private structures of the scan task (src/scan): specification, journal, results table. */
#ifndef FRG_SCAN_IMPL_H
#define FRG_SCAN_IMPL_H

#include <frg/scan.h>
#include <sys/types.h> /* off_t */

#define FRG_SCAN_MAX_AXES    16
#define FRG_SCAN_MAX_RESULTS 48
#define FRG_SCAN_MESSAGE_LEN 480

typedef struct {
  char     name[64]; /* option name without the dash, or a ${name} placeholder of -potential */
  PetscInt count;
  char   **values;   /* verbatim text given to the option */
} FrgScanAxis;

typedef struct {
  FrgScanAxis axes[FRG_SCAN_MAX_AXES]; /* -scan_vary axes, then -scan_zip lists */
  PetscInt    naxes, nvary, nzip, points;
} FrgScanSpec;

/* Finished points as read back from the journal (every rank holds a copy). */
typedef struct {
  PetscInt   count;
  PetscInt  *point;
  PetscReal *status;  /* 0: ok, 1: failed */
  PetscReal *values;  /* [count, results] */
  char     (*message)[FRG_SCAN_MESSAGE_LEN];
} FrgScanRows;

typedef struct {
  MPI_Comm            world, group;
  PetscMPIInt         world_rank, world_size, group_rank, group_size, group_id;
  FrgScanSpec         spec;
  char                vary[FRG_EXPR_LEN], zip[FRG_EXPR_LEN];
  char                output[PETSC_MAX_PATH_LEN], csv[PETSC_MAX_PATH_LEN], journal[PETSC_MAX_PATH_LEN + 16];
  PetscBool           overwrite; /* -output_overwrite: replace a -scan_csv file frg did not write */
  char                potential[FRG_EXPR_LEN]; /* -potential as given: may hold ${name} placeholders */
  char                bisect[64], bisect_low[64];
  PetscReal           bisect_range[2], bisect_tol, bisect_phi0;
  PetscInt            shard, shards;
  PetscBool           progress;
  unsigned long long  hash;
  char                hash_text[32];
  char                task[64];     /* -scan_task: "" runs FrgFlowSolve; else a registered task */
  char                results_text[1024];
  const char         *task_results[FRG_SCAN_MAX_RESULTS];
  char                result_text[FRG_SCAN_MAX_RESULTS][64]; /* names built here (errors, the model's observables) */
  PetscInt            nresults;
  const char *const  *result_names;
  int                 journal_fd;
  PetscReal           fsync_interval; /* seconds between fsyncs of the journal */
  double              last_fsync;
  char               *done;        /* group leaders: points seen finished in the journal (src/scan/journal_claim.c) */
  off_t               done_offset; /* how far the journal has been read into done */
} FrgScan;

PETSC_INTERN PetscErrorCode FrgScanTrim(char *, char **);
PETSC_INTERN PetscErrorCode FrgScanSubstitute(char *text, size_t size, const char name[], const char value[]);
PETSC_INTERN PetscErrorCode FrgScanSpecParse(MPI_Comm, const char vary[], const char zip[], PetscBool axes_optional, FrgScanSpec *);
PETSC_INTERN const char    *FrgScanSpecValue(const FrgScanSpec *, PetscInt point, PetscInt axis);
PETSC_INTERN PetscErrorCode FrgScanSpecDestroy(FrgScanSpec *);

PETSC_INTERN PetscErrorCode FrgScanJournalOpen(FrgScan *);
PETSC_INTERN PetscErrorCode FrgScanJournalAppend(FrgScan *, PetscInt point, int status, const PetscReal values[], const char message[]);
PETSC_INTERN PetscErrorCode FrgScanJournalRead(FrgScan *, FrgScanRows *);
PETSC_INTERN PetscErrorCode FrgScanJournalClose(FrgScan *);
PETSC_INTERN PetscBool      FrgScanJournalRowPoint(const FrgScan *, const char *line, size_t len, PetscInt *point);
PETSC_INTERN int            FrgScanJournalClaim(FrgScan *, PetscInt point, PetscBool *mine);
PETSC_INTERN int            FrgScanJournalRelease(FrgScan *, PetscInt point);
PETSC_INTERN PetscErrorCode FrgScanRowsDestroy(FrgScanRows *);

PETSC_INTERN PetscErrorCode FrgScanSetPoint(const FrgScan *, PetscInt point, const char bisect_value[]);
PETSC_INTERN PetscErrorCode FrgScanCheckExistingOutput(FrgScan *);
PETSC_INTERN PetscErrorCode FrgScanCheckOutputs(FrgScan *);
PETSC_INTERN PetscErrorCode FrgScanWriteTable(FrgScan *, const FrgScanRows *);

#endif
