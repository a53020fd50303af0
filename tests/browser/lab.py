"""Shared real-browser utilities: Debian Chromium via Playwright, a throwaway
JupyterLab server, and helpers to drive notebooks and read what Bokeh plots.

Used by every test under tests/browser/ (explore, circuit builder, dashboard).
Everything binds to 127.0.0.1; every process started here is stopped by its
own PID (process group), never by name.

Functions
---------
browser_available()          -> (ok, reason): chromium + python playwright present?
require_browser()            pytest.skip locally / pytest.fail under CI=true when missing
chromium_page(viewport)      context manager -> Playwright page (fresh user-data dir);
                             ``page.ux_logs`` collects console, page errors, failed requests
jupyter_lab(root_dir)        context manager -> LabServer(base, token, proc, root_dir, log)
jupyter_lab(root, app="notebook")   the same with Jupyter Notebook 7
open_notebook(page, lab, path)   open ``lab/tree/<path>`` and wait for an idle kernel
open_notebook7(page, nb, path)   open ``notebooks/<path>`` in Notebook 7, same wait
run_all_cells(page)          run every cell and wait until none is busy
wait_idle(page)              wait until no ``[*]`` prompt is left and the kernel is idle
kernel_exec(page, code)      run code in the notebook's kernel; returns its stdout
bokeh_sources(page, column)  ColumnDataSource columns as seen by BokehJS in the page
bokeh_ranges(page)           Range1d (start, end) pairs in the page
cell_errors(page)            texts of error outputs (tracebacks) in the notebook
screenshot(page, name)       save ``artifacts/<name>.png`` (gitignored) and return its path
failed_js_requests(page)     failed .js requests (a CDN fetch offline, for instance)
overflowing_outputs(page)    outputs whose content reaches past the notebook's output area
axis_labels(page)            every visible Bokeh axis: its label and its plot's title
raw_math(page, selector)     text nodes under ``selector`` still holding ``$...$`` or ``\\begin``
remote_requests(page)        requests that left 127.0.0.1 (a CDN, for instance)

The recipes come from /work/shared/jupyter-stack (uxlib.py, step3, bokeh_probe.js).
"""
from __future__ import annotations

import ast
import contextlib
import dataclasses
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

CHROMIUM = os.environ.get("NBBLOX_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage",
]
REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(os.environ.get("NBBLOX_ARTIFACTS", REPO / "artifacts"))

#: notebooks the browser tests open (copied into each server's root)
NOTEBOOKS = Path(__file__).resolve().parent / "notebooks"


# -- availability ---------------------------------------------------------------
def browser_available():
    """``(True, "")`` if Debian chromium and Python playwright are usable, else
    ``(False, reason)``."""
    if not Path(CHROMIUM).exists():
        return False, f"chromium not found at {CHROMIUM} (apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return False, "python package 'playwright' is not installed (pip install playwright)"
    return True, ""


def require_browser():
    """Skip the calling test when no browser is available -- except under
    ``CI=true``, where a missing browser is a failure (CI must run these)."""
    import pytest
    ok, reason = browser_available()
    if not ok:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"browser test cannot run in CI: {reason}")
        pytest.skip(reason)


# -- chromium -------------------------------------------------------------------
@contextlib.contextmanager
def chromium_page(viewport=(1400, 2000)):
    """A Playwright page in Debian Chromium with a fresh ``--user-data-dir``.

    ``page.ux_logs`` is a list of ``"[type] text"`` lines: console messages,
    ``[pageerror]`` and ``[requestfailed] url reason``.  A tall viewport is the
    default because JupyterLab scrolls inside the notebook, so full-page
    screenshots do not grow.
    """
    from playwright.sync_api import sync_playwright
    udd = tempfile.mkdtemp(prefix="nbblox-chrome-")
    with sync_playwright() as p:
        ctx = p.chromium.launch_persistent_context(
            udd, executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS,
            viewport={"width": viewport[0], "height": viewport[1]})
        page = ctx.pages[0] if ctx.pages else ctx.new_page()
        logs = []
        page.on("console", lambda m: logs.append(f"[{m.type}] {m.text}"))
        page.on("pageerror", lambda e: logs.append(f"[pageerror] {e}"))
        page.on("requestfailed", lambda r: logs.append(f"[requestfailed] {r.url[:160]} {r.failure}"))
        page.ux_logs = logs
        try:
            yield page
        finally:
            ctx.close()
            shutil.rmtree(udd, ignore_errors=True)


# -- servers --------------------------------------------------------------------
def free_port():
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url, timeout=90, proc=None):
    """Poll ``url`` until it answers below 500; raise if ``proc`` exits first."""
    t0 = time.time()
    while time.time() - t0 < timeout:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode} before {url} answered")
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status < 500:
                    return time.time() - t0
        except Exception:
            time.sleep(0.3)
    raise TimeoutError(f"{url} did not answer within {timeout} s")


@contextlib.contextmanager
def background(cmd, ready_url, env=None, cwd=None, log=None, timeout=120):
    """Start ``cmd`` in its own process group, wait for ``ready_url``, and on
    exit stop that group (SIGTERM, then SIGKILL) by the PID we started."""
    log = Path(log or tempfile.mktemp(prefix="nbblox-server-", suffix=".log"))
    fh = open(log, "w")
    proc = subprocess.Popen(cmd, stdout=fh, stderr=subprocess.STDOUT, env=env, cwd=cwd,
                            start_new_session=True)
    try:
        try:
            wait_http(ready_url, timeout, proc)
        except Exception as exc:
            fh.flush()
            raise RuntimeError(f"{exc}\n--- server log {log} ---\n{log.read_text()[-3000:]}") from None
        yield proc
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(5)
        fh.close()


@dataclasses.dataclass
class LabServer:
    base: str
    token: str
    proc: subprocess.Popen
    root_dir: Path
    log: Path

    def url(self, path):
        """``<base>/<path>?token=...`` (path without a leading slash)."""
        sep = "&" if "?" in path else "?"
        return f"{self.base}/{path}{sep}token={self.token}"


@contextlib.contextmanager
def jupyter_lab(root_dir, timeout=120, app="lab", env=None, settings=None):
    """JupyterLab 4 on 127.0.0.1 with a random token, isolated config,
    settings and workspaces, the app exposed as ``window.jupyterapp``.
    ``app="notebook"`` starts Jupyter Notebook 7 instead (same server, same
    options; open notebooks with :func:`open_notebook7`).  ``env`` adds
    variables for the server and its kernels.  ``settings`` maps a plugin id
    (``"@jupyterlab/notebook-extension:tracker"``) to user settings, e.g.
    ``{"windowingMode": "none"}`` so that every output stays in the DOM.

    Yields a :class:`LabServer`; the server (and its kernels) is stopped by PID.
    The kernel runs in this Python (``sys.executable``), so it imports the
    nbblox under test.  ``NBBLOX_CACHE_DIR`` is passed through.
    """
    cls = {"lab": "LabApp", "notebook": "JupyterNotebookApp"}[app]
    root_dir = Path(root_dir)
    port, token = free_port(), secrets.token_hex(16)
    cfg = Path(tempfile.mkdtemp(prefix="nbblox-jcfg-"))
    (cfg / "labconfig").mkdir()
    # the "news" toast covers screenshots; the update check goes to the network
    (cfg / "labconfig" / "page_config.json").write_text(json.dumps(
        {"disabledExtensions": {"@jupyterlab/apputils-extension:announcements": True}}))
    for plugin, values in (settings or {}).items():
        pkg, name = plugin.split(":")
        f = cfg / "settings" / pkg / f"{name}.jupyterlab-settings"
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_text(json.dumps(values))
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(cfg), JUPYTER_RUNTIME_DIR=str(cfg / "rt"),
               JUPYTER_PLATFORM_DIRS="1", **(env or {}))
    # the kernel must import the nbblox of this checkout
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH", "")]))
    cmd = [sys.executable, "-m", "jupyter", app, "--no-browser", "--ip=127.0.0.1",
           f"--port={port}", f"--IdentityProvider.token={token}",
           f"--ServerApp.root_dir={root_dir}",
           f"--{cls}.user_settings_dir={cfg / 'settings'}", f"--{cls}.workspaces_dir={cfg / 'ws'}",
           f"--{cls}.expose_app_in_browser=True", "--allow-root"]
    if app == "lab":
        cmd += ["--LabApp.extension_manager=readonly",
                "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]
    base = f"http://127.0.0.1:{port}"
    log = cfg.with_suffix(".log")
    try:
        with background(cmd, f"{base}/api/status?token={token}", env=env, log=log,
                        timeout=timeout) as proc:
            yield LabServer(base, token, proc, root_dir, log)
    finally:
        shutil.rmtree(cfg, ignore_errors=True)


# -- notebook driving -------------------------------------------------------------
_KERNEL_IDLE = """() => { const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;
  const s = w && w.sessionContext;
  return !!(s && s.session && s.session.kernel && s.session.kernel.status === 'idle'); }"""


def open_notebook(page, lab, path, timeout_ms=120_000):
    """Open ``path`` (relative to the server root) and wait for an idle kernel."""
    page.goto(lab.url(f"lab/tree/{path}") + "&reset", timeout=timeout_ms)
    page.wait_for_function(_KERNEL_IDLE, timeout=timeout_ms)


def open_notebook7(page, server, path, timeout_ms=120_000):
    """Open ``path`` in Jupyter Notebook 7 (``/notebooks/<path>``) and wait
    for an idle kernel; the page then works with the helpers below."""
    page.goto(server.url(f"notebooks/{path}"), timeout=timeout_ms)
    page.wait_for_function(_KERNEL_IDLE, timeout=timeout_ms)


def wait_idle(page, timeout_ms=120_000):
    """Wait until no cell shows a busy ``[*]`` prompt and the kernel is idle."""
    page.wait_for_function("""() => { const s = window.jupyterapp.shell.currentWidget.sessionContext;
        const busy = [...document.querySelectorAll('.jp-InputPrompt')].some(e => e.textContent.includes('*'));
        return !busy && s.session.kernel.status === 'idle'; }""", timeout=timeout_ms)


def run_all_cells(page, timeout_ms=120_000):
    """Run every cell of the current notebook and wait until all are done."""
    page.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells')")
    page.wait_for_timeout(500)  # run-all is queued asynchronously
    wait_idle(page, timeout_ms)


_KERNEL_EXEC = """async (code) => {
  const k = window.jupyterapp.shell.currentWidget.sessionContext.session.kernel;
  const fut = k.requestExecute({code, silent: false, store_history: false});
  let out = '';
  fut.onIOPub = (m) => { if (m.header.msg_type === 'stream') out += m.content.text;
                         if (m.header.msg_type === 'error') out += 'ERROR ' + m.content.ename + ': ' + m.content.evalue; };
  await fut.done;
  // iopub stream messages can trail the reply by a moment under load
  await new Promise(r => setTimeout(r, 50));
  return out;
}"""


def kernel_exec(page, code):
    """Run ``code`` in the notebook's kernel from the page; return its stdout
    (an exception comes back as ``"ERROR <name>: <message>"``)."""
    return page.evaluate(_KERNEL_EXEC, code)


_KERNEL_EXPR = """async (expr) => {
  const k = window.jupyterapp.shell.currentWidget.sessionContext.session.kernel;
  const fut = k.requestExecute({code: 'import json as _nbblox_json', silent: true,
                                store_history: false,
                                user_expressions: {r: '_nbblox_json.dumps(' + expr + ')'}});
  const reply = await fut.done;
  const r = reply.content.user_expressions.r;
  if (r.status !== 'ok') return {error: r.ename + ': ' + r.evalue};
  return {repr: r.data['text/plain']};
}"""


def kernel_json(page, expr):
    """Evaluate a JSON-serialisable Python expression in the kernel.

    The value comes back in the execute *reply* (``user_expressions``), not on
    stdout: a stream message can trail the reply under load and be lost, which
    made reads through ``print`` flaky."""
    out = page.evaluate(_KERNEL_EXPR, expr)
    if "error" in out:
        raise RuntimeError(f"{expr!r} failed in the kernel: {out['error']}")
    return json.loads(ast.literal_eval(out["repr"]))


def wait_kernel(page, expr, pred, timeout_ms=60_000, every_ms=300):
    """Poll ``kernel_json(expr)`` until ``pred(value)`` holds; return the value.

    Widget messages reach the kernel one by one after a key press and the
    kernel reports idle between them, so "idle" does not mean "settled"."""
    deadline = time.monotonic() + timeout_ms / 1000
    while True:
        value = kernel_json(page, expr)
        if pred(value) or time.monotonic() > deadline:
            return value
        page.wait_for_timeout(every_ms)


def wait_page_sum(page, fingerprint, want, tries=160):
    """Poll ``fingerprint(page)`` until its ``"sum"`` equals ``want`` (rel 1e-9):
    the plot patch of the kernel's last run reaches the page after the run
    (up to 40 s: 10 s was too short for VS Code mode's widget patch at load 11).
    Returns the last fingerprint (the caller asserts on it)."""
    for _ in range(tries):
        fp = fingerprint(page)
        if fp and abs(fp["sum"] - want) <= 1e-9 * abs(want):
            break
        page.wait_for_timeout(250)
    return fp


_BOKEH_SOURCES = """(column) => {
  const out = [];
  for (const doc of (window.Bokeh && window.Bokeh.documents) || []) {
    for (const m of doc.all_models) {
      const kind = m.type || m.constructor.__name__;
      if (kind !== 'ColumnDataSource') continue;
      const d = m.data;
      const keys = d instanceof Map ? [...d.keys()] : Object.keys(d);
      const get = (k) => d instanceof Map ? d.get(k) : d[k];
      const row = {id: m.id, columns: keys, n: 0};
      for (const k of keys) { const v = get(k); if (v && v.length > row.n) row.n = v.length; }
      if (column) { const v = get(column);
        if (!v) continue;
        const a = Array.from(v).filter(Number.isFinite);
        row.n = v.length; row.sum = a.reduce((s, x) => s + x, 0);
        row.min = Math.min(...a); row.max = Math.max(...a); }
      out.push(row);
    }
  }
  return out;
}"""


def bokeh_sources(page, column=None):
    """ColumnDataSources in the page's Bokeh documents, as BokehJS holds them.

    Each row: ``{"id", "columns", "n"}``; with ``column`` only sources holding
    that column, plus its ``sum``, ``min`` and ``max`` -- a fingerprint to show
    that the plotted data changed.
    """
    return page.evaluate(_BOKEH_SOURCES, column)


def bokeh_ranges(page):
    """``[(start, end), ...]`` of every Range1d in the page."""
    return page.evaluate("""() => { const r = [];
      for (const doc of (window.Bokeh && window.Bokeh.documents) || [])
        for (const m of doc.all_models) if ((m.type || m.constructor.__name__) === 'Range1d')
          r.push([m.start, m.end]);
      return r; }""")


def cell_errors(page):
    """Texts of error outputs in the notebook (Lab 4 shows them as stderr)."""
    loc = page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")
    return [t for t in loc.all_inner_texts() if "Error" in t or "Traceback" in t]


def failed_js_requests(page):
    """URLs of failed ``.js`` requests (offline CDN fetches break plots)."""
    return sorted({ln.split()[1] for ln in page.ux_logs
                   if ln.startswith("[requestfailed]") and ".js" in ln.split()[1]})


def screenshot(page, name):
    """Save a screenshot to ``artifacts/<name>.png`` and return the path."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


# -- appearance probes ---------------------------------------------------------------
_WALK = """
function* walk(root) {           // every element below root, shadow roots included
  const stack = [root];
  while (stack.length) {
    const el = stack.pop();
    yield el;
    if (el.shadowRoot) stack.push(...el.shadowRoot.children);
    stack.push(...el.children);
  }
}
function visible(el) {
  const r = el.getBoundingClientRect();
  if (r.width < 1 || r.height < 1) return false;
  const st = getComputedStyle(el);
  return st.display !== 'none' && st.visibility !== 'hidden';
}
"""

_OVERFLOW = _WALK + """
() => {
  const out = [];
  document.querySelectorAll('.jp-OutputArea-child').forEach((child, i) => {
    const area = child.querySelector('.jp-OutputArea-output');
    if (!area) return;
    const right = area.getBoundingClientRect().right;
    let worst = null, max = right;
    for (const el of walk(area)) {
      // not painted: Bokeh's per-renderer placeholders (the canvas clips the glyphs)
      // and KaTeX's screen-reader copy of an equation
      if (/Renderer\\b/.test(String(el.className)) || el.closest('.katex-mathml')) continue;
      if (!visible(el)) continue;
      const r = el.getBoundingClientRect().right;
      if (r > max + 1) { max = r; worst = el; }
    }
    if (worst) out.push({output: i, area_right: Math.round(right), content_right: Math.round(max),
                         culprit: (worst.className && worst.className.baseVal === undefined
                                   ? worst.className : worst.tagName).toString().slice(0, 80)});
  });
  return out;
}"""


def overflowing_outputs(page):
    """Outputs with any visible element (shadow DOM included) reaching past the
    right edge of their output area: ``[{"output", "area_right",
    "content_right", "culprit"}]`` (a cut-off plot, toolbar or slider)."""
    return page.evaluate(_OVERFLOW)


def axis_labels(page):
    """Every visible Bokeh axis in the page: ``[{"label", "title", "kind", "size",
    "ticks"}]`` (size: the label's font size, ticks: the tick labels', as CSS)."""
    return page.evaluate("""() => { const out = [];
      for (const doc of (window.Bokeh && window.Bokeh.documents) || [])
        for (const m of doc.all_models) {
          const kind = m.type || m.constructor.__name__;
          if (!kind.endsWith('Axis') || m.visible === false) continue;
          const plots = [...doc.all_models].filter(p => (p.type || p.constructor.__name__) ===
              'Figure' && [...(p.left || []), ...(p.below || []), ...(p.right || []),
                           ...(p.above || [])].includes(m));
          const title = plots.length && plots[0].title ? (plots[0].title.text || '') : '';
          out.push({label: typeof m.axis_label === 'string' ? m.axis_label : String(m.axis_label ?? ''),
                    title, kind, size: String(m.axis_label_text_font_size),
                    ticks: String(m.major_label_text_font_size)});
        }
      return out; }""")


def long_axis_labels(page, slack=4):
    """Axis labels longer than their axis (a y label taller than the data area
    is cut off at both ends: the explorer's "w · open K⁺ channel fraction" on a
    130 px panel): ``[{"label", "title", "text_px", "axis_px"}]``, each line of
    a wrapped label measured with the label's own font on a canvas."""
    return page.evaluate("""(slack) => { const out = [];
      const ctx = document.createElement('canvas').getContext('2d');
      for (const v of Bokeh.index.query(v => v.frame != null && v.model != null
                                            && 'title' in v.model)) {
        if (!v.el || !v.el.isConnected || v.el.getBoundingClientRect().width <= 0) continue;
        const m = v.model, fb = v.frame.bbox;
        const sides = [[m.left, fb.height], [m.right, fb.height], [m.below, fb.width],
                       [m.above, fb.width]];
        for (const [axes, room] of sides)
          for (const a of axes || []) {
            const kind = a.type || a.constructor.__name__;
            if (!kind.endsWith('Axis') || a.visible === false) continue;
            const label = typeof a.axis_label === 'string' ? a.axis_label : '';
            if (!label) continue;
            ctx.font = `${a.axis_label_text_font_style || 'normal'} ` +
                       `${a.axis_label_text_font_size || '13px'} ${a.axis_label_text_font || 'helvetica'}`;
            const w = Math.max(...label.split('\\n').map(t => ctx.measureText(t).width));
            if (w > room + slack)
              out.push({label, title: (m.title && m.title.text) || '', text_px: Math.round(w),
                        axis_px: Math.round(room)});
          }
      }
      return out; }""", slack)


def wide_titles(page, slack=4):
    """Plot titles wider than their whole figure (Bokeh cuts them off at the
    canvas edge: lesson 10's "FitzHugh–Nagumo: oscillation amplitude over (I"
    on a 450 px heat map with a colour bar): ``[{"title", "text_px",
    "figure_px"}]``, measured with the title's own font on a canvas from the
    frame's left edge, where Bokeh starts it."""
    return page.evaluate("""(slack) => { const out = [];
      const ctx = document.createElement('canvas').getContext('2d');
      for (const v of Bokeh.index.query(v => v.frame != null && v.model != null
                                            && 'title' in v.model)) {
        if (!v.el || !v.el.isConnected || v.el.getBoundingClientRect().width <= 0) continue;
        const t = v.model.title;
        const text = t && typeof t.text === 'string' ? t.text : '';
        if (!text) continue;
        ctx.font = `${t.text_font_style || 'bold'} ${t.text_font_size || '13px'} ` +
                   `${t.text_font || 'helvetica'}`;
        const w = ctx.measureText(text).width, left = v.frame.bbox.left;
        const room = v.el.getBoundingClientRect().width - left;
        if (w > room + slack)
          out.push({title: text, text_px: Math.round(w), figure_px: Math.round(room)});
      }
      return out; }""", slack)


_RAW_MATH = _WALK + r"""
(selector) => {
  const out = [];
  const skip = new Set(['SCRIPT', 'STYLE', 'CODE', 'PRE', 'TEXTAREA', 'ANNOTATION', 'MATH']);
  for (const root of document.querySelectorAll(selector)) {
    for (const el of walk(root)) {
      if (skip.has(el.tagName) || el.closest('.katex-mathml, code, pre, textarea')) continue;
      for (const n of el.childNodes) {
        if (n.nodeType !== 3) continue;
        const t = n.textContent;
        if (/\$[^$\s][^$]*\$/.test(t) || /\\(begin|frac|dot|approx)/.test(t) || /\x07/.test(t))
          out.push(t.trim().slice(0, 120));
      }
    }
  }
  return out;
}"""


def raw_math(page, selector="body"):
    """Text nodes under ``selector`` that still hold TeX (``$V$``, ``\\begin``,
    ``\\frac``) or a bell character left by a lost ``\\a``: maths that was not
    rendered.  Code, ``<pre>`` and KaTeX's own MathML annotation are skipped."""
    return page.evaluate(_RAW_MATH, selector)


_EQUATION_COLUMNS = _WALK + r"""
() => {
  const out = [];
  const node = (el) => el.getAttribute && el.getAttribute('data-mml-node');
  for (const el of walk(document.body)) {
    // MathJax's hidden copy for screen readers is not what people see
    if (el.tagName.toLowerCase() === 'mtable' && visible(el) && !el.closest('mjx-assistive-mml')) {
      const align = (el.getAttribute('columnalign') || '').split(/\s+/);
      const lefts = [];
      for (const row of el.children) {
        const cell = row.children[1];
        if (cell && cell.firstElementChild)
          lefts.push(Math.round(cell.firstElementChild.getBoundingClientRect().left));
      }
      out.push({align, lefts, kind: 'mathml'});
    } else if (node(el) === 'mtable' && visible(el)) {
      // MathJax's SVG: an ``aligned`` block is a table of rows of right-, left-aligned
      // cells (the columnalign MathJax applied is not kept in the SVG)
      const rows = [...el.children].filter(r => /^m(labeled)?tr$/.test(node(r)));
      const lefts = [];
      for (const row of rows) {
        const cell = [...row.children].filter(c => node(c) === 'mtd')[1];
        const first = cell && cell.querySelector('[data-mml-node="mo"], [data-mml-node="mi"], use, text');
        if (first) lefts.push(Math.round(first.getBoundingClientRect().left));
      }
      const ncols = Math.max(0, ...rows.map(r => [...r.children].filter(c => node(c) === 'mtd').length));
      out.push({align: ncols === 2 ? ['right', 'left'] : [], lefts, kind: 'mathjax'});
    }
  }
  return out;
}"""

_SUBSCRIPTS = _WALK + r"""
() => {
  const out = [];
  const node = (el) => el.getAttribute && el.getAttribute('data-mml-node');
  // the characters drawn: MathML text, or the code points of MathJax's SVG glyphs
  // (math italic letters NFKC-folded to plain ones)
  const text = (el) => (el.tagName.toLowerCase() === 'g'
      ? [...el.querySelectorAll('use[data-c], text')].map(u => u.tagName.toLowerCase() === 'use'
          ? String.fromCodePoint(parseInt(u.getAttribute('data-c'), 16)) : u.textContent).join('')
      : el.textContent).normalize('NFKC').trim();
  for (const el of walk(document.body)) {
    const tag = el.tagName.toLowerCase();
    const mathml = tag === 'msub' || tag === 'msubsup';
    const svg = node(el) === 'msub' || node(el) === 'msubsup';
    if (!(mathml || svg) || !visible(el) || el.closest('mjx-assistive-mml')) continue;
    const hidden = el.closest('.katex-mathml');      // KaTeX's copy for screen readers,
    if (hidden && hidden.getBoundingClientRect().width <= 1) continue;   // when its HTML shows
    const [base, sub] = el.children;
    if (!base || !sub) continue;
    const b = base.getBoundingClientRect(), s = sub.getBoundingClientRect();
    out.push({base: text(base), sub: text(sub), kind: mathml ? 'mathml' : 'mathjax',
              base_box: [b.top, b.bottom].map(Math.round), sub_box: [s.top, s.bottom].map(Math.round),
              drop: Math.round(10 * (s.bottom - b.bottom)) / 10,
              base_height: Math.round(10 * b.height) / 10});
  }
  return out;
}"""


def font_pt(css):
    """A CSS font size (``"12pt"``, ``"13px"``, ``"1.1em"`` of 16 px) in points."""
    import re
    m = re.fullmatch(r"\s*([\d.]+)\s*(pt|px|em|rem)\s*", css or "")
    if not m:
        return float("nan")
    v, unit = float(m.group(1)), m.group(2)
    return {"pt": v, "px": 0.75 * v, "em": 12 * v, "rem": 12 * v}[unit]


def equation_columns(page):
    """Every visible maths table (MathML, e.g. KaTeX's ``aligned`` blocks, and
    MathJax's SVG; shadow roots included): ``[{"align": ["right", "left"],
    "lefts": [x of the second column's content in each row], "kind": "mathml" |
    "mathjax"}]``; in an ``aligned`` block the lefts are equal (the "=" signs
    line up).  A MathJax table's align is ``["right", "left"]`` when it has two
    columns (an ``aligned`` block), else empty."""
    return page.evaluate(_EQUATION_COLUMNS)


def subscripts(page):
    """Every visible subscript (MathML ``msub``, MathJax SVG ``msub``; shadow roots
    included; screen-reader copies skipped): ``[{"base": "α", "sub": "m", "kind",
    "base_box": [top, bottom], "sub_box": [top, bottom], "drop", "base_height"}]``
    in CSS px, ``drop`` = how far the subscript's box reaches below its base's.
    A subscript set level with its letter ("αm" for α_m) has a drop of about 0."""
    return page.evaluate(_SUBSCRIPTS)


def plot_frames(page):
    """Every rendered Bokeh plot's data frame (the area inside the axes):
    ``[{"title", "width", "height", "axes"}]`` in CSS pixels, ``axes`` false for
    a drawing without visible axes (a circuit diagram).  A legend or title that
    eats the height leaves a flat strip of data."""
    return page.evaluate("""() => [...Bokeh.index.query(
          v => v.frame != null && v.model != null && 'title' in v.model)]
      .filter(v => v.el && v.el.isConnected && v.el.getBoundingClientRect().width > 0)
      .map(v => ({title: (v.model.title && v.model.title.text) || '',
                  width: Math.round(v.frame.bbox.width), height: Math.round(v.frame.bbox.height),
                  axes: [...(v.model.left || []), ...(v.model.below || [])].some(a => a.visible)}))""")


def plot_legends(page, title_start=""):
    """Every rendered Bokeh plot whose title starts with ``title_start``: its
    data frame, whole canvas and legends, and where each text label (a Text
    glyph: a special point's "H", "LPC") is drawn, all in canvas px:
    ``[{"title", "frame": [l, t, r, b], "title_box", "canvas": [w, h], "legends": [{"box",
    "items", "location", "spacing", "margin"}], "labels": [{"text", "box"}]}]``.
    A label's box is measured with its own font on a canvas (the glyph's
    alignment and baseline applied), so a label cut off by the frame shows as a
    box reaching past it."""
    return page.evaluate("""(start) => {
      const ctx = document.createElement('canvas').getContext('2d');
      const pick = (spec, data, i) => (spec && spec.field !== undefined)
          ? (data.get ? data.get(spec.field) : data[spec.field])[i]
          : (spec && spec.value !== undefined ? spec.value : spec);
      return [...Bokeh.index.query(v => v.frame != null && v.model != null
                                        && 'title' in v.model)]
        .filter(v => v.el && v.el.isConnected && v.el.getBoundingClientRect().width > 0)
        .filter(v => ((v.model.title && v.model.title.text) || '').startsWith(start))
        .map(v => {
          const f = v.frame.bbox, rvs = [...v.renderer_views.values()];
          const kind = (r) => r.model.type || r.model.constructor.__name__;
          const legends = rvs.filter(r => kind(r) === 'Legend' && r.model.visible).map(l => ({
            box: [l.bbox.left, l.bbox.top, l.bbox.right, l.bbox.bottom],
            items: l.model.items.filter(it => it.visible !== false).map(
                it => it.label && (it.label.value ?? it.label)),
            location: String(l.model.location), spacing: l.model.spacing,
            margin: l.model.margin}));
          const labels = [];
          for (const r of rvs) {
            const g = r.model.glyph;
            if (kind(r) !== 'GlyphRenderer' || !r.model.visible || !g ||
                (g.type || g.constructor.__name__) !== 'Text') continue;
            const data = r.model.data_source.data, gv = r.glyph;
            for (let i = 0; i < gv.sx.length; i++) {
              const text = String(pick(g.text, data, i));
              ctx.font = `${pick(g.text_font_size, data, i)} ${pick(g.text_font, data, i)}`;
              const m = ctx.measureText(text);
              const w = m.width, h = m.actualBoundingBoxAscent + m.actualBoundingBoxDescent;
              const align = pick(g.text_align, data, i), base = pick(g.text_baseline, data, i);
              const x0 = gv.sx[i] - (align === 'right' ? w : align === 'center' ? w / 2 : 0);
              const y0 = gv.sy[i] - (base === 'bottom' ? h : base === 'middle' ? h / 2 : 0);
              labels.push({text, box: [x0, y0, x0 + w, y0 + h]});
            }
          }
          const t = rvs.find(r => kind(r) === 'Title' && r.bbox);
          return {title: v.model.title.text, frame: [f.left, f.top, f.right, f.bottom],
                  title_box: t ? [t.bbox.left, t.bbox.top, t.bbox.right, t.bbox.bottom] : null,
                  canvas: [v.layout.bbox.width, v.layout.bbox.height], legends, labels};
        }); }""", title_start)


def track_requests(page):
    """Record every request URL of ``page`` in ``page.requests``."""
    page.requests = []
    page.on("request", lambda r: page.requests.append(r.url))


def remote_requests(page):
    """Recorded requests (see :func:`track_requests`) that left the machine."""
    return sorted({u for u in getattr(page, "requests", [])
                   if not u.startswith(("http://127.0.0.1", "http://localhost", "data:",
                                        "blob:", "about:", "file:", "ws://127.0.0.1"))})


def screenshot_element(locator, name):
    """Save a screenshot of one element to ``artifacts/<name>.png``."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    locator.screenshot(path=str(path))
    return path


def wait_text(page, text, timeout_ms=120_000):
    """Wait until ``text`` appears anywhere in the page, shadow roots included."""
    page.wait_for_function("(t) => (" + _PAGE_TEXT + ")().includes(t)", arg=text,
                           timeout=timeout_ms)


def page_text(page):
    """All text of the page, shadow roots included (Panel and Bokeh render
    inside shadow DOM, which ``inner_text`` does not enter)."""
    return page.evaluate(_PAGE_TEXT)


_PAGE_TEXT = """() => { const parts = [];
      const walk = (root) => { for (const n of root.childNodes) {
          if (n.nodeType === 3) parts.push(n.textContent);
          else if (n.nodeType === 1) { if (['SCRIPT', 'STYLE'].includes(n.tagName)) continue;
                                       if (n.shadowRoot) walk(n.shadowRoot); walk(n); } } };
      walk(document.body); return parts.join(' ').replace(/\\s+/g, ' '); }"""
