"""Every lesson, opened in a real JupyterLab in headless Chromium and run from
top to bottom the way a student does (Run > Run All Cells).

nbval (tests run on lessons/*.ipynb) executes the cells but never starts a
browser: this checks what the student sees.  For each lesson:

* no cell ends with an error (error outputs in the notebook model, and
  tracebacks shown on the page),
* no uncaught JavaScript error and no failed network request (an offline CDN
  fetch for BokehJS would leave every plot blank),
* at least one Bokeh plot was rendered with data (ColumnDataSources that BokehJS
  holds in the page, with points, and a canvas attached).

One JupyterLab server and one browser serve all lessons (module-scoped); each
lesson's kernel is shut down before the next lesson is opened.  Times per lesson
are printed (``-s``) and written to artifacts/lessons_lab.json; they are
reported, not asserted.
"""
import json
import shutil
import time
from pathlib import Path

import pytest

import lab

pytestmark = pytest.mark.browser

LESSONS = sorted((lab.REPO / "lessons").glob("[0-9][0-9]_*.ipynb"))
TIMINGS = {}

# Responses >= 400 that are part of JupyterLab's normal start-up, not of a lesson:
# none are expected today; an entry here must say why it is harmless.
EXPECTED_HTTP_ERRORS = ()


def _expected_failure(line):
    """Failed requests that do not break a lesson, each with its reason.

    * Panel stylesheets from cdn.holoviz.org: Panel names its stylesheets by
      their CDN address in every output; ``nb.setup_notebook()`` points them at
      the Jupyter server's copies (nbblox/notebook.py), so none should fail, but
      a stylesheet that still did would cost only styling (the excuse stays;
      tests/browser/test_appearance_lab.py asserts that no request at all
      leaves 127.0.0.1).  JavaScript from any CDN is *not* excused: without it
      nothing renders.
    * ``net::ERR_ABORTED``: a request cancelled by the page itself (navigating
      to the next lesson cancels the previous page's polling), not a failure.
    """
    url = line.split()[1] if len(line.split()) > 1 else ""
    if "net::ERR_ABORTED" in line:
        return True
    return url.startswith("https://cdn.holoviz.org/panel/") and url.split("?")[0].endswith(".css")


@pytest.fixture(scope="module")
def lessons_lab(tmp_path_factory):
    """A JupyterLab serving a scratch copy of lessons/ (lessons write files,
    e.g. lesson 11 saves pair.json)."""
    lab.require_browser()
    root = tmp_path_factory.mktemp("lessons-lab")
    (root / "lessons").mkdir()
    for nb in LESSONS:
        shutil.copy(nb, root / "lessons" / nb.name)
    with lab.jupyter_lab(root) as server:
        yield server


@pytest.fixture(scope="module")
def lessons_page(lessons_lab):
    """One Chromium page for every lesson; HTTP errors are collected in
    ``page.http_errors``."""
    with lab.chromium_page() as page:
        page.http_errors = []
        page.on("response", lambda r: r.status >= 400 and page.http_errors.append(
            f"{r.status} {r.request.method} {r.url[:160]}"))
        yield page
    if TIMINGS:
        lab.ARTIFACTS.mkdir(parents=True, exist_ok=True)
        (lab.ARTIFACTS / "lessons_lab.json").write_text(json.dumps(TIMINGS, indent=1))


_MODEL_ERRORS = """() => {
  const nb = window.jupyterapp.shell.currentWidget.content;
  const out = [];
  for (const cell of nb.widgets) {
    const m = cell.model;
    if (m.type !== 'code') continue;
    const tags = m.getMetadata('tags') || [];
    if (tags.includes('raises-exception')) continue;
    for (const o of m.outputs.toJSON())
      if (o.output_type === 'error') out.push(o.ename + ': ' + o.evalue + '  [cell: ' +
                                              m.sharedModel.getSource().slice(0, 80) + ']');
  }
  return out;
}"""

_CELLS_RUN = """() => {
  const nb = window.jupyterapp.shell.currentWidget.content;
  let code = 0, run = 0;
  for (const cell of nb.widgets) if (cell.model.type === 'code') {
    code++; if (cell.model.executionCount !== null) run++; }
  return [code, run];
}"""

_BOKEH_PLOTTED = """() => { if (!(window.Bokeh && Bokeh.documents.length)) return false;
  for (const d of Bokeh.documents) for (const m of d.all_models) {
    if ((m.type || m.constructor.__name__) !== 'ColumnDataSource') continue;
    const data = m.data; const keys = data instanceof Map ? [...data.keys()] : Object.keys(data);
    for (const k of keys) { const v = data instanceof Map ? data.get(k) : data[k];
      if (v && v.length > 1) return true; } }
  return false; }"""


@pytest.mark.slow
@pytest.mark.parametrize("path", LESSONS, ids=[p.stem for p in LESSONS])
def test_lesson_runs_in_jupyterlab(lessons_lab, lessons_page, path):
    page = lessons_page
    page.ux_logs.clear()
    page.http_errors.clear()
    t0 = time.time()
    lab.open_notebook(page, lessons_lab, f"lessons/{path.name}")
    t_open = time.time() - t0
    try:
        lab.run_all_cells(page, timeout_ms=300_000)
        t_run = time.time() - t0 - t_open
        code, run = page.evaluate(_CELLS_RUN)
        assert run == code, f"only {run} of {code} code cells ran"

        errors = page.evaluate(_MODEL_ERRORS)
        assert not errors, "cells ended with errors:\n" + "\n".join(errors)
        shown = lab.cell_errors(page)
        assert not shown, "tracebacks on the page:\n" + "\n\n".join(t[:600] for t in shown)

        # plots render after the kernel is idle: wait for BokehJS to hold data
        page.wait_for_function(_BOKEH_PLOTTED, timeout=60_000)
        page.locator(".bk-Canvas, canvas").first.wait_for(state="attached", timeout=30_000)
        sources = [s for s in lab.bokeh_sources(page) if s["n"] > 1]
        assert sources, lab.bokeh_sources(page)
        page.wait_for_timeout(1000)   # late requests (fonts, images) of the last renders

        page_errors = [ln for ln in page.ux_logs if ln.startswith("[pageerror]")]
        assert not page_errors, "\n".join(page_errors)
        failed = [ln for ln in page.ux_logs if ln.startswith("[requestfailed]")]
        excused = [ln for ln in failed if _expected_failure(ln)]
        failed = [ln for ln in failed if not _expected_failure(ln)]
        assert not failed, "\n".join(failed)
        http = [e for e in page.http_errors if not any(x in e for x in EXPECTED_HTTP_ERRORS)]
        assert not http, "\n".join(http)
        TIMINGS[path.stem] = {"open_s": round(t_open, 1), "run_all_s": round(t_run, 1),
                              "code_cells": code, "bokeh_sources": len(sources),
                              "excused_failed_requests": len(excused)}
        print(f"{path.stem}: open {t_open:.1f} s, run all {t_run:.1f} s, "
              f"{code} cells, {len(sources)} Bokeh sources with data, "
              f"{len(excused)} excused failed requests (Panel CSS on the CDN)")
    except Exception:
        lab.screenshot(page, f"lesson_{path.stem}_failed")
        raise
    finally:
        # free the kernel (memory, CPU) before the next lesson
        page.evaluate("""async () => { const w = window.jupyterapp.shell.currentWidget;
            if (w && w.sessionContext) await w.sessionContext.shutdown(); }""")
