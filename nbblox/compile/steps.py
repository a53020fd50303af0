"""A scheme's step as loop text, shared by every generated kernel (numba
ODE and network loops, sensitivities, the CUDA sweep): the stage arrays, the
stage inputs and the step as the tableau's combinations, and the declared
state bounds after a step.  What a scheme *is* lives in
:mod:`nbblox.compile.schemes`.  The CPU kernels take statements of
:mod:`nbblox.compile.ir` (:func:`stage_allocs`, :func:`rk_step`,
:func:`rk_stage_loop` -- the model once, in a loop over the stages --,
:func:`clip_step`); the CUDA sweep, which writes its kernels as lines,
takes the same printed (:func:`stage_arrays`, :func:`rk_lines`,
:func:`clip_lines`).
"""
from __future__ import annotations

from fractions import Fraction as F

from .ir import Assign, For, If, Item, Verbatim, render_lines

__all__ = ["combination", "stage_time", "stage_allocs", "stage_arrays", "rk_step", "rk_lines",
           "rk_stage_loop", "instance_rk_step", "clip_step", "clip_lines"]


def _num(v):
    return repr(float(v))


def _sum(terms):
    """``(k1[i] + 2.0 * k2[i])`` for [(1, "k1[i]"), (2, "k2[i]")] (integer weights)."""
    out = []
    for w, name in terms:
        out.append(name if w == 1 else f"{_num(w)} * {name}")
    return out[0] if len(out) == 1 else "(" + " + ".join(out) + ")"


def _weighted(coefs, names, scale):
    """``scale`` times sum coefs * names, printed with a common denominator:
    ``dt / 6.0 * (k1[i] + 2.0 * k2[i] + ...)`` or ``0.5 * dt * k1[i]``."""
    terms = [(F(c), n) for c, n in zip(coefs, names) if c != 0]
    if not terms:
        return None
    if len(terms) == 1:
        c, n = terms[0]
        head = scale if c == 1 else f"{_num(c)} * {scale}" if scale else _num(c)
        return f"{head} * {n}" if head else n
    den = 1
    for c, _ in terms:
        den = den * c.denominator // _gcd(den, c.denominator)
    ints = [(int(c * den), n) for c, n in terms]
    if den == 1:
        return f"{scale} * {_sum(ints)}" if scale else _sum(ints)
    return (f"{scale} / {_num(den)} * {_sum(ints)}" if scale
            else f"{_sum(ints)} / {_num(den)}")


def _gcd(a, b):
    while b:
        a, b = b, a % b
    return a


def combination(coefs, base="x", idx="i", noise=False, item="{}[{}]", stages=None):
    """Python text of ``base + dt sum_j coefs_j k_j (+ sum_j coefs_j g_j dW)``
    at index ``idx``: a stage's input (coefs = a row) or the step (coefs = b).
    ``item`` formats (array, index): ``"{}_{}"`` names scalars instead
    (``x_0 + 0.5 * dt * k1_0``, the per-instance stages of
    :func:`instance_rk_step`), with the same arithmetic in the same order.
    ``stages``: the text of each stage's value instead of ``k<j>[idx]``
    (:func:`rk_stage_loop`'s ``K[N_STATES + i]``).

    Examples
    --------
    >>> from nbblox.compile.schemes import HEUN, RK4
    >>> combination(RK4.tableau.b)
    'x[i] + dt / 6.0 * (k1[i] + 2.0 * k2[i] + 2.0 * k3[i] + k4[i])'
    >>> combination(HEUN.tableau.a[1], base="x", noise=True)
    'x[i] + dt * k1[i] + g1[i] * dW[i]'
    >>> combination(RK4.tableau.a[1], base="xs", idx=0, item="{}_{}")
    'xs_0 + 0.5 * dt * k1_0'
    """
    ks = stages or [item.format(f"k{j + 1}", idx) for j in range(len(coefs))]
    out = item.format(base, idx)
    drift = _weighted(coefs, ks, "dt")
    if drift:
        out += f" + {drift}"
    if noise:
        gs = [item.format(f"g{j + 1}", idx) for j in range(len(coefs))]
        diff = _weighted(coefs, gs, "")
        if diff:
            out += f" + {diff} * {item.format('dW', idx)}"
    return out


def stage_time(c, t="t"):
    """``t``, ``t + 0.5 * dt``, ``t + dt``: the time of a stage at ``c``."""
    if c == 0:
        return t
    return f"{t} + dt" if c == 1 else f"{t} + {_num(c)} * dt"


def stage_allocs(scheme, size="N_STATES", noise=False, fused=None):
    """Allocations of a scheme's stage arrays: k1..ks and tmp (unless
    ``fused``, default: single-stage schemes) and, with noise, g1..gs and dW."""
    n = scheme.tableau.stages
    fused = scheme.fused if fused is None else fused
    names = [] if fused else [f"k{j + 1}" for j in range(n)] + ["tmp"]
    if noise:
        names += [f"g{j + 1}" for j in range(n)] + ["dW"]
    return [Assign(a, f"np.{'zeros' if a[0] in 'gd' else 'empty'}({size})") for a in names]


def stage_arrays(scheme, size="N_STATES", noise=False, fused=None):
    """:func:`stage_allocs` as lines of a kernel body."""
    return render_lines(stage_allocs(scheme, size, noise, fused), 4)


def rk_step(scheme, stage, x="x", size="N_STATES", noise=False, last=()):
    """One step of a multi-stage scheme: ``stage(s, xin, c)`` gives the
    statements evaluating stage ``s`` at array ``xin`` and time coefficient
    ``c``; between stages ``tmp`` is the stage input, and the step writes
    ``x`` (``last``: extra statements inside that final loop)."""
    tab = scheme.tableau
    L = []
    for s in range(tab.stages):
        if s:
            L.append(For("i", (size,), [Assign(Item("tmp", "i"),
                                               combination(tab.a[s], x, noise=noise))]))
        L += stage(s, x if s == 0 else "tmp", tab.c[s])
    L.append(For("i", (size,), [Assign(Item(x, "i"), combination(tab.b, x, noise=noise)),
                                *last]))
    return L


def rk_stage_loop(scheme, stage, x="x", size="N_STATES"):
    """One step of a multi-stage scheme with the stage's statements written
    once, in a loop over the stages: the allocations and the step.

    Each pass sets the stage's input in ``tmp`` (a copy of ``x`` for the
    first stage) and its time ``t_s`` in a branch on the stage index ``stg``,
    printed as :func:`rk_step` prints them, then runs ``stage("tmp", "ko")``,
    the statements evaluating the drift at ``tmp`` into ``K[ko + <state>]``;
    ``K`` holds the stages one after the other (``ko = stg * size``).  The
    arithmetic is :func:`rk_step`'s, operation for operation, so the results
    are the same bit for bit.

    numba types and lowers the model once instead of once per stage: the
    demo's ``run_rk4`` (Hodgkin-Huxley and a Wilson-Cowan pair) compiled in
    ~1.8 s CPU instead of ~3.0 (issue 17).  No array is rebound in the loop
    (rebinding ``xin = x`` / ``xin = tmp`` per stage cost 3 % of the warm
    Hodgkin-Huxley step in reference counts); the copy costs nothing measurable.

    Examples
    --------
    >>> from nbblox.compile.ir import render
    >>> from nbblox.compile.schemes import HEUN
    >>> pre, step = rk_stage_loop(HEUN, lambda xin, ko: [
    ...     Assign(Item("K", f"{ko} + i"), f"-{xin}[i]")], size=1)
    >>> print(render(pre + step))
    K = np.empty(2 * 1)
    tmp = np.empty(1)
    for stg in range(2):
        ko = stg * 1
        if stg == 0:
            for i in range(1):
                tmp[i] = x[i]
            t_s = t
        else:
            for i in range(1):
                tmp[i] = x[i] + dt * K[i]
            t_s = t + dt
        K[ko + i] = -tmp[i]
    for i in range(1):
        x[i] = x[i] + dt / 2.0 * (K[i] + K[1 + i])
    """
    tab = scheme.tableau
    n = tab.stages
    ks = ["K[i]"] + [f"K[{size} + i]" if j == 1 else f"K[{j} * {size} + i]"
                     for j in range(1, n)]
    branches = []
    for s in range(n):
        new = combination(tab.a[s], x, stages=ks[:s]) if s else f"{x}[i]"
        branches.append((f"stg == {s}", [For("i", (size,), [Assign(Item("tmp", "i"), new)]),
                                         Assign("t_s", stage_time(tab.c[s]))]))
    pre = [Assign("K", f"np.empty({n} * {size})"), Assign("tmp", f"np.empty({size})")]
    loop = For("stg", (n,), [Assign("ko", f"stg * {size}"),
                             If(branches[:-1], branches[-1][1]), *stage("tmp", "ko")])
    return pre, [loop, For("i", (size,), [Assign(Item(x, "i"), combination(tab.b, x,
                                                                           stages=ks))])]


def instance_rk_step(scheme, S, stage, used=None):
    """One step of a multi-stage scheme for *one* instance, every stage in
    scalars: the fused form of :func:`rk_step` for loops whose instances do
    not interact (a lockstep block without coupling), so that one pass over
    the instances does the whole step and LLVM vectorises it across them.

    ``S`` are the state symbols a stage reads (``s<k>``); the step's start
    values are in ``xs_<k>`` and stage ``s`` must leave its derivatives in
    ``k<s+1>_<k>`` (``stage(s, c)``: its statements, ``c`` its time
    coefficient).  ``used``: the symbols the stages read (the others are not
    set).  Returns the statements and the text of each state's new value.
    Each stage input and the new state are :func:`combination` of the
    tableau, printed as :func:`rk_step` prints them with scalars for array
    items, so the arithmetic is the same, operation for operation.

    Examples
    --------
    >>> from nbblox.compile.ir import Assign, render
    >>> from nbblox.compile.schemes import HEUN
    >>> body, new = instance_rk_step(HEUN, ["s0"], lambda s, c: [
    ...     Assign(f"k{s + 1}_0", "-s0")])
    >>> print(render(body))
    s0 = xs_0
    k1_0 = -s0
    s0 = xs_0 + dt * k1_0
    k2_0 = -s0
    >>> new
    ['xs_0 + dt / 2.0 * (k1_0 + k2_0)']
    """
    tab = scheme.tableau
    L = []
    for s in range(tab.stages):
        L += [Assign(sk, combination(tab.a[s], "xs", k, item="{}_{}"))
              for k, sk in enumerate(S) if used is None or sk in used]
        L += stage(s, tab.c[s])
    return L, [combination(tab.b, "xs", k, item="{}_{}") for k in range(len(S))]


def rk_lines(scheme, stage, x="x", size="N_STATES", noise=False, last=()):
    """:func:`rk_step` as lines at the depth of a time loop's body, for a
    ``stage`` that gives lines."""
    verb = lambda lines: [Verbatim(ln) for ln in lines]
    return render_lines(rk_step(scheme, lambda s, xin, c: verb(stage(s, xin, c)), x, size,
                                noise, verb(last)), 8)


def clip_step(layout, exs):
    """Declared state bounds (``clip=``), applied to ``x`` after a step; a NaN
    stays NaN (both comparisons are false), so divergence is still caught."""
    L = []
    for g, ex in zip(layout.groups, exs):
        for k, lo, hi in ex["clip"]:
            body = []
            if lo != float("-inf"):
                body.append(If([(f"x[i] < {lo!r}", [Assign("x[i]", f"{lo!r}")])]))
            if hi != float("inf"):
                body.append(If([(f"x[i] > {hi!r}", [Assign("x[i]", f"{hi!r}")])]))
            L.append(For("i", (g.x(k, 0), g.x(k, 0) + g.n), body))
    return L


def clip_lines(layout, exs, indent=8):
    """:func:`clip_step` as lines at ``indent``."""
    return render_lines(clip_step(layout, exs), indent)
