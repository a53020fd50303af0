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


def _fd_jac(s, x, params):
    p = s.param_vector(params)
    n = x.size
    J = np.empty((n, n))
    for j in range(n):
        e = np.zeros(n)
        e[j] = 1e-6
        J[:, j] = (s.rhs(x + e, params=p) - s.rhs(x - e, params=p)) / 2e-6
    return J


@pytest.mark.slow
def test_wilson_cowan_cusp_and_bogdanov_takens_in_P_Q():
    # Wilson & Cowan 1972 limit-cycle parameters (catalog defaults): in the plane of the
    # external drives (P, Q) the fold curve has a cusp and two Bogdanov-Takens points where
    # the Hopf curve ends -- the organisation described by Borisyuk RM, Kirillov AB (1992)
    # Bifurcation analysis of a neural network model, Biol Cybern 66:319-325,
    # doi:10.1007/BF00203668.  Checked independently: BT from the fold curve equals BT from
    # the Hopf curve, trace = det = 0 there (finite-difference Jacobian), and the number of
    # folds in P changes from 2 to 0 across the cusp's Q.
    s = nb.compile(nb.blox.WilsonCowan(name="wc"))
    br = continuation(s, "wc.P", (-3, 5), params={"wc.P": -3.0})
    assert [p.kind for p in br.special_points].count("LP") == 2 and br.special("H")
    box = {"wc.P": (-5, 5), "wc.Q": (-5, 5)}
    fold = continuation2(s, br.special("LP")[0], ("wc.P", "wc.Q"), bounds=box)
    hopf = continuation2(s, br.special("H")[0], ("wc.P", "wc.Q"), bounds=box)
    bt_f = sorted(p.param_value for p in fold.special("BT"))
    bt_h = sorted(p.param_value for p in hopf.special("BT"))
    assert len(bt_f) == 2 and np.array(bt_f) == pytest.approx(np.array(bt_h), abs=1e-5)
    for p in fold.special("BT"):
        J = _fd_jac(s, p.x, dict(zip(s.param_names, p.params)))
        assert abs(np.trace(J)) < 1e-5 and abs(np.linalg.det(J)) < 1e-7
    (cp,) = fold.special("CP")
    Pc, Qc = cp.param_value
    def n_lp(Q):  # folds near the cusp (another fold pair lies near P = 4)
        lps = continuation(s, "wc.P", (-3, 5), params={"wc.P": -3.0, "wc.Q": Q}).special("LP")
        return sum(abs(p.param_value - Pc) < 0.5 for p in lps)
    assert n_lp(Qc - 0.05) == 2 and n_lp(Qc + 0.05) == 0
