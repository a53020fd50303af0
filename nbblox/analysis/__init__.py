"""Analyzers: fixed points, phase plane, continuation of equilibria and limit
cycles, codim-2 curves, brute-force diagrams and slow points; and the
signal family: power spectra, spike-train statistics, functional
connectivity.

Everything works on a compiled System (a Blox or Circuit is compiled on the
way in); results have ``.plot()`` (HoloViews, via nbblox.viz) and
``.to_pandas()``.
"""
from .branch import Branch, SpecialPoint
from .brute import BruteForce, brute_force_diagram
from .codim2 import continuation2
from .equilibria import continuation
from .fixedpoints import FixedPoint, fixed_points
from .phaseplane import PhasePlane, phase_plane
from .slow import SlowPoint, slow_points
from .signals import functional_connectivity
from .spectrum import Spectrum, spectrum
from .spikes import SpikeTrains, spike_trains

__all__ = ["FixedPoint", "fixed_points", "Branch", "SpecialPoint", "continuation",
           "continuation2", "PhasePlane", "phase_plane", "BruteForce", "brute_force_diagram",
           "SlowPoint", "slow_points", "functional_connectivity", "Spectrum", "spectrum",
           "SpikeTrains", "spike_trains"]
