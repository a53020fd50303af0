"""Results that outlive the kernel: save and load them (netCDF-4, zarr), the
reproducibility stamp, citations, and static HTML pages.

``nbblox.io`` sits above sim/, analysis/ and fit/ (it reads their result
types) and below nothing: model/ and compile/ never import it, and result
types reach it only through one-line lazy delegates (``Solution.save``), as
``.plot()`` reaches viz/.
"""
from __future__ import annotations

from .pack import FileFormatError
from .store import load, save

__all__ = ["save", "load", "FileFormatError"]
