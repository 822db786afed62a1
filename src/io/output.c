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

/* Writes the local columns xs..xs+xm-1 of rows [0, rows) of dataset dset [rows, cells] (rows < 0: a
 * 1D dataset [cells]) from x, row-major [row][local column]. Collective. */
static PetscErrorCode FrgOutputWriteColumns(FrgOutput out, hid_t dset, PetscInt rows, PetscInt xs, PetscInt xm, const PetscScalar *x)
{
  hid_t     space, mem, dxpl;
  hsize_t   start[2], count[2];
  const int two = rows >= 0;

  PetscFunctionBeginUser;
  start[0] = two ? 0 : (hsize_t)xs;
  count[0] = two ? (hsize_t)rows : (hsize_t)xm;
  start[1] = (hsize_t)xs;
  count[1] = (hsize_t)xm;
  space    = H5Dget_space(dset);
  FrgCallHDF5(out->comm, H5Sselect_hyperslab(space, H5S_SELECT_SET, start, NULL, count, NULL));
  mem = H5Screate_simple(two ? 2 : 1, count, NULL);
  PetscCall(FrgH5TransferCollective(out->comm, &dxpl));
  FrgCallHDF5Collective(out->comm, H5Dwrite(dset, H5T_NATIVE_DOUBLE, mem, space, dxpl, x));
  FrgCallHDF5(out->comm, H5Pclose(dxpl));
  FrgCallHDF5(out->comm, H5Sclose(mem));
  FrgCallHDF5(out->comm, H5Sclose(space));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode FrgOutputWriteGrid(FrgOutput out, FrgGrid grid)
{
  hid_t              group, space, dset;
  hsize_t            dims[1];
  Vec                phi;
  const PetscScalar *x;

  PetscFunctionBeginUser;
  PetscCall(PetscLogEventBegin(FRG_EVENT_OUTPUT, 0, 0, 0, 0));
  out->cells = grid->cells;
  PetscCall(DMDAGetCorners(grid->da, &out->xs, NULL, NULL, &out->xm, NULL, NULL));
  PetscCall(FrgH5OpenGroup(out->comm, out->file, "/grid", &group));
  dims[0] = (hsize_t)grid->cells;
  space   = H5Screate_simple(1, dims, NULL);
  dset    = H5Dcreate2(group, "phi", H5T_NATIVE_DOUBLE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  PetscCall(FrgGridCreateCoordinates(grid, &phi));
  PetscCall(VecGetArrayRead(phi, &x));
  PetscCall(FrgOutputWriteColumns(out, dset, -1, out->xs, out->xm, x));
  PetscCall(VecRestoreArrayRead(phi, &x));
  PetscCall(VecDestroy(&phi));
  PetscCall(FrgH5WriteAttributeString(out->comm, dset, "description", "cell centres of the field grid (field amplitude phi = sigma)"));
  FrgCallHDF5(out->comm, H5Dclose(dset));
  FrgCallHDF5(out->comm, H5Sclose(space));
  PetscCall(FrgH5WriteAttributeReal(out->comm, group, "spacing", grid->spacing));
  PetscCall(FrgH5WriteAttributeReal(out->comm, group, "phi_max", grid->phi_max));
  PetscCall(FrgH5WriteAttributeInt(out->comm, group, "cells", grid->cells));
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
  PetscCheck(n == out->xm, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG, "the state vector must have the grid's layout (%" PetscInt_FMT " local cells, got %" PetscInt_FMT ")", out->xm, n);
  PetscCheck(obs->count == m, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG, "a record has %" PetscInt_FMT " observables, the output %" PetscInt_FMT, obs->count, m);
  if (out->records == out->capacity) {
    out->capacity = PetscMax(64, 2 * out->capacity);
    for (PetscInt c = 0; c < 2 + 2 * m; c++) PetscCall(PetscRealloc(sizeof(PetscReal) * out->capacity, &out->columns[c]));
    PetscCall(PetscRealloc(sizeof(PetscScalar) * out->capacity * PetscMax(out->xm, 1), &out->rows));
  }
  out->columns[0][out->records] = obs->t;
  out->columns[1][out->records] = obs->k;
  for (PetscInt c = 0; c < m; c++) {
    out->columns[2 + c][out->records]     = obs->value[c];
    out->columns[2 + m + c][out->records] = obs->error[c];
  }
  PetscCall(VecGetArrayRead(u, &x));
  PetscCall(PetscArraycpy(out->rows + out->records * out->xm, x, n));
  PetscCall(VecRestoreArrayRead(u, &x));
  out->records++;
  (void)t;
  PetscCall(PetscLogEventEnd(FRG_EVENT_OUTPUT, 0, 0, 0, 0));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* /flow/u [records, cells] from the stored records (none without a grid: tasks other than flow).
 * Collective. */
static PetscErrorCode FrgOutputWriteStates(FrgOutput out)
{
  hid_t   group, space, dset;
  hsize_t dims[2];

  PetscFunctionBeginUser;
  if (!out->cells) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(FrgH5OpenGroup(out->comm, out->file, "/flow", &group));
  dims[0] = (hsize_t)out->records;
  dims[1] = (hsize_t)out->cells;
  space   = H5Screate_simple(2, dims, NULL);
  dset    = H5Dcreate2(group, "u", H5T_NATIVE_DOUBLE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  PetscCheck(dset >= 0, out->comm, PETSC_ERR_FILE_WRITE, "cannot create /flow/u");
  if (out->records) PetscCall(FrgOutputWriteColumns(out, dset, out->records, out->xs, out->xm, out->rows)); /* MPI-IO fails on empty writes */
  PetscCall(FrgH5WriteAttributeString(out->comm, dset, "description", "u = dU/dphi, cell averages, [time, cell]; time as in /flow/t"));
  FrgCallHDF5(out->comm, H5Dclose(dset));
  FrgCallHDF5(out->comm, H5Sclose(space));
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
