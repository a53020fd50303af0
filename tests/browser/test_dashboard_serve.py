"""`nbblox serve` driven the way a collaborator uses it: start the server in a
subprocess on 127.0.0.1, open the dashboard in headless Chromium, move a slider
with the keyboard and read what Bokeh plots in the page.

Sessions are isolated: a second browser context on the same server must not
see the first one's change, nor its error.  Every server is stopped by PID.
"""
import contextlib
import json
import os
import re
import shutil
import sys
import time
import urllib.request
from pathlib import Path

import pytest

import lab

NOTEBOOKS = Path(__file__).resolve().parent / "notebooks"
ALERT = "The model raised an error"
RUN = re.compile(r"\brun (\d+)")


@contextlib.contextmanager
def nbblox_serve(path, *extra, tmp):
    """``nbblox serve path`` in its own process group; yields (base URL, log path, proc)."""
    port = lab.free_port()
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(lab.REPO), env.get("PYTHONPATH", "")]))
    log = Path(tmp) / f"serve-{port}.log"
    cmd = [sys.executable, "-m", "nbblox", "serve", str(path), "--port", str(port), *extra]
    base = f"http://127.0.0.1:{port}"
    # not "/": with one app it redirects to the app, and every poll would start a session
    with lab.background(cmd, f"{base}/favicon.ico", env=env, cwd=tmp, log=log, timeout=150) as proc:
        yield base, log, proc


@contextlib.contextmanager
def chromium():
    """One Chromium process; tests open several isolated contexts in it
    (each context is a fresh profile: separate cookies, storage, sessions)."""
    lab.require_browser()
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=lab.CHROMIUM, headless=True,
                                    args=lab.CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def open_app(browser, url):
    t0 = time.time()
    ctx = browser.new_context(viewport={"width": 1400, "height": 1100})
    page = ctx.new_page()
    logs = []
    page.on("console", lambda m: logs.append(f"[{m.type}] {m.text}"))
    page.on("pageerror", lambda e: logs.append(f"[pageerror] {e}"))
    page.on("requestfailed", lambda r: logs.append(f"[requestfailed] {r.url[:160]} {r.failure}"))
    page.ux_logs = logs
    page.goto(url, timeout=150_000)
    page.locator("canvas").first.wait_for(state="attached", timeout=150_000)
    page.locator(".nbblox-status").get_by_text(RUN).wait_for(timeout=60_000)
    page.wait_for_timeout(2500)        # let the first render settle (JUPYTER-STACK pitfall 2)
    print(f"{url} rendered in {time.time() - t0:.1f} s", flush=True)
    return page


def status(page):
    """The explorer's status line: "... · run N (p = v) · ..." after a run,
    "⚠ run N failed: ..." after an error, "⏳ running (after run N)" meanwhile."""
    loc = page.locator(".nbblox-status").get_by_text(RUN)
    return loc.first.inner_text() if loc.count() else ""


def settled(page):
    """The status of a finished run with nothing pending ("" while running)."""
    text = status(page)
    return "" if "running" in text else text


def runs(page):
    m = RUN.search(settled(page))
    return int(m.group(1)) if m else 0


def fingerprint(page, column="value"):
    """Sums of every plotted series holding ``column``, as BokehJS holds them."""
    return [round(s["sum"], 6) for s in lab.bokeh_sources(page, column)]


def canvas_sizes(page):
    """Width x height of every plot canvas in the page (CSS pixels)."""
    return page.evaluate("""() => Array.from(document.querySelectorAll('canvas'))
        .map(c => c.getBoundingClientRect()).filter(r => r.width > 0)
        .map(r => [Math.round(r.width), Math.round(r.height)])""")


def arrowheads(page):
    """Patches drawn by MultiPolygons glyphs (the diagram's arrowheads)."""
    return page.evaluate("""() => { let n = 0;
        for (const d of Bokeh.documents) for (const m of d.all_models) {
          if ((m.type || m.constructor.__name__) !== 'GlyphRenderer') continue;
          const g = m.glyph; if ((g.type || g.constructor.__name__) !== 'MultiPolygons') continue;
          const src = m.data_source, xs = src.data instanceof Map ? src.data.get('xs') : src.data.xs;
          n += xs ? xs.length : 0; }
        return n; }""")


def press(page, key, times, handle=0):
    h = page.locator(".noUi-handle").nth(handle)
    h.focus()
    for _ in range(times):
        page.keyboard.press(key)
        page.wait_for_timeout(120)


def wait_runs(page, at_least, timeout_s=60):
    """Wait until the session reports ``at_least`` finished runs, then let
    the plot patch (sent right after the status) arrive."""
    for _ in range(int(timeout_s * 5)):
        if runs(page) >= at_least:
            page.wait_for_timeout(1500)
            return
        page.wait_for_timeout(200)
    raise AssertionError(f"no run {at_least} within {timeout_s} s; status: {status(page)!r}")


def alert_text(page):
    """Text of this session's error alert ("" when hidden)."""
    loc = page.get_by_text(ALERT)
    if not (loc.count() and loc.first.is_visible()):
        return ""
    # the bold lead's paragraph and the message block after it
    return loc.first.locator("xpath=../..").inner_text()


def server_errors(log):
    text = Path(log).read_text()
    return [ln for ln in text.splitlines() if "Traceback" in ln or "ERROR" in ln]


@pytest.fixture
def workdir(tmp_path):
    shutil.copytree(NOTEBOOKS, tmp_path / "notebooks")
    return tmp_path


def test_notebook_dashboard_two_sessions_are_isolated(workdir):
    with nbblox_serve(workdir / "notebooks" / "dashboard_demo.ipynb", tmp=workdir) as (base, log, _), \
            chromium() as browser:
        url = f"{base}/dashboard_demo"
        a = open_app(browser, url)
        b = open_app(browser, url)
        before_a, before_b = fingerprint(a), fingerprint(b)
        assert len(before_a) >= 2 and before_a == before_b, (before_a, before_b)
        assert "Two coupled FitzHugh-Nagumo neurons" in a.title()
        assert arrowheads(a) == 1, "the fhn1 -> fhn2 connection has no arrowhead"
        sizes = canvas_sizes(a)
        n0 = runs(a)
        press(a, "PageUp", 4)          # fhn1.I: the first slider in the sidebar
        wait_runs(a, n0 + 1)
        after_a = fingerprint(a)
        assert after_a != before_a, "the plot did not change after moving the slider"
        assert canvas_sizes(a) == sizes, "a plot changed size after the update"
        # the slider label shows the value the server received
        assert a.locator(".bk-slider-value").first.inner_text() != "0"
        b.wait_for_timeout(1500)
        assert fingerprint(b) == before_b, "session B's plot changed when session A moved a slider"
        assert runs(b) == 1
        # and B moves on its own without touching A
        press(b, "ArrowRight", 3, handle=1)
        wait_runs(b, 2)
        assert fingerprint(b) != before_b
        assert fingerprint(a) == after_a
        failed = [ln for ln in a.ux_logs if ln.startswith(("[requestfailed]", "[pageerror]"))]
        assert not failed, failed           # nothing from a CDN, no JS errors
        lab.screenshot(a, "dashboard_serve_session_a")
        assert not server_errors(log), server_errors(log)


def test_error_shows_in_its_session_only_and_server_stays_up(workdir):
    script = workdir / "notebooks" / "dashboard_blowup.py"
    with nbblox_serve(script, tmp=workdir) as (base, log, proc), chromium() as browser:
        url = f"{base}/dashboard_blowup"
        a = open_app(browser, url)
        b = open_app(browser, url)
        assert alert_text(a) == "" and alert_text(b) == ""
        good_b = fingerprint(b)
        press(a, "ArrowRight", 12)      # growth.k = 0.12: blows up at t = 8 ms < 20 ms
        a.get_by_text(ALERT).first.wait_for(state="visible", timeout=60_000)
        assert "diverged" in alert_text(a), alert_text(a)
        assert "growth.x" in alert_text(a)
        lab.screenshot(a, "dashboard_serve_error")
        # session B: no alert, plot untouched, still works
        assert alert_text(b) == ""
        assert fingerprint(b) == good_b
        press(b, "ArrowRight", 2)       # k = 0.02: finite over 20 ms
        wait_runs(b, 2)
        assert alert_text(b) == "" and fingerprint(b) != good_b
        # A recovers when the parameter is brought back
        press(a, "Home", 1)
        a.get_by_text(ALERT).first.wait_for(state="hidden", timeout=60_000)
        assert proc.poll() is None, "the server died"
        with urllib.request.urlopen(f"{base}/", timeout=10) as r:
            assert r.status == 200
        # the error was handled in the session: nothing escaped to the server log
        assert not server_errors(log), server_errors(log)


def test_serve_circuit_json(workdir):
    import nbblox as nb
    hh = nb.blox.HodgkinHuxley(name="hh", I=10.0)
    c = nb.Circuit([hh], name="hh_cell")
    path = workdir / "hh_cell.json"
    c.to_json(path)
    with nbblox_serve(path, tmp=workdir) as (base, log, _), chromium() as browser:
        page = open_app(browser, f"{base}/hh_cell")
        assert "hh_cell" in page.title()
        labels = page.locator(".bk-slider-title").all_inner_texts()
        assert any(t.startswith("g_Na") for t in labels), labels
        before = fingerprint(page)
        # HH at I = 10 uA/cm^2 fires: the plotted V crosses 0 mV
        assert max(s["max"] for s in lab.bokeh_sources(page, "value")) > 0
        n0 = runs(page)
        press(page, "Home", 1)          # hh.I -> -10: no spikes
        wait_runs(page, n0 + 1)
        assert fingerprint(page) != before
        assert max(s["max"] for s in lab.bokeh_sources(page, "value")) < 0
        assert not server_errors(log)


def test_served_dashboard_looks_finished(workdir):
    """Two overlaid variables (a legend row above the data) and the equations
    of a type: the data frame was ~100 px of a 260 px panel, and the "=" signs
    of the aligned equations zigzagged (Chromium's MathML ignores columnalign)."""
    import nbblox as nb
    a, b = nb.blox.WilsonCowan(name="a"), nb.blox.WilsonCowan(name="b")
    path = workdir / "pair.json"
    nb.Circuit([a, b], name="pair").connect(a, b, weight=1.5).to_json(path)
    with nbblox_serve(path, tmp=workdir) as (base, log, _), chromium() as browser:
        page = open_app(browser, f"{base}/pair")
        page.wait_for_timeout(1500)
        frames = lab.plot_frames(page)
        assert len(frames) >= 2, frames                  # time series, circuit diagram
        assert [f for f in frames if not f["axes"]], frames   # the diagram, drawn
        data = [f for f in frames if f["axes"]]
        assert data and all(f["height"] >= 150 and f["width"] >= 200 for f in data), frames
        tables = [t for t in lab.equation_columns(page) if t["align"][:2] == ["right", "left"]]
        assert tables and all(max(t["lefts"]) - min(t["lefts"]) <= 2 for t in tables), tables
        assert not lab.raw_math(page, "body"), lab.raw_math(page, "body")
        # the title once, in the page header: the sidebar repeated it as a heading
        shown = page.evaluate(lab._WALK + """() => [...walk(document.body)].filter(e =>
            visible(e) && [...e.childNodes].some(n => n.nodeType === 3 &&
            n.textContent.trim() === 'nbblox: pair')).map(e => e.tagName)""")
        assert len(shown) == 1, shown
        page.screenshot(path=str(lab.ARTIFACTS / "dashboard_served_pair.png"))
        assert not server_errors(log)


def test_serve_refuses_an_invalid_circuit_json(tmp_path):
    bad = tmp_path / "evil.json"
    bad.write_text(json.dumps({"schema": "nbblox.circuit", "version": 1, "name": "x",
                               "types": {"k": {"name": "T", "equations":
                                               "dx/dt = __import__('os').getpid()"}},
                               "blox": [{"name": "b", "type": "k"}], "connections": []}))
    import subprocess
    out = subprocess.run([sys.executable, "-m", "nbblox", "serve", str(bad), "--port",
                          str(lab.free_port())], capture_output=True, text=True, timeout=120,
                         env=dict(os.environ, PYTHONPATH=str(lab.REPO)))
    assert out.returncode == 2, out
    assert out.stderr.startswith("error:") and "Traceback" not in out.stderr, out.stderr
