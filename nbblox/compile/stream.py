"""Streaming variants of the generated fixed-step loops (sweep measures
accumulated while stepping, no trace array).

:func:`stream_source` takes the text of a kernel module made by
:mod:`nbblox.compile.codegen` and adds, for every ``run_<m>``, a loop
``stream_<m>(x, p, w, src, dst, t0, dt, nsteps, stride, rec, sm_k0, sm_thr,
sm_acc)`` that integrates exactly as ``run_<m>`` does (the same pasted body,
the same step times) but, where ``run_<m>`` would write sample ``j`` into
``out_x``, folds it into ``sm_acc[r, :]`` when ``j >= sm_k0`` (the transient
cut-off; ``sm_thr`` is the crossing threshold, NaN for none).  The added
names all start with ``sm_`` so they cannot meet the generated body's.
Batch wrappers ``sbatch_<m>`` (numba ``prange``) and ``sserial_<m>`` run
rows of instances.  The columns of ``acc`` are named in :data:`COLS`.

Mean and variance use shifted one-pass sums: with ``K`` the first kept
sample, ``S1 = sum(x - K)`` and ``S2 = sum((x - K)**2)``, so mean
``K + S1/n`` and variance ``S2/n - (S1/n)**2`` do not cancel catastrophically
for a signal with a large offset; both sums are Kahan-compensated, so they
do not drift with the number of samples.  (The loops must not be compiled
with fast-math reassociation, which would remove the compensation.)  Min, max, the last sample and threshold
crossings (with interpolated first and last crossing times) are the very
operations of :mod:`nbblox.sim.sweep.measures` on the same samples, so they
are bit-for-bit those of the trace path.

If the recording lines of ``run_<m>`` are not the expected text (codegen
changed), :func:`stream_source` returns ``None`` and callers fall back to
the trace path.
"""
from __future__ import annotations

import re

__all__ = ["COLS", "FEATURES", "stream_source"]

#: accumulator columns of ``acc[r, :]``
COLS = ("K", "min", "max", "s1", "s2", "last", "count", "first_t", "last_t", "prev",
        "c1", "c2")
NACC = len(COLS)

_SIG = "def run_{m}(x, p, w, src, dst, t0, dt, nsteps, stride, rec, out_t, out_x):"
_NEW_SIG = "def stream_{m}(x, p, w, src, dst, t0, dt, nsteps, stride, rec, sm_k0, sm_thr, sm_acc):"

_HEAD_OLD = """    out_t[0] = t0
    for r in range(rec.shape[0]):
        out_x[r, 0] = x[rec[r]]
    j = 1
"""
_REC_OLD = """        if (step + 1) % stride == 0:
            out_t[j] = t0 + (step + 1) * dt
            for r in range(rec.shape[0]):
                out_x[r, j] = x[rec[r]]
            j += 1
"""


#: what each group of accumulators needs: m = min and max, s = shifted sums,
#: c = threshold crossings (the last sample is always kept)
FEATURES = "msc"


def _fold(pad, tj, tprev, feats=FEATURES):
    """Lines folding sample ``j`` (time ``tj``; the previous one ``tprev``)
    into ``sm_acc`` (columns in rows ``sm_acc[c, r]``, read and written
    through the row views ``sm_a<c>`` that :func:`_stream_fn` sets up: a
    2-D index per access kept the lockstep fold from vectorising, and cost
    the W4 sweep a third of its time) for the accumulator
    groups ``feats`` (see :data:`FEATURES`).  The first kept sample
    (``j == sm_k0``) starts the accumulators.  For a later sample one loop
    over the recorded variables keeps the last sample and updates min, max,
    the sums and a count of upward crossings (selects, no branch, so it
    vectorises across the lockstep replicas); a second loop computes the
    crossing times only on a sample where one happened (rare)."""
    body = ["sm_pv = sm_a5[sm_r]", "sm_a5[sm_r] = sm_v"] if "c" in feats \
        else ["sm_a5[sm_r] = sm_v"]
    if "m" in feats:
        body += ["sm_m = sm_a1[sm_r]", "sm_a1[sm_r] = sm_v if sm_v < sm_m else sm_m",
                 "sm_m = sm_a2[sm_r]", "sm_a2[sm_r] = sm_v if sm_v > sm_m else sm_m"]
    if "s" in feats:
        # Kahan-compensated (rows 10, 11 hold the lost low parts): a plain running
        # sum drifts ~n eps (3e-12 relative at 5e4 samples), this stays at NumPy's
        body += ["sm_d = sm_v - sm_a0[sm_r]",
                 "sm_y = sm_d - sm_a10[sm_r]", "sm_t = sm_a3[sm_r] + sm_y",
                 "sm_a10[sm_r] = (sm_t - sm_a3[sm_r]) - sm_y", "sm_a3[sm_r] = sm_t",
                 "sm_y = sm_d * sm_d - sm_a11[sm_r]", "sm_t = sm_a4[sm_r] + sm_y",
                 "sm_a11[sm_r] = (sm_t - sm_a4[sm_r]) - sm_y", "sm_a4[sm_r] = sm_t"]
    if "c" in feats:
        body += ["sm_a9[sm_r] = sm_pv",
                 "sm_nup += (sm_v >= sm_thr) & (sm_pv < sm_thr)"]
    lines = ["if j > sm_k0:", "    sm_nup = 0"]

    def loop(n, load, inner):
        return [f"        for sm_r in range({n}):", f"            sm_v = {load}"] + \
            ["            " + ln for ln in inner]
    lines += ["    if sm_contig:"] + loop("sm_xv.shape[0]", "sm_xv[sm_r]", body)
    lines += ["    else:"] + loop("rec.shape[0]", "x[rec[sm_r]]", body)
    if "c" in feats:
        lines += f"""    if sm_nup > 0:
        for sm_r in range(rec.shape[0]):
            sm_v = sm_a5[sm_r]
            sm_pv = sm_a9[sm_r]
            if not (sm_pv >= sm_thr) and sm_v >= sm_thr:
                sm_fr = (sm_thr - sm_pv) / (sm_v - sm_pv) if sm_v != sm_pv else 0.0
                sm_tc = {tprev} + sm_fr * ({tj} - {tprev})
                if sm_a6[sm_r] == 0.0:
                    sm_a7[sm_r] = sm_tc
                sm_a8[sm_r] = sm_tc
                sm_a6[sm_r] += 1.0""".split("\n")
    lines += ["elif j == sm_k0:"] + _START
    return "".join(pad + ln + "\n" for ln in lines)


#: the first kept sample starts every accumulator
_START = """    for sm_r in range(rec.shape[0]):
        sm_v = x[rec[sm_r]]
        sm_a0[sm_r] = sm_v
        sm_a1[sm_r] = sm_v
        sm_a2[sm_r] = sm_v
        sm_a3[sm_r] = 0.0
        sm_a4[sm_r] = 0.0
        sm_a5[sm_r] = sm_v
        sm_a6[sm_r] = 0.0
        sm_a10[sm_r] = 0.0
        sm_a11[sm_r] = 0.0""".split("\n")


def _stream_fn(text, m, feats):
    """``stream_<m>`` from the text of ``run_<m>`` (None if unexpected)."""
    rest = text.replace(_SIG.format(m=m), "").replace(_HEAD_OLD, "").replace(_REC_OLD, "")
    if (text.count(_HEAD_OLD) != 1 or text.count(_REC_OLD) != 1 or "out_" in rest
            or "sm_" in text):   # sm_*: the streaming loop's own names
        return None
    # recorded states at consecutive slots (a lockstep block's replicas): direct loads
    setup = ("    sm_lo = rec[0] if rec.shape[0] else 0\n"
             "    sm_contig = rec.shape[0] == 0 or rec[rec.shape[0] - 1] - sm_lo == rec.shape[0] - 1\n"
             "    for sm_r in range(rec.shape[0]):\n"
             "        sm_contig = sm_contig and rec[sm_r] == sm_lo + sm_r\n"
             "    sm_xv = x[sm_lo:sm_lo + rec.shape[0]]\n"
             + "".join(f"    sm_a{c} = sm_acc[{c}]\n" for c in range(NACC))
             + "    sm_cd = 0\n")
    # sample 0 can only start the accumulators (sm_k0 >= 0): one loop, not a whole fold,
    # so numba compiles less
    head = setup + "    j = 0\n    if sm_k0 == 0:\n" + "".join(
        "    " + ln + "\n" for ln in _START) + "    j = 1\n"
    # a countdown, not ``(step + 1) % stride``: an integer division every step
    rec = ("        sm_cd += 1\n"
           "        if sm_cd == stride:\n"
           "            sm_cd = 0\n"
           + _fold("            ", "(t0 + (step + 1) * dt)", "(t0 + (step + 1 - stride) * dt)",
                   feats)
           + "            j += 1\n")
    return (text.replace(_SIG.format(m=m), _NEW_SIG.format(m=m))
            .replace(_HEAD_OLD, head).replace(_REC_OLD, rec))


_BATCH = '''
@njit(parallel=True, cache=True, nogil=True)
def sbatch_{m}(X, P, W, src, dst, t0, dt, nsteps, stride, rec, k0, thr, acc, steps, bad):
    for i in numba.prange(X.shape[0]):
        a, b, c = stream_{m}(X[i], P[i], W[i], src, dst, t0, dt, nsteps, stride, rec,
                             k0, thr, acc[i])
        steps[i] = a
        bad[i] = b
    return 0


@njit(cache=True, nogil=True)
def sserial_{m}(X, P, W, src, dst, t0, dt, nsteps, stride, rec, k0, thr, acc, steps, bad):
    for i in range(X.shape[0]):
        a, b, c = stream_{m}(X[i], P[i], W[i], src, dst, t0, dt, nsteps, stride, rec,
                             k0, thr, acc[i])
        steps[i] = a
        bad[i] = b
    return 0
'''


def stream_source(source, methods, feats=FEATURES):
    """Kernel module ``source`` plus ``stream_<m>``, ``sbatch_<m>`` and
    ``sserial_<m>`` for each of ``methods``, accumulating the groups
    ``feats`` (a subset of :data:`FEATURES`; the others stay zero); None if
    a loop is not in the expected form.

    Examples
    --------
    >>> import nbblox as nb
    >>> s = nb.compile(nb.blox.FitzHughNagumo(name="fhn"))
    >>> text = stream_source(open(s._k.__file__).read(), ["euler"])
    >>> "def stream_euler(" in text and "def sbatch_euler(" in text
    True
    """
    out = [source, "import numba", ""]
    for m in methods:
        sig = _SIG.format(m=m)
        start = source.find(sig)
        if start < 0:
            return None
        deco = source.rfind("@njit", 0, start)
        nxt = re.search(r"^@njit", source[start:], re.M)
        end = start + nxt.start() if nxt else len(source)
        fn = _stream_fn(source[deco:end], m, feats)
        if fn is None:
            return None
        out += [fn, _BATCH.format(m=m)]
    return "\n".join(out)
