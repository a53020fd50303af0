"""Result types of continuation: :class:`Branch` and :class:`SpecialPoint`."""
from __future__ import annotations

import itertools
import weakref
from dataclasses import dataclass, field

import numpy as np

from .._text import counted

__all__ = ["Branch", "SpecialPoint", "KINDS"]

_SERIAL = itertools.count()     # order of creation: a figure lays out older branches first

KINDS = {
    "LP": "fold (limit point, saddle-node)",
    "H": "Hopf",
    "BP": "branch point",
    "LPC": "fold of limit cycles",
    "PD": "period doubling",
    "NS": "Neimark-Sacker (torus)",
    "CP": "cusp",
    "BT": "Bogdanov-Takens",
    "GH": "generalized Hopf (Bautin)",
    "ZH": "zero-Hopf (fold-Hopf)",
    "HH": "double Hopf",
}


@dataclass
class SpecialPoint:
    """A located bifurcation on a branch.

    Attributes
    ----------
    kind : str
        One of ``KINDS`` ("LP", "H", "BP", "LPC", "PD", "CP", "BT", "GH", ...).
    param_value : float or tuple
        Parameter value (a pair on a codim-2 curve).
    state : dict
        {state name: value} (for a cycle: the point of the orbit at phase 0).
    lyapunov : float or None
        First Lyapunov coefficient l1 at a Hopf point (> 0: subcritical), in
        Kuznetsov's convention (eq. 3.20, with the 1/omega factor, <q,q> = 1);
        MatCont prints l1 * omega.  None elsewhere.
    eigenvalues : ndarray
        Jacobian eigenvalues (Floquet multipliers for cycle bifurcations).
    """

    kind: str
    param_value: object
    state: dict
    lyapunov: float | None = None
    eigenvalues: np.ndarray = None
    param_names: tuple = ()
    x: np.ndarray = field(repr=False, default=None)
    params: np.ndarray = field(repr=False, default=None)  # full parameter vector
    index: int = field(repr=False, default=-1)  # position in the branch arrays
    frequency: float | None = field(repr=False, default=None)  # omega at a Hopf
    normal_form: float | None = field(repr=False, default=None)  # e.g. fold coefficient a
    system: object = field(repr=False, default=None, compare=False)
    data: dict = field(repr=False, default_factory=dict)  # cycle profile etc.

    def __getstate__(self):
        # the weak links between branches (``branch_ref``, ``started``) are no data:
        # the unpickled branches set them again (Branch.__setstate__)
        return {k: v for k, v in self.__dict__.items() if k not in ("branch_ref", "started")}

    @property
    def period(self):
        """2 pi / omega at a Hopf point (None otherwise)."""
        return 2 * np.pi / self.frequency if self.frequency else None

    @property
    def criticality(self):
        if self.kind != "H" or self.lyapunov is None:
            return None
        return "subcritical" if self.lyapunov > 0 else "supercritical"

    def __repr__(self):
        pv = self.param_value
        pv = ", ".join(f"{v:.6g}" for v in pv) if isinstance(pv, tuple) else f"{pv:.6g}"
        extra = ""
        if self.kind == "H" and self.lyapunov is not None:
            extra = f", l1={self.lyapunov:.4g} ({self.criticality})"
        names = "/".join(self.param_names)
        return f"SpecialPoint({self.kind} at {names}={pv}{extra})"


class Branch:
    """A continued family of equilibria, limit cycles or codim-2 points.

    Attributes
    ----------
    param_names : tuple of str
    param_values : ndarray, shape (n,) or (n, 2)
    states : dict {name: ndarray (n,)}
        Equilibrium states (for cycles: the orbit's point at phase 0).
    stable : ndarray of bool
    special_points : list of SpecialPoint
    eigenvalues : ndarray (n, dim) -- for cycles: ``multipliers``
    period, min, max, multipliers : cycles only
    reason : str -- why the continuation stopped
    kind : "equilibrium", "cycle", "LP curve" or "H curve"
    """

    def __init__(self, kind, param_names, param_values, X, state_names, stable,
                 special_points, reason, eigenvalues=None, system=None, **extra):
        self.kind = kind
        self.param_names = tuple(param_names)
        self.param_values = np.asarray(param_values, dtype=float)
        self.X = np.asarray(X, dtype=float).reshape(len(self.param_values), -1)
        self.state_names = list(state_names)
        self.states = {nm: self.X[:, i].copy() for i, nm in enumerate(self.state_names)}
        self.stable = np.asarray(stable, dtype=bool)
        self.special_points = list(special_points)
        self.reason = reason
        self.eigenvalues = eigenvalues
        self.system = system
        self.period = extra.pop("period", None)
        self.min = extra.pop("min", None)
        self.max = extra.pop("max", None)
        self.multipliers = extra.pop("multipliers", None)
        self.profiles = extra.pop("profiles", None)
        self.extra = extra
        # the branches one figure may overlay (``br.plot() * cycles.plot()``) find each
        # other through their special points: each point knows its branch, and a branch
        # started at a point is listed on it (weakly: a figure never keeps data alive)
        self.serial = next(_SERIAL)
        self.start = None
        for p in self.special_points:
            p.__dict__["branch_ref"] = weakref.ref(self)

    def __setstate__(self, state):
        # pickle and deepcopy: link the points to this copy, and its start point to it
        # (when the start point's branch travels in the same pickle, related() finds both)
        self.__dict__.update(state)
        for p in self.special_points:
            p.__dict__["branch_ref"] = weakref.ref(self)
        start = self.__dict__.get("start")
        if start is not None:
            start.__dict__.setdefault("started", []).append(weakref.ref(self))

    def related(self):
        """This branch and every branch linked to it by a start point (the
        equilibria a cycle branch was started from, the cycles started at a
        Hopf point of this one, and so on), oldest first: the branches a
        figure may overlay, whose labels are placed together.

        Examples
        --------
        >>> import nbblox as nb
        >>> fhn = nb.blox.FitzHughNagumo(name="fhn")
        >>> br = nb.continuation(fhn, "fhn.I", (0.0, 2.0))
        >>> cyc = nb.continuation(fhn, "fhn.I", (0.0, 2.0), start=br.special("H")[0])
        >>> [b.kind for b in br.related()] == [b.kind for b in cyc.related()] == ["equilibrium", "cycle"]
        True
        """
        seen, todo = {}, [self]
        while todo:
            br = todo.pop()
            if br is None or id(br) in seen:
                continue
            seen[id(br)] = br
            start = getattr(br, "start", None)
            ref = start.__dict__.get("branch_ref") if start is not None else None
            todo.append(ref() if ref is not None else None)
            for p in br.special_points:
                todo.extend(r() for r in p.__dict__.get("started", ()))
        return sorted(seen.values(), key=lambda b: getattr(b, "serial", 0))

    def __len__(self):
        return len(self.param_values)

    def __repr__(self):
        sp = ", ".join(f"{p.kind}@{_fmt(p.param_value)}" for p in self.special_points)
        rng = self.param_values
        span = (f"{rng.min():.4g}..{rng.max():.4g}" if rng.ndim == 1 and rng.size else "")
        return (f"<Branch {self.kind} in {'/'.join(self.param_names)} {span}: {counted(len(self), 'point')}"
                f"{'; ' + sp if sp else ''}; stopped: {self.reason}>")

    def link_start(self, point):
        """Record that this branch was started at ``point`` (a special point of
        another branch): :meth:`related` then finds both."""
        self.start = point
        point.__dict__.setdefault("started", []).append(weakref.ref(self))
        return self

    def special(self, kind):
        """Special points of one kind, e.g. ``br.special("H")``."""
        return [p for p in self.special_points if p.kind == kind]

    def to_pandas(self):
        """One row per point: parameter(s), states, stable (+ period, min/max)."""
        import pandas as pd
        cols = {}
        pv = self.param_values
        if pv.ndim == 1:
            cols[self.param_names[0]] = pv
        else:
            for j, nm in enumerate(self.param_names):
                cols[nm] = pv[:, j]
        cols.update(self.states)
        cols["stable"] = self.stable
        if self.period is not None:
            cols["period"] = self.period
            for nm in self.state_names:
                cols[f"min {nm}"] = self.min[nm]
                cols[f"max {nm}"] = self.max[nm]
        sp = np.array([""] * len(self), dtype=object)
        for p in self.special_points:
            if 0 <= p.index < len(self):
                sp[p.index] = p.kind
        cols["special"] = sp
        return pd.DataFrame(cols)

    @property
    def circuit(self):
        """The Circuit continued (for a loaded file: rebuilt from its stored JSON)."""
        from ..io.provenance import circuit_of
        return circuit_of(self)

    def save(self, path, format=None):
        """Write the branch to netCDF (``.nc``) or zarr (``.zarr``); read it back
        with :func:`nbblox.load` (see :func:`nbblox.io.save`)."""
        from ..io import save
        return save(self, path, format=format)

    def plot(self, y=None, stamp=False, **kw):
        """Bifurcation diagram (HoloViews): stable solid, unstable dashed,
        labelled special points; ``y`` is a state name (default: the first)."""
        from ..viz.bifurcation import plot_branch
        from ..viz.stamp import with_stamp
        el = plot_branch(self, y=y, **kw)
        return with_stamp(el, self) if stamp else el


def _fmt(v):
    return ",".join(f"{u:.4g}" for u in v) if isinstance(v, tuple) else f"{v:.4g}"
