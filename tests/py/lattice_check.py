#!/usr/bin/python3
"""Checks of the lattice phi^4 tasks (tests/cases/lattice.sh), independent of frg's own formulas.

  lattice_check.py exact FILE [NSIGMA]     /summary against the exact answer within NSIGMA (3) errors:
                                           lambda = 0: M normal with <M^2> = 1/(V (2 - 8 kappa)) (doc/physics.md 2.6);
                                           L = 2, lambda > 0: 4-dimensional quadrature of exp(-S)
  lattice_check.py samples FILE            /samples [n, L, L] is consistent with /chains/magnetization
  lattice_check.py same FILE FILE...       every dataset of the files bitwise equal (rank invariance)
  lattice_check.py sampler FILE NSIGMA MIN_ESS
                                           -task lattice_sample: the weighted |M|, chi, Binder and ln Z = ln int e^-S
                                           against the exact answer (above; ln Z: the Gaussian determinant, or the
                                           2 x 2 quadrature) within NSIGMA errors, no failed solves, effective sample
                                           fraction >= MIN_ESS; at lambda = 0 also the raw (unweighted) samples against
                                           the exact law of the discretized reverse process with the exact score
                                           (linear in each Fourier mode: only the q = 0 mode enters M)
  lattice_check.py compare A B NSIGMA      |M|, chi, Binder of two runs (-task hmc, -task lattice_sample: weighted)
                                           agree within NSIGMA combined errors (beyond 2 x 2 there is no exact answer)
  lattice_check.py denoiser LO HI FILE...  kappa = 0 (independent sites, where the LPA flow is the exact 0D flow):
                                           the denoiser phi*(x) = argmin U_s(phi) + (phi - x)^2/(2 s) of each table
                                           level against Tweedie's E[phi | x] = x + s d/dx ln p_s(x) by quadrature of
                                           e^{-S(phi) - (phi - x)^2/(2 s)}; the max error over the levels on successively
                                           halved cells falls with an observed order in [LO, HI]
  lattice_check.py table-order LO HI FILE... REF
                                           the flow's U_s' table on successively halved cells against the finest
                                           REF (its cubic Hermite interpolant, as the sampler reads it) on
                                           |phi| <= 3: max error over the levels falls with an observed order in
                                           [LO, HI]
"""
import sys
import h5py
import numpy as np


def action_l2(phi, kappa, lam):
    """S on the 2 x 2 periodic lattice, phi[..., 4] = sites (0,0), (1,0), (0,1), (1,1). With L = 2 the
    forward neighbour in each direction is the backward one too, so every bond appears twice in
    sum_x sum_mu phi_x phi_{x+mu}."""
    a, b, c, d = phi[..., 0], phi[..., 1], phi[..., 2], phi[..., 3]
    hop = 2 * (a * b + c * d) + 2 * (a * c + b * d)
    site = sum((1 - 2 * lam) * p**2 + lam * p**4 for p in (a, b, c, d))
    return -2 * kappa * hop + site


def exact_l2(kappa, lam, n=32, want_z=False):
    """<|M|>, chi, Binder on 2 x 2 by quadrature in the orthonormal coordinates y of
    phi = sum_k y_k e_k, e_0 = (1,1,1,1)/2, e_1..3 = the sign patterns / 2, so that M = y_0/2. The weight is
    even in phi, and |M| has its kink at y_0 = 0: Gauss-Legendre on y_0 in [0, w] (doubled), the trapezoidal
    rule on y_1..3 in [-w, w] (smooth, decaying integrand: spectrally accurate). w is where the weight of
    the aligned configuration has fallen below e^-70."""
    width = 2.0
    while (1 - 2 * lam - 4 * abs(kappa)) * (width / 2) ** 2 * 4 + lam * (width / 2) ** 4 * 4 < 70:
        width *= 1.05
    g, gw = np.polynomial.legendre.leggauss(n)
    y0, w0 = 0.5 * width * (g + 1), 0.5 * width * gw
    y = np.linspace(-width, width, 2 * n + 1)
    e = 0.5 * np.array([[1, 1, 1, 1], [1, -1, 1, -1], [1, 1, -1, -1], [1, -1, -1, 1]], dtype=float)
    y1, y2, y3 = np.meshgrid(y, y, y, indexing="ij")
    rest = np.stack([y1, y2, y3], axis=-1).reshape(-1, 3) @ e[1:]
    moments = np.zeros(4)
    for a, wa in zip(y0, w0):
        phi = rest + a * e[0]
        w = wa * np.exp(-action_l2(phi, kappa, lam))
        m = a / 2
        moments += w.sum() * np.array([1, m, m**2, m**4])
    z, am, m2, m4 = moments
    am, m2, m4 = am / z, m2 / z, m4 / z
    if want_z:
        return np.log(2 * z * (y[1] - y[0]) ** 3)  # y_0 over [0, w] only (the weight is even); the trapezoid's dy^3
    return am, 4 * (m2 - am**2), 1 - m4 / (3 * m2**2)


def exact_values(f):
    p = f["parameters"].attrs
    L, kappa, lam = int(p["lattice_L"]), float(p["lattice_kappa"]), float(p["lattice_lambda"])
    V = L * L
    if lam == 0:
        v = 1.0 / (V * (2 - 8 * kappa))
        return np.sqrt(2 * v / np.pi), V * v * (1 - 2 / np.pi), 0.0
    if L == 2:
        return exact_l2(kappa, lam)
    sys.exit(f"no exact answer for L = {L}, lambda = {lam}")


def check_exact(path, nsigma=3.0):
    f = h5py.File(path, "r")
    s = f["summary"].attrs
    ok = True
    for name, ref in zip(("abs_magnetization", "susceptibility", "binder"), exact_values(f)):
        v, e = float(s[name]), float(s[name + "_error"])
        z = (v - ref) / e
        print(f"{path}: {name} = {v:.6f} +- {e:.2e}, exact {ref:.6f}: {z:+.2f} s.e. (tolerance {nsigma})")
        ok &= abs(z) <= nsigma and e > 0
    b, be = float(s["exp_minus_delta_h"]), float(s["exp_minus_delta_h_error"])
    print(f"{path}: <exp(-dH)> = {b:.5f} +- {be:.1e} (Creutz: 1); acceptance {float(s['acceptance']):.3f}; tau_int {float(s['tau_int']):.2f}")
    ok &= abs(b - 1) <= nsigma * be
    sys.exit(0 if ok else 1)


def exact_log_z(L, kappa, lam):
    if lam == 0:  # S = phi M phi / 2, eigenvalues 2 - 4 kappa (cos q_1 + cos q_2)
        q = 2 * np.pi * np.arange(L) / L
        ev = 2 - 4 * kappa * (np.cos(q)[:, None] + np.cos(q)[None, :])
        return 0.5 * L * L * np.log(2 * np.pi) - 0.5 * np.log(ev).sum()
    if L == 2:
        return exact_l2(kappa, lam, want_z=True)
    return None


def discretized_gaussian(L, kappa, s, sampler):
    """Variance of M from the reverse process with the exact Gaussian score, levels s (decreasing), start N(0, s_0):
    the q = 0 mode y (M = y/L) has prior variance C = 1/(2 - 8 kappa), denoiser C/(C + s) x."""
    C = 1.0 / (2 - 8 * kappa)
    var = s[0]
    levels = list(s) + [0.0]
    for k in range(len(s)):
        sk, sn = levels[k], levels[k + 1]
        if sampler == "ode":
            c = 1 - np.sqrt(sn / sk)
            var *= (1 - c * sk / (C + sk)) ** 2
        else:
            D = sk - sn
            c = D / sk
            var = (1 - c * sk / (C + sk)) ** 2 * var + D
    v = var / (L * L)
    return np.sqrt(2 * v / np.pi), L * L * v * (1 - 2 / np.pi), 0.0


def check_sampler(path, nsigma, min_ess):
    f = h5py.File(path, "r")
    s, p = f["summary"].attrs, f["parameters"].attrs
    L, kappa, lam, n = int(p["lattice_L"]), float(p["lattice_kappa"]), float(p["lattice_lambda"]), int(p["sample_count"])
    ok = True
    names = ("abs_magnetization", "susceptibility", "binder")
    for name, ref in zip(names, exact_values(f)):
        v, e = float(s[name]), float(s[name + "_error"])
        z = (v - ref) / e
        print(f"{path}: weighted {name} = {v:.6f} +- {e:.2e}, exact {ref:.6f}: {z:+.2f} s.e. (tolerance {nsigma})")
        ok &= abs(z) <= nsigma and e > 0
    lz = exact_log_z(L, kappa, lam)
    if lz is not None:
        v, e = float(s["log_z"]), float(s["log_z_error"])
        print(f"{path}: ln Z = {v:.6f} +- {e:.2e}, exact {lz:.6f}: {(v - lz) / e:+.2f} s.e.")
        ok &= abs(v - lz) <= nsigma * e
    ess = float(s["effective_samples"]) / n
    print(f"{path}: effective sample fraction {ess:.3f} (at least {min_ess}); failed solves {int(s['failures'])}")
    ok &= ess >= min_ess and int(s["failures"]) == 0
    if lam == 0:
        sampler = p["sample_sampler"]
        sampler = sampler.decode() if isinstance(sampler, bytes) else str(sampler)
        for name, ref in zip(names, discretized_gaussian(L, kappa, f["table/s"][:], sampler)):
            v, e = float(s["raw_" + name]), float(s["raw_" + name + "_error"])
            z = (v - ref) / e
            print(f"{path}: raw {name} = {v:.6f} +- {e:.2e}, discretized {sampler} with the exact score {ref:.6f}: {z:+.2f} s.e.")
            ok &= abs(z) <= nsigma and e > 0
    sys.exit(0 if ok else 1)


def load_table(path):
    f = h5py.File(path, "r")
    t = f["table"]
    return float(t.attrs["phi0"]), float(t.attrs["h"]), t["slope"][:], t["curvature"][:]


def hermite(phi0, h, u, w, x):
    p = (x - phi0) / h
    j = np.floor(p).astype(int)
    q = p - j
    q2, q3 = q * q, q * q * q
    return (2 * q3 - 3 * q2 + 1) * u[j] + (q3 - 2 * q2 + q) * h * w[j] + (-2 * q3 + 3 * q2) * u[j + 1] + (q3 - q2) * h * w[j + 1]


def check_table_order(lo, hi, paths, ref_path):
    ref = load_table(ref_path)
    errors, hs = [], []
    for p in paths:
        phi0, h, u, w = load_table(p)
        x = phi0 + h * np.arange(u.shape[1])
        m = np.abs(x) <= 3
        e = max(np.abs(u[k][m] - hermite(ref[0], ref[1], ref[2][k], ref[3][k], x[m])).max() for k in range(u.shape[0]))
        errors.append(e)
        hs.append(h)
        print(f"{p}: h = {h:.5f}, max |U_s' - reference| = {e:.3e}")
    ok = True
    for k in range(1, len(paths)):
        order = np.log(errors[k - 1] / errors[k]) / np.log(hs[k - 1] / hs[k])
        print(f"observed order {hs[k - 1]:.5f} -> {hs[k]:.5f}: {order:.2f} (expected in [{lo}, {hi}])")
        ok &= lo <= order <= hi
    sys.exit(0 if ok else 1)


def check_compare(a, b, nsigma):
    sa, sb = h5py.File(a, "r")["summary"].attrs, h5py.File(b, "r")["summary"].attrs
    ok = True
    for name in ("abs_magnetization", "susceptibility", "binder"):
        va, ea, vb, eb = float(sa[name]), float(sa[name + "_error"]), float(sb[name]), float(sb[name + "_error"])
        z = (va - vb) / np.hypot(ea, eb)
        print(f"{name}: {a} {va:.6f} +- {ea:.2e}, {b} {vb:.6f} +- {eb:.2e}: {z:+.2f} combined s.e. (tolerance {nsigma})")
        ok &= abs(z) <= nsigma and ea > 0 and eb > 0
    sys.exit(0 if ok else 1)


def denoiser_error(path):
    f = h5py.File(path, "r")
    p = f["parameters"].attrs
    kappa, lam = float(p["lattice_kappa"]), float(p["lattice_lambda"])
    assert kappa == 0, "denoiser: only at kappa = 0"
    phi0, h, u, w = load_table(path)
    s_levels = f["table/s"][:]
    x = np.linspace(-2.5, 2.5, 51)
    grid = np.linspace(-6, 6, 60001)  # 50 points per posterior width at s = 1e-4: trapezoid to round-off
    site = (1 - 2 * lam) * grid**2 + lam * grid**4
    worst = 0.0
    for k, s in enumerate(s_levels):
        expo = -site[None, :] - (grid[None, :] - x[:, None]) ** 2 / (2 * s)
        expo -= expo.max(axis=1, keepdims=True)
        wgt = np.exp(expo)
        exact = (wgt * grid[None, :]).sum(axis=1) / wgt.sum(axis=1)
        lo, hi = np.full_like(x, -10.0), np.full_like(x, 10.0)
        for _ in range(80):  # s U'(phi) + phi - x is increasing (U'' + 1/s > 0 at kappa = 0)
            mid = 0.5 * (lo + hi)
            g = s * hermite(phi0, h, u[k], w[k], mid) + mid - x
            lo, hi = np.where(g < 0, mid, lo), np.where(g < 0, hi, mid)
        err = np.abs(0.5 * (lo + hi) - exact).max()
        worst = max(worst, err)
        print(f"{path}: s = {s:.3g}: max |phi*(x) - E[phi|x]| over x in [-2.5, 2.5] = {err:.2e}")
    return worst


def check_samples(path):
    f = h5py.File(path, "r")
    p = f["parameters"].attrs
    L, chains, T, every = int(p["lattice_L"]), int(p["chains"]), int(p["trajectories"]), int(p["save_every"])
    samples, m = f["samples"][:], f["chains/magnetization"][:]
    saves = T // every
    assert samples.shape == (chains * saves, L, L), samples.shape
    expect = m[:, every - 1::every][:, :saves].reshape(-1)
    diff = np.abs(samples.mean(axis=(1, 2)) - expect).max()
    print(f"{path}: /samples {samples.shape}, every {every}-th; mean over sites vs /chains/magnetization: max difference {diff:.1e}")
    sys.exit(0 if diff < 1e-12 else 1)


def check_same(paths):
    files = [h5py.File(p, "r") for p in paths]
    names = []
    files[0].visititems(lambda n, o: names.append(n) if isinstance(o, h5py.Dataset) else None)
    ok = True
    for n in names:
        ref = files[0][n][:]
        for p, f in zip(paths[1:], files[1:]):
            same = ref.shape == f[n].shape and ref.tobytes() == f[n][:].tobytes()
            ok &= same
            if not same:
                print(f"{n}: {p} differs from {paths[0]}")
    s0 = files[0]["summary"].attrs
    for p, f in zip(paths[1:], files[1:]):
        for k in s0:
            if "seconds" in k:
                continue
            if not (s0[k] == f["summary"].attrs[k] or (np.isnan(s0[k]) and np.isnan(f["summary"].attrs[k]))):
                ok = False
                print(f"/summary {k}: {p} {f['summary'].attrs[k]} vs {s0[k]}")
    print(f"{len(names)} datasets and the summary compared across {paths}: {'bitwise equal' if ok else 'DIFFERENT'}")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd == "exact":
        check_exact(sys.argv[2], float(sys.argv[3]) if len(sys.argv) > 3 else 3.0)
    elif cmd == "samples":
        check_samples(sys.argv[2])
    elif cmd == "sampler":
        check_sampler(sys.argv[2], float(sys.argv[3]), float(sys.argv[4]))
    elif cmd == "compare":
        check_compare(sys.argv[2], sys.argv[3], float(sys.argv[4]))
    elif cmd == "denoiser":
        lo, hi, paths = float(sys.argv[2]), float(sys.argv[3]), sys.argv[4:]
        errors = [denoiser_error(path) for path in paths]
        orders = [np.log2(errors[k - 1] / errors[k]) for k in range(1, len(paths))]
        print(f"worst errors {', '.join(f'{e:.3e}' for e in errors)}; observed orders {', '.join(f'{o:.2f}' for o in orders)} (expected in [{lo}, {hi}])")
        sys.exit(0 if all(lo <= o <= hi for o in orders) else 1)
    elif cmd == "table-order":
        check_table_order(float(sys.argv[2]), float(sys.argv[3]), sys.argv[4:-1], sys.argv[-1])
    elif cmd == "same":
        check_same(sys.argv[2:])
    else:
        sys.exit(__doc__)
