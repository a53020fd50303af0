"""Geometry and plain-data views for the circuit builder: blox type metadata
for the palette and side panel, automatic layout (networkx), placement of
blox added from code, and a static SVG of the canvas for slides.
"""
from __future__ import annotations

import math
from html import escape

__all__ = ["type_info", "palette", "auto_layout", "free_spot", "to_svg", "KIND_COLORS",
           "NODE_W", "NODE_H"]

NODE_W, NODE_H = 120.0, 44.0
SPACING = 190.0
KIND_COLORS = {"neuron": "#3b7dd8", "neural_mass": "#8e44ad", "input": "#27ae60",
               "observer": "#d68910", "synapse": "#16a085", "custom": "#7f8c8d",
               "composite": "#2c3e50"}


def type_info(t):
    """JSON-able metadata of a BloxType: what the palette and side panel show.

    Examples
    --------
    >>> import nbblox as nb
    >>> info = type_info(nb.blox.WilsonCowan)
    >>> info["name"], info["title"], info["kind"]
    ('WilsonCowan', 'Wilson–Cowan', 'neural_mass')
    >>> info["params"]["tau_E"]["unit"], info["params"]["tau_E"]["hard"]
    ('ms', [1e-09, None])
    """
    from ...model.library import CATALOG
    params = {}
    for p, meta in t.params.items():
        lo, hi = meta.slider_bounds
        params[p] = {"default": float(meta.default), "lo": lo, "hi": hi,
                     "step": meta.slider_step, "unit": meta.unit, "doc": meta.doc,
                     "hard": list(meta.hard_bounds) if meta.hard_bounds else None}
    return {"key": t.key, "name": t.name, "title": t.title, "kind": t.kind, "doc": t.doc,
            "citation": t.citation.split("\n")[0], "states": list(t.states),
            "inputs": list(t.inputs), "outputs": list(t.output_text), "params": params,
            "catalog": CATALOG.get(t.name) is t}


def palette():
    """Metadata of every catalog blox type, in catalog order."""
    from ...model.library import CATALOG
    return [type_info(t) for t in CATALOG.values()]


def auto_layout(circuit, kind="auto", seed=0):
    """Canvas positions ``{name: (x, y)}`` for every blox of ``circuit``.

    ``kind``: ``"spring"`` (force-directed, networkx), ``"circular"``, or
    ``"auto"`` (spring up to 150 blox, circular above).

    Examples
    --------
    >>> import numpy as np, nbblox as nb
    >>> c = nb.Circuit.from_adjacency([nb.blox.WilsonCowan(name=f"n{i}") for i in range(4)],
    ...                               np.ones((4, 4)) - np.eye(4))
    >>> pos = auto_layout(c)
    >>> sorted(pos) == ["n0", "n1", "n2", "n3"]
    True
    """
    import networkx as nx
    names = list(circuit.blox) + list(getattr(circuit, "composites", {}))   # a block each
    n = len(names)
    if n == 0:
        return {}
    if n == 1:
        return {names[0]: (0.0, 0.0)}
    if kind not in ("auto", "spring", "circular"):
        from ...exceptions import CircuitError
        raise CircuitError(f"unknown layout {kind!r}; use 'auto', 'spring' or 'circular'")
    if kind == "circular" or (kind == "auto" and n > 150):
        radius = max(SPACING, n * SPACING / (2 * math.pi))
        return {m: (round(radius * math.cos(2 * math.pi * i / n), 1),
                    round(radius * math.sin(2 * math.pi * i / n), 1)) for i, m in enumerate(names)}
    g = nx.Graph()
    g.add_nodes_from(names)
    top = lambda p: p.split(".", 1)[0]      # a member of a composite: its block
    g.add_edges_from((top(k.src), top(k.dst)) for k in circuit.connections
                     if top(k.src) != top(k.dst))
    raw = nx.spring_layout(g, seed=seed, iterations=60)
    # spread to about SPACING between neighbours, whatever n is
    scale = SPACING * math.sqrt(n) / 1.6
    return {m: (round(float(raw[m][0]) * scale, 1), round(float(raw[m][1]) * scale * 0.7, 1))
            for m in names}


def free_spot(positions):
    """A place for a blox added from code: right of the rightmost blox."""
    if not positions:
        return (0.0, 0.0)
    xs = [p[0] for p in positions.values()]
    ys = [p[1] for p in positions.values()]
    return (max(xs) + SPACING, min(ys))


def to_svg(circuit, positions, margin=40.0):
    """A standalone SVG drawing of the canvas (blox, arrows, weights).

    Examples
    --------
    >>> import nbblox as nb
    >>> c = nb.Circuit([nb.blox.WilsonCowan(name="a"), nb.blox.WilsonCowan(name="b")])
    >>> c.connect("a", "b", weight=1.5)
    <Circuit 'circuit': 2 blox, 1 connection>
    >>> svg = to_svg(c, {"a": (0, 0), "b": (200, 0)})
    >>> svg.startswith("<svg") and ">a<" in svg and "1.5" in svg
    True
    """
    if positions:
        xs = [p[0] for p in positions.values()]
        ys = [p[1] for p in positions.values()]
    else:
        xs, ys = [0.0], [0.0]
    x0, y0 = min(xs) - NODE_W / 2 - margin, min(ys) - NODE_H / 2 - margin
    w = max(xs) - min(xs) + NODE_W + 2 * margin
    h = max(ys) - min(ys) + NODE_H + 2 * margin
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{x0:.1f} {y0:.1f} {w:.1f} {h:.1f}" '
           f'width="{w:.0f}" height="{h:.0f}" font-family="sans-serif">',
           '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" '
           'markerHeight="7" orient="auto-start-reverse"><path d="M0,0L10,5L0,10z" fill="#555"/>'
           '</marker></defs>', f'<rect x="{x0:.1f}" y="{y0:.1f}" width="{w:.1f}" height="{h:.1f}" '
           'fill="white"/>']
    labels = len(circuit.connections) <= 150
    at = lambda p: positions.get(p) or positions[p.split(".", 1)[0]]   # composite: its block
    for k in circuit.connections:
        (ax, ay), (bx, by) = at(k.src), at(k.dst)
        d, (mx, my) = _edge_path(ax, ay, bx, by)
        out.append(f'<path d="{d}" fill="none" stroke="#555" stroke-width="1.5" '
                   'marker-end="url(#arrow)"/>')
        if labels:
            out.append(f'<text x="{mx:.1f}" y="{my - 4:.1f}" font-size="11" fill="#333" '
                       f'text-anchor="middle">{k.weight:g}</text>')
    for name, b in circuit.blox.items():
        x, y = positions[name]
        color = KIND_COLORS.get(b.type.kind, KIND_COLORS["custom"])
        out.append(f'<rect x="{x - NODE_W / 2:.1f}" y="{y - NODE_H / 2:.1f}" width="{NODE_W:.0f}" '
                   f'height="{NODE_H:.0f}" rx="8" fill="{color}" stroke="#222"/>')
        out.append(f'<text x="{x:.1f}" y="{y - 3:.1f}" font-size="13" fill="white" '
                   f'text-anchor="middle">{escape(name)}</text>')
        out.append(f'<text x="{x:.1f}" y="{y + 13:.1f}" font-size="10" fill="white" '
                   f'text-anchor="middle">{escape(b.type.name)}</text>')
    for name, sub in getattr(circuit, "composites", {}).items():
        x, y = positions[name]
        n = sum(1 for _ in sub.walk())
        out.append(f'<rect x="{x - NODE_W / 2:.1f}" y="{y - NODE_H / 2:.1f}" width="{NODE_W:.0f}" '
                   f'height="{NODE_H:.0f}" rx="8" fill="{KIND_COLORS["composite"]}" '
                   'stroke="#222" stroke-width="2.5"/>')
        out.append(f'<text x="{x:.1f}" y="{y - 3:.1f}" font-size="13" fill="white" '
                   f'text-anchor="middle">{escape(name)}</text>')
        out.append(f'<text x="{x:.1f}" y="{y + 13:.1f}" font-size="10" fill="white" '
                   f'text-anchor="middle">{escape(sub.template or "composite")} · {n} blox</text>')
    out.append("</svg>")
    return "\n".join(out)


def _edge_path(ax, ay, bx, by):
    """Curved arrow from blox a to blox b (bent so that a->b and b->a do not overlap);
    the same geometry as the JavaScript canvas.  Returns (path d, label point)."""
    if (ax, ay) == (bx, by):   # self-connection: a loop above the blox
        top = ay - NODE_H / 2
        return (f"M{ax + 20:.1f},{top:.1f} C{ax + 60:.1f},{top - 60:.1f} {ax - 60:.1f},"
                f"{top - 60:.1f} {ax - 20:.1f},{top:.1f}", (ax, top - 45))
    dx, dy = bx - ax, by - ay
    dist = math.hypot(dx, dy) or 1.0
    ux, uy = dx / dist, dy / dist
    # leave and enter at the box border along the centre line
    ta = _border(ux, uy)
    sx, sy, ex, ey = ax + ux * ta, ay + uy * ta, bx - ux * ta, by - uy * ta
    bend = min(40.0, dist * 0.15)
    cx, cy = (sx + ex) / 2 - uy * bend, (sy + ey) / 2 + ux * bend
    mid = (0.25 * sx + 0.5 * cx + 0.25 * ex, 0.25 * sy + 0.5 * cy + 0.25 * ey)
    return f"M{sx:.1f},{sy:.1f} Q{cx:.1f},{cy:.1f} {ex:.1f},{ey:.1f}", mid


def _border(ux, uy):
    tx = (NODE_W / 2) / abs(ux) if ux else math.inf
    ty = (NODE_H / 2) / abs(uy) if uy else math.inf
    return min(tx, ty) + 3
