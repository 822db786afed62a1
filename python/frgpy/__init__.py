"""frgpy: read the HDF5 result files of frg and plot them.

    import frgpy
    r = frgpy.open("frg_default.h5")   # Flow, FixedPoint, DimensionlessFlow, Scan, Samples or Checkpoint
    r.kind                             # "flow", ... recognized from the file's content
    r.summary["phi0"], r.errors        # /summary; values with a NAME_error companion carry .error
    r.phi, r.t, r.u, r.potential(-1)   # kind-specific properties (help(type(r)))
    r["flow/u"], r.attrs("grid")       # any dataset or attribute, also ones frgpy does not know
    r.unit("gamma4")                   # the file's unit attribute, else frgpy.units' default

Command line: /usr/bin/python3 -m frgpy FILE.h5 (what the file holds), /usr/bin/python3 -m frgpy.plot
FILE.h5 [-o OUT.png] (the plot that fits the file). Needs numpy and h5py; matplotlib for plots; pandas
(Scan.table as a DataFrame) and xarray (Flow.to_xarray) only if they are importable.
"""
from .kinds import Checkpoint, DimensionlessFlow, FixedPoint, Flow, Samples, Scan
from .read import FrgFileError, Result, Value, open  # noqa: A004
from .units import default_unit

__version__ = "0.1.0"
__all__ = ["open", "FrgFileError", "Result", "Value", "Flow", "FixedPoint", "DimensionlessFlow", "Scan", "Samples",
           "Checkpoint", "default_unit"]
