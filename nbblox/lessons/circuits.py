"""Exercise answers about populations and circuits (lessons 5-12): Wilson-Cowan,
Jansen-Rit, the COBA network, circuits by adjacency, conduction delays, STDP
and saved circuit files, each computed with nbblox, never stored."""
from __future__ import annotations

import functools
import os

import numpy as np

from .answers import CheckResult, NoAnswer, Numeric

__all__ = ["TABLE", "coba_cell", "coba_network", "median_isi_cv", "pair_file"]


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

#: the COBA neuron of lesson 8 (Brette et al. 2007), with units: voltages and Iext
#: (R I) in mV, times in ms, ge and gi in units of the leak conductance
COBA_EQUATIONS = """
    dv/dt = (ge*(Ee - v) + gi*(Ei - v) - (v - El) + Iext)/taum
    dge/dt = -ge/taue
    dgi/dt = -gi/taui
    """
COBA_PARAMS = {"taum": (20.0, (5.0, 50.0), "ms"), "taue": (5.0, (2.0, 20.0), "ms"),
               "taui": (10.0, (2.0, 40.0), "ms"), "Ee": (0.0, (-20.0, 20.0), "mV"),
               "Ei": (-80.0, (-100.0, -60.0), "mV"), "El": (-60.0, (-80.0, -40.0), "mV"),
               "Iext": (0.0, (0.0, 30.0), "mV"), "Vt": (-50.0, (-60.0, -40.0), "mV"),
               "Vr": (-60.0, (-80.0, -50.0), "mV")}


def coba_cell():
    """The lesson-8 neuron type ``COBA_LIF``, as the lesson writes it (its
    units label every plot of it: ``v (mV)``).

    Examples
    --------
    >>> cell = coba_cell()
    >>> cell.units["v"], cell.params["taum"].unit, cell.params["El"].default
    ('mV', 'ms', -60.0)
    """
    import nbblox as nb
    return nb.BloxType("COBA_LIF", COBA_EQUATIONS, params=COBA_PARAMS,
                       units={"v": "mV", "ge": "1", "gi": "1"}, init={"v": -60.0},
                       spike="v > Vt", reset="v = Vr", refractory=5.0, kind="neuron")


def coba_network(N=4000, NE=3200, p=0.02, we=0.6, wi=6.7):
    """The lesson-8 COBA network (Brette et al. 2007), seeded as in the lesson."""
    import nbblox as nb
    cell = coba_cell()
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

@functools.lru_cache(maxsize=None)
def _stdp_pair_dw():
    """Weight change of one pre (10 ms) -> post (25 ms) pair under the lesson-12
    rule, measured by simulating the pair in nbblox."""
    import nbblox as nb
    from ..examples.learning import stdp_window
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

def pair_file(answer):
    """The lesson-11 exercise: ``answer`` is the path of the saved circuit file. It is
    read with the safe loader and compared with the lesson's circuit."""
    if answer is None or answer is Ellipsis:
        raise NoAnswer
    import nbblox as nb
    if not isinstance(answer, (str, os.PathLike)):
        return CheckResult(False, f"pair_file: give the path of your file as text, e.g. "
                                  f"'pair.json' (got {type(answer).__name__}).")
    path = os.fspath(answer)
    if not os.path.isfile(path):
        return CheckResult(False, f"pair_file: there is no file {path!r} yet. "
                                  "Write it with c.to_json('pair.json').")
    try:
        got = nb.Circuit.load(path)
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


#: exercise name -> Numeric(truth, tolerance, unit, hint, statement)
TABLE = {
    "wc_bistable_count": Numeric(_wc_bistable_count, 0.0, "fixed points",
        "Count the fixed points nb.fixed_points finds, or "
        "the crossings of the two nullclines.",
        "Number of Wilson-Cowan fixed points at c1 = 24, P = 0.5."),
    "jr_alpha_Hz": Numeric(_jr_alpha, 1.0, "Hz",
        "Take the FFT of y1 - y2 after the first second and "
        "find its largest peak.",
        "Dominant EEG frequency of the Jansen-Rit column at p = 220 /s."),
    "coba_irregular": Numeric(_coba_cv, 0.05, "",
        "Sort each neuron's spike times, take the "
        "intervals, and divide their std by their mean.",
        "Median ISI coefficient of variation of the lesson-8 network."),
    "stdp_pair_dw": Numeric(_stdp_pair_dw, 1e-4, "",
        "Pre before post potentiates: A_plus times the pre "
        "trace, which has decayed for 15 ms with tau_pre.",
        "Weight change of one STDP pair: pre at 10 ms, post at 25 ms."),
    "ring_connections": Numeric(_ring_connections, 0.0, "connections",
        "Each non-zero entry W[i, j] becomes one "
        "connection i -> j: count them in W + W.T.",
        "Connections of the five-node ring after making it bidirectional."),
    "longest_delay_ms": Numeric(_longest_delay, 0.5, "ms",
        "Delay = tract length / speed; take the longest "
        "tract between connected regions (cx.weights > 0).",
        "Longest conduction delay of the tvb76 connectome at 5 mm/ms."),
}
