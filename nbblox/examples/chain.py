"""A chain of cortical columns built from one composite (the lesson-17 model).

:func:`ei_column` is the excitatory-inhibitory pair of Wilson & Cowan (1972)
(limit-cycle parameters: ``c1 = 16, c2 = 12, c3 = 15, c4 = 3, P = 1.25``)
written as a circuit of two :data:`nbblox.blox.WilsonCowanPopulation` blox,
made into one block: an input port ``drive`` that feeds E (factor 1) and I
(factor 0.5), an output port ``out`` (E's activity) and a promoted parameter
``tau`` (both time constants).  :func:`column_chain` places copies in a
feed-forward chain ``col1 -> col2 -> ...`` through those ports.

>>> chain = column_chain(3)
>>> [path for path, _ in chain.walk()][:3]
['col1.E', 'col1.I', 'col2.E']
>>> len(chain.connections), len(chain.flatten().connections)   # between, all
(4, 16)
"""
from __future__ import annotations

__all__ = ["ei_column", "column_chain", "PORT_FACTORS"]

import nbblox as nb

#: how the input port ``drive`` fans out: inner input -> factor on the weight
PORT_FACTORS = {"E.I_syn": 1.0, "I.I_syn": 0.5}


def ei_column(name="col", tau=10.0):
    """One Wilson-Cowan column as a composite circuit with ports.

    Parameters
    ----------
    name : str
        The column's name (its states are ``"<name>.E.A"``, ``"<name>.I.A"``).
    tau : float
        Time constant of both populations (ms), promoted as ``"<name>.tau"``.

    Returns
    -------
    Circuit
        Ports: input ``drive`` (to E x 1, I x 0.5), output ``out`` (E's A).

    Examples
    --------
    >>> col = ei_column()
    >>> col.inputs, col.outputs, col.promoted
    ({'drive': {'E.I_syn': 1.0, 'I.I_syn': 0.5}}, {'out': 'E.A'}, {'tau': '*.tau'})
    """
    E = nb.blox.WilsonCowanPopulation(name="E", a=1.3, theta=4.0, P=1.25, tau=tau)
    I = nb.blox.WilsonCowanPopulation(name="I", a=2.0, theta=3.7, tau=tau, init={"A": 0.05})
    col = nb.Circuit([E, I], name=name)
    col.connect(E, E, weight=16.0)
    col.connect(I, E, weight=-12.0)
    col.connect(E, I, weight=15.0)
    col.connect(I, I, weight=-3.0)
    col.expose(inputs={"drive": dict(PORT_FACTORS)}, outputs={"out": "E.A"})
    col.promote("tau", "*.tau")
    return col


def column_chain(n=3, weight=0.5, delay=5.0, tau=10.0):
    """``n`` copies of :func:`ei_column`, ``col1 -> col2 -> ... -> col<n>``,
    each link from a column's port ``out`` to the next one's port ``drive``
    with ``weight`` and ``delay`` (ms).

    >>> chain = column_chain(2)
    >>> [(c.dst, c.weight) for c in chain.connections]
    [('col2.E', 0.5), ('col2.I', 0.25)]
    """
    col = ei_column("col", tau=tau)
    chain = nb.Circuit([col.copy(f"col{k}") for k in range(1, n + 1)], name="chain")
    for k in range(1, n):
        chain.connect(f"col{k}", f"col{k + 1}", weight=weight, delay=delay)
    return chain
