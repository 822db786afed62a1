/* The FRG-driven samplers of the lattice target e^{-S} (doc/physics.md 2.3, 2.6), plain C: one sample at a time.
 *
 * Noise levels s_0 > s_1 > ... > s_{K-1} > s_K = 0 (sigma_k = sqrt(s_k)); the score at level k is (phi*_k(x) - x)/s_k
 * (src/lattice/prox.c). The start is x_0 ~ N(0, s_0 1).
 *   Probability-flow ODE dx/dsigma = (x - phi*)/sigma (Song et al., ICLR 2021; Karras et al., NeurIPS 2022),
 *   integrated by Euler steps in sigma (DDIM):
 *       x_{k+1} = (1 - c) x_k + c phi*_k(x_k),   c = 1 - sigma_{k+1}/sigma_k   (the last step, c = 1, is the denoiser).
 *   Its Jacobian (1 - c) 1 + c A^-1 (A = s (K + diag U_s''(phi*)) + 1) is symmetric positive definite, so each step
 *   is a bijection onto its image (the gradient of a strictly convex function) with
 *       ln det = ln det(t (K + diag U_s'') + 1)|_{t = (1 - c) s} - ln det A,
 *   and the sample's density is exact: ln q(x_K) = ln N(x_0; 0, s_0) - sum_k ln det_k. Importance weights and
 *   independence Metropolis with w = e^{-S}/q are then exact for the discrete sampler at any step count.
 *   Reverse SDE by Euler-Maruyama: x_{k+1} = (1 - c) x_k + c phi*_k + sqrt(D_k) z_k, c = D_k/s_k, D_k = s_k - s_{k+1}.
 *   Its exact weight is the ratio of the path densities, target = e^{-S(x_K)} times the forward noising kernels
 *   N(x_k; x_{k+1}, D_k) and proposal = N(x_0; 0, s_0) times the sampler's kernels N(x_{k+1}; mean_k, D_k):
 *       ln w = -S(x_K) - ln N(x_0; 0, s_0) + sum_k [ |z_k|^2/2 - |x_k - x_{k+1}|^2/(2 D_k) ]
 *   (the normalizations of the two kernels of a step cancel). Marginally in x_K it is a proper weight for e^{-S}:
 *   annealed importance sampling (Neal, Stat. Comput. 11 (2001) 125) with Gaussian kernels. */
#include <frg/lattice.h>
#include <math.h>

size_t FrgLatticeSamplerWorkSize(const FrgLattice *lat)
{
  return 10 * (size_t)lat->volume;
}

static double FrgSquaredNorm(long n, const double *v)
{
  double sum = 0;
  for (long k = 0; k < n; k++) sum += v[k] * v[k];
  return sum;
}

/* One Euler step in sigma from level k; adds -ln det of its Jacobian to *log_q. */
static int FrgSamplerStepODE(const FrgLatticeSampler *sp, FrgLatticeBand *band, int k, double *x, double *phi, double *log_q, double *work, FrgLatticeProxStats *stats)
{
  const FrgLatticePotentialTable *t = sp->table;
  const long                      V = sp->lattice->volume;
  const double                    s = t->s[k], s_next = k + 1 < t->levels ? t->s[k + 1] : 0.0, c = 1 - sqrt(s_next / s);
  double                          logdet_A, logdet_B = 0, *D = work + 5 * V, slope;

  if (FrgLatticeProx(sp->lattice, t, k, band, x, phi, &logdet_A, work, stats)) return 1;
  if (c < 1) {
    for (long i = 0; i < V; i++) FrgLatticePotentialEval(t, k, phi[i], &slope, &D[i]);
    stats->factorizations++;
    if (FrgLatticeBandFactor(band, sp->lattice, (1 - c) * s, D, &logdet_B)) return 1;
  }
  *log_q -= logdet_B - logdet_A;
  for (long i = 0; i < V; i++) x[i] = (1 - c) * x[i] + c * phi[i];
  return 0;
}

/* One Euler-Maruyama step of the reverse SDE from level k; adds its path terms to *log_w. */
static int FrgSamplerStepSDE(const FrgLatticeSampler *sp, FrgLatticeBand *band, uint64_t index, int k, double *x, double *phi, double *log_w, double *work,
                             FrgLatticeProxStats *stats)
{
  const FrgLatticePotentialTable *t = sp->table;
  const long                      V = sp->lattice->volume;
  const double                    s = t->s[k], s_next = k + 1 < t->levels ? t->s[k + 1] : 0.0, D = s - s_next, c = D / s;
  double                          logdet_A, *z = work + 5 * V, jump = 0;

  if (FrgLatticeProx(sp->lattice, t, k, band, x, phi, &logdet_A, work, stats)) return 1;
  FrgLatticeNormals(sp->seed, index, (uint32_t)(k + 1), V, z);
  for (long i = 0; i < V; i++) {
    const double next = (1 - c) * x[i] + c * phi[i] + sqrt(D) * z[i];
    jump += (x[i] - next) * (x[i] - next);
    x[i] = next;
  }
  *log_w += 0.5 * FrgSquaredNorm(V, z) - jump / (2 * D);
  return 0;
}

int FrgLatticeSamplerRun(const FrgLatticeSampler *sp, FrgLatticeBand *band, uint64_t index, double *x, double *log_ratio, double *work, FrgLatticeProxStats *stats)
{
  const FrgLatticePotentialTable *t = sp->table;
  const long                      V = sp->lattice->volume;
  double                         *phi = work + 6 * V;

  *log_ratio = 0;
  for (long i = 0; i < V; i++) phi[i] = 0;
  for (int k = 0; k < t->levels; k++) {
    const int failed = sp->type == FRG_LATTICE_SAMPLER_ODE ? FrgSamplerStepODE(sp, band, k, x, phi, log_ratio, work, stats)
                                                           : FrgSamplerStepSDE(sp, band, index, k, x, phi, log_ratio, work, stats);
    if (failed) return 1;
  }
  return 0;
}

int FrgLatticeSamplerDraw(const FrgLatticeSampler *sp, FrgLatticeBand *band, uint64_t index, double *x, double *log_weight, double *work, FrgLatticeProxStats *stats)
{
  const long   V = sp->lattice->volume;
  const double s0 = sp->table->s[0], two_pi = 6.283185307179586;
  double       log_prior, log_ratio;

  FrgLatticeNormals(sp->seed, index, 0u, V, x);
  for (long i = 0; i < V; i++) x[i] *= sqrt(s0);
  log_prior = -FrgSquaredNorm(V, x) / (2 * s0) - 0.5 * V * log(two_pi * s0);
  if (FrgLatticeSamplerRun(sp, band, index, x, &log_ratio, work, stats)) {
    *log_weight = -INFINITY;
    return 1;
  }
  /* ODE: ln q = ln prior - sum ln det = ln prior + log_ratio; SDE: log_ratio is the path sum */
  *log_weight = -FrgLatticeAction(sp->lattice, x) - log_prior + (sp->type == FRG_LATTICE_SAMPLER_ODE ? -log_ratio : log_ratio);
  for (int j = 0; j < sp->corrector_trajectories; j++) {
    int    accepted;
    double dh;
    (void)FrgHMCTrajectory(sp->lattice, &sp->corrector_scheme, sp->corrector_md_steps, sp->corrector_length / sp->corrector_md_steps, sp->seed, index,
                           (uint32_t)(sp->table->levels + 1 + j), x, work, &accepted, &dh);
    stats->corrector_accepted += accepted;
  }
  return 0;
}
