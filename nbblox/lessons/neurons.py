"""Exercise answers about single neurons (lessons 1-4 and 10): FitzHugh-Nagumo,
Hodgkin-Huxley, Morris-Lecar and the LIF neuron, each computed with nbblox or
from the model's equations, never stored."""
from __future__ import annotations

import functools
import math

import numpy as np

from ..sim.solution import spike_times
from .answers import Numeric

__all__ = ["TABLE", "firing_rate"]


def firing_rate(sol, var, t_min=0.0, threshold=0.0):
    """Mean firing rate (Hz) of ``var`` after ``t_min`` ms, from interspike intervals."""
    st = spike_times(sol.t, sol[var], threshold)
    st = st[st >= t_min]
    return 0.0 if st.size < 2 else 1000.0 / float(np.mean(np.diff(st)))

@functools.lru_cache(maxsize=None)
def _fhn_rest():
    from scipy.optimize import brentq
    import nbblox as nb
    p = {k: v.default for k, v in nb.blox.FitzHughNagumo.params.items()}
    # on the w-nullcline w = (V + a)/b; the V-equation then has one root
    g = lambda V: V - V**3 / 3 - (V + p["a"]) / p["b"] + p["I"]
    return brentq(g, -3, 3)

def _fhn_hopf_at(a=None):
    """Lower Hopf current of FHN at recovery offset ``a`` (default: the blox's) from its
    Jacobian: the trace 1 - V^2 - b/tau vanishes at V* = -sqrt(1 - b/tau); then I
    follows from the two nullclines (independent of nbblox's continuation code)."""
    import nbblox as nb
    p = {k: v.default for k, v in nb.blox.FitzHughNagumo.params.items()}
    V = -math.sqrt(1 - p["b"] / p["tau"])
    return V**3 / 3 - V + (V + (p["a"] if a is None else a)) / p["b"]

@functools.lru_cache(maxsize=None)
def _ml_hopf():
    """Rest loses stability where the trace of the Jacobian of the Morris-Lecar
    'hopf' set crosses zero on the branch of equilibria (scanned with brentq
    on the equilibrium curve, independent of the continuation code)."""
    from scipy.optimize import brentq
    import nbblox as nb
    s = nb.compile(nb.blox.MorrisLecar(name="ml", preset="hopf"))

    def eq(I):
        p = s.param_vector({"ml.I": I})
        # the w-equation gives w = w_inf(V); solve the V-equation for V
        def g(V):
            x = np.array([V, 0.5])
            for _ in range(60):   # w = w_inf(V): iterate the w-equation to its root
                f = s.rhs(x, params=p)
                J = s.jacobian(x, params=p)
                x[1] -= f[1] / J[1, 1]
            return s.rhs(x, params=p)[0], x
        V = brentq(lambda v: g(v)[0], -60.0, 40.0)
        x = g(V)[1]
        return np.trace(s.jacobian(x, params=p))

    return brentq(eq, 80.0, 100.0)

def _lif_rate(I=2.5):
    """Closed-form LIF rate (Hz) from the catalog parameters (Gerstner et al. 2014)."""
    import nbblox as nb
    p = {k: v.default for k, v in nb.blox.LIF.params.items()}
    drive = p["R"] * I
    if drive <= p["V_th"] - p["E_L"]:
        return 0.0
    T = nb.blox.LIF.refractory + p["tau_m"] * math.log(
        (drive - (p["V_reset"] - p["E_L"])) / (drive - (p["V_th"] - p["E_L"])))
    return 1000.0 / T

def _fires(I, t_end=300.0):
    import nbblox as nb
    sol = nb.simulate(nb.blox.HodgkinHuxley(name="hh"), t_end, dt=0.02,
                      params={"hh.I": I}, record=["hh.V"])
    return spike_times(sol.t, sol["hh.V"]).size

@functools.lru_cache(maxsize=None)
def _hh_rheobase():
    """Smallest constant current (0.05 uA/cm^2 resolution) giving repetitive
    firing (>= 5 spikes in 300 ms) from rest."""
    lo, hi = 0.0, 20.0
    while hi - lo > 0.05:
        mid = 0.5 * (lo + hi)
        lo, hi = (lo, mid) if _fires(mid) >= 5 else (mid, hi)
    return hi

@functools.lru_cache(maxsize=None)
def _hh_rate_10():
    import nbblox as nb
    sol = nb.simulate(nb.blox.HodgkinHuxley(name="hh", I=10.0), 1000.0, dt=0.01,
                      record=["hh.V"])
    return firing_rate(sol, "hh.V", t_min=100.0)


#: exercise name -> Numeric(truth, tolerance, unit, hint, statement)
TABLE = {
    "fhn_rest_V": Numeric(_fhn_rest, 0.01, "",
        "Find where the V- and w-nullclines cross at I = 0.",
        "Resting V of FitzHugh-Nagumo with the default parameters (I = 0)."),
    "fhn_hopf_I": Numeric(_fhn_hopf_at, 0.02, "",
        "Where does the fixed point lose stability? Look for 'H' "
        "in the continuation, or for the smallest I with a large "
        "oscillation.",
        "Current at which FitzHugh-Nagumo starts to oscillate (lower Hopf point)."),
    "ml_hopf_I": Numeric(_ml_hopf, 0.5, "uA/cm^2",
        "Look for the 'H' point on the continuation of the rest "
        "state for the Hopf set.",
        "Current where rest loses stability in the Morris-Lecar Hopf set."),
    "lif_rate": Numeric(lambda: _lif_rate(2.5), 1.0, "Hz",
        "Use the interval formula with the blox's parameters "
        "(nb.blox.LIF.params) and the 2 ms refractory period.",
        "Firing rate of the catalog LIF neuron at I = 2.5 nA."),
    "hh_rheobase": Numeric(_hh_rheobase, 0.3, "uA/cm^2",
        "Increase I in small steps from 0 and look for the "
        "first value that gives repetitive spikes.",
        "Smallest constant current that makes the HH neuron fire repetitively."),
    "hh_rate_10": Numeric(_hh_rate_10, 2.0, "Hz",
        "Count spikes after the first 100 ms and divide by "
        "the time, or invert the mean interspike interval.",
        "Firing rate of the HH neuron at I = 10 µA/cm²."),
    "fhn_hopf_I_a05": Numeric(lambda: _fhn_hopf_at(0.5), 0.02, "",
        "Read the Hopf curve at fhn.a = 0.5, or continue "
        "in fhn.I with params={'fhn.a': 0.5}.",
        "Lower Hopf current of FitzHugh-Nagumo at a = 0.5."),
}
