"""Streaming sweeps (measures accumulated in the kernel) give the trace path's numbers.

Tolerances: min, max, final, amplitude, rate and period are the same float
operations on the same samples, so they are compared bit for bit; mean and
std come from shifted one-pass sums instead of NumPy's pairwise mean and
two-pass std, compared at 1e-12 relative (plus 1e-12 absolute for values
near zero).
"""
import tracemalloc

import numpy as np
import pytest

import nbblox as nb
from nbblox.exceptions import SimulationError
from nbblox.sim import sweep_stream

EXACT = ["min", "max", "final", "amplitude", "rate", "period"]
ROUNDED = ["mean", "std"]


@pytest.fixture(scope="module")
def fhn():
    return nb.compile(nb.blox.FitzHughNagumo(name="fhn"))


@pytest.mark.parametrize("method", ["euler", "rk4"])
@pytest.mark.parametrize("n", [5, 70])   # 5: one instance per loop; 70: lockstep blocks + tail
def test_stream_equals_trace_path(fhn, method, n):
    kw = dict(t_end=80.0, dt=0.05, method=method, transient=10.0, stride=3,
              measure=EXACT + ROUNDED, threshold=1.0)
    I = np.linspace(0.0, 2.0, n)
    s = nb.sweep(fhn, {"fhn.I": I}, **kw)
    t = nb.sweep(fhn, {"fhn.I": I}, stream=False, **kw)
    assert s.attrs["stream"] == 1 and t.attrs["stream"] == 0
    assert np.isfinite(s["rate"].values).all() and (s["rate"].values > 0).any()
    for m in EXACT:
        np.testing.assert_array_equal(s[m].values, t[m].values, err_msg=m)
    for m in ROUNDED:
        np.testing.assert_allclose(s[m].values, t[m].values, rtol=1e-12, atol=1e-12, err_msg=m)


def test_not_streamable_uses_trace_path(fhn):
    kw = dict(t_end=20.0, dt=0.05)
    # rate without a threshold needs the whole trace (midpoint threshold)
    assert nb.sweep(fhn, {"fhn.I": [0.1, 1.0]}, measure="rate", **kw).attrs["stream"] == 0
    assert nb.sweep(fhn, {"fhn.I": [0.1, 1.0]}, measure="max", traces=True,
                    **kw).attrs["stream"] == 0
    with pytest.raises(SimulationError, match="stream=True"):
        nb.sweep(fhn, {"fhn.I": [0.1, 1.0]}, measure=lambda sol: 1.0, stream=True, **kw)


def test_module_switch_selects_trace_path(fhn, monkeypatch):
    monkeypatch.setattr(sweep_stream, "STREAM", False)
    res = nb.sweep(fhn, {"fhn.I": [0.1, 1.0]}, t_end=20.0, dt=0.05, measure="max")
    assert res.attrs["stream"] == 0


def test_stream_allocates_no_trace(fhn):
    I = np.linspace(0.0, 2.0, 64)
    kw = dict(t_end=200.0, dt=0.01, method="euler", measure=["max", "mean"])
    nb.sweep(fhn, {"fhn.I": I}, **kw)   # compile first (lockstep plan, kernels)
    trace_bytes = I.size * 2 * (20000 + 1) * 8   # 64 x 2 variables x 20 001 samples
    tracemalloc.start()
    nb.sweep(fhn, {"fhn.I": I}, **kw)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < trace_bytes / 10, (peak, trace_bytes)
