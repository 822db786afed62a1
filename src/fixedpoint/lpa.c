/* Wilson-Fisher fixed point of the dimensionless LPA flow on a Chebyshev grid, and its exponents.
 *
 * Equation (include/frg/fixedpoint.h, the rho-derivative of doc/physics.md 2.2 in hat units):
 *   0 = -(2 - eta) v + (d - 2 + eta) rho v' + (N - 1) l'(v) v' + l'(v + 2 rho v') (3 v' + 2 rho v''),
 * for v = u'(rho) on rho in [0, rho_max].
 * Discretization: Chebyshev-Gauss-Lobatto collocation (Trefethen, Spectral Methods in MATLAB, ch. 6).
 * The fixed point is analytic in rho, so the error falls exponentially with the number of points: 64
 * points give 12 digits of nu, where the second-order KT scheme of the time-dependent solver would need
 * millions of cells. rho-tilde (not phi) is the variable because the equation is then regular at
 * rho = 0 (the 2 rho v'' term vanishes there, which is the regularity condition: no boundary condition
 * is imposed at 0), and the large-field behaviour is a simple power.
 * Outer boundary: for rho -> infinity the flow terms vanish like 1/v and v -> A rho^gamma,
 * gamma = (2 - eta)/(d - 2 + eta) (Morris, Int. J. Mod. Phys. A 9 (1994) 2411). At rho_max the
 * equation is imposed with rho v'' replaced by (gamma - 1) v', its asymptotic value: this first-order
 * condition leaves A free and removes the spurious boundary-layer solutions that a collocated v'' at
 * the end admits. Perturbations of the outer condition decay inward like exp(-(d-2) W^2 rho / 2): the
 * digits do not depend on rho_max once rho_max is a few times kappa (tests/cases/fixedpoint.sh).
 * Solver: Newton (PETSc SNES, backtracking line search, options prefix -fixedpoint_) from the order-2
 * Taylor fixed point v = lambda_2 (rho - kappa_2), found by bisection from the deck alone; where the
 * order-2 truncation has no fixed point (e.g. N = 1, d <= 2.5) by continuation in d from d = 3.
 * Exponents: eigenvalues of the collocation Jacobian (LAPACK dgeev via PETSc). The problem is small and dense
 * (~100 unknowns), so every rank solves it redundantly and the caller broadcasts rank 0's answer. */
#include "fixedpoint_impl.h"
#include <frg/options.h>

struct _n_FrgLpaSolver {
  MPI_Comm            comm;
  PetscInt            points; /* n: the grid has n + 1 points */
  PetscReal           domain; /* rho_max / kappa_2 */
  PetscReal           rho_max, gamma;
  PetscReal          *rho, *D1, *D2, *v1, *v2;
  PetscReal          *stability; /* the stability matrix of the last solve, for the error estimate */
  const FrgFixedPointParams *params;
  FrgFixedPointParams work; /* the target parameters, with the running eta of LPA' */
  PetscBool           anomalous;
  SNES                snes;
  Mat                 J;
  Vec                 x, r;
};

/* Collocation residual; returns 1 when the state leaves the threshold functions' domain. */
static int FrgLpaResidual(FrgLpaSolver s, const PetscReal v[], PetscReal f[], PetscReal J[])
{
  PetscInt m = s->points + 1;

  for (PetscInt i = 0; i < m; i++) {
    PetscReal a = 0, b = 0;
    for (PetscInt j = 0; j < m; j++) a += s->D1[i * m + j] * v[j], b += s->D2[i * m + j] * v[j];
    s->v1[i] = a, s->v2[i] = b;
  }
  for (PetscInt i = 0; i < m; i++) {
    double flow, dflow[3];
    if (FrgFixedPointFlow(s->params, s->rho[i], v[i], s->v1[i], s->v2[i], &flow, dflow)) return 1;
    if (f) f[i] = flow;
    if (J) /* column major */
      for (PetscInt j = 0; j < m; j++) J[i + j * m] = (i == j ? dflow[0] : 0) + dflow[1] * s->D1[i * m + j] + dflow[2] * s->D2[i * m + j];
  }
  return 0;
}

static PetscErrorCode FrgLpaFunction(SNES snes, Vec x, Vec f, void *ctx)
{
  FrgLpaSolver       s = (FrgLpaSolver)ctx;
  const PetscScalar *v;
  PetscScalar       *fa;

  PetscFunctionBeginUser;
  PetscCall(VecGetArrayRead(x, &v));
  PetscCall(VecGetArray(f, &fa));
  if (FrgLpaResidual(s, v, fa, NULL)) PetscCall(SNESSetFunctionDomainError(snes));
  PetscCall(VecRestoreArray(f, &fa));
  PetscCall(VecRestoreArrayRead(x, &v));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode FrgLpaJacobian(SNES snes, Vec x, Mat A, Mat P, void *ctx)
{
  FrgLpaSolver       s = (FrgLpaSolver)ctx;
  const PetscScalar *v;
  PetscScalar       *J;

  PetscFunctionBeginUser;
  PetscCall(VecGetArrayRead(x, &v));
  PetscCall(MatDenseGetArray(P, &J));
  if (FrgLpaResidual(s, v, NULL, J)) PetscCall(SNESSetJacobianDomainError(snes));
  PetscCall(MatDenseRestoreArray(P, &J));
  PetscCall(VecRestoreArrayRead(x, &v));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode FrgLpaSolverCreate(MPI_Comm comm, FrgLpaSolver *solver)
{
  FrgLpaSolver s;
  SNESLineSearch ls;

  PetscFunctionBeginUser;
  PetscCall(PetscNew(&s));
  s->comm   = comm;
  s->points = 64;
  s->domain = 8;
  PetscCall(SNESCreate(PETSC_COMM_SELF, &s->snes));
  PetscCall(SNESSetOptionsPrefix(s->snes, "fixedpoint_"));
  PetscCall(SNESSetTolerances(s->snes, 1e-13, 1e-14, 1e-15, 60, 1000));
  PetscCall(SNESGetLineSearch(s->snes, &ls));
  PetscCall(SNESLineSearchSetType(ls, SNESLINESEARCHBT));
  *solver = s;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode FrgLpaSolverSetFromOptions(FrgLpaSolver s)
{
  KSP ksp;
  PC  pc;

  PetscFunctionBeginUser;
  PetscOptionsBegin(s->comm, NULL, "Fixed point on the Chebyshev grid", "FrgFixedPoint");
  PetscCall(FrgOptionsInt("-fixedpoint_points", "Chebyshev intervals n of the fixed-point grid (n + 1 points)", s->points, &s->points, NULL, 8, 1000));
  PetscCall(FrgOptionsReal("-fixedpoint_domain", "Outer end rho_max of the grid in units of the order-2 Taylor minimum kappa_2", s->domain, &s->domain, NULL, 1.5, 1000));
  PetscOptionsEnd();
  PetscCheck(s->points >= 8 && s->points <= 1000, s->comm, PETSC_ERR_USER_INPUT, "-fixedpoint_points must be in [8, 1000], got %" PetscInt_FMT, s->points);
  PetscCheck(s->domain >= 1.5 && s->domain <= 1000, s->comm, PETSC_ERR_USER_INPUT, "-fixedpoint_domain must be in [1.5, 1000], got %g", (double)s->domain);
  PetscCall(SNESGetKSP(s->snes, &ksp));
  PetscCall(KSPSetType(ksp, KSPPREONLY));
  PetscCall(KSPGetPC(ksp, &pc));
  PetscCall(PCSetType(pc, PCLU));
  PetscCall(SNESSetFromOptions(s->snes));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode FrgLpaSolverSetUpGrid(FrgLpaSolver s, PetscReal rho_max)
{
  PetscInt m = s->points + 1;

  PetscFunctionBeginUser;
  s->rho_max = rho_max;
  PetscCall(PetscFree5(s->rho, s->D1, s->D2, s->v1, s->v2));
  PetscCall(PetscMalloc5(m, &s->rho, m * m, &s->D1, m * m, &s->D2, m, &s->v1, m, &s->v2));
  FrgChebyshevPoints((int)s->points, rho_max, s->rho, s->D1);
  for (PetscInt i = 0; i < m; i++)
    for (PetscInt j = 0; j < m; j++) {
      PetscReal sum = 0;
      for (PetscInt k = 0; k < m; k++) sum += s->D1[i * m + k] * s->D1[k * m + j];
      s->D2[i * m + j] = sum;
    }
  if (!s->x) {
    PetscCall(VecCreateSeq(PETSC_COMM_SELF, m, &s->x));
    PetscCall(VecDuplicate(s->x, &s->r));
    PetscCall(MatCreateSeqDense(PETSC_COMM_SELF, m, m, NULL, &s->J));
    PetscCall(SNESSetFunction(s->snes, s->r, FrgLpaFunction, s));
    PetscCall(SNESSetJacobian(s->snes, s->J, s->J, FrgLpaJacobian, s));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The outer boundary row: rho v'' -> (gamma - 1) v' at rho_max (see the banner). */
static void FrgLpaSetOuterRow(FrgLpaSolver s)
{
  PetscInt m = s->points + 1, last = s->points;

  s->gamma = (2 - s->params->eta) / (s->params->d - 2 + s->params->eta);
  for (PetscInt j = 0; j < m; j++) s->D2[last * m + j] = (s->gamma - 1) / s->rho[last] * s->D1[last * m + j];
}

/* Newton at the current parameters from the current x; *converged says whether it met the tolerance. */
static PetscErrorCode FrgLpaNewton(FrgLpaSolver s, PetscBool *converged, PetscReal *residual, PetscInt *iterations)
{
  SNESConvergedReason reason;
  PetscReal           norm;

  PetscFunctionBeginUser;
  FrgLpaSetOuterRow(s);
  PetscCall(SNESSolve(s->snes, NULL, s->x));
  PetscCall(SNESGetConvergedReason(s->snes, &reason));
  PetscCall(SNESGetIterationNumber(s->snes, iterations));
  {
    const PetscScalar *v;
    PetscScalar       *f;
    int                outside;
    PetscCall(VecGetArrayRead(s->x, &v));
    PetscCall(VecGetArray(s->r, &f));
    outside = FrgLpaResidual(s, v, f, NULL);
    PetscCall(VecRestoreArray(s->r, &f));
    PetscCall(VecRestoreArrayRead(s->x, &v));
    PetscCall(VecNorm(s->r, NORM_INFINITY, &norm));
    *residual = outside || PetscIsInfOrNanReal(norm) ? PETSC_INFINITY : norm;
  }
  /* Newton often ends on a line-search stall at round-off level: judge by the residual itself */
  PetscCall(VecNorm(s->x, NORM_INFINITY, &norm));
  *converged = (PetscBool)(*residual < 1e-10 * PetscMax(1, norm));
  (void)reason;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Barycentric interpolation of values f on the Chebyshev points (Berrut, Trefethen, SIAM Rev. 46 (2004) 501) */
static PetscReal FrgLpaInterpolate(FrgLpaSolver s, const PetscReal f[], PetscReal rho)
{
  PetscReal num = 0, den = 0;

  for (PetscInt j = 0; j <= s->points; j++) {
    PetscReal w = ((j % 2) ? -1.0 : 1.0) * ((j == 0 || j == s->points) ? 0.5 : 1.0);
    if (rho == s->rho[j]) return f[j];
    num += w * f[j] / (rho - s->rho[j]);
    den += w / (rho - s->rho[j]);
  }
  return num / den;
}

/* kappa: the zero of v (Newton on the interpolant, from the bracketing grid interval); lambda = v'(kappa) */
static PetscErrorCode FrgLpaMinimum(FrgLpaSolver s, const PetscReal v[], FrgFixedPointResult *res)
{
  PetscInt  i;
  PetscReal rho;

  PetscFunctionBeginUser;
  for (PetscInt k = 0; k <= s->points; k++) {
    PetscReal a = 0;
    for (PetscInt j = 0; j <= s->points; j++) a += s->D1[k * (s->points + 1) + j] * v[j];
    s->v1[k] = a;
  }
  for (i = 0; i < s->points && !(v[i] < 0 && v[i + 1] >= 0); i++);
  if (i == s->points) { /* symmetric fixed point: the minimum sits at rho = 0 */
    res->kappa_hat = 0, res->lambda_hat = s->v1[0];
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  rho = s->rho[i] - v[i] * (s->rho[i + 1] - s->rho[i]) / (v[i + 1] - v[i]);
  for (PetscInt it = 0; it < 50; it++) {
    PetscReal step = FrgLpaInterpolate(s, v, rho) / FrgLpaInterpolate(s, s->v1, rho);
    rho -= step;
    if (PetscAbsReal(step) < 1e-15 * rho) break;
  }
  res->kappa_hat  = rho;
  res->lambda_hat = FrgLpaInterpolate(s, s->v1, rho);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Seed at the current params: v = lambda_2 (rho - kappa_2). Returns found = false without a seed. */
static PetscErrorCode FrgLpaSeed(FrgLpaSolver s, PetscBool *found, PetscReal *kappa2)
{
  double       kappa, lambda;
  PetscScalar *x;

  PetscFunctionBeginUser;
  *found = (PetscBool)!FrgFixedPointOrder2Seed(s->params, &kappa, &lambda);
  if (!*found) PetscFunctionReturn(PETSC_SUCCESS);
  *kappa2 = kappa;
  PetscCall(FrgLpaSolverSetUpGrid(s, s->domain * kappa));
  PetscCall(VecGetArray(s->x, &x));
  for (PetscInt i = 0; i <= s->points; i++) x[i] = lambda * (s->rho[i] - kappa);
  PetscCall(VecRestoreArray(s->x, &x));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Continuation in d from d = 3, where the order-2 seed exists, to the target d (step halving on failure). */
static PetscErrorCode FrgLpaContinueInDimension(FrgLpaSolver s, const FrgFixedPointParams *target, PetscBool *converged, PetscReal *residual, PetscInt *iterations)
{
  FrgFixedPointParams p = *target;
  PetscReal           d = 3, step, kappa2;
  PetscBool           found;

  PetscFunctionBeginUser;
  p.d       = d;
  s->params = &p;
  PetscCall(FrgLpaSeed(s, &found, &kappa2));
  *converged = PETSC_FALSE;
  if (!found) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(FrgLpaNewton(s, converged, residual, iterations));
  step = 0.05 * (target->d > d ? 1 : -1);
  while (*converged && d != target->d && PetscAbsReal(step) > 1e-4) {
    Vec       save;
    PetscReal next = PetscAbsReal(target->d - d) < PetscAbsReal(step) ? target->d : d + step;
    PetscCall(VecDuplicate(s->x, &save));
    PetscCall(VecCopy(s->x, save));
    p.d = next;
    PetscCall(FrgLpaNewton(s, converged, residual, iterations));
    if (*converged) d = next;
    else {
      PetscCall(VecCopy(save, s->x));
      step *= 0.5;
      *converged = PETSC_TRUE;
    }
    PetscCall(VecDestroy(&save));
  }
  *converged = (PetscBool)(*converged && d == target->d);
  s->params  = &s->work;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* LPA' (Litim regulator): the anomalous dimension from the momentum dependence of the radial two-point
 * function at the minimum (Tetradis, Wetterich, Nucl. Phys. B 422 (1994) 541; Berges, Tetradis,
 * Wetterich, Phys. Rep. 363 (2002) 223, sec. 4.4):
 *   eta = (16 v_d / d) kappa lambda^2 m^d_{2,2}(2 kappa lambda),  m^d_{2,2}(w) = 1/(1 + w)^4 (Litim),
 * with 16 v_d / d = 4 c_d; in hat units eta = 4 kappa_hat lambda_hat^2 / (1 + 2 kappa_hat lambda_hat)^4.
 * Z_k is defined at the running minimum, so eta is a function of the fixed-point potential. */
static PetscErrorCode FrgLpaPrimeEta(FrgLpaSolver s, const PetscReal v[], PetscReal *eta)
{
  FrgFixedPointResult r;
  PetscReal           w;

  PetscFunctionBeginUser;
  PetscCall(FrgLpaMinimum(s, v, &r));
  w    = 2 * r.kappa_hat * r.lambda_hat;
  *eta = 4 * r.kappa_hat * r.lambda_hat * r.lambda_hat / PetscPowReal(1 + w, 4);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Self-consistent eta: v solved at fixed eta, eta updated from v (a contraction: eta is small). */
static PetscErrorCode FrgLpaPrimeIterate(FrgLpaSolver s, PetscBool *converged, PetscReal *residual, PetscInt *iterations)
{
  PetscFunctionBeginUser;
  for (PetscInt it = 0; it < 200 && *converged; it++) {
    const PetscScalar *v;
    PetscReal          eta = 0;
    PetscCall(VecGetArrayRead(s->x, &v));
    PetscCall(FrgLpaPrimeEta(s, v, &eta));
    PetscCall(VecRestoreArrayRead(s->x, &v));
    if (PetscAbsReal(eta - s->work.eta) < 1e-15) PetscFunctionReturn(PETSC_SUCCESS);
    s->work.eta = eta;
    PetscCall(FrgLpaNewton(s, converged, residual, iterations));
  }
  *converged = PETSC_FALSE;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Stability matrix of LPA': J + (dF/d eta) (grad_v eta)^T, since eta depends on the couplings. The flow
 * is linear in eta, so dF/d eta is exact by a difference; grad eta by central differences. */
static PetscErrorCode FrgLpaPrimeJacobian(FrgLpaSolver s, const PetscReal v[], PetscReal J[])
{
  PetscInt   m = s->points + 1;
  PetscReal  eta = s->work.eta, *fp, *fm, *dfdeta, *grad, *w;

  PetscFunctionBeginUser;
  PetscCall(PetscMalloc5(m, &fp, m, &fm, m, &dfdeta, m, &grad, m, &w));
  s->work.eta = eta + 1e-3;
  FrgLpaResidual(s, v, fp, NULL);
  s->work.eta = eta - 1e-3;
  FrgLpaResidual(s, v, fm, NULL);
  s->work.eta = eta;
  for (PetscInt i = 0; i < m; i++) dfdeta[i] = (fp[i] - fm[i]) / 2e-3;
  PetscCall(PetscArraycpy(w, v, m));
  for (PetscInt j = 0; j < m; j++) {
    PetscReal h = 1e-6 * PetscMax(1, PetscAbsReal(v[j])), ep = 0, em = 0;
    w[j] = v[j] + h;
    PetscCall(FrgLpaPrimeEta(s, w, &ep));
    w[j] = v[j] - h;
    PetscCall(FrgLpaPrimeEta(s, w, &em));
    w[j]    = v[j];
    grad[j] = (ep - em) / (2 * h);
  }
  for (PetscInt j = 0; j < m; j++)
    for (PetscInt i = 0; i < m; i++) J[i + j * m] += dfdeta[i] * grad[j];
  PetscCall(PetscFree5(fp, fm, dfdeta, grad, w));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* For the dimensionless flow (flow.c): the collocation right-hand side d_t v and its Jacobian at the
 * parameters of the last solve. Returns 1 outside the thresholds' domain. Not collective. */
PETSC_INTERN int FrgLpaSolverRightHandSide(FrgLpaSolver s, const PetscReal v[], PetscReal f[], PetscReal J[])
{
  return FrgLpaResidual(s, v, f, J);
}

PETSC_INTERN PetscErrorCode FrgLpaSolverSetAnomalous(FrgLpaSolver s, PetscBool anomalous)
{
  PetscFunctionBeginUser;
  s->anomalous = anomalous;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Fixed point at params on the solver's grid: seed, Newton, continuation in d, LPA' iteration. */
static PetscErrorCode FrgLpaSolverFind(FrgLpaSolver s, const FrgFixedPointParams *params, PetscBool *converged, PetscReal *residual, PetscInt *iterations)
{
  PetscBool found;
  PetscReal kappa2;

  PetscFunctionBeginUser;
  *converged = PETSC_FALSE, *residual = PETSC_INFINITY, *iterations = 0;
  s->work   = *params;
  s->params = &s->work;
  PetscCall(FrgLpaSeed(s, &found, &kappa2));
  if (found) PetscCall(FrgLpaNewton(s, converged, residual, iterations));
  if (!*converged) PetscCall(FrgLpaContinueInDimension(s, &s->work, converged, residual, iterations));
  if (*converged && s->anomalous) PetscCall(FrgLpaPrimeIterate(s, converged, residual, iterations));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Minimum, eta and exponents of the converged grid solution; res owns copies of rho and v. */
static PetscErrorCode FrgLpaSolverExponents(FrgLpaSolver s, FrgFixedPointResult *res)
{
  PetscInt           m = s->points + 1;
  PetscReal         *J;
  const PetscScalar *v;

  PetscFunctionBeginUser;
  PetscCall(PetscFree(s->stability));
  PetscCall(PetscMalloc1(m * m, &s->stability));
  J = s->stability;
  PetscCall(VecGetArrayRead(s->x, &v));
  FrgLpaResidual(s, v, NULL, J);
  if (s->anomalous) PetscCall(FrgLpaPrimeJacobian(s, v, J));
  PetscCall(FrgLpaMinimum(s, v, res));
  res->eta = s->work.eta;
  PetscCall(FrgFixedPointEigenvalues(s->comm, m, J, res));
  PetscCall(PetscFree2(res->rho, res->v));
  PetscCall(PetscMalloc2(m, &res->rho, m, &res->v));
  PetscCall(PetscArraycpy(res->rho, s->rho, m));
  PetscCall(PetscArraycpy(res->v, v, m));
  PetscCall(VecRestoreArrayRead(s->x, &v));
  res->points = s->points, res->rho_max = s->rho_max;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Not collective. The fixed point and its exponents, or *converged = PETSC_FALSE (res then holds only
 * the residual and iteration count): for the error estimate, where a failed extra solve is a result. */
PetscErrorCode FrgLpaSolverTrySolve(FrgLpaSolver s, const FrgFixedPointParams *params, FrgFixedPointResult *res, PetscBool *converged)
{
  PetscFunctionBeginUser;
  PetscCall(FrgLpaSolverFind(s, params, converged, &res->residual, &res->iterations));
  if (*converged) PetscCall(FrgLpaSolverExponents(s, res));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode FrgLpaSolverSolve(FrgLpaSolver s, const FrgFixedPointParams *params, FrgFixedPointResult *res)
{
  PetscBool converged;

  PetscFunctionBeginUser;
  PetscCall(FrgLpaSolverTrySolve(s, params, res, &converged));
  PetscCheck(converged, s->comm, PETSC_ERR_NOT_CONVERGED,
             "no Wilson-Fisher fixed point found for N = %g, d = %g (Newton residual reached %.3e after %" PetscInt_FMT
             " iterations): the fixed point exists for 2 < d < 4; try a larger -fixedpoint_domain or -fixedpoint_points, or -fixedpoint_snes_monitor",
             (double)params->N, (double)params->d, (double)res->residual, res->iterations);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* A solver with the options of s (SNES, LPA') on another grid: n intervals on [0, domain kappa_2]. */
PetscErrorCode FrgLpaSolverCreateLike(FrgLpaSolver s, PetscInt points, PetscReal domain, FrgLpaSolver *like)
{
  PetscFunctionBeginUser;
  PetscCall(FrgLpaSolverCreate(s->comm, like));
  PetscCall(FrgLpaSolverSetFromOptions(*like));
  (*like)->points = points, (*like)->domain = domain, (*like)->anomalous = s->anomalous;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The stability matrix of the last solve (column major, borrowed), NULL before a solve. */
PetscErrorCode FrgLpaSolverGetStabilityMatrix(FrgLpaSolver s, PetscInt *m, const PetscReal **J)
{
  PetscFunctionBeginUser;
  *m = s->points + 1, *J = s->stability;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The grid of s: n intervals and rho_max / kappa_2. */
PetscErrorCode FrgLpaSolverGetGrid(FrgLpaSolver s, PetscInt *points, PetscReal *domain)
{
  PetscFunctionBeginUser;
  *points = s->points, *domain = s->domain;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode FrgLpaSolverDestroy(FrgLpaSolver *solver)
{
  FrgLpaSolver s = *solver;

  PetscFunctionBeginUser;
  if (!s) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(SNESDestroy(&s->snes));
  PetscCall(MatDestroy(&s->J));
  PetscCall(VecDestroy(&s->x));
  PetscCall(VecDestroy(&s->r));
  PetscCall(PetscFree5(s->rho, s->D1, s->D2, s->v1, s->v2));
  PetscCall(PetscFree(s->stability));
  PetscCall(PetscFree(s));
  *solver = NULL;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Eigenvalues of the (column-major) stability matrix J through KSPComputeEigenvaluesExplicitly (LAPACK
 * dgeev inside PETSc, so no direct LAPACK link is needed); theta = -eigenvalue, sorted by decreasing real
 * part, a conjugate pair as (a + bi, a - bi) with b > 0. nu = 1/theta_1, omega = -theta_2. */
PetscErrorCode FrgFixedPointEigenvalues(MPI_Comm comm, PetscInt n, const PetscReal J[], FrgFixedPointResult *res)
{
  Mat        A;
  KSP        ksp;
  PC         pc;
  PetscReal *wr, *wi;
  PetscInt  *order;

  PetscFunctionBeginUser;
  PetscCall(MatCreateSeqDense(PETSC_COMM_SELF, n, n, NULL, &A));
  {
    PetscScalar *a;
    PetscCall(MatDenseGetArray(A, &a));
    PetscCall(PetscArraycpy(a, J, n * n));
    PetscCall(MatDenseRestoreArray(A, &a));
  }
  PetscCall(MatAssemblyBegin(A, MAT_FINAL_ASSEMBLY));
  PetscCall(MatAssemblyEnd(A, MAT_FINAL_ASSEMBLY));
  PetscCall(KSPCreate(PETSC_COMM_SELF, &ksp));
  PetscCall(KSPSetOperators(ksp, A, A));
  PetscCall(KSPGetPC(ksp, &pc));
  PetscCall(PCSetType(pc, PCNONE));
  PetscCall(KSPSetUp(ksp));
  PetscCall(PetscMalloc3(n, &wr, n, &wi, n, &order));
  PetscCall(KSPComputeEigenvaluesExplicitly(ksp, n, wr, wi));
  for (PetscInt i = 0; i < n; i++) wr[i] = -wr[i], wi[i] = -wi[i], order[i] = i;
  for (PetscInt i = 1; i < n; i++) /* insertion sort by decreasing theta */
    for (PetscInt j = i; j > 0 && wr[order[j]] > wr[order[j - 1]]; j--) {
      PetscInt t = order[j];
      order[j] = order[j - 1], order[j - 1] = t;
    }
  for (PetscInt i = 0; i + 1 < n; i++) /* a conjugate pair: positive imaginary part first, so that pairs of two solves line up */
    if (wi[order[i]] < 0 && wr[order[i + 1]] == wr[order[i]] && wi[order[i + 1]] == -wi[order[i]]) {
      PetscInt t = order[i];
      order[i] = order[i + 1], order[i + 1] = t, i++;
    }
  res->ntheta = PetscMin(n, FRG_FIXEDPOINT_MAX_THETA);
  for (PetscInt i = 0; i < res->ntheta; i++) res->theta[i] = wr[order[i]], res->theta_imag[i] = wi[order[i]];
  res->nu    = 1 / res->theta[0];
  res->omega = n > 1 ? -res->theta[1] : 0;
  PetscCall(PetscFree3(wr, wi, order));
  PetscCall(KSPDestroy(&ksp));
  PetscCall(MatDestroy(&A));
  PetscFunctionReturn(PETSC_SUCCESS);
}
