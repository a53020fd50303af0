"""The simulate() hook for forward sensitivities: validate, run the
generated kernel of :mod:`nbblox.compile.sensitivity`, and return a
Solution carrying ``d(recorded state)/d(parameter)`` over time.

:func:`run_sensitivities` is also the fast inner loop of ``nb.fit``: it takes
ready parameter and weight arrays and returns plain arrays.
"""
from __future__ import annotations

import numpy as np

from ..compile.schemes import select
from ..compile.sensitivity import (check_supported, initial_augmented, sensitivity_columns,
                                   sensitivity_kernels)
from ..exceptions import SimulationError
from .solution import Solution

__all__ = ["run_sensitivities", "simulate_sensitivities"]


def run_sensitivities(system, method, x, p, w, cols, t0, dt, nsteps, stride, rec):
    """Integrate ``x`` and its sensitivities; returns ``(t, X, S, done, bad)``
    with ``X`` (len(rec), nt) and ``S`` (len(rec), len(cols), nt).
    ``bad`` >= 0 is the index of the augmented state that became non-finite."""
    mod = sensitivity_kernels(system, cols)
    y = initial_augmented(system, np.asarray(x, dtype=np.float64), cols)
    nrec = nsteps // stride + 1
    out_t = np.empty(nrec)
    out_x = np.empty((rec.size, nrec))
    out_s = np.empty((rec.size, len(cols), nrec))
    kernel = getattr(mod, f"run_{method}")
    done, bad, j = kernel(y, np.ascontiguousarray(p, dtype=np.float64),
                          np.ascontiguousarray(w, dtype=np.float64), float(t0), float(dt),
                          int(nsteps), int(stride), rec, out_t, out_x, out_s)
    return out_t[:j], out_x[:, :j], out_s[:, :, :j], done, bad, y


def simulate_sensitivities(system, names, method, x, p, t0, dt, nsteps, stride, rec,
                           snames, named, info):
    """Body of ``simulate(..., sensitivities=names)`` for a fixed-step method."""
    if isinstance(names, str):
        names = [names]
    names = list(names)
    check_supported(system, len(names))
    cols = sensitivity_columns(system, names)
    if method not in select(backend="sensitivity"):
        raise SimulationError(f"sensitivities are computed with the fixed-step methods "
                              f"{', '.join(select(backend='sensitivity'))}, not {method!r}")
    if system.backend != "numba":
        raise SimulationError("sensitivities need the numba backend (backend='numpy' "
                              "has no sensitivity kernels)")
    t, X, S, done, bad, y = run_sensitivities(system, method, x, p, system.weights, cols,
                                              t0, dt, nsteps, stride, rec)
    n = len(system.state_names)
    sol = Solution(t, snames, X, final_state=y[:n].copy(), params=named,
                   info=dict(info, sensitivities=names), system=system)
    sol.sensitivities = S
    sol.sensitivity_names = names
    if bad >= 0:
        what = system.state_names[bad] if bad < n else (
            f"d {system.state_names[(bad - n) // len(cols)]} / d "
            f"{names[(bad - n) % len(cols)]}")
        raise SimulationError(
            f"the simulation with sensitivities diverged at t = {t0 + done * dt:.6g} ms: "
            f"'{what}' became NaN or infinite. Try a smaller dt or check the parameters.",
            partial=sol)
    return sol
