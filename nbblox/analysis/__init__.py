"""Analyzers: fixed points, phase plane, continuation of equilibria and limit
cycles, codim-2 curves, brute-force diagrams and slow points.

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

__all__ = ["FixedPoint", "fixed_points", "Branch", "SpecialPoint", "continuation",
           "continuation2", "PhasePlane", "phase_plane", "BruteForce", "brute_force_diagram",
           "SlowPoint", "slow_points"]
