"""The Dashboard object behind :func:`nbblox.dashboard`: one session's
parameters, run state and Panel layout.

Why each dashboard owns a private copy of the System and of its parameter
values: under ``panel serve`` every browser session builds its own Dashboard,
and a collaborator's slider must never move another's results.  Runs are
scheduled with ``pn.state.execute`` and the integration itself runs in a
worker thread (numba kernels are ``nogil``), so a long run in one session
does not stall the server for the others; a burst of slider events is
coalesced so that only the latest values are simulated and shown.
"""
from __future__ import annotations

import asyncio
import copy
import logging
import math
import time
import weakref

import holoviews as hv
import numpy as np
import panel as pn

from ..compile import as_system
from ..exceptions import NbbloxError, ParameterError, SimulationError
from ..model.circuit import Circuit
from ..model.params import check_value
from ..sim import Solution, simulate
from . import dashboard_views as V

__all__ = ["Dashboard", "METHODS", "MAX_SAMPLES", "MAX_STEPS", "MAX_UPLOAD_BYTES"]

METHODS = ["rk4", "heun", "euler", "RK45", "LSODA", "BDF"]
MAX_SAMPLES = 20_000      # samples kept per variable (stride grows beyond this)
MAX_STEPS = 20_000_000    # refuse runs that would hold a server thread for minutes
MAX_UPLOAD_BYTES = 1_000_000

log = logging.getLogger("nbblox.dashboard")
_open_sessions = weakref.WeakSet()   # served dashboards whose browser session is alive


def _private_system(system):
    """A System sharing the compiled kernels but with its own mutable arrays."""
    own = copy.copy(system)
    own.params = system.params.copy()
    own.x0 = system.x0.copy()
    own.weights = system.weights.copy()
    return own


class Dashboard(pn.viewable.Viewer):
    """A Panel app for one circuit: parameter sliders grouped by blox, live
    plots, circuit diagram, equations and downloads.  Build it with
    :func:`nbblox.dashboard`.

    Attributes
    ----------
    system : System
        This dashboard's private System (shared kernels, own parameters).
    values : dict
        Current parameter values of this session, ``{"blox.param": float}``.
    solution : Solution or None
        The last successful run.
    error : str or None
        Message of the last failed run (shown in the page), else None.
    runs : int
        Number of finished runs (successful or not).
    """

    def __init__(self, model, views=None, title=None, *, t_end=200.0, dt=0.01, method="rk4",
                 params=None, upload=True, **kw):
        super().__init__(**kw)
        self._quiet = False
        self._busy = self._dirty = False
        self._last_changed = None
        self.runs = 0
        self._upload_enabled = upload
        self._title_arg = title
        self._views_arg = views
        self.t_end_input = pn.widgets.FloatInput(label="duration (ms)", value=float(t_end),
                                                 start=1e-6, sizing_mode="stretch_width")
        self.dt_input = pn.widgets.FloatInput(label="dt (ms)", value=float(dt), start=1e-9,
                                              sizing_mode="stretch_width")
        self.method_select = pn.widgets.Select(label="method", options=METHODS, value=method,
                                               sizing_mode="stretch_width")
        if method not in METHODS:
            raise SimulationError(f"unknown method {method!r}; choose one of {', '.join(METHODS)}")
        for w in (self.t_end_input, self.dt_input, self.method_select):
            w.param.watch(lambda e: self._request(), "value")
        # css classes: stable hooks for tests and for custom page styles
        self.alert = pn.pane.Alert("", alert_type="danger", visible=False,
                                   sizing_mode="stretch_width", css_classes=["nbblox-alert"])
        self.status = pn.pane.Markdown("", margin=(0, 10), css_classes=["nbblox-status"])
        self._sidebar = pn.Column(sizing_mode="stretch_width")
        self._main = pn.Column(sizing_mode="stretch_width")
        self._load(as_system(model), views, params)
        doc = pn.state.curdoc
        if doc is not None and doc.session_context is not None:
            _open_sessions.add(self)
            pn.state.on_session_destroyed(self._session_destroyed)
            log.info("dashboard session opened (%d open)", len(_open_sessions))

    def _session_destroyed(self, session_context):
        # drop the results at once: a closed tab should not hold its runs
        # until the garbage collector finds the document cycle
        _open_sessions.discard(self)
        self.solution = None
        self._pipe.data = None
        log.info("dashboard session closed (%d open)", len(_open_sessions))

    # -- building ---------------------------------------------------------------
    def _load(self, system, views, params=None):
        self.system = _private_system(system)
        self.circuit = self.system.circuit
        self.title = self._title_arg or f"nbblox: {self.circuit.name}"
        self.values = dict(zip(self.system.param_names, self.system.params.array.tolist()))
        for k, v in (params or {}).items():
            self.values[self._check_name(k)] = check_value(v, k)
        self._specs = V.normalize_views(views, self.system)
        self.solution, self.error = None, None
        self._run_now()
        self._build()

    def _check_name(self, name):
        self.system.params.index(name)       # ParameterError with a suggestion
        return name

    def _build(self):
        groups = V.parameter_widgets(self.system, self.values)
        self._widget_param = {}
        cards = []
        for i, (bname, rows) in enumerate(groups.items()):
            btype = self.circuit.blox[bname].type.name
            docs = "; ".join(f"`{n.split('.', 1)[1]}`: {d}" for n, _, d in rows if d)
            items = [w for _, w, _ in rows]
            if docs:
                items.append(pn.pane.Markdown(f"<small>{docs}</small>", margin=(0, 10)))
            cards.append(pn.Card(*items, title=f"{bname} ({btype})", collapsed=i >= 3,
                                 sizing_mode="stretch_width"))
            for name, w, _ in rows:
                self._widget_param[w] = name
                w.param.watch(self._on_param, "value")
        sim = pn.Card(self.t_end_input, self.dt_input, self.method_select, title="simulation",
                      sizing_mode="stretch_width")
        self._pipe = hv.streams.Pipe(data=self.solution or self._placeholder())
        self._plots = [pn.pane.HoloViews(hv.DynamicMap(self._renderer(spec), streams=[self._pipe]),
                                         sizing_mode="stretch_width") for spec in self._specs]
        name = self.circuit.name
        downloads = pn.Row(
            pn.widgets.FileDownload(callback=lambda: V.csv_bytes(self._current()),
                                    filename=f"{name}.csv", label="CSV", color="primary"),
            pn.widgets.FileDownload(callback=lambda: V.netcdf_bytes(self._current()),
                                    filename=f"{name}.nc", label="NetCDF", color="primary"),
            pn.widgets.FileDownload(callback=self._json_file, filename=f"{name}.json",
                                    label="circuit JSON", color="primary"))
        side = [pn.pane.Markdown(f"### {self.title}"), sim, *cards,
                pn.pane.Markdown("**download the current run**", margin=(10, 10, 0, 10)),
                downloads]
        if self._upload_enabled:
            self.upload = pn.widgets.FileInput(accept=".json", multiple=False,
                                               sizing_mode="stretch_width")
            self.upload.param.watch(self._on_upload, "value")
            side += [pn.pane.Markdown("**open a circuit JSON**", margin=(10, 10, 0, 10)),
                     self.upload]
        self._sidebar[:] = side
        self._main[:] = [self.alert, self.status, *self._plots,
                         pn.Row(pn.pane.HoloViews(V.circuit_diagram(self.circuit)),
                                V.equations_pane(self.circuit), sizing_mode="stretch_width")]
        self._show_result()

    def _renderer(self, spec):
        def render(data):
            return V.view_element(spec, data)
        return render

    def _placeholder(self):
        """A flat two-sample Solution so the plots have a shape before the
        first successful run (the initial parameters may be the bad ones)."""
        names = sorted({n for s in self._specs if not callable(s) for n in s}) or \
            list(self.system.state_names[:1])
        x0 = dict(zip(self.system.state_names, self.system.x0.tolist()))
        vals = np.array([[x0[n], x0[n]] for n in names])
        return Solution(np.array([0.0, 1.0]), names, vals)

    # -- parameters -------------------------------------------------------------
    def _on_param(self, event):
        # Panel sliders send ints for whole numbers: numba would compile again
        name = self._last_changed = self._widget_param[event.obj]
        self.values[name] = float(event.new)
        self._request()

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
        values = dict(values or {}, **kw)
        checked = {self._check_name(k): check_value(v, k) for k, v in values.items()}
        by_name = {n: w for w, n in self._widget_param.items()}
        self._quiet = True
        try:
            for k, v in checked.items():
                self.values[k] = v
                self._last_changed = k
                w = by_name[k]
                if v < w.start or v > w.end:
                    w.param.update(start=min(w.start, v), end=max(w.end, v))
                w.value = v
        finally:
            self._quiet = False
        return self.run()

    def run(self):
        """Simulate now with the current values (synchronously) and show it."""
        self._run_now()
        self._show_result()
        return self.solution if self.error is None else None

    def current_circuit(self):
        """A copy of the circuit carrying this session's parameter values."""
        c = Circuit.from_json(self.circuit.to_json())
        for name, v in self.values.items():
            bname, pname = name.split(".", 1)
            c.blox[bname].params[pname] = v
        return c

    # -- running ----------------------------------------------------------------
    def _job(self):
        t_end, dt = float(self.t_end_input.value or 0), float(self.dt_input.value or 0)
        return dict(self.values), t_end, dt, self.method_select.value

    def _compute(self, job):
        values, t_end, dt, method = job
        t0 = time.perf_counter()
        try:
            if not (math.isfinite(t_end) and math.isfinite(dt)) or dt <= 0:
                raise SimulationError(f"duration and dt must be positive numbers (dt={dt})")
            nsteps = t_end / dt
            if nsteps > MAX_STEPS:
                raise SimulationError(f"{nsteps:.3g} steps is more than this dashboard runs "
                                      f"({MAX_STEPS:.0e}); raise dt or shorten the run")
            stride = max(1, int(math.ceil(nsteps / MAX_SAMPLES)))
            sol = simulate(self.system, t_end, dt=dt, method=method, params=values,
                           stride=stride)
            return sol, None, time.perf_counter() - t0
        except NbbloxError as exc:
            return None, str(exc), time.perf_counter() - t0
        except Exception as exc:  # a bug must reach this session's page, not kill the server
            return None, f"{type(exc).__name__}: {exc}", time.perf_counter() - t0

    def _run_now(self):
        sol, err, took = self._compute(self._job())
        self._record(sol, err, took)

    def _record(self, sol, err, took):
        self.runs += 1
        self._took = took
        if err is None:
            self.solution, self.error = sol, None
        else:
            self.error = err

    def _show_result(self):
        if self.error is not None:
            self.alert.object = f"**The model raised an error:** {self.error}"
            self.alert.visible = True
            self.status.object = f"run {self.runs} failed"
            return
        self.alert.visible = False
        sol = self.solution
        self._pipe.send(sol)
        # the value this plot was computed with: collaborators (and tests) can
        # tell a settled view from one still catching up with the slider
        name = self._last_changed
        used = f" ({name} = {sol.params[name]:g})" if name in sol.params else ""
        self.status.object = (f"run {self.runs}{used}: {sol.t.size} samples over {sol.t[-1]:g} ms "
                              f"({sol.info.get('method')}) in {self._took * 1000:.0f} ms")

    def _request(self):
        if self._quiet:
            return
        self._dirty = True
        if self._busy:
            return                      # the running loop picks the new values up
        self._busy = True
        self.status.object = f"running (after run {self.runs})"
        pn.state.execute(self._run_async)

    async def _run_async(self):
        try:
            loop = asyncio.get_running_loop()
            while self._dirty:
                self._dirty = False
                result = await loop.run_in_executor(None, self._compute, self._job())
                self._record(*result)
                if not self._dirty:     # only the latest values reach the browser
                    self._show_result()
        finally:
            self._busy = False

    def _current(self):
        if self.solution is None:
            raise SimulationError("no successful run to download yet")
        return self.solution

    def _json_file(self):
        import io
        return io.StringIO(self.current_circuit().to_json(indent=1))

    # -- upload -------------------------------------------------------------------
    def _on_upload(self, event):
        data = event.new
        if not data:
            return
        try:
            if len(data) > MAX_UPLOAD_BYTES:
                raise ParameterError(f"the uploaded file is {len(data)} bytes; the limit is "
                                     f"{MAX_UPLOAD_BYTES}")
            circuit = Circuit.from_json(bytes(data))   # validated, equations re-parsed
            self._load(as_system(circuit), None)
        except NbbloxError as exc:
            self.alert.object = f"**Could not open that circuit:** {exc}"
            self.alert.visible = True

    # -- display --------------------------------------------------------------------
    def __panel__(self):
        return pn.Row(pn.Column(self._sidebar, width=340), self._main,
                      sizing_mode="stretch_width")

    def template(self):
        """The app in a Panel template (sidebar + main), as served."""
        return pn.template.BootstrapTemplate(title=self.title, sidebar=[self._sidebar],
                                             main=[self._main], sidebar_width=340)

    def servable(self, title=None, location=True, area="main", target=None):
        """Mark the app for ``panel serve`` / ``nbblox serve`` (in a template);
        in a notebook it returns the dashboard, which renders inline."""
        doc = pn.state.curdoc
        if doc is not None and doc.session_context is not None:
            self.template().servable(title=title or self.title, location=location)
        return self

    def __repr__(self):
        return (f"<Dashboard '{self.title}': {len(self.values)} parameters, "
                f"{len(self._specs)} views, {self.runs} runs>")
