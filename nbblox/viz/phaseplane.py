"""HoloViews phase portraits: vector field (direction only), the two
nullclines named in the legend, fixed points by stability (filled =
stable, open = unstable), trajectories.

:func:`phase_portrait` draws from plain arrays, so the explorer's live phase
plane and :meth:`PhasePlane.plot` look the same.
"""
from __future__ import annotations

import numpy as np

from .style import CANVAS, FONTS, PALETTE, PLAIN, STABILITY
from .units import (axis_label, model_title, pretty_unit, safe, safe_title, short_names,
                    state_doc, state_unit, wrap_label)

__all__ = ["plot_phase_plane", "phase_portrait", "nullcline_label", "joined", "param_label",
           "arrows"]

#: nullcline colours (x, y) and what is drawn on top of them
NULLCLINE = (PALETTE[0], PALETTE[1])
RUN, CLICKED = PALETTE[2], PALETTE[3]


def nullcline_label(state):
    """Legend text of a nullcline: ``"V-nullcline (dV/dt = 0)"``.

    Examples
    --------
    >>> nullcline_label("w")
    'w-nullcline (dw/dt = 0)'
    """
    return safe(f"{state}-nullcline (d{state}/dt = 0)")


def _pieces(lines):
    return [np.asarray(c, float) for c in lines if len(c) > 1]


def joined(pieces):
    """Polylines joined into one (k, 2) array with NaN rows between them: one
    Curve, hence one legend entry, for a nullcline in several pieces (HoloViews
    Paths get no legend entry at all).

    Examples
    --------
    >>> joined([np.zeros((2, 2)), np.ones((2, 2))]).shape
    (5, 2)
    """
    out = []
    for p in pieces:
        if out:
            out.append(np.full((1, 2), np.nan))
        out.append(np.asarray(p, float))
    return np.vstack(out) if out else np.zeros((0, 2))


def line(pieces, xd, yd, label, **opts):
    """One Curve (a legend entry) drawing several polylines."""
    import holoviews as hv
    xy = joined(pieces)
    return hv.Curve((xy[:, 0], xy[:, 1]), kdims=[xd], vdims=[yd], label=label,
                    datatype=PLAIN).opts(**opts)


def arrows(X, Y, U, V, xlim=None, ylim=None, length=0.55, head=0.35):
    """Direction arrows of a vector field as line segments ``(x0, y0, x1, y1)``:
    a shaft and two barbs per grid point, all of one length *on screen*.

    Directions are taken in axes scaled to the window, so an arrow means the
    same on a plot whose x spans 180 mV and whose y spans 1 (Morris-Lecar):
    HoloViews' VectorField draws its arrows in data units, which there turn
    every arrow into a vertical stroke.  Lengths are a fraction of the grid
    spacing (the flow speed of neurons spans decades: only direction is shown).

    Examples
    --------
    >>> X, Y = np.meshgrid([0.0, 1.0], [0.0, 100.0])
    >>> seg = arrows(X, Y, np.ones((2, 2)), np.zeros((2, 2)))
    >>> seg.shape, bool(np.allclose(seg[0], [0, 0, 0.55, 0]))
    ((12, 4), True)
    """
    X, Y, U, V = (np.asarray(a, float).ravel() for a in (X, Y, U, V))
    xr = float(np.ptp(xlim)) if xlim is not None else (float(np.ptp(X)) or 1.0)
    yr = float(np.ptp(ylim)) if ylim is not None else (float(np.ptp(Y)) or 1.0)
    nx = max(len(np.unique(X)), 2)
    ny = max(len(np.unique(Y)), 2)
    step = min(1.0 / (nx - 1), 1.0 / (ny - 1))     # grid spacing in window units
    with np.errstate(all="ignore"):
        u, v = U / xr, V / yr
        n = np.hypot(u, v)
        u, v = u / n, v / n
    ok = np.isfinite(u) & np.isfinite(v)
    X, Y, u, v = X[ok], Y[ok], u[ok], v[ok]
    L = length * step
    tx, ty = u * L, v * L                               # shaft, in window units
    out = [np.column_stack([X, Y, X + tx * xr, Y + ty * yr])]
    for sign in (1, -1):                                # barbs at 150 degrees from the shaft
        c, s_ = np.cos(np.deg2rad(150)), sign * np.sin(np.deg2rad(150))
        bx, by = (tx * c - ty * s_) * head, (tx * s_ + ty * c) * head
        ex, ey = X + tx * xr, Y + ty * yr
        out.append(np.column_stack([ex, ey, ex + bx * xr, ey + by * yr]))
    return np.vstack(out)


def phase_portrait(x, y, *, grid=None, x_lines=(), y_lines=(), fixed=(), runs=(),
                   clicked=(), xlim=None, ylim=None, units=None, title="", width=440,
                   height=380, framewise=False, docs=("", ""), label_px=None):
    """A phase portrait from arrays.

    Parameters
    ----------
    x, y : str
        State names on the axes (``"fhn.V"``).
    grid : (X, Y, U, V), optional
        Vector field samples; arrows show the direction only (flow speeds of
        neurons span decades).
    x_lines, y_lines : list of (k, 2) arrays
        Pieces of the x- and y-nullclines.
    fixed : list of FixedPoint
    runs, clicked : list of (k, 2) arrays
        Trajectories of the current run, and those started by clicks.
    units : (str or None, str or None)
    docs : (str, str)
        What x and y are (a state without a unit: ``"w · recovery variable"``).
    xlim, ylim : (float, float), optional
    framewise : bool
        Ranges follow each new frame (live views).
    label_px : int, optional
        Height (px) of the data area when the caller sizes the figure (a live
        view): a longer y label is wrapped into lines that fit it.

    Returns
    -------
    holoviews.Overlay

    Examples
    --------
    >>> ov = phase_portrait("a.V", "a.w", x_lines=[np.array([[0, 0], [1, 1]])],
    ...                     units=("mV", None))
    >>> [e.label for e in ov], ov.get(0).kdims[0].label
    (['V-nullcline (dV/dt = 0)'], 'V (mV)')
    """
    import holoviews as hv
    import holoviews.plotting.bokeh  # noqa: F401
    ux, uy = units or (None, None)
    sx, sy = short_names([x, y])
    dx, dy = docs or ("", "")
    xd = hv.Dimension(x, label=axis_label([sx], ux, dx),
                      range=tuple(xlim) if xlim else (None, None))
    yd = hv.Dimension(y, label=wrap_label(axis_label([sy], uy, dy), label_px),
                      range=tuple(ylim) if ylim else (None, None))
    common = dict(backend="bokeh", framewise=framewise)
    els = []
    if grid is not None:
        segs = arrows(*grid, xlim=xlim, ylim=ylim)
        els.append(hv.Segments(segs, kdims=[xd, yd, "x1", "y1"], datatype=PLAIN).opts(
            color="#A8A8A8", line_width=1, **common))
    for lines, col, name in ((x_lines, NULLCLINE[0], sx), (y_lines, NULLCLINE[1], sy)):
        pieces = _pieces(lines)
        if pieces:
            els.append(line(pieces, xd, yd, nullcline_label(name), color=col, line_width=2.5,
                            **common))
    for lines, col, name in ((runs, RUN, "trajectory"), (clicked, CLICKED, "from a click")):
        pieces = _pieces(lines)
        if pieces:
            els.append(line(pieces, xd, yd, name, color=col, line_width=1.6, **common))
    by_kind = {}
    for f in fixed:
        by_kind.setdefault(f.stability, []).append((f.state[x], f.state[y]))
    # (stability names are nbblox's own words, not model text)
    for kind, pts in by_kind.items():
        els.append(hv.Points(np.array(pts, float), kdims=[xd, yd], label=kind,
                             datatype=PLAIN).opts(
            color=STABILITY.get(kind, "#7F7F7F"), line_color="black", line_width=1.5, size=12,
            tools=["hover"], **common))
    if not els:
        els.append(hv.Curve([], xd, yd, datatype=PLAIN))
    return hv.Overlay(els).opts(
        backend="bokeh", frame_width=width, frame_height=height, title=title,
        legend_position="right", show_legend=True, fontsize=FONTS,
        backend_opts=dict(CANVAS, **{"legend.location": "top"}),
        framewise=framewise, **({"xlim": tuple(xlim)} if xlim else {}),
        **({"ylim": tuple(ylim)} if ylim else {}))


def plot_phase_plane(pp, width=440, height=380, title=None):
    """Phase portrait of a :class:`~nbblox.analysis.PhasePlane` as a HoloViews Overlay.

    Examples
    --------
    >>> import nbblox as nb
    >>> pp = nb.phase_plane(nb.blox.FitzHughNagumo(name="fhn"), x="fhn.V", y="fhn.w",
    ...                     xlim=(-3, 3), ylim=(-2, 3))
    >>> ov = pp.plot()
    >>> type(ov).__name__, [e.label for e in ov][1:3]
    ('Overlay', ['V-nullcline (dV/dt = 0)', 'w-nullcline (dw/dt = 0)'])
    """
    system = getattr(pp, "system", None)
    units = (state_unit(system, pp.x), state_unit(system, pp.y))
    if title is None:
        what = model_title(system)
        title = safe_title(f"phase plane of {what}" if what else "phase plane")
    return phase_portrait(pp.x, pp.y, grid=(pp.grid_x, pp.grid_y, pp.u, pp.v),
                          x_lines=pp.nullclines["x"], y_lines=pp.nullclines["y"],
                          fixed=pp.fixed_points, runs=pp.trajectories, xlim=pp.xlim,
                          ylim=pp.ylim, units=units, title=title, width=width, height=height,
                          docs=(state_doc(system, pp.x), state_doc(system, pp.y)))


def param_label(system, name):
    """Axis label of a parameter: ``"I (µA/cm²)"`` (the blox prefix dropped); one
    without a unit says what it is, as its slider does (``"P · external drive to
    E"``, not a bare ``"P"``).

    Examples
    --------
    >>> import nbblox as nb
    >>> s = nb.compile(nb.blox.WilsonCowan(name="wc"))
    >>> param_label(s, "wc.P"), param_label(s, "wc.tau_E")
    ('P · external drive to E', 'tau_E (ms)')
    """
    try:
        info = system.parameter_info(name)
        unit, doc = info.unit, (info.doc or "").replace("->", "→").strip()
    except Exception:
        unit, doc = "", ""
    short = name.split(".", 1)[-1]
    u = pretty_unit(unit)
    if u:
        return safe(f"{short} ({u})")
    return safe(f"{short} · {doc}" if doc and len(doc) <= 30 else short)
