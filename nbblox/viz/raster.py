"""Spike rasters: ``Solution.spikes`` ({"index", "time"}) as a HoloViews
scatter of (time, neuron), one row per neuron."""
from __future__ import annotations

import numpy as np

__all__ = ["plot_raster"]


def plot_raster(spikes, labels=None, *, t_range=None, width=700, height=260, max_spikes=200_000,
                color="#222222", title="spike raster", n=None):
    """Spike raster from a Solution or a ``{"index", "time"}`` dict.

    Parameters
    ----------
    spikes : Solution or dict
        ``index`` (int array, neuron number) and ``time`` (ms) of each spike.
    labels : list of str, optional
        Neuron names for the y axis ticks (used when there are at most 40).
    t_range : (float, float), optional
        Time axis range (default: the solution's span, or the spikes').
    n : int, optional
        Number of neurons (rows), silent ones included; default: the largest
        index + 1.
    max_spikes : int
        Above this many spikes a uniform random subset is drawn (seeded, so the
        picture is stable) to keep the browser responsive; the title says so.

    Examples
    --------
    >>> r = plot_raster({"index": np.array([0, 1, 1]), "time": np.array([1.0, 2.0, 5.0])})
    >>> [d.name for d in r.dimensions()]
    ['time', 'neuron']
    >>> len(r)
    3
    """
    import holoviews as hv
    import holoviews.plotting.bokeh  # noqa: F401
    sol = None
    if hasattr(spikes, "spikes"):
        sol, spikes = spikes, spikes.spikes
    idx = np.asarray(spikes.get("index", ()), dtype=np.int64)
    tm = np.asarray(spikes.get("time", ()), dtype=float)
    if idx.shape != tm.shape:
        from ..exceptions import ParameterError
        raise ParameterError(f"spikes['index'] has {idx.size} entries but spikes['time'] "
                             f"has {tm.size}")
    note = ""
    if idx.size > max_spikes:
        keep = np.sort(np.random.default_rng(0).choice(idx.size, max_spikes, replace=False))
        note = f" ({max_spikes} of {idx.size} spikes shown)"
        idx, tm = idx[keep], tm[keep]
    if t_range is None and sol is not None and len(sol.t):
        t_range = (float(sol.t[0]), float(sol.t[-1]))
    el = hv.Scatter((tm, idx), kdims=[hv.Dimension("time", unit="ms")],
                    vdims=[hv.Dimension("neuron")])
    if n is None:
        n = int(idx.max()) + 1 if idx.size else 1
    opts = dict(width=width, height=height, marker="dash", angle=90, size=8, color=color,
                title=title + note, tools=["hover"], ylim=(-0.5, max(n, len(labels or ())) - 0.5))
    if t_range is not None:
        opts["xlim"] = tuple(t_range)
    if labels is not None and len(labels) <= 40:
        opts["yticks"] = list(enumerate(labels))
    return el.opts(backend="bokeh", **opts)
