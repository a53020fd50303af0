"""The blox catalog page (api/catalog.md), generated from nb.blox.catalog() so it
lists exactly the models the package ships, each with its equations, parameter
table and source."""
from __future__ import annotations

import re
from pathlib import Path

KINDS = [("neuron", "Neurons"), ("neural_mass", "Neural masses and oscillators"),
         ("synapse", "Synapses"), ("input", "Inputs"), ("observer", "Observers")]


def write_catalog(path: Path):
    import nbblox as nb
    rows = nb.blox.catalog()
    lines = ["# Blox catalog", "",
             "Every model of `nb.blox`, as `nb.blox.describe(name)` shows it in a notebook. "
             "Time is in milliseconds. Create one with `nb.blox.<Name>(name=..., "
             "<parameter>=value)`; parameters outside their physical range are refused.", ""]
    for kind, heading in KINDS:
        lines += [f"## {heading}", ""]
        for r in (r for r in rows if r["kind"] == kind):
            if r["name"] in nb.blox.CATALOG:
                card = nb.blox.describe(r["name"])._repr_markdown_()
                # the notebook card's heading says the kind; here the section does
                lines += [re.sub(r"\A### .*", f"### {r['name']}", card), ""]
            else:       # built by a function: ConductanceNeuron, TimeSeriesInput
                lines += [f"### {r['name']}", "",
                          f"See {{func}}`nbblox.model.library.{r['name']}`. Source: {r['source']}", ""]
    path.parent.mkdir(parents=True, exist_ok=True)
    text = "\n".join(lines)
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")
