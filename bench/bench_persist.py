"""Results outside the kernel (issue 20): export_html time and page size for
an explorer, the same with a precomputed slider, a dashboard and a Solution
(against Panel's ``save(embed=True)``, which ran 600 s on a dashboard); and
nb.save / nb.load time and file size of a sweep in netCDF-4 and zarr.

    python bench/bench_persist.py [--out bench/results/persist.json] [--panel-embed]

``--panel-embed`` also times Panel's embed on the explorer's layout, stopped
after 120 s (it is the reason export_html exists).
"""
import argparse
import json
import os
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np

import nbblox as nb

ROOT = Path(__file__).resolve().parents[1]


def timed(fn):
    t = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t


def size(path):
    if os.path.isdir(path):
        return sum(f.stat().st_size for f in Path(path).rglob("*") if f.is_file())
    return os.path.getsize(path)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=str(ROOT / "bench" / "results" / "persist.json"))
    ap.add_argument("--panel-embed", action="store_true")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="nbblox-bench-"))
    rows = []
    try:
        hh = nb.Circuit([nb.blox.HodgkinHuxley(name="hh", I=10.0)], name="hh")
        ex = nb.explore(hh, t_end=500.0, views=("timeseries", "phase_plane"))
        ex.set({"hh.I": 12.0})
        nb.export_html(ex, tmp / "warm.html")            # imports, first renders
        for label, fn in [
            ("explorer (time series + phase plane)", lambda: nb.export_html(ex, tmp / "ex.html")),
            ("explorer + slider over 21 precomputed runs",
             lambda: nb.export_html(ex, tmp / "grid.html",
                                    grid={"hh.I": np.linspace(0.0, 20.0, 21)})),
            ("dashboard (WC pair: time series + circuit)",
             lambda: nb.export_html(nb.dashboard(nb.Circuit(
                 [nb.blox.WilsonCowan(name="e"), nb.blox.WilsonCowan(name="i")], name="pair"),
                 t_end=200.0), tmp / "dash.html")),
            ("Solution (HH, 500 ms)", lambda: nb.export_html(
                nb.simulate(hh, 500.0, dt=0.01), tmp / "sol.html")),
        ]:
            path, s = timed(fn)
            rows.append({"what": f"export_html: {label}", "seconds": round(s, 3),
                         "bytes": size(path)})
        fhn = nb.compile(nb.blox.FitzHughNagumo(name="fhn"))
        ds = nb.sweep(fhn, {"fhn.I": np.linspace(0, 2, 100), "fhn.a": np.linspace(0.5, 0.9, 10)},
                      200.0, dt=0.05, measure=["mean", "max", "rate"], traces=True, stride=20)
        for ext in ("nc", "zarr"):
            path, s = timed(lambda: nb.save(ds, tmp / f"sweep.{ext}"))
            _, t_load = timed(lambda: nb.load(path))
            rows.append({"what": f"save sweep 1000 runs x 2 vars x 201 samples ({ext})",
                         "seconds": round(s, 3), "load_seconds": round(t_load, 3),
                         "bytes": size(path), "in_memory_bytes": int(ds.nbytes)})
        if args.panel_embed:
            import multiprocessing as mp
            ctx = mp.get_context("fork")
            p = ctx.Process(target=lambda: ex.layout.save(str(tmp / "embed.html"), embed=True))
            t = time.perf_counter()
            p.start()
            p.join(120)
            done = not p.is_alive()
            if not done:
                p.kill()
                p.join()
            rows.append({"what": "Panel save(embed=True) of the same explorer",
                         "seconds": round(time.perf_counter() - t, 1),
                         "finished": done})
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    for r in rows:
        print(r)
    when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    Path(args.out).write_text(json.dumps({"when": when, "load": os.getloadavg()[0],
                                          "rows": rows}, indent=1))


if __name__ == "__main__":
    main()
