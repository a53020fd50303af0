"""The Panel side of the explorer: sliders generated from Parameter metadata
(grouped by blox, filterable), run controls (method, dt, t_end, reset, code
export), the status line, and the page layout.

Widgets only call ``Explorer.request``; everything else lives in explore.py.
"""
from __future__ import annotations

import panel as pn

from ..sim.simulate import ADAPTIVE_METHODS, FIXED_METHODS
from .explorer import MAX_SLIDERS
from .text import escape, html_pane, label, markdown, message_markdown, tooltip

__all__ = ["Controls", "sidebar", "view_panes", "build_layout", "slider_label", "blox_of"]

METHODS = list(FIXED_METHODS) + list(ADAPTIVE_METHODS)
MIN_VIEWS = 400   # px: narrower than this, the views go below the controls
FOLD_ABOVE = 14   # sliders: with more, only the first group's card starts open
# Panel 1.9 renamed name -> label and button_type -> color; keep older Panels working
_LABEL = "label" if "label" in pn.widgets.FloatSlider.param else "name"
_COLOR = "color" if "color" in pn.widgets.Button.param else "button_type"


def _kw(label, color=None, **kw):
    kw[_LABEL] = label
    if color:
        kw[_COLOR] = color
    return kw


def blox_of(name):
    """Group key of a parameter: its blox (``"a.c1"`` -> ``"a"``)."""
    return name.split(".", 1)[0].split("[", 1)[0]


def blox_title(system, key):
    """Card title of a top-level member: ``"a · WilsonCowan"``, or for a composite
    ``"r1 · WilsonCowanColumn of 2 blox"`` (:mod:`nbblox.ui.groups`)."""
    from .groups import group_of
    return group_of(system, key).title


def member_order(system, key, members):
    """Sliders of one card in reading order: a composite's promoted parameters
    first (one slider moves all its inner values), then its members blox by blox."""
    if key not in system.circuit.composites:
        return members
    promoted = [m for m in members if m in system.params.aliases]
    rest = sorted((m for m in members if m not in promoted), key=lambda n: n.rsplit(".", 1)[0])
    return promoted + rest


def slider_label(name, info):
    """What a slider says: the parameter, its unit, and a short description
    (``"c1 · E → E coupling"``, ``"tau_E (ms) · E time constant"``); a long
    description stays in the tooltip.

    Examples
    --------
    >>> from nbblox.model.params import Parameter
    >>> slider_label("a.c1", Parameter(16.0, doc="E -> E coupling"))
    'c1 · E → E coupling'
    >>> slider_label("hh.C", Parameter(1.0, unit="uF/cm^2", doc="membrane capacitance per area"))
    'C (µF/cm²)'
    """
    from ..viz.units import pretty_unit
    short = name.split(".", 1)[1] if "." in name else name
    unit = pretty_unit(info.unit)
    text = f"{short} ({unit})" if unit else short
    doc = (info.doc or "").replace("->", "→").strip()
    if doc and len(text) + len(doc) <= 34:
        text += f" · {doc}"
    return text


class Controls:
    """Every widget of one Explorer, created lazily (a 1000-parameter circuit
    does not build 1000 sliders: at most ``MAX_SLIDERS`` are shown, the
    filter box reaches the others)."""

    def __init__(self, ex, group_key=None, group_title=None):
        self.ex = ex
        self.sliders = {}
        # how sliders are grouped into cards: data, so that composites can group by
        # their own path (compose) without touching the cards
        from .explore_weights import GROUP
        self.group_key = group_key or (lambda n: GROUP if n in ex._weights else blox_of(n))
        self.group_title = group_title or (lambda key, members: "connection weights"
                                           if key == GROUP else blox_title(ex.system, key))
        self.filter = pn.widgets.TextInput(**_kw("filter parameters", width=260,
                                                 placeholder="name or words: g_Na, coupling"))
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
                                                        height=260, visible=False,
                                                        sizing_mode="stretch_width",
                                                        css_classes=["nbblox-code"]))
        self.status = pn.pane.Markdown("", css_classes=["nbblox-status"],
                                       sizing_mode="stretch_width",
                                       styles={"font-size": "13px"})
        # a failed run: readable message above the views, which keep the last good run
        self.alert = pn.pane.Alert("", alert_type="danger", visible=False,
                                   sizing_mode="stretch_width", css_classes=["nbblox-alert"])
        self.groups = pn.Column(sizing_mode="stretch_width")
        self.count = pn.pane.Markdown("", styles={"font-size": "11px", "color": "#666"})
        self.refresh()
        self.show_status()

    # -- sliders ---------------------------------------------------------------------
    def slider(self, name):
        """The slider for parameter ``name`` (built on first use)."""
        if name in self.sliders:
            return self.sliders[name]
        info = self.ex.slider_info(name)
        lo, hi = info.slider_bounds
        if name in self.ex.weights:
            v, n_targets = self.ex.weights[name], 1
        else:
            targets = self.ex.system.params.match(name)   # a promoted parameter: several
            v, n_targets = self.ex.params[targets[0]], len(targets)
        lo, hi = min(lo, v), max(hi, v)
        title = slider_label(name, info) + (f" · all {n_targets}" if n_targets > 1 else "")
        s = pn.widgets.FloatSlider(**_kw(label(title), start=lo, end=hi,
                                         step=info.slider_step, value=v, width=250,
                                         css_classes=["nbblox-slider"], tags=[name],
                                         format="0[.]00[0]"))
        s.param.watch(lambda e, n=name: self._slid(n, e.new), "value")
        tip = pn.widgets.TooltipIcon(value=tooltip(f"{name}: {info.doc or 'no description'}"
                                                   + (f" [{info.unit}]" if info.unit else "")
                                                   + f"; range {lo:g} to {hi:g}"))
        self.sliders[name] = (s, pn.Row(s, tip, margin=0))
        return self.sliders[name]

    def _slid(self, name, value):
        if not self.ex._syncing:
            # a slider's arithmetic gives 1.2999999999999998 for 1.3: keep 12 digits
            value = float(f"{float(value):.12g}")
            self.ex.request({name: value})
            if name in self.ex.system.params.aliases:   # the sliders it moved follow it
                self.sync({t: value for t in self.ex.system.params.match(name)})

    def _run_change(self, **run):
        if not self.ex._syncing and run:
            self.ex.request(**run)

    def matches(self):
        """Parameters matching the filter box: in their name, description or unit
        (``coupling`` finds c1..c4 of a Wilson-Cowan, ``ms`` the time constants)."""
        q = (self.filter.value_input or self.filter.value or "").strip().lower()
        names = self.ex.slider_names()
        if not q:
            return list(names)
        out = []
        for n in names:
            info = self.ex.slider_info(n)
            if any(q in text.lower() for text in (n, info.doc or "", info.unit or "")):
                out.append(n)
        return out

    def refresh(self):
        """Rebuild the slider groups for the current filter: one card per group
        (``group_key``), the first open, the others folded when there are many
        sliders, so a two-blox circuit is not one column of 28 sliders."""
        names = self.matches()
        shown = names[:MAX_SLIDERS]
        groups = {}
        for n in shown:
            groups.setdefault(self.group_key(n), []).append(n)
        filtered = len(names) < len(self.ex.slider_names())
        fold = not filtered and (len(shown) > FOLD_ABOVE or len(groups) > 3)
        cards = []
        for i, (key, members) in enumerate(groups.items()):
            members = member_order(self.ex.system, key, members)
            folded = fold and i > 0
            # a Card pastes its title into HTML: hand it escaped text.  A folded card gets
            # its sliders when it is opened: a page of 60 sliders takes seconds to render
            card = pn.Card(*([] if folded else [self.slider(n)[1] for n in members]),
                           title=str(escape(self.group_title(key, members))),
                           collapsed=folded, width=310, margin=(2, 2))
            if folded:
                card.param.watch(lambda e, c=card, m=members: self._fill(c, m), "collapsed")
            cards.append(card)
        self.groups.objects = cards
        total = len(self.ex.slider_names())
        extra = f" (first {MAX_SLIDERS}; filter to see others)" if len(names) > MAX_SLIDERS else ""
        self.count.object = f"{len(names)} of {total} parameters{extra}"

    def _fill(self, card, members):
        if not card.collapsed and not card.objects:
            card.objects = [self.slider(n)[1] for n in members]

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
        # the message itself is in the alert above: saying it twice buries the views
        line = (f"⚠ run {self.ex.runs} failed (the message is above); showing the last "
                "good run" if err else self.ex.status())
        self.status.object = markdown(line)
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
        # one panel per unit (and scale), linked time axes: V (mV) apart from a gate (0-1)
        for k, names in enumerate(ex.groups()):
            ts = pn.pane.HoloViews(ex.timeseries_view(k), linked_axes=False,
                                   sizing_mode="stretch_width")
            ex._ts_panes.append((ts, names))
            panes.append(ts)
    if "raster" in ex.views:
        panes.append(pn.pane.HoloViews(explore_views.raster_view(ex), linked_axes=False))
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
        panes.append(pn.pane.HoloViews(explore_views.custom_view(ex, fn), linked_axes=False))
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
