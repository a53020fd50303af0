"""Fixtures for real-browser tests (see lab.py for the helpers they wrap).

``browser_page``: a Chromium page (skips locally, fails under CI=true when the
browser or playwright is missing).  ``lab_server``: a JupyterLab serving a
temporary copy of tests/browser/notebooks/, one per test module.
"""
import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import lab  # noqa: E402

NOTEBOOKS = lab.NOTEBOOKS


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser" in str(item.path):
            item.add_marker(pytest.mark.browser)


@pytest.fixture
def browser_page():
    lab.require_browser()
    with lab.chromium_page() as page:
        yield page
        # Offline is the normal case (Binder mirrors, lecture halls, VS Code on a
        # train): no page may need the internet.  A failed request is a missing
        # stylesheet or script -- VS Code mode once fetched Panel's CSS from a CDN.
        failed = [ln for ln in page.ux_logs if ln.startswith("[requestfailed]")]
        assert not failed, f"the page fetched files it could not get: {failed[:5]}"


@pytest.fixture(scope="module")
def lab_server(tmp_path_factory):
    lab.require_browser()
    root = tmp_path_factory.mktemp("lab")
    shutil.copytree(NOTEBOOKS, root / "notebooks")
    with lab.jupyter_lab(root) as server:
        yield server
