"""Codim-1 continuation of equilibria with fold (LP), Hopf (H) and branch
point (BP) detection, and the public :func:`continuation` entry point.

Test functions: LP -- the parameter component of the oriented tangent;
BP -- the sign of det([F_x F_p; t^T]) (it flips at a branch point, not at a
fold); H -- the number of eigenvalues with positive real part changes by
two, then the real part of the complex pair nearest the imaginary axis is
driven to zero and the point is accepted only if that pair is purely
imaginary with a non-zero frequency (a neutral saddle, or two real
eigenvalues merging off the axis, changes no count and is never a Hopf).
"""
from __future__ import annotations


import numpy as np

from ..exceptions import NbbloxError, ParameterError
from ._common import Problem, check_param
from .branch import Branch, SpecialPoint
from .fixedpoints import FixedPoint
from .normalform import fold_coefficient, lyapunov1
from .palc import PALC
from .startpoint import start_point

__all__ = ["continuation"]


def _range(s, k, bounds, p0):
    try:
        lo, hi = (float(v) for v in bounds)
    except (TypeError, ValueError):
        raise ParameterError(f"the range must be a (start, stop) pair, not {bounds!r}") from None
    lo, hi = min(lo, hi), max(lo, hi)
    if not lo <= p0[k] <= hi:
        raise ParameterError(f"the start value {s.param_names[k]} = {p0[k]:g} is outside "
                             f"the range ({lo:g}, {hi:g}); pass params={{{s.param_names[k]!r}: "
                             "value} inside the range, or widen it")
    return lo, hi


def continuation(model, param, bounds, start=None, x0=None, params=None, ds=None, ds_max=None,
                 max_steps=2000, **kw):
    """Continue equilibria (or, from a Hopf point, limit cycles) in one parameter.

    Parameters
    ----------
    model : System, Blox or Circuit
    param : str
        Parameter name, e.g. ``"fhn.I"``.
    bounds : (float, float)
        Parameter interval; the start value must lie inside it.  Equilibria
        are continued in both directions until the interval ends.
    start : SpecialPoint or FixedPoint, optional
        A Hopf point starts a limit-cycle branch (see ``cycles.continue_cycles``);
        a period-doubling point ("PD") of a cycle branch starts the cycle of
        twice the period (``cycles.continue_doubled``); a branch point ("BP") switches to the other branch through it; a fold
        or a FixedPoint starts an equilibrium branch there.
    x0 : dict or array, optional
        Guess of the start equilibrium.  Default: the fixed point found
        near the System's initial state (the nearest one if there are
        several, with a warning), else the equilibrium the initial state
        relaxes to when integrated (see :mod:`nbblox.analysis.startpoint`).
    params : dict, optional
        Other parameter values; ``params[param]`` sets the start value.

    Returns
    -------
    Branch

    Examples
    --------
    >>> import nbblox as nb
    >>> br = nb.continuation(nb.blox.FitzHughNagumo(name="fhn"), "fhn.I", (0.0, 2.0))
    >>> [(p.kind, round(p.param_value, 4)) for p in br.special_points]
    [('H', 0.3313), ('H', 1.4187)]
    """
    if isinstance(start, SpecialPoint) and start.kind in ("H", "PD"):
        from .cycles import continue_cycles, continue_doubled
        run = continue_cycles if start.kind == "H" else continue_doubled
        out = run(model, param, bounds, start, params=params, ds=ds, ds_max=ds_max,
                  max_steps=kw.pop("max_steps_cycles", min(max_steps, 400)), **kw)
        return out.link_start(start) if isinstance(out, Branch) else out
    if kw:
        raise TypeError(f"continuation() got unexpected arguments {sorted(kw)}")
    prob = Problem(model, params)
    s = prob.s
    k = check_param(s, param)
    if start is not None:
        if not isinstance(start, (SpecialPoint, FixedPoint)):
            raise ParameterError("start must be a SpecialPoint or FixedPoint")
        if isinstance(start, SpecialPoint) and start.params is not None:
            prob.p0 = np.array(start.params, float)
            if params:
                prob.p0 = s.param_vector({**dict(zip(s.param_names, prob.p0)), **params})
    lo, hi = _range(s, k, bounds, prob.p0)
    x = start_point(prob, x0, start)
    t_init = None
    if isinstance(start, SpecialPoint) and start.kind == "BP":
        t_init = _switch_direction(prob, k, x, start)
    out = _continue_equilibria(prob, k, x, lo, hi, ds, ds_max, max_steps, t_init)
    return out.link_start(start) if isinstance(start, SpecialPoint) else out


def _switch_direction(prob, k, x, bp):
    """At a simple branch point [F_x F_p] has a 2-D null space: the new branch
    leaves along the null direction orthogonal to the old branch's tangent."""
    A = np.hstack([prob.J(x, prob.p0), prob.fp(x, prob.p0, k)[:, None]])
    _, sv, Vt = np.linalg.svd(A)
    N = Vt[-2:].T  # (n+1, 2) basis of the (near) null space
    old = bp.data.get("tangent")
    if old is None or old.size != N.shape[0]:
        raise NbbloxError("continuation: this branch point carries no tangent; locate it "
                          "with nb.continuation first")
    c = N.T @ old
    d = N @ np.array([-c[1], c[0]])  # in span(N), orthogonal to the old tangent
    return d / np.linalg.norm(d)


class _EqProblem:
    """y = (x, w p): the parameter is scaled so that its range weighs like the
    states in the arclength (JR's p spans 0.4 while its states span tens of mV)."""

    def __init__(self, prob, k, w=1.0):
        self.prob, self.k, self.n, self.w = prob, k, prob.n, w
        self.p = prob.p0.copy()

    def par(self, y):
        p = self.p.copy()
        p[self.k] = y[-1] / self.w
        return p

    def G(self, y):
        return self.prob.f(y[:-1], self.par(y))

    def DG(self, y):
        p = self.par(y)
        return np.hstack([self.prob.J(y[:-1], p), self.prob.fp(y[:-1], p, self.k)[:, None] / self.w])


def _n_unstable(ev, scale):
    return int(np.sum(ev.real > 1e-10 * scale))


def _hopf_test(ev):
    """Real part of the complex eigenvalue nearest the imaginary axis (nan if none)."""
    cpx = ev[np.abs(ev.imag) > 1e-9 * max(1.0, np.max(np.abs(ev)))]
    if cpx.size == 0:
        return np.nan
    return float(cpx[np.argmin(np.abs(cpx.real))].real)


def _continue_equilibria(prob, k, x, lo, hi, ds, ds_max, max_steps, t_init=None):
    s = prob.s
    span = hi - lo
    w = max(1.0, float(np.max(np.abs(x)))) / span
    E = _EqProblem(prob, k, w)
    eng = PALC(E.G, E.DG, tol=1e-10)
    y0 = np.append(x, prob.p0[k] * w)
    ds_max = ds_max or span * w / 25
    ds = ds or ds_max / 10
    ds_min = 1e-9 * max(span * w, 1.0)
    try:
        A0 = E.DG(y0)
        if t_init is None and np.linalg.matrix_rank(A0) < prob.n:
            raise NbbloxError("continuation: the Jacobian is singular at the start point and the "
                              "parameter does not unfold it (rank-deficient); start elsewhere")
    except np.linalg.LinAlgError:
        raise NbbloxError("continuation: cannot evaluate the Jacobian at the start point") from None
    e_p = np.zeros(y0.size)
    e_p[-1] = 1.0
    halves, reasons = [], []
    for direction in (1.0, -1.0):
        if t_init is not None:  # branch switching: leave the BP along the new direction
            t0 = np.append(t_init[:-1], t_init[-1] * w)
            t0 = direction * t0 / np.linalg.norm(t0)
        else:
            t0, _ = eng.tangent(y0, direction * e_p)
        pts, reason = _run(eng, E, y0, t0, ds, ds_min, ds_max, lo * w, hi * w, max_steps // 2)
        halves.append(pts)
        reasons.append(reason)
    pts = halves[1][::-1] + halves[0][1:]
    pts = [q for i, q in enumerate(pts)  # drop repeats (a start on the range edge)
           if i == 0 or q.get("special") or np.any(q["y"] != pts[i - 1]["y"])]
    # special points carry positions in the joined list
    Y = np.array([q["y"] for q in pts])
    ev = np.array([q["ev"] for q in pts])
    specials = []
    for i, q in enumerate(pts):
        for sp_ in q.get("special", []):
            # a start on a BP is found by both halves: keep it once
            if any(o.kind == sp_.kind and abs(o.param_value - sp_.param_value) < 1e-7 * span
                   and np.allclose(o.x, sp_.x, atol=1e-6) for o in specials):
                continue
            sp_.index = i
            specials.append(sp_)
    stable = np.array([np.all(e.real < -1e-12 * max(1, np.max(np.abs(e)))) for e in ev])
    reason = "; ".join(sorted(set(reasons)))
    return Branch("equilibrium", (s.param_names[k],), Y[:, -1] / w, Y[:, :-1], s.state_names,
                  stable, specials, reason, eigenvalues=ev, system=s,
                  params=E.p.copy())


def _make_sp(E, kind, y, ev):
    s = E.prob.s
    p = E.par(y)
    x = y[:-1]
    sp_ = SpecialPoint(kind, float(y[-1] / E.w), dict(zip(s.state_names, map(float, x))),
                       eigenvalues=ev, param_names=(s.param_names[E.k],), x=x.copy(),
                       params=p.copy(), system=s)
    if kind == "H":
        l1, omega = lyapunov1(E.prob, x, p)
        sp_.lyapunov, sp_.frequency = l1, omega
    elif kind == "LP":
        sp_.normal_form = fold_coefficient(E.prob, x, p)
    return sp_


def _run(eng, E, y0, t0, ds, ds_min, ds_max, lo, hi, max_steps):
    def info(y, t, A=None):
        J = E.DG(y)
        ev = np.linalg.eigvals(J[:, :-1])
        if A is None:
            A = np.vstack([J, t[None, :]])
        sgn, _ = np.linalg.slogdet(A)
        scale = max(1.0, float(np.max(np.abs(ev))))
        return {"y": y, "t": t, "ev": ev, "lp": t[-1], "bp": sgn, "nu": _n_unstable(ev, scale),
                "hopf": _hopf_test(ev)}

    cur = info(y0, t0)
    pts = [cur]
    h = ds
    for _ in range(max_steps):
        res = eng.step(cur["y"], cur["t"], h, ds_min)
        if res is None:
            return pts, f"the corrector failed at {E.prob.s.param_names[E.k]} = {cur['y'][-1] / E.w:.6g}"
        y, t, hu, it = res
        if not np.all(np.abs(y) < 1e12):
            return pts, "the state diverged"
        new = info(y, t)
        for sp_, ys, ts in _detect(eng, E, cur, new, hu):
            q = info(ys, ts)
            q["special"] = [sp_]
            pts.append(q)
        pts.append(new)
        if not lo <= y[-1] <= hi:
            _clip(eng, E, pts, lo, hi)
            return pts, "reached the end of the parameter range"
        h = min(ds_max, hu * (1.5 if it <= 3 else 1.0 if it <= 5 else 0.6))
        cur = new
    return pts, f"max_steps ({max_steps}) reached"


def _detect(eng, E, a, b, h):
    found = []
    tests = []
    if np.sign(a["lp"]) != np.sign(b["lp"]) and a["bp"] == b["bp"]:
        tests.append(("LP", lambda y, t: t[-1], a["lp"], b["lp"]))
    if a["bp"] != b["bp"]:
        def gbp(y, t):
            return float(np.linalg.det(np.vstack([E.DG(y), t[None, :]])))
        ga = gbp(a["y"], a["t"])
        gb = gbp(b["y"], b["t"])
        if np.sign(ga) != np.sign(gb):
            tests.append(("BP", gbp, ga, gb))
    if abs(a["nu"] - b["nu"]) >= 2 and np.isfinite(a["hopf"]) and np.isfinite(b["hopf"]) \
            and np.sign(a["hopf"]) != np.sign(b["hopf"]):
        def gh(y, t):
            return _hopf_test(np.linalg.eigvals(E.DG(y)[:, :-1]))
        tests.append(("H", gh, a["hopf"], b["hopf"]))
    for kind, g, g0, g1 in tests:
        loc = eng.locate(a["y"], a["t"], h, g, g0, g1)
        if loc is None:
            continue
        y, t = loc
        ev = np.linalg.eigvals(E.DG(y)[:, :-1])
        if kind == "H":
            scale = max(1.0, float(np.max(np.abs(ev))))
            cpx = ev[np.abs(ev.imag) > 1e-6 * scale]
            if cpx.size == 0 or np.min(np.abs(cpx.real)) > 1e-5 * scale:
                continue  # not a purely imaginary pair: neutral saddle or a failed solve
        sp_ = _make_sp(E, kind, y, ev)
        tu = np.append(t[:-1], t[-1] / E.w)  # tangent in unscaled (x, p)
        sp_.data["tangent"] = tu / np.linalg.norm(tu)
        found.append((sp_, y, t))
    found.sort(key=lambda q: np.linalg.norm(q[1] - a["y"]))
    return found


def _clip(eng, E, pts, lo, hi):
    """Replace the last point (outside the range) by the branch point on the boundary."""
    a, b = pts[-2], pts[-1]
    edge = hi if b["y"][-1] > hi else lo
    if abs(b["y"][-1] - a["y"][-1]) < 1e-15:
        return
    f = (edge - a["y"][-1]) / (b["y"][-1] - a["y"][-1])
    y = a["y"] + f * (b["y"] - a["y"])
    e_p = np.zeros(y.size)
    e_p[-1] = 1.0
    yc, ok, _ = eng.correct(y, e_p)  # natural-parameter Newton at p = edge
    if ok:
        b["y"] = yc
        b["ev"] = np.linalg.eigvals(E.DG(yc)[:, :-1])
    while len(pts) > 2 and not lo <= pts[-2]["y"][-1] <= hi:
        del pts[-2]  # specials located beyond the edge
