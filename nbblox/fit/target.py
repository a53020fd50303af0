"""The log-posterior that nb.posterior samples: priors over the sampled
coordinates (ranges, scipy.stats distributions, log-sigma) and the Gaussian
likelihood of the residuals of one simulation per candidate, with a direct
call into the compiled loop for plain ODE systems."""
from __future__ import annotations

import math

import numpy as np

from ..exceptions import ParameterError, SimulationError

__all__ = []


# -- priors -------------------------------------------------------------------------
class Prior:
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


def prior_bounds(system, name, spec):
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
class LogPosterior:
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
                                       self.sim["t0"], self.sim["dt"], 0, self.nsteps, 1,
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


def noise_sigma(noise, names):
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
