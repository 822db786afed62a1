/* The state variable the integrator evolves (-integrator_variable).
 *
 *   u     the cell averages u_j of U' themselves;
 *   log   y_j = ln(1 + u_j/(m2 phi_j)) = ln(q_j/(m2 phi_j)),  q_j = m2 phi_j + u_j,
 *         the logarithm of the Goldstone propagator denominator k^2 + U'/phi relative to k^2 (grids
 *         with an odd left end, phi_j > 0 for j >= 1; the odd centre keeps u_0 = y_0 = 0).
 *
 * Why log (the root cause of the fragile deep IR of a broken phase): in the flat inner region the
 * propagator denominators approach the pole like k^d (Litim, d > 2: k^2 + U'' ~ A_d k^d/(phi0^2 - phi^2)),
 * so relative to k^2 their margin shrinks like k^(d-2): 1e-5 at t = 8 and 1e-11 at t = 20 in d = 3. In
 * u = -k^2 phi + q that margin is the tiny difference of two large numbers. The integrator's local error
 * test on u (rtol |u| + atol, |u| ~ k^2 phi) then allows errors far larger than q, and the BDF
 * predictor, a polynomial through the exponential k^2(t) phi, misses q by more than q itself, so trial
 * states and Newton iterates fall beyond the pole: thousands of retried steps, the hand-over to full
 * Newton, and finally "t + h = t". In y the pole lies at y = -infinity and cannot be crossed at any
 * cell, and y is smooth in t (ln q - ln k^2 ~ -(d - 2) t + const in the flat region, ln(m^2/k^2) ~ 2t
 * outside it), so the predictor is accurate in relative terms whatever the margin. Ihssen, Sattler &
 * Wink (arXiv 2302.04736) find that a reformulation in a logarithmic variable removes the singularity
 * bound of the flat regime; this is our variant for the conservative KT scheme: the spatial
 * discretization is unchanged (the fluxes are still those of u), only the variable of the time
 * integrator is. In the UV, where u is frozen while m2 falls by e^-2 per unit of t, y = u/(m2 phi)
 * grows like e^{2t} and would cost the steps of following an exponential: the integrator therefore
 * evolves u until the first state near the pole and switches to y there (integrator.c, "auto").
 *
 * With -d ln m2/dt = beta (2 for m2 = k^2):
 *     dy_j/dt = (f_j + beta u_j) / q_j,
 *     d(dy_j/dt)/dy_k = J_jk q_k / q_j + delta_jk (beta - dy_j/dt),     J = df/du,
 * a diagonal similarity of the band J plus a diagonal: the band keeps its width and every solver of
 * the u route works unchanged. The error weights keep the test of u wherever it is the stricter one
 * (e_y = e_u/q) and ask y for an absolute accuracy log_tol where u's test has become blind (the flat
 * region, q << rtol |u| + atol; by default 0.01/cells, well below the relative change h/phi of q from
 * cell to cell, whose difference is the radial denominator):
 *     ewt_j = max(q_j / (rtol |u_j| + atol), 1/log_tol). */
#include <frg/impl.h>

const char *const FrgVariableTypes[] = {"u", "log", "FrgVariable", "FRG_VARIABLE_", NULL};

/* m2 phi_j of the local cells xs..xs+xm-1 at t (0 at the odd centre), and beta = -d ln m2/dt. Not collective. */
static PetscErrorCode FrgVariableScale(FrgOperator op, PetscReal t, PetscReal *m2, PetscReal *beta)
{
  FrgKernelParams p;

  PetscFunctionBeginUser;
  PetscCall(FrgModelGetKernelParams(op->model, t, &p));
  *m2   = p.m2;
  *beta = p.m2_rate;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The cell with m2 phi = s: u from its state y, with q = s e^y = s + u (0 at the odd centre). */
static inline double FrgVariableCell(double s, double y, double *q)
{
  *q = s * exp(y);
  return s * expm1(y);
}

PetscErrorCode FrgOperatorSetVariable(FrgOperator op, FrgVariable variable)
{
  PetscFunctionBeginUser;
  PetscCheck(variable == FRG_VARIABLE_U || op->grid->left == FRG_BOUNDARY_ODD, op->grid->comm, PETSC_ERR_USER_INPUT,
             "-integrator_variable log needs a grid with an odd end at phi = 0 (-model on); -model %s has none", op->model->type);
  op->variable = variable;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode FrgOperatorGetVariable(FrgOperator op, FrgVariable *variable)
{
  PetscFunctionBeginUser;
  *variable = op->variable;
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode FrgVariableSetUp(FrgOperator op)
{
  PetscInt xm;

  PetscFunctionBeginUser;
  if (op->u_state) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(DMCreateGlobalVector(op->grid->da, &op->u_state));
  PetscCall(VecGetLocalSize(op->u_state, &xm));
  PetscCall(PetscMalloc1(xm, &op->q));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The state of u at t (U and V may be the same vector). Fails (collectively) if u lies on or beyond the
 * pole somewhere. */
PetscErrorCode FrgOperatorStateFromU(FrgOperator op, PetscReal t, Vec U, Vec V)
{
  const PetscScalar *u;
  PetscScalar       *v;
  PetscInt           xs, xm;
  PetscReal          m2 = 0, beta = 0;
  int                bad = 0, any;

  PetscFunctionBeginUser;
  if (op->variable == FRG_VARIABLE_U) {
    if (U != V) PetscCall(VecCopy(U, V));
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  PetscCall(FrgVariableSetUp(op));
  if (U == V) { /* in place */
    PetscCall(VecCopy(U, op->u_state));
    U = op->u_state;
  }
  PetscCall(FrgVariableScale(op, t, &m2, &beta));
  PetscCall(DMDAGetCorners(op->grid->da, &xs, NULL, NULL, &xm, NULL, NULL));
  PetscCall(VecGetArrayRead(U, &u));
  PetscCall(VecGetArray(V, &v));
  for (PetscInt m = 0; m < xm; m++) {
    const PetscReal s = m2 * (op->grid->phi_first + (xs + m) * op->grid->spacing), value = u[m];
    if (s == 0) v[m] = 0.0;
    else if (value > -s) v[m] = log1p(value / s);
    else bad = 1;
  }
  PetscCall(VecRestoreArray(V, &v));
  PetscCall(VecRestoreArrayRead(U, &u));
  PetscCallMPI(MPI_Allreduce(&bad, &any, 1, MPI_INT, MPI_MAX, op->grid->comm));
  PetscCheck(!any, op->grid->comm, PETSC_ERR_USER_INPUT, "the state at t = %g lies on or beyond the propagator pole k^2 + U'/phi = 0", (double)t);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* u of the state y at t into U, and q of the local cells into op->q. Not collective. */
static PetscErrorCode FrgVariableToU(FrgOperator op, PetscReal t, Vec V, Vec U)
{
  const PetscScalar *v;
  PetscScalar       *u;
  PetscInt           xs, xm;
  PetscReal          m2 = 0, beta = 0;

  PetscFunctionBeginUser;
  PetscCall(FrgVariableScale(op, t, &m2, &beta));
  PetscCall(DMDAGetCorners(op->grid->da, &xs, NULL, NULL, &xm, NULL, NULL));
  PetscCall(VecGetArrayRead(V, &v));
  PetscCall(VecGetArray(U, &u));
  for (PetscInt m = 0; m < xm; m++) u[m] = FrgVariableCell(m2 * (op->grid->phi_first + (xs + m) * op->grid->spacing), v[m], &op->q[m]);
  PetscCall(VecRestoreArray(U, &u));
  PetscCall(VecRestoreArrayRead(V, &v));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* u of the state v at t. Not collective. */
PetscErrorCode FrgOperatorStateToU(FrgOperator op, PetscReal t, Vec V, Vec U)
{
  PetscFunctionBeginUser;
  if (op->variable == FRG_VARIABLE_U) {
    if (U != V) PetscCall(VecCopy(V, U));
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  PetscCall(FrgVariableSetUp(op));
  PetscCall(FrgVariableToU(op, t, V, U));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* f = dv/dt at the state v. Collective. */
PetscErrorCode FrgOperatorApplyState(FrgOperator op, PetscReal t, Vec V, Vec F)
{
  PetscScalar       *f;
  const PetscScalar *u, *v;
  PetscInt           xm;
  PetscReal          m2 = 0, beta = 0;

  PetscFunctionBeginUser;
  if (op->variable == FRG_VARIABLE_U) {
    PetscCall(FrgOperatorApply(op, t, V, F));
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  PetscCall(FrgVariableSetUp(op));
  PetscCall(FrgVariableToU(op, t, V, op->u_state));
  PetscCall(FrgOperatorApply(op, t, op->u_state, F));
  PetscCall(FrgVariableScale(op, t, &m2, &beta));
  PetscCall(VecGetLocalSize(F, &xm));
  PetscCall(VecGetArrayRead(op->u_state, &u));
  PetscCall(VecGetArrayRead(V, &v));
  PetscCall(VecGetArray(F, &f));
  for (PetscInt m = 0; m < xm; m++) f[m] = op->q[m] > 0 ? (f[m] + beta * u[m]) / op->q[m] : 0.0;
  PetscCall(VecRestoreArray(F, &f));
  PetscCall(VecRestoreArrayRead(V, &v));
  PetscCall(VecRestoreArrayRead(op->u_state, &u));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The pole check of FrgOperatorPoleCheck at the state v. Collective. */
PetscErrorCode FrgOperatorPoleCheckState(FrgOperator op, PetscReal t, Vec V)
{
  PetscFunctionBeginUser;
  if (op->variable == FRG_VARIABLE_U) {
    PetscCall(FrgOperatorPoleCheck(op, t, V));
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  PetscCall(FrgVariableSetUp(op));
  PetscCall(FrgVariableToU(op, t, V, op->u_state));
  PetscCall(FrgOperatorPoleCheck(op, t, op->u_state));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* q of the local cells and their ghosts (the DMDA's ghosted layout), from op->q of the last
 * FrgVariableToU, through a ghosted work vector. Collective. */
static PetscErrorCode FrgVariableGhostedQ(FrgOperator op, const PetscScalar **qg)
{
  PetscScalar *x;
  PetscInt     xm;

  PetscFunctionBeginUser;
  if (!op->q_global) PetscCall(VecDuplicate(op->u_state, &op->q_global));
  if (!op->q_local) PetscCall(VecDuplicate(op->local, &op->q_local));
  PetscCall(VecGetLocalSize(op->q_global, &xm));
  PetscCall(VecGetArray(op->q_global, &x));
  PetscCall(PetscArraycpy(x, op->q, xm));
  PetscCall(VecRestoreArray(op->q_global, &x));
  PetscCall(DMGlobalToLocalBegin(op->grid->da, op->q_global, INSERT_VALUES, op->q_local));
  PetscCall(DMGlobalToLocalEnd(op->grid->da, op->q_global, INSERT_VALUES, op->q_local));
  PetscCall(VecGetArrayRead(op->q_local, qg));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* dF/dv as the band of FrgOperatorJacobianBand (band[5 m + c]: row xs + m, column xs + m - 2 + c), at
 * the state v with F = dv/dt there (fv). Collective. */
PetscErrorCode FrgOperatorJacobianBandState(FrgOperator op, PetscReal t, Vec V, Vec FV, PetscReal band[])
{
  const PetscScalar *qg, *fv;
  PetscInt           xs, xm, gxs;
  PetscReal          m2 = 0, beta = 0;

  PetscFunctionBeginUser;
  if (op->variable == FRG_VARIABLE_U) {
    PetscCall(FrgOperatorJacobianBand(op, t, V, band));
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  PetscCall(FrgVariableSetUp(op));
  PetscCall(FrgVariableToU(op, t, V, op->u_state));
  PetscCall(FrgOperatorJacobianBand(op, t, op->u_state, band));
  PetscCall(FrgVariableScale(op, t, &m2, &beta));
  PetscCall(DMDAGetCorners(op->grid->da, &xs, NULL, NULL, &xm, NULL, NULL));
  PetscCall(DMDAGetGhostCorners(op->grid->da, &gxs, NULL, NULL, NULL, NULL, NULL));
  PetscCall(FrgVariableGhostedQ(op, &qg));
  PetscCall(VecGetArrayRead(FV, &fv));
  for (PetscInt m = 0; m < xm; m++) {
    const PetscInt   i  = xs + m;
    const PetscReal *qc = qg + (i - 2 - gxs); /* q of the columns i-2..i+2 */
    if (op->q[m] == 0) continue;              /* the odd centre: a zero row */
    for (PetscInt c = 0; c < 5; c++)
      if (i - 2 + c >= 0 && i - 2 + c < op->grid->cells) band[5 * m + c] *= qc[c] / op->q[m];
    band[5 * m + 2] += beta - fv[m];
  }
  PetscCall(VecRestoreArrayRead(FV, &fv));
  PetscCall(VecRestoreArrayRead(op->q_local, &qg));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* dF/dv as an assembled matrix (the SNES route). Collective. */
PetscErrorCode FrgOperatorJacobianState(FrgOperator op, PetscReal t, Vec V, Mat J)
{
  Vec          left, right, F;
  PetscScalar *l, *r, *f;
  PetscInt     xm;
  PetscReal          m2 = 0, beta = 0;

  PetscFunctionBeginUser;
  if (op->variable == FRG_VARIABLE_U) {
    PetscCall(FrgOperatorJacobian(op, t, V, J));
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  PetscCall(FrgVariableSetUp(op));
  PetscCall(VecDuplicate(V, &F));
  PetscCall(FrgOperatorApplyState(op, t, V, F)); /* also u_state and op->q */
  PetscCall(FrgOperatorJacobian(op, t, op->u_state, J));
  PetscCall(FrgVariableScale(op, t, &m2, &beta));
  PetscCall(VecDuplicate(F, &left));
  PetscCall(VecDuplicate(F, &right));
  PetscCall(VecGetLocalSize(F, &xm));
  PetscCall(VecGetArray(left, &l));
  PetscCall(VecGetArray(right, &r));
  PetscCall(VecGetArray(F, &f));
  for (PetscInt m = 0; m < xm; m++) {
    const PetscBool centre = (PetscBool)(op->q[m] == 0);
    l[m]                   = centre ? 0.0 : 1.0 / op->q[m];
    r[m]                   = op->q[m];
    f[m]                   = centre ? 0.0 : beta - f[m];
  }
  PetscCall(VecRestoreArray(F, &f));
  PetscCall(VecRestoreArray(right, &r));
  PetscCall(VecRestoreArray(left, &l));
  PetscCall(MatDiagonalScale(J, left, right));
  PetscCall(MatDiagonalSet(J, F, ADD_VALUES));
  PetscCall(VecDestroy(&left));
  PetscCall(VecDestroy(&right));
  PetscCall(VecDestroy(&F));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The integrator's error weights at the state v (see the banner). Not collective. */
PetscErrorCode FrgOperatorErrorWeights(FrgOperator op, PetscReal t, Vec V, PetscReal rtol, PetscReal atol, PetscReal log_tol, Vec W)
{
  const PetscScalar *u;
  PetscScalar       *w;
  PetscInt           xs, xm;
  PetscReal          m2 = 0, beta = 0;

  PetscFunctionBeginUser;
  PetscCall(DMDAGetCorners(op->grid->da, &xs, NULL, NULL, NULL, NULL, NULL));
  PetscCall(VecGetLocalSize(W, &xm)); /* cells of this rank, on 1D and 2D grids */
  if (op->variable == FRG_VARIABLE_U) {
    PetscCall(VecGetArrayRead(V, &u));
    PetscCall(VecGetArray(W, &w));
    for (PetscInt m = 0; m < xm; m++) w[m] = 1.0 / (rtol * PetscAbsReal(u[m]) + atol);
    PetscCall(VecRestoreArray(W, &w));
    PetscCall(VecRestoreArrayRead(V, &u));
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  PetscCall(FrgVariableSetUp(op));
  PetscCall(FrgVariableToU(op, t, V, op->u_state));
  PetscCall(FrgVariableScale(op, t, &m2, &beta));
  PetscCall(VecGetArrayRead(op->u_state, &u));
  PetscCall(VecGetArray(W, &w));
  for (PetscInt m = 0; m < xm; m++) w[m] = PetscMax(op->q[m] / (rtol * PetscAbsReal(u[m]) + atol), 1.0 / log_tol);
  PetscCall(VecRestoreArray(W, &w));
  PetscCall(VecRestoreArrayRead(op->u_state, &u));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The local error tolerance of each cell in u at the state v: rtol |u| + atol, and for the log variable
 * the smaller q log_tol where its test is the stricter one (1/ewt in u: e_u = q e_y). Not collective. */
PetscErrorCode FrgOperatorTolerance(FrgOperator op, PetscReal t, Vec V, PetscReal rtol, PetscReal atol, PetscReal log_tol, Vec T)
{
  const PetscScalar *u;
  PetscScalar       *tol;
  PetscInt           xm;
  const PetscBool    log = (PetscBool)(op->variable == FRG_VARIABLE_LOG);

  PetscFunctionBeginUser;
  if (log) {
    PetscCall(FrgVariableSetUp(op));
    PetscCall(FrgVariableToU(op, t, V, op->u_state));
  }
  PetscCall(VecGetLocalSize(T, &xm));
  PetscCall(VecGetArrayRead(log ? op->u_state : V, &u));
  PetscCall(VecGetArray(T, &tol));
  for (PetscInt m = 0; m < xm; m++) {
    tol[m] = rtol * PetscAbsReal(u[m]) + atol;
    if (log && op->q[m] > 0) tol[m] = PetscMin(tol[m], op->q[m] * log_tol);
  }
  PetscCall(VecRestoreArray(T, &tol));
  PetscCall(VecRestoreArrayRead(log ? op->u_state : V, &u));
  PetscFunctionReturn(PETSC_SUCCESS);
}
