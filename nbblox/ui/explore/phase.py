"""The explorer's phase plane: vector field, nullclines and fixed points of
two states (from :func:`nbblox.phase_plane`), the current run, and
trajectories started by a click (a HoloViews Tap stream).  Redrawn in place
from a Pipe; the window grows to hold what was drawn, it never hugs one run.
The nullclines, field and fixed points are computed again only when the
parameters, connection weights or window changed; a run that changed only
the trajectory (run length, step, method) patches the trajectory's line in a
notebook (:func:`.push.patch_curve`); a parameter move that keeps the window
and the kinds of fixed point patches every layer's data
(:func:`.push.patch_overlay`) instead of rendering the view again.
"""
from __future__ import annotations

import numpy as np

from ...analysis.phaseplane import phase_plane, phase_window
from ...exceptions import NbbloxError, ParameterError
from ...viz.phaseplane import phase_portrait
from ...viz.timeseries import downsample
from ...viz.units import state_doc, state_unit
from .common import resolve_state
from .views import literal, live_look, view_pane

__all__ = ["PhasePlaneView"]


class PhasePlaneView:
    """Phase plane of two states with click-to-start trajectories."""

    def __init__(self, ex, phase=None, grid=60, arrows=15):
        import holoviews as hv
        s = ex.system
        self.ex, self.grid, self.arrows = ex, grid, arrows
        if phase is None:
            by_blox = {}
            for n in s.state_names:
                by_blox.setdefault(n.split(".", 1)[0], []).append(n)
            two = [v for v in by_blox.values() if len(v) >= 2]
            if not two:
                raise ParameterError("explore: the phase_plane view needs a blox with two "
                                     "states, or phase=('a.x', 'b.y')")
            phase = (two[0][0], two[0][-1])
        if len(phase) != 2:
            raise ParameterError(f"phase must name two states, got {phase!r}")
        self.xy = [resolve_state(s, v, "phase") for v in phase]
        self.pipe = hv.streams.Pipe(data=None)
        self.taps = []            # trajectories started by clicks: (x, y, t, xs, ys)
        self.fixed = []           # FixedPoint list at the current parameters
        # the Tap must be one of the DynamicMap's streams for Bokeh to get a tap tool;
        # its subscriber (precedence < 1) runs before the plot redraws
        self.tap = hv.streams.Tap(x=None, y=None, transient=True)
        self.tap.add_subscriber(self._on_tap, precedence=0.1)
        self.dmap = hv.DynamicMap(self._render, streams=[self.pipe, self.tap])
        self.payload = None
        self.analyses = 0         # phase_plane() calls (nullclines, field, fixed points)
        self.renders = 0          # portraits built (_render calls)
        self._analysis = (None, None)   # (key, payload fields) of the last analysis
        self._natural = (None, None)    # (key, window) of the natural window
        self._panes = []          # the panes made by panel() (patched in a notebook)

    # -- data --------------------------------------------------------------------------
    def _ranges(self, sol, fixed=()):
        """Window: the state's natural range at the run's parameters (the
        fixed points and the nullclines' turning points, as
        :func:`nbblox.phase_plane` chooses its own window), widened to the run,
        the fixed points and the clicked trajectories with a margin of 40% of
        their span on each side (a trajectory started near the edge has room to
        move), and growing only, so the picture does not jump with every slider
        move.  (A fixed minimum of +-1 crowded Wilson-Cowan's fixed points, all
        in [0, 0.5], into a quarter of the window.)"""
        natural = self._natural_window(sol.params)
        out = []
        for k, v in enumerate(self.xy):
            vals = [np.asarray(sol[v], float)]
            vals += [np.array([f.state[v]]) for f in fixed]
            vals += [np.asarray(tap[2 + k], float) for tap in self.taps]
            a = np.concatenate([x[np.isfinite(x)] for x in vals]) if vals else np.zeros(1)
            lo, hi = (float(a.min()), float(a.max())) if a.size else (0.0, 0.0)
            mid = 0.5 * (lo + hi)
            if natural is None:     # no analysis: the old floor of +-max(1, |x|/4)
                half = max(0.9 * (hi - lo), 1.0, 0.25 * abs(mid))
                lo, hi = mid - half, mid + half
            else:
                half = 0.9 * (hi - lo)
                lo, hi = min(mid - half, natural[k][0]), max(mid + half, natural[k][1])
            if self.payload is not None:
                old = self.payload["xr" if k == 0 else "yr"]
                lo, hi = min(lo, old[0]), max(hi, old[1])
            out.append((lo, hi))
        return out

    def _natural_window(self, params):
        """The window :func:`nbblox.phase_plane` picks by itself at ``params``
        (cached per parameters and weights), or None if it fails."""
        key = (tuple(sorted(params.items())), tuple(sorted(self.ex._weights.applied.items())))
        if self._natural[0] != key:
            try:
                # no trajectory: a run would import and call scipy's integrator on
                # every slider move (the explorer draws its own run)
                lims = phase_window(self.ex.system, self.xy[0], self.xy[1], params=params)
            except (NbbloxError, ValueError, np.linalg.LinAlgError):
                lims = None
            self._natural = (key, lims)
        return self._natural[1]

    def prepare(self, sol):
        """Payload for ``send`` from a run (no drawing: may run in a worker
        thread).  Nullclines, fixed points and the clicked trajectories are
        recomputed at the run's parameters.  If the analysis fails, the run is
        drawn without them and the title says why (nothing else is substituted)."""
        s, params = self.ex.system, sol.params
        xr, yr = self._ranges(sol, self.fixed)
        out = dict(xr=xr, yr=yr, traj=self._decimated(sol, 3000), grid=None, xl=[], yl=[],
                   fixed=[], taps=[], message="")
        key = (tuple(sorted(params.items())), tuple(sorted(self.ex._weights.applied.items())),
               tuple(xr), tuple(yr))
        if key == self._analysis[0]:
            return dict(out, key=key, **self._analysis[1], taps=self.taps)
        try:
            self.analyses += 1
            pp = phase_plane(s, x=self.xy[0], y=self.xy[1], params=params, xlim=xr, ylim=yr,
                             resolution=self.grid, arrows=self.arrows)
        except (NbbloxError, ValueError, np.linalg.LinAlgError) as exc:
            return dict(out, message=f"no nullclines: {exc}")
        fields = dict(grid=(pp.grid_x, pp.grid_y, pp.u, pp.v), xl=pp.nullclines["x"],
                      yl=pp.nullclines["y"], fixed=list(pp.fixed_points))
        self._analysis = (key, fields)
        # restart the clicked trajectories under the new parameters
        taps = [self._trajectory(x, y, params) for x, y, *_ in self.taps]
        return dict(out, key=key, **fields, taps=taps)

    def _decimated(self, sol, n):
        _, T = downsample(sol.t, np.vstack([sol[v] for v in self.xy]), n)
        return T

    def send(self, payload):
        """Show a payload made by ``prepare`` (on the thread that owns the plot)."""
        old = self.payload
        self.fixed, self.taps = payload["fixed"], payload["taps"]
        self.payload = payload
        if self._patch(old, payload):
            return
        self.pipe.send(payload)

    def _patch(self, old, new):
        """Patch the rendered notebook plots in place if only data changed: the
        trajectory alone (same analysis), or the field, nullclines, fixed points
        and trajectory in the same window, title and legend (the same kinds of
        fixed point).  False if the view must be rendered again."""
        from .push import patch_curve, patch_overlay
        if not self._panes or old is None or old.get("key") is None or new.get("key") is None:
            return False
        if old["key"] == new["key"] and old["taps"] is new["taps"]:
            ok = all(patch_curve(p, "trajectory", *new["traj"]) for p in self._panes)
        else:
            el = self._element(new)
            lims = (old["xr"], old["yr"], new["xr"], new["yr"])
            ok = all(patch_overlay(p, el, lims) for p in self._panes)
        if not ok:
            return False
        self.pipe.update(data=new)
        self.pipe._memoize_counter += 1    # a later render must not reuse a cached frame
        return True

    def update(self, sol):
        """Recompute and redraw for a run."""
        self.send(self.prepare(sol))

    def _trajectory(self, x, y, params=None):
        ex = self.ex
        sol = ex.simulate(params=params, x0={self.xy[0]: x, self.xy[1]: y}, record=self.xy)
        T = self._decimated(sol, 2000)
        return (x, y, T[0], T[1])

    def _on_tap(self, x=None, y=None, **kw):
        if x is None or y is None:
            return
        try:
            self.taps = (self.taps + [self._trajectory(float(x), float(y))])[-5:]
        except NbbloxError as exc:
            self.ex.error = f"trajectory from ({x:.3g}, {y:.3g}): {exc}"
            return
        # a trajectory that leaves the window widens it (field and nullclines follow)
        _, _, tx, ty = self.taps[-1]
        if self.payload is not None and self.ex.last is not None:
            (x0, x1), (y0, y1) = self.payload["xr"], self.payload["yr"]
            if tx.min() < x0 or tx.max() > x1 or ty.min() < y0 or ty.max() > y1:
                taps = self.taps
                self.payload = dict(self.prepare(self.ex.last), taps=taps)
                self.fixed = self.payload["fixed"]

    def clear(self):
        """Remove the clicked trajectories."""
        self.taps = []
        if self.payload is not None:
            self.pipe.send(self.payload)

    # -- drawing -------------------------------------------------------------------------
    def _render(self, data, x=None, y=None):
        self.renders += 1
        return self._element(self.payload if self.payload is not None else data)

    def _element(self, data):
        look = dict(units=tuple(state_unit(self.ex.system, v) for v in self.xy),
                    docs=tuple(state_doc(self.ex.system, v) for v in self.xy),
                    title="phase plane (click to start a trajectory)", framewise=True,
                    label_px=170)       # live_look's 380 px less title, x axis, legend
        if data is None:
            return live_look(phase_portrait(*self.xy, **look))
        if data["message"]:
            look["title"] = literal(f"phase plane: {data['message']}"[:120])
        return live_look(phase_portrait(
            *self.xy, grid=data["grid"], x_lines=data["xl"], y_lines=data["yl"],
            fixed=self.fixed, runs=[np.column_stack(data["traj"])],
            clicked=[np.column_stack([a, b]) for _, _, a, b in self.taps],
            xlim=data["xr"], ylim=data["yr"], **look))

    def panel(self):
        pane = view_pane(self.dmap)
        self._panes.append(pane)
        return pane


