"""The explorer's widgets: one slider per parameter, promoted parameter and
connection weight (ranges, steps, units and descriptions from Parameter
metadata), in one card per top-level member (:mod:`nbblox.ui.groups`), a
filter box, run settings, reset and code export, the status line and the
error alert.

Widgets only call ``Explorer.request``; the page layout is :mod:`.layout`.
"""
from __future__ import annotations

import panel as pn

from ..._text import counted
from ...sim.simulate import ADAPTIVE_METHODS, FIXED_METHODS
from ..compat import widget_kw
from ..groups import slider_groups
from ..text import escape, label, markdown, message_markdown, tooltip
from .common import MAX_SLIDERS

__all__ = ["Controls", "slider_label", "METHODS"]

METHODS = list(FIXED_METHODS) + list(ADAPTIVE_METHODS)
FOLD_ABOVE = 14   # sliders: with more, only the first group's card starts open


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
    from ...viz.units import pretty_unit
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

    def __init__(self, ex):
        self.ex = ex
        self.sliders = {}
        self.filter = pn.widgets.TextInput(**widget_kw("filter parameters", width=260,
                                                 placeholder="name or words: g_Na, coupling"))
        self.filter.param.watch(lambda e: self.refresh(), "value_input")
        self.filter.param.watch(lambda e: self.refresh(), "value")
        # a method named otherwise ("em", Euler-Maruyama, in lesson 14) is one of the
        # options: the menu showed blank when its value was not
        options = METHODS + ([ex.method] if ex.method not in METHODS else [])
        self.method = pn.widgets.Select(**widget_kw("method", options=options, value=ex.method,
                                                    width=120))
        self.dt = pn.widgets.FloatInput(**widget_kw("dt (ms)", value=ex.dt, step=0.001, start=1e-6,
                                                   width=120))
        self.t_end = pn.widgets.FloatInput(**widget_kw("t_end (ms)", value=ex.t_end, step=10, start=1e-3,
                                                      width=120))
        self.method.param.watch(lambda e: self._run_change(method=e.new), "value")
        self.dt.param.watch(lambda e: self._run_change(dt=e.new), "value")
        self.t_end.param.watch(lambda e: self._run_change(t_end=e.new), "value")
        self.reset = pn.widgets.Button(**widget_kw("↺ reset", "warning", width=100))
        self.reset.on_click(lambda e: ex.reset())
        self.export = pn.widgets.Button(**widget_kw("</> code", "primary", width=100))
        self.export.on_click(lambda e: self.show_code())
        self.code = pn.widgets.TextAreaInput(**widget_kw("code reproducing this figure", value="",
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
        # a promoted parameter sets several: "· sets both" read better than "· all 2"
        many = "" if n_targets < 2 else " · sets both" if n_targets == 2 else f" · sets all {n_targets}"
        title = slider_label(name, info) + many
        s = pn.widgets.FloatSlider(**widget_kw(label(title), start=lo, end=hi,
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
        """Rebuild the slider cards for the current filter: one card per
        top-level member (:func:`nbblox.ui.groups.slider_groups`: a composite's
        promoted parameters first) and one for the connection weights; the
        first open, the others folded when there are many sliders, so a
        two-blox circuit is not one column of 28 sliders."""
        names = self.matches()
        shown = names[:MAX_SLIDERS]
        groups = slider_groups(self.ex.system, shown, self.ex._weights.labels)
        filtered = len(names) < len(self.ex.slider_names())
        fold = not filtered and (len(shown) > FOLD_ABOVE or len(groups) > 3)
        cards = []
        for i, g in enumerate(groups):
            folded = fold and i > 0
            # a Card pastes its title into HTML: hand it escaped text.  A folded card gets
            # its sliders when it is opened: a page of 60 sliders takes seconds to render
            card = pn.Card(*([] if folded else [self.slider(n)[1] for n in g.names]),
                           title=str(escape(g.title)), collapsed=folded, width=310,
                           margin=(2, 2), css_classes=["nbblox-group", f"nbblox-{g.kind}"])
            if folded:
                card.param.watch(lambda e, c=card, m=g.names: self._fill(c, m), "collapsed")
            cards.append(card)
        self.groups.objects = cards
        total = len(self.ex.slider_names())
        extra = f" (first {MAX_SLIDERS}; filter to see others)" if len(names) > MAX_SLIDERS else ""
        self.count.object = f"{len(names)} of {counted(total, 'parameter')}{extra}"

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
