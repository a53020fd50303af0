"""nbblox: build, simulate, analyse and teach brain dynamics in Jupyter.

>>> import nbblox as nb
>>> sol = nb.simulate(nb.blox.FitzHughNagumo(name="fhn", I=0.5), 100.0)
>>> sol.t[-1]
100.0
"""
__version__ = "0.1.0"

from . import exceptions
from .exceptions import (CircuitError, CompileError, EquationError, NbbloxError,
                         ParameterError, SimulationError)
from .model import Blox, BloxType, Circuit, Connection, Parameter
from .model import library as blox
from .compile import System, compile
from .sim import Solution, simulate
from .sim.sweep import sweep
from .analysis.connectivity import bold, functional_connectivity  # noqa: E402
from . import data  # noqa: E402  (connectomes; files come from installed packages)

__all__ = ["Blox", "BloxType", "Circuit", "Connection", "Parameter", "blox", "System",
           "compile", "simulate", "Solution", "NbbloxError", "EquationError",
           "ParameterError", "CircuitError", "CompileError", "SimulationError",
           "exceptions", "__version__"]
__all__ += ["sweep", "bold", "functional_connectivity", "data"]

from .ui.dashboard import dashboard  # Panel is imported only when called
__all__ += ["dashboard"]


from .ui import explore  # Panel/HoloViews are imported only when called
from .notebook import setup_notebook
__all__ += ["explore", "setup_notebook"]

from .analysis import (Branch, FixedPoint, SpecialPoint, continuation, fixed_points,  # noqa: E402
                       phase_plane)
__all__ += ["fixed_points", "phase_plane", "continuation", "FixedPoint", "Branch", "SpecialPoint"]


def __getattr__(name):
    # nb.CircuitBuilder loads anywidget/ipywidgets only when first used
    if name == "CircuitBuilder":
        from .ui.builder import CircuitBuilder
        return CircuitBuilder
    raise AttributeError(f"module 'nbblox' has no attribute {name!r}")
