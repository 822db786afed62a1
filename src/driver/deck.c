/* The deck (-options_file FILE): read on rank 0, broadcast, checked and inserted by every rank from
 * the same text, so that every rank reaches the same verdict (a syntax error used to be found by rank 0
 * alone inside PetscOptionsInsertFile, and the other ranks waited for it forever).
 * Refused, naming the key or the line: a file that is not a regular file (a FIFO blocked the open), a NUL
 * byte (the text after it was dropped), a key without a value (the default ran), a key given twice, a
 * second YAML document (---), a key options_file (a deck does not read another), and in a PETSc-format
 * deck a line that does not start with -NAME. */
#include <frg/impl.h>
#include <errno.h>
#include <sys/stat.h>

#define FRG_DECK_MAX_BYTES (16L << 20)
#define FRG_DECK_MAX_KEYS  1024
#define FRG_DECK_DEPTH     16

typedef struct {
  char problem[512]; /* the first problem found, or "" */
  char keys[FRG_DECK_MAX_KEYS][FRG_NAME_LEN];
  int  lines[FRG_DECK_MAX_KEYS];
  int  nkeys;
} FrgDeckScan;

/* Rank 0 reads the file; err is an errno, or -1 (not a regular file), -2 (too large). */
static char *FrgDeckReadFile(const char *path, long *size, int *err)
{
  struct stat st;
  char       *text = NULL;
  FILE       *fp;

  *size = 0;
  if (stat(path, &st)) return *err = errno, NULL;
  if (!S_ISREG(st.st_mode)) return *err = -1, NULL;
  if (st.st_size > FRG_DECK_MAX_BYTES) return *err = -2, NULL;
  if (!(fp = fopen(path, "rb"))) return *err = errno, NULL;
  *size = (long)st.st_size;
  text  = (char *)calloc((size_t)*size + 1, 1);
  if (!text || fread(text, 1, (size_t)*size, fp) != (size_t)*size) *err = EIO;
  fclose(fp);
  return text;
}

static PetscErrorCode FrgDeckLoad(MPI_Comm comm, const char *path, char **text, long *size)
{
  PetscMPIInt rank;
  int         err = 0;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  *text = NULL;
  if (!rank) *text = FrgDeckReadFile(path, size, &err);
  PetscCallMPI(MPI_Bcast(&err, 1, MPI_INT, 0, comm));
  PetscCheck(err != -1, comm, PETSC_ERR_FILE_OPEN, "-options_file %s is not a regular file (a directory, FIFO or device): give a deck file", path);
  PetscCheck(err != -2, comm, PETSC_ERR_FILE_OPEN, "-options_file %s is larger than %ld bytes: not a deck", path, FRG_DECK_MAX_BYTES);
  PetscCheck(!err, comm, PETSC_ERR_FILE_OPEN, "-options_file %s cannot be read: %s", path, strerror(err));
  PetscCallMPI(MPI_Bcast(size, 1, MPI_LONG, 0, comm));
  if (rank) *text = (char *)calloc((size_t)*size + 1, 1);
  PetscCallMPI(MPI_Bcast(*text, (int)*size, MPI_CHAR, 0, comm));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* A viewer in a deck writes only to stdout or to a relative path below the working folder: a deck is
 * data that may come from elsewhere, and "grid_dm_view: ascii:../x" or "log_view: :/etc/x" wrote
 * outside the run's folder. Keys: NAME_view (TYPE:FILE:FORMAT), log_trace and info (FILE first). */
static void FrgDeckCheckViewer(FrgDeckScan *scan, const char *key, const char *value, int line)
{
  char        copy[PETSC_MAX_PATH_LEN], *file;
  size_t      n = strlen(key);
  int         view = n > 5 && !strcmp(key + n - 5, "_view");

  if (scan->problem[0] || (!view && strcmp(key, "log_trace") && strcmp(key, "info"))) return;
  snprintf(copy, sizeof(copy), "%s", value);
  copy[strcspn(copy, " \t#")] = 0;
  if (copy[0] == '"' || copy[0] == '\'') memmove(copy, copy + 1, strlen(copy)), copy[strcspn(copy, "\"'")] = 0;
  file = copy;
  if (view) {
    char *colon = strchr(copy, ':');
    copy[strcspn(copy, ":")] = 0;
    if (copy[0] && strcmp(copy, "ascii") && strcmp(copy, "binary") && strcmp(copy, "hdf5")) {
      snprintf(scan->problem, sizeof(scan->problem), "line %d: key %.100s: viewer type %.200s is not allowed in a deck (ascii, binary or hdf5; others on the command line)", line, key, copy);
      return;
    }
    file = colon ? colon + 1 : copy + strlen(copy);
  }
  file[strcspn(file, ":")] = 0;
  if (file[0] == '/' || file[0] == '~' || strstr(file, ".."))
    snprintf(scan->problem, sizeof(scan->problem), "line %d: key %.100s writes to %.200s: a deck may write only to stdout or to a relative path without .. (give it on the command line to write elsewhere)", line, key, file);
}

/* Records KEY (first seen on LINE); a problem if it was seen before or names another deck. */
static void FrgDeckAddKey(FrgDeckScan *scan, const char *key, const char *value, int line)
{
  FrgDeckCheckViewer(scan, key, value, line);
  if (scan->problem[0]) return;
  if (!strcmp(key, "options_file")) {
    snprintf(scan->problem, sizeof(scan->problem), "line %d: key options_file: a deck cannot read another deck (give one -options_file)", line);
    return;
  }
  for (int i = 0; i < scan->nkeys; i++)
    if (!strcmp(scan->keys[i], key)) {
      snprintf(scan->problem, sizeof(scan->problem), "key %s is given twice (lines %d and %d): give it once", key, scan->lines[i], line);
      return;
    }
  if (scan->nkeys == FRG_DECK_MAX_KEYS) {
    snprintf(scan->problem, sizeof(scan->problem), "more than %d keys", FRG_DECK_MAX_KEYS);
    return;
  }
  snprintf(scan->keys[scan->nkeys], FRG_NAME_LEN, "%s", key);
  scan->lines[scan->nkeys++] = line;
}

/* One line of text (without its newline) into buf; returns the start of the next line or NULL. */
static const char *FrgDeckNextLine(const char *p, char *buf, size_t len)
{
  size_t n = strcspn(p, "\n");
  snprintf(buf, len, "%.*s", (int)(n < len ? n : len - 1), p);
  buf[strcspn(buf, "\r")] = 0;
  return p[n] ? p + n + 1 : NULL;
}

typedef struct {
  int  depth, indent[FRG_DECK_DEPTH];
  char key[FRG_DECK_DEPTH][FRG_NAME_LEN];
  int  pending, pending_line, pending_indent; /* a key without a value: a map, if indented lines follow */
  char pending_key[FRG_NAME_LEN], pending_full[FRG_NAME_LEN];
} FrgDeckYAML;

/* "KEY:" with nothing after it and no indented map below: the default would run. PETSc's viewers
 * (NAME_view, log_view) take no value to mean stdout; every other key needs one ("progress: true"). */
static void FrgDeckNoValue(FrgDeckScan *scan, FrgDeckYAML *y)
{
  size_t n = strlen(y->pending_full);

  y->pending = 0;
  if (n > 5 && !strcmp(y->pending_full + n - 5, "_view")) FrgDeckAddKey(scan, y->pending_full, "", y->pending_line);
  else snprintf(scan->problem, sizeof(scan->problem), "line %d: key %s has no value (a flag takes true or false)", y->pending_line, y->pending_full);
}

/* A line "KEY: VALUE" at INDENT: its full key (the enclosing maps' keys joined by _, as PETSc does). */
static void FrgDeckYAMLKey(FrgDeckScan *scan, FrgDeckYAML *y, int indent, const char *content, int line)
{
  const char *colon = content;
  const char *value;
  char        key[FRG_NAME_LEN], full[FRG_NAME_LEN] = "";

  while ((colon = strchr(colon, ':')) && colon[1] && colon[1] != ' ' && colon[1] != '\t') colon++;
  if (!colon || colon == content) return; /* not a key: a continued value or a sequence item */
  snprintf(key, sizeof(key), "%.*s", (int)(colon - content), content);
  if (y->pending) {
    if (indent <= y->pending_indent || y->depth == FRG_DECK_DEPTH) {
      FrgDeckNoValue(scan, y);
      if (scan->problem[0]) return;
    } else {
      y->indent[y->depth] = y->pending_indent;
      snprintf(y->key[y->depth++], FRG_NAME_LEN, "%s", y->pending_key);
      y->pending = 0;
    }
  }
  while (y->depth && y->indent[y->depth - 1] >= indent) y->depth--;
  for (int i = 0; i < y->depth; i++) {
    size_t n = strlen(full);
    snprintf(full + n, sizeof(full) - n, "%s_", y->key[i]);
  }
  {
    size_t n = strlen(full);
    snprintf(full + n, sizeof(full) - n, "%s", key);
  }
  for (value = colon + 1; *value == ' ' || *value == '\t'; value++) { }
  if (!*value || *value == '#') {
    y->pending = 1, y->pending_line = line, y->pending_indent = indent;
    snprintf(y->pending_key, sizeof(y->pending_key), "%s", key);
    snprintf(y->pending_full, sizeof(y->pending_full), "%s", full);
    return;
  }
  FrgDeckAddKey(scan, full, value, line);
}

static void FrgDeckScanYAML(FrgDeckScan *scan, const char *text)
{
  FrgDeckYAML y       = {0};
  char        buf[8192];
  int         line    = 0, content = 0;

  for (const char *p = text; p && !scan->problem[0];) {
    const char *c;
    p = FrgDeckNextLine(p, buf, sizeof(buf));
    line++;
    for (c = buf; *c == ' '; c++) { }
    if (!*c || *c == '#') continue;
    if (c == buf && (!strncmp(buf, "---", 3) || !strncmp(buf, "...", 3))) {
      if (content) snprintf(scan->problem, sizeof(scan->problem), "line %d: %.3s starts a second YAML document: a deck is one document", line, buf);
      continue;
    }
    content = 1;
    if (*c != '-') FrgDeckYAMLKey(scan, &y, (int)(c - buf), c, line);
  }
  if (!scan->problem[0] && y.pending) FrgDeckNoValue(scan, &y);
}

/* PETSc format: "-NAME [VALUE]" per line, # starts a comment. */
static void FrgDeckScanPlain(FrgDeckScan *scan, const char *text)
{
  char buf[8192], key[FRG_NAME_LEN];
  int  line = 0;

  for (const char *p = text; p && !scan->problem[0];) {
    char *c;
    p = FrgDeckNextLine(p, buf, sizeof(buf));
    line++;
    buf[strcspn(buf, "#")] = 0;
    for (c = buf; *c == ' ' || *c == '\t'; c++) { }
    if (!*c) continue;
    if (*c != '-') {
      snprintf(scan->problem, sizeof(scan->problem), "line %d: \"%.60s\" does not start with an option -NAME", line, c);
      return;
    }
    snprintf(key, sizeof(key), "%.*s", (int)strcspn(c + 1, " \t"), c + 1);
    c += 1 + strcspn(c + 1, " \t");
    while (*c == ' ' || *c == '\t') c++;
    FrgDeckAddKey(scan, key, c, line);
  }
}

static PetscErrorCode FrgDeckCheck(MPI_Comm comm, const char *path, const char *text, long size, PetscBool yaml)
{
  FrgDeckScan *scan;

  PetscFunctionBeginUser;
  PetscCheck((long)strlen(text) == size, comm, PETSC_ERR_USER_INPUT, "-options_file %s has a NUL byte at offset %zu: not a text deck (the text after it would be lost)", path, strlen(text));
  PetscCall(PetscCalloc1(1, &scan));
  if (yaml) FrgDeckScanYAML(scan, text);
  else FrgDeckScanPlain(scan, text);
  if (scan->problem[0]) {
    char problem[sizeof(scan->problem)];
    PetscCall(PetscStrncpy(problem, scan->problem, sizeof(problem)));
    PetscCall(PetscFree(scan));
    SETERRQ(comm, PETSC_ERR_USER_INPUT, "-options_file %s %s", path, problem);
  }
  PetscCall(PetscFree(scan));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Keeps the first message of an error raised inside PETSc, so that we can report it in our words. */
static char frg_deck_captured[512];
static PetscErrorCode FrgDeckCaptureErrors(MPI_Comm comm, int line, const char *fun, const char *file, PetscErrorCode n, PetscErrorType p, const char *mess, void *ctx)
{
  if (p == PETSC_ERROR_INITIAL && !frg_deck_captured[0]) snprintf(frg_deck_captured, sizeof(frg_deck_captured), "%s", mess ? mess : "");
  return n;
}

/* Every rank inserts the same text: the verdict is the same everywhere, and reported once on comm. */
static PetscErrorCode FrgDeckInsert(MPI_Comm comm, const char *path, const char *text, PetscBool yaml)
{
  PetscErrorCode err = 0;
  char           buf[8192];

  PetscFunctionBeginUser;
  frg_deck_captured[0] = 0;
  PetscCall(PetscPushErrorHandler(FrgDeckCaptureErrors, NULL));
  if (yaml) err = PetscOptionsInsertStringYAML(NULL, text);
  for (const char *p = yaml ? NULL : text; p && !err;) {
    char *key, *value, *end;
    p = FrgDeckNextLine(p, buf, sizeof(buf));
    buf[strcspn(buf, "#")] = 0;
    for (key = buf; *key == ' ' || *key == '\t'; key++) { }
    if (!*key) continue;
    value = key + strcspn(key, " \t");
    if (*value) *value++ = 0;
    for (; *value == ' ' || *value == '\t'; value++) { }
    for (end = value + strlen(value); end > value && (end[-1] == ' ' || end[-1] == '\t'); end--) *(end - 1) = 0;
    if (end - value >= 2 && (*value == '"' || *value == '\'') && end[-1] == *value) end[-1] = 0, value++;
    err = PetscOptionsSetValue(NULL, key, *value ? value : NULL); /* the rest of the line is the value, as PETSc reads it */
  }
  PetscCall(PetscPopErrorHandler());
  PetscCheck(!err, comm, PETSC_ERR_USER_INPUT, "-options_file %s is not a valid %s deck: %s", path, yaml ? "YAML" : "PETSc options", frg_deck_captured);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Collective on comm. Reads, checks and inserts the deck PATH (YAML when it ends in .yaml or .yml);
 * *text is its text (free() it). */
PetscErrorCode FrgDeckRead(MPI_Comm comm, const char *path, char **text)
{
  long      size = 0;
  PetscBool yaml = PETSC_FALSE, yml = PETSC_FALSE;

  PetscFunctionBeginUser;
  PetscCall(PetscStrendswith(path, ".yaml", &yaml));
  PetscCall(PetscStrendswith(path, ".yml", &yml));
  PetscCall(FrgDeckLoad(comm, path, text, &size));
  PetscCall(FrgDeckCheck(comm, path, *text, size, (PetscBool)(yaml || yml)));
  PetscCall(FrgDeckInsert(comm, path, *text, (PetscBool)(yaml || yml)));
  PetscFunctionReturn(PETSC_SUCCESS);
}
