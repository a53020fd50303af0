"""Projections: connection rules between populations or blox, stored as CSR.

A :class:`Projection` connects a source (Population or Blox, size 1) to a
target: either *spiking* (``on_pre="ge += w"``: each spike of a source neuron
applies the statements to its targets, ``w`` being the synapse's weight) or
*continuous* (``weight * output(pre)`` summed into an input of ``post``).  Its
pairs come from :func:`nbblox.model.connectivity.connectivity`; this module owns
checking the weights, delays, seed, spike effects (:func:`parse_on_pre`) and
plasticity a projection is given, and stores the synapses sorted by
presynaptic index.  :meth:`Circuit.connect <nbblox.model.circuit.Circuit.connect>`
makes them.
"""
from __future__ import annotations

import numpy as np

from .._text import counted
from ..exceptions import CircuitError, EquationError, suggest
from .blox import Blox
from .connectivity import connectivity
from .equations import parse_assignments

__all__ = ["Projection", "parse_on_pre", "increment", "size_of"]


def size_of(entity):
    """Instances in a circuit member: a population's ``n``, 1 for a blox."""
    return 1 if isinstance(entity, Blox) else entity.n


def _given(value, what, who, low=None):
    """The user's weight or delay (scalar or array) as floats, checked as given.

    Validation runs on these values, never on their broadcast to the drawn
    synapses: a ``p=`` draw may yield no synapse, and an empty array has no
    minimum to check, so a bad scalar would otherwise pass on some seeds.
    """
    if isinstance(value, (str, bytes)):
        raise CircuitError(f"{who}: {what} must be a number or an array, got {value!r}")
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise CircuitError(f"{who}: {what} must be a number or an array, got {value!r}") from None
    if arr.ndim > 1:
        raise CircuitError(f"{who}: {what} has shape {arr.shape}; give a scalar or one value "
                           "per synapse")
    if not np.all(np.isfinite(arr)):
        raise CircuitError(f"{who}: {what} must be finite")
    if low is not None and arr.size and arr.min() < low:
        raise CircuitError(f"{who}: {what} must be >= {low}, got {arr.min()}")
    return arr


def _per_synapse(arr, nsyn, what, who):
    """A checked value from :func:`_given`, one entry per synapse."""
    if arr.ndim == 0:
        return np.full(nsyn, float(arr))
    if arr.shape != (nsyn,):
        raise CircuitError(f"{who}: {what} has shape {arr.shape}; give a scalar or one value "
                           f"per synapse ({nsyn})")
    return arr.copy()


def _seed(seed, who):
    """None or a whole number >= 0 (what numpy's generators accept), checked here so a
    bad seed is a CircuitError, not a numpy traceback."""
    if seed is None:
        return None
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise CircuitError(f"{who}: seed must be a whole number >= 0, got {seed!r}")
    return int(seed)


class Projection:
    """A connection rule between two circuit entities (made by Circuit.connect).

    Attributes
    ----------
    src, dst : str
        Source and target names (population or blox).
    pre, post : ndarray of int
        Synapse endpoints (indices within src and dst), sorted by ``pre``.
    weight, delay : ndarray of float
        Per synapse (delay in ms).
    on_pre : str or None
        Spike effect, e.g. ``"ge += w"``; None for continuous coupling.
    output, input : str
        Continuous coupling: which output of src feeds which input of dst.
    """

    def __init__(self, src, dst, *, weight=1.0, delay=0.0, on_pre=None, output=None,
                 input=None, p=None, i=None, j=None, matrix=None, one_to_one=False,
                 seed=None, autapses=True, plasticity=None, name=None, condition=None):
        self.src, self.dst = src.name, dst.name
        self.name = f"{src.name}->{dst.name}" if name is None else str(name)
        who = f"connection {src.name} -> {dst.name}"
        self.n_pre, self.n_post = size_of(src), size_of(dst)
        # every argument is checked as the user gave it, before the draw: what
        # is accepted must not depend on which synapses a seed happens to yield
        weight_in = _given(weight, "weight", who)
        delay_in = _given(delay, "delay", who, low=0.0)
        seed = _seed(seed, who)
        self.condition = condition
        if condition is not None:
            from .conditions import check_condition
            condition = check_condition(condition, who)
        self.on_pre = on_pre
        self.autapses = bool(autapses)
        if on_pre is not None:
            if not src.type.spike_text:
                raise CircuitError(f"{who}: on_pre needs a spiking source, but "
                                   f"{src.type.name} has no spike condition")
            self.effects = parse_on_pre(on_pre, dst.type, who)
            self.output = self.input = ""
        else:
            self.effects = None
            if plasticity is not None:
                raise CircuitError(f"{who}: plasticity needs a spiking projection "
                                   "(on_pre='ge += w'); continuous coupling has no spikes "
                                   "to time")
            outs, ins = list(src.type.output_text), list(dst.type.inputs)
            if not ins:
                raise CircuitError(f"{who}: {dst.type.name} has no input; give on_pre= for "
                                   "spike effects or add an input")
            self.output = outs[0] if output is None else output
            self.input = ins[0] if input is None else input
            if self.output not in outs:
                raise CircuitError(f"{who}: no output '{self.output}'; outputs: {', '.join(outs)}")
            if self.input not in ins:
                raise CircuitError(f"{who}: no input '{self.input}'; inputs: {', '.join(ins)}")
        self.plasticity = _plasticity(plasticity, dst, who) if on_pre is not None else None

        if p is not None and seed is None:
            # draw a seed now so the circuit (and its JSON) is reproducible
            seed = int(np.random.SeedSequence().entropy % (2**63))
        pre, post, vals = connectivity(self.n_pre, self.n_post, p=p, i=i, j=j, matrix=matrix,
                                       one_to_one=one_to_one, seed=seed, autapses=autapses,
                                       condition=condition, who=who)
        w = _per_synapse(weight_in, pre.size, "weight", who)
        if vals is not None:
            w = w * vals
        d = _per_synapse(delay_in, pre.size, "delay", who)
        # p= draws come sorted (increasing flat index; condition= and autapses= only
        # drop pairs): no check, which is three 40 MB arrays for 5 million synapses
        key = pre * self.n_post + post if p is None else None
        if key is not None and key.size > 1 and not np.all(key[1:] >= key[:-1]):
            order = np.argsort(key, kind="stable")
            pre, post, w, d = pre[order], post[order], w[order], d[order]
        self.pre, self.post, self.weight, self.delay = pre, post, w, d
        scalar = weight_in.ndim == 0 and delay_in.ndim == 0
        self.rule = {"p": float(p), "seed": seed} if (p is not None and scalar) else None
        if self.rule is not None:
            self.rule.update(weight=float(weight_in), delay=float(delay_in))
            if self.condition is not None:
                self.rule["condition"] = self.condition

    def __getstate__(self):
        # pickle and deepcopy give writable arrays: note which were read-only (a shared
        # seeded draw, nbblox.model.connectivity) so __setstate__ locks them again
        locked = [k for k, v in vars(self).items()
                  if isinstance(v, np.ndarray) and not v.flags.writeable]
        return {**vars(self), "_read_only": locked}

    def __setstate__(self, state):
        state = dict(state)
        locked = state.pop("_read_only", ())
        self.__dict__.update(state)
        for k in locked:
            getattr(self, k).setflags(write=False)

    @property
    def size(self):
        return int(self.pre.size)

    def csr(self):
        """(indptr, post, weight, delay): row ``k`` is presynaptic index ``k``."""
        indptr = np.zeros(self.n_pre + 1, dtype=np.int64)
        np.cumsum(np.bincount(self.pre, minlength=self.n_pre), out=indptr[1:])
        return indptr, self.post, self.weight, self.delay

    def to_dict(self):
        d = {"src": self.src, "dst": self.dst, "on_pre": self.on_pre,
             "output": self.output, "input": self.input, "autapses": self.autapses}
        if self.name != f"{self.src}->{self.dst}":
            d["name"] = self.name
        if self.plasticity is not None:
            d["plasticity"] = self.plasticity.to_dict()
        if self.rule is not None:
            d.update(self.rule)
        else:
            d.update(i=self.pre.tolist(), j=self.post.tolist(), weight=self.weight.tolist(),
                     delay=self.delay.tolist())
        return d

    def __repr__(self):
        kind = f"on_pre={self.on_pre!r}" if self.on_pre else f"{self.output}->{self.input}"
        if self.plasticity is not None:
            kind += f", {self.plasticity!r}"
        return f"<Projection {self.src} -> {self.dst}: {counted(self.size, 'synapse')}, {kind}>"


def _plasticity(rule, dst, who):
    """A validated plasticity rule (STDP/RSTDP, or its dict form) or None."""
    from .plasticity import STDP, plasticity_from_dict
    if rule is None:
        return None
    if isinstance(rule, dict):
        rule = plasticity_from_dict(rule, who)
    if not isinstance(rule, STDP):
        raise CircuitError(f"{who}: plasticity must be nb.STDP(...) or nb.RSTDP(...), "
                           f"not {type(rule).__name__}")
    if not dst.type.spike_text:
        raise CircuitError(f"{who}: plasticity needs a spiking target (its spikes drive "
                           f"potentiation), but {dst.type.name} has no spike condition")
    return rule


def parse_on_pre(text, dtype, who):
    """Statements of a spike effect, checked against the target type.

    The synapse weight is the symbol ``w``; other symbols must be states or
    parameters of the target.  Returns [(state, SymPy expr)].
    """
    if not isinstance(text, str) or not text.strip():
        raise CircuitError(f"{who}: on_pre must be text like 'ge += w'")
    try:
        stmts = parse_assignments(text, blox=who)
    except EquationError as exc:
        raise CircuitError(f"{who}: on_pre: {exc}") from None
    if "w" in dtype.states or "w" in dtype.params:
        raise CircuitError(f"{who}: the target type {dtype.name} has its own 'w', which "
                           "clashes with the synaptic weight 'w' in on_pre")
    known = set(dtype.states) | set(dtype.params) | {"w"}
    from .symbolic import interp  # SymPy is loaded already (parse_assignments)
    out = []
    for target, expr in stmts:
        if expr.has(interp):
            raise CircuitError(f"{who}: interp() is not allowed in on_pre (a table "
                               "belongs in an input blox)")
        if target not in dtype.states:
            raise CircuitError(f"{who}: on_pre assigns '{target}', which is not a state of "
                               f"{dtype.name}." + suggest(target, dtype.states))
        for s in sorted(map(str, expr.free_symbols)):
            if s not in known:
                raise CircuitError(f"{who}: unknown symbol '{s}' in on_pre (use 'w' for the "
                                   "synaptic weight)." + suggest(s, known))
        out.append((target, expr))
    return out


def increment(target, expr, states):
    """``expr - target`` if it does not depend on any target state, else None
    (a delayed effect can only be a state-independent increment)."""
    import sympy as sp  # spiking projections only; a warm ODE compile needs no SymPy
    inc = sp.expand(expr - sp.Symbol(target, real=True))
    if any(str(s) in states for s in inc.free_symbols):
        return None
    return inc
