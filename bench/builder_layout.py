"""Circuit builder speed: an 80-blox, 1000-connection circuit loaded, laid out
and drawn in headless Chromium, then panned and zoomed.

    python bench/builder_layout.py            # writes bench/results/builder_layout.json

Measured (not asserted anywhere; speed lives here, not in tests):
  python_build_s   CircuitBuilder(circuit): networkx spring layout + snapshot (warm;
                   python_build_cold_s includes the first imports)
  snapshot_kb      size of the JSON the front end receives
  browser_load_ms  import of the ES module + render() of the whole circuit
                   (palette, 80 blox, 1000 arrows, fit), up to the first paint
  pan_frame_ms     median / max frame interval while 120 wheel/pan steps are applied
  edit_redraw_ms   one parameter edit -> full redraw of the canvas
"""
from __future__ import annotations

import json
import platform
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests" / "browser"))

import nbblox as nb  # noqa: E402
from nbblox.ui.builder import CircuitBuilder, widget_asset  # noqa: E402

N, E = 80, 1000

LOAD = """async ([esm, state]) => {
  const t0 = performance.now();
  const mod = await import(URL.createObjectURL(new Blob([esm], {type: 'text/javascript'})));
  window.model = makeFakeModel(state);
  await mod.default.render({ model: window.model, el: document.getElementById('root') });
  const t1 = performance.now();
  await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
  return { render_ms: t1 - t0, first_paint_ms: performance.now() - t0,
           nodes: document.querySelectorAll('.nbb-node').length,
           edges: document.querySelectorAll('.nbb-edge').length };
}"""

PAN = """async () => {
  const svg = document.querySelector('.nbb-canvas'), r = svg.getBoundingClientRect();
  const times = [];
  let last = performance.now();
  for (let i = 0; i < 120; i++) {
    svg.dispatchEvent(new WheelEvent('wheel', { deltaY: (i % 40 < 20 ? -30 : 30),
      clientX: r.left + r.width / 2, clientY: r.top + r.height / 2, bubbles: true, cancelable: true }));
    await new Promise(res => requestAnimationFrame(res));
    const now = performance.now(); times.push(now - last); last = now;
  }
  times.sort((a, b) => a - b);
  return { median: times[60], max: times[119] };
}"""

EDIT = """async () => {
  const t0 = performance.now();
  window.model._py_send({type: 'applied', seq: null, view: null, rev: 999,
    ops: [{op: 'set_params', name: 'r0', params: {P: 1.0}}]});
  const t1 = performance.now();
  await new Promise(r => requestAnimationFrame(r));
  return t1 - t0;
}"""


def connectome(seed=0):
    rng = np.random.default_rng(seed)
    W = np.zeros((N, N))
    off = [i for i in range(N * N) if i // N != i % N]
    W.flat[rng.choice(off, size=E, replace=False)] = rng.uniform(0.05, 1.0, size=E)
    return nb.Circuit.from_adjacency([nb.blox.WilsonCowan(name=f"r{i}") for i in range(N)], W)


def main():
    import lab
    from nbblox.ui.builder.layout import auto_layout
    c = connectome()
    t0 = time.perf_counter()
    CircuitBuilder(c)                      # first call: imports networkx, sympy printing ...
    cold = time.perf_counter() - t0
    t0 = time.perf_counter()
    auto_layout(c)
    layout = time.perf_counter() - t0
    t0 = time.perf_counter()
    b = CircuitBuilder(c)
    build = time.perf_counter() - t0
    state = {"palette": b.palette, "snapshot": b.snapshot, "inbox": [], "t_end": 200.0,
             "height": 700}
    esm = widget_asset("circuit_builder.js").read_text()
    css = widget_asset("circuit_builder.css").read_text()
    fake = (REPO / "tests" / "browser" / "js" / "fake_model.js").read_text()
    runs = []
    with lab.chromium_page(viewport=(1400, 900)) as page:
        for _ in range(3):
            page.set_content(f"<html><head><style>{css}</style></head><body>"
                             "<div id='root' style='width:1350px'></div></body></html>")
            page.add_script_tag(content=fake)
            load = page.evaluate(LOAD, [esm, state])
            pan = page.evaluate(PAN)
            edit = page.evaluate(EDIT)
            runs.append({"load": load, "pan": pan, "edit_ms": edit})
    result = {
        "what": f"CircuitBuilder, {N} WilsonCowan blox, {len(c.connections)} connections",
        "python_build_s": round(build, 4),
        "python_build_cold_s": round(cold, 4),
        "python_spring_layout_s": round(layout, 4),
        "load_avg_1min": round(__import__("os").getloadavg()[0], 1),
        "snapshot_kb": round(len(json.dumps(b.snapshot)) / 1024, 1),
        "browser_load_ms": [round(r["load"]["first_paint_ms"], 1) for r in runs],
        "browser_render_call_ms": [round(r["load"]["render_ms"], 1) for r in runs],
        "drawn": {"nodes": runs[-1]["load"]["nodes"], "edges": runs[-1]["load"]["edges"]},
        "pan_frame_ms_median": [round(r["pan"]["median"], 1) for r in runs],
        "pan_frame_ms_max": [round(r["pan"]["max"], 1) for r in runs],
        "edit_redraw_ms": [round(r["edit_ms"], 1) for r in runs],
        "machine": f"{platform.machine()}, {platform.python_version()}, headless Debian chromium, "
                   "2 shared cores (other jobs running)",
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
    }
    out = REPO / "bench" / "results" / "builder_layout.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=1) + "\n")
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
