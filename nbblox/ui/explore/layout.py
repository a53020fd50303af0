"""The explorer's page: controls on the left, live views on the right,
filling the notebook column (or the page) and reflowing when it narrows.
"""
from __future__ import annotations

import panel as pn

from ..text import html_pane

__all__ = ["sidebar", "view_panes", "build_layout", "MIN_VIEWS"]

MIN_VIEWS = 400   # px: narrower than this, the views go below the controls


def sidebar(ex, title=True):
    """The controls column: parameter filter and sliders grouped by blox, run
    settings, reset and export."""
    c = ex.controls
    # sized here, not by <h3>: a page template (a served lesson) made it a 2 rem headline
    head = [html_pane('<div class="nbblox-explorer-name" style="font-weight:600;'
                      'font-size:16px;margin:8px 0 4px 0">{}</div>', ex.system.circuit.name,
                      margin=(0, 5))] if title else []
    return pn.Column(*head, c.filter, c.count, c.groups,
                     pn.Row(c.method, c.dt, margin=0), c.t_end,
                     pn.Row(c.reset, c.export, margin=0),
                     width=320, css_classes=["nbblox-controls"])


def view_panes(ex):
    """The live views, top to bottom: alert, status, time series, raster,
    phase plane and bifurcation side by side, user views, live run, code."""
    from . import views as V
    c = ex.controls
    panes = [c.alert, c.status]
    if "timeseries" in ex.views:
        # one panel per unit (and scale), linked time axes: V (mV) apart from a gate (0-1)
        for k, names in enumerate(ex.groups()):
            ts = pn.pane.HoloViews(ex.timeseries_view(k), linked_axes=False,
                                   sizing_mode="stretch_width")
            ex._ts_panes.append((ts, names))
            panes.append(ts)
    if "raster" in ex.views:
        panes.append(pn.pane.HoloViews(V.raster_view(ex), linked_axes=False))
    row = []
    if hasattr(ex, "phase_plane"):
        row.append(ex.phase_plane.panel())
    if hasattr(ex, "bifurcation"):
        row.append(ex.bifurcation.panel())
    if row:
        # side by side where the column is wide enough, one below the other where not
        panes.append(pn.FlexBox(*row, flex_wrap="wrap", sizing_mode="stretch_width",
                                css_classes=["nbblox-linked-views"]))
    for fn in (v for v in ex.views if callable(v)):
        panes.append(pn.pane.HoloViews(V.custom_view(ex, fn), linked_axes=False))
    if hasattr(ex, "live"):
        panes.append(ex.live.panel())
    panes.append(c.code)
    return panes


def build_layout(ex):
    """Controls on the left, views on the right, filling the width of the
    notebook column (or page) and reflowing when it changes: the views take
    what the controls leave, and drop below them when that is too narrow."""
    views = pn.Column(*view_panes(ex), sizing_mode="stretch_width", min_width=MIN_VIEWS,
                      styles={"flex": f"1 1 {MIN_VIEWS}px"}, css_classes=["nbblox-views"])
    return pn.FlexBox(sidebar(ex), views, flex_wrap="wrap", align_items="flex-start",
                      sizing_mode="stretch_width", css_classes=["nbblox-explorer"])
