"""Time-series views of a Solution."""
from __future__ import annotations

import numpy as np

__all__ = ["plot_solution"]

MAX_POINTS = 5000


def _downsample(t, y, n=MAX_POINTS):
    """Min/max decimation: keeps spikes visible while capping the points."""
    if t.size <= n:
        return t, y
    bins = n // 2
    edges = np.linspace(0, t.size, bins + 1).astype(int)
    idx = []
    for a, b in zip(edges[:-1], edges[1:]):
        if b > a:
            seg = y[a:b]
            i, j = a + int(np.argmin(seg)), a + int(np.argmax(seg))
            idx.extend(sorted((i, j)))
    idx = np.array(idx)
    return t[idx], y[idx]


def plot_solution(sol, vars=None, overlay=True, width=700, height=300):
    """HoloViews Curves of ``vars`` (default: every recorded variable).

    Examples
    --------
    >>> import nbblox as nb
    >>> sol = nb.simulate(nb.blox.FitzHughNagumo(name="fhn", I=0.5), 50.0)
    >>> p = sol.plot(vars=["fhn.V"])
    >>> type(p).__name__
    'Overlay'
    """
    import holoviews as hv
    import holoviews.plotting.bokeh  # noqa: F401  (registers the bokeh options)
    names = list(sol.names) if vars is None else [vars] if isinstance(vars, str) else list(vars)
    curves = []
    for name in names:
        y = sol[name]
        t, yd = _downsample(sol.t, y)
        c = hv.Curve((t, yd), kdims=[hv.Dimension("time", unit="ms")],
                     vdims=[hv.Dimension("value", label="value")], label=name)
        curves.append(c.opts(width=width, height=height, tools=["hover"], backend="bokeh"))
    if overlay:
        return hv.Overlay(curves)
    return hv.Layout(curves).cols(1)
