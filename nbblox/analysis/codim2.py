"""Codim-2 continuation: fold (LP) and Hopf (H) curves in two parameters,
with cusp (CP), Bogdanov-Takens (BT) and generalized Hopf (GH) detection.

Extended systems (Kuznetsov 2004, Elements of Applied Bifurcation Theory,
Sec. 10.2), y = (x, v, p1, p2):
  fold:  f = 0,  J v = 0,  <c, v> = 1
  Hopf:  f = 0,  (J^2 + kappa I) v = 0,  <c, v> = 1,  <d, v> = 0,  unknown kappa = omega^2
The Hopf form passes through a BT point (kappa = 0) into neutral saddles
(kappa < 0), which are not Hopf points and are cut from the curve.
Test functions: CP -- fold coefficient a = <p, B(q, q)>/2; BT on a fold
curve -- the second-smallest eigenvalue crosses 0; BT on a Hopf curve --
kappa = 0; GH -- the first Lyapunov coefficient changes sign.  Jacobians of
the extended systems are central differences of the analytic Jacobian.
"""
from __future__ import annotations

import numpy as np

from ..exceptions import NbbloxError, ParameterError
from ._common import Problem, check_param
from .branch import Branch, SpecialPoint
from .normalform import fold_coefficient, hopf_vectors, lyapunov1
from .palc import PALC

__all__ = ["continuation2"]


class _Ext:
    def __init__(self, prob, ks, kind, x, p):
        self.prob, self.ks, self.kind, self.n = prob, ks, kind, prob.n
        self.p = p.copy()
        J = prob.J(x, p)
        if kind == "LP":
            ev, V = np.linalg.eig(J)
            i = int(np.argmin(np.abs(ev)))
            v = np.real(V[:, i])
            v /= np.linalg.norm(v)
            self.c = v.copy()
            self.y0 = np.concatenate([x, v, p[list(ks)]])
        else:
            hv = hopf_vectors(J)
            if hv is None:
                raise NbbloxError("continuation2: no complex eigenvalue pair at the start point")
            omega, q, _ = hv
            vr, vi = np.real(q), np.imag(q)
            c = vr / np.linalg.norm(vr)
            d = vi - (vi @ c) * c
            d /= np.linalg.norm(d)
            self.c, self.d = c, d
            v = vr / (vr @ c)
            self.y0 = np.concatenate([x, v, [omega ** 2], p[list(ks)]])
        self.m = self.y0.size

    def split(self, y):
        n = self.n
        p = self.p.copy()
        p[self.ks[0]], p[self.ks[1]] = y[-2], y[-1]
        return y[:n], y[n:2 * n], p

    def G(self, y):
        x, v, p = self.split(y)
        J = self.prob.J(x, p)
        f = self.prob.f(x, p)
        if self.kind == "LP":
            return np.concatenate([f, J @ v, [self.c @ v - 1]])
        kappa = y[2 * self.n]
        return np.concatenate([f, J @ (J @ v) + kappa * v, [self.c @ v - 1, self.d @ v]])

    def DG(self, y):
        g0 = self.G(y)
        D = np.empty((g0.size, y.size))
        for j in range(y.size):
            h = 1e-7 * max(1.0, abs(y[j]))
            e = np.zeros(y.size)
            e[j] = h
            D[:, j] = (self.G(y + e) - self.G(y - e)) / (2 * h)
        return D


def continuation2(model, special_point, params, bounds=None, ds=None, ds_max=None,
                  max_steps=1000):
    """Continue a fold ("LP") or Hopf ("H") point in two parameters.

    Parameters
    ----------
    model : System, Blox or Circuit
    special_point : SpecialPoint
        An "LP" or "H" point from :func:`continuation`.
    params : (str, str)
        The two free parameters (one of them usually the one of the branch).
    bounds : dict, optional
        {name: (low, high)} for both parameters (default: their slider ranges).

    Returns
    -------
    Branch
        ``kind`` "LP curve" or "H curve"; ``param_values`` has shape (n, 2);
        special points "CP", "BT", "GH".

    Examples
    --------
    >>> import nbblox as nb
    >>> b = nb.Blox.from_equations("dx/dt = a + r*x - x**3", params={"a": -1.0, "r": 1.0}, name="c")
    >>> br = nb.continuation(b, "c.a", (-1.0, 1.0), x0={"c.x": -1.3})
    >>> lp = br.special("LP")[0]
    >>> curve = nb.continuation2(b, lp, ("c.a", "c.r"), bounds={"c.a": (-1, 1), "c.r": (-1, 2)})
    >>> [p.kind for p in curve.special_points]
    ['CP']
    """
    if not isinstance(special_point, SpecialPoint) or special_point.kind not in ("LP", "H"):
        raise ParameterError("continuation2 starts from a SpecialPoint of kind 'LP' or 'H' "
                             "(from nb.continuation)")
    prob = Problem(model)
    s = prob.s
    if isinstance(params, str) or len(params) != 2 or params[0] == params[1]:
        raise ParameterError(f"params must be two different parameter names, not {params!r}")
    ks = tuple(check_param(s, nm) for nm in params)
    p = np.array(special_point.params if special_point.params is not None else prob.p0, float)
    box = []
    for nm, k in zip(params, ks):
        if bounds and nm in bounds:
            lo, hi = (float(v) for v in bounds[nm])
        else:
            lo, hi = (float(v) for v in s.parameter_info(nm).bounds)
        lo, hi = min(lo, hi), max(lo, hi)
        if not lo <= p[k] <= hi:
            raise ParameterError(f"{nm} = {p[k]:g} at the start point is outside its bounds ({lo:g}, {hi:g})")
        box.append((lo, hi))
    for nm in (bounds or {}):
        if nm not in params:
            raise ParameterError(f"bounds given for {nm!r}, which is not one of {params}")
    E = _Ext(prob, ks, special_point.kind, np.asarray(special_point.x, float), p)
    eng = PALC(E.G, E.DG, tol=1e-9, maxiter=12)
    y0, ok, _ = eng.correct(E.y0, np.eye(E.m)[-1])
    if not ok:
        raise NbbloxError("continuation2: the extended system does not converge at the start "
                          "point (is it really a fold/Hopf point of this system?)")
    scale = max(box[0][1] - box[0][0], box[1][1] - box[1][0])
    ds_max = ds_max or scale / 50
    ds = ds or ds_max / 10
    halves, reasons = [], []
    for sign in (1.0, -1.0):
        e = np.zeros(E.m)
        e[-1] = sign
        t0, _ = eng.tangent(y0, e)
        t0 = sign * t0 if t0 @ e < 0 else t0
        pts, why = _run(eng, E, y0, t0, ds, ds_max, box, max_steps // 2)
        halves.append(pts)
        reasons.append(why)
    pts = halves[1][::-1] + halves[0][1:]
    return _to_branch(E, pts, " / ".join(reasons), params)


def _tests(E, y):
    x, v, p = E.split(y)
    if E.kind == "LP":
        ev = np.linalg.eigvals(E.prob.J(x, p))
        o = np.argsort(np.abs(ev))
        out = {"CP": fold_coefficient(E.prob, x, p), "BT": np.nan, "ZH": np.nan}
        if ev.size > 1:
            # the eigenvalue nearest 0 after the fold's own: real -> BT, complex -> zero-Hopf
            nxt = ev[o[1]]
            real = abs(nxt.imag) <= 1e-8 * max(1.0, abs(nxt))
            out["BT" if real else "ZH"] = float(nxt.real)
        return out
    kappa = y[2 * E.n]
    l1 = lyapunov1(E.prob, x, p)[0] if kappa > 0 else np.nan
    return {"BT": kappa, "GH": l1}


def _confirm(E, kind, y):
    """Reject a CP where a second eigenvalue also vanishes (the fold coefficient's
    normalisation <p, q> = 1 breaks down at a BT point and fakes a sign change), and
    a GH where the Lyapunov coefficient is undefined."""
    x, _, p = E.split(y)
    ev = np.sort(np.abs(np.linalg.eigvals(E.prob.J(x, p))))
    scale = max(1.0, ev[-1])
    if kind == "CP":
        return ev.size < 2 or ev[1] > 1e-5 * scale
    if kind == "GH":
        return bool(np.isfinite(lyapunov1(E.prob, x, p)[0]))
    return True


def _run(eng, E, y, t, ds, ds_max, box, max_steps):
    cur = {"y": y, "t": t, "tests": _tests(E, y)}
    pts = [cur]
    h = ds
    (a0, a1), (b0, b1) = box
    for _ in range(max_steps):
        res = eng.step(cur["y"], cur["t"], h, 1e-10)
        if res is None:
            return pts, "the corrector failed"
        yn, tn, hu, it = res
        new = {"y": yn, "t": tn, "tests": _tests(E, yn), "special": []}
        for kind, g1 in new["tests"].items():
            g0 = cur["tests"][kind]
            if np.isfinite(g0) and np.isfinite(g1) and np.sign(g0) != np.sign(g1) and g0 != 0:
                loc = eng.locate(cur["y"], cur["t"], hu, lambda yy, tt, k=kind: _tests(E, yy)[k], g0, g1)
                if loc is not None and _confirm(E, kind, loc[0]):
                    new["special"].append((kind, loc[0]))
        pts.append(new)
        if not (a0 <= yn[-2] <= a1 and b0 <= yn[-1] <= b1):
            return pts, "left the parameter bounds"
        h = min(ds_max, hu * (1.5 if it <= 3 else 1.0 if it <= 6 else 0.6))
        cur = new
    return pts, f"max_steps ({max_steps}) reached"


def _to_branch(E, pts, reason, names):
    s = E.prob.s
    rows, specials = [], []
    for q in pts:
        for kind, ys in q.get("special", []):
            x, _, p = E.split(ys)
            ev = np.linalg.eigvals(E.prob.J(x, p))
            sp_ = SpecialPoint(kind, (float(ys[-2]), float(ys[-1])),
                               dict(zip(s.state_names, map(float, x))), eigenvalues=ev,
                               param_names=tuple(names), x=x.copy(), params=p.copy(), system=s)
            if kind == "CP":
                sp_.normal_form = 0.0
            sp_.index = len(rows)
            rows.append((ys, True))
            specials.append(sp_)
        keep = True
        if E.kind == "H" and q["y"][2 * E.n] <= 0:
            keep = False  # neutral saddle part of the curve
        rows.append((q["y"], keep))
    Y = np.array([r[0] for r in rows])
    mask = np.array([r[1] for r in rows])
    # drop neutral-saddle rows but keep indices of special points consistent
    new_index = np.cumsum(mask) - 1
    for sp_ in specials:
        sp_.index = int(new_index[sp_.index]) if mask[sp_.index] else -1
    Y = Y[mask]
    n = E.n
    kind = "LP curve" if E.kind == "LP" else "H curve"
    extra = {}
    if E.kind == "H":
        extra["frequency"] = np.sqrt(np.maximum(Y[:, 2 * n], 0))
    return Branch(kind, names, Y[:, -2:], Y[:, :n], s.state_names, np.ones(len(Y), bool),
                  specials, reason, system=s, **extra)
