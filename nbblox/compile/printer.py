"""The SymPy printer of generated kernels (imported only when a kernel is
printed, so that a warm compile, which reads its source from the cache, never
imports SymPy)."""
from __future__ import annotations

import sympy as sp
from sympy.printing.pycode import PythonCodePrinter

__all__ = ["KernelPrinter", "pycode"]


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


def pycode(expr, names=None):
    """Python text of SymPy ``expr`` (see :func:`nbblox.compile.ir.pycode`)."""
    return (KernelPrinter(names) if names else _printer).doprint(expr)
