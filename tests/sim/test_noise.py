"""White noise: Ornstein-Uhlenbeck statistics, Ito vs Stratonovich for
multiplicative noise, bit-for-bit reproducibility, method checks."""
import numpy as np
import pytest

import nbblox as nb
from nbblox.compile.schemes import select
from nbblox.exceptions import EquationError, SimulationError

OU = nb.BloxType("OU", "dx/dt = -x/tau + sigma*xi",
                 params={"tau": 10.0, "sigma": 0.5}, init={"x": 0.0})


@pytest.mark.parametrize("method", select(noise=True))
def test_ornstein_uhlenbeck_stationary_variance(method):
    """dx = -x/tau dt + sigma dW has stationary variance sigma^2 tau / 2 and
    autocorrelation exp(-|lag|/tau) (Uhlenbeck & Ornstein 1930, Phys Rev
    36:823, doi:10.1103/PhysRev.36.823; Gardiner, Handbook of Stochastic
    Methods, sec. 3.8.4).  2000 independent paths, 8 samples each 20 ms
    (2 tau) apart after a 50 ms burn-in: ~16000 nearly independent samples,
    so the sample variance has a relative standard error ~1.1%; tolerance 5%.
    Euler-Maruyama's own bias at dt/tau = 0.001 is 0.05%."""
    pop = nb.Population(OU, n=2000, name="ou")
    sol = nb.simulate(nb.Circuit([pop]), 190.0, dt=0.01, method=method, seed=1,
                      record=["ou.x"], stride=500)
    X = sol["ou.x"]                                   # (2000, nt), every 5 ms
    keep = (sol.t >= 50.0) & (np.round(sol.t - 50.0) % 20 == 0)
    samples = X[:, keep]
    assert samples.shape[1] == 8
    var = samples.var()
    expected = 0.5**2 * 10.0 / 2
    assert abs(var / expected - 1) < 0.05
    assert abs(samples.mean()) < 4 * np.sqrt(expected / samples.size)
    # correlation across one tau (10 ms = 2 samples at stride 5 ms)
    a, b = X[:, 20:-2].ravel(), X[:, 22:].ravel()
    assert abs(np.corrcoef(a, b)[0, 1] - np.exp(-1.0)) < 0.03


def test_same_seed_same_run_bit_for_bit_and_other_seed_differs():
    c = nb.Circuit([nb.Population(OU, n=5, name="ou")])
    s = nb.compile(c)
    a = nb.simulate(s, 20.0, dt=0.01, method="em", seed=42)
    b = nb.simulate(s, 20.0, dt=0.01, method="em", seed=42)
    d = nb.simulate(s, 20.0, dt=0.01, method="em", seed=43)
    assert np.array_equal(a.values, b.values)
    assert not np.array_equal(a.values, d.values)
    # independent paths: different neurons see different noise
    assert not np.array_equal(a["ou[0].x"], a["ou[1].x"])
    e = nb.simulate(s, 20.0, dt=0.01, method="em")          # fresh seed, recorded
    f = nb.simulate(s, 20.0, dt=0.01, method="em", seed=e.info["seed"])
    assert np.array_equal(e.values, f.values)


def test_multiplicative_noise_ito_versus_stratonovich():
    """Geometric Brownian motion dx = mu x dt + s x dW.  Ito (Euler-Maruyama):
    E[x(t)] = x0 exp(mu t).  Stratonovich (stochastic Heun): E[x(t)] =
    x0 exp((mu + s^2/2) t) (Kloeden & Platen 1992, Numerical Solution of SDEs,
    sec. 4.4).  With s^2/2 t = 0.5 the two means differ by 65%; 4000 paths
    give a standard error of the mean under 2%, tolerance 6%."""
    GBM = nb.BloxType("GBM", "dx/dt = mu*x + s*x*xi", params={"mu": 0.0, "s": 0.1},
                      init={"x": 1.0})
    c = nb.Circuit([nb.Population(GBM, n=4000, name="g")])
    s = nb.compile(c)
    t_end = 100.0                                   # s^2/2 * t = 0.5
    ito = nb.simulate(s, t_end, dt=0.01, method="em", seed=3, record=["g.x"], stride=10000)
    strat = nb.simulate(s, t_end, dt=0.01, method="heun", seed=3, record=["g.x"], stride=10000)
    assert abs(ito["g.x"][:, -1].mean() - 1.0) < 0.06
    assert abs(strat["g.x"][:, -1].mean() / np.exp(0.5) - 1.0) < 0.06


def test_rk4_with_noise_is_refused_with_a_suggestion():
    with pytest.raises(SimulationError, match="em.*heun"):
        nb.simulate(OU(name="o"), 10.0, dt=0.01, method="rk4")
    with pytest.raises(SimulationError, match="fixed-step"):
        nb.simulate(OU(name="o"), 10.0, dt=0.01, method="LSODA")


def test_noise_must_enter_linearly():
    Bad = nb.BloxType("BadNoise", "dx/dt = -x + xi**2")
    with pytest.raises(EquationError, match="linearly"):
        nb.compile(Bad(name="b"))


def test_bad_seed():
    with pytest.raises(SimulationError, match="seed"):
        nb.simulate(OU(name="o"), 1.0, dt=0.01, method="em", seed=-1)


def test_deterministic_part_unchanged_by_noise_free_rhs():
    """System.rhs is the drift (xi = 0), as analyzers need."""
    s = nb.compile(OU(name="o"))
    assert s.rhs(np.array([2.0]))[0] == pytest.approx(-0.2)


def test_stochastic_blow_up_names_the_state_and_keeps_the_partial_run():
    Blow = nb.BloxType("Blow", "dx/dt = x**2 + 0.01*xi", init={"x": 1.0})
    with pytest.raises(SimulationError, match="state 'b.x'") as exc:
        nb.simulate(Blow(name="b"), 5.0, dt=0.001, method="em", seed=0)
    assert 0.5 < exc.value.partial.t[-1] < 1.5
