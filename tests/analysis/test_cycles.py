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


def _rossler():
    return nb.compile(nb.Blox.from_equations("""
        dx/dt = -y - z
        dy/dt = x + a*y
        dz/dt = b + z*(x - c)
        """, params={"a": 0.0, "b": 0.2, "c": 5.7}, name="r"))


@pytest.fixture(scope="module")
def rossler():
    # Rossler OE (1976) Phys Lett A 57:397, b = 0.2, c = 5.7, continued in a from the
    # Hopf point of the inner equilibrium (a ~ 0.006) to Rossler's a = 0.2
    s = _rossler()
    eq = continuation(s, "r.a", (-0.2, 0.2), params={"r.a": -0.1})
    p1 = continuation(s, "r.a", (-0.2, 0.2), start=eq.special("H")[0])
    p2 = continuation(s, "r.a", (-0.2, 0.2), start=p1.special("PD")[0])
    return s, p1, p2


@pytest.mark.slow
def test_rossler_period_doubling_branch_switching_chaosbook_cycles(rossler):
    # ChaosBook (Cvitanovic et al., chaosbook.org), "Roessler's model" (extras/simon/
    # Roessler.html), a = b = 0.2, c = 5.7, periodic orbits found by Newton:
    #   1-cycle: T = 5.88108845586, Floquet multipliers 1, -2.403953527, ~0
    #   2-cycle: T = 11.7586260717, multipliers 1, -3.512006980, ~0
    # The 1-cycle comes from the Hopf point; the 2-cycle only through the branch
    # switch at the first period-doubling point (the cycle traversed twice,
    # perturbed along the Floquet eigenfunction of multiplier -1).
    s, p1, p2 = rossler
    assert p1.param_values[-1] == 0.2 and p2.param_values[-1] == 0.2  # range end hit exactly
    assert p1.period[-1] == pytest.approx(5.88108845586, abs=1e-6)
    assert p2.period[-1] == pytest.approx(11.7586260717, abs=1e-6)
    mu1, mu2 = p1.multipliers[-1], p2.multipliers[-1]
    assert mu1[np.argmax(np.abs(mu1))].real == pytest.approx(-2.403953527, abs=1e-4)
    assert mu2[np.argmax(np.abs(mu2))].real == pytest.approx(-3.512006980, abs=1e-4)
    # the doubled branch starts at the PD point with twice its period, and is a
    # genuinely new orbit: its two laps differ (not the 1-cycle traversed twice)
    (pd,) = p1.special("PD")
    assert p2.param_values[0] == pytest.approx(pd.param_value, abs=1e-3)
    assert p2.period[0] == pytest.approx(2 * pd.data["period"], rel=1e-3)
    prof = p2.profiles[-1]
    half = (prof.shape[0] - 1) // 2
    assert np.max(np.abs(prof[:half] - prof[half:-1])) > 1.0
    # it is stable just past the PD (supercritical doubling: the 1-cycle lost stability)
    i = np.searchsorted(p1.param_values, pd.param_value)
    assert p1.stable[i - 2] and not p1.stable[i + 2] and p2.stable[1]


@pytest.mark.slow
def test_rossler_cascade_second_doubling(rossler):
    # The cascade goes on: the 2-cycle doubles again before a = 0.2 (the attractor at
    # a = 0.2 is chaotic); switching there gives a cycle of ~4 times the base period.
    s, p1, p2 = rossler
    (pd1,), pd2 = p1.special("PD"), p2.special("PD")
    assert len(pd2) == 1 and pd1.param_value < pd2[0].param_value < 0.2
    p4 = continuation(s, "r.a", (-0.2, 0.2), start=pd2[0], max_steps_cycles=3)
    assert p4.period[0] == pytest.approx(2 * pd2[0].data["period"], rel=1e-3)
    assert 4 * 5.8 < p4.period[0] < 4 * 6.2


def test_pd_start_bad_inputs(rossler):
    s, p1, p2 = rossler
    pd = p1.special("PD")[0]
    with pytest.raises(nb.ParameterError, match="outside"):
        continuation(s, "r.a", (0.15, 0.2), start=pd)
    with pytest.raises(nb.ParameterError, match="ntst"):
        continuation(s, "r.a", (-0.2, 0.2), start=pd, ntst=13)
    with pytest.raises(nb.NbbloxError, match="not a period-doubling"):
        fake = nb.SpecialPoint("PD", p1.param_values[5], {}, params=pd.params,
                                        data={**pd.data, "profile": p1.profiles[5],
                                              "period": p1.period[5]})
        fake.params = pd.params.copy()
        fake.params[s.param_names.index("r.a")] = p1.param_values[5]
        continuation(s, "r.a", (-0.2, 0.2), start=fake)


@pytest.mark.slow
def test_adaptive_mesh_relaxation_oscillation_van_der_pol():
    # van der Pol, x'' - mu (e - x^2) x' + x = 0: a supercritical Hopf at e = 0, and at
    # e = 1 the classic oscillator, strongly relaxational for mu = 5.  Its period is
    # 11.6122307 by an independent high-accuracy integration (scipy DOP853, rtol = atol
    # = 1e-12, zero crossings) and is within 5% of the two-term relaxation asymptotics
    # (3 - 2 ln 2) mu + 3 alpha mu^(-1/3), alpha = 2.33811 the first zero of Ai(-x)
    # (Dorodnitsyn 1947; Grasman J (1987) Asymptotic methods for relaxation
    # oscillations, Springer).  The fast jumps need mesh points where the orbit
    # bends: with the same 20 (40) intervals, the adapted mesh (de Boor's
    # equidistribution, AUTO's IAD) gets the period 10^4 (10^5) times closer than the
    # uniform one.
    from scipy.integrate import solve_ivp
    mu = 5.0
    s = nb.compile(nb.Blox.from_equations("dx/dt = y\ndy/dt = mu*(e - x**2)*y - x",
                                          params={"mu": mu, "e": -0.5}, name="v"))
    eq = continuation(s, "v.e", (-0.5, 1.0), x0={"v.x": 0, "v.y": 0})
    (H,) = eq.special("H")
    ev = lambda t, z: z[0]
    ev.direction = 1
    sol = solve_ivp(lambda t, z: [z[1], mu * (1 - z[0] ** 2) * z[1] - z[0]], (0, 120), [2, 0],
                    method="DOP853", rtol=1e-12, atol=1e-12, events=ev)
    T_ref = np.diff(sol.t_events[0])[-1]
    asym = (3 - 2 * np.log(2)) * mu + 3 * 2.33811 * mu ** (-1 / 3)
    assert abs(T_ref - asym) / T_ref < 0.05
    err = {}
    for ntst in (20, 40):
        for adapt in (0, 3):
            cy = continuation(s, "v.e", (-0.5, 1.0), start=H, ntst=ntst, adapt=adapt)
            assert cy.param_values[-1] == 1.0
            err[ntst, adapt] = abs(cy.period[-1] - T_ref)
    assert err[20, 3] < 2e-5 and err[20, 0] > 1e-2
    assert err[40, 3] < 1e-6 and err[40, 0] > 1e-4
