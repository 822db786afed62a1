#!/usr/bin/env python3
"""Exact d = 0 answers for -model onom (the O(N)+O(M) model, doc/physics.md 2.4, src/physics/onom.c).
In zero dimensions Gamma_IR is the Legendre transform of W(J) = ln int d^N a d^M b exp(-U(|a|, |b|) + J.(a, b));
it is O(N) x O(M) symmetric and convex, so its minimum is the origin and its Hessian there is the inverse
covariance, diag(N/<r1^2>, M/<r2^2>) with the moments of the radii r1 = |a|, r2 = |b| under the measure
r1^(N-1) r2^(M-1) exp(-U(r1, r2)) dr1 dr2 on the quadrant (real N, M >= 1).

  onom_check.py potential SEED      "N M EXPR": seeded real N, M in [1, 4] and a confining potential even in
                                    phi1 and phi2 (radial double wells allowed; muparser expression)
  onom_check.py exact N M EXPR      Gamma2_11 and Gamma2_22 by quadrature
  onom_check.py check H5 N M EXPR TOL
                                    the /summary of a result file against quadrature: Gamma2_11, Gamma2_22
                                    within TOL relative, the minimum within TOL of the origin, Gamma2_12
                                    within TOL of 0 (relative to the diagonal); and every true error at
                                    most 3 times its estimate (the _error attributes)
"""
import sys

import numpy as np
from scipy import integrate


def random_potential(seed):
    rng = np.random.default_rng(seed)
    N, M = rng.uniform(1.0, 4.0, 2)
    a1, a2 = rng.uniform(-0.5, 1.0, 2)
    g1, g2 = rng.uniform(0.05, 0.3, 2)
    g12 = rng.uniform(0.0, 0.2)
    expr = (f"({a1:.6f})*phi1^2 + ({a2:.6f})*phi2^2 + {g1:.6f}*phi1^4 + {g2:.6f}*phi2^4"
            f" + {g12:.6f}*phi1^2*phi2^2")
    return f"{N:.6f}", f"{M:.6f}", expr


def evaluate(expr, phi1, phi2):
    return eval(expr.replace("^", "**"), {"phi1": phi1, "phi2": phi2})


def moment(N, M, expr, p1, p2, shift, L=12.0):
    """int_0^L int_0^L r1^(N-1+p1) r2^(M-1+p2) exp(shift - U) dr2 dr1, the algebraic weights by QUADPACK's
    'alg' rule (exact for the endpoint singularity of real N, M)."""
    def inner(r1):
        f = lambda r2: np.exp(shift - evaluate(expr, r1, r2))
        return integrate.quad(f, 0.0, L, weight="alg", wvar=(M - 1 + p2, 0.0), epsabs=0, epsrel=1e-12, limit=200)[0]
    return integrate.quad(inner, 0.0, L, weight="alg", wvar=(N - 1 + p1, 0.0), epsabs=0, epsrel=1e-12, limit=200)[0]


def exact(N, M, expr):
    r = np.linspace(0, 12, 601)
    R1, R2 = np.meshgrid(r, r, indexing="ij")
    shift = float(np.min(evaluate(expr, R1, R2)))  # keeps exp(shift - U) <= 1
    z = moment(N, M, expr, 0, 0, shift)
    return N * z / moment(N, M, expr, 2, 0, shift), M * z / moment(N, M, expr, 0, 2, shift)


def check(h5, N, M, expr, tol):
    import h5py
    s = h5py.File(h5, "r")["summary"].attrs
    g11, g22 = exact(N, M, expr)
    scale = max(g11, g22)
    ok = True
    rows = (("gamma2_11", g11, g11), ("gamma2_22", g22, g22), ("gamma2_12", 0.0, scale),
            ("phi1_min", 0.0, 1.0), ("phi2_min", 0.0, 1.0))
    for name, ref, size in rows:
        err = abs(s[name] - ref)
        good = err <= tol * size and err <= 3 * s[name + "_error"] + 1e-12 * size
        print(f"  {name:10s} frg {s[name]:+.10f} +- {s[name + '_error']:.1e}  exact {ref:+.10f}  "
              f"|error| {err:.1e} (tolerance {tol * size:.1e}, and 3 estimates {3 * s[name + '_error']:.1e})"
              f"{'' if good else '  FAIL'}")
        ok &= good
    return ok


def main(argv):
    if argv[1] == "potential":
        print(" ".join(random_potential(int(argv[2]))))
    elif argv[1] == "exact":
        print(*exact(float(argv[2]), float(argv[3]), argv[4]))
    elif argv[1] == "check":
        sys.exit(0 if check(argv[2], float(argv[3]), float(argv[4]), argv[5], float(argv[6])) else 1)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
