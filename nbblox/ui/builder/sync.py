"""The circuit builder's sync model: the Circuit on the canvas, as edit operations.

Transport-free (no anywidget, no Panel): :class:`BuilderModel` owns the
:class:`~nbblox.model.Circuit`, the canvas positions and the edge ids, and
speaks small JSON operations.  The front end sends *edits* (a list of ops
applied atomically, one undo step) and *commands*; the model validates
everything through the core (names, parameter hard bounds, ports), mutates
the circuit, and broadcasts the canonical ops to every subscribed view as
``{"type": "applied", "seq", "view", "rev", "ops"}`` or, if anything is
refused, ``{"type": "rejected", ...}`` with the core's message and the
circuit untouched.

Ops (JSON, same vocabulary in both directions)::

    add_type    {info}                             a non-catalog blox type
    add_node    {name, type, params, x, y}         type = BloxType.key
    remove_node {name}                             (its edges are removed first)
    rename      {name, new}
    set_params  {name, params: {p: value}}
    move        {name, x, y}
    positions   {pos: {name: [x, y]}}
    add_edge    {id, src, dst, weight, delay, output, input}
    remove_edge {id}
    set_edge    {id, weight?, delay?}

Changes made from Python straight on the Circuit (``c.add``, ``c.connect``,
``b.params[...] = v``) are found by :meth:`BuilderModel.sync`, which diffs
the circuit against what the views were last told.
"""
from __future__ import annotations

from ...exceptions import CircuitError, NbbloxError
from ...model import Circuit
from .composites import CompositesMixin
from .layout import auto_layout, free_spot, type_info
from .ops import OpsMixin

__all__ = ["BuilderModel"]

MAX_HISTORY = 200


class BuilderModel(OpsMixin, CompositesMixin):
    """Circuit + positions + edge ids + undo history, driven by JSON ops.

    Parameters
    ----------
    circuit : Circuit, optional
        Edited in place (``model.circuit is circuit``).
    positions : dict, optional
        ``{blox name: (x, y)}``; missing blox are laid out automatically.

    Examples
    --------
    >>> import nbblox as nb
    >>> m = BuilderModel()
    >>> out = []; m.subscribe(out.append)
    >>> key = nb.blox.WilsonCowan.key
    >>> m.handle({"type": "edit", "seq": 1, "view": "v", "ops": [
    ...     {"op": "add_node", "name": "a", "type": key, "x": 0, "y": 0},
    ...     {"op": "add_node", "name": "b", "type": key, "x": 200, "y": 0},
    ...     {"op": "add_edge", "src": "a", "dst": "b", "weight": 2}]})
    >>> [(k.src, k.dst, k.weight) for k in m.circuit.connections], out[-1]["type"]
    ([('a', 'b', 2.0)], 'applied')
    """

    def __init__(self, circuit=None, positions=None):
        self._subscribers = []
        self.messages = []          # (level, text) shown to the user, newest last
        self.reset(circuit if circuit is not None else Circuit(), positions, broadcast=False)

    # -- plumbing -------------------------------------------------------------
    def subscribe(self, send):
        """Call ``send(msg_dict)`` for every message to the views."""
        self._subscribers.append(send)

    def _broadcast(self, msg):
        for send in list(self._subscribers):
            send(msg)

    def message(self, text, level="info", view=None):
        """Show ``text`` in the views' message bar (and keep it in ``messages``)."""
        self.messages.append((level, text))
        del self.messages[:-50]
        self._broadcast({"type": "message", "level": level, "text": text, "view": view})

    def reset(self, circuit, positions=None, broadcast=True):
        """Show another circuit (laid out automatically where no position is given)."""
        if not isinstance(circuit, Circuit):
            raise CircuitError(f"the builder shows a Circuit, not {type(circuit).__name__}")
        self.circuit = circuit
        self.rev = getattr(self, "rev", 0) + 1
        self._edges = {}            # edge id -> Connection (identity matters)
        self._next_edge = 0
        self._nodes = {}            # mirror: name -> (Blox, type key, params copy)
        self._types = {}            # type key -> BloxType known to the views
        self.undo_stack, self.redo_stack = [], []
        self.expanded = set()       # composites shown open (nbblox.ui.builder.composites)
        pos = {k: tuple(map(float, v)) for k, v in (positions or {}).items()
               if isinstance(k, str) and k in circuit}
        missing = [n for n in list(circuit.blox) + list(circuit.composites) if n not in pos]
        if missing:
            laid = auto_layout(circuit)
            pos.update({n: laid[n] for n in missing})
        self.positions = pos
        for b in circuit.blox.values():
            self._remember_node(b)
        for k in circuit.connections:
            self._edges[self._new_edge_id()] = k
        self._mirror_edges = {e: self._edge_fields(k) for e, k in self._edges.items()}
        self._comp_sig = self._composite_signature()
        if broadcast:
            self._broadcast({"type": "snapshot", "view": None, "state": self.snapshot()})

    def snapshot(self):
        """The whole canvas state as plain data (sent to a view that joins late)."""
        nodes = [{"name": n, "type": b.type.key, "params": dict(b.params),
                  "x": self.positions[n][0], "y": self.positions[n][1]}
                 for n, b in self.circuit.blox.items()]
        comp_types, comp_nodes = self._composite_nodes()
        edges = [dict(id=e, **self._edge_fields(k, as_dict=True)) for e, k in self._edges.items()]
        types = {key: type_info(t) for key, t in self._types.items()}
        types.update(comp_types)
        return {"name": self.circuit.name, "rev": self.rev, "nodes": nodes + comp_nodes,
                "edges": edges + self._inner_edges(), "types": types}

    def transaction(self, ops):
        """Apply ``ops`` all or nothing; return (canonical, inverse) op lists."""
        if not isinstance(ops, list) or not ops:
            raise CircuitError("an edit must be a non-empty list of operations")
        canon, inverse = [], []
        order = list(self.circuit.blox)
        try:
            for op in ops:
                c, inv = self._apply(op)
                canon += c
                inverse = inv + inverse
        except Exception:
            for inv in inverse:     # roll back what this edit already did
                self._apply(inv)
            blox = self.circuit.blox    # ... and keep the blox in their order
            if sorted(blox) == sorted(order):
                kept = dict(blox)
                blox.clear()
                blox.update((n, kept[n]) for n in order)
            raise
        if canon:
            self.rev += 1
        return canon, inverse

    @staticmethod
    def _public(ops):
        return [{k: v for k, v in op.items() if not k.startswith("_") and k != "index"}
                for op in ops]

    def edit(self, ops, *, seq=None, view=None, label="edit", record=True):
        """Apply one edit from a view or from Python and broadcast the result.

        Returns True if applied; on a refusal the circuit is unchanged, the
        error is shown and a ``rejected`` message is broadcast.
        """
        self.sync()
        try:
            canon, inverse = self.transaction(ops)
        except (NbbloxError, TypeError, ValueError, KeyError) as exc:
            text = (str(exc.args[0]) if isinstance(exc, KeyError) and exc.args else str(exc)) \
                or type(exc).__name__
            self.messages.append(("error", text))
            self._broadcast({"type": "rejected", "seq": seq, "view": view, "error": text})
            return False
        if record and canon:
            self.undo_stack.append((label, inverse))
            del self.undo_stack[:-MAX_HISTORY]
            self.redo_stack.clear()
        self._broadcast({"type": "applied", "seq": seq, "view": view, "rev": self.rev,
                         "ops": self._public(canon)})
        return True

    def _replay(self, src, dst, what, seq, view):
        self.sync()
        if not src:
            self._broadcast({"type": "applied", "seq": seq, "view": view, "rev": self.rev,
                             "ops": []})
            self.message(f"nothing to {what}", view=view)
            return False
        label, ops = src.pop()
        try:
            canon, inverse = self.transaction(ops)
        except NbbloxError as exc:
            self._broadcast({"type": "rejected", "seq": seq, "view": view,
                             "error": f"cannot {what} '{label}': {exc}"})
            return False
        dst.append((label, inverse))
        self._broadcast({"type": "applied", "seq": seq, "view": view, "rev": self.rev,
                         "ops": self._public(canon)})
        return True

    def undo(self, seq=None, view=None):
        """Undo the last edit made on the canvas or through the builder."""
        return self._replay(self.undo_stack, self.redo_stack, "undo", seq, view)

    def redo(self, seq=None, view=None):
        """Redo the last undone edit."""
        return self._replay(self.redo_stack, self.undo_stack, "redo", seq, view)

    def layout(self, kind="auto", seq=None, view=None):
        """Lay the canvas out again (networkx); one undoable edit."""
        pos = auto_layout(self.circuit, kind=kind)
        return self.edit([{"op": "positions", "pos": {n: list(v) for n, v in pos.items()}}],
                         seq=seq, view=view, label="layout")

    # -- Python-side changes ------------------------------------------------------
    def sync(self):
        """Send the views whatever changed on the Circuit since they were told.

        Returns the list of ops sent (empty if the canvas was up to date).
        """
        c, ops = self.circuit, []
        present = {id(k): k for k in c.connections}
        for eid, k in list(self._edges.items()):
            f = self._edge_fields(k)
            old = self._mirror_edges.get(eid)
            moved = old is not None and (f[0], f[1], f[4], f[5]) != (old[0], old[1], old[4], old[5])
            if id(k) not in present or moved or k.src not in c or k.dst not in c:
                del self._edges[eid]
                self._mirror_edges.pop(eid, None)
                ops.append({"op": "remove_edge", "id": eid})
        shown = self._shown_blox()
        for name, (b, key, params) in list(self._nodes.items()):
            if shown.get(name) is not b or b.type.key != key:
                del self._nodes[name]
                self.positions.pop(name, None)
                ops.append({"op": "remove_node", "name": name})
        for name, b in shown.items():
            if name not in self._nodes:
                if b.type.key not in self._types:
                    ops.append({"op": "add_type", "info": type_info(b.type)})
                x, y = self.positions.get(name) or free_spot(self.positions)
                self.positions[name] = (x, y)
                self._remember_node(b, name)
                ops.append({"op": "add_node", "name": name, "type": b.type.key,
                            "params": dict(b.params), "x": x, "y": y,
                            **({"group": name.split(".", 1)[0]} if "." in name else {})})
            else:
                changed = {p: v for p, v in b.params.items() if self._nodes[name][2].get(p) != v}
                if changed:
                    self._remember_node(b, name)
                    ops.append({"op": "set_params", "name": name, "params": changed})
        known = {id(k) for k in self._edges.values()}
        for k in c.connections:
            if id(k) not in known and k.src in c and k.dst in c:
                eid = self._new_edge_id()
                self._edges[eid] = k
                self._mirror_edges[eid] = self._edge_fields(k)
                ops.append(dict(op="add_edge", id=eid, **self._edge_fields(k, as_dict=True)))
        for eid, k in self._edges.items():
            f, old = self._edge_fields(k), self._mirror_edges[eid]
            if f[2:4] != old[2:4]:
                self._mirror_edges[eid] = f
                ops.append({"op": "set_edge", "id": eid, "weight": f[2], "delay": f[3]})
        if self._composite_signature() != self._comp_sig:   # composites added or removed
            self.expanded &= set(c.composites)
            self._comp_sig = self._composite_signature()
            self.rev += 1
            self._broadcast({"type": "snapshot", "view": None, "state": self.snapshot()})
            return ops or [{"op": "snapshot"}]
        if ops:
            self.rev += 1
            self._broadcast({"type": "applied", "seq": None, "view": None, "rev": self.rev,
                             "ops": ops})
        return ops

    # -- messages from a view -------------------------------------------------------
    def handle(self, msg):
        """Process one message from a view (``edit`` or ``cmd``); never raises
        for bad input: it answers with ``rejected`` / an error message."""
        if not isinstance(msg, dict):
            self.message(f"ignored a malformed message from the canvas: {msg!r:.80}", "error")
            return
        seq, view = msg.get("seq"), msg.get("view")
        seq = seq if isinstance(seq, int) and not isinstance(seq, bool) else None
        view = view if isinstance(view, str) else None
        try:
            self._handle(msg, seq, view)
        except Exception as exc:     # the promise above: a bad message is an answer, not a raise
            text = f"could not apply that change ({type(exc).__name__}: {exc})"
            self.messages.append(("error", text))
            self._broadcast({"type": "rejected", "seq": seq, "view": view, "error": text})

    def _handle(self, msg, seq, view):
        kind = msg.get("type")
        if kind == "edit":
            ops = msg.get("ops")
            if isinstance(ops, list):   # fields starting with '_' are the builder's own (undo)
                ops = [{k: v for k, v in op.items() if not str(k).startswith("_")}
                       if isinstance(op, dict) else op for op in ops]
            self.edit(ops, seq=seq, view=view, label=str(msg.get("label", "edit")))
        elif kind == "cmd":
            cmd = msg.get("cmd")
            if cmd == "undo":
                self.undo(seq, view)
            elif cmd == "redo":
                self.redo(seq, view)
            elif cmd == "toggle":
                self.toggle(msg.get("name"), seq, view)
            elif cmd == "layout":
                self.layout(str(msg.get("kind", "auto")), seq=seq, view=view)
            elif cmd == "hello":
                self.sync()
                self._broadcast({"type": "snapshot", "view": view, "seq": seq,
                                 "state": self.snapshot()})
            else:
                self._broadcast({"type": "rejected", "seq": seq, "view": view,
                                 "error": f"unknown command {cmd!r}"})
        else:
            self._broadcast({"type": "rejected", "seq": seq, "view": view,
                             "error": f"unknown message type {kind!r}"})

