"""Composites on the builder canvas: one block each, opened on request.

A composite (a Circuit inside the circuit) is drawn as one block named
after it, with its ports as its inputs and outputs; a connection to any of
its members is drawn to the block.  Expanded (the ``toggle`` command, a
double-click on the canvas), its members are drawn in its place inside a
frame, with their own parameters and the composite's inner connections,
which are shown but locked (a composite's wiring is edited on the
composite itself, from Python).  Mixed into
:class:`~nbblox.ui.builder.sync.BuilderModel`; pure data, no transport.
"""
from __future__ import annotations

import math

from ...exceptions import CircuitError
from ...model.composite import walk
from .layout import SPACING, type_info
from ..groups import top_member

__all__ = ["CompositesMixin", "composite_type_info"]

COMPOSITE_KIND = "composite"


def composite_type_info(c):
    """Palette-style metadata of a composite block: ports as inputs/outputs."""
    n = sum(1 for _ in walk(c))
    what = c.template or "composite"
    return {"key": f"composite:{c.name}", "name": f"{what} · {n} blox", "kind": COMPOSITE_KIND,
            "doc": f"A composite circuit of {n} blox (double-click to open or close it). "
                   f"Ports in: {', '.join(c.inputs) or 'none'}; out: "
                   f"{', '.join(c.outputs) or 'none'}.",
            "citation": "", "states": [], "inputs": list(c.inputs),
            "outputs": list(c.outputs), "params": {}, "catalog": False}


class CompositesMixin:
    """Composite blocks, their expansion and the names that refer to them."""

    def _visible(self, path):
        """The canvas node that shows member ``path``: a collapsed composite's
        block, else the member itself."""
        top = top_member(path)
        if top in self.circuit.composites and top not in self.expanded:
            return top
        return path

    def _composite_nodes(self):
        """(types, nodes) of the composites: a block each, or their members."""
        types, nodes = {}, []
        for name, c in self.circuit.composites.items():
            if name not in self.positions:
                self.positions[name] = self._free_spot()
            if name not in self.expanded:
                info = composite_type_info(c)
                types[info["key"]] = info
                x, y = self.positions[name]
                nodes.append({"name": name, "type": info["key"], "params": {}, "x": x,
                              "y": y, "composite": True})
                continue
            for path, b in walk(c, name + "."):
                if hasattr(b, "n"):          # a population inside: shown only collapsed
                    continue
                types.setdefault(b.type.key, type_info(b.type))
                self._types.setdefault(b.type.key, b.type)
                x, y = self.positions[path]
                nodes.append({"name": path, "type": b.type.key, "params": dict(b.params),
                              "x": x, "y": y, "group": name})
        return types, nodes

    def _free_spot(self):
        from .layout import free_spot
        return free_spot(self.positions)

    def _inner_edges(self):
        """Locked edges of the expanded composites: (id, fields) pairs."""
        out = []
        for name in self.expanded:
            c = self.circuit.composites.get(name)
            if c is None:
                continue
            for prefix, level in _levels(c, name + "."):
                for i, k in enumerate(level.connections):
                    out.append({"id": f"{prefix}#{i}", "src": prefix + k.src,
                                "dst": prefix + k.dst, "weight": float(k.weight),
                                "delay": float(k.delay), "output": k.output,
                                "input": k.input, "locked": True})
        return out

    def _shown_blox(self):
        """Blox drawn on the canvas by name: top level, then open composites' members."""
        shown = dict(self.circuit.blox)
        for name in self.expanded:
            c = self.circuit.composites.get(name)
            if c is not None:
                shown.update((p, b) for p, b in walk(c, name + ".") if not hasattr(b, "n"))
        return shown

    def _composite_signature(self):
        return (tuple((n, id(c)) for n, c in self.circuit.composites.items()),
                tuple(sorted(self.expanded)))

    def _member(self, name):
        """A blox at ``name`` (top-level or a member path of an expanded composite)."""
        if name in self.circuit.blox:
            return self.circuit.blox[name]
        top = top_member(name)
        if top in self.circuit.composites:
            if name == top:
                raise CircuitError(f"'{name}' is a composite: open it (double-click) to "
                                   "edit its members")
            return self.circuit[name]
        raise CircuitError(f"blox {name!r} is not on the canvas")

    def _refuse_inside(self, name, what):
        if name in self.circuit.composites:
            raise CircuitError(f"cannot {what} composite '{name}' on the canvas; do it from "
                               f"Python (circuit.composites)")
        if name not in self.circuit.blox and top_member(name) in self.circuit.composites:
            raise CircuitError(f"cannot {what} '{name}': it belongs to composite "
                               f"'{top_member(name)}'; change the composite from Python "
                               f"(circuit.composites[{top_member(name)!r}])")

    def toggle(self, name, seq=None, view=None):
        """Open or close composite ``name`` on the canvas (members placed around
        its block the first time)."""
        if name not in self.circuit.composites:
            self._broadcast({"type": "rejected", "seq": seq, "view": view,
                             "error": f"'{name}' is not a composite of this circuit"})
            return False
        if name in self.expanded:
            self.expanded.discard(name)
        else:
            self.expanded.add(name)
            x0, y0 = self.positions.get(name) or self._free_spot()
            members = [p for p, b in walk(self.circuit.composites[name], name + ".")
                       if not hasattr(b, "n")]
            cols = max(1, math.ceil(len(members) ** 0.5))   # a grid, spaced like the layout
            for i, p in enumerate(members):
                self.positions.setdefault(p, (x0 + (i % cols) * SPACING,
                                              y0 + (i // cols) * SPACING * 0.75))
        for p, b in self._shown_blox().items():
            if "." in p:
                self._nodes[p] = (b, b.type.key, dict(b.params))
        for p in [p for p in self._nodes if "." in p and top_member(p) == name
                  and name not in self.expanded]:
            del self._nodes[p]
        self.rev += 1
        self._comp_sig = self._composite_signature()
        self._broadcast({"type": "snapshot", "view": None, "seq": seq,
                         "state": self.snapshot()})
        return True


def _levels(c, prefix):
    yield prefix, c
    for sub in c.composites.values():
        yield from _levels(sub, f"{prefix}{sub.name}.")
