"""Forward sensitivities (nbblox.compile.sensitivity, simulate(sensitivities=)).

The generated RK4/Heun/Euler steps on the augmented system are the exact
derivatives of the discrete map, so they must agree with central finite
differences of nb.simulate on the same dt (issue 11: 1e-5 relative)."""
import numpy as np
import pytest

import nbblox as nb
from nbblox.compile.schemes import select
from nbblox.exceptions import ParameterError, SimulationError


def _fd(system, t_end, dt, name, var, method="rk4", h=1e-6, x0=None):
    def run(v):
        if name.endswith("(0)"):
            xs = dict(x0 or {})
            xs[name[:-3]] = v
            return nb.simulate(system, t_end, dt=dt, method=method, x0=xs)[var]
        return nb.simulate(system, t_end, dt=dt, method=method, params={name: v})[var]
    v = (system.x0[system.state_index(name[:-3])] if name.endswith("(0)")
         else system.params[name])
    step = h * max(abs(v), 1.0)
    return (run(v + step) - run(v - step)) / (2 * step)


def _rel(a, b):
    return float(np.abs(a - b).max() / np.abs(b).max())


@pytest.mark.parametrize("method", select(backend="sensitivity"))
def test_fitzhugh_nagumo_matches_central_differences(method):
    s = nb.compile(nb.blox.FitzHughNagumo(name="fhn", I=0.5))
    names = ["fhn.a", "fhn.b", "fhn.tau", "fhn.I", "fhn.V(0)"]
    sol = nb.simulate(s, 60.0, dt=0.02, method=method, sensitivities=names)
    for name in names:
        for var in ("fhn.V", "fhn.w"):
            S = sol.sensitivity(var, name)
            assert np.abs(S).max() > 1e-3          # a real signal, not zeros
            assert _rel(S, _fd(s, 60.0, 0.02, name, var, method)) < 1e-5, (name, var)


def test_hodgkin_huxley_matches_central_differences():
    s = nb.compile(nb.blox.HodgkinHuxley(name="hh", I=10.0))
    names = ["hh.g_Na", "hh.g_K", "hh.g_L", "hh.E_K", "hh.V(0)"]
    sol = nb.simulate(s, 30.0, dt=0.01, sensitivities=names)
    assert sol["hh.V"].max() > 0          # spikes inside the window
    for name in names:
        S = sol.sensitivity("hh.V", name)
        assert _rel(S, _fd(s, 30.0, 0.01, name, "hh.V")) < 1e-5, name
    # the state trajectory itself is the plain simulation's
    plain = nb.simulate(s, 30.0, dt=0.01)
    np.testing.assert_array_equal(sol.t, plain.t)
    np.testing.assert_allclose(sol["hh.V"], plain["hh.V"], rtol=0, atol=1e-9)


def test_connection_weight_and_record_stride():
    a, b = nb.blox.WilsonCowan(name="a", P=1.0), nb.blox.WilsonCowan(name="b")
    c = nb.Circuit([a, b]).connect(a, b, weight=2.0)
    s = nb.compile(c)
    sol = nb.simulate(s, 40.0, dt=0.05, stride=4, record=["b.E"],
                      sensitivities=["a->b", "a.c1"])
    assert sol.sensitivities.shape == (1, 2, sol.t.size)
    e = int(np.flatnonzero(s.layout.dst >= 0)[0])

    def run(wv):
        s.weights[e] = wv
        return nb.simulate(s, 40.0, dt=0.05, stride=4, record=["b.E"])["b.E"]
    fd = (run(2.0 + 1e-6) - run(2.0 - 1e-6)) / 2e-6
    s.weights[e] = 2.0
    assert _rel(sol.sensitivity("b.E", "a->b"), fd) < 1e-5
    assert _rel(sol.sensitivity("b.E", "a.c1"), _fd(s, 40.0, 0.05, "a.c1", "b.E")[::4]) < 1e-5


def test_xarray_carries_sensitivities():
    sol = nb.simulate(nb.blox.FitzHughNagumo(name="fhn"), 5.0, sensitivities=["fhn.a", "fhn.b"])
    ds = sol.to_xarray()
    assert ds["sensitivity"].dims == ("variable", "parameter", "time")
    assert list(ds["parameter"].values) == ["fhn.a", "fhn.b"]
    np.testing.assert_array_equal(ds["sensitivity"].sel(variable="fhn.w", parameter="fhn.b"),
                                  sol.sensitivity("fhn.w", "fhn.b"))


def test_unknown_sensitivity_parameter_is_named():
    m = nb.blox.FitzHughNagumo(name="fhn")
    with pytest.raises(ParameterError, match="fhn.aa"):
        nb.simulate(m, 1.0, sensitivities=["fhn.aa"])
    with pytest.raises(ParameterError, match="fhn.Q"):
        nb.simulate(m, 1.0, sensitivities=["fhn.Q(0)"])
    with pytest.raises(ParameterError, match="x->y"):
        nb.simulate(m, 1.0, sensitivities=["x->y"])
    sol = nb.simulate(m, 1.0, sensitivities=["fhn.a"])
    with pytest.raises(ParameterError, match="fhn.b"):
        sol.sensitivity("fhn.V", "fhn.b")
    with pytest.raises(ParameterError, match="no sensitivities"):
        nb.simulate(m, 1.0).sensitivity("fhn.V", "fhn.a")


def test_spiking_and_noisy_circuits_are_refused():
    with pytest.raises(SimulationError, match="spikes"):
        nb.simulate(nb.blox.LIF(name="lif"), 5.0, sensitivities=["lif.tau"])
    with pytest.raises(SimulationError, match="noise"):
        nb.simulate(nb.blox.OUNoise(name="ou"), 5.0, method="em", sensitivities=["ou.tau"])
    with pytest.raises(SimulationError, match="fixed-step"):
        nb.simulate(nb.blox.FitzHughNagumo(name="fhn"), 5.0, method="RK45",
                    sensitivities=["fhn.a"])


def test_population_parameter_moves_every_neuron_together():
    pop = nb.Population(nb.blox.FitzHughNagumo(name="proto").type, n=3, name="pop")
    s = nb.compile(pop)
    s.params["pop.I"] = np.array([0.3, 0.5, 0.7])
    sol = nb.simulate(s, 20.0, dt=0.02, sensitivities=["pop.a", "pop[1].I"])
    assert sol.sensitivity("pop.V", "pop.a").shape == (3, sol.t.size)
    a = s.params["pop.a"]
    fd = (nb.simulate(s, 20.0, dt=0.02, params={"pop.a": a + 1e-6})["pop.V"] -
          nb.simulate(s, 20.0, dt=0.02, params={"pop.a": a - 1e-6})["pop.V"]) / 2e-6
    assert _rel(sol.sensitivity("pop.V", "pop.a"), fd) < 1e-5
    # pop[1].I reaches only neuron 1 (no coupling)
    assert np.abs(sol.sensitivity("pop[0].V", "pop[1].I")).max() == 0.0
    assert np.abs(sol.sensitivity("pop[1].V", "pop[1].I")).max() > 1e-3
