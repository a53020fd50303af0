"""A slider move updates only what changed in the explorer's phase plane and
bifurcation view (issue 16, "slider with three views"): moving the continued
parameter moves the bifurcation cursor in place (the branches are not drawn
again); a run at the same parameters keeps the phase plane's nullclines and
patches its trajectory; a connection weight re-continues the branch.  The
explorer is rendered into a Bokeh Document with a recording comm, as Panel
renders it in a notebook (see test_explore_push.py)."""
import numpy as np
import pytest

import nbblox as nb
from bokeh.models import Span

from test_explore_push import rendered  # noqa: E402  (tests/ui is on sys.path)


@pytest.fixture(scope="module")
def ex():
    # Morris-Lecar with a Hopf bifurcation in I (Rinzel & Ermentrout 1998), the
    # explorer of bench/frontends.py's SLIDER
    ml = nb.blox.MorrisLecar(name="ml", preset="hopf")
    ex = nb.explore(ml, vars=["ml.V", "ml.w"], t_end=100.0, dt=0.05,
                    views=("timeseries", "phase_plane", "bifurcation"),
                    bifurcation=("ml.I", (60.0, 120.0)), params={"ml.I": 90.0})
    rendered(ex)
    return ex


def _plot(pane):
    (plot, _), = pane._plots.values()
    return plot


def _cursor(plot):
    spans = [s.handles["glyph"] for s in plot.subplots.values()
             if isinstance(s.handles.get("glyph"), Span)]
    assert len(spans) == 1
    return spans[0]


def test_continued_parameter_moves_only_the_cursor(ex):
    b = ex.bifurcation
    plot = _plot(b._panes[0])
    renderers = list(plot.state.renderers)
    branch, renders, patches = b.branch, b.renders, b.cursor_patches
    for v in (95.0, 101.5):
        ex.set({"ml.I": v})
        span = _cursor(_plot(b._panes[0]))
        assert span.location == v                         # the page's cursor is at the value
        assert plot.state.title.text.startswith(f"ml.I = {v:.4g}")
    assert b.renders == renders                           # the diagram was not built again
    assert b.cursor_patches == patches + 2
    assert b.branch is branch                             # nor the branch continued again
    assert _plot(b._panes[0]) is plot and list(plot.state.renderers) == renderers
    # a later full render (another parameter moved) draws the cursor where it is
    assert b.pipe.data["value"] == 101.5


def _shown(plot):
    """(model id of the glyph or Span, data source id, data) of every shown layer."""
    out = []
    for s in plot.subplots.values():
        model = s.handles.get("glyph_renderer", s.handles.get("glyph"))
        if not getattr(model, "visible", False):
            continue
        src = s.handles["source"]
        out.append((model.id, src.id, {k: np.asarray(v) for k, v in src.data.items()}))
    return out


def _alphas(plot, prefix):
    glyphs = [s.handles["glyph"] for s in plot.subplots.values()
              if getattr(s.current_frame, "label", "").startswith(prefix)]
    assert glyphs
    return {g.line_alpha for g in glyphs}


def test_other_parameter_redraws_the_branch_in_place(ex):
    # a new equilibrium branch with the layers already drawn: its data goes into the
    # drawn glyphs (the same Bokeh models), no HoloViews render, no new models
    b = ex.bifurcation
    ex.set({"ml.g_L": 2.0, "ml.I": 90.0})
    b.wait(60)
    plot = _plot(b._panes[0])
    doc = plot.handles["plot"].document
    before, models = _shown(plot), set(doc.models.ids) if hasattr(doc.models, "ids") else None
    branch, renders, redraws = b.branch, b.renders, b.redraws
    yr = plot.handles["y_range"]
    ex.set({"ml.g_L": 2.1})
    assert b.branch is not branch
    assert b.renders == renders and b.redraws == redraws + 1     # patched, not rendered
    after = _shown(plot)
    assert [a[:2] for a in after] == [a[:2] for a in before]     # same glyphs, same sources
    assert _plot(b._panes[0]) is plot
    if models is not None:
        assert set(doc.models.ids) == models
    # the equilibria drawn are the new branch's
    drawn = np.concatenate([_layer(plot, f"{k} equilibria")["ml.V"] for k in ("stable",
                                                                           "unstable")])
    want = np.unique(b.branch.states["ml.V"])
    assert np.allclose(np.unique(drawn[np.isfinite(drawn)]), want)
    # the old envelope is faded while the new one is computed; the title says so
    assert b.pending and _alphas(plot, "stable limit cycles") == {0.3}
    assert "computing the limit-cycle branch" in plot.handles["plot"].title.text
    # the y axis follows the new diagram (it is framewise)
    lo = min(np.nanmin(a[2]["ml.V"]) for a in after if "ml.V" in a[2])
    hi = max(np.nanmax(a[2]["ml.V"]) for a in after if "ml.V" in a[2])
    assert yr.start < lo and hi < yr.end and yr.end - yr.start < 1.5 * (hi - lo)
    plot.comm.sent.clear()
    b.wait(60)                             # the new envelope arrives: drawn in place too
    assert b.renders == renders and b.redraws == redraws + 2
    assert _alphas(plot, "stable limit cycles") == {1.0}
    title = plot.handles["plot"].title
    assert title.text == f"ml.I = {ex.params['ml.I']:.4g}"
    # ... and sent to the page (outside a slider's flush nothing else would send it)
    sent = [e for p in plot.comm.patches() for e in p["events"]]
    assert any(e.get("model", {}).get("id") == title.id and e.get("new") == title.text
               for e in sent), sent
    assert _cursor(plot).location == ex.params["ml.I"]


def test_a_redraw_in_place_draws_what_a_render_draws(ex):
    # the patched figure against a full HoloViews render of the same state: every
    # layer's data, the glyphs' alpha and alignment, the axes and the title
    b = ex.bifurcation
    ex.set({"ml.g_L": 2.0, "ml.I": 90.0})
    b.wait(60)
    renders = b.renders
    ex.set({"ml.g_L": 2.2})                # patched, with the old envelope faded
    plot = _plot(b._panes[0])
    assert b.renders == renders

    def state():
        out = []
        for s in plot.subplots.values():
            g = s.handles.get("glyph")
            model = s.handles.get("glyph_renderer", g)
            if not getattr(model, "visible", False):
                continue
            props = {k: getattr(g, k) for k in ("line_alpha", "fill_alpha", "text_alpha",
                                                  "text_align", "text_baseline", "location")
                     if hasattr(g, k)}
            data = {k: np.asarray(v) for k, v in s.handles["source"].data.items()}
            out.append((type(s.current_frame).__name__, props, data))
        xr, yr = plot.handles["x_range"], plot.handles["y_range"]
        return out, (xr.start, xr.end, yr.start, yr.end), plot.handles["plot"].title.text

    patched = state()
    b.pipe.send(b.pipe.data)               # HoloViews renders the same state
    assert b.renders == renders + 1
    rendered_ = state()
    assert [(k, p, sorted(d)) for k, p, d in patched[0]] == \
        [(k, p, sorted(d)) for k, p, d in rendered_[0]]
    for (_, _, d1), (_, _, d2) in zip(patched[0], rendered_[0]):
        for col in d1:
            np.testing.assert_array_equal(d1[col], d2[col])   # NaN separators equal
    assert np.allclose(patched[1], rendered_[1])
    assert patched[2] == rendered_[2]
    b.wait(60)


def test_phase_plane_keeps_nullclines_when_only_the_trajectory_changes(ex):
    pp = ex.phase_plane
    ex.set({"ml.I": 92.0})                # new parameters: analysed again
    analyses, renders = pp.analyses, pp.renders
    xl = pp.payload["xl"]
    ex.t_end = 60.0
    ex.set({"ml.I": 92.0})                # same parameters, shorter run
    assert pp.analyses == analyses        # nullclines, field and fixed points kept
    assert pp.payload["xl"] is xl
    assert pp.renders == renders          # the trajectory was patched in place
    plot = _plot(pp._panes[0])
    src, = [s.handles["source"] for s in plot.subplots.values()
            if getattr(s.current_frame, "label", None) == "trajectory"]
    x = np.asarray(list(src.data.values())[0])
    assert np.array_equal(x, pp.payload["traj"][0])
    assert x.size and np.allclose(x[-1], ex.last["ml.V"][-1])
    ex.set({"ml.I": 93.0})                # a parameter of the dynamics: analysed again
    assert pp.analyses == analyses + 1
    ex.t_end = 100.0


def test_weight_slider_continues_the_branch_again():
    # two coupled Wilson-Cowan populations (Wilson & Cowan 1972): a→b drives b,
    # so the equilibria of b.E along a.P depend on the weight
    a, b = nb.blox.WilsonCowan(name="a"), nb.blox.WilsonCowan(name="b")
    c = nb.Circuit([a, b]).connect(a, b, weight=1.5)
    ex = nb.explore(c, vars=["b.E"], t_end=20.0, views=("timeseries", "bifurcation"),
                    bifurcation=("a.P", (0.0, 2.0)))
    before = ex.bifurcation.branch
    assert before is not None, ex.bifurcation.message
    ex.set({"a→b": 4.0})
    after = ex.bifurcation.branch
    assert after is not before
    # b.E at a.P = 1 on each branch (a stable branch, one equilibrium per P here)
    at = [np.interp(1.0, br.param_values, br.states["b.E"]) for br in (before, after)]
    assert abs(at[1] - at[0]) > 1e-3, at


def _layer(plot, prefix):
    src, = [s.handles["source"] for s in plot.subplots.values()
            if getattr(s.current_frame, "label", "").startswith(prefix)]
    return {k: np.asarray(v, float) for k, v in src.data.items()}


def test_phase_plane_parameter_move_patches_every_layer(ex):
    pp = ex.phase_plane
    ex.set({"ml.g_L": 2.0, "ml.I": 90.0})
    ex.bifurcation.wait(60)
    kinds = [f.stability for f in pp.fixed]
    ex.set({"ml.I": 90.5})                 # a small move: the same kind of fixed point
    assert [f.stability for f in pp.fixed] == kinds
    analyses, renders = pp.analyses, pp.renders
    plot = _plot(pp._panes[0])
    before = _layer(plot, "V-nullcline")
    ex.set({"ml.I": 91.0})
    assert pp.analyses == analyses + 1     # nullclines of the new parameters ...
    assert pp.renders == renders           # ... written into the drawn glyphs, no render
    assert _plot(pp._panes[0]) is plot
    drawn = _layer(plot, "V-nullcline")
    want, = [e for e in pp._element(pp.payload) if e.label.startswith("V-nullcline")]
    assert not np.array_equal(drawn["ml.w"], before["ml.w"], equal_nan=True)
    assert np.allclose(drawn["ml.w"], want.dimension_values("ml.w"), equal_nan=True)
    xr = plot.handles["x_range"]
    assert (xr.start, xr.end) == tuple(pp.payload["xr"])


def test_every_time_series_panel_is_patched(ex):
    # V (mV) and w (0-1) are two panels; the second one's value column is "y1", not
    # "value": it was rendered again by HoloViews at every move
    assert len(ex._ts_panes) == 2
    frames = [_plot(pane).current_frame for pane, _ in ex._ts_panes]
    ex.set({"ml.I": 91.5})
    for (pane, names), frame in zip(ex._ts_panes, frames):
        plot = _plot(pane)
        assert plot.current_frame is frame                  # not rendered again
        src, = [s.handles["source"] for s in plot.subplots.values()]
        col, = set(src.data) - {"time"}
        np.testing.assert_array_equal(src.data[col], ex.pipe.data["columns"][names[0]])


def test_phase_plane_patches_a_layer_that_arrived_after_the_first_render():
    # a click adds the "from a click" layer: HoloViews appends its subplot after the
    # fixed points, while a new portrait has it before them.  Paired by place, every
    # later parameter move failed to patch and rendered the whole view again
    # (Morris-Lecar 'hopf' set, Rinzel & Ermentrout 1998: a stable focus at I = 90)
    ml = nb.blox.MorrisLecar(name="ml", preset="hopf")
    ex = nb.explore(ml, vars=["ml.V", "ml.w"], t_end=100.0, dt=0.05,
                    views=("timeseries", "phase_plane"), params={"ml.I": 90.0})
    rendered(ex)
    pp = ex.phase_plane
    ex.tap(-20.0, 0.2)
    plot = _plot(pp._panes[0])
    shown = [s.current_frame.label for s in plot.subplots.values()
             if getattr(s.handles.get("glyph_renderer"), "visible", False)]
    layers = [e.label for e in pp._element(pp.payload)]
    assert sorted(shown) == sorted(layers) and shown != layers   # the same, not in order
    kinds = [f.stability for f in pp.fixed]
    renders = pp.renders
    ex.set({"ml.I": 90.5})                 # the same kind of fixed point: patched in place
    assert [f.stability for f in pp.fixed] == kinds
    assert pp.renders == renders
    drawn = _layer(plot, "from a click")
    want, = [e for e in pp._element(pp.payload) if e.label == "from a click"]
    assert np.allclose(drawn["ml.V"], want.dimension_values("ml.V"), equal_nan=True)
    assert np.allclose(drawn["ml.w"], want.dimension_values("ml.w"), equal_nan=True)
