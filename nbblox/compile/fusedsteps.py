"""Step bodies that write the new state in the pass that computes it.

:func:`nbblox.compile.codegen.module_stmts` builds a ``run_<m>`` loop from one
of three bodies; this module owns two of them (the third, a multi-stage scheme's
loop over its stages, is :func:`nbblox.compile.steps.rk_stage_loop`):

* :func:`fused_group_lines`: a single-stage scheme, group by group, the new
  states straight into ``x`` (every layout);
* :func:`instance_step_lines`: a multi-stage scheme of a layout without
  coupling (``fuse``), each instance's whole step in scalars in one pass.

With ``fuse`` (no coupling) the inputs are 0.0 or, in fast-math text, left out;
parameters equal for every instance are loaded once per call (``uniform``); and
the non-finite check runs every :data:`CHECK_EVERY` steps
(:func:`periodic_check`), each group's loop ending with a
:data:`~nbblox.compile.ir.STEPPED` site for the streaming pass.  The text is
codegen's as it always was: this is where it is built, not what it prints.
"""
from __future__ import annotations

from .emit import cse_assign, fused_exprs, loads, zero_safe
from .ir import STEPPED, Assign, For, If, Item, Load, Off, Return, Site
from .steps import instance_rk_step, stage_time

__all__ = ["CHECK_EVERY", "periodic_check", "fused_group_lines", "instance_step_lines"]


#: a fused loop (``generate_source(..., fuse=True)``) checks for non-finite
#: states every CHECK_EVERY steps (a power of 2) and after its last step
CHECK_EVERY = 16


def periodic_check():
    """The non-finite check of a fused loop: every :data:`CHECK_EVERY` steps
    and after the last, one vectorised OR over the states, then the scan
    for the first bad one.  A non-finite state stays non-finite in an
    uncoupled explicit or exponential step (the new state is the old one
    plus a term) unless declared bounds clip it, so none is missed; the step
    returned is the one the check ran after, at most CHECK_EVERY - 1 steps
    late (a lockstep caller re-runs a diverged block one instance at a time
    with the exact check).  A check every step was 10 % of the W4 sweep.

    Examples
    --------
    >>> from nbblox.compile.ir import render
    >>> print(render([periodic_check()]).splitlines()[0])
    if (step & 15) == 15 or step + 1 == nsteps:
    """
    scan = For("i", ("N_STATES",), [If([("not math.isfinite(x[i])",
                                         [Return(("step + 1", "i", "j"))])])])
    return If([(f"(step & {CHECK_EVERY - 1}) == {CHECK_EVERY - 1} or step + 1 == nsteps", [
        Assign("ls_bad", False),
        For("i", ("N_STATES",), [Assign("ls_bad", "ls_bad | (not math.isfinite(x[i]))")]),
        If([("ls_bad", [scan])])])])


def _is_load(st, array):
    return isinstance(st, Load) and st.array == array


def _uncoupled_loads(g, ex, exprs):
    """:func:`~nbblox.compile.emit.loads` for a layout without coupling: its inputs are 0.0 (the
    value the loop would load from its zeroed ``u``), not loaded."""
    return [Assign(st.target, "0.0") if _is_load(st, "u") else st
            for st in loads(g, ex, exprs)]


def _without_inputs(ex, exprs):
    """``exprs`` with the group's inputs replaced by 0 (a layout without
    coupling, fast-math text: ``x + 0.0`` differs from ``x`` only in the
    sign of a zero)."""
    zero = {u: 0 for u in ex["U"]}
    return [zero_safe(e.xreplace(zero)) for e in exprs] if zero else exprs


def _uniform_loads(gi, g, body, uniform):
    """``body`` with the loads of group ``gi``'s uniform parameters
    (``(gi, j)`` in ``uniform``) replaced by the scalar ``hu<gi>_<j>``, and
    the statements loading those scalars once, before the time loop."""
    pre, out = [], []
    for st in body:
        j = int(st.target.name[1:]) if _is_load(st, "p") else None
        if j is not None and (gi, j) in uniform:
            pre.append(Assign(f"hu{gi}_{j}", Item("p", g.poff + j * g.n)))
            out.append(Assign(st.target, f"hu{gi}_{j}"))
        else:
            out.append(st)
    return pre, out


def _stepped(gi, g, old):
    """The empty :data:`~nbblox.compile.ir.STEPPED` site closing group ``gi``'s
    fused instance loop: where the streaming pass may count threshold
    crossings of the states just stored (``old``: each state's value before
    the step), in the pass that computed them (:mod:`nbblox.compile.stream`)."""
    return Site(STEPPED, [], {"group": gi, "n": g.n, "old": tuple(old),
                              "x": tuple(g.x(k, 0) for k in range(len(old)))})


def fused_group_lines(layout, exs, scheme, hz=None, uncoupled=False, fast=False,
                       uniform=frozenset(), pre=None, mark=False):
    """Single-stage step, group by group: the new states straight into x
    (``uncoupled``: the inputs are 0.0, :func:`_uncoupled_loads`, or with
    ``fast`` left out, :func:`_without_inputs`; ``uniform``: see
    :func:`_uniform_loads`, whose loads go to the list ``pre``; ``mark``:
    each loop ends with a :func:`_stepped` site)."""
    L = []
    for gi, (g, ex) in enumerate(zip(layout.groups, exs)):
        if not ex["f"]:
            continue
        exprs = fused_exprs(scheme, g, ex, gi=gi)
        if uncoupled and fast:
            exprs = _without_inputs(ex, exprs)
        B = (_uncoupled_loads if uncoupled else loads)(g, ex, exprs + ex["S"])
        if uniform:
            head, B = _uniform_loads(gi, g, B, uniform)
            pre += head
        B += cse_assign([Item("x", Off(g.x(k, 0))) for k in range(len(exprs))], exprs)
        if mark and len(exprs) == len(ex["S"]):   # every state loaded (``+ ex["S"]``), stored
            B.append(_stepped(gi, g, ex["S"]))
        L.append(For("i", (g.n,), hz.apply(gi, g, B) if hz is not None else B, f"group {gi}"))
    return L


def instance_step_lines(layout, exs, scheme, hz, fast=False, uniform=frozenset(), pre=None,
                         mark=False):
    """A multi-stage step of an uncoupled layout, one pass per group: each
    instance runs all its stages in scalars (:func:`instance_rk_step`) and
    writes its new state, so the instance loop vectorises as a whole, with
    no ``k<s>``/``tmp`` arrays between the stages.  Only for layouts without
    coupling, whose inputs are always 0 (``u<m> = 0.0``, what the loop would
    load from the zeroed ``u``; ``fast``: left out, :func:`_without_inputs`;
    ``uniform``: :func:`_uniform_loads`, into ``pre``; ``mark``: each loop ends
    with a :func:`_stepped` site)."""
    L = []
    for gi, (g, ex) in enumerate(zip(layout.groups, exs)):
        if not ex["f"]:
            continue
        S, f = ex["S"], [zero_safe(e) for e in ex["f"]]
        if fast:
            f = _without_inputs(ex, f)
        used = set().union(*(e.free_symbols for e in f))
        timed = any(x.name == "t_s" for x in used)

        def stage(s, c, S=S, f=f, timed=timed):
            pre = [Assign("t_s", stage_time(c))] if timed else []
            return pre + cse_assign([f"k{s + 1}_{k}" for k in range(len(S))], f)
        body, news = instance_rk_step(scheme, S, stage, used)
        B = [Assign(f"xs_{k}", Item("x", Off(g.x(k, 0)))) for k in range(len(S))]
        B += [st for st in _uncoupled_loads(g, ex, f) if not _is_load(st, "x")]
        if uniform:
            head, B = _uniform_loads(gi, g, B, uniform)
            pre += head
        B += body + [Assign(Item("x", Off(g.x(k, 0))), e) for k, e in enumerate(news)]
        B += [_stepped(gi, g, [f"xs_{k}" for k in range(len(S))])] if mark else []
        L.append(For("i", (g.n,), hz.apply(gi, g, B), f"group {gi}"))
    return L
