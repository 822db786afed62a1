#!/usr/bin/python3
"""Property test of -model field (one real field without symmetry, d = 0): seeded random asymmetric
potentials U = a phi^4/4 + b phi^3/3 + c phi^2/2 + e phi (a > 0), each against quadrature.

In d = 0 Gamma_IR is the Legendre transform of W(J) = ln int exp(-U + J phi), so its minimum lies at
the mean <phi> and its derivatives there are those of the inverted cumulant series:
    Gamma2 = 1/c2,  Gamma3 = -c3/c2^3,  Gamma4 = -c4/c2^4 + 3 c3^2/c2^5
(c_n the cumulants of the density exp(-U)/Z, by scipy quadrature here, independent of frg). Checks:
phi0 within TOL_PHI of the mean (absolute, relative to the standard deviation), Gamma2 within
TOL2 relative, Gamma3 and Gamma4 within TOL3, TOL4 of their natural scales Gamma2^1.5 and Gamma2^2;
and the error estimates honest: each true error at most 3 times its estimate, and the estimate at most
100 times the true error where that exceeds FLOOR of the scale (below, the scatter of the
least-squares fit's higher derivatives between grids lets a true error vanish by chance).

Usage: field0d.py --frg FRG [--cases 24] [--seed 1] [--ranks 1,2]   (exit 1 if any case fails)
"""
import argparse
import os
import random
import subprocess
import sys
import tempfile

import h5py
import numpy as np
from scipy.integrate import quad

NAMES = ("phi0", "gamma2", "gamma3", "gamma4")
# below these (relative to the scale) a true error may vanish by chance: the fit of 16 cell averages
# scatters gamma3 and gamma4 by ~1e-4 between grids (401, 801, 1601 cells), phi0 and gamma2 by ~1e-6
FLOOR = {"phi0": 1e-6, "gamma2": 1e-6, "gamma3": 1e-5, "gamma4": 1e-5}


def exact(a, b, c, e):
    U = lambda x: a * x**4 / 4 + b * x**3 / 3 + c * x**2 / 2 + e * x
    xs = np.linspace(-30, 30, 60001)
    lo = xs[np.argmin(U(xs))]
    w = lambda x, p, mu=0.0: (x - mu) ** p * np.exp(-(U(x) - U(lo)))
    kw = dict(epsabs=0, epsrel=1e-13, limit=400, points=[lo])
    Z = quad(w, lo - 30, lo + 30, args=(0,), **kw)[0]
    mu = quad(w, lo - 30, lo + 30, args=(1,), **kw)[0] / Z
    m = [quad(w, lo - 30, lo + 30, args=(p, mu), **kw)[0] / Z for p in (2, 3, 4)]
    c2, c3, c4 = m[0], m[1], m[2] - 3 * m[0] ** 2
    return {"phi0": mu, "gamma2": 1 / c2, "gamma3": -c3 / c2**3, "gamma4": -c4 / c2**4 + 3 * c3**2 / c2**5}, U, lo


def phi_max_of(U, lo):
    """The edge: symmetric about 0, where U - U(lo) exceeds 30 on both sides."""
    xs = np.linspace(0, 30, 30001)
    right = xs[np.argmax(U(xs) - U(lo) > 30)]
    left = xs[np.argmax(U(-xs) - U(lo) > 30)]
    return round(float(max(right, left)), 3)


def run_case(args, i, rng):
    a, b, c, e = rng.uniform(0.5, 2), rng.uniform(-0.6, 0.6), rng.uniform(-1.5, 1), rng.uniform(-1, 1)
    ref, U, lo = exact(a, b, c, e)
    pm = phi_max_of(U, lo)
    ranks = rng.choice(args.ranks)
    expr = f"{a:.17g}*phi^4/4 + {b:.17g}*phi^3/3 + {c:.17g}*phi^2/2 + {e:.17g}*phi"
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "f.h5")
        cmd = [args.frg, "-model", "field", "-potential", expr, "-grid_cells", "801", "-grid_phi_max", repr(pm), "-output", out, "-progress", "0"]
        if ranks > 1:
            cmd = ["mpirun", "-n", str(ranks), "--oversubscribe"] + cmd
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
        if proc.returncode:
            return False, f"U = {expr}: exit {proc.returncode}: {proc.stderr.strip()[-300:]}"
        with h5py.File(out, "r") as f:
            s = f["summary"].attrs
            got = {n: float(s[n]) for n in NAMES}
            est = {n: float(s[n + "_error"]) for n in NAMES}
    g2 = ref["gamma2"]
    scale = {"phi0": g2**-0.5, "gamma2": abs(g2), "gamma3": max(abs(ref["gamma3"]), g2**1.5), "gamma4": max(abs(ref["gamma4"]), g2**2)}
    tol = {"phi0": args.tol_phi, "gamma2": args.tol2, "gamma3": args.tol3, "gamma4": args.tol4}
    ok, notes = True, []
    for n in NAMES:
        err = abs(got[n] - ref[n]) / scale[n]
        e_rel = est[n] / scale[n]
        bad = err > tol[n] or err > 3 * e_rel or (err > FLOOR[n] and e_rel > 100 * err)
        ok &= not bad
        notes.append(f"{n} {got[n]:.10g} err {err:.1e} est {e_rel:.1e}{' FAIL' if bad else ''}")
    return ok, f"ranks={ranks} U = {expr}: " + ", ".join(notes)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--frg", required=True)
    parser.add_argument("--cases", type=int, default=24)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--ranks", type=lambda s: [int(x) for x in s.split(",")], default=[1, 2])
    parser.add_argument("--tol-phi", type=float, default=1e-4)
    parser.add_argument("--tol2", type=float, default=1e-4)
    parser.add_argument("--tol3", type=float, default=1e-3)
    parser.add_argument("--tol4", type=float, default=1e-2)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    failed = 0
    for i in range(args.cases):
        ok, text = run_case(args, i, rng)
        failed += not ok
        print(f"{'ok  ' if ok else 'FAIL'} {i:2d} {text}")
    print(f"{args.cases - failed} of {args.cases} cases passed (seed {args.seed})")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
