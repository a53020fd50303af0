"""Simulation layer: integrate a System (fixed-step numba loops, scipy
adaptive solvers) and return Solution objects."""
from .simulate import simulate
from .solution import Solution

__all__ = ["simulate", "Solution"]
