"""Notebook cards of model objects: a Circuit shown in a cell (diagram, blox
with their types, connections, equations per type) and the catalog as a
table.  Plain HTML with an inline SVG diagram -- no JavaScript, no HoloViews:
a card renders in JupyterLab, Notebook 7, VS Code and a saved HTML file, and
JupyterLab typesets its ``$$...$$`` equations.

Every model string (names, types, docs, units, citations) is escaped: circuit
files come from other people.
"""
from __future__ import annotations

import html
import math

from .._text import capital, counted, tex_free

__all__ = ["circuit_html", "circuit_svg", "catalog_html"]

_KIND = {"neuron": "#0072B2", "neural_mass": "#CC79A7", "synapse": "#009E73",
         "input": "#E69F00", "observer": "#56B4E9", "custom": "#7F7F7F"}
_TABLE = ('style="border-collapse:collapse;font-size:13px;margin:4px 0 10px 0"')
_TH = 'style="text-align:left;padding:2px 10px 2px 0;border-bottom:1px solid #ccc"'
_TD = 'style="text-align:left;padding:2px 10px 2px 0;vertical-align:top"'


def _e(text):
    return html.escape(str(text))


def _table(head, rows):
    h = "".join(f"<th {_TH}>{_e(c)}</th>" for c in head)
    body = "".join("<tr>" + "".join(f"<td {_TD}>{c}</td>" for c in r) + "</tr>" for r in rows)
    return f"<table {_TABLE}><thead><tr>{h}</tr></thead><tbody>{body}</tbody></table>"


def circuit_svg(circuit, size=260, max_nodes=40):
    """The circuit as an SVG drawing: blox on a circle (coloured by kind),
    arrows from source to target (inhibitory, i.e. negative weights, in red).

    Examples
    --------
    >>> import nbblox as nb
    >>> a, b = nb.blox.WilsonCowan(name="a"), nb.blox.WilsonCowan(name="b")
    >>> svg = circuit_svg(nb.Circuit([a, b]).connect(a, b, weight=-1.0))
    >>> svg.count("<circle"), "#D55E00" in svg
    (2, True)
    """
    names = list(circuit.blox) + list(circuit.populations)
    if len(names) > max_nodes:
        return (f'<p style="color:#666">{counted(len(names), "blox")}: too many to draw here '
                "(nb.dashboard draws the graph)</p>")
    n = max(len(names), 1)
    r, node = size / 2 - 40, 16
    cx = cy = size / 2
    pos = {nm: (cx + (r * math.cos(2 * math.pi * i / n - math.pi / 2) if n > 1 else 0),
                cy + (r * math.sin(2 * math.pi * i / n - math.pi / 2) if n > 1 else 0))
           for i, nm in enumerate(names)}
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}" '
             f'viewBox="0 0 {size} {size}" role="img" aria-label="circuit diagram">',
             '<defs><marker id="nbbarrow" viewBox="0 0 10 10" refX="10" refY="5" '
             'markerWidth="7" markerHeight="7" orient="auto-start-reverse">'
             '<path d="M0,0L10,5L0,10z" fill="context-stroke"/></marker></defs>']
    for k in getattr(circuit, "connections", []):
        (x0, y0), (x1, y1) = pos[k.src], pos[k.dst]
        col = "#D55E00" if k.weight < 0 else "#444444"
        if k.src == k.dst:
            parts.append(f'<path d="M{x0 - 6:.1f},{y0 - node:.1f} C{x0 - 30:.1f},{y0 - 55:.1f} '
                         f'{x0 + 30:.1f},{y0 - 55:.1f} {x0 + 6:.1f},{y0 - node:.1f}" fill="none" '
                         f'stroke="{col}" stroke-width="1.8" marker-end="url(#nbbarrow)"/>')
            continue
        dx, dy = x1 - x0, y1 - y0
        d = math.hypot(dx, dy) or 1.0
        ux, uy = dx / d, dy / d
        off = 5 if any(q.src == k.dst and q.dst == k.src for q in circuit.connections) else 0
        ax, ay = x0 + ux * node - uy * off, y0 + uy * node + ux * off
        bx, by = x1 - ux * (node + 2) - uy * off, y1 - uy * (node + 2) + ux * off
        parts.append(f'<line x1="{ax:.1f}" y1="{ay:.1f}" x2="{bx:.1f}" y2="{by:.1f}" '
                     f'stroke="{col}" stroke-width="1.8" marker-end="url(#nbbarrow)">'
                     f"<title>{_e(k.src)} → {_e(k.dst)}: weight {k.weight:g}</title></line>")
    for nm in names:
        x, y = pos[nm]
        b = circuit[nm]
        col = _KIND.get(getattr(b.type, "kind", "custom"), "#7F7F7F")
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{node}" fill="{col}" '
                     f'stroke="white" stroke-width="2"><title>{_e(nm)}: {_e(tex_free(b.type.title))}'
                     "</title></circle>")
        # the name on the outer side of the ring (arrows are chords, inside it): above a
        # node of the upper half unless its self-loop is there; a white halo keeps it
        # legible where an arrow still passes
        loop = any(k.src == k.dst == nm for k in getattr(circuit, "connections", []))
        ty = y - node - 6 if (y < cy - 0.3 * r and not loop) else y + node + 14
        parts.append(f'<text x="{x:.1f}" y="{ty:.1f}" font-size="12" text-anchor="middle" '
                     'font-family="sans-serif" stroke="white" stroke-width="3" '
                     f'paint-order="stroke" stroke-linejoin="round">{_e(nm)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def circuit_html(circuit):
    """The card a Circuit shows in a notebook cell.

    Examples
    --------
    >>> import nbblox as nb
    >>> a, b = nb.blox.WilsonCowan(name="a"), nb.blox.FitzHughNagumo(name="f")
    >>> card = circuit_html(nb.Circuit([a, b], name="demo").connect(a, b, weight=0.5))
    >>> all(s in card for s in ("demo", "Wilson–Cowan", "FitzHugh–Nagumo", "a → f", "\\\\frac"))
    True
    >>> "2 blox, 1 connection</h4>" in card
    True
    """
    from ..model.blox import latex_equations
    blox = list(circuit)
    rows = []
    for b in blox:
        n = getattr(b, "n", None)
        changed = [f"{k} = {v:g}" for k, v in getattr(b, "params", {}).items()
                   if k in b.type.params and not isinstance(v, (list, tuple))
                   and _differs(v, b.type.params[k].default)]
        tname = f"<span title='{_e(b.type.name)}'>{_e(tex_free(b.type.title))}</span>"
        rows.append([f"<b>{_e(b.name)}</b>", tname + (f" × {n}" if n else ""),
                     _e(b.type.kind), _e(", ".join(b.type.states)),
                     _e(", ".join(changed[:6]) + (" ..." if len(changed) > 6 else ""))])
    conn = [[f"{_e(k.src)} → {_e(k.dst)}", f"{k.weight:g}", f"{k.delay:g} ms",
             _e(k.output or ""), _e(k.input or "")] for k in circuit.connections]
    proj = [[_e(p.name), f"{p.size}", _e(getattr(p, "on_pre", "") or "")]
            for p in getattr(circuit, "projections", [])]
    types = {}
    for b in blox:
        types.setdefault(b.type.key, (b.type, []))[1].append(b.name)
    eqs = []
    for btype, members in types.values():
        try:
            tex = latex_equations(btype)
        except Exception:             # equations that SymPy cannot print still get a card
            tex = ""
        eqs.append(f"<p style='margin:8px 0 0 0'><b>{_e(tex_free(capital(btype.title)))}</b> "
                   f"<span style='color:#666'>({_e(', '.join(members))})</span></p>"
                   f"<div style='overflow-x:auto'>{_e(tex)}</div>")
    head = (f"<h4 style='margin:4px 0'>Circuit '{_e(circuit.name)}': {counted(len(blox), 'blox')}, "
            f"{counted(len(circuit.connections), 'connection')}"
            + (f", {counted(len(proj), 'projection')}" if proj else "") + "</h4>")
    left = circuit_svg(circuit)
    right = (_table(["blox", "type", "kind", "states", "set parameters"], rows)
             + (_table(["connection", "weight", "delay", "output", "input"], conn) if conn
                else "<p style='color:#666'>no connections</p>")
             + (_table(["projection", "synapses", "on_pre"], proj) if proj else ""))
    return (f"<div class='nbblox-circuit' style='font-family:sans-serif'>{head}"
            "<div style='display:flex;flex-wrap:wrap;gap:16px;align-items:flex-start'>"
            f"<div>{left}</div><div style='min-width:300px;flex:1'>{right}</div></div>"
            f"{''.join(eqs)}</div>")


def _differs(v, default):
    try:
        return abs(float(v) - float(default)) > 1e-12 * max(1.0, abs(float(default)))
    except (TypeError, ValueError):
        return False


def catalog_html(rows):
    """The catalog rows (``nb.blox.catalog()``) as an HTML table grouped by kind."""
    order = ["neuron", "neural_mass", "synapse", "input", "observer"]
    rows = sorted(rows, key=lambda r: (order.index(r["kind"]) if r["kind"] in order else 9,
                                       r["name"]))
    body = [[f"<code>{_e(r['name'])}</code>", _e(r.get("title", "")),
             f"<span style='color:{_KIND.get(r['kind'], '#7F7F7F')}'>■</span> {_e(r['kind'])}",
             _e(r["states"]), _e(r["source"])] for r in rows]
    return (f"<div class='nbblox-catalog'><p><b>{counted(len(rows), 'blox type')}</b> "
            "(<code>nb.blox.describe(name)</code> shows one in full)</p>"
            + _table(["name", "model", "kind", "states", "source"], body) + "</div>")
