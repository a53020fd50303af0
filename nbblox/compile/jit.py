"""The one place nbblox touches numba: ``njit`` (or a no-op without numba),
and the scalar helper functions generated kernels call.

Without numba (e.g. JupyterLite) :data:`HAVE_NUMBA` is False and the System
falls back to the NumPy reference backend with one notice.
"""
from __future__ import annotations

import math
import os

__all__ = ["HAVE_NUMBA", "njit", "exprel", "exprel1"]

try:  # numba is a hard dependency, but a browser-side Python has none
    if os.environ.get("NBBLOX_DISABLE_NUMBA"):
        raise ImportError("disabled by NBBLOX_DISABLE_NUMBA")
    from numba import njit as _njit
    HAVE_NUMBA = True
except ImportError:  # pragma: no cover - exercised only without numba
    _njit = None
    HAVE_NUMBA = False


def njit(*args, **kwargs):
    """numba.njit, or the identity decorator when numba is missing."""
    if HAVE_NUMBA:
        return _njit(*args, **kwargs)
    if args and callable(args[0]):
        return args[0]
    return lambda f: f


@njit(cache=True, nogil=True)
def exprel(x):
    """(exp(x) - 1)/x, = 1 at x = 0; a series near 0 avoids cancellation."""
    if abs(x) < 1e-5:
        return 1.0 + x / 2.0 + x * x / 6.0
    return math.expm1(x) / x


@njit(cache=True, nogil=True)
def exprel1(x):
    """d/dx exprel(x) = (x e^x - e^x + 1)/x^2, = 1/2 at x = 0."""
    if abs(x) < 1e-3:
        return 0.5 + x / 3.0 + x * x / 8.0
    return (x * math.exp(x) - math.expm1(x)) / (x * x)
