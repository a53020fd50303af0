"""Repeat a (saved) run from what its file records: circuit, parameters,
starting state and weights, seed, method, step, recording and tolerances.

:meth:`Solution.rerun <nbblox.sim.solution.Solution.rerun>` simulates with these
arguments; :mod:`.code` writes them out as a script.  Nothing here imports sim/.
"""
from __future__ import annotations

import numpy as np

from ..exceptions import SimulationError

__all__ = ["simulate_args"]


def simulate_args(sol):
    """Keyword arguments of :func:`nbblox.simulate` that repeat ``sol``.

    Examples
    --------
    >>> import nbblox as nb
    >>> sol = nb.simulate(nb.blox.FitzHughNagumo(name="fhn"), 5.0, dt=0.05, record=["fhn.V"])
    >>> a = simulate_args(sol)
    >>> a["t_end"], a["dt"], a["method"], a["record"]
    (5.0, 0.05, 'rk4', ['fhn.V'])
    """
    info, start = sol.info, sol.start or {}
    if start.get("callback"):
        raise SimulationError("this run was driven by a callback (Python code that is not "
                              "saved), so it cannot be repeated from the file")
    state_names = sol.system.state_names if sol.system is not None else \
        getattr(sol, "_state_names", None)
    record = None if state_names is not None and list(sol.names) == list(state_names) \
        else list(sol.names)
    args = {"t_end": info["t_end"], "dt": info["dt"], "method": info["method"],
            "params": dict(sol.params), "record": record, "stride": info.get("stride", 1),
            "t0": info.get("t0", 0.0), "seed": info.get("seed"),
            "backend": info.get("backend", "auto")}
    if "x0" in start:
        args["x0"] = np.asarray(start["x0"], dtype=np.float64)
    if start.get("delays") is not None:     # simulate(delays=), as given (files keep it)
        args["delays"] = start["delays"]
    if "rtol" in info:
        args["rtol"], args["atol"] = info["rtol"], info["atol"]
    if sol.sensitivities is not None:
        args["sensitivities"] = list(sol.sensitivity_names)
    else:
        args["learn"] = start.get("learn", True)
        if start.get("record_weights") not in (None, False):
            args["record_weights"] = start["record_weights"]
    return args
