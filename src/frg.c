/* frg: the thin driver. Runs the task chosen with -task (default: flow) on MPI_COMM_WORLD.
 *   mpirun -n 2 build/bin/frg -options_file inputs/default.yaml [-option value ...]
 *   build/bin/frg -help            lists every option of the chosen task with its default */
#define _POSIX_C_SOURCE 200809L /* setenv */
#include <frg.h>
#include <frg/options.h>
#include <frg/output.h>
#include <frg/tune.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

PETSC_EXTERN void           FrgRemovePartialFiles(void);
PETSC_EXTERN int            FrgUnclosedFile(void);
PETSC_EXTERN int            FrgExitStatus(void); /* 0, or FRG_EXIT_CHECKPOINTED after a signal (src/io/signal.c) */
PETSC_EXTERN int            FrgSignalInstallEarly(void);
PETSC_EXTERN void           FrgSignalSetPolled(PetscBool);

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
  PetscCall(FrgOptionsRequireValue("-task"));
  PetscCall(PetscOptionsFList("-task", "What to run", "", tasks, task, task, sizeof(task), NULL));
  PetscOptionsEnd();
  /* flows and scans poll for SIGTERM/SIGUSR1 and stop with a checkpoint; the other tasks end on it */
  FrgSignalSetPolled((PetscBool)(!strcmp(task, "flow") || !strcmp(task, "scan")));
  PetscCall(FrgTuneApply(PETSC_COMM_WORLD, task)); /* -tune: the UV coupling before the run */
  PetscCall(FrgTaskRun(PETSC_COMM_WORLD, task));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* A singleton (started without mpirun or srun) has no peers: Open MPI's shared-memory transports are
 * all it can use, and not probing the network transports in MPI_Init halves the start-up (the 0D
 * benchmark: 0.39 s -> 0.19 s for the whole process). Nor does it need the daemon (orted) that Open
 * MPI 4 forks for a singleton so that it could later spawn or connect to other jobs, which frg never
 * does: the isolated singleton starts without it (MPI_Init 0.22 -> 0.04 s on the 2-core development
 * VM; whole 0D process 0.32 -> 0.13 s, and the in-process solve no longer shares the cores with the
 * daemon's threads). Launched runs are left alone, and so is each variable a user has set. */
static void FrgSingletonTransports(void)
{
  static const char *const launcher[] = {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK", "PMI_SIZE"};

  for (size_t i = 0; i < sizeof(launcher) / sizeof(launcher[0]); i++)
    if (getenv(launcher[i])) return;
  /* overwrite = 0: a variable the user set wins */
  (void)setenv("OMPI_MCA_pml", "ob1", 0);
  (void)setenv("OMPI_MCA_btl", "self,vader", 0);
  (void)setenv("OMPI_MCA_ess_singleton_isolated", "1", 0);
}

/* As early as this process runs code of ours: from the executable's .preinit_array, which the dynamic
 * loader calls after mapping the ~100 shared libraries of PETSc and MPI but before any of their
 * initializers. The launcher bin/frg (src/launcher.c) blocked SIGTERM and SIGUSR1 before it became
 * this program, so one that came while the libraries were loaded is pending: unblocking after our
 * handler is in place delivers it to the handler, which keeps it for the task. */
static void FrgSignalsFirst(int argc, char **argv, char **envp)
{
  sigset_t set;

  (void)argc, (void)argv, (void)envp;
  if (FrgSignalInstallEarly()) return;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGUSR1);
  (void)sigprocmask(SIG_UNBLOCK, &set, NULL);
}
__attribute__((section(".preinit_array"), used)) static void (*const frg_signals_first)(int, char **, char **) = FrgSignalsFirst;

/* -help/--help: frg's options only, grouped by object, after our usage lines; PETSc's own start-up
 * options (about 60 lines before ours) are left to -help_petsc, which is PETSc's plain -help. So
 * -help is taken out of argv here and set in the database after PetscInitialize (src/driver prints
 * each object's options from there). -version/--version print frg's build and library versions (not
 * PETSc's alone) and exit before MPI starts. */
static PetscBool frg_help;

static int FrgEarlyArguments(int *argc, char **argv)
{
  int out = 1;

  for (int i = 1; i < *argc; i++) {
    if (!strcmp(argv[i], "-version") || !strcmp(argv[i], "--version")) {
      FrgBuildPrintVersion(stdout);
      return 1;
    }
    if (!strcmp(argv[i], "-help") || !strcmp(argv[i], "--help")) frg_help = PETSC_TRUE;
    else if (!strcmp(argv[i], "-help_petsc")) argv[out++] = (char *)"-help";
    else argv[out++] = argv[i];
  }
  *argc     = out;
  argv[out] = NULL;
  return 0;
}

static PetscErrorCode FrgHelpStart(void)
{
  PetscFunctionBeginUser;
  if (!frg_help) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(PetscOptionsSetValue(NULL, "-help", NULL));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "%s", help));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "frg's options, by object (-help_petsc: PETSc's start-up options too; -version: the build):\n"));
  PetscFunctionReturn(PETSC_SUCCESS);
}

int main(int argc, char **argv)
{
  PetscErrorCode ierr;

  if (FrgEarlyArguments(&argc, argv)) return 0;
  FrgSingletonTransports();
  ierr = FrgInitialize(&argc, &argv, help);
  if (!ierr) ierr = FrgHelpStart();
  if (!ierr) ierr = FrgMain();
  if (ierr) FrgRemovePartialFiles();
  /* a file HDF5 could not close on several ranks would hang MPI_Finalize (src/io/provenance.c) */
  if (ierr && FrgUnclosedFile()) MPI_Abort(MPI_COMM_WORLD, 1);
  /* PetscInitialize may have failed before MPI was up: finalize only what started */
  {
    PetscBool initialized = PETSC_FALSE;
    PetscInitialized(&initialized);
    if (initialized) (void)FrgFinalize();
  }
  return ierr ? 1 : FrgExitStatus();
}
