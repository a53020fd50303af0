"""Where the builder's front end (one ES module and its stylesheet) is found."""
from __future__ import annotations

from pathlib import Path

__all__ = ["widget_asset"]


def widget_asset(name):
    """Path of a shipped front-end file (``circuit_builder.js`` / ``.css``).

    Installed: ``nbblox/widgets/<name>``; in a source checkout that folder
    links to the top-level ``widgets/`` sources.

    Examples
    --------
    >>> widget_asset("circuit_builder.js").name
    'circuit_builder.js'
    """
    package = Path(__file__).resolve().parents[2]          # nbblox/
    for folder in (package / "widgets", package.parent / "widgets"):
        if (folder / name).exists():
            return folder / name
    raise FileNotFoundError(f"nbblox front-end file {name} is missing from the installation")
