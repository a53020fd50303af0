"""Brian2 (runtime mode with the Cython target, and C++ standalone) for W1, W2
(no delays: summed variables cannot be delayed), W3 and W4 (RK4 and Euler).

Standalone: the first call builds and runs the C++ project (cold); a warm
call re-runs the compiled binary (``device.run``), which is how a user
re-runs a standalone simulation without recompiling.
"""
from __future__ import annotations

import tempfile

import brian2 as b2
import numpy as np

from .. import workloads as W

HH_EQS = """
dv/dt = (I - 120*m**3*h*(v - 50) - 36*n**4*(v + 77) - 0.3*(v + 54.387))/ms : 1
dm/dt = (am*(1 - m) - bm*m)/ms : 1
dh/dt = (ah*(1 - h) - bh*h)/ms : 1
dn/dt = (an*(1 - n) - bn*n)/ms : 1
am = 1/exprel(-(v + 40)/10) : 1
bm = 4*exp(-(v + 65)/18) : 1
ah = 0.07*exp(-(v + 65)/20) : 1
bh = 1/(1 + exp(-(v + 35)/10)) : 1
an = 0.1/exprel(-(v + 55)/10) : 1
bn = 0.125*exp(-(v + 65)/80) : 1
I : 1
"""
FHN_EQS = """
dv/dt = (v - v**3/3 - w + I)/ms : 1
dw/dt = (v + a - b*w)/(tau*ms) : 1
I : 1
"""
WC_EQS = """
dE/dt = (-E + (1 - E)/(1 + exp(-a*(cEE*E - cIE*Ii + K*Isyn + extE - mu))))/(tauE*ms) : 1
dIi/dt = (-Ii + (1 - Ii)/(1 + exp(-a*(cEI*E - cII*Ii + extI - mu))))/(tauI*ms) : 1
Isyn : 1
"""


def build(case, cfg, variant="brian2_runtime"):
    b2.prefs.core.default_float_dtype = np.float64
    b2.BrianLogger.log_level_error()
    standalone = variant == "brian2_standalone"
    if standalone:
        b2.set_device("cpp_standalone", build_on_run=False,
                      directory=tempfile.mkdtemp(prefix="b2sa-"))
    else:
        b2.prefs.codegen.target = "cython"
        # fresh Cython cache so the cold time includes compilation, as for every system
        b2.prefs.codegen.runtime.cython.cache_dir = tempfile.mkdtemp(prefix="b2cy-")
    b2.defaultclock.dt = cfg["dt"] * b2.ms
    kind, T = cfg["kind"], cfg["t_end"] * b2.ms
    net = b2.Network()
    if kind == "hh":
        G = b2.NeuronGroup(1, HH_EQS, method="rk4")
        G.v, G.m, G.h, G.n = W.HH_X0
        G.I = W.HH["I"]
        mon = b2.StateMonitor(G, "v", record=0)
        net.add(G, mon)
        answer = lambda _: {"spikes": int(W.crossings(mon.v[0], 0.0))}
    elif kind == "fhn":
        G = b2.NeuronGroup(1, FHN_EQS, method=cfg["method"], namespace=dict(
            a=W.FHN["a"], b=W.FHN["b"], tau=W.FHN["tau"]))
        G.v, G.w, G.I = 0.0, 0.0, W.FHN["I"]
        mon = b2.StateMonitor(G, "v", record=0)
        net.add(G, mon)
        answer = lambda _: {"spikes": int(W.crossings(mon.v[0], 1.0))}
    elif kind == "wc":
        q = W.WC
        C, E0, I0, _ = W.wc_network(cfg["n"], False, cfg["dt"])
        ns = dict(a=q["a"], cEE=q["c_EE"], cIE=q["c_IE"], cEI=q["c_EI"], cII=q["c_II"],
                  K=q["K"], extE=q["ext_E"], extI=q["ext_I"], mu=q["mu"], tauE=q["tau_E"],
                  tauI=q["tau_I"])
        G = b2.NeuronGroup(cfg["n"], WC_EQS, method="euler", namespace=ns)
        G.E, G.Ii = E0, I0
        S = b2.Synapses(G, G, "c : 1\nIsyn_post = c*E_pre : 1 (summed)")
        tgt, src = np.nonzero(C)
        S.connect(i=src, j=tgt)
        S.c = C[tgt, src]
        net.add(G, S)
        answer = lambda _: {"E_end": np.asarray(G.E[:]).tolist()}
    elif kind == "coba":
        q = W.COBA
        n = cfg["n"]
        indptr, idx, v0 = W.coba_network(n)
        eqs = """
        dv/dt = (ge*(Ee - v) + gi*(Ei - v) - (v - El) + Iext)/taum : 1 (unless refractory)
        dge/dt = -ge/taue : 1
        dgi/dt = -gi/taui : 1
        """
        ns = dict(Ee=q["Ee"], Ei=q["Ei"], El=q["El"], Iext=q["Iext"], taum=q["taum"] * b2.ms,
                  taue=q["taue"] * b2.ms, taui=q["taui"] * b2.ms, Vt=q["Vt"], Vr=q["Vr"])
        P = b2.NeuronGroup(n, eqs, threshold="v > Vt", reset="v = Vr",
                           refractory=q["tref"] * b2.ms, method="euler", namespace=ns)
        P.v = v0
        ne = int(q["frac_exc"] * n)
        src = np.repeat(np.arange(n), np.diff(indptr))
        ex = src < ne
        Ce = b2.Synapses(P, P, on_pre=f"ge += {q['we']}")
        Ce.connect(i=src[ex], j=idx[ex])
        Ci = b2.Synapses(P, P, on_pre=f"gi += {q['wi']}")
        Ci.connect(i=src[~ex], j=idx[~ex])
        sm = b2.SpikeMonitor(P)
        net.add(P, Ce, Ci, sm)
        answer = lambda _: {"rate_hz": sm.num_spikes / n / (cfg["t_end"] / 1000.0)}
    elif kind == "sweep":
        G = b2.NeuronGroup(cfg["n"], FHN_EQS, threshold="v >= 1", refractory="v >= 1",
                           method=cfg["method"], namespace=dict(a=W.FHN["a"], b=W.FHN["b"],
                                                        tau=W.FHN["tau"]))
        G.v, G.w, G.I = 0.0, 0.0, np.linspace(0.0, 2.0, cfg["n"])
        sm = b2.SpikeMonitor(G, record=True)
        net.add(G, sm)

        def answer(_):
            c = np.bincount(np.asarray(sm.i[:]), minlength=cfg["n"])
            return {"total_spikes": int(c.sum()), "n_osc": int((c >= 3).sum())}
    else:
        raise KeyError(case)
    if standalone:
        net.run(T)
        state = {"built": False}
        dev = b2.get_device()

        def run():
            if not state["built"]:
                dev.build(run=True, compile=True, with_output=False)
                state["built"] = True
            else:
                dev.run(with_output=False)
            return None
        return run, answer

    store = {"done": False}

    def run():
        if store["done"]:
            net.restore("init")
        else:
            net.store("init")
            store["done"] = True
        net.run(T)
        return None
    return run, answer
