"""A run of the explorer in two halves, and the explorer's own ``simulate``.

``_compute`` simulates, decimates and prepares each linked view's payload; it
touches no plot, so a served app runs it in a worker thread while other
sessions go on (numba kernels release the GIL).  ``_publish`` pushes the
payloads into the Pipes on the thread that owns the document.

:class:`Runs` is a mixin of :class:`~nbblox.ui.explore.explorer.Explorer`
on top of :class:`~nbblox.ui.explore.queue.RunQueue` (which decides *when*
to run); the Explorer supplies the settings, views and panes it reads
(``system``, ``vars``, ``_views``, ``_ts_panes``, ``pipe`` ...).
"""
from __future__ import annotations

import logging
import math
import time

import numpy as np

from ...exceptions import NbbloxError, SimulationError
from ...sim import simulate
from ...sim.simulate import FIXED_METHODS
from ...viz.timeseries import downsample
from .common import MAX_RECORDED, MAX_STEPS
from .queue import RunQueue

__all__ = ["Runs"]

log = logging.getLogger("nbblox.explore")


class Runs(RunQueue):
    """Simulate, decimate and show: what a queued job becomes."""

    def _stride(self, t_end=None, dt=None, method=None):
        t_end, dt = t_end or self.t_end, dt or self.dt
        n = t_end / dt if (method or self.method) in FIXED_METHODS else 0
        return max(1, int(np.ceil(n / MAX_RECORDED))) if n else 1

    def simulate(self, params=None, x0=None, t_end=None, record=None):
        """One run of the explored System with the current settings."""
        p = dict(self.params, **(params or {}))
        t_end = self.t_end if t_end is None else t_end
        with self._budget():
            return simulate(self.system, t_end, dt=self.dt, method=self.method, params=p,
                            x0=x0, record=record or self._record, stride=self._stride(t_end),
                            seed=self.seed)

    def _compute(self, job):
        """Simulate ``job`` = (params, t_end, dt, method, weights), decimate, and
        prepare every linked view's payload.  Draws nothing (safe in a worker
        thread); errors come back as a message, never raised."""
        params, t_end, dt, method, weights = job
        t0 = time.perf_counter()
        try:
            self._weights.apply(self.system, weights)   # no-op unless a weight moved
            if not (math.isfinite(t_end) and math.isfinite(dt)) or dt <= 0 or t_end <= 0:
                raise SimulationError(f"t_end and dt must be positive numbers "
                                      f"(t_end={t_end}, dt={dt})")
            if method in FIXED_METHODS and t_end / dt > MAX_STEPS:
                raise SimulationError(f"{t_end / dt:.3g} steps is more than explore runs "
                                      f"({MAX_STEPS:.0e}); raise dt or shorten t_end")
            with self._budget():
                sol = simulate(self.system, t_end, dt=dt, method=method, params=params,
                               record=self._record, stride=self._stride(t_end, dt, method),
                               seed=self.seed)
            Y = np.vstack([sol[v] for v in self.vars])
            t, Yd = downsample(sol.t, Y, self.max_points)
            t1 = time.perf_counter()
            payloads = [v.prepare(sol) for v in self._views]
        except NbbloxError as exc:
            return {"error": f"{type(exc).__name__}: {exc}", "t0": t0}
        except Exception as exc:  # a bug must reach the page, not kill a served session
            log.warning("explore run failed: %s: %s", type(exc).__name__, exc)
            return {"error": f"{type(exc).__name__}: {exc}", "t0": t0}
        return {"sol": sol, "t": t, "columns": dict(zip(self.vars, Yd)), "payloads": payloads,
                "method": method,   # as the menu names it ("em"; info holds "euler")
                "t0": t0, "start_wall": time.time() - (time.perf_counter() - t0),
                "simulate_ms": 1e3 * (t1 - t0),
                "views_ms": 1e3 * (time.perf_counter() - t1)}

    def _publish(self, res):
        """Show a ``_compute`` result: push the data into every view (in a
        notebook as one message per display, see :mod:`.push`)."""
        from .push import batched
        t1, n = time.perf_counter(), len(self.timings)
        try:
            with batched(getattr(self, "layout", None) if self._ts_panes else None):
                ok = self._publish_now(res)
        except Exception as exc:
            # e.g. Panel refusing to patch a layout displayed in two documents
            # (VS Code): whatever went out stays; a display that cannot be
            # patched must not end the flush and strand newer slider values
            log.warning("explore: plots or status line not updated: %s: %s",
                        type(exc).__name__, exc)
            ok = False
        if len(self.timings) > n:   # a good run: time to the message leaving the kernel
            self.timings[-1].update(push_ms=1e3 * (time.perf_counter() - t1),
                                    sent_wall=time.time())
        self._recv = None
        return ok

    def _publish_now(self, res):
        from .push import patch_timeseries
        self.runs += 1
        if "error" in res:
            self.error = res["error"]
        else:
            sol = res["sol"]
            self.error = None
            self.last, self._last_method = sol, res.get("method")
            self.n_runs += 1
            data = {"t": res["t"], "columns": res["columns"], "params": dict(sol.params),
                    "run": self.n_runs}
            cols = res["columns"]
            if self._ts_panes and all(
                    patch_timeseries([pane], res["t"], {n: cols[n] for n in names}, self._labels)
                    for pane, names in self._ts_panes):
                self.pipe.update(data=data)     # the rendered plot already holds it
                self.pipe._memoize_counter += 1  # a later render must not reuse a cached frame
            else:
                self.pipe.send(data)
            self.run_pipe.send(self.n_runs)
            for view, payload in zip(self._views, res["payloads"]):
                view.send(payload)
            for listen in self._listeners:
                listen(sol)
            self.timings.append({"simulate_ms": res["simulate_ms"], "views_ms": res["views_ms"],
                                 "recv_wall": self._recv, "start_wall": res["start_wall"]})
        if getattr(self, "controls", None) is not None:
            self.controls.show_status()
        return self.error is None
