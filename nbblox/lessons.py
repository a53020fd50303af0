"""Exercise checkers for the course notebooks in ``lessons/``.

A checker never stores the answer: it computes it with nbblox from the
model the exercise is about (so it stays right if a model is corrected) and
compares the student's answer within a stated tolerance, with a hint.

>>> r = check("fhn_rest_V", -1.1994)
>>> bool(r)
True
>>> bool(check("fhn_rest_V", 0.0))
False
"""
from __future__ import annotations

import functools
import html
import math

import numpy as np

from .sim.solution import spike_times

__all__ = ["check", "EXERCISES", "CheckResult", "spike_times", "firing_rate",
           "coba_network", "median_isi_cv"]


def firing_rate(sol, var, t_min=0.0, threshold=0.0):
    """Mean firing rate (Hz) of ``var`` after ``t_min`` ms, from interspike intervals."""
    st = spike_times(sol.t, sol[var], threshold)
    st = st[st >= t_min]
    return 0.0 if st.size < 2 else 1000.0 / float(np.mean(np.diff(st)))


class _NoAnswer(Exception):
    pass


class CheckResult:
    """Outcome of one check: truthy if right; shows green or red in a notebook."""

    def __init__(self, ok, message):
        self.ok, self.message = bool(ok), message

    def __bool__(self):
        return self.ok

    def __repr__(self):
        return ("✔ " if self.ok else "✘ ") + self.message

    def _repr_html_(self):
        color = "#1a7f37" if self.ok else "#b42318"
        mark = "✔" if self.ok else "✘"
        return (f'<div style="color:{color};font-weight:600">{mark} '
                f"{html.escape(self.message)}</div>")


# -- answers, computed ---------------------------------------------------------

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
def _wc_bistable_count():
    import nbblox as nb
    fps = nb.fixed_points(nb.blox.WilsonCowan(name="wc"), params={"wc.c1": 24.0, "wc.P": 0.5},
                          bounds={"wc.E": (0, 0.5), "wc.I": (0, 0.5)})
    return len(fps)


@functools.lru_cache(maxsize=None)
def _jr_alpha():
    import nbblox as nb
    sol = nb.simulate(nb.blox.JansenRit(name="jr"), 5000.0, dt=0.1)
    keep = sol.t > 1000.0
    x = (sol["jr.y1"] - sol["jr.y2"])[keep]
    x = x - x.mean()
    f = np.fft.rfftfreq(x.size, d=0.1 / 1000.0)
    return float(f[np.argmax(np.abs(np.fft.rfft(x)))])


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


def coba_network(N=4000, NE=3200, p=0.02, we=0.6, wi=6.7):
    """The lesson-8 COBA network (Brette et al. 2007), seeded as in the lesson."""
    import nbblox as nb
    cell = nb.BloxType(
        "COBA_LIF",
        "dv/dt = (ge*(Ee - v) + gi*(Ei - v) - (v - El) + Iext)/taum\n"
        "dge/dt = -ge/taue\ndgi/dt = -gi/taui",
        params={"taum": 20.0, "taue": 5.0, "taui": 10.0, "Ee": 0.0, "Ei": -80.0,
                "El": -60.0, "Iext": 0.0, "Vt": -50.0, "Vr": -60.0},
        spike="v > Vt", reset="v = Vr", refractory=5.0, kind="neuron")
    rng = np.random.default_rng(0)
    pop = nb.Population(cell, n=N, name="net", init={"v": rng.normal(-55.0, 5.0, N)})
    net = nb.Circuit([pop])
    for src, seed, stmt, w in ((np.arange(NE), 1, "ge += w", we),
                               (np.arange(NE, N), 2, "gi += w", wi)):
        mask = np.random.default_rng(seed).random((src.size, N)) < p
        i, j = np.nonzero(mask)
        net.connect(pop, pop, on_pre=stmt, weight=w, i=src[i], j=j)
    return net


def median_isi_cv(idx, t, min_spikes=3):
    """Median coefficient of variation of interspike intervals over neurons."""
    order = np.lexsort((t, idx))
    idx, t = np.asarray(idx)[order], np.asarray(t)[order]
    cvs = []
    for n in np.unique(idx):
        st = t[idx == n]
        if st.size >= min_spikes:
            isi = np.diff(st)
            cvs.append(isi.std() / isi.mean())
    return float(np.median(cvs)) if cvs else float("nan")


@functools.lru_cache(maxsize=None)
def _coba_cv():
    import nbblox as nb
    sol = nb.simulate(coba_network(), 1000.0, dt=0.1, method="euler",
                      record=["net[0].v"], stride=10)
    return median_isi_cv(sol.spikes["index"], sol.spikes["time"])


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


@functools.lru_cache(maxsize=None)
def _stdp_pair_dw():
    """Weight change of one pre (10 ms) -> post (25 ms) pair under the lesson-12
    rule, measured by simulating the pair in nbblox."""
    import nbblox as nb
    from .examples.learning import stdp_window
    rule = nb.STDP(tau_pre=20.0, tau_post=20.0, A_plus=0.01, A_minus=0.0105, w_max=1.0)
    return float(stdp_window([15.0], rule, t_first=10.0)[1][0])


def _ring_connections():
    """Connections of the lesson-7 ring made bidirectional: one per non-zero of W + W.T."""
    W = np.zeros((5, 5))
    for i in range(5):
        W[i, (i + 1) % 5] = 1.2
    return float(np.count_nonzero(W + W.T))


def _longest_delay(speed=5.0):
    """Longest conduction delay (ms) of the tvb76 connectome at ``speed`` mm/ms: the
    longest tract among connected region pairs, divided by the speed."""
    import nbblox as nb
    cx = nb.data.connectome("tvb76")
    return float(cx.tract_lengths[cx.weights > 0].max()) / speed


def _pair_file(answer):
    """The lesson-11 exercise: ``answer`` is the path of the saved circuit file. It is
    read with the safe loader and compared with the lesson's circuit."""
    if answer is None:
        raise _NoAnswer
    import os

    import nbblox as nb
    path = os.fspath(answer)
    if not os.path.isfile(path):
        return CheckResult(False, f"pair_file: there is no file {path!r} yet. "
                                  "Write it with c.to_json('pair.json').")
    try:
        with open(path, encoding="utf-8") as f:
            got = nb.Circuit.from_json(f.read())
    except Exception as e:  # a wrong file is a wrong answer, with the reason
        return CheckResult(False, f"pair_file: {path} is not a circuit file ({e}).")
    a = nb.blox.WilsonCowan(name="a")
    b = nb.blox.WilsonCowan(name="b", P=0.5)
    want = nb.Circuit([a, b], name="pair").connect(a, b, weight=1.5)
    if got == want:
        return CheckResult(True, f"pair_file: {path} holds the lesson's circuit.")
    return CheckResult(False, f"pair_file: {path} is not right yet: it holds a circuit, but "
                              "not the lesson's pair (two Wilson-Cowan, a -> b with weight "
                              "1.5, b.P = 0.5).")


class _BadAnswer(Exception):
    """An answer of the wrong kind: shown as a ✘ with a hint, never a traceback."""


def _number(answer, name):
    if answer is None:
        raise _NoAnswer
    size = np.size(answer) if isinstance(answer, (list, tuple, np.ndarray)) else 1
    if size != 1:
        raise _BadAnswer(f"{name}: the answer is {size} values (an array?); give one number, "
                         "e.g. its last element arr[-1] or its largest arr.max().")
    try:
        v = float(np.ravel(answer)[0]) if isinstance(answer, (list, tuple, np.ndarray)) \
            else float(answer)
    except (TypeError, ValueError):
        raise _BadAnswer(f"{name}: the answer must be a number, got {answer!r}"[:200]) from None
    if not math.isfinite(v):
        raise _BadAnswer(f"{name}: the answer is {v}; give a finite number.")
    return v


def _close(name, answer, truth, tol, unit, hint):
    """``truth`` is a function: the answer is read first, so an exercise not yet
    answered runs no simulation (and compiles no kernel)."""
    v = _number(answer, name)
    if abs(v - truth()) <= tol:
        return CheckResult(True, f"{name}: {v:g} {unit} is right (within {tol:g} {unit}).")
    return CheckResult(False, f"{name}: {v:g} {unit} is not right yet. {hint}")


#: numeric exercises: name -> (truth function, tolerance, unit, hint, one-line statement)
_NUMERIC = {
    "fhn_rest_V": (_fhn_rest, 0.01, "",
        "Find where the V- and w-nullclines cross at I = 0.",
        "Resting V of FitzHugh-Nagumo with the default parameters (I = 0)."),
    "fhn_hopf_I": (_fhn_hopf_at, 0.02, "",
        "Where does the fixed point lose stability? Look for 'H' "
        "in the continuation, or for the smallest I with a large "
        "oscillation.",
        "Current at which FitzHugh-Nagumo starts to oscillate (lower Hopf point)."),
    "wc_bistable_count": (_wc_bistable_count, 0.0, "fixed points",
        "Count the fixed points nb.fixed_points finds, or "
        "the crossings of the two nullclines.",
        "Number of Wilson-Cowan fixed points at c1 = 24, P = 0.5."),
    "jr_alpha_Hz": (_jr_alpha, 1.0, "Hz",
        "Take the FFT of y1 - y2 after the first second and "
        "find its largest peak.",
        "Dominant EEG frequency of the Jansen-Rit column at p = 220 /s."),
    "ml_hopf_I": (_ml_hopf, 0.5, "uA/cm^2",
        "Look for the 'H' point on the continuation of the rest "
        "state for the Hopf set.",
        "Current where rest loses stability in the Morris-Lecar Hopf set."),
    "lif_rate": (lambda: _lif_rate(2.5), 1.0, "Hz",
        "Use the interval formula with the blox's parameters "
        "(nb.blox.LIF.params) and the 2 ms refractory period.",
        "Firing rate of the catalog LIF neuron at I = 2.5 nA."),
    "coba_irregular": (_coba_cv, 0.05, "",
        "Sort each neuron's spike times, take the "
        "intervals, and divide their std by their mean.",
        "Median ISI coefficient of variation of the lesson-8 network."),
    "hh_rheobase": (_hh_rheobase, 0.3, "uA/cm^2",
        "Increase I in small steps from 0 and look for the "
        "first value that gives repetitive spikes.",
        "Smallest constant current that makes the HH neuron fire repetitively."),
    "hh_rate_10": (_hh_rate_10, 2.0, "Hz",
        "Count spikes after the first 100 ms and divide by "
        "the time, or invert the mean interspike interval.",
        "Firing rate of the HH neuron at I = 10 uA/cm^2."),
    "stdp_pair_dw": (_stdp_pair_dw, 1e-4, "",
        "Pre before post potentiates: A_plus times the pre "
        "trace, which has decayed for 15 ms with tau_pre.",
        "Weight change of one STDP pair: pre at 10 ms, post at 25 ms."),
    "ring_connections": (_ring_connections, 0.0, "connections",
        "Each non-zero entry W[i, j] becomes one "
        "connection i -> j: count them in W + W.T.",
        "Connections of the five-node ring after making it bidirectional."),
    "longest_delay_ms": (_longest_delay, 0.5, "ms",
        "Delay = tract length / speed; take the longest "
        "tract between connected regions (cx.weights > 0).",
        "Longest conduction delay of the tvb76 connectome at 5 mm/ms."),
    "fhn_hopf_I_a05": (lambda: _fhn_hopf_at(0.5), 0.02, "",
        "Read the Hopf curve at fhn.a = 0.5, or continue "
        "in fhn.I with params={'fhn.a': 0.5}.",
        "Lower Hopf current of FitzHugh-Nagumo at a = 0.5."),
}

#: exercise name -> (function(answer) -> CheckResult, one-line statement)
EXERCISES = {name: (functools.partial(_close, name, truth=truth, tol=tol, unit=unit, hint=hint),
                    statement)
             for name, (truth, tol, unit, hint, statement) in _NUMERIC.items()}
EXERCISES["pair_file"] = (_pair_file, "Path of the JSON file holding the lesson-11 circuit.")


def check(name, answer):
    """Check a student's answer to exercise ``name``.

    Parameters
    ----------
    name : str
        Exercise key (see :data:`EXERCISES`).
    answer : number, bool or path
        The student's answer (a path for exercises about files, e.g. ``pair_file``).

    Returns
    -------
    CheckResult
        Truthy when right; renders green/red in a notebook.
    """
    if name not in EXERCISES:
        from .exceptions import suggest
        raise KeyError(f"no exercise named '{name}'." + suggest(name, EXERCISES))
    try:
        return EXERCISES[name][0](answer)
    except _NoAnswer:
        return CheckResult(False, f"{name}: no answer yet. {EXERCISES[name][1]}")
    except _BadAnswer as exc:
        return CheckResult(False, str(exc))
