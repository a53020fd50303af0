"""Integrate-and-fire blox (spike condition + reset): LIF, QIF, ExpIF, AdEx and
Izhikevich.  Spike times land in ``Solution.spikes``; the output a synapse or
target reads is the membrane potential unless stated.

Units: time ms, voltage mV; LIF/ExpIF/AdEx currents in pA with capacitance in
pF and conductance in nS (pA/pF = mV/ms); Izhikevich and QIF are in their
papers' dimensionless / mV-per-ms units.
"""
from __future__ import annotations

from ..blox import BloxType
from ..params import Parameter as P

__all__ = ["LIF", "QIF", "ExpIF", "AdEx", "Izhikevich"]

LIF = BloxType(
    "LIF",
    "dV/dt = (-(V - E_L) + R*(I + I_syn))/tau_m",
    title="leaky integrate-and-fire",
    params={
        "tau_m": P(10.0, (1, 100), 0.5, "ms", "membrane time constant", (1e-9, None)),
        "E_L": P(-70.0, (-90, -40), 0.5, "mV", "resting potential"),
        "R": P(10.0, (1, 1000), 1, "MOhm", "membrane resistance", (0, None)),
        "I": P(0.0, (-1, 5), 0.01, "nA", "injected current"),
        "V_th": P(-50.0, (-70, -30), 0.5, "mV", "spike threshold"),
        "V_reset": P(-70.0, (-90, -40), 0.5, "mV", "reset potential"),
    },
    init={"V": -70.0},
    spike="V >= V_th", reset="V = V_reset", refractory=2.0,
    kind="neuron",
    doc="Leaky integrate-and-fire: tau_m dV/dt = -(V - E_L) + R I (R in MOhm, I in nA "
        "-> mV). Refractory period 2 ms. Rheobase (V_th - E_L)/R = 2 nA with the "
        "defaults; the interval above it is t_ref + tau_m ln(RI/(RI - V_th + E_L)).",
    citation="Lapicque L (1907). J Physiol Pathol Gen 9:620-635; Gerstner W, Kistler WM, "
             "Naud R, Paninski L (2014). Neuronal Dynamics, Cambridge Univ Press, ch. 1. "
             "doi:10.1017/CBO9781107447615",
)

QIF = BloxType(
    "QIF",
    "dV/dt = (V**2 + eta + I + I_syn)/tau",
    title="quadratic integrate-and-fire",
    params={
        "tau": P(10.0, (1, 50), 0.5, "ms", "membrane time constant", (1e-9, None)),
        "eta": P(1.0, (-10, 10), 0.05, "", "excitability (dimensionless)"),
        "I": P(0.0, (-10, 10), 0.05, "", "external input"),
        "V_peak": P(100.0, (10, 1000), 1, "", "peak value (stand-in for +infinity)"),
        "V_reset": P(-100.0, (-1000, -10), 1, "", "reset value (stand-in for -infinity)"),
    },
    init={"V": -1.0},
    spike="V >= V_peak", reset="V = V_reset", refractory=0.2,
    state_docs={"V": "membrane potential, model units"},
    kind="neuron",
    doc="Quadratic integrate-and-fire (theta-neuron normal form), dimensionless V, time "
        "in ms via tau. For eta + I > 0 it fires with period pi*tau/sqrt(eta + I): the "
        "0.2 ms refractory period is 2*tau/V_peak, the time the ideal neuron spends "
        "beyond +-100 (the correction of Montbrio et al. 2015; rescale it if you change "
        "tau or V_peak). The microscopic model of MontbrioPazoRoxin.",
    citation="Ermentrout GB, Kopell N (1986). SIAM J Appl Math 46:233-253. "
             "doi:10.1137/0146017; Montbrio E, Pazo D, Roxin A (2015). Phys Rev X "
             "5:021028. doi:10.1103/PhysRevX.5.021028",
)

_EIF_PARAMS = {
    "C": P(281.0, (10, 1000), 1, "pF", "membrane capacitance", (1e-9, None)),
    "g_L": P(30.0, (1, 100), 0.5, "nS", "leak conductance", (0, None)),
    "E_L": P(-70.6, (-90, -40), 0.1, "mV", "leak reversal potential"),
    "V_T": P(-50.4, (-70, -30), 0.1, "mV", "threshold slope factor's midpoint"),
    "Delta_T": P(2.0, (0.1, 10), 0.1, "mV", "slope factor", (1e-9, None)),
    "I": P(0.0, (-200, 2000), 1, "pA", "injected current"),
    "V_peak": P(-40.4, (-45, 40), 0.5, "mV", "spike cut-off (V_T + 5 Delta_T: the "
                "exponential is already explosive there; higher cut-offs need a tiny dt)"),
    "V_reset": P(-70.6, (-90, -30), 0.1, "mV", "reset potential"),
}

ExpIF = BloxType(
    "ExpIF",
    "dV/dt = (-g_L*(V - E_L) + g_L*Delta_T*exp((V - V_T)/Delta_T) + I + I_syn)/C",
    title="exponential integrate-and-fire",
    params=dict(_EIF_PARAMS),
    init={"V": -70.6},
    spike="V >= V_peak", reset="V = V_reset",
    kind="neuron",
    doc="Exponential integrate-and-fire: C in pF, conductance nS, current pA, V mV, t ms "
        "(pA/pF = mV/ms). Defaults: the cortical cell of Brette & Gerstner 2005.",
    citation="Fourcaud-Trocme N, Hansel D, van Vreeswijk C, Brunel N (2003). How spike "
             "generation mechanisms determine the neuronal response to fluctuating inputs. "
             "J Neurosci 23:11628-11640. doi:10.1523/JNEUROSCI.23-37-11628.2003",
)

# Naud, Marcille, Clopath & Gerstner 2008, Table 1 (values as reproduced in Brian2's
# example of that paper, which notes the set was "adapted to match figures"):
#   C pF, g_L nS, E_L mV, V_T mV, Delta_T mV, a nS, tau_w ms, b pA, V_reset mV, I pA
_NAUD = {
    "tonic_spiking": (200, 10, -70, -50, 2, 2, 30, 0, -58, 500),
    "adaptation": (200, 12, -70, -50, 2, 2, 300, 60, -58, 500),
    "initial_burst": (130, 18, -58, -50, 2, 4, 150, 120, -50, 400),
    "regular_bursting": (200, 10, -58, -50, 2, 2, 120, 100, -46, 210),
    "delayed_accelerating": (200, 12, -70, -50, 2, -10, 300, 0, -58, 300),
    "delayed_regular_bursting": (100, 10, -65, -50, 2, -10, 90, 30, -47, 110),
    "transient_spiking": (100, 10, -65, -50, 2, 10, 90, 100, -47, 180),
    "irregular_spiking": (100, 12, -60, -50, 2, -11, 130, 30, -48, 160),
}
_NAUD_PRESETS = {
    k: {**dict(zip(("C", "g_L", "E_L", "V_T", "Delta_T", "a", "tau_w", "b", "V_reset", "I"),
                   map(float, v))), "V_peak": -40.0}
    for k, v in _NAUD.items()}

AdEx = BloxType(
    "AdEx",
    """
    dV/dt = (-g_L*(V - E_L) + g_L*Delta_T*exp((V - V_T)/Delta_T) - w + I + I_syn)/C
    dw/dt = (a*(V - E_L) - w)/tau_w
    """,
    title="adaptive exponential integrate-and-fire",
    params={**_EIF_PARAMS,
            "a": P(4.0, (-10, 100), 0.1, "nS", "subthreshold adaptation"),
            "b": P(80.5, (0, 500), 0.5, "pA", "spike-triggered adaptation"),
            "tau_w": P(144.0, (1, 1000), 1, "ms", "adaptation time constant", (1e-9, None))},
    init={"V": -70.6, "w": 0.0},
    spike="V >= V_peak", reset="V = V_reset; w += b",
    presets=_NAUD_PRESETS,
    kind="neuron",
    doc="Adaptive exponential integrate-and-fire (V mV, w pA, C pF, g nS, t ms). "
        "Defaults: Brette & Gerstner 2005 (regular spiking with adaptation). Presets: "
        "the eight firing patterns of Naud et al. 2008 (Table 1 / Fig. 4): "
        "tonic_spiking, adaptation, initial_burst, regular_bursting, "
        "delayed_accelerating, delayed_regular_bursting, transient_spiking, "
        "irregular_spiking; each sets C, g_L, E_L, V_T, Delta_T, a, tau_w, b, V_reset "
        "and the step current I, with the cut-off V_peak = V_T + 5 Delta_T = -40 mV. "
        "Start from rest: init={'V': E_L of the preset}.",
    citation="Brette R, Gerstner W (2005). Adaptive exponential integrate-and-fire model as "
             "an effective description of neuronal activity. J Neurophysiol 94:3637-3642. "
             "doi:10.1152/jn.00686.2005; Naud R, Marcille N, Clopath C, Gerstner W (2008). "
             "Firing patterns in the adaptive exponential integrate-and-fire model. Biol "
             "Cybern 99:335-347. doi:10.1007/s00422-008-0264-7",
)

Izhikevich = BloxType(
    "Izhikevich",
    """
    dV/dt = 0.04*V**2 + 5*V + 140 - u + I + I_syn
    du/dt = a*(b*V - u)
    """,
    title="Izhikevich",
    params={
        "a": P(0.02, (0, 0.2), 0.001, "1/ms", "recovery rate"),
        "b": P(0.2, (0, 0.4), 0.005, "", "recovery sensitivity"),
        "c": P(-65.0, (-80, -40), 0.5, "mV", "reset potential"),
        "d": P(8.0, (0, 10), 0.05, "", "recovery jump after a spike"),
        "I": P(10.0, (-10, 40), 0.1, "", "injected current (mV/ms)"),
    },
    init={"V": -65.0, "u": -13.0},
    spike="V >= 30", reset="V = c; u += d",
    presets={
        "regular_spiking": {"a": 0.02, "b": 0.2, "c": -65.0, "d": 8.0},
        "intrinsically_bursting": {"a": 0.02, "b": 0.2, "c": -55.0, "d": 4.0},
        "chattering": {"a": 0.02, "b": 0.2, "c": -50.0, "d": 2.0},
        "fast_spiking": {"a": 0.1, "b": 0.2, "c": -65.0, "d": 2.0},
        "low_threshold_spiking": {"a": 0.02, "b": 0.25, "c": -65.0, "d": 2.0},
        "thalamo_cortical": {"a": 0.02, "b": 0.25, "c": -65.0, "d": 0.05},
        "resonator": {"a": 0.1, "b": 0.26, "c": -65.0, "d": 2.0},
    },
    state_docs={"V": "membrane potential", "u": "recovery variable"},
    kind="neuron",
    doc="Simple model of cortical neurons: V in mV, t in ms, u recovery; spike at 30 mV, "
        "then V = c, u += d. Presets: the named cell classes of the paper's Fig. 2.",
    citation="Izhikevich EM (2003). Simple model of spiking neurons. IEEE Trans Neural "
             "Netw 14:1569-1572. doi:10.1109/TNN.2003.820440",
)
