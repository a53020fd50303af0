"""Fitting circuit models to data.

``nb.fit(system, data, params={"fhn.a": (lo, hi)}, ...)`` (see
:func:`nbblox.fit.leastsq.fit`) returns a :class:`FitResult`;
``nb.posterior(...)`` (``bayes``) samples Bayesian posteriors with their
convergence diagnostics (``diagnostics``).  This package is itself callable
-- ``nb.fit`` is the module, and calling it calls :func:`fit` -- so
``nb.fit(...)``, ``nb.fit.features(...)`` and ``import nbblox.fit.<module>``
all work together.

Modules: ``data`` (accepted data containers, validation), ``problem`` (free
quantities, residuals and exact Jacobians from the sensitivity kernels),
``leastsq`` (least squares, multi-start, differential evolution,
Nelder-Mead), ``shooting`` (multiple shooting), ``features`` (feature
losses), ``result`` (FitResult), ``bayes``/``posterior``/``diagnostics``
(Bayesian estimates).
"""
import inspect as _inspect
import sys as _sys
import types as _types

from .bayes import Posterior, posterior
from .features import FEATURES, FeatureLoss, features
from .leastsq import METHODS, OPTIMIZERS, fit
from .problem import Problem
from .result import FitResult, covariance_from_jacobian

__all__ = ["fit", "features", "FeatureLoss", "FEATURES", "FitResult", "Problem", "OPTIMIZERS",
           "METHODS", "covariance_from_jacobian", "posterior", "Posterior"]


class _CallableModule(_types.ModuleType):
    def __call__(self, *args, **kwargs):
        return fit(*args, **kwargs)


_sys.modules[__name__].__class__ = _CallableModule
__signature__ = _inspect.signature(fit)   # help(nb.fit) and inspect show fit's arguments
