"""Flat memory layout of a circuit: where every state, parameter, input and
output of every blox lives in the arrays the kernels see.

Blox of the same :class:`~nbblox.model.blox.BloxType` form a *group*, and so
does each :class:`~nbblox.model.population.Population`; a group is stored
structure-of-arrays (``x[off + k*n + i]`` is state ``k`` of instance ``i``),
so one loop serves a whole population.  Continuous connections become an
edge list sorted by target: ``u[dst[e]] += w[e] * o[src[e]]`` (``dly[e]``
ms later when delayed).  Spiking projections are concatenated CSR arrays
(``syn_ptr``, ``syn_post``, ``syn_w``, ``syn_dly``); spiking neurons are
numbered globally (``gid``), group by group, for the spike record.  A
:class:`Layout` holds these in four named parts: :class:`States`,
:class:`Coupling`, :class:`Synapses` and :class:`Plasticity`.

Every part is built with keywords (``Coupling(src=..., dst=..., ...)``) and
frozen: :func:`build_layout` computes each value before it builds the part
that holds it, and nothing sets an attribute afterwards.  (The arrays inside
stay NumPy arrays: a System's runtime values are copies of them.)
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..exceptions import CompileError
from ..model.population import Population
from ..model.projection import increment
from .settle import settle_passes

__all__ = ["Group", "Layout", "States", "Coupling", "Synapses", "Plasticity", "build_layout"]


@dataclass(frozen=True, kw_only=True)
class Group:
    """All blox of one type (or one population): ``n`` instances side by side."""

    btype: object
    names: list
    xoff: int = 0   # first state slot
    poff: int = 0   # first parameter slot
    uoff: int = 0   # first input slot
    ooff: int = 0   # first output slot
    entities: list = field(default_factory=list)  # [(name, start, count)]
    population: bool = False
    soff: int = -1  # first global spike id (spiking groups)

    @property
    def n(self):
        return len(self.names)

    def x(self, k, i):
        return self.xoff + k * self.n + i

    def p(self, j, i):
        return self.poff + j * self.n + i

    def u(self, m, i):
        return self.uoff + m * self.n + i

    def o(self, q, i):
        return self.ooff + q * self.n + i


@dataclass(frozen=True, kw_only=True)
class SpikeRule:
    """One spiking projection as the code generator sees it."""

    src: str
    dst: str
    g_pre: int        # group index of the source
    a: int            # first instance of the source entity within its group
    n_pre: int
    g_post: int
    b: int            # first instance of the target entity within its group
    ptr_off: int      # this rule's rows start at syn_ptr[ptr_off]
    effects: list     # [(state, sympy expr in w, target states and params)]
    on_pre: str
    delayed: bool = False
    name: str = ""
    syn_off: int = 0    # first synapse (index into syn_w) of this rule
    nsyn: int = 0
    n_post: int = 1     # size of the target entity
    plastic: str = ""   # "", "stdp" or "rstdp" (see nbblox.compile.plastcode)
    pl: int = -1        # row of this rule in pl_par / pl_d
    tr_pre: int = 0     # offset of the presynaptic traces in pl_tr
    tr_post: int = 0    # offset of the postsynaptic traces in pl_tr
    rev_off: int = 0    # this rule's rows start at rev_ptr[rev_off]


_EMPTY_I = np.zeros(0, np.int64)


@dataclass(frozen=True, kw_only=True)
class States:
    """Where every state and parameter lives, with initial values."""

    state_names: list
    param_names: list
    x0: np.ndarray
    p0: np.ndarray
    vectors: dict = field(default_factory=dict)   # "pop.V" / "pop.I" -> slots
    has_noise: bool = False


@dataclass(frozen=True, kw_only=True)
class Coupling:
    """Continuous connections: ``u[dst[e]] += w[e] * o[src[e]]`` (``dly0[e]``
    ms later when delayed), edges sorted by target."""

    src: np.ndarray          # output slot of each edge
    dst: np.ndarray          # input slot of each edge
    w0: np.ndarray           # weight of each edge
    dly0: np.ndarray         # delay of each edge (ms)
    n_inputs: int
    n_outputs: int
    # for the Jacobian's coupling terms: the state rows of the instance that
    # owns input slot u, and the state columns of the owner of output slot o
    u_rows: np.ndarray = None
    o_cols: np.ndarray = None
    # output passes an in-group chain of input-reading outputs needs beyond
    # one per group of them (nbblox.compile.settle; 0: none, the usual text)
    out_passes: int = 0
    # the connection (blox connection or continuous projection) of each edge:
    # index into conn_names ("a->b" or the projection's name), for simulate(delays=)
    conn_names: list = None
    conn_of: np.ndarray = None


@dataclass(frozen=True, kw_only=True)
class Synapses:
    """Spiking projections: concatenated CSR (by source) and the spike ids."""

    rules: list = field(default_factory=list)         # SpikeRule per projection
    syn_ptr: np.ndarray = field(default_factory=lambda: _EMPTY_I)
    syn_post: np.ndarray = field(default_factory=lambda: _EMPTY_I)
    syn_w0: np.ndarray = field(default_factory=lambda: np.zeros(0))
    syn_dly0: np.ndarray = field(default_factory=lambda: np.zeros(0))
    n_spiking: int = 0
    spike_names: list = field(default_factory=list)   # entity of each spike code
    spike_code: np.ndarray = field(default_factory=lambda: _EMPTY_I)   # gid -> entity
    spike_local: np.ndarray = field(default_factory=lambda: _EMPTY_I)  # gid -> index
    proj_slices: dict = field(default_factory=dict)   # projection name -> (start, stop)


@dataclass(frozen=True, kw_only=True)
class Plasticity:
    """Plastic projections (:mod:`nbblox.compile.plastcode`): a parameter row
    per plastic rule, traces of its pre and post neurons, and the CSR
    transposed (post -> synapses)."""

    pl_par0: np.ndarray = field(default_factory=lambda: np.zeros((0, 8)))
    pl_d0: np.ndarray = field(default_factory=lambda: np.zeros(0))
    n_traces: int = 0
    rev_ptr: np.ndarray = field(default_factory=lambda: _EMPTY_I)
    rev_syn: np.ndarray = field(default_factory=lambda: _EMPTY_I)
    rev_pre: np.ndarray = field(default_factory=lambda: _EMPTY_I)


_PARTS = {"states": States, "coupling": Coupling, "synapses": Synapses,
          "plasticity": Plasticity}


@dataclass(frozen=True, kw_only=True)
class Layout:
    """A circuit's memory layout in four named parts; every field of a part
    is also readable on the layout itself (``layout.syn_ptr`` is
    ``layout.synapses.syn_ptr``), which is how the kernels' drivers use it."""

    groups: list
    states: States
    coupling: Coupling
    synapses: Synapses = field(default_factory=Synapses)
    plasticity: Plasticity = field(default_factory=Plasticity)

    @property
    def has_delays(self):
        """Delayed continuous edges or delayed spiking projections."""
        return (bool(self.dly0.size and self.dly0.max() > 0)
                or any(r.delayed for r in self.rules))

    @property
    def has_spikes(self):
        return self.n_spiking > 0

    @property
    def needs_full_kernel(self):
        """Spikes, delays or noise need the ``run_<method>_full`` kernels."""
        return self.has_spikes or self.has_delays or self.has_noise

    @property
    def structure_key(self):
        """What generated code depends on: types, sizes and rules, not values."""
        rules = tuple((r.g_pre, r.a, r.n_pre, r.g_post, r.b, r.ptr_off, r.on_pre, r.delayed,
                       r.plastic, r.n_post) for r in self.rules)
        key = (tuple((g.btype.key, g.n) for g in self.groups), rules,
               self.has_delays, self.has_noise)
        return key + (("out_passes", self.out_passes),) if self.out_passes else key


def _forward(part, name):
    return property(lambda self: getattr(getattr(self, part), name),
                    doc=f"``{part}.{name}``")


for _part, _cls in _PARTS.items():
    for _name in _cls.__dataclass_fields__:
        setattr(Layout, _name, _forward(_part, _name))


def _entities(circuit):
    """Groups of (entity, start) pairs: blox by type, one per population."""
    by_type, out = {}, []
    for b in circuit.blox.values():
        by_type.setdefault(b.type.key, []).append(b)
    for members in by_type.values():
        out.append((members[0].type, members, False))
    for pop in circuit.populations.values():
        out.append((pop.type, [pop], True))
    return out


def build_layout(circuit):
    """Group a circuit's blox by type and assign every slot."""
    if len(circuit) == 0:
        raise CompileError(f"circuit '{circuit.name}' has no blox to compile")
    groups, xoff, poff, uoff, ooff, soff = [], 0, 0, 0, 0, 0
    where = {}
    spike_names, spike_code, spike_local = [], [], []
    for t, members, is_pop in _entities(circuit):
        names, ents, start = [], [], 0
        for e in members:
            cnt = e.n if is_pop else 1
            names += e.instance_names() if is_pop else [e.name]
            ents.append((e.name, start, cnt))
            start += cnt
        g = Group(btype=t, names=names, xoff=xoff, poff=poff, uoff=uoff, ooff=ooff,
                  entities=ents, population=is_pop, soff=soff if t.spike_text else -1)
        for name, st, cnt in ents:
            where[name] = (len(groups), st, cnt)
        if t.spike_text:
            for name, st, cnt in ents:
                spike_code.append(np.full(cnt, len(spike_names)))
                spike_local.append(np.arange(cnt))
                spike_names.append(name)
            soff += g.n
        xoff += len(t.states) * g.n
        poff += len(t.params) * g.n
        uoff += len(t.inputs) * g.n
        ooff += len(t.output_text) * g.n
        groups.append(g)
    nx, np_ = xoff, poff
    state_names, param_names = [None] * nx, [None] * np_
    x0, p0 = np.zeros(nx), np.zeros(np_)
    vectors = {}
    for g, (t, members, is_pop) in zip(groups, _entities(circuit)):
        n = g.n
        for k, s in enumerate(t.states):
            state_names[g.x(k, 0):g.x(k, 0) + n] = [f"{nm}.{s}" for nm in g.names]
        for j, pn in enumerate(t.params):
            param_names[g.p(j, 0):g.p(j, 0) + n] = [f"{nm}.{pn}" for nm in g.names]
        for e, (name, st, cnt) in zip(members, g.entities):
            for k, s in enumerate(t.states):
                x0[g.x(k, st):g.x(k, st) + cnt] = e.init_array(s) if is_pop else e.init[s]
                if is_pop:
                    vectors[f"{name}.{s}"] = np.arange(g.x(k, st), g.x(k, st) + cnt)
            for j, pn in enumerate(t.params):
                p0[g.p(j, st):g.p(j, st) + cnt] = e.param_array(pn) if is_pop else e.params[pn]
                if is_pop:
                    vectors[f"{name}.{pn}"] = np.arange(g.p(j, st), g.p(j, st) + cnt)
    # continuous edges: blox connections, then expanded continuous projections
    dsts, srcs, ws, ds, cids, cnames = [], [], [], [], [], {}
    cid = lambda name, n: cids.append(np.full(n, cnames.setdefault(name, len(cnames)),
                                              np.int32))
    for k in circuit.connections:
        gs, i_s, _ = where[k.src]
        gd, i_d, _ = where[k.dst]
        q = list(groups[gs].btype.output_text).index(k.output)
        m = list(groups[gd].btype.inputs).index(k.input)
        dsts.append([groups[gd].u(m, i_d)])
        srcs.append([groups[gs].o(q, i_s)])
        ws.append([k.weight * k.scale])   # scale: unit conversion (nbblox.model.units)
        ds.append([k.delay])
        cid(f"{k.src}->{k.dst}", 1)
    rules, ptrs, posts, sws, sds, ptr_off, nsyn = [], [], [], [], [], 0, 0
    plast = {"par": [], "d0": [], "ntr": 0, "rptr": [], "rsyn": [], "rpre": [], "roff": 0}
    for pr in circuit.projections:
        gs, a, _ = where[pr.src]
        gd, b, _ = where[pr.dst]
        G, H = groups[gs], groups[gd]
        if pr.on_pre is None:
            q = list(G.btype.output_text).index(pr.output)
            m = list(H.btype.inputs).index(pr.input)
            srcs.append(G.o(q, a) + pr.pre)
            dsts.append(H.u(m, b) + pr.post)
            ws.append(pr.weight)
            ds.append(pr.delay)
            cid(pr.name, np.size(pr.pre))
            continue
        delayed = bool(pr.delay.size and pr.delay.max() > 0)
        if delayed:
            for tgt, expr in pr.effects:
                if increment(tgt, expr, H.btype.states) is None:
                    raise CompileError(
                        f"connection {pr.src} -> {pr.dst}: a delayed on_pre must add a "
                        f"state-independent amount (like 'ge += w'); '{pr.on_pre}' uses the "
                        "target's state. Remove the delay or rewrite the effect.")
        indptr, post, w, d = pr.csr()
        rules.append(SpikeRule(
            src=pr.src, dst=pr.dst, g_pre=gs, a=a, n_pre=pr.n_pre, g_post=gd, b=b,
            ptr_off=ptr_off, effects=pr.effects, on_pre=pr.on_pre, delayed=delayed,
            name=pr.name, syn_off=nsyn, nsyn=post.size, n_post=pr.n_post,
            **(_plastic(pr, nsyn, plast) if pr.plasticity is not None else {})))
        ptrs.append(indptr + nsyn)
        posts.append(post + b)
        sws.append(w)
        sds.append(d)
        ptr_off += pr.n_pre + 1
        nsyn += post.size
    # concatenate copies already: a second copy of 5 million synapses is 0.1 s each
    cat = lambda xs, dt: np.concatenate(xs).astype(dt, copy=False) if xs else np.zeros(0, dt)
    dst, src = cat(dsts, np.int64), cat(srcs, np.int64)
    w0, dly0 = cat(ws, np.float64), cat(ds, np.float64)
    order = np.argsort(dst, kind="stable")
    dst, src, w0, dly0 = dst[order], src[order], w0[order], dly0[order]
    conn_of = cat(cids, np.int32)[order]
    u_rows, o_cols = _coupling_maps(groups, uoff, ooff)
    return Layout(
        groups=groups,
        states=States(state_names=state_names, param_names=param_names, x0=x0, p0=p0,
                      vectors=vectors, has_noise=any(_noisy(g.btype) for g in groups)),
        coupling=Coupling(src=src, dst=dst, w0=w0, dly0=dly0, n_inputs=uoff, n_outputs=ooff,
                          u_rows=u_rows, o_cols=o_cols,
                          out_passes=settle_passes(groups, src, dst),
                          conn_names=list(cnames), conn_of=conn_of),
        synapses=Synapses(
            rules=rules, syn_ptr=cat(ptrs, np.int64), syn_post=cat(posts, np.int64),
            syn_w0=cat(sws, np.float64), syn_dly0=cat(sds, np.float64), n_spiking=soff,
            spike_names=spike_names, spike_code=cat(spike_code, np.int64),
            spike_local=cat(spike_local, np.int64),
            proj_slices={r.name: (r.syn_off, r.syn_off + r.nsyn) for r in rules}),
        plasticity=Plasticity(
            pl_par0=np.array(plast["par"], dtype=np.float64).reshape(-1, 8),
            pl_d0=np.array(plast["d0"], dtype=np.float64), n_traces=plast["ntr"],
            rev_ptr=cat(plast["rptr"], np.int64), rev_syn=cat(plast["rsyn"], np.int64),
            rev_pre=cat(plast["rpre"], np.int64)))


def _plastic(proj, syn_off, acc):
    """The plasticity fields of a plastic projection's :class:`SpikeRule`
    (its synapses start at ``syn_off``): its parameter row, trace slots and
    transposed CSR (for each post neuron, the global indices of its synapses
    in this rule), appended to the accumulators ``acc``."""
    fields = {"plastic": proj.plasticity.kind, "pl": len(acc["par"]),
              "tr_pre": acc["ntr"], "tr_post": acc["ntr"] + proj.n_pre, "rev_off": acc["roff"]}
    acc["par"].append(proj.plasticity.params())
    acc["d0"].append(getattr(proj.plasticity, "reward", 0.0))
    acc["ntr"] += proj.n_pre + proj.n_post
    order = np.argsort(proj.post, kind="stable")
    counts = np.bincount(proj.post, minlength=proj.n_post)
    ptr = np.zeros(proj.n_post + 1, dtype=np.int64)
    np.cumsum(counts, out=ptr[1:])
    base = sum(a.size for a in acc["rsyn"])
    acc["rptr"].append(ptr + base)
    acc["rsyn"].append(order + syn_off)
    acc["rpre"].append(proj.pre[order])
    acc["roff"] += proj.n_post + 1
    return fields


def _noisy(btype):
    return "xi" in btype.eqs.used


def _coupling_maps(groups, uoff, ooff):
    ms = max(len(g.btype.states) for g in groups)
    u_rows = np.full((max(uoff, 1), ms), -1, dtype=np.int64)
    o_cols = np.full((max(ooff, 1), ms), -1, dtype=np.int64)
    for g in groups:
        ns, idx = len(g.btype.states), np.arange(g.n)
        cols = np.stack([g.xoff + k * g.n + idx for k in range(ns)], axis=1) if ns else None
        if not ns:
            continue
        for m in range(len(g.btype.inputs)):
            u_rows[g.u(m, 0) + idx, :ns] = cols
        for q in range(len(g.btype.output_text)):
            o_cols[g.o(q, 0) + idx, :ns] = cols
    return u_rows, o_cols


def spike_group_of(layout):
    """[(group index, group)] of the spiking groups, in gid order."""
    return [(gi, g) for gi, g in enumerate(layout.groups) if g.btype.spike_text]


def is_population(entity):
    return isinstance(entity, Population)
