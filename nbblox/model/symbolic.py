"""SymPy side of the equation functions: what each name in
:data:`nbblox.model.functions.ARITY` builds, and the constants.

Imported only when equations are turned into SymPy (code generation, the
reference backend, analysis), never by a warm compile.
"""
from __future__ import annotations

import sympy as sp

from .functions import ARITY, CONSTANT_NAMES

__all__ = ["FUNCTIONS", "CONSTANTS", "exprel", "exprel1", "expreln", "rand", "interp"]


class expreln(sp.Function):
    """k-th derivative of exprel, ``int_0^1 t^k exp(x t) dt``: finite at x = 0
    for every k.  Only higher derivatives (analysis: Lyapunov coefficients,
    normal forms) produce it; kernels need exprel and exprel1 only."""

    @classmethod
    def eval(cls, k, x):  # safe: SymPy's hook for automatic evaluation, not Python eval
        if x.is_zero and k.is_Integer and k >= 0:
            return sp.Rational(1, int(k) + 1)

    def fdiff(self, argindex=2):
        k, x = self.args
        return expreln(k + 1, x)


class exprel1(sp.Function):
    """Derivative of :class:`exprel`: ``(x e^x - e^x + 1) / x^2``, 1/2 at 0."""

    @classmethod
    def eval(cls, x):  # safe: SymPy's hook for automatic evaluation, not Python eval
        if x.is_zero:
            return sp.Rational(1, 2)

    def fdiff(self, argindex=1):
        # d/dx exprel1 = exprel''(x) = int_0^1 t^2 e^(xt) dt: finite at 0, unlike the
        # closed form ((x^2 - 2x + 2) e^x - 2) / x^3 (0/0 there)
        return expreln(2, self.args[0])

    def _eval_rewrite_as_exp(self, x, **kwargs):
        return (x * sp.exp(x) - sp.exp(x) + 1) / x**2


class exprel(sp.Function):
    """``(exp(x) - 1) / x`` with the removable singularity at 0 filled (= 1)."""

    @classmethod
    def eval(cls, x):  # safe: SymPy's hook for automatic evaluation, not Python eval
        if x.is_zero:
            return sp.Integer(1)

    def fdiff(self, argindex=1):
        return exprel1(self.args[0])

    def _eval_rewrite_as_exp(self, x, **kwargs):
        return (sp.exp(x) - 1) / x


class rand(sp.Function):
    """Uniform random number in (0, 1); only in spike conditions (see
    :mod:`nbblox.model.functions`)."""

    nargs = 0
    is_real = True
    is_positive = True

    def _eval_evalf(self, prec):
        # never a number: SymPy would otherwise evaluate it with mpmath.rand() (same
        # name) and fold 'rand() < 0.1' to True or False at parse time
        return None


class interp(sp.Function):
    """Table interpolation in time (see :mod:`nbblox.model.functions`); never
    differentiated in a state, since its first argument must be ``t``."""

    nargs = 5
    is_real = True

    def _eval_evalf(self, prec):
        return None


def _heaviside(x):
    # H(0) = 1 so that a threshold crossed exactly counts as crossed
    return sp.Heaviside(x, 1)


def _where(cond, a, b):
    return sp.Piecewise((a, cond), (b, True))


# name -> (sympy builder, number of arguments or None for "2 or more")
FUNCTIONS = {
    "exp": (sp.exp, 1), "log": (sp.log, 1), "sqrt": (sp.sqrt, 1),
    "sin": (sp.sin, 1), "cos": (sp.cos, 1), "tan": (sp.tan, 1),
    "tanh": (sp.tanh, 1), "sinh": (sp.sinh, 1), "cosh": (sp.cosh, 1),
    "abs": (sp.Abs, 1), "min": (sp.Min, None), "max": (sp.Max, None),
    "heaviside": (_heaviside, 1), "exprel": (exprel, 1), "where": (_where, 3),
    "rand": (rand, 0), "interp": (interp, 5),
}

CONSTANTS = {"pi": sp.pi}

if set(FUNCTIONS) != set(ARITY) or any(FUNCTIONS[k][1] != ARITY[k] for k in ARITY) \
        or set(CONSTANTS) != CONSTANT_NAMES:  # pragma: no cover - a developer error
    raise ImportError("nbblox.model.symbolic and nbblox.model.functions disagree")
