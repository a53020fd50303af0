"""Integrate-and-fire blox reproduce analytic and published firing (needs spike events)."""
import numpy as np
import pytest

import nbblox as nb

B = nb.blox


def _times(sol, t_min=0.0):
    t = np.asarray(sol.spikes["time"])
    return t[t > t_min]


def test_lif_interval_matches_lapicque_formula():
    # Gerstner et al. 2014 (Neuronal Dynamics, ch. 1.3): T = t_ref + tau ln(RI/(RI - theta))
    # with theta = V_th - E_L = 20 mV, RI = 30 mV, tau = 10 ms, t_ref = 2 ms: 12.986 ms.
    sol = nb.simulate(B.LIF(name="n", I=3.0), 200.0, dt=0.01)
    isi = np.diff(_times(sol))
    assert isi.mean() == pytest.approx(2.0 + 10.0 * np.log(3.0), abs=0.05)
    sol = nb.simulate(B.LIF(name="n", I=1.9), 200.0, dt=0.01)   # below rheobase 2 nA
    assert len(_times(sol)) == 0


def test_qif_period():
    # Ermentrout & Kopell 1986 normal form: the period is pi*tau/sqrt(eta) (31.42 ms for
    # eta = 1, tau = 10 ms); the +-100 cut-off plus the 2*tau/100 refractory time
    # reproduces it to O(100^-3) (Montbrio et al. 2015).
    sol = nb.simulate(B.QIF(name="q", eta=1.0), 300.0, dt=0.001, method="rk4")
    isi = np.diff(_times(sol))
    assert isi.mean() == pytest.approx(np.pi * 10.0, rel=2e-3)


def test_expif_rheobase():
    # Fourcaud-Trocme et al. 2003: the EIF rheobase is g_L (V_T - E_L - Delta_T)
    # = 30 nS x 18.2 mV = 546 pA with the Brette-Gerstner constants.
    assert len(_times(nb.simulate(B.ExpIF(name="e", I=535.0), 500.0, dt=0.01))) == 0
    assert len(_times(nb.simulate(B.ExpIF(name="e", I=560.0), 500.0, dt=0.01))) >= 2


def test_adex_spike_frequency_adaptation():
    # Brette & Gerstner 2005: with a = 4 nS, b = 80.5 pA, tau_w = 144 ms a current step
    # evokes spikes whose intervals lengthen (adaptation) towards a steady rate.
    sol = nb.simulate(B.AdEx(name="a", I=1000.0), 600.0, dt=0.01)
    isi = np.diff(_times(sol))
    assert len(isi) >= 5 and isi[-1] > 1.5 * isi[0]


def _izh(preset, I=10.0, t_end=300.0):
    return _times(nb.simulate(B.Izhikevich(name="iz", preset=preset, I=I), t_end, dt=0.1))


def test_izhikevich_named_patterns():
    # Izhikevich 2003 (doi:10.1109/TNN.2003.820440), Fig. 2 patterns under a step I = 10,
    # counted in the first 300 ms:
    rs = _izh("regular_spiking")          # RS: tonic with adaptation, ~8 spikes
    assert 5 <= len(rs) <= 12 and np.diff(rs)[-1] > 1.5 * np.diff(rs)[0]
    fs = _izh("fast_spiking")             # FS: high rate, little adaptation
    assert len(fs) > 3 * len(rs)
    assert np.diff(fs)[-1] < 1.2 * np.diff(fs)[1:].mean() + 1e-9
    ib = _izh("intrinsically_bursting")   # IB: initial burst, then tonic single spikes
    isi = np.diff(ib)
    assert isi[0] < 5.0 and isi[1] < 6.0 and np.all(isi[3:] > 20.0)
    ch = _izh("chattering")               # CH: repeated high-frequency bursts
    bursts = np.split(ch, np.flatnonzero(np.diff(ch) > 20.0) + 1)
    assert len(bursts) >= 3 and all(len(b) >= 2 for b in bursts[:-1])
    lts = _izh("low_threshold_spiking")   # LTS: high rate with adaptation
    assert len(lts) > len(rs) and np.diff(lts)[-1] > 2 * np.diff(lts)[0]


def test_izhikevich_resonator_is_a_focus_and_rs_an_integrator():
    # Izhikevich 2003: the resonator (RZ) set has damped subthreshold oscillations (complex
    # eigenvalues at rest), the regular-spiking set a node (integrator).
    for preset, complex_ in (("resonator", True), ("regular_spiking", False)):
        b = B.Izhikevich(name="iz", preset=preset, I=0.0)
        a, bb = b.params["a"], b.params["b"]
        V = (-(5 - bb) - np.sqrt((5 - bb) ** 2 - 4 * 0.04 * 140)) / 0.08   # lower root: rest
        s = nb.compile(b)
        ev = np.linalg.eigvals(s.jacobian(np.array([V, bb * V]), params={"iz.I": 0.0}))
        assert np.all(ev.real < 0) and (abs(ev.imag).max() > 0) == complex_


@pytest.mark.slow
def test_montbrio_mean_field_matches_a_qif_network_of_10000_neurons():
    # Montbrio, Pazo & Roxin 2015 (doi:10.1103/PhysRevX.5.021028): the firing-rate equations
    # are exact for a QIF population with Lorentzian excitabilities (here deterministic
    # quantiles eta_k = eta + Delta tan(pi/2 (2k - N - 1)/(N + 1)), as in the paper) and,
    # with first-order synapses, for the synaptic variant (Devalle et al. 2017).  From the
    # same start both rise to the same high-activity state: steady rates agree within 3%,
    # the early rates (10-ms bins before the switch) within 2 Hz, and the switch (first
    # 1-ms bin above 50 Hz, ~85 ms after the start) within 8 ms of the mean field's.
    N, tau, tau_s, Delta, eta, J = 10000, 10.0, 2.0, 1.0, -2.0, 10.0
    k = np.arange(1, N + 1)
    etas = eta + Delta * np.tan(np.pi / 2 * (2 * k - N - 1) / (N + 1))
    pop = nb.Population(B.QIF, n=N, name="qif", eta=etas, tau=tau,
                        init={"V": np.full(N, -2.0)})
    syn = B.ExpSynapse(name="s", tau=tau_s)
    c = nb.Circuit([pop, syn])
    c.connect(pop, syn, on_pre="s += w", weight=1.0 / (N * tau_s))   # s: mean rate, filtered
    c.connect(syn, pop, output="I", input="I_syn", weight=J * tau)
    net = nb.simulate(c, 160.0, dt=0.01, method="euler", record=["s.s"])
    counts, _ = np.histogram(net.spikes["time"], bins=np.arange(0.0, 161.0, 10.0))
    r_net = counts / N / 10.0 * 1000.0                                  # Hz per 10-ms bin
    mf = nb.simulate(B.MontbrioPazoRoxinSynaptic(name="m", tau=tau, tau_s=tau_s, Delta=Delta,
                                                 eta=eta, J=J),
                     160.0, dt=0.01, x0={"m.r": 0.0, "m.v": -2.0, "m.s": 0.0})
    r = mf["m.r"] * 1000.0
    r_mf = np.array([r[(mf.t >= a) & (mf.t < a + 10.0)].mean() for a in np.arange(0, 160, 10)])
    assert r_net[-3:].mean() == pytest.approx(r_mf[-3:].mean(), rel=0.03)
    assert np.abs(r_net[1:5] - r_mf[1:5]).max() < 2.0
    fine, _ = np.histogram(net.spikes["time"], bins=np.arange(0.0, 161.0, 1.0))
    t_net = np.argmax(fine / N * 1000.0 > 50.0)
    t_mf = mf.t[np.argmax(r > 50.0)]
    assert abs(t_net - t_mf) < 8.0


def test_alpha_synapse_driven_by_spike_events():
    # Rotter & Diesmann 1999: a presynaptic spike delivered as a unit impulse (on_pre
    # "x += w", w = 1) gives s(t) = (t/tau) exp(1 - t/tau): peak 1 at tau after the spike.
    pre = B.LIF(name="pre", I=3.0)
    syn = B.AlphaSynapse(name="syn", tau=4.0)
    c = nb.Circuit([pre, syn])
    c.connect(pre, syn, on_pre="x += w", weight=1.0)
    sol = nb.simulate(c, 20.0, dt=0.005)          # one spike, at ~11 ms
    t_spike = _times(sol)[0]
    k = np.argmax(sol["syn.s"])
    assert sol.t[k] - t_spike == pytest.approx(4.0, abs=0.05)
    assert sol["syn.s"][k] == pytest.approx(1.0, rel=1e-3)
