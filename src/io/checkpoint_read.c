/* Reading a checkpoint (src/io/checkpoint.c for the format) without trusting it: a restart may be
 * given any file, a crafted or damaged checkpoint, or an honest checkpoint of another run. Rank 0
 * reads; before any value is used it checks
 *   - that the path is a regular file (a FIFO or a device would block the read) and opens as HDF5;
 *   - the format and version attributes;
 *   - every attribute: a scalar of the expected class (a string, an integer or a float), in range
 *     (t finite and in [0, t_IR), counts non-negative and bounded) and consistent with the run
 *     (cells and coarse cells of the grids, the model's number of observables);
 *   - the physics (/checkpoint/physics) against the run's own, naming the first option that differs;
 *   - every dataset: a float array of exactly the rank and dimensions the checked attributes imply,
 *     read through a memory space of that size (never "all of whatever the file holds"), and finite.
 * The verdict (a message) is broadcast, so every rank fails together with the same error. */
#define _POSIX_C_SOURCE 200809L /* lstat under -std=c11 */
#include <frg/checkpoint.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <sys/stat.h>
#include <fcntl.h>
#include <unistd.h>

#define FRG_READ_MESSAGE 512

typedef struct {
  char message[FRG_READ_MESSAGE];
} FrgReadStatus;

static int FrgReadFail(FrgReadStatus *st, const char format[], ...) PETSC_ATTRIBUTE_FORMAT(2, 3);
static int FrgReadFail(FrgReadStatus *st, const char format[], ...)
{
  va_list args;

  if (st->message[0]) return -1; /* keep the first */
  va_start(args, format);
  (void)vsnprintf(st->message, sizeof(st->message), format, args);
  va_end(args);
  return -1;
}

/* A scalar attribute of class cls (H5T_INTEGER or H5T_FLOAT), read as mem_type. */
static int FrgReadScalar(hid_t loc, const char name[], H5T_class_t cls, hid_t mem_type, void *value, FrgReadStatus *st)
{
  hid_t attr, type, space;
  int   ok;

  if (H5Aexists(loc, name) <= 0) return FrgReadFail(st, "attribute %s is missing", name);
  attr  = H5Aopen(loc, name, H5P_DEFAULT);
  type  = H5Aget_type(attr);
  space = H5Aget_space(attr);
  ok    = attr >= 0 && type >= 0 && space >= 0 && H5Tget_class(type) == cls && H5Sget_simple_extent_type(space) == H5S_SCALAR;
  if (ok) ok = H5Aread(attr, mem_type, value) >= 0;
  if (space >= 0) H5Sclose(space);
  if (type >= 0) H5Tclose(type);
  if (attr >= 0) H5Aclose(attr);
  return ok ? 0 : FrgReadFail(st, "attribute %s is not a scalar %s", name, cls == H5T_FLOAT ? "number" : "integer");
}

/* A scalar fixed-length string attribute of at most len - 1 characters. */
static int FrgReadString(hid_t loc, const char name[], char value[], size_t len, FrgReadStatus *st)
{
  hid_t  attr, type, space, mem;
  size_t size;
  int    ok;

  if (H5Aexists(loc, name) <= 0) return FrgReadFail(st, "attribute %s is missing", name);
  attr  = H5Aopen(loc, name, H5P_DEFAULT);
  type  = H5Aget_type(attr);
  space = H5Aget_space(attr);
  ok    = attr >= 0 && type >= 0 && space >= 0 && H5Tget_class(type) == H5T_STRING && !H5Tis_variable_str(type) && H5Sget_simple_extent_type(space) == H5S_SCALAR;
  size  = ok ? H5Tget_size(type) : 0;
  ok    = ok && size > 0 && size < len;
  if (ok) {
    mem = H5Tcopy(H5T_C_S1);
    H5Tset_size(mem, size);
    memset(value, 0, len);
    ok = H5Aread(attr, mem, value) >= 0;
    H5Tclose(mem);
  }
  if (space >= 0) H5Sclose(space);
  if (type >= 0) H5Tclose(type);
  if (attr >= 0) H5Aclose(attr);
  return ok ? 0 : FrgReadFail(st, "attribute %s is not a string of fewer than %zu characters", name, len);
}

/* A float dataset of exactly rank dims[], read into data (which holds their product); then checks
 * that every value is finite (finite_columns > 0: only the first finite_columns of each row). */
static int FrgReadArray(hid_t loc, const char name[], int rank, const hsize_t dims[], double *data, hsize_t finite_columns, FrgReadStatus *st)
{
  hid_t   dset, type, space, mem;
  hsize_t found[2] = {0, 0}, count = rank > 1 ? dims[0] * dims[1] : dims[0], row = rank > 1 ? dims[1] : 1;
  int     ok;

  if (H5Lexists(loc, name, H5P_DEFAULT) <= 0) return FrgReadFail(st, "dataset %s is missing", name);
  dset  = H5Dopen2(loc, name, H5P_DEFAULT);
  type  = dset >= 0 ? H5Dget_type(dset) : -1;
  space = dset >= 0 ? H5Dget_space(dset) : -1;
  ok    = dset >= 0 && type >= 0 && space >= 0 && H5Tget_class(type) == H5T_FLOAT && H5Sget_simple_extent_ndims(space) == rank;
  if (ok) H5Sget_simple_extent_dims(space, found, NULL);
  ok = ok && found[0] == dims[0] && (rank < 2 || found[1] == dims[1]);
  if (ok && count) {
    mem = H5Screate_simple(rank, dims, NULL);
    ok  = H5Dread(dset, H5T_NATIVE_DOUBLE, mem, space, H5P_DEFAULT, data) >= 0;
    H5Sclose(mem);
  }
  if (space >= 0) H5Sclose(space);
  if (type >= 0) H5Tclose(type);
  if (dset >= 0) H5Dclose(dset);
  if (!ok) return FrgReadFail(st, "dataset %s is not a float array of shape [%llu%s%llu]", name, (unsigned long long)dims[0], rank > 1 ? ", " : "", rank > 1 ? (unsigned long long)dims[1] : 0ULL);
  for (hsize_t i = 0; i < count; i++)
    if ((!finite_columns || i % row < finite_columns) && !isfinite(data[i])) return FrgReadFail(st, "dataset %s holds a non-finite value at entry %llu", name, (unsigned long long)i);
  return 0;
}

/* The header: format, version, t, counts. */
typedef struct {
  double    t;
  long long cells, coarse_cells, records, observables;
  char      checksum[32];
} FrgCheckpointHeader;

static int FrgReadHeader(hid_t group, FrgCheckpointHeader *hd, FrgReadStatus *st)
{
  char      format[64];
  long long version = 0;

  if (FrgReadString(group, "format", format, sizeof(format), st) || strcmp(format, FRG_CHECKPOINT_FORMAT)) return FrgReadFail(st, "it is not an frg checkpoint (no format \"%s\")", FRG_CHECKPOINT_FORMAT);
  if (FrgReadScalar(group, "version", H5T_INTEGER, H5T_NATIVE_LLONG, &version, st)) return -1;
  if (version != FRG_CHECKPOINT_VERSION) return FrgReadFail(st, "it is a checkpoint of format version %lld; this frg reads version %d", version, FRG_CHECKPOINT_VERSION);
  if (FrgReadScalar(group, "t", H5T_FLOAT, H5T_NATIVE_DOUBLE, &hd->t, st) || FrgReadScalar(group, "cells", H5T_INTEGER, H5T_NATIVE_LLONG, &hd->cells, st) ||
      FrgReadScalar(group, "coarse_cells", H5T_INTEGER, H5T_NATIVE_LLONG, &hd->coarse_cells, st) || FrgReadScalar(group, "records", H5T_INTEGER, H5T_NATIVE_LLONG, &hd->records, st) ||
      FrgReadScalar(group, "observables", H5T_INTEGER, H5T_NATIVE_LLONG, &hd->observables, st) || FrgReadString(group, "checksum", hd->checksum, sizeof(hd->checksum), st))
    return -1;
  if (!isfinite(hd->t) || hd->t < 0) return FrgReadFail(st, "its time t = %g is not a finite number >= 0", hd->t);
  if (hd->records < 0 || hd->records > FRG_CHECKPOINT_MAX_RECORDS) return FrgReadFail(st, "its record count %lld is out of range", hd->records);
  if (hd->observables < 0 || hd->observables > FRG_OBSERVABLE_MAX) return FrgReadFail(st, "its observable count %lld is out of range", hd->observables);
  if (hd->cells < 1 || hd->coarse_cells < 0) return FrgReadFail(st, "its cell counts %lld and %lld are out of range", hd->cells, hd->coarse_cells);
  return 0;
}

/* The physics group into sig (strings only, at most FRG_SIGNATURE_MAX). */
static int FrgReadSignature(hid_t group, FrgSignature *sig, FrgReadStatus *st)
{
  hid_t   physics;
  hsize_t n;
  char    name[64], *value;
  int     err = 0;

  if (H5Lexists(group, "physics", H5P_DEFAULT) <= 0) return FrgReadFail(st, "group /checkpoint/physics is missing");
  physics = H5Gopen2(group, "physics", H5P_DEFAULT);
  if (physics < 0) return FrgReadFail(st, "/checkpoint/physics is not a group");
  n = (hsize_t)H5Aget_num_attrs(physics);
  if (n > FRG_SIGNATURE_MAX) err = FrgReadFail(st, "/checkpoint/physics has %llu entries, more than %d", (unsigned long long)n, FRG_SIGNATURE_MAX);
  value = (char *)malloc(FRG_EXPR_LEN);
  for (hsize_t i = 0; !err && value && i < n; i++) {
    if (H5Aget_name_by_idx(physics, ".", H5_INDEX_NAME, H5_ITER_INC, i, name, sizeof(name), H5P_DEFAULT) < 0 || strlen(name) >= sizeof(name) - 1) err = FrgReadFail(st, "/checkpoint/physics has an unreadable entry");
    else if (!FrgReadString(physics, name, value, FRG_EXPR_LEN, st)) err = FrgSignatureAdd(sig, name, "%s", value) ? -1 : 0;
    else err = -1;
  }
  free(value);
  H5Gclose(physics);
  return err;
}

/* The shape of a dataset: rank and dimensions must be those given (before anything is allocated). */
static int FrgReadShape(hid_t file, const char name[], int rank, hsize_t d0, hsize_t d1, FrgReadStatus *st)
{
  hid_t   dset, space;
  hsize_t found[2] = {0, 0};
  int     ok;

  if (H5Lexists(file, name, H5P_DEFAULT) <= 0) return FrgReadFail(st, "dataset %s is missing", name);
  dset  = H5Dopen2(file, name, H5P_DEFAULT);
  space = dset >= 0 ? H5Dget_space(dset) : -1;
  ok    = space >= 0 && H5Sget_simple_extent_ndims(space) == rank;
  if (ok) H5Sget_simple_extent_dims(space, found, NULL);
  ok = ok && found[0] == d0 && (rank < 2 || found[1] == d1);
  if (space >= 0) H5Sclose(space);
  if (dset >= 0) H5Dclose(dset);
  return ok ? 0 : FrgReadFail(st, "dataset %s does not have the shape its attributes give ([%llu%s%llu])", name, (unsigned long long)d0, rank > 1 ? ", " : "", rank > 1 ? (unsigned long long)d1 : 0ULL);
}

static int FrgReadShapes(hid_t file, const FrgCheckpointHeader *hd, FrgReadStatus *st)
{
  if (FrgReadShape(file, "/checkpoint/u", 1, (hsize_t)hd->cells, 0, st)) return -1;
  if (hd->coarse_cells && FrgReadShape(file, "/checkpoint/u_coarse", 1, (hsize_t)hd->coarse_cells, 0, st)) return -1;
  if (hd->coarse_cells && FrgReadShape(file, "/checkpoint/error_sum", 1, (hsize_t)hd->cells, 0, st)) return -1;
  if (FrgReadShape(file, "/checkpoint/origin_flow", 1, 4, 0, st)) return -1;
  if (FrgReadShape(file, "/history/u", 2, (hsize_t)hd->records, (hsize_t)hd->cells, st)) return -1;
  return FrgReadShape(file, "/history/observables", 2, (hsize_t)hd->records, (hsize_t)(2 + 2 * hd->observables), st);
}

/* Rank 0: the header and physics of path; *file open on success (the caller closes it). */
static int FrgCheckpointOpen(const char path[], hid_t *file, hid_t *group, FrgCheckpointHeader *hd, FrgSignature *sig, FrgReadStatus *st)
{
  struct stat info;

  *file = *group = H5I_INVALID_HID;
  if (stat(path, &info)) return FrgReadFail(st, "it cannot be read: %s", strerror(errno));
  if (!S_ISREG(info.st_mode)) return FrgReadFail(st, "it is not a regular file");
  {
    char stored[FRG_CHECKPOINT_USERBLOCK], computed[FRG_CHECKPOINT_USERBLOCK];
    int  fd = open(path, O_RDONLY), ok = 0;
    if (fd >= 0) {
      ok = pread(fd, stored, sizeof(stored), 0) == (ssize_t)sizeof(stored) && !FrgCheckpointFileChecksum(fd, computed);
      close(fd);
    }
    if (!ok || strncmp(stored, "frg checkpoint fnv1a64=", 23)) {
      htri_t hdf5;
      H5E_BEGIN_TRY { hdf5 = H5Fis_hdf5(path); } /* only looks for the signature */
      H5E_END_TRY;
      return FrgReadFail(st, hdf5 > 0 ? "it is not an frg checkpoint (no checksum line at its start)" : "it is not an HDF5 file");
    }
    if (memcmp(stored, computed, sizeof(stored))) return FrgReadFail(st, "it is damaged: its bytes do not match the checksum frg wrote at its start");
  }
  H5E_BEGIN_TRY { *file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT); }
  H5E_END_TRY;
  if (*file < 0) return FrgReadFail(st, "it is not an HDF5 file");
  H5E_BEGIN_TRY
  {
    *group = H5Lexists(*file, "checkpoint", H5P_DEFAULT) > 0 ? H5Gopen2(*file, "checkpoint", H5P_DEFAULT) : H5I_INVALID_HID;
    if (*group < 0) FrgReadFail(st, "it is not an frg checkpoint (no group /checkpoint)");
    else if (!FrgReadHeader(*group, hd, st) && !FrgReadSignature(*group, sig, st)) FrgReadShapes(*file, hd, st);
  }
  H5E_END_TRY;
  return st->message[0] ? -1 : 0;
}

static void FrgCheckpointCloseFile(hid_t file, hid_t group)
{
  if (group >= 0) H5Gclose(group);
  if (file >= 0) H5Fclose(file);
}

/* Broadcasts rank 0's signature. Collective. */
static PetscErrorCode FrgSignatureBroadcast(MPI_Comm comm, FrgSignature *sig)
{
  PetscMPIInt rank;
  int         count = (int)sig->count;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCallMPI(MPI_Bcast(&count, 1, MPI_INT, 0, comm));
  for (int i = 0; i < count; i++) {
    int len[2] = {0, 0};
    if (!rank) len[0] = (int)strlen(sig->name[i]) + 1, len[1] = (int)strlen(sig->value[i]) + 1;
    PetscCallMPI(MPI_Bcast(len, 2, MPI_INT, 0, comm));
    if (rank) {
      PetscCall(PetscMalloc1(len[0], &sig->name[i]));
      PetscCall(PetscMalloc1(len[1], &sig->value[i]));
    }
    PetscCallMPI(MPI_Bcast(sig->name[i], len[0], MPI_CHAR, 0, comm));
    PetscCallMPI(MPI_Bcast(sig->value[i], len[1], MPI_CHAR, 0, comm));
  }
  sig->count = count;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Collective. Before any work: path must not exist, or be a checkpoint of this run's physics (which
 * the run may overwrite); anything else is refused and left alone. */
PetscErrorCode FrgCheckpointCheckTarget(MPI_Comm comm, const char path[], const FrgSignature *current)
{
  PetscMPIInt         rank;
  PetscBool           exists = PETSC_FALSE;
  FrgReadStatus       st     = {{0}};
  FrgSignature        stored = {0};
  FrgCheckpointHeader hd;
  hid_t               file, group;
  struct stat         info;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  if (!rank) exists = (PetscBool)!lstat(path, &info);
  PetscCallMPI(MPI_Bcast(&exists, 1, MPIU_BOOL, 0, comm));
  if (!exists) PetscFunctionReturn(PETSC_SUCCESS);
  if (!rank) {
    if (S_ISLNK(info.st_mode)) FrgReadFail(&st, "it is a symbolic link");
    else if (!FrgCheckpointOpen(path, &file, &group, &hd, &stored, &st)) FrgCheckpointCloseFile(file, group);
  }
  PetscCallMPI(MPI_Bcast(st.message, sizeof(st.message), MPI_CHAR, 0, comm));
  if (st.message[0]) PetscCall(FrgSignatureDestroy(&stored));
  PetscCheck(!st.message[0], comm, PETSC_ERR_USER_INPUT, "-checkpoint %s exists and %s: refusing to overwrite it (choose another -checkpoint path)", path, st.message);
  PetscCall(FrgSignatureBroadcast(comm, &stored));
  {
    PetscErrorCode ierr = FrgSignatureCompare(comm, path, &stored, current);
    PetscCall(FrgSignatureDestroy(&stored));
    PetscCheck(!ierr, comm, PETSC_ERR_USER_INPUT, "-checkpoint %s holds a checkpoint of other physics (above): refusing to overwrite it; restart from it with its own deck, or choose another -checkpoint path", path);
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Rank 0: the datasets, into the gathered buffers, after the header was checked against the run. */
static int FrgCheckpointReadData(hid_t file, const FrgCheckpointHeader *hd, double *u, double *u_coarse, double *error_sum, double *rows, double *obs, double origin[4], FrgReadStatus *st)
{
  hsize_t dims[2];
  int     err = 0;

  H5E_BEGIN_TRY
  {
    dims[0] = (hsize_t)hd->cells;
    err     = FrgReadArray(file, "/checkpoint/u", 1, dims, u, 0, st);
    dims[0] = (hsize_t)hd->coarse_cells;
    if (!err && hd->coarse_cells) err = FrgReadArray(file, "/checkpoint/u_coarse", 1, dims, u_coarse, 0, st);
    dims[0] = (hsize_t)hd->cells;
    if (!err && hd->coarse_cells) err = FrgReadArray(file, "/checkpoint/error_sum", 1, dims, error_sum, 0, st);
    dims[0] = 4;
    if (!err) err = FrgReadArray(file, "/checkpoint/origin_flow", 1, dims, origin, 0, st);
    dims[0] = (hsize_t)hd->records, dims[1] = (hsize_t)hd->cells;
    if (!err) err = FrgReadArray(file, "/history/u", 2, dims, rows, 0, st);
    dims[1] = (hsize_t)(2 + 2 * hd->observables);
    /* t and k must be finite; an observable may be NaN (none defined), an error infinite */
    if (!err) err = FrgReadArray(file, "/history/observables", 2, dims, obs, 2, st);
  }
  H5E_END_TRY;
  if (!err) {
    const FrgCheckpointContent content = {hd->t, hd->cells, hd->coarse_cells, hd->records, hd->observables, u, u_coarse, error_sum, rows, obs, origin};
    char                       hex[17];
    FrgCheckpointChecksum(&content, hex);
    if (strcmp(hex, hd->checksum)) err = FrgReadFail(st, "its checksum %s does not match its content (%s): it was changed after frg wrote it", hd->checksum, hex);
  }
  return err;
}

/* The header against the run: every rank checks the broadcast header. */
static PetscErrorCode FrgCheckpointCheckHeader(MPI_Comm comm, const char path[], const FrgCheckpointHeader *hd, PetscReal t_max, const FrgCheckpointState *state, PetscInt cells)
{
  PetscFunctionBeginUser;
  PetscCheck(hd->t < t_max, comm, PETSC_ERR_USER_INPUT, "-restart %s: the checkpoint is at t = %g, not before -t_ir %g", path, hd->t, (double)t_max);
  PetscCheck(hd->cells == cells, comm, PETSC_ERR_USER_INPUT, "-restart %s holds %lld cells, but -grid_cells is %" PetscInt_FMT, path, hd->cells, cells);
  PetscCheck(hd->coarse_cells == state->coarse_cells, comm, PETSC_ERR_USER_INPUT, "-restart %s holds %s error estimate (%lld cells), this run %s", path, hd->coarse_cells ? "an" : "no",
             hd->coarse_cells, state->coarse_cells ? "has one: give -error_estimate false to restart it without" : "has none (-error_estimate false)");
  PetscCheck(hd->observables == state->observables, comm, PETSC_ERR_USER_INPUT, "-restart %s holds %lld observables, the model defines %" PetscInt_FMT, path, hd->observables, state->observables);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Rank 0 distributes a gathered state into the distributed vector v. Collective. */
static PetscErrorCode FrgCheckpointScatter(const double *all, Vec v)
{
  VecScatter gather;
  Vec        zero;
  PetscInt   n;
  PetscScalar *x;

  PetscFunctionBeginUser;
  PetscCall(VecScatterCreateToZero(v, &gather, &zero));
  PetscCall(VecGetLocalSize(zero, &n));
  PetscCall(VecGetArray(zero, &x));
  if (n) PetscCall(PetscArraycpy(x, all, n));
  PetscCall(VecRestoreArray(zero, &x));
  PetscCall(VecScatterBegin(gather, zero, v, INSERT_VALUES, SCATTER_REVERSE));
  PetscCall(VecScatterEnd(gather, zero, v, INSERT_VALUES, SCATTER_REVERSE));
  PetscCall(VecScatterDestroy(&gather));
  PetscCall(VecDestroy(&zero));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The records from the observables array [records, 2 + 2 count] (on every rank). */
static PetscErrorCode FrgCheckpointUnpack(FrgHistory *h, const double *obs, PetscInt count)
{
  const PetscInt columns = 2 + 2 * count;

  PetscFunctionBeginUser;
  for (PetscInt r = 0; r < h->records; r++) {
    FrgObservables *o   = &h->obs[r];
    const double   *row = obs + r * columns;
    PetscCall(PetscMemzero(o, sizeof(*o)));
    o->t = row[0], o->k = row[1], o->count = count;
    for (PetscInt c = 0; c < count; c++) o->value[c] = row[2 + c], o->error[c] = row[2 + count + c], o->estimated = (PetscBool)(o->estimated || o->error[c] != 0);
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Collective. Reads and checks path (see the banner) against the run (state: its vectors, counts and
 * signature; t_max = -t_ir), then fills state->t, the vectors and the records h (empty before). */
PetscErrorCode FrgCheckpointLoad(MPI_Comm comm, const char path[], PetscReal t_max, FrgCheckpointState *state, FrgHistory *h)
{
  PetscMPIInt         rank;
  FrgReadStatus       st     = {{0}};
  FrgSignature        stored = {0};
  FrgCheckpointHeader hd     = {0};
  hid_t               file = H5I_INVALID_HID, group = H5I_INVALID_HID;
  PetscInt            cells;
  double             *u = NULL, *uc = NULL, *ue = NULL, *obs = NULL, origin[4] = {0, 0, 0, 0};

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCall(VecGetSize(state->u, &cells));
  if (!rank) (void)FrgCheckpointOpen(path, &file, &group, &hd, &stored, &st);
  PetscCallMPI(MPI_Bcast(st.message, sizeof(st.message), MPI_CHAR, 0, comm));
  if (st.message[0] && !rank) FrgCheckpointCloseFile(file, group);
  if (st.message[0]) PetscCall(FrgSignatureDestroy(&stored)); /* what was read before the failed check */
  PetscCheck(!st.message[0], comm, PETSC_ERR_USER_INPUT, "-restart %s: %s", path, st.message);
  PetscCallMPI(MPI_Bcast(&hd, sizeof(hd), MPI_BYTE, 0, comm));
  PetscCall(FrgSignatureBroadcast(comm, &stored));
  {
    PetscErrorCode ierr = FrgSignatureCompare(comm, path, &stored, state->signature);
    if (!ierr) ierr = FrgCheckpointCheckHeader(comm, path, &hd, t_max, state, cells);
    PetscCall(FrgSignatureDestroy(&stored));
    if (ierr && !rank) FrgCheckpointCloseFile(file, group);
    PetscCall(ierr);
  }
  /* the records and their observables, then the data on rank 0 */
  h->records = 0;
  PetscCall(VecGetSize(state->u, &h->cells));
  PetscCall(FrgHistoryReserve(h, (PetscInt)hd.records));
  h->records = (PetscInt)hd.records;
  PetscCall(PetscMalloc4(rank ? 0 : hd.cells, &u, rank ? 0 : hd.coarse_cells, &uc, rank || !hd.coarse_cells ? 0 : hd.cells, &ue, (2 + 2 * hd.observables) * PetscMax(hd.records, 1), &obs));
  if (!rank) {
    (void)FrgCheckpointReadData(file, &hd, u, uc, ue, h->rows, obs, origin, &st);
    FrgCheckpointCloseFile(file, group);
  }
  PetscCallMPI(MPI_Bcast(st.message, sizeof(st.message), MPI_CHAR, 0, comm));
  if (st.message[0]) PetscCall(PetscFree4(u, uc, ue, obs));
  PetscCheck(!st.message[0], comm, PETSC_ERR_USER_INPUT, "-restart %s is damaged: %s", path, st.message);
  PetscCallMPI(MPI_Bcast(obs, (PetscMPIInt)((2 + 2 * hd.observables) * hd.records), MPI_DOUBLE, 0, comm));
  PetscCallMPI(MPI_Bcast(origin, 4, MPI_DOUBLE, 0, comm));
  for (int i = 0; i < 4; i++) state->origin[i] = origin[i];
  PetscCall(FrgCheckpointUnpack(h, obs, (PetscInt)hd.observables));
  PetscCall(FrgCheckpointScatter(u, state->u));
  if (state->u_coarse) PetscCall(FrgCheckpointScatter(uc, state->u_coarse));
  if (state->u_coarse && state->error_sum) PetscCall(FrgCheckpointScatter(ue, state->error_sum));
  PetscCall(PetscFree4(u, uc, ue, obs));
  state->t = (PetscReal)hd.t;
  PetscFunctionReturn(PETSC_SUCCESS);
}
