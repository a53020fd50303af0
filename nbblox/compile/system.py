"""System: a compiled circuit -- flat named states and parameters, symbolic
equations, and the kernels (numba, or the NumPy reference backend).

Parameters live in a runtime array: changing one never recompiles.
"""
from __future__ import annotations

import warnings

import numpy as np

from .._text import counted
from ..exceptions import (CircuitError, CompileError, ParameterError, WiringWarning,
                          suggest)
from ..model.blox import Blox
from ..model.circuit import Circuit
from ..model import composite, wiring
from ..model.params import check_value
from ..model.select import is_selector, select
from .named import NamedValues, check_array
from . import jit
from .fastmath import check_fastmath
from .kernels import kernel_key, kernel_module  # noqa: F401 (kernel_key: API)
from .layout import build_layout

# SymPy-backed modules (codegen, reference) are imported where used: a warm
# compile finds its kernel source in the disk cache (compile/kernels.py) and
# needs neither.

__all__ = ["System", "compile", "NamedValues", "as_system"]

_warned_fallback = False


def _as_circuit(x):
    from ..model.population import Population
    if isinstance(x, Circuit):
        return x
    if isinstance(x, (Blox, Population)):
        return Circuit([x], name=x.name)
    raise CompileError(f"cannot compile a {type(x).__name__}; pass a Blox, Population, "
                       "Circuit or System")


class System:
    """A compiled circuit.  Made by :func:`compile`; do not construct directly.

    Attributes
    ----------
    state_names, param_names : list of str
        ``"<blox>.<symbol>"`` names, in the order of the flat vectors.
    params : NamedValues
        Current parameter values (change freely: no recompilation).
    x0 : ndarray
        Initial state.
    weights : ndarray
        Connection weights, one per edge (runtime values too).
    backend : str
        ``"numba"`` or ``"numpy"``.
    fastmath : bool
        Kernels compiled with ``fastmath=True`` (see :func:`compile`).
    """

    fastmath = False

    def __init__(self, circuit, layout, kernels, backend, promoted=None):
        self.circuit, self.layout, self.backend = circuit, layout, backend
        self._k = kernels
        self.state_names = list(layout.state_names)
        self.param_names = list(layout.param_names)
        bounds, owner = {}, {}
        for g in layout.groups:
            for name in g.names:
                owner[name] = g.btype.name
            for name, _, _ in g.entities:
                owner[name] = g.btype.name
            for pn, par in g.btype.params.items():
                if par.hard_bounds:
                    for name in g.names:
                        bounds[f"{name}.{pn}"] = par.hard_bounds
                    for name, _, _ in g.entities:
                        bounds[f"{name}.{pn}"] = par.hard_bounds
        #: blox path -> its type name (what ``type:`` selectors read)
        self.blox_types = owner
        vectors = {k: v for k, v in layout.vectors.items() if k not in
                   self._state_vectors(layout)}
        self.params = NamedValues(self.param_names, layout.p0, "parameter", bounds, vectors,
                                  owner_type=owner.get)
        aliases = {}
        for name, sel in (promoted or {}).items():
            try:
                aliases[name] = np.atleast_1d(self.params.index(sel)).astype(np.int64)
            except ParameterError as exc:
                raise CompileError(f"promoted parameter '{name}': {exc}") from None
        self.params.aliases = aliases
        self.x0 = layout.x0.copy()
        self.weights = layout.w0.copy()
        #: per-synapse weights of the spiking projections (runtime values)
        self.synapse_weights = layout.syn_w0.copy()
        self._state_index = {n: i for i, n in enumerate(self.state_names)}
        self._state_vec = self._state_vectors(layout)
        self._state_sel = {}
        self._ref = kernels if backend == "numpy" else None
        self._named_last = None     # (bits of p, {name: value}): param_dict

    # -- names ----------------------------------------------------------------
    @staticmethod
    def _state_vectors(layout):
        out = {}
        for g in layout.groups:
            if g.population:
                for name, st, cnt in g.entities:
                    for k, s in enumerate(g.btype.states):
                        out[f"{name}.{s}"] = np.arange(g.x(k, st), g.x(k, st) + cnt)
        return out

    def state_index(self, name):
        """Index of a state in the flat vector, with a suggestion on typos."""
        try:
            return self._state_index[name]
        except (KeyError, TypeError):
            hint = (f" '{name}' is a whole population: use state_indices()"
                    if name in getattr(self, "_state_vec", {}) else "")
            if is_selector(name):
                n = self.state_indices(name).size
                if n == 1:
                    return int(self.state_indices(name)[0])
                hint = f" '{name}' selects {n} states; name one here"
            raise ParameterError(f"no state named '{name}'.{hint}" +
                                 suggest(name, self.state_names[:2000])) from None

    def state_indices(self, name):
        """Slots of a state name: one for ``"fhn.V"``/``"pop[3].V"``, all the
        population's for ``"pop.V"``, every match of a selector (``"**.V"``,
        ``"type:HodgkinHuxley.V"``), as an int64 array."""
        if name in self._state_vec:
            return self._state_vec[name]
        if name not in self._state_index and is_selector(name):
            hit = self._state_sel.get(name)
            if hit is None:
                names = select(name, self.state_names, self.blox_types.get, "state")
                hit = self._state_sel[name] = np.array([self._state_index[n] for n in names],
                                                       dtype=np.int64)
            return hit
        return np.array([self.state_index(name)], dtype=np.int64)

    def match(self, name, what="state"):
        """Plain names a state (``what="state"``) or parameter name or selector
        stands for, in slot order of the matches.

        Examples
        --------
        >>> import nbblox as nb
        >>> s = nb.compile(nb.Circuit([nb.blox.FitzHughNagumo(name=n) for n in "ab"]))
        >>> s.match("*.V"), s.match("type:FitzHughNagumo.I", "parameter")
        (['a.V', 'b.V'], ['a.I', 'b.I'])
        """
        if what == "parameter":
            return self.params.match(name)
        return [self.state_names[i] for i in self.state_indices(name)]

    def parameter_info(self, name):
        """The :class:`~nbblox.model.params.Parameter` metadata behind ``name``
        (for a promoted parameter or a selector: that of its first match)."""
        i = self.params.index(name)
        if isinstance(i, np.ndarray) and name not in self.params.vectors:
            name = self.param_names[int(i[0])]
        bname, pname = name.rsplit(".", 1)
        return self.circuit[bname.split("[", 1)[0]].type.params[pname]

    def param_vector(self, params=None):
        """Copy of the parameter array with ``params`` (dict) applied."""
        p = self.params.copy()
        for k, v in (params or {}).items():
            p[k] = v
        return p.array

    def param_dict(self, p):
        """``{name: value}`` of the parameter vector ``p`` (a new dict each
        call).  The last one is kept and copied while ``p`` is the same bit
        for bit: building the dict of the W3 COBA network's 36 000
        parameters took 3-9 ms per simulate, a copy takes ~0.2 ms.

        Examples
        --------
        >>> import nbblox as nb
        >>> s = nb.compile(nb.blox.FitzHughNagumo(name="fhn", I=0.5))
        >>> d = s.param_dict(s.param_vector()); d["fhn.I"]
        0.5
        >>> d["fhn.I"] = 9.0; s.param_dict(s.param_vector())["fhn.I"]
        0.5
        """
        p = np.asarray(p, dtype=np.float64)
        last = getattr(self, "_named_last", None)   # one tuple: a thread sees old or new
        bits = p.view(np.int64)
        if last is None or not np.array_equal(last[0], bits):
            last = self._named_last = (bits.copy(), dict(zip(self.param_names, p.tolist())))
        return last[1].copy()

    def initial_state(self, x0=None):
        """Copy of ``x0`` with overrides: a dict of names or a full array."""
        x = self.x0.copy()
        if x0 is None:
            return x
        if isinstance(x0, dict):
            for k, v in x0.items():
                if k in self._state_vec or (k not in self._state_index and is_selector(k)):
                    idx = self.state_indices(k)
                    x[idx] = check_array(v, idx.size, k)
                else:
                    x[self.state_index(k)] = check_value(v, k)
            return x
        arr = np.asarray(x0, dtype=np.float64)
        if arr.shape != x.shape:
            raise ParameterError(f"x0 has shape {arr.shape}; this system has "
                                 f"{counted(x.size, 'state')} ({', '.join(self.state_names[:6])}...)")
        if not np.all(np.isfinite(arr)):
            raise ParameterError("x0 holds NaN or inf")
        return arr.copy()

    # -- evaluation -------------------------------------------------------------
    def _args(self, x, params):
        x = np.ascontiguousarray(x, dtype=np.float64)
        if x.shape != self.x0.shape:
            raise ParameterError(f"state vector has shape {x.shape}, expected {self.x0.shape}")
        p = params if isinstance(params, np.ndarray) else self.param_vector(params)
        return x, np.ascontiguousarray(p, dtype=np.float64)

    def rhs(self, x, t=0.0, params=None):
        """dx/dt at state ``x`` (flat array) and time ``t``."""
        x, p = self._args(x, params)
        L = self.layout
        if self.backend == "numpy":
            return self._k.rhs(float(t), x, p, self.weights, L.src, L.dst)
        dx = np.empty_like(x)
        u = np.zeros(max(L.n_inputs, 1))
        o = np.zeros(max(L.n_outputs, 1))
        self._k.rhs(float(t), x, p, self.weights, L.src, L.dst, dx, u, o)
        return dx

    def jacobian(self, x, t=0.0, params=None):
        """Dense Jacobian d(dx/dt)/dx from the symbolic derivatives."""
        x, p = self._args(x, params)
        L = self.layout
        if self.backend == "numpy":
            return self._k.jac(float(t), x, p, self.weights, L.src, L.dst)
        n = x.shape[0]
        ms = L.u_rows.shape[1]
        J = np.empty((n, n))
        u = np.zeros(max(L.n_inputs, 1))
        o = np.zeros(max(L.n_outputs, 1))
        dfu = np.zeros((max(L.n_inputs, 1), ms))
        dos = np.zeros((max(L.n_outputs, 1), ms))
        self._k.jac(float(t), x, p, self.weights, L.src, L.dst, J, u, o, dfu, dos,
                    L.u_rows, L.o_cols)
        return J

    @property
    def reference(self):
        """The NumPy reference kernels for this system (built on first use)."""
        if self._ref is None:
            from .reference import ReferenceKernels
            self._ref = ReferenceKernels(self.layout)
        return self._ref

    # -- symbolic ---------------------------------------------------------------
    def equations(self):
        """Symbolic right-hand sides as ``{state name: SymPy expr}`` in full
        names (``fhn.V``); connections appear as weighted sums, and an output
        that reads an input (a synapse's ``V_post``) reads that input's sum."""
        L = self.layout
        import sympy as sp
        from .codegen import group_expressions
        from .settle import settled_outputs
        exs = [group_expressions(g.btype) for g in L.groups]   # SymPy work: once per group

        def names(g, ex, name):
            sub = {s: sp.Symbol(f"{name}.{st}", real=True) for s, st in zip(ex["S"], g.btype.states)}
            sub.update({q: sp.Symbol(f"{name}.{pn}", real=True)
                        for q, pn in zip(ex["Q"], g.btype.params)})
            sub[sp.Symbol("t_s", real=True)] = sp.Symbol("t", real=True)
            return sub

        raw = {}
        for g, ex in zip(L.groups, exs):
            for i, name in enumerate(g.names):
                sub, slots = names(g, ex, name), {u: g.u(m, i) for m, u in enumerate(ex["U"])}
                for q, e in enumerate(ex["out"]):
                    raw[g.o(q, i)] = (e.xreplace(sub), slots)
        _, inputs = settled_outputs(L, raw, lambda e: self.weights[e])
        full = {}
        for g, ex in zip(L.groups, exs):
            for i, name in enumerate(g.names):
                sub = names(g, ex, name)
                sub.update({u: inputs(g.u(m, i)) for m, u in enumerate(ex["U"])})
                for k, st in enumerate(g.btype.states):
                    full[f"{name}.{st}"] = ex["f"][k].xreplace(sub)
        return full

    def symbolic_jacobian(self):
        """SymPy Matrix of the Jacobian (rows/columns in ``state_names`` order)."""
        eqs = self.equations()
        import sympy as sp
        xs = [sp.Symbol(n, real=True) for n in self.state_names]
        return sp.Matrix([eqs[n] for n in self.state_names]).jacobian(xs)

    def __repr__(self):
        return (f"<System '{self.circuit.name}': {counted(len(self.state_names), 'state')}, "
                f"{counted(len(self.param_names), 'parameter')}, backend={self.backend}>")


def _choose_backend(backend):
    global _warned_fallback
    if backend not in ("auto", "numba", "numpy"):
        raise CompileError(f"backend must be 'auto', 'numba' or 'numpy', not {backend!r}")
    if backend == "numba" and not jit.HAVE_NUMBA:
        raise CompileError("backend='numba' requested but numba is not importable; "
                           "install it with 'pip install numba' or use backend='numpy'")
    if backend == "auto":
        if jit.HAVE_NUMBA:
            return "numba"
        if not _warned_fallback:
            warnings.warn("nbblox: numba is not available; using the NumPy reference "
                          "backend (correct but slower).", RuntimeWarning, stacklevel=3)
            _warned_fallback = True
        return "numpy"
    return backend


def _check_wiring(flat, strict):
    """Inputs a model needs but nothing feeds (or fed twice): warn, or refuse
    with ``strict=True`` (nbblox.model.wiring)."""
    problems = wiring.check(flat)
    if not problems:
        return
    if strict:
        raise CircuitError("circuit is not fully wired (strict=True):\n  "
                           + "\n  ".join(problems))
    for msg in problems:
        warnings.warn(msg, WiringWarning, stacklevel=4)


def _check_supported(circuit):
    """Refuse, with a clear reason, what this compiler cannot run."""
    for b in circuit:
        t = b.type
        if not t.spike_text:
            continue
        import sympy as sp  # spiking types only
        if t.spike in (sp.true, sp.false):
            never = "never be false" if t.spike == sp.true else "never be true"
            raise CompileError(f"blox '{b.name}' ({t.name}): the spike condition "
                               f"'{t.spike_text}' is constant and can {never}; compare a "
                               "state with a threshold, e.g. 'V >= -50'")
        subs = {}
        for name, expr in t.eqs.aux.items():
            subs[sp.Symbol(name, real=True)] = expr.xreplace(subs)
        from ..model.symbolic import rand
        if not t.spike.has(rand) and not t.spike.xreplace(subs).free_symbols & {
                sp.Symbol(s, real=True) for s in t.states}:
            raise CompileError(f"blox '{b.name}' ({t.name}): the spike condition "
                               f"'{t.spike_text}' does not depend on any state, so it is "
                               "either always or never true")


def compile(model, backend="auto", *, strict=False, fastmath=False):
    """Compile a Blox or Circuit into a :class:`System`.

    Composites are laid out flat under their dotted paths.  An input a
    model needs but nothing connects (a synapse's ``V_post``) is a
    :class:`~nbblox.exceptions.WiringWarning`, or a CircuitError with
    ``strict=True``.

    Kernels are generated once per circuit structure (blox types and
    counts), cached on disk, and shared by every System of that structure.

    ``fastmath=True`` (default False) compiles kernels that may reassociate
    sums and contract products (LLVM fast-math without nnan/ninf), so a
    dense coupling is summed with vector instructions or, from 64 x 64
    cells, as one BLAS matrix-vector product: faster on dense
    networks, equal to the strict kernels within
    :data:`~nbblox.compile.fastmath.TOLERANCE` (1e-12) relative on the W2
    network, not bit-identical (:mod:`nbblox.compile.fastmath`).  The
    default keeps runs bit-reproducible.  No effect with the NumPy backend.

    Examples
    --------
    >>> import nbblox as nb
    >>> s = nb.compile(nb.blox.FitzHughNagumo(name="fhn"))
    >>> s.state_names
    ['fhn.V', 'fhn.w']
    """
    circuit = _as_circuit(model)
    backend = _choose_backend(backend)
    fastmath = check_fastmath(fastmath)
    # composites are laid out flat under their paths: the same kernels as a
    # circuit written out by hand (nbblox.model.composite)
    flat, promoted = composite.flatten(circuit)
    _check_wiring(flat, strict)
    _check_supported(flat)
    layout = build_layout(flat)
    if backend == "numpy":
        from .reference import ReferenceKernels
        s = System(circuit, layout, ReferenceKernels(layout), "numpy", promoted)
        s.fastmath = False
        return s
    s = System(circuit, layout, kernel_module(layout, fastmath), "numba", promoted)
    s.fastmath = fastmath
    return s


def as_system(model, backend="auto"):
    """``model`` if it is a System, else ``compile(model)``."""
    return model if isinstance(model, System) else compile(model, backend)
