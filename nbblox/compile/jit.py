"""The one place nbblox touches numba: ``njit`` (or a no-op without numba),
and the scalar helper functions generated kernels call.

Without numba (e.g. JupyterLite) :data:`HAVE_NUMBA` is False and the System
falls back to the NumPy reference backend with one notice.
"""
from __future__ import annotations

import math
import os

import numpy as np

__all__ = ["HAVE_NUMBA", "njit", "exprel", "exprel1", "gauss", "urand", "tinterp", "phi1",
           "fexp", "FEXP_ULP", "uniform_col"]

try:  # numba is a hard dependency, but a browser-side Python has none
    if os.environ.get("NBBLOX_DISABLE_NUMBA"):
        raise ImportError("disabled by NBBLOX_DISABLE_NUMBA")
    from numba import njit as _njit
    from numba import types as _types
    from numba.extending import intrinsic as _intrinsic
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


if HAVE_NUMBA:
    @_intrinsic
    def _pow2(typingctx, n):
        """2.0**n for an integer ``n`` in [-1022, 1023], built from its exponent
        bits (an LLVM bitcast: vectorises, where ``math.ldexp`` is a call)."""
        def codegen(context, builder, sig, args):
            from llvmlite import ir
            bits = builder.shl(builder.add(args[0], ir.Constant(ir.IntType(64), 1023)),
                               ir.Constant(ir.IntType(64), 52))
            return builder.bitcast(bits, ir.DoubleType())
        return _types.float64(_types.int64), codegen
else:  # pragma: no cover - exercised only without numba
    def _pow2(n):
        return math.ldexp(1.0, int(n))

#: measured bound of :func:`fexp` against ``math.exp`` (units in the last place)
FEXP_ULP = 2.0
# Cephes exp (Moshier 1984-1992, also XLA's CPU exp): exp(r) = 1 + 2 r P(r^2) /
# (Q(r^2) - r P(r^2)) on |r| <= ln2/2, after r = x - n ln2 in two steps (Cody-Waite)
_P0, _P1, _P2 = 1.26177193074810590878e-4, 3.02994407707441961300e-2, 9.99999999999999999910e-1
_Q0, _Q1, _Q2 = 3.00198505138664455042e-6, 2.52448340349684104192e-3, 2.27265548208155028766e-1
_C1, _C2 = 6.93145751953125e-1, 1.42860682030941723212e-6
_LOG2E = 1.4426950408889634073599
_XMAX, _XMIN = 709.782712893384, -745.1332191019412


@njit(cache=True, nogil=True, error_model="numpy")
def fexp(x):
    """exp(x) by straight-line arithmetic, so that a loop calling it vectorises
    (``math.exp`` is a libm call per element: LLVM does not vectorise it without
    a vector math library, which numba's wheels lack).  Fast-math kernels print
    ``exp`` as this (:mod:`nbblox.compile.fastmath`).

    Within :data:`FEXP_ULP` (2) units in the last place of ``math.exp``
    (measured on 10^7 points of [-745, 709.7]: 86 % equal, the rest 1 ulp
    off, ~1e-5 of them 2); inf, 0 and NaN where ``math.exp`` gives them,
    subnormal results included.  Compiled without fast-math flags: inlined
    into a fast-math kernel its range reduction keeps its order (a
    reassociated ``x - n C1 - n C2`` would lose the low bits).

    Examples
    --------
    >>> fexp(0.0), abs(fexp(1.0) / math.e - 1.0) < 3e-16, fexp(-1000.0), fexp(1000.0)
    (1.0, True, 0.0, inf)
    """
    xc = min(max(x, -746.0), 710.0)
    px = math.floor(_LOG2E * xc + 0.5)
    n = np.int64(px)
    r = xc - px * _C1
    r = r - px * _C2
    rr = r * r
    p = r * ((_P0 * rr + _P1) * rr + _P2)
    q = ((_Q0 * rr + _Q1) * rr + _Q2) * rr + 2.0
    y = 1.0 + 2.0 * (p / (q - p))
    h = n >> 1                       # 2**n as two factors: each a normal number
    y = y * _pow2(h) * _pow2(n - h)
    if x > _XMAX:
        y = math.inf
    if x < _XMIN:
        y = 0.0
    if x != x:
        y = x
    return y


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


_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_S30, _S27, _S31, _S11 = np.uint64(30), np.uint64(27), np.uint64(31), np.uint64(11)


@njit(cache=True, nogil=True)
def _unit(seed, counter):
    """Uniform in (0, 1) from the splitmix64 output number ``counter`` of
    stream ``seed``: a pure function, so noise never depends on call order."""
    z = np.uint64(seed) + (np.uint64(counter) + np.uint64(1)) * _GOLDEN
    z = (z ^ (z >> _S30)) * _M1
    z = (z ^ (z >> _S27)) * _M2
    z = z ^ (z >> _S31)
    return (float(z >> _S11) + 0.5) * (1.0 / 9007199254740992.0)


@njit(cache=True, nogil=True)
def gauss(seed, counter):
    """Standard normal deviate number ``counter`` of stream ``seed`` (Box-Muller)."""
    u1 = _unit(seed, 2 * counter)
    u2 = _unit(seed, 2 * counter + 1)
    return math.sqrt(-2.0 * math.log(u1)) * math.cos(2.0 * math.pi * u2)


_RAND_STREAM = np.uint64(0x5851F42D4C957F2D)


@njit(cache=True, nogil=True)
def urand(seed, counter):
    """Uniform deviate in (0, 1) number ``counter`` of the spike-condition stream
    of ``seed`` (``rand()``): a stream apart from the one :func:`gauss` uses."""
    return _unit(np.uint64(seed) ^ _RAND_STREAM, counter)


@njit(cache=True, nogil=True)
def uniform_col(p, base, n):
    """Whether ``p[base:base + n]`` holds one value bit for bit (``-0.0`` and
    ``0.0`` differ; a NaN equals only the same NaN bits): a group's loops
    may then read that parameter as a scalar and compute exactly what they
    would from the column (:mod:`nbblox.compile.uniform`).  One OR over the
    bit differences, no early exit, so the loop vectorises."""
    b = p.view(np.int64)
    first = b[base]
    diff = 0
    for i in range(base, base + n):
        diff |= b[i] ^ first
    return diff == 0


@njit(cache=True, nogil=True)
def tinterp(p, at, stride, av, n, x):
    """Linear interpolation at ``x`` through the table stored in ``p``: times at
    ``p[at + k*stride]``, values at ``p[av + k*stride]``, k < n (``interp()``).

    Times are non-decreasing (checked when the table is made); every index read
    stays within ``at .. at + (n-1)*stride`` and ``av .. av + (n-1)*stride``, so
    a bad ``x`` (NaN, out of range) cannot read outside the table.
    """
    if n < 2 or stride < 1:
        return math.nan
    if not x > p[at]:          # before the first sample (or NaN): first value
        return p[av] if x == x else math.nan
    last = n - 1
    if x >= p[at + last * stride]:
        return p[av + last * stride]
    lo, hi = 0, last           # invariant: T[lo] <= x < T[hi]
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if p[at + mid * stride] <= x:
            lo = mid
        else:
            hi = mid
    if lo > last - 1:          # explicit clamp (numba does not bound-check)
        lo = last - 1
    t0 = p[at + lo * stride]
    t1 = p[at + (lo + 1) * stride]
    v0 = p[av + lo * stride]
    v1 = p[av + (lo + 1) * stride]
    return v0 + (v1 - v0) * (x - t0) / (t1 - t0)


@njit(cache=True, nogil=True)
def phi1(a, n, out, off):
    """``phi1(A) = sum_k A^k/(k+1)!`` of the n x n matrix ``a`` (row-major,
    length n*n) into ``out[off:off + n*n]``: the matrix ``exprel``, for the
    ``exact`` scheme (``x + dt phi1(dt A) f``).

    It is the top-right block of ``exp([[A, I], [0, 0]])`` (Van Loan 1978,
    IEEE Trans Autom Control 23:395), computed by scaling and squaring: the
    2n x 2n matrix is halved until its 1-norm is below 1/2, its exponential
    summed to the 18th power (truncation < 1e-22 there) and squared back.
    """
    m = 2 * n
    B = np.zeros((m, m))
    for r in range(n):
        for c in range(n):
            B[r, c] = a[r * n + c]
        B[r, n + r] = 1.0
    norm = 0.0
    for c in range(m):
        col = 0.0
        for r in range(m):
            col += abs(B[r, c])
        norm = max(norm, col)
    sq = 0
    while norm > 0.5:
        norm *= 0.5
        sq += 1
    scale = 0.5 ** sq
    for r in range(m):
        for c in range(m):
            B[r, c] *= scale
    E = np.zeros((m, m))   # Horner: I + B(I + B/2(I + B/3(...)))
    for r in range(m):
        E[r, r] = 1.0
    T = np.empty((m, m))
    for k in range(18, 0, -1):
        for r in range(m):
            for c in range(m):
                acc = 0.0
                for q in range(m):
                    acc += B[r, q] * E[q, c]
                T[r, c] = acc / k + (1.0 if r == c else 0.0)
        E, T = T, E
    for _ in range(sq):
        for r in range(m):
            for c in range(m):
                acc = 0.0
                for q in range(m):
                    acc += E[r, q] * E[q, c]
                T[r, c] = acc
        E, T = T, E
    for r in range(n):
        for c in range(n):
            out[off + r * n + c] = E[r, n + c]
