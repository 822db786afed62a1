#!/usr/bin/python3
"""Reader for frg result files (HDF5), usable without frg itself.

    from frg_read import FrgResult
    r = FrgResult("frg_default.h5")
    r.phi, r.t, r.k, r.u            # grid, output times, scales, u = dU/dphi [time, cell]
    r.potential(i)                  # U(phi) at output i (integral of u, U(0) = 0)
    r.observables["phi0"]           # per output time
    r.summary, r.parameters, r.provenance   # dicts of attributes

Command line: /usr/bin/python3 tools/frg_read.py FILE.h5   prints summary, parameters and provenance.
"""
import sys

import h5py
import numpy as np


def _attrs(group):
    out = {}
    for key, value in group.attrs.items():
        if isinstance(value, bytes):
            value = value.decode()
        elif isinstance(value, np.generic):
            value = value.item()
        out[key] = value
    return out


class FrgResult:
    def __init__(self, path):
        with h5py.File(path, "r") as f:
            if "provenance" not in f or "frg_version" not in f["provenance"].attrs:
                raise ValueError(f"{path} is not an frg result file (no /provenance/frg_version)")
            self.phi = f["grid/phi"][:] if "grid/phi" in f else None
            self.t = f["flow/t"][:] if "flow/t" in f else None
            self.k = f["flow/k"][:] if "flow/k" in f else None
            self.u = f["flow/u"][:] if "flow/u" in f else None
            self.observables = {k: v[:] for k, v in f["observables"].items()} if "observables" in f else {}
            self.summary = _attrs(f["summary"]) if "summary" in f else {}
            self.parameters = _attrs(f["parameters"]) if "parameters" in f else {}
            self.provenance = _attrs(f["provenance"])

    def potential(self, i):
        """U(phi) at output i from the cell averages of u = U' (trapezoid in the cell centres, U(0)=0)."""
        u = self.u[i]
        h = self.phi[1] - self.phi[0]
        return np.concatenate([[0.0], np.cumsum(0.5 * (u[1:] + u[:-1]) * h)])


def main(argv):
    if len(argv) != 2:
        print(__doc__)
        return 2
    r = FrgResult(argv[1])
    for title, d in (("summary", r.summary), ("parameters", r.parameters), ("provenance", r.provenance)):
        print(f"[{title}]")
        for key, value in d.items():
            if key in ("deck", "options") and isinstance(value, str):
                value = value.strip().replace("\n", " | ")
            print(f"  {key:18s} {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
