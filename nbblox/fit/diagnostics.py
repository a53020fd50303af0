"""MCMC convergence diagnostics: rank-normalised split-R-hat and bulk/tail
effective sample size, written from the formulas of

    Vehtari A, Gelman A, Simpson D, Carpenter B, Buerkner P-C (2021).
    Rank-normalization, folding, and localization: an improved R-hat for
    assessing convergence of MCMC. Bayesian Analysis 16(2):667-718.
    doi:10.1214/20-BA1221

(the ESS uses Geyer's initial monotone sequence, as in Stan and BDA3 ch. 11).
Every function takes ``chains`` of shape ``(chain, draw)`` for one quantity.
No sampler or model code lives here.
"""
from __future__ import annotations

import numpy as np

from ..exceptions import ParameterError

__all__ = ["split_rhat", "ess_bulk", "ess_tail", "ess", "rank_normalize"]


def _as_chains(chains, min_draws=4):
    a = np.asarray(chains, dtype=np.float64)
    if a.ndim == 1:
        a = a[None, :]
    if a.ndim != 2:
        raise ParameterError(f"chains must have shape (chain, draw); got {a.shape}")
    if a.shape[1] < min_draws:
        raise ParameterError(f"need at least {min_draws} draws per chain; got {a.shape[1]}")
    if not np.all(np.isfinite(a)):
        raise ParameterError("chains hold NaN or inf")
    return a


def _split(a):
    """Each chain cut into its first and second half (the middle draw of an
    odd-length chain is dropped), so within-chain drift shows up as
    between-chain variance."""
    half = a.shape[1] // 2
    return np.concatenate([a[:, :half], a[:, a.shape[1] - half:]], axis=0)


def rank_normalize(chains):
    """Normal scores of the pooled ranks: ``Phi^-1((r - 3/8) / (S + 1/4))``
    (Vehtari et al. 2021, eq. 14; average ranks for ties).

    Examples
    --------
    >>> z = rank_normalize([[3.0, 1.0], [2.0, 4.0]])
    >>> bool(z[0, 1] < z[1, 0] < z[0, 0] < z[1, 1])
    True
    """
    from scipy.special import ndtri
    from scipy.stats import rankdata
    a = np.asarray(chains, dtype=np.float64)
    r = rankdata(a, method="average", axis=None).reshape(a.shape)
    return ndtri((r - 0.375) / (a.size + 0.25))


def _rhat(a):
    """Classic potential scale reduction of already split chains."""
    m, n = a.shape
    w = a.var(axis=1, ddof=1).mean()
    b = n * a.mean(axis=1).var(ddof=1)
    if w <= 0:
        return np.nan if b > 0 else 1.0
    var_plus = (n - 1) / n * w + b / n
    return float(np.sqrt(var_plus / w))


def split_rhat(chains):
    """Rank-normalised split-R-hat: the larger of the bulk R-hat (ranks) and
    the tail R-hat (ranks of the distance to the median).  Values above
    ~1.01 mean the chains have not mixed.

    Parameters
    ----------
    chains : array_like (chain, draw)

    Returns
    -------
    float

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> round(split_rhat(rng.normal(size=(4, 1000))), 2)
    1.0
    >>> split_rhat(rng.normal(size=(4, 1000)) + np.arange(4)[:, None]) > 1.5
    True
    """
    a = _split(_as_chains(chains))
    if np.ptp(a) == 0:
        return 1.0
    bulk = _rhat(rank_normalize(a))
    tail = _rhat(rank_normalize(np.abs(a - np.median(a))))
    return float(max(bulk, tail))


def _autocov(x):
    """Autocovariance of each row (lags 0..n-1), via FFT."""
    n = x.shape[1]
    size = 1 << int(np.ceil(np.log2(2 * n)))
    xc = x - x.mean(axis=1, keepdims=True)
    f = np.fft.rfft(xc, n=size, axis=1)
    return np.fft.irfft(f * np.conj(f), n=size, axis=1)[:, :n] / n


def ess(chains):
    """Effective sample size of (already transformed) chains, without
    splitting: multi-chain autocorrelation (Vehtari et al. 2021, eq. 10)
    summed with Geyer's initial monotone sequence.

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> 3000 < ess(rng.normal(size=(4, 1000))) < 5000   # independent draws
    True
    """
    a = _as_chains(chains)
    m, n = a.shape
    if np.ptp(a) == 0:
        return float(m * n)
    acov = _autocov(a)
    w = acov[:, 0].mean() * n / (n - 1)            # mean within-chain variance
    var_plus = w * (n - 1) / n
    if m > 1:
        var_plus += a.mean(axis=1).var(ddof=1)
    rho = 1.0 - (w - acov.mean(axis=0)) / var_plus
    rho[0] = 1.0
    # Geyer: sum pairs Gamma_k = rho_2k + rho_2k+1 while positive, made monotone
    npairs = n // 2
    pairs = rho[:2 * npairs].reshape(npairs, 2).sum(axis=1)
    stop = np.flatnonzero(pairs <= 0)
    pairs = pairs[:stop[0] if stop.size else npairs]
    pairs = np.minimum.accumulate(pairs)
    tau = -1.0 + 2.0 * pairs.sum()
    tau = max(tau, 1.0 / np.log10(m * n))          # Stan's cap for antithetic chains
    return float(m * n / tau)


def ess_bulk(chains):
    """Bulk ESS: ESS of the rank-normalised split chains (how well the
    centre of the distribution is estimated; Vehtari et al. 2021, sec. 3.2).

    Examples
    --------
    >>> rng = np.random.default_rng(2)
    >>> x = np.zeros((4, 2000))
    >>> for i in range(1, 2000):                 # AR(1), phi = 0.9: tau = 19
    ...     x[:, i] = 0.9 * x[:, i - 1] + rng.normal(size=4)
    >>> 250 < ess_bulk(x) < 700                  # 8000 / 19 = 421
    True
    """
    a = _split(_as_chains(chains))
    return ess(rank_normalize(a))


def ess_tail(chains, prob=(0.05, 0.95)):
    """Tail ESS: the smaller ESS of the indicators ``x <= q05`` and
    ``x <= q95`` (split chains; Vehtari et al. 2021, sec. 4.3).

    Examples
    --------
    >>> rng = np.random.default_rng(3)
    >>> ess_tail(rng.normal(size=(4, 1000))) > 2000
    True
    """
    a = _split(_as_chains(chains))
    out = []
    for p in prob:
        ind = (a <= np.quantile(a, p)).astype(np.float64)
        out.append(ess(ind))
    return float(min(out))
