"""Scaling curves: W2 Wilson-Cowan time vs nodes, W3 COBA time vs neurons, W4
FitzHugh-Nagumo sweep time vs instances (issue 17), for nbblox (strict and
fastmath), the hand-written loops and, with ``peers=True``, the peers."""
from __future__ import annotations

from .config import SCALING
from .harness import run_subprocess

SYSTEMS = {"W2": ["handwritten", "nbblox", "handwritten_fastmath", "handwritten_dgemv",
                  "nbblox_fastmath"],
           "W3": ["handwritten", "nbblox"],
           "W4": ["handwritten", "nbblox", "handwritten_fastmath", "nbblox_fastmath"]}
# TVB is left out: at these sizes one point takes minutes (see the cases' extrapolated times)
PEER_SYSTEMS = {"W2": ["brainpy", "neurolib", "brian2_standalone"],
                "W3": ["brian2_standalone", "brainpy"],
                "W4": ["brian2_standalone", "brainpy"]}
KIND = {"W2": "wc", "W3": "coba", "W4": "sweep"}


def measure(quick=False, peers=False, available=None, log=print, reps=3, budget=30.0,
            only=None):
    """{"W2": [{system, n, warm_s, cold_s, status}], "W3": [...], "W4": [...]}; ``only``:
    the workloads to measure (default all)."""
    out = {}
    for wl, spec in SCALING.items():
        if only is not None and wl not in only:
            continue
        sizes = spec["sizes"][:4] if quick else spec["sizes"]
        t_end = spec["t_end"] / (10 if quick else 1)
        systems = list(SYSTEMS[wl])
        if peers:
            from .peers_env import SYSTEM_PEER
            systems += [s for s in PEER_SYSTEMS[wl]
                        if available is None or available.get(SYSTEM_PEER[s], (False,))[0]]
        rows = []
        for system in systems:
            for n in sizes:
                kind = KIND[wl]
                cfg = dict(kind=kind, n=n, delays=False, t_end=t_end, dt=spec["dt"],
                           name=f"{wl}_scale_{n}", t_run={})
                if "method" in spec:
                    cfg["method"] = spec["method"]
                rec = run_subprocess(system, cfg, reps, budget, 1800)
                log(f"  scaling {wl} {system:18s} n={n:6d} {rec['status']}"
                    + (f" warm {rec['warm_s']:.4g} s" if rec.get("warm_s") else ""))
                rows.append({"system": system, "n": n, "t_end": t_end, "status": rec["status"],
                             "warm_s": rec.get("warm_s"), "cold_s": rec.get("cold_s"),
                             "setup_s": rec.get("setup_s"), "error": rec.get("error"),
                             "answer": rec.get("answer") if kind in ("coba", "sweep") else None})
                if rec["status"] != "ok":
                    break  # a feature not there yet, or a failure: no point going larger
        out[wl] = rows
    return out
