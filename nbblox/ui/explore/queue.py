"""How slider moves become runs: the latest value per name wins, a burst of
moves collapses into one run, and a served session simulates in a worker
thread while the others go on.

:class:`RunQueue` is a mixin of :class:`~nbblox.ui.explore.explorer.Explorer`
(through :class:`~nbblox.ui.explore.runs.Runs`); it owns the pending values,
the lock and the cancel event.  The Explorer supplies ``_clean`` (names and
values checked); ``Runs`` supplies ``_compute`` (a run, drawing nothing) and
``_publish`` (the run shown).
"""
from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import time

from ...exceptions import ParameterError, suggest
from ...limits import limited_memory
from ...sim.control import run_control
from .common import as_number, in_panel_server

__all__ = ["RunQueue"]

log = logging.getLogger("nbblox.explore")
RUN_SETTINGS = ("t_end", "dt", "method")


class RunQueue:
    """Pending slider values and the flush that turns them into runs."""

    def _init_queue(self):
        self._pending, self._scheduled, self._busy, self._syncing = {}, False, False, False
        # ipykernel >= 7 delivers widget (comm) messages on subshell threads, so a
        # slider request can arrive while the main thread is mid-flush: the lock
        # makes "pending?" and "done" one step, or a value could be stranded
        self._lock = threading.RLock()
        self._cancel = threading.Event()     # the running job's; set() stops it between chunks
        # clear while a slider move is handled: background jobs (the bifurcation view's
        # limit cycles) wait at their next step and leave the interpreter to the move
        self._quiet = threading.Event()
        self._quiet.set()
        self._changed = None      # the parameter moved last (named in the status line)
        self._recv = None         # wall time of the first request not yet shown (bench/latency)

    def set(self, values=None, **run):
        """Set parameters (and optionally ``t_end``, ``dt``, ``method``) exactly
        as the sliders would, re-simulate, and return once every view holds
        the new data.

        Returns
        -------
        Solution
            The run now shown (the previous one if this run failed; see
            ``error``).

        Examples
        --------
        >>> import nbblox as nb
        >>> ex = nb.explore(nb.blox.FitzHughNagumo(name="fhn"), t_end=50.0)
        >>> float(ex.set({"fhn.I": 0.5}, t_end=80.0).t[-1])
        80.0
        """
        clean = self._clean(values or {})
        for k in run:
            if k not in RUN_SETTINGS:
                raise ParameterError(f"explorer.set: unknown setting '{k}'."
                                     + suggest(k, list(RUN_SETTINGS)))
        with self._lock:
            self._pending.update(clean)
            self._apply_run_settings(run)
        if getattr(self, "controls", None) is not None:
            self.controls.sync(clean, run)
        self._flush()
        return self.last

    def _apply_run_settings(self, run):
        # an emptied number box sends None: the run reports it, nothing raises here
        if "t_end" in run:
            self.t_end = as_number(run["t_end"])
        if "dt" in run:
            self.dt = as_number(run["dt"])
        if "method" in run:
            self.method = str(run["method"])
        if run:
            self._pending.setdefault("__run__", True)

    def request(self, values=None, **run):
        """What a slider calls: queue the change and flush soon.

        Inside a running event loop (a Jupyter kernel, a Panel server) the
        flush is scheduled once, so a burst of slider messages collapses into
        one run with the latest values; no event is dropped because the
        pending dict holds the latest value per name.  In a Panel server the
        simulation runs in a worker thread (``pn.state.execute``), so one
        session's run does not stall the others.
        """
        clean = self._clean(values or {})
        with self._lock:
            self._recv = self._recv or time.time()   # wall clock: the bench lines it up with the page's
            self._pending.update(clean)
            self._apply_run_settings(run)
            log.debug("request %s (scheduled=%s busy=%s)", values or run, self._scheduled,
                      self._busy)
            if self._busy and self._served:
                # served: the running result would be dropped as overtaken; stop it now
                self.cancel()
            if self._scheduled:
                return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            loop = None
        if loop is None or self._busy:
            self._flush()
            return
        self._scheduled = True
        self._quiet.clear()      # background jobs give way from now (set again by the flush)
        if in_panel_server():
            import panel as pn
            self.controls.show_status(running=True)
            pn.state.execute(self._flush_async)
        else:
            loop.call_soon(self._flush)

    def _take(self):
        """Move the pending values into ``params``; the job of the next run.
        Called with the lock held."""
        pend, self._pending = self._pending, {}
        pend.pop("__run__", None)
        if pend:
            self._changed = list(pend)[-1]
        for k in [k for k in pend if k in self._weights]:
            self._weights.values[k] = pend.pop(k)
        self.params.update(pend)
        return dict(self.params), self.t_end, self.dt, self.method, dict(self._weights.values)

    def _next_job(self):
        """The next run's job, or None after marking the flush done (one step
        under the lock, so a request landing now is either taken here or
        starts its own flush)."""
        with self._lock:
            if self._pending:
                return self._take()
            self._busy = self._scheduled = False
            return None

    def _flush(self):
        with self._lock:
            self._scheduled = False
            if self._busy:
                return  # the running flush loops until nothing is pending
            self._busy = True
            self._quiet.clear()
        try:
            while (job := self._next_job()) is not None:
                self._publish(self._compute(job))
        finally:
            with self._lock:
                self._busy = False
                self._quiet.set()

    async def _flush_async(self):
        loop = asyncio.get_running_loop()
        with self._lock:
            self._busy = True
            self._quiet.clear()
        try:
            while (job := self._next_job()) is not None:
                result = await loop.run_in_executor(None, self._compute, job)
                with self._lock:
                    newer = bool(self._pending)
                if not newer:      # only the latest values reach the browser
                    self._publish(result)
                    log.debug("published run %d", self.runs)
        finally:
            with self._lock:
                self._busy = self._scheduled = False
                self._quiet.set()

    def _update(self):
        with self._lock:
            job = self._take()
        return self._publish(self._compute(job))

    def reset(self):
        """Back to the starting parameters and run settings (a running
        simulation is cancelled first)."""
        self.cancel()
        t_end, dt, method = self._start_run
        return self.set(dict(self._start), t_end=t_end, dt=dt, method=method)

    def _budget(self):
        """Memory budget and a fresh cancel event + time budget for one run."""
        stack = contextlib.ExitStack()
        if self.memory_mb:
            stack.enter_context(limited_memory(self.memory_mb))
        self._cancel = threading.Event()
        stack.enter_context(run_control(cancel=self._cancel, seconds=self.seconds))
        return stack

    def cancel(self, background=False):
        """Stop the running simulation at its next chunk (~0.1 s); it reports
        :class:`~nbblox.exceptions.RunCancelled` and the views keep the last good run.
        ``background=True`` also drops the bifurcation view's limit-cycle job
        (a closed session)."""
        self._cancel.set()
        if background and getattr(self, "bifurcation", None) is not None:
            self.bifurcation.worker.discard()
