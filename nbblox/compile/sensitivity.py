"""Forward sensitivity kernels: dS/dt = J S + df/dtheta, generated from the
symbolic equations and compiled with numba.

For chosen parameters ``theta`` (blox parameters, initial states, connection
weights) the augmented state ``y = [x, S]`` (``S[i, c] = dx_i/dtheta_c``) is
integrated with the same fixed-step scheme as ``run_<method>``.  Because an
explicit Runge-Kutta step applied to the augmented system is exactly the
derivative of that step applied to ``x``, the recorded sensitivities are the
exact derivatives of the discrete trajectory (they agree with central finite
differences taken on the same ``dt`` to rounding).

Kernel signature (one per fixed-step method)::

    run_<m>(y, p, w, t0, dt, nsteps, stride, rec, out_t, out_x, out_s)
        -> (steps_done, bad_state_or_-1, n_recorded)

``y`` has ``N_STATES * (1 + N_SENS)`` entries (``S`` row-major after ``x``),
``out_x`` is (len(rec), nrec), ``out_s`` (len(rec), N_SENS, nrec).  Only
plain ODE circuits (no spikes, delays or noise) of moderate size are served;
the generated source is cached on disk like the main kernels
(:func:`nbblox.compile.cache.cached_source`).  The kernels are statements
of :mod:`nbblox.compile.ir`, printed once.
"""
from __future__ import annotations

import threading

import numpy as np
import sympy as sp

from .._text import counted
from ..exceptions import ParameterError, SimulationError, suggest
from ..model.select import is_selector
from .cache import cached_source, load_module
from .emit import zero_safe
from .expressions import group_expressions
from .ir import Assign, Blank, For, Func, If, Item, Pass, Return, Temp, Verbatim, render_lines
from .schemes import SCHEMES
from .settle import settled_outputs
from .steps import rk_step, stage_allocs, stage_time

__all__ = ["sensitivity_columns", "sensitivity_kernels", "MAX_STATES", "MAX_COLUMNS"]

MAX_STATES = 300          # states of the circuit
MAX_COLUMNS = 6000        # states x sensitivity columns (size of S)
_lock = threading.Lock()
_mods = {}


def _owner(name):
    """Entity name of an instance name: ``pop[3]`` -> ``pop``."""
    return name.split("[", 1)[0]


def edge_names(layout):
    """``"a->b"`` for each continuous edge (source entity -> target entity)."""
    out_owner, in_owner = {}, {}
    for g in layout.groups:
        for i, nm in enumerate(g.names):
            for q in range(len(g.btype.outputs)):
                out_owner[g.o(q, i)] = _owner(nm)
            for m in range(len(g.btype.inputs)):
                in_owner[g.u(m, i)] = _owner(nm)
    return [f"{out_owner[int(s)]}->{in_owner[int(d)]}" for s, d in zip(layout.src, layout.dst)]


def sensitivity_columns(system, names):
    """Resolve sensitivity names into columns ``(kind, slots)``.

    ``kind`` is ``"p"`` (parameter slots; ``"pop.I"`` moves every neuron's
    slot together), ``"x0"`` (``"fhn.V(0)"``: an initial state) or ``"w"``
    (``"a->b"``: every edge from blox ``a`` to blox ``b`` together).

    Examples
    --------
    >>> import nbblox as nb
    >>> s = nb.compile(nb.blox.FitzHughNagumo(name="fhn"))
    >>> sensitivity_columns(s, ["fhn.a", "fhn.V(0)"])
    [('p', (1,)), ('x0', (0,))]
    """
    if isinstance(names, str):
        names = [names]
    L = system.layout
    cols, seen = [], set()
    edges = None
    for nm in names:
        if not isinstance(nm, str):
            raise ParameterError(f"sensitivity names must be strings, got {nm!r}")
        if nm in seen:
            raise ParameterError(f"sensitivity '{nm}' is requested twice")
        seen.add(nm)
        if nm.endswith("(0)"):
            st = nm[:-3]
            try:
                slots = system.state_indices(st)
            except ParameterError:
                raise ParameterError(f"no state named '{st}' for the initial-condition "
                                     f"sensitivity '{nm}'." +
                                     suggest(st, system.state_names[:2000])) from None
            cols.append(("x0", tuple(int(i) for i in slots)))
        elif "->" in nm:
            if edges is None:
                edges = edge_names(L)
            slots = tuple(e for e, en in enumerate(edges) if en == "".join(nm.split()))
            if not slots:
                raise ParameterError(f"no connection '{nm}' for a sensitivity." +
                                     suggest(nm, sorted(set(edges))))
            cols.append(("w", slots))
        else:
            # a selector or promoted parameter is one column: its slots move together
            if nm not in system.params._index and nm not in system.params.vectors and \
                    nm not in system.params.aliases and not is_selector(nm):
                raise ParameterError(
                    f"no parameter named '{nm}' for a sensitivity. Choose a parameter "
                    "('fhn.a'), an initial state ('fhn.V(0)') or a connection ('a->b')." +
                    suggest(nm, system.param_names[:2000] + list(system.params.vectors)))
            idx = system.params.index(nm)
            cols.append(("p", tuple(int(i) for i in np.atleast_1d(idx))))
    if not cols:
        raise ParameterError("sensitivities= is empty: name at least one parameter")
    return cols


def check_supported(system, ncols):
    """Refuse circuits the sensitivity kernels do not serve, saying why."""
    L = system.layout
    what = [w for w, on in (("spikes", L.has_spikes), ("delays", L.has_delays),
                            ("noise", L.has_noise)) if on]
    if what:
        raise SimulationError(
            f"sensitivities need a deterministic ODE circuit; '{system.circuit.name}' has "
            f"{' and '.join(what)}. Fit spiking or noisy models with feature losses "
            "(nb.fit(..., loss=nb.fit.features(...), method='differential_evolution')).")
    n = len(system.state_names)
    if n > MAX_STATES or n * ncols > MAX_COLUMNS:
        raise SimulationError(
            f"sensitivities of {counted(ncols, 'parameter')} on {counted(n, 'state')} are too large to "
            f"generate (limit {MAX_STATES} states and {MAX_COLUMNS} states x parameters); "
            "choose fewer parameters or a smaller circuit")


def _symbolic(layout):
    """f_i in flat symbols x_i, p_j, w_e, t_s (weights stay runtime values)."""
    X = [sp.Symbol(f"x_{i}", real=True) for i in range(len(layout.state_names))]
    P = [sp.Symbol(f"p_{j}", real=True) for j in range(len(layout.param_names))]
    W = [sp.Symbol(f"w_{e}", real=True) for e in range(len(layout.src))]
    exs = [group_expressions(g.btype) for g in layout.groups]
    raw = {}
    subs = []
    for g, ex in zip(layout.groups, exs):
        per = []
        for i in range(g.n):
            sub = {s: X[g.x(k, i)] for k, s in enumerate(ex["S"])}
            sub.update({q: P[g.p(j, i)] for j, q in enumerate(ex["Q"])})
            per.append(sub)
            slots = {u: g.u(m, i) for m, u in enumerate(ex["U"])}
            for q, e in enumerate(ex["out"]):
                raw[g.o(q, i)] = (e.xreplace(sub), slots)
        subs.append(per)
    # outputs that read inputs (a synapse's V_post) read the settled sums
    _, inputs = settled_outputs(layout, raw, lambda e: W[e])
    f = [None] * len(X)
    for g, ex, per in zip(layout.groups, exs, subs):
        for i in range(g.n):
            sub = dict(per[i])
            sub.update({u: inputs(g.u(m, i)) for m, u in enumerate(ex["U"])})
            for k in range(len(ex["f"])):
                f[g.x(k, i)] = ex["f"][k].xreplace(sub)
    return X, P, W, f


def _augmented(layout, cols):
    """Right-hand sides of [x, S] and the symbols they read."""
    X, P, W, f = _symbolic(layout)
    n, m = len(X), len(cols)
    Ssym = [[sp.Symbol(f"s_{i}_{c}", real=True) for c in range(m)] for i in range(n)]
    xset = {x: k for k, x in enumerate(X)}
    exprs = list(f)
    for i in range(n):
        deps = [(xset[s], sp.diff(f[i], s)) for s in f[i].free_symbols if s in xset]
        for c, (kind, slots) in enumerate(cols):
            e = sp.Integer(0)
            for k, d in deps:
                e += d * Ssym[k][c]
            if kind == "p":
                e += sum((sp.diff(f[i], P[j]) for j in slots), sp.Integer(0))
            elif kind == "w":
                e += sum((sp.diff(f[i], W[j]) for j in slots), sp.Integer(0))
            exprs.append(e)
    return X, P, W, Ssym, exprs


def _stage_maker(n, m, X, Ssym, exprs):
    """``stage(yin, dy)``: one evaluation of the augmented right-hand side
    from array ``yin`` into ``dy`` (CSE runs once; every stage builds its
    statements from the one result)."""
    used = set().union(*(e.free_symbols for e in exprs))
    loads = [(x, i) for i, x in enumerate(X) if x in used]
    loads += [(Ssym[i][c], n + i * m + c) for i in range(n) for c in range(m)
              if Ssym[i][c] in used]
    repl, reduced = sp.cse([zero_safe(e) for e in exprs], symbols=sp.numbered_symbols("c"),
                           optimizations=None)
    return lambda yin, dy: ([Assign(sym, Item(yin, k)) for sym, k in loads]
                            + [Temp(sym, e) for sym, e in repl]
                            + [Assign(Item(dy, r), e) for r, e in enumerate(reduced)])


def _kernel(scheme, loads, stage):
    """``run_<scheme>`` over the augmented state ``y``."""
    sens = lambda col: For("c", ("N_SENS",), [
        Assign(f"out_s[r, c, {col}]", "y[N_STATES + rec[r] * N_SENS + c]")])
    record = lambda col: For("r", ("rec.shape[0]",), [
        Assign(f"out_x[r, {col}]", "y[rec[r]]"), sens(col)])
    body = rk_step(scheme, lambda s, yin, c: [Assign("t_s", stage_time(c))]
                   + stage(yin, f"k{s + 1}"), "y", "NY")
    step = [Assign("t", "t0 + step * dt"), *body,
            For("i", ("NY",), [If([("not math.isfinite(y[i])", [Return(("step + 1", "i", "j"))])])]),
            If([("(step + 1) % stride == 0", [Assign("out_t[j]", "t0 + (step + 1) * dt"),
                                               record("j"), Assign("j", 1, "+=")])])]
    pre = stage_allocs(scheme, "NY", fused=False) + (loads or [Pass()])
    return Func(f"run_{scheme.name}", ("y", "p", "w", "t0", "dt", "nsteps", "stride", "rec",
                                       "out_t", "out_x", "out_s"),
                pre + [Assign("out_t[0]", "t0"), record(0), Assign("j", 1),
                       For("step", ("nsteps",), step), Return(("nsteps", -1, "j"))])


def generate_sensitivity_source(layout, cols):
    """Source of the sensitivity kernel module (deterministic text)."""
    X, P, W, Ssym, exprs = _augmented(layout, cols)
    n, m = len(X), len(cols)
    used = set().union(*(e.free_symbols for e in exprs))
    loads = [Assign(q, f"p[{j}]") for j, q in enumerate(P) if q in used]
    loads += [Assign(q, f"w[{e}]") for e, q in enumerate(W) if q in used]
    M = [Verbatim(h) for h in ("# generated by nbblox.compile.sensitivity -- do not edit",
                               "import math", "import numpy as np",
                               "from nbblox.compile.jit import njit, exprel, exprel1")]
    M += [Blank(), Assign("N_STATES", n), Assign("N_SENS", m), Assign("NY", n * (1 + m))]
    stage = _stage_maker(n, m, X, Ssym, exprs)
    for scheme in SCHEMES:
        if "sensitivity" in scheme.backends:
            M += [Blank(), _kernel(scheme, loads, stage), Blank()]
    return "\n".join(render_lines(M)) + "\n"


def sensitivity_kernels(system, cols):
    """The compiled module for this system's structure and columns (cached
    in memory and on disk)."""
    L = system.layout
    key = ("sensitivity-v1", L.structure_key, tuple(L.src.tolist()), tuple(L.dst.tolist()),
           tuple(cols))
    with _lock:
        mod = _mods.get(key)
        if mod is None:
            src = cached_source(key, lambda: generate_sensitivity_source(L, cols))
            mod = _mods[key] = load_module(src)
    return mod


def initial_augmented(system, x, cols):
    """``y0 = [x, S0]`` with ``S0 = dx0/dtheta`` (unit rows for ``x0`` columns)."""
    n, m = x.size, len(cols)
    y = np.zeros(n * (1 + m))
    y[:n] = x
    for c, (kind, slots) in enumerate(cols):
        if kind == "x0":
            for k in slots:
                y[n + k * m + c] = 1.0
    return y
