"""The explorer's bifurcation view: the equilibrium branch of one parameter
(:func:`nbblox.continuation`), the limit-cycle envelope from its first Hopf
point, and a cursor at the current value.  The branch is continued again only
when another parameter changed; moving the continued parameter moves the cursor.
The equilibria are continued with the run (tens of ms); the limit cycles
(a second or more) in a background worker (:mod:`.background`), drawn when
they arrive unless the slider moved again meanwhile.
"""
from __future__ import annotations

import asyncio
import threading
import time

import numpy as np

from ...analysis.equilibria import continuation
from ...exceptions import NbbloxError
from .background import LatestJob
from .common import in_panel_server
from .views import literal, live_look, view_pane

__all__ = ["BifurcationView"]

#: the view's data area (px) that special-point labels are laid out for: ~470 x 185
#: in JupyterLab at 1400 px with the file browser open (a title, the axis and a legend
#: of three rows take the rest of its 380 px); the width a narrower column leaves
FRAME_PX = (400, 180)


def _owner():
    """(Bokeh document, event loop) that owns the plot: a served session's
    document, else the running loop of a kernel, else neither."""
    if in_panel_server():
        import panel as pn
        if pn.state.curdoc is not None:
            return pn.state.curdoc, None
    try:
        return None, asyncio.get_running_loop()
    except RuntimeError:
        return None, None


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
        self.pending = False        # the limit cycles of the current parameters are coming
        self.worker = LatestJob(f"nbblox-cycles-{name}", go=ex._quiet)
        self._ready, self._ready_lock = None, threading.Lock()
        self._where, self._data, self._run, self._cycles_ms = (None, None), None, 0, float("nan")
        self.timings = []   # per cycle branch drawn: run number, compute ms, wall time drawn
        self.y = ex.vars[0]
        self.renders = 0            # diagrams built (_render calls)
        self.cursor_patches = 0     # moves shown by moving the cursor in place
        self.redraws = 0            # new diagrams written into the drawn glyphs in place
        self._els = {}              # "equilibria"/"cycles": (branch, family, {alpha: elements})
        self._cursor = None
        self._deferred = None       # the first run's cycle job, until the cell has ended
        self._panes = []            # the panes made by panel() (patched in a notebook)
        self.pipe = hv.streams.Pipe(data=None)
        self.dmap = hv.DynamicMap(self._render, streams=[self.pipe])

    def prepare(self, sol):
        """Continue the equilibrium branch again only when another parameter
        changed (may run in a worker thread); the cursor is the run's value.
        The limit cycles are left to the background worker (see ``send``)."""
        params = sol.params
        out = {"value": params[self.param], "run": self.ex.n_runs + 1}
        others = {k: v for k, v in params.items() if k != self.param}
        # the connection weights are part of the dynamics too (a weight slider
        # moved: continue again)
        key = (tuple(sorted(others.items())), tuple(sorted(self.ex._weights.applied.items())))
        if key == self._key:
            return out
        branch, message = None, ""
        try:
            # the branch starts at the range's low end: the model's default value of the
            # parameter may lie outside the range the view was asked for
            start = dict(others, **{self.param: min(self.range)})
            branch = continuation(self.ex.system, self.param, self.range, params=start)
        except (NbbloxError, ValueError, np.linalg.LinAlgError) as exc:
            message = f"continuation failed: {exc}"
        hopf = [sp for sp in (branch.special_points if branch is not None else ())
                if sp.kind == "H"]
        return dict(out, branch=branch, message=message, key=key,
                    hopf=hopf[0] if hopf else None)

    def send(self, payload):
        """Show a payload made by ``prepare`` (on the thread that owns the
        plot).  A new equilibrium branch with a Hopf point sends its limit
        cycles to the background worker; until they arrive the old envelope
        is drawn faded with a note in the title."""
        if "key" in payload:
            self.branch, self.message, self._key = (payload["branch"], payload["message"],
                                                    payload["key"])
            hopf = payload["hopf"]
            self._deferred = None
            if hopf is None:
                self.worker.discard()
                self.cycles, self.pending = None, False
            else:
                self.pending = True
                self._where, self._run = _owner(), payload["run"]
                job, loop = (lambda: self._continue_cycles(hopf)), self._where[1]
                if loop is not None and not self._panes:
                    # the explorer's first run in a kernel: the cycles start when the cell
                    # has ended, so the displayed views are built first (the thread's
                    # imports and continuation took the interpreter lock from them)
                    self._deferred = job
                    loop.call_soon(self._submit_deferred)
                else:
                    self.worker.submit(job, self._arrived)
        self._data = {"value": payload["value"], "run": payload["run"]}
        if self._patch(self._data) if "key" not in payload else self._redraw(self._data):
            return
        self.pipe.send(self._data)

    def _submit_deferred(self):
        job, self._deferred = self._deferred, None
        if job is not None:
            self.worker.submit(job, self._arrived)

    def _patch(self, data):
        """Only the cursor moved: move it in the rendered notebook plots (the
        branches stay as drawn, see :func:`.redraw.patch_cursor`); False if the
        view must be re-rendered."""
        from .redraw import patch_cursor
        title = self._title(data["value"])
        # every pane or none: a pane left out would keep the old cursor
        if not self._panes or not all(patch_cursor(p, data["value"], title)
                                      for p in self._panes):
            return False
        self._drawn(data)
        self.cursor_patches += 1
        return True

    def _redraw(self, data):
        """A new diagram (a new branch, or the cycles arrived) with the same
        layers as the drawn one: write it into the rendered notebook plots
        (data, faded alpha, axes, title; see :func:`.redraw.patch_layers`)
        instead of rendering; False if the view must be rendered."""
        from .redraw import patch_layers
        if not self._panes:
            return False
        v = data["value"]
        # the figure's options (size, legend, title) are drawn already: options on an
        # Overlay walk every layer (~2/3 of building it); the title text is set directly
        overlay, title = self._overlay(v, look=False), self._title(v)
        if not all(patch_layers(p, overlay, title) for p in self._panes):
            return False
        self._drawn(data)
        self.redraws += 1
        return True

    def _drawn(self, data):
        self.pipe.update(data=data)        # the rendered plot already shows it
        self.pipe._memoize_counter += 1    # a later render must not reuse a cached frame

    def _title(self, v):
        notes = [self.message] + (["computing the limit-cycle branch…"] if self.pending else [])
        return " — ".join([f"{self.param} = {v:.4g}"] + [n for n in notes if n])

    def update(self, sol):
        """Recompute (if needed) and move the cursor for a run."""
        self._apply_ready()     # cycles that arrived with nothing to hand them to
        self.send(self.prepare(sol))

    def _continue_cycles(self, hopf):
        # the limit cycles born at the first Hopf point: their envelope is the
        # amplitude of the oscillation a student sees in the time series
        t0 = time.perf_counter()
        branch = continuation(self.ex.system, self.param, self.range, start=hopf)
        self._cycles_ms = 1e3 * (time.perf_counter() - t0)
        return branch

    def _arrived(self, gen, result):
        """In the worker: hand the branch to the plot's own thread."""
        with self._ready_lock:
            self._ready = (gen, result)
        doc, loop = self._where
        if doc is not None:
            doc.add_next_tick_callback(self._apply_ready)
        elif loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(self._apply_ready)
        # else a script or a test: nothing owns the plot, and drawing from this thread
        # raced a render on the caller's (HoloViews iterates the DynamicMap's cache
        # while the Pipe adds to it: "dictionary keys changed during iteration");
        # the caller's next update() or wait() shows the branch

    def _apply_ready(self):
        with self._ready_lock:
            ready, self._ready = self._ready, None
        if ready is None or not self.worker.current(ready[0]):
            return      # already shown, or the slider moved again meanwhile
        result = ready[1]
        if isinstance(result, (NbbloxError, ValueError, np.linalg.LinAlgError, RuntimeError)):
            self.cycles, self.message = None, f"limit cycles not continued: {result}"
        elif isinstance(result, Exception):
            self.cycles, self.message = None, f"limit cycles not continued: " \
                                              f"{type(result).__name__}: {result}"
        else:
            self.cycles = result
        self.pending = False
        from .push import batched
        # not part of a slider's flush: what is drawn in place must be sent to the page
        # here (a render through the Pipe sends itself), in one message per display
        with batched(getattr(self.ex, "layout", None)):
            if not self._redraw(self._data):
                self.pipe.send(self._data)
        if self.cycles is not None:     # the next move draws them faded: build that now
            self._elements(self.cycles, 0.3)
        self.timings.append({"move": self._run, "cycles_ms": self._cycles_ms,
                             "drawn_wall": time.time()})

    def wait(self, timeout=None):
        """Block until the limit-cycle branch of the current parameters is
        drawn (or failed); False on timeout.  For scripts and tests: a slider
        never waits."""
        self._submit_deferred()
        if not self.worker.wait(timeout):
            return False
        self._apply_ready()
        return not self.pending

    def _elements(self, branch, alpha=None):
        """The HoloViews elements of ``branch`` (drawn at ``alpha`` if given),
        built once while they are shown: a move that continues the equilibria
        again draws the same (faded) cycles.  The special points' labels are
        laid out with the other branch drawn (the cycles' lines are known only
        when they arrive: the equilibria's "H" was put on the cycle branch), so
        the cycles' arrival gives the equilibria new labels and leader lines,
        and keeps their lines and markers as drawn."""
        import holoviews as hv
        from ...viz.bifurcation import branch_elements
        which = "cycles" if branch.period is not None else "equilibria"
        family = [b for b in (self.branch, self.cycles) if b is not None]
        if not any(b is branch for b in family):
            family = [branch]
        was = self._els.get(which)
        if was is None or was[0] is not branch or len(was[1]) != len(family) or \
                any(a is not b for a, b in zip(was[1], family)):
            els = branch_elements(branch, y=self.y, framewise=True, frame_px=FRAME_PX,
                                  family=family)
            if was is not None and was[0] is branch:    # lines and markers as drawn
                els = [old if not isinstance(new, (hv.Labels, hv.Segments)) else new
                       for old, new in zip(was[2][None], els)]
            self._els[which] = (branch, family, {None: els})
        kept = self._els[which][2]
        if alpha not in kept:
            kept[alpha] = [e.opts(backend="bokeh", clone=True,
                                  **({"text_alpha": alpha} if isinstance(e, hv.Labels)
                                     else {"alpha": alpha})) for e in kept[None]]
        return kept[alpha]

    def _overlay(self, v, look=True):
        """The diagram at cursor value ``v``: the equilibria, the cycles'
        envelope (faded while the new one is computed) and the cursor; with
        the figure's options (``look``) for a render."""
        import holoviews as hv
        from ...viz.phaseplane import param_label
        from ...viz.style import PLAIN, SPECIAL
        els = []
        if self.branch is not None:
            els += self._elements(self.branch)
        if self.cycles is not None:
            # the previous parameters' envelope is faded until the new one comes; the
            # alpha is always given, or the drawn glyphs kept the faded one
            els += self._elements(self.cycles, 0.3 if self.pending else 1.0)
        if not els:
            els = [hv.Curve([], hv.Dimension(self.param, label=param_label(self.ex.system,
                                                                            self.param)),
                            self.y, datatype=PLAIN)]
        if self._cursor is None:
            self._cursor = hv.VLine(v, label="current value").opts(
                backend="bokeh", color=SPECIAL["H"], line_dash="dotted", line_width=2)
        cursor = self._cursor.clone(v)      # the options stay (no option tree built again)
        if not look:
            return hv.Overlay(els + [cursor])
        return live_look(hv.Overlay(els + [cursor]).opts(backend="bokeh",
                                                     title=literal(self._title(v)),
                                                     show_legend=True, framewise=True))

    def _render(self, data):
        self.renders += 1
        return self._overlay(data["value"] if data else self.ex.params[self.param])

    def panel(self):
        pane = view_pane(self.dmap)
        self._panes.append(pane)
        return pane


