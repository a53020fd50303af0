"""A hostile circuit file served with ``nbblox serve`` (issue 23, item 1).

Every free-text field of the file (circuit name, type doc, citation,
parameter doc and unit) holds ``<img src=x onerror=alert(...)>``.  In the page
no such element may exist (in the document or any shadow root), no dialog
may open, and the payload must be shown literally where the text is shown.
The same holds after the payload arrives through the upload box.
"""
import json
import sys
import urllib.request
from pathlib import Path

import lab
from test_dashboard_serve import chromium, nbblox_serve, open_app, status

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from hostile import CIRCUIT_NAME, PAYLOAD, hostile_circuit_dict, tower  # noqa: E402

# elements the payload would create, counted through every open shadow root
_INJECTED = """() => {
  const found = [];
  const walk = (root) => {
    for (const el of root.querySelectorAll('*')) {
      if (el.tagName === 'IMG' && (el.getAttribute('src') || '') === 'x') found.push('img');
      for (const a of el.getAttributeNames()) if (a === 'onerror') found.push(el.tagName);
      if (el.shadowRoot) walk(el.shadowRoot);
    }
  };
  walk(document);
  return found;
}"""


def visible_text(page, text):
    loc = page.get_by_text(text, exact=False)
    return [t for t in loc.all_inner_texts() if text in t]


def test_hostile_circuit_is_shown_as_text(tmp_path):
    path = tmp_path / "pair.json"
    path.write_text(json.dumps(hostile_circuit_dict()))
    with nbblox_serve(path, tmp=tmp_path) as (base, log, _), chromium() as browser:
        page = open_app(browser, f"{base}/pair")
        dialogs = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.wait_for_timeout(1000)
        assert page.evaluate(_INJECTED) == []
        assert dialogs == []
        # shown literally: the page title, the template header and the sidebar heading,
        # the blox cards' slider label, the equations' doc and the citation
        assert CIRCUIT_NAME in page.title()
        assert len(visible_text(page, "nbblox: " + CIRCUIT_NAME)) >= 2
        assert visible_text(page, "doc " + PAYLOAD)
        assert visible_text(page, "I (mV" + PAYLOAD + ")")
        assert visible_text(page, "$$x$$ <img src=x onerror=alert(1)>".replace("$$", "$\u200b$"))
        # the parameter tooltip: hover its icon, read the text node
        page.locator(".bk-description").first.hover()
        page.wait_for_timeout(500)
        assert visible_text(page, "drive " + PAYLOAD)
        lab.screenshot(page, "hostile_circuit_served")

        # the same file arriving through "open a circuit JSON", and a refused one
        bad = hostile_circuit_dict()
        bad["blox"][0]["params"]["nope" + PAYLOAD] = 1.0
        (tmp_path / "bad.json").write_text(json.dumps(bad))
        page.locator("input[type=file]").set_input_files(str(tmp_path / "bad.json"))
        page.get_by_text("Could not open that circuit").first.wait_for(timeout=30_000)
        page.wait_for_timeout(500)
        assert visible_text(page, "nope" + PAYLOAD)
        assert page.evaluate(_INJECTED) == [] and dialogs == []
        lab.screenshot(page, "hostile_circuit_upload_refused")

        # the 243-byte power tower: read in a child process, refused with the
        # parser's reason; the server keeps answering meanwhile
        (tmp_path / "tower.json").write_text(tower())
        page.locator("input[type=file]").set_input_files(str(tmp_path / "tower.json"))
        # the server answers while the child works (no bound in seconds, issue 24:
        # the urlopen timeout is a hang guard)
        with urllib.request.urlopen(f"{base}/favicon.ico", timeout=60) as r:
            assert r.status == 200
        page.get_by_text("exponent 10000000000 is too large").first.wait_for(timeout=60_000)
        lab.screenshot(page, "hostile_circuit_tower_refused")
        # the session keeps its circuit and its last run; the state's hostile
        # unit is part of the status line, as text
        assert status(page).startswith("0 spikes (a.V crossing 0 mV" + PAYLOAD + ") · run 1")
