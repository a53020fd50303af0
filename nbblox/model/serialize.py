"""Circuit <-> plain data (JSON) and Circuit -> Python code.

Loading is defensive: a circuit file may come from anyone, so the schema and
version are checked, every field is validated, sizes are bounded, and
equation text goes back through the AST-whitelist parser.  Nothing is run.
"""
from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np

from ..exceptions import CircuitError, NbbloxError, ParameterError
from .blox import Blox, BloxType
from .population import Population

__all__ = ["circuit_from_dict", "circuit_to_code"]

MAX_BLOX = 200_000
MAX_CONNECTIONS = 10_000_000


def _require(cond, msg):
    if not cond:
        raise CircuitError("invalid circuit file: " + msg)


def _catalog():
    from . import library
    return library.CATALOG


def circuit_from_dict(cls, data, _types=None, _depth=0):
    from .circuit import SCHEMA, SCHEMA_VERSION
    _require(isinstance(data, Mapping), "the top level must be an object")
    _require(data.get("schema") == SCHEMA, f"'schema' must be {SCHEMA!r}")
    version = data.get("version")
    if version not in (1, SCHEMA_VERSION):   # 2 adds composites (nbblox.model.composite)
        raise CircuitError(f"circuit file has schema version {version!r}; this nbblox reads "
                           f"versions 1 to {SCHEMA_VERSION}. Upgrade nbblox or re-save the file.")
    types_in, blox_in = data.get("types", {}), data.get("blox", [])
    conns_in = data.get("connections", [])
    _require(isinstance(types_in, Mapping), "'types' must be an object")
    _require(isinstance(blox_in, list) and len(blox_in) <= MAX_BLOX,
             f"'blox' must be a list of at most {MAX_BLOX}")
    _require(isinstance(conns_in, list) and len(conns_in) <= MAX_CONNECTIONS,
             f"'connections' must be a list of at most {MAX_CONNECTIONS}")
    catalog = _catalog()
    types = {} if _types is None else _types
    for key, spec in (types_in.items() if _types is None else ()):
        _require(isinstance(spec, Mapping), f"type {key!r} must be an object")
        try:
            t = BloxType.from_dict(spec)
        except NbbloxError as exc:
            raise CircuitError(f"invalid circuit file: blox type {spec.get('name')!r}: {exc}") from None
        except (TypeError, ValueError, KeyError, AttributeError) as exc:
            # a shape the field checks did not foresee: still a refusal, never a traceback
            raise CircuitError(f"invalid circuit file: blox type {spec.get('name')!r}: "
                               f"{type(exc).__name__}: {exc}") from None
        known = catalog.get(t.name)
        # keep catalog identity so the builder palette and to_code() name it
        types[key] = known if known is not None and known.key == t.key else t
    _require(isinstance(data.get("name", "circuit"), str), "'name' must be text")
    circuit = cls(name=data.get("name", "circuit"))
    for item in blox_in:
        _require(isinstance(item, Mapping) and isinstance(item.get("name"), str),
                 "each blox needs a 'name'")
        t = types.get(item.get("type"))
        _require(t is not None, f"blox {item['name']!r} has unknown type {item.get('type')!r}")
        params, init = item.get("params", {}), item.get("init", {})
        _require(isinstance(params, Mapping) and isinstance(init, Mapping),
                 f"blox {item['name']!r}: 'params' and 'init' must be objects")
        try:
            circuit.add(Blox(t, name=item["name"], init=init, **params))
        except (ParameterError, TypeError) as exc:
            raise CircuitError(f"invalid circuit file: blox {item['name']!r}: {exc}") from None
    if "composites" in data:
        from .composite_io import composites_from_dict
        composites_from_dict(cls, circuit, data, types, _depth)
    pops_in, projs_in = data.get("populations", []), data.get("projections", [])
    _require(isinstance(pops_in, list) and isinstance(projs_in, list),
             "'populations' and 'projections' must be lists")
    for item in pops_in:
        _require(isinstance(item, Mapping) and isinstance(item.get("name"), str),
                 "each population needs a 'name'")
        t = types.get(item.get("type"))
        _require(t is not None, f"population {item['name']!r} has unknown type {item.get('type')!r}")
        params, init, n = item.get("params", {}), item.get("init", {}), item.get("n")
        _require(isinstance(params, Mapping) and isinstance(init, Mapping),
                 f"population {item['name']!r}: 'params' and 'init' must be objects")
        _require(isinstance(n, int) and 1 <= n <= MAX_BLOX * 50,
                 f"population {item['name']!r}: 'n' must be a positive whole number")
        circuit.add(Population(t, n, item["name"], init=init, **params))
    for k in projs_in:
        _require(isinstance(k, Mapping), "each projection must be an object")
        for f in ("src", "dst"):
            _require(isinstance(k.get(f), str), f"projection needs a '{f}' name")
        rule = {f: k[f] for f in ("p", "seed", "i", "j", "condition") if f in k}
        _require(("p" in rule) != ("i" in rule), "a projection needs either 'p' or 'i'/'j'")
        if "seed" in rule:
            _require(isinstance(rule["seed"], int), "projection 'seed' must be an integer")
        circuit.connect(k["src"], k["dst"], k.get("weight", 1.0), k.get("delay", 0.0),
                        on_pre=k.get("on_pre"), output=k.get("output") or None,
                        input=k.get("input") or None, autapses=bool(k.get("autapses", True)),
                        plasticity=k.get("plasticity"), name=k.get("name"), **rule)
    for k in conns_in:
        _require(isinstance(k, Mapping), "each connection must be an object")
        for f in ("src", "dst"):
            _require(isinstance(k.get(f), str), f"connection needs a '{f}' name")
        circuit.connect(k["src"], k["dst"], k.get("weight", 1.0), k.get("delay", 0.0),
                        output=k.get("output") or None, input=k.get("input") or None,
                        unit=k.get("unit") or None)
    if any(f in data for f in ("inputs", "outputs", "promote", "template")):
        from .composite_io import extras_from_dict
        extras_from_dict(circuit, data)
    return circuit


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
        from .composite_io import composite_to_code   # one builder function per template
        return composite_to_code(circuit, var)
    lines = ["import nbblox as nb", ""]
    type_var = {}
    if circuit.populations or circuit.projections:
        lines.insert(0, "import numpy as np")
    lines += type_lines(circuit, type_var)
    lines.append("")
    lines.append(f"{var} = nb.Circuit(name={circuit.name!r})")
    lines += member_lines(circuit, var, type_var) + wire_lines(circuit, var)
    if circuit.inputs or circuit.outputs or circuit.promoted:
        from .composite_io import port_lines
        lines += port_lines(circuit, var)
    return "\n".join(lines) + "\n"


def type_lines(circuit, type_var):
    """``T0 = nb.BloxType.from_dict(...)`` for every non-catalog type (fills type_var)."""
    catalog = _catalog()
    lines = []
    for _, b in circuit.walk():
        t = b.type
        if t.key in type_var:
            continue
        # types of one key may differ in defaults: values are written against this one
        type_var[(t.key, "type")] = t
        if catalog.get(t.name) is t or (t.name in catalog and catalog[t.name].key == t.key
                                        and catalog[t.name].to_dict() == t.to_dict()):
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
    from .wiring import rule_for
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
