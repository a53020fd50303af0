"""The reproducibility stamp on a figure: a one-line caption under each Bokeh
plot (nbblox version, model hash, method, seed) and the whole stamp
(parameters, library versions) in the figure's ``tags`` metadata, which
``bokeh.io.save``/``hv.save`` and :func:`nbblox.export_html` keep in the file.

The stamp itself comes from :func:`nbblox.io.provenance.stamp` (one source
for files, plots, downloads and exported code).
"""
from __future__ import annotations

__all__ = ["with_stamp", "caption"]


def caption(st):
    """The one-line form of a stamp.

    Examples
    --------
    >>> caption({"model": "fhn", "model_hash": "ab12cd34ef56ab12", "method": "rk4",
    ...          "dt": 0.01, "seed": 3, "versions": {"nbblox": "0.1.0"}})
    'nbblox 0.1.0 · model fhn #ab12cd34ef56 · rk4, dt = 0.01 ms · seed 3'
    """
    parts = [f"nbblox {st.get('versions', {}).get('nbblox', '?')}"]
    if "model_hash" in st:
        parts.append(f"model {st.get('model', '')} #{st['model_hash'][:12]}")
    if "method" in st:
        parts.append(st["method"] + (f", dt = {st['dt']:g} ms" if "dt" in st else ""))
    if st.get("seed") is not None:
        parts.append(f"seed {st['seed']}")
    return " · ".join(parts)


def _hook(st):
    from .._text import tex_free
    text = tex_free(caption(st))     # a model name is text: Bokeh must not find TeX in it

    def add_stamp(plot, element):
        from bokeh.models import Title
        fig = plot.state
        if not hasattr(fig, "add_layout") or any(
                isinstance(t, dict) and "nbblox_stamp" in t for t in fig.tags):
            return
        fig.add_layout(Title(text=text, text_font_size="8pt", text_color="#6b7280",
                             text_font_style="normal", align="right"), "below")
        fig.tags = [*fig.tags, {"nbblox_stamp": st}]
    return add_stamp


def with_stamp(element, obj, **stamp_kw):
    """``element`` with the stamp of ``obj`` (a result, explorer or circuit)
    under every plot it draws (Bokeh backend).

    Examples
    --------
    >>> import nbblox as nb
    >>> sol = nb.simulate(nb.blox.FitzHughNagumo(name="fhn"), 10.0, seed=1)
    >>> el = sol.plot(stamp=True)
    >>> import holoviews as hv
    >>> fig = hv.render(el, backend="bokeh")
    >>> fig.below[-1].text.startswith("nbblox"), fig.tags[-1]["nbblox_stamp"]["seed"]
    (True, 1)
    """
    import holoviews as hv
    from ..io.provenance import stamp
    st = stamp(obj, **stamp_kw)
    hook = _hook(st)
    def add(el):      # after the element's own hooks (the raster's plain time ticks)
        mine = hv.Store.lookup_options("bokeh", el, "plot").kwargs.get("hooks") or []
        return el.opts(hooks=[*mine, hook], backend="bokeh")
    if isinstance(element, hv.Layout):      # one caption under each plot of the layout
        for item in element:
            add(item)
        return element
    return add(element)
