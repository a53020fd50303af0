"""Seeded runs this process still holds, for a second caller asking for the same run.

A lesson's exercise checker computes its answer by simulating the lesson's model
(answers are computed, never stored).  When the lesson has just run that very
simulation, the checker would run it again: lesson 16's network is 3 s of CPU.
:func:`simulate_once` returns the Solution of an identical earlier run instead,
if the process still holds it, and simulates otherwise.

Identical means: a run of an equal circuit (``Circuit ==``: the same blox,
parameters, initial values, connection rules and connectivity seeds), with the
same method, dt, t0, t_end, stride, recorded states, backend and fast-math
setting, the same noise ``seed`` (given, not drawn), and starting from the same
numbers: the parameter vector, initial state and weights the run used are
compared with the circuit's (so a System whose weights or parameters were
changed in place after compiling is not taken for its circuit).  Runs with a
callback, sensitivities or recorded weights are not kept.

:func:`~nbblox.sim.simulate` notes each seeded run here by weak reference:
nothing is kept alive that the caller let go, and the memo costs no memory.
The Solution returned is the earlier run's object, to be read, not changed.
"""
from __future__ import annotations

import types
import weakref

import numpy as np

__all__ = ["remember", "recall", "simulate_once"]

#: how many runs are noted (weak references; the oldest is forgotten first)
KEPT = 8
_runs = []


def remember(sol):
    """Note a finished seeded run (by weak reference)."""
    _runs[:] = [r for r in _runs if r() is not None and r() is not sol][-(KEPT - 1):]
    _runs.append(weakref.ref(sol))


def _same_start(sol, params, weights):
    """Did ``sol`` start from the circuit's own numbers with these overrides?"""
    from .callbacks import initial_weights
    s, L, start = sol.system, sol.system.layout, sol.start
    p = s.params.copy()
    p.array[:] = L.p0
    for k, v in (params or {}).items():
        p[k] = v
    if s.param_dict(p.array) != sol.params:
        return False
    if not (np.array_equal(start["x0"], L.x0) and np.array_equal(start["edge_weights"], L.w0)):
        return False
    if weights is None:      # the layout's own weights: compared as they are, not copied
        return np.array_equal(start["synapse_weights"], L.syn_w0)   # (40 MB for lesson 16)
    pristine = types.SimpleNamespace(layout=L, synapse_weights=L.syn_w0)
    return np.array_equal(start["synapse_weights"], initial_weights(pristine, weights))


def recall(model, t_end, dt=0.01, method="rk4", *, params=None, record=None, stride=1,
           t0=0.0, seed=None, weights=None, fastmath=None):
    """The live Solution of an identical earlier seeded run of ``model``, or None.

    ``model`` is a Circuit or System; the arguments are :func:`~nbblox.sim.simulate`'s
    (fixed-step runs from the default initial state on the numba backend only).
    """
    from ..compile import schemes
    from ..compile.system import System
    from ..model.circuit import Circuit
    from .events import noise_seed
    scheme = schemes.get(str(method))
    if seed is None or scheme is None or not isinstance(model, (Circuit, System)):
        return None       # runs with noise or spikes take a fixed-step scheme
    want = {"method": scheme.name, "dt": float(dt), "t0": float(t0),
            "t_end": float(t_end), "stride": stride, "seed": noise_seed(seed),
            "backend": "numba"}
    for ref in reversed(_runs):
        sol = ref()
        if sol is None or sol.system is None or "stopped_at" in sol.info:
            continue
        s = sol.system
        if any(sol.info.get(k) != v for k, v in want.items()):
            continue
        if sol.info.get("fastmath") != (s.fastmath if fastmath is None and model is s
                                        else bool(fastmath)):
            continue
        if model is not s and not (isinstance(model, Circuit) and s.circuit == model):
            continue
        rec = (s.state_names if record is None else
               [s.state_names[i] for r in ([record] if isinstance(record, str) else record)
                for i in s.state_indices(r)])
        if list(rec) != sol.names or sol.start.get("callback") or \
                sol.start.get("record_weights") or not sol.start.get("learn"):
            continue
        if _same_start(sol, params, weights):
            return sol
    return None


def simulate_once(model, t_end, **kw):
    """:func:`recall` an identical seeded run, or :func:`~nbblox.sim.simulate` it.

    Examples
    --------
    >>> import nbblox as nb
    >>> from nbblox.sim.memo import simulate_once
    >>> def net():
    ...     pop = nb.Population(nb.blox.LIF, n=20, name="p", I=2.0)
    ...     c = nb.Circuit([pop], name="c")
    ...     c.connect(pop, pop, weight=0.1, on_pre="V += w", p=0.2, seed=3)
    ...     return c
    >>> sol = nb.simulate(net(), 50.0, dt=0.1, method="euler", seed=1)
    >>> simulate_once(net(), 50.0, dt=0.1, method="euler", seed=1) is sol
    True
    >>> simulate_once(net(), 50.0, dt=0.1, method="euler", seed=2) is sol
    False
    """
    from .solution import Solution
    if not set(kw) - _RECALLED:        # another argument: a run this memo never keeps
        sol = recall(model, t_end, **kw)
        if sol is not None:
            return sol
    return Solution._simulate(model, t_end, **kw)   # simulate() (it imports this module)


_RECALLED = {"dt", "method", "params", "record", "stride", "t0", "seed", "weights",
             "fastmath"}
