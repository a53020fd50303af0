"""The reproducibility stamp on figures: every result's .plot(stamp=True)
carries the caption under each Bokeh plot and the whole stamp as metadata."""
import holoviews as hv
import pytest

import nbblox as nb
from nbblox.io.provenance import model_hash

hv.extension("bokeh", logo=False)


def _figures(model):
    """Every Bokeh figure in a rendered model (a layout is a grid of them)."""
    from bokeh.models import Plot
    return list(model.select({"type": Plot}))


@pytest.fixture(scope="module")
def fhn():
    return nb.compile(nb.blox.FitzHughNagumo(name="fhn", I=0.5))


def _results(fhn):
    sol = nb.simulate(fhn, 20.0, dt=0.05, seed=4)
    yield "solution", sol, sol.plot(stamp=True)
    br = nb.continuation(fhn, "fhn.I", (0.0, 2.0))
    yield "branch", br, br.plot(stamp=True)
    pp = nb.phase_plane(fhn, x="fhn.V", y="fhn.w")
    yield "phase plane", pp, pp.plot(stamp=True)
    data = nb.simulate(fhn, 20.0, dt=0.05, params={"fhn.a": 0.8}, record=["fhn.V"])
    fit = nb.fit(fhn, data, {"fhn.a": (0.2, 1.5)}, dt=0.05)
    yield "fit", fit, fit.plot(stamp=True)


def test_every_result_plot_carries_the_stamp(fhn):
    for label, result, element in _results(fhn):
        figs = _figures(hv.render(element, backend="bokeh"))
        assert figs, label
        for fig in figs:
            captions = [t.text for t in fig.below if hasattr(t, "text")]
            assert any(c.startswith(f"nbblox {nb.__version__}") and
                       f"#{model_hash(fhn.circuit)[:12]}" in c for c in captions), (label, captions)
            st = [t["nbblox_stamp"] for t in fig.tags if isinstance(t, dict)][0]
            assert st["params"]["fhn.b"] == 0.8 and st["versions"]["numba"], label
    assert not [t for t in hv.render(nb.simulate(fhn, 5.0).plot()).tags
                if isinstance(t, dict)]           # only on request
