"""Fixed and slow points of high-dimensional systems: minimise q(x) = |f(x)|^2/2
from many starts (Sussillo & Barak 2013, Neural Comput 25:626-649,
doi:10.1162/NECO_a_00409), with the analytic Jacobian (grad q = J^T f), and
report each point's speed, eigenvalues and stability.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import least_squares

from .._text import counted
from ..exceptions import ParameterError
from ._common import Problem, classify
from .fixedpoints import search_box
from .points import Points

__all__ = ["SlowPoint", "slow_points"]


@dataclass
class SlowPoint:
    """A local minimum of ``q = |f|^2/2``: ``fixed`` when q is ~0, else a slow point."""

    state: dict
    q: float
    eigenvalues: np.ndarray
    stability: str
    fixed: bool
    x: np.ndarray = field(repr=False, default=None)
    jacobian: np.ndarray = field(repr=False, default=None)

    def __repr__(self):
        what = "fixed point" if self.fixed else f"slow point (q={self.q:.3g})"
        return f"SlowPoint({what}; {self.stability}; {counted(len(self.state), 'state')})"


def slow_points(model, params=None, bounds=None, starts=None, n_starts=32, q_tol=None,
                fixed_tol=1e-12, seed=0, max_nfev=200):
    """Minimise ``q(x) = |f(x)|^2 / 2`` from many starts; return the distinct minima.

    Parameters
    ----------
    model : System, Blox or Circuit
    params : dict, optional
    bounds : dict, optional
        {state: (low, high)} box for random starts (as in :func:`fixed_points`).
    starts : ndarray (k, n), optional
        Explicit starts (e.g. states visited by a simulation), used instead.
    q_tol : float, optional
        Keep minima with q below this (default: all local minima found).
    fixed_tol : float
        q below this counts as a fixed point.

    Returns
    -------
    Points (a list of SlowPoint, sorted by q, with ``.to_pandas()`` and ``.plot()``)

    Examples
    --------
    >>> import nbblox as nb
    >>> pts = nb.slow_points(nb.blox.FitzHughNagumo(name="fhn"), params={"fhn.I": 0.0},
    ...                      bounds={"fhn.V": (-2, 2), "fhn.w": (-2, 2)})
    >>> pts[0].fixed, pts[0].stability
    (True, 'stable focus')
    """
    prob = Problem(model, params)
    s, p, n = prob.s, prob.p0, prob.n
    if starts is None:
        lo, hi = search_box(s, bounds)
        rng = np.random.default_rng(seed)
        X0 = lo + rng.random((int(n_starts), n)) * (hi - lo)
    else:
        X0 = np.atleast_2d(np.asarray(starts, dtype=float))
        if X0.shape[1] != n or not np.all(np.isfinite(X0)):
            raise ParameterError(f"starts must be finite with shape (k, {n})")
    found = []
    for x0 in X0:
        with np.errstate(all="ignore"):
            res = least_squares(lambda x: prob.f(x, p), x0, jac=lambda x: prob.J(x, p),
                                method="lm", max_nfev=max_nfev,
                                xtol=1e-12, ftol=1e-14, gtol=1e-14)
        x = res.x
        if not np.all(np.isfinite(x)):
            continue
        q = 0.5 * float(np.sum(prob.f(x, p) ** 2))
        if q_tol is not None and q > q_tol:
            continue
        if any(np.linalg.norm(x - y.x) <= 1e-6 * (1 + np.linalg.norm(x)) for y in found):
            continue
        J = prob.J(x, p)
        # at a slow point the linearisation includes the residual flow; report J there
        ev = np.linalg.eigvals(J)
        ev = ev[np.lexsort((-ev.imag, -ev.real))]
        found.append(SlowPoint(dict(zip(s.state_names, map(float, x))), q, ev, classify(ev),
                               q < fixed_tol, x=x, jacobian=J))
    found.sort(key=lambda sp: sp.q)
    return Points(found, state_names=s.state_names)
