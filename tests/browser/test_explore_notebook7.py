"""nb.explore in Jupyter Notebook 7 (the `notebook` package), driven like a
person: open the Hodgkin-Huxley explorer notebook, run it, move the I slider
with the keyboard, and check that the data BokehJS holds in the page changed
to the kernel's new run.  Same notebook and checks as the JupyterLab test."""
import pytest

import lab
from test_explore_lab import _fingerprint

pytestmark = pytest.mark.browser
import notebook  # noqa: F401  (the notebook extra installs Notebook 7)

_CHANGED = """(s) => { for (const d of Bokeh.documents) for (const m of d.all_models) {
      if ((m.type || m.constructor.__name__) !== 'ColumnDataSource') continue;
      const v = m.data instanceof Map ? m.data.get('value') : m.data['value'];
      if (v && v.length > 500) { let t = 0; for (const x of v) t += x;
                                 if (Math.abs(t - s) > 1e-6) return true; } }
      return false; }"""


@pytest.fixture(scope="module")
def nb7_server(tmp_path_factory):
    import shutil
    lab.require_browser()
    root = tmp_path_factory.mktemp("nb7")
    shutil.copytree(lab.NOTEBOOKS, root / "notebooks")
    with lab.jupyter_lab(root, app="notebook") as server:
        yield server


def test_explore_hh_in_notebook7(nb7_server, browser_page):
    assert int(notebook.__version__.split(".")[0]) >= 7, notebook.__version__
    page = browser_page
    lab.open_notebook7(page, nb7_server, "notebooks/explore_hh.ipynb")
    assert page.locator("#main-panel, .jp-NotebookPanel").count()      # Notebook 7's shell
    assert "/notebooks/" in page.url and "/lab/" not in page.url
    lab.run_all_cells(page)
    assert not lab.cell_errors(page), lab.cell_errors(page)
    page.locator("canvas").first.wait_for(state="attached", timeout=60_000)
    page.wait_for_function("() => window.Bokeh && Bokeh.documents.length > 0", timeout=60_000)
    page.wait_for_timeout(3000)                      # let the first render settle
    # the explorer fits the notebook's output area (plots and toolbars were cut off)
    assert not lab.overflowing_outputs(page), lab.overflowing_outputs(page)
    before = _fingerprint(page)
    assert before is not None, lab.bokeh_sources(page)
    k0 = lab.kernel_json(page, "{'I': ex.params['hh.I'], "
                               "'sum': float(ex.pipe.data['columns']['hh.V'].sum())}")
    assert k0["I"] == 8.0 and before["sum"] == pytest.approx(k0["sum"], rel=1e-9)
    page.locator(".noUi-handle").first.focus()
    for _ in range(5):
        page.keyboard.press("ArrowRight")            # hh.I, step 0.1
    page.wait_for_function(_CHANGED, arg=before["sum"], timeout=30_000)
    lab.wait_idle(page)
    k1 = lab.wait_kernel(page, "{'I': ex.params['hh.I'], 'piped': ex.pipe.data['params']['hh.I'], "
                               "'sum': float(ex.pipe.data['columns']['hh.V'].sum())}",
                         lambda k: abs(k["I"] - 8.5) < 1e-6 and k["piped"] == k["I"])
    after = lab.wait_page_sum(page, _fingerprint, k1["sum"])
    assert k1["I"] == pytest.approx(8.5) and k1["piped"] == k1["I"]
    assert after["sum"] == pytest.approx(k1["sum"], rel=1e-9)     # the page shows the final run
    assert after["sum"] != pytest.approx(before["sum"], rel=1e-6)
    assert not lab.failed_js_requests(page), lab.failed_js_requests(page)
    lab.screenshot(page, "explore_hh_notebook7")
