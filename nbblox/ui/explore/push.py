"""How a run reaches a notebook page quickly: one Bokeh message per run, and
the time series patched in place.

``batched`` holds every comm push made while a run is published (time
series, phase plane, bifurcation cursor, status line) and sends one message
per displayed view at the end, so BokehJS applies and lays out the page once.

``patch_timeseries`` writes the new decimated series straight into the
ColumnDataSources of the already rendered HoloViews Overlay and moves its
Range1d axes (framewise, the y-range of ``viz.style.y_range``) -- in every
panel (the value column is "value" in the first, "y1", ... below).  Re-rendering
the DynamicMap instead costs HoloViews an element build, range computation and
a walk of the whole Document (~35 ms per run against ~2 ms; see
bench/latency_explore.py).  It applies only where that is safe: a notebook
view (a Jupyter comm) of the expected shape; anywhere else (a Panel server,
an unexpected plot) it returns False and the caller sends through the Pipe.

The bifurcation view's patches (its cursor, a new diagram) are in
:mod:`.redraw`.  ``patch_curve`` puts new (x, y) into one labelled Curve of
an Overlay (the phase plane's trajectory when the nullclines did not change);
``patch_overlay`` puts every layer of a new Overlay of the same layers (types
and labels, see ``paired``) into the rendered sources, each converted by its own
HoloViews subplot (``get_data``), so the glyphs get what a render would give
them (the phase plane after a parameter move: ~1 ms per layer against a
render of ~0.1-0.25 s).
"""
from __future__ import annotations

from contextlib import contextmanager

import numpy as np

from ...viz.style import y_range

__all__ = ["batched", "patch_timeseries", "patch_curve", "patch_overlay", "quick_comm",
           "notebook_plots", "layers_of", "paired"]

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
            # the value column is "value" in the first panel, "y1", "y2", ... below it
            # (unlinked y axes); a patch that expected "value" everywhere re-rendered
            # every panel but the first at each move
            cols = sorted(set(getattr(src, "data", {})) - {"time"})
            if src is None or "time" not in src.data or len(cols) != 1 or \
                    getattr(frame, "label", None) != label:
                return None
            sources.append((src, cols[0]))
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
        for (src, col), name in zip(sources, names):
            src.data = {"time": t, col: columns[name]}
        for rng, a, b in ((xr, t0, t1), (yr, lo, hi)):
            if (rng.start, rng.end) != (a, b):
                rng.update(start=a, end=b, reset_start=a, reset_end=b)
    return True


def notebook_plots(pane):
    """The rendered HoloViews plots of ``pane`` if each is a notebook display
    (a comm and a document), else None (not displayed, or a server session)."""
    plots = [p for p, _ in list(getattr(pane, "_plots", {}).values())]
    if not plots or any(getattr(p, "comm", None) is None or getattr(p, "document", None) is None
                        for p in plots):
        return None
    return plots


def planned(pane, step):
    """``[step(plot)]`` for every rendered notebook plot of ``pane``, or None if
    ``pane`` is not a notebook display or ``step`` gives None for any plot:
    every plot is checked before any is touched."""
    plots = notebook_plots(pane)
    if plots is None:
        return None
    steps = []
    for plot in plots:
        st = step(plot)
        if st is None:
            return None
        steps.append(st)
    return steps


def layers_of(plot, kind, label=None):
    """The subplots of a rendered Overlay showing an element of type ``kind``
    (and label ``label``, if given)."""
    return [sub for sub in getattr(plot, "subplots", {}).values()
            if isinstance(getattr(sub, "current_frame", None), kind)
            and (label is None or sub.current_frame.label == label)]


def _keyed(frames, items):
    """``[((type, label, n), item)]``: each item keyed by its frame's element type,
    label and how many frames before it had both (labels repeat: two Labels)."""
    seen, out = {}, []
    for frame, item in zip(frames, items):
        k = (type(frame), getattr(frame, "label", None))
        seen[k] = seen.get(k, 0) + 1
        out.append(((*k, seen[k]), item))
    return out


def paired(subs, layers):
    """The drawn subplots ``subs`` in the order of ``layers``: each with the
    layer of the same element type and label (the n-th of a kind with the
    n-th), or None if the two sets differ.  Not by place: a DynamicMap's
    OverlayPlot appends the subplot of a layer that arrived after the first
    render (the bifurcation view's cycles, the phase plane's first clicked
    trajectory) after the others, while a new Overlay has it in its own place.

    Examples
    --------
    >>> import holoviews as hv
    >>> a, p = hv.Curve([], label="a"), hv.Points([], label="p")
    >>> class Sub:
    ...     def __init__(self, frame): self.current_frame = frame
    >>> subs = [Sub(p), Sub(a)]
    >>> [s.current_frame.label for s in paired(subs, [a, p])]
    ['a', 'p']
    >>> paired(subs, [a, a]) is None
    True
    """
    drawn = dict(_keyed([getattr(sub, "current_frame", None) for sub in subs], subs))
    want = [k for k, _ in _keyed(layers, layers)]
    if set(drawn) != set(want):
        return None
    return [drawn[k] for k in want]


def patch_curve(pane, label, x, y):
    """Put ``(x, y)`` into the one Curve labelled ``label`` of the rendered
    Overlay in ``pane``; False if nothing was touched.

    Examples
    --------
    >>> import panel as pn
    >>> patch_curve(pn.pane.HoloViews(None), "trajectory", [0.0], [1.0])
    False
    """
    import holoviews as hv
    from holoviews.core.util import dimension_sanitizer
    def step(plot):
        subs = layers_of(plot, hv.Curve, label)
        src = subs[0].handles.get("source") if len(subs) == 1 else None
        if src is None:
            return None
        names = [subs[0].current_frame.get_dimension(i).name for i in (0, 1)]
        if set(src.data) != set(names):     # HoloViews may name columns sanitized
            names = [dimension_sanitizer(n) for n in names]
        return (src, names) if set(src.data) == set(names) else None
    todo = planned(pane, step)
    if todo is None:
        return False
    for src, (xn, yn) in todo:
        src.data = {xn: np.asarray(x, float), yn: np.asarray(y, float)}
    return True


def patch_overlay(pane, overlay, ranges=None):
    """Put the data of every layer of ``overlay`` into the rendered plots of
    ``pane``; only if the rendered Overlay shows the same layers (element type
    and label, paired by :func:`paired`), each drawn from one ColumnDataSource
    with the same columns.  ``ranges`` = ``(old_xlim, old_ylim, new_xlim, new_ylim)`` moves
    Range1d axes that show exactly the old limits (a plot drawn with explicit
    limits) to the new ones.  Title, legend and styles are not touched: the
    caller makes sure they did not change.

    Returns
    -------
    bool
        False if nothing was touched.

    Examples
    --------
    >>> import panel as pn, holoviews as hv
    >>> patch_overlay(pn.pane.HoloViews(None), hv.Overlay([hv.Curve([])]))
    False
    """
    plots = notebook_plots(pane)
    if plots is None:
        return False
    from bokeh.models import Range1d
    layers = list(overlay)
    todo, axes = [], []
    for plot in plots:
        # a DynamicMap's OverlayPlot keeps a hidden subplot for every layer it ever
        # drew (a kind of fixed point gone): the shown ones must be the new layers
        subs = paired([sub for sub in getattr(plot, "subplots", {}).values()
                       if getattr(sub.handles.get("glyph_renderer"), "visible", False)], layers)
        if subs is None:
            return False
        if ranges is not None:
            for rng, was, new in ((plot.handles.get("x_range"), ranges[0], ranges[2]),
                                  (plot.handles.get("y_range"), ranges[1], ranges[3])):
                if not isinstance(rng, Range1d) or (rng.start, rng.end) != tuple(was):
                    return False
                axes.append((rng, tuple(new)))
        for sub, el in zip(subs, layers):
            src = sub.handles.get("source")
            if src is None:
                return False
            # a layer whose last render kept its data (HoloViews' ``static_source``: the
            # same element drawn again, as after the render a click adds) converts to
            # nothing: converted afresh, it is what a render would draw
            if getattr(sub, "static_source", False):
                sub.static_source = False
            try:
                data, _, _ = sub.get_data(el, getattr(sub, "current_ranges", None) or {}, {})
            except Exception:     # a layer HoloViews cannot convert alone: render instead
                return False
            if not isinstance(data, dict) or set(data) != set(src.data):
                return False
            todo.append((sub, el, src, data))
    for sub, el, src, data in todo:
        src.data = data
        sub.current_frame = el
    for rng, (a, b) in axes:
        if (rng.start, rng.end) != (a, b):
            rng.update(start=a, end=b, reset_start=a, reset_end=b)
    return True
