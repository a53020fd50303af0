"""The Panel side of the explorer: sliders generated from Parameter metadata
(grouped by blox, filterable), run controls (method, dt, t_end, reset, code
export), the status line, and the page layout.

Widgets only call ``Explorer.request``; everything else lives in explore.py.
"""
from __future__ import annotations

import panel as pn

from ..sim.simulate import ADAPTIVE_METHODS, FIXED_METHODS
from .explorer import MAX_SLIDERS
from .groups import slider_groups
from .text import escape, html_pane, label, markdown, message_markdown, tooltip

__all__ = ["Controls", "sidebar", "view_panes", "build_layout"]

METHODS = list(FIXED_METHODS) + list(ADAPTIVE_METHODS)
# Panel 1.9 renamed name -> label and button_type -> color; keep older Panels working
_LABEL = "label" if "label" in pn.widgets.FloatSlider.param else "name"
_COLOR = "color" if "color" in pn.widgets.Button.param else "button_type"


def _kw(label, color=None, **kw):
    kw[_LABEL] = label
    if color:
        kw[_COLOR] = color
    return kw


class Controls:
    """Every widget of one Explorer, created lazily (a 1000-parameter circuit
    does not build 1000 sliders: at most ``MAX_SLIDERS`` are shown, the
    filter box reaches the others)."""

    def __init__(self, ex):
        self.ex = ex
        self.sliders = {}
        self.filter = pn.widgets.TextInput(**_kw("filter parameters", placeholder="e.g. hh.g or I",
                                                      width=260))
        self.filter.param.watch(lambda e: self.refresh(), "value_input")
        self.filter.param.watch(lambda e: self.refresh(), "value")
        self.method = pn.widgets.Select(**_kw("method", options=METHODS, value=ex.method, width=120))
        self.dt = pn.widgets.FloatInput(**_kw("dt (ms)", value=ex.dt, step=0.001, start=1e-6,
                                                   width=120))
        self.t_end = pn.widgets.FloatInput(**_kw("t_end (ms)", value=ex.t_end, step=10, start=1e-3,
                                                      width=120))
        self.method.param.watch(lambda e: self._run_change(method=e.new), "value")
        self.dt.param.watch(lambda e: self._run_change(dt=e.new), "value")
        self.t_end.param.watch(lambda e: self._run_change(t_end=e.new), "value")
        self.reset = pn.widgets.Button(**_kw("↺ reset", "warning", width=100))
        self.reset.on_click(lambda e: ex.reset())
        self.export = pn.widgets.Button(**_kw("</> code", "primary", width=100))
        self.export.on_click(lambda e: self.show_code())
        self.code = pn.widgets.TextAreaInput(**_kw("code reproducing this figure", value="",
                                                        height=260, width=520, visible=False,
                                                        css_classes=["nbblox-code"]))
        self.status = pn.pane.Markdown("", css_classes=["nbblox-status"], width=700,
                                       styles={"font-size": "13px"})
        # a failed run: readable message above the views, which keep the last good run
        self.alert = pn.pane.Alert("", alert_type="danger", visible=False, width=700,
                                   css_classes=["nbblox-alert"])
        self.groups = pn.Column(sizing_mode="stretch_width")
        self.count = pn.pane.Markdown("", styles={"font-size": "11px", "color": "#666"})
        self.refresh()
        self.show_status()

    # -- sliders ---------------------------------------------------------------------
    def slider(self, name):
        """The slider for parameter ``name`` (built on first use)."""
        if name in self.sliders:
            return self.sliders[name]
        info = self.ex.system.parameter_info(name)
        lo, hi = info.slider_bounds
        targets = self.ex.system.params.match(name)   # a promoted parameter: several
        v = self.ex.params[targets[0]]
        lo, hi = min(lo, v), max(hi, v)
        pname = name.split(".", 1)[1]
        title = f"{pname} ({info.unit})" if info.unit else pname
        if len(targets) > 1:
            title += f" · all {len(targets)}"
        title = label(title)
        s = pn.widgets.FloatSlider(**_kw(title, start=lo, end=hi, step=info.slider_step,
                                              value=v, width=240, css_classes=["nbblox-slider"],
                                              tags=[name], format="0[.]00[0]"))
        s.param.watch(lambda e, n=name: self._slid(n, e.new), "value")
        tip = pn.widgets.TooltipIcon(value=tooltip(f"{name}: {info.doc or 'no description'}"
                                                   + (f" [{info.unit}]" if info.unit else "")
                                                   + f"; range {lo:g} to {hi:g}"))
        self.sliders[name] = (s, pn.Row(s, tip, margin=0))
        return self.sliders[name]

    def _slid(self, name, value):
        if not self.ex._syncing:
            self.ex.request({name: float(value)})
            if name in self.ex.system.params.aliases:   # the sliders it moved follow it
                self.sync({t: float(value) for t in self.ex.system.params.match(name)})

    def _run_change(self, **run):
        if not self.ex._syncing and run:
            self.ex.request(**run)

    def matches(self):
        q = (self.filter.value_input or self.filter.value or "").strip().lower()
        names = self.ex.system.param_names
        return [n for n in names if q in n.lower()] if q else list(names)

    def refresh(self):
        """Rebuild the slider groups for the current filter."""
        names = self.matches()
        shown = names[:MAX_SLIDERS]
        # one card per top-level blox or composite (nbblox.ui.groups); a composite's
        # promoted parameters come first, so one slider moves all its inner values
        groups = slider_groups(self.ex.system, shown)
        q = (self.filter.value_input or self.filter.value or "").strip().lower()
        many = len(groups) > 3
        cards = []
        for i, g in enumerate(groups):
            members = [a for a in g.promoted if q in a.lower()] + g.names
            # a Card pastes its title into HTML: hand it escaped text
            cards.append(pn.Card(*[self.slider(n)[1] for n in members],
                                 title=str(escape(g.title)),
                                 collapsed=many and i >= 3,
                                 width=300, margin=(2, 2)))
        self.groups.objects = cards
        total = len(self.ex.system.param_names)
        extra = f" (first {MAX_SLIDERS}; filter to see others)" if len(names) > MAX_SLIDERS else ""
        self.count.object = f"{len(names)} of {total} parameters{extra}"

    def sync(self, values, run=None):
        """Move widgets to values set from code without re-triggering a run."""
        self.ex._syncing = True
        try:
            aliases = self.ex.system.params.aliases
            for name, v in values.items():
                if name in self.sliders:
                    s = self.sliders[name][0]
                    s.start, s.end = min(s.start, v), max(s.end, v)
                    s.value = v
            for name in (n for n in self.sliders if n in aliases):   # promoted: common value
                vs = {self.ex.params.get(t) if t not in values else values[t]
                      for t in self.ex.system.params.match(name)}
                if len(vs) == 1 and None not in vs:
                    s, v = self.sliders[name][0], vs.pop()
                    s.start, s.end = min(s.start, v), max(s.end, v)
                    s.value = v
            for key, w in (("method", self.method), ("dt", self.dt), ("t_end", self.t_end)):
                if run and key in run:
                    w.value = run[key]
        finally:
            self.ex._syncing = False

    # -- read-outs ---------------------------------------------------------------------
    def show_status(self, running=False):
        """Status line (and the error alert) for the last run, or "running"."""
        if running:
            self.status.object = f"⏳ running (after run {self.ex.runs})"
            return
        err = self.ex.error
        self.status.object = markdown(self.ex.status())
        self.status.styles = {"font-size": "13px", "color": "#b00020" if err else "#333"}
        if err:
            self.alert.object = message_markdown("The model raised an error:", err)
        self.alert.visible = bool(err)

    def show_code(self):
        self.code.value = self.ex.to_code()
        self.code.visible = True


def sidebar(ex, title=True):
    """The controls column: parameter filter and sliders grouped by blox, run
    settings, reset and export."""
    c = ex.controls
    head = [html_pane("<h3>{}</h3>", ex.system.circuit.name, margin=(0, 5))] if title else []
    return pn.Column(*head, c.filter, c.count, c.groups,
                     pn.Row(c.method, c.dt, margin=0), c.t_end,
                     pn.Row(c.reset, c.export, margin=0),
                     width=320, css_classes=["nbblox-controls"])


def view_panes(ex):
    """The live views, top to bottom: alert, status, time series, raster,
    phase plane and bifurcation side by side, user views, live run, code."""
    from . import explore_views
    c = ex.controls
    panes = [c.alert, c.status]
    if "timeseries" in ex.views:
        ts = pn.pane.HoloViews(ex.timeseries_view(), linked_axes=False)
        ex._ts_panes.append(ts)
        panes.append(ts)
    if "raster" in ex.views:
        panes.append(pn.pane.HoloViews(explore_views.raster_view(ex), linked_axes=False))
    row = []
    if hasattr(ex, "phase_plane"):
        row.append(ex.phase_plane.panel())
    if hasattr(ex, "bifurcation"):
        row.append(ex.bifurcation.panel())
    if row:
        panes.append(pn.Row(*row))
    for fn in (v for v in ex.views if callable(v)):
        panes.append(pn.pane.HoloViews(explore_views.custom_view(ex, fn), linked_axes=False))
    if hasattr(ex, "live"):
        panes.append(ex.live.panel())
    panes.append(c.code)
    return panes


def build_layout(ex):
    """Controls on the left, views on the right; a Panel ``Row``."""
    return pn.Row(sidebar(ex), pn.Column(*view_panes(ex)), css_classes=["nbblox-explorer"])
