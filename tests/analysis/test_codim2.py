"""Codim-2 curves against analytic normal forms (Kuznetsov 2004, Elements of
Applied Bifurcation Theory, 3rd ed., Ch. 8) and a Wilson-Cowan cusp."""
import numpy as np
import pytest

import nbblox as nb
from nbblox.analysis import continuation, continuation2


def test_cusp_fold_curve_is_27a2_eq_4r3():
    # x' = a + r x - x^3: folds where 27 a^2 = 4 r^3, cusp at a = r = 0
    b = nb.Blox.from_equations("dx/dt = a + r*x - x**3", params={"a": -1.0, "r": 1.0}, name="c")
    lp = continuation(b, "c.a", (-1.0, 1.0), x0={"c.x": -1.3}).special("LP")[0]
    assert lp.param_value == pytest.approx(2 / (3 * np.sqrt(3)), abs=1e-8)
    curve = continuation2(b, lp, ("c.a", "c.r"), bounds={"c.a": (-1, 1), "c.r": (-1, 2)})
    a, r = curve.param_values.T
    assert np.max(np.abs(27 * a ** 2 - 4 * r ** 3)) < 1e-7
    assert [p.kind for p in curve.special_points] == ["CP"]
    assert curve.special_points[0].param_value == pytest.approx((0.0, 0.0), abs=1e-6)


def bt_blox():
    # Bogdanov-Takens normal form x' = y, y' = b1 + b2 x + x^2 + s x y (Kuznetsov 8.4):
    # folds on b1 = b2^2/4, Hopf on b1 = 0 (b2 < 0) with omega^2 = -b2, BT at the origin
    return nb.Blox.from_equations("dx/dt = y\ndy/dt = b1 + b2*x + x**2 + s*x*y",
                                  params={"b1": -1.0, "b2": -1.0, "s": -1.0}, name="bt")


def test_bogdanov_takens_on_fold_and_hopf_curves():
    b = bt_blox()
    br = continuation(b, "bt.b1", (-2, 2), x0={"bt.x": -1.6, "bt.y": 0})
    assert [p.kind for p in br.special_points] == ["H", "LP"]
    bounds = {"bt.b1": (-2, 2), "bt.b2": (-2, 2)}
    hc = continuation2(b, br.special("H")[0], ("bt.b1", "bt.b2"), bounds=bounds)
    b1, b2 = hc.param_values.T
    assert np.max(np.abs(b1)) < 1e-8 and np.all(b2 < 1e-6)
    assert hc.extra["frequency"] ** 2 == pytest.approx(-b2, abs=1e-6)
    assert [p.kind for p in hc.special_points] == ["BT"]
    assert hc.special_points[0].param_value == pytest.approx((0.0, 0.0), abs=1e-6)
    fc = continuation2(b, br.special("LP")[0], ("bt.b1", "bt.b2"), bounds=bounds)
    b1, b2 = fc.param_values.T
    assert np.max(np.abs(b1 - b2 ** 2 / 4)) < 1e-7
    assert [p.kind for p in fc.special_points] == ["BT"]  # no fake cusp at the BT point


def test_bautin_point_on_hopf_curve():
    # Bautin normal form in polar form r' = r (b1 + b2 r^2 - r^4): Hopf on b1 = 0 with
    # l1 = 2 b2 (our <q,q> = 1 normalisation), generalized Hopf (GH) at b2 = 0
    b = nb.Blox.from_equations(
        "dx/dt = b1*x - y + b2*x*(x**2 + y**2) - x*(x**2 + y**2)**2\n"
        "dy/dt = x + b1*y + b2*y*(x**2 + y**2) - y*(x**2 + y**2)**2",
        params={"b1": -0.5, "b2": -1.0}, name="gh")
    h = continuation(b, "gh.b1", (-1, 1), x0={"gh.x": 0, "gh.y": 0}).special("H")[0]
    assert h.lyapunov == pytest.approx(-2.0, rel=1e-6)
    hc = continuation2(b, h, ("gh.b1", "gh.b2"), bounds={"gh.b1": (-1, 1), "gh.b2": (-2, 2)})
    assert [p.kind for p in hc.special_points] == ["GH"]
    assert hc.special_points[0].param_value == pytest.approx((0.0, 0.0), abs=1e-6)


def test_codim2_bad_inputs():
    b = bt_blox()
    br = continuation(b, "bt.b1", (-2, 2), x0={"bt.x": -1.6, "bt.y": 0})
    with pytest.raises(nb.ParameterError, match="two different"):
        continuation2(b, br.special_points[0], ("bt.b1", "bt.b1"))
    with pytest.raises(nb.ParameterError, match="bt.b2"):
        continuation2(b, br.special_points[0], ("bt.b1", "bt.B2"))
    with pytest.raises(nb.ParameterError, match="SpecialPoint"):
        continuation2(b, None, ("bt.b1", "bt.b2"))
