"""Slow-fast dissection of a bursting neuron (the lesson-13 tools).

A burster has fast variables that spike and a slow variable that switches the
spiking on and off.  Freezing the slow variable turns it into a parameter of
the *fast subsystem*, whose bifurcation diagram explains the burst (Rinzel
1985, 1987; Izhikevich 2007, ch. 9): for the Hindmarsh-Rose model, rest
disappears at a fold (saddle-node) of the fast subsystem and spiking ends at a
homoclinic orbit -- a fold/homoclinic, "square-wave" burster.

>>> import nbblox as nb
>>> fast = fast_subsystem(nb.blox.HindmarshRose(name="hr"))
>>> sorted(fast.params)
['I', 'a', 'b', 'c', 'd', 'z']
>>> bursts([1.0, 2.0, 3.0, 50.0, 51.0], gap=20.0)
[[1.0, 2.0, 3.0], [50.0, 51.0]]
"""
from __future__ import annotations

import numpy as np

__all__ = ["fast_subsystem", "bursts"]


def fast_subsystem(hr, z=2.0):
    """The fast subsystem (x, y) of a Hindmarsh-Rose blox ``hr``, with the slow
    variable ``z`` as a parameter; the other parameters are ``hr``'s, named
    ``fast.*``."""
    import nbblox as nb
    keep = ("I", "a", "b", "c", "d")
    params = {k: float(hr.params[k]) for k in keep}
    params["z"] = (float(z), (0.0, 4.0), "", "slow variable, frozen")
    return nb.Blox.from_equations("""
        dx/dt = y - a*x**3 + b*x**2 - z + I
        dy/dt = c - d*x**2 - y
    """, params=params, name="fast")


def bursts(spike_times, gap):
    """Spike times grouped into bursts: a new burst starts after a silence
    longer than ``gap`` (ms)."""
    st = np.sort(np.asarray(spike_times, dtype=float))
    if st.size == 0:
        return []
    cuts = np.flatnonzero(np.diff(st) > gap) + 1
    return [list(map(float, b)) for b in np.split(st, cuts)]
