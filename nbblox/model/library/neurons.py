"""Continuous point-neuron blox: Hodgkin-Huxley, FitzHugh-Nagumo, Morris-Lecar,
Hindmarsh-Rose, Wang-Buzsaki (integrate-and-fire models live in ``spiking``).

Units: time ms, voltage mV, current density uA/cm^2, conductance mS/cm^2,
capacitance uF/cm^2, unless a docstring says otherwise.
"""
from __future__ import annotations

from ..blox import BloxType
from ..params import Parameter as P

__all__ = ["HodgkinHuxley", "FitzHughNagumo", "MorrisLecar", "HindmarshRose", "WangBuzsaki"]

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
    title="Hodgkin–Huxley",
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
    units={"V": "mV", "m": "1", "h": "1", "n": "1", "I_syn": "uA/cm^2"},
    state_docs={"m": "Na⁺ activation", "h": "Na⁺ inactivation", "n": "K⁺ activation"},
    kind="neuron",
    doc="Squid giant axon, resting potential -65 mV (modern sign convention). "
        "Time in ms, V in mV, currents in µA/cm².",
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
    title="FitzHugh–Nagumo",
    params={
        "I": P(0.0, (-1, 3), 0.01, "", "external drive"),
        "a": P(0.7, (-1, 2), 0.01, "", "recovery offset"),
        "b": P(0.8, (0, 2), 0.01, "", "recovery coupling"),
        "tau": P(12.5, (0.1, 50), 0.1, "ms", "recovery time scale", (1e-9, None)),
    },
    init={"V": -1.19941, "w": -0.62426},
    state_docs={"V": "voltage-like variable", "w": "recovery variable"},
    kind="neuron",
    doc="Dimensionless two-variable reduction of Hodgkin-Huxley; one time unit "
        "is read as 1 ms. Fixed point at I=0: V=-1.1994, w=-0.6243.",
    citation="FitzHugh R (1961). Impulses and physiological states in theoretical models "
             "of nerve membrane. Biophys J 1:445-466. doi:10.1016/S0006-3495(61)86902-6; "
             "Nagumo J, Arimoto S, Yoshizawa S (1962). Proc IRE 50:2061-2070.",
)

MorrisLecar = BloxType(
    "MorrisLecar",
    """
    m_inf = 0.5*(1 + tanh((V - V1)/V2))
    w_inf = 0.5*(1 + tanh((V - V3)/V4))
    tau_w = 1/cosh((V - V3)/(2*V4))
    dV/dt = (I + I_syn - g_L*(V - E_L) - g_Ca*m_inf*(V - E_Ca) - g_K*w*(V - E_K))/C
    dw/dt = phi*(w_inf - w)/tau_w
    """,
    title="Morris–Lecar",
    params={
        "I": P(0.0, (-20, 200), 0.5, "uA/cm^2", "injected current"),
        "C": P(20.0, (1, 40), 0.5, "uF/cm^2", "membrane capacitance", (1e-9, None)),
        "g_Ca": P(4.4, (0, 10), 0.05, "mS/cm^2", "maximal calcium conductance", (0, None)),
        "g_K": P(8.0, (0, 20), 0.1, "mS/cm^2", "maximal potassium conductance", (0, None)),
        "g_L": P(2.0, (0, 5), 0.05, "mS/cm^2", "leak conductance", (0, None)),
        "E_Ca": P(120.0, (50, 150), 1, "mV", "calcium reversal potential"),
        "E_K": P(-84.0, (-120, -50), 1, "mV", "potassium reversal potential"),
        "E_L": P(-60.0, (-80, -40), 0.5, "mV", "leak reversal potential"),
        "V1": P(-1.2, (-20, 20), 0.1, "mV", "half-activation of m_inf"),
        "V2": P(18.0, (1, 40), 0.1, "mV", "slope of m_inf", (1e-9, None)),
        "V3": P(2.0, (-20, 30), 0.1, "mV", "half-activation of w_inf"),
        "V4": P(30.0, (1, 60), 0.1, "mV", "slope of w_inf", (1e-9, None)),
        "phi": P(0.04, (0.001, 0.5), 0.001, "1/ms", "rate of the K gate", (0, None)),
    },
    init={"V": -60.855, "w": 0.014915},
    units={"V": "mV", "w": "1", "I_syn": "uA/cm^2"},
    presets={"hopf": {"g_Ca": 4.4, "V3": 2.0, "V4": 30.0, "phi": 0.04},
             "snic": {"g_Ca": 4.0, "V3": 12.0, "V4": 17.4, "phi": 1 / 15},
             "homoclinic": {"g_Ca": 4.0, "V3": 12.0, "V4": 17.4, "phi": 0.23}},
    state_docs={"w": "open K⁺ channel fraction"},
    kind="neuron",
    doc="Barnacle muscle fibre model with instantaneous Ca activation and a slow K gate. "
        "Time ms, V mV, I µA/cm², C µF/cm² (the paper's units). Defaults: the "
        "Rinzel-Ermentrout 'Hopf' (class II) set; presets 'hopf', 'snic' (class I, "
        "onset near I = 40) and 'homoclinic'.",
    citation="Morris C, Lecar H (1981). Voltage oscillations in the barnacle giant muscle "
             "fiber. Biophys J 35:193-213. doi:10.1016/S0006-3495(81)84782-0; parameter "
             "sets: Rinzel J, Ermentrout GB (1989) in Methods in Neuronal Modeling, MIT "
             "Press, ch. 7 (also Ermentrout & Terman 2010, Springer, ch. 3).",
)

HindmarshRose = BloxType(
    "HindmarshRose",
    """
    dx/dt = y - a*x**3 + b*x**2 - z + I + I_syn
    dy/dt = c - d*x**2 - y
    dz/dt = r*(s*(x - x_R) - z)
    """,
    title="Hindmarsh–Rose",
    params={
        "I": P(2.0, (-2, 5), 0.01, "", "injected current"),
        "a": P(1.0, (0, 3), 0.01, "", "cubic coefficient"),
        "b": P(3.0, (0, 6), 0.01, "", "quadratic coefficient"),
        "c": P(1.0, (-5, 5), 0.01, "", "recovery offset"),
        "d": P(5.0, (0, 10), 0.01, "", "recovery quadratic coefficient"),
        "r": P(0.001, (0, 0.05), 0.0001, "", "slow (adaptation) rate", (0, None)),
        "s": P(4.0, (0, 8), 0.01, "", "adaptation coupling"),
        "x_R": P(-1.6, (-3, 0), 0.01, "", "adaptation reference potential"),
    },
    init={"x": -1.6, "y": -11.8, "z": 0.0},
    state_docs={"x": "membrane potential",
                "y": "fast recovery variable",
                "z": "slow adaptation current"},
    kind="neuron",
    doc="Three-variable bursting model (dimensionless; one time unit is read as 1 ms). "
        "Defaults (r = 0.001, s = 4, x_R = -1.6, I = 2) give regular bursts; "
        "r = 0.006, I = 3.25 gives chaotic bursting.",
    citation="Hindmarsh JL, Rose RM (1984). A model of neuronal bursting using three "
             "coupled first order differential equations. Proc R Soc Lond B 221:87-102. "
             "doi:10.1098/rspb.1984.0024",
)

WangBuzsaki = BloxType(
    "WangBuzsaki",
    """
    # exprel fills the removable singularities at V = -35 and V = -34 mV
    alpha_m = 1/exprel(-(V + 35)/10)
    beta_m = 4*exp(-(V + 60)/18)
    m_inf = alpha_m/(alpha_m + beta_m)
    alpha_h = 0.07*exp(-(V + 58)/20)
    beta_h = 1/(1 + exp(-(V + 28)/10))
    alpha_n = 0.1/exprel(-(V + 34)/10)
    beta_n = 0.125*exp(-(V + 44)/80)
    I_Na = g_Na*m_inf**3*h*(V - E_Na)
    I_K = g_K*n**4*(V - E_K)
    I_L = g_L*(V - E_L)
    dV/dt = (I + I_syn - I_Na - I_K - I_L)/C
    dh/dt = phi*(alpha_h*(1 - h) - beta_h*h)
    dn/dt = phi*(alpha_n*(1 - n) - beta_n*n)
    """,
    title="Wang–Buzsáki",
    params={
        "I": P(0.0, (-2, 20), 0.01, "uA/cm^2", "injected current"),
        "C": P(1.0, (0.1, 5), 0.1, "uF/cm^2", "membrane capacitance", (1e-9, None)),
        "g_Na": P(35.0, (0, 70), 0.5, "mS/cm^2", "maximal sodium conductance", (0, None)),
        "g_K": P(9.0, (0, 20), 0.1, "mS/cm^2", "maximal potassium conductance", (0, None)),
        "g_L": P(0.1, (0, 1), 0.01, "mS/cm^2", "leak conductance", (0, None)),
        "E_Na": P(55.0, (0, 100), 1, "mV", "sodium reversal potential"),
        "E_K": P(-90.0, (-120, -50), 1, "mV", "potassium reversal potential"),
        "E_L": P(-65.0, (-80, -40), 0.5, "mV", "leak reversal potential"),
        "phi": P(5.0, (0.5, 10), 0.1, "", "temperature factor of h and n", (0, None)),
    },
    init={"V": -64.0, "h": 0.78, "n": 0.09},
    units={"V": "mV", "h": "1", "n": "1", "I_syn": "uA/cm^2"},
    state_docs={"h": "Na⁺ inactivation", "n": "K⁺ activation"},
    kind="neuron",
    doc="Fast-spiking hippocampal basket-cell model (class I: fires at arbitrarily low "
        "rates above threshold). Time ms, V mV, I µA/cm²; the sodium activation is "
        "instantaneous.",
    citation="Wang XJ, Buzsaki G (1996). Gamma oscillation by synaptic inhibition in a "
             "hippocampal interneuronal network model. J Neurosci 16:6402-6413. "
             "doi:10.1523/JNEUROSCI.16-20-06402.1996",
)
