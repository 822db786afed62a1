/* Unit test of the KT operator and its kernels (issue 2; run by tests/cases/core_unit.sh on 1 and 2
 * ranks).
 *  1. Flux kernels (include/frg/flux.h) against the LPA flow written directly from DESIGN.md 2.1:
 *     Q(u, w) = -c m2 [ g/(m2 + u/phi) + r/(m2 + w) ] and P(w) - F(u) = Q(u, w) - Q(0, 0); their
 *     derivatives against central differences.
 *  2. The KT interface flux (include/frg/kt.h) against an implementation of its documented formula
 *     written here (minmod reconstruction of q = m2 phi + u, Kurganov & Tadmor 2000 eq. (4.2)-(4.4)),
 *     and its Jacobian variant against central differences of the flux; the vectorized loop form of
 *     the Jacobian variant (FrgKTFluxJacobians) against it bit for bit, on states that reach every
 *     branch and tie rule.
 *  3. FrgOperatorJacobian against central differences of FrgOperatorApply, column by column, at smooth
 *     and rough (random) states, N = 1 and 4, odd and extrapolated left ends, on this communicator.
 *  4. FrgOperatorApply on this communicator against the same operator on one rank (ghost exchange).
 *  5. FrgOperatorJacobianBand (the band the modified-Newton route factors) against the rows of
 *     FrgOperatorJacobian, and bit for bit against the rows built from FrgKTFluxJacobian (the rows at
 *     the grid ends against FrgOperatorJacobian's, which fold the same derivatives the same way).
 * Prints one line per check; exits nonzero if any fails. */
#include <frg/impl.h>
#include <frg/kt.h>

#include "check.h"

/* libfrg-internal (static library: linkable here) */
PETSC_INTERN PetscErrorCode FrgOperatorLocalize(FrgOperator, Vec);
PETSC_INTERN PetscErrorCode FrgOperatorKernelParams(FrgOperator, PetscReal, FrgFluxKernelParams *);

/* The LPA flux as written in DESIGN.md 2.1, in units where A_d k^{d+2} = c m2. */
static double DirectQ(const FrgFluxKernelParams *p, double phi, double u, double w)
{
  return -p->c * p->m2 * (p->goldstone / (p->m2 + u / phi) + p->radial / (p->m2 + w));
}

static PetscErrorCode TestFluxKernels(MPI_Comm comm)
{
  const FrgFluxKernelParams p = {0.37, 0.81, 3.0, 1.0};
  unsigned long             seed = 7;
  double                    err_flux = 0, err_dF = 0, err_d2F = 0, err_dP = 0;
  const double              eps = 1e-5;

  PetscFunctionBeginUser;
  for (int n = 0; n < 200; n++) {
    /* u/phi and w stay a distance 0.4 m2 from the poles m2 + u/phi = 0 and m2 + w = 0 */
    const double phi = 0.05 + 3.0 * (Random(&seed) + 1), u = phi * p.m2 * (1.1 + 1.5 * Random(&seed)), w = p.m2 * (1.1 + 1.5 * Random(&seed));
    double       dF, d2F, dP, dFp, dFm;
    const double F = FrgFluxAdvection(&p, phi, u, &dF, &d2F), P = FrgFluxDiffusion(&p, w, &dP);
    const double exact = DirectQ(&p, phi, u, w) - DirectQ(&p, phi, 0.0, 0.0);

    err_flux = PetscMax(err_flux, fabs((P - F) - exact) / (fabs(exact) + p.c));
    (void)FrgFluxAdvection(&p, phi, u + eps, &dFp, NULL);
    (void)FrgFluxAdvection(&p, phi, u - eps, &dFm, NULL);
    err_dF  = PetscMax(err_dF, fabs(dF - (FrgFluxAdvection(&p, phi, u + eps, NULL, NULL) - FrgFluxAdvection(&p, phi, u - eps, NULL, NULL)) / (2 * eps)) / (fabs(dF) + 1e-3));
    err_d2F = PetscMax(err_d2F, fabs(d2F - (dFp - dFm) / (2 * eps)) / (fabs(d2F) + 1e-3));
    err_dP  = PetscMax(err_dP, fabs(dP - (FrgFluxDiffusion(&p, w + eps, NULL) - FrgFluxDiffusion(&p, w - eps, NULL)) / (2 * eps)) / (fabs(dP) + 1e-3));
  }
  PetscCall(Report(comm, (PetscBool)(err_flux < 1e-12), "flux: P(w) - F(u) = Q(u,w) - Q(0,0) of DESIGN.md 2.1", err_flux, 1e-12));
  PetscCall(Report(comm, (PetscBool)(err_dF < 1e-6), "flux: dF/du against central differences", err_dF, 1e-6));
  PetscCall(Report(comm, (PetscBool)(err_d2F < 1e-6), "flux: d2F/du2 against central differences", err_d2F, 1e-6));
  PetscCall(Report(comm, (PetscBool)(err_dP < 1e-6), "flux: dP/dw against central differences", err_dP, 1e-6));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static double Minmod(double a, double b)
{
  return a * b <= 0 ? 0.0 : (fabs(a) < fabs(b) ? a : b);
}

/* KT flux at the interface phi (between cells centred at phi - h/2 and phi + h/2), written from the
 * formula in the banner of include/frg/kt.h: reconstruct q = m2 x + u when there is a Goldstone term. */
static double ReferenceKTFlux(const FrgFluxKernelParams *p, double phi, double h, const double v[4])
{
  const double m2 = p->goldstone != 0.0 ? p->m2 : 0.0;
  double       q[4], qminus, qplus, uminus, uplus, dFm, dFp, H = 0.0;

  for (int c = 0; c < 4; c++) q[c] = m2 * (phi + (c - 1.5) * h) + v[c];
  qminus = q[1] + 0.5 * Minmod(q[1] - q[0], q[2] - q[1]);
  qplus  = q[2] - 0.5 * Minmod(q[2] - q[1], q[3] - q[2]);
  uminus = qminus - m2 * phi;
  uplus  = qplus - m2 * phi;
  if (p->goldstone != 0.0) {
    const double Fm = FrgFluxAdvection(p, phi, uminus, &dFm, NULL), Fp = FrgFluxAdvection(p, phi, uplus, &dFp, NULL);
    H               = 0.5 * (Fm + Fp) - 0.5 * fmax(fabs(dFm), fabs(dFp)) * (uplus - uminus);
  }
  return p->c * p->radial * ((v[2] - v[1]) / h) / (p->m2 + (v[2] - v[1]) / h) - H;
}

static PetscErrorCode TestKTFlux(MPI_Comm comm)
{
  unsigned long seed = 11;
  double        err_flux = 0, err_jac = 0;
  const double  h = 0.05, eps = 1e-7;

  PetscFunctionBeginUser;
  for (int n = 0; n < 400; n++) {
    const FrgFluxKernelParams p   = {0.5, 0.7, n % 2 ? 3.0 : 0.0, 1.0};
    const double              phi = 0.5 + 2.0 * (Random(&seed) + 1);
    double                    v[4], dG[4], scale = 0, den = 1.0;

    /* u ~ 0.4 phi plus rough noise: every minmod branch (left, right, extremum) occurs */
    for (int c = 0; c < 4; c++) v[c] = 0.4 * (phi + (c - 1.5) * h) + 0.01 * Random(&seed);
    const double G  = FrgKTFlux(&p, phi, h, v[0], v[1], v[2], v[3], &den);
    const double GJ = FrgKTFluxJacobian(&p, phi, h, v[0], v[1], v[2], v[3], dG);
    err_flux        = PetscMax(err_flux, PetscMax(fabs(G - ReferenceKTFlux(&p, phi, h, v)), fabs(GJ - G)) / (fabs(G) + p.c));
    for (int c = 0; c < 4; c++) scale = PetscMax(scale, fabs(dG[c]));
    for (int c = 0; c < 4; c++) {
      double vp[4], vm[4], d1 = 1.0, d2 = 1.0;
      for (int e = 0; e < 4; e++) vp[e] = vm[e] = v[e];
      vp[c] += eps;
      vm[c] -= eps;
      const double fd = (FrgKTFlux(&p, phi, h, vp[0], vp[1], vp[2], vp[3], &d1) - FrgKTFlux(&p, phi, h, vm[0], vm[1], vm[2], vm[3], &d2)) / (2 * eps);
      err_jac         = PetscMax(err_jac, fabs(fd - dG[c]) / scale);
    }
  }
  PetscCall(Report(comm, (PetscBool)(err_flux < 1e-12), "KT flux against the documented formula (rough states, N = 1, 4)", err_flux, 1e-12));
  PetscCall(Report(comm, (PetscBool)(err_jac < 1e-6), "KT flux Jacobian against central differences (rough states)", err_jac, 1e-6));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* States of the loop test on n cells at x_i = x0 + i h, written to u[0..n-1]; the caller adds the
 * two ghosts at each end. rough: every minmod branch; falling: slopes below -m2, so that both
 * shifted slopes are negative (minmod's other tie rule); pole: q = m2 x + u of order 1e-9, so dF and
 * d2F are of order 1e18 and 1e27; steps: exact multiples of 1/4 in runs, so minmod ties (equal
 * slopes, rising and falling) and ties of the local speeds (u- = u+) occur; huge: u of order 1e200,
 * where dF/du, d2F/du2 and dP/dw underflow to zeros whose signs the loop must reproduce. */
typedef enum {
  LOOP_SMOOTH,
  LOOP_ROUGH,
  LOOP_FALLING,
  LOOP_POLE,
  LOOP_STEPS,
  LOOP_HUGE,
  LOOP_STATES
} LoopState;

static void LoopStateFill(LoopState kind, double m2, PetscInt n, double x0, double h, unsigned long *seed, double *u)
{
  for (PetscInt i = 0; i < n; i++) {
    const double x = x0 + i * h, noise = Random(seed);
    switch (kind) {
    case LOOP_SMOOTH:
      u[i] = 0.3 * x + 0.05 * x * x * x;
      break;
    case LOOP_ROUGH:
      u[i] = 0.3 * x + 0.05 * x * x * x + 0.02 * noise;
      break;
    case LOOP_FALLING:
      u[i] = -0.5 * m2 * x - 2.0 * m2 * x * x * x + 0.05 * m2 * noise;
      break;
    case LOOP_POLE:
      u[i] = -m2 * x + 1e-9 * fabs(x) * (1.5 + noise);
      break;
    case LOOP_HUGE:
      u[i] = 1e200 * (1.5 + noise);
      break;
    default:
      u[i] = 0.25 * PetscFloorReal(4.0 * x) + (i % 11 < 4 ? 0.125 * i : (i % 11 < 7 ? -0.125 * i : 0.0));
    }
  }
}

/* Which branches FrgKTFluxJacobian takes at one interface, as bits: 0-2 the left minmod's which =
 * -1, 0, 1, 3-5 the right one's, 6-7 a minmod with both shifted slopes negative picking the left and
 * the right slope, 8-9 a minmod tie (equal slopes) with both shifted slopes positive and negative,
 * 10-11 the larger local speed on the minus and the plus side, 12 a tie of the local speeds. */
static int LoopBranches(const FrgFluxKernelParams *p, double phi, double h, const double *u)
{
  int          which[2], bits = 0;
  const double shift = p->goldstone != 0.0 ? p->m2 * h : 0.0, d[3] = {u[0] - u[-1], u[1] - u[0], u[2] - u[1]};
  const double sl = FrgMinmodShifted(d[0], d[1], shift, &which[0]), sr = FrgMinmodShifted(d[1], d[2], shift, &which[1]);
  double       dFm, dFp;

  for (int k = 0; k < 2; k++) {
    const PetscBool down = (PetscBool)(d[k] + shift < 0 && d[k + 1] + shift < 0);
    bits |= 1 << (3 * k + which[k] + 1);
    if (down && which[k]) bits |= 1 << (which[k] < 0 ? 6 : 7);
    if (which[k] && d[k] == d[k + 1]) bits |= 1 << (down ? 9 : 8);
  }
  (void)FrgFluxAdvection(p, phi, u[0] + 0.5 * sl, &dFm, NULL);
  (void)FrgFluxAdvection(p, phi, u[1] - 0.5 * sr, &dFp, NULL);
  return bits | (1 << (fabs(dFm) >= fabs(dFp) ? 10 : 11)) | ((fabs(dFm) == fabs(dFp)) << 12);
}

/* Mismatches of FrgKTFluxJacobians (the vectorized loop) against FrgKTFluxJacobian per interface:
 * values whose bits differ (two NaNs count as equal), at every interface of the grid in one call and
 * again from a rank-like piece starting at cell 13. *branches collects LoopBranches. */
static PetscErrorCode LoopCompare(const FrgFluxKernelParams *p, PetscBool odd, PetscInt n, double x0, double h, const double *u, int *branches, int *mismatches, double *maxdiff)
{
  double        *storage, *dG[4], *piece[4];
  const PetscInt first = odd ? 1 : 0, xs = 13;

  PetscFunctionBeginUser;
  PetscCall(PetscMalloc1(8 * (n + 1), &storage));
  for (int c = 0; c < 4; c++) {
    dG[c]    = storage + c * (n + 1);
    piece[c] = storage + (4 + c) * (n + 1);
  }
  PetscCall(FrgKTFluxJacobians(p, x0, h, u, 0, first, n, dG));
  PetscCall(FrgKTFluxJacobians(p, x0, h, u, xs, 0, n - xs, piece));
  for (PetscInt m = first; m <= n; m++) {
    const PetscInt j = m - 1;
    double         ref[4];

    (void)FrgKTFluxJacobian(p, x0 + (j + 0.5) * h, h, u[j - 1], u[j], u[j + 1], u[j + 2], ref);
    if (p->goldstone != 0.0) *branches |= LoopBranches(p, x0 + (j + 0.5) * h, h, &u[j]);
    for (int c = 0; c < 4; c++) {
      const double got[2] = {dG[c][m], m >= xs ? piece[c][m - xs] : ref[c]};
      for (int k = 0; k < 2; k++) {
        if (memcmp(&got[k], &ref[c], sizeof(double)) && !(isnan(got[k]) && isnan(ref[c]))) (*mismatches)++;
        if (isfinite(ref[c])) *maxdiff = PetscMax(*maxdiff, fabs(got[k] - ref[c]));
      }
    }
  }
  PetscCall(PetscFree(storage));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The vectorized loop of flux derivatives against FrgKTFluxJacobian, bit for bit: N = 1 and 4,
 * odd (cell 0 at phi = 0) and extrapolated (two-sided grid) left ends, two m2 (slopes below and
 * above -m2 h), every state of LoopState; and that the states reach every branch. */
static PetscErrorCode TestKTFluxLoop(MPI_Comm comm)
{
  const PetscInt n = 41;
  unsigned long  seed = 5;
  double         storage[41 + 4], *u = storage + 2, maxdiff = 0;
  int            branches = 0, mismatches = 0, missing = 0;

  PetscFunctionBeginUser;
  for (int g = 0; g < 2; g++)
    for (int odd = 0; odd < 2; odd++)
      for (int k = 0; k < 2; k++)
        for (int s = 0; s < LOOP_STATES; s++) {
          const FrgFluxKernelParams p  = {0.5, k ? 0.05 : 0.7, g ? 3.0 : 0.0, 1.0};
          const double              h  = 0.05, x0 = odd ? 0.0 : -0.5 * (n - 1) * h;
          LoopStateFill((LoopState)s, p.m2, n, x0, h, &seed, u);
          if (odd) {
            u[0]  = 0.0;
            u[-1] = -u[1];
            u[-2] = -u[2];
          } else {
            u[-1] = 2.0 * u[0] - u[1];
            u[-2] = 3.0 * u[0] - 2.0 * u[1];
          }
          u[n]     = 2.0 * u[n - 1] - u[n - 2];
          u[n + 1] = 3.0 * u[n - 1] - 2.0 * u[n - 2];
          PetscCall(LoopCompare(&p, (PetscBool)odd, n, x0, h, u, &branches, &mismatches, &maxdiff));
        }
  for (int b = 0; b < 13; b++) missing += !(branches >> b & 1);
  PetscCall(Report(comm, (PetscBool)(mismatches == 0), "vectorized flux Jacobian loop = FrgKTFluxJacobian bit for bit", maxdiff, 0));
  PetscCall(Report(comm, (PetscBool)(missing == 0), "  its states reach every branch (count of branches missed)", missing, 0));
  PetscFunctionReturn(PETSC_SUCCESS);
}

typedef struct {
  FrgModel    model;
  FrgGrid     grid;
  FrgOperator op;
} Setup;

static PetscErrorCode SetupCreate(MPI_Comm comm, PetscReal N, FrgBoundary left, PetscInt cells, Setup *s)
{
  PetscFunctionBeginUser;
  PetscCall(FrgModelCreate(comm, &s->model));
  PetscCall(FrgModelSetType(s->model, "on"));
  s->model->N      = N;
  s->model->d      = 3.0;
  s->model->Lambda = 1.0;
  s->model->t_ir   = 1.0;
  PetscCall(PetscStrncpy(s->model->potential, "phi^2/2 + phi^4/24", sizeof(s->model->potential)));
  PetscCall(FrgGridCreate(comm, &s->grid));
  PetscCall(FrgGridSetBoundaries(s->grid, left, FRG_BOUNDARY_EXTRAPOLATE));
  PetscCall(FrgGridSetSize(s->grid, cells, 2.0));
  PetscCall(FrgOperatorCreate(s->grid, s->model, &s->op));
  PetscCall(FrgOperatorSetUp(s->op));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode SetupDestroy(Setup *s)
{
  PetscFunctionBeginUser;
  PetscCall(FrgOperatorDestroy(&s->op));
  PetscCall(FrgGridDestroy(&s->grid));
  PetscCall(FrgModelDestroy(&s->model));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* u = 0.3 x + 0.05 x^3 (+ rough noise of amplitude 0.004): U convex, far from the propagator poles;
 * the cell at phi = 0 gets 1e-3 more so that its minmod does not sit exactly on the tie of an odd
 * state (there f is not differentiable and central differences average the two branches). */
static PetscErrorCode FillState(Setup *s, PetscBool rough, Vec u)
{
  unsigned long seed = 3;
  PetscInt      xs, xm, n = s->grid->cells;
  PetscScalar  *a;

  PetscFunctionBeginUser;
  PetscCall(DMDAGetCorners(s->grid->da, &xs, NULL, NULL, &xm, NULL, NULL));
  PetscCall(DMDAVecGetArray(s->grid->da, u, &a));
  for (PetscInt i = 0; i < n; i++) {
    const double x = s->grid->phi_first + i * s->grid->spacing, noise = Random(&seed);
    if (i >= xs && i < xs + xm) a[i] = 0.3 * x + 0.05 * x * x * x + (rough ? 0.004 * noise : 0.0) + (fabs(x) < 0.5 * s->grid->spacing ? 1e-3 : 0.0);
  }
  PetscCall(DMDAVecRestoreArray(s->grid->da, u, &a));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* max over columns j of |J e_j - (f(u + eps e_j) - f(u - eps e_j))/(2 eps)|_inf / max_j |J e_j|_inf */
static PetscErrorCode JacobianError(Setup *s, PetscReal t, Vec u, double *error)
{
  Mat       J;
  Vec       v, up, um, fp, fm, Jv;
  PetscReal scale = 0, worst = 0, norm;
  PetscBool physical;
  const double eps = 1e-7;

  PetscFunctionBeginUser;
  PetscCall(FrgOperatorCreateJacobian(s->op, &J));
  PetscCall(FrgOperatorJacobian(s->op, t, u, J));
  PetscCall(VecDuplicate(u, &v));
  PetscCall(VecDuplicate(u, &up));
  PetscCall(VecDuplicate(u, &um));
  PetscCall(VecDuplicate(u, &fp));
  PetscCall(VecDuplicate(u, &fm));
  PetscCall(VecDuplicate(u, &Jv));
  for (PetscInt j = 0; j < s->grid->cells; j++) {
    PetscCall(VecZeroEntries(v));
    PetscCall(VecSetValue(v, j, 1.0, INSERT_VALUES));
    PetscCall(VecAssemblyBegin(v));
    PetscCall(VecAssemblyEnd(v));
    PetscCall(VecWAXPY(up, eps, v, u));
    PetscCall(VecWAXPY(um, -eps, v, u));
    PetscCall(FrgOperatorApply(s->op, t, up, fp));
    PetscCall(FrgOperatorIsPhysical(s->op, &physical));
    PetscCheck(physical, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "test state crosses a propagator pole");
    PetscCall(FrgOperatorApply(s->op, t, um, fm));
    PetscCall(VecAXPY(fp, -1.0, fm));
    PetscCall(VecScale(fp, 0.5 / eps));
    PetscCall(MatMult(J, v, Jv));
    PetscCall(VecNorm(Jv, NORM_INFINITY, &norm));
    scale = PetscMax(scale, norm);
    PetscCall(VecAXPY(fp, -1.0, Jv));
    PetscCall(VecNorm(fp, NORM_INFINITY, &norm));
    if (norm > worst && getenv("TEST_KT_VERBOSE")) PetscCall(PetscPrintf(PETSC_COMM_WORLD, "  column %" PetscInt_FMT ": |J e_j - FD| = %g\n", j, (double)norm));
    worst = PetscMax(worst, norm);
  }
  *error = worst / scale;
  PetscCall(VecDestroy(&v));
  PetscCall(VecDestroy(&up));
  PetscCall(VecDestroy(&um));
  PetscCall(VecDestroy(&fp));
  PetscCall(VecDestroy(&fm));
  PetscCall(VecDestroy(&Jv));
  PetscCall(MatDestroy(&J));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Row i of the band as FrgOperatorJacobianBand's interior rows define it, (dG_{i+1/2} - dG_{i-1/2}) / h,
 * from FrgKTFluxJacobian on the ghosted state u (indexed by cell). */
static void BandReferenceRow(const FrgFluxKernelParams *kp, const Setup *s, const PetscScalar *u, PetscInt i, double row[5])
{
  const double h = s->grid->spacing, x0 = s->grid->phi_first, inv_h = 1.0 / h;
  double       l[4], r[4];

  (void)FrgKTFluxJacobian(kp, x0 + (i - 1 + 0.5) * h, h, u[i - 2], u[i - 1], u[i], u[i + 1], l);
  (void)FrgKTFluxJacobian(kp, x0 + (i + 0.5) * h, h, u[i - 1], u[i], u[i + 1], u[i + 2], r);
  row[0] = -l[0] * inv_h;
  for (int c = 1; c < 4; c++) row[c] = (r[c - 1] - l[c]) * inv_h;
  row[4] = r[3] * inv_h;
}

/* max over local rows of |band - row of the assembled Jacobian|, relative to the largest entry; and
 * the entries whose bits differ from what they must be: the kt.h reference row for the rows without
 * a ghost column, the assembled row (the same folding code on the same dG) for the others. */
static PetscErrorCode BandError(Setup *s, PetscReal t, Vec u, double *error, int *mismatches)
{
  Mat                 J;
  PetscReal          *band, scale = 0, worst = 0;
  PetscInt            xs, xm, ncols;
  const PetscInt     *cols;
  const PetscScalar  *vals, *ghosted;
  FrgFluxKernelParams kp;

  PetscFunctionBeginUser;
  PetscCall(FrgOperatorCreateJacobian(s->op, &J));
  PetscCall(FrgOperatorJacobian(s->op, t, u, J));
  PetscCall(DMDAGetCorners(s->grid->da, &xs, NULL, NULL, &xm, NULL, NULL));
  PetscCall(PetscMalloc1(5 * xm, &band));
  PetscCall(FrgOperatorJacobianBand(s->op, t, u, band));
  PetscCall(FrgOperatorKernelParams(s->op, t, &kp));
  PetscCall(FrgOperatorLocalize(s->op, u));
  PetscCall(DMDAVecGetArrayRead(s->grid->da, s->op->local, &ghosted));
  *mismatches = 0;
  for (PetscInt m = 0; m < xm; m++) {
    const PetscInt i      = xs + m;
    PetscReal      row[5] = {0, 0, 0, 0, 0}, exact[5];
    PetscCall(MatGetRow(J, i, &ncols, &cols, &vals));
    for (PetscInt k = 0; k < ncols; k++) row[cols[k] - i + 2] = vals[k];
    PetscCall(MatRestoreRow(J, i, &ncols, &cols, &vals));
    if (i >= 2 && i < s->grid->cells - 2) BandReferenceRow(&kp, s, ghosted, i, exact);
    else PetscCall(PetscArraycpy(exact, row, 5));
    for (int c = 0; c < 5; c++) {
      scale = PetscMax(scale, PetscAbsReal(row[c]));
      worst = PetscMax(worst, PetscAbsReal(band[5 * m + c] - row[c]));
      *mismatches += memcmp(&band[5 * m + c], &exact[c], sizeof(double)) != 0;
    }
  }
  PetscCall(DMDAVecRestoreArrayRead(s->grid->da, s->op->local, &ghosted));
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &scale, 1, MPIU_REAL, MPI_MAX, PETSC_COMM_WORLD));
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &worst, 1, MPIU_REAL, MPI_MAX, PETSC_COMM_WORLD));
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, mismatches, 1, MPI_INT, MPI_SUM, PETSC_COMM_WORLD));
  *error = worst / scale;
  PetscCall(PetscFree(band));
  PetscCall(MatDestroy(&J));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* |f on this communicator - f of the same operator on one rank|_inf / |f|_inf */
static PetscErrorCode RankError(Setup *s, PetscReal N, FrgBoundary left, PetscReal t, Vec u, double *error)
{
  Setup              serial;
  Vec                f, useq, fseq, fall;
  VecScatter         scatter;
  PetscReal          norm, diff;
  const PetscScalar *a;
  PetscScalar       *b;

  PetscFunctionBeginUser;
  PetscCall(SetupCreate(PETSC_COMM_SELF, N, left, s->grid->cells, &serial));
  PetscCall(VecDuplicate(u, &f));
  PetscCall(FrgOperatorApply(s->op, t, u, f));
  PetscCall(DMCreateGlobalVector(serial.grid->da, &useq));
  PetscCall(VecDuplicate(useq, &fseq));
  PetscCall(VecScatterCreateToAll(u, &scatter, &fall));
  PetscCall(VecScatterBegin(scatter, u, fall, INSERT_VALUES, SCATTER_FORWARD));
  PetscCall(VecScatterEnd(scatter, u, fall, INSERT_VALUES, SCATTER_FORWARD));
  PetscCall(VecGetArrayRead(fall, &a));
  PetscCall(VecGetArray(useq, &b));
  for (PetscInt i = 0; i < s->grid->cells; i++) b[i] = a[i];
  PetscCall(VecRestoreArray(useq, &b));
  PetscCall(VecRestoreArrayRead(fall, &a));
  PetscCall(FrgOperatorApply(serial.op, t, useq, fseq));
  PetscCall(VecScatterBegin(scatter, f, fall, INSERT_VALUES, SCATTER_FORWARD));
  PetscCall(VecScatterEnd(scatter, f, fall, INSERT_VALUES, SCATTER_FORWARD));
  PetscCall(VecNorm(fseq, NORM_INFINITY, &norm));
  PetscCall(VecAXPY(fall, -1.0, fseq));
  PetscCall(VecNorm(fall, NORM_INFINITY, &diff));
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &diff, 1, MPIU_REAL, MPI_MAX, PETSC_COMM_WORLD));
  *error = diff / norm;
  PetscCall(VecScatterDestroy(&scatter));
  PetscCall(VecDestroy(&fall));
  PetscCall(VecDestroy(&fseq));
  PetscCall(VecDestroy(&useq));
  PetscCall(VecDestroy(&f));
  PetscCall(SetupDestroy(&serial));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode TestOperator(MPI_Comm comm, PetscReal N, FrgBoundary left, PetscBool rough)
{
  Setup       s;
  Vec         u;
  double      err_jac = 0, err_rank = 0, err_band = 0;
  int         band_mismatches = 0;
  char        what[128];
  PetscMPIInt size;
  const char *end = left == FRG_BOUNDARY_ODD ? "odd" : "extrapolated";

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_size(comm, &size));
  /* two extrapolated ends: an odd cell count puts a cell, not an interface, at phi = 0, where the
   * Goldstone flux -c g u/(m2 phi + u) is 0/0 for an odd state (u- = u+ = 0) */
  PetscCall(SetupCreate(comm, N, left, left == FRG_BOUNDARY_ODD ? 40 : 41, &s));
  PetscCall(DMCreateGlobalVector(s.grid->da, &u));
  PetscCall(FillState(&s, rough, u));
  PetscCall(JacobianError(&s, 0.5, u, &err_jac));
  PetscCall(PetscSNPrintf(what, sizeof(what), "Jacobian vs FD of Apply: N = %g, %s left end, %s state, %d rank(s)", (double)N, end, rough ? "rough" : "smooth", size));
  PetscCall(Report(comm, (PetscBool)(err_jac < 1e-6), what, err_jac, 1e-6));
  PetscCall(BandError(&s, 0.5, u, &err_band, &band_mismatches));
  PetscCall(PetscSNPrintf(what, sizeof(what), "Jacobian band vs assembled Jacobian: N = %g, %s left end, %s state, %d rank(s)", (double)N, end, rough ? "rough" : "smooth", size));
  PetscCall(Report(comm, (PetscBool)(err_band < 1e-14), what, err_band, 1e-14));
  PetscCall(Report(comm, (PetscBool)(band_mismatches == 0), "  ... bit for bit (kt.h rows inside, assembled rows at the ends): entries off", band_mismatches, 0));
  PetscCall(RankError(&s, N, left, 0.5, u, &err_rank));
  PetscCall(PetscSNPrintf(what, sizeof(what), "Apply on %d rank(s) vs one rank: N = %g, %s left end, %s state", size, (double)N, end, rough ? "rough" : "smooth"));
  PetscCall(Report(comm, (PetscBool)(err_rank < 1e-14), what, err_rank, 1e-14));
  PetscCall(VecDestroy(&u));
  PetscCall(SetupDestroy(&s));
  PetscFunctionReturn(PETSC_SUCCESS);
}

int main(int argc, char **argv)
{
  const PetscReal   Ns[2]    = {1.0, 4.0};
  const FrgBoundary lefts[2] = {FRG_BOUNDARY_ODD, FRG_BOUNDARY_EXTRAPOLATE};

  PetscCall(PetscInitialize(&argc, &argv, NULL, "Unit test of the KT operator, its Jacobian and its flux kernels"));
  PetscCall(TestFluxKernels(PETSC_COMM_WORLD));
  PetscCall(TestKTFlux(PETSC_COMM_WORLD));
  PetscCall(TestKTFluxLoop(PETSC_COMM_WORLD));
  for (int a = 0; a < 2; a++)
    for (int b = 0; b < 2; b++)
      for (int r = 0; r < 2; r++) PetscCall(TestOperator(PETSC_COMM_WORLD, Ns[a], lefts[b], (PetscBool)r));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "%d failure(s)\n", failures));
  PetscCall(PetscFinalize());
  return failures ? 1 : 0;
}
