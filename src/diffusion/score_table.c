/* One level of the score table from the flow's state (plain C, no PETSc; doc/physics.md 2.3).
 *
 * The unknowns are cell averages ubar_i of u = Gamma_R'. Point values at the centres follow from the
 * fourth-order deconvolution u_i = ubar_i - (ubar_{i+1} - 2 ubar_i + ubar_{i-1})/24, slopes w_i = u'(phi_i)
 * from fourth-order central differences. On each cell pair the maps phi -> x = phi + s u and phi -> u
 * are cubic Hermite polynomials in theta = (phi - phi_i)/h; a node X of the uniform x-grid is located by
 * a moving bracket and theta by safeguarded Newton. The score and its derivatives there:
 *     S = -u,   dS/dx = -(du/dtheta)/(dx/dtheta),
 *     dS/dtau at fixed x = -(u_tau + w dphi/dtau),  dphi/dtau = -s (u + u_tau)/(1 + s w),
 * the last from differentiating x = phi + s u at fixed x with ds/dtau = s.
 */
#include <frg/diffusion.h>

/* Point values from cell averages (fourth order inside, second order at the two outer cells). */
void FrgPointValues(int n, const double *bar, double *point)
{
  for (int i = 1; i < n - 1; i++) point[i] = bar[i] - (bar[i + 1] - 2.0 * bar[i] + bar[i - 1]) / 24.0;
  point[0]     = bar[0] - (bar[2] - 2.0 * bar[1] + bar[0]) / 24.0;
  point[n - 1] = bar[n - 1] - (bar[n - 1] - 2.0 * bar[n - 2] + bar[n - 3]) / 24.0;
}

void FrgSlopes(int n, double h, const double *u, double *w)
{
  for (int i = 2; i < n - 2; i++) w[i] = (u[i - 2] - 8.0 * u[i - 1] + 8.0 * u[i + 1] - u[i + 2]) / (12.0 * h);
  w[1]     = (u[2] - u[0]) / (2.0 * h);
  w[n - 2] = (u[n - 1] - u[n - 3]) / (2.0 * h);
  w[0]     = (u[1] - u[0]) / h;
  w[n - 1] = (u[n - 1] - u[n - 2]) / h;
}

/* Cubic Hermite value and theta-derivative on [0, 1] from end values a, b and end slopes da, db. */
static inline double FrgHermite(double q, double a, double da, double b, double db, double *dq)
{
  const double q2 = q * q, q3 = q2 * q;
  *dq = (6 * q2 - 6 * q) * a + (3 * q2 - 4 * q + 1) * da + (-6 * q2 + 6 * q) * b + (3 * q2 - 2 * q) * db;
  return (2 * q3 - 3 * q2 + 1) * a + (q3 - 2 * q2 + q) * da + (-2 * q3 + 3 * q2) * b + (q3 - q2) * db;
}

/* theta in [0, 1] with x(theta) = X on the cell pair (i, i+1): Newton, bisection if it leaves the bracket. */
static double FrgSolveTheta(double X, double xa, double dxa, double xb, double dxb)
{
  double lo = 0.0, hi = 1.0, q = (X - xa) / (xb - xa), dq;

  for (int it = 0; it < 60; it++) {
    const double f = FrgHermite(q, xa, dxa, xb, dxb, &dq) - X;
    if (f > 0)
      hi = q;
    else
      lo = q;
    if (fabs(f) <= 1e-15 * (fabs(X) + fabs(xb - xa))) break;
    q = (dq > 0) ? q - f / dq : 0.5 * (lo + hi);
    if (!(q > lo && q < hi)) q = 0.5 * (lo + hi);
    if (hi - lo < 1e-16) break;
  }
  return q;
}

int FrgScoreLevelBuild(int n, double phi_first, double h, const double *ubar, const double *utbar, double s, double clip_lo, double clip_hi, int points,
                       double *work, double *x0, double *dx, double *node)
{
  double *u = work, *w = work + n, *ut = work + 2 * n, *x = work + 3 * n, *xp = work + 4 * n;
  double xa, xb;
  int i = 2;

  FrgPointValues(n, ubar, u);
  FrgPointValues(n, utbar, ut);
  FrgSlopes(n, h, u, w);
  for (int k = 0; k < n; k++) {
    x[k]  = phi_first + k * h + s * u[k];
    xp[k] = h * (1.0 + s * w[k]); /* dx/dtheta */
  }
  for (int k = 2; k < n - 3; k++)
    if (!(x[k + 1] > x[k]) || !(xp[k] > 0)) return 1 + k;
  xa  = fmax(x[2], clip_lo);
  xb  = fmin(x[n - 3], clip_hi);
  *x0 = xa;
  *dx = (xb - xa) / (points - 1);
  for (int j = 0; j < points; j++) {
    const double X = j == points - 1 ? xb : xa + j * (*dx);
    double q, du, dxq, uq, wq, utq, phitau;
    while (i < n - 4 && x[i + 1] < X) i++;
    q  = FrgSolveTheta(X, x[i], xp[i], x[i + 1], xp[i + 1]);
    uq = FrgHermite(q, u[i], h * w[i], u[i + 1], h * w[i + 1], &du);
    (void)FrgHermite(q, x[i], xp[i], x[i + 1], xp[i + 1], &dxq);
    wq              = du / h;
    utq             = ut[i] + q * (ut[i + 1] - ut[i]);
    phitau          = -s * (uq + utq) / (dxq / h);
    node[3 * j]     = -uq;
    node[3 * j + 1] = -du / dxq;
    node[3 * j + 2] = -(utq + wq * phitau);
  }
  return 0;
}

/* S, dS/dx, dS/dtau and d2S/dx dtau of the table's interpolant on level l at x (the x-derivatives of
 * exactly what FrgScoreTableAtLevel evaluates). */
static void FrgScoreTableAtLevelDerivatives(const FrgScoreTable *t, int l, double x, double v[4])
{
  const double p  = (x - t->x0[l]) * t->inv_dx[l];
  const double *n = t->node + 3 * (size_t)l * (size_t)t->points;
  int j           = (int)floor(p);

  if (j < 0 || j > t->points - 2) {
    const int e = j < 0 ? 0 : t->points - 1;
    v[0]        = n[3 * e] + n[3 * e + 1] * (x - (t->x0[l] + e * t->dx[l]));
    v[1]        = n[3 * e + 1];
    v[2]        = n[3 * e + 2];
    v[3]        = 0.0;
    return;
  }
  {
    const double q = p - j, h = t->dx[l], *a = n + 3 * j, *b = a + 3;
    double dq;
    v[0] = FrgHermite(q, a[0], h * a[1], b[0], h * b[1], &dq);
    v[1] = dq / h;
    v[2] = a[2] + q * (b[2] - a[2]);
    v[3] = (b[2] - a[2]) / h;
  }
}

/* One level of a table at noise s resampled from the interpolant of t (Hermite in tau, Hermite in x):
 * the new nodes carry the interpolant's value and exact x-derivative, so a single-level lookup
 * reproduces the two-level lookup up to the O(dx^4) of the new x-grid. The range is the union of the
 * ranges of the two stored levels around s. */
void FrgScoreTableResample(const FrgScoreTable *t, double s, int points, double *x0, double *dx, double *node)
{
  const FrgScoreLevel L = FrgScoreTableLevel(t, s);
  const int l           = L.level;
  const double xa = fmin(t->x0[l], t->x0[l + 1]), xb = fmax(t->x0[l] + (t->points - 1) * t->dx[l], t->x0[l + 1] + (t->points - 1) * t->dx[l + 1]);

  *x0 = xa;
  *dx = (xb - xa) / (points - 1);
  for (int j = 0; j < points; j++) {
    const double x = j == points - 1 ? xb : xa + j * (*dx);
    double v0[4], v1[4];
    FrgScoreTableAtLevelDerivatives(t, l, x, v0);
    FrgScoreTableAtLevelDerivatives(t, l + 1, x, v1);
    node[3 * j]     = L.w0 * v0[0] + L.w1 * v1[0] + L.wt0 * v0[2] + L.wt1 * v1[2];
    node[3 * j + 1] = L.w0 * v0[1] + L.w1 * v1[1] + L.wt0 * v0[3] + L.wt1 * v1[3];
    node[3 * j + 2] = 0.0; /* a single-level table is never interpolated in s */
  }
}
