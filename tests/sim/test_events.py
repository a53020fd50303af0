"""Spike events: threshold, reset, refractory hold, spike record, on_pre
synapses (immediate and delayed), spike-buffer refills, bad conditions."""
import math

import numpy as np
import pytest

import nbblox as nb
from nbblox.exceptions import CompileError, SimulationError
from nbblox.sim import events

# leaky integrate-and-fire with an exponential conductance-like variable ge
LIF = nb.BloxType(
    "LIFtest", """
    dV/dt = (El - V + RI)/tau
    dge/dt = -ge/taue
    """,
    params={"El": -60.0, "RI": 15.0, "tau": 10.0, "taue": 5.0, "Vt": -50.0, "Vr": -60.0},
    spike="V > Vt", reset="V = Vr", refractory=2.0, init={"V": -60.0})


def lif_period(El=-60.0, RI=15.0, tau=10.0, Vt=-50.0, Vr=-60.0, ref=2.0):
    """Analytic LIF period: ref + tau*ln((V_inf - Vr)/(V_inf - Vt)), V_inf = El + RI
    (Lapicque's model; e.g. Gerstner et al. 2014, Neuronal Dynamics, eq. 1.11)."""
    vinf = El + RI
    return ref + tau * math.log((vinf - Vr) / (vinf - Vt))


def test_lif_period_matches_the_analytic_value():
    sol = nb.simulate(LIF(name="n"), 200.0, dt=0.01, method="rk4", record=["n.V"])
    t = sol.spikes["time"]
    assert t.size >= 14
    assert set(sol.spikes["blox"]) == {"n"} and set(sol.spikes["index"]) == {0}
    # spike times are on the dt grid: each ISI is within one step of the truth
    isi = np.diff(t)
    assert abs(isi.mean() - lif_period()) < 0.011
    assert np.all(np.abs(isi - lif_period()) < 0.011)


def test_refractory_holds_the_reset_state_and_lets_others_integrate():
    n = LIF(name="n", init={"ge": 1.0})
    sol = nb.simulate(n, 30.0, dt=0.01, method="euler")
    t0 = sol.spikes["time"][0]
    inside = (sol.t > t0 + 1e-9) & (sol.t < t0 + 2.0 - 1e-9)
    assert np.all(sol["n.V"][inside] == -60.0)                  # held at Vr
    ge = sol["n.ge"][inside]
    assert np.all(np.diff(ge) < 0)                                # still decaying
    after = sol.t > t0 + 2.0 + 0.05
    assert sol["n.V"][after][0] > -60.0                           # free again


def test_population_spike_record_and_heterogeneous_rates():
    RI = np.array([12.0, 15.0, 20.0, 5.0])
    pop = nb.Population(LIF, n=4, name="pop", RI=RI)
    sol = nb.simulate(nb.Circuit([pop]), 500.0, dt=0.01, method="rk4", record=[])
    assert sol.values.shape[0] == 0
    idx, times = sol.spike_trains("pop")
    assert np.all(np.diff(sol.spikes["time"]) >= 0)
    counts = np.bincount(idx, minlength=4)
    assert counts[3] == 0                                         # below threshold (V_inf = -55)
    for k in range(3):
        expected = 500.0 / lif_period(RI=RI[k])
        assert abs(counts[k] - expected) <= 1.5


def _driver_and_targets(delay=0.0):
    pre = nb.Population(LIF, n=1, name="pre", RI=20.0)
    post = nb.Population(LIF, n=3, name="post", RI=0.0)
    c = nb.Circuit([pre, post])
    c.connect(pre, post, weight=[0.1, 0.2, 0.3], i=[0, 0, 0], j=[0, 1, 2], on_pre="ge += w",
              delay=delay)
    return c


def test_on_pre_increments_the_targets_at_the_spike_step():
    """Brian2's schedule: a spike stamped t is found in the step from t to
    t + dt, whose on_pre effect is in the state recorded at t + dt."""
    sol = nb.simulate(_driver_and_targets(), 20.0, dt=0.1, method="euler",
                      record=["post.ge"])
    ts = sol.spikes["time"][sol.spikes["blox"] == "pre"][0]
    k = int(round(ts / 0.1)) + 1
    np.testing.assert_allclose(sol["post.ge"][:, k], [0.1, 0.2, 0.3], rtol=0, atol=1e-15)
    assert np.all(sol["post.ge"][:, k - 1] == 0.0)


def test_delayed_spikes_arrive_after_the_delay():
    sol = nb.simulate(_driver_and_targets(delay=3.0), 20.0, dt=0.1, method="euler",
                      record=["post.ge"])
    ts = sol.spikes["time"][sol.spikes["blox"] == "pre"][0]
    k = int(round((ts + 3.0) / 0.1)) + 1     # applied in the step that starts at ts + 3
    assert np.all(sol["post.ge"][:, k - 1] == 0.0)
    np.testing.assert_allclose(sol["post.ge"][:, k], [0.1, 0.2, 0.3], rtol=0, atol=1e-15)


def test_spike_buffer_refills_give_the_same_spikes(monkeypatch):
    pop = nb.Population(LIF, n=50, name="pop", RI=np.linspace(11, 30, 50))
    c = nb.Circuit([pop]).connect(pop, pop, weight=0.05, on_pre="ge += w", p=0.2, seed=1)
    s = nb.compile(c)
    ref = nb.simulate(s, 300.0, dt=0.05, method="euler", record=[])
    monkeypatch.setattr(events, "SPIKE_BUFFER_MIN", 64)   # refills every few steps
    small = nb.simulate(s, 300.0, dt=0.05, method="euler", record=["pop[3].V"])
    assert ref.spikes["time"].size > 1000
    np.testing.assert_array_equal(small.spikes["time"], ref.spikes["time"])
    np.testing.assert_array_equal(small.spikes["index"], ref.spikes["index"])


@pytest.mark.parametrize("cond", ["1 > 0", "V > V - 1", "Vt > 0"])
def test_spike_condition_that_cannot_change_is_refused(cond):
    T = nb.BloxType("Bad", "dV/dt = -V", params={"Vt": 1.0}, spike=cond, reset="V = 0")
    with pytest.raises(CompileError, match="spike condition"):
        nb.compile(T(name="b"))


def test_reset_that_stays_above_threshold_is_reported():
    T = nb.BloxType("Stuck", "dV/dt = 1", spike="V > 1", reset="V = 2")
    with pytest.raises(SimulationError, match="still true right after the reset") as exc:
        nb.simulate(T(name="b"), 10.0, dt=0.1, method="euler")
    assert exc.value.partial is not None


def test_spiking_needs_a_fixed_step_method():
    with pytest.raises(SimulationError, match="fixed-step"):
        nb.simulate(LIF(name="n"), 10.0, dt=0.1, method="RK45")


def test_delayed_on_pre_must_be_an_increment():
    pre = nb.Population(LIF, n=1, name="pre")
    post = nb.Population(LIF, n=1, name="post")
    c = nb.Circuit([pre, post]).connect(pre, post, on_pre="ge = ge*0.5 + w", delay=1.0)
    with pytest.raises(CompileError, match="state-independent"):
        nb.compile(c)


def test_reference_backend_runs_spikes_too():
    """The NumPy backend runs spike events (tests/sim/test_reference_net.py)."""
    a = nb.simulate(LIF(name="n"), 30.0, dt=0.1, method="euler", backend="numpy")
    b = nb.simulate(LIF(name="n"), 30.0, dt=0.1, method="euler", backend="numba")
    assert a.info["backend"] == "numpy" and a.spikes["time"].size >= 2
    np.testing.assert_array_equal(a.spikes["time"], b.spikes["time"])


def test_record_whole_population_and_spikes_of_an_izhikevich_blox():
    """Izhikevich (2003) regular spiking: 'v >= 30; v = c, u += d'; the
    increment-type reset of u is applied, and a refractory-free blox works."""
    Izh = nb.BloxType("IzhT", """
        dv/dt = 0.04*v**2 + 5*v + 140 - u + I
        du/dt = a*(b*v - u)
        """, params={"a": 0.02, "b": 0.2, "c": -65.0, "d": 8.0, "I": 10.0},
        spike="v >= 30", reset="v = c; u += d", init={"v": -65.0, "u": -13.0})
    pop = nb.Population(Izh, n=2, name="rs", I=np.array([0.0, 10.0]))
    sol = nb.simulate(nb.Circuit([pop]), 200.0, dt=0.05, method="euler", record=["rs.u"])
    idx, t = sol.spike_trains("rs")
    assert set(idx) == {1}                        # I = 0 stays at rest
    u = sol["rs.u"][1]
    k = int(round(t[0] / 0.05)) + 1          # the step from t to t + dt resets
    assert u[k] - u[k - 1] == pytest.approx(8.0, abs=0.05)   # u += d at the spike
