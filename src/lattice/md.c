/* Molecular dynamics and one HMC trajectory on the lattice (include/frg/lattice.h), plain C.
 * Every scheme is a table of kick and drift coefficients (FrgMDSchemeGet); FrgMDIntegrate is the only code
 * that applies one, to the state and, when asked, to tangent vectors (the tests check symplecticity with
 * the very sequence of operations the sampler uses). */
#include <frg/lattice.h>
#include <frg/diffusion.h>
#include <math.h>

void FrgMDSchemeGet(FrgMDType type, FrgMDScheme *scheme)
{
  if (type == FRG_MD_OMELYAN) {
    const double xi = 0.1931833275037836; /* Omelyan, Mryglod & Folk 2003: minimum norm of the O(eps^3) error */
    scheme->drifts   = 2;
    scheme->kick[0]  = xi;
    scheme->kick[1]  = 1 - 2 * xi;
    scheme->kick[2]  = xi;
    scheme->drift[0] = 0.5;
    scheme->drift[1] = 0.5;
  } else {
    scheme->drifts   = 1;
    scheme->kick[0]  = 0.5;
    scheme->kick[1]  = 0.5;
    scheme->drift[0] = 1.0;
  }
}

long FrgMDForceEvaluations(const FrgMDScheme *scheme, int steps)
{
  return (long)scheme->drifts * steps + 1;
}

/* pi <- pi - h dS/dphi, and dpi <- dpi - h Hessian dphi for each tangent column. */
static void FrgMDKick(const FrgLattice *lat, double h, const double *phi, double *pi, double *work, FrgMDTangent *tangent)
{
  const long V = lat->volume;

  if (tangent)
    for (int c = 0; c < tangent->columns; c++) {
      FrgLatticeHessianApply(lat, phi, tangent->dphi + c * V, work);
      for (long x = 0; x < V; x++) tangent->dpi[c * V + x] -= h * work[x];
    }
  FrgLatticeForce(lat, phi, work);
  for (long x = 0; x < V; x++) pi[x] -= h * work[x];
}

static void FrgMDDrift(long V, double h, double *phi, const double *pi, FrgMDTangent *tangent)
{
  for (long x = 0; x < V; x++) phi[x] += h * pi[x];
  if (tangent)
    for (long k = 0; k < tangent->columns * V; k++) tangent->dphi[k] += h * tangent->dpi[k];
}

void FrgMDIntegrate(const FrgLattice *lat, const FrgMDScheme *scheme, int steps, double eps, double *phi, double *pi, double *work, FrgMDTangent *tangent)
{
  const int m = scheme->drifts;

  for (int n = 0; n < steps; n++)
    for (int j = 0; j < m; j++) {
      /* the first kick of a step carries the last kick of the previous one */
      const double a = scheme->kick[j] + (j == 0 && n > 0 ? scheme->kick[m] : 0.0);
      FrgMDKick(lat, a * eps, phi, pi, work, tangent);
      FrgMDDrift(lat->volume, scheme->drift[j] * eps, phi, pi, tangent);
    }
  if (steps > 0) FrgMDKick(lat, scheme->kick[m] * eps, phi, pi, work, tangent);
}

void FrgLatticeNormals(uint64_t seed, uint64_t index, uint32_t step, long volume, double *z)
{
  for (long x = 0; x < volume; x += 2) {
    double pair[2];
    FrgRandomNormal2(seed, index, step, (uint32_t)(x / 2), pair);
    z[x] = pair[0];
    if (x + 1 < volume) z[x + 1] = pair[1];
  }
}

double FrgLatticeUniform(uint64_t seed, uint64_t index, uint32_t step, uint32_t stream)
{
  double u[2];

  FrgRandomUniform2(seed, index, step, stream, u);
  return u[0];
}

static double FrgKinetic(long V, const double *pi)
{
  double k = 0;

  for (long x = 0; x < V; x++) k += pi[x] * pi[x];
  return 0.5 * k;
}

double FrgHMCTrajectory(const FrgLattice *lat, const FrgMDScheme *scheme, int steps, double eps, uint64_t seed, uint64_t chain, uint32_t step, double *phi, double *work,
                        int *accepted, double *delta_h)
{
  const long V   = lat->volume;
  double    *pi  = work, *trial = work + V, *force = work + 2 * V;
  double     h0, h1, probability;

  FrgLatticeNormals(seed, chain, step, V, pi);
  for (long x = 0; x < V; x++) trial[x] = phi[x];
  h0 = FrgKinetic(V, pi) + FrgLatticeAction(lat, phi);
  FrgMDIntegrate(lat, scheme, steps, eps, trial, pi, force, NULL);
  h1       = FrgKinetic(V, pi) + FrgLatticeAction(lat, trial);
  *delta_h = h1 - h0;
  /* a NaN energy (a diverged trajectory) is rejected */
  probability = *delta_h <= 0 ? 1.0 : (*delta_h == *delta_h ? exp(-*delta_h) : 0.0);
  *accepted   = FrgLatticeUniform(seed, chain, step, FRG_LATTICE_STREAM_ACCEPT) < probability;
  if (*accepted)
    for (long x = 0; x < V; x++) phi[x] = trial[x];
  return probability;
}
