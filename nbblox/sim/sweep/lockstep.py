"""Lockstep sweeps: ``LANES`` parameter sets integrated by one loop over arrays.

A sweep over parameters of one System would otherwise run each instance's
own scalar time loop (latency-bound: nothing vectorises across instances).
Here the circuit is *replicated* ``LANES`` times into one layout -- group
``g`` with ``n`` instances becomes a group of ``n * LANES`` instances,
replica ``b`` holding instances ``b*n .. b*n + n - 1`` -- and its ordinary
generated ``run_<m>`` loop advances all replicas together, so the model body
runs over contiguous arrays.  Each replica computes exactly what the
single-instance kernel computes (same expressions, same order, coupling
summed per target in edge order), so the results are bit-for-bit those of
:func:`nbblox.simulate`; the caller re-runs a block one instance at a time
when any replica in it diverges, so a blow-up is reported per instance.
A System with ``fastmath`` kernels gets lockstep kernels of the same
variant (:func:`nbblox.compile.fastmath.fast_module`): the replicas'
instance loops then vectorise with contracted products, within the
fastmath tolerance of the strict ones.  Every lockstep module checks a
step's states with one vectorised OR (:func:`nbblox.compile.codegen.or_check`).

A layout without coupling gets *fused* loops
(:func:`nbblox.compile.codegen.module_stmts` with ``fuse=True``): each
replica does its whole step, every stage, in one pass, its fastmath text
sums in latency order, and the parameters the sweep does not vary
(:func:`uniform_params`) are loaded once per call; the strict fused loops
are still bit for bit the single-instance kernel's.
"""
from __future__ import annotations

import threading

import numpy as np

from ...compile.cache import load_module
from ...compile.kernels import variant_source
from ...compile.layout import Coupling, Group, Layout, States

__all__ = ["LANES", "TAIL_LANES", "FUSED_LANES", "NARROW", "lockstep_plan", "use_lockstep",
           "tail_lanes", "blocks", "aligned_empty"]

#: replicas per lockstep block (a block is one numba task; blocks run in parallel);
#: a multiple of 8 so the instance loops vectorise without a remainder (AVX-512)
LANES = 32
#: replicas per block for the instances left over (n % LANES): padding wastes < 8
TAIL_LANES = 8
#: replicas per block of an uncoupled (fused) layout when that pads no more than
#: LANES would: fewer blocks, so the per-step cost of a block (the measures' fold,
#: the loop setup) is shared by more replicas (W4, RK4, 1 thread, load ~11: 32 lanes
#: 0.157 s CPU, 64 lanes 0.146-0.150 s, 128 lanes 0.148-0.151 s)
FUSED_LANES = 64
#: largest replicated state vector (beyond it, instances run one by one)
MAX_STATES = 1 << 20
#: a group this wide vectorises in one instance's own loop: a sweep of fewer
#: than 2 * LANES instances of a layout with such a group runs them one by one
NARROW = 8

#: bytes in a page (the period of 4K aliasing, :mod:`.pages`)
PAGE = 4096

_lock = threading.Lock()
_plans = {}


def use_lockstep(system, n):
    """Whether a sweep of ``n`` instances of ``system`` runs in lockstep.

    From ``2 * LANES`` instances always (every thread gets a block).  Fewer
    instances too when the layout is uncoupled and no group has
    :data:`NARROW` instances: one such instance's own loop cannot vectorise
    (a FitzHugh-Nagumo RK4 step is a ~40 ns dependency chain), so even one
    block padded to ``LANES`` replicas runs ten 20 000-step RK4 instances in
    1.7 ms instead of 10.5 ms one by one (quiet machine, session 33).

    Examples
    --------
    >>> import nbblox as nb
    >>> s = nb.compile(nb.blox.FitzHughNagumo(name="fhn"))
    >>> use_lockstep(s, 1000), use_lockstep(s, 10), use_lockstep(s, 1)
    (True, True, False)
    >>> wide = nb.compile(nb.Circuit([nb.blox.FitzHughNagumo(name=f"f{i}") for i in range(8)]))
    >>> use_lockstep(wide, 10), use_lockstep(wide, 2 * LANES)
    (False, True)
    """
    L = system.layout
    if not (system.backend == "numba" and not L.needs_full_kernel
            and len(L.state_names) * LANES <= MAX_STATES):
        return False
    if n >= 2 * LANES:
        return True
    return n >= 2 and L.src.size == 0 and max((g.n for g in L.groups), default=0) < NARROW


def tail_lanes(system):
    """Replicas per block for the ``n % LANES`` instances left over.

    An uncoupled layout's loops are fused (one pass per step, see
    :func:`nbblox.compile.codegen.generate_source`), and a fused block of 8
    replicas costs about what a block of 32 costs (FHN, fastmath, 100 000
    steps, load 11: Euler 0.0021 vs 0.0026 s, RK4 0.0066 vs 0.0052 s), so
    its tail is one block of ``LANES`` padded with copies of the last
    instance, not up to four blocks of 8.  Coupled layouts keep
    :data:`TAIL_LANES`.

    Examples
    --------
    >>> import nbblox as nb
    >>> tail_lanes(nb.compile(nb.blox.FitzHughNagumo(name="fhn")))
    32
    """
    return LANES if system.layout.src.size == 0 else TAIL_LANES


def blocks(system, n):
    """The lockstep calls for ``n`` instances: ``[(a, b, lanes), ...]``, each
    one kernel call over instances ``a .. b-1`` in blocks of ``lanes``.

    Uncoupled layouts (tail padded, :func:`tail_lanes`) run as *one*
    call, so the numba threads share every block: with the tail as a
    second call, 1000 instances were 31 blocks on 2 threads (16 and 15) and
    then one block while the other thread waited, spinning (libgomp's
    default wait policy counts that as CPU time).  Their blocks are
    :data:`FUSED_LANES` wide where that pads no more than :data:`LANES` and
    still makes two blocks or more (64 instances: two blocks of 32, not one of 64).

    Examples
    --------
    >>> import nbblox as nb
    >>> s = nb.compile(nb.blox.FitzHughNagumo(name="fhn"))
    >>> blocks(s, 1000), blocks(s, 70)
    ([(0, 1000, 64)], [(0, 70, 32)])
    """
    B = tail_lanes(system)
    if B == LANES:   # wide blocks only where each thread still gets one (n >= 2 of them)
        pad = lambda k: -(-n // k) * k   # noqa: E731
        wide = pad(FUSED_LANES) == pad(LANES) and n >= 2 * FUSED_LANES
        return [(0, n, FUSED_LANES if wide else LANES)] if n else []
    n_main = (n // LANES) * LANES
    return [(a, b, k) for a, b, k in ((0, n_main, LANES), (n_main, n, B)) if b > a]


def _replicated_layout(L, B):
    """``L`` with every group ``B`` times as large (replica ``b`` at instances
    ``b*n .. b*n + n - 1``) and ``B`` times the edges (sizes matter to the
    code generator, values do not)."""
    groups, xo, po, uo, oo = [], 0, 0, 0, 0
    for g in L.groups:
        t = g.btype
        G = Group(btype=t, names=list(g.names) * B, xoff=xo, poff=po, uoff=uo, ooff=oo,
                  population=g.population)
        groups.append(G)
        xo += len(t.states) * G.n
        po += len(t.params) * G.n
        uo += len(t.inputs) * G.n
        oo += len(t.output_text) * G.n
    src = np.zeros(L.src.size * B, np.int64)
    return Layout(
        groups=groups,
        states=States(state_names=list(range(xo)), param_names=list(range(po)),
                      x0=np.zeros(xo), p0=np.zeros(po)),
        coupling=Coupling(src=src, dst=src.copy(), w0=np.zeros(src.size),
                          dly0=np.zeros(src.size), n_inputs=uo, n_outputs=oo,
                          out_passes=L.out_passes))


def _slot_map(L, B, kind):
    """(B, n_slots) index of each single-instance slot in replica b."""
    count = {"x": lambda t: len(t.states), "p": lambda t: len(t.params),
             "u": lambda t: len(t.inputs), "o": lambda t: len(t.output_text)}[kind]
    off = {"x": "xoff", "p": "poff", "u": "uoff", "o": "ooff"}[kind]
    base, width, big = [], [], 0
    for g in L.groups:
        m, n = count(g.btype), g.n
        start = getattr(g, off)
        assert start * B == big
        k = np.repeat(np.arange(m), n)
        i = np.tile(np.arange(n), m)
        base.append(big + k * n * B + i)
        width.append(np.full(m * n, n))
        big += m * n * B
    base = np.concatenate(base) if base else np.zeros(0, np.int64)
    width = np.concatenate(width) if width else np.zeros(0, np.int64)
    return (base[None, :] + np.arange(B)[:, None] * width[None, :]).astype(np.int64)


class LockstepPlan:
    """The replicated kernel module of a System and its index maps."""

    def __init__(self, system, B, uniform=frozenset()):
        L = system.layout
        self.B = B
        #: the replicated layout, its cache key and the variant it is generated in;
        #: uncoupled: each instance's whole step in one pass (codegen's ``fuse``),
        #: the parameters the sweep does not vary loaded once (``uniform``)
        self.layout = _replicated_layout(L, B)
        self.uniform = tuple(sorted(uniform))
        self.key = ("lockstep", L.structure_key, L.src.size, B, "fused", self.uniform)
        self.fastmath = bool(system.fastmath)
        self.module = load_module(self.source())
        self.xmap = _slot_map(L, B, "x")
        self.pmap = _slot_map(L, B, "p")
        self.umap, self.omap = _slot_map(L, B, "u"), _slot_map(L, B, "o")
        self.nx, self.np_ = self.xmap.shape[1], self.pmap.shape[1]

    def source(self, stream=None, inloop=None):
        """The text of this block's module (``stream``: with the streaming
        loops for these accumulator groups, ``inloop``: counting crossings in
        the instance loops, :func:`nbblox.compile.stream.stream_module`)."""
        return variant_source(self.key, self.layout, self.fastmath, or_check=True, stream=stream,
                              fuse=True, uniform=self.uniform, inloop=inloop)

    def edges(self, L):
        """Replicated (src, dst), replica-major: each replica keeps the
        single instance's edge order."""
        if not L.src.size:
            return np.zeros(0, np.int64), np.zeros(0, np.int64)
        return self.omap[:, L.src].ravel(), self.umap[:, L.dst].ravel()

    def pack(self, A, amap, width, page_offset=None):
        """(n, width) rows -> (blocks, B*width) replicated vectors (last row
        repeated to fill the final block); with ``page_offset``, each block's
        row padded (with zeros) to whole pages, starting that many bytes
        into a page (:mod:`.pages`)."""
        n, B = A.shape[0], self.B
        nb = -(-n // B)
        pad = np.concatenate([A, np.repeat(A[-1:], nb * B - n, axis=0)]) if nb * B > n else A
        if page_offset is None:
            out = aligned_empty((nb, B * width))
        else:
            out = aligned_empty((nb, -(-B * width * 8 // PAGE) * PAGE // 8), PAGE, page_offset)
            out[:, B * width:] = 0.0
        out[:, amap.ravel()] = pad.reshape(nb, B * width)
        return out


def aligned_empty(shape, align=64, offset=0):
    """An uninitialised float64 array of ``shape`` whose data start
    ``offset`` bytes past an ``align``-byte boundary: a lockstep block's rows
    (a multiple of 8 doubles) then each start a cache line, so the vectorised
    instance loops' 512-bit loads and stores never straddle two.  NumPy's
    allocator gives 16 bytes; the W4 Euler kernel folding after the step ran
    42 ms with its states aligned and 58 ms at 16 bytes past (in-process,
    load 5.5).  ``align=PAGE`` with an offset places a block within its page
    (:mod:`.pages`).

    Examples
    --------
    >>> a = aligned_empty((3, 8))
    >>> a.shape, a.ctypes.data % 64, a.flags.c_contiguous
    ((3, 8), 0, True)
    >>> aligned_empty((2, 512), PAGE, 1024).ctypes.data % PAGE
    1024
    """
    n = int(np.prod(shape, dtype=np.int64)) * 8
    buf = np.empty(n + align + offset, np.uint8)
    k = -buf.ctypes.data % align + offset
    return buf[k:k + n].view(np.float64).reshape(shape)


def uniform_params(system, P):
    """``(group, parameter)`` pairs of ``system`` whose value is the same,
    bit for bit, in every row of ``P`` (one row per instance) and every
    instance of the group: what a lockstep plan may load once
    (:func:`nbblox.compile.codegen.generate_source`, ``uniform``).  Empty
    for a coupled layout (its loops are not fused).

    Examples
    --------
    >>> import numpy as np, nbblox as nb
    >>> s = nb.compile(nb.blox.FitzHughNagumo(name="fhn"))   # I, a, b, tau
    >>> P = np.tile(s.param_vector(), (3, 1)); P[:, 0] = [0.1, 0.2, 0.3]
    >>> sorted(uniform_params(s, P))
    [(0, 1), (0, 2), (0, 3)]
    """
    L = system.layout
    if L.src.size or P.shape[0] == 0:
        return frozenset()
    out = []
    for gi, g in enumerate(L.groups):
        for j in range(len(g.btype.params)):
            cols = P[:, g.poff + j * g.n: g.poff + (j + 1) * g.n].view(np.int64)
            if (cols == cols[0, 0]).all():
                out.append((gi, j))
    return frozenset(out)


def lockstep_plan(system, lanes=LANES, uniform=frozenset()):
    """The (cached) :class:`LockstepPlan` of ``system`` for blocks of ``lanes``
    (``uniform``: see :func:`uniform_params`).

    Examples
    --------
    >>> import nbblox as nb
    >>> s = nb.compile(nb.blox.FitzHughNagumo(name="fhn"))
    >>> plan = lockstep_plan(s, 8)
    >>> plan.xmap.shape                  # 8 replicas x 2 states
    (8, 2)
    """
    key = (system._k.__name__, system.layout.src.size, lanes, frozenset(uniform))
    with _lock:
        plan = _plans.get(key)
        if plan is None:
            plan = _plans[key] = LockstepPlan(system, lanes, frozenset(uniform))
        return plan


def pack_block(system, X, P, W, rec, lanes, uniform=frozenset(), pages=None):
    """The arrays a lockstep kernel runs for one block of instances (rows of
    ``X``, ``P``, ``W``) in groups of ``lanes``: ``(plan, x_big, p_big, w_big,
    src, dst, rec_big)``.  A last group that is not full repeats the last
    instance's weights (its extra lanes are discarded by the caller).
    ``pages`` (:class:`~.pages.Pages`): states and parameters in whole pages
    at its offsets."""
    L = system.layout
    plan = lockstep_plan(system, lanes, uniform)
    m = X.shape[0]
    x_big = plan.pack(X, plan.xmap, plan.nx, None if pages is None else pages.x)
    p_big = plan.pack(P, plan.pmap, plan.np_, None if pages is None else pages.p)
    nb = x_big.shape[0]
    if nb * lanes > m:
        W = np.concatenate([W, np.repeat(W[-1:], nb * lanes - m, axis=0)])
    w_big = np.ascontiguousarray(W.reshape(nb, lanes * L.src.size))
    src, dst = plan.edges(L)
    rec_big = np.ascontiguousarray(plan.xmap[:, rec].ravel())
    return plan, x_big, p_big, w_big, src, dst, rec_big
