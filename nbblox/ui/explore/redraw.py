"""The bifurcation view redrawn in the rendered notebook plot instead of
rendered again by HoloViews (issue 16, "a slider with three views").

``patch_cursor``: only the cursor moved (the continued parameter): the Span
of the VLine and the title text change, the branches' glyphs are not touched
(a render cost ~0.6 s at load ~10).  ``patch_layers``: a new diagram (another
parameter moved: a new equilibrium branch, the old envelope faded; or the
limit cycles arrived) with the layers already drawn goes into the drawn
glyphs through each layer's own HoloViews subplot, with the axes and title a
render would give; Bokeh's walk of the whole document that every HoloViews
update ends with is skipped when no model was added (``_graph_kept``).
Both apply only to notebook displays (a comm and a document); anywhere else
they return False and the caller renders through the Pipe.
"""
from __future__ import annotations

from contextlib import contextmanager

from .push import layers_of, paired, planned

__all__ = ["patch_cursor", "patch_layers"]


def patch_cursor(pane, value, title):
    """Move the VLine of the rendered Overlay in ``pane`` to ``value`` and set
    the plot's title to ``title``; nothing else of the plot is touched.

    Returns
    -------
    bool
        False if nothing was touched (not a notebook display, no VLine, or
        ``value`` outside the x-range, which a re-render would widen).

    Examples
    --------
    >>> import panel as pn
    >>> patch_cursor(pn.pane.HoloViews(None), 1.0, "I = 1")
    False
    """
    import holoviews as hv
    from bokeh.models import Range1d, Span
    def step(plot):
        spans = [sub.handles.get("glyph") for sub in layers_of(plot, hv.VLine)]
        xr, t = plot.handles.get("x_range"), getattr(plot.handles.get("plot"), "title", None)
        if len(spans) != 1 or not isinstance(spans[0], Span) or t is None or \
                not isinstance(xr, Range1d) or not (min(xr.start, xr.end) <= value
                                                    <= max(xr.start, xr.end)):
            return None
        return spans[0], t
    todo = planned(pane, step)
    if todo is None:
        return False
    for span, t in todo:
        span.location = float(value)
        t.text = title
    return True


def _shown(sub):
    """True if the subplot's glyph (or annotation, a VLine's Span) is shown: a
    DynamicMap's OverlayPlot hides the subplots of layers it no longer draws."""
    model = sub.handles.get("glyph_renderer", sub.handles.get("glyph"))
    return bool(getattr(model, "visible", False))


def patch_layers(pane, overlay, title):
    """Draw ``overlay`` into the rendered Overlay plots of ``pane`` when it has
    the layers they show (element type and label, in order): each layer
    through the HoloViews subplot a render would give it (data, glyph
    properties such as a faded alpha or a label's alignment, a VLine's
    location), then the axes as a render sets them (``framewise``, padding)
    and the title text.  The Bokeh models stay (no new renderers, legend items
    or axes: a render also sets the figure's axes again, which makes Bokeh
    walk the whole document).

    Returns
    -------
    bool
        False if the layers differ or nothing could be patched; the plots may
        then be half patched, and the caller must render.

    Examples
    --------
    >>> import panel as pn, holoviews as hv
    >>> patch_layers(pn.pane.HoloViews(None), hv.Overlay([hv.Curve([])]), "t")
    False
    """
    from bokeh.models import Range1d
    layers = list(overlay)

    def step(plot):
        subs = [sub for sub in getattr(plot, "subplots", {}).values() if _shown(sub)]
        title_model = getattr(plot.handles.get("plot"), "title", None)
        if title_model is None or not all(
                isinstance(plot.handles.get(r), Range1d) for r in ("x_range", "y_range")):
            return None
        # pair by kind and label, not by place: a layer that arrived after the first
        # render (the cycles, behind the cursor) sits after the cursor among the
        # subplots, while a new overlay has the cursor last
        subs = paired(subs, layers)
        return None if subs is None else (plot, subs, title_model)
    todo = planned(pane, step)
    if todo is None:
        return False
    try:
        for plot, subs, title_model in todo:
            with _graph_kept(plot.handles["plot"].document):
                _redraw(plot, subs, layers, overlay)
            title_model.text = title
    except Exception:       # a layer HoloViews cannot update alone: render instead
        return False
    return True


def _redraw(plot, subs, layers, overlay):
    key = plot.current_key
    # compute_ranges takes the frame of ``key``: the new overlay
    plot.prev_frame, plot.current_frame = plot.current_frame, overlay
    ranges = plot.compute_ranges(overlay, key, None)
    for sub, el in zip(subs, layers):
        if el is not sub.current_frame:     # a layer kept as drawn (the cycles' arrival
            sub.update_frame(key, ranges, element=el)   # leaves the equilibria) is skipped
    plot._update_ranges(overlay, ranges)


@contextmanager
def _graph_kept(doc):
    """Bokeh walks every model of the document (``recompute``: the explorer's
    sliders and three figures, 60-120 ms under load) when a freeze ends, and
    HoloViews freezes around each subplot's ``update_frame``.  Inside this
    block the walk is skipped unless a property that references models was
    set (Bokeh then calls ``invalidate``): setting data, numbers and text
    leaves the set of models as it was."""
    models = getattr(doc, "models", None)
    if models is None or not hasattr(models, "_push_freeze") or \
            not hasattr(models, "_freeze_count"):
        yield
        return
    changed = []
    models._push_freeze()
    models.invalidate = lambda: changed.append(True)
    try:
        yield
    finally:
        del models.invalidate
        models._freeze_count -= 1
        if models._freeze_count == 0 and changed:
            models.recompute()
