"""What a person reads for a blox type (issue 16, item 2): ``BloxType.title``.

Plot titles and cards ran the Python identifier together ("FitzHughNagumo
'fhn'"); a lecturer writes "FitzHugh–Nagumo".  Each catalog type carries its
title as data; a user type's default title is the words of its name.
"""
import re

import pytest

import nbblox as nb
from nbblox.model.library import CATALOG


def test_every_catalog_type_has_a_title_of_words_not_a_run_together_name():
    for name, t in CATALOG.items():
        assert t.title and t.title != name or name in ("Izhikevich", "Kuramoto", "Epileptor"), name
        # no CamelCase joint left ("FitzHughNagumo"), except the "FitzHugh" of the surname
        joints = re.findall(r"[a-z][A-Z]", t.title.replace("FitzHugh", "Fitzhugh"))
        assert not joints, (name, t.title)


@pytest.mark.parametrize("name, title", [
    ("FitzHughNagumo", "FitzHugh–Nagumo"), ("HodgkinHuxley", "Hodgkin–Huxley"),
    ("MorrisLecar", "Morris–Lecar"), ("WilsonCowan", "Wilson–Cowan"),
    ("JansenRit", "Jansen–Rit"), ("Izhikevich", "Izhikevich"),
    ("LIF", "leaky integrate-and-fire")])
def test_catalog_titles(name, title):
    assert CATALOG[name].title == title
    assert CATALOG[name].name == name                       # the identifier is unchanged


def test_a_user_type_reads_as_the_words_of_its_name():
    assert nb.BloxType("NoisyLIF", "dV/dt = -V").title == "Noisy LIF"
    assert nb.BloxType("COBA_LIF", "dV/dt = -V").title == "COBA LIF"
    assert nb.BloxType("X", "dV/dt = -V", title="my cell").title == "my cell"


def test_a_title_survives_the_circuit_file_and_a_default_is_not_written():
    mine = nb.BloxType("Cell2", "dV/dt = -V", title="two-state cell")
    c = nb.Circuit([mine(name="a"), nb.BloxType("Plain", "dV/dt = -2*V")(name="b")], name="c")
    back = nb.Circuit.from_json(c.to_json())
    assert back["a"].type.title == "two-state cell" and back["b"].type.title == "Plain"
    assert "title" not in back["b"].type.to_dict()
    fhn = nb.Circuit.from_json(nb.Circuit([nb.blox.FitzHughNagumo(name="f")]).to_json())
    assert fhn["f"].type is CATALOG["FitzHughNagumo"]        # catalog identity kept


@pytest.mark.parametrize("bad", ["two\nlines", "x" * 81, "  ", 3])
def test_a_bad_title_is_a_parameter_error_naming_the_type(bad):
    with pytest.raises(nb.ParameterError, match="blox type 'T': title="):
        nb.BloxType("T", "dV/dt = -V", title=bad)
    with pytest.raises(nb.ParameterError):
        nb.BloxType.from_dict({"name": "T", "equations": "dV/dt = -V", "title": bad})
