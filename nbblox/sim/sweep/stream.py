"""Streaming CPU sweeps: built-in measures accumulated inside the kernel.

When every requested measure is a built-in that can be folded one sample at
a time (:data:`STREAMABLE`; ``"rate"`` and ``"period"`` only with a fixed
``threshold``, since the default threshold is the midpoint of the whole
trace) and no traces are asked for, :func:`nbblox.sweep` on the CPU backend
runs the ``stream_<m>`` loops of :mod:`nbblox.compile.stream`: each instance
keeps ``len(record) x 12`` accumulators instead of a ``len(record) x
n_samples`` trace.  The samples folded are those the trace path reduces
(every ``stride``-th step, from the first sample at ``t >= t0 +
transient``).  Min, max, final, amplitude, rate and period are bit-for-bit
those of the trace path; mean and std come from shifted one-pass sums and
agree with NumPy's to rounding (~1e-13 relative; tests check 1e-12).

In lockstep blocks with ``stride == 1`` and only crossings asked
(``"rate"``, ``"period"``) of whole recorded states, the crossings are
counted in the instance loop that computes the states, not in a pass after
each step (:func:`inloop_blocks`; :data:`INLOOP` switches it off for A/B
runs); the same numbers bit for bit.

Set :data:`STREAM` to False (or the environment variable
``NBBLOX_SWEEP_STREAM=0``, or pass ``stream=False`` to ``sweep``) to use the
trace path.
"""
from __future__ import annotations

import os
import threading

import numpy as np

from ...compile.cache import load_module
from ...compile.kernels import kernel_key, variant_source
from ...compile.stream import FEATURES, NACC
from . import pages
from .lockstep import (aligned_empty, blocks, lockstep_plan, pack_block, uniform_params,
                       use_lockstep)

__all__ = ["NACC", "STREAM", "INLOOP", "STREAMABLE", "streamable", "run_stream", "run_chunk_stream",
           "sample_times", "measures", "inloop_blocks"]

#: module switch: False sends every sweep through the trace path (the
#: environment variable ``NBBLOX_SWEEP_STREAM=0`` sets it at import, e.g. for A/B runs)
STREAM = os.environ.get("NBBLOX_SWEEP_STREAM", "1").strip() not in ("0", "false", "no", "off")
#: module switch: False folds every crossing after the step, as before the lockstep
#: loops counted them in their instance loops (``NBBLOX_SWEEP_INLOOP=0`` at import; A/B runs)
INLOOP = os.environ.get("NBBLOX_SWEEP_INLOOP", "1").strip() not in ("0", "false", "no", "off")
#: built-in measures the kernels can accumulate
STREAMABLE = ("mean", "min", "max", "std", "final", "amplitude", "rate", "period")

_lock = threading.Lock()
_mods = {}


def streamable(system, meas, options, traces, backend):
    """Whether this sweep can stream its measures (CPU backend, numba
    kernels without events, built-in measures only, no traces).

    Examples
    --------
    >>> import nbblox as nb
    >>> s = nb.compile(nb.blox.FitzHughNagumo(name="fhn"))
    >>> streamable(s, [("max", "max")], {"threshold": None}, False, "cpu")
    True
    >>> streamable(s, [("rate", "rate")], {"threshold": None}, False, "cpu")  # midpoint
    False
    """
    if traces or backend != "cpu" or system.backend != "numba":
        return False
    if getattr(system.layout, "needs_full_kernel", False):
        return False
    for _, m in meas:
        if not isinstance(m, str) or m not in STREAMABLE:
            return False
        if m in ("rate", "period") and not _fixed(options.get("threshold")):
            return False
    return _module(system, features(meas)) is not None


def _fixed(thr):
    return (thr is not None and not isinstance(thr, bool) and np.ndim(thr) == 0
            and np.isfinite(float(thr)))


#: accumulator groups (:data:`nbblox.compile.stream.FEATURES`) each measure needs
NEEDS = {"min": "m", "max": "m", "amplitude": "m", "mean": "s", "std": "s", "final": "",
         "rate": "n", "period": "c"}


def features(meas):
    """The accumulator groups the built-in measures ``meas`` need: only those
    are folded in the loop (a rate sweep counts crossings and nothing else).

    Examples
    --------
    >>> features([("rate", "rate")]), features([("std", "std"), ("amplitude", "amplitude")])
    ('n', 'ms')
    >>> features([("rate", "rate"), ("period", "period")])    # crossing times count too
    'c'
    """
    need = "".join(NEEDS.get(m, "") for _, m in meas if isinstance(m, str))
    got = "".join(f for f in FEATURES if f in need)
    return "".join(f for f in got if f != "n") if "c" in got else got


def _module(system, feats, plan=None, inloop=None):
    """The streaming module of ``system``'s kernels (or of the lockstep
    ``plan``'s, with ``inloop``: :func:`inloop_blocks`) for accumulator
    groups ``feats``: the same variant of the same statements plus the
    ``stream_<m>`` loops (None if codegen's loops do not mark what
    :mod:`nbblox.compile.stream` replaces)."""
    kmod = system._k if plan is None else plan.module
    key = (kmod.__name__, feats, inloop)
    with _lock:
        if key in _mods:
            return _mods[key]
    if plan is None:
        L = system.layout
        src = variant_source(kernel_key(L), L, system.fastmath, stream=feats)
    else:
        src = plan.source(stream=feats, inloop=inloop)
    mod = load_module(src) if src is not None else None
    with _lock:
        _mods[key] = mod
    return mod


def _kernel(system, method, parallel, feats, plan=None, inloop=None):
    return getattr(_module(system, feats, plan, inloop),
                   f"{'sbatch' if parallel else 'sserial'}_{method}")


def inloop_blocks(system, rec, feats, stride):
    """What the lockstep loops of a sweep recording the states ``rec`` (state
    indices of ``system``) may fold inside their instance loops
    (:func:`nbblox.compile.stream.stream_module`'s ``inloop``): with
    ``stride == 1``, an uncoupled layout (fused loops) and only crossings
    asked (``feats`` ``"c"`` or ``"n"``), the ``(group, state)`` pairs whose every
    instance is recorded, in slot order, when ``rec`` is exactly those
    states, once each; ``()`` when only the last sample is asked
    (``feats == ""``); else None (the fold after the step).

    Examples
    --------
    >>> import numpy as np, nbblox as nb
    >>> s = nb.compile(nb.blox.FitzHughNagumo(name="fhn"))      # V, w
    >>> inloop_blocks(s, np.array([1, 0]), "c", 1), inloop_blocks(s, np.array([0]), "c", 10)
    (((0, 0), (0, 1)), None)
    >>> inloop_blocks(s, np.array([0]), "mc", 1), inloop_blocks(s, np.array([0, 0]), "c", 1)
    (None, None)
    """
    L = system.layout
    if stride != 1 or L.src.size or not set(feats) <= {"c", "n"}:
        return None
    if feats == "":
        return ()
    rec = np.asarray(rec, np.int64)
    if rec.size == 0 or np.unique(rec).size != rec.size:
        return None
    got, out = set(rec.tolist()), []
    for gi, g in enumerate(L.groups):
        for k in range(len(g.btype.states)):
            slots = set(range(g.x(k, 0), g.x(k, 0) + g.n))
            if slots <= got:
                out.append((gi, k))
                got -= slots
    return tuple(out) if not got else None


def run_chunk_stream(system, method, X, P, W, t0, dt, nsteps, stride, rec, k0, thr,
                     parallel=True, feats=FEATURES, uniform=frozenset(), inloop=None):
    """Integrate ``len(X)`` instances, folding samples ``j >= k0`` of the
    states ``rec`` into accumulators (``uniform``: parameters the whole
    sweep leaves unchanged, :func:`~nbblox.sim.sweep.lockstep.uniform_params`,
    loaded once by the lockstep kernels; ``inloop``: the lockstep loops
    count crossings in their instance loops where :func:`inloop_blocks`
    allows, False: always in the fold after the step; None: :data:`INLOOP`).

    Returns
    -------
    acc (n, len(rec), NACC), steps (n,), bad (n,)
        ``bad[i] >= 0``: instance ``i`` diverged (its accumulators are void).
    """
    n, R = X.shape[0], rec.size
    acc = np.zeros((n, NACC, R))   # the kernels' layout: one row per column
    steps, bad = np.zeros(n, np.int64), np.full(n, -1, np.int64)
    args = (float(t0), float(dt), int(nsteps), int(stride))
    if n == 0:
        return acc, steps, bad
    if not use_lockstep(system, n):
        _kernel(system, method, parallel, feats)(X, P, W, system.layout.src, system.layout.dst,
                                             *args, rec, int(k0), float(thr), acc, steps, bad)
        return np.moveaxis(acc, 1, 2), steps, bad
    L = system.layout
    X0 = X.copy()
    inloop = INLOOP if inloop is None else inloop
    inl = inloop_blocks(system, rec, feats, int(stride)) if inloop else None
    for a, b, B in blocks(system, n):
        plan = lockstep_plan(system, B, uniform)
        # each block's hot rows side by side in one page (no 4K aliasing), where they fit
        pg = pages.block_pages(plan, inl, feats, R, NACC) if pages.PAGES else None
        plan, x_big, p_big, w_big, src, dst, rec_big = pack_block(system, X[a:b], P[a:b],
                                                                  W[a:b], rec, B, uniform, pg)
        m, nb = b - a, x_big.shape[0]
        # the kernel's accumulators: rows on cache lines, as x_big's; with pages,
        # each block in whole pages
        kacc = aligned_empty((nb, NACC, B * R)) if pg is None else \
            aligned_empty((nb, pg.acc_rows, B * R), pages.PAGE, pg.acc)
        kacc[...] = 0.0
        bsteps, bbad = np.zeros(nb, np.int64), np.full(nb, -1, np.int64)
        kernel = _kernel(system, method, parallel, feats, plan, inl)
        # counted in the loops: the recorded columns in slot order (whole
        # states, each in instance order), put back in rec's order after
        order = np.argsort(rec_big, kind="stable") if inl else None
        kernel(x_big, p_big, w_big, src, dst, *args,
               rec_big if order is None else np.ascontiguousarray(rec_big[order]), int(k0),
               float(thr), kacc, bsteps, bbad)
        bacc = kacc[:, :NACC]
        if order is not None:
            bacc = np.empty_like(bacc)
            bacc[:, :, order] = kacc[:, :NACC]
        acc[a:b] = np.moveaxis(np.moveaxis(bacc, 1, 2).reshape(nb * B, R, NACC)[:m], 1, 2)
        rows = np.repeat(np.arange(nb), B)[:m]
        steps[a:b], bad[a:b] = bsteps[rows], bbad[rows]
        X[a:b] = x_big[:, plan.xmap.ravel()].reshape(nb * B, plan.nx)[:m]
        for k in np.flatnonzero(bbad >= 0):   # again one by one: divergence per instance
            i = np.arange(a + k * B, min(a + (k + 1) * B, b))
            sx = X0[i].copy()
            sacc, ss, sb = np.zeros((i.size, NACC, R)), np.zeros(i.size, np.int64), \
                np.full(i.size, -1, np.int64)
            _kernel(system, method, parallel, feats)(sx, P[i].copy(), W[i].copy(), L.src, L.dst,
                                                 *args, rec, int(k0), float(thr), sacc, ss, sb)
            X[i], acc[i], steps[i], bad[i] = sx, sacc, ss, sb
    return np.moveaxis(acc, 1, 2), steps, bad


def sample_times(t0, dt, nsteps, stride):
    """Times of the samples the kernels record (the same float operations).

    Examples
    --------
    >>> sample_times(0.0, 0.5, 5, 2)
    array([0., 1., 2.])
    """
    return t0 + (np.arange(nsteps // stride + 1, dtype=np.int64) * stride).astype(
        np.float64) * dt


def measures(meas, acc, bad, t_kept):
    """``{name: (n, R) array}`` of the built-in measures from accumulators;
    diverged rows are NaN."""
    nk = t_kept.size
    K, lo, hi, s1, s2, last, count, first_t, last_t, _, c1, c2 = np.moveaxis(acc, -1, 0)
    s1, s2 = s1 - c1, s2 - c2   # the Kahan sums' lost low parts folded back
    out = {}
    if nk == 0:
        return {name: np.full(acc.shape[:2], np.nan) for name, _ in meas}
    with np.errstate(all="ignore"):
        for name, m in meas:
            if m == "min":
                v = lo.copy()
            elif m == "max":
                v = hi.copy()
            elif m == "amplitude":
                v = hi - lo
            elif m == "final":
                v = last.copy()
            elif m == "mean":
                v = K + s1 / nk
            elif m == "std":
                mu = s1 / nk
                v = np.sqrt(np.maximum(s2 / nk - mu * mu, 0.0))
            elif m == "rate":
                span = (t_kept[-1] - t_kept[0]) if nk > 1 else np.nan
                v = count.astype(np.int64) / span * 1000.0
            else:  # period
                c = count.astype(np.int64)
                v = np.where(c >= 2, (last_t - first_t) / np.maximum(c - 1, 1), np.nan)
            v = np.asarray(v, dtype=np.float64)
            v[bad >= 0] = np.nan
            out[name] = v
    return out


def run_stream(job, tick):
    """The chunks of a :func:`nbblox.sweep` job (``job["chunks"]``) with their
    measures accumulated in the kernels: ``{chunk: {measure: array}}``, what
    the trace path's ``reduce_chunk`` gives; ``tick(k)`` after each chunk."""
    spec = job["spec"]
    t = sample_times(job["t0"], job["dt"], job["nsteps"], job["stride"])
    k0 = int(np.searchsorted(t, t[0] + spec["transient"], side="left"))
    thr = spec["options"]["threshold"]
    thr = float(thr) if thr is not None else np.nan
    parts = {}
    # of the whole sweep, not per chunk: one kernel for every chunk
    uniform = uniform_params(job["system"], job["P"])
    for c, (a, b) in enumerate(job["chunks"]):
        X = np.ascontiguousarray(job["X"][a:b])
        acc, steps, bad = run_chunk_stream(
            job["system"], job["method"], X, np.ascontiguousarray(job["P"][a:b]),
            np.ascontiguousarray(job["W"][a:b]), job["t0"], job["dt"], job["nsteps"],
            job["stride"], job["rec"], k0, thr, feats=features(spec["measures"]),
            uniform=uniform)
        parts[c] = {"diverged": bad >= 0, **measures(spec["measures"], acc, bad, t[k0:])}
        tick(b - a)
    return parts
