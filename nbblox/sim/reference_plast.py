"""Synaptic plasticity (STDP, R-STDP) of the NumPy reference loop: what
:mod:`nbblox.compile.plastcode` generates, in NumPy, on the same runtime
arrays (:func:`nbblox.sim.callbacks.plasticity_arrays`), vectorised over
the row of synapses of one spike.

Traces decay lazily (value at ``tn`` = stored value * exp(-(tn - time of
its last spike)/tau)); a pre spike bumps its trace before its row is
walked, then every synapse of the row is (R-STDP: brought up to ``tn``,)
used by ``on_pre`` with its old weight, then depressed by the post trace;
after all propagation each post spike potentiates its incoming synapses by
the pre traces and bumps its own trace.  R-STDP puts the increments into
the eligibility ``c`` and integrates ``dw/dt = c*d`` in closed form.
"""
from __future__ import annotations

import numpy as np

__all__ = ["pre_spike", "sync", "depress", "potentiate"]


def _decayed(pl, idx, tn, tau):
    return pl["pl_tr"][idx] * np.exp(-(tn - pl["pl_tl"][idx]) / tau)


def _bump(pl, idx, tn, tau):
    pl["pl_tr"][idx] = _decayed(pl, idx, tn, tau) + 1.0
    pl["pl_tl"][idx] = tn


def _learn(pl, r, kk, syn_w, dw):
    if r.plastic == "rstdp":
        np.add.at(pl["syn_c"], kk, dw)
        return
    par = pl["pl_par"][r.pl]
    syn_w[kk] = np.clip(syn_w[kk] + dw, par[4], par[5])


def pre_spike(pl, r, pre, tn):
    """Trace of presynaptic neuron ``pre`` (index in the rule's source)."""
    _bump(pl, np.array([r.tr_pre + pre]), tn, pl["pl_par"][r.pl, 0])


def sync(pl, r, kk, syn_w, tn):
    """R-STDP synapses ``kk`` (distinct) brought to ``tn``: w += integral of
    c*d since their last update (clipped), c decayed."""
    if r.plastic != "rstdp" or not kk.size:
        return
    kk = kk[pl["syn_ct"][kk] != tn]
    par, (d0, td0) = pl["pl_par"][r.pl], pl["pl_d"][r.pl]
    tc, td = par[6], par[7]
    ct = pl["syn_ct"][kk]
    dd = d0 * np.exp(-(ct - td0) / td)
    kr = 1.0 / tc + 1.0 / td
    with np.errstate(all="ignore"):   # dd == 0 rows are not used (the kernel skips them)
        wn = np.clip(syn_w[kk] + pl["syn_c"][kk] * dd * (1.0 - np.exp(-kr * (tn - ct))) / kr,
                     par[4], par[5])
    syn_w[kk] = np.where(dd != 0.0, wn, syn_w[kk])
    pl["syn_c"][kk] *= np.exp(-(tn - ct) / tc)
    pl["syn_ct"][kk] = tn


def depress(pl, r, kk, post, syn_w, tn):
    """Synapses ``kk`` onto group instances ``post``: -A_minus * post trace."""
    par = pl["pl_par"][r.pl]
    dw = -par[3] * _decayed(pl, r.tr_post - r.b + post, tn, par[1])
    _learn(pl, r, kk, syn_w, dw)


def potentiate(layout, pl, new, syn_w, tn):
    """After propagation: every post spike of a plastic rule (global ids
    ``new``, in order) potentiates its synapses by the pre traces."""
    groups = layout.groups
    for r in layout.rules:
        if not r.plastic:
            continue
        S = groups[r.g_post].soff + r.b
        par = pl["pl_par"][r.pl]
        for gid in new[(new >= S) & (new < S + r.n_post)]:
            jl = gid - S
            m = np.arange(layout.rev_ptr[r.rev_off + jl], layout.rev_ptr[r.rev_off + jl + 1])
            kk = layout.rev_syn[m]
            sync(pl, r, kk, syn_w, tn)
            dw = par[2] * _decayed(pl, r.tr_pre + layout.rev_pre[m], tn, par[0])
            _learn(pl, r, kk, syn_w, dw)
            _bump(pl, np.array([r.tr_post + jl]), tn, par[1])
