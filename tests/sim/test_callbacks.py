"""Simulation callbacks: called every k steps from the chunked kernel, able to
change parameters and weights mid-run; a failing callback stops the run with
the partial Solution."""
import numpy as np
import pytest

import nbblox as nb
from nbblox.exceptions import CallbackError, SimulationError

LIF = nb.BloxType("LIFg", "dV/dt = (-V + I + ge)/10\ndge/dt = -ge/5",
                  params={"I": 0.0}, spike="V > 1", reset="V = 0", kind="neuron")


def net():
    src = nb.Population(LIF, 1, name="src", I=1.5)
    dst = nb.Population(LIF, 2, name="dst")
    return nb.Circuit([src, dst]).connect(src, dst, weight=0.0, on_pre="ge += w",
                                          i=[0, 0], j=[0, 1])


def test_called_every_k_steps_and_run_unchanged():
    calls = []
    sol = nb.simulate(net(), 100.0, dt=0.1, method="euler",
                      callback=lambda s: calls.append((s.t, s.step, s.spikes["time"].size)),
                      callback_every=7.5)
    assert [c[0] for c in calls] == pytest.approx(np.arange(1, 14) * 7.5)
    assert [c[1] for c in calls] == list(range(75, 1000, 75))
    # the spikes handed over are exactly those since the previous call
    ref = nb.simulate(net(), 100.0, dt=0.1, method="euler")
    edges = [0.0] + [c[0] for c in calls]
    counts = [int(np.sum((ref.spikes["time"] > a) & (ref.spikes["time"] <= b)))
              for a, b in zip(edges[:-1], edges[1:])]
    assert [c[2] for c in calls] == counts
    np.testing.assert_array_equal(sol.values, ref.values)   # chunking changes nothing
    np.testing.assert_array_equal(sol.spikes["time"], ref.spikes["time"])


def test_callback_changes_parameter_and_weight_mid_run():
    def cb(s):
        if abs(s.t - 50.0) < 1e-9:
            s.params["dst[1].I"] = 2.0          # drive neuron 1 from t = 50
            s.weights["src->dst"][0] = 3.0     # neuron 0 now receives the input spikes

    sol = nb.simulate(net(), 100.0, dt=0.1, method="euler", callback=cb, callback_every=10.0)
    idx, t = sol.spike_trains("dst")
    assert idx.size and t.min() > 50.0                 # nothing before the change
    assert np.any(idx == 1) and np.any(idx == 0)
    assert sol.weights["src->dst"].tolist() == [3.0, 0.0]
    ge = sol["dst[0].ge"]
    assert np.all(ge[sol.t <= 50.0] == 0.0) and ge.max() > 0


def test_callback_stops_run_cleanly():
    def cb(s):
        if s.t >= 30.0:
            s.stop()

    sol = nb.simulate(net(), 100.0, dt=0.1, method="euler", callback=cb, callback_every=10.0)
    assert sol.t[-1] == pytest.approx(30.0) and sol.info["stopped_at"] == pytest.approx(30.0)
    sol = nb.simulate(net(), 100.0, dt=0.1, method="euler", callback=lambda s: False,
                      callback_every=10.0)
    assert sol.t[-1] == pytest.approx(10.0)


def test_raising_callback_returns_partial_and_error():
    def cb(s):
        if s.t > 25.0:
            raise ValueError("boom")

    with pytest.raises(CallbackError, match="boom") as ei:
        nb.simulate(net(), 100.0, dt=0.1, method="euler", callback=cb, callback_every=10.0)
    err = ei.value
    assert isinstance(err, SimulationError) and isinstance(err.__cause__, ValueError)
    assert err.partial is not None and err.partial.t[-1] == pytest.approx(30.0)
    assert err.partial["src.V"].size == 301 and "src->dst" in err.partial.weights


def test_callback_on_plain_ode_circuit():
    fhn = nb.blox.FitzHughNagumo(name="f")
    ref = nb.simulate(fhn, 50.0, dt=0.01, method="rk4")
    ts = []
    sol = nb.simulate(fhn, 50.0, dt=0.01, method="rk4", callback=lambda s: ts.append(s.t),
                      callback_every=10.0)
    np.testing.assert_allclose(sol.values, ref.values, rtol=0, atol=1e-12)
    assert ts == pytest.approx([10, 20, 30, 40, 50])

    def kick(s):
        if abs(s.t - 20.0) < 1e-9:
            s.params["f.I"] = 1.0
            s.x["f.V"] = 2.0

    sol = nb.simulate(fhn, 50.0, dt=0.01, method="rk4", callback=kick, callback_every=10.0)
    k = np.searchsorted(sol.t, 20.0)
    assert np.all(sol.values[:, :k + 1] == ref.values[:, :k + 1])
    assert sol["f.V"][k + 1] == pytest.approx(2.0, abs=0.05)


def test_weight_history():
    sol = nb.simulate(net(), 40.0, dt=0.1, method="euler", record_weights=10.0)
    assert sol.weight_history["t"] == pytest.approx([0, 10, 20, 30, 40])
    assert sol.weight_history["src->dst"].shape == (5, 2)


@pytest.mark.parametrize("kw,msg", [
    ({"callback_every": 0}, "positive"),
    ({"callback_every": -5.0}, "positive"),
    ({"callback_every": 0.05}, "whole number of steps"),
    ({"callback_every": "often"}, "time in ms"),
    ({"callback_every": None}, "callback_every"),
])
def test_bad_callback_every(kw, msg):
    with pytest.raises(SimulationError, match=msg):
        nb.simulate(net(), 10.0, dt=0.1, method="euler", callback=lambda s: None, **kw)


def test_bad_callback_input():
    with pytest.raises(SimulationError, match="function"):
        nb.simulate(net(), 10.0, dt=0.1, method="euler", callback=3, callback_every=1.0)
    with pytest.raises(SimulationError, match="callback is None"):
        nb.simulate(net(), 10.0, dt=0.1, method="euler", callback_every=1.0)
    with pytest.raises(CallbackError, match="returned"):
        nb.simulate(net(), 10.0, dt=0.1, method="euler", callback=lambda s: 42,
                    callback_every=1.0)
    with pytest.raises(SimulationError, match="fixed-step"):
        nb.simulate(nb.blox.FitzHughNagumo(name="f"), 10.0, dt=0.1, method="RK45",
                    callback=lambda s: None, callback_every=1.0)

    def nan_weight(s):
        s.weights["src->dst"].fill(np.nan)
    with pytest.raises(CallbackError, match="NaN"):
        nb.simulate(net(), 10.0, dt=0.1, method="euler", callback=nan_weight,
                    callback_every=1.0)

    def bad_setter(s):
        s.weights["src->dst"] = [1.0, 2.0, 3.0]
    with pytest.raises(CallbackError, match="2 values"):
        nb.simulate(net(), 10.0, dt=0.1, method="euler", callback=bad_setter,
                    callback_every=1.0)

    def reward(s):
        s.reward(1.0)
    with pytest.raises(CallbackError, match="no nb.RSTDP"):
        nb.simulate(net(), 10.0, dt=0.1, method="euler", callback=reward,
                    callback_every=1.0)
    with pytest.raises(nb.ParameterError, match="no spiking projection"):
        nb.simulate(net(), 10.0, dt=0.1, method="euler", weights={"nope": 1.0})


def test_callback_and_sensitivities_do_not_mix():
    with pytest.raises(SimulationError, match="cannot be combined"):
        nb.simulate(nb.blox.FitzHughNagumo(name="f"), 10.0, dt=0.1, sensitivities=["f.I"],
                    callback=lambda s: None, callback_every=1.0)
