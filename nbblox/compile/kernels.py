"""Kernel modules by layout structure: the generated source in its variants
(strict or fastmath; lockstep finite checks; streaming sweep loops), kept in
memory and in the disk cache, and imported once.

Kernels are generated once per circuit structure (blox types and counts,
whether anything is coupled, the variant) and shared by every System of that
structure.  A variant is a pass over the statements of the strict module
(:func:`nbblox.compile.codegen.module_stmts`) before it is printed
(:func:`module_source`), never an edit of printed text; each variant's text
is cached under its own key (:func:`variant_source`), so a warm run of any
variant needs no SymPy.  The first run of a variant needs the strict
statements (SymPy), kept in memory for the last few structures, so a variant
of a structure compiled in this process costs one pass and one print.
"""
from __future__ import annotations

import copy
import threading

from . import delays
from .cache import cached_source, load_module
from .fastmath import check_fastmath

__all__ = ["kernel_key", "kernel_module", "with_fastmath", "module_source", "variant_source",
           "needs_dense", "dense_cells", "DENSE_TEXT_MIN_CELLS"]

#: a System's kernel text carries the dense coupling branch only when the plan
#: of its edges is a dense window of at least this many (targets x sources)
#: cells; smaller windows (the demo's single edge is a 1 x 1 "dense" window)
#: are summed by the CSR branch, the same terms in the same order
DENSE_TEXT_MIN_CELLS = 64

_source_cache = {}
_stmts_cache = {}
#: strict module statements kept in memory (structures), for further variants
_STMTS_KEPT = 4
# reentrant: the fastmath branch asks for the strict text while holding it
_lock = threading.RLock()


def kernel_key(layout, fastmath=False):
    """What the generated kernel text depends on: the layout structure,
    whether anything is coupled, and the fast-math option (strict kernels
    keep the key they always had, so their disk cache stays warm).

    Examples
    --------
    >>> import nbblox as nb
    >>> L = nb.compile(nb.blox.FitzHughNagumo(name="fhn")).layout
    >>> kernel_key(L, True) == kernel_key(L) + ("fastmath",)
    True
    """
    key = (layout.structure_key, layout.src.size > 0)
    if layout.has_delays and not delays.DENSE_DELAYS:   # the CSR-only text (A/B runs)
        key += ("csr_delays",)
    return (key + ("fastmath",) + _libm_exp()) if fastmath else key


def _libm_exp():
    """The tag of fast-math text printed with libm's exp (``NBBLOX_FAST_EXP=0``)."""
    from .fastmath import FAST_EXP
    return () if FAST_EXP else ("libm_exp",)


def kernel_module(layout, fastmath=False):
    """The kernel module of ``layout``, strict or fastmath (imported once;
    numba compiles each kernel on its first call, or loads it from disk)."""
    return load_module(_source(layout, fastmath))


def _source(layout, fastmath):
    csr = layout.src.size > 0 and not needs_dense(layout)   # an uncoupled text has no sums
    key = kernel_key(layout, fastmath) + ("csr",) * csr
    with _lock:
        src = _source_cache.get(key)
        if src is None:
            src = _source_cache[key] = variant_source(kernel_key(layout), layout, fastmath,
                                                      csr=csr)
        return src


def needs_dense(layout):
    """Whether ``layout``'s kernels need the dense coupling branch: the plan
    of its edges (:func:`nbblox.compile.plan.edge_plan`; of its undelayed
    edges, for the ``run_<m>_full`` kernels) is a dense window of at least
    :data:`DENSE_TEXT_MIN_CELLS` cells.  It depends on ``src`` and ``dst``
    only (never on weights), so changing weights keeps the text right.

    Examples
    --------
    >>> import nbblox as nb
    >>> from nbblox.cli import demo_circuit
    >>> needs_dense(nb.compile(demo_circuit()).layout)     # one edge: a 1 x 1 window
    False
    """
    if layout.src.size == 0:
        return False
    import numpy as np
    src, dst = np.asarray(layout.src), np.asarray(layout.dst)
    edges = [(src, dst)]
    if layout.has_delays:      # run_<m>_full plans the undelayed edges (delay_plan's split)
        und = np.asarray(layout.dly0) == 0.0
        edges.append((src[und], dst[und]))
    return any(dense_cells(s, d) >= DENSE_TEXT_MIN_CELLS for s, d in edges)


def dense_cells(src, dst):
    """Cells of the dense window :func:`nbblox.compile.plan.edge_plan` plans
    for these edges (its mode 2), 0 when it plans CSR -- the same rule in
    NumPy, so choosing a kernel text compiles nothing (a call of the numba
    function from Python would compile a second signature of it on an empty
    numba cache).  ``tests/compile/test_coupling_text.py`` checks both agree.

    Examples
    --------
    >>> import numpy as np
    >>> dense_cells(np.array([1, 0, 1]), np.array([0, 1, 1])), dense_cells(np.array([1, 0]), np.array([0, 0]))
    (4, 0)
    """
    import numpy as np

    from .plan import DENSE_MAX_CELLS, DENSE_MIN_FILL
    src, dst = np.asarray(src, np.int64), np.asarray(dst, np.int64)
    if src.size == 0:
        return 0
    cells = int(dst.max() - dst.min() + 1) * int(src.max() - src.min() + 1)
    order = np.argsort(dst, kind="stable")        # edge_plan's CSR: by target, list order
    cs, cd = src[order], dst[order]
    same = cd[1:] == cd[:-1]
    ordered = not np.any(same & (cs[1:] <= cs[:-1]))
    if ordered and src.size >= DENSE_MIN_FILL * cells and cells <= DENSE_MAX_CELLS:
        return cells
    return 0


def module_source(layout, fastmath=False, or_check=False, stream=None, fuse=False, uniform=(),
                  csr=False, inloop=None):
    """The text of ``layout``'s kernel module in a variant (uncached): the
    strict statements (:func:`nbblox.compile.codegen.module_stmts`, with its
    ``fuse`` and ``uniform``: the lockstep blocks' loops) through
    the passes ``fastmath`` (:func:`nbblox.compile.fastmath.fast_module`),
    ``or_check`` (:func:`nbblox.compile.codegen.or_check`, the lockstep
    blocks' finite check) and ``stream`` (accumulator groups for
    :func:`nbblox.compile.stream.stream_module`, with its ``inloop``), in this order, then printed
    once.  A fastmath module of ``fuse`` statements is built with codegen's
    ``fast`` and printed in latency order (the lockstep blocks' fast text).
    ``csr``: first keep only the CSR branch of the input sums
    (:func:`nbblox.compile.emit.csr_only`; a System whose edges need no
    dense window, :func:`needs_dense`).
    None when the streaming pass does not apply.

    Examples
    --------
    >>> import nbblox as nb
    >>> from nbblox.compile.codegen import generate_source
    >>> L = nb.compile(nb.blox.FitzHughNagumo(name="fhn")).layout
    >>> module_source(L) == generate_source(L)
    True
    >>> "fastmath={'arcp', 'contract', 'reassoc'}" in module_source(L, fastmath=True)
    True
    """
    from . import codegen  # SymPy: only when a module is generated
    from .fastmath import FAST_EXP, fast_module
    from .stream import stream_module
    fast = bool(fastmath and fuse)
    M = _statements(layout, fuse, fast, tuple(uniform))
    if csr:
        from .emit import csr_only
        M = csr_only(M)
    if fastmath:
        M = fast_module(M)
    if or_check:
        M = codegen.or_check(M)
    if stream is not None:
        M = stream_module(M, stream, inloop)
        if M is None:
            return None
    return codegen.render_module(M, latency=fast, fexp=bool(fastmath and FAST_EXP))


def _statements(layout, fuse=False, fast=False, uniform=()):
    """The strict module statements of ``layout``, built once per structure
    in this process (the last :data:`_STMTS_KEPT`): a second variant (the
    fastmath or streaming text of a structure just compiled) only runs its
    pass and the printer.  The passes never change the statements."""
    from .codegen import module_stmts
    key = kernel_key(layout) + ((fuse, fast, uniform) if fuse or fast or uniform else ())
    with _lock:
        M = _stmts_cache.pop(key, None)
        if M is None:
            M = module_stmts(layout, fuse, fast, uniform)
        _stmts_cache[key] = M   # most recent last
        while len(_stmts_cache) > _STMTS_KEPT:
            del _stmts_cache[next(iter(_stmts_cache))]
        return M


def variant_source(key, layout, fastmath=False, or_check=False, stream=None, fuse=False,
                   uniform=(), csr=False, inloop=None):
    """:func:`module_source` of ``layout`` from the disk cache, under the
    structure ``key`` of the strict module plus the variant's tags (the
    fastmath text keeps the key it always had; ``key`` must tell ``fuse`` and
    ``uniform`` apart, as the lockstep plan's does; ``csr`` and the streaming
    pass's ``inloop`` add their own tags); None when the streaming pass does
    not apply (not cached)."""
    key = (tuple(key) + (("fastmath",) + _libm_exp()) * bool(fastmath)
           + ("or_check",) * bool(or_check))
    if stream is not None:
        key += (("stream", stream),)
        if inloop is not None:
            key += (("inloop", tuple(inloop)),)
    key += ("csr",) * bool(csr)

    def make():
        src = module_source(layout, fastmath, or_check, stream, fuse, uniform, csr, inloop)
        if src is None:
            raise _NoStream
        return src
    try:
        return cached_source(key, make)
    except _NoStream:
        return None


class _NoStream(Exception):
    """The streaming pass did not apply (nothing is cached)."""


def with_fastmath(system, fastmath):
    """``system`` itself when its kernels already are ``fastmath``, else a
    shallow copy (the same parameter, weight and initial-state objects)
    running the other kernels.  NumPy-backend systems are returned as they are.

    Examples
    --------
    >>> import nbblox as nb
    >>> s = nb.compile(nb.blox.FitzHughNagumo(name="fhn"))
    >>> f = with_fastmath(s, True)
    >>> (s.fastmath, f.fastmath, f.params is s.params, with_fastmath(f, True) is f)
    (False, True, True, True)
    """
    fastmath = check_fastmath(fastmath)
    if system.backend != "numba" or system.fastmath == fastmath:
        return system
    other = copy.copy(system)
    other._k = kernel_module(system.layout, fastmath)
    other.fastmath = fastmath
    return other
