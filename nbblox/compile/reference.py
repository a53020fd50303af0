"""NumPy reference backend: the same SymPy expressions, evaluated with NumPy.

It is the oracle the numba kernels are tested against (a separate code path:
``sympy.lambdify`` instead of nbblox's printer, vectorised over each group
instead of scalar loops) and the fallback where numba cannot run.
"""
from __future__ import annotations

import numpy as np
import sympy as sp

from ..model.symbolic import interp
from .expressions import group_expressions
from .npfuncs import LAMBDIFY_MODULES, np_exprel as _np_exprel
from .schemes import linear_parts

__all__ = ["ReferenceKernels", "LAMBDIFY_MODULES"]


def _table_value(t, T, V):
    """interp() per instance, with the kernel's rules: T, V are (K, n)."""
    K, n = T.shape
    out = np.empty(n)
    for i in range(n):
        if not t > T[0, i]:
            out[i] = V[0, i] if t == t else np.nan
        elif t >= T[-1, i]:
            out[i] = V[-1, i]
        else:
            lo = min(int(np.searchsorted(T[:, i], t, side="right")) - 1, K - 2)
            t0, t1 = T[lo, i], T[lo + 1, i]
            out[i] = V[lo, i] + (V[lo + 1, i] - V[lo, i]) * (t - t0) / (t1 - t0)
    return out


def _tables(ex):
    """Replace each interp() call by a symbol ``tab<m>``; its value is computed
    per instance in :meth:`_GroupFns.args` from the table in ``p``."""
    extra = [ex["spike"]] if ex["spike"] is not None else []
    calls = sorted(set().union(*(e.atoms(interp) for e in
                                 ex["f"] + ex["g"] + ex["out"] + extra
                                 + [e for _, e in ex["reset"]]
                                 + [x for r in ex["dfds"] for x in r]
                                 + [x for r in ex["dfdu"] for x in r]
                                 + [x for r in ex["dods"] for x in r]
                                 + [x for r in ex["dodu"] for x in r])), key=str)
    subs = {c: sp.Symbol(f"tab{m}", real=True) for m, c in enumerate(calls)}
    Q = ex["Q"]
    spec = [(Q.index(c.args[1]), Q.index(c.args[3]), int(c.args[4])) for c in calls]
    for key in ("f", "g", "out"):
        ex[key] = [e.xreplace(subs) for e in ex[key]]
    if ex["spike"] is not None:
        ex["spike"] = ex["spike"].xreplace(subs)
    ex["reset"] = [(k, e.xreplace(subs)) for k, e in ex["reset"]]
    for key in ("dfds", "dfdu", "dods", "dodu"):
        ex[key] = [[e.xreplace(subs) for e in row] for row in ex[key]]
    return [subs[c] for c in calls], spec


class _GroupFns:
    def __init__(self, g):
        ex = group_expressions(g.btype)
        t = sp.Symbol("t_s", real=True)
        tabs, self.tables = _tables(ex)
        args = (t, *ex["S"], *ex["Q"], *ex["U"], *tabs)
        self.g, self.ns, self.nq, self.nu = g, len(ex["S"]), len(ex["Q"]), len(ex["U"])
        self.ex, self.arglist = ex, args  # for the network loop (nbblox.sim.reference_net)
        mk = lambda exprs: sp.lambdify(args, exprs, modules=LAMBDIFY_MODULES) if exprs else None
        self.f = mk(ex["f"])
        # coefficients of xi (white noise), used by the reference network loop
        self.diff = mk(ex["g"]) if any(gk != 0 for gk in ex["g"]) else None
        self.noisy = [k for k, gk in enumerate(ex["g"]) if gk != 0]
        self.out = mk(ex["out"])
        self.dfds = mk([e for row in ex["dfds"] for e in row])
        self.dfdu = mk([e for row in ex["dfdu"] for e in row])
        self.dods = mk([e for row in ex["dods"] for e in row])
        self.no = len(ex["out"])
        U = set(ex["U"])
        self.out_reads_inputs = any(e.free_symbols & U for e in ex["out"])
        self.dodu = mk([e for row in ex["dodu"] for e in row]) if self.out_reads_inputs else None
        self._lin = {}

    def args(self, t, x, p, u, idx=None):
        """Lambdify arguments for every instance of the group, or for the
        instances ``idx`` (an index array: spiking neurons, targets)."""
        g, n = self.g, self.g.n
        at = slice(None) if idx is None else idx
        S = [x[g.xoff + k * n: g.xoff + (k + 1) * n][at] for k in range(self.ns)]
        Q = [p[g.poff + j * n: g.poff + (j + 1) * n][at] for j in range(self.nq)]
        U = [u[g.uoff + m * n: g.uoff + (m + 1) * n][at] for m in range(self.nu)]
        tabs = []
        for jt, jv, K in self.tables:
            T = p[g.poff + jt * n: g.poff + (jt + K) * n].reshape(K, n)[:, at]
            V = p[g.poff + jv * n: g.poff + (jv + K) * n].reshape(K, n)[:, at]
            tabs.append(_table_value(t, T, V))
        return (t, *S, *Q, *U, *tabs)

    def call(self, fn, args):
        n = self.g.n
        return [np.broadcast_to(np.asarray(v, dtype=float), (n,)) for v in fn(*args)]

    def linear_part(self, scheme):
        """Lambdified linear part of the drift for an exponential scheme
        (entries of diag A or of A, row-major), made on first use."""
        if scheme.name not in self._lin:
            A, bad = linear_parts(scheme, self.ex)
            if bad is not None:
                raise ValueError(f"{scheme.name}: state {bad[0]} {bad[1]}")
            flat = A if scheme.linear_part == "diagonal" else [e for row in A for e in row]
            self._lin[scheme.name] = sp.lambdify(self.arglist, flat, modules=LAMBDIFY_MODULES)
        return self._lin[scheme.name]


class ReferenceKernels:
    """rhs/jac of a layout evaluated with NumPy (vectorised per group)."""

    def __init__(self, layout):
        self.layout = layout
        self.groups = [_GroupFns(g) for g in layout.groups]
        chain = sum(G.out_reads_inputs for G in self.groups)
        # passes after the first (nbblox.compile.emit.settle_count)
        self._chain = max(chain, layout.out_passes) if chain else 0

    def couple(self, t, x, p, w, src, dst, delayed=None):
        """Outputs of every blox and the weighted sums into the inputs
        (``delayed``: a function of the outputs giving the delayed edges'
        part of the inputs, added in every pass, :mod:`nbblox.sim.reference_net`).

        An output may read an input (a conductance synapse's
        ``I = g s (E - V_post)``), so the outputs are evaluated in passes:
        first with the inputs at 0, then again with the inputs summed from
        the previous pass, until the inputs settle (one pass more than the
        number of groups with input-dependent outputs, or the longest chain
        within one group, ``layout.out_passes``: see :mod:`nbblox.compile.settle`).
        Outputs of states only are the same in every pass.
        """
        L = self.layout
        o = np.zeros(max(L.n_outputs, 1))
        u = np.zeros(max(L.n_inputs, 1))
        for _ in range(1 + self._chain):
            for G in self.groups:
                if G.no and (_ == 0 or G.out_reads_inputs):
                    vals = G.call(G.out, G.args(t, x, p, u))
                    for q, v in enumerate(vals):
                        o[G.g.ooff + q * G.g.n: G.g.ooff + (q + 1) * G.g.n] = v
            new = np.zeros_like(u)
            np.add.at(new, dst, w * o[src])
            if delayed is not None:
                new += delayed(o)
            settled = np.array_equal(new, u)
            u = new
            if settled:
                break
        return u, o

    def phi_times(self, scheme, t, x, p, u, k, dt):
        """``phi1(dt A) k`` of an exponential scheme, group by group: A is
        the diagonal of the Jacobian (``exponential_euler``, with ``exprel``)
        or the whole constant one (``exact``, with SciPy's ``expm`` of the
        augmented matrix, independent of the kernels' ``phi1``)."""
        from scipy.linalg import expm
        out = k.copy()
        for G in self.groups:
            if G.f is None:
                continue
            g, n, ns = G.g, G.g.n, G.ns
            vals = G.call(G.linear_part(scheme), G.args(t, x, p, u))
            sl = [slice(g.xoff + j * n, g.xoff + (j + 1) * n) for j in range(ns)]
            if scheme.linear_part == "diagonal":
                for j in range(ns):
                    out[sl[j]] = _np_exprel(dt * vals[j]) * k[sl[j]]
                continue
            K = np.stack([k[sl[j]] for j in range(ns)])      # (ns, n)
            for i in range(n):
                B = np.zeros((2 * ns, 2 * ns))
                B[:ns, :ns] = dt * np.array([v[i] for v in vals]).reshape(ns, ns)
                B[:ns, ns:] = np.eye(ns)
                r = expm(B)[:ns, ns:] @ K[:, i]
                for j in range(ns):
                    out[sl[j]][i] = r[j]
        return out

    def clip(self, x):
        """Declared state bounds (``clip=``) applied to ``x`` in place (NaN stays)."""
        for G in self.groups:
            g = G.g
            for k, lo, hi in G.ex["clip"]:
                sl = slice(g.x(k, 0), g.x(k, 0) + g.n)
                x[sl] = np.clip(x[sl], lo, hi)
        return x

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
        dou = []   # (output slots, input slots, d out/d u) of outputs that read inputs
        for G in self.groups:
            g, n, ns = G.g, G.g.n, G.ns
            a = G.args(t, x, p, u)
            idx = np.arange(n)
            if G.dodu is not None:
                vals = G.call(G.dodu, a)
                dou += [(g.ooff + q * n + idx, g.uoff + m * n + idx, vals[q * G.nu + m])
                        for q in range(G.no) for m in range(G.nu)]
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
        if self._chain:
            return self._jac_settled(J, w, src, dst, dfu, dos, dou)
        for e in range(len(src)):
            rows, cols = L.u_rows[dst[e]], L.o_cols[src[e]]
            rows, cols = rows[rows >= 0], cols[cols >= 0]
            J[np.ix_(rows, cols)] += w[e] * np.outer(dfu[dst[e], :len(rows)],
                                                     dos[src[e], :len(cols)])
        return J

    def _jac_settled(self, J, w, src, dst, dfu, dos, dou):
        """The coupling's chain rule when outputs read inputs: du/dx (inputs
        x states, dense) settled in the passes of :meth:`couple`, each output
        row d out/dx = its own states' column plus d out/du du/dx."""
        L, N = self.layout, J.shape[0]
        b, l = np.nonzero(L.o_cols[:L.n_outputs] >= 0)
        DO0 = np.zeros((max(L.n_outputs, 1), N))
        DO0[b, L.o_cols[b, l]] = dos[b, l]
        DU = np.zeros((max(L.n_inputs, 1), N))
        for _ in range(1 + self._chain):
            DO = DO0.copy()
            for ob, ua, v in dou:
                DO[ob] += v[:, None] * DU[ua]
            DU = np.zeros_like(DU)
            np.add.at(DU, dst, w[:, None] * DO[src])
        a, k = np.nonzero(L.u_rows[:L.n_inputs] >= 0)
        np.add.at(J, L.u_rows[a, k], dfu[a, k][:, None] * DU[a])
        return J
