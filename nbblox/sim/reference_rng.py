"""The kernels' counter-based random numbers in NumPy, for the reference loop
(:mod:`.reference_net`, :mod:`.reference_spikes`): a NumPy run with the same seed
sees the same deviates bit for bit.

:func:`normals` is the same splitmix64 + Box-Muller as
:func:`nbblox.compile.jit.gauss`, with ``math.log``/``math.cos`` per deviate (NumPy's
vectorised ones differ from libm in the last bit for ~0.15 % of arguments);
:func:`uniforms` is :func:`nbblox.compile.jit.urand`, the ``rand()`` of spike conditions.
"""
from __future__ import annotations

import math

import numpy as np

__all__ = ["normals", "uniforms"]

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_RAND_STREAM = np.uint64(0x5851F42D4C957F2D)


def _unit(seed, counters):
    """Uniforms in (0, 1): splitmix64 output number ``counters`` of ``seed``."""
    c = np.asarray(counters, dtype=np.uint64)
    with np.errstate(over="ignore"):   # uint64 arithmetic wraps, as in the kernel
        z = np.uint64(seed) + (c + np.uint64(1)) * _GOLDEN
        z = (z ^ (z >> np.uint64(30))) * _M1
        z = (z ^ (z >> np.uint64(27))) * _M2
    z = z ^ (z >> np.uint64(31))
    return ((z >> np.uint64(11)).astype(np.float64) + 0.5) * (1.0 / 9007199254740992.0)


def normals(seed, counters):
    """Standard normal deviates number ``counters`` of stream ``seed``, equal
    bit for bit to :func:`nbblox.compile.jit.gauss`.

    Examples
    --------
    >>> import numpy as np
    >>> from nbblox.compile.jit import gauss
    >>> bool(normals(7, np.arange(3))[2] == gauss(7, 2))
    True
    """
    c = np.asarray(counters, dtype=np.uint64)
    u1 = _unit(seed, 2 * c).tolist()
    u2 = _unit(seed, 2 * c + np.uint64(1)).tolist()
    return np.array([math.sqrt(-2.0 * math.log(a)) * math.cos(2.0 * math.pi * b)
                     for a, b in zip(u1, u2)])


def uniforms(seed, counters):
    """``rand()`` of spike conditions: :func:`nbblox.compile.jit.urand`.

    Examples
    --------
    >>> from nbblox.compile.jit import urand
    >>> bool(uniforms(7, [5])[0] == urand(7, 5))
    True
    """
    return _unit(np.uint64(seed) ^ _RAND_STREAM, counters)
