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


def test_other_parameter_redraws_the_branch(ex):
    b = ex.bifurcation
    branch, renders = b.branch, b.renders
    ex.set({"ml.g_L": 2.1})
    b.wait(60)
    assert b.branch is not branch and b.renders > renders
    assert _cursor(_plot(b._panes[0])).location == ex.params["ml.I"]


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
