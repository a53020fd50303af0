"""Connection weights as explorer sliders (``"a→b"``), next to the parameters.

Weights of plain connections are runtime values of a System
(``System.weights``), like parameters: moving one never recompiles.  The
System orders its weights by target, not in the order of
``circuit.connections``, so the weight vector is rebuilt from a private copy
of the circuit with the new weights (``nb.compile`` of a circuit whose kernel
is cached only lays out the arrays: milliseconds), then copied into the
explorer's private System.
"""
from __future__ import annotations

import copy

import numpy as np

from ...model.params import Parameter

__all__ = ["Weights", "private_system"]


def private_system(system):
    """A System sharing the compiled kernels but with its own mutable arrays
    (parameters, initial state, weights): an explorer's or a dashboard
    session's changes never reach the caller's System."""
    own = copy.copy(system)
    own.params = system.params.copy()
    own.x0 = system.x0.copy()
    own.weights = system.weights.copy()
    return own


class Weights:
    """The plain connections of ``system.circuit`` as named sliders.

    Examples
    --------
    >>> import nbblox as nb
    >>> a, b = nb.blox.WilsonCowan(name="a"), nb.blox.WilsonCowan(name="b")
    >>> s = private_system(nb.compile(nb.Circuit([a, b]).connect(a, b, weight=1.5)))
    >>> w = Weights(s)
    >>> w.values, w.info("a→b").slider_bounds
    ({'a→b': 1.5}, (0.0, 4.5))
    >>> w.apply(s, {"a→b": 2.0}); float(s.weights[0])
    2.0
    """

    def __init__(self, system):
        circuit = getattr(system, "circuit", None)
        conns = list(getattr(circuit, "connections", ()) or ())
        self.labels, self._index, self._infos = [], {}, {}
        for i, k in enumerate(conns):
            label = f"{k.src}→{k.dst}"
            n = 2
            while label in self._index:
                label = f"{k.src}→{k.dst} ({n})"
                n += 1
            self.labels.append(label)
            self._index[label] = i
            w = float(k.weight)
            span = 3 * abs(w) if w else 1.0
            lo, hi = (0.0, span) if w > 0 else (-span, 0.0) if w < 0 else (-1.0, 1.0)
            self._infos[label] = Parameter(w, bounds=(lo, hi), doc=f"weight of the connection "
                                           f"{k.src} → {k.dst}" + (f" ({k.output} → {k.input})"
                                                                  if k.output else ""))
        self.values = {lb: self._infos[lb].default for lb in self.labels}
        self._applied = dict(self.values)
        self._circuit = None
        if conns:   # same blox, its own connection objects (a deep copy trips on the model)
            self._circuit = copy.copy(circuit)
            self._circuit.connections = [copy.copy(k) for k in conns]

    def __contains__(self, name):
        return name in self._index

    @property
    def applied(self):
        """The weights last written into the System (``{label: weight}``)."""
        return dict(self._applied)

    def info(self, label):
        """Slider metadata of a weight (range: up to three times the circuit's value)."""
        return self._infos[label]

    def apply(self, system, values):
        """Write ``{label: weight}`` into ``system.weights`` (runtime, no recompile)."""
        if not values or self._circuit is None or values == self._applied:
            return
        from ...compile import compile as nb_compile
        self._applied = dict(values)
        for label, v in values.items():
            self._circuit.connections[self._index[label]].weight = float(v)
        system.weights[:] = np.asarray(nb_compile(self._circuit).weights, float)
