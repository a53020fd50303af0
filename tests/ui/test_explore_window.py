"""The explorer's phase-plane window fits the states' natural range: the fixed
points and the nullclines' turning points, not a fixed minimum of +-1 (which
crowded Wilson-Cowan's five fixed points, all in [0, 0.5], into a quarter of a
-0.8..1.3 window in lesson 5, and cut FitzHugh-Nagumo's right knee off)."""
import numpy as np

import nbblox as nb


def test_wilson_cowan_fixed_points_fill_the_window():
    """Wilson & Cowan (1972) at c1 = 24, P = 0.5 (lesson 5's exercise): five
    fixed points in 0 <= E, I <= 0.5, found here by nb.fixed_points on their own.
    Each lies in the window and together they span at least half of it on both
    axes (the old window: under a quarter)."""
    wc = nb.blox.WilsonCowan(name="wc")
    ex = nb.explore(wc, vars=["wc.E", "wc.I"], t_end=400.0,
                    views=("timeseries", "phase_plane"))
    params = {"wc.c1": 24.0, "wc.P": 0.5}
    ex.set(params)
    fps = nb.fixed_points(nb.compile(wc), params=params,
                          bounds={"wc.E": (0.0, 0.5), "wc.I": (0.0, 0.5)})
    assert len(fps) == 5
    pp = ex.phase_plane
    assert len(pp.fixed) == 5                       # the view finds them all
    for v, lims in zip(("wc.E", "wc.I"), (pp.payload["xr"], pp.payload["yr"])):
        at = np.array([f.state[v] for f in fps])
        lo, hi = lims
        assert lo < at.min() and at.max() < hi, (v, lims, at)
        assert (at.max() - at.min()) / (hi - lo) > 0.5, (v, lims, at)


def test_fitzhugh_nagumo_at_rest_shows_both_knees():
    """FitzHugh (1961): the V-nullcline w = V - V^3/3 + I turns at V = -1 and
    V = +1.  Started at rest (V = -1.2), the run stands still, yet the window
    holds both knees and the fixed point, with room around them."""
    ex = nb.explore(nb.blox.FitzHughNagumo(name="fhn"), t_end=200.0,
                    views=("timeseries", "phase_plane"))
    (x0, x1), (y0, y1) = ex.phase_plane.payload["xr"], ex.phase_plane.payload["yr"]
    rest = ex.phase_plane.fixed[0].state
    assert x0 < min(-1.0, rest["fhn.V"]) - 0.2 and x1 > 1.2
    knee_w = [v - v**3 / 3 for v in (-1.0, 1.0)]      # I = 0
    assert y0 < min(knee_w) and y1 > max(knee_w)
    assert x1 - x0 < 6.0                             # not a blanket window either
