"""nb.spike_trains: rates, ISI/CV, Fano factor, population rate, PSTH and
synchrony, checked against closed forms for Poisson and regular trains
(Dayan & Abbott 2001, ch. 1: a Poisson process has CV = 1 and Fano = 1;
Golomb 2007, Scholarpedia 2(1):1347: chi = 1 for identical trains and about
1/sqrt(N) for N independent ones) and against spike trains built by hand."""
import numpy as np
import pytest

import nbblox as nb
from nbblox.sim.solution import Solution

N, RATE, T_END = 100, 20.0, 20_000.0         # 100 neurons, 20 Hz, 20 s


@pytest.fixture(scope="module")
def poisson():
    """Homogeneous Poisson trains drawn from exponential intervals (seeded)."""
    rng = np.random.default_rng(7)
    trains = []
    for _ in range(N):
        st = np.cumsum(rng.exponential(1000.0 / RATE, size=int(RATE * T_END / 1000 * 1.5)))
        trains.append(st[st < T_END])
    return nb.spike_trains(trains, t_range=(0.0, T_END))


def test_poisson_rates_cv_fano(poisson):
    st = poisson
    # 40 000 expected spikes: the population rate's sd is 20 Hz/sqrt(40000) = 0.1 Hz
    assert st.rate == pytest.approx(RATE, abs=0.5)
    assert st.rates().shape == (N,) and st.rates().mean() == pytest.approx(st.rate)
    # ~400 intervals per neuron: each CV has sd ~ 1/sqrt(400) = 0.05, the mean over
    # 100 neurons ~0.005 (plus an O(1/400) downward bias of the sample CV)
    assert np.nanmean(st.cv()) == pytest.approx(1.0, abs=0.03)
    assert st.isi().median_cv == pytest.approx(1.0, abs=0.05)
    # Fano with 100 ms windows (mean count 2, 200 windows): per neuron sd ~ 0.11
    # (Var s^2 = (mu4 - sigma^4 (n-3)/(n-1))/n, mu4 = lam + 3 lam^2), mean ~ 0.011
    assert np.nanmean(st.fano(100.0)) == pytest.approx(1.0, abs=0.05)
    assert np.nanmean(st.fano(500.0)) == pytest.approx(1.0, abs=0.1)   # 40 windows
    # the pooled intervals are exponential with mean 1/rate = 50 ms
    assert st.isi().intervals.mean() == pytest.approx(1000.0 / RATE, rel=0.02)


def test_poisson_synchrony_and_count_correlation(poisson):
    # independent neurons: chi^2 = 1/N up to the sampling error of a variance over
    # 10 000 bins (~1.4%)
    assert poisson.synchrony(bin=2.0) == pytest.approx(1 / np.sqrt(N), rel=0.05)
    # each pair's r has sd 1/sqrt(200 bins) ~ 0.07; the mean over 4950 pairs ~ 0.001
    assert abs(poisson.count_correlation(bin=100.0)) < 0.01


def test_regular_and_identical_trains():
    """Clock-like firing: CV = 0, Fano = 0 when the window holds whole periods;
    identical trains are perfectly synchronous (chi = 1, count correlation 1)."""
    period = 25.0
    train = np.arange(5.0, 1000.0, period)                        # 40 Hz
    st = nb.spike_trains([train] * 5, t_range=(0, 1000))
    np.testing.assert_allclose(st.rates(), 40.0)
    np.testing.assert_allclose(st.cv(), 0.0, atol=1e-12)
    np.testing.assert_allclose(st.fano(100.0), 0.0, atol=1e-12)
    assert st.synchrony(bin=1.0) == pytest.approx(1.0)
    # antiphase at 100 Hz with 5 ms bins: the two count signals are complementary,
    # so their mean is constant and chi = 0
    fast = np.arange(2.5, 1000.0, 10.0)
    anti = nb.spike_trains([fast, fast + 5.0], t_range=(0, 1000))
    assert anti.synchrony(bin=5.0) == pytest.approx(0.0, abs=1e-12)
    assert anti.count_correlation(bin=5.0) == pytest.approx(-1.0)
    assert st.count_correlation(bin=10.0) == pytest.approx(1.0)


def test_psth_of_a_known_train():
    """Neuron 0 fires 5 ms after every event, neuron 1 at 10 and 12 ms: with
    1 ms bins the PSTH is 1 spike/(2 neurons x 1 ms) = 500 Hz in those bins."""
    events = np.arange(100.0, 1000.0, 200.0)                      # 5 events
    trains = [events + 5.0, np.sort(np.r_[events + 10.0, events + 12.0])]
    st = nb.spike_trains(trains, t_range=(0, 1000))
    h = st.psth(events, window=(-20, 40), bin=1.0)
    assert h.n_events == 5 and h.kind == "PSTH"
    expected = np.zeros(60)
    expected[[25, 30, 32]] = 500.0                                # bins [5,6), [10,11), [12,13)
    np.testing.assert_allclose(h.rate, expected)
    np.testing.assert_allclose(h.t[[25, 30, 32]], [5.5, 10.5, 12.5])
    # an event whose window leaves the observation is left out, not undercounted
    assert st.psth(np.r_[events, 990.0], window=(-20, 40)).n_events == 5
    assert h.to_pandas().idxmax() == 5.5


def test_population_rate_conserves_spikes_and_finds_a_rhythm():
    """An inhomogeneous Poisson population with rate 20(1 + 0.8 sin(2 pi 8 t)) Hz
    (thinning, Lewis & Shedler 1979): the binned rate keeps every spike and its
    spectrum peaks at the 8 Hz modulation."""
    rng = np.random.default_rng(11)
    n, T, lam_max = 50, 10_000.0, 36.0
    trains = []
    for _ in range(n):
        cand = np.cumsum(rng.exponential(1000.0 / lam_max, size=600))
        cand = cand[cand < T]
        lam = 20.0 * (1 + 0.8 * np.sin(2 * np.pi * 8.0 * cand / 1000.0))
        trains.append(cand[rng.random(cand.size) < lam / lam_max])
    st = nb.spike_trains(trains, t_range=(0, T), name="pop")
    pr = st.population_rate(bin=1.0)
    assert pr.counts.sum() == len(st)
    assert pr.mean == pytest.approx(st.rate)
    assert st.population_rate(1.0, smooth=5.0).mean == pytest.approx(st.rate, rel=0.01)
    sp = nb.spectrum(pr)
    assert sp.labels == ["pop rate"] and sp.units["pop rate"] == "Hz"
    assert sp.peak_frequency() == pytest.approx(8.0, abs=0.3)


def test_from_a_solution_poisson_source():
    """nbblox's PoissonSource fires with probability p = rate*dt/1000 per step
    (Bernoulli): counts are binomial, so Fano = 1 - p, and intervals geometric,
    CV = sqrt(1 - p); both 0.998-0.999 here."""
    src = nb.Population(nb.blox.PoissonSource, n=100, name="src", rate=RATE)
    sol = nb.simulate(src, 4000.0, dt=0.1, seed=1)
    st = nb.spike_trains(sol)                           # the only spiking population
    assert st.n == 100 and st.name == "src"
    assert (st.t_start, st.t_stop) == (0.0, 4000.0)
    # 8000 expected spikes, sd 89: 4 sd is 0.9 Hz
    assert st.rate == pytest.approx(RATE, abs=0.9)
    assert np.nanmean(st.cv()) == pytest.approx(np.sqrt(1 - 0.002), abs=0.04)
    assert np.nanmean(st.fano(100.0)) == pytest.approx(1 - 0.002, abs=0.08)
    assert nb.spike_trains(sol, "src", t_range=(1000, 2000)).duration == 1000.0


def test_from_a_trace_and_threshold():
    """Upward crossings of a 50 Hz sine at threshold 0 are spikes every 20 ms."""
    t = np.arange(0, 1000.0, 0.1)
    v = np.vstack([np.sin(2 * np.pi * t / 20.0 - 0.3), np.sin(2 * np.pi * t / 10.0 - 0.3)])
    sol = Solution(t, ["pop[0].V", "pop[1].V"], v, info={"t0": 0.0, "t_end": 1000.0})
    st = nb.spike_trains(sol, "pop.V", threshold=0.0)
    assert st.n == 2
    np.testing.assert_allclose(st.rates(), [50.0, 100.0])
    np.testing.assert_allclose(st.cv(), 0.0, atol=1e-9)
    one = nb.spike_trains(sol, "pop[1].V", threshold=0.0)
    assert one.n == 1 and one.rate == 100.0


def test_select_and_conversions(poisson):
    sub = poisson.select(range(10, 20), t_range=(0, 10_000))
    assert sub.n == 10 and sub.duration == 10_000.0
    np.testing.assert_array_equal(sub.counts(), poisson.select(t_range=(0, 10_000))
                                  .counts()[10:20])
    df = sub.to_pandas()
    assert list(df.columns) == ["neuron", "time"] and len(df) == len(sub)
    ds = sub.to_xarray()
    assert ds.attrs["n"] == 10 and ds["time"].attrs["units"] == "ms"
    isi = sub.isi()
    assert len(isi.to_pandas()) == isi.intervals.size
    assert isi.to_xarray()["cv"].size == 10
    assert poisson.population_rate(10.0).to_xarray().attrs["units"] == "Hz"


def test_bad_input_is_named():
    with pytest.raises(nb.ParameterError, match="give t_range"):
        nb.spike_trains({"index": np.array([0]), "time": np.array([1.0])})
    with pytest.raises(nb.ParameterError, match="outside 0..1"):
        nb.spike_trains((np.array([0, 2]), np.array([1.0, 2.0])), n=2, t_range=(0, 10))
    st = nb.spike_trains([np.array([5.0])], t_range=(0, 10))
    with pytest.raises(nb.ParameterError, match="no event has its whole window"):
        st.psth([1.0], window=(-5, 5))
    with pytest.raises(nb.ParameterError, match="longer than the window"):
        st.fano(100.0)
    with pytest.raises(nb.ParameterError, match="start < stop"):
        nb.spike_trains([np.array([5.0])], t_range=(10, 0))
    t = np.arange(0, 10.0, 1.0)
    sol = Solution(t, ["a.V"], np.zeros((1, 10)), info={"t0": 0.0, "t_end": 10.0})
    with pytest.raises(nb.ParameterError, match="name the blox"):
        nb.spike_trains(sol)


def test_population_rate_counts_what_binned_counts(poisson):
    """population_rate counts spikes per bin without the (n, bins) matrix that
    binned() builds: both must give the same totals."""
    for bin in (0.1, 1.0, 7.0):
        counts, edges = poisson.binned(bin)
        r = poisson.population_rate(bin)
        np.testing.assert_array_equal(r.counts, counts.sum(axis=0))
        np.testing.assert_array_equal(r.t, 0.5 * (edges[1:] + edges[:-1]))
