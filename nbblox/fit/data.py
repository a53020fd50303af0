"""Observed data for nb.fit: every accepted container (Solution, xarray
Dataset/DataArray, pandas DataFrame/Series, dict of arrays with ``t=``)
becomes one validated :class:`Observations` -- times and a row per observed
state -- before any simulation runs.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._text import counted
from ..exceptions import ParameterError, suggest

__all__ = ["Observations", "as_observations"]


@dataclass
class Observations:
    """Observed time series on one time grid: ``values[k]`` is state ``names[k]``."""

    t: np.ndarray
    names: list
    values: np.ndarray

    def as_dict(self):
        return {n: self.values[k] for k, n in enumerate(self.names)}


def _time_of(obj, what):
    for key in ("time", "t"):
        if key in getattr(obj, "coords", {}):
            return np.asarray(obj.coords[key].values, dtype=float)
    raise ParameterError(f"{what} has no 'time' coordinate; name the time axis 'time' (ms)")


def _columns(data, t):
    """(t, {name: values}) from any accepted container."""
    from ..sim.solution import Solution
    if isinstance(data, Solution):
        return data.t, {n: data.values[k] for k, n in enumerate(data.names)}
    mod = type(data).__module__
    if mod.startswith("xarray"):
        if hasattr(data, "data_vars"):   # Dataset
            tt = _time_of(data, "the Dataset")
            return tt, {str(n): np.asarray(v.values) for n, v in data.data_vars.items()
                        if v.dims == (v.dims[0],) and v.dims[0] in ("time", "t")}
        if data.name is None:
            raise ParameterError("the DataArray has no name: set .name to the state it "
                                 "observes (e.g. 'fhn.V')")
        return _time_of(data, "the DataArray"), {str(data.name): np.asarray(data.values)}
    if mod.startswith("pandas"):
        if hasattr(data, "columns"):
            tt = np.asarray(data.index, dtype=float) if t is None else t
            return tt, {str(c): np.asarray(data[c].values) for c in data.columns}
        if data.name is None:
            raise ParameterError("the Series has no name: set .name to the observed state")
        tt = np.asarray(data.index, dtype=float) if t is None else t
        return tt, {str(data.name): np.asarray(data.values)}
    if isinstance(data, dict):
        if t is None:
            raise ParameterError("data given as a dict needs its sample times: "
                                 "nb.fit(..., t=times)")
        return t, dict(data)
    raise ParameterError(f"cannot fit to a {type(data).__name__}; pass a Solution, an xarray "
                         "Dataset/DataArray, a pandas DataFrame or a dict of arrays with t=")


def as_observations(data, system, t=None, vars=None):
    """Validate ``data`` against ``system``: names are states, lengths match
    the times, no NaN/inf, times increasing.

    Examples
    --------
    >>> import numpy as np, nbblox as nb
    >>> s = nb.compile(nb.blox.FitzHughNagumo(name="fhn"))
    >>> obs = as_observations({"fhn.V": np.zeros(3)}, s, t=[0.0, 1.0, 2.0])
    >>> obs.names, obs.values.shape
    (['fhn.V'], (1, 3))
    """
    if t is not None:
        t = np.asarray(t, dtype=float)
    tt, cols = _columns(data, t)
    tt = np.asarray(tt, dtype=float)
    if tt.ndim != 1 or tt.size < 2:
        raise ParameterError(f"data needs at least 2 sample times, got shape {tt.shape}")
    if not np.all(np.isfinite(tt)) or np.any(np.diff(tt) <= 0):
        raise ParameterError("data times must be finite and strictly increasing")
    if vars is not None:
        vars = [vars] if isinstance(vars, str) else list(vars)
        missing = [v for v in vars if v not in cols]
        if missing:
            raise ParameterError(f"vars {missing} are not in the data (it has "
                                 f"{', '.join(cols)})")
        cols = {v: cols[v] for v in vars}
    names, rows = [], []
    for name, y in cols.items():
        if name not in system._state_index:
            raise ParameterError(f"data variable '{name}' is not a state of "
                                 f"'{system.circuit.name}'." +
                                 suggest(name, system.state_names[:2000]) +
                                 " Pick observed states with vars=[...].")
        y = np.asarray(y, dtype=float)
        if y.shape != tt.shape:
            raise ParameterError(f"data variable '{name}' has {counted(y.size, 'sample')} but there "
                                 f"{'is' if tt.size == 1 else 'are'} {counted(tt.size, 'sample time')}")
        bad = np.flatnonzero(~np.isfinite(y))
        if bad.size:
            raise ParameterError(f"data variable '{name}' holds NaN or inf ({bad.size} "
                                 f"samples, first at t = {tt[bad[0]]:g} ms); drop or fill "
                                 "them before fitting")
        names.append(name)
        rows.append(y)
    if not names:
        raise ParameterError("the data holds no variable to fit")
    return Observations(tt, names, np.vstack(rows))
