"""The issue-2 targets and the W6 cold start, each measured in fresh processes:

- re-simulating after a parameter change costs the warm time (no recompile);
- fresh process, warm disk cache: ``import nbblox`` + compile + first HH
  simulate under 1.5 s;
- a 10^7-step HH run recording one variable with stride 10 stays under
  200 MB peak RSS.
(HH warm within 1.5x of hand-written numba comes from the W1 case records.)
"""
from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

from .harness import ROOT

RESIM = r"""
import json, statistics, time, nbblox as nb
s = nb.compile(nb.blox.HodgkinHuxley(name="hh", I=10.0))
T, dt = {t_end}, 0.01
nb.simulate(s, T, dt=dt, record=["hh.V"])
k = s._k.run_rk4
sig0 = len(getattr(k, "signatures", []))
same, changed = [], []
for i in range(5):
    a = time.perf_counter(); nb.simulate(s, T, dt=dt, record=["hh.V"]); same.append(time.perf_counter() - a)
for I in (5.0, 7.5, 12.0, 20.0, 40.0):
    a = time.perf_counter(); nb.simulate(s, T, dt=dt, record=["hh.V"], params={{"hh.I": I}})
    changed.append(time.perf_counter() - a)
s.params["hh.g_K"] = 30.0
a = time.perf_counter(); nb.simulate(s, T, dt=dt, record=["hh.V"]); changed.append(time.perf_counter() - a)
print("RESULT", json.dumps(dict(warm_s=statistics.median(same), changed_s=statistics.median(changed),
      new_signatures=len(getattr(k, "signatures", [])) - sig0)))
"""

COLD = r"""
import time
t0 = time.perf_counter()
import nbblox as nb
t1 = time.perf_counter()
s = nb.compile(nb.blox.HodgkinHuxley(name="hh", I=10.0))
t2 = time.perf_counter()
sol = nb.simulate(s, {t_end}, dt=0.01, record=["hh.V"])
t3 = time.perf_counter()
import json
print("RESULT", json.dumps(dict(import_s=t1 - t0, compile_s=t2 - t1, first_sim_s=t3 - t2,
                                total_s=t3 - t0)))
"""

MEMORY = r"""
import json, resource, time, nbblox as nb
s = nb.compile(nb.blox.HodgkinHuxley(name="hh", I=10.0))
nb.simulate(s, 1.0, dt=0.01, record=["hh.V"])
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
a = time.perf_counter()
sol = nb.simulate(s, {t_end}, dt=0.01, record=["hh.V"], stride=10)
wall = time.perf_counter() - a
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print("RESULT", json.dumps(dict(steps=int(round({t_end} / 0.01)), samples=int(sol.t.size),
      rss_after_compile_mb=base, peak_rss_mb=peak, wall_s=wall)))
"""


def _py(code, env=None, timeout=900):
    t0 = time.perf_counter()
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                       cwd=str(ROOT), env=env, timeout=timeout)
    wall = time.perf_counter() - t0
    for line in r.stdout.splitlines():
        if line.startswith("RESULT "):
            d = json.loads(line[7:])
            d["process_wall_s"] = wall
            return d
    raise RuntimeError("\n".join((r.stderr or r.stdout).strip().splitlines()[-6:]))


def measure(quick=False, log=print):
    """All targets; each value or an ``error`` string."""
    tmp = tempfile.mkdtemp(prefix="nbblox-targets-")
    env = dict(os.environ, NBBLOX_CACHE_DIR=tmp, PYTHONPATH=str(ROOT))
    out = {}
    t_end = 100.0 if quick else 1000.0
    try:
        log("  targets: re-simulate after a parameter change")
        out["resimulate"] = _py(RESIM.format(t_end=t_end), env)
        log("  targets: cold start (fresh process, warm disk cache) x5")
        _py(COLD.format(t_end=t_end), env)  # fills the cache
        runs = [_py(COLD.format(t_end=t_end), env) for _ in range(5)]
        out["cold_start"] = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
        out["cold_start"]["runs"] = runs
        steps = 1e5 if quick else 1e7
        log(f"  targets: {steps:.0e}-step run, record 1 variable, stride 10 (peak RSS)")
        out["memory"] = _py(MEMORY.format(t_end=steps * 0.01), env)
    except Exception as e:  # noqa: BLE001 - reported, the rest of the run goes on
        out["error"] = f"{type(e).__name__}: {e}"
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return out
