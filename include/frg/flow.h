/* Private structures of the flow task and of FrgFlowSolve (src/driver): one discretized flow (a
 * "level"), the error estimate, and the warnings of a run. Users include only <frg.h>. */
#ifndef FRG_FLOW_H
#define FRG_FLOW_H

#include <frg/scan.h>

/* One discretized flow: model, grid, operator, integrator and its state u. */
typedef struct {
  FrgModel      model;
  FrgGrid       grid;
  FrgOperator   op;
  FrgIntegrator integrator;
  Vec           u;
  PetscBool     origin; /* the integrator integrates d_t U at h/2, for U0 (FrgFlowLevelWatchOrigin) */
} FrgFlowLevel;

/* The error estimate of a flow: the same flow on half the cells at looser tolerances, advanced to the
 * same output times (src/driver/estimate.c). */
typedef struct {
  PetscBool    enabled; /* -error_estimate */
  PetscBool    failed;  /* the coarse flow failed: every error is infinite from then on */
  FrgFlowLevel coarse;
  PetscReal      failed_t;
  char           reason[512];
  FrgObservables last;  /* the coarse flow's observables at the last time it reached */
  FrgFlowLevel  *fine;  /* the flow it estimates the error of */
  Vec            sum;   /* the flow's summed local errors in u */
} FrgFlowEstimate;

/* The warnings of a run: counted, the first ones kept as text. */
typedef struct {
  PetscInt count;
  char     text[1024];
} FrgWarnings;

PETSC_INTERN PetscErrorCode FrgFlowLevelCreate(MPI_Comm, FrgFlowLevel *);
PETSC_INTERN PetscErrorCode FrgFlowLevelStart(FrgFlowLevel *, PetscReal t0, Vec u0);
PETSC_INTERN PetscErrorCode FrgFlowLevelAdvance(FrgFlowLevel *, PetscReal t, FrgObservables *);
PETSC_INTERN PetscErrorCode FrgFlowLevelWatchOrigin(FrgFlowLevel *);
PETSC_INTERN PetscErrorCode FrgFlowLevelObservables(FrgFlowLevel *, PetscReal t, FrgObservables *);
PETSC_INTERN PetscErrorCode FrgFlowLevelSetOriginFlow(FrgFlowLevel *, PetscReal q, PetscReal q_abs);
PETSC_INTERN PetscErrorCode FrgFlowLevelGetOriginFlow(FrgFlowLevel *, PetscReal *q, PetscReal *q_abs);
PETSC_INTERN PetscErrorCode FrgFlowLevelDestroy(FrgFlowLevel *);
PETSC_INTERN PetscErrorCode FrgFlowRun2D(FrgFlowLevel *, PetscBool help); /* flow2d.c: the flow task of two-field models */
PETSC_INTERN PetscErrorCode FrgFlow2DCheckOptions(MPI_Comm); /* flow2d.c: one-field options it refuses */
PETSC_INTERN PetscErrorCode FrgFlow2DRead(FrgGrid, Vec U, PetscReal m2, PetscReal phi[2], PetscReal gamma2[3]); /* src/analysis/vertices2d.c */

PETSC_INTERN PetscErrorCode FrgFlowEstimateCreate(FrgFlowLevel *fine, FrgFlowEstimate *);
PETSC_INTERN PetscErrorCode FrgFlowEstimateStart(FrgFlowEstimate *, PetscReal t0, Vec u0);
PETSC_INTERN PetscErrorCode FrgFlowEstimateAdvance(FrgFlowEstimate *, PetscReal t, FrgObservables *fine);
PETSC_INTERN PetscErrorCode FrgFlowEstimateDestroy(FrgFlowEstimate *);

PETSC_INTERN PetscErrorCode FrgWarningsAdd(FrgWarnings *, PetscInt count, const char format[], ...) PETSC_ATTRIBUTE_FORMAT(3, 4);
PETSC_INTERN PetscErrorCode FrgWarningsOfLevel(FrgWarnings *, FrgFlowLevel *, const char who[]);
PETSC_INTERN PetscErrorCode FrgWarningsOfEstimate(FrgWarnings *, FrgFlowEstimate *);

#endif
