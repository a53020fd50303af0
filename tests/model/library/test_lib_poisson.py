"""PoissonSource and rand() in spike conditions: statistics of a Poisson
process (Dayan & Abbott 2001, ch. 1.4), bit-for-bit reproducibility with the
run's seed, and a Poisson population driving a LIF neuron (Campbell's theorem)."""
import numpy as np
import pytest
from scipy import stats

import nbblox as nb


def _run(pop, t_end, seed, dt=0.1):
    return nb.simulate(pop, t_end, dt=dt, method="euler", seed=seed, stride=100)


def test_count_matches_rate_within_poisson_error():
    # 200 sources at 20 Hz for 10 s: N = 40000 expected, Poisson s.d. sqrt(N) = 200;
    # the test allows 4 s.d.  The reset counts spikes in the 'count' state.
    pop = nb.Population(nb.blox.PoissonSource, n=200, name="src", rate=20.0)
    sol = _run(pop, 10000.0, seed=7)
    n = len(sol.spikes["time"])
    assert abs(n - 40000) < 4 * np.sqrt(40000)
    assert sol["src.count"][:, -1].sum() == n


def test_intervals_are_exponential():
    # A Poisson process has exponential inter-spike intervals of mean 1/rate.  KS test
    # of ~20000 pooled intervals against Exp(mean 25 ms) (the per-step Bernoulli draw
    # makes them geometric on the dt grid, a CDF error ~rate*dt/2 = 0.001, far below
    # the KS resolution 1.36/sqrt(n) ~ 0.01).
    pop = nb.Population(nb.blox.PoissonSource, n=50, name="src", rate=40.0)
    sol = _run(pop, 10000.0, seed=3)
    t, idx = sol.spikes["time"], sol.spikes["index"]
    isi = np.concatenate([np.diff(t[idx == k]) for k in range(50)])
    assert len(isi) > 15000
    assert isi.mean() == pytest.approx(25.0, rel=0.03)
    assert stats.kstest(isi, stats.expon(scale=25.0).cdf).pvalue > 1e-3
    # neighbouring neurons are independent: spike counts in 100 ms bins uncorrelated
    bins = np.arange(0, 10001, 100)
    a = np.histogram(t[idx == 0], bins)[0]
    b = np.histogram(t[idx == 1], bins)[0]
    assert abs(np.corrcoef(a, b)[0, 1]) < 0.3


def test_same_seed_same_spikes_other_seed_other_spikes():
    pop = nb.Population(nb.blox.PoissonSource, n=20, name="src", rate=50.0)
    a, b, c = _run(pop, 2000.0, 11), _run(pop, 2000.0, 11), _run(pop, 2000.0, 12)
    assert np.array_equal(a.spikes["time"], b.spikes["time"])
    assert np.array_equal(a.spikes["index"], b.spikes["index"])
    assert not np.array_equal(a.spikes["time"][:50], c.spikes["time"][:50])


def test_rate_per_neuron_and_in_time():
    rates = np.array([5.0, 50.0])
    pop = nb.Population(nb.blox.PoissonSource, n=2, name="src", rate=rates)
    sol = _run(pop, 20000.0, seed=1)
    counts = np.bincount(sol.spikes["index"], minlength=2)
    assert abs(counts[0] - 100) < 4 * 10 and abs(counts[1] - 1000) < 4 * np.sqrt(1000)
    # a rate that is a function of time: silent before 500 ms, 40 Hz after
    Gated = nb.BloxType("Gated", "dn/dt = 0", params={"r": 40.0},
                        spike="rand() < where(t < 500, 0, r)*dt/1000", reset="n += 1",
                        refractory=0.0)
    sol = _run(nb.Population(Gated, n=50, name="g"), 1500.0, seed=2)
    t = sol.spikes["time"]
    assert t.min() >= 500.0 and abs(len(t) - 2000) < 4 * np.sqrt(2000)


def test_poisson_population_drives_lif():
    # Campbell's theorem: N sources at rate r each kicking V by w (mV) through a leaky
    # membrane of time constant tau give a mean depolarisation tau*N*r*w:
    # 10 ms * 100 * 0.02 /ms * 0.5 mV = 10 mV (threshold moved out of reach).
    src = nb.Population(nb.blox.PoissonSource, n=100, name="src", rate=20.0)
    lif = nb.Population(nb.blox.LIF, n=1, name="lif", V_th=1000.0)
    c = nb.Circuit([src, lif]).connect(src, lif, weight=0.5, on_pre="V += w")
    sol = nb.simulate(c, 5000.0, dt=0.1, method="euler", seed=5)
    v = sol["lif.V"][0][sol.t > 100.0]
    assert v.mean() - (-70.0) == pytest.approx(10.0, rel=0.05)
    # with the real threshold (20 mV above rest) stronger input makes it fire; none
    # without input
    lif = nb.Population(nb.blox.LIF, n=1, name="lif")
    c = nb.Circuit([src, lif]).connect(src, lif, weight=1.5, on_pre="V += w")
    sol = nb.simulate(c, 1000.0, dt=0.1, method="euler", seed=5)
    assert np.sum(sol.spikes["blox"] == "lif") > 10
    quiet = nb.Population(nb.blox.PoissonSource, n=100, name="src", rate=0.0)
    c = nb.Circuit([quiet, lif]).connect(quiet, lif, weight=1.5, on_pre="V += w")
    assert len(nb.simulate(c, 1000.0, dt=0.1, method="euler", seed=5).spikes["time"]) == 0


def test_rand_only_where_it_means_something():
    with pytest.raises(nb.EquationError, match=r"rand\(\) is only allowed in a spike"):
        nb.BloxType("Bad", "dV/dt = -V + rand()")
    with pytest.raises(nb.EquationError, match="needs refractory="):
        nb.BloxType("Bad", "dn/dt = 0", spike="rand() < 0.1", reset="n += 1")
    with pytest.raises(nb.EquationError, match="only allowed in a spike condition"):
        nb.BloxType("Bad", "dn/dt = 0", spike="n > 1", reset="n = rand()")
    with pytest.raises(nb.EquationError, match="unknown symbol 'dt'"):
        nb.BloxType("Bad", "dV/dt = -V*dt")
    src = nb.Population(nb.blox.PoissonSource, n=2, name="src")
    lif = nb.Population(nb.blox.LIF, n=1, name="lif")
    with pytest.raises(nb.CircuitError, match="only allowed in a spike condition"):
        nb.Circuit([src, lif]).connect(src, lif, on_pre="V += w*rand()")
    with pytest.raises(nb.ParameterError, match="rate"):
        nb.blox.PoissonSource(name="p", rate=-1.0)
