#!/usr/bin/python3
"""Checks of -model gny (src/physics/gny.c) against exact numbers.

  gny_check.py exact TOL FILE.h5 T MU H LAMBDA A
      -mean_field true, U_Lambda = A sigma^2/2: the flow is a source alone and integrates in closed form
      (derivation in src/physics/gny.c and README "Yukawa models"), at the final scale k of FILE:
          U_k(s) = U_Lambda(s) + (1/pi) [ Lambda F(E_Lambda) - k F(E_k) - int_k^Lambda dp F(E_p) ],
          F(E) = E + T ln(1 + e^{-(E-mu)/T}) + T ln(1 + e^{-(E+mu)/T}),  E_p = sqrt(p^2 + h^2 s^2)
      (T = 0: T ln(1 + e^{z/T}) -> max(z, 0)). The flow evolves cell averages of u = U', exactly
      (U(b) - U(a))/h here; each is compared with the reference, max |du| / max |u| <= TOL.
  gny_check.py gap LAMBDA H
      prints A such that the T = 0, mu = 0 mean-field gap is sigma_0 = 1 at cutoff LAMBDA:
          A = (h^2/pi) [ asinh(Lambda/h) - Lambda/sqrt(Lambda^2 + h^2) ]
      (from u_IR(s) = A s + (h^2 s/pi) [ Lambda/E_Lambda - ln((Lambda + E_Lambda)/(h s)) ] = 0 at s = 1).
  gny_check.py tc LAMBDA A K_IR [T]
      mu = 0, h = 1: prints T_c, where U''(0) = 0 in the closed form,
          U''(0) = A + (1/pi) [ tanh(Lambda/2T) - tanh(k/2T) - int_k^Lambda dp tanh(p/2T)/p ],
      and with T also sigma_0(T), the root of u/sigma = A + (1/pi) [ Lambda t(E_Lambda)/E_Lambda
      - k t(E_k)/E_k - int_k^Lambda dp t(E_p)/E_p ], t(E) = tanh(E/2T), E_p = sqrt(p^2 + sigma^2)
      (d/dsigma = 2 sigma d/dM^2 of U_k; d F/dE = tanh(E/2T) at mu = 0).
  gny_check.py muc LAMBDA A K_IR
      T = 0, h = 1: prints mu_c of the first-order transition, where U(1) = U(0) in the closed form (below
      mu = 1 the broken minimum stays at sigma = 1, Silver Blaze; only U(0) falls, by the Fermi sea:
      mu_c -> 1/sqrt(2) as Lambda -> infinity).
  gny_check.py depth FILE.h5
      prints min over the cell edges of U - U(h/2) = the running sum of h u_j (cell averages: exact), and
      where it is taken: < 0 when the global minimum lies at sigma > 0 (phi0 reports the outermost local one).
  gny_check.py order FINE.h5 MID.h5 COARSE.h5 MIN SIGMA_MAX
      self-convergence of the final u on grids of spacing h/4, h/2, h: the observed order
      log2(max|u(h/2) - u(h)| / max|u(h/4) - u(h/2)|) at the shared cell centres sigma <= SIGMA_MAX must be >= MIN.
"""
import math
import sys

import h5py
import numpy as np
from scipy.integrate import quad


def softplus_T(z, T):
    """T ln(1 + e^{z/T}), and max(z, 0) at T = 0, without overflow."""
    if T == 0:
        return max(z, 0.0)
    return max(z, 0.0) + T * math.log1p(math.exp(-abs(z) / T))


def thermal(E, T, mu):
    """F(E) - E: the Fermi-sea part of F, zero at T = 0 and |mu| < E."""
    return softplus_T(mu - E, T) + softplus_T(-mu - E, T)


def vacuum_primitive(x, M):
    """int_0^x dp sqrt(p^2 + M^2) in closed form (quadrature of it near p ~ M << Lambda loses 1e-7)."""
    E = math.hypot(x, M)
    return 0.5 * (x * E + (M * M * math.log((x + E) / M) if M > 0 else 0.0))


def U_source(s, k, T, mu, h, Lam):
    M = h * abs(s)
    E = lambda p: math.hypot(p, M)
    # pieces split at M and around the Fermi momentum (a kink at T = 0, a step of width ~T otherwise:
    # quad over one interval with it inside misses 1e-6 at T = 1e-3)
    fermi = [math.sqrt(mu * mu - M * M)] if abs(mu) > M else []
    cuts = [M] + [f + d * T for f in fermi for d in (-40, -4, 0, 4, 40)]
    cuts = sorted({k, Lam} | {c for c in cuts if k < c < Lam})
    sea = sum(quad(lambda p: thermal(E(p), T, mu), a, b, limit=400, epsabs=1e-15, epsrel=1e-14)[0] for a, b in zip(cuts[:-1], cuts[1:]))
    boundary = Lam * (E(Lam) + thermal(E(Lam), T, mu)) - k * (E(k) + thermal(E(k), T, mu))
    return (boundary - (vacuum_primitive(Lam, M) - vacuum_primitive(k, M)) - sea) / math.pi


def exact(tol, path, T, mu, h, Lam, A):
    with h5py.File(path, "r") as f:
        u, phi, t = f["flow/u"][-1], f["grid/phi"][:], f["flow/t"][-1]
    k = Lam * math.exp(-t)
    dx = phi[1] - phi[0]
    edges = np.concatenate([[phi[0] - dx / 2], phi + dx / 2])
    U = np.array([A * s * s / 2 + U_source(s, k, T, mu, h, Lam) for s in edges])
    ref = np.diff(U) / dx
    ref[0] = 0.0 if phi[0] == 0 else ref[0]  # the odd cell centred at 0
    err = np.abs(u - ref).max() / np.abs(ref).max()
    print(f"T = {T:g}, mu = {mu:g}, h = {h:g}, Lambda = {Lam:g}, k_IR = {k:.3e}: max|u - exact|/max|u| = {err:.3e} over {len(u)} cells (tolerance {tol:.0e})")
    return err <= tol


def order(fine, mid, coarse, minimum, sigma_max):
    """Grids of spacing h/4, h/2, h with cells centred at i h (odd grids: -grid_phi_max (n - 1/2) h; the ends differ by h/4, keep SIGMA_MAX far from them):
    their shared centres up to sigma_max, away from the extrapolated end. A cell average differs from
    the point value by O(h^2) u''/24, the same order as the scheme's error, so both enter the estimate."""
    u, phi = [], []
    for p in (fine, mid, coarse):
        with h5py.File(p, "r") as f:
            u.append(f["flow/u"][-1])
            phi.append(f["grid/phi"][:])
    n = int(np.searchsorted(phi[2], sigma_max))
    assert np.allclose(phi[0][0:4 * n:4], phi[2][:n], rtol=0, atol=1e-13) and np.allclose(phi[1][0:2 * n:2], phi[2][:n], rtol=0, atol=1e-13)
    e_fine = np.abs(u[0][0:4 * n:4] - u[1][0:2 * n:2]).max()
    e_coarse = np.abs(u[1][0:2 * n:2] - u[2][:n]).max()
    p = math.log2(e_coarse / e_fine)
    print(f"max|u(h/2) - u(h)| = {e_coarse:.3e}, max|u(h/4) - u(h/2)| = {e_fine:.3e} on sigma <= {sigma_max:g}: observed order {p:.2f} (minimum {minimum})")
    return p >= minimum


def u_over_sigma(s, T, A, Lam, k):
    t = lambda E: math.tanh(E / (2 * T)) / E
    E = lambda p: math.hypot(p, s)
    sea = quad(lambda p: t(E(p)), k, Lam, points=[T, 10 * T], limit=400, epsabs=1e-15, epsrel=1e-14)[0]
    return A + (Lam * t(E(Lam)) - k * t(E(k)) - sea) / math.pi


def tc(Lam, A, k, T=None):
    from scipy.optimize import brentq
    Tc = brentq(lambda T: u_over_sigma(0.0, T, A, Lam, k), 0.05, 5.0, xtol=1e-15)
    print(repr(Tc), end="")
    if T is not None:
        print(" " + repr(brentq(lambda s: u_over_sigma(s, T, A, Lam, k), 1e-9, 10.0, xtol=1e-15)), end="")
    print()


def muc(Lam, A, k):
    from scipy.optimize import brentq
    f = lambda mu: A / 2 + U_source(1.0, k, 0.0, mu, 1.0, Lam) - U_source(0.0, k, 0.0, mu, 1.0, Lam)
    print(repr(brentq(f, 0.3, 0.99, xtol=1e-15)))


def depth(path):
    with h5py.File(path, "r") as f:
        u, phi = f["flow/u"][-1], f["grid/phi"][:]
    running = np.cumsum(u[1:]) * (phi[1] - phi[0])
    m = int(np.argmin(running))
    print(f"{running[m]!r} {phi[m + 1] + (phi[1] - phi[0]) / 2!r}")


if __name__ == "__main__":
    mode = sys.argv[1]
    if mode == "muc":
        muc(*map(float, sys.argv[2:5]))
        sys.exit(0)
    if mode == "depth":
        depth(sys.argv[2])
        sys.exit(0)
    if mode == "tc":
        tc(*map(float, sys.argv[2:]))
        sys.exit(0)
    if mode == "gap":
        Lam, h = map(float, sys.argv[2:4])
        print(repr(h * h / math.pi * (math.asinh(Lam / h) - Lam / math.sqrt(Lam * Lam + h * h))))
        sys.exit(0)
    if mode == "exact":
        ok = exact(float(sys.argv[2]), sys.argv[3], *map(float, sys.argv[4:9]))
    elif mode == "order":
        ok = order(sys.argv[2], sys.argv[3], sys.argv[4], float(sys.argv[5]), float(sys.argv[6]))
    sys.exit(0 if ok else 1)
