#!/usr/bin/python3
"""Property test: zero-dimensional O(N) flows drawn by a seeded generator, each against exact quadrature.

In d = 0 the Wetterich equation is exact, so the vertices of the flow at its final scale k^2 = r must
equal those of the 0D partition function with the regulator term r sigma^2/2 added to the action
(tests/tools/exact0d -r). Each case draws
  N          from {1, 2, 3, 4, 5},
  Lambda     from {1e4, 1e6, 1e8, 1e10, 1e12},
  t_IR       from {30, 60}   (at Lambda = 1e12 and t_IR = 30 the flow stops at r = 8.8e-3: the
                              finite-r reference checks that too),
  potential  from five families with random coefficients: convex a phi^2/2 + b phi^4/24, flat-bottom
             b phi^4/24, double well -a phi^2/2 + b phi^4/24, sextic a phi^2/2 - b phi^4/20 + c phi^6/720,
             and piecewise (a kink at a random phi_k),
  output     with stops at many output times (-output_every), or none (-output_times t_IR), with or
             without progress lines,
  ranks      1 or 2,
and the grid edge phi_max where U - min U = 30 (the weight e^-30 is negligible), 800 cells.
Checks: Gamma2 within TOL2 relative to the exact value, Gamma4 within TOL4 relative to its natural
scale max(|Gamma4|, Gamma2^2/10) (a sextic potential can make Gamma4 nearly vanish, and no grid gives
1e-3 of a vanishing number: Gamma4/Gamma2^2 is the dimensionless coupling), exit code 0.
With --error-estimates the summary's gamma2_error and gamma4_error must be honest: the true error at
most 3 times the estimate, and the estimate at most 100 times the true error (unless the true error is
below FLOOR relative, 10 rtol).

Usage: sweep0d.py --frg FRG --exact EXACT0D [--cases 120] [--seed 20261202] [--ranks 1,2]
                  [--tol2 1e-5] [--tol4 1e-3] [--error-estimates] [--jobs 2]
Prints one line per case; exit 1 if any case fails.
"""
import argparse
import concurrent.futures
import math
import os
import random
import subprocess
import sys
import tempfile

import h5py

FAMILIES = ("convex", "flat", "double_well", "sextic", "piecewise")
LAMBDAS = (1e4, 1e6, 1e8, 1e10, 1e12)
FLOOR = 1e-7  # relative: below 10 rtol a true error is at the noise level of the integration (its global
               # error is ~30 rtol) and may vanish by a chance cancellation of its parts; it must be
               # covered by the estimate, but the estimate need not come within 100x of it


def draw(rng, index, ranks):
    """One case: (N, Lambda, t_IR, family, expression, breaks, output options, ranks)."""
    family = FAMILIES[index % len(FAMILIES)]  # every family equally often; the rest is random
    a, b, c = rng.uniform(0.3, 1.5), rng.uniform(0.5, 3.0), rng.uniform(0.5, 2.0)
    a, b, c = float(f"{a:.6g}"), float(f"{b:.6g}"), float(f"{c:.6g}")
    breaks = ""
    if family == "convex":
        expr, U = f"{a}*phi^2/2 + {b}*phi^4/24", lambda x: a * x**2 / 2 + b * x**4 / 24
    elif family == "flat":
        expr, U = f"{b}*phi^4/24", lambda x: b * x**4 / 24
    elif family == "double_well":
        expr, U = f"-{a}*phi^2/2 + {b}*phi^4/24", lambda x: -a * x**2 / 2 + b * x**4 / 24
    elif family == "sextic":
        b = float(f"{b / 3:.6g}")
        expr, U = f"{a}*phi^2/2 - {b}*phi^4/20 + {c}*phi^6/720", lambda x: a * x**2 / 2 - b * x**4 / 20 + c * x**6 / 720
    else:  # a double well whose quadratic part freezes beyond phi_k: U is C^1 with a jump of U''
        k = float(f"{rng.uniform(1.0, 2.5):.4g}")
        expr = f"{b}*phi^4/24 + (phi < {k} ? -{a}*phi^2/2 : -{a}*{k}*phi + {a}*{k}^2/2)"
        U = lambda x: b * x**4 / 24 + (-a * x**2 / 2 if x < k else -a * k * x + a * k**2 / 2)
        breaks = f"{k}"
    N = rng.choice((1, 2, 3, 4, 5))
    Lambda = rng.choice(LAMBDAS)
    t_ir = rng.choice((30, 60))
    stops = rng.random() < 0.5
    output = ["-output_every", f"{rng.uniform(0.3, 3):.4g}"] if stops else ["-output_times", str(t_ir)]
    output += ["-progress", "1" if rng.random() < 0.3 else "0"]
    return dict(N=N, Lambda=Lambda, t_ir=t_ir, family=family, expr=expr, U=U, breaks=breaks, output=output, ranks=rng.choice(ranks), stops=stops)


def phi_max_of(U):
    """The field beyond the minimum where U - min U first exceeds 30 (the weight e^-30 is negligible)."""
    xs = [0.01 * i for i in range(1, 2001)]
    values = [U(x) for x in xs]
    lowest = min(values)
    for x, v in zip(xs, values):
        if x > xs[values.index(lowest)] and v - lowest > 30:
            return round(x, 3)
    raise ValueError("U does not rise by 30 below phi = 20")


def exact(exact0d, case, r):
    cmd = [exact0d, "-N", str(case["N"]), "-potential", case["expr"], "-r", repr(r)]
    if case["breaks"]:
        cmd += ["-breaks", case["breaks"]]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=True).stdout
    return {line.split()[0]: float(line.split()[1]) for line in out.splitlines()}


def run_case(args, i, case):
    r = (case["Lambda"] * math.exp(-case["t_ir"])) ** 2
    ref = exact(args.exact, case, r)
    phi_max = phi_max_of(case["U"])
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "o.h5")
        cmd = [args.frg, "-model", "on", "-d", "0", "-N", str(case["N"]), "-Lambda", repr(case["Lambda"]), "-t_ir", str(case["t_ir"]),
               "-potential", case["expr"], "-grid_cells", "800", "-grid_phi_max", repr(phi_max), "-output", out] + case["output"] + args.extra
        if case["ranks"] > 1:
            cmd = ["mpirun", "-n", str(case["ranks"]), "--oversubscribe"] + cmd
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
        if proc.returncode != 0:
            return False, f"exit {proc.returncode}: {proc.stderr.strip()[-300:]}"
        with h5py.File(out, "r") as f:
            s = f["summary"].attrs
            got = {name: float(s[name]) for name in ("gamma2", "gamma4")}
            estimates = {name: float(s[name + "_error"]) for name in ("gamma2", "gamma4") if name + "_error" in s}
            steps = int(s["steps"])
    notes, ok = [], True
    for name, tol in (("gamma2", args.tol2), ("gamma4", args.tol4)):
        scale = abs(ref[name]) if name == "gamma2" else max(abs(ref[name]), ref["gamma2"] ** 2 / 10)
        err = abs(got[name] - ref[name]) / scale
        notes.append(f"{name} {got[name]:.10g} err {err:.2e}")
        if not err <= tol:
            ok = False
            notes[-1] += f" > {tol:g}"
        if args.error_estimates:
            if name not in estimates:
                return False, f"no {name}_error in /summary"
            est = estimates[name] / scale
            notes[-1] += f" est {est:.2e}"
            if err > 3 * est or (err > FLOOR and est > 100 * err):
                ok = False
                notes[-1] += " DISHONEST"
    notes.append(f"steps {steps}")
    return ok, ", ".join(notes)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--frg", required=True)
    parser.add_argument("--exact", required=True)
    parser.add_argument("--cases", type=int, default=120)
    parser.add_argument("--seed", type=int, default=20261202)
    parser.add_argument("--ranks", default="1,2")
    parser.add_argument("--tol2", type=float, default=1e-5)
    parser.add_argument("--tol4", type=float, default=1e-3)
    parser.add_argument("--error-estimates", action="store_true")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("extra", nargs="*", help="more frg options, after --")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    ranks = tuple(int(x) for x in args.ranks.split(","))
    cases = [draw(rng, i, ranks) for i in range(args.cases)]
    failed = 0
    # one-rank cases two at a time (two cores), two-rank cases alone
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        futures = {i: pool.submit(run_case, args, i, c) for i, c in enumerate(cases) if c["ranks"] == 1}
        results = {i: f.result() for i, f in futures.items()}
    for i, c in enumerate(cases):
        if c["ranks"] > 1:
            results[i] = run_case(args, i, c)
    for i, c in enumerate(cases):
        ok, text = results[i]
        failed += not ok
        print(f"{'ok  ' if ok else 'FAIL'} {i:3d} N={c['N']} Lambda={c['Lambda']:.0e} t_ir={c['t_ir']} ranks={c['ranks']} "
              f"{'stops' if c['stops'] else 'no-stops'} {c['family']:11s} U={c['expr']}: {text}")
    print(f"{len(cases) - failed} of {len(cases)} cases passed (seed {args.seed})")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
