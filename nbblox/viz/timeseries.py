"""Time-series views of a Solution, and the min/max decimation that keeps
long runs responsive in the browser.

``downsample`` is pure NumPy (used by the live explorer before data reaches a
HoloViews Pipe); ``plot_solution`` builds the HoloViews elements.
"""
from __future__ import annotations

import numpy as np

from ..exceptions import ParameterError, suggest

__all__ = ["plot_solution", "downsample", "timeseries_element", "MAX_POINTS", "CANVAS"]

MAX_POINTS = 4000
# Draw with the 2D canvas, not HoloViews' default WebGL: a few thousand decimated
# points gain nothing from WebGL, and without a GPU (headless Chromium, VMs, remote
# desktops) WebGL is software-rendered and then copied onto the canvas -- ~100 ms a
# repaint in bench/latency_explore.py, against a few ms for the canvas.
CANVAS = {"plot.output_backend": "canvas"}
PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf",
           "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22")


def downsample(t, y, n=MAX_POINTS):
    """Min/max decimation of one or more series to at most ``n`` points.

    Each of ``n // 2`` bins keeps its minimum and maximum (in time order),
    so spikes stay visible; the first and last samples are always kept.

    Parameters
    ----------
    t : ndarray (m,)
    y : ndarray (m,) or (k, m)
        One series, or ``k`` series sharing ``t`` (the union of their extrema
        is kept, so all stay aligned).
    n : int
        Target number of points (at least 4).

    Returns
    -------
    t, y : decimated arrays, ``y`` keeps its dimensionality.

    Examples
    --------
    >>> t = np.arange(1_000_000) * 0.01
    >>> td, yd = downsample(t, np.sin(t), 1000)
    >>> len(td) <= 1000, float(yd.max()) > 0.999
    (True, True)
    """
    t = np.asarray(t)
    y = np.asarray(y)
    m = t.size
    n = max(int(n), 4)
    if m <= n:
        return t, y
    two_d = y.ndim == 2
    Y = y if two_d else y[None, :]
    bins = max((n - 2) // (2 * Y.shape[0]), 1)
    k = -(-(m - 2) // bins)  # ceil: bin length over the inner samples
    inner = Y[:, 1:m - 1]
    full = (inner.shape[1] // k) * k
    idx = [np.array([0, m - 1])]
    if full:
        blocks = inner[:, :full].reshape(Y.shape[0], -1, k)
        base = 1 + np.arange(blocks.shape[1]) * k
        idx += [(base[None, :] + blocks.argmin(axis=2)).ravel(),
                (base[None, :] + blocks.argmax(axis=2)).ravel()]
    if full < inner.shape[1]:
        tail = inner[:, full:]
        idx += [1 + full + tail.argmin(axis=1), 1 + full + tail.argmax(axis=1)]
    keep = np.unique(np.concatenate(idx))
    return t[keep], (Y[:, keep] if two_d else Y[0, keep])


def _names(sol, vars):
    if vars is None:
        return list(sol.names)
    names = [vars] if isinstance(vars, str) else list(vars)
    out = []
    for v in names:
        if v not in sol:
            raise ParameterError(f"cannot plot '{v}': it was not recorded." +
                                 suggest(v, sol.names) + f" Recorded: {', '.join(sol.names[:10])}")
        out.append(sol.names[sol._resolve(v)])
    return out


def _unit(sol, name):
    """Unit of a state from its blox metadata, when the solution knows its system."""
    system = getattr(sol, "system", None)
    try:
        bname, st = name.rsplit(".", 1)
        units = getattr(system.circuit[bname.split("[", 1)[0]].type, "units", None) or {}
        return units.get(st, "")
    except Exception:
        return ""


def timeseries_element(t, columns, *, overlay=True, width=700, height=280, title="",
                       ylabel=None, ylim=None, frame=False):
    """HoloViews view of already-sampled data: ``columns`` is ``{name: array}``.

    The explorer's live DynamicMap calls this with each new run, so the static
    and live views look the same.  ``frame=True`` fixes the size of the data
    area instead of the whole figure (live views: wider tick labels after an
    update must not narrow the plot; axes still follow the data, framewise).

    Examples
    --------
    >>> el = timeseries_element(np.arange(3.0), {"a.x": np.ones(3)})
    >>> curve = el.get(0)
    >>> curve.label, curve.kdims[0].name, curve.vdims[0].label
    ('a.x', 'time', 'a.x')
    """
    import holoviews as hv
    import holoviews.plotting.bokeh  # noqa: F401  (registers the bokeh options)
    tdim = hv.Dimension("time", label="time", unit="ms")
    curves = []
    for i, (name, y) in enumerate(columns.items()):
        vd = hv.Dimension("value", label=ylabel or ("value" if overlay and len(columns) > 1 else name))
        if not overlay:
            vd = hv.Dimension(name.replace(".", "_"), label=name)
        # a dict with its datatype named skips HoloViews' interface guessing (live updates)
        c = hv.Curve({"time": t, vd.name: y}, kdims=[tdim], vdims=[vd], label=name,
                     datatype=["dictionary", "array"])
        size = (dict(frame_width=width - 160, frame_height=height - 60) if frame else
                dict(width=width, height=height))
        opts = dict(color=PALETTE[i % len(PALETTE)], line_width=1.5, tools=["hover"],
                    show_grid=True, framewise=True, backend_opts=CANVAS, **size)
        if ylim is not None:
            opts["ylim"] = ylim
        curves.append(c.opts(backend="bokeh", **opts))
    if overlay:
        ov = hv.Overlay(curves).opts(backend="bokeh", title=title,
                                     legend_position="right", show_legend=len(curves) > 1)
        return ov
    return hv.Layout(curves).opts(title=title).cols(1)


def plot_solution(sol, vars=None, overlay=True, width=700, height=280, max_points=MAX_POINTS,
                  title=None, raster=None):
    """Time series of a :class:`~nbblox.sim.Solution` as HoloViews Curves.

    Parameters
    ----------
    vars : str or list of str, optional
        Recorded variables to show (default all); ``"V"`` is accepted when
        only one recorded variable ends in ``.V``.
    overlay : bool
        One axis for all (``Overlay``) or one panel per variable (``Layout``,
        linked time axes).
    max_points : int
        Series longer than this are min/max decimated (see :func:`downsample`)
        so a 10^6-sample run stays responsive.
    raster : bool, optional
        Add a spike raster below the traces (default: when the run has spikes).

    Examples
    --------
    >>> import nbblox as nb
    >>> sol = nb.simulate(nb.blox.FitzHughNagumo(name="fhn", I=0.5), 50.0)
    >>> p = sol.plot(vars=["fhn.V"])
    >>> type(p).__name__
    'Overlay'
    >>> type(sol.plot(overlay=False)).__name__
    'Layout'
    """
    names = _names(sol, vars)
    idx = [sol._resolve(n) for n in names]
    t, Y = downsample(sol.t, sol.values[idx], max_points)
    if title is None:
        title = f"{sol.info.get('method', '')} dt={sol.info.get('dt', '')} ms".strip()
    view = timeseries_element(t, dict(zip(names, Y)), overlay=overlay, width=width,
                              height=height, title=title)
    has_spikes = len(sol.spikes.get("time", ())) > 0
    if raster or (raster is None and has_spikes):
        from .raster import plot_raster
        view = (view + plot_raster(sol, width=width)).cols(1)
    return view
