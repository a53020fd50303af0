"""Views of the signal family: axis labels carry units (frequency (Hz),
power (mV²/Hz), rate (Hz), interspike interval (ms)), the x range of a
spectrum frames its peak, a PSTH marks the event, FC is a labelled heat map."""
import holoviews as hv
import numpy as np
import pytest

import nbblox as nb

T = np.arange(0, 4000.0, 0.5)


def test_spectrum_view_labels_and_range():
    sp = nb.spectrum({"a.x": np.sin(2 * np.pi * 10 * T / 1000), "b.x": np.cos(2 * np.pi * 20 * T / 1000)},
                     dt=0.5, units="mV")
    ov = sp.plot()
    assert isinstance(ov, hv.Overlay) and [c.label for c in ov] == ["a.x", "b.x"]
    c = ov.get(0)
    assert c.kdims[0].pprint_label == "frequency (Hz)"
    assert c.vdims[0].pprint_label == "power (mV²/Hz)"
    opts = hv.Store.lookup_options("bokeh", ov, "plot").kwargs
    assert opts["logy"] is True
    assert opts["xlim"] == (0, 80.0)            # 4 x the highest peak (20 Hz)
    assert "welch" in opts["title"] and "1 Hz" in opts["title"]
    assert np.all(c.dimension_values(0) > 0)     # no 0 Hz point on the log axis
    # unknown units say so instead of pretending
    assert nb.spectrum(np.sin(T), dt=0.5).plot().get(0).vdims[0].pprint_label == "power (unit²/Hz)"


def test_rate_psth_isi_and_raster_views():
    trains = [np.arange(5.0, 1000.0, 25.0), np.arange(10.0, 1000.0, 50.0)]
    st = nb.spike_trains(trains, t_range=(0, 1000), name="pop")
    c = st.population_rate(5.0).plot()
    assert c.kdims[0].pprint_label == "time (ms)" and c.vdims[0].pprint_label == "rate (Hz)"
    assert hv.Store.lookup_options("bokeh", c, "plot").kwargs["title"].startswith(
        "population rate (2 neurons")
    ps = st.psth(np.arange(100.0, 900.0, 100.0), window=(-20, 40), bin=2.0).plot()
    assert isinstance(ps, hv.Overlay)
    curve, line = list(ps)
    assert curve.kdims[0].pprint_label == "time from event (ms)" and isinstance(line, hv.VLine)
    h = st.isi().plot(bins=10)
    assert h.kdims[0].pprint_label == "interspike interval (ms)"
    assert int(h.dimension_values("count").sum()) == st.isi().intervals.size
    r = st.plot()
    assert hv.Store.lookup_options("bokeh", r, "plot").kwargs["ylim"] == (-0.5, 1.5)
    assert "pop: 2 neurons" in hv.Store.lookup_options("bokeh", r, "plot").kwargs["title"]


def test_fc_is_an_array_with_a_labelled_heat_map():
    x = np.sin(np.linspace(0, 20, 500))
    fc = nb.functional_connectivity({"r0": x, "r1": -x, "r2": x ** 2}, dt=1.0)
    assert isinstance(fc, np.ndarray) and fc.labels == ["r0", "r1", "r2"]
    assert fc[0, 1] == pytest.approx(-1.0)
    hm = fc.plot()
    assert isinstance(hm, hv.HeatMap)
    assert sorted(set(hm.dimension_values("source"))) == ["r0", "r1", "r2"]
    assert hv.Store.lookup_options("bokeh", hm, "plot").kwargs["clim"] == (-1.0, 1.0)
    df = fc.to_pandas()
    assert list(df.index) == ["r0", "r1", "r2"] and df.loc["r0", "r1"] == pytest.approx(-1.0)
    assert fc.to_xarray().sel(region="r1", region_to="r0") == pytest.approx(-1.0)


def test_isi_histogram_is_not_squeezed_by_rare_pauses():
    """One 900 ms pause among 5 ms intervals: the histogram spans the bulk (to the
    99th percentile) instead of putting every interval in its first bin."""
    train = np.r_[np.arange(0.0, 500.0, 5.0), 1400.0 + np.arange(0.0, 500.0, 5.0)]
    h = nb.spike_trains([train], t_range=(0, 2000)).isi().plot(bins=20)
    edges = h.dimension_values(0)
    assert edges.max() < 100.0
    assert hv.Store.lookup_options("bokeh", h, "plot").kwargs["title"].endswith("99% shown")
