"""Posterior: the samples of :func:`nbblox.posterior` with their summary
(quantiles, R-hat, ESS), conversions to pandas/xarray, posterior-predictive
simulations and the corner plot (a lazy delegate to ``viz/corner.py``)."""
from __future__ import annotations

import numpy as np

from .._text import counted
from ..exceptions import ParameterError, SimulationError, suggest
from . import diagnostics

__all__ = ["Posterior"]


class Posterior:
    """Posterior samples of :func:`nbblox.posterior` (made by it; the
    constructor takes the arrays below).

    Attributes
    ----------
    names : list of str
        Sampled quantities (the parameters, then ``"sigma"`` if estimated).
    chains : ndarray (chain, draw, parameter)
        One chain per emcee walker, after burn-in and thinning.
    samples : ndarray (chain * draw, parameter)
        The chains pooled.
    log_prob : ndarray (chain, draw)
    acceptance : ndarray (chain,)
        Acceptance fraction of each walker (0.2-0.5 is healthy).
    autocorr : ndarray (parameter,)
        emcee's integrated autocorrelation time (steps); trust it only when
        ``info["autocorr_reliable"]`` (chain longer than 50 tau).
    info : dict
        Run settings, priors, number of simulations and failed (diverged) ones.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> post = Posterior(["fhn.a"], rng.normal(0.7, 0.01, (8, 500, 1)), np.zeros((8, 500)),
    ...                  np.full(8, 0.4), [1.0], {})
    >>> s = post.summary()
    >>> round(float(s.loc["fhn.a", "mean"]), 2), bool(s.loc["fhn.a", "r_hat"] < 1.01)
    (0.7, True)
    >>> post.to_xarray()["samples"].dims
    ('chain', 'draw', 'parameter')
    """

    # The sampler lives in fit/bayes.py, which builds Posteriors; bayes sets
    # this when it is imported (always, by nbblox/fit/__init__.py, before this
    # module can be reached), so rerun() works without a bayes<->posterior
    # import cycle.
    _sampler = None

    def __init__(self, names, chains, log_prob, acceptance, autocorr, info, model=None,
                 run=None, data=None):
        self._model = model
        self.system = getattr(model, "system", None)
        #: the arguments of nb.posterior beyond ``info`` (ranges, priors, noise,
        #: t0, x0, start, optimize): what save() stores and rerun() repeats
        self.run = dict(run or {})
        if data is None and model is not None:
            data = (model.t, model.names, model.values)
        #: (t, variable names, values (variable, time)): the data sampled against
        self.data = None if data is None else (np.asarray(data[0], dtype=np.float64),
                                               list(data[1]),
                                               np.asarray(data[2], dtype=np.float64))
        self.names = list(names)
        self.chains = np.asarray(chains)
        self.log_prob = np.asarray(log_prob)
        self.acceptance = np.asarray(acceptance)
        self.autocorr = np.asarray(autocorr)
        self.info = dict(info)

    @property
    def samples(self):
        return self.chains.reshape(-1, len(self.names))

    def _column(self, name):
        try:
            return self.names.index(name)
        except ValueError:
            raise ParameterError(f"no sampled quantity '{name}'." + suggest(name, self.names)) \
                from None

    def __getitem__(self, name):
        """Pooled samples of one quantity."""
        return self.samples[:, self._column(name)]

    @property
    def mean(self):
        return dict(zip(self.names, self.samples.mean(axis=0).tolist()))

    @property
    def median(self):
        return dict(zip(self.names, np.median(self.samples, axis=0).tolist()))

    @property
    def map(self):
        """The sample with the highest log-posterior."""
        c, d = np.unravel_index(np.argmax(self.log_prob), self.log_prob.shape)
        return dict(zip(self.names, self.chains[c, d].tolist()))

    def cov(self):
        """Posterior covariance matrix (pandas.DataFrame)."""
        import pandas as pd
        return pd.DataFrame(np.atleast_2d(np.cov(self.samples, rowvar=False)),
                            index=self.names, columns=self.names)

    def summary(self):
        """pandas.DataFrame per quantity: mean, sd, 2.5/50/97.5 % quantiles,
        Monte-Carlo standard error of the mean, split-R-hat, bulk and tail ESS,
        emcee autocorrelation time and the mean acceptance fraction."""
        import pandas as pd
        rows = []
        for i, n in enumerate(self.names):
            c = self.chains[:, :, i]
            q = np.quantile(c, [0.025, 0.5, 0.975])
            ok = c.shape[1] >= 4
            eb = diagnostics.ess_bulk(c) if ok else np.nan
            rows.append({"mean": c.mean(), "sd": c.std(ddof=1), "q2.5": q[0], "q50": q[1],
                         "q97.5": q[2], "mcse_mean": c.std(ddof=1) / np.sqrt(eb),
                         "r_hat": diagnostics.split_rhat(c) if ok else np.nan,
                         "ess_bulk": eb, "ess_tail": diagnostics.ess_tail(c) if ok else np.nan,
                         "tau": self.autocorr[i], "acceptance": self.acceptance.mean()})
        df = pd.DataFrame(rows, index=pd.Index(self.names, name="parameter"))
        df.attrs["autocorr_reliable"] = self.info.get("autocorr_reliable")
        return df

    def to_pandas(self):
        """pandas.DataFrame of the samples, indexed by (chain, draw)."""
        import pandas as pd
        c, d = np.meshgrid(np.arange(self.chains.shape[0]), np.arange(self.chains.shape[1]),
                           indexing="ij")
        idx = pd.MultiIndex.from_arrays([c.ravel(), d.ravel()], names=["chain", "draw"])
        df = pd.DataFrame(self.samples, index=idx, columns=self.names)
        df["log_prob"] = self.log_prob.ravel()
        return df

    def to_xarray(self):
        """xarray.Dataset: ``samples`` (chain, draw, parameter) and ``log_prob``
        (chain, draw); run settings in ``attrs``."""
        import json
        import xarray as xr
        ds = xr.Dataset({"samples": (("chain", "draw", "parameter"), self.chains),
                         "log_prob": (("chain", "draw"), self.log_prob),
                         "acceptance": ("chain", self.acceptance)},
                        coords={"chain": np.arange(self.chains.shape[0]),
                                "draw": np.arange(self.chains.shape[1]),
                                "parameter": self.names})
        ds.attrs.update({k: json.dumps(v) if isinstance(v, (dict, list)) else v
                         for k, v in self.info.items() if v is not None})
        return ds

    def predict(self, n=100, *, observed=False, seed=None):
        """Posterior-predictive simulations at the data times.

        Parameters
        ----------
        n : int
            Number of posterior draws to simulate (at random, without
            replacement when there are enough).
        observed : bool
            Add the Gaussian observation noise (fixed or sampled sigma), so
            the spread is that of new data rather than of the model curve.
        seed : int, optional

        Returns
        -------
        xarray.Dataset
            One variable per fitted state over ``(sample, time)`` (NaN rows
            for draws whose simulation diverged), the data as
            ``"<state>:data"`` over ``time``, and the drawn parameters.
        """
        import xarray as xr
        if self._model is None:
            self._model = self._rebuild_model()
        lp = self._model
        rng = np.random.default_rng(seed)
        S = self.samples
        n = int(n)
        if n < 1:
            raise ParameterError(f"n must be >= 1, got {n}")
        rows = rng.choice(S.shape[0], n, replace=n > S.shape[0])
        k = len(lp.pnames)
        out = np.full((len(lp.names), n, lp.t.size), np.nan)
        for i, r in enumerate(rows):
            try:
                with np.errstate(all="ignore"):
                    out[:, i] = lp.predict(S[r, :k])
            except (SimulationError, ParameterError):
                continue
        if observed:
            sigma = S[rows, k:].T if lp.sigma is None else np.repeat(lp.sigma[:, None], n, 1)
            out += sigma[:, :, None] * rng.normal(size=out.shape)
        ds = xr.Dataset({nm: (("sample", "time"), out[v]) for v, nm in enumerate(lp.names)},
                        coords={"time": ("time", lp.t, {"units": "ms"}),
                                "sample": np.arange(n)})
        for v, nm in enumerate(lp.names):
            ds[f"{nm}:data"] = ("time", lp.values[v])
        for c, nm in enumerate(self.names):
            ds.coords[nm] = ("sample", S[rows, c])
        return ds

    # -- persistence: lazy delegates to nbblox.io, as .plot() is to viz ----------
    @property
    def circuit(self):
        """The Circuit sampled (for a loaded file: rebuilt from its stored JSON)."""
        from ..io.provenance import circuit_of
        return circuit_of(self)

    def save(self, path, format=None):
        """Write the chains, log-probabilities, diagnostics, run settings, data and
        circuit to netCDF (``.nc``) or zarr (``.zarr``), with versions and a
        content hash; read it back with :func:`nbblox.load`.

        Examples
        --------
        >>> import nbblox as nb, os, tempfile
        >>> b = nb.Blox.from_equations("dx/dt = k", params={"k": 1.0}, name="line")
        >>> t = np.linspace(0, 1, 6)
        >>> post = nb.posterior(b, {"line.x": 2 * t}, {"line.k": (0, 5)}, t=t, noise=0.1,
        ...                     dt=0.1, walkers=4, steps=20, seed=1)
        >>> back = nb.load(post.save(os.path.join(tempfile.mkdtemp(), "post.nc")))
        >>> bool((back.chains == post.chains).all()), back.circuit.name
        (True, 'line')
        """
        from ..io import save
        return save(self, path, format=format)

    def rerun_args(self):
        """Keyword arguments of :func:`nbblox.posterior` that repeat this run
        (data, ranges, priors, noise, ensemble, seed, start and simulation settings)."""
        if self.data is None or not self.run:
            raise ParameterError("this Posterior does not record its run (it was not made "
                                 "by nb.posterior or loaded from a file)")
        if self.run.get("custom_moves"):
            raise ParameterError("this run used custom emcee moves (Python objects that are "
                                 "not saved), so it cannot be repeated from the record")
        t, names, values = self.data
        i = self.info
        return {"data": {n: values[k] for k, n in enumerate(names)}, "t": t,
                "params": {p: _prior(s) for p, s in self.run["params"].items()},
                "prior": {p: _prior(s) for p, s in (self.run.get("prior") or {}).items()},
                "noise": self.run["noise"], "record": list(names),
                "walkers": i["walkers"], "steps": i["steps"], "burn": i["burn"],
                "thin": i["thin"], "seed": i.get("seed"), "start": self.run.get("start"),
                "dt": i["dt"], "method": i["method"], "x0": self.run.get("x0"),
                "t0": self.run.get("t0", 0.0), "optimize": self.run.get("optimize", True)}

    def rerun(self):
        """Sample again from the stored circuit and settings: with a seed the
        chains are equal bit for bit (same machine and libraries)."""
        circuit = self.circuit
        if circuit is None:
            raise ParameterError("this Posterior has no circuit to rerun")
        args = self.rerun_args()
        return Posterior._sampler(circuit, args.pop("data"), args.pop("params"), **args)

    def _rebuild_model(self):
        """The log-posterior of a loaded run (for predict()), rebuilt from the record."""
        from ..compile.system import as_system
        from .target import LogPosterior, noise_sigma
        a = self.rerun_args()
        system = as_system(self.circuit)
        t, names, values = self.data
        sim = {"dt": float(a["dt"]), "method": a["method"], "x0": a["x0"],
               "t0": float(a["t0"])}
        if system.layout.has_noise:
            sim["seed"] = int(np.random.default_rng(a["seed"]).integers(2**31))
        k = len(a["params"])
        start = [float(v) for v in self.chains[0, 0, :k]]
        return LogPosterior(system, self.names[:k], [], t, names, values,
                             noise_sigma(a["noise"], names), sim, start)

    def plot(self, truths=None, **kw):
        """Corner plot (HoloViews; see :func:`nbblox.viz.corner.plot_corner`)."""
        from ..viz.corner import plot_corner
        return plot_corner(self, truths=truths, **kw)

    def __repr__(self):
        c, d, _ = self.chains.shape
        mean = ", ".join(f"{n}={v:.4g}" for n, v in self.mean.items())
        return (f"<Posterior {counted(c, 'chain')} x {counted(d, 'draw')}, acceptance "
                f"{self.acceptance.mean():.2f}: {mean}>")


def _prior(spec):
    """Inverse of ``bayes._spec``: a range, None, or a scipy.stats distribution
    looked up by name among scipy.stats' distributions (nothing else is called)."""
    if not isinstance(spec, dict):
        return None if spec is None else tuple(spec)
    import scipy.stats as st
    dist = getattr(st, str(spec.get("dist")), None)
    if not isinstance(dist, (st.rv_continuous, st.rv_discrete)):
        raise ParameterError(f"unknown prior distribution {spec.get('dist')!r}")
    return dist(*spec.get("args", []), **spec.get("kwds", {}))
