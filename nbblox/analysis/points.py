"""Points: the list that :func:`fixed_points` and :func:`slow_points` return.

It is a plain ``list`` of :class:`FixedPoint` / :class:`SlowPoint` (so
indexing, ``len`` and iteration are unchanged) with the conversions and the
view every nbblox result has: ``.to_pandas()`` (one row per point: states,
stability, largest real part of the eigenvalues, and for slow points the
speed ``q``), ``.to_xarray()`` and ``.plot()`` (the points in the plane of
two states, or their eigenvalues in the complex plane).
"""
from __future__ import annotations

import numpy as np

from ..exceptions import ParameterError, suggest

__all__ = ["Points"]


class Points(list):
    """A list of fixed or slow points with ``.to_pandas()``, ``.to_xarray()``
    and ``.plot()``.

    Examples
    --------
    >>> import nbblox as nb
    >>> fps = nb.fixed_points(nb.blox.FitzHughNagumo(name="fhn"), params={"fhn.I": 0.0},
    ...                       bounds={"fhn.V": (-3, 3), "fhn.w": (-3, 3)})
    >>> df = fps.to_pandas()
    >>> list(df.columns[:3]), df["stability"].tolist()
    (['fhn.V', 'fhn.w', 'stability'], ['stable focus'])
    """

    def __init__(self, points=(), state_names=None):
        super().__init__(points)
        self.state_names = list(state_names) if state_names is not None else (
            list(self[0].state) if len(self) else [])

    def _slow(self):
        return len(self) > 0 and hasattr(self[0], "q")

    def to_pandas(self):
        """pandas.DataFrame, one row per point: each state, ``stability``,
        ``max_real`` (largest real part of the eigenvalues; > 0 is unstable),
        and for slow points ``q`` (|f|²/2) and ``fixed``."""
        import pandas as pd
        rows = []
        for pt in self:
            row = {n: pt.state[n] for n in self.state_names}
            row["stability"] = pt.stability
            row["max_real"] = float(np.max(np.real(pt.eigenvalues))) if len(pt.eigenvalues) else np.nan
            if hasattr(pt, "q"):
                row.update(q=pt.q, fixed=pt.fixed)
            rows.append(row)
        cols = self.state_names + ["stability", "max_real"] + (["q", "fixed"] if self._slow() else [])
        return pd.DataFrame(rows, columns=cols, index=pd.RangeIndex(len(rows), name="point"))

    def to_xarray(self):
        """xarray.Dataset over ``point`` (and ``mode`` for the eigenvalues)."""
        import xarray as xr
        df = self.to_pandas()
        ds = xr.Dataset.from_dataframe(df)
        if len(self):
            ev = np.array([np.asarray(pt.eigenvalues) for pt in self])
            ds["eigenvalue_real"] = (("point", "mode"), ev.real)
            ds["eigenvalue_imag"] = (("point", "mode"), ev.imag)
        return ds

    def _axis(self, name, default):
        if name is None:
            return default
        if name in self.state_names:
            return name
        short = [n for n in self.state_names if n.split(".", 1)[-1] == name]
        if len(short) == 1:
            return short[0]
        raise ParameterError(f"no state '{name}' in these points." + suggest(name, self.state_names)
                             + f" States: {', '.join(self.state_names[:8])}")

    def plot(self, x=None, y=None, *, kind="states", **kw):
        """The points (HoloViews), coloured by stability: ``kind="states"`` in
        the plane of states ``x`` and ``y`` (default the first two; one state
        gives a line), ``kind="eigenvalues"`` their eigenvalues in the complex
        plane (Sussillo & Barak's view of slow points)."""
        from ..viz.points import plot_points
        if kind not in ("states", "eigenvalues"):
            raise ParameterError(f"kind must be 'states' or 'eigenvalues', not {kind!r}")
        names = self.state_names
        if not names:
            raise ParameterError("there are no points to plot")
        xs = self._axis(x, names[0])
        ys = self._axis(y, names[1] if len(names) > 1 else None) if (y or len(names) > 1) else None
        return plot_points(self, xs, ys, kind=kind, **kw)

    def __repr__(self):
        return "[" + ", ".join(repr(p) for p in self) + "]"
