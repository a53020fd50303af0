"""Model layer: equation text, Blox, Circuit (pure Python + SymPy, no numba)."""
from .blox import Blox, BloxType
from .circuit import Circuit, Connection
from .params import Parameter

__all__ = ["Blox", "BloxType", "Circuit", "Connection", "Parameter"]
