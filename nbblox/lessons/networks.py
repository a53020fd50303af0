"""Exercise answers about network rhythms and composite circuits (lessons
16-17), each computed with nbblox when an answer is given, never stored.
``tests/test_lessons.py`` confirms each by another route (mean-field theory,
Brian2's reference run of Brunel & Hakim's network, a hand-written circuit).
"""
from __future__ import annotations

import functools

from .answers import Numeric

__all__ = ["TABLE", "BH_RUN", "bh_spikes"]

#: the lesson-16 run: Brunel & Hakim's network, its length and transient (ms) -- 1 s
#: after 100 ms, as the Brian2 reference runs of tests/sim/test_brian2_conventions.py
BH_RUN = {"t_end": 1000.0, "transient": 100.0, "dt": 0.1, "seed": 1}


@functools.lru_cache(maxsize=None)
def bh_spikes():
    """Spikes of lesson 16's network (paper's parameters, connectivity seed 1,
    noise seed 1) after the transient, as ``nb.spike_trains`` gives them.

    Simulated, unless this process still holds an identical run (the lesson's:
    an equal circuit, the same arguments and noise seed; ``nbblox.sim.memo``)."""
    import nbblox as nb
    from ..examples.rhythms import inhibitory_network
    from ..sim.memo import simulate_once
    r = BH_RUN
    sol = simulate_once(inhibitory_network(), r["t_end"], dt=r["dt"], method="euler",
                        seed=r["seed"], record=[])
    return nb.spike_trains(sol, "net").select(t_range=(r["transient"], r["t_end"]))


def _bh_rate():
    return bh_spikes().rate


@functools.lru_cache(maxsize=None)
def _bh_frequency():
    """Peak of the spectrum of bh_spikes()' population rate (asked four times in lesson
    16: exercises 2 and 3 and their hidden tests)."""
    from ..examples.rhythms import population_frequency
    return population_frequency(bh_spikes())


def _bh_cycles_per_spike():
    return _bh_frequency() / _bh_rate()


def _chain_connections():
    """Connections the compiler sees in lesson 17's chain of three columns:
    the flattened circuit's (inside the columns and between them)."""
    from ..examples.chain import column_chain
    return float(len(column_chain(3).flatten().connections))


@functools.lru_cache(maxsize=None)
def _column_frequency_tau5():
    """Peak of the spectrum of col1's E activity (2 s, 500 ms discarded,
    1 Hz resolution) when every column's tau is 5 ms."""
    import nbblox as nb
    from ..examples.chain import column_chain
    sol = nb.simulate(column_chain(3), 2000.0, dt=0.05, params={"**.tau": 5.0})
    sp = nb.spectrum(sol, "col1.E.A", discard=500.0, resolution=1.0)
    return float(sp.peak_frequency())


#: exercise name -> Numeric(truth, tolerance, unit, hint, statement, source)
TABLE = {
    "bh_rate": Numeric(_bh_rate, 0.25, "Hz",
        "Count the spikes after the 100 ms transient and divide by the number of "
        "neurons and the time in seconds (or use nb.spike_trains(...).rate).",
        "Mean firing rate of one neuron of the Brunel-Hakim network (Hz).",
        "simulation; mean-field theory of Brunel & Hakim (1999) gives 3.45 Hz"),
    "bh_frequency": Numeric(_bh_frequency, 5.0, "Hz",
        "Take the population rate in 0.1 ms bins after the transient, its spectrum "
        "with nb.spectrum (resolution 5 Hz) and the peak between 20 and 500 Hz.",
        "Frequency of the population rhythm of the Brunel-Hakim network (Hz).",
        "Brunel & Hakim (1999); Brian2's example of the paper gives 137.7 Hz"),
    "bh_cycles_per_spike": Numeric(_bh_cycles_per_spike, 3.0, "cycles",
        "A neuron fires once every 1/rate seconds; the rhythm makes one cycle every "
        "1/frequency seconds: how many cycles fit in one interspike interval?",
        "Cycles of the population rhythm between two spikes of one neuron, on average.",
        "Brunel & Hakim (1999): neurons fire on a small fraction of the cycles"),
    "chain_connections": Numeric(_chain_connections, 0.0, "connections",
        "Each column has its own connections inside it, and each link between two "
        "columns goes through the port 'drive', which feeds two populations: count "
        "both (chain.flatten().connections lists what the compiler sees).",
        "Connections of the chain of three columns, inside and between the columns.",
        "ports resolve into leaf connections (docs/DESIGN-NOTES.md, composites)"),
    "column_frequency_tau5": Numeric(_column_frequency_tau5, 1.0, "Hz",
        "Set every column's tau with one selector or the promoted parameters "
        "(params={'**.tau': 5.0}), simulate 2 s and take the peak of the "
        "spectrum of col1.E.A after 500 ms.",
        "Oscillation frequency of col1 when every column's time constant is 5 ms (Hz).",
        "Wilson & Cowan (1972) limit cycle; halving tau doubles every frequency"),
}
