#!/usr/bin/python3
"""Plot a scan table of frg (-task scan) as PNG.

    tools/plot_scan.py SCAN.h5 [-x d] [-y phi0] [--by N] [-o scan.png]
    tools/plot_scan.py SCAN.h5 --nu CRITICAL -x m2 -y m2_radial [-o nu.png]

The table is /scan/<column> in the HDF5 file (or the CSV beside it). Default: every numeric result
against the first scanned axis, one curve per value of the second axis (--by). For a bisection scan
(column critical) the default is the phase boundary: the critical value against the first axis.
With --nu C, the y column (an IR mass squared m_R^2) is fitted as m_R ~ |x - C|^nu on a log-log plot
and nu is printed: the correlation-length exponent, xi = 1/m_R ~ |x - C|^(-nu).
Only failed points (status != 0) are left out. Needs numpy, h5py and matplotlib.
"""
import argparse
import sys

import h5py
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402


def read_table(path):
    with h5py.File(path, "r") as f:
        scan = f["scan"]
        table = {k: scan[k][:] for k in scan}
        axes = [a.split("=")[0].strip().lstrip("-") for part in ("vary", "zip")
                for a in scan.attrs[part].decode().split(";") if "=" in a] if "vary" in scan.attrs else []
    for k, v in table.items():
        if v.dtype.kind in "SO":
            table[k] = np.array([x.decode() if isinstance(x, bytes) else x for x in v])
    return table, axes


def fit_nu(x, m2, critical):
    delta, mass = np.abs(x - critical), np.sqrt(np.abs(m2))
    keep = (delta > 0) & (mass > 0)
    slope, intercept = np.polyfit(np.log(delta[keep]), np.log(mass[keep]), 1)
    return slope, intercept, delta[keep], mass[keep]


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("table")
    p.add_argument("-x", help="column on the x axis (default: first scanned option)")
    p.add_argument("-y", action="append", help="column(s) on the y axis (default: all results)")
    p.add_argument("--by", help="one curve per value of this column (default: second scanned option)")
    p.add_argument("--nu", type=float, help="critical value: fit m_R = sqrt(y) ~ |x - C|^nu")
    p.add_argument("-o", "--output", default=None, help="PNG file (default: TABLE.png)")
    args = p.parse_args()
    table, axes = read_table(args.table)
    ok = table["status"] == 0
    x = args.x or (axes[0] if axes else "point")
    output = args.output or args.table.rsplit(".", 1)[0] + ".png"
    if args.nu is not None:
        y = (args.y or ["m2_radial"])[0]
        nu, intercept, delta, mass = fit_nu(table[x][ok].astype(float), table[y][ok].astype(float), args.nu)
        print(f"nu = {nu:.6f} from {len(delta)} points, |{x} - {args.nu}| in [{delta.min():.3g}, {delta.max():.3g}]")
        plt.loglog(delta, mass, "o", label="frg")
        plt.loglog(delta, np.exp(intercept) * delta ** nu, "-", label=f"fit: nu = {nu:.4f}")
        plt.xlabel(f"|{x} - {x}_c|")
        plt.ylabel(f"m_R = sqrt({y})")
    else:
        results = args.y or (["critical"] if "critical" in table else ["phi0", "m2_radial", "gamma2", "gamma4"])
        by = args.by or (axes[1] if len(axes) > 1 and axes[1] != x else None)
        groups = sorted(set(table[by][ok])) if by else [None]
        fig, panels = plt.subplots(len(results), 1, figsize=(6, 2.6 * len(results)), squeeze=False)
        for panel, y in zip(panels[:, 0], results):
            for g in groups:
                sel = ok & (table[by] == g) if by else ok
                order = np.argsort(table[x][sel].astype(float))
                panel.plot(table[x][sel].astype(float)[order], table[y][sel].astype(float)[order], "o-", label=f"{by} = {g}" if by else None)
            panel.set_xlabel(x)
            panel.set_ylabel("phase boundary: " + y if y == "critical" else y)
            if by:
                panel.legend(fontsize="small")
        fig.tight_layout()
    plt.savefig(output, dpi=120)
    print(f"wrote {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
