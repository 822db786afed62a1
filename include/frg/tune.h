/* UV tuning before a run of flows (src/tune/tune.c): -tune NAME -tune_range a,b -tune_target OBS=VALUE. */
#ifndef FRG_TUNE_H
#define FRG_TUNE_H

#include <frg.h>

typedef struct {
  PetscBool done;      /* a coupling was tuned in this run */
  char      name[64];  /* the option or placeholder */
  PetscReal value;     /* its tuned value */
  PetscReal error;     /* half the final bracket + error(OBS)/|dOBS/dNAME| */
  PetscReal residual;  /* |OBS - target| at the nearer end of the final bracket */
  PetscInt  flows;     /* flows the tuning took */
} FrgTuneResult;

/* Collective: tunes if -tune is set (tasks flow and scan; others refuse it), leaves the tuned value in
 * the options database or -potential. */
PETSC_EXTERN PetscErrorCode FrgTuneApply(MPI_Comm, const char task[]);
PETSC_EXTERN PetscErrorCode FrgTuneGetResult(const FrgTuneResult **);
/* What a result file records of the tuning: the attributes tuned_NAME and tuned_NAME_error with their
 * values, and the count tuned_flows. *done is false when nothing was tuned. Not collective. */
PETSC_EXTERN PetscErrorCode FrgTuneGetAttributes(PetscBool *done, char names[2][80], PetscReal values[2], PetscInt *flows);

#endif
