#!/usr/bin/python3
"""Independent checks of an frg -task sample result against the exact target p_0 ~ exp(-S) (scipy/numpy,
no frg code): doc/physics.md 2.3.

  diffusion_check.py score FILE TOL        the stored flow states u at /score_flow/check_s read as scores:
                                           at x = phi + s u(phi) the exact Tweedie score (quadrature) must equal
                                           -u, p_s-weighted relative rms error <= TOL at every level
  diffusion_check.py samples FILE FLOORS   <phi>, <phi^2>, <phi^4> within 3 standard errors of the exact values;
                                           W1 (recomputed here) <= FLOORS x the i.i.d. floor, the floor from the
                                           Brownian-bridge asymptotics E W1 = sqrt(2/(pi n)) int sqrt(F(1-F)) dx;
                                           frg's own W1 and replica floor agree with these
  diffusion_check.py vertices FILE T2 T3 T4  FRG IR vertices vs the exact ones from cumulants at <phi>
For -model on (O(N), samples [count, N]) the statistics are those of the radius |phi|, with the target density
sigma^{N-1} exp(-U(sigma)), and the vertices are Koenigstein et al.'s at phi = 0.
The potential is read from /parameters/potential (muparser syntax: ^ becomes **).
"""
import sys
import h5py
import numpy as np
from scipy import integrate


def potential(f):
    expr = f["parameters"].attrs["potential"]
    expr = expr.decode() if isinstance(expr, bytes) else expr
    return lambda phi: eval(expr.replace("^", "**"), {"phi": phi, "np": np})


def radial(f):
    """-model on: the target is the density sigma^{N-1} exp(-U(sigma)) of the radius sigma = |phi|."""
    model = f["parameters"].attrs["model"]
    return (model.decode() if isinstance(model, bytes) else model) == "on"


def target_grid(f, n=400001):
    L = float(f["parameters"].attrs["grid_phi_max"])
    phi = np.linspace(0 if radial(f) else -L, L, n)
    S = potential(f)(phi)
    p = np.exp(-(S - S.min()))
    if radial(f):
        p *= phi**(f["parameters"].attrs["N"] - 1)
    p /= integrate.simpson(p, x=phi)
    return phi, p


def exact_moments(f):
    phi, p = target_grid(f)
    m = [integrate.simpson(p * phi**k, x=phi) for k in range(5)]
    c = [integrate.simpson(p * (phi - m[1])**k, x=phi) for k in range(5)]
    return m, c


def check_score(f, tol):
    phi, p = target_grid(f, 40001)
    logp = np.log(np.maximum(p, 1e-300))
    h = phi[1] - phi[0]
    cells = f["score_flow/phi"][:]
    hc = cells[1] - cells[0]
    ok = True
    for s, ubar in zip(f["score_flow/check_s"][:], f["score_flow/u_check"][:]):
        u = ubar.copy()
        u[1:-1] -= (ubar[2:] - 2 * ubar[1:-1] + ubar[:-2]) / 24  # cell averages -> point values
        x = cells + s * u
        inner = slice(4, len(cells) - 4)
        x, score_frg = x[inner], -u[inner]
        keep = np.abs(x - integrate.simpson(p * phi, x=phi)) < 10 * np.sqrt(s + 3)
        x, score_frg = x[keep], score_frg[keep]
        exact, density = np.empty_like(x), np.empty_like(x)
        for b in range(0, len(x), 64):                  # blocks keep the memory small
            xb = x[b:b + 64]
            expo = logp[None, :] - (xb[:, None] - phi[None, :])**2 / (2 * s)
            top = expo.max(axis=1)
            w = np.exp(expo - top[:, None])
            num = integrate.simpson(w * phi[None, :], x=phi, axis=1)
            den = integrate.simpson(w, x=phi, axis=1)
            exact[b:b + 64] = (num / den - xb) / s
            density[b:b + 64] = np.exp(top) * den / np.sqrt(2 * np.pi * s)
        weight = density * np.gradient(x)          # p_s dx on the warped grid
        rel = np.sqrt(np.sum(weight * (score_frg - exact)**2) / np.sum(weight * exact**2))
        print(f"score at s = {s:g}: p_s-weighted relative error {rel:.3e} on {len(x)} points (tolerance {tol:g})")
        ok &= rel <= tol
    return ok


def check_samples(f, floors):
    y = f["samples"][:]
    y = np.sort(np.linalg.norm(y, axis=1) if y.ndim == 2 else y)
    n = len(y)
    m, c = exact_moments(f)
    ok = True
    for k, name in ((1, "<phi>" if y.ndim == 1 else "<|phi|>"), (2, "<phi^2>"), (4, "<phi^4>")):
        v = y**k
        se = v.std() / np.sqrt(n)
        z = (v.mean() - m[k]) / se
        print(f"{name}: sample {v.mean():.6f} +- {se:.2e}, exact {m[k]:.8f}, {z:+.2f} standard errors")
        ok &= abs(z) <= 3
    phi, p = target_grid(f, 2000001)
    F = integrate.cumulative_trapezoid(p, phi, initial=0)
    F /= F[-1]
    Fn = np.searchsorted(y, phi, side="right") / n
    w1 = integrate.trapezoid(np.abs(Fn - F), phi)
    floor = np.sqrt(2 / (np.pi * n)) * integrate.trapezoid(np.sqrt(F * (1 - F)), phi)
    cmp = f["comparison"].attrs
    print(f"W1 {w1:.4e} (frg {cmp['w1']:.4e}); i.i.d. floor {floor:.4e} (frg replicas {cmp['w1_floor']:.4e} +- {cmp['w1_floor_sd']:.1e}); "
          f"bound {floors:g} x floor")
    ok &= w1 <= floors * floor
    ok &= abs(w1 - cmp["w1"]) <= 0.02 * w1                           # same quantity, two codes
    replicas = float(f["parameters"].attrs["sample_floor_replicas"])
    ok &= abs(cmp["w1_floor"] - floor) <= 4 * cmp["w1_floor_sd"] / np.sqrt(replicas) + 0.05 * floor
    return ok


def check_vertices(f, tols):
    m, c = exact_moments(f)
    k2, k3, k4 = c[2], c[3], c[4] - 3 * c[2]**2
    exact = {"gamma2": 1 / k2, "gamma3": -k3 / k2**3, "gamma4": -k4 / k2**4 + 3 * k3**2 / k2**5}
    if radial(f):  # O(N) at phi = 0 (Koenigstein et al. 2022); m[k] are moments of the radius
        N = f["parameters"].attrs["N"]
        exact = {"gamma2": N / m[2], "gamma3": 0.0, "gamma4": 3 * N**2 / m[2]**2 * (1 - N * m[4] / ((N + 2) * m[2]**2))}
        m[1] = 0.0
    cmp = f["comparison"].attrs
    ok = abs(cmp["frg_phi_min"] - m[1]) <= 1e-4
    print(f"minimum: FRG {cmp['frg_phi_min']:.8f}, exact <phi> {m[1]:.8f}")
    for (name, ref), tol in zip(exact.items(), tols):
        scale = max(abs(ref), 1.0)
        err = abs(cmp["frg_" + name] - ref) / scale
        print(f"{name}: FRG {cmp['frg_' + name]:.10g}, exact {ref:.10g}, error {err:.2e} (relative to max(|exact|, 1); tolerance {tol:g})")
        ok &= err <= tol
    return ok


if __name__ == "__main__":
    mode, path = sys.argv[1], sys.argv[2]
    with h5py.File(path, "r") as f:
        if mode == "score":
            good = check_score(f, float(sys.argv[3]))
        elif mode == "samples":
            good = check_samples(f, float(sys.argv[3]))
        else:
            good = check_vertices(f, [float(a) for a in sys.argv[3:6]])
    sys.exit(0 if good else 1)
