"""Runs that can be interrupted, cancelled and bounded in time.

A numba kernel cannot be interrupted: Ctrl-C (and any Python-side check)
takes effect only when it returns.  So :func:`nbblox.simulate` drives a
long fixed-step run in chunks of about :data:`CHUNK_SECONDS` of wall time
(the first of :data:`CHUNK_STATE_STEPS` state updates, the next ones sized
from the speed measured so far, :func:`next_chunk`): each kernel call
goes on from the step the last one reached (their ``step0`` argument; a
paused run resumes bit for bit) -- ``run_<m>`` for a circuit without
spikes, delays, noise or callbacks (:func:`run_chunked`), the kernel a short
run of it uses, ``run_<m>_full`` for the others -- and between chunks it lets
Python handle Ctrl-C and checks the active :class:`RunControl`: a cancel event
(a dashboard's reset, a closed browser session) and a wall-clock deadline
(a served session's time budget).  Adaptive solvers check the same control
at every right-hand-side evaluation and stop after :data:`MAX_RHS_EVALS`.

The control is set with :func:`run_control` around the call (a ContextVar:
it follows the thread that runs the simulation), so no ``simulate``
argument changes.
"""
from __future__ import annotations

import contextlib
import contextvars
import threading
import time

from ..exceptions import RunCancelled, SimulationError

__all__ = ["RunControl", "run_control", "current_control", "CHUNK_STATE_STEPS",
           "CHUNK_SECONDS", "MAX_RHS_EVALS", "next_chunk", "run_chunked"]

#: state updates in the first chunk of a long fixed-step run (about 0.1 s of an
#: RK4 Hodgkin-Huxley kernel; a cheap LIF step is 20x faster, see :func:`next_chunk`)
CHUNK_STATE_STEPS = 2_000_000
#: wall seconds a chunk aims at: how long Ctrl-C or a cancel may wait
CHUNK_SECONDS = 0.1
#: right-hand-side evaluations an adaptive run may make before it is stopped
MAX_RHS_EVALS = 20_000_000

_current = contextvars.ContextVar("nbblox_run_control", default=None)


class RunControl:
    """What may stop a run between chunks: a cancel event and a deadline.

    Examples
    --------
    >>> c = RunControl(seconds=60)
    >>> c.check(0.0)             # nothing to stop
    >>> c.cancel(); c.check(12.5)
    Traceback (most recent call last):
    ...
    nbblox.exceptions.RunCancelled: the run was cancelled at t = 12.5 ms
    """

    def __init__(self, cancel=None, seconds=None, why="the run was cancelled", go=None):
        self.event = cancel if cancel is not None else threading.Event()
        self.go = go          # while clear, check() waits (a background job giving way)
        self.seconds = seconds
        self.deadline = None if seconds is None else time.monotonic() + float(seconds)
        self.why = why

    def cancel(self):
        self.event.set()

    def check(self, t):
        """Raise :class:`RunCancelled` if the run must stop now (at time ``t``, ms);
        wait here while ``go`` is clear."""
        while self.go is not None and not self.go.is_set() and not self.event.is_set():
            self.go.wait(0.05)
        if self.event.is_set():
            raise RunCancelled(f"{self.why} at t = {t:.6g} ms")
        if self.deadline is not None and time.monotonic() > self.deadline:
            raise RunCancelled(f"the run took longer than its time budget of "
                               f"{self.seconds:g} s and was stopped at t = {t:.6g} ms; "
                               "shorten t_end or raise dt")


@contextlib.contextmanager
def run_control(cancel=None, seconds=None, why="the run was cancelled", go=None):
    """Simulations started inside the block stop between chunks when ``cancel``
    (a :class:`threading.Event`) is set or after ``seconds`` of wall time,
    raising :class:`~nbblox.exceptions.RunCancelled` (``.partial``: the run so far).
    While ``go`` (a :class:`threading.Event`, optional) is clear they wait
    between chunks: a background job gives the interpreter to the foreground.

    Examples
    --------
    >>> import threading, nbblox as nb
    >>> stop = threading.Event(); stop.set()
    >>> with run_control(cancel=stop):
    ...     nb.simulate(nb.blox.FitzHughNagumo(name="f"), 1e5, dt=0.01, stride=100)
    Traceback (most recent call last):
    ...
    nbblox.exceptions.RunCancelled: the run was cancelled at t = ... ms
    """
    token = _current.set(RunControl(cancel, seconds, why, go))
    try:
        yield _current.get()
    finally:
        _current.reset(token)


def current_control():
    """The :class:`RunControl` of the calling thread, or None."""
    return _current.get()


def chunk_steps(n_states):
    """Steps in the first chunk for a system of ``n_states`` states."""
    return max(1, CHUNK_STATE_STEPS // max(1, int(n_states)))


def next_chunk(steps, seconds, last, first):
    """Steps in the next chunk after one of ``last`` steps that ran ``steps``
    steps in ``seconds`` of wall time: as many as take :data:`CHUNK_SECONDS`
    at that speed, at most 4x ``last``, never fewer than ``first`` (the
    :func:`chunk_steps` guess; chunks only grow, so a run never pays more
    kernel calls than with fixed chunks).  With fixed chunks the W3 COBA
    network (12 000 states, a step of ~7 us) made 62 kernel calls per second
    simulated, ~20 % of its run time in the calls' fixed cost.

    Examples
    --------
    >>> next_chunk(166, 0.001, 166, 166)     # 1 ms for 166 steps: grow, by 4x at most
    664
    >>> next_chunk(664, 0.004, 664, 166)     # 16 600 steps would take 0.1 s
    2656
    >>> next_chunk(2656, 0.01, 2656, 166)
    10624
    >>> next_chunk(10624, 0.5, 10624, 166)  # slower now (load): shrink, not below first
    2124
    >>> next_chunk(0, 0.0, 100, 100)        # nothing ran: keep the length
    100
    """
    if steps <= 0:
        return last
    want = int(steps * CHUNK_SECONDS / seconds) if seconds > 0 else 4 * last
    return max(first, min(want, 4 * last))


def run_chunked(call, nsteps, first, control, t0, dt):
    """Steps 0 to ``nsteps`` of a fixed-step kernel in chunks: ``call(step0,
    stop)`` runs steps ``step0`` to ``stop - 1`` and returns ``(step reached,
    status, samples)`` (status -1: no error), as ``run_<m>`` does; the first
    chunk is ``first`` steps, the next ones :func:`next_chunk`'s.  Between
    chunks Python handles Ctrl-C and ``control`` (a :class:`RunControl` or
    None) may stop the run.  Returns ``(step, status, samples, error)``, the
    error a stopped run's :class:`~nbblox.exceptions.RunCancelled` (else None).

    Examples
    --------
    >>> steps = []
    >>> def call(a, b):
    ...     steps.append((a, b)); return b, -1, b + 1
    >>> run_chunked(call, 1000, 100, None, 0.0, 0.1)
    (1000, -1, 1001, None)
    >>> steps[:2]
    [(0, 100), (100, 500)]
    """
    step, chunk = 0, first
    while True:
        stop = min(nsteps, step + chunk)
        begun, clock = step, time.perf_counter()
        step, status, j = call(step, stop)
        chunk = next_chunk(step - begun, time.perf_counter() - clock, chunk, first)
        if status != -1 or step >= nsteps:
            return step, status, j, None
        if control is not None:
            try:
                control.check(t0 + step * dt)
            except SimulationError as exc:
                return step, status, j, exc


def counted_rhs(fun, method):
    """``fun`` for an adaptive solver, stopped by the active control and after
    :data:`MAX_RHS_EVALS` evaluations (an adaptive step has no ceiling of its own)."""
    control = current_control()
    count = [0]

    def wrapped(t, y):
        count[0] += 1
        if count[0] % 256 == 0:
            if control is not None:
                control.check(t)
            if count[0] > MAX_RHS_EVALS:
                raise SimulationError(
                    f"{method} made more than {MAX_RHS_EVALS:.0e} right-hand-side evaluations "
                    f"and reached only t = {t:.6g} ms; the problem may be stiff (try "
                    "method='BDF') or the run too long")
        return fun(t, y)
    return wrapped
