"""Scaling curves: W2 Wilson-Cowan time vs nodes, W3 COBA time vs neurons."""
from __future__ import annotations

from .config import SCALING
from .harness import run_subprocess

SYSTEMS = {"W2": ["handwritten", "nbblox"], "W3": ["handwritten", "nbblox"]}
PEER_SYSTEMS = {"W2": ["brainpy", "neurolib"], "W3": ["brian2_standalone", "brainpy"]}


def measure(quick=False, peers=False, available=None, log=print, reps=3, budget=30.0):
    """{"W2": [{system, n, warm_s, cold_s, status}], "W3": [...]}."""
    out = {}
    for wl, spec in SCALING.items():
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
                kind = "wc" if wl == "W2" else "coba"
                cfg = dict(kind=kind, n=n, delays=False, t_end=t_end, dt=spec["dt"],
                           name=f"{wl}_scale_{n}", t_run={})
                rec = run_subprocess(system, cfg, reps, budget, 1800)
                log(f"  scaling {wl} {system:18s} n={n:6d} {rec['status']}"
                    + (f" warm {rec['warm_s']:.4g} s" if rec.get("warm_s") else ""))
                rows.append({"system": system, "n": n, "t_end": t_end, "status": rec["status"],
                             "warm_s": rec.get("warm_s"), "cold_s": rec.get("cold_s"),
                             "setup_s": rec.get("setup_s"), "error": rec.get("error"),
                             "answer": rec.get("answer") if kind == "coba" else None})
                if rec["status"] != "ok":
                    break  # a feature not there yet, or a failure: no point going larger
        out[wl] = rows
    return out
