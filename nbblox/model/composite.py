"""Composites: a Circuit used as one block of another circuit.

A circuit becomes a reusable block by declaring *ports*: which inner inputs
it accepts from outside and which inner outputs it offers::

    col = nb.Circuit([E, I], name="col",
                     inputs={"I_syn": "E.I_syn"},      # port -> inner input(s)
                     outputs={"E": "E.E"})             # port -> one inner output
    brain = nb.Circuit([col.copy("r1"), col.copy("r2")])
    brain.connect("r1", "r2", weight=0.5)              # r1's port E -> r2's port I_syn

An input port may feed several inner inputs, each with a factor
(``{"drive": {"E.I_syn": 1.0, "I.I_syn": 0.5}}``); ports may name the ports
of nested composites (``"L23.in"``).  Inner members are reached by dotted
paths (``brain["r1.E"]``, ``brain.connect("r1.E", "r2.I")``), and every
state and parameter gets the hierarchical name ``"r1.E.tau"``.

Ports are resolved when a connection is made, so a circuit stores only
connections between leaf blox (by path).  ``flatten`` then lays every leaf
out under its path: the compiler sees the same flat circuit a user would
have written by hand, so composites cost nothing at run time.

*Promoted* parameters (``col.promote("tau", "*.tau")``) give a composite one
named parameter that sets every inner parameter its selector matches
(``"r1.tau"``); they live in ``System.params`` as aliases of those slots.

:class:`Composable` is the composite side of :class:`~nbblox.model.circuit.Circuit`
(a base class of it): the functions here take a circuit and build new ones as
``type(circuit)(...)``, so this module never imports :mod:`.circuit`.
"""
from __future__ import annotations

import copy as _copy
from dataclasses import replace

from ..exceptions import CircuitError, ParameterError, suggest
from .select import scoped, select

__all__ = ["Composable", "flatten", "walk", "normalise_ports", "source_end", "target_ends",
           "copy_circuit", "check_member_name", "param_names", "find", "members",
           "lookup", "check_promoted"]


def check_member_name(name, what="composite"):
    """A member name: a letter first, then letters, digits, '_' (no dots)."""
    if not isinstance(name, str) or not name or not name[0].isalpha() or \
            not name.replace("_", "a").isalnum():
        raise CircuitError(f"{what} name {name!r} must start with a letter and hold only "
                           "letters, digits and '_' (it becomes part of dotted names "
                           "such as 'col1.E.V')")
    return name


def walk(circuit, prefix=""):
    """``(path, entity)`` for every Blox and Population, composites entered.

    Examples
    --------
    >>> import nbblox as nb
    >>> inner = nb.Circuit([nb.blox.WilsonCowan(name="wc")], name="col")
    >>> outer = nb.Circuit([inner, nb.blox.FitzHughNagumo(name="f")])
    >>> [p for p, _ in walk(outer)]
    ['f', 'col.wc']
    """
    for b in circuit.blox.values():
        yield prefix + b.name, b
    for p in circuit.populations.values():
        yield prefix + p.name, p
    for sub in circuit.composites.values():
        yield from walk(sub, prefix + sub.name + ".")


def param_names(circuit):
    """(full parameter names, owner path -> type name) of every leaf."""
    names, types = [], {}
    for path, e in walk(circuit):
        types[path] = e.type.name
        names += [f"{path}.{p}" for p in e.type.params]
    return names, types


# -- ports -----------------------------------------------------------------------
def _split(ref, circuit, what):
    if not isinstance(ref, str) or "." not in ref:
        raise CircuitError(f"circuit '{circuit.name}': {what} {ref!r} must be "
                           "'<member>.<symbol>', e.g. 'E.I_syn'")
    path, sym = ref.rsplit(".", 1)
    return path, sym


def normalise_ports(circuit, inputs, outputs):
    """Checked port tables ``({port: {ref: factor}}, {port: ref})``.

    Every reference is resolved once here, so a typo fails when the port is
    declared, naming the circuit, the port and what exists.
    """
    def as_dict(spec, kind):
        if spec is None:
            return {}
        if isinstance(spec, str):
            spec = [spec]
        if isinstance(spec, (list, tuple)):
            out = {}
            for ref in spec:
                port = _split(ref, circuit, f"{kind} port")[1]
                if port in out:
                    raise CircuitError(f"circuit '{circuit.name}': two {kind} ports would be "
                                       f"called '{port}'; give a dict {{name: member.symbol}}")
                out[port] = ref
            return out
        if isinstance(spec, dict):
            return dict(spec)
        raise CircuitError(f"circuit '{circuit.name}': {kind}s= must be a dict "
                           f"{{port: 'member.symbol'}}, a list or a string")

    ins = {}
    for port, refs in as_dict(inputs, "input").items():
        check_member_name(port, "port")
        if isinstance(refs, str):
            refs = {refs: 1.0}
        elif isinstance(refs, (list, tuple)):
            refs = {r: 1.0 for r in refs}
        if not isinstance(refs, dict) or not refs:
            raise CircuitError(f"circuit '{circuit.name}': input port '{port}' must name "
                               "one or more inner inputs")
        clean = {}
        for ref, factor in refs.items():
            try:
                factor = float(factor)
            except (TypeError, ValueError):
                raise CircuitError(f"circuit '{circuit.name}': input port '{port}': factor "
                                   f"of {ref!r} must be a number") from None
            path, sym = _split(ref, circuit, f"input port '{port}' target")
            target_ends(circuit, path, circuit._get(path), sym)   # raises if unknown
            clean[ref] = factor
        ins[port] = clean
    outs = {}
    for port, ref in as_dict(outputs, "output").items():
        check_member_name(port, "port")
        if not isinstance(ref, str):
            raise CircuitError(f"circuit '{circuit.name}': output port '{port}' must name "
                               "exactly one inner output ('member.output')")
        path, sym = _split(ref, circuit, f"output port '{port}'")
        source_end(circuit, path, circuit._get(path), sym)
        outs[port] = ref
    return ins, outs


def source_end(circuit, path, entity, output):
    """The leaf that produces ``output`` of member ``entity`` (at ``path``):
    ``(leaf path, leaf, output symbol)``; ports of composites are followed."""
    if isinstance(entity, Composable):
        ports = entity.outputs
        if not ports:
            raise CircuitError(f"composite '{path}' has no output ports; declare one with "
                               f"outputs={{'out': 'member.output'}} or connect an inner blox "
                               f"by path ('{path}.<blox>')")
        port = next(iter(ports)) if output is None else output
        if port not in ports:
            raise CircuitError(f"composite '{path}' has no output port '{port}'; its output "
                               f"ports: {', '.join(ports)}." + suggest(port, ports))
        inner, sym = ports[port].rsplit(".", 1)
        return source_end(entity, f"{path}.{inner}", entity._get(inner), sym)
    outs = list(entity.type.output_text)
    output = outs[0] if output is None else output
    if output not in outs:
        raise CircuitError(f"blox '{path}' ({entity.type.name}) has no output '{output}'; "
                           f"outputs: {', '.join(outs)}." + suggest(output, outs))
    return path, entity, output


def target_ends(circuit, path, entity, input):
    """Leaves fed through input ``input`` of member ``entity``:
    ``[(leaf path, leaf, input symbol, factor)]``; ports are followed."""
    if isinstance(entity, Composable):
        ports = entity.inputs
        if not ports:
            raise CircuitError(f"composite '{path}' has no input ports; declare one with "
                               f"inputs={{'in': 'member.input'}} or connect to an inner blox "
                               f"by path ('{path}.<blox>')")
        port = next(iter(ports)) if input is None else input
        if port not in ports:
            raise CircuitError(f"composite '{path}' has no input port '{port}'; its input "
                               f"ports: {', '.join(ports)}." + suggest(port, ports))
        out = []
        for ref, factor in ports[port].items():
            inner, sym = ref.rsplit(".", 1)
            for lp, leaf, s, f in target_ends(entity, f"{path}.{inner}", entity._get(inner), sym):
                out.append((lp, leaf, s, f * factor))
        return out
    ins = list(entity.type.inputs)
    if not ins:
        raise CircuitError(f"blox '{path}' ({entity.type.name}) has no input to connect to")
    input = ins[0] if input is None else input
    if input not in ins:
        raise CircuitError(f"blox '{path}' ({entity.type.name}) has no input '{input}'; "
                           f"inputs: {', '.join(ins)}." + suggest(input, ins))
    return [(path, entity, input, 1.0)]


def check_promoted(circuit, name, selector):
    """Validate a promoted parameter (name free, selector matches)."""
    check_member_name(name, "promoted parameter")
    if name in circuit:
        raise CircuitError(f"circuit '{circuit.name}': cannot promote '{name}': a member "
                           "has that name")
    names, types = param_names(circuit)
    try:
        return select(selector, names, types.get)
    except ParameterError as exc:
        raise CircuitError(f"circuit '{circuit.name}': promoted parameter '{name}': "
                           f"{exc}") from None


# -- flattening ---------------------------------------------------------------------
def _renamed(entity, path):
    """A shallow copy of a Blox or Population under its full path (the compiler
    reads values only, so parameter storage may be shared)."""
    new = _copy.copy(entity)
    new.name = path
    return new


def flatten(circuit):
    """``(flat circuit, promoted {full name: selector})``.

    The flat circuit holds every leaf under its dotted path and every
    connection between those paths; a circuit without composites is
    returned as it is.
    """
    promoted = {}
    if not circuit.composites:
        promoted.update(circuit.promoted)
        return circuit, promoted
    flat = type(circuit)(name=circuit.name)
    _fill(flat, circuit, "", promoted)
    return flat, promoted


def _fill(flat, c, prefix, promoted):
    for b in c.blox.values():
        flat.blox[prefix + b.name] = _renamed(b, prefix + b.name) if prefix else b
    for p in c.populations.values():
        flat.populations[prefix + p.name] = _renamed(p, prefix + p.name) if prefix else p
    for sub in c.composites.values():
        _fill(flat, sub, f"{prefix}{sub.name}.", promoted)
    for k in c.connections:
        flat.connections.append(replace(k, src=prefix + k.src, dst=prefix + k.dst)
                                if prefix else k)
    for pr in c.projections:
        if prefix:
            default = pr.name == f"{pr.src}->{pr.dst}"
            pr = _copy.copy(pr)
            pr.src, pr.dst = prefix + pr.src, prefix + pr.dst
            pr.name = f"{pr.src}->{pr.dst}" if default else prefix + pr.name
        flat.projections.append(pr)
    for name, sel in c.promoted.items():
        promoted[prefix + name] = scoped(sel, prefix[:-1])


def copy_circuit(circuit, name=None):
    """A deep copy (new Blox, Populations, composites) under a new name."""
    new = type(circuit)(name=circuit.name if name is None else name)
    for b in circuit.blox.values():
        new.blox[b.name] = b.copy()
    for p in circuit.populations.values():
        q = _copy.copy(p)
        q.params, q.init = dict(p.params), dict(p.init)
        new.populations[p.name] = q
    for sub in circuit.composites.values():
        new.composites[sub.name] = copy_circuit(sub)
    new.connections = [replace(k) for k in circuit.connections]
    new.projections = [_copy.copy(pr) for pr in circuit.projections]
    new.inputs = {k: dict(v) for k, v in circuit.inputs.items()}
    new.outputs = dict(circuit.outputs)
    new.promoted = dict(circuit.promoted)
    new.template = circuit.template or circuit.name   # names its builder in to_code()
    return new


def find(circuit, obj, prefix=""):
    """Path of member object ``obj`` anywhere inside ``circuit``, or None."""
    for table in (circuit.blox, circuit.populations, circuit.composites):
        found = table.get(obj.name)
        if found is obj:
            return prefix + obj.name
    for sub in circuit.composites.values():
        p = find(sub, obj, f"{prefix}{sub.name}.")
        if p is not None:
            return p
    return None


def members(circuit):
    """Top-level member names (blox, populations, composites)."""
    return list(circuit.blox) + list(circuit.populations) + list(circuit.composites)


def lookup(circuit, path):
    """Member at dotted ``path`` (``"col1.L23.E"``), or raise CircuitError."""
    head, _, rest = path.partition(".")
    for table in (circuit.blox, circuit.populations, circuit.composites):
        if head in table:
            found = table[head]
            break
    else:
        raise CircuitError(f"blox '{head}' is not in circuit '{circuit.name}'." +
                           suggest(head, members(circuit)) +
                           (f" Members: {', '.join(members(circuit)[:12])}."
                            if members(circuit) else ""))
    if not rest:
        return found
    if not hasattr(found, "composites"):
        raise CircuitError(f"'{head}' in circuit '{circuit.name}' is a "
                           f"{type(found).__name__}, not a composite, so '{path}' "
                           "names nothing")
    return lookup(found, rest)


class Composable:
    """Methods that make a Circuit usable as one block of another: declaring ports and
    promoted parameters, copying a circuit to place it again, walking or flattening it."""

    def expose(self, inputs=None, outputs=None):
        """Declare ports, so that this circuit can be one block of another.

        Parameters
        ----------
        inputs : dict, list or str
            Port name -> the inner input(s) it feeds: ``"E.I_syn"``, a list of
            them, or ``{"E.I_syn": 1.0, "I.I_syn": 0.5}`` with factors.  A list
            or string names each port after its symbol.
        outputs : dict, list or str
            Port name -> one inner output, ``"E.E"``.

        The first port of each kind is the default of ``connect``.

        Examples
        --------
        >>> import nbblox as nb
        >>> col = nb.Circuit([nb.blox.WilsonCowan(name="wc")], name="col")
        >>> col.expose(inputs="wc.I_syn", outputs={"rate": "wc.E"}).inputs
        {'I_syn': {'wc.I_syn': 1.0}}
        """
        ins, outs = normalise_ports(self, inputs, outputs)
        self.inputs.update(ins)
        self.outputs.update(outs)
        return self

    def promote(self, name, selector):
        """Give this circuit one parameter ``name`` that sets every inner
        parameter ``selector`` matches (e.g. ``promote("g", "**.g")``).

        Compiled, it is ``"<circuit>.<name>"`` in ``System.params`` (just
        ``name`` for the circuit compiled itself): setting it sets all the
        matched parameters at once; reading it gives their common value.

        Examples
        --------
        >>> import nbblox as nb
        >>> col = nb.Circuit([nb.blox.WilsonCowan(name="a"), nb.blox.WilsonCowan(name="b")],
        ...                  name="col").promote("tau", "*.tau_*")
        >>> s = nb.compile(nb.Circuit([col]))
        >>> s.params["col.tau"] = 5.0
        >>> s.params["col.a.tau_I"], s.params["col.b.tau_E"]
        (5.0, 5.0)
        """
        check_promoted(self, name, selector)
        self.promoted[name] = selector
        return self

    def copy(self, name=None):
        """A deep copy under a new name: build a composite once, place copies.

        Examples
        --------
        >>> import nbblox as nb
        >>> col = nb.Circuit([nb.blox.WilsonCowan(name="wc")], name="col")
        >>> brain = nb.Circuit([col.copy("r1"), col.copy("r2")], name="brain")
        >>> sorted(brain.composites)
        ['r1', 'r2']
        """
        return copy_circuit(self, name)

    def walk(self):
        """``(path, Blox or Population)`` for every leaf, composites entered."""
        return walk(self)

    def flatten(self):
        """The equivalent circuit without composites: every leaf named by its
        path (``"col1.E"``).  This is what the compiler sees."""
        return flatten(self)[0]
