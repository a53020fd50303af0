"""The STG channel kinetics and conductances against their published tables.

Prinz AA, Billimoria CP, Marder E (2003) J Neurophysiol 90:3998, Table 1 (gating of
the Liu et al. 1998 currents, with Prinz's H current) and the calcium pool; Prinz,
Bucher & Marder (2004) Nat Neurosci 7:1345, Table 2 (AB/PD model 1).  The formulas
below are typed from those tables independently of channels.py; every gate's steady
state and time constant must agree at 13 voltages from -100 to +20 mV.
"""
import numpy as np
import pytest

import nbblox as nb
from nbblox.model.equations import parse_expression
from nbblox.model.library import channels as ch

V = np.linspace(-100.0, 20.0, 13)
b = lambda v, vh, k: 1 / (1 + np.exp((v + vh) / k))          # the table's Boltzmann

TABLE1 = {  # channel, gate: (x_inf(V), tau_x(V) in ms)  -- Prinz 2003 Table 1
    ("NaV", "m"): (lambda v: b(v, 25.5, -5.29), lambda v: 2.64 - 2.52 * b(v, 120, -25)),
    ("NaV", "h"): (lambda v: b(v, 48.9, 5.18),
                   lambda v: 1.34 * b(v, 62.9, -10) * (1.5 + b(v, 34.9, 3.6))),
    ("CaT", "m"): (lambda v: b(v, 27.1, -7.2), lambda v: 43.4 - 42.6 * b(v, 68.1, -20.5)),
    ("CaT", "h"): (lambda v: b(v, 32.1, 5.5), lambda v: 210 - 179.6 * b(v, 55, -16.9)),
    ("CaS", "m"): (lambda v: b(v, 33, -8.1),
                   lambda v: 2.8 + 14 / (np.exp((v + 27) / 10) + np.exp((v + 70) / -13))),
    ("CaS", "h"): (lambda v: b(v, 60, 6.2),
                   lambda v: 120 + 300 / (np.exp((v + 55) / 9) + np.exp((v + 65) / -16))),
    ("KA", "m"): (lambda v: b(v, 27.2, -8.7), lambda v: 23.2 - 20.8 * b(v, 32.9, -15.2)),
    ("KA", "h"): (lambda v: b(v, 56.9, 4.9), lambda v: 77.2 - 58.4 * b(v, 38.9, -26.5)),
    ("Kdr", "m"): (lambda v: b(v, 12.3, -11.8), lambda v: 14.4 - 12.8 * b(v, 28.3, -19.2)),
    ("H", "m"): (lambda v: b(v, 70, 6), lambda v: 272 + 1499 * b(v, 42.2, -8.73)),
}


def _eval(text, v, ca=None):
    e = parse_expression(text)
    vals = {"V": v} if ca is None else {"V": v, "Ca": ca}
    return float(e.xreplace({s: vals[s.name] for s in e.free_symbols}))


@pytest.mark.parametrize("key", sorted(TABLE1))
def test_gating_matches_prinz_2003_table_1(key):
    name, gate = key
    inf_text, tau_text = ch.CHANNELS[name].gates[gate]
    inf, tau = TABLE1[key]
    for v in V:
        assert _eval(inf_text, v) == pytest.approx(inf(v), rel=1e-12, abs=1e-15)
        assert _eval(tau_text, v) == pytest.approx(tau(v), rel=1e-12)


def test_kca_and_exponents_and_reversals():
    # KCa: m_inf = [Ca]/([Ca] + 3) * 1/(1 + exp((V + 28.3)/-12.6)),
    # tau = 180.6 - 150.2/(1 + exp((V + 46)/-22.7)); currents m^3 h (Na, CaT, CaS, A),
    # m^4 (KCa, Kd), m (H); E_Na = 50, E_K = -80, E_H = -20, E_leak = -50 mV.
    inf_text, tau_text = ch.KCa.gates["m"]
    for v in V:
        for ca in (0.05, 1.0, 10.0):
            assert _eval(inf_text, v, ca) == pytest.approx(ca / (ca + 3) * b(v, 28.3, -12.6))
        assert _eval(tau_text, v) == pytest.approx(180.6 - 150.2 * b(v, 46, -22.7))
    powers = {c.name: c.current for c in ch.CHANNELS.values()}
    assert powers["NaV"].startswith("g*m**3*h") and powers["KCa"].startswith("g*m**4")
    assert powers["Kdr"].startswith("g*m**4") and powers["H"] == "g*m*(V - E)"
    E = {n: c.params["E"].default for n, c in ch.CHANNELS.items() if "E" in c.params}
    assert E == {"NaV": 50.0, "KA": -80.0, "KCa": -80.0, "Kdr": -80.0, "H": -20.0,
                 "Leak": -50.0}


def test_calcium_pool_and_ab_pd_1_conductances():
    # Prinz 2003: tau_Ca d[Ca]/dt = -f I_Ca - [Ca] + [Ca]0, tau_Ca = 200 ms,
    # f = 14.96 uM/nA, [Ca]0 = 0.05 uM, area 0.628e-3 cm^2 (C = 0.628 nF), E_Ca Nernst
    # with [Ca]out = 3 mM (RT/2F = 12.19 mV at 283 K).
    # Prinz, Bucher & Marder 2004 Table 2, AB/PD 1 (mS/cm^2): Na 400, CaT 2.5, CaS 6,
    # A 50, KCa 10, Kd 100, H 0.01, leak 0.
    STG = nb.blox.ConductanceNeuron(preset="stg_burster")
    P = {k: p.default for k, p in STG.params.items()}
    assert (P["tau_Ca"], P["f_Ca"], P["Ca0"], P["area"], P["Ca_out"]) == \
        (200.0, 14.96, 0.05, 6.28e-4, 3000.0)
    assert 8.314462 * 283.0 / (2 * 96485.332) * 1e3 == pytest.approx(12.193, abs=1e-3)
    assert "12.193*log(Ca_out/Ca)" in STG.eqs.text
    assert {k: P[k] for k in ("g_NaV", "g_CaT", "g_CaS", "g_KA", "g_KCa", "g_Kdr", "g_H",
                              "g_Leak")} == {"g_NaV": 400.0, "g_CaT": 2.5, "g_CaS": 6.0,
                                             "g_KA": 50.0, "g_KCa": 10.0, "g_Kdr": 100.0,
                                             "g_H": 0.01, "g_Leak": 0.0}
