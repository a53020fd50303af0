"""The text a plot draws, read from the rendered page (issue 16, vizfix): a
long run's time ticks are plain numbers ("50,000", not "5.000e+4"), a BOLD
plot's y axis says what it is, a static bifurcation diagram's legend sits above
its data, and the explorer's bifurcation legend fits its least width (340 px;
it was 414 px wide).  Each figure is a standalone Bokeh page (no Jupyter)."""
import bokeh.embed
import bokeh.resources
import holoviews as hv
import numpy as np
import pytest

import lab
import nbblox as nb
from nbblox.sim.solution import Solution

pytestmark = pytest.mark.browser

#: every axis: its label and the tick labels BokehJS draws (formatted by its formatter)
TICKS = """() => [...Bokeh.index.query(v => v.model && 'formatter' in v.model && 'tick_coords' in v)]
  .filter(v => v.model.visible !== false)
  .map(v => { const ticks = v.tick_coords.major[v.dimension];
              const labels = v.compute_labels(ticks);
              return {label: String(v.model.axis_label ?? ''),
                      ticks: (labels.items || labels).map(l => l.text)}; })"""


@pytest.fixture(scope="module")
def browser_page():
    """One Chromium page for the module (a standalone Bokeh page needs no server)."""
    lab.require_browser()
    with lab.chromium_page(viewport=(1000, 800)) as page:
        yield page


def _show(page, tmp_path, el, width=1000):
    """``el`` drawn alone in a window ``width`` px wide (a responsive view fills it)."""
    page.set_viewport_size({"width": width, "height": 800})
    fig = hv.render(el, backend="bokeh")
    html = bokeh.embed.file_html(fig, bokeh.resources.INLINE)
    path = tmp_path / "fig.html"
    path.write_text(html)
    page.goto(path.as_uri())
    page.wait_for_function("() => window.Bokeh && Bokeh.index && "
                           "[...Bokeh.index.query(v => v.frame != null)].length > 0",
                           timeout=30_000)
    page.wait_for_timeout(500)


def _long_run():
    t = np.arange(0.0, 240001.0, 20.0)
    x = 0.1 + 0.05 * np.random.default_rng(0).random((2, t.size))
    return Solution(t, ["rA1.E", "rA2.E"], x, info={"method": "heun", "dt": 0.8})


def test_long_run_time_ticks_are_plain_numbers(browser_page, tmp_path):
    _show(browser_page, tmp_path, _long_run().plot(overlay=False))
    axes = browser_page.evaluate(TICKS)
    time = [a for a in axes if a["label"] == "time (ms)"]
    assert len(time) == 2, axes                        # both linked panels
    for a in time:
        assert not [t for t in a["ticks"] if "e" in t], a
        assert "100,000" in a["ticks"] or "200,000" in a["ticks"], a


def test_bold_plot_axis_says_bold_signal_change(browser_page, tmp_path):
    b = nb.bold(_long_run(), tr=2000.0)
    _show(browser_page, tmp_path, b.plot())
    labels = [a["label"] for a in browser_page.evaluate(TICKS)]
    assert labels == ["time (ms)", "BOLD signal change (%)"], labels
    legend, = lab.plot_legends(browser_page, "BOLD")[0]["legends"]
    assert legend["items"] == ["bold(rA1.E)", "bold(rA2.E)"]


@pytest.fixture(scope="module")
def branches():
    s = nb.compile(nb.blox.FitzHughNagumo(name="fhn"))
    br = nb.continuation(s, "fhn.I", (0.0, 2.0))
    return br, nb.continuation(s, "fhn.I", (0.0, 2.0), start=br.special("H")[0])


def test_static_bifurcation_legend_is_above_the_data(browser_page, tmp_path, branches):
    br, cyc = branches
    _show(browser_page, tmp_path, br.plot() * cyc.plot())
    fig, = lab.plot_legends(browser_page, "FitzHugh–Nagumo")
    legend, = fig["legends"]
    assert len(legend["items"]) >= 5, legend
    assert legend["box"][3] <= fig["frame"][1] + 1, fig       # above: it covers no branch
    assert legend["box"][0] >= 0 and legend["box"][2] <= fig["canvas"][0], fig
    # session 32: Bokeh's 10 px legend margin, twice over, left ~30 px between the
    # title and the legend (20 px between their boxes); a time series has none
    assert 0 <= legend["box"][1] - fig["title_box"][3] <= 6, fig
    assert 0 <= fig["frame"][1] - legend["box"][3] <= 6, fig
    lab.screenshot_element(browser_page.locator("body"), "bifurcation_static")


def test_explorer_bifurcation_legend_fits_the_least_width(browser_page, tmp_path, branches):
    from nbblox.ui.explore.views import live_look
    br, cyc = branches
    _show(browser_page, tmp_path, live_look(br.plot() * cyc.plot()), width=340)
    fig, = lab.plot_legends(browser_page, "FitzHugh–Nagumo")
    legend, = fig["legends"]
    assert fig["canvas"][0] <= 345, fig                    # the view at its least width
    assert len(legend["items"]) >= 5, legend
    assert legend["box"][0] >= 0 and legend["box"][2] <= fig["canvas"][0], fig
    assert legend["box"][1] >= fig["frame"][3], fig          # below the data
