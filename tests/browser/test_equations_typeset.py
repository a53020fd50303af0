"""A blox's equations, as people see them (issue 16): subscripts set as subscripts.

Panel's KaTeX pane showed KaTeX's MathML (its HTML is hidden in the pane's shadow
root), and Chromium lays MathML out with the page's text font: a font without
OpenType MATH tables gets no subscript shift, so Hodgkin-Huxley's ``\\alpha_{m}``
and ``I_{Na}`` read "αm" and "INa", the subscript level with its letter.  The
equations are now typeset by BokehJS's MathJax (:func:`nbblox.ui.text.tex_pane`),
like a served lesson's Markdown maths.

Measured, in every place the equations pane appears: the bottom of each α_m and
I_Na subscript's glyph box lies at least 2 px below its base letter's (MathJax at
15 px: 3.0-3.2 px; the MathML was 0 px).  Also: the "=" signs line up, no TeX
shown raw, no "KaTeX was not imported" warning, nothing fetched from outside
127.0.0.1.

* ``nbblox serve lessons/02_hodgkin_huxley.ipynb`` (the blox shown in a cell);
* ``nbblox serve`` of a Hodgkin-Huxley circuit (the served dashboard);
* the inline dashboard in JupyterLab 4 and in Notebook 7, shown after a plot
  (the plot loads the page's JavaScript: MathJax must come with it);
* without MathJax: the dashboard in JupyterLab after a user's ``pn.extension()``
  (Panel's JavaScript loaded before nbblox's), and in VS Code's inline mode
  (``VSCODE_PID`` set: the JavaScript inlined into the notebook, which MathJax would
  grow by 3.7 MB).  There the equations are nbblox's MathML set in the text font,
  whose subscripts Chromium leaves level ("αm": the KaTeX pane's MathML measured
  0-1.4 px) unless ``MATHML_CSS`` drops them (3 px); the "=" signs line up.
"""
import json
import shutil

import pytest

import lab
from test_dashboard_serve import chromium, nbblox_serve, open_app

pytestmark = pytest.mark.browser

LESSON = lab.REPO / "lessons" / "02_hodgkin_huxley.ipynb"
NOTEBOOK = "notebooks/equations_hh.ipynb"
WANT = {("α", "m"), ("I", "Na")}        # lesson 2's, in the aligned left column and inside
MIN_DROP_PX = 2.0


def check_subscripts(page):
    """Every α_m and I_Na on the page: its subscript reaches below its letter."""
    subs = lab.subscripts(page)
    found = {k: [s for s in subs if (s["base"], s["sub"]) == k] for k in WANT}
    assert all(found.values()), ("no α_m or I_Na found", subs[:20])
    level = [s for v in found.values() for s in v if s["drop"] < MIN_DROP_PX]
    assert not level, level


def check_aligned(page):
    tables = [t for t in lab.equation_columns(page) if t["align"][:2] == ["right", "left"]]
    assert tables, "no aligned equations on the page"
    zigzag = [t for t in tables if max(t["lefts"]) - min(t["lefts"]) > 2]
    assert not zigzag, zigzag


def test_served_lesson_2_sets_subscripts_below_their_letters(tmp_path):
    lab.require_browser()
    shutil.copy(LESSON, tmp_path / LESSON.name)
    with nbblox_serve(tmp_path / LESSON.name, tmp=tmp_path) as (base, log, _), \
            lab.chromium_page(viewport=(1400, 1000)) as page:
        lab.track_requests(page)
        page.goto(f"{base}/{LESSON.stem}", timeout=120_000)
        lab.wait_text(page, "cells ran", timeout_ms=240_000)
        page.wait_for_timeout(1500)
        lab.screenshot(page, "equations_lesson_02")
        check_subscripts(page)
        check_aligned(page)
        assert not lab.raw_math(page, "body"), lab.raw_math(page, "body")
        assert not lab.remote_requests(page), lab.remote_requests(page)
        assert "Traceback" not in log.read_text()


def test_served_dashboard_sets_subscripts_below_their_letters(tmp_path):
    import nbblox as nb
    path = tmp_path / "hh.json"
    nb.Circuit([nb.blox.HodgkinHuxley(name="hh")], name="hh").to_json(path)
    with nbblox_serve(path, tmp=tmp_path) as (base, log, _), chromium() as browser:
        page = open_app(browser, f"{base}/hh")
        page.wait_for_timeout(1500)
        lab.screenshot(page, "equations_dashboard_served")
        check_subscripts(page)
        check_aligned(page)
        assert not lab.raw_math(page, "body"), lab.raw_math(page, "body")
        assert "Traceback" not in log.read_text()


@pytest.mark.parametrize("app", ["lab", "notebook"])
def test_inline_dashboard_sets_subscripts_below_their_letters(tmp_path, app):
    lab.require_browser()
    (tmp_path / "notebooks").mkdir()
    shutil.copy(lab.NOTEBOOKS / "equations_hh.ipynb", tmp_path / NOTEBOOK)
    settings = {"@jupyterlab/notebook-extension:tracker": {"windowingMode": "none"}}
    with lab.jupyter_lab(tmp_path, app=app, settings=settings if app == "lab" else None) \
            as server, lab.chromium_page(viewport=(1400, 1000)) as page:
        lab.track_requests(page)
        (lab.open_notebook if app == "lab" else lab.open_notebook7)(page, server, NOTEBOOK)
        lab.run_all_cells(page, timeout_ms=240_000)
        page.locator(".nbblox-status").first.wait_for(state="attached", timeout=60_000)
        page.wait_for_timeout(3000)
        assert not lab.cell_errors(page), lab.cell_errors(page)
        lab.screenshot_element(page.locator(".jp-OutputArea-child").last, f"equations_{app}")
        check_subscripts(page)
        check_aligned(page)
        outputs = ".jp-OutputArea-output"
        assert not lab.raw_math(page, outputs), lab.raw_math(page, outputs)
        body = " ".join(page.locator(outputs).all_inner_texts())
        assert "was not imported" not in body and "restart the kernel" not in body
        # MathJax came with the plot's loader (BokehJS gives up on it for the page if it
        # is not there when the first widget is drawn), and Panel does not count it as an
        # extension: Panel would make every later output wait (5 s) for a global
        # MathJax, which BokehJS's bundle does not define
        assert page.evaluate("() => Bokeh.require('models/text/providers')"
                             ".default_provider.status") == "loaded"
        assert "mathjax" not in lab.kernel_json(
            page, "__import__('sys').modules['panel.config'].panel_extension._loaded_extensions")
        assert not lab.remote_requests(page), lab.remote_requests(page)


def _notebook_outputs_bytes(page):
    """The JSON size of every output in the open notebook (what a saved .ipynb holds)."""
    return page.evaluate("""() => { let n = 0;
        const cells = window.jupyterapp.shell.currentWidget.content.model.cells;
        for (let i = 0; i < cells.length; i++) { const c = cells.get(i);
          if (c.type === 'code') n += JSON.stringify(c.toJSON().outputs || []).length; }
        return n; }""")


@pytest.mark.parametrize("case", ["pn_extension_first", "vscode_inline"])
def test_dashboard_without_mathjax_sets_subscripts_below_their_letters(tmp_path, case):
    """nbblox's MathML (no MathJax on the page): subscripts dropped by CSS, not by a
    maths font; in inline mode the notebook does not carry MathJax's bundle."""
    import nbformat
    lab.require_browser()
    (tmp_path / "notebooks").mkdir()
    nb = nbformat.read(lab.NOTEBOOKS / "equations_hh.ipynb", as_version=4)
    env = None
    if case == "pn_extension_first":
        nb.cells.insert(1, nbformat.v4.new_code_cell("import panel as pn\npn.extension()"))
    else:
        env = {"VSCODE_PID": "1"}
    nbformat.write(nb, tmp_path / NOTEBOOK)
    settings = {"@jupyterlab/notebook-extension:tracker": {"windowingMode": "none"}}
    with lab.jupyter_lab(tmp_path, env=env, settings=settings) as server, \
            lab.chromium_page(viewport=(1400, 1000)) as page:
        lab.track_requests(page)
        lab.open_notebook(page, server, NOTEBOOK)
        lab.run_all_cells(page, timeout_ms=240_000)
        page.locator(".jp-OutputArea-output math").first.wait_for(state="attached",
                                                                  timeout=120_000)
        page.wait_for_timeout(3000)
        assert not lab.cell_errors(page), lab.cell_errors(page)
        lab.screenshot_element(page.locator(".jp-OutputArea-child").last,
                               f"equations_lab_{case}")
        assert lab.kernel_json(page, "__import__('nbblox.notebook').notebook.mathjax_ready()") \
            is False
        check_subscripts(page)
        kinds = {s["kind"] for s in lab.subscripts(page)}
        assert kinds == {"mathml"}, kinds
        check_aligned(page)
        outputs = ".jp-OutputArea-output"
        body = " ".join(page.locator(outputs).all_inner_texts())
        assert "exprel" not in body and "was not imported" not in body
        assert not lab.raw_math(page, outputs), lab.raw_math(page, outputs)
        if case == "vscode_inline":
            # BokehJS and Panel inlined once into the first plot's output (6.8 MB, twice
            # over in two mime types); MathJax's bundle made it 10.5 MB
            assert lab.kernel_json(page, "__import__('panel').config.comms") == "vscode"
            size = _notebook_outputs_bytes(page)
            assert size < 8_500_000, size
            # (a user's own pn.extension() asks Panel's CDN for Panel's JavaScript)
            assert not lab.remote_requests(page), lab.remote_requests(page)
