"""Assemble the chunk results of :func:`nbblox.sweep` into an xarray
Dataset (missing chunks of an interrupted sweep stay NaN), with the circuit
and the sweep's settings in its attributes, and the ``.nbblox`` accessor
(``ds.nbblox.circuit``, ``.plot()``, ``.save(path)``, ``.rerun()``) that reads them."""
from __future__ import annotations

import json
import warnings

import numpy as np
import xarray as xr

from ..._text import counted
__all__ = ["assemble", "provenance", "SweepAccessor"]


def provenance(system, names, grid, record, traces, meas, threshold, min_amplitude, P, X, W,
               values):
    """Attributes that let a saved sweep be cited and repeated: the circuit
    JSON and the settings (``sweep``: swept names, base parameters, state and
    weights, measures; a user's measure function is named, not stored)."""
    base = P[0].copy() if len(P) else system.param_vector()
    x0, w = (X[0].copy(), W[0].copy()) if len(X) else (system.x0, system.weights)
    for k in names:     # the swept slot of row 0 holds a swept value, not the base
        if k in system.param_names:
            base[system.params.index(k)] = system.param_vector()[system.params.index(k)]
        elif k in system.state_names:
            x0[system.state_index(k)] = system.x0[system.state_index(k)]
        elif k == "coupling" and len(W):
            w = np.asarray(system.weights, dtype=np.float64).copy()
    spec = {"swept": list(names), "grid": bool(grid), "record": record, "traces": bool(traces),
            "measures": {n: (m if isinstance(m, str) else None) for n, m in meas},
            "threshold": threshold, "min_amplitude": min_amplitude,
            "params": dict(zip(system.param_names, base.tolist())), "x0": x0.tolist(),
            "weights": np.asarray(w, dtype=np.float64).tolist()}
    return {"circuit": system.circuit.to_json(), "sweep": json.dumps(spec)}


@xr.register_dataset_accessor("nbblox")
class SweepAccessor:
    """``ds.nbblox``: the circuit, saving and re-running of a sweep Dataset.

    Examples
    --------
    >>> import nbblox as nb
    >>> ds = nb.sweep(nb.blox.FitzHughNagumo(name="fhn"), {"fhn.I": [0.0, 1.0]}, 20.0,
    ...               dt=0.05, measure="max")
    >>> ds.nbblox.circuit.name
    'fhn'
    >>> bool((ds.nbblox.rerun()["max"] == ds["max"]).all())
    True
    """

    def __init__(self, ds):
        self._ds = ds

    @property
    def circuit(self):
        """The swept Circuit, rebuilt from the JSON in ``attrs["circuit"]``."""
        from ...io.provenance import circuit_of
        return circuit_of(self._ds)

    def plot(self, measure=None, variable=None, **kw):
        """HoloViews view of a ``measure`` (default: the first) of one recorded
        ``variable`` (default: the first): a heat map over two swept names, a
        curve over one (:func:`nbblox.viz.plot_sweep`; ``ds.plot`` is xarray's
        own plotting, so nbblox's is ``ds.nbblox.plot()``, as ``sol.plot()``)."""
        from ...exceptions import ParameterError
        from ...viz import plot_sweep   # lazy, as Solution.plot: sim does not need HoloViews
        ds = self._ds
        if "variable" in ds.dims:
            names = [str(v) for v in ds["variable"].values]
            var = names[0] if variable is None else str(variable)
            if var not in names:
                raise ParameterError(f"the sweep recorded no variable '{var}'; it recorded "
                                     f"{', '.join(names)}")
            measure = measure if measure is not None else next(iter(ds.data_vars), None)
            kw.setdefault("title", f"{measure} of {var}")
            ds = ds.sel(variable=var)
        return plot_sweep(ds, measure, **kw)

    def save(self, path, format=None):
        """Write the sweep to netCDF (``.nc``) or zarr (``.zarr``, chunked, for
        large sweeps); :func:`nbblox.load` reads it back."""
        from ...io import save
        return save(self._ds, path, format=format)

    def rerun(self, backend="cpu"):
        """Run the same sweep again (built-in measures only: a measure function
        is code, which a file does not carry)."""
        from ...compile import compile
        from ...exceptions import SimulationError
        from . import sweep   # the package entry point, as nb.sweep (no cycle with core)
        weights, values, t_end, kw = self.rerun_args()
        own = [n for n, m in kw["measure"].items() if m is None]
        if own:
            raise SimulationError(f"the measure {own[0]!r} was a Python function, which the "
                                  "Dataset does not store; rerun with nb.sweep(...) instead")
        system = compile(self.circuit)
        system.weights[:] = weights
        return sweep(system, values, t_end, backend=backend, **kw)

    def rerun_args(self):
        """``(weights, values, t_end, kwargs)``: what :meth:`rerun` passes to
        :func:`nbblox.sweep` after setting the compiled circuit's weights (also
        what the sweep's generated code writes out: ``nbblox.io.code``).  A
        measure that was a Python function appears as ``None``."""
        from ...exceptions import SimulationError
        from ...io.pack import loads
        a = self._ds.attrs
        if "sweep" not in a or "circuit" not in a:
            raise SimulationError("this Dataset does not record its sweep settings (made by "
                                  "an older nbblox or edited)")
        spec = loads(a["sweep"], "the 'sweep' attribute")
        values = {k: np.asarray(self._ds[k].values) for k in spec["swept"]}
        kw = dict(dt=a["dt"], method=a["method"], measure=dict(spec["measures"]),
                  grid=spec["grid"], record=spec["record"], stride=int(a["stride"]),
                  traces=spec["traces"], params=spec["params"], x0=np.asarray(spec["x0"]),
                  t0=a["t0"], transient=a["transient"], threshold=spec["threshold"],
                  min_amplitude=spec["min_amplitude"], seed=a.get("seed"),
                  fastmath=True if a.get("fastmath", 0) else None)   # None: as compiled
        return spec["weights"], values, a["t_end"], kw


def assemble(parts, job, names, cols, shape, grid, rec_names):
    """Assemble chunk results (missing chunks stay NaN) into a Dataset."""
    n = job["X"].shape[0]
    pdims = tuple(names) if grid else ("instance",)
    if grid:
        coords = {k: (k, np.asarray(v)) for k, v in zip(names, _axes(cols, names, shape))}
    else:
        coords = {k: ("instance", cols[k]) for k in names}
        coords["instance"] = ("instance", np.arange(n))
    coords["variable"] = ("variable", rec_names)
    first = next(iter(parts.values()), None)
    data = {}
    done = np.zeros(n, dtype=bool)
    keys = [m[0] for m in job["spec"]["measures"]] + ["diverged"]
    if job["spec"]["traces"]:
        keys.append("trace")
    full = {}
    for c, (a, b) in enumerate(job["chunks"]):
        part = parts.get(c)
        if part is None:
            continue
        done[a:b] = True
        for k in keys:
            arr = part[k]
            if k not in full:
                fill = False if k == "diverged" else np.nan
                full[k] = np.full((n,) + arr.shape[1:], fill, dtype=arr.dtype if k ==
                                  "diverged" else np.float64)
            full[k][a:b] = arr
    builtins = {m[0] for m in job["spec"]["measures"] if isinstance(m[1], str)}
    for k, arr in full.items():
        arr = arr.reshape(shape + arr.shape[1:])
        if k in builtins:
            dims = pdims + ("variable",)
        elif k == "trace":
            dims = pdims + ("variable", "time")
        else:
            dims = pdims + tuple(f"{k}_dim{d}" for d in range(arr.ndim - len(pdims)))
        data[k] = (dims, arr)
    if job["spec"]["traces"] and first is not None:
        coords["time"] = ("time", first["time"], {"units": "ms"})
    ds = _dataset(data, coords)
    ds.attrs.update({k: v for k, v in job["spec"]["info"].items() if v is not None})
    from ..._version import __version__
    ds.attrs["nbblox"] = __version__
    ds.attrs["params"] = json.dumps(dict(zip(job["system"].param_names,
                                             job["P"][0].tolist())) if n else {})
    if "diverged" in full and full["diverged"].any():
        k = int(full["diverged"].sum())
        i = int(np.argmax(full["diverged"]))
        at = ", ".join(f"{nm}={cols[nm][i]:g}" for nm in names)
        warnings.warn(f"{k} of {counted(n, 'run')} diverged (NaN or inf), first at {at}; their "
                      "measures are NaN (see the 'diverged' variable). Try a smaller dt.",
                      RuntimeWarning, stacklevel=3)
    ds.attrs["complete"] = int(done.all())
    return ds


def _dataset(data, coords):
    """``xr.Dataset(data, coords=coords)`` (each value ``(dims, values[, attrs])``),
    built so that a fresh process imports no ``dask``, ``pint``, ``sparse`` or
    ``cupy`` (issue 17, cold start: ~0.4 s CPU, a third of a first sweep).
    xarray's conversion of each array and its default index of each dimension
    coordinate ask those packages whether the array is theirs, importing them;
    a plain numeric, bool or string ndarray (what a sweep holds) is none of
    theirs, so it goes in as is (``fastpath``) and its index is the same
    ``PandasIndex`` xarray would make (``pd.Index`` of the values, the
    variable's dtype).  Anything else (an object array) goes the usual way."""
    def plain(v):
        return type(v[1]) is np.ndarray and v[1].dtype.kind in "biufU" \
            and v[1].dtype != np.float16

    items = [(k, (v[0], np.asarray(v[1])) + tuple(v[2:]) if isinstance(v[1], list) else v)
             for k, v in (*data.items(), *coords.items())]
    if not all(plain(v) for _, v in items):
        return xr.Dataset(data, coords=coords)
    import pandas as pd
    from xarray.indexes import PandasIndex
    var = {k: xr.Variable(*v, fastpath=True) for k, v in items}
    cvars, index = {}, {}
    for k in coords:
        if var[k].dims == (k,):
            index[k] = PandasIndex(pd.Index(var[k].data), k, coord_dtype=var[k].dtype)
            cvars.update(index[k].create_variables({k: var[k]}))
        else:
            cvars[k] = var[k]
    return xr.Dataset({k: var[k] for k in data}, coords=xr.Coordinates(cvars, indexes=index))


def _axes(cols, names, shape):
    """The 1-D coordinate of each grid axis (recovered from the mesh)."""
    axes = []
    for d, k in enumerate(names):
        arr = cols[k].reshape(shape)
        sl = tuple(slice(None) if j == d else 0 for j in range(len(shape)))
        axes.append(arr[sl])
    return axes
