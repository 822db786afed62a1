#!/usr/bin/python3
"""Physics checks of d = 3 O(N) LPA flows (Litim regulator, A_3 = 1/(6 pi^2)); see the deck headers in
inputs/tests/d3_*.yaml and tests/cases/core_d3.sh for the reasoning. Usage: d3_checks.py CHECK RUN.h5
CHECK is one of symmetric, broken, shock, condensate. Exit 1 when a check fails."""
import sys

import h5py
import numpy as np
from scipy.integrate import quad

A3 = 1 / (6 * np.pi**2)
problems = []


def check(cond, what):
    print(("ok   " if cond else "BAD  ") + what)
    if not cond:
        problems.append(what)


def load(path):
    with h5py.File(path, "r") as f:
        s = {k: float(v) for k, v in f["summary"].attrs.items() if not isinstance(v, (bytes, str))}
        p = {k: (v.decode() if isinstance(v, bytes) else v) for k, v in f["parameters"].attrs.items()}
        return f["grid/phi"][:], f["flow/t"][:], f["flow/u"][:], s, p


def symmetric(path):
    phi, t, u, s, p = load(path)
    N, Lam, k = p["N"], p["Lambda"], s["k"]
    m2, lam = 1.0, 1.0  # U_Lambda = m2 phi^2/2 + lam phi^4/24 (inputs/tests/d3_symmetric.yaml)
    check(s["phi0"] == 0.0, f"symmetric phase: phi0 = {s['phi0']}")
    check(np.all(u[-1, 1:] > 0), "u = U' > 0 for all phi > 0: the only minimum is phi = 0")
    check(s["m2_radial"] == s["m2_goldstone"] == s["gamma2"], "m2_radial = m2_goldstone = Gamma2 at phi0 = 0")
    # d_t m^2 = A_3 k^5 lam (N+2)/3 / (k^2 + m^2)^2 at phi = 0 (second phi-derivative of the LPA flow at
    # fixed couplings); integrated over t = ln(Lambda/k) with dt = -dk/k:
    one_loop = A3 * lam * (N + 2) / 3 * quad(lambda q: q**4 / (q * q + m2)**2, k, Lam)[0]
    shift = s["gamma2"] - m2
    err = abs(shift / one_loop - 1)
    check(err < 0.03, f"mass shift Gamma2 - m^2 = {shift:.6g}, one loop {one_loop:.6g}: relative difference {err:.2e} (< 3e-2: higher orders ~ lam A_3)")


def broken(path):
    phi, t, u, s, p = load(path)
    N, Lam, k, phi0 = p["N"], p["Lambda"], s["k"], s["phi0"]
    rho_uv = 0.3  # U_Lambda = -phi^2/20 + phi^4/24: minimum at phi^2 = 6/10
    check(phi0 > 0.5, f"broken phase: phi0 = {phi0:.6g} > 0.5")
    check(s["m2_radial"] > 0 and s["m2_goldstone"] == 0.0, f"m2_radial = {s['m2_radial']:.4g} > 0, m2_goldstone = 0")
    # rho0 moves by d rho0/dt = -A_3 k [ (N-1) + k^4 (3 + 2 rho0 W''/W') / (k^2 + 2 rho0 W')^2 ], W = dU/drho:
    # the Goldstone part is exact, the radial part lies in [0, 3] for W'' ~ 0 (small at this coupling).
    shift = rho_uv - phi0**2 / 2
    low, high = (N - 1) * A3 * (Lam - k), (N + 2) * A3 * (Lam - k)
    check(low <= shift <= high, f"rho0 shift {shift:.5f} within [(N-1), (N+2)] A_3 (Lambda - k) = [{low:.5f}, {high:.5f}]")
    # inside the minimum the potential flattens: U'/phi -> -k^2 (approach to convexity)
    inside = (phi > 0) & (phi < 0.9 * phi0)
    ratio = u[-1, inside] / phi[inside] / (-k * k)
    check(np.all(np.abs(ratio - 1) < 1e-2), f"inside the minimum U'/phi = -k^2 (1 + {np.abs(ratio - 1).max():.1e}), k^2 = {k * k:.3e}")
    check(np.all(u[-1, phi > phi0 + 2 * (phi[1] - phi[0])] > 0), "u > 0 outside the minimum")


def count_extrema(w, noise):
    """Local extrema of a sampled curve, ignoring wiggles smaller than noise."""
    d = np.diff(w)
    d = d[np.abs(d) > noise]
    return int(np.sum(d[1:] * d[:-1] < 0))


def shock(path):
    phi, t, u, s, p = load(path)
    N, Lam = p["N"], p["Lambda"]
    rho = phi[1:] ** 2 / 2
    W = u[:, 1:] / phi[1:]
    # Characteristics move toward rho = 0 by at most (N-1) A_3 Lambda (W >= 0), so values from beyond
    # the right boundary never reach rho < rho_max - (N-1) A_3 Lambda: the domain of dependence.
    window = rho < rho[-1] - (N - 1) * A3 * Lam
    w0 = W[0]
    noise = 1e-9 * (w0.max() - w0.min())
    check(count_extrema(w0, noise) == 1, "the UV W = U'/phi has exactly one local extremum (minimum)")
    tv0 = np.abs(np.diff(w0)).sum()
    for i in range(1, len(t)):
        wi = W[i, window]
        ne = count_extrema(wi, noise)
        tv = np.abs(np.diff(wi)).sum()
        good = ne <= 1 and wi.min() >= w0.min() - noise and tv <= tv0 + noise
        if not good or i == len(t) - 1:
            check(good, f"t = {t[i]:.2f}: {ne} extrema (<= 1), min W {wi.min():.6f} (>= {w0.min():.6f}), TV {tv:.5f} (<= {tv0:.5f})")
    # the compression: the steepest descent of W in rho must have grown (without the radial term and
    # on an infinitely fine grid it would become a jump; here it is smoothed over a few cells)
    slope0 = -(np.diff(w0) / np.diff(rho)).min()
    steep = -(np.diff(W[-1]) / np.diff(rho)).min()
    check(steep > 1.5 * slope0, f"W steepened: max -dW/drho {steep:.3f} vs {slope0:.3f} in the UV (> 1.5 x)")


def condensate(path):
    phi, t, u, s, p = load(path)
    N, Lam, k, phi0 = p["N"], p["Lambda"], s["k"], s["phi0"]
    kappa = 6.0  # U_Lambda = 1/4 (rho - 6)^2 (inputs/tests/d3_large_n_condensate.yaml)
    rho0 = phi0**2 / 2
    large_n = kappa - (N - 1) * A3 * (Lam - k)
    low = large_n - 3 * A3 * (Lam - k)
    check(low <= rho0 <= large_n, f"rho0 = {rho0:.5f} within [{low:.5f}, {large_n:.5f}] (large N, minus at most the radial share)")
    print(f"     rho0 - large-N = {rho0 - large_n:.3e}, relative to the Goldstone shift {(N - 1) * A3 * (Lam - k):.4f}: {(rho0 - large_n) / ((N - 1) * A3 * (Lam - k)):.2e}")


def threshold_slope(regulator, alpha, d=3.0):
    """|l'(0)| = (d/2) int y^(d/2-1) (p - y p')/(y + p)^2 dy, written here from the definition
    (include/frg/threshold.h) for the regulator shapes p(y), independently of frg's tables."""
    if regulator == "litim":
        return 1.0
    if regulator == "exponential":
        def shape(y):  # p = y/(e^y - 1) and p - y p' = y^2 e^y/(e^y - 1)^2, in e^-y to avoid overflow
            e = np.exp(-y)
            return (y * e / -np.expm1(-y), y * y * e / np.expm1(-y) ** 2) if y > 1e-8 else (1.0 - y / 2, 1.0 - y * y / 12)
    else:
        def shape(y):
            return alpha * np.exp(-y), alpha * (1 + y) * np.exp(-y)
    f = lambda y: 0.5 * d * y ** (0.5 * d - 1) * shape(y)[1] / (y + shape(y)[0]) ** 2
    return quad(f, 0, 1, epsabs=0, epsrel=1e-12)[0] + quad(f, 1, np.inf, epsabs=0, epsrel=1e-12)[0]


def regulator(path):
    phi, t, u, s, p = load(path)
    N, Lam, k, phi0 = p["N"], p["Lambda"], s["k"], s["phi0"]
    reg = p.get("regulator", "litim")
    slope = threshold_slope(reg, float(p.get("regulator_alpha", 1.0)))
    kappa = 60.0  # U_Lambda = 1/40 (rho - 60)^2 (inputs/tests/d3_regulators_large_n.yaml)
    shift = (N - 1) * A3 * slope * (Lam - k)
    rho0, large_n = phi0 ** 2 / 2, kappa - shift
    print(f"     regulator {reg}: |l'(0)| = {slope:.10f}, rho0 = {rho0:.6f}, large-N {large_n:.6f}, difference {(rho0 - large_n) / shift:.2e} of the shift {shift:.4f}")
    check(large_n - 0.01 * shift <= rho0 <= large_n + 1e-3 * shift, f"rho0 within [-1 %, +0.1 %] of the Goldstone shift of the large-N value (radial share ~ 3/(N-1))")


if __name__ == "__main__":
    {"symmetric": symmetric, "broken": broken, "shock": shock, "condensate": condensate, "regulator": regulator}[sys.argv[1]](sys.argv[2])
    sys.exit(1 if problems else 0)
