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
from ._common import Problem, check_state, classify, classify_many
from .points import Points

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
    """Solve J[k] d[k] = r[k] for a stack, tolerating singular members.

    1-, 2- and 3-state stacks use Cramer's rule as whole-array operations (the
    batched LAPACK call costs ~0.3 us per tiny matrix, 10x more); rows whose
    determinant is (near) zero or not finite go through least squares.
    """
    n = r.shape[1]
    if 1 <= n <= 3 and r.shape[0]:
        with np.errstate(all="ignore"):
            if n == 1:
                det = J[:, 0, 0]
                out = r / det[:, None]
            elif n == 2:
                a, b, c, d = J[:, 0, 0], J[:, 0, 1], J[:, 1, 0], J[:, 1, 1]
                det = a * d - b * c
                out = np.stack([d * r[:, 0] - b * r[:, 1], a * r[:, 1] - c * r[:, 0]], 1)
                out /= det[:, None]
            else:
                c0, c1, c2 = J[:, :, 0], J[:, :, 1], J[:, :, 2]
                x12 = np.cross(c1, c2)
                det = np.sum(c0 * x12, 1)
                out = np.stack([np.sum(r * x12, 1), np.sum(c0 * np.cross(r, c2), 1),
                                np.sum(c0 * np.cross(c1, r), 1)], 1) / det[:, None]
            size = np.max(np.abs(J).reshape(len(J), -1), 1)
            bad = ~(np.abs(det) > 1e-13 * size ** n) | ~np.all(np.isfinite(out), 1)
        for k in np.nonzero(bad)[0]:
            out[k] = _lstsq(J[k], r[k])
        return out
    try:
        return np.linalg.solve(J, r[..., None])[..., 0]
    except np.linalg.LinAlgError:
        out = np.zeros_like(r)
        for k in range(r.shape[0]):
            out[k] = _lstsq(J[k], r[k])
        return out


def _lstsq(A, b):
    if not (np.all(np.isfinite(A)) and np.all(np.isfinite(b))):
        return np.full(b.shape, np.nan)
    return np.linalg.lstsq(A, b, rcond=None)[0]


def newton_batch(vf, vj, X, p, free=None, maxiter=40, tol=1e-10):
    """Damped Newton on many starts at once.  X: (n, K).  Returns (X, converged).

    ``p`` is one parameter vector, or (n_params, K): one column per start.  The
    unconverged columns are kept packed together (no masked copies of the
    full arrays per iteration).
    """
    n, K = X.shape
    free = np.arange(n) if free is None else np.asarray(free)
    sub = free.size < n
    X = X.copy()
    batch = p.ndim == 2
    conv = np.zeros(K, bool)
    ids = np.arange(K)  # columns still iterating
    Xa, Pa = X, p
    Fa = vf(Xa, Pa)[free]
    na = np.sqrt(np.sum(Fa * Fa, axis=0))
    for _ in range(maxiter):
        keep = np.isfinite(na)
        if not keep.all():
            ids, Xa, Fa, na = ids[keep], Xa[:, keep], Fa[:, keep], na[keep]
            Pa = Pa[:, keep] if batch else Pa
        if not ids.size:
            break
        Ja = vj(Xa, Pa)
        if sub:
            Ja = Ja[np.ix_(free, free)]
        d = _solve_batch(np.moveaxis(Ja, 2, 0), -Fa.T).T
        lam = np.ones(d.shape[1])
        Xt = Xa.copy()
        Xt[free] += d
        Ft = vf(Xt, Pa)[free]
        nt = np.sqrt(np.sum(Ft * Ft, axis=0))
        bad = np.nonzero(~(nt < na * (1 - 1e-4)) & (na > tol))[0]
        for _ in range(7):  # backtracking on the columns whose residual did not fall
            if not bad.size:
                break
            lam[bad] /= 2
            xb = Xa[:, bad].copy()
            xb[free] += lam[bad] * d[:, bad]
            fb = vf(xb, Pa[:, bad] if batch else Pa)[free]
            Xt[:, bad], Ft[:, bad] = xb, fb
            nt[bad] = np.sqrt(np.sum(fb * fb, axis=0))
            bad = bad[~(nt[bad] < na[bad] * (1 - 1e-4 * lam[bad]))]
        step = np.sqrt(np.sum((lam * d) ** 2, axis=0))
        Xa, Fa, na = Xt, Ft, nt
        X[:, ids] = Xa
        scale = 1.0 + np.sqrt(np.sum(Xa[free] ** 2, axis=0))
        done = (nt < tol * scale) | ((step < 1e-12 * scale) & (nt < 1e-7 * scale))
        if done.any():
            conv[ids[done]] = True
            go = ~done
            ids, Xa, Fa, na = ids[go], Xa[:, go], Fa[:, go], na[go]
            Pa = Pa[:, go] if batch else Pa
    return X, conv


def newton_polish(prob, x, p, maxiter=50, tol=1e-10):
    """Damped Newton from ``x`` on ``prob.f(x, p) = 0``: ``(x, converged)``."""
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


def search_box(s, bounds):
    """``(lo, hi)`` state box of a search: +-2 max(1, |x0|) around the initial state,
    replaced, state by state, by ``bounds`` {state: (lo, hi)}."""
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


def _halton(d, n, seed):
    from scipy.stats import qmc      # ~0.3 s of imports: only when not cached on disk
    return qmc.Halton(d=d, scramble=True, seed=seed).random(n).tolist()


def _starts(lo, hi, n_starts, x0, seed):
    d = lo.size
    key = (d, n_starts, seed)
    if key not in _UNIT:
        if len(_UNIT) > 64:
            _UNIT.clear()
        from importlib.metadata import version

        from ..compile.derived import cached_json
        # JSON keeps every float exactly (repr round-trips): the same points as scipy's
        pts = cached_json("halton", (d, n_starts - 1, seed, version("scipy")),
                          lambda: _halton(d, n_starts - 1, seed))
        _UNIT[key] = np.array(pts, dtype=float).reshape(n_starts - 1, d)
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
        {"blox.state": (low, high)}; states not listed span ``x0 +- 2*max(1, |x0|)``.
    n_starts : int, optional
        Number of quasi-random Newton starts (default 64, 16 above 12 states).

    Returns
    -------
    Points (a list of FixedPoint with ``.to_pandas()`` and ``.plot()``)
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
    lo, hi = search_box(s, bounds)
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
                x, ok = newton_polish(prob, X0[:, k], p, tol=tol)
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
    group = np.repeat(np.arange(M), K)
    out = _finish_batch(prob, X[:, conv].T, P[:, conv], group[conv], M, lo, hi)
    if not any(out):
        warnings.warn("fixed_points: no equilibrium found for any parameter value in the "
                      "bounds; widen the bounds.", RuntimeWarning, stacklevel=3)
    return out


def _finish_batch(prob, cand, P, group, M, lo, hi):
    """`_finish` for many parameter values at once: de-duplication, a polishing
    Newton step, Jacobians, eigenvalues and labels as whole-array operations."""
    s = prob.s
    width = hi - lo
    slack = 1e-9 * np.maximum(width, 1.0)
    tolw = 1e-6 * np.maximum(width, 1e-12)
    ok = np.all((cand >= lo - slack) & (cand <= hi + slack), axis=1) & np.all(np.isfinite(cand), 1)
    cand, P, group = cand[ok], P[:, ok], group[ok]
    # quantise (as _finish), then drop points within tolw of an earlier one of the same group
    key = np.column_stack([group, np.round((cand - lo) / tolw)])
    _, first = np.unique(key, axis=0, return_index=True)  # sorted by group, then position
    cand, P, group = cand[first], P[:, first], group[first]
    dup = np.zeros(len(cand), bool)
    sizes = np.bincount(group, minlength=M)
    for lag in range(1, int(sizes.max(initial=1))):
        same = (group[lag:] == group[:-lag]) & np.all(np.abs(cand[lag:] - cand[:-lag]) <= tolw, 1)
        dup[lag:] |= same & ~dup[:-lag]
    cand, P, group = cand[~dup], P[:, ~dup], group[~dup]
    vf, vj = prob.vec()
    X = cand.T.copy()
    with np.errstate(all="ignore"):
        for _ in range(2):  # polish (plain Newton; keep the step only where it helps)
            F = vf(X, P)
            J = np.moveaxis(vj(X, P), 2, 0)
            d = _solve_batch(J, -F.T).T
            Ft = vf(X + d, P)
            better = np.sum(Ft * Ft, 0) < np.sum(F * F, 0)
            X[:, better] += d[:, better]
        F = vf(X, P)
        J = np.moveaxis(vj(X, P), 2, 0)
        ev = np.linalg.eigvals(J) if len(cand) else np.zeros((0, prob.n), complex)
    ev = np.take_along_axis(ev, np.lexsort((-ev.imag, -ev.real), axis=-1), -1)
    labels = classify_many(ev)
    res = np.sqrt(np.sum(F * F, 0))
    names = s.state_names
    out = [Points(state_names=names) for _ in range(M)]
    order = np.lexsort(X[::-1]) if len(cand) else []
    for i in order:  # sorted by the first state, as _finish
        x = X[:, i]
        out[group[i]].append(FixedPoint(dict(zip(names, x.tolist())), ev[i], labels[i], x=x,
                                        residual=float(res[i]), jacobian=J[i]))
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
        x, _ = newton_polish(prob, x, p, maxiter=3)
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
    return Points(out, state_names=s.state_names)
