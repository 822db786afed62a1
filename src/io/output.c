/* FrgOutput: the HDF5 result file, written collectively by all ranks of its communicator.
 *   /grid/phi              cell centres [cell]
 *   /flow/t, /flow/k       output times [time]
 *   /flow/u                u = dU/dphi  [time, cell] (cell averages)
 *   /observables/<name>    the model's observables per output time, and <name>_error with an estimate
 *   /summary               attributes: final values and run statistics
 *   /parameters, /provenance  attributes: resolved parameters, options, deck text, versions
 * The file is written as NAME.partial and renamed to NAME only by FrgOutputClose(success): a failed
 * run never leaves a file that looks finished and never touches an existing NAME; the path is claimed
 * before any work (src/io/claim.c: one run per NAME, no replacing of files frg did not write, no
 * writing through links). */
#include <frg/output.h>
#include <frg/options.h>
#include <errno.h>
#include <unistd.h>

PetscErrorCode FrgOutputCreate(MPI_Comm comm, FrgOutput *output)
{
  FrgOutput out;

  PetscFunctionBeginUser;
  PetscCall(PetscNew(&out));
  out->comm = comm;
  out->file = H5I_INVALID_HID;
  PetscCall(PetscStrncpy(out->name, "frg.h5", sizeof(out->name)));
  *output = out;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode FrgOutputSetFromOptions(FrgOutput out)
{
  PetscInt  n = (PetscInt)PETSC_STATIC_ARRAY_LENGTH(out->times);
  PetscBool set_times;

  PetscFunctionBeginUser;
  PetscOptionsBegin(out->comm, NULL, "Output (HDF5)", "FrgOutput");
  PetscCall(FrgOptionsString("-output", "HDF5 result file (written as FILE.partial, renamed on success)", out->name, out->name, sizeof(out->name), NULL));
  PetscCall(FrgOptionsRealArray("-output_times", "Comma-separated RG times at which u and the observables are stored", out->times, &n, &set_times, 0, FRG_RG_TIME_MAX));
  PetscCall(FrgOptionsRealAbove("-output_every", "Store u and the observables every this much RG time (default: t_IR/50)", out->every, &out->every, NULL, 0, FRG_RG_TIME_MAX));
  PetscCall(PetscOptionsBool("-output_overwrite", "Replace an existing -output file also if frg did not write it", "", out->overwrite, &out->overwrite, NULL));
  PetscOptionsEnd();
  out->ntimes = set_times ? n : 0;
  PetscCheck(out->name[0], out->comm, PETSC_ERR_USER_INPUT, "-output must name a file");
  PetscCheck(out->every >= 0, out->comm, PETSC_ERR_USER_INPUT, "-output_every must be positive, got %g", (double)out->every);
  for (PetscInt i = 0; i < out->ntimes; i++) {
    PetscCheck(out->times[i] >= 0, out->comm, PETSC_ERR_USER_INPUT, "-output_times must be >= 0, got %g", (double)out->times[i]);
    PetscCheck(i == 0 || out->times[i] > out->times[i - 1], out->comm, PETSC_ERR_USER_INPUT, "-output_times must increase, got %g after %g", (double)out->times[i],
               (double)out->times[i - 1]);
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode FrgOutputGetName(FrgOutput out, const char **name)
{
  PetscFunctionBeginUser;
  *name = out->name;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The output times in (t0, t_end], always ending with t_end; the caller frees *times. Not collective. */
PetscErrorCode FrgOutputGetTimes(FrgOutput out, PetscReal t0, PetscReal t_end, PetscInt *count, PetscReal **times)
{
  PetscInt n = 0, max;

  PetscFunctionBeginUser;
  if (out->ntimes) {
    PetscCheck(out->times[out->ntimes - 1] <= t_end * (1 + 1e-12), out->comm, PETSC_ERR_USER_INPUT, "-output_times %g lies beyond the final time %g",
               (double)out->times[out->ntimes - 1], (double)t_end);
    PetscCall(PetscMalloc1(out->ntimes + 1, times));
    for (PetscInt i = 0; i < out->ntimes; i++)
      if (out->times[i] > t0) (*times)[n++] = out->times[i];
  } else {
    const PetscReal every = out->every > 0 ? out->every : (t_end - t0) / 50;
    max                   = (PetscInt)PetscCeilReal((t_end - t0) / every * (1 - 1e-12)) + 1;
    PetscCheck(max <= 1000000, out->comm, PETSC_ERR_USER_INPUT, "-output_every %g gives %" PetscInt_FMT " output times: too many", (double)every, max);
    PetscCall(PetscMalloc1(max + 1, times));
    for (PetscInt i = 1; t0 + i * every < t_end * (1 - 1e-12); i++) (*times)[n++] = t0 + i * every;
  }
  if (!n || (*times)[n - 1] < t_end) (*times)[n++] = t_end;
  *count = n;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Collective. Fails on every rank, with the option and the reason, if path cannot be created. */
PetscErrorCode FrgOutputCheckWritable(MPI_Comm comm, const char path[], const char option[])
{
  PetscMPIInt rank;
  int         err = 0;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  if (!rank) {
    FILE *fp = fopen(path, "w");
    if (!fp) err = errno;
    else {
      fclose(fp);
      unlink(path);
    }
  }
  PetscCallMPI(MPI_Bcast(&err, 1, MPI_INT, 0, comm));
  PetscCheck(!err, comm, PETSC_ERR_FILE_OPEN, "%s %s cannot be written: %s", option, path, strerror(err));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode FrgOutputOpen(FrgOutput out)
{
  hid_t fapl;

  PetscFunctionBeginUser;
  PetscCall(FrgClaimAcquire(out->comm, out->name, "-output", out->overwrite, &out->claim));
  PetscCall(PetscStrncpy(out->partial, out->claim.partial, sizeof(out->partial)));
  PetscCall(FrgH5FileAccess(out->comm, &fapl));
  out->file = H5Fcreate(out->partial, H5F_ACC_TRUNC, H5P_DEFAULT, fapl);
  FrgCallHDF5(out->comm, H5Pclose(fapl));
  PetscCheck(out->file >= 0, out->comm, PETSC_ERR_FILE_OPEN, "-output %s: HDF5 cannot create %s", out->name, out->partial);
  out->open = PETSC_TRUE;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Writes this rank's block start[] + count[] of dataset dset (rank 1 to 3) from x, row-major with the
 * last index fastest. Collective. */
static PetscErrorCode FrgOutputWriteBlock(FrgOutput out, hid_t dset, int rank, const hsize_t start[], const hsize_t count[], const PetscScalar *x)
{
  hid_t space, mem, dxpl;

  PetscFunctionBeginUser;
  space = H5Dget_space(dset);
  FrgCallHDF5(out->comm, H5Sselect_hyperslab(space, H5S_SELECT_SET, start, NULL, count, NULL));
  mem = H5Screate_simple(rank, count, NULL);
  PetscCall(FrgH5TransferCollective(out->comm, &dxpl));
  FrgCallHDF5Collective(out->comm, H5Dwrite(dset, H5T_NATIVE_DOUBLE, mem, space, dxpl, x));
  FrgCallHDF5(out->comm, H5Pclose(dxpl));
  FrgCallHDF5(out->comm, H5Sclose(mem));
  FrgCallHDF5(out->comm, H5Sclose(space));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* A dataset of doubles named name in loc, with its description. Collective. */
static PetscErrorCode FrgOutputCreateDataset(FrgOutput out, hid_t loc, const char name[], int rank, const hsize_t dims[], hid_t *dset)
{
  hid_t space;

  PetscFunctionBeginUser;
  space = H5Screate_simple(rank, dims, NULL);
  *dset = H5Dcreate2(loc, name, H5T_NATIVE_DOUBLE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  FrgCallHDF5(out->comm, H5Sclose(space));
  PetscCheck(*dset >= 0, out->comm, PETSC_ERR_FILE_WRITE, "cannot create the dataset %s", name);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* /grid/phi1 and /grid/phi2, the cell centres of a 2D grid's directions (same on every rank). */
static PetscErrorCode FrgOutputWriteGrid2D(FrgOutput out, FrgGrid grid, hid_t group)
{
  const char       *names[2] = {"phi1", "phi2"};
  const char *const spacing[2] = {"spacing", "spacing_y"}, *const cells[2] = {"cells", "cells_y"};

  PetscFunctionBeginUser;
  for (PetscInt d = 0; d < 2; d++) {
    PetscInt   n;
    PetscReal  first, h, *phi;
    const PetscReal *column;

    PetscCall(FrgGridGetDirection(grid, d, &n, &first, &h));
    PetscCall(PetscMalloc1(n, &phi));
    for (PetscInt i = 0; i < n; i++) phi[i] = first + i * h;
    column = phi;
    PetscCall(FrgOutputWriteScalars(out, "/grid", &names[d], &column, 1, n));
    PetscCall(PetscFree(phi));
    PetscCall(FrgH5WriteAttributeReal(out->comm, group, spacing[d], h));
    PetscCall(FrgH5WriteAttributeInt(out->comm, group, cells[d], n));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode FrgOutputWriteGrid(FrgOutput out, FrgGrid grid)
{
  hid_t              group, dset;
  hsize_t            dims[1], start[1], count[1];
  Vec                phi;
  const PetscScalar *x;

  PetscFunctionBeginUser;
  PetscCall(PetscLogEventBegin(FRG_EVENT_OUTPUT, 0, 0, 0, 0));
  out->cells   = grid->cells;
  out->cells_y = grid->dim == 2 ? grid->cells_y : 0;
  PetscCall(DMDAGetCorners(grid->da, &out->xs, &out->ys, NULL, &out->xm, &out->ym, NULL));
  if (grid->dim == 1) out->ys = 0, out->ym = 1;
  PetscCall(FrgH5OpenGroup(out->comm, out->file, "/grid", &group));
  if (grid->dim == 2) PetscCall(FrgOutputWriteGrid2D(out, grid, group));
  else {
    dims[0] = (hsize_t)grid->cells, start[0] = (hsize_t)out->xs, count[0] = (hsize_t)out->xm;
    PetscCall(FrgOutputCreateDataset(out, group, "phi", 1, dims, &dset));
    PetscCall(FrgGridCreateCoordinates(grid, &phi));
    PetscCall(VecGetArrayRead(phi, &x));
    PetscCall(FrgOutputWriteBlock(out, dset, 1, start, count, x));
    PetscCall(VecRestoreArrayRead(phi, &x));
    PetscCall(VecDestroy(&phi));
    PetscCall(FrgH5WriteAttributeString(out->comm, dset, "description", "cell centres of the field grid (field amplitude phi = sigma)"));
    FrgCallHDF5(out->comm, H5Dclose(dset));
    PetscCall(FrgH5WriteAttributeReal(out->comm, group, "spacing", grid->spacing));
    PetscCall(FrgH5WriteAttributeInt(out->comm, group, "cells", grid->cells));
  }
  PetscCall(FrgH5WriteAttributeReal(out->comm, group, "phi_max", grid->phi_max));
  if (grid->dim == 2) PetscCall(FrgH5WriteAttributeReal(out->comm, group, "phi_max_y", grid->phi_max_y > 0 ? grid->phi_max_y : grid->phi_max));
  FrgCallHDF5(out->comm, H5Gclose(group));
  PetscCall(PetscLogEventEnd(FRG_EVENT_OUTPUT, 0, 0, 0, 0));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The names of the observables the records will hold (the model's), and whether they carry errors.
 * Not collective. */
PetscErrorCode FrgOutputSetObservables(FrgOutput out, PetscInt count, const char *const names[], PetscBool estimated)
{
  PetscFunctionBeginUser;
  PetscCheck(count <= FRG_OBSERVABLE_MAX, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "at most %d observables", FRG_OBSERVABLE_MAX);
  out->observables = count;
  out->names       = names;
  out->estimated   = estimated;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Stores u (this rank's cells) and the observables as the next record. The records stay in memory
 * and FrgOutputFinish writes /flow/u in one collective write: one HDF5 append per output time (open,
 * extend, hyperslab, write) had cost about 50 us each, as much as 2 integration steps. A run that
 * fails or stops never renames its partial file, so nothing is lost that a finished file would hold;
 * the checkpoint keeps its own copy of the records. Not collective. */
PetscErrorCode FrgOutputAppendState(FrgOutput out, PetscReal t, Vec u, const FrgObservables *obs)
{
  const PetscScalar *x;
  PetscInt           n, m = out->observables;

  PetscFunctionBeginUser;
  PetscCall(PetscLogEventBegin(FRG_EVENT_OUTPUT, 0, 0, 0, 0));
  PetscCall(VecGetLocalSize(u, &n));
  PetscCheck(n == out->xm * out->ym, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG, "the state vector must have the grid's layout (%" PetscInt_FMT " local cells, got %" PetscInt_FMT ")", out->xm * out->ym, n);
  PetscCheck(obs->count == m, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG, "a record has %" PetscInt_FMT " observables, the output %" PetscInt_FMT, obs->count, m);
  if (out->records == out->capacity) {
    out->capacity = PetscMax(64, 2 * out->capacity);
    for (PetscInt c = 0; c < 2 + 2 * m; c++) PetscCall(PetscRealloc(sizeof(PetscReal) * out->capacity, &out->columns[c]));
    PetscCall(PetscRealloc(sizeof(PetscScalar) * out->capacity * PetscMax(out->xm * out->ym, 1), &out->rows));
  }
  out->columns[0][out->records] = obs->t;
  out->columns[1][out->records] = obs->k;
  for (PetscInt c = 0; c < m; c++) {
    out->columns[2 + c][out->records]     = obs->value[c];
    out->columns[2 + m + c][out->records] = obs->error[c];
  }
  PetscCall(VecGetArrayRead(u, &x));
  if (out->cells_y) { /* the DMDA's local block is [j][i]; the file's [i][j] */
    PetscScalar *row = out->rows + out->records * n;
    for (PetscInt j = 0; j < out->ym; j++)
      for (PetscInt i = 0; i < out->xm; i++) row[i * out->ym + j] = x[j * out->xm + i];
  } else PetscCall(PetscArraycpy(out->rows + out->records * n, x, n));
  PetscCall(VecRestoreArrayRead(u, &x));
  out->records++;
  (void)t;
  PetscCall(PetscLogEventEnd(FRG_EVENT_OUTPUT, 0, 0, 0, 0));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* /flow/u [records, cells] (1D: u = U') or /flow/U [records, cells, cells_y] (2D: U itself) from the
 * stored records (none without a grid: tasks other than flow). Collective. */
static PetscErrorCode FrgOutputWriteStates(FrgOutput out)
{
  hid_t         group, dset;
  const int     two = out->cells_y > 0, rank = two ? 3 : 2;
  const hsize_t dims[3]  = {(hsize_t)out->records, (hsize_t)out->cells, (hsize_t)out->cells_y};
  const hsize_t start[3] = {0, (hsize_t)out->xs, (hsize_t)out->ys}, count[3] = {(hsize_t)out->records, (hsize_t)out->xm, (hsize_t)out->ym};

  PetscFunctionBeginUser;
  if (!out->cells) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(FrgH5OpenGroup(out->comm, out->file, "/flow", &group));
  PetscCall(FrgOutputCreateDataset(out, group, two ? "U" : "u", rank, dims, &dset));
  if (out->records) PetscCall(FrgOutputWriteBlock(out, dset, rank, start, count, out->rows)); /* MPI-IO fails on empty writes */
  PetscCall(FrgH5WriteAttributeString(out->comm, dset, "description",
                                      two ? "U(phi1, phi2) at the cell centres, [time, cell of phi1, cell of phi2]; time as in /flow/t, coordinates /grid/phi1, /grid/phi2"
                                          : "u = dU/dphi, cell averages, [time, cell]; time as in /flow/t"));
  FrgCallHDF5(out->comm, H5Dclose(dset));
  FrgCallHDF5(out->comm, H5Gclose(group));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode FrgOutputWriteSummary(FrgOutput out, const char *names[], const PetscReal values[], PetscInt count)
{
  PetscFunctionBeginUser;
  PetscCall(FrgOutputWriteAttributes(out, "/summary", names, values, count));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Integer attributes (counters) on a group (created if needed); every rank passes the same values. */
/* Attributes NAME (and NAME_error when the observables are estimated) of the observables obs under path,
 * with names[c] for obs->value[c]. Collective. */
PetscErrorCode FrgOutputWriteObservables(FrgOutput out, const char path[], const char *const names[], const FrgObservables *obs)
{
  char name[FRG_NAME_LEN];

  PetscFunctionBeginUser;
  for (PetscInt c = 0; c < obs->count; c++) {
    const char *one = names[c];
    PetscCall(FrgOutputWriteAttributes(out, path, &one, &obs->value[c], 1));
    if (!obs->estimated) continue;
    PetscCall(PetscSNPrintf(name, sizeof(name), "%s_error", names[c]));
    one = name;
    PetscCall(FrgOutputWriteAttributes(out, path, &one, &obs->error[c], 1));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode FrgOutputWriteIntAttributes(FrgOutput out, const char path[], const char *names[], const PetscInt values[], PetscInt count)
{
  hid_t group;

  PetscFunctionBeginUser;
  PetscCall(FrgH5OpenGroup(out->comm, out->file, path, &group));
  for (PetscInt i = 0; i < count; i++) PetscCall(FrgH5WriteAttributeInt(out->comm, group, names[i], values[i]));
  FrgCallHDF5(out->comm, H5Gclose(group));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Real attributes on a group (created if needed); every rank passes the same values. */
PetscErrorCode FrgOutputWriteAttributes(FrgOutput out, const char path[], const char *names[], const PetscReal values[], PetscInt count)
{
  hid_t group;

  PetscFunctionBeginUser;
  PetscCall(FrgH5OpenGroup(out->comm, out->file, path, &group));
  for (PetscInt i = 0; i < count; i++) PetscCall(FrgH5WriteAttributeReal(out->comm, group, names[i], values[i]));
  FrgCallHDF5(out->comm, H5Gclose(group));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode FrgOutputWriteStringAttribute(FrgOutput out, const char path[], const char name[], const char value[])
{
  hid_t group;

  PetscFunctionBeginUser;
  PetscCall(FrgH5OpenGroup(out->comm, out->file, path, &group));
  PetscCall(FrgH5WriteAttributeString(out->comm, group, name, value));
  FrgCallHDF5(out->comm, H5Gclose(group));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* A table of equal-length columns as datasets group/<name>. */
PetscErrorCode FrgOutputWriteScalars(FrgOutput out, const char path[], const char *names[], const PetscReal *columns[], PetscInt ncolumns, PetscInt rows)
{
  hid_t group;

  PetscFunctionBeginUser;
  PetscCall(FrgH5OpenGroup(out->comm, out->file, path, &group));
  for (PetscInt c = 0; c < ncolumns; c++) PetscCall(FrgH5WriteColumn(out->comm, group, names[c], columns[c], rows));
  FrgCallHDF5(out->comm, H5Gclose(group));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Writes what the run stored (/flow/u, /flow/t, /flow/k, /observables) and the provenance, so that
 * only the summary and FrgOutputClose remain; FrgOutputClose(success) calls it if the caller did
 * not. Collective. */
PetscErrorCode FrgOutputFinish(FrgOutput out)
{
  const char *names[2] = {"t", "k"};

  PetscFunctionBeginUser;
  if (out->finished) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(PetscLogEventBegin(FRG_EVENT_OUTPUT, 0, 0, 0, 0));
  {
    const PetscReal *flow[2] = {out->columns[0], out->columns[1]};
    PetscCall(FrgOutputWriteStates(out));
    PetscCall(FrgOutputWriteScalars(out, "/flow", names, flow, 2, out->records));
  }
  if (out->observables) {
    const char *tk[2] = {"t", "k"};
    char        name[FRG_NAME_LEN];
    PetscCall(FrgOutputWriteScalars(out, "/observables", tk, (const PetscReal **)out->columns, 2, out->records));
    PetscCall(FrgOutputWriteScalars(out, "/observables", (const char **)out->names, (const PetscReal **)out->columns + 2, out->observables, out->records));
    for (PetscInt c = 0; out->estimated && c < out->observables; c++) {
      const PetscReal *column = out->columns[2 + out->observables + c];
      const char      *one    = name;
      PetscCall(PetscSNPrintf(name, sizeof(name), "%s_error", out->names[c]));
      PetscCall(FrgOutputWriteScalars(out, "/observables", &one, &column, 1, out->records));
    }
  }
  PetscCall(FrgOutputWriteProvenance(out));
  out->finished = PETSC_TRUE;
  PetscCall(PetscLogEventEnd(FRG_EVENT_OUTPUT, 0, 0, 0, 0));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode FrgOutputClose(FrgOutput out, PetscBool success)
{
  PetscFunctionBeginUser;
  if (!out->open) PetscFunctionReturn(PETSC_SUCCESS);
  if (success) PetscCall(FrgOutputFinish(out));
  int closed = H5Fclose(out->file) >= 0, all;
  PetscCallMPI(MPI_Allreduce(&closed, &all, 1, MPI_INT, MPI_MIN, out->comm));
  if (!all) {
    out->file = H5I_INVALID_HID;
    out->open = PETSC_FALSE;
    FrgNoteUnclosedFile(out->comm);
    PetscCall(FrgClaimRelease(&out->claim, PETSC_FALSE));
    SETERRQ(out->comm, PETSC_ERR_FILE_WRITE, "HDF5 could not close %s (is the disk full?)", out->name);
  }
  out->file = H5I_INVALID_HID;
  out->open = PETSC_FALSE;
  PetscCall(FrgClaimRelease(&out->claim, success));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode FrgOutputDestroy(FrgOutput *output)
{
  FrgOutput out = *output;

  PetscFunctionBeginUser;
  if (!out) PetscFunctionReturn(PETSC_SUCCESS);
  if (out->open) PetscCall(FrgOutputClose(out, PETSC_FALSE));
  for (int c = 0; c < 2 + 2 * FRG_OBSERVABLE_MAX; c++) PetscCall(PetscFree(out->columns[c]));
  PetscCall(PetscFree(out->rows));
  PetscCall(PetscFree(*output));
  PetscFunctionReturn(PETSC_SUCCESS);
}
