"""How a run reaches a notebook page quickly: one Bokeh message per run, and
the time series patched in place.

``batched`` holds every comm push made while a run is published (time
series, phase plane, bifurcation cursor, status line) and sends one message
per displayed view at the end, so BokehJS applies and lays out the page once.

``patch_timeseries`` writes the new decimated series straight into the
ColumnDataSources of the already rendered HoloViews Overlay and moves its
Range1d axes (framewise, the y-range of ``viz.style.y_range``).  Re-rendering
the DynamicMap instead costs HoloViews an element build, range computation and
a walk of the whole Document (~35 ms per run against ~2 ms; see
bench/latency_explore.py).  It applies only where that is safe: a notebook
view (a Jupyter comm) of the expected shape; anywhere else (a Panel server,
an unexpected plot) it returns False and the caller sends through the Pipe.
"""
from __future__ import annotations

from contextlib import contextmanager

import numpy as np

from ...viz.style import y_range

__all__ = ["batched", "patch_timeseries", "quick_comm"]

# Panel's page-side CommManager waits ``debounce`` ms (default 50) before it sends a widget
# change to the kernel; the explorer throttles in the kernel (the latest value wins, and the
# page sends nothing more until the kernel acknowledges), so 10 ms is enough.
COMM_DEBOUNCE_MS = 10


@contextmanager
def quick_comm(debounce=COMM_DEBOUNCE_MS):
    """Notebook displays made inside the block send widget changes to the
    kernel after ``debounce`` ms instead of Panel's 50 ms.

    Examples
    --------
    >>> with quick_comm():
    ...     pass
    """
    try:
        import panel.models.comm_manager as cm
    except ImportError:
        yield
        return
    orig = cm.CommManager
    if "debounce" not in orig.properties():
        yield
        return
    cm.CommManager = lambda **kw: orig(**{"debounce": debounce, **kw})
    try:
        yield
    finally:
        cm.CommManager = orig


def _notebook_views(viewable):
    """(doc, comm) of every notebook display that shows ``viewable``."""
    try:
        from panel.io.state import state
    except ImportError:
        return []
    out = []
    for ref in list(getattr(viewable, "_models", {}) or {}):
        v = state._views.get(ref)
        if v is not None and v[3] is not None and v[2] is not None:
            out.append((v[2], v[3]))
    return out


@contextmanager
def batched(viewable):
    """Hold the comm pushes made inside the block; push once per notebook view.

    Examples
    --------
    >>> import panel as pn
    >>> with batched(pn.Row()):
    ...     pass
    """
    targets = _notebook_views(viewable) if viewable is not None else []
    if not targets:
        yield
        return
    from panel.io.notebook import push
    from panel.io.state import state
    prev = state._hold
    state._hold = True      # panel.io.notebook.push sends nothing while held
    try:
        yield
    finally:
        state._hold = prev
        if not prev:
            for doc, comm in targets:
                push(doc, comm)


def _targets(panes, names, labels):
    from bokeh.models import Range1d
    out = []
    plots = [p for pane in panes for p, _ in list(getattr(pane, "_plots", {}).values())]
    if len(plots) < len(panes):
        return None              # a pane not displayed (yet): HoloViews renders it later
    for plot in plots:
        if getattr(plot, "comm", None) is None or getattr(plot, "document", None) is None:
            return None          # a server session: HoloViews schedules on the doc's lock
        subs = list(getattr(plot, "subplots", {}).values())
        if len(subs) != len(names):
            return None
        sources = []
        for sub, label in zip(subs, labels):
            src = sub.handles.get("source")
            frame = getattr(sub, "current_frame", None)
            if src is None or set(src.data) != {"time", "value"} or \
                    getattr(frame, "label", None) != label:
                return None
            sources.append(src)
        xr, yr = plot.handles.get("x_range"), plot.handles.get("y_range")
        if not (isinstance(xr, Range1d) and isinstance(yr, Range1d)):
            return None
        out.append((sources, xr, yr))
    return out or None


def patch_timeseries(panes, t, columns, labels=None):
    """Put ``columns`` (``{name: y}`` on times ``t``) into the rendered time
    series of ``panes`` (``pn.pane.HoloViews`` of the explorer's Overlay).

    Returns
    -------
    bool
        True if every rendered copy was patched; False if nothing was touched
        (not displayed, not a notebook, unexpected plot, degenerate ranges),
        and the caller must update through HoloViews.

    Examples
    --------
    >>> import panel as pn, numpy as np
    >>> patch_timeseries([pn.pane.HoloViews(None)], np.arange(3.0), {"a.x": np.ones(3)})
    False
    """
    names = list(columns)
    labels = [(labels or {}).get(n, n) for n in names]
    targets = _targets(panes, names, labels) if panes else None
    if targets is None or len(t) < 2:
        return False
    with np.errstate(all="ignore"):
        lo = min(float(np.nanmin(y)) for y in columns.values())
        hi = max(float(np.nanmax(y)) for y in columns.values())
    t0, t1 = float(t[0]), float(t[-1])
    if not (np.isfinite(lo) and np.isfinite(hi) and t1 > t0):
        return False
    lo, hi = y_range(lo, hi)       # as the static plot: round-off is not magnified
    for sources, xr, yr in targets:
        for src, name in zip(sources, names):
            src.data = {"time": t, "value": columns[name]}
        for rng, a, b in ((xr, t0, t1), (yr, lo, hi)):
            if (rng.start, rng.end) != (a, b):
                rng.update(start=a, end=b, reset_start=a, reset_end=b)
    return True
