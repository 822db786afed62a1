/* The scan journal OUTPUT.journal: an append-only text file with one line per finished point,
 *   # frg scan journal v1 hash=<16 hex digits> points=<n> results=<names>
 *   <point>\t<status>\t<result 1>\t...\t<result n>\t<message>\t<checksum>
 * (checksum: 8 hex digits of the FNV-1a hash of the line before its last tab). A line that does not
 * parse exactly (a torn, damaged or edited row: wrong field count, a value that is not a number, a
 * status other than 0 or 1, a point out of range, a wrong checksum) is ignored and its point runs
 * again, so a damaged journal never puts a wrong row into the table.
 * Each line is written with one write() under an exclusive flock: once write() returns, the row
 * survives a kill -9 of the process (it is in the kernel's page cache), and a torn last line (no
 * newline) is cut off when the journal is opened again. Against a crash of the node the journal is
 * also fsync'ed, at most every -scan_fsync_interval seconds (default 1; 0: after every point), so
 * that fsync latency on a busy file system does not become the scan's overhead per point; rows lost
 * in a node crash are recomputed, never duplicated. Several processes (the group leaders of one job, or the jobs of
 * an array) append to the same journal. The hash identifies the scan: a journal of another scan is
 * refused and never modified. Only group leaders touch the file; errors are raised on the world
 * communicator by the collective callers. */
#define _DEFAULT_SOURCE /* flock, ftruncate */
#include <frg/scan_impl.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

/* FNV-1a hash of a journal line: detects a damaged or edited row. */
static unsigned FrgScanChecksum(const char *line, size_t len)
{
  unsigned hash = 2166136261u;

  for (size_t i = 0; i < len; i++) hash = (hash ^ (unsigned char)line[i]) * 16777619u;
  return hash;
}

/* Reads the whole file; the caller frees *text. Returns 0 or errno. */
static int FrgScanSlurp(int fd, char **text, size_t *size)
{
  struct stat st;
  ssize_t     got = 0;

  if (fstat(fd, &st)) return errno;
  *size = (size_t)st.st_size;
  *text = (char *)malloc(*size + 1);
  if (!*text) return ENOMEM;
  while ((size_t)got < *size) {
    ssize_t n = pread(fd, *text + got, *size - (size_t)got, got);
    if (n <= 0) {
      free(*text);
      return n < 0 ? errno : EIO;
    }
    got += n;
  }
  (*text)[*size] = 0;
  return 0;
}

/* Rank-local: creates the header, or checks it and cuts a torn last line. 0, errno, or -1 (other scan). */
static int FrgScanJournalPrepare(FrgScan *scan, int fd, char found[], size_t found_len)
{
  char   header[4096], *text = NULL, *newline;
  size_t size, len;
  int    err;

  len = (size_t)snprintf(header, sizeof(header), "# frg scan journal v1 hash=%s points=%lld results=", scan->hash_text, (long long)scan->spec.points);
  for (PetscInt r = 0; r < scan->nresults; r++) len += (size_t)snprintf(header + len, sizeof(header) - len, "%s%s", r ? "," : "", scan->result_names[r]);
  len += (size_t)snprintf(header + len, sizeof(header) - len, "\n");
  if ((err = FrgScanSlurp(fd, &text, &size))) return err;
  if (!size) {
    err = write(fd, header, len) == (ssize_t)len && !fsync(fd) ? 0 : errno;
  } else if (strncmp(text, header, len)) {
    newline = strchr(text, '\n');
    snprintf(found, found_len, "%.*s", newline ? (int)(newline - text) : (int)PetscMin(size, 200), text);
    err = -1;
  } else if (text[size - 1] != '\n') {
    /* a torn line from a killed run: cut it (the point runs again) */
    newline = strrchr(text, '\n');
    err     = ftruncate(fd, (off_t)(newline - text + 1)) ? errno : 0;
  }
  free(text);
  return err;
}

/* Collective on world: rank 0 creates or checks the journal first, then every group leader opens it. */
PetscErrorCode FrgScanJournalOpen(FrgScan *scan)
{
  int  err = 0;
  char found[256] = "";

  PetscFunctionBeginUser;
  scan->journal_fd = -1;
  if (!scan->world_rank) {
    int fd = open(scan->journal, O_RDWR | O_CREAT | O_APPEND, 0644);
    if (fd < 0) err = errno;
    else {
      if (flock(fd, LOCK_EX)) err = errno;
      else err = FrgScanJournalPrepare(scan, fd, found, sizeof(found));
      flock(fd, LOCK_UN);
      close(fd);
    }
  }
  PetscCallMPI(MPI_Bcast(&err, 1, MPI_INT, 0, scan->world));
  PetscCallMPI(MPI_Bcast(found, sizeof(found), MPI_CHAR, 0, scan->world));
  PetscCheck(err != -1, scan->world, PETSC_ERR_USER_INPUT,
             "-output %s: its journal %s belongs to a different scan (its header is \"%s\", this scan has hash=%s): nothing was changed; remove the journal or choose another -output",
             scan->output, scan->journal, found, scan->hash_text);
  PetscCheck(!err, scan->world, PETSC_ERR_FILE_OPEN, "-output %s: the scan journal %s cannot be opened: %s", scan->output, scan->journal, strerror(err));
  if (!scan->group_rank) {
    scan->journal_fd = open(scan->journal, O_RDWR | O_APPEND); /* read too: the claims of journal_claim.c */
    if (scan->journal_fd < 0) err = errno;
  }
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &err, 1, MPI_INT, MPI_MAX, scan->world));
  PetscCheck(!err, scan->world, PETSC_ERR_FILE_OPEN, "-output %s: the scan journal %s cannot be opened for appending", scan->output, scan->journal);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Not collective: a group leader records one finished point (one write, then fsync). */
PetscErrorCode FrgScanJournalAppend(FrgScan *scan, PetscInt point, int status, const PetscReal values[], const char message[])
{
  char   line[FRG_SCAN_MESSAGE_LEN + 64 * FRG_SCAN_MAX_RESULTS];
  size_t len;
  int    ok;

  PetscFunctionBeginUser;
  len = (size_t)snprintf(line, sizeof(line), "%lld\t%d", (long long)point, status);
  for (PetscInt r = 0; r < scan->nresults; r++) len += (size_t)snprintf(line + len, sizeof(line) - len, "\t%.17g", (double)values[r]);
  len += (size_t)snprintf(line + len, sizeof(line) - len, "\t");
  for (const char *c = message; *c && len < sizeof(line) - 16; c++) line[len++] = (*c == '\t' || *c == '\n' || *c == '\r') ? ' ' : *c;
  len += (size_t)snprintf(line + len, sizeof(line) - len, "\t%08x\n", FrgScanChecksum(line, len));
  ok = !flock(scan->journal_fd, LOCK_EX);
  ok = ok && write(scan->journal_fd, line, len) == (ssize_t)len;
  flock(scan->journal_fd, LOCK_UN);
  if (ok && MPI_Wtime() - scan->last_fsync >= scan->fsync_interval) {
    ok               = !fdatasync(scan->journal_fd);
    scan->last_fsync = MPI_Wtime();
  }
  PetscCheck(ok, PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE, "-output %s: cannot append to the scan journal %s: %s", scan->output, scan->journal, strerror(errno));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode FrgScanRowsReserve(FrgScanRows *rows, PetscInt count, PetscInt nresults)
{
  PetscFunctionBeginUser;
  PetscCall(PetscCalloc4(PetscMax(count, 1), &rows->point, PetscMax(count, 1), &rows->status, PetscMax(count, 1) * nresults, &rows->values, PetscMax(count, 1), &rows->message));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Whether line[0..len) (no newline) is a row with a valid checksum; *point is its point. Not collective
 * (the claims of journal_claim.c: a damaged row does not mark its point finished). */
PetscBool FrgScanJournalRowPoint(const FrgScan *scan, const char *line, size_t len, PetscInt *point)
{
  char          text[64];
  const char   *sum = NULL;
  char         *end;
  long long     p;

  for (size_t i = 0; i < len; i++)
    if (line[i] == '\t') sum = line + i;
  if (!sum || line + len - (sum + 1) != 8) return PETSC_FALSE;
  memcpy(text, sum + 1, 8);
  text[8] = 0;
  if (strtoul(text, &end, 16) != FrgScanChecksum(line, (size_t)(sum - line)) || *end) return PETSC_FALSE;
  p = strtoll(line, &end, 10);
  if (end == line || *end != '\t' || p < 0 || p >= scan->spec.points) return PETSC_FALSE;
  *point = (PetscInt)p;
  return PETSC_TRUE;
}

/* Rank 0: one row line (without its newline) into row r; 0, or -1 if it does not parse exactly. */
static int FrgScanJournalParseLine(const FrgScan *scan, char *line, FrgScanRows *rows, PetscInt r)
{
  char         *end, *field, *sum = strrchr(line, '\t');
  long long     point;
  long          status;
  unsigned long stored;

  if (!sum || strlen(sum + 1) != 8) return -1;
  stored = strtoul(sum + 1, &end, 16);
  if (*end || stored != FrgScanChecksum(line, (size_t)(sum - line))) return -1;
  *sum   = 0;
  errno  = 0;
  point  = strtoll(line, &end, 10);
  if (end == line || *end != '\t' || errno || point < 0 || point >= scan->spec.points) return -1;
  status = strtol(end + 1, &field, 10);
  if (field == end + 1 || *field != '\t' || (status != 0 && status != 1)) return -1;
  for (PetscInt k = 0; k < scan->nresults; k++) {
    const char *start = field + 1;
    rows->values[r * scan->nresults + k] = (PetscReal)strtod(start, &field);
    if (field == start || *field != '\t') return -1;
  }
  if (strlen(field + 1) >= FRG_SCAN_MESSAGE_LEN) return -1;
  rows->point[r]  = (PetscInt)point;
  rows->status[r] = (PetscReal)status;
  strcpy(rows->message[r], field + 1);
  return 0;
}

/* Rank 0: parses the rows of the journal text; a point seen twice keeps its first row; a line that
 * does not parse is ignored (its point runs again) and counted in *damaged. */
static PetscErrorCode FrgScanJournalParse(FrgScan *scan, char *text, size_t size, FrgScanRows *rows, PetscInt *damaged)
{
  PetscInt    lines = 0;
  char       *line, *next;
  char       *seen;
  const char *end = text + size;

  PetscFunctionBeginUser;
  *damaged = 0;
  for (size_t i = 0; i < size; i++) lines += text[i] == '\n';
  PetscCall(FrgScanRowsReserve(rows, lines, scan->nresults));
  PetscCall(PetscCalloc1(scan->spec.points, &seen));
  for (line = text; line < end; line = next) { /* by size: a NUL byte in a line damages that line only */
    next = (char *)memchr(line, '\n', (size_t)(end - line));
    if (!next) break; /* torn line */
    *next++ = 0;
    if (line[0] == '#' && strlen(line) == (size_t)(next - 1 - line)) continue;
    if (strlen(line) != (size_t)(next - 1 - line) || FrgScanJournalParseLine(scan, line, rows, rows->count)) {
      (*damaged)++;
      continue;
    }
    if (seen[rows->point[rows->count]]) continue;
    seen[rows->point[rows->count]] = 1;
    rows->count++;
  }
  PetscCall(PetscFree(seen));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Collective on world: rank 0 reads the finished rows, every rank gets a copy. */
PetscErrorCode FrgScanJournalRead(FrgScan *scan, FrgScanRows *rows)
{
  char    *text = NULL;
  size_t   size = 0;
  int      err  = 0;
  PetscInt count, damaged = 0;

  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(rows, sizeof(*rows)));
  if (!scan->world_rank) {
    int fd = open(scan->journal, O_RDONLY);
    if (fd < 0) err = errno;
    else {
      flock(fd, LOCK_SH);
      err = FrgScanSlurp(fd, &text, &size);
      flock(fd, LOCK_UN);
      close(fd);
    }
    if (!err) PetscCall(FrgScanJournalParse(scan, text, size, rows, &damaged));
    free(text);
    if (damaged) PetscCall(PetscPrintf(PETSC_COMM_SELF, "[frg scan] %s: %" PetscInt_FMT " damaged line%s ignored: their points run again\n", scan->journal, damaged, damaged > 1 ? "s" : ""));
  }
  PetscCallMPI(MPI_Bcast(&err, 1, MPI_INT, 0, scan->world));
  PetscCheck(!err, scan->world, PETSC_ERR_FILE_OPEN, "-output %s: the scan journal %s cannot be read: %s", scan->output, scan->journal, strerror(err));
  count = rows->count;
  PetscCallMPI(MPI_Bcast(&count, 1, MPIU_INT, 0, scan->world));
  if (scan->world_rank) {
    PetscCall(FrgScanRowsReserve(rows, count, scan->nresults));
    rows->count = count;
  }
  PetscCallMPI(MPI_Bcast(rows->point, (PetscMPIInt)count, MPIU_INT, 0, scan->world));
  PetscCallMPI(MPI_Bcast(rows->status, (PetscMPIInt)count, MPIU_REAL, 0, scan->world));
  PetscCallMPI(MPI_Bcast(rows->values, (PetscMPIInt)(count * scan->nresults), MPIU_REAL, 0, scan->world));
  PetscCallMPI(MPI_Bcast(rows->message, (PetscMPIInt)(count * FRG_SCAN_MESSAGE_LEN), MPI_CHAR, 0, scan->world));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode FrgScanRowsDestroy(FrgScanRows *rows)
{
  PetscFunctionBeginUser;
  PetscCall(PetscFree4(rows->point, rows->status, rows->values, rows->message));
  rows->count = 0;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode FrgScanJournalClose(FrgScan *scan)
{
  PetscFunctionBeginUser;
  if (scan->journal_fd >= 0) {
    (void)fdatasync(scan->journal_fd);
    close(scan->journal_fd);
  }
  scan->journal_fd = -1;
  free(scan->done);
  scan->done = NULL;
  PetscFunctionReturn(PETSC_SUCCESS);
}
