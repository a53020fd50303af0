"""Compile layer: Circuit -> System (flat layout, generated numba kernels,
NumPy reference backend, on-disk kernel cache).  Knows nothing of widgets."""
from .system import NamedValues, System, as_system, compile

__all__ = ["System", "compile", "as_system", "NamedValues"]
