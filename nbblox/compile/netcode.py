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
"""
from __future__ import annotations

import sympy as sp

from ..model.symbolic import rand
from . import delays as dense_dl
from .codegen import (_body, _loads, _output_lines, _sum_lines, _zero_safe, fused_exprs,
                      output_passes, phi_preamble, pycode)
from .expressions import reads_inputs
from .hoist import Hoist
from .schemes import SCHEMES, applicable
from .steps import clip_lines, rk_lines, stage_arrays
from .plastcode import depress_lines, post_lines, pre_lines, sync_lines

__all__ = ["full_kernels"]

_SIG = ("x, p, w, src, dst, dls, t0, dt, step0, nsteps, stride, rec, out_t, out_x, j0, "
        "seed, hist, refr, hold, tref, syn_ptr, syn_post, syn_w, syn_d, ring, spk_i, spk_t, "
        "nspk0, pl_par, pl_tr, pl_tl, rev_ptr, rev_pre, rev_syn, syn_c, syn_ct, pl_d")


def _idx_loads(g, ex, exprs, idx, indent):
    """Like _loads but for instance index variable ``idx``."""
    return [ln.replace("+ i]", f"+ {idx}]") for ln in _loads(g, ex, exprs, indent)]


def _couple(layout, exs, xn, cpos, stage1, indent):
    """Outputs, then the inputs: undelayed edges summed per target (dense
    or CSR, :mod:`nbblox.compile.plan`), plus the delayed ones read from the
    history (whole-step delays: one row read, no interpolation, at cpos 0)."""
    pad = " " * indent
    sums = _sum_lines(pad, "cmode", "cptr", "csrc", "cw", "WD", "a0", "b0")
    # history before t0 is the initial output: fill every row at step 0
    store = ([f"{pad}hrow = step % H",
              f"{pad}for r in range(H if step == 0 else 1):",
              f"{pad}    for ii in range(N_OUTPUTS):",
              f"{pad}        hist[hrow + r, ii] = o[ii]"] if stage1 else [])
    dense = dense_dl.emitted(layout)  # sweepfast: dense delayed path (compile/delays.py)
    store += dense_dl.store_lines(pad) if stage1 and dense else []
    if reads_inputs(exs):  # outputs that read inputs: store them once settled
        L = output_passes(layout, exs, xn, indent, sums) + store
    else:                  # the text as it always was
        L = _output_lines(layout, exs, xn, indent) + store + sums
    if not layout.has_delays:
        return L
    head = [f"{pad}    for a in range(N_INPUTS):", f"{pad}        acc = 0.0",
            f"{pad}        for e in range(dptr[a], dptr[a + 1]):"]
    tail = [f"{pad}            acc += dw[e] * val", f"{pad}        u[a] += acc"]
    p3 = pad + " " * 12
    general = [
        f"{p3}pos = step + {cpos!r} - dd[e]",
        f"{p3}if pos < 0.0:",
        f"{p3}    pos = 0.0",
        f"{p3}kf = math.floor(pos)",
        f"{p3}fr = pos - kf",
        # ring row of step kk without an integer division: kk is within
        # H - 1 steps of the current step, whose row is hrow
        f"{p3}row = hrow - (step - int(kf))",
        f"{p3}if row < 0:",
        f"{p3}    row += H",
        f"{p3}val = hist[row, dsrc[e]]",
        f"{p3}if fr > 0.0:",
        f"{p3}    row += 1",
        f"{p3}    if row == H:",
        f"{p3}        row = 0",
        f"{p3}    val = (1.0 - fr) * val + fr * hist[row, dsrc[e]]"]
    if cpos != 0.0:
        return L + [f"{pad}if ndly > 0:"] + head + general + tail
    whole = [  # the value stored at step - dk (rows before t0 hold step 0's)
        f"{p3}row = hrow - dk[e]",
        f"{p3}if row < 0:",
        f"{p3}    row += H",
        f"{p3}val = hist[row, dsrc[e]]"]
    first = dense_dl.read_lines(pad) + [f"{pad}elif ndly > 0 and dint:"] if dense else \
        [f"{pad}if ndly > 0 and dint:"]
    return L + (first + head + whole + tail
                + [f"{pad}elif ndly > 0:"] + head + general + tail)


def _stage(layout, exs, xn, kn, gn, cpos, stage1, indent, scheme=None, hz=None):
    """One stage: dx -> kn (and diffusion -> gn).  With a single-stage
    ``scheme`` (Euler), fused: write its new state (x + dt*f + g*dW) straight
    back into x, one pass over memory instead of three (each instance reads
    only its own states and inputs)."""
    fused = scheme is not None
    pad = " " * indent
    L = [f"{pad}t_s = t + {cpos!r} * dt"]
    if layout.src.size:
        L += _couple(layout, exs, xn, cpos, stage1, indent)
    for gi, (g, ex) in enumerate(zip(layout.groups, exs)):
        if not ex["f"]:
            continue
        noisy = ([k for k, gk in enumerate(ex["g"]) if gk != 0]
                 if (gn or (fused and layout.has_noise)) else [])
        if fused:
            exprs = fused_exprs(scheme, g, ex, noisy, gi)
            L.append(f"{pad}for i in range({g.n}):")
            B = _loads(g, ex, exprs + ex["S"], indent + 4)
            tg = [f"n{k}" for k in range(len(ex["f"]))]
            B += _body(tg, exprs, indent + 4)
            L += hz.apply(gi, g, B) if hz is not None else B
            if _holds(g, ex):  # step 2 in this pass: a select, the loop stays SIMD
                L.append(f"{pad}    rf = step < refr[{g.xoff} + i]")
                L += [f"{pad}    n{k} = hold[{g.x(k, 0)} + i] if rf else n{k}" for k in ex["held"]]
            L += [f"{pad}    x[{g.x(k, 0)} + i] = n{k}" for k in range(len(ex["f"]))]
            # x - x != 0 only for NaN/inf: a vectorisable check, no extra pass
            L.append(f"{pad}    bad = bad | " + " | ".join(f"({t} - {t} != 0.0)" for t in tg))
            continue
        exprs = [_zero_safe(e) for e in ex["f"]] + [ex["g"][k] for k in noisy]
        L.append(f"{pad}for i in range({g.n}):")
        B = [ln.replace("x[", f"{xn}[") for ln in _loads(g, ex, exprs, indent + 4)]
        tg = [f"{kn}[{g.x(k, 0)} + i]" for k in range(len(ex["f"]))]
        tg += [f"{gn}[{g.x(k, 0)} + i]" for k in noisy]
        B += _body(tg, exprs, indent + 4)
        L += hz.apply(gi, g, B) if hz is not None else B
    return L


_BAD = "            bad = bad | (x[i] - x[i] != 0.0)"


def _scheme(layout, exs, scheme, hz=None):
    """Integration part of a loop step (step 1 of the module docstring)."""
    noise = layout.has_noise
    if scheme.fused:
        return _stage(layout, exs, "x", "k1", None, 0.0, True, 8, scheme=scheme, hz=hz)
    stage = lambda s, xin, c: _stage(layout, exs, xin, f"k{s + 1}",
                                     f"g{s + 1}" if noise else None, float(c), s == 0, 8,
                                     hz=hz)
    return rk_lines(scheme, stage, noise=noise, last=[_BAD])


def _noise_lines(layout, exs):
    L = []
    for g, ex in zip(layout.groups, exs):
        for k, gk in enumerate(ex["g"]):
            if gk != 0:
                base = g.x(k, 0)
                L += [f"        for i in range({base}, {base + g.n}):",
                      "            dW[i] = sq * gauss(seed, step * N_STATES + i)"]
    return L


def _apply_effects(H, exh, effects, idx, indent, ring_row=None):
    """Code applying on_pre statements to target instance ``idx``."""
    pad = " " * indent
    wsym = sp.Symbol("w_syn", real=True)
    user = H.btype.symbols
    rename = {user[n]: s for n, s in zip(H.btype.states, exh["S"])}
    rename.update({user[n]: q for n, q in zip(H.btype.params, exh["Q"])})
    rename[sp.Symbol("w", real=True)] = wsym
    L = [f"{pad}w_syn = syn_w[kk]"]
    if ring_row is not None:  # delayed: state-independent increments into the ring
        for target, expr in effects:
            k = H.btype.states.index(target)
            inc = sp.expand(expr - sp.Symbol(target, real=True)).xreplace(rename)
            L += _idx_loads(H, exh, [inc], idx, indent)
            L.append(f"{pad}ring[{ring_row}, {H.x(k, 0)} + {idx}] += {pycode(inc)}")
        return L
    exprs = [e.xreplace(rename) for _, e in effects]
    L += _idx_loads(H, exh, exprs, idx, indent)
    for (target, _), e in zip(effects, exprs):
        k = H.btype.states.index(target)
        L.append(f"{pad}s{k} = {pycode(e)}")
        L.append(f"{pad}x[{H.x(k, 0)} + {idx}] = s{k}")
    return L


def _holds(g, ex):
    """Whether group ``g`` has states held while refractory."""
    return g.btype.spike is not None and g.btype.refractory is not None and bool(ex["held"])


def _spike_lines(layout, exs, held_done=False):
    """Steps 2-5 of a loop step; ``held_done``: the fused Euler pass has
    already applied the refractory hold (step 2)."""
    groups = layout.groups
    spiking = [(gi, g) for gi, g in enumerate(groups) if g.btype.spike is not None]
    if not spiking:
        return []
    # Brian2's schedule: a spike found in the step that starts at t is stamped t
    L = ["        tn = t"]
    for gi, g in spiking:  # refractory hold
        ex = exs[gi]
        if _holds(g, ex) and not held_done:
            L += [f"        for i in range({g.n}):",
                  f"            if step < refr[{g.xoff} + i]:"]
            L += [f"                x[{g.x(k, 0)} + i] = hold[{g.x(k, 0)} + i]" for k in ex["held"]]
    L.append("        nstart = nspk")
    for gi, g in spiking:  # thresholds, all groups before any effect
        ex = exs[gi]
        pad = " " * 12
        L.append(f"        for i in range({g.n}):")
        L += _loads(g, ex, [ex["spike"]], 12)
        if ex["spike"].has(rand):  # rand() draws are keyed on (seed, step, gid)
            L.append(f"{pad}gid = {g.soff} + i")
        # the condition (pure: rand() is keyed, not drawn) first: it is rarely
        # true, so the branch predicts well; the refractory test only then
        cond = pycode(ex["spike"])
        if g.btype.refractory is not None:
            cond = f"({cond}) and not (step < refr[{g.xoff} + i])"
        L += [f"{pad}if {cond}:", f"{pad}    spk_i[nspk] = {g.soff} + i",
              f"{pad}    spk_t[nspk] = tn", f"{pad}    nspk += 1"]
    # delayed effects due in this step arrive after its thresholds (Brian2's
    # synapses slot): a spike at t with delay d can make its target fire at t + d + dt
    targets = sorted({(r.g_post, groups[r.g_post].btype.states.index(t))
                      for r in layout.rules if r.delayed for t, _ in r.effects})
    if targets:
        L.append("        arow = step % D")
        for gp, k in targets:
            base = groups[gp].x(k, 0)
            L += [f"        for i in range({base}, {base + groups[gp].n}):",
                  "            x[i] += ring[arow, i]", "            ring[arow, i] = 0.0"]
    for ri, r in enumerate(layout.rules):  # propagation
        G, H = groups[r.g_pre], groups[r.g_post]
        A = G.soff + r.a
        L += ["        for qq in range(nstart, nspk):",
              "            gid = spk_i[qq]",
              f"            if gid >= {A} and gid < {A + r.n_pre}:",
              f"                row = {r.ptr_off} + gid - {A}"]
        if r.plastic:
            L += pre_lines(r, f"gid - {A}", 16)
        B = ["                for kk in range(syn_ptr[row], syn_ptr[row + 1]):",
             "                    post = syn_post[kk]"]
        if r.plastic == "rstdp":  # bring w up to date before the effect reads it
            B += sync_lines(r, 20)
        if r.delayed:
            B += ["                    nd = int(syn_d[kk])", "                    if nd == 0:"]
            B += _apply_effects(H, exs[r.g_post], r.effects, "post", 24)
            B += ["                    else:",
                  "                        rrow = (step + nd) % D"]
            B += _apply_effects(H, exs[r.g_post], r.effects, "post", 24, "rrow")
        else:
            B += _apply_effects(H, exs[r.g_post], r.effects, "post", 20)
        if r.plastic:  # after the effect, which used the weight before this spike
            L += B + depress_lines(r, 20)
            continue
        # fixed weights all equal (checked per call, see _weight_lines): no
        # per-synapse weight load, half the memory traffic of a spike's row
        uni = [ln for ln in B if ln.strip() != "w_syn = syn_w[kk]"]
        L += [f"                if wq{ri}:", f"                    w_syn = wu{ri}"]
        L += ["    " + ln for ln in uni] + ["                else:"] + ["    " + ln for ln in B]
    L += post_lines(layout, groups)
    for gi, g in spiking:  # Brian2's form: input to a held state during refractoriness stays
        ex = exs[gi]
        if (_holds(g, ex) and g.btype.refractory_hold == "marked"
                and any(r.g_post == gi for r in layout.rules)):
            L += [f"        for i in range({g.n}):",
                  f"            if step < refr[{g.xoff} + i]:"]
            L += [f"                hold[{g.x(k, 0)} + i] = x[{g.x(k, 0)} + i]" for k in ex["held"]]
    for gi, g in spiking:  # resets
        ex = exs[gi]
        L += ["        for qq in range(nstart, nspk):",
              "            gid = spk_i[qq]",
              f"            if gid >= {g.soff} and gid < {g.soff + g.n}:",
              f"                i = gid - {g.soff}"]
        exprs = [e for _, e in ex["reset"]]
        L += _loads(g, ex, exprs + [ex["spike"]], 16)
        for k, e in ex["reset"]:
            L.append(f"                s{k} = {pycode(e)}")
            L.append(f"                x[{g.x(k, 0)} + i] = s{k}")
        if g.btype.refractory is not None:
            L.append(f"                refr[{g.xoff} + i] = step + tref[{gi}]")
            L += [f"                hold[{g.x(k, 0)} + i] = x[{g.x(k, 0)} + i]" for k in ex["held"]]
        else:
            # still above threshold right after the reset: it would fire every step
            L += _loads(g, ex, [ex["spike"]], 16)
            L += [f"                if {pycode(ex['spike'])}:",
                  f"                    return step + 1, {-100 - gi}, j, nspk"]
    return L


def _weight_lines(layout):
    """Kernel preamble: for each non-plastic rule, whether all its weights
    are equal, bit for bit (``wq<r>``), and the value (``wu<r>``); NaN never
    counts as equal.  Per call: a callback may change weights between calls."""
    L = []
    for ri, r in enumerate(layout.rules):
        if r.plastic:
            continue
        L += [f"    wq{ri} = False", f"    wu{ri} = 0.0",
              f"    lo = syn_ptr[{r.ptr_off}]", f"    hi = syn_ptr[{r.ptr_off + r.n_pre}]",
              "    if hi > lo:",
              f"        wu{ri} = syn_w[lo]",
              f"        wq{ri} = True",
              "        for kk in range(lo, hi):",
              f"            if not (syn_w[kk] == wu{ri} and math.copysign(1.0, syn_w[kk])"
              f" == math.copysign(1.0, wu{ri})):",
              f"                wq{ri} = False",
              "                break"]
    return L


_HEAD = """
@njit(cache=True, nogil=True, error_model="numpy")
def run_NAME_full(SIG):
    u = np.zeros(N_INPUTS)
    o = np.zeros(N_OUTPUTS)
    uw_, us_, ud_, dptr, dsrc, dw, dk, dd, dint = delay_plan(w, src, dst, dls, N_INPUTS)
    ndly = dsrc.shape[0]
    cmode, cptr, csrc, cw, WD, a0, b0 = edge_plan(uw_, us_, ud_, N_INPUTS)
    H = hist.shape[0]
    D = ring.shape[0]
    sq = math.sqrt(dt)
    j = j0
    nspk = nspk0
    if step0 == 0:
        out_t[0] = t0
        for r in range(rec.shape[0]):
            out_x[r, 0] = x[rec[r]]
        j = 1
    for step in range(step0, nsteps):
        if nspk + N_SPIKING > spk_i.shape[0]:
            return step, -2, j, nspk
        t = t0 + step * dt
        bad = False
"""

_TAIL = """        if bad:
            for i in range(N_STATES):
                if not math.isfinite(x[i]):
                    return step + 1, i, j, nspk
        if (step + 1) % stride == 0:
            out_t[j] = t0 + (step + 1) * dt
            for r in range(rec.shape[0]):
                out_x[r, j] = x[rec[r]]
            j += 1
    return nsteps, -1, j, nspk
"""


def full_kernels(layout, exs):
    """Source lines of ``run_<m>_full`` for every scheme in
    :data:`nbblox.compile.schemes.SCHEMES` (with noise: those that integrate it)."""
    L = [f"N_SPIKING = {layout.n_spiking}", ""]
    dense = dense_dl.emitted(layout)  # sweepfast: the dense delayed path's import and plan
    L = [dense_dl.IMPORT] + L if dense else L
    noise = layout.has_noise
    wlines = _weight_lines(layout)
    spikes = {False: _spike_lines(layout, exs), True: _spike_lines(layout, exs, True)}
    for scheme in SCHEMES:
        if ("numba" not in scheme.backends or (noise and not scheme.noise)
                or not applicable(scheme, exs)):
            continue
        hz = Hoist()
        body = ((_noise_lines(layout, exs) if noise else []) + _scheme(layout, exs, scheme, hz)
                + clip_lines(layout, exs))
        arrays = stage_arrays(scheme, noise=noise)
        if noise and scheme.fused:
            arrays = ["    dW = np.zeros(N_STATES)"]
        head = _HEAD.replace("NAME", scheme.name).replace("SIG", _SIG).replace(
            "    u = np.zeros(N_INPUTS)\n", "".join(ln + "\n" for ln in arrays)
            + "    u = np.zeros(N_INPUTS)\n").replace(
            "    H = hist.shape[0]\n", "".join(
                ln + "\n" for ln in hz.preamble() + phi_preamble(layout, exs, scheme) + wlines)
            + "    H = hist.shape[0]\n" + (dense_dl.PLAN if dense else ""))
        # the finite check must precede spike handling only to name a state;
        # spikes are processed first so a reset can bring V back in range
        L.append(head + "\n".join(body + spikes[scheme.fused]) + "\n" + _TAIL)
    return L
