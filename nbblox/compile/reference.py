"""NumPy reference backend: the same SymPy expressions, evaluated with NumPy.

It is the oracle the numba kernels are tested against (a separate code path:
``sympy.lambdify`` instead of nbblox's printer, vectorised over each group
instead of scalar loops) and the fallback where numba cannot run.
"""
from __future__ import annotations

import numpy as np
import sympy as sp

from .codegen import group_expressions

__all__ = ["ReferenceKernels"]


def _np_exprel(x):
    x = np.asarray(x, dtype=float)
    small = np.abs(x) < 1e-5
    safe = np.where(small, 1.0, x)
    return np.where(small, 1.0 + x / 2 + x * x / 6, np.expm1(safe) / safe)


def _np_exprel1(x):
    x = np.asarray(x, dtype=float)
    small = np.abs(x) < 1e-3
    safe = np.where(small, 1.0, x)
    return np.where(small, 0.5 + x / 3 + x * x / 8,
                    (safe * np.exp(safe) - np.expm1(safe)) / (safe * safe))


_MODULES = [{"exprel": _np_exprel, "exprel1": _np_exprel1,
             "Heaviside": lambda x, h=1.0: np.heaviside(x, h)}, "numpy"]


class _GroupFns:
    def __init__(self, g):
        ex = group_expressions(g.btype)
        t = sp.Symbol("t_s", real=True)
        args = (t, *ex["S"], *ex["Q"], *ex["U"])
        self.g, self.ns, self.nq, self.nu = g, len(ex["S"]), len(ex["Q"]), len(ex["U"])
        mk = lambda exprs: sp.lambdify(args, exprs, modules=_MODULES) if exprs else None
        self.f = mk(ex["f"])
        self.out = mk(ex["out"])
        self.dfds = mk([e for row in ex["dfds"] for e in row])
        self.dfdu = mk([e for row in ex["dfdu"] for e in row])
        self.dods = mk([e for row in ex["dods"] for e in row])
        self.no = len(ex["out"])

    def args(self, t, x, p, u):
        g, n = self.g, self.g.n
        S = [x[g.xoff + k * n: g.xoff + (k + 1) * n] for k in range(self.ns)]
        Q = [p[g.poff + j * n: g.poff + (j + 1) * n] for j in range(self.nq)]
        U = [u[g.uoff + m * n: g.uoff + (m + 1) * n] for m in range(self.nu)]
        return (t, *S, *Q, *U)

    def call(self, fn, args):
        n = self.g.n
        return [np.broadcast_to(np.asarray(v, dtype=float), (n,)) for v in fn(*args)]


class ReferenceKernels:
    """rhs/jac of a layout evaluated with NumPy (vectorised per group)."""

    def __init__(self, layout):
        self.layout = layout
        self.groups = [_GroupFns(g) for g in layout.groups]

    def couple(self, t, x, p, w, src, dst):
        L = self.layout
        o = np.zeros(max(L.n_outputs, 1))
        for G in self.groups:
            if G.no:
                vals = G.call(G.out, G.args(t, x, p, np.zeros(max(L.n_inputs, 1))))
                for q, v in enumerate(vals):
                    o[G.g.ooff + q * G.g.n: G.g.ooff + (q + 1) * G.g.n] = v
        u = np.zeros(max(L.n_inputs, 1))
        np.add.at(u, dst, w * o[src])
        return u, o

    def rhs(self, t, x, p, w, src, dst):
        u, _ = self.couple(t, x, p, w, src, dst)
        dx = np.empty_like(x)
        for G in self.groups:
            if G.f is None:
                continue
            for k, v in enumerate(G.call(G.f, G.args(t, x, p, u))):
                dx[G.g.xoff + k * G.g.n: G.g.xoff + (k + 1) * G.g.n] = v
        return dx

    def jac(self, t, x, p, w, src, dst):
        L = self.layout
        u, _ = self.couple(t, x, p, w, src, dst)
        N = x.shape[0]
        J = np.zeros((N, N))
        ms = L.u_rows.shape[1]
        dfu = np.zeros((max(L.n_inputs, 1), ms))
        dos = np.zeros((max(L.n_outputs, 1), ms))
        for G in self.groups:
            g, n, ns = G.g, G.g.n, G.ns
            a = G.args(t, x, p, u)
            idx = np.arange(n)
            if G.f is None:
                continue
            vals = G.call(G.dfds, a)
            for k in range(ns):
                for l in range(ns):
                    J[g.xoff + k * n + idx, g.xoff + l * n + idx] = vals[k * ns + l]
            if G.nu:
                vals = G.call(G.dfdu, a)
                for k in range(ns):
                    for m in range(G.nu):
                        dfu[g.uoff + m * n + idx, k] = vals[k * G.nu + m]
            if G.no:
                vals = G.call(G.dods, a)
                for q in range(G.no):
                    for l in range(ns):
                        dos[g.ooff + q * n + idx, l] = vals[q * ns + l]
        for e in range(len(src)):
            rows, cols = L.u_rows[dst[e]], L.o_cols[src[e]]
            rows, cols = rows[rows >= 0], cols[cols >= 0]
            J[np.ix_(rows, cols)] += w[e] * np.outer(dfu[dst[e], :len(rows)],
                                                     dos[src[e], :len(cols)])
        return J
