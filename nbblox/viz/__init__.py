"""viz/: result objects -> HoloViews elements with good defaults.

Compute modules never import HoloViews at module level; a result's
``.plot()`` is a lazy delegate to a function here.
"""
from .timeseries import plot_solution

__all__ = ["plot_solution"]
