"""Circuit JSON and Python round trips, including hostile files."""
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import nbblox as nb
from nbblox.exceptions import CircuitError

CUSTOM = nb.BloxType("Leaky", "dx/dt = (-x + gain*I_syn)/tau",
                     params={"gain": (1.0, (0, 5), "", "input gain"),
                             "tau": (5.0, (0.1, 50), "ms", "time constant")})
KINDS = [nb.blox.WilsonCowan, nb.blox.FitzHughNagumo, CUSTOM]
finite = st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False)


@st.composite
def circuits(draw):
    n = draw(st.integers(1, 6))
    blox = []
    for i in range(n):
        T = draw(st.sampled_from(KINDS))
        pnames = draw(st.lists(st.sampled_from(list(T.params)), unique=True, max_size=3))
        vals = {}
        for p in pnames:
            lo = T.params[p].hard_bounds[0] if T.params[p].hard_bounds else None
            v = draw(finite)
            vals[p] = abs(v) + 1e-3 if lo is not None else v
        blox.append(T(name=f"b{i}", **vals))
    c = nb.Circuit(blox, name=draw(st.sampled_from(["net", "my circuit", "ü"])))
    for _ in range(draw(st.integers(0, 8))):
        i, j = draw(st.integers(0, n - 1)), draw(st.integers(0, n - 1))
        c.connect(blox[i], blox[j], weight=draw(finite))
    return c


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(circuits())
def test_json_round_trip_is_lossless(c):
    text = c.to_json()
    back = nb.Circuit.from_json(text)
    assert back == c
    assert back.to_json() == text


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(circuits())
def test_to_code_rebuilds_an_equal_circuit(c):
    ns = {}
    exec(c.to_code("rebuilt"), ns)  # our own generated code, not user text
    assert ns["rebuilt"] == c


def test_catalog_types_keep_their_identity_after_loading():
    c = nb.Circuit([nb.blox.HodgkinHuxley(name="hh", I=5)])
    back = nb.Circuit.from_json(c.to_json())
    assert back["hh"].type is nb.blox.HodgkinHuxley
    assert "nb.blox.HodgkinHuxley(name='hh', I=5.0)" in c.to_code()


def _doc():
    return json.loads(nb.Circuit([CUSTOM(name="a")]).to_json())


def test_unknown_schema_version_is_refused():
    d = _doc()
    d["version"] = 99
    with pytest.raises(CircuitError, match="schema version 99"):
        nb.Circuit.from_json(json.dumps(d))


def test_hostile_equations_in_a_file_are_parsed_not_run(tmp_path):
    d = _doc()
    (key,) = d["types"]
    d["types"][key]["equations"] = "dx/dt = __import__('os').system('touch %s')" % (tmp_path / "pwned")
    with pytest.raises(CircuitError, match="only plain function calls"):
        nb.Circuit.from_json(json.dumps(d))
    d["types"][key]["equations"] = "dx/dt = __import__('os')"
    with pytest.raises(CircuitError, match="unknown function '__import__'"):
        nb.Circuit.from_json(json.dumps(d))
    assert not (tmp_path / "pwned").exists()


@pytest.mark.parametrize("mutate, fragment", [
    (lambda d: d.update(schema="other"), "'schema' must be"),
    (lambda d: d.update(blox="x"), "'blox' must be a list"),
    (lambda d: d["blox"][0].update(type="nope"), "unknown type 'nope'"),
    (lambda d: d["blox"][0]["params"].update(gain=float("nan")), "invalid circuit file: blox 'a'.*must be finite"),
    (lambda d: d["blox"][0]["params"].update(nope=1.0), "invalid circuit file: blox 'a'.*no parameter 'nope'"),
    (lambda d: d.update(connections=[{"src": "a", "dst": "zz"}]), "blox 'zz' is not in"),
    (lambda d: d["types"][list(d["types"])[0]].update(evil=1), "unknown field"),
])
def test_malformed_files_give_clear_errors(mutate, fragment):
    d = _doc()
    mutate(d)
    with pytest.raises(nb.NbbloxError, match=fragment):
        nb.Circuit.from_json(json.dumps(d))


def test_not_json_at_all():
    with pytest.raises(CircuitError, match="not valid JSON"):
        nb.Circuit.from_json("{nope")
