"""Short-term synaptic plasticity driven by a presynaptic spike train (the
lesson-15 models).

The Tsodyks-Markram synapse in its event form (Markram, Wang & Tsodyks 1998;
Tsodyks, Pawelzik & Markram 1998): a fraction ``x`` of resources is available
and recovers with ``tau_D``; the utilisation ``u`` decays with ``tau_F``.  At
each presynaptic spike, first ``u`` facilitates by ``U*(1 - u)``, then the
fraction ``u*x`` of the resources is released (the postsynaptic conductance
``g`` jumps by ``w*u*x``, its EPSC) and removed from ``x``.  This gives the
recursion of Markram et al. (1998) for the n-th EPSC, ``A*u_n*R_n``.

The catalog's :data:`nbblox.blox.TsodyksMarkram` is the mean-field (rate)
version of the same synapse.

>>> import nbblox as nb
>>> c = pair(U=0.5, tau_D=800.0, tau_F=1.0, rate=20.0)
>>> sol = nb.simulate(c, 60.0, dt=0.1, method="euler")
>>> [round(a, 3) for a in epsc_amplitudes(sol)]   # 1 - U*exp(-50/800) for the second
[0.5, 0.265]
"""
from __future__ import annotations

import numpy as np

__all__ = ["Pacemaker", "TMSynapse", "TM_ON_PRE", "pair", "rate_sweep", "epsc_amplitudes"]

import nbblox as nb

Pacemaker = nb.BloxType(
    "Pacemaker",
    "dphase/dt = rate/1000   # one cycle per 1000/rate ms",
    params={"rate": (20.0, (0.5, 100.0), "Hz", "firing rate of the regular train")},
    init={"phase": 0.9999},       # the first spike comes one step after t = 0
    spike="phase >= 1", reset="phase = 0", refractory=0.0, kind="neuron",
    doc="A presynaptic neuron that fires a regular spike train at `rate` Hz.")

TMSynapse = nb.BloxType(
    "TMSynapse",
    """
    dx/dt = (1 - x)/tau_D    # available resources recover
    du/dt = -u/tau_F         # facilitation decays
    dg/dt = -g/tau_s         # postsynaptic conductance
    dreleased/dt = 0         # resources released so far (each spike adds its EPSC)
    """,
    params={"U": (0.5, (0.01, 1.0), "", "utilisation increment per spike"),
            "tau_D": (800.0, (10.0, 2000.0), "ms", "recovery from depression"),
            "tau_F": (1.0, (1.0, 2000.0), "ms", "decay of facilitation"),
            "tau_s": (3.0, (0.5, 20.0), "ms", "decay of the postsynaptic conductance")},
    init={"x": 1.0, "u": 0.0, "g": 0.0, "released": 0.0}, kind="synapse",
    doc="Tsodyks-Markram synapse driven by spikes (connect with on_pre=TM_ON_PRE).")

#: what one presynaptic spike does (in this order): facilitate, release, deplete
TM_ON_PRE = """
u += U*(1 - u)
g += w*u*x
released += w*u*x
x -= u*x
"""


def pair(U=0.5, tau_D=800.0, tau_F=1.0, rate=20.0):
    """A regular train at ``rate`` Hz into one Tsodyks-Markram synapse: blox
    ``pre`` and ``syn``."""
    pre = Pacemaker(name="pre", rate=rate)
    syn = TMSynapse(name="syn", U=U, tau_D=tau_D, tau_F=tau_F)
    return nb.Circuit([pre, syn], name="tm_pair").connect(pre, syn, on_pre=TM_ON_PRE,
                                                          weight=1.0)


def rate_sweep(rates, U=0.5, tau_D=800.0, tau_F=1.0):
    """One synapse per presynaptic rate (Populations ``pre`` and ``syn``,
    connected one to one): a whole frequency dependence in one run."""
    rates = np.asarray(rates, dtype=float)
    pre = nb.Population(Pacemaker, n=rates.size, name="pre", rate=rates)
    syn = nb.Population(TMSynapse, n=rates.size, name="syn", U=U, tau_D=tau_D, tau_F=tau_F)
    return nb.Circuit([pre, syn], name="tm_sweep").connect(pre, syn, on_pre=TM_ON_PRE,
                                                           weight=1.0, one_to_one=True)


def epsc_amplitudes(sol, syn="syn"):
    """The EPSC of each presynaptic spike, in order: the steps of the synapse's
    ``released`` counter (``syn`` names the synapse blox or population element,
    e.g. ``"syn[3]"``)."""
    steps = np.diff(np.asarray(sol[f"{syn}.released"]))
    return [float(a) for a in steps[steps > 0]]
