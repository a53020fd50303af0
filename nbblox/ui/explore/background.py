"""Slow work off the slider's path: one worker thread that runs the latest
submitted job and drops the others.

The bifurcation view continues its limit-cycle branch (a second or more under
load) here, so a slider move answers with the time series, phase plane and
equilibrium branch at once.  A new submission cancels the running job at its
next continuation step (:func:`nbblox.sim.control.run_control`) and replaces
any queued one; a result is handed on only if no newer job was submitted
meanwhile.  While the explorer handles a slider move (its ``quiet`` event is
clear) the job waits at its next step: Python threads share one interpreter
lock, and a continuation running beside the move made it several times slower
(a notebook kernel's message handling gives the lock away at every socket
call).  The thread exists only while there is work (no idle thread per
explorer) and is a daemon, so it never holds a kernel or server open.
"""
from __future__ import annotations

import atexit
import logging
import threading
import weakref

from ...exceptions import RunCancelled
from ...sim.control import run_control

__all__ = ["LatestJob"]

log = logging.getLogger("nbblox.explore")
_live = weakref.WeakSet()      # workers that may have a thread (stopped at exit)


@atexit.register
def _stop_all():
    """At interpreter exit: cancel every job and let its thread end, so no
    daemon thread is cut off half-way through writing output."""
    workers = list(_live)
    for w in workers:
        w.discard()
    for w in workers:
        t = w._thread
        if t is not None:
            t.join(2.0)


class LatestJob:
    """At most one worker thread running the most recent job.

    Examples
    --------
    >>> got = []
    >>> w = LatestJob("demo")
    >>> gen = w.submit(lambda: 6 * 7, lambda g, r: got.append((g, r)))
    >>> w.wait(5.0), got == [(gen, 42)]
    (True, True)
    """

    def __init__(self, name="nbblox-background", go=None):
        self.name = name
        self.go = go                # while clear the job waits at its next step (see queue)
        self._lock = threading.Lock()
        self._gen = 0
        self._job = None            # (gen, fn, done) waiting for the worker
        self._thread = None         # the worker while there is work
        self._cancel = threading.Event()   # the running job's
        self._idle = threading.Event()
        self._idle.set()

    @property
    def busy(self):
        """True while a job is queued or running."""
        return not self._idle.is_set()

    def current(self, gen):
        """True if ``gen`` is the latest submission (its result is wanted)."""
        with self._lock:
            return gen == self._gen

    def submit(self, fn, done):
        """Run ``fn()`` in the worker, then ``done(gen, result)`` there if no newer
        job came meanwhile (``result`` is the exception if ``fn`` raised one).
        Returns ``gen``, the number of this submission."""
        with self._lock:
            self._gen += 1
            self._cancel.set()             # a running older job stops at its next step
            self._job = (self._gen, fn, done)
            self._idle.clear()
            if self._thread is None:
                _live.add(self)
                self._thread = threading.Thread(target=self._loop, name=self.name, daemon=True)
                self._thread.start()
            return self._gen

    def discard(self):
        """Drop the queued job and cancel the running one; nothing is delivered."""
        with self._lock:
            self._gen += 1
            self._job = None
            self._cancel.set()

    def wait(self, timeout=None):
        """Block until no job is queued or running; False on timeout."""
        return self._idle.wait(timeout)

    def _loop(self):
        while True:
            with self._lock:
                if self._job is None:
                    self._thread = None
                    self._idle.set()
                    return
                (gen, fn, done), self._job = self._job, None
                self._cancel = cancel = threading.Event()
            try:
                with run_control(cancel=cancel, why="superseded by a newer slider value",
                                 go=self.go):
                    result = fn()
            except RunCancelled:
                continue
            except Exception as exc:   # reported by done(); the worker goes on
                result = exc
            if self.current(gen):
                try:
                    done(gen, result)
                except Exception as exc:   # a display that cannot be updated
                    log.warning("explore: background result not shown: %s: %s",
                                type(exc).__name__, exc)
