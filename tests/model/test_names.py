"""Names in equation text and circuit files (issue 23 item 7, issue 18 "Unicode
identifiers"): Unicode identifiers Python accepts and keeps as written (τ, Δt)
work; a character Python would rewrite (kₑₑ is kee to Python) or cannot read is
refused with a message naming it; a type name can never reach generated code."""
import json

import numpy as np
import pytest

import nbblox as nb
from nbblox.exceptions import CircuitError, EquationError, ParameterError


def test_greek_names_work_end_to_end():
    b = nb.Blox.from_equations("dτ/dt = -τ/Δt", params={"Δt": (2.0, (0.5, 5), "ms", "decay")},
                               name="u", init={"τ": 1.0})
    sol = nb.simulate(b, 2.0, dt=0.01)
    assert sol.names == ["u.τ"] and b.params["Δt"] == 2.0
    assert sol["u.τ"][-1] == pytest.approx(np.exp(-1.0), rel=1e-9)    # exact decay x0 e^(-t/Δt)
    back = nb.Circuit.from_json(nb.Circuit([b], name="g").to_json())
    assert back.blox["u"].type.params["Δt"].unit == "ms"


@pytest.mark.parametrize("text, params, words", [
    ("dx/dt = -kₑₑ*x", {"kee": 1.0}, "'ₑ' (U+2091 LATIN SUBSCRIPT SMALL LETTER E) is read by "
                                     "Python as 'e', so 'kₑₑ' would be the name 'kee'"),
    ("dx/dt = -x", {"kₑₑ": 1.0}, "parameter 'kₑₑ'"),
    ("dx²/dt = -x", {}, "'x²': the character '²' (U+00B2 SUPERSCRIPT TWO) cannot"),
    ("dx/dt = -x²", {}, "'²' (U+00B2 SUPERSCRIPT TWO) cannot be part of a name"),
    ("dx/dt = -ﬁ*x", {"fi": 1.0}, "'ﬁ' (U+FB01 LATIN SMALL LIGATURE FI)"),
])
def test_names_python_would_rewrite_or_refuse_are_named(text, params, words):
    with pytest.raises((EquationError, ParameterError)) as err:
        nb.Blox.from_equations(text, params=params, name="u")
    assert words in str(err.value)


@pytest.mark.parametrize("name", ["x\nimport os; os.system('true')\n#", "a\ud800b", "a b",
                                  "x" * 101, "T-1"])
def test_type_names_are_validated_where_a_type_is_made(name):
    """A newline gave an IndentationError traceback from generated code, a lone
    surrogate a UnicodeEncodeError."""
    with pytest.raises(ParameterError, match="blox type name"):
        nb.BloxType(name, "dx/dt = -x")
    d = json.loads(nb.Circuit([nb.blox.FitzHughNagumo(name="f")]).to_json())
    next(iter(d["types"].values()))["name"] = name
    with pytest.raises(CircuitError, match="blox type name"):
        nb.Circuit.from_json(json.dumps(d))


def test_generated_code_holds_no_model_names():
    from nbblox.compile.codegen import generate_source
    t = nb.BloxType("Zeta_Unique_Name", "dV/dt = -V/tau_memb", params={"tau_memb": 3.0})
    s = nb.compile(nb.Circuit([t(name="cell_unique")], name="circ_unique"))
    src = generate_source(s.layout)
    assert "def run_rk4" in src
    for word in ("Zeta_Unique_Name", "cell_unique", "circ_unique", "tau_memb"):
        assert word not in src
