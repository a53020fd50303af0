"""Shared plumbing of the analyzers: resolving models, parameters and states,
numeric derivatives of a System, and stability classification.

Everything here works on the compiled System (analytic numba Jacobian);
parameter derivatives are central differences on the compiled rhs, and the
higher derivatives needed for normal-form coefficients are exact SymPy
derivatives lambdified once per structure/edges/weights (a small cache).
"""
from __future__ import annotations

import numpy as np
import sympy as sp

from ..compile.reference import LAMBDIFY_MODULES
from ..model.symbolic import exprel, exprel1, expreln
from ..compile.system import as_system
from ..exceptions import ParameterError, suggest

__all__ = ["Problem", "classify", "classify_many", "resolve"]

_SYMCACHE = {}  # (structure, edges, weights) -> lambdified functions


def resolve(model):
    """A System from a System, Blox or Circuit."""
    return as_system(model)


def check_param(s, name):
    if not isinstance(name, str) or name not in s.param_names:
        raise ParameterError(f"no parameter named {name!r} in this system."
                             + suggest(str(name), s.param_names))
    return s.param_names.index(name)


def check_state(s, name):
    if not isinstance(name, str) or name not in s.state_names:
        raise ParameterError(f"no state named {name!r} in this system."
                             + suggest(str(name), s.state_names))
    return s.state_names.index(name)


class Problem:
    """f(x, p), its Jacobians and derivatives for one System.

    ``p`` is always the full parameter array; ``k`` indexes the continuation
    parameter(s).
    """

    def __init__(self, system, params=None):
        self.s = resolve(system)
        self.n = len(self.s.state_names)
        self.p0 = self.s.param_vector(params or {})

    def f(self, x, p):
        return self.s.rhs(x, 0.0, p)

    def J(self, x, p):
        return self.s.jacobian(x, 0.0, p)

    def fp(self, x, p, k):
        """d f / d p_k by central differences (error ~1e-10 relative)."""
        h = 1e-6 * max(1.0, abs(p[k]))
        pp, pm = p.copy(), p.copy()
        pp[k] += h
        pm[k] -= h
        return (self.f(x, pp) - self.f(x, pm)) / (2 * h)

    def Jp(self, x, p, k):
        h = 1e-6 * max(1.0, abs(p[k]))
        pp, pm = p.copy(), p.copy()
        pp[k] += h
        pm[k] -= h
        return (self.J(x, pp) - self.J(x, pm)) / (2 * h)

    # -- exact multilinear forms (for normal forms) --------------------------
    def _sym(self, what="d"):
        # the lambdified functions take positional arguments, so Systems of one
        # structure, edge list and weights share them (weights are baked in)
        L = self.s.layout
        key = (what, L.structure_key, L.src.tobytes(), L.dst.tobytes(), self.s.weights.tobytes())
        d = _SYMCACHE.get(key)
        if d is None:
            if len(_SYMCACHE) > 32:
                _SYMCACHE.pop(next(iter(_SYMCACHE)))
            d = _SYMCACHE[key] = _build_sym(self.s, derivatives=(what == "d"))
        return d

    def vec(self):
        """Vectorised (f, J) callables over columns: f(X (n,K), p) -> (n,K)."""
        return self._sym("vec")["vec"]

    def B(self, x, p, u, v):
        """Second derivative D^2 f(x)[u, v] (complex vectors allowed)."""
        return _multi(self._sym()["d2"], x, p, [u, v])

    def C(self, x, p, u, v, w):
        """Third derivative D^3 f(x)[u, v, w]."""
        return _multi(self._sym()["d3"], x, p, [u, v, w])


def _np_expreln(k, x):
    x = np.asarray(x, dtype=float)
    k = int(k)
    out = np.empty_like(x)
    small = np.abs(x) < 0.1
    if small.any():
        xs = x[small]
        acc, term = np.zeros_like(xs), np.ones_like(xs)
        for j in range(11):  # sum x^j / (j! (j + k + 1)); 0.1^11/11! < 1e-18
            acc += term / (j + k + 1)
            term = term * xs / (j + 1)
        out[small] = acc
    if small.all():
        return out if out.ndim else float(out)
    xl = x[~small]
    val = np.expm1(xl) / xl
    if k:
        ex = np.exp(xl)
        for m in range(1, k + 1):  # I_m = (e^x - m I_{m-1}) / x; error grows ~ m/|x| per step
            val = (ex - m * val) / xl
    out[~small] = val
    return out if out.ndim else float(out)


_MODULES = [{**LAMBDIFY_MODULES[0], "expreln": _np_expreln}, "numpy"]


def _safe(e):
    return e.replace(exprel, lambda a: expreln(0, a)).replace(exprel1, lambda a: expreln(1, a))


def _build_sym(s, derivatives=True):
    eqs = s.equations()
    xs = [sp.Symbol(n, real=True) for n in s.state_names]
    ps = [sp.Symbol(n, real=True) for n in s.param_names]
    tsym = sp.Symbol("t", real=True)
    F = [eqs[n] for n in s.state_names]
    dummies_x = [sp.Dummy(f"x{i}") for i in range(len(xs))]
    dummies_p = [sp.Dummy(f"p{i}") for i in range(len(ps))]
    sub = dict(zip(xs + ps, dummies_x + dummies_p))
    sub[tsym] = 0
    F = [_safe(sp.sympify(e).xreplace(sub)) for e in F]
    args = dummies_x + dummies_p
    d2, d3 = [], []
    for r, e in enumerate(F if derivatives else []):
        fr = sorted(e.free_symbols & set(dummies_x), key=lambda d: dummies_x.index(d))
        idx = [dummies_x.index(d) for d in fr]
        for a in range(len(fr)):
            ea = sp.diff(e, fr[a])
            for b in range(a, len(fr)):
                eab = sp.diff(ea, fr[b])
                if eab != 0:
                    d2.append((r, idx[a], idx[b], eab))
                for c in range(b, len(fr)):
                    eabc = sp.diff(eab, fr[c])
                    if eabc != 0:
                        d3.append((r, idx[a], idx[b], idx[c], eabc))
    lam = lambda exprs: sp.lambdify(args, exprs, modules=_MODULES, cse=True)
    f2 = lam([t[-1] for t in d2]) if d2 else None
    f3 = lam([t[-1] for t in d3]) if d3 else None
    J = sp.Matrix(F).jacobian(dummies_x)
    fvec = lam(F)
    Jent = [(i, j, J[i, j]) for i in range(J.rows) for j in range(J.cols) if J[i, j] != 0]
    jvec = lam([e for _, _, e in Jent]) if Jent else None
    n = len(xs)

    def vf(X, p):
        out = np.empty(X.shape)
        for i, v in enumerate(fvec(*X, *p)):
            out[i] = v
        return out

    def vj(X, p):
        K = X.shape[1]
        out = np.zeros((n, n, K))
        if jvec is not None:
            for (i, j, _), v in zip(Jent, jvec(*X, *p)):
                out[i, j] = v
        return out

    return {"n": n, "d2": (n, [t[:-1] for t in d2], f2), "d3": (n, [t[:-1] for t in d3], f3),
            "vec": (vf, vj)}


def _multi(spec, x, p, vecs):
    """Evaluate a symmetric multilinear form from its unique entries."""
    import itertools
    n, keys, fn = spec
    out = np.zeros(n, dtype=complex)
    x = np.asarray(x, dtype=float)
    if fn is None:
        return out
    vals = fn(*x, *p)
    for key, val in zip(keys, vals):
        r, idx = key[0], key[1:]
        # sum over the distinct orderings of this index multiset
        for perm in set(itertools.permutations(idx)):
            term = val
            for v, i in zip(vecs, perm):
                term = term * v[i]
            out[r] += term
    return out


def classify(eigs, tol=1e-9):
    """Stability label of an equilibrium from its eigenvalues.

    Mixed signs are a ``"saddle"`` -- except, in more than two dimensions,
    when the only unstable eigenvalues are one complex pair (the resting
    state of a neuron just past a Hopf point): that is an ``"unstable
    focus"`` (a saddle-focus with a 2-D unstable manifold).  Zero real parts
    give ``"center"`` (one imaginary pair, the rest stable) or
    ``"non-hyperbolic"``.  A saddle is never called a "saddle node".

    Examples
    --------
    >>> classify([-1.0, -2.0]), classify([-1 + 2j, -1 - 2j]), classify([1.0, -1.0])
    ('stable node', 'stable focus', 'saddle')
    >>> classify([2j, -2j])
    'center'
    """
    ev = np.asarray(eigs, dtype=complex)
    if ev.size == 0:
        return "non-hyperbolic"
    scale = max(1.0, float(np.max(np.abs(ev))))
    re = ev.real
    zero = np.abs(re) <= tol * scale
    if np.any(zero):
        crit = ev[zero]
        others = re[~zero]
        if np.all(np.abs(crit.imag) > tol * scale) and np.all(others < 0) and crit.size == 2:
            return "center"
        return "non-hyperbolic"
    npos, nneg = int(np.sum(re > 0)), int(np.sum(re < 0))
    unstable = ev[re > 0]
    if npos and nneg and not (npos == 2 and np.all(np.abs(unstable.imag) > tol * scale)):
        return "saddle"
    if npos:  # all unstable, or one unstable complex pair (n > 2: a saddle-focus)
        lead = ev[np.argmax(re)] if nneg else ev[np.argmin(np.abs(re))]
        return "unstable " + ("focus" if abs(lead.imag) > tol * scale else "node")
    lead = ev[np.argmin(np.abs(re))]  # slowest decaying mode sets node vs focus
    return "stable " + ("focus" if abs(lead.imag) > tol * scale else "node")


def classify_many(ev, tol=1e-9):
    """:func:`classify` for a stack of eigenvalue rows (K, n), as whole-array
    operations; returns a list of K labels equal to ``[classify(e) for e in ev]``.

    Examples
    --------
    >>> classify_many(np.array([[-1.0, -2.0], [1.0, -1.0], [2j, -2j]]))
    ['stable node', 'saddle', 'center']
    """
    ev = np.asarray(ev, dtype=complex)
    K = ev.shape[0]
    if K == 0:
        return []
    if ev.shape[1] == 0:
        return ["non-hyperbolic"] * K
    scale = np.maximum(1.0, np.max(np.abs(ev), axis=1))[:, None]
    re, im = ev.real, np.abs(ev.imag)
    zero = np.abs(re) <= tol * scale
    cplx = im > tol * scale
    nzero = zero.sum(1)
    center = ((nzero == 2) & np.all(cplx | ~zero, 1) & np.all(zero | (re < 0), 1))
    pos, neg = (re > 0) & ~zero, (re < 0) & ~zero
    npos, nneg = pos.sum(1), neg.sum(1)
    saddle = (npos > 0) & (nneg > 0) & ~((npos == 2) & np.all(cplx | ~pos, 1))
    rows = np.arange(K)
    slowest = np.argmin(np.abs(re), axis=1)
    lead = np.where(nneg > 0, np.argmax(re, axis=1), slowest)
    ucplx = cplx[rows, np.where(npos > 0, lead, slowest)]
    out = np.where(nzero > 0, np.where(center, "center", "non-hyperbolic"),
                   np.where(saddle, "saddle",
                            np.where(npos > 0, np.where(ucplx, "unstable focus", "unstable node"),
                                     np.where(ucplx, "stable focus", "stable node"))))
    return out.tolist()
