"""Circuit: named blox and the weighted (optionally delayed) connections
between them.  Built by code, from an adjacency matrix or from a networkx
graph; saved to and loaded from JSON (equations travel as text and are
re-parsed through the safe parser on load).
"""
from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass, asdict

import numpy as np

from ..exceptions import CircuitError, suggest
from .blox import Blox, BloxType
from .population import Population, Projection

__all__ = ["Circuit", "Connection", "SCHEMA", "SCHEMA_VERSION"]

SCHEMA = "nbblox.circuit"
SCHEMA_VERSION = 1
MAX_JSON_BYTES = 50_000_000


def read_circuit_file(path):
    """The text of a circuit file, refused when larger than ``MAX_JSON_BYTES``
    (read at most that much: a device like /dev/zero reports no size) or not UTF-8."""
    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_JSON_BYTES + 1)
    except OSError as exc:
        raise CircuitError(f"cannot read circuit file {os.fspath(path)!r}: "
                           f"{exc.strerror or exc}") from None
    if len(data) > MAX_JSON_BYTES:
        raise CircuitError(f"{os.fspath(path)!r} is larger than {MAX_JSON_BYTES} bytes")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CircuitError(f"{os.fspath(path)!r} is not UTF-8 text (byte {exc.start})") from None


@dataclass
class Connection:
    """``weight * output(src)`` added to input ``input`` of ``dst``, after ``delay`` ms."""

    src: str
    dst: str
    weight: float = 1.0
    delay: float = 0.0
    output: str = ""
    input: str = ""


class Circuit:
    """A set of named blox and connections between them.

    Parameters
    ----------
    blox : iterable of Blox
    name : str

    Examples
    --------
    >>> import nbblox as nb
    >>> a = nb.blox.WilsonCowan(name="a"); b = nb.blox.WilsonCowan(name="b")
    >>> c = nb.Circuit([a, b]).connect(a, b, weight=2.0)
    >>> [(k.src, k.dst, k.weight) for k in c.connections]
    [('a', 'b', 2.0)]
    """

    def __init__(self, blox=(), name="circuit"):
        self.name = name
        self.blox = {}
        self.populations = {}
        self.connections = []
        self.projections = []
        for b in blox:
            self.add(b)

    # -- building -----------------------------------------------------------
    def add(self, *blox):
        """Add blox or populations; names must be unique within the circuit."""
        for b in blox:
            if isinstance(b, Circuit):
                raise CircuitError("adding a Circuit into a Circuit is not supported yet; "
                                   "add its blox and connections instead")
            if not isinstance(b, (Blox, Population)):
                raise CircuitError(f"a circuit holds Blox, not {type(b).__name__} ({b!r}); "
                                   "make one with e.g. nb.blox.FitzHughNagumo(name='x')")
            if b.name in self.blox or b.name in self.populations:
                raise CircuitError(f"the circuit already has a blox named '{b.name}'")
            (self.blox if isinstance(b, Blox) else self.populations)[b.name] = b
        return self

    def __getitem__(self, name):
        return self._get(name)

    def __contains__(self, name):
        name = name.name if isinstance(name, (Blox, Population)) else name
        return name in self.blox or name in self.populations

    def __iter__(self):
        """Blox, then populations (both have .name .type .params .init)."""
        yield from self.blox.values()
        yield from self.populations.values()

    def __len__(self):
        return len(self.blox) + len(self.populations)

    def _get(self, b):
        name = b.name if isinstance(b, (Blox, Population)) else b
        found = self.blox.get(name, self.populations.get(name))
        if found is None:
            raise CircuitError(f"blox '{name}' is not in circuit '{self.name}'."
                               + suggest(name, list(self.blox) + list(self.populations)))
        if isinstance(b, (Blox, Population)) and found is not b:
            raise CircuitError(f"a different blox named '{name}' is in the circuit")
        return found

    def connect(self, src, dst, weight=1.0, delay=0.0, *, output=None, input=None,
                on_pre=None, p=None, i=None, j=None, matrix=None, one_to_one=False,
                seed=None, autapses=True, plasticity=None, name=None):
        """Add ``weight * output(src)`` to the input of ``dst``.

        ``output`` and ``input`` pick the source's output and the target's
        input symbol when a blox has more than one (default: the first).

        Between populations (or with any of the rule arguments) this adds a
        :class:`~nbblox.model.population.Projection`: ``on_pre="ge += w"``
        makes it a spiking synapse (``w`` = the synapse's weight), else it
        couples outputs to inputs continuously.  Connectivity: ``p=``
        (Bernoulli, reproducible with ``seed=``), ``i=``/``j=`` index arrays,
        ``matrix=`` (dense or scipy.sparse, ``matrix[pre, post]`` multiplies
        ``weight``), ``one_to_one=True``; default all-to-all.  ``weight``
        and ``delay`` (ms) may be one value per synapse.  ``plasticity=``
        (:class:`~nbblox.model.plasticity.STDP` or ``RSTDP``) makes the
        weights of a spiking projection learn; ``name=`` names the projection
        (default ``"src->dst"``), the key of ``sol.weights``.

        Examples
        --------
        >>> import nbblox as nb
        >>> lif = nb.BloxType("LIF", "dV/dt = (-V + ge)/10\\ndge/dt = -ge/5", spike="V > 1",
        ...                   reset="V = 0")
        >>> pop = nb.Population(lif, n=100, name="pop")
        >>> c = nb.Circuit([pop]).connect(pop, pop, weight=0.1, on_pre="ge += w", p=0.1, seed=1)
        >>> c.projections[0].size > 0
        True
        """
        s, d = self._get(src), self._get(dst)
        rule = (on_pre is not None or p is not None or i is not None or j is not None
                or matrix is not None or one_to_one or isinstance(s, Population)
                or isinstance(d, Population) or np.ndim(weight) > 0 or np.ndim(delay) > 0
                or plasticity is not None)
        if rule:
            proj = Projection(
                s, d, weight=weight, delay=delay, on_pre=on_pre, output=output, input=input,
                p=p, i=i, j=j, matrix=matrix, one_to_one=one_to_one, seed=seed,
                autapses=autapses, plasticity=plasticity, name=name)
            if name is None and any(q.name == proj.name for q in self.projections):
                proj.name = f"{proj.name}#{len(self.projections)}"
            if any(q.name == proj.name for q in self.projections):
                raise CircuitError(f"the circuit already has a projection named '{proj.name}'")
            self.projections.append(proj)
            return self
        try:
            weight, delay = float(weight), float(delay)
        except (TypeError, ValueError):
            raise CircuitError(f"connection {s.name} -> {d.name}: weight and delay must be "
                               f"numbers, got {weight!r}, {delay!r}") from None
        if not math.isfinite(weight):
            raise CircuitError(f"connection {s.name} -> {d.name}: weight must be finite")
        if not math.isfinite(delay) or delay < 0:
            raise CircuitError(f"connection {s.name} -> {d.name}: delay must be >= 0 "
                               f"and finite, got {delay}")
        outs, ins = list(s.type.output_text), list(d.type.inputs)
        if not ins:
            raise CircuitError(f"blox '{d.name}' ({d.type.name}) has no input to connect to")
        output = outs[0] if output is None else output
        input = ins[0] if input is None else input
        if output not in outs:
            raise CircuitError(f"blox '{s.name}' has no output '{output}'; outputs: "
                               f"{', '.join(outs)}")
        if input not in ins:
            raise CircuitError(f"blox '{d.name}' has no input '{input}'; inputs: "
                               f"{', '.join(ins)}")
        self.connections.append(Connection(s.name, d.name, weight, delay, output, input))
        return self

    @classmethod
    def from_adjacency(cls, blox, W, delays=None, *, name="circuit", **kw):
        """Circuit whose connection ``i -> j`` has weight ``W[i, j]``.

        Rows are sources and columns targets (as in networkx's adjacency
        matrices); zero entries make no connection.

        Examples
        --------
        >>> import numpy as np, nbblox as nb
        >>> bs = [nb.blox.WilsonCowan(name=f"n{i}") for i in range(3)]
        >>> c = nb.Circuit.from_adjacency(bs, np.array([[0, 1, 0], [0, 0, 2], [0, 0, 0]]))
        >>> len(c.connections)
        2
        """
        blox = list(blox)
        n = len(blox)
        try:
            W = np.asarray(W, dtype=float)
        except (TypeError, ValueError):
            raise CircuitError("the adjacency matrix must hold numbers") from None
        if W.shape != (n, n):
            raise CircuitError(f"adjacency matrix has shape {W.shape}, but there are {n} "
                               f"blox: it must be ({n}, {n})")
        if delays is not None:
            delays = np.asarray(delays, dtype=float)
            if delays.shape != (n, n):
                raise CircuitError(f"delay matrix has shape {delays.shape}; it must be "
                                   f"({n}, {n}) like the weights")
            # the whole matrix as given, not only the entries where W happens to be nonzero
            if not np.all(np.isfinite(delays)) or np.any(delays < 0):
                raise CircuitError("delay matrix must hold finite delays >= 0 (ms)")
        c = cls(blox, name=name)
        for i, j in zip(*np.nonzero(W)):
            c.connect(blox[i], blox[j], W[i, j], 0.0 if delays is None else delays[i, j], **kw)
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
        """networkx.DiGraph with the blox as node attribute ``blox``."""
        import networkx as nx
        g = nx.MultiDiGraph()
        for n, b in self.blox.items():
            g.add_node(n, blox=b, type=b.type.name)
        for k in self.connections:
            g.add_edge(k.src, k.dst, weight=k.weight, delay=k.delay)
        return g

    # -- persistence --------------------------------------------------------
    def to_dict(self):
        types = {}
        for b in self:
            types.setdefault(b.type.key, b.type.to_dict())
        d = {"schema": SCHEMA, "version": SCHEMA_VERSION, "name": self.name,
             "types": types, "blox": [b.to_dict() for b in self.blox.values()],
             "connections": [asdict(k) for k in self.connections]}
        if self.populations:
            d["populations"] = [pp.to_dict() for pp in self.populations.values()]
        if self.projections:
            d["projections"] = [k.to_dict() for k in self.projections]
        return d

    def to_json(self, path=None, indent=None):
        """JSON text of the circuit (also written to ``path`` if given)."""
        text = json.dumps(self.to_dict(), indent=indent)
        if path is not None:
            with open(path, "w", encoding="utf-8") as fh:
                fh.write(text)
        return text

    @classmethod
    def from_json(cls, text):
        """Circuit from JSON text (a file: :meth:`load`).

        Nothing in the text is executed: equations are re-parsed with the
        AST whitelist and every field is validated.  Text only, never a
        path: the text may come from a browser, which must not name files
        on the server.

        Examples
        --------
        >>> import nbblox as nb
        >>> c = nb.Circuit([nb.blox.FitzHughNagumo(name="f")], name="one")
        >>> nb.Circuit.from_json(c.to_json()) == c
        True
        >>> nb.Circuit.from_json("pair.json")
        Traceback (most recent call last):
        ...
        nbblox.exceptions.CircuitError: Circuit.from_json takes JSON text, not a file name; to read a file use nb.Circuit.load(path)
        """
        from .serialize import circuit_from_dict  # one-way: serialize builds Circuits
        if isinstance(text, (bytes, bytearray)):
            try:
                text = bytes(text).decode("utf-8")
            except UnicodeDecodeError as exc:
                raise CircuitError(f"a circuit file is UTF-8 text; this is not (byte "
                                   f"{exc.start})") from None
        if not isinstance(text, str):
            hint = " (to read a file use nb.Circuit.load(path))" if isinstance(
                text, os.PathLike) else ""
            raise CircuitError(f"Circuit.from_json takes JSON text, not "
                               f"{type(text).__name__}{hint}")
        name = text.strip()
        if not name.startswith("{") and "\n" not in name and len(name) < 4096 and (
                name.lower().endswith(".json") or "/" in name or "\\" in name):
            raise CircuitError("Circuit.from_json takes JSON text, not a file name; to read "
                               "a file use nb.Circuit.load(path)")
        if len(text) > MAX_JSON_BYTES:
            raise CircuitError(f"circuit JSON is larger than {MAX_JSON_BYTES} bytes")
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise CircuitError(f"not valid JSON: {exc}") from None
        except RecursionError:
            raise CircuitError("not a circuit file: JSON nested too deeply") from None
        return circuit_from_dict(cls, data)

    @classmethod
    def load(cls, path):
        """Circuit from a JSON file written by :meth:`to_json` (size-limited,
        validated as in :meth:`from_json`).

        Examples
        --------
        >>> import os, tempfile, nbblox as nb
        >>> c = nb.Circuit([nb.blox.FitzHughNagumo(name="f")], name="one")
        >>> path = os.path.join(tempfile.mkdtemp(), "one.json")
        >>> _ = c.to_json(path)
        >>> nb.Circuit.load(path) == c
        True
        """
        return cls.from_json(read_circuit_file(path))

    def to_code(self, var="circuit"):
        """Python source that rebuilds this circuit (catalog blox by name)."""
        from .serialize import circuit_to_code
        return circuit_to_code(self, var)

    def __eq__(self, other):
        return isinstance(other, Circuit) and self.to_dict() == other.to_dict()

    def __repr__(self):
        pops = f", {len(self.populations)} populations" if self.populations else ""
        rules = f", {len(self.projections)} projections" if self.projections else ""
        return (f"<Circuit '{self.name}': {len(self.blox)} blox{pops}, "
                f"{len(self.connections)} connections{rules}>")

    def _repr_latex_(self):
        from .blox import latex_equations
        seen, parts = set(), []
        for b in self:
            if b.type.key not in seen:
                seen.add(b.type.key)
                parts.append(latex_equations(b.type))
        return "\n".join(parts)
