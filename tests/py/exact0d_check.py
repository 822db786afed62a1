#!/usr/bin/python3
"""Independent check of tests/tools/exact0d (the exact 0D O(N) reference of the core tests).

For each potential and N it recomputes, with scipy instead of GSL and numpy instead of muparser:
  * Gamma2 = N/<phi^2>, Gamma4 = 3N^2/<phi^2>^2 [1 - N<phi^4>/((N+2)<phi^2>^2)] from the radial
    moments (Koenigstein et al., PRD 106, 065012 (2022); doc/physics.md 2.1), written as in the paper;
  * Gamma2, Gamma4, Gamma6 by a numerical Legendre transform that uses no cumulant algebra at all:
    with a source j along phi_1, Z(j) = int d^N phi e^{-U(|phi|) + j phi_1}. The angular integral gives
    Z(j) ∝ int sigma^{N-1} e^{-U} A(j sigma), A(x) = Gamma(N/2) (2/x)^nu I_nu(x), nu = N/2 - 1, and
    phi(j) = W'(j) = int sigma^N e^{-U} A'(j sigma) / int sigma^{N-1} e^{-U} A(j sigma) with
    A'(x) = Gamma(N/2) (2/x)^nu I_{nu+1}(x). Since Gamma'(phi(j)) = j, a least-squares fit of j as an
    odd polynomial in phi gives Gamma2 = a1, Gamma4 = 3! a3, Gamma6 = 5! a5.
Usage: exact0d_check.py PATH/TO/exact0d     (exit 1 on any disagreement beyond the stated tolerance)
"""
import subprocess
import sys

import numpy as np
from scipy import integrate, special

# (muparser expression for exact0d, numpy function, break points)
CASES = [
    ("-phi^2/2 + phi^4/24", lambda s: -s**2 / 2 + s**4 / 24, []),
    ("phi^2/2 + phi^4/24", lambda s: s**2 / 2 + s**4 / 24, []),
    ("phi^2/2 - phi^4/20 + phi^6/720", lambda s: s**2 / 2 - s**4 / 20 + s**6 / 720, []),
    ("phi^4/24 + (phi < 2 ? -phi^2/2 : -2)", lambda s: s**4 / 24 + np.where(s < 2, -s**2 / 2, -2.0), [2.0]),
]
TOL_MOMENTS = 1e-10  # both sides integrate to ~1e-13 relative
TOL_GAMMA6 = 1e-6    # limited by the polynomial fit of the numerical Legendre transform


def radial_integral(f, breaks):
    edges = [0.0] + list(breaks) + [np.inf]
    return sum(integrate.quad(f, a, b, epsabs=0, epsrel=1e-13, limit=500)[0] for a, b in zip(edges[:-1], edges[1:]))


def vertices_from_moments(U, N, breaks):
    shift = min(U(s) for s in np.linspace(0, 40, 4001))
    m = [radial_integral(lambda s, n=n: s**(N - 1 + 2 * n) * np.exp(-(U(s) - shift)), breaks) for n in range(3)]
    phi2, phi4 = m[1] / m[0], m[2] / m[0]
    return N / phi2, 3 * N**2 / phi2**2 * (1 - N * phi4 / ((N + 2) * phi2**2))


def vertices_from_legendre(U, N, breaks):
    nu = N / 2 - 1
    shift = min(U(s) for s in np.linspace(0, 40, 4001))
    g2 = vertices_from_moments(U, N, breaks)[0]
    js = np.linspace(0.02, 0.6, 30) * g2 ** 0.5  # sources small against the width 1/sqrt(Gamma2)

    def phi_of_j(j):
        # ive(nu, x) = iv(nu, x) e^{-x}: the common factor e^{-j sigma} cancels in the ratio
        A = lambda s: special.gamma(N / 2) * (2 / (j * s))**nu * special.ive(nu, j * s) if s > 0 else 1.0
        dA = lambda s: special.gamma(N / 2) * (2 / (j * s))**nu * special.ive(nu + 1, j * s) if s > 0 else 0.0
        w = lambda s: np.exp(-(U(s) - shift) + j * s)
        num = radial_integral(lambda s: s**N * w(s) * dA(s), breaks)
        den = radial_integral(lambda s: s**(N - 1) * w(s) * A(s), breaks)
        return num / den

    phis = np.array([phi_of_j(j) for j in js])
    x = phis / phis.max()  # well-conditioned fit variable
    degree = 9
    V = np.stack([x**(2 * i + 1) for i in range(degree)], axis=1)
    coef = np.linalg.lstsq(V, js, rcond=None)[0] / phis.max()**(2 * np.arange(degree) + 1)
    return coef[0], 6 * coef[1], 120 * coef[2]


def run_exact0d(exe, expr, Ns, breaks):
    """{N: {name: value}} from one exact0d run for all N."""
    args = [exe, "-N", ",".join(str(N) for N in Ns), "-potential", expr]
    if breaks:
        args += ["-breaks", ",".join(str(b) for b in breaks)]
    out = subprocess.run(args, check=True, capture_output=True, text=True).stdout
    result = {N: {} for N in Ns}
    for line in out.splitlines():
        tag, name, value = line.split()
        result[int(float(tag[2:]))][name] = float(value)
    return result


def main():
    exe, ok = sys.argv[1], True
    for expr, U, breaks in CASES:
        exact = run_exact0d(exe, expr, (1, 2, 4), breaks)
        for N in (1, 2, 4):
            c = exact[N]
            g2, g4 = vertices_from_moments(U, N, breaks)
            l2, l4, l6 = vertices_from_legendre(U, N, breaks)
            checks = [("Gamma2 (moments)", c["gamma2"], g2, TOL_MOMENTS), ("Gamma4 (moments)", c["gamma4"], g4, TOL_MOMENTS),
                      ("Gamma2 (Legendre)", c["gamma2"], l2, TOL_GAMMA6), ("Gamma4 (Legendre)", c["gamma4"], l4, TOL_GAMMA6),
                      ("Gamma6 (Legendre)", c["gamma6"], l6, TOL_GAMMA6)]
            for name, value, ref, tol in checks:
                err = abs(value - ref) / abs(ref)
                good = err <= tol
                ok &= good
                print(f"{'ok ' if good else 'BAD'} N={N} U={expr!r:42} {name:18} exact0d {value:.15g} scipy {ref:.15g} rel.err {err:.2e} (tol {tol:.0e})")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
