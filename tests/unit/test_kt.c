/* Unit test of the KT operator and its kernels (issue 2; run by tests/cases/core_unit.sh on 1 and 2
 * ranks).
 *  1. The loops of the KT scheme instantiated from the O(N) model's kernels (include/frg/kt_loops.h
 *     with the Litim kernel of include/frg/kernel.h) at single interfaces, against a reference
 *     written here from the formulas alone: the LPA flow of doc/physics.md 2.1,
 *     Q(u, w) = -c m2 [ g/(m2 + u/phi) + r/(m2 + w) ], P(w) - F(u) = Q(u, w) - Q(0, 0), and the KT
 *     flux of the banner of include/frg/kt.h (minmod reconstruction of q = m2 phi + u, Kurganov &
 *     Tadmor 2000 eq. (4.2)-(4.4)); the Jacobian loop against central differences of the flux loop;
 *     the pole loop against the denominators of the reference.
 *  2. The loops over a whole grid in one call against the same loops started mid-grid (as on a rank
 *     whose first cell is 13), bit for bit, on states that reach every minmod branch, ties, the pole
 *     and overflow; and the Jacobian loop there against central differences.
 *  3. FrgOperatorJacobian against central differences of FrgOperatorApply, column by column, at smooth
 *     and rough (random) states, N = 1 and 4, odd and extrapolated left ends, on this communicator.
 *  4. FrgOperatorApply on this communicator against the same operator on one rank (ghost exchange).
 *  5. FrgOperatorJacobianBand (the band the modified-Newton route factors) against the rows of
 *     FrgOperatorJacobian, and bit for bit against rows formed from the Jacobian loop at single
 *     interfaces (the rows at the grid ends against FrgOperatorJacobian's, which fold the same
 *     derivatives the same way).
 * Prints one line per check; exits nonzero if any fails. */
#include <frg/impl.h>
#include <frg/leakcheck.h>
#include <frg/kt.h>

#include "check.h"
#include "jacobian_fd.h"

/* libfrg-internal (static library: linkable here) */
PETSC_INTERN PetscErrorCode FrgOperatorLocalize(FrgOperator, Vec);

/* The loops of the O(N) model: the kernels under test. */
static const FrgKTKernels *KernelsON(void)
{
  static FrgModel model = NULL;
  if (!model) {
    if (FrgModelCreate(PETSC_COMM_SELF, &model) || FrgModelSetType(model, "on")) return NULL;
  }
  return model->kt;
}

static FrgKernelParams Params(double c, double m2, double goldstone, double radial)
{
  FrgKernelParams p;
  memset(&p, 0, sizeof(p));
  p.cg = c * goldstone, p.cr = c * radial, p.m2 = m2, p.m2_rate = 2.0;
  return p;
}

/* One interface at phi between the cells of v[0..3] = u_{j-1..j+2}: the loops on a grid of 4 cells. */
static int InterfaceFlux(const FrgKernelParams *p, double phi, double h, const double v[4], double *G)
{
  const double     phis[2] = {0, phi}, inv[2] = {0, 1.0 / phi};
  const FrgKTFaces f       = {phis, inv, h, 1.0 / h};
  double           out[2];
  const int        status = KernelsON()->fluxes(p, &f, v, 1, 1, 1, out);
  *G                      = out[1];
  return status;
}

static void InterfaceJacobian(const FrgKernelParams *p, double phi, double h, const double v[4], double dG[4])
{
  const double     phis[2] = {0, phi}, inv[2] = {0, 1.0 / phi};
  const FrgKTFaces f       = {phis, inv, h, 1.0 / h};
  double           store[8], *out[4] = {store, store + 2, store + 4, store + 6};
  KernelsON()->jacobians(p, &f, v, 1, 1, 1, out);
  for (int c = 0; c < 4; c++) dG[c] = out[c][1];
}

/* The LPA flux as written in doc/physics.md 2.1, in units where A_d k^{d+2} = c m2. */
static double DirectQ(double c, double m2, double g, double r, double phi, double u, double w)
{
  return -c * m2 * (g / (m2 + u / phi) + r / (m2 + w));
}

static double Minmod(double a, double b)
{
  return a * b <= 0 ? 0.0 : (fabs(a) < fabs(b) ? a : b);
}

/* KT flux at the interface phi (between cells centred at phi - h/2 and phi + h/2), written from the
 * formula in the banner of include/frg/kt.h: reconstruct q = m2 x + u when there is a Goldstone term;
 * F(u) = Q(u, 0) - Q(0, 0) of the Goldstone part, its derivative by a closed form written here.
 * *denominator: the smallest relative denominator. */
static double ReferenceKTFlux(double c, double m2, double g, double phi, double h, const double v[4], double *denominator)
{
  const double ms = g != 0.0 ? m2 : 0.0, w = (v[2] - v[1]) / h;
  double       q[4], uminus, uplus, H = 0.0;

  for (int k = 0; k < 4; k++) q[k] = ms * (phi + (k - 1.5) * h) + v[k];
  uminus       = q[1] + 0.5 * Minmod(q[1] - q[0], q[2] - q[1]) - ms * phi;
  uplus        = q[2] - 0.5 * Minmod(q[2] - q[1], q[3] - q[2]) - ms * phi;
  *denominator = 1.0 + w / m2;
  if (g != 0.0) {
    const double Fm = -(DirectQ(c, m2, g, 0, phi, uminus, 0) - DirectQ(c, m2, g, 0, phi, 0, 0)), Fp = -(DirectQ(c, m2, g, 0, phi, uplus, 0) - DirectQ(c, m2, g, 0, phi, 0, 0));
    const double dFm = -c * g * m2 * m2 * phi / ((m2 * phi + uminus) * (m2 * phi + uminus)), dFp = -c * g * m2 * m2 * phi / ((m2 * phi + uplus) * (m2 * phi + uplus));
    H            = 0.5 * (Fm + Fp) - 0.5 * fmax(fabs(dFm), fabs(dFp)) * (uplus - uminus) / m2;
    *denominator = fmin(*denominator, fmin(1.0 + uminus / (m2 * phi), 1.0 + uplus / (m2 * phi)));
  }
  return DirectQ(c, m2, 0, 1, phi, 0, w) - DirectQ(c, m2, 0, 1, phi, 0, 0) - H;
}

static PetscErrorCode TestKTFlux(MPI_Comm comm)
{
  unsigned long seed = 11;
  double        err_flux = 0, err_jac = 0;
  int           pole_wrong = 0;
  const double  h = 0.05, eps = 1e-7;

  PetscFunctionBeginUser;
  for (int n = 0; n < 400; n++) {
    const double          c = 0.5, m2 = 0.7, g = n % 2 ? 3.0 : 0.0;
    const FrgKernelParams p   = Params(c, m2, g, 1.0);
    const double          phi = 0.5 + 2.0 * (Random(&seed) + 1);
    double                v[4], dG[4], G, den, scale = 0;

    /* u ~ 0.4 phi plus rough noise: every minmod branch (left, right, extremum) occurs */
    for (int k = 0; k < 4; k++) v[k] = 0.4 * (phi + (k - 1.5) * h) + 0.01 * Random(&seed);
    (void)InterfaceFlux(&p, phi, h, v, &G);
    err_flux = PetscMax(err_flux, fabs(G - ReferenceKTFlux(c, m2, g, phi, h, v, &den)) / (fabs(G) + c));
    InterfaceJacobian(&p, phi, h, v, dG);
    for (int k = 0; k < 4; k++) scale = PetscMax(scale, fabs(dG[k]));
    for (int k = 0; k < 4; k++) {
      double vp[4], vm[4], Gp, Gm;
      for (int e = 0; e < 4; e++) vp[e] = vm[e] = v[e];
      vp[k] += eps;
      vm[k] -= eps;
      (void)InterfaceFlux(&p, phi, h, vp, &Gp);
      (void)InterfaceFlux(&p, phi, h, vm, &Gm);
      err_jac = PetscMax(err_jac, fabs((Gp - Gm) / (2 * eps) - dG[k]) / scale);
    }
    /* near and beyond the poles: shift the state so that some denominator is about 0 */
    for (int k = 0; k < 4; k++) v[k] -= (n % 3 == 0 ? 1.0 : 0.9) * m2 * (phi + (k - 1.5) * h) * (g != 0.0);
    if (g == 0.0) v[2] = v[1] - (n % 3 == 0 ? 1.5 : 0.5) * m2 * h;
    {
      const double phis[2] = {0, phi}, inv[2] = {0, 1.0 / phi};
      FrgKTFaces   f       = {phis, inv, h, 1.0 / h};
      const int    status  = KernelsON()->pole(&p, &f, v, 1, 1, 1);
      (void)ReferenceKTFlux(c, m2, g, phi, h, v, &den);
      pole_wrong += ((status & FRG_POLE_CROSSED) != 0) != (den <= 0) || ((status & FRG_POLE_NEAR_FLAG) != 0) != (den < FRG_POLE_NEAR);
    }
  }
  PetscCall(Report(comm, (PetscBool)(err_flux < 1e-12), "KT flux loop against doc/physics.md 2.1 and the documented scheme (rough states, N = 1, 4)", err_flux, 1e-12));
  PetscCall(Report(comm, (PetscBool)(err_jac < 1e-6), "KT flux Jacobian loop against central differences (rough states)", err_jac, 1e-6));
  PetscCall(Report(comm, (PetscBool)(pole_wrong == 0), "pole loop: crossed and near exactly where the reference denominators say", pole_wrong, 0));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* States of the loop test on n cells at x_i = x0 + i h, written to u[0..n-1]; the caller adds the
 * two ghosts at each end. rough: every minmod branch; falling: slopes below -m2, so that both
 * shifted slopes are negative (minmod's other tie rule); pole: q = m2 x + u of order 1e-9, so dF and
 * d2F are of order 1e18 and 1e27; steps: exact multiples of 1/4 in runs, so minmod ties (equal
 * slopes, rising and falling) and ties of the local speeds (u- = u+) occur; huge: u of order 1e200,
 * where dF/du, d2F/du2 and dP/dw underflow. */
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

/* Mismatches of the loops over the whole grid (one call) against the same loops from a rank-like
 * piece starting at cell 13: values whose bits differ (two NaNs count as equal); and on smooth
 * states the Jacobian loop against central differences of the flux loop (*fd_error). */
static PetscErrorCode LoopCompare(const FrgKernelParams *p, PetscBool odd, PetscInt n, double x0, double h, double *u, PetscBool smooth, int *mismatches, double *fd_error)
{
  double        *storage, *dG[4], *piece[4], *phi, *inv, *G, *Gpiece, *Gp, *Gm;
  const PetscInt first = odd ? 1 : 0, xs = 13;

  PetscFunctionBeginUser;
  PetscCall(PetscMalloc1(14 * (n + 1), &storage));
  for (int c = 0; c < 4; c++) {
    dG[c]    = storage + c * (n + 1);
    piece[c] = storage + (4 + c) * (n + 1);
  }
  phi = storage + 8 * (n + 1), inv = storage + 9 * (n + 1), G = storage + 10 * (n + 1), Gpiece = storage + 11 * (n + 1), Gp = storage + 12 * (n + 1), Gm = storage + 13 * (n + 1);
  for (PetscInt m = 0; m <= n; m++) phi[m] = x0 + (m - 1 + 0.5) * h, inv[m] = phi[m] != 0 ? 1.0 / phi[m] : 0.0;
  {
    const FrgKTFaces all = {phi, inv, h, 1.0 / h}, part = {phi + xs, inv + xs, h, 1.0 / h};
    KernelsON()->jacobians(p, &all, u, 0, first, n, dG);
    KernelsON()->jacobians(p, &part, u, xs, 0, n - xs, piece);
    (void)KernelsON()->fluxes(p, &all, u, 0, first, n, G);
    (void)KernelsON()->fluxes(p, &part, u, xs, 0, n - xs, Gpiece);
    for (PetscInt m = xs; m <= n; m++) {
      const double a[5] = {G[m], dG[0][m], dG[1][m], dG[2][m], dG[3][m]}, b[5] = {Gpiece[m - xs], piece[0][m - xs], piece[1][m - xs], piece[2][m - xs], piece[3][m - xs]};
      for (int c = 0; c < 5; c++)
        if (memcmp(&a[c], &b[c], sizeof(double)) && !(isnan(a[c]) && isnan(b[c]))) (*mismatches)++;
    }
    if (smooth) /* column j of the flux Jacobian: interfaces j - 2 .. j + 1 */
      for (PetscInt j = 2; j < n - 2; j++) {
        const double eps = 1e-7, keep = u[j];
        u[j] = keep + eps;
        (void)KernelsON()->fluxes(p, &all, u, 0, first, n, Gp);
        u[j] = keep - eps;
        (void)KernelsON()->fluxes(p, &all, u, 0, first, n, Gm);
        u[j] = keep;
        for (PetscInt m = PetscMax(first, j - 1); m <= j + 2; m++) {
          const int    c     = (int)(j - (m - 1) + 1); /* u_j = u_{(m-1)-1+c} */
          const double scale = fabs(dG[0][m]) + fabs(dG[1][m]) + fabs(dG[2][m]) + fabs(dG[3][m]);
          *fd_error          = PetscMax(*fd_error, fabs((Gp[m] - Gm[m]) / (2 * eps) - dG[c][m]) / scale);
        }
      }
  }
  PetscCall(PetscFree(storage));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The loops over a grid in one call against the loops from mid-grid, bit for bit: N = 1 and 4, odd
 * (cell 0 at phi = 0) and extrapolated (two-sided grid) left ends, two m2 (slopes below and above
 * -m2 h), every state of LoopState. */
static PetscErrorCode TestKTFluxLoop(MPI_Comm comm)
{
  const PetscInt n = 41;
  unsigned long  seed = 5;
  double         storage[41 + 4], *u = storage + 2, fd_error = 0;
  int            mismatches = 0;

  PetscFunctionBeginUser;
  for (int g = 0; g < 2; g++)
    for (int odd = 0; odd < 2; odd++)
      for (int k = 0; k < 2; k++)
        for (int s = 0; s < LOOP_STATES; s++) {
          const FrgKernelParams p  = Params(0.5, k ? 0.05 : 0.7, g ? 3.0 : 0.0, 1.0);
          const double          h  = 0.05, x0 = odd ? 0.0 : -0.5 * (n - 1) * h;
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
          PetscCall(LoopCompare(&p, (PetscBool)odd, n, x0, h, u, (PetscBool)(s == LOOP_SMOOTH && (odd || !g)), &mismatches, &fd_error));
        }
  PetscCall(Report(comm, (PetscBool)(mismatches == 0), "flux and Jacobian loops over a grid = the same loops from mid-grid, bit for bit", mismatches, 0));
  PetscCall(Report(comm, (PetscBool)(fd_error < 1e-6), "Jacobian loop over a grid against central differences (smooth states)", fd_error, 1e-6));
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

/* Row i of the band as FrgOperatorJacobianBand's interior rows define it, (dG_{i+1/2} - dG_{i-1/2}) / h,
 * from the Jacobian loop at the two single interfaces on the ghosted state u (indexed by cell). */
static void BandReferenceRow(const FrgKernelParams *kp, const Setup *s, const PetscScalar *u, PetscInt i, double row[5])
{
  const double h = s->grid->spacing, x0 = s->grid->phi_first, inv_h = s->op->faces.inv_h;
  double       l[4], r[4];

  InterfaceJacobian(kp, x0 + (i - 1 + 0.5) * h, h, &u[i - 2], l);
  InterfaceJacobian(kp, x0 + (i + 0.5) * h, h, &u[i - 1], r);
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
  FrgKernelParams     kp;

  PetscFunctionBeginUser;
  PetscCall(FrgOperatorCreateJacobian(s->op, &J));
  PetscCall(FrgOperatorJacobian(s->op, t, u, J));
  PetscCall(DMDAGetCorners(s->grid->da, &xs, NULL, NULL, &xm, NULL, NULL));
  PetscCall(PetscMalloc1(5 * xm, &band));
  PetscCall(FrgOperatorJacobianBand(s->op, t, u, band));
  PetscCall(FrgModelGetKernelParams(s->model, t, &kp));
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
  PetscCall(OperatorJacobianError(s.op, 0.5, u, 1e-7, &err_jac));
  PetscCall(PetscSNPrintf(what, sizeof(what), "Jacobian vs FD of Apply: N = %g, %s left end, %s state, %d rank(s)", (double)N, end, rough ? "rough" : "smooth", size));
  PetscCall(Report(comm, (PetscBool)(err_jac < 1e-6), what, err_jac, 1e-6));
  PetscCall(BandError(&s, 0.5, u, &err_band, &band_mismatches));
  PetscCall(PetscSNPrintf(what, sizeof(what), "Jacobian band vs assembled Jacobian: N = %g, %s left end, %s state, %d rank(s)", (double)N, end, rough ? "rough" : "smooth", size));
  PetscCall(Report(comm, (PetscBool)(err_band < 1e-14), what, err_band, 1e-14));
  PetscCall(Report(comm, (PetscBool)(band_mismatches == 0), "  ... bit for bit (single-interface rows inside, assembled rows at the ends): entries off", band_mismatches, 0));
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

  FrgCallLeakUnchecked(PetscInitialize(&argc, &argv, NULL, "Unit test of the KT operator, its Jacobian and its flux kernels"));
  PetscCall(TestKTFlux(PETSC_COMM_WORLD));
  PetscCall(TestKTFluxLoop(PETSC_COMM_WORLD));
  for (int a = 0; a < 2; a++)
    for (int b = 0; b < 2; b++)
      for (int r = 0; r < 2; r++) PetscCall(TestOperator(PETSC_COMM_WORLD, Ns[a], lefts[b], (PetscBool)r));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "%d failure(s)\n", failures));
  FrgFinalizeLeakChecked();
  return failures ? 1 : 0;
}
