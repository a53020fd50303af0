"""Neural masses reproduce published behaviour (each test cites its source)."""
import numpy as np
import pytest

import nbblox as nb


def _H(x, a, b, d):
    y = a * x - b
    return y / (1 - np.exp(-d * y))


def test_jansen_rit_alpha_rhythm(lib):
    # Jansen & Rit 1995 (doi:10.1007/BF00199471): with the standard constants and input
    # p = 220 pulses/s the column produces alpha activity near 10 Hz (tolerance 8-12 Hz).
    sol = nb.simulate(nb.blox.JansenRit(name="jr"), 4000.0, dt=0.1)
    m = sol.t > 1000.0
    eeg = sol["jr.y1"][m] - sol["jr.y2"][m]
    assert 8.0 <= lib.dominant_frequency(sol.t[m], eeg) <= 12.0
    assert eeg.max() - eeg.min() > 1.0          # a sustained oscillation, not a decay


def test_wilson_cowan_limit_cycle(lib):
    # Wilson & Cowan 1972 (doi:10.1016/S0006-3495(72)86068-5), Fig. 6 parameters with P =
    # 1.25: a stable limit cycle in (E, I).
    sol = nb.simulate(nb.blox.WilsonCowan(name="wc"), 1000.0, dt=0.05)
    E = sol["wc.E"][sol.t > 300.0]
    assert E.max() - E.min() > 0.1
    assert len(lib.crossings(sol, "wc.E", 0.5 * (E.max() + E.min()), t_min=300.0)) >= 3


def test_larter_breakspear_fixed_point_then_oscillation():
    # Breakspear, Terry & Friston 2003 (doi:10.1088/0954-898X_14_4_305), bifurcation in
    # d_V: a stable fixed point for small d_V (0.5), oscillations at d_V = 0.65.
    lb = nb.blox.LarterBreakspear
    sol = nb.simulate(lb(name="lb", d_V=0.5), 2000.0, dt=0.05)
    V = sol["lb.V"][sol.t > 1000.0]
    assert V.max() - V.min() < 1e-3
    sol = nb.simulate(lb(name="lb", d_V=0.65), 2000.0, dt=0.05)
    V = sol["lb.V"][sol.t > 1000.0]
    assert V.max() - V.min() > 0.5


def test_montbrio_bistability_matches_fixed_point_equation():
    # Montbrio, Pazo & Roxin 2015 (doi:10.1103/PhysRevX.5.021028): Delta = 1, eta = -5,
    # J = 15 lies in the bistable region (their Figs. 1-2).  Each stable state satisfies
    # the paper's fixed-point equations v* = -Delta/(2 pi tau r*) and
    # v*^2 + eta + J tau r* - (pi tau r*)^2 = 0.
    m = nb.blox.MontbrioPazoRoxin(name="m")
    finals = []
    for x0 in ({"m.r": 0.001, "m.v": -2.0}, {"m.r": 0.1, "m.v": 0.0}):
        sol = nb.simulate(m, 600.0, dt=0.01, x0=x0)
        r, v = sol["m.r"][-1], sol["m.v"][-1]
        tr = 10.0 * r
        assert v == pytest.approx(-1.0 / (2 * np.pi * tr), rel=1e-6)
        assert v**2 - 5.0 + 15.0 * tr - (np.pi * tr) ** 2 == pytest.approx(0.0, abs=1e-6)
        finals.append(r * 1000.0)
    low, high = finals
    assert low < 15.0 and high > 80.0               # two distinct stable rates (Hz)


def test_montbrio_synaptic_kinetics_create_inhibitory_oscillations():
    # Devalle, Roxin & Montbrio 2017 (doi:10.1371/journal.pcbi.1005881): with instantaneous
    # inhibitory synapses the mean field only has damped oscillations (a stable focus);
    # with first-order synaptic kinetics it oscillates (collective oscillation).
    kw = dict(J=-20.0, eta=10.0, Delta=1.0)
    sol = nb.simulate(nb.blox.MontbrioPazoRoxin(name="m", **kw), 800.0, dt=0.01)
    r = sol["m.r"][sol.t > 500.0]
    assert r.max() - r.min() < 1e-4
    sol = nb.simulate(nb.blox.MontbrioPazoRoxinSynaptic(name="m", tau_s=5.0, **kw),
                      800.0, dt=0.01)
    r = sol["m.r"][sol.t > 500.0]
    assert (r.max() - r.min()) * 1000 > 50.0        # Hz


def test_wong_wang_decision_and_working_memory():
    # Wong & Wang 2006 (doi:10.1523/JNEUROSCI.3733-05.2006): spontaneous rates of a few
    # Hz without stimulus; with coherence 51.2% population 1 wins (tens of Hz) while
    # population 2 is suppressed; the winner stays active after the stimulus is removed.
    def rates(S1, S2, mu, coh):
        x1 = 0.2609 * S1 - 0.0497 * S2 + 0.3255 + 5.2e-4 * mu * (1 + coh / 100)
        x2 = 0.2609 * S2 - 0.0497 * S1 + 0.3255 + 5.2e-4 * mu * (1 - coh / 100)
        return _H(x1, 270, 108, 0.154), _H(x2, 270, 108, 0.154)

    ww = nb.blox.WongWang
    sol = nb.simulate(ww(name="w", mu0=0.0), 1500.0, dt=0.1)
    r1, r2 = rates(sol["w.S1"][-1], sol["w.S2"][-1], 0.0, 0.0)
    assert 0.5 < r1 < 3.0 and r1 == pytest.approx(r2)
    sol = nb.simulate(ww(name="w", coherence=51.2), 1500.0, dt=0.1)
    S1, S2 = sol["w.S1"][-1], sol["w.S2"][-1]
    r1, r2 = rates(S1, S2, 30.0, 51.2)
    assert r1 > 20.0 and r2 < 2.0
    sol = nb.simulate(ww(name="w", mu0=0.0), 1500.0, dt=0.1, x0={"w.S1": S1, "w.S2": S2})
    r1, r2 = rates(sol["w.S1"][-1], sol["w.S2"][-1], 0.0, 0.0)
    assert r1 > 10.0 and r2 < 2.0


def test_deco_2014_feedback_inhibition_gives_3_hz():
    # Deco et al. 2014 (doi:10.1523/JNEUROSCI.5068-13.2014): with J_i = 1 an isolated node
    # fires at r_E ~ 3 Hz (the target of their feedback inhibition control); tolerance 0.3 Hz.
    sol = nb.simulate(nb.blox.ReducedWongWangExcInh(name="d"), 2000.0, dt=0.1)
    SE, SI = sol["d.S_E"][-1], sol["d.S_I"][-1]
    r_E = _H(0.382 + 1.4 * 0.15 * SE - SI, 310, 125, 0.16)
    assert r_E == pytest.approx(3.0, abs=0.3)


def test_deco_2013_isolated_node_is_monostable_and_low():
    # Deco et al. 2013 (doi:10.1523/JNEUROSCI.1091-13.2013): with w = 0.9, I_o = 0.3 nA an
    # uncoupled node has a single, low-activity (spontaneous) state: starts at S = 0.01 and
    # S = 0.9 converge to the same S, whose rate is below 3 Hz.
    rw = nb.blox.ReducedWongWang(name="d")
    ends = [nb.simulate(rw, 2000.0, dt=0.1, x0={"d.S": s0})["d.S"][-1] for s0 in (0.01, 0.9)]
    assert ends[0] == pytest.approx(ends[1], abs=1e-6)
    assert _H(0.9 * 0.2609 * ends[0] + 0.3, 270, 108, 0.154) < 3.0
