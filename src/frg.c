/* frg: the thin driver. Runs the task chosen with -task (default: flow) on MPI_COMM_WORLD.
 *   mpirun -n 2 build/bin/frg -options_file inputs/default.yaml [-option value ...]
 *   build/bin/frg -help            lists every option of the chosen task with its default */
#include <frg.h>

PETSC_EXTERN void           FrgRemovePartialFiles(void);
PETSC_EXTERN PetscErrorCode FrgTaskGetList(PetscFunctionList *);
PETSC_EXTERN int            FrgExitStatus(void); /* 0, or FRG_EXIT_CHECKPOINTED after a signal (src/io/checkpoint.c) */

static const char help[] = "frg: functional renormalization group flows on a distributed field grid.\n"
                           "Usage: frg -options_file DECK.yaml [-option value ...]; every key of a deck can be overridden on the command line.\n"
                           "Tasks (-task): flow (default), and those listed below. Give -task NAME -help for the options of that task.\n\n";

static PetscErrorCode FrgMain(void)
{
  char              task[256] = "flow";
  PetscFunctionList tasks;

  PetscFunctionBeginUser;
  PetscCall(FrgTaskGetList(&tasks));
  PetscOptionsBegin(PETSC_COMM_WORLD, NULL, "frg", "");
  PetscCall(PetscOptionsFList("-task", "What to run", "", tasks, task, task, sizeof(task), NULL));
  PetscOptionsEnd();
  PetscCall(FrgTaskRun(PETSC_COMM_WORLD, task));
  PetscFunctionReturn(PETSC_SUCCESS);
}

int main(int argc, char **argv)
{
  PetscErrorCode ierr;

  ierr = FrgInitialize(&argc, &argv, help);
  if (!ierr) ierr = FrgMain();
  if (ierr) FrgRemovePartialFiles();
  /* PetscInitialize may have failed before MPI was up: finalize only what started */
  {
    PetscBool initialized = PETSC_FALSE;
    PetscInitialized(&initialized);
    if (initialized) (void)FrgFinalize();
  }
  return ierr ? 1 : FrgExitStatus();
}
