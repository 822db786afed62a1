/* Plain-C kernels of the smoothed log-density route (src/diffusion/density.c): the right-hand side of
 *     dv/dtau = s d_x [ (v_x - v^2)/2 ],   s = e^tau,
 * on n cells of width h with the fourth-order point flux at the interfaces from four cell averages
 *     v_{i+1/2} = (-v_{i-1} + 7 v_i + 7 v_{i+1} - v_{i+2})/12,  v_x = (v_{i-1} - 15 v_i + 15 v_{i+1} - v_{i+2})/(12 h),
 * two ghost cells per end from linear extrapolation, and its exact Jacobian: a band of width 2 (row i
 * couples cells i-2..i+2; the ghosts' dependence folded onto the cells they extrapolate). */
#include <frg/diffusion.h>
#include <math.h>

/* Cell average i of v with two ghost cells per end (linear extrapolation). */
static inline double FrgDensityCell(const double *v, int n, int i)
{
  if (i < 0) return v[0] + i * (v[1] - v[0]);
  if (i > n - 1) return v[n - 1] + (i - n + 1) * (v[n - 1] - v[n - 2]);
  return v[i];
}

/* The point flux G = (v_x - v^2)/2 at an interface from four cell averages, fourth order. */
static inline double FrgDensityFlux(double a, double b, double c, double d, double h)
{
  const double v = (-a + 7 * b + 7 * c - d) / 12, vx = (a - 15 * b + 15 * c - d) / (12 * h);
  return 0.5 * (vx - v * v);
}

void FrgDensityRate(int n, double h, double tau, const double *v, double *f)
{
  const double s = exp(tau);
  double       left = FrgDensityFlux(FrgDensityCell(v, n, -2), FrgDensityCell(v, n, -1), v[0], v[1], h), right;

  for (int i = 0; i < n; i++) {
    right = FrgDensityFlux(FrgDensityCell(v, n, i - 1), v[i], FrgDensityCell(v, n, i + 1), FrgDensityCell(v, n, i + 2), h);
    f[i]  = s * (right - left) / h;
    left  = right;
  }
}

/* dG/da .. dG/dd at the interface whose cells are a, b, c, d */
static inline void FrgDensityFluxDerivatives(double a, double b, double c, double d, double h, double dG[4])
{
  const double v = (-a + 7 * b + 7 * c - d) / 12, inv = 1.0 / (24 * h);

  dG[0] = inv + v / 12;
  dG[1] = -15 * inv - 7 * v / 12;
  dG[2] = 15 * inv - 7 * v / 12;
  dG[3] = -inv + v / 12;
}

/* Adds value to column col (a cell index, possibly a ghost: -2, -1, n, n + 1) of row i of the band,
 * band[5 i + col - i + 2], folding a ghost onto the two cells its extrapolation reads. */
static inline void FrgDensityBandAdd(int n, int i, int col, double value, double *band)
{
  double *row = band + 5 * i + 2 - i;

  if (col < 0) { /* v_col = (1 - col) v_0 + col v_1 */
    row[0] += (1 - col) * value;
    row[1] += col * value;
  } else if (col > n - 1) { /* v_col = (1 + j) v_{n-1} - j v_{n-2}, j = col - n + 1 */
    const int j = col - n + 1;
    row[n - 1] += (1 + j) * value;
    row[n - 2] -= j * value;
  } else row[col] += value;
}

void FrgDensityJacobianBand(int n, double h, double tau, const double *v, double *band)
{
  const double s = exp(tau), scale = s / h;
  double       dG[4];

  for (int k = 0; k < 5 * n; k++) band[k] = 0.0;
  /* interface i - 1/2 (cells i-2..i+1) enters row i with -, row i - 1 with + */
  for (int i = 0; i <= n; i++) {
    FrgDensityFluxDerivatives(FrgDensityCell(v, n, i - 2), FrgDensityCell(v, n, i - 1), FrgDensityCell(v, n, i), FrgDensityCell(v, n, i + 1), h, dG);
    for (int c = 0; c < 4; c++) {
      if (i < n) FrgDensityBandAdd(n, i, i - 2 + c, -scale * dG[c], band);
      if (i > 0) FrgDensityBandAdd(n, i - 1, i - 2 + c, scale * dG[c], band);
    }
  }
}
