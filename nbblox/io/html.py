"""export_html(): one self-contained HTML page for an explorer, a dashboard or
a result -- the current plots, the equations, the parameter values, the run
settings, the code that reproduces it, the papers to cite and the
reproducibility stamp -- that renders without a kernel and without a single
network request (BokehJS inline, equations as MathML).

Every string that comes from a model (names, docs, citations, code) is
escaped; the stamp travels as JSON in a ``<script type="application/json">``
block with ``</`` escaped.  Panel's ``save(embed=True)`` is not used: it
pre-renders every widget state (600 s for a dashboard); an optional
precomputed slider (``grid=``) is bounded in runs and bytes instead.
"""
from __future__ import annotations

import html
import json
import os
import time
from importlib import resources

import numpy as np

from .._text import MATHML_CSS, capital, counted
from ..exceptions import ParameterError
from .citation import citation
from .mathml import equations_mathml
from .provenance import circuit_of, stamp

__all__ = ["export_html", "MAX_GRID_RUNS", "MAX_GRID_BYTES"]

MAX_GRID_RUNS = 60         # precomputed runs a page may hold (grid=)
MAX_GRID_BYTES = 20_000_000
_E = html.escape


# -- what the page shows, per kind of object --------------------------------------
def _static(view):
    """The current frame of a live view (a DynamicMap fed by Pipes) as a
    plain HoloViews element: the page needs no stream and no kernel."""
    import holoviews as hv
    return view[()] if isinstance(view, hv.DynamicMap) else view


def _explorer_figures(ex):
    figs = []
    if "timeseries" in ex.views or not ex.views:
        figs.append(("Time series of the current run", _static(ex.timeseries_view())))
    if getattr(ex, "phase_plane", None) is not None:
        x, y = ex.phase_plane.xy     # the live title invites clicks; a page cannot run them
        figs.append(("Phase plane: nullclines, vector field and trajectory",
                     _static(ex.phase_plane.dmap).opts(title=f"phase plane {x} vs {y}",
                                                       clone=True)))
    if getattr(ex, "bifurcation", None) is not None:
        figs.append(("Bifurcation diagram with the current parameter value",
                     _static(ex.bifurcation.dmap)))
    if "raster" in ex.views and ex.last is not None:
        from ..viz import plot_raster
        figs.append(("Spike raster", plot_raster(ex.last)))
    for v in ex.views:
        if callable(v) and ex.last is not None:
            figs.append((getattr(v, "__name__", "view"), v(ex.last)))
    return figs


def _subject(obj):
    """(kind, explorer or None, result or None, dashboard or None)."""
    from .codecs import kind_of
    ex = getattr(obj, "explorer", None)
    if ex is not None and hasattr(ex, "to_code"):
        return "Dashboard", ex, ex.last, obj
    if hasattr(obj, "to_code") and hasattr(obj, "timeseries_view"):
        return "Explorer", obj, obj.last, None
    kind = kind_of(obj)
    if kind is None:
        raise ParameterError(f"export_html takes an explorer, a dashboard or a result "
                             f"(Solution, Branch, FitResult, sweep Dataset), not a "
                             f"{type(obj).__name__}")
    return kind, None, obj, None


def _result_figures(kind, res):
    if kind == "Sweep":      # the first measure, one view per recorded variable (up to 4)
        from ..viz import plot_sweep
        name = next(n for n in res.data_vars if n not in ("diverged", "trace"))
        da = res[name]
        if "variable" not in da.dims:
            return [(f"Sweep: {name}", plot_sweep(da))]
        return [(f"Sweep: {name} of {v}", plot_sweep(da.sel(variable=v), title=f"{name} {v}"))
                for v in da["variable"].values.tolist()[:4]]
    caption = {"Solution": "Time series", "Branch": "Bifurcation diagram (stable solid, "
               "unstable dashed)", "FitResult": "Data and fit"}[kind]
    return [(caption, res.plot())]


# -- sections ------------------------------------------------------------------------
def _model_section(circuit):
    seen = {}
    for b in circuit:
        seen.setdefault(b.type.key, (b.type, []))[1].append(b.name)
    parts = []
    for btype, names in seen.values():
        who = ", ".join(names[:6]) + (f" and {len(names) - 6} more" if len(names) > 6 else "")
        parts.append(f'<div class="blox"><h3>{_E(capital(btype.title))} <span class="doc">({_E(who)})'
                     f'</span></h3>')
        if btype.doc:
            parts.append(f'<p class="doc">{_E(btype.doc)}</p>')
        parts.append(equations_mathml(btype))
        if btype.citation and btype.citation != "(elementary input)":
            parts.append(f'<p class="cite">Source: {_E(btype.citation)}</p>')
        parts.append("</div>")
    conns = len(circuit.connections) + len(circuit.projections)
    lead = f"{counted(len(circuit.blox) + len(circuit.populations), 'blox')}, {counted(conns, 'connection')}."
    return (f'<section id="model"><h2>Model: {_E(circuit.name)}</h2><p class="lead">{_E(lead)}'
            f'</p>{"".join(parts)}</section>')


def _fmt(v):
    return f"{v:.6g}"


def _values_of(circuit, params):
    """{(instance, parameter): (shown text, changed?)} from flat run parameters
    (population elements ``pop[i].p`` gathered into one entry)."""
    per = {}
    for name, v in params.items():
        bname, pname = name.rsplit(".", 1)
        per.setdefault((bname.split("[", 1)[0], pname), []).append(float(v))
    out = {}
    for (inst, pname), vals in per.items():
        arr = np.asarray(vals)
        try:
            own = np.asarray(circuit[inst].params[pname], dtype=float)
        except (KeyError, AttributeError, TypeError, ValueError):
            own = None
        same = bool(np.all(arr == arr[0]))
        shown = (_fmt(arr[0]) if same else
                 f"{arr.size} values, {_fmt(arr.min())} to {_fmt(arr.max())}")
        changed = own is not None and not np.array_equal(np.broadcast_to(own, arr.shape), arr)
        out[(inst, pname)] = (shown, changed)
    return out


def _params_section(circuit, params):
    """One row per parameter of each blox type, the instances that share a value
    together (a 76-region network is not 76 copies of the same row)."""
    values = _values_of(circuit, params)
    types = {}
    for b in list(circuit.blox.values()) + list(circuit.populations.values()):
        types.setdefault(b.type.key, (b.type, []))[1].append(b.name)
    rows = []
    for btype, insts in types.values():
        for pname, meta in btype.params.items():
            groups = {}
            for inst in insts:
                if (inst, pname) in values:
                    groups.setdefault(values[(inst, pname)], []).append(inst)
            for (shown, changed), who in groups.items():
                label = (", ".join(f"{w}.{pname}" for w in who) if len(who) <= 3 else
                         f"{pname} of {len(who)} {btype.title} blox")
                badge = '<span class="badge">changed</span>' if changed else ""
                rows.append(f'<tr class="{"changed" if changed else ""}"><td><code>{_E(label)}'
                            f'</code>{badge}</td><td class="num">{_E(shown)}</td>'
                            f'<td>{_E(meta.unit or "")}</td><td>{_E(meta.doc or "")}</td></tr>')
    return ('<section id="parameters"><h2>Parameters</h2><p class="lead">Values of this run; '
            '<span class="badge">changed</span> marks a value that differs from the '
            'circuit\'s own.</p><table><thead><tr><th>parameter</th><th>value</th>'
            f'<th>unit</th><th>meaning</th></tr></thead><tbody>{"".join(rows)}</tbody></table>'
            '</section>')


def _run_section(st, kind):
    items = [("result", kind)]
    for k, label, unit in (("method", "method", ""), ("dt", "step dt", " ms"),
                           ("t_end", "duration", " ms"), ("seed", "noise seed", "")):
        if st.get(k) is not None:
            items.append((label, f"{st[k]:g}{unit}" if isinstance(st[k], float) else
                          f"{st[k]}{unit}"))
    if "model_hash" in st:
        items.append(("model hash", st["model_hash"]))
    v = st.get("versions", {})
    items.append(("software", ", ".join(f"{k} {x}" for k, x in v.items())))
    items.append(("exported", st.get("created", "")))
    rows = "".join(f"<dt>{_E(a)}</dt><dd>{_E(str(b))}</dd>" for a, b in items)
    return f'<section id="run"><h2>Run and provenance</h2><dl class="run">{rows}</dl></section>'


def _code_section(code):
    return ('<section id="code"><div class="codehead"><h2 style="margin:0">Reproduce it</h2>'
            '<button class="copy" type="button" onclick="navigator.clipboard && '
            'navigator.clipboard.writeText(document.getElementById(\'nbblox-code\').innerText)">'
            'copy</button></div><p class="lead">Run this in Python with nbblox installed '
            '(<code>pip install nbblox</code>) to compute the same numbers.</p>'
            f'<pre id="nbblox-code"><code>{_E(code)}</code></pre></section>')


def _cite_section(refs):
    if not refs:
        return ""
    items = "".join(f'<li>{_E(r.text)}<span class="for">cited for {_E(", ".join(r.used_for))}'
                    f'</span></li>' for r in refs)
    return ('<section id="cite"><h2>Cite</h2><p class="lead">The papers behind the models and '
            f'methods used.</p><ol class="refs">{items}</ol><details><summary>BibTeX</summary>'
            f'<pre><code>{_E(refs.bibtex())}</code></pre></details></section>')


# -- the page --------------------------------------------------------------------------
def _fit_width(model):
    """A wide single figure (a time series) stretches to the page's width; square
    ones (phase plane, diagram) keep their size and sit side by side."""
    from bokeh.models import Plot
    if isinstance(model, Plot):
        w = model.frame_width or model.width or 600
        h = model.frame_height or model.height or 300
        if w / max(h, 1) > 1.5:
            model.frame_width = model.width = None
            model.frame_height = None
            model.height = max(int(h) + 90, 320)
            model.sizing_mode = "stretch_width"
    return model


def _arrange(divs, captions, wide):
    """Wide figures one per row; the others together in a wrapping row."""
    out, row = [], []
    for d, c, w in zip(divs, captions, wide):
        cell = f'<div class="figure">{d}<p class="caption">{_E(c)}</p></div>'
        if w:
            if row:
                out.append(f'<div class="figrow">{"".join(row)}</div>')
                row = []
            out.append(cell)
        else:
            row.append(cell)
    if row:
        out.append(f'<div class="figrow">{"".join(row)}</div>')
    return "".join(out)


def _script_json(obj):
    """JSON that is safe inside <script>: no '<' at all (so no '</script>' or '<!--'),
    and the same value to a JSON parser."""
    return json.dumps(obj, ensure_ascii=False).replace("<", "\\u003c")


def _bokeh(models):
    """(inline JS+CSS, script, divs) for Bokeh models: only the inline bundle,
    never a file or CDN URL (Panel registers extension URLs Bokeh would list)."""
    from bokeh.embed import components
    from bokeh.embed.bundle import bundle_for_objs_and_resources
    from bokeh.resources import CSS_RESOURCES, INLINE
    bundle = bundle_for_objs_and_resources(models, INLINE)
    res = bundle.scripts(tag=True) + CSS_RESOURCES.render(css_raw=bundle.css_raw, css_files=[])
    from bokeh.core.validation import silenced
    from bokeh.core.validation.warnings import FIXED_SIZING_MODE
    with silenced(FIXED_SIZING_MODE):   # HoloViews' frame_width figures: sized, not an error
        script, divs = components(models)
    return res, script, divs


def export_html(obj, path, *, title=None, grid=None, max_runs=MAX_GRID_RUNS,
                max_bytes=MAX_GRID_BYTES):
    """Write one self-contained HTML page for ``obj``.

    Parameters
    ----------
    obj : Explorer, Dashboard, Solution, Branch, FitResult or sweep Dataset
        An explorer or dashboard is exported as it is now: its current plots
        and parameter values, and its ``to_code()``.
    path : str or path-like
        The ``.html`` file to write.
    title : str, optional
        Page title (default: names the circuit).
    grid : dict, optional
        ``{"blox.param": values}`` (explorers and dashboards): precompute one
        run per value and add a slider that switches between them in the page,
        without a kernel.  Off by default; at most ``max_runs`` values and
        ``max_bytes`` of data, else :class:`~nbblox.exceptions.ParameterError`.

    Returns
    -------
    str
        ``path``.  The page needs no kernel and makes no network request:
        BokehJS is inline and the equations are MathML.

    Examples
    --------
    >>> import nbblox as nb, os, tempfile
    >>> sol = nb.simulate(nb.blox.FitzHughNagumo(name="fhn", I=0.5), 100.0)
    >>> page = nb.export_html(sol, os.path.join(tempfile.mkdtemp(), "fhn.html"))
    >>> text = open(page, encoding="utf-8").read()
    >>> "<math" in text and "nb.simulate(circuit" in text and "<script src=" not in text
    True
    """
    import holoviews as hv
    import holoviews.plotting.bokeh  # noqa: F401  (registers the renderer)
    from .code import result_code
    t0 = time.perf_counter()
    kind, ex, res, dash = _subject(obj)
    source = ex if ex is not None else res
    circuit = circuit_of(source)
    from ..ui.export import UI_LIBRARIES
    st = stamp(source, libraries=UI_LIBRARIES)
    if ex is not None:
        figs, code, params = _explorer_figures(ex), ex.to_code(), dict(ex.params)
        if dash is not None:
            from ..ui.dashboard_views import circuit_diagram
            figs.append(("Circuit diagram", circuit_diagram(dash.circuit)))
    else:
        figs, code = _result_figures(kind, res), result_code(res)
        params = st.get("params", {})
    if grid is not None and ex is None:
        raise ParameterError("grid= needs an explorer or a dashboard (it re-runs the model)")
    models = [_fit_width(hv.render(el, backend="bokeh")) for _, el in figs]
    captions = [c for c, _ in figs]
    if grid is not None:
        from .slider import precomputed_slider
        models.append(precomputed_slider(ex, grid, max_runs, max_bytes))
        captions.append("Precomputed runs: move the slider (no kernel needed)")
    res_html, script, divs = _bokeh(models)
    fig_html = _arrange(divs, captions, [getattr(m, "sizing_mode", None) == "stretch_width"
                                         for m in models])
    name = circuit.name if circuit is not None else "result"
    title = title or (dash.title if dash is not None else f"nbblox {kind.lower()}: {name}")
    sub = (f'model <code>{_E(name)}</code>'
           + (f' · hash <code>{_E(st["model_hash"][:12])}</code>' if "model_hash" in st else "")
           + f' · exported {_E(st["created"])} with nbblox {_E(st["versions"]["nbblox"])}')
    sections = [f'<section id="results"><h2>Results</h2>{fig_html}</section>']
    if circuit is not None:
        sections.append(_model_section(circuit))
        sections.append('<div class="grid2">' + _params_section(circuit, params)
                        + _run_section(st, kind) + "</div>")
    sections += [_code_section(code), _cite_section(citation(source))]
    css = resources.files("nbblox.io").joinpath("page.css").read_text(encoding="utf-8")
    css += MATHML_CSS           # equations: subscripts dropped without a maths font, aligned
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="nbblox {_E(st["versions"]["nbblox"])}">
<link rel="icon" href="data:,">
<title>{_E(title)}</title>
<style>{css}</style>
<script type="application/json" id="nbblox-stamp">{_script_json(st)}</script>
{res_html}
</head><body>
<header class="page"><div class="wrap"><h1>{_E(title)}</h1><div class="sub">{sub}</div></div>
</header>
<main>{"".join(sections)}</main>
<footer><div class="wrap">Made with nbblox. This page is self-contained: it works offline
and needs no Python. <span class="stamp">{_E(_stamp_line(st))}</span></div></footer>
{script}
</body></html>
"""
    path = os.fspath(path)
    tmp = path + ".part"
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(page)
    os.replace(tmp, path)
    export_html.last_seconds = time.perf_counter() - t0
    return path


def _stamp_line(st):
    from ..viz.stamp import caption
    return caption(st)
