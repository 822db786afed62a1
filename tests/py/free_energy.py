#!/usr/bin/python3
"""Property test of U0 = U_k(0), the free energy density of zero-dimensional O(N) flows.

In d = 0 with the mass-like regulator R = k^2 the flow frg integrates (with the constant its kernels
subtract, include/frg/kernel.h) keeps the measure normalized, and at phi = 0, where J = Gamma'(0) = 0
for a symmetric potential,

    U0 = Gamma_k(0) = -ln[ (k^2/2 pi)^(N/2) S_{N-1} int_0^inf rho^(N-1) exp(-S(rho) - k^2 rho^2/2) drho ],

S_{N-1} = 2 pi^(N/2)/Gamma(N/2) (doc/physics.md 2.1 and src/analysis/observables.c). Seeded random
potentials (convex quartic, double well, sextic), N = 1..4, Lambda = 1e4..1e8 and an IR scale k^2 =
1e-8..1e-1 are each run through frg and compared with this integral by adaptive quadrature (scipy):
  - accurate: |U0 - exact| <= --tolerance * max(1, |exact|);
  - honest:   |U0 - exact| <= 3 U0_error (the flow's own error estimate), and U0_error not 1000x the
              tolerance (an estimate that says nothing).
Prints one line per case and exits 1 if any case fails.
"""
import argparse
import math
import os
import subprocess
import sys

import h5py
import numpy as np
from scipy.integrate import quad
from scipy.special import gammaln


def exact_u0(S, N, r):
    """-ln of the normalized regulated partition function at phi = 0 (see the module text)."""
    shift = min(S(x) for x in np.linspace(0, 8, 4001))  # keeps exp() in range
    integral, _ = quad(lambda x: x ** (N - 1) * math.exp(-(S(x) - shift) - 0.5 * r * x * x), 0, np.inf, epsabs=0, epsrel=1e-13, limit=400)
    log_sphere = math.log(2) + 0.5 * N * math.log(math.pi) - gammaln(0.5 * N)
    return -(0.5 * N * math.log(r / (2 * math.pi)) + log_sphere + math.log(integral) - shift)


def draw(rng):
    """A potential (muparser text, python function) that is bounded below and large at phi_max = 6."""
    while True:
        family = rng.choice(["quartic", "double_well", "sextic"])
        if family == "quartic":
            c = [rng.uniform(0.2, 2.0), rng.uniform(0.3, 2.0), 0.0]
        elif family == "double_well":
            c = [-rng.uniform(0.2, 1.5), rng.uniform(0.5, 2.0), 0.0]
        else:
            c = [rng.uniform(-1.0, 1.0), rng.uniform(-0.5, 1.0), rng.uniform(0.5, 3.0)]

        def S(x, c=c):
            return c[0] * x * x / 2 + c[1] * x**4 / 24 + c[2] * x**6 / 720

        xs = np.linspace(0, 6, 601)
        if S(6.0) - min(S(x) for x in xs) >= 30 and all(np.diff([S(x) for x in np.linspace(5, 6, 11)]) > 0):
            text = f"{c[0]:.6g}*phi^2/2 + {c[1]:.6g}*phi^4/24" + (f" + {c[2]:.6g}*phi^6/720" if c[2] else "")
            return family, text, S


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--frg", required=True)
    p.add_argument("--cases", type=int, default=24)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--ranks", default="1,2")
    p.add_argument("--tolerance", type=float, default=5e-5, help="relative to max(1, |exact|): the 800-cell scheme's O(h^2) error is 1e-5..3e-5")
    p.add_argument("--cells", type=int, default=800)
    args = p.parse_args()
    for k, v in {"OMPI_ALLOW_RUN_AS_ROOT": "1", "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM": "1"}.items():
        os.environ.setdefault(k, v)
    rng = np.random.default_rng(args.seed)
    ranks = [int(r) for r in args.ranks.split(",")]
    failures = 0
    for i in range(args.cases):
        family, text, S = draw(rng)
        N = int(rng.integers(1, 5))
        Lambda = 10 ** rng.uniform(4, 8)
        k2_ir = 10 ** rng.uniform(-8, -1)
        t_ir = 0.5 * math.log(Lambda**2 / k2_ir)
        n = ranks[i % len(ranks)]
        out = f"fe{i}.h5"
        cmd = [args.frg, "-model", "on", "-d", "0", "-N", str(N), "-potential", text, "-Lambda", repr(Lambda), "-t_ir", repr(t_ir),
               "-grid_cells", str(args.cells), "-grid_phi_max", "6", "-rtol", "1e-8", "-atol", "1e-10", "-progress", "0", "-output", out]
        if n > 1:
            cmd = ["mpirun", "-n", str(n), "--oversubscribe"] + cmd
        run = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        if run.returncode:
            print(f"FAIL case {i}: frg exited {run.returncode}: {run.stderr.strip()[-400:]}")
            failures += 1
            continue
        with h5py.File(out, "r") as f:
            s = f["summary"].attrs
            u0, u0_error, k = float(s["U0"]), float(s["U0_error"]), float(s["k"])
        os.unlink(out)
        exact = exact_u0(S, N, k * k)
        error = abs(u0 - exact)
        scale = max(1.0, abs(exact))
        bad = []
        if not error <= args.tolerance * scale:
            bad.append(f"error {error:.3g} > {args.tolerance:g} x {scale:.3g}")
        if not error <= 3 * u0_error:
            bad.append(f"error {error:.3g} > 3 x its estimate {u0_error:.3g}")
        if not u0_error <= 1000 * args.tolerance * scale:
            bad.append(f"estimate {u0_error:.3g} says nothing")
        print(f"{'FAIL' if bad else 'ok  '} case {i:2d} {family:11s} N={N} Lambda={Lambda:.3g} k^2={k * k:.3g} ranks={n}: U0 {u0:.10g} ± {u0_error:.2g}, exact {exact:.10g}, error {error:.2g}"
              + ("; " + "; ".join(bad) if bad else ""))
        failures += bool(bad)
    print(f"{args.cases - failures} of {args.cases} cases passed (seed {args.seed})")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
