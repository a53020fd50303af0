"""Bifurcations of published neuron and neural-mass models through the public API.

Each test cites its source; where a published number could not be checked
exactly, the value is recomputed independently (explicit formulas + scipy)
and the test says so.
"""
import warnings

import numpy as np
import pytest
from scipy.optimize import brentq, minimize_scalar

import nbblox as nb
from nbblox.analysis import continuation, continuation2

warnings.filterwarnings("ignore", category=RuntimeWarning)


def ml_fast():
    # MatCont manual (Dhooge, Govaerts, Kuznetsov, Meijer, Sautois; MatCont 7p4 docs,
    # example "the fast Morris-Lecar equations", eq. (74)), reported output of
    # testEquilMLfast: H at y = 0.075658 with first Lyapunov coefficient 8.238955,
    # LP at y = -0.020727 (a = -1.036700e+01) and y = 0.083257 (a = -2.697425),
    # and a *neutral saddle* between them (MatCont prints it; it is not a Hopf point).
    return nb.Blox.from_equations("""
        m_inf = (1 + tanh((v + 0.01)/0.15))/2
        w_inf = (1 + tanh((v - z)/0.145))/2
        tau = cosh((v - 0.1)/0.29)
        dv/dt = y - 0.5*(v + 0.5) - 2*w*(v + 0.7) - m_inf*(v - 1)
        dw/dt = 1.15*(w_inf - w)*tau
        """, params={"y": 0.110472, "z": 0.1}, name="ml")


def test_matcont_fast_morris_lecar_example():
    br = continuation(ml_fast(), "ml.y", (-0.1, 0.2), x0={"ml.v": 0.04722, "ml.w": 0.32564})
    kinds = sorted((p.param_value, p.kind) for p in br.special_points)
    assert [k for _, k in kinds] == ["LP", "H", "LP"]  # no Hopf at the neutral saddle
    (lp1, _), (h, _), (lp2, _) = kinds
    assert lp1 == pytest.approx(-0.020727, abs=2e-6)
    assert h == pytest.approx(0.075658, abs=2e-6)
    assert lp2 == pytest.approx(0.083257, abs=2e-6)
    H = br.special("H")[0]
    assert H.state["ml.v"] == pytest.approx(0.036756, abs=2e-6)
    # MatCont prints Re(c1)/... without Kuznetsov's 1/omega factor: l1_matcont = l1 * omega
    assert H.lyapunov * H.frequency == pytest.approx(8.238955, rel=1e-5)
    a = sorted(abs(p.normal_form) for p in br.special("LP"))  # sign depends on q's orientation
    assert a == pytest.approx([2.697425, 10.36700], rel=1e-5)


def _ml_I_and_trace(V, P):
    """Independent Morris-Lecar equilibrium curve I(V) and trace of J (Rinzel & Ermentrout 1989)."""
    m = 0.5 * (1 + np.tanh((V - P["V1"]) / P["V2"]))
    w = 0.5 * (1 + np.tanh((V - P["V3"]) / P["V4"]))
    I = P["g_L"] * (V - P["E_L"]) + P["g_Ca"] * m * (V - P["E_Ca"]) + P["g_K"] * w * (V - P["E_K"])
    h = 1e-6

    def fV(VV):
        mm = 0.5 * (1 + np.tanh((VV - P["V1"]) / P["V2"]))
        return (I - P["g_L"] * (VV - P["E_L"]) - P["g_Ca"] * mm * (VV - P["E_Ca"])
                - P["g_K"] * w * (VV - P["E_K"])) / P["C"]
    dfdV = (fV(V + h) - fV(V - h)) / (2 * h)
    tr = dfdV - P["phi"] * np.cosh((V - P["V3"]) / (2 * P["V4"]))
    return I, tr


def _ml_params(preset):
    t = nb.blox.MorrisLecar
    P = {k: v.default for k, v in t.params.items()}
    P.update(t.presets[preset])
    return P


def test_morris_lecar_class_II_subcritical_hopf():
    # Rinzel J, Ermentrout GB (1989) Analysis of neural excitability and oscillations,
    # in Methods in Neuronal Modeling (Koch & Segev eds), MIT Press: with the "Hopf"
    # set (g_Ca=4.4, V3=2, V4=30, phi=0.04) rest loses stability at a subcritical Hopf
    # (class II).  Location checked against an independent trace = 0 root of the
    # explicit equilibrium curve.
    P = _ml_params("hopf")
    Vh = brentq(lambda V: _ml_I_and_trace(V, P)[1], -40, 0)
    I_h = _ml_I_and_trace(Vh, P)[0]
    br = continuation(nb.blox.MorrisLecar(name="ml", preset="hopf"), "ml.I", (0, 150))
    hs = br.special("H")
    assert len(hs) >= 1 and not br.special("LP")
    assert hs[0].param_value == pytest.approx(I_h, abs=1e-6)
    assert hs[0].lyapunov > 0  # subcritical


def test_morris_lecar_class_I_saddle_node_on_invariant_circle():
    # Rinzel & Ermentrout 1989 "SNIC" set (g_Ca=4, V3=12, V4=17.4, phi=1/15): firing
    # starts at a fold of the rest state near I = 40 uA/cm^2 (Ermentrout & Terman 2010,
    # Mathematical Foundations of Neuroscience, ch. 3: I ~ 39.96) with arbitrarily low rate.
    P = _ml_params("snic")
    res = minimize_scalar(lambda V: -_ml_I_and_trace(V, P)[0], bounds=(-40, -10), method="bounded",
                          options={"xatol": 1e-10})
    I_fold = -res.fun
    br = continuation(nb.blox.MorrisLecar(name="ml", preset="snic"), "ml.I", (0, 100))
    lps = br.special("LP")
    assert lps and lps[0].param_value == pytest.approx(I_fold, abs=1e-6)
    assert lps[0].param_value == pytest.approx(39.96, abs=0.05)
    # on an invariant circle: just above the fold the neuron fires, slower the closer it is
    s = nb.compile(nb.blox.MorrisLecar(name="ml", preset="snic"))
    rates = []
    for dI in (0.5, 5.0):
        sol = nb.simulate(s, 3000.0, dt=0.05, params={"ml.I": I_fold + dI})
        V = sol["ml.V"][sol.t > 1000]
        rates.append(np.sum((V[:-1] < 0) & (V[1:] >= 0)))
    assert 0 < rates[0] < rates[1] / 2


def test_jansen_rit_grimbert_faugeras_2006():
    # Grimbert F, Faugeras O (2006) Bifurcation analysis of Jansen's neural mass model.
    # Neural Comput 18:3052-3068, doi:10.1162/neco.2006.18.12.3052: with the standard
    # parameters (A=3.25, B=22, a=100/s, b=50/s, C=135, e0=2.5/s, v0=6, r=0.56) the
    # branch of equilibria in the input rate p has two folds and three Hopf points.
    # The paper's text was not available to check here; the numbers are checked
    # against an independent AUTO-07p run of the same equations and parameters
    # (github.com/pclus/auto-tutorial, docs/2-Examples/Jansen-Rit.md, the printed
    # branch: LP at p = 113.586 and -41.3014, HB at -12.1475, in 1/s), to the 5-6
    # digits AUTO prints.  The other two Hopf points (89.83 and 315.70 Hz, the
    # onset and end of the alpha-rhythm cycle) are not in that printout: those two
    # numbers are as quoted from Grimbert & Faugeras, not verified against the text.
    # The catalog blox is in ms, so p is in 1/ms.
    br = continuation(nb.blox.JansenRit(name="jr"), "jr.p", (-0.1, 0.4), params={"jr.p": 0.0})
    hz = lambda kind: sorted(1000 * p.param_value for p in br.special(kind))
    assert hz("LP") == pytest.approx([-41.3014, 113.586], abs=1e-3)  # AUTO-07p
    h = hz("H")
    assert len(h) == 3
    assert h[0] == pytest.approx(-12.1475, abs=1e-3)  # AUTO-07p
    assert h[1:] == pytest.approx([89.83, 315.70], abs=0.05)  # Grimbert & Faugeras 2006


def _mpr_eta(r, J, Delta=1.0):
    # MPR 2015 fixed points (their Eq. 12 in units tau = 1): v = -Delta/(2 pi r),
    # eta = -v^2 - J r + pi^2 r^2
    return -(Delta / (2 * np.pi * r)) ** 2 - J * r + np.pi ** 2 * r ** 2


def test_montbrio_pazo_roxin_folds_and_cusp():
    # Montbrio E, Pazo D, Roxin A (2015) Phys Rev X 5:021028: bistability between a low-
    # and a high-activity state bounded by two saddle-node curves meeting at a cusp.
    # Folds where d eta / d r = 0 of the fixed-point relation; the cusp where also the
    # second derivative vanishes: r* = (3/4)^(1/4) sqrt(Delta)/pi.  Catalog r, tau in ms:
    # r_ms * tau = r_paper.
    J, tau = 15.0, 10.0
    rr = np.linspace(0.01, 2.0, 400001)
    d = np.gradient(_mpr_eta(rr, J), rr)
    idx = np.nonzero(np.sign(d[:-1]) != np.sign(d[1:]))[0]
    eta_folds = sorted(_mpr_eta(rr[idx], J))
    b = nb.blox.MontbrioPazoRoxin(name="m", J=J, tau=tau)
    br = continuation(b, "m.eta", (-10.0, 0.0), params={"m.eta": -10.0})
    lps = sorted(p.param_value for p in br.special("LP"))
    assert lps == pytest.approx(eta_folds, abs=1e-4)
    r_c = (3 / 4) ** 0.25 / np.pi
    J_c = 1 / (2 * np.pi ** 2 * r_c ** 3) + 2 * np.pi ** 2 * r_c
    curve = continuation2(b, br.special("LP")[0], ("m.eta", "m.J"),
                          bounds={"m.eta": (-15.0, 0.0), "m.J": (0.0, 30.0)})
    cps = curve.special("CP")
    assert len(cps) == 1
    assert cps[0].param_value == pytest.approx((_mpr_eta(r_c, J_c), J_c), abs=1e-4)
