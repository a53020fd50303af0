"""The blox catalog, exposed as ``nb.blox.<Name>``.

Each model is data: equation text, parameter metadata, initial state, a
citation, in one of the modules below (``neurons``, ``masses``, ...).
Time is in milliseconds in every catalog blox.
"""
from __future__ import annotations

from ..._text import capital, markdown_literal
from ..blox import BloxType, deferred_parsing
from ..pickling import register_catalog

# Models parse on first use (nbblox.model.blox.deferred_parsing): parsing all of
# them at `import nbblox` would cost about a second of the cold-start budget.
# Each model's own test builds it, so a broken model still fails loudly.
with deferred_parsing():
    from . import (channels, cmc, columns, inputs, masses, neurons, observers, oscillators,
                   spiking, synapses, wilsoncowan, wongwang)

from . import rules  # noqa: F401  (registers the catalog's connection rules)
from .channels import Channel, ConductanceNeuron
from .columns import WilsonCowanColumn
from .tables import TimeSeriesInput

__all__ = ["CATALOG", "COMPOSITES", "catalog", "describe", "channels", "Channel",
           "ConductanceNeuron", "TimeSeriesInput", "WilsonCowanColumn"]

#: composite circuits of the catalog: name -> function(name=...) -> Circuit
COMPOSITES = {"WilsonCowanColumn": WilsonCowanColumn}

CATALOG: dict[str, BloxType] = {}
for _mod in (neurons, spiking, masses, wilsoncowan, columns, wongwang, oscillators, cmc,
             synapses, inputs, observers):
    for _name in _mod.__all__:
        CATALOG[_name] = getattr(_mod, _name)
        globals()[_name] = CATALOG[_name]
        __all__.append(_name)
register_catalog(CATALOG)   # pickled by name (nbblox.model.pickling)
WILSON_COWAN_FORMS = wilsoncowan.WILSON_COWAN_FORMS
__all__.append("WILSON_COWAN_FORMS")


def _source(citation):
    """First reference of a citation string (up to its DOI)."""
    return citation.split("; ")[0]


def catalog(kind=None):
    """The catalog as rows (name, title, kind, states, source) for tables and palettes.

    Parameters
    ----------
    kind : str, optional
        Keep only one kind: ``"neuron"``, ``"neural_mass"``, ``"synapse"``,
        ``"input"`` or ``"observer"``.

    Examples
    --------
    >>> rows = catalog()
    >>> next(r["title"] for r in rows if r["name"] == "HodgkinHuxley")
    'Hodgkin–Huxley'
    >>> sorted({r["kind"] for r in rows})
    ['input', 'neural_mass', 'neuron', 'observer', 'synapse']
    """
    rows = [{"name": n, "title": t.title, "kind": t.kind, "states": ", ".join(t.states),
             "source": _source(t.citation)} for n, t in CATALOG.items()]
    rows.append({"name": "ConductanceNeuron", "title": "conductance-based neuron", "kind": "neuron",
                 "states": "V, Ca, gates of the chosen channels",
                 "source": _source(channels._PRINZ)})
    rows.append({"name": "TimeSeriesInput", "title": "recorded time series", "kind": "input",
                 "states": "",
                 "source": "(user data: a recorded series, linearly interpolated)"})
    return Catalog(r for r in rows if kind is None or r["kind"] == kind)


class Catalog(list):
    """The catalog rows (a list of dicts); shown as a table in a notebook."""

    def _repr_html_(self):
        from ...viz.cards import catalog_html
        return catalog_html(self)

    def to_pandas(self):
        import pandas as pd
        return pd.DataFrame(list(self))


class BloxInfo:
    """Notebook card of a blox type: doc, equations, parameter table, source."""

    def __init__(self, btype):
        self.type = btype

    def _repr_markdown_(self):
        # names, docs, units and citations may come from a circuit file: text, never markup
        t = self.type

        def md(text):       # one table cell or line: no line breaks
            return markdown_literal(" ".join(str(text).split()))
        rows = ["| parameter | default | range | unit | meaning |", "|---|---|---|---|---|"]
        for k, p in t.params.items():
            lo, hi = p.slider_bounds
            rows.append(f"| `{k}` | {p.default:g} | {lo:g} .. {hi:g} | {md(p.unit)} | "
                        f"{md(p.doc)} |")
        return "\n\n".join([f"### {md(capital(t.title))} ({md(t.name)}, {md(t.kind)})",
                             markdown_literal(t.doc),
                             t._repr_latex_(), "\n".join(rows), f"**Source:** {md(t.citation)}"])

    def __repr__(self):
        return f"<BloxInfo {self.type.name}>"


def describe(btype):
    """A notebook-displayable card (Markdown + LaTeX) of a blox type or name.

    Examples
    --------
    >>> describe("HodgkinHuxley")._repr_markdown_().splitlines()[0]
    '### Hodgkin–Huxley (HodgkinHuxley, neuron)'
    """
    if isinstance(btype, str):
        if btype not in CATALOG:
            from ...exceptions import ParameterError, suggest
            raise ParameterError(f"no catalog blox '{btype}'." + suggest(btype, CATALOG))
        btype = CATALOG[btype]
    return BloxInfo(btype)
