"""A served notebook whose cell ends in a circuit builder shows the builder
(issue 16: lesson 17's served page announced the builder and showed nothing).

In its own module: test_lesson_page_serve.py holds a module-scoped page open,
and Playwright's sync API cannot start a second instance inside the first.
"""
import json

import pytest

import lab
from test_dashboard_serve import nbblox_serve

pytestmark = pytest.mark.browser


def test_a_circuit_builder_cell_shows_the_builder(tmp_path):
    """Lesson 17 ends with ``nb.CircuitBuilder(circuit=chain)``: served, the text
    announcing it was followed by nothing (an anywidget has no HTML repr)."""
    lab.require_browser()
    cells = [{"cell_type": "markdown", "metadata": {}, "source": ["# Builder page"]},
             {"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [],
              "source": ["import nbblox as nb\n",
                         "a, b = nb.blox.WilsonCowan(name='a'), nb.blox.WilsonCowan(name='b')\n",
                         "pair = nb.Circuit([a, b], name='pair').connect(a, b, weight=1.5)\n",
                         "nb.CircuitBuilder(circuit=pair)"]}]
    path = tmp_path / "builder_page.ipynb"
    path.write_text(json.dumps({"cells": cells, "metadata": {}, "nbformat": 4,
                                "nbformat_minor": 5}))
    with nbblox_serve(path, tmp=tmp_path) as (base, log, _), \
            lab.chromium_page(viewport=(1400, 1000)) as page:
        page.goto(f"{base}/builder_page", timeout=120_000)
        lab.wait_text(page, "all 1 cell ran", timeout_ms=240_000)   # one code cell
        page.wait_for_timeout(2000)
        nodes = page.evaluate(lab._WALK + """() => [...walk(document.body)].filter(e =>
            e.classList && e.classList.contains('nbb-node') && visible(e))
            .map(e => e.getAttribute('data-name'))""")
        lab.screenshot(page, "lesson_page_builder")
    assert sorted(nodes) == ["a", "b"], nodes
