"""Coupling plans: the edge list rearranged once per kernel call for the
fastest per-stage weighted sum.

The layout keeps continuous connections as an edge list sorted by target
(``u[dst[e]] += w[e] * o[src[e]]``).  Scattering through it costs a gather
and a read-modify-write of ``u`` per edge per stage.  At kernel entry the
fixed-step loops call :func:`edge_plan` (or :func:`delay_plan` for the
``run_<m>_full`` kernels) and then, every stage, accumulate each target in
a register:

* mode 2, **dense**: when at least a quarter of the (targets x sources)
  window is connected, a dense ``WD[a, b]`` matrix and a per-target dot
  product over contiguous memory (a dense connectome: ~3.5x faster); used
  only when each target's sources are listed in increasing order without
  repeats, so it adds the same terms in the same order as the CSR;
* mode 1, **CSR by target**: ``indptr`` over ``dst`` with a local
  accumulator (bit-identical to the scatter: same summation order).

Delayed edges are split from undelayed ones once, with integer step delays
``dk``; when every delay is a whole number of steps
(``dint``) the first stage of each step reads the history row directly,
without floor or interpolation.  Weights stay runtime data: changing
``System.weights`` only changes the next plan.
"""
from __future__ import annotations

import numpy as np

from .jit import njit

__all__ = ["edge_plan", "csr_plan", "delay_plan", "DENSE_MIN_FILL", "DENSE_MAX_CELLS"]

DENSE_MIN_FILL = 0.25        # dense when edges >= this fraction of the window
DENSE_MAX_CELLS = 1 << 24    # and the window holds at most 16 M doubles (128 MB)


@njit(cache=True, nogil=True)
def _csr(keep, w, src, dst, n_in):
    """Edges with ``keep[e]`` as CSR by target (a stable counting sort, so
    each target sums its edges in edge-list order)."""
    ne = src.shape[0]
    ptr = np.zeros(n_in + 1, np.int64)
    for e in range(ne):
        if keep[e]:
            ptr[dst[e] + 1] += 1
    for a in range(n_in):
        ptr[a + 1] += ptr[a]
    m = ptr[n_in]
    fill = ptr[:n_in].copy()
    cs, cw, ce = np.empty(m, np.int64), np.empty(m), np.empty(m, np.int64)
    for e in range(ne):
        if keep[e]:
            k = fill[dst[e]]
            cs[k], cw[k], ce[k] = src[e], w[e], e
            fill[dst[e]] += 1
    return ptr, cs, cw, ce


@njit(cache=True, nogil=True)
def edge_plan(w, src, dst, n_in):
    """(mode, ptr, csrc, cw, WD, a0, b0) for the edges ``w, src, dst``.

    ``ptr`` (n_in + 1), ``csrc``, ``cw``: CSR by target (mode 1).  In mode 2
    ``WD`` (targets window x sources window) holds the weights, row ``a``
    for input ``a0 + a`` and column ``b`` for output ``b0 + b``.

    Examples
    --------
    >>> import numpy as np
    >>> src, dst = np.array([1, 0, 1]), np.array([0, 1, 1])   # sorted by target
    >>> mode, ptr, cs, cw, WD, a0, b0 = edge_plan(np.array([2.0, 3.0, 4.0]), src, dst, 2)
    >>> int(mode), ptr.tolist(), WD.tolist()
    (2, [0, 1, 3], [[0.0, 2.0], [3.0, 4.0]])
    """
    ne = src.shape[0]
    keep = np.ones(ne, np.bool_)
    ptr, cs, cw, _ = _csr(keep, w, src, dst, n_in)
    if ne == 0:
        return 1, ptr, cs, cw, np.zeros((1, 1)), 0, 0
    a0, a1, b0, b1 = dst[0], dst[0], src[0], src[0]
    for e in range(ne):
        a0, a1 = min(a0, dst[e]), max(a1, dst[e])
        b0, b1 = min(b0, src[e]), max(b1, src[e])
    cells = (a1 - a0 + 1) * (b1 - b0 + 1)
    ordered = True  # each target's sources strictly increasing: no duplicates
    for a in range(n_in):
        for k in range(ptr[a] + 1, ptr[a + 1]):
            if cs[k] <= cs[k - 1]:
                ordered = False
    # dense only where it sums the same terms in the same order as the CSR
    # (the zeros it adds change nothing but the sign of a zero sum)
    if ordered and ne >= DENSE_MIN_FILL * cells and cells <= DENSE_MAX_CELLS:
        WD = np.zeros((a1 - a0 + 1, b1 - b0 + 1))
        for a in range(n_in):
            for k in range(ptr[a], ptr[a + 1]):
                WD[a - a0, cs[k] - b0] = cw[k]
        return 2, ptr, cs, cw, WD, a0, b0
    return 1, ptr, cs, cw, np.zeros((1, 1)), 0, 0


@njit(cache=True, nogil=True)
def csr_plan(w, src, dst, n_in):
    """(ptr, csrc, cw): the CSR by target of :func:`edge_plan`, alone -- what
    a kernel text without the dense branch reads
    (:func:`nbblox.compile.emit.csr_only`).  The same stable counting sort as
    ``edge_plan``'s, so the same arrays, with a third of its compile time on
    an empty numba cache (no dense-window analysis, no ``keep`` mask).

    Kernels pass ``n_in`` as ``np.int64(N_INPUTS)``: the bare module constant
    would be typed ``Literal[int](N)`` and compile (and cache) one signature
    per circuit size.

    Examples
    --------
    >>> import numpy as np
    >>> ptr, cs, cw = csr_plan(np.array([2.0, 3.0, 4.0]), np.array([1, 0, 1]),
    ...                        np.array([1, 0, 1]), 2)
    >>> ptr.tolist(), cs.tolist(), cw.tolist()
    ([0, 1, 3], [0, 1, 1], [3.0, 2.0, 4.0])
    """
    ne = src.shape[0]
    ptr = np.zeros(n_in + 1, np.int64)
    for e in range(ne):
        ptr[dst[e] + 1] += 1
    for a in range(n_in):
        ptr[a + 1] += ptr[a]
    fill = np.empty(n_in, np.int64)
    for a in range(n_in):
        fill[a] = ptr[a]
    cs, cw = np.empty(ne, np.int64), np.empty(ne)
    for e in range(ne):
        k = fill[dst[e]]
        cs[k], cw[k] = src[e], w[e]
        fill[dst[e]] += 1
    return ptr, cs, cw


@njit(cache=True, nogil=True)
def delay_plan(w, src, dst, dls, n_in):
    """Split edges into undelayed and delayed (``dls[e] > 0`` steps).

    Returns ``(uw, usrc, udst, dptr, dsrc, dw, dk, dd, dint)``: the
    undelayed edge list (for :func:`edge_plan`), and the delayed edges as
    CSR by target with delays ``dd`` (steps), ``dk = floor(dd)`` and
    ``dint`` True when every delay is a whole number of steps.

    Examples
    --------
    >>> import numpy as np
    >>> plan = delay_plan(np.array([1.0, 2.0]), np.array([0, 1]), np.array([0, 0]),
    ...                   np.array([0.0, 12.0]), 1)
    >>> plan[0].tolist(), plan[3].tolist(), plan[6].tolist(), bool(plan[8])
    ([1.0], [0, 1], [12], True)
    """
    ne = src.shape[0]
    undl = np.empty(ne, np.bool_)
    for e in range(ne):
        undl[e] = dls[e] == 0.0
    nu = 0
    for e in range(ne):
        if undl[e]:
            nu += 1
    uw, usrc, udst = np.empty(nu), np.empty(nu, np.int64), np.empty(nu, np.int64)
    iu = 0
    for e in range(ne):
        if undl[e]:
            uw[iu], usrc[iu], udst[iu] = w[e], src[e], dst[e]
            iu += 1
    dptr, dsrc, dw, de = _csr(~undl, w, src, dst, n_in)
    nd = dsrc.shape[0]
    dk, dd = np.empty(nd, np.int64), np.empty(nd)
    dint = True
    for k in range(nd):
        d = dls[de[k]]
        dd[k] = d
        dk[k] = int(np.floor(d))
        if d - dk[k] != 0.0:
            dint = False
    return uw, usrc, udst, dptr, dsrc, dw, dk, dd, dint
