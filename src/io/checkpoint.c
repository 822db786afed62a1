/* Checkpoints of long flows, signals and the exit status.
 *
 * A checkpoint is an HDF5 file (written by rank 0 as FILE.partial, fsync'ed, renamed: a kill at any
 * moment leaves the previous checkpoint intact) holding
 *   /checkpoint/u              the state u = dU/dphi at RG time t [cell]  (attributes t, cells, records)
 *   /history/u                 u at the output times stored so far [record, cell]
 *   /history/observables       the observables of those records [record, column] (attribute columns)
 * so that a restarted run continues from t with a fresh integrator start (the restarted trajectory
 * agrees with an uninterrupted one to the integrator tolerance) and writes the same output file.
 *
 * Schedulers send SIGTERM (or, with --signal, SIGUSR1) before the time limit. The handler only sets a
 * flag; the flow and scan loops poll it collectively at their stopping points, save, and the program
 * exits with FRG_EXIT_CHECKPOINTED (85) so that a jobscript can requeue the job. */
#define _POSIX_C_SOURCE 200809L /* sigaction under -std=c11 */
#include <frg/output.h>
#include <frg/scan.h>
#include <signal.h>
#include <unistd.h>
#include <fcntl.h>

static volatile sig_atomic_t frg_signal_received = 0;
static int                   frg_exit_status     = 0;

static void FrgSignalHandler(int sig)
{
  frg_signal_received = sig;
}

/* Replaces PETSc's handlers for SIGTERM and SIGUSR1 (which would abort). Not collective. */
PetscErrorCode FrgSignalInstall(void)
{
  struct sigaction action;

  PetscFunctionBeginUser;
  memset(&action, 0, sizeof(action));
  action.sa_handler = FrgSignalHandler;
  action.sa_flags   = SA_RESTART;
  sigemptyset(&action.sa_mask);
  PetscCheck(!sigaction(SIGTERM, &action, NULL) && !sigaction(SIGUSR1, &action, NULL), PETSC_COMM_SELF, PETSC_ERR_SYS, "cannot install the SIGTERM/SIGUSR1 handler");
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

static PetscErrorCode FrgHistoryGather(FrgHistory *h, Vec u)
{
  PetscFunctionBeginUser;
  if (!h->gather) {
    PetscCall(VecScatterCreateToZero(u, &h->gather, &h->zero));
    PetscCall(VecGetSize(u, &h->cells));
  }
  PetscCall(VecScatterBegin(h->gather, u, h->zero, INSERT_VALUES, SCATTER_FORWARD));
  PetscCall(VecScatterEnd(h->gather, u, h->zero, INSERT_VALUES, SCATTER_FORWARD));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode FrgHistoryReserve(FrgHistory *h, PetscInt records)
{
  PetscFunctionBeginUser;
  if (records <= h->capacity) PetscFunctionReturn(PETSC_SUCCESS);
  h->capacity = PetscMax(records, PetscMax(64, 2 * h->capacity));
  PetscCall(PetscRealloc(sizeof(PetscReal) * h->capacity * h->cells, &h->rows));
  PetscCall(PetscRealloc(sizeof(FrgObservables) * h->capacity, &h->obs));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Collective. Stores u (on rank 0) and the observables of one output time. */
PetscErrorCode FrgHistoryPush(FrgHistory *h, Vec u, const FrgObservables *obs)
{
  const PetscScalar *x;
  PetscInt           n;

  PetscFunctionBeginUser;
  PetscCall(FrgHistoryGather(h, u));
  PetscCall(FrgHistoryReserve(h, h->records + 1));
  PetscCall(VecGetLocalSize(h->zero, &n));
  PetscCall(VecGetArrayRead(h->zero, &x));
  if (n) PetscCall(PetscArraycpy(h->rows + h->records * h->cells, x, n));
  PetscCall(VecRestoreArrayRead(h->zero, &x));
  h->obs[h->records++] = *obs;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Collective. Appends every stored record to out, in order (work: a vector of the grid). */
PetscErrorCode FrgHistoryReplay(FrgHistory *h, FrgOutput out, Vec work)
{
  PetscScalar *x;
  PetscInt     n;

  PetscFunctionBeginUser;
  PetscCall(FrgHistoryGather(h, work));
  for (PetscInt r = 0; r < h->records; r++) {
    PetscCall(VecGetLocalSize(h->zero, &n));
    PetscCall(VecGetArray(h->zero, &x));
    if (n) PetscCall(PetscArraycpy(x, h->rows + r * h->cells, n));
    PetscCall(VecRestoreArray(h->zero, &x));
    PetscCall(VecScatterBegin(h->gather, h->zero, work, INSERT_VALUES, SCATTER_REVERSE));
    PetscCall(VecScatterEnd(h->gather, h->zero, work, INSERT_VALUES, SCATTER_REVERSE));
    PetscCall(FrgOutputAppendState(out, h->obs[r].t, work, &h->obs[r]));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode FrgHistoryDestroy(FrgHistory *h)
{
  PetscFunctionBeginUser;
  PetscCall(PetscFree(h->rows));
  PetscCall(PetscFree(h->obs));
  PetscCall(VecScatterDestroy(&h->gather));
  PetscCall(VecDestroy(&h->zero));
  PetscCall(PetscMemzero(h, sizeof(*h)));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Serial HDF5 (rank 0 only): a 1D or 2D double dataset. Returns 0 or a negative HDF5 status. */
static int FrgCheckpointWriteArray(hid_t loc, const char name[], int rank, const hsize_t dims[], const double *data)
{
  hid_t space = H5Screate_simple(rank, dims, NULL), dset;
  int   err   = 0;

  dset = H5Dcreate2(loc, name, H5T_NATIVE_DOUBLE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  if (dset < 0) err = -1;
  else if (dims[0] * (rank > 1 ? dims[1] : 1) > 0 && H5Dwrite(dset, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) < 0) err = -1;
  if (dset >= 0) H5Dclose(dset);
  H5Sclose(space);
  return err;
}

static int FrgCheckpointWriteAttr(hid_t loc, const char name[], double value)
{
  hid_t space = H5Screate(H5S_SCALAR), attr = H5Acreate2(loc, name, H5T_NATIVE_DOUBLE, space, H5P_DEFAULT, H5P_DEFAULT);
  int   err   = (attr < 0 || H5Awrite(attr, H5T_NATIVE_DOUBLE, &value) < 0) ? -1 : 0;

  if (attr >= 0) H5Aclose(attr);
  H5Sclose(space);
  return err;
}

/* Rank 0: the whole checkpoint file. */
static int FrgCheckpointWriteFile(const char path[], PetscReal t, const PetscReal *u, FrgHistory *h)
{
  hid_t    file = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), group;
  hsize_t  dims[2];
  double  *obs;
  int      err = 0;
  PetscInt ncol = FRG_OBSERVABLE_COUNT;

  if (file < 0) return -1;
  obs = (double *)malloc(sizeof(double) * (size_t)(ncol * PetscMax(h->records, 1)));
  for (PetscInt r = 0; r < h->records; r++) (void)FrgObservablesToArray(&h->obs[r], obs + r * ncol);
  group = H5Gcreate2(file, "checkpoint", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  dims[0] = (hsize_t)h->cells;
  err |= FrgCheckpointWriteArray(group, "u", 1, dims, u);
  err |= FrgCheckpointWriteAttr(group, "t", t);
  err |= FrgCheckpointWriteAttr(group, "cells", (double)h->cells);
  err |= FrgCheckpointWriteAttr(group, "records", (double)h->records);
  H5Gclose(group);
  group   = H5Gcreate2(file, "history", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  dims[0] = (hsize_t)h->records;
  dims[1] = (hsize_t)h->cells;
  err |= FrgCheckpointWriteArray(group, "u", 2, dims, h->rows);
  dims[1] = (hsize_t)ncol;
  err |= FrgCheckpointWriteArray(group, "observables", 2, dims, obs);
  H5Gclose(group);
  free(obs);
  if (H5Fclose(file) < 0) err = -1;
  return err;
}

/* Collective. Writes the checkpoint atomically: PATH.partial, fsync, rename. */
PetscErrorCode FrgCheckpointSave(MPI_Comm comm, const char path[], PetscReal t, Vec u, FrgHistory *h)
{
  PetscMPIInt        rank;
  int                err = 0;
  char               partial[PETSC_MAX_PATH_LEN + 16];
  const PetscScalar *x;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCall(FrgHistoryGather(h, u));
  PetscCall(PetscSNPrintf(partial, sizeof(partial), "%s.partial", path));
  if (!rank) {
    PetscCall(VecGetArrayRead(h->zero, &x));
    err = FrgCheckpointWriteFile(partial, t, x, h);
    PetscCall(VecRestoreArrayRead(h->zero, &x));
    if (!err) {
      int fd = open(partial, O_RDONLY);
      if (fd < 0 || fsync(fd)) err = -1;
      if (fd >= 0) close(fd);
    }
    if (!err && rename(partial, path)) err = -1;
    if (err) unlink(partial);
  }
  PetscCallMPI(MPI_Bcast(&err, 1, MPI_INT, 0, comm));
  PetscCheck(!err, comm, PETSC_ERR_FILE_WRITE, "-checkpoint %s cannot be written", path);
  PetscFunctionReturn(PETSC_SUCCESS);
}

static int FrgCheckpointReadAttr(hid_t loc, const char name[], double *value)
{
  hid_t attr = H5Aopen(loc, name, H5P_DEFAULT);
  int   err  = (attr < 0 || H5Aread(attr, H5T_NATIVE_DOUBLE, value) < 0) ? -1 : 0;

  if (attr >= 0) H5Aclose(attr);
  return err;
}

static int FrgCheckpointReadArray(hid_t file, const char name[], double *data)
{
  hid_t dset = H5Dopen2(file, name, H5P_DEFAULT);
  int   err  = (dset < 0 || H5Dread(dset, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) < 0) ? -1 : 0;

  if (dset >= 0) H5Dclose(dset);
  return err;
}

/* Rank 0: reads header (meta = t, cells, records) and, when the arrays are given, the data. */
static int FrgCheckpointReadFile(const char path[], double meta[3], double *u, double *rows, double *obs)
{
  hid_t file, group;
  int   err = 0;

  H5E_BEGIN_TRY { file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT); }
  H5E_END_TRY;
  if (file < 0) return -1;
  group = H5Gopen2(file, "checkpoint", H5P_DEFAULT);
  if (group < 0) err = -1;
  else {
    err |= FrgCheckpointReadAttr(group, "t", &meta[0]);
    err |= FrgCheckpointReadAttr(group, "cells", &meta[1]);
    err |= FrgCheckpointReadAttr(group, "records", &meta[2]);
    H5Gclose(group);
  }
  if (!err && u) err |= FrgCheckpointReadArray(file, "/checkpoint/u", u);
  if (!err && rows && meta[2] > 0) err |= FrgCheckpointReadArray(file, "/history/u", rows);
  if (!err && obs && meta[2] > 0) err |= FrgCheckpointReadArray(file, "/history/observables", obs);
  H5Fclose(file);
  return err;
}

static PetscErrorCode FrgCheckpointUnpack(MPI_Comm comm, FrgHistory *h, const double *obs)
{
  PetscReal v[FRG_OBSERVABLE_COUNT];

  PetscFunctionBeginUser;
  for (PetscInt r = 0; r < h->records; r++) {
    FrgObservables *o = &h->obs[r];
    PetscCall(PetscArraycpy(v, obs + r * FRG_OBSERVABLE_COUNT, FRG_OBSERVABLE_COUNT));
    o->t = v[0], o->k = v[1], o->phi0 = v[2], o->m2_radial = v[3], o->m2_goldstone = v[4], o->gamma2 = v[5], o->gamma4 = v[6], o->gamma6 = v[7];
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Collective. Reads t, the state into u and the stored records into h (empty before). */
PetscErrorCode FrgCheckpointLoad(MPI_Comm comm, const char path[], PetscReal *t, Vec u, FrgHistory *h)
{
  PetscMPIInt rank;
  double      meta[3] = {0, 0, 0};
  int         err     = 0;
  PetscInt    cells;
  PetscReal  *obs = NULL;
  PetscScalar *x;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCall(VecGetSize(u, &cells));
  if (!rank) err = FrgCheckpointReadFile(path, meta, NULL, NULL, NULL);
  PetscCallMPI(MPI_Bcast(&err, 1, MPI_INT, 0, comm));
  PetscCheck(!err, comm, PETSC_ERR_FILE_OPEN, "-restart %s is not a readable frg checkpoint", path);
  PetscCallMPI(MPI_Bcast(meta, 3, MPI_DOUBLE, 0, comm));
  PetscCheck((PetscInt)meta[1] == cells, comm, PETSC_ERR_USER_INPUT, "-restart %s holds %" PetscInt_FMT " cells, but -grid_cells is %" PetscInt_FMT, path, (PetscInt)meta[1], cells);
  PetscCall(FrgHistoryGather(h, u));
  PetscCall(FrgHistoryReserve(h, (PetscInt)meta[2]));
  h->records = (PetscInt)meta[2];
  PetscCall(PetscMalloc1(FRG_OBSERVABLE_COUNT * PetscMax(h->records, 1), &obs));
  if (!rank) {
    PetscCall(VecGetArray(h->zero, &x));
    err = FrgCheckpointReadFile(path, meta, x, h->rows, obs);
    PetscCall(VecRestoreArray(h->zero, &x));
  }
  PetscCallMPI(MPI_Bcast(&err, 1, MPI_INT, 0, comm));
  PetscCheck(!err, comm, PETSC_ERR_FILE_OPEN, "-restart %s is damaged: its datasets cannot be read", path);
  PetscCallMPI(MPI_Bcast(obs, FRG_OBSERVABLE_COUNT * h->records, MPIU_REAL, 0, comm));
  PetscCall(FrgCheckpointUnpack(comm, h, obs));
  PetscCall(PetscFree(obs));
  PetscCall(VecScatterBegin(h->gather, h->zero, u, INSERT_VALUES, SCATTER_REVERSE));
  PetscCall(VecScatterEnd(h->gather, h->zero, u, INSERT_VALUES, SCATTER_REVERSE));
  *t = (PetscReal)meta[0];
  PetscFunctionReturn(PETSC_SUCCESS);
}
