"""The explorer's simple views and the look every live view shares: the
time series (one panel per unit, fed by the explorer's Pipe), the spike raster,
a user's ``f(solution) -> element`` view, and the responsive size and legend
placement of a live plot.  The phase plane and the bifurcation view have their
own modules (:mod:`.phase`, :mod:`.bifurcation`).
"""
from __future__ import annotations

import holoviews.plotting.bokeh  # noqa: F401  (registers the bokeh options)
import numpy as np

__all__ = ["timeseries_view", "raster_view", "custom_view", "live_look", "view_pane", "literal"]


def live_look(overlay, height=380):
    """A live view's look: fills its column (reflows on resize), fixed height,
    legend below the data (the width is not ours to spend).  The height leaves
    the data ~190 px under a legend of four rows (a Wilson-Cowan phase plane:
    two nullclines, a trajectory, three kinds of fixed point; at 330 px the data
    was a ~130 px strip)."""
    from ...viz.style import FONTS
    # FONTS: the bifurcation view's axes were in HoloViews' smaller default type.
    # The legend, the same in the phase plane and the bifurcation view: centred under
    # the axis label with no margin (Bokeh's 10 px left a ~30 px gap the data lacked),
    # 8 px between entries (Bokeh's 3 px ran "unstable equilibria" into the next
    # column's dashes); 6 px padding (Bokeh's 10): two columns of the bifurcation
    # legend's longest words (viz.bifurcation.LEGEND_CHARS) fit the least width, 340 px
    return overlay.opts(backend="bokeh", responsive=True, height=height, min_width=340,
                        frame_width=None, frame_height=None, legend_position="bottom",
                        legend_cols=2, fontsize=FONTS,
                        legend_opts={"location": "top", "margin": 0, "spacing": 8,
                                     "padding": 6})


def view_pane(dmap):
    import panel as pn
    return pn.pane.HoloViews(dmap, linked_axes=False, sizing_mode="stretch_width",
                             min_width=340, styles={"flex": "1 1 380px"})


def literal(title):
    """HoloViews formats titles with str.format: braces in a message (a dict in an
    error text) must reach the page as braces, not raise KeyError while rendering."""
    return title.replace("{", "{{").replace("}", "}}")


def timeseries_view(ex, group=0, height=None):
    """A live time-series DynamicMap fed by ``ex.pipe``: the variables of panel
    ``group`` of :meth:`Explorer.groups` (``None``: all in one panel);
    ``height`` in px overrides the default (the only view fills the height of
    the controls beside it)."""
    import holoviews as hv

    from ...viz.timeseries import timeseries_element
    from ...viz.units import model_title, safe_title
    names = list(ex.vars) if group is None else ex.groups()[group]
    first = group in (0, None)
    # a legend above the data takes a row: the panel grows by it, or the data of two
    # overlaid variables got ~100 px
    look = dict(units=ex._units, docs=ex._docs, labels=ex._labels, responsive=True,
                height=max(height or 0, (260 if first else 200) + (50 if len(names) > 1 else 0)),
                title=safe_title(model_title(ex.system)) if first else "",
                dim="value" if first else f"y{group}")

    def render(data):
        if data is None:
            return timeseries_element(np.zeros(1), {v: np.zeros(1) for v in names}, **look)
        return timeseries_element(data["t"], {v: data["columns"][v] for v in names}, **look)
    return hv.DynamicMap(render, streams=[ex.pipe])


def raster_view(ex):
    """Spike raster of the current run (empty for systems without spikes)."""
    import holoviews as hv
    from ...viz.raster import plot_raster

    def render(data):
        sol = ex.last
        sp = sol.spikes if sol is not None else {"index": np.zeros(0, int), "time": np.zeros(0)}
        return plot_raster(sp, t_range=(0.0, ex.t_end))
    return hv.DynamicMap(render, streams=[ex.run_pipe])


def custom_view(ex, fn):
    """A user's view: ``fn(solution) -> HoloViews element``, redrawn after every run."""
    import holoviews as hv

    def render(data):
        if ex.last is None:
            return hv.Curve([])
        return fn(ex.last)
    return hv.DynamicMap(render, streams=[ex.run_pipe])
