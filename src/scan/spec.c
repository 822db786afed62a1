/* Scan specification: the points of a scan from -scan_vary and -scan_zip.
 *
 *   -scan_vary "N=1,2,3,4; d=linspace(2.5,3.5,11)"   Cartesian product of the axes (first axis slowest)
 *   -scan_zip  "N=1,2,4; d=3,3.5,4"                   lists of equal length taken together (one axis,
 *                                                      varying fastest; combined with -scan_vary if both)
 * An axis is NAME=ITEM,ITEM,... with NAME an option of the flow without its dash (N, d, grid_cells,
 * integrator, ...) or a placeholder ${NAME} in -potential; an ITEM is a literal value (kept verbatim)
 * or linspace(a,b,n) (n equally spaced values from a to b) or logspace(a,b,n) (10^a to 10^b). */
#include <frg/scan_impl.h>
#include <ctype.h>

static PetscErrorCode FrgScanAxisAdd(FrgScanAxis *axis, const char value[])
{
  PetscFunctionBeginUser;
  PetscCall(PetscRealloc(sizeof(char *) * (axis->count + 1), &axis->values));
  PetscCall(PetscStrallocpy(value, &axis->values[axis->count]));
  axis->count++;
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscBool FrgScanParseReal(const char text[], PetscReal *value)
{
  char *end;

  while (isspace((unsigned char)*text)) text++;
  *value = strtod(text, &end);
  if (end == text) return PETSC_FALSE;
  while (isspace((unsigned char)*end)) end++;
  return *end ? PETSC_FALSE : PETSC_TRUE;
}

/* linspace(a,b,n) / logspace(a,b,n): item is the text inside the parentheses. */
static PetscErrorCode FrgScanAxisRange(MPI_Comm comm, const char option[], FrgScanAxis *axis, const char item[], PetscBool logarithmic)
{
  char      args[3][128], value[64];
  PetscReal a, b, n;
  int       count = 0;

  PetscFunctionBeginUser;
  for (const char *p = item; count < 3;) {
    const char *comma = strchr(p, ',');
    size_t      len   = comma ? (size_t)(comma - p) : strlen(p);
    PetscCheck(len < sizeof(args[0]), comm, PETSC_ERR_USER_INPUT, "%s: malformed range in axis %s, got \"%s\"", option, axis->name, item);
    memcpy(args[count], p, len);
    args[count++][len] = 0;
    if (!comma) break;
    p = comma + 1;
  }
  PetscCheck(count == 3 && FrgScanParseReal(args[0], &a) && FrgScanParseReal(args[1], &b) && FrgScanParseReal(args[2], &n), comm, PETSC_ERR_USER_INPUT,
             "%s: a range needs three numbers (start, end, count) in axis %s, got \"%s\"", option, axis->name, item);
  PetscCheck(n >= 1 && n == PetscFloorReal(n), comm, PETSC_ERR_USER_INPUT, "%s: empty range in axis %s: the count must be an integer >= 1, got \"%s\"", option, axis->name, item);
  PetscCheck(n <= 1000000, comm, PETSC_ERR_USER_INPUT, "%s: range in axis %s has too many values, got \"%s\"", option, axis->name, item);
  for (PetscInt i = 0; i < (PetscInt)n; i++) {
    PetscReal x = n > 1 ? a + (b - a) * i / (n - 1) : a;
    PetscCall(PetscSNPrintf(value, sizeof(value), "%.17g", (double)(logarithmic ? PetscPowReal(10.0, x) : x)));
    PetscCall(FrgScanAxisAdd(axis, value));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Splits "a,b,linspace(1,2,3)" at the commas outside parentheses. */
static PetscErrorCode FrgScanAxisItems(MPI_Comm comm, const char option[], FrgScanAxis *axis, char *items)
{
  char *start = items;
  int   depth = 0;

  PetscFunctionBeginUser;
  for (char *p = items;; p++) {
    if (*p == '(') depth++;
    if (*p == ')') depth--;
    PetscCheck(depth >= 0 && depth <= 1, comm, PETSC_ERR_USER_INPUT, "%s: unbalanced parentheses in axis %s, got \"%s\"", option, axis->name, items);
    if ((*p == ',' && depth == 0) || !*p) {
      const char end = *p;
      char      *item;
      *p = 0;
      PetscCall(FrgScanTrim(start, &item));
      PetscCheck(item[0], comm, PETSC_ERR_USER_INPUT, "%s: empty value in axis %s", option, axis->name);
      if (!strncmp(item, "linspace(", 9) || !strncmp(item, "logspace(", 9)) {
        size_t len = strlen(item);
        PetscCheck(item[len - 1] == ')', comm, PETSC_ERR_USER_INPUT, "%s: malformed range in axis %s, got \"%s\"", option, axis->name, item);
        item[len - 1] = 0;
        PetscCall(FrgScanAxisRange(comm, option, axis, item + 9, item[1] == 'o' ? PETSC_TRUE : PETSC_FALSE));
      } else PetscCall(FrgScanAxisAdd(axis, item));
      if (!end) break;
      start = p + 1;
    }
  }
  PetscCheck(depth == 0, comm, PETSC_ERR_USER_INPUT, "%s: unbalanced parentheses in axis %s", option, axis->name);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Removes surrounding blanks in place. Not collective. */
PetscErrorCode FrgScanTrim(char *text, char **trimmed)
{
  size_t len;

  PetscFunctionBeginUser;
  while (isspace((unsigned char)*text)) text++;
  len = strlen(text);
  while (len && isspace((unsigned char)text[len - 1])) text[--len] = 0;
  *trimmed = text;
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode FrgScanParseAxis(MPI_Comm comm, const char option[], FrgScanSpec *spec, char *text)
{
  char        *eq = strchr(text, '='), *name;
  FrgScanAxis *axis;

  PetscFunctionBeginUser;
  PetscCheck(eq, comm, PETSC_ERR_USER_INPUT, "%s: malformed axis: expected NAME=VALUES, got \"%s\"", option, text);
  PetscCheck(spec->naxes < FRG_SCAN_MAX_AXES, comm, PETSC_ERR_USER_INPUT, "%s: at most %d axes, got more", option, FRG_SCAN_MAX_AXES);
  *eq = 0;
  PetscCall(FrgScanTrim(text, &name));
  if (name[0] == '-') name++;
  PetscCheck(name[0] && strlen(name) < sizeof(axis->name), comm, PETSC_ERR_USER_INPUT, "%s: malformed axis: empty or too long option name, got \"%s\"", option, text);
  for (const char *c = name; *c; c++)
    PetscCheck(isalnum((unsigned char)*c) || *c == '_', comm, PETSC_ERR_USER_INPUT, "%s: malformed option name \"%s\": letters, digits and _ only", option, name);
  for (PetscInt a = 0; a < spec->naxes; a++)
    PetscCheck(strcmp(spec->axes[a].name, name), comm, PETSC_ERR_USER_INPUT, "%s: option %s is scanned twice", option, name);
  axis = &spec->axes[spec->naxes++];
  PetscCall(PetscStrncpy(axis->name, name, sizeof(axis->name)));
  PetscCall(FrgScanAxisItems(comm, option, axis, eq + 1));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode FrgScanParseList(MPI_Comm comm, const char option[], FrgScanSpec *spec, const char text[])
{
  char *copy, *start;

  PetscFunctionBeginUser;
  PetscCall(PetscStrallocpy(text, &copy));
  start = copy;
  for (char *p = copy;; p++) {
    if (*p == ';' || !*p) {
      const char end = *p;
      char      *axis;
      *p = 0;
      PetscCall(FrgScanTrim(start, &axis));
      if (axis[0]) PetscCall(FrgScanParseAxis(comm, option, spec, axis));
      if (!end) break;
      start = p + 1;
    }
  }
  PetscCall(PetscFree(copy));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Collective (every rank parses the same text). Without axes (allowed for a single bisection) the
 * scan has one point. */
PetscErrorCode FrgScanSpecParse(MPI_Comm comm, const char vary[], const char zip[], PetscBool axes_optional, FrgScanSpec *spec)
{
  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(spec, sizeof(*spec)));
  PetscCall(FrgScanParseList(comm, "-scan_vary", spec, vary));
  spec->nvary = spec->naxes;
  PetscCall(FrgScanParseList(comm, "-scan_zip", spec, zip));
  spec->nzip   = spec->naxes - spec->nvary;
  spec->points = 1;
  for (PetscInt a = 0; a < spec->nvary; a++) spec->points *= spec->axes[a].count;
  for (PetscInt a = spec->nvary; a < spec->naxes; a++)
    PetscCheck(spec->axes[a].count == spec->axes[spec->nvary].count, comm, PETSC_ERR_USER_INPUT, "-scan_zip: lists must have equal lengths, %s has %" PetscInt_FMT " values and %s has %" PetscInt_FMT,
               spec->axes[a].name, spec->axes[a].count, spec->axes[spec->nvary].name, spec->axes[spec->nvary].count);
  if (spec->nzip) spec->points *= spec->axes[spec->nvary].count;
  PetscCheck(spec->naxes > 0 || axes_optional, comm, PETSC_ERR_USER_INPUT, "-task scan needs -scan_vary or -scan_zip (or -scan_bisect alone), e.g. -scan_vary \"N=1,2; d=linspace(2.5,3.5,11)\"");
  PetscCheck(spec->points <= 100000000, comm, PETSC_ERR_USER_INPUT, "-scan_vary: %" PetscInt_FMT " points is too many", spec->points);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The value of axis a at point p. Not collective. */
const char *FrgScanSpecValue(const FrgScanSpec *spec, PetscInt p, PetscInt a)
{
  PetscInt stride = 1;

  if (a >= spec->nvary) return spec->axes[a].values[p % spec->axes[a].count];
  if (spec->nzip) stride = spec->axes[spec->nvary].count;
  for (PetscInt b = spec->nvary - 1; b > a; b--) stride *= spec->axes[b].count;
  return spec->axes[a].values[(p / stride) % spec->axes[a].count];
}

PetscErrorCode FrgScanSpecDestroy(FrgScanSpec *spec)
{
  PetscFunctionBeginUser;
  for (PetscInt a = 0; a < spec->naxes; a++) {
    for (PetscInt i = 0; i < spec->axes[a].count; i++) PetscCall(PetscFree(spec->axes[a].values[i]));
    PetscCall(PetscFree(spec->axes[a].values));
  }
  spec->naxes = 0;
  PetscFunctionReturn(PETSC_SUCCESS);
}
