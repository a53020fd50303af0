"""The explorer is a Panel object: served by ``panel serve`` (as dashboards
do), a keyboard slider move re-simulates and the page's Bokeh data changes."""
import json
import os
import re
import sys
import textwrap
import time

import pytest

import lab

pytestmark = pytest.mark.browser

APP = textwrap.dedent("""
    import json, pathlib
    import nbblox as nb
    ex = nb.explore(nb.blox.FitzHughNagumo(name="fhn"), vars=["fhn.V"], t_end=200.0, dt=0.05,
                    views=("timeseries", "phase_plane"))
    ex._listeners.append(lambda sol: pathlib.Path("state.json").write_text(
        json.dumps({"I": ex.params["fhn.I"], "runs": ex.n_runs})))
    ex.servable()
""")


def test_explorer_served_by_panel(tmp_path, browser_page):
    (tmp_path / "app.py").write_text(APP)
    port = lab.free_port()
    cmd = [sys.executable, "-m", "panel", "serve", "app.py", "--address", "127.0.0.1",
           "--port", str(port), f"--allow-websocket-origin=127.0.0.1:{port}", "--liveness"]
    env = dict(os.environ, PYTHONPATH=str(lab.REPO))
    page = browser_page
    # /liveness answers without running the app (a GET of /app would build a session)
    with lab.background(cmd, f"http://127.0.0.1:{port}/liveness", env=env, cwd=tmp_path):
        t0 = time.time()
        page.goto(f"http://127.0.0.1:{port}/app", timeout=120_000)
        page.locator("canvas").first.wait_for(state="attached", timeout=120_000)
        page.wait_for_function("() => window.Bokeh && Bokeh.documents.length > 0")
        page.wait_for_timeout(2000)
        before = [r for r in lab.bokeh_sources(page, "value") if r["n"] > 500]
        assert before, lab.bokeh_sources(page)
        handle = page.locator(".noUi-handle").first     # fhn.I, step 0.01
        handle.focus()
        for _ in range(30):
            page.keyboard.press("ArrowRight")
        page.wait_for_function("""(s) => { for (const d of Bokeh.documents) for (const m of d.all_models) {
              if ((m.type || m.constructor.__name__) !== 'ColumnDataSource') continue;
              const v = m.data instanceof Map ? m.data.get('value') : m.data['value'];
              if (v && v.length > 500) { let t = 0; for (const x of v) t += x;
                                         if (Math.abs(t - s) > 1e-6) return true; } }
              return false; }""", arg=before[0]["sum"], timeout=30_000)
        page.get_by_text(re.compile(r"fhn\.I = |spikes \(fhn\.V")).first.wait_for(timeout=10_000)
        deadline = time.time() + 40
        state = {}
        while time.time() < deadline:   # the last of the 30 presses lands shortly after
            try:
                state = json.loads((tmp_path / "state.json").read_text())
            except ValueError:   # caught mid-write
                state = {}
            if abs(state.get("I", 0) - 0.30) < 1e-9:
                break
            page.wait_for_timeout(200)
        lab.screenshot(page, "explore_served")
        print(f"served explorer: {time.time() - t0:.1f}s, state {state}")
    assert state["I"] == pytest.approx(0.30)
    assert not lab.failed_js_requests(page)
