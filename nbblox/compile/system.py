"""System: a compiled circuit -- flat named states and parameters, symbolic
equations, and the kernels (numba, or the NumPy reference backend).

Parameters live in a runtime array: changing one never recompiles.

This module owns :func:`compile` (backend choice, the checks a circuit must pass,
layout and kernels) and the :class:`System` it returns: evaluating the right-hand
side and Jacobian, and the symbolic equations.  Addressing states and parameters by
name is the System's base class :class:`~nbblox.compile.system_names.NamedSlots`.
"""
from __future__ import annotations

import copy
import warnings

import numpy as np

from .._text import counted
from ..exceptions import CircuitError, CompileError, ParameterError, WiringWarning
from ..model.blox import Blox
from ..model.circuit import Circuit
from ..model import composite, wiring
from .named import NamedValues  # noqa: F401 (re-exported: sim/callbacks, users)
from .system_names import NamedSlots, parameter_values, state_vectors
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


class System(NamedSlots):
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
        state_vec = state_vectors(layout)
        #: blox path -> its type name (what ``type:`` selectors read)
        self.blox_types, self.params = parameter_values(layout, self.param_names,
                                                          state_vec, promoted)
        self.x0 = layout.x0.copy()
        self.weights = layout.w0.copy()
        #: per-synapse weights of the spiking projections (runtime values)
        self.synapse_weights = layout.syn_w0.copy()
        self._state_index = {n: i for i, n in enumerate(self.state_names)}
        self._state_vec = state_vec
        self._state_sel = {}
        self._ref = kernels if backend == "numpy" else None
        self._named_last = None     # (bits of p, {name: value}): param_dict

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

    # -- pickle and copy -------------------------------------------------------
    def __getstate__(self):
        # everything but the kernels: a module (or the reference backend's
        # functions) is no data; __setstate__ rebuilds it from the layout
        return {**self.__dict__, "_k": None, "_ref": None, "_named_last": None}

    def __setstate__(self, state):
        self.__dict__.update(state)
        if self.backend == "numpy":
            from .reference import ReferenceKernels
            self._k = self._ref = ReferenceKernels(self.layout)
        else:   # the text from the kernel cache (no SymPy when warm), numba's cache
            self._k = kernel_module(self.layout, self.fastmath)

    def __copy__(self):
        # a shallow copy shares everything, the kernels too (with_fastmath)
        other = object.__new__(type(self))
        other.__dict__.update(self.__dict__)
        return other

    def __deepcopy__(self, memo):
        # its own values and layout, the same kernels: they hold no values (and the
        # reference backend's would take SymPy to build again)
        other = memo[id(self)] = object.__new__(type(self))
        other.__dict__.update(copy.deepcopy(self.__getstate__(), memo))
        other._k, other._ref = self._k, self._ref
        return other

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
