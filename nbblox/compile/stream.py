"""Streaming variants of the generated fixed-step loops (sweep measures
accumulated while stepping, no trace array).

:func:`stream_module` is a pass over the statements of a kernel module made
by :mod:`nbblox.compile.codegen` (before it is printed): for every
``run_<m>`` it adds a loop ``stream_<m>(x, p, w, src, dst, t0, dt, nsteps,
stride, rec, sm_k0, sm_thr, sm_acc)`` that integrates exactly as ``run_<m>``
does (the same statements, the same step times) but, at the sites where
``run_<m>`` writes sample ``j`` into ``out_x``
(:data:`~nbblox.compile.ir.RECORD_START`, :data:`~nbblox.compile.ir.RECORD`),
folds it into ``sm_acc[:, r]`` when ``j >= sm_k0`` (the transient cut-off;
``sm_thr`` is the crossing threshold, NaN for none).  The added
names all start with ``sm_`` so they cannot meet the generated body's.
Batch wrappers ``sbatch_<m>`` (numba ``prange``) and ``sserial_<m>`` run
rows of instances.  The columns of ``acc`` are named in :data:`COLS`.

Mean and variance use shifted one-pass sums: with ``K`` the first kept
sample, ``S1 = sum(x - K)`` and ``S2 = sum((x - K)**2)``, so mean
``K + S1/n`` and variance ``S2/n - (S1/n)**2`` do not cancel catastrophically
for a signal with a large offset; both sums are Kahan-compensated, so they
do not drift with the number of samples.  A fastmath System's loops carry
its flags (:data:`nbblox.compile.fastmath.FLAGS`), the fold too: they leave
out ``nsz``, without which LLVM does not fold the compensation away (with
``nsz`` a 48 000-sample mean was off by 3e-12), so the streamed measures stay
within the fastmath tolerance of the recorded ones (3.5e-13 measured,
tests/sim/test_sweep_fastmath.py).  Min, max, the last sample and threshold
crossings (with interpolated first and last crossing times) are the very
operations of :mod:`nbblox.sim.sweep.measures` on the same samples, so they
are bit-for-bit those of the trace path.

If a ``run_<m>`` does not mark each recording site once (codegen changed),
:func:`stream_module` returns ``None`` and callers fall back to the trace
path.

**Crossings in the loop** (``inloop``, for ``stride == 1`` only): the fold
above is a second pass over the recorded states after every step, and for
an Euler step of a lockstep block it cost as much as the step (bench/
DIAGNOSIS.md, "W4 Euler, crossings in the loop").  When only crossings (or
only the last sample) are asked and the recorded states are whole states of
groups whose fused instance loops end in a
:data:`~nbblox.compile.ir.STEPPED` site, each such loop keeps the value
before the step (``sm_acc[9]``, the previous sample) and counts the upward
crossings of the step in ``sm_nup`` as it stores the new one; after the step
only the rare crossing-time branch runs (on a step with a crossing), and the
last sample is written once after the time loop.  The same comparisons of
the same values and the same crossing-time expression: counts and times are
bit for bit the folded ones.  When only the number of crossings is asked
(a rate, ``"n"``), each crossing is added straight to its instance's count
and nothing is stored or folded after the step.
"""
from __future__ import annotations

from dataclasses import replace

from .ir import (RECORD, RECORD_START, STEPPED, Assign, Blank, For, Func, If, Return, Site,
                 Verbatim, code, rewrite, sites)

__all__ = ["COLS", "FEATURES", "NACC", "stream_module"]

#: accumulator columns of ``acc[r, :]``
COLS = ("K", "min", "max", "s1", "s2", "last", "count", "first_t", "last_t", "prev",
        "c1", "c2")
NACC = len(COLS)

#: what each group of accumulators needs: m = min and max, s = shifted sums,
#: c = threshold crossings with their first and last times (a period), n = the
#: number of crossings only (a rate; "c" includes it) -- the last sample is always kept
FEATURES = "mscn"

#: the parameters of ``stream_<m>``: ``run_<m>``'s, with the accumulators for the outputs
PARAMS = ("x", "p", "w", "src", "dst", "t0", "dt", "nsteps", "stride", "rec", "sm_k0", "sm_thr",
          "sm_acc")

_ROWS = ("rec.shape[0]",)


def _set(*pairs):
    """Assignments from ``(target, value)`` or ``(target, op, value)``."""
    return [Assign(p[0], p[-1], p[1] if len(p) == 3 else "=") for p in pairs]


def _start():
    """The first kept sample starts every accumulator."""
    return [For("sm_r", _ROWS, _set(
        ("sm_v", "x[rec[sm_r]]"), *((f"sm_a{c}[sm_r]", "sm_v") for c in (0, 1, 2)),
        *((f"sm_a{c}[sm_r]", "0.0") for c in (3, 4)), ("sm_a5[sm_r]", "sm_v"),
        ("sm_a6[sm_r]", "0.0"), *((f"sm_a{c}[sm_r]", "0.0") for c in (10, 11))))]


def _fold(tj, tprev, feats=FEATURES):
    """Statements folding sample ``j`` (time ``tj``; the previous one
    ``tprev``) into ``sm_acc`` (columns in rows ``sm_acc[c, r]``, read and
    written through the row views ``sm_a<c>`` that :func:`_first` sets up: a
    2-D index per access kept the lockstep fold from vectorising, and cost
    the W4 sweep a third of its time) for the accumulator groups ``feats``
    (see :data:`FEATURES`).  The first kept
    sample (``j == sm_k0``) starts the accumulators.  A later sample takes
    one loop over the recorded variables that keeps the last sample and
    updates min, max, the sums and a count of upward crossings (selects, no
    branch, so it vectorises across the lockstep replicas); a second loop
    computes the crossing times only on a sample where one happened (rare).
    A count without times (``"n"``) folds as ``"c"`` here."""
    if "n" in feats:   # (feature letters, not source text)
        feats = "".join(f for f in feats if f != "n") + ("" if "c" in feats else "c")
    body = _set(("sm_pv", "sm_a5[sm_r]"), ("sm_a5[sm_r]", "sm_v")) if "c" in feats \
        else _set(("sm_a5[sm_r]", "sm_v"))
    if "m" in feats:
        body += _set(("sm_m", "sm_a1[sm_r]"),
                     ("sm_a1[sm_r]", "sm_v if sm_v < sm_m else sm_m"),
                     ("sm_m", "sm_a2[sm_r]"),
                     ("sm_a2[sm_r]", "sm_v if sm_v > sm_m else sm_m"))
    if "s" in feats:
        # Kahan-compensated (rows 10, 11 hold the lost low parts): a plain running
        # sum drifts ~n eps (3e-12 relative at 5e4 samples), this stays at NumPy's
        body += _set(("sm_d", "sm_v - sm_a0[sm_r]"),
                     ("sm_y", "sm_d - sm_a10[sm_r]"), ("sm_t", "sm_a3[sm_r] + sm_y"),
                     ("sm_a10[sm_r]", "(sm_t - sm_a3[sm_r]) - sm_y"),
                     ("sm_a3[sm_r]", "sm_t"),
                     ("sm_y", "sm_d * sm_d - sm_a11[sm_r]"),
                     ("sm_t", "sm_a4[sm_r] + sm_y"),
                     ("sm_a11[sm_r]", "(sm_t - sm_a4[sm_r]) - sm_y"),
                     ("sm_a4[sm_r]", "sm_t"))
    if "c" in feats:
        body += _set(("sm_a9[sm_r]", "sm_pv"),
                     ("sm_nup", "+=", "(sm_v >= sm_thr) & (sm_pv < sm_thr)"))

    def loop(n, load):
        return [For("sm_r", (n,), _set(("sm_v", load)) + body)]
    later = _set(("sm_nup", "0")) + [
        If([("sm_contig", loop("sm_xv.shape[0]", "sm_xv[sm_r]"))],
           loop("rec.shape[0]", "x[rec[sm_r]]"))]
    if "c" in feats:
        later.append(_crossing_times(tj, tprev, "sm_a5[sm_r]"))
    return [If([("j > sm_k0", later), ("j == sm_k0", _start())])]


def _crossing_times(tj, tprev, load):
    """On a sample with an upward crossing somewhere (``sm_nup > 0``, rare):
    for each recorded state whose previous sample (``sm_a9``) is below the
    threshold and whose sample (``load``) is not, one more crossing, its
    time interpolated between ``tprev`` and ``tj`` (the first and the last
    kept)."""
    crossing = _set(
        ("sm_fr", "(sm_thr - sm_pv) / (sm_v - sm_pv) if sm_v != sm_pv else 0.0"),
        ("sm_tc", f"{tprev} + sm_fr * ({tj} - {tprev})"))
    crossing += [If([("sm_a6[sm_r] == 0.0", _set(("sm_a7[sm_r]", "sm_tc")))])]
    crossing += _set(("sm_a8[sm_r]", "sm_tc"), ("sm_a6[sm_r]", "+=", "1.0"))
    return If([("sm_nup > 0", [For("sm_r", _ROWS, _set(
        ("sm_v", load), ("sm_pv", "sm_a9[sm_r]")) + [
        If([("not (sm_pv >= sm_thr) and sm_v >= sm_thr", crossing)])])])])


def _inloop_counts(run, blocks, count_only=False):
    """``{group: statements}`` replacing the :data:`~nbblox.compile.ir.STEPPED`
    site of each group's fused loop of ``run``: for each recorded state
    ``(group, k)`` of ``blocks`` (in the order of the recorded columns, each
    state a block of the group's ``n`` columns), store the value before the
    step as the previous sample and count an upward crossing of the value
    just stored.  None when a block has no site (the loop is not fused).

    ``count_only`` (a rate, no crossing times): add the step's crossing
    straight to the instance's count (``sm_a6``) when the sample is kept
    (``sm_live``), as a hand-written loop does: no previous sample stored,
    no pass after the step."""
    found = {}
    for st in sites(run.body, STEPPED):
        if st.data["group"] in found:
            return None
        found[st.data["group"]] = st
    out, col = {gi: [] for gi in found}, 0
    for gi, k in blocks:
        st = found.get(gi)
        if st is None or not 0 <= k < len(st.data["old"]):
            return None
        old, xo = code(st.data["old"][k]), st.data["x"][k]
        up = f"(x[{xo} + i] >= sm_thr) & ({old} < sm_thr)"
        out[gi] += (_set((f"sm_a6[{col} + i]", "+=", f"sm_live if {up} else 0.0"))
                    if count_only else
                    _set((f"sm_a9[{col} + i]", old), ("sm_nup", "+=", up)))
        col += st.data["n"]
    return out


def _inloop_fold(tj, tprev, feats):
    """:func:`_fold` when the loops counted the crossings (``inloop``): the
    crossing times (rare), the accumulators started at ``sm_k0``; the
    counter cleared after every step (also in the transient).  With a count
    only (``"n"``) nothing is left but the start."""
    later = [_crossing_times(tj, tprev, "x[rec[sm_r]]")] if "c" in feats else []
    branches = ([("j > sm_k0", later)] if later else []) + [("j == sm_k0", _start())]
    return [If(branches)]


def _first():
    """In place of the first sample's recording: where the recorded states
    are consecutive slots (a lockstep block's replicas: direct loads through
    the view ``sm_xv``), the accumulators' row views, the countdown to the
    next sample (``sm_cd``), and
    sample 0, which can only start the accumulators (``sm_k0 >= 0``: one
    loop, not a whole fold, so numba compiles less)."""
    return _set(("sm_lo", "rec[0] if rec.shape[0] else 0"),
                ("sm_contig", "rec.shape[0] == 0 or rec[rec.shape[0] - 1] - sm_lo == "
                              "rec.shape[0] - 1")) + [
        For("sm_r", _ROWS, _set(("sm_contig", "sm_contig and rec[sm_r] == sm_lo + sm_r"))),
        Assign("sm_xv", "x[sm_lo:sm_lo + rec.shape[0]]"),
        *(Assign(f"sm_a{c}", f"sm_acc[{c}]") for c in range(NACC)), Assign("sm_cd", 0),
        Assign("j", 0), If([("sm_k0 == 0", _start())]), Assign("j", 1)]


def _stream_fn(run, m, feats, inloop=None):
    """``stream_<m>`` from the statements of ``run_<m>`` (None if its
    recording sites are not each there once; ``inloop``: the recorded
    states as ``(group, state)`` blocks, see :func:`stream_module`)."""
    if len(sites(run.body, RECORD_START)) != 1 or len(sites(run.body, RECORD)) != 1:
        return None
    tj, tprev = "(t0 + (step + 1) * dt)", "(t0 + (step + 1 - stride) * dt)"
    count_only = feats == "n"
    counts = (_inloop_counts(run, inloop, count_only)
              if inloop is not None and set(feats) <= {"c", "n"} else None)
    fold = _fold(tj, tprev, feats) if counts is None else _inloop_fold(tj, tprev, feats)
    # a countdown, not ``(step + 1) % stride``: an integer division every step
    sample = [Assign("sm_cd", 1, "+="),
              If([("sm_cd == stride", [Assign("sm_cd", 0)] + fold + [Assign("j", 1, "+=")])])]
    first = _first()
    if counts is not None and "c" in feats:
        sample.append(Assign("sm_nup", 0))
        first.append(Assign("sm_nup", 0))
    if counts is not None and count_only:   # the next step's crossing counts if kept
        live = Assign("sm_live", "1.0 if j > sm_k0 else 0.0")
        sample.append(live)
        first.append(live)

    def swap(st):
        if isinstance(st, Site) and st.name in (RECORD_START, RECORD):
            return first if st.name == RECORD_START else sample
        if isinstance(st, Site) and st.name == STEPPED and counts is not None:
            return counts[st.data["group"]]
        return None
    # a whole run per call: from step 0 (``run_<m>``'s ``step0``)
    body = [Assign("step0", 0)] + rewrite(run.body, swap)
    if counts is not None:   # the last sample, once (the loop ends on a sample: stride 1)
        if not isinstance(body[-1], Return):
            return None
        body = body[:-1] + [If([("j - 1 >= sm_k0", [For("sm_r", _ROWS, _set(
            ("sm_a5[sm_r]", "x[rec[sm_r]]")))])]), body[-1]]
    return replace(run, name=f"stream_{m}", params=PARAMS, body=body)


def _batch(m, parallel):
    """``sbatch_<m>`` (numba ``prange``) or ``sserial_<m>``: rows of instances."""
    call = (f"stream_{m}(X[i], P[i], W[i], src, dst, t0, dt, nsteps, stride, rec, k0, thr, "
            "acc[i])")
    loop = For("i", ("X.shape[0]",), [Assign("a, b, c", call), Assign("steps[i]", "a"),
                                      Assign("bad[i]", "b")],
               range="numba.prange" if parallel else "range")
    return Func(f"{'sbatch' if parallel else 'sserial'}_{m}",
                ("X", "P", "W", "src", "dst", "t0", "dt", "nsteps", "stride", "rec", "k0", "thr",
                 "acc", "steps", "bad"), [loop, Return((0,))],
                decorator=("@njit(parallel=True, cache=True, nogil=True)" if parallel
                           else "@njit(cache=True, nogil=True)"))


def stream_module(stmts, feats=FEATURES, inloop=None):
    """Kernel module statements ``stmts`` plus ``stream_<m>``, ``sbatch_<m>``
    and ``sserial_<m>`` for each ``run_<m>`` in it, accumulating the groups
    ``feats`` (a subset of :data:`FEATURES`; the others stay zero); None if
    a loop does not mark its recording sites.  ``stmts`` is not changed.

    ``inloop``: the loops will run with ``stride == 1`` and ``rec`` will be
    the slots of these ``(group, state)`` pairs, each the group's every
    instance in order, pairs in this order (a tuple; ``()``: the loops record
    nothing but the last sample): with ``feats`` ``"c"``, ``"n"`` or ``""``, a loop
    whose groups mark their fused instance loops counts the crossings there
    (see the module docstring); other loops fold as without it.  Calling
    such a loop with ``stride > 1`` or another ``rec`` gives wrong counts.

    Examples
    --------
    >>> import nbblox as nb
    >>> from nbblox.compile.codegen import module_stmts, render_module
    >>> layout = nb.compile(nb.blox.FitzHughNagumo(name="fhn")).layout
    >>> text = render_module(stream_module(module_stmts(layout)))
    >>> "def stream_euler(" in text and "def sbatch_euler(" in text
    True
    """
    out = list(stmts) + [Verbatim("import numba"), Blank()]
    for st in stmts:
        if isinstance(st, Func) and st.name.startswith("run_") and st.params[-1] == "out_x":
            fn = _stream_fn(st, st.name[4:], feats, inloop)
            if fn is None:
                return None
            m = st.name[4:]
            out += [fn, Blank(), Blank(), _batch(m, True), Blank(), Blank(), _batch(m, False),
                    Blank()]
    return out
