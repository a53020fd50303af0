"""The blox catalog, exposed as ``nb.blox.<Name>``.

Each model is data: equation text, parameter metadata, initial state, a
citation, in one of the modules below (``neurons``, ``masses``, ...).
Time is in milliseconds in every catalog blox.
"""
from __future__ import annotations

from ..blox import BloxType

try:  # lazy parsing of catalog models (core feature; absent in older cores)
    from ..blox import deferred_parsing
except ImportError:  # pragma: no cover
    from contextlib import nullcontext as deferred_parsing

with deferred_parsing():  # models parse on first use: fast `import nbblox`
    from . import (cmc, inputs, masses, neurons, observers, oscillators, spiking,
                   synapses, wongwang)

__all__ = ["CATALOG", "catalog"]

CATALOG: dict[str, BloxType] = {}
for _mod in (neurons, spiking, masses, wongwang, oscillators, cmc, synapses, inputs,
             observers):
    for _name in _mod.__all__:
        CATALOG[_name] = getattr(_mod, _name)
        globals()[_name] = CATALOG[_name]
        __all__.append(_name)


def catalog():
    """The catalog as rows (name, kind, states, source) for tables and palettes.

    Examples
    --------
    >>> rows = catalog()
    >>> any(r["name"] == "HodgkinHuxley" for r in rows)
    True
    """
    return [{"name": n, "kind": t.kind, "states": ", ".join(t.states),
             "source": t.citation.split("\n")[0]} for n, t in CATALOG.items()]
