"""HoloViews views of analysis results render with bokeh."""
import pytest

import nbblox as nb

import holoviews as hv


def _render(obj):
    return hv.renderer("bokeh").get_plot(obj)


def test_branch_plot_has_solid_and_dashed_and_labels():
    br = nb.continuation(nb.blox.FitzHughNagumo(name="fhn"), "fhn.I", (0.0, 2.0))
    ov = br.plot()
    curves = [e for e in ov if isinstance(e, hv.Curve)]
    dashes = {hv.Store.lookup_options("bokeh", c, "style").kwargs.get("line_dash") for c in curves}
    assert dashes == {"solid", "dashed"}
    # one Labels element per side the labels are placed on (off the branch lines)
    kinds = [k for e in ov if isinstance(e, hv.Labels) for k in e.data["kind"]]
    assert kinds == ["H", "H"]
    _render(ov)
    with pytest.raises(nb.ParameterError):
        br.plot(y="fhn.q")


def test_phase_plane_plot_renders():
    pp = nb.phase_plane(nb.blox.FitzHughNagumo(name="fhn"), x="fhn.V", y="fhn.w",
                        xlim=(-3, 3), ylim=(-2, 3), trajectories=1)
    ov = pp.plot()
    kinds = {type(e).__name__ for e in ov}
    assert {"Segments", "Points", "Curve"} <= kinds
    labels = [e.label for e in ov]
    assert "V-nullcline (dV/dt = 0)" in labels and "w-nullcline (dw/dt = 0)" in labels
    assert ov.get(1).kdims[0].label == "V · voltage-like variable"
    assert ov.get(1).vdims[0].label == "w · recovery variable"   # FHN has no units
    _render(ov)


def test_cycle_codim2_and_brute_force_plots_render():
    import numpy as np
    s = nb.compile(nb.blox.FitzHughNagumo(name="fhn"))
    br = nb.continuation(s, "fhn.I", (0.0, 2.0))
    cyc = nb.continuation(s, "fhn.I", (0.0, 2.0), start=br.special("H")[0])
    ov = br.plot() * cyc.plot(color="blue")
    # a cycle branch draws max and min envelopes: twice the curves of its stability runs
    ncyc = len([e for e in cyc.plot() if isinstance(e, hv.Curve)])
    assert ncyc >= 2 and ncyc % 2 == 0
    _render(ov)
    c2 = nb.continuation2(s, br.special("H")[0], ("fhn.I", "fhn.a"),
                          bounds={"fhn.I": (-1, 3), "fhn.a": (0.0, 1.5)})
    p2 = c2.plot()
    curve = [e for e in p2 if isinstance(e, hv.Curve)][0]
    assert curve.kdims[0].name == "fhn.I" and curve.vdims[0].name == "fhn.a"
    _render(p2)
    bf = nb.brute_force_diagram(s, "fhn.I", np.array([0.0, 1.0]), "fhn.V", t_end=200.0, dt=0.05)
    pts = bf.plot()
    assert len(pts.data) == len(bf.values)
    _render(pts)


def test_bifurcation_overlay_keeps_size_and_legend_and_draws_cycle_envelope():
    """Lesson 3's bistability figure: ``rest.plot() * cycles.plot()`` was ~215 px
    wide with the legend over the upper branch; the cycles are their max/min envelope."""
    import numpy as np
    s = nb.compile(nb.blox.FitzHughNagumo(name="fhn"))
    br = nb.continuation(s, "fhn.I", (0.0, 2.0))
    cyc = nb.continuation(s, "fhn.I", (0.0, 2.0), start=br.special("H")[0])
    ov = br.plot() * cyc.plot()
    env = [e for e in ov if e.label.endswith("limit cycles")]
    assert env, [e.label for e in ov]
    ys = np.concatenate([e.dimension_values(1) for e in env])
    ys = ys[np.isfinite(ys)]
    assert ys.max() == pytest.approx(cyc.max["fhn.V"].max())
    assert ys.min() == pytest.approx(cyc.min["fhn.V"].min())
    fig = hv.render(ov, backend="bokeh")
    assert fig.frame_width >= 400                      # the size survived the '*'
    # above the data, not over it (vizfix: legend options the '*' keeps, see test_plot_text)
    assert [m.__class__.__name__ for m in fig.above].count("Legend") == 1
    assert not [m for m in fig.center if m.__class__.__name__ == "Legend"]
    assert fig.xaxis[0].axis_label == "I · external drive"   # FHN: no units, words
    assert fig.yaxis[0].axis_label == "V · voltage-like variable"
