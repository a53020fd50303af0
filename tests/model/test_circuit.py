"""Circuits: building by code, adjacency matrix and graph; bad input."""
import networkx as nx
import numpy as np
import pytest

import nbblox as nb
from nbblox.exceptions import CircuitError


def wc(name, **kw):
    return nb.blox.WilsonCowan(name=name, **kw)


def test_connect_records_weight_delay_and_ports():
    a, b = wc("a"), wc("b")
    c = nb.Circuit([a, b]).connect(a, b, weight=2.5)
    (k,) = c.connections
    assert (k.src, k.dst, k.weight, k.delay, k.output, k.input) == ("a", "b", 2.5, 0.0, "E", "I_syn")
    assert c["a"] is a and "b" in c and len(c) == 2


def test_connection_to_a_blox_not_in_the_circuit():
    a, b = wc("a"), wc("b")
    c = nb.Circuit([a])
    with pytest.raises(CircuitError, match="blox 'b' is not in circuit"):
        c.connect(a, b)
    with pytest.raises(CircuitError, match="Did you mean 'a'"):
        c.connect("aa", a)


def test_duplicate_names_and_non_blox_are_refused():
    with pytest.raises(CircuitError, match="already has a blox named 'a'"):
        nb.Circuit([wc("a"), wc("a")])
    with pytest.raises(CircuitError, match="holds Blox, not int"):
        nb.Circuit([3])


def test_bad_weights_delays_and_ports():
    a, b = wc("a"), wc("b")
    c = nb.Circuit([a, b])
    with pytest.raises(CircuitError, match="weight must be finite"):
        c.connect(a, b, weight=float("nan"))
    with pytest.raises(CircuitError, match="delay must be >= 0"):
        c.connect(a, b, delay=-1)
    with pytest.raises(CircuitError, match="has no output 'X'"):
        c.connect(a, b, output="X")
    closed = nb.Blox.from_equations("dx/dt = -x", name="closed")
    c.add(closed)
    with pytest.raises(CircuitError, match="has no input to connect to"):
        c.connect(a, closed)


def test_from_adjacency_rows_are_sources():
    bs = [wc(f"n{i}") for i in range(3)]
    W = np.array([[0, 1.5, 0], [0, 0, 0], [-2, 0, 0]])
    c = nb.Circuit.from_adjacency(bs, W)
    assert sorted((k.src, k.dst, k.weight) for k in c.connections) == [
        ("n0", "n1", 1.5), ("n2", "n0", -2.0)]


@pytest.mark.parametrize("shape", [(3, 2), (2, 2), (3,)])
def test_adjacency_of_the_wrong_shape(shape):
    bs = [wc(f"n{i}") for i in range(3)]
    with pytest.raises(CircuitError, match=r"must be \(3, 3\)"):
        nb.Circuit.from_adjacency(bs, np.ones(shape))


@pytest.mark.parametrize("bad", [-1.0, np.nan])
def test_adjacency_delays_are_checked_where_there_is_no_connection_too(bad):
    # the bad delay sits where W is zero: what is refused must not depend on
    # which pairs the weights happen to connect
    bs = [wc(f"n{i}") for i in range(2)]
    delays = np.array([[0.0, 2.0], [bad, 0.0]])
    with pytest.raises(CircuitError, match="finite delays >= 0"):
        nb.Circuit.from_adjacency(bs, np.array([[0, 1.0], [0, 0]]), delays)


def test_from_graph_uses_node_blox_and_edge_attributes():
    g = nx.DiGraph()
    a, b = wc("a"), wc("b")
    g.add_node("x", blox=a)
    g.add_node("y", blox=b)
    g.add_edge("x", "y", weight=0.7)
    c = nb.Circuit.from_graph(g)
    assert [(k.src, k.dst, k.weight) for k in c.connections] == [("a", "b", 0.7)]
    ug = nx.Graph()
    ug.add_edge(wc("p"), wc("q"))
    assert len(nb.Circuit.from_graph(ug).connections) == 2
    bad = nx.Graph()
    bad.add_node(1)
    with pytest.raises(CircuitError, match="not a Blox"):
        nb.Circuit.from_graph(bad)


def test_repr_counts_agree_with_their_nouns():
    """'1 connection', not '1 connections' (seen in the builder and the circuit card)."""
    a, b = wc("a"), wc("b")
    c = nb.Circuit([a, b]).connect(a, b, weight=1.5)
    assert repr(c).endswith("2 blox, 1 connection>"), repr(c)
    c.connect(b, a, weight=1.0)
    assert repr(c).endswith("2 blox, 2 connections>"), repr(c)
