"""Continuation finds its own start: a Morris-Lecar written as text, whose
states start at 0 (far from rest), is continued without x0=; several
equilibria at the start value are named; none gives a clear error."""
import warnings

import numpy as np
import pytest
from scipy.optimize import brentq

import nbblox as nb

ML = """
m_inf = 0.5*(1 + tanh((V - V1)/V2))
w_inf = 0.5*(1 + tanh((V - V3)/V4))
tau_w = 1/cosh((V - V3)/(2*V4))
dV/dt = (I - g_L*(V - E_L) - g_Ca*m_inf*(V - E_Ca) - g_K*w*(V - E_K))/C
dw/dt = phi*(w_inf - w)/tau_w
"""
# Rinzel J, Ermentrout GB (1989) Analysis of neural excitability and oscillations, in
# Methods in Neuronal Modeling (Koch & Segev eds), MIT Press, ch. 7: the "Hopf" set
HOPF = dict(I=0.0, C=20.0, g_Ca=4.4, g_K=8.0, g_L=2.0, E_Ca=120.0, E_K=-84.0, E_L=-60.0,
            V1=-1.2, V2=18.0, V3=2.0, V4=30.0, phi=0.04)
SNIC = dict(HOPF, g_Ca=4.0, V3=12.0, V4=17.4, phi=1 / 15)


def _hopf_current(P):
    """Independent of nbblox: on the equilibrium curve w = w_inf(V),
    I(V) = I_ion(V); the trace of the Jacobian vanishes at the Hopf point."""
    m = lambda V: 0.5 * (1 + np.tanh((V - P["V1"]) / P["V2"]))          # noqa: E731
    w = lambda V: 0.5 * (1 + np.tanh((V - P["V3"]) / P["V4"]))          # noqa: E731
    I = lambda V: (P["g_L"] * (V - P["E_L"]) + P["g_Ca"] * m(V) * (V - P["E_Ca"])   # noqa: E731
                   + P["g_K"] * w(V) * (V - P["E_K"]))

    def trace(V, h=1e-5):
        dIdV_w = lambda VV: (P["g_L"] * (VV - P["E_L"]) + P["g_Ca"] * m(VV) * (VV - P["E_Ca"])  # noqa: E731
                             + P["g_K"] * w(V) * (VV - P["E_K"]))
        dfdV = -(dIdV_w(V + h) - dIdV_w(V - h)) / (2 * h) / P["C"]
        return dfdV - P["phi"] * np.cosh((V - P["V3"]) / (2 * P["V4"]))
    return I(brentq(trace, -40, 0))


def test_morris_lecar_from_text_starts_by_itself():
    m = nb.Blox.from_equations(ML, params=HOPF, name="m")
    assert m.init == {"V": 0.0, "w": 0.0}
    with warnings.catch_warnings():
        warnings.simplefilter("error")           # one equilibrium: no warning either
        br = nb.continuation(m, "m.I", (0, 300))
    assert br.param_values.min() == pytest.approx(0.0) and br.param_values.max() == pytest.approx(300.0)
    # the branch starts at rest, V ~ -60.9 mV (the catalog's initial state)
    i0 = int(np.argmin(np.abs(br.param_values)))
    assert br.states["m.V"][i0] == pytest.approx(-60.855, abs=0.01)
    hs = br.special("H")
    assert hs[0].param_value == pytest.approx(_hopf_current(HOPF), abs=1e-5)


def test_several_equilibria_are_named():
    """The SNIC set at I = 0 has three equilibria (rest, saddle, upper focus;
    Ermentrout & Terman 2010, ch. 3, fig. 3.x): the warning says which was taken."""
    m = nb.Blox.from_equations(ML, params=SNIC, name="m")
    with pytest.warns(RuntimeWarning, match=r"3 equilibria at the start value; starting from "
                      r"the one the initial state relaxes to .*m.V=-5\d\.\d"):
        br = nb.continuation(m, "m.I", (0, 60))
    fold = br.special("LP")
    assert fold and fold[0].param_value == pytest.approx(39.96, abs=0.05)


def test_no_equilibrium_is_a_clear_error():
    drift = nb.Blox.from_equations("dx/dt = 1 + a*x**2", params={"a": 1.0}, name="d")
    with pytest.raises(nb.NbbloxError, match="no equilibrium at the start value.*integrating"):
        nb.continuation(drift, "d.a", (0.5, 2))
