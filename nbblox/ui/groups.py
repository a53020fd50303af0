"""How front ends group a circuit: one group per top-level member.

Pure data, shared by the explorer's slider cards and the circuit builder:
a top-level blox is one group (its parameters), a composite is one group
holding its promoted parameters first and then every inner parameter, so a
column of many blox shows as one card (or one block) that opens up.
"""
from __future__ import annotations

from ..model.composite import walk

__all__ = ["Group", "group_of", "slider_groups", "top_member"]


class Group:
    """One card of sliders: ``key`` (top-level member), ``title``, ``kind``
    (``"blox"`` or ``"composite"``), ``promoted`` and ``names`` (parameters)."""

    def __init__(self, key, title, kind):
        self.key, self.title, self.kind = key, title, kind
        self.promoted, self.names = [], []

    def __repr__(self):
        return (f"<Group {self.key!r} ({self.kind}): {len(self.promoted)} promoted, "
                f"{len(self.names)} parameters>")


def top_member(name):
    """The top-level member a full name belongs to: ``"r1.E.tau" -> "r1"``,
    ``"pop[3].I" -> "pop"``."""
    return name.split(".", 1)[0].split("[", 1)[0]


def slider_groups(system, names):
    """Group parameter ``names`` of ``system`` by top-level member, in the order
    the names come (slot order: top-level blox before composites).

    Examples
    --------
    >>> import nbblox as nb
    >>> brain = nb.Circuit([nb.blox.WilsonCowanColumn(name="r1"), nb.blox.WilsonCowan(name="w")])
    >>> s = nb.compile(brain, backend="numpy")
    >>> [(g.title, g.promoted, len(g.names)) for g in slider_groups(s, s.param_names)]
    [('w · WilsonCowan', [], 14), ('r1 · composite of 2 blox', ['r1.tau'], 10)]
    """
    circuit = system.circuit
    groups = {}
    for n in names:
        key = top_member(n)
        g = groups.get(key)
        if g is None:
            g = groups[key] = _new_group(circuit, key, system)
        g.names.append(n)
    for g in groups.values():
        if g.kind == "composite":      # slot order interleaves members: list blox by blox
            g.names.sort(key=lambda n: n.rsplit(".", 1)[0])
    return list(groups.values())


def group_of(system, key):
    """The (empty) :class:`Group` of top-level member ``key`` of ``system``."""
    return _new_group(system.circuit, key, system)


def _new_group(circuit, key, system):
    sub = circuit.composites.get(key)
    if sub is None:
        member = circuit.blox.get(key) or circuit.populations.get(key)
        tname = member.type.name if member is not None else ""
        return Group(key, f"{key} · {tname}" if tname else key, "blox")
    n = sum(1 for _ in walk(sub))
    what = sub.template or "composite"
    g = Group(key, f"{key} · {what} of {n} blox", "composite")
    g.promoted = [a for a in system.params.aliases if top_member(a) == key]
    return g
