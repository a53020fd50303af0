"""Spike rasters: ``Solution.spikes`` ({"index", "time"}) as a HoloViews
scatter of (time, neuron), one row per neuron."""
from __future__ import annotations

import numpy as np

__all__ = ["plot_raster"]


def plot_raster(spikes, labels=None, *, t_range=None, width=700, height=None, max_spikes=200_000,
                color="#222222", title="spike raster", n=None, frame_width=None):
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
    height : int, optional
        Default 260 px; a raster of a few neurons is lower (one row: 170 px).
    frame_width : int, optional
        Width of the data area instead of the whole figure (a raster under
        time series of the same data width).
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
    rows = max(n, len(labels or ()))
    if height is None:     # one neuron's row does not need the height of a population
        height = 260 if rows > 8 else 160 + 10 * rows
    size = dict(frame_width=frame_width, frame_height=height - 70) if frame_width else \
        dict(width=width, height=height)
    from .style import FONTS, plain_time_ticks
    opts = dict(marker="dash", angle=90, size=8 if rows > 8 else 14, color=color, fontsize=FONTS,
                hooks=[plain_time_ticks],
                title=title + note, tools=["hover"], ylim=(-0.5, rows - 0.5), **size)
    if labels is None and rows <= 8:          # whole neurons only: no "0.2" ticks
        opts["yticks"] = list(range(rows))
    if t_range is not None:
        opts["xlim"] = tuple(t_range)
    if labels is not None and len(labels) <= 40:
        opts["yticks"] = list(enumerate(labels))
    return el.opts(backend="bokeh", **opts)
