"""nb.export_html for every result type (the page holds a plot, the equations,
the parameters and code that reruns it), the bounds of the precomputed
slider, and model text that stays text.  The browser side is in
tests/browser/test_export_html.py."""
import re

import numpy as np
import pytest

import nbblox as nb


def _sections(text):
    return set(re.findall(r'<section id="(\w+)"', text))


@pytest.fixture(scope="module")
def fhn():
    return nb.compile(nb.blox.FitzHughNagumo(name="fhn", I=0.5))


def test_every_result_type_exports_a_complete_offline_page(tmp_path, fhn):
    data = nb.simulate(fhn, 20.0, dt=0.05, params={"fhn.a": 0.8}, record=["fhn.V"])
    results = {"solution": nb.simulate(fhn, 50.0, dt=0.05, params={"fhn.I": 0.9}),
               "branch": nb.continuation(fhn, "fhn.I", (0.0, 2.0)),
               "fit": nb.fit(fhn, data, {"fhn.a": (0.2, 1.5)}, dt=0.05),
               "sweep": nb.sweep(fhn, {"fhn.I": [0.0, 0.5, 1.0]}, 20.0, dt=0.05)}
    for label, res in results.items():
        path = nb.export_html(res, tmp_path / f"{label}.html")
        text = open(path, encoding="utf-8").read()
        assert _sections(text) == {"results", "model", "parameters", "run", "code", "cite"}, label
        assert 'data-root-id="' in text and "<math" in text, label
        # no element fetches anything (BokehJS only loads MathJax for TeX, which none has)
        assert not re.search(r'<[a-z]+\s[^>]*(src|href)="(https?:|//)', text), label
        assert "$$" not in text.split("<main>", 1)[1].split("<script", 1)[0], label
        assert "FitzHugh R (1961)" in text and "nbblox-stamp" in text, label
    sol_page = open(tmp_path / "solution.html", encoding="utf-8").read()
    assert "params = {&#x27;fhn.I&#x27;: 0.9}" in sol_page


def test_result_code_reruns_the_result(fhn):
    from nbblox.io.code import result_code
    sol = nb.simulate(fhn, 30.0, dt=0.05, x0={"fhn.w": 0.3}, record=["fhn.V"], stride=2)
    ns = {}
    exec(result_code(sol), ns)                    # our own generated code
    np.testing.assert_array_equal(ns["sol"].values, sol.values)
    ds = nb.sweep(fhn, {"fhn.I": [0.0, 1.0]}, 20.0, dt=0.05, measure="max")
    ns = {}
    exec(result_code(ds), ns)
    np.testing.assert_array_equal(ns["ds"]["max"].values, ds["max"].values)


def test_sweep_code_keeps_threshold_transient_and_base_point(fhn):
    # each of these changes the answer: code that dropped one would not rerun the sweep
    from nbblox.io.code import result_code
    ds = nb.sweep(fhn, {"fhn.I": [0.5, 1.0]}, 200.0, dt=0.05, measure=["rate", "mean"],
                  threshold=0.5, transient=50.0, params={"fhn.a": 0.6},
                  x0=np.array([1.0, 0.2]), record=["fhn.V"], stride=2)
    plain = nb.sweep(fhn, {"fhn.I": [0.5, 1.0]}, 200.0, dt=0.05, measure=["rate", "mean"])
    assert not np.allclose(plain["mean"].values, ds["mean"].values)
    ns = {}
    exec(result_code(ds), ns)                     # our own generated code
    for m in ("rate", "mean"):
        np.testing.assert_array_equal(ns["ds"][m].values, ds[m].values)


def test_the_precomputed_slider_is_bounded(tmp_path, fhn):
    ex = nb.explore(fhn, t_end=50.0)
    with pytest.raises(nb.ParameterError, match="1 to 60 precomputed runs"):
        nb.export_html(ex, tmp_path / "a.html", grid={"fhn.I": np.linspace(0, 1, 61)})
    with pytest.raises(nb.ParameterError, match="more than 0.01 MB"):
        nb.export_html(ex, tmp_path / "b.html", grid={"fhn.I": [0.0, 1.0]}, max_bytes=10_000)
    with pytest.raises(nb.ParameterError, match="no parameter named 'fhn.J'|fhn.J"):
        nb.export_html(ex, tmp_path / "c.html", grid={"fhn.J": [0.0]})
    with pytest.raises(nb.ParameterError, match="needs an explorer"):
        nb.export_html(nb.simulate(fhn, 5.0), tmp_path / "d.html", grid={"fhn.I": [0.0]})
    with pytest.raises(nb.ParameterError, match="not a str"):
        nb.export_html("page", tmp_path / "e.html")
    small = nb.export_html(ex, tmp_path / "f.html")
    big = nb.export_html(ex, tmp_path / "g.html", grid={"fhn.I": np.linspace(0, 1, 5)})
    assert "Slider" not in open(small, encoding="utf-8").read()      # never by default
    assert '"Slider"' in open(big, encoding="utf-8").read()


def test_model_text_is_escaped(tmp_path):
    odd = nb.BloxType("Odd", "dx/dt = -x/tau",
                      params={"tau": (2.0, (1, 5), "<u>ms</u>", "<b>doc</b>")},
                      doc="<img src=x onerror=alert(1)>",
                      citation="Smith J (2020). </script><script>alert(1)</script>. J 1:1-2.")
    c = nb.Circuit([odd(name="o")], name="</title><script>alert(2)</script>")
    text = open(nb.export_html(nb.simulate(c, 2.0, dt=0.1), tmp_path / "odd.html"),
                encoding="utf-8").read()
    for raw in ("<img src=x", "<script>alert", "<b>doc", "<u>ms"):
        assert raw not in text, raw
    assert "&lt;img src=x onerror=alert(1)&gt;" in text
    # the stamp JSON cannot close its script element
    stamp = text.split('id="nbblox-stamp">', 1)[1].split("</script>", 1)[0]
    assert "</" not in stamp and "alert(2)" in stamp
