#!/usr/bin/python3
"""Plots of an frg -task sample result (DESIGN.md 2.3), one PNG with three panels:
  1. histogram of /samples over the exact density p_0 = exp(-S)/Z (/target);
  2. the score at several noise levels: the flow's -u(phi) at x = phi + s u(phi) (/score_flow/u_check), beside the
     exact Tweedie score by quadrature of the target;
  3. the flow of Gamma_R (from u = Gamma_R' at the table levels) beside the smoothed log-density V_s = -ln p_s
     (quadrature), both shifted to their minimum: the Moreau envelope relates the two.
Usage: /usr/bin/python3 tools/plot_diffusion.py RESULT.h5 [OUT.png]
"""
import sys
import h5py
import numpy as np
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt


def exact_smoothed(phi_t, p_t, x, s):
    """p_s(x) and the Tweedie score of p_0 * N(0, s) by quadrature on the stored target grid."""
    h = phi_t[1] - phi_t[0]
    logp = np.log(np.maximum(p_t, 1e-300))
    e = logp[None, :] - (x[:, None] - phi_t[None, :])**2 / (2 * s)
    top = e.max(axis=1)
    w = np.exp(e - top[:, None])
    den = w.sum(axis=1)
    mean = (w * phi_t[None, :]).sum(axis=1) / den
    return np.exp(top) * den * h / np.sqrt(2 * np.pi * s), (mean - x) / s


def main(path, out):
    f = h5py.File(path, "r")
    samples = f["samples"][:]
    phi_t, p_t = f["target/phi"][:], f["target/p"][:]
    phi = f["score_flow/phi"][:]
    fig, ax = plt.subplots(1, 3, figsize=(16, 4.8))

    ax[0].hist(samples, bins=200, density=True, alpha=0.5, label=f"{len(samples)} samples")
    ax[0].plot(phi_t, p_t, "k", lw=1, label=r"exact $e^{-S}/Z$")
    lo, hi = np.percentile(samples, [0.01, 99.99])
    ax[0].set_xlim(lo - 0.5, hi + 0.5)
    ax[0].set_xlabel(r"$\phi$")
    ax[0].legend()
    sampler = f["parameters"].attrs["sampler"]
    sampler = sampler.decode() if isinstance(sampler, bytes) else sampler
    ax[0].set_title(f"sampler {sampler}, W1 = {f['comparison'].attrs['w1']:.2e} "
                    f"(floor {f['comparison'].attrs['w1_floor']:.2e})")

    for s, u in zip(f["score_flow/check_s"][:], f["score_flow/u_check"][:]):
        x = phi + s * u
        width = 5 * np.sqrt(s + np.average(phi_t**2, weights=p_t))
        keep = np.abs(x) < width
        line, = ax[1].plot(x[keep], -u[keep], lw=2, alpha=0.6, label=f"flow, s = {s:g}")
        xe = np.linspace(x[keep].min(), x[keep].max(), 200)
        ax[1].plot(xe, exact_smoothed(phi_t, p_t, xe, s)[1], "k:", lw=1)
    ax[1].set_xlabel(r"$x = \phi + s\,u(\phi)$")
    ax[1].set_ylabel(r"score $\partial_x \ln p_s$ (dotted: exact Tweedie)")
    ax[1].set_ylim(-15, 15)
    ax[1].set_xlim(-8, 8)
    ax[1].legend(fontsize=8)

    s_levels, u_levels = f["score_flow/s"][:], f["score_flow/u"][:]
    h = phi[1] - phi[0]
    for k in np.unique(np.linspace(0, len(s_levels) - 1, 5).astype(int)):
        s, u = s_levels[k], u_levels[k]
        gamma = np.concatenate([[0], np.cumsum(0.5 * h * (u[1:] + u[:-1]))])
        keep = np.abs(phi) < 3
        line, = ax[2].plot(phi[keep], gamma[keep] - gamma[keep].min(), label=f"$\\Gamma_R$, s = {s:.3g}")
        x = np.linspace(-3, 3, 200)
        V = -np.log(np.maximum(exact_smoothed(phi_t, p_t, x, s)[0], 1e-300))
        ax[2].plot(x, V - V.min(), "--", color=line.get_color(), lw=1)
    ax[2].set_xlabel(r"$\phi$ (solid: $\Gamma_R$) / $x$ (dashed: $V_s = -\ln p_s$)")
    ax[2].set_ylim(0, 6)
    ax[2].legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(out, dpi=110)
    print(f"wrote {out}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else "diffusion.png")
