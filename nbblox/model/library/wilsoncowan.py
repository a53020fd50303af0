"""Wilson-Cowan in the forms other tools write it, for users who bring a model
(and its parameter values) from Neuromatch Academy, neurolib or Neuroblox.jl.

Every tool calls its model "Wilson-Cowan", but the equations differ in three
places: whether the sigmoid is shifted so that S(0) = 0 (the 1972 paper and
NMA) or not (neurolib, Neuroblox); whether the refractory factor
``(k - r E)`` multiplies it (paper, neurolib) or not (NMA, Neuroblox); and
whether the time constant divides the whole right-hand side (paper, NMA,
neurolib) or only the decay (Neuroblox).  The same numbers put into a
different form give a different model, so each form is its own blox here,
with the parameter and state names and the defaults of its source.
:data:`WILSON_COWAN_FORMS` sets the four side by side; ``nb.blox.WilsonCowan``
is the 1972 form.  Time is in ms in all of them.
"""
from __future__ import annotations

from ..blox import BloxType
from ..params import Parameter as P

__all__ = ["WilsonCowanNMA", "WilsonCowanNeurolib", "WilsonCowanNeuroblox"]

_WC1972 = ("Wilson HR, Cowan JD (1972). Excitatory and inhibitory interactions in "
           "localized populations of model neurons. Biophys J 12:1-24. "
           "doi:10.1016/S0006-3495(72)86068-5")

WilsonCowanNMA = BloxType(
    "WilsonCowanNMA",
    """
    # NMA's F: the paper's shifted sigmoid, F(0) = 0; no refractory factor
    F_E = 1/(1 + exp(-a_E*(wEE*rE - wEI*rI + I_ext_E + I_syn - theta_E))) - 1/(1 + exp(a_E*theta_E))
    F_I = 1/(1 + exp(-a_I*(wIE*rE - wII*rI + I_ext_I - theta_I))) - 1/(1 + exp(a_I*theta_I))
    drE/dt = (-rE + F_E)/tau_E
    drI/dt = (-rI + F_I)/tau_I
    """,
    title="Wilson–Cowan (Neuromatch Academy)",
    params={
        "tau_E": P(1.0, (0.1, 20), 0.1, "ms", "E time constant", (1e-9, None)),
        "a_E": P(1.2, (0.1, 5), 0.01, "", "E gain"),
        "theta_E": P(2.8, (0, 10), 0.05, "", "E threshold"),
        "tau_I": P(2.0, (0.1, 20), 0.1, "ms", "I time constant", (1e-9, None)),
        "a_I": P(1.0, (0.1, 5), 0.01, "", "I gain"),
        "theta_I": P(4.0, (0, 10), 0.05, "", "I threshold"),
        "wEE": P(9.0, (0, 20), 0.1, "", "E -> E"),
        "wEI": P(4.0, (0, 20), 0.1, "", "I -> E"),
        "wIE": P(13.0, (0, 20), 0.1, "", "E -> I"),
        "wII": P(11.0, (0, 20), 0.1, "", "I -> I"),
        "I_ext_E": P(0.0, (-5, 5), 0.01, "", "external input to E"),
        "I_ext_I": P(0.0, (-5, 5), 0.01, "", "external input to I"),
    },
    init={"rE": 0.2, "rI": 0.2},
    inputs=("I_syn",),
    outputs={"rE": "rE"},
    units={"rE": "1", "rI": "1", "I_syn": "1"},
    state_docs={"rE": "excitatory rate", "rI": "inhibitory rate"},
    kind="neural_mass",
    doc="Wilson-Cowan as Neuromatch Academy's computational-neuroscience course writes it "
        "(W2D4 Tutorial 2): the paper's shifted sigmoid, no refractory factor, NMA's names "
        "(rE, rI, wEE, ...) and default_pars() values (bistable: rest and a high state). "
        "NMA integrates it with forward Euler at dt = 0.1 ms (method='euler').",
    citation="Neuromatch Academy, Computational Neuroscience, W2D4 Dynamic Networks, "
             "Tutorial 2: Wilson-Cowan model (course-content, "
             "tutorials/W2D4_DynamicNetworks/W2D4_Tutorial2.ipynb); " + _WC1972,
)

WilsonCowanNeurolib = BloxType(
    "WilsonCowanNeurolib",
    """
    # neurolib's S: an unshifted logistic; the factor (1 - x) as in the paper with k = r = 1
    S_E = 1/(1 + exp(-a_exc*(c_excexc*exc - c_inhexc*inh + exc_ext + I_syn - mu_exc)))
    S_I = 1/(1 + exp(-a_inh*(c_excinh*exc - c_inhinh*inh + inh_ext - mu_inh)))
    dexc/dt = (-exc + (1 - exc)*S_E)/tau_exc
    dinh/dt = (-inh + (1 - inh)*S_I)/tau_inh
    """,
    title="Wilson–Cowan (neurolib)",
    params={
        "tau_exc": P(2.5, (0.1, 20), 0.05, "ms", "E time constant", (1e-9, None)),
        "tau_inh": P(3.75, (0.1, 20), 0.05, "ms", "I time constant", (1e-9, None)),
        "c_excexc": P(16.0, (0, 30), 0.1, "", "E -> E coupling"),
        "c_excinh": P(15.0, (0, 30), 0.1, "", "E -> I coupling"),
        "c_inhexc": P(12.0, (0, 30), 0.1, "", "I -> E coupling"),
        "c_inhinh": P(3.0, (0, 30), 0.1, "", "I -> I coupling"),
        "a_exc": P(1.5, (0.1, 5), 0.01, "", "E gain"),
        "a_inh": P(1.5, (0.1, 5), 0.01, "", "I gain"),
        "mu_exc": P(3.0, (0, 10), 0.05, "", "E threshold"),
        "mu_inh": P(3.0, (0, 10), 0.05, "", "I threshold"),
        "exc_ext": P(0.0, (-1, 5), 0.01, "", "external input to E"),
        "inh_ext": P(0.0, (-1, 5), 0.01, "", "external input to I"),
    },
    init={"exc": 0.025, "inh": 0.025},
    inputs=("I_syn",),
    outputs={"exc": "exc"},
    units={"exc": "1", "inh": "1", "I_syn": "1"},
    state_docs={"exc": "excitatory activity", "inh": "inhibitory activity"},
    kind="neural_mass",
    doc="Wilson-Cowan as neurolib's WCModel integrates it (models/wc/timeIntegration.py): "
        "unshifted logistic sigmoid with threshold mu, factor (1 - x), neurolib's names and "
        "defaults (one node; I_syn is where neurolib adds K_gl * Cmat @ exc). neurolib draws "
        "each initial state from U(0, 0.05); the default here is its mean. neurolib adds an "
        "Ornstein-Uhlenbeck input outside the sigmoid (sigma_ou = 0 by default); connect an "
        "nb.blox OU input to I_syn or add a noise term for it. It integrates with forward "
        "Euler at dt = 0.1 ms (method='euler').",
    citation="Cakan C, Jajcay N, Obermayer K (2023). neurolib: A simulation framework for "
             "whole-brain neural mass modeling. Cogn Comput 15:1132-1152. "
             "doi:10.1007/s12559-021-09931-9; Papadopoulos L, Lynn CW, Battaglia D, Bassett "
             "DS (2020). Relations between large-scale brain connectivity and effects of "
             "regional stimulation depend on collective dynamical state. PLoS Comput Biol "
             "16:e1008144. doi:10.1371/journal.pcbi.1008144; " + _WC1972,
)

WilsonCowanNeuroblox = BloxType(
    "WilsonCowanNeuroblox",
    """
    # Neuroblox's form: the time constant divides only the decay, the logistic is unshifted
    dE/dt = -E/tau_E + 1/(1 + exp(-a_E*(c_EE*E - c_IE*I - theta_E + eta*I_syn)))
    dI/dt = -I/tau_I + 1/(1 + exp(-a_I*(c_EI*E - c_II*I - theta_I)))
    """,
    title="Wilson–Cowan (Neuroblox.jl)",
    params={
        "tau_E": P(1.0, (0.1, 20), 0.05, "ms", "E time constant", (1e-9, None)),
        "tau_I": P(1.0, (0.1, 20), 0.05, "ms", "I time constant", (1e-9, None)),
        "a_E": P(1.2, (0.1, 5), 0.01, "", "E gain"),
        "a_I": P(2.0, (0.1, 5), 0.01, "", "I gain"),
        "c_EE": P(5.0, (0, 20), 0.1, "", "E -> E coupling"),
        "c_IE": P(6.0, (0, 20), 0.1, "", "I -> E coupling"),
        "c_EI": P(10.0, (0, 20), 0.1, "", "E -> I coupling"),
        "c_II": P(1.0, (0, 20), 0.1, "", "I -> I coupling"),
        "theta_E": P(2.0, (0, 10), 0.05, "", "E threshold"),
        "theta_I": P(3.5, (0, 10), 0.05, "", "I threshold"),
        "eta": P(1.0, (0, 5), 0.01, "", "gain of the input (Neuroblox's eta on jcn)"),
    },
    init={"E": 1.0, "I": 1.0},
    inputs=("I_syn",),
    outputs={"E": "E"},
    units={"E": "1", "I": "1", "I_syn": "1"},
    state_docs={"E": "excitatory activity", "I": "inhibitory activity"},
    kind="neural_mass",
    doc="Wilson-Cowan as Neuroblox.jl's WilsonCowan blox writes it (src/blox/neural_mass.jl): "
        "dE/dt = -E/tau_E + S(...), so the steady activity is tau_E * S and exceeds 1 when "
        "tau_E > 1; Neuroblox's names (its Greek tau and theta spelled out) and defaults; "
        "I_syn is Neuroblox's input jcn.",
    citation="Neuroblox.jl, WilsonCowan blox (src/blox/neural_mass.jl), "
             "https://github.com/Neuroblox/Neuroblox.jl; " + _WC1972,
)

#: How the Wilson-Cowan forms differ: blox name -> source, equations (E; I is
#: alike), sigmoid, refractory factor, where tau sits, names and defaults.
WILSON_COWAN_FORMS = {
    "WilsonCowan": {
        "source": "Wilson & Cowan (1972), Biophys J 12:1-24",
        "E equation": "tau_E dE/dt = -E + (k_E - r_E E) S_E(c1 E - c2 I + P)",
        "sigmoid": "shifted: 1/(1+exp(-a(x-theta))) - 1/(1+exp(a theta)), S(0) = 0",
        "refractory factor": "(k - r E), k = S(inf)",
        "time constant": "divides the whole right-hand side",
        "states": "E, I",
        "defaults": "limit cycle: c1..c4 = 16, 12, 15, 3; a_E 1.3, theta_E 4, a_I 2, "
                    "theta_I 3.7, P 1.25; tau = 10 ms (the paper's time unit)",
    },
    "WilsonCowanNMA": {
        "source": "Neuromatch Academy W2D4 Tutorial 2",
        "E equation": "tau_E drE/dt = -rE + F_E(wEE rE - wEI rI + I_ext_E)",
        "sigmoid": "shifted, as the paper: F(0) = 0",
        "refractory factor": "none",
        "time constant": "divides the whole right-hand side",
        "states": "rE, rI",
        "defaults": "bistable: wEE 9, wEI 4, wIE 13, wII 11; a_E 1.2, theta_E 2.8, a_I 1, "
                    "theta_I 4; tau_E 1 ms, tau_I 2 ms; Euler, dt 0.1 ms",
    },
    "WilsonCowanNeurolib": {
        "source": "neurolib WCModel (models/wc/timeIntegration.py)",
        "E equation": "tau_exc dexc/dt = -exc + (1 - exc) S_E(c_excexc exc - c_inhexc inh "
                      "+ exc_ext + K_gl Cmat@exc)",
        "sigmoid": "unshifted logistic 1/(1+exp(-a(x-mu))), S(0) > 0",
        "refractory factor": "(1 - x)",
        "time constant": "divides the whole right-hand side",
        "states": "exc, inh",
        "defaults": "c_excexc 16, c_excinh 15, c_inhexc 12, c_inhinh 3; a 1.5, mu 3; "
                    "tau_exc 2.5 ms, tau_inh 3.75 ms; Euler, dt 0.1 ms; OU input noise",
    },
    "WilsonCowanNeuroblox": {
        "source": "Neuroblox.jl WilsonCowan (src/blox/neural_mass.jl)",
        "E equation": "dE/dt = -E/tau_E + S_E(c_EE E - c_IE I - theta_E + eta jcn)",
        "sigmoid": "unshifted logistic 1/(1+exp(-a(x-theta)))",
        "refractory factor": "none",
        "time constant": "divides only the decay (steady E = tau_E S)",
        "states": "E, I",
        "defaults": "c_EE 5, c_IE 6, c_EI 10, c_II 1; a_E 1.2, a_I 2; theta_E 2, "
                    "theta_I 3.5; tau 1 ms; E(0) = I(0) = 1",
    },
}
