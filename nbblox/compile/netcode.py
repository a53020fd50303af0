"""Generate the ``run_<method>_full`` kernels: fixed-step loops with white
noise, delayed continuous coupling, spike events and event-driven synapses.

One loop step (time t -> t + dt), in Brian2's order:

1. integrate (stage 1 also stores the outputs in the delay history);
2. refractory neurons: held states keep their value (see
   :func:`nbblox.compile.codegen.group_expressions` for which are held);
   all others keep integrating; the spike condition is not tested while
   refractory (single-stage schemes do this in their integration pass, as a
   select);
3. every spiking neuron's condition is tested (all groups first); a spike
   found in the step that starts at t is stamped t;
4. delayed spike effects due now are added (ring buffer), then each new
   spike is propagated through its projections' CSR rows (zero delay:
   ``on_pre`` applied at once; delayed by d: the increment goes into the
   ring, to arrive in the step that starts at t + d, after its thresholds);
5. spiking neurons are reset and become refractory.

This is Brian2's schedule (state update, thresholds, synapses, resets): a
spike at t reaches its target in the step at t + d, which can fire at the
earliest at t + d + dt.

The cost of 4 grows with the number of spikes times the fan-out, never
with n^2.  The kernel stops *before* a step whose spikes might not fit the
spike buffer and returns status -2; the caller drains the buffer and calls
again from that step (all state lives in the arguments), so nothing is ever
written out of bounds.  Noise uses a counter-based generator: the normal
deviate of state slot ``i`` at step ``s`` depends only on ``(seed, s, i)``,
so runs are bit-for-bit reproducible, also across resumed calls.

The kernels are statements of :mod:`nbblox.compile.ir`, printed once by
:func:`nbblox.compile.codegen.generate_source`.
"""
from __future__ import annotations

import sympy as sp

from ..model.symbolic import rand
from .arrays import KernelArrays
from . import delays as dense_dl  # sweepfast: the dense delayed path
from .emit import (cse_assign, fused_exprs, loads, output_lines, output_passes, phi_preamble,
                   plan_stmt, sum_lines, zero_safe)
from .expressions import reads_inputs
from .hoist import Hoist
from .ir import Assign, Blank, For, Func, If, Item, Off, Return, pycode
from .schemes import SCHEMES, applicable
from .steps import clip_step, rk_step, stage_allocs
from .plastcode import depress_lines, post_lines, pre_lines, sync_lines
from .uniform import split_uniform

__all__ = ["full_kernels"]

#: the kernel signature: the fields of the structure the caller builds
_SIG = KernelArrays._fields


def _delayed_sum(inner):
    """u[a] += the delayed edges into a, each edge's value ``val`` read by ``inner``."""
    return For("a", ("N_INPUTS",), [
        Assign("acc", "0.0"),
        For("e", ("dptr[a]", "dptr[a + 1]"), inner + [Assign("acc", "dw[e] * val", "+=")]),
        Assign("u[a]", "acc", "+=")])


def _couple(layout, exs, xn, cpos, stage1):
    """Outputs, then the inputs: undelayed edges summed per target (dense
    or CSR, :mod:`nbblox.compile.plan`), plus the delayed ones read from the
    history (whole-step delays: one row read, no interpolation, at cpos 0).

    With outputs that read inputs and delayed edges, every pass of
    :func:`output_passes` stores its outputs (stage 1) and sums the delayed
    edges too, so an output reads its whole input; at step 0 the history is
    the pass's own outputs (rows before t0 hold the initial output).
    """
    sums = sum_lines("cmode", "cptr", "csrc", "cw", "WD", "a0", "b0")
    # history before t0 is the initial output: fill every row at step 0
    store = ([Assign("hrow", "step % H"),
              For("r", ("H if step == 0 else 1",), [
                  For("ii", ("N_OUTPUTS",), [Assign("hist[hrow + r, ii]", "o[ii]")])])]
             if stage1 else [])
    dense = dense_dl.emitted(layout)  # sweepfast: dense delayed path (compile/delays.py)
    store += dense_dl.store_stmts() if stage1 and dense else []
    reads = reads_inputs(exs)
    if reads and layout.has_delays:   # bugs2: the delayed sums in every pass
        return output_passes(layout, exs, xn, store + sums + _delayed_sums(cpos, dense))
    if reads:              # outputs that read inputs: store them once settled
        L = output_passes(layout, exs, xn, sums) + store
    else:                  # the kernel as it always was
        L = output_lines(layout, exs, xn) + store + sums
    return L + _delayed_sums(cpos, dense) if layout.has_delays else L


def _delayed_sums(cpos, dense):
    """u += the delayed edges, read from the history ring (see :func:`_couple`)."""
    wrap = [Assign("row", "H", "+=")]
    general = [
        Assign("pos", f"step + {cpos!r} - dd[e]"),
        If([("pos < 0.0", [Assign("pos", "0.0")])]),
        Assign("kf", "math.floor(pos)"),
        Assign("fr", "pos - kf"),
        # ring row of step kk without an integer division: kk is within
        # H - 1 steps of the current step, whose row is hrow
        Assign("row", "hrow - (step - int(kf))"),
        If([("row < 0", wrap)]),
        Assign("val", "hist[row, dsrc[e]]"),
        If([("fr > 0.0", [Assign("row", 1, "+="), If([("row == H", [Assign("row", 0)])]),
                          Assign("val", "(1.0 - fr) * val + fr * hist[row, dsrc[e]]")])])]
    if cpos != 0.0:
        return [If([("ndly > 0", [_delayed_sum(general)])])]
    whole = [  # the value stored at step - dk (rows before t0 hold step 0's)
        Assign("row", "hrow - dk[e]"), If([("row < 0", wrap)]),
        Assign("val", "hist[row, dsrc[e]]")]
    return [If([dense_dl.read_branch()] * dense + [("ndly > 0 and dint", [_delayed_sum(whole)]),
                ("ndly > 0", [_delayed_sum(general)])])]


def _stage(layout, exs, xn, kn, gn, cpos, stage1, scheme=None, hz=None):
    """One stage: dx -> kn (and diffusion -> gn).  With a single-stage
    ``scheme`` (Euler), fused: write its new state (x + dt*f + g*dW) straight
    back into x, one pass over memory instead of three (each instance reads
    only its own states and inputs)."""
    fused = scheme is not None
    L = [Assign("t_s", f"t + {cpos!r} * dt")]
    if layout.src.size:
        L += _couple(layout, exs, xn, cpos, stage1)
    for gi, (g, ex) in enumerate(zip(layout.groups, exs)):
        if not ex["f"]:
            continue
        noisy = ([k for k, gk in enumerate(ex["g"]) if gk != 0]
                 if (gn or (fused and layout.has_noise)) else [])
        if fused:
            exprs = fused_exprs(scheme, g, ex, noisy, gi)
            tg = [f"n{k}" for k in range(len(ex["f"]))]
            B = loads(g, ex, exprs + ex["S"]) + cse_assign(tg, exprs)
            B = hz.apply(gi, g, B) if hz is not None else B
            if _holds(g, ex):  # step 2 in this pass: a select, the loop stays SIMD
                B.append(Assign("rf", f"step < refr[{g.xoff} + i]"))
                B += [Assign(f"n{k}", f"hold[{g.x(k, 0)} + i] if rf else n{k}")
                      for k in ex["held"]]
            B += [Assign(Item("x", Off(g.x(k, 0))), f"n{k}") for k in range(len(ex["f"]))]
            # x - x != 0 only for NaN/inf: a vectorisable check, no extra pass
            B.append(Assign("bad", "bad | " + " | ".join(f"({t} - {t} != 0.0)" for t in tg)))
            L.append(For("i", (g.n,), B))
            continue
        exprs = [zero_safe(e) for e in ex["f"]] + [ex["g"][k] for k in noisy]
        tg = [Item(kn, Off(g.x(k, 0))) for k in range(len(ex["f"]))]
        tg += [Item(gn, Off(g.x(k, 0))) for k in noisy]
        B = loads(g, ex, exprs, xn) + cse_assign(tg, exprs)
        L.append(For("i", (g.n,), hz.apply(gi, g, B) if hz is not None else B))
    return L


_BAD = Assign("bad", "bad | (x[i] - x[i] != 0.0)")


def _scheme(layout, exs, scheme, hz=None):
    """Integration part of a loop step (step 1 of the module docstring)."""
    noise = layout.has_noise
    if scheme.fused:
        return _stage(layout, exs, "x", "k1", None, 0.0, True, scheme=scheme, hz=hz)
    stage = lambda s, xin, c: _stage(layout, exs, xin, f"k{s + 1}",
                                     f"g{s + 1}" if noise else None, float(c), s == 0, hz=hz)
    return rk_step(scheme, stage, noise=noise, last=[_BAD])


def _noise_lines(layout, exs):
    L = []
    for g, ex in zip(layout.groups, exs):
        for k, gk in enumerate(ex["g"]):
            if gk != 0:
                base = g.x(k, 0)
                L.append(For("i", (base, base + g.n), [
                    Assign("dW[i]", "sq * gauss(seed, step * N_STATES + i)")]))
    return L


def _apply_effects(H, exh, effects, idx, ring_row=None, load_w=True):
    """Statements applying on_pre statements to target instance ``idx``
    (``load_w``: read the synapse's weight, else ``w_syn`` is set)."""
    wsym = sp.Symbol("w_syn", real=True)
    user = H.btype.symbols
    rename = {user[n]: s for n, s in zip(H.btype.states, exh["S"])}
    rename.update({user[n]: q for n, q in zip(H.btype.params, exh["Q"])})
    rename[sp.Symbol("w", real=True)] = wsym
    L = [Assign("w_syn", "syn_w[kk]")] if load_w else []
    if ring_row is not None:  # delayed: state-independent increments into the ring
        for target, expr in effects:
            k = H.btype.states.index(target)
            inc = sp.expand(expr - sp.Symbol(target, real=True)).xreplace(rename)
            L += loads(H, exh, [inc], idx=idx)
            L.append(Assign(f"ring[{ring_row}, {H.x(k, 0)} + {idx}]", inc, "+="))
        return L
    exprs = [e.xreplace(rename) for _, e in effects]
    L += loads(H, exh, exprs, idx=idx)
    for (target, _), e in zip(effects, exprs):
        k = H.btype.states.index(target)
        L += [Assign(f"s{k}", e), Assign(f"x[{H.x(k, 0)} + {idx}]", f"s{k}")]
    return L


def _holds(g, ex):
    """Whether group ``g`` has states held while refractory."""
    return g.btype.spike is not None and g.btype.refractory is not None and bool(ex["held"])


def _when_refractory(g, stmts):
    return For("i", (g.n,), [If([(f"step < refr[{g.xoff} + i]", stmts)])])


def _each_spike(lo, hi, stmts):
    """For each new spike with global id in [lo, hi): ``stmts``."""
    return For("qq", ("nstart", "nspk"), [Assign("gid", "spk_i[qq]"),
                                          If([(f"gid >= {lo} and gid < {hi}", stmts)])])


def _propagate(layout, exs, ri, r):
    """Step 4 for the new spikes of rule ``r``: its CSR rows."""
    groups = layout.groups
    H, A = groups[r.g_post], groups[r.g_pre].soff + r.a

    def row(load_w):
        inner = [Assign("post", "syn_post[kk]")]
        if r.plastic == "rstdp":  # bring w up to date before the effect reads it
            inner += sync_lines(r)
        eff = lambda *a: _apply_effects(H, exs[r.g_post], r.effects, *a, load_w=load_w)
        if r.delayed:
            inner += [Assign("nd", "int(syn_d[kk])"),
                      If([("nd == 0", eff("post"))],
                         [Assign("rrow", "(step + nd) % D")] + eff("post", "rrow"))]
        else:
            inner += eff("post")
        if r.plastic:  # after the effect, which used the weight before this spike
            inner += depress_lines(r)
        return For("kk", ("syn_ptr[row]", "syn_ptr[row + 1]"), inner)

    hit = [Assign("row", f"{r.ptr_off} + gid - {A}")]
    if r.plastic:
        return _each_spike(A, A + r.n_pre, hit + pre_lines(r, f"gid - {A}") + [row(True)])
    # fixed weights all equal (checked per call, see _weight_lines): no
    # per-synapse weight load, half the memory traffic of a spike's row
    return _each_spike(A, A + r.n_pre, hit + [
        If([(f"wq{ri}", [Assign("w_syn", f"wu{ri}"), row(False)])], [row(True)])])


def _spike_lines(layout, exs, held_done=False):
    """Steps 2-5 of a loop step; ``held_done``: the fused Euler pass has
    already applied the refractory hold (step 2)."""
    groups = layout.groups
    spiking = [(gi, g) for gi, g in enumerate(groups) if g.btype.spike is not None]
    if not spiking:
        return []
    # Brian2's schedule: a spike found in the step that starts at t is stamped t
    L = [Assign("tn", "t")]
    for gi, g in spiking:  # refractory hold
        ex = exs[gi]
        if _holds(g, ex) and not held_done:
            L.append(_when_refractory(g, [Assign(f"x[{g.x(k, 0)} + i]", f"hold[{g.x(k, 0)} + i]")
                                          for k in ex["held"]]))
    L.append(Assign("nstart", "nspk"))
    for gi, g in spiking:  # thresholds, all groups before any effect
        ex = exs[gi]
        B = loads(g, ex, [ex["spike"]])
        if ex["spike"].has(rand):  # rand() draws are keyed on (seed, step, gid)
            B.append(Assign("gid", f"{g.soff} + i"))
        # the condition (pure: rand() is keyed, not drawn) first: it is rarely
        # true, so the branch predicts well; the refractory test only then
        cond = pycode(ex["spike"])
        if g.btype.refractory is not None:
            cond = f"({cond}) and not (step < refr[{g.xoff} + i])"
        B.append(If([(cond, [Assign("spk_i[nspk]", f"{g.soff} + i"), Assign("spk_t[nspk]", "tn"),
                             Assign("nspk", 1, "+=")])]))
        L.append(For("i", (g.n,), B))
    # delayed effects due in this step arrive after its thresholds (Brian2's
    # synapses slot): a spike at t with delay d can make its target fire at t + d + dt
    targets = sorted({(r.g_post, groups[r.g_post].btype.states.index(t))
                      for r in layout.rules if r.delayed for t, _ in r.effects})
    if targets:
        L.append(Assign("arow", "step % D"))
        for gp, k in targets:
            base = groups[gp].x(k, 0)
            L.append(For("i", (base, base + groups[gp].n), [
                Assign("x[i]", "ring[arow, i]", "+="), Assign("ring[arow, i]", "0.0")]))
    L += [_propagate(layout, exs, ri, r) for ri, r in enumerate(layout.rules)]
    L += post_lines(layout, groups)
    for gi, g in spiking:  # Brian2's form: input to a held state during refractoriness stays
        ex = exs[gi]
        if (_holds(g, ex) and g.btype.refractory_hold == "marked"
                and any(r.g_post == gi for r in layout.rules)):
            L.append(_when_refractory(g, [Assign(f"hold[{g.x(k, 0)} + i]", f"x[{g.x(k, 0)} + i]")
                                          for k in ex["held"]]))
    for gi, g in spiking:  # resets
        L.append(_each_spike(g.soff, g.soff + g.n, _reset(g, gi, exs[gi])))
    return L


def _reset(g, gi, ex):
    """Step 5 for spiking instance ``i`` of group ``gi``."""
    B = [Assign("i", f"gid - {g.soff}")]
    B += loads(g, ex, [e for _, e in ex["reset"]] + [ex["spike"]])
    for k, e in ex["reset"]:
        B += [Assign(f"s{k}", e), Assign(f"x[{g.x(k, 0)} + i]", f"s{k}")]
    if g.btype.refractory is not None:
        B.append(Assign(f"refr[{g.xoff} + i]", f"step + tref[{gi}]"))
        return B + [Assign(f"hold[{g.x(k, 0)} + i]", f"x[{g.x(k, 0)} + i]") for k in ex["held"]]
    # still above threshold right after the reset: it would fire every step
    return B + loads(g, ex, [ex["spike"]]) + [
        If([(pycode(ex["spike"]), [Return(("step + 1", -100 - gi, "j", "nspk"))])])]


def _weight_lines(layout):
    """Kernel preamble: for each non-plastic rule, whether all its weights
    are equal, bit for bit (``wq<r>``: then adding the one value ``wu<r>``
    computes exactly what loading each weight would).  Per call: a callback
    may change weights between calls.  One OR over the bit differences with
    no early exit, so the loop vectorises (the compare-and-break loop with
    ``copysign`` cost ~0.3 ms per call for COBA's 320 000 synapses)."""
    L = []
    for ri, r in enumerate(layout.rules):
        if r.plastic:
            continue
        L += [Assign(f"wq{ri}", "False"), Assign(f"wu{ri}", "0.0"),
              Assign("lo", f"syn_ptr[{r.ptr_off}]"), Assign("hi", f"syn_ptr[{r.ptr_off + r.n_pre}]"),
              If([("hi > lo", [
                  Assign(f"wu{ri}", "syn_w[lo]"), Assign("wbits", "syn_w.view(np.int64)"),
                  Assign("wfirst", "wbits[lo]"), Assign("wdiff", "0"),
                  For("kk", ("lo", "hi"), [Assign("wdiff", "wbits[kk] ^ wfirst", "|=")]),
                  Assign(f"wq{ri}", "wdiff == 0")])])]
    return L


def _full_kernel(layout, exs, scheme, wlines, spikes):
    """``run_<scheme>_full``: the loop of the module docstring."""
    noise = layout.has_noise
    hz = Hoist()
    body = ((_noise_lines(layout, exs) if noise else []) + _scheme(layout, exs, scheme, hz)
            + clip_step(layout, exs))
    arrays = stage_allocs(scheme, noise=noise)
    if noise and scheme.fused:
        arrays = [Assign("dW", "np.zeros(N_STATES)")]
    record = lambda col: For("r", ("rec.shape[0]",), [Assign(f"out_x[r, {col}]", "x[rec[r]]")])
    # the finite check must precede spike handling only to name a state;
    # spikes are processed first so a reset can bring V back in range
    loops, upre = split_uniform(body + spikes, layout)
    step = [If([("nspk + N_SPIKING > spk_i.shape[0]", [Return(("step", -2, "j", "nspk"))])]),
            Assign("t", "t0 + step * dt"), Assign("bad", "False"), *loops,
            If([("bad", [For("i", ("N_STATES",), [If([("not math.isfinite(x[i])", [
                Return(("step + 1", "i", "j", "nspk"))])])])])]),
            If([("(step + 1) % stride == 0", [Assign("out_t[j]", "t0 + (step + 1) * dt"),
                                               record("j"), Assign("j", 1, "+=")])])]
    pre = arrays + [
        Assign("u", "np.zeros(N_INPUTS)"), Assign("o", "np.zeros(N_OUTPUTS)"),
        Assign("uw_, us_, ud_, dptr, dsrc, dw, dk, dd, dint",
               "delay_plan(w, src, dst, dls, np.int64(N_INPUTS))"),
        Assign("ndly", "dsrc.shape[0]"),
        plan_stmt("uw_", "us_", "ud_"),
        *hz.preamble(), *upre, *phi_preamble(layout, exs, scheme), *wlines,
        Assign("H", "hist.shape[0]"), *[dense_dl.plan_stmt()] * dense_dl.emitted(layout),
        Assign("D", "ring.shape[0]"), Assign("sq", "math.sqrt(dt)"),
        Assign("j", "j0"), Assign("nspk", "nspk0"),
        If([("step0 == 0", [Assign("out_t[0]", "t0"), record(0), Assign("j", 1)])]),
        For("step", ("step0", "nsteps"), step), Return(("nsteps", -1, "j", "nspk"))]
    return Func(f"run_{scheme.name}_full", _SIG, pre)


def full_kernels(layout, exs):
    """Module items (:mod:`nbblox.compile.ir`) of ``run_<m>_full`` for every
    scheme in :data:`nbblox.compile.schemes.SCHEMES` (with noise: those that
    integrate it)."""
    M = [dense_dl.import_item()] * dense_dl.emitted(layout) + [
        Assign("N_SPIKING", layout.n_spiking), Blank()]
    noise = layout.has_noise
    wlines = _weight_lines(layout)
    spikes = {False: _spike_lines(layout, exs), True: _spike_lines(layout, exs, True)}
    for scheme in SCHEMES:
        if ("numba" not in scheme.backends or (noise and not scheme.noise)
                or not applicable(scheme, exs)):
            continue
        M += [Blank(), _full_kernel(layout, exs, scheme, wlines, spikes[scheme.fused]), Blank()]
    return M
