"""The circuit builder's Simulate button: run the circuit on the canvas and
show the result below it -- an explorer (sliders, live plot) when one can be
made, else ``sol.plot()`` or a table.

:class:`BuilderRun` is a mixin of
:class:`~nbblox.ui.builder.widget.CircuitBuilder`; errors go to the message
bar of the builder's :class:`~nbblox.ui.builder.sync.BuilderModel`, never
into a traceback.  A second Simulate of the same circuit structure moves the
explorer already shown (no recompile, no new display).
"""
from __future__ import annotations

from ..._text import counted
from ...exceptions import CircuitError, NbbloxError

__all__ = ["BuilderRun"]


class BuilderRun:
    """The Simulate button and the result slot under the canvas."""

    @property
    def results(self):
        """An ipywidgets Output below the canvas where Simulate shows its result."""
        if self._results is None:
            import ipywidgets
            self._results = ipywidgets.Output()
        return self._results

    def _repr_mimebundle_(self, **kw):
        import ipywidgets
        box = ipywidgets.VBox([self, self.results])
        return box._repr_mimebundle_(**kw)

    def _simulate_from_view(self, msg):
        self._ack(msg)
        try:
            t_end = float(msg.get("t_end", self.t_end))
        except (TypeError, ValueError):
            t_end = float("nan")
        self.simulate(t_end)

    def simulate(self, t_end=None, show=True):
        """Simulate :attr:`circuit` for ``t_end`` ms and show it in :attr:`results`.

        With ``nb.explore`` available the result slot gets an explorer (sliders
        and live plot), else ``sol.plot()``.  Errors (an empty circuit, a
        delay the compiler refuses, ...) go to the message bar, not a traceback.
        Returns the Solution (also kept as :attr:`solution`), or None on error.
        """
        import nbblox
        from ...model.params import check_value
        try:
            t_end = check_value(self.t_end if t_end is None else t_end, "t_end", None, (1e-9, None))
            if len(self.circuit) == 0:
                raise CircuitError("the canvas is empty: drag a blox from the palette first")
            self.sync()
            self._model.message(f"simulating {t_end:g} ms ...")
            sol = nbblox.simulate(self.circuit, t_end)
        except (NbbloxError, ValueError) as exc:
            self._model.message(f"cannot simulate: {exc}", "error")
            return None
        self.solution = sol
        final = ", ".join(f"{n}={sol.values[i, -1]:.3g}" for i, n in enumerate(sol.names[:4]))
        text = f"simulated {t_end:g} ms, {counted(len(sol.names), 'state')}; final {final}"
        self._model._broadcast({"type": "results", "view": None, "text": text})
        # the result line below the canvas says it: the message bar only drops "simulating"
        self._model.message("")
        if show:
            self._show(sol, t_end)
        return sol

    def _structure(self):
        c = self.circuit
        return ([(b.name, b.type.key) for b in c],
                [(k.src, k.dst, k.output, k.input, k.delay) for k in c.connections])

    def _update_explorer(self, t_end):
        """The explorer already shown, moved to the circuit's current parameters and
        weights (a re-run, no recompile, no new display): True if it could be."""
        ex = getattr(self, "_explorer", None)
        if ex is None or getattr(self, "_explored", None) != self._structure():
            return False
        values = {f"{b.name}.{k}": float(v) for b in self.circuit.blox.values()
                  for k, v in b.params.items() if f"{b.name}.{k}" in ex.params}
        values.update({label: float(self.circuit.connections[i].weight)
                       for label, i in ex._weights._index.items()})
        ex.set({k: v for k, v in values.items()
                if ex.params.get(k, ex.weights.get(k)) != v}, t_end=t_end)
        return ex.error is None

    def _show(self, sol, t_end):
        import nbblox
        from IPython.display import display
        if self._update_explorer(t_end):
            return
        view = None
        try:
            explore = getattr(nbblox, "explore", None)
            if explore is not None:
                view = explore(self.circuit, t_end=t_end)
                self._explorer, self._explored = view, self._structure()
            else:
                view = sol.plot()
        except Exception as exc:     # plotting extras missing: the numbers still show
            self._model.message(f"showing a table instead of a plot ({exc})", "info")
            view = None
        out = self.results
        out.clear_output(wait=True)
        with out:
            display(view if view is not None else sol.to_pandas().iloc[::max(1, len(sol.t) // 10)])
