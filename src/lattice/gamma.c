/* Errors of Monte Carlo estimates with autocorrelations: the Gamma method (include/frg/lattice.h), plain C.
 *
 * U. Wolff, "Monte Carlo errors with less errors", Comput. Phys. Commun. 156 (2004) 143: a derived quantity
 * F(abar) of the means of primary observables is linearized, F ~ F(abar) + sum_a f_a (a - abar_a), and the
 * projected series delta_i = sum_a f_a (a_i - abar_a) is analyzed as one observable:
 *     Gamma(t) = sum_r sum_{i < N_r - t} delta_{r,i} delta_{r,i+t} / (N - R t)     (R replicas, N measurements)
 *     C(W) = Gamma(0) + 2 sum_{t=1}^W Gamma(t),   tau_int(W) = C(W) / (2 Gamma(0)),   sigma_F^2 = C(W)/N.
 * The window W is the first W with g(W) = exp(-W/tau) - tau/sqrt(W N) < 0, tau = S/ln((2 tau_int(W) + 1)/(2 tau_int(W) - 1)):
 * it balances the systematic error of truncating at W against the statistical error of summing noise
 * (Madras & Sokal, J. Stat. Phys. 50 (1988) 109; Wolff's automatic windowing with S = 1.5). After W is chosen,
 * the bias of Gamma from subtracting the estimated mean is corrected, Gamma(t) += C(W)/N (Wolff sec. 3.3), and the
 * error of tau_int is Madras & Sokal's, sigma(tau_int)^2 = 4 (W + 1/2 - tau_int) tau_int^2 / N.
 */
#include <frg/lattice.h>
#include <math.h>

static double FrgGammaLag(int replicas, long length, const double *delta, long t)
{
  double sum = 0;

  for (int r = 0; r < replicas; r++) {
    const double *d = delta + (size_t)r * length;
    for (long i = 0; i + t < length; i++) sum += d[i] * d[i + t];
  }
  return sum / (double)((long)replicas * (length - t));
}

/* The projected fluctuations delta (one per measurement) and F(abar); gradient holds `observables` doubles. */
static double FrgGammaProject(int observables, int replicas, long length, const double *data, FrgGammaFunction f, void *ctx, double *mean, double *gradient,
                              double *delta)
{
  const long n = (long)replicas * length;
  double     value;

  for (int a = 0; a < observables; a++) mean[a] = 0;
  for (long k = 0; k < n; k++)
    for (int a = 0; a < observables; a++) mean[a] += data[k * observables + a];
  for (int a = 0; a < observables; a++) mean[a] /= (double)n;
  value = f(mean, ctx, gradient);
  for (long k = 0; k < n; k++) {
    double d = 0;
    for (int a = 0; a < observables; a++) d += gradient[a] * (data[k * observables + a] - mean[a]);
    delta[k] = d;
  }
  return value;
}

int FrgGammaAnalysis(int observables, int replicas, long length, const double *data, FrgGammaFunction f, void *ctx, double S, double *work, FrgGammaResult *result)
{
  double     mean[16], gradient[16], gamma0, sum = 0, C, tau;
  const long N = (long)replicas * length;
  long       W = 0;

  result->window_found = 0;
  if (N < 2 || observables > 16) return 1;
  result->value = FrgGammaProject(observables, replicas, length, data, f, ctx, mean, gradient, work);
  gamma0        = FrgGammaLag(replicas, length, work, 0);
  if (!(gamma0 > 0)) { /* a constant series: no fluctuation, no error */
    result->error = 0, result->tau_int = 0.5, result->tau_int_error = 0, result->window = 0, result->window_found = 1;
    return 0;
  }
  for (long t = 1; t <= length / 2; t++) {
    double tau_w, g;
    sum += FrgGammaLag(replicas, length, work, t);
    W   = t;
    tau = 0.5 + sum / gamma0;
    /* tau_int(W) <= 1/2: the autocorrelations have died out into noise, stop here */
    tau_w = tau <= 0.5 ? 1e-300 : S / log((2 * tau + 1) / (2 * tau - 1));
    g     = exp(-(double)W / tau_w) - tau_w / sqrt((double)W * N);
    if (g < 0) {
      result->window_found = 1;
      break;
    }
  }
  C      = gamma0 + 2 * sum;
  C      = C + (2 * W + 1) * C / N; /* each Gamma(t), |t| <= W, gains C/N */
  gamma0 = gamma0 + C / N;
  tau    = C / (2 * gamma0);
  result->window        = (int)W;
  result->error         = sqrt(fmax(C, 0) / N);
  result->tau_int       = tau;
  result->tau_int_error = 2 * tau * sqrt(fmax(W + 0.5 - tau, 0) / N);
  return 0;
}

void FrgLatticePrimaries(double magnetization, double out[FRG_LATTICE_PRIMARIES])
{
  const double m2 = magnetization * magnetization;

  out[0] = fabs(magnetization);
  out[1] = m2;
  out[2] = m2 * m2;
}

double FrgLatticeAbsMagnetization(const double *mean, void *ctx, double *gradient)
{
  gradient[0] = 1, gradient[1] = 0, gradient[2] = 0;
  return mean[0];
}

/* chi = V (<M^2> - <|M|>^2) */
double FrgLatticeSusceptibility(const double *mean, void *ctx, double *gradient)
{
  const double V = *(const double *)ctx;

  gradient[0] = -2 * V * mean[0], gradient[1] = V, gradient[2] = 0;
  return V * (mean[1] - mean[0] * mean[0]);
}

/* U = 1 - <M^4>/(3 <M^2>^2) */
double FrgLatticeBinder(const double *mean, void *ctx, double *gradient)
{
  const double m2 = mean[1], m4 = mean[2];

  gradient[0] = 0, gradient[1] = 2 * m4 / (3 * m2 * m2 * m2), gradient[2] = -1 / (3 * m2 * m2);
  return 1 - m4 / (3 * m2 * m2);
}
