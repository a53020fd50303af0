"""The same circuit-builder ES module under ``panel serve`` through
``panel.custom.AnyWidgetComponent`` (what dashboards embed): it renders with
no CDN request, a drag from the palette reaches the server's Circuit, and
the server's answer reaches the page."""
import json
import sys
import time

import pytest

import lab

APP = '''
import json, pathlib
import panel as pn
import nbblox as nb
from nbblox.ui.builder import CircuitBuilder

pn.extension()
builder = CircuitBuilder()
builder.add("WilsonCowan", name="a", x=0, y=0)
state = pathlib.Path(__file__).with_name("state.json")

def log(_msg):
    state.write_text(json.dumps({"blox": list(builder.circuit.blox),
                                 "conns": [[k.src, k.dst] for k in builder.circuit.connections]}))

builder._model.subscribe(log)
pn.Column(builder.panel(), sizing_mode="stretch_width").servable(title="builder")
'''

pytestmark = pytest.mark.slow


def test_builder_esm_runs_under_panel_serve(tmp_path):
    lab.require_browser()
    (tmp_path / "app.py").write_text(APP)
    port = lab.free_port()
    cmd = [sys.executable, "-m", "panel", "serve", str(tmp_path / "app.py"), "--port", str(port),
           "--address", "127.0.0.1", f"--allow-websocket-origin=127.0.0.1:{port}"]
    env = dict(__import__("os").environ)
    env["PYTHONPATH"] = str(lab.REPO)
    state = tmp_path / "state.json"
    with lab.background(cmd, f"http://127.0.0.1:{port}/app", env=env, cwd=tmp_path), \
            lab.chromium_page(viewport=(1300, 900)) as page:
        page.goto(f"http://127.0.0.1:{port}/app", timeout=120_000)
        page.wait_for_selector(".nbb-node[data-name='a']", timeout=90_000)
        page.wait_for_timeout(1500)
        item = page.locator(".nbb-item[data-type='WilsonCowan']").bounding_box()
        canvas = page.locator(".nbb-canvas").bounding_box()
        page.mouse.move(item["x"] + 20, item["y"] + item["height"] / 2)
        page.mouse.down()
        page.mouse.move(canvas["x"] + canvas["width"] * 0.75, canvas["y"] + canvas["height"] * 0.7,
                        steps=8)
        page.mouse.up()
        page.wait_for_selector(".nbb-node[data-name='wc1']", timeout=10_000)
        for _ in range(100):     # the canvas redraws when the server confirms: wait for it
            if "saving" not in page.locator(".nbb-status").text_content():
                break
            page.wait_for_timeout(200)
        src = page.locator(".nbb-node[data-name='a'] .nbb-port").bounding_box()
        dst = page.locator(".nbb-node[data-name='wc1'] rect").bounding_box()
        page.mouse.move(src["x"] + src["width"] / 2, src["y"] + src["height"] / 2)
        page.mouse.down()
        page.mouse.move(dst["x"] + dst["width"] / 2, dst["y"] + dst["height"] / 2, steps=8)
        page.mouse.up()
        got = {}
        for _ in range(100):
            if state.exists():
                got = json.loads(state.read_text())
                if got.get("conns"):
                    break
            time.sleep(0.2)
        assert got == {"blox": ["a", "wc1"], "conns": [["a", "wc1"]]}, got
        # the server's acknowledgements came back: nothing is left "saving"
        status = ""
        for _ in range(100):                # Playwright's CSS pierces Panel's shadow roots
            status = page.locator(".nbb-status").text_content()
            if "1 connection" in status and "saving" not in status:
                break
            page.wait_for_timeout(200)
        assert "2 blox" in status and "1 connection" in status and "saving" not in status, status
        assert "1 connections" not in status, status      # the count agrees with its noun
        lab.screenshot(page, "builder_panel_serve")
        fails = [ln for ln in page.ux_logs if ln.startswith("[requestfailed]")]
        errors = [ln for ln in page.ux_logs if ln.startswith("[pageerror]")]
        assert not fails and not errors, fails + errors
