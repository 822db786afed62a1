/* Checks of the score from the flow against exact quadrature (doc/physics.md 2.3).
 *   Tweedie      at each -score_check_s: the table's score against (E[phi | x] - x)/s on 401 points over
 *                mean +- 10 sqrt(k2 + s), weighted by p_s:  abs = (int p_s dS^2 / int p_s)^{1/2},
 *                rel = (int p_s dS^2 / int p_s S^2)^{1/2}, max = max |dS| where p_s > 1e-3 max p_s;
 *   Moreau       V_s(x) = -ln p_s(x) against min_phi [Gamma_R(phi) + (x - phi)^2/(2 s)] (Morris 1994), with
 *                Gamma_R from the stored cell averages of u at that s (Euler-Maclaurin: fourth order) and
 *                the minimum over the cell centres refined by the parabola through its neighbours; the
 *                p_s-weighted rms after removing the best constant;
 *   two routes   the score of the smoothed log-density route (src/diffusion/density.c) against Tweedie and
 *                against the flow's score, p_s-weighted and relative as above;
 *   vertices     Gamma2..4 of the IR Gamma at its minimum (polynomial fit to cell averages). */
#include "report.h"

void FrgGammaFromAverages(int n, double h, const double *ubar, double *gamma, double *work)
{
  double *u = work, *w = work + n;

  FrgPointValues(n, ubar, u);
  FrgSlopes(n, h, u, w);
  gamma[0] = 0.0;
  for (int i = 0; i < n - 1; i++) gamma[i + 1] = gamma[i] + 0.5 * h * (u[i] + u[i + 1]) - h * h / 12.0 * (w[i + 1] - w[i]);
}

double FrgMoreauEnvelope(int n, double phi_first, double h, const double *gamma, double x, double s)
{
  int best   = 0;
  double low = INFINITY, gm, g0, gp, curvature;

  for (int i = 0; i < n; i++) {
    const double d = x - (phi_first + i * h), g = gamma[i] + d * d / (2 * s);
    if (g < low) low = g, best = i;
  }
  if (best == 0 || best == n - 1) return low;
  gm        = gamma[best - 1] + (x - (phi_first + (best - 1) * h)) * (x - (phi_first + (best - 1) * h)) / (2 * s);
  g0        = low;
  gp        = gamma[best + 1] + (x - (phi_first + (best + 1) * h)) * (x - (phi_first + (best + 1) * h)) / (2 * s);
  curvature = gm - 2 * g0 + gp;
  return curvature > 0 ? g0 - (gp - gm) * (gp - gm) / (8 * curvature) : g0;
}

/* One noise level of the checks: k-th snapshot of the flow. */
static PetscErrorCode FrgSampleScoreCheck(FrgSampleTask *st, PetscInt k, double k2, double mean, double *gamma, FrgReportArrays *a)
{
  const int K    = 401;
  const double s = st->check_s[k], width = 10 * PetscSqrtReal(k2 + s), dx = 2 * width / (K - 1);
  double w = 0, e2 = 0, s2 = 0, emax = 0, pmax = 0, sv = 0, svv = 0, d2 = 0, r2 = 0, dens[401], diff[401], score[401], exact[401], other[401];
  FrgScoreFlow *sf = &st->flow;

  PetscFunctionBeginUser;
  for (int j = 0; j < K; j++) {
    const double x = mean - width + j * dx;
    exact[j]       = FrgTargetTweedieScore(&st->target, x, s, &dens[j]);
    score[j]       = FrgScoreTableLookup(&sf->table, x, s);
    other[j]       = sf->density_table.node ? FrgScoreTableLookup(&sf->density_table, x, s) : NAN;
    diff[j]        = dens[j] > 0 ? FrgMoreauEnvelope((int)sf->full_cells, sf->full_first, sf->h, gamma, x, s) + PetscLogReal(dens[j]) : 0;
    pmax           = PetscMax(pmax, dens[j]);
  }
  for (int j = 0; j < K; j++) {
    const double d = score[j] - exact[j];
    w += dens[j];
    e2 += dens[j] * d * d;
    s2 += dens[j] * exact[j] * exact[j];
    d2 += dens[j] * (other[j] - exact[j]) * (other[j] - exact[j]);
    r2 += dens[j] * (other[j] - score[j]) * (other[j] - score[j]);
    sv += dens[j] * diff[j];
    if (dens[j] > 1e-3 * pmax) emax = PetscMax(emax, PetscAbsReal(d));
  }
  for (int j = 0; j < K; j++) svv += dens[j] * (diff[j] - sv / w) * (diff[j] - sv / w); /* two passes: the constant is large */
  a->score_abs[k]   = PetscSqrtReal(e2 / w);
  a->score_rel[k]   = PetscSqrtReal(e2 / s2);
  a->score_max[k]   = emax;
  a->moreau_rms[k]  = PetscSqrtReal(svv / w);
  a->density_rel[k] = PetscSqrtReal(d2 / s2);
  a->route_diff[k]  = PetscSqrtReal(r2 / s2);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Collective: the levels are dealt out over the ranks (the flow and the target are on every rank). */
PetscErrorCode FrgSampleScoreChecks(FrgSampleTask *st, FrgReportArrays *a)
{
  const double mean = FrgTargetMoment(&st->target, 0, 1), k2 = FrgTargetMoment(&st->target, mean, 2);
  double *gamma, *work, *fields[] = {a->score_abs, a->score_rel, a->score_max, a->moreau_rms, a->density_rel, a->route_diff};
  const int n = (int)st->flow.full_cells;
  PetscMPIInt rank, size;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(st->comm, &rank));
  PetscCallMPI(MPI_Comm_size(st->comm, &size));
  PetscCall(PetscMalloc2(n, &gamma, 2 * n, &work));
  for (PetscInt k = 0; k < st->ncheck; k++) {
    if (!FrgReportOwns(k, rank, size)) continue;
    FrgGammaFromAverages(n, st->flow.h, st->flow.u_snap + k * n, gamma, work);
    PetscCall(FrgSampleScoreCheck(st, k, k2, mean, gamma, a));
  }
  PetscCall(PetscFree2(gamma, work));
  for (size_t f = 0; f < PETSC_STATIC_ARRAY_LENGTH(fields) && st->ncheck; f++)
    PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, fields[f], (PetscMPIInt)st->ncheck, MPI_DOUBLE, MPI_SUM, st->comm));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Solves the small dense system A a = b (Gaussian elimination, partial pivoting). */
static void FrgSolveSmall(int n, double A[][7], double b[])
{
  for (int c = 0; c < n; c++) {
    int p = c;
    for (int r = c + 1; r < n; r++)
      if (fabs(A[r][c]) > fabs(A[p][c])) p = r;
    for (int k = 0; k < n; k++) {
      const double tmp = A[c][k];
      A[c][k]          = A[p][k];
      A[p][k]          = tmp;
    }
    {
      const double tmp = b[c];
      b[c]             = b[p];
      b[p]             = tmp;
    }
    for (int r = c + 1; r < n; r++) {
      const double f = A[r][c] / A[c][c];
      for (int k = c; k < n; k++) A[r][k] -= f * A[c][k];
      b[r] -= f * b[c];
    }
  }
  for (int r = n - 1; r >= 0; r--) {
    for (int k = r + 1; k < n; k++) b[r] -= A[r][k] * b[k];
    b[r] /= A[r][r];
  }
}

/* Degree-6 polynomial in xi = (phi - centre)/h whose averages over the 7 cells around centre match ubar. */
static void FrgFitAverages(const FrgScoreFlow *sf, double centre, double a[7])
{
  double A[7][7];
  const int n = (int)sf->full_cells;
  int i0      = (int)floor((centre - sf->full_first) / sf->h + 0.5);

  i0 = PetscMax(3, PetscMin(n - 4, i0));
  for (int r = 0; r < 7; r++) {
    const int i     = i0 - 3 + r;
    const double xc = (sf->full_first + i * sf->h - centre) / sf->h;
    for (int p = 0; p < 7; p++) A[r][p] = (pow(xc + 0.5, p + 1) - pow(xc - 0.5, p + 1)) / (p + 1);
    a[r] = sf->u_ir[i];
  }
  FrgSolveSmall(7, A, a);
}

/* Not collective: the IR state is the same on every rank. */
PetscErrorCode FrgScoreFlowVertices(const FrgScoreFlow *sf, FrgComparison *c)
{
  double centre = sf->full_first, a[7];
  const int n   = (int)sf->full_cells;

  PetscFunctionBeginUser;
  for (int i = 0; i < n - 1; i++)
    if (sf->u_ir[i] <= 0 && sf->u_ir[i + 1] > 0) {
      centre = sf->full_first + sf->h * (i - sf->u_ir[i] / (sf->u_ir[i + 1] - sf->u_ir[i]));
      break;
    }
  for (int it = 0; it < 5; it++) {
    FrgFitAverages(sf, centre, a);
    centre -= sf->h * a[0] / a[1];
  }
  FrgFitAverages(sf, centre, a);
  c->frg_phi_min = centre;
  c->frg_gamma2  = a[1] / sf->h;
  c->frg_gamma3  = 2 * a[2] / (sf->h * sf->h);
  c->frg_gamma4  = 6 * a[3] / (sf->h * sf->h * sf->h);
  PetscFunctionReturn(PETSC_SUCCESS);
}
