"""The integration of a validated run, one function per kind of kernel.

:func:`nbblox.simulate` checks every argument and chooses; the functions here run
and wrap the result as a :class:`~nbblox.sim.solution.Solution`: :func:`solve_fixed`
(``run_<m>``, or :func:`run_reference`, the same schemes in NumPy, on the reference
backend), :func:`solve_full` (``run_<m>_full``: spikes, delays, noise, callbacks) and
:func:`solve_adaptive` (scipy's solvers).  A run that fails raises with the part it
did in ``.partial`` (:func:`diverged`).
"""
from __future__ import annotations

import numpy as np

from ..compile import schemes
from ..exceptions import SimulationError
from . import control
from .events import reset_error, run_full
from .solution import Solution

__all__ = ["solve_fixed", "solve_full", "solve_adaptive", "run_reference", "diverged"]


def solve_full(system, method, x, p, t0, dt, nsteps, stride, rec, nrec, names, named, info,
               chunked):
    """``run_<method>_full`` (:func:`~nbblox.sim.events.run_full`, with ``chunked``'s
    callback, weight, control and delay options) into a Solution with its spikes and
    weights; a callback's error, a diverged state or a stuck reset raised with it."""
    out_t, out_x, spikes, done, status, extras = run_full(
        system, method, x, p, t0, dt, nsteps, stride, rec, nrec, info.get("seed") or 0,
        **chunked)
    info = dict(info, n_spikes=int(spikes["time"].size))
    if extras["stopped"] or extras["error"] is not None:
        info["stopped_at"] = t0 + done * dt
    sol = Solution(out_t, names, out_x, final_state=x, params=named, info=info,
                   spikes=spikes, system=system)
    sol.weights, sol.weight_history = extras["weights"], extras["weight_history"]
    if extras["error"] is not None:
        err = extras["error"]
        err.partial = sol
        raise err from err.__cause__
    if status >= 0:
        raise diverged(system, t0 + done * dt, status, sol)
    if status <= -100:
        err = reset_error(system, status, t0 + done * dt)
        err.partial = sol
        raise err
    return sol


def diverged(system, t, bad, sol):
    """The SimulationError of state ``bad`` gone non-finite at ``t``, ``sol`` its partial run."""
    name = system.state_names[bad]
    return SimulationError(
        f"the simulation diverged at t = {t:.6g} ms: state '{name}' became NaN or "
        "infinite. Try a smaller dt, an implicit method (method='BDF'), or check the "
        "parameters.", partial=sol)


def solve_fixed(system, method, x, p, t0, dt, nsteps, stride, rec, nrec, names, named, info,
                chunks=None):
    """``run_<method>`` from step 0 to ``nsteps``: in one call, or with
    ``chunks`` (``control``, ``check_every``: what :func:`nbblox.simulate` sets for a long
    or controlled run) in
    calls of about :data:`~nbblox.sim.control.CHUNK_SECONDS` each, the same
    run bit for bit (:func:`~nbblox.sim.control.run_chunked`)."""
    out_t = np.empty(nrec)
    out_x = np.empty((rec.size, nrec))
    L, error = system.layout, None
    if system.backend == "numpy":
        done, bad, j = run_reference(system, method, x, p, t0, dt, nsteps, stride, rec,
                                      out_t, out_x)
    else:
        kernel = getattr(system._k, f"run_{method}")
        call = lambda a, b: kernel(x, p, system.weights, L.src, L.dst, t0, dt, a, b, stride,
                                   rec, out_t, out_x)
        if chunks is None:
            done, bad, j = call(0, nsteps)
        else:
            done, bad, j, error = control.run_chunked(call, nsteps, chunks["check_every"],
                                                      chunks["control"], t0, dt)
    if error is not None:
        info = dict(info, stopped_at=t0 + done * dt)
    sol = Solution(out_t[:j], names, out_x[:, :j], final_state=x, params=named,
                   info=info, system=system)
    if error is not None:
        error.partial = sol
        raise error from error.__cause__
    if bad >= 0:
        raise diverged(system, t0 + done * dt, bad, sol)
    return sol


def run_reference(system, method, x, p, t0, dt, nsteps, stride, rec, out_t, out_x):
    """The same fixed-step schemes in plain NumPy (oracle and fallback): ``x``
    advanced in place, samples into ``out_t``/``out_x``; returns ``run_<m>``'s
    (step reached, first non-finite state or -1, samples recorded).

    Examples
    --------
    >>> import numpy as np, nbblox as nb
    >>> from nbblox.compile.system import as_system
    >>> s = as_system(nb.blox.FitzHughNagumo(name="f"), "numpy")
    >>> out_t, out_x = np.empty(11), np.empty((2, 11))
    >>> run_reference(s, "rk4", s.initial_state(None), s.param_vector(None), 0.0, 0.1, 10, 1,
    ...               np.arange(2), out_t, out_x)
    (10, -1, 11)
    """
    L, k = system.layout, system.reference
    f = lambda t, y, _: k.rhs(t, y, p, system.weights, L.src, L.dst)
    scheme = schemes.get(method)
    phi = lambda t, y, k1: k.phi_times(scheme, t, y, p, k.couple(
        t, y, p, system.weights, L.src, L.dst)[0], k1, dt)
    out_t[0] = t0
    out_x[:, 0] = x[rec]
    j = 1
    for step in range(nsteps):
        with np.errstate(all="ignore"):   # as the kernels: a blow-up is reported, not warned
            x[:] = k.clip(schemes.rk_step(scheme, f, t0 + step * dt, x, dt, phi=phi))
        bad = np.flatnonzero(~np.isfinite(x))
        if bad.size:
            return step + 1, int(bad[0]), j
        if (step + 1) % stride == 0:
            out_t[j] = t0 + (step + 1) * dt
            out_x[:, j] = x[rec]
            j += 1
    return nsteps, -1, j


def solve_adaptive(system, method, x, p, t0, t_end, dt, stride, rec, names, named, info, rtol,
                   atol):
    """scipy's ``solve_ivp`` with ``method`` on the compiled RHS (and Jacobian for the
    stiff methods), sampled every ``dt * stride`` ms, under the run control's count."""
    from scipy.integrate import solve_ivp
    n_out = int(round((t_end - t0) / (dt * stride)))
    t_eval = np.minimum(t0 + np.arange(n_out + 1) * dt * stride, t_end)
    fun = control.counted_rhs(lambda t, y: system.rhs(y, t, p), method)
    jac = (lambda t, y: system.jacobian(y, t, p)) if method in ("BDF", "Radau", "LSODA") else None
    with np.errstate(all="ignore"):
        res = solve_ivp(fun, (t0, t_end), x, method=method, t_eval=t_eval, rtol=rtol,
                        atol=atol, **({"jac": jac} if jac else {}))
    y = res.y[rec] if res.y.size else np.empty((rec.size, 0))
    final = res.y[:, -1].copy() if res.y.size else x
    sol = Solution(res.t, names, y, final_state=final, params=named,
                   info=dict(info, nfev=int(res.nfev)), system=system)
    if not res.success or not np.all(np.isfinite(res.y)):
        finite = np.isfinite(res.y).all(axis=0) if res.y.size else np.zeros(0, bool)
        if res.y.size and not finite.all():
            col = int(np.argmin(finite))
            raise diverged(system, res.t[col], int(np.flatnonzero(~np.isfinite(res.y[:, col]))[0]), sol)
        raise SimulationError(f"{method} stopped at t = {res.t[-1] if res.t.size else t0:.6g} "
                              f"ms: {res.message}", partial=sol)
    return sol
