"""Exact derivatives of a System's right-hand side for the analyzers, as
lambdified NumPy code: the vectorised f and Jacobian (phase plane, fixed points
over grids) and the second and third derivatives (normal forms: the first
Lyapunov coefficient of a Hopf point).

SymPy differentiates and prints them once per structure, edge list and weights;
the printed code is kept on disk (:func:`nbblox.compile.derived.cached_code`,
keyed by the structure -- which hashes every blox type's equation text --, the
edges, the weights, the nbblox and SymPy versions and the text of this module
and the modules that build the expressions), so a fresh kernel with a warm
cache draws a phase plane or a bifurcation diagram without importing SymPy.
"""
from __future__ import annotations

import builtins
import hashlib
import inspect

import numpy as np

from ..compile.npfuncs import LAMBDIFY_MODULES

__all__ = ["build_sym"]

#: modules whose code shapes the printed derivatives (a change invalidates the disk cache)
_CODE = ("analysis/_derivs.py", "compile/system.py", "compile/expressions.py", "compile/settle.py",
         "compile/npfuncs.py", "model/symbolic.py", "model/expression.py",
         "model/functions.py", "model/equations.py")


def np_expreln(k, x):
    """NumPy ``expreln(k, x)`` = integral_0^1 s^k e^(x s) ds for the lambdified
    derivatives: a series near 0 (where expm1(x)/x loses digits), the upward
    recurrence elsewhere; scalar in, float out."""
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


_FUNCS = {**LAMBDIFY_MODULES[0], "expreln": np_expreln}
_MODULES = [_FUNCS, "numpy"]


def _ns(kind, name):
    """Resolve a global of the printed code (called by the cached code itself)."""
    if kind == "nbblox":
        return _FUNCS[name]
    return np if name == "" else getattr(np, name)


class _Unprintable(Exception):
    """A lambdified function uses a global that cannot be named in text."""


def _fn_source(fn, name):
    """Source of a lambdified function, renamed to ``name``, preceded by the
    assignments of the globals it uses (``tanh = _ns("numpy", "tanh")``)."""
    src = inspect.getsource(fn).replace("def _lambdifygenerated(", f"def {name}(", 1)
    head, g = [], fn.__globals__
    codes, names = [fn.__code__], set()
    while codes:
        c = codes.pop()
        names.update(c.co_names)
        codes += [k for k in c.co_consts if inspect.iscode(k)]
    for n in sorted(names):
        if n not in g:
            continue                   # an attribute name, or a builtin
        v = g[n]
        if n in _FUNCS and v is _FUNCS[n]:
            head.append(f"{n} = _ns('nbblox', {n!r})")
        elif v is np:
            head.append(f"{n} = _ns('numpy', '')")
        elif getattr(np, n, None) is v:
            head.append(f"{n} = _ns('numpy', {n!r})")
        elif getattr(builtins, n, None) is v:
            continue
        else:
            raise _Unprintable(n)
    return "\n".join(head + [src])


def _safe(e):
    from ..model.symbolic import exprel, exprel1, expreln
    return e.replace(exprel, lambda a: expreln(0, a)).replace(exprel1, lambda a: expreln(1, a))


def _sym_parts(s, derivatives):
    """SymPy: (n, d2 keys, d3 keys, Jacobian entries, {name: lambdified fn})."""
    import sympy as sp
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
    J = sp.Matrix(F).jacobian(dummies_x)
    Jent = [(i, j, J[i, j]) for i in range(J.rows) for j in range(J.cols) if J[i, j] != 0]
    fns = {"fvec": lam(F)}
    if d2:
        fns["f2"] = lam([t[-1] for t in d2])
    if d3:
        fns["f3"] = lam([t[-1] for t in d3])
    if Jent:
        fns["jvec"] = lam([e for _, _, e in Jent])
    keys = lambda rows: [tuple(int(i) for i in t[:-1]) for t in rows]
    return len(xs), keys(d2), keys(d3), keys(Jent), fns


def _sym_source(s, derivatives):
    n, d2, d3, jent, fns = _sym_parts(s, derivatives)
    lines = ["# generated by nbblox.analysis._derivs -- do not edit",
             f"N = {n!r}", f"D2 = {d2!r}", f"D3 = {d3!r}", f"JENT = {jent!r}"]
    lines += [_fn_source(fn, name) for name, fn in fns.items()]
    return "\n\n".join(lines) + "\n"


def _namespace(s, derivatives):
    """The printed functions and their index lists (from the disk cache when a
    previous process printed them)."""
    from ..compile.derived import cached_code
    L = s.layout
    edges = hashlib.sha256(b"|".join(np.ascontiguousarray(a, dtype=dt).tobytes() for a, dt in
                                     ((L.src, np.int64), (L.dst, np.int64),
                                      (s.weights, np.float64)))).hexdigest()
    key = (bool(derivatives), L.structure_key, edges)
    try:
        return cached_code("analysis-derivatives", key, lambda: _sym_source(s, derivatives),
                           {"_ns": _ns, "__builtins__": builtins}, code=_CODE)
    except _Unprintable:               # not expressible as text: build in memory only
        n, d2, d3, jent, fns = _sym_parts(s, derivatives)
        return {"N": n, "D2": d2, "D3": d3, "JENT": jent, **fns}


def build_sym(s, derivatives=True):
    """``{"n", "d2": (n, keys, f2), "d3": (n, keys, f3), "vec": (f(X, p), J(X, p))}``
    for System ``s`` (``derivatives=False`` skips d2/d3: the phase plane needs
    only f and J)."""
    ns = _namespace(s, derivatives)
    n, jent = ns["N"], ns["JENT"]
    fvec, jvec = ns["fvec"], ns.get("jvec")
    f2, f3 = ns.get("f2"), ns.get("f3")

    def vf(X, p):
        out = np.empty(X.shape)
        for i, v in enumerate(fvec(*X, *p)):
            out[i] = v
        return out

    def vj(X, p):
        K = X.shape[1]
        out = np.zeros((n, n, K))
        if jvec is not None:
            for (i, j), v in zip(jent, jvec(*X, *p)):
                out[i, j] = v
        return out

    return {"n": n, "d2": (n, ns["D2"], f2), "d3": (n, ns["D3"], f3), "vec": (vf, vj)}
