"""Flat memory layout of a circuit: where every state, parameter, input and
output of every blox lives in the arrays the kernels see.

Blox of the same :class:`~nbblox.model.blox.BloxType` form a *group* and are
stored structure-of-arrays (``x[off + k*n + i]`` is state ``k`` of instance
``i``), so one loop serves a whole population.  Connections become an edge
list sorted by target: ``u[dst[e]] += w[e] * o[src[e]]``.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..exceptions import CompileError

__all__ = ["Group", "Layout", "build_layout"]


@dataclass
class Group:
    """All blox of one type: ``n`` instances laid out side by side."""

    btype: object
    names: list
    xoff: int = 0   # first state slot
    poff: int = 0   # first parameter slot
    uoff: int = 0   # first input slot
    ooff: int = 0   # first output slot

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


@dataclass
class Layout:
    groups: list
    state_names: list
    param_names: list
    x0: np.ndarray
    p0: np.ndarray
    src: np.ndarray      # output slot of each edge
    dst: np.ndarray      # input slot of each edge
    w0: np.ndarray       # weight of each edge
    n_inputs: int
    n_outputs: int
    # for the Jacobian's coupling terms: the state rows of the instance that
    # owns input slot u, and the state columns of the owner of output slot o
    u_rows: np.ndarray = field(default=None)
    o_cols: np.ndarray = field(default=None)
    has_delays: bool = False

    @property
    def structure_key(self):
        """What generated code depends on: types and sizes, not values."""
        return tuple((g.btype.key, g.n) for g in self.groups)


def build_layout(circuit):
    """Group a circuit's blox by type and assign every slot."""
    if len(circuit) == 0:
        raise CompileError(f"circuit '{circuit.name}' has no blox to compile")
    by_type = {}
    for b in circuit:
        by_type.setdefault(b.type.key, []).append(b)
    groups, xoff, poff, uoff, ooff = [], 0, 0, 0, 0
    where = {}
    for members in by_type.values():
        t = members[0].type
        g = Group(t, [b.name for b in members], xoff, poff, uoff, ooff)
        for i, b in enumerate(members):
            where[b.name] = (g, i)
        xoff += len(t.states) * g.n
        poff += len(t.params) * g.n
        uoff += len(t.inputs) * g.n
        ooff += len(t.outputs) * g.n
        groups.append(g)
    nx, np_ = xoff, poff
    state_names, param_names = [None] * nx, [None] * np_
    x0, p0 = np.zeros(nx), np.zeros(np_)
    for g in groups:
        for i, name in enumerate(g.names):
            b = circuit.blox[name]
            for k, s in enumerate(g.btype.states):
                state_names[g.x(k, i)] = f"{name}.{s}"
                x0[g.x(k, i)] = b.init[s]
            for j, pn in enumerate(g.btype.params):
                param_names[g.p(j, i)] = f"{name}.{pn}"
                p0[g.p(j, i)] = b.params[pn]
    edges = []
    for k in circuit.connections:
        gs, i_s = where[k.src]
        gd, i_d = where[k.dst]
        q = list(gs.btype.outputs).index(k.output)
        m = list(gd.btype.inputs).index(k.input)
        edges.append((gd.u(m, i_d), gs.o(q, i_s), k.weight))
    edges.sort(key=lambda e: e[0])
    dst = np.array([e[0] for e in edges], dtype=np.int64)
    src = np.array([e[1] for e in edges], dtype=np.int64)
    w0 = np.array([e[2] for e in edges], dtype=np.float64)
    ms = max(len(g.btype.states) for g in groups)
    u_rows = np.full((max(uoff, 1), ms), -1, dtype=np.int64)
    o_cols = np.full((max(ooff, 1), ms), -1, dtype=np.int64)
    for g in groups:
        ns = len(g.btype.states)
        for i in range(g.n):
            for m in range(len(g.btype.inputs)):
                u_rows[g.u(m, i), :ns] = [g.x(k, i) for k in range(ns)]
            for q in range(len(g.btype.outputs)):
                o_cols[g.o(q, i), :ns] = [g.x(k, i) for k in range(ns)]
    return Layout(groups, state_names, param_names, x0, p0, src, dst, w0, uoff, ooff,
                  u_rows, o_cols, any(k.delay > 0 for k in circuit.connections))
