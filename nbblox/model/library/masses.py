"""Neural-mass blox: Wilson-Cowan (more in later work).  Time in ms."""
from __future__ import annotations

from ..blox import BloxType
from ..params import Parameter as P

__all__ = ["WilsonCowan"]

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
    kind="neural_mass",
    doc="Excitatory (E) and inhibitory (I) population activity. Defaults are the "
        "limit-cycle set of Wilson & Cowan 1972 (Fig. 6 parameters); the paper's unit "
        "of time is the membrane time constant, here tau = 10 ms.",
    citation="Wilson HR, Cowan JD (1972). Excitatory and inhibitory interactions in "
             "localized populations of model neurons. Biophys J 12:1-24. "
             "doi:10.1016/S0006-3495(72)86068-5",
)
