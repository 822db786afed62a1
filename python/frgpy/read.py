"""Reading frg result files.

The reader is generic: it walks the file once and records every group, dataset and attribute, so that
groups, datasets and attributes added to frg later are readable without a change here. The classes of
the file kinds only add named properties on top of that (r.phi, r.u, r.nu, r.table, ...).

Values come back as plain Python and numpy: attributes as dicts (bytes decoded to str, numpy scalars
converted to int/float), datasets as numpy arrays (byte strings decoded to str arrays), read from the
file when first used and then kept.
"""
import os
import re

import h5py
import numpy as np

from .units import default_unit


class FrgFileError(ValueError):
    """The file is not an HDF5 file written by frg."""


def plain(value):
    """An HDF5 attribute or dataset value as plain Python: str for bytes, int/float for numpy scalars,
    numpy arrays (of str for byte strings) otherwise."""
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        if value.dtype.kind in "SO":
            decoded = [v.decode("utf-8", "replace") if isinstance(v, bytes) else str(v) for v in value.ravel()]
            return np.array(decoded, dtype=str).reshape(value.shape)
        if value.shape == ():
            return value.item()
    return value


def attributes(obj):
    """The attributes of an h5py group or dataset as a dict of plain values, in name order."""
    return {name: plain(obj.attrs[name]) for name in sorted(obj.attrs)}


class Value(float):
    """A summary value that carries its error estimate (frg writes NAME_error next to NAME).
    It is a float: arithmetic and comparisons use the value; .error is the estimate."""

    def __new__(cls, value, error):
        self = super().__new__(cls, value)
        self.error = error
        return self

    def __repr__(self):
        return f"{float(self)!r} +- {self.error:.3g}"


def pair_errors(values):
    """{name: value, name_error: e} -> ({name: Value(value, e)}, {name: e}); other entries unchanged."""
    paired, errors = {}, {}
    for name, value in values.items():
        if name.endswith("_error") and name[:-len("_error")] in values:
            continue
        error = values.get(name + "_error")
        if error is not None and isinstance(value, (int, float)) and isinstance(error, (int, float)):
            paired[name] = Value(value, error)
            errors[name] = error
        else:
            paired[name] = value
    return paired, errors


class Result:
    """Any frg file: the generic view every kind shares.

    r.kind          "flow", "fixedpoint", "dimensionless_flow", "scan", "samples", "checkpoint"
    r.groups        {group path: {attribute: value}} for every group ("/" is the root)
    r.datasets      {dataset path: (shape, dtype)} for every dataset
    r["flow/u"]     a dataset as a numpy array;   "flow/u" in r   tests for it
    r.attrs(path)   the attributes of a group or dataset
    r.arrays(group) {name: array} of the datasets directly in a group
    r.summary       /summary attributes; a value with a NAME_error companion is a Value (float with .error)
    r.errors        {name: error estimate} of the summary values that have one
    r.parameters, r.provenance   the attributes of /parameters and /provenance ({} when absent)
    r.unit(name)    the unit frg wrote for a dataset or value, else frgpy's default (see frgpy.units)
    """

    kind = "unknown"

    def __init__(self, path, groups, datasets, dataset_attrs):
        self.path = os.fspath(path)
        self.groups = groups
        self.datasets = datasets
        self._dataset_attrs = dataset_attrs
        self._cache = {}
        self.summary, self.errors = pair_errors(groups.get("summary", {}))

    def __repr__(self):
        return f"<frgpy.{type(self).__name__} {self.kind} {self.path!r}>"

    def __contains__(self, path):
        return path.strip("/") in self.datasets

    def __getitem__(self, path):
        path = path.strip("/")
        if path not in self.datasets:
            raise KeyError(f"{self.path} has no dataset /{path} (datasets: {', '.join(sorted(self.datasets))})")
        if path not in self._cache:
            with h5py.File(self.path, "r") as f:
                self._cache[path] = plain(f[path][()])
        return self._cache[path]

    def get(self, path, default=None):
        return self[path] if path in self else default

    def attrs(self, path="/"):
        path = path.strip("/") or "/"
        if path in self.groups:
            return self.groups[path]
        if path in self._dataset_attrs:
            return self._dataset_attrs[path]
        raise KeyError(f"{self.path} has no group or dataset /{path}")

    def arrays(self, group):
        """{name: array} of the datasets directly inside GROUP (not in its subgroups)."""
        prefix = group.strip("/") + "/"
        names = [p for p in self.datasets if p.startswith(prefix) and "/" not in p[len(prefix):]]
        return {p[len(prefix):]: self[p] for p in sorted(names)}

    @property
    def parameters(self):
        return self.groups.get("parameters", {})

    @property
    def provenance(self):
        return self.groups.get("provenance", {})

    def option(self, name, default=None):
        """A run option: /parameters first, then the command line in /provenance options."""
        if name in self.parameters:
            return self.parameters[name]
        match = re.search(r"(?:^|\s)-" + re.escape(name) + r"\s+(\S+)", self.provenance.get("options", ""))
        if not match:
            return default
        try:
            return float(match.group(1))
        except ValueError:
            return match.group(1)

    @property
    def dimension(self):
        """The dimension d of the run (0 for samples, 3 if the file does not say: frg's default)."""
        return float(self.option("d", 0 if self.kind == "samples" else 3))

    def unit(self, name):
        """Unit of a dataset (path or last name, e.g. "flow/u" or "u") or of a summary value: the
        "units"/"unit" attribute if frg wrote one, else frgpy's default for that name (frgpy.units)."""
        candidates = [name.strip("/")] + [p for p in self.datasets if p.rsplit("/", 1)[-1] == name]
        for path in candidates:
            attrs = self._dataset_attrs.get(path, {})
            for key in ("units", "unit"):
                if key in attrs:
                    return attrs[key]
        for key in (name + "_units", name + "_unit"):
            if key in self.groups.get("summary", {}):
                return self.groups["summary"][key]
        return default_unit(name.rsplit("/", 1)[-1], self.dimension, self.kind)

    def describe(self):
        """A readable listing of the whole file: kind, groups with their attributes, datasets."""
        lines = [f"{self.path}: frg {self.kind} file"]
        for group in sorted(self.groups, key=lambda g: (g != "summary", g != "parameters", g)):
            attrs = self.groups[group]
            if not attrs:
                continue
            lines.append(f"[{group}]")
            for key, value in attrs.items():
                if isinstance(value, str) and "\n" in value:
                    value = value.strip().replace("\n", " | ")
                if group == "summary" and key in self.errors:
                    value = f"{value} +- {self.errors[key]:.3g}"
                lines.append(f"  {key:26s} {value}")
        lines.append("[datasets]")
        for path, (shape, dtype) in sorted(self.datasets.items()):
            lines.append(f"  /{path:40s} {'x'.join(map(str, shape)) or 'scalar':>12s}  {dtype}")
        return "\n".join(lines)


def _nonempty(datasets, path):
    return path in datasets and int(np.prod(datasets[path][0])) > 0


def _has_group(groups, name):
    return name in groups


def _kind(groups, datasets):
    """The kind of frg file, from what it holds (the order matters: a fixed-point file also has an
    empty /flow, a samples file an empty /observables)."""
    if _has_group(groups, "checkpoint"):
        return "checkpoint"
    if _has_group(groups, "scan"):
        return "scan"
    if "samples" in datasets or _has_group(groups, "samples"):
        return "samples"
    if any(_nonempty(datasets, p) for p in datasets if p.startswith("flow_dimensionless/")):
        return "dimensionless_flow"
    if _has_group(groups, "fixedpoint") or "nu" in groups.get("summary", {}):
        return "fixedpoint"
    if any(_nonempty(datasets, p) for p in datasets if p.startswith("flow/")):
        return "flow"
    return "unknown"


def open(path):  # noqa: A001  (frgpy.open, like h5py.File: the name users expect)
    """Open an frg result file and return the result object of its kind (Flow, FixedPoint,
    DimensionlessFlow, Scan, Samples, Checkpoint). Raises FrgFileError for a file frg did not write."""
    from . import kinds

    path = os.fspath(path)
    if not os.path.exists(path):
        raise FileNotFoundError(f"{path}: no such file")
    try:
        f = h5py.File(path, "r")
    except OSError as error:
        raise FrgFileError(f"{path} is not an HDF5 file, so not an frg result file ({error})") from None
    groups, datasets, dataset_attrs = {"/": attributes(f)}, {}, {}

    def visit(name, obj):
        if isinstance(obj, h5py.Dataset):
            datasets[name] = (obj.shape, obj.dtype)
            dataset_attrs[name] = attributes(obj)
            if name.startswith("provenance/") and obj.shape in ((), (1,)) and obj.dtype.kind == "S":
                texts[name.split("/", 1)[1]] = plain(obj[()] if obj.shape == () else obj[0])
        else:
            groups[name] = attributes(obj)

    texts = {}  # long texts (deck, options, command line) that frg stores as datasets, not attributes
    with f:
        f.visititems(visit)
    if texts:
        groups.setdefault("provenance", {}).update(texts)
    kind = _kind(groups, datasets)
    is_frg = "frg_version" in groups.get("provenance", {}) or (kind == "checkpoint" and "checkpoint/u" in datasets)
    if not is_frg:
        raise FrgFileError(f"{path} is an HDF5 file but not an frg result file "
                           f"(no /provenance frg_version and no /checkpoint; groups: {', '.join(sorted(groups))})")
    return kinds.CLASSES.get(kind, Result)(path, groups, datasets, dataset_attrs)
