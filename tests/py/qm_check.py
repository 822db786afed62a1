#!/usr/bin/python3
"""Checks of -model qm (src/physics/qm.c) against exact numbers.

  qm_check.py exact TOL FILE.h5 T MU H LAMBDA M2 LAMBDA4 [C]
      -mean_field true, U_Lambda = M2 s^2/2 + LAMBDA4 s^4/4: the quark loop alone integrates in closed form
      (src/physics/qm.c), at the final scale k of FILE,
          U_k(s) = U_Lambda(s) + (6/pi^2) [ Lambda^3 F(E_Lambda)/3 - k^3 F(E_k)/3 - int_k^Lambda dp p^2 F(E_p) ],
          F(E) = E + T ln(1 + e^{-(E-mu)/T}) + T ln(1 + e^{-(E+mu)/T}),  E_p = sqrt(p^2 + h^2 s^2),
      the vacuum part int p^2 E in closed form, the Fermi sea by quadrature in pieces split at the Fermi
      momentum. The cell averages (U(b) - U(a))/h are compared with the flow's u: max|du|/max|u| <= TOL.
      With C (-qm_c): also sigma_0, the root of u = C, against the flow's phi0, and m2_goldstone = C/sigma_0
      (relative TOL each).
"""
import math
import os
import sys

import h5py
import numpy as np
from scipy.integrate import quad
from scipy.optimize import brentq

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gny_check import thermal  # noqa: E402  (the Fermi-sea part of F, T = 0 included)


def vacuum_primitive(x, M):
    """int_0^x dp p^2 sqrt(p^2 + M^2)."""
    E = math.hypot(x, M)
    return x * (2 * x * x + M * M) * E / 8 - (M ** 4 * math.log((x + E) / M) / 8 if M > 0 else 0.0)


def U_source(s, k, T, mu, h, Lam):
    M = h * abs(s)
    E = lambda p: math.hypot(p, M)
    fermi = [math.sqrt(mu * mu - M * M)] if abs(mu) > M else []
    cuts = [M] + [f + d * T for f in fermi for d in (-40, -4, 0, 4, 40)]
    cuts = sorted({k, Lam} | {c for c in cuts if k < c < Lam})
    sea = sum(quad(lambda p: p * p * thermal(E(p), T, mu), a, b, limit=400, epsabs=1e-6, epsrel=1e-13)[0] for a, b in zip(cuts[:-1], cuts[1:]))
    F = lambda p: E(p) + thermal(E(p), T, mu)
    boundary = (Lam ** 3 * F(Lam) - k ** 3 * F(k)) / 3
    return 6 / math.pi ** 2 * (boundary - (vacuum_primitive(Lam, M) - vacuum_primitive(k, M)) - sea)


def main():
    tol, path = float(sys.argv[2]), sys.argv[3]
    T, mu, h, Lam, m2, lam4 = map(float, sys.argv[4:10])
    c = float(sys.argv[10]) if len(sys.argv) > 10 else None
    with h5py.File(path, "r") as f:
        u, phi, t = f["flow/u"][-1], f["grid/phi"][:], f["flow/t"][-1]
        summary = dict(f["summary"].attrs)
    k = Lam * math.exp(-t)
    dx = phi[1] - phi[0]
    U = lambda s: m2 * s * s / 2 + lam4 * s ** 4 / 4 + U_source(s, k, T, mu, h, Lam)
    edges = np.concatenate([[phi[0] - dx / 2], phi + dx / 2])
    ref = np.diff([U(s) for s in edges]) / dx
    ref[0] = 0.0
    err = np.abs(u - ref).max() / np.abs(ref).max()
    ok = err <= tol
    print(f"T = {T:g}, mu = {mu:g}, h = {h:g}, Lambda = {Lam:g}, k_IR = {k:.3e}: max|u - exact|/max|u| = {err:.3e} over {len(u)} cells (tolerance {tol:.0e})")
    if c is not None:
        du = lambda s: (U(s + 1e-3) - U(s - 1e-3)) / 2e-3 - c  # U is smooth on this scale; the derivative's error is O(1e-6 U''')
        s0 = brentq(du, 0.5 * float(summary["phi0"]), 1.5 * float(summary["phi0"]), xtol=1e-12)
        e0 = abs(float(summary["phi0"]) - s0) / s0
        e2 = abs(float(summary["m2_goldstone"]) - c / s0) / (c / s0)
        print(f"sigma_0 = {float(summary['phi0']):.10g} exact {s0:.10g} ({e0:.2e}); m_pi^2 = {float(summary['m2_goldstone']):.10g} exact {c / s0:.10g} ({e2:.2e}) (tolerance {tol:.0e})")
        ok &= e0 <= tol and e2 <= tol
    return ok


if __name__ == "__main__":
    sys.exit(0 if main() else 1)
