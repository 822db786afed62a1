/* UV tuning: -tune NAME -tune_range a,b -tune_target OBS=VALUE. Before the run, the value of NAME (an
 * option, or a ${NAME} placeholder of -potential) at which the flow's infrared observable OBS equals
 * VALUE is found, and the run then proceeds with it (a flow, or every point of a scan). Physical
 * parameter sets are defined this way: the UV couplings are fixed by vacuum observables (f_pi by phi0,
 * a mass by m2_radial), -tune_at "T=0; mu=0" setting the options (or placeholders) of that vacuum flow
 * for the tuning only.
 *
 * Root finding, robust to phase jumps: F(x) = OBS(x) - VALUE is sampled at -tune_samples points across
 * the range; each sign change, in order, is narrowed by the Illinois variant of regula falsi (bracketing,
 * superlinear) until the bracket is below -tune_tol or below a tenth of the uncertainty that the
 * flow's own error estimate of OBS puts on x, or until F at the new point is below that error estimate. A sign change across which F stays far from zero on both
 * sides (more than 100 error estimates away when the bracket is already at -tune_tol) is a jump of OBS
 * (a first-order transition), not a root: the next sign change is tried, and the run fails if none is
 * left. The error of the tuned value is half the final bracket plus error(OBS)/|dOBS/dx|, the slope
 * taken from the bracket's ends. Collective on comm. */
#define _POSIX_C_SOURCE 200809L /* strtok_r */
#include <frg/scan_impl.h>
#include <frg/tune.h>
#include <frg/options.h>

#define FRG_TUNE_MAX_AT 16

typedef struct {
  MPI_Comm  comm;
  PetscInt  nsaved;                          /* -tune_at options, as they were before the tuning */
  char      saved_name[FRG_TUNE_MAX_AT][80], saved_value[FRG_TUNE_MAX_AT][256];
  PetscBool saved_set[FRG_TUNE_MAX_AT];
  char      name[64], observable[64], at[1024];
  char      potential[FRG_EXPR_LEN]; /* -potential as given, maybe with ${...} placeholders */
  PetscReal range[2], target, tol;
  PetscInt  samples, max_flows, flows;
} FrgTune;

static FrgTuneResult frg_tuned;

/* The result of the tuning of this run (result->done false when there was none). Not collective. */
PetscErrorCode FrgTuneGetResult(const FrgTuneResult **result)
{
  PetscFunctionBeginUser;
  *result = &frg_tuned;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode FrgTuneGetAttributes(PetscBool *done, char names[2][80], PetscReal values[2], PetscInt *flows)
{
  PetscFunctionBeginUser;
  *done = frg_tuned.done;
  if (!*done) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(PetscSNPrintf(names[0], 80, "tuned_%s", frg_tuned.name));
  PetscCall(PetscSNPrintf(names[1], 80, "tuned_%s_error", frg_tuned.name));
  values[0] = frg_tuned.value, values[1] = frg_tuned.error, *flows = frg_tuned.flows;
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode FrgTuneReadOptions(MPI_Comm comm, FrgTune *tune, PetscBool *set)
{
  char      target[128] = "", *eq, *end;
  PetscInt  n = 2;
  PetscBool set_range = PETSC_FALSE;

  PetscFunctionBeginUser;
  tune->comm = comm, tune->tol = 1e-10, tune->samples = 5, tune->max_flows = 80;
  PetscOptionsBegin(comm, NULL, "UV tuning (any task of flows: flow, scan)", "FrgTune");
  PetscCall(FrgOptionsString("-tune", "Coupling to tune before the run: an option or a ${NAME} placeholder of -potential", tune->name, tune->name, sizeof(tune->name), set));
  PetscCall(FrgOptionsRealArray("-tune_range", "Bracket a,b of the tuned coupling", tune->range, &n, &set_range, -1e15, 1e15));
  PetscCall(FrgOptionsString("-tune_target", "OBS=VALUE: the infrared observable of the model and the value it must take", target, target, sizeof(target), NULL));
  PetscCall(FrgOptionsRealAbove("-tune_tol", "Absolute tolerance of the tuned coupling (the flow's own error may set a coarser one)", tune->tol, &tune->tol, NULL, 0, 1e15));
  PetscCall(FrgOptionsInt("-tune_samples", "Points sampled across -tune_range to find sign changes (first-order jumps are skipped)", tune->samples, &tune->samples, NULL, 2, 1000));
  PetscCall(FrgOptionsInt("-tune_max_flows", "At most this many flows for the tuning", tune->max_flows, &tune->max_flows, NULL, 2, 100000));
  PetscCall(FrgOptionsString("-tune_at", "\"NAME=VALUE; ...\": options or placeholders set for the tuning flows only (e.g. the vacuum, T=0; mu=0)", tune->at, tune->at, sizeof(tune->at), NULL));
  PetscOptionsEnd();
  PetscCall(PetscOptionsGetString(NULL, NULL, "-potential", tune->potential, sizeof(tune->potential), NULL));
  if (!*set) PetscFunctionReturn(PETSC_SUCCESS);
  if (tune->name[0] == '-') PetscCall(PetscStrncpy(tune->name, tune->name + 1, sizeof(tune->name)));
  PetscCheck(tune->name[0], comm, PETSC_ERR_USER_INPUT, "-tune needs the name of an option or of a ${NAME} placeholder of -potential");
  PetscCheck(set_range && n == 2 && tune->range[0] < tune->range[1] && PetscIsNormalReal(tune->range[1] - tune->range[0]), comm, PETSC_ERR_USER_INPUT, "-tune %s needs -tune_range a,b with finite a < b",
             tune->name);
  eq = strchr(target, '=');
  PetscCheck(eq && eq > target, comm, PETSC_ERR_USER_INPUT, "-tune_target must be OBS=VALUE (e.g. phi0=0.0932), got \"%s\"", target);
  *eq = 0;
  PetscCall(PetscStrncpy(tune->observable, target, sizeof(tune->observable)));
  tune->target = strtod(eq + 1, &end);
  PetscCheck(end != eq + 1 && !*end && PetscIsNormalReal(tune->target + 1), comm, PETSC_ERR_USER_INPUT, "-tune_target %s=%s: the value is not a finite number", tune->observable, eq + 1);
  PetscCheck(tune->max_flows >= tune->samples, comm, PETSC_ERR_USER_INPUT, "-tune_max_flows %" PetscInt_FMT " must be at least -tune_samples %" PetscInt_FMT, tune->max_flows, tune->samples);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Sets NAME = value in the options, or in potential when NAME is one of its placeholders. */
static PetscErrorCode FrgTuneSet(const char name[], const char value[], char potential[])
{
  char key[80], option[80];

  PetscFunctionBeginUser;
  PetscCall(PetscSNPrintf(key, sizeof(key), "${%s}", name));
  if (strstr(potential, key)) PetscCall(FrgScanSubstitute(potential, FRG_EXPR_LEN, name, value));
  else {
    PetscCall(PetscSNPrintf(option, sizeof(option), "-%s", name));
    PetscCall(PetscOptionsSetValue(NULL, option, value));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Remembers the option NAME (not a placeholder of potential) before -tune_at sets it, once. */
static PetscErrorCode FrgTuneSave(FrgTune *tune, const char name[], const char potential[])
{
  char key[80];

  PetscFunctionBeginUser;
  PetscCall(PetscSNPrintf(key, sizeof(key), "${%s}", name));
  if (strstr(potential, key)) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(PetscSNPrintf(key, sizeof(key), "-%s", name));
  for (PetscInt i = 0; i < tune->nsaved; i++)
    if (!strcmp(tune->saved_name[i], key)) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCheck(tune->nsaved < FRG_TUNE_MAX_AT, tune->comm, PETSC_ERR_USER_INPUT, "-tune_at sets at most %d options", FRG_TUNE_MAX_AT);
  PetscCall(PetscStrncpy(tune->saved_name[tune->nsaved], key, sizeof(tune->saved_name[0])));
  PetscCall(PetscOptionsGetString(NULL, NULL, key, tune->saved_value[tune->nsaved], sizeof(tune->saved_value[0]), &tune->saved_set[tune->nsaved]));
  tune->nsaved++;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* -tune_at "T=0; mu=0" into potential (placeholders) or the options. */
static PetscErrorCode FrgTuneSetAt(FrgTune *tune, char potential[])
{
  char at[1024], *item, *rest = at, *eq, *name, *value;

  PetscFunctionBeginUser;
  PetscCall(PetscStrncpy(at, tune->at, sizeof(at)));
  while ((item = strtok_r(rest, ";", &rest))) {
    eq = strchr(item, '=');
    PetscCheck(eq, tune->comm, PETSC_ERR_USER_INPUT, "-tune_at: \"%s\" is not NAME=VALUE", item);
    *eq = 0;
    PetscCall(FrgScanTrim(item, &name));
    PetscCall(FrgScanTrim(eq + 1, &value));
    PetscCheck(name[0] && value[0], tune->comm, PETSC_ERR_USER_INPUT, "-tune_at: an item has no name or no value");
    if (name[0] == '-') name++;
    PetscCall(FrgTuneSave(tune, name, potential));
    PetscCall(FrgTuneSet(name, value, potential));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The -tune_at options back to what they were (a scan or the flow sets its own values). */
static PetscErrorCode FrgTuneRestoreAt(FrgTune *tune)
{
  PetscFunctionBeginUser;
  for (PetscInt i = 0; i < tune->nsaved; i++) {
    if (tune->saved_set[i]) PetscCall(PetscOptionsSetValue(NULL, tune->saved_name[i], tune->saved_value[i]));
    else PetscCall(PetscOptionsClearValue(NULL, tune->saved_name[i]));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* One vacuum flow at NAME = x: F = OBS - target and the flow's error estimate of OBS (0 without one). */
static PetscErrorCode FrgTuneEvaluate(FrgTune *tune, PetscReal x, PetscReal *F, PetscReal *error)
{
  char          value[64], potential[FRG_EXPR_LEN];
  FrgFlowResult r;
  PetscInt      c = 0;

  PetscFunctionBeginUser;
  PetscCheck(tune->flows < tune->max_flows, tune->comm, PETSC_ERR_NOT_CONVERGED, "-tune %s: no root to -tune_tol %g within -tune_max_flows %" PetscInt_FMT " flows", tune->name, (double)tune->tol, tune->max_flows);
  PetscCall(PetscStrncpy(potential, tune->potential, sizeof(potential)));
  PetscCall(FrgTuneSetAt(tune, potential));
  PetscCall(PetscSNPrintf(value, sizeof(value), "%.17g", (double)x));
  PetscCall(FrgTuneSet(tune->name, value, potential));
  if (tune->potential[0]) PetscCall(PetscOptionsSetValue(NULL, "-potential", potential));
  PetscCall(FrgFlowSolve(tune->comm, PETSC_TRUE, &r));
  tune->flows++;
  while (c < r.count && strcmp(r.names[c], tune->observable)) c++;
  PetscCheck(c < r.count, tune->comm, PETSC_ERR_USER_INPUT, "-tune_target %s: the model has no observable of that name", tune->observable);
  PetscCheck(PetscIsNormalReal(r.obs.value[c] + 1), tune->comm, PETSC_ERR_NOT_CONVERGED, "-tune %s: the flow at %s = %g gives %s = %g", tune->name, tune->name, (double)x, tune->observable, (double)r.obs.value[c]);
  *F     = r.obs.value[c] - tune->target;
  *error = r.obs.estimated && PetscIsNormalReal(r.obs.error[c] + 1) ? r.obs.error[c] : 0;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Narrows the sign change [a, b] (Fa, Fb of opposite signs). *root false if it is a jump. */
static PetscErrorCode FrgTuneNarrow(FrgTune *tune, PetscReal a, PetscReal Fa, PetscReal ea, PetscReal b, PetscReal Fb, PetscReal eb, PetscBool *root)
{
  const PetscReal initial_slope = (Fb - Fa) / (b - a);
  int             side          = 0;

  PetscFunctionBeginUser;
  for (;;) {
    const PetscReal slope = (Fb - Fa) / (b - a), spread = PetscMax(ea, eb) / PetscMax(PetscAbsReal(slope), PETSC_SMALL);
    PetscReal       x, Fx, ex;
    if (b - a <= tune->tol || b - a <= 0.1 * spread) break;
    x = (a * Fb - b * Fa) / (Fb - Fa);                                          /* regula falsi */
    if (!(x > a && x < b)) x = 0.5 * (a + b); /* rounding at a tiny bracket */
    PetscCall(FrgTuneEvaluate(tune, x, &Fx, &ex));
    if (PetscAbsReal(Fx) <= ex || Fx == 0) { /* zero within the flow's own error estimate: x is the root */
      frg_tuned.value    = x;
      frg_tuned.error    = ex / PetscMax(PetscAbsReal(slope), PETSC_SMALL);
      frg_tuned.residual = PetscAbsReal(Fx);
      *root              = PETSC_TRUE;
      PetscFunctionReturn(PETSC_SUCCESS);
    }
    if ((Fx > 0) == (Fa > 0)) { /* the root is in [x, b]; Illinois: halve the stale end's weight */
      a = x, Fa = Fx, ea = ex;
      if (side == -1) Fb *= 0.5;
      side = -1;
    } else {
      b = x, Fb = Fx, eb = ex;
      if (side == 1) Fa *= 0.5;
      side = 1;
    }
  }
  /* A jump, not a root: narrowed to -tune_tol, the secant is 1e4 times steeper than across the
   * sampled interval and F stays more than 100 error estimates away from zero on both sides. */
  {
    const PetscReal slope = (Fb - Fa) / PetscMax(b - a, PETSC_SMALL), e = PetscMax(ea, eb);
    *root                 = (PetscBool)!(PetscAbsReal(slope) > 1e4 * PetscAbsReal(initial_slope) && PetscMin(PetscAbsReal(Fa), PetscAbsReal(Fb)) > 100 * e);
    frg_tuned.value       = Fa == Fb ? a : (a * Fb - b * Fa) / (Fb - Fa);
    frg_tuned.error       = 0.5 * (b - a) + e / PetscMax(PetscAbsReal(slope), PETSC_SMALL);
    frg_tuned.residual    = PetscMin(PetscAbsReal(Fa), PetscAbsReal(Fb));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Samples the range and narrows its sign changes in order until one is a root. */
static PetscErrorCode FrgTuneSolve(FrgTune *tune)
{
  PetscReal *x, *F, *e;
  PetscBool  root = PETSC_FALSE;
  PetscInt   jumps = 0;

  PetscFunctionBeginUser;
  PetscCall(PetscMalloc3(tune->samples, &x, tune->samples, &F, tune->samples, &e));
  for (PetscInt i = 0; i < tune->samples; i++) {
    x[i] = tune->range[0] + (tune->range[1] - tune->range[0]) * i / (tune->samples - 1);
    PetscCall(FrgTuneEvaluate(tune, x[i], &F[i], &e[i]));
  }
  for (PetscInt i = 0; i + 1 < tune->samples && !root; i++) {
    if (F[i] == 0) {
      frg_tuned.value = x[i], frg_tuned.error = 0, frg_tuned.residual = 0, root = PETSC_TRUE;
      break;
    }
    if ((F[i] > 0) == (F[i + 1] > 0)) continue;
    PetscCall(FrgTuneNarrow(tune, x[i], F[i], e[i], x[i + 1], F[i + 1], e[i + 1], &root));
    if (!root) jumps++;
  }
  if (!root) {
    PetscReal lo = F[0], hi = F[0];
    for (PetscInt i = 1; i < tune->samples; i++) lo = PetscMin(lo, F[i]), hi = PetscMax(hi, F[i]);
    PetscCall(PetscFree3(x, F, e));
    SETERRQ(tune->comm, PETSC_ERR_NOT_CONVERGED, "-tune %s: no value in -tune_range %g,%g gives %s = %g (sampled at %" PetscInt_FMT " points it takes values from %g to %g%s); widen -tune_range or raise -tune_samples",
            tune->name, (double)tune->range[0], (double)tune->range[1], tune->observable, (double)tune->target, tune->samples, (double)(lo + tune->target), (double)(hi + tune->target),
            jumps ? ", and jumps across the target (a first-order transition)" : "");
  }
  PetscCall(PetscFree3(x, F, e));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Before a task of flows: tunes if -tune is set and leaves NAME = tuned value in the options (or in
 * -potential). Other tasks refuse -tune. Collective on comm. */
PetscErrorCode FrgTuneApply(MPI_Comm comm, const char task[])
{
  FrgTune   tune;
  PetscBool set = PETSC_FALSE, help;
  char      value[64];

  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(&tune, sizeof(tune)));
  PetscCall(PetscMemzero(&frg_tuned, sizeof(frg_tuned)));
  PetscCall(FrgHelpRequested(&help));
  if (strcmp(task, "flow") && strcmp(task, "scan")) {
    PetscCall(PetscOptionsHasName(NULL, NULL, "-tune", &set));
    PetscCheck(!set, comm, PETSC_ERR_USER_INPUT, "-tune works with -task flow and -task scan, not -task %s", task);
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  PetscCall(FrgTuneReadOptions(comm, &tune, &set));
  if (!set || help) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(FrgTuneSolve(&tune));
  PetscCall(FrgTuneRestoreAt(&tune));
  PetscCall(PetscStrncpy(frg_tuned.name, tune.name, sizeof(frg_tuned.name)));
  frg_tuned.flows = tune.flows;
  frg_tuned.done  = PETSC_TRUE;
  /* the run itself: NAME fixed, the -tune_at values gone again (a scan sets its own per point) */
  PetscCall(PetscSNPrintf(value, sizeof(value), "%.17g", (double)frg_tuned.value));
  PetscCall(FrgTuneSet(tune.name, value, tune.potential));
  if (tune.potential[0]) PetscCall(PetscOptionsSetValue(NULL, "-potential", tune.potential));
  PetscCall(PetscPrintf(comm, "[frg tune] %s = %.12g ± %.2g gives %s = %.12g (|residual| %.2g) after %" PetscInt_FMT " flows\n", tune.name, (double)frg_tuned.value, (double)frg_tuned.error, tune.observable,
                        (double)tune.target, (double)frg_tuned.residual, tune.flows));
  PetscFunctionReturn(PETSC_SUCCESS);
}
