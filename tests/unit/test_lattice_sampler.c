/* Unit test of the pieces of the FRG-driven lattice sampler (src/lattice/band.c, prox.c, frg_sampler.c).
 *   1. The band Cholesky in the folded order against a dense factorization of t (K + diag D) + 1: log det and the
 *      solve, L = 2 (double bonds), 3, 4, 7, both signs of kappa.
 *   2. The proximal map: G(phi*) = s (K phi* + U'(phi*)) + phi* - x = 0, and d phi* / dx = A^-1 (central differences).
 *   3. The exact density of the probability-flow sampler: ln |det| of the whole map x_0 -> x_K by central
 *      differences (V x V, dense determinant) against the sum of the band log determinants the sampler adds up,
 *      L = 2 and 3, and the Hermite potential table's derivative against differences of its values.
 * Exits nonzero on failure. */
#include <frg/lattice.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

static int failures = 0;

static void check(const char *what, double error, double tolerance)
{
  const int ok = error <= tolerance;
  if (!ok) failures++;
  printf("%s %-78s %.2e (tolerance %.3g)\n", ok ? "ok  " : "BAD ", what, error, tolerance);
}

/* Dense t (K + diag D) + 1, column-major n x n. */
static void dense_matrix(const FrgLattice *lat, double t, const double *D, double *A)
{
  const long n = lat->volume;
  double    *e = malloc(2 * n * sizeof(double)), *y = e + n;
  for (long j = 0; j < n; j++) {
    for (long i = 0; i < n; i++) e[i] = i == j;
    FrgLatticeHopping(lat, e, y);
    for (long i = 0; i < n; i++) A[i + n * j] = t * (y[i] + (i == j) * D[i]) + (i == j);
  }
  free(e);
}

/* ln |det| by Gaussian elimination with partial pivoting (a overwritten). */
static double log_abs_det(long n, double *a)
{
  double sum = 0;
  for (long k = 0; k < n; k++) {
    long p = k;
    for (long i = k + 1; i < n; i++)
      if (fabs(a[i + n * k]) > fabs(a[p + n * k])) p = i;
    for (long j = 0; j < n; j++) {
      const double tmp = a[k + n * j];
      a[k + n * j] = a[p + n * j], a[p + n * j] = tmp;
    }
    sum += log(fabs(a[k + n * k]));
    for (long i = k + 1; i < n; i++) {
      const double m = a[i + n * k] / a[k + n * k];
      for (long j = k; j < n; j++) a[i + n * j] -= m * a[k + n * j];
    }
  }
  return sum;
}

static void test_band(int L, double kappa)
{
  FrgLattice     lat;
  FrgLatticeBand band;
  const double   t = 3.7;
  long           n;
  double        *D, *A, *b, *x, *w, logdet, worst = 0;
  char           what[128];

  FrgLatticeInit(&lat, L, kappa, 0.2);
  n = lat.volume;
  D = malloc((4 * n + n * n) * sizeof(double)), b = D + n, x = b + n, w = x + n, A = w + n;
  FrgLatticeNormals(21, (uint64_t)L, 0, n, D);
  FrgLatticeNormals(22, (uint64_t)L, 0, n, b);
  for (long i = 0; i < n; i++) D[i] = 4 * fabs(kappa) * 2 + 0.3 + fabs(D[i]); /* diagonally dominant: SPD */
  FrgLatticeBandInit(&band, &lat);
  if (FrgLatticeBandFactor(&band, &lat, t, D, &logdet)) failures++, printf("BAD  factorization refused\n");
  FrgLatticeBandSolve(&band, b, x, w);
  dense_matrix(&lat, t, D, A);
  for (long i = 0; i < n; i++) { /* residual A x - b */
    double r = -b[i];
    for (long j = 0; j < n; j++) r += A[i + n * j] * x[j];
    worst = fmax(worst, fabs(r));
  }
  snprintf(what, sizeof(what), "band Cholesky L = %d, kappa %g: |A x - b|_max", L, kappa);
  check(what, worst, 1e-11);
  snprintf(what, sizeof(what), "band Cholesky L = %d, kappa %g: log det vs dense elimination (relative)", L, kappa);
  check(what, fabs(logdet - log_abs_det(n, A)) / fabs(logdet), 1e-12);
  FrgLatticeBandFree(&band);
  free(D);
}

static void table_init(FrgLatticePotentialTable *t, const FrgLattice *lat, int levels, double s_hi, double s_lo)
{
  t->levels = levels, t->points = 201, t->phi0 = -5, t->h = 0.05;
  t->s         = malloc(levels * sizeof(double));
  t->slope     = malloc((size_t)levels * t->points * sizeof(double));
  t->curvature = malloc((size_t)levels * t->points * sizeof(double));
  for (int l = 0; l < levels; l++) t->s[l] = s_hi * pow(s_lo / s_hi, levels > 1 ? (double)l / (levels - 1) : 0);
  FrgLatticePotentialFillBare(t, lat);
  /* a level-dependent, non-polynomial deformation, so that the interpolation matters (any smooth U works here) */
  for (int l = 0; l < levels; l++)
    for (int j = 0; j < t->points; j++) {
      const double p = t->phi0 + j * t->h, a = 0.3 / (1 + l);
      t->slope[(size_t)l * t->points + j] += a * sin(p);
      t->curvature[(size_t)l * t->points + j] += a * cos(p);
    }
}

static void table_free(FrgLatticePotentialTable *t)
{
  free(t->s), free(t->slope), free(t->curvature);
}

static void test_table_derivative(void)
{
  FrgLattice               lat;
  FrgLatticePotentialTable t;
  double                   worst = 0;

  FrgLatticeInit(&lat, 3, 0.05, 0.3);
  table_init(&t, &lat, 2, 1.0, 0.5);
  for (int k = 0; k < 400; k++) {
    const double p = -6 + 12 * (k + 0.5) / 400, h = 1e-6;
    double       up, um, d, c;
    FrgLatticePotentialEval(&t, 1, p + h, &up, &c);
    FrgLatticePotentialEval(&t, 1, p - h, &um, &c);
    FrgLatticePotentialEval(&t, 1, p, &d, &c);
    worst = fmax(worst, fabs((up - um) / (2 * h) - c) / (1 + fabs(c)));
  }
  check("potential table: U'' is the derivative of the interpolated U' (incl. the linear ends)", worst, 1e-7);
  table_free(&t);
}

static void test_prox(void)
{
  FrgLattice               lat;
  FrgLatticePotentialTable t;
  FrgLatticeBand           band;
  FrgLatticeProxStats      stats = {0};
  long                     n;
  double                  *x, *phi, *phi2, *G, *D, *work, *col, *rhs, logdet, worst = 0, resid = 0, slope;

  FrgLatticeInit(&lat, 3, 0.05, 0.3);
  n = lat.volume;
  table_init(&t, &lat, 1, 2.5, 2.5);
  FrgLatticeBandInit(&band, &lat);
  x = malloc(20 * n * sizeof(double)), phi = x + n, phi2 = phi + n, G = phi2 + n, D = G + n, col = D + n, rhs = col + n, work = rhs + n;
  FrgLatticeNormals(31, 0, 0, n, x);
  for (long i = 0; i < n; i++) x[i] *= 2, phi[i] = 0;
  if (FrgLatticeProx(&lat, &t, 0, &band, x, phi, &logdet, work, &stats)) failures++, printf("BAD  prox failed\n");
  FrgLatticeHopping(&lat, phi, G);
  for (long i = 0; i < n; i++) {
    FrgLatticePotentialEval(&t, 0, phi[i], &slope, &D[i]);
    resid = fmax(resid, fabs(t.s[0] * (G[i] + slope) + phi[i] - x[i]));
  }
  check("prox: |s (K phi* + U'(phi*)) + phi* - x|_max", resid, 1e-12);
  printf("     prox: %ld Newton iterations, %ld factorizations from phi = 0\n", stats.newton_iterations, stats.factorizations);
  for (long j = 0; j < n; j++) { /* column j of d phi* / dx vs A^-1 e_j */
    const double h = 1e-5, save = x[j];
    for (long i = 0; i < n; i++) rhs[i] = i == j;
    FrgLatticeBandSolve(&band, rhs, col, work + 6 * n);
    for (long i = 0; i < n; i++) phi2[i] = phi[i];
    x[j] = save + h, FrgLatticeProx(&lat, &t, 0, &band, x, phi2, &logdet, work, &stats);
    for (long i = 0; i < n; i++) G[i] = phi2[i];
    x[j] = save - h, FrgLatticeProx(&lat, &t, 0, &band, x, phi2, &logdet, work, &stats);
    x[j] = save;
    for (long i = 0; i < n; i++) worst = fmax(worst, fabs((G[i] - phi2[i]) / (2 * h) - col[i]));
    FrgLatticeProx(&lat, &t, 0, &band, x, phi, &logdet, work, &stats); /* band back at phi*(x) */
  }
  check("prox: d phi* / dx = A^-1 (central differences)", worst, 1e-8);
  FrgLatticeBandFree(&band);
  table_free(&t);
  free(x);
}

static void test_density(int L)
{
  FrgLattice               lat;
  FrgLatticePotentialTable t;
  FrgLatticeBand           band;
  FrgLatticeProxStats      stats = {0};
  FrgLatticeSampler        sp    = {0};
  long                     n;
  double                  *x0, *x, *xm, *J, *work, log_ratio, dummy, h = 1e-6;
  char                     what[128];

  FrgLatticeInit(&lat, L, 0.05, 0.3);
  n = lat.volume;
  table_init(&t, &lat, 14, 20.0, 0.01);
  FrgLatticeBandInit(&band, &lat);
  sp.lattice = &lat, sp.table = &t, sp.type = FRG_LATTICE_SAMPLER_ODE, sp.seed = 5;
  x0 = malloc((3 * n + n * n + FrgLatticeSamplerWorkSize(&lat)) * sizeof(double)), x = x0 + n, xm = x + n, J = xm + n, work = J + n * n;
  FrgLatticeNormals(41, (uint64_t)L, 0, n, x0);
  for (long i = 0; i < n; i++) x0[i] *= sqrt(t.s[0]), x[i] = x0[i];
  FrgLatticeSamplerRun(&sp, &band, 0, x, &log_ratio, work, &stats);
  for (long j = 0; j < n; j++) { /* column j of the Jacobian of x_0 -> x_K */
    for (long i = 0; i < n; i++) x[i] = x0[i] + (i == j) * h, xm[i] = x0[i] - (i == j) * h;
    FrgLatticeSamplerRun(&sp, &band, 0, x, &dummy, work, &stats);
    FrgLatticeSamplerRun(&sp, &band, 0, xm, &dummy, work, &stats);
    for (long i = 0; i < n; i++) J[i + n * j] = (x[i] - xm[i]) / (2 * h);
  }
  snprintf(what, sizeof(what), "ODE sampler, L = %d, 14 steps: ln|det dx_K/dx_0| (differences) vs -sum ln det (bands)", L);
  check(what, fabs(log_abs_det(n, J) + log_ratio), 1e-6);
  FrgLatticeBandFree(&band);
  table_free(&t);
  free(x0);
}

int main(void)
{
  test_band(2, 0.3);
  test_band(3, -0.2);
  test_band(4, 0.15);
  test_band(7, 0.11);
  test_table_derivative();
  test_prox();
  test_density(2);
  test_density(3);
  printf("%s\n", failures ? "FAILED" : "ok");
  return failures != 0;
}
