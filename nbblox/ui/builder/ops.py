"""The circuit builder's edit operations, one method per op.

Each ``_op_<name>(op)`` validates through the core (Blox names, parameter
hard bounds, ports of Circuit.connect), raises before mutating anything,
applies the change to the Circuit, the positions and the views' mirror, and
returns ``(canonical ops, inverse ops)``: the canonical ops go to every view,
the inverse ops are what undo (and rollback of a refused edit) apply.
Mixed into :class:`~nbblox.ui.builder.sync.BuilderModel`.
"""
from __future__ import annotations


from ...exceptions import CircuitError
from ...model import Blox
from ...model.params import check_value, finite
from .layout import type_info

__all__ = ["OpsMixin", "EDIT_OPS", "CANONICAL_OPS"]


#: The edit operations a front end may send; each is ``OpsMixin._op_<name>``.
EDIT_OPS = ("add_node", "remove_node", "rename", "set_params", "move", "positions",
            "add_edge", "remove_edge", "set_edge")
#: What a front end must apply (``applyOps`` in widgets/circuit_builder.js): the edit
#: operations, plus ``add_type``, which Python sends before a node of a type new to the
#: canvas.  tests/ui/test_builder_ops.py checks both lists against the code.
CANONICAL_OPS = ("add_type",) + EDIT_OPS


class OpsMixin:
    """Apply one op to ``self.circuit`` / ``self.positions`` (see the module doc)."""

    # -- identities -------------------------------------------------------------
    def _new_edge_id(self):
        while f"e{self._next_edge}" in self._edges:
            self._next_edge += 1
        self._next_edge += 1
        return f"e{self._next_edge - 1}"

    def _edge_fields(self, k, as_dict=False):
        f = (k.src, k.dst, float(k.weight), float(k.delay), k.output, k.input)
        if as_dict:
            d = dict(zip(("src", "dst", "weight", "delay", "output", "input"), f))
            # a member of a closed composite is drawn as the composite's block
            d["src"], d["dst"] = self._visible(k.src), self._visible(k.dst)
            if getattr(k, "unit", ""):
                d["unit"] = k.unit      # the weight's unit (undo/redo must keep it)
            return d
        return f

    def _remember_node(self, b, name=None):
        # name: the canvas name (a member of an open composite is shown by its path)
        self._nodes[name or b.name] = (b, b.type.key, dict(b.params))
        self._types.setdefault(b.type.key, b.type)

    def _index(self, eid):
        k = self._edges.get(eid)
        if k is None and isinstance(eid, str) and "#" in eid:
            raise CircuitError(f"this connection is inside composite '{eid.split('.')[0]}'; "
                               "change the composite's wiring from Python")
        if k is None:
            raise CircuitError(f"there is no connection with id {eid!r} (it may have been "
                               "deleted meanwhile)")
        for i, c in enumerate(self.circuit.connections):
            if c is k:
                return i, k
        raise CircuitError(f"connection {eid!r} is no longer in the circuit")

    def _resolve_type(self, key):
        from ...model.library import CATALOG
        if key in self._types:
            return self._types[key]
        for t in CATALOG.values():
            if key in (t.key, t.name):
                return t
        raise CircuitError(f"unknown blox type {key!r}; the palette lists the catalog")

    # -- applying ops -------------------------------------------------------------
    def _apply(self, op):
        """Apply one op; return (canonical ops, inverse ops).  Raises before mutating."""
        if not isinstance(op, dict) or not isinstance(op.get("op"), str):
            raise CircuitError(f"malformed edit: {op!r}")
        if op["op"] not in EDIT_OPS:
            raise CircuitError(f"unknown edit operation {op['op']!r}; the builder's are "
                               f"{', '.join(EDIT_OPS)}")
        return getattr(self, "_op_" + op["op"])(op)

    def _name_of(self, op, key="name"):
        """A name on the canvas: a blox, a composite or a member of an open one."""
        name = op.get(key)
        if not isinstance(name, str) or (name not in self.circuit.blox
                                         and name not in self.positions):
            raise CircuitError(f"blox {name!r} is not on the canvas")
        return name

    def _op_add_node(self, op):
        name = op.get("name")
        if not isinstance(name, str):
            raise CircuitError("a new blox needs a name")
        if name in self.circuit.blox or name in self.circuit.composites:
            raise CircuitError(f"the circuit already has a blox named '{name}'; "
                               "pick another name")
        b = op.get("_blox")
        if b is None:
            t = self._resolve_type(op.get("type"))
            params = op.get("params") or {}
            if not isinstance(params, dict):
                raise CircuitError("'params' must be an object")
            b = Blox(t, name=name, **params)
        x = finite(op.get("x", 0.0), "x", CircuitError)
        y = finite(op.get("y", 0.0), "y", CircuitError)
        ops = [] if b.type.key in self._types else [{"op": "add_type", "info": type_info(b.type)}]
        self.circuit.add(b)
        self.positions[name] = (x, y)
        self._remember_node(b)
        ops.append({"op": "add_node", "name": name, "type": b.type.key,
                    "params": dict(b.params), "x": x, "y": y})
        return ops, [{"op": "remove_node", "name": name}]

    def _op_remove_node(self, op):
        name = self._name_of(op)
        self._refuse_inside(name, "delete")
        canon, edge_inverse = [], []
        for eid in [e for e, k in self._edges.items() if name in (k.src, k.dst)][::-1]:
            c, inv = self._op_remove_edge({"id": eid})
            canon += c
            edge_inverse = inv + edge_inverse
        b = self.circuit.blox.pop(name)
        x, y = self.positions.pop(name)
        self._nodes.pop(name, None)
        canon.append({"op": "remove_node", "name": name})
        return canon, [{"op": "add_node", "name": name, "_blox": b, "x": x, "y": y}] + edge_inverse

    def _op_rename(self, op):
        name, new = self._name_of(op), op.get("new")
        self._refuse_inside(name, "rename")
        if not isinstance(new, str) or not new:
            raise CircuitError("the new name must be a non-empty text")
        if new == name:
            return [], []
        if new in self.circuit.blox or new in self.circuit.composites:
            raise CircuitError(f"the circuit already has a blox named '{new}'")
        b = self.circuit.blox[name]
        Blox(b.type, name=new)    # the core's name rules (letters, digits, '_')
        b.name = new              # keep identity: user variables still point at it
        self.circuit.blox = {(new if n == name else n): v for n, v in self.circuit.blox.items()}
        for k in self.circuit.connections:
            k.src = new if k.src == name else k.src
            k.dst = new if k.dst == name else k.dst
        self.positions = {(new if n == name else n): v for n, v in self.positions.items()}
        self._nodes = {(new if n == name else n): v for n, v in self._nodes.items()}
        self._mirror_edges = {e: self._edge_fields(k) for e, k in self._edges.items()}
        return [{"op": "rename", "name": name, "new": new}], \
            [{"op": "rename", "name": new, "new": name}]

    def _op_set_params(self, op):
        name = self._name_of(op)
        b, values = self._member(name), op.get("params")
        if not isinstance(values, dict) or not values:
            raise CircuitError("set_params needs a non-empty 'params' object")
        clean = {}
        for p, v in values.items():
            if p not in b.type.params:
                b.params[p] = v                      # raises the core's "no parameter" error
            clean[p] = check_value(v, p, name, b.type.params[p].hard_bounds)
        old = {p: b.params[p] for p in clean}
        b.params.update(clean)
        self._nodes[name] = (b, b.type.key, dict(b.params))
        return [{"op": "set_params", "name": name, "params": clean}], \
            [{"op": "set_params", "name": name, "params": old}]

    def _op_move(self, op):
        name = self._name_of(op)
        x, y = finite(op.get("x"), "x", CircuitError), finite(op.get("y"), "y", CircuitError)
        ox, oy = self.positions[name]
        self.positions[name] = (x, y)
        return [{"op": "move", "name": name, "x": x, "y": y}], \
            [{"op": "move", "name": name, "x": ox, "y": oy}]

    def _op_positions(self, op):
        pos = op.get("pos")
        if not isinstance(pos, dict):
            raise CircuitError("'pos' must be an object {name: [x, y]}")
        new = {}
        for n, xy in pos.items():
            if n not in self.positions or not isinstance(xy, (list, tuple)) or len(xy) != 2:
                raise CircuitError(f"bad position for {n!r}")
            new[n] = (finite(xy[0], "x", CircuitError), finite(xy[1], "y", CircuitError))
        old = {n: list(self.positions[n]) for n in new}
        self.positions.update(new)
        return [{"op": "positions", "pos": {n: list(v) for n, v in new.items()}}], \
            [{"op": "positions", "pos": old}]

    def _op_add_edge(self, op):
        eid = op.get("id") or self._new_edge_id()
        if not isinstance(eid, str) or eid in self._edges:
            raise CircuitError(f"connection id {eid!r} is already used")
        src, dst = self._name_of(op, "src"), self._name_of(op, "dst")
        before = len(self.circuit.connections)
        self.circuit.connect(src, dst, op.get("weight", 1.0), op.get("delay", 0.0),
                             output=op.get("output") or None, input=op.get("input") or None,
                             unit=op.get("unit") or None)
        # a connection rule may wire more than one (synapse -> neuron also feeds the
        # neuron's V back into V_post): each becomes an edge of its own
        added = self.circuit.connections[before:]
        del self.circuit.connections[before:]
        index = op.get("index")
        canon, inverse = [], []
        for n, k in enumerate(added):
            kid = eid if n == 0 else self._new_edge_id()
            if n == 0 and isinstance(index, int) and 0 <= index <= len(self.circuit.connections):
                self.circuit.connections.insert(index, k)
            else:
                self.circuit.connections.append(k)
            self._edges[kid] = k
            self._mirror_edges[kid] = self._edge_fields(k)
            canon.append(dict(op="add_edge", id=kid, **self._edge_fields(k, as_dict=True)))
            inverse.insert(0, {"op": "remove_edge", "id": kid})
        return canon, inverse

    def _op_remove_edge(self, op):
        eid = op.get("id")
        i, k = self._index(eid)
        del self.circuit.connections[i]
        del self._edges[eid]
        self._mirror_edges.pop(eid, None)
        return [{"op": "remove_edge", "id": eid}], \
            [dict(op="add_edge", id=eid, index=i, **self._edge_fields(k, as_dict=True))]

    def _op_set_edge(self, op):
        eid = op.get("id")
        _, k = self._index(eid)
        who = f"connection {k.src} -> {k.dst}"
        new = {}
        if "weight" in op:
            new["weight"] = finite(op["weight"], f"{who}: weight", CircuitError)
        if "delay" in op:
            new["delay"] = finite(op["delay"], f"{who}: delay", CircuitError)
            if new["delay"] < 0:
                raise CircuitError(f"{who}: delay must be >= 0, got {new['delay']}")
        for port, end, names in (("output", k.src, "outputs"), ("input", k.dst, "inputs")):
            if port in op:
                valid = list(getattr(self.circuit.blox[end].type, names))
                if op[port] not in valid:
                    raise CircuitError(f"{who}: blox '{end}' has no {port} {op[port]!r}; "
                                       f"{names}: {', '.join(valid) or 'none'}")
                new[port] = op[port]
        if not new:
            raise CircuitError("set_edge needs a weight, delay, output or input")
        old = {f: getattr(k, f) for f in new}
        for f, v in new.items():
            setattr(k, f, v)
        self._mirror_edges[eid] = self._edge_fields(k)
        return [dict(op="set_edge", id=eid, **new)], [dict(op="set_edge", id=eid, **old)]
