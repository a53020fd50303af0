"""The explorer's phase plane draws the nullclines of :func:`nb.phase_plane`
for the explorer's current parameters and window (numbers, not pixels), and
those are the analytic FitzHugh-Nagumo nullclines (FitzHugh 1961, Biophys. J.
1:445: dV/dt = V - V^3/3 - w + I, dw/dt = (V + a - b w)/tau)."""
import numpy as np
import pytest

import nbblox as nb


def _drawn(el, label_start):
    """(x, y) arrays of the drawn curve whose legend label starts so."""
    [c] = [e for e in el if e.label.startswith(label_start)]
    return (np.asarray(c.dimension_values(0), float),
            np.asarray(c.dimension_values(1), float))


def _joined(lines):
    """Lines as one NaN-separated curve, like the drawn one."""
    parts = []
    for k, a in enumerate(lines):
        if k:
            parts.append(np.full((1, 2), np.nan))
        parts.append(np.asarray(a, float))
    return np.vstack(parts) if parts else np.empty((0, 2))


@pytest.mark.parametrize("params", [{}, {"fhn.I": 0.5, "fhn.a": 0.6}])
def test_explorer_nullclines_equal_phase_plane(params):
    s = nb.compile(nb.blox.FitzHughNagumo(name="fhn"))
    ex = nb.explore(s, t_end=100.0, views=("timeseries", "phase_plane"))
    if params:
        ex.set(params)
    pp = ex.phase_plane
    used = ex.last.params
    for k, v in params.items():
        assert used[k] == v
    ref = nb.phase_plane(s, x="fhn.V", y="fhn.w", params=used, xlim=pp.payload["xr"],
                         ylim=pp.payload["yr"], resolution=pp.grid, arrows=pp.arrows)
    el = pp.dmap[()]
    for label, key in (("V-nullcline", "x"), ("w-nullcline", "y")):
        x, y = _drawn(el, label)
        want = _joined(ref.nullclines[key])
        assert len(x) == len(want) > 10
        np.testing.assert_allclose(x, want[:, 0], rtol=0, atol=1e-12, equal_nan=True)
        np.testing.assert_allclose(y, want[:, 1], rtol=0, atol=1e-12, equal_nan=True)
    # and they are FitzHugh's nullclines (to the contouring grid's accuracy)
    I, a, b = used["fhn.I"], used["fhn.a"], used["fhn.b"]
    x, y = _drawn(el, "V-nullcline")
    ok = np.isfinite(x)
    dy = (pp.payload["yr"][1] - pp.payload["yr"][0]) / pp.grid
    assert np.max(np.abs(y[ok] - (x[ok] - x[ok] ** 3 / 3 + I))) < 2 * dy
    x, y = _drawn(el, "w-nullcline")
    ok = np.isfinite(x)
    assert np.max(np.abs(y[ok] - (x[ok] + a) / b)) < 2 * dy
    # the drawn fixed point is where the two meet
    [fp] = pp.fixed
    V, w = fp.state["fhn.V"], fp.state["fhn.w"]
    assert V - V ** 3 / 3 - w + I == pytest.approx(0, abs=1e-9)
    assert V + a - b * w == pytest.approx(0, abs=1e-9)
