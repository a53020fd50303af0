"""The symbolic forms of a circuit substitute the inputs that outputs read.

``System.equations()`` (and with it ``symbolic_jacobian``, ``nb.fixed_points``,
continuation) and the forward-sensitivity kernels built each input as the
sum of the outputs feeding it, but left the inputs an output reads (AMPA's
``I = -g r (V_post - E)``, Destexhe, Mainen & Sejnowski 1994) as the local
symbol ``u1``: at 1bd47d3, ``nb.fixed_points`` on Hodgkin-Huxley -> AMPA ->
Hodgkin-Huxley raised ``NameError: name 'u1' is not defined`` and
``simulate(..., sensitivities=...)`` a numba TypingError with the same name.
"""
import sys
from pathlib import Path

import numpy as np
import pytest
import sympy as sp

import nbblox as nb
from nbblox.compile.npfuncs import LAMBDIFY_MODULES

sys.path.insert(0, str(Path(__file__).parents[1] / "compile"))
from test_jacobian_outputs import away_from_rest, hh_ampa_hh  # noqa: E402


def test_equations_read_no_input_symbol_and_equal_rhs():
    s = nb.compile(hh_ampa_hh())
    eqs = s.equations()
    free = {str(v) for e in eqs.values() for v in e.free_symbols}
    assert free <= set(s.state_names) | set(s.param_names) | {"t"}
    x = away_from_rest(s)
    syms = [sp.Symbol(n, real=True) for n in s.state_names + s.param_names]
    at = lambda exprs: np.array(sp.lambdify(syms, exprs, modules=LAMBDIFY_MODULES)(
        *x, *s.params.array), dtype=float)
    np.testing.assert_allclose(at([eqs[n] for n in s.state_names]), s.rhs(x),
                               rtol=1e-12, atol=1e-12)
    # the symbolic Jacobian has the d I/d V_post term the kernels have
    np.testing.assert_allclose(at(s.symbolic_jacobian()), s.jacobian(x), rtol=1e-10,
                               atol=1e-12)


def test_fixed_point_of_a_synaptic_pair():
    """post near rest, pre held depolarised by its current: an equilibrium
    where rhs vanishes, the synapse open as its kinetics say at pre's
    voltage (r = alpha T / (alpha T + beta)), pulling post.V up a little."""
    s = nb.compile(hh_ampa_hh())
    fps = nb.fixed_points(s)
    assert len(fps) >= 1
    for fp in fps:
        x = np.array([fp.state[n] for n in s.state_names])
        assert np.abs(s.rhs(x)).max() < 1e-9
        assert -70.0 < fp.state["post.V"] < -60.0         # measured -64.996 mV
        P = s.params
        T = P["syn.Tmax"] / (1 + np.exp(-(fp.state["pre.V"] - P["syn.Vp"]) / P["syn.Kp"]))
        r = P["syn.alpha"] * T / (P["syn.alpha"] * T + P["syn.beta"])
        assert fp.state["syn.r"] == pytest.approx(r, rel=1e-9)
    alone = nb.fixed_points(nb.blox.HodgkinHuxley(name="post"))
    assert fps[0].state["post.V"] - alone[0].state["post.V"] > 1e-5   # measured 1.4e-4 mV


def test_sensitivity_through_the_synaptic_current():
    """d post.V / d syn.g against central differences of two runs."""
    c = hh_ampa_hh()
    sol = nb.simulate(c, 20.0, dt=0.01, sensitivities=["syn.g"], record=["post.V"])
    g, h = 0.1, 1e-5
    hi = nb.simulate(c, 20.0, dt=0.01, params={"syn.g": g + h}, record=["post.V"])
    lo = nb.simulate(c, 20.0, dt=0.01, params={"syn.g": g - h}, record=["post.V"])
    fd = (np.asarray(hi["post.V"]) - np.asarray(lo["post.V"])) / (2 * h)
    S = sol.sensitivity("post.V", "syn.g")
    assert np.abs(fd).max() > 1.0                      # the synapse matters
    assert np.abs(S - fd).max() < 1e-4 * np.abs(fd).max()


@pytest.mark.parametrize("backend", ["numba", "numpy"])
def test_fixed_points_agree_across_backends(backend):
    fps = nb.fixed_points(nb.compile(hh_ampa_hh(), backend=backend))
    assert fps[0].state["pre.V"] == pytest.approx(-59.5706, abs=1e-3)
