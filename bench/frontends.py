"""How long people wait for the front ends (issue 16 goals), measured, not asserted:

==========================================  ========  =========================================
measure                                     goal      how
==========================================  ========  =========================================
first plot in a fresh kernel                <= 3 s    new kernel, warm kernel cache: execute
                                                      ``import nbblox``, simulate FHN, display
                                                      ``sol.plot()``; time to the execute reply
inline dashboard                            <= 5 s    same kernel kind: ``nb.dashboard(two WC)``
                                                      built and displayed, in JupyterLab:
                                                      run-cell to its plot's canvas in the page
served lesson, first plot                   <= 5 s    ``nbblox serve lessons/01...``: page load
                                                      to the first canvas (Chromium)
slider with three views                     <= 300 ms explorer of Morris-Lecar with time series,
                                                      phase plane, bifurcation: kernel time of a
                                                      slider move (median of 10), for the
                                                      bifurcation parameter and for another one
saved notebook size                         <= 2 MB   lesson 1 executed with its plots, saved
==========================================  ========  =========================================

Usage::

    python -m bench.frontends [--out bench/results/frontends.json]

One run; the load average is recorded with the numbers (a shared machine inflates
them).  The kernel cache is warmed first (one untimed run of each workload).
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "browser"))

GOALS = {"first_plot_fresh_kernel_s": 3.0, "inline_dashboard_s": 5.0,
         "served_lesson_first_plot_s": 5.0, "slider_three_views_ms": 300.0,
         "saved_lesson_mb": 2.0}

FIRST_PLOT = """import nbblox as nb
sol = nb.simulate(nb.blox.FitzHughNagumo(name="fhn"), 200.0)
sol.plot()"""
DASHBOARD = """a, b = nb.blox.WilsonCowan(name="a"), nb.blox.WilsonCowan(name="b")
pair = nb.Circuit([a, b], name="pair"); pair.connect(a, b, weight=1.5)
nb.dashboard(pair, t_end=100.0)"""
SLIDER = """import time, statistics
ml = nb.blox.MorrisLecar(name="ml", preset="hopf")
ex = nb.explore(ml, vars=["ml.V", "ml.w"], t_end=300.0, dt=0.05,
                views=("timeseries", "phase_plane", "bifurcation"),
                bifurcation=("ml.I", (60.0, 120.0)), params={"ml.I": 90.0})
def moves(name, values):
    out = []
    for v in values:
        t = time.perf_counter(); ex.set({name: v}); out.append(1e3 * (time.perf_counter() - t))
    return statistics.median(out)
same = moves("ml.I", [90.5 + 0.5 * k for k in range(10)])
other = moves("ml.g_L", [2.0 + 0.01 * k for k in range(1, 11)])
print(round(same, 1), round(other, 1))"""


def _kernel(env=None):
    from jupyter_client.manager import start_new_kernel
    return start_new_kernel(kernel_name="python3", env=dict(os.environ, **(env or {})))


def _timed(kc, code):
    t = time.perf_counter()
    out = []
    kc.execute_interactive(code, timeout=600, output_hook=lambda m: out.append(m))
    return time.perf_counter() - t, out


def kernel_measures():
    res = {}
    for warm in (True, False):           # first pass warms the kernel cache
        km, kc = _kernel()
        try:
            res["first_plot_fresh_kernel_s"], _ = _timed(kc, FIRST_PLOT)
            res["inline_dashboard_kernel_s"], _ = _timed(kc, DASHBOARD)
            _, out = _timed(kc, SLIDER)
            text = "".join(m["content"].get("text", "") for m in out
                           if m["header"]["msg_type"] == "stream")
            same, other = (float(x) for x in text.split()[-2:])
            res["slider_three_views_ms"] = same
            res["slider_three_views_recontinue_ms"] = other
        finally:
            kc.stop_channels()
            km.shutdown_kernel(now=True)
    return res                           # the second pass: a fresh kernel, warm cache


def browser_measures():
    import lab
    from test_dashboard_serve import nbblox_serve
    res = {}
    tmp = Path(tempfile.mkdtemp(prefix="nbblox-bench-fe-"))
    lesson = REPO / "lessons" / "01_first_neuron_fhn.ipynb"
    shutil.copy(lesson, tmp / lesson.name)
    for _ in range(2):                     # the first serve warms the caches
        with nbblox_serve(tmp / lesson.name, tmp=tmp) as (base, _log, _), \
                lab.chromium_page(viewport=(1400, 1000)) as page:
            t0 = time.time()
            page.goto(f"{base}/{lesson.stem}", timeout=120_000)
            page.locator("canvas").first.wait_for(state="attached", timeout=120_000)
            res["served_lesson_first_plot_s"] = time.time() - t0
    # the inline dashboard as a person sees it: run the cell, wait for its canvas
    import nbformat
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("import nbblox as nb"),
                nbformat.v4.new_code_cell(DASHBOARD)]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    (tmp / "dash.ipynb").write_text(nbformat.writes(nb))
    with lab.jupyter_lab(tmp) as server, lab.chromium_page(viewport=(1400, 1000)) as page:
        lab.open_notebook(page, server, "dash.ipynb")
        t0 = time.time()
        # not awaited: commands.execute resolves only when the cells have run
        page.evaluate("() => { window.jupyterapp.commands.execute('notebook:run-all-cells'); }")
        # the dashboard's status line (after its first run) and its plot in the page
        lab.wait_text(page, "simulated in", timeout_ms=120_000)
        page.locator(".jp-OutputArea-output canvas").first.wait_for(state="attached",
                                                                    timeout=120_000)
        res["inline_dashboard_s"] = time.time() - t0
        # saved size of lesson 1 with every output, as a student's file would be
        from nbclient import NotebookClient
        nbl = nbformat.read(lesson, 4)
        NotebookClient(nbl, timeout=600, kernel_name="python3",
                       resources={"metadata": {"path": str(tmp)}}).execute()
        saved = tmp / "saved.ipynb"
        nbformat.write(nbl, saved)
        res["saved_lesson_mb"] = saved.stat().st_size / 1e6
    return res


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=REPO / "bench" / "results" / "frontends.json")
    args = ap.parse_args(argv)
    load0 = os.getloadavg()
    res = kernel_measures()
    print("kernel:", {k: round(v, 3) for k, v in res.items()}, flush=True)
    res.update(browser_measures())
    res = {k: round(v, 3) for k, v in res.items()}
    report = {"measures": res, "goals": GOALS, "load_start": load0, "load_end": os.getloadavg(),
              "met": {k: res[k] <= g for k, g in GOALS.items() if k in res}}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=1))
    for k, v in res.items():
        goal = GOALS.get(k)
        print(f"{k:40s} {v:10.3f}" + (f"   goal <= {goal:g} ({'met' if v <= goal else 'NOT met'})"
                                      if goal else ""))
    print(f"load average {load0[0]:.1f} -> {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
