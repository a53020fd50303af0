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
                    views=("timeseries", "phase_plane", "bifurcation", "live"),
                    bifurcation=("fhn.I", (0.0, 2.0)))

    def dump(*a, **k):
        pathlib.Path("state.tmp").write_text(json.dumps({
            "I": ex.params["fhn.I"], "runs": ex.n_runs, "taps": [t[:2] for t in ex.phase_plane.taps],
            "live_t": ex.live.t, "pending": ex.bifurcation.pending}))
        pathlib.Path("state.tmp").replace("state.json")
    ex._listeners.append(dump)
    ex.phase_plane.tap.add_subscriber(dump, precedence=0.5)  # after the trajectory
    ex.live.buffer.add_subscriber(dump)
    ex.bifurcation.pipe.add_subscriber(dump)   # the limit cycles arrive in the background
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
        # the status line of a finished run (it says "running" while runs are under way)
        page.get_by_text(re.compile(r"fhn\.I = |spikes \(fhn\.V")).first.wait_for(timeout=60_000)
        # the last of the presses lands shortly after the first data change
        state = _wait(tmp_path, lambda st: abs(st["I"] - 0.30) < 1e-9, 40)
        assert state["I"] == pytest.approx(0.30)
        # the bifurcation cursor (a Bokeh Span) moved to the slider value
        page.wait_for_function("""() => { for (const d of Bokeh.documents) for (const m of d.all_models)
              if ((m.type || m.constructor.__name__) === 'Span' && Math.abs(m.location - 0.3) < 1e-9)
                return true; return false; }""", timeout=20_000)
        # the limit cycles, continued in a worker thread, reach this session's page
        # through its document (the title's "computing" note goes)
        _wait(tmp_path, lambda st: st.get("pending") is False, 60)
        page.wait_for_function("""() => { for (const d of Bokeh.documents) for (const m of d.all_models)
              if ((m.type || m.constructor.__name__) === 'Title' && String(m.text).startsWith('fhn.I =')
                  && !String(m.text).includes('computing')) return true; return false; }""",
                               timeout=30_000)

        # click in the phase plane: a trajectory starts there (HoloViews Tap stream)
        canvases = page.locator("canvas")
        boxes = [b for b in (canvases.nth(i).bounding_box() for i in range(canvases.count())) if b]
        plane = sorted(boxes, key=lambda b: (b["y"], b["x"]))
        # the phase plane is the first canvas below the time series, on the left
        ts_top = plane[0]["y"]
        below = [b for b in plane if b["y"] > ts_top + 50]
        box = min(below, key=lambda b: b["x"])
        page.mouse.click(box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.4)
        state = _wait(tmp_path, lambda st: st["taps"], 20)
        assert state["taps"], state

        # live run: start streams chunks into the Buffer, pause stops the clock
        page.get_by_role("button", name=re.compile("start")).click()
        state = _wait(tmp_path, lambda st: st["live_t"] >= 100, 30)
        page.get_by_role("button", name=re.compile("pause")).click()
        page.wait_for_timeout(1000)
        t_paused = json.loads((tmp_path / "state.json").read_text())["live_t"]
        page.wait_for_timeout(1500)
        assert json.loads((tmp_path / "state.json").read_text())["live_t"] == t_paused
        lab.screenshot(page, "explore_served")
        print(f"served explorer: {time.time() - t0:.1f}s, state {state}")
    assert not lab.failed_js_requests(page)


def _wait(tmp_path, cond, seconds):
    deadline = time.time() + seconds
    state = {}
    while time.time() < deadline:
        try:
            state = json.loads((tmp_path / "state.json").read_text())
        except FileNotFoundError:   # the first run after the slider is still going
            state = {}
        if state and cond(state):
            return state
        time.sleep(0.2)
    raise AssertionError(f"condition not met in {seconds} s; last state {state}")
