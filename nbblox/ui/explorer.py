"""explore(): sliders generated from Parameter metadata that re-simulate a
compiled System and update live HoloViews views in place.

The Explorer is a Panel layout, so the same object renders in JupyterLab,
Notebook 7, VS Code and inside a served Panel app.  Moving a slider calls
:func:`nbblox.simulate` on the *same* System with a params dict (never a
recompile) and pushes decimated data into HoloViews Pipes; the DynamicMaps
redraw in place.  ``Explorer.set`` is the code path of a slider, so lessons
and tests drive exactly what a user drives.

A run is two halves: ``_compute`` (simulate, decimate, prepare each view's
payload; touches no plot, so a served app runs it in a worker thread while
other sessions go on -- numba kernels release the GIL) and ``_publish``
(push the payloads into the Pipes, on the thread that owns the document).
``nb.dashboard`` wraps the same Explorer in a Panel template.
"""
from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import threading
import time
import weakref

import numpy as np

from ..compile.system import as_system
from ..exceptions import NbbloxError, ParameterError, SimulationError, suggest
from ..limits import SERVED_MEMORY_MB, limited_memory
from ..model.params import check_value
from ..sim import simulate
from ..sim.control import run_control
from ..sim.simulate import FIXED_METHODS
from ..sim.solution import spike_times
from ..viz.timeseries import MAX_POINTS, downsample, timeseries_element

__all__ = ["explore", "Explorer", "VIEWS"]

VIEWS = ("timeseries", "raster", "phase_plane", "bifurcation", "live")
MAX_SLIDERS = 60          # sliders shown at once; the filter box reaches the rest
MAX_RECORDED = 400_000    # samples kept per run before stride kicks in
MAX_STEPS = 20_000_000    # refuse runs that would hold a kernel or server thread for minutes
SERVED_RUN_SECONDS = 30   # wall-time budget of one run in a served session

log = logging.getLogger("nbblox.explore")


def explore(model, vars=None, t_end=200.0, dt=0.01, method="rk4", *,
            views=("timeseries",), params=None, phase=None, bifurcation=None, seed=None,
            max_points=MAX_POINTS, spike_threshold=0.0):
    """Interactive explorer: one slider per parameter and live views.

    Parameters
    ----------
    model : Blox, Circuit or System
        Compiled once; every slider move re-simulates the same System.
    vars : str or list of str, optional
        States to plot (default: the first state of each blox, up to 4).
        Short names (``"V"``) are accepted when unambiguous.
    t_end, dt, method :
        As in :func:`nbblox.simulate` (also editable in the panel).
    views : tuple of str
        Any of ``"timeseries"``, ``"raster"``, ``"phase_plane"``,
        ``"bifurcation"``, ``"live"``.
    params : dict, optional
        Starting parameter values (``reset`` returns to these).
    phase : (str, str), optional
        States on the phase-plane axes (default: first and last state of the
        first blox with two or more states).
    bifurcation : str or (str, (lo, hi)), optional
        Continuation parameter of the bifurcation view (default: the first
        parameter, over its slider range).
    seed : int, optional
        Passed to simulate and written into the exported code.
    max_points : int
        Each plotted series is min/max decimated to this many points.
    spike_threshold : float
        The status line counts upward crossings of this value by the first
        plotted variable (a spike count for voltages in mV).
    memory_mb, seconds : float, optional
        Memory budget (:func:`nbblox.limits.limited_memory`) and wall-time
        budget (:func:`nbblox.sim.control.run_control`) of each run.  Default:
        none in a notebook; in a served session ``SERVED_MEMORY_MB`` and
        ``SERVED_RUN_SECONDS``, and a session's run is cancelled when the
        browser session ends.

    Returns
    -------
    Explorer

    Examples
    --------
    >>> import nbblox as nb
    >>> ex = nb.explore(nb.blox.FitzHughNagumo(name="fhn"), t_end=100.0)
    >>> sol = ex.set({"fhn.I": 0.5})
    >>> ex.params["fhn.I"], ex.pipe.data["params"]["fhn.I"]
    (0.5, 0.5)
    """
    _setup_if_kernel()
    return Explorer(model, vars=vars, t_end=t_end, dt=dt, method=method, views=views,
                    params=params, phase=phase, bifurcation=bifurcation, seed=seed,
                    max_points=max_points, spike_threshold=spike_threshold)


def _num(v):
    try:
        return float(v)
    except (TypeError, ValueError):
        return float("nan")


_served = weakref.WeakSet()   # explorers of live served sessions (cancel_all on shutdown)


def cancel_all():
    """Cancel the running simulation of every served explorer (server shutdown)."""
    for ex in list(_served):
        ex.cancel()


def _in_panel_server():
    import sys
    pn = sys.modules.get("panel")
    doc = getattr(getattr(pn, "state", None), "curdoc", None) if pn else None
    return bool(doc is not None and getattr(doc, "session_context", None) is not None)


def _setup_if_kernel():
    """Inline the JS once when running inside a Jupyter kernel (offline-safe)."""
    try:
        ip = get_ipython()  # noqa: F821
    except NameError:
        return
    if ip is not None and getattr(ip, "kernel", None) is not None:
        from ..notebook import setup_notebook
        setup_notebook()


def _resolve_state(system, name, what="vars"):
    names = system.state_names
    if name in names:
        return name
    short = [n for n in names if n.rsplit(".", 1)[-1] == name]
    if len(short) == 1:
        return short[0]
    extra = f" It is ambiguous: {short}." if short else suggest(str(name), names)
    raise ParameterError(f"explore: {what} names '{name}', which is not a state of this "
                         f"system.{extra} States: {', '.join(names[:12])}"
                         + (" ..." if len(names) > 12 else ""))


class Explorer:
    """Live parameter explorer (made by :func:`explore`).

    Attributes
    ----------
    system : System
    params : dict
        Current parameter values (floats).
    last : Solution
        The last run that succeeded (what the views show).
    error : str or None
        Message of the last failed run (the views keep ``last``).
    pipe : holoviews.streams.Pipe
        Feeds the time-series view: ``{"t", "columns", "params", "run"}``.
    timings : list of dict
        Per update: ``simulate_ms`` (kernel + decimation), ``push_ms`` (views,
        status and the message to the page), wall-clock ``recv_wall`` (first
        request) and ``sent_wall`` (used by bench/latency_explore.py).
    layout : panel.viewable.Viewable
        The whole explorer (``explorer.servable()`` serves it).
    """

    def __init__(self, model, vars=None, t_end=200.0, dt=0.01, method="rk4", *,
                 views=("timeseries",), params=None, phase=None, bifurcation=None,
                 seed=None, max_points=MAX_POINTS, spike_threshold=0.0, memory_mb=None,
                 seconds=None):
        import holoviews as hv
        from .explore_weights import Weights, private_system
        # a private copy: sliders (and weight sliders) never change the caller's System
        self.system = private_system(as_system(model))
        s = self.system
        self._weights = Weights(s)       # connection weights as sliders ("a→b")
        views = (views,) if isinstance(views, str) or callable(views) else tuple(views)
        for v in views:
            if not callable(v) and v not in VIEWS:
                raise ParameterError(f"explore: unknown view '{v}'." + suggest(v, VIEWS)
                                     + f" Views: {', '.join(VIEWS)}")
        self.views = views
        if vars is None:
            seen, vars = set(), []
            for n in s.state_names:
                b = n.split(".", 1)[0]
                if b not in seen and len(vars) < 4:
                    seen.add(b)
                    vars.append(n)
        elif isinstance(vars, str):
            vars = [vars]
        self.vars = [_resolve_state(s, v) for v in vars]
        if not self.vars:
            raise ParameterError("explore: vars is empty; name at least one state")
        from ..viz.units import short_names, state_unit
        self._units = {v: state_unit(s, v) for v in self.vars}
        self._labels = dict(zip(self.vars, short_names(self.vars)))
        self.t_end, self.dt = float(t_end), float(dt)
        self.method, self.seed = method, seed
        self.max_points, self.spike_threshold = int(max_points), float(spike_threshold)
        self._served = served = _in_panel_server()
        self.memory_mb = SERVED_MEMORY_MB if memory_mb is None and served else memory_mb
        self.seconds = SERVED_RUN_SECONDS if seconds is None and served else seconds
        self._cancel = threading.Event()     # the running job's; set() stops it between chunks
        if served:
            import panel as pn
            pn.state.on_session_destroyed(lambda ctx: self.cancel())
            _served.add(self)
        self.params = {n: float(v) for n, v in zip(s.param_names, s.params.array)}
        if params:
            self.params.update(self._clean(params))
        self._start = dict(self.params)
        self._start_run = (self.t_end, self.dt, self.method)
        self.last, self.error, self.timings, self.n_runs, self.runs = None, None, [], 0, 0
        self._pending, self._scheduled, self._busy, self._syncing = {}, False, False, False
        # ipykernel >= 7 delivers widget (comm) messages on subshell threads, so a
        # slider request can arrive while the main thread is mid-flush: the lock
        # makes "pending?" and "done" one step, or a value could be stranded
        self._lock = threading.RLock()
        self._changed = None      # the parameter moved last (named in the status line)
        self._recv = None         # wall time of the first request not yet shown (bench/latency)
        self.pipe = hv.streams.Pipe(data=None)
        self.run_pipe = hv.streams.Pipe(data=None)   # run number: raster and user views
        self._ts_panes = []   # displayed time-series panes, (pane, names): patched in place
        self._views = []      # linked views: .prepare(sol) -> payload, .send(payload)
        self._listeners = []  # plain callbacks, called with each good Solution
        from . import explore_panel, explore_views
        if "phase_plane" in views:
            self.phase_plane = explore_views.PhasePlaneView(self, phase)
            self._views.append(self.phase_plane)
        if "bifurcation" in views:
            self.bifurcation = explore_views.BifurcationView(self, bifurcation)
            self._views.append(self.bifurcation)
        if "live" in views:
            from .live import LiveRun
            self.live = LiveRun(self)
        self._record = list(dict.fromkeys(self.vars + [
            n for v in ("phase_plane",) if v in views for n in self.phase_plane.xy]))
        if any(callable(v) for v in views):
            self._record = None   # a user's view may read any state: record them all
        self._update()  # first run fills the pipes before anything is displayed
        self.controls = explore_panel.Controls(self)
        self.layout = explore_panel.build_layout(self)

    # -- parameters ---------------------------------------------------------------
    @property
    def weights(self):
        """Current connection weights, ``{"a→b": value}`` (set them like parameters)."""
        return dict(self._weights.values)

    def slider_names(self):
        """Everything a slider moves: the parameters, the promoted parameters of
        composites, then the connection weights."""
        return (list(self.system.param_names) + list(self.system.params.aliases)
                + list(self._weights.labels))

    def slider_info(self, name):
        """Slider metadata (range, step, unit, doc) of a parameter or a weight."""
        if name in self._weights:
            return self._weights.info(name)
        return self.system.parameter_info(name)

    def _clean(self, values):
        if not isinstance(values, dict):
            raise ParameterError(f"explorer.set takes a dict {{'blox.param': value}}, got "
                                 f"{type(values).__name__}")
        out = {}
        for k, v in values.items():
            if k in self._weights:
                out[k] = check_value(v, k)
                continue
            # a selector or promoted parameter ("*.P", "col1.g") sets each plain name
            # it matches, so every slider it moves shows its value
            for name in self.system.params.match(k):   # ParameterError with a suggestion
                hb = self.system.parameter_info(name).hard_bounds
                out[name] = check_value(v, name, None, hb)  # floats: Panel sends ints sometimes
        return out

    def set(self, values=None, **run):
        """Set parameters (and optionally ``t_end``, ``dt``, ``method``) exactly
        as the sliders would, re-simulate, and return once every view holds
        the new data.

        Returns
        -------
        Solution
            The run now shown (the previous one if this run failed; see
            ``error``).
        """
        clean = self._clean(values or {})
        for k in run:
            if k not in ("t_end", "dt", "method"):
                raise ParameterError(f"explorer.set: unknown setting '{k}'."
                                     + suggest(k, ["t_end", "dt", "method"]))
        with self._lock:
            self._pending.update(clean)
            self._apply_run_settings(run)
        if getattr(self, "controls", None) is not None:
            self.controls.sync(clean, run)
        self._flush()
        return self.last

    def _apply_run_settings(self, run):
        # an emptied number box sends None: the run reports it, nothing raises here
        if "t_end" in run:
            self.t_end = _num(run["t_end"])
        if "dt" in run:
            self.dt = _num(run["dt"])
        if "method" in run:
            self.method = str(run["method"])
        if run:
            self._pending.setdefault("__run__", True)

    def request(self, values=None, **run):
        """What a slider calls: queue the change and flush soon.

        Inside a running event loop (a Jupyter kernel, a Panel server) the
        flush is scheduled once, so a burst of slider messages collapses into
        one run with the latest values; no event is dropped because the
        pending dict holds the latest value per name.  In a Panel server the
        simulation runs in a worker thread (``pn.state.execute``), so one
        session's run does not stall the others.
        """
        clean = self._clean(values or {})
        with self._lock:
            self._recv = self._recv or time.time()   # wall clock: the bench lines it up with the page's
            self._pending.update(clean)
            self._apply_run_settings(run)
            log.debug("request %s (scheduled=%s busy=%s)", values or run, self._scheduled,
                      self._busy)
            if self._busy and self._served:
                # served: the running result would be dropped as overtaken; stop it now
                self.cancel()
            if self._scheduled:
                return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            loop = None
        if loop is None or self._busy:
            self._flush()
            return
        self._scheduled = True
        if _in_panel_server():
            import panel as pn
            self.controls.show_status(running=True)
            pn.state.execute(self._flush_async)
        else:
            loop.call_soon(self._flush)

    def _take(self):
        """Move the pending values into ``params``; the job of the next run.
        Called with the lock held."""
        pend, self._pending = self._pending, {}
        pend.pop("__run__", None)
        if pend:
            self._changed = list(pend)[-1]
        for k in [k for k in pend if k in self._weights]:
            self._weights.values[k] = pend.pop(k)
        self.params.update(pend)
        return dict(self.params), self.t_end, self.dt, self.method, dict(self._weights.values)

    def _next_job(self):
        """The next run's job, or None after marking the flush done (one step
        under the lock, so a request landing now is either taken here or
        starts its own flush)."""
        with self._lock:
            if self._pending:
                return self._take()
            self._busy = self._scheduled = False
            return None

    def _flush(self):
        with self._lock:
            self._scheduled = False
            if self._busy:
                return  # the running flush loops until nothing is pending
            self._busy = True
        try:
            while (job := self._next_job()) is not None:
                self._publish(self._compute(job))
        finally:
            with self._lock:
                self._busy = False

    async def _flush_async(self):
        loop = asyncio.get_running_loop()
        with self._lock:
            self._busy = True
        try:
            while (job := self._next_job()) is not None:
                result = await loop.run_in_executor(None, self._compute, job)
                with self._lock:
                    newer = bool(self._pending)
                if not newer:      # only the latest values reach the browser
                    self._publish(result)
                    log.debug("published run %d", self.runs)
        finally:
            with self._lock:
                self._busy = self._scheduled = False

    def reset(self):
        """Back to the starting parameters and run settings (a running
        simulation is cancelled first)."""
        self.cancel()
        t_end, dt, method = self._start_run
        return self.set(dict(self._start), t_end=t_end, dt=dt, method=method)

    # -- running ------------------------------------------------------------------
    def _stride(self, t_end=None, dt=None, method=None):
        t_end, dt = t_end or self.t_end, dt or self.dt
        n = t_end / dt if (method or self.method) in FIXED_METHODS else 0
        return max(1, int(np.ceil(n / MAX_RECORDED))) if n else 1

    def simulate(self, params=None, x0=None, t_end=None, record=None):
        """One run of the explored System with the current settings."""
        p = dict(self.params, **(params or {}))
        t_end = self.t_end if t_end is None else t_end
        with self._budget():
            return simulate(self.system, t_end, dt=self.dt, method=self.method, params=p,
                            x0=x0, record=record or self._record, stride=self._stride(t_end),
                            seed=self.seed)

    def _budget(self):
        """Memory budget and a fresh cancel event + time budget for one run."""
        stack = contextlib.ExitStack()
        if self.memory_mb:
            stack.enter_context(limited_memory(self.memory_mb))
        self._cancel = threading.Event()
        stack.enter_context(run_control(cancel=self._cancel, seconds=self.seconds))
        return stack

    def cancel(self):
        """Stop the running simulation at its next chunk (~0.1 s); it reports
        :class:`~nbblox.exceptions.RunCancelled` and the views keep the last good run."""
        self._cancel.set()

    def _compute(self, job):
        """Simulate ``job`` = (params, t_end, dt, method), decimate, and prepare
        every linked view's payload.  Draws nothing (safe in a worker thread);
        errors come back as a message, never raised."""
        params, t_end, dt, method, weights = job
        t0 = time.perf_counter()
        try:
            self._weights.apply(self.system, weights)   # no-op unless a weight moved
            if not (math.isfinite(t_end) and math.isfinite(dt)) or dt <= 0 or t_end <= 0:
                raise SimulationError(f"t_end and dt must be positive numbers "
                                      f"(t_end={t_end}, dt={dt})")
            if method in FIXED_METHODS and t_end / dt > MAX_STEPS:
                raise SimulationError(f"{t_end / dt:.3g} steps is more than explore runs "
                                      f"({MAX_STEPS:.0e}); raise dt or shorten t_end")
            with self._budget():
                sol = simulate(self.system, t_end, dt=dt, method=method, params=params,
                               record=self._record, stride=self._stride(t_end, dt, method),
                               seed=self.seed)
            Y = np.vstack([sol[v] for v in self.vars])
            t, Yd = downsample(sol.t, Y, self.max_points)
            t1 = time.perf_counter()
            payloads = [v.prepare(sol) for v in self._views]
        except NbbloxError as exc:
            return {"error": f"{type(exc).__name__}: {exc}", "t0": t0}
        except Exception as exc:  # a bug must reach the page, not kill a served session
            log.warning("explore run failed: %s: %s", type(exc).__name__, exc)
            return {"error": f"{type(exc).__name__}: {exc}", "t0": t0}
        return {"sol": sol, "t": t, "columns": dict(zip(self.vars, Yd)), "payloads": payloads,
                "t0": t0, "start_wall": time.time() - (time.perf_counter() - t0),
                "simulate_ms": 1e3 * (t1 - t0),
                "views_ms": 1e3 * (time.perf_counter() - t1)}

    def _publish(self, res):
        """Show a ``_compute`` result: push the data into every view (in a
        notebook as one message per display, see explore_push)."""
        from .explore_push import batched
        t1, n = time.perf_counter(), len(self.timings)
        try:
            with batched(getattr(self, "layout", None) if self._ts_panes else None):
                ok = self._publish_now(res)
        except Exception as exc:
            # e.g. Panel refusing to patch a layout displayed in two documents
            # (VS Code): whatever went out stays; a display that cannot be
            # patched must not end the flush and strand newer slider values
            log.warning("explore: plots or status line not updated: %s: %s",
                        type(exc).__name__, exc)
            ok = False
        if len(self.timings) > n:   # a good run: time to the message leaving the kernel
            self.timings[-1].update(push_ms=1e3 * (time.perf_counter() - t1),
                                    sent_wall=time.time())
        self._recv = None
        return ok

    def _publish_now(self, res):
        from .explore_push import patch_timeseries
        self.runs += 1
        if "error" in res:
            self.error = res["error"]
        else:
            sol = res["sol"]
            self.error = None
            self.last = sol
            self.n_runs += 1
            data = {"t": res["t"], "columns": res["columns"], "params": dict(sol.params),
                    "run": self.n_runs}
            cols = res["columns"]
            if self._ts_panes and all(
                    patch_timeseries([pane], res["t"], {n: cols[n] for n in names}, self._labels)
                    for pane, names in self._ts_panes):
                self.pipe.update(data=data)     # the rendered plot already holds it
                self.pipe._memoize_counter += 1  # a later render must not reuse a cached frame
            else:
                self.pipe.send(data)
            self.run_pipe.send(self.n_runs)
            for view, payload in zip(self._views, res["payloads"]):
                view.send(payload)
            for listen in self._listeners:
                listen(sol)
            self.timings.append({"simulate_ms": res["simulate_ms"], "views_ms": res["views_ms"],
                                 "recv_wall": self._recv, "start_wall": res["start_wall"]})
        if getattr(self, "controls", None) is not None:
            self.controls.show_status()
        return self.error is None

    def _update(self):
        with self._lock:
            job = self._take()
        return self._publish(self._compute(job))

    # -- read-outs -------------------------------------------------------------------
    def spike_count(self, sol=None):
        """Spikes of the last run: event spikes if the system has them, else
        upward crossings of ``spike_threshold`` by the first plotted variable."""
        sol = sol or self.last
        if sol is None:
            return 0
        if len(sol.spikes["time"]):
            return int(len(sol.spikes["time"]))
        return int(spike_times(sol.t, sol[self.vars[0]], self.spike_threshold).size)

    def status(self):
        """One line: spike count and run time, or the error of the last run."""
        if self.error:
            return f"⚠ run {self.runs} failed: {self.error} (showing the last good run)"
        ms = self.timings[-1]["simulate_ms"] if self.timings else 0.0
        name = self._changed
        # the value this plot was computed with: a page (or a test) can tell a
        # settled view from one still catching up with the slider
        used = (f" ({name} = {self.last.params[name]:g})" if name in self.last.params else
                f" ({name} = {self._weights.values[name]:g})" if name in self._weights else "")
        v = self.vars[0]
        try:
            kind = self.system.circuit[v.rsplit(".", 1)[0].split("[", 1)[0]].type.kind
        except (KeyError, AttributeError, ValueError):
            kind = "neuron"
        if kind == "neuron" or len(self.last.spikes["time"]):
            what = f"{self.spike_count()} spikes ({v} crossing {self.spike_threshold:g})"
        else:  # a neural mass has no spikes: say where the activity went
            a = self.last[v]
            what = f"{v} from {a.min():.4g} to {a.max():.4g}, final {a[-1]:.4g}"
        info = self.last.info
        return (f"{what} · run {self.runs}{used} · {info.get('method', self.method)} "
                f"dt={info.get('dt', self.dt):g} ms · simulated in {ms:.0f} ms")

    def groups(self):
        """The plotted variables split into panels: one per unit, and the ones
        without a unit by order of magnitude (V in mV apart from a gate w in 0-1),
        as in ``sol.plot()``.  Decided from the first run."""
        if getattr(self, "_groups", None) is None:
            from ..viz.timeseries import panel_groups
            arrays = [self.last[v] if self.last is not None else np.zeros(1) for v in self.vars]
            self._groups = [[self.vars[i] for i in g] for g in
                            panel_groups(self.vars, [self._units[v] for v in self.vars], arrays)]
        return self._groups

    def timeseries_view(self, group=0):
        """A live time-series DynamicMap (fed by ``pipe``): the variables of
        panel ``group`` of :meth:`groups` (``None``: all in one panel)."""
        import holoviews as hv
        from ..viz.units import model_title, safe_title
        names = list(self.vars) if group is None else self.groups()[group]
        look = dict(units=self._units, labels=self._labels, responsive=True,
                    height=260 if group in (0, None) else 200,
                    title=safe_title(model_title(self.system)) if group in (0, None) else "",
                    dim="value" if group in (0, None) else f"y{group}")

        def render(data):
            if data is None:
                return timeseries_element(np.zeros(1), {v: np.zeros(1) for v in names}, **look)
            return timeseries_element(data["t"], {v: data["columns"][v] for v in names}, **look)
        return hv.DynamicMap(render, streams=[self.pipe])

    def tap(self, x, y):
        """Start a phase-plane trajectory at (x, y), as a click would."""
        if not hasattr(self, "phase_plane"):
            raise ParameterError("this explorer has no phase_plane view; "
                                 "use views=('timeseries', 'phase_plane')")
        return self.phase_plane.tap.event(x=float(x), y=float(y))

    def to_code(self, cell=False):
        """Python source reproducing the current figure, with a reproducibility
        stamp (nbblox/numpy/numba/holoviews versions, seed, time).

        With ``cell=True`` inside IPython the code also becomes the next cell.
        """
        from .export import explorer_code
        code = explorer_code(self)
        if cell:
            try:
                get_ipython().set_next_input(code, replace=False)  # noqa: F821
            except NameError:
                pass
        return code

    # -- display ----------------------------------------------------------------------
    def __panel__(self):
        return self.layout

    def servable(self, title="nbblox explorer"):
        return self.layout.servable(title=title)

    def show(self, **kw):
        return self.layout.show(**kw)

    def _repr_mimebundle_(self, include=None, exclude=None):
        from .explore_push import quick_comm
        with quick_comm():
            return self.layout._repr_mimebundle_(include, exclude)

    def __repr__(self):
        return (f"<Explorer of {self.system!r}: vars={self.vars}, views={list(self.views)}, "
                f"{self.n_runs} runs>")
