"""Building blocks of the Panel dashboard (nbblox.ui.dashboard): the live
result views, the circuit diagram, the equations, parameter widgets and the
download payloads.

Everything here reads a System, a Circuit or a Solution; nothing mutates
them.  HoloViews and Panel are imported here (ui/ may), but nbblox imports
this module only when a dashboard is built.
"""
from __future__ import annotations

import io
import math
import re

import holoviews as hv
import holoviews.plotting.bokeh  # noqa: F401  (registers bokeh options)
import numpy as np
import panel as pn

__all__ = ["normalize_views", "view_element", "circuit_diagram", "equations_pane",
           "parameter_widgets", "csv_bytes", "netcdf_bytes", "MAX_DEFAULT_TRACES"]

MAX_DEFAULT_TRACES = 6
_SAFE = re.compile(r"[^A-Za-z0-9_]")


def _dim(name, unit=None):
    # HoloViews dimension names become Bokeh column names: keep them plain,
    # show the dotted nbblox name as the label
    return hv.Dimension(_SAFE.sub("_", name), label=name, unit=unit or None)


def normalize_views(views, system):
    """Turn the ``views=`` argument into a list of view specs.

    A spec is a state name (time series), a list of state names (overlaid
    time series), a pair ``("x", "y")`` written as a tuple (trajectory in the
    x-y plane), or a callable ``f(solution) -> HoloViews element``.
    ``None`` plots the first state of each blox (up to six) over time.
    """
    if views is None:
        firsts, seen = [], set()
        for name in system.state_names:
            blox = name.split(".", 1)[0]
            if blox not in seen:
                seen.add(blox)
                firsts.append(name)
        return [firsts[:MAX_DEFAULT_TRACES]]
    if isinstance(views, (str, tuple)) or callable(views):
        views = [views]
    out = []
    for v in views:
        if callable(v):
            out.append(v)
        elif isinstance(v, str):
            system.state_index(v)          # clear error with a suggestion on typos
            out.append([v])
        elif isinstance(v, tuple):
            if len(v) != 2:
                from ..exceptions import ParameterError
                raise ParameterError(f"a phase view is a pair of state names, got {v!r}")
            for s in v:
                system.state_index(s)
            out.append(tuple(v))
        else:
            names = list(v)
            for s in names:
                system.state_index(s)
            out.append(names)
    return out


def view_element(spec, sol, width=760, height=280):
    """One HoloViews element for ``spec`` (see :func:`normalize_views`) from
    a Solution; ``framewise`` so that axes follow the data on every update."""
    if callable(spec):
        return spec(sol)
    if isinstance(spec, tuple):
        x, y = spec
        return hv.Curve((sol[x], sol[y]), _dim(x), _dim(y), label=f"{y} vs {x}").opts(
            width=width, height=height, framewise=True, padding=0.05, tools=["hover"],
            backend="bokeh")
    return sol.plot(vars=list(spec), width=width, height=height).opts(
        framewise=True, legend_position="right", backend="bokeh")


def circuit_diagram(circuit, width=360, height=280):
    """The circuit as a directed graph: one node per blox (coloured by type),
    one edge per connection, laid out by networkx."""
    import networkx as nx
    g = nx.DiGraph()
    for name, b in circuit.blox.items():
        g.add_node(name, type=b.type.name)
    for k in circuit.connections:
        g.add_edge(k.src, k.dst, weight=float(k.weight))
    pos = nx.circular_layout(g) if len(g) > 1 else {n: np.zeros(2) for n in g}
    names = list(g.nodes)
    xs = [float(pos[n][0]) for n in names]
    ys = [float(pos[n][1]) for n in names]
    types = [g.nodes[n]["type"] for n in names]
    nodes = hv.Nodes((xs, ys, names, types), vdims=["type"])
    edges = [(s, d, a["weight"]) for s, d, a in g.edges(data=True)]
    graph = hv.Graph((edges, nodes), vdims=["weight"]) if edges else hv.Graph(
        (([], [], []), nodes), vdims=["weight"])
    labels = hv.Labels((xs, ys, names), ["x", "y"], "text")
    pad = 0.6
    return (graph.opts(directed=True, arrowhead_length=0.06, node_size=28, node_color="type",
                       cmap="Category10", edge_line_width=1.5, tools=["hover"],
                       xaxis=None, yaxis=None, backend="bokeh")
            * labels.opts(text_font_size="10pt", yoffset=-0.22, backend="bokeh")).opts(
        width=width, height=height, xlim=(min(xs) - pad, max(xs) + pad),
        ylim=(min(ys) - pad, max(ys) + pad), title=f"circuit '{circuit.name}'",
        backend="bokeh")


def equations_pane(circuit):
    """Markdown + LaTeX panes with each blox type's equations (once per type)."""
    from ..model.blox import latex_equations
    items, seen = [], {}
    for b in circuit.blox.values():
        seen.setdefault(b.type.key, (b.type, []))[1].append(b.name)
    for btype, names in seen.values():
        head = f"**{btype.name}** ({', '.join(names)})"
        if btype.doc:
            head += f": {btype.doc}"
        items.append(pn.pane.Markdown(head, sizing_mode="stretch_width", margin=(0, 5)))
        items.append(pn.pane.LaTeX(latex_equations(btype), renderer="katex",
                                   sizing_mode="stretch_width"))
        if btype.citation:
            items.append(pn.pane.Markdown(f"<small>{btype.citation}</small>",
                                          sizing_mode="stretch_width", margin=(0, 5)))
    return pn.Column(*items, sizing_mode="stretch_width")


def _slider_range(info, value):
    lo, hi = info.slider_bounds
    # a value set outside the nominal slider range widens the slider, it is
    # not clipped (clipping would silently change the model)
    lo, hi = min(lo, value), max(hi, value)
    if hi <= lo:
        hi = lo + 1.0
    step = info.slider_step if info.step is not None or info.bounds is not None else (hi - lo) / 100
    if not (step and math.isfinite(step) and step > 0):
        step = (hi - lo) / 100
    return lo, hi, step


def parameter_widgets(system, values):
    """``{blox name: [(param name, FloatSlider, doc)]}`` from ``System.parameter_info``."""
    groups = {}
    for name in system.param_names:
        info = system.parameter_info(name)
        value = float(values[name])
        lo, hi, step = _slider_range(info, value)
        bname, pname = name.split(".", 1)
        label = f"{pname} ({info.unit})" if info.unit else pname
        w = pn.widgets.FloatSlider(label=label, start=lo, end=hi, step=step, value=value,
                                   sizing_mode="stretch_width")
        groups.setdefault(bname, []).append((name, w, info.doc))
    return groups


def csv_bytes(sol):
    """CSV text of a Solution (time index, one column per variable)."""
    buf = io.StringIO()
    sol.to_pandas().to_csv(buf)
    buf.seek(0)
    return buf


def netcdf_bytes(sol):
    """NetCDF bytes of a Solution (whatever format xarray's installed engine writes)."""
    return io.BytesIO(bytes(sol.to_xarray().to_netcdf()))
