"""Data that ships with installed packages (never downloaded at run time):
whole-brain connectomes for connectome-driven neural-mass networks."""
from .connectome import CONNECTOMES, Connectome, connectome

__all__ = ["connectome", "Connectome", "CONNECTOMES"]
