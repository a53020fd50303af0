"""``fexp`` (nbblox.compile.jit): the exp of fast-math kernels, straight-line
arithmetic that LLVM vectorises (issue 17, W2: the sigmoid of every
Wilson-Cowan node was one libm call per node per step).

Reference: the libm ``math.exp`` the strict kernels call.  The method is
Cephes' exp (S. L. Moshier, *Methods and Programs for Mathematical
Functions*, 1989): Cody-Waite reduction x = n ln2 + r, |r| <= ln2/2, and the
Pade form exp(r) = 1 + 2 r P(r^2) / (Q(r^2) - r P(r^2)).
"""
import math

import numpy as np
import pytest
from numba import njit

import nbblox as nb
from nbblox.compile.jit import FEXP_ULP, fexp


@njit(error_model="numpy")
def _ulps(xs, out):
    for k in range(xs.size):
        a, b = math.exp(xs[k]), fexp(xs[k])
        out[k] = 0.0 if a == b else abs(a - b) / (np.nextafter(a, math.inf) - a)


@njit(error_model="numpy", fastmath={"arcp", "contract", "reassoc"})
def _in_fast_loop(xs, out):
    for k in range(xs.size):
        out[k] = fexp(xs[k])


@pytest.mark.parametrize("lo, hi", [(-745.0, -708.0), (-708.0, -20.0), (-20.0, 20.0),
                                    (-1e-3, 1e-3), (20.0, 709.78)])
def test_within_the_stated_ulps_of_libm(lo, hi):
    xs = np.random.default_rng(7).uniform(lo, hi, 400_000)
    err = np.empty_like(xs)
    _ulps(xs, err)
    assert err.max() <= FEXP_ULP
    assert (err == 0).mean() > 0.8          # most results are libm's to the bit


def test_inlined_into_a_fastmath_loop_it_keeps_its_accuracy():
    """The reduction x - n C1 - n C2 must not be reassociated by the caller's
    flags (it would lose the low bits of r: errors of thousands of ulp at
    |x| ~ 700)."""
    xs = np.concatenate([np.linspace(-745.0, 709.7, 200_001), np.linspace(-2.0, 2.0, 1001)])
    got, ref = np.empty_like(xs), np.exp(xs)
    _in_fast_loop(xs, got)
    tiny = np.finfo(float).tiny
    rel = np.abs(got - ref) / np.maximum(np.abs(ref), tiny)
    assert rel[ref >= tiny].max() <= FEXP_ULP * np.finfo(float).eps


@pytest.mark.parametrize("x, want", [
    (0.0, 1.0), (-0.0, 1.0), (math.inf, math.inf), (-math.inf, 0.0), (710.0, math.inf),
    (709.79, math.inf), (-745.14, 0.0), (-1000.0, 0.0), (1e-300, 1.0)])
def test_special_values(x, want):
    assert fexp(x) == want


def test_nan_and_the_edges_of_the_range():
    assert math.isnan(fexp(math.nan))
    for x in (709.78, -708.5, -740.0, -744.0, -745.13):   # largest finite, subnormals
        assert fexp(x) == pytest.approx(math.exp(x), rel=4 * np.finfo(float).eps, abs=0.0)
        assert 0.0 < fexp(x) < math.inf


def test_fast_kernels_call_it_and_strict_ones_do_not():
    T = nb.BloxType("SigFX", "dx/dt = -x + 1/(1 + exp(-a*(x - 1)))", {"a": 2.0},
                    init={"x": 0.1})
    strict, fast = nb.compile(T(name="s")), nb.compile(T(name="s"), fastmath=True)
    text = {s: open(s._k.__file__).read() for s in (strict, fast)}
    assert "fexp(" in text[fast] and "math.exp(" not in text[fast].split("def rhs")[1]
    assert "fexp(" not in text[strict].split("def rhs")[1] and "math.exp(" in text[strict]
    a = nb.simulate(strict, 50.0, dt=0.01, method="euler").values
    b = nb.simulate(fast, 50.0, dt=0.01, method="euler").values
    assert np.abs(b - a).max() <= 1e-13 * np.abs(a).max()
