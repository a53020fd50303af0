"""Circuit -> Python code: :meth:`Circuit.to_code <nbblox.model.circuit.Circuit.to_code>`.

Catalog blox are written by name (``nb.blox.WilsonCowan(...)``), other types as
``nb.BloxType.from_dict(...)``; values equal to a type's defaults are left out.  A circuit
with composites gets one builder function per distinct composite (copies of one template
share it).  Running the code gives an equal circuit.
"""
from __future__ import annotations

import json
import math

import numpy as np

from .serialize import body_dict, catalog
from .wiring import rule_for

__all__ = ["circuit_to_code", "type_lines", "member_lines", "wire_lines", "port_lines"]


def _num(v):
    v = float(v)
    return repr(v) if math.isfinite(v) else f"float('{v}')"


def _val(v):
    if isinstance(v, np.ndarray):
        if v.size and np.all(v == v.flat[0]):
            return _num(v.flat[0])
        return "np.array([" + ", ".join(_num(x) for x in v.tolist()) + "])"
    return _num(v)


def _kwargs(d):
    return ", ".join(f"{k}={_num(v)}" for k, v in d.items())


def circuit_to_code(circuit, var="circuit"):
    """Python source that rebuilds ``circuit``; running it gives an equal one."""
    if circuit.composites:
        return _composite_to_code(circuit, var)
    lines = ["import nbblox as nb", ""]
    type_var = {}
    if circuit.populations or circuit.projections:
        lines.insert(0, "import numpy as np")
    lines += type_lines(circuit, type_var)
    lines.append("")
    lines.append(f"{var} = nb.Circuit(name={circuit.name!r})")
    lines += member_lines(circuit, var, type_var) + wire_lines(circuit, var)
    if circuit.inputs or circuit.outputs or circuit.promoted:
        lines += port_lines(circuit, var)
    return "\n".join(lines) + "\n"


def type_lines(circuit, type_var):
    """``T0 = nb.BloxType.from_dict(...)`` for every non-catalog type (fills type_var)."""
    cat = catalog()
    lines = []
    for _, b in circuit.walk():
        t = b.type
        if t.key in type_var:
            continue
        # types of one key may differ in defaults: values are written against this one
        type_var[(t.key, "type")] = t
        if cat.get(t.name) is t or (t.name in cat and cat[t.name].key == t.key
                                    and cat[t.name].to_dict() == t.to_dict()):
            type_var[t.key] = f"nb.blox.{t.name}"
            continue
        v = f"T{sum(1 for x in type_var.values() if isinstance(x, str) and x[0] == 'T')}"
        type_var[t.key] = v
        spec = t.to_dict()
        lines.append(f"{v} = nb.BloxType.from_dict({spec!r})")
    return lines


def member_lines(circuit, var, type_var):
    """``var.add(...)`` for the blox and populations of one level."""
    lines = []
    for b in circuit.blox.values():
        t = type_var.get((b.type.key, "type"), b.type)
        changed = {k: v for k, v in b.params.items() if v != t.params[k].default}
        init = {k: v for k, v in b.init.items() if v != t.init[k]}
        args = [f"name={b.name!r}"]
        if init:
            args.append("init={" + ", ".join(f"{k!r}: {_num(v)}" for k, v in init.items()) + "}")
        if changed:
            args.append(_kwargs(changed))
        lines.append(f"{var}.add({type_var[t.key]}({', '.join(args)}))")
    for pop in circuit.populations.values():
        t = type_var.get((pop.type.key, "type"), pop.type)
        changed = {k: v for k, v in pop.params.items()
                   if isinstance(v, np.ndarray) or v != t.params[k].default}
        init = {k: v for k, v in pop.init.items()
                if isinstance(v, np.ndarray) or v != t.init[k]}
        args = [f"n={pop.n}", f"name={pop.name!r}"]
        if init:
            args.append("init={" + ", ".join(f"{k!r}: {_val(v)}" for k, v in init.items()) + "}")
        args += [f"{k}={_val(v)}" for k, v in changed.items()]
        lines.append(f"{var}.add(nb.Population({type_var[pop.type.key]}, {', '.join(args)}))")
    return lines


def wire_lines(circuit, var):
    """``var.connect(...)`` for the projections and connections of one level
    (members of composites by path)."""
    lines = []
    for k in circuit.projections:
        d = k.to_dict()
        args = [repr(k.src), repr(k.dst)]
        if "p" in d:
            args += [f"weight={_num(d['weight'])}", f"p={_num(d['p'])}", f"seed={d['seed']}"]
            if d.get("condition"):
                args.append(f"condition={d['condition']!r}")
            if d["delay"]:
                args.append(f"delay={_num(d['delay'])}")
        else:
            args += [f"weight={_val(k.weight)}", f"i=np.array({d['i']!r})",
                     f"j=np.array({d['j']!r})"]
            if k.delay.any():
                args.append(f"delay={_val(k.delay)}")
        if k.on_pre:
            args.append(f"on_pre={k.on_pre!r}")
        else:
            if k.output != list(circuit[k.src].type.output_text)[0]:
                args.append(f"output={k.output!r}")
            if k.input != list(circuit[k.dst].type.inputs)[0]:
                args.append(f"input={k.input!r}")
        if not k.autapses:
            args.append("autapses=False")
        if k.plasticity is not None:
            pd = {f: v for f, v in k.plasticity.to_dict().items() if f != "kind"}
            args.append(f"plasticity=nb.{type(k.plasticity).__name__}("
                        + ", ".join(f"{f}={_num(v)}" for f, v in pd.items()) + ")")
        if "name" in d:
            args.append(f"name={d['name']!r}")
        lines.append(f"{var}.connect({', '.join(args)})")
    for k in circuit.connections:
        src, dst = circuit[k.src], circuit[k.dst]
        extra = ""
        ruled = rule_for(src.type, dst.type) is not None   # explicit, or the rule re-wires
        if ruled or k.output != list(src.type.output_text)[0]:
            extra += f", output={k.output!r}"
        if ruled or k.input != list(dst.type.inputs)[0]:
            extra += f", input={k.input!r}"
        delay = f", delay={_num(k.delay)}" if k.delay else ""
        if k.unit:
            extra += f", unit={k.unit!r}"
        lines.append(f"{var}.connect({k.src!r}, {k.dst!r}, weight={_num(k.weight)}{delay}{extra})")
    return lines


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


def _composite_to_code(circuit, var="circuit"):
    """Python source rebuilding a circuit with composites: one builder
    function per distinct composite (copies of one template share it)."""
    type_var, funcs, blocks, used = {}, {}, [], {var, "nb", "np"}

    def builder(c):
        body = body_dict(c)
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
