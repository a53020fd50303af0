"""How front ends group a circuit: one group per top-level member.

Pure data, shared by the explorer's slider cards and the circuit builder:
a top-level blox is one group (its parameters), a composite is one group
holding its promoted parameters first and then every inner parameter blox by
blox, so a column of many blox shows as one card (or one block) that opens up.
Connection weights (explorer sliders named ``"a→b"``) form one last group.
"""
from __future__ import annotations

from .._text import counted, tex_free
from ..model.composite import walk

__all__ = ["Group", "slider_groups", "top_member", "WEIGHTS"]

WEIGHTS = "connections"      # group key of the connection-weight sliders


class Group:
    """One card of sliders: ``key`` (top-level member), ``title``, ``kind``
    (``"blox"``, ``"composite"`` or ``"weights"``), ``promoted`` (the promoted
    parameters among ``names``) and ``names`` in reading order."""

    def __init__(self, key, title, kind):
        self.key, self.title, self.kind = key, title, kind
        self.promoted, self.names = [], []

    def __repr__(self):
        return (f"<Group {self.key!r} ({self.kind}): {len(self.promoted)} promoted, "
                f"{counted(len(self.names), 'parameter')}>")


def top_member(name):
    """The top-level member a full name belongs to: ``"r1.E.tau" -> "r1"``,
    ``"pop[3].I" -> "pop"``."""
    return name.split(".", 1)[0].split("[", 1)[0]


def slider_groups(system, names, weights=()):
    """Group parameter ``names`` of ``system`` by top-level member, in the order
    the names come (slot order: top-level blox before composites); a composite's
    promoted parameters (``system.params.aliases``) open its group, then its
    members' parameters blox by blox.  Names in ``weights`` form the last group.

    Examples
    --------
    >>> import nbblox as nb
    >>> brain = nb.Circuit([nb.blox.WilsonCowanColumn(name="r1"), nb.blox.WilsonCowan(name="w")])
    >>> s = nb.compile(brain, backend="numpy")
    >>> names = s.param_names + list(s.params.aliases)
    >>> [(g.title, g.names[0], len(g.names)) for g in slider_groups(s, names)]
    [('w · Wilson–Cowan', 'w.c1', 14), ('r1 · composite of 2 blox', 'r1.tau', 11)]
    """
    circuit, aliases = system.circuit, system.params.aliases
    weights = set(weights)
    groups, wgroup = {}, Group(WEIGHTS, "connection weights", "weights")
    for n in names:
        if n in weights:
            wgroup.names.append(n)
            continue
        key = top_member(n)
        g = groups.get(key)
        if g is None:
            g = groups[key] = _new_group(circuit, key)
        (g.promoted if n in aliases else g.names).append(n)
    for g in groups.values():
        if g.kind == "composite":      # slot order interleaves members: list blox by blox
            g.names.sort(key=lambda n: n.rsplit(".", 1)[0])
        g.names = g.promoted + g.names
    return list(groups.values()) + ([wgroup] if wgroup.names else [])


def _new_group(circuit, key):
    sub = circuit.composites.get(key)
    if sub is None:
        member = circuit.blox.get(key) or circuit.populations.get(key)
        # a title is model text: TeX delimiters defused (a Card title is HTML, Bokeh typesets $$)
        tname = tex_free(member.type.title) if member is not None else ""
        return Group(key, f"{key} · {tname}" if tname else key, "blox")
    n = sum(1 for _ in walk(sub))
    what = sub.template or "composite"
    return Group(key, f"{key} · {what} of {n} blox", "composite")
