"""The SymPy printer of generated kernels (imported only when a kernel is
printed, so that a warm compile, which reads its source from the cache, never
imports SymPy).

Sums print in SymPy's order, which numba evaluates left to right.  A
fast-math kernel may print them in *latency order* instead
(:func:`latency_order`): the terms sorted by the length of the chain of
operations that computes each (:func:`latency`), shortest first, so the
cheap terms are summed while the long ones (a cubic, a product of gates)
are still being computed and the longest is added last, where LLVM
contracts it into a fused multiply-add.  ``q0 - c*(s0*s0*s0) + s0 - s1``
prints ``q0 + s0 - s1 - c*(s0*s0*s0)``.  LLVM would not reorder the sum
itself: the fast-math flags of nbblox leave out ``nsz``, without which it
does not reassociate a floating-point addition.  This changes the rounding
of each sum (a reassociation), so it is for fast-math kernels only.

Fast-math kernels also print ``exp`` as :func:`nbblox.compile.jit.fexp`
(:func:`fast_exp`): straight-line arithmetic within 2 ulp of ``math.exp``
that LLVM vectorises, where a libm call per element keeps a loop scalar.
"""
from __future__ import annotations

import contextlib
import contextvars

import sympy as sp
from sympy.printing.precedence import precedence
from sympy.printing.pycode import PythonCodePrinter

__all__ = ["KernelPrinter", "pycode", "latency", "latency_order", "fast_exp"]

_LATENCY = contextvars.ContextVar("nbblox_latency_order", default=False)
_FEXP = contextvars.ContextVar("nbblox_fast_exp", default=False)
#: rough cost, in additions, of a division and of a call (exp, pow ...)
_DIV, _CALL = 4, 10


def latency(expr):
    """Length of the longest chain of operations computing ``expr`` as the
    kernels print it (one per addition or multiplication, :data:`_DIV` per
    division, :data:`_CALL` per function or non-integer power); the key by
    which :func:`latency_order` sorts the terms of a sum.

    Examples
    --------
    >>> s, q = sp.symbols("s0 q0", real=True)
    >>> latency(q), latency(q + s), latency(s**3), latency(q - s**3 / 3)
    (0, 1, 2, 4)
    """
    if not expr.args or expr.is_Number or expr.is_Symbol:
        return 0
    if expr.is_Pow:
        base, e = expr.as_base_exp()
        d = latency(base)
        if e.is_Integer and 2 <= int(e) <= 4:
            return d + int(e) - 1
        return d + (_DIV if e.is_Integer and int(e) == -1 else _CALL)
    ds = sorted(latency(a) for a in expr.args)
    if expr.is_Add or expr.is_Mul:
        acc = ds[0]
        for d in ds[1:]:          # a left-deep chain, cheapest first
            acc = max(acc, d) + 1
        return acc
    return ds[-1] + _CALL


@contextlib.contextmanager
def latency_order():
    """Within this block, kernels print sums in latency order (see module).

    Examples
    --------
    >>> s, q, c = sp.symbols("s0 q0 c", real=True)
    >>> e = q - c * s**3 + s
    >>> pycode(e)
    '-c*(s0*s0*s0) + q0 + s0'
    >>> with latency_order():
    ...     pycode(e)
    'q0 + s0 - c*(s0*s0*s0)'
    """
    token = _LATENCY.set(True)
    try:
        yield
    finally:
        _LATENCY.reset(token)


@contextlib.contextmanager
def fast_exp():
    """Within this block, kernels print ``exp(x)`` as ``fexp(x)``
    (:func:`nbblox.compile.jit.fexp`, for fast-math kernels only).

    Examples
    --------
    >>> x = sp.Symbol("x")
    >>> pycode(1 / (1 + sp.exp(-x)))
    '(1.0/(1.0 + math.exp(-x)))'
    >>> with fast_exp():
    ...     pycode(1 / (1 + sp.exp(-x)))
    '(1.0/(1.0 + fexp(-x)))'
    """
    token = _FEXP.set(True)
    try:
        yield
    finally:
        _FEXP.reset(token)


class KernelPrinter(PythonCodePrinter):
    """Python printer tuned for numba: math.* calls, cheap integer powers;
    ``names`` prints given symbols under other names (the expression, and so
    the order of its terms, is the one it was built as)."""

    def __init__(self, names=None):
        super().__init__({"fully_qualified_modules": True, "standard": "python3"})
        self._names = names or {}

    def _print_Symbol(self, expr):
        name = self._names.get(expr)
        return name if name is not None else super()._print_Symbol(expr)

    def _print_Add(self, expr, order=None):
        if not _LATENCY.get():
            return super()._print_Add(expr, order)
        # StrPrinter._print_Add with the terms in latency order (a stable sort)
        terms = sorted(self._as_ordered_terms(expr, order=order), key=latency)
        prec = precedence(expr)
        out = []
        for term in terms:
            t = self._print(term)
            sign = "+"
            if t.startswith("-") and not term.is_Add:
                sign, t = "-", t[1:]
            out += [sign, f"({t})" if precedence(term) < prec or term.is_Add else t]
        sign = out.pop(0)
        return ("" if sign == "+" else sign) + " ".join(out)

    def _print_Pow(self, expr, rational=False):
        base, e = expr.as_base_exp()
        if e.is_Integer and 2 <= int(e) <= 4:
            b = self.parenthesize(base, 100)
            return "(" + "*".join([b] * int(e)) + ")"
        if e.is_Integer and int(e) == -1:
            return f"(1.0/{self.parenthesize(base, 100)})"
        if e == sp.Rational(1, 2):
            return f"math.sqrt({self._print(base)})"
        return f"({self.parenthesize(base, 100)}**{self.parenthesize(e, 100)})"

    def _print_DiracDelta(self, expr):
        # the derivative of heaviside() in a Jacobian: zero wherever it is defined
        return "0.0"

    def _print_Heaviside(self, expr):
        return f"(1.0 if ({self._print(expr.args[0])}) >= 0.0 else 0.0)"

    def _print_exp(self, expr):
        name = "fexp" if _FEXP.get() else "math.exp"
        return f"{name}({self._print(expr.args[0])})"

    def _print_exprel(self, expr):
        return f"exprel({self._print(expr.args[0])})"

    def _print_exprel1(self, expr):
        return f"exprel1({self._print(expr.args[0])})"

    def _print_rand(self, expr):
        # spike conditions only (checked when the blox type is built): ``gid`` is
        # the neuron's global spike id in the threshold loop of netcode.py
        return "urand(seed, step * N_SPIKING + gid)"

    def _print_interp(self, expr):
        # table of interp(): a<j> is the p-index of parameter q<j> of instance i
        # (see emit.loads); consecutive samples are one group-size apart
        x, t0, t1, v0, k = expr.args
        a = lambda q: "a" + q.name[1:]
        return (f"tinterp(p, {a(t0)}, {a(t1)} - {a(t0)}, {a(v0)}, {int(k)}, "
                f"{self._print(x)})")

    def _print_Rational(self, expr):
        return f"({float(expr)!r})"

    def _print_Integer(self, expr):
        return f"{float(int(expr))!r}"

    def _print_Float(self, expr):
        return repr(float(expr))

    def _print_Exp1(self, expr):
        return "math.e"

    def _print_Pi(self, expr):
        return "math.pi"

    def _print_Min(self, expr):
        return "min(" + ", ".join(self._print(a) for a in expr.args) + ")"

    def _print_Max(self, expr):
        return "max(" + ", ".join(self._print(a) for a in expr.args) + ")"

    def _print_BooleanTrue(self, expr):
        return "True"

    def _print_BooleanFalse(self, expr):
        return "False"


_printer = KernelPrinter()
#: printed text by (expression, names, latency order, fast exp): a kernel module prints
#: each group's expressions once per stage and per kernel (rk4's four stages in
#: ``run_rk4`` and ``run_rk4_full``, ...); SymPy's structural equality tells
#: expressions apart as printing does (``Float(0.5) != Rational(1, 2)``)
_printed = {}
_PRINTED_MAX = 20000


def pycode(expr, names=None):
    """Python text of SymPy ``expr`` (see :func:`nbblox.compile.ir.pycode`)."""
    key = (expr, frozenset(names.items()) if names else None, _LATENCY.get(), _FEXP.get())
    try:
        return _printed[key]
    except KeyError:
        pass
    except TypeError:          # something unhashable: print it every time
        return (KernelPrinter(names) if names else _printer).doprint(expr)
    text = (KernelPrinter(names) if names else _printer).doprint(expr)
    if len(_printed) >= _PRINTED_MAX:
        _printed.clear()
    _printed[key] = text
    return text
