"""Orthogonal collocation of periodic orbits (as in AUTO/MatCont): the
residual, its sparse Jacobian, the arclength norm and Floquet multipliers.

The orbit u(tau), tau in [0, 1], is piecewise polynomial of degree m on N
mesh intervals (Lagrange form on equidistant nodes); u' = T f(u, p) holds at
the m Gauss-Legendre points of each interval, u(0) = u(1), and the integral
phase condition int <u, u_ref'> = 0 fixes the phase.  Floquet multipliers
come from condensing the linearised collocation equations interval by
interval into the monodromy matrix.

Reference: Doedel E, Keller HB, Kernevez JP (1991) Numerical analysis and
control of bifurcation problems (II). Int J Bifurc Chaos 1:745-772,
doi:10.1142/S0218127491000555.
"""
from __future__ import annotations

import numpy as np
import scipy.sparse as sps
import scipy.sparse.linalg as spla

from .palc import PALC

__all__ = ["Colloc", "stable_from"]


def _lagrange(m):
    nodes = np.linspace(0, 1, m + 1)
    z, w = np.polynomial.legendre.leggauss(m)
    z, w = (z + 1) / 2, w / 2
    Lw = np.empty((m, m + 1))
    Ld = np.empty((m, m + 1))
    for k in range(m + 1):
        c = np.poly1d([1.0])
        for j in range(m + 1):
            if j != k:
                c = c * np.poly1d([1.0, -nodes[j]]) / (nodes[k] - nodes[j])
        Lw[:, k] = c(z)
        Ld[:, k] = c.deriv()(z)
    return Lw, Ld, w


class Colloc(PALC):
    """G(Y) = 0 for Y = [vec(U) (M*n, node-major), T, p]."""

    def __init__(self, prob, k, N=60, m=4):
        self.tol, self.maxiter = 1e-8, 8
        self.prob, self.k, self.n, self.N, self.m = prob, k, prob.n, N, m
        self.M = N * m + 1
        self.Lw, self.Ld, self.gw = _lagrange(m)
        self.vf, self.vj = prob.vec()
        self.p = prob.p0.copy()
        # node index of (interval j, local k)
        self.idx = (np.arange(N)[:, None] * m + np.arange(m + 1)[None, :])
        self.udot_ref = None
        self._scales = None
        self.set_mesh(np.linspace(0.0, 1.0, N + 1))
        self._build_pattern()

    # -- the mesh ------------------------------------------------------------
    def set_mesh(self, tm):
        """Mesh points 0 = tm[0] < ... < tm[N] = 1 (interval j has the m+1
        equidistant nodes of its Lagrange polynomial)."""
        self.tm = np.asarray(tm, float)
        self.h = np.diff(self.tm)
        # quadrature weights of the nodes (for the phase and arclength integrals)
        wn = np.zeros(self.M)
        for j in range(self.N):
            wn[self.idx[j]] += self.h[j] * (self.gw @ self.Lw)
        self.wn = wn
        if self._scales is not None:
            self.set_scales(*self._scales)

    def nodes(self):
        """tau of every node, (M,)."""
        loc = np.linspace(0.0, 1.0, self.m + 1)[:-1]
        return np.append((self.tm[:-1, None] + self.h[:, None] * loc[None, :]).ravel(), 1.0)

    def evaluate(self, U, tau):
        """The piecewise polynomial with node values U (M, n) at the points tau."""
        tau = np.clip(np.asarray(tau, float), 0.0, 1.0)
        j = np.clip(np.searchsorted(self.tm, tau, side="right") - 1, 0, self.N - 1)
        s = (tau - self.tm[j]) / self.h[j]  # local coordinate in [0, 1]
        nodes = np.linspace(0.0, 1.0, self.m + 1)
        L = np.ones((tau.size, self.m + 1))
        for k in range(self.m + 1):
            for q in range(self.m + 1):
                if q != k:
                    L[:, k] *= (s - nodes[q]) / (nodes[k] - nodes[q])
        return np.einsum("tk,tkn->tn", L, U[self.idx[j]])

    def adapted_mesh(self, U):
        """A mesh equidistributing |u^(m+1)|^(1/(m+1)) (de Boor 1973, as AUTO's
        IAD): u^(m) is constant on each interval (the m-th difference of the
        node values), u^(m+1) comes from its jumps between neighbouring
        intervals (the orbit is periodic, so interval N-1 neighbours 0)."""
        m = self.m
        D = np.diff(U[self.idx], n=m, axis=1)[:, 0, :] / (self.h[:, None] / m) ** m  # (N, n)
        scale = np.maximum(np.abs(U).max(0), 1.0)
        D = D / scale
        Dn, hn = np.roll(D, -1, axis=0), np.roll(self.h, -1)
        jump = np.linalg.norm(Dn - D, axis=1) / ((self.h + hn) / 2)  # at the right end of j
        d = (jump + np.roll(jump, 1)) / 2  # interval j: mean of its two ends
        rho = d ** (1.0 / (m + 1))
        rho = rho + 0.05 * max(np.sum(rho * self.h), 1e-300)  # keep some points everywhere
        cum = np.concatenate([[0.0], np.cumsum(rho * self.h)])
        tm = np.interp(np.linspace(0, cum[-1], self.N + 1), cum, self.tm)
        tm[0], tm[-1] = 0.0, 1.0
        return tm

    def remesh(self, tm, *vectors):
        """Move to the mesh tm: each Y-like vector [vec(U), T, p] is re-interpolated."""
        tau = None
        out = []
        old = (self.tm.copy(), self.h.copy())
        for Y in vectors:
            U = Y[:self.M * self.n].reshape(self.M, self.n)
            if tau is None:
                self.set_mesh(tm)
                tau = self.nodes()
                self.set_mesh(old[0])
            out.append(np.concatenate([self.evaluate(U, tau).ravel(), Y[self.M * self.n:]]))
        self.set_mesh(tm)
        return out

    # -- helpers -------------------------------------------------------------
    def split(self, Y):
        n, M = self.n, self.M
        return Y[:M * n].reshape(M, n), Y[M * n], Y[M * n + 1]

    def par(self, p_val):
        p = self.p.copy()
        p[self.k] = p_val
        return p

    def at_gauss(self, U):
        """Values (N, m, n) and tau-derivatives (N, m, n) at the Gauss points."""
        Uj = U[self.idx]  # (N, m+1, n)
        val = np.einsum("ik,jkn->jin", self.Lw, Uj)
        der = np.einsum("ik,jkn->jin", self.Ld, Uj) / self.h[:, None, None]
        return val, der

    def set_reference(self, U):
        _, der = self.at_gauss(U)
        self.udot_ref = der  # (N, m, n)
        self._phase_row = self._phase_coeffs(der)

    def _phase_coeffs(self, der):
        # int <u, r'> = sum_j h_j sum_i w_i <sum_k Lw[i,k] U[jm+k], r'(z_ji)>
        c = np.zeros((self.M, self.n))
        contrib = np.einsum("i,ik,jin->jkn", self.gw, self.Lw, der) * self.h[:, None, None]
        np.add.at(c, self.idx.ravel(), contrib.reshape(-1, self.n))
        return c.ravel()

    def set_scales(self, xs, Ts, ps):
        """Scales of states, period and parameter for the arclength norm."""
        self._scales = (xs, Ts, ps)
        self.W = np.concatenate([np.outer(self.wn, 1 / np.asarray(xs) ** 2).ravel(),
                                 [1 / Ts ** 2, 1 / ps ** 2]])

    def inner(self, Y1, Y2):
        """Arclength inner product: scaled L2 over tau for the orbit, scaled T and p."""
        return float(np.sum(self.W * Y1 * Y2))

    def weights_vec(self):
        return self.W

    # -- residual and Jacobian ---------------------------------------------------
    def G(self, Y):
        U, T, pv = self.split(Y)
        p = self.par(pv)
        val, der = self.at_gauss(U)
        X = val.reshape(-1, self.n).T
        F = self.vf(X, p).T.reshape(self.N, self.m, self.n)
        col = (der - T * F).ravel()
        per = U[0] - U[-1]
        phase = self._phase_row @ Y[:self.M * self.n]
        return np.concatenate([col, per, [phase]])

    def _build_pattern(self):
        n, m, N = self.n, self.m, self.N
        # collocation rows: (j, i, a) ; columns: node (j, k), component b
        j, i, k, a, b = np.meshgrid(np.arange(N), np.arange(m), np.arange(m + 1), np.arange(n),
                                    np.arange(n), indexing="ij")
        self._r = ((j * m + i) * n + a).ravel()
        self._c = ((self.idx[j, k]) * n + b).ravel()
        self._jikab = (j.ravel(), i.ravel(), k.ravel(), a.ravel(), b.ravel())

    def DG(self, Y, border=None):
        """Sparse Jacobian of G; with ``border`` (a vector) that row is appended and
        the matrix comes back in CSC form, ready for the LU (one assembly)."""
        U, T, pv = self.split(Y)
        p = self.par(pv)
        n, m, N, M = self.n, self.m, self.N, self.M
        val, der = self.at_gauss(U)
        X = val.reshape(-1, n).T
        A = self.vj(X, p)  # (n, n, N*m)
        F = self.vf(X, p)
        hp = 1e-6 * max(1.0, abs(pv))
        Fp = (self.vf(X, self.par(pv + hp)) - self.vf(X, self.par(pv - hp))) / (2 * hp)
        j, i, k, a, b = self._jikab
        Ag = A[a, b, j * m + i]
        vals = (a == b) * self.Ld[i, k] / self.h[j] - T * self.Lw[i, k] * Ag
        ncol = N * m * n
        rows = [self._r, np.arange(ncol), np.arange(ncol)]
        cols = [self._c, np.full(ncol, M * n), np.full(ncol, M * n + 1)]
        data = [vals, -F.T.ravel(), -T * Fp.T.ravel()]
        # periodicity rows
        rp = ncol + np.arange(n)
        rows += [rp, rp]
        cols += [np.arange(n), (M - 1) * n + np.arange(n)]
        data += [np.ones(n), -np.ones(n)]
        nz = np.nonzero(self._phase_row)[0]
        rows.append(np.full(nz.size, ncol + n))
        cols.append(nz)
        data.append(self._phase_row[nz])
        nrow = ncol + n + 1
        if border is not None:
            nzb = np.nonzero(border)[0]
            rows.append(np.full(nzb.size, nrow))
            cols.append(nzb)
            data.append(border[nzb])
            nrow += 1
        A = sps.coo_matrix((np.concatenate(data), (np.concatenate(rows), np.concatenate(cols))),
                           shape=(nrow, M * n + 2))
        return A.tocsc() if border is not None else A.tocsr()

    def bordered(self, y, t):
        return self.DG(y, border=t)

    def solve(self, A, b):
        try:
            return spla.splu(A, permc_spec="MMD_AT_PLUS_A").solve(b)
        except RuntimeError:  # exactly singular
            return spla.lsqr(A, b)[0]

    # -- Floquet -------------------------------------------------------------------
    def _transfer(self, Y):
        """Per-interval maps from the first node's value to the other m nodes'
        values of a solution of the linearised collocation equations: (N, m*n, n)."""
        U, T, pv = self.split(Y)
        p = self.par(pv)
        n, m = self.n, self.m
        val, _ = self.at_gauss(U)
        A = self.vj(val.reshape(-1, n).T, p).reshape(n, n, self.N, m)  # (a, b, j, i)
        I = np.eye(n)
        # B[j, i, a, k, b] = Ld[i,k]/h_j delta_ab - T Lw[i,k] A_ab(z_ji)
        B = (np.einsum("ik,j,ab->jiakb", self.Ld, 1 / self.h, I)
             - T * np.einsum("ik,abji->jiakb", self.Lw, A))
        B = B.reshape(self.N, m * n, (m + 1) * n)
        return -np.linalg.solve(B[:, :, n:], B[:, :, :n])

    def multipliers(self, Y):
        n = self.n
        P = self._transfer(Y)[:, -n:, :]  # (N, n, n) transfer maps
        Mon = np.eye(n)
        for j in range(self.N):
            Mon = P[j] @ Mon
        if not np.all(np.isfinite(Mon)):
            return np.full(n, np.nan + 0j)
        mu = np.linalg.eigvals(Mon)
        return mu[np.argsort(-np.abs(mu))]

    def floquet_vector(self, Y, target):
        """The multiplier closest to ``target`` and its eigenfunction at every
        node, (M, n) real, with v(1) = mu v(0) (for a real multiplier)."""
        n, m = self.n, self.m
        Q = self._transfer(Y)
        Mon = np.eye(n)
        for j in range(self.N):
            Mon = Q[j, -n:, :] @ Mon
        mu, W = np.linalg.eig(Mon)
        i = int(np.argmin(np.abs(mu - target)))
        w = np.real(W[:, i] * np.exp(-1j * np.angle(W[np.argmax(np.abs(W[:, i])), i])))
        V = np.empty((self.M, n))
        V[0] = w
        for j in range(self.N):
            V[j * m + 1:(j + 1) * m + 1] = (Q[j] @ V[j * m]).reshape(m, n)
        return mu[i], V


def stable_from(mu):
    """Stable if every multiplier but the trivial one (nearest 1) is inside the circle."""
    if mu.size <= 1:
        return True
    triv = np.argmin(np.abs(mu - 1))
    rest = np.delete(mu, triv)
    return bool(np.all(np.abs(rest) < 1 - 1e-6))
