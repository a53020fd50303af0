"""W4's 1 -> 2 thread scaling measured in ONE process, thread counts alternating.

This machine is a 2-vCPU guest on a shared host; a core's speed there drifts
from minute to minute with nothing else running in the guest (the W4 Euler
sweep on 1 thread: 35 ms and 59 ms within one minute, bench/DIAGNOSIS.md,
"W4 after session 34").  The per-system records measure 1 and 2 threads in
two fresh processes minutes apart, so their ratio measures the host as much
as the code.  Here, in one fresh process, the nbblox fast-math sweep (the
bench's ``nbblox_fastmath`` call) and a hand-written ``prange`` loop over
blocks of 64 instances (the serial fast-math loop of ``handwritten_fastmath``
on each block: what the machine itself gives) run on 1 and on 2 numba
threads, alternating within each round, the order reversed every other
round.  All four see the same host; the ratios of their medians are the
scalings, and the hand-written one says how much the machine allowed.

Pseudo-system ``threads`` of the W4 cases (``bench.case`` runs it; each timed
call is two rounds); the per-part wall and CPU times are the record's
``threads`` field, the answers those of the nbblox sweep and (``hw_``) of the
hand-written loop, both checked against the serial hand-written loop's.
"""
from __future__ import annotations

import time

import numba
import numpy as np
from numba import njit, prange

from . import handwritten as H

#: instances per block of the hand-written parallel loop (nbblox's lockstep width)
BLOCK = 64
PARTS = ("nbblox", "handwritten_par")


@njit(parallel=True, cache=True, nogil=True, error_model="numpy", fastmath=True)
def _par_euler(I, a, b, tau, dt, nsteps, counts, B):
    for k in prange((I.size + B - 1) // B):
        hi = min((k + 1) * B, I.size)
        H._fhn_sweep_euler_fast(I[k * B:hi], a, b, tau, dt, nsteps, counts[k * B:hi])


@njit(parallel=True, cache=True, nogil=True, error_model="numpy", fastmath=True)
def _par_rk4(I, a, b, tau, dt, nsteps, counts, B):
    for k in prange((I.size + B - 1) // B):
        hi = min((k + 1) * B, I.size)
        H._fhn_sweep_rk4_fast(I[k * B:hi], a, b, tau, dt, nsteps, counts[k * B:hi])


def build(case, cfg, variant="threads"):
    """``run()`` (two rounds: every part on 1 and 2 threads) and ``answer``;
    ``run.extra()`` gives the record's ``threads`` field (the first call,
    which compiles, left out)."""
    from .sys_nbblox import build as nb_build
    if cfg["kind"] != "sweep":
        raise ValueError("the interleaved thread scaling is measured on W4 only")
    nb_run, nb_answer = nb_build(case, cfg, "nbblox_fastmath")
    hw_run = H.sweep_run(cfg, _par_rk4 if cfg["method"] == "rk4" else _par_euler, BLOCK)

    calls = []   # one dict per run(): {(part, threads): [(wall, cpu), ...]}
    last = {}

    def run():
        got = {}
        for order in ((1, 2), (2, 1)):
            for nt in order:
                numba.set_num_threads(nt)
                for part, f in zip(PARTS, (nb_run, hw_run)):
                    c0, t0 = time.process_time(), time.perf_counter()
                    last[part] = f()
                    got.setdefault(f"{part}_{nt}", []).append(
                        (time.perf_counter() - t0, time.process_time() - c0))
        numba.set_num_threads(numba.config.NUMBA_NUM_THREADS)
        calls.append(got)
        return dict(last)

    def answer(raw):
        a = nb_answer(raw["nbblox"])
        return a | {f"hw_{k}": v for k, v in H.sweep_answer(raw["handwritten_par"]).items()}

    def extra():
        warm = calls[1:]
        out = {k: {"wall_s": [w for g in warm for w, _ in g[k]],
                   "cpu_s": [c for g in warm for _, c in g[k]]} for k in (warm[0] if warm else {})}
        return {"threads": out, "block": BLOCK}
    run.extra = extra
    return run, answer


def scalings(rec):
    """``{part: (median 1-thread wall, median 2-thread wall, ratio)}`` of a
    ``threads`` record (empty when it has no warm rounds).

    Examples
    --------
    >>> r = {"threads": {"nbblox_1": {"wall_s": [0.4, 0.36]}, "nbblox_2": {"wall_s": [0.2]}}}
    >>> scalings(r)["nbblox"]
    (0.38, 0.2, 1.9)
    """
    T = rec.get("threads") or {}
    out = {}
    for part in PARTS:
        one, two = T.get(f"{part}_1"), T.get(f"{part}_2")
        if one and two and one["wall_s"] and two["wall_s"]:
            a, b = float(np.median(one["wall_s"])), float(np.median(two["wall_s"]))
            out[part] = (a, b, round(a / b, 6))
    return out
