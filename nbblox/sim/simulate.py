"""simulate(): integrate a System with fixed-step numba loops (the schemes
of :mod:`nbblox.compile.schemes`) or scipy's adaptive and stiff solvers fed
the compiled RHS and Jacobian.  Every input is validated here, before any kernel runs, because
numba does not bound-check.

This module owns the checks and the choice of run (fixed-step, full kernel, adaptive;
chunked when long or controlled); running it and wrapping the result is
:mod:`nbblox.sim.integrate`'s.
"""
from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from .._version import __version__
from ..compile import schemes
from ..compile.kernels import with_fastmath
from ..compile.system import as_system
from ..exceptions import ParameterError, SimulationError
from ..limits import check_memory
from ..model.params import finite
from . import control, memo
from .delays import delay_arrays
from .events import noise_seed
# run_reference: re-exported, its import path before nbblox.sim.integrate held it
from .integrate import run_reference  # noqa: F401
from .integrate import solve_adaptive, solve_fixed, solve_full
from .solution import Solution

__all__ = ["simulate", "FIXED_METHODS", "ADAPTIVE_METHODS"]

#: fixed-step methods (declared in :mod:`nbblox.compile.schemes`)
FIXED_METHODS = schemes.NAMES
ADAPTIVE_METHODS = ("RK45", "RK23", "DOP853", "LSODA", "BDF", "Radau")
#: no run takes more steps than this (numba counts steps in int64)
MAX_RUN_STEPS = 2**53


def _number(v, what):
    return finite(v, what, SimulationError)


def canonical_method(method):
    """The scheme table's (or scipy's) name of ``method``, aliases resolved; a
    SimulationError listing the methods otherwise."""
    m = str(method)
    scheme = schemes.get(m)
    if scheme is not None:
        return scheme.name
    for a in ADAPTIVE_METHODS:
        if m.lower() == a.lower():
            return a
    raise SimulationError(f"unknown method {method!r}; choose one of "
                          f"{', '.join(list(FIXED_METHODS) + ['em'] + list(ADAPTIVE_METHODS))}")


def simulate(model, t_end, dt=0.01, method="rk4", *, params=None, x0=None, record=None,
             stride=1, t0=0.0, seed=None, backend="auto", rtol=1e-6, atol=1e-9,
             sensitivities=None, callback=None, callback_every=None, weights=None,
             learn=True, record_weights=None, fastmath=None, delays=None):
    """Simulate a Blox, Circuit or System from ``t0`` to ``t_end`` (ms).

    Parameters
    ----------
    model : Blox, Circuit or System
        Compiled on first use (cached).
    t_end : float
        End time in ms.
    dt : float
        Step (fixed-step methods) or output spacing (adaptive methods), ms.
    method : str
        A fixed-step scheme of :data:`nbblox.compile.schemes.SCHEMES`:
        ``"euler"``, ``"heun"``, ``"rk2"`` (midpoint), ``"rk4"``,
        ``"exponential_euler"`` (Brian2's; equations linear in their own
        variable, e.g. conductance-based neurons at dt = 0.1 ms) or
        ``"exact"`` (linear equations with constant coefficients), or an adaptive
        scipy method: ``"RK45"``, ``"RK23"``, ``"DOP853"``, ``"LSODA"``,
        ``"BDF"``, ``"Radau"`` (stiff ones get the analytic Jacobian).
        With noise (``xi`` in the equations): ``"euler"``/``"em"``
        (Euler-Maruyama, Ito) or ``"heun"`` (stochastic Heun, which
        converges to the Stratonovich solution for multiplicative noise).
        Spikes, delays and noise need a fixed-step method.
    params : dict, optional
        ``{"blox.param": value}`` for this run only (no recompilation).
    x0 : dict or array, optional
        Initial state overrides.
    record : list of str, optional
        States to keep (default all).  ``"pop.V"`` names a whole
        population; an empty list keeps only spikes (spiking circuits).
    stride : int
        Keep every ``stride``-th step, so long runs do not fill memory.
    seed : int, optional
        Seed of the white noise: the same seed gives the same run bit for
        bit (on the same machine).  None draws a fresh one, stored in
        ``sol.info["seed"]`` so the run can be repeated.
    backend : str
        ``"auto"``, ``"numba"`` or ``"numpy"`` (the reference backend).
    sensitivities : list of str, optional
        Also integrate the forward sensitivities of every recorded state
        with respect to these parameters (``"fhn.a"``), initial states
        (``"fhn.V(0)"``) or connections (``"a->b"``); read them with
        ``sol.sensitivity("fhn.V", "fhn.a")``.  They are the exact
        derivatives of the fixed-step trajectory (ODE circuits only; see
        :mod:`nbblox.sim.sensitivity`).
    callback : callable, optional
        ``fn(state)`` called every ``callback_every`` ms (fixed-step methods;
        the kernel runs at full speed in between).  ``state`` is a
        :class:`~nbblox.sim.callbacks.CallbackState`: time, spikes since the
        last call, writable weights, parameters and states, and
        ``state.reward(...)`` for R-STDP.  Return None to go on; return False
        or call ``state.stop()`` to end the run.  If it raises, the run stops
        and :class:`~nbblox.exceptions.CallbackError` is raised with the
        partial Solution in ``.partial``.
    callback_every : float
        Interval between callbacks in ms (a whole number of steps).
    weights : dict, optional
        ``{projection name: weights}`` replacing the synapse weights of
        spiking projections for this run (e.g. learned ones).
    learn : bool
        False freezes every plastic projection (STDP/RSTDP) for this run.
    record_weights : float or True, optional
        Keep a snapshot of all synapse weights every ``record_weights`` ms
        (True: at the callback times) in ``sol.weight_history``.  Final
        weights are always in ``sol.weights``.
    fastmath : bool, optional
        True runs kernels that may reassociate sums (a dense coupling as
        vectorised rows or one BLAS dgemv), equal to the strict ones within
        1e-12 relative on dense networks but not bit for bit; False the
        strict ones.  None
        (default): as the System was compiled (a Blox or Circuit: strict).
        See :func:`nbblox.compile` and :mod:`nbblox.compile.fastmath`.
    delays : float or dict, optional
        Other delays (ms) for this run, without compiling again (the numbers
        of a circuit built with them, bit for bit): a number for everything
        compiled with a delay, or ``{name: ms}`` for spiking projections (or
        one per synapse) and continuous connections ``"a->b"`` (see
        :mod:`nbblox.sim.delays`).

    Returns
    -------
    Solution

    Examples
    --------
    >>> import nbblox as nb
    >>> sol = nb.simulate(nb.blox.HodgkinHuxley(name="hh"), 50.0, dt=0.01, params={"hh.I": 10})
    >>> bool(sol["hh.V"].max() > 0)   # it spiked
    True
    >>> sol = nb.simulate(nb.blox.FitzHughNagumo(name="fhn", I=0.5), 5.0,
    ...                   sensitivities=["fhn.a"])
    >>> sol.sensitivity("fhn.w", "fhn.a").shape == sol.t.shape
    True
    """
    system = as_system(model, backend)
    if fastmath is not None:
        system = with_fastmath(system, fastmath)
    method = canonical_method(method)
    if method in FIXED_METHODS:
        schemes.require(method, system.layout, system.backend)
    t0 = _number(t0, "t0")
    t_end = _number(t_end, "t_end")
    dt = _number(dt, "dt")
    if t_end < 0:
        raise SimulationError(f"t_end must be >= 0 ms, got {t_end}")
    if t_end <= t0:
        raise SimulationError(f"t_end ({t_end}) must be greater than t0 ({t0})")
    if dt <= 0:
        raise SimulationError(f"dt must be > 0, got {dt}")
    if dt > t_end - t0:
        raise SimulationError(f"dt ({dt}) is longer than the run ({t_end - t0} ms)")
    if isinstance(stride, bool) or not isinstance(stride, (int, np.integer)) or stride < 1:
        raise SimulationError(f"stride must be a whole number >= 1, got {stride!r}")
    steps = (t_end - t0) / dt
    if not steps < MAX_RUN_STEPS:    # also inf (dt = 5e-324, t_end = 1e308)
        raise SimulationError(f"t_end / dt = {steps:.3g} steps is more than any run can take "
                              f"({MAX_RUN_STEPS:.0e}); raise dt or shorten the run")
    stride = min(int(stride), int(round(steps)) or 1)   # a longer stride keeps the ends only
    for what, tol in (("rtol", rtol), ("atol", atol)):
        if _number(tol, what) <= 0:
            raise SimulationError(f"{what} must be > 0, got {tol}")
    if params is not None and not isinstance(params, Mapping):
        raise ParameterError(f"params must be a dict {{'blox.param': value}}, not "
                             f"{type(params).__name__}")
    if seed is not None:
        seed = noise_seed(seed)
    p = system.param_vector(params)
    x = system.initial_state(x0)
    if record is None:
        rec = np.arange(len(system.state_names), dtype=np.int64)
    else:
        if isinstance(record, str):
            record = [record]
        rec = np.concatenate([system.state_indices(r) for r in record] or
                             [np.zeros(0, np.int64)]).astype(np.int64)
        if rec.size == 0 and not system.layout.has_spikes:
            raise ParameterError("record is empty: name at least one state")
    nsteps = int(round((t_end - t0) / dt))
    nrec = nsteps // stride + 1
    # an adaptive solver holds every state at every output time, whatever is recorded
    held = rec.size if method in FIXED_METHODS else len(system.state_names) + rec.size
    check_memory(nrec * held * 8, f"recording {held} variables x {nrec} samples",
                 SimulationError, "use stride= or record= to keep less, or a larger dt")
    info = {"method": method, "dt": dt, "stride": int(stride), "t0": t0, "t_end": t_end,
            "seed": seed, "backend": system.backend, "fastmath": bool(system.fastmath),
            "nbblox": __version__}
    named = system.param_dict(p)
    names = [system.state_names[i] for i in rec.tolist()]
    dly = delay_arrays(system.layout, delays, info)   # validated before any kernel
    if sensitivities is not None:
        if callback is not None or weights is not None or record_weights or \
                delays is not None:
            raise SimulationError("sensitivities= cannot be combined with callback=, "
                                  "weights=, record_weights= or delays=")
        from .sensitivity import simulate_sensitivities
        start = _start(system, x, None, True, None, None)
        sol = simulate_sensitivities(system, sensitivities, method, x, p, t0, dt, nsteps,
                                     int(stride), rec, names, named, info)
        sol.start = start
        return sol
    chunked = _chunking(system, method, dt, callback, callback_every, weights, learn,
                        record_weights)
    # a run without spikes, delays, noise or callbacks is run_<m>'s, also when long
    # (in chunks then): the kernel a short run compiled, not a second one (~30 MB)
    plain = chunked is None and not system.layout.needs_full_kernel
    chunked = _interruptible(system, method, nsteps, chunked)
    start = _start(system, x, weights, learn, record_weights, callback)
    if not plain:
        _check_features(system, method)
        if system.layout.has_noise:
            info["seed"] = noise_seed(seed)
        sol = solve_full(system, method, x, p, t0, dt, nsteps, int(stride), rec, nrec, names,
                         named, info, dict(chunked or {}, dly=dly))
    elif method in FIXED_METHODS:
        sol = solve_fixed(system, method, x, p, t0, dt, nsteps, int(stride), rec, nrec, names,
                          named, info, chunked)
    else:
        if any(g.btype.clip for g in system.layout.groups):
            raise SimulationError(f"{method} cannot apply the declared state bounds (clip=); use "
                                  f"a fixed-step method ({', '.join(FIXED_METHODS)})")
        sol = solve_adaptive(system, method, x, p, t0, t_end, dt, int(stride), rec, names, named,
                             dict(info, rtol=rtol, atol=atol), rtol, atol)
    sol.start = start
    sol.start["delays"] = delays
    if seed is not None and callback is None and not record_weights and delays is None:
        memo.remember(sol)    # weakly: a lesson's checker may ask for this run again
    return sol


# Solution.rerun() simulates through this (solution.py cannot import this module back)
Solution._simulate = staticmethod(simulate)


def _start(system, x, weights, learn, record_weights, callback):
    """What a run started from beyond its parameters (``Solution.start``), so a
    saved run can be repeated bit for bit: the state vector, the connection and
    synapse weights, and the learning settings."""
    from .callbacks import initial_weights
    return {"x0": x.copy(), "edge_weights": np.array(system.weights, dtype=np.float64),
            "synapse_weights": initial_weights(system, weights), "learn": bool(learn),
            "record_weights": record_weights, "callback": callback is not None}


def _chunking(system, method, dt, callback, every, weights, learn, record_weights):
    """Validated callback / weight options for run_full, or None if unused."""
    from .callbacks import steps_of
    if callback is None and every is not None:
        raise SimulationError("callback_every is given but callback is None")
    if callback is not None and not callable(callback):
        raise SimulationError(f"callback must be a function fn(state), not "
                              f"{type(callback).__name__}")
    if callback is not None and every is None:
        raise SimulationError("give callback_every= (ms between calls) with callback=")
    if not isinstance(learn, (bool, np.bool_)):
        raise SimulationError(f"learn must be True or False, got {learn!r}")
    if callback is None and weights is None and learn and not record_weights:
        return None
    if method not in FIXED_METHODS:
        raise SimulationError(f"callbacks, weights= and record_weights= need a fixed-step "
                              f"method ({', '.join(FIXED_METHODS)}), not {method!r}")
    k = steps_of(every, dt, "callback_every") if callback is not None else None
    if record_weights is True:
        if k is None:
            raise SimulationError("record_weights=True records at the callback times; give "
                                  "a callback or an interval in ms (record_weights=10.0)")
        r = k
    elif record_weights in (None, False):
        r = None
    else:
        r = steps_of(record_weights, dt, "record_weights")
    if r is not None and not system.layout.proj_slices:
        raise SimulationError("record_weights: this circuit has no spiking projections")
    return {"callback": callback, "every": k, "rec_every": r, "weights": weights,
            "learn": bool(learn)}


def _interruptible(system, method, nsteps, chunked):
    """Run options that make a long fixed-step run (or any run under a
    :func:`~nbblox.sim.control.run_control`) pause every ~0.1 s, so Ctrl-C and
    cancellation take effect between chunks (:mod:`nbblox.sim.control`)."""
    ctl = control.current_control()
    n = len(system.state_names)
    if method not in FIXED_METHODS or system.backend != "numba" or (
            ctl is None and nsteps * max(n, 1) <= control.CHUNK_STATE_STEPS):
        return chunked
    return dict(chunked or {}, control=ctl, check_every=control.chunk_steps(n))


def _check_features(system, method):
    L = system.layout
    what = ", ".join(w for w, on in (("spikes", L.has_spikes), ("delays", L.has_delays),
                                     ("noise", L.has_noise)) if on) or "callbacks"
    if method not in FIXED_METHODS:
        raise SimulationError(f"method {method!r} cannot integrate a circuit with {what}; "
                              f"use a fixed-step method ({', '.join(FIXED_METHODS)}; "
                              "'euler' is 'em' with noise)")
    scheme = schemes.get(method)
    if L.has_noise and not scheme.noise:
        sde = " or ".join(schemes.get(n).sde_choice() for n in schemes.STOCHASTIC)
        raise SimulationError(f"{scheme.name} is not a stochastic method and this circuit has "
                              f"noise (xi): use method {sde}")
