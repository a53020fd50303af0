"""NumPy reference loop for circuits with white noise, delayed continuous
coupling and spike events: an independent implementation of what the
generated ``run_<method>_full`` kernels (:mod:`nbblox.compile.netcode`)
compute, so they have an oracle, and the fallback where numba cannot run.

It owns the per-step semantics in plain NumPy, vectorised over the
instances of each group (SymPy expressions through ``lambdify``, see
:mod:`nbblox.compile.reference`), in the kernels' order:

1. integrate (any scheme of :mod:`nbblox.compile.schemes`; the first stage stores
   the outputs in the delay history, whose rows before t0 hold the initial
   output; delayed inputs interpolate linearly between history rows);
2. hold the held states of refractory neurons;
3. test every spike condition (all groups before any effect; a spike is
   stamped at the step's start);
4. add delayed spike effects due now (ring buffer), then propagate the new
   spikes through the CSR rows of each projection (``on_pre`` applied at
   once, or its increment put in the ring);
5. reset and start the refractory period.

Steps 1 and the loop live here; 2-5 in :mod:`.reference_spikes`.

The white noise uses the kernels' counter-based generator, so a NumPy run
with the same seed sees the same deviates bit for bit
(:mod:`.reference_rng`).  Plasticity (STDP, R-STDP)
is in :mod:`.reference_plast`; callbacks stay numba-only (:mod:`.events`).
"""
from __future__ import annotations

import math

import numpy as np

from ..compile import schemes
from .reference_rng import normals
from .reference_spikes import Spiking

__all__ = ["run_reference_full"]


class _Net:
    """State of one reference run: edges split by delay, history, ring,
    refractory counters; ``stage`` and ``events`` do one loop step's parts."""

    def __init__(self, system, p, seed, dls, H, syn_d, D, syn_w, pl, dt, t0):
        L = self.L = system.layout
        self.ref, self.p, self.seed, self.dt, self.t0 = system.reference, p, seed, dt, t0
        w = np.asarray(system.weights, dtype=float)
        dl = dls > 0
        self.und = (L.src[~dl], L.dst[~dl], w[~dl])
        order = np.argsort(L.dst[dl], kind="stable")   # the kernel's CSR order
        self.dly = (L.src[dl][order], L.dst[dl][order], w[dl][order], dls[dl][order])
        self.hist = np.zeros((H, max(L.n_outputs, 1)))
        self.u = np.zeros(max(L.n_inputs, 1))
        self.t_s = t0
        n = len(L.state_names)
        self.ring, self.D, self.syn_d, self.syn_w = np.zeros((D, n)), D, syn_d, syn_w
        self.pl = pl   # plasticity arrays (nbblox.sim.callbacks.plasticity_arrays)
        self.refr, self.hold = np.full(n, -1.0), np.zeros(n)
        self.tref = [0.0 if g.btype.refractory is None else float(np.rint(g.btype.refractory / dt))
                     for g in L.groups]
        self.sp = None
        if L.has_spikes:
            self.sp = Spiking(L, self.ref)
        self.noisy = np.concatenate(
            [np.arange(g.x(k, 0), g.x(k, 0) + g.n) for g, G in zip(L.groups, self.ref.groups)
             for k in G.noisy] or [np.zeros(0, np.int64)]).astype(np.int64)

    def noise(self, step, n):
        dW = np.zeros(n)
        if self.noisy.size:
            dW[self.noisy] = math.sqrt(self.dt) * normals(self.seed, step * n + self.noisy)
        return dW

    def couple(self, t_s, y, step, cpos, stage1):
        """Inputs at stage time ``t_s``: the ODE reference's own coupling of
        the undelayed edges plus the delayed ones, read from the history, in
        every pass of its outputs (an output may read a delayed input)."""
        src, dst, w = self.und
        return self.ref.couple(t_s, y, self.p, w, src, dst,
                               lambda o: self._delayed(o, step, cpos, stage1))[0]

    def _delayed(self, o, step, cpos, stage1):
        """Store ``o`` (stage 1) and sum the delayed edges into a fresh array."""
        if stage1:   # history before t0 is the initial output
            if step == 0:
                self.hist[:] = o
            else:
                self.hist[step % self.hist.shape[0]] = o
        src, dst, w, dd = self.dly
        acc = np.zeros(max(self.L.n_inputs, 1))   # summed per target, then added, as the kernel does
        if src.size:
            Hn = self.hist.shape[0]
            pos = np.maximum(step + cpos - dd, 0.0)
            kf = np.floor(pos)
            fr = pos - kf
            k = kf.astype(np.int64)
            val = self.hist[k % Hn, src]
            val = np.where(fr > 0.0, (1.0 - fr) * val + fr * self.hist[(k + 1) % Hn, src], val)
            np.add.at(acc, dst, w * val)
        return acc

    def stage(self, t_s, y, step, cpos, stage1, want_g):
        """Drift (and diffusion) at ``y``; remembers u and t_s for the events."""
        if self.L.src.size:
            self.u = self.couple(t_s, y, step, cpos, stage1)
        self.t_s = t_s
        f, g = np.zeros(y.size), np.zeros(y.size)
        for G in self.ref.groups:
            if G.f is None:
                continue
            a = G.args(t_s, y, self.p, self.u)
            n, off = G.g.n, G.g.xoff
            for k, v in enumerate(G.call(G.f, a)):
                f[off + k * n: off + (k + 1) * n] = v
            if want_g and G.diff is not None:
                vals = G.call(G.diff, a)
                for k in G.noisy:
                    g[off + k * n: off + (k + 1) * n] = vals[k]
        return f, g

    def events(self, step, x, spk_i, spk_t):
        """Steps 2-5; returns None, or a reset status ``-100 - group``."""
        return self.sp.events(self, step, x, spk_i, spk_t)


def run_reference_full(system, method, x, p, t0, dt, nsteps, stride, rec, nrec, seed,
                       dls, H, syn_d, D, syn_w, pl):
    """The ``run_<method>_full`` loop in NumPy; ``x`` is advanced in place.

    Returns ``(out_t, out_x, spike gids, spike times, steps done, status)``
    with status -1 (done), a state index (diverged) or ``-100 - group``
    (a neuron still above threshold after its reset).
    """
    net = _Net(system, p, seed, dls, H, syn_d, D, syn_w, pl, dt, t0)
    out_t, out_x = np.empty(nrec), np.empty((rec.size, nrec))
    out_t[0], out_x[:, 0] = t0, x[rec]
    with np.errstate(all="ignore"):   # like the kernels: a blow-up is reported, not warned
        return _loop(net, method, x, t0, dt, nsteps, stride, rec, out_t, out_x)


def _loop(net, method, x, t0, dt, nsteps, stride, rec, out_t, out_x):
    scheme = schemes.get(method)
    noisy = net.L.has_noise and scheme.noise is not None
    j = 1
    spk_i, spk_t = [], []
    tab = scheme.tableau
    # exponential schemes: phi1(dt A) with the inputs of the stage just evaluated
    phi = lambda t_s, y, k: net.ref.phi_times(scheme, t_s, y, net.p, net.u, k, dt)
    for step in range(nsteps):
        t = t0 + step * dt
        dW = net.noise(step, x.size) if noisy else None
        stage = lambda t_s, y, s: net.stage(t_s, y, step, float(tab.c[s]), s == 0, noisy)
        new = schemes.rk_step(scheme, (lambda t_s, y, s: stage(t_s, y, s)[0]) if not noisy
                              else stage, t, x, dt, dW, phi)
        x[:] = net.ref.clip(new)
        bad = not np.isfinite(x).all()
        if net.sp is not None:
            status = net.events(step, x, spk_i, spk_t)
            if status is not None:
                return out_t[:j], out_x[:, :j], spk_i, spk_t, step + 1, status
        if bad:
            nf = np.flatnonzero(~np.isfinite(x))
            if nf.size:   # a reset may have brought the state back
                return out_t[:j], out_x[:, :j], spk_i, spk_t, step + 1, int(nf[0])
        if (step + 1) % stride == 0:
            out_t[j], out_x[:, j] = t0 + (step + 1) * dt, x[rec]
            j += 1
    return out_t[:j], out_x[:, :j], spk_i, spk_t, nsteps, -1
