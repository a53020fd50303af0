"""posterior(): Bayesian parameter estimates of a compiled System from time
series, sampled with emcee's affine-invariant ensemble sampler (Foreman-Mackey
et al. 2013, PASP 125:306, doi:10.1086/670067).

This module owns the data checks, the Gaussian likelihood around
``nb.simulate`` (one System reused: parameters change, nothing recompiles),
and the priors.  The :class:`Posterior` result is in ``fit/posterior.py``,
diagnostics in ``fit/diagnostics.py``, the corner plot in ``viz/corner.py``.
"""
from __future__ import annotations

import math
import time
import warnings

import numpy as np

from ..compile.system import as_system
from ..exceptions import ParameterError, SimulationError, suggest
from .posterior import Posterior

__all__ = ["posterior", "Posterior"]


# -- data -------------------------------------------------------------------------
def _data(system, data, t, record):
    """``(t, names, values (var, time))``: the containers and checks of
    ``nb.fit`` (fit/data.py), so both accept the same data."""
    from .data import as_observations
    if isinstance(data, dict) and t is None:
        raise ParameterError("data given as a dict needs the sample times: pass t=")
    obs = as_observations(data, system, t=t, vars=record)
    return obs.t, list(obs.names), obs.values


# -- priors -------------------------------------------------------------------------
class _Prior:
    """Log-density of one sampled coordinate (bounds and an optional scipy
    distribution); ``log`` marks a coordinate sampled as its logarithm."""

    def __init__(self, name, lo, hi, dist=None, log=False):
        self.name, self.lo, self.hi, self.dist, self.log = name, lo, hi, dist, log

    def __call__(self, u):
        """Log-density at the values ``u`` (an array: one per walker)."""
        u = np.asarray(u, dtype=np.float64)
        inside = (u >= self.lo) & (u <= self.hi)
        out = np.where(inside, 0.0, -np.inf)
        if self.dist is not None and inside.any():
            v = np.exp(u[inside]) if self.log else u[inside]
            lp = np.asarray(self.dist.logpdf(v), dtype=np.float64)
            out[inside] = lp + u[inside] if self.log else lp   # Jacobian of v = exp(u)
        return out

    def describe(self):
        if self.dist is not None:
            d = self.dist
            args = ", ".join(f"{a:g}" for a in getattr(d, "args", ()))
            return f"{getattr(getattr(d, 'dist', d), 'name', type(d).__name__)}({args})"
        if self.log:
            return f"log-uniform({math.exp(self.lo):.3g}, {math.exp(self.hi):.3g})"
        return f"uniform({self.lo:g}, {self.hi:g})"


def _bounds(system, name, spec):
    """(lo, hi, dist) of one parameter from ``params[name]``."""
    dist = None
    if spec is None:
        lo, hi = system.parameter_info(name).slider_bounds
    elif hasattr(spec, "logpdf"):
        dist, (lo, hi) = spec, spec.support()
    else:
        try:
            lo, hi = (float(s) for s in spec)
        except (TypeError, ValueError):
            raise ParameterError(f"params['{name}'] must be (lo, hi), None (the declared "
                                 f"range) or a scipy.stats distribution; got {spec!r}") from None
        if not (math.isfinite(lo) and math.isfinite(hi)) or lo >= hi:
            raise ParameterError(f"params['{name}'] = {spec!r}: need finite lo < hi")
    hard = system.params._bounds.get(name)
    if hard is not None:
        lo = max(lo, hard[0]) if hard[0] is not None else lo
        hi = min(hi, hard[1]) if hard[1] is not None else hi
    return float(lo), float(hi), dist


# -- likelihood ---------------------------------------------------------------------
class _LogPosterior:
    """log prior + Gaussian log-likelihood of the residuals of one simulation.
    A run that diverges (SimulationError) or leaves a hard bound counts as
    -inf: no exception escapes into the sampler.

    Plain ODE systems on the numba backend with a fixed-step method call the
    compiled loop directly (the same call ``simulate`` makes, with its checks
    done once here): ``simulate``'s per-call validation would otherwise cost
    more than the integration of a short trace.
    """

    def __init__(self, system, pnames, priors, t, names, values, sigma, sim, theta0):
        from ..sim.simulate import FIXED_METHODS, simulate
        self.system, self.pnames, self.priors = system, pnames, priors
        self.names, self.values, self.sigma, self.sim = names, values, sigma, sim
        self.t, self.n = t, t.size
        self.evals = self.failed = 0
        self.lognorm = 0.0 if sigma is None else t.size * float(np.sum(np.log(sigma)))
        # the first run validates everything (names, dt, x0, method) and compiles
        start = dict(zip(pnames, theta0))
        try:
            sol = simulate(system, float(t[-1]), params=start, record=names, **sim)
        except SimulationError as e:
            raise SimulationError(f"at the start values {start}: {e}",
                                  partial=getattr(e, "partial", None)) from None
        k = (t - sim["t0"]) / sim["dt"]
        self.on_grid = bool(np.all(np.abs(k - np.round(k)) < 1e-6))
        self.index = np.round(k).astype(np.int64)
        self.sol_t = sol.t
        method = sol.info["method"]
        self.fast = (system.backend == "numba" and method in FIXED_METHODS
                     and not system.layout.needs_full_kernel)
        if self.fast:
            self.kernel = getattr(system._k, f"run_{method}")
            self.p = system.param_vector()
            self.slots = [system.params.index(p) for p in pnames]
            self.x0 = system.initial_state(sim["x0"])
            self.rec = np.concatenate([system.state_indices(r) for r in names]).astype(np.int64)
            self.nsteps = int(round((float(t[-1]) - sim["t0"]) / sim["dt"]))
            self.out_t = np.empty(self.nsteps + 1)
            self.out_x = np.empty((self.rec.size, self.nsteps + 1))

    def predict(self, theta):
        """Model values at the data times (var, time); SimulationError if it diverges."""
        if self.fast:
            p = self.p.copy()
            for i, v in zip(self.slots, theta):
                p[i] = v
            L = self.system.layout
            done, bad, j = self.kernel(self.x0.copy(), p, self.system.weights, L.src, L.dst,
                                       self.sim["t0"], self.sim["dt"], self.nsteps, 1,
                                       self.rec, self.out_t, self.out_x)
            if bad >= 0:
                raise SimulationError("diverged")
            y, ts = self.out_x, self.out_t
        else:
            from ..sim.simulate import simulate
            sol = simulate(self.system, float(self.t[-1]), params=dict(zip(self.pnames, theta)),
                           record=self.names, **self.sim)
            y, ts = sol.values, sol.t
        if self.on_grid:
            return y[:, self.index]
        return np.array([np.interp(self.t, ts, row) for row in y])

    def __call__(self, u):
        """Log-posterior of one point."""
        return float(self.batch(np.asarray(u, dtype=np.float64)[None, :])[0])

    def batch(self, U):
        """Log-posterior of each row of ``U`` (emcee's vectorised call): the
        priors are evaluated for all walkers at once, then one simulation
        per walker inside the prior's support."""
        out = np.zeros(U.shape[0])
        with np.errstate(all="ignore"):
            for j, pr in enumerate(self.priors):
                out += pr(U[:, j])
        for w in range(U.shape[0]):
            if np.isfinite(out[w]):
                out[w] += self._loglike(U[w])
            else:
                out[w] = -np.inf
        return out

    def _loglike(self, u):
        k = len(self.pnames)
        self.evals += 1
        try:
            with np.errstate(all="ignore"):
                y = self.predict(u[:k])
        except (SimulationError, ParameterError):
            self.failed += 1
            return -np.inf
        r = self.values - y
        if self.sigma is None:
            logs = u[k:]
            chi2 = float(np.sum(r * r * np.exp(-2.0 * logs)[:, None]))
            norm = self.n * float(np.sum(logs))
        else:
            chi2 = float(np.sum((r / self.sigma[:, None]) ** 2))
            norm = self.lognorm
        ll = -0.5 * chi2 - norm - 0.5 * r.size * math.log(2 * math.pi)
        return ll if math.isfinite(ll) else -np.inf


def _noise(noise, names):
    """Fixed sigma per variable (array), or None when it is estimated."""
    if isinstance(noise, str):
        if noise != "estimate":
            raise ParameterError(f"noise must be a number, a dict per variable or "
                                 f"'estimate'; got {noise!r}")
        return None
    if isinstance(noise, dict):
        missing = [n for n in names if n not in noise]
        if missing:
            raise ParameterError(f"noise has no sigma for {', '.join(missing)}")
        noise = [noise[n] for n in names]
    sig = np.broadcast_to(np.asarray(noise, dtype=float), (len(names),)).copy()
    if not np.all(np.isfinite(sig)) or np.any(sig <= 0):
        raise ParameterError(f"noise sigma must be finite and > 0; got {noise!r}")
    return sig


def posterior(system, data, params, *, noise="estimate", prior=None, t=None, record=None,
              walkers=None, steps=1000, burn=None, thin=1, seed=None, start=None,
              dt=None, method="rk4", x0=None, t0=0.0, optimize=True, moves=None,
              progress=False):
    """Sample the posterior of a few parameters given time series (emcee).

    The model is simulated from ``t0`` with the candidate parameters and
    compared with the data through independent Gaussian noise:
    ``log L = -1/2 sum((data - model)^2 / sigma^2) - n log sigma - ...``.
    The same compiled System is reused for every sample.

    Parameters
    ----------
    system : Blox, Circuit or System
    data : dict, Solution, xarray or pandas object
        ``{"fhn.V": array}`` (with ``t=``), a :class:`~nbblox.Solution`, an
        xarray Dataset/DataArray with a ``time`` coordinate or a pandas
        DataFrame/Series indexed by time: what ``nb.fit`` accepts.  Each
        variable is a state name.
    params : dict or list
        ``{"fhn.a": (lo, hi)}``: the parameters to sample and their range;
        ``None`` (or a list of names) takes the declared slider range
        (``system.parameter_info(name).bounds``); a scipy.stats frozen
        distribution is used as the prior itself.
    noise : float, dict or "estimate"
        Noise sd (one, or per variable), or ``"estimate"``: one extra
        parameter ``"sigma"`` (``"sigma(fhn.V)"`` per variable when several)
        with a Jeffreys (log-uniform) prior.
    prior : dict, optional
        ``{"fhn.a": scipy.stats.norm(0.7, 0.1)}``; the prior is truncated to
        the range in ``params``.  Default: uniform over the range.
    t : array, optional
        Sample times (ms) of dict data (taken from Solution/Dataset otherwise).
    record : list of str, optional
        Which data variables to fit (default all that are states).
    walkers, steps, burn, thin : int
        Ensemble size (default ``max(16, 4 * ndim)``), steps per walker,
        steps dropped as burn-in (default ``steps // 4``), thinning.
    seed : int, optional
        Makes the run reproducible.
    start : dict, optional
        Where the search starts (default: the current ``system.params``
        values); must lie inside the ranges.
    optimize : bool
        First climb from ``start`` to the nearest posterior mode
        (Nelder-Mead, at most 200 evaluations per dimension) and start the
        walkers in a small ball there: burn-in then only has to spread the
        ensemble.  It finds *a* nearby mode: for spiking models, whose
        likelihood is jagged in spike timing, start near plausible values
        and check R-hat (a wrong mode shows up as R-hat >> 1), or pass
        ``optimize=False`` to let the walkers search from ``start``.
    dt, method, x0, t0
        Passed to :func:`nbblox.simulate` (``dt`` defaults to 0.01 ms or
        the data spacing if finer).  Data times off the ``dt`` grid are
        matched by linear interpolation.  A model with noise terms (``xi``)
        is run with one frozen noise realisation, so its own noise counts
        as misfit: for noisy models fit features, not raw traces.
    moves : emcee move, optional
    progress : bool
        emcee's progress bar.

    Returns
    -------
    Posterior

    Examples
    --------
    >>> import numpy as np, nbblox as nb
    >>> b = nb.Blox.from_equations("dx/dt = k", params={"k": 0.0}, name="line")
    >>> t = np.linspace(0, 1, 11)
    >>> y = 2.0 * t + np.random.default_rng(0).normal(0, 0.1, t.size)
    >>> post = nb.posterior(b, {"line.x": y}, {"line.k": (0, 5)}, t=t, noise=0.1,
    ...                     dt=0.1, walkers=8, steps=300, seed=1)
    >>> bool(abs(post.mean["line.k"] - 2.0) < 0.2)
    True
    >>> list(post.summary().columns[:3])
    ['mean', 'sd', 'q2.5']
    """
    try:
        import emcee
    except ImportError:  # pragma: no cover - depends on the environment
        raise ImportError("nb.posterior needs emcee: pip install 'nbblox[fit]' "
                          "(or pip install emcee)") from None
    system = as_system(system)
    t, names, values = _data(system, data, t, record)
    t0 = float(t0)
    if t[0] < t0:
        raise ParameterError(f"the data start at t = {t[0]:g} ms, before t0 = {t0:g} ms")
    if dt is None:
        dt = min(0.01, float(np.min(np.diff(t))), float(t[-1] - t0))
    sim = {"dt": float(dt), "method": method, "x0": x0, "t0": t0}
    if system.layout.has_noise:
        # one frozen noise realisation (common random numbers): the log-posterior
        # must be a deterministic function of the parameters for MCMC
        sim["seed"] = int(np.random.default_rng(seed).integers(2**31))

    # parameters, ranges and priors
    if isinstance(params, str):
        params = [params]
    if not isinstance(params, dict):
        params = {p: None for p in params}
    if not params:
        raise ParameterError("params is empty: name at least one parameter to sample")
    prior = dict(prior or {})
    pnames = list(params)
    for p in pnames:
        system.params.index(p)                 # unknown name -> ParameterError
    for p in prior:
        if p not in pnames and not (isinstance(p, str) and p.startswith("sigma")):
            raise ParameterError(f"prior names '{p}', which is not in params."
                                 + suggest(str(p), pnames + ["sigma"]))
    for p in prior:
        if not hasattr(prior[p], "logpdf"):
            raise ParameterError(f"prior['{p}'] must be a scipy.stats frozen distribution")
    priors, centre, scale = [], [], []
    start = dict(start or {})
    for p in pnames:
        lo, hi, dist = _bounds(system, p, params[p])
        dist = prior.get(p, dist)
        pr = _Prior(p, lo, hi, dist)
        v = float(np.mean(start[p] if p in start else system.params[p]))
        if not lo <= v <= hi:
            raise ParameterError(f"the start value of '{p}' ({v:g}) is outside its range "
                                 f"[{lo:g}, {hi:g}]: widen the range or pass start=")
        if not np.isfinite(pr(v)):
            raise ParameterError(f"the prior of '{p}' is zero at its start value {v:g}")
        priors.append(pr)
        centre.append(v)
        span = (hi - lo) if np.isfinite(hi - lo) else (dist.std() if dist is not None else 1.0)
        scale.append(1e-3 * span if span > 0 else 1e-3)

    sigma = _noise(noise, names)
    logpost = _LogPosterior(system, pnames, priors, t, names, values, sigma, sim, centre)
    # check the start before sampling: the first simulation must work
    y0 = logpost.predict(np.array(centre))
    snames = []
    if sigma is None:
        snames = ["sigma"] if len(names) == 1 else [f"sigma({n})" for n in names]
        for i, n in enumerate(names):
            spread = float(np.std(values[i])) or float(np.max(np.abs(values[i]))) or 1.0
            resid = float(np.std(values[i] - y0[i])) or 1e-3 * spread
            key = snames[i] if snames[i] in prior else ("sigma" if "sigma" in prior else None)
            priors.append(_Prior(snames[i], math.log(1e-8 * spread), math.log(1e3 * spread),
                                 prior.get(key), log=True))
            centre.append(math.log(min(max(resid, 1e-7 * spread), 1e2 * spread)))
            scale.append(1e-2)
    ndim = len(centre)
    walkers = max(16, 4 * ndim) if walkers is None else int(walkers)
    if walkers < 2 * ndim:
        raise ParameterError(f"walkers must be at least 2 x the number of sampled "
                             f"parameters ({2 * ndim}); got {walkers}")
    steps, thin = int(steps), int(thin)
    burn = steps // 4 if burn is None else int(burn)
    if steps < 1 or thin < 1 or not 0 <= burn < steps:
        raise ParameterError(f"need steps >= 1, thin >= 1 and 0 <= burn < steps; got "
                             f"steps={steps}, burn={burn}, thin={thin}")
    lp0 = logpost(np.array(centre))
    if not np.isfinite(lp0):
        raise ParameterError("the log-posterior is -inf or NaN at the start values "
                             f"({dict(zip(pnames, centre))}): the simulation diverges or "
                             "the prior excludes them")

    rng = np.random.default_rng(seed)
    lo_b = np.array([p.lo for p in priors])
    hi_b = np.array([p.hi for p in priors])
    start_values = {p: float(v) for p, v in zip(pnames, centre)}
    if optimize:
        centre = _mode(logpost, np.array(centre), 10 * np.array(scale), lo_b, hi_b,
                       200 * ndim)
    p0 = np.empty((walkers, ndim))
    for w in range(walkers):
        for _ in range(100):
            cand = np.clip(np.array(centre) + np.array(scale) * rng.normal(size=ndim),
                           lo_b, hi_b)
            if np.isfinite(logpost(cand)):
                break
        else:
            cand = np.array(centre) + 1e-9 * rng.normal(size=ndim)
        p0[w] = cand
    sampler = emcee.EnsembleSampler(walkers, ndim, logpost.batch, moves=moves,
                                    vectorize=True)
    sampler.random_state = np.random.RandomState(rng.integers(2**31)).get_state()
    tic = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        sampler.run_mcmc(p0, steps, progress=progress)
    elapsed = time.perf_counter() - tic
    chain = sampler.get_chain(discard=burn, thin=thin)          # (draw, walker, dim)
    lp = sampler.get_log_prob(discard=burn, thin=thin)
    k = len(pnames)
    chain[:, :, k:] = np.exp(chain[:, :, k:])                     # report sigma itself
    tau = _autocorr_time(emcee, sampler.get_chain(discard=burn))
    n_kept = steps - burn
    info = {"walkers": walkers, "steps": steps, "burn": burn, "thin": thin, "seed": seed,
            "start": start_values,
            "optimized_start": {p: float(v) for p, v in zip(pnames, centre)},
            "noise": "estimate" if sigma is None else sigma.tolist(), "data": names,
            "n_data": int(values.size), "prior": {p.name: p.describe() for p in priors},
            "evaluations": logpost.evals, "failed_simulations": logpost.failed,
            "seconds": elapsed, "dt": sim["dt"], "method": method,
            "autocorr_reliable": bool(np.all(np.isfinite(tau)) and n_kept > 50 * np.max(tau))}
    return Posterior(pnames + snames, np.transpose(chain, (1, 0, 2)), lp.T,
                     sampler.acceptance_fraction, tau, info, model=logpost)


def _mode(logpost, x0, step, lo, hi, maxfev):
    """The nearest posterior mode from ``x0`` (bounded Nelder-Mead whose first
    simplex is ``step`` wide, so it climbs locally instead of jumping across
    the jagged landscapes of spiking models), or ``x0`` itself when the
    search does not improve on it."""
    from scipy.optimize import minimize

    def cost(u):
        v = logpost(np.clip(u, lo, hi))
        return -v if np.isfinite(v) else 1e300

    f0 = cost(x0)
    simplex = np.vstack([x0, x0 + np.diag(step)])
    simplex = np.where(simplex > hi, x0 - (simplex - x0), simplex)   # stay inside
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = minimize(cost, x0, method="Nelder-Mead", bounds=list(zip(lo, hi)),
                       options={"maxfev": maxfev, "xatol": 1e-10, "fatol": 1e-6,
                                "initial_simplex": simplex})
    return np.clip(res.x, lo, hi) if np.isfinite(res.fun) and res.fun < f0 else x0


def _autocorr_time(emcee, chain):
    """emcee's integrated autocorrelation time per parameter, without its
    log warning (reliability is judged by the caller: chain > 50 tau)."""
    import logging
    log = logging.getLogger("emcee.autocorr")
    disabled, log.disabled = log.disabled, True
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore", RuntimeWarning)
            return emcee.autocorr.integrated_time(chain, quiet=True)
    except Exception:  # too short for any estimate
        return np.full(chain.shape[-1], np.nan)
    finally:
        log.disabled = disabled
