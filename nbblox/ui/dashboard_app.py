"""The Dashboard object behind :func:`nbblox.dashboard`: the explorer of
:func:`nbblox.explore` in a Panel template, plus what a shared web app needs.

One implementation of the live views: the dashboard builds an
:class:`~nbblox.ui.explore.Explorer` (sliders generated from parameter
metadata, throttled runs, time series, phase plane, bifurcation cursor, live
run) and only arranges it -- controls in the template's sidebar next to the
downloads and the upload box, views in the main area above the circuit
diagram and the equations.

Why each dashboard owns a private copy of the System: under ``panel serve``
every browser session builds its own Dashboard, and a collaborator's slider
must never move another's results.  In a served session the explorer runs the
simulation in a worker thread (numba kernels release the GIL), so a long run
in one session does not stall the others.
"""
from __future__ import annotations

import asyncio
import io
import logging
import time
import weakref

import panel as pn

from .._text import counted
from ..compile import as_system
from ..exceptions import CircuitError, NbbloxError, ParameterError, SimulationError
from ..limits import SERVED_MEMORY_MB, limited_memory
from ..model.circuit import Circuit
from . import dashboard_views as V
from .explore.common import in_panel_server
from .explore.controls import METHODS
from .explore.explorer import Explorer
from .explore.layout import sidebar, view_panes
from .serve_diagram import diagram_pane
from .text import escape, file_name, html_pane, markdown, message_markdown
from .untrusted import open_circuit_text

__all__ = ["Dashboard", "MAX_UPLOAD_BYTES"]

MAX_UPLOAD_BYTES = 1_000_000

log = logging.getLogger("nbblox.dashboard")
_open_sessions = weakref.WeakSet()   # served dashboards whose browser session is alive


def _setup_if_kernel():
    """In a notebook, load the JavaScript once.  The equations are typeset by
    BokehJS's MathJax, which nbblox's loader brings; without it (the page's JavaScript
    loaded before nbblox's, or inline mode) they are nbblox's MathML, which needs no
    JavaScript (``dashboard_views._equations``)."""
    from ..notebook import kernel_shell, setup_notebook
    if kernel_shell() is not None:
        setup_notebook()


def _upload_text(data):
    """The uploaded bytes as circuit JSON text (size-limited, UTF-8)."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise ParameterError(f"the uploaded file is {len(data)} bytes; the limit is "
                             f"{MAX_UPLOAD_BYTES}")
    try:
        return bytes(data).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CircuitError(f"a circuit file is UTF-8 text; this file is not (byte "
                           f"{exc.start})") from None


def _private_system(system):
    """A System sharing the compiled kernels but with its own mutable arrays."""
    from .explore.weights import private_system
    return private_system(system)


def _malloc_trim():
    """glibc's ``malloc_trim(0)``: hand freed heap pages back to the OS (a no-op
    elsewhere: macOS, musl and Windows have no such call; RSS then stays)."""
    import ctypes
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


def _rss_mb():
    try:
        with open("/proc/self/statm") as fh:
            import os
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError, IndexError):
        return float("nan")


def _release_memory():
    """Collect the closed sessions' document cycles and trim the heap, so a
    server's RSS returns near its baseline when the last collaborator leaves
    (CPython and glibc otherwise keep freed arenas)."""
    import gc
    before = _rss_mb()
    gc.collect()
    alive = sum(isinstance(o, Dashboard) for o in gc.get_objects())
    _malloc_trim()
    log.info("memory released after the last session: %d dashboards alive, RSS %.0f -> %.0f MB",
             alive, before, _rss_mb())


_RELEASE_DELAY_S = 1.0
_release_pending = False


def _schedule_release():
    """Run :func:`_release_memory` once, a moment after the last session's
    destroy callbacks.  Not inside them: Bokeh calls them while the session
    still holds its document (its models are destroyed, and the session
    dropped from the server, only after the callbacks return), so a collection
    there cannot free the closing session -- that is why RSS stayed up."""
    global _release_pending
    if _release_pending:
        return
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:       # no running loop (the hook called directly)
        _release_memory()
        return
    _release_pending = True

    def run():
        global _release_pending
        _release_pending = False
        if not _open_sessions:
            _release_memory()
    loop.call_later(_RELEASE_DELAY_S, run)


class _TextTitleTemplate(pn.template.BootstrapTemplate):
    """The Bootstrap template with its title shown as text: Panel pastes the
    title into the page header (``{{ app_title }}``) without escaping, and a
    dashboard's title holds the circuit's name, which comes from a file."""

    def _update_vars(self, *args):
        super()._update_vars(*args)
        for key in ("app_title", "meta_name"):
            self._render_variables[key] = escape(self.title)

    def server_doc(self, doc=None, title=None, location=True):
        # one walk of the document's models at the end instead of one per root
        # and per change while a session's page is built (~15 % of the build)
        from panel.io.document import create_doc_if_none_exists
        doc = create_doc_if_none_exists(doc)
        with doc.models.freeze():
            out = super().server_doc(doc, title=title, location=location)
        started = getattr(self, "_nbblox_started", None)
        if started is not None and doc.session_context is not None:
            # what one session costs the server's event loop (the load test reads it)
            log.info("dashboard session built in %.2f s", time.perf_counter() - started)
        return out


class Dashboard(pn.viewable.Viewer):
    """A Panel app for one circuit: the live explorer in a template with a
    sidebar (parameters grouped by blox, run settings, downloads, upload),
    the circuit diagram and the equations.  Build it with
    :func:`nbblox.dashboard`.

    Attributes
    ----------
    explorer : Explorer
        The live views and their parameter model (``explorer.set`` works).
    system : System
        This dashboard's private System (shared kernels, own parameters).
    """

    def __init__(self, model, views=None, title=None, *, vars=None, t_end=200.0, dt=0.01,
                 method="rk4", params=None, phase=None, bifurcation=None, seed=None,
                 upload=True, **kw):
        super().__init__(**kw)
        self._started = time.perf_counter()
        _setup_if_kernel()
        self._args = dict(views=views, vars=vars, t_end=t_end, dt=dt, method=method,
                          params=params, phase=phase, bifurcation=bifurcation, seed=seed)
        self._upload_enabled = upload
        self._uploading, self._upload_data = False, None
        self._title_arg = title
        self._sidebar = pn.Column(width=330)
        self._templated = False      # in a template, the page header shows the title
        self._main = pn.Column(sizing_mode="stretch_width", min_width=400,
                               styles={"flex": "1 1 400px"})
        self._load(as_system(model), **self._args)
        doc = pn.state.curdoc
        if doc is not None and doc.session_context is not None:
            _open_sessions.add(self)
            pn.state.on_session_destroyed(self._session_destroyed)
            log.info("dashboard session opened (%d open)", len(_open_sessions))

    def _session_destroyed(self, session_context):
        # drop the results at once: a closed tab should not hold its runs
        # until the garbage collector finds the document cycle
        _open_sessions.discard(self)
        ex = self.explorer
        ex.cancel()          # a run still going for a closed tab stops at its next chunk
        ex.last = None
        ex.pipe.data = None
        for view in ex._views:
            view.pipe.data = None
        log.info("dashboard session closed (%d open)", len(_open_sessions))
        if not _open_sessions:
            _schedule_release()

    # -- building ---------------------------------------------------------------
    def _load(self, system, views=None, vars=None, phase=None, method="rk4", **kw):
        if method not in METHODS:
            raise SimulationError(f"unknown method {method!r}; choose one of "
                                  f"{', '.join(METHODS)}")
        self.system = _private_system(system)
        self.circuit = self.system.circuit
        self.title = self._title_arg or f"nbblox: {self.circuit.name}"
        views, vars, phase = V.explore_views(views, self.system, vars, phase)
        # (a served session's runs get the served memory and time budgets: Explorer)
        self.explorer = Explorer(self.system, views=views, vars=vars, phase=phase,
                                 method=method, **kw)
        self.system = self.explorer.system      # the explorer's own copy: weights move there
        self._build()

    def _build(self):
        ex = self.explorer
        name = self.circuit.name
        downloads = pn.Row(
            pn.widgets.FileDownload(callback=self._download(lambda: V.csv_bytes(self.full_run())),
                                    filename=file_name(name, "csv"), label="CSV", color="primary"),
            pn.widgets.FileDownload(callback=self._download(
                                        lambda: V.netcdf_bytes(self.full_run())),
                                    filename=file_name(name, "nc"), label="NetCDF",
                                    color="primary"),
            pn.widgets.FileDownload(callback=self._download(self._json_file),
                                    filename=file_name(name, "json"),
                                    label="circuit JSON", color="primary"),
            pn.widgets.FileDownload(   # sidecar: stamp, code and citations of the run
                callback=lambda: V.stamp_json(ex, [file_name(name, "csv"), file_name(name, "nc")]),
                filename=file_name(name, "stamp.json"), label="stamp", color="primary"),
            css_classes=["nbblox-downloads"])
        # inline, the sidebar names the dashboard; served, the header already does
        self._title_pane = html_pane("<h3>{}</h3>", self.title, visible=not self._templated)
        side = [self._title_pane,
                sidebar(ex, title=False),
                pn.pane.Markdown("**download the current run**", margin=(10, 10, 0, 10)),
                downloads]
        if self._upload_enabled:
            self.upload = pn.widgets.FileInput(accept=".json", multiple=False, width=300)
            self.upload.param.watch(self._on_upload, "value")
            side += [pn.pane.Markdown("**open a circuit JSON**", margin=(10, 10, 0, 10)),
                     self.upload]
        self.downloads = downloads
        self._sidebar[:] = side
        # the diagram and the equations side by side where there is room, else stacked
        # (rendered once per circuit, a fresh copy per session: serve_diagram)
        about = pn.FlexBox(diagram_pane(self.circuit),
                           V.equations_pane(self.circuit), flex_wrap="wrap",
                           sizing_mode="stretch_width", css_classes=["nbblox-about"])
        self._main[:] = [*view_panes(ex), about]

    # -- the explorer's state, under the names a dashboard user reads -------------
    @property
    def values(self):
        """Current parameter values of this session, ``{"blox.param": float}``."""
        return self.explorer.params

    @property
    def solution(self):
        """The last successful run (what the views show), or None."""
        return self.explorer.last

    @property
    def error(self):
        """Message of the last failed run (shown in the page), else None."""
        return self.explorer.error

    @property
    def runs(self):
        """Number of finished runs (successful or not)."""
        return self.explorer.runs

    @property
    def alert(self):
        return self.explorer.controls.alert

    @property
    def status(self):
        return self.explorer.controls.status

    def set(self, values=None, **kw):
        """Set parameters (``{"blox.param": value}``), move the sliders and
        run once, synchronously.  Returns the new Solution (None on error).

        Examples
        --------
        >>> import nbblox as nb
        >>> d = nb.dashboard(nb.blox.FitzHughNagumo(name="fhn"), t_end=50.0)
        >>> d.set({"fhn.I": 1}).params["fhn.I"]
        1.0
        """
        self.explorer.set(dict(values or {}, **kw))
        return self.solution if self.error is None else None

    def full_run(self):
        """The current run again, recording every state (what the downloads hold)."""
        sol = self.solution
        if sol is None:
            raise SimulationError("no successful run to download yet")
        return self.explorer.simulate(params=sol.params, record=list(self.system.state_names))

    def current_circuit(self):
        """A copy of the circuit carrying this session's parameter values."""
        c = Circuit.from_json(self.circuit.to_json())
        for name, v in self.values.items():
            bname, pname = name.split(".", 1)
            c.blox[bname].params[pname] = v
        return c

    def _download(self, make):
        """A FileDownload callback: the file, or -- when the run is refused (e.g.
        over the memory budget) -- the reason, in the page and in the file."""
        def callback():
            try:
                return make()
            except NbbloxError as exc:
                self.alert.object = message_markdown("Could not prepare the download:", exc)
                self.alert.visible = True
                return io.StringIO(f"nbblox: the download was refused: {exc}\n")
        return callback

    def _json_file(self):
        return io.StringIO(self.current_circuit().to_json(indent=1))

    # -- upload -------------------------------------------------------------------
    def _on_upload(self, event):
        data = event.new
        if not data:
            return
        if in_panel_server():
            # someone else's file on a shared server: read and compile it in a child
            # process with a time and memory budget, off the event loop, one at a time
            if self._uploading:
                self._upload_failed("another upload of this session is still being read")
                return
            self._uploading, self._upload_data = True, bytes(data)
            self.status.object = markdown("⏳ reading the uploaded circuit")
            pn.state.execute(self._open_upload_async)
            return
        try:
            self._show_upload(as_system(Circuit.from_json(_upload_text(data))))
        except Exception as exc:   # never let Panel log the event (it holds the file)
            self._upload_failed(exc)

    async def _open_upload_async(self):
        loop = asyncio.get_running_loop()
        data, self._upload_data = self._upload_data, None
        try:
            text = _upload_text(data)
            system = await loop.run_in_executor(None, lambda: self._read_upload(text))
            self._show_upload(system)
        except Exception as exc:
            self.explorer.controls.show_status()     # the status line of the last run again
            self._upload_failed(exc)
        finally:
            self._uploading = False

    def _read_upload(self, text):
        """(worker thread) the uploaded circuit, checked in a child process first,
        then read here -- both under the served per-session memory budget."""
        with limited_memory(SERVED_MEMORY_MB):
            return open_circuit_text(text, method=self._args["method"], dt=self._args["dt"],
                                     budget_mb=SERVED_MEMORY_MB)

    def _show_upload(self, system):
        a = self._args
        self._load(system, t_end=a["t_end"], dt=a["dt"], method=a["method"], seed=a["seed"])

    def _upload_failed(self, exc):
        # the server log gets the kind of failure, never the file or a message quoting it
        log.info("upload refused (%s)", type(exc).__name__ if not isinstance(exc, str) else exc)
        if not isinstance(exc, (NbbloxError, str)):
            exc = f"this file could not be read as a circuit ({type(exc).__name__})"
        self.alert.object = message_markdown("Could not open that circuit:", exc)
        self.alert.visible = True

    # -- display --------------------------------------------------------------------
    def __panel__(self):
        # as the explorer: fills the notebook column, the views drop below when narrow
        return pn.FlexBox(self._sidebar, self._main, flex_wrap="wrap", align_items="flex-start",
                          sizing_mode="stretch_width", css_classes=["nbblox-dashboard"])

    def template(self):
        """The app in a Panel template (sidebar + main), as served."""
        self._templated = True
        if getattr(self, "_title_pane", None) is not None:
            self._title_pane.visible = False
        tpl = _TextTitleTemplate(title=self.title, sidebar=[self._sidebar],
                                 main=[self._main], sidebar_width=360)
        tpl._nbblox_started = self._started
        return tpl

    def servable(self, title=None, location=True, area="main", target=None):
        """Mark the app for ``panel serve`` / ``nbblox serve`` (in a template);
        in a notebook it returns the dashboard, which renders inline."""
        doc = pn.state.curdoc
        if doc is not None and doc.session_context is not None:
            self.template().servable(title=title or self.title, location=location)
        return self

    def __repr__(self):
        return (f"<Dashboard '{self.title}': {counted(len(self.values), 'parameter')}, "
                f"views {list(self.explorer.views)}, {counted(self.runs, 'run')}>")
