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
  by density: at least a quarter of the targets x sources window connected)
  is chosen by size: from :data:`DOT_MIN_CELLS` cells on it is one
  ``np.dot(WD, o[b0:b1], u[a0:a1])`` on contiguous float64 slices, which
  numba hands to BLAS ``dgemv``; smaller blocks are summed row by row over
  contiguous views (``WD[a]``, ``o[b0:b1]``), a reduction LLVM vectorises
  with ``reassoc`` (the strict ``WD[a, b] * o[b0 + b]`` form, whose index
  arithmetic LLVM does not prove in range, stays scalar even with the
  flags: 13x slower at 128 x 128).  Measured per product (load ~9): rows
  4x faster than dgemv's call overhead at 32 x 32, even from 64 x 64 to
  128 x 128, dgemv ahead at 256 x 256; on the whole W2 run both are equal
  at N=80 and N=512, so the threshold is where BLAS stops costing.  BLAS
  threads are OpenBLAS's (``OPENBLAS_NUM_THREADS``/``OMP_NUM_THREADS``).

Results differ from the strict kernel in the last bits of each sum and of
each contracted product: on the W2 Wilson-Cowan network every state stays
within 1e-12 relative of the strict run over 2000 Euler steps
(tests/compile/test_fastmath.py); a chaotic or spiking model amplifies any
such difference over time, as it would a change of compiler.
"""
from __future__ import annotations

import re

from ..exceptions import CompileError

__all__ = ["FLAGS", "DOT_MIN_CELLS", "TOLERANCE", "check_fastmath", "fast_source"]

#: numba/LLVM fast-math flags of a fastmath kernel (no nnan, ninf, nsz, afn)
FLAGS = ("arcp", "contract", "reassoc")
#: dense blocks with at least this many cells are one BLAS dgemv (see module doc)
DOT_MIN_CELLS = 64 * 64
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
    p, W, a0, b0 = m["p"], m["W"], m["a0"], m["b0"]
    return (f"{p}if {W}.shape[0] * {W}.shape[1] >= {DOT_MIN_CELLS}:  # BLAS dgemv\n"
            f"{p}    np.dot({W}, o[{b0}:{b0} + {W}.shape[1]], u[{a0}:{a0} + {W}.shape[0]])\n"
            f"{p}else:\n" + _rows(p + "    ", W, a0, b0))


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
        if WD.shape[0] * WD.shape[1] >= 4096:  # BLAS dgemv
            np.dot(WD, o[b0:b0 + WD.shape[1]], u[a0:a0 + WD.shape[0]])
        else:
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
