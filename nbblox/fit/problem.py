"""The fitting problem: which numbers are free (parameters, initial states,
connection weights), their bounds, and the model evaluated at the data times
-- residuals and their exact Jacobian from the sensitivity kernels.

Every fitting method (least squares, multi-start, differential evolution,
multiple shooting, Bayesian sampling) goes through :class:`Problem`, so the
validation of names, bounds and data lives here once.
"""
from __future__ import annotations

import math

import numpy as np

from ..compile.sensitivity import check_supported, sensitivity_columns
from ..exceptions import ParameterError, SimulationError
from ..sim.sensitivity import run_sensitivities
from .data import as_observations

__all__ = ["Problem"]


def _bounds(name, spec):
    try:
        vals = [float(v) for v in spec]
    except (TypeError, ValueError):
        raise ParameterError(f"bounds of '{name}' must be (lo, hi) or (lo, hi, start), "
                             f"got {spec!r}") from None
    if len(vals) not in (2, 3):
        raise ParameterError(f"bounds of '{name}' must be (lo, hi) or (lo, hi, start), "
                             f"got {spec!r}")
    lo, hi = vals[:2]
    if math.isnan(lo) or math.isnan(hi) or not lo < hi:
        raise ParameterError(f"bounds of '{name}' must satisfy lo < hi, got ({lo}, {hi})")
    return lo, hi, (vals[2] if len(vals) == 3 else None)


class Problem:
    """Free quantities of ``system`` and the model sampled at the data times.

    Parameters
    ----------
    system : System
    data : Solution, xarray, pandas or dict
        See :func:`nbblox.fit.data.as_observations`.
    params : dict
        ``{"name": (lo, hi)}`` or ``(lo, hi, start)``; names are parameters
        (``"fhn.a"``), initial states (``"fhn.V(0)"``) or connections
        (``"a->b"``).  The start is the system's current value unless given.
    t, vars : optional
        Sample times for dict data; subset of data variables to fit.
    t0, dt, method : float, float, str
        Simulation start (the data must not start earlier), fixed step and
        scheme (``"rk4"``, ``"heun"``, ``"euler"``).
    sigma : float or dict, optional
        Scale of each variable's residuals (default 1: plain squared error).

    Examples
    --------
    >>> import numpy as np, nbblox as nb
    >>> s = nb.compile(nb.blox.FitzHughNagumo(name="fhn", I=0.5))
    >>> sol = nb.simulate(s, 10.0, dt=0.05)
    >>> pb = Problem(s, sol, {"fhn.a": (0.1, 2.0)}, vars=["fhn.V"], dt=0.05)
    >>> float(np.abs(pb.residuals(pb.start)).max())
    0.0
    """

    def __init__(self, system, data, params, *, t=None, vars=None, t0=0.0, dt=0.01,
                 method="rk4", sigma=None):
        from ..compile.schemes import select
        from ..sim.simulate import canonical_method
        self.system = system
        if not isinstance(params, dict) or not params:
            raise ParameterError("params must be a dict {'blox.param': (lo, hi)} with at "
                                 "least one entry")
        self.names = list(params)
        self.cols = sensitivity_columns(system, self.names)
        self.method = canonical_method(method)
        if self.method not in select(backend="sensitivity"):
            raise ParameterError(f"fitting integrates with a fixed-step method with "
                                 f"sensitivities ({', '.join(select(backend='sensitivity'))})"
                                 f", not {method!r}")
        self.p_base = system.params.array.copy()
        self.w_base = system.weights.copy()
        self.x_base = system.x0.copy()
        lo, hi, start = [], [], []
        for name, (kind, slots) in zip(self.names, self.cols):
            a, b, s0 = _bounds(name, params[name])
            if s0 is None:
                arr = {"p": self.p_base, "w": self.w_base, "x0": self.x_base}[kind]
                s0 = float(arr[slots[0]])
            if not a <= s0 <= b:
                raise ParameterError(f"the bounds ({a:g}, {b:g}) of '{name}' exclude its start "
                                     f"value {s0:g}; widen them or give a start: "
                                     f"params={{'{name}': ({a:g}, {b:g}, start)}}")
            lo.append(a)
            hi.append(b)
            start.append(s0)
        self.lo, self.hi, self.start = np.array(lo), np.array(hi), np.array(start)
        self.obs = as_observations(data, system, t=t, vars=vars)
        self.t0, self.dt = float(t0), float(dt)
        if not (self.dt > 0 and math.isfinite(self.dt)):
            raise ParameterError(f"dt must be a positive number, got {dt!r}")
        if self.obs.t[0] < self.t0 - 1e-9:
            raise ParameterError(f"the data start at t = {self.obs.t[0]:g} ms, before the "
                                 f"simulation start t0 = {self.t0:g} ms")
        pos = (self.obs.t - self.t0) / self.dt
        self.nsteps = int(math.ceil(pos[-1] - 1e-9))
        self.i0 = np.minimum(np.floor(pos + 1e-9).astype(np.int64), max(self.nsteps - 1, 0))
        self.frac = np.clip(pos - self.i0, 0.0, 1.0)
        self.rec = np.array([system.state_index(n) for n in self.obs.names], dtype=np.int64)
        nv = len(self.obs.names)
        if sigma is None:
            self.sigma = np.ones(nv)
        elif isinstance(sigma, dict):
            self.sigma = np.array([float(sigma.get(n, 1.0)) for n in self.obs.names])
        else:
            self.sigma = np.full(nv, float(sigma))
        if not np.all(self.sigma > 0):
            raise ParameterError("sigma must be > 0 for every variable")
        self.history = []
        self._cache = (None, None)

    # -- parameters -> arrays ---------------------------------------------------
    def arrays(self, theta):
        """(p, w, x0) arrays with ``theta`` applied."""
        p, w, x = self.p_base.copy(), self.w_base.copy(), self.x_base.copy()
        for v, (kind, slots) in zip(theta, self.cols):
            {"p": p, "w": w, "x0": x}[kind][list(slots)] = v
        return p, w, x

    def named(self, theta):
        return {n: float(v) for n, v in zip(self.names, theta)}

    @property
    def differentiable(self):
        L = self.system.layout
        return not L.needs_full_kernel and self.system.backend == "numba"

    # -- the model at the data times ---------------------------------------------
    def sample(self, arr, i0=None, frac=None):
        """Linear interpolation of a recorded (..., nt) array at the data times."""
        i0 = self.i0 if i0 is None else i0
        frac = self.frac if frac is None else frac
        return arr[..., i0] * (1.0 - frac) + arr[..., i0 + 1] * frac

    def evaluate(self, theta):
        """Model values (nv, nt) and sensitivities (nv, P, nt) at the data times."""
        theta = np.asarray(theta, dtype=float)
        key, val = self._cache
        if key is not None and np.array_equal(key, theta):
            return val
        check_supported(self.system, len(self.cols))
        p, w, x = self.arrays(theta)
        t, X, S, done, bad, _ = run_sensitivities(self.system, self.method, x, p, w, self.cols,
                                                  self.t0, self.dt, max(self.nsteps, 1), 1,
                                                  self.rec)
        if bad >= 0:
            raise SimulationError(f"the model diverged at t = {self.t0 + done * self.dt:g} ms "
                                  f"with {self.named(theta)}")
        val = (self.sample(X), self.sample(S))
        self._cache = (theta.copy(), val)
        return val

    def residuals(self, theta, record=True):
        """(model - data)/sigma, flattened variable by variable."""
        X, _ = self.evaluate(theta)
        r = ((X - self.obs.values) / self.sigma[:, None]).ravel()
        if record:
            self.history.append(float(np.mean(r * r)) if np.all(np.isfinite(r)) else np.nan)
        return r

    def jacobian(self, theta):
        """d residuals / d theta (exact, from the sensitivities)."""
        _, S = self.evaluate(theta)
        J = S / self.sigma[:, None, None]
        return np.transpose(J, (0, 2, 1)).reshape(-1, len(self.cols))

    def least_squares(self, theta0, max_nfev=None, tol=1e-10):
        """Local fit from ``theta0``: scipy's trust-region reflective least squares with the
        exact Jacobian; a diverged run is a rejected step (a large residual), not an error.

        Returns scipy's ``OptimizeResult``; :func:`nbblox.fit` (``least_squares``,
        ``multistart``, the ``differential_evolution`` polish) and multiple shooting's polish
        call it.
        """
        from scipy.optimize import least_squares

        def fun(th):
            try:
                return self.residuals(th)
            except SimulationError:
                self.history.append(np.nan)
                return 1e3 * (1.0 + np.abs(self.obs.values).max()) * np.ones(self.obs.values.size)

        def jac(th):
            try:
                return self.jacobian(th)
            except SimulationError:
                return np.zeros((self.obs.values.size, len(self.names)))
        return least_squares(fun, theta0, jac=jac, bounds=(self.lo, self.hi), x_scale="jac",
                             method="trf", ftol=tol, xtol=tol, gtol=tol, max_nfev=max_nfev)

    def values(self, theta):
        """Model values (nv, nt) at the data times, without sensitivities
        (the plain kernel: what derivative-free methods call)."""
        if not self.differentiable:
            sol = self.solution(theta, record=self.obs.names)
            return np.array([self.sample(sol[n]) for n in self.obs.names])
        p, w, x = self.arrays(theta)
        L, n = self.system.layout, max(self.nsteps, 1)
        out_t, out_x = np.empty(n + 1), np.empty((self.rec.size, n + 1))
        kernel = getattr(self.system._k, f"run_{self.method}")
        done, bad, j = kernel(x, p, w, L.src, L.dst, self.t0, self.dt, 0, n, 1, self.rec,
                              out_t, out_x)
        if bad >= 0:
            raise SimulationError(f"the model diverged at t = {self.t0 + done * self.dt:g} ms "
                                  f"with {self.named(theta)}")
        return self.sample(out_x)

    def solution(self, theta, t_end=None, dt=None, record=None, seed=0):
        """A :class:`Solution` of the system at ``theta`` (all states by default)."""
        from ..sim.simulate import simulate
        p, w, x = self.arrays(theta)
        old = self.system.weights.copy()
        self.system.weights[:] = w
        try:
            return simulate(self.system, t_end or self.t0 + max(self.nsteps, 1) * self.dt,
                            dt=dt or self.dt, method=self.method, t0=self.t0, x0=x,
                            params=dict(zip(self.system.param_names, p)), record=record,
                            seed=seed)
        finally:
            self.system.weights[:] = old

    def check_start(self, value, what="loss"):
        if not np.all(np.isfinite(value)):
            raise ParameterError(f"the {what} is NaN or infinite at the start values "
                                 f"{self.named(self.start)}; choose other start values or "
                                 "check the data and the loss")
