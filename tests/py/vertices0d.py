#!/usr/bin/python3
"""Compares the IR vertices of an frg 0D run with the exact ones printed by tests/tools/exact0d.

Two readings of the same run:
  summary  /summary attributes gamma2, gamma4 (what frg reports; src/analysis/observables.c);
  fit      our own least-squares fit of the final u (last row of /flow/u) over the cells with
           0 < phi <= FIT_PHI by the cell averages of a1 phi + a3 phi^3 + a5 phi^5 + a7 phi^7; it tests
           the solution u itself, independent of how frg extracts the vertices.
Usage: vertices0d.py RUN.h5 EXACT.txt TOL2 TOL4 TOL6 FIT_TOL4 FIT_TOL6   (exit 1 if any error exceeds its tolerance)
"""
import sys

import h5py
import numpy as np

FIT_PHI = 0.5  # well inside the region where U is analytic for every test potential (kink at phi = 2)


def fitted_vertices(f):
    u, phi = f["flow/u"][-1], f["grid/phi"][:]
    h = phi[1] - phi[0]
    assert abs(phi[0]) < 1e-12 * h, "0D vertex fit needs the odd grid with cell 0 at phi = 0"
    x = phi[1:int(FIT_PHI / h) + 1]
    A = np.stack([((x + h / 2)**(p + 1) - (x - h / 2)**(p + 1)) / ((p + 1) * h) for p in (1, 3, 5, 7)], axis=1)
    c = np.linalg.lstsq(A, u[1:len(x) + 1], rcond=None)[0]
    return {"gamma2": c[0], "gamma4": 6 * c[1], "gamma6": 120 * c[2]}


def main():
    run, exact_file = sys.argv[1], sys.argv[2]
    tol2, tol4, tol6, fit4, fit6 = (float(x) for x in sys.argv[3:8])
    exact = {k: float(v) for k, v in (line.split() for line in open(exact_file) if line.strip())}
    with h5py.File(run, "r") as f:
        summary = {k: float(f["summary"].attrs[k]) for k in ("gamma2", "gamma4", "gamma6")}
        fit = fitted_vertices(f)
    checks = [("summary", "gamma2", tol2), ("summary", "gamma4", tol4), ("summary", "gamma6", tol6), ("fit", "gamma4", fit4), ("fit", "gamma6", fit6)]
    ok = True
    for source, name, tol in checks:
        value = (summary if source == "summary" else fit)[name]
        err = abs(value / exact[name] - 1)
        ok &= err <= tol
        print(f"{'ok ' if err <= tol else 'BAD'} {source:7} {name}: {value:.12g} exact {exact[name]:.12g} relative error {err:.2e} (tolerance {tol:.0e})")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
