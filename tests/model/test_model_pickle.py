"""Blox, blox types, populations and circuits pickle and deep-copy (multiprocessing,
joblib, dask, saved sessions): the copy is equal (the same circuit JSON and code),
independent, and a user-defined type travels as its equation text to a process
that never saw it (nbblox.model.pickling)."""
import copy
import json
import os
import pickle
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

import nbblox as nb
from nbblox.exceptions import ParameterError
from nbblox.model import pickling
from nbblox.model.blox import BloxType
from nbblox.model.equations import check_expression
from nbblox.model.library import CATALOG

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from pickled import assert_same, round_trip  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]

# A leaky unit with everything a type can declare; the relaxation dx/dt = (-x + I)/tau
# is the textbook leaky integrator (Dayan & Abbott 2001, eq. 7.5).
LEAKY = dict(params={"tau": (5.0, (0.1, 50), "ms", "time constant"),
                     "gain": {"default": 1.0, "hard_bounds": (0, None)}},
             init={"x": 0.25}, presets={"slow": {"tau": 20.0}}, title="Leaky unit",
             units={"x": "", "I_syn": "1/ms"}, clip={"x": (-1.0, None)},
             state_docs={"x": "activity"}, doc="a leaky integrator", kind="neural_mass")


def leaky_type():
    return nb.BloxType("Leaky", "dx/dt = (-x + gain*tau*I_syn)/tau", **LEAKY)


def circuit():
    """Blox, a user type, a population with a seeded random and a plastic projection,
    a composite with ports and a promoted parameter, delays."""
    L = leaky_type()
    col = nb.Circuit([nb.blox.WilsonCowan(name="a"), L(name="b", gain=2.0)], name="col")
    col.connect("a", "b", weight=0.5, delay=1.5, unit="1/ms")
    col.expose(inputs={"drive": "a.I_syn"}, outputs={"rate": "a.E"})
    col.promote("tau", "b.tau")
    lif = nb.blox.LIF
    exc = nb.Population(lif, 4, name="exc", I=np.linspace(1.0, 2.5, 4), init={"V": -70.0})
    inh = nb.Population(lif, 2, name="inh")
    c = nb.Circuit([nb.blox.FitzHughNagumo(name="f", I=0.3, init={"V": 0.5}), col, exc, inh],
                   name="net")
    c.connect("f", "col", weight=0.2)
    c.connect(exc, inh, weight=0.3, on_pre="V += w", p=0.5, seed=7)
    c.connect(exc, exc, weight=0.1, on_pre="V += w", i=[0, 1, 2], j=[1, 2, 3],
              plasticity=nb.STDP(A_plus=0.01, tau_pre=20.0), delay=2.0)
    return c


def test_a_catalog_blox_round_trips_with_its_values_and_checks():
    f = nb.blox.FitzHughNagumo(name="f", I=0.3, preset=None, init={"V": 0.5})
    g = round_trip(f)
    assert g == f and g.to_dict() == f.to_dict() and g.init == {"V": 0.5, "w": f.init["w"]}
    assert g.type is nb.blox.FitzHughNagumo          # the catalog's own object
    assert g.params._owner is g                       # values checked against the copy
    with pytest.raises(ParameterError, match="FitzHughNagumo blox 'f' has no parameter 'J'"):
        g.params["J"] = 1.0
    hh = round_trip(nb.blox.HodgkinHuxley(name="h"))
    with pytest.raises(ParameterError, match="physical range"):
        hh.params["C"] = -1.0                          # hard bounds still hold


def test_a_catalog_type_pickles_by_name_not_as_its_equations():
    data = pickle.dumps(nb.blox.HodgkinHuxley)
    assert pickle.loads(data) is nb.blox.HodgkinHuxley
    assert b"HodgkinHuxley" in data and b"dV/dt" not in data and len(data) < 200
    with pytest.raises(pickle.UnpicklingError, match="'NoSuchModel'.*circuit JSON"):
        pickling.catalog_type("NoSuchModel")


def test_a_user_type_pickles_as_its_data_and_is_parsed_again():
    L = leaky_type()
    a, b = L(name="a", preset="slow"), L(name="b", gain=3.0)
    a2, b2 = round_trip([a, b])
    assert (a2, b2) == (a, b) and a2.type is not L and a2.type is b2.type   # one type, held once
    assert a2.type.to_dict() == L.to_dict() and a2.type.key == L.key
    assert (a2.type.title, a2.type.units, a2.type.clip, a2.preset) == (
        "Leaky unit", L.units, L.clip, "slow")
    b2.params["gain"] = 4.0
    with pytest.raises(ParameterError, match="physical range"):
        b2.params["gain"] = -1.0
    single = nb.Blox.from_equations("dx/dt = -k*x", params={"k": 2.0}, name="decay",
                                    init={"x": 1.0})
    assert round_trip(single).to_dict() == single.to_dict()


def test_every_catalog_spec_survives_the_data_path():
    """A type made from a catalog type's data (as a renamed or edited copy is) pickles
    through to_dict/from_dict: nothing of any catalog spec may be lost on the way."""
    for name, t in CATALOG.items():
        back = round_trip(BloxType.from_dict(t.to_dict()))
        assert back is not t and (back.key, back.to_dict()) == (t.key, t.to_dict()), name


def test_a_population_round_trips_with_read_only_values():
    pop = nb.Population(nb.blox.FitzHughNagumo, 3, name="cells", I=np.array([0.0, 0.5, 1.0]),
                        init={"V": np.array([0.1, 0.2, 0.3])})
    for back in (round_trip(pop), copy.deepcopy(pop)):
        assert back == pop and back.type is pop.type
        assert_same(pop, back)            # arrays bit for bit, still read-only
        with pytest.raises(ValueError, match="read-only"):
            back.params["I"][0] = 9.0


def test_a_circuit_round_trips_equal():
    c = circuit()
    for back in (round_trip(c), copy.deepcopy(c)):
        assert back == c
        assert back.to_json() == c.to_json() and back.to_code() == c.to_code()
        assert back["col"].promoted == c["col"].promoted and back["col"].inputs == c["col"].inputs
        assert_same(c, back)   # every attribute, incl. drawn synapses and read-only flags
    rule = c.projections[0]
    assert not rule.pre.flags.writeable       # the shared seeded draw (connectivity.py)
    with pytest.raises(ValueError, match="read-only"):
        round_trip(c).projections[0].pre[0] = 1


def test_objects_pickled_together_stay_one_object():
    c = circuit()
    f = c["f"]
    c2, f2, params2, t2 = round_trip((c, f, f.params, c["col.b"].type))
    assert f2 is c2["f"] and params2 is f2.params and t2 is c2["col.b"].type
    f2.params["I"] = 0.9
    assert c2["f"].params["I"] == 0.9 and c["f"].params["I"] == 0.3


def test_a_deep_copy_is_independent():
    c = circuit()
    d = copy.deepcopy(c)
    d["f"].params["I"] = 1.25
    d["col.b"].params["tau"] = 9.0
    d["exc"].params["I"] = np.zeros(4)
    d.connections[0].weight = -1.0
    d["col"].add(nb.blox.WilsonCowan(name="extra"))
    assert c == circuit()          # the original is untouched
    assert d["f"].params._owner is d["f"] and c["f"].params._owner is c["f"]


def test_a_shallow_copy_of_a_blox_has_its_own_values():
    f = nb.blox.FitzHughNagumo(name="f", I=0.3)
    g = copy.copy(f)
    g.params["I"] = 0.8
    assert f.params["I"] == 0.3 and g.params._owner is g
    values = copy.copy(f.params)          # a detached dict of values: same owner, own values
    values["I"] = 0.6
    assert f.params["I"] == 0.3 and values._owner is f
    assert round_trip(values)._owner.name == "f"


def test_the_names_of_an_expression_pickle_with_their_calls():
    used = check_expression("a*x + rand()", blox="b", allow_rand=True)
    back = round_trip(used)
    assert back == used == {"a", "x"} and back.rand is True and back.tables == used.tables


def test_a_fresh_process_unpickles_a_circuit_of_a_type_it_never_saw(tmp_path):
    c = circuit()
    path = tmp_path / "c.pkl"
    path.write_bytes(pickle.dumps(c))
    script = textwrap.dedent("""
        import pickle, sys
        c = pickle.loads(open(sys.argv[1], "rb").read())
        print(c.to_json())
    """)
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    out = subprocess.run([sys.executable, "-c", script, str(path)], env=env, check=True,
                         capture_output=True, text=True).stdout
    assert json.loads(out) == c.to_dict()
