"""Kernel modules by layout structure: the generated source (strict, or its
fastmath rewrite), kept in memory and in the disk cache, and imported once.

Kernels are generated once per circuit structure (blox types and counts,
whether anything is coupled, strict or fastmath) and shared by every System
of that structure.  The fastmath text is derived from the strict one
(:func:`nbblox.compile.fastmath.fast_source`), so it costs no SymPy once
the strict kernels of the structure were generated.
"""
from __future__ import annotations

import copy
import threading

from . import delays
from .cache import cached_source, load_module
from .fastmath import check_fastmath, fast_source

__all__ = ["kernel_key", "kernel_module", "with_fastmath"]

_source_cache = {}
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
    return (key + ("fastmath",)) if fastmath else key


def kernel_module(layout, fastmath=False):
    """The kernel module of ``layout``, strict or fastmath (imported once;
    numba compiles each kernel on its first call, or loads it from disk)."""
    return load_module(_source(layout, fastmath))


def _source(layout, fastmath):
    key = kernel_key(layout, fastmath)
    with _lock:
        src = _source_cache.get(key)
        if src is None:
            make = ((lambda: fast_source(_source(layout, False))) if fastmath
                    else (lambda: _generate(layout)))
            src = _source_cache[key] = cached_source(key, make)
        return src


def _generate(layout):
    from .codegen import generate_source
    return generate_source(layout)


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
