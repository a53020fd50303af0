"""Composites as plain data (JSON, schema version 2) and as Python code.

Only the composite-specific fields live here (nested ``"composites"``,
``"inputs"``, ``"outputs"``, ``"promote"``, ``"template"``); the blox,
connections and types of every level go through :mod:`.serialize`, so a
composite is validated exactly like a top-level circuit.
"""
from __future__ import annotations

from ..exceptions import CircuitError
from .composite import check_member_name

__all__ = ["uses_composites", "extras_to_dict", "composites_from_dict", "extras_from_dict",
           "port_lines", "composite_to_code"]


def uses_composites(circuit):
    """True if the circuit (or anything in it) has composites, ports or promotions."""
    return bool(circuit.composites or circuit.inputs or circuit.outputs or circuit.promoted
                or circuit.template)


def extras_to_dict(circuit):
    """The composite-only fields of one level: nested composites, ports, promotions."""
    d = {}
    if circuit.composites:
        d["composites"] = [{"name": sub.name, **sub._body_dict()}
                           for sub in circuit.composites.values()]
    if circuit.inputs:
        d["inputs"] = {k: dict(v) for k, v in circuit.inputs.items()}
    if circuit.outputs:
        d["outputs"] = dict(circuit.outputs)
    if circuit.promoted:
        d["promote"] = dict(circuit.promoted)
    if circuit.template:
        d["template"] = circuit.template
    return d


MAX_DEPTH = 32


def composites_from_dict(cls, parent, data, types, depth=0):
    """Add the composites listed in ``data`` to ``parent`` (validated like the
    top level, sharing its parsed type table)."""
    from .circuit import SCHEMA
    from .serialize import _require, circuit_from_dict
    items = data.get("composites", [])
    _require(isinstance(items, list), "'composites' must be a list")
    _require(depth < MAX_DEPTH, f"composites nest deeper than {MAX_DEPTH} levels")
    for item in items:
        _require(isinstance(item, dict) and isinstance(item.get("name"), str),
                 "each composite needs a 'name'")
        sub = dict(item, schema=SCHEMA, version=2, types={})
        try:
            parent.add(circuit_from_dict(cls, sub, _types=types, _depth=depth + 1))
        except CircuitError as exc:
            raise CircuitError(f"{exc} (in composite {item['name']!r})") from None


def extras_from_dict(circuit, data):
    """Ports and promotions of one level, checked as when declared in code."""
    from .serialize import _require
    ins, outs, prom = data.get("inputs"), data.get("outputs"), data.get("promote", {})
    for what, v in (("inputs", ins), ("outputs", outs), ("promote", prom)):
        _require(v is None or isinstance(v, dict), f"'{what}' must be an object")
    if ins or outs:
        circuit.expose(inputs=ins, outputs=outs)
    for name, sel in prom.items():
        _require(isinstance(sel, str), f"promoted parameter {name!r} needs a text selector")
        circuit.promote(name, sel)
    template = data.get("template")
    if template is not None:
        check_member_name(template, "template")
        circuit.template = template


# -- Python code ---------------------------------------------------------------------
def port_lines(circuit, var):
    """``var.expose(...)`` and ``var.promote(...)`` lines of one level."""
    lines = []
    if circuit.inputs or circuit.outputs:
        ins = {k: (next(iter(v)) if list(v.values()) == [1.0] else dict(v))
               for k, v in circuit.inputs.items()}
        lines.append(f"{var}.expose(inputs={ins!r}, outputs={dict(circuit.outputs)!r})")
    for name, sel in circuit.promoted.items():
        lines.append(f"{var}.promote({name!r}, {sel!r})")
    return lines


def composite_to_code(circuit, var="circuit"):
    """Python source rebuilding a circuit with composites: one builder
    function per distinct composite (copies of one template share it)."""
    import json

    from .serialize import member_lines, type_lines, wire_lines
    type_var, funcs, blocks, used = {}, {}, [], {var, "nb", "np"}

    def builder(c):
        body = c._body_dict()
        body.pop("template", None)
        key = json.dumps(body, sort_keys=True)
        if key in funcs:
            return funcs[key]
        subs = [builder(sub) for sub in c.composites.values()]
        stem = c.template or c.name
        fname, k = f"make_{stem}", 2
        while fname in used:
            fname, k = f"make_{stem}_{k}", k + 1
        used.add(fname)
        funcs[key] = fname
        lines = [f"def {fname}(name):", "    c = nb.Circuit(name=name)"]
        lines += ["    " + ln for ln in _level(c, "c", subs)]
        if c.template:
            lines.append(f"    c.template = {c.template!r}")
        blocks.append(lines + ["    return c", ""])
        return fname

    def _level(c, v, subs):
        out = member_lines(c, v, type_var)
        if subs:
            out.append(f"{v}.add(" + ", ".join(f"{f}({sub.name!r})" for f, sub in
                                               zip(subs, c.composites.values())) + ")")
        return out + wire_lines(c, v) + port_lines(c, v)

    numpy = any(c.populations or c.projections for c in _levels(circuit))
    head = (["import numpy as np"] if numpy else []) + ["import nbblox as nb", ""]
    head += type_lines(circuit, type_var)
    top_subs = [builder(sub) for sub in circuit.composites.values()]
    lines = head + [""] + [ln for b in blocks for ln in b]
    lines.append(f"{var} = nb.Circuit(name={circuit.name!r})")
    lines += _level(circuit, var, top_subs)
    return "\n".join(lines) + "\n"


def _levels(circuit):
    yield circuit
    for sub in circuit.composites.values():
        yield from _levels(sub)
