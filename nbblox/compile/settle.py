"""Outputs that read inputs: in which order they settle, and how many
passes that takes.

An output may read one of its blox's inputs (a conductance synapse's
``I = g r (E - V_post)``, a Tsodyks-Markram synapse's ``out = A u x r_pre``).
Its value then depends on the outputs feeding that input, which may read
inputs in turn.  The kernels (:func:`nbblox.compile.emit.output_passes`,
``ReferenceKernels.couple`` and ``jac``) evaluate the outputs in passes:
every output with the inputs at 0, then the input-reading ones again, once
per pass.  An output ``k`` such readers deep (its *depth*) is right from
pass ``k`` on, so the passes needed are the deepest chain.  The kernel text
has one pass per group of input-reading outputs (a chain through different
groups is never deeper); a chain within one group (synapse -> synapse of
the same type) can be deeper, and then the layout says how deep
(:func:`settle_passes`), so the text and its cache key grow with it.  A loop
(an output that depends on itself within a step) has no finite depth and is
refused when the circuit compiles, naming the blox.

Which inputs an output reads is read from the equation text (names, through
the auxiliaries), without SymPy: this runs in every compile.

Examples
--------
>>> import nbblox as nb
>>> output_reads(nb.blox.AMPA)            # output I reads input 1 (V_post)
((1,), ())
"""
from __future__ import annotations

import numpy as np

from ..exceptions import CompileError
from ..model.expression import check_expression

__all__ = ["output_reads", "settle_passes", "output_depths", "settled_outputs"]

_reads = {}


def output_reads(btype):
    """Per output of ``btype`` (in order), the indices of the inputs it reads,
    through auxiliaries (a tuple of sorted tuples)."""
    key = btype.key
    if key not in _reads:
        names = btype.eqs.names
        pos = {u: m for m, u in enumerate(btype.inputs)}
        out = []
        for text in btype.output_text.values():
            seen, todo = set(), list(check_expression(text, blox=btype.name))
            while todo:
                n = todo.pop()
                if n not in seen:
                    seen.add(n)
                    if n in btype.eqs.aux_names:
                        todo.extend(names[n])
            out.append(tuple(sorted(pos[n] for n in seen if n in pos)))
        _reads[key] = tuple(out)
    return _reads[key]


def _graph(groups, src, dst):
    """(reading output slots, their dependencies on each other as (output
    slot, input slot, reading output slot) triples), or None when no output
    reads an input."""
    reads_u = {}       # input slot -> output slots that read it
    nodes = []
    for g in groups:
        for q, ms in enumerate(output_reads(g.btype)):
            if ms:
                nodes.extend(g.o(q, i) for i in range(g.n))
            for m in ms:
                for i in range(g.n):
                    reads_u.setdefault(g.u(m, i), []).append(g.o(q, i))
    if not nodes:
        return None
    # edges from a reading output into a read input (the others add no depth)
    keep = (np.isin(dst, np.fromiter(reads_u, np.int64, len(reads_u)))
            & np.isin(src, np.array(nodes, np.int64)))
    dep = [(s, a, b) for s, a in zip(src[keep].tolist(), dst[keep].tolist()) for b in reads_u[a]]
    return nodes, dep


def output_depths(groups, src, dst):
    """``{output slot: depth}`` of every input-reading output (1: it reads
    inputs fed by outputs of states only); ``{}`` when there are none.

    Raises
    ------
    CompileError
        When outputs depend on themselves within a step (a loop), naming
        the blox, outputs and inputs on it.
    """
    gr = _graph(groups, src, dst)
    if gr is None:
        return {}
    nodes, dep = gr
    depth = dict.fromkeys(nodes, 1)
    preds = {b: [] for b in nodes}
    for s, a, b in dep:
        preds[b].append((s, a))
    # Kahn's order over the reading outputs: a level at a time
    succ = {b: [] for b in nodes}
    indeg = dict.fromkeys(nodes, 0)
    for b, ps in preds.items():
        for s, _ in ps:
            succ[s].append(b)
            indeg[b] += 1
    level = [b for b in nodes if indeg[b] == 0]
    done = 0
    while level:
        done += len(level)
        nxt = []
        for s in level:
            for b in succ[s]:
                depth[b] = max(depth[b], depth[s] + 1)
                indeg[b] -= 1
                if indeg[b] == 0:
                    nxt.append(b)
        level = nxt
    if done < len(nodes):
        _refuse_loop(groups, [b for b in nodes if indeg[b] > 0], preds)
    return depth


def _slot_names(groups):
    """output slot -> (blox, output), input slot -> (blox, input)."""
    outs, ins = {}, {}
    for g in groups:
        for q, on in enumerate(g.btype.output_text):
            for i, nm in enumerate(g.names):
                outs[g.o(q, i)] = (nm, on)
        for m, un in enumerate(g.btype.inputs):
            for i, nm in enumerate(g.names):
                ins[g.u(m, i)] = (nm, un)
    return outs, ins


def _refuse_loop(groups, left, preds):
    """Raise a CompileError describing one loop among the outputs ``left``."""
    left_set = set(left)
    b, path, via = left[0], [], {}
    while b not in path:           # every output left has a predecessor left
        path.append(b)
        s, a = next(p for p in preds[b] if p[0] in left_set)
        via[b] = a
        b = s
    loop = path[path.index(b):][::-1]      # in the direction values flow
    outs, ins = _slot_names(groups)
    steps = [f"'{outs[s][0]}.{outs[s][1]}' -> '{ins[via[b]][0]}.{ins[via[b]][1]}'"
             for s, b in zip(loop, loop[1:] + loop[:1])]
    first = outs[loop[0]]
    raise CompileError(
        f"blox '{first[0]}': output '{first[1]}' depends on itself within a time step "
        f"through outputs that read inputs ({', '.join(steps)}, each input read by the "
        "next output): an algebraic loop nbblox cannot evaluate. Feed one of these inputs "
        "from a state instead (a blox with dynamics in between).")


def settle_passes(groups, src, dst):
    """Output passes beyond the first that an in-group chain needs, or 0
    when one pass per group of input-reading outputs suffices (the kernel
    text as it always was).  Refuses loops (:func:`output_depths`).

    Examples
    --------
    >>> import nbblox as nb
    >>> from nbblox.compile.layout import build_layout
    >>> c = nb.Circuit([nb.blox.TsodyksMarkram(name=n) for n in ("a", "b", "c")])
    >>> _ = c.connect("a", "b").connect("b", "c")
    >>> L = build_layout(c)
    >>> settle_passes(L.groups, L.src, L.dst)   # b's output, read by c, is 2 deep
    2
    """
    depth = output_depths(groups, src, dst)
    if not depth:
        return 0
    groups_reading = sum(1 for g in groups if any(output_reads(g.btype)))
    used = set(np.unique(src).tolist())
    deepest = max((d for b, d in depth.items() if b in used), default=0)
    return deepest if deepest > groups_reading else 0


def settled_outputs(layout, raw, weight):
    """Output expressions with the inputs they read replaced by the sums that
    feed them, in dependency order.

    ``raw``: ``{output slot: (SymPy expression, {input symbol: input slot})}``;
    ``weight(e)``: the weight of edge ``e`` (a number or a symbol).  Returns
    ``{output slot: expression}`` with no input symbol left, and
    ``inputs(a)``: the settled sum into input slot ``a``.
    """
    import sympy as sp
    depth = output_depths(layout.groups, layout.src, layout.dst)
    into = {}
    for e, (s, a) in enumerate(zip(layout.src.tolist(), layout.dst.tolist())):
        into.setdefault(a, []).append((e, s))
    out = {b: ex for b, (ex, _) in raw.items()}

    def inputs(a):
        return sum((weight(e) * out[s] for e, s in into.get(a, ())), sp.Integer(0))

    for b in sorted(depth, key=depth.get):    # deeper outputs read shallower ones
        ex, slots = raw[b]
        out[b] = ex.xreplace({u: inputs(a) for u, a in slots.items()})
    return out, inputs

