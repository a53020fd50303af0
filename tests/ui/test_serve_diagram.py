"""The dashboard's circuit diagram is rendered once per circuit and copied per
session (nbblox.ui.serve_diagram, issue 23 item 12): each copy must be the
same figure as a fresh HoloViews render, share no Bokeh model and no model id
with another copy, and a different circuit must never get a cached copy."""
import json

import pytest

import nbblox as nb

pytest.importorskip("panel")


def pair(weight=0.5, name="ab"):
    a, b = nb.blox.FitzHughNagumo(name="a"), nb.blox.FitzHughNagumo(name="b")
    c = nb.Circuit([a, b], name=name)
    c.connect(a, b, weight=weight)
    return c


def models(fig):
    return list(fig.references())


def glyph_data(fig):
    """(glyph type, data columns) of every renderer, in order."""
    out = []
    for r in fig.renderers:
        data = {k: [list(map(float, v)) if hasattr(v, "__len__") and not isinstance(v, str)
                    else v for v in vals] if k not in ("blox", "type", "kind") else list(vals)
                for k, vals in r.data_source.data.items() if k in ("x", "y", "blox", "kind")}
        out.append((type(r.glyph).__name__, json.dumps(data, sort_keys=True, default=str)))
    return out


def test_copies_are_the_fresh_render_with_no_model_or_id_in_common():
    import holoviews as hv
    from nbblox.ui.dashboard_views import circuit_diagram
    from nbblox.ui.serve_diagram import diagram_figure
    c = pair()
    fresh = hv.render(circuit_diagram(c), backend="bokeh")
    one, two = diagram_figure(c), diagram_figure(pair())    # the second from the cache
    assert glyph_data(one) == glyph_data(fresh) == glyph_data(two)
    assert one.title.text == fresh.title.text
    assert len(models(one)) == len(models(two)) == len(models(fresh))
    ids_one, ids_two = {m.id for m in models(one)}, {m.id for m in models(two)}
    assert not ids_one & ids_two
    assert not {id(m) for m in models(one)} & {id(m) for m in models(two)}
    # no old id survives anywhere (e.g. in a callback's arguments)
    from bokeh.core.serialization import Serializer
    text = json.dumps(Serializer(deferred=False).serialize(two).content)
    assert not any(i in text for i in ids_one)


def test_a_copy_changed_in_one_session_leaves_the_next_copy_alone():
    from nbblox.ui.serve_diagram import diagram_figure
    c = pair()
    one = diagram_figure(c)
    one.title.text = "changed"
    one.renderers[0].data_source.data = {}
    two = diagram_figure(c)
    assert two.title.text != "changed" and len(two.renderers[0].data_source.data)


def test_a_different_circuit_is_never_served_a_cached_diagram():
    from nbblox.ui.serve_diagram import diagram_figure
    diagram_figure(pair(0.5))
    inhibitory = diagram_figure(pair(-0.5))
    kinds = [r.data_source.data.get("kind") for r in inhibitory.renderers]
    assert any(k is not None and list(k) == ["inhibitory"] for k in kinds), kinds
    renamed = diagram_figure(pair(name="<b>other</b>"))
    assert renamed.title.text == "circuit '<b>other</b>'"     # a canvas title: text


def test_the_cache_is_bounded():
    from nbblox.ui import serve_diagram
    for k in range(serve_diagram.MAX_CIRCUITS + 3):
        serve_diagram.diagram_figure(pair(name=f"c{k}"))
    assert len(serve_diagram._cache) == serve_diagram.MAX_CIRCUITS


def test_two_dashboards_hold_separate_diagram_figures():
    import panel as pn
    c = pair()
    d1, d2 = nb.dashboard(c, t_end=10.0), nb.dashboard(c, t_end=10.0)
    f1 = d1._main.select(pn.pane.Bokeh)[0].object
    f2 = d2._main.select(pn.pane.Bokeh)[0].object
    assert f1 is not f2 and f1.id != f2.id
