"""nb.fit methods (multistart, differential evolution, shooting, Nelder-Mead),
data containers, feature losses, callables, FitResult views."""
import numpy as np
import pytest

import nbblox as nb
from nbblox.fit import OPTIMIZERS
from nbblox.fit.features import features

TRUE = {"fhn.a": 0.8, "fhn.b": 0.7}


@pytest.fixture(scope="module")
def fhn():
    return nb.compile(nb.blox.FitzHughNagumo(name="fhn", I=0.5))


@pytest.fixture(scope="module")
def data(fhn):
    return nb.simulate(fhn, 60.0, dt=0.05, params=TRUE, record=["fhn.V"])


def _bounds(start=None):
    return {k: (0.2, 1.5) if start is None else (0.2, 1.5, start[k]) for k in TRUE}


@pytest.mark.parametrize("optimizer", [m for m in OPTIMIZERS if m != "least_squares"])  # default
def test_every_optimizer_recovers_fhn(fhn, data, optimizer):
    res = nb.fit(fhn, data, _bounds(), dt=0.05, optimizer=optimizer, starts=4, maxiter=30)
    tol = 1e-3 if optimizer == "nelder-mead" else 1e-4
    assert max(abs(res.params[k] / v - 1) for k, v in TRUE.items()) < tol, res
    assert res.optimizer == optimizer and res.nfev > 0
    assert np.all(np.isfinite(list(res.stderr.values())))


def test_multistart_escapes_a_bad_start(fhn, data):
    """From a start where local least squares stalls, the Sobol starts find
    the optimum; each start's loss is reported."""
    far = {"fhn.a": 1.5, "fhn.b": 0.2}
    local = nb.fit(fhn, data, _bounds(far), dt=0.05)
    multi = nb.fit(fhn, data, _bounds(far), dt=0.05, optimizer="multistart", starts=8)
    assert multi.extra["start_losses"].size == 8
    assert multi.loss <= local.loss
    assert max(abs(multi.params[k] / v - 1) for k, v in TRUE.items()) < 1e-4


def test_shooting_fits_spiking_hh_where_single_shooting_is_stuck():
    """From gK = 25, gNa = 70 (no spikes where the data spike) single-shooting
    least squares stops in a local minimum; multiple shooting, whose short
    segments start from the data, reaches the true conductances."""
    hh = nb.compile(nb.blox.HodgkinHuxley(name="hh", I=10.0))
    data = nb.simulate(hh, 100.0, dt=0.025, record=["hh.V"], stride=4)
    p = {"hh.g_K": (18.0, 72.0, 25.0), "hh.g_Na": (60.0, 240.0, 70.0)}
    single = nb.fit(hh, data, p, dt=0.025)
    assert abs(single.params["hh.g_K"] / 36.0 - 1) > 0.1 and single.loss > 100
    shot = nb.fit(hh, data, p, dt=0.025, optimizer="shooting", segments=20)
    assert abs(shot.params["hh.g_K"] / 36.0 - 1) < 1e-4
    assert abs(shot.params["hh.g_Na"] / 120.0 - 1) < 1e-4
    assert shot.extra["segment_starts"].shape == (19, 4)
    assert shot.loss < 1e-12


def test_data_containers_agree(fhn, data):
    ds = data.to_xarray()
    df = data.to_pandas()
    outs = [nb.fit(fhn, d, _bounds(), dt=0.05, **kw).params for d, kw in [
        (data, {}), (ds, {}), (ds["fhn.V"], {}), (df, {}),
        ({"fhn.V": data["fhn.V"]}, {"t": data.t})]]
    for o in outs[1:]:
        assert o == pytest.approx(outs[0], rel=1e-9)


def test_off_grid_data_times_are_interpolated(fhn):
    t = np.linspace(0.3, 59.7, 173)                      # not multiples of dt
    ref = nb.simulate(fhn, 60.0, dt=0.01, params=TRUE, record=["fhn.V"])
    y = np.interp(t, ref.t, ref["fhn.V"])
    res = nb.fit(fhn, {"fhn.V": y}, _bounds(), t=t, dt=0.01)
    assert max(abs(res.params[k] / v - 1) for k, v in TRUE.items()) < 1e-3


def test_initial_state_and_feature_loss(fhn, data):
    res = nb.fit(fhn, data, {"fhn.a": (0.2, 1.5), "fhn.V(0)": (-2.0, 2.0, 0.0),
                             "fhn.b": (0.2, 1.5)}, dt=0.05)
    assert res.params["fhn.V(0)"] == pytest.approx(fhn.x0[0], rel=1e-5)
    loss = features("peak_frequency", "mean", "std")
    res = nb.fit(fhn, data, {"fhn.a": (0.5, 1.1)}, loss=loss, dt=0.05, maxiter=20)
    assert res.optimizer == "differential_evolution"
    assert np.isnan(res.stderr["fhn.a"])           # no Fisher information for features
    target = loss.compute(data.t, {"fhn.V": data["fhn.V"]})
    got = loss.compute(res.solution.t, {"fhn.V": res.solution["fhn.V"]})
    assert got["std"][0] == pytest.approx(target["std"][0], rel=0.05)


def test_firing_rate_of_a_spiking_lif():
    lif = nb.compile(nb.blox.LIF(name="lif"))
    data = nb.simulate(lif, 500.0, dt=0.1, params={"lif.I": 3.0})
    rate = 1000.0 * data.spikes["time"].size / 500.0
    assert rate > 5
    res = nb.fit(lif, data, {"lif.I": (2.2, 6.0, 5.0)}, loss=features("rate"), dt=0.1,
                 maxiter=15)
    fitted = nb.simulate(lif, 500.0, dt=0.1, params={"lif.I": res.params["lif.I"]})
    assert 1000.0 * fitted.spikes["time"].size / 500.0 == pytest.approx(rate, abs=2.1)


def test_feature_values():
    t = np.arange(0.0, 1000.0, 0.1)
    spikes = np.zeros_like(t)
    for t0 in (100, 105, 110, 500, 505, 900, 903, 906, 909):   # 3 bursts
        spikes[np.argmin(abs(t - t0))] = 1.0
    x = np.sin(2 * np.pi * 25 * t / 1000)
    f = features("rate", "bursts", "peak_frequency", "fc", threshold=0.5).compute(
        t, {"s": spikes, "x": x, "y": -x + 0.01 * np.cos(t)})
    assert f["rate"][0] == pytest.approx(9.0, rel=1e-3)
    assert f["bursts"][0] == 3
    assert f["peak_frequency"][1] == pytest.approx(25.0, abs=0.3)
    assert f["fc"][2] == pytest.approx(-1.0, abs=1e-3)       # corr(x, y)


def test_callable_loss(fhn, data):
    def mae(model, obs):
        return float(np.mean(np.abs(model["fhn.V"] - obs["fhn.V"])))
    res = nb.fit(fhn, data, {"fhn.a": (0.3, 1.2)}, loss=mae, dt=0.05)
    assert res.optimizer == "nelder-mead"
    assert res.params["fhn.a"] == pytest.approx(0.8, rel=5e-2)  # b is left at 0.8, not 0.7


def test_result_views(fhn, data):
    res = nb.fit(fhn, data, _bounds(), dt=0.05)
    df = res.to_pandas()
    assert list(df.index) == list(TRUE) and {"estimate", "stderr", "lo", "hi"} <= set(df)
    assert res.covariance.shape == (2, 2)
    np.testing.assert_allclose(res.solution["fhn.V"], data["fhn.V"], atol=1e-7)
    assert "fhn.a=0.8" in repr(res)
    import holoviews as hv
    layout = res.plot()
    assert isinstance(layout, hv.Layout) and len(layout) == 2
    assert nb.fit.FitResult is type(res)
