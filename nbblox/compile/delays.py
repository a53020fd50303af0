"""The dense delayed path: delayed continuous coupling read from a doubled,
source-major history, with no modulo and no branch in the inner loop.

The ``run_<m>_full`` kernels keep the delay history ``hist`` as a ring of
``H`` rows (one per step, :mod:`nbblox.compile.netcode`) and, by default,
read each delayed edge through CSR: ``row = hrow - dk[e]; if row < 0: row
+= H; acc += dw[e] * hist[row, dsrc[e]]`` -- per edge an index load, a
delay load, a wrap-around and a gather, and one dependent floating-point
add chain per target (latency-bound: a 512-node connectome waits ~4 cycles
per edge).

When every delay is a whole number of steps and the delayed edges fill at
least :data:`~nbblox.compile.plan.DENSE_MIN_FILL` of their (targets x
sources) window, :func:`dense_delay_plan` builds instead, once per kernel
call:

* ``hs``: for each source ``b`` of the window a *doubled* row of ``2H``
  values, ``hs[b*2H + r] == hs[b*2H + r + H] == hist[r, b0 + b]`` (every
  store writes both copies, :func:`dense_delay_store`), so the value of
  ``d`` steps ago (``1 <= d < H``) is at ``hrow + H - d``: always inside the
  row, no wrap-around;
* ``WT[b, a]``: the weights, transposed (source-major), and
  ``OFFT[b, a] = b*2H + H - dk``: each edge's offset into ``hs``, so a read
  is ``hs[hrow + OFFT[b, a]]`` (one integer add).

:func:`dense_delay_sum` then loops sources outside and targets inside,
with one accumulator per target: each target still adds its edges in
increasing source order, exactly as the CSR loop does, so the sums are the
same bit for bit (absent edges add ``0.0 * value``, which changes nothing
but the sign of a zero sum), while the inner loop carries no dependency
between iterations.  The history rows the kernel keeps in ``hist`` are
unchanged, so a resumed call (spike buffer full, callbacks) rebuilds ``hs``
from them and continues bit for bit.

Only the stages that read whole-step delays take this path (every Euler
stage, the first stage of the other schemes); stages at fractional times
interpolate through the CSR as before.  Set :data:`DENSE_DELAYS` to False
(environment ``NBBLOX_DENSE_DELAYS=0`` at import) to generate kernels
without it (the CSR path everywhere, e.g. for A/B runs): the switch is part
of :func:`nbblox.compile.kernels.kernel_key`, so the two texts are cached
apart.
"""
from __future__ import annotations

import os

import numpy as np

from .ir import Assign, Expr, If, Verbatim
from .jit import njit
from .plan import DENSE_MAX_CELLS, DENSE_MIN_FILL

__all__ = ["DENSE_DELAYS", "dense_delay_plan", "dense_delay_store", "dense_delay_sum"]

#: emit the dense delayed path in generated kernels (``NBBLOX_DENSE_DELAYS=0``: not)
DENSE_DELAYS = os.environ.get("NBBLOX_DENSE_DELAYS", "1").strip() not in ("0", "false", "no",
                                                                         "off")


@njit(cache=True, nogil=True)
def dense_delay_plan(dptr, dsrc, dw, dk, dint, n_in, hist):
    """``(on, WT, OFFT, hs, dacc, a0, b0)`` for the delayed edges of
    :func:`nbblox.compile.plan.delay_plan` (CSR by target, whole-step
    delays ``dk``) and the history ``hist`` (H, n_outputs); ``on`` False
    (empty arrays) when the dense path does not apply.

    Examples
    --------
    >>> import numpy as np
    >>> dptr, dsrc = np.array([0, 2, 3]), np.array([0, 1, 1])   # 0,1 -> 0; 1 -> 1
    >>> dw, dk = np.array([1.0, 2.0, 3.0]), np.array([1, 2, 3])
    >>> on, WT, OFFT, hs, dacc, a0, b0 = dense_delay_plan(dptr, dsrc, dw, dk, True, 2,
    ...                                                    np.zeros((5, 2)))
    >>> bool(on), WT.tolist(), OFFT.tolist(), hs.size
    (True, [[1.0, 0.0], [2.0, 3.0]], [[4, 5], [13, 12]], 20)
    """
    nd = dsrc.shape[0]
    H = hist.shape[0]
    off = (False, np.zeros((0, 0)), np.zeros((0, 0), np.int64), np.zeros(0), np.zeros(0), 0, 0)
    if not dint or nd == 0:
        return off
    a0, a1, b0, b1 = n_in, -1, dsrc[0], dsrc[0]
    ordered = True
    for a in range(n_in):
        if dptr[a + 1] > dptr[a]:
            a0, a1 = min(a0, a), max(a1, a)
        for k in range(dptr[a], dptr[a + 1]):
            b0, b1 = min(b0, dsrc[k]), max(b1, dsrc[k])
            if k > dptr[a] and dsrc[k] <= dsrc[k - 1]:
                ordered = False
            if dk[k] < 1 or dk[k] >= H:
                ordered = False   # not a delay the doubled row can hold
    na, nb = a1 - a0 + 1, b1 - b0 + 1
    cells = na * nb
    if not ordered or nd < DENSE_MIN_FILL * cells or cells > DENSE_MAX_CELLS \
            or nb * 2 * H > DENSE_MAX_CELLS:
        return off
    WT = np.zeros((nb, na))
    OFFT = np.empty((nb, na), np.int64)
    for b in range(nb):
        for a in range(na):
            OFFT[b, a] = b * 2 * H + H   # absent edge: weight 0 times a stored value
    for a in range(a0, a1 + 1):
        for k in range(dptr[a], dptr[a + 1]):
            b = dsrc[k] - b0
            WT[b, a - a0] = dw[k]
            OFFT[b, a - a0] = b * 2 * H + H - dk[k]
    hs = np.empty(nb * 2 * H)
    for b in range(nb):
        for r in range(H):
            v = hist[r, b0 + b]
            hs[b * 2 * H + r] = v
            hs[b * 2 * H + r + H] = v
    return True, WT, OFFT, hs, np.zeros(na), a0, b0



@njit(cache=True, nogil=True)
def dense_delay_store(hs, o, b0, hrow, step, H):
    """Store the outputs of the window's sources at ring row ``hrow`` (both
    copies); at step 0 every row, as the kernel fills ``hist``."""
    nb = hs.shape[0] // (2 * H) if H > 0 else 0
    for b in range(nb):
        v = o[b0 + b]
        base = b * 2 * H
        if step == 0:
            for r in range(2 * H):
                hs[base + r] = v
        else:
            hs[base + hrow] = v
            hs[base + hrow + H] = v


@njit(cache=True, nogil=True)
def dense_delay_sum(u, dacc, WT, OFFT, hs, hrow, a0):
    """``u[a0 + a] += sum_b WT[b, a] * (output b, OFFT's delay ago)``, each
    target's terms added in increasing source order (the CSR order).

    Examples
    --------
    >>> import numpy as np
    >>> WT, OFFT = np.array([[2.0]]), np.array([[1]])
    >>> hs, u = np.array([5.0, 7.0, 5.0, 7.0]), np.zeros(1)   # H = 2, one source
    >>> dense_delay_sum(u, np.zeros(1), WT, OFFT, hs, 1, 0); u.tolist()
    [10.0]
    """
    na = WT.shape[1]
    for a in range(na):
        dacc[a] = 0.0
    for b in range(WT.shape[0]):
        wr = WT[b]
        orow = OFFT[b]
        for a in range(na):
            dacc[a] += wr[a] * hs[hrow + orow[a]]
    for a in range(na):
        u[a0 + a] += dacc[a]


# ---- the statements netcode emits (:mod:`nbblox.compile.ir`; kept here so
# netcode carries only the hooks) ----
IMPORT = "from nbblox.compile.delays import dense_delay_plan, dense_delay_store, dense_delay_sum"


def emitted(layout):
    """Whether generated kernels of ``layout`` carry the dense delayed path."""
    return bool(DENSE_DELAYS and layout.has_delays)


def import_item():
    """The generated module's import of this module's kernels."""
    return Verbatim(IMPORT)


def plan_stmt():
    """The kernel preamble's plan (after ``H = hist.shape[0]``)."""
    return Assign("dl_on, dl_WT, dl_OFF, dl_hs, dl_acc, dl_a0, dl_b0",
                  "dense_delay_plan(dptr, dsrc, dw, dk, dint, np.int64(N_INPUTS), hist)")


def store_stmts():
    """After the history store of stage 1: both copies in ``hs``."""
    return [If([("dl_on", [Expr("dense_delay_store(dl_hs, o, dl_b0, hrow, step, H)")])])]


def read_branch():
    """The dense read: the first branch of the whole-step delayed sums (the
    CSR branches follow it)."""
    return ("dl_on", [Expr("dense_delay_sum(u, dl_acc, dl_WT, dl_OFF, dl_hs, hrow, dl_a0)")])
