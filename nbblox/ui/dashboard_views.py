"""Building blocks of the Panel dashboard (nbblox.ui.dashboard) that the
explorer does not have: the ``views=`` translation, the circuit diagram, the
equations and the download payloads.  (The live views, sliders and run
throttling are the explorer's: nbblox.ui.explore.)

Everything here reads a System, a Circuit or a Solution; nothing mutates
them.  HoloViews and Panel are imported here (ui/ may), but nbblox imports
this module only when a dashboard is built.
"""
from __future__ import annotations

import io

import holoviews as hv
import holoviews.plotting.bokeh  # noqa: F401  (registers bokeh options)
import numpy as np
import panel as pn

from .._text import capital
from ..exceptions import ParameterError
from .text import MATHML_CSS, html, html_pane, label, plot_title, tex_pane

__all__ = ["explore_views", "circuit_diagram", "equations_pane", "csv_bytes", "netcdf_bytes",
           "stamp_json", "type_latex"]


def explore_views(views, system, vars=None, phase=None):
    """Translate ``nb.dashboard(views=...)`` into explorer arguments.

    Items may be explorer view names (``"timeseries"``, ``"phase_plane"``,
    ``"bifurcation"``, ``"raster"``, ``"live"``), callables
    ``f(solution) -> HoloViews element``, or the short forms: a state name or
    a list of state names (plotted over time) and a pair ``("x", "y")``
    written as a tuple (the phase plane of that pair).

    Returns
    -------
    (views, vars, phase) for :class:`~nbblox.ui.explore.Explorer`.

    Examples
    --------
    >>> explore_views([["a.V", "b.V"], ("a.V", "a.w")], None)
    (('timeseries', 'phase_plane'), ['a.V', 'b.V'], ('a.V', 'a.w'))
    """
    from .explore.common import VIEWS
    if views is None:
        return ("timeseries",), vars, phase
    if isinstance(views, str) or callable(views):
        views = [views]
    elif isinstance(views, tuple) and len(views) == 2 and not any(
            callable(v) or v in VIEWS for v in views):
        views = [views]                       # one phase pair, not two view names
    out, names = [], list([vars] if isinstance(vars, str) else vars or [])

    def want(v):
        if v not in out:
            out.append(v)
    for v in views:
        if callable(v) or (isinstance(v, str) and v in VIEWS):
            want(v)
        elif isinstance(v, str):
            names.append(v)
            want("timeseries")
        elif isinstance(v, tuple):
            if len(v) != 2:
                raise ParameterError(f"a phase view is a pair of state names, got {v!r}")
            phase = v
            want("phase_plane")
        else:
            names.extend(v)
            want("timeseries")
    return tuple(out), list(dict.fromkeys(names)) or None, phase


def _arrows(pos, edges, r, head, half):
    """Segments and arrowhead triangles for directed edges between node
    centres ``pos`` (name -> (x, y)), shortened to the node circles of radius
    ``r`` so that the heads stay visible; a pair of opposite edges is drawn
    side by side.  Self-connections become a loop above the node."""
    seg, tri, loops = [], [], []
    pairs = {(s, d) for s, d, _ in edges}
    for s, d, w in edges:
        p, q = np.asarray(pos[s], float), np.asarray(pos[d], float)
        if s == d:
            c = p + np.array([0.0, 1.7 * r])
            a = np.linspace(-0.3 * np.pi, 1.3 * np.pi, 40)
            loops.append(np.column_stack([c[0] + 0.8 * r * np.cos(a), c[1] + 0.8 * r * np.sin(a)]))
            tip = p + np.array([0.0, r])
            u = np.array([0.0, -1.0])
        else:
            u = (q - p) / (np.linalg.norm(q - p) or 1.0)
            n = np.array([-u[1], u[0]]) * (0.35 * r if (d, s) in pairs else 0.0)
            p, tip = p + u * r + n, q - u * r + n
            base = tip - u * head
            seg.append((p[0], p[1], base[0], base[1], w))
        perp = np.array([-u[1], u[0]]) * half
        base = tip - u * head
        tri.append((np.array([tip, base + perp, base - perp]), w))
    return seg, tri, loops


def circuit_diagram(circuit, width=360, height=300):
    """The circuit as a directed graph: one node per blox (coloured by type),
    one arrow per connection (source to target; negative weights in red),
    laid out on a circle, clockwise from the left in the circuit's order.

    Examples
    --------
    >>> import nbblox as nb
    >>> a, b = nb.blox.FitzHughNagumo(name="a"), nb.blox.FitzHughNagumo(name="b")
    >>> c = nb.Circuit([a, b], name="ab")
    >>> _ = c.connect(a, b, weight=0.5)
    >>> d = circuit_diagram(c)
    >>> len(d.Polygons.I.data)          # one arrowhead per connection
    1
    """
    # a composite is one node, as on the builder canvas; its members' connections meet it
    top = lambda p: p.split(".", 1)[0]
    names = list(circuit.blox) + list(circuit.composites)
    # on a circle in the circuit's order, clockwise from the left: two blox read left to
    # right, a -> b (networkx starts on the right and turns anticlockwise: b <- a)
    ang = np.pi - 2 * np.pi * np.arange(len(names)) / max(len(names), 1)
    pos = {n: (np.array([np.cos(a), np.sin(a)]) if len(names) > 1 else np.zeros(2))
           for n, a in zip(names, ang)}
    xs = np.array([float(pos[n][0]) for n in names])
    ys = np.array([float(pos[n][1]) for n in names])
    xs[np.abs(xs) < 1e-12] = 0.0
    ys[np.abs(ys) < 1e-12] = 0.0
    pad = 0.6
    x0, x1 = xs.min() - pad, xs.max() + pad
    y0, y1 = ys.min() - pad, ys.max() + pad
    fw = min(width, height) - 40
    px = (x1 - x0) / fw                        # data units per screen pixel (equal scales)
    # a flat layout (two blox side by side) gets a low frame, not a square of white
    fh = int(min(fw, max(120, round((y1 - y0) / px))))
    y0, y1 = 0.5 * (y0 + y1) - 0.5 * fh * px, 0.5 * (y0 + y1) + 0.5 * fh * px
    node_px = 26
    edges = [(top(k.src), top(k.dst), float(k.weight)) for k in circuit.connections]
    seg, tri, loops = _arrows(pos, edges, r=0.5 * node_px * px + 2 * px, head=11 * px,
                              half=5 * px)
    dims = [hv.Dimension("x"), hv.Dimension("y")]
    def kind(w):
        return "inhibitory" if w < 0 else "excitatory"
    cmap = {"excitatory": "#444444", "inhibitory": "#d62728"}
    lines = hv.Segments([(x0, y0, x1, y1, w, kind(w)) for x0, y0, x1, y1, w in seg],
                        kdims=["x0", "y0", "x1", "y1"], vdims=["weight", "kind"]).opts(
        backend="bokeh", color=hv.dim("kind").categorize(cmap), line_width=1.8,
        tools=["hover"])
    heads = hv.Polygons([{("x", "y"): t, "kind": kind(w)} for t, w in tri],
                        kdims=dims, vdims=["kind"]).opts(
        backend="bokeh", color=hv.dim("kind").categorize(cmap), line_color=None)
    loop = hv.Path(loops, kdims=dims).opts(backend="bokeh", color="#444444", line_width=1.8)
    types = [circuit.blox[n].type.title if n in circuit.blox else "composite" for n in names]
    nodes = hv.Points((xs, ys, names, types), kdims=dims, vdims=["blox", "type"]).opts(
        backend="bokeh", size=node_px, color="type", cmap="Category10", line_color="white",
        tools=["hover"], show_legend=False)
    labels = hv.Labels((xs, ys - 0.5 * node_px * px - 9 * px, names), dims, "blox").opts(
        backend="bokeh", text_font_size="10pt", text_baseline="top")
    return (lines * loop * heads * nodes * labels).opts(
        backend="bokeh", frame_width=fw, frame_height=fh, xlim=(x0, x1), ylim=(y0, y1),
        xaxis=None, yaxis=None, show_grid=False, title=plot_title(f"circuit '{circuit.name}'"),
        toolbar=None)


#: modules whose code decides a type's LaTeX (a change invalidates the disk cache)
_LATEX_CODE = ("model/blox.py", "model/equations.py", "model/expression.py",
               "model/symbolic.py", "model/functions.py", "model/texprint.py")


def type_latex(btype):
    """:func:`nbblox.model.blox.latex_equations` of ``btype``, from the disk
    cache when a previous process printed it (keyed by the type's code key
    and equation text, the modules that parse and print it, nbblox and SymPy
    versions): the LaTeX is the only SymPy a dashboard needs, ~0.3-0.5 s of
    its first build with a warm kernel cache.

    Examples
    --------
    >>> import nbblox as nb
    >>> from nbblox.model.blox import latex_equations
    >>> t = nb.blox.FitzHughNagumo(name="f").type
    >>> type_latex(t) == latex_equations(t)
    True
    """
    from ..compile.derived import cached_json
    from ..model.blox import latex_equations
    return cached_json("latex", (btype.key, btype.eqs.text), lambda: latex_equations(btype),
                       code=_LATEX_CODE)


#: type size of the equations (the page's text is 12-15 px; MathJax scales with it)
_EQ_FONT_PX = 15


def _equations(btype):
    """One blox type's equations: typeset by MathJax (:func:`~nbblox.ui.text.tex_pane`),
    like a served lesson's Markdown maths, wherever the page has BokehJS's MathJax
    (served pages always; a notebook whose JavaScript nbblox loaded from the server).
    A notebook without it -- its Panel JavaScript loaded before nbblox's (a user's
    ``pn.extension()`` first), or inlined (VS Code: MathJax would add 3.7 MB to the
    notebook) -- shows nbblox's MathML (:func:`nbblox.io.mathml.equations_mathml`, the
    exported page's; no JavaScript, no KaTeX), subscripts dropped and columns aligned
    by :data:`~nbblox.ui.text.MATHML_CSS`."""
    from ..notebook import mathjax_ready
    # a long equation scrolls sideways inside its pane instead of being cut off
    scroll = {"overflow-x": "auto", "overflow-y": "hidden"}
    if mathjax_ready():
        return tex_pane(type_latex(btype), sizing_mode="stretch_width",
                        styles={**scroll, "font-size": f"{_EQ_FONT_PX}px"})
    from ..io.mathml import equations_mathml
    return pn.pane.HTML(equations_mathml(btype), sizing_mode="stretch_width",
                        stylesheets=[MATHML_CSS],
                        styles={**scroll, "font-size": f"{_EQ_FONT_PX}px"})


def equations_pane(circuit):
    """Text + maths panes with each blox type's equations (once per type).

    Names, docs and citations are escaped text (they come from circuit
    files); the LaTeX is generated from the SymPy expressions, never from
    the equation text."""
    items, seen = [], {}
    for path, b in circuit.walk():      # members of composites too, by path
        seen.setdefault(b.type.key, (b.type, []))[1].append(path)
    for btype, names in seen.values():
        head = html("<p><strong>{}</strong> ({})", label(capital(btype.title)),
                    ", ".join(names))
        if btype.doc:
            head += html(": {}", btype.doc)
        items.append(html_pane(head + html("</p>"), sizing_mode="stretch_width", margin=(0, 5)))
        items.append(_equations(btype))
        if btype.citation:
            items.append(html_pane("<p><small>{}</small></p>", btype.citation,
                                   sizing_mode="stretch_width", margin=(0, 5)))
    return pn.Column(*items, sizing_mode="stretch_width", min_width=360,
                     styles={"flex": "1 1 360px"})


def csv_bytes(sol):
    """CSV text of a Solution (time index, one column per variable)."""
    buf = io.StringIO()
    sol.to_pandas().to_csv(buf)
    buf.seek(0)
    return buf


def netcdf_bytes(sol):
    """NetCDF-4 bytes of a Solution in nbblox's file format: the run, its circuit,
    parameters, seed and versions (``nb.load(path).rerun()`` repeats it)."""
    import os
    import tempfile
    from ..io import save
    with tempfile.TemporaryDirectory() as folder:
        with open(save(sol, os.path.join(folder, "run.nc")), "rb") as fh:
            return io.BytesIO(fh.read())


def stamp_json(ex, files=()):
    """The sidecar of a download: the reproducibility stamp of the explorer's
    current run (model hash, every parameter, seed, method, versions), the code
    that reproduces it and the papers to cite, as JSON text."""
    import json
    from ..io.citation import citation
    from ..io.provenance import stamp
    from .export import UI_LIBRARIES
    doc = {"stamp": stamp(ex, libraries=UI_LIBRARIES), "files": list(files),
           "code": ex.to_code(), "citation": str(citation(ex))}
    return io.StringIO(json.dumps(doc, indent=1, ensure_ascii=False))
