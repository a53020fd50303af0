"""Where a streamed lockstep block's arrays start, modulo a 4 KiB page.

A lockstep block's instance loop loads and stores whole rows at every step:
its states (``x``), the parameters the sweep varies (``p``) and, when
crossings are counted in the loop, one accumulator row.  On x86 a load
whose address equals a still-buffered earlier store's in the low 12 bits
waits for that store as if it depended on it ("4K aliasing").  With plain
allocations, the rows of a block sometimes landed like that, and the block
ran 1.3-3.4x slower.  On the W4 Euler sweep (fast-math, 16 blocks of 64
FitzHugh-Nagumo instances) a block takes 0.61 ms, and such a block took
up to 2.09 ms.  A process that met one took 45 instead of 35 ms on one
thread, and on two threads that block's thread finished last.

Here each array's block rows are padded to whole pages, so every block's
rows sit at the same place in their pages.  The arrays then start at
offsets that put their *hot* byte spans side by side within one page, so no
load of one array can alias a store to another.  With 20 placements of
this layout, the sweep took 9.80-9.85 ms (300 time units, one thread) and
no block was slow.  With 20 random placements, 14 blocks were slow and a
sweep took up to 13.4 ms.  Where the hot spans do not fit in one page (many
states, or the fold after the step, which touches every accumulator row),
the arrays are allocated as before.  No value changes: only where the
arrays lie.
"""
from __future__ import annotations

import math
import os
from typing import NamedTuple

from .lockstep import PAGE

__all__ = ["PAGE", "PAGES", "Pages", "page_offsets", "rows_per_pages", "block_pages"]

#: module switch: False allocates streamed lockstep blocks as before (``NBBLOX_SWEEP_PAGES=0``
#: at import, for A/B runs)
PAGES = os.environ.get("NBBLOX_SWEEP_PAGES", "1").strip() not in ("0", "false", "no", "off")
#: the accumulator row a lockstep loop updates at every step when it counts crossings in its
#: instance loop (:mod:`nbblox.compile.stream`): the count ("n") or the previous sample ("c")
HOT_ROW = {"n": 6, "c": 9}


class Pages(NamedTuple):
    """Byte offsets modulo :data:`PAGE` of a block's ``x``, ``p`` and accumulator
    arrays, and the accumulator rows per block (padded to whole pages)."""
    x: int
    p: int
    acc: int
    acc_rows: int


def page_offsets(spans, page=PAGE):
    """Start offsets modulo ``page`` for arrays whose block rows are whole
    pages, putting their hot byte spans ``(lo, hi)`` (one per array, within
    a block row; ``hi <= lo``: nothing hot) side by side in one page; None
    when they do not fit in one.

    Examples
    --------
    >>> page_offsets([(0, 1024), (0, 512), (3072, 3584)])
    [0, 1024, 2560]
    >>> page_offsets([(0, 4096), (0, 512)]) is None
    True
    """
    offs, used = [], 0
    for lo, hi in spans:
        if hi <= lo:
            offs.append(0)
            continue
        offs.append((used - lo) % page)
        used += hi - lo
    return offs if used <= page else None


def rows_per_pages(row_bytes, rows, page=PAGE):
    """The fewest rows, at least ``rows``, of ``row_bytes`` each that fill whole pages.

    Examples
    --------
    >>> rows_per_pages(512, 12), rows_per_pages(1536, 12), rows_per_pages(8192, 3)
    (16, 16, 3)
    """
    step = math.lcm(row_bytes, page) // row_bytes
    return -(-rows // step) * step


def block_pages(plan, inloop, feats, n_rec, n_acc):
    """The :class:`Pages` of a streamed lockstep block of ``plan``
    (:class:`~nbblox.sim.sweep.lockstep.LockstepPlan`) recording ``n_rec``
    states with ``n_acc`` accumulator rows, or None when its hot spans do not
    fit in one page.  Hot: every state (the loop loads and stores them all),
    the parameters the sweep varies (the others are loaded once) and, with
    crossings counted in the loop (``inloop`` not None), the row that loop
    updates; the fold after the step (``inloop`` None) touches every row.

    Examples
    --------
    >>> import nbblox as nb
    >>> from nbblox.sim.sweep.lockstep import lockstep_plan
    >>> s = nb.compile(nb.blox.FitzHughNagumo(name="fhn"))    # V, w; I, a, b, tau
    >>> plan = lockstep_plan(s, 64, frozenset({(0, 1), (0, 2), (0, 3)}))   # I varies
    >>> block_pages(plan, ((0, 0),), "n", 1, 12)
    Pages(x=0, p=1024, acc=2560, acc_rows=16)
    >>> block_pages(plan, None, "n", 1, 12) is None
    True
    """
    if inloop is None:
        return None
    row = plan.B * n_rec * 8   # one accumulator row of a block, bytes
    hot = [(g.poff + j * g.n, g.poff + (j + 1) * g.n)
           for gi, g in enumerate(plan.layout.groups) for j in range(len(g.btype.params))
           if (gi, j) not in plan.uniform]
    p_span = (min(a for a, _ in hot) * 8, max(b for _, b in hot) * 8) if hot else (0, 0)
    r = HOT_ROW.get(feats) if inloop else None
    acc_span = (r * row, (r + 1) * row) if r is not None else (0, 0)
    offs = page_offsets([(0, plan.B * plan.nx * 8), p_span, acc_span])
    if offs is None:
        return None
    return Pages(*offs, rows_per_pages(row, n_acc))
