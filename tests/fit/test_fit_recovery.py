"""nb.fit recovers known parameters from synthetic data (issue 11):
noise-free within 1e-4 relative, with noise within 3 reported standard
errors -- FitzHugh-Nagumo, a coupled Wilson-Cowan pair, Hodgkin-Huxley
conductances (gNa, gK, gL)."""
import numpy as np
import pytest

import nbblox as nb


def _rel_err(res, true):
    return max(abs(res.params[k] / v - 1) for k, v in true.items())


@pytest.fixture(scope="module")
def fhn():
    return nb.compile(nb.blox.FitzHughNagumo(name="fhn", I=0.5))


@pytest.fixture(scope="module")
def hh():
    return nb.compile(nb.blox.HodgkinHuxley(name="hh", I=10.0))


@pytest.fixture(scope="module")
def wc_pair():
    a, b = nb.blox.WilsonCowan(name="a"), nb.blox.WilsonCowan(name="b", P=0.5)
    return nb.compile(nb.Circuit([a, b]).connect(a, b, weight=1.5).connect(b, a, weight=0.5))


FHN_TRUE = {"fhn.a": 0.8, "fhn.b": 0.7, "fhn.tau": 12.5}
HH_TRUE = {"hh.g_Na": 120.0, "hh.g_K": 36.0, "hh.g_L": 0.3}
WC_TRUE = {"a->b": 1.5, "b->a": 0.5, "a.c1": 16.0}


def test_fitzhugh_nagumo_noise_free(fhn):
    data = nb.simulate(fhn, 60.0, dt=0.05, params=FHN_TRUE, record=["fhn.V"])
    start = {"fhn.a": 0.6, "fhn.b": 0.9, "fhn.tau": 10.0}
    res = nb.fit(fhn, data, {k: (v / 3, 3 * v, start[k]) for k, v in FHN_TRUE.items()},
                 dt=0.05)
    assert res.success
    assert _rel_err(res, FHN_TRUE) < 1e-4
    assert res.loss_history[0] > 1e3 * res.loss   # it started far from the optimum


def test_fitzhugh_nagumo_with_noise_within_stderr(fhn):
    clean = nb.simulate(fhn, 60.0, dt=0.05, params=FHN_TRUE, record=["fhn.V"])
    noisy = clean["fhn.V"] + np.random.default_rng(3).normal(0, 0.05, clean.t.size)
    res = nb.fit(fhn, {"fhn.V": noisy}, {k: (v / 3, 3 * v) for k, v in FHN_TRUE.items()},
                 t=clean.t, dt=0.05)
    for k, v in FHN_TRUE.items():
        assert 0 < res.stderr[k] < 0.05 * v                 # informative, not vacuous
        assert abs(res.params[k] - v) < 3 * res.stderr[k], (k, res.params[k], res.stderr[k])
    # residual variance estimates the noise variance
    assert res.loss == pytest.approx(0.05 ** 2, rel=0.15)


def test_wilson_cowan_pair_weights_and_gain(wc_pair):
    data = nb.simulate(wc_pair, 100.0, dt=0.05, record=["a.E", "b.E"], stride=4)
    start = {"a->b": 2.0, "b->a": 0.2, "a.c1": 17.0}
    res = nb.fit(wc_pair, data, {k: (v / 4, 3 * v, start[k]) for k, v in WC_TRUE.items()},
                 dt=0.05)
    assert _rel_err(res, WC_TRUE) < 1e-4
    rng = np.random.default_rng(1)
    noisy = {n: data[n] + rng.normal(0, 0.005, data.t.size) for n in data.names}
    res = nb.fit(wc_pair, noisy, {k: (v / 4, 3 * v) for k, v in WC_TRUE.items()},
                 t=data.t, dt=0.05)
    for k, v in WC_TRUE.items():
        assert abs(res.params[k] - v) < 3 * res.stderr[k], (k, res.params[k], res.stderr[k])


def test_hodgkin_huxley_conductances(hh):
    data = nb.simulate(hh, 50.0, dt=0.025, params=HH_TRUE, record=["hh.V"], stride=4)
    start = {"hh.g_Na": 90.0, "hh.g_K": 45.0, "hh.g_L": 0.2}
    res = nb.fit(hh, data, {k: (v / 2, 2 * v, start[k]) for k, v in HH_TRUE.items()},
                 dt=0.025)
    assert _rel_err(res, HH_TRUE) < 1e-4
    noisy = data["hh.V"] + np.random.default_rng(0).normal(0, 1.0, data.t.size)
    res = nb.fit(hh, {"hh.V": noisy}, {k: (v / 2, 2 * v) for k, v in HH_TRUE.items()},
                 t=data.t, dt=0.025)
    for k, v in HH_TRUE.items():
        assert abs(res.params[k] - v) < 3 * res.stderr[k], (k, res.params[k], res.stderr[k])


def test_stderr_matches_spread_over_noise_draws(fhn):
    """The Fisher-information stderr is the actual scatter of the estimate."""
    clean = nb.simulate(fhn, 60.0, dt=0.05, params={"fhn.a": 0.8}, record=["fhn.V"])
    est, se = [], []
    for seed in range(12):
        y = clean["fhn.V"] + np.random.default_rng(100 + seed).normal(0, 0.05, clean.t.size)
        r = nb.fit(fhn, {"fhn.V": y}, {"fhn.a": (0.3, 2.0)}, t=clean.t, dt=0.05)
        est.append(r.params["fhn.a"])
        se.append(r.stderr["fhn.a"])
    ratio = np.std(est, ddof=1) / np.mean(se)
    assert 0.5 < ratio < 1.6, ratio
