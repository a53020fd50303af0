"""nb.dashboard() without a browser: it wraps the explorer (one implementation
of sliders and live views), keeps per-dashboard state private, shows errors,
coalesces async runs, and offers downloads and a validated upload."""
import asyncio
import io
import json

import numpy as np
import pandas as pd
import pytest

import holoviews as hv

import nbblox as nb

import panel as pn


@pytest.fixture(scope="module")
def pair():
    a = nb.blox.FitzHughNagumo(name="fhn1", I=0.5)
    b = nb.blox.FitzHughNagumo(name="fhn2")
    c = nb.Circuit([a, b], name="pair")
    c.connect(a, b, weight=0.5)
    return c


@pytest.fixture(scope="module")
def system(pair):
    return nb.compile(pair)


def blowup():
    return nb.Blox.from_equations("dx/dt = k*x**2", params={"k": (0.0, (0.0, 1.0), "1/ms", "g")},
                                  name="growth", init={"x": 1.0})


def sliders(d):
    return {name: d.explorer.controls.slider(name)[0] for name in d.system.param_names}


def cards(d):
    return [o for o in d._sidebar.select(pn.Card)]


def test_sidebar_groups_sliders_by_blox_with_metadata(system):
    d = nb.dashboard(system, t_end=20.0)
    assert [c.title for c in cards(d)] == ["fhn1 · FitzHugh–Nagumo", "fhn2 · FitzHugh–Nagumo",
                                           "connection weights"]
    w = sliders(d)["fhn1.tau"]
    assert w in list(d._sidebar.select(pn.widgets.FloatSlider))   # the explorer's own slider
    info = system.parameter_info("fhn1.tau")
    assert (w.start, w.end, w.step) == (0.1, 50.0, 0.1) == (*info.bounds, info.step)
    assert w.label == "tau (ms) · recovery time scale" and w.value == 12.5
    assert sliders(d)["fhn1.I"].value == 0.5      # the blox's own value, not the default
    assert d.__panel__() is not None


def test_the_dashboard_shows_the_explorers_views(system):
    """One implementation: the dashboard's plots are the explorer's
    DynamicMaps, fed by the explorer's pipes, and a slider is an explorer slider."""
    import holoviews as hv
    d = nb.dashboard(system, views=[["fhn1.V", "fhn2.V"], ("fhn1.V", "fhn1.w")], t_end=20.0)
    ex = d.explorer
    assert ex.views == ("timeseries", "phase_plane") and ex.vars == ["fhn1.V", "fhn2.V"]
    assert ex.phase_plane.xy == ["fhn1.V", "fhn1.w"]
    dmaps = [p.object for p in d._main.select(pn.pane.HoloViews)
             if isinstance(p.object, hv.DynamicMap)]
    assert ex.phase_plane.dmap in dmaps
    assert any(ex.pipe in dm.streams for dm in dmaps)
    run = ex.pipe.data["run"]
    sliders(d)["fhn1.I"].value = 0.7
    assert ex.pipe.data["run"] == run + 1 and ex.pipe.data["params"]["fhn1.I"] == 0.7
    assert ex.phase_plane.payload["traj"] is not None and d.solution.params["fhn1.I"] == 0.7
    assert "(fhn1.I = 0.7)" in d.status.object

def test_slider_value_outside_range_widens_the_slider(pair):
    d = nb.dashboard(pair, params={"fhn1.I": 7.5}, t_end=10.0)
    w = sliders(d)["fhn1.I"]
    assert w.end >= 7.5 and w.value == 7.5 and d.values["fhn1.I"] == 7.5


def test_set_coerces_ints_and_never_touches_the_callers_system(system):
    d = nb.dashboard(system, t_end=50.0)
    sol = d.set({"fhn1.I": 1})
    assert isinstance(d.values["fhn1.I"], float) and sol.params["fhn1.I"] == 1.0
    assert sliders(d)["fhn1.I"].value == 1.0
    assert system.params["fhn1.I"] == 0.5           # the caller's System is untouched
    other = nb.dashboard(system, t_end=50.0)         # a second session starts from it
    assert other.values["fhn1.I"] == 0.5
    assert not np.allclose(other.solution["fhn1.V"], d.solution["fhn1.V"])


def test_unknown_parameter_names_the_closest(system):
    d = nb.dashboard(system, t_end=10.0)
    with pytest.raises(nb.ParameterError, match="fhn1.I"):
        d.set({"fhn1.II": 1.0})
    with pytest.raises(nb.ParameterError, match="fhn1.V"):
        nb.dashboard(system, views=["fhn1.VV"])


def test_model_error_is_shown_and_the_last_good_run_kept():
    d = nb.dashboard(blowup(), t_end=20.0)
    good = d.solution
    assert d.error is None and not d.alert.visible
    assert d.set({"growth.k": 0.5}) is None            # blows up at t = 2 ms
    assert "diverged" in d.error and "growth.x" in d.error
    assert d.alert.visible and "diverged" in d.alert.object
    assert d.solution is good
    assert "failed" in d.status.object
    assert d.solution is d.explorer.last          # the views keep the last good run
    d.set({"growth.k": 0.0})
    assert d.error is None and not d.alert.visible


def test_bad_settings_are_reported_not_raised(system):
    d = nb.dashboard(system, t_end=10.0)
    c = d.explorer.controls
    c.dt.value = 0.0
    assert "dt" in d.error and d.alert.visible
    c.dt.value = None                                 # an emptied number box
    assert "dt" in d.error
    c.dt.value = 0.01
    c.t_end.value = 1e9                               # 1e11 steps: refused, not run
    assert "steps" in d.error
    c.t_end.value = 10.0
    assert d.error is None


def test_slider_burst_is_coalesced_in_async_mode(system):
    d = nb.dashboard(system, t_end=50.0)
    w = sliders(d)["fhn1.I"]
    runs0 = d.runs

    async def burst():
        for k in range(1, 11):                         # like 10 key presses
            w.value = 0.1 * k
        while d.explorer._scheduled or d.explorer._busy:
            await asyncio.sleep(0.01)

    asyncio.run(burst())
    assert d.values["fhn1.I"] == pytest.approx(1.0)
    assert d.solution.params["fhn1.I"] == pytest.approx(1.0)   # the latest value was shown
    assert 1 <= d.runs - runs0 < 10                           # not one run per event


def test_downloads_round_trip(system, tmp_path):
    d = nb.dashboard(system, t_end=20.0, dt=0.05)
    d.set({"fhn2.a": 0.9})
    ref = nb.simulate(system, 20.0, dt=0.05, params={"fhn2.a": 0.9})
    df = pd.read_csv(d.downloads[0].callback(), index_col="time")
    assert list(df.columns) == system.state_names      # every state, not only the plotted
    np.testing.assert_allclose(df["fhn1.V"].to_numpy(), d.solution["fhn1.V"], rtol=1e-12)
    np.testing.assert_allclose(df["fhn2.w"].to_numpy(), ref["fhn2.w"], rtol=1e-12)
    nc = tmp_path / "run.nc"
    nc.write_bytes(d.downloads[1].callback().getvalue())
    back = nb.load(nc)                     # an nbblox file: run, circuit, settings inside
    np.testing.assert_allclose(back["fhn2.w"], ref["fhn2.w"])
    np.testing.assert_array_equal(back.rerun()["fhn2.w"], back["fhn2.w"])
    text = d.downloads[2].callback().read()
    c = nb.Circuit.from_json(text)
    assert c["fhn2"].params["a"] == 0.9 and c["fhn1"].params["I"] == 0.5
    side = json.loads(d.downloads[3].callback().read())   # the sidecar
    assert side["stamp"]["params"]["fhn2.a"] == 0.9 and side["stamp"]["dt"] == 0.05
    assert side["stamp"]["model_hash"] == nb.io.provenance.model_hash(system.circuit)
    assert set(side["stamp"]["versions"]) >= {"nbblox", "numpy", "numba", "bokeh"}
    assert "'fhn2.a': 0.9" in side["code"] and "FitzHugh R (1961)" in side["citation"]
    assert side["files"] == [d.downloads[0].filename, d.downloads[1].filename]


def test_upload_is_size_limited_and_validated(system):
    from nbblox.ui.dashboard_app import MAX_UPLOAD_BYTES
    d = nb.dashboard(system, t_end=10.0)
    d.upload.value = b" " * (MAX_UPLOAD_BYTES + 1)
    assert d.alert.visible and "limit" in d.alert.object
    evil = json.loads(nb.Circuit([nb.blox.FitzHughNagumo(name="x")]).to_json())
    key = next(iter(evil["types"]))
    evil["types"][key]["equations"] = "dV/dt = __import__('os').system('true')\ndw/dt = 0"
    d.upload.value = json.dumps(evil).encode()
    assert d.alert.visible and "Could not open" in d.alert.object
    assert list(d.values) == system.param_names          # still the old model
    hh = nb.Circuit([nb.blox.HodgkinHuxley(name="hh", I=10.0)], name="hh")
    d.upload.value = hh.to_json().encode()
    assert "hh.g_Na" in d.values and d.error is None and d.solution["hh.V"].max() > 0
    assert [c.title for c in cards(d)] == ["hh · Hodgkin–Huxley"]


def test_views_and_diagram_render_to_bokeh(system):
    import holoviews as hv
    d = nb.dashboard(system, views=["fhn1.V", ("fhn1.V", "fhn1.w"),
                                    lambda sol: hv.Curve((sol.t, sol["fhn2.w"]))], t_end=10.0)
    plots = [p for p in d._main.select(pn.pane.HoloViews) if isinstance(p.object, hv.DynamicMap)]
    assert len(plots) == 3
    for p in plots:
        hv.render(p.object[()], backend="bokeh")        # renders without error
    from nbblox.ui.dashboard_views import circuit_diagram, equations_pane
    fig = hv.render(circuit_diagram(system.circuit), backend="bokeh")
    assert fig.title.text == "circuit 'pair'"
    assert r"\frac{dV}{dt}" in equations_pane(system.circuit).objects[1].object


def test_circuit_diagram_arrows_point_from_source_to_target():
    a, b, c = (nb.blox.FitzHughNagumo(name=n) for n in "abc")
    circ = nb.Circuit([a, b, c], name="abc")
    circ.connect(a, b, weight=0.5)
    circ.connect(b, a, weight=-0.5)
    circ.connect(c, c, weight=0.2)
    from nbblox.ui.dashboard_views import circuit_diagram
    d = circuit_diagram(circ)
    nodes = {n: (x, y) for x, y, n in zip(*(d.Points.I.dimension_values(k) for k in (0, 1, 2)))}
    heads = d.Polygons.I.split()
    assert len(heads) == 3                            # one arrowhead per connection
    segs = d.Segments.I
    assert len(segs) == 2 and len(d.Path.I.split()) == 1       # the autapse is a loop
    for k, (src, dst) in enumerate([("a", "b"), ("b", "a")]):
        x0, y0, x1, y1 = (segs.dimension_values(i)[k] for i in range(4))
        tip = heads[k].array()[0]
        # the line starts near the source, the head's tip sits just outside the target
        dist = lambda p, n: np.hypot(p[0] - nodes[n][0], p[1] - nodes[n][1])
        assert dist((x0, y0), src) < dist((x0, y0), dst)
        assert dist(tip, dst) < dist(tip, src) and 0 < dist(tip, dst) < 0.3
    assert list(heads[1].dimension_values("kind"))[0] == "inhibitory"   # negative weight
    fig = hv.render(d, backend="bokeh")
    assert any(type(r.glyph).__name__ == "MultiPolygons" for r in fig.renderers)


def test_circuit_diagram_reads_left_to_right_without_empty_space():
    """Issue 16 gallery: the served dashboard of ``a -> b`` drew b on the left and
    a on the right (networkx's circle starts on the right), an arrow pointing
    backwards in a square frame that was two thirds white.  The first blox is on
    the left, the next to its right, and a flat layout gets a low frame."""
    a, b = nb.blox.WilsonCowan(name="a"), nb.blox.WilsonCowan(name="b")
    circ = nb.Circuit([a, b], name="pair")
    circ.connect(a, b, weight=1.5)
    from nbblox.ui.dashboard_views import circuit_diagram
    d = circuit_diagram(circ)
    nodes = {n: (x, y) for x, y, n in zip(*(d.Points.I.dimension_values(k) for k in (0, 1, 2)))}
    assert nodes["a"][0] < nodes["b"][0] and nodes["a"][1] == nodes["b"][1]
    fig = hv.render(d, backend="bokeh")
    assert fig.frame_height <= 0.6 * fig.frame_width, (fig.frame_width, fig.frame_height)
    three = nb.Circuit([nb.blox.WilsonCowan(name=n) for n in "abc"], name="abc")
    pts = circuit_diagram(three).Points.I
    xs = dict(zip(pts.dimension_values(2), pts.dimension_values(0)))
    assert xs["a"] == min(xs.values())                 # clockwise from the left


def test_servable_in_plain_python_returns_the_dashboard(system):
    d = nb.dashboard(system, t_end=10.0)
    assert d.servable() is d
    tmpl = d.template()
    assert tmpl.title == "nbblox: pair"


def test_a_circuit_of_composites_draws_one_node_per_composite():
    from nbblox.ui.dashboard_views import circuit_diagram, equations_pane
    brain = nb.Circuit([nb.blox.WilsonCowanColumn(name=r) for r in ("r1", "r2")], name="brain")
    brain.connect("r1", "r2", weight=0.5)
    d = circuit_diagram(brain)
    pts = d.Points.I.data
    assert list(pts["blox"]) == ["r1", "r2"] and set(pts["type"]) == {"composite"}
    assert len(d.Polygons.I.data) == 1                         # r1 -> r2
    text = " ".join(str(o.object) for o in equations_pane(brain).objects)
    assert "Wilson–Cowan population" in text and "r1.E" in text
