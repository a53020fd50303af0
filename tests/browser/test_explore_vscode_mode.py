"""The VS Code rendering path of nb.explore, checked in JupyterLab.

VS Code cannot run here.  What VS Code does differently: its kernel has
``VSCODE_PID`` set, so Panel switches to ``comms="vscode"`` and renders every
Panel object as a jupyter_bokeh ipywidget (a standard
``application/vnd.jupyter.widget-view+json`` output) instead of Panel's own
comm mimebundle.  This test starts the kernel with ``VSCODE_PID`` set, so the
explorer goes through exactly that path, and JupyterLab's ipywidgets manager
(with the jupyter_bokeh extension) renders it: the slider must still
re-simulate and the page's Bokeh data must change."""
import pytest

import lab
from test_explore_lab import _fingerprint
from test_explore_notebook7 import _CHANGED

pytestmark = pytest.mark.browser
import jupyter_bokeh  # noqa: F401  (installed by the test extra)


@pytest.fixture(scope="module")
def vscode_lab(tmp_path_factory):
    import shutil
    lab.require_browser()
    root = tmp_path_factory.mktemp("vscode")
    shutil.copytree(lab.NOTEBOOKS, root / "notebooks")
    with lab.jupyter_lab(root, env={"VSCODE_PID": "1"}) as server:
        yield server


def _wait_for_plot(page):
    """Wait, step by step, until the explorer's widget has drawn; a timeout says
    which step never happened and what the page logged (CI saw this wait time out
    once, in 2016 passing tests, without a trace of why)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    steps = [("BokehJS loaded by the first display", "() => window.Bokeh !== undefined"),
             ("a Bokeh canvas", None)]
    for what, js in steps:
        try:
            if js is None:
                page.locator("canvas").first.wait_for(state="attached", timeout=120_000)
            else:
                page.wait_for_function(js, timeout=120_000)
        except PlaywrightTimeout:
            outputs = page.locator(".jp-OutputArea-output").all_inner_texts()
            pytest.fail(f"no {what} after 120 s; output texts: {[t[:200] for t in outputs]}; "
                        f"page log (last 30): {page.ux_logs[-30:]}")


def test_explore_renders_as_an_ipywidget_like_in_vscode(vscode_lab, browser_page):
    page = browser_page
    lab.open_notebook(page, vscode_lab, "notebooks/explore_hh.ipynb")
    lab.run_all_cells(page)
    assert not lab.cell_errors(page), lab.cell_errors(page)
    assert lab.kernel_json(page, "__import__('panel').config.comms") == "vscode"
    try:
        _wait_for_plot(page)
    finally:
        lab.screenshot(page, "explore_hh_vscode_mode")
    # with comms "vscode" Panel displays the explorer as jupyter_bokeh's BokehModel
    # ipywidget (panel/viewable.py, _repr_mimebundle_), the way VS Code shows it
    # (read from the page: rendering the layout a second time to ask would put its
    # Bokeh models in two documents)
    mimes = page.evaluate("""() => { const out = [];
        const cells = window.jupyterapp.shell.currentWidget.content.model.cells;
        for (let i = 0; i < cells.length; i++) { const c = cells.get(i);
          if (c.type !== 'code') continue;
          for (const o of c.toJSON().outputs || []) out.push(...Object.keys(o.data || {})); }
        return out; }""")
    assert "application/vnd.jupyter.widget-view+json" in mimes, mimes
    page.wait_for_function("() => window.Bokeh && Bokeh.documents.length > 0", timeout=60_000)
    page.wait_for_timeout(3000)
    # the explorer fits the notebook's output area (plots and toolbars were cut off)
    assert not lab.overflowing_outputs(page), lab.overflowing_outputs(page)
    before = _fingerprint(page)
    assert before is not None, lab.bokeh_sources(page)
    page.locator(".noUi-handle").first.focus()
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    page.wait_for_function(_CHANGED, arg=before["sum"], timeout=30_000)
    lab.wait_idle(page)
    # widget messages reach this kernel on a subshell thread while the main
    # thread may still be running the first press: the last value must win
    k = lab.wait_kernel(page, "{'I': ex.params['hh.I'], "
                              "'sum': float(ex.pipe.data['columns']['hh.V'].sum())}",
                        lambda k: abs(k["I"] - 8.3) < 1e-6, timeout_ms=30_000)
    assert k["I"] == pytest.approx(8.3)
    lab.wait_page_sum(page, _fingerprint, k["sum"])
    assert _fingerprint(page)["sum"] == pytest.approx(k["sum"], rel=1e-9)
    assert not lab.failed_js_requests(page), lab.failed_js_requests(page)
    # offline, Panel's stylesheets come with the loader (they were fetched from
    # cdn.holoviz.org: eight failed requests and unstyled widgets)
    failed = [ln for ln in page.ux_logs if ln.startswith("[requestfailed]")]
    assert not failed, failed
    lab.screenshot(page, "explore_hh_vscode_mode")
