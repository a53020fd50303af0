"""Blox types and instances: parameters, validation, display."""
import math

import pytest

import nbblox as nb
from nbblox.exceptions import ParameterError


def test_catalog_blox_takes_parameters_as_keywords():
    b = nb.blox.FitzHughNagumo(name="fhn", I=0.5)
    assert b.name == "fhn" and b.params["I"] == 0.5 and b.params["a"] == 0.7
    assert b.states == ("V", "w")


def test_unknown_parameter_suggests_the_closest_name():
    with pytest.raises(ParameterError) as err:
        nb.blox.HodgkinHuxley(name="hh", g_na=100)
    assert "no parameter 'g_na'" in str(err.value) and "'g_Na'" in str(err.value)


@pytest.mark.parametrize("bad", [math.nan, math.inf, "ten", None])
def test_non_finite_or_non_numeric_parameter_is_refused(bad):
    with pytest.raises(ParameterError, match="parameter 'I'"):
        nb.blox.HodgkinHuxley(name="hh", I=bad)


def test_physical_range_refuses_negative_conductance():
    with pytest.raises(ParameterError, match="blox 'hh': parameter 'g_K'.*physical range"):
        nb.blox.HodgkinHuxley(name="hh", g_K=-1)
    b = nb.blox.HodgkinHuxley(name="hh")
    with pytest.raises(ParameterError, match="physical range"):
        b.params["C"] = 0.0


def test_parameter_metadata_feeds_sliders():
    p = nb.blox.HodgkinHuxley.params["I"]
    assert p.slider_bounds == (-10.0, 200.0) and p.unit == "uA/cm^2" and p.doc
    q = nb.Parameter(2.0)
    lo, hi = q.slider_bounds
    assert lo <= 2.0 <= hi and q.slider_step > 0


def test_presets_and_unknown_preset():
    T = nb.BloxType("T", "dx/dt = -k*x", params={"k": 1.0}, presets={"fast": {"k": 10.0}})
    assert T(name="a", preset="fast").params["k"] == 10.0
    with pytest.raises(ParameterError, match="no preset 'slow'; valid presets: fast"):
        T(name="b", preset="slow")


def test_from_equations_with_tuple_parameters_and_init():
    b = nb.Blox.from_equations("dx/dt = -k*x", params={"k": (2.0, (0, 5), "1/ms", "rate")},
                               name="decay", init={"x": 3.0})
    assert b.init == {"x": 3.0}
    assert b.type.params["k"].bounds == (0, 5) and b.type.params["k"].unit == "1/ms"


def test_bad_blox_names_and_inputs():
    with pytest.raises(ParameterError, match="must start with a letter"):
        nb.blox.FitzHughNagumo(name="a.b")
    assert nb.blox.FitzHughNagumo.inputs == ("I_syn",)
    T = nb.BloxType("Closed", "dx/dt = -x")
    assert T.inputs == ()


def test_latex_shows_every_equation():
    tex = nb.blox.HodgkinHuxley(name="hh")._repr_latex_()
    assert tex.startswith("$$") and r"\frac{dV}{dt}" in tex and r"\frac{dn}{dt}" in tex
    assert r"\alpha_{m}" in tex


def test_type_key_depends_on_code_shaping_spec_only():
    A = nb.BloxType("A", "dx/dt = -k*x", params={"k": 1.0})
    B = nb.BloxType("B", "dx/dt = -k*x", params={"k": 5.0}, doc="other doc")
    C = nb.BloxType("C", "dx/dt = -k*x*x", params={"k": 1.0})
    assert A.key == B.key != C.key


def test_state_docs_describe_states_and_survive_json():
    """Axis labels of a state without a unit say what it is (issue 16: a bare "A")."""
    from nbblox.model.blox import BloxType
    T = BloxType("Pop", "dA/dt = (-A + P)/tau", params={"P": 0.5, "tau": 10.0},
                 state_docs={"A": "fraction of cells firing"})
    assert T.state_docs == {"A": "fraction of cells firing"}
    assert BloxType.from_dict(T.to_dict()).state_docs == T.state_docs
    with pytest.raises(ParameterError, match="state_docs"):
        BloxType("Bad", "dA/dt = -A", state_docs={"B": "not a state"})
    with pytest.raises(ParameterError, match="one line"):
        BloxType("Bad", "dA/dt = -A", state_docs={"A": "two\nlines"})
