"""nbblox.ui.serve without a browser: which apps a PATH becomes, titles,
the circuit JSON checks, websocket origins."""
import json
import shutil
from pathlib import Path

import pytest

import nbblox as nb
from nbblox.ui import serve

NOTEBOOKS = Path(__file__).resolve().parents[1] / "browser" / "notebooks"


def test_notebook_and_script_become_one_app_each(tmp_path):
    apps, titles = serve.collect_apps(NOTEBOOKS / "dashboard_demo.ipynb")
    assert list(apps) == ["dashboard_demo"]
    assert apps["dashboard_demo"].endswith("dashboard_demo.ipynb")
    assert titles["dashboard_demo"] == "Two coupled FitzHugh-Nagumo neurons"
    apps, titles = serve.collect_apps(NOTEBOOKS / "dashboard_blowup.py")
    assert titles == {"dashboard_blowup": "dashboard_blowup"}


def test_folder_is_a_gallery_of_notebooks_and_circuits(tmp_path):
    shutil.copy(NOTEBOOKS / "dashboard_demo.ipynb", tmp_path / "01 intro.ipynb")
    nbj = json.loads((tmp_path / "01 intro.ipynb").read_text())
    nbj["cells"][0]["source"] = "# Intro {{ 7*7 }} {% import os %}\n"
    (tmp_path / "01 intro.ipynb").write_text(json.dumps(nbj))
    (tmp_path / ".ipynb_checkpoints").mkdir()
    shutil.copy(NOTEBOOKS / "dashboard_demo.ipynb", tmp_path / ".ipynb_checkpoints" / "x.ipynb")
    nb.Circuit([nb.blox.FitzHughNagumo(name="f")], name="one").to_json(tmp_path / "one.json")
    (tmp_path / "notes.txt").write_text("not an app")
    apps, titles = serve.collect_apps(tmp_path)
    assert sorted(apps) == ["01_intro", "one"]
    assert callable(apps["one"]) and titles["one"] == "nbblox: one"
    index = Path(serve._index_template(apps, titles, tmp_path))
    try:
        html = index.read_text()
        assert 'href="./01_intro"' in html
        import tornado.template
        out = tornado.template.Template(html).generate().decode()
        assert "Intro {{ 7*7 }} {% import os %}" in out    # shown verbatim, not run
    finally:
        index.unlink()


def test_each_json_session_gets_its_own_dashboard(tmp_path):
    path = tmp_path / "c.json"
    nb.Circuit([nb.blox.FitzHughNagumo(name="f")], name="c").to_json(path)
    apps, _ = serve.collect_apps(path)
    t1, t2 = apps["c"](), apps["c"]()
    d1, d2 = t1.sidebar[0], t2.sidebar[0]
    assert d1 is not d2


def test_json_is_validated_and_size_limited(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"schema": "nbblox.circuit", "version": 1, "name": "x",
                               "types": {}, "blox": [{"name": "b", "type": "nope"}],
                               "connections": []}))
    with pytest.raises(nb.CircuitError):
        serve.collect_apps(bad)
    big = tmp_path / "big.json"
    big.write_text(" " * (serve._MAX_JSON + 1))
    with pytest.raises(nb.CircuitError, match="bytes"):
        serve.collect_apps(big)


def test_bad_paths_exit_with_a_message(tmp_path):
    with pytest.raises(SystemExit, match="does not exist"):
        serve.collect_apps(tmp_path / "missing.ipynb")
    (tmp_path / "x.txt").write_text("")
    with pytest.raises(SystemExit, match="notebook"):
        serve.collect_apps(tmp_path / "x.txt")
    (tmp_path / "empty").mkdir()
    with pytest.raises(SystemExit, match="no notebooks"):
        serve.collect_apps(tmp_path / "empty")


def test_websocket_origins_cover_loopback_and_extras():
    assert serve.websocket_origins("127.0.0.1", 5006) == ["127.0.0.1:5006", "localhost:5006"]
    assert serve.websocket_origins("10.0.0.5", 80, ["lab.example.org"]) == \
        ["10.0.0.5:80", "lab.example.org"]


def test_unused_session_lifetime_option_is_parsed_and_checked(tmp_path, monkeypatch):
    from nbblox.cli import build_parser
    args = build_parser().parse_args(["serve", "x.ipynb"])
    assert args.unused_session_lifetime == 15000          # Bokeh's session lifetime default
    args = build_parser().parse_args(["serve", str(NOTEBOOKS / "dashboard_pair.py"),
                                      "--unused-session-lifetime", "50"])
    assert args.unused_session_lifetime == 50
    started = []
    import panel as pn
    monkeypatch.setattr(pn, "serve", lambda *a, **kw: started.append(kw))
    with pytest.raises(SystemExit, match="at least 100 ms"):
        serve.main(args)
    assert not started                                    # refused before any server exists
