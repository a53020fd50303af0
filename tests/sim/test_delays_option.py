"""simulate(..., delays=): one compiled System run with other delays gives the
numbers of a circuit built with those delays, bit for bit (spike for spike)."""
import numpy as np
import pytest

import nbblox as nb
from nbblox.examples.rhythms import inhibitory_network
from nbblox.exceptions import ParameterError, SimulationError

NODE = nb.BloxType("Integrator", "dx/dt = I_syn", init={"x": 1.0})


def _net(delay):
    # Brunel & Hakim (1999)'s inhibitory network, small: 300 neurons, 60 inputs each
    return inhibitory_network(n=300, C=60, J=0.5, delay=delay)


def _spikes(sol):
    s = sol.spikes
    return s["time"], s["index"], s["blox"]


def _run(model, **kw):
    return nb.simulate(model, 100.0, dt=0.1, method="euler", seed=3, record=[], **kw)


@pytest.mark.parametrize("delay", [0.0, 1.0, 3.7, 4.0])
def test_spiking_delays_equal_a_circuit_built_with_them(delay):
    system = nb.compile(_net(2.0))
    want = _spikes(_run(nb.compile(_net(delay))))
    assert want[0].size > 100
    for given in (delay, {"net->net": delay},
                  {"net->net": np.full(system.layout.syn_dly0.size, delay)}):
        got = _spikes(_run(system, delays=given))
        for a, b in zip(got, want):
            np.testing.assert_array_equal(a, b)
    # and the System's own delays are untouched
    assert np.all(system.layout.syn_dly0 == 2.0)
    base = _spikes(_run(system))
    np.testing.assert_array_equal(base[0], _spikes(_run(nb.compile(_net(2.0))))[0])


def test_other_delays_change_the_run():
    system = nb.compile(_net(2.0))
    a, b = _spikes(_run(system))[0], _spikes(_run(system, delays=4.0))[0]
    assert a.size != b.size or not np.array_equal(a, b)


def _loop(tau, a=0.6, back=None):
    n1, n2 = NODE(name="n1"), NODE(name="n2")
    c = nb.Circuit([n1, n2])
    c.connect(n1, n2, weight=-a, delay=tau)
    c.connect(n2, n1, weight=-a, delay=tau if back is None else back)
    return c


@pytest.mark.parametrize("method", ["euler", "rk4"])
@pytest.mark.parametrize("tau", [0.5, 1.0, 2.55, 6.0])
def test_continuous_delays_equal_a_circuit_built_with_them(method, tau):
    system = nb.compile(_loop(2.0))
    got = nb.simulate(system, 40.0, dt=0.1, method=method, delays=tau)
    want = nb.simulate(_loop(tau), 40.0, dt=0.1, method=method)
    np.testing.assert_array_equal(got.values, want.values)
    assert got.info["delays"] == tau
    assert not np.array_equal(got.values, nb.simulate(system, 40.0, dt=0.1, method=method).values)


@pytest.mark.parametrize("compiled, given", [((2.0, 2.0), (3.0, 2.0)), ((0.0, 2.0), (1.5, 2.0)),
                                             ((2.0, 2.0), (2.0, 0.0))])
def test_one_continuous_connection_takes_its_own_delay(compiled, given):
    system = nb.compile(_loop(compiled[0], back=compiled[1]))
    got = nb.simulate(system, 30.0, dt=0.1, method="rk4", delays={"n2->n1": given[1],
                                                                   "n1->n2": given[0]})
    want = nb.simulate(_loop(given[0], back=given[1]), 30.0, dt=0.1, method="rk4")
    np.testing.assert_array_equal(got.values, want.values)
    assert not np.array_equal(got.values, nb.simulate(system, 30.0, dt=0.1, method="rk4").values)


def test_a_continuous_connection_takes_one_number():
    with pytest.raises(ParameterError, match=r"delays\['n1->n2'\].*one delay"):
        nb.simulate(_loop(2.0), 10.0, dt=0.1, delays={"n1->n2": [1.0]})
    with pytest.raises(ParameterError, match=r"delays\['n1->n2'\].*negative"):
        nb.simulate(_loop(2.0), 10.0, dt=0.1, delays={"n1->n2": -1.0})
    with pytest.raises(ParameterError, match=r"delays\['n1->n2'\].*without any delay"):
        nb.simulate(_loop(0.0), 10.0, dt=0.1, delays={"n1->n2": 1.0})


def test_rerun_repeats_the_delays():
    sol = _run(nb.compile(_net(2.0)), delays=4.0)
    np.testing.assert_array_equal(sol.rerun().spikes["time"], sol.spikes["time"])


def test_a_run_with_delays_is_not_recalled_as_the_circuits_own():
    from nbblox.sim.memo import recall
    net = _net(2.0)
    _run(nb.compile(net), delays=4.0)
    assert recall(net, 100.0, dt=0.1, method="euler", seed=3, record=[]) is None


@pytest.mark.parametrize("delays, match", [
    (-1.0, "negative"),
    (float("nan"), "NaN"),
    ({"net->net": -0.5}, r"delays\['net->net'\].*negative"),
    ({"net->net": np.ones(3)}, r"delays\['net->net'\] has shape \(3,\)"),
    ({"nett->net": 1.0}, "no spiking projection or connection named 'nett->net'.*'net->net'"),
    ({"net->net": "2 ms"}, "number of ms"),
    (True, "number of ms"),
])
def test_bad_delays_are_refused_before_the_kernel(delays, match):
    with pytest.raises(ParameterError, match=match):
        _run(nb.compile(_net(2.0)), delays=delays)


def test_what_was_compiled_without_a_delay_cannot_take_one():
    with pytest.raises(ParameterError, match="compiled without a delay"):
        _run(nb.compile(_net(0.0)), delays={"net->net": 1.0})
    with pytest.raises(ParameterError, match="compiled without any delay"):
        nb.simulate(_loop(0.0), 10.0, dt=0.1, delays=1.0)


def test_delays_longer_than_the_run_or_shorter_than_dt_are_refused():
    with pytest.raises(SimulationError, match="longer than the run"):
        _run(nb.compile(_net(2.0)), delays=200.0)
    with pytest.raises(SimulationError, match="shorter than dt"):
        nb.simulate(_loop(2.0), 10.0, dt=0.1, delays=0.05)


def test_a_saved_run_repeats_its_delays_from_the_file(tmp_path):
    sol = nb.simulate(_loop(2.0), 40.0, dt=0.1, method="rk4", delays=3.0)
    back = nb.load(sol.save(tmp_path / "run.nc"))
    np.testing.assert_array_equal(back.rerun().values, sol.values)


def test_the_numpy_reference_backend_takes_delays_too():
    want = nb.simulate(_loop(3.0), 20.0, dt=0.1, method="euler")
    got = nb.simulate(nb.compile(_loop(2.0), backend="numpy"), 20.0, dt=0.1, method="euler",
                      delays=3.0)
    np.testing.assert_allclose(got.values, want.values, rtol=1e-12, atol=1e-12)


def test_a_saved_spiking_run_repeats_its_delays_per_synapse_too(tmp_path):
    system = nb.compile(_net(2.0))
    d = np.where(np.arange(system.layout.syn_dly0.size) % 2, 1.0, 4.0)
    for k, given in enumerate(({"net->net": 4.0}, {"net->net": d})):
        sol = _run(system, delays=given)
        again = nb.load(sol.save(tmp_path / f"run{k}.nc")).rerun()
        np.testing.assert_array_equal(again.spikes["time"], sol.spikes["time"])
        np.testing.assert_array_equal(again.spikes["index"], sol.spikes["index"])
    assert sol.info["delays"] == {"net->net": "per synapse"}


def test_a_chunked_run_keeps_the_delays():
    """Callbacks cut the run into kernel calls; each call must get this run's delays."""
    system = nb.compile(_net(2.0))
    want = _spikes(_run(nb.compile(_net(4.0))))
    got = _spikes(_run(system, delays=4.0, callback=lambda s: None, callback_every=10.0))
    for a, b in zip(got, want):
        np.testing.assert_array_equal(a, b)
