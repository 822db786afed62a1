/* The diffusion view of the zero-dimensional flow (doc/physics.md 2.3): plain-C kernels, no PETSc.
 *
 * Score. With the constant regulator R = 1/s the solver's unknown u = Gamma_R' is the score of the
 * Gaussian-smoothed target p_s = p_0 * N(0, s) read on the warped grid x(phi) = phi + s u(phi):
 *     d ln p_s / dx (x(phi)) = -u(phi)                     (Morris 1994; Tweedie's formula)
 * FrgScoreTable stores, on levels uniform in tau = ln s, the score S on a uniform x-grid together with
 * dS/dx = -w/(1 + s w) (w = u'(phi)) and dS/dtau at fixed x. A lookup is index arithmetic plus cubic
 * Hermite interpolation in x (value and slope) at the two levels around tau and cubic Hermite
 * interpolation in tau (value and tau-slope): O(1) per particle, no search, no allocation.
 *
 * Random numbers. Philox-4x32-10 (Salmon, Moraes, Dror, Shaw, "Parallel random numbers: as easy as
 * 1, 2, 3", SC'11): a keyed bijection of a 128-bit counter. Keyed by the seed, with the counter
 * (particle index, step, stream), every particle's numbers are independent of how particles are
 * spread over ranks. Normals by Box-Muller.
 *
 * Samplers (Song et al., ICLR 2021, score SDE; Karras et al., NeurIPS 2022, EDM), noise variance s
 * decreasing from s_max to s_min, sigma = sqrt(s):
 *     reverse SDE (Euler-Maruyama): x <- x + (s_i - s_{i+1}) S(x, s_i) + sqrt(s_i - s_{i+1}) z
 *     probability-flow ODE:         dx/dsigma = -sigma S(x, sigma^2)  (Heun, or adaptive RK 3(2))
 * Schedules: geometric s_i = s_max (s_min/s_max)^{i/K}; EDM sigma_i = (a + i/K (b - a))^rho,
 * a = sigma_max^{1/rho}, b = sigma_min^{1/rho}, rho = 7.
 */
#ifndef FRG_DIFFUSION_H
#define FRG_DIFFUSION_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>

/* ---- Philox-4x32-10 ----------------------------------------------------------------------- */
static inline void FrgPhilox4x32(const uint32_t counter[4], const uint32_t key[2], uint32_t out[4])
{
  uint32_t c0 = counter[0], c1 = counter[1], c2 = counter[2], c3 = counter[3], k0 = key[0], k1 = key[1];

  for (int round = 0; round < 10; round++) {
    const uint64_t p0 = (uint64_t)0xD2511F53u * c0, p1 = (uint64_t)0xCD9E8D57u * c2;
    const uint32_t n0 = (uint32_t)(p1 >> 32) ^ c1 ^ k0, n2 = (uint32_t)(p0 >> 32) ^ c3 ^ k1;
    c1 = (uint32_t)p1;
    c3 = (uint32_t)p0;
    c0 = n0;
    c2 = n2;
    k0 += 0x9E3779B9u;
    k1 += 0xBB67AE85u;
  }
  out[0] = c0;
  out[1] = c1;
  out[2] = c2;
  out[3] = c3;
}

/* Two uniforms in (0, 1) with 53 random bits each. */
static inline void FrgRandomUniform2(uint64_t seed, uint64_t particle, uint32_t step, uint32_t stream, double v[2])
{
  const uint32_t key[2] = {(uint32_t)seed, (uint32_t)(seed >> 32)};
  const uint32_t ctr[4] = {(uint32_t)particle, (uint32_t)(particle >> 32), step, stream};
  uint32_t r[4];

  FrgPhilox4x32(ctr, key, r);
  for (int i = 0; i < 2; i++) {
    const uint64_t bits = (((uint64_t)r[2 * i] << 32) | r[2 * i + 1]) >> 11;
    v[i]                = ((double)bits + 0.5) * (1.0 / 9007199254740992.0);
  }
}

/* Two independent standard normals (Box-Muller). */
static inline void FrgRandomNormal2(uint64_t seed, uint64_t particle, uint32_t step, uint32_t stream, double z[2])
{
  double v[2], radius;

  FrgRandomUniform2(seed, particle, step, stream, v);
  radius = sqrt(-2.0 * log(v[0]));
  z[0]   = radius * cos(6.283185307179586 * v[1]);
  z[1]   = radius * sin(6.283185307179586 * v[1]);
}

/* ---- score table -------------------------------------------------------------------------- */
typedef struct {
  int levels, points; /* noise levels (uniform in tau = ln s) and x-nodes per level */
  double tau0, dtau, inv_dtau;
  double *x0, *dx, *inv_dx; /* per level: first x-node and spacing */
  double *node;             /* per level and node: {S, dS/dx, dS/dtau}, [3 (level points + j) + c] */
} FrgScoreTable;

/* Where one noise level sits between two stored levels: shared by every particle of a step. */
typedef struct {
  int level;               /* lower stored level */
  double w0, w1, wt0, wt1; /* Hermite weights in tau of S_l, S_{l+1}, dS/dtau_l, dS/dtau_{l+1} */
} FrgScoreLevel;

static inline FrgScoreLevel FrgScoreTableLevel(const FrgScoreTable *t, double s)
{
  FrgScoreLevel L;
  const double p = (log(s) - t->tau0) * t->inv_dtau;
  int l          = (int)floor(p);
  double q, q2, q3;

  if (l < 0) l = 0;
  if (l > t->levels - 2) l = t->levels - 2;
  q       = p - l;
  q2      = q * q;
  q3      = q2 * q;
  L.level = l;
  L.w0    = 2 * q3 - 3 * q2 + 1;
  L.w1    = -2 * q3 + 3 * q2;
  L.wt0   = (q3 - 2 * q2 + q) * t->dtau;
  L.wt1   = (q3 - q2) * t->dtau;
  return L;
}

/* S and dS/dtau at x on stored level l: cubic Hermite in x for S, linear for dS/dtau; outside the
 * table, linear extrapolation from the edge node (the score of a Gaussian tail is linear). */
static inline void FrgScoreTableAtLevel(const FrgScoreTable *t, int l, double x, double *S, double *St)
{
  const double p  = (x - t->x0[l]) * t->inv_dx[l];
  const double *n = t->node + 3 * (size_t)l * (size_t)t->points;
  int j           = (int)floor(p);

  if (j < 0 || j > t->points - 2) {
    const int e      = j < 0 ? 0 : t->points - 1;
    const double off = (x - (t->x0[l] + e * t->dx[l]));
    *S               = n[3 * e] + n[3 * e + 1] * off;
    *St              = n[3 * e + 2];
    return;
  }
  {
    const double q = p - j, q2 = q * q, q3 = q2 * q, h = t->dx[l];
    const double *a = n + 3 * j, *b = a + 3;
    *S  = (2 * q3 - 3 * q2 + 1) * a[0] + (q3 - 2 * q2 + q) * h * a[1] + (-2 * q3 + 3 * q2) * b[0] + (q3 - q2) * h * b[1];
    *St = a[2] + q * (b[2] - a[2]);
  }
}

/* The score d ln p_s/dx at x for the noise level prepared in L. */
static inline double FrgScoreTableEvaluate(const FrgScoreTable *t, const FrgScoreLevel *L, double x)
{
  double S0, St0, S1, St1;

  FrgScoreTableAtLevel(t, L->level, x, &S0, &St0);
  FrgScoreTableAtLevel(t, L->level + 1, x, &S1, &St1);
  return L->w0 * S0 + L->w1 * S1 + L->wt0 * St0 + L->wt1 * St1;
}

static inline double FrgScoreTableLookup(const FrgScoreTable *t, double x, double s)
{
  const FrgScoreLevel L = FrgScoreTableLevel(t, s);
  return FrgScoreTableEvaluate(t, &L, x);
}

/* ---- schedules and sampler steps ---------------------------------------------------------- */
typedef enum { FRG_SCHEDULE_GEOMETRIC, FRG_SCHEDULE_EDM } FrgSchedule;
typedef enum { FRG_SAMPLER_EM, FRG_SAMPLER_HEUN, FRG_SAMPLER_PF_ODE } FrgSampler;

/* Noise variance s_i, i = 0..steps, from s_max down to s_min. */
static inline double FrgScheduleVariance(FrgSchedule schedule, double s_max, double s_min, int steps, int i)
{
  const double f = (double)i / steps;

  if (i == 0) return s_max;
  if (i == steps) return s_min;
  if (schedule == FRG_SCHEDULE_GEOMETRIC) return s_max * pow(s_min / s_max, f);
  {
    const double rho = 7.0, a = pow(s_max, 0.5 / rho), b = pow(s_min, 0.5 / rho), sigma = pow(a + f * (b - a), rho);
    return sigma * sigma;
  }
}

/* The score on stored level l alone (a level of the table at exactly this noise): cubic Hermite in x. */
static inline double FrgScoreTableValue(const FrgScoreTable *t, int l, double x)
{
  const double p  = (x - t->x0[l]) * t->inv_dx[l];
  const double *n = t->node + 3 * (size_t)l * (size_t)t->points;
  int j           = (int)floor(p);

  if (j < 0 || j > t->points - 2) {
    const int e = j < 0 ? 0 : t->points - 1;
    return n[3 * e] + n[3 * e + 1] * (x - (t->x0[l] + e * t->dx[l]));
  }
  {
    const double q = p - j, h = t->dx[l], *a = n + 3 * j, *b = a + 3, d = b[0] - a[0];
    /* a0 + q (h a1) + q^2 (3 d - 2 h a1 - h b1) + q^3 (h a1 + h b1 - 2 d): the Hermite cubic in Horner form */
    const double c1 = h * a[1], c2 = 3 * d - 2 * c1 - h * b[1], c3 = c1 + h * b[1] - 2 * d;
    return a[0] + q * (c1 + q * (c2 + q * c3));
  }
}

/* Reverse-SDE Euler-Maruyama step from s0 (table level l0) to s1 < s0 with the standard normal z. */
static inline double FrgStepEM(const FrgScoreTable *t, int l0, double s0, double s1, double x, double z)
{
  return x + (s0 - s1) * FrgScoreTableValue(t, l0, x) + sqrt(s0 - s1) * z;
}

/* Heun step of dx/dsigma = -sigma S(x, sigma^2) from sigma0 (level l0) to sigma1 (level l0 + 1)
 * (Karras et al. 2022, Algorithm 1). */
static inline double FrgStepHeun(const FrgScoreTable *t, int l0, double sigma0, double sigma1, double x)
{
  const double h = sigma1 - sigma0, d0 = -sigma0 * FrgScoreTableValue(t, l0, x), xe = x + h * d0;
  const double d1 = -sigma1 * FrgScoreTableValue(t, l0 + 1, xe);
  return x + 0.5 * h * (d0 + d1);
}

/* Probability-flow ODE from sigma0 down to sigma1 by the embedded Bogacki-Shampine 3(2) pair with
 * error control (rtol, atol on x) and the first-same-as-last property. Returns the number of accepted
 * steps (negative if max_steps was exceeded). */
static inline int FrgIntegratePFODE(const FrgScoreTable *t, double sigma0, double sigma1, double rtol, double atol, int max_steps, double *x)
{
  double sigma = sigma0, h = 0.05 * (sigma1 - sigma0), y = *x, k1 = -sigma * FrgScoreTableLookup(t, y, sigma * sigma);
  int accepted = 0;

  for (int n = 0; n < max_steps; n++) {
    double k2, k3, k4, ynew, err, tol, factor;
    int last = 0;
    if ((sigma + h - sigma1) * (sigma0 - sigma1) <= 0) { /* land on sigma1 exactly, never pass it */
      h    = sigma1 - sigma;
      last = 1;
    }
    k2   = -(sigma + 0.5 * h) * FrgScoreTableLookup(t, y + 0.5 * h * k1, (sigma + 0.5 * h) * (sigma + 0.5 * h));
    k3   = -(sigma + 0.75 * h) * FrgScoreTableLookup(t, y + 0.75 * h * k2, (sigma + 0.75 * h) * (sigma + 0.75 * h));
    ynew = y + h * (2.0 * k1 + 3.0 * k2 + 4.0 * k3) / 9.0;
    k4   = -(sigma + h) * FrgScoreTableLookup(t, ynew, (sigma + h) * (sigma + h));
    err  = fabs(h * (-5.0 * k1 / 72.0 + k2 / 12.0 + k3 / 9.0 - k4 / 8.0));
    tol  = atol + rtol * fmax(fabs(y), fabs(ynew));
    if (err <= tol) {
      sigma = last ? sigma1 : sigma + h;
      y     = ynew;
      k1    = k4;
      accepted++;
      if (last) {
        *x = y;
        return accepted;
      }
    }
    factor = err > 0 ? 0.9 * cbrt(tol / err) : 5.0;
    h *= fmin(5.0, fmax(0.2, factor));
  }
  *x = y;
  return -accepted;
}

/* ---- plain-C kernels in src/diffusion/score_table.c and src/diffusion/metrics.c ------------ */
/* Builds one level of the table from the cell averages ubar (n cells, centres phi_first + i h) and
 * their tau-derivatives utbar at noise variance s: work holds 6 n doubles; nodes span the image
 * x(phi) of cells 2..n-3 clipped to [clip_lo, clip_hi]. Returns 0, or 1 + i if x(phi) is not
 * increasing at cell i (the flow lost the convexity of Gamma_R + R phi^2/2). */
int FrgScoreLevelBuild(int n, double phi_first, double h, const double *ubar, const double *utbar, double s, double clip_lo, double clip_hi, int points,
                       double *work, double *x0, double *dx, double *node);

/* One level at noise s resampled from the two-level interpolant of t onto a new uniform x-grid. */
void FrgScoreTableResample(const FrgScoreTable *t, double s, int points, double *x0, double *dx, double *node);

/* Point values at the cell centres from cell averages (fourth order), and fourth-order slopes. */
void FrgPointValues(int n, const double *bar, double *point);
void FrgSlopes(int n, double h, const double *u, double *w);

/* The smoothed log-density route (src/diffusion/density_kernels.c): f = dv/dtau on n cells of width
 * h at tau = ln s, and its exact Jacobian as a band[5 n] (row i, columns i-2..i+2 at band[5 i + 0..4];
 * n >= 3). */
void FrgDensityRate(int n, double h, double tau, const double *v, double *f);
void FrgDensityJacobianBand(int n, double h, double tau, const double *v, double *band);

/* The exact target p_0 = e^{-S}/Z on a uniform quadrature grid (Simpson weights), built once. */
typedef struct {
  int n;                        /* odd number of nodes */
  double a, h;                  /* first node, spacing */
  double *phi, *p, *logp, *cdf; /* nodes, normalized density and its log, CDF at the nodes */
} FrgTarget;
/* Builds p and cdf from the potential values S at the nodes. */
void FrgTargetNormalize(FrgTarget *target, const double *S);
double FrgTargetMoment(const FrgTarget *target, double center, int power);
double FrgTargetCDF(const FrgTarget *target, double x);
double FrgTargetQuantile(const FrgTarget *target, double q);
/* FrgTargetQuantile of increasing q[0..m) (x may be q), by one sweep over the nodes. */
void FrgTargetQuantileSorted(const FrgTarget *target, const double *q, long m, double *x);
/* Tweedie score of p_s at x by quadrature: (E[phi | x] - x)/s; also the density p_s(x). */
double FrgTargetTweedieScore(const FrgTarget *target, double x, double s, double *density);
/* CDF of p_s = p_0 * N(0, s) at x. */
double FrgTargetSmoothedCDF(const FrgTarget *target, double x, double s);
/* Wasserstein-1 and Kolmogorov-Smirnov distances of sorted samples y[0..n) to the target. */
void FrgTargetDistances(const FrgTarget *target, const double *y, long n, double *w1, double *ks);
/* Sorts x[0..n) ascending in O(n) (radix sort); work holds 2n integers. */
void FrgSortReals(long n, double *x, uint64_t *work);

#endif
