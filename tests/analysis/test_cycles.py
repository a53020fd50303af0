"""Limit-cycle continuation from Hopf points (orthogonal collocation), checked
against published values and against direct simulation."""
import numpy as np
import pytest

import nbblox as nb
from nbblox.analysis import continuation


@pytest.fixture(scope="module")
def hh():
    s = nb.compile(nb.blox.HodgkinHuxley(name="hh"))
    br = continuation(s, "hh.I", (0.0, 200.0))
    cyc = continuation(s, "hh.I", (0.0, 200.0), start=br.special("H")[0])
    return s, br, cyc


@pytest.mark.slow
def test_hh_fold_of_limit_cycles(hh):
    # Rinzel & Miller 1980 (Math Biosci 49:27-59, doi:10.1016/0025-5564(80)90109-1):
    # the unstable cycles born at the subcritical Hopf (I = 9.78) turn at a fold of
    # cycles, I_nu ~ 6.26 uA/cm^2, where they meet the stable spiking branch
    # (Izhikevich 2007, DSN, Fig. 6.x: ~6.27).  Tolerance 0.02.
    s, br, cyc = hh
    I_lpc = min(p.param_value for p in cyc.special("LPC"))
    assert I_lpc == pytest.approx(6.27, abs=0.02)
    assert cyc.param_values.min() == pytest.approx(I_lpc, abs=1e-3)


@pytest.mark.slow
def test_hh_cycle_branch_ends_at_second_hopf(hh):
    s, br, cyc = hh
    h2 = br.special("H")[1]
    assert "Hopf" in cyc.reason
    assert cyc.param_values.max() == pytest.approx(h2.param_value, abs=3.0)
    # the shrinking cycle's period tends to 2 pi / omega of the second Hopf point
    assert cyc.period[np.argmax(cyc.param_values)] == pytest.approx(h2.period, rel=0.02)
    # near the first Hopf: period 2 pi / omega and unstable (subcritical)
    h1 = br.special("H")[0]
    assert cyc.period[0] == pytest.approx(h1.period, rel=0.02)
    assert not cyc.stable[0]
    assert np.all(cyc.stable[(cyc.param_values > 20) & (cyc.param_values < 140)])


@pytest.mark.slow
def test_hh_stable_cycle_matches_simulation(hh):
    s, br, cyc = hh
    sol = nb.simulate(s, 300.0, dt=0.01, params={"hh.I": 20.0})
    V = sol["hh.V"][sol.t > 200]
    sel = cyc.stable & (cyc.param_values > 12) & (cyc.param_values < 40)
    order = np.argsort(cyc.param_values[sel])
    vmax = np.interp(20.0, cyc.param_values[sel][order], cyc.max["hh.V"][sel][order])
    vmin = np.interp(20.0, cyc.param_values[sel][order], cyc.min["hh.V"][sel][order])
    assert vmax == pytest.approx(V.max(), abs=0.3)
    assert vmin == pytest.approx(V.min(), abs=0.3)
    # period from spike times in the simulation
    t = sol.t[sol.t > 200]
    up = t[1:][(V[:-1] < 0) & (V[1:] >= 0)]
    T = np.interp(20.0, cyc.param_values[sel][order], cyc.period[sel][order])
    assert T == pytest.approx(np.mean(np.diff(up)), rel=0.01)


def test_fhn_subcritical_hopf_cycles_fold_back():
    # l1 > 0 at both Hopf points of the catalog FHN: unstable cycles bend back to folds
    # of cycles, then a stable relaxation-oscillation branch joins them.
    s = nb.compile(nb.blox.FitzHughNagumo(name="fhn"))
    br = continuation(s, "fhn.I", (0.0, 2.0))
    h1, h2 = br.special("H")
    cyc = continuation(s, "fhn.I", (0.0, 2.0), start=h1)
    lpc = sorted(p.param_value for p in cyc.special("LPC"))
    assert len(lpc) == 2
    assert lpc[0] < h1.param_value and lpc[1] > h2.param_value
    # stable relaxation oscillation at I = 0.8 agrees with a simulation
    sol = nb.simulate(s, 600.0, dt=0.01, params={"fhn.I": 0.8})
    V = sol["fhn.V"][sol.t > 300]
    sel = cyc.stable & (cyc.param_values > 0.6) & (cyc.param_values < 1.0)
    order = np.argsort(cyc.param_values[sel])
    vmax = np.interp(0.8, cyc.param_values[sel][order], cyc.max["fhn.V"][sel][order])
    assert vmax == pytest.approx(V.max(), abs=0.01)


def test_cycle_start_must_be_hopf():
    s = nb.compile(nb.blox.FitzHughNagumo(name="fhn"))
    br = continuation(s, "fhn.I", (0.0, 2.0))
    with pytest.raises(nb.ParameterError, match="outside"):
        continuation(s, "fhn.I", (1.0, 2.0), start=br.special("H")[0])
