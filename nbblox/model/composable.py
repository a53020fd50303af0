"""The composite side of :class:`~nbblox.model.circuit.Circuit`: declaring
ports and promoted parameters, copying a circuit to place it again, and
walking or flattening its members (the work is in :mod:`.composite`)."""
from __future__ import annotations

from . import composite

__all__ = ["Composable"]


class Composable:
    """Methods that make a Circuit usable as one block of another."""

    def expose(self, inputs=None, outputs=None):
        """Declare ports, so that this circuit can be one block of another.

        Parameters
        ----------
        inputs : dict, list or str
            Port name -> the inner input(s) it feeds: ``"E.I_syn"``, a list of
            them, or ``{"E.I_syn": 1.0, "I.I_syn": 0.5}`` with factors.  A list
            or string names each port after its symbol.
        outputs : dict, list or str
            Port name -> one inner output, ``"E.E"``.

        The first port of each kind is the default of ``connect``.

        Examples
        --------
        >>> import nbblox as nb
        >>> col = nb.Circuit([nb.blox.WilsonCowan(name="wc")], name="col")
        >>> col.expose(inputs="wc.I_syn", outputs={"rate": "wc.E"}).inputs
        {'I_syn': {'wc.I_syn': 1.0}}
        """
        ins, outs = composite.normalise_ports(self, inputs, outputs)
        self.inputs.update(ins)
        self.outputs.update(outs)
        return self

    def promote(self, name, selector):
        """Give this circuit one parameter ``name`` that sets every inner
        parameter ``selector`` matches (e.g. ``promote("g", "**.g")``).

        Compiled, it is ``"<circuit>.<name>"`` in ``System.params`` (just
        ``name`` for the circuit compiled itself): setting it sets all the
        matched parameters at once; reading it gives their common value.

        Examples
        --------
        >>> import nbblox as nb
        >>> col = nb.Circuit([nb.blox.WilsonCowan(name="a"), nb.blox.WilsonCowan(name="b")],
        ...                  name="col").promote("tau", "*.tau_*")
        >>> s = nb.compile(nb.Circuit([col]))
        >>> s.params["col.tau"] = 5.0
        >>> s.params["col.a.tau_I"], s.params["col.b.tau_E"]
        (5.0, 5.0)
        """
        composite.check_promoted(self, name, selector)
        self.promoted[name] = selector
        return self

    def copy(self, name=None):
        """A deep copy under a new name: build a composite once, place copies.

        Examples
        --------
        >>> import nbblox as nb
        >>> col = nb.Circuit([nb.blox.WilsonCowan(name="wc")], name="col")
        >>> brain = nb.Circuit([col.copy("r1"), col.copy("r2")], name="brain")
        >>> sorted(brain.composites)
        ['r1', 'r2']
        """
        return composite.copy_circuit(self, name)

    def walk(self):
        """``(path, Blox or Population)`` for every leaf, composites entered."""
        return composite.walk(self)

    def flatten(self):
        """The equivalent circuit without composites: every leaf named by its
        path (``"col1.E"``).  This is what the compiler sees."""
        return composite.flatten(self)[0]
