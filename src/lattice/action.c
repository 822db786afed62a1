/* The lattice phi^4 action, its force and Hessian (include/frg/lattice.h; doc/physics.md 2.6), plain C.
 *     S = sum_x [ -2 kappa sum_mu phi_x phi_{x+mu} + (1 - 2 lambda) phi_x^2 + lambda phi_x^4 ]
 * Site x = i + L j; the neighbour sums run over the four neighbours with periodic wrap. For L = 2 the
 * forward and backward neighbours coincide and the formulas count that bond twice, as the action does. */
#include <frg/lattice.h>
#include <math.h>

void FrgLatticeInit(FrgLattice *lat, int L, double kappa, double lambda)
{
  lat->L      = L;
  lat->volume = (long)L * L;
  lat->kappa  = kappa;
  lat->lambda = lambda;
}

/* The site potential S_site(p) = (1 - 2 lambda) p^2 + lambda p^4 and its first two derivatives: the one
 * place they are written. */
static inline double FrgSitePotential(const FrgLattice *lat, double p)
{
  const double p2 = p * p;
  return p2 * ((1 - 2 * lat->lambda) + lat->lambda * p2);
}
static inline double FrgSiteSlope(const FrgLattice *lat, double p)
{
  return p * (2 * (1 - 2 * lat->lambda) + 4 * lat->lambda * p * p);
}
static inline double FrgSiteCurvature(const FrgLattice *lat, double p)
{
  return 2 * (1 - 2 * lat->lambda) + 12 * lat->lambda * p * p;
}

/* Sum of the four neighbours of site (i, j). */
static inline double FrgNeighbourSum(int L, const double *x, int i, int j)
{
  const int ip = i + 1 == L ? 0 : i + 1, im = i ? i - 1 : L - 1, jp = j + 1 == L ? 0 : j + 1, jm = j ? j - 1 : L - 1;
  return x[ip + L * j] + x[im + L * j] + x[i + L * jp] + x[i + L * jm];
}

double FrgLatticeAction(const FrgLattice *lat, const double *phi)
{
  const int L = lat->L;
  double    S = 0;

  for (int j = 0; j < L; j++) {
    const int jp = j + 1 == L ? 0 : j + 1;
    for (int i = 0; i < L; i++) {
      const int    ip = i + 1 == L ? 0 : i + 1;
      const double p  = phi[i + L * j];
      S += -2 * lat->kappa * p * (phi[ip + L * j] + phi[i + L * jp]) + FrgSitePotential(lat, p);
    }
  }
  return S;
}

void FrgLatticeHopping(const FrgLattice *lat, const double *x, double *y)
{
  const int L = lat->L;

  for (int j = 0; j < L; j++)
    for (int i = 0; i < L; i++) y[i + L * j] = -2 * lat->kappa * FrgNeighbourSum(L, x, i, j);
}

void FrgLatticeForce(const FrgLattice *lat, const double *phi, double *force)
{
  const int L = lat->L;

  for (int j = 0; j < L; j++)
    for (int i = 0; i < L; i++) force[i + L * j] = -2 * lat->kappa * FrgNeighbourSum(L, phi, i, j) + FrgSiteSlope(lat, phi[i + L * j]);
}

void FrgLatticeHessianApply(const FrgLattice *lat, const double *phi, const double *x, double *y)
{
  const int L = lat->L;

  for (int j = 0; j < L; j++)
    for (int i = 0; i < L; i++) y[i + L * j] = -2 * lat->kappa * FrgNeighbourSum(L, x, i, j) + FrgSiteCurvature(lat, phi[i + L * j]) * x[i + L * j];
}

double FrgLatticeMagnetization(const FrgLattice *lat, const double *phi)
{
  double m = 0;

  for (long x = 0; x < lat->volume; x++) m += phi[x];
  return m / (double)lat->volume;
}

/* M ~ N(0, v), v = 1/(V (2 - 4 d kappa)): <|M|> = sqrt(2 v/pi), chi = V (v - 2 v/pi), Binder 1 - 3v^2/(3v^2) = 0. */
void FrgLatticeGaussianExact(const FrgLattice *lat, double *abs_magnetization, double *susceptibility, double *binder)
{
  const double V = (double)lat->volume, v = 1.0 / (V * (2 - 4 * FRG_LATTICE_DIMENSION * lat->kappa));

  *abs_magnetization = sqrt(2 * v / 3.141592653589793);
  *susceptibility    = V * v * (1 - 2 / 3.141592653589793);
  *binder            = 0.0;
}
