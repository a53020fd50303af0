"""fixed_points and slow_points return a list with .to_pandas(), .to_xarray()
and .plot(), like every nbblox result (README: 'every result has them')."""
import holoviews as hv
import numpy as np
import pytest

import nbblox as nb


@pytest.fixture(scope="module")
def wc_points():
    # Wilson & Cowan (1972) Biophys J 12:1-24: with c1 = 24 and P = 0.5 (the lesson-5
    # exercise) the nullclines cross several times, with at least two stable states
    return nb.fixed_points(nb.blox.WilsonCowan(name="wc"), params={"wc.c1": 24.0, "wc.P": 0.5},
                           bounds={"wc.E": (0, 0.5), "wc.I": (0, 0.5)})


def test_fixed_points_table(wc_points):
    assert isinstance(wc_points, list) and len(wc_points) >= 3
    df = wc_points.to_pandas()
    assert list(df.columns) == ["wc.E", "wc.I", "stability", "max_real"]
    assert len(df) == len(wc_points) and df["stability"].str.startswith("stable").sum() >= 2
    # the table agrees with the objects, and max_real < 0 exactly for the stable ones
    np.testing.assert_allclose(df["wc.E"], [p.state["wc.E"] for p in wc_points])
    assert df["stability"].tolist() == [p.stability for p in wc_points]
    assert ((df["max_real"] < 0) == df["stability"].str.startswith("stable")).all()
    ds = wc_points.to_xarray()
    assert ds.sizes["point"] == len(wc_points) and ds.sizes["mode"] == 2
    np.testing.assert_allclose(ds["eigenvalue_real"].values[1],
                               np.real(wc_points[1].eigenvalues))


def test_fixed_points_view(wc_points):
    pts = wc_points.plot()
    assert [d.name for d in pts.kdims] == ["wc.E", "wc.I"]
    assert sorted(pts.dimension_values("stability")) == sorted(p.stability for p in wc_points)
    ev = wc_points.plot(kind="eigenvalues")
    scatter = list(ev)[0]          # first, so that the axes are labelled by it
    assert isinstance(scatter, hv.Points)
    assert len(scatter) == 2 * len(wc_points)
    assert scatter.kdims[0].pprint_label == "Re(eigenvalue)"
    with pytest.raises(nb.ParameterError, match="no state 'V'"):
        wc_points.plot("V")
    assert len(wc_points.plot("I").kdims) == 2          # short names resolve


def test_slow_points_table():
    """Sussillo & Barak (2013): minima of q = |f|^2/2; the FHN rest state is a
    fixed point (q ~ 0)."""
    pts = nb.slow_points(nb.blox.FitzHughNagumo(name="fhn"), params={"fhn.I": 0.0},
                         bounds={"fhn.V": (-2, 2), "fhn.w": (-2, 2)})
    df = pts.to_pandas()
    assert {"q", "fixed", "stability"} <= set(df.columns)
    assert bool(df["fixed"].iloc[0]) and df["q"].iloc[0] < 1e-12
    assert df["fhn.V"].iloc[0] == pytest.approx(-1.1994, abs=1e-4)
    assert "q" in [d.name for d in pts.plot().vdims]


def test_batched_fixed_points_are_tables_too():
    res = nb.fixed_points(nb.blox.FitzHughNagumo(name="fhn"),
                          params={"fhn.I": np.array([0.0, 0.5])},
                          bounds={"fhn.V": (-3, 3), "fhn.w": (-3, 3)})
    assert len(res) == 2 and all(len(r.to_pandas()) == 1 for r in res)
