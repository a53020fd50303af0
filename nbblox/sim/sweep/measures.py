"""Built-in sweep measures: summaries of recorded traces, vectorised over a
batch of instances.

Every measure maps ``values`` of shape ``(..., n_samples)`` (instances and
variables in front, time last) and the sample times ``t`` (ms) to an array of
shape ``(...)``.  They are plain NumPy, so :func:`apply` gives the same
numbers on one :class:`~nbblox.sim.solution.Solution` as the sweep gives for
that instance.

"rate" and "period" count upward crossings of a threshold: by default the
midpoint between the trace's minimum and maximum, ignored when the trace
moves less than ``min_amplitude`` (a resting neuron has no spikes).
"""
from __future__ import annotations

import numpy as np

from ...compile.jit import njit
from ...exceptions import ParameterError, suggest

__all__ = ["MEASURES", "compute", "apply"]


def _rows(fn, x):
    """``fn`` on each trace alone: NumPy's pairwise sums depend on the array
    shape, and a sweep must give the bits a single run gives."""
    flat = x.reshape(-1, x.shape[-1])
    return np.array([fn(r) for r in flat], dtype=np.float64).reshape(x.shape[:-1])


def _mean(x, t, **kw):
    return _rows(np.mean, x)


def _max(x, t, **kw):
    return x.max(axis=-1)


def _min(x, t, **kw):
    return x.min(axis=-1)


def _std(x, t, **kw):
    return _rows(np.std, x)


def _final(x, t, **kw):
    return x[..., -1].copy()


def _amplitude(x, t, **kw):
    return x.max(axis=-1) - x.min(axis=-1)


def _crossings(x, t, threshold=None, min_amplitude=1e-3, **kw):
    """Upward crossings: (count, first crossing time, last crossing time)."""
    lo, hi = x.min(axis=-1), x.max(axis=-1)
    thr = (0.5 * (lo + hi) if threshold is None
           else np.broadcast_to(np.float64(threshold), lo.shape))
    nt = x.shape[-1]
    live = ((hi - lo) > min_amplitude if threshold is None
            else np.ones(lo.shape, bool))  # a flat trace has no spikes
    flat = x.reshape(-1, nt)   # a view for a time-sliced chunk: no copy of the traces
    c, f, la = _up_crossings(flat, np.ascontiguousarray(thr, dtype=np.float64).ravel(),
                             np.ascontiguousarray(live).ravel())
    count, first, last = c.reshape(lo.shape), f.reshape(lo.shape), la.reshape(lo.shape)

    def when(k):
        # linear interpolation of the crossing between samples k and k+1
        xk = np.take_along_axis(x, k[..., None], -1)[..., 0]
        xk1 = np.take_along_axis(x, (k + 1)[..., None], -1)[..., 0]
        with np.errstate(divide="ignore", invalid="ignore"):
            frac = np.where(xk1 != xk, (thr - xk) / (xk1 - xk), 0.0)
        return t[k] + frac * (t[k + 1] - t[k])

    if nt < 2:
        z = np.zeros(lo.shape)
        return count, z, z
    return count, when(first), when(last)


@njit(cache=True, nogil=True)
def _up_crossings(x, thr, live):
    """Per row: count of k with x[k] < thr <= x[k+1] (NaN never counts),
    first such k (0 if none) and last (nt - 2 if none), in one pass."""
    m, nt = x.shape
    count = np.zeros(m, np.int64)
    first = np.zeros(m, np.int64)
    last = np.full(m, max(nt - 2, 0), np.int64)
    for r in range(m):
        if not live[r]:
            continue
        th = thr[r]
        c = 0
        for k in range(nt - 1):
            if not (x[r, k] >= th) and x[r, k + 1] >= th:
                if c == 0:
                    first[r] = k
                last[r] = k
                c += 1
        count[r] = c
    return count, first, last


def _rate(x, t, **kw):
    """Upward threshold crossings per second (time in ms): spikes/s (Hz)."""
    count, _, _ = _crossings(x, t, **kw)
    span = (t[-1] - t[0]) if t.size > 1 else np.nan
    return count / span * 1000.0


def _period(x, t, **kw):
    """Mean time (ms) between successive upward crossings; NaN below two."""
    count, first, last = _crossings(x, t, **kw)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(count >= 2, (last - first) / np.maximum(count - 1, 1), np.nan)


MEASURES = {"mean": _mean, "max": _max, "min": _min, "std": _std, "final": _final,
            "amplitude": _amplitude, "rate": _rate, "period": _period}


def compute(name, values, t, **options):
    """Built-in measure ``name`` over the last axis of ``values``."""
    try:
        fn = MEASURES[name]
    except (KeyError, TypeError):
        raise ParameterError(f"unknown measure {name!r}; built-ins are "
                             f"{', '.join(MEASURES)} (or pass a function of a Solution)."
                             + suggest(str(name), list(MEASURES))) from None
    values = np.asarray(values, dtype=np.float64)
    if values.shape[-1] == 0:
        return np.full(values.shape[:-1], np.nan)
    return fn(values, np.asarray(t, dtype=np.float64), **options)


def apply(name, solution, var, transient=0.0, **options):
    """A built-in measure of one recorded variable of a Solution.

    Examples
    --------
    >>> import nbblox as nb
    >>> sol = nb.simulate(nb.blox.FitzHughNagumo(name="fhn", I=0.5), 200.0, dt=0.05)
    >>> float(apply("max", sol, "fhn.V")) == float(sol["fhn.V"].max())
    True
    """
    keep = solution.t >= solution.t[0] + transient
    return compute(name, solution[var][keep], solution.t[keep], **options)
