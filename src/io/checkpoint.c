/* Checkpoints of long flows: the stored records (FrgHistory) and the checkpoint file.
 *
 * A checkpoint is an HDF5 file written by rank 0 as FILE.partial, fsync'ed and renamed (a kill at any
 * moment leaves the previous checkpoint intact):
 *   /checkpoint                attributes format = "frg checkpoint", version = 4, t, cells, coarse_cells,
 *                              records, observables, checksum (FNV-1a of these numbers and of every
 *                              array below: an edited or damaged value, even a plausible one, is refused)
 *   /checkpoint/u              the state u = dU/dphi at RG time t [cells]
 *   /checkpoint/u_coarse       the error estimate's state at t [coarse_cells] (when it has one)
 *   /checkpoint/error_sum      the flow's summed local errors [cells] (idem)
 *   /checkpoint/origin_flow    the integrals of d_t U at phi = h/2 and of its modulus so far, of the flow
 *                              and of the error estimate's flow [4] (U0 goes on from them; 0 without)
 *   /checkpoint/physics        string attributes: the options that decide the physics (FrgSignature)
 *   /history/u                 u at the output times stored so far [records, cells]
 *   /history/observables       their t, k, observables and errors [records, 2 + 2 observables]
 *                              (attribute columns: their names, comma-separated)
 * A restart continues from t with a fresh integrator start (the restarted trajectory agrees with an
 * uninterrupted one to the integrator tolerance) and writes the same output file.
 *
 * Everything read is checked before it is used (checkpoint_read.c): types and shapes against the
 * attributes and the run, ranges, finite values, and the physics against the run's own. */
#define _DEFAULT_SOURCE /* pread, pwrite */
#include <frg/checkpoint.h>
#include <unistd.h>
#include <fcntl.h>

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

PETSC_INTERN PetscErrorCode FrgHistoryReserve(FrgHistory *h, PetscInt records)
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

static uint64_t FrgFnv1a(uint64_t hash, const void *data, size_t bytes)
{
  const unsigned char *c = (const unsigned char *)data;

  for (size_t i = 0; i < bytes; i++) hash = (hash ^ c[i]) * 1099511628211ULL;
  return hash;
}

/* Not collective. */
void FrgCheckpointChecksum(const FrgCheckpointContent *c, char hex[17])
{
  const long long counts[4] = {c->cells, c->coarse_cells, c->records, c->observables};
  const size_t    d = sizeof(double);
  uint64_t        hash = 14695981039346656037ULL;

  hash = FrgFnv1a(hash, &c->t, d);
  hash = FrgFnv1a(hash, counts, sizeof(counts));
  hash = FrgFnv1a(hash, c->u, d * (size_t)c->cells);
  if (c->coarse_cells) hash = FrgFnv1a(hash, c->u_coarse, d * (size_t)c->coarse_cells);
  if (c->coarse_cells) hash = FrgFnv1a(hash, c->error_sum, d * (size_t)c->cells);
  hash = FrgFnv1a(hash, c->rows, d * (size_t)(c->records * c->cells));
  hash = FrgFnv1a(hash, c->obs, d * (size_t)(c->records * (2 + 2 * c->observables)));
  hash = FrgFnv1a(hash, c->origin, 4 * d);
  (void)snprintf(hex, 17, "%016llx", (unsigned long long)hash);
}

/* The checksum line of a checkpoint file (its user block, which HDF5 skips): FNV-1a of every byte after
 * the user block, so that a damaged file is refused before HDF5 parses it (HDF5 1.10 crashed on a
 * checkpoint with two flipped bits, inside H5Aget_name_by_idx). line: the whole user block. 0 or -1. */
int FrgCheckpointFileChecksum(int fd, char line[FRG_CHECKPOINT_USERBLOCK])
{
  unsigned char buffer[65536];
  uint64_t      hash = 14695981039346656037ULL;
  off_t         offset = FRG_CHECKPOINT_USERBLOCK;
  long long     size   = 0;
  ssize_t       n;

  while ((n = pread(fd, buffer, sizeof(buffer), offset)) > 0) hash = FrgFnv1a(hash, buffer, (size_t)n), offset += n, size += n;
  if (n < 0) return -1;
  memset(line, 0, FRG_CHECKPOINT_USERBLOCK);
  (void)snprintf(line, FRG_CHECKPOINT_USERBLOCK, "frg checkpoint fnv1a64=%016llx bytes=%lld\n", (unsigned long long)hash, size);
  return 0;
}

/* Serial HDF5 (rank 0 only): a 1D or 2D double dataset. Returns 0 or -1. */
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

static int FrgCheckpointWriteAttr(hid_t loc, const char name[], hid_t type, const void *value)
{
  hid_t space = H5Screate(H5S_SCALAR), attr = H5Acreate2(loc, name, type, space, H5P_DEFAULT, H5P_DEFAULT);
  int   err   = (attr < 0 || H5Awrite(attr, type, value) < 0) ? -1 : 0;

  if (attr >= 0) H5Aclose(attr);
  H5Sclose(space);
  return err;
}

static int FrgCheckpointWriteString(hid_t loc, const char name[], const char value[])
{
  hid_t type = H5Tcopy(H5T_C_S1);
  int   err  = (H5Tset_size(type, strlen(value) + 1) < 0) ? -1 : FrgCheckpointWriteAttr(loc, name, type, value);

  H5Tclose(type);
  return err;
}

static int FrgCheckpointWriteHeader(hid_t group, const FrgCheckpointState *st, const FrgHistory *h)
{
  const long long version = FRG_CHECKPOINT_VERSION, cells = h->cells, coarse = st->coarse_cells, records = h->records, observables = st->observables;
  hid_t           physics;
  int             err = 0;

  err |= FrgCheckpointWriteString(group, "format", FRG_CHECKPOINT_FORMAT);
  err |= FrgCheckpointWriteAttr(group, "version", H5T_NATIVE_LLONG, &version);
  err |= FrgCheckpointWriteAttr(group, "t", H5T_NATIVE_DOUBLE, &st->t);
  err |= FrgCheckpointWriteAttr(group, "cells", H5T_NATIVE_LLONG, &cells);
  err |= FrgCheckpointWriteAttr(group, "coarse_cells", H5T_NATIVE_LLONG, &coarse);
  err |= FrgCheckpointWriteAttr(group, "records", H5T_NATIVE_LLONG, &records);
  err |= FrgCheckpointWriteAttr(group, "observables", H5T_NATIVE_LLONG, &observables);
  physics = H5Gcreate2(group, "physics", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  if (physics < 0) return -1;
  for (PetscInt i = 0; i < st->signature->count; i++) err |= FrgCheckpointWriteString(physics, st->signature->name[i], st->signature->value[i]);
  H5Gclose(physics);
  return err;
}

/* The names of the columns of /history/observables as its attribute columns. */
static int FrgCheckpointWriteColumns(hid_t group, const FrgCheckpointState *st)
{
  char   text[FRG_OBSERVABLE_MAX * 2 * FRG_NAME_LEN + 8] = "t,k";
  size_t len = strlen(text);
  hid_t  dset;
  int    err;

  for (int pass = 0; pass < 2; pass++)
    for (PetscInt c = 0; c < st->observables && st->names; c++) len += (size_t)snprintf(text + len, sizeof(text) - len, ",%s%s", st->names[c], pass ? "_error" : "");
  dset = H5Dopen2(group, "observables", H5P_DEFAULT);
  if (dset < 0) return -1;
  err = FrgCheckpointWriteString(dset, "columns", text);
  H5Dclose(dset);
  return err;
}

/* Rank 0: the whole checkpoint file from the gathered states. */
static int FrgCheckpointWriteFile(const char path[], const FrgCheckpointState *st, const PetscReal *u, const PetscReal *u_coarse, const PetscReal *error_sum, const FrgHistory *h)
{
  hid_t          fcpl = H5Pcreate(H5P_FILE_CREATE), file, group;
  hsize_t        dims[2];
  const PetscInt columns = 2 + 2 * st->observables;
  double        *obs;
  int            err = 0;

  if (fcpl < 0 || H5Pset_userblock(fcpl, FRG_CHECKPOINT_USERBLOCK) < 0) return -1; /* the file checksum goes there */
  file = H5Fcreate(path, H5F_ACC_TRUNC, fcpl, H5P_DEFAULT);
  H5Pclose(fcpl);
  if (file < 0) return -1;
  obs = (double *)calloc((size_t)(columns * PetscMax(h->records, 1)), sizeof(double));
  for (PetscInt r = 0; obs && r < h->records; r++) {
    double *row = obs + r * columns;
    row[0] = h->obs[r].t, row[1] = h->obs[r].k;
    for (PetscInt c = 0; c < st->observables; c++) row[2 + c] = h->obs[r].value[c], row[2 + st->observables + c] = h->obs[r].error[c];
  }
  group = H5Gcreate2(file, "checkpoint", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  err |= (group < 0 || !obs) ? -1 : FrgCheckpointWriteHeader(group, st, h);
  if (group >= 0 && obs) {
    const FrgCheckpointContent content = {st->t, h->cells, st->coarse_cells, h->records, st->observables, u, u_coarse, error_sum, h->rows, obs, st->origin};
    char                       hex[17];
    FrgCheckpointChecksum(&content, hex);
    err |= FrgCheckpointWriteString(group, "checksum", hex);
  }
  dims[0] = (hsize_t)h->cells;
  if (group >= 0) err |= FrgCheckpointWriteArray(group, "u", 1, dims, u);
  dims[0] = (hsize_t)st->coarse_cells;
  if (group >= 0 && st->coarse_cells) err |= FrgCheckpointWriteArray(group, "u_coarse", 1, dims, u_coarse);
  dims[0] = (hsize_t)h->cells;
  if (group >= 0 && st->coarse_cells) err |= FrgCheckpointWriteArray(group, "error_sum", 1, dims, error_sum);
  dims[0] = 4;
  if (group >= 0) err |= FrgCheckpointWriteArray(group, "origin_flow", 1, dims, st->origin);
  if (group >= 0) H5Gclose(group);
  group   = H5Gcreate2(file, "history", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  dims[0] = (hsize_t)h->records;
  dims[1] = (hsize_t)h->cells;
  err |= group < 0 ? -1 : FrgCheckpointWriteArray(group, "u", 2, dims, h->rows);
  dims[1] = (hsize_t)columns;
  if (group >= 0) err |= FrgCheckpointWriteArray(group, "observables", 2, dims, obs);
  if (group >= 0 && !err) err |= FrgCheckpointWriteColumns(group, st);
  if (group >= 0) H5Gclose(group);
  free(obs);
  if (H5Fclose(file) < 0) err = -1;
  return err;
}

/* A vector gathered on rank 0 (a scatter made and destroyed per checkpoint: rare); NULL for NULL. */
static PetscErrorCode FrgCheckpointGather(Vec v, Vec *zero, VecScatter *gather)
{
  PetscFunctionBeginUser;
  *zero   = NULL;
  *gather = NULL;
  if (!v) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(VecScatterCreateToZero(v, gather, zero));
  PetscCall(VecScatterBegin(*gather, v, *zero, INSERT_VALUES, SCATTER_FORWARD));
  PetscCall(VecScatterEnd(*gather, v, *zero, INSERT_VALUES, SCATTER_FORWARD));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Rank 0: writes the checkpoint as path.partial, fsyncs and renames it; -1 on any failure. */
static int FrgCheckpointWriteAtomic(const char path[], const FrgCheckpointState *st, const PetscReal *u, const PetscReal *u_coarse, const PetscReal *error_sum, const FrgHistory *h)
{
  char partial[PETSC_MAX_PATH_LEN + 16];
  int  err;

  (void)snprintf(partial, sizeof(partial), "%s.partial", path);
  {
    int fd = FrgCreateExclusive(partial); /* a link planted at path.partial is refused, never followed */
    if (fd < 0) return -1;
    close(fd);
  }
  err = FrgCheckpointWriteFile(partial, st, u, u_coarse, error_sum, h);
  if (!err) {
    int  fd = open(partial, O_RDWR);
    char line[FRG_CHECKPOINT_USERBLOCK];
    if (fd < 0 || FrgCheckpointFileChecksum(fd, line) || pwrite(fd, line, sizeof(line), 0) != (ssize_t)sizeof(line) || fsync(fd)) err = -1;
    if (fd >= 0) close(fd);
  }
  if (!err && rename(partial, path)) err = -1;
  if (err) unlink(partial);
  return err;
}

/* Collective. Writes the checkpoint atomically: PATH.partial, fsync, rename. */
PetscErrorCode FrgCheckpointSave(MPI_Comm comm, const char path[], const FrgCheckpointState *st, FrgHistory *h)
{
  PetscMPIInt        rank;
  int                err = 0;
  const PetscScalar *x, *xc = NULL, *xe = NULL;
  Vec                zero, zero_error;
  VecScatter         gather, gather_error;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCall(FrgHistoryGather(h, st->u));
  PetscCall(FrgCheckpointGather(st->u_coarse, &zero, &gather));
  PetscCall(FrgCheckpointGather(st->u_coarse ? st->error_sum : NULL, &zero_error, &gather_error));
  if (!rank) {
    PetscCall(VecGetArrayRead(h->zero, &x));
    if (zero) PetscCall(VecGetArrayRead(zero, &xc));
    if (zero_error) PetscCall(VecGetArrayRead(zero_error, &xe));
    err = FrgCheckpointWriteAtomic(path, st, x, xc, xe, h);
    if (zero_error) PetscCall(VecRestoreArrayRead(zero_error, &xe));
    if (zero) PetscCall(VecRestoreArrayRead(zero, &xc));
    PetscCall(VecRestoreArrayRead(h->zero, &x));
  }
  PetscCall(VecScatterDestroy(&gather));
  PetscCall(VecDestroy(&zero));
  PetscCall(VecScatterDestroy(&gather_error));
  PetscCall(VecDestroy(&zero_error));
  PetscCallMPI(MPI_Bcast(&err, 1, MPI_INT, 0, comm));
  PetscCheck(!err, comm, PETSC_ERR_FILE_WRITE, "-checkpoint %s cannot be written", path);
  PetscFunctionReturn(PETSC_SUCCESS);
}
