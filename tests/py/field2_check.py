#!/usr/bin/env python3
"""Exact d = 0 answers for -model field2 (two real fields, doc/physics.md 2.4): Gamma_IR is the Legendre
transform of W(J) = ln int exp(-U + J.phi), so its minimum is <phi> and its Hessian there is the inverse
of the connected covariance C_ij = <phi_i phi_j> - <phi_i><phi_j>; both by 2D quadrature of exp(-U).

  field2_check.py potential SEED          a random confining potential (muparser expression in phi1, phi2)
  field2_check.py exact EXPR              <phi>, C and Gamma2 = C^-1 by quadrature
  field2_check.py check LOG EXPR TOL      frg's IR lines against quadrature: max relative error of
                                          Gamma2 (scaled by its largest entry) and of <phi> (absolute) <= TOL
  field2_check.py errors LOG EXPR         prints the Gamma2 error of a log (convergence test)
  field2_check.py honesty H5 EXPR         the error estimates of a result file's /summary against the true
                                          errors: each true error <= 3 estimates, and the estimates of the
                                          minimum and of Gamma2 each <= 100 true errors (see honesty())
"""
import re
import sys

import numpy as np


def random_potential(seed):
    rng = np.random.default_rng(seed)
    m1, m2 = rng.uniform(0.3, 1.5, 2)
    b = rng.uniform(-0.4, 0.4) * np.sqrt(m1 * m2)
    j1, j2 = rng.uniform(-0.5, 0.5, 2)
    c1, c2, c12 = rng.uniform(-0.1, 0.1, 3)
    g1, g2 = rng.uniform(0.05, 0.3, 2)
    g12 = rng.uniform(0.0, 0.2)
    return (f"{m1:.6f}*phi1^2/2 + {m2:.6f}*phi2^2/2 + ({b:.6f})*phi1*phi2 + ({j1:.6f})*phi1 + ({j2:.6f})*phi2"
            f" + ({c1:.6f})*phi1^3 + ({c2:.6f})*phi2^3 + ({c12:.6f})*phi1^2*phi2"
            f" + {g1:.6f}*phi1^4 + {g2:.6f}*phi2^4 + {g12:.6f}*phi1^2*phi2^2")


def evaluate(expr, phi1, phi2):
    return eval(expr.replace("^", "**"), {"phi1": phi1, "phi2": phi2, "np": np})


def exact(expr, half_width=9.0, points=1201):
    """Trapezoid rule on [-L, L]^2: spectrally accurate for a density decaying faster than any power."""
    x = np.linspace(-half_width, half_width, points)
    p1, p2 = np.meshgrid(x, x, indexing="ij")
    U = evaluate(expr, p1, p2)
    w = np.exp(-(U - U.min()))
    assert w[0, :].max() < 1e-30 and w[-1, :].max() < 1e-30 and w[:, 0].max() < 1e-30 and w[:, -1].max() < 1e-30, "domain too small"
    Z = w.sum()
    mean = np.array([(p1 * w).sum() / Z, (p2 * w).sum() / Z])
    d1, d2 = p1 - mean[0], p2 - mean[1]
    C = np.array([[(d1 * d1 * w).sum(), (d1 * d2 * w).sum()], [(d1 * d2 * w).sum(), (d2 * d2 * w).sum()]]) / Z
    return mean, C, np.linalg.inv(C)


def read_log(path):
    text = open(path).read()
    num = r"([-+0-9.eE]+)"
    m = re.search(r"minimum phi1 = " + num + " phi2 = " + num, text)
    g = re.search(r"IR Gamma2: 11 = " + num + " 22 = " + num + " 12 = " + num, text)
    if not m or not g:
        sys.exit(f"{path}: no IR lines")
    mean = np.array([float(m.group(1)), float(m.group(2))])
    g11, g22, g12 = (float(g.group(i)) for i in (1, 2, 3))
    return mean, np.array([[g11, g12], [g12, g22]])


def errors(log, expr):
    mean, gamma2 = read_log(log)
    mean_ex, _, gamma2_ex = exact(expr)
    err_g = np.abs(gamma2 - gamma2_ex).max() / np.abs(gamma2_ex).max()
    err_m = np.abs(mean - mean_ex).max()
    return mean, gamma2, mean_ex, gamma2_ex, err_g, err_m


NAMES = ("phi1_min", "phi2_min", "gamma2_11", "gamma2_22", "gamma2_12")


def honesty(path, expr):
    """Each true error at most 3 estimates (every component); the estimate at most 100 true errors for
    the minimum and for Gamma2 each taken as a whole (the largest estimate of its components against
    its largest true error): one component's true error can pass through zero by chance, as the grid
    changes, while its estimate stays at the size of the others'."""
    import h5py
    s = h5py.File(path, "r")["summary"].attrs
    mean, _, g = exact(expr)
    exact_values = (mean[0], mean[1], g[0, 0], g[1, 1], g[0, 1])
    ok = True
    true, est = {}, {}
    for name, x in zip(NAMES, exact_values):
        value, estimate = float(s[name]), float(s[name + "_error"])
        true[name], est[name] = abs(value - x), estimate
        good = true[name] <= 3 * estimate
        ok &= good
        print(f"{name:10s} frg {value:+.10f} exact {x:+.10f} true error {true[name]:.2e} estimate {estimate:.2e}"
              f" ratio {estimate / max(true[name], 1e-300):8.2f} {'ok' if good else 'DISHONEST (true > 3 estimates)'}")
    for group in (NAMES[:2], NAMES[2:]):
        t, e = max(true[n] for n in group), max(est[n] for n in group)
        good = t <= 1e-7 or e <= 100 * t
        ok &= good
        print(f"{'/'.join(group)}: largest estimate {e:.2e}, largest true error {t:.2e}, ratio {e / max(t, 1e-300):.2f} {'ok' if good else 'USELESS (> 100)'}")
    return ok


def main():
    what = sys.argv[1]
    if what == "potential":
        print(random_potential(int(sys.argv[2])))
    elif what == "exact":
        mean, C, G = exact(sys.argv[2])
        print("mean", mean, "\ncovariance", C, "\nGamma2", G)
    elif what == "errors":
        *_, err_g, err_m = errors(sys.argv[2], sys.argv[3])
        print(f"{err_g:.6e} {err_m:.6e}")
    elif what == "check":
        tol = float(sys.argv[4])
        mean, gamma2, mean_ex, gamma2_ex, err_g, err_m = errors(sys.argv[2], sys.argv[3])
        print(f"U = {sys.argv[3]}")
        print(f"<phi>  frg {mean} quadrature {mean_ex}: error {err_m:.3e}")
        print(f"Gamma2 frg {gamma2.ravel()} quadrature {gamma2_ex.ravel()}: relative error {err_g:.3e} (tolerance {tol:.1e})")
        sys.exit(0 if err_g <= tol and err_m <= tol else 1)
    elif what == "honesty":
        sys.exit(0 if honesty(sys.argv[2], sys.argv[3]) else 1)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
