"""How HoloViews and Panel get their JavaScript in a notebook -- decided in one
place, with no set-up call needed.

Three ways to give the page BokehJS and Panel's JavaScript:

``"server"`` (default under a Jupyter server: JupyterLab, Notebook 7, Binder)
    The page loads them from the Jupyter server itself: Panel's server
    extension (installed and enabled with Panel) serves BokehJS under
    ``<base_url>panel-preview/static/js/`` and Panel's files under
    ``<base_url>panel_dist/``.  Works offline, and a saved notebook holds a
    few kB of loader instead of 6-8 MB of inlined JavaScript.  The base URL
    is read in the page (``jupyter-config-data``), so JupyterHub/Binder
    prefixes work.  Panel's stylesheets, which Panel names by their CDN
    address in every output, are redirected to the same local files.
``"inline"`` (default in VS Code, whose kernels run without a Jupyter server)
    The JavaScript is written into the notebook (works offline; big files).
``"cdn"``
    From cdn.bokeh.org / cdn.holoviz.org (needs internet).

``NBBLOX_JS=server|inline|cdn`` overrides the default (``NBBLOX_INLINE=1`` /
``0`` are the older spellings of inline / cdn).

No set-up call: when nbblox is imported in a Jupyter kernel it registers an
IPython formatter for HoloViews and Panel objects; the first one displayed
loads the JavaScript (into that cell's output).  Panel's formatter then steps
aside; HoloViews objects keep being shown through a Panel pane (what
``hv.extension`` would do, without its 1.5 s of imports).
``nb.setup_notebook()`` still exists to choose a mode by hand.
"""
from __future__ import annotations

import os
import re
import sys

__all__ = ["setup_notebook", "js_mode", "install_display_hook", "use_canvas", "mathjax_ready"]

MODES = ("server", "inline", "cdn")
_done = {}

# CDN addresses written by Bokeh/Panel's loaders -> the same files on the Jupyter server
_BOKEH_CDN = re.compile(r"""(["'])https://cdn\.bokeh\.org/bokeh/release/(bokeh[a-z-]*?)-\d[^"'/]*?(\.min)?\.js\1""")
_PANEL_CDN = re.compile(r"""(["'])https://cdn\.holoviz\.org/panel/[^/"']+/dist/([^"']*)\1""")

# Runs in the page before the loader: the server's base URL, and a hook that points
# Panel's stylesheets (CDN addresses inside every output) at the local copies.
_PRELUDE = r"""var __nbblox_base = (function () {
  try { var el = document.getElementById('jupyter-config-data');
        var b = el && JSON.parse(el.textContent).baseUrl;
        if (b) { return b.endsWith('/') ? b : b + '/'; } } catch (e) {}
  return '/'; })();
"""
_CSS_HOOK = r"""function (Bokeh) {
  var dom = Bokeh.require('core/dom');
  if (dom.__nbblox_css) { return; }
  dom.__nbblox_css = true;
  var cdn = /^https:\/\/cdn\.holoviz\.org\/panel\/[^/]+\/dist\//;
  var local = function (sheet) {
    var href = sheet.el && sheet.el.getAttribute('href');
    if (href && cdn.test(href)) { sheet.el.setAttribute('href', href.replace(cdn, __nbblox_base + 'panel_dist/')); }
  };
  [dom.ImportedStyleSheet, dom.GlobalImportedStyleSheet].forEach(function (cls) {
    if (!cls) { return; }
    var install = cls.prototype.install;
    cls.prototype.install = function (el) { local(this); return install.call(this, el); };
  });
},
"""


def js_mode():
    """The mode :func:`setup_notebook` uses by default here.

    Examples
    --------
    >>> js_mode() in ("server", "inline", "cdn")
    True
    """
    mode = os.environ.get("NBBLOX_JS", "").strip().lower()
    if mode in MODES:
        return mode
    old = os.environ.get("NBBLOX_INLINE")
    if old is not None:
        return "cdn" if old in ("0", "false", "False") else "inline"
    # VS Code runs kernels without a Jupyter server: nothing to load the files from
    if "VSCODE_PID" in os.environ or "VSCODE_CWD" in os.environ:
        return "inline"
    return "server"


def _to_server(text):
    """Loader JavaScript with the CDN addresses replaced by the Jupyter server's."""
    if not isinstance(text, str) or "cdn." not in text:
        return text
    text = _BOKEH_CDN.sub(lambda m: f'__nbblox_base + "panel-preview/static/js/{m[2]}{m[3] or ""}.js"',
                          text)
    text = _PANEL_CDN.sub(lambda m: f'__nbblox_base + "panel_dist/{m[2]}"', text)
    if "__nbblox_base" in text:
        text = _PRELUDE + text.replace("const inline_js = [", "const inline_js = [" + _CSS_HOOK, 1)
    return text


# Inline mode (VS Code, no Jupyter server): Panel still names its stylesheets by their
# CDN address, so offline every widget lost its styles (the page logged eight failed
# .css requests).  The loader carries Panel's stylesheets (~0.1 MB against the 3 MB of
# inlined JavaScript) and a hook swaps each CDN address for a data: URL of the same file.
_CSS_INLINE_HOOK = r"""function (Bokeh) {
  var install = function (B) {
    var dom = B.require('core/dom');
    if (dom.__nbblox_css) { return; }
    dom.__nbblox_css = true;
    var files = __FILES__;
    var cdn = /^https:\/\/cdn\.holoviz\.org\/panel\/[^/]+\/dist\/([^?#]*)/;
    var local = function (sheet) {
      var href = sheet.el && sheet.el.getAttribute('href');
      var m = href && cdn.exec(href);
      if (m && Object.prototype.hasOwnProperty.call(files, m[1])) {
        sheet.el.setAttribute('href', 'data:text/css;charset=utf-8,' + encodeURIComponent(files[m[1]]));
      }
    };
    [dom.ImportedStyleSheet, dom.GlobalImportedStyleSheet].forEach(function (cls) {
      if (!cls) { return; }
      var install = cls.prototype.install;
      cls.prototype.install = function (el) { local(this); return install.call(this, el); };
    });
  };
  if (Bokeh) { install(Bokeh); return; }
  // The first loader defines Bokeh further down this same list (the hook is only ever
  // inserted into it), and it may draw the output's plot right after the list, before a
  // timer would fire (the stylesheets then went to the CDN in 3 runs of 8): run again as
  // the list's last entry, which its loop still reaches.
  inline_js.push(function (B) { install(B || window.Bokeh); });
},
"""


def _panel_css():
    """Panel's own stylesheets as ``{path under dist/: text}``, the spinner
    images of ``loading.css`` written into it as data: URLs."""
    import base64
    from pathlib import Path

    import panel
    dist = Path(panel.__file__).parent / "dist"
    files = {}
    for sub in ("css", "bundled/theme"):
        for f in sorted((dist / sub).glob("*.css")):
            text = f.read_text(encoding="utf-8")
            if "../assets/" in text:
                def data_url(m, base=f.parent):
                    img = (base / m[1]).resolve()
                    if not img.is_file():
                        return m[0]
                    return "url('data:image/svg+xml;base64," + base64.b64encode(img.read_bytes()).decode() + "')"
                text = re.sub(r"""url\(['"]?(\.\./assets/[^'")]+)['"]?\)""", data_url, text)
            files[f"{sub}/{f.name}"] = text
    return files


def _to_inline(text):
    """Loader JavaScript that also carries Panel's stylesheets (inline mode)."""
    if not isinstance(text, str) or "const inline_js = [" not in text:
        return text
    if "css" not in _done:
        import json
        _done["css"] = _CSS_INLINE_HOOK.replace("__FILES__", json.dumps(_panel_css()))
    return text.replace("const inline_js = [", "const inline_js = [" + _done["css"], 1)


class _ServerJS:
    """While active, every display message the kernel publishes has its
    loader JavaScript rewritten by ``rewrite``: pointed at the Jupyter server
    (:func:`_to_server`, the default) or given Panel's stylesheets
    (:func:`_to_inline`)."""

    def __init__(self, ip, rewrite=None):
        self.pub = getattr(ip, "display_pub", None)
        self.rewrite = rewrite or _to_server

    def __enter__(self):
        if self.pub is not None:
            orig = self.pub.publish

            def publish(data, *args, **kw):
                if isinstance(data, dict):
                    data = {k: (self.rewrite(v) if "javascript" in k or "holoviews_load" in k else v)
                            for k, v in data.items()}
                return orig(data, *args, **kw)
            self.orig = orig
            self.pub.publish = publish
        return self

    def __exit__(self, *exc):
        if self.pub is not None:
            self.pub.publish = self.orig


def setup_notebook(mode=None, *, inline=None, extensions=(), **panel_kw):
    """Load Panel and the HoloViews Bokeh backend for this notebook.

    Not needed in normal use: the first HoloViews or Panel object displayed
    after ``import nbblox`` does it.  Call it to choose how the JavaScript
    reaches the page, or to pass options to ``pn.extension``.

    Parameters
    ----------
    mode : {"server", "inline", "cdn"}, optional
        Where the page gets BokehJS and Panel's JavaScript (module docstring);
        default :func:`js_mode`.
    inline : bool, optional
        Older spelling: True is ``"inline"``, False is ``"cdn"``.
    extensions : tuple of str
        Panel extensions to load as well (e.g. ``("katex",)``).  BokehJS's MathJax,
        which typesets nbblox's equations, comes with the first load (not in inline
        mode: :func:`mathjax_ready`).
    **panel_kw
        Extra arguments for ``pn.extension`` (e.g. ``sizing_mode``).

    Returns
    -------
    None
        (so a call as the last line of a cell shows nothing)

    Examples
    --------
    >>> import nbblox as nb
    >>> nb.setup_notebook() is None
    True
    """
    if mode is None:
        mode = js_mode() if inline is None else ("inline" if inline else "cdn")
    if mode not in MODES:
        from .exceptions import ParameterError, suggest
        raise ParameterError(f"setup_notebook: unknown mode {mode!r}." + suggest(str(mode), MODES)
                             + f" Modes: {', '.join(MODES)}")
    key = (mode, tuple(sorted(panel_kw.items())))
    loaded = _done.setdefault("extensions", set())
    new = [e for e in extensions if e not in loaded]
    if _done.get("key") == key and not new:
        return None
    from ._gcpause import paused
    with paused():      # ~2x10^5 objects imported: no full collection over them halfway
        _setup(mode, key, new, extensions, panel_kw)
    loaded.update(extensions)
    _done["key"] = key
    _done["mode"] = mode
    _remove_display_hook()
    return None


def _setup(mode, key, new, extensions, panel_kw):
    import holoviews as hv
    import panel as pn
    ip = kernel_shell()
    if ip is None or mode == "cdn":
        ctx = _Null()
    else:
        ctx = _ServerJS(ip, _to_server if mode == "server" else _to_inline)
    with ctx:
        if _done.get("key") == key:          # only extensions to add (e.g. KaTeX)
            pn.extension(*new, inline=(mode == "inline"))
        else:
            # pn.extension with HoloViews imported loads BokehJS, Panel and HoloViews' JS
            # and makes bokeh HoloViews' backend.  hv.extension is not called: it adds
            # ~1.5 s of imports (holoviews.ipython pulls in nbconvert) only to register
            # display hooks, and HoloViews objects are displayed through Panel here
            # (_display_holoviews), as HoloViews itself does.
            import holoviews.plotting.bokeh  # noqa: F401
            with_mathjax = _extension_with_mathjax(pn, extensions, mode, panel_kw)
            _done["mathjax"] = _done.get("mathjax", False) or with_mathjax
            hv.Store.set_current_backend("bokeh")
            use_canvas()


def _extension_with_mathjax(pn, extensions, mode, panel_kw):
    """``pn.extension(*extensions)`` whose loader also brings BokehJS's MathJax
    bundle (Panel leaves it out of a notebook unless asked for "mathjax"), so that
    equations are typeset as on a served page (:func:`mathjax_ready`).  Returns
    whether the page has it: not when Panel's or HoloViews' JavaScript was loaded
    before (a user's ``pn.extension()`` first; BokehJS's MathJax must be there
    before the first widget is drawn, or BokehJS gives up on it for the page).

    "mathjax" is not left among Panel's loaded extensions: Panel would make every
    later output wait for a global ``MathJax``, which the bundle does not define
    (5 s per output).

    Not in inline mode (VS Code): there the loader output carries the bundle's text,
    twice (Panel writes it under two mime types), and a notebook's first plot output
    grew from 6.8 to 10.5 MB; equations are shown as nbblox's own MathML
    (:mod:`nbblox.io.mathml`, no JavaScript at all)."""
    import holoviews as hv
    from panel.config import panel_extension as ext
    if mode == "inline":
        pn.extension(*extensions, inline=True, **panel_kw)
        return False
    had = "mathjax" in ext._loaded_extensions
    loaded_before = ext._loaded or getattr(hv.extension, "_loaded", False)
    try:
        pn.extension(*extensions, "mathjax", inline=(mode == "inline"), **panel_kw)
    finally:
        if not had:
            ext._loaded_extensions[:] = [e for e in ext._loaded_extensions if e != "mathjax"]
    return had or not loaded_before


def mathjax_ready():
    """Whether TeX in a Panel HTML pane is typeset here by BokehJS's MathJax
    (:func:`nbblox.ui.text.tex_pane`): always outside a Jupyter kernel (Panel puts
    MathJax on every served page with an HTML pane); in a kernel once nbblox's
    loader brought it (:func:`setup_notebook`, unless Panel's JavaScript was loaded
    before nbblox's, or the mode is inline: 3.7 MB more in every notebook that plots).

    Examples
    --------
    >>> mathjax_ready()          # no kernel here: a served page
    True
    """
    if kernel_shell() is None:
        return True
    return bool(_done.get("mathjax"))


def use_canvas():
    """Draw every HoloViews plot with the 2D canvas, not WebGL: without a GPU (VMs,
    remote desktops, headless browsers) WebGL is emulated -- slower, and a
    user's own ``hv.Curve`` showed stray marks along its line.  nbblox's own
    views already ask for the canvas (``viz.style.CANVAS``)."""
    import holoviews as hv
    import holoviews.plotting.bokeh  # noqa: F401
    hv.renderer("bokeh").webgl = False
    _readable_type()


#: element types whose default type size :func:`_readable_type` raises
_TYPED = ("Curve", "Scatter", "Points", "Area", "Spread", "Histogram", "Bars", "HeatMap",
          "Image", "QuadMesh", "Spikes", "ErrorBars", "Path", "Segments", "VectorField",
          "Distribution", "BoxWhisker", "Violin", "Raster", "Overlay")


def _readable_type():
    """Give a user's own HoloViews figures (a lesson's ``hv.Curve``) the type
    sizes of nbblox's figures (``viz.style.FONTS``: 12 pt labels, 10.5 pt
    ticks) instead of Bokeh's 13 px / 11 px, which are hard to read on a
    projector.  Options a figure sets itself win.  Applies to the Bokeh backend
    once it is the current one (``setup_notebook`` and served lessons)."""
    import holoviews as hv
    if hv.Store.current_backend != "bokeh":
        return
    from .viz.style import FONTS
    hv.opts.defaults(*[getattr(hv.opts, n)(fontsize=FONTS, backend="bokeh")
                       for n in _TYPED if hasattr(hv.opts, n)])


class _Null:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def kernel_shell():
    """The IPython shell when running inside a Jupyter kernel, else None."""
    if "IPython" not in sys.modules:   # no shell then; the import alone is ~0.5-1.5 s
        return None
    try:
        from IPython import get_ipython
    except ImportError:
        return None
    ip = get_ipython()
    return ip if ip is not None and getattr(ip, "kernel", None) is not None else None


# -- no set-up call: the first HoloViews/Panel object displayed loads the JS -------
_HOOKED = (("panel.viewable", "Viewable"), ("panel.viewable", "Viewer"))


def _first_display(obj, include=None, exclude=None):
    from ._gcpause import paused
    with paused():       # the imports and the Bokeh models: no full GC pass over them
        setup_notebook()
        return obj._repr_mimebundle_(include=include, exclude=exclude)


def _display_holoviews(obj, include=None, exclude=None):
    """A HoloViews object as HoloViews would show it after ``hv.extension``: a
    Panel HoloViews pane (plot, and widgets for HoloMaps)."""
    from ._gcpause import paused
    with paused():       # a fresh kernel's first plot made two full GC passes here
        setup_notebook()
        import holoviews as hv
        if hv.Store._display_hooks:      # the user loaded hv.extension: HoloViews shows it
            return obj._repr_mimebundle_(include=include, exclude=exclude)
        import panel as pn
        return pn.panel(obj)._repr_mimebundle_(include, exclude)


def install_display_hook(ip=None):
    """Make the first HoloViews or Panel object displayed in this kernel load
    the JavaScript (called by ``import nbblox`` inside a Jupyter kernel).

    Returns True if the hook was installed (False outside a kernel or after
    the JavaScript was loaded).

    Examples
    --------
    >>> install_display_hook()   # a plain Python session: nothing to do
    False
    """
    ip = ip or kernel_shell()
    if ip is None or "key" in _done:
        return False
    fmt = ip.display_formatter.mimebundle_formatter
    for module, name in _HOOKED:
        fmt.for_type_by_name(module, name, _first_display)
    # HoloViews objects stay with this formatter (no hv.extension display hooks)
    fmt.for_type_by_name("holoviews.core.dimension", "Dimensioned", _display_holoviews)
    return True


def _remove_display_hook():
    ip = kernel_shell()
    if ip is None:
        return
    fmt = ip.display_formatter.mimebundle_formatter
    for module, name in _HOOKED:
        fmt.deferred_printers.pop((module, name), None)
        # a type looked up once has been moved from deferred to type_printers
        for cls in list(fmt.type_printers):
            if (cls.__module__, cls.__name__) == (module, name):
                fmt.type_printers.pop(cls, None)
