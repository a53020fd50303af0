"""FitResult: the estimate, its uncertainty from the Fisher information, the
loss history, the simulation at the estimate and views of data vs fit."""
from __future__ import annotations

import warnings

import numpy as np

__all__ = ["FitResult", "covariance_from_jacobian"]


def covariance_from_jacobian(J, r, n_params):
    """Asymptotic covariance ``s^2 (J^T J)^-1`` of a least-squares estimate,
    with ``s^2 = |r|^2 / (N - P)`` the residual variance (Fisher information
    of Gaussian errors of unknown, equal variance).

    Examples
    --------
    >>> import numpy as np
    >>> J = np.ones((4, 1)); r = np.array([1.0, -1.0, 1.0, -1.0])
    >>> float(covariance_from_jacobian(J, r, 1)[0, 0])   # s^2 = 4/3, J^T J = 4
    0.3333333333333333
    """
    J = np.asarray(J, dtype=float)
    r = np.asarray(r, dtype=float)
    dof = max(r.size - n_params, 1)
    s2 = float(r @ r) / dof
    return s2 * np.linalg.pinv(J.T @ J)


class FitResult:
    """Outcome of :func:`nbblox.fit`.

    Attributes
    ----------
    params : dict
        Estimate ``{name: value}``.
    stderr : dict
        Standard errors from the Fisher information at the optimum (NaN
        where it could not be computed, e.g. feature losses).
    covariance : ndarray (P, P)
        Covariance matrix, rows/columns in ``names`` order.
    names : list of str
    loss : float
        Final loss (mean squared residual for ``loss="mse"``).
    loss_history : ndarray
        Loss at every model evaluation, in order.
    success, message : bool, str
        From the optimizer.
    optimizer : str
        The optimiser that found the estimate (``"least_squares"``...); the
        integration scheme is ``solution.info["method"]``.
    nfev : int
    start, bounds : dict
    solution : Solution
        Simulation at the estimate over the data's time span (all states).
    data : Observations
        The validated data (``.t``, ``.names``, ``.values``).
    extra : dict
        Method specifics (multi-start: every start's loss; shooting: the
        segment start states).
    """

    def __init__(self, names, estimate, covariance, loss, history, success, message, optimizer,
                 nfev, start, bounds, solution, data, extra=None):
        self.names = list(names)
        self.params = {n: float(v) for n, v in zip(names, estimate)}
        self.covariance = np.asarray(covariance, dtype=float)
        sd = np.sqrt(np.clip(np.diag(self.covariance), 0, None)) if self.covariance.size else \
            np.full(len(names), np.nan)
        sd[~np.isfinite(np.diag(self.covariance))] = np.nan
        self.stderr = {n: float(v) for n, v in zip(names, sd)}
        self.loss = float(loss)
        self.loss_history = np.asarray(history, dtype=float)
        self.success, self.message = bool(success), str(message)
        self.optimizer, self.nfev = optimizer, int(nfev)
        self.start = {n: float(v) for n, v in zip(names, start)}
        self.bounds = {n: (float(a), float(b)) for n, (a, b) in zip(names, bounds)}
        self.solution, self.data = solution, data
        self.extra = dict(extra or {})

    def to_pandas(self):
        """One row per parameter: estimate, stderr, start, lo, hi."""
        import pandas as pd
        return pd.DataFrame({"estimate": [self.params[n] for n in self.names],
                             "stderr": [self.stderr[n] for n in self.names],
                             "start": [self.start[n] for n in self.names],
                             "lo": [self.bounds[n][0] for n in self.names],
                             "hi": [self.bounds[n][1] for n in self.names]},
                            index=pd.Index(self.names, name="parameter"))

    @property
    def method(self):
        """Deprecated: the optimiser, now :attr:`optimizer` (``method`` names the
        time integrator everywhere in nbblox)."""
        warnings.warn("FitResult.method is the optimiser: read FitResult.optimizer "
                      "(method= names the time integrator in every nbblox function)",
                      DeprecationWarning, stacklevel=2)
        return self.optimizer

    @property
    def circuit(self):
        """The Circuit fitted (for a loaded file: rebuilt from its stored JSON)."""
        from ..io.provenance import circuit_of
        return circuit_of(self)

    def save(self, path, format=None):
        """Write the fit (estimate, covariance, history, the simulation at the
        estimate and the data) to netCDF (``.nc``) or zarr (``.zarr``); read it
        back with :func:`nbblox.load`."""
        from ..io import save
        return save(self, path, format=format)

    def plot(self, stamp=False, **kw):
        """HoloViews overlay of data vs fit per variable, and the loss history
        (see :func:`nbblox.viz.fit.plot_fit`)."""
        from ..viz.fit import plot_fit
        from ..viz.stamp import with_stamp
        el = plot_fit(self, **kw)
        return with_stamp(el, self) if stamp else el

    def __repr__(self):
        est = ", ".join(f"{n}={self.params[n]:.6g}±{self.stderr[n]:.2g}" for n in self.names)
        return (f"<FitResult {self.optimizer}: {est}; loss {self.loss:.4g}, "
                f"{'converged' if self.success else 'NOT converged'}>")
