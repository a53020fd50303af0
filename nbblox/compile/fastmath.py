"""Fast-math kernels: the strict generated kernels, allowed to reassociate
(``nb.compile(..., fastmath=True)`` or ``nb.simulate(..., fastmath=True)``;
off by default).

The policy is declared once, here (:data:`FLAGS`), and applied by
:func:`fast_module`, a pass over the statements of the strict module
(:func:`nbblox.compile.codegen.module_stmts`) before it is printed, so the
strict code generator stays the one source of truth:

* every ``@njit`` of the kernel module gets ``fastmath=FLAGS``: LLVM may
  reassociate sums and products, contract ``a*b + c`` into a fused
  multiply-add and use reciprocals.  The flags deliberately leave out
  ``nnan``/``ninf`` and ``nsz`` (so the per-step non-finite check still
  stops a run that blew up: with ``nsz`` and ``reassoc`` together LLVM
  rewrote ``x + dt*r*x`` so that the check never saw the overflow; tested)
  and ``afn`` (LLVM's approximations are not nbblox's to state);
* ``exp`` is printed as :func:`nbblox.compile.jit.fexp` (the kernel printer's
  :func:`~nbblox.compile.printer.fast_exp`): Cephes' exp in straight-line
  arithmetic, within 2 ulp of libm's (tested), so a loop of sigmoids
  vectorises (numba's wheels have no vector math library: ``math.exp`` is
  a scalar call per element).  W2 N=512, 20 000 Euler steps (load 7-9, CPU
  medians of 3 fresh processes): 0.72 -> 0.65 s, BrainPy 0.69 s; ``log``,
  ``pow`` and the others stay libm's;
* the dense coupling block (mode 2 of :mod:`nbblox.compile.plan`, chosen
  by density: at least a quarter of the targets x sources window connected;
  the site :data:`nbblox.compile.ir.DENSE_PRODUCT`) is chosen by size: from :data:`DOT_MIN_CELLS` cells on it is one
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

Results differ from the strict kernel in the last bits of each sum, of
each contracted product and of each ``exp``: on the W2 Wilson-Cowan network every state stays
within 1e-12 relative of the strict run over 2000 Euler steps
(tests/compile/test_fastmath.py); a chaotic or spiking model amplifies any
such difference over time, as it would a change of compiler.
"""
from __future__ import annotations

import os
from dataclasses import replace

from ..exceptions import CompileError
from .ir import DECORATOR, DENSE_PRODUCT, Assign, Expr, For, Func, If, Site, rewrite

__all__ = ["FLAGS", "DOT_MIN_CELLS", "TOLERANCE", "FAST_DECORATOR", "FAST_EXP", "check_fastmath",
           "fast_module", "dense_product"]

#: numba/LLVM fast-math flags of a fastmath kernel (no nnan, ninf, nsz, afn)
FLAGS = ("arcp", "contract", "reassoc")
#: dense blocks with at least this many cells are one BLAS dgemv (see module doc)
DOT_MIN_CELLS = 64 * 64
#: the stated agreement with the strict kernels on W2 (relative, per state)
TOLERANCE = 1e-12
#: fast-math kernels print ``exp`` as ``fexp`` (environment ``NBBLOX_FAST_EXP=0`` at import:
#: libm's ``math.exp``, the text before session 31, for A/B runs and the bitwise tests)
FAST_EXP = os.environ.get("NBBLOX_FAST_EXP", "1").strip().lower() not in ("0", "false", "no",
                                                                         "off")
#: the decorator of a fastmath kernel: the strict one plus ``fastmath=FLAGS``
FAST_DECORATOR = DECORATOR[:-1] + ", fastmath={" + ", ".join(repr(f) for f in FLAGS) + "})"


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


def dense_product(W, a0, b0):
    """Statements of ``u[a0:] = W @ o[b0:]`` in a fastmath kernel: BLAS
    ``dgemv`` from :data:`DOT_MIN_CELLS` cells on, else per-row dot products
    over contiguous views (reassociated and vectorised by LLVM).

    Examples
    --------
    >>> from nbblox.compile.ir import render
    >>> print(render(dense_product("WD", "a0", "b0")))
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
    rows = [Assign("ov_", f"o[{b0}:{b0} + {W}.shape[1]]"),
            For("a", (f"{W}.shape[0]",), [
                Assign("wr_", f"{W}[a]"), Assign("acc", "0.0"),
                For("b", (f"{W}.shape[1]",), [Assign("acc", "wr_[b] * ov_[b]", "+=")]),
                Assign(f"u[{a0} + a]", "acc")])]
    blas = Expr(f"np.dot({W}, o[{b0}:{b0} + {W}.shape[1]], u[{a0}:{a0} + {W}.shape[0]])")
    return [If([(f"{W}.shape[0] * {W}.shape[1] >= {DOT_MIN_CELLS}", [blas])], rows,
               note="BLAS dgemv")]


def fast_module(stmts):
    """The fastmath variant of a strict kernel module's statements ``stmts``:
    every kernel with the strict decorator gets :data:`FAST_DECORATOR`, every
    dense product (:data:`~nbblox.compile.ir.DENSE_PRODUCT`) the form of
    :func:`dense_product`.  ``stmts`` is not changed.

    Examples
    --------
    >>> from nbblox.compile.ir import Func, render
    >>> from nbblox.compile.emit import sum_lines
    >>> f = Func("f", ("WD", "o", "u", "a0", "b0"), sum_lines("2", "", "", "", "WD", "a0", "b0"))
    >>> text = render(fast_module([f]))
    >>> text.splitlines()[0] == FAST_DECORATOR, "np.dot(WD, o[b0:b0 + WD.shape[1]]" in text
    (True, True)
    """
    found = []

    def fast(st):
        if isinstance(st, Func) and st.decorator == DECORATOR:
            found.append(st.name)
            return [replace(st, decorator=FAST_DECORATOR, body=rewrite(st.body, fast))]
        if isinstance(st, Site) and st.name == DENSE_PRODUCT:
            return dense_product(st.data["W"], st.data["a0"], st.data["b0"])
        return None
    out = rewrite(stmts, fast)
    if not found:
        raise CompileError("internal: the generated module has no kernel with the strict "
                           "@njit decorator for fastmath to replace")
    return out
