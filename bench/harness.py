"""Run the cases: one fresh process per (system, case), answers checked
against the hand-written reference before a time counts, ratios taken pair
by pair within the same run, and the machine's load sampled throughout.
"""
from __future__ import annotations

import json
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from . import peers_env
from .case import PREFIX
from .config import CASES, PEERS, TOL, case_config

ROOT = Path(__file__).resolve().parent.parent
OURS = ("handwritten", "nbblox", "nbblox_circuit", "nbblox_fastmath", "nbblox_fastmath_1t",
        "handwritten_fastmath", "handwritten_dgemv", "handwritten_nomod", "threads")


class LoadSampler(threading.Thread):
    """Samples the 1-minute load average every few seconds (the machine is shared)."""

    def __init__(self, every=5.0):
        super().__init__(daemon=True)
        self.every, self.samples, self._stop = every, [], threading.Event()

    def run(self):
        while not self._stop.is_set():
            self.samples.append((time.time(), os.getloadavg()[0]))
            self._stop.wait(self.every)

    def stop(self):
        self._stop.set()
        self.samples.append((time.time(), os.getloadavg()[0]))

    def summary(self):
        v = [s[1] for s in self.samples] or [os.getloadavg()[0]]
        return {"min": min(v), "mean": sum(v) / len(v), "max": max(v), "n": len(v)}


def machine():
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = "?"
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f"{kb / 1024**2:.1f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    return {"nproc": os.cpu_count(), "cpu": cpu, "memory": mem, "python": sys.version.split()[0],
            "platform": platform.platform(), "started": time.strftime("%Y-%m-%d %H:%M:%S UTC",
                                                                      time.gmtime())}


def run_subprocess(system, cfg, reps, budget, timeout, python=None):
    """One fresh process: cold numba/nbblox caches, so cold includes compilation."""
    python = python or (sys.executable if system in OURS else str(peers_env.python()))
    tmp = tempfile.mkdtemp(prefix="nbblox-bench-")
    env = dict(os.environ, NUMBA_CACHE_DIR=os.path.join(tmp, "numba"),
               NBBLOX_CACHE_DIR=os.path.join(tmp, "nbblox"), JAX_PLATFORMS="cpu",
               PYTHONPATH=str(ROOT), MPLBACKEND="Agg", OMP_NUM_THREADS="1")
    cmd = [python, "-m", "bench.case", system, json.dumps(cfg), "--reps", str(reps),
           "--budget", str(budget)]
    t0 = time.perf_counter()
    # own session, so a timeout (or ^C) ends the whole tree: make, g++, XLA threads
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            cwd=str(ROOT), env=env, start_new_session=True)
    try:
        out, err = proc.communicate(timeout=timeout)
        r = subprocess.CompletedProcess(cmd, proc.returncode, out, err)
    except BaseException as e:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait()
        if not isinstance(e, subprocess.TimeoutExpired):
            raise
        return {"system": system, "case": cfg["name"], "status": "error",
                "error": f"timed out after {timeout} s"}
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    for line in r.stdout.splitlines():
        if line.startswith(PREFIX):
            rec = json.loads(line[len(PREFIX):])
            rec["process_wall_s"] = time.perf_counter() - t0
            return rec
    tail = "\n".join((r.stderr or r.stdout).strip().splitlines()[-6:])
    return {"system": system, "case": cfg["name"], "status": "error",
            "error": f"process exited {r.returncode} without a result: {tail}"}


def _close(key, ref, got):
    tol = TOL.get(key, 0)
    if key in ("rate_hz", "total_spikes", "n_osc"):
        return abs(got - ref) <= tol * max(abs(ref), 1e-12), f"{got:g} vs {ref:g}"
    if key == "spikes":
        return abs(got - ref) <= 1, f"{got} vs {ref}"
    if key == "fit_params":
        d = max((abs(a / b - 1) for a, b in zip(got, ref)), default=0.0)
        return len(got) == len(ref) and d <= tol, f"max relative diff {d:.2g}"
    if key in ("E_end", "hopf_I"):
        if len(got) != len(ref):
            return False, f"{len(got)} values vs {len(ref)}"
        d = max((abs(a - b) for a, b in zip(got, ref)), default=0.0)
        return d <= tol, f"max |diff| {d:.2g}"
    if key == "V":
        bad = sum(len(a) != len(b) or any(abs(x - y) > tol for x, y in zip(a, b))
                  for a, b in zip(got, ref))
        d = max((abs(x - y) for a, b in zip(got, ref) if len(a) == len(b)
                 for x, y in zip(a, b)), default=0.0)
        return (bad == 0 and len(got) == len(ref),
                f"{bad} of {len(ref)} parameter values differ; max |diff| {d:.2g}")
    return got == ref, f"{got} vs {ref}"


def check(ref, got):
    """(ok, text): every checked quantity of ``ref`` agrees in ``got``."""
    notes, ok = [], True
    for key, rv in ref.items():
        if key == "V_end":  # informational: peers start gates from their own steady state
            if "V_end" in got:
                notes.append(f"V_end diff {abs(got['V_end'] - rv):.2g}")
            continue
        if key not in got:
            continue
        good, text = _close(key, rv, got[key])
        ok &= good
        notes.append(f"{key}: {text}" + ("" if good else " MISMATCH"))
    return ok, "; ".join(notes)


def run_case(name, quick=False, tiny=False, peers=True, available=None, reps=5, budget=60.0,
             timeout=1800.0, log=print, only_systems=None, run=None):
    """Every system of case ``name`` in a fresh process each; ``run`` (the run's
    start time) is stamped on every record, so a later ``--merge`` knows its origin."""
    cfg = case_config(name, quick, tiny)
    recs = []
    for system in cfg["systems"]:
        if only_systems and system not in only_systems:
            continue
        peer = peers_env.SYSTEM_PEER.get(system)
        if peer and not peers:
            recs.append({"system": system, "case": name, "status": "skipped (--no-peers)"})
            continue
        if peer and available is not None and not available.get(peer, (False, ""))[0]:
            recs.append({"system": system, "case": name, "status": "not installed",
                         "error": available.get(peer, (False, "?"))[1]})
            continue
        log(f"  {name:16s} {system:18s} ...", end="")
        rec = run_subprocess(system, cfg, reps, budget, timeout)
        log(f" {rec['status']}" + (f" warm {rec['warm_s']:.4g} s" if rec.get("warm_s") else "")
            + (f" ({rec.get('error', '')[:120]})" if rec["status"] != "ok" else ""))
        recs.append(rec)
    _validate(cfg, recs, reps, budget, timeout)
    for r in recs:
        r["run"] = run
    out = {"case": name, "title": cfg["title"], "config": cfg, "records": recs,
           "ratios": ratios(recs)}
    if cfg["kind"] == "sweep" and (not only_systems or "threads" in only_systems):
        log(f"  {name:16s} {'threads':18s} ...", end="")
        out["threads"] = rec = _threads(cfg, recs, reps, budget, timeout)
        rec["run"] = run
        log(f" {rec['status']}" + (f" {rec['check']}" if rec.get("check") else "")
            + (f" ({rec.get('error', '')[:120]})" if rec["status"] != "ok" else ""))
    return out


def _threads(cfg, recs, reps, budget, timeout):
    """bench/threads.py in its own fresh process: nbblox and the hand-written
    prange loop on 1 and 2 threads, interleaved; both answers checked against
    the serial hand-written loop's."""
    rec = run_subprocess("threads", cfg, max(reps, 5), budget, timeout)
    if rec.get("status") != "ok":
        return rec
    ref = next((r.get("answer") for r in recs if r.get("system") == "handwritten"
                and r.get("status") == "ok"), None)
    if ref is None:
        ref = run_subprocess("handwritten", cfg, 0, budget, timeout).get("answer")
    if ref is None:
        rec["valid"], rec["check"] = False, "no reference answer"
        return rec
    got = rec["answer"]
    ok1, t1 = check(ref, {k: v for k, v in got.items() if not k.startswith("hw_")})
    ok2, t2 = check(ref, {k[3:]: v for k, v in got.items() if k.startswith("hw_")})
    rec["valid"], rec["check"] = ok1 and ok2, f"nbblox {t1}; hand-written prange {t2}"
    return rec


def _validate(cfg, recs, reps, budget, timeout):
    refs = {}
    for r in recs:
        if r.get("system") == "handwritten" and r.get("status") == "ok":
            refs[(r.get("t_end_run"), r.get("n_run"))] = r["answer"]
    for r in recs:
        if r.get("status") != "ok":
            continue
        key = (r.get("t_end_run"), r.get("n_run"))
        if key not in refs:  # a slow peer ran a shorter time: reference for that time
            ref_cfg = dict(cfg, t_run={}, n_run={})
            for k, v in zip(("t_end", "n"), key):
                if v is not None:
                    ref_cfg[k] = v
            ref = run_subprocess("handwritten", ref_cfg, 0, budget, timeout)
            refs[key] = ref.get("answer")
        ref = refs.get(key)
        if ref is None:
            r["valid"], r["check"] = False, "no reference answer"
            continue
        r["valid"], r["check"] = check(ref, r["answer"])
        r["warm_full_s"] = r["warm_s"] * r.get("scale", 1.0) if r.get("warm_s") else None


def ratios(recs):
    """nbblox warm / other warm, for every pair whose answers were both checked and
    that was measured in the same run (``run``: records carried over from an older
    run by ``bench --merge`` are never divided by this run's times)."""
    by = {r["system"]: r for r in recs if r.get("valid") and r.get("warm_full_s")}
    out = {}
    for mine in ("nbblox", "nbblox_circuit", "nbblox_fastmath"):
        if mine not in by:
            continue
        out[mine] = {s: by[mine]["warm_full_s"] / r["warm_full_s"] for s, r in by.items()
                     if s != mine and r.get("run") == by[mine].get("run")}
    return out


def all_cases():
    return list(CASES)


__all__ = ["run_case", "machine", "LoadSampler", "check", "ratios", "PEERS", "all_cases"]
