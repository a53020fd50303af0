"""Assemble the chunk results of :func:`nbblox.sweep` into an xarray
Dataset (missing chunks of an interrupted sweep stay NaN)."""
from __future__ import annotations

import json
import warnings

import numpy as np

__all__ = ["assemble"]


def assemble(parts, job, names, cols, shape, grid, rec_names):
    """Assemble chunk results (missing chunks stay NaN) into a Dataset."""
    import xarray as xr
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
    ds = xr.Dataset(data, coords=coords)
    ds.attrs.update({k: v for k, v in job["spec"]["info"].items() if v is not None})
    from .._version import __version__
    ds.attrs["nbblox"] = __version__
    ds.attrs["params"] = json.dumps(dict(zip(job["system"].param_names,
                                             job["P"][0].tolist())) if n else {})
    if "diverged" in full and full["diverged"].any():
        k = int(full["diverged"].sum())
        i = int(np.argmax(full["diverged"]))
        at = ", ".join(f"{nm}={cols[nm][i]:g}" for nm in names)
        warnings.warn(f"{k} of {n} runs diverged (NaN or inf), first at {at}; their "
                      "measures are NaN (see the 'diverged' variable). Try a smaller dt.",
                      RuntimeWarning, stacklevel=3)
    ds.attrs["complete"] = int(done.all())
    return ds


def _axes(cols, names, shape):
    """The 1-D coordinate of each grid axis (recovered from the mesh)."""
    axes = []
    for d, k in enumerate(names):
        arr = cols[k].reshape(shape)
        sl = tuple(slice(None) if j == d else 0 for j in range(len(shape)))
        axes.append(arr[sl])
    return axes
