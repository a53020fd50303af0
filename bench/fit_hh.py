"""W7 (issue 11): fit the three HH conductances (gNa, gK, gL) to a noise-free
200 ms voltage trace (I = 10, dt 0.01 ms, sampled every 0.1 ms) from a start
~17% off.

``nbblox``: ``nb.fit(..., optimizer="least_squares")`` -- trust-region least
squares with the exact Jacobian from the generated sensitivity kernel.
``handwritten`` (the reference column of this case): the derivative-free
scipy baseline on the same task -- the same ``scipy.optimize.least_squares``
(trf, same bounds, tolerances and scaling) with a finite-difference Jacobian
of ``nb.simulate``.  Both answers are checked against each other (and reach
the true values to ~1e-9).
"""
from __future__ import annotations

import numpy as np

TRUE = {"hh.g_Na": 120.0, "hh.g_K": 36.0, "hh.g_L": 0.3}
TOL = 1e-8


def _setup(cfg):
    import nbblox as nb
    s = nb.compile(nb.blox.HodgkinHuxley(name="hh", I=10.0))
    data = nb.simulate(s, cfg["t_end"], dt=cfg["dt"], params=TRUE, record=["hh.V"],
                       stride=cfg["stride"])
    bounds = {k: (v / 2, 2 * v, st) for (k, v), st in zip(TRUE.items(), cfg["start"])}
    return nb, s, data, bounds


def _answer(x):
    return {"fit_params": [float(v) for v in x]}


def build_nbblox(cfg):
    nb, s, data, bounds = _setup(cfg)

    def run():
        return nb.fit(s, data, bounds, dt=cfg["dt"], tol=TOL)
    return run, lambda r: _answer(r.params.values())


def build_baseline(cfg):
    from scipy.optimize import least_squares
    nb, s, data, bounds = _setup(cfg)
    names = list(bounds)
    lo = np.array([bounds[n][0] for n in names])
    hi = np.array([bounds[n][1] for n in names])
    x0 = np.array([bounds[n][2] for n in names])
    y = data["hh.V"]

    def fun(th):
        return nb.simulate(s, cfg["t_end"], dt=cfg["dt"], params=dict(zip(names, th)),
                           record=["hh.V"], stride=cfg["stride"])["hh.V"] - y

    def run():
        return least_squares(fun, x0, jac="2-point", bounds=(lo, hi), x_scale="jac",
                             method="trf", ftol=TOL, xtol=TOL, gtol=TOL)
    return run, lambda r: _answer(r.x)
