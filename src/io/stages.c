/* Wall time per stage of a run (set-up, integration, output, report), for /provenance: the PETSc log
 * stages of -log_view, timed here as well so that every result file says where its run's time went
 * without -log_view. A stage may be entered several times (a scan's points); its times add up. */
#include <frg/output.h>

#define FRG_STAGES 4
static const char *const frg_stage_names[FRG_STAGES] = {"setup", "integrate", "output", "report"};
static double            frg_stage_seconds[FRG_STAGES];
static int               frg_stage_open[FRG_STAGES]; /* entered and not yet left */
static double            frg_stage_since[FRG_STAGES];
static int               frg_stack[16], frg_depth; /* the indices of the stages pushed (-1: not ours) */

static int FrgStageIndex(PetscLogStage stage)
{
  const PetscLogStage stages[FRG_STAGES] = {FRG_STAGE_SETUP, FRG_STAGE_INTEGRATE, FRG_STAGE_OUTPUT, FRG_STAGE_REPORT};

  for (int i = 0; i < FRG_STAGES; i++)
    if (stages[i] == stage) return i;
  return -1;
}

/* PetscLogStagePush, and the stage's clock starts. Not collective. */
PetscErrorCode FrgStagePush(PetscLogStage stage)
{
  const int i = FrgStageIndex(stage);

  PetscFunctionBeginUser;
  PetscCall(PetscLogStagePush(stage));
  if (frg_depth < 16) frg_stack[frg_depth] = i;
  frg_depth++;
  if (i >= 0 && !frg_stage_open[i]++) frg_stage_since[i] = MPI_Wtime();
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* PetscLogStagePop of the current stage, and its clock stops. Not collective. */
PetscErrorCode FrgStagePop(void)
{
  int i;

  PetscFunctionBeginUser;
  PetscCheck(frg_depth > 0, PETSC_COMM_SELF, PETSC_ERR_ORDER, "FrgStagePop without FrgStagePush");
  frg_depth--;
  i = frg_depth < 16 ? frg_stack[frg_depth] : -1;
  if (i >= 0 && frg_stage_open[i] && !--frg_stage_open[i]) frg_stage_seconds[i] += MPI_Wtime() - frg_stage_since[i];
  PetscCall(PetscLogStagePop());
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The wall seconds of stage i (0 <= i < FRG_STAGES) so far on this rank, a running stage up to now;
 * *name is NULL past the last stage. Not collective. */
PETSC_INTERN void FrgStageWallTime(int i, const char **name, double *seconds)
{
  *name    = i >= 0 && i < FRG_STAGES ? frg_stage_names[i] : NULL;
  *seconds = 0;
  if (!*name) return;
  *seconds = frg_stage_seconds[i] + (frg_stage_open[i] ? MPI_Wtime() - frg_stage_since[i] : 0.0);
}
