"""Wilson-Cowan in the forms of Neuromatch Academy, neurolib and Neuroblox.jl
(issue 18, "catalog variants"): each blox reproduces its source.

- NMA (W2D4 Tutorial 2, course-content): the tutorial's own Euler loop
  ``simulate_wc`` and ``default_pars()``, transcribed here in NumPy, and its
  published outcomes: from rE(0) = 0.32 the activity decays to rest, from
  0.33 it settles high (Demo 1.2 / its explanation); three fixed points near
  the tutorial's guesses (0.1, 0.1), (0.3, 0.3), (0.8, 0.6), printed
  "Stable point", "Unstable point", "Stable point".
- neurolib: values of neurolib 0.6.2's own ``models/wc/timeIntegration.py``
  (the numba loop of WCModel, run once with its default parameters, one
  node, no noise, exc(0) = 0.05, inh(0) = 0.02, dt = 0.1 ms), recorded below.
- Neuroblox.jl (src/blox/neural_mass.jl): the equations integrated
  independently with SciPy's solve_ivp, and the steady state E* = tau_E S(...)
  that only this form has (E* > 1 for tau_E > 1).
"""
import numpy as np
import pytest
from scipy.integrate import solve_ivp
from scipy.optimize import brentq, root

import nbblox as nb
from nbblox.model.library import CATALOG, WILSON_COWAN_FORMS

# -- NMA -------------------------------------------------------------------------
NMA = dict(tau_E=1.0, a_E=1.2, theta_E=2.8, tau_I=2.0, a_I=1.0, theta_I=4.0,
           wEE=9.0, wEI=4.0, wIE=13.0, wII=11.0, I_ext_E=0.0, I_ext_I=0.0)


def _F(x, a, theta):
    return (1 + np.exp(-a * (x - theta))) ** -1 - (1 + np.exp(a * theta)) ** -1


def _nma_derivs(rE, rI, p=NMA):
    return ((-rE + _F(p["wEE"] * rE - p["wEI"] * rI + p["I_ext_E"], p["a_E"], p["theta_E"]))
            / p["tau_E"],
            (-rI + _F(p["wIE"] * rE - p["wII"] * rI + p["I_ext_I"], p["a_I"], p["theta_I"]))
            / p["tau_I"])


def _nma_simulate(rE0, rI0, T=50.0, dt=0.1):
    """NMA's simulate_wc: forward Euler on range_t = np.arange(0, T, dt)."""
    n = np.arange(0, T, dt).size
    rE, rI = np.empty(n), np.empty(n)
    rE[0], rI[0] = rE0, rI0
    for k in range(n - 1):
        dE, dI = _nma_derivs(rE[k], rI[k])
        rE[k + 1] = rE[k] + dt * dE
        rI[k + 1] = rI[k] + dt * dI
    return rE, rI


@pytest.mark.parametrize("rE0, high", [(0.32, False), (0.33, True)])
def test_nma_form_matches_the_tutorial_loop_and_its_bistability(rE0, high):
    sol = nb.simulate(nb.blox.WilsonCowanNMA(name="wc"), 49.9, dt=0.1, method="euler",
                      x0={"wc.rE": rE0, "wc.rI": 0.15})
    rE, rI = _nma_simulate(rE0, 0.15)
    assert sol["wc.rE"].size == rE.size == 500
    np.testing.assert_allclose(sol["wc.rE"], rE, rtol=0, atol=1e-12)
    np.testing.assert_allclose(sol["wc.rI"], rI, rtol=0, atol=1e-12)
    # the tutorial: 0.32 decays to rest, 0.33 levels out at a high positive value
    final = float(sol["wc.rE"][-1])
    assert final > 0.5 if high else final < 0.01


def test_nma_fixed_points_and_their_stability():
    fps = nb.fixed_points(nb.blox.WilsonCowanNMA(name="wc"),
                          bounds={"wc.rE": (-0.05, 1.0), "wc.rI": (-0.05, 1.0)})
    assert len(fps) == 3
    for fp, guess, stable in zip(fps, [(0.1, 0.1), (0.3, 0.3), (0.8, 0.6)],
                                 [True, False, True]):
        ref = root(lambda x: _nma_derivs(*x), guess, tol=1e-13).x
        assert [fp.state["wc.rE"], fp.state["wc.rI"]] == pytest.approx(ref, abs=1e-8)
        assert bool(fp.stable) is stable, (guess, fp.stability)


# -- neurolib ----------------------------------------------------------------------
#: neurolib 0.6.2 WCModel time integration (defaults, one node, sigma_ou = 0,
#: exc(0) = 0.05, inh(0) = 0.02, dt = 0.1 ms): exc_ext -> (exc(10 ms),
#: inh(10 ms), exc(100 ms), max and min of exc over 1000-2000 ms).
#: Recomputed on 2026-12-06 from the PyPI wheel neurolib-0.6.2: its own
#: models/wc/loadDefaultParams.py and timeIntegration.py (loaded by path, without
#: neurolib/__init__ and its plotting dependencies), exc_init/inh_init set as
#: above, exc_ext set per row, duration 2000 ms; the arrays' index k is t = k*dt
#: (index 0 holds the initial value), as in nbblox.  All 15 values agreed to the
#: last digit shown (exc max at exc_ext = 1 to 1 ulp).
NEUROLIB = {
    0.0: (0.012227463735015345, 0.01507533036203067, 0.01122536746189363,
          0.011225367461896825, 0.011225367461896825),
    1.0: (0.06666511476212766, 0.16939195399146645, 0.3159022850981779,
          0.3164907206121091, 0.031000419525477493),
    2.5: (0.45550211037216115, 0.49136281318768293, 0.4677850612643005,
          0.47635791940150857, 0.12313492515376914),
}


@pytest.mark.parametrize("ext", sorted(NEUROLIB))
def test_neurolib_form_matches_neurolib_time_integration(ext):
    sol = nb.simulate(nb.blox.WilsonCowanNeurolib(name="wc", exc_ext=ext), 2000.0, dt=0.1,
                      method="euler", x0={"wc.exc": 0.05, "wc.inh": 0.02})
    e, i = sol["wc.exc"], sol["wc.inh"]
    late = e[sol.t >= 1000.0 + 0.05]
    got = (e[100], i[100], e[1000], late.max(), late.min())
    np.testing.assert_allclose(got, NEUROLIB[ext], rtol=1e-9)
    # without input neurolib's node rests; with exc_ext = 1 and 2.5 it oscillates
    assert bool(late.max() - late.min() > 0.2) is (ext > 0)


# -- Neuroblox ---------------------------------------------------------------------
NBX = dict(tau_E=1.0, tau_I=1.0, a_E=1.2, a_I=2.0, c_EE=5.0, c_IE=6.0, c_EI=10.0, c_II=1.0,
           theta_E=2.0, theta_I=3.5, eta=1.0)


def _nbx_rhs(t, x, p):
    E, I = x
    return [-E / p["tau_E"] + 1 / (1 + np.exp(-p["a_E"] * (p["c_EE"] * E - p["c_IE"] * I
                                                          - p["theta_E"]))),
            -I / p["tau_I"] + 1 / (1 + np.exp(-p["a_I"] * (p["c_EI"] * E - p["c_II"] * I
                                                          - p["theta_I"])))]


@pytest.mark.parametrize("tau_E", [1.0, 3.0])
def test_neuroblox_form_matches_an_independent_integration(tau_E):
    p = {**NBX, "tau_E": tau_E}
    sol = nb.simulate(nb.blox.WilsonCowanNeuroblox(name="wc", tau_E=tau_E), 20.0, dt=0.01)
    ref = solve_ivp(_nbx_rhs, (0, 20), [1.0, 1.0], args=(p,), t_eval=sol.t, rtol=1e-11,
                    atol=1e-12, method="DOP853")
    np.testing.assert_allclose(sol["wc.E"], ref.y[0], atol=1e-7)
    np.testing.assert_allclose(sol["wc.I"], ref.y[1], atol=1e-7)


def test_neuroblox_steady_state_is_tau_times_sigmoid():
    # a strongly driven E with no inhibition settles at E* = tau_E * S(c_EE E* - theta_E
    # + eta*jcn): above 1 for tau_E = 3, which no other form allows (they stay below 1)
    p = {**NBX, "tau_E": 3.0, "c_IE": 0.0}
    sol = nb.simulate(nb.blox.WilsonCowanNeuroblox(name="wc", tau_E=3.0, c_IE=0.0), 150.0,
                      dt=0.01)
    g = lambda E: E - 3.0 / (1 + np.exp(-p["a_E"] * (p["c_EE"] * E - p["theta_E"])))  # noqa: E731
    star = brentq(g, 1.0, 3.0)
    assert star > 2.9 and sol["wc.E"][-1] == pytest.approx(star, abs=1e-9)


# -- the table -----------------------------------------------------------------------
def test_forms_table_names_a_catalog_blox_per_form():
    assert set(WILSON_COWAN_FORMS) == {"WilsonCowan", "WilsonCowanNMA", "WilsonCowanNeurolib",
                                       "WilsonCowanNeuroblox"}
    fields = {"source", "E equation", "sigmoid", "refractory factor", "time constant",
              "states", "defaults"}
    for name, row in WILSON_COWAN_FORMS.items():
        assert name in CATALOG and set(row) == fields
        assert set(row["states"].split(", ")) == set(CATALOG[name].states)
    assert nb.blox.WILSON_COWAN_FORMS is WILSON_COWAN_FORMS


def test_forms_couple_through_their_input():
    # every form takes the activity of another region on I_syn (Neuroblox's jcn,
    # neurolib's K_gl * Cmat @ exc): a driven region differs from an undriven one
    for name, out in [("WilsonCowanNMA", "rE"), ("WilsonCowanNeurolib", "exc"),
                      ("WilsonCowanNeuroblox", "E")]:
        T = CATALOG[name]
        a, b = T(name="a"), T(name="b")
        c = nb.Circuit([a, b], name="pair")
        c.connect(a, b, weight=2.0)
        sol = nb.simulate(c, 5.0, dt=0.01)
        assert not np.allclose(sol[f"a.{out}"], sol[f"b.{out}"]), name
