"""Equilibria in a region: quasi-random starts, batched damped Newton with the
analytic Jacobian, de-duplication, eigenvalues and a stability label.

Small systems (<= 12 states) run every start at once through vectorised
NumPy functions lambdified from the System's SymPy equations; larger ones
use the compiled numba rhs/Jacobian one start at a time.
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np

from ..exceptions import ParameterError
from ._common import Problem, check_state, classify

__all__ = ["FixedPoint", "fixed_points"]

VECTOR_MAX_STATES = 12


@dataclass
class FixedPoint:
    """One equilibrium: ``state`` {name: value}, ``eigenvalues``, ``stability``."""

    state: dict
    eigenvalues: np.ndarray
    stability: str
    x: np.ndarray = field(repr=False, default=None)
    residual: float = field(repr=False, default=0.0)
    jacobian: np.ndarray = field(repr=False, default=None)

    def __repr__(self):
        st = ", ".join(f"{k}={v:.6g}" for k, v in list(self.state.items())[:6])
        return f"FixedPoint({st}; {self.stability})"

    @property
    def stable(self):
        return self.stability.startswith("stable")


def _solve_batch(J, r):
    """Solve J[k] d[k] = r[k] for a stack, tolerating singular members."""
    try:
        return np.linalg.solve(J, r[..., None])[..., 0]
    except np.linalg.LinAlgError:
        out = np.zeros_like(r)
        for k in range(r.shape[0]):
            out[k] = np.linalg.lstsq(J[k], r[k], rcond=None)[0]
        return out


def newton_batch(vf, vj, X, p, free=None, maxiter=40, tol=1e-10):
    """Damped Newton on many starts at once.  X: (n, K).  Returns (X, converged)."""
    n, K = X.shape
    free = np.arange(n) if free is None else np.asarray(free)
    X = X.copy()
    P = p if p.ndim == 2 else None  # one parameter column per start (batch mode)
    F = vf(X, p)[free]
    nrm = np.sqrt(np.sum(F * F, axis=0))
    conv = np.zeros(K, bool)
    for _ in range(maxiter):
        act = ~conv & np.isfinite(nrm)
        if not act.any():
            break
        pa = P[:, act] if P is not None else p
        Ja = vj(X[:, act], pa)[np.ix_(free, free)]
        d = _solve_batch(np.moveaxis(Ja, 2, 0), -F[:, act].T).T
        lam = np.ones(d.shape[1])
        Xa = X[:, act]
        for _ in range(8):  # backtracking: accept when the residual falls
            Xt = Xa.copy()
            Xt[free] += lam * d
            Ft = vf(Xt, pa)[free]
            nt = np.sqrt(np.sum(Ft * Ft, axis=0))
            bad = ~(nt < nrm[act] * (1 - 1e-4 * lam)) & (nrm[act] > tol)
            if not bad.any():
                break
            lam = np.where(bad, lam / 2, lam)
        X[:, act], F[:, act], step = Xt, Ft, np.sqrt(np.sum((lam * d) ** 2, axis=0))
        nrm[act] = nt
        scale = 1.0 + np.sqrt(np.sum(Xt[free] ** 2, axis=0))
        conv[act] = (nt < tol * scale) | ((step < 1e-12 * scale) & (nt < 1e-7 * scale))
    return X, conv & np.isfinite(nrm)


def _newton_one(prob, x, p, maxiter=50, tol=1e-10):
    for _ in range(maxiter):
        F = prob.f(x, p)
        if not np.all(np.isfinite(F)):
            return x, False
        if np.linalg.norm(F) < tol * (1 + np.linalg.norm(x)):
            return x, True
        J = prob.J(x, p)
        try:
            d = np.linalg.solve(J, -F)
        except np.linalg.LinAlgError:
            d = np.linalg.lstsq(J, -F, rcond=None)[0]
        lam, n0 = 1.0, np.linalg.norm(F)
        for _ in range(8):
            xt = x + lam * d
            if np.linalg.norm(prob.f(xt, p)) < n0:
                break
            lam /= 2
        x = xt
    F = prob.f(x, p)
    return x, bool(np.linalg.norm(F) < 1e-7 * (1 + np.linalg.norm(x)))


def _box(s, bounds):
    n = len(s.state_names)
    lo, hi = np.empty(n), np.empty(n)
    for i, name in enumerate(s.state_names):
        span = 2.0 * max(1.0, abs(s.x0[i]))
        lo[i], hi[i] = s.x0[i] - span, s.x0[i] + span
    for name, b in (bounds or {}).items():
        i = check_state(s, name)
        try:
            a, c = (float(v) for v in b)
        except (TypeError, ValueError):
            raise ParameterError(f"bounds[{name!r}] must be a (low, high) pair, not {b!r}") from None
        if not (np.isfinite(a) and np.isfinite(c) and a < c):
            raise ParameterError(f"bounds[{name!r}] = {b!r}: need finite low < high")
        lo[i], hi[i] = a, c
    return lo, hi


_UNIT = {}


def _starts(lo, hi, n_starts, x0, seed):
    from scipy.stats import qmc
    d = lo.size
    key = (d, n_starts, seed)
    if key not in _UNIT:
        if len(_UNIT) > 64:
            _UNIT.clear()
        _UNIT[key] = qmc.Halton(d=d, scramble=True, seed=seed).random(n_starts - 1)
    u = _UNIT[key]
    X = lo + u * (hi - lo)
    return np.vstack([np.clip(x0, lo, hi), X]).T


def fixed_points(model, params=None, bounds=None, n_starts=None, seed=0, tol=1e-10):
    """All equilibria of ``model`` found inside ``bounds``.

    Parameters
    ----------
    model : System, Blox or Circuit
    params : dict, optional
        Parameter values {"blox.p": value} (others keep their current values).
    bounds : dict, optional
        {"blox.state": (low, high)}; states not listed span x0 +- 2*max(1, |x0|).
    n_starts : int, optional
        Number of quasi-random Newton starts (default 64, 16 above 12 states).

    Returns
    -------
    list of FixedPoint
        Sorted by the first state; empty (with a warning) when none is found.
        If some ``params`` values are 1-D arrays (all of one length M), every
        value is solved in one batched Newton and a list of M lists is returned.

    Examples
    --------
    >>> import nbblox as nb
    >>> fps = nb.fixed_points(nb.blox.FitzHughNagumo(name="fhn"), params={"fhn.I": 0.0},
    ...                       bounds={"fhn.V": (-3, 3), "fhn.w": (-3, 3)})
    >>> len(fps), fps[0].stability, round(fps[0].state["fhn.V"], 4)
    (1, 'stable focus', -1.1994)
    """
    scalar = {k: v for k, v in (params or {}).items() if np.ndim(v) == 0}
    batch = {k: np.asarray(v, float) for k, v in (params or {}).items() if np.ndim(v) > 0}
    prob = Problem(model, scalar)
    s, p = prob.s, prob.p0
    lo, hi = _box(s, bounds)
    n = prob.n
    if batch:
        return _fixed_points_batch(prob, batch, lo, hi, n_starts or 32, seed, tol)
    if n_starts is None:
        n_starts = 64 if n <= VECTOR_MAX_STATES else 16
    X0 = _starts(lo, hi, max(2, int(n_starts)), s.x0, seed)
    if n <= VECTOR_MAX_STATES:
        vf, vj = prob.vec()
        with np.errstate(all="ignore"):
            X, conv = newton_batch(vf, vj, X0, p, tol=tol)
        cand = X[:, conv].T
    else:
        cand = []
        for k in range(X0.shape[1]):
            with np.errstate(all="ignore"):
                x, ok = _newton_one(prob, X0[:, k], p, tol=tol)
            if ok:
                cand.append(x)
        cand = np.array(cand).reshape(-1, n)
    return _finish(prob, cand, p, lo, hi)


def _fixed_points_batch(prob, batch, lo, hi, n_starts, seed, tol):
    """Every parameter set at once: one Newton over (values x starts) columns."""
    s = prob.s
    if prob.n > VECTOR_MAX_STATES:
        raise ParameterError("array-valued params are supported up to "
                             f"{VECTOR_MAX_STATES} states; loop over values instead")
    sizes = {v.shape for v in batch.values()}
    if len(sizes) != 1 or len(next(iter(sizes))) != 1:
        raise ParameterError("array-valued params must all be 1-D and of one length")
    M = next(iter(sizes))[0]
    idx = {k: s.params.index(k) for k in batch}
    X0 = _starts(lo, hi, max(2, int(n_starts)), s.x0, seed)
    K = X0.shape[1]
    P = np.repeat(prob.p0[:, None], M * K, axis=1)
    for k, v in batch.items():
        P[idx[k]] = np.repeat(v, K)
    vf, vj = prob.vec()
    with np.errstate(all="ignore"):
        X, conv = newton_batch(vf, vj, np.tile(X0, M), P, tol=tol)
    out = []
    for m in range(M):
        sl = slice(m * K, (m + 1) * K)
        p = P[:, m * K]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            out.append(_finish(prob, X[:, sl][:, conv[sl]].T, p, lo, hi, warn=False))
    if not any(out):
        warnings.warn("fixed_points: no equilibrium found for any parameter value in the "
                      "bounds; widen the bounds.", RuntimeWarning, stacklevel=3)
    return out


def _finish(prob, cand, p, lo, hi, warn=True):
    s = prob.s
    width = hi - lo
    slack = 1e-9 * np.maximum(width, 1.0)
    inside = np.all((cand >= lo - slack) & (cand <= hi + slack), axis=1) if len(cand) else []
    cand = cand[inside] if len(cand) else cand
    keep = []
    tolw = 1e-6 * np.maximum(width, 1e-12)
    if len(cand) > 1:  # quantise first: many starts converge to the same few points
        _, first = np.unique(np.round((cand - lo) / tolw), axis=0, return_index=True)
        cand = cand[np.sort(first)]
    for x in cand:
        if not keep or not np.any(np.all(np.abs(np.array(keep) - x) <= tolw, axis=1)):
            keep.append(x)
    out = []
    for x in keep:
        x, _ = _newton_one(prob, x, p, maxiter=3)
        J = prob.J(x, p)
        ev = np.linalg.eigvals(J)
        ev = ev[np.lexsort((-ev.imag, -ev.real))]
        out.append(FixedPoint({nm: float(v) for nm, v in zip(s.state_names, x)}, ev,
                              classify(ev), x=x, residual=float(np.linalg.norm(prob.f(x, p))),
                              jacobian=J))
    out.sort(key=lambda fp: tuple(fp.x))
    if not out and warn:
        warnings.warn("fixed_points: no equilibrium found inside the bounds "
                      + ", ".join(f"{nm}: ({a:g}, {b:g})" for nm, a, b in zip(s.state_names, lo, hi))
                      + "; widen the bounds or change parameters.", RuntimeWarning, stacklevel=3)
    return out
