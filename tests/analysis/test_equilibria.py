"""Equilibrium continuation: published / analytic bifurcation values and the
traps (neutral saddles, pitchfork branch points, Hopf before fold)."""
import numpy as np
import pytest

import nbblox as nb
from nbblox.analysis import continuation


def kinds(br):
    return [p.kind for p in br.special_points]


def test_hh_hopf_points_rinzel_miller_1980():
    # Rinzel J, Miller RN (1980) Numerical calculation of stable and unstable periodic
    # solutions to the Hodgkin-Huxley equations. Math Biosci 49:27-59,
    # doi:10.1016/0025-5564(80)90109-1: Hopf points at I = 9.78 (subcritical) and
    # I = 154.5 uA/cm^2 (supercritical), 6.3 degC (also Izhikevich 2007, DSN, Fig. 5.x).
    br = continuation(nb.blox.HodgkinHuxley(name="hh"), "hh.I", (0.0, 200.0))
    hs = br.special("H")
    assert len(hs) == 2
    assert hs[0].param_value == pytest.approx(9.78, abs=0.01)
    assert hs[1].param_value == pytest.approx(154.5, abs=0.1)
    assert hs[0].lyapunov > 0 and hs[0].criticality == "subcritical"
    assert hs[1].lyapunov < 0 and hs[1].criticality == "supercritical"
    assert not br.special("LP")
    # stable below the first and above the second Hopf point, unstable between
    I = br.param_values
    assert np.all(br.stable[I < 9.7]) and np.all(~br.stable[(I > 9.8) & (I < 154)])
    assert np.all(br.stable[I > 155])
    assert I.min() == pytest.approx(0.0) and I.max() == pytest.approx(200.0)
    assert not np.any(np.isnan(br.X))


def test_fhn_hopf_points_match_analytic_trace_condition():
    # FitzHugh 1961: Hopf where trace J = 1 - V^2 - b/tau = 0 (det > 0 since b^2 < tau)
    a, b, tau = 0.7, 0.8, 12.5
    V = np.array([-1, 1]) * np.sqrt(1 - b / tau)
    I_expected = (V + a) / b - V + V ** 3 / 3
    br = continuation(nb.blox.FitzHughNagumo(name="fhn"), "fhn.I", (0.0, 2.0))
    hs = br.special("H")
    assert [h.param_value for h in hs] == pytest.approx(sorted(I_expected), abs=1e-7)
    omega = np.sqrt(1 / tau - b / tau * (1 - V ** 2))  # sqrt(det J) at trace 0
    assert hs[0].frequency == pytest.approx(omega[0], rel=1e-6)


@pytest.mark.parametrize("sigma", [-1.0, 0.5])
def test_lyapunov_coefficient_of_hopf_normal_form(sigma):
    # Kuznetsov 2004 (Elements of Applied Bifurcation Theory, eq. 3.20) with <q,q>=1
    # gives l1 = 2*sigma for x' = mu x - y + sigma x r^2, y' = x + mu y + sigma y r^2
    b = nb.Blox.from_equations("dx/dt = mu*x - y + sig*x*(x**2 + y**2)\n"
                               "dy/dt = x + mu*y + sig*y*(x**2 + y**2)",
                               params={"mu": -0.5, "sig": sigma}, name="nf")
    br = continuation(b, "nf.mu", (-1, 1), x0={"nf.x": 0, "nf.y": 0})
    assert kinds(br) == ["H"]
    assert br.special_points[0].param_value == pytest.approx(0.0, abs=1e-9)
    assert br.special_points[0].lyapunov == pytest.approx(2 * sigma, rel=1e-6)


def test_fold_located_and_branch_turns():
    b = nb.Blox.from_equations("dx/dt = r - x**2\ndy/dt = -y", params={"r": 1.0}, name="f")
    br = continuation(b, "f.r", (-1, 2), x0={"f.x": 1, "f.y": 0})
    assert kinds(br) == ["LP"]
    lp = br.special_points[0]
    assert lp.param_value == pytest.approx(0.0, abs=1e-8)
    assert lp.normal_form == pytest.approx(-1.0, rel=1e-6)
    assert br.states["f.x"].min() < -1.3 and br.states["f.x"].max() > 1.3  # both halves


def test_pitchfork_is_a_branch_point_not_a_fold():
    b = nb.Blox.from_equations("dx/dt = r*x - x**3\ndy/dt = -y", params={"r": -1.0}, name="f")
    br = continuation(b, "f.r", (-1, 2), x0={"f.x": 0, "f.y": 0})
    assert kinds(br) == ["BP"]
    assert br.special_points[0].param_value == pytest.approx(0.0, abs=1e-8)


def test_neutral_saddle_is_not_hopf():
    # trace crosses 0 with real eigenvalues of opposite sign (a bialternate test would fire)
    b = nb.Blox.from_equations("dx/dt = y\ndy/dt = x + mu*y - x**3", params={"mu": -1.0}, name="n")
    br = continuation(b, "n.mu", (-1, 1), x0={"n.x": 0, "n.y": 0})
    assert br.special_points == []
    assert np.all(~br.stable)


def test_real_pair_merging_off_axis_is_not_hopf():
    # eigenvalues 1 +- sqrt(1 - c): two real unstable merge into an unstable complex pair at c=1
    b = nb.Blox.from_equations("dx/dt = y\ndy/dt = -c*x + 2*y - x**3", params={"c": 0.5}, name="m")
    br = continuation(b, "m.c", (0.5, 2.0), x0={"m.x": 0, "m.y": 0})
    assert br.special_points == []


def test_hopf_before_fold_quadratic_model():
    # Izhikevich EM (2007) Dynamical Systems in Neuroscience, MIT Press, Sec. 6.1.x:
    # V' = I + V^2 - u, u' = a(bV - u).  Fold at I = b^2/4 (V = b/2); for b > a a Hopf
    # at V = a/2, I = ab/2 - a^2/4 precedes it on the lower branch.
    a, bb = 0.5, 1.0
    q = nb.Blox.from_equations("dV/dt = I + V**2 - u\ndu/dt = a*(b*V - u)",
                               params={"I": -1.0, "a": a, "b": bb}, name="q")
    br = continuation(q, "q.I", (-1.0, 1.0), x0={"q.V": -0.618, "q.u": -0.618})
    assert kinds(br) == ["H", "LP"]
    h, lp = br.special_points
    assert h.param_value == pytest.approx(a * bb / 2 - a ** 2 / 4, abs=1e-8)
    assert lp.param_value == pytest.approx(bb ** 2 / 4, abs=1e-8)


def test_hh_removable_singularities_give_no_nan():
    # alpha_m at V=-40 mV and alpha_n at V=-55 mV are 0/0 in the textbook form
    s = nb.compile(nb.blox.HodgkinHuxley(name="hh"))
    from nbblox.analysis._common import Problem
    pr = Problem(s)
    vf, vj = pr.vec()
    for V in (-40.0, -55.0):
        x = np.array([V, 0.1, 0.5, 0.4])
        assert np.all(np.isfinite(s.rhs(x))) and np.all(np.isfinite(s.jacobian(x)))
        assert np.all(np.isfinite(vf(x[:, None], pr.p0))) and np.all(np.isfinite(vj(x[:, None], pr.p0)))
        assert np.all(np.isfinite(pr.B(x, pr.p0, x, x)))
    pp = nb.phase_plane(s, "hh.V", "hh.n", xlim=(-90, 10), ylim=(0, 1), arrows=201)
    assert np.all(np.isfinite(pp.u)) and np.all(np.isfinite(pp.v))


def test_bad_inputs_continuation():
    b = nb.blox.FitzHughNagumo(name="fhn")
    with pytest.raises(nb.ParameterError, match="fhn.I"):
        continuation(b, "fhn.i", (0, 1))
    with pytest.raises(nb.ParameterError, match="outside the range"):
        continuation(b, "fhn.I", (1, 2))
    with pytest.raises(nb.ParameterError, match="pair"):
        continuation(b, "fhn.I", 3)


def test_singular_start_is_a_clear_error():
    b = nb.Blox.from_equations("dx/dt = -y**2\ndy/dt = 0*x", params={"r": 0.0}, name="z")
    with pytest.raises(nb.NbbloxError, match="singular|converge"):
        continuation(b, "z.r", (-1, 1), x0={"z.x": 0, "z.y": 0})


def test_branch_to_pandas_and_repr():
    br = continuation(nb.blox.FitzHughNagumo(name="fhn"), "fhn.I", (0.0, 2.0))
    df = br.to_pandas()
    assert list(df.columns[:4]) == ["fhn.I", "fhn.V", "fhn.w", "stable"]
    assert (df["special"] == "H").sum() == 2
    assert "H@0.3313" in repr(br)


@pytest.mark.parametrize("rhs, branch", [("r*x - x**3", lambda r: np.sqrt(np.maximum(r, 0))),
                                         ("r*x - x**2", lambda r: r)])
def test_branch_switching_at_pitchfork_and_transcritical(rhs, branch):
    b = nb.Blox.from_equations(f"dx/dt = {rhs}\ndy/dt = -y", params={"r": -1.0}, name="f")
    bp = continuation(b, "f.r", (-1, 2), x0={"f.x": 0, "f.y": 0}).special("BP")[0]
    other = continuation(b, "f.r", (-1, 2), start=bp)
    r, x = other.param_values, other.states["f.x"]
    assert np.max(np.abs(np.abs(x) - np.abs(branch(r)))) < 1e-9
    assert np.max(np.abs(x)) > 1.0  # really the other branch, not x = 0
    assert len(other.special("BP")) == 1


def test_unbounded_branch_stops_cleanly_with_reason():
    # x* = 1/(1 - p) escapes to infinity as p -> 1: the run must stop (capped) and say why
    b = nb.Blox.from_equations("dx/dt = 1 - (1 - p)*x", params={"p": 0.0}, name="u")
    br = continuation(b, "u.p", (0.0, 2.0), max_steps=200)
    assert br.reason and ("max_steps" in br.reason or "diverged" in br.reason
                          or "failed" in br.reason)
    assert len(br) > 10 and np.all(br.param_values < 1.0 + 1e-9)
    assert np.allclose(br.states["u.x"], 1 / (1 - br.param_values), rtol=1e-8)


def test_start_from_a_fixed_point():
    s = nb.compile(nb.blox.FitzHughNagumo(name="fhn"))
    fps = nb.fixed_points(s, params={"fhn.I": 0.5}, bounds={"fhn.V": (-3, 3), "fhn.w": (-3, 3)})
    br = continuation(s, "fhn.I", (0.0, 2.0), start=fps[0], params={"fhn.I": 0.5})
    assert [p.kind for p in br.special_points] == ["H", "H"]


def test_exprel_derivatives_are_finite_and_accurate_at_zero():
    # d^k/dx^k (e^x - 1)/x = int_0^1 t^k e^(x t) dt, checked by quadrature (used for the
    # Lyapunov coefficient of HH, whose rates have removable singularities)
    from scipy.integrate import quad
    from nbblox.analysis._common import np_expreln
    for k in range(4):
        for x in (-30.0, -1.0, -0.1, -1e-9, 0.0, 0.05, 0.1, 2.0, 20.0):
            ref = quad(lambda t: t ** k * np.exp(x * t), 0, 1, epsabs=0, epsrel=1e-13)[0]
            assert np_expreln(k, np.array([x]))[0] == pytest.approx(ref, rel=1e-10)
