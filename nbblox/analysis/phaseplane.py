"""Phase plane of two states: nullclines (marching squares on a grid, then
each vertex projected onto the zero set by Newton along the gradient), the
vector field, fixed points with stability and a few trajectories.  Other
states are held at given values (default: the System's initial state).
"""
from __future__ import annotations

import numpy as np

from .._text import counted
from ..exceptions import ParameterError
from ._common import Problem, check_state, classify
from .fixedpoints import FixedPoint, newton_batch

__all__ = ["PhasePlane", "phase_plane", "phase_window"]


class PhasePlane:
    """Result of :func:`phase_plane`.

    Attributes
    ----------
    x, y : str                 state names on the axes
    xlim, ylim : (float, float)
    grid_x, grid_y : ndarray   vector-field sample points (2-D arrays)
    u, v : ndarray             dx/dt, dy/dt on that grid
    nullclines : dict          {"x": [ (k,2) arrays ], "y": [...]}: dx/dt = 0 and dy/dt = 0
    fixed_points : list of FixedPoint (eigenvalues of the full system if it is 2-D,
                   else of the 2x2 block with the other states held)
    trajectories : list of (k,2) arrays
    """

    def __init__(self, **kw):
        self.__dict__.update(kw)

    def __repr__(self):
        return (f"<PhasePlane {self.x} vs {self.y}: {len(self.nullclines['x'])}+"
                f"{len(self.nullclines['y'])} nullcline pieces, {counted(len(self.fixed_points), 'fixed point')}>")

    def to_pandas(self):
        """Nullcline vertices: columns which ('x'/'y' nullcline), piece, x, y."""
        import pandas as pd
        rows = []
        for which in ("x", "y"):
            for k, c in enumerate(self.nullclines[which]):
                rows.append(pd.DataFrame({"nullcline": f"d{which}/dt=0", "piece": k,
                                          self.x: c[:, 0], self.y: c[:, 1]}))
        return pd.concat(rows, ignore_index=True) if rows else pd.DataFrame()

    def plot(self, stamp=False, **kw):
        """Nullclines, vector field and trajectories (HoloViews); ``stamp=True``
        writes the reproducibility stamp under it."""
        from ..viz.phaseplane import plot_phase_plane
        from ..viz.stamp import with_stamp
        el = plot_phase_plane(self, **kw)
        return with_stamp(el, self) if stamp else el


def _march(Z, xs, ys):
    """Zero contour of Z[j, i] (y index j, x index i) as chained polylines."""
    ny, nx = Z.shape
    s = Z > 0
    # crossing points on horizontal edges (between i and i+1 at row j) and vertical ones
    with np.errstate(all="ignore"):
        fh = Z[:, :-1] / (Z[:, :-1] - Z[:, 1:])
        fv = Z[:-1, :] / (Z[:-1, :] - Z[1:, :])
    hcross = s[:, :-1] != s[:, 1:]
    vcross = s[:-1, :] != s[1:, :]
    ok = np.isfinite(Z)
    hcross &= ok[:, :-1] & ok[:, 1:]
    vcross &= ok[:-1, :] & ok[1:, :]
    # edge ids: horizontal (j, i) -> j*(nx-1)+i ; vertical (j, i) -> H + j*nx + i
    H = ny * (nx - 1)
    pts = {}
    jj, ii = np.nonzero(hcross)
    for j, i in zip(jj, ii):
        pts[j * (nx - 1) + i] = (xs[i] + fh[j, i] * (xs[i + 1] - xs[i]), ys[j])
    jj, ii = np.nonzero(vcross)
    for j, i in zip(jj, ii):
        pts[H + j * nx + i] = (xs[i], ys[j] + fv[j, i] * (ys[j + 1] - ys[j]))
    adj = {}
    cells = hcross[:-1, :] | hcross[1:, :] | vcross[:, :-1] | vcross[:, 1:]
    for j, i in zip(*np.nonzero(cells)):
        e = [(hcross[j, i], j * (nx - 1) + i), (hcross[j + 1, i], (j + 1) * (nx - 1) + i),
             (vcross[j, i], H + j * nx + i), (vcross[j, i + 1], H + j * nx + i + 1)]
        e = [k for c, k in e if c]
        if len(e) == 2:
            pairs = [(e[0], e[1])]
        elif len(e) == 4:  # saddle cell: pair by the sign of the centre value
            bottom, top, left, right = e
            centre = Z[j:j + 2, i:i + 2].mean() > 0
            # a centre of the bottom-left corner's sign joins it to the centre: the
            # curves then cut off the bottom-right and top-left corners
            pairs = ([(bottom, right), (top, left)] if centre == s[j, i]
                     else [(bottom, left), (top, right)])
        else:
            continue
        for a, b in pairs:
            adj.setdefault(a, []).append(b)
            adj.setdefault(b, []).append(a)
    seen, lines = set(), []
    for start in sorted(adj, key=lambda k: len(adj[k])):
        if start in seen:
            continue
        line, cur, prev = [start], start, None
        seen.add(start)
        for _ in range(len(adj) + 1):
            nxt = [k for k in adj[cur] if k != prev and k not in seen]
            if not nxt:
                if len(line) > 2 and start in adj[cur]:
                    line.append(start)  # closed curve
                break
            prev, cur = cur, nxt[0]
            seen.add(cur)
            line.append(cur)
        if len(line) >= 2:
            lines.append(np.array([pts[k] for k in line]))
    return lines


def _refine(lines, comp, vf, vj, base, ix, iy, p, iters=3):
    """Project nullcline vertices onto f_comp = 0 (Newton along the gradient)."""
    if not lines:
        return lines
    sizes = [len(c) for c in lines]
    P = np.vstack(lines).T
    X = np.repeat(base[:, None], P.shape[1], axis=1)
    X[ix], X[iy] = P[0], P[1]
    with np.errstate(all="ignore"):
        for _ in range(iters):
            F = vf(X, p)[comp]
            Jr = vj(X, p)[comp]
            g = np.vstack([Jr[ix], Jr[iy]])
            g2 = np.sum(g * g, axis=0)
            step = np.where(g2 > 0, F / g2, 0.0)
            step = np.where(np.isfinite(step), step, 0.0)
            X[ix] -= step * g[0]
            X[iy] -= step * g[1]
    out, k = [], 0
    Q = np.vstack([X[ix], X[iy]]).T
    for m in sizes:
        seg = Q[k:k + m]
        orig = np.vstack(lines)[k:k + m]
        # keep the grid point where refinement wandered more than a cell
        out.append(np.where(np.isfinite(seg), seg, orig))
        k += m
    return out


def phase_plane(model, x, y, params=None, xlim=None, ylim=None, fixed=None, resolution=200,
                arrows=20, trajectories=0, t_end=100.0, seed=0):
    """Nullclines, vector field, fixed points and trajectories in the (x, y) plane.

    Parameters
    ----------
    model : System, Blox or Circuit
    x, y : str
        Two different state names.
    params : dict, optional
    xlim, ylim : (float, float), optional
        Window.  Default: what the dynamics show -- the fixed points, the
        nullclines' turning points, the run from the initial state over
        ``t_end`` (a limit cycle, if it has one) and the listed trajectories,
        found in the search window ``initial value +- 2*max(1, |value|)`` --
        with a margin of 30% of their extent on each side.
    fixed : dict, optional
        Values of the other states (default: the System's initial state).
    resolution : int
        Grid size for the nullclines (refined onto the curves afterwards).
    arrows : int
        Vector-field grid size.
    trajectories : int or list of dict
        Number of trajectories from quasi-random starts, or their starts
        (``[{}]``: the run from the initial state).
    t_end : float
        Duration of each trajectory.

    Examples
    --------
    >>> import nbblox as nb
    >>> pp = nb.phase_plane(nb.blox.FitzHughNagumo(name="fhn"), x="fhn.V", y="fhn.w",
    ...                     xlim=(-3, 3), ylim=(-2, 3))
    >>> [f.stability for f in pp.fixed_points]
    ['stable focus']
    """
    prob, p, ix, iy, base = _plane(model, x, y, params, fixed)
    s = prob.s
    given = []
    for i, lim in ((ix, xlim), (iy, ylim)):
        if lim is not None:
            a, b = float(lim[0]), float(lim[1])
            if not (np.isfinite(a) and np.isfinite(b) and a < b):
                raise ParameterError(f"limits of {s.state_names[i]} must satisfy low < high, "
                                     f"got {lim}")
            lim = (a, b)
        given.append(lim)
    vf, vj = prob.vec()
    starts = _starts(s, base, ix, iy, trajectories)
    paths = None
    if None in given:
        lims, paths = _window(prob, vf, vj, base, ix, iy, p, given, starts, t_end)
    else:
        lims = given
    res = int(max(10, min(resolution, 2000)))
    null, fps = _nullclines_and_fixed_points(prob, vf, vj, base, ix, iy, p, lims, res)
    na = int(max(2, arrows))
    ax = np.linspace(*lims[0], na)
    ay = np.linspace(*lims[1], na)
    AX, AY = np.meshgrid(ax, ay)
    XA = np.repeat(base[:, None], AX.size, axis=1)
    XA[ix], XA[iy] = AX.ravel(), AY.ravel()
    with np.errstate(all="ignore"):
        FA = vf(XA, p)
    if starts is None:          # a number of quasi-random starts in the window
        n = int(trajectories) if trajectories else 0
        rng = np.random.default_rng(seed)
        starts = [(rng.uniform(*lims[0]), rng.uniform(*lims[1])) for _ in range(max(0, n))]
        trajs = _trajectories(prob, base, ix, iy, starts, t_end, p)
    elif paths is not None:     # listed starts: already run to choose the window
        trajs = paths[1:]
    else:
        trajs = _trajectories(prob, base, ix, iy, starts, t_end, p)
    return PhasePlane(x=x, y=y, xlim=lims[0], ylim=lims[1], grid_x=AX, grid_y=AY,
                      u=FA[ix].reshape(AX.shape), v=FA[iy].reshape(AX.shape), nullclines=null,
                      fixed_points=fps, trajectories=trajs, params=p.copy(), system=s)


def _plane(model, x, y, params, fixed):
    """The problem, its parameters, the two states' indices and the base state."""
    prob = Problem(model, params)
    s = prob.s
    if x == y:
        raise ParameterError(f"x and y must be two different states (both are {x!r})")
    return prob, prob.p0, check_state(s, x), check_state(s, y), s.initial_state(fixed)


def _nullclines_and_fixed_points(prob, vf, vj, base, ix, iy, p, lims, res):
    xs = np.linspace(*lims[0], res)
    ys = np.linspace(*lims[1], res)
    GX, GY = np.meshgrid(xs, ys)
    X = np.repeat(base[:, None], GX.size, axis=1)
    X[ix], X[iy] = GX.ravel(), GY.ravel()
    with np.errstate(all="ignore"):
        F = vf(X, p)
    null = {}
    for key, comp in (("x", ix), ("y", iy)):
        lines = _march(F[comp].reshape(GX.shape), xs, ys)
        null[key] = _refine(lines, comp, vf, vj, base, ix, iy, p)
    return null, _plane_fixed_points(prob, vf, vj, base, ix, iy, lims, null, p)


#: margin around what the window shows, as a fraction of its extent on each side
MARGIN = 0.3


def _window(prob, vf, vj, base, ix, iy, p, given, starts, t_end):
    """The window when ``xlim`` or ``ylim`` is not given: what the dynamics
    show, with a margin of :data:`MARGIN` of its extent on each side.

    First a wide search window (the initial value ``+- 2*max(1, |value|)``)
    finds the fixed points and the nullclines' turning points (the knees of a
    cubic); the trajectory from the initial state (its run over ``t_end``, a
    limit cycle if it has one) and the requested trajectories are added.  Their
    box, with the margin, is the window, never narrower than a tenth of the
    search window (widened to the listed starts; what runs off it is left
    out).  Returns the window and the trajectories (the first from the initial
    state; none are run when ``t_end`` is None)."""
    wide = []
    for i, lim in zip((ix, iy), given):
        span = 2.0 * max(1.0, abs(base[i]))
        wide.append(lim if lim is not None else (base[i] - span, base[i] + span))
    null, fps = _nullclines_and_fixed_points(prob, vf, vj, base, ix, iy, p, wide, 120)
    paths = [] if t_end is None else _trajectories(
        prob, base, ix, iy, [(base[ix], base[iy])] + list(starts or []), t_end, p)
    pts = [np.array([[base[ix], base[iy]]])]
    pts += [np.array([[f.x[ix], f.x[iy]]]) for f in fps]
    pts += [np.asarray(t) for t in paths]
    for piece in null["x"] + null["y"]:
        pts.append(_turning_points(piece))
    P = np.vstack([q for q in pts if len(q)])
    lims = []
    for k, lim in enumerate(given):
        if lim is not None:
            lims.append(lim)
            continue
        lo, hi = wide[k]
        for st in starts or []:       # a start the user lists is shown, wherever it is
            lo, hi = min(lo, st[k]), max(hi, st[k])
        v = P[:, k]
        v = v[np.isfinite(v) & (v >= lo) & (v <= hi)]
        a, b = (float(v.min()), float(v.max())) if v.size else (lo, hi)
        half = max(0.5 * (b - a) * (1.0 + 2.0 * MARGIN), 0.05 * (hi - lo))
        mid = 0.5 * (a + b)
        lims.append((mid - half, mid + half))
    return lims, paths


def phase_window(model, x, y, params=None, fixed=None):
    """The window :func:`phase_plane` chooses by itself, from the fixed points
    and the nullclines' turning points alone (no trajectory is run: cheap
    enough for every slider move of an explorer, which adds its own run).

    Parameters
    ----------
    model : System, Blox or Circuit
    x, y : str
        Two different state names.
    params, fixed : dict, optional
        As for :func:`phase_plane`.

    Returns
    -------
    ((float, float), (float, float))
        ``xlim, ylim``.

    Examples
    --------
    >>> import nbblox as nb
    >>> xl, yl = phase_window(nb.blox.FitzHughNagumo(name="fhn"), "fhn.V", "fhn.w")
    >>> bool(xl[0] < -1.2 and xl[1] > 1.0)     # the fixed point and both knees
    True
    """
    prob, p, ix, iy, base = _plane(model, x, y, params, fixed)
    vf, vj = prob.vec()
    lims, _ = _window(prob, vf, vj, base, ix, iy, p, [None, None], None, None)
    return tuple(lims[0]), tuple(lims[1])


def _turning_points(piece):
    """Vertices of a nullcline where x or y turns back (a cubic's knees)."""
    c = np.asarray(piece, float)
    if len(c) < 3:
        return np.empty((0, 2))
    d = np.diff(c, axis=0)
    turn = np.zeros(len(c), bool)
    for k in (0, 1):
        sgn = np.sign(d[:, k])
        turn[1:-1] |= (sgn[:-1] * sgn[1:]) < 0
    return c[turn]


def _starts(s, base, ix, iy, trajectories):
    """Listed trajectory starts as (x, y), or None for a number of random ones."""
    if isinstance(trajectories, (int, np.integer)) or trajectories is None:
        return None
    starts = []
    for d in trajectories:
        if not isinstance(d, dict):
            raise ParameterError("trajectories must be an int or a list of {state: value} dicts")
        starts.append((d.get(s.state_names[ix], base[ix]), d.get(s.state_names[iy], base[iy])))
    return starts


def _plane_fixed_points(prob, vf, vj, base, ix, iy, lims, null, p):
    s = prob.s
    # starts: nullcline vertices of one kind, where the other component changes sign
    starts = []
    for c in null["x"]:
        starts.append(c)
    if not starts:
        return []
    P = np.vstack(starts)
    X = np.repeat(base[:, None], P.shape[0], axis=1)
    X[ix], X[iy] = P[:, 0], P[:, 1]
    with np.errstate(all="ignore"):
        g = vf(X, p)[iy]
    sc = np.nonzero(np.sign(g[:-1]) != np.sign(g[1:]))[0]
    cand = X[:, np.unique(np.concatenate([sc, sc + 1]))] if sc.size else X[:, :0]
    if cand.shape[1] == 0:
        return []
    with np.errstate(all="ignore"):
        Xc, conv = newton_batch(vf, vj, cand, p, free=[ix, iy])
    Xc = Xc[:, conv]
    (x0, x1), (y0, y1) = lims
    inside = (Xc[ix] >= x0) & (Xc[ix] <= x1) & (Xc[iy] >= y0) & (Xc[iy] <= y1)
    Xc = Xc[:, inside]
    out = []
    tol = 1e-6 * np.array([x1 - x0, y1 - y0])
    for k in range(Xc.shape[1]):
        xy = Xc[[ix, iy], k]
        if any(np.all(np.abs(xy - np.array([f.state[s.state_names[ix]], f.state[s.state_names[iy]]]))
                      <= tol) for f in out):
            continue
        xk = Xc[:, k]
        J = prob.J(xk, p)
        if prob.n > 2:
            J = J[np.ix_([ix, iy], [ix, iy])]
        ev = np.linalg.eigvals(J)
        ev = ev[np.lexsort((-ev.imag, -ev.real))]
        out.append(FixedPoint(dict(zip(s.state_names, map(float, xk))), ev, classify(ev), x=xk,
                              jacobian=J))
    out.sort(key=lambda f: tuple(f.x))
    return out


def _trajectories(prob, base, ix, iy, starts, t_end, p):
    if not starts:   # no SciPy import then: scipy.integrate costs ~0.3 s (cold start)
        return []
    from scipy.integrate import solve_ivp
    out = []
    for a, b in starts:
        def rhs(t, z):
            X = base.copy()
            X[ix], X[iy] = z
            f = prob.f(X, p)
            return [f[ix], f[iy]]
        sol = solve_ivp(rhs, (0.0, float(t_end)), [a, b], method="LSODA", rtol=1e-6, atol=1e-9,
                        max_step=float(t_end) / 200)
        out.append(sol.y.T)
    return out
