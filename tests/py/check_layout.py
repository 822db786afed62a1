#!/usr/bin/python3
"""Checks that an frg result file has the layout of issue 2, item 6, and that its contents agree with
each other and with the run that wrote it.

Usage: check_layout.py RUN.h5 DECK CELLS PHI_MAX LAMBDA T_IR RANKS POTENTIAL_PY TIMES
  POTENTIAL_PY  the UV potential as a numpy expression in phi (to check the initial cell averages)
  TIMES         comma-separated expected /flow/t
"""
import sys

import h5py
import numpy as np

OBSERVABLES = ["t", "k", "phi0", "m2_radial", "m2_goldstone", "gamma2", "gamma4", "gamma6"]
SUMMARY = ["t", "k", "phi0", "m2_radial", "m2_goldstone", "gamma2", "gamma4", "gamma6", "steps", "rhs_evals", "wall_seconds", "ranks"]
PROVENANCE = ["frg_version", "petsc_version", "sundials_version", "hdf5_version", "deck"]

problems = []


def check(cond, what):
    print(("ok   " if cond else "BAD  ") + what)
    if not cond:
        problems.append(what)


def text(v):
    return v.decode() if isinstance(v, bytes) else str(v)


def main():
    run, deck, cells, phi_max, Lambda, t_ir, ranks, potential, times = sys.argv[1:10]
    cells, phi_max, Lambda, t_ir, ranks = int(cells), float(phi_max), float(Lambda), float(t_ir), int(ranks)
    times = np.array([float(x) for x in times.split(",")])
    with h5py.File(run, "r") as f:
        for name in ["grid/phi", "flow/t", "flow/u"] + ["observables/" + o for o in OBSERVABLES]:
            check(name in f and isinstance(f[name], h5py.Dataset), f"dataset /{name} exists")
        if problems:
            return
        phi, t, u = f["grid/phi"][:], f["flow/t"][:], f["flow/u"][:]
        h = phi_max / (cells - 0.5)  # odd left end: cell 0 centred at 0, last cell ends at phi_max
        check(phi.shape == (cells,) and np.allclose(phi, h * np.arange(cells), rtol=0, atol=1e-12 * phi_max), f"/grid/phi = i h, h = phi_max/(cells - 1/2), {cells} cells")
        check(np.allclose(t, times, rtol=1e-12, atol=1e-12), f"/flow/t = {t.tolist()} (expected {times.tolist()})")
        check(u.shape == (len(t), cells), f"/flow/u is [time, cell] = {u.shape}")
        for o in OBSERVABLES:
            check(f["observables/" + o].shape == (len(t),), f"/observables/{o} has one value per output time")
        check(np.allclose(f["observables/t"][:], t, rtol=1e-12, atol=0), "/observables/t equals /flow/t")
        check(np.allclose(f["observables/k"][:], Lambda * np.exp(-t), rtol=1e-12), "/observables/k = Lambda e^{-t}")
        # initial condition: exact cell averages of U' (doc/physics.md 2.1), u_0 = 0 by symmetry
        U = lambda phi: eval(potential, {"np": np, "phi": phi})
        expected = (U(np.abs(phi - h / 2)) - U(phi + h / 2)) / -h
        expected[0] = 0
        check(np.allclose(u[0], expected, rtol=1e-12, atol=1e-12), "first row of /flow/u is the cell average of U_Lambda'")
        s = f["summary"].attrs
        for name in SUMMARY:
            check(name in s, f"/summary attribute {name}")
        if problems:
            return
        check(abs(s["t"] - t_ir) < 1e-12 and abs(s["k"] / (Lambda * np.exp(-t_ir)) - 1) < 1e-12, "/summary t, k are the IR values")
        for o in OBSERVABLES:
            check(s[o] == f["observables/" + o][-1], f"/summary {o} is the last /observables/{o}")
        check(int(s["ranks"]) == ranks and s["steps"] > 0 and s["rhs_evals"] >= s["steps"] and s["wall_seconds"] > 0, "/summary ranks, steps, rhs_evals, wall_seconds")
        p = f["provenance"].attrs
        for name in PROVENANCE:
            check(name in p and len(text(p[name])) > 0, f"/provenance attribute {name}")
        check(text(p.get("deck", "")) == open(deck).read(), "/provenance deck is the deck text, verbatim")
        check("6.4" in text(p.get("sundials_version", "")) and "3.18" in text(p.get("petsc_version", "")), "/provenance versions name SUNDIALS 6.4 and PETSc 3.18")


if __name__ == "__main__":
    main()
    sys.exit(1 if problems else 0)
