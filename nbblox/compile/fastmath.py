"""Fast-math kernels: the strict generated source, rewritten to allow
reassociation (``nb.compile(..., fastmath=True)`` or
``nb.simulate(..., fastmath=True)``; off by default).

The policy is declared once, here (:data:`FLAGS`), and applied to the text
:func:`nbblox.compile.codegen.generate_source` made, so the strict code
generator stays the one source of truth:

* every ``@njit`` of the kernel module gets ``fastmath=FLAGS``: LLVM may
  reassociate sums and products, contract ``a*b + c`` into a fused
  multiply-add and use reciprocals.  The flags deliberately leave out
  ``nnan``/``ninf`` and ``nsz`` (so the per-step non-finite check still
  stops a run that blew up: with ``nsz`` and ``reassoc`` together LLVM
  rewrote ``x + dt*r*x`` so that the check never saw the overflow; tested)
  and ``afn`` (``exp``/``log`` stay the libm functions);
* the dense coupling block (mode 2 of :mod:`nbblox.compile.plan`, chosen
  by density) is summed row by row over contiguous views
  (``WD[a]``, ``o[b0:b1]``): with ``reassoc`` LLVM vectorises that
  reduction (the strict ``WD[a, b] * o[b0 + b]`` form, whose index
  arithmetic LLVM does not prove in range, stays scalar even with the
  flags: 13x slower at 128 x 128).

Results differ from the strict kernel in the last bits of each sum and of
each contracted product: on the W2 Wilson-Cowan network every state stays
within 1e-12 relative of the strict run over 2000 Euler steps
(tests/compile/test_fastmath.py); a chaotic or spiking model amplifies any
such difference over time, as it would a change of compiler.
"""
from __future__ import annotations

import copy
import re

from ..exceptions import CompileError

__all__ = ["FLAGS", "TOLERANCE", "check_fastmath", "fast_source", "with_fastmath"]

#: numba/LLVM fast-math flags of a fastmath kernel (no nnan, ninf, nsz, afn)
FLAGS = ("arcp", "contract", "reassoc")
#: the stated agreement with the strict kernels on W2 (relative, per state)
TOLERANCE = 1e-12

_STRICT_DECO = '@njit(cache=True, nogil=True, error_model="numpy")'
_FAST_DECO = ('@njit(cache=True, nogil=True, error_model="numpy", fastmath={'
              + ", ".join(repr(f) for f in FLAGS) + "})")

# the dense per-target loop of codegen._sum_lines (mode 2)
_DENSE = re.compile(
    r"^(?P<p>[ ]*)for a in range\((?P<W>\w+)\.shape\[0\]\):\n"
    r"(?P=p)    acc = 0\.0\n"
    r"(?P=p)    for b in range\((?P=W)\.shape\[1\]\):\n"
    r"(?P=p)        acc \+= (?P=W)\[a, b\] \* o\[(?P<b0>\w+) \+ b\]\n"
    r"(?P=p)    u\[(?P<a0>\w+) \+ a\] = acc\n", re.M)


def check_fastmath(value):
    """``value`` as a bool, or a CompileError when it is not True/False.

    Examples
    --------
    >>> check_fastmath(False)
    False
    >>> check_fastmath("yes")
    Traceback (most recent call last):
    ...
    nbblox.exceptions.CompileError: fastmath must be True or False, not 'yes'
    """
    if value is True or value is False or type(value).__name__ == "bool_":
        return bool(value)
    raise CompileError(f"fastmath must be True or False, not {value!r}")


def _rows(p, W, a0, b0):
    """The reassociating per-row dot products (vectorised by LLVM)."""
    return (f"{p}ov_ = o[{b0}:{b0} + {W}.shape[1]]\n"
            f"{p}for a in range({W}.shape[0]):\n"
            f"{p}    wr_ = {W}[a]\n"
            f"{p}    acc = 0.0\n"
            f"{p}    for b in range({W}.shape[1]):\n"
            f"{p}        acc += wr_[b] * ov_[b]\n"
            f"{p}    u[{a0} + a] = acc\n")


def _dense_block(m):
    return _rows(m["p"], m["W"], m["a0"], m["b0"])


def fast_source(src):
    """The fastmath variant of a strict kernel module's source ``src``.

    Examples
    --------
    >>> s = ('@njit(cache=True, nogil=True, error_model="numpy")\\n'
    ...      "def f(WD, o, u, a0, b0):\\n"
    ...      "    for a in range(WD.shape[0]):\\n"
    ...      "        acc = 0.0\\n"
    ...      "        for b in range(WD.shape[1]):\\n"
    ...      "            acc += WD[a, b] * o[b0 + b]\\n"
    ...      "        u[a0 + a] = acc\\n")
    >>> print(fast_source(s))  # doctest: +NORMALIZE_WHITESPACE
    @njit(cache=True, nogil=True, error_model="numpy", fastmath={'arcp', 'contract', 'reassoc'})
    def f(WD, o, u, a0, b0):
        ov_ = o[b0:b0 + WD.shape[1]]
        for a in range(WD.shape[0]):
            wr_ = WD[a]
            acc = 0.0
            for b in range(WD.shape[1]):
                acc += wr_[b] * ov_[b]
            u[a0 + a] = acc
    """
    if _STRICT_DECO not in src:
        raise CompileError("internal: the generated kernels carry no @njit decorator "
                           "that fastmath knows how to rewrite")
    return _DENSE.sub(_dense_block, src.replace(_STRICT_DECO, _FAST_DECO))


def with_fastmath(system, fastmath):
    """``system`` itself when its kernels already are ``fastmath``, else a
    shallow copy (same parameters, weights, initial state objects) running
    the other kernels.  NumPy-backend systems are returned unchanged.

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
    other._k = system._kernels_for(fastmath)
    other.fastmath = fastmath
    return other
