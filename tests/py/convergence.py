#!/usr/bin/python3
"""Observed order of the Gamma2 error under grid refinement.
Usage: convergence.py EXACT_GAMMA2 LOW HIGH RUN_1.h5 RUN_2.h5 ... (cells doubling from file to file);
the order log2(e_i/e_{i+1}) of every pair must lie in [LOW, HIGH]."""
import math
import sys

import h5py

exact, low, high, runs = float(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), sys.argv[4:]
errors, cells = [], []
for r in runs:
    with h5py.File(r, "r") as f:
        errors.append(abs(float(f["summary"].attrs["gamma2"]) / exact - 1))
        cells.append(int(f["grid"].attrs["cells"]))
ok = True
for i, (c, e) in enumerate(zip(cells, errors)):
    line = f"{c:6d} cells: Gamma2 relative error {e:.3e}"
    if i:
        order = math.log(errors[i - 1] / e) / math.log(c / cells[i - 1])
        good = low <= order <= high
        ok &= good
        line += f"   order {order:.3f} {'ok' if good else 'BAD'} (allowed [{low}, {high}])"
    print(line)
sys.exit(0 if ok else 1)
