"""HoloViews views of analysis results render with bokeh."""
import pytest

import nbblox as nb

hv = pytest.importorskip("holoviews")


def _render(obj):
    return hv.renderer("bokeh").get_plot(obj)


def test_branch_plot_has_solid_and_dashed_and_labels():
    br = nb.continuation(nb.blox.FitzHughNagumo(name="fhn"), "fhn.I", (0.0, 2.0))
    ov = br.plot()
    curves = [e for e in ov if isinstance(e, hv.Curve)]
    dashes = {hv.Store.lookup_options("bokeh", c, "style").kwargs.get("line_dash") for c in curves}
    assert dashes == {"solid", "dashed"}
    labels = [e for e in ov if isinstance(e, hv.Labels)]
    assert list(labels[0].data["kind"]) == ["H", "H"]
    _render(ov)
    with pytest.raises(nb.ParameterError):
        br.plot(y="fhn.q")


def test_phase_plane_plot_renders():
    pp = nb.phase_plane(nb.blox.FitzHughNagumo(name="fhn"), x="fhn.V", y="fhn.w",
                        xlim=(-3, 3), ylim=(-2, 3), trajectories=1)
    ov = pp.plot()
    kinds = {type(e).__name__ for e in ov}
    assert {"VectorField", "Path", "Points", "Curve"} <= kinds
    _render(ov)
