"""View builders: the HoloViews objects have the right elements, dimensions,
labels and styles, and long series are decimated without losing extrema."""
import numpy as np
import pytest

import nbblox as nb
from nbblox.viz import downsample, plot_raster, plot_solution, plot_sweep

import holoviews as hv


@pytest.fixture(scope="module")
def fhn_sol():
    return nb.simulate(nb.blox.FitzHughNagumo(name="fhn", I=0.5), 200.0, dt=0.01)


def test_downsample_caps_points_and_keeps_extrema():
    t = np.arange(1_000_000) * 0.001
    y = np.zeros_like(t)
    y[123_457] = 50.0  # one narrow spike must survive decimation
    y[876_543] = -7.0
    td, yd = downsample(t, y, 2000)
    assert td.size <= 2000
    assert yd.max() == 50.0 and yd.min() == -7.0
    assert td[0] == t[0] and td[-1] == t[-1]
    assert np.all(np.diff(td) > 0)


def test_downsample_multi_series_stays_aligned():
    t = np.linspace(0, 10, 50_001)
    Y = np.vstack([np.sin(t), np.cos(3 * t)])
    td, Yd = downsample(t, Y, 1000)
    assert Yd.shape == (2, td.size) and td.size <= 1000
    np.testing.assert_allclose(Yd[0], np.sin(td))
    np.testing.assert_allclose(Yd[1], np.cos(3 * td))


def test_downsample_short_series_untouched():
    t = np.arange(10.0)
    td, yd = downsample(t, t ** 2, 100)
    assert td is t or np.array_equal(td, t)
    assert np.array_equal(yd, t ** 2)


def test_plot_solution_overlay_dims_labels_styles(fhn_sol):
    ov = plot_solution(fhn_sol)
    assert isinstance(ov, hv.Overlay)
    curves = list(ov)
    assert [c.label for c in curves] == ["V", "w"]        # the title names the blox
    assert all(c.kdims[0].name == "time" and c.kdims[0].unit == "ms" for c in curves)
    assert all(len(c) <= 4000 for c in curves)  # 20001 samples were decimated
    opts = [hv.Store.lookup_options("bokeh", c, "style").kwargs for c in curves]
    assert opts[0]["color"] != opts[1]["color"]
    # the decimated V keeps the true extrema of the run
    assert curves[0].range("value")[1] == pytest.approx(fhn_sol["fhn.V"].max())


def test_plot_solution_layout_and_short_names(fhn_sol):
    lay = fhn_sol.plot(vars="V", overlay=False)
    assert isinstance(lay, hv.Layout)
    (panel,) = list(lay)
    curve = panel.get(0)
    # FitzHugh-Nagumo's V has no unit: the axis says what it is (not a bare "V")
    # (wrapped into lines where the panel is lower than the label is long)
    assert curve.label == "V" and " ".join(curve.vdims[0].label.split()) == \
        "V · voltage-like variable"
    assert "FitzHugh–Nagumo 'fhn'" in hv.Store.lookup_options("bokeh", panel, "plot").kwargs["title"]


def test_relabel_retitles_a_one_panel_plot(fhn_sol):
    """Lesson 3 titled two runs with ``.relabel("from rest")``; both showed the
    default title instead (an explicit title option won over the label)."""
    def title(obj):
        return hv.render(obj, backend="bokeh").title.text
    assert title(fhn_sol.plot(vars="V")) == "FitzHugh–Nagumo 'fhn' · rk4, dt = 0.01 ms"
    assert title(fhn_sol.plot(vars="V").relabel("from rest")) == "from rest"
    assert title(fhn_sol.plot(vars="V", title="run {1}")) == "run {1}"
    lay = fhn_sol.plot(vars="V").relabel("before") + fhn_sol.plot(vars="V").relabel("after")
    fig = hv.render(lay, backend="bokeh")
    assert [c[0].title.text for c in fig.children] == ["before", "after"]


def test_plot_solution_unknown_var_suggests(fhn_sol):
    with pytest.raises(nb.ParameterError, match="Did you mean 'fhn.V'"):
        fhn_sol.plot(vars=["fhn.VV"])


def test_plot_solution_renders_with_bokeh(fhn_sol):
    fig = hv.render(plot_solution(fhn_sol), backend="bokeh")
    assert fig.xaxis[0].axis_label == "time (ms)"


def test_raster_rows_and_style():
    spikes = {"index": np.array([0, 2, 2, 1]), "time": np.array([1.0, 2.0, 7.5, 3.0])}
    r = plot_raster(spikes, labels=["a", "b", "c"])
    assert isinstance(r, hv.Scatter)
    assert [d.name for d in r.dimensions()] == ["time", "neuron"]
    assert sorted(r.dimension_values("neuron").tolist()) == [0, 1, 2, 2]
    style = hv.Store.lookup_options("bokeh", r, "style").kwargs
    assert style["marker"] == "dash"
    plot = hv.Store.lookup_options("bokeh", r, "plot").kwargs
    assert plot["yticks"] == [(0, "a"), (1, "b"), (2, "c")]


def test_raster_mismatched_lengths_is_clear():
    with pytest.raises(nb.ParameterError, match="index"):
        plot_raster({"index": np.array([0, 1]), "time": np.array([1.0])})


def test_sweep_heatmap_and_curve():
    import xarray as xr
    I = np.linspace(0, 1, 5)
    a = np.array([0.5, 0.7, 0.9])
    rate = a[:, None] * 10 + I[None, :]
    ds = xr.Dataset({"rate": (("fhn.a", "fhn.I"), rate)}, coords={"fhn.a": a, "fhn.I": I})
    img = plot_sweep(ds)
    assert isinstance(img, hv.Image)
    assert [d.name for d in img.kdims] == ["fhn.I", "fhn.a"] and img.vdims[0].name == "rate"
    # value at (I=1, a=0.9) is rate[2, 4]
    assert img[1.0, 0.9] == pytest.approx(rate[2, 4])
    curve = plot_sweep(ds.isel({"fhn.a": 0}))
    assert isinstance(curve, hv.Curve) and curve.kdims[0].name == "fhn.I"
    with pytest.raises(nb.ParameterError, match="Did you mean 'rate'"):
        plot_sweep(ds, "rat")


def test_a_sweep_result_plots_itself():
    # issue 22 item 4: a sweep result has .plot() as a Solution has (ds.nbblox.plot)
    ds = nb.sweep(nb.blox.FitzHughNagumo(name="fhn"),
                  {"fhn.I": np.linspace(0.0, 1.0, 3), "fhn.a": [0.6, 0.8]},
                  t_end=5.0, dt=0.05, measure="max")
    img = ds.nbblox.plot()                      # the first measure of the first variable
    assert isinstance(img, hv.Image) and img.vdims[0].name == "max"
    assert {d.name for d in img.kdims} == {"fhn.I", "fhn.a"}
    np.testing.assert_array_equal(np.sort(img.dimension_values("max")),
                                  np.sort(ds["max"].sel(variable="fhn.V").values.ravel()))
    w = ds.isel({"fhn.a": 0}).nbblox.plot("max", variable="fhn.w")
    assert isinstance(w, hv.Curve) and w.opts.get().kwargs["title"] == "max of fhn.w"
    with pytest.raises(nb.ParameterError, match="recorded fhn.V, fhn.w"):
        ds.nbblox.plot(variable="fhn.x")


def test_sweep_irregular_grid_is_quadmesh():
    import xarray as xr
    da = xr.DataArray(np.ones((2, 3)), dims=["p", "q"], name="m",
                      coords={"p": [0.0, 1.0], "q": [0.0, 0.1, 5.0]})
    assert isinstance(plot_sweep(da), hv.QuadMesh)


def test_plot_solution_adds_raster_for_spiking_runs(fhn_sol):
    spiking = nb.Solution(fhn_sol.t, fhn_sol.names, fhn_sol.values, info=fhn_sol.info,
                          spikes={"index": np.array([0, 0, 1]), "time": np.array([5.0, 50.0, 7.0])})
    lay = plot_solution(spiking)
    assert isinstance(lay, hv.Layout)
    kinds = [type(e).__name__ for e in lay]
    assert kinds == ["Overlay", "Scatter"]         # V and w share a scale: one panel
    assert sorted(list(lay)[1].dimension_values("time")) == [5.0, 7.0, 50.0]
    assert isinstance(plot_solution(fhn_sol), hv.Overlay)            # no spikes, no raster


def test_hh_plot_separates_volts_from_gates_with_units_and_model_title():
    """Issue 16: V (mV) and the gates m, h, n (0-1) on one axis made the gates flat lines."""
    sol = nb.simulate(nb.blox.HodgkinHuxley(name="hh", I=10.0), 50.0, dt=0.01)
    lay = sol.plot()
    assert isinstance(lay, hv.Layout)
    volts, gates = list(lay)
    assert [c.label for c in volts] == ["V"] and [c.label for c in gates] == ["m", "h", "n"]
    assert volts.get(0).vdims[0].label == "V (mV)"
    assert gates.get(0).vdims[0].label == "m, h, n"
    # different y dimensions: the panels keep their own y-ranges, the time axis is shared
    assert volts.get(0).vdims[0].name != gates.get(0).vdims[0].name
    assert volts.get(0).kdims[0].name == gates.get(0).kdims[0].name == "time"
    title = hv.Store.lookup_options("bokeh", volts, "plot").kwargs["title"]
    assert title.startswith("Hodgkin–Huxley 'hh'") and "rk4" in title
    fig = hv.render(lay, backend="bokeh")
    labels = {ax.axis_label for row in fig.children for p in [row[0]] for ax in p.yaxis}
    assert labels == {"V (mV)", "m, h, n"}


def test_autoscale_does_not_magnify_round_off():
    """Issue 16: FitzHugh-Nagumo at rest zoomed to a 2e-6 range."""
    sol = nb.simulate(nb.blox.FitzHughNagumo(name="fhn"), 300.0, dt=0.01)
    v = sol["fhn.V"][-1000:]
    assert np.ptp(v) < 1e-5                       # at rest: only round-off moves
    late = nb.Solution(sol.t[-1000:], ["fhn.V"], v[None, :], info=sol.info)
    ylim = hv.Store.lookup_options("bokeh", late.plot().get(0), "plot").kwargs["ylim"]
    assert ylim[1] - ylim[0] >= 0.0499 * abs(v.mean())   # at least 5% of |V|
    assert ylim[0] < v.min() and v.max() < ylim[1]


def test_state_units_are_inferred_from_the_equations():
    from nbblox.viz.units import state_unit
    s = nb.compile(nb.blox.MorrisLecar(name="ml"))
    assert state_unit(s, "ml.V") == "mV"          # V - E_Ca with E_Ca in mV
    hh = nb.compile(nb.blox.HodgkinHuxley(name="hh"))
    assert [state_unit(hh, f"hh.{g}") for g in "mhn"] == ["", "", ""]   # 1 - m: a fraction
    # Izhikevich (2003): v in mV; nothing in dv/dt says so, the reset V = c (c in mV) does
    iz = nb.compile(nb.blox.Izhikevich(name="iz"))
    assert state_unit(iz, "iz.V") == "mV"
    labels = [c.vdims[0].pprint_label
              for c in nb.simulate(iz, 50.0).plot().traverse(lambda x: x, [hv.Curve])]
    assert "V (mV)" in labels, labels


def test_one_quantity_in_several_blox_is_named_once_with_the_blox_in_the_legend():
    """Lesson 17's explorer of a chain of columns labelled its y axis
    "col1.E.A, col2.E.A, col3.E.A": the axis names the quantity (with its unit
    when it has one), the legend names the blox."""
    from nbblox.viz.timeseries import timeseries_element
    from nbblox.viz.units import short_names
    names = ["col1.E.A", "col2.E.A", "col3.E.A"]
    t = np.linspace(0.0, 10.0, 50)
    el = timeseries_element(t, {n: np.sin(t + i) for i, n in enumerate(names)},
                            labels=dict(zip(names, short_names(names))))
    curves = list(el)
    assert [c.label for c in curves] == names
    assert {c.vdims[0].label for c in curves} == {"A"}
    fig = hv.render(el, backend="bokeh")
    assert fig.yaxis[0].axis_label == "A"
    assert [it.label["value"] for it in fig.legend[0].items] == names
    volts = timeseries_element(t, {"a.V": t, "b.V": t}, units={"a.V": "mV", "b.V": "mV"})
    assert hv.render(volts, backend="bokeh").yaxis[0].axis_label == "V (mV)"


def test_title_and_raster_survive_an_overlay_and_line_up():
    """Issue 16, lesson 4: ``sol.plot() * hv.HLine(V_th)`` (a threshold line over a
    LIF run) made a new Overlay that dropped the title: the figure was titled "V".
    The spike raster under it was 760 px wide against the traces' 600 px data
    area, and a raster of one neuron had a 260 px-high axis ticked -0.4 ... 0.4."""
    import holoviews as hv
    from bokeh.models import Plot
    hv.extension("bokeh")
    lif = nb.blox.LIF(name="lif", I=2.5)
    sol = nb.simulate(lif, 200.0, dt=0.01, method="euler")
    fig = hv.render(sol.plot() * hv.HLine(lif.params["V_th"]), backend="bokeh")
    plots = {p.title.text: p for p in fig.select({"type": Plot})}
    assert set(plots) == {"Leaky integrate-and-fire 'lif' · euler, dt = 0.01 ms", "spike raster"}, set(plots)
    trace, raster = plots["Leaky integrate-and-fire 'lif' · euler, dt = 0.01 ms"], plots["spike raster"]
    assert trace.frame_width == raster.frame_width == 600
    assert 80 <= raster.frame_height <= 100
    assert list(raster.yaxis[0].ticker.ticks) == [0]
    one = hv.render(nb.simulate(nb.blox.FitzHughNagumo(name="f"), 20.0).plot()
                    * hv.HLine(0.0), backend="bokeh")
    assert one.title.text == "FitzHugh–Nagumo 'f' · rk4, dt = 0.01 ms"
