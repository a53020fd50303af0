"""Brute-force bifurcation diagram: simulate across a parameter range (the
batched ``nb.sweep`` kernel) and record the local extrema of one variable
after a transient -- the classroom view, and a cross-check of continuation.
"""
from __future__ import annotations

import numpy as np

from .._text import counted
from ..exceptions import ParameterError
from ._common import check_param, check_state, resolve

__all__ = ["BruteForce", "brute_force_diagram"]


class BruteForce:
    """Result of :func:`brute_force_diagram`.

    Attributes
    ----------
    param_name, var : str
    param_values : ndarray (k,)  -- one entry per recorded extremum
    values : ndarray (k,)        -- the extremum
    kind : ndarray of str (k,)   -- "max", "min" or "eq" (a run that settled)
    diverged : ndarray of bool   -- per swept value
    """

    def __init__(self, **kw):
        self.__dict__.update(kw)

    def __repr__(self):
        return (f"<BruteForce {self.var} vs {self.param_name}: {counted(len(self.sweep_values), 'run')}, "
                f"{counted(len(self.values), 'extremum', 'extrema')}>")

    def to_pandas(self):
        import pandas as pd
        return pd.DataFrame({self.param_name: self.param_values, self.var: self.values,
                             "kind": self.kind})

    def plot(self, **kw):
        from ..viz.bifurcation import plot_brute_force
        return plot_brute_force(self, **kw)


def _extrema(y, tol):
    """Local maxima and minima of a sampled trace (plateaus count once)."""
    d = np.diff(y)
    keep = np.abs(d) > tol
    idx = np.nonzero(keep)[0]
    if idx.size < 2:
        return np.array([]), np.array([])
    s = np.sign(d[idx])
    turn = np.nonzero(s[:-1] != s[1:])[0]
    at = idx[turn + 1]  # the sample where the slope changed sign
    vals = y[at]
    is_max = s[turn] > 0
    return vals[is_max], vals[~is_max]


def brute_force_diagram(model, param, values, var, t_end=1000.0, transient=None, dt=0.01,
                        method="rk4", params=None, x0=None, max_extrema=50, tol=None,
                        backend="cpu", stride=1):
    """Local maxima/minima of ``var`` after a transient, for each value of ``param``.

    Parameters
    ----------
    model : System, Blox or Circuit
    param : str
    values : 1-D array of parameter values
    var : str
        State whose extrema are recorded.
    t_end, transient : float
        Run length and the initial part ignored (default: half of t_end).
    max_extrema : int
        At most this many distinct extrema per run and kind (chaos yields many).
    tol : float, optional
        Oscillations smaller than this count as an equilibrium ("eq").

    Examples
    --------
    >>> import numpy as np, nbblox as nb
    >>> bf = nb.brute_force_diagram(nb.blox.FitzHughNagumo(name="fhn"), "fhn.I",
    ...                             np.array([0.0, 1.0]), "fhn.V", t_end=300.0, dt=0.05)
    >>> sorted(set(bf.kind[bf.param_values == 0.0])), sorted(set(bf.kind[bf.param_values == 1.0]))
    (['eq'], ['max', 'min'])
    """
    from ..sim.sweep import sweep
    s = resolve(model)
    check_param(s, param)
    check_state(s, var)
    vals = np.asarray(values, dtype=float)
    if vals.ndim != 1 or vals.size == 0 or not np.all(np.isfinite(vals)):
        raise ParameterError("values must be a non-empty 1-D array of finite numbers")
    t_end = float(t_end)
    transient = t_end / 2 if transient is None else float(transient)
    if not 0 <= transient < t_end:
        raise ParameterError(f"transient ({transient}) must lie in [0, t_end={t_end})")
    ds = sweep(s, {param: vals}, t_end=t_end, dt=dt, method=method, record=[var], traces=True,
               stride=stride, params=params, x0=x0, measure="max", backend=backend)
    tr = np.asarray(ds["trace"].values)[:, 0, :]
    time = np.asarray(ds["time"].values)
    keep = time >= transient
    div = np.asarray(ds["diverged"].values, dtype=bool)
    P, V, K = [], [], []
    for i, p in enumerate(vals):
        if div[i]:
            continue
        y = tr[i, keep]
        scale = tol if tol is not None else 1e-6 * max(1.0, float(np.max(np.abs(y))))
        if np.ptp(y) <= 100 * scale:
            P.append(p)
            V.append(y[-1])
            K.append("eq")
            continue
        mx, mn = _extrema(y, scale)
        for arr, kind in ((mx, "max"), (mn, "min")):
            u = np.unique(np.round(arr, 6))[:max_extrema] if arr.size else np.array([y.max()
                                                                                     if kind == "max" else y.min()])
            P.extend([p] * u.size)
            V.extend(u)
            K.extend([kind] * u.size)
    return BruteForce(param_name=param, var=var, param_values=np.array(P), values=np.array(V),
                      kind=np.array(K, dtype=object), sweep_values=vals, diverged=div,
                      t_end=t_end, transient=transient)
