#!/usr/bin/python3
"""Plot an frg flow: U(phi) and u = U'(phi) at several scales, and the observables against k.

    /usr/bin/python3 tools/plot_flow.py FILE.h5 [-o FILE.png]
"""
import argparse
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from frg_read import FrgResult  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("file")
    parser.add_argument("-o", "--output", help="PNG file (default: FILE.png)")
    parser.add_argument("--curves", type=int, default=7, help="number of scales drawn")
    args = parser.parse_args()
    r = FrgResult(args.file)
    out = args.output or os.path.splitext(args.file)[0] + ".png"
    fig, ax = plt.subplots(2, 2, figsize=(11, 8))
    picks = np.unique(np.linspace(0, len(r.t) - 1, args.curves).round().astype(int))
    cmap = plt.get_cmap("viridis")
    for j, i in enumerate(picks):
        color = cmap(j / max(1, len(picks) - 1))
        label = f"t = {r.t[i]:.3g}, k = {r.k[i]:.2e}"
        ax[0, 0].plot(r.phi, r.potential(i), color=color, label=label)
        ax[0, 1].plot(r.phi, r.u[i], color=color, label=label)
    ax[0, 0].set(xlabel=r"$\phi$", ylabel=r"$U_k(\phi) - U_k(0)$", title="effective potential")
    ax[0, 1].set(xlabel=r"$\phi$", ylabel=r"$u = \partial_\phi U_k$", title="u (the unknown)")
    ax[0, 1].axhline(0, color="grey", lw=0.5)
    ax[0, 0].legend(fontsize=7)
    obs = r.observables
    k = obs.get("k", r.k)
    ax[1, 0].semilogx(k, obs["phi0"], label=r"$\phi_0$")
    ax[1, 0].invert_xaxis()
    ax[1, 0].set(xlabel="k", ylabel=r"$\phi_0$", title="condensate (minimum of U)")
    for name in ("m2_radial", "m2_goldstone", "gamma2"):
        if name in obs:
            ax[1, 1].semilogx(k, obs[name], label=name)
    ax[1, 1].invert_xaxis()
    ax[1, 1].set(xlabel="k", ylabel="mass$^2$", title="masses and $\\Gamma^{(2)}(0)$")
    ax[1, 1].legend(fontsize=8)
    p = r.parameters
    fig.suptitle(f"frg: N = {p.get('N', '?')}, d = {p.get('d', '?')}, U_Lambda = {p.get('potential', '?')}", fontsize=10)
    fig.tight_layout()
    fig.savefig(out, dpi=110)
    print(f"plot_flow: wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
