/* Options with a range (include/frg/options.h). PETSc's PetscOptionsReal takes "inf", "nan" and 1e308,
 * PetscOptionsInt reports 99999999999999999999 as -1, and both ignore an option given without a value:
 * here the text the user wrote is checked first, then PETSc reads it (for -help and the used-option
 * bookkeeping), so every bad value ends with one error that names the option and that text. */
#include <frg/options.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>

/* Options are the same on every rank: an object that each rank has alone (on a communicator of one
 * rank, as the per-rank score flows and samplers) finds the same bad value on every rank, so the
 * error is raised on PETSC_COMM_WORLD and printed once, not once per rank. */
static MPI_Comm FrgOptionsComm(PetscOptionItems *items)
{
  PetscMPIInt size = 0;

  if (MPI_Comm_size(items->comm, &size) || size != 1) return items->comm;
  return PETSC_COMM_WORLD;
}

/* The text of NAME in the database (NULL when not given); an error if it was given without a value. */
static PetscErrorCode FrgOptionsText(PetscOptionItems *items, const char name[], const char **text)
{
  PetscBool set = PETSC_FALSE;

  PetscFunctionBeginUser;
  *text = NULL;
  PetscCall(PetscOptionsFindPair(items->options, items->prefix, name, text, &set));
  if (!set) *text = NULL;
  PetscCheck(!set || (*text && (*text)[0]), FrgOptionsComm(items), PETSC_ERR_USER_INPUT, "%s needs a value, got none (%s)", name, set && *text ? "an empty string" : "the option alone");
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode FrgOptionsRequireValue_Private(PetscOptionItems *items, const char name[])
{
  const char *text;

  PetscFunctionBeginUser;
  PetscCall(FrgOptionsText(items, name, &text));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* strtod/strtoll must consume the whole text (trailing blanks allowed). */
static PetscBool FrgOptionsParsedAll(const char *end)
{
  while (*end == ' ' || *end == '\t') end++;
  return *end ? PETSC_FALSE : PETSC_TRUE;
}

static PetscErrorCode FrgOptionsRealChecked(PetscOptionItems *items, const char name[], const char help[], PetscReal value, PetscReal *out, PetscBool *set, PetscReal min, PetscReal max, PetscBool open)
{
  const char *text;
  char        range[128], longhelp[1024];

  PetscFunctionBeginUser;
  snprintf(range, sizeof(range), "%c%g, %g]", open ? '(' : '[', (double)min, (double)max);
  PetscCall(FrgOptionsText(items, name, &text));
  if (text) {
    char  *end = NULL;
    double v   = strtod(text, &end);
    PetscCheck(end != text && FrgOptionsParsedAll(end) && isfinite(v) && (open ? v > min : v >= min) && v <= max, FrgOptionsComm(items), PETSC_ERR_USER_INPUT, "%s must be a finite number in %s, got %s", name, range, text);
  }
  PetscCall(PetscSNPrintf(longhelp, sizeof(longhelp), "%s; in %s", help, range));
  PetscCall(PetscOptionsReal_Private(items, name, longhelp, "", value, out, set));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode FrgOptionsReal_Private(PetscOptionItems *items, const char name[], const char help[], PetscReal value, PetscReal *out, PetscBool *set, PetscReal min, PetscReal max)
{
  PetscFunctionBeginUser;
  PetscCall(FrgOptionsRealChecked(items, name, help, value, out, set, min, max, PETSC_FALSE));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode FrgOptionsRealAbove_Private(PetscOptionItems *items, const char name[], const char help[], PetscReal value, PetscReal *out, PetscBool *set, PetscReal min, PetscReal max)
{
  PetscFunctionBeginUser;
  PetscCall(FrgOptionsRealChecked(items, name, help, value, out, set, min, max, PETSC_TRUE));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode FrgOptionsInt_Private(PetscOptionItems *items, const char name[], const char help[], PetscInt value, PetscInt *out, PetscBool *set, PetscInt min, PetscInt max)
{
  const char *text;
  char        longhelp[1024];

  PetscFunctionBeginUser;
  PetscCall(FrgOptionsText(items, name, &text));
  if (text) {
    char     *end = NULL;
    long long v;
    errno = 0;
    v     = strtoll(text, &end, 10);
    PetscCheck(end != text && FrgOptionsParsedAll(end) && errno != ERANGE && v >= min && v <= max, FrgOptionsComm(items), PETSC_ERR_USER_INPUT, "%s must be an integer in [%" PetscInt_FMT ", %" PetscInt_FMT "], got %s", name, min, max, text);
  }
  PetscCall(PetscSNPrintf(longhelp, sizeof(longhelp), "%s; in [%" PetscInt_FMT ", %" PetscInt_FMT "]", help, min, max));
  PetscCall(PetscOptionsInt_Private(items, name, longhelp, "", value, out, set, PETSC_MIN_INT, PETSC_MAX_INT));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode FrgOptionsString_Private(PetscOptionItems *items, const char name[], const char help[], const char value[], char *out, size_t len, PetscBool *set)
{
  const char *text;

  PetscFunctionBeginUser;
  PetscCall(FrgOptionsText(items, name, &text));
  PetscCheck(!text || strlen(text) < len, FrgOptionsComm(items), PETSC_ERR_USER_INPUT, "%s is too long: %zu characters, at most %zu are taken (it begins %.40s...)", name, text ? strlen(text) : 0, len - 1, text ? text : "");
  PetscCall(PetscOptionsString_Private(items, name, help, "", value, out, len, set));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The value of NAME, if given, must be one of the first n names of list (case-insensitive, as PETSc).
 * PETSc's own error for another name is raised on PETSC_COMM_SELF (once per rank) and does not list
 * the choices. */
static PetscErrorCode FrgOptionsCheckChoice(PetscOptionItems *items, const char name[], const char *const *list, PetscInt n)
{
  const char *text;
  PetscBool   found = PETSC_FALSE;
  char        choices[512] = "";

  PetscFunctionBeginUser;
  PetscCall(FrgOptionsText(items, name, &text));
  for (PetscInt i = 0; i < n; i++) {
    PetscBool same = PETSC_FALSE;
    if (text) PetscCall(PetscStrcasecmp(text, list[i], &same));
    found = (PetscBool)(found || same);
    PetscCall(PetscStrlcat(choices, i ? ", " : "", sizeof(choices)));
    PetscCall(PetscStrlcat(choices, list[i], sizeof(choices)));
  }
  PetscCheck(!text || found, FrgOptionsComm(items), PETSC_ERR_USER_INPUT, "%s %s is not one of the choices: %s", name, text, choices);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* list: the names, then the type name, the prefix and NULL (PETSc's enum lists). */
PetscErrorCode FrgOptionsEnum_Private(PetscOptionItems *items, const char name[], const char help[], const char *const *list, PetscEnum value, PetscEnum *out, PetscBool *set)
{
  PetscInt n = 0;

  PetscFunctionBeginUser;
  while (list[n]) n++;
  PetscCheck(n >= 3, items->comm, PETSC_ERR_PLIB, "%s: the list of choices is malformed", name);
  PetscCall(FrgOptionsCheckChoice(items, name, list, n - 2));
  PetscCall(PetscOptionsEnum_Private(items, name, help, "", list, value, out, set));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode FrgOptionsEList_Private(PetscOptionItems *items, const char name[], const char help[], const char *const *list, PetscInt n, const char value[], PetscInt *out, PetscBool *set)
{
  PetscFunctionBeginUser;
  PetscCall(FrgOptionsCheckChoice(items, name, list, n));
  PetscCall(PetscOptionsEList_Private(items, name, help, "", list, n, value, out, set));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* A comma-separated list of at most *n numbers, each finite and in [min, max] (PETSc ignored the
 * values beyond *n without a word). */
PetscErrorCode FrgOptionsRealArray_Private(PetscOptionItems *items, const char name[], const char help[], PetscReal values[], PetscInt *n, PetscBool *set, PetscReal min, PetscReal max)
{
  const char *text;
  PetscInt    count = 0;
  char        longhelp[1024], range[128];

  PetscFunctionBeginUser;
  snprintf(range, sizeof(range), "[%g, %g]", (double)min, (double)max);
  PetscCall(FrgOptionsText(items, name, &text));
  for (const char *p = text; p; count++) {
    char  *end = NULL;
    double v   = strtod(p, &end);
    while (end && (*end == ' ' || *end == '\t')) end++;
    PetscCheck(end != p && (!*end || *end == ',') && isfinite(v) && v >= min && v <= max, FrgOptionsComm(items), PETSC_ERR_USER_INPUT, "%s must be a comma-separated list of finite numbers in %s, got %s", name, range, text);
    p = *end ? end + 1 : NULL;
  }
  PetscCheck(count <= *n, FrgOptionsComm(items), PETSC_ERR_USER_INPUT, "%s takes at most %" PetscInt_FMT " values, got %" PetscInt_FMT ": %s", name, *n, count, text);
  PetscCall(PetscSNPrintf(longhelp, sizeof(longhelp), "%s; each in %s", help, range));
  PetscCall(PetscOptionsRealArray_Private(items, name, longhelp, "", values, n, set));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* A string option whose empty value means "none" (-scan_bisect "" clears a deck's -scan_bisect): given
 * alone it is empty, not an error; only the length is checked. */
PetscErrorCode FrgOptionsStringOrNone_Private(PetscOptionItems *items, const char name[], const char help[], const char value[], char *out, size_t len, PetscBool *set)
{
  const char *text = NULL;
  PetscBool   given = PETSC_FALSE;

  PetscFunctionBeginUser;
  PetscCall(PetscOptionsFindPair(items->options, items->prefix, name, &text, &given));
  PetscCheck(!given || !text || strlen(text) < len, FrgOptionsComm(items), PETSC_ERR_USER_INPUT, "%s is too long: %zu characters, at most %zu are taken (it begins %.40s...)", name, strlen(text), len - 1, text);
  PetscCall(PetscOptionsString_Private(items, name, help, "", value, out, len, set));
  PetscFunctionReturn(PETSC_SUCCESS);
}
