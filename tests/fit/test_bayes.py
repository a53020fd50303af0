"""nb.posterior: the sampled posterior of a model that is linear in its
parameters matches the analytic (conjugate) posterior; the R-hat/ESS
diagnostics flag non-mixed chains; a FitzHugh-Nagumo posterior covers the
true parameters; bad input gives clear exceptions; the corner plot has a
histogram per parameter and a scatter per pair.

The linear model is dx/dt = a + b*t, x(0) = 0, so x(t) = a*t + b*t^2/2
exactly (RK4 integrates a polynomial in t of degree <= 3 without error).
With Gaussian noise of known sigma and a flat prior the posterior is
N(beta_ols, sigma^2 (X'X)^-1); with a Gaussian prior N(m0, S0) it is
N(S (X'y/sigma^2 + S0^-1 m0), S), S = (X'X/sigma^2 + S0^-1)^-1; with sigma
unknown and a Jeffreys prior the marginal of beta is Student-t with n-p
degrees of freedom, covariance s^2 (X'X)^-1 (n-p)/(n-p-2), s^2 = RSS/(n-p)
(Gelman et al., Bayesian Data Analysis, 3rd ed., sec. 14.2 and 3.3).
"""
import numpy as np
import pytest

import nbblox as nb
from nbblox.exceptions import ParameterError, SimulationError
from nbblox.fit import diagnostics
from nbblox.fit.target import LogPosterior

import emcee  # noqa: F401  (installed by the test extra)
import scipy.stats as stats

SIGMA = 0.3
T = np.linspace(0, 2, 21)
X = np.c_[T, T ** 2 / 2]
TRUE = np.array([2.0, -1.0])


@pytest.fixture(scope="module")
def line():
    b = nb.Blox.from_equations("dx/dt = a + b*t", params={"a": 1.0, "b": 1.0}, name="lin")
    return nb.compile(b)


@pytest.fixture(scope="module")
def y():
    return X @ TRUE + np.random.default_rng(42).normal(0, SIGMA, T.size)


@pytest.fixture(scope="module")
def flat(line, y):
    return nb.posterior(line, {"lin.x": y}, {"lin.a": (-20, 20), "lin.b": (-20, 20)}, t=T,
                        noise=SIGMA, dt=0.1, walkers=16, steps=1500, burn=300, seed=3)


def _check_gaussian(post, mean, cov, names=("lin.a", "lin.b")):
    s = post.summary()
    sd = np.sqrt(np.diag(cov))
    for i, n in enumerate(names):
        # the Monte-Carlo error of the mean is sd / sqrt(ESS)
        assert abs(s.loc[n, "mean"] - mean[i]) < 4 * s.loc[n, "mcse_mean"], (n, s.loc[n])
        assert s.loc[n, "sd"] == pytest.approx(sd[i], rel=0.1), n
    corr = cov[0, 1] / (sd[0] * sd[1])
    assert post.cov().values[0, 1] / np.prod(s["sd"].values[:2]) == pytest.approx(corr, abs=0.05)


def test_model_is_exactly_linear(line):
    sol = nb.simulate(line, 2.0, dt=0.1, params={"lin.a": 2.0, "lin.b": -1.0})
    np.testing.assert_allclose(sol["lin.x"], X @ TRUE, atol=1e-12)


def test_flat_prior_matches_least_squares_posterior(flat, y):
    cov = SIGMA ** 2 * np.linalg.inv(X.T @ X)
    mean = np.linalg.solve(X.T @ X, X.T @ y)
    _check_gaussian(flat, mean, cov)
    # the walkers started at the mode the optimiser found: the OLS estimate
    assert flat.info["start"] == {"lin.a": 1.0, "lin.b": 1.0}
    opt = flat.info["optimized_start"]
    np.testing.assert_allclose([opt["lin.a"], opt["lin.b"]], mean, atol=1e-3)


def test_gaussian_prior_matches_conjugate_posterior(line, y):
    m0, s0 = np.array([1.0, 0.0]), np.array([0.3, 0.5])
    post = nb.posterior(line, {"lin.x": y}, {"lin.a": (-20, 20), "lin.b": (-20, 20)}, t=T,
                        noise=SIGMA, prior={"lin.a": stats.norm(m0[0], s0[0]),
                                            "lin.b": stats.norm(m0[1], s0[1])},
                        dt=0.1, walkers=16, steps=1500, burn=300, seed=4)
    P0 = np.diag(1 / s0 ** 2)
    cov = np.linalg.inv(X.T @ X / SIGMA ** 2 + P0)
    mean = cov @ (X.T @ y / SIGMA ** 2 + P0 @ m0)
    _check_gaussian(post, mean, cov)
    assert post.info["prior"]["lin.a"].startswith("norm")


def test_estimated_noise_matches_student_t_posterior(line, y):
    post = nb.posterior(line, {"lin.x": y}, {"lin.a": (-20, 20), "lin.b": (-20, 20)}, t=T,
                        noise="estimate", dt=0.1, walkers=16, steps=1500, burn=300, seed=5)
    n, p = X.shape
    beta = np.linalg.solve(X.T @ X, X.T @ y)
    s2 = np.sum((y - X @ beta) ** 2) / (n - p)
    cov = s2 * np.linalg.inv(X.T @ X) * (n - p) / (n - p - 2)
    _check_gaussian(post, beta, cov)
    assert post.names == ["lin.a", "lin.b", "sigma"]
    # sigma^2 | y ~ scaled inverse chi^2 (n - p, s^2): its median
    med = (n - p) * s2 / stats.chi2(n - p).median()
    assert np.median(post["sigma"] ** 2) == pytest.approx(med, rel=0.1)


def test_diagnostics_on_the_linear_case(flat):
    s = flat.summary()
    assert (s["r_hat"] < 1.05).all()
    assert (s["ess_bulk"] > 200).all() and (s["ess_tail"] > 200).all()
    assert 0.2 < s["acceptance"].iloc[0] < 0.9
    assert np.all(np.isfinite(flat.autocorr)) and (flat.autocorr > 1).all()


def test_rhat_flags_chains_that_did_not_mix():
    rng = np.random.default_rng(0)
    good = rng.normal(size=(4, 500))
    assert diagnostics.split_rhat(good) < 1.01
    shifted = good + np.array([0, 0, 3, 3])[:, None]          # two separate modes
    assert diagnostics.split_rhat(shifted) > 1.5
    drifting = good * 0.1 + np.linspace(0, 5, 500)              # each chain still moving
    assert diagnostics.split_rhat(drifting) > 1.5               # caught by splitting
    wide = good * np.array([1, 1, 1, 10])[:, None]              # one chain in the tails
    assert diagnostics.split_rhat(wide) > 1.1                   # caught by folding


def test_ess_of_an_ar1_chain():
    # AR(1) with coefficient phi has tau = (1 + phi) / (1 - phi)
    rng = np.random.default_rng(1)
    phi, m, n = 0.8, 4, 5000
    x = np.zeros((m, n))
    for i in range(1, n):
        x[:, i] = phi * x[:, i - 1] + rng.normal(size=m)
    expected = m * n * (1 - phi) / (1 + phi)
    assert diagnostics.ess(x) == pytest.approx(expected, rel=0.2)
    assert diagnostics.ess_bulk(x) == pytest.approx(expected, rel=0.2)


@pytest.fixture(scope="module")
def fhn():
    s = nb.compile(nb.blox.FitzHughNagumo(name="fhn", I=0.5))
    sol = nb.simulate(s, 60.0, dt=0.05, record=["fhn.V"])
    return s, sol


def test_fitzhugh_nagumo_posterior_covers_truth(fhn):
    s, sol = fhn
    t = sol.t[::10]
    y = sol["fhn.V"][::10] + np.random.default_rng(0).normal(0, 0.05, t.size)
    post = nb.posterior(s, {"fhn.V": y}, {"fhn.a": (0.3, 1.2), "fhn.b": (0.4, 1.2)}, t=t,
                        noise=0.05, dt=0.05, walkers=12, steps=300, burn=150, seed=0,
                        start={"fhn.a": 0.69, "fhn.b": 0.82})
    sm = post.summary()
    for name, true in (("fhn.a", 0.7), ("fhn.b", 0.8)):
        lo, hi = np.quantile(post[name], [0.005, 0.995])
        assert lo < true < hi, (name, lo, hi)
        assert sm.loc[name, "sd"] < 0.01               # the data do constrain it
    assert s.params["fhn.a"] == 0.7                    # the System is left as it was


def test_data_forms_agree(fhn):
    s, sol = fhn
    kw = dict(params={"fhn.a": (0.5, 0.9)}, noise=0.05, dt=0.05, walkers=4, steps=20, seed=7)
    a = nb.posterior(s, {"fhn.V": sol["fhn.V"]}, t=sol.t, **kw)
    b = nb.posterior(s, sol, record=["fhn.V"], **kw)
    c = nb.posterior(s, sol.to_xarray(), **kw)
    d = nb.posterior(s, sol.to_pandas()[["fhn.V"]], **kw)
    for other in (b, c, d):
        np.testing.assert_array_equal(a.chains, other.chains)


def test_fast_path_equals_simulate(fhn):
    s, sol = fhn
    t = np.array([0.0, 1.234, 7.5, 20.0])                       # off the dt grid too
    lp = LogPosterior(s, ["fhn.a"], [], t, ["fhn.V"], np.zeros((1, 4)), np.ones(1),
                       {"dt": 0.05, "method": "rk4", "x0": None, "t0": 0.0}, [0.7])
    assert lp.fast and not lp.on_grid
    fast = lp.predict([0.6])
    lp.fast = False
    np.testing.assert_allclose(fast, lp.predict([0.6]), rtol=1e-14, atol=0)
    ref = nb.simulate(s, 20.0, dt=0.05, params={"fhn.a": 0.6})
    np.testing.assert_allclose(fast[0], np.interp(t, ref.t, ref["fhn.V"]), rtol=1e-14)


def test_result_conversions(flat):
    ds = flat.to_xarray()
    assert ds["samples"].dims == ("chain", "draw", "parameter")
    assert ds["samples"].shape == (16, 1200, 2)
    assert list(ds["parameter"].values) == ["lin.a", "lin.b"]
    df = flat.to_pandas()
    assert df.shape == (16 * 1200, 3) and df.index.names == ["chain", "draw"]
    assert flat.samples.shape == (16 * 1200, 2)
    assert set(flat.summary().columns) >= {"mean", "sd", "q2.5", "q50", "q97.5", "r_hat",
                                           "ess_bulk", "acceptance", "tau"}
    assert "16 chains" in repr(flat)


def test_divergent_simulations_count_as_impossible():
    # dx/dt = k x^2, x(0) = 1 blows up at t = 1/k: every k > 0.5 diverges before t = 2
    b = nb.Blox.from_equations("dx/dt = k*x**2", params={"k": 0.2}, name="blow",
                               init={"x": 1.0})
    s = nb.compile(b)
    t = np.linspace(0, 2, 11)
    y = 1 / (1 - 0.2 * t)
    post = nb.posterior(s, {"blow.x": y}, {"blow.k": (0.0, 2.0)}, t=t, noise=0.05,
                        start={"blow.k": 0.49}, walkers=8, steps=200, seed=0)
    assert post.info["failed_simulations"] > 0
    assert post["blow.k"].max() < 0.5
    assert post.mean["blow.k"] == pytest.approx(0.2, abs=0.02)
    with pytest.raises(SimulationError, match="start values"):
        nb.posterior(s, {"blow.x": y}, {"blow.k": (0.0, 2.0)}, t=t, noise=0.05,
                     start={"blow.k": 1.5}, walkers=4, steps=5)


@pytest.mark.parametrize("kwargs, match", [
    (dict(data={"fhn.V": np.zeros(10)}), "10 samples but there are 21"),
    (dict(data={"fhn.V": np.r_[np.zeros(20), np.nan]}), "NaN"),
    (dict(params={"fhn.a": (1.0, 2.0)}), "outside its range"),
    (dict(params={"fhn.q": (0, 1)}), "no parameter named 'fhn.q'"),
    (dict(params={"fhn.a": (1.0, 0.0)}), "lo < hi"),
    (dict(data={"fhn.X": np.zeros(21)}), "'fhn.X' is not a state"),
    (dict(t=None), "pass t="),
    (dict(prior={"fhn.b": stats.norm()}), "not in params"),
    (dict(noise=-1.0), "noise sigma"),
    (dict(walkers=1), "walkers"),
    (dict(burn=100), "burn < steps"),
])
def test_bad_input_is_refused_clearly(fhn, kwargs, match):
    s, _ = fhn
    args = dict(data={"fhn.V": np.zeros(21)}, params={"fhn.a": (0.5, 0.9)},
                t=np.linspace(0, 10, 21), noise=0.1, walkers=4, steps=10)
    args.update(kwargs)
    with pytest.raises(ParameterError, match=match):
        nb.posterior(s, args.pop("data"), args.pop("params"), **args)


def test_corner_plot_has_histograms_and_pair_scatters(flat, line, y):
    import holoviews as hv
    lay = flat.plot(truths={"lin.a": 2.0, "lin.b": -1.0})
    hists = lay.traverse(lambda e: e, [hv.Histogram])
    scatters = lay.traverse(lambda e: e, ["Points.Samples"])
    assert [h.kdims[0].label for h in hists] == ["lin.a", "lin.b"]
    assert [[d.label for d in p.kdims] for p in scatters] == [["lin.a", "lin.b"]]
    assert len(lay.traverse(lambda e: e, ["Points.Truth"])) == 1
    assert len(lay.traverse(lambda e: e, [hv.Empty])) == 1     # above the diagonal
    # the histogram is of the samples
    h = hists[0]
    assert h.dimension_values(0).min() >= flat["lin.a"].min() - 1e-12
    post3 = nb.posterior(line, {"lin.x": y}, {"lin.a": (-20, 20), "lin.b": (-20, 20)}, t=T,
                         dt=0.1, walkers=8, steps=30, seed=1)
    lay3 = post3.plot(kind="hex")
    assert len(lay3.traverse(lambda e: e, [hv.Histogram])) == 3
    assert len(lay3.traverse(lambda e: e, [hv.HexTiles])) == 3
    assert type(hv.render(lay)).__name__ == "GridPlot"
    from nbblox.viz.corner import plot_corner
    one = plot_corner(flat.to_pandas(), names=["lin.b"])
    assert len(one.traverse(lambda e: e, [hv.Histogram])) == 1
    assert not one.traverse(lambda e: e, ["Points.Samples"])
    with pytest.raises(ParameterError, match="no sampled quantity 'lin.c'"):
        plot_corner(flat, names=["lin.c"])


def test_two_variables_with_estimated_noise_each(fhn):
    s, _ = fhn
    sol = nb.simulate(s, 40.0, dt=0.05)
    rng = np.random.default_rng(2)
    t = sol.t[::20]
    data = {"fhn.V": sol["fhn.V"][::20] + rng.normal(0, 0.1, t.size),
            "fhn.w": sol["fhn.w"][::20] + rng.normal(0, 0.02, t.size)}
    post = nb.posterior(s, data, {"fhn.a": (0.5, 0.9)}, t=t, dt=0.05, walkers=8,
                        steps=300, burn=100, seed=1)
    assert post.names == ["fhn.a", "sigma(fhn.V)", "sigma(fhn.w)"]
    lo, hi = np.quantile(post["sigma(fhn.V)"], [0.005, 0.995])
    assert lo < 0.1 < hi
    lo, hi = np.quantile(post["sigma(fhn.w)"], [0.005, 0.995])
    assert lo < 0.02 < hi


def test_posterior_predictive(flat, y):
    ds = flat.predict(40, seed=0)
    assert ds["lin.x"].dims == ("sample", "time") and ds["lin.x"].shape == (40, T.size)
    np.testing.assert_array_equal(ds["lin.x:data"].values, y)
    # each predicted curve is the model at its drawn parameters
    a, b = ds["lin.a"].values, ds["lin.b"].values
    np.testing.assert_allclose(ds["lin.x"].values, a[:, None] * T + b[:, None] * T ** 2 / 2,
                               atol=1e-12)
    noisy = flat.predict(400, observed=True, seed=1)
    resid = noisy["lin.x"].values - (noisy["lin.a"].values[:, None] * T
                                     + noisy["lin.b"].values[:, None] * T ** 2 / 2)
    assert resid.std() == pytest.approx(SIGMA, rel=0.1)


def test_noisy_model_uses_one_frozen_noise_realisation():
    b = nb.Blox.from_equations("dx/dt = -k*x + 0.1*xi", params={"k": 1.0}, name="ou",
                               init={"x": 1.0})
    s = nb.compile(b)
    t = np.linspace(0, 2, 21)
    post = nb.posterior(s, {"ou.x": np.exp(-t)}, {"ou.k": (0.1, 5)}, t=t, noise=0.1,
                        dt=0.01, method="em", walkers=4, steps=10, seed=0)
    assert post.info["failed_simulations"] == 0
    # the same parameter gives the same log-posterior (deterministic target)
    lp = post._model
    assert lp(np.array([1.0])) == lp(np.array([1.0]))
    assert np.isfinite(post.log_prob).all()


def test_declared_ranges_hard_bounds_sigma_prior_and_thinning(fhn):
    s, sol = fhn
    post = nb.posterior(s, sol, ["fhn.a", "fhn.tau"], record="fhn.V",
                        prior={"sigma": stats.halfnorm(scale=0.5)}, walkers=8, steps=20,
                        burn=4, thin=4, seed=0, dt=0.05)
    # no bounds given: the declared slider range of FitzHughNagumo.a, (-1, 2)
    assert post.info["prior"]["fhn.a"] == "uniform(-1, 2)"
    assert s.parameter_info("fhn.a").bounds == (-1, 2)
    assert post.info["prior"]["sigma"].startswith("halfnorm")
    assert post.chains.shape == (8, 4, 3)                       # (20 - 4) / 4 draws
    # a range reaching below a hard bound (tau > 0) is cut at the bound
    post = nb.posterior(s, sol, {"fhn.tau": (-5.0, 50.0)}, record="fhn.V", noise=0.1,
                        walkers=4, steps=4, seed=0, dt=0.05)
    assert post.info["prior"]["fhn.tau"] == "uniform(1e-09, 50)"
