"""Neural-mass blox: Wilson-Cowan, Jansen-Rit, Larter-Breakspear and the
Montbrio-Pazo-Roxin QIF mean field (plus its synaptic variant).  Time in ms.
Reduced Wong-Wang models live in ``wongwang``, oscillators in ``oscillators``."""
from __future__ import annotations

from ..blox import BloxType
from ..params import Parameter as P

__all__ = ["WilsonCowan", "JansenRit", "LarterBreakspear", "MontbrioPazoRoxin",
           "MontbrioPazoRoxinSynaptic"]

WilsonCowan = BloxType(
    "WilsonCowan",
    """
    # subtracted sigmoid of the 1972 paper: S(0) = 0
    k_E = 1 - 1/(1 + exp(a_E*theta_E))
    k_I = 1 - 1/(1 + exp(a_I*theta_I))
    S_E = 1/(1 + exp(-a_E*(c1*E - c2*I + P + I_syn - theta_E))) - 1/(1 + exp(a_E*theta_E))
    S_I = 1/(1 + exp(-a_I*(c3*E - c4*I + Q - theta_I))) - 1/(1 + exp(a_I*theta_I))
    dE/dt = (-E + (k_E - r_E*E)*S_E)/tau_E
    dI/dt = (-I + (k_I - r_I*I)*S_I)/tau_I
    """,
    title="Wilson–Cowan",
    params={
        "c1": P(16.0, (0, 30), 0.1, "", "E -> E coupling"),
        "c2": P(12.0, (0, 30), 0.1, "", "I -> E coupling"),
        "c3": P(15.0, (0, 30), 0.1, "", "E -> I coupling"),
        "c4": P(3.0, (0, 30), 0.1, "", "I -> I coupling"),
        "a_E": P(1.3, (0.1, 5), 0.01, "", "E sigmoid slope"),
        "theta_E": P(4.0, (0, 10), 0.05, "", "E sigmoid threshold"),
        "a_I": P(2.0, (0.1, 5), 0.01, "", "I sigmoid slope"),
        "theta_I": P(3.7, (0, 10), 0.05, "", "I sigmoid threshold"),
        "r_E": P(1.0, (0, 2), 0.01, "", "E refractory factor"),
        "r_I": P(1.0, (0, 2), 0.01, "", "I refractory factor"),
        "P": P(1.25, (-5, 5), 0.01, "", "external drive to E"),
        "Q": P(0.0, (-5, 5), 0.01, "", "external drive to I"),
        "tau_E": P(10.0, (0.5, 50), 0.5, "ms", "E time constant", (1e-9, None)),
        "tau_I": P(10.0, (0.5, 50), 0.5, "ms", "I time constant", (1e-9, None)),
    },
    init={"E": 0.1, "I": 0.05},
    inputs=("I_syn",),
    outputs={"E": "E"},
    units={"E": "1", "I": "1", "I_syn": "1"},
    state_docs={"E": "excitatory activity", "I": "inhibitory activity"},
    kind="neural_mass",
    doc="Excitatory (E) and inhibitory (I) population activity. Defaults are the "
        "limit-cycle set of Wilson & Cowan 1972 (Fig. 6 parameters); the paper's unit "
        "of time is the membrane time constant, here tau = 10 ms.",
    citation="Wilson HR, Cowan JD (1972). Excitatory and inhibitory interactions in "
             "localized populations of model neurons. Biophys J 12:1-24. "
             "doi:10.1016/S0006-3495(72)86068-5",
)

JansenRit = BloxType(
    "JansenRit",
    """
    C1 = C
    C2 = 0.8*C
    C3 = 0.25*C
    C4 = 0.25*C
    # sigmoid: firing rate (1/ms) of a population at mean potential v (mV)
    S0 = 2*e0/(1 + exp(r*(v0 - C1*y0)))
    S1 = 2*e0/(1 + exp(r*(v0 - (y1 - y2))))
    S3 = 2*e0/(1 + exp(r*(v0 - C3*y0)))
    dy0/dt = y3
    dy1/dt = y4
    dy2/dt = y5
    dy3/dt = A*a*S1 - 2*a*y3 - a**2*y0
    dy4/dt = A*a*(p + I_syn + C2*S0) - 2*a*y4 - a**2*y1
    dy5/dt = B*b*C4*S3 - 2*b*y5 - b**2*y2
    """,
    title="Jansen–Rit",
    params={
        "A": P(3.25, (2, 10), 0.05, "mV", "excitatory synaptic gain"),
        "B": P(22.0, (10, 50), 0.5, "mV", "inhibitory synaptic gain"),
        "a": P(0.1, (0.02, 0.3), 0.001, "1/ms", "excitatory rate constant (100 /s)", (1e-9, None)),
        "b": P(0.05, (0.01, 0.2), 0.001, "1/ms", "inhibitory rate constant (50 /s)", (1e-9, None)),
        "C": P(135.0, (50, 300), 1, "", "average number of synapses between populations"),
        "e0": P(0.0025, (0.0005, 0.01), 0.0001, "1/ms", "half of the maximal firing rate (2.5 /s)"),
        "v0": P(6.0, (0, 12), 0.1, "mV", "potential at half-maximal firing"),
        "r": P(0.56, (0.1, 1), 0.01, "1/mV", "sigmoid steepness"),
        "p": P(0.22, (0, 0.4), 0.001, "1/ms", "external input to pyramidal cells (220 /s)"),
    },
    init={"y0": 0.08, "y1": 18.0, "y2": 12.0},
    outputs={"eeg": "y1 - y2", "rate": "2*e0/(1 + exp(r*(v0 - (y1 - y2))))"},
    inputs=("I_syn",),
    units={"y0": "mV", "y1": "mV", "y2": "mV", "y3": "mV/ms", "y4": "mV/ms", "y5": "mV/ms",
           "I_syn": "1/ms", "eeg": "mV", "rate": "1/ms"},
    kind="neural_mass",
    doc="Cortical column: pyramidal cells (y0), excitatory (y1) and inhibitory (y2) "
        "interneuron PSPs, in mV. Output 'eeg' = y1 - y2 (mV); 'rate' is the pyramidal "
        "firing rate (1/ms) for coupling columns. The paper's rates are per second: here "
        "a = 100 /s -> 0.1 /ms, p = 220 /s -> 0.22 /ms. Input I_syn adds to p (1/ms).",
    citation="Jansen BH, Rit VG (1995). Electroencephalogram and visual evoked potential "
             "generation in a mathematical model of coupled cortical columns. Biol Cybern "
             "73:357-366. doi:10.1007/BF00199471",
)

LarterBreakspear = BloxType(
    "LarterBreakspear",
    """
    m_Ca = 0.5*(1 + tanh((V - T_Ca)/d_Ca))
    m_Na = 0.5*(1 + tanh((V - T_Na)/d_Na))
    m_K = 0.5*(1 + tanh((V - T_K)/d_K))
    Q_V = 0.5*QV_max*(1 + tanh((V - VT)/d_V))
    Q_Z = 0.5*QZ_max*(1 + tanh((Z - ZT)/d_Z))
    # I_syn: mean excitatory firing rate of coupled regions (c = global coupling)
    Q_in = (1 - c)*Q_V + c*I_syn
    dV/dt = t_scale*(-(g_Ca + r_NMDA*a_ee*Q_in)*m_Ca*(V - V_Ca) - g_K*W*(V - V_K) - g_L*(V - V_L) - (g_Na*m_Na + a_ee*Q_in)*(V - V_Na) - a_ie*Z*Q_Z + a_ne*I)
    dW/dt = t_scale*phi*(m_K - W)/tau_K
    dZ/dt = t_scale*b*(a_ni*I + a_ei*V*Q_V)
    """,
    title="Larter–Breakspear",
    params={
        "T_Ca": P(-0.01, (-0.5, 0.5), 0.01, "", "Ca channel threshold"),
        "d_Ca": P(0.15, (0.01, 1), 0.01, "", "Ca threshold spread", (1e-9, None)),
        "g_Ca": P(1.1, (0, 3), 0.01, "", "Ca conductance", (0, None)),
        "V_Ca": P(1.0, (0, 2), 0.01, "", "Ca Nernst potential"),
        "T_K": P(0.0, (-0.5, 0.5), 0.01, "", "K channel threshold"),
        "d_K": P(0.3, (0.01, 1), 0.01, "", "K threshold spread", (1e-9, None)),
        "g_K": P(2.0, (0, 5), 0.01, "", "K conductance", (0, None)),
        "V_K": P(-0.7, (-2, 0), 0.01, "", "K Nernst potential"),
        "T_Na": P(0.3, (-0.5, 1), 0.01, "", "Na channel threshold"),
        "d_Na": P(0.15, (0.01, 1), 0.01, "", "Na threshold spread", (1e-9, None)),
        "g_Na": P(6.7, (0, 10), 0.01, "", "Na conductance", (0, None)),
        "V_Na": P(0.53, (0, 2), 0.01, "", "Na Nernst potential"),
        "g_L": P(0.5, (0, 2), 0.01, "", "leak conductance", (0, None)),
        "V_L": P(-0.5, (-2, 0), 0.01, "", "leak Nernst potential"),
        "VT": P(0.0, (-0.5, 0.5), 0.01, "", "excitatory firing threshold"),
        "d_V": P(0.65, (0.3, 0.8), 0.005, "", "spread of excitatory thresholds", (1e-9, None)),
        "ZT": P(0.0, (-0.5, 0.5), 0.01, "", "inhibitory firing threshold"),
        "d_Z": P(0.7, (0.1, 1), 0.01, "", "spread of inhibitory thresholds", (1e-9, None)),
        "QV_max": P(1.0, (0, 2), 0.01, "", "maximal excitatory firing rate"),
        "QZ_max": P(1.0, (0, 2), 0.01, "", "maximal inhibitory firing rate"),
        "a_ee": P(0.4, (0, 1), 0.01, "", "excitatory-to-excitatory synaptic strength"),
        "a_ei": P(2.0, (0, 4), 0.01, "", "excitatory-to-inhibitory synaptic strength"),
        "a_ie": P(2.0, (0, 4), 0.01, "", "inhibitory-to-excitatory synaptic strength"),
        "a_ne": P(1.0, (0, 2), 0.01, "", "non-specific-to-excitatory strength"),
        "a_ni": P(0.4, (0, 2), 0.01, "", "non-specific-to-inhibitory strength"),
        "b": P(0.1, (0, 1), 0.01, "", "time-constant scaling of inhibition"),
        "phi": P(0.7, (0, 2), 0.01, "", "temperature scaling of K gating"),
        "tau_K": P(1.0, (0.1, 5), 0.01, "", "K relaxation time", (1e-9, None)),
        "r_NMDA": P(0.25, (0, 1), 0.01, "", "NMDA/AMPA receptor ratio"),
        "I": P(0.3, (0, 1), 0.01, "", "non-specific subcortical input"),
        "c": P(0.0, (0, 1), 0.01, "", "global coupling strength (0: isolated region)"),
        "t_scale": P(1.0, (0.01, 10), 0.01, "1/ms", "time units per ms", (1e-9, None)),
    },
    init={"V": 0.0, "W": 0.3, "Z": 0.0},
    inputs=("I_syn",),
    outputs={"Q_V": "0.5*QV_max*(1 + tanh((V - VT)/d_V))", "V": "V"},
    kind="neural_mass",
    doc="Conductance-based neural mass: mean excitatory membrane potential V, fraction "
        "of open K channels W and inhibitory potential Z (all dimensionless). The paper's "
        "time is dimensionless; t_scale time units pass per ms (TVB reads one unit as 1 ms). "
        "Couple regions through output 'Q_V' into I_syn with weights summing to 1 and "
        "set c > 0. With the defaults (d_V = 0.65) an isolated region oscillates; for "
        "small d_V (e.g. 0.5) it rests at a stable fixed point.",
    citation="Breakspear M, Terry JR, Friston KJ (2003). Modulation of excitatory synaptic "
             "coupling facilitates synchronization and complex dynamics in a biophysical "
             "model of neuronal dynamics. Network 14:703-732. doi:10.1088/0954-898X_14_4_305; "
             "Larter R, Speelman B, Worth RM (1999). Chaos 9:795-804.",
)

MontbrioPazoRoxin = BloxType(
    "MontbrioPazoRoxin",
    """
    dr/dt = (Delta/(pi*tau) + 2*r*v)/tau
    dv/dt = (v**2 + eta + J*tau*r - (pi*tau*r)**2 + I + I_syn)/tau
    """,
    title="Montbrió–Pazó–Roxin",
    params={
        "tau": P(10.0, (1, 50), 0.5, "ms", "membrane time constant", (1e-9, None)),
        "Delta": P(1.0, (0, 5), 0.01, "", "half-width of the Lorentzian of excitabilities", (0, None)),
        "eta": P(-5.0, (-15, 10), 0.05, "", "centre of the excitability distribution"),
        "J": P(15.0, (-30, 30), 0.1, "", "recurrent synaptic weight"),
        "I": P(0.0, (-10, 10), 0.05, "", "external input (dimensionless, like eta)"),
    },
    init={"r": 0.01, "v": -2.0},
    inputs=("I_syn",),
    outputs={"r": "r", "v": "v"},
    state_docs={"r": "firing rate", "v": "mean membrane potential"},
    kind="neural_mass",
    doc="Exact firing-rate equations of a population of quadratic integrate-and-fire "
        "neurons with Lorentzian-distributed excitabilities: rate r (1/ms; x1000 for Hz) "
        "and mean voltage v (dimensionless, in units of the QIF voltage). The paper writes "
        "time in units of tau; here tau is in ms (default 10 ms, as in the paper's figures). "
        "Defaults (Delta = 1, eta = -5, J = 15) lie in the bistable region (Fig. 1).",
    citation="Montbrio E, Pazo D, Roxin A (2015). Macroscopic description for networks of "
             "spiking neurons. Phys Rev X 5:021028. doi:10.1103/PhysRevX.5.021028",
)

MontbrioPazoRoxinSynaptic = BloxType(
    "MontbrioPazoRoxinSynaptic",
    """
    dr/dt = (Delta/(pi*tau) + 2*r*v)/tau
    dv/dt = (v**2 + eta + J*tau*s - (pi*tau*r)**2 + I + I_syn)/tau
    ds/dt = (r - s)/tau_s
    """,
    title="Montbrió–Pazó–Roxin with synaptic kinetics",
    params={
        "tau": P(10.0, (1, 50), 0.5, "ms", "membrane time constant", (1e-9, None)),
        "tau_s": P(5.0, (0.1, 50), 0.1, "ms", "synaptic time constant", (1e-9, None)),
        "Delta": P(1.0, (0, 5), 0.01, "", "half-width of the Lorentzian of excitabilities", (0, None)),
        "eta": P(-5.0, (-15, 10), 0.05, "", "centre of the excitability distribution"),
        "J": P(15.0, (-30, 30), 0.1, "", "recurrent synaptic weight"),
        "I": P(0.0, (-10, 10), 0.05, "", "external input"),
    },
    init={"r": 0.01, "v": -2.0, "s": 0.01},
    inputs=("I_syn",),
    outputs={"r": "r", "v": "v"},
    state_docs={"r": "firing rate", "v": "mean membrane potential", "s": "synaptic activation"},
    kind="neural_mass",
    doc="Montbrio-Pazo-Roxin mean field with first-order synaptic kinetics: recurrent "
        "input J*tau*s with tau_s ds/dt = r - s (Devalle et al. 2017). With inhibition "
        "(J < 0) and slow synapses it shows collective oscillations absent without "
        "synaptic kinetics. Units as MontbrioPazoRoxin.",
    citation="Devalle F, Roxin A, Montbrio E (2017). Firing rate equations require a spike "
             "synchrony mechanism to correctly describe fast oscillations in inhibitory "
             "networks. PLoS Comput Biol 13:e1005881. doi:10.1371/journal.pcbi.1005881; "
             "Montbrio E, Pazo D, Roxin A (2015). Phys Rev X 5:021028.",
)
