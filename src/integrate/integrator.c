/* FrgIntegrator: time integration of du/dt = f(t, u) (the FrgOperator) with SUNDIALS, on
 * N_Vector_Petsc wrappers of the DMDA vectors (no copies per step):
 *   cvode_bdf   CVODE variable-order BDF (orders 1-5), Newton through SUNNonlinSol_PetscSNES with the
 *               analytic sparse Jacobian (Ihssen, Sattler, Wink, arXiv 2302.04736 recommend BDF with an
 *               exact sparse Jacobian for these stiff flows);
 *   arkode_erk  ARKODE explicit Runge-Kutta (diagnostics and non-stiff cases);
 *   arkode_ark  ARKODE diagonally implicit Runge-Kutta, same Newton solver as cvode_bdf. */
#include <frg/integrator.h>
#include <frg/options.h>
#include <cvode/cvode.h>
#include <arkode/arkode_arkstep.h>
#include <arkode/arkode_erkstep.h>
#include <nvector/nvector_petsc.h>
#include <sunnonlinsol/sunnonlinsol_petscsnes.h>

const char *const FrgIntegratorTypes[] = {"cvode_bdf", "arkode_erk", "arkode_ark", "FrgIntegratorType", "FRG_INTEGRATOR_", NULL};
const char *const FrgNewtonTypes[]     = {"modified", "snes", "FrgNewtonType", "FRG_NEWTON_", NULL};
const char *const FrgVariableChoices[] = {"auto", "u", "log", "FrgVariableChoice", "FRG_VARIABLE_CHOICE_", NULL};

PetscErrorCode FrgIntegratorCreate(FrgOperator op, FrgIntegrator *integrator)
{
  FrgIntegrator in;

  PetscFunctionBeginUser;
  PetscCall(PetscNew(&in));
  in->op         = op;
  in->comm       = op->grid->comm;
  in->type       = FRG_INTEGRATOR_CVODE_BDF;
  in->rtol       = 1e-8;
  in->atol       = 1e-10;
  in->newton_tol = 0.1;
  in->max_steps  = 100000;
  in->order      = 0;
  in->t_stop     = PETSC_MIN_REAL; /* unset: steps end at each tout */
  in->crate      = 1.0;
  in->max_dt     = FRG_RG_STEP_MAX;
  in->log_tol    = 0; /* 0.01/cells at set-up */
  /* The Jacobian of a flow in RG time changes like powers of k^2 = Lambda^2 e^-2t, by tens of per cent
   * over a few steps: reused over SUNDIALS' default 51 steps (and the matrix over 20) it cost the 0D
   * benchmark 3x the steps. Re-evaluated every 2 steps and re-factored every 2 (the band LU is cheap)
   * it takes the steps of full Newton with half the Jacobians. */
  in->switch_t     = -1;
  in->log_switch_t = -1;
  in->jac_every   = 2;
  in->setup_every = 2;
  *integrator    = in;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode FrgIntegratorSetFromOptions(FrgIntegrator in)
{
  PetscEnum type = (PetscEnum)in->type, newton = (PetscEnum)in->newton, variable = (PetscEnum)in->variable;
  PetscBool newton_set = PETSC_FALSE, variable_set = PETSC_FALSE;

  PetscFunctionBeginUser;
  PetscOptionsBegin(in->comm, NULL, "Time integration (SUNDIALS)", "FrgIntegrator");
  PetscCall(FrgOptionsEnum("-integrator", "Time integrator", FrgIntegratorTypes, type, &type, NULL));
  PetscCall(FrgOptionsRealAbove("-rtol", "Relative tolerance of the local error test", in->rtol, &in->rtol, NULL, 0, 1));
  PetscCall(FrgOptionsRealAbove("-atol", "Absolute tolerance of the local error test", in->atol, &in->atol, NULL, 0, 1));
  PetscCall(FrgOptionsInt("-integrator_max_steps", "Maximum number of steps between two output times", in->max_steps, &in->max_steps, NULL, 1, 1000000000));
  PetscCall(FrgOptionsInt("-integrator_order", "Method order (0: the integrator's default; BDF: maximum order 1-5; ERK/ARK: 2-5)", in->order, &in->order, NULL, 0, 5));
  PetscCall(FrgOptionsEnum("-integrator_newton", "Newton iteration: modified (SUNDIALS' own, Jacobian and band LU reused over steps; hands over to snes at the propagator pole) or snes (PETSc SNES, fresh Jacobian at every iteration; -snes_*, -ksp_*, -pc_* apply)", FrgNewtonTypes, newton, &newton, &newton_set));
  PetscCall(FrgOptionsRealAbove("-integrator_newton_tol", "Newton convergence coefficient: weighted RMS norm of the update, rate-corrected (CVODE's test)",
                             in->newton_tol, &in->newton_tol, NULL, 0, 100));
  PetscCall(FrgOptionsInt("-integrator_jac_every", "Modified Newton: re-evaluate the Jacobian at least every this many steps (0: SUNDIALS' default, 51)",
                            in->jac_every, &in->jac_every, NULL, 0, 1000000));
  PetscCall(FrgOptionsEnum("-integrator_variable",
                             "State variable of the integrator: u (U' itself), log (ln(1 + U'/(k^2 phi)), the log of the Goldstone propagator denominator, in which the pole cannot be crossed), or auto (u, then log from the first state near the pole; log needs an odd grid end at phi = 0)", FrgVariableChoices, variable, &variable, &variable_set));
  PetscCall(FrgOptionsReal("-integrator_log_tol", "Absolute tolerance of the log variable where the test of u is blind (the flat region of a broken phase; 0: 0.01/cells, below the relative change of the pole distance from cell to cell)", in->log_tol, &in->log_tol, NULL, 0, 1));
  PetscCall(FrgOptionsReal("-integrator_max_dt", "Largest step in RG time t = -ln(k/Lambda) (0: no bound). A flow changes on a scale of order 1 in t: a longer step can pass over the window k^2 ~ U'' where it happens", in->max_dt, &in->max_dt, NULL, 0, FRG_RG_TIME_MAX));
  PetscCall(FrgOptionsInt("-integrator_setup_every", "Modified Newton: re-factor the Newton matrix at least every this many steps (0: SUNDIALS' default, 20)",
                            in->setup_every, &in->setup_every, NULL, 0, 1000000));
  PetscOptionsEnd();
  in->type   = (FrgIntegratorType)type;
  in->newton = (FrgNewtonType)newton;
  in->variable = (FrgVariableChoice)variable;
  if (in->op->grid->left != FRG_BOUNDARY_ODD && in->variable == FRG_VARIABLE_CHOICE_AUTO) in->variable = FRG_VARIABLE_CHOICE_U;
  if (in->op->grid->dim == 2) { /* the band LU of the modified route and the log variable are one-field only */
    PetscCheck(!newton_set || in->newton == FRG_NEWTON_SNES, in->comm, PETSC_ERR_USER_INPUT, "-integrator_newton modified needs a 1D grid (band LU); a two-field flow takes snes");
    PetscCheck(!variable_set || in->variable != FRG_VARIABLE_CHOICE_LOG, in->comm, PETSC_ERR_USER_INPUT, "-integrator_variable log needs a one-field model");
    in->newton   = FRG_NEWTON_SNES;
    in->variable = FRG_VARIABLE_CHOICE_U;
  }
  PetscCall(FrgOperatorSetVariable(in->op, in->variable == FRG_VARIABLE_CHOICE_LOG ? FRG_VARIABLE_LOG : FRG_VARIABLE_U));
  PetscCheck(in->max_dt >= 0 && PetscIsNormalReal(in->max_dt + 1), in->comm, PETSC_ERR_USER_INPUT, "-integrator_max_dt must be a number >= 0, got %g", (double)in->max_dt);
  PetscCheck(in->log_tol >= 0 && in->log_tol < 1, in->comm, PETSC_ERR_USER_INPUT, "-integrator_log_tol must lie in [0, 1), got %g", (double)in->log_tol);
  PetscCheck(in->jac_every >= 0, in->comm, PETSC_ERR_USER_INPUT, "-integrator_jac_every must be >= 0, got %" PetscInt_FMT, in->jac_every);
  PetscCheck(in->setup_every >= 0, in->comm, PETSC_ERR_USER_INPUT, "-integrator_setup_every must be >= 0, got %" PetscInt_FMT, in->setup_every);
  PetscCheck(in->rtol > 0 && in->rtol < 1, in->comm, PETSC_ERR_USER_INPUT, "-rtol must lie in (0, 1), got %g", (double)in->rtol);
  PetscCheck(in->atol > 0, in->comm, PETSC_ERR_USER_INPUT, "-atol must be positive, got %g", (double)in->atol);
  PetscCheck(in->max_steps > 0, in->comm, PETSC_ERR_USER_INPUT, "-integrator_max_steps must be positive, got %" PetscInt_FMT, in->max_steps);
  PetscCheck(in->order >= 0 && in->order <= 5, in->comm, PETSC_ERR_USER_INPUT, "-integrator_order must lie in [0, 5], got %" PetscInt_FMT, in->order);
  PetscCheck(in->newton_tol > 0, in->comm, PETSC_ERR_USER_INPUT, "-integrator_newton_tol must be positive, got %g", (double)in->newton_tol);
  /* The Newton solver reads -snes_*, -ksp_*, -pc_* now, so that the unused-option check sees them. */
  if (in->type != FRG_INTEGRATOR_ARKODE_ERK) {
    if (in->newton == FRG_NEWTON_SNES) PetscCall(FrgIntegratorNewtonCreate(in));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* SUNDIALS' messages: warnings once (rank 0) as one line; errors are kept and become part of our
 * own error in FrgIntegratorAdvance (SUNDIALS would print them on every rank). */
PETSC_INTERN void FrgSundialsMessage(int code, const char *module, const char *function, char *message, void *ctx)
{
  FrgIntegrator in   = (FrgIntegrator)ctx;
  PetscMPIInt   rank = 0;

  if (code < 0) {
    (void)PetscSNPrintf(in->last_message, sizeof(in->last_message), "%s: %s", function, message);
    return;
  }
  /* a warning ("t + h = t": the step size collapsed below round-off) is counted for the summary */
  if (!in->warnings++) (void)PetscSNPrintf(in->first_warning, sizeof(in->first_warning), "%s %s: %s", module, function, message);
  (void)MPI_Comm_rank(in->comm, &rank);
  if (!rank) (void)PetscFPrintf(PETSC_COMM_SELF, stderr, "frg: warning: %s %s: %s\n", module, function, message);
}

/* SUNDIALS right-hand side: 0 on success, -1 (unrecoverable) after a PETSc error, and 1
 * (recoverable: the step is retried smaller) for a state beyond the propagator pole.
 * On the modified-Newton route a state beyond the pole has two causes. From a state far from the
 * pole it is a trial step that went too far: in the UV, where f is tiny, the steps grow tenfold, and a
 * predictor can jump from t = 4.5 across the whole 0D flow to t = 46, where the UV potential lies
 * beyond the pole; retried with a quarter of the step, it does not (up to FRG_POLE_RETRIES times).
 * From a state near the pole (FrgOperatorPoleStatus: the flat region of a broken phase in the IR) the
 * modified iteration itself goes astray, and retrying it let a near-critical d = 3 flow end in the
 * wrong phase: there the route stops at once, and FrgIntegratorAdvance goes on with the SNES route
 * (full Newton) from the last accepted step. */
PETSC_INTERN PetscBool FrgIntegratorPoleGiveUp(FrgIntegrator in)
{
  return (PetscBool)((in->near_pole && in->op->variable == FRG_VARIABLE_U) || ++in->pole_retries > FRG_POLE_RETRIES);
}

/* With -integrator_variable auto, whether a state in u beyond the pole (crossed) or near it asks for
 * the switch to the log variable (FrgIntegratorAdvance makes it from the last accepted step). */
PETSC_INTERN PetscBool FrgIntegratorWantsLog(FrgIntegrator in, PetscBool crossed, PetscBool near)
{
  if (in->variable != FRG_VARIABLE_CHOICE_AUTO || in->op->variable != FRG_VARIABLE_U || !(crossed || near)) return PETSC_FALSE;
  in->want_log = PETSC_TRUE;
  return PETSC_TRUE;
}

PETSC_INTERN int FrgSundialsRHS(double t, N_Vector y, N_Vector ydot, void *ctx)
{
  FrgIntegrator in = (FrgIntegrator)ctx;
  PetscBool     physical;

  if (FrgOperatorApplyState(in->op, t, N_VGetVector_Petsc(y), N_VGetVector_Petsc(ydot))) return -1;
  if (FrgOperatorIsPhysical(in->op, &physical)) return -1;
  if (FrgIntegratorWantsLog(in, (PetscBool)!physical, PETSC_FALSE)) return -1;
  if (!physical) in->pole_rejections++;
  if (!physical && in->newton == FRG_NEWTON_MODIFIED && in->type != FRG_INTEGRATOR_ARKODE_ERK && FrgIntegratorPoleGiveUp(in)) {
    in->pole_reached = PETSC_TRUE;
    return -1;
  }
  return physical ? 0 : 1;
}

PetscErrorCode FrgIntegratorSetUp(FrgIntegrator in, PetscReal t0, Vec u0)
{
  PetscFunctionBeginUser;
  PetscCheck(!in->setup, in->comm, PETSC_ERR_ORDER, "FrgIntegratorSetUp() was already called");
  PetscCall(FrgOperatorSetUp(in->op));
  /* the radial denominator is the difference of q between neighbouring cells, a relative change of
   * about h/phi: an error of y (the relative error of q) far below it keeps it positive (at 1e-3, a
   * 1600-cell flow crossed the pole in the flat region and stalled) */
  if (in->log_tol == 0) in->log_tol = 0.01 / in->op->grid->cells;
  PetscCallExternal(SUNContext_Create, (void *)&in->comm, &in->sunctx);
  PetscCall(VecDuplicate(u0, &in->state));
  PetscCall(FrgOperatorStateFromU(in->op, t0, u0, in->state));
  PetscCall(VecDuplicate(u0, &in->work));
  in->y = N_VMake_Petsc(in->state, in->sunctx);
  PetscCheck(in->y, in->comm, PETSC_ERR_LIB, "N_VMake_Petsc failed");
  PetscCall(FrgNVectorUseReproducibleNorms(in->y));
  PetscCall(FrgNVectorUseLocalOps(in->y));
  in->t = t0;
  {
    PetscBool physical;
    PetscReal k;
    PetscCall(FrgOperatorPoleCheck(in->op, t0, u0));
    PetscCall(FrgOperatorPoleStatus(in->op, &physical, &in->near_pole));
    if (physical && in->near_pole && in->variable == FRG_VARIABLE_CHOICE_AUTO) { /* e.g. a restart in the deep IR */
      PetscCall(FrgOperatorSetVariable(in->op, FRG_VARIABLE_LOG));
      PetscCall(FrgOperatorStateFromU(in->op, t0, u0, in->state));
      in->log_switch_t = t0;
    }
    PetscCall(FrgModelGetScale(in->op->model, t0, &k));
    PetscCheck(physical, in->comm, PETSC_ERR_USER_INPUT,
               "-potential \"%s\" lies beyond the propagator pole at the start (k = %g): k^2 + U'' or k^2 + U'/phi is <= 0 somewhere on the grid; raise -Lambda above "
               "the largest negative curvature of the potential",
               in->op->model->potential, (double)k);
  }
  if (in->type == FRG_INTEGRATOR_CVODE_BDF) PetscCall(FrgIntegratorCreateCVODE(in, t0));
  else PetscCall(FrgIntegratorCreateARKODE(in, t0));
  PetscCall(FrgIntegratorQuadratureStart(in, t0, u0));
  in->setup = PETSC_TRUE;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* One internal step of the SUNDIALS integrator toward tout. */
static int FrgIntegratorEvolve(FrgIntegrator in, PetscReal tout, double *t)
{
  switch (in->type) {
  case FRG_INTEGRATOR_CVODE_BDF: return CVode(in->mem, tout, in->y, t, CV_ONE_STEP);
  case FRG_INTEGRATOR_ARKODE_ERK: return ERKStepEvolve(in->mem, tout, in->y, t, ARK_ONE_STEP);
  case FRG_INTEGRATOR_ARKODE_ARK: return ARKStepEvolve(in->mem, tout, in->y, t, ARK_ONE_STEP);
  }
  return -1;
}

static PetscErrorCode FrgIntegratorApplyStopTime(FrgIntegrator in, PetscReal t_stop)
{
  PetscFunctionBeginUser;
  switch (in->type) {
  case FRG_INTEGRATOR_CVODE_BDF: FrgCallSUNDIALS(in->comm, CVodeSetStopTime(in->mem, t_stop)); break;
  case FRG_INTEGRATOR_ARKODE_ERK: FrgCallSUNDIALS(in->comm, ERKStepSetStopTime(in->mem, t_stop)); break;
  case FRG_INTEGRATOR_ARKODE_ARK: FrgCallSUNDIALS(in->comm, ARKStepSetStopTime(in->mem, t_stop)); break;
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The time the integrator's internal steps have reached (beyond the last output time with dense output). */
static PetscErrorCode FrgIntegratorGetInternalTime(FrgIntegrator in, double *tn)
{
  PetscFunctionBeginUser;
  switch (in->type) {
  case FRG_INTEGRATOR_CVODE_BDF: FrgCallSUNDIALS(in->comm, CVodeGetCurrentTime(in->mem, tn)); break;
  case FRG_INTEGRATOR_ARKODE_ERK: FrgCallSUNDIALS(in->comm, ERKStepGetCurrentTime(in->mem, tn)); break;
  case FRG_INTEGRATOR_ARKODE_ARK: FrgCallSUNDIALS(in->comm, ARKStepGetCurrentTime(in->mem, tn)); break;
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Sets the time that no internal step may pass. Until it is set, FrgIntegratorAdvance stops its steps
 * at every tout. With it, a tout before t_stop no longer cuts a step: the state at tout comes from
 * the integrator's interpolating polynomial (dense output, accurate to the local error test), and
 * the steps follow the solution alone. Stopping at each of the 50 output times of a 0D flow had cost
 * 34 of its 363 steps, and restarted low orders at every output time. Not collective. */
PetscErrorCode FrgIntegratorSetStopTime(FrgIntegrator in, PetscReal t_stop)
{
  PetscFunctionBeginUser;
  in->t_stop = t_stop;
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode FrgIntegratorFailed(FrgIntegrator in, int flag, PetscReal t, PetscReal tout)
{
  PetscReal k;

  PetscFunctionBeginUser;
  PetscCall(FrgModelGetScale(in->op->model, t, &k));
  /* -10 (CV_REPTD_RHSFUNC_ERR, ARK_REPTD_RHSFUNC_ERR): every retry still crossed the pole */
  PetscCheck(flag != -10, in->comm, PETSC_ERR_NOT_CONVERGED,
             "%s failed at RG time t = %g (k = %g): the flow reached the propagator pole k^2 + U'' = 0 (%s). In the broken phase the flat inner region "
             "approaches it as k -> 0 and u there shrinks like k^2 phi: -atol (%g) must stay well below k^2 phi (k^2 = %g), or stop at a smaller -t_ir once "
             "phi0 has converged",
             FrgIntegratorTypes[in->type], (double)t, (double)k, in->last_message, (double)in->atol, (double)(k * k));
  SETERRQ(in->comm, PETSC_ERR_NOT_CONVERGED,
          "%s failed at RG time t = %g (k = %g) on the way to t = %g, SUNDIALS flag %d (%s)%s. Try a finer -grid_cells, smaller -rtol/-atol, a larger "
          "-integrator_max_steps, or check that -potential is bounded below",
          FrgIntegratorTypes[in->type], (double)t, (double)k, (double)tout, flag, in->last_message, flag == -1 ? "; raise -integrator_max_steps" : "");
}

/* A check made after every internal step (collective: every rank must return the same answer);
 * when it says stop, FrgIntegratorAdvance returns before tout (FrgIntegratorGetTime tells where). */
PetscErrorCode FrgIntegratorSetInterrupt(FrgIntegrator in, PetscErrorCode (*interrupt)(MPI_Comm, PetscBool *))
{
  PetscFunctionBeginUser;
  in->interrupt = interrupt;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Not collective. */
PetscErrorCode FrgIntegratorGetTime(FrgIntegrator in, PetscReal *t)
{
  PetscFunctionBeginUser;
  *t = in->t;
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode FrgIntegratorDky(FrgIntegrator, PetscReal t, PetscInt order, N_Vector out);

/* From now on, the integrator sums the local error estimates of its accepted steps in units of their
 * error tolerance (|e| times the error weight of the step: at most about 1 per step and cell), the
 * time part of the error estimate (src/driver/estimate.c). Collective. */
PetscErrorCode FrgIntegratorAccumulateErrors(FrgIntegrator in)
{
  PetscFunctionBeginUser;
  PetscCheck(in->setup, in->comm, PETSC_ERR_ORDER, "FrgIntegratorSetUp() must come first");
  if (!in->error_sum) {
    PetscCall(VecDuplicate(in->state, &in->error_sum));
    PetscCall(VecSet(in->error_sum, 0.0));
    in->local_error = N_VClone(in->y);
    in->local_weight = N_VClone(in->y);
    PetscCheck(in->local_error && in->local_weight, in->comm, PETSC_ERR_LIB, "N_VClone failed");
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The summed local errors so far in u, at the state of the last FrgIntegratorAdvance (collective is
 * not needed; FrgIntegratorAccumulateErrors must come first): the tolerance units of every cell times
 * the tolerance of that cell now, in u (rtol |u| + atol, or q log_tol where the log variable's test is
 * the stricter one). Errors are counted in the units of the tolerance they were made at and returned
 * at the size that tolerance has now: where the solution has shrunk (the flat inner region of a broken
 * phase, u ~ -k^2 phi, and q far smaller), so have the errors it carries; summed in u they would credit
 * that region with the errors of its UV past. Not collective. */
PetscErrorCode FrgIntegratorGetErrorSum(FrgIntegrator in, Vec E)
{
  PetscFunctionBeginUser;
  PetscCheck(in->error_sum, in->comm, PETSC_ERR_ORDER, "FrgIntegratorAccumulateErrors() must come first");
  PetscCall(FrgOperatorTolerance(in->op, in->t, in->state, in->rtol, in->atol, in->log_tol, E));
  PetscCall(VecPointwiseMult(E, E, in->error_sum));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The summed tolerance units themselves, for a checkpoint (NULL without). Not collective. */
PetscErrorCode FrgIntegratorGetErrorUnits(FrgIntegrator in, Vec *units)
{
  PetscFunctionBeginUser;
  *units = in->error_sum;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Adds |local error estimate| times the error weight of the step just accepted to the sum. */
static PetscErrorCode FrgIntegratorAddLocalError(FrgIntegrator in)
{
  int                flag, flag_w;
  const PetscScalar *e, *w;
  PetscScalar       *sum;
  PetscInt           n;

  PetscFunctionBeginUser;
  switch (in->type) {
  case FRG_INTEGRATOR_CVODE_BDF:
    flag   = CVodeGetEstLocalErrors(in->mem, in->local_error);
    flag_w = CVodeGetErrWeights(in->mem, in->local_weight);
    break;
  case FRG_INTEGRATOR_ARKODE_ERK:
    flag   = ERKStepGetEstLocalErrors(in->mem, in->local_error);
    flag_w = ERKStepGetErrWeights(in->mem, in->local_weight);
    break;
  default:
    flag   = ARKStepGetEstLocalErrors(in->mem, in->local_error);
    flag_w = ARKStepGetErrWeights(in->mem, in->local_weight);
    break;
  }
  PetscCheck(flag >= 0 && flag_w >= 0, in->comm, PETSC_ERR_LIB, "SUNDIALS could not give its local error estimate (flags %d, %d)", flag, flag_w);
  PetscCall(VecGetLocalSize(in->error_sum, &n));
  PetscCall(VecGetArrayRead(N_VGetVector_Petsc(in->local_error), &e));
  PetscCall(VecGetArrayRead(N_VGetVector_Petsc(in->local_weight), &w));
  PetscCall(VecGetArray(in->error_sum, &sum));
  for (PetscInt i = 0; i < n; i++) sum[i] += PetscAbsReal(e[i]) * w[i];
  PetscCall(VecRestoreArray(in->error_sum, &sum));
  PetscCall(VecRestoreArrayRead(N_VGetVector_Petsc(in->local_weight), &w));
  PetscCall(VecRestoreArrayRead(N_VGetVector_Petsc(in->local_error), &e));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Steps one internal step at a time toward target until the internal time reaches tout, asking the
 * interrupt check (if any) after each; *t is the internal time reached (< tout when the check said
 * stop). CVODE sees target, not tout: its first step is estimated from the distance to the target,
 * so the steps, and with them the result, do not depend on the output times. */
static int FrgIntegratorStepToward(FrgIntegrator in, PetscReal tout, PetscReal target, double *t, PetscBool *stop, PetscErrorCode *ierr)
{
  int flag = 0;

  *ierr = PETSC_SUCCESS;
  for (PetscInt steps = 0; !*stop; steps++) {
    flag = FrgIntegratorEvolve(in, target, t);
    if (flag >= 0 && in->error_sum && (*ierr = FrgIntegratorAddLocalError(in))) break;
    if (flag >= 0 && in->quad.rate && (*ierr = FrgIntegratorQuadratureStep(in, *t))) break;
    if (flag < 0 || *t >= tout) break;
    if (steps >= in->max_steps) {
      (void)PetscSNPrintf(in->last_message, sizeof(in->last_message), "more than %" PetscInt_FMT " steps", in->max_steps);
      return -1;
    }
    if (in->interrupt && (*ierr = in->interrupt(in->comm, stop))) break;
  }
  return flag;
}

/* Near the propagator pole (the deep IR of a broken phase) the modified Newton iteration, with its
 * matrix from the predictor, converges poorly and its iterates cross the pole; full Newton copes. So
 * at the first state beyond the pole (the RHS stops the integrator, flag -8) or after repeated
 * failures (-3, -4, -10), the flow goes on from the last accepted step (in->y, t) with the SNES route. */
static PetscErrorCode FrgIntegratorHandOver(FrgIntegrator in, int flag, double t, PetscBool *handed)
{
  PetscReal k;

  PetscFunctionBeginUser;
  *handed = (PetscBool)(in->type != FRG_INTEGRATOR_ARKODE_ERK && in->newton == FRG_NEWTON_MODIFIED && (in->pole_reached || flag == -3 || flag == -4 || flag == -10));
  if (!*handed) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(FrgModelGetScale(in->op->model, t, &k));
  PetscCall(PetscInfo(NULL, "modified Newton stopped at t = %g (k = %g, flag %d%s); continuing with the SNES route\n", t, (double)k, flag, in->pole_reached ? ", propagator pole" : ""));
  in->switch_t        = t;
  in->t               = t;
  in->last_message[0] = 0;
  PetscCall(FrgIntegratorSwitchToSNES(in, t));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Integrates to tout and copies the state at tout (in u) into u. Steps end at tout itself unless a later
 * stop time was set (FrgIntegratorSetStopTime): then the state at tout is interpolated and the
 * integrator keeps its steps, which therefore do not depend on the output times. The integrator steps
 * one internal step at a time and asks the interrupt check, if set, after each; when the check says
 * stop, the state of the last step is returned and FrgIntegratorGetTime tells its time (< tout).
 * Collective. */
PetscErrorCode FrgIntegratorAdvance(FrgIntegrator in, PetscReal tout, Vec u)
{
  int            flag = 0;
  double         t    = in->t, tn;
  PetscBool      stop = PETSC_FALSE, handed;
  PetscErrorCode ierr;

  PetscFunctionBeginUser;
  PetscCheck(in->setup, in->comm, PETSC_ERR_ORDER, "FrgIntegratorSetUp() must come first");
  while (tout > in->t) {
    const PetscReal target = in->t_stop > tout ? in->t_stop : tout;
    PetscCall(FrgIntegratorApplyStopTime(in, target));
    PetscCall(FrgIntegratorGetInternalTime(in, &tn));
    flag = 0;
    if (tn < tout) {
      flag = FrgIntegratorStepToward(in, tout, target, &t, &stop, &ierr);
      PetscCall(ierr);
    } else t = tn; /* an earlier step already passed tout */
    if (in->want_log) { /* auto: from the last accepted step on in the log variable */
      in->want_log = PETSC_FALSE;
      PetscCall(PetscInfo(NULL, "state near the propagator pole at t = %g: continuing in the log variable\n", t));
      PetscCall(FrgIntegratorSwitchToLog(in, t));
      in->t = t;
      continue;
    }
    PetscCall(FrgIntegratorHandOver(in, flag, t, &handed));
    if (handed) continue;
    if (flag < 0) PetscCall(FrgIntegratorFailed(in, flag, t, tout));
    if (t >= tout) {
      /* the state at tout from the interpolant. Also when the last step ended at tout exactly: an
       * earlier call may have left an interpolated state in in->state (its tout before this step's
       * end), and a 0D flow whose last step ended at the stop time reported that one (Gamma2 3%
       * off with -output_every 1.304) */
      PetscCall(FrgIntegratorDky(in, tout, 0, in->y)); /* in->y wraps in->state */
      t = tout;
    }
    in->t = t;
    break;
  }
  PetscCall(FrgOperatorStateToU(in->op, in->t, in->state, u));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The order-th derivative in t of the interpolating polynomial at t (within the last step) into out. */
static PetscErrorCode FrgIntegratorDky(FrgIntegrator in, PetscReal t, PetscInt order, N_Vector out)
{
  PetscFunctionBeginUser;
  switch (in->type) {
  case FRG_INTEGRATOR_CVODE_BDF: FrgCallSUNDIALS(in->comm, CVodeGetDky(in->mem, t, (int)order, out)); break;
  case FRG_INTEGRATOR_ARKODE_ERK: FrgCallSUNDIALS(in->comm, ERKStepGetDky(in->mem, t, (int)order, out)); break;
  case FRG_INTEGRATOR_ARKODE_ARK: FrgCallSUNDIALS(in->comm, ARKStepGetDky(in->mem, t, (int)order, out)); break;
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The state at t within the last step, from the interpolant, into out (a vector of the state's layout). */
PetscErrorCode FrgIntegratorInterpolate(FrgIntegrator in, PetscReal t, N_Vector out)
{
  PetscFunctionBeginUser;
  PetscCall(FrgIntegratorDky(in, t, 0, out));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Dense output: the order-th derivative in t of the interpolating polynomial at t, within the last step. */
PetscErrorCode FrgIntegratorGetDerivative(FrgIntegrator in, PetscReal t, PetscInt order, Vec dky)
{
  N_Vector out;

  PetscFunctionBeginUser;
  out = N_VMake_Petsc(dky, in->sunctx);
  PetscCheck(out, in->comm, PETSC_ERR_LIB, "N_VMake_Petsc failed");
  PetscCall(FrgIntegratorDky(in, t, order, out));
  N_VDestroy(out);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode FrgIntegratorGetType(FrgIntegrator in, const char **type)
{
  PetscFunctionBeginUser;
  *type = FrgIntegratorTypes[in->type];
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The first SUNDIALS warning ("" if none). Not collective. */
PetscErrorCode FrgIntegratorGetWarning(FrgIntegrator in, const char **text)
{
  PetscFunctionBeginUser;
  *text = in->first_warning;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* An integrator of op with the settings of in (no options are read), its tolerances multiplied by
 * tolerance_factor: the coarse solve of the error estimate. Collective. */
PetscErrorCode FrgIntegratorDuplicate(FrgIntegrator in, FrgOperator op, PetscReal tolerance_factor, FrgIntegrator *copy)
{
  FrgIntegrator c;

  PetscFunctionBeginUser;
  PetscCall(FrgIntegratorCreate(op, &c));
  c->type = in->type, c->newton = in->newton, c->variable = in->variable;
  c->rtol = PetscMin(in->rtol * tolerance_factor, 0.1), c->atol = in->atol * tolerance_factor;
  c->newton_tol = in->newton_tol, c->max_steps = in->max_steps, c->order = in->order;
  c->jac_every = in->jac_every, c->setup_every = in->setup_every, c->max_dt = in->max_dt, c->log_tol = in->log_tol;
  PetscCall(FrgOperatorSetVariable(op, c->variable == FRG_VARIABLE_CHOICE_LOG ? FRG_VARIABLE_LOG : FRG_VARIABLE_U));
  if (c->type != FRG_INTEGRATOR_ARKODE_ERK && c->newton == FRG_NEWTON_SNES) PetscCall(FrgIntegratorNewtonCreate(c));
  *copy = c;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode FrgIntegratorGetStats(FrgIntegrator in, FrgIntegratorStats *s)
{
  long   ncf = 0, netf = 0, nst = 0, nni = 0;
  int    q   = 0;
  double h   = 0;

  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(s, sizeof(*s)));
  if (!in->setup) PetscFunctionReturn(PETSC_SUCCESS);
  switch (in->type) {
  case FRG_INTEGRATOR_CVODE_BDF:
    FrgCallSUNDIALS(in->comm, CVodeGetNumSteps(in->mem, &nst));
    FrgCallSUNDIALS(in->comm, CVodeGetNumErrTestFails(in->mem, &netf));
    FrgCallSUNDIALS(in->comm, CVodeGetNumNonlinSolvConvFails(in->mem, &ncf));
    FrgCallSUNDIALS(in->comm, CVodeGetLastOrder(in->mem, &q));
    FrgCallSUNDIALS(in->comm, CVodeGetLastStep(in->mem, &h));
    if (in->newton == FRG_NEWTON_MODIFIED) FrgCallSUNDIALS(in->comm, CVodeGetNumNonlinSolvIters(in->mem, &nni));
    break;
  case FRG_INTEGRATOR_ARKODE_ERK:
    FrgCallSUNDIALS(in->comm, ERKStepGetNumSteps(in->mem, &nst));
    FrgCallSUNDIALS(in->comm, ERKStepGetNumErrTestFails(in->mem, &netf));
    FrgCallSUNDIALS(in->comm, ERKStepGetLastStep(in->mem, &h));
    break;
  case FRG_INTEGRATOR_ARKODE_ARK:
    FrgCallSUNDIALS(in->comm, ARKStepGetNumSteps(in->mem, &nst));
    FrgCallSUNDIALS(in->comm, ARKStepGetNumErrTestFails(in->mem, &netf));
    FrgCallSUNDIALS(in->comm, ARKStepGetNumNonlinSolvConvFails(in->mem, &ncf));
    FrgCallSUNDIALS(in->comm, ARKStepGetLastStep(in->mem, &h));
    if (in->newton == FRG_NEWTON_MODIFIED) FrgCallSUNDIALS(in->comm, ARKStepGetNumNonlinSolvIters(in->mem, &nni));
    break;
  }
  s->newton_switch_t  = in->switch_t;
  s->warnings         = in->warnings;
  s->pole_rejections  = in->pole_rejections;
  s->log_switch_t     = in->variable == FRG_VARIABLE_CHOICE_LOG ? 0.0 : in->log_switch_t;
  s->steps            = in->offset.steps + nst;
  s->newton_iters     = in->offset.newton_iters + (in->newton == FRG_NEWTON_MODIFIED ? nni : in->newton_iters);
  s->linear_setups    = in->offset.linear_setups + (in->newton == FRG_NEWTON_MODIFIED ? in->linear_setups : in->newton_iters);
  s->nonlinear_fails  = in->offset.nonlinear_fails + ncf;
  s->error_test_fails = in->offset.error_test_fails + netf;
  s->order            = q;
  s->last_step        = h;
  {
    PetscInt rhs, jac;
    PetscCall(FrgOperatorGetCounts(in->op, &rhs, &jac));
    s->rhs_evals = (long)rhs;
    s->jac_evals = (long)jac;
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode FrgIntegratorDestroy(FrgIntegrator *integrator)
{
  FrgIntegrator in = *integrator;

  PetscFunctionBeginUser;
  if (!in) PetscFunctionReturn(PETSC_SUCCESS);
  if (in->mem) {
    if (in->type == FRG_INTEGRATOR_CVODE_BDF) CVodeFree(&in->mem);
    else if (in->type == FRG_INTEGRATOR_ARKODE_ERK) ERKStepFree(&in->mem);
    else ARKStepFree(&in->mem);
  }
  if (in->nls) SUNNonlinSolFree(in->nls);
  if (in->nls_snes) SUNNonlinSolFree(in->nls_snes);
  if (in->y) N_VDestroy(in->y);
  if (in->local_error) N_VDestroy(in->local_error);
  if (in->local_weight) N_VDestroy(in->local_weight);
  PetscCall(VecDestroy(&in->error_sum));
  if (in->ewt) {
    Vec v = N_VGetVector_Petsc(in->ewt);
    N_VDestroy(in->ewt);
    PetscCall(VecDestroy(&v));
  }
  if (in->LS) SUNLinSolFree(in->LS);
  if (in->M) SUNMatDestroy(in->M);
  PetscCall(SNESDestroy(&in->snes));
  PetscCall(MatDestroy(&in->A));
  PetscCall(FrgBandLUDestroy(&in->band));
  PetscCall(VecDestroy(&in->state));
  PetscCall(VecDestroy(&in->work));
  PetscCall(FrgIntegratorQuadratureDestroy(in));
  if (in->sunctx) SUNContext_Free(&in->sunctx);
  PetscCall(PetscFree(*integrator));
  PetscFunctionReturn(PETSC_SUCCESS);
}
