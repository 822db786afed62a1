"""The file kinds of frg: named properties over the generic Result (frgpy.read)."""
import importlib.util
import os

import numpy as np

from .read import Result

# The column order of the observables of checkpoints of frg 0.1 (format 1), whose /history/observables
# carried no column names; format 2 names them in its attribute columns.
OBSERVABLE_NAMES = ["t", "k", "phi0", "m2_radial", "m2_goldstone", "gamma2", "gamma4", "gamma6"]


def have(module):
    """True when an optional module (pandas, xarray) can be imported."""
    return importlib.util.find_spec(module) is not None


class Flow(Result):
    """-task flow: r.phi (cell centres), r.t, r.k, r.u [time, cell], r.fields (every dataset of /flow
    with a time axis: u now, U [time, x, y] on 2D grids), r.observables (per output time),
    r.potential(i) (U at output i), r.to_xarray()."""

    kind = "flow"

    @property
    def grid(self):
        """{name: coordinate array} of /grid (phi now; x, y on 2D grids)."""
        return self.arrays("grid")

    @property
    def phi(self):
        return self.get("grid/phi")

    @property
    def t(self):
        return self.get("flow/t")

    @property
    def k(self):
        return self.get("flow/k")

    @property
    def u(self):
        return self.get("flow/u")

    @property
    def fields(self):
        n = len(self.t) if self.t is not None else -1
        return {name: a for name, a in self.arrays("flow").items() if name not in ("t", "k") and a.ndim >= 2 and a.shape[0] == n}

    @property
    def observables(self):
        return self.arrays("observables")

    @property
    def spatial_dims(self):
        """1 for the field grid of the O(N) flows, 2 for two-field grids (fields [time, x, y])."""
        return max((a.ndim - 1 for a in self.fields.values()), default=1)

    def potential(self, i=-1):
        """U at output i: /flow/U if frg wrote it, else the integral of u = U' over the cell centres
        (trapezoid rule, U(0) = 0)."""
        if "U" in self.fields:
            return self.fields["U"][i]
        u, phi = self.u[i], self.phi
        return np.concatenate([[0.0], np.cumsum(0.5 * (u[1:] + u[:-1]) * np.diff(phi))])

    def to_xarray(self):
        """An xarray.Dataset of the flow: the fields on (t, grid), observables on t (needs xarray)."""
        import xarray as xr

        grid_names = list(self.grid) or ["cell"]
        data = {}
        for name, a in self.fields.items():
            dims = ["t"] + grid_names[:a.ndim - 1] + [f"dim_{j}" for j in range(a.ndim - 1 - len(grid_names))]
            data[name] = (dims, a, {"units": self.unit(name)})
        for name, a in self.observables.items():
            if name not in ("t", "k") and len(a) == len(self.t):  # t and k are coordinates
                data[name] = (["t"], a, {"units": self.unit(name)})
        coords = {"t": self.t, "k": ("t", self.k)}
        coords.update({name: a for name, a in self.grid.items() if a.ndim == 1})
        attrs = {key: value for key, value in {**self.parameters, **self.summary}.items() if isinstance(value, (int, float, str))}
        return xr.Dataset(data, coords=coords, attrs={key: float(v) if isinstance(v, float) else v for key, v in attrs.items()})


class FixedPoint(Result):
    """-task fixedpoint: r.rho, r.v (the fixed point on the Chebyshev grid; None for Taylor
    truncations), r.nu, r.omega, r.eta, r.theta (complex eigenvalues theta_1, theta_2, ...)."""

    kind = "fixedpoint"

    @property
    def rho(self):
        return self.get("fixedpoint/rho")

    @property
    def v(self):
        return self.get("fixedpoint/v")

    nu = property(lambda self: self.summary.get("nu"))
    omega = property(lambda self: self.summary.get("omega"))
    eta = property(lambda self: self.summary.get("eta"))

    @property
    def theta(self):
        """theta_1, theta_2, ... as complex numbers: from theta_i_real/theta_i_imag where frg writes
        them, else theta_i (the real part)."""
        s, out, i = self.summary, [], 1
        while f"theta_{i}" in s or f"theta_{i}_real" in s:
            real = s.get(f"theta_{i}_real", s.get(f"theta_{i}"))
            out.append(complex(real, s.get(f"theta_{i}_imag", 0.0)))
            i += 1
        return np.array(out)


class DimensionlessFlow(FixedPoint):
    """A fixed point with the dimensionless flow started near it (-task flow -flow_dimensionless, or
    -fixedpoint_flow_time): r.flow = /flow_dimensionless (t, deviation |u' - u'*|_max, v0 = u'(0)),
    r.taylor = /flow_dimensionless_taylor (couplings against t; {} unless -truncation taylor),
    r.approach_rate and r.growth_rate (to compare with omega and 1/nu)."""

    kind = "dimensionless_flow"

    @property
    def flow(self):
        return self.arrays("flow_dimensionless")

    @property
    def taylor(self):
        return self.arrays("flow_dimensionless_taylor")

    approach_rate = property(lambda self: self.summary.get("flow_approach_rate"))
    growth_rate = property(lambda self: self.summary.get("flow_growth_rate"))


class Scan(Result):
    """-task scan: r.table (a pandas DataFrame when pandas is importable, else a dict of arrays),
    r.columns (always the dict), r.axes (the varied options, first slowest), r.task ("flow" or
    "fixedpoint"), r.ok (rows with status 0), r.results (the numeric result columns)."""

    kind = "scan"

    @property
    def columns(self):
        return self.arrays("scan")

    @property
    def table(self):
        if have("pandas"):
            import pandas as pd

            columns = self.columns
            first = [n for n in ["point"] + self.axes if n in columns]
            return pd.DataFrame({n: columns[n] for n in first + [n for n in columns if n not in first]})
        return self.columns

    @property
    def axes(self):
        names = []
        for key in ("vary", "zip"):
            for axis in self.groups["scan"].get(key, "").split(";"):
                if "=" in axis:
                    names.append(axis.split("=")[0].strip().lstrip("-"))
        return [n for n in names if n in self.columns]

    @property
    def task(self):
        return self.groups["scan"].get("task", "flow")

    @property
    def ok(self):
        status = self.columns.get("status")
        return np.ones(len(self.columns["point"]), bool) if status is None else status == 0

    @property
    def results(self):
        bookkeeping = {"point", "status", "message", "wall_seconds", "steps", "rhs_evals", "flows", "k_ir"}
        return [n for n, a in self.columns.items() if n not in bookkeeping and n not in self.axes and a.dtype.kind in "fiu"]

    @property
    def points_dir(self):
        """The folder of per-point files (-scan_task fixedpoint), or None."""
        folder = self.path + ".points"
        return folder if os.path.isdir(folder) else None


class Samples(Result):
    """-task sample: r.samples ([count] for -model field, [count, N] for -model on), r.radial,
    r.radius (|phi| per sample), r.target (phi, p of the exact density: of phi, or of the radius for
    -model on), r.score_flow, r.comparison (the report's numbers)."""

    kind = "samples"

    @property
    def samples(self):
        return self["samples"]

    @property
    def radial(self):
        return self.parameters.get("model") == "on" or self.samples.ndim == 2

    @property
    def radius(self):
        x = self.samples
        return np.abs(x) if x.ndim == 1 else np.sqrt(np.sum(x * x, axis=1))

    @property
    def target(self):
        return self.arrays("target")

    @property
    def score_flow(self):
        return self.arrays("score_flow")

    @property
    def comparison(self):
        return self.groups.get("comparison", {})


class Checkpoint(Result):
    """A flow checkpoint (OUTPUT.checkpoint.h5): r.t (its RG time), r.u (the state [cell]),
    r.history_u [record, cell], r.history (observables of the stored records by name). Checkpoints
    carry no grid and no provenance: the cells are numbered."""

    kind = "checkpoint"

    @property
    def t(self):
        return self.groups["checkpoint"].get("t")

    @property
    def u(self):
        return self["checkpoint/u"]

    @property
    def history_u(self):
        return self.get("history/u")

    @property
    def history(self):
        table = self.get("history/observables")
        if table is None or table.ndim != 2:
            return {}
        names = self.attrs("history/observables").get("columns")
        if isinstance(names, str):
            names = names.replace(",", " ").split()
        if names is None or len(names) != table.shape[1]:
            names = OBSERVABLE_NAMES if table.shape[1] == len(OBSERVABLE_NAMES) else [f"column_{j}" for j in range(table.shape[1])]
        return {name: table[:, j] for j, name in enumerate(names)}


CLASSES = {c.kind: c for c in (Flow, FixedPoint, DimensionlessFlow, Scan, Samples, Checkpoint)}
