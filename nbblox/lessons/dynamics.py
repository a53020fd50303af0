"""Exercise answers about bursting, noise and short-term plasticity (lessons
13-15), each computed with nbblox or from the model's parameters, never stored.
``tests/test_lessons.py`` confirms each by another route (closed forms, an
independent integrator, long simulations)."""
from __future__ import annotations

import functools

import numpy as np

from .answers import Numeric

__all__ = ["TABLE", "FACILITATING"]

#: the facilitating synapse of lesson 15 (U, tau_D ms, tau_F ms)
FACILITATING = {"U": 0.03, "tau_D": 130.0, "tau_F": 530.0}


@functools.lru_cache(maxsize=None)
def _hr_burst_fold_z():
    """The fold (LP) of the Hindmarsh-Rose fast subsystem where the resting
    branch ends, found by continuation in the frozen slow variable z."""
    import nbblox as nb
    from ..examples.bursting import fast_subsystem
    br = nb.continuation(fast_subsystem(nb.blox.HindmarshRose(name="hr")), "fast.z", (0.0, 4.0))
    return min(sp.param_value for sp in br.special_points if sp.kind == "LP")


@functools.lru_cache(maxsize=None)
def _hr_spikes_per_burst():
    """Spikes per burst of the default Hindmarsh-Rose neuron: the bursts of a
    4 s run after the first (a transient) and before the last (maybe cut off)."""
    import nbblox as nb
    from ..examples.bursting import bursts
    from ..sim.solution import spike_times
    sol = nb.simulate(nb.blox.HindmarshRose(name="hr"), 4000.0, dt=0.01, method="rk4")
    groups = bursts(spike_times(sol.t, sol["hr.x"], 1.0), gap=50.0)[1:-1]
    return float(np.median([len(g) for g in groups]))



def _lif_noise_rate():
    from ..examples.noise import NoisyLIF, siegert_rate
    p = {k: v.default for k, v in NoisyLIF.params.items()}
    return siegert_rate(p["mu"], p["sigma"], p["tau"], p["V_th"], p["V_r"], NoisyLIF.refractory)


def _lif_noise_cv():
    from ..examples.noise import NoisyLIF, lif_isi_cv
    p = {k: v.default for k, v in NoisyLIF.params.items()}
    return lif_isi_cv(p["mu"], p["sigma"], p["tau"], p["V_th"], p["V_r"], NoisyLIF.refractory)


@functools.lru_cache(maxsize=None)
def _tm_paired_pulse_ratio():
    """Second over first EPSC of the depressing synapse (U = 0.5, tau_D = 800 ms)
    for two spikes 50 ms apart, simulated."""
    import nbblox as nb
    from ..examples.synapses import epsc_amplitudes, pair
    sol = nb.simulate(pair(U=0.5, tau_D=800.0, tau_F=1.0, rate=20.0), 60.0, dt=0.1,
                      method="euler")
    a = epsc_amplitudes(sol)
    return a[1] / a[0]


@functools.lru_cache(maxsize=None)
def _tm_best_rate():
    """The regular presynaptic rate (0.5 Hz grid) at which the facilitating
    synapse's steady-state EPSC is largest: one synapse per rate, 3 s each."""
    import nbblox as nb
    from ..examples.synapses import epsc_amplitudes, rate_sweep
    rates = np.arange(1.0, 60.01, 0.5)
    sol = nb.simulate(rate_sweep(rates, **FACILITATING), 3000.0, dt=0.1, method="euler",
                      record=[f"syn[{k}].released" for k in range(rates.size)])
    last = [epsc_amplitudes(sol, f"syn[{k}]")[-1] for k in range(rates.size)]
    return float(rates[int(np.argmax(last))])


#: exercise name -> Numeric(truth, tolerance, unit, hint, statement, source)
TABLE = {
    "hr_burst_start_z": Numeric(_hr_burst_fold_z, 0.03, "",
        "The burst starts where the resting branch of the fast subsystem ends: the "
        "lower fold (LP) of its equilibria as z decreases.",
        "Slow variable z at which the Hindmarsh-Rose neuron's resting state disappears.",
        "fold of the fast subsystem (Hindmarsh & Rose 1984; Izhikevich 2007, ch. 9)"),
    "hr_spikes_per_burst": Numeric(_hr_spikes_per_burst, 0.0, "spikes",
        "Simulate a few seconds, find the spikes (x crossing 1 upwards) and split "
        "them where the silence is long; skip the first burst (a transient).",
        "Spikes per burst of the default Hindmarsh-Rose neuron (I = 2, r = 0.001).",
        "simulation of Hindmarsh & Rose (1984), default parameters"),
    "lif_noise_rate": Numeric(_lif_noise_rate, 1.0, "Hz",
        "Simulate many neurons (or one for long) with method='em' and count spikes "
        "after a short transient; divide by the number of neurons and the time.",
        "Firing rate of the noisy LIF neuron at μ = 15 mV, σ = 5 mV.",
        "Siegert formula (Ricciardi 1977; Brunel 2000, eq. 21)"),
    "lif_noise_cv": Numeric(_lif_noise_cv, 0.05, "",
        "Take the intervals between each neuron's successive spikes, pool them over "
        "neurons (they are alike) and divide their standard deviation by their mean.",
        "Coefficient of variation of the interspike intervals of the noisy LIF "
        "(μ = 15 mV, σ = 5 mV).",
        "first-passage theory of the LIF (Brunel 2000, appendix; Tuckwell 1988)"),
    "tm_paired_pulse_ratio": Numeric(_tm_paired_pulse_ratio, 0.01, "",
        "Send two spikes 50 ms apart (a 20 Hz train) and divide the second EPSC by "
        "the first.",
        "Paired-pulse ratio of the depressing synapse (U = 0.5, τ_D = 800 ms) at 50 ms.",
        "Tsodyks & Markram 1997; Markram, Wang & Tsodyks 1998"),
    "tm_best_rate": Numeric(_tm_best_rate, 1.5, "Hz",
        "Drive one synapse per rate (rate_sweep) for a few seconds and compare the "
        "last EPSC of each train.",
        "Presynaptic rate at which the facilitating synapse's steady-state EPSC is largest.",
        "Tsodyks, Pawelzik & Markram 1998 (peak frequency); Markram, Wang & Tsodyks 1998"),
}
