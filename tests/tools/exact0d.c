/* exact0d: exact infrared vertices of the zero-dimensional O(N) model, the reference of the 0D tests.
 *
 * In d = 0 the partition function is an ordinary integral; for an O(N)-symmetric action U(sigma),
 * sigma = |phi|, the radial moments are one-dimensional integrals (doc/physics.md 2.1; Koenigstein et al.,
 * PRD 106, 065012 (2022), eqs. for <(phi^2)^n>):
 *     <(phi^2)^n> = int_0^inf sigma^{N-1+2n} e^{-U} dsigma / int_0^inf sigma^{N-1} e^{-U} dsigma.
 * Along one component phi_1 the moments follow from the angular averages of the unit sphere,
 *     <phi_1^2> = <phi^2>/N, <phi_1^4> = 3 <(phi^2)^2>/(N(N+2)), <phi_1^6> = 15 <(phi^2)^3>/(N(N+2)(N+4)),
 * and the cumulants of phi_1 (odd ones vanish) are the derivatives of W(j) = ln Z(j) at j = 0:
 *     c2 = <phi_1^2>,  c4 = <phi_1^4> - 3 c2^2,  c6 = <phi_1^6> - 15 <phi_1^4> c2 + 30 c2^3.
 * By symmetry the Legendre transform Gamma(phi) = sup_j [j phi - W(j)] is one-dimensional along the
 * field direction. Inverting the series phi = W'(j) = c2 j + c4 j^3/3! + c6 j^5/5! order by order gives
 *     Gamma2 = 1/c2,  Gamma4 = -c4/c2^4,  Gamma6 = -c6/c2^6 + 10 c4^2/c2^7,
 * the first two being Koenigstein et al.'s Gamma2 = N/<phi^2> and
 * Gamma4 = 3N^2/<phi^2>^2 [1 - N <(phi^2)^2>/((N+2) <phi^2>^2)]. (Gamma6 is checked independently by a
 * numerical Legendre transform in tests/py/exact0d_check.py.)
 *
 * The potential is a muparser expression in phi (alias sigma), the same syntax as frg's -potential,
 * so piecewise potentials work with "cond ? a : b". Integrals: GSL adaptive quadrature, split at the
 * optional break points (kinks of a piecewise U) so that every piece is smooth.
 *
 * At a finite regulator mass r (-r, the flow stopped at k^2 = r): Gamma_k + r phi^2/2 is the Legendre
 * transform of W for the action U + r sigma^2/2, so the moments are taken with that weight and
 *     Gamma2_k = 1/c2 - r,  Gamma4_k = -c4/c2^4,  Gamma6_k = -c6/c2^6 + 10 c4^2/c2^7.
 *
 * Usage: exact0d -N 4 -potential "-phi^2/2 + phi^4/24" [-breaks 1,2.5] [-r 1e-3]
 * Prints lines "gamma2 <value>", "gamma4 ...", "gamma6 ...", "phi2 ...", "phi4 ...", "phi6 ...";
 * with several N (-N 1,2,4, one start-up for all) every line starts with "N=<N> ".
 */
#include <frg.h>
#include <frg/leakcheck.h>
#include <string.h>
#include <gsl/gsl_integration.h>
#include <gsl/gsl_errno.h>
#include <muParserDLL.h>

#define EXACT0D_MAX_BREAKS 16
#define EXACT0D_WORKSPACE  4096
#define EXACT0D_MAX_N      16

typedef struct {
  muParserHandle_t parser;
  double           phi;   /* the parser's variable */
  double           power; /* sigma^power e^{-(U - shift)} */
  double           shift; /* min of U on a coarse scan: keeps e^{-U} in range */
  double           r;     /* regulator mass^2: the weight is e^{-(U + r sigma^2/2)} */
} Exact0dIntegrand;

static double Exact0dWeight(double sigma, void *ctx)
{
  Exact0dIntegrand *f = (Exact0dIntegrand *)ctx;

  f->phi = sigma;
  return pow(sigma, f->power) * exp(-(mupEval(f->parser) + 0.5 * f->r * sigma * sigma - f->shift));
}

/* int_0^inf sigma^power e^{-U}, split at the break points. */
static PetscErrorCode Exact0dMoment(Exact0dIntegrand *f, double power, const double breaks[], PetscInt nbreaks, double *value)
{
  gsl_integration_workspace *w = gsl_integration_workspace_alloc(EXACT0D_WORKSPACE);
  gsl_function               F = {Exact0dWeight, f};
  double                     a = 0.0, piece, err;
  int                        status;

  PetscFunctionBeginUser;
  f->power = power;
  *value   = 0.0;
  for (PetscInt i = 0; i < nbreaks; i++) {
    status = gsl_integration_qags(&F, a, breaks[i], 0.0, 1e-13, EXACT0D_WORKSPACE, w, &piece, &err);
    PetscCheck(status == GSL_SUCCESS || status == GSL_EROUND, PETSC_COMM_SELF, PETSC_ERR_LIB, "quadrature on [%g, %g] failed: %s", a, breaks[i], gsl_strerror(status));
    *value += piece;
    a = breaks[i];
  }
  status = gsl_integration_qagiu(&F, a, 0.0, 1e-13, EXACT0D_WORKSPACE, w, &piece, &err);
  PetscCheck(status == GSL_SUCCESS || status == GSL_EROUND, PETSC_COMM_SELF, PETSC_ERR_LIB, "quadrature on [%g, inf) failed: %s", a, gsl_strerror(status));
  *value += piece;
  gsl_integration_workspace_free(w);
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Exact0dParser(const char expr[], Exact0dIntegrand *f)
{
  PetscFunctionBeginUser;
  f->parser = mupCreate(muBASETYPE_FLOAT);
  mupDefineVar(f->parser, "phi", &f->phi);
  mupDefineVar(f->parser, "sigma", &f->phi);
  mupSetExpr(f->parser, expr);
  f->phi = 0.5;
  (void)mupEval(f->parser);
  PetscCheck(!mupError(f->parser), PETSC_COMM_SELF, PETSC_ERR_USER_INPUT, "-potential \"%s\" cannot be parsed: %s", expr, mupGetErrorMsg(f->parser));
  f->shift = PETSC_MAX_REAL;
  for (int i = 0; i <= 4000; i++) { /* the minimum of U on [0, 40]: only a scale for exp() */
    f->phi   = 0.01 * i;
    f->shift = PetscMin(f->shift, mupEval(f->parser));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Exact0dVertices(PetscReal N, double r, const double m[4], double gamma[3])
{
  const double phi2 = m[1] / m[0], phi4 = m[2] / m[0], phi6 = m[3] / m[0];
  const double p2 = phi2 / N, p4 = 3.0 * phi4 / (N * (N + 2.0)), p6 = 15.0 * phi6 / (N * (N + 2.0) * (N + 4.0));
  const double c2 = p2, c4 = p4 - 3.0 * p2 * p2, c6 = p6 - 15.0 * p4 * p2 + 30.0 * p2 * p2 * p2;

  PetscFunctionBeginUser;
  gamma[0] = 1.0 / c2 - r;
  gamma[1] = -c4 / pow(c2, 4);
  gamma[2] = -c6 / pow(c2, 6) + 10.0 * c4 * c4 / pow(c2, 7);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Prints the vertices and moments for one N; with several N each line starts with "N=<N> ". */
static PetscErrorCode Exact0dPrint(Exact0dIntegrand *f, PetscReal N, PetscBool prefix, const double breaks[], PetscInt nbreaks)
{
  double m[4], gamma[3];
  char   tag[64] = "";

  PetscFunctionBeginUser;
  PetscCheck(N > 0, PETSC_COMM_SELF, PETSC_ERR_USER_INPUT, "-N must be > 0, got %g", (double)N);
  if (prefix) snprintf(tag, sizeof(tag), "N=%g ", (double)N); /* C printf: PETSc writes 1 as "1." */
  for (int n = 0; n < 4; n++) PetscCall(Exact0dMoment(f, N - 1.0 + 2.0 * n, breaks, nbreaks, &m[n]));
  PetscCall(Exact0dVertices(N, f->r, m, gamma));
  PetscCall(PetscPrintf(PETSC_COMM_SELF, "%sgamma2 %.17g\n%sgamma4 %.17g\n%sgamma6 %.17g\n", tag, gamma[0], tag, gamma[1], tag, gamma[2]));
  PetscCall(PetscPrintf(PETSC_COMM_SELF, "%sphi2 %.17g\n%sphi4 %.17g\n%sphi6 %.17g\n", tag, m[1] / m[0], tag, m[2] / m[0], tag, m[3] / m[0]));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Takes "-potential EXPR" out of argv before PETSc sees it: EXPR may start with '-' (as in frg). */
static void Exact0dTakePotential(int *argc, char **argv, char expr[], size_t len)
{
  int out = 0;

  for (int i = 0; i < *argc; i++) {
    if (!strcmp(argv[i], "-potential") && i + 1 < *argc) {
      snprintf(expr, len, "%s", argv[++i]);
      continue;
    }
    argv[out++] = argv[i];
  }
  *argc = out;
}

int main(int argc, char **argv)
{
  Exact0dIntegrand f;
  char             expr[4096] = "";
  PetscReal        Ns[EXACT0D_MAX_N] = {1.0}, breaks[EXACT0D_MAX_BREAKS];
  PetscInt         nN = EXACT0D_MAX_N, nbreaks = EXACT0D_MAX_BREAKS;
  PetscBool        set;

  Exact0dTakePotential(&argc, argv, expr, sizeof(expr));
  FrgCallLeakUnchecked(PetscInitialize(&argc, &argv, NULL, "exact0d: exact vertices of the 0D O(N) model"));
  gsl_set_error_handler_off();
  PetscCall(PetscOptionsGetRealArray(NULL, NULL, "-N", Ns, &nN, &set));
  if (!set) nN = 1;
  PetscCheck(expr[0], PETSC_COMM_SELF, PETSC_ERR_USER_INPUT, "give -potential EXPR");
  PetscCall(PetscOptionsGetRealArray(NULL, NULL, "-breaks", breaks, &nbreaks, &set));
  if (!set) nbreaks = 0;
  for (PetscInt i = 1; i < nbreaks; i++) PetscCheck(breaks[i] > breaks[i - 1], PETSC_COMM_SELF, PETSC_ERR_USER_INPUT, "-breaks must increase");
  PetscCall(Exact0dParser(expr, &f));
  f.r = 0.0;
  PetscCall(PetscOptionsGetReal(NULL, NULL, "-r", &f.r, NULL));
  PetscCheck(f.r >= 0, PETSC_COMM_SELF, PETSC_ERR_USER_INPUT, "-r must be >= 0, got %g", f.r);
  for (PetscInt i = 0; i < nN; i++) PetscCall(Exact0dPrint(&f, Ns[i], nN > 1, breaks, nbreaks));
  mupRelease(f.parser);
  FrgFinalizeLeakChecked();
  return 0;
}
