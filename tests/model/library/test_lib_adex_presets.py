"""The eight AdEx firing patterns of Naud, Marcille, Clopath & Gerstner 2008
(Biol Cybern 99:335, doi:10.1007/s00422-008-0264-7): Table 1 parameters (as
presets) and the qualitative patterns of their Fig. 4, tested on the spike
trains of a 1 s (2 s for the irregular case) step current from rest."""
import numpy as np
import pytest

import nbblox as nb

PATTERNS = ["tonic_spiking", "adaptation", "initial_burst", "regular_bursting",
            "delayed_accelerating", "delayed_regular_bursting", "transient_spiking",
            "irregular_spiking"]


def _spikes(preset, t_end=1000.0):
    E_L = nb.blox.AdEx.presets[preset]["E_L"]
    n = nb.blox.AdEx(name="n", preset=preset, init={"V": E_L, "w": 0.0})
    sol = nb.simulate(n, t_end, dt=0.01, method="rk4", stride=100)
    return np.asarray(sol.spikes["time"])


def test_presets_hold_table_1_values():
    # Table 1, e.g. adaptation: C = 200 pF, g_L = 12 nS, a = 2 nS, tau_w = 300 ms,
    # b = 60 pA, V_r = -58 mV, I = 500 pA; irregular: a = -11 nS, tau_w = 130 ms.
    P = nb.blox.AdEx.presets
    assert sorted(P) == sorted(PATTERNS)
    assert P["adaptation"] == {"C": 200.0, "g_L": 12.0, "E_L": -70.0, "V_T": -50.0,
                               "Delta_T": 2.0, "a": 2.0, "tau_w": 300.0, "b": 60.0,
                               "V_reset": -58.0, "I": 500.0, "V_peak": -40.0}
    assert (P["irregular_spiking"]["a"], P["irregular_spiking"]["tau_w"]) == (-11.0, 130.0)
    assert P["regular_bursting"]["V_reset"] == -46.0     # reset above V_T = -50: bursts


def test_tonic_spiking_regular_intervals():
    # Fig. 4a: regular firing from the first spike on (b = 0: no spike-triggered adaptation)
    isi = np.diff(_spikes("tonic_spiking"))
    assert len(isi) > 50
    assert isi.std() / isi.mean() < 0.05 and isi[-1] / isi[0] < 1.1


def test_adaptation_intervals_lengthen():
    # Fig. 4b: spike-frequency adaptation, intervals grow monotonically to a plateau
    isi = np.diff(_spikes("adaptation"))
    assert np.all(np.diff(isi) > -1e-6)
    assert isi[-1] / isi[0] > 3.0


def test_initial_burst_then_tonic():
    # Fig. 4c: a burst of short intervals at onset, then regular slow firing
    isi = np.diff(_spikes("initial_burst"))
    assert isi[0] < 10.0 and isi[1] < 10.0
    late = isi[3:]
    assert late.min() > 5 * isi[:2].max() and late.std() / late.mean() < 0.05


def test_regular_bursting_bimodal_intervals():
    # Fig. 4d: repeated bursts -> intervals fall in two well separated groups
    isi = np.diff(_spikes("regular_bursting"))
    short, long_ = isi[isi < 20.0], isi[isi >= 20.0]
    assert len(long_) >= 4 and len(short) >= len(long_)       # >= 2 spikes per burst
    assert long_.min() > 10 * short.max()


def test_delayed_accelerating():
    # Fig. 4e: (a < 0) the first spike is delayed, then the rate increases
    st = _spikes("delayed_accelerating")
    isi = np.diff(st)
    assert st[0] > 25.0
    assert isi[0] > 1.3 * isi[-1] and np.mean(np.diff(isi) < 0) > 0.9


def test_delayed_regular_bursting():
    # Fig. 4f: a delayed first spike, then regular bursts
    st = _spikes("delayed_regular_bursting")
    isi = np.diff(st)
    assert st[0] > 40.0
    short, long_ = isi[isi < 20.0], isi[isi >= 20.0]
    assert len(long_) >= 4 and long_.min() > 5 * short.max()


def test_transient_spiking():
    # Fig. 4g: (large a) spikes at the onset of the step only, then rest
    st = _spikes("transient_spiking")
    assert 1 <= len(st) <= 3 and st.max() < 100.0


def _closest_cycle(isi, max_period=8):
    """Smallest, over periods 1..max_period, of the largest change of an interval
    against the one a period earlier (0 for a periodic spike train)."""
    return min(np.max(np.abs(isi[p:] - isi[:-p])) for p in range(1, max_period + 1))


def test_irregular_spiking_is_aperiodic():
    # Fig. 4h: deterministic but irregular (chaotic) intervals under constant current.
    # No period of 1..8 intervals repeats to within 0.5 ms, whereas the periodic
    # bursting preset repeats its cycle to within 0.1 ms in the same window.
    isi = np.diff(_spikes("irregular_spiking", 2000.0))[20:]
    assert len(isi) > 60 and isi.std() / isi.mean() > 0.3
    assert _closest_cycle(isi) > 0.5
    periodic = np.diff(_spikes("delayed_regular_bursting", 2000.0))[20:]
    assert _closest_cycle(periodic) < 0.1


def test_unknown_preset_lists_valid_ones():
    with pytest.raises(nb.ParameterError, match="valid presets: adaptation, delayed_acc"):
        nb.blox.AdEx(name="n", preset="tonic")
