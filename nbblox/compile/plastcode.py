"""Generated code of synaptic plasticity inside ``run_<method>_full``
(rules in :mod:`nbblox.model.plasticity`).

Each function gives statements of :mod:`nbblox.compile.ir`.

Runtime arrays (built by :func:`nbblox.sim.events.run_full`)::

    pl_par (n_rules, 8)   tau_pre, tau_post, A_plus, A_minus, w_min, w_max, tau_c, tau_d
    pl_tr, pl_tl          trace value and time of its last spike, per pre and
                          per post neuron of every plastic rule (lazy decay:
                          value at t = pl_tr * exp(-(t - pl_tl)/tau))
    rev_ptr, rev_pre, rev_syn
                          the CSR transposed: for post neuron j of a rule, rows
                          rev_ptr[rev_off + j] .. give (pre index, synapse index)
    syn_c, syn_ct         eligibility per synapse (R-STDP) and the time up to
                          which that synapse (c and w) is integrated
    pl_d (n_rules, 2)     reward/dopamine signal per rule (R-STDP): value and
                          the time it holds at; d(t) = value*exp(-(t - time)/tau_d)

Everything is event-driven: a spike costs its fan-out (pre) or fan-in
(post), never ``n_pre * n_post``.  R-STDP too: ``dw/dt = c*d`` is
integrated in closed form (``c`` and ``d`` are exponentials between
events, so the integral is ``c*d*(1 - exp(-k s))/k`` with
``k = 1/tau_c + 1/tau_d``) when the synapse next takes part in a spike;
the caller brings every synapse up to date before a callback and at the
end of a run (:func:`nbblox.sim.callbacks.sync_rstdp`).  Parameters are
runtime values: changing ``A_plus`` or turning learning off needs no
recompilation.
"""
from __future__ import annotations

from .ir import Assign, For, If

__all__ = ["sync_lines", "pre_lines", "depress_lines", "post_lines"]


def _clip(r, var):
    return [If([(f"{var} < pl_par[{r.pl}, 4]", [Assign(var, f"pl_par[{r.pl}, 4]")]),
                (f"{var} > pl_par[{r.pl}, 5]", [Assign(var, f"pl_par[{r.pl}, 5]")])])]


def _learn(r, dw):
    """Apply the STDP increment ``dw`` (code) to synapse kk at time tn
    (R-STDP: to its eligibility, already brought to tn by sync_lines)."""
    if r.plastic == "rstdp":
        return [Assign("syn_c[kk]", dw, "+=")]
    return [Assign("wn", f"syn_w[kk] + {dw}")] + _clip(r, "wn") + [Assign("syn_w[kk]", "wn")]


def sync_lines(r):
    """R-STDP, synapse kk at time tn: add the integral of c*d since the
    synapse's last update to w, decay c.  Between two updates c and d are
    exponentials of fixed sign, so w is monotone and clipping at the end
    equals clipping all along."""
    P = r.pl
    grow = ([Assign("kr", "1.0 / tc + 1.0 / td"),
             Assign("wn", "syn_w[kk] + syn_c[kk] * dd * (1.0 - math.exp(-kr * (tn - ct))) / kr")]
            + _clip(r, "wn") + [Assign("syn_w[kk]", "wn")])
    return [Assign("ct", "syn_ct[kk]"),
            If([("ct != tn", [
                Assign("tc", f"pl_par[{P}, 6]"),
                Assign("td", f"pl_par[{P}, 7]"),
                Assign("dd", f"pl_d[{P}, 0] * math.exp(-(ct - pl_d[{P}, 1]) / td)"),
                If([("dd != 0.0", grow)]),
                Assign("syn_c[kk]", "math.exp(-(tn - ct) / tc)", "*="),
                Assign("syn_ct[kk]", "tn")])])]


def pre_lines(r, pre_idx):
    """At a pre spike of neuron ``pre_idx`` (code): its trace, before the row loop."""
    return [Assign("ti", f"{r.tr_pre} + {pre_idx}"),
            Assign("pl_tr[ti]",
                   f"pl_tr[ti] * math.exp(-(tn - pl_tl[ti]) / pl_par[{r.pl}, 0]) + 1.0"),
            Assign("pl_tl[ti]", "tn")]


def depress_lines(r):
    """Inside the row loop (synapse kk, target instance ``post``): depression
    by the post neuron's trace.  Called after the on_pre effect (old w)."""
    return [Assign("tj", f"{r.tr_post - r.b} + post"),
            Assign("dw", f"-pl_par[{r.pl}, 3] * pl_tr[tj] * math.exp(-(tn - pl_tl[tj]) / "
                         f"pl_par[{r.pl}, 1])")] + _learn(r, "dw")


def post_lines(layout, groups):
    """After all propagation: potentiation at every post spike of a plastic rule."""
    L = []
    for r in layout.rules:
        if not r.plastic:
            continue
        S = groups[r.g_post].soff + r.b
        syn = [Assign("kk", "rev_syn[m]")] + (sync_lines(r) if r.plastic == "rstdp" else [])
        syn += [Assign("ti", f"{r.tr_pre} + rev_pre[m]"),
                Assign("dw", f"pl_par[{r.pl}, 2] * pl_tr[ti] * math.exp(-(tn - pl_tl[ti])"
                             f" / pl_par[{r.pl}, 0])")] + _learn(r, "dw")
        spike = [Assign("jl", f"gid - {S}"),
                 For("m", (f"rev_ptr[{r.rev_off} + jl]", f"rev_ptr[{r.rev_off} + jl + 1]"), syn),
                 Assign("tj", f"{r.tr_post} + jl"),
                 Assign("pl_tr[tj]", f"pl_tr[tj] * math.exp(-(tn - pl_tl[tj]) / "
                                     f"pl_par[{r.pl}, 1]) + 1.0"),
                 Assign("pl_tl[tj]", "tn")]
        L.append(For("qq", ("nstart", "nspk"), [
            Assign("gid", "spk_i[qq]"),
            If([(f"gid >= {S} and gid < {S + r.n_post}", spike)])]))
    return L
