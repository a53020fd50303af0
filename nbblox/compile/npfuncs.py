"""NumPy versions of nbblox's special functions, for code that SymPy's
``lambdify`` printed (the reference backend, the analysis' derivatives).

No SymPy here: cached lambdified code (:mod:`nbblox.compile.derived`) runs
with these names in a fresh process that never imports SymPy.
"""
from __future__ import annotations

import numpy as np

__all__ = ["LAMBDIFY_MODULES", "np_exprel", "np_exprel1"]


def np_exprel(x):
    """(e^x - 1)/x, finite at 0.

    Examples
    --------
    >>> float(np_exprel(0.0)), round(float(np_exprel(1.0)), 6)
    (1.0, 1.718282)
    """
    x = np.asarray(x, dtype=float)
    small = np.abs(x) < 1e-5
    safe = np.where(small, 1.0, x)
    return np.where(small, 1.0 + x / 2 + x * x / 6, np.expm1(safe) / safe)


def np_exprel1(x):
    """d/dx exprel(x), finite at 0.

    Examples
    --------
    >>> float(np_exprel1(0.0))
    0.5
    """
    x = np.asarray(x, dtype=float)
    small = np.abs(x) < 1e-3
    safe = np.where(small, 1.0, x)
    return np.where(small, 0.5 + x / 3 + x * x / 8,
                    (safe * np.exp(safe) - np.expm1(safe)) / (safe * safe))


def _heaviside(x, h=1.0):
    return np.heaviside(x, h)


#: ``modules=`` for ``sympy.lambdify``: nbblox's functions, then NumPy
LAMBDIFY_MODULES = [{"exprel": np_exprel, "exprel1": np_exprel1, "Heaviside": _heaviside},
                    "numpy"]
