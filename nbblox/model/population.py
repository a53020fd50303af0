"""Populations (n identical blox stored as arrays) and projections
(connection rules between populations or blox, stored as CSR).

A :class:`Population` is ``n`` instances of one :class:`BloxType` whose
parameters and initial states are scalars or arrays of length ``n``; the
compiler turns it into one loop over arrays, so code does not grow with ``n``.

Naming scheme: the population ``"exc"`` of ``n`` neurons is addressed as a
whole by ``"exc.V"`` (states) and ``"exc.I"`` (parameters): an array of
length ``n``; one neuron is ``"exc[3].V"`` (zero-based).

A :class:`Projection` connects a source (Population or Blox, size 1) to a
target: either *spiking* (``on_pre="ge += w"``: each spike of a source neuron
applies the statements to its targets, ``w`` being the synapse's weight) or
*continuous* (``weight * output(pre)`` summed into an input of ``post``).
Connectivity comes from ``p=`` (independent Bernoulli draws, seeded),
explicit ``i=``/``j=`` index arrays, a (scipy.sparse or dense) ``matrix=``
with ``matrix[pre, post]`` = weight, or ``one_to_one=True``; it is stored as
CSR sorted by presynaptic index.
"""
from __future__ import annotations

import weakref

import numpy as np

from .._text import counted
from ..exceptions import CircuitError, EquationError, ParameterError, suggest
from ..limits import BYTES_PER_SYNAPSE, check_memory
from .blox import Blox, BloxType
from .equations import parse_assignments

__all__ = ["Population", "Projection", "connectivity"]

MAX_SYNAPSES = 500_000_000


def _values(value, n, what, who, hard_bounds=None):
    """A finite scalar (float) or a length-n float array."""
    arr = np.asarray(value, dtype=float) if not isinstance(value, (str, bytes)) else None
    if arr is None:
        raise ParameterError(f"{who}: {what} must be a number or an array, got {value!r}")
    if arr.ndim == 0:
        out = float(arr)
    elif arr.shape == (n,):
        out = arr.copy()
        out.setflags(write=False)
    else:
        raise ParameterError(f"{who}: {what} has shape {arr.shape}; give a scalar or an "
                             f"array of length n = {n}")
    if not np.all(np.isfinite(arr)):
        raise ParameterError(f"{who}: {what} holds NaN or inf")
    if hard_bounds is not None:
        lo, hi = hard_bounds
        if (lo is not None and np.any(arr < lo)) or (hi is not None and np.any(arr > hi)):
            raise ParameterError(f"{who}: {what} is outside its physical range [{lo}, {hi}]")
    return out


class Population:
    """``n`` blox of one type, compiled as one vectorised group.

    Parameters
    ----------
    btype : BloxType (or a Blox, whose type and values become the defaults)
    n : int
        Number of instances.
    name : str
    init : dict, optional
        ``{state: scalar or array of length n}``.
    **params
        Parameter values: scalars or arrays of length ``n`` (heterogeneity).

    Examples
    --------
    >>> import numpy as np, nbblox as nb
    >>> pop = nb.Population(nb.blox.FitzHughNagumo, n=3, name="cells", I=np.array([0.0, 0.5, 1.0]))
    >>> pop.n, pop.params["I"].tolist(), pop.params["a"]
    (3, [0.0, 0.5, 1.0], 0.7)
    """

    def __init__(self, btype, n, name=None, *, init=None, preset=None, **params):
        base = None
        if isinstance(btype, Blox):
            base, btype = btype, btype.type
        if not isinstance(btype, BloxType):
            raise ParameterError(f"Population needs a BloxType (e.g. nb.blox.FitzHughNagumo), "
                                 f"not {type(btype).__name__}")
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
            raise ParameterError(f"population size n must be a whole number >= 1, got {n!r}")
        self.type, self.n = btype, int(n)
        probe = Blox(btype, name=name or (base.name if base else None), preset=preset)
        self.name = probe.name
        who = f"population '{self.name}'"
        values = dict(base.params) if base else dict(probe.params)
        for k, v in params.items():
            if k not in btype.params:
                raise ParameterError(f"{who}: {btype.name} has no parameter '{k}'."
                                     + suggest(k, btype.params))
            values[k] = v
        self.params = {k: _values(v, self.n, f"parameter '{k}'", who,
                                  btype.params[k].hard_bounds) for k, v in values.items()}
        self.init = dict(base.init) if base else dict(btype.init)
        for s, v in (init or {}).items():
            if s not in btype.states:
                raise ParameterError(f"{who} has no state '{s}'." + suggest(s, btype.states))
            self.init[s] = _values(v, self.n, f"initial value of '{s}'", who)
        self.preset = preset

    @property
    def states(self):
        return self.type.states

    def param_array(self, name):
        """Parameter ``name`` as an array of length ``n``."""
        return np.broadcast_to(np.asarray(self.params[name], dtype=float), (self.n,))

    def init_array(self, state):
        return np.broadcast_to(np.asarray(self.init[state], dtype=float), (self.n,))

    def instance_names(self):
        return [f"{self.name}[{i}]" for i in range(self.n)]

    def to_dict(self):
        enc = lambda v: v.tolist() if isinstance(v, np.ndarray) else v
        return {"name": self.name, "type": self.type.key, "n": self.n,
                "params": {k: enc(v) for k, v in self.params.items()},
                "init": {k: enc(v) for k, v in self.init.items()}}

    def __eq__(self, other):
        return isinstance(other, Population) and self.to_dict() == other.to_dict()

    __hash__ = object.__hash__

    def __repr__(self):
        return f"<Population '{self.name}': {self.n} x {self.type.name}>"


def size_of(entity):
    return entity.n if isinstance(entity, Population) else 1


def _bernoulli(n_pre, n_post, p, rng):
    """(pre, post) of independent Bernoulli(p) draws over all pairs, found by
    geometric skips so the cost grows with the synapses, not n_pre*n_post."""
    total = n_pre * n_post
    if p == 0.0 or total == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    if p == 1.0:
        flat = np.arange(total, dtype=np.int64)
    else:
        chunks, pos = [], -1
        block = max(1024, int(total * p * 1.1) + 64)
        while pos < total:
            gaps = rng.geometric(p, size=block).astype(np.int64, copy=False)
            run = pos + np.cumsum(gaps)
            chunks.append(run[run < total])
            pos = int(run[-1])
        flat = np.concatenate(chunks)
    return flat // n_post, flat % n_post


#: Bernoulli draws that a projection still holds, by (n_pre, n_post, p, seed): the same
#: arguments give the same draw, so a circuit built again (a lesson's exercise checker,
#: the same network with another delay) shares it instead of drawing 5 million synapses
#: again (0.6 s).  Weak: nothing is kept alive.  Read-only, so no projection changes it.
_draws = weakref.WeakValueDictionary()


def _seeded_bernoulli(n_pre, n_post, p, seed):
    """:func:`_bernoulli` with a seeded generator, shared while some projection holds it."""
    key = (int(n_pre), int(n_post), float(p), seed)
    pre, post = _draws.get(key + ("pre",)), _draws.get(key + ("post",))
    if pre is None or post is None:
        pre, post = _bernoulli(n_pre, n_post, p, np.random.default_rng(seed))
        pre.flags.writeable = post.flags.writeable = False
        _draws[key + ("pre",)], _draws[key + ("post",)] = pre, post
    return pre, post


def _check_synapse_memory(n, who):
    """Refuse before drawing when ``n`` synapses would not fit the memory budget."""
    check_memory(n * BYTES_PER_SYNAPSE, f"{who}: about {n:.3g} synapses", CircuitError,
                 f"{BYTES_PER_SYNAPSE} bytes each to draw, compile and run; lower p or n")


def connectivity(n_pre, n_post, *, p=None, i=None, j=None, matrix=None, one_to_one=False,
                 seed=None, autapses=True, condition=None, who="connection"):
    """(pre, post, matrix weights or None) for one connectivity rule.

    Examples
    --------
    >>> pre, post, _ = connectivity(2, 3, i=[0, 1], j=[2, 0])
    >>> pre.tolist(), post.tolist()
    ([0, 1], [2, 0])
    """
    given = [x is not None for x in (p, matrix)] + [i is not None or j is not None, one_to_one]
    if sum(given) > 1:
        raise CircuitError(f"{who}: give only one of p=, i=/j=, matrix= or one_to_one=True")
    vals = None
    if p is not None:
        try:
            p = float(p)
        except (TypeError, ValueError):
            raise CircuitError(f"{who}: p must be a probability, got {p!r}") from None
        if not 0.0 <= p <= 1.0:
            raise CircuitError(f"{who}: connection probability p = {p} is outside [0, 1]")
        if n_pre * n_post * p > MAX_SYNAPSES:
            raise CircuitError(f"{who}: about {n_pre * n_post * p:.3g} synapses is more than "
                               f"{MAX_SYNAPSES}")
        _check_synapse_memory(n_pre * n_post * p, who)
        pre, post = (_seeded_bernoulli(n_pre, n_post, p, int(seed))
                     if isinstance(seed, (int, np.integer)) and not isinstance(seed, bool)
                     else _bernoulli(n_pre, n_post, p, np.random.default_rng(seed)))
    elif i is not None or j is not None:
        if i is None or j is None:
            raise CircuitError(f"{who}: give both i= (presynaptic) and j= (postsynaptic)")
        try:
            pre = np.asarray(i).ravel()
            post = np.asarray(j).ravel()
        except (TypeError, ValueError):
            raise CircuitError(f"{who}: i= and j= must be flat lists of whole numbers") from None
        for arr, nm in ((pre, "i"), (post, "j")):
            if arr.size and (arr.dtype == bool or not np.issubdtype(arr.dtype, np.number)):
                raise CircuitError(f"{who}: {nm}= must hold whole numbers, not "
                                   f"{arr.dtype.kind!r}-kind values")
            if arr.size and not np.issubdtype(arr.dtype, np.integer):
                if not np.all(np.mod(arr, 1) == 0):
                    raise CircuitError(f"{who}: {nm}= must hold whole numbers")
        pre, post = pre.astype(np.int64), post.astype(np.int64)
        if pre.shape != post.shape:
            raise CircuitError(f"{who}: i has {pre.size} entries but j has {post.size}")
        _check_synapse_memory(pre.size, who)
    elif matrix is not None:
        try:
            import scipy.sparse as sps
        except ImportError:  # pragma: no cover
            sps = None
        if sps is not None and sps.issparse(matrix):
            if matrix.shape != (n_pre, n_post):
                raise CircuitError(f"{who}: matrix has shape {matrix.shape}; it must be "
                                   f"(n_pre, n_post) = ({n_pre}, {n_post})")
            coo = sps.coo_matrix(matrix)
            keep = coo.data != 0
            pre, post, vals = coo.row[keep], coo.col[keep], coo.data[keep].astype(float)
        else:
            M = np.asarray(matrix, dtype=float)
            if M.shape != (n_pre, n_post):
                raise CircuitError(f"{who}: matrix has shape {M.shape}; it must be "
                                   f"(n_pre, n_post) = ({n_pre}, {n_post})")
            pre, post = np.nonzero(M)
            vals = M[pre, post]
        pre, post = pre.astype(np.int64), post.astype(np.int64)
        if vals is not None and not np.all(np.isfinite(vals)):
            raise CircuitError(f"{who}: matrix holds NaN or inf")
    elif one_to_one:
        if n_pre != n_post:
            raise CircuitError(f"{who}: one_to_one needs equal sizes, got {n_pre} and {n_post}")
        pre = post = np.arange(n_pre, dtype=np.int64)
    elif condition is not None:   # all pairs that satisfy it, a block of rows at a time
        pre, post = _all_pairs_where(condition, n_pre, n_post, who)
        condition = None
    else:
        _check_synapse_memory(n_pre * n_post, who)
        pre, post = np.repeat(np.arange(n_pre), n_post), np.tile(np.arange(n_post), n_pre)
    if condition is not None:     # Brian2's condition= restricts the pairs of any rule
        from .conditions import evaluate_condition
        keep = evaluate_condition(condition, pre, post, n_pre, n_post, who)
        pre, post = pre[keep], post[keep]
        vals = None if vals is None else vals[keep]
    if pre.size and (pre.min() < 0 or pre.max() >= n_pre):
        raise CircuitError(f"{who}: presynaptic index out of range [0, {n_pre})")
    if post.size and (post.min() < 0 or post.max() >= n_post):
        raise CircuitError(f"{who}: postsynaptic index out of range [0, {n_post})")
    if not autapses:
        keep = pre != post
        pre, post = pre[keep], post[keep]
        vals = None if vals is None else vals[keep]
    return pre, post, vals


def _all_pairs_where(condition, n_pre, n_post, who, block=2_000_000):
    from .conditions import evaluate_condition
    rows = max(1, block // max(n_post, 1))
    pres, posts = [], []
    for a in range(0, n_pre, rows):
        b = min(n_pre, a + rows)
        pre = np.repeat(np.arange(a, b, dtype=np.int64), n_post)
        post = np.tile(np.arange(n_post, dtype=np.int64), b - a)
        keep = evaluate_condition(condition, pre, post, n_pre, n_post, who)
        pres.append(pre[keep]), posts.append(post[keep])
    return np.concatenate(pres), np.concatenate(posts)


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
