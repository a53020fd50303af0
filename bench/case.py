"""Run ONE case of ONE system in this (fresh) process and print its record.

``python -m bench.case SYSTEM '<case config as JSON>' [--reps 5] [--budget 60]``

Times: import of the system's module, setup (building the model), cold
(the first call: JIT / code generation / compilation included), warm
(median of further calls, at least ``reps`` unless one call alone exceeds
the budget, in which case the count is recorded).  Peak RSS and CPU time
come from getrusage (children included, for Brian2's standalone binary).
The record is one JSON line prefixed ``BENCH-RESULT`` on stdout, since
peers print their own chatter.
"""
from __future__ import annotations

import argparse
import importlib
import json
import os
import resource
import statistics
import sys
import time
import traceback

MODULES = {"handwritten": "bench.handwritten", "nbblox": "bench.sys_nbblox",
           "nbblox_circuit": "bench.sys_nbblox", "nbblox_fastmath": "bench.sys_nbblox",
           "nbblox_fastmath_1t": "bench.sys_nbblox",
           "handwritten_fastmath": "bench.handwritten", "handwritten_dgemv": "bench.handwritten",
           "handwritten_nomod": "bench.handwritten", "threads": "bench.threads",
           "brian2_runtime": "bench.peers.brian2_cases",
           "brian2_standalone": "bench.peers.brian2_cases",
           "brainpy": "bench.peers.brainpy_cases", "neurolib": "bench.peers.neurolib_cases",
           "tvb": "bench.peers.tvb_cases"}
PREFIX = "BENCH-RESULT "


def _rss_mb():
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, kids) / 1024.0


def _cpu():
    a, b = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return a.ru_utime + a.ru_stime + b.ru_utime + b.ru_stime


def run_case(system, cfg, reps=5, budget=60.0):
    """Measure one case in this process; returns the record (a dict)."""
    rec = {"system": system, "case": cfg["name"], "status": "ok"}
    # a slow system runs a shorter simulation (t_run) or fewer parameter values
    # (n_run); its warm time is scaled up linearly and marked as extrapolated
    rec["scale"] = 1.0
    for key, short in (("t_end", "t_run"), ("n", "n_run")):
        full, run = cfg.get(key), cfg.get(short, {}).get(system)
        if run is not None and full is not None and run < full:
            cfg = dict(cfg, **{key: run})
            rec["scale"] *= full / run
            rec[f"{key}_run"] = run
    rec["t_end_run"], rec["n_run"] = cfg.get("t_end"), cfg.get("n")
    try:
        t0 = time.perf_counter()
        mod = importlib.import_module(MODULES[system])
        rec["import_s"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        kw = ({"variant": system} if system.startswith(("nbblox", "brian2", "handwritten_",
                                                          "threads"))
              else {})
        run, answer = mod.build(cfg["name"], cfg, **kw)
        rec["setup_s"] = time.perf_counter() - t0
        c0 = _cpu()
        t0 = time.perf_counter()
        raw = run()
        rec["cold_s"] = time.perf_counter() - t0
        rec["cold_cpu_s"] = _cpu() - c0
        warm, cpu = [], []
        load = [os.getloadavg()[0]]   # 1-min load around the warm calls, per record
        # at least one warm call; more while the warm calls fit in the budget
        while reps > 0 and (not warm or (len(warm) < reps and sum(warm) + warm[-1] <= budget)):
            c0 = _cpu()
            t0 = time.perf_counter()
            raw = run()
            warm.append(time.perf_counter() - t0)
            cpu.append(_cpu() - c0)
        rec["warm_all_s"] = warm
        rec["warm_cpu_all_s"] = cpu
        rec["load_warm"] = load + [os.getloadavg()[0]]
        rec["n_warm"] = len(warm)
        if warm:
            rec["warm_s"] = statistics.median(warm)
            rec["warm_cpu_s"] = statistics.median(cpu)
        rec["answer"] = answer(raw)
        if hasattr(run, "extra"):   # a measure with parts (bench/threads.py)
            rec.update(run.extra())
    except Exception as e:  # noqa: BLE001 - every failure becomes a reported cell
        na = type(e).__name__ == "NotAvailable"
        rec["status"] = "not available yet" if na else "error"
        rec["error"] = f"{type(e).__name__}: {e}"
        if not na:
            rec["traceback"] = traceback.format_exc(limit=8)[-3000:]
    rec["peak_rss_mb"] = _rss_mb()
    return rec


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("system")
    ap.add_argument("config")
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--budget", type=float, default=60.0)
    a = ap.parse_args(argv)
    rec = run_case(a.system, json.loads(a.config), a.reps, a.budget)
    rec["pid"] = os.getpid()
    sys.stdout.flush()
    print(PREFIX + json.dumps(rec), flush=True)


if __name__ == "__main__":
    main()
