"""Shared plumbing of the analyzers: resolving models, parameters and states,
numeric derivatives of a System, and stability classification.

Everything here works on the compiled System (analytic numba Jacobian);
parameter derivatives are central differences on the compiled rhs, and the
higher derivatives needed for normal-form coefficients are exact SymPy
derivatives lambdified once per structure/edges/weights (a small cache in
memory, and their code on disk: :mod:`._derivs`).
"""
from __future__ import annotations

import numpy as np

from ..compile.system import as_system
from ..exceptions import ParameterError, suggest
from ._derivs import np_expreln, build_sym  # noqa: F401  (np_expreln: tests)

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
            d = _SYMCACHE[key] = build_sym(self.s, derivatives=(what == "d"))
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
