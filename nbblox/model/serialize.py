"""Circuit <-> plain data (JSON); Python code is :mod:`.circuit_code`.

The composite-specific fields (nested ``"composites"``, ``"inputs"``, ``"outputs"``,
``"promote"``, ``"template"``, schema version 2) are read here with the rest, so a
composite is validated exactly like a top-level circuit.  :class:`~.circuit.Circuit`
builds on this module (its ``to_dict``/``from_json``), never the reverse: the reader
creates circuits through the class it is given.

Loading is defensive: a circuit file may come from anyone, so the schema and
version are checked, every field is validated, sizes are bounded, and
equation text goes back through the AST-whitelist parser.  Nothing is run.
"""
from __future__ import annotations

from collections.abc import Mapping

from ..exceptions import CircuitError, NbbloxError, ParameterError
from .blox import Blox, BloxType
from .composite import check_member_name
from .population import Population

__all__ = ["SCHEMA", "SCHEMA_VERSION", "circuit_from_dict", "circuit_to_dict", "body_dict",
           "uses_composites"]

SCHEMA = "nbblox.circuit"
SCHEMA_VERSION = 2   # files without composites are still written as version 1
MAX_BLOX = 200_000
MAX_CONNECTIONS = 10_000_000
MAX_DEPTH = 32   # nesting of composites


def _require(cond, msg):
    if not cond:
        raise CircuitError("invalid circuit file: " + msg)


def catalog():
    """The blox catalog (imported on first use: it is large)."""
    from . import library
    return library.CATALOG


def circuit_from_dict(cls, data, _types=None, _depth=0):
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
    known_types = catalog()
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
        known = known_types.get(t.name)
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
        _composites_from_dict(cls, circuit, data, types, _depth)
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
        _extras_from_dict(circuit, data)
    return circuit


def _composites_from_dict(cls, parent, data, types, depth=0):
    """Add the composites listed in ``data`` to ``parent`` (validated like the
    top level, sharing its parsed type table)."""
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


def _extras_from_dict(circuit, data):
    """Ports and promotions of one level, checked as when declared in code."""
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


# -- writing ---------------------------------------------------------------------------
def circuit_to_dict(circuit):
    """``Circuit.to_dict``: the types once at the top, then :func:`body_dict`."""
    types = {}
    for _, b in circuit.walk():
        types.setdefault(b.type.key, b.type.to_dict())
    # version 2 only when composite features are used, so plain circuits
    # stay readable by an nbblox that predates composites
    version = 2 if uses_composites(circuit) else 1
    return {"schema": SCHEMA, "version": version, "name": circuit.name, "types": types,
            **body_dict(circuit)}


def body_dict(circuit):
    """Members, connections, ports and nested composites of one level (types live at
    the top)."""
    d = {"blox": [b.to_dict() for b in circuit.blox.values()],
         "connections": [k.to_dict() for k in circuit.connections]}
    if circuit.populations:
        d["populations"] = [pp.to_dict() for pp in circuit.populations.values()]
    if circuit.projections:
        d["projections"] = [k.to_dict() for k in circuit.projections]
    if circuit.composites:
        d["composites"] = [{"name": sub.name, **body_dict(sub)}
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


def uses_composites(circuit):
    """True if the circuit (or anything in it) has composites, ports or promotions."""
    return bool(circuit.composites or circuit.inputs or circuit.outputs or circuit.promoted
                or circuit.template)
