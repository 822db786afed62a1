/* FrgInitialize/FrgFinalize: PETSc start-up with frg's own handling of the deck and of errors.
 *  - The deck (-options_file FILE, YAML when FILE ends in .yaml/.yml, PETSc format otherwise) is read
 *    after PetscInitialize, under our error handler, so a missing or malformed deck gives a one-line
 *    error; the command line is inserted again afterwards, so every key of a deck can be overridden.
 *  - Errors print one line "frg: error: ..." (once per communicator) instead of PETSc's traceback;
 *    -frg_traceback restores the traceback.
 *  - An option that no object used is an error (FrgCheckUnusedOptions), so a typo never runs a default. */
#include <frg/leakcheck.h>
#include <frg/scan.h>
#include <ctype.h>
#include <errno.h>
#include <hdf5.h>

PetscLogEvent FRG_EVENT_RHS, FRG_EVENT_JACOBIAN, FRG_EVENT_OUTPUT, FRG_EVENT_OBSERVABLES;
PetscLogEvent FRG_EVENT_BAND_FACTOR, FRG_EVENT_BAND_SOLVE;
PetscLogEvent FRG_EVENT_SAMPLE_SORT, FRG_EVENT_SAMPLE_FLOOR, FRG_EVENT_SAMPLE_CHECKS, FRG_EVENT_SAMPLE_MAP;
PetscLogStage FRG_STAGE_SETUP, FRG_STAGE_INTEGRATE, FRG_STAGE_OUTPUT, FRG_STAGE_REPORT;

static char  frg_deck_path[PETSC_MAX_PATH_LEN];
static char *frg_deck_text    = NULL;
static char *frg_command_line = NULL;
static char  frg_argument_error[PETSC_MAX_PATH_LEN + 256]; /* found in argv before PetscInitialize, raised after it */

PETSC_INTERN PetscErrorCode FrgDeckRead(MPI_Comm, const char *, char **);

const char *FrgDeckText(void)
{
  return frg_deck_text ? frg_deck_text : "";
}

PETSC_INTERN const char *FrgCommandLine(void)
{
  return frg_command_line ? frg_command_line : "";
}

/* PETSc's messages for a value that does not convert ("Input string abc has no integer value",
 * "Unknown logical value: abc") do not say which option had it: find it in the database. */
static void FrgNameOptionOfValue(const char *mess, char *out, size_t len)
{
  const char *value = NULL, *end = NULL;
  char        token[256], *all = NULL, *p;

  out[0] = 0;
  if (!mess) return;
  if (!strncmp(mess, "Input string ", 13)) {
    value = mess + 13;
    end   = strstr(value, " has no");
  } else if ((value = strstr(mess, "logical value: "))) {
    value += 15;
    end = value + strcspn(value, " \n");
  }
  if (!value || !end || end <= value || (size_t)(end - value) >= sizeof(token)) return;
  memcpy(token, value, (size_t)(end - value));
  token[end - value] = 0;
  if (PetscOptionsGetAll(NULL, &all) || !all) return;
  /* "-key value -key value ...": the key just before " token" */
  for (p = strstr(all, token); p; p = strstr(p + 1, token)) {
    char *q = p - 1, *key;
    if (q <= all || *q != ' ' || (p[strlen(token)] && p[strlen(token)] != ' ')) continue;
    while (q > all && *(q - 1) == ' ') q--;
    key = q;
    while (key > all && *(key - 1) != ' ') key--;
    if (*key == '-') {
      snprintf(out, len, "%.*s %s: not a valid value for this option (%s)", (int)(q - key), key, token, mess);
      break;
    }
  }
  PetscFree(all);
}

static PetscErrorCode FrgErrorHandler(MPI_Comm comm, int line, const char *fun, const char *file, PetscErrorCode n, PetscErrorType p, const char *mess, void *ctx)
{
  int  rank = 0, initialized = 0, finalized = 0;
  char named[512];

  if (p != PETSC_ERROR_INITIAL) return n;
  MPI_Initialized(&initialized);
  MPI_Finalized(&finalized);
  if (initialized && !finalized && comm != MPI_COMM_NULL) MPI_Comm_rank(comm, &rank);
  if (rank) return n;
  if (n == PETSC_ERR_USER_INPUT && initialized && !finalized && comm != MPI_COMM_NULL) {
    /* bad input found by an object each rank has alone (per-rank models and score flows): the options
     * are the same on every rank, so every rank finds it; world rank 0 says it once */
    int size = 0, world = 0;
    MPI_Comm_size(comm, &size);
    MPI_Comm_rank(MPI_COMM_WORLD, &world);
    if (size == 1 && world) return n;
  }
  FrgNameOptionOfValue(mess, named, sizeof(named));
  if (named[0]) {
    /* raised on PETSC_COMM_SELF by every rank: the options are the same everywhere, say it once */
    int world = 0;
    if (initialized && !finalized) MPI_Comm_rank(MPI_COMM_WORLD, &world);
    if (!world) fprintf(stderr, "frg: error: %s\n", named);
  } else if (n == PETSC_ERR_USER_INPUT || n == PETSC_ERR_FILE_OPEN || n == PETSC_ERR_NOT_CONVERGED) fprintf(stderr, "frg: error: %s\n", mess ? mess : "(no message)");
  else fprintf(stderr, "frg: error: %s [%s() at %s:%d, PETSc error %d]\n", mess ? mess : "(no message)", fun, file, line, (int)n);
  fflush(stderr);
  return n;
}

/* Options whose value is an expression that may start with '-' ("-potential '-phi^2/2 + phi^4/24'"):
 * PETSc would read such a value as the next option, so we take the next argument as the value. */
static const char *const frg_expression_options[] = {"-potential", "-scan_vary", "-field_potential"};
#define FRG_EXPRESSION_OPTIONS ((int)(sizeof(frg_expression_options) / sizeof(frg_expression_options[0])))
static const char *frg_expression_values[FRG_EXPRESSION_OPTIONS];

/* An option name, not a value: "-N", not "-1.5" */
static int FrgArgumentIsOption(const char *arg)
{
  return arg[0] == '-' && arg[1] && !isdigit((unsigned char)arg[1]) && arg[1] != '.';
}

/* -options_file FILE: one deck, named by a path that fits. */
static void FrgTakeDeckPath(int argc, char **argv, int i)
{
  if (frg_argument_error[0]) return;
  if (i + 1 >= argc || FrgArgumentIsOption(argv[i + 1]) || !argv[i + 1][0])
    snprintf(frg_argument_error, sizeof(frg_argument_error), "-options_file needs a value (the deck file), got %s", i + 1 < argc ? (argv[i + 1][0] ? argv[i + 1] : "an empty string") : "none");
  else if (frg_deck_path[0])
    snprintf(frg_argument_error, sizeof(frg_argument_error), "-options_file is given twice (%.1000s, then %.1000s): give one deck, and override its keys on the command line", frg_deck_path, argv[i + 1]);
  else if (strlen(argv[i + 1]) >= sizeof(frg_deck_path))
    snprintf(frg_argument_error, sizeof(frg_argument_error), "-options_file %.60s... is too long: at most %d characters", argv[i + 1], (int)sizeof(frg_deck_path) - 1);
  else strcpy(frg_deck_path, argv[i + 1]);
}

/* Removes "-options_file FILE" (read later, under our error handler) and the expression options
 * (inserted verbatim later) from argv. An argument that is neither an option nor the value after one
 * (frg inputs/default.yaml) is an error: PETSc ignores it, and the built-in defaults ran. */
static void FrgTakeDeckArgument(int *argc, char ***argv)
{
  int out = 1, after_option = 0;

  for (int i = 1; i < *argc; i++) {
    const char *arg   = (*argv)[i];
    int         taken = 0;
    if (!strcmp(arg, "-options_file")) {
      FrgTakeDeckPath(*argc, *argv, i);
      i++, after_option = 0;
      continue;
    }
    if (!FrgArgumentIsOption(arg) && !after_option && !frg_argument_error[0])
      snprintf(frg_argument_error, sizeof(frg_argument_error), "argument %.*s is not an option: frg takes -NAME VALUE pairs only (a deck is read with -options_file %.*s)", PETSC_MAX_PATH_LEN / 2, arg, PETSC_MAX_PATH_LEN / 2, arg);
    after_option = FrgArgumentIsOption(arg);
    for (int e = 0; e < FRG_EXPRESSION_OPTIONS && i + 1 < *argc; e++) {
      if (!strcmp(arg, frg_expression_options[e])) {
        frg_expression_values[e] = (*argv)[++i];
        taken = 1, after_option = 0;
        break;
      }
    }
    if (!taken) (*argv)[out++] = (*argv)[i];
  }
  *argc = out;
  (*argv)[out] = NULL;
}

static PetscErrorCode FrgRegisterEvents(void)
{
  PetscClassId id;

  PetscFunctionBeginUser;
  PetscCall(PetscClassIdRegister("frg", &id));
  PetscCall(PetscLogEventRegister("FrgRHS", id, &FRG_EVENT_RHS));
  PetscCall(PetscLogEventRegister("FrgJacobian", id, &FRG_EVENT_JACOBIAN));
  PetscCall(PetscLogEventRegister("FrgOutput", id, &FRG_EVENT_OUTPUT));
  PetscCall(PetscLogEventRegister("FrgBandLUFactor", id, &FRG_EVENT_BAND_FACTOR));
  PetscCall(PetscLogEventRegister("FrgBandLUSolve", id, &FRG_EVENT_BAND_SOLVE));
  PetscCall(PetscLogEventRegister("FrgObservables", id, &FRG_EVENT_OBSERVABLES));
  PetscCall(PetscLogEventRegister("FrgSampleSort", id, &FRG_EVENT_SAMPLE_SORT));
  PetscCall(PetscLogEventRegister("FrgSampleFloor", id, &FRG_EVENT_SAMPLE_FLOOR));
  PetscCall(PetscLogEventRegister("FrgScoreChecks", id, &FRG_EVENT_SAMPLE_CHECKS));
  PetscCall(PetscLogEventRegister("FrgTransportMap", id, &FRG_EVENT_SAMPLE_MAP));
  PetscCall(PetscLogStageRegister("Setup", &FRG_STAGE_SETUP));
  PetscCall(PetscLogStageRegister("Integrate", &FRG_STAGE_INTEGRATE));
  PetscCall(PetscLogStageRegister("Output", &FRG_STAGE_OUTPUT));
  PetscCall(PetscLogStageRegister("Report", &FRG_STAGE_REPORT));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static void FrgRecordCommandLine(int argc, char **argv)
{
  size_t len = 1;

  for (int i = 0; i < argc; i++) len += strlen(argv[i]) + 3;
  frg_command_line = (char *)calloc(len, 1);
  for (int i = 0; i < argc; i++) {
    int quote = strchr(argv[i], ' ') != NULL;
    if (i) strcat(frg_command_line, " ");
    if (quote) strcat(frg_command_line, "\"");
    strcat(frg_command_line, argv[i]);
    if (quote) strcat(frg_command_line, "\"");
  }
}

/* PetscInitialize starts the event log for a -log_view on the command line; one in the deck is read
 * only afterwards, and PetscFinalize failed with "Must use -log_view". Before any event of ours. */
static PetscErrorCode FrgDeckStartLog(void)
{
  PetscBool log_view = PETSC_FALSE;

  PetscFunctionBeginUser;
  PetscCall(PetscOptionsHasName(NULL, NULL, "-log_view", &log_view));
  if (log_view) PetscCall(PetscLogDefaultBegin());
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Collective on MPI_COMM_WORLD. */
PetscErrorCode FrgInitialize(int *argc, char ***argv, const char help[])
{
  PetscBool      traceback = PETSC_FALSE;
  PetscErrorCode ierr;

  FrgRecordCommandLine(*argc, *argv);
  FrgTakeDeckArgument(argc, argv);
  FrgLeakCheckPause();
  ierr = PetscInitialize(argc, argv, NULL, help);
  FrgLeakCheckResume();
  if (ierr) return ierr;
  PetscFunctionBeginUser;
  PetscCall(FrgSignalInstall()); /* PetscInitialize replaced main's handlers with its aborting ones */
  PetscCall(PetscOptionsGetBool(NULL, NULL, "-frg_traceback", &traceback, NULL));
  if (!traceback) PetscCall(PetscPushErrorHandler(FrgErrorHandler, NULL));
  PetscCall(FrgRegisterEvents());
  /* HDF5 sets up its type conversions and property classes on first use (about 2 ms); that is
   * start-up, like PetscInitialize, not part of the first task's work */
  PetscCheck(H5open() >= 0, PETSC_COMM_WORLD, PETSC_ERR_LIB, "the HDF5 library failed to initialize");
  PetscCheck(!frg_argument_error[0], PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "%s", frg_argument_error);
  if (frg_deck_path[0]) PetscCall(FrgDeckRead(PETSC_COMM_WORLD, frg_deck_path, &frg_deck_text));
  PetscCall(FrgDeckStartLog());
  /* the command line wins over the deck */
  PetscCall(PetscOptionsInsert(NULL, argc, argv, NULL));
  for (int e = 0; e < FRG_EXPRESSION_OPTIONS; e++)
    if (frg_expression_values[e]) PetscCall(PetscOptionsSetValue(NULL, frg_expression_options[e], frg_expression_values[e]));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode FrgFinalize(void)
{
  PetscErrorCode ierr;

  free(frg_deck_text);
  free(frg_command_line);
  frg_deck_text    = NULL;
  frg_command_line = NULL;
  FrgLeakCheckNow();
  ierr = PetscFinalize();
  return ierr;
}

PetscErrorCode FrgHelpRequested(PetscBool *help)
{
  PetscFunctionBeginUser;
  PetscCall(PetscOptionsHasHelp(NULL, help));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Options that PETSc itself reads after frg's objects are set up (at the end, in PetscFinalize, or
 * lazily) and that frg allows: exact names, so that a typo with a PETSc-like prefix (-log_vieww,
 * -info_level, -mpi_foo, -N_view, -helpme) is an unknown option like any other. What PETSc reads in
 * PetscInitialize is marked used there and never reaches this list. */
static PetscBool FrgOptionIsInfrastructure(const char name[])
{
  static const char *allowed[] = {"log_view", "log_view_memory", "log_view_gpu_time", "log_all", "log_trace", "log_exclude", "log_sync", "info", "malloc_debug", "malloc_dump", "malloc_view", "malloc_view_threshold", "malloc_test", "memory_view", "objects_dump", "options_left", "options_view", "options_monitor", "options_monitor_cancel", "help", "frg_traceback", "fp_trap", "on_error_abort", "no_signal_handler", "check_pointer_intensity", "citations"};

  for (size_t i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++)
    if (!strcmp(name, allowed[i])) return PETSC_TRUE;
  return PETSC_FALSE;
}

PetscErrorCode FrgCheckUnusedOptions(MPI_Comm comm)
{
  PetscInt n;
  char   **names, **values;
  char     list[2048] = "";
  PetscInt bad        = 0;

  PetscFunctionBeginUser;
  PetscCall(PetscOptionsLeftGet(NULL, &n, &names, &values));
  for (PetscInt i = 0; i < n; i++) {
    if (FrgOptionIsInfrastructure(names[i])) continue;
    if (bad++) PetscCall(PetscStrlcat(list, ", ", sizeof(list)));
    PetscCall(PetscStrlcat(list, "-", sizeof(list)));
    PetscCall(PetscStrlcat(list, names[i], sizeof(list)));
    if (values[i]) {
      PetscCall(PetscStrlcat(list, " ", sizeof(list)));
      PetscCall(PetscStrlcat(list, values[i], sizeof(list)));
    }
  }
  PetscCall(PetscOptionsLeftRestore(NULL, &n, &names, &values));
  PetscCheck(!bad, comm, PETSC_ERR_USER_INPUT, "unknown option%s %s: no part of this run uses %s (see -help for the options of -task)", bad > 1 ? "s" : "", list,
             bad > 1 ? "them" : "it");
  PetscFunctionReturn(PETSC_SUCCESS);
}
