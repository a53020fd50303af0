"""Synapse blox.  A synapse sits between two blox: the presynaptic signal
arrives on an input, the postsynaptic current leaves on output ``I`` (positive
= depolarising, in the units of the target's I_syn, uA/cm^2 for the catalog
neurons).  Conductance synapses also read the postsynaptic voltage::

    c.connect(pre, syn, input="V_pre")       # or input="S_pre" for a drive
    c.connect(post, syn, input="V_post")     # post's first output is V
    c.connect(syn, post)                     # adds I to post's I_syn

* Kinetic receptor models (AMPA, NMDA with Mg block, GABA_A, GABA_B) are
  driven by the presynaptic voltage through transmitter release
  T = Tmax/(1 + exp(-(V_pre - Vp)/Kp)) (Destexhe, Mainen & Sejnowski 1994).
* Exponential, alpha and bi-exponential synapses integrate a drive S_pre
  (a rate in 1/ms, or spikes delivered as impulses): for a unit impulse the
  gating s jumps to 1 (exponential) or peaks at 1 (alpha, bi-exponential).
  From a spiking source deliver the impulse as an event:
  ``c.connect(pre, syn, on_pre="s += w")`` (exponential) or
  ``on_pre="x += w"`` (alpha, bi-exponential), with ``weight=1`` for a unit
  impulse.
* TsodyksMarkram: short-term depression and facilitation of a rate input.
Time in ms, voltages mV, conductances mS/cm^2.
"""
from __future__ import annotations

from ..blox import BloxType
from ..params import Parameter as P

__all__ = ["AMPA", "NMDA", "GABAA", "GABAB", "ExpSynapse", "AlphaSynapse", "BiexpSynapse",
           "ExpCondSynapse", "AlphaCondSynapse", "BiexpCondSynapse", "TsodyksMarkram"]

_DESTEXHE = ("Destexhe A, Mainen ZF, Sejnowski TJ (1994). An efficient method for computing "
             "synaptic conductances based on a kinetic model of receptor binding. Neural "
             "Comput 6:14-18. doi:10.1162/neco.1994.6.1.14; Destexhe A, Mainen ZF, "
             "Sejnowski TJ (1998). Kinetic models of synaptic transmission. In Methods in "
             "Neuronal Modeling, 2nd ed., MIT Press, ch. 1.")
_RELEASE = {
    "Tmax": P(1.0, (0, 5), 0.01, "mM", "peak transmitter concentration", (0, None)),
    "Vp": P(2.0, (-20, 20), 0.1, "mV", "half-activation of release"),
    "Kp": P(5.0, (0.5, 20), 0.1, "mV", "steepness of release", (1e-9, None)),
}
_T = "T = Tmax/(1 + exp(-(V_pre - Vp)/Kp))"


def _kinetic(name, title, alpha, beta, g, E, doc, extra_eq="", block="1", extra_params=None):
    params = {
        "g": P(g, (0, 5 * g if g else 1), g / 100 if g else 0.01, "mS/cm^2",
               "maximal conductance", (0, None)),
        "E": P(E, (-100, 20), 0.5, "mV", "reversal potential"),
        "alpha": P(alpha, (0, 10 * alpha), alpha / 100, "1/(mM ms)", "binding rate", (0, None)),
        "beta": P(beta, (0, 10 * beta), beta / 100, "1/ms", "unbinding rate", (0, None)),
        **_RELEASE, **(extra_params or {})}
    return BloxType(
        name,
        f"""
        {_T}
        {extra_eq}
        dr/dt = alpha*T*(1 - r) - beta*r
        """,
        title=title, params=params, inputs=("V_pre", "V_post"), init={"r": 0.0},
        outputs={"I": f"-g*r*({block})*(V_post - E)", "r": "r"},
        units={"r": "1", "V_pre": "mV", "V_post": "mV", "I": "uA/cm^2"},
        required_inputs=("V_pre", "V_post"),
        kind="synapse", doc=doc, citation=_DESTEXHE)


AMPA = _kinetic("AMPA", "AMPA synapse", 1.1, 0.19, 0.1, 0.0,
                "AMPA receptor, first-order kinetics: r = fraction of open receptors "
                "(decay 1/beta = 5.3 ms).")
GABAA = _kinetic("GABAA", "GABA-A synapse", 5.0, 0.18, 0.1, -80.0,
                 "GABA_A receptor, first-order kinetics (decay 1/beta = 5.6 ms), "
                 "reversal -80 mV.")
NMDA = _kinetic("NMDA", "NMDA synapse", 0.072, 0.0066, 0.1, 0.0,
                "NMDA receptor with voltage-dependent magnesium block "
                "B(V) = 1/(1 + exp(-0.062 V) [Mg]/3.57) (Jahr & Stevens 1990); decay "
                "1/beta = 150 ms.",
                block="1/(1 + exp(-0.062*V_post)*Mg/3.57)",
                extra_params={"Mg": P(1.0, (0, 2), 0.01, "mM", "extracellular Mg2+", (0, None))})

GABAB = BloxType(
    "GABAB",
    f"""
    {_T}
    dr/dt = K1*T*(1 - r) - K2*r
    ds/dt = K3*r - K4*s
    """,
    title="GABA-B synapse",
    params={
        "g": P(0.1, (0, 1), 0.001, "mS/cm^2", "maximal conductance", (0, None)),
        "E": P(-95.0, (-110, -60), 0.5, "mV", "reversal potential (K+)"),
        "K1": P(0.09, (0, 1), 0.001, "1/(mM ms)", "receptor binding rate", (0, None)),
        "K2": P(0.0012, (0, 0.01), 0.0001, "1/ms", "receptor unbinding rate", (0, None)),
        "K3": P(0.18, (0, 1), 0.001, "1/ms", "G-protein production rate", (0, None)),
        "K4": P(0.034, (0, 0.2), 0.001, "1/ms", "G-protein decay rate", (0, None)),
        "Kd": P(100.0, (1, 500), 1, "", "G-protein dissociation constant", (1e-9, None)),
        "n": P(4.0, (1, 6), 1, "", "G-protein binding sites"),
        **_RELEASE,
    },
    inputs=("V_pre", "V_post"), init={"r": 0.0, "s": 0.0},
    outputs={"I": "-g*s**n/(s**n + Kd)*(V_post - E)", "s": "s"},
    units={"r": "1", "s": "1", "V_pre": "mV", "V_post": "mV", "I": "uA/cm^2"},
    required_inputs=("V_pre", "V_post"),
    kind="synapse",
    doc="GABA_B receptor with G-protein second messenger (r: activated receptors, s: "
        "G-protein, uM-like units); slow K+ current.",
    citation=_DESTEXHE,
)

_DRIVE = "drive S_pre (1/ms; a unit impulse per presynaptic spike)"
_CUR = "Current-based: I = g*s."
_COND = "Conductance-based: I = g*s*(E - V_post)."


def _pair(shape, title, text, params, init, doc, citation):
    cur = BloxType(f"{shape}Synapse", text, title=f"{title} synapse",
                   params={"g": P(1.0, (0, 10), 0.01, "", "synaptic weight (current units)"),
                           **params},
                   inputs=("S_pre",), init=init, outputs={"I": "g*s", "s": "s"},
                   kind="synapse", doc=f"{doc} {_CUR}", citation=citation)
    cond = BloxType(f"{shape}CondSynapse", text, title=f"{title} conductance synapse",
                    params={"g": P(0.1, (0, 1), 0.001, "mS/cm^2", "maximal conductance",
                                   (0, None)),
                            "E": P(0.0, (-100, 20), 0.5, "mV", "reversal potential"),
                            **params},
                    inputs=("S_pre", "V_post"), init=init,
                    outputs={"I": "g*s*(E - V_post)", "s": "s"},
                    units={**{k: "1" for k in init}, "S_pre": "1/ms", "V_post": "mV",
                           "I": "uA/cm^2"},
                    required_inputs=("V_post",),
                    kind="synapse", doc=f"{doc} {_COND}", citation=citation)
    return cur, cond


_ROTTER = ("Rotter S, Diesmann M (1999). Exact digital simulation of time-invariant linear "
           "systems with applications to neuronal modeling. Biol Cybern 81:381-402. "
           "doi:10.1007/s004220050570")
ExpSynapse, ExpCondSynapse = _pair(
    "Exp", "exponential", "ds/dt = -s/tau + S_pre",
    {"tau": P(5.0, (0.1, 100), 0.1, "ms", "decay time constant", (1e-9, None))},
    {"s": 0.0}, f"Exponentially decaying gating s, {_DRIVE}.", _ROTTER)
AlphaSynapse, AlphaCondSynapse = _pair(
    "Alpha", "alpha", "dx/dt = -x/tau + S_pre\nds/dt = (exp(1)*x - s)/tau",
    {"tau": P(5.0, (0.1, 100), 0.1, "ms", "time to peak", (1e-9, None))},
    {"x": 0.0, "s": 0.0},
    f"Alpha-function gating s(t) = (t/tau) exp(1 - t/tau) after a unit impulse (peak 1 "
    f"at t = tau), {_DRIVE}.", _ROTTER)
BiexpSynapse, BiexpCondSynapse = _pair(
    "Biexp", "biexponential",
    """
    t_peak = tau_r*tau_d/(tau_d - tau_r)*log(tau_d/tau_r)
    norm = (1/tau_r - 1/tau_d)/(exp(-t_peak/tau_d) - exp(-t_peak/tau_r))
    dx/dt = -x/tau_r + S_pre
    ds/dt = -s/tau_d + norm*x
    """,
    {"tau_r": P(1.0, (0.05, 20), 0.05, "ms", "rise time constant", (1e-9, None)),
     "tau_d": P(5.0, (0.5, 200), 0.1, "ms", "decay time constant (> tau_r)", (1e-9, None))},
    {"x": 0.0, "s": 0.0},
    "Difference of exponentials, normalised to peak 1 after a unit impulse "
    f"(needs tau_d > tau_r), {_DRIVE}.", _ROTTER)

TsodyksMarkram = BloxType(
    "TsodyksMarkram",
    """
    dx/dt = (1 - x)/tau_rec - u*x*r_pre
    du/dt = (U - u)/tau_f + U*(1 - u)*r_pre
    """,
    title="Tsodyks–Markram synapse",
    params={
        "U": P(0.5, (0.01, 1), 0.01, "", "utilisation increment / baseline release", (0, 1)),
        "tau_rec": P(800.0, (1, 2000), 1, "ms", "recovery from depression", (1e-9, None)),
        "tau_f": P(1.0, (0.1, 2000), 0.1, "ms", "facilitation decay (small: no facilitation)",
                   (1e-9, None)),
        "A": P(1.0, (0, 10), 0.01, "", "absolute synaptic efficacy"),
    },
    inputs=("r_pre",), init={"x": 1.0, "u": 0.5},
    outputs={"out": "A*u*x*r_pre", "x": "x", "u": "u"},
    kind="synapse",
    doc="Mean-field short-term plasticity of a synapse driven by a presynaptic rate r_pre "
        "(1/ms): x = available resources, u = utilisation. Output 'out' = A*u*x*r_pre is "
        "the transmitted efficacy; at high rates it saturates at A/tau_rec (depression). "
        "Defaults: depressing synapse of Tsodyks & Markram 1997.",
    citation="Tsodyks M, Pawelzik K, Markram H (1998). Neural networks with dynamic "
             "synapses. Neural Comput 10:821-835. doi:10.1162/089976698300017502; Tsodyks "
             "MV, Markram H (1997). PNAS 94:719-723. doi:10.1073/pnas.94.2.719",
)
