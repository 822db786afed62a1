/* The results table of a scan, written once every point is finished, from the journal:
 *   -output FILE (HDF5)  /scan/point, /scan/<axis> (numbers, or strings when a value is not a number),
 *                        /scan/<result>, /scan/status (0 ok, 1 failed), /scan/message (strings);
 *                        /scan attributes hash, vary, zip, bisect, points; /provenance as for a flow
 *   -scan_csv FILE       the same table as CSV (default: the output name with .csv for .h5)
 * Rows are in point order (the order of FrgScanSpecValue). Both files are written as FILE.partial
 * and renamed, so an existing table is only ever replaced by a complete one of the same scan. */
#define _DEFAULT_SOURCE /* fdopen */
#include <frg/output.h>
#include <frg/scan_impl.h>
#include <frg/tune.h>
#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>

/* Collective: fails if -output exists and is not the table of this scan (nothing is overwritten). */
PetscErrorCode FrgScanCheckExistingOutput(FrgScan *scan)
{
  int  verdict = 0; /* 0: absent or same scan, 1: not a scan table, 2: another scan */
  char found[64] = "";

  PetscFunctionBeginUser;
  if (!scan->world_rank && !access(scan->output, F_OK)) {
    hid_t file, attr, type;
    H5E_BEGIN_TRY
    {
      file = H5Fopen(scan->output, H5F_ACC_RDONLY, H5P_DEFAULT);
      attr = file >= 0 ? H5Aopen_by_name(file, "/scan", "hash", H5P_DEFAULT, H5P_DEFAULT) : -1;
    }
    H5E_END_TRY;
    verdict = 1;
    if (attr >= 0) {
      type = H5Aget_type(attr);
      if (H5Tget_class(type) == H5T_STRING && H5Tget_size(type) < sizeof(found) && H5Aread(attr, type, found) >= 0) verdict = strcmp(found, scan->hash_text) ? 2 : 0;
      H5Tclose(type);
      H5Aclose(attr);
    }
    if (file >= 0) H5Fclose(file);
  }
  PetscCallMPI(MPI_Bcast(&verdict, 1, MPI_INT, 0, scan->world));
  PetscCallMPI(MPI_Bcast(found, sizeof(found), MPI_CHAR, 0, scan->world));
  PetscCheck(verdict != 1, scan->world, PETSC_ERR_USER_INPUT, "-output %s exists and is not a scan table: nothing was changed; remove it or choose another -output", scan->output);
  PetscCheck(verdict != 2, scan->world, PETSC_ERR_USER_INPUT, "-output %s holds the results of a different scan (hash=%s, this scan has hash=%s): nothing was changed; remove it or choose another -output",
             scan->output, found, scan->hash_text);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Whether path is a CSV table frg wrote: its first line is "point,...,status,message". Not collective. */
static PetscBool FrgScanCSVWrittenByFrg(const char path[])
{
  char  line[8192];
  FILE *fp = fopen(path, "r");
  int   ok;

  if (!fp) return PETSC_FALSE;
  ok = fgets(line, sizeof(line), fp) && !strncmp(line, "point,", 6) && strstr(line, ",status,message\n");
  fclose(fp);
  return (PetscBool)ok;
}

/* Collective, before any work: the table, its CSV copy and the journal are three different files; an
 * existing -scan_csv is replaced only if frg wrote it (or with -output_overwrite); -output is not a
 * folder and holds nothing but this scan's table (FrgScanCheckExistingOutput). */
PetscErrorCode FrgScanCheckOutputs(FrgScan *scan)
{
  const char *paths[3] = {scan->output, scan->csv, scan->journal}, *options[3] = {"-output", "-scan_csv", "-output (its journal)"};
  struct stat info;
  int         verdict = 0; /* 1: a folder, 2: not a regular file or not frg's CSV */

  PetscFunctionBeginUser;
  PetscCall(FrgCheckOutputRoles(scan->world, 3, paths, options));
  if (!scan->world_rank && !stat(scan->csv, &info)) verdict = S_ISDIR(info.st_mode) ? 1 : (!scan->overwrite && (!S_ISREG(info.st_mode) || !FrgScanCSVWrittenByFrg(scan->csv))) ? 2 : 0;
  PetscCallMPI(MPI_Bcast(&verdict, 1, MPI_INT, 0, scan->world));
  PetscCheck(verdict != 1, scan->world, PETSC_ERR_USER_INPUT, "-scan_csv %s is a folder, not a file", scan->csv);
  PetscCheck(verdict != 2, scan->world, PETSC_ERR_USER_INPUT, "-scan_csv %s exists and was not written by frg: refusing to replace it (give -output_overwrite to replace it anyway)", scan->csv);
  PetscCall(FrgScanCheckExistingOutput(scan));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Collective: a dataset of fixed-length strings, written by rank 0. */
static PetscErrorCode FrgScanWriteStrings(MPI_Comm comm, hid_t group, const char name[], PetscInt count, const char *(*get)(void *, PetscInt), void *ctx)
{
  size_t width = 1;
  char  *buffer;
  hid_t  type = H5Tcopy(H5T_C_S1);

  PetscFunctionBeginUser;
  for (PetscInt i = 0; i < count; i++) width = PetscMax(width, strlen(get(ctx, i)) + 1);
  PetscCall(PetscCalloc1(width * PetscMax(count, 1), &buffer));
  for (PetscInt i = 0; i < count; i++) memcpy(buffer + i * width, get(ctx, i), strlen(get(ctx, i)));
  FrgCallHDF5(comm, H5Tset_size(type, width));
  FrgCallHDF5(comm, H5Tset_strpad(type, H5T_STR_NULLTERM));
  PetscCall(FrgH5WriteColumnOfType(comm, group, name, type, buffer, count));
  FrgCallHDF5(comm, H5Tclose(type));
  PetscCall(PetscFree(buffer));
  PetscFunctionReturn(PETSC_SUCCESS);
}

typedef struct {
  const FrgScan     *scan;
  const FrgScanRows *rows;
  const PetscInt    *order; /* row of each point */
  PetscInt           axis;
} FrgScanColumn;

static const char *FrgScanAxisValue(void *ctx, PetscInt i)
{
  FrgScanColumn *c = (FrgScanColumn *)ctx;
  return FrgScanSpecValue(&c->scan->spec, i, c->axis);
}

static const char *FrgScanMessage(void *ctx, PetscInt i)
{
  FrgScanColumn *c = (FrgScanColumn *)ctx;
  return c->rows->message[c->order[i]];
}

/* A column of axis values: numbers when every value is one, else strings. */
static PetscErrorCode FrgScanWriteAxis(FrgScanColumn *c, hid_t group, PetscReal *work)
{
  const FrgScanAxis *axis = &c->scan->spec.axes[c->axis];
  PetscBool          numeric = PETSC_TRUE;
  PetscInt           n       = c->scan->spec.points;

  PetscFunctionBeginUser;
  for (PetscInt i = 0; i < axis->count && numeric; i++) {
    char *end;
    (void)strtod(axis->values[i], &end);
    numeric = (PetscBool)(end != axis->values[i] && !*end);
  }
  if (numeric) {
    for (PetscInt i = 0; i < n; i++) work[i] = strtod(FrgScanAxisValue(c, i), NULL);
    PetscCall(FrgH5WriteColumn(c->scan->world, group, axis->name, work, n));
  } else PetscCall(FrgScanWriteStrings(c->scan->world, group, axis->name, n, FrgScanAxisValue, c));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode FrgScanWriteAttributes(const FrgScan *scan, hid_t group)
{
  MPI_Comm comm = scan->world;

  PetscFunctionBeginUser;
  PetscCall(FrgH5WriteAttributeString(comm, group, "hash", scan->hash_text));
  PetscCall(FrgH5WriteAttributeString(comm, group, "vary", scan->vary));
  PetscCall(FrgH5WriteAttributeString(comm, group, "zip", scan->zip));
  PetscCall(FrgH5WriteAttributeString(comm, group, "bisect", scan->bisect));
  PetscCall(FrgH5WriteAttributeString(comm, group, "task", scan->task[0] ? scan->task : "flow"));
  PetscCall(FrgH5WriteAttributeInt(comm, group, "points", scan->spec.points));
  PetscCall(FrgH5WriteAttributeString(comm, group, "description",
                                      "one row per scan point; status 0 = ok, 1 = failed (see message); results of failed points are NaN; bisection: critical = midpoint of [critical_low, critical_high]"));
  {
    char      names[2][80]; /* -tune: the coupling every point used (src/tune/tune.c) */
    PetscReal values[2];
    PetscInt  flows;
    PetscBool done;
    PetscCall(FrgTuneGetAttributes(&done, names, values, &flows));
    for (int i = 0; done && i < 2; i++) PetscCall(FrgH5WriteAttributeReal(comm, group, names[i], values[i]));
    if (done) PetscCall(FrgH5WriteAttributeInt(comm, group, "tuned_flows", flows));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode FrgScanWriteHDF5(FrgScan *scan, FrgScanColumn *c, hid_t file)
{
  hid_t      group;
  PetscInt   n = scan->spec.points;
  PetscReal *work;
  FrgOutput  out;

  PetscFunctionBeginUser;
  PetscCall(PetscMalloc1(PetscMax(n, 1), &work));
  PetscCall(FrgH5OpenGroup(scan->world, file, "/scan", &group));
  for (PetscInt i = 0; i < n; i++) work[i] = (PetscReal)i;
  PetscCall(FrgH5WriteColumn(scan->world, group, "point", work, n));
  for (c->axis = 0; c->axis < scan->spec.naxes; c->axis++) PetscCall(FrgScanWriteAxis(c, group, work));
  for (PetscInt r = 0; r < scan->nresults; r++) {
    for (PetscInt i = 0; i < n; i++) work[i] = c->rows->values[c->order[i] * scan->nresults + r];
    PetscCall(FrgH5WriteColumn(scan->world, group, scan->result_names[r], work, n));
  }
  for (PetscInt i = 0; i < n; i++) work[i] = c->rows->status[c->order[i]];
  PetscCall(FrgH5WriteColumn(scan->world, group, "status", work, n));
  PetscCall(FrgScanWriteStrings(scan->world, group, "message", n, FrgScanMessage, c));
  PetscCall(FrgScanWriteAttributes(scan, group));
  FrgCallHDF5(scan->world, H5Gclose(group));
  /* the provenance of a flow file, through a FrgOutput that borrows our file handle; it stores the
   * options database, which must be the same on every rank (collective HDF5 metadata), so every
   * rank sets the options of point 0 again (the dry run inserted the same names in the same order) */
  PetscCall(FrgScanSetPoint(scan, 0, scan->bisect[0] ? scan->bisect_low : NULL));
  PetscCall(PetscOptionsSetValue(NULL, "-output", scan->output));
  PetscCall(FrgOutputCreate(scan->world, &out));
  out->file = file;
  PetscCall(FrgOutputWriteProvenance(out));
  out->file = H5I_INVALID_HID;
  PetscCall(FrgOutputDestroy(&out));
  PetscCall(PetscFree(work));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static void FrgScanCSVField(FILE *fp, const char text[])
{
  fputc('"', fp);
  for (const char *c = text; *c; c++) {
    if (*c == '"') fputc('"', fp);
    fputc(*c, fp);
  }
  fputc('"', fp);
}

/* An axis value that is a finite number is written as the number (the text as given), so that CSV
 * readers type the column; anything else as a quoted string. */
static void FrgScanCSVValue(FILE *fp, const char text[])
{
  char  *end;
  double v = strtod(text, &end);

  while (end && *end == ' ') end++;
  if (text[0] && text[0] != ' ' && end && !*end && isfinite(v)) fputs(text, fp);
  else FrgScanCSVField(fp, text);
}

/* Rank 0: the CSV table, in a file created exclusively (never through a link). Returns 0 or errno. */
static int FrgScanWriteCSV(const FrgScan *scan, const FrgScanColumn *c, const char path[])
{
  int   fd = FrgCreateExclusive(path), err;
  FILE *fp = fd >= 0 ? fdopen(fd, "w") : NULL;

  if (!fp) {
    err = errno;
    if (fd >= 0) close(fd);
    return err;
  }
  fprintf(fp, "point");
  for (PetscInt a = 0; a < scan->spec.naxes; a++) fprintf(fp, ",%s", scan->spec.axes[a].name);
  for (PetscInt r = 0; r < scan->nresults; r++) fprintf(fp, ",%s", scan->result_names[r]);
  fprintf(fp, ",status,message\n");
  for (PetscInt i = 0; i < scan->spec.points; i++) {
    const PetscInt row = c->order[i];
    fprintf(fp, "%lld", (long long)i);
    for (PetscInt a = 0; a < scan->spec.naxes; a++) {
      fputc(',', fp);
      FrgScanCSVValue(fp, FrgScanSpecValue(&scan->spec, i, a));
    }
    for (PetscInt r = 0; r < scan->nresults; r++) fprintf(fp, ",%.17g", (double)c->rows->values[row * scan->nresults + r]);
    fprintf(fp, ",%d,", (int)c->rows->status[row]);
    FrgScanCSVField(fp, c->rows->message[row]);
    fputc('\n', fp);
  }
  err = ferror(fp) ? EIO : 0;
  if (fclose(fp)) err = errno;
  return err;
}

/* Collective on world: creates path empty and exclusively on rank 0 (see FrgCreateExclusive). */
static PetscErrorCode FrgScanCreatePartial(MPI_Comm comm, const char path[], const char option[])
{
  PetscMPIInt rank;
  int         err = 0;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  if (!rank) {
    int fd = FrgCreateExclusive(path);
    if (fd < 0) err = errno;
    else close(fd);
  }
  PetscCallMPI(MPI_Bcast(&err, 1, MPI_INT, 0, comm));
  PetscCheck(err != EEXIST, comm, PETSC_ERR_USER_INPUT, "%s: %s exists and is not a regular file (a link?): refusing to write through it", option, path);
  PetscCheck(!err, comm, PETSC_ERR_FILE_OPEN, "%s: %s cannot be written: %s", option, path, strerror(err));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Collective on world. rows holds every point exactly once. */
PetscErrorCode FrgScanWriteTable(FrgScan *scan, const FrgScanRows *rows)
{
  FrgScanColumn c = {scan, rows, NULL, 0};
  PetscInt     *order;
  char          partial[PETSC_MAX_PATH_LEN + 32];
  hid_t         fapl, file;
  int           err = 0;

  PetscFunctionBeginUser;
  PetscCall(PetscMalloc1(PetscMax(scan->spec.points, 1), &order));
  for (PetscInt r = 0; r < rows->count; r++) order[rows->point[r]] = r;
  c.order = order;
  /* unique per writer: two jobs of an array that finish together must not write the same partial file */
  {
    int pid = (int)getpid();
    PetscCallMPI(MPI_Bcast(&pid, 1, MPI_INT, 0, scan->world));
    PetscCall(PetscSNPrintf(partial, sizeof(partial), "%s.%d.partial", scan->output, pid));
  }
  PetscCall(FrgScanCreatePartial(scan->world, partial, "-output"));
  PetscCall(FrgRegisterPartialFile(partial));
  PetscCall(FrgH5FileAccess(scan->world, &fapl));
  file = H5Fcreate(partial, H5F_ACC_TRUNC, H5P_DEFAULT, fapl);
  FrgCallHDF5(scan->world, H5Pclose(fapl));
  PetscCheck(file >= 0, scan->world, PETSC_ERR_FILE_OPEN, "-output %s: HDF5 cannot create %s", scan->output, partial);
  PetscCall(FrgScanWriteHDF5(scan, &c, file));
  FrgCallHDF5(scan->world, H5Fclose(file));
  PetscCallMPI(MPI_Barrier(scan->world));
  if (!scan->world_rank) {
    char csv_partial[PETSC_MAX_PATH_LEN + 32];
    snprintf(csv_partial, sizeof(csv_partial), "%s.%d.partial", scan->csv, (int)getpid());
    err = FrgScanWriteCSV(scan, &c, csv_partial);
    if (!err && rename(csv_partial, scan->csv)) err = errno;
    if (!err && rename(partial, scan->output)) err = errno;
    if (err) unlink(csv_partial);
  }
  PetscCallMPI(MPI_Bcast(&err, 1, MPI_INT, 0, scan->world));
  if (err && !scan->world_rank) unlink(partial);
  PetscCall(FrgUnregisterPartialFile(partial));
  PetscCheck(!err, scan->world, PETSC_ERR_FILE_WRITE, "-output %s / -scan_csv %s cannot be written: %s", scan->output, scan->csv, strerror(err));
  PetscCall(PetscFree(order));
  PetscFunctionReturn(PETSC_SUCCESS);
}
