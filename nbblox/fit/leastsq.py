"""nb.fit: fit parameters of a System to data.

Optimizers (``optimizer=``): ``"least_squares"`` (scipy's trust-region reflective least squares
with the exact Jacobian of the residuals from the sensitivity kernels),
``"multistart"`` (Sobol starts in the bounds, each refined by least squares),
``"differential_evolution"`` (scipy's global search, then polished by least
squares), ``"shooting"`` (multiple shooting / prediction error, in
:mod:`nbblox.fit.shooting`) and ``"nelder-mead"`` (derivative-free, for
scalar losses and as a baseline).  Losses: ``"mse"``, a feature loss
(:func:`nbblox.fit.features`) or a callable ``loss(model, data) -> float``
on dicts ``{name: values at the data times}``.
"""
from __future__ import annotations

import warnings

import numpy as np

from ..compile import schemes
from ..compile.system import as_system
from ..exceptions import ParameterError, SimulationError
from .features import FeatureLoss
from .problem import Problem
from .result import FitResult, covariance_from_jacobian

__all__ = ["fit", "OPTIMIZERS", "METHODS"]

OPTIMIZERS = ("least_squares", "multistart", "differential_evolution", "shooting",
              "nelder-mead")
#: the old name of :data:`OPTIMIZERS` (``method=`` was fit's optimiser before it was the
#: integrator, as in every other nbblox function)
METHODS = OPTIMIZERS


def optimizer_name(name):
    """The name in :data:`OPTIMIZERS` that ``name`` spells (``"lm"``, ``-`` for ``_``,
    any case), or None.

    Examples
    --------
    >>> optimizer_name("Differential-Evolution"), optimizer_name("rk4")
    ('differential_evolution', None)
    """
    m = str(name).lower().replace("_", "-")
    m = {"least-squares": "least_squares", "differential-evolution": "differential_evolution",
         "lm": "least_squares"}.get(m, m)
    return m if m in OPTIMIZERS else None


def _old_keywords(optimizer, method, integrator):
    """fit's keywords before the one-name rule (DESIGN-NOTES "health (session 28)"):
    ``method=`` with an optimiser's name and ``integrator=``, each still accepted with a
    DeprecationWarning that names the new keyword."""
    if method is not None and optimizer_name(method) is not None:
        if optimizer is not None:
            raise ParameterError(f"method={method!r} names an optimiser and optimizer= is "
                                 "given too; method= is the time integrator")
        warnings.warn(f"nb.fit(method={method!r}) names the optimiser: write "
                      f"optimizer={method!r}. method= is the time integrator in nb.fit, as in "
                      "nb.simulate and every other nbblox function", DeprecationWarning,
                      stacklevel=3)
        optimizer, method = method, None
    if integrator is not None:
        if method is not None:
            raise ParameterError("the time integrator is given twice (method= and the old "
                                 "integrator=); pass method= only")
        warnings.warn(f"nb.fit(integrator={integrator!r}) is now method={integrator!r}, as in "
                      "nb.simulate and every other nbblox function", DeprecationWarning,
                      stacklevel=3)
        method = integrator
    if method is not None and schemes.get(method) is None:
        raise ParameterError(
            f"unknown integration method {method!r}: method= is the time integrator "
            f"({', '.join(schemes.select(backend='sensitivity'))}); the optimiser is "
            f"optimizer= ({', '.join(OPTIMIZERS)})")
    return optimizer, "rk4" if method is None else method


def _require_finite_bounds(pb, method):
    if not (np.all(np.isfinite(pb.lo)) and np.all(np.isfinite(pb.hi))):
        raise ParameterError(f"optimizer {method!r} searches the whole box: give finite bounds "
                             f"for {[n for n, a, b in zip(pb.names, pb.lo, pb.hi) if not np.isfinite(a - b)]}")


def _scalar(pb, loss, seed):
    """Scalar objective of theta for derivative-free methods, and its kind."""
    if isinstance(loss, FeatureLoss):
        spikes_of = _spike_source(pb)
        target = loss.compute(pb.obs.t, pb.obs.as_dict(), _data_spikes(pb))

        def res(th):
            sol = pb.solution(th, record=pb.obs.names, seed=seed)
            vals = {n: pb.sample(sol[n]) for n in pb.obs.names}
            return loss.residuals(loss.compute(pb.obs.t, vals, spikes_of(sol)), target)
        return res
    if callable(loss):
        data = pb.obs.as_dict()

        def res(th):
            X = pb.values(th)
            return np.atleast_1d(float(loss(dict(zip(pb.obs.names, X)), data)))
        return res

    def res(th):
        return ((pb.values(th) - pb.obs.values) / pb.sigma[:, None]).ravel()
    return res


def _spike_source(pb):
    """state name -> spike times of its blox, for integrate-and-fire models."""
    L = pb.system.layout
    if not L.has_spikes:
        return lambda sol: None
    owners = {n: n.rsplit(".", 1)[0] for n in pb.obs.names}
    return lambda sol: {n: sol.spike_trains(b)[1] for n, b in owners.items()
                        if b in L.spike_names}


def _data_spikes(pb):
    src = getattr(pb, "_data_solution", None)
    return None if src is None else _spike_source(pb)(src)


def fit(system, data, params, *, loss="mse", optimizer=None, t=None, vars=None, t0=0.0,
        dt=0.01, method=None, sigma=None, starts=8, seed=0, segments=8,
        continuity=1.0, polish=True, max_nfev=None, tol=1e-10, maxiter=100, integrator=None):
    """Fit parameters of ``system`` to ``data``.

    Parameters
    ----------
    system : Blox, Circuit or System
    data : Solution, xarray Dataset/DataArray, pandas DataFrame, or dict
        Observed states (names as in the system, e.g. ``"fhn.V"``) over time
        (ms); a dict needs ``t=``.  Data with NaN or of the wrong length is refused.
    params : dict
        ``{"fhn.a": (lo, hi)}`` or ``(lo, hi, start)``; blox parameters,
        initial states (``"fhn.V(0)"``) or connection weights (``"a->b"``).
    loss : "mse", FeatureLoss or callable
        ``"mse"``: mean squared residual (divided by ``sigma``).  A
        :func:`nbblox.fit.features` loss compares features instead.  A
        callable ``loss(model, data)`` returns a float from two dicts of
        arrays at the data times.
    optimizer : str, optional
        ``"least_squares"`` (default for mse), ``"multistart"``,
        ``"differential_evolution"`` (default for feature losses),
        ``"shooting"`` or ``"nelder-mead"`` (default for callables).
    t0, dt, method : float, float, str
        Simulation start, fixed step (ms) and integration scheme (default
        ``"rk4"``; one with sensitivities), named ``method=`` as in
        :func:`nbblox.simulate`.  An optimiser's name passed as ``method=``
        (fit's meaning before) still works, with a DeprecationWarning.
    sigma : float or dict, optional
        Residual scale per variable (default 1).
    starts, seed : int
        Number of multi-start points (Sobol) / random seed of global methods
        (and of the noise of noisy models).
    segments, continuity, polish : int, float, bool
        Multiple shooting: number of segments, the weight of the continuity
        residuals, and whether to refine the result by (single-shooting)
        least squares from the shooting estimate.
    max_nfev, tol, maxiter : optimizer limits.
    integrator : str, optional
        Deprecated: the old name of ``method=``.

    Returns
    -------
    FitResult

    Examples
    --------
    >>> import nbblox as nb
    >>> s = nb.compile(nb.blox.FitzHughNagumo(name="fhn", I=0.5))
    >>> data = nb.simulate(s, 40.0, dt=0.05, params={"fhn.a": 0.8}, record=["fhn.V"])
    >>> res = nb.fit(s, data, {"fhn.a": (0.3, 1.2)}, dt=0.05)
    >>> round(res.params["fhn.a"], 6)
    0.8
    """
    optimizer, method = _old_keywords(optimizer, method, integrator)
    with _one_blas_thread():
        return _fit(as_system(system), data, params, loss, optimizer, t, vars, t0, dt,
                    method, sigma, starts, seed, segments, continuity, polish, max_nfev,
                    tol, maxiter)


def _one_blas_thread():
    """The linear algebra here is small: BLAS threads only contend (an SVD of
    500 x 30 took 0.3 s instead of 4 ms with OpenBLAS threads on a loaded
    2-core machine), so fitting runs single-threaded BLAS."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:   # optional: without it only speed suffers
        import contextlib
        return contextlib.nullcontext()
    return threadpool_limits(1, user_api="blas")


def _fit(system, data, params, loss, optimizer, t, vars, t0, dt, integrator, sigma, starts,
         seed, segments, continuity, polish, max_nfev, tol, maxiter):
    # below, `method` is the optimiser (the name in messages and on FitResult.optimizer)
    if optimizer is None:
        optimizer = ("differential_evolution" if isinstance(loss, FeatureLoss) else
                     "nelder-mead" if callable(loss) else "least_squares")
    method = optimizer_name(optimizer)
    if method is None:
        raise ParameterError(f"unknown optimizer {optimizer!r}; choose one of {OPTIMIZERS}")
    if not (isinstance(loss, FeatureLoss) or callable(loss) or loss == "mse"):
        raise ParameterError(f"loss must be 'mse', nb.fit.features(...) or a callable, "
                             f"got {loss!r}")
    pb = Problem(system, data, params, t=t, vars=loss.vars if isinstance(loss, FeatureLoss)
                 else vars, t0=t0, dt=dt, method=integrator, sigma=sigma)
    from ..sim.solution import Solution
    pb._data_solution = data if isinstance(data, Solution) else None
    mse = isinstance(loss, str)
    if method in ("least_squares", "multistart", "shooting") and not mse:
        raise ParameterError(f"optimizer {method!r} needs loss='mse' (residuals and their "
                             "Jacobian); use 'differential_evolution' or 'nelder-mead' "
                             "for this loss")
    if mse and method in ("least_squares", "multistart", "shooting") and not pb.differentiable:
        raise SimulationError(
            f"optimizer {method!r} needs sensitivities, and '{system.circuit.name}' has spikes, "
            "delays or noise (or the numpy backend); use a feature loss with "
            "optimizer='differential_evolution' or 'nelder-mead'")
    if method == "shooting":
        from .shooting import shooting
        return shooting(pb, segments=segments, continuity=continuity, max_nfev=max_nfev,
                        tol=tol, polish=polish)
    scalar = _scalar(pb, loss, seed)
    try:
        r0 = pb.residuals(pb.start) if mse and pb.differentiable else scalar(pb.start)
    except SimulationError as e:
        raise ParameterError(f"the model cannot be simulated at the start values "
                             f"{pb.named(pb.start)}: {e}") from None
    pb.check_start(r0)
    extra = {}
    if method == "least_squares" and mse:
        res = pb.least_squares(pb.start, max_nfev, tol)
        theta, ok, msg, nfev = res.x, res.success, res.message, res.nfev
    elif method == "multistart":
        _require_finite_bounds(pb, method)
        from scipy.stats import qmc
        n = max(int(starts), 1)
        pts = qmc.Sobol(len(pb.names), scramble=True, seed=seed).random(
            int(2 ** np.ceil(np.log2(max(n - 1, 1)))))[:max(n - 1, 0)]
        cand = [pb.start] + [pb.lo + u * (pb.hi - pb.lo) for u in pts]
        runs = [pb.least_squares(c, max_nfev, tol) for c in cand]
        best = min(runs, key=lambda r: r.cost if np.isfinite(r.cost) else np.inf)
        theta, ok, msg = best.x, best.success, best.message
        nfev = sum(r.nfev for r in runs)
        extra["starts"] = np.array(cand)
        extra["start_losses"] = np.array([2 * r.cost / pb.obs.values.size for r in runs])
    else:
        def obj(th):
            try:
                r = scalar(th)
            except SimulationError:
                pb.history.append(np.nan)
                return np.inf
            v = float(np.mean(r * r)) if not callable(loss) or isinstance(loss, FeatureLoss) \
                else float(r[0])
            pb.history.append(v)
            return v if np.isfinite(v) else np.inf
        if method == "differential_evolution":
            from scipy.optimize import differential_evolution
            _require_finite_bounds(pb, method)
            res = differential_evolution(obj, list(zip(pb.lo, pb.hi)), seed=seed,
                                         maxiter=maxiter, polish=False, tol=1e-8,
                                         x0=pb.start)
        else:
            from scipy.optimize import minimize
            res = minimize(obj, pb.start, method="Nelder-Mead",
                           bounds=list(zip(pb.lo, pb.hi)),
                           options={"maxfev": max_nfev or 200 * len(pb.names),
                                    "xatol": 1e-8, "fatol": 1e-14})
        theta, ok, msg, nfev = res.x, res.success, res.message, res.nfev
        if mse and pb.differentiable and method == "differential_evolution":
            loc = pb.least_squares(theta, max_nfev, tol)     # polish with exact gradients
            theta, ok, msg, nfev = loc.x, loc.success, loc.message, nfev + loc.nfev
    return _result(pb, theta, ok, msg, method, nfev, loss, scalar, extra)


def _result(pb, theta, ok, msg, method, nfev, loss, scalar, extra):
    P = len(pb.names)
    if isinstance(loss, str) and pb.differentiable:
        r = pb.residuals(theta, record=False)
        cov = covariance_from_jacobian(pb.jacobian(theta), r, P)
        final = float(np.mean(r * r))
    else:
        r = scalar(theta)
        final = float(np.mean(r * r)) if not callable(loss) or isinstance(loss, FeatureLoss) \
            else float(r[0])
        cov = np.full((P, P), np.nan)
    return FitResult(pb.names, theta, cov, final, pb.history, ok, msg, method, nfev,
                     pb.start, list(zip(pb.lo, pb.hi)), pb.solution(theta), pb.obs, extra)
