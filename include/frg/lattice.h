/* Lattice phi^4 theory in two dimensions (doc/physics.md 2.6): plain-C kernels, no PETSc.
 *
 * Action on an L x L periodic lattice, V = L^2 sites (the form of Wang, Aarts & Zhou, arXiv 2309.17082):
 *     S = sum_x [ -2 kappa sum_mu phi_x phi_{x+mu} + (1 - 2 lambda) phi_x^2 + lambda phi_x^4 ]
 * The hopping part is (1/2) phi K phi with K_xy = -2 kappa for nearest neighbours, K(q) = -4 kappa sum_mu cos q_mu,
 * so the Hessian of S is K + diag(S''_site(phi_x)) with the site potential S_site(p) = (1 - 2 lambda) p^2 + lambda p^4.
 * At lambda = 0 the action is Gaussian and normalizable iff 2 - 4 d |kappa| > 0; then M = V^-1 sum_x phi_x is
 * normal with <M^2> = 1/(V (2 - 4 d kappa)).
 *
 * Hybrid Monte Carlo (Duane, Kennedy, Pendleton & Roweth, Phys. Lett. B 195 (1987) 216) with H = pi^2/2 + S.
 * A molecular-dynamics step is the symmetric product
 *     Kick(a_0 eps) Drift(b_0 eps) Kick(a_1 eps) ... Drift(b_{m-1} eps) Kick(a_m eps),
 *     Kick(h): pi <- pi - h dS/dphi,   Drift(h): phi <- phi + h pi,
 * leapfrog a = (1/2, 1/2), b = (1); Omelyan's second-order minimum-norm integrator a = (xi, 1 - 2 xi, xi),
 * b = (1/2, 1/2), xi = 0.1931833275037836 (Omelyan, Mryglod & Folk, Comput. Phys. Commun. 151 (2003) 272).
 * Both are reversible and symplectic; the energy error over a trajectory of fixed length is O(eps^2). The last
 * kick of a step and the first kick of the next are merged.
 */
#ifndef FRG_LATTICE_H
#define FRG_LATTICE_H

#include <stddef.h>
#include <stdint.h>

#define FRG_LATTICE_DIMENSION 2

typedef struct {
  int    L;      /* sites per direction */
  long   volume; /* L^2 */
  double kappa, lambda;
} FrgLattice;

void   FrgLatticeInit(FrgLattice *, int L, double kappa, double lambda);
double FrgLatticeAction(const FrgLattice *, const double *phi);
/* dS/dphi at every site. */
void   FrgLatticeForce(const FrgLattice *, const double *phi, double *force);
/* y = (K + diag(S_site''(phi))) x: the Hessian of S applied to x. */
void   FrgLatticeHessianApply(const FrgLattice *, const double *phi, const double *x, double *y);
/* y = K x: the hopping matrix alone. */
void   FrgLatticeHopping(const FrgLattice *, const double *x, double *y);
double FrgLatticeMagnetization(const FrgLattice *, const double *phi);
/* The exact Gaussian answer at lambda = 0 (M normal, <M^2> = 1/(V (2 - 4 d kappa))). */
void   FrgLatticeGaussianExact(const FrgLattice *, double *abs_magnetization, double *susceptibility, double *binder);

/* ---- molecular dynamics ------------------------------------------------------------------- */
typedef enum { FRG_MD_LEAPFROG, FRG_MD_OMELYAN } FrgMDType;

typedef struct {
  int    drifts;  /* m */
  double kick[3]; /* a_0 .. a_m */
  double drift[2];
} FrgMDScheme;

void FrgMDSchemeGet(FrgMDType, FrgMDScheme *);
/* Force evaluations of one trajectory of the given number of steps. */
long FrgMDForceEvaluations(const FrgMDScheme *, int steps);

/* Tangent vectors carried along a trajectory (for tests of symplecticity): columns pairs (dphi, dpi), each V
 * doubles, stored [column][site]; the kick acts on them with the Hessian at the kick's phi. */
typedef struct {
  int     columns;
  double *dphi, *dpi;
} FrgMDTangent;

/* steps steps of size eps from (phi, pi); work holds V doubles. tangent may be NULL. */
void FrgMDIntegrate(const FrgLattice *, const FrgMDScheme *, int steps, double eps, double *phi, double *pi, double *work, FrgMDTangent *tangent);

/* Random numbers of the lattice samplers: Philox (include/frg/diffusion.h) keyed by the seed with the counter
 * (chain or sample index, step, stream). Streams 0 .. ceil(V/2) - 1 hold site pairs (2p, 2p + 1); these
 * streams hold the rest. */
#define FRG_LATTICE_STREAM_ACCEPT 0xFFFFFFFFu
/* V standard normals for (seed, index, step): site x from stream x/2. */
void FrgLatticeNormals(uint64_t seed, uint64_t index, uint32_t step, long volume, double *z);
double FrgLatticeUniform(uint64_t seed, uint64_t index, uint32_t step, uint32_t stream);

/* One HMC trajectory of chain `chain` at step `step` with fresh momenta: integrates, accepts or rejects with
 * the Metropolis test, and returns the acceptance probability min(1, e^-dH); *accepted and *delta_h report the
 * outcome. work holds 3 V doubles. */
double FrgHMCTrajectory(const FrgLattice *, const FrgMDScheme *, int steps, double eps, uint64_t seed, uint64_t chain, uint32_t step, double *phi, double *work,
                        int *accepted, double *delta_h);

/* ---- statistics: the Gamma method ------------------------------------------------------------ */
/* A derived quantity F(abar) of the means of the primary observables, with its gradient. */
typedef double (*FrgGammaFunction)(const double *mean, void *ctx, double *gradient);

typedef struct {
  double value, error;          /* F(abar) and its statistical error */
  double tau_int, tau_int_error; /* integrated autocorrelation time of the projected series */
  int    window;                /* the summation window W chosen by the automatic criterion */
  int    window_found;          /* 0 if the criterion never triggered below half the chain length */
} FrgGammaResult;

/* Wolff's Gamma method (Comput. Phys. Commun. 156 (2004) 143) with Madras & Sokal's automatic windowing
 * (J. Stat. Phys. 50 (1988) 109). data[(r length + i) observables + a] holds measurement i of primary
 * observable a in replica (chain) r; S is Wolff's factor (1.5). work holds replicas * length doubles.
 * Returns 0, or 1 if fewer than 2 measurements. */
int FrgGammaAnalysis(int observables, int replicas, long length, const double *data, FrgGammaFunction f, void *ctx, double S, double *work,
                     FrgGammaResult *result);

/* The primary observables of the lattice samplers per configuration: |M|, M^2, M^4. */
#define FRG_LATTICE_PRIMARIES 3
void   FrgLatticePrimaries(double magnetization, double out[FRG_LATTICE_PRIMARIES]);
/* Derived quantities of the means of (|M|, M^2, M^4); ctx points to the volume (double). */
double FrgLatticeAbsMagnetization(const double *mean, void *ctx, double *gradient);
double FrgLatticeSusceptibility(const double *mean, void *ctx, double *gradient);
double FrgLatticeBinder(const double *mean, void *ctx, double *gradient);

/* ---- the lattice threshold function of the LPA flow (src/lattice/threshold.c) ------------------- */
/* I(m^2) = int_BZ d^dq/(2 pi)^d 1/(K(q) + m^2), K(q) = -4 kappa sum_mu cos q_mu, tabulated once per d. */
typedef struct {
  int     d;
  double *coefficients; /* [panel][y1, y2, y3][degree + 1] Chebyshev coefficients */
} FrgLatticeThreshold;

int  FrgLatticeThresholdInit(FrgLatticeThreshold *, int d); /* 0 on success */
void FrgLatticeThresholdFree(FrgLatticeThreshold *);
/* I(m^2) and dI/dm^2; returns 0, or 1 at or beyond the pole m^2 <= 4 d |kappa| (and for m^2 <= 0 at kappa = 0). */
int  FrgLatticeThresholdEval(const FrgLatticeThreshold *, double kappa, double m2, double *value, double *slope);
/* I, dI/dm^2, d^2I/(dm^2)^2 at m^2 = 4 d |kappa| + distance, given the distance from the pole (no cancellation);
 * returns 1 unless distance > 0. */
int  FrgLatticeThresholdEvalDistance(const FrgLatticeThreshold *, double kappa, double distance, double threshold[3]);
/* The universal J(r) = a I(a r), a = 4 d |kappa|, J'(r), J''(r) by direct quadrature at r - 1 = rm1 (tests, tables). */
int  FrgLatticeThresholdQuadrature(int d, double rm1, double J[3]);

/* ---- sparse SPD solves: A = t (K + diag(D)) + 1 (src/lattice/band.c) -------------------------------- */
typedef struct {
  long    volume;
  int     bandwidth; /* 2L in the folded order */
  int    *order;     /* site -> position in the folded order */
  double *factor;    /* [position][k]: the Cholesky factor's band, L(p, p - k) */
} FrgLatticeBand;

int  FrgLatticeBandInit(FrgLatticeBand *, const FrgLattice *);
void FrgLatticeBandFree(FrgLatticeBand *);
/* Factors t (K + diag(D)) + 1; *logdet (may be NULL) = log det. Returns 1 if the matrix is not positive definite. */
int  FrgLatticeBandFactor(FrgLatticeBand *, const FrgLattice *, double t, const double *D, double *logdet);
/* solution = A^-1 rhs with the last factorization (solution may be rhs); work holds V doubles. */
void FrgLatticeBandSolve(const FrgLatticeBand *, const double *rhs, double *solution, double *work);

/* ---- the score from U_s' and U_s'' on an (s, phi) table (src/lattice/prox.c) ---------------------------- */
/* One level per noise variance s of the sampler: U_s'(phi_j) and U_s''(phi_j) on phi_j = phi0 + j h. Between nodes
 * U_s' is the cubic Hermite interpolant of these values and slopes, and U_s'' is taken as its derivative, so that
 * the Newton matrix and the sampler's Jacobians are the exact derivatives of the map actually computed; beyond the
 * ends U_s' continues linearly. */
typedef struct {
  int     levels, points;
  double  phi0, h;
  double *s;                /* [levels] */
  double *slope, *curvature; /* [levels][points] */
} FrgLatticePotentialTable;

void FrgLatticePotentialEval(const FrgLatticePotentialTable *, int level, double phi, double *slope, double *curvature);
/* The bare potential U_s = S_site for every level (exact at lambda = 0, where Gamma_s = S). */
void FrgLatticePotentialFillBare(FrgLatticePotentialTable *, const FrgLattice *);
/* min over the nodes and midpoints of U_s'' + 1/s - 4 d |kappa| at one level: the proximal problem is strictly convex
 * for every configuration if this is positive (K + diag(U'' + 1/s) >= (U''_min + 1/s - 4 d |kappa|) 1). */
double FrgLatticePotentialMargin(const FrgLatticePotentialTable *, const FrgLattice *, int level);

typedef struct {
  long newton_iterations, factorizations, line_search_cuts, failures;
  long corrector_accepted; /* HMC corrector trajectories accepted (FrgLatticeSamplerDraw) */
} FrgLatticeProxStats;

/* phi* = argmin_phi Gamma_s(phi) + |x - phi|^2/(2 s), Gamma_s = phi K phi/2 + sum_x U_s(phi_x), at table level l:
 * Newton on s (K phi + U_s'(phi)) + phi - x = 0 with the band Cholesky of A = s (K + diag U_s'') + 1, from the start
 * in phi; on return band holds the factorization of A at phi* and *logdet_A its log det. work holds 3 V doubles.
 * Returns 0, or 1 if A lost positive definiteness or Newton did not converge in 50 iterations. */
int FrgLatticeProx(const FrgLattice *, const FrgLatticePotentialTable *, int level, FrgLatticeBand *, const double *x, double *phi, double *logdet_A, double *work,
                   FrgLatticeProxStats *);

/* ---- the FRG-driven samplers (src/lattice/frg_sampler.c) --------------------------------------------------- */
typedef enum { FRG_LATTICE_SAMPLER_ODE, FRG_LATTICE_SAMPLER_SDE } FrgLatticeSamplerType;

typedef struct {
  const FrgLattice               *lattice;
  const FrgLatticePotentialTable *table; /* level k at the sampler's s_k, s_0 > s_1 > ... > s_{K-1} > 0 = s_K */
  FrgLatticeSamplerType           type;
  uint64_t                        seed;
  int                             corrector_trajectories, corrector_md_steps; /* HMC with the true action */
  double                          corrector_length;
  FrgMDScheme                     corrector_scheme;
} FrgLatticeSampler;

/* Draws sample `index`: starts from N(0, s_0) at x (V doubles out) and runs the K steps of the reverse process to
 * s = 0, then the corrector trajectories. *log_weight = ln(e^{-S(x_end)}/q) with q the exact density of the
 * probability-flow sample (its Euler steps in sigma have symmetric Jacobians (1 - c) 1 + c A^-1, whose log
 * determinants come from two band factorizations), or for the reverse SDE the exact ratio of the forward
 * noising path to the sampler's path (no determinants). Correctors leave the weight as it was (they keep e^{-S}
 * invariant: a properly weighted sample stays properly weighted). Returns 0, or 1 if a proximal solve failed
 * (then *log_weight = -inf). band is scratch (FrgLatticeBandInit), work holds FrgLatticeSamplerWorkSize doubles.
 * Random numbers: Philox keyed by the seed at counter (index, step): step 0 the start, 1..K the SDE noise,
 * K + 1 + j the j-th corrector trajectory. */
int    FrgLatticeSamplerDraw(const FrgLatticeSampler *, FrgLatticeBand *band, uint64_t index, double *x, double *log_weight, double *work, FrgLatticeProxStats *);
size_t FrgLatticeSamplerWorkSize(const FrgLattice *);
/* The reverse process alone from x (in: x_0, out: x_K): *log_ratio is -sum ln det of the ODE steps, or the SDE's path
 * sum. For tests of the density. */
int    FrgLatticeSamplerRun(const FrgLatticeSampler *, FrgLatticeBand *band, uint64_t index, double *x, double *log_ratio, double *work, FrgLatticeProxStats *);

#endif
