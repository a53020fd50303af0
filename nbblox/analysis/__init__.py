"""Analyzers: fixed points, phase plane, continuation of equilibria and limit
cycles, codim-2 curves, brute-force diagrams and slow points; and the
signal family: power spectra, spike-train statistics, functional
connectivity.

Everything works on a compiled System (a Blox or Circuit is compiled on the
way in); results have ``.plot()`` (HoloViews, via nbblox.viz) and
``.to_pandas()``.
"""
from .branch import Branch, SpecialPoint
from .equilibria import continuation
from .fixedpoints import FixedPoint, fixed_points
from .phaseplane import PhasePlane, phase_plane, phase_window
from .spectrum import Spectrum, spectrum   # eager: the function shadows the submodule's name

# The rest loads on first use (PEP 562): the explorer's phase plane and bifurcation
# views need none of it, and ``slow`` alone costs SciPy's optimize (~0.2 s, cold start).
_LAZY = {
    "BruteForce": ".brute", "brute_force_diagram": ".brute",
    "continuation2": ".codim2",
    "SlowPoint": ".slow", "slow_points": ".slow",
    "functional_connectivity": ".signals",
    "SpikeTrains": ".spikes", "spike_trains": ".spikes",
}


def __getattr__(name):
    import importlib
    try:
        module = _LAZY[name]
    except KeyError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(_LAZY))


__all__ = ["FixedPoint", "fixed_points", "Branch", "SpecialPoint", "continuation",
           "continuation2", "PhasePlane", "phase_plane", "phase_window", "BruteForce", "brute_force_diagram",
           "SlowPoint", "slow_points", "functional_connectivity", "Spectrum", "spectrum",
           "SpikeTrains", "spike_trains"]
