"""Statement builders shared by the kernel generators (:mod:`nbblox.compile.ir`
statements): the loads of a group's instance, CSE'd assignments, the outputs
and input sums of a stage, the single-stage update and the ``exact``
scheme's phi1 preamble.

:mod:`~nbblox.compile.codegen` (``rhs``, ``jac``, ``run_<m>``),
:mod:`~nbblox.compile.netcode` (``run_<m>_full``) and
:mod:`~nbblox.compile.sensitivity` build on these; this module imports none
of them, so the generators form one direction (codegen -> netcode -> emit).
"""
from __future__ import annotations

import sympy as sp

from ..model.symbolic import interp
from .expressions import reads_inputs
from .ir import (COUPLING_SUMS, DENSE_PRODUCT, EDGE_PLAN, Assign, Expr, For, If, Item, Load, Off, Site,
                 Temp, rewrite)
from .schemes import fused_update, linear_parts

__all__ = ["cse_assign", "loads", "zero_safe", "output_lines", "output_passes", "settle_count",
           "PLAN", "plan_stmt", "sum_lines", "csr_only", "fused_exprs", "phi_preamble", "DT"]


#: ``sp.cse`` of an expression list: a kernel module CSEs each group's
#: expressions once per stage and per kernel; the result depends on the
#: expressions only (temporaries are numbered from c0 on every call)
_cse_done = {}
_CSE_MAX = 512


def cse_assign(targets, exprs):
    """CSE'd assignments ``target = expr`` (targets: expressions of :mod:`.ir`)."""
    key = tuple(exprs)
    got = _cse_done.get(key)
    if got is None:
        got = sp.cse(exprs, symbols=sp.numbered_symbols("c"), optimizations=None)
        if len(_cse_done) >= _CSE_MAX:
            _cse_done.clear()
        _cse_done[key] = got
    repl, reduced = got
    return [Temp(sym, e) for sym, e in repl] + [Assign(t, e) for t, e in zip(targets, reduced)]


def loads(g, ex, exprs, xn="x", idx="i"):
    """Loads of the states (from array ``xn``), parameters and inputs the
    ``exprs`` of group ``g`` read, for instance index ``idx``."""
    used = set().union(*(e.free_symbols for e in exprs)) if exprs else set()
    n = g.n
    out = [Load(s, xn, g.xoff + k * n, idx) for k, s in enumerate(ex["S"]) if s in used]
    # interp() reads its table from p: it needs the slots of three parameters
    addr = {a for e in exprs for f in e.atoms(interp) for a in f.args[1:4]}
    for j, q in enumerate(ex["Q"]):
        if q in used:
            out.append(Load(q, "p", g.poff + j * n, idx))
        if q in addr:
            out.append(Assign(f"a{j}", Off(g.poff + j * n, idx)))
    out += [Load(u, "u", g.uoff + m * n, idx) for m, u in enumerate(ex["U"]) if u in used]
    return out


def zero_safe(expr):
    return expr if expr != 0 else sp.Float(0.0)


def output_lines(layout, exs, xn, hz=None, only=None):
    """Every blox's outputs into o[], read from state array ``xn``
    (``hz``: a :class:`~nbblox.compile.hoist.Hoist` for a time loop;
    ``only``: just these group indices)."""
    L = []
    for gi, (g, ex) in enumerate(zip(layout.groups, exs)):
        if ex["out"] and (only is None or gi in only):
            B = loads(g, ex, ex["out"], xn)
            tg = [Item("o", Off(g.ooff + q * g.n)) for q in range(len(ex["out"]))]
            B += cse_assign(tg, [zero_safe(e) for e in ex["out"]])
            L.append(For("i", (g.n,), hz.apply(gi, g, B) if hz is not None else B,
                         f"outputs of group {gi}"))
    return L


def output_passes(layout, exs, xn, sums, hz=None):
    """Outputs and input sums of one stage, in dependency order.

    Without outputs that read inputs: every output, then ``sums`` (the
    statements that sum the inputs), the kernel as it always was.  With
    them, as the reference backend (``ReferenceKernels.couple``): the
    inputs at 0, every output, the sums, then :func:`settle_count` times
    those groups' outputs again and the sums, so an output reads its
    inputs at this stage's state, not the previous stage's.
    """
    reads = reads_inputs(exs)
    L = [For("ii", ("N_INPUTS",), [Assign("u[ii]", "0.0")])] if reads else []
    L += output_lines(layout, exs, xn, hz) + sums
    for _ in range(settle_count(layout, reads)):
        L += output_lines(layout, exs, xn, hz, only=reads) + sums
    return L


def settle_count(layout, reads):
    """Passes after the first that settle the outputs reading inputs: one
    per group of them (``reads``, :func:`reads_inputs`: a chain through
    different groups is never longer), more for a longer chain within one
    group (``layout.out_passes``, :mod:`nbblox.compile.settle`)."""
    return max(len(reads), layout.out_passes) if reads else 0


def plan_stmt(w="w", src="src", dst="dst"):
    """The coupling plan of edges ``w, src, dst`` at a loop's entry, as the
    site :data:`~nbblox.compile.ir.EDGE_PLAN`: ``edge_plan`` (mode, CSR and
    dense window), or, in the CSR-only text (:func:`csr_only`), ``csr_plan``
    (the CSR alone: numba compiles a third as much on an empty cache).  The
    input count is passed as ``np.int64``: the module constant alone would be
    typed as a literal, one compiled signature of the helper per circuit size."""
    n_in = "np.int64(N_INPUTS)"
    full = Assign("cmode, cptr, csrc, cw, WD, a0, b0", f"edge_plan({w}, {src}, {dst}, {n_in})")
    csr = Assign("cptr, csrc, cw", f"csr_plan({w}, {src}, {dst}, {n_in})")
    return Site(EDGE_PLAN, [full], {"csr": [csr]})


PLAN = plan_stmt()


def sum_lines(mode, ptr, csrc, cw, WD, a0, b0):
    """u[a] = sum of weight * output over a's edges (dense or CSR, by the
    plan's ``mode`` at run time), marked as the site
    :data:`nbblox.compile.ir.COUPLING_SUMS` (:func:`csr_only` keeps the CSR
    branch); the dense window's product is the site
    :data:`nbblox.compile.ir.DENSE_PRODUCT`."""
    zero = [Assign("u[a]", "0.0")]
    product = For("a", (f"{WD}.shape[0]",), [
        Assign("acc", "0.0"),
        For("b", (f"{WD}.shape[1]",), [Assign("acc", f"{WD}[a, b] * o[{b0} + b]", "+=")]),
        Assign(f"u[{a0} + a]", "acc")])
    dense = [For("a", (a0,), zero),
             For("a", (f"{a0} + {WD}.shape[0]", "N_INPUTS"), zero),
             # u[a0:] = WD @ o[b0:]: the fast-math variant has its own form of it
             Site(DENSE_PRODUCT, [product], {"W": WD, "a0": a0, "b0": b0})]
    csr = [For("a", ("N_INPUTS",), [
        Assign("acc", "0.0"),
        For("e", (f"{ptr}[a]", f"{ptr}[a + 1]"), [Assign("acc", f"{cw}[e] * o[{csrc}[e]]", "+=")]),
        Assign("u[a]", "acc")])]
    return [Site(COUPLING_SUMS, [If([(f"{mode} == 2", dense)], csr)], {"csr": csr})]


def csr_only(stmts):
    """``stmts`` with every :data:`~nbblox.compile.ir.COUPLING_SUMS` site
    reduced to its CSR branch and every :data:`~nbblox.compile.ir.EDGE_PLAN`
    to ``csr_plan``: a kernel text for a layout whose plan would not use a
    dense window (numba then neither types nor compiles that branch, nor
    ``edge_plan``).  Right for any edge list: :func:`nbblox.compile.plan.edge_plan`
    returns the CSR arrays in both modes, and the two branches add the same
    terms in the same order.  ``stmts`` is not changed.

    Examples
    --------
    >>> from nbblox.compile.ir import render
    >>> both = sum_lines("cmode", "cptr", "csrc", "cw", "WD", "a0", "b0")
    >>> "cmode == 2" in render(both), "cmode" in render(csr_only(both))
    (True, False)
    """
    return rewrite(stmts, lambda st: st.data["csr"] if isinstance(st, Site)
                   and st.name in (COUPLING_SUMS, EDGE_PLAN) else None)


def fused_exprs(scheme, g, ex, noisy=(), gi=0):
    """New values of group ``gi``'s states after one step of a single-stage
    scheme (:func:`nbblox.compile.schemes.fused_update`), in the local
    symbols: ``s + dt*f`` (plus ``g dW`` for the states in ``noisy``); the
    ``exact`` scheme reads phi1(dt A) from ``ph<gi>`` (:func:`phi_preamble`)."""
    dW = {k: sp.Symbol(f"dW[{g.x(k, 0)} + i]", real=True) for k in noisy}
    ns = len(ex["S"])
    phi = lambda k, l: sp.Symbol(f"ph{gi}[{ns * ns} * i + {k * ns + l}]", real=True)
    return fused_update(scheme, ex, DT, dW, phi)


def phi_preamble(layout, exs, scheme):
    """Statements computing ``ph<gi>`` = phi1(dt A) of every instance of
    every group, once per call (``exact``: A depends on parameters only)."""
    if scheme.linear_part != "constant":
        return []
    L = []
    for gi, (g, ex) in enumerate(zip(layout.groups, exs)):
        ns = len(ex["S"])
        if not ns:
            continue
        A = linear_parts(scheme, ex)[0]
        exprs = [DT * A[k][l] for k in range(ns) for l in range(ns)]
        B = loads(g, ex, exprs) + cse_assign([f"ma{gi}[{r}]" for r in range(ns * ns)],
                                         [zero_safe(e) for e in exprs])
        B.append(Expr(f"phi1(ma{gi}, {ns}, ph{gi}, {ns * ns} * i)"))
        L += [Assign(f"ph{gi}", f"np.empty({g.n * ns * ns})"),
              Assign(f"ma{gi}", f"np.empty({ns * ns})"), For("i", (g.n,), B)]
    return L


DT = sp.Symbol("dt", real=True)
