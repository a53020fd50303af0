"""Spike events of the NumPy reference loop (:mod:`.reference_net`): steps
2-5 of a loop step, as the generated kernels do them
(:mod:`nbblox.compile.netcode`), vectorised over a group's instances and
over the row of synapses of each spike.

Order (Brian2's): refractory hold of the held states; every spike
condition, all groups before any effect (spikes stamped at the step's
start); delayed effects due now, then each spike through its projections'
CSR rows in spike order (``on_pre`` applied at once, or its increment put
in the ring ``delay`` steps ahead); resets and refractory periods.  Expressions see the time and inputs of the
integration's last stage, as in the kernels; ``t`` inside ``on_pre`` is the
step's start time.  Plasticity: :mod:`.reference_plast`.
"""
from __future__ import annotations

import numpy as np
import sympy as sp

from ..compile.reference import LAMBDIFY_MODULES
from ..model.symbolic import rand
from .reference_plast import depress, potentiate, pre_spike, sync
from .reference_rng import uniforms

__all__ = ["Spiking"]


def _vec(v, m):
    """``v`` (a scalar or one value per instance) as ``m`` values."""
    return np.broadcast_to(np.asarray(v, dtype=float), (m,))


class Spiking:
    """Spike conditions, resets and on_pre effects of a layout, lambdified
    with the arguments of :mod:`nbblox.compile.reference` (plus ``rand()``,
    the synapse weight and ``t``)."""

    def __init__(self, layout, ref):
        self.rnd, self.tu, self.wsym = (sp.Symbol("rnd_", real=True), sp.Symbol("t", real=True),
                                        sp.Symbol("w_syn", real=True))
        dt = sp.Symbol("dt", real=True)   # a kernel variable ('rand() < rate*dt/1000')
        R = {rand(): self.rnd}
        self.cond, self.reset, self.effects = {}, {}, {}
        for gi, (g, G) in enumerate(zip(layout.groups, ref.groups)):
            if g.btype.spike is None:
                continue
            args = (*G.arglist, self.rnd, dt)
            self.cond[gi] = sp.lambdify(args, G.ex["spike"].xreplace(R), modules=LAMBDIFY_MODULES)
            self.reset[gi] = [(k, sp.lambdify(args, e.xreplace(R), modules=LAMBDIFY_MODULES))
                              for k, e in G.ex["reset"]]
        for ri, r in enumerate(layout.rules):
            self.effects[ri] = self._effects(layout.groups[r.g_post], ref.groups[r.g_post], r)
        groups = layout.groups
        self.plastic = any(r.plastic for r in layout.rules)
        # states that receive delayed increments (from the ring)
        self.targets = sorted({(r.g_post, groups[r.g_post].btype.states.index(tg))
                               for r in layout.rules if r.delayed for tg, _ in r.effects})

    def _effects(self, H, G, r):
        """[(state k, new-value fn, increment fn or None)] in the post group's
        local symbols; the increment (for the ring) only when delayed."""
        user = H.btype.symbols
        rename = {user[n]: s for n, s in zip(H.btype.states, G.ex["S"])}
        rename.update({user[n]: q for n, q in zip(H.btype.params, G.ex["Q"])})
        rename[sp.Symbol("w", real=True)] = self.wsym
        args = (*G.arglist, self.wsym, self.tu, sp.Symbol("dt", real=True))
        out = []
        for target, expr in r.effects:
            k = H.btype.states.index(target)
            fn = sp.lambdify(args, expr.xreplace(rename), modules=LAMBDIFY_MODULES)
            inc = None
            if r.delayed:
                e = sp.expand(expr - sp.Symbol(target, real=True)).xreplace(rename)
                inc = sp.lambdify(args, e, modules=LAMBDIFY_MODULES)
            out.append((k, fn, inc))
        return out

    def _rnd(self, net, step, g, idx):
        return uniforms(net.seed, step * net.L.n_spiking + g.soff + idx)

    def events(self, net, step, x, spk_i, spk_t):
        """Steps 2-5 on ``x`` in place; appends to ``spk_i``/``spk_t``.
        Returns None, or ``-100 - group`` when a neuron without refractory
        period is still above threshold right after its reset."""
        L, ref = net.L, net.ref
        groups = L.groups
        t = net.t0 + step * net.dt
        tn = t   # a spike found in this step is stamped at its start (Brian2)
        for gi in self.cond:   # 2. refractory hold
            g, G = groups[gi], ref.groups[gi]
            if g.btype.refractory is None or not G.ex["held"]:
                continue
            rf = step < net.refr[g.xoff: g.xoff + g.n]
            for k in G.ex["held"]:
                sl = slice(g.x(k, 0), g.x(k, 0) + g.n)
                x[sl] = np.where(rf, net.hold[sl], x[sl])
        fired = {}
        for gi, cond in self.cond.items():   # 3. thresholds, all groups first
            g, G = groups[gi], ref.groups[gi]
            idx = np.arange(g.n)
            c = _vec(cond(*G.args(net.t_s, x, net.p, net.u, idx),
                          self._rnd(net, step, g, idx), net.dt), g.n).astype(bool)
            if g.btype.refractory is not None:
                c = c & ~(step < net.refr[g.xoff: g.xoff + g.n])
            fired[gi] = np.flatnonzero(c)
            spk_i.extend((g.soff + fired[gi]).tolist())
            spk_t.extend([tn] * fired[gi].size)
        new = np.concatenate([groups[gi].soff + i for gi, i in fired.items()])
        new.sort(kind="stable")   # spike order: group by group, index by index
        if self.targets:       # 4. delayed effects due now, after the thresholds
            arow = step % net.D
            for gp, k in self.targets:
                sl = slice(groups[gp].x(k, 0), groups[gp].x(k, 0) + groups[gp].n)
                x[sl] += net.ring[arow, sl]
                net.ring[arow, sl] = 0.0
        for ri, r in enumerate(L.rules):     # 4. propagation
            A = groups[r.g_pre].soff + r.a
            for gid in new[(new >= A) & (new < A + r.n_pre)]:
                row = r.ptr_off + gid - A
                kk = np.arange(L.syn_ptr[row], L.syn_ptr[row + 1])
                if r.plastic:   # the pre trace first; R-STDP: w brought up to tn
                    pre_spike(net.pl, r, gid - A, tn)
                    sync(net.pl, r, kk, net.syn_w, tn)
                if r.delayed:
                    nd = net.syn_d[kk].astype(np.int64)
                    now = nd == 0
                    self._apply(net, r, ri, kk[now], x, t)
                    self._delay(net, r, ri, kk[~now], nd[~now], step, x, t)
                else:
                    self._apply(net, r, ri, kk, x, t)
                if r.plastic:   # after the effect, which used the weight before this spike
                    depress(net.pl, r, kk, L.syn_post[kk], net.syn_w, tn)
        if self.plastic:
            potentiate(L, net.pl, new, net.syn_w, tn)
        for gi in self.cond:   # Brian2's form: input to a held state during refractoriness stays
            g, G = groups[gi], ref.groups[gi]
            if g.btype.refractory_hold == "marked" and G.ex["held"]:
                rf = step < net.refr[g.xoff: g.xoff + g.n]
                for k in G.ex["held"]:
                    sl = slice(g.x(k, 0), g.x(k, 0) + g.n)
                    net.hold[sl] = np.where(rf, x[sl], net.hold[sl])
        for gi, idx in fired.items():        # 5. reset, refractory
            if idx.size and self._reset(net, gi, idx, step, x):
                return -100 - gi
        return None

    def _apply(self, net, r, ri, kk, x, t):
        """on_pre now, for synapses ``kk`` of one spike, in order: a row that
        reaches one neuron twice is applied synapse by synapse."""
        if not kk.size:
            return
        post = net.L.syn_post[kk]
        if np.unique(post).size < post.size:
            for k1 in kk:
                self._apply(net, r, ri, np.array([k1]), x, t)
            return
        H, G = net.L.groups[r.g_post], net.ref.groups[r.g_post]
        w = net.syn_w[kk]
        for k, fn, _ in self.effects[ri]:    # statements in order, each sees the last
            a = G.args(net.t_s, x, net.p, net.u, post)
            x[H.x(k, 0) + post] = _vec(fn(*a, w, t, net.dt), post.size)

    def _delay(self, net, r, ri, kk, nd, step, x, t):
        """Delayed on_pre: its (state-independent) increment into the ring."""
        if not kk.size:
            return
        post = net.L.syn_post[kk]
        H, G = net.L.groups[r.g_post], net.ref.groups[r.g_post]
        rows = (step + nd) % net.D
        a = G.args(net.t_s, x, net.p, net.u, post)
        for k, _, inc in self.effects[ri]:
            np.add.at(net.ring, (rows, H.x(k, 0) + post),
                      _vec(inc(*a, net.syn_w[kk], t, net.dt), post.size))

    def _reset(self, net, gi, idx, step, x):
        """Reset the neurons ``idx`` of group ``gi``; True if one would fire
        again at once (no refractory period, condition still true)."""
        g, G = net.L.groups[gi], net.ref.groups[gi]
        rnd = self._rnd(net, step, g, idx)
        for k, fn in self.reset[gi]:
            a = G.args(net.t_s, x, net.p, net.u, idx)
            x[g.x(k, 0) + idx] = _vec(fn(*a, rnd, net.dt), idx.size)
        if g.btype.refractory is not None:
            net.refr[g.xoff + idx] = step + net.tref[gi]
            for k in G.ex["held"]:
                net.hold[g.x(k, 0) + idx] = x[g.x(k, 0) + idx]
            return False
        c = _vec(self.cond[gi](*G.args(net.t_s, x, net.p, net.u, idx), rnd, net.dt), idx.size)
        return bool(c.astype(bool).any())
