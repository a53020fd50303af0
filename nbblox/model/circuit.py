"""Circuit: named blox and the weighted (optionally delayed) connections
between them; saved to and loaded from JSON (equations travel as text and are
re-parsed through the safe parser on load).

This module owns the circuit as a container (adding members, finding them by
name or path), its persistence (JSON text and files, size-limited; the data
format is :mod:`nbblox.model.serialize`, Python code :mod:`.circuit_code`) and
its display.  The rest of :class:`Circuit` comes from its base classes, one
module each: connecting members (:mod:`nbblox.model.connect`, which also defines
:class:`Connection`), building from an adjacency matrix or a networkx graph
(:mod:`nbblox.model.graphs`) and composites (:mod:`nbblox.model.composite`).
"""
from __future__ import annotations

import json
import os

from .._text import counted
from ..exceptions import CircuitError, suggest
from . import composite
from .blox import Blox
from .circuit_code import circuit_to_code
from .composite import Composable
from .connect import Connectable, Connection
from .graphs import FromGraphs
from .population import Population
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


class Circuit(Composable, Connectable, FromGraphs):
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

    # -- members -----------------------------------------------------------
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
