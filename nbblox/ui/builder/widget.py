"""``nb.CircuitBuilder``: draw a circuit in the notebook, two-way synced with Python.

The front end is one plain ES module (``widgets/circuit_builder.js``, shipped
as ``nbblox/widgets/``) rendered by anywidget in JupyterLab/Notebook and by
``panel.custom.AnyWidgetComponent`` in served dashboards (see
:mod:`nbblox.ui.builder.panel`).  All the state logic lives in the
transport-free :class:`~nbblox.ui.builder.sync.BuilderModel`; this module
owns the widget's traitlets, the comm (messages and the inbox fallback,
routed to the model or to a command), the end-of-cell sync hook and the
Python editing API (``add``, ``connect``, ``undo`` ...).  Files and code
export are :mod:`~nbblox.ui.builder.files`, the Simulate button
:mod:`~nbblox.ui.builder.run`.
"""
from __future__ import annotations

import weakref

import anywidget
import traitlets

from ...exceptions import CircuitError
from ...model import Blox
from .assets import widget_asset
from .files import BuilderFiles
from .layout import palette
from .run import BuilderRun
from .sync import BuilderModel

__all__ = ["CircuitBuilder"]

_LIVE = weakref.WeakSet()
_HOOKED = False


def _post_run_cell(*_):
    for b in list(_LIVE):
        try:
            b.sync()
        except Exception as exc:   # a broken circuit must not break every cell
            b._model.message(f"could not update the canvas: {exc}", "error")


def _hook_ipython():
    global _HOOKED
    if _HOOKED:
        return
    try:
        from IPython import get_ipython
        ip = get_ipython()
    except ImportError:
        ip = None
    if ip is not None:
        ip.events.register("post_run_cell", _post_run_cell)
        _HOOKED = True


class CircuitBuilder(BuilderFiles, BuilderRun, anywidget.AnyWidget):
    """A canvas to draw circuits: palette, drag to add and connect, side panel.

    ``builder.circuit`` is always the Circuit on the canvas: edits made on the
    canvas change it at once, and changes made to it from Python (``add``,
    ``connect``, ``params[...] =``) reach the canvas at the end of the cell
    (or at once through :meth:`sync`).

    Parameters
    ----------
    circuit : Circuit, optional
        Edited in place; a new empty circuit by default.
    positions : dict, optional
        ``{name: (x, y)}``; blox without one are laid out automatically.
    t_end : float
        Duration (ms) of the Simulate button's run.
    height : int
        Height of the widget in pixels.

    Examples
    --------
    >>> import nbblox as nb
    >>> b = nb.CircuitBuilder()
    >>> b.add("WilsonCowan", name="e1"); b.add("WilsonCowan", name="e2")
    >>> b.connect("e1", "e2", weight=2.0)
    >>> b.circuit.connections[0].weight, len(b.circuit)
    (2.0, 2)
    >>> b.undo(); len(b.circuit.connections)
    0
    """

    _esm = widget_asset("circuit_builder.js")
    _css = widget_asset("circuit_builder.css")
    palette = traitlets.List().tag(sync=True)
    snapshot = traitlets.Dict().tag(sync=True)
    # fallback channel for front ends without model.send (Panel): the unacknowledged
    # messages of a view, processed once each by seq
    inbox = traitlets.List().tag(sync=True)
    t_end = traitlets.Float(200.0).tag(sync=True)
    height = traitlets.Int(560).tag(sync=True)

    def __init__(self, circuit=None, *, positions=None, t_end=200.0, height=560, **kw):
        super().__init__(palette=palette(), t_end=float(t_end), height=int(height), **kw)
        self._model = BuilderModel(circuit, positions)
        self._seen = {}
        self._results = None
        self.solution = None
        self._model.subscribe(self._to_views)
        self.snapshot = self._model.snapshot()
        self.on_msg(self._on_msg)
        self.observe(self._on_inbox, names="inbox")
        _LIVE.add(self)
        _hook_ipython()

    # -- transport ------------------------------------------------------------------
    def _to_views(self, msg):
        if msg.get("type") == "snapshot" and msg.get("view") is None:
            self.snapshot = msg["state"]
        if self.comm is not None:
            self.send(msg)

    def _on_msg(self, _widget, content, _buffers=None):
        self._receive(content)

    def _on_inbox(self, change):
        self._receive_inbox(change["new"])

    def _receive_inbox(self, messages):
        """Handle a view's resent list of unacknowledged messages, each once."""
        for msg in messages or []:
            if isinstance(msg, dict):
                view, seq = msg.get("view"), msg.get("seq")
                view = view if isinstance(view, str) else None    # a dict key: hashable
                if isinstance(seq, int) and seq <= self._seen.get(view, 0):
                    continue            # already handled (the inbox resends until acked)
                if isinstance(seq, int):
                    self._seen[view] = seq
            self._receive(msg)

    def _receive(self, msg):
        try:
            return self._route(msg)
        except Exception as exc:   # a message from the page never raises into the kernel
            self._model.message(f"could not handle a message from the canvas "
                                f"({type(exc).__name__})", "error")

    def _route(self, msg):
        if isinstance(msg, dict) and msg.get("type") == "cmd":
            cmd = msg.get("cmd")
            if cmd == "simulate":
                return self._simulate_from_view(msg)
            if cmd == "load_json":
                return self._load_from_view(msg)
            if cmd == "save_json":
                return self._send_download(msg, "circuit.json", "application/json",
                                           self.to_json())
            if cmd == "code":
                return self._send_download(msg, "circuit.py", "text/x-python", self.to_code())
        self._model.handle(msg)

    def _ack(self, msg):
        self._model._broadcast({"type": "applied", "seq": msg.get("seq"), "view": msg.get("view"),
                                "rev": self._model.rev, "ops": []})

    def _send_download(self, msg, filename, mime, text):
        self._ack(msg)
        self._model._broadcast({"type": "download", "view": msg.get("view"),
                                "filename": filename, "mime": mime, "text": text})

    # -- the circuit ---------------------------------------------------------------
    @property
    def circuit(self):
        """The Circuit on the canvas (the same object, edited in place)."""
        return self._model.circuit

    @circuit.setter
    def circuit(self, circuit):
        self._model.reset(circuit)

    @property
    def positions(self):
        """``{blox name: (x, y)}`` on the canvas."""
        return dict(self._model.positions)

    @property
    def messages(self):
        """Recent ``(level, text)`` messages shown in the widget, newest last."""
        return list(self._model.messages)

    def sync(self):
        """Push changes made to :attr:`circuit` from Python to the canvas now."""
        return self._model.sync()

    def _edit(self, ops, label):
        if not self._model.edit(ops, label=label):
            raise CircuitError(self._model.messages[-1][1])

    def add(self, blox, name=None, *, x=None, y=None, **params):
        """Add a blox (a Blox, a BloxType or a catalog name) to the canvas.

        Raises CircuitError/ParameterError (and shows it) if refused.
        """
        from ...model.library import CATALOG
        from .layout import free_spot
        if isinstance(blox, str):
            if blox not in CATALOG:
                from ...exceptions import suggest
                raise CircuitError(f"no blox type '{blox}' in the catalog." + suggest(blox, CATALOG))
            blox = CATALOG[blox]
        if not isinstance(blox, Blox):
            blox = blox(name=name, **params)
        elif name is not None or params:
            raise CircuitError("pass either a Blox or a type with name/params, not both")
        fx, fy = free_spot(self._model.positions)
        self._edit([{"op": "add_node", "name": blox.name, "_blox": blox,
                     "x": fx if x is None else x, "y": fy if y is None else y}], f"add {blox.name}")

    def connect(self, src, dst, weight=1.0, delay=0.0, *, output=None, input=None):
        """Connect two blox on the canvas (as :meth:`Circuit.connect`); undoable."""
        name = lambda b: b.name if isinstance(b, Blox) else b  # noqa: E731
        self._edit([{"op": "add_edge", "src": name(src), "dst": name(dst), "weight": weight,
                     "delay": delay, "output": output, "input": input}],
                   f"connect {name(src)} -> {name(dst)}")

    def set(self, name, **params):
        """Set parameters of one blox, e.g. ``builder.set("e1", P=1.5)``; undoable."""
        self._edit([{"op": "set_params", "name": name, "params": params}], f"set {name}")

    def remove(self, name):
        """Remove a blox and its connections; undoable."""
        self._edit([{"op": "remove_node", "name": name}], f"remove {name}")

    def rename(self, name, new):
        """Rename a blox (the Blox object keeps its identity); undoable."""
        self._edit([{"op": "rename", "name": name, "new": new}], f"rename {name}")

    def undo(self):
        """Undo the last edit (canvas or builder method)."""
        self._model.undo()

    def redo(self):
        """Redo the last undone edit."""
        self._model.redo()

    def panel(self, **params):
        """This builder as a Panel component (same canvas, same Circuit), for
        ``panel serve`` apps and dashboards; see :mod:`nbblox.ui.builder.panel`."""
        from .panel import builder_component
        return builder_component(self, **params)

    def layout(self, kind="auto"):
        """Lay the canvas out again: ``"auto"``, ``"spring"`` or ``"circular"``."""
        self._model.layout(kind)
