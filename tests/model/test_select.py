"""Selectors (glob, '**', type:, scoped type:) wherever a parameter or state name
is taken, resolved once and never recompiling a kernel."""
import numpy as np
import pytest

import nbblox as nb
from nbblox.compile.sensitivity import sensitivity_columns
from nbblox.exceptions import ParameterError
from nbblox.model.select import is_selector, select


@pytest.fixture(scope="module")
def brain():
    """Two Wilson-Cowan columns (composites) plus two top-level regions."""
    regions = [nb.blox.WilsonCowan(name=f"region{i}") for i in (1, 2)]
    cols = [nb.blox.WilsonCowanColumn(name=f"col{i}") for i in (1, 2)]
    c = nb.Circuit(regions + cols, name="brain")
    c.connect("region1", "region2", weight=0.5)
    c.connect("region2", "col1", weight=0.2)
    return nb.compile(c, backend="numpy")


def test_select_forms_on_plain_names():
    names = ["a.E.tau", "a.I.tau", "b.E.tau", "x.P", "y.P", "pop[0].V", "pop[1].V"]
    types = {"a.E": "Pop", "a.I": "Pop", "b.E": "Pop", "x": "WC", "y": "WC", "pop": "LIF"}.get
    assert select("*.P", names) == ["x.P", "y.P"]                 # one level only
    assert select("a.*.tau", names) == ["a.E.tau", "a.I.tau"]
    assert select("**.E.tau", names) == ["a.E.tau", "b.E.tau"]
    assert select("?.P", names) == ["x.P", "y.P"]
    assert select("type:WC.P", names, types) == ["x.P", "y.P"]
    assert select("type:P*.tau", names, types) == ["a.E.tau", "a.I.tau", "b.E.tau"]
    assert select("a.type:Pop.tau", names, types) == ["a.E.tau", "a.I.tau"]   # inside a
    assert select("type:LIF.V", names, types) == ["pop[0].V", "pop[1].V"]
    assert select("pop[*].V", names) == ["pop[0].V", "pop[1].V"]
    assert not is_selector("pop[3].V") and is_selector("col1.**.g")
    with pytest.raises(ParameterError, match="needs a type and a symbol"):
        select("type:WC", names, types)
    with pytest.raises(ParameterError, match="types are not known here"):
        select("type:WC.P", names)


def test_assigning_a_selector_sets_every_match(brain):
    s = brain
    p = s.params.copy()
    p["*.P"] = 2.0                                          # top-level blox only
    assert p["region1.P"] == p["region2.P"] == 2.0 and p["col1.E.P"] == 1.25
    p["region*.tau_E"] = 7.0
    assert (p["region1.tau_E"], p["region2.tau_E"]) == (7.0, 7.0)
    p["col1.**.theta"] = 3.0                                # by composite, any depth
    assert p["col1.E.theta"] == p["col1.I.theta"] == 3.0 and p["col2.E.theta"] == 4.0
    p["type:WilsonCowan.Q"] = 0.5                           # by blox type
    assert p["region1.Q"] == p["region2.Q"] == 0.5
    p["type:WilsonCowanPopulation.r"] = 0.9
    assert np.all(p["**.r"] == 0.9) and p.match("**.r") == [     # slot order
        "col1.E.r", "col1.I.r", "col2.E.r", "col2.I.r"]
    p["col2.type:WilsonCowanPopulation.a"] = 1.1            # type, inside col2 only
    assert p["col2.E.a"] == p["col2.I.a"] == 1.1 and p["col1.E.a"] == 1.3
    p["**.P"] = np.array([1.0, 2.0, 3.0, 4.0, 5.0, 6.0])    # one value per match, match order
    assert dict(zip(p.match("**.P"), p["**.P"])) == {
        n: v for n, v in zip(p.match("**.P"), [1.0, 2.0, 3.0, 4.0, 5.0, 6.0])}
    assert s.params["region1.P"] == 1.25                    # the copy was changed, not s


def test_selector_values_are_checked_per_match(brain):
    p = brain.params.copy()
    with pytest.raises(ParameterError, match="outside its physical range"):
        p["**.tau*"] = -1.0
    with pytest.raises(ParameterError, match="has 6 elements"):
        p["**.P"] = [1.0, 2.0]
    assert p["region1.tau_E"] == 10.0                       # nothing was half-written


def test_an_unmatched_selector_says_what_exists(brain):
    with pytest.raises(ParameterError) as err:
        brain.params["*.g_Na"] = 1.0
    msg = str(err.value)
    assert "selector '*.g_Na' matches no parameter" in msg
    assert "tau_E" in msg and "region1" in msg and "col1.E" in msg
    assert "WilsonCowanPopulation" in msg and "'col1.**." in msg
    with pytest.raises(ParameterError, match="matches no state"):
        brain.state_indices("**.V")
    with pytest.raises(ParameterError, match="selects 4 states; name one here"):
        brain.state_index("**.A")


def test_simulate_record_x0_and_solution_reads_take_selectors(brain):
    sol = nb.simulate(brain, 5.0, dt=0.1, params={"*.P": 2.0, "col1.tau": 5.0},
                      x0={"**.A": 0.2}, record=["region*.E", "**.A"])
    assert sol.params["region2.P"] == 2.0 and sol.params["col1.I.tau"] == 5.0
    assert sol.names == ["region1.E", "region2.E", "col1.E.A", "col1.I.A", "col2.E.A",
                         "col2.I.A"]
    assert np.all(sol["**.A"][:, 0] == 0.2)
    assert sol["type:WilsonCowan.E"].shape == (2, sol.t.size)
    assert sol.match("col2.*.A") == ["col2.E.A", "col2.I.A"]
    np.testing.assert_array_equal(sol["col*.E.A"][1], sol["col2.E.A"])
    with pytest.raises(ParameterError, match="matches no recorded variable"):
        sol["**.V"]


def test_sweep_with_a_selector_moves_every_match_together(brain):
    res = nb.sweep(brain, {"region*.P": [0.0, 3.0]}, t_end=5.0, dt=0.1, backend="cpu",
                   record=["region*.E"])
    assert list(res["region*.P"].values) == [0.0, 3.0]
    mean = res["mean"].sel(variable="region1.E").values
    same = res["mean"].sel(variable="region2.E").values
    assert mean[1] > mean[0]
    # one run at P = 3 for both regions by hand gives the swept value
    ref = nb.simulate(brain, 5.0, dt=0.1, params={"region1.P": 3.0, "region2.P": 3.0})
    assert same[1] == pytest.approx(ref["region2.E"].mean(), rel=1e-9)


def test_fit_and_sensitivities_tie_a_selector_into_one_column(brain):
    kind, slots = sensitivity_columns(brain, ["type:WilsonCowan.P"])[0]
    assert kind == "p" and [brain.param_names[i] for i in slots] == ["region1.P", "region2.P"]
    kind, slots = sensitivity_columns(brain, ["col1.tau"])[0]
    assert [brain.param_names[i] for i in slots] == ["col1.E.tau", "col1.I.tau"]
    with pytest.raises(ParameterError, match="matches no parameter"):
        sensitivity_columns(brain, ["*.nothing"])


def test_selectors_never_recompile_the_kernel():
    """Parameter changes, whatever names them, are runtime values."""
    c = nb.Circuit([nb.blox.WilsonCowan(name="a"), nb.blox.WilsonCowan(name="b")])
    c.connect("a", "b", weight=2.0)
    s = nb.compile(c)
    for params in ({"*.P": 1.0}, {"type:WilsonCowan.Q": 0.5}, {"**.tau_E": 8},
                   {"a.P": np.float32(0.5)}):
        nb.simulate(s, 2.0, params=params)
        for k, v in params.items():
            s.params[k] = v
        nb.simulate(s, 2.0)
    nb.sweep(s, {"*.P": [0.0, 1.0]}, t_end=2.0)
    assert len(s._k.run_rk4.signatures) == 1


def test_fit_with_a_selector_recovers_the_tied_parameter():
    """``nb.fit(params={"type:WilsonCowan.P": ...})``: one free value for every
    match.  Data: both regions at P = 1.6 (the answer is known by construction);
    the fit starts at 1.0 and must find 1.6 for both, as one parameter."""
    c = nb.Circuit([nb.blox.WilsonCowan(name="a"), nb.blox.WilsonCowan(name="b")], name="ab")
    c.connect("a", "b", weight=0.5)
    s = nb.compile(c)
    data = nb.simulate(s, 40.0, dt=0.05, params={"a.P": 1.6, "b.P": 1.6})
    res = nb.fit(s, data, {"type:WilsonCowan.P": (0.5, 3.0, 1.0)}, dt=0.05,
                 vars=["a.E", "b.E"])
    assert res.names == ["type:WilsonCowan.P"]
    assert res.params["type:WilsonCowan.P"] == pytest.approx(1.6, abs=1e-6)
    assert s.params["a.P"] == s.params["b.P"] == 1.25     # the system is left as it was
