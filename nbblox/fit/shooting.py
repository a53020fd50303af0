"""Multiple shooting (the prediction-error idea) for nb.fit(optimizer="shooting").

The data span is cut into ``K`` segments.  Segment 0 starts from the
system's initial state; segments 1..K-1 start from free states ``s_k``
(extra unknowns, initialised from the data where a state is observed), and
residuals ``continuity * (x_end(k) - s_{k+1}) / scale`` tie them together.
Each segment is short, so the loss is smooth in the parameters even for
spiking models, whose single-shooting loss is jagged (a small parameter
change shifts every later spike): Bock's multiple shooting.  The exact
Jacobian of every block comes from the sensitivity kernels (with respect to
the parameters and to the segment's start state).
"""
from __future__ import annotations

import numpy as np

from ..exceptions import SimulationError
from ..sim.sensitivity import run_sensitivities
from .result import FitResult, covariance_from_jacobian

__all__ = ["shooting"]


class _Segments:
    def __init__(self, pb, K, continuity):
        self.pb = pb
        n = len(pb.system.state_names)
        N = max(pb.nsteps, 1)
        K = int(max(1, min(K, N // 2 if N >= 2 else 1)))
        self.K, self.n, self.P = K, n, len(pb.names)
        self.b = np.round(np.linspace(0, N, K + 1)).astype(np.int64)
        pos = (pb.obs.t - pb.t0) / pb.dt
        self.seg = np.clip(np.searchsorted(self.b, pos + 1e-9, side="right") - 1, 0, K - 1)
        state_cols = [("x0", (k,)) for k in range(n)]
        # segments >= 1 start from s_k, so theta's own initial-state columns act as zero
        self.cols0 = list(pb.cols) + state_cols
        self.cols1 = [c if c[0] != "x0" else ("p", ()) for c in pb.cols] + state_cols
        self.loc = []
        for k in range(K):
            lp = pos[self.seg == k] - self.b[k]
            steps = self.b[k + 1] - self.b[k]
            i0 = np.minimum(np.floor(lp + 1e-9).astype(np.int64), steps - 1)
            self.loc.append((i0, np.clip(lp - i0, 0.0, 1.0), np.flatnonzero(self.seg == k)))
        self.cont = float(continuity)
        self.scale = np.ones(n)
        self.cache = (None, None)

    def init_states(self, theta):
        pb = self.pb
        sol = pb.solution(theta)
        X = sol.values   # all states, in state order
        s = []
        for k in range(1, self.K):
            x = X[:, self.b[k]].copy()
            tk = pb.t0 + self.b[k] * pb.dt
            for v, name in enumerate(pb.obs.names):
                x[pb.system.state_index(name)] = np.interp(tk, pb.obs.t, pb.obs.values[v])
            s.append(x)
        self.scale = np.maximum(X.std(axis=1), 1e-6)
        data_scale = float(np.mean(pb.obs.values.std(axis=1) / pb.sigma)) or 1.0
        self.w = self.cont * data_scale / self.scale
        return np.concatenate(s) if s else np.zeros(0)

    def run(self, z):
        key, val = self.cache
        if key is not None and np.array_equal(key, z):
            return val
        pb, n, P, K = self.pb, self.n, self.P, self.K
        theta, S = z[:P], z[P:].reshape(K - 1, n) if K > 1 else None
        p, w, x0 = pb.arrays(theta)
        nd = pb.obs.values.size
        r = np.zeros(nd + n * (K - 1))
        J = np.zeros((r.size, z.size))
        nt = pb.obs.t.size
        for k in range(K):
            x = x0 if k == 0 else S[k - 1]
            cols = self.cols0 if k == 0 else self.cols1
            steps = int(self.b[k + 1] - self.b[k])
            t, X, Sx, done, bad, y = run_sensitivities(
                pb.system, pb.method, x, p, w, cols, pb.t0 + self.b[k] * pb.dt, pb.dt, steps,
                1, pb.rec)
            if bad >= 0:
                raise SimulationError(f"segment {k} diverged with {pb.named(theta)}")
            i0, fr, idx = self.loc[k]
            Xs = pb.sample(X, i0, fr)             # (nv, ns)
            Ss = pb.sample(Sx, i0, fr)            # (nv, m, ns)
            for v in range(len(pb.obs.names)):
                rows = v * nt + idx
                r[rows] = (Xs[v] - pb.obs.values[v, idx]) / pb.sigma[v]
                J[rows, :P] = Ss[v, :P].T / pb.sigma[v]
                if k > 0:
                    J[rows, P + (k - 1) * n:P + k * n] = Ss[v, P:].T / pb.sigma[v]
            if k < K - 1:
                m = len(cols)
                Se = y[n:].reshape(n, m)
                rows = nd + k * n + np.arange(n)
                r[rows] = self.w * (y[:n] - S[k])
                J[rows, :P] = self.w[:, None] * Se[:, :P]
                if k > 0:
                    J[rows, P + (k - 1) * n:P + k * n] = self.w[:, None] * Se[:, P:]
                J[rows, P + k * n + np.arange(n)] = -self.w
        self.cache = (z.copy(), (r, J))
        return r, J


def shooting(pb, segments=8, continuity=1.0, max_nfev=None, tol=1e-10, polish=True):
    """Fit by multiple shooting; returns a :class:`~nbblox.fit.result.FitResult`
    (called by :func:`nbblox.fit` with ``optimizer="shooting"``)."""
    from scipy.optimize import least_squares
    sg = _Segments(pb, segments, continuity)
    s0 = sg.init_states(pb.start)
    z0 = np.concatenate([pb.start, s0])
    nd, P = pb.obs.values.size, sg.P
    pb.check_start(sg.run(z0)[0])

    def fun(z):
        try:
            r = sg.run(z)[0]
        except SimulationError:
            pb.history.append(np.nan)
            return 1e6 * np.ones(nd + sg.n * (sg.K - 1))
        pb.history.append(float(np.mean(r[:nd] ** 2)))
        return r

    def jac(z):
        try:
            return sg.run(z)[1]
        except SimulationError:
            return np.zeros((nd + sg.n * (sg.K - 1), z.size))
    lo = np.concatenate([pb.lo, np.full(s0.size, -np.inf)])
    hi = np.concatenate([pb.hi, np.full(s0.size, np.inf)])
    res = least_squares(fun, z0, jac=jac, bounds=(lo, hi), x_scale="jac", method="trf",
                        ftol=tol, xtol=tol, gtol=tol, max_nfev=max_nfev)
    theta, ok, msg, nfev = res.x[:P], res.success, res.message, res.nfev
    extra = {"segments": sg.K, "segment_starts": res.x[P:].reshape(-1, sg.n),
             "shooting_params": pb.named(theta)}
    r, J = sg.run(res.x)
    cov = (float(r[:nd] @ r[:nd]) / max(nd - P, 1)) * np.linalg.pinv(J.T @ J)[:P, :P]
    if polish:
        loc = pb.least_squares(np.clip(theta, pb.lo, pb.hi), max_nfev, tol)
        theta, ok, msg, nfev = loc.x, loc.success, loc.message, nfev + loc.nfev
        rr = pb.residuals(theta, record=False)
        cov = covariance_from_jacobian(pb.jacobian(theta), rr, P)
    final = float(np.mean(pb.residuals(theta, record=False) ** 2))
    return FitResult(pb.names, theta, cov, final, pb.history, ok, msg, "shooting", nfev,
                     pb.start, list(zip(pb.lo, pb.hi)), pb.solution(theta), pb.obs, extra)
