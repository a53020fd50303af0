"""simulate(): published behaviour, convergence orders, backends agree,
adaptive solvers, and every bad input named."""
import math
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest
from scipy.optimize import fsolve

import nbblox as nb
from nbblox.compile.schemes import SCHEMES, select
from nbblox.exceptions import ParameterError, SimulationError

OSC = nb.BloxType("Osc", "dx/dt = y\ndy/dt = -x", init={"x": 1.0, "y": 0.0})


def spike_times(t, v, threshold=0.0):
    up = np.flatnonzero((v[1:] >= threshold) & (v[:-1] < threshold))
    return t[up + 1]


def test_hodgkin_huxley_fires_at_the_published_rate():
    """Hodgkin & Huxley (1952) J Physiol 117:500, squid axon at 6.3 degC.

    With I = 10 uA/cm^2 the model fires tonically at about 68 Hz (the
    standard f-I curve of the HH model, e.g. Ermentrout & Terman 2010,
    Mathematical Foundations of Neuroscience, ch. 1/3; value read: 68 Hz,
    tolerance +-3 Hz), and at I = 0 it rests at -65 mV without spiking.
    """
    hh = nb.blox.HodgkinHuxley(name="hh")
    sol = nb.simulate(hh, 1000.0, dt=0.01, params={"hh.I": 10.0}, record=["hh.V"])
    st = spike_times(sol.t, sol["hh.V"])
    rate = 1000.0 / np.mean(np.diff(st[5:]))
    assert 65.0 < rate < 71.0
    rest = nb.simulate(hh, 200.0, dt=0.01, params={"hh.I": 0.0})
    assert len(spike_times(rest.t, rest["hh.V"])) == 0
    assert abs(rest["hh.V"][-1] + 65.0) < 0.5


def test_fitzhugh_nagumo_fixed_point_matches_scipy_root():
    """FitzHugh 1961: with a=0.7, b=0.8 and I=0.2 the single equilibrium is
    stable; the run must settle on the root an independent solver finds."""
    a, b, I = 0.7, 0.8, 0.2
    V, w = fsolve(lambda z: [z[0] - z[0] ** 3 / 3 - z[1] + I, z[0] + a - b * z[1]], [-1, -0.5])
    s = nb.compile(nb.blox.FitzHughNagumo(name="f", I=I))
    sol = nb.simulate(s, 3000.0, dt=0.05)
    assert abs(sol["f.V"][-1] - V) < 1e-6 and abs(sol["f.w"][-1] - w) < 1e-6
    np.testing.assert_allclose(s.rhs(np.array([V, w])), 0.0, atol=1e-12)


def test_wilson_cowan_fixed_point_matches_scipy_root():
    """Wilson & Cowan 1972 equations (subtracted sigmoid); with P = 0.5 the
    low-activity state is a stable equilibrium; compare with fsolve on the
    equations written out independently here."""
    p = dict(c1=16, c2=12, c3=15, c4=3, aE=1.3, thE=4, aI=2, thI=3.7, P=0.5, Q=0)
    S = lambda x, a, th: 1 / (1 + np.exp(-a * (x - th))) - 1 / (1 + np.exp(a * th))
    kE, kI = 1 - 1 / (1 + np.exp(p["aE"] * p["thE"])), 1 - 1 / (1 + np.exp(p["aI"] * p["thI"]))
    f = lambda z: [-z[0] + (kE - z[0]) * S(p["c1"] * z[0] - p["c2"] * z[1] + p["P"], p["aE"], p["thE"]),
                   -z[1] + (kI - z[1]) * S(p["c3"] * z[0] - p["c4"] * z[1] + p["Q"], p["aI"], p["thI"])]
    E, I = fsolve(f, [0.05, 0.02])
    s = nb.compile(nb.blox.WilsonCowan(name="wc", P=0.5))
    sol = nb.simulate(s, 500.0, dt=0.05)
    assert abs(sol["wc.E"][-1] - E) < 1e-8 and abs(sol["wc.I"][-1] - I) < 1e-8
    np.testing.assert_allclose(s.rhs(np.array([E, I])), 0.0, atol=1e-12)


@pytest.mark.parametrize("backend", ["numba", "numpy"])
@pytest.mark.parametrize("method, order", [(s.name, s.order) for s in SCHEMES if s.order])
def test_convergence_order_on_the_harmonic_oscillator(method, order, backend):
    """x'' = -x with x(0)=1: exact x = cos t.  Halving dt divides the error
    at t = 2 by 2**order."""
    errs = []
    for dt in (0.02, 0.01, 0.005):
        sol = nb.simulate(OSC(name="o"), 2.0, dt=dt, method=method, backend=backend)
        errs.append(abs(sol["o.x"][-1] - math.cos(2.0)))
    rates = np.log2(np.array(errs[:-1]) / np.array(errs[1:]))
    assert np.all(np.abs(rates - order) < 0.15), rates


@pytest.mark.parametrize("method", select(exponential=False))
def test_numba_and_numpy_backends_agree(method):
    c = nb.Circuit([nb.blox.HodgkinHuxley(name="hh", I=12.0),
                    nb.blox.WilsonCowan(name="a"), nb.blox.WilsonCowan(name="b")])
    c.connect("a", "b", weight=2.0)
    c.connect("a", "hh", weight=5.0, unit="uA/cm^2")   # activity (dimensionless) -> current
    fast = nb.simulate(c, 15.0, dt=0.01, method=method)
    ref = nb.simulate(c, 15.0, dt=0.01, method=method, backend="numpy")
    assert ref.info["backend"] == "numpy" and fast.info["backend"] == "numba"
    np.testing.assert_allclose(fast.values, ref.values, rtol=1e-9, atol=1e-9)


@pytest.mark.parametrize("method", ["RK45", "DOP853", "LSODA", "BDF", "Radau"])
def test_adaptive_methods_match_fine_rk4(method):
    hh = nb.blox.HodgkinHuxley(name="hh", I=10.0)
    ref = nb.simulate(hh, 30.0, dt=0.001, method="rk4", stride=100)
    sol = nb.simulate(hh, 30.0, dt=0.1, method=method, rtol=1e-8, atol=1e-10)
    assert sol.t.shape == ref.t.shape
    np.testing.assert_allclose(sol["hh.V"], ref["hh.V"], atol=5e-3)


def test_record_stride_and_conversions():
    sol = nb.simulate(nb.blox.FitzHughNagumo(name="f", I=0.5), 100.0, dt=0.01,
                      record=["f.V"], stride=10)
    assert sol.names == ["f.V"] and sol.t.size == 1001 and sol.t[-1] == pytest.approx(100.0)
    assert sol["V"] is not None and sol.final_state.shape == (2,)
    with pytest.raises(ParameterError, match="'f.w' was not recorded"):
        sol["f.w"]
    ds = sol.to_xarray()
    assert ds["f.V"].dims == ("time",) and ds.attrs["method"] == "rk4"
    df = sol.to_pandas()
    assert list(df.columns) == ["f.V"] and df.index.name == "time"


def test_x0_overrides_and_continuing_a_run():
    f = nb.blox.FitzHughNagumo(name="f", I=0.5)
    whole = nb.simulate(f, 20.0, dt=0.01)
    first = nb.simulate(f, 10.0, dt=0.01)
    second = nb.simulate(f, 20.0, dt=0.01, t0=10.0, x0=first.final_state)
    np.testing.assert_allclose(second["f.V"][-1], whole["f.V"][-1], rtol=1e-12)
    alt = nb.simulate(f, 1.0, x0={"f.V": 2.0})
    assert alt["f.V"][0] == 2.0
    with pytest.raises(ParameterError, match="no state named 'f.X'"):
        nb.simulate(f, 1.0, x0={"f.X": 1.0})
    with pytest.raises(ParameterError, match="x0 has shape"):
        nb.simulate(f, 1.0, x0=np.zeros(5))


@pytest.mark.parametrize("kw, fragment", [
    (dict(dt=0.0), "dt must be > 0"),
    (dict(dt=-0.1), "dt must be > 0"),
    (dict(dt=float("nan")), "dt must be finite"),
    (dict(t_end=-5.0), "t_end must be >= 0"),
    (dict(t_end=0.0), "must be greater than t0"),
    (dict(t_end="long"), "t_end must be a number"),
    (dict(dt=20.0), "longer than the run"),
    (dict(method="rk5"), "unknown method 'rk5'"),
    (dict(stride=0), "stride must be a whole number"),
    (dict(stride=2.5), "stride must be a whole number"),
])
def test_bad_run_settings(kw, fragment):
    args = dict(t_end=10.0)
    args.update(kw)
    with pytest.raises(SimulationError, match=fragment):
        nb.simulate(nb.blox.FitzHughNagumo(name="f"), **args)


def test_bad_parameters_are_named():
    f = nb.blox.FitzHughNagumo(name="f")
    with pytest.raises(ParameterError, match="no parameter named 'f.tau_w'.*'f.tau'"):
        nb.simulate(f, 1.0, params={"f.tau_w": 2.0})
    with pytest.raises(ParameterError, match="'f.I' must be finite"):
        nb.simulate(f, 1.0, params={"f.I": float("nan")})
    with pytest.raises(ParameterError, match="'f.tau'.*physical range"):
        nb.simulate(f, 1.0, params={"f.tau": -1.0})
    with pytest.raises(ParameterError, match="no state named 'f.u'"):
        nb.simulate(f, 1.0, record=["f.u"])


@pytest.mark.parametrize("backend", ["numba", "numpy"])
def test_blow_up_stops_and_names_time_and_variable(backend):
    """x' = x^2, x(0) = 1 has x = 1/(1 - t): it leaves every float at t = 1."""
    T = nb.BloxType("Blowup", "dx/dt = x**2", init={"x": 1.0})
    with pytest.raises(SimulationError) as err:
        nb.simulate(T(name="b"), 5.0, dt=0.001, backend=backend)
    msg = str(err.value)
    assert "state 'b.x'" in msg and "diverged at t = 1.0" in msg
    part = err.value.partial
    assert part is not None and part.t[-1] < 1.01 and np.isfinite(part["b.x"]).all()


def test_adaptive_blow_up_is_reported():
    T = nb.BloxType("Blowup", "dx/dt = x**2", init={"x": 1.0})
    with pytest.raises(SimulationError, match="RK45|diverged"):
        nb.simulate(T(name="b"), 5.0, dt=0.01, method="RK45")


def test_long_run_with_stride_stays_small_in_memory(tmp_path):
    """10^7 steps, one variable recorded every 10th step: the run adds about
    16 MB (t and V, 10^6 samples each) to the process's peak memory; recording
    everything at every step would add ~240 MB.  (The process itself, with
    numba and LLVM loaded, sits near 200 MB; bench/ reports the total.)"""
    script = textwrap.dedent("""
        import resource, nbblox as nb
        peak = lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        f = nb.blox.FitzHughNagumo(name="f", I=0.5)
        nb.simulate(f, 1.0, dt=0.01, method="euler")
        before = peak()
        sol = nb.simulate(f, 100000.0, dt=0.01, method="euler", record=["f.V"], stride=10)
        assert sol.t.size == 10**6 + 1
        print(peak() - before)
    """)
    out = subprocess.run([sys.executable, "-c", script], check=True, capture_output=True,
                         text=True, env=dict(os.environ)).stdout
    assert float(out.split()[-1]) < 50.0
