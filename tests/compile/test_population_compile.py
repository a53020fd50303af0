"""Populations compile to one loop: code size independent of n, named
vector access to parameters and states, heterogeneity honoured."""
import re
import sys

import numpy as np
import pytest

import nbblox as nb
from nbblox.compile.codegen import generate_source
from nbblox.compile.layout import build_layout
from nbblox.exceptions import ParameterError

FHN = nb.blox.FitzHughNagumo
FHN.params  # build the (lazily built) catalog type before pytest inspects module attributes


def _source(n):
    return generate_source(build_layout(nb.Circuit([nb.Population(FHN, n=n, name="pop")])))


def test_generated_code_does_not_grow_with_n():
    # from MIN_INSTANCES on, loops get their uniform copy (nbblox.compile.uniform);
    # smaller groups keep one loop, so their text is shorter, never longer
    from nbblox.compile.uniform import MIN_INSTANCES
    tiny, small, big = _source(1), _source(MIN_INSTANCES), _source(4000)
    # identical but for the literal sizes and offsets
    strip = lambda s: re.sub(r"\d+", "N", s)
    assert strip(small) == strip(big)
    assert abs(len(big) - len(small)) < 0.05 * len(small)
    assert len(tiny) < len(small) and "uniform_col(p, " not in tiny


def _python_calls(n):
    """Python and builtin function calls made building a population of n and
    its layout (a profile hook counts them; warm: the type is built once)."""
    build_layout(nb.Circuit([nb.Population(FHN, n=n, name="pop")]))
    count = [0]

    def hook(frame, event, arg):
        if event in ("call", "c_call"):
            count[0] += 1
    sys.setprofile(hook)
    try:
        build_layout(nb.Circuit([nb.Population(FHN, n=n, name="pop")]))
    finally:
        sys.setprofile(None)
    return count[0]


def test_compile_work_of_4000_is_that_of_one_neuron():
    """Building the layout for 4000 neurons must not be orders of magnitude
    more work than for one: it is O(n) numpy work, no Python call per neuron.
    Counted, not timed (issue 24): measured 419 calls for 1, 4000 and 16000."""
    one = _python_calls(1)
    assert _python_calls(4000) <= one + 50


def test_population_parameters_are_vectors():
    pop = nb.Population(FHN, n=4, name="pop", I=np.array([0.0, 0.1, 0.2, 0.3]))
    s = nb.compile(nb.Circuit([pop]))
    assert s.params["pop.I"].tolist() == [0.0, 0.1, 0.2, 0.3]
    assert s.params["pop[2].I"] == 0.2
    s.params["pop.I"] = 0.7          # scalar broadcasts
    assert s.params["pop.I"].tolist() == [0.7] * 4
    s.params["pop.I"] = [1, 2, 3, 4]
    assert s.params["pop[3].I"] == 4.0
    with pytest.raises(ParameterError, match="4 elements"):
        s.params["pop.I"] = [1, 2]
    with pytest.raises(ParameterError, match="physical range"):
        s.params["pop.tau"] = [1.0, -1.0, 1.0, 1.0]
    assert s.parameter_info("pop.I").unit == ""
    assert s.parameter_info("pop[1].tau").unit == "ms"
    assert "pop[0].V" in s.state_names and s.state_indices("pop.V").size == 4


def test_heterogeneous_population_matches_separate_blox():
    I = np.array([0.0, 0.4, 0.9])
    pop = nb.Population(FHN, n=3, name="pop", I=I)
    sol = nb.simulate(nb.Circuit([pop]), 50.0, dt=0.01, method="rk4")
    V = sol["pop.V"]
    assert V.shape == (3, sol.t.size)
    for k, Ik in enumerate(I):
        one = nb.simulate(FHN(name="f", I=Ik), 50.0, dt=0.01, method="rk4")
        np.testing.assert_allclose(V[k], one["f.V"], rtol=0, atol=1e-12)
    np.testing.assert_array_equal(sol["pop[1].V"], V[1])


def test_run_time_params_and_x0_for_populations():
    pop = nb.Population(FHN, n=3, name="pop")
    s = nb.compile(nb.Circuit([pop]))
    sol = nb.simulate(s, 10.0, dt=0.01, params={"pop.I": [0.0, 0.5, 1.0]},
                      x0={"pop.V": [-1.0, 0.0, 1.0]}, record=["pop.V"])
    assert sol["pop.V"][:, 0].tolist() == [-1.0, 0.0, 1.0]
    assert s.params["pop.I"].tolist() == [0.0, 0.0, 0.0]   # the run did not change them
    with pytest.raises(ParameterError, match="3 elements"):
        nb.simulate(s, 1.0, x0={"pop.V": [1.0, 2.0]})


def test_continuous_projection_between_populations():
    """Rate populations coupled by a weight matrix: the same as the
    equivalent blox circuit built with from_adjacency."""
    W = np.array([[0.0, 0.5, 0.0], [0.2, 0.0, 0.3], [0.0, 0.0, 0.0]])
    pop = nb.Population(nb.blox.WilsonCowan, n=3, name="wc", P=np.array([1.0, 1.2, 1.4]))
    c = nb.Circuit([pop]).connect(pop, pop, matrix=W)
    sol = nb.simulate(c, 30.0, dt=0.05, method="rk4")
    bs = [nb.blox.WilsonCowan(name=f"n{i}", P=P) for i, P in enumerate([1.0, 1.2, 1.4])]
    ref = nb.simulate(nb.Circuit.from_adjacency(bs, W), 30.0, dt=0.05, method="rk4")
    for i in range(3):
        np.testing.assert_allclose(sol[f"wc[{i}].E"], ref[f"n{i}.E"], atol=1e-12)
