"""Synaptic plasticity rules of spiking projections, as plain data.

A rule is attached to a spiking projection with ``plasticity=`` in
:meth:`~nbblox.model.circuit.Circuit.connect`; the compiled kernel updates
the synapse weights event-driven (see :mod:`nbblox.compile.plastcode`).

* :class:`STDP` -- pair-based spike-timing-dependent plasticity with
  exponential traces (Song, Miller & Abbott 2000, Nat Neurosci 3:919;
  window after Bi & Poo 1998, J Neurosci 18:10464).  Every presynaptic
  neuron keeps a trace ``a_pre`` (+1 per spike, decaying with ``tau_pre``),
  every postsynaptic neuron a trace ``a_post`` (``tau_post``).  A post spike
  adds ``A_plus * a_pre`` to the weight (potentiation), a pre spike adds
  ``-A_minus * a_post`` (depression); weights stay in ``[w_min, w_max]``.
  One pre spike ``s`` ms before one post spike changes the weight by
  ``A_plus * exp(-s/tau_pre)``; post ``s`` ms before pre by
  ``-A_minus * exp(-s/tau_post)``.
* :class:`RSTDP` -- reward-modulated STDP (Izhikevich 2007, Cereb Cortex
  17:2443, "Solving the distal reward problem"): the same STDP increments go
  into an eligibility trace ``c`` per synapse (decaying with ``tau_c``), and
  ``dw/dt = c * d``, where ``d`` is a dopamine/reward signal of the
  projection that decays with ``tau_d`` (``inf``: stays until changed) and is
  raised by the user (``reward=`` at the start, or ``state.reward(...)`` in a
  simulation callback).

Pre spikes are timed at the source neuron (a synaptic delay delays the
effect, not the plasticity).  Within one step, pre spikes are processed
before post spikes, so a simultaneous pair counts as pre-before-post.
"""
from __future__ import annotations

import math

from ..exceptions import CircuitError
from .params import finite

__all__ = ["STDP", "RSTDP", "plasticity_from_dict"]


def _positive(name, value, who, allow_inf=False):
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise CircuitError(f"{who}: {name} must be a number, got {value!r}") from None
    if math.isnan(v) or v <= 0 or (math.isinf(v) and not allow_inf):
        raise CircuitError(f"{who}: {name} must be a positive{' ' if allow_inf else ' finite '}"
                           f"time constant (ms), got {value!r}")
    return v


class STDP:
    """Pair-based STDP with exponential traces (Song, Miller & Abbott 2000).

    Parameters
    ----------
    tau_pre, tau_post : float
        Trace time constants (ms), > 0.
    A_plus, A_minus : float
        Potentiation and depression amplitudes (>= 0, in weight units).
    w_min, w_max : float
        Weights are clipped to ``[w_min, w_max]`` after every update.

    Examples
    --------
    >>> import nbblox as nb
    >>> rule = nb.STDP(tau_pre=20, tau_post=20, A_plus=0.01, A_minus=0.0105, w_max=1.0)
    >>> rule.window(5.0) > 0 > rule.window(-5.0)
    True
    """

    kind = "stdp"
    _fields = ("tau_pre", "tau_post", "A_plus", "A_minus", "w_min", "w_max")

    def __init__(self, tau_pre=20.0, tau_post=20.0, A_plus=0.01, A_minus=0.0105, w_min=0.0,
                 w_max=1.0):
        who = type(self).__name__
        self.tau_pre = _positive("tau_pre", tau_pre, who)
        self.tau_post = _positive("tau_post", tau_post, who)
        self.A_plus = finite(A_plus, f"{who}: A_plus", CircuitError, 0.0)
        self.A_minus = finite(A_minus, f"{who}: A_minus", CircuitError, 0.0)
        self.w_min = finite(w_min, f"{who}: w_min", CircuitError)
        self.w_max = finite(w_max, f"{who}: w_max", CircuitError)
        if self.w_max < self.w_min:
            raise CircuitError(f"{who}: w_max ({self.w_max}) is below w_min ({self.w_min})")

    def window(self, s):
        """Weight change of one pair with the post spike ``s`` ms after the
        pre spike (``s < 0``: post first), before clipping."""
        if s >= 0:
            return self.A_plus * math.exp(-s / self.tau_pre)
        return -self.A_minus * math.exp(s / self.tau_post)

    def params(self):
        """The runtime parameter row the kernel reads (see plastcode)."""
        return [self.tau_pre, self.tau_post, self.A_plus, self.A_minus, self.w_min,
                self.w_max, math.inf, math.inf]

    def to_dict(self):
        return {"kind": self.kind, **{f: getattr(self, f) for f in self._fields}}

    def __eq__(self, other):
        return type(other) is type(self) and other.to_dict() == self.to_dict()

    __hash__ = object.__hash__

    def __repr__(self):
        args = ", ".join(f"{f}={getattr(self, f):g}" for f in self._fields)
        return f"{type(self).__name__}({args})"


class RSTDP(STDP):
    """Reward-modulated STDP with eligibility traces (Izhikevich 2007).

    STDP increments go into the eligibility ``c`` of each synapse
    (``dc/dt = -c/tau_c`` between spikes) and the weight follows
    ``dw/dt = c * d``.  ``d`` (the dopamine/reward signal, one per
    projection) decays as ``dd/dt = -d/tau_d`` and starts at ``reward``;
    a simulation callback raises it with ``state.reward(amount)``.

    Parameters
    ----------
    tau_c : float
        Eligibility time constant (ms); Izhikevich used 1000.
    tau_d : float
        Decay of the reward signal (ms), ``float('inf')`` to keep it
        constant until changed; Izhikevich used 200.
    reward : float
        Value of ``d`` at the start of a run.
    (the others as :class:`STDP`)

    Examples
    --------
    >>> import nbblox as nb
    >>> nb.RSTDP(tau_c=1000, tau_d=200).tau_c
    1000.0
    """

    kind = "rstdp"
    _fields = STDP._fields + ("tau_c", "tau_d", "reward")

    def __init__(self, tau_pre=20.0, tau_post=20.0, A_plus=0.01, A_minus=0.0105, w_min=0.0,
                 w_max=1.0, tau_c=1000.0, tau_d=200.0, reward=0.0):
        super().__init__(tau_pre, tau_post, A_plus, A_minus, w_min, w_max)
        self.tau_c = _positive("tau_c", tau_c, "RSTDP")
        self.tau_d = _positive("tau_d", tau_d, "RSTDP", allow_inf=True)
        self.reward = finite(reward, "RSTDP: reward", CircuitError)

    def params(self):
        return [self.tau_pre, self.tau_post, self.A_plus, self.A_minus, self.w_min,
                self.w_max, self.tau_c, self.tau_d]

    def to_dict(self):
        d = super().to_dict()
        if math.isinf(d["tau_d"]):
            d["tau_d"] = "inf"   # JSON has no infinity
        return d


_KINDS = {"stdp": STDP, "rstdp": RSTDP}


def plasticity_from_dict(d, who="projection"):
    """Rebuild a rule from :meth:`STDP.to_dict` output (validated)."""
    if d is None:
        return None
    if not isinstance(d, dict) or d.get("kind") not in _KINDS:
        raise CircuitError(f"{who}: 'plasticity' must be an object with kind 'stdp' or "
                           f"'rstdp', got {d!r}")
    cls = _KINDS[d["kind"]]
    extra = set(d) - set(cls._fields) - {"kind"}
    if extra:
        raise CircuitError(f"{who}: unknown plasticity fields {sorted(extra)}")
    return cls(**{k: v for k, v in d.items() if k != "kind"})
