"""Bad input to nb.fit gives a clear exception naming the culprit (issue 11)."""
import numpy as np
import pytest

import nbblox as nb
from nbblox.exceptions import ParameterError, SimulationError


@pytest.fixture(scope="module")
def fhn():
    return nb.compile(nb.blox.FitzHughNagumo(name="fhn", I=0.5))


@pytest.fixture(scope="module")
def t():
    return np.arange(0.0, 20.0, 0.5)


def test_data_of_the_wrong_length(fhn, t):
    with pytest.raises(ParameterError, match=r"'fhn.V' has 39 samples but there are 40"):
        nb.fit(fhn, {"fhn.V": np.zeros(39)}, {"fhn.a": (0.1, 2)}, t=t)


def test_data_with_nan(fhn, t):
    y = np.zeros(t.size)
    y[7] = np.nan
    with pytest.raises(ParameterError, match=r"'fhn.V' holds NaN.*t = 3.5 ms"):
        nb.fit(fhn, {"fhn.V": y}, {"fhn.a": (0.1, 2)}, t=t)


def test_data_variable_that_is_not_a_state(fhn, t):
    with pytest.raises(ParameterError, match=r"'fhn.v' is not a state of 'fhn'.*'fhn.V'"):
        nb.fit(fhn, {"fhn.v": np.zeros(t.size)}, {"fhn.a": (0.1, 2)}, t=t)
    with pytest.raises(ParameterError, match="needs its sample times"):
        nb.fit(fhn, {"fhn.V": np.zeros(t.size)}, {"fhn.a": (0.1, 2)})
    with pytest.raises(ParameterError, match="strictly increasing"):
        nb.fit(fhn, {"fhn.V": np.zeros(3)}, {"fhn.a": (0.1, 2)}, t=[0.0, 2.0, 1.0])


def test_parameter_that_does_not_exist(fhn, t):
    with pytest.raises(ParameterError, match=r"no parameter named 'fhn.alpha'"):
        nb.fit(fhn, {"fhn.V": np.zeros(t.size)}, {"fhn.alpha": (0.1, 2)}, t=t)


def test_bounds_that_exclude_the_start(fhn, t):
    with pytest.raises(ParameterError, match=r"bounds \(1, 2\) of 'fhn.a' exclude its start "
                                             r"value 0.7"):
        nb.fit(fhn, {"fhn.V": np.zeros(t.size)}, {"fhn.a": (1.0, 2.0)}, t=t)
    with pytest.raises(ParameterError, match="lo < hi"):
        nb.fit(fhn, {"fhn.V": np.zeros(t.size)}, {"fhn.a": (2.0, 1.0)}, t=t)
    with pytest.raises(ParameterError, match="finite bounds"):
        nb.fit(fhn, {"fhn.V": np.zeros(t.size)}, {"fhn.a": (0.0, np.inf)}, t=t,
               optimizer="differential_evolution")


def test_loss_that_is_nan_at_the_start(fhn, t):
    with pytest.raises(ParameterError, match=r"loss is NaN.*start values \{'fhn.a': 0.7\}"):
        nb.fit(fhn, {"fhn.V": np.zeros(t.size)}, {"fhn.a": (0.1, 2)}, t=t,
               loss=lambda model, data: float("nan"))


def test_model_that_diverges_at_the_start(fhn, t):
    with pytest.raises(ParameterError, match="cannot be simulated at the start"):
        nb.fit(fhn, {"fhn.V": np.zeros(t.size)}, {"fhn.tau": (1e-9, 2, 1e-9)}, t=t, dt=0.5)


def test_gradient_methods_refuse_spiking_circuits():
    lif = nb.compile(nb.blox.LIF(name="lif"))
    data = nb.simulate(lif, 50.0, dt=0.1, params={"lif.I": 3.0})
    with pytest.raises(SimulationError, match="spikes.*feature loss"):
        nb.fit(lif, data, {"lif.I": (2.0, 5.0, 3.0)}, dt=0.1)


def test_unknown_method_and_loss(fhn, t):
    d = {"fhn.V": np.zeros(t.size)}
    with pytest.raises(ParameterError, match="unknown optimizer 'bfgs'"):
        nb.fit(fhn, d, {"fhn.a": (0.1, 2)}, t=t, optimizer="bfgs")
    with pytest.raises(ParameterError, match=r"unknown integration method 'bfgs': method= is "
                       r"the time integrator .*the optimiser is optimizer="):
        nb.fit(fhn, d, {"fhn.a": (0.1, 2)}, t=t, method="bfgs")
    with pytest.raises(ParameterError, match="loss must be"):
        nb.fit(fhn, d, {"fhn.a": (0.1, 2)}, t=t, loss="mae")
    with pytest.raises(ParameterError, match="needs loss='mse'"):
        nb.fit(fhn, d, {"fhn.a": (0.1, 2)}, t=t, loss=lambda m, o: 0.0, optimizer="shooting")
    with pytest.raises(ParameterError, match="unknown feature"):
        nb.fit.features("rates")


def test_old_keywords_warn_naming_the_new_one_and_fit_the_same(fhn):
    """method= is the time integrator in nb.fit as everywhere (DESIGN-NOTES, health session
    28); fit's old spellings still work: method=<optimiser> and integrator=<scheme>."""
    data = nb.simulate(fhn, 20.0, dt=0.05, params={"fhn.a": 0.8}, record=["fhn.V"])
    p = {"fhn.a": (0.3, 1.2)}
    new = nb.fit(fhn, data, p, dt=0.05, optimizer="least_squares", method="euler")
    with pytest.warns(DeprecationWarning) as rec:
        old = nb.fit(fhn, data, p, dt=0.05, method="least_squares", integrator="euler")
    said = [str(w.message) for w in rec]
    assert any("write optimizer='least_squares'" in m for m in said), said
    assert any("integrator='euler') is now method='euler'" in m for m in said), said
    assert old.params == new.params and old.optimizer == new.optimizer == "least_squares"
    assert old.solution.info["method"] == new.solution.info["method"] == "euler"
    rk4 = nb.fit(fhn, data, p, dt=0.05)
    assert rk4.solution.info["method"] == "rk4" and rk4.params != new.params
    with pytest.warns(DeprecationWarning, match=r"FitResult.method is the optimiser: read "
                      r"FitResult.optimizer"):
        assert old.method == "least_squares"
    with pytest.raises(ParameterError, match="given twice"):
        nb.fit(fhn, data, p, dt=0.05, method="rk4", integrator="euler")
    with pytest.raises(ParameterError, match="names an optimiser and optimizer= is given"):
        nb.fit(fhn, data, p, dt=0.05, method="shooting", optimizer="least_squares")
