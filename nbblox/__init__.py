"""nbblox: build, simulate, analyse and teach brain dynamics in Jupyter.

>>> import nbblox as nb
>>> sol = nb.simulate(nb.blox.FitzHughNagumo(name="fhn", I=0.5), 100.0)
>>> float(sol.t[-1])
100.0
"""
from ._version import __version__

import importlib as _importlib

from ._gcpause import paused as _paused

with _paused():     # numba, numpy and nbblox's modules: no full GC pass over them halfway
    from . import exceptions
    from .exceptions import (CircuitError, CompileError, EquationError, NbbloxError,
                             ParameterError, SimulationError)
    from .model import Blox, BloxType, Circuit, Connection, Parameter
    from .model import library as blox
    from .model.population import Population, Projection
    from .compile import System, compile
    from .sim import Solution, simulate

# Analysis, UI, data and the heavier sim layers load on first use (PEP 562):
# `import nbblox` then costs only what a simulation needs (cold-start budget).
# To export a new public name, add it here: name -> (module, attribute or None).
_LAZY = {
    "sweep": ("nbblox.sim.sweep", "sweep"),
    "bold": ("nbblox.analysis.connectivity", "bold"),
    "functional_connectivity": ("nbblox.analysis.signals", "functional_connectivity"),
    "spectrum": ("nbblox.analysis.spectrum", "spectrum"),
    "Spectrum": ("nbblox.analysis.spectrum", "Spectrum"),
    "spike_trains": ("nbblox.analysis.spikes", "spike_trains"),
    "SpikeTrains": ("nbblox.analysis.spikes", "SpikeTrains"),
    "lead_field": ("nbblox.analysis.connectivity", "lead_field"),
    "readout": ("nbblox.analysis.connectivity", "readout"),
    "data": ("nbblox.data", None),
    "fixed_points": ("nbblox.analysis", "fixed_points"),
    "phase_plane": ("nbblox.analysis", "phase_plane"),
    "continuation": ("nbblox.analysis", "continuation"),
    "continuation2": ("nbblox.analysis", "continuation2"),
    "FixedPoint": ("nbblox.analysis", "FixedPoint"),
    "Branch": ("nbblox.analysis", "Branch"),
    "SpecialPoint": ("nbblox.analysis", "SpecialPoint"),
    "PhasePlane": ("nbblox.analysis", "PhasePlane"),
    "brute_force_diagram": ("nbblox.analysis", "brute_force_diagram"),
    "slow_points": ("nbblox.analysis", "slow_points"),
    "explore": ("nbblox.ui.explore", "explore"),
    "dashboard": ("nbblox.ui.dashboard", "dashboard"),
    "CircuitBuilder": ("nbblox.ui.builder", "CircuitBuilder"),
    "setup_notebook": ("nbblox.notebook", "setup_notebook"),
    "ipython": ("nbblox.ipython", None),    # nb.ipython.verbose_errors()
    "lessons": ("nbblox.lessons", None),
    "posterior": ("nbblox.fit.bayes", "posterior"),
    "Posterior": ("nbblox.fit.posterior", "Posterior"),
    "STDP": ("nbblox.model.plasticity", "STDP"),
    "RSTDP": ("nbblox.model.plasticity", "RSTDP"),
    "CallbackError": ("nbblox.exceptions", "CallbackError"),
    "RunCancelled": ("nbblox.exceptions", "RunCancelled"),
    "CallbackState": ("nbblox.sim.callbacks", "CallbackState"),
    "fit": ("nbblox.fit", None),          # a callable module: nb.fit(...), nb.fit.features(...)
    "FitResult": ("nbblox.fit", "FitResult"),
    "save": ("nbblox.io", "save"),
    "load": ("nbblox.io", "load"),
    "io": ("nbblox.io", None),
    "citation": ("nbblox.io.citation", "citation"),
    "export_html": ("nbblox.io.html", "export_html"),
    "viz": ("nbblox.viz", None),          # nb.viz.plot_solution(...); views import HoloViews on call
    "WiringWarning": ("nbblox.exceptions", "WiringWarning"),
    "UnitError": ("nbblox.model.units", "UnitError"),
    "register_rule": ("nbblox.model.wiring", "register_rule"),
}

__all__ = ["Blox", "BloxType", "Circuit", "Connection", "Parameter", "blox", "Population",
           "Projection", "System", "compile", "simulate", "Solution", "NbbloxError",
           "EquationError", "ParameterError", "CircuitError", "CompileError",
           "SimulationError", "exceptions", "__version__", *_LAZY]


def __getattr__(name):
    try:
        module, attr = _LAZY[name]
    except KeyError:
        raise AttributeError(f"module 'nbblox' has no attribute {name!r}") from None
    mod = _importlib.import_module(module)
    value = mod if attr is None else getattr(mod, attr)
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(_LAZY))


import sys as _sys  # noqa: E402

# `nb.blox` is the catalog package nbblox.model.library; register it under the name users
# see, so `import nbblox.blox` and `from nbblox.blox import WilsonCowan` work too
_sys.modules.setdefault(__name__ + ".blox", blox)

# inside IPython/Jupyter: plots display with no set-up call, nbblox errors are compact
if "IPython" in _sys.modules:
    from .ipython import on_import as _on_import
    _on_import()
