"""The explorer's bifurcation view: the equilibrium branch of one parameter
(:func:`nbblox.continuation`), the limit-cycle envelope from its first Hopf
point, and a cursor at the current value.  The branch is continued again only
when another parameter changed; moving the continued parameter moves the cursor.
"""
from __future__ import annotations

import numpy as np

from ...analysis.equilibria import continuation
from ...exceptions import NbbloxError
from .views import literal, live_look, view_pane

__all__ = ["BifurcationView"]


class BifurcationView:
    """Continuation diagram with a cursor at the current parameter value."""

    def __init__(self, ex, spec=None):
        import holoviews as hv
        s = ex.system
        if spec is None:
            spec = s.param_names[0]
        name, rng = (spec, None) if isinstance(spec, str) else spec
        s.params.index(name)
        self.ex, self.param = ex, name
        self.range = tuple(rng) if rng is not None else s.parameter_info(name).slider_bounds
        self.branch, self.cycles, self.message, self._key = None, None, "", None
        self.y = ex.vars[0]
        self.pipe = hv.streams.Pipe(data=None)
        self.dmap = hv.DynamicMap(self._render, streams=[self.pipe])

    def prepare(self, sol):
        """Continue the branch again only when another parameter changed (may
        run in a worker thread); the cursor is the run's value."""
        params = sol.params
        out = {"value": params[self.param], "run": self.ex.n_runs + 1}
        others = {k: v for k, v in params.items() if k != self.param}
        key = tuple(sorted(others.items()))
        if key == self._key:
            return dict(out, branch=self.branch, cycles=self.cycles, message=self.message,
                        key=key)
        branch, cycles, message = None, None, ""
        try:
            # the branch starts at the range's low end: the model's default value of the
            # parameter may lie outside the range the view was asked for
            start = dict(others, **{self.param: min(self.range)})
            branch = continuation(self.ex.system, self.param, self.range, params=start)
        except (NbbloxError, ValueError, np.linalg.LinAlgError) as exc:
            message = f"continuation failed: {exc}"
        hopf = [sp for sp in (branch.special_points if branch is not None else ())
                if sp.kind == "H"]
        if hopf:
            # the limit cycles born at the first Hopf point: their envelope is the
            # amplitude of the oscillation a student sees in the time series
            try:
                cycles = continuation(self.ex.system, self.param, self.range, start=hopf[0])
            except (NbbloxError, ValueError, np.linalg.LinAlgError, RuntimeError) as exc:
                message = f"limit cycles not continued: {exc}"
        return dict(out, branch=branch, cycles=cycles, message=message, key=key)

    def send(self, payload):
        """Show a payload made by ``prepare``."""
        self.branch, self.message, self._key = payload["branch"], payload["message"], payload["key"]
        self.cycles = payload.get("cycles")
        self.pipe.send({"value": payload["value"], "run": payload["run"]})

    def update(self, sol):
        """Recompute (if needed) and move the cursor for a run."""
        self.send(self.prepare(sol))

    def _render(self, data):
        import holoviews as hv
        from ...viz.bifurcation import branch_elements
        from ...viz.phaseplane import param_label
        from ...viz.style import SPECIAL
        v = data["value"] if data else self.ex.params[self.param]
        els = []
        for br in (self.branch, self.cycles):
            if br is not None:
                els += branch_elements(br, y=self.y, framewise=True)
        if not els:
            els = [hv.Curve([], hv.Dimension(self.param, label=param_label(self.ex.system,
                                                                            self.param)),
                            self.y)]
        cursor = hv.VLine(v, label="current value").opts(
            backend="bokeh", color=SPECIAL["H"], line_dash="dotted", line_width=2)
        title = f"{self.param} = {v:.4g}" + (f" — {self.message}" if self.message else "")
        return live_look(hv.Overlay(els + [cursor]).opts(backend="bokeh", title=literal(title),
                                                     show_legend=True, framewise=True))

    def panel(self):
        return view_pane(self.dmap)


