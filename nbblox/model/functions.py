"""The fixed set of math functions equation text may call.

Equation text is untrusted (circuit files and dashboards come from other
people), so a call is only ever resolved through this table; nothing is looked
up by name anywhere else.  This module names the functions and their arity
without importing SymPy, so that checking equation text (and a warm compile,
which reuses generated kernels) costs no SymPy import; the SymPy objects live
in :mod:`nbblox.model.symbolic` and are reached through this module's
``FUNCTIONS``/``CONSTANTS``/``exprel``/``exprel1`` on first use.

``exprel(x) = (exp(x) - 1) / x`` (with ``exprel(0) = 1``) is here because the
classic Hodgkin-Huxley rate functions have removable singularities, e.g.
``alpha_m = 0.1 (V+40) / (1 - exp(-(V+40)/10)) = 1 / exprel(-(V+40)/10)``;
written with ``exprel`` they are finite everywhere, in kernels and analyzers.
"""
from __future__ import annotations

__all__ = ["ARITY", "CONSTANT_NAMES", "FUNCTIONS", "CONSTANTS", "exprel", "exprel1"]

#: function name -> number of arguments (None: 2 or more)
ARITY = {
    "exp": 1, "log": 1, "sqrt": 1, "sin": 1, "cos": 1, "tan": 1,
    "tanh": 1, "sinh": 1, "cosh": 1, "abs": 1, "min": None, "max": None,
    "heaviside": 1, "exprel": 1, "where": 3,
}

#: names of the constants equation text may use
CONSTANT_NAMES = frozenset({"pi"})

_SYMBOLIC = ("FUNCTIONS", "CONSTANTS", "exprel", "exprel1")


def __getattr__(name):
    # SymPy objects on first use only (PEP 562), so `import nbblox` and a warm
    # compile never import SymPy
    if name in _SYMBOLIC:
        from . import symbolic
        return getattr(symbolic, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
