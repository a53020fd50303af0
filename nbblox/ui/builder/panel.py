"""The circuit builder inside Panel apps (``panel serve``, dashboards).

Uses ``panel.custom.AnyWidgetComponent`` with the very same ES module as the
notebook widget (no CDN: ``pn.pane.IPyWidget`` would fetch anywidget from
unpkg).  The component is a second view of a
:class:`~nbblox.ui.builder.CircuitBuilder`'s sync model, so a notebook
canvas and a served one edit the same Circuit.  Panel's anywidget shim has
no ``model.send``; the front end then falls back to the ``inbox`` parameter
(unacknowledged messages, resent until Python answers them).
"""
from __future__ import annotations

__all__ = ["builder_component"]

_CLASS = None


def _component_class():
    global _CLASS
    if _CLASS is not None:
        return _CLASS
    import param
    from panel.custom import AnyWidgetComponent

    from .assets import widget_asset

    class CircuitBuilderComponent(AnyWidgetComponent):
        """Panel view of a CircuitBuilder (see :func:`builder_component`)."""

        _esm = widget_asset("circuit_builder.js")
        _stylesheets = [widget_asset("circuit_builder.css").read_text()]
        palette = param.List(default=[])
        snapshot = param.Dict(default={})
        inbox = param.List(default=[])
        t_end = param.Number(default=200.0)

        def __init__(self, builder, **params):
            params.setdefault("min_height", 560)
            params.setdefault("sizing_mode", "stretch_width")
            super().__init__(palette=builder.palette, snapshot=builder._model.snapshot(),
                             t_end=builder.t_end, **params)
            self.builder = builder
            builder._model.subscribe(self._to_view)
            self.param.watch(lambda e: builder._receive_inbox(e.new), "inbox")

        def _to_view(self, msg):
            if msg.get("type") == "snapshot" and msg.get("view") is None:
                self.snapshot = msg["state"]
            self.send(msg)

        def _handle_msg(self, data):      # a front end that does have model.send
            self.builder._receive(data)

    _CLASS = CircuitBuilderComponent
    return _CLASS


def builder_component(builder, **params):
    """A Panel component showing the CircuitBuilder ``builder`` (what
    ``CircuitBuilder.panel()`` returns).

    Examples
    --------
    >>> import nbblox as nb
    >>> comp = nb.CircuitBuilder(nb.Circuit([nb.blox.WilsonCowan(name="a")])).panel()
    >>> comp.builder.circuit["a"].type.name, comp.snapshot["nodes"][0]["name"]
    ('WilsonCowan', 'a')
    """
    return _component_class()(builder, **params)
