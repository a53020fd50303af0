"""nb.dashboard() without a browser: widgets from parameter metadata, private
per-dashboard state, error display, coalesced async runs, downloads, upload."""
import asyncio
import io
import json

import numpy as np
import pandas as pd
import pytest

import nbblox as nb

pn = pytest.importorskip("panel")


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
    return {name: w for w, name in d._widget_param.items()}


def test_sidebar_groups_sliders_by_blox_with_metadata(system):
    d = nb.dashboard(system, t_end=20.0)
    cards = [o for o in d._sidebar.objects if isinstance(o, pn.Card)]
    assert [c.title for c in cards] == ["simulation", "fhn1 (FitzHughNagumo)",
                                        "fhn2 (FitzHughNagumo)"]
    w = sliders(d)["fhn1.tau"]
    info = system.parameter_info("fhn1.tau")
    assert (w.start, w.end, w.step) == (0.1, 50.0, 0.1) == (*info.bounds, info.step)
    assert w.label == "tau (ms)" and w.value == 12.5
    assert sliders(d)["fhn1.I"].value == 0.5      # the blox's own value, not the default
    assert "fhn1 (FitzHughNagumo)" in repr(d.__panel__()) or d.__panel__() is not None


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
    d.set({"growth.k": 0.0})
    assert d.error is None and not d.alert.visible


def test_bad_settings_are_reported_not_raised(system):
    d = nb.dashboard(system, t_end=10.0)
    d.dt_input.value = 0.0
    assert "dt" in d.error and d.alert.visible
    d.dt_input.value = 0.01
    d.t_end_input.value = 1e9                          # 1e11 steps: refused, not run
    assert "steps" in d.error
    d.t_end_input.value = 10.0
    assert d.error is None


def test_slider_burst_is_coalesced_in_async_mode(system):
    d = nb.dashboard(system, t_end=50.0)
    w = sliders(d)["fhn1.I"]
    runs0 = d.runs

    async def burst():
        for k in range(1, 11):                         # like 10 key presses
            w.value = 0.1 * k
        while d._busy:
            await asyncio.sleep(0.01)

    asyncio.run(burst())
    assert d.values["fhn1.I"] == pytest.approx(1.0)
    assert d.solution.params["fhn1.I"] == pytest.approx(1.0)   # the latest value was shown
    assert 1 <= d.runs - runs0 < 10                           # not one run per event


def test_downloads_round_trip(system, tmp_path):
    d = nb.dashboard(system, t_end=20.0, dt=0.05)
    d.set({"fhn2.a": 0.9})
    df = pd.read_csv(d._sidebar.objects[-3][0].callback(), index_col="time")
    assert list(df.columns) == system.state_names
    np.testing.assert_allclose(df["fhn1.V"].to_numpy(), d.solution["fhn1.V"], rtol=1e-12)
    xr = pytest.importorskip("xarray")
    nc = tmp_path / "run.nc"
    nc.write_bytes(d._sidebar.objects[-3][1].callback().getvalue())
    ds = xr.open_dataset(nc)
    np.testing.assert_allclose(ds["fhn2.w"].values, d.solution["fhn2.w"])
    text = d._sidebar.objects[-3][2].callback().read()
    c = nb.Circuit.from_json(text)
    assert c["fhn2"].params["a"] == 0.9 and c["fhn1"].params["I"] == 0.5


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
    assert [c.title for c in d._sidebar.objects if isinstance(c, pn.Card)][1] == \
        "hh (HodgkinHuxley)"


def test_views_and_diagram_render_to_bokeh(system):
    import holoviews as hv
    d = nb.dashboard(system, views=["fhn1.V", ("fhn1.V", "fhn1.w"),
                                    lambda sol: hv.Curve((sol.t, sol["fhn2.w"]))], t_end=10.0)
    assert len(d._plots) == 3
    for p in d._plots:
        hv.render(p.object[()], backend="bokeh")        # renders without error
    from nbblox.ui.dashboard_views import circuit_diagram, equations_pane
    fig = hv.render(circuit_diagram(system.circuit), backend="bokeh")
    assert fig.title.text == "circuit 'pair'"
    assert r"\frac{dV}{dt}" in equations_pane(system.circuit).objects[1].object


def test_servable_in_plain_python_returns_the_dashboard(system):
    d = nb.dashboard(system, t_end=10.0)
    assert d.servable() is d
    tmpl = d.template()
    assert tmpl.title == "nbblox: pair"
