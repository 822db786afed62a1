/* Error estimates for every number of -task fixedpoint (-error_estimate, default true).
 *
 * Grid (lpa, lpa_prime). A number x computed with n Chebyshev intervals on [0, L] errs by
 *   x(n, L) - x = [x(n, L) - x(inf, L)] + [x(inf, L) - x(inf, inf)],
 * a resolution part that falls exponentially with n (the fixed point is analytic in rho: Trefethen,
 * Spectral Methods in MATLAB, ch. 5) and a domain part from the outer boundary row that falls faster
 * than exponentially with L (lpa.c). Two more solves, each finer than the main one, measure them:
 *   A: n_A = n + max(8, n/4) intervals on the same domain, so x(n, L) - x(n_A, L) is the resolution part;
 *   B: domain 1.25 L with 1.25 n_A intervals (at least the main solve's density of points), so
 *      x(n, L) - x(n_B, 1.25 L) is the whole error.
 * The extra solves are finer, not coarser, because a difference measures the larger of the two errors:
 * against a coarser solve it would report that solve's error, orders of magnitude above the main one's
 * at exponential convergence.
 * Round-off of the eigenvalues: the eigenproblem is badly conditioned (the eigenfunction of theta_i
 * grows like rho^((2 - theta_i)/(d - 2)) across the grid), and its round-off, not the discretization,
 * decides omega beyond ~1e-12 and the higher theta_i; it is often much the same in the three solves.
 * So the stability matrix of the main solve is also diagonalized in three copies with every entry
 * changed by a relative 4 eps (seeded signs), which changes the rounding of the eigensolver: the spread
 * is its round-off (perturbed data as a probe of a finite-precision result: Chaitin-Chatelin and
 * Fraysse, Lectures on Finite Precision Computations, SIAM 1996). The first-order normwise bound
 * eps |J| cond(theta_i) would overstate it some 30-fold here.
 * x_error = max(|x - x_A|, |x - x_B|, |x - x_probe|, 8 eps |x|).
 * Eigenvalues are compared place by place (sorted by decreasing real part). A pair counts only when
 * both are real or both the same member of a conjugate pair, and each is the other's nearest stored
 * eigenvalue; otherwise the error is +inf (a spurious eigenvalue of the collocation, or a complex pair
 * that became two real ones): an unmatched spectrum is never turned into a finite difference.
 * Not included: the threshold tables of the non-Litim regulators (interpolation error < 1e-12,
 * threshold.c), identical in all solves.
 *
 * Taylor (a finite system of n beta functions, no grid). Its truncation error (order n against the
 * grid) is physics, not numerics, and is not estimated. The numerical error is that of the nonlinear
 * solve and of the stability matrix (Richardson differences, taylor.c) and its eigenvalues; the
 * comparison solve takes one more full Newton step from y* (the error of the solve, as Newton converges
 * quadratically) and forms the stability matrix there with difference steps halved (truncation error
 * h^4 down 16-fold, round-off eps/h doubled); with the probe of the eigensolver's round-off above,
 * x_error = max(|x - x'|, |x - x_probe|, 8 eps |x|). */
#include "fixedpoint_impl.h"

#define FRG_ERROR_DOMAIN_FACTOR 1.25
#define FRG_ERROR_PROBES        3
#define FRG_ERROR_PROBE_SIZE    (4 * PETSC_MACHINE_EPSILON)
#define FRG_ERROR_FLOOR         (8 * PETSC_MACHINE_EPSILON)
#define FRG_ERROR_UNKNOWN       ((PetscReal)INFINITY) /* a true +inf (PETSC_INFINITY is a finite 4.5e307) */
#define FRG_ERROR_TAYLOR_MAX    16 /* couplings of the Taylor truncation (-taylor_order <= 12) */

/* Place of the conjugate partner of theta_i relative to i: 0 for a real eigenvalue, +1 or -1, and 2
 * when the partner is beyond the stored eigenvalues (dgeev returns exact conjugates). */
static PetscInt FrgThetaPartner(const FrgFixedPointResult *r, PetscInt i)
{
  if (r->theta_imag[i] == 0) return 0;
  if (i + 1 < r->ntheta && r->theta[i + 1] == r->theta[i] && r->theta_imag[i + 1] == -r->theta_imag[i]) return 1;
  if (i > 0 && r->theta[i - 1] == r->theta[i] && r->theta_imag[i - 1] == -r->theta_imag[i]) return -1;
  return 2;
}

/* theta_1..6, and theta_7 when theta_6 and theta_7 are a conjugate pair (a pair is reported whole). */
PetscInt FrgFixedPointReportedThetas(const FrgFixedPointResult *r)
{
  PetscInt n = PetscMin(r->ntheta, 6);

  return n > 0 && n < r->ntheta && FrgThetaPartner(r, n - 1) == 1 ? n + 1 : n;
}

static PetscReal FrgThetaDistance(const FrgFixedPointResult *a, PetscInt i, const FrgFixedPointResult *b, PetscInt j)
{
  return PetscSqrtReal(PetscSqr(a->theta[i] - b->theta[j]) + PetscSqr(a->theta_imag[i] - b->theta_imag[j]));
}

/* theta_i of a and theta_i of b are the same eigenvalue: same kind, and each the other's nearest. */
static PetscBool FrgThetaMatched(const FrgFixedPointResult *a, const FrgFixedPointResult *b, PetscInt i)
{
  PetscReal distance;

  if (i >= b->ntheta || FrgThetaPartner(a, i) != FrgThetaPartner(b, i)) return PETSC_FALSE;
  distance = FrgThetaDistance(a, i, b, i);
  if (PetscIsInfOrNanReal(distance)) return PETSC_FALSE;
  for (PetscInt j = 0; j < b->ntheta; j++)
    if (j != i && FrgThetaDistance(a, i, b, j) <= distance) return PETSC_FALSE;
  for (PetscInt j = 0; j < a->ntheta; j++)
    if (j != i && FrgThetaDistance(a, j, b, i) <= distance) return PETSC_FALSE;
  return PETSC_TRUE;
}

/* error = max(error, difference); a NaN difference is no information, hence +inf */
static void FrgErrorRaise(PetscReal *error, PetscReal difference)
{
  *error = PetscIsNanReal(difference) ? FRG_ERROR_UNKNOWN : PetscMax(*error, difference);
}

/* Raises every error of main to its difference from alt (alt NULL: the extra solve failed, all +inf). */
static void FrgErrorUpdate(FrgFixedPointResult *main, const FrgFixedPointResult *alt)
{
  FrgFixedPointError *e = &main->error;
  const PetscReal     inf = FRG_ERROR_UNKNOWN;

  FrgErrorRaise(&e->eta, alt ? PetscAbsReal(main->eta - alt->eta) : inf);
  FrgErrorRaise(&e->kappa_hat, alt ? PetscAbsReal(main->kappa_hat - alt->kappa_hat) : inf);
  FrgErrorRaise(&e->lambda_hat, alt ? PetscAbsReal(main->lambda_hat - alt->lambda_hat) : inf);
  for (PetscInt i = 0; i < main->ntheta; i++) {
    PetscBool matched = (PetscBool)(alt && FrgThetaMatched(main, alt, i));
    FrgErrorRaise(&e->theta[i], matched ? PetscAbsReal(main->theta[i] - alt->theta[i]) : inf);
    FrgErrorRaise(&e->theta_imag[i], matched ? PetscAbsReal(main->theta_imag[i] - alt->theta_imag[i]) : inf);
  }
  FrgErrorRaise(&e->nu, alt && FrgThetaMatched(main, alt, 0) ? PetscAbsReal(main->nu - alt->nu) : inf);
  if (main->ntheta > 1) FrgErrorRaise(&e->omega, alt && FrgThetaMatched(main, alt, 1) ? PetscAbsReal(main->omega - alt->omega) : inf);
}

/* No number is known better than a few units in its last place. */
static void FrgErrorFloor(FrgFixedPointResult *r)
{
  FrgFixedPointError *e = &r->error;

  FrgErrorRaise(&e->nu, FRG_ERROR_FLOOR * PetscAbsReal(r->nu));
  FrgErrorRaise(&e->omega, FRG_ERROR_FLOOR * PetscAbsReal(r->omega));
  FrgErrorRaise(&e->eta, FRG_ERROR_FLOOR * PetscAbsReal(r->eta));
  FrgErrorRaise(&e->kappa_hat, FRG_ERROR_FLOOR * PetscAbsReal(r->kappa_hat));
  FrgErrorRaise(&e->lambda_hat, FRG_ERROR_FLOOR * PetscAbsReal(r->lambda_hat));
  for (PetscInt i = 0; i < r->ntheta; i++) {
    FrgErrorRaise(&e->theta[i], FRG_ERROR_FLOOR * PetscAbsReal(r->theta[i]));
    FrgErrorRaise(&e->theta_imag[i], FRG_ERROR_FLOOR * PetscAbsReal(r->theta_imag[i]));
  }
}

/* The round-off probe of the banner on the stability matrix J (n x n) of res. */
static PetscErrorCode FrgEigenvalueProbe(MPI_Comm comm, PetscInt n, const PetscReal J[], FrgFixedPointResult *res)
{
  PetscReal          *P;
  unsigned long long  state = 0x9E3779B97F4A7C15ULL; /* seeded: every rank and every run sees the same copies */
  FrgFixedPointResult alt;

  PetscFunctionBeginUser;
  PetscCall(PetscMalloc1(n * n, &P));
  for (PetscInt probe = 0; probe < FRG_ERROR_PROBES; probe++) {
    for (PetscInt k = 0; k < n * n; k++) {
      state = state * 6364136223846793005ULL + 1442695040888963407ULL; /* Knuth's MMIX LCG; the top bit is the sign */
      P[k]  = J[k] * (1 + ((state >> 63) ? FRG_ERROR_PROBE_SIZE : -FRG_ERROR_PROBE_SIZE));
    }
    PetscCall(PetscMemzero(&alt, sizeof(alt)));
    PetscCall(FrgFixedPointEigenvalues(comm, n, P, &alt));
    alt.eta = res->eta, alt.kappa_hat = res->kappa_hat, alt.lambda_hat = res->lambda_hat;
    FrgErrorUpdate(res, &alt);
  }
  PetscCall(PetscFree(P));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* One extra grid solve (points intervals, rho_max = domain kappa_2) folded into res->error. */
static PetscErrorCode FrgLpaEstimateFrom(FrgLpaSolver s, const FrgFixedPointParams *params, PetscInt points, PetscReal domain, FrgFixedPointResult *res)
{
  FrgLpaSolver        other;
  FrgFixedPointResult alt;
  PetscBool           converged;

  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(&alt, sizeof(alt)));
  PetscCall(FrgLpaSolverCreateLike(s, points, domain, &other));
  PetscCall(FrgLpaSolverTrySolve(other, params, &alt, &converged));
  FrgErrorUpdate(res, converged ? &alt : NULL);
  if (!converged) res->failures++;
  PetscCall(PetscFree2(alt.rho, alt.v));
  PetscCall(FrgLpaSolverDestroy(&other));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Not collective. res: the main solve of s; fills res->error from the round-off probe and solves A and B of the banner. */
PetscErrorCode FrgLpaEstimateErrors(FrgLpaSolver s, const FrgFixedPointParams *params, FrgFixedPointResult *res)
{
  PetscInt         points, finer, m;
  PetscReal        domain;
  const PetscReal *J;

  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(&res->error, sizeof(res->error)));
  res->failures = 0;
  PetscCall(FrgLpaSolverGetStabilityMatrix(s, &m, &J));
  PetscCall(FrgEigenvalueProbe(PETSC_COMM_SELF, m, J, res));
  PetscCall(FrgLpaSolverGetGrid(s, &points, &domain));
  finer = points + PetscMax(8, points / 4);
  PetscCall(FrgLpaEstimateFrom(s, params, finer, domain, res));
  PetscCall(FrgLpaEstimateFrom(s, params, (PetscInt)PetscCeilReal(FRG_ERROR_DOMAIN_FACTOR * finer), FRG_ERROR_DOMAIN_FACTOR * domain, res));
  FrgErrorFloor(res);
  res->estimated = PETSC_TRUE;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Not collective. res: the Taylor fixed point (couplings y* in res->v, order in res->points). */
PetscErrorCode FrgTaylorEstimateErrors(MPI_Comm comm, const FrgFixedPointParams *params, FrgFixedPointResult *res)
{
  int                 order = (int)res->points;
  double              y[FRG_ERROR_TAYLOR_MAX], J[FRG_ERROR_TAYLOR_MAX * FRG_ERROR_TAYLOR_MAX];
  FrgFixedPointResult alt;
  PetscBool           formed;

  PetscFunctionBeginUser;
  PetscCheck(order < FRG_ERROR_TAYLOR_MAX, comm, PETSC_ERR_SUP, "-taylor_order must be below %d, got %d", FRG_ERROR_TAYLOR_MAX, order);
  PetscCall(PetscMemzero(&res->error, sizeof(res->error)));
  PetscCall(PetscMemzero(&alt, sizeof(alt)));
  PetscCheck(!FrgTaylorJacobian(params, order, res->v, J), comm, PETSC_ERR_LIB, "the stability matrix of the Taylor truncation could not be formed");
  PetscCall(FrgEigenvalueProbe(comm, order, J, res));
  formed = (PetscBool)(!FrgTaylorRefine(params, order, res->v, y) && !FrgTaylorJacobianScaled(params, order, y, 0.5, J));
  if (formed) {
    PetscCall(FrgFixedPointEigenvalues(comm, order, J, &alt));
    alt.kappa_hat = y[0], alt.lambda_hat = y[1], alt.eta = res->eta;
  }
  FrgErrorUpdate(res, formed ? &alt : NULL);
  res->failures = formed ? 0 : 1;
  FrgErrorFloor(res);
  res->estimated = PETSC_TRUE;
  PetscFunctionReturn(PETSC_SUCCESS);
}
