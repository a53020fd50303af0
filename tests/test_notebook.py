"""nbblox in a real Jupyter kernel (nbblox/notebook.py, nbblox/ipython.py):

* a plot displays with no set-up call, and the page is told to load BokehJS and
  Panel from the Jupyter server (no CDN address left in any loader, a few kB of
  loader instead of megabytes of inlined JavaScript);
* an nbblox error is shown as its message and the user's line, with the full
  traceback one ``%tb`` away; other errors keep IPython's full traceback;
* SymPy expressions are typeset by nbblox's printer (dotted names as one symbol).

One kernel serves every check (a kernel start costs seconds).
"""
import json
import os
import re

import pytest

from nbblox.notebook import _to_server


@pytest.fixture(scope="module")
def kernel():
    from jupyter_client.manager import start_new_kernel
    env = dict(os.environ)
    env.pop("VSCODE_PID", None), env.pop("NBBLOX_JS", None), env.pop("NBBLOX_INLINE", None)
    km, kc = start_new_kernel(kernel_name="python3", env=env)
    try:
        yield kc
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def run(kc, code):
    """Execute ``code``; return the iopub outputs of that cell."""
    outs = []
    kc.execute_interactive(code, timeout=180, output_hook=lambda m: outs.append(m)
                           if m["header"]["msg_type"] in ("display_data", "execute_result",
                                                          "error", "stream") else None)
    return outs


def test_a_plot_displays_without_setup_and_loads_js_from_the_server(kernel):
    outs = run(kernel, "import nbblox as nb\n"
                       "sol = nb.simulate(nb.blox.FitzHughNagumo(name='fhn'), 50.0)\n"
                       "sol.plot()")
    data = [m["content"]["data"] for m in outs if "data" in m["content"]]
    mimes = {k for d in data for k in d}
    # rendered as a Bokeh plot, not the ':Overlay ...' text of an unloaded HoloViews
    assert "application/vnd.holoviews_exec.v0+json" in mimes, mimes
    loaders = [v for d in data for k, v in d.items()
               if k in ("application/javascript", "application/vnd.holoviews_load.v0+json")]
    joined = "\n".join(loaders)
    assert 'panel-preview/static/js/bokeh.min.js' in joined
    assert 'panel_dist/panel.min.js' in joined
    # BokehJS's MathJax comes with the first loader: a dashboard shown later typesets its
    # equations with it (BokehJS gives up on MathJax if it is missing at the first widget)
    assert 'panel-preview/static/js/bokeh-mathjax.min.js' in joined
    assert not re.search(r"https://cdn\.(bokeh\.org|holoviz\.org)[^\"']*\.js", joined)
    size = sum(len(json.dumps(m["content"])) for m in outs)
    assert size < 300_000, size        # inlined JS was ~6 MB per notebook
    # every plot on the 2D canvas (WebGL is emulated without a GPU: slow, stray marks)
    out = run(kernel, "import holoviews as hv; print(hv.renderer('bokeh').webgl)")
    assert "False" in "".join(m["content"].get("text", "") for m in out)


def test_nbblox_errors_are_compact_with_the_full_traceback_one_step_away(kernel):
    outs = run(kernel, "x = 1\nb = nb.blox.HodgkinHuxley(name='hh', Iext=3)")
    err = [m["content"] for m in outs if m["header"]["msg_type"] == "error"]
    assert len(err) == 1
    tb = [re.sub(r"\x1b\[[0-9;]*m", "", ln) for ln in err[0]["traceback"]]
    assert tb[0].startswith("ParameterError: HodgkinHuxley blox 'hh' has no parameter 'Iext'")
    assert "Did you mean 'I'?" in tb[0] and "Its parameters: I, C, g_Na" in tb[0]
    assert "line 2: b = nb.blox.HodgkinHuxley(name='hh', Iext=3)" in tb[1]
    assert len(tb) == 3 and "%tb" in tb[2]          # no frames of nbblox internals
    full = run(kernel, "%tb")
    text = "\n".join(ln for m in full if m["header"]["msg_type"] == "error"
                     for ln in m["content"]["traceback"])
    assert "nbblox/model/blox.py" in text            # the full traceback, on request


def test_sympy_expressions_are_typeset_by_nbbloxs_printer(kernel):
    """Lesson 17's ``nb.compile(col).equations()["E.A"]`` in JupyterLab: MathJax set
    SymPy's "E.A" as "E. A"; nbblox registers its printer for SymPy objects (issue 16)."""
    outs = run(kernel, "import nbblox as nb, sympy as sp\nsp.Symbol('E.A') / sp.Symbol('tau')")
    (data,) = [m["content"]["data"] for m in outs if "data" in m["content"]]
    assert data["text/latex"] == r"$\displaystyle \frac{{\mathrm{E}{.}A}}{\tau}$"


def test_dashboard_equations_are_typeset_by_mathjax(kernel):
    """Panel's KaTeX pane showed KaTeX's MathML, whose subscripts Chromium set level
    with their letter ("αm" for α_m); the equations are MathJax's now (the page's
    look: tests/browser/test_equations_typeset.py).  Panel is not told "mathjax" is
    an extension: every later output would wait 5 s for a global MathJax."""
    outs = run(kernel, "import nbblox as nb, sys\n"
                       "from nbblox.ui.dashboard_views import equations_pane\n"
                       "d = nb.dashboard(nb.blox.HodgkinHuxley(name='hh'), t_end=20.0)\n"
                       "p = equations_pane(d.circuit).objects[1]\n"
                       "print(type(p).__name__, p.disable_math, r'\\alpha_{m}' in p.object,\n"
                       "      'mathjax' in sys.modules['panel.config'].panel_extension._loaded_extensions)")
    text = "".join(m["content"].get("text", "") for m in outs)
    assert text.split() == ["HTML", "False", "True", "False"], text


@pytest.mark.parametrize("case", ["pn.extension first", "inline"])
def test_equations_fall_back_to_nbbloxs_mathml_without_mathjax(case):
    """A notebook whose Panel JavaScript was loaded before nbblox's (``pn.extension()``
    first) has no MathJax for BokehJS, nor does inline mode (VS Code), where MathJax's
    bundle made the first plot's output 3.7 MB larger: the dashboard's equations are
    nbblox's MathML there (no KaTeX, no JavaScript; its look:
    tests/browser/test_equations_typeset.py), and nothing of MathJax or KaTeX is loaded."""
    from jupyter_client.manager import start_new_kernel
    env = {k: v for k, v in os.environ.items() if k not in ("VSCODE_PID", "NBBLOX_JS")}
    if case == "inline":
        env["NBBLOX_JS"] = "inline"
    first = "import panel as pn\npn.extension()\n" if case != "inline" else ""
    km, kc = start_new_kernel(kernel_name="python3", env=env)
    try:
        outs = run(kc, first + "import nbblox as nb\n"
                       "from nbblox.notebook import mathjax_ready\n"
                       "from nbblox.ui.dashboard_views import equations_pane\n"
                       "d = nb.dashboard(nb.blox.HodgkinHuxley(name='hh'), t_end=20.0)\n"
                       "p = equations_pane(d.circuit).objects[1]\n"
                       "print(mathjax_ready(), type(p).__name__, p.object.startswith('<math'),\n"
                       "      'exprel' in p.object)")
        outs += run(kc, "d")
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    text = "".join(m["content"].get("text", "") for m in outs)
    assert text.split()[:4] == ["False", "HTML", "True", "False"], text
    assert "was not imported" not in text, text
    shown = [m["content"]["data"] for m in outs if "data" in m["content"]]
    loaders = "\n".join(str(v) for d in shown for k, v in d.items()
                        if k in ("application/javascript", "application/vnd.holoviews_load.v0+json"))
    if case == "inline":           # (a user's own pn.extension() loads what Panel loads)
        assert "bokeh-mathjax" not in loaders and "katex.min.js" not in loaders
    assert any("application/vnd.holoviews_exec.v0+json" in d for d in shown), shown


def test_other_errors_keep_ipythons_traceback(kernel):
    outs = run(kernel, "def f():\n    return 1/0\nf()")
    tb = "\n".join(ln for m in outs if m["header"]["msg_type"] == "error"
                   for ln in m["content"]["traceback"])
    assert "ZeroDivisionError" in tb and "Traceback" in tb and "%tb" not in tb


def test_loader_rewrite_keeps_non_cdn_text():
    js = ('const js_urls = ["https://cdn.bokeh.org/bokeh/release/bokeh-widgets-3.9.2.min.js", '
          '"https://cdn.holoviz.org/panel/1.9.4/dist/panel.min.js"];\n'
          'const inline_js = [function(Bokeh) {}];')
    out = _to_server(js)
    assert '__nbblox_base + "panel-preview/static/js/bokeh-widgets.min.js"' in out
    assert '__nbblox_base + "panel_dist/panel.min.js"' in out
    assert '"https://cdn.' not in out
    assert _to_server("no urls here") == "no urls here"


def test_inline_loader_carries_panels_stylesheets():
    """Inline mode (VS Code, offline): Panel names its stylesheets by CDN address;
    the loader carries each file's text (spinner images as data: URLs) and a hook
    that points those addresses at it.  The browser side is checked in
    tests/browser/test_explore_vscode_mode.py (no failed request)."""
    import panel

    from nbblox.notebook import _panel_css, _to_inline
    css = _panel_css()
    dist = os.path.join(os.path.dirname(panel.__file__), "dist")
    for name in ("css/loading.css", "css/button.css", "bundled/theme/default.css",
                 "bundled/theme/native.css"):
        assert name in css and os.path.isfile(os.path.join(dist, name)), name
    assert "../assets/" not in css["css/loading.css"]          # images written in
    assert "data:image/svg+xml;base64," in css["css/loading.css"]
    out = _to_inline("const inline_js = [function(Bokeh) {}];")
    assert out.startswith("const inline_js = [function (Bokeh) {")
    assert '"css/button.css"' in out and "ImportedStyleSheet" in out
    assert _to_inline("no loader here") == "no loader here"
