"""Point-neuron blox: Hodgkin-Huxley, FitzHugh-Nagumo (more in later work).

Units: time ms, voltage mV, current density uA/cm^2, conductance mS/cm^2,
capacitance uF/cm^2, unless a docstring says otherwise.
"""
from __future__ import annotations

from ..blox import BloxType
from ..params import Parameter as P

__all__ = ["HodgkinHuxley", "FitzHughNagumo"]

HodgkinHuxley = BloxType(
    "HodgkinHuxley",
    """
    # rate functions (1/ms); exprel fills the removable singularities at
    # V = -40 mV (alpha_m) and V = -55 mV (alpha_n)
    phi = 3**((T - 6.3)/10)
    alpha_m = 1/exprel(-(V + 40)/10)
    beta_m = 4*exp(-(V + 65)/18)
    alpha_h = 0.07*exp(-(V + 65)/20)
    beta_h = 1/(1 + exp(-(V + 35)/10))
    alpha_n = 0.1/exprel(-(V + 55)/10)
    beta_n = 0.125*exp(-(V + 65)/80)
    I_Na = g_Na*m**3*h*(V - E_Na)
    I_K = g_K*n**4*(V - E_K)
    I_L = g_L*(V - E_L)
    dV/dt = (I + I_syn - I_Na - I_K - I_L)/C
    dm/dt = phi*(alpha_m*(1 - m) - beta_m*m)
    dh/dt = phi*(alpha_h*(1 - h) - beta_h*h)
    dn/dt = phi*(alpha_n*(1 - n) - beta_n*n)
    """,
    params={
        "I": P(0.0, (-10, 200), 0.1, "uA/cm^2", "injected current"),
        "C": P(1.0, (0.1, 5), 0.1, "uF/cm^2", "membrane capacitance", (1e-9, None)),
        "g_Na": P(120.0, (0, 240), 1, "mS/cm^2", "maximal sodium conductance", (0, None)),
        "g_K": P(36.0, (0, 72), 0.5, "mS/cm^2", "maximal potassium conductance", (0, None)),
        "g_L": P(0.3, (0, 1), 0.01, "mS/cm^2", "leak conductance", (0, None)),
        "E_Na": P(50.0, (0, 100), 1, "mV", "sodium reversal potential"),
        "E_K": P(-77.0, (-120, -50), 1, "mV", "potassium reversal potential"),
        "E_L": P(-54.387, (-80, -40), 0.1, "mV", "leak reversal potential"),
        "T": P(6.3, (0, 40), 0.1, "degC", "temperature (rates scale by 3^((T-6.3)/10))"),
    },
    init={"V": -65.0, "m": 0.05293, "h": 0.59612, "n": 0.31768},
    kind="neuron",
    doc="Squid giant axon, resting potential -65 mV (modern sign convention). "
        "Time in ms, V in mV, currents in uA/cm^2.",
    citation="Hodgkin AL, Huxley AF (1952). A quantitative description of membrane "
             "current and its application to conduction and excitation in nerve. "
             "J Physiol 117:500-544. doi:10.1113/jphysiol.1952.sp004764",
)

FitzHughNagumo = BloxType(
    "FitzHughNagumo",
    """
    dV/dt = V - V**3/3 - w + I + I_syn
    dw/dt = (V + a - b*w)/tau
    """,
    params={
        "I": P(0.0, (-1, 3), 0.01, "", "external drive"),
        "a": P(0.7, (-1, 2), 0.01, "", "recovery offset"),
        "b": P(0.8, (0, 2), 0.01, "", "recovery coupling"),
        "tau": P(12.5, (0.1, 50), 0.1, "ms", "recovery time scale", (1e-9, None)),
    },
    init={"V": -1.19941, "w": -0.62426},
    kind="neuron",
    doc="Dimensionless two-variable reduction of Hodgkin-Huxley; one time unit "
        "is read as 1 ms. Fixed point at I=0: V=-1.1994, w=-0.6243.",
    citation="FitzHugh R (1961). Impulses and physiological states in theoretical models "
             "of nerve membrane. Biophys J 1:445-466. doi:10.1016/S0006-3495(61)86902-6; "
             "Nagumo J, Arimoto S, Yoshizawa S (1962). Proc IRE 50:2061-2070.",
)
