"""Wiring: connection rules per type pair (data), and inputs a model needs but
nothing feeds, reported at compile time."""
import warnings

import numpy as np
import pytest

import nbblox as nb
from nbblox.exceptions import CircuitError, WiringWarning
from nbblox.model import wiring


def neurons_and_synapse(syn_type=None):
    pre = nb.blox.HodgkinHuxley(name="pre", I=10.0)
    post = nb.blox.HodgkinHuxley(name="post")
    syn = (syn_type or nb.blox.AMPA)(name="syn")
    return nb.Circuit([pre, post, syn]), pre, syn, post


def wires(c):
    return sorted((k.src, k.output, k.dst, k.input, k.weight) for k in c.connections)


def test_connect_neuron_synapse_neuron_wires_both_directions():
    c, pre, syn, post = neurons_and_synapse()
    c.connect(pre, syn).connect(syn, post, weight=2.0)
    assert wires(c) == [("post", "V", "syn", "V_post", 1.0),   # read back, weight 1
                        ("pre", "V", "syn", "V_pre", 1.0),
                        ("syn", "I", "post", "I_syn", 2.0)]
    c.connect(syn, post)                                       # V_post is not fed twice
    assert sum(k.input == "V_post" for k in c.connections) == 1


def test_conductance_synapse_rule_and_explicit_ports_bypass_rules():
    c, pre, syn, post = neurons_and_synapse(nb.blox.ExpCondSynapse)
    c.connect(syn, post)
    assert ("post", "V", "syn", "V_post", 1.0) in wires(c)
    c2, pre, syn, post = neurons_and_synapse()
    c2.connect(syn, post, output="I", input="I_syn")           # explicit: no back wire
    assert wires(c2) == [("syn", "I", "post", "I_syn", 1.0)]


def test_rules_are_data_looked_up_by_type_then_kind():
    FHN, HH, AMPA = nb.blox.FitzHughNagumo, nb.blox.HodgkinHuxley, nb.blox.AMPA
    assert wiring.rule_for(HH, AMPA).wires == ((None, "V_pre"),)      # kind:neuron -> AMPA
    assert wiring.rule_for(FHN, nb.blox.WilsonCowan) is None
    rows = wiring.rules()
    assert {"source": "AMPA", "target": "kind:neuron", "wires": (("I", "I_syn"),),
            "back": ((None, "V_post"),)} == {k: rows[[r["source"] for r in rows].index("AMPA")][k]
                                             for k in ("source", "target", "wires", "back")}
    # a user's own pair: registered once, used by connect and by from_adjacency
    key = ("FitzHughNagumo", "WilsonCowan")
    try:
        wiring.register_rule(FHN, "WilsonCowan", wires=[("V", "I_syn")],
                             back=[("E", "I_syn")], doc="test pair")
        f, w = FHN(name="f"), nb.blox.WilsonCowan(name="w")
        c = nb.Circuit.from_adjacency([f, w], np.array([[0, 0.5], [0, 0]]))
        assert wires(c) == [("f", "V", "w", "I_syn", 0.5), ("w", "E", "f", "I_syn", 1.0)]
    finally:
        wiring._RULES.pop(key)


def test_an_unconnected_required_input_warns_naming_input_and_blox():
    """The issue's case: an AMPA synapse whose V_post nobody feeds gave zero current."""
    c, pre, syn, post = neurons_and_synapse()
    c.connect(pre, syn)
    c.connect(syn, post, output="I", input="I_syn")            # V_post forgotten
    with pytest.warns(WiringWarning, match="blox 'syn' \\(AMPA\\): input 'V_post' is needed "
                                           "but nothing is connected to it"):
        nb.compile(c, backend="numpy")
    with pytest.raises(CircuitError, match="(?s)not fully wired.*'syn'.*'V_post'"):
        nb.compile(c, backend="numpy", strict=True)
    c.connect(post, syn, input="V_post")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        nb.compile(c, backend="numpy", strict=True)                # fully wired: silent


def test_a_required_input_fed_twice_warns():
    c, pre, syn, post = neurons_and_synapse()
    c.connect(pre, syn).connect(syn, post)
    c.connect(pre, syn, input="V_post")                        # a second voltage summed in
    with pytest.warns(WiringWarning, match="input 'V_post' reads one value but 2 "
                                           "connections feed it"):
        nb.compile(c, backend="numpy")


def test_required_inputs_inside_composites_are_named_by_path():
    c, pre, syn, post = neurons_and_synapse()
    c.connect(pre, syn)
    brain = nb.Circuit([c.copy("col")])
    with pytest.raises(CircuitError, match="blox 'col.syn' \\(AMPA\\): input 'V_post'"):
        nb.compile(brain, backend="numpy", strict=True)


def test_the_wired_synapse_transmits():
    """With V_post read back, a presynaptic spike train depolarises the postsynaptic
    neuron (AMPA, Destexhe et al. 1994: E = 0 mV, above rest)."""
    c, pre, syn, post = neurons_and_synapse()
    c.connect(pre, syn).connect(syn, post, weight=1.0)
    c["syn"].params["g"] = 0.5
    # numba: the NumPy reference evaluates outputs before inputs, so an output that
    # reads an input (I = -g r (V_post - E)) sees V_post = 0 there
    sol = nb.simulate(c, 30.0, dt=0.02)
    assert sol["pre.V"].max() > 0                              # pre fired
    assert sol["post.V"].max() > -60.0                         # post was driven up from -65
    alone = nb.simulate(nb.blox.HodgkinHuxley(name="post"), 30.0, dt=0.02)
    assert alone["post.V"].max() < -64.9


def test_a_connect_that_fails_half_way_adds_nothing():
    # the rule's forward wire is fine, the back wire V (mV) -> V_post is refused by units
    volt = nb.BloxType("Volt", "dV/dt = -V/tau", units={"V": "V"}, kind="neuron",
                       inputs=("I_syn",), params={"tau": (1.0, None, "ms")})
    c = nb.Circuit([nb.blox.AMPA(name="syn"), volt(name="cell")])
    with pytest.raises(nb.UnitError, match="output 'V' of 'cell'"):
        c.connect("syn", "cell")
    assert c.connections == []
