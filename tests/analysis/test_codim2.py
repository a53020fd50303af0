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


def _wc_codim2_independent():
    """BT and cusp points of the catalog Wilson-Cowan blox in (P, Q), computed
    without nbblox: fixed points are explicit in (E, I) -- the drives follow by
    inverting the sigmoids -- and so is the Jacobian.  BT: trace = det = 0; cusp:
    det = 0 and grad(det) . null(J) = 0 (the fold curve's image has zero speed).
    Solved by scipy fsolve from a grid of starts."""
    from scipy.optimize import fsolve
    c1, c2, c3, c4, aE, thE, aI, thI, tau = 16.0, 12.0, 15.0, 3.0, 1.3, 4.0, 2.0, 3.7, 10.0
    s0E, s0I = 1 / (1 + np.exp(aE * thE)), 1 / (1 + np.exp(aI * thI))
    kE, kI = 1 - s0E, 1 - s0I

    def parts(E, I):
        yE, yI = E / (kE - E), I / (kI - I)  # S_E, S_I at the equilibrium (r = 1)
        sE, sI = yE + s0E, yI + s0I
        dE, dI = aE * sE * (1 - sE), aI * sI * (1 - sI)
        J = np.array([[-1 - yE + (kE - E) * dE * c1, -(kE - E) * dE * c2],
                      [(kI - I) * dI * c3, -1 - yI - (kI - I) * dI * c4]]) / tau
        P = thE - np.log(1 / sE - 1) / aE - c1 * E + c2 * I
        Q = thI - np.log(1 / sI - 1) / aI - c3 * E + c4 * I
        return J, P, Q

    det = lambda z: np.linalg.det(parts(*z)[0]) * 100

    def cusp(z):
        J, h = parts(*z)[0], 1e-7
        g = [(det(z + e) - det(z - e)) / (2 * h) for e in (np.array([h, 0]), np.array([0, h]))]
        v = np.array([-J[0, 1], J[0, 0]])
        return [det(z), np.dot(g, v / np.linalg.norm(v))]

    bt = lambda z: [np.trace(parts(*z)[0]) * 10, det(z)]
    out = {}
    for name, fun in (("BT", bt), ("CP", cusp)):
        found = set()
        for E0 in np.linspace(0.02, 0.45, 10):
            for I0 in np.linspace(0.005, 0.45, 10):
                with np.errstate(all="ignore"):
                    z, _, ier, _ = fsolve(fun, [E0, I0], full_output=True, xtol=1e-14)
                    if ier != 1 or not (0 < z[0] < kE and 0 < z[1] < kI):
                        continue
                    _, P, Q = parts(*z)
                    if np.isfinite(P) and np.isfinite(Q) and np.max(np.abs(fun(z))) < 1e-9:
                        found.add((round(P, 7), round(Q, 7)))
        out[name] = sorted(found)
    return out


@pytest.mark.slow
def test_wilson_cowan_cusp_and_bogdanov_takens_in_P_Q():
    # Wilson & Cowan 1972 limit-cycle parameters (catalog defaults): in the plane of the
    # external drives (P, Q) the fold curve has a cusp and two Bogdanov-Takens points where
    # the Hopf curve ends -- the organisation described by Borisyuk RM, Kirillov AB (1992)
    # Bifurcation analysis of a neural network model, Biol Cybern 66:319-325,
    # doi:10.1007/BF00203668.  No published (P, Q) values for this parameter set were
    # found to check against; the values are checked against an independent computation
    # (_wc_codim2_independent: explicit equilibria + scipy, no nbblox): BT at
    # (0.9628036, 0.0979015) and (-1.5377486, -4.0457361), cusp at (1.1564357, 0.5065175).
    # Also: BT from the fold curve equals BT from the Hopf curve, trace = det = 0 there
    # (finite-difference Jacobian), and the number of folds in P changes from 2 to 0
    # across the cusp's Q.
    s = nb.compile(nb.blox.WilsonCowan(name="wc"))
    br = continuation(s, "wc.P", (-3, 5), params={"wc.P": -3.0})
    assert [p.kind for p in br.special_points].count("LP") == 2 and br.special("H")
    box = {"wc.P": (-5, 5), "wc.Q": (-5, 5)}
    fold = continuation2(s, br.special("LP")[0], ("wc.P", "wc.Q"), bounds=box)
    hopf = continuation2(s, br.special("H")[0], ("wc.P", "wc.Q"), bounds=box)
    bt_f = sorted(p.param_value for p in fold.special("BT"))
    bt_h = sorted(p.param_value for p in hopf.special("BT"))
    assert len(bt_f) == 2 and np.array(bt_f) == pytest.approx(np.array(bt_h), abs=1e-5)
    ind = _wc_codim2_independent()
    assert np.array(bt_f) == pytest.approx(np.array(ind["BT"]), abs=1e-6)
    for p in fold.special("BT"):
        J = _fd_jac(s, p.x, dict(zip(s.param_names, p.params)))
        assert abs(np.trace(J)) < 1e-5 and abs(np.linalg.det(J)) < 1e-7
    (cp,) = fold.special("CP")
    Pc, Qc = cp.param_value
    assert min(abs(Pc - P) + abs(Qc - Q) for P, Q in ind["CP"]) < 1e-6
    def n_lp(Q):  # folds near the cusp (another fold pair lies near P = 4)
        lps = continuation(s, "wc.P", (-3, 5), params={"wc.P": -3.0, "wc.Q": Q}).special("LP")
        return sum(abs(p.param_value - Pc) < 0.5 for p in lps)
    assert n_lp(Qc - 0.05) == 2 and n_lp(Qc + 0.05) == 0
