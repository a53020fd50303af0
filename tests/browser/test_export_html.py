"""nb.export_html opened in Chromium from a file: the plots draw, the
equations render as MathML, the parameters, code and stamp are there, the
precomputed slider switches runs without a kernel, and the page makes no
request other than for itself."""
import json
from pathlib import Path

import numpy as np
import pytest

import lab
import nbblox as nb


@pytest.fixture(scope="module")
def page_file(tmp_path_factory):
    c = nb.Circuit([nb.blox.FitzHughNagumo(name="fhn", I=0.5)], name="FitzHugh-Nagumo demo")
    ex = nb.explore(c, t_end=150.0, views=("timeseries", "phase_plane"), seed=5)
    ex.set({"fhn.I": 0.8})
    path = tmp_path_factory.mktemp("page") / "fhn.html"
    nb.export_html(ex, path, grid={"fhn.I": np.linspace(0.0, 1.2, 7)})
    return path


#: (width, height) of every canvas, inside Bokeh's shadow roots too
CANVASES = """() => { const out = [];
  const walk = (root) => { for (const el of root.querySelectorAll('*')) {
      if (el.tagName === 'CANVAS') out.push([el.width, el.height]);
      if (el.shadowRoot) walk(el.shadowRoot); } };
  walk(document); return out; }"""


def _open(page, path):
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(path.as_uri())
    page.wait_for_function(f"() => window.Bokeh && Bokeh.documents.length > 0 && "
                           f"({CANVASES})().filter(([w, h]) => w > 300 && h > 200).length >= 3",
                           timeout=30_000)
    page.wait_for_timeout(300)
    return requests


def test_exported_page_renders_offline_with_plots_and_equations(browser_page, page_file):
    page = browser_page
    requests = _open(page, page_file)
    assert requests == [page_file.as_uri()]               # nothing but the file itself
    assert not [ln for ln in page.ux_logs if ln.startswith(("[pageerror]", "[error]"))]
    # plots: the time series of the shown run and the precomputed runs hold data
    cols = lab.bokeh_sources(page)
    assert max(s["n"] for s in cols) >= 500
    big = [wh for wh in page.evaluate(CANVASES) if wh[0] > 300 and wh[1] > 200]
    assert len({tuple(wh) for wh in big}) >= 2 and len(big) >= 3   # 3 plots, not blank divs
    # equations: MathML laid out by the browser (two derivative rows, real height)
    boxes = page.evaluate("() => [...document.querySelectorAll('math')].map(m => "
                          "{const r = m.getBoundingClientRect(); return [r.width, r.height]})")
    assert boxes and all(w > 100 and h > 30 for w, h in boxes)
    assert page.locator("math mfrac").count() >= 3
    # parameters, code, citation and stamp, as text a reader sees
    row = page.locator("#parameters tr.changed").inner_text()
    assert "fhn.I" in row and "0.8" in row
    code = page.locator("#nbblox-code").inner_text()
    assert "params = {'fhn.I': 0.8}" in code and "seed=5" in code
    assert "FitzHugh R (1961)" in page.locator("#cite").inner_text()
    st = json.loads(page.locator("#nbblox-stamp").text_content())
    assert st["params"]["fhn.I"] == 0.8 and st["seed"] == 5
    assert st["model_hash"][:12] in page.locator("header").inner_text()
    assert page.title() == "nbblox explorer: FitzHugh-Nagumo demo"
    lab.screenshot(page, "export_html_explorer")


def test_precomputed_slider_switches_runs_without_a_kernel(browser_page, page_file):
    page = browser_page
    _open(page, page_file)
    fp = page.evaluate("""async () => {
      const get = (d, k) => d instanceof Map ? d.get(k) : d[k];
      const kind = (m) => m.type || m.constructor.__name__;
      for (const doc of Bokeh.documents) for (const m of doc.all_models)
        if (kind(m) === 'Slider') {
          const src = [...doc.all_models].find(x => kind(x) === 'ColumnDataSource' &&
                                                get(x.data, 't') && get(x.data, 'y0'));
          const sum = () => Array.from(get(src.data, 'y0')).reduce((a, b) => a + b, 0);
          const before = sum();
          m.value = 0;                        // fhn.I = 0: the neuron rests
          await new Promise(r => setTimeout(r, 300));   // CustomJS compiles asynchronously
          const after = Array.from(get(src.data, 'y0'));
          return [before, sum(), Math.max(...after) - Math.min(...after)];
        } return null; }""")
    before, after, spread = fp
    assert before != after
    assert spread < 1.5          # at I = 0 FitzHugh-Nagumo settles: no 4-unit spikes


def test_model_text_is_never_markup(browser_page, tmp_path):
    evil = nb.BloxType("Evil", "dx/dt = -x/tau", params={"tau": (2.0, (1, 5), "ms",
                                                                   "<b>bold</b> doc")},
                       doc="<img src=x onerror=\"document.title='pwned'\">",
                       citation="Smith J (2020). <script>document.title='pwned'</script>. J 1:1-2.")
    c = nb.Circuit([evil(name="e")], name="<i>circuit</i>")
    path = nb.export_html(nb.simulate(c, 5.0, dt=0.1), tmp_path / "evil.html")
    page = browser_page
    page.goto(Path(path).as_uri())
    page.wait_for_function("() => window.Bokeh && Bokeh.documents.length > 0")
    page.wait_for_timeout(500)
    assert page.title() != "pwned"
    assert page.locator("img[src='x'], main b, header i").count() == 0
    assert "<img src=x" in page.locator("#model").inner_text()      # shown as text
    assert "<i>circuit</i>" in page.locator("header h1").inner_text()


def test_exported_equations_read_like_the_dashboards(browser_page, tmp_path):
    """Hodgkin--Huxley exported (Hodgkin & Huxley 1952, J Physiol 117:500, the rate
    functions as nbblox's HodgkinHuxley blox writes them): the equations are printed
    as the dashboard's TeX is (``exprel`` as its quotient, ``3^{(T - 6.3)/10}``), the
    right-hand column is left-aligned (the "=" signs line up), and α_m and I_Na have
    their subscripts below the letter in the page's text font -- no maths font needed
    (the page set them in the browser's ``math`` font, and a machine without one
    shows "αm", "INa")."""
    from test_equations_typeset import MIN_DROP_PX, WANT
    c = nb.Circuit([nb.blox.HodgkinHuxley(name="hh")], name="hh")
    path = tmp_path / "hh.html"
    nb.export_html(nb.simulate(c, 20.0), path)
    html = path.read_text(encoding="utf-8")
    assert "exprel" not in html
    page = browser_page
    _open_first_plot(page, path)
    lab.screenshot(page, "equations_export_hh")
    maths = " ".join(page.evaluate("() => [...document.querySelectorAll('math')]"
                                   ".map(m => m.textContent)"))
    assert "exprel" not in maths and "exp" not in maths, maths
    fonts = page.evaluate("() => [getComputedStyle(document.querySelector('math')).fontFamily,"
                          " getComputedStyle(document.body).fontFamily]")
    assert fonts[0] == fonts[1], fonts
    subs = lab.subscripts(page)
    found = {k: [s for s in subs if (s["base"], s["sub"]) == k] for k in WANT}
    assert all(found.values()), subs[:20]
    level = [s for v in found.values() for s in v if s["drop"] < MIN_DROP_PX]
    assert not level, level
    tables = lab.equation_columns(page)
    assert tables and all(t["align"] == ["right", "left"] for t in tables), tables
    zigzag = [t for t in tables if max(t["lefts"]) - min(t["lefts"]) > 2]
    assert not zigzag, zigzag
    # phi = 3^((T - 6.3)/10): the exponent factored, with a slash
    sup = page.evaluate("() => [...document.querySelectorAll('msup')].map(m => m.textContent)")
    assert "3(T−6.3)/10" in [s.replace("-", "−") for s in sup], sup


def _open_first_plot(page, path):
    page.goto(path.as_uri())
    page.wait_for_function(f"() => window.Bokeh && Bokeh.documents.length > 0 && "
                           f"({CANVASES})().filter(([w, h]) => w > 300 && h > 200).length >= 1",
                           timeout=60_000)
    page.wait_for_timeout(300)
