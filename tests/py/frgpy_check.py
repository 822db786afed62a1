#!/usr/bin/python3
"""Checks of frgpy (python/frgpy) on files that frg wrote in the calling test, against the numbers frg
printed on stdout, known values, and h5py read directly (tests/cases/user.sh).

  frgpy_check.py flow FILE PHI0 GAMMA2            printed summary of inputs/default.yaml
  frgpy_check.py fixedpoint FILE NU OMEGA         printed nu, omega of inputs/fixedpoint/ising_lpa.yaml
  frgpy_check.py dimensionless FILE APPROACH GROWTH
  frgpy_check.py scan FILE CSV
  frgpy_check.py samples FILE W1 N
  frgpy_check.py checkpoint FILE EVERY
  frgpy_check.py future DIR                       files with what other developers are adding (NAME_error,
                                                  theta_i_real/_imag, a 2D /flow/U [time, x, y], new groups)
  frgpy_check.py errors DIR                       files frg did not write give clear exceptions
Every check prints what it compares; the first failure raises (exit code 1).
"""
import csv
import os
import sys

import h5py
import numpy as np

import frgpy


def close(name, value, reference, rtol):
    error = abs(value - reference) / max(abs(reference), 1e-300)
    print(f"{name}: {value!r} reference {reference!r} relative error {error:.2e} (tolerance {rtol:g})")
    assert error <= rtol, name


def same_as_h5py(r):
    """Every attribute and a sample of datasets read by frgpy equals h5py's own reading."""
    with h5py.File(r.path, "r") as f:
        def visit(name, obj):
            for key, raw in obj.attrs.items():
                mine = r.attrs(name)[key]
                if isinstance(raw, bytes):
                    assert mine == raw.decode(), (name, key)
                elif np.ndim(raw) == 0:
                    assert mine == raw.item() and type(mine) in (int, float, bool), (name, key, type(mine))
            if isinstance(obj, h5py.Dataset) and obj.dtype.kind in "fiu":
                assert np.array_equal(r[name], obj[()], equal_nan=True), name
        f.visititems(visit)
        for key, raw in f.attrs.items():
            assert r.attrs("/")[key] == (raw.decode() if isinstance(raw, bytes) else raw), key
    print(f"{r.path}: every attribute and numeric dataset equals h5py's reading ({len(r.datasets)} datasets)")


def check_flow(path, phi0, gamma2):
    r = frgpy.open(path)
    assert r.kind == "flow" and isinstance(r, frgpy.Flow), r
    close("phi0 (printed)", r.summary["phi0"], float(phi0), 1e-11)
    close("Gamma2 (printed)", r.summary["gamma2"], float(gamma2), 1e-11)
    assert r.phi.shape == (800,) and r.u.shape == (len(r.t), 800) and r.t[-1] == 8.0, (r.phi.shape, r.u.shape)
    assert np.allclose(r.k, r.parameters["Lambda"] * np.exp(-r.t), rtol=1e-14)
    assert r.observables["phi0"][-1] == r.summary["phi0"] and set(r.fields) == {"u"}
    U = r.potential(-1)
    assert U.shape == r.phi.shape and U[0] == 0 and abs(r.phi[np.argmin(U)] - r.summary["phi0"]) < 0.05, r.phi[np.argmin(U)]
    assert r.parameters["potential"] == "-phi^2/20 + phi^4/24" and r.parameters["integrator"] == "cvode_bdf"
    assert r.provenance["ranks"] == 1 and isinstance(r.provenance["frg_version"], str)
    assert r.attrs("grid/phi")["description"].startswith("cell centres")
    assert r.dimension == 3 and r.unit("phi") == "[k]^0.5" and r.unit("gamma4") == "[k]" and r.unit("flow/t") == "1"
    assert r.unit("u") == "[k]^2.5" and r.unit("wall_seconds") == "s" and r.unit("m2_radial") == "[k]^2"
    assert r.errors == {} or all(name in r.summary for name in r.errors)
    same_as_h5py(r)
    if frgpy.kinds.have("xarray"):
        ds = r.to_xarray()
        assert ds["u"].dims == ("t", "phi") and float(ds["phi0"][-1]) == r.summary["phi0"]
        print("xarray: Dataset with u [t, phi] and the observables")


def check_fixedpoint(path, nu, omega):
    r = frgpy.open(path)
    assert r.kind == "fixedpoint" and isinstance(r, frgpy.FixedPoint), r
    close("nu (printed)", r.nu, float(nu), 1e-14)
    close("omega (printed)", r.omega, float(omega), 1e-14)
    close("nu (Bervillier, Juttner & Litim 2007)", r.nu, 0.649561773880, 1e-11)
    theta = r.theta
    assert len(theta) == 6 and np.all(theta.imag == 0), theta
    close("theta_1 = 1/nu", theta[0].real, 1 / r.nu, 1e-12)
    close("theta_2 = -omega", theta[1].real, -r.omega, 1e-12)
    assert r.rho.shape == r.v.shape == (65,) and r.unit("nu") == "1"
    same_as_h5py(r)


def check_dimensionless(path, approach, growth):
    r = frgpy.open(path)
    assert r.kind == "dimensionless_flow" and isinstance(r, frgpy.FixedPoint), r
    close("approach rate (printed)", r.approach_rate, float(approach), 1e-9)
    close("growth rate (printed)", r.growth_rate, float(growth), 1e-9)
    flow = r.flow
    assert set(flow) >= {"t", "deviation", "v0"} and len(flow["t"]) == len(flow["deviation"]) > 10, flow.keys()
    assert r.taylor == {} and abs(r.nu - 0.649561773880) < 1e-11
    same_as_h5py(r)


def check_scan(path, csv_path):
    r = frgpy.open(path)
    assert r.kind == "scan" and r.axes == ["N", "g"] and r.task == "flow", (r.kind, r.axes)
    columns = r.columns
    rows = list(csv.DictReader(open(csv_path)))
    assert len(rows) == len(columns["point"]) == 16
    for i, row in enumerate(rows):
        for name in ("N", "g", "phi0", "gamma2", "m2_radial"):
            assert float(row[name]) == columns[name][i], (i, name)
    assert list(columns["N"]) == sorted([1.0, 2.0, 3.0, 4.0] * 4) and np.all(columns["phi0"] == 0) and np.all(columns["gamma2"] > 0)
    assert np.all(r.ok) and columns["message"].dtype.kind == "U" and set(r.results) >= {"phi0", "gamma2"}
    table = r.table
    if frgpy.kinds.have("pandas"):
        assert type(table).__name__ == "DataFrame" and list(table["N"]) == list(columns["N"])
        print("pandas: table is a DataFrame")
    else:
        assert isinstance(table, dict) and table.keys() == columns.keys()
        print("no pandas: table is a dict of arrays")
    print(f"scan: 16 rows equal the CSV, axes {r.axes}")
    same_as_h5py(r)


def check_samples(path, w1, n):
    r = frgpy.open(path)
    assert r.kind == "samples" and isinstance(r, frgpy.Samples), r
    n = int(n)
    close("W1 (printed, 5 digits)", r.comparison["w1"], float(w1), 1e-4)
    assert r.summary["w1"] == r.comparison["w1"]
    if n == 1:
        assert r.samples.ndim == 1 and not r.radial and np.array_equal(r.radius, np.abs(r.samples))
    else:
        assert r.samples.shape[1] == n and r.radial and r.parameters["model"] == "on"
        assert np.allclose(r.radius, np.linalg.norm(r.samples, axis=1))
    target = r.target
    assert target["p"].shape == target["phi"].shape and abs(np.trapz(target["p"], target["phi"]) - 1) < 1e-6
    same_as_h5py(r)


def check_checkpoint(path, every):
    r = frgpy.open(path)
    assert r.kind == "checkpoint" and isinstance(r, frgpy.Checkpoint), r
    with h5py.File(path, "r") as f:
        assert r.t == f["checkpoint"].attrs["t"] and np.array_equal(r.u, f["checkpoint/u"][:])
        records = int(f["checkpoint"].attrs["records"])
    history = r.history
    assert list(history)[:2] == ["t", "k"] and "phi0" in history and "phi0_error" in history, list(history)
    assert r.history_u.shape == (records, len(r.u)), r.history_u.shape
    assert np.allclose(history["t"], float(every) * np.arange(records), atol=1e-12) and 0 < r.t, history["t"]
    assert history["t"][-1] <= r.t and np.allclose(history["k"], np.exp(-history["t"]))
    print(f"checkpoint at t = {r.t}: {records} records, observables {list(history)}")
    same_as_h5py(r)


def write_future(folder):
    """Files with the layout other developers are adding, written here with h5py."""
    flow2d = os.path.join(folder, "future_flow2d.h5")
    with h5py.File(flow2d, "w") as f:
        f.create_group("provenance").attrs["frg_version"] = b"9.9.9"
        t = np.linspace(0, 2, 5)
        f["flow/t"], f["flow/k"] = t, np.exp(-t)
        x, y = np.linspace(0, 1, 6), np.linspace(0, 2, 7)
        f["grid/x"], f["grid/y"] = x, y
        f["flow/U"] = t[:, None, None] + x[None, :, None] ** 2 + y[None, None, :] ** 2
        f["flow/U"].attrs["units"] = b"Lambda^3"
        s = f.create_group("summary").attrs
        s["phi0"], s["phi0_error"], s["gamma2"], s["log_switch_t"] = 0.5, 1e-6, 2.0, -1.0
        f.create_group("brand_new_group/inner").attrs["answer"] = np.int64(42)
        f["brand_new_group/inner/data"] = np.arange(3)
    fixed = os.path.join(folder, "future_fixedpoint.h5")
    with h5py.File(fixed, "w") as f:
        f.create_group("provenance").attrs["frg_version"] = b"9.9.9"
        f["fixedpoint/rho"], f["fixedpoint/v"] = np.linspace(0, 1, 9), np.linspace(-0.2, 2, 9)
        s = f.create_group("summary").attrs
        s["nu"], s["nu_error"], s["omega"], s["omega_error"] = 0.65, 2e-9, 0.66, 3e-8
        s["theta_1_real"], s["theta_1_imag"], s["theta_2_real"], s["theta_2_imag"] = 1 / 0.65, 0.0, -0.66, 0.0
        s["theta_3_real"], s["theta_3_imag"], s["theta_4_real"], s["theta_4_imag"] = -7.5, 0.7, -7.5, -0.7
    return flow2d, fixed


def check_future(folder):
    flow2d, fixed = write_future(folder)
    r = frgpy.open(flow2d)
    assert r.kind == "flow" and r.spatial_dims == 2 and r.fields["U"].shape == (5, 6, 7)
    assert isinstance(r.summary["phi0"], frgpy.Value) and r.summary["phi0"] == 0.5 and r.summary["phi0"].error == 1e-6
    assert r.errors == {"phi0": 1e-6} and "phi0_error" not in r.summary and r.summary["log_switch_t"] == -1.0
    assert r.attrs("brand_new_group/inner") == {"answer": 42} and type(r.attrs("brand_new_group/inner")["answer"]) is int
    assert list(r["brand_new_group/inner/data"]) == [0, 1, 2] and r.unit("U") == "Lambda^3"
    assert np.array_equal(r.potential(1), r["flow/U"][1])
    print("2D flow: fields [time, x, y], NAME_error paired, unknown groups read, the file's own units first")
    f = frgpy.open(fixed)
    assert f.kind == "fixedpoint" and f.nu == 0.65 and f.nu.error == 2e-9 and f.errors == {"nu": 2e-9, "omega": 3e-8}
    assert np.allclose(f.theta, [1 / 0.65, -0.66, -7.5 + 0.7j, -7.5 - 0.7j]), f.theta
    print("fixed point: theta_i_real/_imag as complex theta, nu and omega with their errors")


def check_errors(folder):
    text = os.path.join(folder, "not_hdf5.h5")
    open(text, "w").write("hello\n")
    other = os.path.join(folder, "other.h5")
    with h5py.File(other, "w") as f:
        f["x"] = np.arange(3)
    for path, words in ((text, "not an HDF5 file"), (other, "not an frg result file")):
        try:
            frgpy.open(path)
        except frgpy.FrgFileError as error:
            assert words in str(error) and path in str(error), str(error)
            print(f"FrgFileError: {error}")
        else:
            raise AssertionError(f"{path} was accepted")
    try:
        frgpy.open(os.path.join(folder, "missing.h5"))
    except FileNotFoundError as error:
        print(f"FileNotFoundError: {error}")
    else:
        raise AssertionError("a missing file was accepted")


if __name__ == "__main__":
    what, args = sys.argv[1], sys.argv[2:]
    {"flow": check_flow, "fixedpoint": check_fixedpoint, "dimensionless": check_dimensionless, "scan": check_scan,
     "samples": check_samples, "checkpoint": check_checkpoint, "future": check_future, "errors": check_errors}[what](*args)
