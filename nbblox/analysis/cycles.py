"""Continuation of limit cycles born at Hopf points, on the collocation
discretisation of :mod:`.collocation`.

Pseudo-arclength continuation runs on (u, T, p) with a sparse LU and a
scaled arclength norm.  LPC: the parameter component of the tangent changes
sign; PD: a real multiplier crosses -1; NS: a complex pair crosses the unit
circle (both confirmed at the located point).  The branch stops when the
cycle shrinks back to an equilibrium (another Hopf point) or its period
diverges (homoclinic orbit / SNIC).

Reference: Doedel E, Keller HB, Kernevez JP (1991) Numerical analysis and
control of bifurcation problems (II). Int J Bifurc Chaos 1:745-772,
doi:10.1142/S0218127491000555.
"""
from __future__ import annotations

import numpy as np
import scipy.sparse.linalg as spla

from ..exceptions import NbbloxError, ParameterError
from ._common import Problem, check_param
from .branch import Branch, SpecialPoint
from .collocation import Colloc, stable_from
from .normalform import hopf_vectors

__all__ = ["continue_cycles", "continue_doubled"]


def continue_cycles(model, param, bounds, hopf, params=None, ds=None, ds_max=None, max_steps=400,
                    ntst=40, ncol=4, adapt=3):
    """Limit cycles born at a Hopf point, continued in ``param`` over ``bounds``.

    Called by :func:`~nbblox.analysis.continuation` with ``start=<Hopf point>``.
    ``ntst`` mesh intervals of ``ncol`` collocation points (AUTO's names);
    every ``adapt`` steps the mesh is redistributed to equidistribute the
    error (AUTO's IAD; ``adapt=0`` keeps the uniform mesh).
    """
    prob, s, k, lo, hi = _setup(model, param, bounds, hopf, params)
    x = np.asarray(hopf.x, float)
    p_h = float(prob.p0[k])
    hv = hopf_vectors(prob.J(x, prob.p0))
    if hv is None:
        raise NbbloxError("continuation: the start point has no complex eigenvalue pair: "
                          "it is not a Hopf point of this system")
    omega, q, _ = hv
    C = Colloc(prob, k, N=int(ntst), m=int(ncol))
    tau = np.linspace(0, 1, C.M)
    prof = np.real(q[None, :] * np.exp(2j * np.pi * tau)[:, None])  # (M, n)
    Y0 = np.concatenate([np.tile(x, C.M), [2 * np.pi / omega, p_h]])
    t0 = np.concatenate([prof.ravel(), [0.0, 0.0]])
    C.set_reference(prof)
    C.set_scales(np.maximum(np.abs(x), 1.0), 2 * np.pi / omega, (hi - lo) / 2)
    return _run(C, Y0, t0, prof, lo, hi, ds, ds_max, max_steps, s, param,
                "could not start the limit-cycle branch at the Hopf point", adapt=adapt)


def continue_doubled(model, param, bounds, pd, params=None, ds=None, ds_max=None, max_steps=400,
                     ntst=None, ncol=None, adapt=3):
    """Branch switching at a period-doubling point: the cycle of period 2T.

    Called by :func:`~nbblox.analysis.continuation` with ``start=<PD point>``.
    The doubled cycle starts as the PD cycle traversed twice, on a mesh of
    2 x ntst intervals, and leaves it along the critical Floquet eigenfunction
    v (multiplier -1): the tangent is (v on the first lap, -v on the second,
    0, 0) -- orthogonal to the doubled original branch, so the corrector lands
    on the new branch (Doedel, Keller & Kernevez 1991, sec. 6.4).
    """
    prob, s, k, lo, hi = _setup(model, param, bounds, pd, params)
    d = pd.data
    if "profile" not in d or "ntst" not in d:
        raise NbbloxError("continuation: start= needs a PD point of a limit-cycle branch")
    N, m = int(d["ntst"]), int(d["ncol"])
    C1 = Colloc(prob, k, N=N, m=m)
    tm = d.get("mesh", C1.tm)
    C1.set_mesh(tm)
    U, T, pv = d["profile"], float(d["period"]), float(pd.param_value)
    Y1 = np.concatenate([U.ravel(), [T, pv]])
    C1.set_reference(U)
    mu, v = C1.floquet_vector(Y1, -1.0)
    if abs(mu + 1) > 0.05:
        raise NbbloxError(f"continuation: the start point has no Floquet multiplier near -1 "
                          f"(closest {mu:.4g}): it is not a period-doubling point")
    N2 = 2 * N if ntst is None else int(ntst)
    if N2 != 2 * N or (ncol is not None and int(ncol) != m):
        raise ParameterError(f"continuation from a PD point uses ntst = 2 x {N} = {2 * N} and "
                             f"ncol = {m} (the mesh of the branch it comes from)")
    C = Colloc(prob, k, N=N2, m=m)
    C.set_mesh(np.concatenate([tm / 2, 0.5 + tm[1:] / 2]))  # the same mesh on both laps
    U2 = np.vstack([U[:-1], U])
    v = v / np.sqrt(np.sum(C1.wn[:, None] * v * v))
    V2 = np.vstack([v[:-1], mu.real * v])  # v(tau + 1) = mu v(tau), mu ~ -1
    Y0 = np.concatenate([U2.ravel(), [2 * T, pv]])
    t0 = np.concatenate([V2.ravel(), [0.0, 0.0]])
    C.set_reference(U2)
    C.set_scales(np.maximum(np.abs(U).max(0), 1.0), 2 * T, (hi - lo) / 2)
    br = _run(C, Y0, t0, U2, lo, hi, ds, ds_max, max_steps, s, param,
              "could not switch onto the period-doubled branch", T_ref=2 * T, check_eq=False,
              adapt=adapt)
    return br


def _setup(model, param, bounds, sp_, params):
    prob = Problem(model, params)
    s = prob.s
    k = check_param(s, param)
    if sp_.params is not None:
        prob.p0 = np.array(sp_.params, float)
        if params:
            prob.p0 = s.param_vector({**dict(zip(s.param_names, prob.p0)), **params})
    lo, hi = (float(v) for v in bounds)
    lo, hi = min(lo, hi), max(lo, hi)
    p_s = float(prob.p0[k])
    if not lo <= p_s <= hi:
        raise ParameterError(f"the {sp_.kind} point ({param} = {p_s:g}) is outside the range "
                             f"({lo:g}, {hi:g})")
    return prob, s, k, lo, hi


def _run(C, Y0, t0, prof, lo, hi, ds, ds_max, max_steps, s, param, fail, T_ref=None,
         check_eq=True, adapt=3):
    """The predictor-corrector loop shared by the Hopf start and PD switching."""
    t0 = t0 / np.sqrt(C.inner(t0, t0))
    T_ref = T_ref or Y0[-2]
    ds_max = ds_max or 0.1
    h = ds or ds_max / 10
    ds_min = 1e-8
    pts, specials = [], []
    reason = f"max_steps ({max_steps}) reached"
    Wv = C.weights_vec()
    Y, t = Y0, t0
    first = True
    max_amp, dev_prev = 0.0, prof - C.wn @ prof
    from ..sim.control import current_control
    ctl = current_control()     # a caller's cancel event (the explorer's worker) stops here
    for step in range(max_steps):
        if ctl is not None:
            ctl.check(float(Y[-1]))
        with np.errstate(all="ignore"):  # trial steps may overflow exp(); Newton rejects them
            res = _step(C, Y, t, h, ds_min, Wv)
        if res is None:
            reason = f"the corrector failed at {param} = {Y[-1]:.6g}"
            break
        Yn, tn, hu, it = res
        U, T, pv = C.split(Yn)
        amp = np.max(U.max(0) - U.min(0))
        dev = U - C.wn @ U
        if check_eq and not first and (amp < 1e-4 * max_amp
                                       or np.sum(C.wn[:, None] * dev * dev_prev) < 0):
            # the oscillation passed through zero amplitude: an equilibrium (Hopf) point
            reason = f"the cycle shrank to an equilibrium (a Hopf point near {param} = {pv:.6g})"
            break
        max_amp, dev_prev = max(max_amp, amp), dev
        if not (np.isfinite(T) and 0 < T < 1e4 * T_ref):
            reason = "the period grew without bound (approaching a homoclinic orbit or SNIC)"
            break
        end = None
        if not lo <= pv <= hi:  # the last point: exactly on the end of the range
            end = lo if pv < lo else hi
            with np.errstate(all="ignore"):
                Ye = _at_param(C, Y, Yn, end)
            if Ye is None:
                reason = "reached the end of the parameter range"
                break
            Yn = Ye
        with np.errstate(all="ignore"):
            info = _point(C, Yn, tn)
            if pts:
                specials += _detect(C, pts[-1], info, Wv, param, s)
        pts.append(info)
        C.set_reference(C.split(Yn)[0])
        first = False
        if end is not None:
            reason = "reached the end of the parameter range"
            break
        if adapt and (step + 1) % int(adapt) == 0:  # redistribute the mesh (de Boor)
            Yn, tn = _remesh(C, pts[-1], Yn, tn)
        Y, t = Yn, tn
        h = min(ds_max, hu * (1.5 if it <= 3 else 1.0 if it <= 5 else 0.6))
    if not pts:
        raise NbbloxError(f"continuation: {fail} ({reason}); try a smaller ds=")
    return _to_branch(C, pts, _merge_folds(specials, 1e-7 * (hi - lo)), reason, s, param)


def _merge_folds(specials, tol):
    """Consecutive LPCs at one parameter value (within tol) are one fold and the
    discretisation's wiggles around it: on a canard the branch is flat in p to
    ~1e-10 and mesh changes tip the tangent's p-component back and forth.  An odd
    run is one fold (the first is kept), an even run is none."""
    out, i = [], 0
    while i < len(specials):
        j = i + 1
        if specials[i].kind == "LPC":
            while (j < len(specials) and specials[j].kind == "LPC"
                   and abs(specials[j].param_value - specials[i].param_value) < tol):
                j += 1
            if (j - i) % 2:
                out.append(specials[i])
        else:
            out.append(specials[i])
        i = j
    return out


def _remesh(C, info, Y, t):
    """Move the current point, its tangent and the last stored point onto an
    adapted mesh; the phase reference and arclength weights follow."""
    U = C.split(Y)[0]
    tm = C.adapted_mesh(U)
    if not np.all(np.diff(tm) > 0) or np.max(np.abs(tm - C.tm)) < 1e-3 / C.N:
        return Y, t
    Y, t, info["Y"], info["t"] = C.remesh(tm, Y, t, info["Y"], info["t"])
    info["mesh"] = C.tm.copy()
    C.set_reference(C.split(Y)[0])
    t = t / np.sqrt(C.inner(t, t))
    e = np.zeros(Y.size)
    e[-1] = 1.0
    try:  # the tangent of the discretisation on the new mesh, oriented as before
        tn = spla.splu(C.bordered(Y, t * C.weights_vec()), permc_spec="MMD_AT_PLUS_A").solve(e)
    except RuntimeError:
        return Y, t
    tn /= np.sqrt(C.inner(tn, tn))
    return Y, (tn if C.inner(tn, t) >= 0 else -tn)


def _at_param(C, Ya, Yb, pval):
    """The cycle between Ya and Yb with the parameter exactly pval (Newton with
    the parameter fixed, from the linear interpolant), or None."""
    pa, pb = Ya[-1], Yb[-1]
    f = (pval - pa) / (pb - pa) if pb != pa else 1.0
    Y = Ya + np.clip(f, 0, 1) * (Yb - Ya)
    Y[-1] = pval
    e = np.zeros(Y.size)
    e[-1] = 1.0
    return _bordered_newton(C, Y, e, lambda Y: Y[-1] - pval, C.maxiter + 2)


def _bordered_newton(C, Y, border, extra, maxiter):
    """Newton on the collocation equations plus one scalar condition ``extra(Y)``
    whose gradient is ``border``; the converged Y, or None."""
    for _ in range(maxiter):
        r = np.append(C.G(Y), extra(Y))
        try:
            dY = spla.splu(C.bordered(Y, border), permc_spec="MMD_AT_PLUS_A").solve(-r)
        except RuntimeError:
            return None
        Y = Y + dY
        if not np.all(np.isfinite(Y)):
            return None
        if np.sqrt(C.inner(dY, dY)) < C.tol * (1 + np.sqrt(C.inner(Y, Y))):
            return Y
    return None


def _step(C, Y, t, h, ds_min, Wv):
    """Predictor-corrector with the weighted arclength row."""
    while abs(h) >= ds_min:
        Yp = Y + h * t
        tw = t * Wv
        Yn = Yp.copy()
        ok = False
        for it in range(1, C.maxiter + 1):
            g = C.G(Yn)
            if not np.all(np.isfinite(g)):
                break
            r = np.append(g, tw @ (Yn - Yp))
            A = C.bordered(Yn, tw)
            try:
                lu = spla.splu(A, permc_spec="MMD_AT_PLUS_A")  # ~no fill-in here
            except RuntimeError:
                break
            dY = lu.solve(-r)
            Yn = Yn + dY
            if not np.all(np.isfinite(Yn)):
                break
            if np.sqrt(C.inner(dY, dY)) < C.tol * (1 + np.sqrt(C.inner(Yn, Yn))):
                ok = True
                break
        if ok and np.sqrt(C.inner(Yn - Y, Yn - Y)) < 3 * abs(h):
            e = np.zeros(Yn.size)
            e[-1] = 1.0
            tn = lu.solve(e)
            tn /= np.sqrt(C.inner(tn, tn))
            if C.inner(tn, t) < 0:
                tn = -tn
            if C.inner(tn, t) > 0.3 or abs(h) <= 4 * ds_min:
                return Yn, tn, h, it
        h /= 2
    return None


def _point(C, Y, t):
    mu = C.multipliers(Y)
    U, T, pv = C.split(Y)
    # eigenvalues of the monodromy product are accurate only to ~eps*max|mu|:
    # with a strongly unstable multiplier, crossings of -1 or of the circle are
    # not resolvable and are not reported
    ok = np.max(np.abs(mu)) < 1e6 and np.min(np.abs(mu - 1)) < 1e-3
    return {"Y": Y, "t": t, "mu": mu, "stable": stable_from(mu), "tp": t[-1], "mesh": C.tm.copy(),
            "npd": int(np.sum((np.abs(mu.imag) < 1e-8) & (mu.real < -1))) if ok else None,
            "nns": int(np.sum((np.abs(mu.imag) >= 1e-8) & (np.abs(mu) > 1))) if ok else None}


def _detect(C, a, b, Wv, param, s):
    out = []
    if np.sign(a["tp"]) != np.sign(b["tp"]):
        out.append(_make(C, "LPC", _interp_extremum(C, a, b), param, s))
    # PD: one real multiplier crosses -1; NS: one complex pair crosses the circle.
    # Two real multipliers merging into a pair changes the counts too (like a
    # neutral saddle for equilibria), so the located point must confirm it.
    if a["npd"] is not None and b["npd"] is not None and abs(a["npd"] - b["npd"]) == 1:
        f = _frac(a, b, lambda q: _closest(q["mu"], -1.0).real + 1)
        sp_ = _make(C, "PD", _between(C, a, b, f), param, s)
        if np.min(np.abs(sp_.eigenvalues + 1)) < 0.05:
            out.append(sp_)
    if a["nns"] is not None and b["nns"] is not None and abs(a["nns"] - b["nns"]) == 2:
        f = _frac(a, b, lambda q: _pair_modulus(q["mu"]) - 1)
        sp_ = _make(C, "NS", _between(C, a, b, f), param, s)
        if abs(_pair_modulus(sp_.eigenvalues) - 1) < 0.05:
            out.append(sp_)
    return out


def _closest(mu, target):
    return mu[np.argmin(np.abs(mu - target))]


def _pair_modulus(mu):
    cpx = mu[np.abs(mu.imag) >= 1e-8]
    return float(cpx[np.argmin(np.abs(np.abs(cpx) - 1))].__abs__()) if cpx.size else np.inf


def _frac(a, b, g):
    ga, gb = g(a), g(b)
    return float(np.clip(ga / (ga - gb), 0, 1)) if ga != gb else 0.5


def _interp_extremum(C, a, b):
    """Fold of cycles: where the tangent's p-component vanishes."""
    return _between(C, a, b, _frac(a, b, lambda q: q["tp"]))


def _between(C, a, b, f):
    """The branch point at fraction f of the chord a-b: linear interpolation of the
    test function, then Newton on the hyperplane normal to the chord (falls back
    to the interpolated point if Newton does not converge)."""
    Y0 = a["Y"] + f * (b["Y"] - a["Y"])
    sec = (b["Y"] - a["Y"]) * C.weights_vec()
    Y = _bordered_newton(C, Y0.copy(), sec, lambda Y: sec @ (Y - Y0), C.maxiter)
    return Y0 if Y is None else Y


def _make(C, kind, Y, param, s):
    U, T, pv = C.split(Y)
    mu = C.multipliers(Y)
    return SpecialPoint(kind, float(pv), dict(zip(s.state_names, map(float, U[0]))),
                        eigenvalues=mu, param_names=(param,), x=U[0].copy(),
                        params=C.par(pv), system=s,
                        data={"period": float(T), "ntst": C.N, "ncol": C.m, "mesh": C.tm.copy(),
                              "max": dict(zip(s.state_names, U.max(0))),
                              "min": dict(zip(s.state_names, U.min(0))), "profile": U.copy()})


def _to_branch(C, pts, specials, reason, s, param):
    # special points become points of the branch (located between two others)
    seq = [("pt", q["Y"], q["mu"], q["stable"], None, q["mesh"]) for q in pts]
    for sp_ in specials:
        Ysp = np.concatenate([sp_.data["profile"].ravel(), [sp_.data["period"], sp_.param_value]])
        d = [np.linalg.norm(q[1] - Ysp) for q in seq]
        i = int(np.argmin(d))
        seq.insert(i + 1 if i + 1 < len(seq) else i, ("sp", Ysp, sp_.eigenvalues,
                                                     stable_from(sp_.eigenvalues), sp_,
                                                     sp_.data["mesh"]))
    Ys = np.array([q[1] for q in seq])
    n, M = C.n, C.M
    native = Ys[:, :M * n].reshape(len(seq), M, n)  # node values, each on its own mesh
    tau = np.linspace(0, 1, M)
    keep = C.tm.copy()
    prof = np.empty_like(native)
    for i, q in enumerate(seq):  # profiles resampled on a uniform phase grid
        C.set_mesh(q[5])
        prof[i] = C.evaluate(native[i], tau)
        if q[4] is not None:
            q[4].index = i
    C.set_mesh(keep)
    names = s.state_names
    return Branch("cycle", (param,), Ys[:, -1], native[:, 0, :], names,
                  [q[3] for q in seq], [q[4] for q in seq if q[4] is not None], reason,
                  system=s, period=Ys[:, -2],
                  min={nm: native[:, :, i].min(1) for i, nm in enumerate(names)},
                  max={nm: native[:, :, i].max(1) for i, nm in enumerate(names)},
                  multipliers=np.array([q[2] for q in seq]), profiles=prof, mesh=tau)
