"""Wiring: connection rules between blox types, and the check that every
input a model needs is connected.

**Rules are data.**  ``connect(a, b)`` without ``output=``/``input=`` looks up
the rule registered for the pair of types (exact type names first, then
``"kind:<kind>"``: ``(A, B)``, ``(A, kind:b)``, ``(kind:a, B)``,
``(kind:a, kind:b)``).  A rule lists the *wires* from source to target
(weighted, delayed) and the *back* wires from target to source (weight 1,
no delay), so one call wires a synapse the way Neuroblox users expect::

    c.connect(pre, syn)      # neuron V -> synapse V_pre
    c.connect(syn, post)     # synapse I -> neuron I_syn, and neuron V -> synapse V_post

Without a rule the first output feeds the first input, as before.

**Required inputs.**  A type lists the inputs it reads as one value
(``required_inputs=("V_post",)``).  :func:`check` reports each such input
with no connection, or with more than one; ``compile`` turns the reports
into :class:`~nbblox.exceptions.WiringWarning` (errors with ``strict=True``),
so an unconnected ``V_post`` can no longer give a silent zero current.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..exceptions import CircuitError

__all__ = ["Rule", "register_rule", "rule_for", "rules", "check"]


@dataclass(frozen=True)
class Rule:
    """How a source type feeds a target type.

    ``wires``: ``((output, input), ...)`` from source to target, each with the
    connection's weight and delay; ``back``: ``((output, input), ...)`` from
    target to source, weight 1, no delay (a value read back, like the
    postsynaptic voltage).  An output of None is the blox's first output.
    """

    wires: tuple
    back: tuple = ()
    doc: str = ""


_RULES: dict = {}


def _key(x):
    if isinstance(x, str):
        return x
    name = getattr(x, "name", None)
    if not isinstance(name, str):
        raise CircuitError(f"a connection rule is keyed by a blox type, a type name or "
                           f"'kind:<kind>', not {x!r}")
    return name


def register_rule(src, dst, wires, back=(), doc=""):
    """Register how ``connect(src_blox, dst_blox)`` wires two types.

    Parameters
    ----------
    src, dst : BloxType, str
        A type, a type name, or ``"kind:neuron"`` (any type of that kind).
    wires : sequence of (output, input)
        Source output -> target input, weighted (None: the first output).
    back : sequence of (output, input)
        Target output -> source input, weight 1 (added once).
    doc : str
        One line saying why (shown by :func:`rules`).

    Examples
    --------
    >>> import nbblox as nb
    >>> rule = register_rule("kind:neuron", nb.blox.AMPA, wires=[(None, "V_pre")])
    >>> rule_for(nb.blox.HodgkinHuxley, nb.blox.AMPA).wires
    ((None, 'V_pre'),)
    """
    rule = Rule(tuple(tuple(w) for w in wires), tuple(tuple(b) for b in back), doc)
    _RULES[(_key(src), _key(dst))] = rule
    return rule


def rule_for(stype, dtype):
    """The rule for a (source type, target type) pair, or None."""
    a, b = stype.name, dtype.name
    ka, kb = f"kind:{stype.kind}", f"kind:{dtype.kind}"
    for key in ((a, b), (a, kb), (ka, b), (ka, kb)):
        rule = _RULES.get(key)
        if rule is not None:
            return rule
    return None


def rules():
    """All registered rules as rows ``{source, target, wires, back, doc}``."""
    return [{"source": s, "target": t, "wires": r.wires, "back": r.back, "doc": r.doc}
            for (s, t), r in _RULES.items()]


def check(flat):
    """Problems with the required inputs of a flat circuit (list of text).

    Examples
    --------
    >>> import nbblox as nb
    >>> c = nb.Circuit([nb.blox.HodgkinHuxley(name="pre"), nb.blox.AMPA(name="syn")])
    >>> c.connect("pre", "syn")           # rule: pre.V -> syn.V_pre
    ... # doctest: +ELLIPSIS
    <Circuit ...>
    >>> check(c)
    ["blox 'syn' (AMPA): input 'V_post' is needed but nothing is connected to it; connect the target: c.connect('syn', <neuron>) wires it back (or c.connect(<neuron>, 'syn', input='V_post'))"]
    """
    fed = {}
    for k in flat.connections:
        fed[(k.dst, k.input)] = fed.get((k.dst, k.input), 0) + 1
    for pr in flat.projections:
        if pr.on_pre is None and pr.size:
            fed[(pr.dst, pr.input)] = fed.get((pr.dst, pr.input), 0) + 1
    out = []
    for entity in list(flat.blox.values()) + list(flat.populations.values()):
        for inp in entity.type.required_inputs:
            n = fed.get((entity.name, inp), 0)
            who = f"blox '{entity.name}' ({entity.type.name}): input '{inp}'"
            if n == 0:
                out.append(f"{who} is needed but nothing is connected to it; connect the "
                           f"target: c.connect('{entity.name}', <neuron>) wires it back (or "
                           f"c.connect(<neuron>, '{entity.name}', input='{inp}'))")
            elif n > 1 and not hasattr(entity, "n"):
                out.append(f"{who} reads one value but {n} connections feed it (their sum "
                           "is used); remove the extra connection")
    return out
