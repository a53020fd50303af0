"""Observer blox: signals a measurement would record from neural activity.

* BalloonWindkessel: the haemodynamic model turning neural activity into the
  fMRI BOLD signal (output ``bold``, fractional signal change).
* LFP: a linear, low-pass readout of excitatory and inhibitory synaptic input
  (output ``lfp``).
Time in ms; the haemodynamic constants are given, as in the papers, in
seconds (the equations divide by 1000).
"""
from __future__ import annotations

from ..blox import BloxType
from ..params import Parameter as P

__all__ = ["BalloonWindkessel", "LFP"]

_BOLD = "V0*(7*rho*(1 - q) + 2*(1 - q/v) + (2*rho - 0.2)*(1 - v))"

BalloonWindkessel = BloxType(
    "BalloonWindkessel",
    """
    # rates below are per second; /1000 converts to per ms
    E_f = 1 - (1 - rho)**(1/f)
    ds/dt = (epsilon*I_syn - kappa*s - gamma*(f - 1))/1000
    df/dt = s/1000
    dv/dt = (f - v**(1/alpha))/tau/1000
    dq/dt = (f*E_f/rho - v**(1/alpha)*q/v)/tau/1000
    """,
    title="Balloon–Windkessel",
    params={
        "epsilon": P(1.0, (0, 5), 0.01, "1/s", "neuronal efficacy (input gain)"),
        "kappa": P(0.65, (0.1, 2), 0.01, "1/s", "rate of signal decay", (0, None)),
        "gamma": P(0.41, (0.1, 2), 0.01, "1/s", "rate of flow-dependent elimination", (0, None)),
        "tau": P(0.98, (0.1, 5), 0.01, "s", "haemodynamic transit time", (1e-9, None)),
        "alpha": P(0.32, (0.1, 1), 0.01, "", "Grubb's vessel stiffness exponent", (1e-9, None)),
        "rho": P(0.34, (0.05, 0.9), 0.01, "", "resting oxygen extraction fraction", (1e-9, 1)),
        "V0": P(0.02, (0, 0.1), 0.001, "", "resting blood volume fraction", (0, None)),
    },
    init={"s": 0.0, "f": 1.0, "v": 1.0, "q": 1.0},
    inputs=("I_syn",),
    outputs={"bold": _BOLD, "f": "f"},
    kind="observer",
    doc="Balloon-Windkessel haemodynamics: vasodilatory signal s (1/s), inflow f, "
        "volume v and deoxyhaemoglobin q (normalised to rest). Input I_syn is neural "
        "activity z; output bold = V0*(k1(1-q) + k2(1-q/v) + k3(1-v)), k1 = 7 rho, k2 = 2, "
        "k3 = 2 rho - 0.2. Constants in seconds as in the paper; time in ms.",
    citation="Friston KJ, Mechelli A, Turner R, Price CJ (2000). Nonlinear responses in "
             "fMRI: the Balloon model, Volterra kernels, and other hemodynamics. "
             "NeuroImage 12:466-477. doi:10.1006/nimg.2000.0630; Buxton RB, Wong EC, Frank "
             "LR (1998). Magn Reson Med 39:855-864. doi:10.1002/mrm.1910390602",
)

LFP = BloxType(
    "LFP",
    "dL/dt = (w_E*I_E - w_I*I_I - L)/tau",
    title="LFP proxy",
    params={
        "w_E": P(1.0, (0, 5), 0.01, "", "weight of excitatory (AMPA) input"),
        "w_I": P(1.65, (0, 5), 0.01, "", "weight of inhibitory (GABA) input"),
        "tau": P(1.0, (0.05, 50), 0.05, "ms", "readout low-pass time constant", (1e-9, None)),
    },
    init={"L": 0.0},
    inputs=("I_E", "I_I"),
    outputs={"lfp": "L"},
    kind="observer",
    doc="LFP proxy: a low-passed weighted difference of the summed absolute excitatory "
        "(I_E) and inhibitory (I_I) synaptic currents onto pyramidal cells; the default "
        "weights are those of Mazzoni et al. 2015 (their 6 ms AMPA delay is a delay on the "
        "connection into I_E). For a neural mass, feed its EEG-like output into I_E.",
    citation="Mazzoni A, Linden H, Cuntz H, Lansner A, Panzeri S, Einevoll GT (2015). "
             "Computing the local field potential (LFP) from integrate-and-fire network "
             "models. PLoS Comput Biol 11:e1004584. doi:10.1371/journal.pcbi.1004584",
)
