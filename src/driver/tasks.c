/* The task registry: -task selects what a run does. Each task is one function of a communicator
 * that reads its own options, checks for unused ones, runs, and writes its output. */
#include <frg/impl.h>
#include <frg/scan.h>

PETSC_EXTERN PetscErrorCode FrgTaskSample(MPI_Comm); /* src/diffusion/sample.c */
PETSC_EXTERN PetscErrorCode FrgTaskHMC(MPI_Comm);    /* src/lattice/hmc.c */
PETSC_EXTERN PetscErrorCode FrgTaskLatticeSample(MPI_Comm); /* src/lattice/sample.c */

static PetscFunctionList FrgTaskList = NULL;

PetscErrorCode FrgTaskRegister(const char name[], PetscErrorCode (*run)(MPI_Comm))
{
  PetscFunctionBeginUser;
  PetscCall(PetscFunctionListAdd(&FrgTaskList, name, run));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode FrgTaskRegisterAll(void)
{
  static PetscBool done = PETSC_FALSE;

  PetscFunctionBeginUser;
  if (done) PetscFunctionReturn(PETSC_SUCCESS);
  done = PETSC_TRUE;
  PetscCall(FrgTaskRegister("flow", FrgTaskFlow));
  PetscCall(FrgTaskRegister("sample", FrgTaskSample));
  PetscCall(FrgTaskRegister("scan", FrgTaskScan));
  PetscCall(FrgTaskRegister("fixedpoint", FrgTaskFixedPoint));
  PetscCall(FrgTaskRegister("hmc", FrgTaskHMC));
  PetscCall(FrgTaskRegister("lattice_sample", FrgTaskLatticeSample));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode FrgTaskRun(MPI_Comm comm, const char name[])
{
  PetscErrorCode (*run)(MPI_Comm) = NULL;

  PetscFunctionBeginUser;
  PetscCall(FrgTaskRegisterAll());
  PetscCall(PetscFunctionListFind(FrgTaskList, name, &run));
  PetscCheck(run, comm, PETSC_ERR_USER_INPUT, "-task %s is not a known task", name);
  PetscCall(run(comm));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PETSC_EXTERN PetscErrorCode FrgTaskGetList(PetscFunctionList *list)
{
  PetscFunctionBeginUser;
  PetscCall(FrgTaskRegisterAll());
  *list = FrgTaskList;
  PetscFunctionReturn(PETSC_SUCCESS);
}
