"""Analyzers: fixed points, phase plane, continuation of equilibria and limit
cycles, codim-2 curves, brute-force diagrams and slow points."""
from .fixedpoints import FixedPoint, fixed_points

__all__ = ["FixedPoint", "fixed_points"]
from .branch import Branch, SpecialPoint
from .equilibria import continuation

__all__ += ["Branch", "SpecialPoint", "continuation"]
from .phaseplane import PhasePlane, phase_plane

__all__ += ["PhasePlane", "phase_plane"]
from .codim2 import continuation2

__all__ += ["continuation2"]
