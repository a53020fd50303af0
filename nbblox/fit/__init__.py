"""Fitting circuit models to data: Bayesian posteriors (``bayes``) with
their convergence diagnostics (``diagnostics``)."""
from .bayes import Posterior, posterior

__all__ = ["posterior", "Posterior"]
