/* FrgWarnings: what went wrong in a run that still finished, counted and kept as text for the summary
 * (/summary warnings and warning_text; -warnings_as_errors turns a nonzero count into exit 1). */
#include <frg/flow.h>
#include <stdarg.h>

/* Adds count warnings described by the format (nothing for count 0). Not collective. */
PetscErrorCode FrgWarningsAdd(FrgWarnings *w, PetscInt count, const char format[], ...)
{
  char    line[512];
  va_list args;
  size_t  len;

  PetscFunctionBeginUser;
  if (count <= 0) PetscFunctionReturn(PETSC_SUCCESS);
  va_start(args, format);
  (void)vsnprintf(line, sizeof(line), format, args);
  va_end(args);
  w->count += count;
  len = strlen(w->text);
  if (len + strlen(line) + 3 < sizeof(w->text)) (void)snprintf(w->text + len, sizeof(w->text) - len, "%s%s", len ? "; " : "", line);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The integrator's events of one level: SUNDIALS warnings (e.g. a step size below round-off, "t + h =
 * t"), the hand-over to full Newton, and trial states beyond the propagator pole that were rejected
 * and retried. Not collective. */
PetscErrorCode FrgWarningsOfLevel(FrgWarnings *w, FrgFlowLevel *level, const char who[])
{
  FrgIntegratorStats s;
  const char        *first;

  PetscFunctionBeginUser;
  PetscCall(FrgIntegratorGetStats(level->integrator, &s));
  PetscCall(FrgIntegratorGetWarning(level->integrator, &first));
  PetscCall(FrgWarningsAdd(w, s.warnings, "%s: %ld integrator warnings, the first: %s", who, s.warnings, first));
  PetscCall(FrgWarningsAdd(w, s.newton_switch_t >= 0 ? 1 : 0, "%s: the modified Newton iteration failed near the propagator pole at t = %g; full Newton (SNES) from there", who, s.newton_switch_t));
  PetscCall(FrgWarningsAdd(w, s.pole_rejections, "%s: %ld trial states beyond the propagator pole rejected and retried", who, s.pole_rejections));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The estimate's own warnings, and its failure. Not collective. */
PetscErrorCode FrgWarningsOfEstimate(FrgWarnings *w, FrgFlowEstimate *e)
{
  PetscFunctionBeginUser;
  if (!e->enabled) PetscFunctionReturn(PETSC_SUCCESS);
  if (e->coarse.integrator) PetscCall(FrgWarningsOfLevel(w, &e->coarse, "error estimate"));
  PetscCall(FrgWarningsAdd(w, e->failed ? 1 : 0, "no error estimate from t = %g on (every error is infinite): %s", (double)e->failed_t, e->reason));
  PetscFunctionReturn(PETSC_SUCCESS);
}
