"""The fixed set of math functions equation text may call, as SymPy objects.

Equation text is untrusted (circuit files and dashboards come from other
people), so a call is only ever resolved through :data:`FUNCTIONS`; nothing
is looked up by name anywhere else.

``exprel(x) = (exp(x) - 1) / x`` (with ``exprel(0) = 1``) is here because the
classic Hodgkin-Huxley rate functions have removable singularities, e.g.
``alpha_m = 0.1 (V+40) / (1 - exp(-(V+40)/10)) = 1 / exprel(-(V+40)/10)``;
written with ``exprel`` they are finite everywhere, in kernels and analyzers.
"""
from __future__ import annotations

import sympy as sp

__all__ = ["FUNCTIONS", "CONSTANTS", "exprel", "exprel1"]


class exprel1(sp.Function):
    """Derivative of :class:`exprel`: ``(x e^x - e^x + 1) / x^2``, 1/2 at 0."""

    @classmethod
    def eval(cls, x):  # safe: SymPy's hook for automatic evaluation, not Python eval
        if x.is_zero:
            return sp.Rational(1, 2)

    def fdiff(self, argindex=1):
        x = self.args[0]
        # second derivative; only analyzers (Lyapunov coefficients) need it
        # and they never sit exactly on x = 0 with a removable singularity
        return ((x**2 - 2 * x + 2) * sp.exp(x) - 2) / x**3

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
}

CONSTANTS = {"pi": sp.pi}
