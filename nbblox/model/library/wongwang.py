"""Reduced Wong-Wang blox: the two-population decision model of Wong & Wang
2006 and the one- and two-population whole-brain forms of Deco et al. 2013 and
2014.  Time in ms; synaptic currents in nA; rates H(x) in Hz (divided by 1000
where they enter a per-ms derivative)."""
from __future__ import annotations

from ..blox import BloxType
from ..params import Parameter as P

__all__ = ["WongWang", "ReducedWongWang", "ReducedWongWangExcInh"]

_H = "({x}*{a} - {b})/(1 - exp(-{d}*({x}*{a} - {b})))"


def _h(x, a="a", b="b", d="d"):
    """Abbott-Chance transfer function H(x) in Hz, x in nA, d in s."""
    return _H.format(x=x, a=a, b=b, d=d)


WongWang = BloxType(
    "WongWang",
    f"""
    x1 = J_s*S1 - J_c*S2 + I_0 + J_ext*mu0*(1 + coherence/100) + I_1
    x2 = J_s*S2 - J_c*S1 + I_0 + J_ext*mu0*(1 - coherence/100) + I_2
    r1 = {_h("x1")}
    r2 = {_h("x2")}
    dS1/dt = -S1/tau_S + (1 - S1)*gamma*r1/1000
    dS2/dt = -S2/tau_S + (1 - S2)*gamma*r2/1000
    """,
    title="Wong–Wang",
    params={
        "a": P(270.0, (100, 400), 1, "Hz/nA", "gain of the transfer function"),
        "b": P(108.0, (50, 200), 1, "Hz", "threshold of the transfer function"),
        "d": P(0.154, (0.05, 0.5), 0.001, "s", "curvature of the transfer function", (1e-9, None)),
        "gamma": P(0.641, (0.1, 1), 0.001, "", "NMDA saturation kinetics factor"),
        "tau_S": P(100.0, (10, 300), 1, "ms", "NMDA decay time constant", (1e-9, None)),
        "J_s": P(0.2609, (0, 0.5), 0.001, "nA", "self-excitation J_N11 = J_N22"),
        "J_c": P(0.0497, (0, 0.2), 0.0005, "nA", "cross-inhibition J_N12 = J_N21"),
        "I_0": P(0.3255, (0.2, 0.45), 0.0005, "nA", "background current"),
        "J_ext": P(5.2e-4, (0, 2e-3), 1e-5, "nA/Hz", "stimulus coupling J_A,ext"),
        "mu0": P(30.0, (0, 80), 0.5, "Hz", "stimulus strength"),
        "coherence": P(0.0, (-100, 100), 0.1, "%", "motion coherence c'"),
    },
    init={"S1": 0.1, "S2": 0.1},
    inputs=("I_1", "I_2"),
    outputs={"r1": _h("J_s*S1 - J_c*S2 + I_0 + J_ext*mu0*(1 + coherence/100)"),
             "r2": _h("J_s*S2 - J_c*S1 + I_0 + J_ext*mu0*(1 - coherence/100)"),
             "S1": "S1", "S2": "S2"},
    kind="neural_mass",
    doc="Two competing NMDA-gated populations (S1, S2: gating variables) of the "
        "perceptual-decision model. Inputs I_1, I_2 (nA) add to each population; "
        "outputs r1, r2 are rates in Hz (without the extra inputs). Time in ms (the "
        "paper uses the same units; d = 0.154 s multiplies a rate in Hz).",
    citation="Wong KF, Wang XJ (2006). A recurrent network mechanism of time integration "
             "in perceptual decisions. J Neurosci 26:1314-1328. "
             "doi:10.1523/JNEUROSCI.3733-05.2006",
)

ReducedWongWang = BloxType(
    "ReducedWongWang",
    f"""
    x = w*J_N*S + I_o + J_N*I_syn + I_ext
    H = {_h("x")}
    dS/dt = -S/tau_S + (1 - S)*gamma*H/1000
    """,
    title="reduced Wong–Wang",
    params={
        "a": P(270.0, (100, 400), 1, "Hz/nA", "gain of the transfer function"),
        "b": P(108.0, (50, 200), 1, "Hz", "threshold of the transfer function"),
        "d": P(0.154, (0.05, 0.5), 0.001, "s", "curvature of the transfer function", (1e-9, None)),
        "gamma": P(0.641, (0.1, 1), 0.001, "", "kinetic parameter"),
        "tau_S": P(100.0, (10, 300), 1, "ms", "NMDA decay time constant", (1e-9, None)),
        "w": P(0.9, (0, 1.5), 0.01, "", "local recurrent excitation weight"),
        "J_N": P(0.2609, (0, 0.5), 0.001, "nA", "excitatory synaptic coupling"),
        "I_o": P(0.3, (0, 0.6), 0.001, "nA", "overall effective external input"),
        "I_ext": P(0.0, (-0.2, 0.5), 0.001, "nA", "extra external current"),
    },
    init={"S": 0.1},
    inputs=("I_syn",),
    outputs={"S": "S"},
    kind="neural_mass",
    doc="One excitatory population per region (S: NMDA gating, 0..1). Couple regions "
        "S_j -> I_syn with weights G*C_ij (the global coupling G folds into the weight; "
        "I_syn is multiplied by J_N). Time in ms.",
    citation="Deco G, Ponce-Alvarez A, Mantini D, Romani GL, Hagmann P, Corbetta M (2013). "
             "Resting-state functional connectivity emerges from structurally and "
             "dynamically shaped slow linear fluctuations. J Neurosci 33:11239-11252. "
             "doi:10.1523/JNEUROSCI.1091-13.2013",
)

ReducedWongWangExcInh = BloxType(
    "ReducedWongWangExcInh",
    f"""
    x_E = W_E*I_0 + w_p*J_N*S_E + J_N*I_syn - J_i*S_I + I_ext
    x_I = W_I*I_0 + J_N*S_E - S_I
    r_E = {_h("x_E", "a_E", "b_E", "d_E")}
    r_I = {_h("x_I", "a_I", "b_I", "d_I")}
    dS_E/dt = -S_E/tau_E + (1 - S_E)*gamma*r_E/1000
    dS_I/dt = -S_I/tau_I + r_I/1000
    """,
    title="reduced Wong–Wang, excitatory–inhibitory",
    params={
        "a_E": P(310.0, (100, 500), 1, "1/nC", "E gain"),
        "b_E": P(125.0, (50, 200), 1, "Hz", "E threshold"),
        "d_E": P(0.16, (0.05, 0.5), 0.001, "s", "E curvature", (1e-9, None)),
        "a_I": P(615.0, (200, 1000), 1, "1/nC", "I gain"),
        "b_I": P(177.0, (50, 300), 1, "Hz", "I threshold"),
        "d_I": P(0.087, (0.01, 0.5), 0.001, "s", "I curvature", (1e-9, None)),
        "gamma": P(0.641, (0.1, 1), 0.001, "", "kinetic parameter"),
        "tau_E": P(100.0, (10, 300), 1, "ms", "NMDA decay time constant", (1e-9, None)),
        "tau_I": P(10.0, (1, 50), 0.1, "ms", "GABA decay time constant", (1e-9, None)),
        "I_0": P(0.382, (0, 0.6), 0.001, "nA", "overall external input"),
        "W_E": P(1.0, (0, 2), 0.01, "", "scaling of I_0 for E"),
        "W_I": P(0.7, (0, 2), 0.01, "", "scaling of I_0 for I"),
        "w_p": P(1.4, (0, 3), 0.01, "", "local excitatory recurrence w+"),
        "J_N": P(0.15, (0, 0.5), 0.001, "nA", "NMDA coupling"),
        "J_i": P(1.0, (0, 3), 0.01, "nA", "local feedback inhibition (FIC)"),
        "I_ext": P(0.0, (-0.2, 0.5), 0.001, "nA", "extra external current to E"),
    },
    init={"S_E": 0.16, "S_I": 0.04},
    inputs=("I_syn",),
    outputs={"S_E": "S_E"},
    kind="neural_mass",
    doc="Excitatory (S_E, NMDA) and inhibitory (S_I, GABA) gating per region, with local "
        "feedback inhibition J_i. Couple regions S_E -> I_syn with weights G*C_ij "
        "(multiplied by J_N). Time in ms, currents nA, rates Hz.",
    citation="Deco G, Ponce-Alvarez A, Hagmann P, Romani GL, Mantini D, Corbetta M (2014). "
             "How local excitation-inhibition ratio impacts the whole brain dynamics. "
             "J Neurosci 34:7886-7898. doi:10.1523/JNEUROSCI.5068-13.2014",
)
