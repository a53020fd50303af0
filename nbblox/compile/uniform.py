"""Group loops for uniform parameters: a second copy of each loop over a
group's instances that reads the parameters as scalars.

A population built with scalar parameters (``Population(T, n=4000)``, a
circuit of identical blox) holds each parameter once per instance, so every
pass over its instances loads one column of ``p`` per parameter: the W3 COBA
integration loop read 7 columns of 4000 doubles per step besides its 3
states, 9 % of its run time (in-process A/B, load ~6: 76.5 vs 69.5 ms,
hand-written loop 67 ms).  LLVM cannot hoist the loads (the stores into
``x`` may alias ``p``) and the kernel text must not depend on parameter
values (they change per ``simulate`` without compiling again), so
:func:`split_uniform` rewrites every ``for i in range(n)`` loop of a time
loop that loads parameters of one group into::

    if uni0_0:                 # every column this loop reads is uniform
        for i in range(n):     #   q3 = uq0_3 (a scalar, loaded once per call)
            ...
    else:                      # the loop as it was
        for i in range(n):
            ...

and gives the preamble that decides ``uni<g>_<k>`` once per kernel call
(:func:`nbblox.compile.jit.uniform_col`: equal bit for bit, so ``-0.0`` and
``0.0`` differ and NaN never counts as uniform) and loads the scalars.  A
parameter-only temporary that :class:`~nbblox.compile.hoist.Hoist` keeps per
instance (``c0 = hc0_0[i]``) becomes a scalar too.  Both copies compute the
same expressions from the same values, so results are bit for bit those of
the loop without the copy.

The copy costs compile time, so it is made only where the loads are a large
part of a loop's work: groups of at least :data:`MIN_INSTANCES` (smaller
ones' columns sit in L1) and loops without a call or a power
(:data:`COSTLY`: an ``exp`` per instance outweighs the loads; copying the
four RK4 stage loops of a Hodgkin-Huxley population took its first
``simulate`` from 1.5 to 2.5-3.1 s of compiling, for no measurable gain).
"""
from __future__ import annotations

from .ir import Assign, For, If, Item, Load, render, rewrite

__all__ = ["split_uniform", "MIN_INSTANCES", "COSTLY"]

#: groups with at least this many instances get the uniform copy of their loops
MIN_INSTANCES = 16
#: printed text of work that outweighs a loop's parameter loads (no copy then)
COSTLY = ("math.", "exprel", "tinterp", "gauss", "urand", "**")


def _columns(layout):
    """``{p offset of a column: (group index, parameter index)}`` of the
    groups with at least :data:`MIN_INSTANCES` instances."""
    cols = {}
    for gi, g in enumerate(layout.groups):
        if g.n >= MIN_INSTANCES:
            for j in range(len(g.btype.params)):
                cols[g.poff + j * g.n] = (gi, j)
    return cols


def _param_loads(stmts):
    """Every ``Load`` from ``p`` in ``stmts`` (nested ones too)."""
    found = []

    def look(st):
        if isinstance(st, Load) and st.array == "p":
            found.append(st)
        return None
    rewrite(stmts, look)
    return found


def split_uniform(stmts, layout):
    """``(statements, preamble)``: ``stmts`` (a time loop's body) with each
    loop over the instances of one group that loads its parameters split in
    a uniform copy and the loop as it was, and the statements that must run
    before the time loop (after :meth:`~nbblox.compile.hoist.Hoist.preamble`,
    whose per-instance arrays the uniform copies read once).

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> import sympy as sp
    >>> from nbblox.compile.ir import render
    >>> g = SimpleNamespace(n=100, poff=0, btype=SimpleNamespace(params=["a", "b"]))
    >>> q1, s0 = sp.Symbol("q1", real=True), sp.Symbol("s0", real=True)
    >>> loop = For("i", (100,), [Load(s0, "x", 0), Load(q1, "p", 100),
    ...                          Assign("x[0 + i]", q1 * s0)])
    >>> body, pre = split_uniform([loop], SimpleNamespace(groups=[g]))
    >>> print(render(pre))
    uf0_1 = uniform_col(p, 100, 100)
    uq0_1 = p[100]
    uni0_0 = uf0_1
    >>> print(render(body))
    if uni0_0:
        for i in range(100):
            s0 = x[0 + i]
            q1 = uq0_1
            x[0 + i] = q1*s0
    else:
        for i in range(100):
            s0 = x[0 + i]
            q1 = p[100 + i]
            x[0 + i] = q1*s0
    """
    cols = _columns(layout)
    if not cols:
        return stmts, []
    flags = {}      # (group, columns) -> flag name
    scalars = {}    # (group, column) -> its statements

    def split(st):
        if not (isinstance(st, For) and st.var == "i" and len(st.bounds) == 1):
            return None
        found = _param_loads(st.body)
        keys = {cols.get(ld.base) if ld.var == "i" else None for ld in found}
        if not found or None in keys or len({gi for gi, _ in keys}) != 1:
            return None
        gi = next(iter(keys))[0]
        g = layout.groups[gi]
        if st.bounds[0] != g.n or any(c in render(st.body) for c in COSTLY):
            return None
        js = tuple(sorted(j for _, j in keys))
        for j in js:
            base = g.poff + j * g.n
            scalars.setdefault((gi, j), [Assign(f"uf{gi}_{j}", f"uniform_col(p, {base}, {g.n})"),
                                         Assign(f"uq{gi}_{j}", Item("p", base))])
        flag = flags.setdefault((gi, js), f"uni{gi}_{sum(k[0] == gi for k in flags)}")
        hoisted = f"hc{gi}_"

        def scalar(s):
            if isinstance(s, Load) and s.array == "p":
                return [Assign(s.target, f"uq{gi}_{cols[s.base][1]}")]
            if (isinstance(s, Assign) and isinstance(s.value, Item) and s.value.index == "i"
                    and str(s.value.array).startswith(hoisted)):
                name = str(s.value.array)
                scalars.setdefault((gi, name), [Assign(f"u{name}", Item(name, 0))])
                return [Assign(s.target, f"u{name}")]
            return None
        return [If([(flag, [For(st.var, st.bounds, rewrite(st.body, scalar), st.note,
                                st.range)])], [st])]

    body = rewrite(stmts, split)
    pre = [s for key in sorted(k for k in scalars if isinstance(k[1], int))
           for s in scalars[key]]
    pre += [s for key in scalars if isinstance(key[1], str) for s in scalars[key]]
    pre += [Assign(name, " and ".join(f"uf{gi}_{j}" for j in js))
            for (gi, js), name in flags.items()]
    return body, pre
