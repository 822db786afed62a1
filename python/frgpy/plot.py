"""Plots of frg result files: the figure that fits the file's kind, written as PNG.

    /usr/bin/python3 -m frgpy.plot FILE.h5 [-o OUT.png]           FILE.png unless -o says otherwise
    /usr/bin/python3 -m frgpy.plot *.h5                           X.png for every X.h5
    /usr/bin/python3 -m frgpy.plot SCAN.h5 [-x N] [-y nu -y omega] [--by truncation]
    /usr/bin/python3 -m frgpy.plot SCAN.h5 --nu CRITICAL -x m2 -y m2_radial      fit m_R ~ |x - C|^nu

flow                 U and u at several scales, a zoom on the flat inner region of the IR potential,
                     phi0 and the masses against k, |Gamma2|/k^2 on log axes (-> 1 in a broken phase)
fixed point          v*(rho), the spectrum theta_i (1/nu, -omega), the numbers
dimensionless flow   |u' - u'*| against t with the rates omega and 1/nu, u'(0), spectrum, Taylor couplings
scan                 results against the first numeric axis, one marker per value of the other axis
                     (strings such as truncation=lpa,taylor included); nu(N) with the large-N limit
                     1/(d-2) and the LPA values of the README; --nu: the correlation-length fit
samples              histogram against the exact density (of |phi| for -model on), the score,
                     Gamma_R against the smoothed log-density
checkpoint           the stored u and the observables of the stored records

From Python: frgpy.plot.figure(result) returns a matplotlib Figure, frgpy.plot.save(path) writes the PNG.
The figures use matplotlib's object interface (no pyplot), so importing this module does not change
the backend of an interactive session.
"""
import argparse
import os
import textwrap
import sys

import numpy as np
from matplotlib.figure import Figure

from . import FrgFileError
from . import open as frg_open

# nu and omega of the O(N) LPA fixed point in d = 3 with the Litim regulator, as measured by frg and
# listed in the README (N = 1 agrees with Bervillier, Juttner & Litim, Nucl. Phys. B 783 (2007) 213).
LPA_LITIM_D3 = {"nu": {1: 0.649561773880653, 2: 0.708210907488972, 3: 0.761123137157701, 4: 0.804347696603245, 1000: 0.999249242921},
                "omega": {1: 0.655745939191426, 2: 0.671221195102884, 3: 0.699837317831569, 4: 0.733752923347722, 1000: 0.998800748}}
MARKERS = ["o", "s", "D", "^", "v", "P", "X", "<", ">"]


def output_name(path):
    """The PNG that belongs to PATH: X.h5 -> X.png (X.h5.checkpoint.h5 -> X.h5.checkpoint.png)."""
    return os.path.splitext(path)[0] + ".png"


def picks(n, count):
    return np.unique(np.linspace(0, n - 1, min(count, n)).round().astype(int)) if n else np.array([], int)


def colors(figure_count):
    from matplotlib import colormaps

    cmap = colormaps["viridis"]
    return [cmap(j / max(1, figure_count - 1)) for j in range(figure_count)]


def text_panel(ax, lines, title=None):
    ax.axis("off")
    ax.text(0.0, 1.0, "\n".join(lines), va="top", ha="left", family="monospace", fontsize=8, transform=ax.transAxes)
    if title:
        ax.set_title(title)


def number(value):
    error = getattr(value, "error", None)
    return f"{value:.10g}" + (f" +- {error:.2g}" if error is not None else "")


# ---------------------------------------------------------------------------------------------- flow

def flow_figure(r, curves=7):
    if r.spatial_dims >= 2:
        return flow2d_figure(r)
    fig = Figure(figsize=(16, 9))
    ax = fig.subplots(2, 3)
    t, k, phi, obs = r.t, r.k, r.phi, r.observables
    chosen = picks(len(t), curves)
    for color, i in zip(colors(len(chosen)), chosen):
        label = f"t = {t[i]:.3g}, k = {k[i]:.2e}"
        ax[0, 0].plot(phi, r.potential(i), color=color, label=label)
        ax[0, 1].plot(phi, r.u[i], color=color, label=label)
    ax[0, 0].set(xlabel=r"$\phi$", ylabel=r"$U_k(\phi) - U_k(0)$", title="effective potential")
    ax[0, 1].set(xlabel=r"$\phi$", ylabel=r"$u = \partial_\phi U_k$", title="u (the unknown)")
    ax[0, 1].axhline(0, color="grey", lw=0.5)
    ax[0, 0].legend(fontsize=7)
    inner_region(ax[0, 2], r)
    kk = obs.get("k", k)
    if "phi0" in obs:
        ax[1, 0].semilogx(kk, obs["phi0"], "o-", ms=3)
    ax[1, 0].invert_xaxis()
    ax[1, 0].set(xlabel="k", ylabel=r"$\phi_0$", title="condensate (minimum of $U_k$)")
    for name in ("m2_radial", "m2_goldstone"):
        if name in obs:
            ax[1, 1].semilogx(kk, obs[name], "o-", ms=3, label=name)
    ax[1, 1].invert_xaxis()
    ax[1, 1].set(xlabel="k", ylabel="mass$^2$ at $\\phi_0$", title="masses")
    ax[1, 1].legend(fontsize=8)
    gamma2_over_k2(ax[1, 2], kk, obs.get("gamma2"))
    p = r.parameters
    fig.suptitle(f"frg flow {os.path.basename(r.path)}: N = {p.get('N', '?'):g}, d = {p.get('d', '?'):g}, "
                 f"$U_\\Lambda$ = {p.get('potential', '?')}", fontsize=10)
    fig.tight_layout()
    return fig


def inner_region(ax, r, count=5):
    """The inner region phi < phi0 of the infrared half of the flow, on a log scale: there the exact
    potential becomes flat (convex), U_k(phi) - U_k(phi0) -> k^2 (phi0^2 - phi^2)/2 (the Goldstone
    pole k^2 + u/phi = 0), a depth that shrinks like k^2 and is invisible in the full plot. In the
    symmetric phase: U near the origin."""
    t, phi, obs = r.t, r.phi, r.observables
    phi0 = obs.get("phi0", np.zeros(len(t)))
    late = np.arange(len(t))[t >= t[0] + 0.5 * (t[-1] - t[0])]
    chosen = late[picks(len(late), count)]
    if phi0[-1] <= 0:
        window = phi <= 0.25 * phi[-1]
        for color, i in zip(colors(len(chosen)), chosen):
            ax.plot(phi[window], r.potential(i)[window], color=color, label=f"k = {r.k[i]:.2e}")
        ax.set(xlabel=r"$\phi$", ylabel=r"$U_k(\phi) - U_k(0)$", title="near the origin (symmetric phase)")
        ax.legend(fontsize=7)
        return
    for color, i in zip(colors(len(chosen)), chosen):
        inside = (phi < 0.97 * phi0[i]) if phi0[i] > 0 else np.zeros(len(phi), bool)
        depth = (r.potential(i) - np.interp(phi0[i], phi, r.potential(i)))[inside]
        if inside.any() and np.all(depth > 0):
            ax.semilogy(phi[inside], depth, color=color, label=f"k = {r.k[i]:.2e}")
            ax.semilogy(phi[inside], r.k[i]**2 * (phi0[i]**2 - phi[inside]**2) / 2, ":", color=color, lw=1)
    ax.set(xlabel=r"$\phi$ (inside the minimum $\phi_0$)", ylabel=r"$U_k(\phi) - U_k(\phi_0)$",
           title=r"inner region, flat in the IR (dotted: $k^2(\phi_0^2 - \phi^2)/2$)")
    if ax.get_legend_handles_labels()[0]:
        ax.legend(fontsize=7)


def gamma2_over_k2(ax, k, gamma2):
    """|Gamma2|/k^2 on log axes: Gamma2 -> -k^2 in a broken phase (convexity), Gamma2 -> m^2 > 0 in a
    symmetric one (|Gamma2|/k^2 grows like 1/k^2)."""
    if gamma2 is None or len(k) == 0:
        text_panel(ax, ["no Gamma2 in /observables"])
        return
    ratio = gamma2 / k**2
    positive, negative = ratio > 0, ratio < 0
    if positive.any():
        ax.loglog(k[positive], ratio[positive], "o", ms=4, label=r"$\Gamma^{(2)}/k^2 > 0$")
    if negative.any():
        ax.loglog(k[negative], -ratio[negative], "s", ms=4, mfc="none", label=r"$-\Gamma^{(2)}/k^2$ ($\Gamma^{(2)} < 0$)")
    ax.axhline(1, color="grey", lw=0.8, ls="--", label=r"$\Gamma^{(2)} = -k^2$ (flat, convex)")
    ax.invert_xaxis()
    ax.set(xlabel="k", ylabel=r"$|\Gamma^{(2)}(0)|/k^2$", title=r"$\Gamma^{(2)}$ at $\phi = 0$ over $k^2$")
    ax.legend(fontsize=8)


def flow2d_figure(r):
    """Fields on a two-field grid [time, x, y]: contour maps of the first and the last stored time of
    each field (relative to its minimum), the path of its lowest cell over the stored times, and the
    IR minimum of /summary (phi1_min, phi2_min) where the file has one."""
    fields = r.fields
    fig = Figure(figsize=(11, 4.5 * len(fields)))
    ax = np.atleast_2d(fig.subplots(len(fields), 2))
    coords = [a for a in r.grid.values() if a.ndim == 1]
    summary = r.summary
    for row, (name, a) in zip(ax, fields.items()):
        x, y = np.arange(a.shape[1]), np.arange(a.shape[2])
        if len(coords) >= 2 and len(coords[0]) == a.shape[1] and len(coords[1]) == a.shape[2]:
            x, y = coords[0], coords[1]
        lowest = [np.unravel_index(np.argmin(a[i]), a[i].shape) for i in range(a.shape[0])]
        for panel, i in zip(row, (0, -1)):
            level = a[i] - a[i].min()
            # levels up to the median: the detail is near the minimum, not in the steep wings
            levels = np.unique(np.quantile(level, np.linspace(0, 0.5, 25)))
            image = panel.contourf(x, y, level.T, levels=levels, extend="max")
            panel.contour(x, y, level.T, levels=levels[::2], colors="k", linewidths=0.3)
            fig.colorbar(image, ax=panel, label=f"{name} - min")
            panel.plot([x[p[0]] for p in lowest], [y[p[1]] for p in lowest], "w.-", ms=3, lw=0.8, label="lowest cell over t")
            if i == -1 and "phi1_min" in summary and "phi2_min" in summary:
                panel.plot([summary["phi1_min"]], [summary["phi2_min"]], "r*", ms=12, label="IR minimum (/summary)")
            panel.set(xlabel=r"$\phi_1$", ylabel=r"$\phi_2$", title=f"{name} at t = {r.t[i]:.3g}")
            panel.legend(fontsize=7, loc="upper right")
    p = r.parameters
    title = f"frg two-field flow {os.path.basename(r.path)}: U_Lambda = {p.get('potential', '?')}"
    fig.suptitle("\n".join(textwrap.wrap(title, 150)), fontsize=9)
    fig.tight_layout()
    return fig


# --------------------------------------------------------------------------------------- fixed points

def fixedpoint_panels(ax_v, ax_theta, ax_text, r):
    if r.rho is not None and r.v is not None:
        ax_v.plot(r.rho, r.v, "o-", ms=3)
        ax_v.axhline(0, color="grey", lw=0.5)
        if "kappa" in r.summary:  # /fixedpoint/rho is rho-tilde, as kappa (kappa_hat = kappa/c_d)
            ax_v.axvline(r.summary["kappa"], color="grey", ls=":", label=r"minimum $\kappa$")
            ax_v.legend(fontsize=8)
        ax_v.set(xlabel=r"$\tilde\rho$ (/fixedpoint/rho)", ylabel=r"$v^* = u^{*\prime}(\tilde\rho)$ (/fixedpoint/v)", title="fixed point")
    else:
        text_panel(ax_v, ["no grid fixed point stored", f"(truncation {r.parameters.get('truncation', '?')})"], "fixed point")
    theta = r.theta
    if len(theta):
        i = np.arange(1, len(theta) + 1)
        ax_theta.plot(i, theta.real, "o", label=r"Re $\theta_i$")
        if np.any(theta.imag != 0):
            ax_theta.errorbar(i, theta.real, yerr=np.abs(theta.imag), fmt="none", ecolor="grey", label=r"$\pm$ |Im $\theta_i$|")
        if r.nu:
            ax_theta.plot([1], [1 / r.nu], "*", ms=12, mfc="none", label=f"$1/\\nu$, $\\nu$ = {r.nu:.6g}")
        if r.omega is not None:
            ax_theta.plot([2], [-r.omega], "*", ms=12, mfc="none", label=f"$-\\omega$, $\\omega$ = {r.omega:.6g}")
        ax_theta.axhline(0, color="grey", lw=0.5)
        ax_theta.set(xlabel="i", ylabel=r"$\theta_i$", title="spectrum: relevant above 0")
        ax_theta.legend(fontsize=8)
    else:
        text_panel(ax_theta, ["no eigenvalues theta_i"])
    p = r.parameters
    lines = [f"N = {p.get('N', '?')}, d = {p.get('d', '?')}", f"truncation {p.get('truncation', '?')}, regulator {p.get('regulator', '?')}", ""]
    lines += [f"{name:8s} {number(r.summary[name])}" for name in ("nu", "omega", "eta", "kappa", "lambda", "residual") if name in r.summary]
    text_panel(ax_text, lines, os.path.basename(r.path))


def fixedpoint_figure(r):
    fig = Figure(figsize=(15, 4.8))
    fixedpoint_panels(*fig.subplots(1, 3), r)
    fig.tight_layout()
    return fig


def dimensionless_flow_figure(r):
    """Top: the trajectory (distance from u'*, u'(0), Taylor couplings); bottom: the fixed point."""
    fig = Figure(figsize=(16, 9))
    ax = fig.subplots(2, 3)
    flow = r.flow
    t, dev = flow.get("t"), flow.get("deviation")
    if t is not None and dev is not None and len(t):
        s = np.abs(t)
        ax[0, 0].semilogy(s, dev, "o-", ms=3, label=r"$|u' - u'^*|_{max}$")
        if r.omega:
            ax[0, 0].semilogy(s, dev[0] * np.exp(-r.omega * (s - s[0])), "--", label=f"$e^{{-\\omega |t|}}$, $\\omega$ = {r.omega:.4g}")
        if r.nu:
            ax[0, 0].semilogy(s, dev[-1] * np.exp((s - s[-1]) / r.nu), ":", label=f"$e^{{|t|/\\nu}}$, $1/\\nu$ = {1 / r.nu:.4g}")
        if r.approach_rate is not None and r.growth_rate is not None:
            ax[0, 0].set_title(f"measured rates: approach {r.approach_rate:.4g}, growth {r.growth_rate:.4g}", fontsize=9)
        ax[0, 0].set(xlabel="|t| (RG time toward the IR)", ylabel="distance from the fixed point")
        ax[0, 0].legend(fontsize=8)
    else:
        text_panel(ax[0, 0], ["no /flow_dimensionless data"])
    if t is not None and "v0" in flow and len(t):
        ax[0, 1].plot(np.abs(t), flow["v0"], "o-", ms=3)
        ax[0, 1].set(xlabel="|t|", ylabel="u'(0)", title="u'(0) along the trajectory")
    else:
        ax[0, 1].axis("off")
    taylor = r.taylor
    if "t" in taylor and len(taylor["t"]):
        for name, values in taylor.items():
            if name != "t" and len(values) == len(taylor["t"]):
                ax[0, 2].plot(np.abs(taylor["t"]), values, label=name)
        ax[0, 2].set(xlabel="|t|", ylabel="coupling", title="Taylor couplings (/flow_dimensionless_taylor)")
        ax[0, 2].legend(fontsize=6, ncol=2)
    else:
        ax[0, 2].axis("off")
    fixedpoint_panels(ax[1, 0], ax[1, 1], ax[1, 2], r)
    fig.tight_layout()
    return fig


# --------------------------------------------------------------------------------------------- scans

def scan_figure(r, x=None, ys=None, by=None, nu=None):
    columns, ok = r.columns, r.ok
    if nu is not None:
        return nu_fit_figure(r, x, (ys or ["m2_radial"])[0], nu)
    numeric = [a for a in r.axes if columns[a].dtype.kind in "fiu" and len(set(columns[a][ok])) > 1]
    if x is None:
        x = numeric[0] if numeric else (r.axes[0] if r.axes else "point")
    if by is None:
        others = [a for a in r.axes if a != x and len(set(columns[a][ok])) > 1]
        by = others[0] if others else None
    if ys is None:
        if "critical" in columns:
            ys = ["critical"]
        elif r.task == "fixedpoint":
            ys = [n for n in ("nu", "omega") if n in columns] + (["eta"] if "eta" in columns and np.nanmax(np.abs(columns["eta"])) > 0 else [])
        else:
            ys = [n for n in ("phi0", "m2_radial", "gamma2", "gamma4") if n in columns]
        ys = ys or r.results[:4] or ["status"]
    xs, ticks = axis_positions(columns[x])
    fig = Figure(figsize=(7, 2.9 * len(ys) + 0.6))
    panels = np.atleast_1d(fig.subplots(len(ys), 1, squeeze=False)[:, 0])
    groups = list(dict.fromkeys(columns[by][ok])) if by else [None]
    for panel, y in zip(panels, ys):
        values = columns[y].astype(float)
        for j, g in enumerate(groups):
            sel = ok & (columns[by] == g) if by else ok
            draw_group(panel, xs[sel], values[sel], j, f"{by} = {g}" if by else "frg")
        if y in ("nu", "omega") and x == "N":
            reference_lines(panel, r, y, xs[ok])
        if ticks is not None:
            panel.set_xticks(range(len(ticks)), ticks)
        panel.set(xlabel=x, ylabel="phase boundary: " + y if y == "critical" else y)
        if panel.get_legend_handles_labels()[0]:
            panel.legend(fontsize="small")
    panels[0].set_title(f"scan {os.path.basename(r.path)} ({r.task}); {int((~ok).sum())} failed points left out", fontsize=9)
    fig.tight_layout()
    return fig


def axis_positions(column):
    """Numbers on the x axis: the column itself, or for strings (truncation=lpa,taylor) the index of
    each distinct value, with the values as tick labels."""
    if column.dtype.kind in "fiu":
        return column.astype(float), None
    labels = list(dict.fromkeys(column))
    return np.array([labels.index(v) for v in column], float), labels


def draw_group(ax, x, y, j, label):
    """One group of a scan: hollow markers that shrink from group to group, so that points of
    different groups at the same place (LPA under Taylor) stay visible; a group whose value does not
    change along x (LPA against taylor_order) is a horizontal line."""
    if len(x) == 0:
        return
    order = np.argsort(x, kind="stable")
    x, y = x[order], y[order]
    finite = np.isfinite(y)
    flat = len(set(x)) > 2 and finite.all() and np.ptp(y) <= 1e-12 * max(np.max(np.abs(y)), 1e-300)
    if flat:
        ax.plot([x[0], x[-1]], [y[0], y[0]], color=f"C{j}", lw=1.2, ls=(0, (6, 2 + j)), label=f"{label} (same for every x)" if label else None, zorder=1)
        return
    ax.plot(x, y, marker=MARKERS[j % len(MARKERS)], ms=max(10 - 2 * j, 4), mfc="none", mew=1.4, lw=0.8, color=f"C{j}", label=label, zorder=3 + j)


def reference_lines(ax, r, y, xs):
    """nu(N), omega(N): the large-N limits nu = 1/(d-2) and omega = 4-d, and the LPA (Litim, d = 3)
    values of the README."""
    d = r.dimension
    limit = {"nu": 1 / (d - 2) if d > 2 else None, "omega": 4 - d}[y]
    if limit is not None:
        ax.axhline(limit, color="k", lw=0.8, ls="--", label=f"N -> infinity: {'1/(d-2)' if y == 'nu' else '4-d'} = {limit:.4g}")
    if abs(d - 3) < 1e-12 and r.option("regulator", "litim") == "litim" and len(xs):
        known = {n: v for n, v in LPA_LITIM_D3[y].items() if xs.min() <= n <= xs.max()}
        if known:
            ax.plot(list(known), list(known.values()), "k+", ms=12, mew=1.2, zorder=10, label="LPA, Litim, d = 3 (README)")


def nu_fit_figure(r, x, y, critical):
    """Correlation-length exponent: m_R = sqrt(|y|) ~ |x - C|^nu on log-log axes (prints nu)."""
    columns, ok = r.columns, r.ok
    x = x or (r.axes[0] if r.axes else "point")
    delta, mass = np.abs(columns[x][ok].astype(float) - critical), np.sqrt(np.abs(columns[y][ok].astype(float)))
    keep = (delta > 0) & (mass > 0) & np.isfinite(mass)
    delta, mass = delta[keep], mass[keep]
    if len(delta) < 2:
        raise ValueError(f"--nu: fewer than two usable points of {y} against |{x} - {critical}|")
    slope, intercept = np.polyfit(np.log(delta), np.log(mass), 1)
    print(f"nu = {slope:.6f} from {len(delta)} points, |{x} - {critical}| in [{delta.min():.3g}, {delta.max():.3g}]")
    fig = Figure(figsize=(6.5, 5))
    ax = fig.subplots()
    ax.loglog(delta, mass, "o", mfc="none", ms=8, label=f"frg: $m_R = \\sqrt{{{y}}}$")
    line = np.geomspace(delta.min(), delta.max(), 50)
    ax.loglog(line, np.exp(intercept) * line**slope, "-", label=f"fit: $m_R \\propto |{x} - {x}_c|^\\nu$, $\\nu$ = {slope:.4f}")
    ax.set(xlabel=f"|{x} - {x}_c|,  {x}_c = {critical:.12g}", ylabel=f"$m_R$ = sqrt({y})", title=r"correlation length $\xi = 1/m_R$")
    ax.legend()
    fig.tight_layout()
    return fig


# ------------------------------------------------------------------------------------------- samples

def smoothed(phi_t, p_t, x, s):
    """p_s(x) and the Tweedie score of p_0 * N(0, s), by quadrature over the stored target grid."""
    h = phi_t[1] - phi_t[0]
    e = np.log(np.maximum(p_t, 1e-300))[None, :] - (x[:, None] - phi_t[None, :])**2 / (2 * s)
    top = e.max(axis=1)
    w = np.exp(e - top[:, None])
    mean = (w * phi_t[None, :]).sum(axis=1) / w.sum(axis=1)
    return np.exp(top) * w.sum(axis=1) * h / np.sqrt(2 * np.pi * s), (mean - x) / s


def samples_figure(r):
    fig = Figure(figsize=(16, 4.8))
    ax = fig.subplots(1, 3)
    c, target, score = r.comparison, r.target, r.score_flow
    data = r.radius if r.radial else r.samples
    ax[0].hist(data, bins=min(200, max(10, len(data) // 50)), density=True, alpha=0.5, label=f"{len(data)} samples")
    if "phi" in target and "p" in target:
        ax[0].plot(target["phi"], target["p"], "k", lw=1, label=r"exact $\sigma^{N-1} e^{-U}/Z$" if r.radial else r"exact $e^{-S}/Z$")
    lo, hi = np.percentile(data, [0.01, 99.99])
    ax[0].set_xlim(lo - 0.5, hi + 0.5)
    ax[0].set_xlabel(r"$|\phi|$ (radius, N = %g)" % r.parameters.get("N", r.samples.shape[-1]) if r.radial else r"$\phi$")
    ax[0].legend(fontsize=8)
    if "w1" in c:
        ax[0].set_title(f"sampler {r.parameters.get('sampler', '?')}: W1 = {c['w1']:.2e} (i.i.d. floor {c.get('w1_floor', float('nan')):.2e})", fontsize=9)
    score_panel(ax[1], r, score, target)
    if r.radial and r.samples.ndim == 2 and r.samples.shape[1] >= 2:
        x = r.samples[:5000]
        ax[2].plot(x[:, 0], x[:, 1], ".", ms=1.5, alpha=0.5)
        ax[2].set(xlabel=r"$\phi_1$", ylabel=r"$\phi_2$", title=f"first two of {r.samples.shape[1]} components", aspect="equal")
    else:
        moreau_panel(ax[2], r, score, target)
    fig.tight_layout()
    return fig


def score_panel(ax, r, score, target):
    """The flow's score -u(phi) at x = phi + s u(phi); dotted: the exact Tweedie score (-model field)."""
    phi = score.get("phi")
    if phi is None:
        text_panel(ax, ["no /score_flow"])
        return
    if "check_s" in score and "u_check" in score and len(score["check_s"]):
        levels = list(zip(score["check_s"], score["u_check"]))
    else:
        chosen = picks(len(score.get("s", [])), 5)
        levels = [(score["s"][i], score["u"][i]) for i in chosen]
    spread = np.sqrt(np.average(target["phi"]**2, weights=target["p"])) if "p" in target else 3.0
    for s, u in levels:
        x = phi + s * u
        keep = np.abs(x) < 5 * np.sqrt(s + spread**2)
        ax.plot(x[keep], -u[keep], lw=2, alpha=0.6, label=f"flow, s = {s:.3g}")
        if not r.radial and "p" in target and keep.any():
            xe = np.linspace(x[keep].min(), x[keep].max(), 200)
            ax.plot(xe, smoothed(target["phi"], target["p"], xe, s)[1], "k:", lw=1)
    ax.set_xlabel(r"$x = \phi + s\,u(\phi)$" + (" (radial)" if r.radial else ""))
    ax.set_ylabel(r"score $\partial_x \ln p_s$" + ("" if r.radial else " (dotted: exact Tweedie)"))
    ax.set_ylim(-15, 15)
    ax.set_xlim(0 if r.radial else -8, 8)
    ax.legend(fontsize=8)


def moreau_panel(ax, r, score, target):
    """Gamma_R (integral of u) beside V_s = -ln p_s: the Moreau envelope relates the two."""
    phi, levels, us = score.get("phi"), score.get("s"), score.get("u")
    if phi is None or levels is None or us is None:
        text_panel(ax, ["no /score_flow levels"])
        return
    for i in picks(len(levels), 5):
        gamma = np.concatenate([[0], np.cumsum(0.5 * np.diff(phi) * (us[i][1:] + us[i][:-1]))])
        keep = np.abs(phi) < 3
        line, = ax.plot(phi[keep], gamma[keep] - gamma[keep].min(), label=f"$\\Gamma_R$, s = {levels[i]:.3g}")
        if "p" in target:
            x = np.linspace(-3, 3, 200)
            V = -np.log(np.maximum(smoothed(target["phi"], target["p"], x, levels[i])[0], 1e-300))
            ax.plot(x, V - V.min(), "--", color=line.get_color(), lw=1)
    ax.set_xlabel(r"$\phi$ (solid: $\Gamma_R$) / $x$ (dashed: $V_s = -\ln p_s$)")
    ax.set_ylim(0, 6)
    ax.legend(fontsize=8)


# -------------------------------------------------------------------------------- checkpoint, other

def checkpoint_figure(r):
    fig = Figure(figsize=(12, 4.6))
    ax = fig.subplots(1, 2)
    history, rows = r.history, r.history_u
    cells = np.arange(len(r.u))
    if rows is not None and len(rows):
        for color, i in zip(colors(len(picks(len(rows), 6))), picks(len(rows), 6)):
            label = f"record {i}" + (f", t = {history['t'][i]:.3g}" if "t" in history else "")
            ax[0].plot(cells, rows[i], color=color, lw=1, label=label)
    ax[0].plot(cells, r.u, "k--", lw=1.2, label=f"checkpoint state, t = {r.t:.4g}")
    ax[0].set(xlabel="cell (the checkpoint stores no grid)", ylabel=r"$u = \partial_\phi U$", title=os.path.basename(r.path))
    ax[0].legend(fontsize=7)
    if "t" in history and len(history["t"]):
        for name in ("phi0", "m2_radial", "m2_goldstone"):
            if name in history:
                ax[1].plot(history["t"], history[name], "o-", ms=3, label=name)
        ax[1].axvline(r.t, color="grey", ls=":", label="checkpoint")
        ax[1].set(xlabel="t", title="observables of the stored records")
        ax[1].legend(fontsize=8)
    else:
        text_panel(ax[1], ["no stored records"])
    fig.tight_layout()
    return fig


def describe_figure(r):
    fig = Figure(figsize=(10, 8))
    text_panel(fig.subplots(), r.describe().splitlines()[:70], f"frg file of unknown kind: {os.path.basename(r.path)}")
    return fig


def figure(r, x=None, ys=None, by=None, nu=None, curves=7):
    """The matplotlib Figure that fits the result r (an frgpy result or a path)."""
    if not hasattr(r, "kind"):
        r = frg_open(r)
    if r.kind == "scan":
        return scan_figure(r, x, ys, by, nu)
    if r.kind == "flow":
        return flow_figure(r, curves)
    draw = {"fixedpoint": fixedpoint_figure, "dimensionless_flow": dimensionless_flow_figure,
            "samples": samples_figure, "checkpoint": checkpoint_figure}.get(r.kind, describe_figure)
    return draw(r)


def save(path, out=None, dpi=110, **options):
    """Draw the file at PATH and write the PNG (default: PATH with .png for its extension); returns it."""
    out = out or output_name(path)
    figure(frg_open(path), **options).savefig(out, dpi=dpi)
    return out


IMAGE_SUFFIXES = (".png", ".pdf", ".svg", ".jpg")


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python3 -m frgpy.plot", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("files", nargs="+", metavar="FILE", help="frg result files (any kind); each gets FILE.png")
    parser.add_argument("-o", "--output", help="the image file, with one FILE (default: FILE with .png for its extension)")
    parser.add_argument("-x", help="scan: column on the x axis (default: the first numeric scanned option)")
    parser.add_argument("-y", action="append", help="scan: column(s) on the y axis (default: the main results)")
    parser.add_argument("--by", help="scan: one marker set per value of this column (default: the other scanned option)")
    parser.add_argument("--nu", type=float, metavar="CRITICAL", help="scan: fit m_R = sqrt(y) ~ |x - CRITICAL|^nu and print nu")
    parser.add_argument("--curves", type=int, default=7, help="flow: number of scales drawn")
    args = parser.parse_args(argv)
    files, output = args.files, args.output
    if len(files) == 2 and files[1].lower().endswith(IMAGE_SUFFIXES) and not output:  # plot_diffusion.py FILE OUT.png
        files, output = files[:1], files[1]
    if output and len(files) > 1:
        parser.error("-o names the image of one FILE; with several, each FILE gets FILE.png")
    status = 0
    for path in files:
        try:
            out = save(path, output, x=args.x, ys=args.y, by=args.by, nu=args.nu, curves=args.curves)
            print(f"wrote {out}")
        except (FrgFileError, OSError, KeyError, ValueError) as error:
            print(f"frgpy.plot: {path}: {error}", file=sys.stderr)
            status = 1
    return status


if __name__ == "__main__":
    sys.exit(main())
