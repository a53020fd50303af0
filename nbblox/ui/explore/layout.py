"""The explorer's page: controls on the left, live views on the right,
filling the notebook column (or the page) and reflowing when it narrows.

One short plot beside a long column of sliders left a tall empty area under
the plot (lesson 2's Hodgkin-Huxley explorer: a 310 px plot beside 770 px of
controls).  The slider cards now scroll in a bounded column, and a time
series that is the only view grows to the controls' height.
"""
from __future__ import annotations

import panel as pn

from ..text import html_pane

__all__ = ["sidebar", "view_panes", "build_layout", "MIN_VIEWS", "controls_height"]

MIN_VIEWS = 400   # px: narrower than this, the views go below the controls
MAX_GROUPS = 440  # px: the slider cards scroll beyond this (about ten sliders)
# px, as Panel draws them (measured at 1400x1000 in JupyterLab and served): one
# slider with its label, a card's title bar, everything else of the column
# (name, filter, count, method/dt, t_end, reset/code), the status line
_SLIDER, _CARD, _FIXED, _STATUS = 44, 42, 330, 45


def controls_height(ex):
    """Height (px) the explorer's controls column takes: its open slider cards
    (bounded by ``MAX_GROUPS``, then they scroll) and the fixed widgets.

    Examples
    --------
    >>> import nbblox as nb
    >>> controls_height(nb.explore(nb.blox.FitzHughNagumo(name="fhn")))
    548
    """
    cards = ex.controls.groups.objects
    open_ = sum(len(c.objects) for c in cards if not getattr(c, "collapsed", False))
    return _FIXED + min(MAX_GROUPS, _CARD * len(cards) + _SLIDER * open_)


def _single_plot(ex):
    """True if the views are one time-series panel and nothing else to look at."""
    return (tuple(v for v in ex.views if v != "timeseries") == () and "timeseries" in ex.views
            and len(ex.groups()) == 1)


def sidebar(ex, title=True, bounded=False):
    """The controls column: parameter filter and sliders grouped by blox, run
    settings, reset and export.  ``bounded``: the slider cards scroll beyond
    ``MAX_GROUPS`` px (beside the explorer's views; a dashboard's sidebar
    scrolls as a whole)."""
    c = ex.controls
    groups = pn.Column(c.groups, max_height=MAX_GROUPS, scroll=True, sizing_mode="stretch_width",
                       margin=0, css_classes=["nbblox-slider-cards"]) if bounded else c.groups
    # sized here, not by <h3>: a page template (a served lesson) made it a 2 rem headline
    head = [html_pane('<div class="nbblox-explorer-name" style="font-weight:600;'
                      'font-size:16px;margin:8px 0 4px 0">{}</div>', ex.system.circuit.name,
                      margin=(0, 5))] if title else []
    return pn.Column(*head, c.filter, c.count, groups,
                     pn.Row(c.method, c.dt, margin=0), c.t_end,
                     pn.Row(c.reset, c.export, margin=0),
                     width=320, css_classes=["nbblox-controls"])


def view_panes(ex, fill=None):
    """The live views, top to bottom: alert, status, time series, raster,
    phase plane and bifurcation side by side, user views, live run, code.
    ``fill``: height (px) of the controls beside the views; a time series that
    is the only view grows to it (no empty area under a short plot)."""
    from . import views as V
    c = ex.controls
    panes = [c.alert, c.status]
    height = fill - _STATUS if fill and _single_plot(ex) else None
    if "timeseries" in ex.views:
        # one panel per unit (and scale), linked time axes: V (mV) apart from a gate (0-1)
        for k, names in enumerate(ex.groups()):
            ts = pn.pane.HoloViews(ex.timeseries_view(k, height=height), linked_axes=False,
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
    views = pn.Column(*view_panes(ex, fill=controls_height(ex)), sizing_mode="stretch_width",
                      min_width=MIN_VIEWS,
                      styles={"flex": f"1 1 {MIN_VIEWS}px"}, css_classes=["nbblox-views"])
    return pn.FlexBox(sidebar(ex, bounded=True), views, flex_wrap="wrap", align_items="flex-start",
                      sizing_mode="stretch_width", css_classes=["nbblox-explorer"])
