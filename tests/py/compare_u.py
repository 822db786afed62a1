#!/usr/bin/python3
"""Max-norm relative difference of the final u (last row of /flow/u) between result files.
Usage: compare_u.py TOL REFERENCE.h5 OTHER.h5 [OTHER.h5 ...]; exit 1 if any difference exceeds TOL,
or if the grids differ."""
import sys

import h5py
import numpy as np

tol, ref = float(sys.argv[1]), sys.argv[2]
with h5py.File(ref, "r") as f:
    u0, phi0 = f["flow/u"][-1], f["grid/phi"][:]
ok = True
for other in sys.argv[3:]:
    with h5py.File(other, "r") as f:
        u, phi = f["flow/u"][-1], f["grid/phi"][:]
        steps = int(f["summary"].attrs["steps"])
    if phi.shape != phi0.shape or np.abs(phi - phi0).max() > 1e-14 * np.abs(phi0).max():
        print(f"BAD {other}: grid differs from {ref}")
        ok = False
        continue
    diff = np.abs(u - u0).max() / np.abs(u0).max()
    ok &= diff <= tol
    print(f"{'ok ' if diff <= tol else 'BAD'} {other} ({steps} steps) vs {ref}: max|du|/max|u| = {diff:.3e} (tolerance {tol:.0e})")
sys.exit(0 if ok else 1)
