"""`nbblox serve FOLDER`: a gallery index listing every notebook (by its first
heading) and circuit JSON, each link opening a working dashboard."""
import shutil

import nbblox as nb

import lab
from test_dashboard_serve import NOTEBOOKS, chromium, fingerprint, nbblox_serve, open_app


def test_gallery_index_links_to_each_dashboard(tmp_path):
    folder = tmp_path / "lessons"
    folder.mkdir()
    shutil.copy(NOTEBOOKS / "dashboard_demo.ipynb", folder / "01_fhn_pair.ipynb")
    nb.Circuit([nb.blox.WilsonCowan(name="wc")], name="wc_mass").to_json(folder / "02_wc.json")
    with nbblox_serve(folder, tmp=tmp_path) as (base, log, _), chromium() as browser:
        ctx = browser.new_context()
        page = ctx.new_page()
        page.goto(f"{base}/", timeout=60_000)
        links = page.locator("a.nbblox-app")
        assert links.all_inner_texts() == ["Two coupled FitzHugh-Nagumo neurons", "nbblox: wc_mass"]
        assert [links.nth(i).get_attribute("href") for i in range(2)] == ["./01_fhn_pair",
                                                                          "./02_wc"]
        lab.screenshot(page, "serve_gallery_index")
        ctx.close()
        app = open_app(browser, f"{base}/02_wc")
        assert "wc_mass" in app.title() and fingerprint(app)
        labels = app.locator(".bk-slider-title").all_inner_texts()
        assert any(t.startswith("P") for t in labels), labels   # WilsonCowan's drive
        assert "Traceback" not in log.read_text()
