"""viz/: result objects -> HoloViews elements with good defaults (Bokeh).

Compute modules never import HoloViews at module level; a result's
``.plot()`` is a lazy delegate to a function here.  Importing this package
does not import HoloViews either: each view imports it when called.
"""
from .timeseries import downsample, plot_solution, timeseries_element
from .raster import plot_raster
from .sweep import plot_sweep
from .phaseplane import plot_phase_plane
from .bifurcation import plot_branch, plot_brute_force
from .spectrum import plot_spectrum
from .spikes import plot_isi, plot_rate
from .matrix import plot_matrix

__all__ = ["plot_solution", "timeseries_element", "downsample", "plot_raster", "plot_sweep",
           "plot_phase_plane", "plot_branch", "plot_brute_force", "plot_spectrum", "plot_rate",
           "plot_isi", "plot_matrix"]
