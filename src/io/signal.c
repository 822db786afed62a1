/* Signals and the exit status. Schedulers send SIGTERM (or, with --signal, SIGUSR1) before the time
 * limit. The handler only sets a flag; the flow and scan loops poll it collectively at their stopping
 * points, save, and the program exits with FRG_EXIT_CHECKPOINTED (85) so that a jobscript can requeue
 * the job. */
#define _POSIX_C_SOURCE 200809L /* sigaction under -std=c11 */
#include <frg/scan.h>
#include <signal.h>

static volatile sig_atomic_t frg_signal_received = 0;
static volatile sig_atomic_t frg_signal_polled   = 1; /* 0: the running task does not poll the flag */
static int                   frg_exit_status     = 0;

/* Keeps the signal for the task's next poll; a task that does not poll (it writes no checkpoint)
 * ends as the signal's default action would have ended it. */
static void FrgSignalHandler(int sig)
{
  frg_signal_received = sig;
  if (!frg_signal_polled) {
    signal(sig, SIG_DFL);
    raise(sig);
  }
}

/* Whether the task about to run polls the flag (flows and scans checkpoint and exit with 85); one
 * that does not is ended by SIGTERM/SIGUSR1 as by default, also by one that came during the
 * start-up. Not collective. */
void FrgSignalSetPolled(PetscBool polled)
{
  frg_signal_polled = polled ? 1 : 0;
  if (!polled && frg_signal_received) FrgSignalHandler(frg_signal_received);
}

/* Our handler for SIGTERM and SIGUSR1; 0 on success. Usable before PETSc starts: main installs it
 * first thing, so that a signal during the start-up (MPI_Init, reading the deck) is kept, not fatal
 * (SIGUSR1's default action killed frg with exit 138 before the requeue could happen). */
int FrgSignalInstallEarly(void)
{
  struct sigaction action;

  memset(&action, 0, sizeof(action));
  action.sa_handler = FrgSignalHandler;
  action.sa_flags   = SA_RESTART;
  sigemptyset(&action.sa_mask);
  return sigaction(SIGTERM, &action, NULL) || sigaction(SIGUSR1, &action, NULL) ? -1 : 0;
}

/* Replaces PETSc's handlers for SIGTERM and SIGUSR1 (which would abort), right after PetscInitialize
 * installed them. SIGPIPE is ignored: PETSc's handler turned `frg -help | head` into an MPI_Abort
 * with a traceback; now a write to a closed pipe fails quietly and the run goes on to its output
 * file. Not collective. */
PetscErrorCode FrgSignalInstall(void)
{
  PetscFunctionBeginUser;
  PetscCheck(!FrgSignalInstallEarly(), PETSC_COMM_SELF, PETSC_ERR_SYS, "cannot install the SIGTERM/SIGUSR1 handler");
  PetscCheck(signal(SIGPIPE, SIG_IGN) != SIG_ERR, PETSC_COMM_SELF, PETSC_ERR_SYS, "cannot ignore SIGPIPE");
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscBool FrgSignalPendingLocal(void)
{
  return frg_signal_received ? PETSC_TRUE : PETSC_FALSE;
}

PetscErrorCode FrgSignalPending(MPI_Comm comm, PetscBool *pending)
{
  int local = frg_signal_received ? 1 : 0, any;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Allreduce(&local, &any, 1, MPI_INT, MPI_MAX, comm));
  *pending = any ? PETSC_TRUE : PETSC_FALSE;
  PetscFunctionReturn(PETSC_SUCCESS);
}

void FrgSetExitStatus(int status)
{
  frg_exit_status = status;
}

int FrgExitStatus(void)
{
  return frg_exit_status;
}

