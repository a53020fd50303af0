"""Time-series views of a Solution, and the min/max decimation that keeps
long runs responsive in the browser.

``downsample`` is pure NumPy (used by the live explorer before data reaches a
HoloViews Pipe); ``plot_solution`` builds the HoloViews elements.
"""
from __future__ import annotations

import numpy as np

from ..exceptions import ParameterError, suggest
from .style import CANVAS, FONTS, PALETTE, plain_time_ticks, y_range
from .units import (axis_label, model_title, safe, safe_title, short_names, state_doc, state_unit,
                    wrap_label)

__all__ = ["plot_solution", "downsample", "timeseries_element", "MAX_POINTS", "CANVAS",
           "PALETTE", "panel_groups"]

MAX_POINTS = 4000

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


def panel_groups(names, units, arrays):
    """Split variables into panels: one per unit, and variables without a unit
    by order of magnitude, so that gates (0-1) never share an axis with a
    voltage (mV).  Returns a list of lists of indices, in first-seen order.

    Examples
    --------
    >>> panel_groups(["V", "m", "h"], ["mV", "", ""], [np.ones(2) * 60, np.ones(2) * .05, np.ones(2)])
    [[0], [1, 2]]
    >>> panel_groups(["V", "w"], [None, None], [np.ones(2) * 2, np.ones(2)])
    [[0, 1]]
    """
    keys = {}
    for i, (u, y) in enumerate(zip(units, arrays)):
        a = np.asarray(y, float)
        fin = a[np.isfinite(a)]
        if u:                                   # a unit: one axis per unit
            key = ("unit", u)
        elif u == "" and fin.size and fin.min() >= -0.01 and fin.max() <= 1.01:
            key = ("fraction",)                 # dimensionless in [0, 1]: gates, rates
        else:                                   # no unit (or unknown): by magnitude
            m = np.abs(fin).max() if fin.size else 0.0
            key = ("scale", int(np.floor((np.log10(m) + 0.5) / 1.5)) if m > 0 else 0)
        keys.setdefault(key, []).append(i)
    return list(keys.values())


def timeseries_element(t, columns, *, overlay=True, width=700, height=280, title="",
                       ylabel=None, ylim=None, frame=False, units=None, labels=None,
                       dim="value", legend=None, responsive=False, docs=None):
    """HoloViews view of already-sampled data: ``columns`` is ``{name: array}``.

    The explorer's live DynamicMap calls this with each new run, so the static
    and live views look the same.  ``frame=True`` fixes the size of the data
    area instead of the whole figure (live views: wider tick labels after an
    update must not narrow the plot; axes still follow the data, framewise).

    Parameters
    ----------
    units : dict, optional
        ``{name: unit}``; the y label shows the unit when all share one.
    labels : dict, optional
        ``{name: shown name}`` (legend and axis), default the names.
    ylabel : str, optional
        Overrides the y-axis label.
    ylim : (float, float), optional
        Default: the data's range, never narrower than 5% of its magnitude
        (round-off is not magnified into a transient).
    dim : str
        Name of the y dimension (panels with different names keep independent
        y-ranges in a Layout).
    responsive : bool
        Fill the width of the container (``height`` stays fixed): live views
        fit their notebook column and reflow when it is resized.
    docs : dict, optional
        ``{name: what it is}`` (:func:`~nbblox.viz.units.state_doc`): the y
        label of one quantity without a unit says what it is.

    Examples
    --------
    >>> el = timeseries_element(np.arange(3.0), {"a.x": np.ones(3)}, units={"a.x": "mV"})
    >>> curve = el.get(0)
    >>> curve.label, curve.kdims[0].name, curve.vdims[0].label
    ('a.x', 'time', 'a.x (mV)')
    """
    import holoviews as hv
    import holoviews.plotting.bokeh  # noqa: F401  (registers the bokeh options)
    tdim = hv.Dimension("time", label="time", unit="ms")
    names = list(columns)
    labels = labels or {}
    shown = [safe(labels.get(n, n)) for n in names]
    units = units or {}
    common = {units.get(n) for n in names}
    unit = common.pop() if len(common) == 1 else None
    docs = docs or {}
    same = {docs.get(n, "") for n in names}
    doc = same.pop() if len(same) == 1 else ""
    if ylim is None and names:
        vals = [np.asarray(columns[n], float) for n in names]
        fin = [v[np.isfinite(v)] for v in vals]
        fin = [v for v in fin if v.size]
        if fin:
            ylim = y_range(min(v.min() for v in fin), max(v.max() for v in fin))
    # the data height the y label has (title, x axis, a legend row above the data)
    label_px = height - 60 - (35 if title else 0) - (35 if responsive and len(names) > 1 else 0)
    if responsive:
        size = dict(responsive=True, height=height, min_width=300)
    elif frame:
        size = dict(frame_width=width - 160, frame_height=height - 60)
    else:
        size = dict(width=width, height=height)
    curves = []
    for i, (name, y) in enumerate(columns.items()):
        if overlay:
            vd = hv.Dimension(dim, label=wrap_label(ylabel or axis_label(
                shown if len(names) > 1 else [shown[i]], unit, doc), label_px))
        else:
            vd = hv.Dimension(name.replace(".", "_").replace("[", "_").replace("]", ""),
                              label=wrap_label(ylabel or axis_label([shown[i]], units.get(name),
                                                                    docs.get(name, "")), label_px))
        # a dict with its datatype named skips HoloViews' interface guessing (live updates)
        c = hv.Curve({"time": t, vd.name: y}, kdims=[tdim], vdims=[vd], label=shown[i],
                     datatype=["dictionary", "array"])
        opts = dict(color=PALETTE[i % len(PALETTE)], line_width=1.8, tools=["hover"],
                    show_grid=True, framewise=True, backend_opts=CANVAS, fontsize=FONTS,
                    hooks=[plain_time_ticks], **size)
        if title and overlay:
            # the title rides on the curves too: ``sol.plot() * hv.HLine(...)`` makes a new
            # Overlay that drops this one's options (lesson 4's figure was titled "V")
            opts["title"] = title
        if ylim is not None:
            opts["ylim"] = tuple(ylim)
        curves.append(c.opts(backend="bokeh", **opts))
    if overlay:
        show = (len(curves) > 1) if legend is None else legend
        # legend above the data when the width is not ours to spend (live views)
        where = dict(legend_position="top", legend_cols=len(curves)) if responsive else \
            dict(legend_position="right")
        return hv.Overlay(curves).opts(backend="bokeh", title=title, show_legend=show, **where)
    return hv.Layout(curves).opts(title=title).cols(1)


def plot_solution(sol, vars=None, overlay=True, width=760, height=None, max_points=MAX_POINTS,
                  title=None, raster=None):
    """Time series of a :class:`~nbblox.sim.Solution` as HoloViews Curves.

    Variables of different units, or without units and of different orders
    of magnitude, get their own panels with linked time axes (Hodgkin-Huxley:
    V in mV above, the gates m, h, n below); axis labels carry the units and
    the title names the model.

    Parameters
    ----------
    vars : str or list of str, optional
        Recorded variables to show (default all); ``"V"`` is accepted when
        only one recorded variable ends in ``.V``.
    overlay : bool
        Overlay the variables that share a unit and scale (default), or give
        every variable a panel of its own (``False``).
    width, height : int
        Size of each panel (height default: 280 for one panel, 220 each for
        several).
    max_points : int
        Series longer than this are min/max decimated (see :func:`downsample`)
        so a 10^6-sample run stays responsive.
    title : str, optional
        Default: the model and how it was integrated.
    raster : bool, optional
        Add a spike raster below the traces (default: when the run has spikes).

    Returns
    -------
    holoviews.Overlay or holoviews.Layout
        An Overlay when everything fits one panel, else a Layout (one column).

    Examples
    --------
    >>> import nbblox as nb
    >>> sol = nb.simulate(nb.blox.FitzHughNagumo(name="fhn", I=0.5), 50.0)
    >>> type(sol.plot(vars=["fhn.V"])).__name__
    'Overlay'
    >>> type(sol.plot(overlay=False)).__name__
    'Layout'
    >>> hh = nb.simulate(nb.blox.HodgkinHuxley(name="hh"), 20.0)
    >>> [p.get(0).vdims[0].label for p in hh.plot()]
    ['V (mV)', 'm, h, n']
    """
    names = _names(sol, vars)
    idx = [sol._resolve(n) for n in names]
    t, Y = downsample(sol.t, sol.values[idx], max_points)
    system = getattr(sol, "system", None)
    # a derived series (nb.bold: "bold(r0.E)") is no blox's state: it says itself what
    # it is and in which unit (info "quantity", "unit")
    quantity = sol.info.get("quantity")
    units = {n: state_unit(system, n) for n in names}
    units = {n: (u if u is not None else sol.info.get("unit")) for n, u in units.items()}
    docs = {n: state_doc(system, n) for n in names}
    labels = dict(zip(names, short_names(names)))
    if title is None:
        title = safe_title(_title(sol, system, quantity))
    groups = ([[i] for i in range(len(names))] if not overlay
              else panel_groups(names, [units[n] for n in names], list(Y)))
    if height is None:
        height = 280 if len(groups) == 1 else 220
    panels = []
    for k, g in enumerate(groups):
        cols = {names[i]: Y[i] for i in g}
        panels.append(timeseries_element(
            t, cols, width=width, height=height, title=title if k == 0 else "", frame=True,
            units=units, labels=labels, dim=f"y{k}" if k else "value", docs=docs,
            legend=len(g) > 1, ylabel=axis_label([quantity], units[names[g[0]]])
            if quantity else None))
    has_spikes = len(sol.spikes.get("time", ())) > 0
    if raster or (raster is None and has_spikes):
        from .raster import plot_raster
        # the same data width as the traces above it: the linked time axes line up
        panels.append(plot_raster(sol, frame_width=width - 160))
    if len(panels) == 1 and overlay:
        # the title is the Overlay's label, so ``sol.plot().relabel("from rest")`` retitles
        # it (an explicit title option would win over the label)
        raw = title.replace("{{", "{").replace("}}", "}")
        return panels[0].relabel(raw).opts(backend="bokeh", title="{label}")
    return hv_layout(panels)


def _title(sol, system, quantity=None):
    """What a run's figure shows: the model and how it was integrated
    (``"HodgkinHuxley 'hh' · rk4, dt = 0.01 ms"``), or for a derived series the
    quantity and how it was made (``"BOLD signal change · balloon-windkessel,
    TR = 2000 ms"``: the integrator's dt is not its sampling)."""
    info = sol.info
    if quantity:
        how = info.get("observer", "")
        if info.get("tr") is not None:
            tr = float(info["tr"])
            how += f", TR = {tr / 1000:g} s" if tr >= 1000 else f", TR = {tr:g} ms"
        return " · ".join(x for x in (quantity, how) if x)
    what = model_title(system)
    how = f"{info.get('method', '')}, dt = {info.get('dt', '')} ms" \
        if info.get("dt") is not None else str(info.get("method", ""))
    return " · ".join(x for x in (what, how) if x)


def hv_layout(panels):
    """A one-column Layout with linked time axes (no layout title: the top panel has it)."""
    import holoviews as hv
    return hv.Layout(panels).cols(1).opts(shared_axes=True, backend="bokeh")
