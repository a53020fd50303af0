"""End-to-end latency of nb.explore in a real browser (issue 6 speed target:
slider move -> plot updated in the browser under 150 ms, kernel part under
50 ms, for Hodgkin-Huxley 1000 ms at dt = 0.01 ms).

Starts JupyterLab 4 on 127.0.0.1 (the helpers of tests/browser/lab.py), opens
a notebook that explores HH, and moves the I slider with the keyboard N times.
For each move the page records, on its own clock:

* ``key``: the keydown on the slider handle (``performance.now()``),
* ``data``: the moment BokehJS's time-series ColumnDataSource holds new data
  (a ``change`` signal of the model, checked against the previous sum),
* ``paint``: the next animation frame after that (the canvas repaint).

The kernel's own split comes from ``Explorer.timings`` of the same runs:
``simulate_ms`` (kernel + min/max decimation), ``push_ms`` (from the end of
the run to the message leaving the kernel: plot update, linked views, status
line, Bokeh serialisation, comm send).  The rest (key -> kernel, comm
transport, BokehJS applying the patch) is ``paint - key - simulate_ms - push_ms``.
The kernel's wall-clock stamps (``recv_wall``, ``sent_wall``) split it further:
``to_kernel_ms`` (keydown -> the slider's message reaches ``Explorer.request``),
``in_kernel_ms``, ``to_page_ms`` (message sent -> BokehJS holds the data) and
``data_to_paint_ms``.

With ``--three`` the notebook explores Morris-Lecar (Hopf set) with three
views (time series, phase plane, bifurcation diagram of I over 60-120, as in
``bench/frontends.py``) and ``--param`` names the slider moved: ``ml.I``
(the continued parameter: the diagram's cursor moves) or another one, e.g.
``ml.g_L`` (issue 16: the diagram is continued again).  ``cycles_ms`` is then
the kernel's time for the limit-cycle branch, and ``cycles_drawn_ms`` the
time from the keydown to the kernel sending the diagram with it (where it is
computed off the slider's path; absent where it is part of the move).

Usage::

    python bench/latency_explore.py [--moves 20] [--t-end 1000] [--out bench/results/latency_explore.json]
    python bench/latency_explore.py --three --param ml.g_L --moves 10 --pause-ms 2500

Prints median and p95 and writes the raw numbers as JSON.  Load average at
start and end is recorded: on a shared machine the numbers are inflated.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "browser"))
import lab  # noqa: E402

NOTEBOOK = {
    "cells": [
        {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
         "source": "import nbblox as nb\nnb.setup_notebook()"},
        {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
         "source": ""},
    ],
    "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3",
                                "language": "python"}},
    "nbformat": 4, "nbformat_minor": 5,
}

# installs a probe on the time-series source (the one with > 500 points in
# column 'value'): every data change is stamped with performance.now()
_PROBE = """() => {
  window.__lat = {key: [], data: [], paint: [], origin: performance.timeOrigin};
  document.addEventListener('keydown', () => window.__lat.key.push(performance.now()), true);
  let src = null;
  for (const d of Bokeh.documents) for (const m of d.all_models) {
    if ((m.type || m.constructor.__name__) !== 'ColumnDataSource') continue;
    const v = m.data instanceof Map ? m.data.get('value') : m.data['value'];
    if (v && v.length > 500) src = m; }
  if (!src) return false;
  const sum = () => { const v = src.data instanceof Map ? src.data.get('value') : src.data['value'];
                      let t = 0; for (const x of v) t += x; return t; };
  let last = sum();
  const check = () => { const s = sum(); if (s !== last) { last = s;
      const t = performance.now(); window.__lat.data.push(t);
      requestAnimationFrame(() => window.__lat.paint.push(performance.now())); } };
  src.change.connect(check);
  if (src.properties && src.properties.data) src.properties.data.change.connect(check);
  if (src.streaming) src.streaming.connect(check);
  if (src.patching) src.patching.connect(check);
  return true;
}"""


def loadavg():
    return os.getloadavg()[0]


def pct(xs, q):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(q * (len(xs) - 1))))]


def _print_profile(prof, n):
    """Self time per JavaScript function of a CDP CPU profile."""
    nodes = {nd["id"]: nd for nd in prof["nodes"]}
    dts = prof.get("timeDeltas", [])
    self_ms = {}
    for sid, dt in zip(prof.get("samples", []), dts):
        cf = nodes[sid]["callFrame"]
        key = f'{cf["functionName"] or "(anon)"} {cf["url"].rsplit("/", 1)[-1][:40]}:{cf["lineNumber"]}'
        self_ms[key] = self_ms.get(key, 0.0) + dt / 1e3
    total = sum(self_ms.values())
    print(f"CPU profile: {total:.0f} ms sampled")
    for k, v in sorted(self_ms.items(), key=lambda kv: -kv[1])[:n]:
        print(f"  {v:8.1f} ms  {k}")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--moves", type=int, default=20)
    ap.add_argument("--t-end", type=float, default=1000.0)
    ap.add_argument("--dt", type=float, default=0.01)
    ap.add_argument("--pause-ms", type=int, default=600, help="wait between moves")
    ap.add_argument("--setup", default="", help="Python run in the kernel before the moves "
                    "(to try a variant)")
    ap.add_argument("--profile", type=int, default=0, metavar="N",
                    help="print the N JavaScript functions with the most self time "
                         "during the moves (Chrome CPU profile)")
    ap.add_argument("--three", action="store_true",
                    help="Morris-Lecar with time series, phase plane and bifurcation view")
    ap.add_argument("--param", default=None,
                    help="the slider to move (default: the first; with --three, ml.I)")
    ap.add_argument("--out", default=str(ROOT / "bench" / "results" / "latency_explore.json"))
    args = ap.parse_args(argv)
    ok, reason = lab.browser_available()
    if not ok:
        raise SystemExit(f"cannot measure: {reason}")
    load0 = os.getloadavg()
    root = Path(tempfile.mkdtemp(prefix="nbblox-latency-"))
    nb = json.loads(json.dumps(NOTEBOOK))
    if args.three:
        nb["cells"][1]["source"] = (
            'ex = nb.explore(nb.blox.MorrisLecar(name="ml", preset="hopf"), vars=["ml.V", "ml.w"], '
            f't_end={args.t_end!r}, dt={args.dt!r}, '
            'views=("timeseries", "phase_plane", "bifurcation"), '
            'bifurcation=("ml.I", (60.0, 120.0)), params={"ml.I": 90.0})\nex')
        workload = (f"Morris-Lecar three views t_end={args.t_end} ms dt={args.dt} ms rk4, "
                    f"moving {args.param or 'ml.I'}, JupyterLab 4, Chromium")
    else:
        nb["cells"][1]["source"] = (
            f'ex = nb.explore(nb.blox.HodgkinHuxley(name="hh"), vars=["hh.V"], '
            f't_end={args.t_end!r}, dt={args.dt!r}, params={{"hh.I": 8.0}})\nex')
        workload = f"HH t_end={args.t_end} ms dt={args.dt} ms rk4, JupyterLab 4, Chromium"
    (root / "latency.ipynb").write_text(json.dumps(nb))
    with lab.jupyter_lab(root) as server, lab.chromium_page(viewport=(1400, 1200)) as page:
        lab.open_notebook(page, server, "latency.ipynb")
        lab.run_all_cells(page, timeout_ms=300_000)
        page.locator("canvas").first.wait_for(state="attached", timeout=120_000)
        page.wait_for_function("() => window.Bokeh && Bokeh.documents.length > 0")
        page.wait_for_timeout(3000)
        if not page.evaluate(_PROBE):
            raise SystemExit("no time-series source found in the page")
        if args.setup:
            print(lab.kernel_exec(page, args.setup))
            page.wait_for_timeout(1000)
        n_timings = lab.kernel_json(page, "len(ex.timings)")
        if args.three:   # the diagram of the starting values first, then nothing pending
            lab.kernel_exec(page, "ex.bifurcation.wait(300) if hasattr(ex.bifurcation, 'wait') "
                                  "else None")
            n_cycles = lab.kernel_json(page, "len(getattr(ex.bifurcation, 'timings', []))")
        cdp = None
        if args.profile:
            cdp = page.context.new_cdp_session(page)
            cdp.send("Profiler.enable")
            cdp.send("Profiler.setSamplingInterval", {"interval": 200})
            cdp.send("Profiler.start")
        handle = page.locator(".noUi-handle").first
        if args.param or args.three:
            name = args.param or "ml.I"
            label = lab.kernel_json(page, f"ex.controls.slider({name!r})[0].name")
            handle = page.locator(".nbblox-slider", has_text=label).locator(".noUi-handle").first
        handle.focus()
        for k in range(args.moves):
            key = "ArrowRight" if k % 2 == 0 else "ArrowLeft"   # I alternates 8.0 <-> 8.1
            n_data = page.evaluate("window.__lat.data.length")
            page.keyboard.press(key)
            page.wait_for_function(f"window.__lat.paint.length > {n_data}", timeout=60_000)
            lab.wait_idle(page)
            page.wait_for_timeout(args.pause_ms)
        prof = cdp.send("Profiler.stop")["profile"] if cdp else None
        lat = page.evaluate("window.__lat")
        kt = lab.kernel_json(page, f"ex.timings[{n_timings}:]")
        ct = []
        if args.three:
            page.wait_for_timeout(args.pause_ms)
            lab.kernel_exec(page, "ex.bifurcation.wait(300) if hasattr(ex.bifurcation, 'wait') "
                                  "else None")
            ct = lab.kernel_json(page, f"getattr(ex.bifurcation, 'timings', [])[{n_cycles}:]")
    load1 = os.getloadavg()
    keys, datas, paints = lat["key"][:args.moves], lat["data"], lat["paint"]
    rows = []
    for k in range(min(len(keys), len(paints), len(kt))):
        row = {"data_ms": datas[k] - keys[k], "paint_ms": paints[k] - keys[k],
               "simulate_ms": kt[k]["simulate_ms"], "push_ms": kt[k]["push_ms"]}
        if kt[k].get("recv_wall") and kt[k].get("sent_wall"):
            # the page's and the kernel's wall clocks are the same machine's clock
            key_wall = (lat["origin"] + keys[k]) / 1e3
            row["to_kernel_ms"] = 1e3 * (kt[k]["recv_wall"] - key_wall)
            row["in_kernel_ms"] = 1e3 * (kt[k]["sent_wall"] - kt[k]["recv_wall"])
            if kt[k].get("start_wall"):   # request -> the run starts (event loop, ipykernel)
                row["queued_ms"] = 1e3 * (kt[k]["start_wall"] - kt[k]["recv_wall"])
            row["to_page_ms"] = datas[k] - 1e3 * kt[k]["sent_wall"] + lat["origin"]
        row["data_to_paint_ms"] = paints[k] - datas[k]
        rows.append(row)
    rows = [r for r in rows if r["data_ms"] > 0]
    summary = {}
    for f in ("paint_ms", "data_ms", "simulate_ms", "push_ms", "to_kernel_ms", "queued_ms",
              "in_kernel_ms", "to_page_ms", "data_to_paint_ms"):
        xs = [r[f] for r in rows if f in r]
        if not xs:
            continue
        summary[f] = {"median": statistics.median(xs), "p95": pct(xs, 0.95),
                      "min": min(xs), "max": max(xs)}
    for c in ct:   # the cycle branch of a move, drawn off the slider's path
        k = c["move"] - 1 - n_timings
        if 0 <= k < len(rows) and k < len(keys):
            rows[k]["cycles_ms"] = c["cycles_ms"]
            rows[k]["cycles_drawn_ms"] = 1e3 * c["drawn_wall"] - lat["origin"] - keys[k]
    for f in ("cycles_ms", "cycles_drawn_ms"):
        xs = [r[f] for r in rows if f in r]
        if xs:
            summary[f] = {"median": statistics.median(xs), "p95": pct(xs, 0.95),
                          "min": min(xs), "max": max(xs)}
    rest = [r["paint_ms"] - r["simulate_ms"] - r["push_ms"] for r in rows]
    summary["rest_ms"] = {"median": statistics.median(rest), "p95": pct(rest, 0.95)}
    if prof:
        _print_profile(prof, args.profile)
    out = {"when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
           "workload": workload,
           "moves": len(rows), "loadavg_start": load0, "loadavg_end": load1,
           "cpus": os.cpu_count(), "summary": summary, "rows": rows}
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(out, indent=1))
    print(f"load {load0[0]:.2f} -> {load1[0]:.2f} on {os.cpu_count()} CPUs; {len(rows)} moves")
    for f, s in summary.items():
        print(f"{f:12s} median {s['median']:7.1f} ms   p95 {s['p95']:7.1f} ms")
    return out


if __name__ == "__main__":
    main()
