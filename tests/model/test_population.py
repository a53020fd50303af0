"""Populations and projections (model layer): values, connectivity rules,
bad input, JSON and code round trips."""
import numpy as np
import pytest
import scipy.sparse as sps

import nbblox as nb
from nbblox.exceptions import CircuitError, ParameterError

LIF = nb.BloxType("LIFp", "dV/dt = (-(V - El) + ge*(0 - V) + I)/tau\ndge/dt = -ge/5",
                  params={"El": -60.0, "I": 15.0, "tau": (10.0, (1, 50), "ms", "membrane"),
                          "Vt": -50.0, "Vr": -60.0},
                  spike="V > Vt", reset="V = Vr", refractory=2.0, init={"V": -60.0})


def test_scalar_and_array_parameters():
    I = np.linspace(0, 1, 5)
    pop = nb.Population(LIF, n=5, name="pop", I=I, init={"V": np.full(5, -55.0)})
    assert pop.params["I"].tolist() == I.tolist()
    assert pop.params["El"] == -60.0
    assert pop.init_array("V").tolist() == [-55.0] * 5
    assert pop.param_array("El").shape == (5,)


@pytest.mark.parametrize("bad, match", [
    ({"I": np.zeros(4)}, "length n = 5"),
    ({"I": [1, 2, np.nan, 4, 5]}, "NaN"),
    ({"nope": 1.0}, "no parameter 'nope'"),
])
def test_bad_population_values(bad, match):
    with pytest.raises(ParameterError, match=match):
        nb.Population(LIF, n=5, name="pop", **bad)


def test_bad_population_size():
    with pytest.raises(ParameterError, match="whole number"):
        nb.Population(LIF, n=0, name="pop")


def test_hard_bounds_apply_per_neuron():
    HH = nb.blox.HodgkinHuxley
    with pytest.raises(ParameterError, match="physical range"):
        nb.Population(HH, n=3, name="hh", g_Na=np.array([120.0, -1.0, 120.0]))


def test_random_connectivity_is_seeded_and_has_the_right_density():
    a = nb.Population(LIF, n=400, name="a")
    b = nb.Population(LIF, n=300, name="b")
    c1 = nb.Circuit([a, b]).connect(a, b, weight=0.5, on_pre="ge += w", p=0.1, seed=3)
    c2 = nb.Circuit([a, b]).connect(a, b, weight=0.5, on_pre="ge += w", p=0.1, seed=3)
    k1, k2 = c1.projections[0], c2.projections[0]
    assert np.array_equal(k1.pre, k2.pre) and np.array_equal(k1.post, k2.post)
    # 120000 Bernoulli(0.1) draws: mean 12000, sd ~104
    assert abs(k1.size - 12000) < 500
    assert np.all(np.diff(k1.pre) >= 0)          # CSR order
    indptr, post, w, d = k1.csr()
    assert indptr[-1] == k1.size and indptr.size == 401 and np.all(w == 0.5)


def test_explicit_and_sparse_connectivity():
    a = nb.Population(LIF, n=3, name="a")
    b = nb.Population(LIF, n=2, name="b")
    c = nb.Circuit([a, b])
    c.connect(a, b, weight=[0.1, 0.2, 0.3], i=[2, 0, 1], j=[1, 1, 0], on_pre="ge += w")
    k = c.projections[0]
    assert k.pre.tolist() == [0, 1, 2] and k.post.tolist() == [1, 0, 1]
    assert k.weight.tolist() == [0.2, 0.3, 0.1]
    M = sps.csr_matrix(np.array([[0, 2.0], [0, 0], [1.5, 0]]))
    c.connect(a, b, matrix=M, on_pre="ge += w")
    k = c.projections[1]
    assert k.pre.tolist() == [0, 2] and k.post.tolist() == [1, 0]
    assert k.weight.tolist() == [2.0, 1.5]


@pytest.mark.parametrize("kw, match", [
    ({"p": 1.5}, r"outside \[0, 1\]"),
    ({"p": -0.1}, r"outside \[0, 1\]"),
    ({"matrix": np.ones((2, 3))}, r"must be \(n_pre, n_post\) = \(3, 2\)"),
    ({"matrix": sps.eye(3)}, r"must be \(n_pre, n_post\) = \(3, 2\)"),
    ({"i": [0, 1], "j": [0]}, "i has 2 entries but j has 1"),
    ({"i": [0, 5], "j": [0, 1]}, "presynaptic index out of range"),
    ({"i": [0, 1], "j": [0, 2]}, "postsynaptic index out of range"),
    ({"i": [0, 1], "j": [0, 1], "weight": [1.0, 2.0, 3.0]}, "one value per synapse"),
    ({"p": 0.5, "delay": -1.0}, "delay must be >= 0"),
    ({"one_to_one": True}, "equal sizes"),
    ({"p": 0.5, "i": [0], "j": [0]}, "only one of"),
])
def test_bad_connectivity(kw, match):
    a = nb.Population(LIF, n=3, name="a")
    b = nb.Population(LIF, n=2, name="b")
    c = nb.Circuit([a, b])
    with pytest.raises(CircuitError, match=match):
        c.connect(a, b, on_pre="ge += w", **kw)


# seed 82 draws no synapse between 3 and 2 neurons at p = 0.5 (probability 0.5**6);
# before the fix an empty draw skipped the delay check (issue 24)
EMPTY_DRAW_SEED = 82


@pytest.mark.parametrize("kw, match", [
    ({"delay": -1.0}, "delay must be >= 0"),
    ({"delay": np.inf}, "delay must be finite"),
    ({"weight": np.nan}, "weight must be finite"),
    ({"weight": "strong"}, "weight must be a number"),
    ({"seed": -3}, "seed must be a whole number"),
    ({"on_pre": "gx += w"}, "not a state"),
])
@pytest.mark.parametrize("seed", [EMPTY_DRAW_SEED, 0, 1, 2, 3, 4, 5, 6, 7])
def test_connect_arguments_are_refused_for_every_draw(kw, match, seed):
    a = nb.Population(LIF, n=3, name="a")
    b = nb.Population(LIF, n=2, name="b")
    args = {"on_pre": "ge += w", "p": 0.5, "seed": seed, **kw}
    with pytest.raises(CircuitError, match=match):
        nb.Circuit([a, b]).connect(a, b, **args)


def test_the_empty_draw_seed_really_draws_nothing():
    a = nb.Population(LIF, n=3, name="a")
    b = nb.Population(LIF, n=2, name="b")
    c = nb.Circuit([a, b]).connect(a, b, on_pre="ge += w", p=0.5, seed=EMPTY_DRAW_SEED,
                                   delay=1.0)
    k = c.projections[0]
    assert k.size == 0 and k.rule["delay"] == 1.0


def test_unseeded_random_connect_refuses_a_negative_delay_every_time():
    # no seed: each call draws its own; 200 calls hit an empty draw with
    # probability 1 - (1 - 0.5**6)**200 = 96 %, and every call must refuse
    a = nb.Population(LIF, n=3, name="a")
    b = nb.Population(LIF, n=2, name="b")
    for _ in range(200):
        with pytest.raises(CircuitError, match="delay must be >= 0"):
            nb.Circuit([a, b]).connect(a, b, on_pre="ge += w", p=0.5, delay=-1.0)


@pytest.mark.parametrize("on_pre, match", [
    ("gx += w", "not a state"),
    ("ge += w*zz", "unknown symbol 'zz'"),
    ("ge += ", "on_pre"),
])
def test_bad_on_pre(on_pre, match):
    a = nb.Population(LIF, n=3, name="a")
    with pytest.raises(CircuitError, match=match):
        nb.Circuit([a]).connect(a, a, on_pre=on_pre, p=0.5)


def test_on_pre_needs_a_spiking_source():
    f = nb.Population(nb.blox.FitzHughNagumo, n=2, name="f")
    a = nb.Population(LIF, n=3, name="a")
    with pytest.raises(CircuitError, match="spiking source"):
        nb.Circuit([f, a]).connect(f, a, on_pre="ge += w")


def test_names_are_unique_across_blox_and_populations():
    c = nb.Circuit([nb.Population(LIF, n=2, name="x")])
    with pytest.raises(CircuitError, match="already has"):
        c.add(nb.blox.FitzHughNagumo(name="x"))


def _circuit():
    rng = np.random.default_rng(0)
    e = nb.Population(LIF, n=20, name="e", I=rng.uniform(10, 20, 20),
                      init={"V": rng.uniform(-60, -50, 20)})
    f = nb.blox.FitzHughNagumo(name="f")
    c = nb.Circuit([f, e], name="net")
    c.connect(e, e, weight=0.3, on_pre="ge += w", p=0.2, seed=5, delay=1.5)
    c.connect(e, e, weight=rng.uniform(0, 1, 4), i=[0, 1, 2, 3], j=[3, 2, 1, 0],
              on_pre="ge += w")
    return c


def test_json_round_trip_with_populations_and_projections():
    c = _circuit()
    c2 = nb.Circuit.from_json(c.to_json())
    assert c2 == c
    k1, k2 = c.projections[0], c2.projections[0]
    assert np.array_equal(k1.pre, k2.pre) and np.array_equal(k1.delay, k2.delay)
    assert np.array_equal(c2.populations["e"].params["I"], c.populations["e"].params["I"])


def test_to_code_round_trip_with_populations_and_projections():
    c = _circuit()
    ns = {}
    exec(compile(c.to_code("rebuilt").replace(
        "nb.BloxType.from_dict", "nb.BloxType.from_dict"), "<to_code>", "exec"), ns)
    assert ns["rebuilt"] == c


def test_bad_json_population():
    text = _circuit().to_json().replace('"n": 20', '"n": -3')
    with pytest.raises(CircuitError, match="positive whole number"):
        nb.Circuit.from_json(text)
