"""posterior(): Bayesian parameter estimates of a compiled System from time
series, sampled with emcee's affine-invariant ensemble sampler (Foreman-Mackey
et al. 2013, PASP 125:306, doi:10.1086/670067).

This module owns the arguments (parameters, ranges, noise, walkers), the
search for a starting mode and the sampling.  The target -- priors and the
Gaussian likelihood around one reused System (parameters change, nothing
recompiles) -- is in ``fit/target.py``, the :class:`Posterior` result in
``fit/posterior.py``,
diagnostics in ``fit/diagnostics.py``, the corner plot in ``viz/corner.py``.
"""
from __future__ import annotations

import math
import time
import warnings

import numpy as np

from ..compile.system import as_system
from ..exceptions import ParameterError, suggest
from .posterior import Posterior
from .target import LogPosterior, Prior, prior_bounds, noise_sigma

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
        lo, hi, dist = prior_bounds(system, p, params[p])
        dist = prior.get(p, dist)
        pr = Prior(p, lo, hi, dist)
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

    sigma = noise_sigma(noise, names)
    logpost = LogPosterior(system, pnames, priors, t, names, values, sigma, sim, centre)
    # check the start before sampling: the first simulation must work
    y0 = logpost.predict(np.array(centre))
    snames = []
    if sigma is None:
        snames = ["sigma"] if len(names) == 1 else [f"sigma({n})" for n in names]
        for i, n in enumerate(names):
            spread = float(np.std(values[i])) or float(np.max(np.abs(values[i]))) or 1.0
            resid = float(np.std(values[i] - y0[i])) or 1e-3 * spread
            key = snames[i] if snames[i] in prior else ("sigma" if "sigma" in prior else None)
            priors.append(Prior(snames[i], math.log(1e-8 * spread), math.log(1e3 * spread),
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
    run = {"params": {p: _spec(params[p]) for p in pnames},
           "prior": {p: _spec(d) for p, d in prior.items()},
           "noise": noise if isinstance(noise, str) else
           ({k: float(v) for k, v in noise.items()} if isinstance(noise, dict)
            else float(noise) if np.ndim(noise) == 0 else [float(v) for v in noise]),
           "t0": t0, "x0": x0, "optimize": bool(optimize), "start": start or None,
           "custom_moves": moves is not None}
    return Posterior(pnames + snames, np.transpose(chain, (1, 0, 2)), lp.T,
                     sampler.acceptance_fraction, tau, info, model=logpost, run=run,
                     data=(t, names, values))



Posterior._sampler = staticmethod(posterior)  # Posterior.rerun() samples again through it

def _spec(spec):
    """A parameter range or prior as plain data (for saving and rerunning):
    None, ``[lo, hi]`` or ``{"dist": scipy name, "args": [...], "kwds": {...}}``."""
    if spec is None:
        return None
    if hasattr(spec, "logpdf"):
        d = getattr(spec, "dist", None)
        return {"dist": getattr(d, "name", type(spec).__name__),
                "args": [float(a) for a in getattr(spec, "args", ())],
                "kwds": {k: float(v) for k, v in getattr(spec, "kwds", {}).items()}}
    return [float(s) for s in spec]


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
