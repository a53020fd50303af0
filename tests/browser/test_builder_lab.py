"""CircuitBuilder end to end in a real JupyterLab, driven by headless Chromium
the way a person uses it: drag two Wilson-Cowan blox from the palette,
connect them, type a weight, click Simulate -- then read the kernel's
``builder.circuit`` and the page.  Screenshots go to artifacts/.
"""
import json
import time

import pytest

import lab

NOTEBOOK = {
    "cells": [
        {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
         "source": "import nbblox as nb\nnb.setup_notebook()"},
        {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
         "source": "builder = nb.CircuitBuilder(t_end=100.0)\nbuilder"},
    ],
    "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3",
                                "language": "python"}},
    "nbformat": 4, "nbformat_minor": 5,
}

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def lab_page(tmp_path_factory):
    lab.require_browser()
    root = tmp_path_factory.mktemp("builder-lab")
    (root / "builder.ipynb").write_text(json.dumps(NOTEBOOK))
    with lab.jupyter_lab(root) as server, lab.chromium_page(viewport=(1400, 1600)) as page:
        lab.open_notebook(page, server, "builder.ipynb")
        lab.run_all_cells(page)
        page.wait_for_selector(".nbb-builder .nbb-item[data-type='WilsonCowan']", timeout=60_000)
        page.wait_for_timeout(1500)          # let the first render settle
        yield page


def until(page, expr, want, timeout=60.0):
    """Poll a JSON expression in the kernel until it equals ``want``."""
    t0, got = time.time(), None
    while time.time() - t0 < timeout:
        got = lab.kernel_json(page, expr)
        if got == want:
            return got
        page.wait_for_timeout(250)
    raise AssertionError(f"kernel: {expr} = {got!r}, expected {want!r}")


def center(page, selector):
    box = page.locator(selector).first.bounding_box()
    assert box is not None, selector
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


def drag(page, frm, to):
    page.mouse.move(*frm)
    page.mouse.down()
    page.mouse.move((frm[0] + to[0]) / 2, (frm[1] + to[1]) / 2, steps=5)
    page.mouse.move(*to, steps=5)
    page.mouse.up()


def test_draw_connect_edit_simulate_in_jupyterlab(lab_page):
    page = lab_page
    canvas = page.locator(".nbb-canvas").bounding_box()
    at = lambda fx, fy: (canvas["x"] + fx * canvas["width"], canvas["y"] + fy * canvas["height"])  # noqa: E731
    item = center(page, ".nbb-item[data-type='WilsonCowan']")
    drag(page, item, at(0.3, 0.35))
    drag(page, item, at(0.7, 0.65))
    until(page, "list(builder.circuit.blox)", ["wc1", "wc2"])
    types = lab.kernel_json(page, "[b.type.name for b in builder.circuit]")
    assert types == ["WilsonCowan", "WilsonCowan"]

    drag(page, center(page, ".nbb-node[data-name='wc1'] .nbb-port"),
         center(page, ".nbb-node[data-name='wc2'] rect"))
    until(page, "[(k.src, k.dst, k.weight) for k in builder.circuit.connections]",
          [["wc1", "wc2", 1.0]])
    # the new connection is selected: type its weight in the side panel
    page.fill(".nbb-side .nbb-weight", "2.5")
    page.press(".nbb-side .nbb-weight", "Enter")
    until(page, "[k.weight for k in builder.circuit.connections]", [2.5])
    assert "2.5" in page.text_content(".nbb-edge .nbb-weight")
    lab.screenshot(page, "builder_lab_drawn")

    page.click(".nbb-simulate")
    page.wait_for_function(
        "document.querySelector('.nbb-results').textContent.includes('simulated 100 ms')",
        timeout=400_000)      # the first numba compile is slow on a loaded 2-core machine
    names = until(page, "sorted(n for n in builder.solution.names if n.endswith('.E'))",
                  ["wc1.E", "wc2.E"])
    assert names
    t_last = lab.kernel_json(page, "float(builder.solution.t[-1])")
    assert t_last == pytest.approx(100.0)
    # the result slot under the canvas shows the explorer (or a plot)
    page.wait_for_function("""() => { const box = document.querySelector('.nbb-builder').closest('.widget-vbox');
        const out = box && box.querySelector('.jp-OutputArea-output');
        return !!out && out.getBoundingClientRect().height > 50; }""", timeout=400_000)
    lab.screenshot(page, "builder_lab_simulated")

    # Python -> canvas: a change made in code appears without touching the widget
    out = lab.kernel_exec(page, "builder.circuit.add(nb.blox.FitzHughNagumo(name='fhn'))")
    assert "ERROR" not in out, out
    page.wait_for_selector(".nbb-node[data-name='fhn']", timeout=30_000)
    assert page.locator(".nbb-node").count() == 3
    # keyboard inside the widget belongs to the canvas, not to JupyterLab's shortcuts
    n_cells = page.locator(".jp-Notebook .jp-Cell").count()
    page.click(".nbb-node[data-name='fhn'] rect")
    page.keyboard.press("Delete")
    until(page, "'fhn' in builder.circuit.blox", False)
    page.keyboard.press("Control+z")
    until(page, "'fhn' in builder.circuit.blox", True)
    assert page.locator(".jp-Notebook .jp-Cell").count() == n_cells
    errors = [ln for ln in page.ux_logs if ln.startswith("[pageerror]")]
    assert not errors, errors
    assert not lab.cell_errors(page)
    lab.screenshot(page, "builder_lab_python_change")
