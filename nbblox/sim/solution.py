"""Solution: the result of a simulation, as plain arrays with conversions to
xarray and pandas and a lazy ``.plot()`` (HoloViews, in viz/)."""
from __future__ import annotations

import json

import numpy as np

from ..exceptions import ParameterError, suggest

__all__ = ["Solution"]


class Solution:
    """Time series of the recorded states of one run.

    Attributes
    ----------
    t : ndarray (n,)
        Sample times (ms).
    names : list of str
        Recorded variables (``"blox.state"``).
    values : ndarray (len(names), n)
    final_state : ndarray
        Full state vector at the last step reached (to continue a run).
    params : dict
        Parameter values used.
    spikes : dict with ``"index"``, ``"time"`` arrays (empty without spikes)
    info : dict
        Method, dt, stride, seed, backend, nbblox version.

    Examples
    --------
    >>> import nbblox as nb
    >>> sol = nb.simulate(nb.blox.FitzHughNagumo(name="fhn", I=0.5), 10.0, dt=0.01)
    >>> sol["fhn.V"].shape == sol.t.shape
    True
    """

    def __init__(self, t, names, values, *, final_state=None, params=None, info=None,
                 spikes=None, system=None):
        self.t = np.asarray(t)
        self.names = list(names)
        self.values = np.asarray(values)
        self.final_state = final_state
        self.params = dict(params or {})
        self.info = dict(info or {})
        self.spikes = spikes if spikes is not None else {
            "index": np.zeros(0, dtype=np.int64), "time": np.zeros(0)}
        self.system = system
        self._index = {n: i for i, n in enumerate(self.names)}

    def _resolve(self, name):
        if name in self._index:
            return self._index[name]
        # "V" is accepted when exactly one recorded variable ends in ".V"
        matches = [n for n in self.names if n.split(".", 1)[-1] == name]
        if len(matches) == 1:
            return self._index[matches[0]]
        extra = f" It is ambiguous: {matches}." if len(matches) > 1 else suggest(name, self.names)
        raise ParameterError(f"'{name}' was not recorded in this solution.{extra} "
                             f"Recorded: {', '.join(self.names[:10])}"
                             + (" ..." if len(self.names) > 10 else ""))

    def __getitem__(self, name):
        return self.values[self._resolve(name)]

    def __contains__(self, name):
        try:
            self._resolve(name)
            return True
        except ParameterError:
            return False

    def __len__(self):
        return self.t.size

    def to_xarray(self):
        """xarray.Dataset with one variable per recorded state over ``time``."""
        import xarray as xr
        ds = xr.Dataset({n: ("time", self.values[i]) for i, n in enumerate(self.names)},
                        coords={"time": ("time", self.t, {"units": "ms"})})
        ds.attrs.update({k: (json.dumps(v) if isinstance(v, (dict, list)) else v)
                         for k, v in self.info.items() if v is not None})
        ds.attrs["params"] = json.dumps(self.params)
        return ds

    def to_pandas(self):
        """pandas.DataFrame indexed by time (ms), one column per variable."""
        import pandas as pd
        return pd.DataFrame(self.values.T, index=pd.Index(self.t, name="time"),
                            columns=self.names)

    def plot(self, vars=None, **kw):
        """HoloViews plot of the recorded time series (see nbblox.viz)."""
        from ..viz import plot_solution
        return plot_solution(self, vars=vars, **kw)

    def __repr__(self):
        span = f"t = {self.t[0]:g}..{self.t[-1]:g} ms" if self.t.size else "empty"
        return (f"<Solution {span}, {self.t.size} samples, {len(self.names)} variables "
                f"({self.info.get('method')})>")
