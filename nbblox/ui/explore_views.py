"""Linked views of the explorer: phase plane (vector field, nullclines, fixed
points, the current run, click-to-start trajectories via a HoloViews Tap
stream), bifurcation diagram with a cursor at the current parameter value,
and the spike raster.  Each view owns a Pipe and redraws in place.

The phase plane uses ``nb.phase_plane`` (analysis/) when it exists and falls
back to its own grid evaluation of the compiled rhs otherwise.
"""
from __future__ import annotations

import holoviews.plotting.bokeh  # noqa: F401  (registers the bokeh options)
import numpy as np

from ..exceptions import NbbloxError, ParameterError

from .explorer import _resolve_state

__all__ = ["PhasePlaneView", "BifurcationView", "raster_view", "custom_view", "nullclines"]

def _nb():
    import nbblox
    return nbblox


def _analysis(name, module):
    """``nb.<name>`` if exported, else ``nbblox.analysis.<module>.<name>``, else None."""
    fn = getattr(_nb(), name, None)
    if fn is None:
        try:
            import importlib
            fn = getattr(importlib.import_module(f"nbblox.analysis.{module}"), name, None)
        except ImportError:
            fn = None
    return fn


def nullclines(system, x, y, xr, yr, params, base, n=48):
    """Vector field and nullclines on an ``n x n`` grid of the (x, y) plane,
    other states held at ``base``.  Returns (X, Y, U, V, x_lines, y_lines)."""
    from contourpy import contour_generator
    ix, iy = system.state_index(x), system.state_index(y)
    xs, ys = np.linspace(*xr, n), np.linspace(*yr, n)
    X, Y = np.meshgrid(xs, ys)
    U, V = np.empty_like(X), np.empty_like(X)
    p = system.param_vector(params)
    st = base.copy()
    with np.errstate(all="ignore"):
        for i in range(n):
            for j in range(n):
                st[ix], st[iy] = X[i, j], Y[i, j]
                d = system.rhs(st, 0.0, p)
                U[i, j], V[i, j] = d[ix], d[iy]

    def lines(Z):
        Z = np.where(np.isfinite(Z), Z, np.nan)
        return [seg for seg in contour_generator(xs, ys, Z).lines(0.0) if len(seg) > 1]
    return X, Y, U, V, lines(U), lines(V)


def _live(overlay, height=330):
    """A live view's look: fills its column (reflows on resize), fixed height,
    legend below the data (the width is not ours to spend)."""
    return overlay.opts(backend="bokeh", responsive=True, height=height, min_width=340,
                        frame_width=None, frame_height=None, legend_position="bottom",
                        legend_cols=2)


def _pane(dmap):
    import panel as pn
    return pn.pane.HoloViews(dmap, linked_axes=False, sizing_mode="stretch_width",
                             min_width=340, styles={"flex": "1 1 380px"})


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
        self.xy = [_resolve_state(s, v, "phase") for v in phase]
        self.pipe = hv.streams.Pipe(data=None)
        self.taps = []            # trajectories started by clicks: (x, y, t, xs, ys)
        self.fixed = []           # FixedPoint list at the current parameters
        # the Tap must be one of the DynamicMap's streams for Bokeh to get a tap tool;
        # its subscriber (precedence < 1) runs before the plot redraws
        self.tap = hv.streams.Tap(x=None, y=None, transient=True)
        self.tap.add_subscriber(self._on_tap, precedence=0.1)
        self.dmap = hv.DynamicMap(self._render, streams=[self.pipe, self.tap])
        self.payload = None

    # -- data --------------------------------------------------------------------------
    def _ranges(self, sol, fixed=()):
        """Window: the run, the fixed points and the clicked trajectories, with a
        margin of 40% of the span on each side (a trajectory started near the
        edge has room to move), at least +-max(1, |x|/4) wide, and growing only,
        so the picture does not jump with every slider move."""
        out = []
        for k, v in enumerate(self.xy):
            vals = [np.asarray(sol[v], float)]
            vals += [np.array([f.state[v]]) for f in fixed]
            vals += [np.asarray(tap[2 + k], float) for tap in self.taps]
            a = np.concatenate([x[np.isfinite(x)] for x in vals]) if vals else np.zeros(1)
            lo, hi = (float(a.min()), float(a.max())) if a.size else (0.0, 0.0)
            mid = 0.5 * (lo + hi)
            half = max(0.9 * (hi - lo), 1.0, 0.25 * abs(mid))
            lo, hi = mid - half, mid + half
            if self.payload is not None:
                old = self.payload["xr" if k == 0 else "yr"]
                lo, hi = min(lo, old[0]), max(hi, old[1])
            out.append((lo, hi))
        return out

    def prepare(self, sol):
        """Payload for ``send`` from a run (no drawing: may run in a worker
        thread).  Nullclines, fixed points and the clicked trajectories are
        recomputed at the run's parameters."""
        s, params = self.ex.system, sol.params
        xr, yr = self._ranges(sol, self.fixed)
        pp_fn = _analysis("phase_plane", "phaseplane")
        data, fixed = None, []
        if pp_fn is not None:
            try:
                pp = pp_fn(s, x=self.xy[0], y=self.xy[1], params=params, xlim=xr, ylim=yr,
                           resolution=self.grid, arrows=self.arrows)
                data = dict(X=pp.grid_x, Y=pp.grid_y, U=pp.u, V=pp.v, xl=pp.nullclines["x"],
                            yl=pp.nullclines["y"])
                fixed = list(pp.fixed_points)
            except (NbbloxError, ValueError, np.linalg.LinAlgError):
                data = None
        if data is None:  # no analysis module (or it failed): own grid evaluation
            X, Y, U, V, xl, yl = nullclines(s, *self.xy, xr, yr, params, s.initial_state(),
                                            self.grid)
            step = max(1, self.grid // self.arrows)
            data = dict(X=X[::step, ::step], Y=Y[::step, ::step], U=U[::step, ::step],
                        V=V[::step, ::step], xl=xl, yl=yl)
        # restart the clicked trajectories under the new parameters
        taps = [self._trajectory(x, y, params) for x, y, *_ in self.taps]
        from ..viz.timeseries import downsample
        _, T = downsample(sol.t, np.vstack([sol[v] for v in self.xy]), 3000)
        return dict(data, xr=xr, yr=yr, traj=T, fixed=fixed, taps=taps)

    def send(self, payload):
        """Show a payload made by ``prepare`` (on the thread that owns the plot)."""
        self.fixed, self.taps = payload["fixed"], payload["taps"]
        self.payload = payload
        self.pipe.send(payload)

    def update(self, sol):
        """Recompute and redraw for a run."""
        self.send(self.prepare(sol))

    def _trajectory(self, x, y, params=None):
        ex = self.ex
        sol = ex.simulate(params=params, x0={self.xy[0]: x, self.xy[1]: y}, record=self.xy)
        from ..viz.timeseries import downsample
        _, T = downsample(sol.t, np.vstack([sol[v] for v in self.xy]), 2000)
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
        from ..viz.phaseplane import phase_portrait
        from ..viz.units import state_unit
        data = self.payload if self.payload is not None else data
        look = dict(units=tuple(state_unit(self.ex.system, v) for v in self.xy),
                    title="phase plane (click to start a trajectory)", framewise=True)
        if data is None:
            return _live(phase_portrait(*self.xy, **look))
        return _live(phase_portrait(
            *self.xy, grid=(data["X"], data["Y"], data["U"], data["V"]), x_lines=data["xl"],
            y_lines=data["yl"], fixed=self.fixed, runs=[np.column_stack(data["traj"])],
            clicked=[np.column_stack([a, b]) for _, _, a, b in self.taps],
            xlim=data["xr"], ylim=data["yr"], **look))

    def panel(self):
        return _pane(self.dmap)


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
        cont = _analysis("continuation", "equilibria")
        if cont is None:
            return dict(out, branch=None, message="bifurcation view: nb.continuation is not "
                        "available", key=None)
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
            branch = cont(self.ex.system, self.param, self.range, params=start)
        except (NbbloxError, ValueError, np.linalg.LinAlgError) as exc:
            message = f"continuation failed: {exc}"
        hopf = [sp for sp in (branch.special_points if branch is not None else ())
                if sp.kind == "H"]
        if hopf:
            # the limit cycles born at the first Hopf point: their envelope is the
            # amplitude of the oscillation a student sees in the time series
            try:
                cycles = cont(self.ex.system, self.param, self.range, start=hopf[0])
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
        from ..viz.bifurcation import branch_elements
        from ..viz.phaseplane import param_label
        from ..viz.style import SPECIAL
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
        return _live(hv.Overlay(els + [cursor]).opts(backend="bokeh", title=_literal(title),
                                                     show_legend=True, framewise=True))

    def panel(self):
        return _pane(self.dmap)


def _literal(title):
    """HoloViews formats titles with str.format: braces in a message (a dict in an
    error text) must reach the page as braces, not raise KeyError while rendering."""
    return title.replace("{", "{{").replace("}", "}}")


def raster_view(ex):
    """Spike raster of the current run (empty for systems without spikes)."""
    import holoviews as hv
    from ..viz.raster import plot_raster

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
