"""Cold start (issues 16 and 17), measured, never asserted: each number is the
median of ``--reps`` runs, with its spread and the 1-minute load average at
each run.

=====================================  ======  ===============================================
measure                                goal    how
=====================================  ======  ===============================================
first plot, fresh kernel               <= 3 s  new Jupyter kernel, warm kernel cache: execute
                                               ``import nbblox``, simulate FHN, ``sol.plot()``
                                               (displayed); time to the execute reply
first explore, three views             <= 3 s  same, ``nb.explore(Morris-Lecar)`` with time
                                               series, phase plane and bifurcation, displayed
first sweep, W4 system                 -       same, ``nb.sweep`` of 1000 FitzHugh-Nagumo
                                               currents (Euler, "rate", 100 ms: the bench
                                               W4 call, short), then ``.sel`` a variable
inline dashboard, JupyterLab           <= 5 s  run-cell to the dashboard's canvas in Chromium
                                               (warm kernel cache; ``--browser`` to include)
``nbblox demo``, empty kernel cache    <= 6 s  wall time of the command with an empty
                                               ``NBBLOX_CACHE_DIR`` (numba's cache of nbblox's
                                               helper kernels as installed), and with numba's
                                               cache empty too (``NUMBA_CACHE_DIR``: the first
                                               run after an install)
=====================================  ======  ===============================================

Usage::

    python -m bench.coldstart [--reps 5] [--browser] [--baseline DIR] [--out bench/results/coldstart.json]
    python -m bench --merge --coldstart [--coldstart-baseline DIR] --no-cases --no-targets --no-scaling

(the second writes the measures into ``bench/RESULTS.md``'s time-to-first-result section).
``--baseline DIR``: a checkout of an earlier nbblox (``git archive``) measured back to back
with this one, run for run in alternating order, so both see the same machine load; the
report gives each measure's ratio this / baseline.

The kernel cache is warmed by one untimed run of each kernel measure first.
The CPU seconds of the kernel process (``time.process_time`` inside it) are
recorded too: on this shared 2-core machine they vary far less than wall time.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

GOALS = {"first_plot_s": 3.0, "first_explore_s": 3.0, "inline_dashboard_s": 5.0,
         "demo_empty_cache_s": 6.0}

_CPU = "\nimport time as _t; print('CPU', _t.process_time())"
FIRST_PLOT = """import nbblox as nb
sol = nb.simulate(nb.blox.FitzHughNagumo(name="fhn"), 200.0)
display(sol.plot())""" + _CPU
EXPLORE = """import nbblox as nb
ml = nb.blox.MorrisLecar(name="ml", preset="hopf")
ex = nb.explore(ml, vars=["ml.V", "ml.w"], t_end=300.0, dt=0.05,
                views=("timeseries", "phase_plane", "bifurcation"),
                bifurcation=("ml.I", (60.0, 120.0)), params={"ml.I": 90.0})
display(ex)""" + _CPU


# the bench W4 call (bench/sys_nbblox.py) cut to 100 ms of model time, so that the
# cold costs (imports, kernel loading, the Dataset) are not buried under integration
FIRST_SWEEP = """import numpy as np
import nbblox as nb
fhn = nb.blox.FitzHughNagumo(name="fhn", a=0.7, b=0.8, tau=12.5, init={"V": 0.0, "w": 0.0})
res = nb.sweep(fhn, {"fhn.I": np.linspace(0.0, 2.0, 1000)}, t_end=100.0, dt=0.01,
               method="euler", record=["fhn.V"], measure="rate", threshold=1.0)
rate = res["rate"].sel(variable="fhn.V")
print(int((rate > 0).sum()), "of", rate.size, "currents spike")""" + _CPU


def _load():
    return round(os.getloadavg()[0], 2)


def _env(tree=None, **extra):
    """Environment of a measured process: nbblox from ``tree`` (default: this
    checkout), its own kernel cache folder."""
    tree = Path(tree or REPO).resolve()
    tag = "this" if tree == REPO else "base"
    env = dict(os.environ, PYTHONPATH=str(tree),
               NBBLOX_CACHE_DIR=os.environ.get("NBBLOX_CACHE_DIR", str(
                   Path(tempfile.gettempdir()) / "nbblox-bench-coldstart")) + "-" + tag)
    env.update(extra)
    return env


def kernel_cell(code, env=None):
    """(wall s, kernel CPU s) of ``code`` as the first cell of a fresh kernel."""
    from jupyter_client.manager import start_new_kernel
    # a neutral working folder: the kernel puts its cwd first on sys.path
    km, kc = start_new_kernel(kernel_name="python3", env=env or dict(os.environ),
                              cwd=tempfile.gettempdir())
    try:
        out = []
        t = time.perf_counter()
        reply = kc.execute_interactive(code, timeout=600, output_hook=out.append)
        wall = time.perf_counter() - t
        assert reply["content"]["status"] == "ok", reply["content"]
        text = "".join(m["content"].get("text", "") for m in out
                       if m["header"]["msg_type"] == "stream")
        cpu = float(text.rsplit("CPU", 1)[1].split()[0])
        return wall, cpu
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def demo(numba_empty, serial=False, tree=None):
    """Wall seconds of ``nbblox demo`` with an empty kernel cache."""
    tmp = Path(tempfile.mkdtemp(prefix="nbblox-bench-demo-"))
    env = _env(tree, NBBLOX_CACHE_DIR=str(tmp / "cache"))
    if numba_empty:
        env["NUMBA_CACHE_DIR"] = str(tmp / "numba")
    if serial:
        env["NBBLOX_DEMO_SERIAL"] = "1"
    t, c = time.perf_counter(), os.times()
    subprocess.run([sys.executable, "-m", "nbblox", "demo", "--out", str(tmp / "out")],
                   env=env, check=True, capture_output=True, timeout=600, cwd=str(tmp))
    c1 = os.times()
    cpu = c1.children_user + c1.children_system - c.children_user - c.children_system
    return time.perf_counter() - t, cpu


def inline_dashboard():
    """Run-cell -> canvas of the inline dashboard in JupyterLab (Chromium)."""
    sys.path.insert(0, str(REPO / "tests" / "browser"))
    import lab
    import nbformat

    from bench.frontends import DASHBOARD
    tmp = Path(tempfile.mkdtemp(prefix="nbblox-bench-dash-"))
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("import nbblox as nb\n" + DASHBOARD)]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    (tmp / "dash.ipynb").write_text(nbformat.writes(nb))
    with lab.jupyter_lab(tmp) as server, lab.chromium_page(viewport=(1400, 1000)) as page:
        lab.open_notebook(page, server, "dash.ipynb")
        t0 = time.time()
        page.evaluate("() => { window.jupyterapp.commands.execute('notebook:run-all-cells'); }")
        lab.wait_text(page, "simulated in", timeout_ms=120_000)
        page.locator(".jp-OutputArea-output canvas").first.wait_for(state="attached",
                                                                    timeout=120_000)
        return time.time() - t0


def _summary(rows):
    walls = [r["s"] for r in rows]
    out = {"median_s": round(statistics.median(walls), 3), "min_s": round(min(walls), 3),
           "max_s": round(max(walls), 3), "runs": rows}
    if all("cpu_s" in r for r in rows):
        out["median_cpu_s"] = round(statistics.median(r["cpu_s"] for r in rows), 3)
    return out


def _rows(run, reps, trees, log, name):
    """``reps`` runs of ``run(tree)`` per tree, alternating which goes first."""
    rows = {t: [] for t in trees}
    for k in range(reps):
        for tree in (trees if k % 2 == 0 else trees[::-1]):
            load = _load()
            out = run(tree)
            wall, cpu = out if isinstance(out, tuple) else (out, None)
            row = {"s": round(wall, 3), "load": load}
            if cpu is not None:
                row["cpu_s"] = round(cpu, 3)
            rows[tree].append(row)
            log(f"  {name} [{'baseline' if tree != trees[0] else 'this'}] {row}")
    return rows


ALL = ("plot", "explore", "sweep", "demo", "demo_numba", "demo_serial", "dashboard")


def measure(reps=5, only=ALL, baseline=None, browser=False, log=print):
    """Every measure as ``{name: summary}``; with ``baseline`` (a folder holding an
    earlier nbblox) also ``{name: {"baseline": summary, "ratio": this / baseline}}``."""
    only = set(only)
    trees = [None] + ([str(Path(baseline).resolve())] if baseline else [])
    res, base = {}, {}
    cells = {"plot": ("first_plot_s", FIRST_PLOT), "explore": ("first_explore_s", EXPLORE),
             "sweep": ("first_sweep_s", FIRST_SWEEP)}
    todo = []
    for what, (name, code) in cells.items():
        if what in only:
            for tree in trees:
                kernel_cell(code, _env(tree))          # warms that tree's kernel cache
            todo.append((name, lambda tree, code=code: kernel_cell(code, _env(tree))))
    for key, name, kw in (("demo", "demo_empty_cache_s", {"numba_empty": False}),
                          ("demo_numba", "demo_empty_cache_and_numba_s", {"numba_empty": True}),
                          ("demo_serial", "demo_empty_cache_serial_s",
                           {"numba_empty": False, "serial": True})):
        if key in only:
            todo.append((name, lambda tree, kw=kw: demo(tree=tree, **kw)))
    if only & {"demo", "demo_serial"}:
        for tree in trees:     # numba's cache of nbblox's helper kernels, as after an install
            demo(numba_empty=False, tree=tree)
    for name, run in todo:
        rows = _rows(run, reps, trees, log, name)
        res[name] = _summary(rows[None])
        if baseline:
            b = _summary(rows[trees[1]])
            base[name] = {"baseline": b, "ratio": round(res[name]["median_s"] / b["median_s"], 3)}
            if "median_cpu_s" in b:
                base[name]["cpu_ratio"] = round(res[name]["median_cpu_s"] / b["median_cpu_s"], 3)
    if browser and "dashboard" in only:
        inline_dashboard()                      # warms the kernel cache and the browser
        rows = []
        for _ in range(reps):
            load = _load()
            rows.append({"s": round(inline_dashboard(), 3), "load": load})
            log(f"  inline_dashboard_s {rows[-1]}")
        res["inline_dashboard_s"] = _summary(rows)
    out = {"measures": res, "goals": GOALS, "reps": reps,
           "when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}
    if baseline:
        out["baseline"] = {"dir": str(baseline), "measures": base}
    return out


def merged(old, new):
    """``new`` measures over ``old`` ones (``--merge``): a measure not taken again
    keeps its numbers, its baseline and the time it was taken (``when``)."""
    if not old:
        return new
    out = dict(new, measures={k: dict(v, when=v.get("when", old.get("when")))
                              for k, v in old.get("measures", {}).items()})
    for k, v in new["measures"].items():
        out["measures"][k] = dict(v, when=new["when"])
    base = dict(old.get("baseline", {}).get("measures", {}))
    base.update(new.get("baseline", {}).get("measures", {}))
    if base:
        out["baseline"] = {"dir": new.get("baseline", old.get("baseline", {})).get("dir"),
                           "measures": base}
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--browser", action="store_true", help="also the inline dashboard")
    ap.add_argument("--only", default="", help="comma list of " + ",".join(ALL))
    ap.add_argument("--baseline", default=None,
                    help="folder with an earlier nbblox, measured back to back with this one")
    ap.add_argument("--out", type=Path, default=REPO / "bench" / "results" / "coldstart.json")
    args = ap.parse_args(argv)
    only = set(filter(None, args.only.split(","))) or set(ALL)
    report = measure(args.reps, only, args.baseline, args.browser,
                     log=lambda *a: print(*a, flush=True))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    old = json.loads(args.out.read_text()) if args.out.exists() else {}
    old.setdefault("runs", []).append(report)
    args.out.write_text(json.dumps(old, indent=1))
    for k, v in report["measures"].items():
        r = report.get("baseline", {}).get("measures", {}).get(k)
        print(f"{k:32s} median {v['median_s']:6.2f} s  [{v['min_s']:.2f}, {v['max_s']:.2f}]"
              + (f"  cpu {v['median_cpu_s']:.2f} s" if "median_cpu_s" in v else "")
              + (f"  / baseline {r['ratio']:.2f}" if r else "")
              + f"  goal {GOALS.get(k, GOALS.get(k.split('_and')[0], '-'))}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
