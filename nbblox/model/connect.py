"""Connecting the members of a circuit: the rules :meth:`Circuit.connect` follows.

One ``connect`` call becomes one or more leaf-to-leaf links: composites' ports
are followed to their inner blox (:mod:`nbblox.model.composite`); a pair of
types with a registered rule is wired by it (:mod:`nbblox.model.wiring`);
populations, per-synapse values or any connectivity argument make a
:class:`~nbblox.model.projection.Projection`; otherwise one
:class:`Connection` (``weight * output(src)`` into an input of ``dst``), its
ends' units checked (:mod:`nbblox.model.units`).  A call that fails adds nothing.

:class:`Connectable` is this side of :class:`~nbblox.model.circuit.Circuit` (a
base class of it, as :class:`~nbblox.model.composite.Composable` is), so this
module never imports :mod:`.circuit`.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from ..exceptions import CircuitError
from . import composite, units, wiring
from .composite import Composable
from .params import finite
from .population import Population
from .projection import Projection

__all__ = ["Connection", "Connectable"]


@dataclass
class Connection:
    """``weight * output(src)`` added to input ``input`` of ``dst``, after ``delay`` ms.

    ``unit`` is the weight's unit when the two ends' units differ (see
    :mod:`nbblox.model.units`); ``scale`` is the conversion factor it implies,
    applied to the weight in the kernel (1 unless ``unit`` converts, e.g. mV
    to V).
    """

    src: str
    dst: str
    weight: float = 1.0
    delay: float = 0.0
    output: str = ""
    input: str = ""
    unit: str = ""
    scale: float = 1.0

    def to_dict(self):
        d = asdict(self)
        del d["scale"]            # derived from the units when the file is read
        if not self.unit:
            del d["unit"]         # files of circuits without units are unchanged
        return d


class Connectable:
    """Methods that connect the members of a Circuit: ``connect`` and the links it
    makes (continuous connections, rule-wired pairs, projections).  They use the
    circuit's ``_locate`` (a member and its path) and append to its ``connections``
    and ``projections``."""

    def connect(self, src, dst, weight=1.0, delay=0.0, *, output=None, input=None,
                unit=None, on_pre=None, p=None, i=None, j=None, matrix=None, one_to_one=False,
                seed=None, autapses=True, plasticity=None, name=None, condition=None):
        """Add ``weight * output(src)`` to the input of ``dst``.

        ``output`` and ``input`` pick the source's output and the target's
        input symbol when a blox has more than one.  Without them the
        connection rule registered for the two types decides (e.g. a
        synapse -> neuron connection also feeds the neuron's V back into the
        synapse's ``V_post``; see :mod:`nbblox.model.wiring`), else the
        first output feeds the first input.
        ``src`` and ``dst`` may be members of composites by path
        (``"col1.E"``) or composites themselves (their ports; ``output`` and
        ``input`` then name ports).  ``unit`` is the weight's unit, needed
        when the output's and input's units differ (e.g. ``unit="1/mV"``
        from a voltage into a dimensionless rate input); a mismatch without
        it is a :class:`~nbblox.model.units.UnitError` naming both ends.

        Between populations (or with any of the rule arguments) this adds a
        :class:`~nbblox.model.projection.Projection`: ``on_pre="ge += w"``
        makes it a spiking synapse (``w`` = the synapse's weight), else it
        couples outputs to inputs continuously.  Connectivity: ``p=``
        (Bernoulli, reproducible with ``seed=``), ``i=``/``j=`` index arrays,
        ``matrix=`` (dense or scipy.sparse, ``matrix[pre, post]`` multiplies
        ``weight``), ``one_to_one=True``; default all-to-all.  ``condition=``
        keeps only the pairs that satisfy a Brian2-style expression in ``i``
        (pre index), ``j`` (post index), ``N_pre``, ``N_post``, e.g.
        ``condition="i < 3200", p=0.02`` (each pair that satisfies it is
        connected with probability p; see :mod:`nbblox.model.conditions`).  ``weight``
        and ``delay`` (ms) may be one value per synapse.  ``plasticity=``
        (:class:`~nbblox.model.plasticity.STDP` or ``RSTDP``) makes the
        weights of a spiking projection learn; ``name=`` names the projection
        (default ``"src->dst"``), the key of ``sol.weights``.

        Examples
        --------
        >>> import nbblox as nb
        >>> lif = nb.BloxType("LIF", "dV/dt = (-V + ge)/10\\ndge/dt = -ge/5", spike="V > 1",
        ...                   reset="V = 0")
        >>> pop = nb.Population(lif, n=100, name="pop")
        >>> c = nb.Circuit([pop]).connect(pop, pop, weight=0.1, on_pre="ge += w", p=0.1, seed=1)
        >>> c.projections[0].size > 0
        True
        """
        spath, s = self._locate(src)
        dpath, d = self._locate(dst)
        if isinstance(s, Composable):
            spath, s, output = composite.source_end(self, spath, s, output)
        ends = (composite.target_ends(self, dpath, d, input) if isinstance(d, Composable)
                else [(dpath, d, input, 1.0)])
        rule = (on_pre is not None or p is not None or i is not None or j is not None
                or matrix is not None or one_to_one or isinstance(s, Population)
                or any(isinstance(e[1], Population) for e in ends)
                or np.ndim(weight) > 0 or np.ndim(delay) > 0 or plasticity is not None
                or condition is not None)
        if rule and len(ends) > 1:
            raise CircuitError(f"connection {spath} -> {dpath}: input port feeds "
                               f"{len(ends)} inner inputs; a projection needs one target "
                               "(connect to the inner blox by path)")
        # a port or a rule may make several connections: all of them or none
        n_conn, n_proj = len(self.connections), len(self.projections)
        try:
            for dpath_i, d_i, input_i, factor in ends:
                w = weight if factor == 1.0 else np.multiply(weight, factor)
                if rule:
                    self._project(spath, s, dpath_i, d_i, w, delay, output, input_i,
                                  on_pre=on_pre, p=p, i=i, j=j, matrix=matrix,
                                  one_to_one=one_to_one, seed=seed, autapses=autapses,
                                  plasticity=plasticity, name=name,
                                  condition=condition)
                elif output is None and input_i is None and (
                        found := wiring.rule_for(s.type, d_i.type)) is not None:
                    self._by_rule(found, spath, s, dpath_i, d_i, w, delay, unit)
                else:
                    self._wire(spath, s, dpath_i, d_i, w, delay, output, input_i, unit)
        except Exception:
            del self.connections[n_conn:], self.projections[n_proj:]
            raise
        return self

    def _by_rule(self, found, spath, s, dpath, d, weight, delay, unit):
        """Wire a pair of blox by its registered rule (nbblox.model.wiring)."""
        for out, inp in found.wires:
            self._wire(spath, s, dpath, d, weight, delay, out, inp, unit)
        for out, inp in found.back:   # a value read back, e.g. the neuron's V -> V_post
            if not any(k.dst == spath and k.input == inp for k in self.connections):
                self._wire(dpath, d, spath, s, 1.0, 0.0, out, inp)

    def _project(self, spath, s, dpath, d, weight, delay, output, input, *, name, **kw):
        proj = Projection(s, d, weight=weight, delay=delay, output=output, input=input,
                          name=name, **kw)
        if proj.on_pre is None:   # continuous coupling: the ends' units must agree
            units.connection_scale(spath, s.type, proj.output, dpath, d.type, proj.input)
        if (spath, dpath) != (s.name, d.name):   # members of composites: paths
            proj.src, proj.dst = spath, dpath
            if name is None:
                proj.name = f"{spath}->{dpath}"
        if name is None and any(q.name == proj.name for q in self.projections):
            proj.name = f"{proj.name}#{len(self.projections)}"
        if any(q.name == proj.name for q in self.projections):
            raise CircuitError(f"the circuit already has a projection named '{proj.name}'")
        self.projections.append(proj)

    def _wire(self, spath, s, dpath, d, weight, delay, output, input, unit=None):
        """One continuous connection between two leaf blox (by path)."""
        weight = finite(weight, f"connection {spath} -> {dpath}: weight", CircuitError)
        delay = finite(delay, f"connection {spath} -> {dpath}: delay", CircuitError, low=0.0)
        outs, ins = list(s.type.output_text), list(d.type.inputs)
        if not ins:
            raise CircuitError(f"blox '{dpath}' ({d.type.name}) has no input to connect to")
        output = outs[0] if output is None else output
        input = ins[0] if input is None else input
        if output not in outs:
            raise CircuitError(f"blox '{spath}' has no output '{output}'; outputs: "
                               f"{', '.join(outs)}")
        if input not in ins:
            raise CircuitError(f"blox '{dpath}' has no input '{input}'; inputs: "
                               f"{', '.join(ins)}")
        scale = units.connection_scale(spath, s.type, output, dpath, d.type, input, unit)
        self.connections.append(Connection(spath, dpath, weight, delay, output, input,
                                           unit or "", scale))
