/* Unit test of the lattice kernels (include/frg/lattice.h, src/lattice/action.c, md.c, gamma.c).
 *   1. The force is the gradient of the action and the Hessian its derivative (central differences, L = 2, 3, 5).
 *   2. Molecular dynamics, leapfrog and Omelyan: reversibility (forward, flip the momenta, forward, flip:
 *      the start again to round-off) and symplecticity of the very operations FrgMDIntegrate applies: the
 *      tangent map M of a whole trajectory (all 2V tangent vectors carried along) obeys M^T J M = J and
 *      det M = 1 to round-off.
 *   3. Energy violation of a trajectory of fixed length 1 from a fixed (phi, pi): dH(eps)/dH(eps/2) -> 4
 *      (second order) for leapfrog and Omelyan.
 *   4. The Gamma method on AR(1) series x_i = rho x_{i-1} + sqrt(1 - rho^2) z_i (8 replicas), whose exact
 *      tau_int = (1 + rho)/(2 (1 - rho)) and, for x^2, (1 + rho^2)/(2 (1 - rho^2)): each within 3 of its
 *      estimated errors; the error of the mean against the exact sqrt(2 tau/N) within 15%.
 *   5. The gradients of the derived quantities (chi, Binder) against central differences.
 * Exits nonzero on failure. */
#include <frg/lattice.h>
#include <frg/diffusion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

static int failures = 0;

static void check(const char *what, double error, double tolerance)
{
  const int ok = error <= tolerance;
  if (!ok) failures++;
  printf("%s %-74s %.2e (tolerance %.3g)\n", ok ? "ok  " : "BAD ", what, error, tolerance);
}

static void random_field(long V, uint64_t seed, double scale, double *phi)
{
  FrgLatticeNormals(seed, 0, 0, V, phi);
  for (long x = 0; x < V; x++) phi[x] *= scale;
}

static void test_derivatives(int L, double kappa, double lambda)
{
  FrgLattice lat;
  long       V;
  double    *phi, *f, *h, *e, *tmp, worst_f = 0, worst_h = 0, step = 1e-5;
  char       what[128];

  FrgLatticeInit(&lat, L, kappa, lambda);
  V   = lat.volume;
  phi = malloc(5 * V * sizeof(double)), f = phi + V, h = f + V, e = h + V, tmp = e + V;
  random_field(V, 3, 1.3, phi);
  FrgLatticeForce(&lat, phi, f);
  for (long x = 0; x < V; x++) {
    double save = phi[x], sp, sm;
    phi[x] = save + step, sp = FrgLatticeAction(&lat, phi);
    phi[x] = save - step, sm = FrgLatticeAction(&lat, phi);
    phi[x] = save;
    worst_f = fmax(worst_f, fabs((sp - sm) / (2 * step) - f[x]) / (1 + fabs(f[x])));
    for (long y = 0; y < V; y++) e[y] = y == x;
    FrgLatticeHessianApply(&lat, phi, e, h); /* column x of the Hessian */
    phi[x] = save + step, FrgLatticeForce(&lat, phi, tmp);
    for (long y = 0; y < V; y++) e[y] = tmp[y];
    phi[x] = save - step, FrgLatticeForce(&lat, phi, tmp);
    phi[x] = save;
    for (long y = 0; y < V; y++) worst_h = fmax(worst_h, fabs((e[y] - tmp[y]) / (2 * step) - h[y]) / (1 + fabs(h[y])));
  }
  snprintf(what, sizeof(what), "force = dS/dphi, L = %d, kappa %g, lambda %g", L, kappa, lambda);
  check(what, worst_f, 1e-8);
  snprintf(what, sizeof(what), "Hessian = dF/dphi, L = %d", L);
  check(what, worst_h, 1e-7);
  free(phi);
}

static double hamiltonian(const FrgLattice *lat, const double *phi, const double *pi)
{
  double k = 0;
  for (long x = 0; x < lat->volume; x++) k += 0.5 * pi[x] * pi[x];
  return k + FrgLatticeAction(lat, phi);
}

static void test_reversibility(FrgMDType type, const char *name)
{
  FrgLattice  lat;
  FrgMDScheme scheme;
  double     *phi, *pi, *phi0, *pi0, *work, worst = 0;
  long        V;
  char        what[128];

  FrgLatticeInit(&lat, 6, 0.3, 0.5);
  FrgMDSchemeGet(type, &scheme);
  V   = lat.volume;
  phi = malloc(5 * V * sizeof(double)), pi = phi + V, phi0 = pi + V, pi0 = phi0 + V, work = pi0 + V;
  random_field(V, 5, 1.0, phi);
  FrgLatticeNormals(6, 0, 0, V, pi);
  for (long x = 0; x < V; x++) phi0[x] = phi[x], pi0[x] = pi[x];
  FrgMDIntegrate(&lat, &scheme, 25, 0.04, phi, pi, work, NULL);
  for (long x = 0; x < V; x++) pi[x] = -pi[x];
  FrgMDIntegrate(&lat, &scheme, 25, 0.04, phi, pi, work, NULL);
  for (long x = 0; x < V; x++) worst = fmax(worst, fmax(fabs(phi[x] - phi0[x]), fabs(-pi[x] - pi0[x])));
  snprintf(what, sizeof(what), "%s: reversibility over 25 steps, 6 x 6, max |change|", name);
  check(what, worst, 1e-12);
  free(phi);
}

/* det of an n x n matrix (column-major, overwritten) by Gaussian elimination with partial pivoting. */
static double determinant(int n, double *a)
{
  double det = 1;
  for (int k = 0; k < n; k++) {
    int p = k;
    for (int i = k + 1; i < n; i++)
      if (fabs(a[i + n * k]) > fabs(a[p + n * k])) p = i;
    if (p != k) {
      det = -det;
      for (int j = 0; j < n; j++) {
        double t = a[k + n * j];
        a[k + n * j] = a[p + n * j], a[p + n * j] = t;
      }
    }
    det *= a[k + n * k];
    for (int i = k + 1; i < n; i++) {
      const double m = a[i + n * k] / a[k + n * k];
      for (int j = k; j < n; j++) a[i + n * j] -= m * a[k + n * j];
    }
  }
  return det;
}

static void test_symplectic(FrgMDType type, const char *name)
{
  FrgLattice   lat;
  FrgMDScheme  scheme;
  FrgMDTangent tangent;
  double      *phi, *pi, *work, *M, worst = 0;
  long         V;
  int          n;
  char         what[128];

  FrgLatticeInit(&lat, 3, 0.25, 0.8);
  FrgMDSchemeGet(type, &scheme);
  V = lat.volume, n = (int)(2 * V);
  phi = malloc((3 * V + 2 * (size_t)n * n) * sizeof(double)), pi = phi + V, work = pi + V, M = work + V;
  tangent.columns = n, tangent.dphi = M + (size_t)n * n, tangent.dpi = tangent.dphi + (size_t)n * V;
  random_field(V, 9, 1.2, phi);
  FrgLatticeNormals(10, 0, 0, V, pi);
  for (int c = 0; c < n; c++)
    for (long x = 0; x < V; x++) tangent.dphi[c * V + x] = (c == x), tangent.dpi[c * V + x] = (c == V + x);
  FrgMDIntegrate(&lat, &scheme, 20, 0.07, phi, pi, work, &tangent);
  for (int c = 0; c < n; c++) /* column c of M = (dphi_c; dpi_c) */
    for (long x = 0; x < V; x++) M[x + n * c] = tangent.dphi[c * V + x], M[V + x + n * c] = tangent.dpi[c * V + x];
  for (int a = 0; a < n; a++) /* (M^T J M)_ab = sum_x dphi_a dpi_b - dpi_a dphi_b against J_ab */
    for (int b = 0; b < n; b++) {
      double s = 0, j = (a < V && b == a + V) ? 1 : (b < V && a == b + V) ? -1 : 0;
      for (long x = 0; x < V; x++) s += M[x + n * a] * M[V + x + n * b] - M[V + x + n * a] * M[x + n * b];
      worst = fmax(worst, fabs(s - j));
    }
  snprintf(what, sizeof(what), "%s: tangent map M of 20 steps, 3 x 3: max |M^T J M - J|", name);
  check(what, worst, 1e-12);
  snprintf(what, sizeof(what), "%s: |det M - 1| (phase-space volume)", name);
  check(what, fabs(determinant(n, M) - 1), 1e-12);
  free(phi);
}

static void test_energy_order(FrgMDType type, const char *name)
{
  FrgLattice  lat;
  FrgMDScheme scheme;
  double     *phi0, *pi0, *phi, *pi, *work, dh[5];
  long        V;
  char        what[128];

  FrgLatticeInit(&lat, 8, 0.22, 0.3);
  FrgMDSchemeGet(type, &scheme);
  V    = lat.volume;
  phi0 = malloc(5 * V * sizeof(double)), pi0 = phi0 + V, phi = pi0 + V, pi = phi + V, work = pi + V;
  random_field(V, 11, 0.8, phi0);
  FrgLatticeNormals(12, 0, 0, V, pi0);
  for (int k = 0; k < 5; k++) {
    const int steps = 8 << k;
    for (long x = 0; x < V; x++) phi[x] = phi0[x], pi[x] = pi0[x];
    FrgMDIntegrate(&lat, &scheme, steps, 1.0 / steps, phi, pi, work, NULL);
    dh[k] = hamiltonian(&lat, phi, pi) - hamiltonian(&lat, phi0, pi0);
    printf("     %s: %3d steps of %-9g dH = %+.6e%s\n", name, steps, 1.0 / steps, dh[k], k ? "" : "");
    if (k) printf("          ratio dH(2 eps)/dH(eps) = %.4f\n", dh[k - 1] / dh[k]);
  }
  snprintf(what, sizeof(what), "%s: dH(eps)/dH(eps/2) at eps = 1/64 vs 4 (second order)", name);
  check(what, fabs(dh[3] / dh[4] - 4), 0.02);
  free(phi0);
}

/* AR(1) series with unit variance in 8 replicas, then the Gamma method on x and on the variance <x^2> - <x>^2. */
static double Identity(const double *mean, void *ctx, double *gradient)
{
  gradient[0] = 1, gradient[1] = 0;
  return mean[0];
}
static double Variance(const double *mean, void *ctx, double *gradient)
{
  gradient[0] = -2 * mean[0], gradient[1] = 1;
  return mean[1] - mean[0] * mean[0];
}

static void test_gamma(double rho)
{
  const int      R = 8;
  const long     N = 20000;
  double        *data = malloc(2 * R * N * sizeof(double)), *work = malloc(R * N * sizeof(double));
  FrgGammaResult m, v;
  double         tau = (1 + rho) / (2 * (1 - rho)), tau2 = (1 + rho * rho) / (2 * (1 - rho * rho)), exact_error;
  char           what[160];

  for (int r = 0; r < R; r++) {
    double x = 0, z[2];
    FrgRandomNormal2(77, (uint64_t)r, 0, 0, z);
    x = z[0]; /* stationary start */
    for (long i = 0; i < N; i++) {
      FrgRandomNormal2(77, (uint64_t)r, (uint32_t)(i + 1), 1, z);
      x = rho * x + sqrt(1 - rho * rho) * z[0];
      data[2 * (r * N + i)] = x, data[2 * (r * N + i) + 1] = x * x;
    }
  }
  FrgGammaAnalysis(2, R, N, data, Identity, NULL, 1.5, work, &m);
  FrgGammaAnalysis(2, R, N, data, Variance, NULL, 1.5, work, &v);
  exact_error = sqrt(2 * tau / (R * N));
  printf("     AR(1) rho = %g: <x> = %.5f +- %.5f (exact error %.5f), tau_int %.3f +- %.3f (exact %.3f, W = %d); var: %.4f, tau_int %.3f +- %.3f (exact %.3f)\n", rho,
         m.value, m.error, exact_error, m.tau_int, m.tau_int_error, tau, m.window, v.value, v.tau_int, v.tau_int_error, tau2);
  snprintf(what, sizeof(what), "Gamma method, AR(1) rho = %g: |tau_int - exact| in units of its error", rho);
  check(what, fabs(m.tau_int - tau) / m.tau_int_error, 3);
  snprintf(what, sizeof(what), "Gamma method, AR(1) rho = %g: error of the mean / exact - 1", rho);
  check(what, fabs(m.error / exact_error - 1), 0.15);
  snprintf(what, sizeof(what), "Gamma method, AR(1) rho = %g: |tau_int(x^2) - exact| in units of its error", rho);
  check(what, fabs(v.tau_int - tau2) / v.tau_int_error, 3);
  check("Gamma method: mean within 4 exact errors of 0", fabs(m.value) / exact_error, 4);
  free(data);
  free(work);
}

static void test_derived_gradients(void)
{
  double           mean[3] = {0.7, 0.6, 0.5}, g[3], gp[3], worst = 0, volume = 64;
  FrgGammaFunction f[2]    = {FrgLatticeSusceptibility, FrgLatticeBinder};

  for (int q = 0; q < 2; q++) {
    f[q](mean, &volume, g);
    for (int a = 0; a < 3; a++) {
      double save = mean[a], fp, fm, h = 1e-6;
      mean[a] = save + h, fp = f[q](mean, &volume, gp);
      mean[a] = save - h, fm = f[q](mean, &volume, gp);
      mean[a] = save;
      worst   = fmax(worst, fabs((fp - fm) / (2 * h) - g[a]) / (1 + fabs(g[a])));
    }
  }
  check("gradients of chi and Binder vs central differences", worst, 1e-8);
}

int main(void)
{
  test_derivatives(2, 0.3, 0.7);
  test_derivatives(3, -0.2, 0.5);
  test_derivatives(5, 0.25, 0.0);
  test_reversibility(FRG_MD_LEAPFROG, "leapfrog");
  test_reversibility(FRG_MD_OMELYAN, "omelyan");
  test_symplectic(FRG_MD_LEAPFROG, "leapfrog");
  test_symplectic(FRG_MD_OMELYAN, "omelyan");
  test_energy_order(FRG_MD_LEAPFROG, "leapfrog");
  test_energy_order(FRG_MD_OMELYAN, "omelyan");
  test_gamma(0.8);
  test_gamma(0.0);
  test_derived_gradients();
  printf("%s\n", failures ? "FAILED" : "ok");
  return failures != 0;
}
