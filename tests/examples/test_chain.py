"""Lesson 17's chain of Wilson-Cowan columns (nbblox.examples.chain) against the
same network written out by hand as six populations and sixteen connections:
the ports' fan-out, the promoted tau and the trajectories must agree."""
import numpy as np

import nbblox as nb
from nbblox.examples.chain import column_chain


def _by_hand(n=3, weight=0.5, delay=5.0, tau=10.0):
    """The chain with no composites: populations ``col<k>_E``/``col<k>_I``, the
    four inner connections of Wilson & Cowan (1972) in each column, and each link
    E(k) -> E(k+1) with ``weight``, E(k) -> I(k+1) with ``weight / 2``."""
    c = nb.Circuit(name="by_hand")
    for k in range(1, n + 1):
        E = nb.blox.WilsonCowanPopulation(name=f"col{k}_E", a=1.3, theta=4.0, P=1.25, tau=tau)
        I = nb.blox.WilsonCowanPopulation(name=f"col{k}_I", a=2.0, theta=3.7, tau=tau,
                                          init={"A": 0.05})
        c.add(E, I)
        c.connect(E, E, weight=16.0)
        c.connect(I, E, weight=-12.0)
        c.connect(E, I, weight=15.0)
        c.connect(I, I, weight=-3.0)
    for k in range(1, n):
        c.connect(f"col{k}_E", f"col{k + 1}_E", weight=weight, delay=delay)
        c.connect(f"col{k}_E", f"col{k + 1}_I", weight=weight / 2, delay=delay)
    return c


def test_chain_of_composites_is_the_hand_written_network():
    chain = column_chain(3)
    flat = chain.flatten()
    assert len(flat.connections) == len(_by_hand().connections) == 16
    links = sorted((k.src, k.dst, k.weight, k.delay) for k in chain.connections)
    assert links == [("col1.E", "col2.E", 0.5, 5.0), ("col1.E", "col2.I", 0.25, 5.0),
                     ("col2.E", "col3.E", 0.5, 5.0), ("col2.E", "col3.I", 0.25, 5.0)]

    params = {"col2.tau": 7.0}                     # the promoted tau of column 2
    sol = nb.simulate(chain, 600.0, dt=0.05, params=params)
    ref = nb.simulate(_by_hand(), 600.0, dt=0.05,
                      params={"col2_E.tau": 7.0, "col2_I.tau": 7.0})
    for k in (1, 2, 3):
        for pop in ("E", "I"):
            np.testing.assert_allclose(sol[f"col{k}.{pop}.A"], ref[f"col{k}_{pop}.A"],
                                       rtol=0, atol=1e-12)
    # the drive reaches column 3 (its trajectory differs from an undriven column's)
    alone = nb.simulate(column_chain(1), 600.0, dt=0.05)
    assert np.abs(sol["col3.E.A"] - alone["col1.E.A"]).max() > 0.01


def test_chain_round_trips_through_json_and_code():
    chain = column_chain(3, weight=0.4, delay=3.0, tau=8.0)
    back = nb.Circuit.from_json(chain.to_json())
    assert back == chain and back["col2"].promoted == {"tau": "*.tau"}
    ns = {}
    exec(chain.to_code("rebuilt"), ns)
    assert ns["rebuilt"] == chain
    p = nb.compile(back).params
    assert p["col3.tau"] == 8.0 and p["col3.I.tau"] == 8.0
