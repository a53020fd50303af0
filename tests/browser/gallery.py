"""Screenshots of everything a person sees, for a human to look at:

    python -m tests.browser.gallery OUT/ [--only lab,notebook7,dashboard,lessons]
                                         [--lessons 01,03]

* ``lab_*.png``: JupyterLab 4 at 1400x1000 with the file browser open, the
  notebook ``tests/browser/notebooks/appearance.ipynb`` run with no set-up
  call -- Hodgkin-Huxley ``sol.plot()``, a phase plane, the explorer with three
  views, a circuit card, the inline dashboard, the circuit builder; one PNG per
  output (the window is made taller after the run so nothing is cut, the width
  stays 1400);
* ``notebook7_explorer.png``: the explorer in Jupyter Notebook 7;
* ``dashboard_served.png``: ``nbblox serve`` of a circuit JSON (two Wilson-Cowan);
* ``cycles_pending.png`` and ``cycles_drawn.png``: the three-view explorer
  (Morris-Lecar) in JupyterLab after a non-continued parameter moved, while
  its limit-cycle branch is computed in the background (held back by the
  notebook until the first picture is taken), then after it is drawn;
  ``cycles_pending_rendered.png`` and ``cycles_drawn_rendered.png``: each
  again after the bifurcation view was rendered by HoloViews at the same state
  (the pictures before were drawn in place: they should look the same);
* ``cycles_cursor.png`` and ``cycles_cursor_rendered.png``: the same after the
  continued parameter moved (the cursor and the phase plane's layers patched
  in place in the page), then after both views were rendered again at the
  same value: the two should look the same;
* ``lesson_NN_page.png`` and ``lesson_NN_fig_K.png``: every lesson served by
  ``nbblox serve`` (the whole page, then each cell that draws a figure).

Everything runs offline on 127.0.0.1 (Debian Chromium, never a CDN).  Running
all lessons takes several minutes (they compute what they teach).  The
timings are printed, not judged: bench/ measures them.
"""
from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import lab  # noqa: E402

PARTS = ("lab", "notebook7", "dashboard", "lessons", "cycles")


def _tall(page, height=None):
    """Make the window tall enough for the whole content (width unchanged)."""
    h = height or page.evaluate(
        "() => Math.max(...[...document.querySelectorAll('*')].map(e => e.scrollHeight))")
    page.set_viewport_size({"width": 1400, "height": int(min(max(h + 80, 1000), 15000))})
    page.wait_for_timeout(1500)


def lab_outputs(out):
    root = Path(tempfile.mkdtemp(prefix="nbblox-gallery-"))
    (root / "notebooks").mkdir()
    shutil.copy(lab.NOTEBOOKS / "appearance.ipynb", root / "notebooks" / "appearance.ipynb")
    settings = {"@jupyterlab/notebook-extension:tracker": {"windowingMode": "none"}}
    names = ["hh_plot", "phase_plane", "explorer", "explorer_single", "circuit_card", "dashboard",
             "builder"]
    # 1400 px wide like the tests (the width decides the layout); tall, so that every
    # output is on screen whole
    with lab.jupyter_lab(root, settings=settings) as server, \
            lab.chromium_page(viewport=(1400, 1000)) as page:
        t0 = time.time()
        lab.open_notebook(page, server, "notebooks/appearance.ipynb")
        lab.run_all_cells(page, timeout_ms=300_000)
        page.wait_for_timeout(5000)
        print(f"lab: notebook ran in {time.time() - t0:.0f} s")
        page.screenshot(path=str(out / "lab_window.png"))
        # the notebook scrolls inside its panel: a window as tall as the notebook (same
        # 1400 px width, so the same layout) shows every output whole
        # (measured again after each resize: responsive outputs grow when the window does,
        # and the last ones were cut off by the status bar)
        for _ in range(3):
            h = page.evaluate("() => document.querySelector('.jp-WindowedPanel-outer, "
                              ".jp-Notebook').scrollHeight")
            if h + 300 <= page.viewport_size["height"]:
                break
            _tall(page, h + 300)
        page.evaluate("() => document.querySelector('.jp-WindowedPanel-outer, "
                      ".jp-Notebook').scrollTo(0, 0)")
        page.wait_for_timeout(1500)
        shown = [c for c in page.locator(".jp-Cell.jp-CodeCell").all()
                 if c.locator(".jp-OutputArea-output").count()]
        k = 0
        for cell in shown:
            outs = [o for o in cell.locator(".jp-OutputArea-child").all()
                    if (o.bounding_box() or {}).get("height", 0) > 20]
            if not outs:
                continue
            name = names[k] if k < len(names) else f"output_{k}"
            outs[-1].screenshot(path=str(out / f"lab_{name}.png"))
            k += 1
        print(f"lab: {k} outputs")


def notebook7(out):
    root = Path(tempfile.mkdtemp(prefix="nbblox-gallery7-"))
    shutil.copytree(lab.NOTEBOOKS, root / "notebooks")
    with lab.jupyter_lab(root, app="notebook") as server, \
            lab.chromium_page(viewport=(1400, 1000)) as page:
        lab.open_notebook7(page, server, "notebooks/explore_hh.ipynb")
        lab.run_all_cells(page)
        page.locator("canvas").first.wait_for(state="attached", timeout=60_000)
        page.wait_for_timeout(4000)
        # the notebook scrolls inside its panel: a taller window shows the explorer whole
        # (it was cut at the window's bottom edge)
        for _ in range(3):
            h = page.evaluate("() => Math.max(...[...document.querySelectorAll("
                              "'.jp-WindowedPanel-outer, .jp-Notebook')].map(e => e.scrollHeight))")
            if h + 300 <= page.viewport_size["height"]:
                break
            _tall(page, h + 300)
        page.screenshot(path=str(out / "notebook7_explorer.png"), full_page=True)


def dashboard(out):
    import nbblox as nb
    from test_dashboard_serve import nbblox_serve
    tmp = Path(tempfile.mkdtemp(prefix="nbblox-gallery-dash-"))
    a, b = nb.blox.WilsonCowan(name="a"), nb.blox.WilsonCowan(name="b")
    nb.Circuit([a, b], name="pair").connect(a, b, weight=1.5).to_json(tmp / "pair.json")
    with nbblox_serve(tmp / "pair.json", tmp=tmp) as (base, _log, _), \
            lab.chromium_page(viewport=(1400, 1000)) as page:
        t0 = time.time()
        page.goto(f"{base}/pair", timeout=120_000)
        page.locator("canvas").first.wait_for(state="attached", timeout=120_000)
        print(f"served dashboard: first plot after {time.time() - t0:.1f} s")
        page.wait_for_timeout(3000)
        _tall(page)
        page.screenshot(path=str(out / "dashboard_served.png"))


def lessons(out, which=None):
    from test_dashboard_serve import nbblox_serve
    files = sorted((lab.REPO / "lessons").glob("[0-9][0-9]_*.ipynb"))
    if which:
        files = [f for f in files if f.name[:2] in which]
    tmp = Path(tempfile.mkdtemp(prefix="nbblox-gallery-lessons-"))
    folder = tmp / "lessons"
    folder.mkdir()
    for f in files:
        shutil.copy(f, folder / f.name)
    with nbblox_serve(folder, tmp=tmp) as (base, _log, _), \
            lab.chromium_page(viewport=(1400, 1000)) as page:
        for f in files:
            nn = f.name[:2]
            t0 = time.time()
            page.set_viewport_size({"width": 1400, "height": 1000})
            page.goto(f"{base}/{f.stem}", timeout=120_000)
            try:
                page.locator("canvas").first.wait_for(state="attached", timeout=300_000)
                first = time.time() - t0
                if page.locator(".nbblox-lesson-status").count():   # a lesson page, not a
                    lab.wait_text(page, "cells ran", timeout_ms=900_000)  # .servable() app
            except Exception as exc:          # a lesson that fails still gets its picture
                print(f"lesson {nn}: {type(exc).__name__}: {exc}")
                first = float("nan")
            print(f"lesson {nn}: first plot {first:.1f} s, all cells {time.time() - t0:.0f} s")
            page.wait_for_timeout(2000)
            _tall(page)
            page.screenshot(path=str(out / f"lesson_{nn}_page.png"))
            k = 0
            for cell in page.locator(".nbblox-cell").all():
                if cell.locator("canvas").count() and (cell.bounding_box() or {}).get("height"):
                    k += 1
                    cell.screenshot(path=str(out / f"lesson_{nn}_fig_{k}.png"))


_CYCLES = """import threading
import nbblox as nb
ex = nb.explore(nb.blox.MorrisLecar(name="ml", preset="hopf"), vars=["ml.V", "ml.w"],
                t_end=300.0, dt=0.05, views=("timeseries", "phase_plane", "bifurcation"),
                bifurcation=("ml.I", (60.0, 120.0)), params={"ml.I": 90.0})
ex.bifurcation.wait(300)
ex"""


def _rendered_too(page, out_area, path):
    """The bifurcation view rendered again by HoloViews at the state it shows
    (drawn in place until now): the picture should not change."""
    lab.kernel_exec(page, "ex.bifurcation.pipe.send(ex.bifurcation.pipe.data)")
    page.wait_for_timeout(4000)
    out_area.screenshot(path=str(path))


def cycles(out):
    """The bifurcation view while its cycle branch is pending, and after."""
    import json
    root = Path(tempfile.mkdtemp(prefix="nbblox-gallery-cycles-"))
    cell = {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
            "source": _CYCLES}
    nb = {"cells": [cell], "metadata": {"kernelspec": {"name": "python3", "language": "python",
                                                       "display_name": "Python 3"}},
          "nbformat": 4, "nbformat_minor": 5}
    (root / "cycles.ipynb").write_text(json.dumps(nb))
    # 1400 px wide like the tests; tall enough for the whole output (at 1300 px the
    # notebook's scroll panel cut the bifurcation view's legend off)
    with lab.jupyter_lab(root) as server, lab.chromium_page(viewport=(1400, 1700)) as page:
        lab.open_notebook(page, server, "cycles.ipynb")
        lab.run_all_cells(page, timeout_ms=300_000)
        page.locator("canvas").first.wait_for(state="attached", timeout=120_000)
        page.wait_for_timeout(3000)
        # hold the next cycle branch back until the first picture is taken
        lab.kernel_exec(page, "gate = threading.Event(); _orig = ex.bifurcation._continue_cycles\n"
                              "ex.bifurcation._continue_cycles = "
                              "lambda h: (gate.wait(120), _orig(h))[1]\n"
                              "ex.controls.sync({'ml.g_L': 2.3}); ex.request({'ml.g_L': 2.3})")
        lab.wait_kernel(page, "ex.bifurcation.pending", bool)
        page.wait_for_timeout(3000)
        out_area = page.locator(".jp-OutputArea-output").last
        out_area.screenshot(path=str(out / "cycles_pending.png"))
        _rendered_too(page, out_area, out / "cycles_pending_rendered.png")
        lab.kernel_exec(page, "gate.set()")
        lab.wait_kernel(page, "ex.bifurcation.pending", lambda v: not v, timeout_ms=300_000)
        page.wait_for_timeout(3000)
        out_area.screenshot(path=str(out / "cycles_drawn.png"))
        print("cycles: new diagrams drawn in place:",
              lab.kernel_json(page, "ex.bifurcation.redraws"),
              "; rendered:", lab.kernel_json(page, "ex.bifurcation.renders"))
        _rendered_too(page, out_area, out / "cycles_drawn_rendered.png")
        lab.kernel_exec(page, "_n = ex.phase_plane.renders\n"
                              "ex.controls.sync({'ml.I': 93.0}); ex.request({'ml.I': 93.0})")
        lab.wait_kernel(page, "ex.last.params['ml.I']", lambda v: v == 93.0)
        page.wait_for_timeout(3000)
        out_area.screenshot(path=str(out / "cycles_cursor.png"))
        print("cycles: cursor moves patched in place:",
              lab.kernel_json(page, "ex.bifurcation.cursor_patches"),
              "; phase plane rendered again:", lab.kernel_json(page, "ex.phase_plane.renders - _n"))
        lab.kernel_exec(page, "ex.bifurcation.pipe.send(ex.bifurcation.pipe.data); "
                              "ex.phase_plane.pipe.send(ex.phase_plane.payload)")
        page.wait_for_timeout(4000)
        out_area.screenshot(path=str(out / "cycles_cursor_rendered.png"))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--only", default=",".join(PARTS), help="comma-separated: " + ", ".join(PARTS))
    ap.add_argument("--lessons", default="", help="lesson numbers, e.g. 01,03 (default all)")
    args = ap.parse_args(argv)
    ok, why = lab.browser_available()
    if not ok:
        raise SystemExit(f"gallery: {why}")
    args.out.mkdir(parents=True, exist_ok=True)
    parts = [p.strip() for p in args.only.split(",") if p.strip()]
    for p in parts:
        if p not in PARTS:
            raise SystemExit(f"gallery: unknown part {p!r}; parts: {', '.join(PARTS)}")
    if "lab" in parts:
        lab_outputs(args.out)
    if "notebook7" in parts:
        notebook7(args.out)
    if "dashboard" in parts:
        dashboard(args.out)
    if "cycles" in parts:
        cycles(args.out)
    if "lessons" in parts:
        lessons(args.out, [x.strip() for x in args.lessons.split(",") if x.strip()] or None)
    pngs = sorted(args.out.glob("*.png"))
    print(f"gallery: {len(pngs)} PNG files in {args.out}")


if __name__ == "__main__":
    main()
