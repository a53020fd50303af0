"""Streaming sweeps (measures accumulated in the kernel) give the trace path's numbers.

Tolerances: min, max, final, amplitude, rate and period are the same float
operations on the same samples, so they are compared bit for bit; mean and
std come from Kahan-compensated shifted one-pass sums instead of NumPy's pairwise mean and
two-pass std, compared at 1e-12 relative (plus 1e-12 absolute for values
near zero).
"""
import tracemalloc

import numpy as np
import pytest

import nbblox as nb
from nbblox.compile.schemes import select
from nbblox.exceptions import SimulationError
from nbblox.sim.sweep import stream as sweep_stream

EXACT = ["min", "max", "final", "amplitude", "rate", "period"]
ROUNDED = ["mean", "std"]


@pytest.fixture(scope="module")
def fhn():
    return nb.compile(nb.blox.FitzHughNagumo(name="fhn"))


@pytest.mark.parametrize("method", select(exponential=False))   # every Runge-Kutta scheme
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


def test_mean_and_std_do_not_drift_over_long_runs(fhn):
    """48 000 kept samples: a plain running sum was off by 3.5e-12 (mean) and
    3.8e-10 (std) relative here; the compensated sums stay at ~5e-14."""
    kw = dict(t_end=500.0, dt=0.01, method="rk4", transient=20.0, measure=ROUNDED)
    I = np.linspace(0.0, 2.0, 70)
    s = nb.sweep(fhn, {"fhn.I": I}, **kw)
    t = nb.sweep(fhn, {"fhn.I": I}, stream=False, **kw)
    assert s.attrs["stream"] == 1
    for m in ROUNDED:
        np.testing.assert_allclose(s[m].values, t[m].values, rtol=1e-12, atol=1e-13, err_msg=m)


def test_coupled_circuit_in_lockstep_streams_the_same_numbers():
    """Edges, per-instance weights (a 'coupling' sweep) and every state recorded
    (replica slots not contiguous: the gathered fold) in lockstep blocks."""
    a, b = nb.blox.WilsonCowan(name="a"), nb.blox.WilsonCowan(name="b")
    c = nb.Circuit([a, b], name="pair")
    c.connect(a, b, weight=1.5)
    c.connect(b, a, weight=0.5)
    s = nb.compile(c)
    kw = dict(t_end=60.0, dt=0.1, method="heun", transient=5.0, measure=EXACT[:4] + ROUNDED)
    g = np.linspace(0.0, 3.0, 70)
    st = nb.sweep(s, {"coupling": g}, **kw)
    tr = nb.sweep(s, {"coupling": g}, stream=False, **kw)
    assert st.attrs["stream"] == 1 and st["max"].shape == (70, len(s.state_names))
    assert np.ptp(st["final"].values[:, 0]) > 0      # the coupling changes the runs
    for m in EXACT[:4]:
        np.testing.assert_array_equal(st[m].values, tr[m].values, err_msg=m)
    for m in ROUNDED:
        np.testing.assert_allclose(st[m].values, tr[m].values, rtol=1e-12, atol=1e-13, err_msg=m)
