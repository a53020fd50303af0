"""The Binder route: the same dashboard notebook opened through the Jupyter
server's Panel preview (``/panel-preview/render/<notebook>``), no second port.
A kernel runs the notebook; moving a slider must re-plot in the page."""
import lab
from test_dashboard_serve import fingerprint, press, runs, wait_runs


def test_dashboard_through_jupyter_panel_preview(lab_server, browser_page):
    url = lab_server.url("panel-preview/render/notebooks/dashboard_demo.ipynb")
    page = browser_page
    page.goto(url, timeout=180_000)
    page.locator("canvas").first.wait_for(state="attached", timeout=180_000)
    page.wait_for_timeout(3000)
    assert "Two coupled FitzHugh-Nagumo neurons" in page.title()
    assert runs(page) >= 1
    before = fingerprint(page)
    assert before
    n0 = runs(page)
    press(page, "PageUp", 4)
    wait_runs(page, n0 + 1)
    assert fingerprint(page) != before
    assert not [ln for ln in page.ux_logs if ln.startswith("[pageerror]")]
    lab.screenshot(page, "dashboard_panel_preview")


def test_dashboard_renders_inline_in_jupyterlab(lab_server, browser_page):
    """The same notebook opened in JupyterLab: the dashboard is the last cell's
    output, and its sliders work through the kernel (no server, no template)."""
    page = browser_page
    lab.open_notebook(page, lab_server, "notebooks/dashboard_demo.ipynb")
    lab.run_all_cells(page, timeout_ms=180_000)
    page.locator("canvas").first.wait_for(state="attached", timeout=120_000)
    page.wait_for_timeout(4000)
    assert not lab.cell_errors(page)
    before = fingerprint(page)
    assert before
    press(page, "PageUp", 4)
    # The slider's messages trickle into the kernel after the key presses and
    # the kernel reports idle between them, so wait until the value has
    # settled; values and solution are read in one execute (no run can slip
    # in between) and the last run shown must carry the last value moved to.
    seen = []
    for _ in range(60):
        page.wait_for_timeout(500)
        lab.wait_idle(page)
        seen.append(lab.kernel_json(page, '[dash.values["fhn1.I"], '
                                          'dash.solution.params["fhn1.I"]]'))
        if len(seen) >= 3 and seen[-1] == seen[-2] == seen[-3] and seen[-1][0] > 0:
            break
    value, shown = seen[-1]
    assert value > 0, seen
    assert shown == value, seen
    for _ in range(60):                     # the plot patch follows the kernel's run
        if fingerprint(page) != before:
            break
        page.wait_for_timeout(500)
    assert fingerprint(page) != before
    assert not lab.failed_js_requests(page)
    lab.screenshot(page, "dashboard_inline_lab")
