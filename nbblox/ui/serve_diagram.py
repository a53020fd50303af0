"""The circuit diagram of a dashboard, rendered to Bokeh once per circuit.

Every served session builds its own dashboard, and the circuit diagram was
the most expensive part of that build: HoloViews turns the five-layer overlay
of :func:`~nbblox.ui.dashboard_views.circuit_diagram` into Bokeh models in
about 0.7 s, half of a session's Bokeh build, and identically for every
session of the same circuit.  Here HoloViews renders it once; the figure is
kept as Bokeh's serialized form (plain data), and each session gets a fresh
copy decoded from it (about 0.2 s) under fresh model ids -- no Bokeh model is
ever shared between two documents.  The diagram is static (no streams, no
Python callbacks), so the copy is the same figure.

The cache key is the circuit's JSON: a different name, blox, type, weight or
parameter is a different entry; at most :data:`MAX_CIRCUITS` circuits are
kept (uploads add entries), least recently used first out.
"""
from __future__ import annotations

import threading
from collections import OrderedDict

__all__ = ["diagram_figure", "diagram_pane", "MAX_CIRCUITS"]

MAX_CIRCUITS = 16

_lock = threading.Lock()
_cache: OrderedDict[str, dict] = OrderedDict()


def _render(circuit):
    """The serialized Bokeh figure of the circuit's diagram."""
    import holoviews as hv
    from bokeh.core.serialization import Serializer
    from .dashboard_views import circuit_diagram
    fig = hv.render(circuit_diagram(circuit), backend="bokeh")
    return Serializer(deferred=False).serialize(fig).content


def _fresh_ids(rep):
    """``rep`` with every model id replaced by a new one (a copy)."""
    from bokeh.util.serialization import make_id
    new = {}

    def walk(x):
        if isinstance(x, dict):
            out = {k: walk(v) for k, v in x.items()}
            if isinstance(out.get("id"), str) and (x.get("type") == "object" or len(x) == 1):
                out["id"] = new.setdefault(x["id"], make_id())
            return out
        if isinstance(x, list):
            return [walk(v) for v in x]
        return x
    return walk(rep)


def _key(circuit):
    try:
        return circuit.to_json()
    except Exception:        # a circuit JSON cannot express: render it every time
        return None


def diagram_figure(circuit):
    """A new Bokeh figure of ``circuit``'s diagram (the HoloViews one of
    :func:`~nbblox.ui.dashboard_views.circuit_diagram`, rendered once per
    circuit and decoded afresh for each call).

    Examples
    --------
    >>> import nbblox as nb
    >>> a, b = nb.blox.FitzHughNagumo(name="a"), nb.blox.FitzHughNagumo(name="b")
    >>> c = nb.Circuit([a, b], name="ab")
    >>> _ = c.connect(a, b, weight=0.5)
    >>> f1, f2 = diagram_figure(c), diagram_figure(c)
    >>> f1 is f2, f1.id == f2.id, len(f1.renderers) == len(f2.renderers)
    (False, False, True)
    """
    from bokeh.core.serialization import Deserializer
    key = _key(circuit)
    with _lock:
        rep = _cache.get(key) if key is not None else None
        if rep is not None:
            _cache.move_to_end(key)
    if rep is None:
        rep = _render(circuit)
        if key is not None:
            with _lock:
                _cache[key] = rep
                while len(_cache) > MAX_CIRCUITS:
                    _cache.popitem(last=False)
    return Deserializer().deserialize(_fresh_ids(rep))


def diagram_pane(circuit):
    """A Panel pane holding a new copy of the circuit's diagram figure."""
    import panel as pn
    return pn.pane.Bokeh(diagram_figure(circuit))
