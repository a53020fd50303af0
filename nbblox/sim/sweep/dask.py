"""Dask backend of :func:`nbblox.sweep`: every chunk of parameter sets is one
task on a ``dask.distributed`` cluster.

A task carries the circuit as JSON (re-parsed and compiled on the worker,
once per worker process), the chunk's parameter and initial-state rows, and
the measure spec; it integrates the rows with the CPU kernels in one thread
and sends back only the measures.  Chunks are collected as they finish, so
if the client loses its cluster mid-sweep the finished chunks are kept: the
:class:`~nbblox.exceptions.SimulationError` says which parameter sets are
missing and carries the partial Dataset in ``.partial``.
"""
from __future__ import annotations

import hashlib
import threading
import uuid

import numpy as np

from ..._text import counted
from ...exceptions import NbbloxError, SimulationError

__all__ = ["run_dask"]

_systems = {}
_lock = threading.Lock()


def _worker_system(circuit_json, param_names, state_names):
    key = hashlib.sha256(circuit_json.encode()).hexdigest()
    with _lock:
        system = _systems.get(key)
        if system is None:
            from ...compile.system import compile
            from ...model.circuit import Circuit
            system = _systems[key] = compile(Circuit.from_json(circuit_json))
    if system.param_names != param_names or system.state_names != state_names:
        raise SimulationError("the worker compiled a different layout of this circuit "
                              "(are client and workers on the same nbblox version?)")
    return system


def _task(circuit_json, param_names, state_names, W, method, X, P, t0, dt, nsteps,
          stride, rec, spec, seeds=None, fastmath=False):
    """One chunk, on a worker: integrate serially and reduce to measures."""
    from .reduce import reduce_chunk
    from .cpu import run_chunk
    system = _worker_system(circuit_json, param_names, state_names)
    if fastmath:   # the client's fastmath= (nb.sweep)
        from ...compile.kernels import with_fastmath
        system = with_fastmath(system, True)
    W = np.ascontiguousarray(W, dtype=np.float64)
    if W.ndim != 2 or W.shape[1] != system.weights.shape[0]:
        raise SimulationError("weights do not match the worker's circuit")
    X = np.ascontiguousarray(X, dtype=np.float64)
    P = np.ascontiguousarray(P, dtype=np.float64)
    out_t, out_x, steps, bad, _ = run_chunk(system, method, X, P, t0, dt, nsteps, stride,
                                            np.ascontiguousarray(rec, dtype=np.int64),
                                            W=W, parallel=False, seeds=seeds)
    return reduce_chunk(dict(spec, P=P), out_t, out_x, X, steps, bad, None, threads=1)


def _lost(exc):
    """True when ``exc`` means the cluster went away (not a bug in the task)."""
    import asyncio
    names = {"CommClosedError", "CancelledError", "FutureCancelledError", "KilledWorker",
             "StreamClosedError", "TimeoutError"}
    return (isinstance(exc, (OSError, asyncio.CancelledError, asyncio.TimeoutError,
                             TimeoutError))
            or type(exc).__name__ in names)


def run_dask(client, job, tick, make_partial):
    """Submit every chunk to ``client``; return ``{chunk index: measures}``."""
    from distributed import as_completed
    system = job["system"]
    circuit_json = system.circuit.to_json()
    chunks = job["chunks"]
    parts, futures = {}, {}
    try:
        tag = uuid.uuid4().hex[:12]
        for c, (a, b) in enumerate(chunks):
            f = client.submit(_task, circuit_json, system.param_names, system.state_names,
                              job["W"][a:b], job["method"], job["X"][a:b], job["P"][a:b],
                              job["t0"], job["dt"], job["nsteps"], job["stride"], job["rec"],
                              job["spec"],
                              None if job["seeds"] is None else job["seeds"][a:b],
                              bool(system.fastmath), pure=False, key=f"nbblox-sweep-{tag}-{c}")
            futures[f.key] = (c, f)
        for f in as_completed([f for _, f in futures.values()]):
            c, _ = futures[f.key]
            parts[c] = f.result()
            tick(chunks[c][1] - chunks[c][0])
    except NbbloxError:
        raise
    except Exception as exc:  # noqa: BLE001 - only cluster loss is turned into partial
        if not _lost(exc) and getattr(client, "status", "running") == "running":
            raise
        missing = [c for c in range(len(chunks)) if c not in parts]
        spans = ", ".join(f"{chunks[c][0]}-{chunks[c][1] - 1}" for c in missing[:10])
        more = " ..." if len(missing) > 10 else ""
        err = SimulationError(
            f"the Dask cluster was lost during the sweep ({type(exc).__name__}: {exc}); "
            f"{len(parts)} of {counted(len(chunks), 'chunk')} finished and are kept in .partial "
            f"(missing chunks {missing[:10]}{more}: parameter sets {spans}{more}). "
            "Reconnect and rerun the missing sets.", partial=make_partial(parts))
        err.missing_chunks = missing
        err.missing_instances = [(chunks[c][0], chunks[c][1]) for c in missing]
        raise err from exc
    return parts
